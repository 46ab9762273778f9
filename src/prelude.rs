//! The names an embedder's flow uses: `use double_random::prelude::*;`.
//!
//! Registers in, a commitment and a draw out, a chain that refuses misuse,
//! and the verifier. Everything else lives in its module.

pub use crate::assignment::{JurisdictionPolicy, Place, RotationPolicy, Team, TeamRules};
pub use crate::calendar::Timestamp;
pub use crate::chain::{Chain, ChainError, Commit, Draw, Pending};
pub use crate::checks::{DrawError, Finding, FindingSeverity};
pub use crate::records::{
    ChainLink, CommitmentPayload, DrawPayload, Envelope, IssuerKey, IssuerPublicKey,
    RandomnessPlan, RandomnessValue, Record, RecordId, Witnessing,
};
pub use crate::registers::{
    ConflictRegister, CreditClass, EntityRegister, EntityRow, InspectorRegister, InspectorRow,
    Registers, Uscc, ValidationOptions,
};
pub use crate::sampling::BasisPoints;
pub use crate::task::{Ratios, Task};
pub use crate::verify::{Level, Report, VerifyOptions, verify_chain_bytes};
