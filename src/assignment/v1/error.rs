//! Errors of team assignment: one enum for the phase, with the rule that
//! binds and what would fix it.

use std::fmt;

use serde::Serialize;

use crate::registers::uscc::Uscc;

/// Why teams could not be assigned.
///
/// Serialises as a JSON object tagged by `kind` (`rules`, `duplicate-entity`,
/// `region-unknown`, `no-team`), as the test vectors record it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AssignError {
    /// The team rules cannot be met whatever the seed; checked before any draw.
    #[error("team rules: {0}")]
    Rules(#[from] RulesError),
    /// The drawn list holds one entity twice.
    #[error("entity {uscc} appears twice in the drawn list; pass each drawn entity once")]
    DuplicateEntity {
        /// The repeated code.
        uscc: Uscc,
    },
    /// Cross-jurisdiction mode is on and a drawn entity has no region, so the rule cannot be checked.
    #[error(
        "entity {uscc} has no region, so cross-jurisdiction (所所交叉) cannot be enforced; record its region in the entity register or use any-jurisdiction"
    )]
    RegionUnknown {
        /// The entity without a region.
        uscc: Uscc,
    },
    /// No team meeting every rule could be formed for an entity; `reason` names the binding rule.
    #[error("no team for entity {uscc}: {slot}: {reason}")]
    NoTeam {
        /// The entity left without a team.
        uscc: Uscc,
        /// The team place that could not be filled.
        slot: SlotKind,
        /// The rule that left no candidate.
        reason: Binding,
    },
}

/// Team rules that no draw can satisfy (checked in the order listed in
/// `docs/spec/assignment.md`, before the random stream is used).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "rule", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RulesError {
    /// Fewer than two officers per team (行政处罚法 art. 42 requires at least two).
    #[error(
        "team size {team_size} is below 2; the law (行政处罚法 art. 42) requires at least two officers, so set team_size to 2 or more"
    )]
    TeamSizeBelowTwo {
        /// The team size given.
        team_size: u32,
    },
    /// A department name is empty.
    #[error("department number {position} of the task is empty; name the department")]
    EmptyDepartment {
        /// 0 for the initiating department, 1.. for the participating ones in order.
        position: usize,
    },
    /// An expertise tag is empty.
    #[error("a required expertise tag is empty; remove it or name the expertise")]
    EmptyExpertise,
    /// One department is named twice among the initiating and participating departments.
    #[error("department {department} is named twice in the task; list each department once")]
    RepeatedDepartment {
        /// The repeated department.
        department: String,
    },
    /// The team has fewer places than departments that must each send a member.
    #[error(
        "team size {team_size} is smaller than the {departments} departments that must each send an officer; raise team_size to {departments} or drop participating departments"
    )]
    TooSmallForDepartments {
        /// The team size given.
        team_size: u32,
        /// Initiating plus participating departments.
        departments: usize,
    },
    /// The team has fewer places than departments plus required expertise tags.
    #[error(
        "team size {team_size} is smaller than {departments} department place(s) plus {tags} expertise place(s); raise team_size to {needed} or require fewer expertise tags",
        needed = *departments + *tags
    )]
    TooSmallForExpertise {
        /// The team size given.
        team_size: u32,
        /// Initiating plus participating departments.
        departments: usize,
        /// Distinct required expertise tags.
        tags: usize,
    },
    /// A workload cap of zero allows no assignment at all.
    #[error(
        "the workload cap is 0, so nobody can be assigned; raise the workload cap or remove it"
    )]
    ZeroWorkloadCap,
    /// The rotation policy needs the previous draw's teams, and none were given.
    #[error(
        "rotation is avoid-previous-team but no history was given; pass the previous draw's teams (an empty history for a first draw) or turn rotation off"
    )]
    HistoryMissing,
    /// A task department has no inspector in the register at all.
    #[error(
        "department {department} has no inspector in the inspector register; add its inspectors to the register or draw across units"
    )]
    DepartmentNotInRegister {
        /// The department without inspectors.
        department: String,
    },
    /// No inspector of the task's departments holds a required expertise tag.
    #[error(
        "no inspector of the task's departments holds expertise {tag}; record the qualification, add a qualified inspector or a participating department that has one"
    )]
    NoHolderOfExpertise {
        /// The expertise nobody holds.
        tag: String,
    },
    /// The team size exceeds the number of inspectors in the task's departments.
    #[error(
        "team size {team_size} exceeds the {inspectors} inspectors of the task's departments; lower team_size, add inspectors or draw across units"
    )]
    TeamLargerThanDepartments {
        /// The team size given.
        team_size: u32,
        /// Inspectors in the task's departments (any certificate state).
        inspectors: usize,
    },
    /// The workload cap times the inspectors with a valid certificate is below the places to fill.
    #[error(
        "{places} team places to fill but the workload cap allows only {capacity} ({inspectors} inspectors with a valid certificate); raise the workload cap or add inspectors"
    )]
    CapacityTooLow {
        /// Drawn entities times team size.
        places: u64,
        /// Workload cap times `inspectors`.
        capacity: u64,
        /// Inspectors of the task's departments with a certificate valid on the inspection date.
        inspectors: usize,
    },
}

/// A place in a team, filled in the order: departments, expertise, any.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SlotKind {
    /// The place of a department that must send a member (initiating or participating).
    Department {
        /// The department.
        department: String,
    },
    /// The place of a required expertise tag that no member holds yet.
    Expertise {
        /// The tag.
        tag: String,
    },
    /// A remaining place, open to any task department.
    Any,
}

impl fmt::Display for SlotKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SlotKind::Department { department } => write!(f, "place for department {department}"),
            SlotKind::Expertise { tag } => write!(f, "place for expertise {tag}"),
            SlotKind::Any => f.write_str("open place"),
        }
    }
}

/// Why each inspector who could fill a place was turned away; each is
/// counted once, under the first rule it fails in the order of the fields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Breakdown {
    /// Inspectors the place draws from (the department, the tag holders, or the task's departments).
    pub total: u32,
    /// Already on this entity's team.
    pub on_team: u32,
    /// Certificate not valid on the inspection date.
    pub expired: u32,
    /// Declared conflict with the entity.
    pub conflicted: u32,
    /// Jurisdiction covers the entity's region (cross-jurisdiction mode).
    pub same_jurisdiction: u32,
    /// On the entity's team in the previous draw (rotation).
    pub rotation: u32,
    /// Already at the workload cap.
    pub at_cap: u32,
}

impl fmt::Display for Breakdown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} in total: {} already on the team, {} certificate not valid, {} conflicted, {} same jurisdiction, {} rotation, {} at the workload cap",
            self.total,
            self.on_team,
            self.expired,
            self.conflicted,
            self.same_jurisdiction,
            self.rotation,
            self.at_cap
        )
    }
}

/// The rule that left a team place without a candidate.
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error, Serialize)]
#[serde(tag = "binding", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Binding {
    /// Every inspector who passes every other rule has a declared conflict with the entity.
    #[error(
        "all {conflicted} otherwise eligible inspector(s) declared a conflict with this entity; add unconflicted inspectors to the department or draw across units (a conflicted officer is never used)"
    )]
    AllConflicted {
        /// Inspectors turned away only by their conflict.
        conflicted: u32,
    },
    /// Every inspector who passes every other rule is already at the workload cap.
    #[error(
        "all {at_cap} otherwise eligible inspector(s) already carry the workload cap of {cap} entities; raise the workload cap or add inspectors"
    )]
    CapacityExhausted {
        /// The workload cap.
        cap: u32,
        /// Inspectors turned away only by the cap.
        at_cap: u32,
    },
    /// Nobody of a required department is eligible for the entity.
    #[error(
        "nobody in department {department} is eligible ({breakdown}); add inspectors to {department} or draw across units"
    )]
    DepartmentHasNobodyEligible {
        /// The department.
        department: String,
        /// Why its inspectors were turned away.
        breakdown: Breakdown,
    },
    /// No eligible inspector holds a required expertise tag.
    #[error(
        "no eligible inspector holds expertise {tag} ({breakdown}); qualify or add inspectors with {tag} in the task's departments"
    )]
    NobodyWithExpertise {
        /// The tag.
        tag: String,
        /// Why its holders were turned away.
        breakdown: Breakdown,
    },
    /// Fewer distinct eligible inspectors than the team size.
    #[error(
        "a team needs {needed} distinct inspectors but only {available} are eligible for this entity ({breakdown}); lower the team size, add inspectors or draw across units"
    )]
    TooFewEligible {
        /// The team size.
        needed: u32,
        /// Inspectors eligible for the entity, ignoring workload.
        available: u32,
        /// Why the task departments' other inspectors were turned away.
        breakdown: Breakdown,
    },
}
