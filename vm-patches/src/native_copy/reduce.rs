//! The reduce protocol part of copy.py's `deepcopy` and its `_reconstruct`, for the
//! shapes that cover nearly every object: `rv` an exact tuple of 2 to 5 items with an exact
//! tuple of args and no list or dict iterator. Any other `rv` goes to copy.py's own
//! `_reconstruct(x, memo, *rv)`, which then raises or does exactly what it always did.

use rustpython_vm::builtins::{PyBaseExceptionRef, PyDict, PyTuple};
use rustpython_vm::convert::TryFromObject;
use rustpython_vm::exceptions::ExceptionCtor;
use rustpython_vm::function::FuncArgs;
use rustpython_vm::{AsObject, PyObjectRef, PyResult, VirtualMachine, identifier};

use super::class_info::{ClassInfo, ReduceKind};
use super::copy_globals::{Bound, Builtin};
use super::deep::DeepCopier;
use super::default_reduce::{default_reduce, shadows_reduce_ex};
use super::memo::Memo;

/// copy.py's `deepcopy` from `reductor = dispatch_table.get(cls)` up to `_reconstruct`.
pub(super) fn copy_by_reduction(copier: &DeepCopier<'_>, x: &PyObjectRef, memo: &Memo) -> PyResult {
    let vm = copier.vm;
    let cls = x.class();
    let (rv, info) = match copier.globals.reductor(cls, vm)? {
        Some(reductor) if reductor.clone().is_true(vm)? => (reductor.call((x.clone(),), vm)?, None),
        _ => {
            let info = copier.globals.classes().info(cls, vm);
            // What the class says about getattr's and hasattr's answers is not what a global
            // shadowing them would answer.
            let info = if copier.globals.shadowing(Builtin::Getattr, vm)?.is_some()
                || copier.globals.shadowing(Builtin::Hasattr, vm)?.is_some()
            {
                ClassInfo::UNKNOWN
            } else {
                info
            };
            // The shortcut skips `isinstance(rv, str)`: not taken while a global shadows
            // isinstance (a hook may shadow it after this level's entry checked).
            if let Some(default) = default_reduce(x, info, copier.globals.originals(), vm)?
                && copier.globals.replaced_reconstruct(vm)?.is_none()
                && copier.globals.shadowing(Builtin::Isinstance, vm)?.is_none()
            {
                let func = copier.globals.originals().newobj.clone();
                let shape = Shape { func, args: vec![default.cls], state: default.state };
                return reconstruct(copier, x, memo, shape, Some(info));
            }
            let rv = if info.object_reduce_ex && info.reduce == ReduceKind::Function && !shadows_reduce_ex(x, vm)? {
                // `x.__reduce_ex__(4)` is object's, which returns `x.__reduce__()`.
                vm.call_method(x, identifier!(vm, __reduce__).as_str(), ())?
            } else if let Some(reductor) = copier.globals.getattr_or_none(x, identifier!(vm, __reduce_ex__), vm)? {
                reductor.call((4,), vm)?
            } else {
                match copier.globals.getattr_or_none(x, identifier!(vm, __reduce__), vm)? {
                    Some(reductor) if reductor.clone().is_true(vm)? => reductor.call((), vm)?,
                    _ => return Err(uncopyable(copier, x, vm)?),
                }
            };
            (rv, Some(info))
        }
    };
    let rv_tuple = rv.downcast_ref_if_exact::<PyTuple>(vm);
    let str_type = vm.ctx.types.str_type.as_object();
    if copier.globals.test(
        Builtin::Isinstance,
        (&rv, str_type),
        || Ok(rv_tuple.is_none() && rv.is_instance(str_type, vm)?),
        vm,
    )? {
        return Ok(x.clone());
    }
    if copier.globals.replaced_reconstruct(vm)?.is_none()
        && let Some(shape) = rv_tuple.and_then(|rv| Shape::of(rv, vm))
    {
        return reconstruct(copier, x, memo, shape, info);
    }
    python_reconstruct(copier, x, memo, rv)
}

/// `raise Error("un(deep)copyable object of type %s" % cls)`, with `raise`'s rules for
/// whatever `Error(...)` returns (an exception class is instantiated, anything else that is
/// no exception is a TypeError), as `copy.Error` may have been rebound to anything.
fn uncopyable(copier: &DeepCopier<'_>, x: &PyObjectRef, vm: &VirtualMachine) -> PyResult<PyBaseExceptionRef> {
    let message = format!("un(deep)copyable object of type {}", x.class().as_object().str(vm)?);
    let raised = copier.globals.error(vm)?.call((message,), vm)?;
    ExceptionCtor::try_from_object(vm, raised)?.instantiate(vm)
}

/// `_reconstruct(x, memo, *rv)` as copy.py calls it (also when the user replaced it).
fn python_reconstruct(copier: &DeepCopier<'_>, x: &PyObjectRef, memo: &Memo, rv: PyObjectRef) -> PyResult {
    let vm = copier.vm;
    let reconstruct =
        copier.globals.replaced_reconstruct(vm)?.unwrap_or_else(|| copier.globals.originals().reconstruct.clone());
    let mut args = vec![x.clone(), memo.object(vm)?];
    args.extend(star_args(rv, vm)?);
    reconstruct.call(FuncArgs::from(args), vm)
}

/// `*rv` in a call, compiled as `list.extend(rv)` onto the arguments before it (which asks a
/// tuple subclass's `__len__` for room), with the interpreter's message for a non-iterable.
fn star_args(rv: PyObjectRef, vm: &VirtualMachine) -> PyResult<Vec<PyObjectRef>> {
    let type_name = rv.class().name().to_owned();
    let not_iterable =
        rv.class().slots().iter.load().is_none() && rv.get_class_attr(vm.ctx.intern_str("__getitem__")).is_none();
    let items = vm.ctx.new_list(Vec::new());
    vm.call_method(items.as_object(), "extend", (rv,)).map_err(|err| {
        if not_iterable && err.class().is(vm.ctx.exceptions.type_error) {
            vm.new_type_error(format!("Value after * must be an iterable, not {type_name}"))
        } else {
            err
        }
    })?;
    Ok(items.borrow_vec().to_vec())
}

/// A reduce value `(func, args[, state[, None[, None]]])` with `args` an exact tuple.
struct Shape {
    func: PyObjectRef,
    args: Vec<PyObjectRef>,
    state: Option<PyObjectRef>,
}

impl Shape {
    fn of(rv: &PyTuple, vm: &VirtualMachine) -> Option<Self> {
        let [func, args, rest @ ..] = rv.as_slice() else { return None };
        if rest.len() > 3 || rest.iter().skip(1).any(|item| !vm.is_none(item)) {
            return None;
        }
        let args = args.downcast_ref_if_exact::<PyTuple>(vm)?.as_slice().to_vec();
        let state = rest.first().filter(|state| !vm.is_none(state)).cloned();
        Some(Self { func: func.clone(), args, state })
    }
}

/// copy.py's `_reconstruct(x, memo, func, args, state)` with `deep` true.
/// `info` is what is known about `type(x)`, if it was looked up.
fn reconstruct(
    copier: &DeepCopier<'_>,
    x: &PyObjectRef,
    memo: &Memo,
    shape: Shape,
    info: Option<ClassInfo>,
) -> PyResult {
    let vm = copier.vm;
    let mut args = Vec::with_capacity(shape.args.len());
    for arg in &shape.args {
        args.push(copier.deepcopy(arg, Some(memo))?);
    }
    let y = if shape.func.is(&copier.globals.originals().newobj)
        && let Some((cls, rest)) = args.split_first()
    {
        // The whole body of copyreg.__newobj__(cls, *args): cls.__new__(cls, *args).
        let new = cls.get_attr(identifier!(vm, __new__), vm)?;
        let mut new_args = Vec::with_capacity(args.len());
        new_args.push(cls.clone());
        new_args.extend_from_slice(rest);
        new.call(FuncArgs::from(new_args), vm)?
    } else {
        shape.func.call(FuncArgs::from(args), vm)?
    };
    memo.set(copier.globals.id_of(x, vm)?, y.clone(), vm)?;
    if let Some(state) = shape.state {
        let state = copier.deepcopy(&state, Some(memo))?;
        // Known without a lookup when the class of `y` is that of `x` and has one, and no
        // global shadows `hasattr` now (copying the state may have run a hook that did).
        let has_setstate = info.is_some_and(|info| info.has_setstate)
            && y.class().is(x.class())
            && copier.globals.shadowing(Builtin::Hasattr, vm)?.is_none();
        set_state(&copier.globals, &y, state, has_setstate, vm)?;
    }
    Ok(y)
}

/// The state half of `_reconstruct`: `__setstate__`, else `__dict__.update` and slots.
fn set_state(
    globals: &Bound<'_>,
    y: &PyObjectRef,
    state: PyObjectRef,
    has_setstate: bool,
    vm: &VirtualMachine,
) -> PyResult<()> {
    let setstate = identifier!(vm, __setstate__);
    if has_setstate || globals.test(Builtin::Hasattr, (y, setstate.as_object()), || y.has_attr(setstate, vm), vm)? {
        // `y.__setstate__(state)`: a method call, so no bound method is built (as in CPython).
        return vm.call_method(y, identifier!(vm, __setstate__).as_str(), (state,)).map(drop);
    }
    let (state, slotstate) = split_slot_state(globals, state, vm)?;
    if let Some(state) = state.filter(|state| !vm.is_none(state)) {
        let instance_dict = y.get_attr(identifier!(vm, __dict__), vm)?;
        match (instance_dict.downcast_ref_if_exact::<PyDict>(vm), state.downcast_ref_if_exact::<PyDict>(vm)) {
            (Some(target), Some(source)) => {
                // dict.update(dict): the items in order, keys already hashed.
                for (key, value) in source.items_vec() {
                    target.set_item(&*key, value, vm)?;
                }
            }
            _ => {
                vm.call_method(&instance_dict, "update", (state,))?;
            }
        }
    }
    if let Some(slotstate) = slotstate.filter(|slotstate| !vm.is_none(slotstate)) {
        let setattr = match globals.shadowing(Builtin::Setattr, vm)? {
            Some(setattr) => setattr,
            None => vm.builtins.get_attr("setattr", vm)?,
        };
        let items = vm.call_method(&slotstate, "items", ())?;
        let iter = items.get_iter(vm)?;
        while let rustpython_vm::protocol::PyIterReturn::Return(item) = iter.next(vm)? {
            let [key, value] = unpack_pair(item, vm)?;
            setattr.call((y.clone(), key, value), vm)?;
        }
    }
    Ok(())
}

/// `if isinstance(state, tuple) and len(state) == 2: state, slotstate = state`.
fn split_slot_state(
    globals: &Bound<'_>,
    state: PyObjectRef,
    vm: &VirtualMachine,
) -> PyResult<(Option<PyObjectRef>, Option<PyObjectRef>)> {
    let shadowed =
        globals.shadowing(Builtin::Isinstance, vm)?.is_some() || globals.shadowing(Builtin::Len, vm)?.is_some();
    let exact = if shadowed { None } else { state.downcast_ref_if_exact::<PyTuple>(vm) };
    let exact_pair = match exact {
        Some(tuple) => match tuple.as_slice() {
            [state, slotstate] => Some((state.clone(), slotstate.clone())),
            _ => return Ok((Some(state), None)),
        },
        None => None,
    };
    if let Some((state, slotstate)) = exact_pair {
        return Ok((Some(state), Some(slotstate)));
    }
    let tuple_type = vm.ctx.types.tuple_type.as_object();
    if globals.test(Builtin::Isinstance, (&state, tuple_type), || state.is_instance(tuple_type, vm), vm)?
        && match globals.shadowing(Builtin::Len, vm)? {
            Some(len) => vm.bool_eq(&*len.call((state.clone(),), vm)?, vm.ctx.new_int(2).as_object())?,
            None => state.length(vm)? == 2,
        }
    {
        let [state, slotstate] = unpack_pair(state, vm)?;
        return Ok((Some(state), Some(slotstate)));
    }
    Ok((Some(state), None))
}

/// `a, b = pair` for any iterable, with the interpreter's unpacking errors.
fn unpack_pair(pair: PyObjectRef, vm: &VirtualMachine) -> PyResult<[PyObjectRef; 2]> {
    if let Some(tuple) = pair.downcast_ref_if_exact::<PyTuple>(vm)
        && let [a, b] = tuple.as_slice()
    {
        return Ok([a.clone(), b.clone()]);
    }
    let items: Vec<PyObjectRef> = pair.try_to_value(vm)?;
    let count = items.len();
    <[PyObjectRef; 2]>::try_from(items).map_err(|_| {
        if count < 2 {
            vm.new_value_error(format!("not enough values to unpack (expected 2, got {count})"))
        } else {
            vm.new_value_error("too many values to unpack (expected 2)")
        }
    })
}
