//! Format version 1: the payload types, their exact JSON and the draw
//! algorithm id. Records of this version are still read and verified; the
//! office's tool no longer writes them (except in tests that make
//! version-1 vectors).

use serde::{Deserialize, Serialize};
use time::Date;

use super::{
    CancellationPayload, ChainLink, CommitmentPayload, DrawPayload, DrawnEntity, EntityRootRecord,
    FormatVersion, PerClass, RandomnessPlan, RandomnessValue, Record, RecordError, RecordId,
    RegisterRoots, RootRecord, TaskRecord, TeamSpec, TopUp, payload_error,
};
use crate::assignment::{Team, v1::TeamRules};
use crate::commitment::Hash;

/// Payload type of version-1 commitment records.
pub const COMMITMENT_TYPE: &str = "application/vnd.double-random.commitment.v1+json";
/// Payload type of version-1 draw records.
pub const DRAW_TYPE: &str = "application/vnd.double-random.draw.v1+json";
/// Payload type of version-1 cancellation records.
pub const CANCELLATION_TYPE: &str = "application/vnd.double-random.cancellation.v1+json";
/// The draw algorithm of format version 1.
pub const DRAW_ALGORITHM: &str = "double-random/draw/v1";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Task {
    id: String,
    name: String,
    items: Vec<String>,
    ratios_bp: PerClass<u32>,
    team: TeamRules,
    #[serde(with = "crate::calendar::date::opt_date_text")]
    inspection_date: Option<Date>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Registers {
    entities: EntityRootRecord,
    inspectors: RootRecord,
    conflicts: RootRecord,
    #[serde(deserialize_with = "Option::deserialize")]
    items: Option<RootRecord>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Commitment {
    chain: ChainLink,
    task: Task,
    registers: Registers,
    randomness: RandomnessPlan,
    #[serde(deserialize_with = "Option::deserialize")]
    history: Option<RecordId>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Draw {
    chain: ChainLink,
    commitment: RecordId,
    randomness: RandomnessValue,
    #[serde(with = "crate::hex::hash")]
    seed: Hash,
    algorithm: String,
    library_version: String,
    #[serde(with = "crate::calendar::date::date_text")]
    inspection_date: Date,
    drawn: PerClass<Vec<DrawnEntity>>,
    teams: Vec<Team>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cancellation {
    chain: ChainLink,
    commitment: RecordId,
    reason: String,
}

/// Decodes a version-1 payload strictly.
pub(super) fn decode(payload_type: &str, payload: &[u8]) -> Result<Record, RecordError> {
    let bad = |e| payload_error(payload_type, e);
    Ok(match payload_type {
        COMMITMENT_TYPE => {
            let c: Commitment = serde_json::from_slice(payload).map_err(bad)?;
            Record::Commitment(CommitmentPayload {
                format: FormatVersion::V1,
                chain: c.chain,
                task: TaskRecord {
                    id: c.task.id,
                    name: c.task.name,
                    items: c.task.items,
                    ratios_bp: c.task.ratios_bp,
                    top_up: TopUp::AnyClass,
                    scope: None,
                    exclude_drawn: Vec::new(),
                    team: TeamSpec::V1(c.task.team),
                    inspection_date: c.task.inspection_date,
                    max_supplements: None,
                },
                registers: RegisterRoots {
                    entities: c.registers.entities,
                    master: None,
                    inspectors: c.registers.inspectors,
                    conflicts: c.registers.conflicts,
                    items: c.registers.items,
                },
                randomness: c.randomness,
                history: c.history,
            })
        }
        DRAW_TYPE => {
            let d: Draw = serde_json::from_slice(payload).map_err(bad)?;
            Record::Draw(DrawPayload {
                format: FormatVersion::V1,
                chain: d.chain,
                commitment: d.commitment,
                randomness: d.randomness,
                seed: d.seed,
                algorithm: d.algorithm,
                library_version: d.library_version,
                witnessing: None,
                inspection_date: Some(d.inspection_date),
                drawn: d.drawn,
                teams: d.teams,
            })
        }
        CANCELLATION_TYPE => {
            let c: Cancellation = serde_json::from_slice(payload).map_err(bad)?;
            Record::Cancellation(CancellationPayload {
                format: FormatVersion::V1,
                chain: c.chain,
                commitment: c.commitment,
                reason: c.reason,
            })
        }
        other => {
            return Err(RecordError::UnknownPayloadType {
                payload_type: other.to_owned(),
            });
        }
    })
}

fn not_v1(reason: &'static str) -> RecordError {
    RecordError::NotExpressible {
        format: FormatVersion::V1,
        reason,
    }
}

/// Encodes a record as version-1 JSON (used to make version-1 test vectors).
pub(super) fn encode(record: &Record) -> Result<Vec<u8>, RecordError> {
    let json = match record {
        Record::Commitment(c) => {
            let TeamSpec::V1(team) = &c.task.team else {
                return Err(not_v1("version-2 team rules"));
            };
            if c.task.scope.is_some() || c.registers.master.is_some() {
                return Err(not_v1("a scope or master register"));
            }
            if !c.task.exclude_drawn.is_empty()
                || c.task.top_up != TopUp::AnyClass
                || c.task.max_supplements.is_some()
            {
                return Err(not_v1(
                    "an exclusion, a top-up policy or a supplement limit",
                ));
            }
            serde_json::to_vec(&Commitment {
                chain: c.chain.clone(),
                task: Task {
                    id: c.task.id.clone(),
                    name: c.task.name.clone(),
                    items: c.task.items.clone(),
                    ratios_bp: c.task.ratios_bp.clone(),
                    team: team.clone(),
                    inspection_date: c.task.inspection_date,
                },
                registers: Registers {
                    entities: c.registers.entities.clone(),
                    inspectors: c.registers.inspectors,
                    conflicts: c.registers.conflicts,
                    items: c.registers.items,
                },
                randomness: c.randomness.clone(),
                history: c.history,
            })
        }
        Record::Draw(d) => {
            let (Some(date), None) = (d.inspection_date, d.witnessing) else {
                return Err(not_v1(
                    "a draw without its inspection date, or with witnessing",
                ));
            };
            serde_json::to_vec(&Draw {
                chain: d.chain.clone(),
                commitment: d.commitment,
                randomness: d.randomness.clone(),
                seed: d.seed,
                algorithm: d.algorithm.clone(),
                library_version: d.library_version.clone(),
                inspection_date: date,
                drawn: d.drawn.clone(),
                teams: d.teams.clone(),
            })
        }
        Record::Cancellation(c) => serde_json::to_vec(&Cancellation {
            chain: c.chain.clone(),
            commitment: c.commitment,
            reason: c.reason.clone(),
        }),
        Record::Replacement(_) | Record::Supplement(_) => {
            return Err(not_v1("an after-draw record (format version 2 only)"));
        }
    };
    // Serialising these plain structs to a Vec cannot fail.
    Ok(json.unwrap_or_default())
}
