//! Provable "double random, one public" (双随机、一公开) spot-check draws:
//! registers, stratified sampling, inspector assignment, signed receipts and
//! the verifier that replays them.
//!
//! An office commits to its registers and task (Merkle roots, signed) before
//! any randomness exists; the seed then comes from public randomness fixed
//! afterwards; the draw is signed onto the office's hash chain; and anyone can
//! replay it. Everything that decides a draw is specified in `docs/FORMAT.md`
//! and pinned by the test vectors in `tests/vectors/`.
//!
//! ```
//! use double_random::*;
//!
//! // Registers, as a spreadsheet gives them (row numbers are for error messages).
//! let code = |n: u32| {
//!     let first: [u8; 17] = format!("91140522MA{n:07}").as_bytes().try_into().unwrap();
//!     format!("{}{}", std::str::from_utf8(&first).unwrap(), uscc_check_character(&first).unwrap())
//! };
//! let opts = ValidationOptions::default();
//! let entities = EntityRegister::from_rows((0..30).map(|i| EntityRow {
//!     row: i as usize + 2,
//!     uscc: code(i),
//!     name: format!("单位{i}"),
//!     credit_class: ["A", "B", "C", "D"][(i % 4) as usize].into(),
//!     ..Default::default()
//! }), &opts);
//! assert!(entities.is_clean());
//! let inspectors = InspectorRegister::from_rows((0..6).map(|i| InspectorRow {
//!     row: i + 2,
//!     id: format!("ZF{i:03}"),
//!     name: format!("检查员{i}"),
//!     department: "管理股".into(),
//!     ..Default::default()
//! }), &opts);
//! let conflicts = ConflictRegister::default();
//! let registers = Registers {
//!     entities: &entities.register,
//!     inspectors: &inspectors.register,
//!     conflicts: &conflicts,
//!     conflict_salt: &[7; 32],
//!     items: None,
//! };
//!
//! // The task: ratios rising with risk, teams of two.
//! let bp = |s| BasisPoints::parse_percent(s).unwrap();
//! let task = Task::new("T-1", "取水许可检查", vec![],
//!     Ratios([bp("5%"), bp("10%"), bp("20%"), bp("50%")]), TeamRules::new(2, "管理股"), None)?;
//!
//! // 1. Commit before the randomness exists, and sign.
//! let key = IssuerKey::from_secret_bytes("阳城县水务局", &[1; 32])?; // a TEST key
//! let link = |sequence, previous, at: &str| ChainLink {
//!     issuer: key.issuer().into(), key_id: key.key_id().into(), sequence, previous,
//!     created_at: Timestamp::parse(at).unwrap(),
//! };
//! let commitment = build_commitment(&CommitRequest {
//!     chain: link(0, None, "2024-06-01T08:00:00Z"),
//!     task: &task, registers, randomness: RandomnessPlan::Local {}, history: None,
//! })?;
//! let c_env = Record::Commitment(commitment.clone()).sign(&key);
//! let c_id = *c_env.record_id().as_bytes();
//!
//! // 2. Draw with the randomness, and sign.
//! let draw = perform_draw(link(1, Some(c_id), "2024-06-03T02:00:00Z"), &commitment, &c_id,
//!     RandomnessValue { value: b"381946".to_vec(), beacon_signature: None },
//!     &registers, None, "0.1.0")?;
//! assert_eq!(draw.teams.len(), draw.drawn_in_order().count());
//! let d_env = Record::Draw(draw).sign(&key);
//!
//! // 3. Anyone verifies: signatures, chain, replay, and the registers.
//! let chain = format!("{}\n{}\n", c_env.to_json(), d_env.to_json());
//! let report = verify_chain_bytes(chain.as_bytes(), key.public_key(), &VerifyOptions {
//!     level: Level::Full, registers: Some(registers), only_draw: None, salts: &[],
//! });
//! assert!(report.holds(), "{:?}", report.findings);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Crate features
//!
//! - `drand` (off by default; the CLI turns it on): the verifier checks the
//!   BLS signature of a drand quicknet round against the network's key, via
//!   the `drand-verify` crate. Without it, a beacon signature is reported as
//!   not checked.
//!
//! # Security
//!
//! The design, threats and defences are in `docs/FORMAT.md` and
//! `docs/auditing.md`. In short: signatures are Ed25519 with
//! `verify_strict` and weak keys refused; payloads are signed as bytes (DSSE
//! PAE), decoded strictly; every attempt stays on a per-issuer hash chain;
//! no floating point and no `rand` distribution decides anything. The library
//! reads no files, clock or OS randomness: callers pass them in.
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
    check_registers, compare_roots, drawn_entities, inspection_date, perform_draw, register_roots,
    replay, sample_counts, teams_for,
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
    EntityRegisterBuilder, EntityRow, EntityRowRef, InspectionMethod, Inspector, InspectorRegister,
    InspectorRow, ItemCategory, ItemRow, Problem, RegisterDiff, RegisterKind, Rule, Severity,
    Validated, ValidationOptions, split_list,
};
pub use sample::{
    CLASS_COUNT, ENTITY_STREAM_BASE, LATER_STREAMS_START, MIN_TOTAL_SAMPLE, RESERVED_STREAM,
    RankSampler, SEED_DOMAIN, SampleError, SizeError, ceil_ratio, class_letter, derive_seed,
    draw_all, draw_ranks, keystream, sample_sizes, uniform_below,
};
pub use task::{Ratios, Task, TaskError};
pub use uscc::{USCC_ALPHABET, USCC_LEN, Uscc, UsccError, UsccPolicy, uscc_check_character};
pub use verify::{
    ChainHead, ChainLine, Finding, FindingSeverity, Level, Report, VerifyOptions,
    commitment_findings, draw_findings, read_chain, verify_chain, verify_chain_bytes,
};
