//! Random operation sequences against a model of "one insertion-ordered map per context".
//!
//! Small capacities (1 and 4 rows), few tags and narrow keys force every fallback path —
//! spills, refills, tag exhaustion, aliases — and the device must still agree with the
//! model on every value, length and iteration order.

use cam_device::{CamConfig, CamDevice, ContextId, DeviceError, replay};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Open,
    Close(usize),
    Lookup(usize, u64),
    Insert(usize, u64, u32),
    Remove(usize, u64),
    Clear(usize),
}

/// Keys differ in low bits and in bit 40+, so 1- and 3-bit keys alias constantly, 41-bit
/// keys sometimes, 64-bit keys never.
fn key(low_values: u64) -> impl Strategy<Value = u64> + Clone {
    (0..low_values, 0u64..3).prop_map(|(low, high)| low | (high << 40))
}

/// Any operation, on one of the 8 newest contexts.
fn op() -> impl Strategy<Value = Op> {
    let key = key(6);
    prop_oneof![
        1 => Just(Op::Open),
        1 => (0usize..8).prop_map(Op::Close),
        5 => (0usize..8, key.clone()).prop_map(|(c, k)| Op::Lookup(c, k)),
        5 => (0usize..8, key.clone(), any::<u32>()).prop_map(|(c, k, v)| Op::Insert(c, k, v)),
        2 => (0usize..8, key).prop_map(|(c, k)| Op::Remove(c, k)),
        1 => (0usize..8).prop_map(Op::Clear),
    ]
}

/// Mostly inserts and removes on the two newest contexts, never a clear: holes pile up in
/// the insertion order until the device compacts it, repeatedly.
fn churn_op() -> impl Strategy<Value = Op> {
    let key = key(12);
    prop_oneof![
        1 => Just(Op::Open),
        8 => (0usize..2, key.clone()).prop_map(|(c, k)| Op::Lookup(c, k)),
        16 => (0usize..2, key.clone(), any::<u32>()).prop_map(|(c, k, v)| Op::Insert(c, k, v)),
        16 => (0usize..2, key).prop_map(|(c, k)| Op::Remove(c, k)),
    ]
}

fn config() -> impl Strategy<Value = CamConfig> {
    (prop::sample::select(vec![1usize, 2, 4, 16]), 1u32..=3, prop::sample::select(vec![1u32, 3, 41, 64]))
        .prop_map(|(entries, tag_bits, key_bits)| CamConfig { entries, tag_bits, key_bits, ..CamConfig::default() })
}

/// The reference: every context ever opened, in order; `None` once closed.
#[derive(Default)]
struct Model {
    contexts: Vec<Option<Vec<(u64, u32)>>>,
}

impl Model {
    fn map(&mut self, index: usize) -> Option<&mut Vec<(u64, u32)>> {
        self.contexts.get_mut(index).and_then(Option::as_mut)
    }
}

fn check_contents(device: &CamDevice<u32>, id: ContextId, expected: &[(u64, u32)]) -> Result<(), TestCaseError> {
    let actual: Vec<(u64, u32)> = device.iter(id).map_err(fail)?.map(|(k, v)| (k, *v)).collect();
    prop_assert_eq!(&actual[..], expected);
    prop_assert_eq!(device.len(id).map_err(fail)?, expected.len());
    let info = device.context_info(id).map_err(fail)?;
    prop_assert_eq!(info.in_cam + info.in_software, expected.len());
    Ok(())
}

fn fail(error: DeviceError) -> TestCaseError {
    TestCaseError::fail(error.to_string())
}

fn run(config: CamConfig, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut device: CamDevice<u32> = CamDevice::new(config.clone()).map_err(|e| TestCaseError::fail(e.to_string()))?;
    device.start_recording();
    let mut model = Model::default();
    let mut ids: Vec<ContextId> = Vec::new();
    let mut hits = 0u64;

    for op in ops {
        // Context operands pick among the 8 most recently opened contexts, closed ones
        // included, so stale handles are exercised too.
        let pick = |c: usize| {
            if ids.is_empty() { None } else { Some(ids.len() - 1 - c % ids.len()) }
        };
        let touched = match op {
            Op::Open => {
                ids.push(device.open_context().map_err(fail)?);
                model.contexts.push(Some(Vec::new()));
                Some(ids.len() - 1)
            }
            Op::Close(c) | Op::Clear(c) => {
                let Some(index) = pick(c) else { continue };
                let closing = matches!(op, Op::Close(_));
                let result = if closing { device.close_context(ids[index]) } else { device.clear(ids[index]) };
                match model.map(index) {
                    None => {
                        let stale = matches!(result, Err(DeviceError::UnknownContext { .. }));
                        prop_assert!(stale, "a closed context must be refused");
                    }
                    Some(map) => {
                        let expected: Vec<u32> = map.drain(..).map(|(_, v)| v).collect();
                        prop_assert_eq!(result.map_err(fail)?, expected);
                        if closing {
                            model.contexts[index] = None;
                        }
                    }
                }
                Some(index)
            }
            Op::Lookup(c, key) => {
                let Some(index) = pick(c) else { continue };
                let result = device.lookup(ids[index], key).map(|found| found.copied());
                match model.map(index) {
                    None => prop_assert!(result.is_err()),
                    Some(map) => {
                        let expected = map.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
                        hits += u64::from(expected.is_some());
                        prop_assert_eq!(result.map_err(fail)?, expected);
                    }
                }
                Some(index)
            }
            Op::Insert(c, key, value) => {
                let Some(index) = pick(c) else { continue };
                let result = device.insert(ids[index], key, value);
                match model.map(index) {
                    None => prop_assert!(result.is_err()),
                    Some(map) => {
                        let expected = match map.iter_mut().find(|(k, _)| *k == key) {
                            Some(entry) => Some(std::mem::replace(&mut entry.1, value)),
                            None => {
                                map.push((key, value));
                                None
                            }
                        };
                        prop_assert_eq!(result.map_err(fail)?, expected);
                    }
                }
                Some(index)
            }
            Op::Remove(c, key) => {
                let Some(index) = pick(c) else { continue };
                let result = device.remove(ids[index], key);
                match model.map(index) {
                    None => prop_assert!(result.is_err()),
                    Some(map) => {
                        let expected = map.iter().position(|(k, _)| *k == key).map(|at| map.remove(at).1);
                        prop_assert_eq!(result.map_err(fail)?, expected);
                    }
                }
                Some(index)
            }
        };
        if let Some(index) = touched
            && let Some(map) = model.map(index)
        {
            check_contents(&device, ids[index], map)?;
        }
        prop_assert!(device.occupancy() <= config.entries);
    }

    // Every live context agrees, and the CAM rows are exactly the live contexts' CAM entries.
    let mut rows = 0;
    for (index, entry) in model.contexts.iter().enumerate() {
        if let Some(map) = entry {
            check_contents(&device, ids[index], map)?;
            rows += device.context_info(ids[index]).map_err(fail)?.in_cam;
        }
    }
    prop_assert_eq!(rows, device.occupancy());

    let stats = device.stats().clone();
    prop_assert_eq!(stats.hits(), hits);
    prop_assert!(stats.cam_hits + stats.spill_hits + stats.absent_lookups() == stats.lookups);
    prop_assert!(stats.spill_hits + stats.spill_misses <= stats.lookups);
    prop_assert!(stats.peak_occupancy <= config.entries as u64);

    // Stats never depend on values, so the recorded trace replays to the same counts.
    let trace = device.take_trace().ok_or_else(|| TestCaseError::fail("recording was on"))?;
    let replayed = replay(&trace, &config).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(replayed, stats);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn device_agrees_with_ordered_map_model(config in config(), ops in prop::collection::vec(op(), 0..200)) {
        run(config, ops)?;
    }

    /// Many keys and many removals: insertion-order tables compact under the device.
    #[test]
    fn device_agrees_with_model_under_heavy_churn(config in config(), ops in prop::collection::vec(churn_op(), 0..800)) {
        run(config, ops)?;
    }

    #[test]
    fn text_traces_round_trip(config in config(), ops in prop::collection::vec(op(), 0..60)) {
        let mut device: CamDevice<u32> = CamDevice::new(config).map_err(|e| TestCaseError::fail(e.to_string()))?;
        device.start_recording();
        let mut ids = Vec::new();
        for op in ops {
            // Only the recorded shape matters here; errors on stale ids are not recorded.
            let id = |c: usize| ids.get(c % ids.len().max(1)).copied();
            match op {
                Op::Open => ids.push(device.open_context().map_err(fail)?),
                Op::Close(c) => { if let Some(id) = id(c) { let _ = device.close_context(id); } }
                Op::Clear(c) => { if let Some(id) = id(c) { let _ = device.clear(id); } }
                Op::Lookup(c, k) => { if let Some(id) = id(c) { let _ = device.lookup(id, k); } }
                Op::Insert(c, k, v) => { if let Some(id) = id(c) { let _ = device.insert(id, k, v); } }
                Op::Remove(c, k) => { if let Some(id) = id(c) { let _ = device.remove(id, k); } }
            }
        }
        let trace = device.take_trace().ok_or_else(|| TestCaseError::fail("recording was on"))?;
        let parsed: cam_device::Trace = trace.to_text().parse().map_err(|e: cam_device::TraceError| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(parsed, trace);
    }
}
