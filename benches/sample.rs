//! Sampler cost against the raw ChaCha20 keystream cost for the same number
//! of 64-bit words (at these pool sizes rejection practically never happens,
//! so drawing k ranks consumes k words).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use double_random::sampling::{derive_seed, draw_ranks, keystream};
use rand_core::Rng;

fn bench_sample(c: &mut Criterion) {
    let seed = derive_seed(&[7u8; 32], b"bench");
    let mut g = c.benchmark_group("draw_ranks");
    g.sample_size(20);
    for &(n, k) in &[
        (1_000u64, 1_000u64),
        (50_000, 50_000),
        (100_000, 50_000),
        (1_000_000, 50_000),
        (10_000_000, 50_000),
        (100_000_000, 50_000),
    ] {
        g.throughput(Throughput::Elements(k));
        g.bench_with_input(
            BenchmarkId::new(format!("k={k}"), n),
            &(n, k),
            |b, &(n, k)| b.iter(|| draw_ranks(black_box(&seed), 3, black_box(n), k)),
        );
    }
    g.finish();

    let mut g = c.benchmark_group("chacha20_keystream");
    g.sample_size(20);
    for &words in &[1_000u64, 50_000] {
        g.throughput(Throughput::Elements(words));
        g.bench_with_input(BenchmarkId::new("u64_words", words), &words, |b, &w| {
            b.iter(|| {
                let mut rng = keystream(black_box(&seed), 4);
                let mut acc = 0u64;
                for _ in 0..w {
                    acc ^= rng.next_u64();
                }
                acc
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_sample);
criterion_main!(benches);
