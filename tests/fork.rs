//! `copylab fork` and `copylab bench --vm`. The apply-only tests need no compiler run; the
//! tests that build a fork binary (minutes each on 2 cores) are `#[ignore]`d and run with
//! `COPYLAB_FORK_TESTS=1 bash .ci/run` or `cargo test ... --test cli fork:: -- --ignored`.

use crate::common::{copylab, fixture, stderr_of, stdout_of};
use predicates::prelude::*;

#[test]
fn a_patch_that_does_not_apply_fails_naming_the_file_and_hunk() {
    let out = tempfile::tempdir().expect("tempdir");
    let assert = copylab()
        .args(["fork", "apply", "broken", "--patches-dir"])
        .arg(fixture("fork-patches"))
        .arg("--out")
        .arg(out.path())
        .assert()
        .failure()
        .code(1);
    let stderr = stderr_of(assert.get_output());
    for needle in ["01-stale-context.patch", "does not apply to src/builtins/list.rs", "hunk #1", "rebase the patch"] {
        assert!(stderr.contains(needle), "missing {needle:?} in:\n{stderr}");
    }
    // The build would have started from this: nothing half-built is left as a binary.
    assert!(!out.path().join("broken/copylab").exists());
}

#[test]
fn every_shipped_patch_set_applies_to_the_pristine_crate() {
    let listing = copylab().args(["fork", "list"]).output().expect("runs");
    assert!(listing.status.success(), "{}", stderr_of(&listing));
    let listing = stdout_of(&listing);
    let sets: Vec<&str> = listing.lines().filter_map(|line| line.split_whitespace().next()).collect();
    assert!(sets.contains(&"alloc") && sets.contains(&"threading"), "{listing}");

    let out = tempfile::tempdir().expect("tempdir");
    let joined = sets.join("+");
    let applied = copylab().args(["fork", "apply", &joined, "--out"]).arg(out.path()).output().expect("runs");
    assert!(applied.status.success(), "fork apply {joined}: {}", stderr_of(&applied));
    let list_rs =
        std::fs::read_to_string(out.path().join(format!("{joined}/rustpython-vm-0.6.0/src/builtins/list.rs")))
            .expect("the patched crate holds list.rs");
    assert!(list_rs.contains("const MAX_FREELIST: usize = 2000; // alloc:"), "alloc patch not applied");
    assert!(stdout_of(&applied).contains("features: copylab-vm/threading"), "{}", stdout_of(&applied));
}

#[test]
fn unknown_sets_and_unbuilt_forks_are_usage_errors_before_any_measurement() {
    copylab().args(["fork", "apply", "nosuchset"]).assert().failure().code(2).stderr(
        predicate::str::contains("no patch set 'nosuchset'").and(predicate::str::contains("known sets: alloc")),
    );
    copylab()
        .args(["bench", "--vm", "fast"])
        .assert()
        .failure()
        .code(2)
        .stderr(predicate::str::contains("use stock or fork:NAME"));
    copylab()
        .args(["bench", "--fast", "--variants", "baseline", "--workloads", "deepcopy", "--vm", "stock,fork:notbuilt"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("run `copylab fork build notbuilt` first"));
}

/// The checks the `defaults` fork must pass hold on the stock VM (and CPython), so a failure
/// on the fork is the patch's.
#[test]
fn call_defaults_fixture_holds_on_stock() {
    copylab().arg("run").arg(fixture("call_defaults.py")).assert().success().stdout("call defaults ok\n");
}

/// Builds the `defaults` fork (minutes) and runs the call-semantics checks and CPython's
/// test_copy on it.
#[test]
#[ignore = "builds a second RustPython (about 6 minutes on 2 cores): COPYLAB_FORK_TESTS=1 bash .ci/run"]
fn the_defaults_fork_keeps_call_semantics() {
    let binary = build_fork("defaults");
    let checks =
        std::process::Command::new(&binary).arg("run").arg(fixture("call_defaults.py")).output().expect("runs");
    assert!(checks.status.success(), "call_defaults.py on fork:defaults:\n{}", stderr_of(&checks));
    assert_test_copy_passes(&binary, "fork:defaults");
}

/// `copylab fork build NAME`, returning the binary's path.
fn build_fork(name: &str) -> String {
    let built =
        copylab().args(["fork", "build", name]).timeout(std::time::Duration::from_secs(3600)).output().expect("runs");
    assert!(built.status.success(), "fork build {name} failed:\n{}", stderr_of(&built));
    stdout_of(&built).trim().rsplit(": ").next().expect("path").to_string()
}

fn assert_test_copy_passes(binary: &str, label: &str) {
    let test_copy = std::process::Command::new(binary)
        .args(["run", "--variant", "merged", crate::common::CPYTHON_TEST_COPY])
        .env("PYTHONPATH", "/usr/lib/python3.11")
        .output()
        .expect("the fork binary runs");
    assert!(
        test_copy.status.success(),
        "test_copy on {label} (needs Debian's libpython3.11-testsuite):\n{}",
        stderr_of(&test_copy)
    );
}

/// Builds the `alloc` fork (minutes) and checks it runs CPython's test_copy and benchmarks
/// side by side with the stock binary.
#[test]
#[ignore = "builds a second RustPython (about 10 minutes on 2 cores): COPYLAB_FORK_TESTS=1 bash .ci/run"]
fn the_alloc_fork_builds_passes_test_copy_and_benches_against_stock() {
    let binary = build_fork("alloc");
    assert_test_copy_passes(&binary, "fork:alloc");

    let bench = copylab()
        .args(["bench", "--fast", "--variants", "baseline", "--workloads", "deepcopy", "--vm", "stock,fork:alloc"])
        .output()
        .expect("runs");
    assert!(bench.status.success(), "{}", stderr_of(&bench));
    assert!(stdout_of(&bench).contains("baseline@fork:alloc"), "{}", stdout_of(&bench));
}
