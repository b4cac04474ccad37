//! `_copylab`: the native module copylab adds to the interpreter. The import hook sets its
//! `variant` and `copy_origin` attributes, so Python code can ask which copy.py it runs.

pub(crate) use _copylab::module_def;

#[rustpython_vm::pymodule]
mod _copylab {
    /// copylab's version, so scripts can record which build produced their numbers.
    #[pyattr]
    const VERSION: &str = env!("CARGO_PKG_VERSION");

    /// `(allocations, bytes)` made so far by the interpreter's thread. Both stay 0 unless the
    /// binary installed `CountingAllocator` as its global allocator (copylab does).
    #[pyfunction]
    fn alloc_counters() -> (u64, u64) {
        crate::alloc::counters()
    }
}
