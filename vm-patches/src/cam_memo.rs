//! The CAM-backed memo: a dict-like `_copylab.CamMemo` whose id-keyed entries live in an
//! emulated CAM device (cam-device), one device per interpreter thread.
//!
//! copy.py keys its memo by `id(obj)` (and `id(memo)` for the keep-alive list): those int
//! keys go to the device, one memo = one device context (tag). Any other key a user's
//! `__deepcopy__` might store goes to a plain dict beside it, so the memo still behaves like
//! a dict for everything; such keys are never counted as CAM traffic.

use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant};

use cam_device::{CamConfig, CamDevice, CamStats, ConfigError, ContextId};
use rustpython_vm::PyObjectRef;

thread_local! {
    static DEVICE: RefCell<Option<CamDevice<PyObjectRef>>> = const { RefCell::new(None) };
    static MEMO_TIME: Cell<Duration> = const { Cell::new(Duration::ZERO) };
    static DEEPCOPY_TIME: Cell<Duration> = const { Cell::new(Duration::ZERO) };
    static DEEPCOPY_DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Installs a fresh device with `config` for this thread's interpreter.
pub(crate) fn configure(config: CamConfig) -> Result<(), ConfigError> {
    let device = CamDevice::new(config)?;
    let old = DEVICE.with(|slot| slot.borrow_mut().replace(device));
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
        let mut slot = slot.borrow_mut();
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

/// The statistics of this thread's device, if one exists.
#[must_use]
pub fn report() -> Option<CamReport> {
    DEVICE.with(|slot| {
        slot.borrow().as_ref().map(|device| CamReport {
            config: device.config().clone(),
            stats: device.stats().clone(),
            memo_time: MEMO_TIME.get(),
            deepcopy_time: DEEPCOPY_TIME.get(),
        })
    })
}

/// Starts recording every device operation (for `copylab cam sweep`).
pub fn start_recording() {
    with_device(CamDevice::start_recording);
}

/// The operations recorded since [`start_recording`].
#[must_use]
pub fn take_trace() -> Option<cam_device::Trace> {
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
    /// "memo_share": ..., "cost": {...}}`.
    #[must_use]
    pub fn to_json(&self) -> String {
        let cost = self.cost().map_or_else(|_| "null".to_owned(), |cost| cost.to_json());
        format!(
            "{{\"config\": {{\"entries\": {}, \"key_bits\": {}, \"tag_bits\": {}, \"lookup_cycles\": {}, \"insert_cycles\": {}, \"clear_cycles\": {}, \"clock_ghz\": {}}}, \"stats\": {}, \"memo_seconds\": {}, \"deepcopy_seconds\": {}, \"memo_share\": {}, \"cost\": {}}}\n",
            self.config.entries,
            self.config.key_bits,
            self.config.tag_bits,
            self.config.lookup_cycles,
            self.config.insert_cycles,
            self.config.clear_cycles,
            self.config.clock_ghz,
            self.stats.to_json().trim_end(),
            self.memo_time.as_secs_f64(),
            self.deepcopy_time.as_secs_f64(),
            self.memo_share(),
            cost.trim_end()
        )
    }
}
