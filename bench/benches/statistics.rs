//! Speed of the statistics behind every verdict: a report compares every arm with its
//! reference on every workload, and `bench compare` does it for whole pyperf files, so the
//! t-test (an incomplete-beta continued fraction) must stay cheap at rigorous sample sizes.

use std::hint::black_box;

use copylab_bench::{stats, verdict};
use criterion::{Criterion, criterion_group, criterion_main};

/// Deterministic, slightly noisy per-call times around `centre` seconds.
fn sample(count: usize, centre: f64, seed: u64) -> Vec<f64> {
    let mut state = seed;
    (0..count)
        .map(|_| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let jitter = (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
            centre * (1.0 + 0.05 * jitter)
        })
        .collect()
}

fn statistics(c: &mut Criterion) {
    // --rigorous: 20 workers x 4 values per arm.
    let baseline = sample(80, 7.6e-6, 1);
    let changed = sample(80, 6.9e-6, 2);
    c.bench_function("summary of 80 values", |b| b.iter(|| stats::Summary::of(black_box(&baseline))));
    c.bench_function("welch t-test, 80 vs 80 values", |b| {
        b.iter(|| stats::welch_t_test(black_box(&baseline), black_box(&changed)));
    });
    c.bench_function("verdict (t-test + ratio), 80 vs 80 values", |b| {
        b.iter(|| verdict::compare(black_box(&baseline), black_box(&changed)));
    });
    c.bench_function("student t cdf, df = 150", |b| b.iter(|| stats::student_t_cdf(black_box(2.1), black_box(150.0))));
}

criterion_group!(benches, statistics);
criterion_main!(benches);
