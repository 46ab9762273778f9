//! Team assignment of format version 1 (`double-random/draw/v1`): greedy,
//! department places, then expertise places, then open places.
//!
//! The algorithm is part of the published format and is specified in
//! `docs/spec/assignment.md`; this module follows that text step by step.
//! It is deterministic: the same seed, drawn list, registers, rules, date
//! and history give the same teams on every machine and in every version
//! of this format.

mod error;

use std::collections::HashMap;
use std::num::NonZeroU64;

use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::registers::uscc::Uscc;

use super::{ASSIGNMENT_STREAM, History, JurisdictionPolicy, RotationPolicy, Team};
use crate::registers::{ConflictRegister, Entity, Inspector, InspectorRegister};
use crate::sampling::{keystream, uniform_below};

pub use error::{AssignError, Binding, Breakdown, RulesError, SlotKind};

/// What a team must look like for one task (抽查任务).
///
/// As a record member every field is required (no defaults): a signed
/// commitment states its rules in full. Task files have their own, friendlier
/// reader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamRules {
    /// Officers per team; at least 2 (行政处罚法 art. 42).
    pub team_size: u32,
    /// The initiating department (发起部门/股室).
    pub initiating_department: String,
    /// Participating departments (配合部门) of a joint task, in the task's order; empty for a single-department task.
    pub participating_departments: Vec<String>,
    /// Expertise tags each team must hold, at least one member per tag (from the task's key items).
    pub required_expertise: Vec<String>,
    /// Most entities one officer may be assigned in this task; `None` for no cap.
    // `deserialize_with` makes the member required (`null` for no cap):
    // serde would otherwise read a missing `Option` as `None`.
    #[serde(deserialize_with = "Option::deserialize")]
    pub workload_cap: Option<u32>,
    /// Jurisdiction rule.
    pub jurisdiction: JurisdictionPolicy,
    /// Rotation rule.
    pub rotation: RotationPolicy,
}

impl TeamRules {
    /// Rules for a single-department task with no expertise, cap, jurisdiction or rotation rule.
    pub fn new(team_size: u32, initiating_department: impl Into<String>) -> Self {
        TeamRules {
            team_size,
            initiating_department: initiating_department.into(),
            participating_departments: Vec::new(),
            required_expertise: Vec::new(),
            workload_cap: None,
            jurisdiction: JurisdictionPolicy::default(),
            rotation: RotationPolicy::default(),
        }
    }

    /// The task's departments in canonical order: initiating first, then
    /// participating in the task's order.
    pub fn departments(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.initiating_department.as_str())
            .chain(self.participating_departments.iter().map(String::as_str))
    }

    /// The rules' own consistency, needing no register (the first checks of
    /// every assignment): at least two officers, non-empty and distinct
    /// departments, non-empty expertise tags, room in a team for one
    /// officer per department and per tag, a workload cap of at least 1,
    /// and a history when the rotation rule is on (`history_given`).
    pub fn check(&self, history_given: bool) -> Result<(), RulesError> {
        let team_size = self.team_size;
        if team_size < 2 {
            return Err(RulesError::TeamSizeBelowTwo { team_size });
        }
        let departments: Vec<&str> = self.departments().collect();
        if let Some(position) = departments.iter().position(|d| d.is_empty()) {
            return Err(RulesError::EmptyDepartment { position });
        }
        let tags = self.expertise_tags();
        if tags.first().is_some_and(|t| t.is_empty()) {
            return Err(RulesError::EmptyExpertise);
        }
        let mut seen = std::collections::HashSet::new();
        for d in &departments {
            if !seen.insert(*d) {
                return Err(RulesError::RepeatedDepartment {
                    department: (*d).to_owned(),
                });
            }
        }
        let size = usize::try_from(team_size).unwrap_or(usize::MAX);
        if size < departments.len() {
            return Err(RulesError::TooSmallForDepartments {
                team_size,
                departments: departments.len(),
            });
        }
        if size < departments.len() + tags.len() {
            return Err(RulesError::TooSmallForExpertise {
                team_size,
                departments: departments.len(),
                tags: tags.len(),
            });
        }
        if self.workload_cap == Some(0) {
            return Err(RulesError::ZeroWorkloadCap);
        }
        if self.rotation == RotationPolicy::AvoidPreviousTeam && !history_given {
            return Err(RulesError::HistoryMissing);
        }
        Ok(())
    }

    /// The required expertise tags in canonical order: sorted by bytes, each once.
    pub fn expertise_tags(&self) -> Vec<&str> {
        let mut tags: Vec<&str> = self.required_expertise.iter().map(String::as_str).collect();
        tags.sort_unstable();
        tags.dedup();
        tags
    }
}

/// The task, indexed once: canonical lists per department and per tag.
struct Plan<'a> {
    reg: &'a [Inspector],
    departments: Vec<&'a str>,
    tags: Vec<&'a str>,
    team_size: u32,
    cap: Option<u32>,
    cross: bool,
    /// Certificate valid on the inspection date, per inspector.
    valid: Vec<bool>,
    /// Per task department: every register inspector of it, canonical order.
    dept_lists: Vec<Vec<usize>>,
    /// Per required tag: every task-department inspector holding it, canonical order.
    tag_lists: Vec<Vec<usize>>,
    /// Every task-department inspector, canonical order.
    any_list: Vec<usize>,
    /// Task-department inspectors with a valid certificate.
    valid_pool: usize,
    /// Valid task-department inspectors per (non-empty) jurisdiction string.
    valid_by_jurisdiction: HashMap<&'a str, usize>,
}

/// What one entity excludes: conflicted and previous-team inspectors,
/// sorted register indices.
struct EntityExclusions<'a> {
    region: &'a str,
    conflicted: Vec<usize>,
    previous: Vec<usize>,
}

impl<'a> Plan<'a> {
    fn new(
        inspectors: &'a InspectorRegister,
        rules: &'a TeamRules,
        date: Date,
        history_given: bool,
        drawn: usize,
    ) -> Result<Self, RulesError> {
        rules.check(history_given)?;
        let team_size = rules.team_size;
        let size = usize::try_from(team_size).unwrap_or(usize::MAX);
        let departments: Vec<&str> = rules.departments().collect();
        let tags = rules.expertise_tags();
        let mut dept_index: HashMap<&str, usize> = HashMap::new();
        for (k, d) in departments.iter().enumerate() {
            dept_index.insert(d, k);
        }

        let reg = inspectors.inspectors();
        let mut dept_lists = vec![Vec::new(); departments.len()];
        let mut tag_lists = vec![Vec::new(); tags.len()];
        let mut any_list = Vec::new();
        let mut valid = Vec::with_capacity(reg.len());
        let mut valid_pool = 0usize;
        let mut valid_by_jurisdiction: HashMap<&str, usize> = HashMap::new();
        for (i, insp) in reg.iter().enumerate() {
            let ok = insp.certificate_valid_on(date);
            valid.push(ok);
            let Some(&k) = dept_index.get(insp.department.as_str()) else {
                continue;
            };
            dept_lists[k].push(i);
            any_list.push(i);
            for (t, tag) in tags.iter().enumerate() {
                if insp.has_expertise(tag) {
                    tag_lists[t].push(i);
                }
            }
            if ok {
                valid_pool += 1;
                if !insp.region.is_empty() {
                    *valid_by_jurisdiction
                        .entry(insp.region.as_str())
                        .or_insert(0) += 1;
                }
            }
        }
        for (k, list) in dept_lists.iter().enumerate() {
            if list.is_empty() {
                return Err(RulesError::DepartmentNotInRegister {
                    department: departments[k].to_owned(),
                });
            }
        }
        for (t, list) in tag_lists.iter().enumerate() {
            if list.is_empty() {
                return Err(RulesError::NoHolderOfExpertise {
                    tag: tags[t].to_owned(),
                });
            }
        }
        if size > any_list.len() {
            return Err(RulesError::TeamLargerThanDepartments {
                team_size,
                inspectors: any_list.len(),
            });
        }
        if let Some(cap) = rules.workload_cap {
            let places = u64::from(team_size).saturating_mul(drawn as u64);
            let capacity = u64::from(cap).saturating_mul(valid_pool as u64);
            if places > capacity {
                return Err(RulesError::CapacityTooLow {
                    places,
                    capacity,
                    inspectors: valid_pool,
                });
            }
        }
        Ok(Plan {
            reg,
            departments,
            tags,
            team_size,
            cap: rules.workload_cap,
            cross: rules.jurisdiction == JurisdictionPolicy::CrossJurisdiction,
            valid,
            dept_lists,
            tag_lists,
            any_list,
            valid_pool,
            valid_by_jurisdiction,
        })
    }

    fn same_jurisdiction(&self, i: usize, ex: &EntityExclusions<'_>) -> bool {
        self.cross && self.reg[i].jurisdiction_covers(ex.region)
    }

    /// Eligible for the entity, ignoring load (department membership is
    /// given by the list the index comes from).
    fn eligible(&self, i: usize, ex: &EntityExclusions<'_>) -> bool {
        self.valid[i]
            && ex.conflicted.binary_search(&i).is_err()
            && !self.same_jurisdiction(i, ex)
            && ex.previous.binary_search(&i).is_err()
    }

    /// Number of task-department inspectors eligible for the entity, ignoring
    /// load, without scanning the task's inspectors.
    fn eligible_count(&self, ex: &EntityExclusions<'_>) -> usize {
        let mut excluded = 0usize;
        if self.cross {
            // Each inspector has one jurisdiction string; it covers the region
            // exactly when it is a non-empty prefix of it.
            for (end, _) in ex.region.char_indices().skip(1) {
                excluded += self
                    .valid_by_jurisdiction
                    .get(&ex.region[..end])
                    .copied()
                    .unwrap_or(0);
            }
            if !ex.region.is_empty() {
                excluded += self
                    .valid_by_jurisdiction
                    .get(ex.region)
                    .copied()
                    .unwrap_or(0);
            }
        }
        // Conflicted or previous-team inspectors of the task's departments
        // with a valid certificate, not already counted by jurisdiction.
        let mut merged: Vec<usize> = ex
            .conflicted
            .iter()
            .chain(ex.previous.iter())
            .copied()
            .filter(|&i| self.valid[i] && !self.same_jurisdiction(i, ex))
            .filter(|&i| self.in_task(i))
            .collect();
        merged.sort_unstable();
        merged.dedup();
        self.valid_pool
            .saturating_sub(excluded)
            .saturating_sub(merged.len())
    }

    fn in_task(&self, i: usize) -> bool {
        self.departments.contains(&self.reg[i].department.as_str())
    }

    /// Why nobody could fill a place: see "Errors" in the specification.
    fn diagnose(
        &self,
        slot: &Slot,
        team: &[usize],
        ex: &EntityExclusions<'_>,
        load: &[u32],
    ) -> Binding {
        let mut b = Breakdown::default();
        let mut only_conflict = 0u32;
        let mut only_cap = 0u32;
        for &i in self.slot_list(slot) {
            b.total = b.total.saturating_add(1);
            if team.contains(&i) {
                b.on_team = b.on_team.saturating_add(1);
                continue;
            }
            let expired = !self.valid[i];
            let conflicted = ex.conflicted.binary_search(&i).is_ok();
            let jurisdiction = self.same_jurisdiction(i, ex);
            let rotation = ex.previous.binary_search(&i).is_ok();
            let at_cap = self.cap.is_some_and(|c| load[i] >= c);
            if expired {
                b.expired = b.expired.saturating_add(1);
            } else if conflicted {
                b.conflicted = b.conflicted.saturating_add(1);
            } else if jurisdiction {
                b.same_jurisdiction = b.same_jurisdiction.saturating_add(1);
            } else if rotation {
                b.rotation = b.rotation.saturating_add(1);
            } else if at_cap {
                b.at_cap = b.at_cap.saturating_add(1);
            }
            let others = expired || jurisdiction || rotation;
            if conflicted && !others && !at_cap {
                only_conflict = only_conflict.saturating_add(1);
            }
            if at_cap && !others && !conflicted {
                only_cap = only_cap.saturating_add(1);
            }
        }
        if only_conflict > 0 {
            return Binding::AllConflicted {
                conflicted: only_conflict,
            };
        }
        if let (Some(cap), true) = (self.cap, only_cap > 0) {
            return Binding::CapacityExhausted {
                cap,
                at_cap: only_cap,
            };
        }
        match *slot {
            Slot::Department(k) => Binding::DepartmentHasNobodyEligible {
                department: self.departments[k].to_owned(),
                breakdown: b,
            },
            Slot::Expertise(t) => Binding::NobodyWithExpertise {
                tag: self.tags[t].to_owned(),
                breakdown: b,
            },
            Slot::Any => Binding::TooFewEligible {
                needed: self.team_size,
                available: u32::try_from(self.eligible_count(ex)).unwrap_or(u32::MAX),
                breakdown: b,
            },
        }
    }

    fn slot_list(&self, slot: &Slot) -> &[usize] {
        match *slot {
            Slot::Department(k) => &self.dept_lists[k],
            Slot::Expertise(t) => &self.tag_lists[t],
            Slot::Any => &self.any_list,
        }
    }

    fn slot_kind(&self, slot: &Slot) -> SlotKind {
        match *slot {
            Slot::Department(k) => SlotKind::Department {
                department: self.departments[k].to_owned(),
            },
            Slot::Expertise(t) => SlotKind::Expertise {
                tag: self.tags[t].to_owned(),
            },
            Slot::Any => SlotKind::Any,
        }
    }
}

/// A team place, by index into the plan's departments or tags.
enum Slot {
    Department(usize),
    Expertise(usize),
    Any,
}

/// Exclusions per drawn entity, built once: the conflicts of drawn
/// entities (one pass over the conflict register) and previous teams.
fn exclusions<'a>(
    drawn: &'a [Entity],
    position: &HashMap<Uscc, usize>,
    inspectors: &InspectorRegister,
    conflicts: &ConflictRegister,
    rules: &TeamRules,
    history: Option<&History>,
) -> Vec<EntityExclusions<'a>> {
    let mut excl: Vec<EntityExclusions<'a>> = drawn
        .iter()
        .map(|e| EntityExclusions {
            region: e.region(),
            conflicted: Vec::new(),
            previous: Vec::new(),
        })
        .collect();
    for c in conflicts.conflicts() {
        if let (Some(&p), Some(i)) = (position.get(&c.uscc), inspectors.index_of(&c.inspector_id)) {
            excl[p].conflicted.push(i);
        }
    }
    if let (RotationPolicy::AvoidPreviousTeam, Some(h)) = (rules.rotation, history) {
        for (p, e) in drawn.iter().enumerate() {
            excl[p].previous = h
                .previous_team(&e.uscc)
                .iter()
                .filter_map(|id| inspectors.index_of(id))
                .collect();
        }
    }
    for ex in &mut excl {
        ex.conflicted.sort_unstable();
        ex.conflicted.dedup();
        ex.previous.sort_unstable();
        ex.previous.dedup();
    }
    excl
}

/// Assigns an inspection team to every drawn entity (the second random of 双随机).
///
/// `seed` is the draw seed; the teams come from ChaCha20 stream
/// [`ASSIGNMENT_STREAM`] of it. `drawn` is the drawn list in draw order;
/// the teams come back in the same order. `date` is the inspection date
/// on which certificates must be valid. `history` holds the previous
/// draw's teams and is required when `rules.rotation` is
/// [`RotationPolicy::AvoidPreviousTeam`] (ignored otherwise).
///
/// An inspector is eligible for an entity when they belong to one of the
/// task's departments, their certificate is valid on `date`, they declared
/// no conflict with the entity, the jurisdiction and rotation rules allow
/// them, and they are below the workload cap. A conflicted or expired
/// inspector is never assigned: when no team can be formed the call fails
/// with [`AssignError::NoTeam`], naming the entity, the place and the rule
/// that binds.
///
/// The algorithm is specified step by step in `docs/spec/assignment.md`:
/// entities with the fewest eligible inspectors are served first; each
/// team fills one place per department, then one per missing expertise
/// tag, then open places; each place takes, among the candidates with the
/// lowest load in this task, one chosen uniformly by rejection sampling.
///
/// ```
/// use double_random::{assignment::v1::{TeamRules, assign_teams}, registers::{ConflictRegister, CreditClass, Entity, Inspector, InspectorRegister}};
/// use time::{Date, Month};
///
/// let officer = |id: &str| Inspector {
///     id: id.into(),
///     name: id.into(),
///     department: "执法一队".into(),
///     region: String::new(),
///     expertise: Vec::new(),
///     cert_valid_from: None,
///     cert_valid_to: None,
/// };
/// let inspectors = InspectorRegister::new(vec![officer("J001"), officer("J002"), officer("J003")])?;
/// let drawn = [Entity::new("91350100M000100Y43".parse()?, "某公司", CreditClass::B, "350100", "")];
/// let date = Date::from_calendar_date(2025, Month::March, 10)?;
/// let rules = TeamRules::new(2, "执法一队");
/// let seed = [7u8; 32];
/// let teams = assign_teams(&seed, &drawn, &inspectors, &ConflictRegister::default(), &rules, date, None)?;
/// assert_eq!(teams[0].inspectors.len(), 2);
/// // Same inputs, same teams.
/// let again = assign_teams(&seed, &drawn, &inspectors, &ConflictRegister::default(), &rules, date, None)?;
/// assert_eq!(teams, again);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`AssignError::Rules`] when no seed could satisfy the rules (checked
/// before any randomness is used), [`AssignError::DuplicateEntity`] and
/// [`AssignError::RegionUnknown`] for unusable drawn lists, and
/// [`AssignError::NoTeam`] when an entity's team cannot be completed.
pub fn assign_teams(
    seed: &[u8; 32],
    drawn: &[Entity],
    inspectors: &InspectorRegister,
    conflicts: &ConflictRegister,
    rules: &TeamRules,
    date: Date,
    history: Option<&History>,
) -> Result<Vec<Team>, AssignError> {
    let plan = Plan::new(inspectors, rules, date, history.is_some(), drawn.len())?;

    // The drawn list: each entity once; a region wherever cross-jurisdiction needs one.
    let mut position: HashMap<Uscc, usize> = HashMap::with_capacity(drawn.len());
    for (p, e) in drawn.iter().enumerate() {
        if position.insert(e.uscc, p).is_some() {
            return Err(AssignError::DuplicateEntity { uscc: e.uscc });
        }
    }
    if plan.cross
        && let Some(e) = drawn.iter().find(|e| e.region().is_empty())
    {
        return Err(AssignError::RegionUnknown { uscc: e.uscc });
    }

    let excl = exclusions(drawn, &position, inspectors, conflicts, rules, history);

    // Step 1: serve the entities with the fewest eligible inspectors first;
    // ties keep the draw order (the sort is stable).
    let counts: Vec<usize> = excl.iter().map(|ex| plan.eligible_count(ex)).collect();
    let mut order: Vec<usize> = (0..drawn.len()).collect();
    order.sort_by_key(|&p| counts[p]);

    // Step 2: fill each team's places from stream 16 of the seed.
    let mut rng = keystream(seed, ASSIGNMENT_STREAM);
    let mut load = vec![0u32; plan.reg.len()];
    let mut picked: Vec<Vec<usize>> = vec![Vec::new(); drawn.len()];
    let mut ties: Vec<usize> = Vec::new();
    let size = usize::try_from(plan.team_size).unwrap_or(usize::MAX);
    for &p in &order {
        let ex = &excl[p];
        let mut team: Vec<usize> = Vec::with_capacity(size.min(plan.any_list.len()));
        let mut fill = |slot: Slot, team: &mut Vec<usize>, rng: &mut ChaCha20Rng| {
            ties.clear();
            let mut min = u32::MAX;
            for &i in plan.slot_list(&slot) {
                let l = load[i];
                if l > min
                    || plan.cap.is_some_and(|c| l >= c)
                    || team.contains(&i)
                    || !plan.eligible(i, ex)
                {
                    continue;
                }
                if l < min {
                    min = l;
                    ties.clear();
                }
                ties.push(i);
            }
            let Some(count) = NonZeroU64::new(ties.len() as u64) else {
                return Err(AssignError::NoTeam {
                    uscc: drawn[p].uscc,
                    slot: plan.slot_kind(&slot),
                    reason: plan.diagnose(&slot, team, ex, &load),
                });
            };
            // j < ties.len(), so the index is in range.
            let i = ties[uniform_below(rng, count) as usize];
            load[i] = load[i].saturating_add(1);
            team.push(i);
            Ok(())
        };
        for k in 0..plan.departments.len() {
            fill(Slot::Department(k), &mut team, &mut rng)?;
        }
        for (t, tag) in plan.tags.iter().enumerate() {
            if !team.iter().any(|&i| plan.reg[i].has_expertise(tag)) {
                fill(Slot::Expertise(t), &mut team, &mut rng)?;
            }
        }
        while team.len() < size {
            fill(Slot::Any, &mut team, &mut rng)?;
        }
        picked[p] = team;
    }

    // Step 3: the teams in draw order.
    Ok(drawn
        .iter()
        .zip(picked)
        .map(|(e, team)| Team {
            uscc: e.uscc,
            inspectors: team.into_iter().map(|i| plan.reg[i].id.clone()).collect(),
        })
        .collect())
}

#[cfg(test)]
mod tests;
