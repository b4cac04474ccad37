//! Workloads (the `bench_*` functions of a Python file) and the files a run needs
//! on disk: the driver and the built-in workload sources, embedded in the binary
//! and written to a temporary directory for the duration of a run.

use std::fs;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

use crate::error::BenchError;

/// Source of the timing driver (`python/driver.py`).
pub const DRIVER_PY: &str = include_str!("../python/driver.py");

/// Suite run when no workload is requested: pyperformance's deepcopy trio.
pub const DEFAULT_SUITE: &str = "trio";

/// Selects every workload of the catalogue in [`select_workloads`].
pub const ALL: &str = "all";

/// Built-in suites: (suite name, file name, source).
const BUILTIN_SOURCES: &[(&str, &str, &str)] = &[
    ("trio", "trio.py", include_str!("../workloads/trio.py")),
    ("structures", "structures.py", include_str!("../workloads/structures.py")),
];

/// One benchmark: the function `bench_<name>` of a workload file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workload {
    pub name: String,
    pub file: PathBuf,
    /// Built-in suite name, or the file stem for user files.
    pub suite: String,
}

/// Names of the `bench_*` functions defined at the top level of `source`, by `def` or by
/// binding an existing function to the name (`bench_x = other.function`, which times that
/// very function, with no call in between).
///
/// A line scan, not a parse: the driver reports real Python errors when it
/// imports the file, with a better message than we could give here.
pub fn scan_bench_functions(source: &str) -> Vec<String> {
    source
        .lines()
        .filter_map(|line| {
            let name = match line.strip_prefix("def bench_") {
                Some(rest) => &rest[..rest.find('(')?],
                None => match line.strip_prefix("bench_")?.split_once('=')? {
                    (_, value) if value.starts_with('=') => return None, // `bench_x == y` binds nothing
                    (name, _) => name.trim_end(),
                },
            };
            let valid = !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_');
            valid.then(|| name.to_string())
        })
        .collect()
}

/// (suite, workload name) of every built-in workload, without touching the disk
/// (for `--help` and listings).
pub fn builtin_workload_names() -> Vec<(&'static str, String)> {
    BUILTIN_SOURCES
        .iter()
        .flat_map(|(suite, _, source)| scan_bench_functions(source).into_iter().map(move |name| (*suite, name)))
        .collect()
}

/// The workloads of a user-supplied Python file; the suite is the file stem.
pub fn workloads_from_file(path: &Path) -> Result<Vec<Workload>, BenchError> {
    let source = fs::read_to_string(path)
        .map_err(|source| BenchError::WorkloadFileNotFound { path: path.to_path_buf(), source })?;
    let names = scan_bench_functions(&source);
    if names.is_empty() {
        return Err(BenchError::NoBenchFunctions { path: path.to_path_buf() });
    }
    // The driver may run in another working directory.
    let file =
        path.canonicalize().map_err(|source| BenchError::WorkloadFileNotFound { path: path.to_path_buf(), source })?;
    let suite = path.file_stem().map_or_else(|| "file".to_string(), |stem| stem.to_string_lossy().into_owned());
    Ok(names.into_iter().map(|name| Workload { name, file: file.clone(), suite: suite.clone() }).collect())
}

/// The workloads of `bench`, `profile` and `cam sweep`: a workload file alone gives all of
/// its functions; otherwise the names pick among the built-in workloads and the file's
/// (nothing requested: [`DEFAULT_SUITE`]).
pub fn choose_workloads(
    builtin: &[Workload],
    requested: &[String],
    file: Option<&Path>,
) -> Result<Vec<Workload>, BenchError> {
    let mut catalogue = builtin.to_vec();
    if let Some(path) = file {
        let from_file = workloads_from_file(path)?;
        if requested.is_empty() {
            return Ok(from_file);
        }
        catalogue.extend(from_file);
    }
    select_workloads(&catalogue, requested)
}

/// Resolves requested names against a catalogue, in the order requested and
/// without duplicates. Each name is a workload, a suite (all its workloads) or
/// [`ALL`]; nothing requested means [`DEFAULT_SUITE`].
pub fn select_workloads(catalogue: &[Workload], requested: &[String]) -> Result<Vec<Workload>, BenchError> {
    let default = [DEFAULT_SUITE.to_string()];
    let requested = if requested.is_empty() { &default[..] } else { requested };
    let mut selected: Vec<Workload> = Vec::new();
    for name in requested {
        let matches: Vec<&Workload> =
            catalogue.iter().filter(|w| name == ALL || &w.name == name || &w.suite == name).collect();
        if matches.is_empty() {
            return Err(BenchError::UnknownWorkload { name: name.clone(), valid: valid_names(catalogue) });
        }
        for workload in matches {
            if !selected.contains(workload) {
                selected.push(workload.clone());
            }
        }
    }
    Ok(selected)
}

fn valid_names(catalogue: &[Workload]) -> Vec<String> {
    let mut names = vec![ALL.to_string()];
    for workload in catalogue {
        for name in [&workload.suite, &workload.name] {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    names
}

/// The driver and built-in workloads written to a private temporary directory,
/// which is deleted when this value is dropped (keep it alive for the run).
#[derive(Debug)]
pub struct BenchFiles {
    dir: TempDir,
    driver: PathBuf,
    builtin: Vec<Workload>,
}

impl BenchFiles {
    pub fn materialize() -> Result<Self, BenchError> {
        let dir = tempfile::Builder::new().prefix("copylab-bench-").tempdir().map_err(BenchError::Materialize)?;
        let driver = dir.path().join("driver.py");
        fs::write(&driver, DRIVER_PY).map_err(BenchError::Materialize)?;
        let workloads_dir = dir.path().join("workloads");
        fs::create_dir(&workloads_dir).map_err(BenchError::Materialize)?;
        let mut builtin = Vec::new();
        for (suite, file_name, source) in BUILTIN_SOURCES {
            let file = workloads_dir.join(file_name);
            fs::write(&file, source).map_err(BenchError::Materialize)?;
            builtin.extend(scan_bench_functions(source).into_iter().map(|name| Workload {
                name,
                file: file.clone(),
                suite: suite.to_string(),
            }));
        }
        Ok(BenchFiles { dir, driver, builtin })
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn driver(&self) -> &Path {
        &self.driver
    }

    pub fn builtin_workloads(&self) -> &[Workload] {
        &self.builtin
    }

    /// Writes a copy.py variant as `<dir>/variants/<name>/copy.py` (for
    /// [`crate::Arm::copy_py`] of CPython arms) and returns its path.
    pub fn write_copy_py(&self, name: &str, source: &str) -> Result<PathBuf, BenchError> {
        let safe: String =
            name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
        let variant_dir = self.dir.path().join("variants").join(safe);
        fs::create_dir_all(&variant_dir).map_err(BenchError::Materialize)?;
        let path = variant_dir.join("copy.py");
        fs::write(&path, source).map_err(BenchError::Materialize)?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_finds_top_level_bench_functions_only() {
        let source = "def bench_a():\n    pass\n  def bench_nested():\n\
                      def bench_b_2(x=1):\n# def bench_comment():\ndef helper():\n";
        assert_eq!(scan_bench_functions(source), ["a", "b_2"]);
    }

    #[test]
    fn scan_finds_functions_bound_to_bench_names() {
        let source = "bench_c = other.bench_c\nbench_d=f\n    bench_nested = f\nbench_e == f\n\
                      bench_ = f\nbench_f.attr = g\n";
        assert_eq!(scan_bench_functions(source), ["c", "d"]);
    }

    #[test]
    fn builtin_catalogue_has_the_trio_and_the_structures() {
        let names = builtin_workload_names();
        let trio: Vec<&str> =
            names.iter().filter(|(suite, _)| *suite == "trio").map(|(_, name)| name.as_str()).collect();
        assert_eq!(trio, ["deepcopy", "deepcopy_reduce", "deepcopy_memo"]);
        let structures = names.iter().filter(|(suite, _)| *suite == "structures");
        assert_eq!(structures.count(), 12);
        assert!(names.iter().any(|(_, name)| name == "ten_shared_combined_s3"));
    }

    #[test]
    fn select_defaults_to_trio_and_expands_suites() {
        let files = BenchFiles::materialize().expect("materialize");
        let catalogue = files.builtin_workloads();
        let trio = select_workloads(catalogue, &[]).expect("default");
        assert_eq!(trio.len(), 3);
        let mixed = select_workloads(catalogue, &["deepcopy_memo".into(), "trio".into(), "ten_combined_s1".into()])
            .expect("mixed");
        let names: Vec<&str> = mixed.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["deepcopy_memo", "deepcopy", "deepcopy_reduce", "ten_combined_s1"]);
        assert_eq!(select_workloads(catalogue, &["all".into()]).expect("all").len(), 15);
        assert!(files.driver().is_file());
        assert!(trio.iter().all(|w| w.file.is_file()));
    }

    #[test]
    fn unknown_workload_lists_valid_names() {
        let files = BenchFiles::materialize().expect("materialize");
        let err = select_workloads(files.builtin_workloads(), &["deepcpy".into()]).expect_err("unknown");
        let message = err.to_string();
        assert!(message.contains("unknown workload 'deepcpy'"), "{message}");
        assert!(message.contains("deepcopy_reduce") && message.contains("trio"), "{message}");
    }

    #[test]
    fn user_files_are_scanned_and_errors_are_clear() {
        let dir = tempfile::tempdir().expect("tempdir");
        let good = dir.path().join("mine.py");
        fs::write(&good, "def bench_x():\n    pass\n").expect("write");
        let workloads = workloads_from_file(&good).expect("scan");
        assert_eq!(workloads[0].name, "x");
        assert_eq!(workloads[0].suite, "mine");

        let empty = dir.path().join("empty.py");
        fs::write(&empty, "x = 1\n").expect("write");
        let err = workloads_from_file(&empty).expect_err("no bench");
        assert!(err.to_string().contains("def bench_name"), "{err}");

        let err = workloads_from_file(&dir.path().join("missing.py")).expect_err("missing");
        assert!(matches!(err, BenchError::WorkloadFileNotFound { .. }));
    }

    #[test]
    fn copy_py_variants_are_written_under_safe_names() {
        let files = BenchFiles::materialize().expect("materialize");
        let path = files.write_copy_py("fast/path", "X = 1\n").expect("write");
        assert!(path.ends_with("variants/fast_path/copy.py"));
        assert_eq!(fs::read_to_string(path).expect("read"), "X = 1\n");
    }
}
