//! Typed errors. Messages say what was wrong and what to do instead, because they end up
//! verbatim in `copylab cam ...` output.

use thiserror::Error;

use crate::defaults;

/// A [`CamConfig`](crate::CamConfig) value that the emulator cannot model.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ConfigError {
    /// `entries` is zero.
    #[error(
        "entries is 0: a CAM needs at least 1 row; use e.g. {default} (the default) or {tlb} (a TLB-sized CAM)",
        default = defaults::ENTRIES,
        tlb = defaults::TLB_ENTRIES_MAX
    )]
    ZeroEntries,
    /// `entries` is above [`defaults::MAX_ENTRIES`].
    #[error(
        "entries = {entries} is more than the emulator's maximum of {max} (2^24); real fully \
         associative CAMs hold tens to ~1000 rows, so choose a value between 1 and {max}"
    )]
    TooManyEntries {
        /// The rejected value.
        entries: usize,
        /// The largest accepted value.
        max: usize,
    },
    /// `key_bits` outside 1..=64.
    #[error(
        "key_bits = {bits} is out of range: choose 1..=64 (64 matches the whole object id; fewer bits \
         make distinct ids alias, which the emulator detects and resolves in software)"
    )]
    KeyBits {
        /// The rejected value.
        bits: u32,
    },
    /// `tag_bits` outside 1..=16.
    #[error(
        "tag_bits = {bits} is out of range: choose 1..={max} (ARM ASIDs use {asid}, x86 PCIDs {pcid})",
        max = defaults::MAX_TAG_BITS,
        asid = defaults::TAG_BITS,
        pcid = defaults::X86_PCID_BITS
    )]
    TagBits {
        /// The rejected value.
        bits: u32,
    },
    /// `value_bits` outside 1..=64.
    #[error("value_bits = {bits} is out of range: choose 1..=64 (64 holds one pointer to the copy)")]
    ValueBits {
        /// The rejected value.
        bits: u32,
    },
    /// A latency of 0 cycles or above [`defaults::MAX_LATENCY_CYCLES`].
    #[error(
        "{field} = {cycles} cycles is out of range: choose 1..={max} (published CAM searches take {lo}-{hi} cycles)",
        max = defaults::MAX_LATENCY_CYCLES,
        lo = defaults::FPGA_CAM_LATENCY_CYCLES_MIN,
        hi = defaults::FPGA_CAM_LATENCY_CYCLES_MAX
    )]
    Latency {
        /// Which latency field.
        field: &'static str,
        /// The rejected value.
        cycles: u32,
    },
    /// `clock_ghz` is not a finite value in (0, 100].
    #[error(
        "clock_ghz = {ghz} is not a usable clock: give a finite frequency above 0 and at most 100 GHz, e.g. {default}",
        default = defaults::CLOCK_GHZ
    )]
    Clock {
        /// The rejected value.
        ghz: f64,
    },
    /// A cost figure (nanoseconds or energy) that is negative, NaN or infinite.
    #[error("{field} = {value} is not a usable cost figure: give a finite number >= 0")]
    CostFigure {
        /// Which field.
        field: &'static str,
        /// The rejected value.
        value: f64,
    },
}

/// A device operation that could not be carried out.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DeviceError {
    /// The context was closed, or belongs to another device.
    #[error(
        "memo context {context} is not open on this device (it was closed, or comes from another device); \
         open a new one with open_context()"
    )]
    UnknownContext {
        /// Debug rendering of the stale id.
        context: String,
    },
    /// More than `u32::MAX` contexts are open at once.
    #[error("too many memo contexts are open at once ({open}); close some before opening more")]
    TooManyContexts {
        /// How many are open.
        open: usize,
    },
}

/// A cost-model input out of range.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum CostError {
    /// `memo_share` is not a fraction.
    #[error(
        "memo_share = {share} is not a fraction: give the measured share of deepcopy time spent on memo \
         operations as a number in [0, 1], e.g. 0.3 for 30 %"
    )]
    MemoShare {
        /// The rejected value.
        share: f64,
    },
    /// The configuration behind the model is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// A trace that cannot be replayed or parsed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum TraceError {
    /// The configuration to replay against is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// An operation names a context that the trace never opened, or already closed.
    #[error(
        "trace operation #{index} uses memo context {context}, which is not open at that point; \
         every context must be opened (`open`) before use and not used after `close`"
    )]
    ContextNotOpen {
        /// 0-based index of the operation in the trace.
        index: usize,
        /// The trace-local context number.
        context: u32,
    },
    /// The device refused an operation.
    #[error("trace operation #{index}: {source}")]
    Device {
        /// 0-based index of the operation in the trace.
        index: usize,
        /// What the device said.
        source: DeviceError,
    },
    /// A line of a text trace could not be parsed.
    #[error(
        "trace line {line}: {message}; expected one of `open`, `close C`, `clear C`, `lookup C KEY`, \
         `insert C KEY`, `remove C KEY` (C a context number, KEY decimal or 0x-hex)"
    )]
    Parse {
        /// 1-based line number.
        line: usize,
        /// What was wrong.
        message: String,
    },
}
