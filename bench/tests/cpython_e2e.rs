//! The real driver on the real workloads under CPython (`python3`), through
//! the CPython launcher and the scheduler. Skipped, with a message, only when
//! no python3 can be started.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use copylab_bench::{
    Arm, BenchError, BenchFiles, CPythonLauncher, Job, Launcher, Mode, Plan, Report, Settings, SilentProgress,
    SweepTable, TerminalOptions, Workload, markdown, parse_sweep, run_plan, select_workloads, terminal,
};

const PYTHON: &str = "python3";

/// Fails the test, saying what to install, unless `python3` is a CPython.
fn require_python() {
    match CPythonLauncher::probe(Path::new(PYTHON)) {
        Ok(version) => assert!(
            version.starts_with("cpython"),
            "python3 is {version}; these tests need CPython 3.11+ as python3 on PATH"
        ),
        Err(err) => panic!("{err}; these tests need CPython 3.11+ as python3 on PATH"),
    }
}

fn job(files: &BenchFiles, arm: Arm, workload: Workload, mode: Mode) -> Job {
    Job { arm, workload, mode, values: 1, warmups: 0, driver: files.driver().to_path_buf(), worker: Some(0) }
}

fn builtin(files: &BenchFiles, name: &str) -> Workload {
    select_workloads(files.builtin_workloads(), &[name.to_string()]).expect("builtin").remove(0)
}

fn user_workload(dir: &Path, name: &str, source: &str) -> Workload {
    let file = dir.join("user_workloads.py");
    fs::write(&file, source).expect("write workload");
    Workload { name: name.into(), file, suite: "user_workloads".into() }
}

fn stdlib_copy_py() -> String {
    let output = Command::new(PYTHON)
        .args(["-c", "import copy, sys; sys.stdout.write(open(copy.__file__).read())"])
        .output()
        .expect("read stdlib copy.py");
    String::from_utf8(output.stdout).expect("utf-8")
}

#[test]
fn trio_end_to_end_on_cpython() {
    require_python();
    let files = BenchFiles::materialize().expect("materialize");
    let workloads = select_workloads(files.builtin_workloads(), &[]).expect("trio");
    // The same copy.py twice: once as CPython's own module, once loaded by
    // the driver through --copy-py, as a variant would be.
    let loaded = files.write_copy_py("stdlib", &stdlib_copy_py()).expect("variant");
    let arms = vec![Arm::cpython(PYTHON, "stdlib", None), Arm::cpython(PYTHON, "loaded", Some(loaded))];
    let settings = Settings { processes: 2, values: 3, warmups: 1, min_time: 0.02, loops: None };
    let plan = Plan::new(workloads, arms, settings).expect("plan");
    let results = run_plan(&plan, files.driver(), &CPythonLauncher, &mut SilentProgress).expect("run");

    for cell in &results.cells {
        assert!(cell.loops >= 1);
        let calibration = cell.calibration.as_ref().expect("calibrated");
        assert_eq!(calibration.loops, cell.loops);
        assert!(calibration.values.is_empty());
        assert_eq!(cell.workers.len(), 2);
        for worker in &cell.workers {
            assert_eq!(worker.loops, cell.loops);
            assert_eq!(worker.values.len(), 3);
            assert_eq!(worker.warmups.len(), 1);
            assert!(worker.values.iter().all(|v| *v > 0.0));
            assert!(worker.python.starts_with("cpython 3."), "{}", worker.python);
            assert!(worker.peak_rss_kib.is_some_and(|kib| kib > 1000));
            assert_eq!(worker.allocs_per_call, None, "CPython has no _copylab");
        }
    }
    let report = Report::from_results(&results);
    for section in &report.sections {
        let median = section.rows[0].summary.median;
        println!("CPython median {}: {}", section.workload, copylab_bench::units::format_timedelta(median));
    }
    println!("{}", terminal::render(&report, TerminalOptions { color: false, memory: true }));
    println!("{}", markdown::render(&report, true));
}

#[test]
fn copy_py_is_loaded_as_copy_and_defines_apply() {
    require_python();
    let files = BenchFiles::materialize().expect("materialize");
    let marker = files.dir().join("marker.txt");
    let stub = format!(
        "MARKER = {marker:?}\n_FASTPATH_MAX = 5\n\
         class Error(Exception):\n    pass\n\
         error = Error\n\
         def copy(x):\n    return x\n\
         def deepcopy(x, memo=None, _nil=[]):\n    \
             with open(MARKER, 'a') as f:\n        f.write('stub deepcopy %r\\n' % (_FASTPATH_MAX,))\n    \
             return x\n",
        marker = marker.display().to_string()
    );
    let copy_py = files.write_copy_py("stub", &stub).expect("stub");
    let arm = Arm::cpython(PYTHON, "stub", Some(copy_py)).with_define("_FASTPATH_MAX", "7");
    let job = job(&files, arm.clone(), builtin(&files, "deepcopy_reduce"), Mode::Loops(3));
    let output = CPythonLauncher.run(&job).expect("stub run");
    assert_eq!(output.loops, 3);
    let calls = fs::read_to_string(&marker).expect("the stub's deepcopy was called");
    assert!(calls.lines().count() >= 3, "{calls}");
    assert!(calls.lines().all(|line| line == "stub deepcopy 7"), "{calls}");

    let missing = arm.with_define("_NO_SUCH_CONSTANT", "1");
    let err = CPythonLauncher.run(&Job { arm: missing, ..job }).expect_err("missing constant");
    assert!(err.to_string().contains("the copy module has no constant _NO_SUCH_CONSTANT"), "{err}");
}

/// A peer arm runs the workloads with `copy.deepcopy` rebound to the peer's before the
/// workload module is imported (copium comes from tests/requirements.txt).
#[test]
fn peer_arms_rebind_copy_deepcopy_to_the_peers() {
    require_python();
    let files = BenchFiles::materialize().expect("materialize");
    let dir = tempfile::tempdir().expect("tempdir");
    let marker = dir.path().join("seen.txt");
    let source = format!(
        "import copy\nfrom copy import deepcopy as imported\n\
         def bench_seen():\n    with open({marker:?}, 'a') as f:\n        \
         f.write('%s %s\\n' % (copy.deepcopy.__module__, imported is copy.deepcopy))\n    \
         assert copy.deepcopy([1, {{'a': (2,)}}]) == [1, {{'a': (2,)}}]\n",
        marker = marker.display().to_string()
    );
    let workload = user_workload(dir.path(), "seen", &source);
    let peer = job(&files, Arm::peer(PYTHON, "copium"), workload.clone(), Mode::Loops(2));
    CPythonLauncher.run(&peer).unwrap_or_else(|err| panic!("{err}\n(copium: `pip install -r tests/requirements.txt`)"));
    let seen = fs::read_to_string(&marker).expect("the workload ran");
    assert!(seen.lines().count() >= 2 && seen.lines().all(|line| line == "copium True"), "{seen}");

    let missing = job(&files, Arm::peer(PYTHON, "copylab_no_such_peer"), workload, Mode::Loops(1));
    expect_driver_error(
        &missing,
        &["cannot import the peer module 'copylab_no_such_peer'", "-m pip install copylab_no_such_peer"],
    );
}

fn expect_driver_error(job: &Job, expected: &[&str]) {
    let err = CPythonLauncher.run(job).expect_err("driver must fail");
    assert!(matches!(err, BenchError::WorkerFailed { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains("exit status: 1"), "{message}");
    for text in expected {
        assert!(message.contains(text), "missing {text:?} in:\n{message}");
    }
}

#[test]
fn driver_errors_are_clear_and_fail_the_worker() {
    require_python();
    let files = BenchFiles::materialize().expect("materialize");
    let arm = Arm::cpython(PYTHON, "stdlib", None);
    let mut unknown = builtin(&files, "deepcopy");
    unknown.name = "nope".into();
    expect_driver_error(
        &job(&files, arm.clone(), unknown, Mode::Loops(1)),
        &["unknown workload 'nope'", "available: deepcopy, deepcopy_memo, deepcopy_reduce"],
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let syntax = user_workload(dir.path(), "x", "def bench_x(:\n    pass\n");
    expect_driver_error(&job(&files, arm.clone(), syntax, Mode::Loops(1)), &["has a syntax error at line 1"]);

    let raising = user_workload(dir.path(), "boom", "def bench_boom():\n    1 / 0\n");
    expect_driver_error(
        &job(&files, arm.clone(), raising.clone(), Mode::Calibrate { min_time: 0.01 }),
        &["workload 'boom' raised", "ZeroDivisionError"],
    );

    let import_fails = user_workload(dir.path(), "x", "import no_such_module\ndef bench_x():\n    pass\n");
    expect_driver_error(
        &job(&files, arm.clone(), import_fails, Mode::Loops(1)),
        &["raised while being imported", "no_such_module"],
    );

    let gone = Workload { file: PathBuf::from("/nonexistent/w.py"), ..raising };
    expect_driver_error(&job(&files, arm, gone, Mode::Loops(1)), &["workload file not found: /nonexistent/w.py"]);
}

#[test]
fn every_structures_workload_runs() {
    require_python();
    let files = BenchFiles::materialize().expect("materialize");
    let arm = Arm::cpython(PYTHON, "stdlib", None);
    let structures = select_workloads(files.builtin_workloads(), &["structures".into()]).expect("suite");
    assert_eq!(structures.len(), 12);
    for workload in structures {
        let name = workload.name.clone();
        let job = Job { values: 3, warmups: 1, ..job(&files, arm.clone(), workload, Mode::Loops(1)) };
        let output = CPythonLauncher.run(&job).expect(&name);
        // Sized for 10 us - 2 ms per call on CPython; the fastest of three
        // values, with a wide margin, so a busy machine does not fail this.
        let fastest = output.values.iter().copied().fold(f64::INFINITY, f64::min);
        assert!(fastest > 5e-6 && fastest < 50e-3, "{name}: {fastest}");
    }
}

#[test]
fn shared_structures_really_share_and_cycle() {
    require_python();
    let files = BenchFiles::materialize().expect("materialize");
    let dir = builtin(&files, "ten_shared_combined_s1").file.parent().expect("dir").to_path_buf();
    let check = "import copy, structures\n\
        s = structures.build(1, True)\n\
        c = copy.deepcopy(s)\n\
        assert c[0][-1] is c[4]['shared'][0], 'shared list copied once'\n\
        assert c[4]['tree']['children'][0]['parent'] is c[4]['tree'], 'cycle kept'\n\
        assert c[7]['tree'] is c[4]['tree']\n\
        separate = [copy.deepcopy(x) for x in s]\n\
        assert separate[0][-1] is not separate[4]['shared'][0]\n\
        plain = structures.build(1, False)\n\
        assert len({id(x) for x in plain}) == 10\n";
    let status = Command::new(PYTHON).arg("-c").arg(check).current_dir(dir).status().expect("python");
    assert!(status.success());
}

/// The sweep's plot data (drawing it, and parsing the SVG in Python, is the CLI's test:
/// src/render/svg_plot.rs).
#[test]
fn sweep_plans_each_value_as_an_arm_and_plots_one_line_per_workload() {
    require_python();
    let spec = parse_sweep("_FASTPATH_MAX=1,5,20,100").expect("sweep");
    let base = Arm::rustpython("fastpath", "dict");
    let plan = Plan::new(
        vec![common::workload("deepcopy"), common::workload("deepcopy_memo")],
        spec.arms(&base),
        common::settings(),
    )
    .expect("plan");
    let launcher = common::FakeLauncher::default();
    let results = run_plan(&plan, "/d.py".as_ref(), &launcher, &mut SilentProgress).expect("run");
    assert!(launcher.jobs.borrow().iter().any(|j| j.define_args().contains(&"_FASTPATH_MAX=20".into())));
    let table =
        SweepTable::from_results(&spec, &base, &[copylab_bench::STOCK_VM.to_string()], &results).expect("table");
    let plot = table.plot();
    assert_eq!(plot.series.len(), 2, "one line per workload");
    assert!(plot.series.iter().all(|series| series.points.len() == 4), "one point per value");
    println!("{}", table.render_text());
}
