//! The documentation stays true: its examples run, its `--help` examples are among them, its
//! links resolve, and its results page is what the saved runs give.
//!
//! Examples are ```` ```console ```` blocks (`$ copylab ...`, then the expected output, with
//! `[..]` for part of a line and `...` for lines, e.g. timings and addresses), run by trycmd.
//! A page's commands run in a copy of `PAGE.in/` (fixture files), so nothing they write lands
//! in the tree. Pages whose examples build forks or run long benchmarks are [`OPT_IN_PAGES`]:
//! `COPYLAB_FORK_TESTS=1 bash .ci/run` runs them.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Run by every `.ci/run`: a few seconds each.
const PAGES: &[&str] = &[
    "README.md",
    "docs/guide/setup.md",
    "docs/guide/fork.md",
    "docs/guide/run.md",
    "docs/guide/inspect.md",
    "docs/guide/bench.md",
    "docs/guide/cam.md",
];

/// Examples that build forks (about 12 minutes each on 2 cores) or run benchmarks of minutes.
const OPT_IN_PAGES: &[&str] = &["docs/guide/long-examples.md"];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("docs-tests sits in the repository").to_path_buf()
}

/// The binary the examples run: `COPYLAB`, else the release build `.ci/run` has just tested.
fn copylab() -> PathBuf {
    let path = std::env::var_os("COPYLAB").map_or_else(|| repo().join("target/release/copylab"), PathBuf::from);
    assert!(
        path.is_file(),
        "no copylab binary at {}: run `cargo build --release --locked --ignore-rust-version` first, or set COPYLAB",
        path.display()
    );
    path
}

/// The venv of the python3 on PATH, which `.ci/run` fills with tests/requirements.txt: the
/// examples run as a user's would in that venv, activated.
fn test_venv() -> String {
    let out = Command::new("python3")
        .args(["-c", "import sys; print(sys.prefix if sys.prefix != sys.base_prefix else '')"])
        .output()
        .expect("python3 must be on PATH: run the tests with `bash .ci/run`, which puts its venv first");
    let venv = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        !venv.is_empty(),
        "the python3 on PATH is not a venv: run `bash .ci/run`, or put target/test-venv/bin first on PATH"
    );
    venv
}

fn run_pages(pages: &[&str]) {
    let cases = trycmd::TestCases::new();
    cases
        .register_bin("copylab", copylab())
        .env("VIRTUAL_ENV", test_venv())
        .env("NO_COLOR", "1")
        .timeout(std::time::Duration::from_secs(1800));
    for page in pages {
        cases.case(repo().join(page));
    }
    cases.run();
}

#[test]
fn examples_in_the_docs_print_what_the_docs_say() {
    run_pages(PAGES);
}

#[test]
#[ignore = "builds forks and runs long benchmarks: COPYLAB_FORK_TESTS=1 bash .ci/run"]
fn long_examples_print_what_the_docs_say() {
    run_pages(OPT_IN_PAGES);
}

/// The commands of ```` ```console ```` blocks in `page`, as written after `$ `.
fn console_commands(page: &str) -> Vec<String> {
    let text = std::fs::read_to_string(repo().join(page)).unwrap_or_else(|err| panic!("{page}: {err}"));
    let mut commands = Vec::new();
    let mut in_console = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_console = !in_console && line.trim_start_matches('`').split(',').next() == Some("console");
        } else if in_console && let Some(command) = line.strip_prefix("$ ") {
            commands.push(command.trim().to_string());
        }
    }
    commands
}

/// `copylab`'s subcommands (and their subcommands), from its own help.
fn subcommands(prefix: &[String]) -> Vec<Vec<String>> {
    let help = help_of(prefix);
    let mut found = Vec::new();
    let mut in_commands = false;
    for line in help.lines() {
        if line == "Commands:" {
            in_commands = true;
        } else if in_commands && line.starts_with("  ") && !line.starts_with("   ") {
            let name = line.split_whitespace().next().unwrap_or_default().to_string();
            if name != "help" {
                let mut path = prefix.to_vec();
                path.push(name);
                found.extend(subcommands(&path));
                found.push(path);
            }
        } else if in_commands && !line.starts_with("   ") {
            in_commands = false;
        }
    }
    found
}

fn help_of(path: &[String]) -> String {
    let out = Command::new(copylab()).args(path).arg("--help").output().expect("copylab runs");
    assert!(out.status.success(), "copylab {} --help failed", path.join(" "));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The lines of a help's `Examples:` section, each without the description some put after it.
fn examples_of(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|line| *line != "Examples:")
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .map(|line| line.trim().split("   ").next().unwrap_or_default().trim().to_string())
        .collect()
}

#[test]
fn every_help_example_is_run_by_the_docs() {
    let run: Vec<String> = PAGES.iter().chain(OPT_IN_PAGES).flat_map(|page| console_commands(page)).collect();
    let mut missing = Vec::new();
    let mut paths = subcommands(&[]);
    paths.push(Vec::new());
    for path in &paths {
        let help = help_of(path);
        let examples = examples_of(&help);
        // A group (`copylab fork`) may leave examples to its subcommands; `worker` is internal.
        let is_group = help.lines().any(|line| line == "Commands:");
        if !is_group && path.first().is_some_and(|p| p != "worker") && examples.is_empty() {
            missing.push(format!("copylab {} --help has no examples", path.join(" ")));
        }
        for example in examples {
            if !run.contains(&example) {
                missing.push(format!("`copylab {} --help`: {example}", path.join(" ")));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "each --help example must be a `$ ` command in a console block of {:?}:\n{}",
        PAGES.iter().chain(OPT_IN_PAGES).collect::<Vec<_>>(),
        missing.join("\n")
    );
}

/// Every Markdown file of the docs and the README.
fn markdown_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
            let path = entry.path();
            if path.is_dir() && path.extension().is_none_or(|e| e != "in") {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "md") {
                found.push(path);
            }
        }
    }
    let mut found = vec![repo().join("README.md")];
    walk(&repo().join("docs"), &mut found);
    found
}

/// GitHub's anchor of a heading: lower case, punctuation other than `-` and `_` dropped,
/// spaces as `-`.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_' || *c == ' ')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors_of(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut in_code = false;
    let mut anchors = Vec::new();
    for line in text.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        } else if !in_code && line.starts_with('#') {
            anchors.push(anchor(line.trim_start_matches('#')));
        }
    }
    anchors
}

/// `](target)` links outside code: relative ones only (web links are not checked here).
fn links_of(text: &str) -> Vec<String> {
    let mut links = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let mut rest = line;
        while let Some(start) = rest.find("](") {
            rest = &rest[start + 2..];
            let Some(end) = rest.find(')') else { break };
            let target = &rest[..end];
            if !target.contains("://") && !target.starts_with("mailto:") {
                links.push(target.to_string());
            }
            rest = &rest[end..];
        }
    }
    links
}

#[test]
fn every_relative_link_and_anchor_resolves() {
    let mut broken = Vec::new();
    for file in markdown_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        for link in links_of(&text) {
            let (path, fragment) = link.split_once('#').map_or((link.as_str(), None), |(p, f)| (p, Some(f)));
            let target = if path.is_empty() { file.clone() } else { file.parent().unwrap().join(path) };
            if !target.exists() {
                broken.push(format!("{}: {link}: no such file", file.display()));
            } else if let Some(fragment) = fragment
                && target.extension().is_some_and(|e| e == "md")
                && !anchors_of(&target).iter().any(|a| a == fragment)
            {
                broken.push(format!("{}: {link}: no such heading", file.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_link_checker_sees_links_and_anchors_as_github_does() {
    assert_eq!(links_of("see [a](x.md#b-c) and [w](https://e.org)\n```\n[no](code.md)\n```"), ["x.md#b-c"]);
    assert_eq!(anchor(" `--vm`: forks of RustPython's VM"), "--vm-forks-of-rustpythons-vm");
}

#[test]
fn the_results_page_and_readme_table_are_what_the_saved_runs_give() {
    let out = Command::new("bash")
        .arg(repo().join(".ci/results"))
        .arg("--check")
        .env("COPYLAB", copylab())
        .output()
        .expect("bash runs .ci/results");
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}
