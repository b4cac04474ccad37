//! The scheduler against a fake launcher: job order, calibration, equal values,
//! failures and progress.

mod common;

use std::time::Duration;

use common::{FakeLauncher, fake_results, settings, workload};
use copylab_bench::{Arm, BenchError, Job, Mode, Plan, Progress, Report, SilentProgress, Verdict, run_plan};

fn plan(arms: &[&str]) -> Plan {
    Plan::new(
        vec![workload("deepcopy"), workload("deepcopy_memo")],
        arms.iter().map(|v| Arm::rustpython(v, "dict")).collect(),
        settings(),
    )
    .expect("plan")
}

#[test]
fn calibration_loops_feed_every_worker_and_arms_interleave() {
    let plan = plan(&["baseline", "fastpath"]);
    let launcher = FakeLauncher::default();
    let results = run_plan(&plan, "/d.py".as_ref(), &launcher, &mut SilentProgress).expect("run");
    let jobs = launcher.jobs.borrow();
    assert_eq!(jobs.len(), plan.job_count());

    // Calibrations first, in calibrate mode, measuring nothing else.
    let (calibrations, workers): (Vec<&Job>, Vec<&Job>) = jobs.iter().partition(|j| j.is_calibration());
    assert_eq!(calibrations.len(), 4);
    assert!(jobs[..4].iter().all(Job::is_calibration));
    assert!(calibrations.iter().all(|j| matches!(j.mode, Mode::Calibrate { min_time } if min_time == 0.01)));
    assert!(calibrations.iter().all(|j| j.values == 0 && j.warmups == 0));

    // 200 us per call needs 64 loops to reach 10 ms, 100 us needs 128.
    assert_eq!(results.cell(0, 0).loops, 64);
    assert_eq!(results.cell(0, 1).loops, 128);
    for job in &workers {
        let expected = if job.arm.variant == "baseline" { 64 } else { 128 };
        let expected = if job.workload.name == "deepcopy_memo" { expected / 2 } else { expected };
        assert_eq!(job.mode, Mode::Loops(expected), "{}", job.describe());
    }

    // A B, B A, A B, B A on each workload.
    let order: Vec<&str> =
        workers.iter().filter(|j| j.workload.name == "deepcopy").map(|j| j.arm.variant.as_str()).collect();
    assert_eq!(order, ["baseline", "fastpath", "fastpath", "baseline", "baseline", "fastpath", "fastpath", "baseline"]);
    assert!(workers.iter().all(|j| j.driver.to_str() == Some("/d.py")));
}

#[test]
fn every_compared_pair_has_the_same_number_of_values() {
    let results = fake_results();
    for cell in &results.cells {
        assert_eq!(cell.workers.len(), 4);
        assert_eq!(cell.values().len(), 12, "workload {} arm {}", cell.workload, cell.arm);
        assert!(cell.calibration.as_ref().is_some_and(|c| c.values.is_empty() && !c.warmups.is_empty()));
    }
}

#[test]
fn fixed_loops_skip_calibration() {
    let mut plan = plan(&["baseline", "fastpath", "merged"]);
    plan.settings.loops = Some(5);
    let launcher = FakeLauncher::default();
    let results = run_plan(&plan, "/d.py".as_ref(), &launcher, &mut SilentProgress).expect("run");
    assert!(launcher.jobs.borrow().iter().all(|j| j.mode == Mode::Loops(5)));
    assert!(results.cells.iter().all(|c| c.calibration.is_none() && c.loops == 5));
}

#[test]
fn a_failing_worker_stops_the_run_with_its_stderr() {
    let plan = plan(&["baseline", "fastpath"]);
    let launcher = FakeLauncher { fail: Some("deepcopy[fastpath] worker 2".into()), ..Default::default() };
    let err = run_plan(&plan, "/d.py".as_ref(), &launcher, &mut SilentProgress).expect_err("failure");
    assert!(matches!(err, BenchError::WorkerFailed { .. }));
    let message = err.to_string();
    assert!(message.contains("deepcopy[fastpath] worker 2 failed"), "{message}");
    assert!(message.contains("copylab driver: error"), "{message}");
    assert_eq!(launcher.jobs.borrow().last().map(Job::describe).as_deref(), Some("deepcopy[fastpath] worker 2"));
}

#[derive(Default)]
struct Recorder(Vec<(usize, usize, Option<String>)>);

impl Progress for Recorder {
    fn update(&mut self, done: usize, total: usize, _: Duration, next: Option<&Job>) {
        self.0.push((done, total, next.map(Job::describe)));
    }
}

#[test]
fn progress_sees_every_job_then_the_end() {
    let plan = plan(&["baseline", "fastpath"]);
    let mut recorder = Recorder::default();
    run_plan(&plan, "/d.py".as_ref(), &FakeLauncher::default(), &mut recorder).expect("run");
    let total = plan.job_count();
    assert_eq!(recorder.0.len(), total + 1);
    assert_eq!(recorder.0[0], (0, total, Some("deepcopy[baseline] calibration".into())));
    assert_eq!(recorder.0[total], (total, total, None));
}

#[test]
fn report_of_a_fake_run_finds_the_faster_arm() {
    let report = Report::from_results(&fake_results());
    assert_eq!(report.labels, ["baseline", "fastpath,cam"]);
    for section in &report.sections {
        let verdict = section.rows[1].comparison.expect("compared").verdict;
        assert!(matches!(verdict, Verdict::Faster(f) if (f - 2.0).abs() < 0.01), "{verdict}");
        assert!(section.rows.iter().all(|r| r.warnings.is_empty()), "{:?}", section.rows);
        assert_eq!(section.rows[0].memory.peak_rss_kib, Some(10_300));
    }
    assert_eq!(report.geometric_means[0].verdict.to_string(), "2.00x faster");
}
