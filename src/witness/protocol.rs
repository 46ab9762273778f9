//! The body of an HTTP `POST /add-checkpoint`, decoded strictly.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::state::{CheckpointRequest, Limits};
use super::statement::{Head, LogKind};
use crate::records::{Envelope, EnvelopeDecodeError, IssuerPublicKey, KeyFileError};

/// The JSON body of `POST /add-checkpoint`, members in this order:
///
/// ```text
/// {"issuer_public_key":KEY_FILE_TEXT,"kind":"receipts"|"results","old":null|{"sequence":"N","record":HEX},"records":[ENVELOPE,...],"key_change":null|ENVELOPE}
/// ```
///
/// Every member is required (`old` and `key_change` may be `null`);
/// unknown and repeated members are errors. Envelopes are JSON objects,
/// each decoded as strictly as a chain line.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddCheckpointBody {
    /// The issuer's public key file, its text.
    pub issuer_public_key: String,
    /// Receipt chain or results ledger.
    pub kind: LogKind,
    /// The head the requester believes the witness holds.
    #[serde(deserialize_with = "Option::deserialize")]
    pub old: Option<Head>,
    /// The records after `old`, as envelope JSON objects.
    pub records: Vec<Box<RawValue>>,
    /// A key change envelope, or `null`.
    #[serde(deserialize_with = "Option::deserialize")]
    pub key_change: Option<Box<RawValue>>,
}

impl AddCheckpointBody {
    /// The body for a request (what a client sends).
    pub fn from_request(request: &CheckpointRequest) -> AddCheckpointBody {
        let raw = |e: &Envelope| {
            // An envelope's JSON is always a valid JSON object.
            RawValue::from_string(e.to_json()).unwrap_or_else(|_| null())
        };
        AddCheckpointBody {
            issuer_public_key: request.issuer.to_text(),
            kind: request.kind,
            old: request.old,
            records: request.records.iter().map(raw).collect(),
            key_change: request.key_change.as_ref().map(raw),
        }
    }

    /// The compact JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

fn null() -> Box<RawValue> {
    RawValue::NULL.to_owned()
}

/// Why a request body is refused before the witness looks at it (HTTP 400).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// Not JSON of the body's schema.
    #[error("the body does not follow the schema at line {line}, column {column}: {message}")]
    Json {
        /// Line in the body.
        line: usize,
        /// Column in the body.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The issuer public key file is not valid.
    #[error("issuer_public_key: {0}")]
    PublicKey(#[source] KeyFileError),
    /// A record is not an envelope.
    #[error("records[{index}]: not an envelope: {cause}")]
    Record {
        /// 0-based index.
        index: usize,
        /// Why.
        #[source]
        cause: EnvelopeDecodeError,
    },
    /// The key change is not an envelope.
    #[error("key_change: not an envelope: {0}")]
    KeyChange(#[source] EnvelopeDecodeError),
    /// More records than the witness takes.
    #[error("{count} records in one request, at most {limit}")]
    TooManyRecords {
        /// Records sent.
        count: usize,
        /// The limit.
        limit: usize,
    },
}

impl RequestError {
    /// A stable short name: `json`, `bad-public-key`, `bad-envelope`,
    /// `bad-key-change`, `too-many-records`.
    pub fn kind(&self) -> &'static str {
        match self {
            RequestError::Json { .. } => "json",
            RequestError::PublicKey(_) => "bad-public-key",
            RequestError::Record { .. } => "bad-envelope",
            RequestError::KeyChange(_) => "bad-key-change",
            RequestError::TooManyRecords { .. } => "too-many-records",
        }
    }
}

/// Decodes an `add-checkpoint` body strictly into a request for
/// [`super::add_checkpoint`].
pub fn parse_add_checkpoint(
    body: &[u8],
    limits: &Limits,
) -> Result<CheckpointRequest, RequestError> {
    let raw: AddCheckpointBody = serde_json::from_slice(body).map_err(|e| RequestError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    if raw.records.len() > limits.max_records {
        return Err(RequestError::TooManyRecords {
            count: raw.records.len(),
            limit: limits.max_records,
        });
    }
    let issuer =
        IssuerPublicKey::from_text(&raw.issuer_public_key).map_err(RequestError::PublicKey)?;
    let records = raw
        .records
        .iter()
        .enumerate()
        .map(|(index, r)| {
            Envelope::from_json(r.get().as_bytes())
                .map_err(|cause| RequestError::Record { index, cause })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let key_change = raw
        .key_change
        .map(|r| Envelope::from_json(r.get().as_bytes()).map_err(RequestError::KeyChange))
        .transpose()?;
    Ok(CheckpointRequest {
        issuer,
        kind: raw.kind,
        old: raw.old,
        records,
        key_change,
    })
}
