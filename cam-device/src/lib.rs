//! Emulator of a proposed hardware CAM (content-addressable memory) that holds the memo of
//! Python's `copy.deepcopy` — the map from `id(original)` to its copy.
//!
//! Pure Rust, no Python: the VM wraps a [`CamDevice`] in a dict-like memo object.
//!
//! # The model
//!
//! * **One CAM, many memos.** The CAM has [`CamConfig::entries`] rows shared by every live
//!   memo. Each memo is a *context* with its own hardware tag (like an ASID), so nested or
//!   concurrent deepcopy calls can be live at once. A row matches on
//!   `(tag, low key_bits of the id)`; one search compares every row at once.
//! * **Never lose an entry.** A plain CAM has no replacement policy, and a memo must not
//!   forget anything. When the CAM is full, when a row already holds an alias of the key
//!   (same low bits, different id), or when every tag is taken, the entry goes to the
//!   context's software *spill table* — the software-master-table design of hashtable
//!   accelerators ([`defaults::SPILL_DESIGN_SOURCE`]). A CAM miss consults the spill table
//!   only if the context has spilled something (or the key aliased); otherwise the miss is
//!   definite. A spill hit moves the entry into a free row if one has appeared (refill).
//!   Results are therefore exact at any capacity, including a single row.
//! * **Python dict semantics.** Each context iterates in insertion order; updating a key
//!   keeps its position, removing and re-inserting it moves it to the end.
//! * **Counted, then priced.** Every operation updates [`CamStats`]; [`CostModel`] turns
//!   them into cycles and energy for the CAM path and a Python-dict baseline, and an
//!   Amdahl ceiling for a measured memo share of deepcopy time.
//! * **Record and sweep.** A device can record a [`Trace`]; [`replay`] and [`sweep`]
//!   re-run it against other configurations (`copylab cam sweep --entries 16,64,...`).
//!
//! # Limits
//!
//! * Functional and counting emulation only: no timing simulation, pipelining, cache or
//!   contention effects. Costs are figures x counts, and every figure is an estimate
//!   ([`defaults`]).
//! * Rows hold the full 64-bit id, so the emulator always tells an alias from a hit. A
//!   real narrow-key CAM cannot; it would need a software check of every narrow-key hit,
//!   which is not charged here (aliases that *are* detected are charged a spill-table
//!   operation).
//! * Tags are assigned when a context opens. A context that found no free tag stays in
//!   software for its whole life, even after tags free up.
//! * Clear-by-tag is one hardware operation; the emulator implements it by visiting the
//!   context's entries (O(entries)), but charges it once.
//!
//! # Use from the VM
//!
//! Open one context per memo dict and close it when the memo object is dropped. Replaced
//! and removed values are handed back rather than dropped inside the device, so a value
//! whose drop runs Python code can be dropped after the device borrow ends.
//!
//! ```
//! use cam_device::{CamConfig, CamDevice};
//!
//! let mut device: CamDevice<String> = CamDevice::new(CamConfig::default())?;
//! let memo = device.open_context()?;            // deepcopy(x) creates a memo
//! assert_eq!(device.lookup(memo, 0x7f00_1000)?, None);  // memo.get(id(x)) misses
//! device.insert(memo, 0x7f00_1000, "copy of x".to_owned())?;  // memo[id(x)] = y
//! assert_eq!(device.lookup(memo, 0x7f00_1000)?.map(String::as_str), Some("copy of x"));
//! let keys: Vec<u64> = device.iter(memo)?.map(|(key, _)| key).collect();
//! assert_eq!(keys, [0x7f00_1000]);
//! let values = device.close_context(memo)?;     // the memo object is dropped
//! drop(values);
//! assert_eq!(device.stats().cam_hits, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod cam_array;
pub mod config;
pub mod cost;
pub mod defaults;
pub mod device;
pub mod error;
mod json;
mod ordered_entries;
pub mod stats;
pub mod trace;

pub use config::CamConfig;
pub use cost::{CostModel, CostReport, PathCycles, amdahl_limit, amdahl_speedup};
pub use device::{CamDevice, ContextId, ContextInfo, Entries};
pub use error::{ConfigError, CostError, DeviceError, TraceError};
pub use json::json_text;
pub use stats::CamStats;
pub use trace::{SweepPoint, Trace, TraceOp, render_sweep, replay, sweep};
