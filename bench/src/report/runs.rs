//! One or more saved runs as a [`RunSet`]: every arm of every run with its values in run
//! order and its metadata, the workloads all arms share, and the [`Report`] over them. What
//! the HTML report shows; built from pyperf files (`copylab report`) or straight from a run
//! (`bench --html`), through the same path, so both pages say the same thing.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::arm::{BASELINE, RUSTPYTHON_INTERPRETER};
use crate::error::BenchError;
use crate::pyperf::Suite;
use crate::report::{Report, Sample};
use crate::scheduler::RunResults;

/// One input run: a file, or the run just measured.
#[derive(Clone, Debug, PartialEq)]
pub struct RunInfo {
    pub label: String,
    /// Suite metadata (settings, machine, date), as `key = value` text in file order.
    pub metadata: Vec<(String, String)>,
}

/// One arm of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct ArmInfo {
    /// Unique over the set: the arm's label, prefixed with its run's when there are several.
    pub label: String,
    /// Index into [`RunSet::runs`].
    pub run: usize,
    /// copylab's arm metadata (`copylab_variant`, `copylab_vm`, ...), empty for foreign files.
    pub variant: Option<String>,
    pub vm: Option<String>,
    pub metadata: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RunSet {
    pub runs: Vec<RunInfo>,
    pub arms: Vec<ArmInfo>,
    /// (workload, values of each arm in run order), in the first run's order.
    pub workloads: Vec<(String, Vec<Vec<f64>>)>,
    /// Every arm against the first one.
    pub report: Report,
}

/// What one suite holds: arms, and per (workload, arm) a sample.
struct Parsed {
    arms: Vec<ArmInfo>,
    samples: Vec<(String, usize, Sample)>,
}

impl RunSet {
    /// Reads pyperf files (copylab's `--json` or `--json-dir` output, or pyperf's own): each
    /// is one run. Fails when a file is not pyperf JSON, or no workload is in every arm.
    pub fn from_files(paths: &[PathBuf]) -> Result<RunSet, BenchError> {
        if paths.is_empty() {
            return Err(BenchError::InvalidPlan("a report needs at least one results file".into()));
        }
        let mut suites = Vec::new();
        for path in paths {
            suites.push((run_label(path, paths), Suite::read(path)?, path.clone()));
        }
        RunSet::from_suites(suites)
    }

    /// The run just measured, compared as its terminal table compares it
    /// ([`Report::from_results`]: CPython variants against the CPython baseline).
    pub fn from_results(results: &RunResults) -> Result<RunSet, BenchError> {
        let suite = crate::pyperf::combined_suite(results);
        let mut set = RunSet::from_suites(vec![("this run".to_string(), suite, PathBuf::from("this run"))])?;
        set.report = Report::from_results(results);
        Ok(set)
    }

    fn from_suites(suites: Vec<(String, Suite, PathBuf)>) -> Result<RunSet, BenchError> {
        let several = suites.len() > 1;
        let (mut runs, mut arms, mut samples) = (Vec::new(), Vec::new(), Vec::new());
        for (index, (label, suite, path)) in suites.iter().enumerate() {
            let parsed =
                parse(suite, index, path).map_err(|reason| BenchError::ReadResults { path: path.clone(), reason })?;
            for (workload, arm, sample) in parsed.samples {
                samples.push((workload, arms.len() + arm, sample));
            }
            for mut arm in parsed.arms {
                // A per-arm file (`--json-dir`) is named after its arm: no prefix needed.
                if several && *label != arm.label {
                    arm.label = format!("{label}: {}", arm.label);
                }
                arms.push(arm);
            }
            runs.push(RunInfo { label: label.clone(), metadata: text_metadata(&suite.metadata) });
        }
        for (index, arm) in arms.iter().enumerate() {
            if arms[..index].iter().any(|other| other.label == arm.label) {
                let path = &suites[arm.run].2;
                return Err(BenchError::ReadResults {
                    path: path.clone(),
                    reason: format!("its arm '{}' is already in another file given; give each run once", arm.label),
                });
            }
        }
        let mut names: Vec<String> = Vec::new();
        for (workload, _, _) in &samples {
            if !names.contains(workload) {
                names.push(workload.clone());
            }
        }
        let mut workloads = Vec::new();
        for name in names {
            let per_arm: Option<Vec<Sample>> = (0..arms.len())
                .map(|a| samples.iter().find(|(w, arm, _)| *w == name && *arm == a).map(|(_, _, s)| s.clone()))
                .collect();
            if let Some(per_arm) = per_arm {
                workloads.push((name, per_arm));
            }
        }
        if workloads.is_empty() {
            let path = |i: usize| suites.get(i).map_or_else(PathBuf::new, |s| s.2.clone());
            return Err(BenchError::NoCommonBenchmarks { first: path(0), second: path(suites.len() - 1) });
        }
        let labels = arms.iter().map(|a| a.label.clone()).collect();
        let values = workloads.iter().map(|(n, s)| (n.clone(), s.iter().map(|s| s.values.clone()).collect())).collect();
        let report = Report::build_with_references(labels, &references(&runs, &arms), workloads);
        Ok(RunSet { runs, arms, workloads: values, report })
    }

    /// The same runs with only the arms labelled in `arms` and the workloads named in
    /// `workloads` (an empty list keeps all), in the set's order, compared again: the first arm
    /// kept is the reference. For a page that shows part of a run (a README's headline table).
    pub fn select(&self, arms: &[String], workloads: &[String]) -> Result<RunSet, BenchError> {
        let unknown = |kind: &str, name: &str, known: Vec<&str>| {
            BenchError::InvalidPlan(format!("no {kind} '{name}' in the runs given; they have: {}", known.join(", ")))
        };
        for name in arms {
            if !self.arms.iter().any(|a| &a.label == name) {
                return Err(unknown("arm", name, self.arms.iter().map(|a| a.label.as_str()).collect()));
            }
        }
        for name in workloads {
            if !self.workloads.iter().any(|(w, _)| w == name) {
                return Err(unknown("workload", name, self.workloads.iter().map(|(w, _)| w.as_str()).collect()));
            }
        }
        let kept: Vec<usize> =
            (0..self.arms.len()).filter(|&a| arms.is_empty() || arms.contains(&self.arms[a].label)).collect();
        let kept_arms: Vec<ArmInfo> = kept.iter().map(|&a| self.arms[a].clone()).collect();
        let mut samples = Vec::new();
        let mut values = Vec::new();
        for (name, per_arm) in &self.workloads {
            if !(workloads.is_empty() || workloads.contains(name)) {
                continue;
            }
            let section = self.report.sections.iter().find(|s| &s.workload == name);
            let row = |label: &str| section.and_then(|s| s.rows.iter().find(|r| r.label == label));
            samples.push((
                name.clone(),
                kept.iter()
                    .map(|&a| {
                        let row = row(&self.arms[a].label);
                        Sample {
                            values: per_arm[a].clone(),
                            loops: row.map_or(0, |r| r.loops),
                            memory: row.map(|r| r.memory).unwrap_or_default(),
                        }
                    })
                    .collect::<Vec<_>>(),
            ));
            values.push((name.clone(), kept.iter().map(|&a| per_arm[a].clone()).collect()));
        }
        let labels = kept_arms.iter().map(|a| a.label.clone()).collect();
        let report = Report::build_with_references(labels, &references(&self.runs, &kept_arms), samples);
        Ok(RunSet { runs: self.runs.clone(), arms: kept_arms, workloads: values, report })
    }
}

/// What each arm of `arms` (labels prefixed by their run's label when several runs are
/// read) is compared with: [`reference_of`] for each, on the labels within their own runs.
fn references(runs: &[RunInfo], arms: &[ArmInfo]) -> Vec<usize> {
    let own_labels: Vec<String> = arms
        .iter()
        .map(|arm| {
            let prefix = format!("{}: ", runs[arm.run].label);
            arm.label.strip_prefix(&prefix).unwrap_or(&arm.label).to_string()
        })
        .collect();
    (0..arms.len()).map(|index| reference_of(arms, &own_labels, index)).collect()
}

/// The arm that `arms[index]` is compared with. RustPython arms and foreign ones: the first
/// arm. A CPython arm (`bench --python`): the first run's CPython arm of the same variant
/// (or peer, memo and defines), so each CPython variant is followed from run to run; failing
/// that (or in the first run), as `bench` compares it within its run
/// ([`super::reference_arm`]): a variant with the run's CPython baseline on the same
/// interpreter, the baseline itself with the first arm.
fn reference_of(arms: &[ArmInfo], own_labels: &[String], index: usize) -> usize {
    let interpreter =
        |i: usize| arms[i].metadata.iter().find(|(key, _)| key == "interpreter").map(|(_, value)| value.as_str());
    let is_cpython = |i: usize| interpreter(i).is_some_and(|exe| exe != RUSTPYTHON_INTERPRETER);
    // The label without its `@interpreter`: variant, memo and defines, or the peer's module.
    let kind = |i: usize| own_labels[i].split('@').next().unwrap_or_default();
    if !is_cpython(index) {
        return 0;
    }
    let arm = &arms[index];
    if arm.run > 0
        && let Some(first_run) = (0..arms.len()).find(|&i| arms[i].run == 0 && is_cpython(i) && kind(i) == kind(index))
    {
        return first_run;
    }
    if kind(index) == BASELINE {
        return 0;
    }
    (0..arms.len())
        .find(|&i| {
            arms[i].run == arm.run && is_cpython(i) && kind(i) == BASELINE && interpreter(i) == interpreter(index)
        })
        .unwrap_or(0)
}

/// A file's label: its stem, or its path when two files share a stem.
fn run_label(path: &Path, all: &[PathBuf]) -> String {
    let stem = |p: &Path| p.file_stem().map(|s| s.to_string_lossy().into_owned());
    let shared = all.iter().filter(|other| stem(other) == stem(path)).count() > 1;
    match stem(path) {
        Some(stem) if !shared => stem,
        _ => path.display().to_string(),
    }
}

/// Arms by `copylab_arm` (benchmark metadata in a combined file, suite metadata in a per-arm
/// file) or, for a foreign pyperf file, one arm named after the run; workload names lose
/// their `[arm]` suffix.
fn parse(suite: &Suite, run: usize, path: &Path) -> Result<Parsed, String> {
    let mut parsed = Parsed { arms: Vec::new(), samples: Vec::new() };
    let fallback = path.file_stem().map_or_else(|| "run".to_string(), |s| s.to_string_lossy().into_owned());
    for (benchmark, name, sample) in suite.benchmark_samples()? {
        let lookup = |key: &str| benchmark.metadata.get(key).or_else(|| suite.metadata.get(key));
        let text = |key: &str| lookup(key).and_then(Value::as_str).map(String::from);
        let label = text("copylab_arm").unwrap_or_else(|| fallback.clone());
        let workload = name.strip_suffix(&format!("[{label}]")).map_or_else(|| name.clone(), String::from);
        let arm = match parsed.arms.iter().position(|a| a.label == label) {
            Some(arm) => arm,
            None => {
                let metadata =
                    ["copylab_variant", "copylab_memo", "copylab_vm", "copylab_interpreter", "copylab_defines"]
                        .iter()
                        .filter_map(|key| Some((key.trim_start_matches("copylab_").to_string(), text(key)?)))
                        .collect();
                parsed.arms.push(ArmInfo {
                    label: label.clone(),
                    run,
                    variant: text("copylab_variant"),
                    vm: text("copylab_vm"),
                    metadata,
                });
                parsed.arms.len() - 1
            }
        };
        if parsed.samples.iter().any(|(w, a, _)| *w == workload && *a == arm) {
            return Err(format!("workload {workload} of arm {label} appears twice"));
        }
        parsed.samples.push((workload, arm, sample));
    }
    if parsed.samples.is_empty() {
        return Err("it holds no measured values".into());
    }
    Ok(parsed)
}

/// Scalar metadata as text; copylab's own arm keys are shown per arm, not per run.
fn text_metadata(metadata: &Map<String, Value>) -> Vec<(String, String)> {
    metadata
        .iter()
        .filter(|(key, _)| !key.starts_with("copylab_arm"))
        .filter_map(|(key, value)| match value {
            Value::String(text) => Some((key.clone(), text.clone())),
            Value::Number(number) => Some((key.clone(), number.to_string())),
            Value::Bool(flag) => Some((key.clone(), flag.to_string())),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn suite(value: Value) -> Suite {
        serde_json::from_value(value).expect("a suite")
    }

    fn combined(arms: &[&str], workloads: &[&str]) -> Suite {
        let benchmarks: Vec<_> = workloads
            .iter()
            .flat_map(|w| {
                arms.iter().enumerate().map(move |(i, a)| {
                    let v = 1.0 + i as f64;
                    json!({"metadata": {"name": format!("{w}[{a}]"), "unit": "second", "loops": 100,
                        "copylab_arm": a, "copylab_variant": a, "copylab_vm": "stock"},
                        "runs": [{"values": [v, v * 1.01]}, {"values": [v * 0.99, v]}]})
                })
            })
            .collect();
        suite(json!({"version": "1.0", "metadata": {"hostname": "box"}, "benchmarks": benchmarks}))
    }

    #[test]
    fn a_combined_file_gives_its_arms_and_bare_workload_names() {
        let set = RunSet::from_suites(vec![(
            "run".into(),
            combined(&["baseline", "fastpath"], &["w1", "w2"]),
            "run.json".into(),
        )])
        .unwrap();
        let labels: Vec<_> = set.arms.iter().map(|a| a.label.as_str()).collect();
        assert_eq!(labels, ["baseline", "fastpath"]);
        assert_eq!(set.arms[1].variant.as_deref(), Some("fastpath"));
        let names: Vec<_> = set.workloads.iter().map(|w| w.0.as_str()).collect();
        assert_eq!(names, ["w1", "w2"]);
        // Values stay in run order.
        assert_eq!(set.workloads[0].1[1], vec![2.0, 2.02, 1.98, 2.0]);
        assert_eq!(set.runs[0].metadata, vec![("hostname".to_string(), "box".to_string())]);
        assert_eq!(set.report.geometric_means.len(), 1);
    }

    #[test]
    fn several_runs_prefix_labels_and_keep_shared_workloads_only() {
        let set = RunSet::from_suites(vec![
            ("before".into(), combined(&["baseline"], &["w1", "w2"]), "before.json".into()),
            ("after".into(), combined(&["baseline"], &["w2", "w3"]), "after.json".into()),
        ])
        .unwrap();
        let labels: Vec<_> = set.arms.iter().map(|a| a.label.as_str()).collect();
        assert_eq!(labels, ["before: baseline", "after: baseline"]);
        assert_eq!(set.workloads.len(), 1);
        assert_eq!(set.workloads[0].0, "w2");

        let err = RunSet::from_suites(vec![
            ("before".into(), combined(&["baseline"], &["w1"]), "before.json".into()),
            ("after".into(), combined(&["baseline"], &["w3"]), "after.json".into()),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("no benchmark in common"), "{err}");
    }

    #[test]
    fn per_arm_files_keep_their_arm_labels_and_a_repeated_run_is_refused() {
        let per_arm = |arm: &str| {
            suite(json!({"version": "1.0", "metadata": {"copylab_arm": arm, "copylab_variant": arm},
                "benchmarks": [{"metadata": {"name": "w1", "unit": "second"}, "runs": [{"values": [1.0, 1.1]}]}]}))
        };
        let set = RunSet::from_suites(vec![
            ("baseline".into(), per_arm("baseline"), "dir/baseline.json".into()),
            ("fastpath".into(), per_arm("fastpath"), "dir/fastpath.json".into()),
        ])
        .unwrap();
        let labels: Vec<_> = set.arms.iter().map(|a| a.label.as_str()).collect();
        assert_eq!(labels, ["baseline", "fastpath"]);
        assert_eq!(set.arms[1].variant.as_deref(), Some("fastpath"));

        let err = RunSet::from_suites(vec![
            ("run.json".into(), combined(&["baseline"], &["w1"]), "run.json".into()),
            ("run.json".into(), combined(&["baseline"], &["w1"]), "run.json".into()),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("give each run once"), "{err}");
    }

    /// A combined file with RustPython baseline and fastpath, and both under `exe`.
    fn with_cpython(exe: &str) -> Suite {
        let arms = [("baseline", "copylab-rustpython", "baseline"), ("fastpath", "copylab-rustpython", "fastpath")]
            .into_iter()
            .chain([("baseline", exe, "baseline@python3"), ("fastpath", exe, "fastpath@python3")]);
        let benchmarks: Vec<_> = arms
            .map(|(variant, interpreter, label)| {
                json!({"metadata": {"name": format!("w1[{label}]"), "unit": "second", "loops": 100,
                    "copylab_arm": label, "copylab_variant": variant, "copylab_interpreter": interpreter},
                    "runs": [{"values": [1.0, 1.01, 0.99]}]})
            })
            .collect();
        suite(json!({"version": "1.0", "benchmarks": benchmarks}))
    }

    fn references(set: &RunSet) -> Vec<(String, Option<String>)> {
        set.report.sections[0].rows.iter().map(|row| (row.label.clone(), row.reference.clone())).collect()
    }

    #[test]
    fn cpython_arms_are_compared_with_the_first_runs_cpython_arm_of_their_variant() {
        let one = RunSet::from_suites(vec![("run".into(), with_cpython("/usr/bin/python3"), "run.json".into())]);
        let named = |label: &str, reference: Option<&str>| (label.to_string(), reference.map(String::from));
        // One run: as bench compares them, CPython variants with the CPython baseline.
        assert_eq!(
            references(&one.unwrap()),
            [
                named("baseline", None),
                named("fastpath", None),
                named("baseline@python3", None),
                named("fastpath@python3", Some("baseline@python3")),
            ]
        );
        let two = RunSet::from_suites(vec![
            ("before".into(), with_cpython("/usr/bin/python3"), "before.json".into()),
            ("after".into(), with_cpython("/opt/python3"), "after.json".into()),
        ])
        .unwrap();
        let references = references(&two);
        assert_eq!(references[4..6], [named("after: baseline", None), named("after: fastpath", None)]);
        // Each CPython arm of the second run against the same variant in the first.
        assert_eq!(
            references[6..],
            [
                named("after: baseline@python3", Some("before: baseline@python3")),
                named("after: fastpath@python3", Some("before: fastpath@python3")),
            ]
        );
    }

    #[test]
    fn a_foreign_pyperf_file_is_one_arm_named_after_it() {
        let foreign = suite(json!({"version": "1.0", "benchmarks": [
            {"metadata": {"name": "json_dumps", "unit": "second"}, "runs": [{"values": [1.0, 1.1]}]}]}));
        let set = RunSet::from_suites(vec![("pyperf".into(), foreign, "dir/pyperf.json".into())]).unwrap();
        assert_eq!(set.arms[0].label, "pyperf");
        assert_eq!(set.arms[0].variant, None);
        assert_eq!(set.workloads[0].0, "json_dumps");
    }

    /// A saved `bench --python python3 --peer copium` run, as bench writes it.
    fn peer_run(workloads: &[&str]) -> Suite {
        let arms = [
            ("baseline", "copylab-rustpython", 1.0),
            ("native", "copylab-rustpython", 0.1),
            ("baseline@python3", "python3", 0.25),
            ("native@python3", "python3", 0.25),
            ("copium@python3", "python3", 0.05),
        ];
        let benchmarks: Vec<_> = workloads
            .iter()
            .flat_map(|w| {
                arms.iter().map(move |(a, interpreter, v)| {
                    json!({"metadata": {"name": format!("{w}[{a}]"), "unit": "second", "loops": 100,
                        "copylab_arm": a, "copylab_variant": "baseline", "copylab_memo": "dict",
                        "copylab_interpreter": interpreter},
                        "runs": [{"values": [v, v * 1.01]}, {"values": [v * 0.99, v]}]})
                })
            })
            .collect();
        suite(json!({"version": "1.0", "metadata": {}, "benchmarks": benchmarks}))
    }

    #[test]
    fn cpython_arms_are_compared_with_their_cpython_baseline_as_bench_did() {
        let set = RunSet::from_suites(vec![("run".into(), peer_run(&["w1", "w2"]), "run.json".into())]).unwrap();
        let reference = |label: &str| {
            let row = set.report.sections[0].rows.iter().find(|r| r.label == label).unwrap();
            row.reference.clone()
        };
        assert_eq!(reference("native"), None);
        assert_eq!(reference("baseline@python3"), None, "the interpreter's effect: against the RustPython baseline");
        assert_eq!(reference("native@python3").as_deref(), Some("baseline@python3"));
        assert_eq!(reference("copium@python3").as_deref(), Some("baseline@python3"));
    }

    #[test]
    fn select_keeps_the_named_arms_and_workloads_and_compares_again() {
        let set = RunSet::from_suites(vec![("run".into(), peer_run(&["w1", "w2", "w3"]), "run.json".into())]).unwrap();
        let part = set.select(&["baseline".into(), "copium@python3".into()], &["w1".into(), "w3".into()]).unwrap();
        let labels: Vec<_> = part.report.labels.iter().map(String::as_str).collect();
        assert_eq!(labels, ["baseline", "copium@python3"]);
        let names: Vec<_> = part.report.sections.iter().map(|s| s.workload.as_str()).collect();
        assert_eq!(names, ["w1", "w3"]);
        // Without its CPython baseline, copium is compared with the first arm kept: 20x faster.
        let copium = &part.report.sections[0].rows[1];
        assert_eq!(copium.reference, None);
        let ratio = copium.comparison.as_ref().unwrap().norm_mean;
        assert!((ratio - 0.05).abs() < 1e-9, "{ratio}");
        assert_eq!(copium.loops, 100);

        let err = set.select(&["fastpath".into()], &[]).unwrap_err();
        assert!(err.to_string().contains("no arm 'fastpath'") && err.to_string().contains("copium@python3"), "{err}");
        let err = set.select(&[], &["w9".into()]).unwrap_err();
        assert!(err.to_string().contains("no workload 'w9'"), "{err}");
    }

    #[test]
    fn run_labels_are_stems_unless_they_repeat() {
        let paths = vec![PathBuf::from("a/run.json"), PathBuf::from("b/run.json"), PathBuf::from("c.json")];
        assert_eq!(run_label(&paths[0], &paths), "a/run.json");
        assert_eq!(run_label(&paths[2], &paths), "c");
    }
}
