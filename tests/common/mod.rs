//! Shared helpers for the CLI integration tests: each test runs the built `copylab` binary.

#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;

use assert_cmd::Command;

pub fn copylab() -> Command {
    let mut cmd = Command::cargo_bin("copylab").expect("the copylab binary is built by cargo test");
    // Tests must never wait on a terminal, nor run for ever.
    cmd.write_stdin("").timeout(std::time::Duration::from_secs(600));
    cmd
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Debian's libpython3.11-testsuite; `.ci/run` installs it.
pub const CPYTHON_TEST_COPY: &str = "/usr/lib/python3.11/test/test_copy.py";

pub fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
