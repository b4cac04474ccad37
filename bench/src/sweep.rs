//! Sweeps: one workload set measured across the values of one copy.py
//! constant (`--define _FASTPATH_MAX=1,5,20,100`). Each value becomes an arm,
//! so a sweep is an ordinary plan: arms interleaved, the first value being
//! the baseline of the usual report. This module adds the sweep-shaped views:
//! a table (workloads × values) and an SVG line plot.

use crate::arm::{Arm, parse_define};
use crate::error::BenchError;
use crate::plot::{LinePlot, Series, YUnit};
use crate::report::table::{Cell, TextTable};
use crate::scheduler::RunResults;
use crate::stats::Summary;
use crate::units::format_mean_stdev;

/// `NAME=V1,V2,...`: the constant and its values, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SweepSpec {
    pub name: String,
    pub values: Vec<String>,
}

/// Parses `NAME=V1,V2,...` (at least one value, none empty or repeated).
pub fn parse_sweep(input: &str) -> Result<SweepSpec, BenchError> {
    let (name, list) = parse_define(input)?;
    let values: Vec<String> = list.split(',').map(|v| v.trim().to_string()).collect();
    let bad = |reason: &str| BenchError::BadDefine { input: input.to_string(), reason: reason.to_string() };
    if values.iter().any(String::is_empty) {
        return Err(bad("a value in the list is empty (use NAME=V1,V2,...)"));
    }
    for (index, value) in values.iter().enumerate() {
        if values[..index].contains(value) {
            return Err(bad(&format!("the value {value} is listed twice")));
        }
    }
    Ok(SweepSpec { name, values })
}

impl SweepSpec {
    /// One arm per value: `base` with `NAME=value` added to its defines.
    pub fn arms(&self, base: &Arm) -> Vec<Arm> {
        self.values.iter().map(|value| base.clone().with_define(&self.name, value)).collect()
    }

    /// [`SweepSpec::arms`] of `base` on each VM build (`stock`, `fork:NAME`), VM by VM: one
    /// plan, so the builds are interleaved like any other arms.
    pub fn arms_on(&self, base: &Arm, vms: &[String]) -> Vec<Arm> {
        vms.iter().flat_map(|vm| self.arms(&base.clone().with_vm(vm))).collect()
    }

    /// The values as numbers, if they all are (for a numeric x axis).
    fn numeric_values(&self) -> Option<Vec<f64>> {
        self.values.iter().map(|v| v.parse::<f64>().ok()).collect()
    }
}

/// A mean over another mean, with the 95% interval of that ratio when there is one.
pub type Ratio = (f64, Option<(f64, f64)>);

/// Summaries of every workload at every value of the swept constant.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepTable {
    pub spec: SweepSpec,
    /// Label of the swept arm without the define, e.g. `fastpath`.
    pub subject: String,
    /// (workload, one summary per value); with several VMs, one row per workload and VM,
    /// named `workload@vm` and kept next to each other.
    pub rows: Vec<(String, Vec<Summary>)>,
}

impl SweepTable {
    /// `results` must come from a plan whose arms are `spec.arms_on(base, vms)`.
    pub fn from_results(
        spec: &SweepSpec,
        base: &Arm,
        vms: &[String],
        results: &RunResults,
    ) -> Result<SweepTable, BenchError> {
        if vms.is_empty() || results.arms != spec.arms_on(base, vms) {
            return Err(BenchError::InvalidPlan(format!(
                "these results are not a sweep of {} over {} on {}",
                spec.name,
                spec.values.join(","),
                vms.join(",")
            )));
        }
        let values = spec.values.len();
        let mut rows = Vec::new();
        for (w, workload) in results.workloads.iter().enumerate() {
            for (v, vm) in vms.iter().enumerate() {
                let summaries =
                    (v * values..(v + 1) * values).filter_map(|a| Summary::of(&results.cell(w, a).values())).collect();
                let name = if vms.len() == 1 { workload.name.clone() } else { format!("{}@{vm}", workload.name) };
                rows.push((name, summaries));
            }
        }
        Ok(SweepTable { spec: spec.clone(), subject: base.label(), rows })
    }

    /// Mean ± std dev per workload (rows) and value (columns).
    pub fn render_text(&self) -> String {
        let mut headers = vec![format!("{} =", self.spec.name)];
        headers.extend(self.spec.values.iter().cloned());
        let rows = self
            .rows
            .iter()
            .map(|(workload, summaries)| {
                let mut cells = vec![Cell::plain(workload.clone())];
                cells.extend(summaries.iter().map(|s| Cell::plain(format_mean_stdev(s.mean, s.stdev))));
                cells
            })
            .collect();
        let mut right = vec![true; headers.len()];
        right[0] = false;
        let table = TextTable { headers, right, rows };
        let mut lines = vec![format!("Sweep of {} for {}", self.spec.name, self.subject)];
        lines.extend(table.render("  ", false));
        lines.push(String::new());
        lines.join("\n")
    }

    /// Per row, the index of its crossover value (see [`crossover`]), if any.
    pub fn crossovers(&self) -> Vec<Option<usize>> {
        self.rows.iter().map(|(_, summaries)| crossover(summaries)).collect()
    }

    /// Per row and value, the ratio of its mean to the first value's with the 95% interval
    /// the crossover is judged by (`None` for the first value itself).
    pub fn ratios(&self) -> Vec<Vec<Option<Ratio>>> {
        self.rows
            .iter()
            .map(|(_, summaries)| {
                let first = summaries.first();
                summaries
                    .iter()
                    .enumerate()
                    .map(|(index, summary)| {
                        let first = first.filter(|_| index > 0)?;
                        Some((summary.mean / first.mean, crate::stats::ratio_interval_of(first, summary)))
                    })
                    .collect()
            })
            .collect()
    }

    /// Mean time per call against the value, one line per workload.
    pub fn plot(&self) -> LinePlot {
        let numeric = self.spec.numeric_values();
        let xs: Vec<f64> = match &numeric {
            Some(values) => values.clone(),
            None => (0..self.spec.values.len()).map(|i| i as f64).collect(),
        };
        let series = self
            .rows
            .iter()
            .map(|(workload, summaries)| Series {
                name: workload.clone(),
                points: xs.iter().copied().zip(summaries.iter().map(|s| s.mean)).collect(),
                band: summaries.iter().map_while(crate::stats::mean_interval).collect(),
            })
            .collect();
        let markers = self
            .rows
            .iter()
            .zip(self.crossovers())
            .filter_map(|((workload, _), at)| {
                Some((xs[at?], format!("{workload}: differs from {} = {}", self.spec.name, self.spec.values[0])))
            })
            .collect();
        LinePlot {
            title: format!("{}: time per call vs {}", self.subject, self.spec.name),
            x_label: self.spec.name.clone(),
            y_label: "mean time per call".to_string(),
            y_unit: YUnit::Seconds,
            x_categories: numeric.is_none().then(|| self.spec.values.clone()),
            series,
            markers,
        }
    }
}

/// The crossover of a sweep row: the first value whose ratio to the first value has a 95%
/// interval that leaves 1.0, i.e. where the constant starts to make a measurable difference.
fn crossover(summaries: &[Summary]) -> Option<usize> {
    let first = summaries.first()?;
    (1..summaries.len()).find(|&index| {
        crate::stats::ratio_interval_of(first, &summaries[index]).is_some_and(|(low, high)| low > 1.0 || high < 1.0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::launcher::WorkerOutput;
    use crate::plan::Preset;
    use crate::scheduler::Cell as ResultCell;
    use crate::workload::Workload;

    #[test]
    fn sweep_lists_parse_into_arms() {
        let spec = parse_sweep("_FASTPATH_MAX=1, 5,20,100").expect("valid");
        assert_eq!(spec.values, ["1", "5", "20", "100"]);
        let arms = spec.arms(&Arm::rustpython("fastpath", "dict"));
        let labels: Vec<String> = arms.iter().map(Arm::label).collect();
        assert_eq!(labels[0], "fastpath,_FASTPATH_MAX=1");
        assert_eq!(labels[3], "fastpath,_FASTPATH_MAX=100");
        for bad in ["X=1,,2", "X=1,1", "X", "9X=1"] {
            assert!(matches!(parse_sweep(bad), Err(BenchError::BadDefine { .. })), "{bad}");
        }
    }

    fn stock() -> Vec<String> {
        vec![crate::STOCK_VM.to_string()]
    }

    fn results(spec: &SweepSpec, base: &Arm, vms: &[String]) -> RunResults {
        let arms = spec.arms_on(base, vms);
        let workloads: Vec<Workload> = ["deepcopy", "deepcopy_memo"]
            .iter()
            .map(|name| Workload { name: name.to_string(), file: "trio.py".into(), suite: "trio".into() })
            .collect();
        let mut cells = Vec::new();
        for w in 0..workloads.len() {
            for a in 0..arms.len() {
                let value = 1e-3 * (w + 1) as f64 / (a + 1) as f64;
                cells.push(ResultCell {
                    workload: w,
                    arm: a,
                    loops: 100,
                    calibration: None,
                    workers: vec![WorkerOutput {
                        loops: 100,
                        warmups: vec![],
                        values: vec![value, value * 1.01],
                        peak_rss_kib: None,
                        allocs_per_call: None,
                        bytes_per_call: None,
                        python: "rustpython 3.13.0".into(),
                    }],
                });
            }
        }
        RunResults { settings: Preset::Fast.settings(), workloads, arms, cells, duration: Default::default() }
    }

    #[test]
    fn table_and_plot_follow_the_values() {
        let spec = parse_sweep("_FASTPATH_MAX=1,5,20,100").expect("valid");
        let base = Arm::rustpython("fastpath", "dict");
        let table = SweepTable::from_results(&spec, &base, &stock(), &results(&spec, &base, &stock())).expect("sweep");
        let text = table.render_text();
        assert!(text.starts_with("Sweep of _FASTPATH_MAX for fastpath"), "{text}");
        assert!(text.contains("_FASTPATH_MAX =") && text.contains("100"), "{text}");
        assert!(text.contains("1.01 ms ± 0.01 ms") && text.contains("251 us ± 2 us"), "{text}");
        let plot = table.plot();
        assert!(plot.x_categories.is_none());
        let (x, y) = plot.series[1].points[0];
        assert_eq!(x, 1.0);
        assert!((y - 2.01e-3).abs() < 1e-15, "{y}");
        let (low, high) = plot.series[1].band[0];
        assert!(low < y && y < high, "the band holds the mean");
        assert_eq!(plot.series[1].band.len(), plot.series[1].points.len());
        // Each value's mean over the first's: halved at the second value, a clear crossover.
        let ratios = table.ratios();
        assert_eq!(ratios[0][0], None);
        let (ratio, interval) = ratios[0][1].expect("a ratio");
        assert!((ratio - 0.5).abs() < 1e-12, "{ratio}");
        assert!(interval.is_some_and(|(low, high)| low < 0.5 && 0.5 < high && high < 1.0), "{interval:?}");
        assert_eq!(table.crossovers(), vec![Some(1), Some(1)]);
        assert_eq!(plot.markers.len(), 2);

        let other = parse_sweep("_FASTPATH_MAX=1,2").expect("valid");
        assert!(SweepTable::from_results(&other, &base, &stock(), &results(&spec, &base, &stock())).is_err());
        let two = vec![crate::STOCK_VM.to_string(), "fork:alloc".to_string()];
        assert!(SweepTable::from_results(&spec, &base, &two, &results(&spec, &base, &stock())).is_err());
        assert!(SweepTable::from_results(&spec, &base, &[], &results(&spec, &base, &stock())).is_err());
    }

    #[test]
    fn a_sweep_on_several_vms_has_a_row_per_workload_and_vm() {
        let spec = parse_sweep("_FASTPATH_MAX=1,5").expect("valid");
        let base = Arm::rustpython("fastpath", "dict");
        let vms = vec![crate::STOCK_VM.to_string(), "fork:alloc".to_string()];
        let arms = spec.arms_on(&base, &vms);
        let labels: Vec<String> = arms.iter().map(Arm::label).collect();
        assert_eq!(
            labels,
            [
                "fastpath,_FASTPATH_MAX=1",
                "fastpath,_FASTPATH_MAX=5",
                "fastpath,_FASTPATH_MAX=1@fork:alloc",
                "fastpath,_FASTPATH_MAX=5@fork:alloc"
            ]
        );
        let table = SweepTable::from_results(&spec, &base, &vms, &results(&spec, &base, &vms)).expect("sweep");
        let names: Vec<&str> = table.rows.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["deepcopy@stock", "deepcopy@fork:alloc", "deepcopy_memo@stock", "deepcopy_memo@fork:alloc"]);
        // The fork's row holds the fork's arms (the third and fourth), in value order.
        let means: Vec<f64> = table.rows[1].1.iter().map(|summary| summary.mean).collect();
        for (mean, arm) in means.iter().zip([3.0, 4.0]) {
            assert!((mean - 1e-3 / arm * 1.005).abs() < 1e-15, "{means:?}");
        }
        assert_eq!(table.plot().series.len(), 4);
        assert!(table.render_text().contains("deepcopy_memo@fork:alloc"), "{}", table.render_text());
    }

    #[test]
    fn non_numeric_values_are_categories() {
        let spec = parse_sweep("_USE_FAST=True,False").expect("valid");
        let base = Arm::rustpython("fastpath", "dict");
        let table = SweepTable::from_results(&spec, &base, &stock(), &results(&spec, &base, &stock())).expect("sweep");
        assert_eq!(table.plot().x_categories, Some(vec!["True".to_string(), "False".to_string()]));
    }

    #[test]
    fn the_crossover_is_the_first_value_whose_interval_leaves_one() {
        let of = |values: &[f64]| Summary::of(values).expect("values");
        let same = of(&[1.0, 1.02, 0.98, 1.0]);
        let noisy = of(&[0.6, 1.5, 0.9, 1.1]);
        let faster = of(&[0.5, 0.51, 0.49, 0.5]);
        assert_eq!(crossover(&[same, noisy, faster]), Some(2));
        assert_eq!(crossover(&[same, noisy]), None);
        assert_eq!(crossover(&[]), None);
    }
}
