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

/// Answers kept per table: well above the classes one program copies (the structures suite has
/// a dozen), small enough to clear in one go when the table changes.
#[cfg(feature = "vm-versions")]
const SLOTS: usize = 256;

#[cfg(feature = "vm-versions")]
mod versioned {
    use std::sync::atomic::Ordering;

    use rustpython_vm::AsObject;
    use rustpython_vm::builtins::PySet;
    use rustpython_vm::common::lock::PyMutex;

    use super::{Global, Py, PyDict, PyObject, PyObjectRef, PyResult, PyType, SLOTS, VirtualMachine};

    #[derive(Debug)]
    pub(in super::super) struct TableCache<A> {
        state: PyMutex<State<A>>,
    }

    impl<A> Default for TableCache<A> {
        fn default() -> Self {
            Self { state: PyMutex::new(State { table: None, slots: std::array::from_fn(|_| None) }) }
        }
    }

    #[derive(Debug)]
    struct State<A> {
        /// The table the answers were read from, and its mutation count then.
        table: Option<(PyObjectRef, u64)>,
        /// Direct-mapped by class address: a probe is one index and two compares, where a
        /// hash map's hashing cost 13% of native's time on small dicts (perf, `versions`
        /// fork). Two classes that share a slot take turns; an answer is only ever lost.
        slots: [Option<Slot<A>>; SLOTS],
    }

    #[derive(Debug)]
    struct Slot<A> {
        class: usize,
        tag: u32,
        answer: A,
    }

    /// Class objects are allocations of a few hundred bytes: the low bits of their addresses
    /// say little, the bits above them spread classes over the slots.
    fn slot_of(class: usize) -> usize {
        ((class >> 6) ^ (class >> 13)) % SLOTS
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
            let class = cls.as_object().get_id();
            let tag = cls.tp_version_tag.load(Ordering::Acquire);
            let slot = slot_of(class);
            let mut state = self.state.lock();
            let current = state.table.as_ref().is_some_and(|(cached, count)| cached.is(table) && *count == before);
            if current {
                if tag != 0
                    && let Some(Some(kept)) = state.slots.get(slot)
                    && kept.class == class
                    && kept.tag == tag
                {
                    return Ok(kept.answer.clone());
                }
                drop(state);
            } else {
                let stale = std::mem::replace(
                    &mut *state,
                    State { table: Some((table.to_owned(), before)), slots: std::array::from_fn(|_| None) },
                );
                // What the old answers held (copier functions, the old table) may be freed
                // here, running finalizers: after the lock, which a nested deepcopy may take.
                drop(state);
                drop(stale);
            }
            // The lock is not held here: asking may run Python code (a dict subclass key's
            // `__eq__`), which may deep-copy again.
            let answer = ask()?;
            let plain_metaclass = cls.class().is(vm.ctx.types.type_type);
            if tag != 0 && plain_metaclass && mutations(table, vm) == Some(before) {
                let mut state = self.state.lock();
                if state.table.as_ref().is_some_and(|(cached, count)| cached.is(table) && *count == before)
                    && let Some(kept) = state.slots.get_mut(slot)
                {
                    // The answer it replaces (a copier function) is dropped after the lock.
                    let replaced = kept.replace(Slot { class, tag, answer: answer.clone() });
                    drop(state);
                    drop(replaced);
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
            let mut state = self.state.lock();
            if state.as_ref().is_none_or(|(cached, _)| *cached != count) {
                let stale = state.replace((count, Default::default()));
                // Old values may be freed here: after the lock, as in TableCache::answer.
                drop(state);
                drop(stale);
            } else if let Some((_, values)) = state.as_ref()
                && let Some(Some(value)) = values.get(global.index())
            {
                return Ok(value.clone());
            } else {
                drop(state);
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
