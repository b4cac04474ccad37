//! `copylab run`: scripts, -c, stdin, argv, exit statuses, tracebacks and bad input.

use crate::common::{copylab, fixture, python3_output, stderr_of, stdout_of};
use predicates::prelude::*;

#[test]
fn script_gets_argv_and_its_exit_status() {
    let script = fixture("argv_and_exit.py");
    let out = copylab().arg("run").arg(&script).args(["7", "--variant", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", stderr_of(&out));
    let stdout = stdout_of(&out);
    let expected = format!("argv: ['{}', '7', '--variant', 'x']\nname: __main__\n", script.display());
    assert_eq!(stdout, expected);
}

#[test]
fn code_string_gets_dash_c_argv() {
    copylab()
        .args(["run", "-c", "import sys; print(sys.argv); raise SystemExit(3)", "a", "-b"])
        .assert()
        .code(3)
        .stdout("['-c', 'a', '-b']\n");
}

#[test]
fn stdin_program_runs() {
    copylab()
        .args(["run", "-", "x"])
        .write_stdin("import sys\nprint(sys.argv, 6 * 7)\n")
        .assert()
        .success()
        .stdout("['-', 'x'] 42\n");
}

#[test]
fn uncaught_exception_prints_a_cpython_traceback_and_exits_1() {
    let out = copylab().arg("run").arg(fixture("raises.py")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = stderr_of(&out);
    assert!(stderr.starts_with("Traceback (most recent call last):\n"), "{stderr}");
    assert!(stderr.contains("raises.py\", line 2, in inner\n    return 1 / value\n"), "{stderr}");
    assert!(stderr.trim_end().ends_with("ZeroDivisionError: division by zero"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn syntax_error_shows_line_and_caret() {
    let out = copylab().arg("run").arg(fixture("syntax_error.py")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = stderr_of(&out);
    assert!(stderr.contains("syntax_error.py\", line 1\n    def f(:\n"), "{stderr}");
    assert!(stderr.lines().any(|l| l.trim() == "^"), "no caret line: {stderr}");
    assert!(stderr.contains("SyntaxError:"), "{stderr}");
}

#[test]
fn endless_recursion_is_a_recursion_error_not_a_crash() {
    let out = copylab().arg("run").arg(fixture("recurse.py")).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("RecursionError"), "{}", stderr_of(&out));
}

#[test]
fn missing_script_is_exit_2_with_the_path() {
    copylab()
        .args(["run", "/no/such/script.py"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("can't open file '/no/such/script.py'"));
}

#[test]
fn directory_is_rejected() {
    copylab().arg("run").arg(fixture("")).assert().code(2).stderr(predicate::str::contains("it is a directory"));
}

#[test]
fn invalid_utf8_is_reported_with_its_offset() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("latin1.py");
    std::fs::write(&script, b"print('caf\xe9')\n").unwrap();
    copylab()
        .arg("run")
        .arg(&script)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is not valid UTF-8 (first bad byte at offset 10)"));
}

#[test]
fn no_program_is_a_usage_error() {
    copylab().arg("run").assert().code(2).stderr(predicate::str::contains("Usage"));
}

#[test]
fn ctrl_c_stops_a_running_script() {
    use std::io::BufRead as _;
    use std::process::{Command, Stdio};

    let mut child = Command::new(assert_cmd::cargo::cargo_bin("copylab"))
        .arg("run")
        .arg(fixture("copy_mod_spin.py"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(line, "ready\n");
    let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(std::time::Instant::now() < deadline, "SIGINT did not stop the script");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(!status.success());
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("KeyboardInterrupt"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn pythonpath_extends_sys_path() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("helper_mod.py"), "VALUE = 'from PYTHONPATH'\n").unwrap();
    copylab()
        .env("PYTHONPATH", dir.path())
        .args(["run", "-c", "import helper_mod; print(helper_mod.VALUE)"])
        .assert()
        .success()
        .stdout("from PYTHONPATH\n");
}

/// An activated venv (VIRTUAL_ENV) lends its pure-Python packages, here the test venv's pyperf,
/// to the program and to the child interpreters it starts with an empty environment; -S and
/// -I leave them out, as they leave out CPython's site-packages.
#[test]
fn an_activated_venv_s_packages_import_in_the_program_and_its_children() {
    let venv = python3_output("import sys; print(sys.prefix)");
    assert_ne!(
        venv,
        python3_output("import sys; print(sys.base_prefix)"),
        "the python3 on PATH must be a venv with tests/requirements.txt: run the tests with `bash .ci/run`"
    );
    let code = "import pyperf, subprocess, sys\n\
        print(pyperf.__file__.startswith(sys.argv[1]), flush=True)\n\
        subprocess.run([sys.executable, '-c', 'import pyperf; print(pyperf.__version__)'], env={}, check=True)";
    let run = |flags: &[&str], active: Option<&str>| {
        let mut cmd = copylab();
        cmd.env_remove("PYTHONPATH").env_remove("VIRTUAL_ENV");
        if let Some(active) = active {
            cmd.env("VIRTUAL_ENV", active);
        }
        cmd.arg("run").arg("--").args(flags).args(["-c", code, &venv]).output().unwrap()
    };
    let out = run(&[], Some(&venv));
    assert!(out.status.success(), "{}", stderr_of(&out));
    let version = python3_output("import pyperf; print(pyperf.__version__)");
    assert_eq!(stdout_of(&out), format!("True\n{version}\n"));
    for (flags, venv) in [(&[][..], None), (&["-S"][..], Some(venv.as_str())), (&["-I"][..], Some(venv.as_str()))] {
        let out = run(flags, venv);
        assert_eq!(out.status.code(), Some(1), "{flags:?}: {}", stderr_of(&out));
        assert!(stderr_of(&out).contains("No module named 'pyperf'"), "{flags:?}: {}", stderr_of(&out));
    }
}

#[test]
fn left_out_modules_fail_at_import_saying_why() {
    let cases = [
        (
            "ssl",
            "No module named '_ssl': ssl is left out of copylab's RustPython build: RustPython's ssl module pulls in aws-lc",
        ),
        (
            "cProfile",
            "No module named 'cProfile': RustPython 0.6 ships neither cProfile nor its C profiler _lsprof; \
             profile with the pure-Python profiler instead",
        ),
    ];
    for (module, message) in cases {
        let code = format!("try:\n    import {module}\nexcept ImportError as err:\n    print(type(err).__name__, err)");
        let out = copylab().args(["run", "-c", &code]).timeout(crate::threads::LIMIT).output().expect("runs");
        assert!(out.status.success(), "{}", stderr_of(&out));
        assert!(stdout_of(&out).starts_with(&format!("ModuleNotFoundError {message}")), "{}", stdout_of(&out));
    }
}

/// What the cProfile refusal offers instead: the pure-Python profiler, with pstats' table.
#[test]
fn the_pure_python_profiler_profiles_a_script() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("calls.py");
    std::fs::write(
        &script,
        "def leaf(x):\n    return x + 1\n\n\ndef root(n):\n    return [leaf(i) for i in range(n)]\n\n\nroot(321)\n",
    )
    .expect("write");
    let out = copylab()
        .args(["run", "-m", "profile", "-s", "ncalls"])
        .arg(&script)
        .timeout(crate::threads::LIMIT)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr_of(&out));
    let table = stdout_of(&out);
    let leaf = table.lines().find(|line| line.ends_with("calls.py:1(leaf)")).unwrap_or_default();
    assert_eq!(leaf.split_whitespace().next(), Some("321"), "{table}");
    assert!(table.contains("Ordered by: call count"), "{table}");
}

/// sqlite3 is built in (RustPython's `sqlite` feature bundles SQLite): a program that uses it
/// prints what CPython prints.
#[test]
fn sqlite3_works_as_under_cpython() {
    let program = "import sqlite3\n\
        db = sqlite3.connect(':memory:')\n\
        db.execute('create table t (k integer primary key, v text)')\n\
        db.executemany('insert into t (v) values (?)', [(c * 3,) for c in 'abc'])\n\
        print(db.execute('select k, v, length(v) from t order by k desc').fetchall())\n\
        print(db.execute('select sum(k), group_concat(v) from t').fetchone(), db.total_changes)\n";
    let out = copylab().args(["run", "-c", program]).timeout(crate::threads::LIMIT).output().expect("runs");
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), python3_output(program) + "\n");
}
