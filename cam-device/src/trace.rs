//! Recorded memo traffic, and replaying it against other CAM configurations.
//!
//! Record once (with [`CamDevice::start_recording`](crate::CamDevice::start_recording)),
//! then [`sweep`] the trace over several capacities: stats depend only on the keys and the
//! order of operations, never on the values, so a replay stores `()` and is cheap.

use std::fmt::Write as _;
use std::str::FromStr;

use hashbrown::HashMap;

use crate::config::CamConfig;
use crate::cost::PathCycles;
use crate::device::{CamDevice, ContextId};
use crate::error::TraceError;
use crate::stats::CamStats;

/// One memo operation. `ctx` numbers contexts in the order the trace opens them: the first
/// [`TraceOp::Open`] creates context 0, the next context 1, and so on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceOp {
    /// Open a new context; it gets the next context number.
    Open,
    /// Close a context.
    Close {
        /// Context number.
        ctx: u32,
    },
    /// Look a key up.
    Lookup {
        /// Context number.
        ctx: u32,
        /// The object id.
        key: u64,
    },
    /// Insert or update a key.
    Insert {
        /// Context number.
        ctx: u32,
        /// The object id.
        key: u64,
    },
    /// Remove a key.
    Remove {
        /// Context number.
        ctx: u32,
        /// The object id.
        key: u64,
    },
    /// Clear a context.
    Clear {
        /// Context number.
        ctx: u32,
    },
}

/// A sequence of memo operations.
///
/// Text form (see [`Trace::to_text`] and [`Trace::from_str`]): one operation per line,
/// `open`, `close C`, `clear C`, `lookup C KEY`, `insert C KEY`, `remove C KEY`; keys are
/// written in hex with `0x` and read in hex or decimal; blank lines and `#` comments are skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    ops: Vec<TraceOp>,
}

impl Trace {
    /// An empty trace.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends an operation.
    pub fn push(&mut self, op: TraceOp) {
        self.ops.push(op);
    }

    /// The operations, in order.
    pub fn ops(&self) -> &[TraceOp] {
        &self.ops
    }

    /// Number of operations.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether the trace has no operations.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The memo traffic of pure-Python `copy.deepcopy` on a list of `lists` lists, each
    /// holding `atoms_per_list` distinct atomic objects (ints, strs), in one memo.
    ///
    /// Follows `copy.py`: every object costs a `memo.get(id(x))` (a miss here, since nothing
    /// is shared); every list also costs `memo[id(x)] = y` in `_deepcopy_list`, `memo[d] = y`
    /// (an update) and `_keep_alive`'s lookup of `id(memo)` — the ~4 memo operations per
    /// container of [`defaults::MEMO_OPS_PER_CONTAINER`](crate::defaults::MEMO_OPS_PER_CONTAINER).
    /// Ids look like 64-byte-aligned heap addresses, so narrow keys alias as they would on
    /// real ids.
    pub fn deepcopy_like(lists: usize, atoms_per_list: usize) -> Self {
        let mut copy = DeepcopyRecording::default();
        copy.trace.push(TraceOp::Open);
        copy.enter_list(DeepcopyRecording::LIST_BASE);
        for index in 1..=lists as u64 {
            let inner = DeepcopyRecording::LIST_BASE + index * 64;
            copy.enter_list(inner);
            copy.atoms(atoms_per_list);
            copy.leave_list(inner);
        }
        copy.leave_list(DeepcopyRecording::LIST_BASE);
        copy.trace.push(TraceOp::Close { ctx: 0 });
        copy.trace
    }

    /// The text form, one operation per line.
    pub fn to_text(&self) -> String {
        let mut text = String::with_capacity(self.ops.len() * 24);
        for op in &self.ops {
            let _ = match *op {
                TraceOp::Open => writeln!(text, "open"),
                TraceOp::Close { ctx } => writeln!(text, "close {ctx}"),
                TraceOp::Clear { ctx } => writeln!(text, "clear {ctx}"),
                TraceOp::Lookup { ctx, key } => writeln!(text, "lookup {ctx} {key:#x}"),
                TraceOp::Insert { ctx, key } => writeln!(text, "insert {ctx} {key:#x}"),
                TraceOp::Remove { ctx, key } => writeln!(text, "remove {ctx} {key:#x}"),
            };
        }
        text
    }
}

impl FromStr for Trace {
    type Err = TraceError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut trace = Self::new();
        for (index, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let error = |message: String| TraceError::Parse { line: index + 1, message };
            let words: Vec<&str> = line.split_whitespace().collect();
            let ctx = |at: usize| -> Result<u32, TraceError> {
                let word = words.get(at).ok_or_else(|| error(format!("`{line}` lacks a context number")))?;
                word.parse().map_err(|_| error(format!("`{word}` is not a context number")))
            };
            let key = |at: usize| -> Result<u64, TraceError> {
                let word = words.get(at).ok_or_else(|| error(format!("`{line}` lacks a key")))?;
                let parsed = match word.strip_prefix("0x").or_else(|| word.strip_prefix("0X")) {
                    Some(hex) => u64::from_str_radix(hex, 16),
                    None => word.parse(),
                };
                parsed.map_err(|_| error(format!("`{word}` is not a 64-bit key")))
            };
            let (op, arity) = match words[0] {
                "open" => (TraceOp::Open, 1),
                "close" => (TraceOp::Close { ctx: ctx(1)? }, 2),
                "clear" => (TraceOp::Clear { ctx: ctx(1)? }, 2),
                "lookup" => (TraceOp::Lookup { ctx: ctx(1)?, key: key(2)? }, 3),
                "insert" => (TraceOp::Insert { ctx: ctx(1)?, key: key(2)? }, 3),
                "remove" => (TraceOp::Remove { ctx: ctx(1)?, key: key(2)? }, 3),
                other => return Err(error(format!("unknown operation `{other}`"))),
            };
            if words.len() > arity {
                return Err(error(format!("`{line}` has extra words")));
            }
            trace.push(op);
        }
        Ok(trace)
    }
}

/// Builds [`Trace::deepcopy_like`]: the memo operations `copy.py` performs, in its order.
#[derive(Default)]
struct DeepcopyRecording {
    trace: Trace,
    keep_alive_list_exists: bool,
    atoms_seen: u64,
}

impl DeepcopyRecording {
    const MEMO_ID: u64 = 0x7f00_0000_0040;
    const LIST_BASE: u64 = 0x7f10_0000_0000;
    const ATOM_BASE: u64 = 0x7f20_0000_0000;

    /// `deepcopy(x)`: `memo.get(d)` misses; `_deepcopy_list` stores `memo[id(x)] = y`.
    fn enter_list(&mut self, id: u64) {
        self.trace.push(TraceOp::Lookup { ctx: 0, key: id });
        self.trace.push(TraceOp::Insert { ctx: 0, key: id });
    }

    /// `deepcopy(a)` of atomic items: one `memo.get` each, and no store.
    fn atoms(&mut self, count: usize) {
        for _ in 0..count {
            let key = Self::ATOM_BASE + self.atoms_seen * 32;
            self.trace.push(TraceOp::Lookup { ctx: 0, key });
            self.atoms_seen += 1;
        }
    }

    /// Back in `deepcopy`: `memo[d] = y` (an update), then `_keep_alive`, whose
    /// `memo[id(memo)]` raises KeyError only the first time and then creates the list.
    fn leave_list(&mut self, id: u64) {
        self.trace.push(TraceOp::Insert { ctx: 0, key: id });
        self.trace.push(TraceOp::Lookup { ctx: 0, key: Self::MEMO_ID });
        if !self.keep_alive_list_exists {
            self.trace.push(TraceOp::Insert { ctx: 0, key: Self::MEMO_ID });
            self.keep_alive_list_exists = true;
        }
    }
}

/// Replays a trace on a fresh device built from `config` and returns its stats.
pub fn replay(trace: &Trace, config: &CamConfig) -> Result<CamStats, TraceError> {
    let mut device = CamDevice::<()>::new(config.clone())?;
    let mut contexts: Vec<Option<ContextId>> = Vec::new();
    for (index, op) in trace.ops().iter().enumerate() {
        let open = |ctx: u32| -> Result<ContextId, TraceError> {
            contexts.get(ctx as usize).copied().flatten().ok_or(TraceError::ContextNotOpen { index, context: ctx })
        };
        let device_error = |source| TraceError::Device { index, source };
        match *op {
            TraceOp::Open => contexts.push(Some(device.open_context().map_err(device_error)?)),
            TraceOp::Close { ctx } => {
                device.close_context(open(ctx)?).map_err(device_error)?;
                if let Some(slot) = contexts.get_mut(ctx as usize) {
                    *slot = None;
                }
            }
            TraceOp::Lookup { ctx, key } => {
                device.lookup(open(ctx)?, key).map_err(device_error)?;
            }
            TraceOp::Insert { ctx, key } => {
                device.insert(open(ctx)?, key, ()).map_err(device_error)?;
            }
            TraceOp::Remove { ctx, key } => {
                device.remove(open(ctx)?, key).map_err(device_error)?;
            }
            TraceOp::Clear { ctx } => {
                device.clear(open(ctx)?).map_err(device_error)?;
            }
        }
    }
    Ok(device.stats().clone())
}

/// One capacity of a [`sweep`].
#[derive(Debug, Clone, PartialEq)]
pub struct SweepPoint {
    /// CAM rows.
    pub entries: usize,
    /// Stats of the replay at this capacity.
    pub stats: CamStats,
    /// Cycles of the CAM path and the software-dict baseline.
    pub cycles: PathCycles,
}

/// Replays `trace` once per capacity in `entries`, everything else as in `base`.
pub fn sweep(trace: &Trace, base: &CamConfig, entries: &[usize]) -> Result<Vec<SweepPoint>, TraceError> {
    entries
        .iter()
        .map(|&rows| {
            let config = CamConfig { entries: rows, ..base.clone() };
            let stats = replay(trace, &config)?;
            let cycles = PathCycles::of(&stats, &config);
            Ok(SweepPoint { entries: rows, stats, cycles })
        })
        .collect()
}

/// A table of a sweep: one line per capacity.
pub fn render_sweep(points: &[SweepPoint]) -> String {
    let mut text = format!(
        "{:>9} {:>10} {:>9} {:>10} {:>9} {:>9} {:>14} {:>14} {:>7}\n",
        "entries", "lookups", "CAM hit", "CAM alone", "spills", "peak occ", "CAM cycles", "dict cycles", "k"
    );
    for point in points {
        let stats = &point.stats;
        let _ = writeln!(
            text,
            "{:>9} {:>10} {:>8.1}% {:>9.1}% {:>9} {:>9} {:>14.0} {:>14.0} {:>7.2}",
            point.entries,
            stats.lookups,
            100.0 * stats.cam_hit_rate(),
            100.0 * stats.cam_resolved_rate(),
            stats.spills,
            stats.peak_occupancy,
            point.cycles.cam_path(),
            point.cycles.software_dict,
            point.cycles.memo_op_speedup(),
        );
    }
    text
}

/// Turns live device operations into a [`Trace`], numbering contexts on first sight.
pub(crate) struct Recorder {
    trace: Trace,
    numbers: HashMap<ContextId, u32>,
    next: u32,
}

impl Recorder {
    pub(crate) fn new() -> Self {
        Self { trace: Trace::new(), numbers: HashMap::new(), next: 0 }
    }

    fn number(&mut self, context: ContextId) -> u32 {
        if let Some(&number) = self.numbers.get(&context) {
            return number;
        }
        let number = self.next;
        self.next = self.next.wrapping_add(1);
        self.numbers.insert(context, number);
        self.trace.push(TraceOp::Open);
        number
    }

    pub(crate) fn opened(&mut self, context: ContextId) {
        self.number(context);
    }

    pub(crate) fn record(&mut self, context: ContextId, op: impl FnOnce(u32) -> TraceOp) {
        let number = self.number(context);
        self.trace.push(op(number));
    }

    pub(crate) fn closed(&mut self, context: ContextId) {
        self.record(context, |ctx| TraceOp::Close { ctx });
        self.numbers.remove(&context);
    }

    pub(crate) fn finish(self) -> Trace {
        self.trace
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_form_round_trips_and_accepts_decimal_and_comments() -> Result<(), TraceError> {
        let trace = Trace::deepcopy_like(3, 2);
        assert_eq!(trace.to_text().parse::<Trace>()?, trace);
        let parsed: Trace = "# a comment\n\nopen\nlookup 0 42  # trailing\ninsert 0 0X2a\nclose 0\n".parse()?;
        assert_eq!(
            parsed.ops(),
            [
                TraceOp::Open,
                TraceOp::Lookup { ctx: 0, key: 42 },
                TraceOp::Insert { ctx: 0, key: 42 },
                TraceOp::Close { ctx: 0 }
            ]
        );
        Ok(())
    }

    #[test]
    fn parse_errors_name_the_line_and_the_grammar() {
        for (text, needle) in [
            ("open\nfrobnicate 0", "line 2: unknown operation `frobnicate`"),
            ("lookup 0", "line 1: `lookup 0` lacks a key"),
            ("lookup x 1", "`x` is not a context number"),
            ("insert 0 0xZZ", "`0xZZ` is not a 64-bit key"),
            ("open 3", "has extra words"),
        ] {
            let message = match text.parse::<Trace>() {
                Ok(_) => String::from("<parsed>"),
                Err(error) => error.to_string(),
            };
            assert!(message.contains(needle) && message.contains("expected one of"), "{text}: {message}");
        }
    }

    #[test]
    fn deepcopy_like_has_four_memo_ops_per_list() {
        let trace = Trace::deepcopy_like(10, 0);
        let memo_ops = trace.ops().iter().filter(|op| !matches!(op, TraceOp::Open | TraceOp::Close { .. })).count();
        // 11 lists (outer + 10) x 4, plus the one insert that creates the keep-alive list.
        assert_eq!(memo_ops, 11 * 4 + 1);
        let with_atoms = Trace::deepcopy_like(10, 3);
        assert_eq!(with_atoms.len(), trace.len() + 30);
    }

    #[test]
    fn replay_rejects_unopened_and_closed_contexts() {
        let config = CamConfig::default();
        let mut trace = Trace::new();
        trace.push(TraceOp::Lookup { ctx: 0, key: 1 });
        assert_eq!(replay(&trace, &config), Err(TraceError::ContextNotOpen { index: 0, context: 0 }));
        let closed: Trace = "open\nclose 0\nclear 0".parse().unwrap_or_default();
        assert_eq!(replay(&closed, &config), Err(TraceError::ContextNotOpen { index: 2, context: 0 }));
        let bad = CamConfig { entries: 0, ..CamConfig::default() };
        assert!(matches!(replay(&Trace::new(), &bad), Err(TraceError::Config(_))));
    }
}
