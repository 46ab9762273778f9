//! Merkle commitment throughput against plain per-leaf SHA-256.
//!
//! `commit_1m_leaves` hashes the same 1,000,000 leaves of 100 bytes twice:
//! `raw_sha256_per_leaf` is one `Sha256::digest` per leaf (the floor), and
//! `merkle_builder` is the full RFC 6962 commitment (one leaf hash plus, on
//! average, one node hash per leaf). Their ratio is the cost of the tree.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use double_random::commitment::{
    MerkleBuilder, inclusion_proof, leaf_hash, root_from_leaf_hashes, verify_inclusion,
};
use sha2::{Digest, Sha256};

const LEAVES: usize = 1_000_000;
const LEAF_LEN: usize = 100;

/// Deterministic, non-repeating leaf bytes (xorshift).
fn leaf_bytes() -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut out = Vec::with_capacity(LEAVES * LEAF_LEN);
    while out.len() < LEAVES * LEAF_LEN {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(LEAVES * LEAF_LEN);
    out
}

fn commit(c: &mut Criterion) {
    let data = leaf_bytes();
    let mut group = c.benchmark_group("commit_1m_leaves");
    group.throughput(Throughput::Elements(LEAVES as u64));
    group.bench_function("raw_sha256_per_leaf", |b| {
        b.iter(|| {
            let mut acc = 0u8;
            for leaf in data.chunks_exact(LEAF_LEN) {
                acc ^= Sha256::digest(black_box(leaf))[0];
            }
            acc
        })
    });
    group.bench_function("merkle_builder", |b| {
        b.iter(|| {
            let mut builder = MerkleBuilder::new();
            for leaf in data.chunks_exact(LEAF_LEN) {
                builder.push_leaf(black_box(leaf)).unwrap();
            }
            builder.finish()
        })
    });
    let hashes: Vec<_> = data.chunks_exact(LEAF_LEN).map(leaf_hash).collect();
    group.bench_function("root_from_leaf_hashes", |b| {
        b.iter(|| root_from_leaf_hashes(black_box(&hashes)))
    });
    group.finish();
}

fn proofs(c: &mut Criterion) {
    let hashes: Vec<_> = (0..100_000u32)
        .map(|i| leaf_hash(&i.to_le_bytes()))
        .collect();
    let root = root_from_leaf_hashes(&hashes);
    let index = 77_777;
    let proof = inclusion_proof(&hashes, index).unwrap();
    let leaf = hashes[index as usize];
    let mut group = c.benchmark_group("inclusion_100k_leaves");
    group.bench_function("prove", |b| {
        b.iter(|| inclusion_proof(black_box(&hashes), black_box(index)))
    });
    group.bench_function("verify", |b| {
        b.iter(|| verify_inclusion(black_box(&leaf), black_box(&proof), black_box(&root)))
    });
    group.finish();
}

criterion_group!(benches, commit, proofs);
criterion_main!(benches);
