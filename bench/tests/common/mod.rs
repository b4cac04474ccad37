//! Test doubles shared by the integration tests.

#![allow(dead_code, unreachable_pub)]

use std::cell::RefCell;

use copylab_bench::{
    Arm, BenchError, Job, Launcher, Mode, Plan, RunResults, Settings, SilentProgress, WorkerOutput, Workload, run_plan,
};

/// Pretends to run the driver: seconds per call depend on the arm's variant
/// (`fast*` twice as fast) and vary slightly per worker and value, so the
/// statistics have something to chew on. Records every job it is given.
#[derive(Default)]
pub struct FakeLauncher {
    pub jobs: RefCell<Vec<Job>>,
    /// Fail the job whose `describe()` equals this.
    pub fail: Option<String>,
}

impl FakeLauncher {
    pub fn per_call(job: &Job) -> f64 {
        let base = if job.arm.variant.starts_with("fast") { 100e-6 } else { 200e-6 };
        let scale = if job.workload.name.ends_with("memo") { 2.0 } else { 1.0 };
        base * scale
    }
}

impl Launcher for FakeLauncher {
    fn run(&self, job: &Job) -> Result<WorkerOutput, BenchError> {
        self.jobs.borrow_mut().push(job.clone());
        if self.fail.as_deref() == Some(job.describe().as_str()) {
            return Err(BenchError::WorkerFailed {
                job: job.describe(),
                status: "exit status: 1".into(),
                stderr: "copylab driver: error: workload 'x' raised".into(),
            });
        }
        let per_call = Self::per_call(job);
        let jitter = |i: usize| {
            let worker = job.worker.unwrap_or(0);
            per_call * (1.0 + 0.002 * ((worker * 7 + i * 3) % 5) as f64)
        };
        let mut warmups = Vec::new();
        let loops = match job.mode {
            Mode::Loops(loops) => loops,
            Mode::Calibrate { min_time } => {
                let mut loops = 1;
                loop {
                    warmups.push((loops, per_call * 1.1));
                    if per_call * loops as f64 >= min_time {
                        break loops;
                    }
                    loops *= 2;
                }
            }
        };
        warmups.extend((0..job.warmups).map(|i| (loops, jitter(i) * 1.05)));
        Ok(WorkerOutput {
            loops,
            warmups,
            values: (0..job.values).map(jitter).collect(),
            peak_rss_kib: Some(10_000 + 100 * job.worker.unwrap_or(0) as u64),
            allocs_per_call: Some(120.0),
            bytes_per_call: Some(4096.0),
            python: "rustpython 3.13.0".into(),
        })
    }
}

pub fn workload(name: &str) -> Workload {
    Workload { name: name.into(), file: "/fake/trio.py".into(), suite: "trio".into() }
}

pub fn settings() -> Settings {
    Settings { processes: 4, values: 3, warmups: 1, min_time: 0.01, loops: None }
}

/// A complete fake run: baseline and fastpath on deepcopy and deepcopy_memo.
pub fn fake_results() -> RunResults {
    let plan = Plan::new(
        vec![workload("deepcopy"), workload("deepcopy_memo")],
        vec![Arm::rustpython("baseline", "dict"), Arm::rustpython("fastpath", "cam")],
        settings(),
    )
    .expect("plan");
    run_plan(&plan, "/fake/driver.py".as_ref(), &FakeLauncher::default(), &mut SilentProgress).expect("fake run")
}
