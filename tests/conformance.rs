//! CPython's own test_copy through `copylab run`, from three packaged CPython test suites:
//! Debian 12's libpython3.11-testsuite (installed), and CPython 3.13's and 3.14's (Debian 13's
//! and Debian unstable's packages, unpacked under target/ by .ci/cpython-tests), whose
//! test_copy adds `MiscTestCase.test__all__` (every public name of copy must say
//! `__module__ == 'copy'`); 3.14's belongs to the copy.py copylab embeds. All come from
//! packages; nothing of CPython's is copied into this repository.

use std::path::{Path, PathBuf};

use crate::common::{copylab, python3_output, stderr_of};

/// One CPython test suite: the directory holding its `test` package.
pub(crate) struct Suite {
    pub(crate) version: &'static str,
    pub(crate) dir: PathBuf,
    install: &'static str,
}

impl Suite {
    /// Its `test/NAME`, which must be there.
    pub(crate) fn test_file(&self, name: &str) -> PathBuf {
        let path = self.dir.join("test").join(name);
        assert!(path.exists(), "{} is missing: {} (.ci/run does)", path.display(), self.install);
        path
    }

    /// Its test_copy.py, which must be there.
    fn test_copy(&self) -> PathBuf {
        self.test_file("test_copy.py")
    }

    /// How many tests test_copy defines: the `test*` methods of its classes, read from its
    /// syntax tree by python3 (whatever its version, it need not import CPython 3.13's
    /// test.support), so the expectation follows the installed file.
    fn expected_test_count(&self) -> usize {
        let code = format!(
            "import ast; tree = ast.parse(open({:?}).read()); \
             print(sum(isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name.startswith('test') \
             for c in tree.body if isinstance(c, ast.ClassDef) for f in c.body))",
            self.test_copy().display()
        );
        python3_output(&code).parse().unwrap()
    }
}

/// A suite unpacked by `.ci/cpython-tests VERSION DEBIAN_SUITE`.
fn unpacked(version: &'static str, install: &'static str) -> Suite {
    Suite { version, dir: Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/cpython-{version}")), install }
}

pub(crate) fn suites() -> [Suite; 3] {
    [
        Suite {
            version: "3.11",
            dir: PathBuf::from("/usr/lib/python3.11"),
            install: "apt-get install libpython3.11-testsuite",
        },
        unpacked("3.13", "bash .ci/cpython-tests 3.13 trixie"),
        unpacked("3.14", "bash .ci/cpython-tests 3.14 sid"),
    ]
}

/// Runs each suite's test_copy under `args` and asserts every test ran and passed.
fn assert_test_copy_passes(args: &[&str]) {
    assert_test_copy_passes_on(copylab, args);
}

/// As [`assert_test_copy_passes`], with the `copylab` binary `program` makes (a fork's, say).
pub(crate) fn assert_test_copy_passes_on(program: impl Fn() -> assert_cmd::Command, args: &[&str]) {
    for suite in suites() {
        let (version, test_copy) = (suite.version, suite.test_copy());
        // test_copy imports `test.support`, which lives in the `test` package beside it.
        let out = program().env("PYTHONPATH", &suite.dir).arg("run").args(args).arg(&test_copy).output().unwrap();
        let stderr = stderr_of(&out);
        let expected = suite.expected_test_count();
        assert!(expected >= 70, "CPython {version}'s test_copy has only {expected} tests");
        assert!(stderr.contains(&format!("\nRan {expected} tests in ")), "{version} {args:?}: {stderr}");
        assert!(stderr.trim_end().ends_with("OK"), "{version} {args:?}: {stderr}");
        assert!(out.status.success(), "{version} {args:?}: {stderr}");
    }
}

/// The directory holding CPython 3.14's `test` package (the stdlib copylab's RustPython
/// ships is 3.14's), for running its other test modules.
pub(crate) fn cpython_314_tests() -> PathBuf {
    let suite = unpacked("3.14", "bash .ci/cpython-tests 3.14 sid");
    suite.test_copy();
    suite.dir
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

/// The check the 3.11 suite does not make and 3.13's and 3.14's do: under `native`,
/// `copy.deepcopy` is a native object, and `test__all__` fails unless it says it is copy's.
#[test]
fn cpython_test_all_passes_under_native() {
    for suite in &suites()[1..] {
        suite.test_copy();
        let out = copylab()
            .env("PYTHONPATH", &suite.dir)
            .args(["run", "--variant", "native", "-m", "unittest", "-v", "test.test_copy.MiscTestCase.test__all__"])
            .output()
            .unwrap();
        let stderr = stderr_of(&out);
        let version = suite.version;
        assert!(stderr.contains("test__all__ (test.test_copy.MiscTestCase.test__all__) ... ok"), "{version}: {stderr}");
        assert!(out.status.success(), "{version}: {stderr}");
    }
}
