//! `_copylab`: the native module copylab adds to the interpreter. The import hook sets its
//! `variant`, `copy_origin` and `memo_backend` attributes, so Python code can ask which
//! copy.py and memo it runs with.

pub(crate) use _copylab::{CamMemo, module_def};

#[rustpython_vm::pymodule]
mod _copylab {
    use std::sync::LazyLock;

    use cam_device::ContextId;
    use rustpython_vm::builtins::{PyDictRef, PyInt, PyTypeRef};
    use rustpython_vm::common::lock::PyMutex;
    use rustpython_vm::function::{FuncArgs, OptionalArg};
    use rustpython_vm::protocol::{PyMappingMethods, PySequenceMethods};
    use rustpython_vm::types::{AsMapping, AsSequence, Constructor, Iterable, Representable};
    use rustpython_vm::{
        Py, PyObjectRef, PyPayload, PyRef, PyResult, VirtualMachine, atomic_func,
        builtins::{PyList, PyType},
    };

    use crate::cam_memo;
    use rustpython_vm::pyclass;

    /// copylab's version, so scripts can record which build produced their numbers.
    #[pyattr]
    const VERSION: &str = env!("CARGO_PKG_VERSION");

    /// `(allocations, bytes)` made so far by the interpreter's thread. Both stay 0 unless the
    /// binary installed `CountingAllocator` as its global allocator (copylab does).
    #[pyfunction]
    fn alloc_counters() -> (u64, u64) {
        crate::alloc::counters()
    }

    /// copy.py's `deepcopy` in Rust, with `deepcopy` (the Python one) as its fallback and
    /// `globals` the copy module's (the `native` variant; see native_copy/).
    #[pyfunction]
    fn native_deepcopy(deepcopy: PyObjectRef, globals: PyDictRef, vm: &VirtualMachine) -> PyResult {
        crate::native_copy::build(deepcopy, globals, vm)
    }

    /// `deepcopy(x, CamMemo())`, timed as one outermost deepcopy for the cost model.
    #[pyfunction]
    fn cam_deepcopy(original: PyObjectRef, x: PyObjectRef, vm: &VirtualMachine) -> PyResult {
        let memo = CamMemo::new_ref(vm)?;
        cam_memo::timed_deepcopy(|| original.call((x, memo), vm))
    }

    /// A memo whose id-keyed entries live in the emulated CAM (see cam_memo.rs).
    #[pyattr]
    #[pyclass(name = "CamMemo", module = "_copylab", unhashable = true)]
    #[derive(Debug, PyPayload)]
    pub(crate) struct CamMemo {
        context: ContextId,
        /// Keys that are not object ids (not non-negative ints below 2**64).
        others: PyMutex<Option<PyDictRef>>,
    }

    impl Drop for CamMemo {
        fn drop(&mut self) {
            // One clear-by-tag; the values are dropped after the device borrow ends.
            let values = cam_memo::with_device(|device| device.close_context(self.context));
            drop(values);
        }
    }

    impl CamMemo {
        fn new_ref(vm: &VirtualMachine) -> PyResult<PyRef<Self>> {
            let context = cam_memo::open().map_err(|err| vm.new_memory_error(err.to_string()))?;
            Ok(Self { context, others: PyMutex::new(None) }.into_ref(&vm.ctx))
        }

        fn others(&self, vm: &VirtualMachine) -> PyDictRef {
            self.others.lock().get_or_insert_with(|| vm.ctx.new_dict()).clone()
        }

        /// The device context holding this memo's id keys (native_copy talks to it directly).
        pub(crate) fn context(&self) -> ContextId {
            self.context
        }

        fn existing_others(&self) -> Option<PyDictRef> {
            self.others.lock().clone()
        }

        fn lookup(&self, key: &PyObjectRef, vm: &VirtualMachine) -> PyResult<Option<PyObjectRef>> {
            match id_key(key, vm) {
                Some(id) => cam_memo::timed(|| {
                    cam_memo::with_device(|device| device.lookup(self.context, id).map(|v| v.cloned()))
                })
                .map_err(|err| cam_memo::device_error(&err, vm)),
                None => match self.existing_others() {
                    Some(others) => others.get_item_opt(&**key, vm),
                    None => Ok(None),
                },
            }
        }

        fn store(&self, key: PyObjectRef, value: PyObjectRef, vm: &VirtualMachine) -> PyResult<()> {
            match id_key(&key, vm) {
                Some(id) => {
                    let old =
                        cam_memo::timed(|| cam_memo::with_device(|device| device.insert(self.context, id, value)));
                    drop(old.map_err(|err| cam_memo::device_error(&err, vm))?);
                    Ok(())
                }
                None => self.others(vm).set_item(&*key, value, vm),
            }
        }

        fn delete(&self, key: &PyObjectRef, vm: &VirtualMachine) -> PyResult<Option<PyObjectRef>> {
            match id_key(key, vm) {
                Some(id) => cam_memo::timed(|| cam_memo::with_device(|device| device.remove(self.context, id)))
                    .map_err(|err| cam_memo::device_error(&err, vm)),
                None => match self.existing_others() {
                    Some(others) => {
                        let found = others.get_item_opt(&**key, vm)?;
                        if found.is_some() {
                            others.del_item(&**key, vm)?;
                        }
                        Ok(found)
                    }
                    None => Ok(None),
                },
            }
        }

        fn length(&self) -> usize {
            let in_device = cam_memo::with_device(|device| device.len(self.context)).unwrap_or(0);
            in_device + self.existing_others().map_or(0, |others| others.__len__())
        }

        /// (key, value) pairs: the device's in insertion order, then the other keys'.
        fn pairs(&self, vm: &VirtualMachine) -> Vec<(PyObjectRef, PyObjectRef)> {
            let from_device: Vec<(u64, PyObjectRef)> = cam_memo::with_device(|device| {
                device
                    .iter(self.context)
                    .map(|entries| entries.map(|(key, value)| (key, value.clone())).collect())
                    .unwrap_or_default()
            });
            let mut pairs: Vec<(PyObjectRef, PyObjectRef)> =
                from_device.into_iter().map(|(key, value)| (vm.ctx.new_int(key).into(), value)).collect();
            if let Some(others) = self.existing_others() {
                pairs.extend(others);
            }
            pairs
        }

        fn delete_or_key_error(&self, key: PyObjectRef, vm: &VirtualMachine) -> PyResult<()> {
            match self.delete(&key, vm)? {
                Some(value) => {
                    drop(value);
                    Ok(())
                }
                None => Err(Self::missing(key, vm)),
            }
        }

        fn missing(key: PyObjectRef, vm: &VirtualMachine) -> rustpython_vm::builtins::PyBaseExceptionRef {
            vm.new_key_error(key)
        }
    }

    /// An object id as copy.py makes it: an int in 0..2**64. Anything else is not a CAM key.
    fn id_key(key: &PyObjectRef, vm: &VirtualMachine) -> Option<u64> {
        key.downcast_ref::<PyInt>()?.try_to_primitive::<u64>(vm).ok()
    }

    #[derive(rustpython_vm::FromArgs)]
    struct GetArgs {
        #[pyarg(positional)]
        key: PyObjectRef,
        #[pyarg(positional, optional)]
        default: OptionalArg<PyObjectRef>,
    }

    #[pyclass(with(Constructor, AsMapping, AsSequence, Iterable, Representable))]
    impl CamMemo {
        #[pymethod]
        fn get(zelf: &Py<Self>, args: GetArgs, vm: &VirtualMachine) -> PyResult {
            Ok(zelf.lookup(&args.key, vm)?.unwrap_or_else(|| args.default.unwrap_or_none(vm)))
        }

        #[pymethod]
        fn setdefault(zelf: &Py<Self>, args: GetArgs, vm: &VirtualMachine) -> PyResult {
            if let Some(found) = zelf.lookup(&args.key, vm)? {
                return Ok(found);
            }
            let value = args.default.unwrap_or_none(vm);
            zelf.store(args.key, value.clone(), vm)?;
            Ok(value)
        }

        #[pymethod]
        fn pop(zelf: &Py<Self>, args: GetArgs, vm: &VirtualMachine) -> PyResult {
            match (zelf.delete(&args.key, vm)?, args.default) {
                (Some(value), _) => Ok(value),
                (None, OptionalArg::Present(default)) => Ok(default),
                (None, OptionalArg::Missing) => Err(Self::missing(args.key, vm)),
            }
        }

        #[pymethod]
        fn clear(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<()> {
            let values = cam_memo::timed(|| cam_memo::with_device(|device| device.clear(zelf.context)));
            drop(values.map_err(|err| cam_memo::device_error(&err, vm))?);
            if let Some(others) = zelf.existing_others() {
                others.clear();
            }
            Ok(())
        }

        #[pymethod]
        fn keys(zelf: &Py<Self>, vm: &VirtualMachine) -> Vec<PyObjectRef> {
            zelf.pairs(vm).into_iter().map(|(key, _)| key).collect()
        }

        #[pymethod]
        fn values(zelf: &Py<Self>, vm: &VirtualMachine) -> Vec<PyObjectRef> {
            zelf.pairs(vm).into_iter().map(|(_, value)| value).collect()
        }

        #[pymethod]
        fn items(zelf: &Py<Self>, vm: &VirtualMachine) -> Vec<PyObjectRef> {
            zelf.pairs(vm).into_iter().map(|(key, value)| vm.new_tuple((key, value)).into()).collect()
        }

        #[pymethod]
        fn update(zelf: &Py<Self>, other: PyObjectRef, vm: &VirtualMachine) -> PyResult<()> {
            let items = vm.call_method(&other, "items", ())?;
            for item in items.try_to_value::<Vec<PyObjectRef>>(vm)? {
                let pair = item.try_to_value::<Vec<PyObjectRef>>(vm)?;
                let [key, value]: [PyObjectRef; 2] =
                    pair.try_into().map_err(|_| vm.new_value_error("update() needs (key, value) pairs"))?;
                zelf.store(key, value, vm)?;
            }
            Ok(())
        }
    }

    impl Constructor for CamMemo {
        type Args = FuncArgs;

        fn slot_new(cls: PyTypeRef, args: FuncArgs, vm: &VirtualMachine) -> PyResult {
            if !args.args.is_empty() || !args.kwargs.is_empty() {
                return Err(vm.new_type_error("CamMemo() takes no arguments"));
            }
            let context = cam_memo::open().map_err(|err| vm.new_memory_error(err.to_string()))?;
            Self { context, others: PyMutex::new(None) }.into_ref_with_type(vm, cls).map(Into::into)
        }

        fn py_new(_cls: &Py<PyType>, _args: Self::Args, vm: &VirtualMachine) -> PyResult<Self> {
            Err(vm.new_type_error("use CamMemo()"))
        }
    }

    impl AsMapping for CamMemo {
        fn as_mapping() -> &'static PyMappingMethods {
            static AS_MAPPING: PyMappingMethods = PyMappingMethods {
                length: atomic_func!(|mapping, _vm| Ok(CamMemo::mapping_downcast(mapping).length())),
                subscript: atomic_func!(|mapping, needle, vm| {
                    let key = needle.to_owned();
                    CamMemo::mapping_downcast(mapping).lookup(&key, vm)?.ok_or_else(|| CamMemo::missing(key, vm))
                }),
                ass_subscript: atomic_func!(|mapping, needle, value, vm| {
                    let memo = CamMemo::mapping_downcast(mapping);
                    match value {
                        Some(value) => memo.store(needle.to_owned(), value, vm),
                        None => memo.delete_or_key_error(needle.to_owned(), vm),
                    }
                }),
            };
            &AS_MAPPING
        }
    }

    impl AsSequence for CamMemo {
        fn as_sequence() -> &'static PySequenceMethods {
            static AS_SEQUENCE: LazyLock<PySequenceMethods> = LazyLock::new(|| PySequenceMethods {
                contains: atomic_func!(|seq, target, vm| {
                    Ok(CamMemo::sequence_downcast(seq).lookup(&target.to_owned(), vm)?.is_some())
                }),
                ..PySequenceMethods::NOT_IMPLEMENTED
            });
            &AS_SEQUENCE
        }
    }

    impl Iterable for CamMemo {
        fn iter(zelf: PyRef<Self>, vm: &VirtualMachine) -> PyResult {
            let keys = zelf.pairs(vm).into_iter().map(|(key, _)| key).collect();
            <PyList as Iterable>::iter(vm.ctx.new_list(keys), vm)
        }
    }

    impl Representable for CamMemo {
        fn repr_str(zelf: &Py<Self>, vm: &VirtualMachine) -> PyResult<String> {
            let mut parts = Vec::new();
            for (key, value) in zelf.pairs(vm) {
                parts.push(format!("{}: {}", key.repr(vm)?.to_string_lossy(), value.repr(vm)?.to_string_lossy()));
            }
            Ok(format!("CamMemo({{{}}})", parts.join(", ")))
        }
    }
}
