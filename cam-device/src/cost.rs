//! What the recorded work would cost on the CAM path and on a plain Python dict, and what
//! that could mean for a whole deepcopy (Amdahl's law).
//!
//! # Formulas
//!
//! With `f` = [`CamConfig::clock_ghz`] (cycles per ns) and counters from [`CamStats`]:
//!
//! * CAM array cycles = `cam_searches x lookup_cycles + cam_writes x insert_cycles + cam_clears x clear_cycles`
//! * spill cycles = `software_ops x spill_op_ns x f`
//! * CAM path cycles = CAM array cycles + spill cycles
//! * software-dict cycles = `memo_ops x sw_dict_op_ns x f` (one dict operation per lookup,
//!   insert, update, remove and clear; closing a context is charged nothing, which
//!   favours the dict)
//! * memo-op speedup `k` = software-dict cycles / CAM path cycles (1 when there were no memo ops)
//! * cycles saved = software-dict cycles - CAM path cycles (negative: the CAM path is slower)
//! * CAM array energy (pJ) = `(cam_searches + cam_clears) x entries x (tag_bits + key_bits) x search_fj_per_bit / 1000`
//!   — every search compares every row; writes are not modelled (no published figure)
//! * whole-program speedup ceiling, for a measured memo share `s` of deepcopy time:
//!   `S = 1 / ((1 - s) + s / k)`, and the hard limit with an infinitely fast memo: `1 / (1 - s)`
//!
//! # Limits
//!
//! `k` assumes memo operations are issued as CAM instructions directly by the interpreter
//! (the point of a core-attached CAM). If they still pass through Python-level calls, that
//! dispatch cost stays on both paths and the true `k` is smaller. Cache behaviour of the
//! spill table is not modelled: its operations are priced as hot-cache hashbrown probes.

use std::fmt::Write as _;

use crate::config::CamConfig;
use crate::defaults;
use crate::error::CostError;
use crate::stats::CamStats;
use serde::Serialize;

/// Cycles spent on memo operations by the CAM path and by the software-dict baseline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathCycles {
    /// Searches, writes and clears in the CAM array.
    pub cam_array: f64,
    /// Operations on software spill tables.
    pub spill: f64,
    /// The same memo operations on a Python dict.
    pub software_dict: f64,
}

impl PathCycles {
    /// Prices `stats` with the figures in `config` (see the module docs for the formulas).
    pub fn of(stats: &CamStats, config: &CamConfig) -> Self {
        let cam_array = stats.cam_searches as f64 * f64::from(config.lookup_cycles)
            + stats.cam_writes as f64 * f64::from(config.insert_cycles)
            + stats.cam_clears as f64 * f64::from(config.clear_cycles);
        let spill = config.ns_to_cycles(stats.software_ops as f64 * config.spill_op_ns);
        let software_dict = config.ns_to_cycles(stats.memo_ops() as f64 * config.sw_dict_op_ns);
        Self { cam_array, spill, software_dict }
    }

    /// CAM array plus spill cycles.
    pub fn cam_path(&self) -> f64 {
        self.cam_array + self.spill
    }

    /// `k`: how many times faster the memo operations ran on the CAM path than on a dict.
    /// 1 when there was no memo work; infinite if the CAM path cost nothing.
    pub fn memo_op_speedup(&self) -> f64 {
        if self.software_dict <= 0.0 {
            1.0
        } else if self.cam_path() <= 0.0 {
            f64::INFINITY
        } else {
            self.software_dict / self.cam_path()
        }
    }
}

/// Whole-program speedup when a share `memo_share` of the time gets `k` times faster:
/// `1 / ((1 - s) + s / k)`. Infinite `k` gives the hard limit.
pub fn amdahl_speedup(memo_share: f64, k: f64) -> f64 {
    1.0 / ((1.0 - memo_share) + memo_share / k)
}

/// The hard limit `1 / (1 - s)`: the speedup if memo operations took no time at all.
pub fn amdahl_limit(memo_share: f64) -> f64 {
    1.0 / (1.0 - memo_share)
}

/// Prices stats from a device or a replay, given the measured share of deepcopy time
/// spent in memo operations.
#[derive(Debug, Clone, PartialEq)]
pub struct CostModel {
    config: CamConfig,
    memo_share: f64,
}

impl CostModel {
    /// `memo_share` must be in [0, 1]; `config` must validate.
    pub fn new(config: &CamConfig, memo_share: f64) -> Result<Self, CostError> {
        config.validate()?;
        if !(0.0..=1.0).contains(&memo_share) {
            return Err(CostError::MemoShare { share: memo_share });
        }
        Ok(Self { config: config.clone(), memo_share })
    }

    /// The report for one run.
    pub fn report(&self, stats: &CamStats) -> CostReport {
        let config = &self.config;
        let cycles = PathCycles::of(stats, config);
        let k = cycles.memo_op_speedup();
        let bits_per_search = config.entries as f64 * f64::from(config.match_bits());
        let searches = (stats.cam_searches + stats.cam_clears) as f64;
        let cam_array_energy_pj = searches * bits_per_search * config.search_fj_per_bit / 1000.0;
        let per_op_pj = config.sw_dict_op_pj;
        CostReport {
            memo_ops: stats.memo_ops(),
            cycles,
            cycles_saved: cycles.software_dict - cycles.cam_path(),
            memo_op_speedup: k,
            cam_array_energy_pj,
            spill_energy_pj: per_op_pj.map(|pj| stats.software_ops as f64 * pj),
            software_dict_energy_pj: per_op_pj.map(|pj| stats.memo_ops() as f64 * pj),
            memo_share: self.memo_share,
            amdahl_speedup: amdahl_speedup(self.memo_share, k),
            amdahl_limit: amdahl_limit(self.memo_share),
            mmio_memo_op_speedup: config.sw_dict_op_ns / defaults::MMIO_READ_NS_MIN,
        }
    }
}

/// Cycles, energy and the Amdahl ceiling for one run; see the module docs for the formulas.
#[derive(Debug, Clone, PartialEq)]
pub struct CostReport {
    /// Memo operations a dict would have done.
    pub memo_ops: u64,
    /// Cycles per path.
    pub cycles: PathCycles,
    /// Software-dict cycles minus CAM path cycles.
    pub cycles_saved: f64,
    /// `k`, the memo-operation speedup.
    pub memo_op_speedup: f64,
    /// Search energy of the CAM array, in pJ.
    pub cam_array_energy_pj: f64,
    /// Energy of spill-table operations, if a software per-operation energy is configured.
    pub spill_energy_pj: Option<f64>,
    /// Energy of the software-dict baseline, if a software per-operation energy is configured.
    pub software_dict_energy_pj: Option<f64>,
    /// The measured share `s` of deepcopy time spent in memo operations.
    pub memo_share: f64,
    /// `1 / ((1 - s) + s / k)`.
    pub amdahl_speedup: f64,
    /// `1 / (1 - s)`; infinite when `s` = 1.
    pub amdahl_limit: f64,
    /// `k` if every memo operation were an MMIO read at the fast end (1 us) instead:
    /// dict time / MMIO time. Far below 1, which is why the CAM must sit at the core.
    pub mmio_memo_op_speedup: f64,
}

impl CostReport {
    /// A human-readable table.
    pub fn render_table(&self) -> String {
        let energy = |pj: Option<f64>| match pj {
            Some(pj) => format!("{pj:.1} pJ"),
            None => String::from("not modelled (no published figure)"),
        };
        let gain = |speedup: f64| {
            if speedup.is_finite() {
                format!("{speedup:.3}x ({:+.1} %)", 100.0 * (speedup - 1.0))
            } else {
                String::from("unbounded (s = 1)")
            }
        };
        let rows = [
            ("memo operations", self.memo_ops.to_string()),
            ("CAM path cycles", format!("{:.0}", self.cycles.cam_path())),
            ("  CAM array", format!("{:.0}", self.cycles.cam_array)),
            ("  spill tables", format!("{:.0}", self.cycles.spill)),
            ("software dict cycles", format!("{:.0}", self.cycles.software_dict)),
            ("cycles saved", format!("{:.0}", self.cycles_saved)),
            ("memo-op speedup k", format!("{:.2}x", self.memo_op_speedup)),
            ("CAM array energy", format!("{:.1} pJ", self.cam_array_energy_pj)),
            ("spill energy", energy(self.spill_energy_pj)),
            ("software dict energy", energy(self.software_dict_energy_pj)),
            ("memo share s", format!("{:.1} %", 100.0 * self.memo_share)),
            ("whole-program ceiling", gain(self.amdahl_speedup)),
            ("hard limit 1/(1-s)", gain(self.amdahl_limit)),
            ("k if MMIO-attached (1 us)", format!("{:.3}x", self.mmio_memo_op_speedup)),
        ];
        let mut text = String::from("CAM cost model (estimates; figures in cam_device::defaults)\n");
        for (label, value) in rows {
            let _ = writeln!(text, "  {label:<28} {value:>20}");
        }
        let _ = writeln!(
            text,
            "  for comparison, hash-table accelerators in the literature gain {:.0}-{:.0} % whole-program",
            100.0 * defaults::LITERATURE_WHOLE_PROGRAM_GAIN_MIN,
            100.0 * defaults::LITERATURE_WHOLE_PROGRAM_GAIN_MAX
        );
        text
    }

    /// All fields as one flat JSON object; infinities and unmodelled figures are `null`.
    pub fn to_json(&self) -> String {
        crate::json_text(&self.to_json_value())
    }

    /// [`Self::to_json`] as a value, to nest in a larger report.
    pub fn to_json_value(&self) -> serde_json::Value {
        #[derive(Serialize)]
        struct Flat<'a> {
            memo_ops: u64,
            cam_path_cycles: f64,
            cam_array_cycles: f64,
            spill_cycles: f64,
            software_dict_cycles: f64,
            cycles_saved: f64,
            memo_op_speedup: f64,
            cam_array_energy_pj: f64,
            spill_energy_pj: &'a Option<f64>,
            software_dict_energy_pj: &'a Option<f64>,
            memo_share: f64,
            amdahl_speedup: f64,
            amdahl_limit: f64,
            mmio_memo_op_speedup: f64,
        }
        let flat = Flat {
            memo_ops: self.memo_ops,
            cam_path_cycles: self.cycles.cam_path(),
            cam_array_cycles: self.cycles.cam_array,
            spill_cycles: self.cycles.spill,
            software_dict_cycles: self.cycles.software_dict,
            cycles_saved: self.cycles_saved,
            memo_op_speedup: self.memo_op_speedup,
            cam_array_energy_pj: self.cam_array_energy_pj,
            spill_energy_pj: &self.spill_energy_pj,
            software_dict_energy_pj: &self.software_dict_energy_pj,
            memo_share: self.memo_share,
            amdahl_speedup: self.amdahl_speedup,
            amdahl_limit: self.amdahl_limit,
            mmio_memo_op_speedup: self.mmio_memo_op_speedup,
        };
        serde_json::to_value(&flat).expect("numbers always serialize")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn prices_each_counter_with_its_figure() -> Result<(), CostError> {
        let config = CamConfig::default(); // 21/21/21 cycles, 3 GHz, dict 22 ns, spill 4 ns
        let stats = CamStats {
            lookups: 10,
            inserts: 4,
            cam_searches: 14,
            cam_writes: 4,
            cam_clears: 1,
            software_ops: 3,
            ..CamStats::default()
        };
        let report = CostModel::new(&config, 0.5)?.report(&stats);
        assert_eq!(report.cycles.cam_array, (14.0 + 4.0 + 1.0) * 21.0);
        assert!(close(report.cycles.spill, 3.0 * 4.0 * 3.0));
        assert!(close(report.cycles.software_dict, 14.0 * 22.0 * 3.0));
        let k = 924.0 / 435.0;
        assert!(close(report.memo_op_speedup, k));
        assert!(close(report.cycles_saved, 924.0 - 435.0));
        assert!(close(report.amdahl_speedup, 1.0 / (0.5 + 0.5 / k)));
        assert_eq!(report.amdahl_limit, 2.0);
        // 15 searches x 1024 rows x 72 bits x 2.89 fJ
        assert!(close(report.cam_array_energy_pj, 15.0 * 1024.0 * 72.0 * 2.89 / 1000.0));
        assert_eq!(report.software_dict_energy_pj, None);
        assert!(close(report.mmio_memo_op_speedup, 0.022));
        Ok(())
    }

    #[test]
    fn amdahl_edges() {
        assert_eq!(amdahl_speedup(0.0, 10.0), 1.0);
        assert_eq!(amdahl_speedup(0.5, 2.0), 1.0 / 0.75);
        assert_eq!(amdahl_speedup(0.2, f64::INFINITY), amdahl_limit(0.2));
        assert!(amdahl_speedup(0.5, 0.5) < 1.0, "a slower CAM path is a slowdown");
        assert_eq!(amdahl_limit(1.0), f64::INFINITY);
    }

    #[test]
    fn no_memo_work_means_no_speedup() -> Result<(), CostError> {
        let report = CostModel::new(&CamConfig::default(), 0.3)?.report(&CamStats::default());
        assert_eq!(report.memo_op_speedup, 1.0);
        assert!(close(report.amdahl_speedup, 1.0));
        Ok(())
    }

    #[test]
    fn memo_share_must_be_a_fraction() {
        for share in [-0.1, 1.5, f64::NAN] {
            let error = CostModel::new(&CamConfig::default(), share).err().map(|e| e.to_string());
            assert!(error.is_some_and(|m| m.contains("in [0, 1]")), "{share}");
        }
        let bad = CamConfig { clock_ghz: 0.0, ..CamConfig::default() };
        assert!(matches!(CostModel::new(&bad, 0.5), Err(CostError::Config(_))));
    }

    #[test]
    fn renders_table_and_json_with_unmodelled_energy_as_null() -> Result<(), CostError> {
        let stats = CamStats { lookups: 1, cam_searches: 1, ..CamStats::default() };
        let report = CostModel::new(&CamConfig::default(), 1.0)?.report(&stats);
        let json = report.to_json();
        assert!(json.contains(r#""software_dict_energy_pj": null"#) && json.contains(r#""amdahl_limit": null"#));
        let table = report.render_table();
        assert!(table.contains("not modelled") && table.contains("10-20 %"), "{table}");
        Ok(())
    }
}
