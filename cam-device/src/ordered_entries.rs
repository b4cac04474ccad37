//! A memo's entries in insertion order, the way a Python dict keeps them.
//!
//! Entries are appended; removal leaves a hole so that the positions held by CAM rows and
//! the spill table stay valid. When holes outnumber live entries the table is compacted
//! and the caller re-points every index (amortised O(1) per removal, as in CPython's dict).

/// Where an entry is currently held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    Cam,
    Software,
}

#[derive(Debug)]
pub(crate) struct Entry<V> {
    pub(crate) key: u64,
    pub(crate) value: V,
    pub(crate) place: Place,
}

#[derive(Debug)]
pub(crate) struct OrderedEntries<V> {
    slots: Vec<Option<Entry<V>>>,
    live: usize,
}

impl<V> OrderedEntries<V> {
    /// Below this many holes compaction is not worth the re-indexing.
    const MIN_HOLES_TO_COMPACT: usize = 16;

    pub(crate) fn new() -> Self {
        Self { slots: Vec::new(), live: 0 }
    }

    pub(crate) fn len(&self) -> usize {
        self.live
    }

    /// Appends an entry and returns its position.
    pub(crate) fn push(&mut self, key: u64, value: V, place: Place) -> usize {
        self.slots.push(Some(Entry { key, value, place }));
        self.live += 1;
        self.slots.len() - 1
    }

    pub(crate) fn get(&self, position: usize) -> Option<&Entry<V>> {
        self.slots.get(position).and_then(Option::as_ref)
    }

    pub(crate) fn get_mut(&mut self, position: usize) -> Option<&mut Entry<V>> {
        self.slots.get_mut(position).and_then(Option::as_mut)
    }

    /// Removes the entry at `position`, leaving a hole.
    pub(crate) fn take(&mut self, position: usize) -> Option<Entry<V>> {
        let entry = self.slots.get_mut(position).and_then(Option::take);
        if entry.is_some() {
            self.live -= 1;
        }
        entry
    }

    pub(crate) fn needs_compaction(&self) -> bool {
        let holes = self.slots.len() - self.live;
        holes >= Self::MIN_HOLES_TO_COMPACT && holes > self.live
    }

    /// Closes the holes. Positions change: re-index with [`OrderedEntries::iter_positions`].
    pub(crate) fn compact(&mut self) {
        self.slots.retain(Option::is_some);
    }

    /// Empties the table, handing back the values in insertion order.
    pub(crate) fn drain_values(&mut self) -> Vec<V> {
        self.live = 0;
        self.slots.drain(..).flatten().map(|entry| entry.value).collect()
    }

    /// Live entries with their positions, in insertion order.
    pub(crate) fn iter_positions(&self) -> impl Iterator<Item = (usize, &Entry<V>)> {
        self.slots.iter().enumerate().filter_map(|(position, slot)| slot.as_ref().map(|e| (position, e)))
    }

    pub(crate) fn slots(&self) -> &[Option<Entry<V>>] {
        &self.slots
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_keep_positions_until_compaction() {
        let mut entries = OrderedEntries::new();
        for key in 0..40u64 {
            entries.push(key, key * 10, Place::Software);
        }
        for position in 0..30 {
            assert_eq!(entries.take(position).map(|e| e.key), Some(position as u64));
        }
        assert_eq!(entries.take(0).map(|e| e.key), None, "already a hole");
        assert_eq!(entries.get(35).map(|e| e.value), Some(350));
        assert!(entries.needs_compaction());
        entries.compact();
        let keys: Vec<_> = entries.iter_positions().map(|(p, e)| (p, e.key)).collect();
        assert_eq!(keys, (0..10).map(|p| (p, 30 + p as u64)).collect::<Vec<_>>());
        assert_eq!(entries.len(), 10);
    }
}
