//! Team assignment, the second "random" of 双随机: which inspectors check
//! each drawn entity.
//!
//! The algorithm is part of the published format and is specified in
//! `docs/spec/assignment.md`. It is deterministic: the same seed, drawn list,
//! registers, rules, date and history give the same teams on every machine.
//! [`v1`] is the greedy algorithm of format version 1, kept so that
//! version-1 chains keep verifying. [`v2`] (`double-random/draw/v2`) fills
//! places with department and expertise requirements and moves officers
//! when the greedy step is stuck, so a draw fails only when no assignment
//! exists; with [`staffing_check`] at commit time, none does. Its items are
//! re-exported here.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::registers::Uscc;

pub mod v1;
pub mod v2;

pub use v2::{
    AssignError, Binding, Bottleneck, Breakdown, MAX_DEPARTMENTS, MAX_PLACES, MAX_TAGS_PER_PLACE,
    OfficerKind, Pick, PickBreakdown, PickContext, PickError, Place, RulesError,
    STAFFING_WORK_LIMIT, StaffingError, StaffingReport, TeamRules, assign_teams, pick_replacement,
    pick_supplement_team, staffing_check,
};

/// The ChaCha20 stream id of team assignment. Streams 1..=4 are the entity
/// sampler's credit classes A..D; assignment reads stream 16 of the same seed.
pub const ASSIGNMENT_STREAM: u64 = 16;

/// Whether officers may inspect entities in their own jurisdiction.
///
/// A named policy, never a `bool`; the permissive mode is the default only
/// because many offices have a single jurisdiction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum JurisdictionPolicy {
    /// Any officer may inspect any entity (the default).
    #[default]
    AnyJurisdiction,
    /// Cross-station mode (所所交叉): an officer whose jurisdiction covers the
    /// entity's region ([`crate::registers::Inspector::jurisdiction_covers`]) is not eligible.
    CrossJurisdiction,
}

/// Whether the previous draw's teams restrict this draw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RotationPolicy {
    /// No rotation rule (the default).
    #[default]
    Off,
    /// No officer inspects an entity whose team in the previous draw (the
    /// [`History`]) included them.
    AvoidPreviousTeam,
}

/// The team assigned to one entity.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    /// The entity.
    pub uscc: Uscc,
    /// Inspector ids: in pick order in version 1 (department places,
    /// expertise places, open places); in place order in version 2.
    pub inspectors: Vec<String>,
}

/// The previous draw's teams, for [`RotationPolicy::AvoidPreviousTeam`]:
/// entity USCC to the ids of the inspectors who checked it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    teams: HashMap<Uscc, Vec<String>>,
}

impl History {
    /// An empty history (a first draw).
    pub fn new() -> Self {
        History::default()
    }

    /// The history of a previous draw's teams. Two teams for one entity are merged.
    pub fn from_teams<'a, I>(teams: I) -> Self
    where
        I: IntoIterator<Item = &'a Team>,
    {
        let mut h = History::new();
        for t in teams {
            h.insert(t.uscc, t.inspectors.iter().cloned());
        }
        h
    }

    /// Records that these inspectors checked the entity (added to any already recorded).
    pub fn insert<I>(&mut self, uscc: Uscc, inspector_ids: I)
    where
        I: IntoIterator<Item = String>,
    {
        let ids = self.teams.entry(uscc).or_default();
        ids.extend(inspector_ids);
        ids.sort_unstable();
        ids.dedup();
    }

    /// The ids of the inspectors who checked the entity last time, sorted; empty when none.
    pub fn previous_team(&self, uscc: &Uscc) -> &[String] {
        self.teams.get(uscc).map_or(&[], Vec::as_slice)
    }

    /// Every recorded team: entity and the sorted inspector ids, in no
    /// particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&Uscc, &[String])> {
        self.teams.iter().map(|(u, ids)| (u, ids.as_slice()))
    }

    /// Number of entities with a recorded team.
    pub fn len(&self) -> usize {
        self.teams.len()
    }

    /// True when no team is recorded.
    pub fn is_empty(&self) -> bool {
        self.teams.is_empty()
    }
}
