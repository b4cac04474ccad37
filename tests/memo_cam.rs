//! `--memo cam`: the CAM-backed memo in the VM, its statistics, `copylab cam`, bad input.

use crate::common::{copylab, fixture, stderr_of, stdout_of};
use predicates::prelude::*;

const SHARED_AND_CYCLES: &str = "
import copy
L = [1] * 10
x = {'a': (L, L), 'b': [L] * 5}
x['self'] = x
for _ in range(20):
    y = copy.deepcopy(x)
assert y['b'][0] is y['a'][0] and y['self'] is y and y['a'][0] is not L
print('copied')
";

#[test]
fn cam_memo_behaves_like_a_dict() {
    let out = copylab().args(["run", "--memo", "cam"]).arg(fixture("memo_like_dict.py")).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "OK\n");
}

#[test]
fn deepcopy_is_correct_with_any_capacity_and_counts_its_traffic() {
    for entries in ["1", "4", "1024"] {
        let dir = tempfile::tempdir().unwrap();
        let stats_path = dir.path().join("stats.json");
        let out = copylab()
            .args(["run", "--memo", "cam", "--cam-entries", entries])
            .arg(format!("--cam-stats={}", stats_path.display()))
            .args(["-c", SHARED_AND_CYCLES])
            .output()
            .unwrap();
        assert!(out.status.success(), "{entries}: {}", stderr_of(&out));
        assert_eq!(stdout_of(&out), "copied\n");
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&stats_path).unwrap()).unwrap();
        let stats = &json["stats"];
        let number = |key: &str| stats[key].as_u64().unwrap_or_else(|| panic!("{key} missing in {stats}"));
        assert_eq!(json["config"]["entries"].as_u64().unwrap().to_string(), entries);
        // 20 outermost deepcopy calls, one memo (context) each, all closed again.
        assert_eq!(number("contexts_opened"), 20, "{stats}");
        assert_eq!(number("contexts_closed"), 20, "{stats}");
        // Every lookup is answered by the CAM or, after a spill, by the software table.
        assert!(number("cam_hits") + number("cam_misses") + number("spill_hits") >= number("lookups"), "{stats}");
        assert!(number("lookups") > 100, "{stats}");
        if entries == "1" {
            assert!(number("spills") > 0, "a 1-entry CAM must spill: {stats}");
        } else if entries == "1024" {
            assert_eq!(number("spills"), 0, "{stats}");
        }
        let share = json["memo_share"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&share), "{share}");
    }
}

/// A memo kept to the end of the program (a hook stores it in a global) is still in the
/// device when the interpreter's thread ends; that must not abort the process.
#[test]
fn a_memo_kept_to_the_end_of_the_program_exits_cleanly() {
    let code = "import copy\nclass H:\n    def __deepcopy__(self, memo):\n        global kept\n        kept = memo\n        return 'h'\nprint(copy.deepcopy([[1], H()]))\n";
    for variant in ["baseline", "native"] {
        let out =
            copylab().args(["run", "--variant", variant, "--memo", "cam", "--cam-stats", "-c", code]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{variant}: {}", stderr_of(&out));
        assert_eq!(stdout_of(&out), "[[1], 'h']\n", "{variant}");
        assert!(!stderr_of(&out).contains("panicked"), "{variant}: {}", stderr_of(&out));
    }
}

#[test]
fn cam_stats_table_goes_to_stderr() {
    let out = copylab().args(["run", "--memo", "cam", "--cam-stats", "-c", SHARED_AND_CYCLES]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "copied\n");
    let stderr = stderr_of(&out);
    assert!(stderr.contains("CAM memo statistics (1024 entries"), "{stderr}");
    assert!(stderr.contains("whole-program ceiling"), "{stderr}");
}

#[test]
fn dict_memo_is_untouched_copy_py() {
    copylab()
        .args([
            "run",
            "-c",
            "import copy, _copylab; print(_copylab.memo_backend, hasattr(copy.deepcopy, '__wrapped__'))",
        ])
        .assert()
        .success()
        .stdout("dict False\n");
}

#[test]
fn bad_cam_sizes_and_flags() {
    copylab()
        .args(["run", "--memo", "cam", "--cam-entries", "0", "-c", "pass"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("entries is 0"));
    copylab()
        .args(["run", "--memo", "cam", "--cam-entries", "1099511627776", "-c", "pass"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid CAM configuration"));
    copylab()
        .args(["run", "--cam-entries", "8", "-c", "pass"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--cam-entries needs --memo cam"));
    copylab()
        .args(["run", "--cam-stats", "-c", "pass"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--cam-stats needs --memo cam"));
    copylab().args(["run", "--memo", "tcam", "-c", "pass"]).assert().code(2);
    copylab()
        .args(["run", "--memo", "cam", "--cam-stats=/no/such/dir/s.json", "-c", "pass"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write /no/such/dir/s.json"));
}

#[test]
fn diagram_in_every_format() {
    let out = copylab().args(["cam", "diagram"]).output().unwrap();
    assert!(out.status.success());
    let svg = stdout_of(&out);
    assert!(svg.contains("<svg") && svg.contains("xmlns=\"http://www.w3.org/2000/svg\""), "{svg}");
    assert!(!svg.contains("href=\"http"), "external resource in the SVG");
    for label in [
        "CAM",
        "copy.py",
        "Memory controller",
        "Main memory",
        "OS",
        "lookup",
        "hit/miss",
        "insert",
        "spill",
        "clear",
        "Legend",
    ] {
        assert!(svg.contains(label), "{label} missing");
    }
    copylab()
        .args(["cam", "diagram", "--format", "dot"])
        .assert()
        .success()
        .stdout(predicate::str::contains("digraph"));
    copylab()
        .args(["cam", "diagram", "--format", "mermaid"])
        .assert()
        .success()
        .stdout(predicate::str::contains("flowchart"));
    copylab()
        .args(["cam", "diagram", "--format", "png"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("svg, dot, mermaid"));
    copylab()
        .args(["cam", "diagram", "-o", "/no/such/dir/d.svg"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write"));
}

#[test]
fn sweep_table_and_plot() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("sweep.svg");
    let out = copylab()
        .args(["cam", "sweep", "--entries", "1,4,1024", "--workloads", "deepcopy_memo", "--svg"])
        .arg(&svg)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    let rows: Vec<&str> = text.lines().filter(|l| l.trim_start().starts_with(char::is_numeric)).collect();
    assert_eq!(rows.len(), 3, "{text}");
    // A 1-entry CAM spills; 1024 entries hold every memo of this workload.
    let spills = |row: &str| row.split_whitespace().nth(4).unwrap().parse::<u64>().unwrap();
    assert!(spills(rows[0]) > 0, "{text}");
    assert_eq!(spills(rows[2]), 0, "{text}");
    assert!(std::fs::read_to_string(&svg).unwrap().contains("deepcopy_memo"));
    copylab().args(["cam", "sweep", "--entries", "0"]).assert().code(2).stderr(predicate::str::contains("--entries 0"));
}

#[test]
fn bench_compares_memo_backends() {
    let out = copylab()
        .args(["bench", "--fast", "--variants", "baseline", "--memo", "dict,cam", "--workloads", "deepcopy_memo"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    assert!(text.lines().any(|l| l.trim_start().starts_with("baseline,cam")), "{text}");
}

/// `cam share`: one row per trio workload and one per other suite, a share, k and ceiling per
/// variant. Both variants make the same memo traffic, so the cost model's k must agree.
#[test]
fn share_compares_the_memo_share_of_variants() {
    let out =
        copylab().args(["cam", "share", "--workloads", "deepcopy_memo,structures", "--repeat", "5"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    let header = text.lines().find(|l| l.trim_start().starts_with("workloads")).unwrap_or_default();
    let columns: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(columns, ["workloads", "baseline", "s", "k", "ceiling", "native", "s", "k", "ceiling"], "{text}");
    for label in ["deepcopy_memo", "structures"] {
        let row: Vec<&str> = text
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{label} ")))
            .unwrap_or_else(|| panic!("no {label} row: {text}"))
            .split_whitespace()
            .collect();
        assert_eq!(row.len(), 7, "{text}");
        let share = |cell: &str| cell.trim_end_matches('%').parse::<f64>().unwrap();
        for s in [row[1], row[4]] {
            assert!((0.0..=100.0).contains(&share(s)) && share(s) > 0.0, "{text}");
        }
        assert_eq!(row[2], row[5], "the same traffic must give the same k: {text}");
        assert!(row[3].ends_with('x') && row[6].ends_with('x'), "{text}");
    }
    copylab()
        .args(["cam", "share", "--variants", "turbo"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown variant `turbo`"));
}
