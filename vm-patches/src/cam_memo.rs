//! The CAM-backed memo: a dict-like `_copylab.CamMemo` whose id-keyed entries live in an
//! emulated CAM device (cam-device), one device per interpreter thread.
//!
//! copy.py keys its memo by `id(obj)` (and `id(memo)` for the keep-alive list): those int
//! keys go to the device, one memo = one device context (tag). Any other key a user's
//! `__deepcopy__` might store goes to a plain dict beside it, so the memo still behaves like
//! a dict for everything; such keys are never counted as CAM traffic.

use std::cell::{Cell, RefCell};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use cam_device::{CamConfig, CamDevice, CamStats, ConfigError, ContextId};
use rustpython_vm::builtins::{PyDictRef, PyInt, PyList, PyType, PyTypeRef};
use rustpython_vm::common::lock::PyMutex;
use rustpython_vm::function::{FuncArgs, OptionalArg};
use rustpython_vm::protocol::{PyMappingMethods, PySequenceMethods};
use rustpython_vm::types::{AsMapping, AsSequence, Constructor, Iterable, Representable};
use rustpython_vm::{Py, PyObjectRef, PyPayload, PyRef, PyResult, VirtualMachine, atomic_func, pyclass};

thread_local! {
    static DEVICE: DeviceSlot = const { DeviceSlot(RefCell::new(None)) };
    static MEMO_TIME: Cell<Duration> = const { Cell::new(Duration::ZERO) };
    static DEEPCOPY_TIME: Cell<Duration> = const { Cell::new(Duration::ZERO) };
    static DEEPCOPY_DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// This thread's device. A memo kept to the end of the program (a global, or a cycle the
/// collector never frees) leaves its values in the device until the thread ends, and by then
/// RustPython's own thread-locals, which releasing a Python object needs, may be gone: the
/// release would panic inside a thread-local destructor and abort the process. So a device
/// still held at thread exit keeps its values: the interpreter is gone and the process is
/// ending, so nothing can observe them.
struct DeviceSlot(RefCell<Option<CamDevice<PyObjectRef>>>);

impl Drop for DeviceSlot {
    fn drop(&mut self) {
        if let Some(device) = self.0.get_mut().take() {
            let _kept = std::mem::ManuallyDrop::new(device);
        }
    }
}

/// Installs a fresh device with `config` for this thread's interpreter.
pub(crate) fn configure(config: CamConfig) -> Result<(), ConfigError> {
    let device = CamDevice::new(config)?;
    let old = DEVICE.with(|slot| slot.0.borrow_mut().replace(device));
    drop(old);
    MEMO_TIME.set(Duration::ZERO);
    DEEPCOPY_TIME.set(Duration::ZERO);
    Ok(())
}

/// Runs `f` on this thread's device, creating a default one if `--memo cam` did not
/// configure it (a script may build `_copylab.CamMemo()` itself). `f` must not call into
/// Python: values it hands back are dropped by the caller, after the borrow ends, because
/// dropping one may run a `__del__` that touches a memo.
pub(crate) fn with_device<R>(f: impl FnOnce(&mut CamDevice<PyObjectRef>) -> R) -> R {
    DEVICE.with(|slot| {
        let mut slot = slot.0.borrow_mut();
        let device = slot.get_or_insert_with(|| {
            CamDevice::new(CamConfig::default()).expect("the default CAM configuration is valid")
        });
        f(device)
    })
}

/// Times one memo operation, for the share of deepcopy time spent on the memo.
pub(crate) fn timed<R>(f: impl FnOnce() -> R) -> R {
    let start = Instant::now();
    let result = f();
    MEMO_TIME.set(MEMO_TIME.get() + start.elapsed());
    result
}

/// Times an outermost deepcopy call; nested top-level calls (a `__deepcopy__` that calls
/// `deepcopy(x)` without a memo) are inside it and not counted twice.
pub(crate) fn timed_deepcopy<R>(f: impl FnOnce() -> R) -> R {
    let depth = DEEPCOPY_DEPTH.get();
    DEEPCOPY_DEPTH.set(depth + 1);
    let start = Instant::now();
    let result = f();
    if depth == 0 {
        DEEPCOPY_TIME.set(DEEPCOPY_TIME.get() + start.elapsed());
    }
    DEEPCOPY_DEPTH.set(depth);
    result
}

/// A device failure as the Python exception a memo operation raises.
pub(crate) fn device_error(
    err: &cam_device::DeviceError,
    vm: &VirtualMachine,
) -> rustpython_vm::builtins::PyBaseExceptionRef {
    vm.new_runtime_error(format!("CAM memo: {err}"))
}

/// What the device did during a run, with the configuration it ran with.
#[derive(Debug, Clone)]
pub struct CamReport {
    pub config: CamConfig,
    pub stats: CamStats,
    /// Wall time spent inside memo operations (emulated; includes the call into Rust).
    pub memo_time: Duration,
    /// Wall time of outermost `copy.deepcopy` calls routed through a CAM memo.
    pub deepcopy_time: Duration,
}

impl CamReport {
    /// Share of deepcopy time spent on memo operations, in [0, 1].
    #[must_use]
    pub fn memo_share(&self) -> f64 {
        let total = self.deepcopy_time.as_secs_f64();
        if total <= 0.0 { 0.0 } else { (self.memo_time.as_secs_f64() / total).clamp(0.0, 1.0) }
    }
}

/// The statistics of this thread's device, if one exists (see [`crate::Finished`]).
#[must_use]
pub(crate) fn report() -> Option<CamReport> {
    DEVICE.with(|slot| {
        slot.0.borrow().as_ref().map(|device| CamReport {
            config: device.config().clone(),
            stats: device.stats().clone(),
            memo_time: MEMO_TIME.get(),
            deepcopy_time: DEEPCOPY_TIME.get(),
        })
    })
}

/// Starts recording every device operation (for `copylab cam sweep`).
pub(crate) fn start_recording() {
    with_device(CamDevice::start_recording);
}

/// The operations recorded since [`start_recording`].
#[must_use]
pub(crate) fn take_trace() -> Option<cam_device::Trace> {
    with_device(CamDevice::take_trace)
}

/// Opens a device context for a new memo.
pub(crate) fn open() -> Result<ContextId, cam_device::DeviceError> {
    with_device(CamDevice::open_context)
}

impl CamReport {
    /// The cost model's estimate for this traffic and memo share.
    ///
    /// # Errors
    /// A configuration the cost model cannot price.
    pub fn cost(&self) -> Result<cam_device::CostReport, cam_device::CostError> {
        Ok(cam_device::CostModel::new(&self.config, self.memo_share())?.report(&self.stats))
    }

    /// The device statistics and the cost model's estimate, as tables for a terminal.
    #[must_use]
    pub fn render_table(&self) -> String {
        let mut out = format!(
            "CAM memo statistics ({} entries, {}-bit tags)\n{}\n",
            self.config.entries,
            self.config.tag_bits,
            self.stats.render_table()
        );
        out.push_str(&format!(
            "measured: {:.1} ms in memo operations of {:.1} ms in deepcopy (memo share {:.1}%)\n\n",
            self.memo_time.as_secs_f64() * 1e3,
            self.deepcopy_time.as_secs_f64() * 1e3,
            self.memo_share() * 100.0
        ));
        match self.cost() {
            Ok(cost) => out.push_str(&cost.render_table()),
            Err(err) => out.push_str(&format!("cost model unavailable: {err}\n")),
        }
        out
    }

    /// `{"config": {...}, "stats": {...}, "memo_seconds": ..., "deepcopy_seconds": ...,
    /// "memo_share": ..., "cost": {...}}` (`cost` is null when the model cannot price the run).
    #[must_use]
    pub fn to_json(&self) -> String {
        let report = serde_json::json!({
            "config": self.config,
            "stats": self.stats.to_json_value(),
            "memo_seconds": self.memo_time.as_secs_f64(),
            "deepcopy_seconds": self.deepcopy_time.as_secs_f64(),
            "memo_share": self.memo_share(),
            "cost": self.cost().ok().map(|cost| cost.to_json_value()),
        });
        cam_device::json_text(&report) + "\n"
    }
}

// -- the memo type: `_copylab.CamMemo` ------------------------------------------------------

/// A memo whose id-keyed entries live in the emulated CAM (the module docs above).
#[pyclass(name = "CamMemo", module = "_copylab", unhashable = true)]
#[derive(Debug, PyPayload)]
pub(crate) struct CamMemo {
    context: ContextId,
    /// Keys that are not object ids (not non-negative ints below 2**64).
    others: PyMutex<Option<PyDictRef>>,
}

impl Drop for CamMemo {
    fn drop(&mut self) {
        // One clear-by-tag; the values are dropped after the device borrow ends. A memo freed
        // with the thread's last objects may outlive the device's thread-local: its context
        // then went with the device (see `DeviceSlot`).
        let values =
            DEVICE.try_with(|slot| slot.0.borrow_mut().as_mut().map(|device| device.close_context(self.context)));
        drop(values);
    }
}

impl CamMemo {
    pub(crate) fn new_ref(vm: &VirtualMachine) -> PyResult<PyRef<Self>> {
        let context = open().map_err(|err| vm.new_memory_error(err.to_string()))?;
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
            Some(id) => timed(|| with_device(|device| device.lookup(self.context, id).map(|v| v.cloned())))
                .map_err(|err| device_error(&err, vm)),
            None => match self.existing_others() {
                Some(others) => others.get_item_opt(&**key, vm),
                None => Ok(None),
            },
        }
    }

    fn store(&self, key: PyObjectRef, value: PyObjectRef, vm: &VirtualMachine) -> PyResult<()> {
        match id_key(&key, vm) {
            Some(id) => {
                let old = timed(|| with_device(|device| device.insert(self.context, id, value)));
                drop(old.map_err(|err| device_error(&err, vm))?);
                Ok(())
            }
            None => self.others(vm).set_item(&*key, value, vm),
        }
    }

    fn delete(&self, key: &PyObjectRef, vm: &VirtualMachine) -> PyResult<Option<PyObjectRef>> {
        match id_key(key, vm) {
            Some(id) => {
                timed(|| with_device(|device| device.remove(self.context, id))).map_err(|err| device_error(&err, vm))
            }
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
        let in_device = with_device(|device| device.len(self.context)).unwrap_or(0);
        in_device + self.existing_others().map_or(0, |others| others.__len__())
    }

    /// (key, value) pairs: the device's in insertion order, then the other keys'.
    fn pairs(&self, vm: &VirtualMachine) -> Vec<(PyObjectRef, PyObjectRef)> {
        let from_device: Vec<(u64, PyObjectRef)> = with_device(|device| {
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
        let values = timed(|| with_device(|device| device.clear(zelf.context)));
        drop(values.map_err(|err| device_error(&err, vm))?);
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
        let context = open().map_err(|err| vm.new_memory_error(err.to_string()))?;
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
