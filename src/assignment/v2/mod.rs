//! Team assignment of format version 2 (`double-random/draw/v2`): a team is
//! a list of places, each for a department (or any task department) and
//! a set of expertise tags; places are filled greedily from the random
//! stream, and a place the greedy step cannot fill is filled by a
//! deterministic augmenting-path search that moves officers already
//! assigned. A team is missing only when no assignment of the drawn
//! entities exists at all, and whether one exists does not depend on the
//! seed.
//!
//! The algorithm is part of the published format and is specified in
//! `docs/spec/assignment.md` (Version 2); this module follows that text
//! step by step. [`staffing_check`] is the office's check at commit time
//! that every possible draw of the committed pool can be staffed.

mod after;
mod error;
mod staffing;

use std::borrow::Borrow;
use std::collections::HashMap;
use std::num::NonZeroU64;

use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};
use time::Date;

use super::{ASSIGNMENT_STREAM, History, JurisdictionPolicy, RotationPolicy, Team};
use crate::registers::uscc::Uscc;
use crate::registers::{ConflictRegister, Entity, Inspector, InspectorRegister};
use crate::sampling::{keystream, uniform_below};

pub use after::{
    Pick, PickBreakdown, PickContext, PickError, pick_replacement, pick_supplement_team,
};
pub use error::{AssignError, Binding, Breakdown, RulesError};
pub use staffing::{
    Bottleneck, OfficerKind, STAFFING_WORK_LIMIT, StaffingError, StaffingReport, staffing_check,
};

/// Most places a team may have.
pub const MAX_PLACES: usize = 64;
/// Most departments (initiating plus participating) a task may name.
pub const MAX_DEPARTMENTS: usize = 64;
/// Most expertise tags one place may list.
pub const MAX_TAGS_PER_PLACE: usize = 64;

/// One place in a team (a seat one officer fills): the department it is for
/// and the expertise its holder must have.
///
/// As JSON: `{"department": "水资源股" | null, "expertise": ["tag", ...]}`,
/// both members required.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// The department whose officer fills the place; `None` for any of the task's departments.
    // `deserialize_with` makes the member required (`null` for any).
    #[serde(deserialize_with = "Option::deserialize")]
    pub department: Option<String>,
    /// Expertise tags (业务专长, 执法资质) the officer must hold, every one; compared as a set.
    pub expertise: Vec<String>,
}

impl Place {
    /// A place open to any task department, with no expertise required.
    pub fn open() -> Self {
        Place {
            department: None,
            expertise: Vec::new(),
        }
    }

    /// A place for an officer of `department`, with no expertise required.
    pub fn for_department(department: impl Into<String>) -> Self {
        Place {
            department: Some(department.into()),
            expertise: Vec::new(),
        }
    }

    /// The place, also requiring `tag`.
    pub fn requiring(mut self, tag: impl Into<String>) -> Self {
        self.expertise.push(tag.into());
        self
    }

    /// The expertise tags as a set: sorted by bytes, each once.
    pub fn expertise_tags(&self) -> Vec<&str> {
        let mut tags: Vec<&str> = self.expertise.iter().map(String::as_str).collect();
        tags.sort_unstable();
        tags.dedup();
        tags
    }
}

/// What a team must look like for one task (抽查任务), version 2: the
/// task's departments and one [`Place`] per officer.
///
/// As a record member every field is required (no defaults, `null` where
/// a member may be absent) and unknown fields are refused: a signed
/// commitment states its rules in full.
///
/// ```
/// use double_random::assignment::{Place, TeamRules};
///
/// // A joint task of two departments whose items need two kinds of
/// // expertise, checked by two officers: each department's officer
/// // brings one of the tags.
/// let mut rules = TeamRules::joint("水资源股", ["河道股"]);
/// rules.places[0] = Place::for_department("水资源股").requiring("取水许可");
/// rules.places[1] = Place::for_department("河道股").requiring("河道管理");
/// assert_eq!(rules.team_size(), 2);
/// rules.check()?;
/// # Ok::<(), double_random::assignment::RulesError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamRules {
    /// The initiating department (发起部门/股室).
    pub initiating_department: String,
    /// Participating departments (配合部门) of a joint task, in the task's order; empty for a single-department task.
    pub participating_departments: Vec<String>,
    /// The places of a team, in order; the team size is their number.
    pub places: Vec<Place>,
    /// Most entities one officer may be assigned in this task; `None` for no cap.
    // `deserialize_with` makes the member required (`null` for no cap).
    #[serde(deserialize_with = "Option::deserialize")]
    pub workload_cap: Option<u32>,
    /// Jurisdiction rule.
    pub jurisdiction: JurisdictionPolicy,
    /// Rotation rule.
    pub rotation: RotationPolicy,
}

impl TeamRules {
    /// Rules for a single-department task: one place for the initiating
    /// department, then `team_size - 1` open places; no expertise, cap,
    /// jurisdiction or rotation rule.
    ///
    /// A `team_size` above [`MAX_PLACES`] gives `MAX_PLACES + 1` places,
    /// which [`TeamRules::check`] refuses.
    pub fn new(team_size: u32, initiating_department: impl Into<String>) -> Self {
        let initiating_department = initiating_department.into();
        let n = usize::try_from(team_size)
            .unwrap_or(usize::MAX)
            .min(MAX_PLACES + 1);
        let places = (0..n)
            .map(|k| {
                if k == 0 {
                    Place::for_department(initiating_department.clone())
                } else {
                    Place::open()
                }
            })
            .collect();
        TeamRules {
            initiating_department,
            participating_departments: Vec::new(),
            places,
            workload_cap: None,
            jurisdiction: JurisdictionPolicy::default(),
            rotation: RotationPolicy::default(),
        }
    }

    /// Rules for a joint task (部门联合抽查): one place per department,
    /// initiating first, then the participating ones in order; no expertise,
    /// cap, jurisdiction or rotation rule. Add places with
    /// [`TeamRules::with_place`] or edit [`TeamRules::places`].
    pub fn joint<I, S>(initiating_department: impl Into<String>, participating: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let initiating_department = initiating_department.into();
        let participating_departments: Vec<String> =
            participating.into_iter().map(Into::into).collect();
        let places = std::iter::once(&initiating_department)
            .chain(&participating_departments)
            .map(|d| Place::for_department(d.clone()))
            .collect();
        TeamRules {
            initiating_department,
            participating_departments,
            places,
            workload_cap: None,
            jurisdiction: JurisdictionPolicy::default(),
            rotation: RotationPolicy::default(),
        }
    }

    /// The rules with one more place at the end.
    pub fn with_place(mut self, place: Place) -> Self {
        self.places.push(place);
        self
    }

    /// The rules with this workload cap.
    pub fn with_workload_cap(mut self, cap: u32) -> Self {
        self.workload_cap = Some(cap);
        self
    }

    /// The rules with this jurisdiction rule.
    pub fn with_jurisdiction(mut self, jurisdiction: JurisdictionPolicy) -> Self {
        self.jurisdiction = jurisdiction;
        self
    }

    /// The rules with this rotation rule.
    pub fn with_rotation(mut self, rotation: RotationPolicy) -> Self {
        self.rotation = rotation;
        self
    }

    /// Every tag some place requires, sorted by bytes, each once.
    pub fn required_expertise(&self) -> std::collections::BTreeSet<&str> {
        self.places
            .iter()
            .flat_map(|p| p.expertise.iter().map(String::as_str))
            .collect()
    }

    /// Officers per team: the number of places.
    pub fn team_size(&self) -> usize {
        self.places.len()
    }

    /// The task's departments in canonical order: initiating first, then
    /// participating in the task's order.
    pub fn departments(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.initiating_department.as_str())
            .chain(self.participating_departments.iter().map(String::as_str))
    }

    /// The rules' own consistency, needing no register (the first check of
    /// every assignment and staffing check), in the order of the
    /// specification: at least two and at most [`MAX_PLACES`] places; at
    /// most [`MAX_DEPARTMENTS`] departments, none blank (empty or only
    /// Unicode white space) or named twice; each place's department, when
    /// set, a task department, at most [`MAX_TAGS_PER_PLACE`] tags, none
    /// blank; every task department with a place of its own; a workload
    /// cap of at least 1.
    pub fn check(&self) -> Result<(), RulesError> {
        let places = self.places.len();
        if places < 2 {
            return Err(RulesError::TooFewPlaces { places });
        }
        if places > MAX_PLACES {
            return Err(RulesError::TooManyPlaces {
                places,
                max: MAX_PLACES,
            });
        }
        let departments = 1usize.saturating_add(self.participating_departments.len());
        if departments > MAX_DEPARTMENTS {
            return Err(RulesError::TooManyDepartments {
                departments,
                max: MAX_DEPARTMENTS,
            });
        }
        let names: Vec<&str> = self.departments().collect();
        if let Some(position) = names.iter().position(|d| is_blank(d)) {
            return Err(RulesError::BlankDepartment { position });
        }
        for (k, d) in names.iter().enumerate() {
            if names[..k].contains(d) {
                return Err(RulesError::RepeatedDepartment {
                    department: (*d).to_owned(),
                });
            }
        }
        for (place, p) in self.places.iter().enumerate() {
            if let Some(d) = &p.department
                && !names.contains(&d.as_str())
            {
                return Err(RulesError::PlaceDepartmentNotInTask {
                    place,
                    department: d.clone(),
                });
            }
            if p.expertise.len() > MAX_TAGS_PER_PLACE {
                return Err(RulesError::TooManyTags {
                    place,
                    tags: p.expertise.len(),
                    max: MAX_TAGS_PER_PLACE,
                });
            }
            if p.expertise.iter().any(|t| is_blank(t)) {
                return Err(RulesError::BlankExpertise { place });
            }
        }
        for d in &names {
            if !self
                .places
                .iter()
                .any(|p| p.department.as_deref() == Some(*d))
            {
                return Err(RulesError::DepartmentWithoutPlace {
                    department: (*d).to_owned(),
                });
            }
        }
        if self.workload_cap == Some(0) {
            return Err(RulesError::ZeroWorkloadCap);
        }
        Ok(())
    }
}

/// Empty or only Unicode `White_Space` characters.
fn is_blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

/// No officer / no place.
const NONE: usize = usize::MAX;

/// The task, indexed once: each place's candidate list.
pub(super) struct Plan<'a> {
    reg: &'a [Inspector],
    departments: Vec<&'a str>,
    /// Team size (number of places).
    s: usize,
    cap: Option<u32>,
    cross: bool,
    rotation: bool,
    /// Certificate valid on the inspection date, per inspector.
    valid: Vec<bool>,
    /// Task department index per inspector, [`NONE`] outside the task.
    dept_of: Vec<usize>,
    /// Per place: its department index, or `None` for any task department.
    place_dept: Vec<Option<usize>>,
    /// Per place: its tags as a set.
    place_tags: Vec<Vec<&'a str>>,
    /// Per place: index into `lists`.
    place_list: Vec<usize>,
    /// Distinct candidate lists: the inspectors who may fill the place by
    /// department and expertise and hold a certificate valid on the date,
    /// in canonical order.
    lists: Vec<Vec<usize>>,
}

impl<'a> Plan<'a> {
    fn new(
        inspectors: &'a InspectorRegister,
        rules: &'a TeamRules,
        date: Date,
    ) -> Result<Self, RulesError> {
        rules.check()?;
        let departments: Vec<&str> = rules.departments().collect();
        let dept_index: HashMap<&str, usize> = departments
            .iter()
            .enumerate()
            .map(|(k, d)| (*d, k))
            .collect();
        let reg = inspectors.inspectors();
        let valid: Vec<bool> = reg.iter().map(|i| i.certificate_valid_on(date)).collect();
        let dept_of: Vec<usize> = reg
            .iter()
            .map(|i| {
                dept_index
                    .get(i.department.as_str())
                    .copied()
                    .unwrap_or(NONE)
            })
            .collect();
        let place_dept: Vec<Option<usize>> = rules
            .places
            .iter()
            .map(|p| {
                p.department
                    .as_deref()
                    .and_then(|d| dept_index.get(d).copied())
            })
            .collect();
        let place_tags: Vec<Vec<&str>> = rules.places.iter().map(Place::expertise_tags).collect();
        // One list per distinct (department, tag set): `keys` holds the
        // first place of each.
        let mut keys: Vec<usize> = Vec::new();
        let mut place_list = Vec::with_capacity(rules.places.len());
        for p in 0..rules.places.len() {
            let same =
                |&q: &usize| place_dept[q] == place_dept[p] && place_tags[q] == place_tags[p];
            let k = match keys.iter().position(same) {
                Some(k) => k,
                None => {
                    keys.push(p);
                    keys.len() - 1
                }
            };
            place_list.push(k);
        }
        let mut plan = Plan {
            reg,
            departments,
            s: rules.places.len(),
            cap: rules.workload_cap,
            cross: rules.jurisdiction == JurisdictionPolicy::CrossJurisdiction,
            rotation: rules.rotation == RotationPolicy::AvoidPreviousTeam,
            valid,
            dept_of,
            place_dept,
            place_tags,
            place_list,
            lists: Vec::new(),
        };
        let lists = keys
            .iter()
            .map(|&p| {
                (0..reg.len())
                    .filter(|&i| plan.valid[i] && plan.fits(i, p))
                    .collect()
            })
            .collect();
        plan.lists = lists;
        Ok(plan)
    }

    /// Rule 1 of eligibility: the place's department, or any task department.
    fn in_department(&self, i: usize, d: Option<usize>) -> bool {
        match d {
            Some(d) => self.dept_of[i] == d,
            None => self.dept_of[i] != NONE,
        }
    }

    /// Rules 1 and 2 of eligibility for place `p`: department and expertise.
    fn fits(&self, i: usize, p: usize) -> bool {
        self.in_department(i, self.place_dept[p]) && holds_all(&self.reg[i], &self.place_tags[p])
    }

    /// The candidate list of place `p`.
    fn list(&self, p: usize) -> &[usize] {
        &self.lists[self.place_list[p]]
    }

    fn same_jurisdiction(&self, i: usize, ex: &Exclusions<'_>) -> bool {
        self.cross && self.reg[i].jurisdiction_covers(ex.region)
    }

    fn rotation_excludes(&self, i: usize, ex: &Exclusions<'_>) -> bool {
        self.rotation && ex.previous.binary_search(&i).is_ok()
    }

    /// Rules 3 to 6 of eligibility: certificate, conflict, jurisdiction, rotation.
    fn eligible(&self, i: usize, ex: &Exclusions<'_>) -> bool {
        self.valid[i]
            && ex.conflicted.binary_search(&i).is_err()
            && !self.same_jurisdiction(i, ex)
            && !self.rotation_excludes(i, ex)
    }

    fn at_cap(&self, load: u32) -> bool {
        self.cap.is_some_and(|c| load >= c)
    }

    /// Why nobody is eligible for place `p` of the entity (every officer of
    /// the place's department(s) counted under the first rule it fails).
    fn breakdown(&self, p: usize, ex: &Exclusions<'_>) -> Breakdown {
        let mut b = Breakdown::default();
        let inc = |x: &mut u32| *x = x.saturating_add(1);
        for i in 0..self.reg.len() {
            if !self.in_department(i, self.place_dept[p]) {
                continue;
            }
            inc(&mut b.total);
            if !holds_all(&self.reg[i], &self.place_tags[p]) {
                inc(&mut b.lacks_expertise);
            } else if !self.valid[i] {
                inc(&mut b.expired);
            } else if ex.conflicted.binary_search(&i).is_ok() {
                inc(&mut b.conflicted);
            } else if self.same_jurisdiction(i, ex) {
                inc(&mut b.same_jurisdiction);
            } else if self.rotation_excludes(i, ex) {
                inc(&mut b.rotation);
            }
        }
        b
    }
}

/// Whether the inspector holds every tag (byte for byte).
fn holds_all(i: &Inspector, tags: &[&str]) -> bool {
    tags.iter().all(|t| i.expertise.iter().any(|x| x == t))
}

/// What one drawn entity excludes: conflicted and previous-team inspectors
/// (sorted register indices) and its region.
pub(super) struct Exclusions<'a> {
    region: &'a str,
    conflicted: Vec<usize>,
    previous: Vec<usize>,
}

/// Exclusions per drawn entity, built once: the conflicts of drawn
/// entities (one pass over the conflict register) and previous teams.
fn exclusions<'a, E: Borrow<Entity>>(
    drawn: &'a [E],
    position: &HashMap<Uscc, usize>,
    inspectors: &InspectorRegister,
    conflicts: &ConflictRegister,
    plan: &Plan<'_>,
    history: Option<&History>,
) -> Vec<Exclusions<'a>> {
    let mut excl: Vec<Exclusions<'a>> = drawn
        .iter()
        .map(|e| Exclusions {
            region: e.borrow().region(),
            conflicted: Vec::new(),
            previous: Vec::new(),
        })
        .collect();
    for c in conflicts.conflicts() {
        if let (Some(&p), Some(i)) = (position.get(&c.uscc), inspectors.index_of(&c.inspector_id)) {
            excl[p].conflicted.push(i);
        }
    }
    if let (true, Some(h)) = (plan.rotation, history) {
        for (p, e) in drawn.iter().enumerate() {
            excl[p].previous = h
                .previous_team(&e.borrow().uscc)
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

/// The reusable scratch of the augmenting-path search, allocated at its
/// first use (most assignments never search).
#[derive(Default)]
struct Scratch {
    epoch: u32,
    place_mark: Vec<u32>,
    officer_mark: Vec<u32>,
    parent: Vec<usize>,
    queue: Vec<usize>,
}

impl Scratch {
    /// A fresh epoch: every mark of an earlier search is stale.
    fn begin(&mut self, places: usize, officers: usize) {
        if self.place_mark.len() != places {
            self.place_mark = vec![0; places];
            self.parent = vec![NONE; places];
        }
        if self.officer_mark.len() != officers {
            self.officer_mark = vec![0; officers];
        }
        self.epoch = match self.epoch.checked_add(1) {
            Some(e) => e,
            None => {
                self.place_mark.fill(0);
                self.officer_mark.fill(0);
                1
            }
        };
        self.queue.clear();
    }

    fn visit(&mut self, place: usize, from: usize) {
        if self.place_mark[place] != self.epoch {
            self.place_mark[place] = self.epoch;
            self.parent[place] = from;
            self.queue.push(place);
        }
    }
}

/// The state of one assignment: who holds each place and each officer's load.
struct Assignment<'p, 'a> {
    plan: &'p Plan<'a>,
    excl: &'p [Exclusions<'a>],
    /// Holder of each place `e * s + p` (global place index), [`NONE`] while empty.
    holder: Vec<usize>,
    /// Places held so far, per inspector.
    load: Vec<u32>,
    /// With a cap: the places each inspector holds, ascending (global index).
    held: Vec<Vec<usize>>,
    /// Per inspector: `g + 1` while filling place `g` if they are on its team.
    team_mark: Vec<usize>,
    scratch: Scratch,
    /// Searches run (step 2), successful or not.
    searches: u64,
}

/// A place that no assignment can fill: (entity position, place, reason).
type Stuck = (usize, usize, Binding);

impl<'p, 'a> Assignment<'p, 'a> {
    fn new(plan: &'p Plan<'a>, excl: &'p [Exclusions<'a>]) -> Self {
        let places = excl.len().saturating_mul(plan.s);
        Assignment {
            plan,
            excl,
            holder: vec![NONE; places],
            load: vec![0; plan.reg.len()],
            held: if plan.cap.is_some() {
                vec![Vec::new(); plan.reg.len()]
            } else {
                Vec::new()
            },
            team_mark: vec![0; plan.reg.len()],
            scratch: Scratch::default(),
            searches: 0,
        }
    }

    /// The global indices of entity `e`'s places.
    fn team(&self, e: usize) -> std::ops::Range<usize> {
        e * self.plan.s..(e + 1) * self.plan.s
    }

    /// The place of `e`'s team that `i` holds, if any.
    fn team_place_of(&self, e: usize, i: usize) -> Option<usize> {
        self.team(e).find(|&g| self.holder[g] == i)
    }

    /// Steps 1 and 2 for every place of every drawn entity, in draw order
    /// and place order.
    fn run(&mut self, rng: &mut ChaCha20Rng) -> Result<(), Stuck> {
        let s = self.plan.s;
        let mut ties: Vec<usize> = Vec::new();
        for e in 0..self.excl.len() {
            let ex = &self.excl[e];
            for p in 0..s {
                let g = e * s + p;
                for q in self.team(e) {
                    if let Some(m) = self.team_mark.get_mut(self.holder[q]) {
                        *m = g + 1;
                    }
                }
                // Step 1: the least-loaded eligible candidates, one drawn uniformly.
                ties.clear();
                let mut min = u32::MAX;
                for &i in self.plan.list(p) {
                    let l = self.load[i];
                    if l > min
                        || self.plan.at_cap(l)
                        || self.team_mark[i] == g + 1
                        || !self.plan.eligible(i, ex)
                    {
                        continue;
                    }
                    if l < min {
                        min = l;
                        ties.clear();
                    }
                    ties.push(i);
                }
                if let Some(n) = NonZeroU64::new(ties.len() as u64) {
                    // uniform_below(n) < n = ties.len(), so the index is in range.
                    let i = ties[uniform_below(rng, n) as usize];
                    self.holder[g] = i;
                    self.load[i] = self.load[i].saturating_add(1);
                    if let Some(h) = self.held.get_mut(i) {
                        // Places fill in ascending order, so g is the largest held.
                        h.push(g);
                    }
                    continue;
                }
                // Step 2: no free candidate; search for officers to move.
                if let Err((officers, places)) = self.search(g) {
                    return Err((e, p, self.diagnose(e, p, officers, places)));
                }
            }
        }
        Ok(())
    }

    /// The augmenting-path search of step 2 from the empty place `start`:
    /// breadth first over places; on success the path is applied. On
    /// failure, the number of officers reached (all at the cap) and of
    /// places visited.
    fn search(&mut self, start: usize) -> Result<(), (u32, u32)> {
        let s = self.plan.s;
        let officers = self.plan.reg.len();
        self.searches += 1;
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.begin(self.holder.len(), officers);
        scratch.visit(start, NONE);
        let mut marked = 0u32;
        let mut head = 0;
        let mut found = None;
        'bfs: while let Some(&x) = scratch.queue.get(head) {
            head += 1;
            let (e, p) = (x / s, x % s);
            let ex = &self.excl[e];
            let h = self.holder[x];
            for &i in self.plan.list(p) {
                if i == h || !self.plan.eligible(i, ex) {
                    continue;
                }
                if let Some(y) = self.team_place_of(e, i) {
                    // i would move within the team, from y to x.
                    scratch.visit(y, x);
                    continue;
                }
                if scratch.officer_mark[i] == scratch.epoch {
                    continue;
                }
                scratch.officer_mark[i] = scratch.epoch;
                marked = marked.saturating_add(1);
                if !self.plan.at_cap(self.load[i]) {
                    found = Some((x, i));
                    break 'bfs;
                }
                // i is at the cap: it would leave one of its places for x.
                for &y in self.held.get(i).map_or(&[][..], Vec::as_slice) {
                    scratch.visit(y, x);
                }
            }
        }
        let result = match found {
            Some((x, i)) => {
                self.apply(start, x, i, &scratch.parent);
                Ok(())
            }
            None => Err((
                marked,
                u32::try_from(scratch.queue.len()).unwrap_or(u32::MAX),
            )),
        };
        self.scratch = scratch;
        result
    }

    /// Applies a found path: `last` takes place `x`; each place's holder
    /// moves to the place it was reached from, back to `start`.
    fn apply(&mut self, start: usize, x: usize, last: usize, parent: &[usize]) {
        let mut cur = x;
        let mut incoming = last;
        loop {
            let old = self.holder[cur];
            self.holder[cur] = incoming;
            if !self.held.is_empty() {
                let h = &mut self.held[incoming];
                if let Err(k) = h.binary_search(&cur) {
                    h.insert(k, cur);
                }
                if old != NONE {
                    let h = &mut self.held[old];
                    if let Ok(k) = h.binary_search(&cur) {
                        h.remove(k);
                    }
                }
            }
            if cur == start || old == NONE {
                break;
            }
            incoming = old;
            cur = parent[cur];
        }
        self.load[last] = self.load[last].saturating_add(1);
    }

    /// The reason place `p` of entity `e` cannot be filled (see the
    /// specification: nobody eligible, then the team alone, then the cap).
    fn diagnose(&self, e: usize, p: usize, officers: u32, places: u32) -> Binding {
        let ex = &self.excl[e];
        if !self.plan.list(p).iter().any(|&i| self.plan.eligible(i, ex)) {
            return Binding::NobodyEligible {
                breakdown: self.plan.breakdown(p, ex),
            };
        }
        // The team alone: search within e's places only, the cap ignored.
        let s = self.plan.s;
        let base = e * s;
        let mut seen = vec![false; s];
        seen[p] = true;
        let mut queue = vec![p];
        let mut head = 0;
        while let Some(&q) = queue.get(head) {
            head += 1;
            let h = self.holder[base + q];
            for &i in self.plan.list(q) {
                if i == h || !self.plan.eligible(i, ex) {
                    continue;
                }
                match self.team_place_of(e, i) {
                    Some(y) => {
                        let r = y - base;
                        if !seen[r] {
                            seen[r] = true;
                            queue.push(r);
                        }
                    }
                    None => {
                        // The team alone could be completed: the cap binds.
                        return Binding::CapacityExhausted {
                            cap: self.plan.cap.unwrap_or(u32::MAX),
                            officers,
                            places,
                        };
                    }
                }
            }
        }
        queue.sort_unstable();
        let mut members: Vec<usize> = queue
            .iter()
            .map(|&q| self.holder[base + q])
            .filter(|&i| i != NONE)
            .collect();
        members.sort_unstable();
        Binding::TooFewForTeam {
            places: queue,
            officers: members
                .into_iter()
                .map(|i| self.plan.reg[i].id.clone())
                .collect(),
        }
    }
}

/// The checks before any randomness, the exclusions, and the plan.
fn prepare<'a, E: Borrow<Entity>>(
    drawn: &'a [E],
    inspectors: &'a InspectorRegister,
    conflicts: &ConflictRegister,
    rules: &'a TeamRules,
    date: Date,
    history: Option<&History>,
) -> Result<(Plan<'a>, Vec<Exclusions<'a>>), AssignError> {
    let plan = Plan::new(inspectors, rules, date)?;
    if plan.rotation && history.is_none() {
        return Err(AssignError::HistoryMissing);
    }
    let mut position: HashMap<Uscc, usize> = HashMap::with_capacity(drawn.len());
    for (p, e) in drawn.iter().map(Borrow::borrow).enumerate() {
        if position.insert(e.uscc, p).is_some() {
            return Err(AssignError::DuplicateEntity { uscc: e.uscc });
        }
    }
    if plan.cross
        && let Some(e) = drawn
            .iter()
            .map(Borrow::borrow)
            .find(|e| e.region().is_empty())
    {
        return Err(AssignError::RegionUnknown { uscc: e.uscc });
    }
    let excl = exclusions(drawn, &position, inspectors, conflicts, &plan, history);
    Ok((plan, excl))
}

/// Assigns an inspection team to every drawn entity (the second random of
/// 双随机), by the version-2 algorithm.
///
/// `seed` is the draw seed; the random choices come from ChaCha20 stream
/// [`ASSIGNMENT_STREAM`] of it. `drawn` is the drawn list in draw order;
/// the teams come back in the same order, each listing its members in
/// place order (member `k` fills place `k`). `date` is the inspection
/// date on which certificates must be valid. `history` holds the previous
/// draw's teams and is required when `rules.rotation` is
/// [`RotationPolicy::AvoidPreviousTeam`] (ignored otherwise).
///
/// An officer is eligible for a place of an entity when they belong to the
/// place's department (any task department for an open place), hold every
/// expertise tag of the place, hold a certificate valid on `date`, declared
/// no conflict with the entity, and the jurisdiction and rotation rules
/// allow them. No officer holds two places of one team, nor more places
/// than the workload cap.
///
/// Each place is first offered to the eligible officers with the least load
/// (one drawn uniformly by rejection sampling). When none is free, a
/// deterministic breadth-first search moves officers already assigned (no
/// randomness), so the call fails only when no assignment of the drawn
/// entities exists at all; that, and the error, do not depend on the
/// seed. The algorithm is specified in `docs/spec/assignment.md`
/// (Version 2). Pair it with [`staffing_check`] at commit time, and no
/// possible draw can fail.
///
/// ```
/// use double_random::assignment::{Place, TeamRules, assign_teams};
/// use double_random::registers::{ConflictRegister, CreditClass, Entity, Inspector, InspectorRegister};
/// use time::{Date, Month};
///
/// let officer = |id: &str, department: &str, tags: &[&str]| Inspector {
///     id: id.into(),
///     name: id.into(),
///     department: department.into(),
///     region: String::new(),
///     expertise: tags.iter().map(|t| t.to_string()).collect(),
///     cert_valid_from: None,
///     cert_valid_to: None,
/// };
/// let inspectors = InspectorRegister::new(vec![
///     officer("S01", "水资源股", &["取水许可"]),
///     officer("S02", "水资源股", &[]),
///     officer("H01", "河道股", &["河道管理"]),
/// ])?;
/// // Two departments, two kinds of expertise, two officers.
/// let mut rules = TeamRules::joint("水资源股", ["河道股"]);
/// rules.places[0] = Place::for_department("水资源股").requiring("取水许可");
/// rules.places[1] = Place::for_department("河道股").requiring("河道管理");
/// let drawn = [Entity::new("91350100M000100Y43".parse()?, "某公司", CreditClass::B, "350100", "")];
/// let date = Date::from_calendar_date(2025, Month::March, 10)?;
/// let teams = assign_teams(&[7; 32], &drawn, &inspectors, &ConflictRegister::default(), &rules, date, None)?;
/// assert_eq!(teams[0].inspectors, ["S01", "H01"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`AssignError::Rules`] for inconsistent rules and
/// [`AssignError::HistoryMissing`] (both before any randomness is used),
/// [`AssignError::DuplicateEntity`] and [`AssignError::RegionUnknown`] for
/// unusable drawn lists, and [`AssignError::NoTeam`] when no assignment of
/// the drawn entities exists.
pub fn assign_teams(
    seed: &[u8; 32],
    drawn: &[Entity],
    inspectors: &InspectorRegister,
    conflicts: &ConflictRegister,
    rules: &TeamRules,
    date: Date,
    history: Option<&History>,
) -> Result<Vec<Team>, AssignError> {
    assign(seed, drawn, inspectors, conflicts, rules, date, history).map(|a| a.teams())
}

/// The teams [`assign_teams`] assigns, as the places' holders (indexes into
/// the inspector register), before they are written out as [`Team`]s.
pub(crate) struct Assigned<'a, E> {
    drawn: &'a [E],
    reg: &'a [Inspector],
    size: usize,
    holder: Vec<usize>,
}

impl<E: Borrow<Entity>> Assigned<'_, E> {
    /// Step 3: the teams in draw order, members in place order, as each
    /// entity's code and its members.
    fn rows(&self) -> impl Iterator<Item = (Uscc, impl Iterator<Item = &Inspector>)> {
        self.drawn
            .iter()
            .zip(self.holder.chunks(self.size.max(1)))
            .map(|(e, team)| {
                let members = team.iter().filter_map(|&i| self.reg.get(i));
                (e.borrow().uscc, members)
            })
    }

    /// The teams.
    pub(crate) fn teams(&self) -> Vec<Team> {
        self.rows()
            .map(|(uscc, members)| Team {
                uscc,
                inspectors: members.map(|i| i.id.clone()).collect(),
            })
            .collect()
    }

    /// Whether `teams` equals [`Assigned::teams`], compared without making them.
    pub(crate) fn matches(&self, teams: &[Team]) -> bool {
        let mut rows = self.rows();
        teams.iter().all(|t| {
            rows.next().is_some_and(|(uscc, mut members)| {
                uscc == t.uscc
                    && t.inspectors
                        .iter()
                        .all(|id| members.next().is_some_and(|i| i.id == *id))
                    && members.next().is_none()
            })
        }) && rows.next().is_none()
    }
}

/// [`assign_teams`], with the teams as [`Assigned`].
pub(crate) fn assign<'a, E: Borrow<Entity>>(
    seed: &[u8; 32],
    drawn: &'a [E],
    inspectors: &'a InspectorRegister,
    conflicts: &ConflictRegister,
    rules: &TeamRules,
    date: Date,
    history: Option<&History>,
) -> Result<Assigned<'a, E>, AssignError> {
    let (plan, excl) = prepare(drawn, inspectors, conflicts, rules, date, history)?;
    let mut a = Assignment::new(&plan, &excl);
    let mut rng = keystream(seed, ASSIGNMENT_STREAM);
    a.run(&mut rng)
        .map_err(|(e, place, reason)| AssignError::NoTeam {
            uscc: drawn[e].borrow().uscc,
            place,
            reason,
        })?;
    Ok(Assigned {
        drawn,
        reg: inspectors.inspectors(),
        size: plan.s,
        holder: a.holder,
    })
}

#[cfg(test)]
mod tests;
