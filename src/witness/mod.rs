//! Witnesses (见证方): independent parties that cosign an issuer's chain
//! head with their own clock (format version 2, `docs/spec/witness.md`).
//!
//! An issuer's own `created_at` proves nothing: an office could backdate a
//! commitment after a drand round is known, on one of several private
//! chains, and keep the chain whose draw it likes. A witness (the county
//! discipline inspection office, the higher-level bureau, a neighbouring
//! bureau, a public transparency service) keeps, per log, the last head it
//! cosigned, and cosigns a new head only if the records since the old one
//! extend it: every signature checks under the issuer's key and every link
//! holds (sequence + 1, `previous` = the id of the record before). Its
//! cosignature, a DSSE envelope signed with the witness's own Ed25519 key,
//! states "this head was the head of this log at this time". A verifier
//! then judges "committed before the randomness" by the witnesses' times,
//! and a chain cut short (rollback) or forked after a cosigned head
//! contradicts the cosignature.
//!
//! The module is sans-IO like the rest of the crate; it has three parts:
//!
//! - the statements: [`CosignedHead`] (the cosigned payload), [`Cosignature`]
//!   (one opened and verified) and [`KeyChange`] (an issuer replacing its
//!   key);
//! - the witness's state machine, [`add_checkpoint`]: the stored state for
//!   one log and a [`CheckpointRequest`] in, the new state and the
//!   cosignature out, or a typed [`Refusal`]; the HTTP request body that
//!   carries a request is [`AddCheckpointBody`];
//! - the verifier's side: [`read_cosignature_file`] reads a
//!   `CHAIN.cosignatures.jsonl` file and [`WitnessIndex`] evaluates it
//!   against a chain (which trusted witnesses cosigned a head at or after a
//!   sequence before a time; rollback and fork findings).
//!
//! The guarantees and their limits are in `docs/spec/witness.md`, section 8.

mod evidence;
mod key_change;
mod protocol;
mod state;
mod statement;

#[cfg(test)]
mod tests;

pub use evidence::{
    CosignatureFile, EvidenceFinding, EvidenceProblem, FileLimits, NotWitnessed, WitnessIndex,
    Witnessed, read_cosignature_file,
};
pub use key_change::{KeyChange, KeyChangeError, OpenedKeyChange};
pub use protocol::{AddCheckpointBody, RequestError, parse_add_checkpoint};
pub use state::{
    Accepted, CheckpointRequest, Limits, LogEntry, LogReadError, LogState, RecordFault, Refusal,
    add_checkpoint, open_link, read_log,
};
pub use statement::{
    Cosignature, CosignatureError, CosignedHead, Head, LogId, LogKind, LogKindError, WitnessId,
};

/// Payload type of a cosignature.
pub const COSIGNATURE_TYPE: &str = "application/vnd.double-random.cosignature.v2+json";
/// Payload type of a key-change statement.
pub const KEY_CHANGE_TYPE: &str = "application/vnd.double-random.key-change.v2+json";
/// Every record type of the format starts with this; a witness checks the
/// signature and chain link of any record whose payload type does.
pub const RECORD_TYPE_PREFIX: &str = "application/vnd.double-random.";
/// What the cosignature file kept beside a chain adds to the chain's file
/// name: `CHAIN.cosignatures.jsonl`.
pub const COSIGNATURE_FILE_SUFFIX: &str = ".cosignatures.jsonl";

/// The lines of a JSON Lines file, as the format reads them: split at LF, a
/// CR before the LF dropped, lines of ASCII whitespace only skipped. Yields
/// the 1-based line number and the line's bytes.
pub(crate) fn json_lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, line)| (i + 1, line.strip_suffix(b"\r").unwrap_or(line)))
        .filter(|(_, line)| !line.iter().all(u8::is_ascii_whitespace))
}
