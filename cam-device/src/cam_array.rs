//! The hardware array: rows of (tag, low key bits) -> value slot, shared by every tag.
//!
//! A real CAM compares the search word with every row at once; here a hash map keyed by
//! the match word gives the same answer in O(1). Each row also keeps the full 64-bit key so
//! that a match on truncated key bits can be told apart from a real hit — the emulator's
//! stand-in for the check a narrow-key design would need before trusting a match.

use hashbrown::HashMap;

/// The bits a row is matched on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct MatchWord {
    tag: u16,
    low_key: u64,
}

#[derive(Debug, Clone, Copy)]
struct Row {
    full_key: u64,
    /// Where the entry sits in its memo's insertion-ordered table; this is the "value slot".
    position: usize,
}

/// Result of one search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Search {
    /// A row matched and holds this exact key.
    Hit { position: usize },
    /// A row matched on (tag, low bits) but holds a different full key.
    Alias,
    /// No row matched; the row this key would use is free.
    Miss,
}

pub(crate) struct CamArray {
    rows: HashMap<MatchWord, Row>,
    capacity: usize,
    key_mask: u64,
}

impl CamArray {
    /// Never pre-allocates more than this many rows, so a huge configured CAM costs
    /// memory only as it fills.
    const MAX_PREALLOCATED_ROWS: usize = 4096;

    pub(crate) fn new(capacity: usize, key_bits: u32) -> Self {
        let key_mask = if key_bits >= 64 { u64::MAX } else { (1u64 << key_bits) - 1 };
        Self { rows: HashMap::with_capacity(capacity.min(Self::MAX_PREALLOCATED_ROWS)), capacity, key_mask }
    }

    fn word(&self, tag: u16, key: u64) -> MatchWord {
        MatchWord { tag, low_key: key & self.key_mask }
    }

    pub(crate) fn search(&self, tag: u16, key: u64) -> Search {
        match self.rows.get(&self.word(tag, key)) {
            Some(row) if row.full_key == key => Search::Hit { position: row.position },
            Some(_) => Search::Alias,
            None => Search::Miss,
        }
    }

    pub(crate) fn is_full(&self) -> bool {
        self.rows.len() >= self.capacity
    }

    pub(crate) fn occupancy(&self) -> usize {
        self.rows.len()
    }

    /// Writes a row. Callers first get [`Search::Miss`] for this key and check
    /// [`CamArray::is_full`], so no live row is ever overwritten.
    pub(crate) fn write(&mut self, tag: u16, key: u64, position: usize) {
        debug_assert!(!self.is_full());
        let previous = self.rows.insert(self.word(tag, key), Row { full_key: key, position });
        debug_assert!(previous.is_none());
    }

    pub(crate) fn invalidate(&mut self, tag: u16, key: u64) {
        self.rows.remove(&self.word(tag, key));
    }

    /// Points a row at a new position after its memo's table was compacted.
    pub(crate) fn relocate(&mut self, tag: u16, key: u64, position: usize) {
        if let Some(row) = self.rows.get_mut(&self.word(tag, key)) {
            row.position = position;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_key_aliases_are_told_apart_from_hits() {
        let mut cam = CamArray::new(4, 4);
        cam.write(1, 0x10, 0);
        assert_eq!(cam.search(1, 0x10), Search::Hit { position: 0 });
        assert_eq!(cam.search(1, 0x20), Search::Alias, "same low 4 bits, different key");
        assert_eq!(cam.search(2, 0x10), Search::Miss, "another tag never matches");
        assert_eq!(cam.search(1, 0x11), Search::Miss);
    }

    #[test]
    fn full_width_key_never_aliases() {
        let mut cam = CamArray::new(4, 64);
        cam.write(0, u64::MAX, 3);
        assert_eq!(cam.search(0, u64::MAX), Search::Hit { position: 3 });
        assert_eq!(cam.search(0, u64::MAX - 1), Search::Miss);
    }

    #[test]
    fn capacity_relocate_and_invalidate() {
        let mut cam = CamArray::new(1, 64);
        assert!(!cam.is_full());
        cam.write(0, 7, 0);
        assert!(cam.is_full());
        cam.relocate(0, 7, 5);
        assert_eq!(cam.search(0, 7), Search::Hit { position: 5 });
        cam.invalidate(0, 7);
        assert_eq!(cam.occupancy(), 0);
    }
}
