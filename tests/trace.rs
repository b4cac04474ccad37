//! `copylab trace`: the steps deepcopy takes, with the copy.py lines that take them.

use crate::common::{copylab, fixture, stderr_of, stdout_of};
use predicates::prelude::*;

/// One rendered step: `*` marker, copy.py line (None for an outermost call), depth, text.
#[derive(Debug)]
struct Step {
    changed: bool,
    line: Option<usize>,
    depth: usize,
    text: String,
}

/// Steps are `{marker}{line:>4}  {indent}{text}`; the summary follows a blank line.
fn steps(stdout: &str) -> Vec<Step> {
    stdout
        .lines()
        .take_while(|row| !row.is_empty())
        .map(|row| {
            let (head, rest) = row.split_at(7);
            let indent = rest.len() - rest.trim_start().len();
            Step {
                changed: head.starts_with('*'),
                line: head[1..5].trim().parse().ok(),
                depth: indent / 2,
                text: rest.trim_start().to_owned(),
            }
        })
        .collect()
}

/// 1-based number of the first line of `source` after line `after` whose code (comment
/// stripped) is `code`.
fn line_of(source: &str, after: usize, code: &str) -> usize {
    source
        .lines()
        .enumerate()
        .skip(after)
        .find(|(_, text)| text.split(" #").next().unwrap_or("").trim() == code)
        .map_or_else(|| panic!("no line `{code}` after line {after}"), |(index, _)| index + 1)
}

fn baseline() -> &'static str {
    copylab_stdlib_copy::find("baseline").unwrap().source
}

fn def_line(source: &str, function: &str) -> usize {
    let def = format!("def {function}(");
    source.lines().position(|l| l.starts_with(&def)).map_or_else(|| panic!("no {def}"), |i| i + 1)
}

fn trace(args: &[&str]) -> std::process::Output {
    copylab().arg("trace").args(args).output().unwrap()
}

#[test]
fn list_takes_the_dispatch_copier_and_ints_the_atomic_fast_path() {
    let out = trace(&["--expr", "[1, [2]]"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let source = baseline();
    let deepcopy = def_line(source, "deepcopy");
    let dispatch = line_of(source, deepcopy, "copier = _deepcopy_dispatch.get(cls)");
    let atomic = line_of(source, deepcopy, "return x");
    let list_copier = def_line(source, "_deepcopy_list");
    let item = line_of(source, list_copier, "append(deepcopy(a, memo))");
    let store = line_of(source, list_copier, "memo[id(x)] = y");

    let steps = steps(&stdout_of(&out));
    let first = &steps[0];
    assert_eq!((first.line, first.depth), (None, 0), "{steps:#?}");
    assert!(first.text.starts_with("deepcopy(list 0x") && first.text.contains("[1, [2]]"), "{first:?}");
    assert!(first.text.ends_with("from <expr>:1"), "{first:?}");

    let dispatches: Vec<_> = steps.iter().filter(|s| s.text.starts_with("dispatch:")).collect();
    assert_eq!(dispatches.len(), 2, "{steps:#?}");
    assert!(dispatches.iter().all(|s| s.line == Some(dispatch)), "{dispatches:?}");
    assert!(dispatches[0].text.contains("_deepcopy_dispatch[list] is copy._deepcopy_list"));
    assert_eq!(dispatches[1].depth, 2);

    let items: Vec<_> = steps.iter().filter(|s| s.text.ends_with("[list item]")).collect();
    assert_eq!(items.len(), 3, "{steps:#?}");
    assert!(items.iter().all(|s| s.line == Some(item)));
    assert!(items[0].text.starts_with("deepcopy(int 0x") && items[0].text.contains(" 1)"), "{:?}", items[0]);

    let atomics: Vec<_> = steps.iter().filter(|s| s.text.starts_with("atomic: int")).collect();
    assert_eq!(atomics.len(), 2, "{steps:#?}");
    assert!(atomics.iter().all(|s| s.line == Some(atomic)), "{atomics:?}");
    // The int is one level below the call that copies it.
    assert_eq!(atomics[0].depth, items[0].depth + 1);

    assert!(steps.iter().any(|s| s.line == Some(store) && s.text.starts_with("memo[0x")), "{steps:#?}");
    assert!(steps.iter().all(|s| !s.changed), "the baseline changes no line");
    assert!(stdout_of(&out).contains("4 deepcopy calls"), "{}", stdout_of(&out));
}

#[test]
fn reduce_and_setstate_class_shows_the_reduce_tuple_and_the_setstate_step() {
    let out = copylab().arg("trace").arg(fixture("reduce_setstate.py")).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let stdout = stdout_of(&out);
    assert!(stdout.starts_with("copied: 1 ['a']\n"), "the program's own output comes first: {stdout}");
    let source = baseline();
    let deepcopy = def_line(source, "deepcopy");
    let reconstruct = def_line(source, "_reconstruct");
    let steps = steps(stdout.split_once('\n').unwrap().1);

    let route = steps.iter().find(|s| s.text.starts_with("__reduce_ex__(4)")).expect("a reduce route");
    assert_eq!(route.line, Some(line_of(source, deepcopy, r#"reductor = getattr(x, "__reduce_ex__", None)"#)));
    assert!(route.text.contains("object.__reduce_ex__ calls Point.__reduce__"), "{route:?}");
    let reduced = steps.iter().find(|s| s.text.starts_with("reduce tuple:")).expect("the reduce tuple");
    assert_eq!(reduced.line, Some(line_of(source, deepcopy, "rv = reductor(4)")));
    assert_eq!(reduced.text, "reduce tuple: func=Point, args=(1, None), state={'tags': ['a']}");

    let construct = steps.iter().find(|s| s.text.starts_with("y = Point(*args)")).expect("the constructor call");
    assert_eq!(construct.line, Some(line_of(source, reconstruct, "y = func(*args)")));
    let state = steps.iter().find(|s| s.text.ends_with("[state]")).expect("the state copy");
    assert_eq!(state.line, Some(line_of(source, reconstruct, "state = deepcopy(state, memo)")));
    let setstate = steps.iter().find(|s| s.text.starts_with("y.__setstate__(")).expect("the __setstate__ step");
    assert_eq!(setstate.line, Some(line_of(source, reconstruct, "y.__setstate__(state)")));
    assert_eq!(setstate.text, "y.__setstate__({'tags': ['a']})");
    let order: Vec<_> = [route, reduced, construct, state, setstate]
        .iter()
        .map(|s| steps.iter().position(|t| std::ptr::eq(t, *s)).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "steps out of order: {order:?}");
}

#[test]
fn fastpath_marks_the_changed_lines_it_runs() {
    let setup = "class C:\n    def __init__(self):\n        self.a = [1]\n";
    let out = trace(&["--variant", "fastpath", "-c", setup, "--expr", "C()"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let source = copylab_stdlib_copy::find("fastpath").unwrap().source.lines().collect::<Vec<_>>();
    let steps = steps(&stdout_of(&out));
    let marked: Vec<_> = steps.iter().filter(|s| s.changed).collect();
    assert!(!marked.is_empty(), "no marked line: {steps:#?}");
    for step in &marked {
        let line = step.line.expect("a marked step has a line");
        // A statement may span lines; its first line carries the comment.
        assert!(source[line - 1].contains("# fastpath"), "line {line} `{}` is not a fastpath line", source[line - 1]);
        assert!(step.text.contains("# fastpath"), "the variant's comment is shown: {step:?}");
    }
    // The same copy under the baseline goes through _reconstruct, with nothing marked.
    let base = trace(&["-c", setup, "--expr", "C()"]);
    let base_steps = self::steps(&stdout_of(&base));
    assert!(base_steps.iter().all(|s| !s.changed));
    assert!(base_steps.iter().any(|s| s.text == "_reconstruct(x, memo, *rv)"), "{base_steps:#?}");
    assert!(steps.iter().all(|s| s.text != "_reconstruct(x, memo, *rv)"), "fastpath skips _reconstruct");
}

#[test]
fn a_shared_object_is_a_memo_hit() {
    let out = trace(&["-c", "shared = [1]", "--expr", "[shared, shared]"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let source = baseline();
    let lookup = line_of(source, def_line(source, "deepcopy"), "y = memo.get(d, _nil)");
    let steps = steps(&stdout_of(&out));
    let hits: Vec<_> = steps.iter().filter(|s| s.text.starts_with("memo hit: already copied")).collect();
    assert_eq!(hits.len(), 1, "{steps:#?}");
    assert_eq!(hits[0].line, Some(lookup));
    assert!(stdout_of(&out).contains("memo 1"), "the summary counts the hit: {}", stdout_of(&out));
}

#[test]
fn json_lines_parse_and_match_the_text() {
    let out = trace(&["--json", "--expr", "{'a': (1, [])}"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let events: Vec<serde_json::Value> = stdout_of(&out)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("not JSON ({err}): {line}")))
        .collect();
    let (summary, steps) = events.split_last().unwrap();
    assert_eq!(summary["kind"], "summary");
    assert_eq!(summary["steps"].as_u64(), Some(steps.len() as u64));
    // The dict, its value (the tuple), the tuple's two items, and the key.
    assert_eq!(summary["deepcopy_calls"].as_u64(), Some(5), "{summary}");
    for (index, step) in steps.iter().enumerate() {
        assert_eq!(step["step"].as_u64(), Some(index as u64));
        assert!(step["line"].is_null() || step["line"].is_u64(), "{step}");
        assert!(step["depth"].is_u64() && step["text"].is_string() && step["changed"].is_boolean(), "{step}");
    }
    let first = &steps[0];
    assert_eq!(
        (first["kind"].as_str(), first["type"].as_str(), first["depth"].as_u64()),
        (Some("deepcopy"), Some("dict"), Some(0))
    );
    assert!(first["id"].is_u64());
    let routes: Vec<_> = steps.iter().filter(|s| s["kind"] == "route").map(|s| s["route"].as_str().unwrap()).collect();
    assert_eq!(routes.iter().filter(|r| **r == "dispatch").count(), 3, "{routes:?}");
    let text = trace(&["--expr", "{'a': (1, [])}"]);
    assert_eq!(self::steps(&stdout_of(&text)).len(), steps.len(), "text and JSON show the same steps");
}

#[test]
fn output_file_gets_the_trace() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trace.txt");
    let out = copylab().args(["trace", "--expr", "[1]", "-o"]).arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("dispatch: _deepcopy_dispatch[list]"), "{text}");
}

#[test]
fn max_steps_cuts_the_trace_and_says_so() {
    let out = trace(&["--max-steps", "3", "--expr", "[[1], [2], [3]]"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(steps(&stdout_of(&out)).len(), 3);
    assert!(stdout_of(&out).contains("steps not shown (raise --max-steps to see them)"), "{}", stdout_of(&out));
}

#[test]
fn an_uncopyable_object_shows_where_it_raised_and_exits_1() {
    let setup = "class Bad:\n    def __reduce_ex__(self, protocol):\n        raise TypeError('no copies')\n";
    let out =
        copylab().args(["trace", "-c", &format!("{setup}import copy\ncopy.deepcopy([Bad()])\n")]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("TypeError: no copies"), "the traceback: {}", stderr_of(&out));
    let steps = steps(&stdout_of(&out));
    let raises: Vec<_> = steps.iter().filter(|s| s.text == "raises TypeError: no copies").collect();
    assert_eq!(raises.len(), 2, "both deepcopy calls unwind: {steps:#?}");
}

#[test]
fn program_exit_status_passes_through() {
    copylab()
        .args(["trace", "-c", "import copy, sys; copy.deepcopy([sys.argv[1]]); sys.exit(4)", "arg"])
        .assert()
        .code(4)
        .stdout(predicate::str::contains("deepcopy(str 0x").and(predicate::str::contains("'arg'")));
}

#[test]
fn expr_that_raises_is_an_error() {
    copylab()
        .args(["trace", "--expr", "1 / 0"])
        .assert()
        .code(1)
        .stdout("")
        .stderr("copylab: error: --expr `1 / 0` raised ZeroDivisionError: division by zero\n");
}

#[test]
fn expr_that_does_not_parse_is_a_usage_error() {
    copylab()
        .args(["trace", "--expr", "[1,"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("copylab: error: --expr `[1,` is not a Python expression"));
}

#[test]
fn bad_input_is_reported_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["--expr".into(), "1".into(), "--variant".into(), "turbo".into()], "unknown variant `turbo`"),
        (vec!["/no/such/script.py".into()], "can't open file '/no/such/script.py'"),
        (
            vec!["--expr".into(), "1".into(), "-o".into(), "/no/such/dir/t.txt".into()],
            "cannot write /no/such/dir/t.txt",
        ),
        (vec!["--expr".into(), "1".into(), "-o".into(), dir.path().display().to_string()], "it is a directory"),
        (vec!["--json".into()], "give a SCRIPT, -c CODE or --expr EXPR"),
    ];
    for (args, message) in cases {
        let out = copylab().arg("trace").args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr_of(&out));
        assert!(stderr_of(&out).contains(message), "{args:?}: {}", stderr_of(&out));
        assert!(!stderr_of(&out).contains("panicked"), "{args:?}");
    }
}

#[test]
fn cam_memo_is_traced_too() {
    let out = trace(&["--memo", "cam", "--expr", "[[1]]"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let steps = steps(&stdout_of(&out));
    assert!(steps[0].text.contains("memo: CamMemo"), "{steps:#?}");
    assert!(!steps.iter().any(|s| s.text.starts_with("memo is None")), "the CAM memo is passed in: {steps:#?}");
}

/// `0x7f...` object ids differ run to run; the rest of a trace is deterministic.
pub(crate) fn mask_addresses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("0x") {
        out.push_str(&rest[..start]);
        let digits = rest[start + 2..].chars().take_while(char::is_ascii_hexdigit).count();
        out.push_str(if digits > 0 { "0xADDR" } else { "0x" });
        rest = &rest[start + 2 + digits..];
    }
    out.push_str(rest);
    out
}

/// The whole rendered trace of a small nested list, as a user reads it.
#[test]
fn nested_list_trace_snapshot() {
    let out = trace(&["--expr", "[1, [2], (3, [4])]"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    insta::assert_snapshot!("trace_nested_list", mask_addresses(&stdout_of(&out)));
}

/// Every variant's trace of the same value, as a user reads it: a patch that renames what the
/// step tracer keys on (stdlib-copy/src/trace_spelling.rs) shows up here as a changed trace.
#[test]
fn variant_traces_snapshot() {
    for variant in ["binding", "fastpath", "memo", "merged"] {
        let out = trace(&[
            "--variant",
            variant,
            "-c",
            "class Point:\n    def __init__(self):\n        self.at = [1, 2]",
            "--expr",
            "[Point(), (1, [2]), {'k': [3]}]",
        ]);
        assert!(out.status.success(), "{variant}: {}", stderr_of(&out));
        insta::assert_snapshot!(format!("trace_{variant}"), mask_addresses(&stdout_of(&out)));
    }
}
