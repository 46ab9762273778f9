//! Ledger format version 2: the exact JSON of results (one per draw,
//! entity and department, with the department's check items), corrections,
//! checkpoints and follow-up progress (docs/spec/ledger.md §1).

use serde::{Deserialize, Serialize};
use time::Date;

use super::{
    Approver, CHECKPOINT_TYPE, CORRECTION_TYPE, CheckpointPayload, CorrectionPayload, LedgerRecord,
    PROGRESS_TYPE, PublishedFile, RESULT_TYPE, ResultFields, ResultPayload, categories, methods,
};
use crate::calendar::date::date_text;
use crate::ledger::category::{FollowUp, ResultCategory};
use crate::records::{ChainLink, Count, FormatVersion, RecordError, RecordId, payload_error};
use crate::registers::InspectionMethod;
use crate::registers::uscc::Uscc;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    draw: RecordId,
    task: String,
    uscc: Uscc,
    department: String,
    items: Vec<String>,
    #[serde(with = "date_text")]
    inspection_start: Date,
    #[serde(with = "date_text")]
    inspection_end: Date,
    #[serde(with = "methods")]
    methods: Vec<InspectionMethod>,
    #[serde(
        serialize_with = "categories::serialize",
        deserialize_with = "categories::deserialize_v2"
    )]
    categories: Vec<ResultCategory>,
    findings: String,
    follow_ups: Vec<FollowUp>,
    inspectors: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Result {
    chain: ChainLink,
    result: Fields,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Correction {
    chain: ChainLink,
    corrects: RecordId,
    reason: String,
    approver: Approver,
    result: Fields,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Checkpoint {
    chain: ChainLink,
    head: RecordId,
    #[serde(with = "crate::json::u64_string")]
    head_sequence: u64,
    results: Count,
    files: Vec<PublishedFile>,
}

impl From<Fields> for ResultFields {
    fn from(f: Fields) -> Self {
        ResultFields {
            draw: f.draw,
            task: f.task,
            uscc: f.uscc,
            department: Some(f.department),
            items: Some(f.items),
            inspection_start: f.inspection_start,
            inspection_end: f.inspection_end,
            methods: f.methods,
            categories: f.categories,
            findings: f.findings,
            follow_ups: f.follow_ups,
            inspectors: f.inspectors,
        }
    }
}

fn not_v2(reason: &'static str) -> RecordError {
    RecordError::NotExpressible {
        format: FormatVersion::V2,
        reason,
    }
}

fn fields(f: &ResultFields) -> std::result::Result<Fields, RecordError> {
    let (Some(department), Some(items)) = (&f.department, &f.items) else {
        return Err(not_v2("a result without its department and check items"));
    };
    if !f.categories.iter().all(|c| c.in_v2()) {
        return Err(not_v2(
            "the joined category deregistered (version 1): use deregistration, licence-revoked, registration-revoked or moved-out",
        ));
    }
    Ok(Fields {
        draw: f.draw,
        task: f.task.clone(),
        uscc: f.uscc,
        department: department.clone(),
        items: items.clone(),
        inspection_start: f.inspection_start,
        inspection_end: f.inspection_end,
        methods: f.methods.clone(),
        categories: f.categories.clone(),
        findings: f.findings.clone(),
        follow_ups: f.follow_ups.clone(),
        inspectors: f.inspectors.clone(),
    })
}

/// Decodes a version-2 payload strictly.
pub(super) fn decode(
    payload_type: &str,
    payload: &[u8],
) -> std::result::Result<LedgerRecord, RecordError> {
    let bad = |e| payload_error(payload_type, e);
    Ok(match payload_type {
        RESULT_TYPE => {
            let r: Result = serde_json::from_slice(payload).map_err(bad)?;
            LedgerRecord::Result(ResultPayload {
                format: FormatVersion::V2,
                chain: r.chain,
                result: r.result.into(),
            })
        }
        CORRECTION_TYPE => {
            let c: Correction = serde_json::from_slice(payload).map_err(bad)?;
            LedgerRecord::Correction(CorrectionPayload {
                format: FormatVersion::V2,
                chain: c.chain,
                corrects: c.corrects,
                reason: c.reason,
                approver: c.approver,
                result: c.result.into(),
            })
        }
        CHECKPOINT_TYPE => {
            let c: Checkpoint = serde_json::from_slice(payload).map_err(bad)?;
            LedgerRecord::Checkpoint(CheckpointPayload {
                format: FormatVersion::V2,
                chain: c.chain,
                head: c.head,
                head_sequence: c.head_sequence,
                results: c.results,
                files: c.files,
            })
        }
        PROGRESS_TYPE => LedgerRecord::Progress(serde_json::from_slice(payload).map_err(bad)?),
        other => {
            return Err(RecordError::UnknownPayloadType {
                payload_type: other.to_owned(),
            });
        }
    })
}

/// Encodes a record as version-2 JSON, members in the order of docs/spec/ledger.md.
pub(super) fn encode(record: &LedgerRecord) -> std::result::Result<Vec<u8>, RecordError> {
    let json = match record {
        LedgerRecord::Result(p) => serde_json::to_vec(&Result {
            chain: p.chain.clone(),
            result: fields(&p.result)?,
        }),
        LedgerRecord::Correction(p) => serde_json::to_vec(&Correction {
            chain: p.chain.clone(),
            corrects: p.corrects,
            reason: p.reason.clone(),
            approver: p.approver.clone(),
            result: fields(&p.result)?,
        }),
        LedgerRecord::Checkpoint(p) => serde_json::to_vec(&Checkpoint {
            chain: p.chain.clone(),
            head: p.head,
            head_sequence: p.head_sequence,
            results: p.results,
            files: p.files.clone(),
        }),
        LedgerRecord::Progress(p) => serde_json::to_vec(p),
    };
    // Serialising these plain structs to a Vec cannot fail.
    Ok(json.unwrap_or_default())
}
