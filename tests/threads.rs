//! Threads under `copylab run` on the stock (lean) build, which has one thread: what one thread
//! can do runs as under CPython; what needs a second thread fails at once, at the call that
//! needs it, naming the build that has threads. Every program runs under a timeout, so a hang
//! fails the test instead of stalling the suite. (fork:threading runs them all: tests/fork.rs.)

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::common::{copylab, fixture, stderr_of, stdout_of};

/// Far above what any of these programs takes; a program that hangs fails here.
pub(crate) const LIMIT: Duration = Duration::from_secs(60);

/// The end of every refusal: what is missing and the command that has it.
const NEEDS_THREADS: &str = "needs real threads, which copylab's lean build leaves out; run it with \
    `copylab run --vm fork:threading` (build it once with `copylab fork build threading`)";

pub(crate) fn threads_fixture(name: &str) -> PathBuf {
    fixture("threads").join(name)
}

/// The fixtures that one thread can run exactly as CPython does.
pub(crate) const ONE_THREAD_PROGRAMS: [&str; 4] =
    ["thread_pool_executor.py", "one_thread_locks.py", "local_subclass.py", "asyncio_executor.py"];

/// CPython's stdout for the fixture (the python3 that `.ci/run` puts first on PATH).
pub(crate) fn cpython_stdout(name: &str, args: &[&str]) -> String {
    let out = assert_cmd::Command::new("python3")
        .arg(threads_fixture(name))
        .args(args)
        .timeout(LIMIT)
        .output()
        .expect("python3 must be on PATH: run the tests with `bash .ci/run`");
    assert!(out.status.success(), "python3 {name} {args:?} failed:\n{}", stderr_of(&out));
    stdout_of(&out)
}

fn run(name: &str, args: &[&str]) -> (std::process::Output, Duration) {
    let started = Instant::now();
    let out = copylab().arg("run").arg(threads_fixture(name)).args(args).timeout(LIMIT).output().expect("runs");
    (out, started.elapsed())
}

#[test]
fn what_one_thread_can_do_runs_as_under_cpython() {
    for name in ONE_THREAD_PROGRAMS {
        let (out, _) = run(name, &[]);
        assert!(out.status.success(), "{name}:\n{}", stderr_of(&out));
        assert_eq!(stdout_of(&out), cpython_stdout(name, &[]), "{name}");
    }
}

#[test]
fn what_needs_a_second_thread_fails_at_once_naming_the_threading_fork() {
    let cases = [
        ("start_thread.py", "fork", "RuntimeError: starting thread 'worker'".to_string()),
        (
            "multiprocessing_pool.py",
            "fork",
            "RuntimeError: multiprocessing.pool.Pool (it feeds and collects its work in background threads)".into(),
        ),
        (
            "multiprocessing_pool.py",
            "spawn",
            "RuntimeError: multiprocessing.pool.Pool (it feeds and collects its work in background threads)".into(),
        ),
        (
            "process_pool_executor.py",
            "",
            "RuntimeError: concurrent.futures.process.ProcessPoolExecutor (it manages its worker processes from a \
             background thread)"
                .into(),
        ),
        (
            "lonely_wait.py",
            "",
            "RuntimeError: concurrent.futures._base.Future.result() would wait for ever: only another thread \
             could end the wait, and that"
                .into(),
        ),
    ];
    for (name, arg, what) in cases {
        let args: Vec<&str> = [arg].into_iter().filter(|a| !a.is_empty()).collect();
        let (out, took) = run(name, &args);
        let stderr = stderr_of(&out);
        assert_eq!(out.status.code(), Some(1), "{name} {arg}: {stderr}");
        assert_eq!(stderr.trim_end().lines().last(), Some(format!("{what} {NEEDS_THREADS}").as_str()), "{stderr}");
        assert!(stdout_of(&out).is_empty(), "{name} {arg} printed a result: {}", stdout_of(&out));
        // At once: not after some timeout of its own.
        assert!(took < Duration::from_secs(20), "{name} {arg} took {took:?}");
    }
}
