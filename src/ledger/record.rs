//! Ledger payloads (format version 1): result, correction, checkpoint.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Date;

use super::category::{FollowUp, ResultCategory};
use crate::calendar::date::date_text;
use crate::commitment::merkle::Hash;
use crate::records::RecordId;
use crate::records::envelope::{Envelope, sign};
use crate::records::keys::{IssuerKey, IssuerPublicKey};
use crate::records::{ChainLink, Count, RecordError, open_signed, payload_error};
use crate::registers::InspectionMethod;
use crate::registers::uscc::Uscc;

/// Payload type of result records.
pub const RESULT_TYPE: &str = "application/vnd.double-random.result.v1+json";
/// Payload type of correction records.
pub const CORRECTION_TYPE: &str = "application/vnd.double-random.correction.v1+json";
/// Payload type of checkpoint records.
pub const CHECKPOINT_TYPE: &str = "application/vnd.double-random.checkpoint.v1+json";

/// The stable code of an inspection method: `on-site`, `written`,
/// `online-monitoring`, `entrusted`.
pub fn method_code(m: InspectionMethod) -> &'static str {
    match m {
        InspectionMethod::OnSite => "on-site",
        InspectionMethod::Written => "written",
        InspectionMethod::OnlineMonitoring => "online-monitoring",
        InspectionMethod::Entrusted => "entrusted",
    }
}

fn method_from_code(code: &str) -> Option<InspectionMethod> {
    [
        InspectionMethod::OnSite,
        InspectionMethod::Written,
        InspectionMethod::OnlineMonitoring,
        InspectionMethod::Entrusted,
    ]
    .into_iter()
    .find(|m| method_code(*m) == code)
}

/// Serde adapter: methods as their codes (exact codes only).
mod methods {
    use super::*;

    pub(super) fn serialize<S: Serializer>(
        v: &[InspectionMethod],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|m| method_code(*m)))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<InspectionMethod>, D::Error> {
        let codes = Vec::<std::borrow::Cow<'de, str>>::deserialize(d)?;
        codes
            .iter()
            .map(|c| {
                method_from_code(c).ok_or_else(|| {
                    serde::de::Error::custom(format_args!("{c:?} is not an inspection method code"))
                })
            })
            .collect()
    }
}

/// The fields of one inspection result, as entered and as corrected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultFields {
    /// Record id of the draw (on the issuer's receipt chain) that drew the entity.
    pub draw: RecordId,
    /// Task id, as the draw's commitment states it.
    pub task: String,
    /// The inspected entity.
    pub uscc: Uscc,
    /// First day of the inspection.
    #[serde(with = "date_text")]
    pub inspection_start: Date,
    /// Last day of the inspection (the entry deadline counts from it).
    #[serde(with = "date_text")]
    pub inspection_end: Date,
    /// How it was checked, sorted, no repeats, at least one.
    #[serde(with = "methods")]
    pub methods: Vec<InspectionMethod>,
    /// Result categories, sorted, no repeats, at least one.
    pub categories: Vec<ResultCategory>,
    /// What was found, in words (internal: not published).
    pub findings: String,
    /// Follow-up measures, sorted by kind, one per kind.
    pub follow_ups: Vec<FollowUp>,
    /// Ids (certificate numbers) of the inspectors who checked: the drawn team, in team order.
    pub inspectors: Vec<String>,
}

impl ResultFields {
    /// Puts the lists in their stored form: methods, categories and
    /// follow-ups sorted without repeats (of follow-ups of one kind, the
    /// first is kept), inspectors without repeats, texts trimmed.
    pub fn normalise(&mut self) {
        self.methods.sort();
        self.methods.dedup();
        self.categories.sort();
        self.categories.dedup();
        self.follow_ups.sort_by_key(|f| f.kind);
        self.follow_ups.dedup_by_key(|f| f.kind);
        for f in &mut self.follow_ups {
            if let Some(o) = &f.outcome {
                let t = o.trim();
                f.outcome = (!t.is_empty()).then(|| t.to_owned());
            }
        }
        let mut seen = std::collections::HashSet::new();
        self.inspectors.retain(|i| seen.insert(i.clone()));
        self.task = self.task.trim().to_owned();
        self.findings = self.findings.trim().to_owned();
    }
}

/// A result: what one check of one drawn entity found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultPayload {
    /// Chain link; `created_at` is the entry time.
    pub chain: ChainLink,
    /// The result.
    pub result: ResultFields,
}

/// Who approved a correction: the unit head (单位负责人).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approver {
    /// The approver's name, as in the approver's key file.
    pub name: String,
    /// The approver key's id; the envelope carries a signature by that key.
    pub key_id: String,
}

/// A correction: a result replaced with the approval of the unit head.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionPayload {
    /// Chain link; `created_at` is when the correction was made.
    pub chain: ChainLink,
    /// Record id of the version corrected: the result, or its latest correction.
    pub corrects: RecordId,
    /// Why.
    pub reason: String,
    /// Who approved it.
    pub approver: Approver,
    /// The full corrected result (same draw and entity).
    pub result: ResultFields,
}

/// A file of a publication and its digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedFile {
    /// File name, without directories.
    pub name: String,
    /// SHA-256 of the file's bytes.
    #[serde(with = "crate::hex::hash")]
    pub sha256: Hash,
    /// Size in bytes.
    pub size: Count,
}

/// A checkpoint: the ledger head at a publication and the published files' digests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckpointPayload {
    /// Chain link.
    pub chain: ChainLink,
    /// Record id of the latest ledger record before this one.
    pub head: RecordId,
    /// Its sequence number.
    #[serde(with = "crate::json::u64_string")]
    pub head_sequence: u64,
    /// Number of results (entities with a result) the ledger holds at the head.
    pub results: Count,
    /// The published files.
    pub files: Vec<PublishedFile>,
}

/// A decoded, signature-checked ledger record.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LedgerRecord {
    /// A result.
    Result(ResultPayload),
    /// A correction (its approval is checked separately: [`super::check_approval`]).
    Correction(CorrectionPayload),
    /// A checkpoint.
    Checkpoint(CheckpointPayload),
}

impl LedgerRecord {
    /// The chain link.
    pub fn chain(&self) -> &ChainLink {
        match self {
            LedgerRecord::Result(p) => &p.chain,
            LedgerRecord::Correction(p) => &p.chain,
            LedgerRecord::Checkpoint(p) => &p.chain,
        }
    }

    /// `result`, `correction` or `checkpoint`.
    pub fn kind(&self) -> &'static str {
        match self {
            LedgerRecord::Result(_) => "result",
            LedgerRecord::Correction(_) => "correction",
            LedgerRecord::Checkpoint(_) => "checkpoint",
        }
    }

    /// The payload type.
    pub fn payload_type(&self) -> &'static str {
        match self {
            LedgerRecord::Result(_) => RESULT_TYPE,
            LedgerRecord::Correction(_) => CORRECTION_TYPE,
            LedgerRecord::Checkpoint(_) => CHECKPOINT_TYPE,
        }
    }

    /// The exact payload bytes: compact JSON in declaration order.
    pub fn to_payload(&self) -> Vec<u8> {
        let r = match self {
            LedgerRecord::Result(p) => serde_json::to_vec(p),
            LedgerRecord::Correction(p) => serde_json::to_vec(p),
            LedgerRecord::Checkpoint(p) => serde_json::to_vec(p),
        };
        // Serialising these plain structs to a Vec cannot fail.
        r.unwrap_or_default()
    }

    /// Signs the record with the issuer's key. A correction also needs the
    /// approver's signature: [`Envelope::add_signature`], or use
    /// [`sign_correction`].
    pub fn sign(&self, key: &IssuerKey) -> Envelope {
        sign(self.payload_type(), &self.to_payload(), key)
    }

    /// Verifies the issuer's signature and decodes the payload strictly.
    pub fn open(envelope: &Envelope, key: &IssuerPublicKey) -> Result<LedgerRecord, RecordError> {
        open_signed(
            envelope,
            key,
            &[RESULT_TYPE, CORRECTION_TYPE, CHECKPOINT_TYPE],
            LedgerRecord::decode,
            LedgerRecord::chain,
        )
    }

    /// Decodes a payload of a known type strictly (no signature check).
    pub fn decode(payload_type: &str, payload: &[u8]) -> Result<LedgerRecord, RecordError> {
        let bad = |e| payload_error(payload_type, e);
        match payload_type {
            RESULT_TYPE => serde_json::from_slice(payload)
                .map(LedgerRecord::Result)
                .map_err(bad),
            CORRECTION_TYPE => serde_json::from_slice(payload)
                .map(LedgerRecord::Correction)
                .map_err(bad),
            CHECKPOINT_TYPE => serde_json::from_slice(payload)
                .map(LedgerRecord::Checkpoint)
                .map_err(bad),
            other => Err(RecordError::UnknownPayloadType {
                payload_type: other.to_owned(),
            }),
        }
    }
}

/// Signs a correction with the issuer's key and the approver's key (two
/// signatures over the same bytes).
pub fn sign_correction(
    payload: &CorrectionPayload,
    issuer: &IssuerKey,
    approver: &IssuerKey,
) -> Envelope {
    let mut env = LedgerRecord::Correction(payload.clone()).sign(issuer);
    env.add_signature(approver);
    env
}
