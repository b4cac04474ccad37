//! pyperf JSON: schema, round trip, atomic writes, comparison of files, and
//! pyperf's own tools on what we write (when pyperf is installed).

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::fake_results;
use copylab_bench::pyperf::{self, Suite};
use copylab_bench::{BenchError, TerminalOptions, markdown, terminal};
use serde_json::Value;

#[test]
fn per_arm_suite_follows_the_pyperf_schema() {
    let results = fake_results();
    let suite = pyperf::suite_for_arm(&results, 1);
    let json: Value = serde_json::to_value(&suite).expect("serialize");
    assert_eq!(json["version"], "1.0");
    assert_eq!(json["metadata"]["copylab_arm"], "fastpath,cam");
    assert_eq!(json["metadata"]["copylab_memo"], "cam");
    let benchmarks = json["benchmarks"].as_array().expect("benchmarks");
    assert_eq!(benchmarks.len(), 2);
    let bench = &benchmarks[0];
    assert_eq!(bench["metadata"]["name"], "deepcopy");
    assert_eq!(bench["metadata"]["unit"], "second");
    assert_eq!(bench["metadata"]["loops"], 128);
    assert_eq!(bench["metadata"]["python_implementation"], "rustpython");
    assert_eq!(bench["metadata"]["python_version"], "3.13.0");

    let runs = bench["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 5, "one calibration run and four workers");
    let calibration = &runs[0];
    assert!(calibration.get("values").is_none(), "calibration has warmups only");
    assert_eq!(calibration["metadata"]["calibrate_loops"], 128);
    assert_eq!(calibration["warmups"][0][0], 1);
    for run in &runs[1..] {
        let values = run["values"].as_array().expect("values");
        assert_eq!(values.len(), 3);
        assert!(values.iter().all(|v| v.as_f64().is_some_and(|v| v > 0.0)));
        assert_eq!(run["warmups"].as_array().expect("warmups").len(), 1);
        assert_eq!(run["metadata"]["mem_max_rss"].as_u64().map(|b| b >= 10_000 * 1024), Some(true));
        assert_eq!(run["metadata"]["copylab_allocs_per_call"], 120.0);
    }
}

#[test]
fn combined_suite_names_benchmarks_by_arm() {
    let suite = pyperf::combined_suite(&fake_results());
    let names: Vec<&str> = suite.benchmarks.iter().map(|b| b.metadata["name"].as_str().expect("name")).collect();
    assert_eq!(
        names,
        ["deepcopy[baseline]", "deepcopy[fastpath,cam]", "deepcopy_memo[baseline]", "deepcopy_memo[fastpath,cam]"]
    );
    assert_eq!(suite.benchmarks[1].metadata["copylab_variant"], "fastpath");
}

#[test]
fn written_files_read_back_identically() {
    let dir = tempfile::tempdir().expect("tempdir");
    let results = fake_results();
    let path = dir.path().join("run.json");
    let suite = pyperf::combined_suite(&results);
    suite.write(&path).expect("write");
    let back = Suite::read(&path).expect("read");
    assert_eq!(back.metadata, suite.metadata);
    assert_eq!(back.benchmarks.len(), suite.benchmarks.len());
    for (a, b) in back.benchmarks.iter().zip(&suite.benchmarks) {
        assert_eq!(a.metadata, b.metadata);
        for (ra, rb) in a.runs.iter().zip(&b.runs) {
            assert_eq!(ra.metadata, rb.metadata);
            let close = |x: f64, y: f64| (x - y).abs() <= 1e-15 * y.abs();
            assert!(ra.values.iter().zip(&rb.values).all(|(x, y)| close(*x, *y)));
            assert!(ra.warmups.iter().zip(&rb.warmups).all(|(x, y)| x.0 == y.0 && close(x.1, y.1)));
        }
    }
    let leftovers: Vec<_> = fs::read_dir(dir.path()).expect("dir").collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left behind");
}

#[test]
fn unwritable_output_fails_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("missing-dir").join("run.json");
    let err = pyperf::combined_suite(&fake_results()).write(&path).expect_err("no dir");
    assert!(matches!(err, BenchError::Output { .. }));
    assert!(err.to_string().contains("check that the directory exists and is writable"), "{err}");
    assert!(!path.exists());
}

#[test]
fn bad_files_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let old = dir.path().join("old.json");
    fs::write(&old, r#"{"version": "0.9", "benchmarks": []}"#).expect("write");
    let err = Suite::read(&old).expect_err("version");
    assert!(err.to_string().contains("version \"0.9\" is not supported"), "{err}");
    let junk = dir.path().join("junk.json");
    fs::write(&junk, "not json").expect("write");
    assert!(Suite::read(&junk).expect_err("junk").to_string().contains("not a pyperf JSON file"));
    assert!(Suite::read(&dir.path().join("none.json")).is_err());
}

#[test]
fn compare_pairs_per_arm_files_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = pyperf::write_per_arm(&fake_results(), dir.path()).expect("write");
    let names: Vec<String> =
        paths.iter().map(|p| p.file_name().expect("name").to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["baseline.json", "fastpath_cam.json"]);
    let report = pyperf::compare_files(&paths).expect("compare");
    assert_eq!(report.labels, ["baseline", "fastpath,cam"]);
    assert_eq!(report.sections.len(), 2);
    assert_eq!(report.geometric_means[0].verdict.to_string(), "2.00x faster");
    let row = &report.sections[0].rows[1];
    assert_eq!(row.loops, 128);
    assert_eq!(row.memory.allocs_per_call, Some(120.0));
    assert_eq!(row.summary.n, 12);

    let text = terminal::render(&report, TerminalOptions { color: false, memory: true });
    assert!(text.contains("2.00x faster") && text.contains("Allocs/call"), "{text}");
    let md = markdown::render(&report, false);
    assert!(md.contains("| Geometric mean | (ref) | 2.00x faster |"), "{md}");

    // Two runs of the same arm are told apart by path.
    let again = dir.path().join("again");
    let again_paths = pyperf::write_per_arm(&fake_results(), &again).expect("write");
    let report = pyperf::compare_files(&[paths[0].clone(), again_paths[0].clone()]).expect("compare");
    assert!(report.labels[1].ends_with("again/baseline.json"), "{:?}", report.labels);
    assert_eq!(report.sections[0].rows[1].comparison.expect("compared").verdict.to_string(), "not significant");

    // The combined file shares no name with a per-arm file.
    let combined = dir.path().join("all.json");
    pyperf::combined_suite(&fake_results()).write(&combined).expect("write");
    let err = pyperf::compare_files(&[paths[0].clone(), combined]).expect_err("disjoint");
    assert!(matches!(err, BenchError::NoCommonBenchmarks { .. }), "{err}");
}

/// Fails the test, saying what to install, when python3 has no pyperf.
fn require_pyperf() {
    let found = Command::new("python3").args(["-c", "import pyperf"]).output().is_ok_and(|o| o.status.success());
    assert!(found, "python3 has no pyperf: run the tests with `bash .ci/run` (it installs tests/requirements.txt)");
}

fn pyperf(args: &[&Path], command: &str, extra: &[&str]) -> String {
    let output = Command::new("python3")
        .args(["-m", "pyperf", command])
        .args(extra)
        .args(args)
        .output()
        .expect("run python3 -m pyperf");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "pyperf {command} failed: {}\n{stdout}", String::from_utf8_lossy(&output.stderr));
    stdout
}

#[test]
fn pyperf_itself_reads_what_we_write() {
    require_pyperf();
    let dir = tempfile::tempdir().expect("tempdir");
    let results = fake_results();
    let paths = pyperf::write_per_arm(&results, dir.path()).expect("write");
    let combined = dir.path().join("combined.json");
    pyperf::combined_suite(&results).write(&combined).expect("write");

    let stats = pyperf(&[&paths[1]], "stats", &[]);
    assert!(stats.contains("Total duration") || stats.contains("Number of"), "{stats}");
    let stats = pyperf(&[&combined], "stats", &[]);
    assert!(stats.contains("deepcopy[fastpath,cam]"), "{stats}");
    pyperf(&[&combined], "show", &[]);

    let compared = pyperf(&[&paths[0], &paths[1]], "compare_to", &["--table"]);
    assert!(compared.contains("2.00x faster"), "{compared}");
    let compared = pyperf(&[&paths[0], &paths[1]], "compare_to", &[]);
    assert!(compared.contains("deepcopy"), "{compared}");
}
