//! Opens a page in Debian's headless chromium, as a reader would, and reports what the
//! browser laid out and logged. `devtools.py` beside this file drives chromium through the
//! DevTools protocol: the browser reports every console message and uncaught exception (of
//! the page and of its frames, such as the flame graphs' `<object>`s), [`MEASURE`] is
//! evaluated in the page to measure every plot and count arms and workloads (the page is not
//! modified), and the screenshot is the browser's capture.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// What the browser saw on a page.
#[derive(Debug, PartialEq, Eq)]
pub struct Layout {
    /// Inline SVG plots and embedded ones (`<object class="plot">`, the flame graphs).
    pub plots: usize,
    /// Plots laid out with zero width or height.
    pub zero_sized: usize,
    pub arms: usize,
    pub workloads: usize,
    pub slides: usize,
}

const MEASURE: &str = "(() => {\
    const plots = [...document.querySelectorAll('svg, object.plot')];\
    const zero = plots.filter(p => { const r = p.getBoundingClientRect(); return !(r.width > 0 && r.height > 0); });\
    return {plots: plots.length, zero_sized: zero.length,\
      arms: document.querySelectorAll('tr.arm').length,\
      workloads: document.querySelectorAll('section.workload, tr.workload').length,\
      slides: document.querySelectorAll('section.slide').length};\
})()";

/// Measures `page` in the browser, checks that nothing was logged to its console, and saves
/// a screenshot of it to `screenshot`.
pub fn open(page: &Path, screenshot: &Path) -> Layout {
    if let Some(parent) = screenshot.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    let _ = std::fs::remove_file(screenshot);
    let driver = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/common/devtools.py");
    let out = assert_cmd::Command::new("python3")
        .arg(driver)
        .arg(page)
        .arg(screenshot)
        .arg(MEASURE)
        .timeout(Duration::from_secs(180))
        .output()
        .expect("python3 must be on PATH: run the tests with `bash .ci/run`, which provides it");
    assert!(out.status.success(), "{}", super::stderr_of(&out));
    let report: serde_json::Value = serde_json::from_str(&super::stdout_of(&out))
        .unwrap_or_else(|err| panic!("devtools.py printed no JSON ({err}):\n{}", super::stdout_of(&out)));
    let console: Vec<&str> = report["console"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
    assert!(console.is_empty(), "console message from the page: {}", console.join("\n"));
    let count = |key: &str| {
        let value = report["measured"][key].as_u64();
        usize::try_from(value.unwrap_or_else(|| panic!("no {key} in {report}"))).unwrap()
    };
    let size = std::fs::metadata(screenshot).map_or(0, |m| m.len());
    assert!(size > 10_000, "no screenshot (or an empty one, {size} bytes) at {}", screenshot.display());
    Layout {
        plots: count("plots"),
        zero_sized: count("zero_sized"),
        arms: count("arms"),
        workloads: count("workloads"),
        slides: count("slides"),
    }
}

/// `target/` of this checkout, where CI keeps screenshots as artifacts.
pub fn artifact(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target").join(name)
}
