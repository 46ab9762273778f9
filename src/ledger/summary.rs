//! Per-task summary tables (汇总表): initiated (发起) and cooperated (配合).

use std::fmt;

use serde::Serialize;

use super::category::ResultCategory;
use super::state::{Deadline, DrawIndex, DrawnTask, Ledger, LedgerEntry};
use crate::registers::EntityRegister;
use crate::registers::uscc::Uscc;

/// Which of the two summary tables a row belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SummaryKind {
    /// Tasks the department initiated (发起).
    Initiated,
    /// Joint tasks the department took part in (配合).
    Cooperated,
}

impl SummaryKind {
    /// 发起 or 配合.
    pub const fn chinese_name(self) -> &'static str {
        match self {
            SummaryKind::Initiated => "发起",
            SummaryKind::Cooperated => "配合",
        }
    }
}

/// An exact fraction; no floating point anywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rate {
    /// Numerator.
    pub numerator: u64,
    /// Denominator.
    pub denominator: u64,
    /// Per mille, rounded down (so 100% is shown only when complete); `null` when the denominator is 0.
    pub per_mille: Option<u64>,
}

impl Rate {
    /// `numerator / denominator`.
    pub fn new(numerator: u64, denominator: u64) -> Self {
        let per_mille = (denominator > 0).then(|| {
            let v = u128::from(numerator) * 1000 / u128::from(denominator);
            u64::try_from(v).unwrap_or(u64::MAX)
        });
        Rate {
            numerator,
            denominator,
            per_mille,
        }
    }

    /// Whether the rate is 100% (or there is nothing to count).
    pub fn is_complete(&self) -> bool {
        self.numerator >= self.denominator
    }
}

impl fmt::Display for Rate {
    /// Percent with one decimal, rounded down (`97.5%`); `—` when the denominator is 0.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.per_mille {
            Some(p) => write!(f, "{}.{}%", p / 10, p % 10),
            None => f.write_str("—"),
        }
    }
}

/// A result category and how many results carry it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CategoryCount {
    /// The category.
    pub category: ResultCategory,
    /// Its Chinese wording.
    pub name: &'static str,
    /// Number of results (latest versions) carrying it.
    pub count: u64,
}

/// A check item and how many entities' results cover it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ItemCount {
    /// The item's id.
    pub item: String,
    /// Entities whose (current) result lists it.
    pub entities: u64,
}

/// A drawn entity that has no result yet (of the row's department, or of
/// some department of the task for the initiated row).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MissingEntity {
    /// Its code.
    pub uscc: Uscc,
    /// Its name, when an entity register was given and holds it.
    pub name: Option<String>,
    /// The draw (hex).
    pub draw: String,
    /// The departments whose result is missing.
    pub departments: Vec<String>,
}

/// One row of a summary table: one task, seen from one department.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TaskSummary {
    /// Initiated or cooperated.
    pub kind: SummaryKind,
    /// The department the row is for.
    pub department: String,
    /// Task id.
    pub task_id: String,
    /// Task name.
    pub task_name: String,
    /// Initiating department.
    pub initiating_department: String,
    /// Participating departments.
    pub participating_departments: Vec<String>,
    /// The committed pool size (名录库户数), summed over the task's draws.
    pub pool: u64,
    /// The number to inspect (计划抽查户数): what the committed ratios gave
    /// and the draws fixed, summed over the task's draws. It equals `drawn`.
    pub planned: u64,
    /// Drawn entities.
    pub drawn: u64,
    /// Supplementary entities (补充抽取) drawn in place of drawn ones that
    /// could not be inspected; both they and the entities they replace need
    /// a result.
    pub supplemented: u64,
    /// Drawn entities with a result whose categories do not all say the
    /// entity could not be inspected (unreachable, closed, deregistered).
    pub inspected: u64,
    /// Drawn entities with a result entered.
    pub entered: u64,
    /// Of those, entered within the deadline.
    pub entered_on_time: u64,
    /// Of those, whose deadline the calendar could not check.
    pub deadline_not_checked: u64,
    /// Drawn entities whose latest result version is covered by a checkpoint.
    pub published: u64,
    /// Results per category, every category listed.
    pub categories: Vec<CategoryCount>,
    /// The check items the row's results cover, in the task's order.
    pub items: Vec<ItemCount>,
    /// entered / (drawn + supplemented).
    pub entry_rate: Rate,
    /// published / (drawn + supplemented).
    pub publication_rate: Rate,
    /// Every drawn entity still without a result (the plan demands 100%).
    pub missing: Vec<MissingEntity>,
}

/// The summary rows: for each task of the receipt chain, one
/// [`SummaryKind::Initiated`] row for its initiating department, counting
/// each entity's overall result (complete when every department of the task
/// has entered its own, docs/spec/ledger.md §1.6), and one
/// [`SummaryKind::Cooperated`] row per participating department, counting
/// that department's own results and items; with `department`, only that
/// department's rows. Tasks appear in order of their first draw.
pub fn summarise(
    ledger: &Ledger,
    draws: &DrawIndex,
    entities: Option<&EntityRegister>,
    department: Option<&str>,
) -> Vec<TaskSummary> {
    let mut task_order: Vec<&str> = Vec::new();
    for d in draws.draws() {
        if !task_order.contains(&d.task.id.as_str()) {
            task_order.push(&d.task.id);
        }
    }
    let mut rows = Vec::new();
    for task_id in task_order {
        let task_draws: Vec<&DrawnTask> = draws
            .draws()
            .iter()
            .filter(|d| d.task.id == task_id)
            .collect();
        let Some(last) = task_draws.last() else {
            continue;
        };
        let task = &last.task;
        let mut task_rows = vec![row(ledger, &task_draws, entities, None)];
        for p in task.team.participating_departments() {
            task_rows.push(row(ledger, &task_draws, entities, Some(p)));
        }
        rows.extend(
            task_rows
                .into_iter()
                .filter(|r| department.is_none_or(|d| r.department == d)),
        );
    }
    rows.sort_by_key(|r| r.kind);
    rows
}

/// One row: the task as a whole (`participating` = `None`) or one
/// participating department's own results.
fn row(
    ledger: &Ledger,
    task_draws: &[&DrawnTask],
    entities: Option<&EntityRegister>,
    participating: Option<&str>,
) -> TaskSummary {
    let task = &task_draws[task_draws.len() - 1].task;
    let mut r = TaskSummary {
        kind: if participating.is_some() {
            SummaryKind::Cooperated
        } else {
            SummaryKind::Initiated
        },
        department: participating
            .unwrap_or(task.team.initiating_department())
            .to_owned(),
        task_id: task.id.clone(),
        task_name: task.name.clone(),
        initiating_department: task.team.initiating_department().to_owned(),
        participating_departments: task.team.participating_departments().to_vec(),
        pool: 0,
        planned: 0,
        drawn: 0,
        supplemented: 0,
        inspected: 0,
        entered: 0,
        entered_on_time: 0,
        deadline_not_checked: 0,
        published: 0,
        categories: Vec::new(),
        items: Vec::new(),
        entry_rate: Rate::new(0, 0),
        publication_rate: Rate::new(0, 0),
        missing: Vec::new(),
    };
    let mut counts = [0u64; ResultCategory::ALL.len()];
    let mut items: Vec<ItemCount> = task
        .items
        .iter()
        .map(|i| ItemCount {
            item: i.clone(),
            entities: 0,
        })
        .collect();
    for d in task_draws {
        r.pool += d.pool_size;
        r.planned += d.draw.drawn_count() as u64;
        r.drawn += d.draw.drawn_count() as u64;
        r.supplemented += d.supplemented();
        for uscc in d.drawn() {
            let found = ledger.entity_result(d, &uscc);
            // The row's results: the whole entity's, or the department's own.
            let (entries, missing): (Vec<&LedgerEntry>, Vec<String>) = match (&found, participating)
            {
                (None, None) => (
                    Vec::new(),
                    d.task
                        .team
                        .departments()
                        .iter()
                        .map(|s| (*s).to_owned())
                        .collect(),
                ),
                (None, Some(p)) => (Vec::new(), vec![p.to_owned()]),
                (Some(e), None) => (e.entries.clone(), e.missing.clone()),
                (Some(e), Some(p)) => {
                    let own: Vec<&LedgerEntry> = e
                        .entries
                        .iter()
                        .copied()
                        .filter(|x| x.department().is_none_or(|dep| dep == p))
                        .collect();
                    let missing = if own.is_empty() {
                        vec![p.to_owned()]
                    } else {
                        Vec::new()
                    };
                    (own, missing)
                }
            };
            if entries.is_empty() || !missing.is_empty() {
                r.missing.push(MissingEntity {
                    uscc,
                    name: entities
                        .and_then(|e| e.get(&uscc))
                        .map(|e| e.name().to_owned()),
                    draw: d.draw_id.to_string(),
                    departments: missing,
                });
                continue;
            }
            r.entered += 1;
            if entries.iter().all(|e| e.deadline() == Deadline::OnTime) {
                r.entered_on_time += 1;
            } else if !entries
                .iter()
                .any(|e| matches!(e.deadline(), Deadline::Overdue { .. }))
            {
                r.deadline_not_checked += 1;
            }
            if entries.iter().all(|e| ledger.is_published(e)) {
                r.published += 1;
            }
            let cats = match (&found, participating) {
                (Some(e), None) => e.categories(),
                _ => {
                    let mut c: Vec<ResultCategory> = entries
                        .iter()
                        .flat_map(|e| e.current().fields.categories.iter().copied())
                        .collect();
                    c.sort();
                    c.dedup();
                    c
                }
            };
            if !cats.iter().all(|c| c.means_not_inspected()) {
                r.inspected += 1;
            }
            for c in &cats {
                if let Some(i) = ResultCategory::ALL.iter().position(|x| x == c) {
                    counts[i] += 1;
                }
            }
            for item in &mut items {
                let covered = entries.iter().any(|e| match &e.current().fields.items {
                    // A version-1 result covers every item of the task.
                    None => true,
                    Some(list) => list.contains(&item.item),
                });
                if covered {
                    item.entities += 1;
                }
            }
        }
    }
    r.categories = ResultCategory::ALL
        .iter()
        .zip(counts)
        .map(|(c, count)| CategoryCount {
            category: *c,
            name: c.chinese_name(),
            count,
        })
        .collect();
    r.items = items;
    let listed = r.drawn + r.supplemented;
    r.entry_rate = Rate::new(r.entered, listed);
    r.publication_rate = Rate::new(r.published, listed);
    r
}
