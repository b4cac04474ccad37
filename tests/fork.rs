//! `copylab fork` and `copylab bench --vm`. The apply-only tests need no compiler run; the
//! tests that build a fork binary (minutes each on 2 cores) are `#[ignore]`d and run with
//! `COPYLAB_FORK_TESTS=1 bash .ci/run` or `cargo test ... --test cli fork:: -- --ignored`.

use std::path::{Path, PathBuf};

use crate::common::{copylab, copylab_at, fixture, pyperf_site_packages, stderr_of, stdout_of};
use predicates::prelude::*;

#[test]
fn a_patch_that_does_not_apply_fails_naming_the_file_and_hunk() {
    let out = tempfile::tempdir().expect("tempdir");
    let assert = copylab()
        .args(["fork", "apply", "broken", "--patches-dir"])
        .arg(fixture("fork-patches"))
        .arg("--out")
        .arg(out.path())
        .assert()
        .failure()
        .code(1);
    let stderr = stderr_of(assert.get_output());
    for needle in ["01-stale-context.patch", "does not apply to src/builtins/list.rs", "hunk #1", "rebase the patch"] {
        assert!(stderr.contains(needle), "missing {needle:?} in:\n{stderr}");
    }
    // The build would have started from this: nothing half-built is left as a binary.
    assert!(!out.path().join("broken/copylab").exists());
}

#[test]
fn every_shipped_patch_set_applies_to_the_pristine_crate() {
    let listing = copylab().args(["fork", "list"]).output().expect("runs");
    assert!(listing.status.success(), "{}", stderr_of(&listing));
    let listing = stdout_of(&listing);
    let sets: Vec<&str> = listing.lines().filter_map(|line| line.split_whitespace().next()).collect();
    assert!(sets.contains(&"alloc") && sets.contains(&"threading"), "{listing}");

    // Each set on its own: some are alternatives that patch the same lines (`defaults` and
    // `defaultframes`) or contain others (`fast`), so not all of them combine.
    let out = tempfile::tempdir().expect("tempdir");
    let applied: Vec<(&str, String)> = sets
        .iter()
        .map(|set| {
            let applied = copylab().args(["fork", "apply", set, "--out"]).arg(out.path()).output().expect("runs");
            assert!(applied.status.success(), "fork apply {set}: {}", stderr_of(&applied));
            (*set, stdout_of(&applied))
        })
        .collect();
    let list_rs = std::fs::read_to_string(out.path().join("alloc/rustpython-vm-0.6.0/src/builtins/list.rs"))
        .expect("the patched crate holds list.rs");
    assert!(list_rs.contains("const MAX_FREELIST: usize = 2000; // alloc:"), "alloc patch not applied");
    let threading = applied.iter().find(|(set, _)| *set == "threading").map(|(_, stdout)| stdout.as_str());
    assert!(threading.is_some_and(|stdout| stdout.contains("features: copylab-vm/threading")), "{applied:?}");
    let frame_rs = std::fs::read_to_string(out.path().join("fast/rustpython-vm-0.6.0/src/frame.rs"))
        .expect("the patched crate holds frame.rs");
    assert!(
        frame_rs.contains("// defaultframes:") && frame_rs.contains("// boundargs:"),
        "fast applies defaultframes and boundargs through its links"
    );
}

#[test]
fn unknown_sets_and_unbuilt_forks_are_usage_errors_before_any_measurement() {
    copylab().args(["fork", "apply", "nosuchset"]).assert().failure().code(2).stderr(
        predicate::str::contains("no patch set 'nosuchset'").and(predicate::str::contains("known sets: alloc")),
    );
    copylab()
        .args(["bench", "--vm", "fast"])
        .assert()
        .failure()
        .code(2)
        .stderr(predicate::str::contains("use stock or fork:NAME"));
    copylab()
        .args(["bench", "--fast", "--variants", "baseline", "--workloads", "deepcopy", "--vm", "stock,fork:notbuilt"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("run `copylab fork build notbuilt` first"));
    // With --script too, before the first arm runs (it would print "[1/2] baseline: ...").
    let results = tempfile::tempdir().expect("tempdir");
    copylab()
        .args(["bench", "--fast", "--variants", "baseline", "--vm", "stock,fork:notbuilt", "--script"])
        .arg(fixture("ten_structures_pyperf.py"))
        .arg("--json-dir")
        .arg(results.path())
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("run `copylab fork build notbuilt` first")
                .and(predicate::str::contains("[1/").not()),
        );
    assert_eq!(std::fs::read_dir(results.path()).expect("readable").count(), 0, "an arm ran");
}

/// A fork "built" in seconds: a patch set of only a `features` file (no source patch, so no
/// pristine crate is needed) and a stand-in for cargo whose "build" is a wrapper that logs its
/// command line and runs the stock binary, all under a fork root of the test's own.
struct FakeFork {
    dir: tempfile::TempDir,
}

impl FakeFork {
    const NAME: &str = "fake";

    fn build() -> Self {
        let fake = FakeFork { dir: tempfile::tempdir().expect("tempdir") };
        let set = fake.patches().join(Self::NAME);
        std::fs::create_dir_all(&set).expect("mkdir");
        std::fs::write(set.join("features"), "# no features: the stock build\n").expect("write");
        let wrapper = fake.dir.path().join("wrapper");
        let script = format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
            fake.log().display(),
            env!("CARGO_BIN_EXE_copylab")
        );
        write_executable(&wrapper, &script);
        write_executable(
            &fake.cargo(),
            &format!(
                "#!/bin/sh\n[ \"$1\" = build ] || {{ echo \"fake cargo: $1 is not build\" >&2; exit 1; }}\n\
                 mkdir -p \"$CARGO_TARGET_DIR/release\" && cp '{}' \"$CARGO_TARGET_DIR/release/copylab\"\n",
                wrapper.display()
            ),
        );
        let built = fake.copylab().args(["fork", "build", Self::NAME, "--patches-dir"]).arg(fake.patches()).output();
        let built = built.expect("runs");
        assert!(built.status.success(), "fork build with a fake cargo: {}", stderr_of(&built));
        assert!(stdout_of(&built).contains("built fork:fake"), "{}", stdout_of(&built));
        fake
    }

    fn patches(&self) -> PathBuf {
        self.dir.path().join("patches")
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("forks")
    }

    fn cargo(&self) -> PathBuf {
        self.dir.path().join("cargo")
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("fork-invocations.log")
    }

    fn logged(&self) -> String {
        std::fs::read_to_string(self.log()).unwrap_or_default()
    }

    fn stamp(&self) -> PathBuf {
        self.root().join(Self::NAME).join("copylab.stamp")
    }

    /// `copylab` looking for forks in this fork root, building with the fake cargo.
    fn copylab(&self) -> assert_cmd::Command {
        let mut command = copylab();
        command.env("COPYLAB_FORK_ROOT", self.root()).env("CARGO", self.cargo());
        command
    }
}

fn write_executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::write(path, text).expect("write");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[test]
fn fork_build_stamps_its_inputs_and_bench_refuses_a_stale_or_unstamped_fork() {
    let fake = FakeFork::build();
    let stamp = std::fs::read_to_string(fake.stamp()).expect("fork build writes a stamp");
    let features = fake.patches().join("fake/features").display().to_string();
    for input in ["  Cargo.lock\n", "  src/main.rs\n", "  src/fork/stamp.rs\n", &format!("  {features}\n")] {
        assert!(stamp.contains(input), "{input:?} not in the stamp:\n{stamp}");
    }
    assert!(!stamp.contains("tests/fork.rs") && !stamp.contains("README.md"), "{stamp}");

    let bench =
        ["bench", "--fast", "--variants", "baseline", "--workloads", "deepcopy_reduce", "--vm", "stock,fork:fake"];
    let fresh = fake.copylab().args(bench).output().expect("runs");
    assert!(fresh.status.success(), "{}", stderr_of(&fresh));
    assert!(stdout_of(&fresh).contains("baseline@fork:fake"), "{}", stdout_of(&fresh));
    assert!(fake.logged().lines().any(|line| line.starts_with("worker --variant baseline")), "{}", fake.logged());

    // An edit to the patch set: the binary no longer is what `fork build` would make.
    std::fs::write(fake.patches().join("fake/features"), "# edited\n").expect("write");
    let before = fake.logged();
    let rebuild =
        format!("rebuild it with `copylab fork build fake --patches-dir {}` (minutes)", fake.patches().display());
    fake.copylab()
        .args(bench)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("fork:fake is stale"))
        .stderr(predicate::str::contains(format!("changed: {features}")))
        .stderr(predicate::str::contains(rebuild));
    assert_eq!(fake.logged(), before, "the stale fork ran");

    std::fs::remove_file(fake.stamp()).expect("rm");
    fake.copylab()
        .args(bench)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("fork:fake has no usable build stamp").and(predicate::str::contains("missing")),
        )
        .stderr(predicate::str::contains("rebuild it with `copylab fork build fake`"));
    assert_eq!(fake.logged(), before, "the unstamped fork ran");
}

/// A build re-patches a fresh copy of the crate, so cargo would compile RustPython again
/// (15-30 minutes): `fork build` of a fork whose stamp matches the tree leaves it as it is,
/// unless told `--force`; an edited set is built again.
#[test]
fn fork_build_leaves_an_up_to_date_fork_alone_unless_forced() {
    let fake = FakeFork::build();
    let stamped = std::fs::read_to_string(fake.stamp()).expect("stamp");
    std::fs::remove_file(fake.cargo()).expect("rm");
    let build = || {
        let mut command = fake.copylab();
        command.args(["fork", "build", FakeFork::NAME, "--patches-dir"]).arg(fake.patches());
        command
    };
    let binary = fake.root().join("fake/copylab").display().to_string();
    build().assert().success().stdout(format!("fork:fake is up to date (its stamp matches the tree): {binary}\n"));
    assert_eq!(std::fs::read_to_string(fake.stamp()).expect("stamp"), stamped, "the stamp was rewritten");

    // Without cargo, a build that does start fails, which shows that it started.
    let forced = build().arg("--force").output().expect("runs");
    assert!(!forced.status.success(), "--force built without cargo: {}", stdout_of(&forced));
    std::fs::write(fake.patches().join("fake/features"), "# edited\n").expect("write");
    let edited = build().output().expect("runs");
    assert!(!edited.status.success(), "an edited set was not built again: {}", stdout_of(&edited));
}

#[test]
fn bench_script_runs_each_vm_arm_with_that_vms_binary() {
    let fake = FakeFork::build();
    let results = tempfile::tempdir().expect("tempdir");
    let script = fixture("ten_structures_pyperf.py");
    let run = |results: &Path| {
        fake.copylab()
            .env("PYTHONPATH", pyperf_site_packages())
            .args(["bench", "--fast", "--variants", "baseline,merged", "--vm", "stock,fork:fake", "--script"])
            .arg(&script)
            .arg("--json-dir")
            .arg(results)
            .output()
            .expect("runs")
    };
    let out = run(results.path());
    assert!(out.status.success(), "{}", stderr_of(&out));
    let table = stdout_of(&out);
    crate::common::assert_verdicts(&table, &["merged", "baseline@fork:fake", "merged@fork:fake"]);
    for file in ["baseline.json", "merged.json", "baseline_fork_fake.json", "merged_fork_fake.json"] {
        assert!(results.path().join(file).is_file(), "{file} not in --json-dir");
    }
    // Each fork arm ran the script through the fork's binary, and only the fork arms did.
    let runs: Vec<String> = fake.logged().lines().filter(|line| line.starts_with("run ")).map(str::to_string).collect();
    assert_eq!(runs.len(), 2, "{runs:?}");
    for (run, variant) in runs.iter().zip(["baseline", "merged"]) {
        assert!(run.starts_with(&format!("run --variant {variant} --memo dict -- {}", script.display())), "{run}");
    }

    std::fs::write(fake.patches().join("fake/features"), "# edited\n").expect("write");
    let stale_results = tempfile::tempdir().expect("tempdir");
    let out = run(stale_results.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("fork:fake is stale"), "{}", stderr_of(&out));
    assert_eq!(std::fs::read_dir(stale_results.path()).expect("readable").count(), 0, "an arm ran");
}

#[test]
fn bench_sweep_runs_every_value_on_every_vm() {
    let fake = FakeFork::build();
    let svg = fake.dir.path().join("sweep.svg");
    let sweep = |fake: &FakeFork| {
        let mut command = fake.copylab();
        command
            .args(["bench", "sweep", "--fast", "--variant", "fastpath", "--define", "_FASTPATH_MAX=0,5"])
            .args(["--workloads", "deepcopy_reduce", "--vm", "stock,fork:fake", "--svg"])
            .arg(&svg);
        command.output().expect("runs")
    };
    let out = sweep(&fake);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let table = stdout_of(&out);
    let rows: Vec<&str> = table.lines().filter(|line| line.trim_start().starts_with("deepcopy_reduce")).collect();
    assert_eq!(rows.len(), 2, "{table}");
    assert!(rows[0].trim_start().starts_with("deepcopy_reduce@stock ") && rows[1].contains("@fork:fake "), "{table}");
    assert!(std::fs::read_to_string(&svg).expect("the plot").contains("deepcopy_reduce@fork:fake"));
    // Both values ran on the fork's binary.
    for value in ["0", "5"] {
        let define = format!("--define _FASTPATH_MAX={value}");
        assert!(fake.logged().lines().any(|line| line.starts_with("worker") && line.contains(&define)), "{define}");
    }

    std::fs::write(fake.patches().join("fake/features"), "# edited\n").expect("write");
    std::fs::remove_file(&svg).expect("rm");
    let out = sweep(&fake);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("fork:fake is stale"), "{}", stderr_of(&out));
    assert!(!svg.exists(), "a plot of a refused sweep");
}

#[test]
fn run_on_a_fork_runs_the_program_on_its_binary_and_refuses_a_stale_one() {
    let fake = FakeFork::build();
    let program = "import sys; print('ran', sys.argv[1:])";
    let run = |fake: &FakeFork| {
        fake.copylab()
            .args(["run", "--vm", "fork:fake", "--variant", "merged", "-c", program, "a", "--vm"])
            .timeout(crate::threads::LIMIT)
            .output()
            .expect("runs")
    };
    let out = run(&fake);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "ran ['a', '--vm']\n");
    let relaunch = format!("run --variant merged --memo dict -- -c {program} a --vm");
    assert!(fake.logged().lines().any(|line| line == relaunch), "{}", fake.logged());

    std::fs::write(fake.patches().join("fake/features"), "# edited\n").expect("write");
    let before = fake.logged();
    let out = run(&fake);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("fork:fake is stale"), "{}", stderr_of(&out));
    assert!(stdout_of(&out).is_empty() && fake.logged() == before, "the stale fork ran");
    fake.copylab()
        .args(["run", "--vm", "fork:notbuilt", "-c", "print(1)"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("run `copylab fork build notbuilt` first"));
}

/// The checks the `defaults` fork must pass hold on the stock VM (and CPython), so a failure
/// on the fork is the patch's.
#[test]
fn call_defaults_fixture_holds_on_stock() {
    copylab().arg("run").arg(fixture("call_defaults.py")).assert().success().stdout("call defaults ok\n");
}

#[test]
fn typed_builtin_calls_fixture_holds_on_stock() {
    copylab().arg("run").arg(fixture("typed_builtin_calls.py")).assert().success().stdout("typed builtin calls ok\n");
}

/// Builds the `defaults` fork (minutes) and runs the call-semantics checks and CPython's
/// test_copy on it.
#[test]
#[ignore = "builds a second RustPython (about 6 minutes on 2 cores): COPYLAB_FORK_TESTS=1 bash .ci/run"]
fn the_defaults_fork_keeps_call_semantics() {
    let binary = build_fork("defaults");
    let checks =
        std::process::Command::new(&binary).arg("run").arg(fixture("call_defaults.py")).output().expect("runs");
    assert!(checks.status.success(), "call_defaults.py on fork:defaults:\n{}", stderr_of(&checks));
    assert_test_copy_passes(&binary);
}

/// `copylab fork build NAME`, returning the binary's path.
fn build_fork(name: &str) -> String {
    let built =
        copylab().args(["fork", "build", name]).timeout(std::time::Duration::from_secs(3600)).output().expect("runs");
    assert!(built.status.success(), "fork build {name} failed:\n{}", stderr_of(&built));
    stdout_of(&built).trim().rsplit(": ").next().expect("path").to_string()
}

/// CPython's test_copy (every suite conformance knows) on a fork binary, under `merged`.
fn assert_test_copy_passes(binary: &str) {
    crate::conformance::assert_test_copy_passes_on(|| copylab_at(binary), &["--variant", "merged"]);
}

/// Builds the `alloc` fork (minutes) and checks it runs CPython's test_copy and benchmarks
/// side by side with the stock binary.
#[test]
#[ignore = "builds a second RustPython (about 10 minutes on 2 cores): COPYLAB_FORK_TESTS=1 bash .ci/run"]
fn the_alloc_fork_builds_passes_test_copy_and_benches_against_stock() {
    let binary = build_fork("alloc");
    assert_test_copy_passes(&binary);

    let bench = copylab()
        .args(["bench", "--fast", "--variants", "baseline", "--workloads", "deepcopy", "--vm", "stock,fork:alloc"])
        .output()
        .expect("runs");
    assert!(bench.status.success(), "{}", stderr_of(&bench));
    assert!(stdout_of(&bench).contains("baseline@fork:alloc"), "{}", stdout_of(&bench));
}

/// Builds the `defaults` fork (minutes even after the test above: every build of a patched
/// fork recompiles rustpython-vm, docs/vm-patches.md says why) and runs a user's pyperf
/// script on it and on stock; pyperf's workers must be the fork's too.
#[test]
#[ignore = "builds a second RustPython (about 6 minutes on 2 cores): COPYLAB_FORK_TESTS=1 bash .ci/run"]
fn bench_script_runs_on_a_real_fork() {
    let binary = build_fork("defaults");
    let results = tempfile::tempdir().expect("tempdir");
    let out = copylab()
        .env("PYTHONPATH", pyperf_site_packages())
        .args(["bench", "--fast", "--variants", "baseline", "--vm", "stock,fork:defaults", "--script"])
        .arg(fixture("ten_structures_pyperf.py"))
        .arg("--json-dir")
        .arg(results.path())
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr_of(&out));
    let table = stdout_of(&out);
    crate::common::assert_verdicts(&table, &["baseline@fork:defaults"]);
    // pyperf records its workers' sys.executable: the launcher of the binary that ran them.
    let launcher = crate::common::python3_output(&format!(
        "import pyperf; print(pyperf.BenchmarkSuite.load({:?}).get_benchmarks()[0].get_metadata()['python_executable'])",
        results.path().join("baseline_fork_defaults.json").display().to_string()
    ));
    let text = std::fs::read_to_string(&launcher).expect("the launcher pyperf names");
    assert!(text.contains(&format!("exec '{binary}' run")), "{launcher}:\n{text}");
}

/// Builds the `versions` fork (minutes) and checks it as every set is checked: the native
/// deepcopy, which there keeps per-class answers of copy.py's tables across calls, must still be
/// observably the baseline (semantics script, differential test, hostile programs), and dicts
/// and sets count their mutations. Beyond that, trace and profile read copy.py's lines through
/// the VM's tracing: the same on the fork as on stock.
#[test]
#[ignore = "builds a second RustPython (about 6 minutes on 2 cores): COPYLAB_FORK_TESTS=1 bash .ci/run"]
fn the_versions_fork_keeps_native_semantics() {
    let binary = assert_fork_passes_what_stock_passes("versions", &[("test_dict", &[]), ("test_set", &[])]);
    let trace = |program: std::process::Command| {
        let mut program = program;
        let out = program
            .args(["trace", "--variant", "merged", "-c", "import copy; copy.deepcopy({'a': [1, (2, [3])]})"])
            .output()
            .expect("runs");
        assert!(out.status.success(), "trace: {}", stderr_of(&out));
        crate::trace::mask_addresses(&stdout_of(&out))
    };
    let stock_trace = trace(std::process::Command::new(assert_cmd::cargo::cargo_bin("copylab")));
    assert!(stock_trace.contains("_deepcopy_dispatch[dict]"), "{stock_trace}");
    assert_eq!(trace(std::process::Command::new(&binary)), stock_trace, "trace on fork:versions");
    let profile = std::process::Command::new(&binary)
        .args(["profile", "--variant", "baseline", "--workload", "deepcopy_memo"])
        .output()
        .expect("runs");
    assert!(profile.status.success(), "profile on fork:versions: {}", stderr_of(&profile));
    assert!(stdout_of(&profile).contains("Time in copy.py"), "{}", stdout_of(&profile));
}

/// The lean build's `_thread` stand-in never starts threads, so this test of test_gc waits for
/// ever on stock and on every fork alike: left out on both.
const GC_SKIPS: &[&str] = &["test_trashcan_threads"];

/// The CPython 3.14 test modules of what `fast`'s sets touch: builtins (fastcalls: `id`,
/// `getattr`), lists and sort (listcount: sort reads the list's mutation count), dicts and
/// sets (versions, and fastcalls' `dict.get`), the collector (gccount), calls and defaults
/// (defaultframes, boundargs).
const FAST_TOUCHES: [(&str, &[&str]); 8] = [
    ("test_builtin", &[]),
    ("test_list", &[]),
    ("test_sort", &[]),
    ("test_dict", &[]),
    ("test_set", &[]),
    ("test_gc", GC_SKIPS),
    ("test_call", &[]),
    ("test_funcattrs", &[]),
];

#[test]
#[ignore = "builds a second RustPython (6-12 minutes on 2 cores), then runs CPython's test modules on it and on stock: COPYLAB_FORK_TESTS=1 bash .ci/run"]
fn the_fast_fork_passes_what_stock_passes() {
    assert_fork_passes_what_stock_passes("fast", &FAST_TOUCHES);
}

/// sort compares the list's mutation count before and after: listcount changes how it counts.
#[test]
#[ignore = "builds a second RustPython (6-12 minutes on 2 cores), then runs CPython's test modules on it and on stock: COPYLAB_FORK_TESTS=1 bash .ci/run"]
fn the_listcount_fork_passes_what_stock_passes() {
    assert_fork_passes_what_stock_passes("listcount", &[("test_list", &[]), ("test_sort", &[])]);
}

#[test]
#[ignore = "builds a second RustPython (6-12 minutes on 2 cores), then runs CPython's test modules on it and on stock: COPYLAB_FORK_TESTS=1 bash .ci/run"]
fn the_gccount_fork_passes_what_stock_passes() {
    assert_fork_passes_what_stock_passes("gccount", &[("test_gc", GC_SKIPS)]);
}

#[test]
#[ignore = "builds a second RustPython (6-12 minutes on 2 cores), then runs CPython's test modules on it and on stock: COPYLAB_FORK_TESTS=1 bash .ci/run"]
fn the_defaultframes_fork_passes_what_stock_passes() {
    assert_fork_passes_what_stock_passes("defaultframes", &[("test_call", &[]), ("test_funcattrs", &[])]);
}

/// boundargs changes how every builtin call's argument vector is built.
#[test]
#[ignore = "builds a second RustPython (6-12 minutes on 2 cores), then runs CPython's test modules on it and on stock: COPYLAB_FORK_TESTS=1 bash .ci/run"]
fn the_boundargs_fork_passes_what_stock_passes() {
    assert_fork_passes_what_stock_passes("boundargs", &[("test_call", &[]), ("test_builtin", &[]), ("test_list", &[])]);
}

/// `id`, `getattr` and `dict.get` called from the frame's stack without a `FuncArgs`.
#[test]
#[ignore = "builds a second RustPython (6-12 minutes on 2 cores), then runs CPython's test modules on it and on stock: COPYLAB_FORK_TESTS=1 bash .ci/run"]
fn the_fastcalls_fork_passes_what_stock_passes() {
    assert_fork_passes_what_stock_passes("fastcalls", &[("test_builtin", &[]), ("test_dict", &[])]);
}

/// clearedges changes how every tracked object is released: finalizers, resurrection, weak
/// references and the collector run on that path.
#[test]
#[ignore = "builds a second RustPython (6-12 minutes on 2 cores), then runs CPython's test modules on it and on stock: COPYLAB_FORK_TESTS=1 bash .ci/run"]
fn the_clearedges_fork_passes_what_stock_passes() {
    assert_fork_passes_what_stock_passes(
        "clearedges",
        &[("test_gc", GC_SKIPS), ("test_finalization", &[]), ("test_list", &[]), ("test_dict", &[])],
    );
}

/// Builds fork `name` (minutes) and checks it as every patch set is checked before its
/// numbers count: CPython's test_copy (3.11, 3.13, 3.14) under every variant with either memo,
/// the call-semantics and typed-builtin-call fixtures, native's semantics script, the
/// differential test against the stock baseline, 1,000 hostile programs (native against the
/// baseline: a set may change how `id`, `getattr` or a table lookup behaves under them), and
/// the CPython test modules of what its patches `touch` (module and tests left out on both),
/// with no failure that stock does not also have. Returns the binary's path.
fn assert_fork_passes_what_stock_passes(name: &str, touches: &[(&str, &[&str])]) -> String {
    let binary = build_fork(name);
    let label = format!("fork:{name}");
    let fork = || copylab_at(&binary);
    for variant in copylab_stdlib_copy::variants() {
        for memo in ["dict", "cam"] {
            crate::conformance::assert_test_copy_passes_on(fork, &["--variant", variant.name, "--memo", memo]);
        }
    }
    fork().arg("run").arg(fixture("call_defaults.py")).assert().success().stdout("call defaults ok\n");
    fork().arg("run").arg(fixture("typed_builtin_calls.py")).assert().success().stdout("typed builtin calls ok\n");
    let semantics = crate::native_variant::semantics_script();
    let on_fork = |variant: &str| {
        let out = fork().args(["run", "--variant", variant, &semantics]).output().expect("runs");
        assert!(out.status.success(), "{variant} on {label}:\n{}", stderr_of(&out));
        stdout_of(&out)
    };
    let baseline = on_fork("baseline");
    // The script's last section ran: an atomic type unregistered between copies.
    assert!(baseline.contains("unregistered between copies"), "{baseline}");
    assert_eq!(on_fork("native"), baseline, "native on {label} differs from the baseline");
    let stock = crate::differential::signatures_on(copylab(), &["--variant", "baseline"]);
    assert_eq!(
        crate::differential::signatures_on(fork(), &["--variant", "native"]),
        stock,
        "differential test on {label}"
    );
    crate::hostile::assert_native_is_the_baseline(fork, 24_000, 1_000);

    let tests = crate::conformance::cpython_314_tests();
    for (module, skips) in touches {
        let stock = UnittestOutcome::of(copylab(), &tests, module, skips);
        let forked = UnittestOutcome::of(fork(), &tests, module, skips);
        assert_eq!(forked.ran, stock.ran, "{module}: a different number of tests ran on {label}");
        let new: Vec<&String> = forked.failed.difference(&stock.failed).collect();
        assert!(new.is_empty(), "{module} fails on {label} but not on stock: {new:?}");
    }
    binary
}

/// What CPython's test module `test.MODULE` reported (tests/py/unittest_module.py, as
/// `python -m unittest -v` less `skips`): how many tests ran and which failed.
struct UnittestOutcome {
    ran: usize,
    failed: std::collections::BTreeSet<String>,
}

impl UnittestOutcome {
    fn of(mut program: assert_cmd::Command, tests: &Path, module: &str, skips: &[&str]) -> Self {
        let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/unittest_module.py");
        let out = program
            .env("PYTHONPATH", tests)
            .arg("run")
            .arg(driver)
            .arg(format!("test.{module}"))
            .args(skips.iter().flat_map(|name| ["--skip", name]))
            .output()
            .expect("runs");
        let stderr = stderr_of(&out);
        let ran = stderr
            .lines()
            .find_map(|line| line.strip_prefix("Ran ")?.split_whitespace().next()?.parse().ok())
            .unwrap_or_else(|| panic!("{module} did not finish:\n{stderr}"));
        assert!(ran > 0, "{module} ran no test:\n{stderr}");
        let failed = stderr
            .lines()
            .filter_map(|line| line.strip_prefix("FAIL: ").or_else(|| line.strip_prefix("ERROR: ")))
            .map(str::to_owned)
            .collect();
        Self { ran, failed }
    }
}

/// Builds the `threading` fork (minutes), the build `copylab run` sends threaded programs to,
/// and runs every threads fixture on it through `copylab run --vm fork:threading`: each prints
/// what CPython prints (pools with fork, spawn and forkserver included), within the time limit.
/// Children relaunched through `sys.executable` run on the fork too.
#[test]
#[ignore = "builds a second RustPython (about 12 minutes on 2 cores): COPYLAB_FORK_TESTS=1 bash .ci/run"]
fn the_threading_fork_runs_threaded_programs() {
    use crate::threads::{LIMIT, ONE_THREAD_PROGRAMS, cpython_stdout, threads_fixture};
    let binary = build_fork("threading");
    let mut cases: Vec<(&str, Vec<&str>)> = ONE_THREAD_PROGRAMS.iter().map(|name| (*name, vec![])).collect();
    cases.push(("start_thread.py", vec![]));
    cases.push(("process_pool_executor.py", vec![]));
    for method in ["fork", "spawn", "forkserver"] {
        cases.push(("multiprocessing_pool.py", vec![method]));
    }
    for (name, args) in cases {
        let out = copylab()
            .args(["run", "--vm", "fork:threading"])
            .arg(threads_fixture(name))
            .args(&args)
            .timeout(LIMIT)
            .output()
            .expect("runs");
        assert!(out.status.success(), "{name} {args:?} on fork:threading:\n{}", stderr_of(&out));
        assert_eq!(stdout_of(&out), cpython_stdout(name, &args), "{name} {args:?}");
    }
    let child = "import subprocess, sys; print(subprocess.run([sys.executable, '-c', \
        'import sys; print(\"_thread\" in sys.builtin_module_names)'], capture_output=True, text=True).stdout, end='')";
    let out = copylab().args(["run", "--vm", "fork:threading", "-c", child]).timeout(LIMIT).output().expect("runs");
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "True\n", "the child did not run on the fork ({binary})");
}
