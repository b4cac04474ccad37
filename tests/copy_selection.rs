//! Which copy.py runs: --variant, --copy-py, --define, and that every import path gets it.

use crate::common::{copylab, fixture, stderr_of, stdout_of};
use predicates::prelude::*;

#[test]
fn every_import_of_copy_gets_the_selected_variant() {
    let out = copylab().args(["run", "--variant", "baseline"]).arg(fixture("which_copy.py")).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "<copylab:baseline>/copy.py\nTrue True\n");
}

#[test]
fn unknown_variant_lists_the_valid_ones() {
    copylab()
        .args(["run", "--variant", "turbo", "-c", "pass"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown variant `turbo`; valid variants: baseline"));
}

#[test]
fn traceback_through_copy_names_the_variant_and_shows_its_line() {
    let code = "import copy\nclass Bad:\n    def __reduce_ex__(self, proto):\n        raise ValueError('nope')\ncopy.deepcopy(Bad())\n";
    let out = copylab().args(["run", "-c", code]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = stderr_of(&out);
    assert!(stderr.contains("File \"<copylab:baseline>/copy.py\", line "), "{stderr}");
    assert!(stderr.contains("rv = reductor(4)"), "the variant's source line is missing: {stderr}");
    assert!(stderr.trim_end().ends_with("ValueError: nope"), "{stderr}");
}

#[test]
fn copy_py_installs_the_given_file() {
    let path = fixture("user_copy.py");
    let out = copylab()
        .arg("run")
        .arg("--copy-py")
        .arg(&path)
        .args(["-c", "import copy; print(copy.MARKER); print(copy.__file__)"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), format!("user copy.py\n{}\n", path.display()));
}

#[test]
fn copy_py_that_is_not_python_is_rejected_before_running() {
    copylab()
        .arg("run")
        .arg("--copy-py")
        .arg(fixture("syntax_error.py"))
        .args(["-c", "print('ran')"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            predicate::str::contains("syntax_error.py is not valid Python")
                .and(predicate::str::contains("SyntaxError")),
        );
}

#[test]
fn copy_py_missing_or_a_directory() {
    copylab()
        .args(["run", "--copy-py", "/no/such/copy.py", "-c", "pass"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read --copy-py file /no/such/copy.py"));
    copylab()
        .args(["run", "--copy-py"])
        .arg(fixture(""))
        .args(["-c", "pass"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a directory"));
}

#[test]
fn copy_py_and_variant_are_exclusive() {
    copylab()
        .args(["run", "--variant", "baseline", "--copy-py", "x.py", "-c", "pass"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

#[test]
fn define_rejects_nonsense() {
    copylab()
        .args(["run", "--define", "NOEQUALS", "-c", "pass"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected NAME=VALUE"));
    copylab()
        .args(["run", "--define", "_FASTPATH_MAX=__import__('os')", "-c", "pass"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("VALUE must be a Python literal"));
    copylab()
        .args(["run", "--variant", "baseline", "--define", "_NOPE=1", "-c", "pass"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("variant baseline declares no tunable constant `_NOPE`"));
}

#[test]
fn define_rewrites_a_tunable_of_a_user_copy_py() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copy.py");
    std::fs::write(&path, "_LIMIT = 5  # copylab: tunable; test knob\ndef deepcopy(x, memo=None):\n    return x\n")
        .unwrap();
    copylab()
        .arg("run")
        .arg("--copy-py")
        .arg(&path)
        .args(["--define", "_LIMIT=100", "-c", "import copy; print(copy._LIMIT)"])
        .assert()
        .success()
        .stdout("100\n");
}
