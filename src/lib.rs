//! Provable "double random, one public" (双随机、一公开) spot-check draws.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod merkle;

pub use merkle::{
    EMPTY_ROOT, Hash, InclusionProof, MerkleBuilder, MerkleError, inclusion_proof, leaf_hash,
    node_hash, root_from_leaf_hashes, verify_inclusion,
};
