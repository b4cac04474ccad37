//! CPython's own test_copy (Debian's libpython3.11-testsuite) through `copylab run`.

use crate::common::{CPYTHON_TEST_COPY, copylab, stderr_of};

/// How many tests CPython's unittest loader finds in test_copy, asked of CPython itself so
/// the expectation follows the installed test file.
fn expected_test_count() -> usize {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, unittest; sys.path.insert(0, '/usr/lib/python3.11'); import test.test_copy as m; \
             print(unittest.defaultTestLoader.loadTestsFromModule(m).countTestCases())",
        ])
        .output()
        .expect("python3 is needed to count CPython's tests");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

/// Runs test_copy under `args` and asserts every test ran and passed.
pub(crate) fn assert_test_copy_passes(args: &[&str]) {
    assert!(
        std::path::Path::new(CPYTHON_TEST_COPY).exists(),
        "{CPYTHON_TEST_COPY} is missing: apt-get install libpython3.11-testsuite (.ci/run does)"
    );
    // test_copy imports `test.support`, which lives in the directory above it.
    let out = copylab()
        .env("PYTHONPATH", "/usr/lib/python3.11")
        .arg("run")
        .args(args)
        .arg(CPYTHON_TEST_COPY)
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    let expected = expected_test_count();
    assert!(expected >= 70, "CPython found only {expected} tests");
    assert!(stderr.contains(&format!("\nRan {expected} tests in ")), "{args:?}: {stderr}");
    assert!(stderr.trim_end().ends_with("OK"), "{args:?}: {stderr}");
    assert!(out.status.success(), "{args:?}: {stderr}");
}

#[test]
fn cpython_test_copy_passes_on_the_baseline() {
    assert_test_copy_passes(&["--variant", "baseline"]);
}

#[test]
fn cpython_test_copy_passes_on_every_variant() {
    for variant in &copylab_stdlib_copy::variants()[1..] {
        assert_test_copy_passes(&["--variant", variant.name]);
    }
}

/// With the CAM memo, also at 4 entries, where nearly every deepcopy spills.
#[test]
fn cpython_test_copy_passes_with_the_cam_memo_on_every_variant() {
    for variant in copylab_stdlib_copy::variants() {
        assert_test_copy_passes(&["--variant", variant.name, "--memo", "cam"]);
        assert_test_copy_passes(&["--variant", variant.name, "--memo", "cam", "--cam-entries", "4"]);
    }
}
