//! Errors of version-2 team assignment: one enum per phase (rules, the
//! assignment itself), with the rule that binds and what would fix it.

use std::fmt;

use serde::Serialize;

use crate::registers::uscc::Uscc;

/// Why teams could not be assigned.
///
/// Serialises as a JSON object tagged by `kind` (`rules`, `history-missing`,
/// `duplicate-entity`, `region-unknown`, `no-team`), as the test vectors
/// record it (`docs/spec/assignment.md`, version 2, §V2.9).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AssignError {
    /// The team rules are inconsistent; checked before any randomness is used.
    #[error("team rules: {0}")]
    Rules(#[from] RulesError),
    /// The rotation rule needs the previous draw's teams, and none were given.
    #[error(
        "rotation is avoid-previous-team but no history was given; pass the previous draw's teams (an empty history for a first draw) or turn rotation off"
    )]
    HistoryMissing,
    /// The drawn list holds one entity twice.
    #[error("entity {uscc} appears twice in the drawn list; pass each drawn entity once")]
    DuplicateEntity {
        /// The repeated code (its second occurrence in draw order).
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
    /// No assignment of the drawn entities meets every rule; `reason` names what binds at the first place that cannot be filled.
    #[error(
        "no team for entity {uscc}: place {place} cannot be filled by any assignment of the drawn entities: {reason}"
    )]
    NoTeam {
        /// The entity whose place could not be filled.
        uscc: Uscc,
        /// The place (0-based index into the rules' places).
        place: usize,
        /// What binds.
        reason: Binding,
    },
}

/// Team rules that are inconsistent in themselves, whatever the registers
/// (checked in the order of `docs/spec/assignment.md` §V2.4).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "rule", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RulesError {
    /// Fewer than two places per team (行政处罚法 art. 42 requires at least two officers).
    #[error(
        "a team has {places} place(s); the law (行政处罚法 art. 42) requires at least two officers, so give the team two places or more"
    )]
    TooFewPlaces {
        /// The number of places given.
        places: usize,
    },
    /// More places than [`super::MAX_PLACES`].
    #[error("a team has {places} places, more than the {max} allowed; use fewer places")]
    TooManyPlaces {
        /// The number of places given.
        places: usize,
        /// The most allowed.
        max: usize,
    },
    /// More departments than [`super::MAX_DEPARTMENTS`].
    #[error(
        "the task names {departments} departments, more than the {max} allowed; split the task"
    )]
    TooManyDepartments {
        /// Initiating plus participating departments.
        departments: usize,
        /// The most allowed.
        max: usize,
    },
    /// A department name is empty or only white space.
    #[error("department number {position} of the task is blank; name the department")]
    BlankDepartment {
        /// 0 for the initiating department, 1.. for the participating ones in order.
        position: usize,
    },
    /// One department is named twice among the initiating and participating departments.
    #[error("department {department} is named twice in the task; list each department once")]
    RepeatedDepartment {
        /// The repeated department.
        department: String,
    },
    /// A place names a department that is not one of the task's.
    #[error(
        "place {place} is for department {department}, which is not a department of the task; add it as a participating department or correct the place"
    )]
    PlaceDepartmentNotInTask {
        /// The place (0-based).
        place: usize,
        /// The department it names.
        department: String,
    },
    /// A place lists more expertise tags than [`super::MAX_TAGS_PER_PLACE`].
    #[error("place {place} lists {tags} expertise tags, more than the {max} allowed")]
    TooManyTags {
        /// The place (0-based).
        place: usize,
        /// The number of tags listed.
        tags: usize,
        /// The most allowed.
        max: usize,
    },
    /// A place lists an expertise tag that is empty or only white space.
    #[error("place {place} lists a blank expertise tag; remove it or name the expertise")]
    BlankExpertise {
        /// The place (0-based).
        place: usize,
    },
    /// A task department has no place of its own, so a team might not include it.
    #[error(
        "department {department} takes part in the task but no place is for it; a joint task fields every department, so give it a place"
    )]
    DepartmentWithoutPlace {
        /// The department without a place.
        department: String,
    },
    /// A workload cap of zero allows no assignment at all.
    #[error(
        "the workload cap is 0, so nobody can be assigned; raise the workload cap or remove it"
    )]
    ZeroWorkloadCap,
}

/// Why every officer of a place's department(s) was turned away for an
/// entity; each is counted once, under the first rule it fails in the
/// order of the fields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Breakdown {
    /// Officers of the place's department (of any task department for an open place).
    pub total: u32,
    /// Lacking an expertise tag the place requires.
    pub lacks_expertise: u32,
    /// Certificate not valid on the inspection date.
    pub expired: u32,
    /// Declared conflict with the entity.
    pub conflicted: u32,
    /// Jurisdiction covers the entity's region (cross-jurisdiction mode).
    pub same_jurisdiction: u32,
    /// On the entity's team in the previous draw (rotation).
    pub rotation: u32,
}

impl fmt::Display for Breakdown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} officer(s) of the department(s): {} lack the expertise, {} certificate not valid, {} conflicted, {} same jurisdiction, {} rotation",
            self.total,
            self.lacks_expertise,
            self.expired,
            self.conflicted,
            self.same_jurisdiction,
            self.rotation
        )
    }
}

/// What leaves a place without an officer in every assignment of the drawn
/// entities (the first that applies, in this order).
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error, Serialize)]
#[serde(tag = "binding", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Binding {
    /// No officer is eligible for the place of this entity at all, whatever the loads.
    #[error(
        "nobody is eligible for this place ({breakdown}); add or qualify officers of the department, or draw across units (a conflicted officer is never used)"
    )]
    NobodyEligible {
        /// Why the department's officers were turned away.
        breakdown: Breakdown,
    },
    /// These places of the entity's team can only be filled by fewer distinct officers than places.
    #[error(
        "the entity's places {places:?} can only be filled by the {n} officer(s) {officers:?}; add eligible officers or ask for fewer places with these requirements",
        n = officers.len()
    )]
    TooFewForTeam {
        /// The places (0-based, ascending).
        places: Vec<usize>,
        /// The only officers who could fill them (ids in canonical order), one fewer than the places.
        officers: Vec<String>,
    },
    /// Every officer who could fill the place, directly or by moving others along, carries the workload cap.
    #[error(
        "every officer who could fill this place, directly or by moving other officers along, already carries the workload cap of {cap} ({officers} officer(s), {places} place(s) searched); raise the workload cap or add officers"
    )]
    CapacityExhausted {
        /// The workload cap.
        cap: u32,
        /// Officers reached by the search, all at the cap.
        officers: u32,
        /// Places the search visited.
        places: u32,
    },
}
