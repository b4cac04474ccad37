//! `object.__reduce_ex__(4)` for an instance of an ordinary class, computed without the
//! call: `(copyreg.__newobj__, (cls,), state)` with `state` the instance `__dict__` (or
//! `None` when it is empty), exactly what RustPython's `reduce_newobj` builds for it.
//!
//! Whether a class qualifies is [`ClassInfo::default_reduce`]; per instance, the instance
//! must not shadow `__reduce_ex__` and `copyreg.__newobj__` must still be copyreg's own.
//! Anything else gets `None`, and the caller calls `__reduce_ex__(4)` as copy.py does
//! (which also caches `__slotnames__`, so the next instance of the class qualifies).

use rustpython_vm::builtins::PyDict;
use rustpython_vm::{AsObject, PyObjectRef, PyResult, VirtualMachine, identifier};

use super::class_info::{ClassInfo, has_no_slots};
use super::copy_globals::Originals;

/// The reduce value's constructor argument and state, for `copyreg.__newobj__`.
pub(super) struct DefaultReduce {
    pub(super) cls: PyObjectRef,
    pub(super) state: Option<PyObjectRef>,
}

pub(super) fn default_reduce(
    x: &PyObjectRef,
    info: ClassInfo,
    originals: &Originals,
    vm: &VirtualMachine,
) -> PyResult<Option<DefaultReduce>> {
    if !(info.object_reduce_ex && info.default_reduce) || shadows_reduce_ex(x, vm)? || !has_no_slots(x.class(), vm) {
        return Ok(None);
    }
    // `object.__reduce_ex__` imports copyreg afresh each time: from sys.modules, which a
    // program may have given another module.
    let modules = vm.sys_module.get_attr("modules", vm)?;
    let copyreg = modules.downcast_ref_if_exact::<PyDict>(vm).map(|modules| modules.get_item_opt("copyreg", vm));
    if !matches!(copyreg, Some(Ok(Some(ref copyreg))) if copyreg.is(&originals.copyreg)) {
        return Ok(None);
    }
    let newobj = originals.copyreg.get_attr(originals.newobj_name, vm)?;
    if !newobj.is(&originals.newobj) {
        return Ok(None);
    }
    let state = x.dict().filter(|dict| !dict.is_empty()).map(Into::into);
    Ok(Some(DefaultReduce { cls: x.class().to_owned().into(), state }))
}

/// The instance dict holds `__reduce_ex__` (which `getattr` would find first).
pub(super) fn shadows_reduce_ex(x: &PyObjectRef, vm: &VirtualMachine) -> PyResult<bool> {
    match x.dict() {
        Some(dict) => Ok(dict.get_item_opt(identifier!(vm, __reduce_ex__), vm)?.is_some()),
        None => Ok(false),
    }
}
