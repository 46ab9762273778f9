//! PLACEHOLDER for team assignment version 2 while its algorithm is being
//! written on another branch: the types are final, the algorithm here is a
//! plain greedy fill. Replaced before this lands.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::registers::{ConflictRegister, Entity, EntityRegister, InspectorRegister, Uscc};
use crate::sampling::{keystream, uniform_below};

use super::{ASSIGNMENT_STREAM, History, JurisdictionPolicy, RotationPolicy, Team};

/// One place of a team.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// The department the member comes from; `None` for any task department.
    #[serde(deserialize_with = "Option::deserialize")]
    pub department: Option<String>,
    /// Tags the member must hold, every one of them.
    pub expertise: Vec<String>,
}

/// What a team must look like (format v2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamRules {
    /// The initiating department.
    pub initiating_department: String,
    /// Participating departments.
    pub participating_departments: Vec<String>,
    /// The places of a team, in order.
    pub places: Vec<Place>,
    /// Most entities per officer.
    #[serde(deserialize_with = "Option::deserialize")]
    pub workload_cap: Option<u32>,
    /// Jurisdiction rule.
    pub jurisdiction: JurisdictionPolicy,
    /// Rotation rule.
    pub rotation: RotationPolicy,
}

impl TeamRules {
    /// One place for the initiating department, then open places.
    pub fn new(team_size: u32, initiating_department: impl Into<String>) -> Self {
        let d: String = initiating_department.into();
        let mut places = vec![Place {
            department: Some(d.clone()),
            expertise: Vec::new(),
        }];
        for _ in 1..team_size {
            places.push(Place {
                department: None,
                expertise: Vec::new(),
            });
        }
        TeamRules {
            initiating_department: d,
            participating_departments: Vec::new(),
            places,
            workload_cap: None,
            jurisdiction: JurisdictionPolicy::default(),
            rotation: RotationPolicy::default(),
        }
    }

    /// Officers per team.
    pub fn team_size(&self) -> usize {
        self.places.len()
    }

    /// The task's departments.
    pub fn departments(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.initiating_department.as_str())
            .chain(self.participating_departments.iter().map(String::as_str))
    }

    /// Every tag some place requires.
    pub fn required_expertise(&self) -> BTreeSet<&str> {
        self.places
            .iter()
            .flat_map(|p| p.expertise.iter().map(String::as_str))
            .collect()
    }

    /// The rules' own checks.
    pub fn check(&self) -> Result<(), RulesError> {
        if self.places.len() < 2 {
            return Err(RulesError::TooFewPlaces {
                places: self.places.len(),
            });
        }
        if self.workload_cap == Some(0) {
            return Err(RulesError::ZeroWorkloadCap);
        }
        Ok(())
    }
}

/// Team rules no draw can satisfy.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RulesError {
    /// Fewer than two places.
    #[error("a team has {places} place(s); at least 2 officers must inspect together")]
    TooFewPlaces {
        /// Places given.
        places: usize,
    },
    /// Cap zero.
    #[error("workload_cap must be at least 1")]
    ZeroWorkloadCap,
}

/// Why teams could not be assigned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AssignError {
    /// Rules.
    #[error("team rules: {0}")]
    Rules(#[from] RulesError),
    /// No team.
    #[error("no team for entity {uscc}: place {place}")]
    NoTeam {
        /// Entity.
        uscc: Uscc,
        /// Place index.
        place: usize,
    },
}

/// What the staffing check found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StaffingReport {}

/// Why a committed task could be unstaffable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StaffingError {
    /// Rules.
    #[error(transparent)]
    Rules(#[from] RulesError),
}

/// Placeholder staffing check.
pub fn staffing_check(
    _pool: &EntityRegister,
    _sizes: [u64; 4],
    _inspectors: &InspectorRegister,
    _conflicts: &ConflictRegister,
    rules: &TeamRules,
    _date: Date,
    _history: Option<&History>,
) -> Result<StaffingReport, StaffingError> {
    rules.check()?;
    Ok(StaffingReport::default())
}

/// Placeholder greedy assignment.
pub fn assign_teams(
    seed: &[u8; 32],
    drawn: &[Entity],
    inspectors: &InspectorRegister,
    conflicts: &ConflictRegister,
    rules: &TeamRules,
    date: Date,
    history: Option<&History>,
) -> Result<Vec<Team>, AssignError> {
    rules.check()?;
    let mut rng = keystream(seed, ASSIGNMENT_STREAM);
    let reg = inspectors.inspectors();
    let mut load = vec![0u32; reg.len()];
    let depts: Vec<&str> = rules.departments().collect();
    let mut out = Vec::new();
    for e in drawn {
        let mut team: Vec<usize> = Vec::new();
        for (k, p) in rules.places.iter().enumerate() {
            let ok = |i: usize, team: &[usize], load: &[u32]| {
                let x = &reg[i];
                let dept_ok = match &p.department {
                    Some(d) => x.department == *d,
                    None => depts.contains(&x.department.as_str()),
                };
                dept_ok
                    && p.expertise.iter().all(|t| x.expertise.contains(t))
                    && x.certificate_valid_on(date)
                    && !conflicts.is_conflicted(&x.id, &e.uscc)
                    && !(rules.jurisdiction == JurisdictionPolicy::CrossJurisdiction
                        && x.jurisdiction_covers(e.region()))
                    && !(rules.rotation == RotationPolicy::AvoidPreviousTeam
                        && history.is_some_and(|h| h.previous_team(&e.uscc).contains(&x.id)))
                    && !team.contains(&i)
                    && rules.workload_cap.is_none_or(|c| load[i] < c)
            };
            let c: Vec<usize> = (0..reg.len()).filter(|&i| ok(i, &team, &load)).collect();
            let Some(min) = c.iter().map(|&i| load[i]).min() else {
                return Err(AssignError::NoTeam {
                    uscc: e.uscc,
                    place: k,
                });
            };
            let l: Vec<usize> = c.into_iter().filter(|&i| load[i] == min).collect();
            let n = std::num::NonZeroU64::new(l.len() as u64).unwrap_or(std::num::NonZeroU64::MIN);
            let j = uniform_below(&mut rng, n) as usize;
            load[l[j]] += 1;
            team.push(l[j]);
        }
        out.push(Team {
            uscc: e.uscc,
            inspectors: team.iter().map(|&i| reg[i].id.clone()).collect(),
        });
    }
    Ok(out)
}
