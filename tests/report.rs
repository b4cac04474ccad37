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
    let (json, html, profiles) =
        (dir.path().join("before.json"), dir.path().join("bench.html"), dir.path().join("profiles"));
    copylab()
        .args(["bench", "--fast", "--workloads", "deepcopy_memo,deepcopy", "--variants", "fastpath", "--json"])
        .arg(&json)
        .arg("--html")
        .arg(&html)
        .arg("--profile")
        .arg(&profiles)
        .assert()
        .success();
    let (arms, workloads) = arms_and_workloads(&json);
    assert_eq!((arms.len(), workloads.len()), (2, 2));
    let (baseline, fastpath) = (profiles.join("baseline.folded"), profiles.join("fastpath.folded"));
    let stacks = std::fs::read_to_string(&fastpath).unwrap();
    assert!(stacks.starts_with("# copylab profile of arm: fastpath\n"), "{stacks}");
    assert!(stacks.contains("_reconstruct_fast (copy.py:"), "fastpath's own function is in its stacks");

    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("href=\"#variant-fastpath\""), "the fastpath arm links its patch");
    assert!(page.contains("_reconstruct_fast"), "the fastpath diff is embedded");
    assert!(page.contains("<a href=\"#flame-1\">flame graph</a>"), "the arm's row links its flame graph");
    assert!(page.contains("<a href=\"#flame-diff-1\">differential flame graph against baseline</a>"));
    // The flame graphs' scripts are inside their data: URLs, never the page's own.
    assert!(!page.contains("<script") && !page.contains("src="), "the page loads nothing");

    let layout = browser::open(&html, &browser::artifact("report-screenshot.png"));
    // A strip plot and a forest plot per workload; a flame graph per arm and a differential one.
    assert_eq!(layout, browser::Layout { plots: 7, zero_sized: 0, arms: 2, workloads: 2, slides: 0 });

    // Two runs (the same file twice under two names): every arm of each, one page, with the
    // profiles given after the run they belong to.
    let after = dir.path().join("after.json");
    std::fs::copy(&json, &after).unwrap();
    let multi = dir.path().join("multi.html");
    copylab()
        .arg("report")
        .args([&json, &baseline, &fastpath, &after, &fastpath])
        .arg("--html")
        .arg(&multi)
        .assert()
        .success();
    let page = std::fs::read_to_string(&multi).unwrap();
    assert!(page.contains("after: fastpath") && page.contains("before: baseline"));
    assert!(page.contains("<a href=\"#flame-diff-3\">differential flame graph against before: baseline</a>"));
    assert!(!page.contains("id=\"flame-2\""), "after: baseline was not profiled");
    let layout = browser::open(&multi, &browser::artifact("report-multi-screenshot.png"));
    // Flame graphs of three arms, and differential ones of the two fastpath arms.
    assert_eq!(layout, browser::Layout { plots: 9, zero_sized: 0, arms: 4, workloads: 2, slides: 0 });

    // A profile before any run, or of an arm its run does not have, is refused.
    refuses(dir.path(), &[&fastpath, &json], "a profile goes after the results file of its run");
    let stranger = dir.path().join("stranger.folded");
    std::fs::write(&stranger, "# copylab profile of arm: memo\n<module>;deepcopy 10\n").unwrap();
    refuses(dir.path(), &[&json, &stranger], "a profile of arm memo, which run before does not have");
    std::fs::write(&stranger, "# copylab profile of arm: fastpath\n<module>;deepcopy\n").unwrap();
    refuses(dir.path(), &[&json, &stranger], "line 2 is not a collapsed stack");
}

#[test]
fn a_multi_run_report_compares_cpython_arms_with_the_first_runs_of_their_variant() {
    let dir = tempfile::tempdir().unwrap();
    let before = dir.path().join("before.json");
    copylab()
        .args(["bench", "--fast", "--workloads", "deepcopy_memo", "--variants", "fastpath", "--python", "python3"])
        .arg("--json")
        .arg(&before)
        .assert()
        .success();
    let after = dir.path().join("after.json");
    std::fs::copy(&before, &after).unwrap();
    let html = dir.path().join("cpython.html");
    copylab().arg("report").arg(&before).arg(&after).arg("--html").arg(&html).assert().success();
    let page = std::fs::read_to_string(&html).unwrap();
    // The arms table says which reference each arm's ratios use, and so does each verdict.
    let row = |arm: &str, reference: &str| format!("<td>{arm}</td><td>after</td><td>{reference}</td>");
    assert!(page.contains(&row("after: fastpath", "before: baseline")), "RustPython arms: the first arm");
    assert!(page.contains(&row("after: fastpath@python3", "before: fastpath@python3")), "{page}");
    assert!(page.contains(&row("after: baseline@python3", "before: baseline@python3")));
    assert!(page.contains("<td>before: fastpath@python3</td><td>before</td><td>before: baseline@python3</td>"));
    assert!(page.contains("(against before: fastpath@python3)"), "the verdict names its reference");
    let layout = browser::open(&html, &browser::artifact("report-cpython-screenshot.png"));
    assert_eq!(layout, browser::Layout { plots: 2, zero_sized: 0, arms: 8, workloads: 1, slides: 0 });
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

    // So is its --profile directory: here a file stands where the directory should be.
    let out = copylab()
        .args(["bench", "--fast", "--workloads", "deepcopy_memo", "--variants", "fastpath", "--profile"])
        .arg(first.join("profiles"))
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

/// The browser reports the console of embedded documents too (a flame graph's `<object>`).
#[test]
#[should_panic(expected = "console message from the page: console.error: from the flame graph")]
fn a_console_error_in_an_embedded_frame_fails_the_browser_check() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("bad.html");
    let svg = "&lt;svg xmlns='http://www.w3.org/2000/svg' width='90' height='90'&gt;&lt;script&gt;console.error('from the flame graph')&lt;/script&gt;&lt;/svg&gt;";
    std::fs::write(
        &page,
        format!("<html><body><object class=\"plot\" type=\"image/svg+xml\" data=\"data:image/svg+xml,{svg}\"></object></body></html>"),
    )
    .unwrap();
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
fn sweep_page_with_bands_renders_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let (svg, html) = (dir.path().join("sweep.svg"), dir.path().join("sweep.html"));
    copylab()
        .args(["bench", "sweep", "--fast", "--variant", "fastpath", "--define", "_FASTPATH_MAX=0,5,20"])
        .args(["--workloads", "deepcopy_memo,deepcopy", "--svg"])
        .arg(&svg)
        .arg("--html")
        .arg(&html)
        .assert()
        .success();
    let plot = std::fs::read_to_string(&svg).unwrap();
    assert_eq!(plot.matches("<polygon class=\"band\"").count(), 2, "a band per workload");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains(&plot), "the page embeds the very plot of --svg");
    assert!(page.contains("<th>_FASTPATH_MAX =</th><th>0</th><th>5</th><th>20</th>"), "a column per value");
    assert!(!page.contains("<script") && !page.contains("src="), "the page loads nothing");
    let layout = browser::open(&html, &browser::artifact("sweep-screenshot.png"));
    // The one line plot; an arm per value; a table row per workload.
    assert_eq!(layout, browser::Layout { plots: 1, zero_sized: 0, arms: 3, workloads: 2, slides: 0 });

    // An unwritable --html is refused before anything is measured, and nothing is written.
    let out = copylab()
        .args(["bench", "sweep", "--fast", "--variant", "fastpath", "--define", "_FASTPATH_MAX=0,5"])
        .arg("--svg")
        .arg(dir.path().join("other.svg"))
        .arg("--html")
        .arg(dir.path().join("no/such/dir/sweep.html"))
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("cannot write"), "{}", stderr_of(&out));
    assert!(!dir.path().join("other.svg").exists(), "no SVG either");
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
