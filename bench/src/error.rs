//! The one error type of the crate. Every message says what went wrong and what
//! the user can do about it, because the CLI prints them as they are.

use std::path::PathBuf;

/// Everything that can stop a benchmark run, a comparison or a report.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("unknown workload '{name}'; valid workloads and suites: {}", valid.join(", "))]
    UnknownWorkload { name: String, valid: Vec<String> },

    #[error("workload file {} not found: {source}; pass the path of a Python file with bench_* functions", path.display())]
    WorkloadFileNotFound { path: PathBuf, source: std::io::Error },

    #[error(
        "workload file {} has no benchmark functions; define top-level functions like `def bench_name():` (or bind one: `bench_name = module.function`)",
        path.display()
    )]
    NoBenchFunctions { path: PathBuf },

    #[error("invalid define '{input}': {reason}; expected NAME=VALUE, e.g. _FASTPATH_MAX=20")]
    BadDefine { input: String, reason: String },

    #[error("invalid benchmark plan: {0}")]
    InvalidPlan(String),

    #[error("python executable '{}' not found; install CPython 3.11+ or pass the path of one", exe.display())]
    PythonNotFound { exe: PathBuf },

    #[error("'{}' cannot use the peer module '{module}' ({reason}); install it for that interpreter: {} -m pip install {module}", exe.display(), exe.display())]
    PeerNotFound { exe: PathBuf, module: String, reason: String },

    #[error("cannot start '{}': {source}", program.display())]
    Spawn { program: PathBuf, source: std::io::Error },

    #[error("worker for {job} failed ({status}); its stderr:\n{stderr}")]
    WorkerFailed { job: String, status: String, stderr: String },

    #[error("worker for {job} broke the driver protocol: {reason}; its stdout:\n{stdout}")]
    WorkerProtocol { job: String, reason: String, stdout: String },

    #[error("cannot prepare the benchmark files in a temporary directory: {0}; check TMPDIR has space and is writable")]
    Materialize(std::io::Error),

    #[error("cannot write {}: {source}; check that the directory exists and is writable", path.display())]
    Output { path: PathBuf, source: std::io::Error },

    #[error("cannot read results file {}: {reason}", path.display())]
    ReadResults { path: PathBuf, reason: String },

    #[error("{} and {} have no benchmark in common; compare files written for the same workloads", first.display(), second.display())]
    NoCommonBenchmarks { first: PathBuf, second: PathBuf },
}

impl BenchError {
    /// Errors in what the user asked for (names, files, defines, paths), as opposed to
    /// failures while measuring; the CLI exits 2 for these, as for other usage errors.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            BenchError::UnknownWorkload { .. }
                | BenchError::WorkloadFileNotFound { .. }
                | BenchError::NoBenchFunctions { .. }
                | BenchError::BadDefine { .. }
                | BenchError::InvalidPlan(_)
                | BenchError::PythonNotFound { .. }
                | BenchError::PeerNotFound { .. }
                | BenchError::Output { .. }
                | BenchError::ReadResults { .. }
                | BenchError::NoCommonBenchmarks { .. }
        )
    }

    pub(crate) fn output(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        BenchError::Output { path: path.into(), source }
    }
}
