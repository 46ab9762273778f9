//! RFC 6962 Merkle trees: leaf and node hashes, roots, a streaming builder,
//! and inclusion proofs (audit paths).
//!
//! The construction is exactly the Merkle Tree Hash (MTH) of RFC 6962 §2.1,
//! with SHA-256 and the domain-separation prefixes `0x00` (leaf) and `0x01`
//! (interior node). Inclusion proofs are the audit paths of RFC 6962 §2.1.1
//! and are verified with the iterative algorithm of RFC 9162 §2.1.3.2.
//! The normative description, including a worked example, is in
//! `docs/spec/merkle.md`.
//!
//! Nothing in this module panics on any input: malformed proofs, indices
//! outside the tree, `u64::MAX` sizes and over-long paths all yield a
//! [`MerkleError`].

use crate::hex;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A SHA-256 digest: a leaf hash, an interior node hash or a tree root.
pub type Hash = [u8; 32];

/// Domain-separation prefix of a leaf hash (RFC 6962 §2.1).
const LEAF_PREFIX: u8 = 0x00;
/// Domain-separation prefix of an interior node hash (RFC 6962 §2.1).
const NODE_PREFIX: u8 = 0x01;

/// The root of the empty tree: `SHA-256("")` (RFC 6962 `MTH({})`).
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// Most hashes an audit path can hold: a tree has at most `u64::MAX` leaves,
/// so at most 64 levels.
const MAX_PATH_LEN: usize = 64;

/// Errors from building Merkle trees and from making or checking proofs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MerkleError {
    /// The leaf index does not name a leaf of the tree (`index >= tree_size`).
    #[error("leaf index {index} is outside a tree of size {tree_size}")]
    IndexOutOfRange {
        /// The requested leaf index (zero-based).
        index: u64,
        /// The number of leaves in the tree.
        tree_size: u64,
    },
    /// The audit path is longer or shorter than this index and tree size require.
    #[error(
        "audit path has {actual} hashes but leaf {index} of a tree of size {tree_size} needs {expected}"
    )]
    PathLength {
        /// The leaf index of the proof.
        index: u64,
        /// The tree size of the proof.
        tree_size: u64,
        /// The number of hashes the path must have.
        expected: usize,
        /// The number of hashes the path has.
        actual: usize,
    },
    /// The root recomputed from the leaf hash and the path is not the expected root.
    #[error(
        "recomputed root {} does not match expected root {}",
        hex::encode(computed),
        hex::encode(expected)
    )]
    RootMismatch {
        /// The root recomputed from the leaf hash and the audit path.
        computed: Hash,
        /// The root the proof was checked against.
        expected: Hash,
    },
    /// The builder already holds `u64::MAX` leaves and cannot take another.
    #[error("the tree already holds the maximum of {} leaves", u64::MAX)]
    TreeFull,
}

/// Leaf hash of RFC 6962 §2.1: `SHA-256(0x00 || bytes)`.
#[must_use]
pub fn leaf_hash(bytes: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([LEAF_PREFIX]);
    hasher.update(bytes);
    hasher.finalize().into()
}

/// Interior node hash of RFC 6962 §2.1: `SHA-256(0x01 || left || right)`.
#[must_use]
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut buf = [0u8; 65];
    buf[0] = NODE_PREFIX;
    buf[1..33].copy_from_slice(left);
    buf[33..].copy_from_slice(right);
    Sha256::digest(buf).into()
}

/// The RFC 6962 Merkle Tree Hash of a list of leaf hashes.
///
/// `MTH({}) = SHA-256("")`, `MTH({d}) = d` (already a leaf hash), and for
/// `n > 1` leaves `MTH(D[n]) = node_hash(MTH(D[0:k]), MTH(D[k:n]))`, where `k`
/// is the largest power of two strictly less than `n`. Computed iteratively
/// with `O(log n)` extra memory; gives the same result as [`MerkleBuilder`].
#[must_use]
pub fn root_from_leaf_hashes(leaf_hashes: &[Hash]) -> Hash {
    let mut stack = Vec::with_capacity(MAX_PATH_LEN);
    for (count, hash) in (0u64..).zip(leaf_hashes) {
        absorb(&mut stack, count, *hash);
    }
    fold_stack(&stack)
}

/// Adds one leaf hash to a stack of perfect-subtree roots holding `count`
/// leaves (one root per set bit of `count`, largest subtree first).
///
/// Like incrementing a binary counter: every trailing one bit of `count` is a
/// subtree of the same size as the one being carried, so the two are merged.
fn absorb(stack: &mut Vec<Hash>, count: u64, leaf: Hash) {
    let mut carry = leaf;
    let mut bits = count;
    while bits & 1 == 1 {
        if let Some(left) = stack.pop() {
            carry = node_hash(&left, &carry);
        }
        bits >>= 1;
    }
    stack.push(carry);
}

/// Root of the tree whose perfect subtrees (largest first) are `stack`.
///
/// The left-balanced RFC 6962 tree of `n` leaves is the right fold of the
/// perfect subtrees given by the binary expansion of `n`.
fn fold_stack(stack: &[Hash]) -> Hash {
    let mut iter = stack.iter().rev();
    let Some(last) = iter.next() else {
        return EMPTY_ROOT;
    };
    iter.fold(*last, |right, left| node_hash(left, &right))
}

/// Streaming RFC 6962 tree builder with `O(log n)` memory.
///
/// Leaves are appended one at a time; the builder keeps only the roots of the
/// perfect subtrees that make up the tree so far (at most 64 hashes), so it
/// can commit to billions of leaves. [`root`](Self::root) is exactly
/// [`root_from_leaf_hashes`] of all leaf hashes pushed so far.
#[derive(Debug, Clone)]
pub struct MerkleBuilder {
    /// Roots of the perfect subtrees, largest (leftmost) first; one per set
    /// bit of `count`.
    stack: Vec<Hash>,
    /// Number of leaves pushed.
    count: u64,
}

impl Default for MerkleBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl MerkleBuilder {
    /// An empty builder (its root is [`EMPTY_ROOT`]).
    #[must_use]
    pub fn new() -> Self {
        Self {
            stack: Vec::with_capacity(MAX_PATH_LEN),
            count: 0,
        }
    }

    /// Appends a leaf given by its raw bytes; it is hashed with [`leaf_hash`].
    ///
    /// # Errors
    /// [`MerkleError::TreeFull`] if the builder already holds `u64::MAX` leaves.
    pub fn push_leaf(&mut self, bytes: &[u8]) -> Result<(), MerkleError> {
        self.push_leaf_hash(leaf_hash(bytes))
    }

    /// Appends a leaf given by its leaf hash (already `SHA-256(0x00 || bytes)`).
    ///
    /// # Errors
    /// [`MerkleError::TreeFull`] if the builder already holds `u64::MAX` leaves.
    pub fn push_leaf_hash(&mut self, hash: Hash) -> Result<(), MerkleError> {
        let next = self.count.checked_add(1).ok_or(MerkleError::TreeFull)?;
        absorb(&mut self.stack, self.count, hash);
        self.count = next;
        Ok(())
    }

    /// Appends the root of a perfect subtree of `2^height` leaves, as if its
    /// leaves had been pushed one by one. The builder's leaf count must be a
    /// multiple of `2^height` (the subtree starts on its own boundary), which
    /// is what lets subtrees hashed apart (on other threads) join the tree
    /// with the same root.
    pub(crate) fn push_subtree(&mut self, root: Hash, height: u32) -> Result<(), MerkleError> {
        let size = 1u64.checked_shl(height).ok_or(MerkleError::TreeFull)?;
        debug_assert_eq!(self.count % size, 0, "subtree off its boundary");
        let next = self.count.checked_add(size).ok_or(MerkleError::TreeFull)?;
        let mut carry = root;
        let mut bits = self.count >> height;
        while bits & 1 == 1 {
            if let Some(left) = self.stack.pop() {
                carry = node_hash(&left, &carry);
            }
            bits >>= 1;
        }
        self.stack.push(carry);
        self.count = next;
        Ok(())
    }

    /// Number of leaves pushed so far.
    #[must_use]
    pub fn len(&self) -> u64 {
        self.count
    }

    /// Whether no leaf has been pushed yet.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The RFC 6962 root of the leaves pushed so far (`O(log n)` hashes).
    #[must_use]
    pub fn root(&self) -> Hash {
        fold_stack(&self.stack)
    }

    /// Consumes the builder and returns the root of all leaves pushed.
    #[must_use]
    pub fn finish(self) -> Hash {
        self.root()
    }
}

/// An RFC 6962 inclusion proof (audit path) for one leaf.
///
/// In JSON the fields are `index`, `tree_size` (canonical decimal strings,
/// since they may exceed 2^53) and `path` (an array
/// of 64-character lowercase hex strings, bottom of the tree first); unknown
/// fields and non-canonical hex are rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionProof {
    /// Zero-based index of the leaf in the tree.
    #[serde(with = "crate::json::u64_string")]
    pub index: u64,
    /// Number of leaves in the tree.
    #[serde(with = "crate::json::u64_string")]
    pub tree_size: u64,
    /// Sibling hashes from the leaf's level up to just below the root.
    #[serde(with = "hex_path")]
    pub path: Vec<Hash>,
}

/// Largest power of two strictly less than `n`; requires `n >= 2`.
fn split_point(n: usize) -> usize {
    // n - 1 >= 1, so its highest set bit exists.
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// Builds the audit path of RFC 6962 §2.1.1 for leaf `index` of the tree
/// whose leaf hashes are `leaf_hashes`.
///
/// Takes `O(n)` hashes (each sibling subtree root is recomputed).
///
/// # Errors
/// [`MerkleError::IndexOutOfRange`] if `index >= leaf_hashes.len()`.
pub fn inclusion_proof(leaf_hashes: &[Hash], index: u64) -> Result<InclusionProof, MerkleError> {
    let tree_size = leaf_hashes.len() as u64;
    let out_of_range = MerkleError::IndexOutOfRange { index, tree_size };
    let target = usize::try_from(index).map_err(|_| out_of_range.clone())?;
    if target >= leaf_hashes.len() {
        return Err(out_of_range);
    }
    // Walk down from the root, recording the sibling at each level; the
    // current subtree is leaf_hashes[lo..hi] and always contains `target`.
    let mut path = Vec::with_capacity(MAX_PATH_LEN);
    let (mut lo, mut hi) = (0usize, leaf_hashes.len());
    while hi - lo > 1 {
        let mid = lo + split_point(hi - lo);
        if target < mid {
            path.push(root_from_leaf_hashes(&leaf_hashes[mid..hi]));
            hi = mid;
        } else {
            path.push(root_from_leaf_hashes(&leaf_hashes[lo..mid]));
            lo = mid;
        }
    }
    path.reverse();
    Ok(InclusionProof {
        index,
        tree_size,
        path,
    })
}

/// Number of hashes in the audit path of leaf `index` in a tree of
/// `tree_size` leaves; requires `index < tree_size`.
///
/// The path has one hash per level where the leaf's and the last leaf's
/// ancestors differ (`inner`), plus one per left sibling above that level
/// (`border`).
fn expected_path_len(index: u64, tree_size: u64) -> usize {
    let last = tree_size - 1;
    let inner = u64::BITS - (index ^ last).leading_zeros();
    // `inner` can be 64 (e.g. index 0 of a tree of u64::MAX leaves), where
    // a plain shift would overflow; nothing is left above that level.
    let border = index.checked_shr(inner).map_or(0, u64::count_ones);
    // Both are at most 64.
    (inner + border) as usize
}

/// Verifies that `leaf_hash` is leaf `proof.index` of the tree of
/// `proof.tree_size` leaves with root `root` (RFC 9162 §2.1.3.2).
///
/// The path length is checked before any hashing, so an over-long path is
/// rejected in constant time.
///
/// # Security
/// An RFC 6962 root commits to the leaves but not to the number of leaves: a
/// valid path can also be well formed, and verify, for some other
/// `tree_size` (for example leaf 0 of a 5-leaf tree under size 6). The
/// caller must check `proof.tree_size` against the tree size it trusts (the
/// one published or signed together with `root`); this function only checks
/// that the proof is consistent with the size it states.
///
/// # Errors
/// - [`MerkleError::IndexOutOfRange`] if `proof.index >= proof.tree_size`;
/// - [`MerkleError::PathLength`] if the path is too long or too short;
/// - [`MerkleError::RootMismatch`] if the recomputed root differs from `root`.
pub fn verify_inclusion(
    leaf_hash: &Hash,
    proof: &InclusionProof,
    root: &Hash,
) -> Result<(), MerkleError> {
    let InclusionProof {
        index,
        tree_size,
        ref path,
    } = *proof;
    // Step 1.
    if index >= tree_size {
        return Err(MerkleError::IndexOutOfRange { index, tree_size });
    }
    let expected = expected_path_len(index, tree_size);
    let length_error = MerkleError::PathLength {
        index,
        tree_size,
        expected,
        actual: path.len(),
    };
    if path.len() != expected {
        return Err(length_error);
    }
    // Steps 2-3. The length was checked above, so the `snode` checks in
    // steps 4a and 5 cannot fail; they stay as in RFC 9162 as a second guard.
    let mut fnode = index;
    let mut snode = tree_size - 1;
    let mut r = *leaf_hash;
    // Step 4.
    for p in path {
        if snode == 0 {
            return Err(length_error);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    // Step 5.
    if snode != 0 {
        return Err(length_error);
    }
    if r != *root {
        return Err(MerkleError::RootMismatch {
            computed: r,
            expected: *root,
        });
    }
    Ok(())
}

/// Serde adaptor for a `Vec<Hash>` as an array of lowercase hex strings.
pub(crate) mod hex_path {
    use crate::commitment::merkle::Hash;
    use crate::commitment::merkle::MAX_PATH_LEN;
    use crate::hex::{decode_array, encode};
    use serde::de::{self, Deserializer, SeqAccess, Visitor};
    use serde::ser::{SerializeSeq, Serializer};
    use std::fmt;

    /// Serialises hashes as an array of lowercase hex strings.
    pub(crate) fn serialize<S: Serializer>(
        path: &[Hash],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(path.len()))?;
        for hash in path {
            seq.serialize_element(&encode(hash))?;
        }
        seq.end()
    }

    /// One hash as a hex string.
    struct HexHash(Hash);

    impl<'de> de::Deserialize<'de> for HexHash {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct HashVisitor;
            impl Visitor<'_> for HashVisitor {
                type Value = HexHash;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a SHA-256 hash as 64 lowercase hex digits")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<HexHash, E> {
                    decode_array(v)
                        .map(HexHash)
                        .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
            deserializer.deserialize_str(HashVisitor)
        }
    }

    /// Deserialises an array of lowercase hex strings into hashes.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<Hash>, D::Error> {
        struct PathVisitor;
        impl<'de> Visitor<'de> for PathVisitor {
            type Value = Vec<Hash>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of at most 64 hex-encoded SHA-256 hashes")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Hash>, A::Error> {
                let mut out = Vec::new();
                while let Some(HexHash(hash)) = seq.next_element()? {
                    if out.len() == MAX_PATH_LEN {
                        return Err(de::Error::invalid_length(out.len() + 1, &self));
                    }
                    out.push(hash);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_seq(PathVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Straight transcription of the recursive RFC 6962 definition.
    fn mth(d: &[Hash]) -> Hash {
        match d.len() {
            0 => Sha256::digest(b"").into(),
            1 => d[0],
            n => {
                let k = split_point(n);
                node_hash(&mth(&d[..k]), &mth(&d[k..]))
            }
        }
    }

    /// Straight transcription of the recursive RFC 6962 PATH definition.
    fn path_ref(m: usize, d: &[Hash]) -> Vec<Hash> {
        let n = d.len();
        if n <= 1 {
            return Vec::new();
        }
        let k = split_point(n);
        let mut p;
        if m < k {
            p = path_ref(m, &d[..k]);
            p.push(mth(&d[k..]));
        } else {
            p = path_ref(m - k, &d[k..]);
            p.push(mth(&d[..k]));
        }
        p
    }

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n as u64).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    fn from_hex(s: &str) -> Hash {
        hex::decode_array(s).unwrap()
    }

    /// The RFC 6962 / certificate-transparency reference leaves.
    const REF_LEAVES: [&[u8]; 8] = [
        b"",
        b"\x00",
        b"\x10",
        b"\x20\x21",
        b"\x30\x31",
        b"\x40\x41\x42\x43",
        b"\x50\x51\x52\x53\x54\x55\x56\x57",
        b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
    ];

    #[test]
    fn empty_root_is_sha256_of_nothing() {
        let h: Hash = Sha256::digest(b"").into();
        assert_eq!(EMPTY_ROOT, h);
        assert_eq!(root_from_leaf_hashes(&[]), EMPTY_ROOT);
        assert_eq!(MerkleBuilder::new().finish(), EMPTY_ROOT);
        assert!(MerkleBuilder::default().is_empty());
    }

    #[test]
    fn hash_prefixes() {
        let mut buf = vec![0x00];
        buf.extend_from_slice(b"abc");
        assert_eq!(leaf_hash(b"abc"), <Hash>::from(Sha256::digest(&buf)));
        let (l, r) = ([7u8; 32], [9u8; 32]);
        let mut buf = vec![0x01];
        buf.extend_from_slice(&l);
        buf.extend_from_slice(&r);
        assert_eq!(node_hash(&l, &r), <Hash>::from(Sha256::digest(&buf)));
    }

    #[test]
    fn reference_roots_known_prefixes() {
        let hashes: Vec<Hash> = REF_LEAVES.iter().map(|l| leaf_hash(l)).collect();
        assert_eq!(
            hex::encode(&root_from_leaf_hashes(&hashes[..1])),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
        assert_eq!(
            hex::encode(&root_from_leaf_hashes(&hashes)),
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
        );
        let mut b = MerkleBuilder::new();
        for l in REF_LEAVES {
            b.push_leaf(l).unwrap();
        }
        assert_eq!(b.len(), 8);
        assert_eq!(b.finish(), root_from_leaf_hashes(&hashes));
    }

    #[test]
    fn reference_inclusion_proofs_from_trillian() {
        // google/trillian merkle/log_verifier_test.go (there 1-based leaf numbers).
        let hashes: Vec<Hash> = REF_LEAVES.iter().map(|l| leaf_hash(l)).collect();
        let cases: [(u64, usize, &[&str]); 4] = [
            (
                0,
                8,
                &[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                5,
                8,
                &[
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
            (
                2,
                3,
                &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
            ),
            (
                1,
                5,
                &[
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ],
            ),
        ];
        for (index, size, want) in cases {
            let proof = inclusion_proof(&hashes[..size], index).unwrap();
            let want: Vec<Hash> = want.iter().map(|s| from_hex(s)).collect();
            assert_eq!(proof.path, want);
            let root = root_from_leaf_hashes(&hashes[..size]);
            verify_inclusion(&hashes[index as usize], &proof, &root).unwrap();
        }
    }

    #[test]
    fn builder_at_power_of_two_boundaries() {
        for k in 0..=10u32 {
            let p = 1usize << k;
            for n in [p.saturating_sub(1), p, p + 1] {
                let hs = leaves(n);
                let mut b = MerkleBuilder::new();
                for h in &hs {
                    b.push_leaf_hash(*h).unwrap();
                }
                assert_eq!(b.len(), n as u64);
                assert_eq!(b.stack.len(), n.count_ones() as usize);
                assert_eq!(b.root(), mth(&hs), "n = {n}");
                assert_eq!(root_from_leaf_hashes(&hs), mth(&hs), "n = {n}");
            }
        }
    }

    #[test]
    fn builder_root_is_a_snapshot() {
        let hs = leaves(37);
        let mut b = MerkleBuilder::new();
        for (i, h) in hs.iter().enumerate() {
            assert_eq!(b.root(), mth(&hs[..i]));
            b.push_leaf_hash(*h).unwrap();
        }
        assert_eq!(b.root(), mth(&hs));
    }

    #[test]
    fn builder_refuses_leaf_past_u64_max() {
        let mut b = MerkleBuilder::new();
        b.count = u64::MAX;
        b.stack = vec![[0u8; 32]; 64];
        assert_eq!(b.push_leaf(b"x"), Err(MerkleError::TreeFull));
        assert_eq!(b.len(), u64::MAX);
        let _ = b.root();
    }

    #[test]
    fn proof_index_out_of_range() {
        assert_eq!(
            inclusion_proof(&[], 0),
            Err(MerkleError::IndexOutOfRange {
                index: 0,
                tree_size: 0
            })
        );
        let hs = leaves(3);
        for index in [3, 4, u64::MAX] {
            assert_eq!(
                inclusion_proof(&hs, index),
                Err(MerkleError::IndexOutOfRange {
                    index,
                    tree_size: 3
                })
            );
        }
    }

    #[test]
    fn verify_rejects_degenerate_sizes_without_panicking() {
        let h = [0u8; 32];
        for (index, tree_size) in [(0, 0), (1, 0), (u64::MAX, 0), (u64::MAX, u64::MAX), (5, 5)] {
            let proof = InclusionProof {
                index,
                tree_size,
                path: vec![],
            };
            assert_eq!(
                verify_inclusion(&h, &proof, &h),
                Err(MerkleError::IndexOutOfRange { index, tree_size })
            );
        }
        // Largest possible trees: path of 64 hashes for any index.
        for (index, tree_size) in [(0, u64::MAX), (u64::MAX - 1, u64::MAX), (1 << 63, u64::MAX)] {
            let want = expected_path_len(index, tree_size);
            for len in [0, want.saturating_sub(1), want, want + 1, 1000] {
                let proof = InclusionProof {
                    index,
                    tree_size,
                    path: vec![[1u8; 32]; len],
                };
                let err = verify_inclusion(&h, &proof, &h).unwrap_err();
                if len == want {
                    assert!(matches!(err, MerkleError::RootMismatch { .. }));
                } else {
                    assert!(matches!(err, MerkleError::PathLength { .. }));
                }
            }
        }
        // A one-leaf tree: the root is the leaf hash and the path is empty.
        let one = InclusionProof {
            index: 0,
            tree_size: 1,
            path: vec![],
        };
        assert_eq!(verify_inclusion(&h, &one, &h), Ok(()));
    }

    #[test]
    fn expected_len_matches_generated_paths() {
        for n in 1..=70usize {
            let hs = leaves(n);
            for m in 0..n {
                let p = inclusion_proof(&hs, m as u64).unwrap();
                assert_eq!(p.path, path_ref(m, &hs), "m = {m}, n = {n}");
                assert_eq!(p.path.len(), expected_path_len(m as u64, n as u64));
            }
        }
    }

    /// RFC 6962 roots commit to the leaves, not to the tree size: the audit
    /// path of leaf 0 in a tree of 5 leaves is also a well-formed path for a
    /// tree of 6 and recomputes the same root. Callers must take the tree
    /// size from the signed commitment, not from the proof.
    #[test]
    fn root_does_not_bind_tree_size() {
        let hs = leaves(5);
        let root = mth(&hs);
        let proof = inclusion_proof(&hs, 0).unwrap();
        let relabelled = InclusionProof {
            tree_size: 6,
            ..proof.clone()
        };
        assert_eq!(verify_inclusion(&hs[0], &relabelled, &root), Ok(()));
        // A size whose path shape differs is caught.
        let relabelled = InclusionProof {
            tree_size: 9,
            ..proof
        };
        assert!(verify_inclusion(&hs[0], &relabelled, &root).is_err());
    }

    #[test]
    fn json_format() {
        let hs = leaves(3);
        let proof = inclusion_proof(&hs, 2).unwrap();
        let json = serde_json::to_string(&proof).unwrap();
        assert_eq!(
            json,
            format!(
                r#"{{"index":"2","tree_size":"3","path":["{}"]}}"#,
                hex::encode(&node_hash(&hs[0], &hs[1]))
            )
        );
        let back: InclusionProof = serde_json::from_str(&json).unwrap();
        assert_eq!(back, proof);

        let good = "00".repeat(32);
        let bad = [
            "AA".repeat(32), // uppercase is not canonical
            "0".repeat(63),  // short
            "0".repeat(65),  // long
            format!("{}g", "0".repeat(63)),
            format!("{}é", "0".repeat(62)), // non-ASCII, 64 bytes
        ];
        for b in &bad {
            let text = format!(r#"{{"index":"0","tree_size":"2","path":["{b}"]}}"#);
            assert!(
                serde_json::from_str::<InclusionProof>(&text).is_err(),
                "{b}"
            );
        }
        let extra = format!(r#"{{"index":"0","tree_size":"2","path":["{good}"],"x":1}}"#);
        assert!(serde_json::from_str::<InclusionProof>(&extra).is_err());
        let long: Vec<String> = (0..65).map(|_| format!("\"{good}\"")).collect();
        let text = format!(
            r#"{{"index":"0","tree_size":"2","path":[{}]}}"#,
            long.join(",")
        );
        assert!(serde_json::from_str::<InclusionProof>(&text).is_err());
        let missing = r#"{"index":"0","tree_size":"2"}"#;
        assert!(serde_json::from_str::<InclusionProof>(missing).is_err());
    }

    #[test]
    fn error_messages_name_the_data() {
        let e = MerkleError::RootMismatch {
            computed: [0xab; 32],
            expected: [0xcd; 32],
        };
        let s = e.to_string();
        assert!(s.contains(&"ab".repeat(32)) && s.contains(&"cd".repeat(32)));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn builder_matches_recursive_definition(n in 0usize..300, seed: u64) {
            let hs: Vec<Hash> = (0..n as u64)
                .map(|i| leaf_hash(&(i ^ seed).to_le_bytes()))
                .collect();
            let mut b = MerkleBuilder::new();
            for h in &hs {
                b.push_leaf_hash(*h).unwrap();
            }
            let want = mth(&hs);
            prop_assert_eq!(b.root(), want);
            prop_assert_eq!(root_from_leaf_hashes(&hs), want);
        }

        #[test]
        fn every_proof_verifies_and_tampering_fails(
            n in 1usize..300,
            seed: u64,
            pick: prop::sample::Index,
            flip_byte in 0usize..32,
            flip_bit in 0u8..8,
        ) {
            let hs: Vec<Hash> = (0..n as u64)
                .map(|i| leaf_hash(&(i.wrapping_mul(seed | 1)).to_le_bytes()))
                .collect();
            let root = mth(&hs);
            for (m, leaf) in hs.iter().enumerate() {
                let proof = inclusion_proof(&hs, m as u64).unwrap();
                prop_assert_eq!(proof.tree_size, n as u64);
                prop_assert_eq!(verify_inclusion(leaf, &proof, &root), Ok(()));
            }

            let m = pick.index(n);
            let leaf = hs[m];
            let proof = inclusion_proof(&hs, m as u64).unwrap();

            // Every single-bit change of any path element is caught.
            for i in 0..proof.path.len() {
                let mut t = proof.clone();
                t.path[i][flip_byte] ^= 1 << flip_bit;
                let is_mismatch = matches!(
                    verify_inclusion(&leaf, &t, &root),
                    Err(MerkleError::RootMismatch { .. })
                );
                prop_assert!(is_mismatch);
            }
            // Any other index in range fails; out of range is reported as such.
            for other in 0..n as u64 + 2 {
                if other == m as u64 {
                    continue;
                }
                let t = InclusionProof { index: other, ..proof.clone() };
                prop_assert!(verify_inclusion(&leaf, &t, &root).is_err());
            }
            // A tree size that does not contain the index fails. (Other sizes
            // may verify: the root does not bind the size, see
            // `root_does_not_bind_tree_size`.)
            for size in [0, m as u64] {
                let t = InclusionProof { tree_size: size, ..proof.clone() };
                prop_assert_eq!(
                    verify_inclusion(&leaf, &t, &root),
                    Err(MerkleError::IndexOutOfRange { index: m as u64, tree_size: size })
                );
            }
            // Wrong leaf and wrong root fail.
            let mut other_leaf = leaf;
            other_leaf[flip_byte] ^= 1 << flip_bit;
            prop_assert!(verify_inclusion(&other_leaf, &proof, &root).is_err());
            prop_assert!(verify_inclusion(&leaf, &proof, &EMPTY_ROOT).is_err());
        }

        #[test]
        fn wrong_length_paths_fail(n in 1usize..300, pick: prop::sample::Index, extra: Hash) {
            let hs: Vec<Hash> = (0..n as u64).map(|i| leaf_hash(&i.to_le_bytes())).collect();
            let root = mth(&hs);
            let m = pick.index(n);
            let proof = inclusion_proof(&hs, m as u64).unwrap();
            let len = proof.path.len();
            let mut variants = Vec::new();
            let mut t = proof.clone();
            t.path.push(extra);
            variants.push(t);
            let mut t = proof.clone();
            t.path.push(root);
            variants.push(t);
            let mut t = proof.clone();
            t.path.insert(0, extra);
            variants.push(t);
            if len > 0 {
                let mut t = proof.clone();
                t.path.pop();
                variants.push(t);
                let mut t = proof.clone();
                t.path.remove(0);
                variants.push(t);
            }
            for t in variants {
                let err = verify_inclusion(&hs[m], &t, &root);
                prop_assert_eq!(
                    err,
                    Err(MerkleError::PathLength {
                        index: m as u64,
                        tree_size: n as u64,
                        expected: len,
                        actual: t.path.len(),
                    })
                );
            }
        }
    }
}
