//! `copylab report` and `bench --html`: the HTML page, opened in a real browser, and its
//! refusals of bad input.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::{browser, copylab, stderr_of};

/// Arms and workloads of a combined `bench --json` file, as the page should show them.
fn arms_and_workloads(json: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let suite: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    let (mut arms, mut workloads) = (BTreeSet::new(), BTreeSet::new());
    for benchmark in suite["benchmarks"].as_array().unwrap() {
        let arm = benchmark["metadata"]["copylab_arm"].as_str().unwrap();
        let name = benchmark["metadata"]["name"].as_str().unwrap();
        workloads.insert(name.strip_suffix(&format!("[{arm}]")).unwrap().to_string());
        arms.insert(arm.to_string());
    }
    (arms, workloads)
}

#[test]
fn bench_and_multi_run_reports_render_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let (json, html) = (dir.path().join("before.json"), dir.path().join("bench.html"));
    copylab()
        .args(["bench", "--fast", "--workloads", "deepcopy_memo,deepcopy", "--variants", "fastpath", "--json"])
        .arg(&json)
        .arg("--html")
        .arg(&html)
        .assert()
        .success();
    let (arms, workloads) = arms_and_workloads(&json);
    assert_eq!((arms.len(), workloads.len()), (2, 2));

    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("href=\"#variant-fastpath\""), "the fastpath arm links its patch");
    assert!(page.contains("_reconstruct_fast"), "the fastpath diff is embedded");
    assert!(!page.contains("<script") && !page.contains("src="), "the page loads nothing");

    let layout = browser::open(&html, &browser::artifact("report-screenshot.png"));
    // A strip plot and a forest plot per workload.
    assert_eq!(layout, browser::Layout { plots: 4, zero_sized: 0, arms: 2, workloads: 2, slides: 0 });

    // Two runs (the same file twice under two names): every arm of each, one page.
    let after = dir.path().join("after.json");
    std::fs::copy(&json, &after).unwrap();
    let multi = dir.path().join("multi.html");
    copylab().arg("report").arg(&json).arg(&after).arg("--html").arg(&multi).assert().success();
    let page = std::fs::read_to_string(&multi).unwrap();
    assert!(page.contains("after: fastpath") && page.contains("before: baseline"));
    let layout = browser::open(&multi, &browser::artifact("report-multi-screenshot.png"));
    assert_eq!(layout, browser::Layout { plots: 4, zero_sized: 0, arms: 4, workloads: 2, slides: 0 });
}

/// A combined copylab file with one arm and the given workloads.
fn write_run(path: &Path, workloads: &[&str]) {
    let benchmarks: Vec<String> = workloads
        .iter()
        .map(|w| {
            format!(
                r#"{{"metadata": {{"name": "{w}[baseline]", "unit": "second", "loops": 10, "copylab_arm": "baseline"}}, "runs": [{{"values": [1.0, 1.1, 0.9]}}]}}"#
            )
        })
        .collect();
    std::fs::write(path, format!(r#"{{"version": "1.0", "benchmarks": [{}]}}"#, benchmarks.join(","))).unwrap();
}

/// Runs `report` expecting a usage error whose message contains `expected`, and checks that
/// nothing was left in `dir` but the inputs.
fn refuses(dir: &Path, args: &[&Path], expected: &str) {
    let before: BTreeSet<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    let out = copylab().arg("report").args(args).arg("--html").arg(dir.join("out.html")).output().unwrap();
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(expected), "expected {expected:?} in:\n{stderr}");
    let after: BTreeSet<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(before, after, "a failed report leaves no file behind");
}

#[test]
fn bad_input_is_refused_with_a_reason_and_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let foreign = dir.path().join("foreign.json");
    std::fs::write(&foreign, r#"{"hello": "world"}"#).unwrap();
    refuses(dir.path(), &[&foreign], "not a pyperf JSON file");

    let (first, second) = (dir.path().join("first.json"), dir.path().join("second.json"));
    write_run(&first, &["deepcopy"]);
    write_run(&second, &["deepcopy_memo"]);
    refuses(dir.path(), &[&first, &second], "no benchmark in common");

    refuses(dir.path(), &[&dir.path().join("missing.json")], "cannot read results file");

    // An output whose directory is a file: refused before anything is read.
    let out = copylab().arg("report").arg(&first).arg("--html").arg(first.join("out.html")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("cannot write"), "{}", stderr_of(&out));

    // bench checks its --html path before measuring anything.
    let out = copylab()
        .args(["bench", "--fast", "--workloads", "deepcopy_memo", "--variants", "fastpath", "--html"])
        .arg(dir.path().join("no/such/dir/report.html"))
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("cannot write"), "{}", stderr_of(&out));

    // A good report still works from the same directory.
    copylab().arg("report").arg(&first).arg("--html").arg(dir.path().join("ok.html")).assert().success();
}

/// The browser check itself: a page that logs an error fails it.
#[test]
#[should_panic(expected = "console message from the page")]
fn a_console_error_fails_the_browser_check() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("bad.html");
    std::fs::write(&page, "<html><body><script>missing_function();</script></body></html>").unwrap();
    browser::open(&page, &dir.path().join("bad.png"));
}

#[test]
fn cam_presentation_renders_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let deck = dir.path().join("cam.html");
    copylab()
        .args(["cam", "present", "--workloads", "deepcopy_memo", "--repeat", "3", "--entries", "16,64", "--html"])
        .arg(&deck)
        .assert()
        .success();
    let page = std::fs::read_to_string(&deck).unwrap();
    for slide in
        ["How the CAM answers a memo lookup", "Hardware beside software", "Amdahl's ceiling", "the honest limit"]
    {
        assert!(page.contains(slide), "no slide {slide:?}");
    }
    // Measured numbers, not prose: both variants' shares are in the table.
    assert!(page.contains("baseline: memo share s") && page.contains("native: memo share s"));
    let layout = browser::open(&deck, &browser::artifact("cam-present-screenshot.png"));
    // The block diagram, the share plot and the sweep plot, each on its own slide.
    assert_eq!(layout, browser::Layout { plots: 3, zero_sized: 0, arms: 0, workloads: 0, slides: 7 });
}

#[test]
fn sweep_plot_with_bands_renders_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("sweep.svg");
    copylab()
        .args(["bench", "sweep", "--fast", "--variant", "fastpath", "--define", "_FASTPATH_MAX=0,5"])
        .args(["--workloads", "deepcopy_memo", "--svg"])
        .arg(&svg)
        .assert()
        .success();
    let plot = std::fs::read_to_string(&svg).unwrap();
    assert_eq!(plot.matches("<polygon class=\"band\"").count(), 1, "one band for the one workload");
    // The browser sees the SVG as a report page would embed it.
    let page = dir.path().join("sweep.html");
    std::fs::write(&page, format!("<!DOCTYPE html><html><body>{plot}</body></html>")).unwrap();
    let layout = browser::open(&page, &browser::artifact("sweep-screenshot.png"));
    assert_eq!(layout, browser::Layout { plots: 1, zero_sized: 0, arms: 0, workloads: 0, slides: 0 });
}

/// `report --markdown` of a saved run: its date, machine and command from the file, then the
/// table bench printed, CPython arms compared with the CPython baseline as bench compared them;
/// `--arms` and `--workloads` cut a part, and a name not in the run is refused with the names.
#[test]
fn markdown_report_of_a_saved_run_says_where_its_numbers_come_from() {
    let run = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/results/2026-12-03-native-floor.json");
    let out = copylab().arg("report").arg(&run).args(["--markdown", "-"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let page = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(page.contains("- Date: 2026-12-03 14:34 UTC\n"), "{page}");
    assert!(page.contains("- Command: `copylab bench --variants native --vm stock,fork:versions"), "{page}");
    assert!(page.contains("| deepcopy | 41.6 us ± 3.2 us | 1.28 ms: 30.84x slower |"), "{page}");
    assert!(page.contains("24.0 us: 1.01x faster vs baseline@python3 |"), "{page}");

    let out = copylab()
        .arg("report")
        .arg(&run)
        .args(["--markdown", "-", "--arms", "native,copium@python3", "--workloads", "deepcopy_memo"])
        .output()
        .unwrap();
    let part = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(part.contains("| Benchmark | copium@python3 | native |\n"), "in the run's order: {part}");
    assert!(part.contains("| deepcopy_memo | 1.42 us ± 0.06 us | 2.01 us: 1.41x slower |\n"), "{part}");
    assert!(!part.contains("| deepcopy |"), "{part}");

    let out = copylab().arg("report").arg(&run).args(["--markdown", "-", "--arms", "fastpath"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("no arm 'fastpath'") && stderr_of(&out).contains("copium@python3"));
    let out = copylab().arg("report").arg(&run).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a page to write is required");
}
