//! What the reduce protocol will do for instances of a class, worked out from the class
//! alone and cached per class until the class (or a base) changes.
//!
//! The cache is keyed by the type's address and checked against its `tp_version_tag`,
//! which RustPython clears whenever the type or any base is modified (an assignment to a
//! class attribute, `__slotnames__` being cached by copyreg, `__bases__` changing). A
//! version is never reused by another type, so a stale or recycled entry cannot match.

use std::sync::atomic::Ordering;

use rustpython_vm::builtins::{PyFunction, PyList, PyStrInterned, PyType};
use rustpython_vm::common::lock::PyMutex;
use rustpython_vm::{AsObject, Py, VirtualMachine, identifier};

/// The class-level facts deepcopy's reduce path needs.
#[derive(Debug, Clone, Copy)]
pub(super) struct ClassInfo {
    /// `getattr(x, "__reduce_ex__")` finds `object.__reduce_ex__` (unless the instance
    /// dict shadows it) and looking attributes up runs no user code: the metaclass is
    /// `type` and `__getattribute__` is object's.
    pub(super) object_reduce_ex: bool,
    pub(super) reduce: ReduceKind,
    /// With `ReduceKind::Object`: `object.__reduce_ex__(4)` gives
    /// `(copyreg.__newobj__, (cls,), __dict__ or None)`: no `__getnewargs_ex__`,
    /// `__getnewargs__` or own `__getstate__`, no list or dict base, nothing the default
    /// reduce refuses, and no slots (`__slotnames__` cached as empty or None).
    pub(super) default_reduce: bool,
    /// `hasattr(y, "__setstate__")` is true for every instance: the class has a Python
    /// function by that name (a non-data descriptor, found whatever the instance dict
    /// holds) and `__getattribute__` is object's.
    pub(super) has_setstate: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ReduceKind {
    /// `__reduce__` is object's: `object.__reduce_ex__` reduces the object itself.
    Object,
    /// A Python function: `object.__reduce_ex__(4)` is `x.__reduce__()`.
    Function,
    /// Anything else (a builtin's, a descriptor): call `__reduce_ex__` and see.
    Other,
}

/// Classes remembered at most (the cache starts over beyond it).
const MAX_CLASSES: usize = 4096;

#[derive(Debug, Default)]
pub(super) struct ClassCache {
    entries: PyMutex<hashbrown::HashMap<usize, (u32, ClassInfo)>>,
}

impl ClassCache {
    pub(super) fn info(&self, cls: &Py<PyType>, vm: &VirtualMachine) -> ClassInfo {
        let key = cls.as_object().get_id();
        let version = cls.tp_version_tag.load(Ordering::Acquire);
        let info = if version != 0
            && let Some(&(cached_version, info)) = self.entries.lock().get(&key)
            && cached_version == version
        {
            info
        } else {
            let info = ClassInfo::of(cls, vm);
            // The lookups above assign a version if the type had none; they run no Python.
            let version = cls.tp_version_tag.load(Ordering::Acquire);
            if version != 0 {
                let mut entries = self.entries.lock();
                // Entries of classes that were freed or changed are never hit again; a
                // program that makes classes without end must not grow this without end.
                if entries.len() >= MAX_CLASSES {
                    entries.clear();
                }
                entries.insert(key, (version, info));
            }
            info
        };
        // `__class__` can be assigned on a class without touching its version: checked
        // every time, it costs a pointer comparison.
        let plain_metaclass = cls.class().is(vm.ctx.types.type_type);
        ClassInfo { object_reduce_ex: info.object_reduce_ex && plain_metaclass, ..info }
    }
}

impl ClassInfo {
    /// Nothing known: every lookup is made as copy.py makes it.
    pub(super) const UNKNOWN: Self =
        Self { object_reduce_ex: false, reduce: ReduceKind::Other, default_reduce: false, has_setstate: false };

    fn of(cls: &Py<PyType>, vm: &VirtualMachine) -> Self {
        let object = vm.ctx.types.object_type;
        let inherited = |name: &'static PyStrInterned| match (cls.get_attr(name), object.get_attr(name)) {
            (Some(found), Some(from_object)) => found.is(&from_object),
            _ => false,
        };
        let plain_getattribute = inherited(identifier!(vm, __getattribute__));
        let object_reduce_ex = plain_getattribute && inherited(identifier!(vm, __reduce_ex__));
        let has_setstate = plain_getattribute
            && cls
                .get_attr(identifier!(vm, __setstate__))
                .is_some_and(|found| found.downcast_ref::<PyFunction>().is_some());
        let reduce = match cls.get_attr(identifier!(vm, __reduce__)) {
            _ if inherited(identifier!(vm, __reduce__)) => ReduceKind::Object,
            Some(found) if found.downcast_ref::<PyFunction>().is_some() => ReduceKind::Function,
            _ => ReduceKind::Other,
        };
        let default_reduce = reduce == ReduceKind::Object
            && cls.slots.new.load().is_some()
            && cls.slots.itemsize == 0
            && cls.slots.basicsize <= object.slots.basicsize
            && !cls.fast_issubclass(vm.ctx.types.list_type)
            && !cls.fast_issubclass(vm.ctx.types.dict_type)
            && inherited(identifier!(vm, __getstate__))
            && cls.get_attr(identifier!(vm, __getnewargs_ex__)).is_none()
            && cls.get_attr(identifier!(vm, __getnewargs__)).is_none()
            && has_no_slots(cls, vm);
        Self { object_reduce_ex, reduce, default_reduce, has_setstate }
    }
}

/// `__slotnames__` cached on the class itself as an empty list or None. The list can be
/// appended to in place, which no version tag shows: checked again on every object
/// ([`super::default_reduce`]).
pub(super) fn has_no_slots(cls: &Py<PyType>, vm: &VirtualMachine) -> bool {
    match cls.get_direct_attr(identifier!(vm, __slotnames__)) {
        Some(names) => {
            vm.is_none(&names) || names.downcast_ref::<PyList>().is_some_and(|list| list.borrow_vec().is_empty())
        }
        None => false,
    }
}
