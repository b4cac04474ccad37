//! Jobs (one driver process each), the worker protocol, and the launchers that
//! start workers. The [`Launcher`] trait is the seam between the scheduler and
//! the interpreters: the CLI implements it for RustPython, this crate for CPython.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde::{Deserialize, Serialize};

use crate::arm::{Arm, DEFAULT_MEMO, Interpreter};
use crate::error::BenchError;
use crate::workload::Workload;

/// How the driver picks the number of loops per value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    /// A fixed number of calls per value.
    Loops(u64),
    /// Double loops from 1 until one value lasts `min_time` seconds.
    Calibrate { min_time: f64 },
}

/// One driver process: one workload, one arm.
#[derive(Clone, Debug)]
pub struct Job {
    pub arm: Arm,
    pub workload: Workload,
    pub mode: Mode,
    pub values: usize,
    pub warmups: usize,
    /// Path of driver.py (see [`crate::BenchFiles::driver`]).
    pub driver: PathBuf,
    /// Worker number within its (workload, arm), `None` for calibration.
    pub worker: Option<usize>,
}

impl Job {
    /// Driver arguments shared by every launcher (everything after driver.py,
    /// without `--copy-py` and `--define`):
    /// `--workload-file F --workload NAME (--loops N | --calibrate S) --values V --warmups W`.
    pub fn driver_args(&self) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec![
            "--workload-file".into(),
            self.workload.file.clone().into(),
            "--workload".into(),
            self.workload.name.clone().into(),
        ];
        match self.mode {
            Mode::Loops(loops) => args.extend(["--loops".into(), loops.to_string().into()]),
            Mode::Calibrate { min_time } => args.extend(["--calibrate".into(), min_time.to_string().into()]),
        }
        args.extend([
            "--values".into(),
            self.values.to_string().into(),
            "--warmups".into(),
            self.warmups.to_string().into(),
        ]);
        args
    }

    /// `--define NAME=VALUE` for each define of the arm. The driver applies them
    /// by setting the attributes of the `copy` module; a host that already
    /// applied them may leave these out (applying twice is harmless).
    pub fn define_args(&self) -> Vec<OsString> {
        self.arm
            .defines
            .iter()
            .flat_map(|(name, value)| ["--define".into(), format!("{name}={value}").into()])
            .collect()
    }

    pub fn is_calibration(&self) -> bool {
        self.worker.is_none()
    }

    /// `deepcopy[fastpath,cam] worker 3` or `deepcopy[fastpath] calibration`, for messages.
    pub fn describe(&self) -> String {
        let what = match self.worker {
            Some(index) => format!("worker {}", index + 1),
            None => "calibration".to_string(),
        };
        format!("{}[{}] {what}", self.workload.name, self.arm.label())
    }
}

/// What the driver prints: one JSON line, times in seconds per call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkerOutput {
    pub loops: u64,
    /// (loops, seconds per call); calibration values come first.
    pub warmups: Vec<(u64, f64)>,
    pub values: Vec<f64>,
    pub peak_rss_kib: Option<u64>,
    pub allocs_per_call: Option<f64>,
    pub bytes_per_call: Option<f64>,
    /// `<sys.implementation.name> <version>`, e.g. `cpython 3.11.7`.
    pub python: String,
}

impl WorkerOutput {
    /// Parses the last non-empty line of a worker's stdout (a workload may
    /// print before it) and checks it is what `job` asked for.
    pub fn parse(stdout: &str, job: &Job) -> Result<Self, BenchError> {
        let protocol =
            |reason: String| BenchError::WorkerProtocol { job: job.describe(), reason, stdout: tail(stdout, 2000) };
        let line = stdout
            .lines()
            .rev()
            .find(|line| !line.trim().is_empty())
            .ok_or_else(|| protocol("no output".to_string()))?;
        let output: WorkerOutput = serde_json::from_str(line)
            .map_err(|err| protocol(format!("the last line is not the result JSON ({err})")))?;
        output.check(job).map_err(protocol)?;
        Ok(output)
    }

    fn check(&self, job: &Job) -> Result<(), String> {
        if self.loops == 0 {
            return Err("loops is 0".to_string());
        }
        if let Mode::Loops(loops) = job.mode
            && self.loops != loops
        {
            return Err(format!("ran {} loops, {loops} were asked", self.loops));
        }
        if self.values.len() != job.values {
            return Err(format!("{} values, {} were asked", self.values.len(), job.values));
        }
        if self.warmups.len() < job.warmups {
            return Err(format!("{} warmups, {} were asked", self.warmups.len(), job.warmups));
        }
        // pyperf rejects values that are not > 0; a zero means the clock is too
        // coarse for the number of loops.
        if !self.values.iter().all(|v| v.is_finite() && *v > 0.0) {
            return Err("a value is not a positive number; use more loops".to_string());
        }
        if !self.warmups.iter().all(|(l, v)| *l > 0 && v.is_finite() && *v >= 0.0) {
            return Err("a warmup is not (loops >= 1, seconds >= 0)".to_string());
        }
        Ok(())
    }
}

/// Starts worker processes. Implementations must not measure anything
/// themselves: the driver does the timing.
pub trait Launcher {
    fn run(&self, job: &Job) -> Result<WorkerOutput, BenchError>;
}

/// Runs a prepared worker command to completion and parses its result.
/// Shared by every launcher so they report failures the same way.
pub fn run_worker_command(command: &mut Command, job: &Job) -> Result<WorkerOutput, BenchError> {
    let program = PathBuf::from(command.get_program());
    let output = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|source| BenchError::Spawn { program, source })?;
    check_exit(&output, job)?;
    WorkerOutput::parse(&String::from_utf8_lossy(&output.stdout), job)
}

fn check_exit(output: &Output, job: &Job) -> Result<(), BenchError> {
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stderr = if stderr.trim().is_empty() { "(empty)".to_string() } else { tail(stderr.trim_end(), 8000) };
    Err(BenchError::WorkerFailed { job: job.describe(), status: output.status.to_string(), stderr })
}

/// The last `max` bytes of `text`, at a character boundary.
fn tail(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    format!("...{}", &text[start..])
}

/// Runs the jobs of CPython arms: `exe driver.py <driver args> [--define ...]
/// [--copy-py <arm.copy_py>] [--peer <arm.peer>]`.
#[derive(Clone, Copy, Debug, Default)]
pub struct CPythonLauncher;

impl CPythonLauncher {
    pub fn command(&self, job: &Job) -> Result<Command, BenchError> {
        let exe = job.arm.cpython_exe().ok_or_else(|| {
            BenchError::InvalidPlan(format!(
                "{} is a RustPython arm; the CPython launcher cannot run it",
                job.arm.label()
            ))
        })?;
        if job.arm.memo != DEFAULT_MEMO {
            return Err(BenchError::InvalidPlan(format!(
                "memo backend '{}' exists only in the copylab RustPython host; use memo '{DEFAULT_MEMO}' with CPython",
                job.arm.memo
            )));
        }
        let mut command = Command::new(exe);
        command.arg(&job.driver).args(job.driver_args()).args(job.define_args());
        if let Some(copy_py) = &job.arm.copy_py {
            command.arg("--copy-py").arg(copy_py);
        }
        if let Some(peer) = &job.arm.peer {
            command.arg("--peer").arg(peer);
        }
        // Keep __pycache__ out of the variant and workload directories.
        command.env("PYTHONDONTWRITEBYTECODE", "1");
        Ok(command)
    }

    /// Checks that `exe` starts, and returns `<implementation> <version>`.
    pub fn probe(exe: &Path) -> Result<String, BenchError> {
        let output = Command::new(exe)
            .args(["-c", "import sys; print(sys.implementation.name, '.'.join(map(str, sys.version_info[:3])))"])
            .stdin(Stdio::null())
            .output()
            .map_err(|source| spawn_error(exe, source))?;
        if !output.status.success() {
            return Err(BenchError::PythonNotFound { exe: exe.to_path_buf() });
        }
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
    }

    /// Checks, before anything is measured, that `exe` can import `module` and that it has a
    /// callable `deepcopy` (what the driver's `--peer` rebinds `copy.deepcopy` to).
    pub fn probe_peer(exe: &Path, module: &str) -> Result<(), BenchError> {
        let check = "import importlib, sys\n\
                     deepcopy = getattr(importlib.import_module(sys.argv[1]), 'deepcopy', None)\n\
                     if not callable(deepcopy):\n    sys.exit('it has no callable deepcopy')";
        let output = Command::new(exe)
            .args(["-c", check, module])
            .stdin(Stdio::null())
            .output()
            .map_err(|source| spawn_error(exe, source))?;
        if output.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let reason = stderr.lines().rev().find(|line| !line.trim().is_empty()).unwrap_or("it failed").trim();
        Err(BenchError::PeerNotFound { exe: exe.to_path_buf(), module: module.to_string(), reason: reason.to_string() })
    }
}

fn spawn_error(exe: &Path, source: std::io::Error) -> BenchError {
    if source.kind() == std::io::ErrorKind::NotFound {
        BenchError::PythonNotFound { exe: exe.to_path_buf() }
    } else {
        BenchError::Spawn { program: exe.to_path_buf(), source }
    }
}

impl Launcher for CPythonLauncher {
    fn run(&self, job: &Job) -> Result<WorkerOutput, BenchError> {
        let mut command = self.command(job)?;
        run_worker_command(&mut command, job).map_err(|err| match err {
            BenchError::Spawn { program, source } => spawn_error(&program, source),
            other => other,
        })
    }
}

/// Sends each job to the launcher of its arm's interpreter, so one plan can mix
/// RustPython and CPython arms.
#[derive(Debug)]
pub struct ByInterpreter<R> {
    pub rustpython: R,
}

impl<R: Launcher> Launcher for ByInterpreter<R> {
    fn run(&self, job: &Job) -> Result<WorkerOutput, BenchError> {
        match job.arm.interpreter {
            Interpreter::RustPython => self.rustpython.run(job),
            Interpreter::CPython(_) => CPythonLauncher.run(job),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(mode: Mode) -> Job {
        Job {
            arm: Arm::rustpython("fastpath", "cam").with_define("_X", "3"),
            workload: Workload { name: "deepcopy".into(), file: "/w/trio.py".into(), suite: "trio".into() },
            mode,
            values: 2,
            warmups: 1,
            driver: "/w/driver.py".into(),
            worker: Some(0),
        }
    }

    #[test]
    fn driver_args_follow_the_documented_cli() {
        let args: Vec<String> =
            job(Mode::Loops(8)).driver_args().into_iter().map(|arg| arg.to_string_lossy().into_owned()).collect();
        assert_eq!(args.join(" "), "--workload-file /w/trio.py --workload deepcopy --loops 8 --values 2 --warmups 1");
        let calibrate = job(Mode::Calibrate { min_time: 0.1 }).driver_args();
        assert!(calibrate.contains(&"--calibrate".into()) && calibrate.contains(&"0.1".into()));
        assert_eq!(job(Mode::Loops(1)).define_args(), ["--define", "_X=3"]);
        assert_eq!(job(Mode::Loops(1)).describe(), "deepcopy[fastpath,cam,_X=3] worker 1");
    }

    #[test]
    fn output_is_the_last_line_and_is_checked() {
        let line = r#"{"loops": 8, "warmups": [[8, 0.5]], "values": [0.1, 0.2], "peak_rss_kib": 100, "allocs_per_call": null, "bytes_per_call": null, "python": "cpython 3.11.7"}"#;
        let out = WorkerOutput::parse(&format!("noise\n{line}\n\n"), &job(Mode::Loops(8))).expect("valid");
        assert_eq!(out.values, [0.1, 0.2]);
        assert_eq!(out.warmups, [(8, 0.5)]);

        let err = WorkerOutput::parse(line, &job(Mode::Loops(4))).expect_err("loops");
        assert!(err.to_string().contains("ran 8 loops, 4 were asked"), "{err}");
        let zero = line.replace("0.1, 0.2", "0.0, 0.2");
        let err = WorkerOutput::parse(&zero, &job(Mode::Loops(8))).expect_err("zero");
        assert!(err.to_string().contains("use more loops"), "{err}");
        let err = WorkerOutput::parse("Traceback\n", &job(Mode::Loops(8))).expect_err("junk");
        assert!(matches!(err, BenchError::WorkerProtocol { .. }));
    }

    #[test]
    fn cpython_launcher_refuses_rustpython_only_settings() {
        let mut cam = job(Mode::Loops(1));
        cam.arm.interpreter = Interpreter::CPython("python3".into());
        let err = CPythonLauncher.command(&cam).expect_err("cam");
        assert!(err.to_string().contains("memo backend 'cam'"), "{err}");
        let err = CPythonLauncher.command(&job(Mode::Loops(1))).expect_err("rustpython");
        assert!(err.to_string().contains("RustPython arm"), "{err}");
    }

    #[test]
    fn peer_arms_pass_the_module_to_the_driver() {
        let mut peer = job(Mode::Loops(1));
        peer.arm = Arm::peer("python3", "copium");
        let command = CPythonLauncher.command(&peer).expect("peer arm");
        let args: Vec<_> = command.get_args().map(|arg| arg.to_string_lossy().into_owned()).collect();
        assert!(args.ends_with(&["--peer".to_string(), "copium".to_string()]), "{args:?}");
        assert!(!args.contains(&"--copy-py".to_string()), "{args:?}");
    }

    #[test]
    fn a_missing_peer_module_says_how_to_install_it() {
        let err = CPythonLauncher::probe_peer(Path::new("python3"), "copylab_no_such_module").expect_err("missing");
        assert!(err.is_usage(), "{err}");
        let message = err.to_string();
        assert!(message.contains("No module named 'copylab_no_such_module'"), "{message}");
        assert!(message.contains("python3 -m pip install copylab_no_such_module"), "{message}");
        let err = CPythonLauncher::probe_peer(Path::new("python3"), "json").expect_err("no deepcopy");
        assert!(err.to_string().contains("it has no callable deepcopy"), "{err}");
    }

    #[test]
    fn missing_python_is_reported_as_such() {
        let mut missing = job(Mode::Loops(1));
        missing.arm = Arm::cpython("/nonexistent/python3.99", "baseline", None);
        let err = CPythonLauncher.run(&missing).expect_err("missing");
        assert!(matches!(err, BenchError::PythonNotFound { .. }), "{err}");
        assert!(CPythonLauncher::probe(Path::new("/nonexistent/python")).is_err());
    }
}
