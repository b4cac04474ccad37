//! Behaviour of the device on hand-made sequences whose counts are worked out in comments.

use cam_device::{
    CamConfig, CamDevice, CamStats, ContextInfo, DeviceError, Trace, TraceOp, render_sweep, replay, sweep,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn config(entries: usize, tag_bits: u32, key_bits: u32) -> CamConfig {
    CamConfig { entries, tag_bits, key_bits, ..CamConfig::default() }
}

fn keys<V>(device: &CamDevice<V>, context: cam_device::ContextId) -> Result<Vec<u64>, DeviceError> {
    Ok(device.iter(context)?.map(|(key, _)| key).collect())
}

#[test]
fn full_cam_spills_and_a_spill_hit_refills_a_freed_row() -> TestResult {
    let mut device = CamDevice::new(config(2, 8, 64))?;
    let memo = device.open_context()?;
    device.insert(memo, 1, "one")?; // CAM row 1 of 2
    device.insert(memo, 2, "two")?; // CAM row 2 of 2
    device.insert(memo, 3, "three")?; // CAM full: spills
    assert_eq!(device.lookup(memo, 1)?, Some(&"one")); // CAM hit
    assert_eq!(device.lookup(memo, 3)?, Some(&"three")); // CAM miss, spill hit, CAM still full
    assert_eq!(device.lookup(memo, 4)?, None); // CAM miss, spill miss
    assert_eq!(device.remove(memo, 1)?, Some("one")); // frees a row
    assert_eq!(device.lookup(memo, 3)?, Some(&"three")); // CAM miss, spill hit, refilled
    assert_eq!(device.lookup(memo, 3)?, Some(&"three")); // now a CAM hit

    let stats = device.stats();
    let expected = CamStats {
        lookups: 5,
        inserts: 3,
        removes: 1,
        contexts_opened: 1,
        cam_hits: 2,
        cam_misses: 3,
        spill_hits: 2,
        spill_misses: 1,
        spills: 1,
        refills: 1,
        peak_occupancy: 2,
        // open 0, inserts 1 2 2, lookups 2 2 2, remove 1, lookups 2 2
        occupancy_sum: 16,
        occupancy_samples: 10,
        cam_searches: 9, // 3 inserts + 5 lookups + 1 remove
        cam_writes: 4,   // 2 new rows + 1 invalidation + 1 refill
        software_ops: 5, // spill insert, 3 spill probes, 1 refill removal
        ..CamStats::default()
    };
    assert_eq!(stats, &expected);
    assert_eq!(stats.mean_occupancy(), 1.6);
    assert_eq!(keys(&device, memo)?, [2, 3]);
    assert_eq!(device.context_info(memo)?, ContextInfo { tag: Some(0), len: 2, in_cam: 2, in_software: 0 });
    Ok(())
}

#[test]
fn a_miss_with_nothing_spilled_never_touches_software() -> TestResult {
    let mut device: CamDevice<u8> = CamDevice::new(CamConfig::default())?;
    let memo = device.open_context()?;
    assert_eq!(device.lookup(memo, 9)?, None);
    let stats = device.stats();
    assert_eq!((stats.cam_misses, stats.spill_misses, stats.software_ops), (1, 0, 0));
    assert_eq!(stats.cam_resolved_rate(), 1.0);
    Ok(())
}

#[test]
fn a_single_row_still_gives_exact_results() -> TestResult {
    let mut device = CamDevice::new(config(1, 8, 64))?;
    let memo = device.open_context()?;
    for key in 0..50u64 {
        device.insert(memo, key, key * 3)?;
    }
    for key in 0..50u64 {
        assert_eq!(device.lookup(memo, key)?, Some(&(key * 3)));
    }
    assert_eq!(device.occupancy(), 1);
    assert_eq!(device.stats().spills, 49);
    assert_eq!(keys(&device, memo)?, (0..50).collect::<Vec<_>>());
    Ok(())
}

#[test]
fn when_tags_run_out_a_context_works_in_software_and_tags_are_recycled() -> TestResult {
    let mut device = CamDevice::new(config(16, 1, 64))?; // 2 tags
    let a = device.open_context()?;
    let b = device.open_context()?;
    let c = device.open_context()?;
    assert_eq!(device.context_info(a)?.tag, Some(0));
    assert_eq!(device.context_info(b)?.tag, Some(1));
    assert_eq!(device.context_info(c)?.tag, None);
    assert_eq!(device.stats().tag_exhaustions, 1);

    device.insert(c, 5, 'c')?;
    assert_eq!(device.occupancy(), 0, "an untagged context holds no rows");
    assert_eq!(device.lookup(c, 5)?, Some(&'c'));
    assert_eq!((device.stats().spills, device.stats().spill_hits, device.stats().cam_misses), (1, 1, 0));

    device.insert(a, 7, 'a')?;
    assert_eq!(device.close_context(a)?, ['a']);
    assert_eq!(device.tags_in_use(), 1);
    let d = device.open_context()?;
    assert_eq!(device.context_info(d)?.tag, Some(0), "a's tag is reused");
    assert_eq!(device.lookup(d, 7)?, None, "closing cleared a's rows before the tag was reused");
    assert_eq!(device.context_info(c)?.tag, None, "c stays in software");
    assert_eq!(device.stats().tag_exhaustions, 1);
    assert_eq!(device.stats().cam_clears, 1);
    Ok(())
}

#[test]
fn truncated_key_aliases_are_detected_and_resolved_in_software() -> TestResult {
    let mut device = CamDevice::new(config(16, 8, 4))?; // 0x10, 0x20, 0x30 share low 4 bits
    let memo = device.open_context()?;
    device.insert(memo, 0x10, "x")?; // CAM
    device.insert(memo, 0x20, "y")?; // alias of 0x10: spills (conflict 1)
    assert_eq!(device.lookup(memo, 0x20)?, Some(&"y")); // alias (2), spill hit, row taken: no refill
    assert_eq!(device.lookup(memo, 0x30)?, None); // alias (3), spill miss
    assert_eq!(device.lookup(memo, 0x10)?, Some(&"x")); // CAM hit
    let stats = device.stats();
    assert_eq!((stats.alias_conflicts, stats.spills, stats.refills), (3, 1, 0));
    assert_eq!((stats.cam_hits, stats.spill_hits, stats.spill_misses), (1, 1, 1));

    device.remove(memo, 0x10)?; // frees the shared row
    assert_eq!(device.lookup(memo, 0x20)?, Some(&"y")); // plain miss, spill hit, refill
    assert_eq!(device.lookup(memo, 0x20)?, Some(&"y")); // CAM hit
    assert_eq!((device.stats().refills, device.stats().cam_hits, device.stats().alias_conflicts), (1, 2, 3));
    Ok(())
}

#[test]
fn clear_empties_cam_rows_and_spill_table_and_keeps_the_tag() -> TestResult {
    let mut device = CamDevice::new(config(2, 8, 64))?;
    let memo = device.open_context()?;
    for key in [1, 2, 3] {
        device.insert(memo, key, key)?;
    }
    assert_eq!(device.clear(memo)?, [1, 2, 3], "values come back in insertion order");
    assert_eq!(device.len(memo)?, 0);
    assert!(device.is_empty(memo)?);
    assert_eq!(device.occupancy(), 0);
    let software_ops = device.stats().software_ops;
    assert_eq!(device.lookup(memo, 3)?, None);
    assert_eq!(device.stats().software_ops, software_ops, "nothing spilled any more: a definite miss");
    device.insert(memo, 3, 30)?;
    assert_eq!(device.context_info(memo)?, ContextInfo { tag: Some(0), len: 1, in_cam: 1, in_software: 0 });
    assert_eq!((device.stats().clears, device.stats().cam_clears), (1, 1));
    Ok(())
}

#[test]
fn iteration_follows_python_dict_insertion_order() -> TestResult {
    let mut device = CamDevice::new(config(1, 8, 64))?; // 'a' in the CAM, the rest spilled
    let memo = device.open_context()?;
    for (key, value) in [(10, 'a'), (20, 'b'), (30, 'c')] {
        device.insert(memo, key, value)?;
    }
    assert_eq!(device.insert(memo, 20, 'B')?, Some('b'), "update returns the old value");
    assert_eq!(device.remove(memo, 10)?, Some('a'));
    assert_eq!(device.remove(memo, 10)?, None);
    device.insert(memo, 10, 'A')?;
    let pairs: Vec<(u64, char)> = device.iter(memo)?.map(|(key, value)| (key, *value)).collect();
    assert_eq!(pairs, [(20, 'B'), (30, 'c'), (10, 'A')]);
    let stats = device.stats();
    assert_eq!((stats.inserts, stats.updates, stats.removes, stats.remove_misses), (4, 1, 1, 1));
    Ok(())
}

#[test]
fn many_removals_compact_without_losing_order_or_values() -> TestResult {
    let mut device = CamDevice::new(config(10, 8, 64))?;
    let memo = device.open_context()?;
    for key in 0..100u64 {
        device.insert(memo, key, key + 1000)?;
    }
    for key in (0..100u64).filter(|key| key % 5 != 0) {
        assert_eq!(device.remove(memo, key)?, Some(key + 1000));
    }
    let survivors: Vec<u64> = (0..100).step_by(5).collect();
    assert_eq!(keys(&device, memo)?, survivors);
    for &key in &survivors {
        assert_eq!(device.lookup(memo, key)?, Some(&(key + 1000)));
    }
    let info = device.context_info(memo)?;
    assert_eq!(info.in_cam + info.in_software, 20);
    assert_eq!(info.in_cam, device.occupancy());
    Ok(())
}

#[test]
fn stale_and_foreign_context_ids_are_errors_not_panics() -> TestResult {
    let mut device = CamDevice::new(CamConfig::default())?;
    let old = device.open_context()?;
    device.insert(old, 1, 1)?;
    device.close_context(old)?;
    let new = device.open_context()?; // reuses the slot
    assert!(matches!(device.lookup(old, 1), Err(DeviceError::UnknownContext { .. })));
    assert!(device.insert(old, 1, 2).is_err() && device.remove(old, 1).is_err());
    assert!(device.clear(old).is_err() && device.len(old).is_err() && device.iter(old).is_err());
    let message = device.close_context(old).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("not open") && message.contains("open_context()"), "{message}");
    assert_eq!(device.lookup(new, 1)?, None);

    let mut other: CamDevice<i32> = CamDevice::new(CamConfig::default())?;
    assert!(other.lookup(new, 1).is_err());
    assert_eq!(device.open_contexts(), 1);
    Ok(())
}

#[test]
fn invalid_config_is_refused_by_the_device() {
    let result = CamDevice::<()>::new(CamConfig { tag_bits: 0, ..CamConfig::default() });
    let message = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.starts_with("tag_bits = 0"), "{message}");
}

#[test]
fn a_recorded_run_replays_to_the_same_stats() -> TestResult {
    let mut device = CamDevice::new(config(4, 2, 3))?;
    let early = device.open_context()?; // opened before recording starts
    device.insert(early, 1, ())?;
    device.start_recording();
    device.reset_stats();
    let memo = device.open_context()?;
    for key in 0..12 {
        device.lookup(memo, key)?;
        device.insert(memo, key, ())?;
    }
    device.lookup(early, 1)?;
    device.remove(memo, 3)?;
    device.clear(early)?;
    device.close_context(memo)?;
    let trace = device.take_trace().ok_or("recording was on")?;
    assert!(!device.is_recording());
    assert_eq!(trace.ops()[0], TraceOp::Open);
    assert_eq!(trace.ops().iter().filter(|op| **op == TraceOp::Open).count(), 2, "early entered on first use");

    // Replay starts from an empty device, so compare with a run that did the same.
    let mut fresh = CamDevice::new(config(4, 2, 3))?;
    let memo = fresh.open_context()?;
    for key in 0..12 {
        fresh.lookup(memo, key)?;
        fresh.insert(memo, key, ())?;
    }
    let early = fresh.open_context()?;
    fresh.lookup(early, 1)?;
    fresh.remove(memo, 3)?;
    fresh.clear(early)?;
    fresh.close_context(memo)?;
    assert_eq!(&replay(&trace, &config(4, 2, 3))?, fresh.stats());
    Ok(())
}

#[test]
fn sweep_shows_spills_falling_as_capacity_grows() -> TestResult {
    let trace = Trace::deepcopy_like(300, 2);
    let capacities = [1, 16, 64, 256, 1024];
    let points = sweep(&trace, &CamConfig::default(), &capacities)?;
    let spills: Vec<u64> = points.iter().map(|point| point.stats.spills).collect();
    assert!(spills.windows(2).all(|pair| pair[0] >= pair[1]), "{spills:?}");
    assert_eq!(spills[0], 301, "302 keys (301 lists, the keep-alive list); one row holds the first");
    assert_eq!(spills[4], 0, "302 keys fit in 1024 rows");
    assert_eq!(points[4].stats.cam_resolved_rate(), 1.0);
    assert!(points.iter().all(|point| point.stats.lookups == points[0].stats.lookups));
    let table = render_sweep(&points);
    assert_eq!(table.lines().count(), 1 + capacities.len());
    assert!(table.lines().nth(5).is_some_and(|line| line.trim_start().starts_with("1024")), "{table}");
    Ok(())
}
