//! What a report says, independent of how it is printed: per workload, one row
//! per arm with its statistics, memory, verdict against the baseline and
//! warnings; then the geometric mean of each arm over all workloads. Built
//! from a run ([`Report::from_results`]) or from pyperf files
//! ([`crate::pyperf::compare_files`]), rendered by [`terminal`] and [`markdown`].

pub mod markdown;
pub mod runs;
pub(crate) mod table;
pub mod terminal;

use crate::arm::{Arm, BASELINE, Interpreter};
use crate::scheduler::{Cell, RunResults};
use crate::stats::{self, Summary};
use crate::verdict::{self, Comparison, Verdict, Warning};

/// Memory figures of one (workload, arm) over its workers.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MemoryStats {
    /// Largest peak RSS of any worker.
    pub peak_rss_kib: Option<u64>,
    /// Median over workers (each counts one call).
    pub allocs_per_call: Option<f64>,
    pub bytes_per_call: Option<f64>,
}

impl MemoryStats {
    /// From per-worker (peak RSS KiB, allocations per call, bytes per call).
    pub fn from_workers(workers: impl IntoIterator<Item = (Option<u64>, Option<f64>, Option<f64>)>) -> MemoryStats {
        let (mut peaks, mut allocs, mut bytes) = (Vec::new(), Vec::new(), Vec::new());
        for (peak, alloc, byte) in workers {
            peaks.extend(peak);
            allocs.extend(alloc);
            bytes.extend(byte);
        }
        let median = |values: &[f64]| (!values.is_empty()).then(|| stats::median(values));
        MemoryStats {
            peak_rss_kib: peaks.into_iter().max(),
            allocs_per_call: median(&allocs),
            bytes_per_call: median(&bytes),
        }
    }

    fn of_cell(cell: &Cell) -> MemoryStats {
        Self::from_workers(cell.workers.iter().map(|w| (w.peak_rss_kib, w.allocs_per_call, w.bytes_per_call)))
    }
}

/// The measurements of one arm on one workload, as input to [`Report::build`].
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// Seconds per call, warmups excluded.
    pub values: Vec<f64>,
    /// Loops per value (the smallest, if runs differ).
    pub loops: u64,
    pub memory: MemoryStats,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub label: String,
    pub summary: Summary,
    pub loops: u64,
    pub memory: MemoryStats,
    /// Against the row's reference; `None` on the baseline's own row.
    pub comparison: Option<Comparison>,
    /// The label compared against, when it is not the first arm (e.g. a CPython variant
    /// is compared with the CPython baseline).
    pub reference: Option<String>,
    pub warnings: Vec<Warning>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    pub workload: String,
    pub rows: Vec<Row>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GeometricMean {
    pub label: String,
    /// As [`Row::reference`].
    pub reference: Option<String>,
    pub norm_mean: f64,
    pub verdict: Verdict,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Arm labels (or file names); the first is the baseline.
    pub labels: Vec<String>,
    pub sections: Vec<Section>,
    /// One per non-baseline label; empty with fewer than 2 workloads (as
    /// pyperf, a geometric mean of one ratio says nothing new).
    pub geometric_means: Vec<GeometricMean>,
}

impl Report {
    /// `workloads[i].1[j]` is the sample of `labels[j]`; every sample must
    /// have at least one value.
    pub fn build(labels: Vec<String>, workloads: Vec<(String, Vec<Sample>)>) -> Report {
        let references = vec![0; labels.len()];
        Report::build_with_references(labels, &references, workloads)
    }

    /// As [`Report::build`], but `labels[i]` is compared with `labels[references[i]]`
    /// instead of always with the first label (`references[0]` must be 0).
    pub fn build_with_references(
        labels: Vec<String>,
        references: &[usize],
        workloads: Vec<(String, Vec<Sample>)>,
    ) -> Report {
        let reference_label = |index: usize| (references[index] != 0).then(|| labels[references[index]].clone());
        let mut sections = Vec::new();
        let mut norm_means: Vec<Vec<f64>> = vec![Vec::new(); labels.len()];
        for (workload, samples) in workloads {
            let rows = samples
                .iter()
                .zip(&labels)
                .enumerate()
                .filter_map(|(index, (sample, label))| {
                    let summary = Summary::of(&sample.values)?;
                    let reference = &samples[references[index]].values;
                    let comparison = (index > 0).then(|| verdict::compare(reference, &sample.values));
                    if let Some(comparison) = &comparison {
                        norm_means[index].push(comparison.norm_mean);
                    }
                    Some(Row {
                        label: label.clone(),
                        summary,
                        loops: sample.loops,
                        memory: sample.memory,
                        comparison,
                        reference: reference_label(index),
                        warnings: verdict::check_values(&sample.values, sample.loops),
                    })
                })
                .collect();
            sections.push(Section { workload, rows });
        }
        let geometric_means = if sections.len() < 2 {
            Vec::new()
        } else {
            labels
                .iter()
                .zip(&norm_means)
                .enumerate()
                .skip(1)
                .filter_map(|(index, (label, means))| {
                    let (norm_mean, verdict) = verdict::geometric_mean_verdict(means)?;
                    Some(GeometricMean { label: label.clone(), reference: reference_label(index), norm_mean, verdict })
                })
                .collect()
        };
        Report { labels, sections, geometric_means }
    }

    /// Each arm is compared with the first arm, except a non-baseline variant under CPython,
    /// which is compared with the baseline under the same CPython: so the rows show the
    /// interpreter's effect (CPython baseline vs RustPython baseline) apart from each
    /// variant's effect within its interpreter.
    pub fn from_results(results: &RunResults) -> Report {
        let labels = results.arms.iter().map(Arm::label).collect();
        let references: Vec<usize> = (0..results.arms.len()).map(|index| reference_arm(&results.arms, index)).collect();
        let workloads = results
            .workloads
            .iter()
            .enumerate()
            .map(|(w, workload)| {
                let samples = (0..results.arms.len())
                    .map(|a| {
                        let cell = results.cell(w, a);
                        Sample { values: cell.values(), loops: cell.loops, memory: MemoryStats::of_cell(cell) }
                    })
                    .collect();
                (workload.name.clone(), samples)
            })
            .collect();
        Report::build_with_references(labels, &references, workloads)
    }

    /// True when any row has a memory figure worth a column.
    pub fn has_memory(&self) -> bool {
        self.sections.iter().flat_map(|s| &s.rows).any(|r| r.memory != MemoryStats::default())
    }
}

/// The arm `arms[index]` is compared with: CPython variants and peers with the CPython
/// baseline of the same interpreter and memo, every other arm with the first.
pub(crate) fn reference_arm(arms: &[Arm], index: usize) -> usize {
    let arm = &arms[index];
    let is_cpython_baseline = |arm: &Arm| arm.variant == BASELINE && arm.peer.is_none() && arm.defines.is_empty();
    if is_cpython_baseline(arm) || !matches!(arm.interpreter, Interpreter::CPython(_)) {
        return 0;
    }
    arms.iter()
        .position(|other| is_cpython_baseline(other) && other.interpreter == arm.interpreter && other.memo == arm.memo)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpython_variants_are_compared_with_the_cpython_baseline() {
        let arms = vec![
            Arm::rustpython("baseline", "dict"),
            Arm::rustpython("merged", "dict"),
            Arm::rustpython("merged", "cam"),
            Arm::cpython("python3", "baseline", None),
            Arm::cpython("python3", "merged", None),
            Arm::cpython("python3", "memo", None).with_define("_X", "1"),
            Arm::peer("python3", "copium"),
        ];
        let references: Vec<usize> = (0..arms.len()).map(|i| reference_arm(&arms, i)).collect();
        assert_eq!(references, vec![0, 0, 0, 0, 3, 3, 3]);
        // Without a CPython baseline arm, everything falls back to the first arm.
        let arms = vec![Arm::rustpython("baseline", "dict"), Arm::cpython("python3", "merged", None)];
        assert_eq!(reference_arm(&arms, 1), 0);
    }

    #[test]
    fn rows_name_a_reference_other_than_the_first_label() {
        let labels = vec!["base".to_string(), "cpy".to_string(), "cpy-fast".to_string()];
        let sample = |v: f64| Sample {
            values: vec![v, v * 1.01, v * 0.99, v * 1.005],
            loops: 1000,
            memory: MemoryStats::default(),
        };
        let report = Report::build_with_references(
            labels,
            &[0, 0, 1],
            vec![("w".to_string(), vec![sample(4.0), sample(1.0), sample(0.5)])],
        );
        let rows = &report.sections[0].rows;
        assert_eq!(rows[1].reference, None);
        assert_eq!(rows[2].reference.as_deref(), Some("cpy"));
        // 0.5 against 1.0 is twice as fast; against the first label it would be 8x.
        assert_eq!(rows[2].comparison.as_ref().unwrap().verdict.to_string(), "2.00x faster");
    }

    fn sample(values: &[f64]) -> Sample {
        Sample { values: values.to_vec(), loops: 1000, memory: MemoryStats::default() }
    }

    #[test]
    fn rows_compare_to_the_first_label_and_geomean_needs_two_workloads() {
        let labels = vec!["base".to_string(), "fast".to_string()];
        let one = Report::build(
            labels.clone(),
            vec![("w1".into(), vec![sample(&[2.0, 2.01, 1.99]), sample(&[1.0, 1.01, 0.99])])],
        );
        assert!(one.sections[0].rows[0].comparison.is_none());
        let verdict = one.sections[0].rows[1].comparison.expect("compared").verdict;
        assert_eq!(verdict.to_string(), "2.00x faster");
        assert!(one.geometric_means.is_empty());

        let two = Report::build(
            labels,
            vec![
                ("w1".into(), vec![sample(&[2.0, 2.01, 1.99]), sample(&[1.0, 1.01, 0.99])]),
                ("w2".into(), vec![sample(&[1.0, 1.01, 0.99]), sample(&[2.0, 2.01, 1.99])]),
            ],
        );
        assert_eq!(two.geometric_means.len(), 1);
        assert_eq!(two.geometric_means[0].verdict, Verdict::NoChange);
    }

    #[test]
    fn memory_takes_max_rss_and_median_allocations() {
        let memory = MemoryStats::from_workers([
            (Some(100), Some(10.0), None),
            (Some(300), Some(30.0), None),
            (None, Some(20.0), None),
        ]);
        assert_eq!(memory.peak_rss_kib, Some(300));
        assert_eq!(memory.allocs_per_call, Some(20.0));
        assert_eq!(memory.bytes_per_call, None);
    }
}
