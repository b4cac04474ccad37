//! What to run and in which order: presets, settings, and the job order
//! (calibrations first, then rounds of workers with the arms interleaved).

use crate::arm::Arm;
use crate::error::BenchError;
use crate::workload::Workload;

/// Measurement effort, as pyperf's `--fast` / default / `--rigorous`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    Fast,
    Default,
    Rigorous,
}

/// How much to measure for every (workload, arm) pair.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// Worker processes (each a fresh interpreter).
    pub processes: usize,
    /// Measured values per worker.
    pub values: usize,
    /// Warmup values per worker, reported but not used in statistics.
    pub warmups: usize,
    /// Calibration target: seconds one value must last at least.
    pub min_time: f64,
    /// Fixed loops per value; `None` calibrates once per (workload, arm).
    pub loops: Option<u64>,
}

impl Preset {
    /// Values are 0.1-0.2 s long (min_time 0.1 s, loops doubled) in every
    /// preset but rigorous. A worker then costs interpreter start-up plus
    /// (warmups + values) × ~0.15 s. On RustPython (start-up ~0.4 s) fast is
    /// about 1 s per worker and 3.7 s per (workload, arm) with its
    /// calibration: the trio × 5 variants (15 pairs) take about a minute.
    /// Default (10 workers) takes about 3 minutes for the same, rigorous
    /// (20 workers, longer values) about 12.
    pub fn settings(self) -> Settings {
        let (processes, values, warmups, min_time) = match self {
            Preset::Fast => (3, 3, 1, 0.1),
            Preset::Default => (10, 3, 1, 0.1),
            Preset::Rigorous => (20, 4, 2, 0.2),
        };
        Settings { processes, values, warmups, min_time, loops: None }
    }
}

/// One job of a plan, by index into [`Plan::workloads`] and [`Plan::arms`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub workload: usize,
    pub arm: usize,
    /// Worker number (= round), or `None` for the calibration job.
    pub worker: Option<usize>,
}

/// A validated benchmark: every workload measured on every arm. The first arm
/// is the baseline the others are compared to.
#[derive(Clone, Debug)]
pub struct Plan {
    pub workloads: Vec<Workload>,
    pub arms: Vec<Arm>,
    pub settings: Settings,
}

impl Plan {
    pub fn new(workloads: Vec<Workload>, arms: Vec<Arm>, settings: Settings) -> Result<Self, BenchError> {
        let invalid = |reason: String| Err(BenchError::InvalidPlan(reason));
        if workloads.is_empty() {
            return invalid("no workload selected".into());
        }
        if arms.is_empty() {
            return invalid("no variant selected".into());
        }
        if settings.processes == 0 || settings.values == 0 {
            return invalid("processes and values must be at least 1".into());
        }
        if settings.loops == Some(0) || !(settings.min_time > 0.0 && settings.min_time.is_finite()) {
            return invalid("loops must be at least 1 and min_time a positive number of seconds".into());
        }
        let labels: Vec<String> = arms.iter().map(Arm::label).collect();
        for (index, label) in labels.iter().enumerate() {
            if labels[..index].contains(label) {
                return invalid(format!("arm '{label}' is listed twice"));
            }
        }
        Ok(Plan { workloads, arms, settings })
    }

    /// Every job in run order.
    ///
    /// Calibrations come first because workers need their loops. Then round
    /// `r` runs worker `r` of every (workload, arm), with the arms in order on
    /// even rounds and reversed on odd ones (A B, B A, A B, ...): slow drift
    /// of the machine (heat, other load) then hits every arm equally, and
    /// every pair gets the same number of values.
    pub fn steps(&self) -> Vec<Step> {
        let arms = self.arms.len();
        let mut steps = Vec::with_capacity(self.job_count());
        if self.settings.loops.is_none() {
            for workload in 0..self.workloads.len() {
                steps.extend((0..arms).map(|arm| Step { workload, arm, worker: None }));
            }
        }
        for round in 0..self.settings.processes {
            for workload in 0..self.workloads.len() {
                for position in 0..arms {
                    let arm = if round % 2 == 0 { position } else { arms - 1 - position };
                    steps.push(Step { workload, arm, worker: Some(round) });
                }
            }
        }
        steps
    }

    pub fn job_count(&self) -> usize {
        let pairs = self.workloads.len() * self.arms.len();
        let calibrations = if self.settings.loops.is_none() { pairs } else { 0 };
        calibrations + pairs * self.settings.processes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workload(name: &str) -> Workload {
        Workload { name: name.into(), file: "w.py".into(), suite: "s".into() }
    }

    fn plan(arms: &[&str], processes: usize, loops: Option<u64>) -> Plan {
        let settings = Settings { processes, loops, ..Preset::Fast.settings() };
        let arms = arms.iter().map(|v| Arm::rustpython(v, "dict")).collect();
        Plan::new(vec![workload("x"), workload("y")], arms, settings).expect("valid plan")
    }

    #[test]
    fn calibrations_first_then_abba_rounds() {
        let plan = plan(&["A", "B"], 3, None);
        let steps = plan.steps();
        assert_eq!(steps.len(), plan.job_count());
        let calibrations: Vec<(usize, usize)> =
            steps.iter().take_while(|s| s.worker.is_none()).map(|s| (s.workload, s.arm)).collect();
        assert_eq!(calibrations, [(0, 0), (0, 1), (1, 0), (1, 1)]);
        let order: String = steps
            .iter()
            .filter(|s| s.worker.is_some() && s.workload == 0)
            .map(|s| plan.arms[s.arm].variant.as_str())
            .collect();
        assert_eq!(order, "ABBAAB");
    }

    #[test]
    fn three_arms_alternate_direction() {
        let plan = plan(&["A", "B", "C"], 2, Some(10));
        let order: String =
            plan.steps().iter().filter(|s| s.workload == 1).map(|s| plan.arms[s.arm].variant.as_str()).collect();
        assert_eq!(order, "ABCCBA");
    }

    #[test]
    fn every_pair_gets_the_same_number_of_workers() {
        let plan = plan(&["A", "B", "C"], 5, None);
        let steps = plan.steps();
        for workload in 0..2 {
            for arm in 0..3 {
                let workers: Vec<usize> =
                    steps.iter().filter(|s| s.workload == workload && s.arm == arm).filter_map(|s| s.worker).collect();
                assert_eq!(workers, [0, 1, 2, 3, 4]);
            }
        }
    }

    #[test]
    fn invalid_plans_are_refused() {
        let settings = Preset::Fast.settings();
        let arms = vec![Arm::rustpython("A", "dict"), Arm::rustpython("A", "dict")];
        let err = Plan::new(vec![workload("x")], arms, settings).expect_err("duplicate");
        assert!(err.to_string().contains("listed twice"), "{err}");
        let err = Plan::new(vec![], vec![Arm::rustpython("A", "dict")], settings).expect_err("empty");
        assert!(err.to_string().contains("no workload"), "{err}");
    }

    #[test]
    fn presets_grow() {
        let [fast, default, rigorous] = [Preset::Fast, Preset::Default, Preset::Rigorous].map(Preset::settings);
        assert!(fast.processes * fast.values < default.processes * default.values);
        assert!(default.processes * default.values < rigorous.processes * rigorous.values);
    }
}
