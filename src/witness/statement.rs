//! The cosigned statement and its envelope.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

use super::COSIGNATURE_TYPE;
use crate::calendar::Timestamp;
use crate::records::{
    Envelope, EnvelopeError, IssuerKey, IssuerPublicKey, KEY_ID_HEX_LEN, RecordId, sign, verify,
};

/// Which of an issuer's two hash chains a log is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogKind {
    /// The receipt chain: commitments, draws, cancellations (`"receipts"`).
    Receipts,
    /// The results ledger (一公开): results, corrections, checkpoints (`"results"`).
    Results,
}

impl LogKind {
    /// Both kinds.
    pub const ALL: [LogKind; 2] = [LogKind::Receipts, LogKind::Results];

    /// `receipts` or `results`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogKind::Receipts => "receipts",
            LogKind::Results => "results",
        }
    }
}

impl fmt::Display for LogKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that names no log kind.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a log kind (receipts or results)")]
pub struct LogKindError {
    /// The text given (at most 80 characters of it).
    pub text: String,
}

impl FromStr for LogKind {
    type Err = LogKindError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LogKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| LogKindError {
                text: s.chars().take(80).collect(),
            })
    }
}

/// Serde adapter: a key id, exactly 64 lowercase hex digits.
pub(crate) mod key_id_text {
    use super::*;

    pub(crate) fn serialize<S: serde::Serializer>(k: &str, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(k)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        let s = String::deserialize(d)?;
        if is_key_id(&s) {
            Ok(s)
        } else {
            Err(serde::de::Error::custom(format_args!(
                "{:?} is not a key id (64 lowercase hex digits)",
                s.chars().take(80).collect::<String>()
            )))
        }
    }

    pub(crate) fn is_key_id(s: &str) -> bool {
        s.len() == KEY_ID_HEX_LEN && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    }
}

/// The log a head belongs to: `{"issuer":NAME,"key_id":HEX,"kind":KIND}`.
///
/// A log is named by its issuer key: a key change starts new logs.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogId {
    /// The issuer's name, as in its public key file.
    pub issuer: String,
    /// The issuer key's id.
    #[serde(with = "key_id_text")]
    pub key_id: String,
    /// Receipt chain or results ledger.
    pub kind: LogKind,
}

impl LogId {
    /// The log of `kind` signed by `key`.
    pub fn of(key: &IssuerPublicKey, kind: LogKind) -> LogId {
        LogId {
            issuer: key.issuer().to_owned(),
            key_id: key.key_id().to_owned(),
            kind,
        }
    }
}

/// A chain head: the sequence number and record id of a log's last record,
/// `{"sequence":"N","record":HEX}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Head {
    /// The record's sequence number.
    #[serde(with = "crate::json::u64_string")]
    pub sequence: u64,
    /// The record's id.
    pub record: RecordId,
}

impl fmt::Display for Head {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.sequence, self.record)
    }
}

/// Who cosigned: `{"name":NAME,"key_id":HEX}`, as in the witness's key file.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WitnessId {
    /// The witness's name (the `issuer` line of its key file).
    pub name: String,
    /// The witness key's id.
    #[serde(with = "key_id_text")]
    pub key_id: String,
}

impl WitnessId {
    /// The witness of `key`.
    pub fn of(key: &IssuerPublicKey) -> WitnessId {
        WitnessId {
            name: key.issuer().to_owned(),
            key_id: key.key_id().to_owned(),
        }
    }
}

/// The payload a witness signs (`application/vnd.double-random.cosignature.v2+json`):
/// "`head` was the head of `log` when I, `witness`, saw it at `time`", and
/// every head I cosigned for this log before extends to it.
///
/// ```text
/// {"log":{"issuer":..,"key_id":..,"kind":..},"head":{"sequence":"N","record":..},"witness":{"name":..,"key_id":..},"time":"YYYY-MM-DDTHH:MM:SSZ"}
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CosignedHead {
    /// The log.
    pub log: LogId,
    /// Its head.
    pub head: Head,
    /// The witness.
    pub witness: WitnessId,
    /// The witness's clock when it cosigned.
    pub time: Timestamp,
}

impl CosignedHead {
    /// The exact payload bytes: compact JSON, members in declaration order.
    pub fn to_payload(&self) -> Vec<u8> {
        // Serialising these plain structs to a Vec cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Decodes a payload strictly: unknown, repeated or missing members,
    /// wrong types, non-canonical numbers, upper-case hex and trailing data
    /// are errors. No signature is checked.
    pub fn decode(payload: &[u8]) -> Result<CosignedHead, CosignatureError> {
        serde_json::from_slice(payload).map_err(|e| CosignatureError::Payload {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })
    }

    /// Signs the statement with the witness's key. The statement's
    /// `witness` member must name that key (see [`CosignedHead::new`]).
    pub fn sign(&self, witness: &IssuerKey) -> Envelope {
        sign(COSIGNATURE_TYPE, &self.to_payload(), witness)
    }

    /// The statement `witness` makes about `head` of `log` at `time`.
    pub fn new(log: LogId, head: Head, witness: &IssuerPublicKey, time: Timestamp) -> Self {
        CosignedHead {
            log,
            head,
            witness: WitnessId::of(witness),
            time,
        }
    }
}

/// A cosignature whose signature verified under a witness key and whose
/// payload decoded strictly and names that key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cosignature {
    statement: CosignedHead,
    envelope: Envelope,
}

impl Cosignature {
    /// Opens a cosignature envelope with one witness key: the payload type
    /// is [`COSIGNATURE_TYPE`], the signature by `witness` verifies
    /// strictly, the payload decodes strictly, and its `witness` member
    /// names `witness` (name and key id).
    pub fn open(envelope: &Envelope, witness: &IssuerPublicKey) -> Result<Self, CosignatureError> {
        if envelope.payload_type() != COSIGNATURE_TYPE {
            return Err(CosignatureError::PayloadType {
                found: envelope.payload_type().chars().take(200).collect(),
            });
        }
        let payload = verify(envelope, COSIGNATURE_TYPE, witness)?;
        let statement = CosignedHead::decode(payload)?;
        if statement.witness.key_id != witness.key_id()
            || statement.witness.name != witness.issuer()
        {
            return Err(CosignatureError::WitnessMismatch {
                stated: statement.witness,
                actual: WitnessId::of(witness),
            });
        }
        Ok(Cosignature {
            statement,
            envelope: envelope.clone(),
        })
    }

    /// The verified statement.
    pub fn statement(&self) -> &CosignedHead {
        &self.statement
    }

    /// The envelope it was opened from.
    pub fn envelope(&self) -> &Envelope {
        &self.envelope
    }
}

/// Why a cosignature envelope does not open.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CosignatureError {
    /// The payload type is not [`COSIGNATURE_TYPE`].
    #[error("payload type {found:?} is not a cosignature")]
    PayloadType {
        /// The type found.
        found: String,
    },
    /// The witness's signature is missing, ambiguous or does not verify.
    #[error(transparent)]
    Signature(#[from] EnvelopeError),
    /// The payload breaks the schema.
    #[error(
        "cosignature payload does not follow the schema at line {line}, column {column}: {message}"
    )]
    Payload {
        /// Line in the payload.
        line: usize,
        /// Column in the payload.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The payload names another witness than the key that signed it.
    #[error(
        "cosignature names witness {} (key {}), but was signed by {} (key {})",
        stated.name, stated.key_id, actual.name, actual.key_id
    )]
    WitnessMismatch {
        /// The witness the payload names.
        stated: WitnessId,
        /// The key that signed.
        actual: WitnessId,
    },
}

impl CosignatureError {
    /// A stable short name: `payload-type`, the envelope error's kind
    /// (`bad-signature`, `no-signature-for-key`, ...), `bad-payload`,
    /// `witness-mismatch`.
    pub fn kind(&self) -> &'static str {
        match self {
            CosignatureError::PayloadType { .. } => "payload-type",
            CosignatureError::Signature(e) => e.kind(),
            CosignatureError::Payload { .. } => "bad-payload",
            CosignatureError::WitnessMismatch { .. } => "witness-mismatch",
        }
    }
}
