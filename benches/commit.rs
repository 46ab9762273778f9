//! Register commitment against raw SHA-256 over the same leaf bytes.
//!
//! `commit_1m_entities/raw_sha256_same_leaves` hashes the canonical leaf bytes
//! of 1,000,000 entities once each (the floor); `commit_entities` encodes the
//! same entities and builds the RFC 6962 tree (one leaf hash plus, on
//! average, one node hash per leaf). Target: within 3.5x of the floor.
//! `commit_parallel/threads/T` commits the same register on T threads
//! (`commit_entity_slice`; the roots are those of one thread), beside
//! `commit_parallel/raw_sha256_same_leaves` in the same group: with 2 cores
//! free, 2 threads should take at most 1/1.7 of 1 thread.
//! `commit_stream/N` streams N entities through `EntityCommitter` in O(log N)
//! memory, for the growth from 10^4 to 10^7.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use double_random::{
    commitment::{EntityCommitter, commit_entities, commit_entity_slice, entity_leaf},
    records::FormatVersion,
    registers::EntityRegister,
};
use sha2::{Digest, Sha256};

#[path = "support/entities.rs"]
mod entities;
use entities::{class_of, entity};

fn bench_commit(c: &mut Criterion) {
    const N: u64 = 1_000_000;
    let register = EntityRegister::new((0..N).map(|i| entity(i, class_of(i, N))).collect())
        .expect("distinct codes");
    let mut leaves = Vec::with_capacity(N as usize);
    let mut buf = Vec::new();
    for e in register.entities() {
        entity_leaf(e, FormatVersion::V2, &mut buf).expect("short fields");
        leaves.push(buf.clone());
    }
    let bytes: usize = leaves.iter().map(Vec::len).sum();
    eprintln!("leaf bytes: {bytes} ({} per leaf)", bytes / N as usize);

    let mut g = c.benchmark_group("commit_1m_entities");
    g.throughput(Throughput::Elements(N));
    g.sample_size(10);
    g.bench_function("raw_sha256_same_leaves", |b| {
        b.iter(|| {
            let mut acc = 0u8;
            for l in &leaves {
                acc ^= Sha256::digest(black_box(l))[0];
            }
            acc
        })
    });
    // What `commit_entities` does the first time: a register keeps its
    // commitment once computed, so calling it again would time a lookup.
    g.bench_function("commit_entities", |b| {
        b.iter(|| {
            let mut c = EntityCommitter::new(FormatVersion::V2);
            for e in black_box(&register).entities() {
                c.push(e).expect("canonical order");
            }
            c.finish()
        })
    });
    assert_eq!(
        commit_entities(&register, FormatVersion::V2)
            .expect("commit")
            .size(),
        Some(N),
        "the register commits"
    );
    g.finish();

    let mut g = c.benchmark_group("commit_parallel");
    g.throughput(Throughput::Elements(N));
    g.sample_size(10);
    g.bench_function("raw_sha256_same_leaves", |b| {
        b.iter(|| {
            let mut acc = 0u8;
            for l in &leaves {
                acc ^= Sha256::digest(black_box(l))[0];
            }
            acc
        })
    });
    let one = commit_entity_slice(register.entities(), FormatVersion::V2, 1).expect("commit");
    for threads in [1usize, 2] {
        assert_eq!(
            commit_entity_slice(register.entities(), FormatVersion::V2, threads).expect("commit"),
            one,
            "same root on {threads} threads"
        );
        g.bench_with_input(
            BenchmarkId::new("threads", threads),
            &threads,
            |b, &threads| {
                b.iter(|| {
                    commit_entity_slice(black_box(register.entities()), FormatVersion::V2, threads)
                })
            },
        );
    }
    g.finish();

    let mut g = c.benchmark_group("commit_stream");
    g.sample_size(10);
    for n in [10_000u64, 100_000, 1_000_000, 10_000_000] {
        g.throughput(Throughput::Elements(n));
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter(|| {
                let mut c = EntityCommitter::new(FormatVersion::V2);
                for i in 0..n {
                    c.push(&entity(i, class_of(i, n))).expect("canonical order");
                }
                c.finish()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_commit);
criterion_main!(benches);
