//! Runs a [`Plan`] through a [`Launcher`], one job at a time.
//!
//! Jobs never run in parallel: two workers on a 2-core machine would measure
//! each other.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::arm::Arm;
use crate::error::BenchError;
use crate::launcher::{Job, Launcher, Mode, WorkerOutput};
use crate::plan::{Plan, Settings};
use crate::progress::Progress;
use crate::workload::Workload;

/// All measurements of one (workload, arm) pair.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub workload: usize,
    pub arm: usize,
    /// Loops per value used by every worker of this pair.
    pub loops: u64,
    /// The calibration run (warmups only); `None` when loops were fixed.
    pub calibration: Option<WorkerOutput>,
    /// Worker outputs in worker order.
    pub workers: Vec<WorkerOutput>,
}

impl Cell {
    /// Every measured value (seconds per call), warmups excluded.
    pub fn values(&self) -> Vec<f64> {
        self.workers.iter().flat_map(|w| w.values.iter().copied()).collect()
    }
}

/// Everything a run measured.
#[derive(Clone, Debug)]
pub struct RunResults {
    pub settings: Settings,
    pub workloads: Vec<Workload>,
    /// The first arm is the baseline.
    pub arms: Vec<Arm>,
    /// One per (workload, arm), workload-major: see [`RunResults::cell`].
    pub cells: Vec<Cell>,
    pub duration: Duration,
}

impl RunResults {
    pub fn cell(&self, workload: usize, arm: usize) -> &Cell {
        &self.cells[workload * self.arms.len() + arm]
    }
}

/// Runs every job of `plan` in [`Plan::steps`] order. The first failing job
/// stops the run and its error (with the worker's stderr) is returned.
pub fn run_plan(
    plan: &Plan,
    driver: &Path,
    launcher: &dyn Launcher,
    progress: &mut dyn Progress,
) -> Result<RunResults, BenchError> {
    let settings = plan.settings;
    let mut cells: Vec<Cell> = plan
        .workloads
        .iter()
        .enumerate()
        .flat_map(|(workload, _)| {
            (0..plan.arms.len()).map(move |arm| Cell {
                workload,
                arm,
                loops: settings.loops.unwrap_or(0),
                calibration: None,
                workers: Vec::new(),
            })
        })
        .collect();

    let steps = plan.steps();
    let start = Instant::now();
    for (done, step) in steps.iter().enumerate() {
        let cell = &mut cells[step.workload * plan.arms.len() + step.arm];
        let (mode, values, warmups) = match step.worker {
            None => (Mode::Calibrate { min_time: settings.min_time }, 0, 0),
            Some(_) => (Mode::Loops(cell.loops), settings.values, settings.warmups),
        };
        let job = Job {
            arm: plan.arms[step.arm].clone(),
            workload: plan.workloads[step.workload].clone(),
            mode,
            values,
            warmups,
            driver: driver.to_path_buf(),
            worker: step.worker,
        };
        progress.update(done, steps.len(), start.elapsed(), Some(&job));
        let output = launcher.run(&job)?;
        match step.worker {
            None => {
                cell.loops = output.loops;
                cell.calibration = Some(output);
            }
            Some(_) => cell.workers.push(output),
        }
    }
    progress.update(steps.len(), steps.len(), start.elapsed(), None);

    Ok(RunResults {
        settings,
        workloads: plan.workloads.clone(),
        arms: plan.arms.clone(),
        cells,
        duration: start.elapsed(),
    })
}
