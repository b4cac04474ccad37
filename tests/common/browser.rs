//! Opens a page in Debian's headless chromium, as a reader would, and reports what the
//! browser laid out: a copy of the page gets a small script that measures every plot and
//! counts arms and workloads, and `--dump-dom` returns the result. The page itself needs no
//! script; the copy only adds the measuring.

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

const MEASURE: &str = "<script>(() => {\
    const plots = [...document.querySelectorAll('svg, object.plot')];\
    const zero = plots.filter(p => { const r = p.getBoundingClientRect(); return !(r.width > 0 && r.height > 0); });\
    const out = document.createElement('pre'); out.id = 'layout-check';\
    out.textContent = ['plots', plots.length, 'zero', zero.length,\
      'arms', document.querySelectorAll('tr.arm').length,\
      'workloads', document.querySelectorAll('section.workload, tr.workload').length,\
      'slides', document.querySelectorAll('section.slide').length].join(' ');\
    document.body.appendChild(out);\
})();</script>";

fn chromium(user_data: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new("chromium");
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", user_data.display()))
    .timeout(Duration::from_secs(120));
    cmd
}

fn run(mut cmd: assert_cmd::Command) -> std::process::Output {
    let out = cmd.output().unwrap_or_else(|err| {
        panic!("cannot run chromium ({err}): the browser tests need Debian's chromium; run `apt-get install chromium` (bash .ci/run does)")
    });
    let stderr = super::stderr_of(&out);
    // Page errors reach stderr as console messages; chromium's own noise (dbus) does not match.
    for line in stderr.lines() {
        assert!(
            !line.contains("Uncaught") && !line.contains(":CONSOLE"),
            "console message from the page: {line}\n{stderr}"
        );
    }
    assert!(out.status.success(), "chromium failed:\n{stderr}");
    out
}

/// Measures `page` in the browser, and saves a screenshot of the page itself to `screenshot`.
pub fn open(page: &Path, screenshot: &Path) -> Layout {
    let dir = tempfile::tempdir().unwrap();
    let html = std::fs::read_to_string(page).unwrap();
    let measured = dir.path().join("measured.html");
    std::fs::write(&measured, html.replace("</body>", &format!("{MEASURE}</body>"))).unwrap();
    let mut dump = chromium(&dir.path().join("profile-dump"));
    dump.arg("--dump-dom").arg(url(&measured));
    let dom = super::stdout_of(&run(dump));
    let line = dom
        .split("<pre id=\"layout-check\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_else(|| panic!("the measuring script did not run; the DOM:\n{dom}"));
    let numbers: Vec<usize> = line.split(' ').skip(1).step_by(2).map(|n| n.parse().unwrap()).collect();
    let layout = Layout {
        plots: numbers[0],
        zero_sized: numbers[1],
        arms: numbers[2],
        workloads: numbers[3],
        slides: numbers[4],
    };

    if let Some(parent) = screenshot.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    let _ = std::fs::remove_file(screenshot);
    let mut shot = chromium(&dir.path().join("profile-shot"));
    shot.arg(format!("--screenshot={}", screenshot.display())).arg("--window-size=1400,2000").arg(url(page));
    run(shot);
    let size = std::fs::metadata(screenshot).map_or(0, |m| m.len());
    assert!(size > 10_000, "no screenshot (or an empty one, {size} bytes) at {}", screenshot.display());
    layout
}

fn url(path: &Path) -> String {
    format!("file://{}", std::path::absolute(path).unwrap().display())
}

/// `target/` of this checkout, where CI keeps screenshots as artifacts.
pub fn artifact(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target").join(name)
}
