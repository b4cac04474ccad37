//! `_copylab`: the native module copylab adds to the interpreter. The import hook sets its
//! `variant`, `copy_origin` and `memo_backend` attributes, so Python code can ask which
//! copy.py and memo it runs with.

pub(crate) use _copylab::module_def;

#[rustpython_vm::pymodule]
mod _copylab {
    use rustpython_vm::builtins::{PyDictRef, PyTypeRef};
    use rustpython_vm::class::PyClassImpl as _;
    use rustpython_vm::{PyObjectRef, PyResult, VirtualMachine};

    use crate::cam_memo::{self, CamMemo};

    /// copylab's version, so scripts can record which build produced their numbers.
    #[pyattr]
    const VERSION: &str = env!("CARGO_PKG_VERSION");

    /// `(allocations, bytes)` made so far by the interpreter's thread. Both stay 0 unless the
    /// binary installed `CountingAllocator` as its global allocator (copylab does).
    #[pyfunction]
    fn alloc_counters() -> (u64, u64) {
        crate::alloc::counters()
    }

    /// copy.py's `deepcopy` in Rust, with `deepcopy` (the Python one) as its fallback and
    /// `globals` the copy module's (the `native` variant; see native_copy/).
    #[pyfunction]
    fn native_deepcopy(deepcopy: PyObjectRef, globals: PyDictRef, vm: &VirtualMachine) -> PyResult {
        crate::native_copy::build(deepcopy, globals, vm)
    }

    /// `deepcopy(x, CamMemo())`, timed as one outermost deepcopy for the cost model.
    #[pyfunction]
    fn cam_deepcopy(original: PyObjectRef, x: PyObjectRef, vm: &VirtualMachine) -> PyResult {
        let memo = CamMemo::new_ref(vm)?;
        cam_memo::timed_deepcopy(|| original.call((x, memo), vm))
    }

    /// The memo type (cam_memo.rs), registered here under its Python name.
    #[pyattr(name = "CamMemo")]
    fn cam_memo_class(_vm: &VirtualMachine) -> PyTypeRef {
        CamMemo::make_static_type()
    }
}
