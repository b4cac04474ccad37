//! pyperf's JSON result format (version 1.0): writing runs so pyperf's own
//! tools (`stats`, `hist`, `compare_to`) work on them, and reading such files
//! back for `copylab bench compare`.
//!
//! Layout: `{"version": "1.0", "metadata": {...}, "benchmarks": [{"metadata":
//! {"name", "unit": "second", "loops"}, "runs": [{"metadata", "warmups":
//! [[loops, value]...], "values": [...]}]}]}`. Values are seconds per loop
//! iteration. Each worker is one run; the calibration is a run with warmups
//! only and `calibrate_loops` metadata, exactly as pyperf records its own.
//!
//! Naming: `pyperf compare_to A.json B.json` pairs benchmarks by name across
//! files, so the file to hand to pyperf is one **per arm** ([`suite_for_arm`],
//! [`write_per_arm`]), with bare workload names (`deepcopy`) and the arm in
//! the suite metadata (`copylab_arm`): `python -m pyperf compare_to
//! baseline.json fastpath.json merged.json --table` then reads like
//! pyperformance results. [`combined_suite`] keeps a whole run in one file with
//! names `workload[arm]` (`deepcopy[fastpath,cam]`): right for archiving and
//! for comparing two runs of the same arms (`compare old.json new.json`).

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::arm::{Arm, Interpreter};
use crate::error::BenchError;
use crate::report::{MemoryStats, Report, Sample};
use crate::scheduler::RunResults;

pub const JSON_VERSION: &str = "1.0";

type Metadata = Map<String, Value>;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suite {
    pub version: String,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub metadata: Metadata,
    pub benchmarks: Vec<Benchmark>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Benchmark {
    #[serde(default)]
    pub metadata: Metadata,
    pub runs: Vec<Run>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Run {
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub metadata: Metadata,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warmups: Vec<(u64, f64)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<f64>,
}

/// One arm's results with bare workload names, for `pyperf compare_to`.
pub fn suite_for_arm(results: &RunResults, arm: usize) -> Suite {
    let mut metadata = run_metadata(results);
    metadata.extend(arm_metadata(&results.arms[arm]));
    let benchmarks = (0..results.workloads.len())
        .map(|w| benchmark(results, w, arm, results.workloads[w].name.clone(), Metadata::new()))
        .collect();
    Suite { version: JSON_VERSION.to_string(), metadata, benchmarks }
}

/// Every (workload, arm) of a run in one file, named `workload[arm label]`.
pub fn combined_suite(results: &RunResults) -> Suite {
    let mut benchmarks = Vec::new();
    for (w, workload) in results.workloads.iter().enumerate() {
        for (a, arm) in results.arms.iter().enumerate() {
            let name = format!("{}[{}]", workload.name, arm.label());
            benchmarks.push(benchmark(results, w, a, name, arm_metadata(arm)));
        }
    }
    Suite { version: JSON_VERSION.to_string(), metadata: run_metadata(results), benchmarks }
}

/// Writes [`suite_for_arm`] of every arm to `<dir>/<arm file stem>.json`
/// (creating `dir`), and returns the paths in arm order, baseline first.
pub fn write_per_arm(results: &RunResults, dir: &Path) -> Result<Vec<PathBuf>, BenchError> {
    fs::create_dir_all(dir).map_err(|source| BenchError::output(dir, source))?;
    let mut paths = Vec::new();
    for (a, arm) in results.arms.iter().enumerate() {
        let path = dir.join(format!("{}.json", arm.file_stem()));
        suite_for_arm(results, a).write(&path)?;
        paths.push(path);
    }
    Ok(paths)
}

fn run_metadata(results: &RunResults) -> Metadata {
    let s = &results.settings;
    let mut metadata = Metadata::new();
    metadata.insert("copylab_processes".into(), json!(s.processes));
    metadata.insert("copylab_values".into(), json!(s.values));
    metadata.insert("copylab_warmups".into(), json!(s.warmups));
    metadata.insert("copylab_min_time".into(), json!(s.min_time));
    metadata.extend(machine_metadata());
    metadata
}

/// Where and when the run was made, under pyperf's own keys (`hostname`, `cpu_count`,
/// `platform`, `date`), so reports of runs from different days and machines say which is which.
fn machine_metadata() -> Metadata {
    let mut metadata = Metadata::new();
    if let Ok(hostname) = fs::read_to_string("/proc/sys/kernel/hostname") {
        metadata.insert("hostname".into(), json!(hostname.trim()));
    }
    if let Ok(count) = std::thread::available_parallelism() {
        metadata.insert("cpu_count".into(), json!(count.get()));
    }
    metadata.insert("platform".into(), json!(format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH)));
    if let Ok(since_epoch) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        metadata.insert("date".into(), json!(crate::units::format_utc(since_epoch.as_secs())));
    }
    // The command that made the file, so a results page generated from it can say so.
    metadata.insert("copylab_command".into(), json!(command_line(std::env::args().skip(1))));
    metadata
}

/// `copylab ARGS` as a shell would take it back: arguments with spaces or quotes in single quotes.
fn command_line(args: impl Iterator<Item = String>) -> String {
    let mut words = vec!["copylab".to_string()];
    words.extend(args.map(|arg| {
        let plain = !arg.is_empty() && arg.chars().all(|c| c.is_ascii_alphanumeric() || "-_.,:=/@+%".contains(c));
        if plain { arg } else { format!("'{}'", arg.replace('\'', r"'\''")) }
    }));
    words.join(" ")
}

fn arm_metadata(arm: &Arm) -> Metadata {
    let mut metadata = Metadata::new();
    metadata.insert("copylab_arm".into(), json!(arm.label()));
    metadata.insert("copylab_variant".into(), json!(arm.variant));
    metadata.insert("copylab_memo".into(), json!(arm.memo));
    metadata.insert("copylab_vm".into(), json!(arm.vm));
    let interpreter = match &arm.interpreter {
        Interpreter::RustPython => crate::arm::RUSTPYTHON_INTERPRETER.to_string(),
        Interpreter::CPython(exe) => exe.display().to_string(),
    };
    metadata.insert("copylab_interpreter".into(), json!(interpreter));
    if !arm.defines.is_empty() {
        let defines: Vec<String> = arm.defines.iter().map(|(n, v)| format!("{n}={v}")).collect();
        metadata.insert("copylab_defines".into(), json!(defines.join(",")));
    }
    metadata
}

fn benchmark(results: &RunResults, w: usize, a: usize, name: String, mut metadata: Metadata) -> Benchmark {
    let cell = results.cell(w, a);
    metadata.insert("name".into(), json!(name));
    metadata.insert("unit".into(), json!("second"));
    metadata.insert("loops".into(), json!(cell.loops));
    // pyperf refuses a benchmark whose runs disagree on the Python, so the
    // Python is benchmark metadata, and left out in the (broken) case where
    // workers of one pair ran different interpreters.
    let pythons: Vec<&str> = cell.calibration.iter().chain(&cell.workers).map(|w| w.python.as_str()).collect();
    if let Some(first) = pythons.first()
        && let Some((implementation, version)) = first.split_once(' ')
        && pythons.iter().all(|p| p == first)
    {
        metadata.insert("python_implementation".into(), json!(implementation));
        metadata.insert("python_version".into(), json!(version));
    }
    let mut runs = Vec::new();
    if let Some(calibration) = &cell.calibration {
        let mut run_metadata = Metadata::new();
        run_metadata.insert("calibrate_loops".into(), json!(calibration.loops));
        runs.push(Run { metadata: run_metadata, warmups: calibration.warmups.clone(), values: Vec::new() });
    }
    for worker in &cell.workers {
        let mut run_metadata = Metadata::new();
        if let Some(kib) = worker.peak_rss_kib {
            run_metadata.insert("mem_max_rss".into(), json!(kib * 1024));
        }
        if let Some(allocs) = worker.allocs_per_call {
            run_metadata.insert("copylab_allocs_per_call".into(), json!(allocs));
        }
        if let Some(bytes) = worker.bytes_per_call {
            run_metadata.insert("copylab_bytes_per_call".into(), json!(bytes));
        }
        runs.push(Run { metadata: run_metadata, warmups: worker.warmups.clone(), values: worker.values.clone() });
    }
    Benchmark { metadata, runs }
}

impl Suite {
    /// The file's text: one line of JSON.
    pub fn to_json_text(&self) -> Result<String, BenchError> {
        let text =
            serde_json::to_string(self).map_err(|err| BenchError::InvalidPlan(format!("unwritable results: {err}")))?;
        Ok(text + "\n")
    }

    /// Writes the file atomically (see [`crate::write_atomically`]), so a failure never
    /// leaves a truncated JSON file behind.
    pub fn write(&self, path: &Path) -> Result<(), BenchError> {
        crate::write_atomically(path, &self.to_json_text()?)
    }

    pub fn read(path: &Path) -> Result<Suite, BenchError> {
        let failed = |reason: String| BenchError::ReadResults { path: path.to_path_buf(), reason };
        let text = fs::read_to_string(path).map_err(|err| failed(err.to_string()))?;
        let suite: Suite =
            serde_json::from_str(&text).map_err(|err| failed(format!("not a pyperf JSON file ({err})")))?;
        if suite.version != JSON_VERSION {
            return Err(failed(format!(
                "pyperf file format version {:?} is not supported; copylab reads version {JSON_VERSION} (pyperf 1.0 and later)",
                suite.version
            )));
        }
        Ok(suite)
    }

    /// (benchmark name, measurements) in file order, calibration-only
    /// benchmarks left out. Metadata is inherited suite → benchmark → run,
    /// as in pyperf.
    pub fn samples(&self) -> Result<Vec<(String, Sample)>, String> {
        Ok(self.benchmark_samples()?.into_iter().map(|(_, name, sample)| (name, sample)).collect())
    }

    /// As [`Suite::samples`], with the benchmark each sample came from, for its metadata.
    pub fn benchmark_samples(&self) -> Result<Vec<(&Benchmark, String, Sample)>, String> {
        let mut samples = Vec::new();
        for (index, benchmark) in self.benchmarks.iter().enumerate() {
            let common = |key: &str| benchmark.metadata.get(key).or_else(|| self.metadata.get(key));
            let lookup = |run: &Run, key: &str| run.metadata.get(key).or_else(|| common(key)).cloned();
            let name = benchmark
                .runs
                .iter()
                .find_map(|run| lookup(run, "name"))
                .and_then(|v| v.as_str().map(String::from))
                .ok_or_else(|| format!("benchmark #{} has no name", index + 1))?;
            if let Some(unit) = common("unit").and_then(Value::as_str)
                && unit != "second"
            {
                return Err(format!("benchmark {name} has unit '{unit}'; copylab compares timings only"));
            }
            let (mut values, mut loops, mut workers) = (Vec::new(), u64::MAX, Vec::new());
            for run in benchmark.runs.iter().filter(|run| !run.values.is_empty()) {
                values.extend(&run.values);
                let run_loops = lookup(run, "loops").and_then(|v| v.as_u64()).unwrap_or(1);
                loops = loops.min(run_loops);
                workers.push((
                    lookup(run, "mem_max_rss").and_then(|v| v.as_u64()).map(|bytes| bytes / 1024),
                    lookup(run, "copylab_allocs_per_call").and_then(|v| v.as_f64()),
                    lookup(run, "copylab_bytes_per_call").and_then(|v| v.as_f64()),
                ));
            }
            if values.is_empty() {
                continue;
            }
            samples.push((benchmark, name, Sample { values, loops, memory: MemoryStats::from_workers(workers) }));
        }
        Ok(samples)
    }
}

/// Compares pyperf files benchmark by benchmark (same name in every file),
/// the first file being the reference, like `pyperf compare_to`. Columns are
/// labelled by the arm recorded in the file (`copylab_arm`) or the file stem,
/// or by full path when those repeat (two runs of the same arm).
pub fn compare_files(paths: &[PathBuf]) -> Result<Report, BenchError> {
    if paths.len() < 2 {
        return Err(BenchError::InvalidPlan("compare needs at least two result files".into()));
    }
    let (mut all, mut names) = (Vec::new(), Vec::new());
    for path in paths {
        let suite = Suite::read(path)?;
        all.push(read_samples(&suite, path)?);
        names.push(suite_label(&suite, path));
    }
    let workloads = common_benchmarks(&all, paths)?;
    let unique: HashSet<&String> = names.iter().collect();
    let labels =
        if unique.len() == names.len() { names } else { paths.iter().map(|p| p.display().to_string()).collect() };
    Ok(Report::build(labels, workloads))
}

/// Compares one pyperf file per arm (a user's pyperf script run once under
/// each arm), each arm against its reference as in a built-in run: CPython
/// variants against the CPython baseline, everything else against the first arm.
pub fn compare_arm_files(arms: &[(Arm, PathBuf)]) -> Result<Report, BenchError> {
    if arms.len() < 2 {
        return Err(BenchError::InvalidPlan("a comparison needs at least two arms with results".into()));
    }
    let mut all = Vec::new();
    for (_, path) in arms {
        all.push(read_samples(&Suite::read(path)?, path)?);
    }
    let paths: Vec<PathBuf> = arms.iter().map(|(_, path)| path.clone()).collect();
    let workloads = common_benchmarks(&all, &paths)?;
    let arms: Vec<Arm> = arms.iter().map(|(arm, _)| arm.clone()).collect();
    let labels = arms.iter().map(Arm::label).collect();
    let references: Vec<usize> = (0..arms.len()).map(|index| crate::report::reference_arm(&arms, index)).collect();
    Ok(Report::build_with_references(labels, &references, workloads))
}

fn read_samples(suite: &Suite, path: &Path) -> Result<Vec<(String, Sample)>, BenchError> {
    suite.samples().map_err(|reason| BenchError::ReadResults { path: path.to_path_buf(), reason })
}

/// The benchmarks every file has, in the first file's order, with one sample per file.
fn common_benchmarks(
    all: &[Vec<(String, Sample)>],
    paths: &[PathBuf],
) -> Result<Vec<(String, Vec<Sample>)>, BenchError> {
    let mut workloads = Vec::new();
    for (name, first) in &all[0] {
        let others: Option<Vec<Sample>> =
            all[1..].iter().map(|samples| samples.iter().find(|(n, _)| n == name).map(|(_, s)| s.clone())).collect();
        if let Some(others) = others {
            let mut samples = vec![first.clone()];
            samples.extend(others);
            workloads.push((name.clone(), samples));
        }
    }
    if workloads.is_empty() {
        return Err(BenchError::NoCommonBenchmarks { first: paths[0].clone(), second: paths[1].clone() });
    }
    Ok(workloads)
}

/// The arm label copylab wrote into the file, else the file stem.
fn suite_label(suite: &Suite, path: &Path) -> String {
    if let Some(arm) = suite.metadata.get("copylab_arm").and_then(Value::as_str) {
        return arm.to_string();
    }
    path.file_stem().map_or_else(|| path.display().to_string(), |stem| stem.to_string_lossy().into_owned())
}

#[cfg(test)]
mod command_line_tests {
    #[test]
    fn the_command_line_is_quoted_as_a_shell_takes_it_back() {
        let args = ["bench", "--fast", "--workload-file", "my file.py", "--define", "X='a'"].map(String::from);
        assert_eq!(
            super::command_line(args.into_iter()),
            r"copylab bench --fast --workload-file 'my file.py' --define 'X='\''a'\'''"
        );
    }
}
