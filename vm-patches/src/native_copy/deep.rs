//! copy.py's `deepcopy` and its list, tuple and dict copiers, transliterated: the same
//! tests, lookups, calls and memo operations in the same order, so user code (hooks,
//! reducers, a caller's memo) sees exactly what it sees under copy.py.

use rustpython_vm::builtins::{PyDict, PyList, PyTuple};
use rustpython_vm::{AsObject, PyObjectRef, PyResult, VirtualMachine, identifier};

use super::copy_globals::{Bound, CopyGlobals};
use super::memo::Memo;
use super::reduce;

/// Native stack guard message, in the style of CPython's "while calling a Python object".
const RECURSION_WHERE: &str = "while deep-copying an object";

pub(super) struct DeepCopier<'a> {
    pub(super) globals: Bound<'a>,
    pub(super) vm: &'a VirtualMachine,
}

impl<'a> DeepCopier<'a> {
    pub(super) fn new(globals: &'a CopyGlobals, vm: &'a VirtualMachine) -> Self {
        Self { globals: Bound::new(globals), vm }
    }

    /// `deepcopy(x, memo)` (with `memo=None`: `deepcopy(x)`).
    pub(super) fn deepcopy(&self, x: &PyObjectRef, memo: Option<&Memo>) -> PyResult {
        let vm = self.vm;
        let cls = x.class();
        if self.globals.is_atomic(cls.as_object(), vm)? {
            return Ok(x.clone());
        }
        vm.with_recursion(RECURSION_WHERE, || {
            let d = x.get_id();
            let created;
            let memo = match memo {
                Some(memo) => {
                    if let Some(y) = memo.get(d, vm)? {
                        return Ok(y);
                    }
                    memo
                }
                None => {
                    created = Memo::fresh();
                    &created
                }
            };
            let y = self.dispatch(x, memo)?;
            // If is its own copy, don't memoize.
            if !y.is(x) {
                memo.set(d, y.clone(), vm)?;
                self.keep_alive(x, memo)?;
            }
            Ok(y)
        })
    }

    /// Everything between deepcopy's memo lookup and its memo store.
    fn dispatch(&self, x: &PyObjectRef, memo: &Memo) -> PyResult {
        let vm = self.vm;
        let cls = x.class();
        if let Some(copier) = self.globals.copier(cls.as_object(), vm)? {
            let originals = self.globals.originals();
            if copier.is(&originals.list)
                && let Some(list) = x.downcast_ref_if_exact::<PyList>(vm)
            {
                return self.copy_list(list, memo);
            }
            if copier.is(&originals.tuple)
                && let Some(tuple) = x.downcast_ref_if_exact::<PyTuple>(vm)
            {
                return self.copy_tuple(x, tuple, memo);
            }
            if copier.is(&originals.dict)
                && let Some(dict) = x.downcast_ref_if_exact::<PyDict>(vm)
            {
                return self.copy_dict(dict, memo);
            }
            return copier.call((x.clone(), memo.object(vm)?), vm);
        }
        if cls.fast_issubclass(vm.ctx.types.type_type) {
            return Ok(x.clone()); // atomic copy
        }
        if let Some(copier) = vm.get_attribute_opt(x, identifier!(vm, __deepcopy__))?
            && !vm.is_none(&copier)
        {
            return copier.call((memo.object(vm)?,), vm);
        }
        reduce::copy_by_reduction(self, x, memo)
    }

    /// `_deepcopy_list`.
    fn copy_list(&self, x: &rustpython_vm::Py<PyList>, memo: &Memo) -> PyResult {
        let vm = self.vm;
        // Sized for the list as it is now, so the appends below do not regrow it (it may
        // still change length under the loop; the capacity is only a guess then).
        let y = vm.ctx.new_list(Vec::with_capacity(x.borrow_vec().len()));
        memo.set(x.as_object().get_id(), y.clone().into(), vm)?;
        // A list iterator: re-reads the length every step, as the list may change under it.
        let mut index = 0;
        loop {
            let Some(item) = x.borrow_vec().get(index).cloned() else { break };
            index += 1;
            let copied = self.deepcopy(&item, Some(memo))?;
            y.borrow_vec_mut().push(copied);
        }
        Ok(y.into())
    }

    /// `_deepcopy_tuple`: the original back when no element changed.
    fn copy_tuple(&self, x: &PyObjectRef, tuple: &rustpython_vm::Py<PyTuple>, memo: &Memo) -> PyResult {
        let vm = self.vm;
        let mut copied = Vec::with_capacity(tuple.len());
        for item in tuple.as_slice() {
            copied.push(self.deepcopy(item, Some(memo))?);
        }
        // We're not going to put the tuple in the memo, but it's still important we
        // check for it, in case the tuple contains recursive mutable structures.
        if let Some(y) = memo.subscript(x.get_id(), vm)? {
            return Ok(y);
        }
        let unchanged = tuple.as_slice().iter().zip(&copied).all(|(k, j)| k.is(j));
        Ok(if unchanged { x.clone() } else { vm.ctx.new_tuple(copied).into() })
    }

    /// `_deepcopy_dict`: `y[deepcopy(key)] = deepcopy(value)` evaluates the value first.
    fn copy_dict(&self, x: &rustpython_vm::Py<PyDict>, memo: &Memo) -> PyResult {
        let vm = self.vm;
        let y = vm.ctx.new_dict();
        memo.set(x.as_object().get_id(), y.clone().into(), vm)?;
        // `x.items()` iterated: a dict that changes size under it raises, as the view does.
        let size = x.size();
        let mut position = 0;
        loop {
            if x.size() != size {
                return Err(vm.new_runtime_error("dictionary changed size during iteration"));
            }
            let Some((next, key, value)) = x.next_entry(position) else { break };
            position = next;
            let value = self.deepcopy(&value, Some(memo))?;
            let key = self.deepcopy(&key, Some(memo))?;
            y.set_item(&*key, value, vm)?;
        }
        Ok(y.into())
    }

    /// `_keep_alive(x, memo)`, the user's replacement if copy._keep_alive was rebound.
    pub(super) fn keep_alive(&self, x: &PyObjectRef, memo: &Memo) -> PyResult<()> {
        let vm = self.vm;
        match self.globals.replaced_keep_alive(vm)? {
            Some(keep_alive) => keep_alive.call((x.clone(), memo.object(vm)?), vm).map(drop),
            None => memo.keep_alive(x.clone(), vm),
        }
    }
}
