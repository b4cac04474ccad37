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

/// Python frames copy.py opens for one level of nesting: `deepcopy`, then the copier
/// (`_deepcopy_list`, `_deepcopy_tuple`, `_deepcopy_dict`) or `_reconstruct`.
const FRAMES_PER_LEVEL: usize = 2;

thread_local! {
    /// Levels of native deepcopy open on this thread, across nested top-level calls (a hook
    /// that calls `copy.deepcopy` again): the VM counts only Python frames, so without this
    /// `sys.setrecursionlimit` would not bound a native copy at all.
    static OPEN_LEVELS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// One open level of a native deepcopy, counted as the frames copy.py would have open, so the
/// recursion limit stops it where it stops copy.py, with the same `RecursionError`.
struct Level;

impl Level {
    fn enter(vm: &VirtualMachine) -> PyResult<Self> {
        let open = OPEN_LEVELS.get();
        // copy.py's check is made as each frame is entered; the copier's is the later one.
        let depth = vm.current_recursion_depth() + FRAMES_PER_LEVEL * open + (FRAMES_PER_LEVEL - 1);
        if depth >= vm.recursion_limit.get() {
            // The message RustPython gives when a Python frame is entered past the limit.
            return Err(vm.new_recursion_error("maximum recursion depth exceeded ".to_owned()));
        }
        OPEN_LEVELS.set(open + 1);
        Ok(Self)
    }
}

impl Drop for Level {
    fn drop(&mut self) {
        OPEN_LEVELS.set(OPEN_LEVELS.get().saturating_sub(1));
    }
}

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
        if !self.globals.builtins_unshadowed(vm)? {
            // copy.py would call the shadowing global: its own code copies this object.
            let memo = memo.map_or_else(|| Ok(vm.ctx.none()), |memo| memo.object(vm))?;
            return self.globals.originals().deepcopy.call((x.clone(), memo), vm);
        }
        if self.globals.is_atomic(x.class(), vm)? {
            return Ok(x.clone());
        }
        match memo {
            Some(memo) => self.deepcopy_not_atomic(x, memo),
            None => self.copy_into_memo(x, self.globals.id_of(x, vm)?, &Memo::fresh()),
        }
    }

    /// deepcopy's memo lookup, then its copy: `x` is known not to be atomic.
    fn deepcopy_not_atomic(&self, x: &PyObjectRef, memo: &Memo) -> PyResult {
        // `d = id(x)`: the probe of `_atomic_types` before it may have run code.
        let d = self.globals.id_of(x, self.vm)?;
        match memo.get(d, self.vm)? {
            Some(y) => Ok(y),
            None => self.copy_into_memo(x, d, memo),
        }
    }

    /// deepcopy from `copier = _deepcopy_dispatch.get(cls)` to `return y`: `x`, whose id
    /// copy.py holds as `d`, is not in the memo.
    fn copy_into_memo(&self, x: &PyObjectRef, d: usize, memo: &Memo) -> PyResult {
        let vm = self.vm;
        let _level = Level::enter(vm)?;
        vm.with_recursion(RECURSION_WHERE, || {
            let y = self.dispatch(x, memo)?;
            // If is its own copy, don't memoize.
            if !y.is(x) {
                memo.set(d, y.clone(), vm)?;
                self.keep_alive(x, memo)?;
            }
            Ok(y)
        })
    }

    /// `deepcopy(item, memo)` for an item of a container being copied natively, with the
    /// `_atomic_types` answers of the items before it (see [`KnownClasses`]).
    /// Also says whether code may have run (the item was not copied by
    /// [`Self::copy_without_code`] alone).
    fn deepcopy_item(
        &self,
        item: &PyObjectRef,
        memo: &Memo,
        known: &mut KnownClasses,
    ) -> PyResult<(PyObjectRef, bool)> {
        match self.copy_without_code(item, memo, known)? {
            Quick::Copied(y) => Ok((y, false)),
            rest => self.copy_rest(item, memo, known, rest).map(|y| (y, true)),
        }
    }

    /// As much of `deepcopy(item, memo)` as can be done without any code being able to run:
    /// the atomic test (for a class whose metaclass is `type`) and, with a memo that is not a
    /// Python mapping, the memo lookup.
    fn copy_without_code(&self, item: &PyObjectRef, memo: &Memo, known: &mut KnownClasses) -> PyResult<Quick> {
        let vm = self.vm;
        if !self.globals.builtins_unshadowed(vm)? {
            return Ok(Quick::Unasked);
        }
        let cls = item.class();
        let cls_id = cls.as_object().get_id();
        let quiet_probe = || self.globals.atomic_set_runs_no_code(vm);
        let (atomic, asked) = match known.atomic(cls_id, quiet_probe)? {
            Some(atomic) => (atomic, false),
            // Another metaclass may hash the class in Python.
            None if !cls.class().is(vm.ctx.types.type_type) => return Ok(Quick::Unasked),
            None => (self.globals.is_atomic(cls, vm)?, true),
        };
        let quick = if atomic {
            Quick::Copied(item.clone())
        } else if !memo.lookups_run_no_code() {
            return Ok(Quick::NotAtomic);
        } else {
            // A probe of a set subclass may have run code that shadowed `id`.
            let d = self.globals.id_of(item, vm)?;
            match memo.get(d, vm)? {
                Some(y) => Quick::Copied(y),
                None => return Ok(Quick::NotInMemo(d)),
            }
        };
        // Kept for the next items copied without code (any other answer is forgotten when
        // code runs).
        if asked {
            known.remember(cls_id, atomic);
        }
        Ok(quick)
    }

    /// The rest of `deepcopy(item, memo)` after [`Self::copy_without_code`], which may run
    /// anything (hooks, reducers, a Python memo's methods, finalizers of what it frees): the
    /// answers known so far are forgotten.
    fn copy_rest(&self, item: &PyObjectRef, memo: &Memo, known: &mut KnownClasses, done: Quick) -> PyResult {
        known.forget();
        match done {
            Quick::Copied(y) => Ok(y),
            Quick::NotInMemo(d) => self.copy_into_memo(item, d, memo),
            Quick::NotAtomic => self.deepcopy_not_atomic(item, memo),
            Quick::Unasked => self.deepcopy(item, Some(memo)),
        }
    }

    /// Everything between deepcopy's memo lookup and its memo store.
    fn dispatch(&self, x: &PyObjectRef, memo: &Memo) -> PyResult {
        let vm = self.vm;
        let cls = x.class();
        if let Some(copier) = self.globals.copier(cls, vm)? {
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
        if self.globals.is_metaclass(cls, vm)? {
            return Ok(x.clone()); // atomic copy
        }
        if let Some(copier) = self.globals.getattr_or_none(x, identifier!(vm, __deepcopy__), vm)? {
            return copier.call((memo.object(vm)?,), vm);
        }
        reduce::copy_by_reduction(self, x, memo)
    }

    /// `_deepcopy_list`.
    fn copy_list(&self, x: &rustpython_vm::Py<PyList>, memo: &Memo) -> PyResult {
        let vm = self.vm;
        // Sized for the list as it is now, so the appends below do not regrow it (it may
        // still change length under the loop; the capacity is only a guess then).
        let length = x.borrow_vec().len();
        let y = vm.ctx.new_list(Vec::with_capacity(length));
        memo.set(self.globals.id_of(x.as_object(), vm)?, y.clone().into(), vm)?;
        // Copies made without running any code wait here and go into `y` in one write:
        // each write of a list counts a mutation with an atomic add, which cost a third of
        // deepcopy_memo's time when paid per item. Nothing can see `y` while they wait; they
        // are appended before any code runs, and on an error, so `y` always holds what
        // copy.py's `append` would have put there by then.
        let mut waiting = Vec::with_capacity(length);
        let copied = self.copy_list_items(x, &y, memo, &mut waiting);
        y.borrow_vec_mut().append(&mut waiting);
        copied.map(|()| y.into())
    }

    fn copy_list_items(
        &self,
        x: &rustpython_vm::Py<PyList>,
        y: &rustpython_vm::Py<PyList>,
        memo: &Memo,
        waiting: &mut Vec<PyObjectRef>,
    ) -> PyResult<()> {
        let mut known = KnownClasses::default();
        // A list iterator: re-reads the length every step, as the list may change under it
        // (only while code runs, so a run of items copied without code is read in one go).
        let mut index = 0;
        loop {
            let run =
                x.borrow_vec().get(index..).map_or(Ok(0), |items| self.copy_known_items(items, memo, &known, waiting));
            index += run?;
            let Some(item) = x.borrow_vec().get(index).cloned() else { return Ok(()) };
            index += 1;
            match self.copy_without_code(&item, memo, &mut known)? {
                Quick::Copied(copied) => waiting.push(copied),
                rest => {
                    y.borrow_vec_mut().append(waiting);
                    let copied = self.copy_rest(&item, memo, &mut known, rest)?;
                    y.borrow_vec_mut().push(copied);
                }
            }
        }
    }

    /// Copies the leading items of `items` that need no question asked (of a class known to
    /// be atomic, or known not to be and found in a native memo) and returns how many. It runs
    /// no code at all, so the caller may hold the list's lock; the first item that needs more
    /// is left to [`Self::copy_without_code`], outside it.
    fn copy_known_items(
        &self,
        items: &[PyObjectRef],
        memo: &Memo,
        known: &KnownClasses,
        waiting: &mut Vec<PyObjectRef>,
    ) -> PyResult<usize> {
        let native_memo = memo.lookups_run_no_code();
        // The last memo hit: nothing writes the memo during the run, so an item that is the
        // same object as the one before (`[shared] * 100`) has the same copy. Not with the
        // CAM memo, whose device must see every lookup the baseline makes.
        let skip_repeats = memo.lookups_are_unobserved();
        let mut last_hit: Option<(usize, PyObjectRef)> = None;
        for (done, item) in items.iter().enumerate() {
            let copied = match known
                .atomic(item.class().as_object().get_id(), || self.globals.atomic_set_runs_no_code(self.vm))?
            {
                Some(true) => item.clone(),
                Some(false) if native_memo => {
                    let id = item.get_id();
                    match &last_hit {
                        Some((last, copied)) if skip_repeats && *last == id => copied.clone(),
                        _ => match memo.get(id, self.vm)? {
                            Some(copied) => last_hit.insert((id, copied)).1.clone(),
                            None => return Ok(done),
                        },
                    }
                }
                _ => return Ok(done),
            };
            waiting.push(copied);
        }
        Ok(items.len())
    }

    /// `_deepcopy_tuple`: the original back when no element changed.
    fn copy_tuple(&self, x: &PyObjectRef, tuple: &rustpython_vm::Py<PyTuple>, memo: &Memo) -> PyResult {
        let vm = self.vm;
        let mut copied = Vec::with_capacity(tuple.len());
        let mut known = KnownClasses::default();
        for item in tuple.as_slice() {
            copied.push(self.deepcopy_item(item, memo, &mut known)?.0);
        }
        // We're not going to put the tuple in the memo, but it's still important we
        // check for it, in case the tuple contains recursive mutable structures.
        if let Some(y) = memo.subscript(self.globals.id_of(x, vm)?, vm)? {
            return Ok(y);
        }
        let unchanged = tuple.as_slice().iter().zip(&copied).all(|(k, j)| k.is(j));
        Ok(if unchanged { x.clone() } else { vm.ctx.new_tuple(copied).into() })
    }

    /// `_deepcopy_dict`: `y[deepcopy(key)] = deepcopy(value)` evaluates the value first.
    fn copy_dict(&self, x: &rustpython_vm::Py<PyDict>, memo: &Memo) -> PyResult {
        let vm = self.vm;
        let y = vm.ctx.new_dict();
        memo.set(self.globals.id_of(x.as_object(), vm)?, y.clone().into(), vm)?;
        // `x.items()` iterated: a dict that changes size under it raises, as the view does.
        let size = x.size();
        let mut position = 0;
        let mut known = KnownClasses::default();
        // Whether storing the next key can run no Python code: every key stored so far hashes
        // and compares natively, no code has run that could have put another key in `y` (it
        // is in the memo), and no store has replaced (and so freed) a value.
        let mut quiet = true;
        loop {
            if x.size() != size {
                return Err(vm.new_runtime_error("dictionary changed size during iteration"));
            }
            let Some((next, key, value)) = x.next_entry(position) else { break };
            position = next;
            let (value, value_ran_code) = self.deepcopy_item(&value, memo, &mut known)?;
            let (key, key_ran_code) = self.deepcopy_item(&key, memo, &mut known)?;
            quiet = quiet && !value_ran_code && !key_ran_code && hashes_natively(&key, vm);
            let before = y.__len__();
            y.set_item(&*key, value, vm)?;
            quiet = quiet && y.__len__() > before;
            if !quiet {
                known.forget();
            }
        }
        Ok(y.into())
    }

    /// `_keep_alive(x, memo)`: the user's replacement if copy._keep_alive was rebound, copy.py's
    /// own if a module global shadows a builtin it calls (`id`, `KeyError`).
    pub(super) fn keep_alive(&self, x: &PyObjectRef, memo: &Memo) -> PyResult<()> {
        let vm = self.vm;
        let python = match self.globals.replaced_keep_alive(vm)? {
            Some(keep_alive) => Some(keep_alive),
            None if !self.globals.builtins_unshadowed(vm)? => Some(self.globals.originals().keep_alive.clone()),
            None => None,
        };
        match python {
            Some(keep_alive) => keep_alive.call((x.clone(), memo.object(vm)?), vm).map(drop),
            None => memo.keep_alive(x.clone(), vm),
        }
    }
}

/// How far [`DeepCopier::copy_without_code`] got with an item.
enum Quick {
    /// The item's copy: the item itself (atomic) or what the memo held.
    Copied(PyObjectRef),
    /// Not atomic and not in the memo under its id, `d`.
    NotInMemo(usize),
    /// Not atomic; the memo, a Python mapping, was not asked.
    NotAtomic,
    /// Not asked whether atomic (its metaclass's `__hash__` may be Python).
    Unasked,
}

/// `cls in _atomic_types` answers for the classes of the last few items of a container being
/// copied, valid only while no code can have run since they were asked. Between two items
/// that [`DeepCopier::copy_without_code`] answered (atomic, or found in a native memo) nothing
/// runs: no call, no allocation that could start the collector, nothing freed; so the set
/// cannot have changed. Any other step (copying an item, a memo that is a Python mapping,
/// storing a key with a Python `__hash__`, a store that replaces a value) forgets them. In
/// `[1] * 100` the set is probed once, not 100 times. Nothing is kept unless `_atomic_types` is
/// an exact set of classes whose metaclass is `type` (a subclass's `__contains__`, or an entry
/// with a Python `__eq__` that a probe meets, is code that would run at every probe).
#[derive(Debug, Default)]
struct KnownClasses {
    /// Class ids, 0 for an empty slot (no object lives at address 0).
    ids: [usize; KNOWN_CLASSES],
    atomic: [bool; KNOWN_CLASSES],
    /// The slot the next answer replaces.
    next: usize,
    /// Whether a probe of `_atomic_types` runs no code, once asked since the last forget.
    quiet_probe: std::cell::Cell<Option<bool>>,
    /// Kept answers asked for before `quiet_probe` was.
    asked: std::cell::Cell<usize>,
}

/// A container's items are mostly of one to three classes.
const KNOWN_CLASSES: usize = 4;

/// Kept answers are used from the one asked for this many times on (within a stretch without
/// code): a scan of `_atomic_types` costs about as much as this many probes.
const TRUST_AFTER: usize = 4;

impl KnownClasses {
    /// The kept answer for `cls`, if any and if asking again would run no code: checked with
    /// `quiet_probe` (a scan of the set) once answers have been asked for [`TRUST_AFTER`]
    /// times, so that skipping a probe skips nothing user code could see. Before that every
    /// item is probed as copy.py probes it: a short container never pays for the scan.
    fn atomic(&self, cls: usize, quiet_probe: impl FnOnce() -> PyResult<bool>) -> PyResult<Option<bool>> {
        let Some(slot) = self.ids.iter().position(|&id| id == cls) else { return Ok(None) };
        let quiet = match self.quiet_probe.get() {
            Some(quiet) => quiet,
            None => {
                let asked = self.asked.get() + 1;
                self.asked.set(asked);
                if asked < TRUST_AFTER {
                    return Ok(None);
                }
                let quiet = quiet_probe()?;
                self.quiet_probe.set(Some(quiet));
                quiet
            }
        };
        Ok(if quiet { self.atomic.get(slot).copied() } else { None })
    }

    fn remember(&mut self, cls: usize, atomic: bool) {
        if let (Some(id), Some(answer)) = (self.ids.get_mut(self.next), self.atomic.get_mut(self.next)) {
            *id = cls;
            *answer = atomic;
        }
        self.next = (self.next + 1) % KNOWN_CLASSES;
    }

    fn forget(&mut self) {
        *self = Self::default();
    }
}

/// Keys whose hash and equality are the builtin ones, whatever they are compared with
/// (a builtin compared with another type returns NotImplemented, and the reflected
/// `__eq__` is then the other key's: so the keys stored before must be plain too).
fn hashes_natively(key: &PyObjectRef, vm: &VirtualMachine) -> bool {
    let types = &vm.ctx.types;
    let cls = key.class();
    [types.str_type, types.int_type, types.bool_type, types.float_type, types.none_type, types.bytes_type]
        .iter()
        .any(|plain| cls.is(*plain))
}
