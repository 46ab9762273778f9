//! The JSON answers of the HTTP protocol (`docs/spec/witness.md` §6). The
//! request body is the library's [`double_random::witness::AddCheckpointBody`].

use double_random::witness::{Head, Refusal, RequestError};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// `GET /`: who the witness is.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WitnessInfo {
    /// The witness's name (its key file's `issuer` line).
    pub name: String,
    /// Its key id.
    pub key_id: String,
    /// Its public key file, the text.
    pub public_key: String,
}

/// `GET /logs/{issuer_key_id}/{kind}`: the latest head cosigned for a log.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogAnswer {
    /// The head.
    pub head: Head,
    /// Its latest cosignature, an envelope JSON object.
    pub cosignature: Box<RawValue>,
}

/// Every refusal and error answer: `{"error":KIND,"message":TEXT,...}`.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ErrorAnswer {
    /// A stable kind: a [`Refusal::kind`], a [`RequestError::kind`],
    /// `unknown-log`, `bad-path`, `internal`.
    pub error: String,
    /// For people.
    pub message: String,
    /// The head the witness holds (`conflict`, `fork`, `stale`; `null` for
    /// a conflict on a log it never cosigned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held: Option<Option<Head>>,
    /// For `bad-record`: the 0-based index of the record in the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// For `bad-record`: the reason's kind ([`double_random::witness::RecordFault::kind`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl ErrorAnswer {
    /// An answer of `kind` with `message`.
    pub fn new(kind: &str, message: impl ToString) -> Self {
        ErrorAnswer {
            error: kind.to_owned(),
            message: message.to_string(),
            ..Default::default()
        }
    }

    /// The JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The HTTP status and answer for a refusal: `409` for `conflict` and
/// `fork` (with `held`), `503` for `time-backwards` (the witness's clock),
/// `500` for `state-mismatch` (the witness's bug), `422` for the others.
pub fn refusal_answer(r: &Refusal) -> (u16, ErrorAnswer) {
    let mut a = ErrorAnswer::new(r.kind(), r);
    let status = match r {
        Refusal::Conflict { held } => {
            a.held = Some(*held);
            409
        }
        Refusal::Fork { held, .. } => {
            a.held = Some(Some(*held));
            409
        }
        Refusal::Stale { held, .. } => {
            a.held = Some(Some(*held));
            422
        }
        Refusal::BadRecord { index, reason } => {
            a.index = Some(*index);
            a.reason = Some(reason.kind().to_owned());
            422
        }
        Refusal::TimeBackwards { .. } => 503,
        Refusal::StateMismatch => 500,
        _ => 422,
    };
    (status, a)
}

/// The HTTP status and answer for a body that does not decode: `400`.
pub fn request_error_answer(e: &RequestError) -> (u16, ErrorAnswer) {
    (400, ErrorAnswer::new(e.kind(), e))
}
