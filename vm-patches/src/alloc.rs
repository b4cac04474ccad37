//! A counting global allocator, so a benchmark worker can report allocations and bytes per
//! deepcopy (`_copylab.alloc_counters()`). The binary opts in with
//! `#[global_allocator] static A: CountingAllocator = CountingAllocator;`.
//!
//! Counters are per thread (the interpreter runs on one thread): no atomic read-modify-write
//! on the allocation path, so counting costs two plain adds per allocation.

#![allow(unsafe_code)] // GlobalAlloc is an unsafe trait; this module only forwards to System.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
    static BYTES: Cell<u64> = const { Cell::new(0) };
}

/// Forwards to the system allocator and counts allocations (a `realloc` counts as one, of
/// its new size) made by the current thread.
#[derive(Debug, Clone, Copy, Default)]
pub struct CountingAllocator;

fn count(size: usize) {
    // try_with: during thread teardown the counters may already be gone; then we just don't count.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    let _ = BYTES.try_with(|b| b.set(b.get() + size as u64));
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as our caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        // SAFETY: same contract as our caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// (allocations, bytes allocated) by the current thread since it started.
#[must_use]
pub fn counters() -> (u64, u64) {
    (ALLOCATIONS.with(Cell::get), BYTES.with(Cell::get))
}
