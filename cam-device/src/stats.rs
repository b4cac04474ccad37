//! Counters kept by a [`CamDevice`](crate::CamDevice) as it runs.
//!
//! Two groups: what the memo's user asked for (lookups, inserts, ...), and what the
//! emulated hardware and its software fallback did to answer (searches, writes, spill-table
//! operations). The cost model prices only the second group, plus the first for the
//! software-dict baseline.

use std::fmt::Write as _;

use serde::Serialize;

/// Operation and capacity counters. All fields count events since the device was created
/// or [`reset`](crate::CamDevice::reset_stats).
///
/// Identities that always hold:
/// * `cam_hits + cam_misses` = lookups on contexts that hold a hardware tag;
/// * `cam_hits + spill_hits + absent_lookups()` = `lookups`;
/// * `spill_hits + spill_misses` = lookups that had to consult a spill table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CamStats {
    // --- what the memo's user asked for ---
    /// Lookups (`memo.get`, `memo[k]`, `k in memo`).
    pub lookups: u64,
    /// Inserts of a key not yet present.
    pub inserts: u64,
    /// Inserts of a key already present (its value was replaced, its position kept).
    pub updates: u64,
    /// Removes that found the key (`memo.pop`).
    pub removes: u64,
    /// Removes of a key that was not present.
    pub remove_misses: u64,
    /// Explicit clears of a context (`memo.clear()`); closing a context is not counted here.
    pub clears: u64,
    /// Contexts opened.
    pub contexts_opened: u64,
    /// Contexts closed.
    pub contexts_closed: u64,

    // --- where lookups were answered ---
    /// Lookups answered by a CAM row holding the exact key.
    pub cam_hits: u64,
    /// Lookups on a tagged context that no CAM row answered (absent, aliased or spilled key).
    pub cam_misses: u64,
    /// Lookups answered by a spill table.
    pub spill_hits: u64,
    /// Lookups that consulted a spill table and did not find the key there either.
    pub spill_misses: u64,

    // --- capacity ---
    /// Entries placed in a software spill table: CAM full, key aliased, or context untagged.
    pub spills: u64,
    /// Spilled entries moved back into a free CAM row on a spill hit.
    pub refills: u64,
    /// Contexts opened while every hardware tag was in use; they run entirely in software.
    pub tag_exhaustions: u64,
    /// Searches that matched a row on (tag, low key bits) holding a different full key.
    pub alias_conflicts: u64,
    /// Most CAM rows in use at once.
    pub peak_occupancy: u64,
    /// Sum of CAM rows in use, sampled after every operation (see [`CamStats::mean_occupancy`]).
    #[serde(skip)]
    pub occupancy_sum: u128,
    /// Number of occupancy samples.
    pub occupancy_samples: u64,

    // --- work done, for the cost model ---
    /// CAM searches (every lookup and insert on a tagged context, every remove there).
    pub cam_searches: u64,
    /// CAM row writes (new rows, value updates, invalidations by remove, refills).
    pub cam_writes: u64,
    /// Clear-by-tag operations (explicit clears and closes of tagged contexts).
    pub cam_clears: u64,
    /// Operations on software spill tables (probes, inserts, removes, clears).
    pub software_ops: u64,
}

impl CamStats {
    /// Lookups that found their key, in the CAM or a spill table.
    pub fn hits(&self) -> u64 {
        self.cam_hits.saturating_add(self.spill_hits)
    }

    /// Lookups whose key was not in the memo at all.
    pub fn absent_lookups(&self) -> u64 {
        self.lookups.saturating_sub(self.hits())
    }

    /// Memo operations a plain dict would have performed: lookups, inserts, updates,
    /// removes (found or not) and clears.
    pub fn memo_ops(&self) -> u64 {
        [self.lookups, self.inserts, self.updates, self.removes, self.remove_misses, self.clears]
            .into_iter()
            .fold(0, u64::saturating_add)
    }

    /// Share of lookups answered by a CAM hit; 0 when there were no lookups.
    pub fn cam_hit_rate(&self) -> f64 {
        ratio(self.cam_hits, self.lookups)
    }

    /// Share of lookups answered by the CAM alone — a hit, or a definite miss on a context
    /// that had nothing spilled — without touching a spill table; 0 when there were no lookups.
    pub fn cam_resolved_rate(&self) -> f64 {
        let software = self.spill_hits.saturating_add(self.spill_misses);
        ratio(self.lookups.saturating_sub(software), self.lookups)
    }

    /// Mean CAM rows in use over all sampled operations; 0 before the first operation.
    pub fn mean_occupancy(&self) -> f64 {
        if self.occupancy_samples == 0 { 0.0 } else { self.occupancy_sum as f64 / self.occupancy_samples as f64 }
    }

    /// A two-column, human-readable table.
    pub fn render_table(&self) -> String {
        let percent = |part: u64| format!("{} ({:.1} %)", part, 100.0 * ratio(part, self.lookups));
        let rows: [(&str, String); 25] = [
            ("lookups", self.lookups.to_string()),
            ("  CAM hits", percent(self.cam_hits)),
            ("  CAM misses", percent(self.cam_misses)),
            ("  spill hits", percent(self.spill_hits)),
            ("  spill misses", percent(self.spill_misses)),
            ("  key absent", percent(self.absent_lookups())),
            ("  resolved by CAM alone", format!("{:.1} %", 100.0 * self.cam_resolved_rate())),
            ("inserts", self.inserts.to_string()),
            ("updates", self.updates.to_string()),
            ("removes", self.removes.to_string()),
            ("remove misses", self.remove_misses.to_string()),
            ("clears", self.clears.to_string()),
            ("contexts opened", self.contexts_opened.to_string()),
            ("contexts closed", self.contexts_closed.to_string()),
            ("spills (entries to software)", self.spills.to_string()),
            ("refills (software to CAM)", self.refills.to_string()),
            ("tag exhaustions", self.tag_exhaustions.to_string()),
            ("alias conflicts", self.alias_conflicts.to_string()),
            ("peak occupancy (rows)", self.peak_occupancy.to_string()),
            ("mean occupancy (rows)", format!("{:.1}", self.mean_occupancy())),
            ("CAM searches", self.cam_searches.to_string()),
            ("CAM writes", self.cam_writes.to_string()),
            ("CAM clears by tag", self.cam_clears.to_string()),
            ("spill-table operations", self.software_ops.to_string()),
            ("memo ops (dict baseline)", self.memo_ops().to_string()),
        ];
        let mut text = String::from("CAM device statistics\n");
        for (label, value) in rows {
            let _ = writeln!(text, "  {label:<30} {value:>16}");
        }
        text
    }

    /// Every counter plus the derived figures, as one flat JSON object (a non-finite mean
    /// occupancy is `null`).
    pub fn to_json(&self) -> String {
        crate::json_text(&self.to_json_value())
    }

    /// [`Self::to_json`] as a value, to nest in a larger report.
    pub fn to_json_value(&self) -> serde_json::Value {
        #[derive(Serialize)]
        struct Flat<'a> {
            #[serde(flatten)]
            counters: &'a CamStats,
            mean_occupancy: f64,
            memo_ops: u64,
            cam_hit_rate: f64,
            cam_resolved_rate: f64,
        }
        let flat = Flat {
            counters: self,
            mean_occupancy: self.mean_occupancy(),
            memo_ops: self.memo_ops(),
            cam_hit_rate: self.cam_hit_rate(),
            cam_resolved_rate: self.cam_resolved_rate(),
        };
        serde_json::to_value(&flat).expect("numbers always serialize")
    }

    /// Records the CAM's occupancy after an operation.
    pub(crate) fn sample_occupancy(&mut self, rows_in_use: usize) {
        let rows = rows_in_use as u64;
        self.peak_occupancy = self.peak_occupancy.max(rows);
        self.occupancy_sum += u128::from(rows);
        self.occupancy_samples += 1;
    }
}

fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> CamStats {
        CamStats {
            lookups: 10,
            cam_hits: 4,
            cam_misses: 6,
            spill_hits: 2,
            spill_misses: 1,
            inserts: 5,
            updates: 1,
            clears: 1,
            ..CamStats::default()
        }
    }

    #[test]
    fn derived_figures() {
        let stats = sample();
        assert_eq!(stats.hits(), 6);
        assert_eq!(stats.absent_lookups(), 4);
        assert_eq!(stats.memo_ops(), 17);
        assert_eq!(stats.cam_hit_rate(), 0.4);
        assert_eq!(stats.cam_resolved_rate(), 0.7);
        assert_eq!(CamStats::default().cam_hit_rate(), 0.0);
        assert_eq!(CamStats::default().mean_occupancy(), 0.0);
    }

    #[test]
    fn occupancy_mean_and_peak() {
        let mut stats = CamStats::default();
        for rows in [1, 3, 2] {
            stats.sample_occupancy(rows);
        }
        assert_eq!(stats.peak_occupancy, 3);
        assert_eq!(stats.mean_occupancy(), 2.0);
    }

    #[test]
    fn json_has_every_counter_once() {
        let json = sample().to_json();
        assert!(json.starts_with('{') && json.ends_with('}'));
        assert!(json.contains(r#""lookups": 10"#) && json.contains(r#""cam_hit_rate": 0.4"#), "{json}");
        assert_eq!(json.matches(':').count(), 26);
        assert_eq!(json.matches("\"lookups\"").count(), 1);
    }

    #[test]
    fn table_lists_counters_with_percentages() {
        let table = sample().render_table();
        assert!(table.contains("CAM hits") && table.contains("4 (40.0 %)"), "{table}");
        assert!(table.contains("alias conflicts"));
    }
}
