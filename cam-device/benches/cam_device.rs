//! Speed of the CAM emulator itself (not of the hardware it models): it sits on deepcopy's
//! hot path once the VM uses it as the memo.

use std::hint::black_box;
use std::time::{Duration, Instant};

use cam_device::{CamConfig, CamDevice, ContextId, Trace, replay};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Ids shaped like heap addresses of 64-byte objects.
fn ids(count: usize, base: u64) -> Vec<u64> {
    (0..count as u64).map(|index| base + index * 64).collect()
}

fn filled(config: CamConfig, keys: &[u64]) -> (CamDevice<u64>, ContextId) {
    let mut device = CamDevice::new(config).expect("valid config");
    let memo = device.open_context().expect("a context");
    for &key in keys {
        device.insert(memo, key, key ^ 1).expect("open context");
    }
    (device, memo)
}

/// Looks up `keys` round-robin; one iteration is one lookup.
fn bench_lookups(c: &mut Criterion, name: &str, device: &mut CamDevice<u64>, memo: ContextId, keys: &[u64]) {
    let mut next = 0;
    c.bench_function(name, |b| {
        b.iter(|| {
            // A compare instead of `%`: a division would cost as much as the lookup.
            next += 1;
            if next == keys.len() {
                next = 0;
            }
            black_box(device.lookup(memo, black_box(keys[next])).ok().flatten().copied())
        });
    });
}

fn lookups(c: &mut Criterion) {
    let keys = ids(512, 0x7f10_0000_0000);
    let (mut device, memo) = filled(CamConfig::default(), &keys);
    bench_lookups(c, "lookup hit (CAM, 512 of 1024 rows)", &mut device, memo, &keys);

    let absent = ids(512, 0x7f20_0000_0000);
    bench_lookups(c, "lookup miss (definite, nothing spilled)", &mut device, memo, &absent);

    // 16 rows for 512 keys: 496 live in the spill table; look those up.
    let small = CamConfig { entries: 16, ..CamConfig::default() };
    let (mut device, memo) = filled(small, &keys);
    bench_lookups(c, "lookup hit (spill path, CAM full)", &mut device, memo, &keys[16..]);
}

fn inserts(c: &mut Criterion) {
    const BATCH: usize = 256;
    let keys = ids(BATCH, 0x7f10_0000_0000);
    let mut group = c.benchmark_group("insert");
    group.throughput(Throughput::Elements(BATCH as u64));
    // One warm device, emptied (untimed) between rounds: a fresh device per round would
    // measure cold caches and allocation instead of the insert path.
    group.bench_function("256 new keys into an empty memo (CAM)", |b| {
        let (mut device, memo) = filled(CamConfig::default(), &keys);
        b.iter_custom(|rounds| {
            let mut timed = Duration::ZERO;
            for _ in 0..rounds {
                drop(device.clear(memo));
                let start = Instant::now();
                for &key in &keys {
                    black_box(device.insert(memo, key, key).ok());
                }
                timed += start.elapsed();
            }
            timed
        });
    });
    group.bench_function("256 updates of existing keys (CAM)", |b| {
        let (mut device, memo) = filled(CamConfig::default(), &keys);
        b.iter(|| {
            for &key in &keys {
                black_box(device.insert(memo, key, key).ok());
            }
        });
    });
    group.finish();
}

fn clears(c: &mut Criterion) {
    let keys = ids(256, 0x7f10_0000_0000);
    c.bench_function("clear a memo of 256 entries", |b| {
        let (mut device, memo) = filled(CamConfig::default(), &keys);
        b.iter_custom(|rounds| {
            let mut timed = Duration::ZERO;
            for _ in 0..rounds {
                for &key in &keys {
                    black_box(device.insert(memo, key, key).ok());
                }
                let start = Instant::now();
                black_box(device.clear(memo).ok());
                timed += start.elapsed();
            }
            timed
        });
    });
}

fn replays(c: &mut Criterion) {
    let trace = Trace::deepcopy_like(1000, 4);
    let mut group = c.benchmark_group("replay");
    group.throughput(Throughput::Elements(trace.len() as u64));
    for entries in [64, 1024] {
        let config = CamConfig { entries, ..CamConfig::default() };
        group.bench_function(format!("deepcopy-like trace ({} ops), {entries} rows", trace.len()), |b| {
            b.iter(|| black_box(replay(&trace, &config).ok()));
        });
    }
    group.finish();
}

criterion_group!(benches, lookups, inserts, clears, replays);
criterion_main!(benches);
