//! Shared helpers for the CLI integration tests: each test runs the built `copylab` binary.

#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;

pub mod browser;

use assert_cmd::Command;

pub fn copylab() -> Command {
    bounded(Command::cargo_bin("copylab").expect("the copylab binary is built by cargo test"))
}

/// Another copylab binary (a fork's `target/fork/NAME/copylab`), run as [`copylab`] runs.
pub fn copylab_at(binary: &str) -> Command {
    bounded(Command::new(binary))
}

/// Tests must never wait on a terminal, nor run for ever.
fn bounded(mut cmd: Command) -> Command {
    cmd.write_stdin("").timeout(std::time::Duration::from_secs(600));
    cmd
}

/// Debian's libpython3.11-testsuite test_copy; `.ci/run` installs it.
pub const CPYTHON_TEST_COPY: &str = "/usr/lib/python3.11/test/test_copy.py";

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

pub fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `python3 -c CODE` and returns its stdout, or fails the test saying what to install.
/// `.ci/run` puts a venv with tests/requirements.txt first on PATH.
pub fn python3_output(code: &str) -> String {
    let out = std::process::Command::new("python3")
        .args(["-c", code])
        .output()
        .expect("python3 must be on PATH: run the tests with `bash .ci/run`, which provides it");
    assert!(
        out.status.success(),
        "python3 -c {code:?} failed; `bash .ci/run` installs tests/requirements.txt into the python3 it puts on PATH:\n{}",
        stderr_of(&out)
    );
    stdout_of(&out).trim().to_owned()
}

/// The site-packages of the python3 on PATH that has pyperf (and pyperformance): what a
/// hosted program needs on PYTHONPATH to import them.
pub fn pyperf_site_packages() -> String {
    python3_output("import pyperf, sysconfig; print(sysconfig.get_paths()['purelib'])")
}

/// The table `.ci/pyperformance-compat` prints for the benchmarks `only` (comma-separated), run
/// under CPython and this build's copylab, each with a limit of `limit_seconds`.
pub fn pyperformance_compat_table(only: &str, limit_seconds: u32) -> String {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".ci/pyperformance-compat");
    let out = Command::new("python3")
        .arg(&script)
        .args(["--copylab", env!("CARGO_BIN_EXE_copylab"), "--only", only, "--limit", &limit_seconds.to_string()])
        .timeout(std::time::Duration::from_secs(600))
        .output()
        .expect("python3 runs the script");
    assert!(out.status.success(), "{}", stderr_of(&out));
    stdout_of(&out)
}

/// Every arm in `arms` has a row in bench's table `table` that ends in a verdict.
pub fn assert_verdicts(table: &str, arms: &[&str]) {
    for arm in arms {
        let row = table.lines().find(|l| l.trim_start().starts_with(&format!("{arm} "))).unwrap_or_default();
        assert!(
            ["faster", "slower", "not significant"].iter().any(|v| row.contains(v)),
            "no verdict for {arm}:\n{table}"
        );
    }
}
