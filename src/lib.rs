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
//! # The flow, for an embedder
//!
//! 1. Build the registers from validated rows ([`registers`]).
//! 2. Open the issuer's [`chain::Chain`] from the stored lines (or start an
//!    empty one) with the issuer's public key.
//! 3. [`chain::Chain::commit`] the task before the randomness exists; store
//!    the pending record's line, then [`chain::Chain::push`] it. Publish the
//!    commitment, and have witnesses cosign the chain head (docs/spec/witness.md).
//! 4. When the public randomness exists, [`chain::Chain::draw`] and push.
//! 5. Anyone verifies with [`verify::verify_chain_bytes`].
//!
//! ```
//! use double_random::prelude::*;
//! use double_random::registers::uscc_check_character;
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
//!     items: None,
//! };
//!
//! // The task: ratios rising with risk, teams of two, inspected on 3 June.
//! let bp = |s| BasisPoints::parse_percent(s).unwrap();
//! let date = double_random::calendar::parse_date("2024-06-03").unwrap();
//! let task = Task::new("T-1", "取水许可检查", vec![],
//!     Ratios([bp("5%"), bp("10%"), bp("20%"), bp("50%")]), TeamRules::new(2, "管理股"), date)?;
//!
//! // 1. Commit before the randomness exists. The chain makes the link,
//! //    refuses misuse, and checks the record as the verifier will.
//! let key = IssuerKey::from_secret_bytes("阳城县水务局", &[1; 32])?; // a TEST key
//! let at = |s: &str| Timestamp::parse(s).unwrap();
//! let salt = [7; 32]; // fresh random bytes in real use, kept with the conflict list
//! let mut chain = Chain::new(key.public_key().clone());
//! let pending = chain.commit(&key, &Commit {
//!     task: &task, registers, conflict_salt: &salt,
//!     randomness: RandomnessPlan::Local {}, created_at: at("2024-06-01T08:00:00Z"),
//! })?;
//! let mut stored = vec![pending.line()]; // the caller's storage
//! let commitment = chain.push(pending)?;
//!
//! // A second commitment of the same task while the first is open is refused.
//! assert!(chain.commit(&key, &Commit {
//!     task: &task, registers, conflict_salt: &salt,
//!     randomness: RandomnessPlan::Local {}, created_at: at("2024-06-01T09:00:00Z"),
//! }).is_err());
//!
//! // 2. Draw with the randomness.
//! let pending = chain.draw(&key, &Draw {
//!     commitment, registers, conflict_salt: &salt,
//!     randomness: RandomnessValue { value: b"381946".to_vec(), beacon_signature: None },
//!     created_at: at("2024-06-03T02:00:00Z"), witnessing: Witnessing::Unwitnessed,
//!     library_version: "0.1.0",
//! })?;
//! stored.push(pending.line());
//! chain.push(pending)?;
//!
//! // 3. Anyone verifies: signatures, chain, replay, and the registers.
//! let text = stored.join("\n");
//! let report = verify_chain_bytes(text.as_bytes(), key.public_key(), &VerifyOptions {
//!     registers: Some(registers), conflict_salt: &salt, ..VerifyOptions::level(Level::Full)
//! });
//! assert!(report.holds(), "{report}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Crate features
//!
//! The library does no I/O at all: the caller brings every secret (an
//! issuer key from its own CSPRNG with `IssuerKey::generate`, or a seed
//! with `IssuerKey::from_secret_bytes`; each commitment's conflict-list
//! salt), the time and the files' bytes.
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

pub mod after_draw;
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

/// The `time` crate, whose `Date` appears in this crate's signatures
/// (inspection dates, certificate validity, deadlines).
pub use time;

/// The `rand_core` crate, whose `CryptoRng` [`records::IssuerKey::generate`] takes.
pub use rand_core;
