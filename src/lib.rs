//! Provable "double random, one public" (双随机、一公开) spot-check draws.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod assign;
mod base64;
mod beacon;
mod bundle;
mod calendar;
mod commit;
mod credit;
mod date;
mod draw;
mod dsse;
mod hex;
mod json;
mod keys;
mod leaf;
mod ledger;
mod merkle;
mod ratio;
mod record;
mod register;
mod sample;
mod task;
mod uscc;
mod verify;

pub use assign::{
    ASSIGNMENT_STREAM, AssignError, Binding, Breakdown, History, JurisdictionPolicy,
    RotationPolicy, RulesError, SlotKind, Team, TeamRules, assign_teams,
};
pub use base64::Base64Error;
pub use beacon::{
    BeaconVerdict, QUICKNET_CHAIN_HASH, QUICKNET_GENESIS, QUICKNET_PERIOD, QUICKNET_PUBLIC_KEY,
    check_beacon, drand_round_time,
};
pub use bundle::{BundleError, PROOF_BUNDLE_FORMAT, ProofBundle, ProofVerdict, entity_commitment};
pub use calendar::{
    CHINA_HOLIDAY_TABLE, CalendarError, CalendarParseError, ENTRY_DEADLINE_WORKING_DAYS,
    MAX_RANGE_DAYS, Timeliness, WorkingCalendar,
};
pub use commit::{
    CommitError, EntityCommitment, EntityCommitter, EntityProof, ProofError, ProvenEntity,
    RegisterRoot, commit_conflicts, commit_entities, commit_inspectors, commit_items,
    entity_leaf_hashes, prove_entity,
};
pub use credit::{CreditClass, CreditClassError};
pub use date::{format_date, parse_date};
pub use draw::{
    CommitRequest, DrawError, Registers, Replay, build_commitment, check_randomness_shape,
    check_registers, drawn_entities, inspection_date, perform_draw, register_roots, replay,
    teams_for,
};
pub use dsse::{
    Envelope, EnvelopeDecodeError, EnvelopeError, JsonLocation, RecordId, SIGNATURE_LEN, Signature,
    pae, record_id, sign, verify, verify_any_of,
};
pub use keys::{
    FINGERPRINT_HEX_LEN, IssuerKey, IssuerNameError, IssuerPublicKey, KEY_ID_DOMAIN,
    KEY_ID_HEX_LEN, KeyFileError, MAX_ISSUER_LEN, PUBLIC_KEY_HEADER, PublicKeyError,
    SECRET_KEY_HEADER, SignatureError, check_issuer_name,
};
pub use leaf::{
    CONFLICT_LEAF_TAG, ENTITY_LEAF_TAG, FieldTooLong, INSPECTOR_LEAF_TAG, ITEM_LEAF_TAG,
    conflict_leaf, entity_leaf, inspector_leaf, item_leaf,
};
pub use ledger::{
    ApprovalError, Approvals, Approver, CHECKPOINT_TYPE, CHINA_UTC_OFFSET_SECONDS, CORRECTION_TYPE,
    CategoryCount, CheckpointPayload, CheckpointRecord, CorrectionNote, CorrectionPayload,
    Deadline, DrawIndex, DrawnTask, FollowUp, FollowUpKind, InspectorDisclosure, Ledger,
    LedgerEntry, LedgerOptions, LedgerRecord, MissingEntity, PUBLIC_RESULTS_FORMAT, PublicCategory,
    PublicFollowUp, PublicInspector, PublicResult, PublicView, PublishedFile, RESULT_TYPE, Rate,
    ResultCategory, ResultError, ResultFields, ResultPayload, ResultVersion, SummaryKind,
    TaskSummary, check_approval, check_published_file, china_date, method_code, published_file,
    sign_correction, summarise, verify_ledger,
};
pub use merkle::{
    EMPTY_ROOT, Hash, InclusionProof, MerkleBuilder, MerkleError, inclusion_proof, leaf_hash,
    node_hash, root_from_leaf_hashes, verify_inclusion,
};
pub use ratio::{BASIS_POINTS_PER_WHOLE, BasisPoints, RatioError};
pub use record::{
    CANCELLATION_TYPE, COMMITMENT_TYPE, CancellationPayload, ChainLink, CommitmentPayload, Count,
    DRAW_ALGORITHM, DRAW_TYPE, DrawPayload, DrawnEntity, EntityRootRecord, PerClass,
    RandomnessPlan, RandomnessValue, Record, RecordError, RegisterRoots, RootRecord, TaskRecord,
    Timestamp,
};
pub use register::{
    CheckItem, CheckItemList, ClassChange, Conflict, ConflictRegister, ConflictRow, DetailChange,
    DuplicateEntity, DuplicateInspector, DuplicateItem, Entity, EntityPosition, EntityRegister,
    EntityRow, InspectionMethod, Inspector, InspectorRegister, InspectorRow, ItemCategory, ItemRow,
    Problem, RegisterDiff, RegisterKind, Rule, Severity, Validated, ValidationOptions, split_list,
};
pub use sample::{
    CLASS_COUNT, ENTITY_STREAM_BASE, LATER_STREAMS_START, MIN_TOTAL_SAMPLE, RESERVED_STREAM,
    RankSampler, SEED_DOMAIN, SampleError, SizeError, ceil_ratio, class_letter, derive_seed,
    draw_all, draw_ranks, keystream, sample_sizes, uniform_below,
};
pub use task::{Ratios, Task, TaskError};
pub use uscc::{USCC_ALPHABET, USCC_LEN, Uscc, UsccError, UsccPolicy, uscc_check_character};
pub use verify::{
    ChainLine, Finding, FindingSeverity, Level, Report, VerifyOptions, read_chain, verify_chain,
    verify_chain_bytes,
};
