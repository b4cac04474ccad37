//! The `native` variant (deepcopy in Rust inside the VM) against the baseline on the
//! behaviour its design must keep: what hooks see in the memo, the order of user-visible
//! calls, patched helpers and registries, errors, odd call shapes (tests/py/
//! native_semantics.py), plus deep recursion and the CPython fallback.

use crate::common::{copylab, stderr_of, stdout_of};

fn run(args: &[&str], script: &str) -> String {
    let out = copylab().arg("run").args(args).arg(script).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", stderr_of(&out));
    stdout_of(&out)
}

pub(crate) fn semantics_script() -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/native_semantics.py").display().to_string()
}

#[test]
fn native_is_observably_the_baseline() {
    let script = semantics_script();
    let baseline = run(&["--variant", "baseline"], &script);
    assert!(baseline.contains("hook views") && baseline.contains("no args TypeError"), "{baseline}");
    for memo in [&["--memo", "dict"][..], &["--memo", "cam", "--cam-entries", "4"][..]] {
        let args: Vec<&str> = ["--variant", "native"].iter().chain(memo).copied().collect();
        assert_eq!(run(&args, &script), baseline, "{args:?}");
    }
}

/// What `print(EXPR)` shows under `native`, after `import copy`.
fn native_print(expr: &str) -> String {
    let code = format!("import copy, inspect, pickle, types, weakref\nprint({expr})");
    let out = copylab().args(["run", "--variant", "native", "-c", &code]).output().unwrap();
    assert!(out.status.success(), "{expr}: {}", stderr_of(&out));
    stdout_of(&out).trim_end().to_owned()
}

#[test]
fn copy_deepcopy_is_the_native_one_and_wraps_the_python_one() {
    assert_eq!(native_print("isinstance(copy.deepcopy, types.FunctionType)"), "False");
    assert_eq!(native_print("isinstance(copy.deepcopy.__wrapped__, types.FunctionType)"), "True");
    assert_eq!(native_print("hasattr(copy, '_native_deepcopy')"), "False");
}

#[test]
fn native_deepcopy_has_the_python_functions_name_qualname_and_module() {
    let names = "copy.deepcopy.__name__, copy.deepcopy.__qualname__, copy.deepcopy.__module__";
    assert_eq!(native_print(names), "deepcopy deepcopy copy");
}

#[test]
fn native_deepcopy_has_copy_pys_docstring() {
    let doc = native_print("copy.deepcopy.__doc__");
    assert!(doc.starts_with("Deep copy operation on arbitrary Python objects."), "{doc}");
    assert_eq!(native_print("copy.deepcopy.__doc__ == copy.deepcopy.__wrapped__.__doc__"), "True");
}

#[test]
fn inspect_reads_native_deepcopys_signature_as_copy_pys() {
    assert_eq!(native_print("inspect.signature(copy.deepcopy)"), "(x, memo=None, _nil=[])");
}

#[test]
fn native_deepcopy_pickles_by_reference() {
    // Protocol 0 is text: the pickle names the global `copy.deepcopy` and nothing else.
    assert_eq!(native_print("pickle.dumps(copy.deepcopy, 0)"), r"b'ccopy\ndeepcopy\np0\n.'");
    for protocol in 0..=5 {
        let round_trip = format!("pickle.loads(pickle.dumps(copy.deepcopy, {protocol})) is copy.deepcopy");
        assert_eq!(native_print(&round_trip), "True", "protocol {protocol}");
    }
}

#[test]
fn native_deepcopy_is_its_own_copy_and_weakly_referenceable_like_a_function() {
    let same = "copy.copy(copy.deepcopy) is copy.deepcopy, copy.deepcopy(copy.deepcopy) is copy.deepcopy, \
                weakref.ref(copy.deepcopy)() is copy.deepcopy";
    assert_eq!(native_print(same), "True True True");
}

#[test]
fn native_deepcopys_repr_is_a_builtin_functions() {
    assert_eq!(native_print("repr(copy.deepcopy)"), "<built-in function deepcopy>");
}

/// `sys.setrecursionlimit` bounds a native copy as it bounds copy.py's frames: the same
/// `RecursionError` text, a copy within the limit still made, and a limit set mid-program
/// taking effect at once (the native copier keeps no Python frames to count).
#[test]
fn the_recursion_limit_stops_native_where_it_stops_copy_py() {
    let code = "
import copy, sys
def nest(n):
    x = []
    for _ in range(n):
        x = [x]
    return x
sys.setrecursionlimit(100)
for depth in (20, 200):
    try:
        copy.deepcopy(nest(depth))
        print(depth, 'copied')
    except RecursionError as e:
        print(depth, 'RecursionError', repr(str(e)))
class Runaway:
    def __reduce_ex__(self, proto):
        return (Runaway, (Runaway(),))
sys.setrecursionlimit(1000)
try:
    copy.deepcopy(Runaway())
except RecursionError as e:
    print('runaway', repr(str(e)))
";
    let outputs: Vec<String> = ["baseline", "native"]
        .iter()
        .map(|variant| {
            let out = copylab().args(["run", "--variant", variant, "-c", code]).output().unwrap();
            assert!(out.status.success(), "{variant}: {}", stderr_of(&out));
            stdout_of(&out)
        })
        .collect();
    assert!(outputs[0].contains("20 copied") && outputs[0].contains("200 RecursionError"), "{}", outputs[0]);
    assert_eq!(outputs[1], outputs[0], "native against baseline");
}

#[test]
fn deep_nesting_is_a_recursion_error_not_a_crash() {
    let code = "import copy\nx = []\nfor _ in range(3_000_000):\n    x = [x]\n\
                try:\n    copy.deepcopy(x)\nexcept RecursionError:\n    print('RecursionError')\n\
                while x:\n    x = x.pop()\n";
    let out = copylab().args(["run", "--variant", "native", "-c", code]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out).trim(), "RecursionError");
}

#[test]
fn under_cpython_the_native_source_keeps_the_python_deepcopy() {
    let source = copylab().args(["variants", "show", "native"]).output().unwrap();
    assert!(source.status.success());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("copy.py"), &source.stdout).unwrap();
    let out = std::process::Command::new("python3")
        .current_dir(dir.path())
        .args([
            "-c",
            "import copy, types; assert isinstance(copy.deepcopy, types.FunctionType); \
                      print(copy.deepcopy({'a': [1, (2, [3])]}))",
        ])
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "{'a': [1, (2, [3])]}");
}

#[test]
fn trace_shows_native_calls_as_such_and_python_fallbacks_inside_them() {
    // A __deepcopy__ hook is Python: the nested deepcopy it makes enters native code again.
    let code = "import copy\n\
                class Hook:\n    def __init__(self):\n        self.items = [1, 2]\n    \
                def __deepcopy__(self, memo):\n        return copy.deepcopy(self.items, memo)\n\
                copy.deepcopy([Hook()])\n";
    let out = copylab().args(["trace", "--variant", "native", "--json", "-c", code]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let events: Vec<serde_json::Value> =
        stdout_of(&out).lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    let native: Vec<&serde_json::Value> = events.iter().filter(|e| e["kind"] == "native").collect();
    assert_eq!(native.len(), 2, "outermost call and the hook's call: {events:?}");
    assert_eq!(native[0]["type"], "list");
    assert_eq!(native[1]["type"], "list");
    assert_eq!(native[0]["caller"], "<string>:7", "the program's call");
    assert_eq!(native[1]["caller"], "<string>:6", "the hook's call, made from inside native code");
    let summary = events.last().unwrap();
    assert_eq!(summary["deepcopy_calls"], 2);
    assert_eq!(summary["routes"]["native"], 2);
}

#[test]
fn profile_explains_that_native_code_has_no_copy_py_lines() {
    let out = copylab()
        .args([
            "profile",
            "--variant",
            "native",
            "--no-compare",
            "-c",
            "import copy\nfor _ in range(50): copy.deepcopy({'a': [1]})",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("copylab's native (Rust) code"), "{}", stdout_of(&out));
}
