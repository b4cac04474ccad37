//! The memo as copy.py uses it: keyed by `id(obj)` ints, with the keep-alive list at
//! `memo[id(memo)]`.
//!
//! * A memo the caller passed in is used as it is: an exact dict is read and written
//!   natively (probed by the id itself, so a probe allocates no int); `--memo cam`'s
//!   CamMemo through its device context (cam.rs); any other mapping (a dict subclass, a
//!   user's class) gets the very method calls and subscripts copy.py makes.
//! * The memo `deepcopy(x)` creates starts native ([`NativeMemo`]): no dict, no int keys,
//!   no keep-alive list object. Only copy.py's own code (transliterated here) can see it, so
//!   nothing can tell it from a dict until it escapes to Python code (a `__deepcopy__`, a
//!   replaced copier or helper); at that moment it becomes the dict copy.py would have
//!   built, entry for entry in the same order, the keep-alive list at `id(dict)` in the
//!   position its first append gave it, and stays a dict from then on.

use std::cell::RefCell;

use rustpython_vm::builtins::{PyDict, PyList};
use rustpython_vm::{AsObject, PyObjectRef, PyRef, PyResult, VirtualMachine};

use super::cam;
use crate::cam_memo::CamMemo;

#[derive(Debug)]
pub(super) struct Memo {
    state: RefCell<State>,
}

#[derive(Debug)]
enum State {
    Native(NativeMemo),
    Dict(PyRef<PyDict>),
    /// `--memo cam`'s memo: its device context is driven directly (see cam.rs).
    Cam(PyRef<CamMemo>),
    /// Any other mapping, and the `_nil` copy.py's `memo.get(d, _nil)` would pass it.
    Other(PyObjectRef, PyObjectRef),
}

/// What a fresh memo holds while no Python code has seen it.
#[derive(Debug, Default)]
struct NativeMemo {
    /// Memo entries and keep-alive items, in the order copy.py would have made them. An
    /// overwrite keeps its position, as in a dict.
    entries: Vec<(Key, PyObjectRef)>,
    /// id -> position in `entries`, built once the memo outgrows a linear scan.
    index: Option<hashbrown::HashMap<usize, usize>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Id(usize),
    /// An item of the keep-alive list `memo[id(memo)]`, whose dict entry sits where the
    /// first of them is (`id(memo)` has no value until the dict exists).
    Kept,
}

/// Up to this many entries a scan beats hashing (most `deepcopy(x)` calls stay below).
const SCAN_LIMIT: usize = 16;

impl NativeMemo {
    fn with_capacity(capacity: usize) -> Self {
        Self { entries: Vec::with_capacity(capacity), index: None }
    }

    fn position(&self, id: usize) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(&id).copied(),
            None => self.entries.iter().position(|(key, _)| *key == Key::Id(id)),
        }
    }

    fn get(&self, id: usize) -> Option<PyObjectRef> {
        let position = self.position(id)?;
        self.entries.get(position).map(|(_, value)| value.clone())
    }

    /// Stores `value`, handing back an overwritten one to be dropped outside the borrow.
    fn set(&mut self, id: usize, value: PyObjectRef) -> Option<PyObjectRef> {
        if let Some(position) = self.position(id)
            && let Some((_, slot)) = self.entries.get_mut(position)
        {
            return Some(std::mem::replace(slot, value));
        }
        let position = self.entries.len();
        self.entries.push((Key::Id(id), value));
        match &mut self.index {
            Some(index) => {
                index.insert(id, position);
            }
            None if self.entries.len() > SCAN_LIMIT => {
                let index = self
                    .entries
                    .iter()
                    .enumerate()
                    .filter_map(|(position, (key, _))| match key {
                        Key::Id(id) => Some((*id, position)),
                        Key::Kept => None,
                    })
                    .collect();
                self.index = Some(index);
            }
            None => {}
        }
        None
    }

    fn keep_alive(&mut self, x: PyObjectRef) {
        self.entries.push((Key::Kept, x));
    }

    /// The dict copy.py would hold now.
    fn into_dict(self, vm: &VirtualMachine) -> PyResult<PyRef<PyDict>> {
        let dict = vm.ctx.new_dict();
        let memo_id = dict.as_object().get_id();
        let kept: Vec<PyObjectRef> =
            self.entries.iter().filter(|(key, _)| *key == Key::Kept).map(|(_, item)| item.clone()).collect();
        let mut kept = Some(kept);
        for (key, value) in self.entries {
            match key {
                Key::Id(id) => dict.set_item(&id, value, vm)?,
                Key::Kept => {
                    if let Some(items) = kept.take() {
                        dict.set_item(&memo_id, vm.ctx.new_list(items).into(), vm)?;
                    }
                }
            }
        }
        Ok(dict)
    }
}

impl Memo {
    /// A caller's memo; `nil` gives the `_nil` a mapping's `get` is passed (`None`: copy.py's
    /// `deepcopy` no longer has one, and this returns `None` for the caller to run it).
    pub(super) fn given(
        memo: PyObjectRef,
        nil: impl FnOnce() -> PyResult<Option<PyObjectRef>>,
        vm: &VirtualMachine,
    ) -> PyResult<Option<Self>> {
        let state = match memo.downcast_exact::<PyDict>(vm) {
            Ok(dict) => State::Dict(dict.into_pyref()),
            Err(other) => match other.downcast_exact::<CamMemo>(vm) {
                Ok(cam) => State::Cam(cam.into_pyref()),
                Err(other) => match nil()? {
                    Some(nil) => State::Other(other, nil),
                    None => return Ok(None),
                },
            },
        };
        Ok(Some(Self { state: RefCell::new(state) }))
    }

    /// The memo `deepcopy(x)` creates (`memo = {}`).
    pub(super) fn fresh() -> Self {
        // Sized for a small graph: most deepcopy(x) calls memoize a handful of objects.
        Self { state: RefCell::new(State::Native(NativeMemo::with_capacity(8))) }
    }

    /// The memo as a Python object, for handing to Python code (a native memo becomes
    /// its dict here, for good).
    pub(super) fn object(&self, vm: &VirtualMachine) -> PyResult<PyObjectRef> {
        let mut state = self.borrow_mut(vm)?;
        let dict = match &mut *state {
            State::Dict(dict) => return Ok(dict.clone().into()),
            State::Cam(cam) => return Ok(cam.clone().into()),
            State::Other(other, _) => return Ok(other.clone()),
            State::Native(native) => std::mem::take(native).into_dict(vm)?,
        };
        *state = State::Dict(dict.clone());
        Ok(dict.into())
    }

    /// `memo.get(id, _nil)`, `None` for `_nil`.
    pub(super) fn get(&self, id: usize, vm: &VirtualMachine) -> PyResult<Option<PyObjectRef>> {
        let (other, nil) = match &*self.borrow(vm)? {
            State::Native(native) => return Ok(native.get(id)),
            State::Dict(dict) => return dict.get_item_opt(&id, vm),
            // A device lookup runs no Python code and drops nothing.
            State::Cam(cam) => return cam::lookup(cam, id, vm),
            State::Other(other, nil) => (other.clone(), nil.clone()),
        };
        let found = vm.call_method(&other, "get", (vm.ctx.new_int(id), nil.clone()))?;
        Ok((!found.is(&nil)).then_some(found))
    }

    /// Whether [`Memo::get`] can never run Python code: true for the native table and the CAM
    /// device; a dict (a caller's, or ours once a hook has seen it) may hold a key whose
    /// `__eq__` a lookup calls, and any other mapping is Python code.
    pub(super) fn lookups_run_no_code(&self) -> bool {
        matches!(self.state.try_borrow().as_deref(), Ok(State::Native(_) | State::Cam(_)))
    }

    /// Whether a lookup may be skipped when its answer is known: only for the native table,
    /// whose lookups nobody sees. The CAM device counts each one, and its statistics must be
    /// the baseline's.
    pub(super) fn lookups_are_unobserved(&self) -> bool {
        matches!(self.state.try_borrow().as_deref(), Ok(State::Native(_)))
    }

    /// `memo[id]`, `None` where it raises KeyError (copy.py's `try: ... except KeyError`).
    pub(super) fn subscript(&self, id: usize, vm: &VirtualMachine) -> PyResult<Option<PyObjectRef>> {
        let other = match &*self.borrow(vm)? {
            State::Native(native) => return Ok(native.get(id)),
            State::Dict(dict) => return dict.get_item_opt(&id, vm),
            // A device lookup runs no Python code and drops nothing.
            State::Cam(cam) => return cam::lookup(cam, id, vm),
            State::Other(other, _) => other.clone(),
        };
        absent_on_key_error(other.get_item(&id, vm), vm)
    }

    /// `memo[id] = value`.
    pub(super) fn set(&self, id: usize, value: PyObjectRef, vm: &VirtualMachine) -> PyResult<()> {
        let target: Option<PyObjectRef> = match &*self.borrow(vm)? {
            State::Native(_) => None,
            State::Dict(dict) => Some(dict.clone().into()),
            State::Cam(cam) => Some(cam.clone().into()),
            State::Other(other, _) => Some(other.clone()),
        };
        match target {
            Some(target) => match target.downcast_ref::<CamMemo>() {
                Some(cam) => cam::store(cam, id, value, vm),
                None => target.set_item(&id, value, vm),
            },
            None => {
                let overwritten = match &mut *self.borrow_mut(vm)? {
                    State::Native(native) => native.set(id, value),
                    State::Dict(_) | State::Cam(_) | State::Other(..) => None,
                };
                // Dropped (running any __del__) after the borrow has ended.
                drop(overwritten);
                Ok(())
            }
        }
    }

    /// copy.py's `_keep_alive(x, memo)`:
    /// `try: memo[id(memo)].append(x) except KeyError: memo[id(memo)] = [x]`.
    pub(super) fn keep_alive(&self, x: PyObjectRef, vm: &VirtualMachine) -> PyResult<()> {
        let memo = match &mut *self.borrow_mut(vm)? {
            State::Native(native) => {
                native.keep_alive(x);
                return Ok(());
            }
            State::Dict(dict) => dict.clone().into(),
            State::Cam(cam) => cam.clone().into(),
            State::Other(other, _) => other.clone(),
        };
        let key = memo.get_id();
        let appended = match self.subscript(key, vm)? {
            Some(kept) => match kept.downcast_ref_if_exact::<PyList>(vm) {
                Some(list) => {
                    list.borrow_vec_mut().push(x.clone());
                    true
                }
                None => absent_on_key_error(vm.call_method(&kept, "append", (x.clone(),)), vm)?.is_some(),
            },
            None => false,
        };
        if appended { Ok(()) } else { self.set(key, vm.ctx.new_list(vec![x]).into(), vm) }
    }

    fn borrow(&self, vm: &VirtualMachine) -> PyResult<std::cell::Ref<'_, State>> {
        self.state.try_borrow().map_err(|_| reentered(vm))
    }

    fn borrow_mut(&self, vm: &VirtualMachine) -> PyResult<std::cell::RefMut<'_, State>> {
        self.state.try_borrow_mut().map_err(|_| reentered(vm))
    }
}

/// Borrows never span a call into Python, so this is unreachable; a RuntimeError rather
/// than a panic all the same.
fn reentered(vm: &VirtualMachine) -> rustpython_vm::builtins::PyBaseExceptionRef {
    vm.new_runtime_error("deepcopy memo used re-entrantly")
}

/// Maps a KeyError (or subclass) to `None`, as an `except KeyError:` would catch it.
fn absent_on_key_error(result: PyResult, vm: &VirtualMachine) -> PyResult<Option<PyObjectRef>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(exc) if exc.fast_isinstance(vm.ctx.exceptions.key_error) => Ok(None),
        Err(exc) => Err(exc),
    }
}

#[cfg(test)]
mod tests {
    use rustpython::InterpreterBuilderExt as _;
    use rustpython_vm::{AsObject, InterpreterBuilder, PyObjectRef, VirtualMachine};

    use super::{NativeMemo, SCAN_LIMIT};

    fn with_vm(f: impl FnOnce(&VirtualMachine)) {
        InterpreterBuilder::new().init_stdlib().build().enter(f);
    }

    fn int(vm: &VirtualMachine, value: i64) -> PyObjectRef {
        vm.ctx.new_int(value).into()
    }

    /// The dict's keys, as ints, in order.
    fn keys(dict: &rustpython_vm::Py<rustpython_vm::builtins::PyDict>, vm: &VirtualMachine) -> Vec<usize> {
        dict.keys_vec().into_iter().map(|key| key.try_to_value::<usize>(vm).expect("int key")).collect()
    }

    #[test]
    fn dict_has_copy_py_order_with_the_keep_alive_list_where_its_first_item_went() {
        with_vm(|vm| {
            let mut memo = NativeMemo::default();
            let (a, b, c, x, y) = (int(vm, 1), int(vm, 2), int(vm, 3), int(vm, 100), int(vm, 200));
            assert!(memo.set(10, a).is_none());
            assert!(memo.set(20, b.clone()).is_none());
            memo.keep_alive(x.clone());
            assert!(memo.set(30, c).is_none());
            memo.keep_alive(y.clone());
            let dict = memo.into_dict(vm).unwrap();
            let memo_id = dict.as_object().get_id();
            assert_eq!(keys(&dict, vm), [10, 20, memo_id, 30]);
            let kept = dict.get_item(&memo_id, vm).unwrap();
            let kept: Vec<PyObjectRef> = kept.try_to_value(vm).unwrap();
            assert!(kept.len() == 2 && kept[0].is(&x) && kept[1].is(&y));
            assert!(dict.get_item(&20usize, vm).unwrap().is(&b));
        });
    }

    #[test]
    fn an_overwrite_keeps_its_position_and_hands_back_the_old_value() {
        with_vm(|vm| {
            let mut memo = NativeMemo::default();
            let (old, new) = (int(vm, 1), int(vm, 3));
            memo.set(10, old.clone());
            memo.set(20, int(vm, 2));
            let replaced = memo.set(10, new.clone()).expect("the old value comes back");
            assert!(replaced.is(&old));
            let dict = memo.into_dict(vm).unwrap();
            assert_eq!(keys(&dict, vm), [10, 20]);
            assert!(dict.get_item(&10usize, vm).unwrap().is(&new));
        });
    }

    #[test]
    fn the_index_built_past_the_scan_limit_finds_what_the_scan_found() {
        with_vm(|vm| {
            let mut memo = NativeMemo::default();
            let count = SCAN_LIMIT * 3;
            for id in 0..count {
                memo.set(id * 8, int(vm, i64::try_from(id).unwrap()));
                if id == SCAN_LIMIT / 2 {
                    memo.keep_alive(int(vm, -1));
                }
            }
            for id in 0..count {
                let found = memo.get(id * 8).expect("stored").try_to_value::<usize>(vm).unwrap();
                assert_eq!(found, id);
            }
            assert!(memo.get(7).is_none());
            let dict = memo.into_dict(vm).unwrap();
            assert_eq!(keys(&dict, vm).len(), count + 1, "every id and the keep-alive list");
        });
    }
}
