//! `copylab dis` and `copylab ast`.

use crate::common::{copylab, fixture, stderr_of, stdout_of};
use predicates::prelude::*;

#[test]
fn dis_of_a_code_string_prints_dis_output() {
    let out = copylab().args(["dis", "-c", "x = len('ab')"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    assert!(text.contains("LOAD_NAME") && text.contains("(len)"), "{text}");
    assert!(text.contains("STORE_NAME") && text.contains("(x)"), "{text}");
}

#[test]
fn dis_of_a_file_names_its_code() {
    let out = copylab().arg("dis").arg(fixture("raises.py")).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    assert!(text.contains("Disassembly of <code object inner at"), "{text}");
    assert!(text.contains("BINARY_OP") && text.contains("(/)"), "{text}");
}

#[test]
fn dis_of_deepcopy_under_the_baseline() {
    let out = copylab().args(["dis", "--function", "copy.deepcopy", "--variant", "baseline"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    // deepcopy's first line is its `def`; the body looks the memo up and consults _deepcopy_dispatch.
    assert!(text.contains("(_deepcopy_dispatch)"), "{text}");
    assert!(text.contains("(memo)"), "{text}");
    insta::assert_snapshot!("dis_copy_deepcopy_baseline", text);
}

#[test]
fn dis_of_a_nested_qualname() {
    let out = copylab().args(["dis", "--function", "dataclasses.Field.__init__"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("(default_factory)"), "{}", stdout_of(&out));
    copylab()
        .args(["dis", "--function", "copy.Error.__init__"])
        .assert()
        .code(2)
        .stderr("copylab: error: 'copy.Error.__init__' is a wrapper_descriptor, not a function, method or class\n");
}

#[test]
fn dis_diff_of_a_variant_against_itself_says_identical() {
    copylab()
        .args(["dis", "--function", "copy.deepcopy", "--diff", "baseline", "baseline"])
        .assert()
        .success()
        .stdout("copy.deepcopy: identical bytecode under baseline and baseline\n");
}

#[test]
fn dis_diff_baseline_fastpath_shows_the_reconstruct_fast_path() {
    let out =
        copylab().args(["dis", "--function", "copy.deepcopy", "--diff", "baseline", "fastpath"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let diff = stdout_of(&out);
    assert!(diff.starts_with("--- copy.deepcopy [baseline]\n+++ copy.deepcopy [fastpath]\n@@ "), "{diff}");
    // fastpath calls `_reconstruct_fast(x, memo, d, rv)` where the baseline builds
    // `_reconstruct(x, memo, *rv)` with CALL_FUNCTION_EX.
    let removed: Vec<&str> = diff.lines().filter(|l| l.starts_with('-') && !l.starts_with("---")).collect();
    let added: Vec<&str> = diff.lines().filter(|l| l.starts_with('+') && !l.starts_with("+++")).collect();
    assert!(removed.iter().any(|l| l.contains("LOAD_GLOBAL") && l.contains("(_reconstruct + NULL)")), "{diff}");
    assert!(removed.iter().any(|l| l.contains("CALL_FUNCTION_EX")), "{diff}");
    assert!(added.iter().any(|l| l.contains("LOAD_GLOBAL") && l.contains("(_reconstruct_fast + NULL)")), "{diff}");
}

#[test]
fn dis_unknown_module_and_function() {
    copylab()
        .args(["dis", "--function", "nosuchmodule.f"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no module named 'nosuchmodule'"));
    copylab()
        .args(["dis", "--function", "copy.nosuchfunction"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("module 'copy' has no function 'nosuchfunction'"));
}

#[test]
fn dis_needs_a_target() {
    copylab().arg("dis").assert().code(2);
}

#[test]
fn ast_dump_matches_ast_dump() {
    copylab()
        .args(["ast", "-c", "x = 1"])
        .assert()
        .success()
        .stdout("Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value=1))])\n");
}

#[test]
fn ast_indent_and_attributes() {
    let out = copylab().args(["ast", "-c", "x = 1", "--indent", "2", "--attributes"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    assert!(text.starts_with("Module(\n  body=[\n    Assign(\n"), "{text}");
    assert!(text.contains("lineno=1,\n") && text.contains("col_offset=0,\n"), "{text}");
}

#[test]
fn ast_of_a_syntax_error_is_reported() {
    copylab()
        .arg("ast")
        .arg(fixture("syntax_error.py"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("SyntaxError"));
}

#[test]
fn ast_of_a_missing_file() {
    copylab().args(["ast", "/no/such.py"]).assert().code(2).stderr(predicate::str::contains("can't open file"));
}
