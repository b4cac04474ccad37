//! What the emulated CAM looks like, and what the cost model charges for it.

use crate::defaults;
use crate::error::ConfigError;

/// Geometry, timing and cost figures of one emulated CAM.
///
/// Fields are public so a sweep can vary one of them:
/// `CamConfig { entries: 64, ..CamConfig::default() }`. Nothing checks a config until it
/// reaches [`CamDevice::new`](crate::CamDevice::new), [`replay`](crate::replay) or
/// [`CostModel::new`](crate::CostModel::new), which all call [`CamConfig::validate`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CamConfig {
    /// Rows in the CAM, shared by all tags. Default [`defaults::ENTRIES`].
    pub entries: usize,
    /// Low bits of the object id the CAM matches on (1..=64). Ids that agree on these bits
    /// alias; the emulator detects that and falls back to software. Default 64.
    pub key_bits: u32,
    /// Width of the per-memo tag (1..=16); `2^tag_bits` memos can hold a tag at once.
    /// Default [`defaults::TAG_BITS`] (ARM ASID).
    pub tag_bits: u32,
    /// Width of a row's value slot (1..=64). Only reported (row width); the emulator stores
    /// values of any type. Default [`defaults::VALUE_BITS`].
    pub value_bits: u32,
    /// Cycles for one search. Default [`defaults::LOOKUP_CYCLES`].
    pub lookup_cycles: u32,
    /// Cycles to write one row (an insert is a search plus a write). Default [`defaults::INSERT_CYCLES`].
    pub insert_cycles: u32,
    /// Cycles for one clear-by-tag. Default [`defaults::CLEAR_CYCLES`].
    pub clear_cycles: u32,
    /// Core clock in GHz, to convert nanoseconds to cycles. Default [`defaults::CLOCK_GHZ`].
    pub clock_ghz: f64,
    /// Energy per searched bit per search, in femtojoules. Default
    /// [`defaults::TCAM_1024X144_FJ_PER_BIT`].
    pub search_fj_per_bit: f64,
    /// One memo operation on a Python dict (the software baseline), in ns. Default
    /// [`defaults::PY_DICT_OP_NS_MIN`].
    pub sw_dict_op_ns: f64,
    /// One operation on the software spill table, in ns. Default [`defaults::HASHBROWN_LOOKUP_NS`].
    pub spill_op_ns: f64,
    /// Energy of one software dict operation, in picojoules, if known. No published figure
    /// is available, so the default is `None` and reports show software energy as not modelled.
    pub sw_dict_op_pj: Option<f64>,
}

impl Default for CamConfig {
    fn default() -> Self {
        Self {
            entries: defaults::ENTRIES,
            key_bits: defaults::KEY_BITS,
            tag_bits: defaults::TAG_BITS,
            value_bits: defaults::VALUE_BITS,
            lookup_cycles: defaults::LOOKUP_CYCLES,
            insert_cycles: defaults::INSERT_CYCLES,
            clear_cycles: defaults::CLEAR_CYCLES,
            clock_ghz: defaults::CLOCK_GHZ,
            search_fj_per_bit: defaults::TCAM_1024X144_FJ_PER_BIT,
            sw_dict_op_ns: defaults::PY_DICT_OP_NS_MIN,
            spill_op_ns: defaults::HASHBROWN_LOOKUP_NS,
            sw_dict_op_pj: None,
        }
    }
}

impl CamConfig {
    /// Checks every field; the first problem found is returned.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.entries == 0 {
            return Err(ConfigError::ZeroEntries);
        }
        if self.entries > defaults::MAX_ENTRIES {
            return Err(ConfigError::TooManyEntries { entries: self.entries, max: defaults::MAX_ENTRIES });
        }
        if !(1..=64).contains(&self.key_bits) {
            return Err(ConfigError::KeyBits { bits: self.key_bits });
        }
        if !(1..=defaults::MAX_TAG_BITS).contains(&self.tag_bits) {
            return Err(ConfigError::TagBits { bits: self.tag_bits });
        }
        if !(1..=64).contains(&self.value_bits) {
            return Err(ConfigError::ValueBits { bits: self.value_bits });
        }
        for (field, cycles) in [
            ("lookup_cycles", self.lookup_cycles),
            ("insert_cycles", self.insert_cycles),
            ("clear_cycles", self.clear_cycles),
        ] {
            if !(1..=defaults::MAX_LATENCY_CYCLES).contains(&cycles) {
                return Err(ConfigError::Latency { field, cycles });
            }
        }
        // `!(x > 0.0)` rather than `x <= 0.0` so that NaN is rejected too.
        if !(self.clock_ghz > 0.0 && self.clock_ghz <= 100.0) {
            return Err(ConfigError::Clock { ghz: self.clock_ghz });
        }
        let figures = [
            ("search_fj_per_bit", Some(self.search_fj_per_bit)),
            ("sw_dict_op_ns", Some(self.sw_dict_op_ns)),
            ("spill_op_ns", Some(self.spill_op_ns)),
            ("sw_dict_op_pj", self.sw_dict_op_pj),
        ];
        for (field, value) in figures {
            if let Some(value) = value
                && !(value.is_finite() && value >= 0.0)
            {
                return Err(ConfigError::CostFigure { field, value });
            }
        }
        Ok(())
    }

    /// Number of distinct hardware tags, `2^tag_bits`.
    pub fn tag_count(&self) -> u32 {
        1u32 << self.tag_bits.min(defaults::MAX_TAG_BITS)
    }

    /// Bits compared on every search: tag plus key.
    pub fn match_bits(&self) -> u32 {
        self.tag_bits + self.key_bits
    }

    /// Bits stored per row: tag, key and value slot.
    pub fn row_bits(&self) -> u32 {
        self.tag_bits + self.key_bits + self.value_bits
    }

    /// Converts a duration in nanoseconds into core cycles at [`CamConfig::clock_ghz`].
    pub fn ns_to_cycles(&self, ns: f64) -> f64 {
        ns * self.clock_ghz
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(config: CamConfig) -> String {
        match config.validate() {
            Ok(()) => String::from("<valid>"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn default_is_valid() {
        assert_eq!(CamConfig::default().validate(), Ok(()));
    }

    #[test]
    fn zero_and_huge_entries_say_what_to_use() {
        let zero = message(CamConfig { entries: 0, ..CamConfig::default() });
        assert!(zero.contains("at least 1 row") && zero.contains("1024"), "{zero}");
        let huge = message(CamConfig { entries: (1 << 24) + 1, ..CamConfig::default() });
        assert!(huge.contains("16777217") && huge.contains("between 1 and 16777216"), "{huge}");
        assert_eq!(CamConfig { entries: 1 << 24, ..CamConfig::default() }.validate(), Ok(()));
    }

    #[test]
    fn bit_widths_out_of_range_name_the_valid_range() {
        for bits in [0, 65] {
            let text = message(CamConfig { key_bits: bits, ..CamConfig::default() });
            assert!(text.starts_with(&format!("key_bits = {bits}")) && text.contains("1..=64"), "{text}");
            let text = message(CamConfig { value_bits: bits, ..CamConfig::default() });
            assert!(text.contains("value_bits") && text.contains("1..=64"), "{text}");
        }
        for bits in [0, 17] {
            let text = message(CamConfig { tag_bits: bits, ..CamConfig::default() });
            assert!(text.contains("1..=16") && text.contains("ASID"), "{text}");
        }
    }

    #[test]
    fn latencies_must_be_positive_and_bounded() {
        let text = message(CamConfig { lookup_cycles: 0, ..CamConfig::default() });
        assert!(text.starts_with("lookup_cycles = 0 cycles") && text.contains("1..=100000"), "{text}");
        let text = message(CamConfig { clear_cycles: 100_001, ..CamConfig::default() });
        assert!(text.starts_with("clear_cycles"), "{text}");
    }

    #[test]
    fn clock_rejects_zero_negative_nan_and_infinity() {
        for ghz in [0.0, -1.0, f64::NAN, f64::INFINITY, 101.0] {
            let text = message(CamConfig { clock_ghz: ghz, ..CamConfig::default() });
            assert!(text.contains("not a usable clock") && text.contains("e.g. 3"), "{ghz}: {text}");
        }
    }

    #[test]
    fn cost_figures_must_be_finite_and_non_negative() {
        let text = message(CamConfig { sw_dict_op_ns: f64::NAN, ..CamConfig::default() });
        assert!(text.starts_with("sw_dict_op_ns = NaN"), "{text}");
        let text = message(CamConfig { sw_dict_op_pj: Some(-1.0), ..CamConfig::default() });
        assert!(text.starts_with("sw_dict_op_pj = -1"), "{text}");
    }

    #[test]
    fn widths_and_conversions() {
        let config = CamConfig::default();
        assert_eq!(config.tag_count(), 256);
        assert_eq!(config.match_bits(), 72);
        assert_eq!(config.row_bits(), 136);
        assert_eq!(config.ns_to_cycles(22.0), 66.0);
    }
}
