//! Answers read out of copy.py's tables (`cls in _atomic_types`,
//! `_deepcopy_dispatch.get(cls)`, `dispatch_table.get(cls)`), kept per class for as long as
//! the table provably holds what it held when it was asked.
//!
//! The proof needs the table to say when it changed. Stock RustPython's dicts and sets cannot
//! (copy.py's tables are plain, mutable containers), so the stock build keeps nothing here and
//! asks the table every time. The `versions` fork (vm-patches/patches/versions) gives every
//! dict and set a count of its mutations; built with the `vm-versions` feature, an answer is
//! kept while the same table object has the same count, for a class whose identity is
//! its address plus its type version tag (never reused by another class, cleared when the
//! class changes, so a freed class's address cannot match). Only classes whose metaclass is
//! exactly `type` are kept: hashing any other class may run Python code, which could change
//! the table while it is being asked.

use rustpython_vm::builtins::{PyDict, PyType};
use rustpython_vm::{Py, PyObject, PyObjectRef, PyResult, VirtualMachine};

use super::copy_globals::Global;

#[cfg(feature = "vm-versions")]
pub(super) use versioned::{GlobalsCache, TableCache};

#[cfg(not(feature = "vm-versions"))]
pub(super) use unversioned::{GlobalsCache, TableCache};

/// Classes remembered per table at most (the cache starts over beyond it).
#[cfg(feature = "vm-versions")]
const MAX_CLASSES: usize = 4096;

#[cfg(feature = "vm-versions")]
mod versioned {
    use std::sync::atomic::Ordering;

    use rustpython_vm::AsObject;
    use rustpython_vm::builtins::PySet;
    use rustpython_vm::common::lock::PyMutex;

    use super::{Global, MAX_CLASSES, Py, PyDict, PyObject, PyObjectRef, PyResult, PyType, VirtualMachine};

    #[derive(Debug)]
    pub(in super::super) struct TableCache<A> {
        state: PyMutex<State<A>>,
    }

    impl<A> Default for TableCache<A> {
        fn default() -> Self {
            Self { state: PyMutex::new(State { table: None, answers: hashbrown::HashMap::new() }) }
        }
    }

    #[derive(Debug)]
    struct State<A> {
        /// The table the answers were read from, and its mutation count then.
        table: Option<(PyObjectRef, u64)>,
        /// Class address -> (its type version tag, the answer).
        answers: hashbrown::HashMap<usize, (u32, A)>,
    }

    /// An exact dict's or set's mutation count; `None` for anything else (a subclass or a
    /// user's mapping may answer differently each time).
    fn mutations(table: &PyObject, vm: &VirtualMachine) -> Option<u64> {
        if let Some(dict) = table.downcast_ref_if_exact::<PyDict>(vm) {
            return Some(dict.mutations());
        }
        table.downcast_ref_if_exact::<PySet>(vm).map(|set| set.mutations())
    }

    impl<A: Clone> TableCache<A> {
        /// `ask()`'s answer for `cls` about `table`, from the cache while it holds.
        pub(in super::super) fn answer(
            &self,
            table: &PyObject,
            cls: &Py<PyType>,
            vm: &VirtualMachine,
            ask: impl FnOnce() -> PyResult<A>,
        ) -> PyResult<A> {
            let Some(before) = mutations(table, vm) else { return ask() };
            let key = cls.as_object().get_id();
            let tag = cls.tp_version_tag.load(Ordering::Acquire);
            let plain_metaclass = cls.class().is(vm.ctx.types.type_type);
            {
                let mut state = self.state.lock();
                let current = state.table.as_ref().is_some_and(|(cached, count)| cached.is(table) && *count == before);
                if !current {
                    state.answers.clear();
                    state.table = Some((table.to_owned(), before));
                } else if tag != 0
                    && let Some((cached_tag, answer)) = state.answers.get(&key)
                    && *cached_tag == tag
                {
                    return Ok(answer.clone());
                }
            }
            // The lock is not held here: asking may run Python code (a dict subclass key's
            // `__eq__`), which may deep-copy again.
            let answer = ask()?;
            if tag != 0 && plain_metaclass && mutations(table, vm) == Some(before) {
                let mut state = self.state.lock();
                if state.table.as_ref().is_some_and(|(cached, count)| cached.is(table) && *count == before) {
                    if state.answers.len() >= MAX_CLASSES {
                        state.answers.clear();
                    }
                    state.answers.insert(key, (tag, answer.clone()));
                }
            }
            Ok(answer)
        }
    }

    /// The module globals copy.py's deepcopy reads, kept while the module's dict has the
    /// same mutation count. Only values found in the module itself are kept (a builtin could
    /// be shadowed later by a module global, which the count would show, but a builtin
    /// rebound in `builtins` would not).
    #[derive(Debug, Default)]
    pub(in super::super) struct GlobalsCache {
        state: PyMutex<Option<(u64, [Option<PyObjectRef>; Global::COUNT])>>,
    }

    impl GlobalsCache {
        /// `global` as `LOAD_GLOBAL` finds it; `load` gives the value and whether it came from
        /// the module's own dict.
        pub(in super::super) fn value(
            &self,
            module: &Py<PyDict>,
            global: Global,
            load: impl FnOnce() -> PyResult<(PyObjectRef, bool)>,
        ) -> PyResult<PyObjectRef> {
            let count = module.mutations();
            {
                let mut state = self.state.lock();
                if state.as_ref().is_none_or(|(cached, _)| *cached != count) {
                    *state = Some((count, Default::default()));
                }
                if let Some((_, values)) = state.as_ref()
                    && let Some(Some(value)) = values.get(global.index())
                {
                    return Ok(value.clone());
                }
            }
            // Loading runs no Python code (exact dicts, str keys), but the lock is not held
            // across it all the same.
            let (value, in_module) = load()?;
            if in_module
                && module.mutations() == count
                && let Some((cached, values)) = self.state.lock().as_mut()
                && *cached == count
                && let Some(slot) = values.get_mut(global.index())
            {
                *slot = Some(value.clone());
            }
            Ok(value)
        }
    }
}

#[cfg(not(feature = "vm-versions"))]
mod unversioned {
    use super::{Global, Py, PyDict, PyObject, PyObjectRef, PyResult, PyType, VirtualMachine};

    /// Nothing is kept: each call reads the module's globals again.
    #[derive(Debug, Default)]
    pub(in super::super) struct GlobalsCache {
        _kept: std::marker::PhantomData<PyObjectRef>,
    }

    impl GlobalsCache {
        pub(in super::super) fn value(
            &self,
            _module: &Py<PyDict>,
            _global: Global,
            load: impl FnOnce() -> PyResult<(PyObjectRef, bool)>,
        ) -> PyResult<PyObjectRef> {
            load().map(|(value, _)| value)
        }
    }

    /// Nothing is kept: without a mutation count, a table cannot tell that it changed.
    #[derive(Debug)]
    pub(in super::super) struct TableCache<A> {
        _answers: std::marker::PhantomData<A>,
    }

    impl<A> Default for TableCache<A> {
        fn default() -> Self {
            Self { _answers: std::marker::PhantomData }
        }
    }

    impl<A> TableCache<A> {
        pub(in super::super) fn answer(
            &self,
            _table: &PyObject,
            _cls: &Py<PyType>,
            _vm: &VirtualMachine,
            ask: impl FnOnce() -> PyResult<A>,
        ) -> PyResult<A> {
            ask()
        }
    }
}
