//! The staffing guarantee: the office's check at commit time that no
//! possible draw of the committed pool leaves a team unstaffable, so that
//! no randomness value can force a cancellation.
//!
//! The method is specified in `docs/spec/assignment.md` §V2.11 with a proof
//! that passing it means every possible draw can be staffed. Verifiers do
//! not run it: it decides nothing about a draw.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;
use time::Date;

use super::{Assignment, Binding, NONE, Plan, RulesError, TeamRules, prepare};
use crate::assignment::History;
use crate::registers::credit::CreditClass;
use crate::registers::uscc::Uscc;
use crate::registers::{ConflictRegister, EntityRegister, InspectorRegister};

/// Most evaluations (patterns times entity groups, summed over the
/// independent parts of a team) [`staffing_check`] performs before it gives
/// up with [`StaffingError::TooComplex`].
pub const STAFFING_WORK_LIMIT: u64 = 1 << 25;

/// What [`staffing_check`] examined, and what it found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StaffingReport {
    /// Pool entities that some draw may include (those of the classes drawn from).
    pub entities: u64,
    /// Entities each draw takes (the sum of the class sizes).
    pub drawn: u64,
    /// Groups of entities with the same class and the same exclusions, each checked once.
    pub groups: usize,
    /// Kinds of officers (department and which places they fit) with a certificate valid on the date.
    pub officer_kinds: usize,
    /// Independent parts of a team (places that share no kind of officer).
    pub components: usize,
    /// Patterns of officers examined.
    pub patterns: u64,
    /// The workload cap of the rules.
    pub workload_cap: Option<u32>,
    /// The smallest workload cap the check accepts for this pool and these sizes;
    /// `None` when the rules have no cap and the patterns were too many to examine.
    pub smallest_safe_cap: Option<u64>,
    /// What sets `smallest_safe_cap`, when some pattern needs a cap above 1.
    pub bottleneck: Option<Bottleneck>,
}

/// A set of officers some possible draw could lean on: `places` team places
/// that only these `officers` could fill (assuming, for each entity, that
/// its excluded officers are the others).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Bottleneck {
    /// Officers in the set.
    pub officers: u64,
    /// Places of the worst possible draw that only they could fill.
    pub places: u64,
    /// The set, by kind of officer.
    pub kinds: Vec<OfficerKind>,
    /// An entity among those that need them most.
    pub example: Option<Uscc>,
}

/// Officers of one kind within a [`Bottleneck`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OfficerKind {
    /// Their department.
    pub department: String,
    /// The places (0-based) they fit by department and expertise.
    pub places: Vec<usize>,
    /// Officers of this kind with a valid certificate.
    pub officers: u64,
    /// How many of them the bottleneck counts.
    pub counted: u64,
}

impl fmt::Display for OfficerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} of the {} officer(s) of {} fit for place(s) {:?}",
            self.counted, self.officers, self.department, self.places
        )
    }
}

impl fmt::Display for Bottleneck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a draw could need {} place(s) from {} officer(s) (",
            self.places, self.officers
        )?;
        for (k, kind) in self.kinds.iter().enumerate() {
            if k > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{kind}")?;
        }
        f.write_str(")")?;
        if let Some(e) = &self.example {
            write!(f, ", for entities like {e}")?;
        }
        Ok(())
    }
}

/// Why [`staffing_check`] cannot guarantee that every possible draw is staffed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum StaffingError {
    /// The team rules are inconsistent.
    #[error("team rules: {0}")]
    Rules(#[from] RulesError),
    /// The rotation rule needs the previous draw's teams, and none were given.
    #[error(
        "rotation is avoid-previous-team but no history was given; pass the previous draw's teams (an empty history for a first draw) or turn rotation off"
    )]
    HistoryMissing,
    /// A class size is larger than the class in the pool.
    #[error(
        "{size} entities of class {class} to draw but the pool holds {pool}; correct the sizes"
    )]
    SizeExceedsPool {
        /// The class.
        class: CreditClass,
        /// The size given.
        size: u64,
        /// Entities of the class in the pool.
        pool: u64,
    },
    /// Cross-jurisdiction mode is on and an entity that may be drawn has no region.
    #[error(
        "entity {uscc} has no region, so cross-jurisdiction (所所交叉) could not be enforced if it is drawn; record its region or use any-jurisdiction"
    )]
    RegionUnknown {
        /// The first such entity in the register's order.
        uscc: Uscc,
    },
    /// An entity that may be drawn cannot be given a team even alone.
    #[error(
        "entity {uscc} could be drawn but no team can be formed for it even alone: place {place}: {reason}"
    )]
    EntityUnstaffable {
        /// The first such entity in the register's order.
        uscc: Uscc,
        /// The place that cannot be filled.
        place: usize,
        /// What binds.
        reason: Binding,
    },
    /// With this workload cap some possible draw might not be staffable.
    #[error(
        "the workload cap of {cap} cannot guarantee that every possible draw is staffed: {bottleneck}; set the workload cap to at least {smallest_safe_cap} or add officers of these kinds"
    )]
    CapTooLow {
        /// The workload cap of the rules.
        cap: u32,
        /// The smallest cap the check accepts.
        smallest_safe_cap: u64,
        /// What needs it.
        bottleneck: Bottleneck,
    },
    /// The patterns to examine are too many (too many kinds of officers or distinct exclusions).
    #[error(
        "the staffing check would need {work} evaluations, more than its limit of {limit}; use fewer distinct place requirements, or remove the workload cap and check the draw's outcome instead"
    )]
    TooComplex {
        /// Evaluations needed (patterns times entity groups).
        work: u64,
        /// The limit, [`STAFFING_WORK_LIMIT`].
        limit: u64,
    },
}

/// A kind of officer: department and the places they fit.
pub(super) struct Kind {
    pub(super) dept: usize,
    pub(super) mask: u64,
    pub(super) count: u64,
}

/// Entities of one class with the same exclusions.
struct Group {
    class: usize,
    /// Officers excluded by jurisdiction: index into [`Grouping::regions`].
    region: usize,
    /// Officers excluded one by one (conflicts, previous team) beyond
    /// those, per kind: (kind, count), by kind.
    single: Vec<(usize, u64)>,
    count: u64,
    /// Pool index of the first entity of the group.
    first: usize,
}

/// The entity groups, and the officers each region excludes.
struct Grouping {
    groups: Vec<Group>,
    /// Per distinct region (0: none): (kind, officers whose jurisdiction covers it), by kind.
    regions: Vec<Vec<(usize, u64)>>,
}

impl Grouping {
    /// Officers of kind `k` excluded for the entities of group `g`.
    fn x(&self, g: &Group, k: usize) -> u64 {
        let find = |v: &[(usize, u64)]| {
            v.binary_search_by_key(&k, |&(kind, _)| kind)
                .map_or(0, |i| v[i].1)
        };
        find(&self.regions[g.region]) + find(&g.single)
    }
}

/// Checks, when a task is committed, that every possible draw of `sizes[c]`
/// entities of each class `c` of `pool` can be given teams by
/// [`super::assign_teams`] under `rules` on the inspection date `date`,
/// whatever the randomness.
///
/// `pool` is the committed entity pool and `sizes` the number drawn per
/// class (A..D). The check is sufficient, not necessary: when it passes, no
/// draw fails; it may refuse a pool that every draw could in fact staff
/// (it assumes, for each entity, that the officers it excludes are the ones
/// left over; without conflicts, rotation or cross-jurisdiction it is
/// exact). The method and its proof are in `docs/spec/assignment.md`
/// §V2.11. The report gives the smallest workload cap the check accepts.
///
/// Work grows with the pool (one pass, grouping entities that share their
/// exclusions), the conflicts and history, and the number of kinds of
/// officers a team's places tell apart; it stops at
/// [`STAFFING_WORK_LIMIT`] evaluations.
///
/// # Errors
///
/// [`StaffingError::CapTooLow`] names the officers a possible draw would
/// lean on and the smallest cap that would do;
/// [`StaffingError::EntityUnstaffable`] an entity no team can serve;
/// the others, inputs the check cannot work with.
pub fn staffing_check(
    pool: &EntityRegister,
    sizes: [u64; 4],
    inspectors: &InspectorRegister,
    conflicts: &ConflictRegister,
    rules: &TeamRules,
    date: Date,
    history: Option<&History>,
) -> Result<StaffingReport, StaffingError> {
    let plan = Plan::new(inspectors, rules, date)?;
    if plan.rotation && history.is_none() {
        return Err(StaffingError::HistoryMissing);
    }
    for (c, class) in CreditClass::ALL.into_iter().enumerate() {
        let n = pool.class(class).len() as u64;
        if sizes[c] > n {
            return Err(StaffingError::SizeExceedsPool {
                class,
                size: sizes[c],
                pool: n,
            });
        }
    }
    let drawn_from = |c: usize| sizes[c] > 0;
    let entities = pool.entities();
    if plan.cross
        && let Some(e) = entities
            .iter()
            .find(|e| drawn_from(e.credit_class.index()) && e.region().is_empty())
    {
        return Err(StaffingError::RegionUnknown { uscc: e.uscc });
    }
    let s = plan.s;

    // Kinds of officers, in the order their first officer appears.
    let mut kinds: Vec<Kind> = Vec::new();
    let mut kind_index: HashMap<(usize, u64), usize> = HashMap::new();
    let mut kind_of = vec![NONE; plan.reg.len()];
    for (i, slot) in kind_of.iter_mut().enumerate() {
        if !plan.valid[i] || plan.dept_of[i] == NONE {
            continue;
        }
        let mask = (0..s)
            .filter(|&p| plan.fits(i, p))
            .fold(0u64, |m, p| m | (1 << p));
        if mask == 0 {
            continue;
        }
        let k = *kind_index
            .entry((plan.dept_of[i], mask))
            .or_insert_with(|| {
                kinds.push(Kind {
                    dept: plan.dept_of[i],
                    mask,
                    count: 0,
                });
                kinds.len() - 1
            });
        kinds[k].count += 1;
        *slot = k;
    }

    // Entity groups: same class, same excluded officers per kind.
    let grouping = group_entities(
        pool,
        &drawn_from,
        &plan,
        &kind_of,
        inspectors,
        conflicts,
        history,
    );
    let groups = &grouping.groups;

    // Components: places joined by a kind that fits both.
    let mut root: Vec<usize> = (0..s).collect();
    fn find(root: &mut [usize], mut p: usize) -> usize {
        while root[p] != p {
            root[p] = root[root[p]];
            p = root[p];
        }
        p
    }
    for k in &kinds {
        let first = k.mask.trailing_zeros() as usize;
        for p in 0..s {
            if k.mask & (1 << p) != 0 {
                let (a, b) = (find(&mut root, first), find(&mut root, p));
                root[a.max(b)] = a.min(b);
            }
        }
    }
    let mut components: Vec<Component> = Vec::new();
    for p in 0..s {
        let r = find(&mut root, p);
        match components.iter_mut().find(|c| c.root == r) {
            Some(c) => c.places.push(p),
            None => components.push(Component {
                root: r,
                places: vec![p],
                kinds: Vec::new(),
            }),
        }
    }
    for (k, kind) in kinds.iter().enumerate() {
        let r = find(&mut root, kind.mask.trailing_zeros() as usize);
        if let Some(c) = components.iter_mut().find(|c| c.root == r) {
            c.kinds.push(k);
        }
    }

    // Bound the work of steps 1 and 2 (each group against each component,
    // a small matching each) before doing it.
    let per_group = components.iter().fold(0u64, |w, c| {
        let n = c.places.len() as u64;
        w.saturating_add(n * n * c.kinds.len().max(1) as u64)
    });
    let work = per_group.saturating_mul(groups.len() as u64);
    if work > STAFFING_WORK_LIMIT {
        return Err(StaffingError::TooComplex {
            work,
            limit: STAFFING_WORK_LIMIT,
        });
    }

    // 1. Each entity alone (exact): every component's places matched.
    let mut matcher = Matcher::default();
    let mut unstaffable: Option<usize> = None;
    for g in groups {
        let alone = components.iter().all(|c| {
            let avail: Vec<u64> = c
                .kinds
                .iter()
                .map(|&k| kinds[k].count.saturating_sub(grouping.x(g, k)))
                .collect();
            c.matching(&kinds, &avail, &mut matcher) == c.places.len()
        });
        if !alone && unstaffable.is_none_or(|f| g.first < f) {
            unstaffable = Some(g.first);
        }
    }
    if let Some(first) = unstaffable
        && let Some((place, reason)) = alone_failure(
            &entities[first..=first],
            inspectors,
            conflicts,
            rules,
            date,
            history,
        )
    {
        return Err(StaffingError::EntityUnstaffable {
            uscc: entities[first].uscc,
            place,
            reason,
        });
    }

    // 2. The workload: every pattern of officers left outside a set A.
    let mut work = 0u64;
    let mut per_component = Vec::with_capacity(components.len());
    for c in &components {
        let merged = c.merge(&grouping);
        let xs = c.exclusion_values(&merged);
        let patterns = c.kinds.iter().zip(&xs).fold(1u64, |n, (&k, x)| {
            n.saturating_mul(c.candidate_count(kinds[k].count, x))
        });
        work = work.saturating_add(patterns.saturating_mul(merged.len().max(1) as u64));
        per_component.push((merged, xs));
    }
    let mut report = StaffingReport {
        entities: groups.iter().map(|g| g.count).sum(),
        drawn: sizes.iter().sum(),
        groups: groups.len(),
        officer_kinds: kinds.len(),
        components: components.len(),
        patterns: 0,
        workload_cap: rules.workload_cap,
        smallest_safe_cap: None,
        bottleneck: None,
    };
    if work > STAFFING_WORK_LIMIT {
        return match rules.workload_cap {
            Some(_) => Err(StaffingError::TooComplex {
                work,
                limit: STAFFING_WORK_LIMIT,
            }),
            None => Ok(report),
        };
    }
    let mut best = Worst::default();
    for (ci, (c, (merged, xs))) in components.iter().zip(&per_component).enumerate() {
        let values = c.candidates(&kinds, xs);
        c.enumerate(ci, &kinds, merged, &values, &sizes, &mut best);
    }
    report.patterns = best.patterns;
    let safe = best.need.max(1);
    report.smallest_safe_cap = Some(safe);
    report.bottleneck = best.pattern.as_ref().map(|pat| {
        let c = &components[pat.component];
        Bottleneck {
            officers: pat.officers,
            places: pat.places,
            kinds: c
                .kinds
                .iter()
                .zip(&pat.left)
                .filter(|&(&k, &l)| l < kinds[k].count)
                .map(|(&k, &l)| OfficerKind {
                    department: plan.departments[kinds[k].dept].to_owned(),
                    places: (0..s).filter(|&p| kinds[k].mask & (1 << p) != 0).collect(),
                    officers: kinds[k].count,
                    counted: kinds[k].count - l,
                })
                .collect(),
            example: pat.example.map(|i| entities[i].uscc),
        }
    });
    if let Some(cap) = rules.workload_cap
        && u64::from(cap) < safe
        && let Some(bottleneck) = report.bottleneck.clone()
    {
        return Err(StaffingError::CapTooLow {
            cap,
            smallest_safe_cap: safe,
            bottleneck,
        });
    }
    Ok(report)
}

/// Groups the entities of the classes drawn from by (class, excluded
/// officers per kind), in one pass over the pool.
#[allow(clippy::too_many_arguments)]
fn group_entities(
    pool: &EntityRegister,
    drawn_from: &dyn Fn(usize) -> bool,
    plan: &Plan<'_>,
    kind_of: &[usize],
    inspectors: &InspectorRegister,
    conflicts: &ConflictRegister,
    history: Option<&History>,
) -> Grouping {
    let entities = pool.entities();
    let index_in_pool = |u: &Uscc| {
        pool.position(u)
            .and_then(|p| usize::try_from(p.index).ok())
            .filter(|&i| drawn_from(entities[i].credit_class.index()))
    };
    // Officers excluded one by one: conflicts and, with rotation, the previous team.
    let mut single: Vec<(usize, usize)> = Vec::new();
    for c in conflicts.conflicts() {
        if let (Some(e), Some(i)) = (index_in_pool(&c.uscc), inspectors.index_of(&c.inspector_id))
            && kind_of[i] != NONE
        {
            single.push((e, i));
        }
    }
    if let (true, Some(h)) = (plan.rotation, history) {
        for (u, ids) in h.iter() {
            if let Some(e) = index_in_pool(u) {
                for id in ids {
                    if let Some(i) = inspectors.index_of(id)
                        && kind_of[i] != NONE
                    {
                        single.push((e, i));
                    }
                }
            }
        }
    }
    single.sort_unstable();
    single.dedup();

    // With cross-jurisdiction: officers per jurisdiction and kind.
    let mut by_jurisdiction: HashMap<&str, Vec<(usize, u64)>> = HashMap::new();
    if plan.cross {
        for (i, &k) in kind_of.iter().enumerate() {
            let j = plan.reg[i].region.as_str();
            if k != NONE && !j.is_empty() {
                let v = by_jurisdiction.entry(j).or_default();
                match v.binary_search_by_key(&k, |&(kind, _)| kind) {
                    Ok(at) => v[at].1 += 1,
                    Err(at) => v.insert(at, (k, 1)),
                }
            }
        }
    }
    let mut region_ids: HashMap<&str, usize> = HashMap::new();
    let mut regions: Vec<Vec<(usize, u64)>> = vec![Vec::new()];
    // The region of the entity before: entities in canonical order share
    // their region in runs, and the run needs no look-up.
    let mut last_region: Option<(&str, usize)> = None;

    let mut groups: Vec<Group> = Vec::new();
    // (class, region, profile) to group, for entities with officers
    // excluded one by one; per region and class for the rest (most entities).
    type Key = (usize, usize, Vec<(usize, u64)>);
    let mut index: HashMap<Key, usize> = HashMap::new();
    let mut plain: Vec<[usize; CreditClass::ALL.len()]> = Vec::new();
    let mut cursor = 0;
    let mut excluded: Vec<usize> = Vec::new();
    for (e, entity) in entities.iter().enumerate() {
        let class = entity.credit_class.index();
        if !drawn_from(class) {
            continue;
        }
        let region = if plan.cross {
            let r = entity.region();
            match last_region {
                Some((last, id)) if last == r => id,
                _ => {
                    let id = region_id(r, &mut region_ids, &mut regions, &by_jurisdiction);
                    last_region = Some((r, id));
                    id
                }
            }
        } else {
            0
        };
        while single.get(cursor).is_some_and(|&(i, _)| i < e) {
            cursor += 1;
        }
        excluded.clear();
        while let Some(&(_, officer)) = single.get(cursor).filter(|&&(i, _)| i == e) {
            // Already excluded by jurisdiction: counted there.
            if !(plan.cross && plan.reg[officer].jurisdiction_covers(entity.region())) {
                excluded.push(kind_of[officer]);
            }
            cursor += 1;
        }
        let next = groups.len();
        let (g, profile) = if excluded.is_empty() {
            if plain.len() <= region {
                plain.resize(region + 1, [NONE; CreditClass::ALL.len()]);
            }
            let slot = &mut plain[region][class];
            if *slot == NONE {
                *slot = next;
            }
            (*slot, Vec::new())
        } else {
            excluded.sort_unstable();
            let mut profile: Vec<(usize, u64)> = Vec::new();
            for &k in &excluded {
                match profile.last_mut() {
                    Some((last, n)) if *last == k => *n += 1,
                    _ => profile.push((k, 1)),
                }
            }
            let g = *index
                .entry((class, region, profile.clone()))
                .or_insert(next);
            (g, profile)
        };
        if g == next {
            groups.push(Group {
                class,
                region,
                single: profile,
                count: 0,
                first: e,
            });
        }
        groups[g].count += 1;
    }
    Grouping { groups, regions }
}

/// The id of region `r` in `regions`, adding it, with the officers whose
/// jurisdiction covers it, the first time it is seen.
fn region_id<'a>(
    r: &'a str,
    region_ids: &mut HashMap<&'a str, usize>,
    regions: &mut Vec<Vec<(usize, u64)>>,
    by_jurisdiction: &HashMap<&str, Vec<(usize, u64)>>,
) -> usize {
    let next = regions.len();
    let id = *region_ids.entry(r).or_insert(next);
    if id == next {
        // A jurisdiction covers the region when it is a prefix of it.
        let mut x: Vec<(usize, u64)> = Vec::new();
        let ends = r.char_indices().skip(1).map(|(end, _)| end);
        for end in ends.chain([r.len()]) {
            for &(k, n) in by_jurisdiction
                .get(&r[..end])
                .map_or(&[][..], Vec::as_slice)
            {
                match x.binary_search_by_key(&k, |&(kind, _)| kind) {
                    Ok(at) => x[at].1 += n,
                    Err(at) => x.insert(at, (k, n)),
                }
            }
        }
        regions.push(x);
    }
    id
}

/// Runs the assignment on one entity alone, without a cap: the place and
/// reason of its failure, if it fails.
fn alone_failure(
    entity: &[crate::registers::Entity],
    inspectors: &InspectorRegister,
    conflicts: &ConflictRegister,
    rules: &TeamRules,
    date: Date,
    history: Option<&History>,
) -> Option<(usize, Binding)> {
    let uncapped = TeamRules {
        workload_cap: None,
        ..rules.clone()
    };
    let (plan, excl) = prepare(entity, inspectors, conflicts, &uncapped, date, history).ok()?;
    let mut a = Assignment::new(&plan, &excl);
    // Whether it fails, and why, does not depend on the seed.
    let mut rng = crate::sampling::keystream(&[0; 32], super::ASSIGNMENT_STREAM);
    a.run(&mut rng)
        .err()
        .map(|(_, place, reason)| (place, reason))
}

/// Places that share kinds of officers, and those kinds.
pub(super) struct Component {
    pub(super) root: usize,
    pub(super) places: Vec<usize>,
    pub(super) kinds: Vec<usize>,
}

/// Entities of one class with the same exclusions among a component's kinds.
struct Merged {
    class: usize,
    /// Excluded officers per kind of the component (in its order).
    x: Vec<u64>,
    count: u64,
    first: usize,
}

/// Scratch of [`Component::matching`].
#[derive(Default)]
struct Matcher {
    assigned: Vec<usize>,
    used: Vec<u64>,
    seen: Vec<bool>,
}

/// The largest cap any pattern needs so far, and the first pattern needing it.
#[derive(Default)]
struct Worst {
    need: u64,
    patterns: u64,
    pattern: Option<Pattern>,
}

/// A pattern that needs a cap.
struct Pattern {
    component: usize,
    /// Officers left outside A, per kind of the component.
    left: Vec<u64>,
    /// Places of the worst draw only officers in A can fill.
    places: u64,
    /// Officers in A.
    officers: u64,
    /// Pool index of an entity among those that need A most.
    example: Option<usize>,
}

impl Component {
    /// Maximum number of the component's places matched to distinct
    /// officers when `avail[j]` officers of its `j`-th kind are available.
    fn matching(&self, kinds: &[Kind], avail: &[u64], m: &mut Matcher) -> usize {
        let n = self.places.len();
        let t = self.kinds.len();
        m.assigned.clear();
        m.assigned.resize(n, NONE);
        m.used.clear();
        m.used.resize(t, 0);
        let mut matched = 0;
        for q in 0..n {
            m.seen.clear();
            m.seen.resize(t, false);
            if self.augment(q, kinds, avail, m) {
                matched += 1;
            }
        }
        matched
    }

    /// Finds a kind for place `q` of the component, moving places already
    /// matched along if needed (an augmenting path).
    fn augment(&self, q: usize, kinds: &[Kind], avail: &[u64], m: &mut Matcher) -> bool {
        let place = self.places[q];
        for (j, &k) in self.kinds.iter().enumerate() {
            if m.seen[j] || kinds[k].mask & (1 << place) == 0 || avail[j] == 0 {
                continue;
            }
            m.seen[j] = true;
            if m.used[j] < avail[j] {
                m.used[j] += 1;
                m.assigned[q] = j;
                return true;
            }
            for r in 0..m.assigned.len() {
                // r moves to another kind (counted there); q takes its officer of kind j.
                if m.assigned[r] == j && self.augment(r, kinds, avail, m) {
                    m.assigned[q] = j;
                    return true;
                }
            }
        }
        false
    }

    /// The groups, merged by class and exclusions among this component's kinds.
    fn merge(&self, grouping: &Grouping) -> Vec<Merged> {
        let mut index: HashMap<(usize, Vec<u64>), usize> = HashMap::new();
        let mut merged: Vec<Merged> = Vec::new();
        for g in &grouping.groups {
            let x: Vec<u64> = self.kinds.iter().map(|&k| grouping.x(g, k)).collect();
            let m = *index.entry((g.class, x.clone())).or_insert_with(|| {
                merged.push(Merged {
                    class: g.class,
                    x,
                    count: 0,
                    first: g.first,
                });
                merged.len() - 1
            });
            merged[m].count += g.count;
            merged[m].first = merged[m].first.min(g.first);
        }
        merged
    }

    /// Per kind of the component: the distinct exclusion counts of the
    /// groups, ascending.
    fn exclusion_values(&self, merged: &[Merged]) -> Vec<Vec<u64>> {
        (0..self.kinds.len())
            .map(|j| {
                let mut v: Vec<u64> = merged.iter().map(|m| m.x[j]).collect();
                v.sort_unstable();
                v.dedup();
                v
            })
            .collect()
    }

    /// How many values [`Component::candidates`] gives a kind of `total`
    /// officers with these exclusion counts (without listing them).
    pub(super) fn candidate_count(&self, total: u64, xs: &[u64]) -> u64 {
        let s = self.places.len() as u64;
        let mut count = 1; // `total` itself
        let mut covered = 0u64; // values below this are counted
        for &x in xs {
            let (lo, hi) = (x.max(covered), x.saturating_add(s).min(total));
            if lo < hi {
                count += hi - lo;
                covered = hi;
            }
        }
        count
    }

    /// For each kind, the numbers of officers left outside A worth
    /// examining: `x + j` for each group's exclusions `x` and `j` in
    /// `0..places`, below the kind's size, and the kind's size (all left).
    pub(super) fn candidates(&self, kinds: &[Kind], xs: &[Vec<u64>]) -> Vec<Vec<u64>> {
        let s = self.places.len() as u64;
        self.kinds
            .iter()
            .zip(xs)
            .map(|(&k, xs)| {
                let total = kinds[k].count;
                let mut v: Vec<u64> = xs
                    .iter()
                    .flat_map(|&x| (0..s).map(move |d| x.saturating_add(d)))
                    .filter(|&l| l < total)
                    .collect();
                v.push(total);
                v.sort_unstable();
                v.dedup();
                v
            })
            .collect()
    }

    /// Examines every pattern (one candidate per kind, in odometer order,
    /// the first kind slowest) and records the largest cap one needs.
    #[allow(clippy::too_many_arguments)]
    fn enumerate(
        &self,
        ci: usize,
        kinds: &[Kind],
        merged: &[Merged],
        values: &[Vec<u64>],
        sizes: &[u64; 4],
        worst: &mut Worst,
    ) {
        let t = self.kinds.len();
        if t == 0 {
            return;
        }
        let s = self.places.len();
        let mut digit = vec![0usize; t];
        let mut ell = vec![0u64; t];
        let mut avail = vec![0u64; t];
        let mut defs = vec![0usize; merged.len()];
        let mut matcher = Matcher::default();
        loop {
            for j in 0..t {
                ell[j] = values[j][digit[j]];
            }
            let outside: u64 = self
                .kinds
                .iter()
                .zip(&ell)
                .map(|(&k, &l)| kinds[k].count - l)
                .sum();
            if outside > 0 {
                worst.patterns += 1;
                let mut hist = [[0u64; super::MAX_PLACES + 1]; 4];
                for (m, g) in merged.iter().enumerate() {
                    for j in 0..t {
                        avail[j] = ell[j].saturating_sub(g.x[j]).min(s as u64);
                    }
                    let d = s - self.matching(kinds, &avail, &mut matcher);
                    defs[m] = d;
                    hist[g.class][d] += g.count;
                }
                let mut lhs = 0u64;
                for (c, h) in hist.iter().enumerate() {
                    let mut left = sizes[c];
                    for d in (1..=s).rev() {
                        let take = left.min(h[d]);
                        lhs += take * d as u64;
                        left -= take;
                    }
                }
                let need = lhs.div_ceil(outside);
                if need > worst.need {
                    let example = merged
                        .iter()
                        .zip(&defs)
                        .filter(|&(g, &d)| d > 0 && sizes[g.class] > 0)
                        .max_by(|a, b| a.1.cmp(b.1).then(b.0.first.cmp(&a.0.first)))
                        .map(|(g, _)| g.first);
                    worst.need = need;
                    worst.pattern = Some(Pattern {
                        component: ci,
                        left: ell.clone(),
                        places: lhs,
                        officers: outside,
                        example,
                    });
                }
            }
            // Next pattern.
            let mut j = t;
            loop {
                if j == 0 {
                    return;
                }
                j -= 1;
                digit[j] += 1;
                if digit[j] < values[j].len() {
                    break;
                }
                digit[j] = 0;
            }
        }
    }
}
