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
//! use double_random::prelude::*;
//! use double_random::registers::uscc_check_character;
//! use double_random::assignment::v1::TeamRules;
//! use double_random::verify::verify_chain_bytes;
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
//! let c_id = c_env.record_id();
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

mod base64;
mod hex;
mod json;

pub mod assignment;
pub mod beacon;
pub mod calendar;
pub mod chain;
pub mod checks;
pub mod commitment;
pub mod ledger;
pub mod proof;
pub mod records;
pub mod registers;
pub mod sampling;
pub mod task;
pub mod verify;
pub mod witness;

pub mod prelude;

pub use base64::Base64Error;
