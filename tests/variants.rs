//! `copylab variants`, help and version.

use crate::common::{copylab, stdout_of};
use predicates::prelude::*;

#[test]
fn lists_every_registered_variant_with_its_summary() {
    let out = copylab().arg("variants").output().unwrap();
    assert!(out.status.success());
    let text = stdout_of(&out);
    for variant in copylab_stdlib_copy::variants() {
        let line = text.lines().find(|l| l.split_whitespace().next() == Some(variant.name));
        assert!(line.is_some_and(|l| l.contains(variant.summary)), "{} missing in:\n{text}", variant.name);
    }
    assert_eq!(text.lines().count(), copylab_stdlib_copy::variants().len());
}

#[test]
fn show_prints_the_source_byte_for_byte() {
    copylab().args(["variants", "show", "baseline"]).assert().success().stdout(copylab_stdlib_copy::baseline().source);
}

#[test]
fn diff_of_the_baseline_is_empty_and_of_a_variant_its_patch() {
    copylab().args(["variants", "diff", "baseline"]).assert().success().stdout("");
    for variant in &copylab_stdlib_copy::variants()[1..] {
        let out = copylab().args(["variants", "diff", variant.name]).output().unwrap();
        assert_eq!(stdout_of(&out), variant.patch.unwrap());
    }
}

#[test]
fn unknown_variant_name() {
    copylab()
        .args(["variants", "show", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown variant `nope`; valid variants: baseline"));
}

#[test]
fn version_and_help() {
    copylab().arg("--version").assert().success().stdout(format!("copylab {}\n", env!("CARGO_PKG_VERSION")));
    for sub in [
        "run",
        "dis",
        "ast",
        "variants",
        "bench",
        "bench compare",
        "bench sweep",
        "cam",
        "cam diagram",
        "cam sweep",
        "trace",
        "profile",
    ] {
        copylab().args(sub.split(' ')).arg("--help").assert().success().stdout(predicate::str::contains("Examples:"));
    }
    copylab().arg("help").assert().success().stdout(predicate::str::contains("Commands:"));
}
