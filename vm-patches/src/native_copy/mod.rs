//! `_copylab.native_deepcopy(deepcopy, globals)`: copy.py's `deepcopy` in Rust, for the
//! `native` variant (stdlib-copy/patches/native.patch rebinds `copy.deepcopy` to it).
//!
//! It is a transliteration, not a reimplementation: every global copy.py reads is read at
//! call time from the module's globals, every hook is called as copy.py calls it, and the
//! memo behaves as the mapping copy.py would use: for `deepcopy(x)` a native table that
//! becomes the exact dict copy.py would hold the moment Python code can see it (memo.rs), so
//! nothing a caller, a `__deepcopy__` or a reducer can observe changes. The list, tuple and dict
//! copiers run natively only while `_deepcopy_dispatch` still holds copy.py's own function
//! for the exact type; `_reconstruct` natively only for the common reduce shapes while it is
//! copy.py's own. Calls this object cannot bind the way a Python function would (an
//! explicit `_nil`, unknown keywords) go to the Python `deepcopy`, which raises or runs.

mod cam;
mod class_info;
mod copy_globals;
mod deep;
mod default_reduce;
mod memo;
mod reduce;

use rustpython_vm::builtins::{PyDictRef, PyTypeRef};
use rustpython_vm::class::PyClassImpl;
use rustpython_vm::function::FuncArgs;
use rustpython_vm::types::{Callable, Representable};
use rustpython_vm::{Py, PyObjectRef, PyPayload, PyResult, VirtualMachine, pyclass};

use copy_globals::CopyGlobals;
use deep::DeepCopier;
use memo::Memo;

#[pyclass(module = "_copylab", name = "native_deepcopy")]
#[derive(Debug, PyPayload)]
pub(crate) struct NativeDeepcopy {
    /// copy.py's Python `deepcopy`, for calls shaped unlike `deepcopy(x[, memo])`.
    fallback: PyObjectRef,
    globals: CopyGlobals,
}

/// Builds the native deepcopy for a copy module whose globals are `globals`.
pub(crate) fn build(fallback: PyObjectRef, globals: PyDictRef, vm: &VirtualMachine) -> PyResult {
    let globals = CopyGlobals::capture(globals, vm)?;
    let _: PyTypeRef = NativeDeepcopy::make_static_type();
    Ok(NativeDeepcopy { fallback, globals }.into_ref(&vm.ctx).into())
}

impl NativeDeepcopy {
    /// `(x, memo)` when the call is `deepcopy(x)`, `deepcopy(x, memo)` or
    /// `deepcopy(x, memo=memo)`; `None` for anything else.
    fn bind(args: &FuncArgs) -> Option<(PyObjectRef, Option<PyObjectRef>)> {
        let mut positional = args.args.iter().cloned();
        let x = positional.next()?;
        let memo = match (positional.next(), args.kwargs.len()) {
            (None, 0) => None,
            (Some(memo), 0) => Some(memo),
            (None, 1) => Some(args.kwargs.get("memo")?.clone()),
            _ => return None,
        };
        if positional.next().is_some() {
            return None;
        }
        Some((x, memo))
    }
}

#[pyclass(with(Callable, Representable))]
impl NativeDeepcopy {
    #[pygetset]
    fn __doc__(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult {
        zelf.fallback.get_attr("__doc__", vm)
    }

    /// The Python `deepcopy` this stands in for.
    #[pygetset]
    fn __wrapped__(zelf: &Py<Self>) -> PyObjectRef {
        zelf.fallback.clone()
    }
}

impl Callable for NativeDeepcopy {
    type Args = FuncArgs;

    fn call(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        let Some((x, memo)) = Self::bind(&args) else {
            return zelf.fallback.call(args, vm);
        };
        let memo = memo.filter(|memo| !vm.is_none(memo)).map(|memo| Memo::given(memo, vm));
        DeepCopier::new(&zelf.globals, vm).deepcopy(&x, memo.as_ref())
    }
}

impl Representable for NativeDeepcopy {
    fn repr_str(_zelf: &Py<Self>, _vm: &VirtualMachine) -> PyResult<String> {
        Ok("<copylab native deepcopy>".to_owned())
    }
}
