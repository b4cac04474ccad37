//! `copylab tour`: copy.py with its explanations, the live tour of the user's own deepcopy,
//! `--why-hot`, the output formats and the errors.

use copylab_stdlib_copy::tour::{Tour, explain};

use crate::common::{copylab, stderr_of, stdout_of};

fn tour(args: &[&str]) -> std::process::Output {
    copylab().arg("tour").args(args).output().unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = tour(args);
    assert!(out.status.success(), "tour {args:?} failed:\n{}", stderr_of(&out));
    stdout_of(&out)
}

fn explained(name: &str) -> Tour {
    explain(copylab_stdlib_copy::find(name).unwrap()).unwrap()
}

/// Index of the terminal row that shows copy.py line `line`, whose code is `code`.
fn row_of(lines: &[&str], line: usize, code: &str) -> usize {
    let head = format!("{line:>4}");
    lines
        .iter()
        .position(|row| {
            // Rows end without trailing spaces, so an empty line's row is its number alone.
            row.get(1..5) == Some(head.as_str())
                && row.get(5..).unwrap_or("").strip_prefix("  ").unwrap_or("") == code.trim_end()
        })
        .unwrap_or_else(|| panic!("no row for line {line} `{code}`"))
}

/// The text with its line wrapping undone (every run of white space one space).
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The terminal's notes, each with its wrapped continuation lines (`#   ...`) joined back.
fn notes(text: &str) -> Vec<String> {
    let mut notes: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim_start) {
        if let Some(more) = line.strip_prefix("#   ") {
            if let Some(last) = notes.last_mut() {
                last.push(' ');
                last.push_str(more.trim());
            }
        } else if let Some(note) = line.strip_prefix("# ") {
            notes.push(note.trim().to_owned());
        }
    }
    notes
}

/// The first words of a paragraph, as the terminal wraps them onto the note's first line.
fn opening(paragraph: &str) -> String {
    paragraph.split_whitespace().take(4).collect::<Vec<_>>().join(" ")
}

#[test]
fn prints_all_of_copy_py_in_order_with_each_function_and_note_in_its_place() {
    let text = ok(&["--color", "never"]);
    assert!(!text.contains('\x1b'), "colours in piped output");
    let lines: Vec<&str> = text.lines().collect();
    let source = copylab_stdlib_copy::baseline().source;
    let mut previous = 0;
    for (index, code) in source.lines().enumerate() {
        let at = row_of(&lines, index + 1, code);
        assert!(at > previous || index == 0, "line {} is out of order", index + 1);
        previous = at;
    }
    let explained = explained("baseline");
    for function in &explained.functions {
        let banner = format!("== def {} (lines {}-{}) ", function.name, function.start, function.end);
        let at = lines.iter().position(|l| l.starts_with(&banner)).unwrap_or_else(|| panic!("no {banner}"));
        let def = row_of(&lines, function.start, source.lines().nth(function.start - 1).unwrap());
        assert!(at < def, "{} is explained after its def", function.name);
        assert!(lines[at + 1].starts_with(&format!("# {}", opening(&function.text[0]))), "{}", lines[at + 1]);
    }
    for note in explained.notes.values() {
        let code = source.lines().nth(note.last - 1).unwrap();
        let row = row_of(&lines, note.last, code);
        let expected = format!("# {}", opening(&note.text[0]));
        assert_eq!(lines[row + 1].trim_start().get(..expected.len()), Some(expected.as_str()), "`{}`", note.anchor);
    }
}

#[test]
fn a_variant_tour_says_what_its_patch_changes_and_marks_exactly_its_lines() {
    let variant = copylab_stdlib_copy::find("memo").unwrap();
    let text = ok(&["--variant", "memo", "--color", "never"]);
    assert!(text.contains("What the memo patch changes, and why it is safe"), "{text}");
    let explained = explained("memo");
    assert!(text.contains(&opening(&explained.variant[0])), "{text}");
    assert!(
        flat(&text).contains("`_keep_alive(x, memo)` / `return y`"),
        "the baseline note the patch displaced is named"
    );
    let marked: Vec<usize> =
        text.lines().filter(|l| l.starts_with('*')).map(|l| l[1..5].trim().parse().unwrap()).collect();
    assert_eq!(marked, variant.changed_lines());
    // The seed's question about binding is answered in that variant's tour.
    let binding = ok(&["--variant", "binding", "--color", "never"]);
    assert!(flat(&binding).contains("how can we be sure we are not skipping it?"), "{binding}");
}

#[test]
fn live_tour_shows_memo_entries_the_reduce_tuple_and_the_keep_alive_list() {
    let code = "import copy\nclass P:\n    def __init__(self, x):\n        self.x = x\n\
                shared = [1]\nresult = copy.deepcopy({'a': shared, 'b': shared, 'p': P(2)})\n";
    let text = ok(&["-c", code, "--color", "never"]);
    let notes = notes(&text);
    let lives: Vec<&str> = notes.iter().filter_map(|l| l.strip_prefix("live: ")).collect();
    assert!(lives[0].starts_with("deepcopy(dict 0x") && lives[0].ends_with("from <string>:6"), "{lives:?}");
    // Memo entries as they appear: each store says how many entries the memo holds now.
    let sizes: Vec<u64> = lives
        .iter()
        .filter(|l| l.starts_with("memo[0x"))
        .map(|l| l.rsplit("the memo now holds ").next().unwrap().split(' ').next().unwrap().parse().unwrap())
        .collect();
    assert!(sizes.len() >= 4 && sizes.windows(2).all(|w| w[0] <= w[1]), "{sizes:?}");
    // The shared list is copied once, then found in the memo.
    assert_eq!(lives.iter().filter(|l| l.starts_with("memo hit: already copied, returns list 0x")).count(), 1);
    let reduce = lives.iter().find(|l| l.starts_with("reduce tuple: ")).expect("a reduce tuple");
    assert!(reduce.contains("func=copyreg.__newobj__") && reduce.contains("state={'x': 2}"), "{reduce}");
    // The keep-alive list grows by one original per memoized object, in order.
    let kept: Vec<&str> = lives.iter().filter_map(|l| l.split("keep-alive list: [").nth(1)).collect();
    assert!(kept.len() >= 3, "{lives:?}");
    assert!(kept[0].starts_with("list 0x") && kept[1].starts_with("list 0x"), "{kept:?}");
    assert!(kept.last().unwrap().contains("dict 0x"), "the outermost dict is kept last: {kept:?}");
    // Each line's explanation comes once, after its first step; each function's once.
    let baseline = explained("baseline");
    let dispatch = baseline.notes.values().find(|n| n.anchor == "copier = _deepcopy_dispatch.get(cls)").unwrap();
    assert_eq!(text.matches(&opening(&dispatch.text[0])).count(), 1, "{text}");
    assert_eq!(text.matches("== def deepcopy (lines").count(), 1);
    // A step whose reason lives at another line brings that line's explanation, once.
    for (why, anchor) in [("`d = id(x)`", "d = id(x)"), ("`_keep_alive(x, memo)`", "_keep_alive(x, memo)")] {
        let reasons: Vec<&String> = notes.iter().filter(|n| n.starts_with("Why (line ") && n.contains(why)).collect();
        assert_eq!(reasons.len(), 1, "{why}: {reasons:?}");
        let note = baseline.notes.values().find(|n| n.anchor.ends_with(anchor)).unwrap();
        assert!(reasons[0].starts_with(&format!("Why (line {}, {why}): {}", note.first, opening(&note.text[0]))));
    }
    assert!(notes.iter().any(|n| n.starts_with("Why (line ") && n.contains("`_atomic_types = {...}`")), "{notes:?}");
    assert!(text.contains("deepcopy calls") && text.contains("routes: "), "{text}");
}

#[test]
fn why_hot_measures_the_hot_lines_and_the_call_paths_now() {
    let text = ok(&["--why-hot", "--workload", "deepcopy_memo", "--loops", "20", "--top", "3", "--color", "never"]);
    assert!(flat(&text).contains("run just now on workload deepcopy_memo (trio), 20 calls each"), "{text}");
    let notes = notes(&text);
    let shares: Vec<f64> = notes
        .iter()
        .filter_map(|l| l.strip_prefix("measured now: "))
        .filter_map(|l| l.split("% of copy.py's time").next()?.rsplit(' ').next()?.parse().ok())
        .collect();
    assert!(shares.len() >= 3 && shares.iter().sum::<f64>() <= 100.5, "{shares:?}");
    assert!(text.contains("# measured now: #1 hottest, "), "{text}");
    assert!(text.contains("found before: docs/vm-patches.md"), "{text}");
    // The probes beside `y = copier(x, memo)`: leaving a default costs an allocation that a call
    // filling every parameter does not (RustPython 0.6's general call path).
    let per_op = |what: &str| -> (f64, f64) {
        let line = notes.iter().find(|l| l.contains(what)).unwrap_or_else(|| panic!("no probe `{what}`:\n{text}"));
        let numbers: Vec<f64> =
            line.rsplit(": ").next().unwrap().split_whitespace().filter_map(|w| w.parse().ok()).collect();
        (numbers[0], numbers[1])
    };
    let (_, default_allocs) = per_op("leaves its third parameter to a default:");
    let (_, exact_allocs) = per_op("with exactly two parameters:");
    assert!(default_allocs > exact_allocs, "{default_allocs} vs {exact_allocs}");
    let (get_ns, get_allocs) = per_op("table.get(cls), a native method call");
    let (contains_ns, contains_allocs) = per_op("cls in table, the same dict lookup");
    assert!(
        get_allocs > contains_allocs && get_ns > contains_ns,
        "{get_ns} {get_allocs} {contains_ns} {contains_allocs}"
    );
    per_op("f() of an empty function");
}

#[test]
fn markdown_and_html_carry_the_same_tour_and_html_needs_no_network() {
    let markdown = ok(&["--format", "markdown"]);
    assert!(markdown.contains("### `def deepcopy` (lines "), "{markdown}");
    assert!(markdown.contains("```python\n"));
    assert_eq!(markdown.matches("```python\n").count(), markdown.matches("\n```\n").count());

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tour.html");
    let out = tour(&["--format", "html", "-o", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stdout_of(&out).is_empty() && stderr_of(&out).contains("wrote "));
    let page = std::fs::read_to_string(&file).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
    assert!(page.contains("<style>") && page.contains("<td class=\"c\">def deepcopy(x, memo=None, _nil=[]):</td>"));
    for external in ["<script", "<link", "src=", "href=", "url(", "@import"] {
        assert!(!page.contains(external), "the page loads something: {external}");
    }
}

#[test]
fn colours_only_when_asked_or_on_a_terminal() {
    let coloured = ok(&["--color", "always"]);
    assert!(coloured.contains("\x1b[36m# "), "explanations are coloured");
    let piped = ok(&[]);
    assert!(!piped.contains('\x1b'), "piped output is plain");
    assert!(!ok(&["--color", "always", "--format", "markdown"]).contains('\x1b'), "Markdown is never coloured");
}

#[test]
fn bad_input_gets_a_clear_error_and_a_non_zero_exit() {
    let out = tour(&["--variant", "turbo"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("valid variants: baseline"), "{}", stderr_of(&out));

    let out = tour(&["-c", "import copy; copy.deepcopy([1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr_of(&out).contains("SyntaxError"), "{}", stderr_of(&out));
    assert!(stdout_of(&out).is_empty(), "no tour for a program that never ran");

    let out = tour(&["--expr", "[1,"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("is not a Python expression"), "{}", stderr_of(&out));

    let out = tour(&["--format", "html", "-o", "/nonexistent-copylab-dir/tour.html"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("cannot write /nonexistent-copylab-dir/tour.html"), "{}", stderr_of(&out));

    let out = tour(&["--why-hot", "--workload", "nosuch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("unknown workload 'nosuch'"), "{}", stderr_of(&out));

    let out = tour(&["-c", "import copy; copy.deepcopy(1); raise SystemExit(3)"]);
    assert_eq!(out.status.code(), Some(3), "the program's own exit status");
}

#[test]
fn every_example_in_help_works() {
    let help = ok(&["--help"]);
    let examples: Vec<String> = help
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("copylab tour"))
        .map(|l| l.split("   ").next().unwrap().trim().to_owned())
        .collect();
    assert!(examples.len() >= 8, "{help}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("script.py"), "import copy\ncopy.deepcopy({'k': [1]})\n").unwrap();
    let binary = assert_cmd::cargo::cargo_bin("copylab");
    for example in examples {
        let command = example.replacen("copylab", &binary.display().to_string(), 1);
        // An example that redirects its own output keeps its redirection.
        let command = if command.contains(" > ") { command } else { format!("{command} > out.txt") };
        let _ = std::fs::remove_file(dir.path().join("out.txt"));
        let out = std::process::Command::new("sh")
            .args(["-c", &format!("timeout 300 {command}")])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "`{example}` failed:\n{}", stderr_of(&out));
        let made = ["tour.html", "fastpath.md"].iter().find(|f| example.contains(*f)).copied().unwrap_or("out.txt");
        let written = std::fs::read_to_string(dir.path().join(made)).unwrap();
        assert!(!written.trim().is_empty(), "`{example}` wrote nothing to {made}");
    }
    assert!(std::fs::read_to_string(dir.path().join("fastpath.md")).unwrap().contains("What the fastpath patch"));
}
