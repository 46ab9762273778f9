//! Format version 2: the exact JSON of commitment, draw, cancellation,
//! replacement and supplement payloads (docs/FORMAT.md §5).

use serde::{Deserialize, Serialize};
use time::Date;

use super::{
    CANCELLATION_TYPE, COMMITMENT_TYPE, CancellationPayload, ChainLink, CommitmentPayload, Count,
    DRAW_TYPE, DrawPayload, DrawnEntity, EntityRootRecord, FormatVersion, PerClass,
    REPLACEMENT_TYPE, RandomnessPlan, RandomnessValue, Record, RecordError, RecordId,
    RegisterRoots, RootRecord, SUPPLEMENT_TYPE, Scope, TaskRecord, TeamSpec, TopUp, Witnessing,
    payload_error,
};
use crate::assignment::{Team, TeamRules};
use crate::commitment::Hash;
use crate::registers::{CreditClass, Uscc};

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Task {
    id: String,
    name: String,
    items: Vec<String>,
    ratios_bp: PerClass<u32>,
    top_up: TopUp,
    scope: Scope,
    exclude_drawn: Vec<RecordId>,
    team: TeamRules,
    #[serde(with = "crate::calendar::date::date_text")]
    inspection_date: Date,
    max_supplements: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Registers {
    entities: EntityRootRecord,
    master: RootRecord,
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

/// A drawn entity with its team, as version 2 lists it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Drawn {
    rank: Count,
    uscc: Uscc,
    #[serde(deserialize_with = "exact_team")]
    team: Vec<String>,
}

/// A team's member ids in a vector of exactly their number: serde grows a
/// vector to room for four, and a draw may hold 50,000 teams.
fn exact_team<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let ids = Vec::<String>::deserialize(d)?;
    let mut exact = Vec::with_capacity(ids.len());
    exact.extend(ids);
    Ok(exact)
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
    witnessing: Witnessing,
    drawn: PerClass<Vec<Drawn>>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cancellation {
    chain: ChainLink,
    commitment: RecordId,
    reason: String,
}

/// Decodes a version-2 payload strictly.
pub(super) fn decode(payload_type: &str, payload: &[u8]) -> Result<Record, RecordError> {
    let bad = |e| payload_error(payload_type, e);
    Ok(match payload_type {
        COMMITMENT_TYPE => {
            let c: Commitment = serde_json::from_slice(payload).map_err(bad)?;
            Record::Commitment(CommitmentPayload {
                format: FormatVersion::V2,
                chain: c.chain,
                task: TaskRecord {
                    id: c.task.id,
                    name: c.task.name,
                    items: c.task.items,
                    ratios_bp: c.task.ratios_bp,
                    top_up: c.task.top_up,
                    scope: Some(c.task.scope),
                    exclude_drawn: c.task.exclude_drawn,
                    team: TeamSpec::V2(c.task.team),
                    inspection_date: Some(c.task.inspection_date),
                    max_supplements: Some(c.task.max_supplements),
                },
                registers: RegisterRoots {
                    entities: c.registers.entities,
                    master: Some(c.registers.master),
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
            let mut teams = Vec::new();
            let mut per: [Vec<DrawnEntity>; 4] = Default::default();
            let [a, b, c, dd] = [d.drawn.A, d.drawn.B, d.drawn.C, d.drawn.D];
            for (class, list) in CreditClass::ALL.into_iter().zip([a, b, c, dd]) {
                for x in list {
                    teams.push(Team {
                        uscc: x.uscc,
                        inspectors: x.team,
                    });
                    per[class.index()].push(DrawnEntity {
                        rank: x.rank,
                        uscc: x.uscc,
                    });
                }
            }
            Record::Draw(DrawPayload {
                format: FormatVersion::V2,
                chain: d.chain,
                commitment: d.commitment,
                randomness: d.randomness,
                seed: d.seed,
                algorithm: d.algorithm,
                library_version: d.library_version,
                witnessing: Some(d.witnessing),
                inspection_date: None,
                drawn: PerClass::from_array(per),
                teams,
            })
        }
        CANCELLATION_TYPE => {
            let c: Cancellation = serde_json::from_slice(payload).map_err(bad)?;
            Record::Cancellation(CancellationPayload {
                format: FormatVersion::V2,
                chain: c.chain,
                commitment: c.commitment,
                reason: c.reason,
            })
        }
        REPLACEMENT_TYPE => Record::Replacement(serde_json::from_slice(payload).map_err(bad)?),
        SUPPLEMENT_TYPE => Record::Supplement(serde_json::from_slice(payload).map_err(bad)?),
        other => {
            return Err(RecordError::UnknownPayloadType {
                payload_type: other.to_owned(),
            });
        }
    })
}

fn not_v2(reason: &'static str) -> RecordError {
    RecordError::NotExpressible {
        format: FormatVersion::V2,
        reason,
    }
}

/// Encodes a record as version-2 JSON, members in the order of FORMAT §5.
pub(super) fn encode(record: &Record) -> Result<Vec<u8>, RecordError> {
    let json = match record {
        Record::Commitment(c) => {
            let TeamSpec::V2(team) = &c.task.team else {
                return Err(not_v2("version-1 team rules"));
            };
            let (Some(scope), Some(master), Some(date), Some(max_supplements)) = (
                &c.task.scope,
                c.registers.master,
                c.task.inspection_date,
                c.task.max_supplements,
            ) else {
                return Err(not_v2(
                    "a commitment without scope, master register, inspection date or supplement limit",
                ));
            };
            serde_json::to_vec(&Commitment {
                chain: c.chain.clone(),
                task: Task {
                    id: c.task.id.clone(),
                    name: c.task.name.clone(),
                    items: c.task.items.clone(),
                    ratios_bp: c.task.ratios_bp.clone(),
                    top_up: c.task.top_up,
                    scope: scope.clone(),
                    exclude_drawn: c.task.exclude_drawn.clone(),
                    team: team.clone(),
                    inspection_date: date,
                    max_supplements,
                },
                registers: Registers {
                    entities: c.registers.entities.clone(),
                    master,
                    inspectors: c.registers.inspectors,
                    conflicts: c.registers.conflicts,
                    items: c.registers.items,
                },
                randomness: c.randomness.clone(),
                history: c.history,
            })
        }
        Record::Draw(d) => {
            let Some(witnessing) = d.witnessing else {
                return Err(not_v2("a draw without its witnessing statement"));
            };
            if d.teams.len() != d.drawn_count() {
                return Err(not_v2("teams that are not one per drawn entity"));
            }
            let mut teams = d.teams.iter();
            let mut per: [Vec<Drawn>; 4] = Default::default();
            for (class, x) in d.drawn_in_order() {
                let team = teams
                    .next()
                    .map(|t| t.inspectors.clone())
                    .unwrap_or_default();
                per[class.index()].push(Drawn {
                    rank: x.rank,
                    uscc: x.uscc,
                    team,
                });
            }
            serde_json::to_vec(&Draw {
                chain: d.chain.clone(),
                commitment: d.commitment,
                randomness: d.randomness.clone(),
                seed: d.seed,
                algorithm: d.algorithm.clone(),
                library_version: d.library_version.clone(),
                witnessing,
                drawn: PerClass::from_array(per),
            })
        }
        Record::Cancellation(c) => serde_json::to_vec(&Cancellation {
            chain: c.chain.clone(),
            commitment: c.commitment,
            reason: c.reason.clone(),
        }),
        Record::Replacement(p) => serde_json::to_vec(p),
        Record::Supplement(p) => serde_json::to_vec(p),
    };
    // Serialising these plain structs to a Vec cannot fail.
    Ok(json.unwrap_or_default())
}
