//! The copy module's globals as `deepcopy` sees them: looked up at call time, as copy.py's
//! own code does, and compared with the objects copy.py defined, so a user who patches
//! `_deepcopy_dispatch`, `_reconstruct` or `_keep_alive` gets their replacement called.

use std::sync::atomic::{AtomicUsize, Ordering};

use rustpython_vm::builtins::{PyDict, PyDictRef, PySet, PyStrInterned, PyType};
use rustpython_vm::object::Traverse;
use rustpython_vm::{AsObject, Py, PyObject, PyObjectRef, PyResult, VirtualMachine};

use super::class_info::ClassCache;
use super::table_cache::TableCache;

/// Names of the globals copy.py's `deepcopy` and its helpers read, interned once.
#[derive(Debug)]
struct Names {
    atomic_types: &'static PyStrInterned,
    deepcopy_dispatch: &'static PyStrInterned,
    dispatch_table: &'static PyStrInterned,
    reconstruct: &'static PyStrInterned,
    keep_alive: &'static PyStrInterned,
    error: &'static PyStrInterned,
    /// The builtins copy.py's `deepcopy`, its copiers, `_keep_alive` and `_reconstruct`
    /// call; the native code calls the builtins themselves.
    builtins: [&'static PyStrInterned; BUILTINS_USED.len()],
}

const BUILTINS_USED: [&str; 11] =
    ["getattr", "isinstance", "issubclass", "hasattr", "len", "setattr", "id", "type", "zip", "tuple", "KeyError"];

/// The builtins of [`BUILTINS_USED`] whose every use the native code makes through a shadowing
/// module global when there is one (the others: docs/variants.md).
#[derive(Debug, Clone, Copy)]
pub(super) enum Builtin {
    Getattr,
    Isinstance,
    Issubclass,
    Hasattr,
    Len,
    Setattr,
    Id,
    Type,
}

/// copy.py's functions as the module defined them, to recognise them later.
#[derive(Debug)]
pub(super) struct Originals {
    pub(super) list: PyObjectRef,
    pub(super) tuple: PyObjectRef,
    pub(super) dict: PyObjectRef,
    pub(super) reconstruct: PyObjectRef,
    pub(super) keep_alive: PyObjectRef,
    /// `copyreg.__newobj__`, what `object.__reduce_ex__(4)` names as the constructor.
    pub(super) newobj: PyObjectRef,
    /// The copyreg module, where `object.__reduce_ex__` looks `__newobj__` up each time.
    pub(super) copyreg: PyObjectRef,
    pub(super) newobj_name: &'static PyStrInterned,
    /// copy.py's Python `deepcopy`, for objects the native code must not copy itself.
    pub(super) deepcopy: PyObjectRef,
}

#[derive(Debug)]
pub(super) struct CopyGlobals {
    dict: PyDictRef,
    names: Names,
    pub(super) originals: Originals,
    classes: ClassCache,
    /// What the tables answered, per class (kept only on the `versions` fork: table_cache.rs).
    atomic_answers: TableCache<bool>,
    copier_answers: TableCache<Option<PyObjectRef>>,
    reductor_answers: TableCache<Option<PyObjectRef>>,
    /// The module dict's entry count when it was last seen to shadow none of
    /// [`BUILTINS_USED`] (`usize::MAX`: not yet, or it did).
    unshadowed_entries: AtomicUsize,
}

impl CopyGlobals {
    /// Reads the originals out of a fully executed copy.py's globals; a copy.py without them
    /// is not one this native deepcopy can stand in for (the caller keeps the Python one).
    pub(super) fn capture(dict: PyDictRef, deepcopy: PyObjectRef, vm: &VirtualMachine) -> PyResult<Self> {
        let names = Names {
            atomic_types: vm.ctx.intern_str("_atomic_types"),
            deepcopy_dispatch: vm.ctx.intern_str("_deepcopy_dispatch"),
            dispatch_table: vm.ctx.intern_str("dispatch_table"),
            reconstruct: vm.ctx.intern_str("_reconstruct"),
            keep_alive: vm.ctx.intern_str("_keep_alive"),
            error: vm.ctx.intern_str("Error"),
            builtins: BUILTINS_USED.map(|name| vm.ctx.intern_str(name)),
        };
        let copyreg = vm.import("copyreg", 0)?;
        let newobj_name = vm.ctx.intern_str("__newobj__");
        let dispatch = dict.get_item(names.deepcopy_dispatch, vm)?;
        let copier = |ty: &PyObject| dispatch.get_item(ty, vm);
        let originals = Originals {
            list: copier(vm.ctx.types.list_type.as_object())?,
            tuple: copier(vm.ctx.types.tuple_type.as_object())?,
            dict: copier(vm.ctx.types.dict_type.as_object())?,
            reconstruct: dict.get_item(names.reconstruct, vm)?,
            keep_alive: dict.get_item(names.keep_alive, vm)?,
            newobj: copyreg.get_attr(newobj_name, vm)?,
            copyreg,
            newobj_name,
            deepcopy,
        };
        Ok(Self {
            dict,
            names,
            originals,
            classes: ClassCache::default(),
            atomic_answers: TableCache::default(),
            copier_answers: TableCache::default(),
            reductor_answers: TableCache::default(),
            unshadowed_entries: AtomicUsize::new(usize::MAX),
        })
    }

    /// Whether copy.py's code, called from here, would find the names the native code stands
    /// for: the calling frame's builtins are the interpreter's (under `exec` with other
    /// builtins, `object.__reduce_ex__` imports copyreg through their `__import__` when
    /// called from native code, through the real one from copy.py's frame), and no module
    /// global shadows a builtin copy.py calls.
    pub(super) fn names_resolve_as_built(&self, vm: &VirtualMachine) -> PyResult<bool> {
        let foreign_builtins = rustpython_vm::frame::current_builtins()
            .is_some_and(|builtins| !builtins.is(vm.builtins.dict().as_object()));
        Ok(!foreign_builtins && self.builtins_unshadowed(vm)?)
    }

    /// No global of the module shadows a builtin copy.py calls. Checked on each use, so a
    /// hook that shadows one mid-copy is seen at the next. A new key is appended to the dict's
    /// entries (a deletion leaves its entry empty), so the names are looked up again only when
    /// the entry count changed since they were last found absent. The one change this misses:
    /// a hook that deletes one global and adds another while the dict compacts back to its old
    /// entry count (docs/variants.md).
    #[inline]
    pub(super) fn builtins_unshadowed(&self, vm: &VirtualMachine) -> PyResult<bool> {
        let entries = self.dict.size().entries_size;
        if self.unshadowed_entries.load(Ordering::Relaxed) == entries {
            return Ok(true);
        }
        self.recheck_builtins(entries, vm)
    }

    #[cold]
    fn recheck_builtins(&self, entries: usize, vm: &VirtualMachine) -> PyResult<bool> {
        self.unshadowed_entries.store(usize::MAX, Ordering::Relaxed);
        for name in self.names.builtins {
            if self.dict.get_item_opt(name, vm)?.is_some() {
                return Ok(false);
            }
        }
        self.unshadowed_entries.store(entries, Ordering::Relaxed);
        Ok(true)
    }

    /// A global as `LOAD_GLOBAL` finds it: the module, then builtins, else NameError; and
    /// whether it came from the module.
    fn load(&self, name: &'static PyStrInterned, vm: &VirtualMachine) -> PyResult<(PyObjectRef, bool)> {
        if let Some(value) = self.dict.get_item_opt(name, vm)? {
            return Ok((value, true));
        }
        match vm.builtins.dict().get_item_opt(name, vm)? {
            Some(value) => Ok((value, false)),
            None => Err(vm.new_name_error(format!("name '{}' is not defined", name.as_str()), name.to_owned())),
        }
    }

    /// The object a global name is bound to now.
    pub(super) fn current(&self, global: Global, vm: &VirtualMachine) -> PyResult {
        self.current_with_origin(global, vm).map(|(value, _)| value)
    }

    fn name_of(&self, global: Global) -> &'static PyStrInterned {
        let names = &self.names;
        match global {
            Global::AtomicTypes => names.atomic_types,
            Global::DeepcopyDispatch => names.deepcopy_dispatch,
            Global::DispatchTable => names.dispatch_table,
            Global::Reconstruct => names.reconstruct,
            Global::KeepAlive => names.keep_alive,
            Global::Error => names.error,
        }
    }

    /// [`Self::current`], and whether the value came from the module's own dict.
    fn current_with_origin(&self, global: Global, vm: &VirtualMachine) -> PyResult<(PyObjectRef, bool)> {
        self.load(self.name_of(global), vm)
    }
}

/// The globals copy.py's deepcopy code reads.
#[derive(Debug, Clone, Copy)]
pub(super) enum Global {
    AtomicTypes,
    DeepcopyDispatch,
    DispatchTable,
    Reconstruct,
    KeepAlive,
    Error,
}

/// The globals as copy.py's code sees them: each read at each use, as `LOAD_GLOBAL` reads
/// it, so a hook that rebinds `copy._atomic_types` (or shadows a builtin) mid-copy is seen at
/// the next object, as under copy.py.
#[derive(Debug)]
pub(super) struct Bound<'a> {
    globals: &'a CopyGlobals,
}

impl<'a> Bound<'a> {
    pub(super) fn new(globals: &'a CopyGlobals) -> Self {
        Self { globals }
    }

    pub(super) fn originals(&self) -> &'a Originals {
        &self.globals.originals
    }

    /// The module global that shadows `builtin` now, if one does: copy.py would call it.
    #[inline]
    pub(super) fn shadowing(&self, builtin: Builtin, vm: &VirtualMachine) -> PyResult<Option<PyObjectRef>> {
        if self.globals.builtins_unshadowed(vm)? {
            return Ok(None);
        }
        let names = &self.globals.names.builtins;
        names.get(builtin as usize).map_or(Ok(None), |name| self.globals.dict.get_item_opt(*name, vm))
    }

    /// `id(x)` where copy.py calls it after code may have run in the same level (it read the
    /// id before that otherwise): through a shadowing global if there is one, whose answer
    /// must then be an int that fits a memo key here.
    pub(super) fn id_of(&self, x: &PyObject, vm: &VirtualMachine) -> PyResult<usize> {
        match self.shadowing(Builtin::Id, vm)? {
            Some(id) => id.call((x.to_owned(),), vm)?.try_to_value::<usize>(vm),
            None => Ok(x.get_id()),
        }
    }

    /// `issubclass(cls, type)`, either name possibly shadowed by a module global.
    pub(super) fn is_metaclass(&self, cls: &Py<PyType>, vm: &VirtualMachine) -> PyResult<bool> {
        let type_type = vm.ctx.types.type_type;
        if self.globals.builtins_unshadowed(vm)? {
            return Ok(cls.fast_issubclass(type_type));
        }
        let issubclass = self.shadowing(Builtin::Issubclass, vm)?;
        let type_global = self.shadowing(Builtin::Type, vm)?;
        let issubclass = match issubclass {
            Some(issubclass) => issubclass,
            None => vm.builtins.get_attr("issubclass", vm)?,
        };
        let type_global = type_global.unwrap_or_else(|| type_type.to_owned().into());
        issubclass.call((cls.to_owned(), type_global), vm)?.is_true(vm)
    }

    /// `getattr(x, name, None)` as copy.py calls it; `None` where it gives `None`.
    pub(super) fn getattr_or_none(
        &self,
        x: &PyObjectRef,
        name: &'static PyStrInterned,
        vm: &VirtualMachine,
    ) -> PyResult<Option<PyObjectRef>> {
        let found = match self.shadowing(Builtin::Getattr, vm)? {
            Some(getattr) => Some(getattr.call((x.clone(), name.to_owned(), vm.ctx.none()), vm)?),
            None => vm.get_attribute_opt(x, name)?,
        };
        Ok(found.filter(|found| !vm.is_none(found)))
    }

    /// `builtin(a, b)` as copy.py calls it, through a shadowing global if there is one;
    /// `native` computes the builtin's answer otherwise.
    pub(super) fn test(
        &self,
        builtin: Builtin,
        (a, b): (&PyObjectRef, &PyObject),
        native: impl FnOnce() -> PyResult<bool>,
        vm: &VirtualMachine,
    ) -> PyResult<bool> {
        match self.shadowing(builtin, vm)? {
            Some(shadow) => shadow.call((a.clone(), b.to_owned()), vm)?.is_true(vm),
            None => native(),
        }
    }

    /// See [`CopyGlobals::builtins_unshadowed`].
    pub(super) fn builtins_unshadowed(&self, vm: &VirtualMachine) -> PyResult<bool> {
        self.globals.builtins_unshadowed(vm)
    }

    pub(super) fn classes(&self) -> &'a ClassCache {
        &self.globals.classes
    }

    pub(super) fn get(&self, global: Global, vm: &VirtualMachine) -> PyResult<PyObjectRef> {
        self.globals.current(global, vm)
    }

    /// `cls in _atomic_types`.
    pub(super) fn is_atomic(&self, cls: &Py<PyType>, vm: &VirtualMachine) -> PyResult<bool> {
        let (atomic, in_module) = self.globals.current_with_origin(Global::AtomicTypes, vm)?;
        let module = &self.globals.dict;
        self.globals.atomic_answers.answer(module, in_module, &atomic, cls, vm, || {
            match atomic.downcast_ref_if_exact::<PySet>(vm) {
                Some(set) => set.contains(cls.as_object(), vm),
                None => vm._contains(&atomic, cls.as_object()),
            }
        })
    }

    /// Whether `cls in _atomic_types` runs no code whatever `cls` is (of metaclass `type`):
    /// an exact set whose entries are all classes of metaclass `type`, whose hash and
    /// equality are the identity's.
    pub(super) fn atomic_set_runs_no_code(&self, vm: &VirtualMachine) -> PyResult<bool> {
        let atomic = self.get(Global::AtomicTypes, vm)?;
        let Some(set) = atomic.downcast_ref_if_exact::<PySet>(vm) else { return Ok(false) };
        // Visited in place (the collector's walk of the set's items): no item is cloned.
        let mut quiet = true;
        set.traverse(&mut |entry| {
            quiet &= entry.downcast_ref::<PyType>().is_some() && entry.class().is(vm.ctx.types.type_type);
        });
        Ok(quiet)
    }

    /// `_deepcopy_dispatch.get(cls)`.
    pub(super) fn copier(&self, cls: &Py<PyType>, vm: &VirtualMachine) -> PyResult<Option<PyObjectRef>> {
        let (dispatch, in_module) = self.globals.current_with_origin(Global::DeepcopyDispatch, vm)?;
        let module = &self.globals.dict;
        self.globals
            .copier_answers
            .answer(module, in_module, &dispatch, cls, vm, || mapping_get(&dispatch, cls.as_object(), vm))
    }

    /// `dispatch_table.get(cls)` (copyreg's table, as copy.py imported it).
    pub(super) fn reductor(&self, cls: &Py<PyType>, vm: &VirtualMachine) -> PyResult<Option<PyObjectRef>> {
        let (table, in_module) = self.globals.current_with_origin(Global::DispatchTable, vm)?;
        let module = &self.globals.dict;
        self.globals
            .reductor_answers
            .answer(module, in_module, &table, cls, vm, || mapping_get(&table, cls.as_object(), vm))
    }

    /// `_reconstruct`, or `None` while it is still copy.py's own (the native one runs then).
    pub(super) fn replaced_reconstruct(&self, vm: &VirtualMachine) -> PyResult<Option<PyObjectRef>> {
        let current = self.get(Global::Reconstruct, vm)?;
        Ok((!current.is(&self.globals.originals.reconstruct)).then_some(current))
    }

    /// `_keep_alive`, or `None` while it is still copy.py's own.
    pub(super) fn replaced_keep_alive(&self, vm: &VirtualMachine) -> PyResult<Option<PyObjectRef>> {
        let current = self.get(Global::KeepAlive, vm)?;
        Ok((!current.is(&self.globals.originals.keep_alive)).then_some(current))
    }

    /// `Error`, the exception class copy.py raises for an unreducible object.
    pub(super) fn error(&self, vm: &VirtualMachine) -> PyResult {
        self.get(Global::Error, vm)
    }
}

/// `mapping.get(key)`: native for an exact dict, the method call otherwise (`None` for a
/// returned `None`, as copy.py's `is not None` tests treat it).
fn mapping_get(mapping: &PyObject, key: &PyObject, vm: &VirtualMachine) -> PyResult<Option<PyObjectRef>> {
    let found = match mapping.downcast_ref_if_exact::<PyDict>(vm) {
        Some(dict) => dict.get_item_opt(key, vm)?,
        None => Some(vm.call_method(mapping, "get", (key.to_owned(),))?),
    };
    Ok(found.filter(|value| !vm.is_none(value)))
}
