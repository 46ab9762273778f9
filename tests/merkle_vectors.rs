//! Checks the RFC 6962 Merkle test vectors in `tests/vectors/merkle.json`.

use double_random::commitment::{
    EMPTY_ROOT, Hash, InclusionProof, MerkleBuilder, MerkleError, inclusion_proof, leaf_hash,
    root_from_leaf_hashes, verify_inclusion,
};
use serde::Deserialize;

const VECTORS: &str = include_str!("vectors/merkle.json");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Vectors {
    #[allow(dead_code)]
    description: String,
    source: String,
    #[allow(dead_code)]
    hashing: String,
    leaves: Vec<Leaf>,
    roots: Vec<Root>,
    inclusion_proofs: Vec<Inclusion>,
    invalid_inclusion_proofs: Vec<Invalid>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Leaf {
    data: String,
    leaf_hash: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Root {
    tree_size: usize,
    root: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Inclusion {
    leaf_hash: String,
    root: String,
    proof: InclusionProof,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Invalid {
    comment: String,
    leaf_hash: String,
    root: String,
    proof: InclusionProof,
    error: String,
}

fn bytes(hex: &str) -> Vec<u8> {
    assert_eq!(hex.len() % 2, 0, "odd hex length: {hex}");
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

fn hash(hex: &str) -> Hash {
    bytes(hex).try_into().unwrap()
}

fn vectors() -> Vectors {
    serde_json::from_str(VECTORS).unwrap()
}

fn leaf_hashes(v: &Vectors) -> Vec<Hash> {
    v.leaves
        .iter()
        .map(|l| leaf_hash(&bytes(&l.data)))
        .collect()
}

#[test]
fn source_is_stated() {
    assert!(vectors().source.contains("RFC 6962"));
}

#[test]
fn leaf_hashes_match() {
    let v = vectors();
    assert_eq!(v.leaves.len(), 8);
    for leaf in &v.leaves {
        assert_eq!(leaf_hash(&bytes(&leaf.data)), hash(&leaf.leaf_hash));
    }
}

#[test]
fn roots_match_for_every_size() {
    let v = vectors();
    let hashes = leaf_hashes(&v);
    assert_eq!(v.roots.len(), 9);
    assert_eq!(hash(&v.roots[0].root), EMPTY_ROOT);
    for r in &v.roots {
        let want = hash(&r.root);
        assert_eq!(root_from_leaf_hashes(&hashes[..r.tree_size]), want);
        let mut b = MerkleBuilder::new();
        for d in &v.leaves[..r.tree_size] {
            b.push_leaf(&bytes(&d.data)).unwrap();
        }
        assert_eq!(b.len(), r.tree_size as u64);
        assert_eq!(b.finish(), want, "size {}", r.tree_size);
    }
}

#[test]
fn every_inclusion_proof_is_generated_and_verifies() {
    let v = vectors();
    let hashes = leaf_hashes(&v);
    assert_eq!(v.inclusion_proofs.len(), 36);
    for case in &v.inclusion_proofs {
        let size = usize::try_from(case.proof.tree_size).unwrap();
        let made = inclusion_proof(&hashes[..size], case.proof.index).unwrap();
        assert_eq!(made, case.proof);
        assert_eq!(root_from_leaf_hashes(&hashes[..size]), hash(&case.root));
        verify_inclusion(&hash(&case.leaf_hash), &case.proof, &hash(&case.root)).unwrap();
    }
}

#[test]
fn proofs_round_trip_through_json() {
    let raw: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
    let v = vectors();
    for (case, value) in v
        .inclusion_proofs
        .iter()
        .zip(raw["inclusion_proofs"].as_array().unwrap())
    {
        assert_eq!(serde_json::to_value(&case.proof).unwrap(), value["proof"]);
    }
}

#[test]
fn invalid_inclusion_proofs_are_rejected_with_the_stated_error() {
    let v = vectors();
    assert!(!v.invalid_inclusion_proofs.is_empty());
    for case in &v.invalid_inclusion_proofs {
        let got = verify_inclusion(&hash(&case.leaf_hash), &case.proof, &hash(&case.root));
        let ok = match case.error.as_str() {
            "IndexOutOfRange" => matches!(got, Err(MerkleError::IndexOutOfRange { .. })),
            "PathLength" => matches!(got, Err(MerkleError::PathLength { .. })),
            "RootMismatch" => matches!(got, Err(MerkleError::RootMismatch { .. })),
            other => panic!("unknown error kind {other}"),
        };
        assert!(ok, "{}: got {got:?}", case.comment);
    }
}
