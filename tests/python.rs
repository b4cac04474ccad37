//! copylab as a drop-in `python`: CPython's command line after `copylab run`'s own options,
//! child interpreters that inherit the copy.py selection, pyperf and pyperformance hosted
//! end to end, and `bench --script`.

use crate::common::{
    copylab, fixture, pyperf_site_packages, pyperformance_compat_table, python3_output, stderr_of, stdout_of,
};
use predicates::prelude::*;

#[test]
fn module_mode_runs_through_runpy_with_argv_and_cwd_on_sys_path() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mymod.py"), "import sys\nprint(__name__, sys.argv[1:], sys.path[0])\n").unwrap();
    let out = copylab().current_dir(dir.path()).args(["run", "-m", "mymod", "a", "-c"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let cwd = std::fs::canonicalize(dir.path()).unwrap();
    assert_eq!(stdout_of(&out), format!("__main__ ['a', '-c'] {}\n", cwd.display()));

    copylab()
        .args(["run", "-m", "no_such_module_here"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("No module named no_such_module_here"));
}

#[test]
fn interpreter_flags_reach_sys_flags_xoptions_and_warnoptions() {
    let code = "import sys; print(sys.flags.optimize, sys.flags.isolated, sys._xoptions, sys.warnoptions)";
    copylab()
        .args(["run", "-OO", "-X", "dev", "-Xint_max_str_digits=0", "-W", "ignore", "-I", "-u", "-c", code])
        .assert()
        .success()
        .stdout("2 1 {'dev': True, 'int_max_str_digits': '0'} ['ignore']\n");
}

#[test]
fn dash_e_ignores_pythonpath() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("only_on_pythonpath.py"), "").unwrap();
    let code = "import importlib.util as u; print(u.find_spec('only_on_pythonpath') is not None)";
    copylab().env("PYTHONPATH", dir.path()).args(["run", "-c", code]).assert().success().stdout("True\n");
    copylab().env("PYTHONPATH", dir.path()).args(["run", "-E", "-c", code]).assert().success().stdout("False\n");
}

#[test]
fn bad_command_lines_are_usage_errors() {
    copylab().args(["run", "-Z", "x.py"]).assert().code(2).stderr(predicate::str::contains("unknown option -Z"));
    copylab()
        .args(["run", "--", "-u"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("give a SCRIPT, -c CODE, -m MODULE"));
    copylab().args(["run", "-i", "x.py"]).assert().code(2).stderr(predicate::str::contains("no interactive prompt"));
    copylab().args(["run", "--", "-c"]).assert().code(2).stderr(predicate::str::contains("option -c needs a value"));
    let version = copylab().args(["run", "--", "-V"]).output().unwrap();
    assert!(stdout_of(&version).starts_with("Python 3."), "{}", stdout_of(&version));
}

#[test]
fn sys_executable_is_a_launcher_with_the_same_selection() {
    let out = copylab()
        .args(["run", "--variant", "fastpath", "--define", "_FASTPATH_MAX=9", "--memo", "cam", "--cam-entries", "16"])
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let launcher = stdout_of(&out).trim().to_owned();
    let script = std::fs::read_to_string(&launcher).unwrap();
    let exec_line = script.lines().last().unwrap();
    for part in
        ["run '--variant' 'fastpath' '--define' '_FASTPATH_MAX=9' '--memo' 'cam' '--cam-entries' '16'", "-- \"$@\""]
    {
        assert!(exec_line.contains(part), "{exec_line}");
    }
    // The launcher is python: CPython's command line works on it directly.
    let child = std::process::Command::new(&launcher)
        .args(["-c", "import copy, _copylab; print(copy.__file__, copy._FASTPATH_MAX, _copylab.memo_backend)"])
        .output()
        .unwrap();
    assert_eq!(stdout_of(&child), "<copylab:fastpath>/copy.py 9 cam\n", "{}", stderr_of(&child));
}

#[test]
fn launcher_falls_back_to_the_temp_directory_and_says_what_to_do_when_nothing_is_writable() {
    let dir = tempfile::tempdir().unwrap();
    let out = copylab()
        .env("XDG_CACHE_HOME", "/dev/null/cache")
        .env("TMPDIR", dir.path())
        .args(["run", "-c", "import sys; print(sys.executable)"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stdout_of(&out).starts_with(&dir.path().display().to_string()), "{}", stdout_of(&out));

    copylab()
        .env("XDG_CACHE_HOME", "/dev/null/cache")
        .env("TMPDIR", "/dev/null/tmp")
        .args(["run", "-c", "print('never')"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("cannot write the python launcher /dev/null/cache/copylab/python/"))
        .stderr(predicate::str::contains("set XDG_CACHE_HOME to a writable directory"));
}

#[test]
fn subprocess_and_multiprocessing_spawn_children_get_the_same_variant() {
    let out =
        copylab().args(["run", "--variant", "memo", "--memo", "cam"]).arg(fixture("children.py")).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(
        stdout_of(&out),
        "parent: <copylab:memo>/copy.py cam\n\
         subprocess, empty environment: <copylab:memo>/copy.py cam\n\
         multiprocessing spawn: <copylab:memo>/copy.py cam\n"
    );
}

#[test]
fn pyperformance_bm_deepcopy_runs_hosted_and_its_json_names_the_variant() {
    let site_packages = pyperf_site_packages();
    let script = python3_output(
        "import os, pyperformance; print(os.path.join(os.path.dirname(pyperformance.__file__), \
         'data-files', 'benchmarks', 'bm_deepcopy', 'run_benchmark.py'))",
    );
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("bm_deepcopy.json");
    let out = copylab()
        .env("PYTHONPATH", &site_packages)
        .args(["run", "--variant", "merged"])
        .arg(&script)
        .args(["--fast", "-o"])
        .arg(&json)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}\n{}", stdout_of(&out), stderr_of(&out));

    let check = format!(
        "import pyperf\n\
         suite = pyperf.BenchmarkSuite.load({json:?})\n\
         for bench in suite.get_benchmarks():\n\
         \x20   md = bench.get_metadata()\n\
         \x20   print(bench.get_name(), md['copylab_variant'], md['copylab_memo'], md['python_implementation'], bench.get_nvalue() > 0)\n",
        json = json.display().to_string()
    );
    let listed = python3_output(&check);
    assert_eq!(
        listed,
        "deepcopy merged dict rustpython True\n\
         deepcopy_reduce merged dict rustpython True\n\
         deepcopy_memo merged dict rustpython True"
    );
}

#[test]
fn bench_script_compares_a_users_pyperf_script_across_arms() {
    let dir = tempfile::tempdir().unwrap();
    let out = copylab()
        .env("PYTHONPATH", pyperf_site_packages())
        .args(["bench", "--fast", "--variants", "merged", "--python", "python3", "--script"])
        .arg(fixture("ten_structures_pyperf.py"))
        .arg("--json-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let table = stdout_of(&out);
    for expected in ["ten_one_by_one", "ten_batched", "Geometric mean vs baseline", "vs baseline@python3"] {
        assert!(table.contains(expected), "{expected} missing:\n{table}");
    }
    crate::common::assert_verdicts(&table, &["merged", "baseline@python3", "merged@python3"]);
    for file in ["baseline.json", "merged.json", "baseline_python3.json", "merged_python3.json"] {
        assert!(dir.path().join(file).is_file(), "{file} not kept in --json-dir");
    }
}

#[test]
fn bench_script_that_is_not_pyperf_fails_and_keeps_partial_results() {
    let dir = tempfile::tempdir().unwrap();
    let not_pyperf = dir.path().join("plain.py");
    std::fs::write(&not_pyperf, "print('hello')\n").unwrap();
    copylab()
        .args(["bench", "--fast", "--variants", "merged", "--script"])
        .arg(&not_pyperf)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("a pyperf script (pyperf.Runner)"))
        .stderr(predicate::str::contains("partial results: 0 of 2 arms completed"));

    // A script that crashes under one variant only: the other arms' results are kept.
    let crashes = dir.path().join("crashes_under_merged.py");
    std::fs::write(
        &crashes,
        format!(
            "import copy\nif copy.__file__.startswith('<copylab:merged>'):\n    raise SystemExit('boom under merged')\n{}",
            std::fs::read_to_string(fixture("ten_structures_pyperf.py")).unwrap()
        ),
    )
    .unwrap();
    let results = dir.path().join("results");
    let out = copylab()
        .env("PYTHONPATH", pyperf_site_packages())
        .args(["bench", "--fast", "--variants", "fastpath,merged", "--script"])
        .arg(&crashes)
        .arg("--json-dir")
        .arg(&results)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let stderr = stderr_of(&out);
    assert!(stderr.contains("partial results: 2 of 3 arms completed"), "{stderr}");
    assert!(stderr.contains("boom under merged"), "{stderr}");
    assert!(stdout_of(&out).contains("fastpath"), "{}", stdout_of(&out));
    assert!(results.join("fastpath.json").is_file() && !results.join("merged.json").exists());
}

#[test]
fn bench_script_that_does_not_exist_is_a_usage_error() {
    copylab()
        .args(["bench", "--script", "/no/such/bench.py"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file"));
}

/// The README's compatibility table comes from `.ci/pyperformance-compat`: one row per
/// pyperformance benchmark asked for, run under CPython and copylab, with the failing ones'
/// cause. (The whole table takes minutes; two benchmarks show the command works.)
#[test]
fn the_compatibility_table_command_runs_pyperformance_benchmarks_on_both() {
    let table = pyperformance_compat_table("unpack_sequence,asyncio_tcp", 120);
    let row = |name: &str| table.lines().find(|l| l.starts_with(&format!("| {name} |"))).unwrap_or_default().to_owned();
    assert!(row("unpack_sequence").matches("| ok (").count() == 2, "{table}");
    let asyncio = row("asyncio_tcp");
    assert!(
        asyncio.contains("| ok (") && asyncio.contains("fails: ModuleNotFoundError: No module named '_ssl'"),
        "{table}"
    );
    assert!(table.contains("| all | **2 of 2 ok** | **1 of 2 ok** |"), "{table}");
}
