//! Ledger payloads: result, correction, checkpoint (format versions 1 and
//! 2) and follow-up progress (version 2). The domain types are here; the
//! exact JSON of each version is in [`v1`] (frozen: version-1 ledgers keep
//! verifying byte for byte) and `v2` (written).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Date;

use super::category::{FollowUp, ResultCategory};
use crate::commitment::merkle::Hash;
use crate::records::RecordId;
use crate::records::envelope::{Envelope, sign};
use crate::records::keys::{IssuerKey, IssuerPublicKey};
use crate::records::{ChainLink, Count, FormatVersion, RecordError, open_signed};
use crate::registers::InspectionMethod;
use crate::registers::uscc::Uscc;

pub mod v1;
mod v2;

/// Payload type of result records (ledger format version 2).
pub const RESULT_TYPE: &str = "application/vnd.double-random.result.v2+json";
/// Payload type of correction records (ledger format version 2).
pub const CORRECTION_TYPE: &str = "application/vnd.double-random.correction.v2+json";
/// Payload type of checkpoint records (ledger format version 2).
pub const CHECKPOINT_TYPE: &str = "application/vnd.double-random.checkpoint.v2+json";
/// Payload type of follow-up progress records (ledger format version 2 only).
pub const PROGRESS_TYPE: &str = "application/vnd.double-random.progress.v2+json";

/// Every payload type of a results ledger, both versions.
pub const LEDGER_TYPES: &[&str] = &[
    v1::RESULT_TYPE,
    v1::CORRECTION_TYPE,
    v1::CHECKPOINT_TYPE,
    RESULT_TYPE,
    CORRECTION_TYPE,
    CHECKPOINT_TYPE,
    PROGRESS_TYPE,
];

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
pub(crate) mod methods {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        v: &[InspectionMethod],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|m| method_code(*m)))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
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

/// Serde adapter: result categories of one ledger format version (a
/// category the version does not know is a schema error).
pub(crate) mod categories {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &[ResultCategory], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter())
    }

    fn of_version<'de, D: Deserializer<'de>>(
        d: D,
        known: fn(ResultCategory) -> bool,
        version: u8,
    ) -> Result<Vec<ResultCategory>, D::Error> {
        let v = Vec::<ResultCategory>::deserialize(d)?;
        if let Some(c) = v.iter().find(|c| !known(**c)) {
            return Err(serde::de::Error::custom(format_args!(
                "result category {:?} is not one of ledger format version {version}",
                c.code()
            )));
        }
        Ok(v)
    }

    pub(crate) fn deserialize_v1<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<ResultCategory>, D::Error> {
        of_version(d, ResultCategory::in_v1, 1)
    }

    pub(crate) fn deserialize_v2<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<ResultCategory>, D::Error> {
        of_version(d, ResultCategory::in_v2, 2)
    }
}

/// The fields of one inspection result, as entered and as corrected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultFields {
    /// Record id of the draw (on the issuer's receipt chain) that drew the entity.
    pub draw: RecordId,
    /// Task id, as the draw's commitment states it.
    pub task: String,
    /// The inspected entity.
    pub uscc: Uscc,
    /// Version 2: the department that checked and enters the result (谁检查、谁录入),
    /// one of the task's departments; `None` in version 1 (one result per entity).
    pub department: Option<String>,
    /// Version 2: the check items (ids) this department checked, sorted by
    /// bytes without repeats; `None` in version 1.
    pub items: Option<Vec<String>>,
    /// First day of the inspection.
    pub inspection_start: Date,
    /// Last day of the inspection (the entry deadline counts from it).
    pub inspection_end: Date,
    /// How it was checked, sorted, no repeats, at least one.
    pub methods: Vec<InspectionMethod>,
    /// Result categories, sorted, no repeats, at least one.
    pub categories: Vec<ResultCategory>,
    /// What was found, in words (internal: not published).
    pub findings: String,
    /// Follow-up measures, sorted by kind, one per kind.
    pub follow_ups: Vec<FollowUp>,
    /// Ids (certificate numbers) of the inspectors who checked: the entity's
    /// team (as amended after the draw), in team order.
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
        if let Some(d) = &mut self.department {
            *d = d.trim().to_owned();
        }
        if let Some(items) = &mut self.items {
            for i in items.iter_mut() {
                *i = i.trim().to_owned();
            }
            items.sort();
            items.dedup();
        }
    }
}

/// A result: what one check of one drawn entity found (version 2: what
/// one department's check of it found).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultPayload {
    /// The ledger format version it is written in.
    pub format: FormatVersion,
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorrectionPayload {
    /// The ledger format version it is written in.
    pub format: FormatVersion,
    /// Chain link; `created_at` is when the correction was made.
    pub chain: ChainLink,
    /// Record id of the version corrected: the result, or its latest correction.
    pub corrects: RecordId,
    /// Why.
    pub reason: String,
    /// Who approved it.
    pub approver: Approver,
    /// The full corrected result (same draw, entity and department).
    pub result: ResultFields,
}

/// Follow-up progress (后续处置进展): a penalty decision number, a
/// transfer, a completed rectification, recorded on a result after it was
/// entered. Signed by the issuer alone: it corrects nothing, and the
/// publication does not mark the result corrected. Version 2 only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgressPayload {
    /// Chain link; `created_at` is when the progress was recorded.
    pub chain: ChainLink,
    /// Record id of a version (the result or a correction) of the result it follows up.
    pub result: RecordId,
    /// The follow-up measures as they now stand, sorted by kind, one per
    /// kind: each replaces the result's measure of the same kind in
    /// publication, or adds one.
    pub follow_ups: Vec<FollowUp>,
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckpointPayload {
    /// The ledger format version it is written in.
    pub format: FormatVersion,
    /// Chain link.
    pub chain: ChainLink,
    /// Record id of the latest ledger record before this one.
    pub head: RecordId,
    /// Its sequence number.
    pub head_sequence: u64,
    /// Number of results the ledger holds at the head (version 2: one per
    /// draw, entity and department).
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
    /// Follow-up progress on a result (version 2).
    Progress(ProgressPayload),
}

impl LedgerRecord {
    /// The chain link.
    pub fn chain(&self) -> &ChainLink {
        match self {
            LedgerRecord::Result(p) => &p.chain,
            LedgerRecord::Correction(p) => &p.chain,
            LedgerRecord::Checkpoint(p) => &p.chain,
            LedgerRecord::Progress(p) => &p.chain,
        }
    }

    /// `result`, `correction`, `checkpoint` or `progress`.
    pub fn kind(&self) -> &'static str {
        match self {
            LedgerRecord::Result(_) => "result",
            LedgerRecord::Correction(_) => "correction",
            LedgerRecord::Checkpoint(_) => "checkpoint",
            LedgerRecord::Progress(_) => "progress",
        }
    }

    /// The ledger format version the record is written in.
    pub fn format(&self) -> FormatVersion {
        match self {
            LedgerRecord::Result(p) => p.format,
            LedgerRecord::Correction(p) => p.format,
            LedgerRecord::Checkpoint(p) => p.format,
            LedgerRecord::Progress(_) => FormatVersion::V2,
        }
    }

    /// The payload type.
    pub fn payload_type(&self) -> &'static str {
        match (self.format(), self) {
            (FormatVersion::V1, LedgerRecord::Result(_)) => v1::RESULT_TYPE,
            (FormatVersion::V1, LedgerRecord::Correction(_)) => v1::CORRECTION_TYPE,
            (FormatVersion::V1, LedgerRecord::Checkpoint(_)) => v1::CHECKPOINT_TYPE,
            (_, LedgerRecord::Result(_)) => RESULT_TYPE,
            (_, LedgerRecord::Correction(_)) => CORRECTION_TYPE,
            (_, LedgerRecord::Checkpoint(_)) => CHECKPOINT_TYPE,
            (_, LedgerRecord::Progress(_)) => PROGRESS_TYPE,
        }
    }

    /// The exact payload bytes: compact JSON of the record's version,
    /// members in the order of docs/spec/ledger.md. A record its version
    /// cannot express (a department in a version-1 result, a category the
    /// version does not know) is an error.
    pub fn to_payload(&self) -> Result<Vec<u8>, RecordError> {
        match self.format() {
            FormatVersion::V1 => v1::encode(self),
            FormatVersion::V2 => v2::encode(self),
        }
    }

    /// Signs the record with the issuer's key. A correction also needs the
    /// approver's signature: [`Envelope::add_signature`], or use
    /// [`sign_correction`].
    pub fn sign(&self, key: &IssuerKey) -> Result<Envelope, RecordError> {
        Ok(sign(self.payload_type(), &self.to_payload()?, key))
    }

    /// Verifies the issuer's signature and decodes the payload strictly.
    pub fn open(envelope: &Envelope, key: &IssuerPublicKey) -> Result<LedgerRecord, RecordError> {
        open_signed(
            envelope,
            key,
            LEDGER_TYPES,
            LedgerRecord::decode,
            LedgerRecord::chain,
        )
    }

    /// Decodes a payload of a known type strictly (no signature check).
    pub fn decode(payload_type: &str, payload: &[u8]) -> Result<LedgerRecord, RecordError> {
        match payload_type {
            v1::RESULT_TYPE | v1::CORRECTION_TYPE | v1::CHECKPOINT_TYPE => {
                v1::decode(payload_type, payload)
            }
            RESULT_TYPE | CORRECTION_TYPE | CHECKPOINT_TYPE | PROGRESS_TYPE => {
                v2::decode(payload_type, payload)
            }
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
) -> Result<Envelope, RecordError> {
    let mut env = LedgerRecord::Correction(payload.clone()).sign(issuer)?;
    env.add_signature(approver);
    Ok(env)
}
