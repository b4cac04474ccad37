//! The emulated device: memo contexts with their tags, and the path every operation takes —
//! CAM first, then the context's spill table, and only then "absent".

use hashbrown::HashMap;

use crate::cam_array::{CamArray, Search};
use crate::config::CamConfig;
use crate::error::{ConfigError, DeviceError};
use crate::ordered_entries::{Entry, OrderedEntries, Place};
use crate::stats::CamStats;
use crate::trace::{Recorder, Trace, TraceOp};

/// Handle to one memo context (one deepcopy memo) on a [`CamDevice`].
///
/// Stays invalid once its context is closed, even if the slot is reused: every operation
/// on a stale handle returns [`DeviceError::UnknownContext`]. (The generation counter is
/// 32 bits, so a handle kept across 2^32 reuses of one slot could match again.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ContextId {
    slot: u32,
    generation: u32,
}

/// Where a context's entries are held right now; see [`CamDevice::context_info`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextInfo {
    /// The hardware tag, or `None` if every tag was in use when the context was opened.
    pub tag: Option<u16>,
    /// Entries in the context.
    pub len: usize,
    /// Of those, entries held in CAM rows.
    pub in_cam: usize,
    /// Of those, entries held in the context's software spill table.
    pub in_software: usize,
}

/// One memo: its tag, its entries in insertion order, and the spill table indexing the
/// entries that are not in the CAM.
struct Memo<V> {
    tag: Option<u16>,
    entries: OrderedEntries<V>,
    spill: HashMap<u64, usize>,
}

struct Slot<V> {
    generation: u32,
    memo: Option<Memo<V>>,
}

/// Hands out hardware tags like an OS hands out ASIDs: lowest never-used first, then
/// recycled ones. A context that finds none left runs in software for its whole life.
struct TagPool {
    count: u32,
    never_used: u32,
    released: Vec<u16>,
}

impl TagPool {
    fn new(count: u32) -> Self {
        Self { count, never_used: 0, released: Vec::new() }
    }

    fn take(&mut self) -> Option<u16> {
        if let Some(tag) = self.released.pop() {
            return Some(tag);
        }
        let tag = u16::try_from(self.never_used).ok().filter(|_| self.never_used < self.count)?;
        self.never_used += 1;
        Some(tag)
    }

    fn release(&mut self, tag: u16) {
        self.released.push(tag);
    }

    fn in_use(&self) -> u32 {
        self.never_used - self.released.len() as u32
    }
}

/// What one search of the device found for a key.
struct Probe {
    /// The entry's position and where it is held, if the key is present.
    found: Option<(usize, Place)>,
    /// The context's tag, when the CAM row this key would occupy is free.
    free_row: Option<u16>,
    /// Whether the spill table had to be consulted.
    consulted_software: bool,
}

/// An emulated memo CAM shared by any number of memo contexts. See the crate docs for the model.
///
/// `V` is whatever the memo maps ids to (the VM stores Python object references); no
/// `Send`/`Sync` bound is needed. The device never drops a `V` while an operation runs:
/// replaced and removed values are handed back to the caller, so a value whose drop
/// re-enters the device (a Python `__del__`) can be dropped after the call returns.
pub struct CamDevice<V> {
    config: CamConfig,
    cam: CamArray,
    slots: Vec<Slot<V>>,
    free_slots: Vec<u32>,
    tags: TagPool,
    stats: CamStats,
    recorder: Option<Recorder>,
}

impl<V> CamDevice<V> {
    /// A device with no contexts open. Fails if `config` does not [validate](CamConfig::validate).
    pub fn new(config: CamConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        Ok(Self {
            cam: CamArray::new(config.entries, config.key_bits),
            tags: TagPool::new(config.tag_count()),
            config,
            slots: Vec::new(),
            free_slots: Vec::new(),
            stats: CamStats::default(),
            recorder: None,
        })
    }

    /// The configuration the device was built with.
    pub fn config(&self) -> &CamConfig {
        &self.config
    }

    /// Counters since creation or the last [`CamDevice::reset_stats`].
    pub fn stats(&self) -> &CamStats {
        &self.stats
    }

    /// Zeroes the counters; contents and open contexts are kept.
    pub fn reset_stats(&mut self) {
        self.stats = CamStats::default();
    }

    /// CAM rows in use, over all tags.
    pub fn occupancy(&self) -> usize {
        self.cam.occupancy()
    }

    /// Contexts currently open.
    pub fn open_contexts(&self) -> usize {
        self.slots.len() - self.free_slots.len()
    }

    /// Hardware tags currently held by open contexts.
    pub fn tags_in_use(&self) -> u32 {
        self.tags.in_use()
    }

    /// Opens a memo context. It gets a free hardware tag if there is one; otherwise it
    /// works entirely in software and [`CamStats::tag_exhaustions`] counts it.
    pub fn open_context(&mut self) -> Result<ContextId, DeviceError> {
        let reused = self.free_slots.pop();
        let slot = match reused {
            Some(slot) => slot,
            None => {
                u32::try_from(self.slots.len()).map_err(|_| DeviceError::TooManyContexts { open: self.slots.len() })?
            }
        };
        let tag = self.tags.take();
        if tag.is_none() {
            self.stats.tag_exhaustions += 1;
        }
        let memo = Memo { tag, entries: OrderedEntries::new(), spill: HashMap::new() };
        let generation = match self.slots.get_mut(slot as usize) {
            Some(existing) => {
                existing.memo = Some(memo);
                existing.generation
            }
            None => {
                self.slots.push(Slot { generation: 0, memo: Some(memo) });
                0
            }
        };
        let context = ContextId { slot, generation };
        self.stats.contexts_opened += 1;
        if let Some(recorder) = self.recorder.as_mut() {
            recorder.opened(context);
        }
        self.stats.sample_occupancy(self.cam.occupancy());
        Ok(context)
    }

    /// Closes a context: one clear-by-tag frees its rows, its tag returns to the pool, and
    /// its values are returned in insertion order (drop them after the call).
    pub fn close_context(&mut self, context: ContextId) -> Result<Vec<V>, DeviceError> {
        let slot = slot_mut(&mut self.slots, context)?;
        let Some(mut memo) = slot.memo.take() else {
            return Err(unknown(context));
        };
        slot.generation = slot.generation.wrapping_add(1);
        self.free_slots.push(context.slot);
        let values = empty_memo(&mut memo, &mut self.cam, &mut self.stats);
        if let Some(tag) = memo.tag {
            self.tags.release(tag);
        }
        self.stats.contexts_closed += 1;
        if let Some(recorder) = self.recorder.as_mut() {
            recorder.closed(context);
        }
        self.stats.sample_occupancy(self.cam.occupancy());
        Ok(values)
    }

    /// Looks a key up: the CAM first; on a CAM miss the context's spill table, but only if
    /// something was spilled or the key aliased. A spill hit moves the entry into a free
    /// CAM row if there is one (refill), as a software-master-table design does.
    pub fn lookup(&mut self, context: ContextId, key: u64) -> Result<Option<&V>, DeviceError> {
        let memo = memo_mut(&mut self.slots, context)?;
        let stats = &mut self.stats;
        stats.lookups += 1;
        let probe = probe(memo, &self.cam, stats, key);
        match probe.found {
            Some((_, Place::Cam)) => stats.cam_hits += 1,
            _ if memo.tag.is_some() => stats.cam_misses += 1,
            _ => {}
        }
        if probe.consulted_software {
            match probe.found {
                Some(_) => stats.spill_hits += 1,
                None => stats.spill_misses += 1,
            }
        }
        if let (Some((position, Place::Software)), Some(tag)) = (probe.found, probe.free_row) {
            refill(memo, &mut self.cam, stats, tag, key, position);
        }
        if let Some(recorder) = self.recorder.as_mut() {
            recorder.record(context, |ctx| TraceOp::Lookup { ctx, key });
        }
        stats.sample_occupancy(self.cam.occupancy());
        let position = probe.found.map(|(position, _)| position);
        Ok(position.and_then(|p| memo.entries.get(p)).map(|entry| &entry.value))
    }

    /// Inserts or updates. A new key goes to a CAM row if the CAM has room and no row
    /// holds an alias of it; otherwise it spills to the context's software table. An
    /// existing key keeps its place and position; its previous value is returned.
    pub fn insert(&mut self, context: ContextId, key: u64, value: V) -> Result<Option<V>, DeviceError> {
        let memo = memo_mut(&mut self.slots, context)?;
        let stats = &mut self.stats;
        let probe = probe(memo, &self.cam, stats, key);
        let previous = match probe.found {
            Some((position, place)) => {
                stats.updates += 1;
                if place == Place::Cam {
                    stats.cam_writes += 1;
                }
                let entry = memo.entries.get_mut(position);
                debug_assert!(entry.is_some(), "index points at a hole");
                entry.map(|entry| std::mem::replace(&mut entry.value, value))
            }
            None => {
                stats.inserts += 1;
                match probe.free_row.filter(|_| !self.cam.is_full()) {
                    Some(tag) => {
                        let position = memo.entries.push(key, value, Place::Cam);
                        self.cam.write(tag, key, position);
                        stats.cam_writes += 1;
                    }
                    None => {
                        let position = memo.entries.push(key, value, Place::Software);
                        memo.spill.insert(key, position);
                        stats.software_ops += 1;
                        stats.spills += 1;
                    }
                }
                None
            }
        };
        if let Some(recorder) = self.recorder.as_mut() {
            recorder.record(context, |ctx| TraceOp::Insert { ctx, key });
        }
        stats.sample_occupancy(self.cam.occupancy());
        Ok(previous)
    }

    /// Removes a key (Python's `dict.pop`) and returns its value. A later insert of the
    /// same key goes to the end of the insertion order.
    pub fn remove(&mut self, context: ContextId, key: u64) -> Result<Option<V>, DeviceError> {
        let memo = memo_mut(&mut self.slots, context)?;
        let stats = &mut self.stats;
        let probe = probe(memo, &self.cam, stats, key);
        let removed = match probe.found {
            None => {
                stats.remove_misses += 1;
                None
            }
            Some((position, place)) => {
                match (place, memo.tag) {
                    (Place::Cam, Some(tag)) => {
                        self.cam.invalidate(tag, key);
                        stats.cam_writes += 1;
                    }
                    _ => {
                        memo.spill.remove(&key);
                    }
                }
                stats.removes += 1;
                let entry = memo.entries.take(position);
                compact_if_sparse(memo, &mut self.cam);
                entry.map(|entry| entry.value)
            }
        };
        if let Some(recorder) = self.recorder.as_mut() {
            recorder.record(context, |ctx| TraceOp::Remove { ctx, key });
        }
        stats.sample_occupancy(self.cam.occupancy());
        Ok(removed)
    }

    /// Empties a context (Python's `dict.clear`) with one clear-by-tag; the context stays
    /// open with its tag. Returns the removed values in insertion order.
    pub fn clear(&mut self, context: ContextId) -> Result<Vec<V>, DeviceError> {
        let memo = memo_mut(&mut self.slots, context)?;
        let values = empty_memo(memo, &mut self.cam, &mut self.stats);
        self.stats.clears += 1;
        if let Some(recorder) = self.recorder.as_mut() {
            recorder.record(context, |ctx| TraceOp::Clear { ctx });
        }
        self.stats.sample_occupancy(self.cam.occupancy());
        Ok(values)
    }

    /// Number of entries in a context.
    pub fn len(&self, context: ContextId) -> Result<usize, DeviceError> {
        Ok(memo_ref(&self.slots, context)?.entries.len())
    }

    /// Whether a context has no entries.
    pub fn is_empty(&self, context: ContextId) -> Result<bool, DeviceError> {
        Ok(self.len(context)? == 0)
    }

    /// A context's `(key, value)` pairs in insertion order. Not counted in the stats.
    pub fn iter(&self, context: ContextId) -> Result<Entries<'_, V>, DeviceError> {
        let memo = memo_ref(&self.slots, context)?;
        Ok(Entries { slots: memo.entries.slots().iter() })
    }

    /// A context's tag and how its entries are split between CAM and software.
    pub fn context_info(&self, context: ContextId) -> Result<ContextInfo, DeviceError> {
        let memo = memo_ref(&self.slots, context)?;
        let len = memo.entries.len();
        Ok(ContextInfo { tag: memo.tag, len, in_cam: len - memo.spill.len(), in_software: memo.spill.len() })
    }

    /// Starts recording every successful operation into a fresh [`Trace`], for
    /// [`replay`](crate::replay) and [`sweep`](crate::sweep). Contexts that are already
    /// open enter the trace (as an `Open`) on their first recorded use.
    pub fn start_recording(&mut self) {
        self.recorder = Some(Recorder::new());
    }

    /// Whether operations are being recorded.
    pub fn is_recording(&self) -> bool {
        self.recorder.is_some()
    }

    /// Stops recording and returns the trace, or `None` if recording was not on.
    pub fn take_trace(&mut self) -> Option<Trace> {
        self.recorder.take().map(Recorder::finish)
    }
}

/// Iterator over a context's entries in insertion order; see [`CamDevice::iter`].
pub struct Entries<'a, V> {
    slots: std::slice::Iter<'a, Option<Entry<V>>>,
}

impl<'a, V> Iterator for Entries<'a, V> {
    type Item = (u64, &'a V);

    fn next(&mut self) -> Option<Self::Item> {
        self.slots.find_map(|slot| slot.as_ref().map(|entry| (entry.key, &entry.value)))
    }
}

fn unknown(context: ContextId) -> DeviceError {
    DeviceError::UnknownContext { context: format!("{context:?}") }
}

fn slot_mut<V>(slots: &mut [Slot<V>], context: ContextId) -> Result<&mut Slot<V>, DeviceError> {
    slots
        .get_mut(context.slot as usize)
        .filter(|slot| slot.generation == context.generation && slot.memo.is_some())
        .ok_or_else(|| unknown(context))
}

fn memo_mut<V>(slots: &mut [Slot<V>], context: ContextId) -> Result<&mut Memo<V>, DeviceError> {
    slot_mut(slots, context)?.memo.as_mut().ok_or_else(|| unknown(context))
}

fn memo_ref<V>(slots: &[Slot<V>], context: ContextId) -> Result<&Memo<V>, DeviceError> {
    slots
        .get(context.slot as usize)
        .filter(|slot| slot.generation == context.generation)
        .and_then(|slot| slot.memo.as_ref())
        .ok_or_else(|| unknown(context))
}

/// Finds `key` in a context, counting the hardware search and any software probe.
///
/// The spill table is skipped when the CAM reports a plain miss and the context has
/// nothing spilled: the miss is then definite. An alias match always goes to software,
/// because the key, if present, can only be in the spill table.
fn probe<V>(memo: &Memo<V>, cam: &CamArray, stats: &mut CamStats, key: u64) -> Probe {
    let mut free_row = None;
    if let Some(tag) = memo.tag {
        stats.cam_searches += 1;
        match cam.search(tag, key) {
            Search::Hit { position } => {
                return Probe { found: Some((position, Place::Cam)), free_row: None, consulted_software: false };
            }
            Search::Alias => stats.alias_conflicts += 1,
            Search::Miss if memo.spill.is_empty() => {
                return Probe { found: None, free_row: Some(tag), consulted_software: false };
            }
            Search::Miss => free_row = Some(tag),
        }
    }
    stats.software_ops += 1;
    let found = memo.spill.get(&key).map(|&position| (position, Place::Software));
    Probe { found, free_row, consulted_software: true }
}

/// Moves a spilled entry into its free CAM row, if the CAM has room.
fn refill<V>(memo: &mut Memo<V>, cam: &mut CamArray, stats: &mut CamStats, tag: u16, key: u64, position: usize) {
    if cam.is_full() {
        return;
    }
    let Some(entry) = memo.entries.get_mut(position) else {
        return;
    };
    entry.place = Place::Cam;
    memo.spill.remove(&key);
    cam.write(tag, key, position);
    stats.refills += 1;
    stats.cam_writes += 1;
    stats.software_ops += 1;
}

/// Removes every entry of a context: one clear-by-tag for the CAM rows, one clear of the
/// spill table. Returns the values in insertion order.
fn empty_memo<V>(memo: &mut Memo<V>, cam: &mut CamArray, stats: &mut CamStats) -> Vec<V> {
    if let Some(tag) = memo.tag {
        // The hardware clears all rows of a tag in one operation; the emulator has to
        // visit them, which it can do through the context's own entries.
        for (_, entry) in memo.entries.iter_positions() {
            if entry.place == Place::Cam {
                cam.invalidate(tag, entry.key);
            }
        }
        stats.cam_clears += 1;
    }
    if !memo.spill.is_empty() {
        memo.spill.clear();
        stats.software_ops += 1;
    }
    memo.entries.drain_values()
}

/// Closes the holes left by removals once they dominate, and re-points the CAM rows and
/// the spill table at the new positions.
fn compact_if_sparse<V>(memo: &mut Memo<V>, cam: &mut CamArray) {
    if !memo.entries.needs_compaction() {
        return;
    }
    memo.entries.compact();
    for (position, entry) in memo.entries.iter_positions() {
        match (entry.place, memo.tag) {
            (Place::Cam, Some(tag)) => cam.relocate(tag, entry.key, position),
            _ => {
                if let Some(indexed) = memo.spill.get_mut(&entry.key) {
                    *indexed = position;
                }
            }
        }
    }
}
