//! `copylab profile`: copy.py's line profile, the overhead figure and the flame graph.

use crate::common::{copylab, stderr_of, stdout_of};
use predicates::prelude::*;

/// A profile row: `line hits time_ms per_hit percent [#rank] code`.
#[derive(Debug)]
struct Row {
    line: usize,
    hits: u64,
    percent: f64,
    rank: Option<usize>,
    code: String,
}

fn rows(stdout: &str) -> Vec<Row> {
    stdout
        .lines()
        .filter_map(|row| {
            let fields: Vec<&str> = row.split_whitespace().collect();
            let numbers = fields.get(..5)?;
            let line = numbers[0].parse().ok()?;
            let hits = numbers[1].parse().ok()?;
            numbers[2].parse::<f64>().ok()?;
            numbers[3].parse::<u64>().ok()?;
            let percent = numbers[4].parse().ok()?;
            let rank = fields.get(5).and_then(|f| f.strip_prefix('#')).and_then(|r| r.parse().ok());
            // The code column starts after the fixed-width stats (6+1+10+1+11+1+13+1+7+1+4+2).
            let code = row.get(58..).unwrap_or("").to_owned();
            Some(Row { line, hits, percent, rank, code })
        })
        .collect()
}

fn profile(args: &[&str]) -> std::process::Output {
    copylab().arg("profile").args(args).output().unwrap()
}

#[test]
fn workload_profile_adds_up_and_names_the_source_lines() {
    let out = profile(&["--workload", "deepcopy_reduce", "--loops", "30"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let stdout = stdout_of(&out);
    let rows = rows(&stdout);
    let total: f64 = rows.iter().map(|r| r.percent).sum();
    assert!((total - 100.0).abs() < 1.5, "percentages add up to {total}: {stdout}");

    let source: Vec<&str> = copylab_stdlib_copy::find("baseline").unwrap().source.lines().collect();
    for row in &rows {
        assert_eq!(row.code, source[row.line - 1], "row {row:?}");
    }
    let def = source.iter().position(|l| l.starts_with("def deepcopy(")).unwrap() + 1;
    let calls = rows.iter().find(|r| r.line == def).expect("deepcopy's def line");
    // deepcopy_reduce copies one object with a two-key state: 1 + 1 + 2 * 2 calls, once to
    // warm up (not profiled), then 30 times.
    assert_eq!(calls.hits, 30 * 6, "{stdout}");
    let reduce = source.iter().skip(def).position(|l| l.trim() == "rv = reductor(4)").unwrap() + def + 1;
    assert_eq!(rows.iter().find(|r| r.line == reduce).map(|r| r.hits), Some(30));

    let ranks: Vec<usize> = rows.iter().filter_map(|r| r.rank).collect();
    assert_eq!(ranks.len(), 5, "five hottest lines marked: {stdout}");
    assert!(stdout.contains("Run: workload deepcopy_reduce (trio), 30 calls each"), "{stdout}");
    assert!(stdout.contains("Function: deepcopy (lines "), "{stdout}");
    assert!(stdout.contains("Function: _reconstruct (lines "), "{stdout}");
    let overhead = stdout.lines().find(|l| l.starts_with("Overhead: ")).expect("an overhead line");
    assert!(overhead.contains(" unprofiled, ") && overhead.contains("x slower ("), "{overhead}");
}

#[test]
fn flame_graph_is_an_svg_of_the_copy_frames() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("flame.svg");
    let out = copylab()
        .args(["profile", "--no-compare", "--loops", "5", "--workload", "deepcopy", "--flamegraph"])
        .arg(&svg)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("Overhead: not measured (--no-compare)"), "{}", stdout_of(&out));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<?xml") && text.contains("<svg") && text.trim_end().ends_with("</svg>"), "not an SVG");
    assert!(text.contains("deepcopy (copy.py:"), "copy.py frames with their lines");
    assert!(text.contains("bench_deepcopy (trio.py:"), "the workload's own frame");
    assert!(text.contains("<title>"), "tooltips");
    assert!(!text.contains("<copylab:runner>"), "copylab's own runner frames are left out");
}

#[test]
fn folded_stacks_are_labelled_with_the_bench_arm_they_profile() {
    let dir = tempfile::tempdir().unwrap();
    let (folded, svg) = (dir.path().join("arm.folded"), dir.path().join("flame.svg"));
    let out = copylab()
        .args(["profile", "--no-compare", "--loops", "3", "--workload", "deepcopy", "--variant", "fastpath"])
        .args(["--memo", "cam", "--define", "_FASTPATH_MAX=7", "--folded"])
        .arg(&folded)
        .arg("--flamegraph")
        .arg(&svg)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = std::fs::read_to_string(&folded).unwrap();
    let mut lines = text.lines();
    // The label `bench --variants fastpath --memo cam --define _FASTPATH_MAX=7` gives the arm.
    assert_eq!(lines.next(), Some("# copylab profile of arm: fastpath,cam,_FASTPATH_MAX=7"));
    let stacks: Vec<&str> = lines.collect();
    assert!(stacks.iter().any(|l| l.contains("bench_deepcopy (trio.py:") && l.contains(";deepcopy (copy.py:")));
    for line in &stacks {
        let (_, nanos) = line.rsplit_once(' ').expect("`stack NANOS`");
        assert!(nanos.parse::<u64>().is_ok(), "{line}");
    }
    // --flamegraph of the same run draws the same stacks.
    assert!(std::fs::read_to_string(&svg).unwrap().contains("_reconstruct_fast (copy.py:"));
}

#[test]
fn script_profile_shows_the_program_output_and_module_level() {
    let out = profile(&["-c", "import copy\nprint(len(copy.deepcopy([[i] for i in range(50)])))"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let stdout = stdout_of(&out);
    assert!(stdout.starts_with("50\n"), "the program's output comes once, first: {stdout}");
    assert!(stdout.contains("Run: <string>; profiled run "), "{stdout}");
    assert!(stdout.contains("Module level (copy.py being imported):"), "{stdout}");
    let total: f64 = rows(&stdout).iter().map(|r| r.percent).sum();
    assert!((total - 100.0).abs() < 1.5, "{total}");
}

#[test]
fn variant_lines_are_profiled_under_the_variant() {
    let out = profile(&["--variant", "memo", "--no-compare", "--loops", "5", "--workload", "deepcopy_memo"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let stdout = stdout_of(&out);
    assert!(stdout.starts_with("Line profile of <copylab:memo>/copy.py (memo), memo dict\n"), "{stdout}");
    assert!(rows(&stdout).iter().any(|r| r.code.contains("# memo:")), "memo's own lines ran: {stdout}");
}

#[test]
fn failing_script_keeps_its_traceback_and_status() {
    let out = profile(&["--no-compare", "-c", "import copy\ncopy.deepcopy([1])\nraise ValueError('boom')"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr_of(&out).contains("ValueError: boom"), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("Function: deepcopy"), "the profile is still shown");
}

#[test]
fn workload_file_functions_are_profiled() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.py");
    std::fs::write(&file, "import copy\nDATA = {'k': [1, 2]}\n\ndef bench_mine():\n    copy.deepcopy(DATA)\n").unwrap();
    let out =
        copylab().args(["profile", "--no-compare", "--loops", "3", "--workload-file"]).arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let stdout = stdout_of(&out);
    assert!(stdout.contains("Run: workload mine (mine), 3 calls each"), "{stdout}");
    assert!(stdout.contains("Function: _deepcopy_dict"), "{stdout}");
}

#[test]
fn unknown_workload_is_a_usage_error() {
    copylab()
        .args(["profile", "--workload", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown workload 'nope'").and(predicate::str::contains("deepcopy_reduce")));
}

#[test]
fn unwritable_flame_graph_fails_before_running() {
    let out = profile(&["--workload", "deepcopy", "--flamegraph", "/no/such/dir/f.svg"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).starts_with("copylab: error: cannot write /no/such/dir/f.svg"), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "", "nothing ran");
}

#[test]
fn bad_input_is_reported_without_a_panic() {
    let cases: &[(&[&str], &str)] = &[
        (&["/no/such/script.py"], "can't open file '/no/such/script.py'"),
        (&["--variant", "turbo", "--workload", "deepcopy"], "unknown variant `turbo`"),
        (&["--no-compare"], "give a SCRIPT, -c CODE or --workload NAME"),
        (&["--workload", "deepcopy", "--loops", "0"], "--loops"),
        (&["--workload-file", "/no/such/workloads.py"], "/no/such/workloads.py"),
        (&["--loops", "3", "-c", "pass"], "cannot be used with"),
    ];
    for (args, message) in cases {
        let out = profile(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr_of(&out));
        assert!(stderr_of(&out).contains(message), "{args:?}: {}", stderr_of(&out));
        assert!(!stderr_of(&out).contains("panicked"), "{args:?}");
    }
}
