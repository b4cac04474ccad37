//! `_copylab.native_deepcopy(deepcopy, globals)`: copy.py's `deepcopy` in Rust, for the
//! `native` variant (stdlib-copy/patches/native.patch rebinds `copy.deepcopy` to it).
//!
//! It is a transliteration, not a reimplementation: every global copy.py reads is read at
//! call time from the module's globals, every hook is called as copy.py calls it, and the
//! memo behaves as the mapping copy.py would use: for `deepcopy(x)` a native table that
//! becomes the exact dict copy.py would hold the moment Python code can see it (memo.rs), so
//! nothing a caller, a `__deepcopy__` or a reducer can observe changes. The list, tuple and dict
//! copiers run natively only while `_deepcopy_dispatch` still holds copy.py's own function
//! for the exact type; `_reconstruct` natively only for the common reduce shapes while it is
//! copy.py's own. Calls this object cannot bind the way a Python function would (an
//! explicit `_nil`, unknown keywords) go to the Python `deepcopy`, which raises or runs.

mod cam;
mod class_info;
mod copy_globals;
mod deep;
mod default_reduce;
mod memo;
mod reduce;
mod table_cache;

use rustpython_vm::builtins::PyBoundMethod;
use rustpython_vm::builtins::{PyDictRef, PyTypeRef};
use rustpython_vm::class::PyClassImpl;
use rustpython_vm::function::{FuncArgs, PySetterValue};
use rustpython_vm::types::{Callable, GetDescriptor, Representable};
use rustpython_vm::{AsObject, Py, PyObject, PyObjectRef, PyPayload, PyResult, VirtualMachine, pyclass};

use copy_globals::CopyGlobals;
use deep::DeepCopier;
use memo::Memo;

/// The instances carry an attribute dict, as Python functions do, holding `__wrapped__` (the
/// Python function, as `functools.update_wrapper` would set it); the Python function's own
/// attributes (name, qualname, module, docstring, defaults) are read, set and deleted on it,
/// with its rules. So code that inspects `copy.deepcopy` (its name, module, docstring,
/// `inspect.signature` through `__wrapped__`, pickle by reference) sees copy.py's function,
/// while calls go straight to the `Callable` slot with no attribute lookup.
#[pyclass(module = "_copylab", name = "native_deepcopy")]
#[derive(Debug, PyPayload)]
pub(crate) struct NativeDeepcopy {
    /// copy.py's Python `deepcopy`, for calls shaped unlike `deepcopy(x[, memo])`.
    fallback: PyObjectRef,
    globals: CopyGlobals,
}

/// Builds the native deepcopy for a copy module whose globals are `globals`, standing in for
/// `fallback` under its identity.
pub(crate) fn build(fallback: PyObjectRef, globals: PyDictRef, vm: &VirtualMachine) -> PyResult {
    let globals = CopyGlobals::capture(globals, fallback.clone(), vm)?;
    let class: PyTypeRef = NativeDeepcopy::make_static_type();
    // The frame calls through this slot when the class has one, with the arguments it already
    // holds; without it every call first converts them to `FuncArgs` (the slot's type alias is
    // crate-private in rustpython-vm, the field and the fn-pointer type are public).
    class.slots.vectorcall.store(Some(NativeDeepcopy::vectorcall));
    let native: PyObjectRef = NativeDeepcopy { fallback: fallback.clone(), globals }.into_ref(&vm.ctx).into();
    // What `inspect.signature` follows to read `(x, memo=None, _nil=[])`.
    native.set_attr("__wrapped__", fallback, vm)?;
    Ok(native)
}

impl NativeDeepcopy {
    /// `deepcopy(x)` and `deepcopy(x, memo)` straight from the caller's arguments; any other
    /// shape is bound as `Callable::call` binds it.
    fn vectorcall(
        zelf: &PyObject,
        args: Vec<PyObjectRef>,
        nargs: usize,
        kwnames: Option<&[PyObjectRef]>,
        vm: &VirtualMachine,
    ) -> PyResult {
        let Some(zelf) = zelf.downcast_ref::<Self>() else {
            return Err(vm.new_type_error("native deepcopy slot called on another object"));
        };
        match (kwnames, args.as_slice()) {
            (None, [x]) => zelf.copy(x, None, vm),
            (None, [x, memo]) => zelf.copy(x, Some(memo), vm),
            _ => Self::call(zelf, FuncArgs::from_vectorcall_owned(args, nargs, kwnames), vm),
        }
    }

    /// `deepcopy(x, memo)`, with `memo` as the caller passed it (`None` if it passed none).
    /// Where copy.py's names would resolve to something else than what the native code
    /// stands for (see [`CopyGlobals::names_resolve_as_built`]), copy.py's own function runs.
    fn copy(&self, x: &PyObjectRef, memo: Option<&PyObjectRef>, vm: &VirtualMachine) -> PyResult {
        if !self.globals.names_resolve_as_built(vm)? {
            let args: Vec<PyObjectRef> = std::iter::once(x.clone()).chain(memo.cloned()).collect();
            return self.fallback.call(FuncArgs::from(args), vm);
        }
        let memo = match memo.filter(|memo| !vm.is_none(memo)) {
            Some(memo) => match Memo::given(memo.clone(), || self.nil(vm), vm)? {
                Some(memo) => Some(memo),
                None => return self.fallback.call((x.clone(), memo.clone()), vm),
            },
            None => None,
        };
        DeepCopier::new(&self.globals, vm).deepcopy(x, memo.as_ref())
    }

    /// `_nil`, the default copy.py's `deepcopy` passes to a caller's `memo.get`: the last of
    /// the Python function's `__defaults__` as they are now (`None` if they no longer have
    /// that shape; the Python function then runs and binds what it has).
    fn nil(&self, vm: &VirtualMachine) -> PyResult<Option<PyObjectRef>> {
        let defaults = self.fallback.get_attr("__defaults__", vm)?;
        Ok(defaults.downcast_ref_if_exact::<rustpython_vm::builtins::PyTuple>(vm).and_then(|defaults| {
            match defaults.as_slice() {
                [_, nil] => Some(nil.clone()),
                _ => None,
            }
        }))
    }

    /// `(x, memo)` when the call is `deepcopy(x)`, `deepcopy(x, memo)` or
    /// `deepcopy(x, memo=memo)`; `None` for anything else.
    fn bind(args: &FuncArgs) -> Option<(PyObjectRef, Option<PyObjectRef>)> {
        let mut positional = args.args.iter().cloned();
        let x = positional.next()?;
        let memo = match (positional.next(), args.kwargs.len()) {
            (None, 0) => None,
            (Some(memo), 0) => Some(memo),
            (None, 1) => Some(args.kwargs.get("memo")?.clone()),
            _ => return None,
        };
        if positional.next().is_some() {
            return None;
        }
        Some((x, memo))
    }
}

#[pyclass(with(Callable, GetDescriptor, Representable), flags(HAS_DICT, HAS_WEAKREF))]
impl NativeDeepcopy {
    /// Pickled by reference, as the Python function is: a string tells pickle to save the
    /// global `__module__.__qualname__` (which it checks is this very object), and tells
    /// `copy.copy`/`copy.deepcopy` that the object is its own copy.
    #[pymethod]
    fn __reduce__(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult {
        zelf.as_object().get_attr("__qualname__", vm)
    }

    #[pygetset]
    fn __name__(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult {
        zelf.fallback.get_attr("__name__", vm)
    }

    #[pygetset(setter)]
    fn set___name__(zelf: &Py<Self>, value: PySetterValue, vm: &VirtualMachine) -> PyResult<()> {
        zelf.set_on_fallback("__name__", value, vm)
    }

    #[pygetset]
    fn __qualname__(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult {
        zelf.fallback.get_attr("__qualname__", vm)
    }

    #[pygetset(setter)]
    fn set___qualname__(zelf: &Py<Self>, value: PySetterValue, vm: &VirtualMachine) -> PyResult<()> {
        zelf.set_on_fallback("__qualname__", value, vm)
    }

    #[pygetset]
    fn __module__(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult {
        zelf.fallback.get_attr("__module__", vm)
    }

    #[pygetset(setter)]
    fn set___module__(zelf: &Py<Self>, value: PySetterValue, vm: &VirtualMachine) -> PyResult<()> {
        zelf.set_on_fallback("__module__", value, vm)
    }

    #[pygetset]
    fn __doc__(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult {
        zelf.fallback.get_attr("__doc__", vm)
    }

    #[pygetset(setter)]
    fn set___doc__(zelf: &Py<Self>, value: PySetterValue, vm: &VirtualMachine) -> PyResult<()> {
        zelf.set_on_fallback("__doc__", value, vm)
    }

    /// The Python function's: its last item is the `_nil` a caller's memo is passed.
    #[pygetset]
    fn __defaults__(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult {
        zelf.fallback.get_attr("__defaults__", vm)
    }

    #[pygetset(setter)]
    fn set___defaults__(zelf: &Py<Self>, value: PySetterValue, vm: &VirtualMachine) -> PyResult<()> {
        zelf.set_on_fallback("__defaults__", value, vm)
    }
}

impl NativeDeepcopy {
    /// `setattr` or `delattr` on the Python function, which checks the value as it does.
    fn set_on_fallback(&self, name: &'static str, value: PySetterValue, vm: &VirtualMachine) -> PyResult<()> {
        match value {
            PySetterValue::Assign(value) => self.fallback.set_attr(name, value, vm),
            PySetterValue::Delete => self.fallback.del_attr(name, vm),
        }
    }
}

impl Callable for NativeDeepcopy {
    type Args = FuncArgs;

    fn call(zelf: &Py<Self>, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
        let Some((x, memo)) = Self::bind(&args) else {
            return zelf.fallback.call(args, vm);
        };
        zelf.copy(&x, memo.as_ref(), vm)
    }
}

/// Binds as a method when stored on a class and read through an instance, as copy.py's
/// Python function does (`class C: dc = copy.deepcopy`, then `C().dc(memo)` copies the
/// instance). Reading `copy.deepcopy` from the module involves no descriptor, so calls pay
/// nothing for this.
impl GetDescriptor for NativeDeepcopy {
    fn descr_get(zelf: &PyObject, obj: Option<&PyObject>, cls: Option<&PyObject>, vm: &VirtualMachine) -> PyResult {
        let (_zelf, obj) = Self::_unwrap(zelf, obj, vm)?;
        Ok(if vm.is_none(obj) && !Self::_cls_is(&cls, obj.class()) {
            zelf.to_owned()
        } else {
            PyBoundMethod::new(obj.to_owned(), zelf.to_owned()).into_ref(&vm.ctx).into()
        })
    }
}

/// `<built-in function deepcopy>`: what CPython shows for a function written in C, which is
/// what this is to a user (a Python function's repr would claim a code object it has not).
impl Representable for NativeDeepcopy {
    fn repr_str(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<String> {
        let name = zelf.as_object().get_attr("__name__", vm)?.str(vm)?;
        Ok(format!("<built-in function {name}>"))
    }
}
