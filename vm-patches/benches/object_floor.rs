//! The object model's floor under the trio: what RustPython 0.6 charges to build, and free
//! again, the objects one call of each trio workload's deep copies consist of, with none of
//! deepcopy's questions asked (no `_atomic_types` or `_deepcopy_dispatch`, no memo dict, no
//! keep-alive list, no hooks, one dict per instance where copy.py's `_reconstruct` makes two).
//!
//! No deepcopy on this VM can take less. Set beside a `copylab bench` run: `native`'s distance
//! above this floor is what copy.py's protocol costs natively, and the floor's distance from
//! copium's time on CPython is what RustPython's objects cost (allocation, GC tracking, dict
//! inserts, freeing). docs/native-floor.md reads the two together.
//!
//! The inputs are the trio's own, built by running bench/workloads/trio.py in the interpreter.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use rustpython::InterpreterBuilderExt as _;
use rustpython_vm::builtins::{PyDict, PyDictRef, PyList, PyTuple};
use rustpython_vm::types::PyTypeFlags;
use rustpython_vm::{AsObject, InterpreterBuilder, Py, PyObjectRef, VirtualMachine};

const TRIO: &str = include_str!("../../bench/workloads/trio.py");

/// Whether `b` is a deep copy of `a` as a floor must build it: same types and values, a new
/// object for every list, dict and instance. Run on each input before timing, so the floor
/// never measures less work than a copy is.
const CHECK: &str = r#"
def _is_deep_copy(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, dict)) or hasattr(a, "__dict__"):
        if a is b:
            return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(map(_is_deep_copy, a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_is_deep_copy(a[k], b[k]) for k in a)
    if hasattr(a, "__dict__"):
        return _is_deep_copy(vars(a), vars(b))
    return a == b
"#;

/// A structural copy: each list, dict, tuple and instance reached is built anew once (a
/// second visit gets the same copy, as a memo would give it), everything else is shared
/// without being looked up. Nothing here can run Python code, so lists are read in place.
/// Each list item costs at least as little as under `native`: one compare for the same object
/// as the item before (`[1] * 100`, `[L] * 100`), one class compare for a run of atoms of one
/// class, one id compare for the container copied last.
struct Rebuild<'vm> {
    vm: &'vm VirtualMachine,
    /// (original's id, its copy): a handful of containers per call, so a scan.
    copies: Vec<(usize, PyObjectRef)>,
    /// The class of the last object found to be shared.
    last_atom_class: usize,
}

impl<'vm> Rebuild<'vm> {
    fn of(x: &PyObjectRef, vm: &'vm VirtualMachine) -> PyObjectRef {
        Self { vm, copies: Vec::new(), last_atom_class: 0 }.copy(x)
    }

    fn copy(&mut self, x: &PyObjectRef) -> PyObjectRef {
        if let Some(y) = self.known(x) {
            return y;
        }
        let Some(shape) = Shape::of(x, self.vm) else {
            self.last_atom_class = x.class().as_object().get_id();
            return x.clone();
        };
        let id = x.get_id();
        if let Some((_, y)) = self.copies.iter().find(|(original, _)| *original == id) {
            return y.clone();
        }
        let vm = self.vm;
        let y: PyObjectRef = match shape {
            Shape::List(list) => {
                let items = list.borrow_vec();
                let mut copied: Vec<PyObjectRef> = Vec::with_capacity(items.len());
                // The item before, whose copy is `copied.last()`: `[x] * n` costs one compare per item.
                let mut previous: Option<&PyObjectRef> = None;
                for item in items.iter() {
                    // Inlined here, as `native` reads a run of list items in one loop.
                    let y = match (previous, copied.last()) {
                        (Some(before), Some(y)) if before.is(item) => y.clone(),
                        _ => self.known(item).unwrap_or_else(|| self.copy(item)),
                    };
                    previous = Some(item);
                    copied.push(y);
                }
                vm.ctx.new_list(copied).into()
            }
            Shape::Dict(dict) => self.copy_dict(dict).into(),
            Shape::Tuple(tuple) => {
                let mut copied = Vec::with_capacity(tuple.len());
                for item in tuple.as_slice() {
                    copied.push(self.copy(item));
                }
                if tuple.as_slice().iter().zip(&copied).all(|(item, copy)| item.is(copy)) {
                    return x.clone();
                }
                vm.ctx.new_tuple(copied).into()
            }
            Shape::Instance(state) => {
                let state = self.copy_dict(&state);
                vm.ctx.new_base_object(x.class().to_owned(), Some(state))
            }
        };
        self.copies.push((id, y.clone()));
        y
    }

    /// An item's copy when it is known without a lookup: an atom of the class shared last, or
    /// the container copied last.
    #[inline(always)]
    fn known(&self, x: &PyObjectRef) -> Option<PyObjectRef> {
        if x.class().as_object().get_id() == self.last_atom_class {
            return Some(x.clone());
        }
        match self.copies.last() {
            Some((last, y)) if *last == x.get_id() => Some(y.clone()),
            _ => None,
        }
    }

    fn copy_dict(&mut self, dict: &Py<PyDict>) -> PyDictRef {
        let vm = self.vm;
        let y = vm.ctx.new_dict();
        let mut position = 0;
        while let Some((next, key, value)) = dict.next_entry(position) {
            position = next;
            let value = self.copy(&value);
            y.set_item(&*key, value, vm).expect("the trio's keys are strings");
        }
        y
    }
}

/// What [`Rebuild`] builds anew; anything else is shared.
enum Shape<'x> {
    List(&'x Py<PyList>),
    Dict(&'x Py<PyDict>),
    Tuple(&'x Py<PyTuple>),
    /// An instance of a Python class, with its attribute dict.
    Instance(PyDictRef),
}

impl<'x> Shape<'x> {
    fn of(x: &'x PyObjectRef, vm: &VirtualMachine) -> Option<Self> {
        if let Some(list) = x.downcast_ref_if_exact::<PyList>(vm) {
            return Some(Self::List(list));
        }
        if let Some(dict) = x.downcast_ref_if_exact::<PyDict>(vm) {
            return Some(Self::Dict(dict));
        }
        if let Some(tuple) = x.downcast_ref_if_exact::<PyTuple>(vm) {
            return Some(Self::Tuple(tuple));
        }
        if x.class().slots.flags.has_feature(PyTypeFlags::HEAPTYPE) {
            return x.dict().map(Self::Instance);
        }
        None
    }
}

fn floor(c: &mut Criterion) {
    InterpreterBuilder::new().init_stdlib().build().enter(|vm| {
        let scope = vm.new_scope_with_builtins();
        vm.run_string(scope.clone(), TRIO, "trio.py").expect("bench/workloads/trio.py runs");
        let global = |name: &str| scope.globals.get_item(name, vm).expect("trio.py defines its inputs");
        let (dict, record, reduced, shared) =
            (global("_DICT"), global("_RECORD"), global("_REDUCED"), global("_SHARED"));
        vm.run_string(scope.clone(), CHECK, "check.py").expect("the check compiles");
        let is_deep_copy = global("_is_deep_copy");
        for input in [&dict, &record, &reduced, &shared] {
            let copied = Rebuild::of(input, vm);
            let verdict = is_deep_copy.call((input.clone(), copied), vm).and_then(|v| v.try_to_bool(vm));
            assert!(matches!(verdict, Ok(true)), "the floor's copy of {input:?} is not a deep copy");
        }

        let mut group = c.benchmark_group("object floor (trio workloads, one call each)");
        // bench_deepcopy: 30 copies of the small dict, 30 of the dataclass record.
        group.bench_function("deepcopy", |b| {
            b.iter(|| {
                for _ in 0..30 {
                    drop(black_box(Rebuild::of(&dict, vm)));
                }
                for _ in 0..30 {
                    drop(black_box(Rebuild::of(&record, vm)));
                }
            });
        });
        group.bench_function("deepcopy_reduce", |b| b.iter(|| drop(black_box(Rebuild::of(&reduced, vm)))));
        group.bench_function("deepcopy_memo", |b| b.iter(|| drop(black_box(Rebuild::of(&shared, vm)))));
        group.finish();
    });
}

criterion_group!(benches, floor);
criterion_main!(benches);
