//! The witness's state machine: one pure function from (stored state,
//! request, key, now) to (new state, cosignature) or a typed refusal.

use serde::Deserialize;

use super::key_change::{KeyChange, KeyChangeError};
use super::statement::{CosignedHead, Head, LogId, LogKind};
use super::{RECORD_TYPE_PREFIX, json_lines};
use crate::calendar::Timestamp;
use crate::records::{
    ChainLink, Envelope, EnvelopeDecodeError, EnvelopeError, IssuerKey, IssuerPublicKey, RecordId,
    verify,
};

/// What a witness stores for one log (an issuer key and a kind) after
/// cosigning it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogState {
    /// The issuer's public key (with its name) the log is signed with.
    pub issuer: IssuerPublicKey,
    /// Receipt chain or results ledger.
    pub kind: LogKind,
    /// The last head cosigned.
    pub head: Head,
    /// The `created_at` of the head's record, so the next record is not earlier.
    pub head_created_at: Timestamp,
    /// When the witness last cosigned this log; its clock must not go back.
    pub cosigned_at: Timestamp,
}

impl LogState {
    /// The log this state is for.
    pub fn log(&self) -> LogId {
        LogId::of(&self.issuer, self.kind)
    }
}

/// What a requester asks a witness to cosign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckpointRequest {
    /// The issuer's public key (its key file), naming the log with `kind`.
    pub issuer: IssuerPublicKey,
    /// Receipt chain or results ledger.
    pub kind: LogKind,
    /// The head the requester believes the witness holds for this log;
    /// `None` when it believes the witness has never cosigned it.
    pub old: Option<Head>,
    /// The records after `old` (from sequence 0 when `old` is `None`), in
    /// order. Empty with the right `old`: re-cosign the same head now.
    pub records: Vec<Envelope>,
    /// A key change (signed by the key the witness knows for the issuer's
    /// name and by `issuer`), needed when the witness knows another key
    /// for this issuer name.
    pub key_change: Option<Envelope>,
}

/// Size limits a witness applies to one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most records in one request.
    pub max_records: usize,
    /// Largest payload of one record, in bytes.
    pub max_payload_bytes: usize,
}

impl Default for Limits {
    /// 100,000 records of at most 16 MiB of payload each (a draw of a
    /// million-entity register lists tens of thousands of entities).
    fn default() -> Self {
        Limits {
            max_records: 100_000,
            max_payload_bytes: 16 << 20,
        }
    }
}

/// A cosigned checkpoint: what the witness stores and answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// The log's new state, to store before answering.
    pub state: LogState,
    /// The key the witness now knows for the issuer's name (the request's
    /// key; different from before after a key change).
    pub issuer_key: IssuerPublicKey,
    /// Whether a key change was applied.
    pub key_changed: bool,
    /// The statement signed.
    pub statement: CosignedHead,
    /// The cosignature envelope.
    pub cosignature: Envelope,
}

/// Why a record of a request is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordFault {
    /// The payload type is not one of the format's.
    #[error("payload type {payload_type:?} is not a double-random record")]
    PayloadType {
        /// The type found (at most 200 characters).
        payload_type: String,
    },
    /// The issuer's signature is missing, ambiguous or does not verify.
    #[error(transparent)]
    Signature(#[from] EnvelopeError),
    /// The payload has no decodable `chain` member.
    #[error("no valid chain link in the payload (line {line}, column {column}): {message}")]
    Link {
        /// Line in the payload.
        line: usize,
        /// Column in the payload.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The link names another issuer than the key's.
    #[error("the record names issuer {stated:?}, the key belongs to {actual:?}")]
    Issuer {
        /// The issuer stated.
        stated: String,
        /// The key's issuer.
        actual: String,
    },
    /// The link names another key id than the key's.
    #[error("the record names key id {stated}, the key's id is {actual}")]
    KeyId {
        /// The key id stated.
        stated: String,
        /// The key's id.
        actual: String,
    },
    /// The sequence number is not the previous one plus one.
    #[error("sequence {found}, expected {expected}")]
    Sequence {
        /// The sequence expected.
        expected: u64,
        /// The sequence found.
        found: u64,
    },
    /// `previous` is not the id of the record before (or not `null` at sequence 0).
    #[error(
        "previous is {}, expected {}",
        link_text(found.as_ref()),
        link_text(expected.as_ref())
    )]
    BrokenLink {
        /// The id expected (`None` at sequence 0).
        expected: Option<RecordId>,
        /// The id found.
        found: Option<RecordId>,
    },
    /// `created_at` is earlier than the record before's.
    #[error("created_at {found} is earlier than the record before's ({previous})")]
    TimeBackwards {
        /// The record before's time.
        previous: Timestamp,
        /// This record's time.
        found: Timestamp,
    },
}

impl RecordFault {
    /// A stable short name: `payload-type`, the envelope error's kind,
    /// `link`, `issuer`, `key-id`, `sequence`, `broken-link`, `time-order`.
    pub fn kind(&self) -> &'static str {
        match self {
            RecordFault::PayloadType { .. } => "payload-type",
            RecordFault::Signature(e) => e.kind(),
            RecordFault::Link { .. } => "link",
            RecordFault::Issuer { .. } => "issuer",
            RecordFault::KeyId { .. } => "key-id",
            RecordFault::Sequence { .. } => "sequence",
            RecordFault::BrokenLink { .. } => "broken-link",
            RecordFault::TimeBackwards { .. } => "time-order",
        }
    }
}

/// Why a witness refuses to cosign. Nothing is stored on a refusal.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The old head named is not the one the witness holds: retry from
    /// `held` (HTTP 409).
    #[error("the witness holds head {}, not the old head named", fmt_head(held))]
    Conflict {
        /// The head the witness holds; `None` when it never cosigned this log.
        held: Option<Head>,
    },
    /// The records do not extend the held head: a record at the held
    /// sequence with another id, or a first record whose `previous` is not
    /// the held head (HTTP 409).
    #[error("the records do not extend the head {held} the witness cosigned (a fork)")]
    Fork {
        /// The head the witness holds.
        held: Head,
        /// The sequence of the first record.
        found: u64,
        /// Its record id.
        record: RecordId,
    },
    /// The first record comes after the sequence that follows the held head.
    #[error("the first record has sequence {found}, expected {expected}: records are missing")]
    Gap {
        /// The sequence expected.
        expected: u64,
        /// The sequence found.
        found: u64,
    },
    /// The first record is at or before the held head (and is not a fork of it).
    #[error("the first record has sequence {found}, but the witness already holds {held}")]
    Stale {
        /// The head the witness holds.
        held: Head,
        /// The sequence found.
        found: u64,
    },
    /// A record is refused.
    #[error("record {index} of the request: {reason}")]
    BadRecord {
        /// 0-based index in the request's records.
        index: usize,
        /// Why.
        reason: RecordFault,
    },
    /// The witness's clock is earlier than its last cosignature of this log.
    #[error(
        "the witness's clock ({now}) is earlier than its last cosignature of this log ({last})"
    )]
    TimeBackwards {
        /// The last cosignature's time.
        last: Timestamp,
        /// The clock now.
        now: Timestamp,
    },
    /// The witness knows another key for this issuer name, and no valid key
    /// change from it was given.
    #[error(
        "the witness knows key {known_key_id} for {issuer:?}, not {offered_key_id}; a key change signed by the known key is needed"
    )]
    UnknownKey {
        /// The issuer name.
        issuer: String,
        /// The key id the witness knows.
        known_key_id: String,
        /// The key id offered.
        offered_key_id: String,
    },
    /// The key change given is not valid, or does not lead to the request's key.
    #[error("key change: {0}")]
    KeyChange(#[source] KeyChangeError),
    /// The key change is valid but replaces a key the witness does not
    /// know for the name, or leads to another key than the request's.
    #[error("the key change replaces {old_key_id} by {new_key_id}; it does not apply here")]
    KeyChangeNotApplicable {
        /// The key the change replaces.
        old_key_id: String,
        /// The key it leads to.
        new_key_id: String,
    },
    /// The witness knows this key under another issuer name.
    #[error("the witness knows this key as {held:?}, the request names {offered:?}")]
    IssuerMismatch {
        /// The name the witness knows.
        held: String,
        /// The name in the request.
        offered: String,
    },
    /// Nothing to cosign: no records and no head held.
    #[error("no records, and the witness holds no head of this log")]
    Empty,
    /// More records than the witness takes in one request.
    #[error("{count} records in one request, at most {limit}")]
    TooManyRecords {
        /// Records sent.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A record's payload is larger than the witness takes.
    #[error("record {index} has a payload of {size} bytes, at most {limit}")]
    RecordTooLarge {
        /// 0-based index.
        index: usize,
        /// Payload bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The stored state given is for another log than the request's (a
    /// bug of the caller, never of the requester).
    #[error("the state given is for another log")]
    StateMismatch,
}

/// A `previous` link for a message: the record id in hex, or `null` at the
/// first record.
pub(crate) fn link_text(id: Option<&RecordId>) -> String {
    id.map_or_else(|| "null".to_owned(), ToString::to_string)
}

fn fmt_head(h: &Option<Head>) -> String {
    h.map_or_else(|| "none".to_owned(), |h| h.to_string())
}

impl Refusal {
    /// A stable short name, used as the `error` member of the HTTP answer:
    /// `conflict`, `fork`, `gap`, `stale`, `bad-record`, `time-backwards`,
    /// `unknown-key`, `bad-key-change`, `key-change-not-applicable`,
    /// `issuer-mismatch`, `empty`, `too-many-records`, `record-too-large`,
    /// `state-mismatch`.
    pub fn kind(&self) -> &'static str {
        match self {
            Refusal::Conflict { .. } => "conflict",
            Refusal::Fork { .. } => "fork",
            Refusal::Gap { .. } => "gap",
            Refusal::Stale { .. } => "stale",
            Refusal::BadRecord { .. } => "bad-record",
            Refusal::TimeBackwards { .. } => "time-backwards",
            Refusal::UnknownKey { .. } => "unknown-key",
            Refusal::KeyChange(_) => "bad-key-change",
            Refusal::KeyChangeNotApplicable { .. } => "key-change-not-applicable",
            Refusal::IssuerMismatch { .. } => "issuer-mismatch",
            Refusal::Empty => "empty",
            Refusal::TooManyRecords { .. } => "too-many-records",
            Refusal::RecordTooLarge { .. } => "record-too-large",
            Refusal::StateMismatch => "state-mismatch",
        }
    }

    /// The head the witness holds, for the refusals that name it
    /// (`conflict`, `fork`, `stale`).
    pub fn held(&self) -> Option<Head> {
        match self {
            Refusal::Conflict { held } => *held,
            Refusal::Fork { held, .. } | Refusal::Stale { held, .. } => Some(*held),
            _ => None,
        }
    }
}

/// Only the `chain` member of a payload; the others are skipped (but must
/// be valid JSON), and a repeated `chain` is an error.
#[derive(Deserialize)]
struct LinkOnly {
    chain: ChainLink,
}

/// Checks one record as a witness does: the payload type is the format's
/// (starts with [`RECORD_TYPE_PREFIX`]), the signature by `issuer`
/// verifies strictly, the payload is a JSON object whose `chain` member
/// decodes strictly, and the link names `issuer`'s name and key id. Returns
/// the link. The rest of the payload is the verifier's business.
pub fn open_link(envelope: &Envelope, issuer: &IssuerPublicKey) -> Result<ChainLink, RecordFault> {
    let ty = envelope.payload_type();
    if !ty.starts_with(RECORD_TYPE_PREFIX) {
        return Err(RecordFault::PayloadType {
            payload_type: ty.chars().take(200).collect(),
        });
    }
    let payload = verify(envelope, ty, issuer)?;
    let link = serde_json::from_slice::<LinkOnly>(payload)
        .map_err(|e| RecordFault::Link {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?
        .chain;
    if link.key_id != issuer.key_id() {
        return Err(RecordFault::KeyId {
            stated: link.key_id,
            actual: issuer.key_id().to_owned(),
        });
    }
    if link.issuer != issuer.issuer() {
        return Err(RecordFault::Issuer {
            stated: link.issuer,
            actual: issuer.issuer().to_owned(),
        });
    }
    Ok(link)
}

/// The witness's decision on one request.
///
/// - `held`: the state stored for the request's log (its issuer key id and
///   kind), `None` the first time.
/// - `known_key`: the key the witness knows for the request's issuer name,
///   `None` the first time it hears the name.
/// - `witness`: the witness's signing key (its name is the key file's
///   `issuer` line); `now`: the witness's clock.
///
/// The checks, in order: size limits; the state belongs to the request's
/// key and kind ([`Refusal::StateMismatch`]) and name
/// ([`Refusal::IssuerMismatch`]); the key is the one known for the name,
/// or a valid key change from the known key to it is given
/// ([`Refusal::UnknownKey`], [`Refusal::KeyChange`]); `old` equals the held
/// head ([`Refusal::Conflict`]); the clock has not gone back
/// ([`Refusal::TimeBackwards`]); then the records extend the held head
/// ([`Refusal::Fork`], [`Refusal::Gap`], [`Refusal::Stale`]) and each is
/// signed and linked ([`Refusal::BadRecord`]). On success the caller
/// stores [`Accepted::state`] and [`Accepted::issuer_key`], durably, and
/// only then answers with [`Accepted::cosignature`].
pub fn add_checkpoint(
    held: Option<&LogState>,
    known_key: Option<&IssuerPublicKey>,
    request: &CheckpointRequest,
    witness: &IssuerKey,
    now: Timestamp,
    limits: &Limits,
) -> Result<Accepted, Refusal> {
    if request.records.len() > limits.max_records {
        return Err(Refusal::TooManyRecords {
            count: request.records.len(),
            limit: limits.max_records,
        });
    }
    if let Some((index, e)) = request
        .records
        .iter()
        .enumerate()
        .find(|(_, e)| e.unverified_payload().len() > limits.max_payload_bytes)
    {
        return Err(Refusal::RecordTooLarge {
            index,
            size: e.unverified_payload().len(),
            limit: limits.max_payload_bytes,
        });
    }
    let issuer = &request.issuer;
    if let Some(h) = held {
        if h.issuer.key_id() != issuer.key_id() || h.kind != request.kind {
            return Err(Refusal::StateMismatch);
        }
        if h.issuer.issuer() != issuer.issuer() {
            return Err(Refusal::IssuerMismatch {
                held: h.issuer.issuer().to_owned(),
                offered: issuer.issuer().to_owned(),
            });
        }
    }
    let key_changed = check_key(known_key, request)?;
    if request.old != held.map(|h| h.head) {
        return Err(Refusal::Conflict {
            held: held.map(|h| h.head),
        });
    }
    if let Some(h) = held
        && now < h.cosigned_at
    {
        return Err(Refusal::TimeBackwards {
            last: h.cosigned_at,
            now,
        });
    }
    let (head, head_created_at) = match (held, request.records.is_empty()) {
        (None, true) => return Err(Refusal::Empty),
        (Some(h), true) => (h.head, h.head_created_at),
        (_, false) => check_segment(held, request)?,
    };
    let statement = CosignedHead::new(
        LogId::of(issuer, request.kind),
        head,
        witness.public_key(),
        now,
    );
    let cosignature = statement.sign(witness);
    Ok(Accepted {
        state: LogState {
            issuer: issuer.clone(),
            kind: request.kind,
            head,
            head_created_at,
            cosigned_at: now,
        },
        issuer_key: issuer.clone(),
        key_changed,
        statement,
        cosignature,
    })
}

/// The name binding: `Ok(true)` when a key change moves the name to the
/// request's key.
fn check_key(
    known: Option<&IssuerPublicKey>,
    request: &CheckpointRequest,
) -> Result<bool, Refusal> {
    let offered = &request.issuer;
    let change = match &request.key_change {
        Some(env) => Some(KeyChange::open(env).map_err(Refusal::KeyChange)?),
        None => None,
    };
    // A key change given must lead to the request's key, whatever the
    // witness knows: it is checked, never ignored.
    if let Some(c) = &change
        && (c.new.key_id() != offered.key_id() || c.new.issuer() != offered.issuer())
    {
        return Err(Refusal::KeyChangeNotApplicable {
            old_key_id: c.old.key_id().to_owned(),
            new_key_id: c.new.key_id().to_owned(),
        });
    }
    match known {
        None => Ok(false),
        Some(k) if k.key_id() == offered.key_id() => Ok(false),
        Some(k) => match change {
            Some(c) if c.old.key_id() == k.key_id() => Ok(true),
            Some(c) => Err(Refusal::KeyChangeNotApplicable {
                old_key_id: c.old.key_id().to_owned(),
                new_key_id: c.new.key_id().to_owned(),
            }),
            None => Err(Refusal::UnknownKey {
                issuer: offered.issuer().to_owned(),
                known_key_id: k.key_id().to_owned(),
                offered_key_id: offered.key_id().to_owned(),
            }),
        },
    }
}

/// Checks that the records extend the held head (or start the log) and
/// returns the new head and its `created_at`.
fn check_segment(
    held: Option<&LogState>,
    request: &CheckpointRequest,
) -> Result<(Head, Timestamp), Refusal> {
    let mut expected = held.map_or(0, |h| h.head.sequence.saturating_add(1));
    let mut previous = held.map(|h| h.head.record);
    let mut previous_time = held.map(|h| h.head_created_at);
    let mut last = None;
    for (index, envelope) in request.records.iter().enumerate() {
        let bad = |reason| Refusal::BadRecord { index, reason };
        let link = open_link(envelope, &request.issuer).map_err(bad)?;
        let id = envelope.record_id();
        if index == 0 {
            match held {
                Some(h) if link.sequence == h.head.sequence && id != h.head.record => {
                    return Err(Refusal::Fork {
                        held: h.head,
                        found: link.sequence,
                        record: id,
                    });
                }
                Some(h) if link.sequence <= h.head.sequence => {
                    return Err(Refusal::Stale {
                        held: h.head,
                        found: link.sequence,
                    });
                }
                Some(h) if link.sequence == expected && link.previous != Some(h.head.record) => {
                    return Err(Refusal::Fork {
                        held: h.head,
                        found: link.sequence,
                        record: id,
                    });
                }
                _ if link.sequence > expected => {
                    return Err(Refusal::Gap {
                        expected,
                        found: link.sequence,
                    });
                }
                _ => {}
            }
        }
        if link.sequence != expected {
            return Err(bad(RecordFault::Sequence {
                expected,
                found: link.sequence,
            }));
        }
        if link.previous != previous {
            return Err(bad(RecordFault::BrokenLink {
                expected: previous,
                found: link.previous,
            }));
        }
        if let Some(p) = previous_time
            && link.created_at < p
        {
            return Err(bad(RecordFault::TimeBackwards {
                previous: p,
                found: link.created_at,
            }));
        }
        last = Some((
            Head {
                sequence: link.sequence,
                record: id,
            },
            link.created_at,
        ));
        previous = Some(id);
        previous_time = Some(link.created_at);
        expected = link.sequence.saturating_add(1);
    }
    // `records` is not empty here, so `last` is set.
    last.ok_or(Refusal::Empty)
}

/// One record of a log file, signature and link checked ([`open_link`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// 1-based line number in the file.
    pub line: usize,
    /// The envelope.
    pub envelope: Envelope,
    /// Its chain link.
    pub link: ChainLink,
    /// Its record id.
    pub id: RecordId,
}

/// Why a log file cannot be sent to a witness.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LogReadError {
    /// A line is not an envelope.
    #[error("line {line}: not an envelope: {cause}")]
    Envelope {
        /// 1-based line.
        line: usize,
        /// Why.
        #[source]
        cause: EnvelopeDecodeError,
    },
    /// A record's signature or link is refused.
    #[error("line {line}: {cause}")]
    Record {
        /// 1-based line.
        line: usize,
        /// Why.
        #[source]
        cause: RecordFault,
    },
    /// A record is not at the next sequence after the line before it, or
    /// does not name it as `previous`.
    #[error("line {line}: sequence {found} does not follow the line before on the chain")]
    NotLinked {
        /// 1-based line.
        line: usize,
        /// Its sequence.
        found: u64,
    },
}

/// Reads a log file (JSON Lines of envelopes) as a witness would take it:
/// every record checked with [`open_link`], sequences from 0 rising by one,
/// each `previous` the id of the line before. What a requester sends to a
/// witness; `created_at` order and the records' meaning are left to the
/// witness and the verifier.
pub fn read_log(bytes: &[u8], issuer: &IssuerPublicKey) -> Result<Vec<LogEntry>, LogReadError> {
    let mut out: Vec<LogEntry> = Vec::new();
    for (line, raw) in json_lines(bytes) {
        let envelope =
            Envelope::from_json(raw).map_err(|cause| LogReadError::Envelope { line, cause })?;
        let link =
            open_link(&envelope, issuer).map_err(|cause| LogReadError::Record { line, cause })?;
        let linked = match out.last() {
            None => link.sequence == 0 && link.previous.is_none(),
            Some(p) => {
                Some(link.sequence) == p.link.sequence.checked_add(1) && link.previous == Some(p.id)
            }
        };
        if !linked {
            return Err(LogReadError::NotLinked {
                line,
                found: link.sequence,
            });
        }
        let id = envelope.record_id();
        out.push(LogEntry {
            line,
            envelope,
            link,
            id,
        });
    }
    Ok(out)
}
