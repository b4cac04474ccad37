//! `decimal` under copylab: RustPython has no C `_decimal`, so `decimal` is CPython's
//! `_pydecimal`, served with vm-patches/pylib-patches/_pydecimal.patch (docs/run.md says why).
//! These tests pin what the patch fixes against CPython's C decimal, that CPython's own
//! test_decimal fails nothing on the patched module that it passes on RustPython's unpatched
//! one, and that pyperformance's decimal_factorial, which failed with MemoryError, runs.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::{copylab, fixture, pyperformance_compat_table, python3_output, stderr_of, stdout_of};
use crate::conformance::{Suite, suites};

/// What tests/fixtures/decimal_max_prec.py prints under CPython 3.11's C decimal.
const MAX_PREC_OUTPUT: &str = "\
5 1 (Decimal('3'), Decimal('1')) 1
-1 0
digits 9131
exact True
quotient 3000
Wilson 3000
sum 2 0
int True hash True
ratio True fma True
against int True True True
str(int) over the limit: ValueError
";

#[test]
fn decimal_at_max_prec_computes_what_c_decimal_computes() {
    let program = fixture("decimal_max_prec.py");
    // The reference is libmpdec, not another _pydecimal.
    assert_eq!(python3_output("import decimal, _decimal; print(decimal.Decimal is _decimal.Decimal)"), "True");
    let cpython = assert_cmd::Command::new("python3").arg(&program).output().unwrap();
    assert!(cpython.status.success(), "{}", stderr_of(&cpython));
    assert_eq!(stdout_of(&cpython), MAX_PREC_OUTPUT);

    let out = copylab().arg("run").arg(&program).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), MAX_PREC_OUTPUT);
}

/// The patch's helpers agree with the expressions they replace (`q < 10**e`, `str(n)`,
/// `int(s)`) at every boundary, past the int/str limit, which stays where it was.
#[test]
fn the_patchs_helpers_agree_with_what_they_replace() {
    let out = copylab().arg("run").arg(fixture("decimal_patch_helpers.py")).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(
        stdout_of(&out),
        "below_power_of_ten 3493 cases\n\
         digits round trip 31 numbers, limit still 4300\n\
         bad digits: invalid literal for int() with base 10: '12x4'\n"
    );
}

/// `decimal` is the served module, and a traceback through it shows its source lines.
#[test]
fn decimal_is_the_patched_pydecimal_with_its_lines_in_tracebacks() {
    let out = copylab()
        .args(["run", "-c", "import decimal\nprint(decimal.__file__)\ndecimal.Decimal(1) / 0"])
        .output()
        .unwrap();
    assert_eq!(stdout_of(&out), "<copylab:patched>/_pydecimal.py\n");
    let stderr = stderr_of(&out);
    assert!(stderr.contains("File \"<copylab:patched>/_pydecimal.py\", line "), "{stderr}");
    assert!(stderr.contains("    return context._raise_error(DivisionByZero, 'x / 0', sign)\n"), "{stderr}");
    assert!(stderr.trim_end().ends_with("decimal.DivisionByZero: x / 0"), "{stderr}");
    assert_eq!(out.status.code(), Some(1));
}

/// The `FAIL:`/`ERROR:` test names of one run of `suite`'s test_decimal under copylab, on the
/// served (patched) or the frozen (RustPython's unpatched) `_pydecimal`.
fn failing_tests(suite: &Suite, arm: &str) -> BTreeSet<String> {
    let test_decimal = suite.test_file("test_decimal.py");
    // import_fresh_module turns the frozen importer off while test_decimal imports `decimal`,
    // so the stdlib that copylab's RustPython ships (rustpython-pylib's Lib) goes on the path
    // after the suite's `test` package, as CPython's own Lib is on CPython's.
    let pylib = Path::new(copylab_stdlib_copy::upstream_path()).parent().unwrap();
    let path = std::env::join_paths([suite.dir.as_path(), pylib]).unwrap();
    let out = copylab()
        .env("PYTHONPATH", path)
        .arg("run")
        .arg(fixture("test_decimal_on.py"))
        .arg(arm)
        .arg(&test_decimal)
        .output()
        .unwrap();
    // 3.11's runner prints its results to stdout, 3.13's and 3.14's to stderr.
    let text = stdout_of(&out) + &stderr_of(&out);
    let version = suite.version;
    let origin = if arm == "served" { "<copylab:patched>/_pydecimal.py" } else { "frozen" };
    assert!(text.contains(&format!("_pydecimal: {origin}\n")), "{version} {arm}: {text}");
    let ran: usize = text
        .lines()
        .find_map(|line| line.strip_prefix("Ran ")?.split(' ').next()?.parse().ok())
        .unwrap_or_else(|| panic!("{version} {arm}: no `Ran N tests` line: {text}"));
    assert!(ran >= 300, "{version} {arm}: only {ran} tests ran: {text}");
    text.lines()
        .filter_map(|line| line.strip_prefix("FAIL: ").or_else(|| line.strip_prefix("ERROR: ")))
        .map(str::to_owned)
        .collect()
}

/// test_decimal fails nothing on the patched module that it passes on the unpatched one.
fn assert_no_new_failures(suite: &Suite) -> (BTreeSet<String>, BTreeSet<String>) {
    let served = failing_tests(suite, "served");
    let frozen = failing_tests(suite, "frozen");
    let new: Vec<_> = served.difference(&frozen).collect();
    assert!(new.is_empty(), "CPython {}'s test_decimal fails only with the patch: {new:?}", suite.version);
    (served, frozen)
}

#[test]
fn cpython_311_test_decimal_fails_nothing_new_on_the_patched_module() {
    assert_no_new_failures(&suites()[0]);
}

#[test]
fn cpython_313_test_decimal_fails_nothing_new_on_the_patched_module() {
    assert_no_new_failures(&suites()[1]);
}

/// 3.14's test_decimal has upstream's test of the fix (CPython gh-140036), which RustPython's
/// unpatched `_pydecimal` fails (MemoryError) and the patched one passes.
#[test]
fn cpython_314_test_decimal_fails_nothing_new_and_passes_upstreams_test_of_the_fix() {
    let (served, frozen) = assert_no_new_failures(&suites()[2]);
    let upstream_test = "test_divide_unbound_context (__main__.PyCoverage.test_divide_unbound_context)";
    assert!(frozen.contains(upstream_test), "{frozen:?}");
    assert!(!served.contains(upstream_test), "{served:?}");
}

/// pyperformance's decimal_factorial failed under copylab with MemoryError in `_pydecimal._divide`
/// (the report); through the compatibility-table command it now runs on both.
#[test]
fn pyperformance_decimal_factorial_runs_under_copylab() {
    let table = pyperformance_compat_table("decimal_factorial", 300);
    assert!(table.contains("| all | **1 of 1 ok** | **1 of 1 ok** |"), "{table}");
}
