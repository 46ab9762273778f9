//! `plan`: what a task means for a register before anyone commits to it.
//!
//! Per credit class: the pool size (valid entities of that class), the
//! task's ratio and the number to draw, plus the totals and which minimum
//! rule applied (all drawn when the pool holds fewer than 3, otherwise at
//! least 3, topped up from the highest-risk classes first; see
//! `docs/spec/sampling.md`).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use double_random::{
    registers::CreditClass,
    sampling::{CLASS_COUNT, MIN_TOTAL_SAMPLE, ceil_ratio},
    task::Task,
};
use serde_json::{Map, Value, json};

use crate::common::{CliError, ReadArgs, Status, pad_left, pad_right};
use crate::registers;
use crate::task_file::read_task_file;

/// Flags of `plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Task file (TOML; see docs/task-file.md).
    #[arg(long)]
    pub task: PathBuf,
    /// Entity register (CSV or .xlsx): the task's pool.
    #[arg(long)]
    pub entities: PathBuf,
    /// Print a JSON report instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Which minimum-size rule changed the counts the ratios give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MinimumRule {
    /// The ratios alone give at least 3, or the pool is empty.
    None,
    /// The pool holds fewer than 3 entities: all are drawn.
    AllFewerThanThree,
    /// The ratios give fewer than 3: extra picks were added.
    TopUpToThree,
}

impl MinimumRule {
    /// The name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            MinimumRule::None => "none",
            MinimumRule::AllFewerThanThree => "all-fewer-than-3",
            MinimumRule::TopUpToThree => "top-up-to-3",
        }
    }
}

/// The numbers of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanReport {
    /// Valid entities per class, A..D.
    pub pools: [u64; CLASS_COUNT],
    /// `ceil(n_c * ratio_c)` per class, before the minimum rule.
    pub by_ratio: [u64; CLASS_COUNT],
    /// Number to draw per class.
    pub draws: [u64; CLASS_COUNT],
    /// Which minimum rule applied.
    pub rule: MinimumRule,
}

impl PlanReport {
    /// Computes the plan of `task` for pools of these sizes.
    pub fn new(task: &Task, pools: [u64; CLASS_COUNT]) -> Result<Self, CliError> {
        let draws = task.sample_sizes(pools)?;
        let mut by_ratio = [0; CLASS_COUNT];
        for c in CreditClass::ALL {
            by_ratio[c.index()] = ceil_ratio(pools[c.index()], task.ratios.get(c));
        }
        // Under the positive-ratio top-up, a class at 0% takes no part in
        // the minimum rules (docs/spec/sampling.md §2).
        let pool_total: u64 = CreditClass::ALL
            .iter()
            .filter(|&&c| {
                task.top_up == double_random::records::TopUp::AnyClass
                    || task.ratios.get(c).get() > 0
            })
            .map(|c| pools[c.index()])
            .sum();
        let rule = if pool_total == 0 {
            MinimumRule::None
        } else if pool_total < MIN_TOTAL_SAMPLE {
            MinimumRule::AllFewerThanThree
        } else if draws == by_ratio {
            MinimumRule::None
        } else {
            MinimumRule::TopUpToThree
        };
        Ok(PlanReport {
            pools,
            by_ratio,
            draws,
            rule,
        })
    }

    /// Total pool size.
    pub fn pool_total(&self) -> u64 {
        self.pools.iter().sum()
    }

    /// Total number to draw.
    pub fn total(&self) -> u64 {
        self.draws.iter().sum()
    }

    /// The JSON report of `plan --json`.
    pub fn to_json(&self, task: &Task) -> Value {
        let mut classes = Map::new();
        for c in CreditClass::ALL {
            let i = c.index();
            classes.insert(
                c.to_string(),
                json!({
                    "pool": self.pools[i],
                    "ratio_bp": task.ratios.get(c).get(),
                    "draw": self.draws[i],
                }),
            );
        }
        json!({
            "task": task.id,
            "classes": classes,
            "total": self.total(),
            "pool_total": self.pool_total(),
            "minimum_rule": self.rule.name(),
        })
    }

    /// One sentence saying which minimum rule applied and where.
    pub fn rule_line(&self) -> String {
        let ratio_total: u64 = self.by_ratio.iter().sum();
        match self.rule {
            MinimumRule::None if self.pool_total() == 0 => {
                "the register holds no valid entity: nothing to draw".to_owned()
            }
            MinimumRule::None => format!(
                "the ratios give {ratio_total}, at least {MIN_TOTAL_SAMPLE}: no top-up needed"
            ),
            MinimumRule::AllFewerThanThree => format!(
                "the pool holds fewer than {MIN_TOTAL_SAMPLE} entities, so all {} are drawn",
                self.pool_total()
            ),
            MinimumRule::TopUpToThree => {
                let added: Vec<String> = CreditClass::ALL
                    .iter()
                    .rev()
                    .filter_map(|&c| {
                        let extra = self.draws[c.index()].saturating_sub(self.by_ratio[c.index()]);
                        (extra > 0).then(|| format!("{c} +{extra}"))
                    })
                    .collect();
                format!(
                    "the ratios give {ratio_total}; at least {MIN_TOTAL_SAMPLE} must be drawn, \
                     so the highest-risk classes were topped up: {}",
                    added.join(", ")
                )
            }
        }
    }

    /// The text table of `plan`.
    pub fn write_text(&self, task: &Task, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(out, "task {}  {}", task.id, task.name)?;
        let departments: Vec<&str> = task.team.departments().collect();
        writeln!(
            out,
            "departments: {}{}; team of {}",
            departments.join(", "),
            if task.is_joint() { " (joint)" } else { "" },
            task.team.team_size()
        )?;
        if !task.items.is_empty() {
            writeln!(out, "items: {}", task.items.join(", "))?;
        }
        writeln!(out)?;
        let widths = [6, 10, 10, 8, 8];
        let row = |cells: [&str; 5]| -> String {
            let mut line = format!(
                "{}{}",
                pad_right(cells[0], widths[0]),
                pad_right(cells[1], widths[1])
            );
            for (cell, w) in cells.iter().zip(widths).skip(2) {
                line.push_str(&pad_left(cell, w));
            }
            line.trim_end().to_owned()
        };
        writeln!(out, "{}", row(["class", "risk", "pool", "ratio", "draw"]))?;
        for c in CreditClass::ALL {
            let i = c.index();
            writeln!(
                out,
                "{}",
                row([
                    &c.to_string(),
                    c.chinese_name(),
                    &self.pools[i].to_string(),
                    &task.ratios.get(c).to_string(),
                    &self.draws[i].to_string(),
                ])
            )?;
        }
        writeln!(
            out,
            "{}",
            row([
                "total",
                "",
                &self.pool_total().to_string(),
                "",
                &self.total().to_string()
            ])
        )?;
        writeln!(out)?;
        writeln!(out, "rule: {}", self.rule_line())
    }
}

/// Runs `plan`.
pub fn plan(args: &PlanArgs) -> Result<Status, CliError> {
    let today = crate::receipts::beijing_date(crate::receipts::now()?);
    let task = read_task_file(&args.task, today)?.task;
    let mut notes = Vec::new();
    let entities = registers::read_entities(
        &args.entities,
        args.read.encoding.into(),
        &args.read.options(Some(task.inspection_date)),
        &mut notes,
    )?;
    for n in &notes {
        eprintln!("note: {n}");
    }
    let pool = entities
        .register
        .pool(&task.scope, &std::collections::HashSet::new());
    let report = PlanReport::new(&task, pool.class_sizes())?;
    let status = if entities.is_clean() {
        Status::Ok
    } else {
        Status::Failed
    };
    if !entities.problems.is_empty() {
        let errors = entities.errors().count();
        eprintln!(
            "{}: {errors} error(s), {} warning(s); rows with errors are not in the pool:",
            args.entities.display(),
            entities.problems.len() - errors
        );
        for p in &entities.problems {
            eprintln!("  {p}");
        }
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report.to_json(&task))?;
        writeln!(out)?;
    } else {
        report.write_text(&task, &mut out)?;
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task_file::parse_task;

    fn task(ratios: [&str; 4]) -> Task {
        parse_task(
            "t.toml",
            &format!(
                "id = \"T-1\"\nname = \"取水许可检查\"\ninitiating_department = \"水资源股\"\n\
                 team_size = 2\n[ratios]\nA = \"{}\"\nB = \"{}\"\nC = \"{}\"\nD = \"{}\"\n",
                ratios[0], ratios[1], ratios[2], ratios[3]
            ),
            time::macros::date!(2024 - 07 - 01),
        )
        .unwrap()
        .task
    }

    #[test]
    fn ratios_alone() {
        let t = task(["3%", "5%", "12.5%", "60%"]);
        let r = PlanReport::new(&t, [14, 14, 8, 4]).unwrap();
        assert_eq!(r.draws, [1, 1, 1, 3]);
        assert_eq!(r.rule, MinimumRule::None);
        assert_eq!(r.total(), 6);
        assert_eq!(r.pool_total(), 40);
        let v = r.to_json(&t);
        assert_eq!(v["task"], "T-1");
        assert_eq!(v["classes"]["C"]["ratio_bp"], 1250);
        assert_eq!(v["classes"]["D"]["draw"], 3);
        assert_eq!(v["total"], 6);
        assert_eq!(v["pool_total"], 40);
        assert!(r.rule_line().contains("no top-up"));
    }

    #[test]
    fn top_up_and_all() {
        let t = task(["0%", "0%", "10%", "10%"]);
        let r = PlanReport::new(&t, [10, 10, 5, 1]).unwrap();
        assert_eq!(r.by_ratio, [0, 0, 1, 1]);
        assert_eq!(r.draws, [0, 0, 2, 1]);
        assert_eq!(r.rule, MinimumRule::TopUpToThree);
        assert!(r.rule_line().contains("C +1"), "{}", r.rule_line());
        // A class at 0% is never drawn by the (default) positive-ratio top-up...
        let r = PlanReport::new(&t, [2, 0, 0, 0]).unwrap();
        assert_eq!(r.draws, [0, 0, 0, 0]);
        let r = PlanReport::new(&t, [2, 0, 1, 0]).unwrap();
        assert_eq!(r.draws, [0, 0, 1, 0]);
        assert_eq!(r.rule, MinimumRule::AllFewerThanThree);
        // ... but is under the any-class rule of format version 1.
        let any = t
            .clone()
            .with_top_up(double_random::records::TopUp::AnyClass);
        let r = PlanReport::new(&any, [2, 0, 0, 0]).unwrap();
        assert_eq!(r.draws, [2, 0, 0, 0]);
        assert_eq!(r.rule, MinimumRule::AllFewerThanThree);
        assert!(r.rule_line().contains("all 2"));
        let full = task(["100%", "100%", "100%", "100%"]);
        let r = PlanReport::new(&full, [0, 1, 1, 0]).unwrap();
        assert_eq!(r.rule, MinimumRule::AllFewerThanThree);
        let r = PlanReport::new(&t, [0; 4]).unwrap();
        assert_eq!(r.total(), 0);
        assert!(r.rule_line().contains("no valid entity"));
    }

    #[test]
    fn text_table_is_aligned() {
        let t = task(["3%", "5%", "12.5%", "60%"]);
        let r = PlanReport::new(&t, [14, 14, 8, 4]).unwrap();
        let mut buf = Vec::new();
        r.write_text(&t, &mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let table: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with(['c', 'A', 'B', 'C', 'D', 't']) && !l.starts_with("task"))
            .collect();
        assert_eq!(table.len(), 6, "{text}");
        for l in &table {
            assert_eq!(crate::common::display_width(l), 42, "{l:?}\n{text}");
        }
        assert!(text.contains("task T-1  取水许可检查"));
    }
}
