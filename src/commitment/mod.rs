//! Register commitments: RFC 6962 Merkle roots over canonical leaf bytes.
//!
//! Entities are committed in canonical order (credit class, then USCC bytes),
//! so leaf index `i` belongs to class `c` exactly when
//! `start(c) <= i < start(c) + n_c`, and its rank in the class is
//! `i - start(c)`. An inclusion proof therefore proves class and rank too.
//!
//! The entity leaf depends on the format version of the commitment it is
//! for (version 2 commits the registration status and target types), so
//! every entity root is computed for a [`FormatVersion`].

pub(crate) mod leaf;
pub(crate) mod merkle;

pub use leaf::{
    CONFLICT_LEAF_TAG, ENTITY_LEAF_TAG, ENTITY_LEAF_TAG_V2, FieldTooLong, INSPECTOR_LEAF_TAG,
    ITEM_LEAF_TAG, conflict_leaf, entity_leaf, inspector_leaf, item_leaf,
};
pub use merkle::{
    EMPTY_ROOT, Hash, InclusionProof, MerkleBuilder, MerkleError, inclusion_proof, leaf_hash,
    node_hash, root_from_leaf_hashes, verify_inclusion,
};

use serde::{Deserialize, Serialize};

use crate::records::FormatVersion;
use crate::registers::credit::CreditClass;
use crate::registers::uscc::Uscc;
use crate::registers::{
    CheckItemList, ConflictRegister, Entity, EntityPosition, EntityRegister, InspectorRegister,
    RegistrationStatus,
};

/// Why a register could not be committed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CommitError {
    /// A field is too long to encode.
    #[error(transparent)]
    FieldTooLong(#[from] FieldTooLong),
    /// The tree cannot take more leaves.
    #[error(transparent)]
    Merkle(#[from] MerkleError),
    /// Streaming input was not in canonical order (class, then USCC), or repeated an entity.
    #[error(
        "entity {uscc} (class {class}) comes after {previous_uscc} (class {previous_class}); entities must be streamed in canonical order without repeats"
    )]
    OutOfOrder {
        /// The entity out of place.
        uscc: Uscc,
        /// Its class.
        class: CreditClass,
        /// The entity before it.
        previous_uscc: Uscc,
        /// Its class.
        previous_class: CreditClass,
    },
}

/// Root and size of a committed register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RegisterRoot {
    /// RFC 6962 Merkle tree head.
    pub root: Hash,
    /// Number of leaves.
    pub size: u64,
}

/// Root of the entity register with its size per credit class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EntityCommitment {
    /// RFC 6962 Merkle tree head over the entity leaves in canonical order.
    pub root: Hash,
    /// Number of entities per class A..D (the stratum sizes the draw uses).
    pub class_sizes: [u64; 4],
}

impl EntityCommitment {
    /// Total number of entities; `None` when the class sizes (as a
    /// commitment record may state them) overflow a `u64`.
    pub fn size(&self) -> Option<u64> {
        self.class_sizes
            .iter()
            .try_fold(0u64, |acc, &n| acc.checked_add(n))
    }

    /// Index of the first leaf of `class`; `None` on overflow.
    pub fn class_start(&self, class: CreditClass) -> Option<u64> {
        self.class_sizes[..class.index()]
            .iter()
            .try_fold(0u64, |acc, &n| acc.checked_add(n))
    }

    /// The class and rank of leaf `index`, if it is in the tree.
    pub fn locate(&self, index: u64) -> Option<(CreditClass, u64)> {
        let mut start = 0u64;
        for c in CreditClass::ALL {
            let n = self.class_sizes[c.index()];
            if index < start.checked_add(n)? {
                return Some((c, index - start));
            }
            start += n;
        }
        None
    }
}

/// Streams entities in canonical order into an entity commitment, in
/// O(log n) memory: a national register need not fit in memory.
#[derive(Clone, Debug)]
pub struct EntityCommitter {
    version: FormatVersion,
    tree: MerkleBuilder,
    class_sizes: [u64; 4],
    last: Option<(CreditClass, Uscc)>,
    buf: Vec<u8>,
}

impl EntityCommitter {
    /// An empty committer with the entity leaves of `version`.
    pub fn new(version: FormatVersion) -> Self {
        EntityCommitter {
            version,
            tree: MerkleBuilder::new(),
            class_sizes: [0; 4],
            last: None,
            buf: Vec::new(),
        }
    }

    /// The format version whose leaves it commits.
    pub fn version(&self) -> FormatVersion {
        self.version
    }

    /// Adds the next entity; it must come strictly after the previous one in
    /// (class, USCC bytes) order.
    pub fn push(&mut self, e: &Entity) -> Result<(), CommitError> {
        let key = (e.credit_class, e.uscc);
        if let Some(prev) = self.last
            && prev >= key
        {
            return Err(CommitError::OutOfOrder {
                uscc: e.uscc,
                class: e.credit_class,
                previous_uscc: prev.1,
                previous_class: prev.0,
            });
        }
        entity_leaf(e, self.version, &mut self.buf)?;
        self.tree.push_leaf(&self.buf)?;
        self.class_sizes[e.credit_class.index()] += 1;
        self.last = Some(key);
        Ok(())
    }

    /// The commitment to everything pushed.
    pub fn finish(self) -> EntityCommitment {
        EntityCommitment {
            root: self.tree.finish(),
            class_sizes: self.class_sizes,
        }
    }
}

/// Commits an entity register with the entity leaves of `version` (the
/// format version of the commitment the root is for).
///
/// The register keeps its commitment for each version once computed, so
/// committing it again is free (a register read from a file in canonical
/// order is committed as it is read); a call made while another thread
/// commits the register waits for that thread's result.
pub fn commit_entities(
    register: &EntityRegister,
    version: FormatVersion,
) -> Result<EntityCommitment, CommitError> {
    commit_entities_with_threads(register, version, default_threads())
}

/// Commits an entity register like [`commit_entities`], hashing on up to
/// `threads` threads (0 counts as 1). The root and class sizes are exactly
/// those of one thread, whatever `threads` is: every thread hashes whole
/// perfect subtrees of 2^14 leaves, which join the tree in order.
///
/// [`commit_entities`] calls this with one thread, or with feature
/// `parallel` with as many as [`std::thread::available_parallelism`]
/// gives (the cores the process may run on).
pub fn commit_entities_with_threads(
    register: &EntityRegister,
    version: FormatVersion,
    threads: usize,
) -> Result<EntityCommitment, CommitError> {
    // A second caller while the first hashes waits for its result rather
    // than hashing the register again (a caller may start the commitment
    // on a thread of its own ahead of need).
    register
        .commitment_cache(version)
        .get_or_init(|| commit_entity_slice(register.entities(), version, threads))
        .clone()
}

/// The threads [`commit_entities`] hashes on: one, or with feature
/// `parallel` the cores the process may run on.
fn default_threads() -> usize {
    #[cfg(feature = "parallel")]
    {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    }
    #[cfg(not(feature = "parallel"))]
    {
        1
    }
}

/// Leaves per subtree a thread hashes at a time: 2^14 (about 0.2 MB of leaf
/// bytes), so a million entities give 61 pieces to share out.
const SUBTREE_HEIGHT: u32 = 14;

/// Commits entities given in canonical order (class, then USCC bytes, no
/// repeats), on up to `threads` threads (0 counts as 1), without the
/// register's cache. The result, and the first error when there is one
/// (the first entity out of order or with a field too long, in order), are
/// those of pushing the entities one by one into an [`EntityCommitter`].
pub fn commit_entity_slice(
    entities: &[Entity],
    version: FormatVersion,
    threads: usize,
) -> Result<EntityCommitment, CommitError> {
    commit_slice(entities, version, threads, SUBTREE_HEIGHT)
}

fn commit_slice(
    entities: &[Entity],
    version: FormatVersion,
    threads: usize,
    height: u32,
) -> Result<EntityCommitment, CommitError> {
    let piece = 1usize << height;
    let pieces = entities.len() / piece;
    let workers = threads.clamp(1, pieces.max(1));
    let mut tree = MerkleBuilder::new();
    let mut buf = Vec::new();
    if workers > 1 {
        // Each worker takes the next piece not yet taken (a worker slowed
        // by other work takes fewer) until one fails; the roots are then
        // joined in piece order, so the first error is the first in order.
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
        let next = AtomicUsize::new(0);
        let failed = AtomicBool::new(false);
        let mut roots: Vec<(usize, Result<Hash, CommitError>)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    s.spawn(|| {
                        let mut buf = Vec::new();
                        let mut done = Vec::new();
                        while !failed.load(Relaxed) {
                            let p = next.fetch_add(1, Relaxed);
                            if p >= pieces {
                                break;
                            }
                            let root = subtree_root(entities, p * piece, piece, version, &mut buf);
                            failed.fetch_or(root.is_err(), Relaxed);
                            done.push((p, root));
                        }
                        done
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        roots.sort_unstable_by_key(|(p, _)| *p);
        // Pieces after a failing one may not have been hashed; every piece
        // before the first failing one was.
        for (_, root) in roots {
            tree.push_subtree(root?, height)?;
        }
    }
    let done = if workers > 1 { pieces * piece } else { 0 };
    for i in done..entities.len() {
        check_order(entities, i)?;
        entity_leaf(&entities[i], version, &mut buf)?;
        tree.push_leaf(&buf)?;
    }
    let mut class_sizes = [0u64; 4];
    for e in entities {
        class_sizes[e.credit_class.index()] += 1;
    }
    Ok(EntityCommitment {
        root: tree.finish(),
        class_sizes,
    })
}

/// The root of the perfect subtree over `entities[start..start + len]`.
fn subtree_root(
    entities: &[Entity],
    start: usize,
    len: usize,
    version: FormatVersion,
    buf: &mut Vec<u8>,
) -> Result<Hash, CommitError> {
    let mut tree = MerkleBuilder::new();
    for i in start..start + len {
        check_order(entities, i)?;
        entity_leaf(&entities[i], version, buf)?;
        tree.push_leaf(buf)?;
    }
    Ok(tree.finish())
}

/// [`EntityCommitter::push`]'s order rule for `entities[i]` after `entities[i - 1]`.
fn check_order(entities: &[Entity], i: usize) -> Result<(), CommitError> {
    let Some(prev) = i.checked_sub(1).map(|j| &entities[j]) else {
        return Ok(());
    };
    let e = &entities[i];
    if (prev.credit_class, prev.uscc) >= (e.credit_class, e.uscc) {
        return Err(CommitError::OutOfOrder {
            uscc: e.uscc,
            class: e.credit_class,
            previous_uscc: prev.uscc,
            previous_class: prev.credit_class,
        });
    }
    Ok(())
}

fn root_of<T>(
    items: &[T],
    mut leaf: impl FnMut(&T, &mut Vec<u8>) -> Result<(), FieldTooLong>,
) -> Result<RegisterRoot, CommitError> {
    let mut tree = MerkleBuilder::new();
    let mut buf = Vec::new();
    for x in items {
        leaf(x, &mut buf)?;
        tree.push_leaf(&buf)?;
    }
    Ok(RegisterRoot {
        size: tree.len(),
        root: tree.finish(),
    })
}

/// Commits an inspector register (leaves in id order).
pub fn commit_inspectors(register: &InspectorRegister) -> Result<RegisterRoot, CommitError> {
    root_of(register.inspectors(), inspector_leaf)
}

/// Commits the declared conflicts with a salt (see [`conflict_leaf`]).
pub fn commit_conflicts(
    register: &ConflictRegister,
    salt: &[u8],
) -> Result<RegisterRoot, CommitError> {
    root_of(register.conflicts(), |c, out| conflict_leaf(c, salt, out))
}

/// Commits a check-item list (leaves in id order).
pub fn commit_items(list: &CheckItemList) -> Result<RegisterRoot, CommitError> {
    root_of(list.items(), item_leaf)
}

/// Proof that one entity was in a committed register, with its class and rank.
///
/// Anyone holding the proof and the commitment (root and class sizes, from the
/// signed commitment record) can check it alone with [`EntityProof::verify`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityProof {
    /// The entity as committed (its leaf is recomputed from these fields).
    pub entity: ProvenEntity,
    /// Its rank within its class.
    #[serde(with = "crate::json::u64_string")]
    pub rank: u64,
    /// The RFC 6962 inclusion proof of its leaf.
    pub proof: InclusionProof,
}

/// The entity fields an [`EntityProof`] carries: those its leaf commits.
/// A proof into a version-2 pool carries `status` and `target_types`; a
/// proof into a version-1 register carries neither (and its JSON has no such
/// members).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvenEntity {
    /// USCC.
    pub uscc: Uscc,
    /// Name.
    pub name: String,
    /// Credit class.
    pub credit_class: CreditClass,
    /// Region code.
    pub region: String,
    /// Industry.
    pub industry: String,
    /// Registration status (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<RegistrationStatus>,
    /// Target types, sorted by bytes, each once (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_types: Option<Vec<String>>,
}

impl ProvenEntity {
    /// The fields of `e` a leaf of `version` commits.
    pub fn new(e: &Entity, version: FormatVersion) -> Self {
        let v2 = version != FormatVersion::V1;
        ProvenEntity {
            uscc: e.uscc,
            name: e.name().to_owned(),
            credit_class: e.credit_class,
            region: e.region().to_owned(),
            industry: e.industry().to_owned(),
            status: v2.then(|| e.status()),
            target_types: v2.then(|| e.target_types().to_vec()),
        }
    }

    /// Whether it carries exactly the fields a leaf of `version` commits.
    pub fn fits(&self, version: FormatVersion) -> bool {
        let v2 = version != FormatVersion::V1;
        let sorted = self
            .target_types
            .as_ref()
            .is_none_or(|t| t.windows(2).all(|w| w[0] < w[1]));
        self.status.is_some() == v2 && self.target_types.is_some() == v2 && sorted
    }
}

impl From<&ProvenEntity> for Entity {
    fn from(e: &ProvenEntity) -> Self {
        let entity = Entity::new(
            e.uscc,
            e.name.as_str(),
            e.credit_class,
            e.region.as_str(),
            e.industry.as_str(),
        )
        .with_status(e.status.unwrap_or_default());
        match &e.target_types {
            Some(t) if !t.is_empty() => entity.with_target_types(t.iter().cloned()),
            _ => entity,
        }
    }
}

/// Why an entity proof does not hold.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// The entity is not in the register the proof is asked from.
    #[error("entity {uscc} is not in the register")]
    NotInRegister {
        /// The code asked for.
        uscc: Uscc,
    },
    /// The proof's tree size is not the committed register size.
    #[error("proof is for a tree of {proof} leaves, the commitment has {committed}")]
    TreeSize {
        /// Size in the proof.
        proof: u64,
        /// Size committed.
        committed: u64,
    },
    /// The committed class sizes add up to more than a `u64` holds.
    #[error("the committed class sizes add up to more than 2^64 - 1")]
    ClassSizes,
    /// The leaf index does not fall in the stated class at the stated rank.
    #[error("leaf {index} is not rank {rank} of class {class} under the committed class sizes")]
    Position {
        /// Leaf index in the proof.
        index: u64,
        /// Class stated.
        class: CreditClass,
        /// Rank stated.
        rank: u64,
    },
    /// The proven entity carries fields its commitment's leaf does not
    /// commit, lacks some it does, or lists target types out of order.
    #[error(
        "the proof's entity does not have the fields a leaf of format {version} commits (status and target types in version 2 only, target types sorted by bytes, each once)"
    )]
    EntityFields {
        /// The commitment's format version.
        version: FormatVersion,
    },
    /// A leaf could not be encoded.
    #[error(transparent)]
    Commit(#[from] CommitError),
    /// The Merkle path does not lead to the committed root.
    #[error(transparent)]
    Merkle(#[from] MerkleError),
}

/// Leaf hashes of an entity register in canonical order, with the leaves of
/// `version` (what proofs are cut from).
pub fn entity_leaf_hashes(
    register: &EntityRegister,
    version: FormatVersion,
) -> Result<Vec<Hash>, CommitError> {
    let mut buf = Vec::new();
    register
        .entities()
        .iter()
        .map(|e| {
            entity_leaf(e, version, &mut buf)?;
            Ok(leaf_hash(&buf))
        })
        .collect()
}

/// Proves one entity's membership, class and rank.
///
/// `leaf_hashes` must be [`entity_leaf_hashes`] of the same register and
/// `version`.
pub fn prove_entity(
    register: &EntityRegister,
    leaf_hashes: &[Hash],
    uscc: &Uscc,
    version: FormatVersion,
) -> Result<EntityProof, ProofError> {
    let entity = register
        .get(uscc)
        .ok_or(ProofError::NotInRegister { uscc: *uscc })?;
    let EntityPosition { index, rank, .. } = register
        .position(uscc)
        .ok_or(ProofError::NotInRegister { uscc: *uscc })?;
    Ok(EntityProof {
        entity: ProvenEntity::new(entity, version),
        rank,
        proof: inclusion_proof(leaf_hashes, index)?,
    })
}

impl EntityProof {
    /// Checks the proof against a commitment of format `version`: the
    /// entity carries the fields that version's leaf commits, the tree size
    /// is the committed size, the leaf index is the stated rank within the
    /// stated class under the committed class sizes, and the path leads to
    /// the committed root from the leaf of `version`.
    pub fn verify(
        &self,
        commitment: &EntityCommitment,
        version: FormatVersion,
    ) -> Result<(), ProofError> {
        if !self.entity.fits(version) {
            return Err(ProofError::EntityFields { version });
        }
        let committed = commitment.size().ok_or(ProofError::ClassSizes)?;
        if self.proof.tree_size != committed {
            return Err(ProofError::TreeSize {
                proof: self.proof.tree_size,
                committed,
            });
        }
        let class = self.entity.credit_class;
        if commitment.locate(self.proof.index) != Some((class, self.rank)) {
            return Err(ProofError::Position {
                index: self.proof.index,
                class,
                rank: self.rank,
            });
        }
        let mut buf = Vec::new();
        entity_leaf(&Entity::from(&self.entity), version, &mut buf).map_err(CommitError::from)?;
        verify_inclusion(&leaf_hash(&buf), &self.proof, &commitment.root)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registers::uscc::uscc_check_character;
    use crate::registers::{EntityRow, ValidationOptions};

    const V: FormatVersion = FormatVersion::V2;

    fn code(n: u32) -> String {
        let first: [u8; 17] = format!("91140522MA{n:07}").as_bytes().try_into().unwrap();
        format!(
            "{}{}",
            std::str::from_utf8(&first).unwrap(),
            uscc_check_character(&first).unwrap()
        )
    }

    fn register(n: u32) -> EntityRegister {
        let rows = (0..n).map(|i| EntityRow {
            row: i as usize + 2,
            uscc: code(i),
            name: format!("单位{i}"),
            credit_class: ["A", "B", "C", "D"][(i * 7 % 4) as usize].into(),
            region: "140522".into(),
            status: ["", "注销", "歇业"][(i % 3) as usize].into(),
            target_types: ["", "取水单位;河道采砂场"][(i % 2) as usize].into(),
            ..Default::default()
        });
        let v = EntityRegister::from_rows(rows, &ValidationOptions::default());
        assert!(v.problems.is_empty());
        v.register
    }

    #[test]
    fn streaming_equals_batch_and_counts_classes() {
        let reg = register(37);
        let c = commit_entities(&reg, V).unwrap();
        assert_eq!(c.class_sizes, reg.class_sizes());
        let hashes = entity_leaf_hashes(&reg, V).unwrap();
        assert_eq!(
            c.root,
            crate::commitment::merkle::root_from_leaf_hashes(&hashes)
        );
    }

    /// What one thread pushing entity by entity gives (root, sizes, or the
    /// first error).
    fn one_by_one(es: &[Entity], v: FormatVersion) -> Result<EntityCommitment, CommitError> {
        let mut c = EntityCommitter::new(v);
        for e in es {
            c.push(e)?;
        }
        Ok(c.finish())
    }

    /// Callers committing one register at once (a verifier starts the
    /// commitment ahead of the check that needs it) all get the one-thread
    /// commitment, of each version.
    #[test]
    fn callers_at_once_get_one_commitment() {
        let reg = register(300);
        for v in [FormatVersion::V1, V] {
            let want = one_by_one(reg.entities(), v);
            let got: Vec<_> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..4)
                    .map(|t| {
                        let reg = &reg;
                        s.spawn(move || commit_entities_with_threads(reg, v, t))
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            assert!(got.iter().all(|g| *g == want), "{v:?}");
            assert_eq!(commit_entities(&reg, v), want);
        }
    }

    #[test]
    fn threads_give_the_same_root_sizes_and_errors() {
        let reg = register(300);
        for v in [FormatVersion::V1, V] {
            for n in [
                0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 64, 100, 255, 256, 257, 300,
            ] {
                let es = &reg.entities()[..n];
                let want = one_by_one(es, v);
                for threads in [0, 1, 2, 3, 4, 8] {
                    for height in [0, 1, 2, 3, 5] {
                        assert_eq!(
                            commit_slice(es, v, threads, height),
                            want,
                            "{n} {threads} {height}"
                        );
                    }
                    assert_eq!(commit_entity_slice(es, v, threads), want);
                }
            }
            // Out of order at every place: the same first error on any thread count.
            for bad in [1, 2, 8, 9, 150, 299] {
                let mut es = reg.entities().to_vec();
                es.swap(bad - 1, bad);
                let want = one_by_one(&es, v);
                assert!(matches!(want, Err(CommitError::OutOfOrder { .. })));
                for threads in [1, 2, 3, 4] {
                    for height in [0, 2, 4] {
                        assert_eq!(commit_slice(&es, v, threads, height), want);
                    }
                }
            }
        }
        let big = register(3 * (1 << SUBTREE_HEIGHT) + 5);
        let want = one_by_one(big.entities(), V);
        for threads in [1, 2, 3] {
            assert_eq!(commit_entity_slice(big.entities(), V, threads), want);
        }
        assert_eq!(commit_entities_with_threads(&big, V, 2), want);
        assert_eq!(commit_entities(&big, V), want);
    }

    #[test]
    fn out_of_order_streams_are_refused() {
        let reg = register(5);
        let mut c = EntityCommitter::new(V);
        let es = reg.entities();
        c.push(&es[1]).unwrap();
        assert!(matches!(
            c.push(&es[0]),
            Err(CommitError::OutOfOrder { .. })
        ));
        assert!(matches!(
            c.push(&es[1]),
            Err(CommitError::OutOfOrder { .. })
        ));
    }

    #[test]
    fn every_entity_proves_class_and_rank() {
        let reg = register(23);
        let c = commit_entities(&reg, V).unwrap();
        let hashes = entity_leaf_hashes(&reg, V).unwrap();
        for e in reg.entities() {
            let p = prove_entity(&reg, &hashes, &e.uscc, V).unwrap();
            assert_eq!(reg.position(&e.uscc).unwrap().rank, p.rank);
            p.verify(&c, V).unwrap();
            let json = serde_json::to_string(&p).unwrap();
            let back: EntityProof = serde_json::from_str(&json).unwrap();
            back.verify(&c, V).unwrap();
        }
    }

    #[test]
    fn tampered_proofs_fail() {
        let reg = register(23);
        let c = commit_entities(&reg, V).unwrap();
        let hashes = entity_leaf_hashes(&reg, V).unwrap();
        let e = &reg.entities()[5];
        let p = prove_entity(&reg, &hashes, &e.uscc, V).unwrap();

        let mut q = p.clone();
        q.rank += 1;
        assert!(matches!(q.verify(&c, V), Err(ProofError::Position { .. })));

        let mut q = p.clone();
        q.entity.credit_class = if e.credit_class == CreditClass::A {
            CreditClass::B
        } else {
            CreditClass::A
        };
        assert!(q.verify(&c, V).is_err());

        let mut q = p.clone();
        q.entity.name.push('x');
        assert!(matches!(q.verify(&c, V), Err(ProofError::Merkle(_))));

        let mut q = p.clone();
        q.entity.status = Some(RegistrationStatus::Revoked);
        assert!(matches!(q.verify(&c, V), Err(ProofError::Merkle(_))));

        // A proof must carry exactly the fields its version's leaf commits.
        let mut q = p.clone();
        q.entity.status = None;
        assert!(matches!(
            q.verify(&c, V),
            Err(ProofError::EntityFields { .. })
        ));
        assert!(matches!(
            p.verify(&c, FormatVersion::V1),
            Err(ProofError::EntityFields { .. })
        ));
        let mut q = p.clone();
        q.entity.target_types = Some(vec!["b".into(), "a".into()]);
        assert!(matches!(
            q.verify(&c, V),
            Err(ProofError::EntityFields { .. })
        ));

        let mut q = p.clone();
        q.proof.tree_size += 1;
        assert!(matches!(q.verify(&c, V), Err(ProofError::TreeSize { .. })));

        let mut other = c;
        other.root[0] ^= 1;
        assert!(p.verify(&other, V).is_err());

        let missing: Uscc = code(999).parse().unwrap();
        assert!(matches!(
            prove_entity(&reg, &hashes, &missing, V),
            Err(ProofError::NotInRegister { .. })
        ));
    }

    #[test]
    fn each_version_has_its_own_root_and_proofs() {
        let reg = register(23);
        let c1 = commit_entities(&reg, FormatVersion::V1).unwrap();
        let c2 = commit_entities(&reg, FormatVersion::V2).unwrap();
        assert_ne!(c1.root, c2.root);
        assert_eq!(c1.class_sizes, c2.class_sizes);
        // Both are cached, each under its version.
        assert_eq!(commit_entities(&reg, FormatVersion::V1).unwrap(), c1);
        let h1 = entity_leaf_hashes(&reg, FormatVersion::V1).unwrap();
        let e = &reg.entities()[3];
        let p1 = prove_entity(&reg, &h1, &e.uscc, FormatVersion::V1).unwrap();
        p1.verify(&c1, FormatVersion::V1).unwrap();
        let json = serde_json::to_string(&p1).unwrap();
        assert!(
            !json.contains("status") && !json.contains("target_types"),
            "{json}"
        );
        assert!(p1.verify(&c2, FormatVersion::V2).is_err());
        let h2 = entity_leaf_hashes(&reg, FormatVersion::V2).unwrap();
        let p2 = prove_entity(&reg, &h2, &e.uscc, FormatVersion::V2).unwrap();
        let json = serde_json::to_string(&p2).unwrap();
        assert!(
            json.contains("\"status\"") && json.contains("\"target_types\""),
            "{json}"
        );
        assert!(p2.verify(&c1, FormatVersion::V1).is_err());
    }

    #[test]
    fn locate_maps_indices_to_class_ranks() {
        let c = EntityCommitment {
            root: [0; 32],
            class_sizes: [2, 0, 3, 1],
        };
        assert_eq!(c.locate(0), Some((CreditClass::A, 0)));
        assert_eq!(c.locate(1), Some((CreditClass::A, 1)));
        assert_eq!(c.locate(2), Some((CreditClass::C, 0)));
        assert_eq!(c.locate(5), Some((CreditClass::D, 0)));
        assert_eq!(c.locate(6), None);
        assert_eq!(c.class_start(CreditClass::D), Some(5));
        let huge = EntityCommitment {
            root: [0; 32],
            class_sizes: [u64::MAX, u64::MAX, 0, 0],
        };
        assert_eq!(huge.locate(u64::MAX), None);
    }
}
