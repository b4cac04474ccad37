//! Answers read out of copy.py's tables (`cls in _atomic_types`,
//! `_deepcopy_dispatch.get(cls)`, `dispatch_table.get(cls)`), kept per class for as long as
//! the table provably holds what it held when it was asked.
//!
//! The proof needs the table to say when it changed. Stock RustPython's dicts and sets cannot
//! (copy.py's tables are plain, mutable containers), so the stock build keeps nothing here and
//! asks the table every time. The `versions` fork (vm-patches/patches/versions) gives every
//! dict and set a count of its mutations; built with the `vm-versions` feature, an answer is
//! kept while the module binds the same table (the module dict's count is unchanged) with the
//! same count, for a class whose identity is its address plus its type version tag (never
//! reused by another class, cleared when the class changes, so a freed class's address cannot
//! match). Only classes whose metaclass is exactly `type` are kept (hashing any other class
//! may run Python code), and only for a table whose every key is such a class (asking any
//! other may run a key's `__eq__`, which copy.py runs on every ask). Nothing is kept by
//! reference: a copier removed from its table, or a table rebound, is freed as under copy.py.

use rustpython_vm::builtins::{PyDict, PyType};
use rustpython_vm::{Py, PyObject, PyResult, VirtualMachine};

#[cfg(feature = "vm-versions")]
pub(super) use versioned::TableCache;

#[cfg(not(feature = "vm-versions"))]
pub(super) use unversioned::TableCache;

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
    use rustpython_vm::object::Traverse;

    use rustpython_vm::PyObjectRef;

    use super::{Py, PyDict, PyObject, PyResult, PyType, SLOTS, VirtualMachine};

    /// An answer as the cache keeps it: without a reference to any object, so removing a
    /// copier from its table, or rebinding the table, frees it at once, as under copy.py.
    /// An answer that is an object (a copier, a reducer) is not kept: the table is asked.
    pub(in super::super) trait Answer: Sized {
        type Kept: Copy;
        fn keep(&self) -> Option<Self::Kept>;
        fn revive(kept: Self::Kept) -> Self;
    }

    impl Answer for bool {
        type Kept = bool;
        fn keep(&self) -> Option<bool> {
            Some(*self)
        }
        fn revive(kept: bool) -> bool {
            kept
        }
    }

    /// `table.get(cls)`: kept only when it is `None` (the class has no copier or reducer),
    /// what nearly every class of an object copied by reduction gets.
    impl Answer for Option<PyObjectRef> {
        type Kept = ();
        fn keep(&self) -> Option<()> {
            self.is_none().then_some(())
        }
        fn revive((): ()) -> Self {
            None
        }
    }

    #[derive(Debug)]
    pub(in super::super) struct TableCache<A: Answer> {
        state: PyMutex<State<A::Kept>>,
    }

    impl<A: Answer> Default for TableCache<A> {
        fn default() -> Self {
            Self { state: PyMutex::new(State { table: None, quiet: false, slots: std::array::from_fn(|_| None) }) }
        }
    }

    /// The table the answers were read from, as the cache tells it is still the same table
    /// with the same contents without holding it: the module still binds it (the module dict's
    /// count is unchanged, so the table it bound then is the one it binds now, alive), at the
    /// same address, with the same count.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct TableKey {
        module: u64,
        address: usize,
        mutations: u64,
    }

    #[derive(Debug)]
    struct State<K> {
        table: Option<TableKey>,
        /// Whether asking the table runs no code (every key a class of metaclass `type`):
        /// otherwise a kept answer would skip a `__eq__` or `__contains__` copy.py runs.
        quiet: bool,
        /// Direct-mapped by class address: a probe is one index and two compares, where a
        /// hash map's hashing cost 13% of native's time on small dicts (perf, `versions`
        /// fork). Two classes that share a slot take turns; an answer is only ever lost.
        slots: [Option<Slot<K>>; SLOTS],
    }

    #[derive(Debug)]
    struct Slot<K> {
        class: usize,
        tag: u32,
        answer: K,
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

    /// Every key of the exact dict or set `table` is a class of metaclass `type`, whose hash
    /// and equality run no code.
    fn asks_quietly(table: &PyObject, vm: &VirtualMachine) -> bool {
        let plain = |key: &PyObject| key.downcast_ref::<PyType>().is_some() && key.class().is(vm.ctx.types.type_type);
        if let Some(dict) = table.downcast_ref_if_exact::<PyDict>(vm) {
            return dict.keys_vec().iter().all(|key| plain(key));
        }
        let Some(set) = table.downcast_ref_if_exact::<PySet>(vm) else { return false };
        let mut quiet = true;
        set.traverse(&mut |key| quiet &= plain(key));
        quiet
    }

    impl<A: Answer> TableCache<A> {
        /// `ask()`'s answer for `cls` about `table`, the value the module `module` binds now
        /// (`in_module`: found in the module, not in builtins), from the cache while it holds.
        pub(in super::super) fn answer(
            &self,
            module: &Py<PyDict>,
            in_module: bool,
            table: &PyObject,
            cls: &Py<PyType>,
            vm: &VirtualMachine,
            ask: impl FnOnce() -> PyResult<A>,
        ) -> PyResult<A> {
            let Some(before) = mutations(table, vm).filter(|_| in_module) else { return ask() };
            let key = TableKey { module: module.mutations(), address: table.get_id(), mutations: before };
            let class = cls.as_object().get_id();
            let tag = cls.tp_version_tag.load(Ordering::Acquire);
            let slot = slot_of(class);
            {
                let mut state = self.state.lock();
                if state.table == Some(key) {
                    if !state.quiet {
                        drop(state);
                        return ask();
                    }
                    if tag != 0
                        && let Some(Some(kept)) = state.slots.get(slot)
                        && kept.class == class
                        && kept.tag == tag
                    {
                        return Ok(A::revive(kept.answer));
                    }
                } else {
                    // Nothing here owns an object: replacing the state frees nothing.
                    *state = State {
                        table: Some(key),
                        quiet: asks_quietly(table, vm),
                        slots: std::array::from_fn(|_| None),
                    };
                    if !state.quiet {
                        drop(state);
                        return ask();
                    }
                }
            }
            // The lock is not held here: asking may run Python code (a dict subclass key's
            // `__eq__`), which may deep-copy again.
            let answer = ask()?;
            let plain_metaclass = cls.class().is(vm.ctx.types.type_type);
            let unchanged = mutations(table, vm) == Some(before) && module.mutations() == key.module;
            if tag != 0 && plain_metaclass && unchanged {
                let mut state = self.state.lock();
                if state.table == Some(key)
                    && let Some(kept) = state.slots.get_mut(slot)
                    && let Some(answer) = answer.keep()
                {
                    *kept = Some(Slot { class, tag, answer });
                }
            }
            Ok(answer)
        }
    }
}

#[cfg(not(feature = "vm-versions"))]
mod unversioned {
    use super::{Py, PyDict, PyObject, PyResult, PyType, VirtualMachine};

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
            _module: &Py<PyDict>,
            _in_module: bool,
            _table: &PyObject,
            _cls: &Py<PyType>,
            _vm: &VirtualMachine,
            ask: impl FnOnce() -> PyResult<A>,
        ) -> PyResult<A> {
            ask()
        }
    }
}
