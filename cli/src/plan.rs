//! `plan`: what a task means for a register before anyone commits to it.
//!
//! The task's scope (定向抽查) and the pool it gives; per credit class: the
//! master register's count, the pool's, the task's ratio, the effective
//! rate (number drawn ÷ pool) and the number to draw, plus the totals, the
//! top-up policy, which minimum rule applied (all drawn when the pool holds
//! fewer than 3, otherwise at least 3, topped up from the highest-risk
//! classes first; see `docs/spec/sampling.md`) and the entities the scope
//! leaves out by registration status alone.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use double_random::{
    records::TopUp,
    registers::{CreditClass, EntityRegister, in_scope_but_status, in_statuses},
    sampling::{BasisPoints, CLASS_COUNT, MIN_TOTAL_SAMPLE, ceil_ratio},
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
    /// Entity register (CSV or .xlsx): the master register the task's scope
    /// selects its pool from.
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
    /// Valid entities of the master register per class, A..D.
    pub master: [u64; CLASS_COUNT],
    /// Entities of the task's pool (the master register in its scope) per class, A..D.
    pub pools: [u64; CLASS_COUNT],
    /// `ceil(n_c * ratio_c)` per class, before the minimum rule.
    pub by_ratio: [u64; CLASS_COUNT],
    /// Number to draw per class.
    pub draws: [u64; CLASS_COUNT],
    /// Which minimum rule applied.
    pub rule: MinimumRule,
    /// Entities the scope leaves out by registration status alone (in
    /// scope on every other list), by status code.
    pub left_out_by_status: BTreeMap<&'static str, u64>,
}

/// The effective rate `draw / pool` in basis points, rounded down; `None`
/// for an empty pool. Integers only.
pub fn effective_rate(draw: u64, pool: u64) -> Option<BasisPoints> {
    if pool == 0 {
        return None;
    }
    let bp = u128::from(draw.min(pool)) * 10_000 / u128::from(pool);
    BasisPoints::new(u32::try_from(bp).unwrap_or(10_000)).ok()
}

/// The effective rate as percent text: `"—"` for an empty pool, and `≈`
/// before a rate that is not a whole number of basis points.
pub fn effective_rate_text(draw: u64, pool: u64) -> String {
    match effective_rate(draw, pool) {
        None => "—".to_owned(),
        Some(bp) if u128::from(draw) * 10_000 % u128::from(pool) == 0 => bp.to_string(),
        Some(bp) => format!("≈{bp}"),
    }
}

/// The top-up policy in words.
pub fn top_up_text(top_up: TopUp) -> &'static str {
    if crate::lang::zh() {
        return match top_up {
            TopUp::AnyClass => "any-class：“至少 3 户”的补足可从所有类别抽取，包括比例为 0% 的类别",
            _ => "positive-ratio：“至少 3 户”的补足只从比例大于 0% 的类别抽取",
        };
    }
    match top_up {
        TopUp::AnyClass => {
            "any-class: the at-least-3 top-up may take entities of every class, a class at 0% too"
        }
        _ => "positive-ratio: the at-least-3 top-up takes only classes whose ratio is above 0%",
    }
}

impl PlanReport {
    /// Computes the plan of `task` for pools of these sizes (the master
    /// register taken to be the pool).
    pub fn new(task: &Task, pools: [u64; CLASS_COUNT]) -> Result<Self, CliError> {
        Self::with_master(task, pools, pools, BTreeMap::new())
    }

    /// Computes the plan of `task` on a master register: the pool its
    /// scope selects (no exclusion of earlier draws: those are resolved on
    /// the chain at commit).
    pub fn for_register(task: &Task, master: &EntityRegister) -> Result<Self, CliError> {
        let pool = master.pool(&task.scope, &std::collections::HashSet::new());
        let mut left_out: BTreeMap<&'static str, u64> = BTreeMap::new();
        for e in master.entities() {
            if in_scope_but_status(e, &task.scope) && !in_statuses(e, &task.scope) {
                *left_out.entry(e.status().code()).or_default() += 1;
            }
        }
        Self::with_master(task, master.class_sizes(), pool.class_sizes(), left_out)
    }

    fn with_master(
        task: &Task,
        master: [u64; CLASS_COUNT],
        pools: [u64; CLASS_COUNT],
        left_out_by_status: BTreeMap<&'static str, u64>,
    ) -> Result<Self, CliError> {
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
            master,
            pools,
            by_ratio,
            draws,
            rule,
            left_out_by_status,
        })
    }

    /// Total master register size.
    pub fn master_total(&self) -> u64 {
        self.master.iter().sum()
    }

    /// Total pool size.
    pub fn pool_total(&self) -> u64 {
        self.pools.iter().sum()
    }

    /// Total number to draw.
    pub fn total(&self) -> u64 {
        self.draws.iter().sum()
    }

    /// The JSON report of `plan --json`: per class the master register's
    /// count, the pool's (the scoped pool), the ratio, the effective rate
    /// and the number to draw.
    pub fn to_json(&self, task: &Task) -> Value {
        let mut classes = Map::new();
        for c in CreditClass::ALL {
            let i = c.index();
            let rate = effective_rate(self.draws[i], self.pools[i]);
            classes.insert(
                c.to_string(),
                json!({
                    "master": self.master[i],
                    "pool": self.pools[i],
                    "ratio_bp": task.ratios.get(c).get(),
                    "ratio": task.ratios.get(c).to_string(),
                    "effective_rate_bp": rate.map(|r| r.get()),
                    "effective_rate": effective_rate_text(self.draws[i], self.pools[i]),
                    "draw": self.draws[i],
                }),
            );
        }
        json!({
            "task": task.id,
            "scope": task.scope,
            "top_up": task.top_up,
            "classes": classes,
            "total": self.total(),
            "pool_total": self.pool_total(),
            "master_total": self.master_total(),
            "left_out_by_status": self.left_out_by_status,
            "minimum_rule": self.rule.name(),
        })
    }

    /// One sentence saying which minimum rule applied and where.
    pub fn rule_line(&self) -> String {
        let ratio_total: u64 = self.by_ratio.iter().sum();
        if crate::lang::zh() {
            return self.rule_line_zh(ratio_total);
        }
        match self.rule {
            MinimumRule::None if self.pool_total() == 0 => {
                "the pool holds no entity: nothing to draw".to_owned()
            }
            MinimumRule::None => format!(
                "the ratios give {ratio_total}, at least {MIN_TOTAL_SAMPLE}: no top-up needed"
            ),
            MinimumRule::AllFewerThanThree => format!(
                "the pool holds fewer than {MIN_TOTAL_SAMPLE} entities, so all {} are drawn",
                self.pool_total()
            ),
            MinimumRule::TopUpToThree => {
                let added: Vec<String> = self
                    .top_ups()
                    .map(|(c, extra)| format!("{c} +{extra}"))
                    .collect();
                format!(
                    "the ratios give {ratio_total}; at least {MIN_TOTAL_SAMPLE} must be drawn, \
                     so the highest-risk classes were topped up: {}",
                    added.join(", ")
                )
            }
        }
    }

    /// The classes the at-least-three rule topped up, highest risk first,
    /// with how many each gained over its ratio.
    fn top_ups(&self) -> impl Iterator<Item = (CreditClass, u64)> + '_ {
        CreditClass::ALL.iter().rev().filter_map(|&c| {
            let extra = self.draws[c.index()].saturating_sub(self.by_ratio[c.index()]);
            (extra > 0).then_some((c, extra))
        })
    }

    /// [`PlanReport::rule_line`] in Chinese.
    fn rule_line_zh(&self, ratio_total: u64) -> String {
        match self.rule {
            MinimumRule::None if self.pool_total() == 0 => {
                "名录库中没有检查对象：无需抽取".to_owned()
            }
            MinimumRule::None => {
                format!("按比例抽取 {ratio_total} 户，不少于 {MIN_TOTAL_SAMPLE} 户：无需补足")
            }
            MinimumRule::AllFewerThanThree => format!(
                "名录库不足 {MIN_TOTAL_SAMPLE} 户，全部 {} 户均抽取",
                self.pool_total()
            ),
            MinimumRule::TopUpToThree => {
                let added: Vec<String> = self
                    .top_ups()
                    .map(|(c, extra)| format!("{c} 类 +{extra}"))
                    .collect();
                format!(
                    "按比例抽取 {ratio_total} 户；至少须抽取 {MIN_TOTAL_SAMPLE} 户，\
                     故从风险最高的类别补足：{}",
                    added.join("，")
                )
            }
        }
    }

    /// The text table of `plan`.
    pub fn write_text(&self, task: &Task, out: &mut impl Write) -> std::io::Result<()> {
        let zh = crate::lang::zh();
        let departments: Vec<&str> = task.team.departments().collect();
        if zh {
            writeln!(out, "任务 {}  {}", task.id, task.name)?;
            writeln!(
                out,
                "股室：{}{}；每组 {} 人",
                departments.join("、"),
                if task.is_joint() {
                    "（联合检查）"
                } else {
                    ""
                },
                task.team.team_size()
            )?;
            if !task.items.is_empty() {
                writeln!(out, "抽查事项：{}", task.items.join("、"))?;
            }
            for (i, line) in crate::scope::chinese(&task.scope).iter().enumerate() {
                writeln!(out, "{}{line}", if i == 0 { "范围：" } else { "      " })?;
            }
            writeln!(out, "补足规则：{}", top_up_text(task.top_up))?;
        } else {
            writeln!(out, "task {}  {}", task.id, task.name)?;
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
            for (i, line) in crate::scope::english(&task.scope).iter().enumerate() {
                writeln!(out, "{}{line}", if i == 0 { "scope: " } else { "       " })?;
            }
            writeln!(out, "top-up: {}", top_up_text(task.top_up))?;
        }
        writeln!(out)?;
        let widths = [6, 10, 10, 8, 8, 11, 8];
        let row = |cells: [&str; 7]| -> String {
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
        writeln!(
            out,
            "{}",
            row(if zh {
                [
                    "类别",
                    "风险",
                    "主名录库",
                    "名录库",
                    "比例",
                    "实际比例",
                    "抽取",
                ]
            } else {
                [
                    "class",
                    "risk",
                    "register",
                    "pool",
                    "ratio",
                    "effective",
                    "draw",
                ]
            })
        )?;
        for c in CreditClass::ALL {
            let i = c.index();
            writeln!(
                out,
                "{}",
                row([
                    &c.to_string(),
                    c.chinese_name(),
                    &self.master[i].to_string(),
                    &self.pools[i].to_string(),
                    &task.ratios.get(c).to_string(),
                    &effective_rate_text(self.draws[i], self.pools[i]),
                    &self.draws[i].to_string(),
                ])
            )?;
        }
        writeln!(
            out,
            "{}",
            row([
                if zh { "合计" } else { "total" },
                "",
                &self.master_total().to_string(),
                &self.pool_total().to_string(),
                "",
                &effective_rate_text(self.total(), self.pool_total()),
                &self.total().to_string()
            ])
        )?;
        writeln!(out)?;
        if zh {
            writeln!(
                out,
                "主名录库：全部检查对象；名录库：其中属于本任务范围的对象；实际比例：抽取数 ÷ 名录库（≈：向下取整到 0.01%）"
            )?;
            if self.left_out_by_status.is_empty() {
                writeln!(out, "因登记状态未纳入：无")?;
            } else {
                let parts: Vec<String> = self
                    .left_out_by_status
                    .iter()
                    .map(|(code, n)| format!("{} {n} 户", crate::scope::status_name(code)))
                    .collect();
                writeln!(out, "因登记状态未纳入：{}", parts.join("，"))?;
            }
            return writeln!(out, "规则：{}", self.rule_line());
        }
        writeln!(
            out,
            "register: the master register; pool: its entities in the task's scope; effective: draw ÷ pool (≈: rounded down to 0.01%)"
        )?;
        if self.left_out_by_status.is_empty() {
            writeln!(out, "left out by status: none")?;
        } else {
            let parts: Vec<String> = self
                .left_out_by_status
                .iter()
                .map(|(code, n)| format!("{n} {code} ({})", crate::scope::status_name(code)))
                .collect();
            writeln!(out, "left out by status: {}", parts.join(", "))?;
        }
        writeln!(out, "rule: {}", self.rule_line())
    }
}

/// Runs `plan`.
pub fn plan(args: &PlanArgs) -> Result<Status, CliError> {
    let today = crate::receipts::beijing_date(crate::receipts::now()?);
    let file = read_task_file(&args.task, today)?;
    let task = file.task;
    let mut notes = crate::registers::Notes::default();
    let entities = registers::read_entities(
        &args.entities,
        args.read.encoding.into(),
        &args.read.options(Some(task.inspection_date)),
        &mut notes,
    )?;
    for n in &notes {
        eprintln!("{}{n}", crate::lang::pick("note: ", "提示："));
    }
    let report = PlanReport::for_register(&task, &entities.register)?;
    let status = if entities.is_clean() {
        Status::Ok
    } else {
        Status::Failed
    };
    if !entities.problems.is_empty() {
        let errors = entities.errors().count();
        let warnings = entities.problems.len() - errors;
        if crate::lang::zh() {
            eprintln!(
                "{}：{errors} 个错误，{warnings} 个警告；有错误的行不进入本任务名录库：",
                args.entities.display()
            );
        } else {
            eprintln!(
                "{}: {errors} error(s), {warnings} warning(s); rows with errors are not in the pool:",
                args.entities.display()
            );
        }
        for p in &entities.problems {
            eprintln!("  {}", notes.describe(p));
        }
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        let mut v = report.to_json(&task);
        v["exclude_drawn_by"] = json!(file.exclude_drawn_by);
        v["exclude_drawn_in_year"] = json!(file.exclude_drawn_in_year);
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
    } else {
        report.write_text(&task, &mut out)?;
        if let Some(line) =
            exclusion_line(&file.exclude_drawn_by, file.exclude_drawn_in_year, &task)
        {
            writeln!(out, "{line}")?;
        }
    }
    Ok(status)
}

/// What a task's exclusions of earlier draws will leave out, in words; `None`
/// when it excludes none.
pub fn exclusion_line(by: &[String], in_year: bool, task: &Task) -> Option<String> {
    if crate::lang::zh() {
        let mut parts = Vec::new();
        if !by.is_empty() {
            parts.push(format!("任务 {} 抽中的对象", by.join("、")));
        }
        if in_year {
            parts.push(format!(
                "{} 年已抽中检查的对象",
                task.inspection_date.year()
            ));
        }
        return (!parts.is_empty()).then(|| {
            format!(
                "排除：{}（承诺时在链上确定；上表名录库未计入）",
                parts.join("及")
            )
        });
    }
    let mut parts = Vec::new();
    if !by.is_empty() {
        parts.push(format!("the draws of task(s) {}", by.join(", ")));
    }
    if in_year {
        parts.push(format!(
            "every draw inspected in {}",
            task.inspection_date.year()
        ));
    }
    (!parts.is_empty()).then(|| {
        format!(
            "excludes: the entities of {} (resolved on the chain at commit; the pool above does not count them)",
            parts.join(" and ")
        )
    })
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
        let one = task(["1%", "1%", "1%", "1%"]);
        let r = PlanReport::new(&one, [10, 10, 10, 10]).unwrap();
        assert_eq!((r.by_ratio, r.draws), ([1, 1, 1, 1], [1, 1, 1, 1]));
        let r = PlanReport::new(&one, [0, 10, 1, 1]).unwrap();
        assert_eq!(r.draws, [0, 1, 1, 1]);
        let r = PlanReport::new(&one, [0, 5, 0, 0]).unwrap();
        assert_eq!(r.rule, MinimumRule::TopUpToThree);
        assert_eq!(r.draws, [0, 3, 0, 0]);
        assert!(
            r.rule_line().ends_with("topped up: B +2"),
            "{}",
            r.rule_line()
        );
        let r = PlanReport::new(&task(["0%", "10%", "10%", "10%"]), [0, 30, 5, 1]).unwrap();
        assert_eq!((r.by_ratio, r.draws), ([0, 3, 1, 1], [0, 3, 1, 1]));
        let r = PlanReport::new(&task(["0%", "0%", "10%", "10%"]), [0, 0, 5, 5]).unwrap();
        assert_eq!((r.by_ratio, r.draws), ([0, 0, 1, 1], [0, 0, 1, 2]));
        assert!(
            r.rule_line().ends_with("topped up: D +1"),
            "{}",
            r.rule_line()
        );
        assert!(
            r.rule_line_zh(2)
                .ends_with("故从风险最高的类别补足：D 类 +1"),
            "{}",
            r.rule_line_zh(2)
        );
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
        assert!(r.rule_line().contains("no entity"));
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
            .filter(|l| {
                l.starts_with(['c', 'A', 'B', 'C', 'D', 't'])
                    && !l.starts_with("task")
                    && !l.starts_with("top-up")
            })
            .collect();
        assert_eq!(table.len(), 6, "{text}");
        for l in &table {
            assert_eq!(crate::common::display_width(l), 61, "{l:?}\n{text}");
        }
        assert!(text.contains("task T-1  取水许可检查"));
        assert!(text.contains("scope: statuses: abnormal-list"), "{text}");
        assert!(text.contains("top-up: positive-ratio"), "{text}");
        assert!(text.contains("left out by status: none"), "{text}");
    }

    #[test]
    fn effective_rates_are_integer_percent_text() {
        assert_eq!(effective_rate_text(3, 14), "≈21.42%");
        assert_eq!(effective_rate_text(1, 4), "25%");
        assert_eq!(effective_rate_text(0, 10), "0%");
        assert_eq!(effective_rate_text(0, 0), "—");
        assert_eq!(effective_rate_text(1, 3), "≈33.33%");
        assert_eq!(
            effective_rate(u64::MAX, u64::MAX).map(|b| b.get()),
            Some(10_000)
        );
        assert_eq!(effective_rate(1, u64::MAX).map(|b| b.get()), Some(0));
    }

    #[test]
    fn a_scoped_plan_counts_the_master_register_the_pool_and_statuses() {
        use double_random::registers::{EntityRow, ValidationOptions};
        let code = |n: u32| {
            let first: [u8; 17] = format!("91140522MA{n:07}").as_bytes().try_into().unwrap();
            let check = double_random::registers::uscc_check_character(&first).unwrap();
            format!("{}{check}", std::str::from_utf8(&first).unwrap())
        };
        let rows = (0..20u32).map(|i| EntityRow {
            row: i as usize + 2,
            uscc: code(i),
            name: format!("单位{i}"),
            credit_class: ["A", "B", "C", "D"][(i % 4) as usize].into(),
            industry: if i % 2 == 0 { "河道采砂" } else { "取水" }.into(),
            status: match i {
                0 => "注销",
                2 => "迁出",
                3 => "注销",
                _ => "",
            }
            .into(),
            ..Default::default()
        });
        let master = EntityRegister::from_rows(rows, &ValidationOptions::default()).register;
        let t = task(["0%", "5%", "20%", "100%"]);
        let scope = double_random::registers::Scope {
            industries: vec!["河道采砂".into()],
            ..double_random::registers::Scope::everything_in_business()
        };
        let t = t.with_scope(scope).unwrap();
        let r = PlanReport::for_register(&t, &master).unwrap();
        assert_eq!(r.master, [5, 5, 5, 5]);
        // 河道采砂: 0, 4, 8, 12, 16 (A) and 2, 6, 10, 14, 18 (C); 0 and 2 not in business.
        assert_eq!(r.pools, [4, 0, 4, 0]);
        assert_eq!(r.draws, [0, 0, 3, 0]);
        // Entity 3 (取水) is out of scope anyway: not counted as left out by status.
        assert_eq!(
            r.left_out_by_status.into_iter().collect::<Vec<_>>(),
            [("deregistered", 1), ("moved-out", 1)]
        );
        let r = PlanReport::for_register(&t, &master).unwrap();
        let v = r.to_json(&t);
        assert_eq!(v["classes"]["C"]["pool"], 4);
        assert_eq!(v["classes"]["C"]["master"], 5);
        assert_eq!(v["classes"]["C"]["effective_rate"], "75%");
        assert_eq!(v["classes"]["A"]["effective_rate"], "0%");
        assert_eq!(v["top_up"], "positive-ratio");
        assert_eq!(v["scope"]["industries"][0], "河道采砂");
        assert_eq!(v["left_out_by_status"]["moved-out"], 1);
        let mut buf = Vec::new();
        r.write_text(&t, &mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(text.contains("scope: industries: 河道采砂"), "{text}");
        assert!(
            text.contains("left out by status: 1 deregistered (注销), 1 moved-out (迁出)"),
            "{text}"
        );
    }
}
