//! Spot-check tasks (抽查任务): what is checked, by whom, and how much is drawn.

use std::collections::{BTreeSet, HashSet};

use serde::Serialize;
use time::Date;

use crate::assignment::v1::TeamRules;
use crate::registers::credit::CreditClass;
use crate::registers::{CheckItemList, ItemCategory};
use crate::sampling::ratio::BasisPoints;
use crate::sampling::{SizeError, sample_sizes};

/// Sampling ratios per credit class, exact in basis points.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Ratios(pub [BasisPoints; 4]);

impl Ratios {
    /// The ratio of one class.
    pub fn get(&self, class: CreditClass) -> BasisPoints {
        self.0[class.index()]
    }
}

/// A spot-check task (抽查任务).
///
/// Build it with [`Task::new`], which checks every rule; fields stay public
/// for reading.
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
    /// Who inspects: departments, team size, limits.
    pub team: TeamRules,
    /// Planned inspection date, used for certificate validity; if absent the
    /// draw date is used.
    pub inspection_date: Option<Date>,
}

/// A task that breaks a rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TaskError {
    /// A required text field is empty.
    #[error("task field {field} is empty")]
    MissingField {
        /// The field name.
        field: &'static str,
    },
    /// Fewer than two officers per team (行政处罚法 art. 42).
    #[error(
        "team_size is {team_size}; at least 2 officers must inspect together (行政处罚法 art. 42)"
    )]
    TeamTooSmall {
        /// The size asked for.
        team_size: u32,
    },
    /// The team cannot hold one officer of each department of a joint task.
    #[error(
        "team_size {team_size} cannot hold one officer from each of the task's {departments} departments; raise team_size"
    )]
    TeamSmallerThanDepartments {
        /// The size asked for.
        team_size: u32,
        /// Number of departments (initiating plus participating).
        departments: usize,
    },
    /// A department is named twice (initiating and participating, or twice participating).
    #[error("department {department:?} is named more than once in the task")]
    DuplicateDepartment {
        /// The repeated department.
        department: String,
    },
    /// The workload cap is zero.
    #[error("workload_cap must be at least 1")]
    ZeroWorkloadCap,
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
}

impl Task {
    /// Builds a task and checks its rules: non-empty id, name and initiating
    /// department, team size at least 2 and at least the number of
    /// departments, no department or item named twice, a cap of at least 1,
    /// and ratios not decreasing from A to D.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        items: Vec<String>,
        ratios: Ratios,
        team: TeamRules,
        inspection_date: Option<Date>,
    ) -> Result<Self, TaskError> {
        let task = Task {
            id: id.into().trim().to_owned(),
            name: name.into().trim().to_owned(),
            items,
            ratios,
            team,
            inspection_date,
        };
        task.validate()?;
        Ok(task)
    }

    fn validate(&self) -> Result<(), TaskError> {
        for (field, value) in [
            ("id", &self.id),
            ("name", &self.name),
            ("initiating_department", &self.team.initiating_department),
        ] {
            if value.trim().is_empty() {
                return Err(TaskError::MissingField { field });
            }
        }
        if self.team.team_size < 2 {
            return Err(TaskError::TeamTooSmall {
                team_size: self.team.team_size,
            });
        }
        let departments: Vec<&str> = self.team.departments().collect();
        // Sets, not pairwise scans: a signed record may name a million.
        let mut seen = HashSet::new();
        for d in &departments {
            if d.trim().is_empty() {
                return Err(TaskError::MissingField {
                    field: "participating_departments",
                });
            }
            if !seen.insert(*d) {
                return Err(TaskError::DuplicateDepartment {
                    department: (*d).to_owned(),
                });
            }
        }
        if (self.team.team_size as usize) < departments.len() {
            return Err(TaskError::TeamSmallerThanDepartments {
                team_size: self.team.team_size,
                departments: departments.len(),
            });
        }
        if self.team.workload_cap == Some(0) {
            return Err(TaskError::ZeroWorkloadCap);
        }
        let mut seen = HashSet::new();
        for id in &self.items {
            if !seen.insert(id.as_str()) {
                return Err(TaskError::DuplicateItem { id: id.clone() });
            }
        }
        // Checks the ratio order with the same code the draw uses.
        sample_sizes([0; 4], self.ratios.0)?;
        Ok(())
    }

    /// Number to draw per class for pools of these sizes (see `docs/spec/sampling.md`).
    pub fn sample_sizes(&self, pools: [u64; 4]) -> Result<[u64; 4], SizeError> {
        sample_sizes(pools, self.ratios.0)
    }

    /// The team rules with the expertise required by the task's key items
    /// added: every expertise tag of every key (重点) item the task names.
    /// Every named item must be in `items`.
    pub fn team_rules_with(&self, items: &CheckItemList) -> Result<TeamRules, TaskError> {
        merge_key_expertise(&self.team, &self.items, items)
    }

    /// Whether the task is a joint task (部门联合抽查) with participating departments.
    pub fn is_joint(&self) -> bool {
        !self.team.participating_departments.is_empty()
    }
}

/// `team` with every expertise tag of every key (重点) item among `named`
/// added, the tags sorted by bytes and each kept once: the effective team
/// rules of a task naming those items. Every named item must be in `list`.
pub fn merge_key_expertise(
    team: &TeamRules,
    named: &[String],
    list: &CheckItemList,
) -> Result<TeamRules, TaskError> {
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
    // BTreeSet order is byte order: sorted, each once.
    rules.required_expertise = tags.into_iter().map(str::to_owned).collect();
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registers::ItemRow;

    fn bp(s: &str) -> BasisPoints {
        BasisPoints::parse_percent(s).unwrap()
    }

    fn ratios() -> Ratios {
        Ratios([bp("3%"), bp("5%"), bp("12.5%"), bp("60%")])
    }

    fn task(team: TeamRules) -> Result<Task, TaskError> {
        Task::new("T-1", "取水许可检查", vec![], ratios(), team, None)
    }

    #[test]
    fn valid_task() {
        let t = task(TeamRules::new(2, "管理股")).unwrap();
        assert!(!t.is_joint());
        assert_eq!(t.sample_sizes([30, 0, 0, 0]).unwrap(), [3, 0, 0, 0]);
    }

    #[test]
    fn rules_are_enforced() {
        assert_eq!(
            task(TeamRules::new(1, "管理股")).unwrap_err(),
            TaskError::TeamTooSmall { team_size: 1 }
        );
        assert_eq!(
            task(TeamRules::new(2, " ")).unwrap_err(),
            TaskError::MissingField {
                field: "initiating_department"
            }
        );
        let mut joint = TeamRules::new(2, "管理股");
        joint.participating_departments = vec!["水资源股".into(), "河道股".into()];
        assert_eq!(
            task(joint.clone()).unwrap_err(),
            TaskError::TeamSmallerThanDepartments {
                team_size: 2,
                departments: 3
            }
        );
        joint.team_size = 3;
        assert!(task(joint.clone()).unwrap().is_joint());
        joint.participating_departments.push("管理股".into());
        joint.team_size = 4;
        assert!(matches!(
            task(joint).unwrap_err(),
            TaskError::DuplicateDepartment { .. }
        ));
        let mut capped = TeamRules::new(2, "管理股");
        capped.workload_cap = Some(0);
        assert_eq!(task(capped).unwrap_err(), TaskError::ZeroWorkloadCap);
        let decreasing = Ratios([bp("5%"), bp("3%"), bp("10%"), bp("20%")]);
        assert!(matches!(
            Task::new("T", "n", vec![], decreasing, TeamRules::new(2, "a"), None).unwrap_err(),
            TaskError::Ratios(SizeError::RatioDecreasing { .. })
        ));
        assert!(matches!(
            Task::new(
                "T",
                "n",
                vec!["X".into(), "X".into()],
                ratios(),
                TeamRules::new(2, "a"),
                None
            )
            .unwrap_err(),
            TaskError::DuplicateItem { .. }
        ));
    }

    #[test]
    fn key_items_add_expertise() {
        let row = |row, id: &str, cat: &str, exp: &str| ItemRow {
            row,
            id: id.into(),
            name: "n".into(),
            category: cat.into(),
            department: "水资源股".into(),
            method: "实地核查".into(),
            expertise: exp.into(),
            ..Default::default()
        };
        let items = CheckItemList::from_rows(vec![
            row(2, "K", "重点", "水资源;取水计量"),
            row(3, "G", "一般", "节约用水"),
        ])
        .register;
        let mut team = TeamRules::new(2, "水资源股");
        team.required_expertise = vec!["水资源".into()];
        let t = Task::new("T", "n", vec!["K".into(), "G".into()], ratios(), team, None).unwrap();
        let rules = t.team_rules_with(&items).unwrap();
        assert_eq!(rules.required_expertise, ["取水计量", "水资源"]);
        let t = Task::new(
            "T",
            "n",
            vec!["Z".into()],
            ratios(),
            TeamRules::new(2, "a"),
            None,
        )
        .unwrap();
        assert_eq!(
            t.team_rules_with(&items).unwrap_err(),
            TaskError::UnknownItem { id: "Z".into() }
        );
    }
}
