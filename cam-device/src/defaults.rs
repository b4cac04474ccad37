//! The one table of figures behind [`CamConfig::default`](crate::CamConfig) and the cost model.
//!
//! **Every figure here is an estimate.** Numbers are copied as published in the literature
//! and vendor material the project collected in its steering notes ("published": CAM and
//! TCAM circuit papers, FPGA CAM IP data sheets, CPU manuals for TLB sizes and ASID/PCID
//! widths, latency tables for caches and DRAM, Python and hashbrown micro-benchmarks); where
//! a default had to be
//! *derived* or *assumed*, the doc comment says so and shows the arithmetic. Change a default
//! here, not at its use site, so reports and the diagram stay consistent.
//!
//! The defaults lean conservative: where two published figures disagree, the default takes
//! the one less flattering to the CAM (slower search, more energy, faster software dict).

// ---------------------------------------------------------------------------------------
// Geometry
// ---------------------------------------------------------------------------------------

/// Rows in the default CAM: 1024. Source: the requested default; matches the row
/// count of the published 1024 x 144 TCAM below, whose latency and energy we use.
pub const ENTRIES: usize = 1024;

/// Largest CAM the emulator accepts: 2^24 rows. Not a hardware figure — a sanity bound so
/// a typo (e.g. `1e12`) fails validation instead of exhausting memory. Real fully
/// associative arrays are far smaller (see [`TLB_ENTRIES_MIN`]).
pub const MAX_ENTRIES: usize = 1 << 24;

/// Fully associative TLBs — the everyday CAM — hold 32-64 entries. Source: published figure.
pub const TLB_ENTRIES_MIN: usize = 32;
/// Upper end of the TLB range; also the Zen 2 L1 DTLB size (64 entries). Source: published figure.
pub const TLB_ENTRIES_MAX: usize = 64;

/// Default tag width: 8 bits, as in the ARM ASID (address-space id). 256 memos can hold a
/// hardware tag at once. Source: published figure.
pub const TAG_BITS: u32 = 8;
/// x86 PCID width, 12 bits: the larger published tag. Source: published figure.
pub const X86_PCID_BITS: u32 = 12;
/// Widest tag the emulator accepts. Not a hardware figure: tags are held in a `u16`, and
/// 16 bits is already beyond both published tag widths.
pub const MAX_TAG_BITS: u32 = 16;

/// Default key width: the full 64-bit object id, so there is no aliasing unless a narrower
/// key is configured. Derived: 8 tag + 64 key + 64 value = 136 bits, which fits the 144-bit
/// rows of the published circuits ([`PUBLISHED_ROW_BITS`]).
pub const KEY_BITS: u32 = 64;
/// Default value slot: 64 bits, one pointer to the copy. Assumed (a 64-bit address).
pub const VALUE_BITS: u32 = 64;
/// Row width of both published CAM circuits: 144 bits. Source: published figure.
pub const PUBLISHED_ROW_BITS: u32 = 144;

// ---------------------------------------------------------------------------------------
// Published CAM circuits (a CAM compares the key with every row at once, one search per clock)
// ---------------------------------------------------------------------------------------

/// 256 x 144-bit binary CAM: 361.6 ps per search. Source: published CAM circuit.
/// The optimistic figure: at [`CLOCK_GHZ`] it is ceil(0.3616 ns x 3 GHz) = 2 cycles, but
/// for a quarter of the default rows.
pub const BINARY_CAM_256X144_SEARCH_NS: f64 = 0.3616;
/// 256 x 144-bit binary CAM: 0.115 fJ per bit per search. Source: published CAM circuit.
pub const BINARY_CAM_256X144_FJ_PER_BIT: f64 = 0.115;
/// 1024 x 144 TCAM: 7 ns per search. Source: published CAM circuit.
pub const TCAM_1024X144_SEARCH_NS: f64 = 7.0;
/// 1024 x 144 TCAM: 2.89 fJ per bit per search. Source: published CAM circuit.
/// Used as the default search energy because it matches the default row count.
pub const TCAM_1024X144_FJ_PER_BIT: f64 = 2.89;
/// FPGA binary CAM IP: one lookup per clock, 8 cycles latency at best. Source: published figure.
pub const FPGA_CAM_LATENCY_CYCLES_MIN: u32 = 8;
/// FPGA binary CAM IP: up to 21 cycles latency. Source: published figure.
pub const FPGA_CAM_LATENCY_CYCLES_MAX: u32 = 21;

/// Core clock: 3.0 GHz. **Assumed** — a typical desktop core clock; no published figure used.
/// Only used to turn nanosecond figures into cycles.
pub const CLOCK_GHZ: f64 = 3.0;

/// Default search latency: 21 cycles. Derived: the size-matched 1024-row TCAM takes 7 ns,
/// and ceil(7 ns x 3 GHz) = 21 cycles, which is also the top of the FPGA IP range (8-21).
/// Deliberately pessimistic; the 256-row binary CAM would give 2 cycles.
pub const LOOKUP_CYCLES: u32 = 21;
/// Default row write latency: 21 cycles. **Assumed** equal to a search (a write drives the
/// same search/bit lines); no published write figure. An insert costs a search (to find a
/// duplicate key) plus a write.
pub const INSERT_CYCLES: u32 = 21;
/// Default clear-by-tag latency: 21 cycles. **Assumed**: one parallel compare on the tag
/// field that resets the valid bit of every matching row — the cost of one search.
pub const CLEAR_CYCLES: u32 = 21;
/// Largest latency the emulator accepts: 100 000 cycles. Not a hardware figure: enough to
/// model a CAM behind MMIO (5 us at 20 GHz) while rejecting typos.
pub const MAX_LATENCY_CYCLES: u32 = 100_000;

// ---------------------------------------------------------------------------------------
// Software side
// ---------------------------------------------------------------------------------------

/// A Python-level dict lookup takes ~22-37 ns; this is the low end. Source: published figure.
/// The low end is the default software cost, so the CAM's advantage is not overstated.
pub const PY_DICT_OP_NS_MIN: f64 = 22.0;
/// High end of the Python-level dict lookup range. Source: published figure.
pub const PY_DICT_OP_NS_MAX: f64 = 37.0;
/// A hashbrown lookup on 1000 keys takes ~4 ns. Source: published figure. Used as the cost of
/// one operation on the software spill table (a native hash table, hot in cache).
pub const HASHBROWN_LOOKUP_NS: f64 = 4.0;

/// L1 hit latency, ~4 cycles. Source: published figure.
pub const L1_CYCLES: u32 = 4;
/// L2 hit latency, ~12 cycles. Source: published figure.
pub const L2_CYCLES: u32 = 12;
/// L3 hit latency, ~44 cycles. Source: published figure.
pub const L3_CYCLES: u32 = 44;
/// DRAM access, 60-120 ns: low end. Source: published figure.
pub const DRAM_NS_MIN: f64 = 60.0;
/// DRAM access, high end. Source: published figure.
pub const DRAM_NS_MAX: f64 = 120.0;
/// An MMIO read takes 1-5 us: low end. Source: published figure. Even the low end is ~45x a
/// Python dict lookup, which is why the CAM must sit at the core, driven by instructions.
pub const MMIO_READ_NS_MIN: f64 = 1_000.0;
/// MMIO read, high end. Source: published figure.
pub const MMIO_READ_NS_MAX: f64 = 5_000.0;

/// In pure-Python deepcopy each list/dict copied costs ~4 memo operations (`memo.get`,
/// `memo[id(x)] = y` in the copier, `memo[d] = y`, and `_keep_alive`). Source: published
/// CPython experiment; shape of [`Trace::deepcopy_like`](crate::Trace::deepcopy_like).
pub const MEMO_OPS_PER_CONTAINER: u32 = 4;

/// Whole-program gains reported for hash-table accelerators: 10-20 %, low end. Source:
/// published figure. A sanity check for the Amdahl ceiling, not an input to it.
pub const LITERATURE_WHOLE_PROGRAM_GAIN_MIN: f64 = 0.10;
/// Whole-program gains reported for hash-table accelerators, high end. Source: published figure.
pub const LITERATURE_WHOLE_PROGRAM_GAIN_MAX: f64 = 0.20;

/// The software-master-table design: a JavaScript hashtable accelerator (US patent
/// 9,063,749 B2, "Hardware support for hashtables in dynamic languages") keeps a master
/// table in software and pushes entries to the hardware table on a miss. The emulator's
/// spill table and refill-on-spill-hit follow it.
pub const SPILL_DESIGN_SOURCE: &str = "US 9,063,749 B2, Hardware support for hashtables in dynamic languages";

// Consistency of the table, checked at compile time.
const _: () = assert!(LOOKUP_CYCLES >= FPGA_CAM_LATENCY_CYCLES_MIN && LOOKUP_CYCLES <= FPGA_CAM_LATENCY_CYCLES_MAX);
const _: () = assert!(TAG_BITS + KEY_BITS + VALUE_BITS <= PUBLISHED_ROW_BITS);
const _: () = assert!(TAG_BITS <= MAX_TAG_BITS && X86_PCID_BITS <= MAX_TAG_BITS);
const _: () = assert!(ENTRIES <= MAX_ENTRIES);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_lookup_latency_matches_its_published_inputs() {
        let derived = (TCAM_1024X144_SEARCH_NS * CLOCK_GHZ).ceil();
        assert_eq!(derived, f64::from(LOOKUP_CYCLES));
    }
}
