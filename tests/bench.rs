//! `copylab bench`: a real (small) A/B run, its outputs, compare, sweep and bad input.

use crate::common::{copylab, stderr_of, stdout_of};
use predicates::prelude::*;

/// pyperf itself must accept what copylab writes (`.ci/run` installs pyperf).
fn pyperf(args: &[&str]) -> std::process::Output {
    std::process::Command::new("python3").args(["-m", "pyperf"]).args(args).output().unwrap()
}

#[test]
fn ab_run_writes_pyperf_json_markdown_and_compares() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("run.json");
    let markdown = dir.path().join("table.md");
    let out = copylab()
        .args(["bench", "--fast", "--variants", "memo", "--workloads", "deepcopy_reduce,deepcopy_memo", "--memory"])
        .arg("--json")
        .arg(&json)
        .arg("--markdown")
        .arg(&markdown)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    assert!(text.contains("deepcopy_reduce"), "{text}");
    crate::common::assert_verdicts(&text, &["memo"]);
    assert!(text.contains("Geometric mean"), "{text}");
    assert!(text.contains("Allocs/call") && text.contains("Peak RSS"), "--memory columns missing: {text}");

    let stats = pyperf(&["stats", json.to_str().unwrap()]);
    assert!(stats.status.success(), "pyperf stats: {}", stderr_of(&stats));
    let stats = stdout_of(&stats);
    assert!(stats.contains("deepcopy_reduce[baseline]") && stats.contains("deepcopy_reduce[memo]"), "{stats}");

    let table = std::fs::read_to_string(&markdown).unwrap();
    assert!(table.starts_with("| Benchmark | baseline | memo |"), "{table}");

    // A saved run compares with itself as not significant, benchmark by benchmark.
    let compared = copylab().args(["bench", "compare"]).arg(&json).arg(&json).output().unwrap();
    assert!(compared.status.success(), "{}", stderr_of(&compared));
    assert!(stdout_of(&compared).contains("not significant"), "{}", stdout_of(&compared));
}

#[test]
fn json_dir_files_work_with_pyperf_compare_to() {
    let dir = tempfile::tempdir().unwrap();
    let out = copylab()
        .args([
            "bench",
            "--fast",
            "--variants",
            "fastpath",
            "--workloads",
            "deepcopy_reduce,deepcopy_memo",
            "--json-dir",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let compared = pyperf(&[
        "compare_to",
        dir.path().join("baseline.json").to_str().unwrap(),
        dir.path().join("fastpath.json").to_str().unwrap(),
    ]);
    assert!(compared.status.success(), "{}", stderr_of(&compared));
    // With two benchmarks pyperf names each one, whether it shows or hides it as not significant.
    let text = stdout_of(&compared);
    assert!(text.contains("deepcopy_reduce") && text.contains("deepcopy_memo"), "{text}");
}

#[test]
fn user_workload_file_and_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.py");
    std::fs::write(
        &file,
        "import copy\nDATA = {'k': [1, 2, (3, 4)]}\n\ndef bench_small_dict():\n    copy.deepcopy(DATA)\n",
    )
    .unwrap();
    let svg = dir.path().join("sweep.svg");
    let out = copylab()
        .args(["bench", "sweep", "--fast", "--variant", "fastpath", "--define", "_FASTPATH_MAX=0,5"])
        .arg("--workload-file")
        .arg(&file)
        .arg("--svg")
        .arg(&svg)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("small_dict"), "{}", stdout_of(&out));
    let plot = std::fs::read_to_string(&svg).unwrap();
    assert!(plot.starts_with("<svg") || plot.starts_with("<?xml"), "{plot}");
    assert!(plot.contains("_FASTPATH_MAX"), "axis label missing");
}

/// bench/workloads/harness.py times the trio's own code, and the reduce workload's class
/// methods, with no copies in them (the floor analysis in docs/native-floor.md relies on
/// that), while the trio, in the same process, still copies: both counted through a counting
/// `copy.deepcopy`.
#[test]
fn the_harness_workloads_are_the_trio_without_its_copies() {
    let workloads = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/workloads");
    let script = format!(
        r#"
import copy, importlib.util
calls = []
real = copy.deepcopy
def counting(x, memo=None):
    calls.append(x)
    return real(x, memo)
copy.deepcopy = counting
def load(name):
    spec = importlib.util.spec_from_file_location(name, {dir:?} + "/" + name + ".py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
harness, trio = load("harness"), load("trio")
for name in ("deepcopy", "deepcopy_reduce", "deepcopy_memo"):
    counts = []
    for function in (getattr(harness, "bench_harness_" + name), getattr(trio, "bench_" + name)):
        before = len(calls)
        function()
        counts.append(len(calls) - before)
    print(name, *counts)
before = len(calls)
harness.bench_reduce_methods()
print("reduce_methods", len(calls) - before)
"#,
        dir = workloads.display().to_string()
    );
    let out = copylab().args(["run", "-c", &script]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "deepcopy 0 60\ndeepcopy_reduce 0 1\ndeepcopy_memo 0 1\nreduce_methods 0\n");
}

/// `--peer copium` adds copium under CPython; `--reference` makes it what every arm is
/// compared with (copium comes from tests/requirements.txt).
#[test]
fn peer_arm_runs_and_can_be_the_reference() {
    let dir = tempfile::tempdir().unwrap();
    let markdown = dir.path().join("table.md");
    let out = copylab()
        .args(["bench", "--fast", "--variants", "native", "--python", "python3", "--peer", "copium"])
        .args(["--reference", "copium@python3", "--workloads", "deepcopy_reduce,deepcopy_memo", "--markdown"])
        .arg(&markdown)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    let row = |label: &str| {
        text.lines().find(|l| l.trim_start().starts_with(&format!("{label} "))).unwrap_or_default().to_owned()
    };
    assert!(row("copium@python3").contains("(baseline)"), "{text}");
    crate::common::assert_verdicts(&text, &["baseline", "native", "baseline@python3"]);
    // A CPython variant stays compared with its own interpreter's baseline.
    assert!(row("native@python3").contains("vs baseline@python3"), "{text}");
    assert!(text.contains("Geometric mean vs copium@python3"), "{text}");
    let table = std::fs::read_to_string(&markdown).unwrap();
    assert!(
        table.starts_with("| Benchmark | copium@python3 | baseline | native | baseline@python3 | native@python3 |"),
        "{table}"
    );
}

#[test]
fn bad_input_is_refused_before_measuring() {
    copylab()
        .args(["bench", "--variants", "turbo"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown variant `turbo`"));
    copylab()
        .args(["bench", "--workloads", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown workload 'nope'").and(predicate::str::contains("deepcopy_memo")));
    copylab()
        .args(["bench", "--define", "NOEQUALS"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected NAME=VALUE"));
    copylab()
        .args(["bench", "--variants", "memo", "--define", "_FASTPATH_MAX=3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("declares a tunable constant `_FASTPATH_MAX`"));
    copylab()
        .args(["bench", "--memo", "quantum"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown memo backend `quantum`"));
    copylab()
        .args(["bench", "--python", "/no/such/python3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/no/such/python3"));
    copylab()
        .args(["bench", "--python", "python3", "--peer", "copylab_no_such_peer"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("python3 -m pip install copylab_no_such_peer"));
    copylab().args(["bench", "--python", "python3", "--reference", "copium@python3"]).assert().code(2).stderr(
        predicate::str::contains("--reference copium@python3: no such arm")
            .and(predicate::str::contains("baseline@python3")),
    );
    copylab()
        .args(["bench", "--json", "/no/such/dir/run.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write /no/such/dir/run.json"));
    copylab()
        .args(["bench", "--workload-file", "/no/such/workloads.py"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/no/such/workloads.py"));
    copylab()
        .args(["bench", "sweep", "--variant", "baseline", "--define", "_FASTPATH_MAX=1,2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("declares no tunable constant"));
}

#[test]
fn a_broken_workload_fails_cleanly_and_leaves_no_json() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("run.json");
    for (name, source, expected) in [
        ("syntax.py", "def bench_x(:\n    pass\n", "has a syntax error at line 1"),
        ("raises.py", "def bench_boom():\n    raise ValueError('boom')\n", "ValueError: boom"),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, source).unwrap();
        let out = copylab()
            .args(["bench", "--fast", "--variants", "baseline", "--workload-file"])
            .arg(&file)
            .arg("--json")
            .arg(&json)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr_of(&out));
        assert!(stderr_of(&out).contains(expected), "{name}: {}", stderr_of(&out));
        assert!(!json.exists(), "{name}: partial JSON left behind");
        assert!(!stderr_of(&out).contains("panicked"));
    }
}
