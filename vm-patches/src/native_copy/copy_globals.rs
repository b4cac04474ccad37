//! The copy module's globals as `deepcopy` sees them: looked up at call time, as copy.py's
//! own code does, and compared with the objects copy.py defined, so a user who patches
//! `_deepcopy_dispatch`, `_reconstruct` or `_keep_alive` gets their replacement called.

use rustpython_vm::builtins::{PyDict, PyDictRef, PySet, PyStrInterned, PyType};
use rustpython_vm::{AsObject, Py, PyObject, PyObjectRef, PyResult, VirtualMachine};

use super::class_info::ClassCache;
use super::table_cache::{GlobalsCache, TableCache};

/// Names of the globals copy.py's `deepcopy` and its helpers read, interned once.
#[derive(Debug)]
struct Names {
    atomic_types: &'static PyStrInterned,
    deepcopy_dispatch: &'static PyStrInterned,
    dispatch_table: &'static PyStrInterned,
    reconstruct: &'static PyStrInterned,
    keep_alive: &'static PyStrInterned,
    error: &'static PyStrInterned,
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
    loaded: GlobalsCache,
}

impl CopyGlobals {
    /// Reads the originals out of a fully executed copy.py's globals; a copy.py without them
    /// is not one this native deepcopy can stand in for (the caller keeps the Python one).
    pub(super) fn capture(dict: PyDictRef, vm: &VirtualMachine) -> PyResult<Self> {
        let names = Names {
            atomic_types: vm.ctx.intern_str("_atomic_types"),
            deepcopy_dispatch: vm.ctx.intern_str("_deepcopy_dispatch"),
            dispatch_table: vm.ctx.intern_str("dispatch_table"),
            reconstruct: vm.ctx.intern_str("_reconstruct"),
            keep_alive: vm.ctx.intern_str("_keep_alive"),
            error: vm.ctx.intern_str("Error"),
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
        };
        Ok(Self {
            dict,
            names,
            originals,
            classes: ClassCache::default(),
            atomic_answers: TableCache::default(),
            copier_answers: TableCache::default(),
            reductor_answers: TableCache::default(),
            loaded: GlobalsCache::default(),
        })
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
        let names = &self.names;
        let name = match global {
            Global::AtomicTypes => names.atomic_types,
            Global::DeepcopyDispatch => names.deepcopy_dispatch,
            Global::DispatchTable => names.dispatch_table,
            Global::Reconstruct => names.reconstruct,
            Global::KeepAlive => names.keep_alive,
            Global::Error => names.error,
        };
        self.loaded.value(&self.dict, global, || self.load(name, vm))
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

impl Global {
    pub(super) const COUNT: usize = 6;

    pub(super) fn index(self) -> usize {
        self as usize
    }
}

/// The globals as one outermost native call sees them: each name is read from the module
/// the first time the call needs it and not again. The objects are the module's own (so a
/// `_deepcopy_dispatch[list] = ...` or a `copyreg.pickle(...)` made by a hook mid-copy is
/// seen at once); only rebinding a name (`copy._atomic_types = ...`) from inside a hook
/// takes effect at the next call of `copy.deepcopy` rather than the next object.
#[derive(Debug)]
pub(super) struct Bound<'a> {
    globals: &'a CopyGlobals,
    loaded: [std::cell::OnceCell<PyObjectRef>; Global::COUNT],
}

impl<'a> Bound<'a> {
    pub(super) fn new(globals: &'a CopyGlobals) -> Self {
        Self { globals, loaded: Default::default() }
    }

    pub(super) fn originals(&self) -> &'a Originals {
        &self.globals.originals
    }

    pub(super) fn classes(&self) -> &'a ClassCache {
        &self.globals.classes
    }

    pub(super) fn get(&self, global: Global, vm: &VirtualMachine) -> PyResult<&PyObjectRef> {
        let cell = &self.loaded[global.index()];
        if cell.get().is_none() {
            let value = self.globals.current(global, vm)?;
            // Loading ran no Python code, so the cell is still empty.
            let _ = cell.set(value);
        }
        cell.get().ok_or_else(|| vm.new_runtime_error("copy module global unavailable"))
    }

    /// `cls in _atomic_types`.
    pub(super) fn is_atomic(&self, cls: &Py<PyType>, vm: &VirtualMachine) -> PyResult<bool> {
        let atomic = self.get(Global::AtomicTypes, vm)?;
        self.globals.atomic_answers.answer(atomic, cls, vm, || match atomic.downcast_ref_if_exact::<PySet>(vm) {
            Some(set) => set.contains(cls.as_object(), vm),
            None => vm._contains(atomic, cls.as_object()),
        })
    }

    /// `_deepcopy_dispatch.get(cls)`.
    pub(super) fn copier(&self, cls: &Py<PyType>, vm: &VirtualMachine) -> PyResult<Option<PyObjectRef>> {
        let dispatch = self.get(Global::DeepcopyDispatch, vm)?;
        self.globals.copier_answers.answer(dispatch, cls, vm, || mapping_get(dispatch, cls.as_object(), vm))
    }

    /// `dispatch_table.get(cls)` (copyreg's table, as copy.py imported it).
    pub(super) fn reductor(&self, cls: &Py<PyType>, vm: &VirtualMachine) -> PyResult<Option<PyObjectRef>> {
        let table = self.get(Global::DispatchTable, vm)?;
        self.globals.reductor_answers.answer(table, cls, vm, || mapping_get(table, cls.as_object(), vm))
    }

    /// `_reconstruct`, or `None` while it is still copy.py's own (the native one runs then).
    pub(super) fn replaced_reconstruct(&self, vm: &VirtualMachine) -> PyResult<Option<PyObjectRef>> {
        let current = self.get(Global::Reconstruct, vm)?;
        Ok((!current.is(&self.globals.originals.reconstruct)).then(|| current.clone()))
    }

    /// `_keep_alive`, or `None` while it is still copy.py's own.
    pub(super) fn replaced_keep_alive(&self, vm: &VirtualMachine) -> PyResult<Option<PyObjectRef>> {
        let current = self.get(Global::KeepAlive, vm)?;
        Ok((!current.is(&self.globals.originals.keep_alive)).then(|| current.clone()))
    }

    /// `Error`, the exception class copy.py raises for an unreducible object.
    pub(super) fn error(&self, vm: &VirtualMachine) -> PyResult {
        self.get(Global::Error, vm).cloned()
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
