//! Spot-check tasks (抽查任务): what is checked, from which pool, by whom,
//! and how much is drawn.
//!
//! [`Task`] is a task of format version 2, as the office commits it. The
//! rules of version-1 tasks, which the verifier still applies to version-1
//! commitments, are kept frozen in this module too ([`v1_task_problem`]).

use std::collections::{BTreeSet, HashSet};

use serde::Serialize;
use time::Date;

use crate::assignment::{RulesError, TeamRules};
use crate::records::{RecordId, TopUp};
use crate::registers::Scope;

use crate::registers::{CheckItemList, CreditClass, ItemCategory};
pub use crate::registers::{DEFAULT_STATUSES, STATUSES};
use crate::sampling::ratio::BasisPoints;
use crate::sampling::{SizeError, sample_sizes_with};

/// Sampling ratios per credit class, exact in basis points.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Ratios(pub [BasisPoints; 4]);

impl Ratios {
    /// The ratio of one class.
    pub fn get(&self, class: CreditClass) -> BasisPoints {
        self.0[class.index()]
    }
}

/// A spot-check task (抽查任务) of format version 2.
///
/// Build it with [`Task::new`], which checks every rule, then narrow it
/// with [`Task::with_scope`], [`Task::with_top_up`] and
/// [`Task::excluding_draws`]; fields stay public for reading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    /// Task id, unique for the issuer (e.g. `YCSW-2024-01`).
    pub id: String,
    /// Task name.
    pub name: String,
    /// Ids of the check items (抽查事项) the task covers; may be empty.
    pub items: Vec<String>,
    /// Sampling ratio per credit class, not decreasing from A to D.
    pub ratios: Ratios,
    /// The at-least-3 top-up policy.
    pub top_up: TopUp,
    /// The part of the master register the task draws from (定向抽查).
    pub scope: Scope,
    /// Earlier draws whose drawn entities the pool leaves out (一业一查).
    pub exclude_drawn: Vec<RecordId>,
    /// Who inspects: departments, the places of a team, limits.
    pub team: TeamRules,
    /// Planned inspection date: certificates must be valid on it.
    pub inspection_date: Date,
    /// Most supplementary draws (补充抽取) one draw of the task may have
    /// ([`DEFAULT_MAX_SUPPLEMENTS`] unless set).
    pub max_supplements: u32,
}

/// The supplement limit of a task that sets none: three supplementary
/// draws per draw. A small number on purpose: each supplement replaces an
/// entity that cannot be inspected, and a task that needs many has a
/// register problem better fixed by a new commitment.
pub const DEFAULT_MAX_SUPPLEMENTS: u32 = 3;

/// A task that breaks a rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TaskError {
    /// A required text field is empty or only white space.
    #[error("task field {field} is empty")]
    MissingField {
        /// The field name.
        field: &'static str,
    },
    /// The team rules admit no team, whatever the registers.
    #[error(transparent)]
    Team(#[from] RulesError),
    /// Ratios decrease from a lower-risk to a higher-risk class.
    #[error(transparent)]
    Ratios(#[from] SizeError),
    /// A ratio is not in the right form.
    #[error("ratio of class {class}: {error}")]
    Ratio {
        /// The class.
        class: CreditClass,
        /// What is wrong.
        error: crate::sampling::ratio::RatioError,
    },
    /// The task names a check item that is not in the item list.
    #[error("task names check item {id:?}, which is not in the check-item list")]
    UnknownItem {
        /// The item id.
        id: String,
    },
    /// An item is named twice.
    #[error("check item {id:?} is named more than once in the task")]
    DuplicateItem {
        /// The item id.
        id: String,
    },
    /// A scope value is empty or only white space.
    #[error("the task's scope lists an empty value under {field}")]
    EmptyScopeValue {
        /// The scope list.
        field: &'static str,
    },
    /// A scope entity type is not two USCC characters.
    #[error(
        "scope entity type {value:?} is not two USCC characters (登记管理部门码 and 机构类别码, e.g. 91)"
    )]
    BadEntityType {
        /// The value given.
        value: String,
    },
    /// A scope status is not one of the statuses columns.md lists.
    #[error(
        "scope status {value:?} is unknown; use active, suspended, abnormal-list, serious-violation-list, revoked, deregistered or moved-out"
    )]
    UnknownStatus {
        /// The value given.
        value: String,
    },
    /// A draw to exclude is named twice.
    #[error("draw {draw} is named twice in exclude_drawn")]
    DuplicateExclusion {
        /// The draw's record id.
        draw: RecordId,
    },
    /// The inspection date lies outside the years a record can write
    /// (1900 to 9999, docs/FORMAT.md §1): a commitment signed with it
    /// would be refused by every verifier.
    #[error(
        "inspection date {} is outside the years 1900 to 9999 that a record can hold",
        crate::calendar::format_date(*date)
    )]
    InspectionDate {
        /// The date given.
        date: Date,
    },
}

impl Task {
    /// Builds a task and checks its rules: non-empty id and name, team rules
    /// that admit a team ([`TeamRules::check`]), no item named twice, ratios
    /// not decreasing from A to D. The scope starts as
    /// [`Scope::everything_in_business`], the top-up as
    /// [`TopUp::PositiveRatio`], with no exclusion.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        items: Vec<String>,
        ratios: Ratios,
        team: TeamRules,
        inspection_date: Date,
    ) -> Result<Self, TaskError> {
        let task = Task {
            id: id.into().trim().to_owned(),
            name: name.into().trim().to_owned(),
            items,
            ratios,
            top_up: TopUp::default(),
            scope: Scope::everything_in_business(),
            exclude_drawn: Vec::new(),
            team,
            inspection_date,
            max_supplements: DEFAULT_MAX_SUPPLEMENTS,
        };
        task.validate()?;
        Ok(task)
    }

    /// The same task drawing from `scope` (checked, then written canonically).
    pub fn with_scope(mut self, scope: Scope) -> Result<Self, TaskError> {
        check_scope(&scope)?;
        self.scope = scope.canonical();
        Ok(self)
    }

    /// The same task with another supplement limit (0: no supplementary draw).
    pub fn with_max_supplements(mut self, max_supplements: u32) -> Self {
        self.max_supplements = max_supplements;
        self
    }

    /// The same task with another top-up policy.
    pub fn with_top_up(mut self, top_up: TopUp) -> Self {
        self.top_up = top_up;
        self
    }

    /// The same task leaving out the entities drawn by these earlier draws.
    pub fn excluding_draws(mut self, draws: Vec<RecordId>) -> Result<Self, TaskError> {
        let mut seen = HashSet::new();
        for d in &draws {
            if !seen.insert(*d) {
                return Err(TaskError::DuplicateExclusion { draw: *d });
            }
        }
        self.exclude_drawn = draws;
        Ok(self)
    }

    fn validate(&self) -> Result<(), TaskError> {
        for (field, value) in [("id", &self.id), ("name", &self.name)] {
            if value.trim().is_empty() {
                return Err(TaskError::MissingField { field });
            }
        }
        if !(1900..=9999).contains(&self.inspection_date.year()) {
            return Err(TaskError::InspectionDate {
                date: self.inspection_date,
            });
        }
        self.team.check()?;
        let mut seen = HashSet::new();
        for id in &self.items {
            if !seen.insert(id.as_str()) {
                return Err(TaskError::DuplicateItem { id: id.clone() });
            }
        }
        // Checks the ratio order with the same code the draw uses.
        sample_sizes_with([0; 4], self.ratios.0, self.top_up)?;
        check_scope(&self.scope)?;
        Ok(())
    }

    /// Number to draw per class for pools of these sizes (see `docs/spec/sampling.md`).
    pub fn sample_sizes(&self, pools: [u64; 4]) -> Result<[u64; 4], SizeError> {
        sample_sizes_with(pools, self.ratios.0, self.top_up)
    }

    /// The team rules with the expertise required by the task's key items
    /// merged in ([`merge_key_expertise`]). Every named item must be in `items`.
    pub fn team_rules_with(&self, items: &CheckItemList) -> Result<TeamRules, TaskError> {
        merge_key_expertise(&self.team, &self.items, items)
    }

    /// Whether the task is a joint task (部门联合抽查) with participating departments.
    pub fn is_joint(&self) -> bool {
        !self.team.participating_departments.is_empty()
    }
}

/// Checks a scope's values: none empty, entity types of two USCC
/// characters, statuses among [`STATUSES`].
pub fn check_scope(scope: &Scope) -> Result<(), TaskError> {
    for (field, list) in [
        ("industries", &scope.industries),
        ("regions", &scope.regions),
        ("entity_types", &scope.entity_types),
        ("statuses", &scope.statuses),
        ("target_types", &scope.target_types),
    ] {
        if list.iter().any(|v| v.trim().is_empty()) {
            return Err(TaskError::EmptyScopeValue { field });
        }
    }
    for t in &scope.entity_types {
        let ok = t.len() == 2
            && t.bytes()
                .all(|b| crate::registers::USCC_ALPHABET.contains(&b));
        if !ok {
            return Err(TaskError::BadEntityType { value: t.clone() });
        }
    }
    for s in &scope.statuses {
        if !STATUSES.contains(&s.as_str()) {
            return Err(TaskError::UnknownStatus { value: s.clone() });
        }
    }
    Ok(())
}

/// `team` with the expertise of every key (重点) item among `named` made a
/// requirement of some place: a tag no place requires yet is added to the
/// first place of the item's department, else to the first place of the
/// initiating department, else to the first place (docs/task-file.md). The
/// tags of each place are kept sorted by bytes, each once. Every named item
/// must be in `list`.
pub fn merge_key_expertise(
    team: &TeamRules,
    named: &[String],
    list: &CheckItemList,
) -> Result<TeamRules, TaskError> {
    let mut rules = team.clone();
    let mut done = HashSet::new();
    for id in named {
        if !done.insert(id.as_str()) {
            continue;
        }
        let item = list
            .get(id)
            .ok_or_else(|| TaskError::UnknownItem { id: id.clone() })?;
        if item.category != ItemCategory::Key {
            continue;
        }
        for tag in &item.required_expertise {
            if rules.places.iter().any(|p| p.expertise.contains(tag)) {
                continue;
            }
            let of = |d: &str| {
                rules
                    .places
                    .iter()
                    .position(|p| p.department.as_deref() == Some(d))
            };
            let at = of(&item.department)
                .or_else(|| of(&rules.initiating_department))
                .unwrap_or(0);
            if let Some(place) = rules.places.get_mut(at) {
                place.expertise.push(tag.clone());
            }
        }
    }
    for p in &mut rules.places {
        let tags: BTreeSet<String> = std::mem::take(&mut p.expertise).into_iter().collect();
        p.expertise = tags.into_iter().collect();
    }
    Ok(rules)
}

/// The rules of a version-1 task, frozen: what is wrong with a committed
/// version-1 task, or `None`. Empty id, name or department, a team below 2
/// or below the number of departments, a repeated department, a zero cap or
/// a repeated item (docs/FORMAT.md §7, `task-rules`, as version 1 had it).
pub fn v1_task_problem(
    id: &str,
    name: &str,
    items: &[String],
    team: &crate::assignment::v1::TeamRules,
) -> Option<String> {
    for (field, value) in [
        ("id", id),
        ("name", name),
        ("initiating_department", team.initiating_department.as_str()),
    ] {
        if value.trim().is_empty() {
            return Some(format!("task field {field} is empty"));
        }
    }
    if team.team_size < 2 {
        return Some(format!(
            "team_size is {}; at least 2 officers must inspect together (行政处罚法 art. 42)",
            team.team_size
        ));
    }
    let departments: Vec<&str> = team.departments().collect();
    let mut seen = HashSet::new();
    for d in &departments {
        if d.trim().is_empty() {
            return Some("task field participating_departments is empty".into());
        }
        if !seen.insert(*d) {
            return Some(format!(
                "department {d:?} is named more than once in the task"
            ));
        }
    }
    if (team.team_size as usize) < departments.len() {
        return Some(format!(
            "team_size {} cannot hold one officer from each of the task's {} departments",
            team.team_size,
            departments.len()
        ));
    }
    if team.workload_cap == Some(0) {
        return Some("workload_cap must be at least 1".into());
    }
    let mut seen = HashSet::new();
    for i in items {
        if !seen.insert(i.as_str()) {
            return Some(format!(
                "check item {i:?} is named more than once in the task"
            ));
        }
    }
    None
}

/// Version 1's effective rules: `team` with every expertise tag of every key
/// item among `named` added to `required_expertise` (sorted, each once).
pub fn merge_key_expertise_v1(
    team: &crate::assignment::v1::TeamRules,
    named: &[String],
    list: &CheckItemList,
) -> Result<crate::assignment::v1::TeamRules, TaskError> {
    let mut tags: BTreeSet<&str> = team.required_expertise.iter().map(String::as_str).collect();
    let mut done = HashSet::new();
    for id in named {
        if !done.insert(id.as_str()) {
            continue;
        }
        let item = list
            .get(id)
            .ok_or_else(|| TaskError::UnknownItem { id: id.clone() })?;
        if item.category == ItemCategory::Key {
            tags.extend(item.required_expertise.iter().map(String::as_str));
        }
    }
    let mut rules = team.clone();
    rules.required_expertise = tags.into_iter().map(str::to_owned).collect();
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assignment::Place;
    use crate::registers::ItemRow;

    fn bp(s: &str) -> BasisPoints {
        BasisPoints::parse_percent(s).unwrap()
    }

    fn ratios() -> Ratios {
        Ratios([bp("3%"), bp("5%"), bp("12.5%"), bp("60%")])
    }

    fn date() -> Date {
        crate::calendar::parse_date("2024-06-03").unwrap()
    }

    fn task(team: TeamRules) -> Result<Task, TaskError> {
        Task::new("T-1", "取水许可检查", vec![], ratios(), team, date())
    }

    #[test]
    fn an_inspection_date_a_record_cannot_hold_is_refused() {
        let on = |y: i32| {
            let d = Date::from_calendar_date(y, time::Month::September, 2).unwrap();
            Task::new(
                "T-1",
                "检查",
                vec![],
                ratios(),
                TeamRules::new(2, "管理股"),
                d,
            )
        };
        for y in [1012, 1899, -5] {
            let e = on(y).unwrap_err();
            assert!(matches!(e, TaskError::InspectionDate { .. }), "{e}");
        }
        assert_eq!(
            on(1012).unwrap_err().to_string(),
            "inspection date 1012-09-02 is outside the years 1900 to 9999 that a record can hold"
        );
        assert!(on(1900).is_ok() && on(9999).is_ok());
    }

    #[test]
    fn valid_task() {
        let t = task(TeamRules::new(2, "管理股")).unwrap();
        assert!(!t.is_joint());
        assert_eq!(t.top_up, TopUp::PositiveRatio);
        assert_eq!(t.scope, Scope::everything_in_business());
        assert_eq!(t.sample_sizes([30, 0, 0, 0]).unwrap(), [3, 0, 0, 0]);
    }

    #[test]
    fn rules_are_enforced() {
        assert!(matches!(
            task(TeamRules::new(1, "管理股")).unwrap_err(),
            TaskError::Team(_)
        ));
        let mut capped = TeamRules::new(2, "管理股");
        capped.workload_cap = Some(0);
        assert!(matches!(task(capped).unwrap_err(), TaskError::Team(_)));
        let decreasing = Ratios([bp("5%"), bp("3%"), bp("10%"), bp("20%")]);
        assert!(matches!(
            Task::new("T", "n", vec![], decreasing, TeamRules::new(2, "a"), date()).unwrap_err(),
            TaskError::Ratios(SizeError::RatioDecreasing { .. })
        ));
        assert!(matches!(
            Task::new(
                "T",
                "n",
                vec!["X".into(), "X".into()],
                ratios(),
                TeamRules::new(2, "a"),
                date()
            )
            .unwrap_err(),
            TaskError::DuplicateItem { .. }
        ));
        assert_eq!(
            Task::new(" ", "n", vec![], ratios(), TeamRules::new(2, "a"), date()).unwrap_err(),
            TaskError::MissingField { field: "id" }
        );
    }

    #[test]
    fn scopes_are_checked_and_canonical() {
        let t = task(TeamRules::new(2, "管理股")).unwrap();
        let s = Scope {
            industries: vec!["河道采砂".into(), "B".into(), "河道采砂".into()],
            entity_types: vec!["92".into(), "91".into()],
            ..Scope::default()
        };
        let t = t.with_scope(s).unwrap();
        assert_eq!(t.scope.industries, ["B", "河道采砂"]);
        assert_eq!(t.scope.entity_types, ["91", "92"]);
        for (bad, err) in [
            (
                Scope {
                    entity_types: vec!["9".into()],
                    ..Scope::default()
                },
                "BadEntityType",
            ),
            (
                Scope {
                    statuses: vec!["closed".into()],
                    ..Scope::default()
                },
                "UnknownStatus",
            ),
            (
                Scope {
                    regions: vec![" ".into()],
                    ..Scope::default()
                },
                "EmptyScopeValue",
            ),
        ] {
            let e = t.clone().with_scope(bad).unwrap_err();
            assert!(format!("{e:?}").starts_with(err), "{e:?}");
        }
        let d = RecordId::from([1; 32]);
        assert!(matches!(
            t.excluding_draws(vec![d, d]).unwrap_err(),
            TaskError::DuplicateExclusion { .. }
        ));
    }

    #[test]
    fn key_items_add_expertise_to_their_departments_place() {
        let row = |row, id: &str, cat: &str, dept: &str, exp: &str| ItemRow {
            row,
            id: id.into(),
            name: "n".into(),
            category: cat.into(),
            department: dept.into(),
            method: "实地核查".into(),
            expertise: exp.into(),
            ..Default::default()
        };
        let items = CheckItemList::from_rows(vec![
            row(2, "K", "重点", "河道股", "采砂;河道"),
            row(3, "G", "一般", "水资源股", "节约用水"),
            row(4, "K2", "重点", "水资源股", "水资源"),
        ])
        .register;
        let mut team = TeamRules::new(2, "水资源股");
        team.participating_departments = vec!["河道股".into()];
        team.places[1] = Place {
            department: Some("河道股".into()),
            expertise: vec![],
        };
        let t = Task::new(
            "T",
            "n",
            vec!["K".into(), "G".into(), "K2".into()],
            ratios(),
            team,
            date(),
        )
        .unwrap();
        let rules = t.team_rules_with(&items).unwrap();
        assert_eq!(rules.places[0].expertise, ["水资源"]);
        assert_eq!(rules.places[1].expertise, ["河道", "采砂"]);
        let t = Task::new(
            "T",
            "n",
            vec!["Z".into()],
            ratios(),
            TeamRules::new(2, "a"),
            date(),
        )
        .unwrap();
        assert_eq!(
            t.team_rules_with(&items).unwrap_err(),
            TaskError::UnknownItem { id: "Z".into() }
        );
    }
}
