//! `year`: the year's plan (年度抽查工作计划) against the entity register.
//!
//! A year plan file (TOML, `docs/year-plan.md`) lists the year's batches,
//! their planned dates and the task files each holds. `year` reads it with
//! the master entity register and prints, per batch, each task's scoped
//! pool and draw size; the entities more than one task could draw (and
//! whether an exclusion keeps them from being drawn twice); and the pairs of
//! tasks whose pools overlap enough to be merged into one joint visit
//! (进一次门、查多项). It can write the same as an HTML document with Chinese
//! headings for the office to publish.
//!
//! Overlap is measured as the shared entities divided by the smaller of
//! the two pools (the overlap coefficient): 100% when one task's pool lies
//! inside the other's, whatever their sizes. Integers only.

use std::collections::{HashMap, HashSet};
use std::fmt::{self, Write as _};
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use double_random::{
    commitment::{Hash, commit_entities},
    records::{FormatVersion, TopUp},
    registers::{CreditClass, EntityRegister, Uscc},
    sampling::BasisPoints,
};
use serde::Deserialize;
use serde_json::{Value, json};
use time::Date;

use crate::common::{CliError, ReadArgs, Status};
use crate::notice::Esc;
use crate::plan::effective_rate_text;
use crate::task_file::{TaskFile, read_task_file, toml_date};

/// The merge threshold when the plan names none: half of the smaller pool.
pub const DEFAULT_MERGE_THRESHOLD_BP: u32 = 5_000;

/// Most entities listed in the text and HTML reports (`--json` lists all).
pub const LIST_LIMIT: usize = 200;

/// Flags of `year`.
#[derive(Debug, Args)]
pub struct YearArgs {
    /// Year plan file (TOML; see docs/year-plan.md).
    #[arg(long)]
    pub plan: PathBuf,
    /// Entity register (CSV or .xlsx): the master register every task's scope selects from.
    #[arg(long)]
    pub entities: PathBuf,
    /// Print a JSON report instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also write the plan as an HTML document (Chinese headings) to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace an existing output file (a symlink is never followed).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Why a year plan cannot be used. Every variant names the plan file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum YearPlanError {
    /// The file could not be read.
    #[error("cannot read year plan {file}: {cause}")]
    Io {
        /// The file name as given.
        file: String,
        /// The operating system's reason.
        #[source]
        cause: std::io::Error,
    },
    /// The file is not UTF-8 text.
    #[error(
        "year plan {file} is not UTF-8 text (invalid byte at offset {offset}); save it as UTF-8"
    )]
    NotUtf8 {
        /// The file name as given.
        file: String,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// Malformed TOML, an unknown or missing key, or a value of the wrong
    /// type (the parser's error gives line and column); a batch date that is
    /// not one is [`YearPlanError::BatchDate`].
    #[error("year plan {file}: {error}")]
    Toml {
        /// The file name as given.
        file: String,
        /// The parser's error.
        error: Box<toml::de::Error>,
    },
    /// The year is not one a date can have.
    #[error("year plan {file}: year {year} is not between 1900 and 9999")]
    Year {
        /// The file name as given.
        file: String,
        /// The year given.
        year: i64,
    },
    /// A required text is empty or only white space.
    #[error("year plan {file}: {field} is empty")]
    Empty {
        /// The file name as given.
        file: String,
        /// Which text (`name`, `batch 2 name`, `batch 2 task 1`).
        field: String,
    },
    /// The plan has no batch, or a batch has no task.
    #[error("year plan {file}: {what} lists no task; every batch needs at least one")]
    NoTasks {
        /// The file name as given.
        file: String,
        /// `the plan` or `batch NAME`.
        what: String,
    },
    /// A batch's `start` or `end` is not a date.
    #[error("year plan {file}, line {line}: batch {batch}: {message}")]
    BatchDate {
        /// The file name as given.
        file: String,
        /// The line of the value.
        line: usize,
        /// The batch name.
        batch: String,
        /// What is wrong, naming the key and the value.
        message: String,
    },
    /// A batch ends before it starts, or runs outside the plan's year.
    #[error(
        "year plan {file}, line {line}: batch {batch} runs {} to {}, {why}",
        double_random::calendar::format_date(*start),
        double_random::calendar::format_date(*end)
    )]
    BatchDates {
        /// The file name as given.
        file: String,
        /// The line of the date that is wrong: `end` when the batch ends
        /// before it starts, else the first outside the year.
        line: usize,
        /// The batch name.
        batch: String,
        /// Its start.
        start: Date,
        /// Its end.
        end: Date,
        /// What is wrong.
        why: String,
    },
    /// A task file is listed twice.
    #[error("year plan {file}: task file {task} is listed twice")]
    DuplicateTaskFile {
        /// The file name as given.
        file: String,
        /// The task file.
        task: String,
    },
    /// Two task files give one task id.
    #[error("year plan {file}: task id {id} is given by {first} and by {second}")]
    DuplicateTaskId {
        /// The file name as given.
        file: String,
        /// The task id.
        id: String,
        /// The first task file giving it.
        first: String,
        /// The second.
        second: String,
    },
    /// The merge threshold is not percent text above 0%.
    #[error(
        "year plan {file}: merge_threshold {value:?} must be percent text above 0%, such as \"50%\""
    )]
    Threshold {
        /// The file name as given.
        file: String,
        /// The text given.
        value: String,
    },
    /// A task file of the plan cannot be read or breaks a rule.
    #[error(transparent)]
    Task(#[from] crate::task_file::TaskFileError),
}

impl From<YearPlanError> for CliError {
    fn from(e: YearPlanError) -> Self {
        CliError::Year(Box::new(e))
    }
}

/// The year plan file as written (`docs/year-plan.md`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanToml {
    year: i64,
    name: String,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    merge_threshold: Option<String>,
    #[serde(default, rename = "batch")]
    batches: Vec<BatchToml>,
}

/// One `[[batch]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchToml {
    name: String,
    start: toml::Spanned<toml::Value>,
    end: toml::Spanned<toml::Value>,
    #[serde(default)]
    tasks: Vec<String>,
}

/// A year plan read from its file, its task files not yet read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearPlan {
    /// The year (年度).
    pub year: i32,
    /// The plan's title.
    pub name: String,
    /// The issuing office, if given.
    pub issuer: Option<String>,
    /// Pools overlapping at least this share of the smaller pool are
    /// candidates for one joint task.
    pub merge_threshold: BasisPoints,
    /// The batches (批次), in the file's order.
    pub batches: Vec<Batch>,
}

/// One batch of the year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    /// Its name (第一批, 二季度, ...).
    pub name: String,
    /// Planned first day.
    pub start: Date,
    /// Planned last day.
    pub end: Date,
    /// Its task files, as written (relative to the plan file's folder).
    pub tasks: Vec<String>,
}

/// Parses year-plan text; `file` names the file in errors. Task files are
/// not read.
pub fn parse_year_plan(file: &str, text: &str) -> Result<YearPlan, YearPlanError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let f = || file.to_owned();
    let raw: PlanToml = toml::from_str(text).map_err(|error| YearPlanError::Toml {
        file: f(),
        error: Box::new(error),
    })?;
    let year = i32::try_from(raw.year)
        .ok()
        .filter(|y| (1900..=9999).contains(y))
        .ok_or(YearPlanError::Year {
            file: f(),
            year: raw.year,
        })?;
    let empty = |field: String| YearPlanError::Empty { file: f(), field };
    let name = raw.name.trim().to_owned();
    if name.is_empty() {
        return Err(empty("name".into()));
    }
    let issuer = raw
        .issuer
        .map(|i| i.trim().to_owned())
        .filter(|i| !i.is_empty());
    let merge_threshold = match raw.merge_threshold {
        None => BasisPoints::new(DEFAULT_MERGE_THRESHOLD_BP).unwrap_or(BasisPoints::ZERO),
        Some(t) => BasisPoints::parse_percent(&t)
            .ok()
            .filter(|bp| bp.get() > 0)
            .ok_or(YearPlanError::Threshold {
                file: f(),
                value: t,
            })?,
    };
    if raw.batches.is_empty() {
        return Err(YearPlanError::NoTasks {
            file: f(),
            what: "the plan".into(),
        });
    }
    let mut batches = Vec::new();
    let mut seen = HashSet::new();
    for (i, b) in raw.batches.into_iter().enumerate() {
        let bname = b.name.trim().to_owned();
        if bname.is_empty() {
            return Err(empty(format!("batch {} name", i + 1)));
        }
        let line =
            |v: &toml::Spanned<toml::Value>| crate::calendar_file::line_of(text, v.span().start);
        let date = |key: &str, v: &toml::Spanned<toml::Value>| {
            toml_date(key, v.get_ref().clone()).map_err(|message| YearPlanError::BatchDate {
                file: f(),
                line: line(v),
                batch: bname.clone(),
                message,
            })
        };
        let start = date("start", &b.start)?;
        let end = date("end", &b.end)?;
        let dates = |at: &toml::Spanned<toml::Value>, why: String| YearPlanError::BatchDates {
            file: f(),
            line: line(at),
            batch: bname.clone(),
            start,
            end,
            why,
        };
        if end < start {
            return Err(dates(&b.end, "ending before it starts".into()));
        }
        if start.year() != year || end.year() != year {
            let at = if start.year() != year {
                &b.start
            } else {
                &b.end
            };
            return Err(dates(at, format!("outside the plan's year {year}")));
        }
        if b.tasks.is_empty() {
            return Err(YearPlanError::NoTasks {
                file: f(),
                what: format!("batch {bname}"),
            });
        }
        let mut tasks = Vec::new();
        for (j, t) in b.tasks.iter().enumerate() {
            let t = t.trim().to_owned();
            if t.is_empty() {
                return Err(empty(format!("batch {bname} task {}", j + 1)));
            }
            if !seen.insert(t.clone()) {
                return Err(YearPlanError::DuplicateTaskFile { file: f(), task: t });
            }
            tasks.push(t);
        }
        batches.push(Batch {
            name: bname,
            start,
            end,
            tasks,
        });
    }
    Ok(YearPlan {
        year,
        name,
        issuer,
        merge_threshold,
        batches,
    })
}

/// Reads and parses a year plan file.
pub fn read_year_plan(path: &Path) -> Result<YearPlan, YearPlanError> {
    let file = path.display().to_string();
    let bytes = crate::files::read_capped(path, crate::files::Limit::SMALL).map_err(|cause| {
        YearPlanError::Io {
            file: file.clone(),
            cause,
        }
    })?;
    let text = std::str::from_utf8(&bytes).map_err(|e| YearPlanError::NotUtf8 {
        file: file.clone(),
        offset: e.valid_up_to(),
    })?;
    parse_year_plan(&file, text)
}

/// A task of the plan: its batch (index), file and what the file says.
#[derive(Clone, Debug)]
pub struct PlannedTask {
    /// Index of its batch in [`YearPlan::batches`].
    pub batch: usize,
    /// The task file as the plan names it.
    pub file: String,
    /// The task file read.
    pub task: TaskFile,
}

/// Reads every task file of the plan, relative to `dir` (the plan file's
/// folder). A task without an inspection date gets its batch's first day.
/// Refuses two files giving one task id.
pub fn read_tasks(
    plan_file: &str,
    plan: &YearPlan,
    dir: &Path,
) -> Result<Vec<PlannedTask>, YearPlanError> {
    let mut out: Vec<PlannedTask> = Vec::new();
    for (b, batch) in plan.batches.iter().enumerate() {
        for t in &batch.tasks {
            let task = read_task_file(&dir.join(t), batch.start)?;
            if let Some(first) = out.iter().find(|p| p.task.task.id == task.task.id) {
                return Err(YearPlanError::DuplicateTaskId {
                    file: plan_file.to_owned(),
                    id: task.task.id.clone(),
                    first: first.file.clone(),
                    second: t.clone(),
                });
            }
            out.push(PlannedTask {
                batch: b,
                file: t.clone(),
                task,
            });
        }
    }
    Ok(out)
}

/// One task's line of the report.
#[derive(Clone, Debug)]
pub struct TaskLine {
    /// The task and where the plan puts it.
    pub planned: PlannedTask,
    /// Its pool per class (the master register in its scope).
    pub pool: [u64; 4],
    /// The number it draws per class.
    pub draw: [u64; 4],
    /// Notes on the plan's dates (an inspection date outside the batch).
    pub warnings: Vec<YearWarning>,
}

/// A note on a year plan's dates: the plan holds, but reads oddly.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum YearWarning {
    /// A task's inspection date lies outside its batch.
    #[error(
        "inspection date {} is outside batch {batch} ({} – {})",
        double_random::calendar::format_date(*date),
        double_random::calendar::format_date(*start),
        double_random::calendar::format_date(*end)
    )]
    OutsideBatch {
        /// The task's inspection date.
        date: Date,
        /// The batch's name.
        batch: String,
        /// The batch's first day.
        start: Date,
        /// The batch's last day.
        end: Date,
    },
}

impl crate::lang::Zh for YearWarning {
    fn zh(&self) -> String {
        match self {
            YearWarning::OutsideBatch {
                date,
                batch,
                start,
                end,
            } => format!(
                "检查日期 {} 不在批次 {batch} 的时间内（{} 至 {}）",
                double_random::calendar::format_date(*date),
                double_random::calendar::format_date(*start),
                double_random::calendar::format_date(*end)
            ),
        }
    }
}

/// An entity more than one task could draw.
#[derive(Clone, Debug)]
pub struct SharedEntity {
    /// Its code.
    pub uscc: Uscc,
    /// Its name.
    pub name: String,
    /// Its class.
    pub class: CreditClass,
    /// The tasks that could draw it (indices into [`YearReport::tasks`]).
    pub tasks: Vec<usize>,
    /// Whether some two of those tasks may both draw it: neither excludes
    /// the other's draws.
    pub may_be_drawn_twice: bool,
}

/// Two tasks whose pools share entities.
#[derive(Clone, Debug)]
pub struct Overlap {
    /// The earlier task (index into [`YearReport::tasks`]).
    pub a: usize,
    /// The later task.
    pub b: usize,
    /// Entities in both pools.
    pub shared: u64,
    /// The smaller pool's size.
    pub smaller: u64,
    /// Whether the share reaches the plan's merge threshold.
    pub merge: bool,
}

impl Overlap {
    /// The shared entities as a share of the smaller pool, in basis points
    /// (rounded down).
    pub fn share_bp(&self) -> u32 {
        share_bp(self.shared, self.smaller)
    }
}

fn share_bp(part: u64, whole: u64) -> u32 {
    if whole == 0 {
        return 0;
    }
    let bp = u128::from(part.min(whole)) * 10_000 / u128::from(whole);
    u32::try_from(bp).unwrap_or(10_000)
}

/// What `year` found.
#[derive(Clone, Debug)]
pub struct YearReport {
    /// The plan.
    pub plan: YearPlan,
    /// Entities in the master register.
    pub master_size: u64,
    /// The master register's root (format version 2 leaves): what a
    /// commitment of the year's tasks will state as `registers.master`.
    pub master_root: Hash,
    /// Every task, in plan order.
    pub tasks: Vec<TaskLine>,
    /// Entities more than one task could draw, in canonical order.
    pub shared: Vec<SharedEntity>,
    /// Pairs of tasks whose pools share entities, in plan order.
    pub overlaps: Vec<Overlap>,
}

/// Whether the later of two tasks leaves out the earlier one's draws, so
/// no entity is drawn by both: `exclude_drawn_by` naming the other task, or
/// `exclude_drawn_in_year` in a later batch.
fn excludes(later: &PlannedTask, earlier: &PlannedTask) -> bool {
    later.task.exclude_drawn_by.contains(&earlier.task.task.id)
        || (later.task.exclude_drawn_in_year && earlier.batch < later.batch)
}

/// Computes the report of a plan whose tasks were read, on a master register.
pub fn analyse(
    plan: &YearPlan,
    tasks: Vec<PlannedTask>,
    master: &EntityRegister,
) -> Result<YearReport, CliError> {
    let mut lines = Vec::new();
    let mut pools: Vec<HashSet<Uscc>> = Vec::new();
    let mut drawable: HashMap<Uscc, Vec<usize>> = HashMap::new();
    for (i, p) in tasks.into_iter().enumerate() {
        let task = &p.task.task;
        let pool = master.pool(&task.scope, &HashSet::new());
        let sizes = pool.class_sizes();
        let draw = task.sample_sizes(sizes)?;
        for e in pool.entities() {
            if draw[e.credit_class.index()] > 0 {
                drawable.entry(e.uscc).or_default().push(i);
            }
        }
        pools.push(pool.entities().iter().map(|e| e.uscc).collect());
        let batch = &plan.batches[p.batch];
        let mut warnings = Vec::new();
        if task.inspection_date < batch.start || task.inspection_date > batch.end {
            warnings.push(YearWarning::OutsideBatch {
                date: task.inspection_date,
                batch: batch.name.clone(),
                start: batch.start,
                end: batch.end,
            });
        }
        lines.push(TaskLine {
            planned: p,
            pool: sizes,
            draw,
            warnings,
        });
    }
    let mut shared = Vec::new();
    for e in master.entities() {
        let Some(ts) = drawable.get(&e.uscc).filter(|ts| ts.len() > 1) else {
            continue;
        };
        let may_be_drawn_twice = ts.iter().enumerate().any(|(k, &a)| {
            ts[k + 1..].iter().any(|&b| {
                let (x, y) = (&lines[a].planned, &lines[b].planned);
                !excludes(y, x) && !excludes(x, y)
            })
        });
        shared.push(SharedEntity {
            uscc: e.uscc,
            name: e.name().to_owned(),
            class: e.credit_class,
            tasks: ts.clone(),
            may_be_drawn_twice,
        });
    }
    let mut overlaps = Vec::new();
    for a in 0..pools.len() {
        for b in a + 1..pools.len() {
            let shared = pools[a].intersection(&pools[b]).count() as u64;
            if shared == 0 {
                continue;
            }
            let smaller = pools[a].len().min(pools[b].len()) as u64;
            overlaps.push(Overlap {
                a,
                b,
                shared,
                smaller,
                merge: share_bp(shared, smaller) >= plan.merge_threshold.get(),
            });
        }
    }
    let root = commit_entities(master, FormatVersion::V2)
        .map_err(|e| CliError::Output(std::io::Error::other(e.to_string())))?;
    Ok(YearReport {
        plan: plan.clone(),
        master_size: master.len() as u64,
        master_root: root.root,
        tasks: lines,
        shared,
        overlaps,
    })
}

fn hex(h: &[u8]) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

fn per_class(v: [u64; 4]) -> String {
    format!(
        "A {} · B {} · C {} · D {} = {}",
        v[0],
        v[1],
        v[2],
        v[3],
        v.iter().sum::<u64>()
    )
}

/// The words of the year report's text in one language;
/// [`YearReport::write_text`] lays them out, the same for both.
struct YearWords {
    title: fn(i32, &str) -> String,
    issuer: fn(&str) -> String,
    /// The master register's size, file and root.
    master: fn(u64, &str, &str) -> String,
    /// The batch's number, name, first and last day.
    batch: fn(usize, &str, &str, &str) -> String,
    /// The task's id, name and file.
    task: fn(&str, &str, &str) -> String,
    /// The inspection date and the top-up rule.
    dates: fn(&str, &str) -> String,
    scope: fn(&double_random::registers::Scope) -> Vec<String>,
    /// Before the first scope line, and before the others.
    scope_lead: &'static str,
    scope_more: &'static str,
    pool: &'static str,
    draw: &'static str,
    per_class: fn([u64; 4]) -> String,
    warning: fn(&YearWarning) -> String,
    /// Entities more than one task could draw, and of them those two may draw.
    shared: fn(usize, usize) -> String,
    /// One of them, given the ids of the tasks that could draw it.
    shared_entity: fn(&SharedEntity, &str) -> String,
    list_separator: &'static str,
    more: fn(usize) -> String,
    /// The overlaps heading, given the merge threshold.
    overlaps: fn(&str) -> String,
    no_overlap: &'static str,
    /// One overlap: the two tasks' ids, whether they are in one batch.
    overlap: fn(&str, &str, &Overlap, bool) -> String,
}

const YEAR_EN: YearWords = YearWords {
    title: |year, name| format!("year plan {year}: {name}"),
    issuer: |i| format!("issuer: {i}"),
    master: |n, register, root| format!("master register: {n} entities ({register}), root {root}"),
    batch: |n, name, start, end| format!("batch {n} {name}  {start} – {end}"),
    task: |id, name, file| format!("  {id}  {name}  ({file})"),
    dates: |date, top_up| format!("    inspection date {date}; top-up {top_up}"),
    scope: crate::scope::english,
    scope_lead: "scope: ",
    scope_more: "       ",
    pool: "    pool  ",
    draw: "    draw  ",
    per_class,
    warning: |w| format!("    warning: {w}"),
    shared: |n, twice| {
        format!(
            "entities more than one task could draw: {n}; of them, could be drawn twice (by two tasks neither of which excludes the other's draws): {twice}"
        )
    },
    shared_entity: |s, ids| {
        let verdict = if s.may_be_drawn_twice {
            "may be drawn twice"
        } else {
            "excluded by a later task"
        };
        format!("  {} {} ({})  {ids}  {verdict}", s.uscc, s.name, s.class)
    },
    list_separator: ", ",
    more: |n| format!("  … and {n} more (--json lists them all)"),
    overlaps: |threshold| {
        format!(
            "pool overlaps (shared entities ÷ the smaller pool; {threshold} or more: one joint task, 进一次门、查多项):"
        )
    },
    no_overlap: "  none: no two pools share an entity",
    overlap: |a, b, o, same_batch| {
        format!(
            "  {a} × {b}  {} of {} ({}){}{}",
            o.shared,
            o.smaller,
            effective_rate_text(o.shared, o.smaller),
            if same_batch {
                ""
            } else {
                ", different batches"
            },
            if o.merge {
                "  → merge into one joint task"
            } else {
                ""
            }
        )
    },
};

const YEAR_ZH: YearWords = YearWords {
    title: |year, name| format!("{year} 年度抽查工作计划：{name}"),
    issuer: |i| format!("制定单位：{i}"),
    master: |n, register, root| format!("主名录库：{n} 户（{register}），默克尔根 {root}"),
    batch: |n, name, start, end| format!("批次 {n}：{name}  {start} 至 {end}"),
    task: |id, name, file| format!("  {id}  {name}  （{file}）"),
    dates: |date, top_up| format!("    检查日期 {date}；补足规则 {top_up}"),
    scope: crate::scope::chinese,
    scope_lead: "范围：",
    scope_more: "      ",
    pool: "    名录库 ",
    draw: "    抽取   ",
    per_class: |v| {
        format!(
            "A {} · B {} · C {} · D {}，共 {}",
            v[0],
            v[1],
            v[2],
            v[3],
            v.iter().sum::<u64>()
        )
    },
    warning: |w| format!("    警告：{}", crate::lang::Zh::zh(w)),
    shared: |n, twice| {
        format!(
            "可能被不止一个任务抽中的对象：{n} 户；其中可能被抽中两次（两个任务互不排除对方抽中的对象）：{twice} 户"
        )
    },
    shared_entity: |s, ids| {
        let verdict = if s.may_be_drawn_twice {
            "可能被抽中两次"
        } else {
            "已被后一任务排除"
        };
        format!(
            "  {} {}（{} 类）  {ids}  {verdict}",
            s.uscc, s.name, s.class
        )
    },
    list_separator: "、",
    more: |n| format!("  ……另有 {n} 户（--json 列出全部）"),
    overlaps: |threshold| {
        format!(
            "名录库重叠（共同对象 ÷ 较小的名录库；达到 {threshold} 的宜合并为一个联合抽查任务，进一次门、查多项）："
        )
    },
    no_overlap: "  无：任何两个名录库都没有共同对象",
    overlap: |a, b, o, same_batch| {
        format!(
            "  {a} × {b}  {} 中有 {} 户（{}）{}{}",
            o.smaller,
            o.shared,
            effective_rate_text(o.shared, o.smaller),
            if same_batch { "" } else { "，不同批次" },
            if o.merge {
                "  → 宜合并为一个联合抽查任务"
            } else {
                ""
            }
        )
    },
};

fn top_up_name(t: TopUp) -> &'static str {
    match t {
        TopUp::AnyClass => "any-class",
        _ => "positive-ratio",
    }
}

impl YearReport {
    fn id(&self, i: usize) -> &str {
        &self.tasks[i].planned.task.task.id
    }

    /// Entities more than one task could draw whose tasks do not all
    /// exclude each other's draws.
    pub fn may_be_drawn_twice(&self) -> usize {
        self.shared.iter().filter(|s| s.may_be_drawn_twice).count()
    }

    /// What a task leaves out of its pool at commit, in words (in the
    /// process's language).
    fn exclusions(&self, t: &TaskLine) -> Option<String> {
        let f = &t.planned.task;
        crate::plan::exclusion_line(&f.exclude_drawn_by, f.exclude_drawn_in_year, &f.task)
    }

    /// The text report (in Chinese under `--lang zh`).
    pub fn write_text(&self, out: &mut impl Write, register: &str) -> std::io::Result<()> {
        let w = if crate::lang::zh() {
            &YEAR_ZH
        } else {
            &YEAR_EN
        };
        self.write_text_in(out, register, w)
    }

    /// The text report in the words of `w`.
    fn write_text_in(
        &self,
        out: &mut impl Write,
        register: &str,
        w: &YearWords,
    ) -> std::io::Result<()> {
        let p = &self.plan;
        writeln!(out, "{}", (w.title)(p.year, &p.name))?;
        if let Some(i) = &p.issuer {
            writeln!(out, "{}", (w.issuer)(i))?;
        }
        writeln!(
            out,
            "{}",
            (w.master)(self.master_size, register, &hex(&self.master_root))
        )?;
        for (b, batch) in p.batches.iter().enumerate() {
            writeln!(out)?;
            writeln!(
                out,
                "{}",
                (w.batch)(
                    b + 1,
                    &batch.name,
                    &double_random::calendar::format_date(batch.start),
                    &double_random::calendar::format_date(batch.end)
                )
            )?;
            for t in self.tasks.iter().filter(|t| t.planned.batch == b) {
                let task = &t.planned.task.task;
                writeln!(out, "{}", (w.task)(&task.id, &task.name, &t.planned.file))?;
                writeln!(
                    out,
                    "{}",
                    (w.dates)(
                        &double_random::calendar::format_date(task.inspection_date),
                        top_up_name(task.top_up)
                    )
                )?;
                for (i, line) in (w.scope)(&task.scope).iter().enumerate() {
                    let lead = if i == 0 { w.scope_lead } else { w.scope_more };
                    writeln!(out, "    {lead}{line}")?;
                }
                writeln!(out, "{}{}", w.pool, (w.per_class)(t.pool))?;
                writeln!(out, "{}{}", w.draw, (w.per_class)(t.draw))?;
                if let Some(x) = self.exclusions(t) {
                    writeln!(out, "    {x}")?;
                }
                for warning in &t.warnings {
                    writeln!(out, "{}", (w.warning)(warning))?;
                }
            }
        }
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            (w.shared)(self.shared.len(), self.may_be_drawn_twice())
        )?;
        for s in self.shared.iter().take(LIST_LIMIT) {
            let ids: Vec<&str> = s.tasks.iter().map(|&i| self.id(i)).collect();
            writeln!(out, "{}", (w.shared_entity)(s, &ids.join(w.list_separator)))?;
        }
        if self.shared.len() > LIST_LIMIT {
            writeln!(out, "{}", (w.more)(self.shared.len() - LIST_LIMIT))?;
        }
        writeln!(out)?;
        writeln!(out, "{}", (w.overlaps)(&p.merge_threshold.to_string()))?;
        if self.overlaps.is_empty() {
            writeln!(out, "{}", w.no_overlap)?;
        }
        for o in &self.overlaps {
            let same_batch = self.tasks[o.a].planned.batch == self.tasks[o.b].planned.batch;
            writeln!(
                out,
                "{}",
                (w.overlap)(self.id(o.a), self.id(o.b), o, same_batch)
            )?;
        }
        Ok(())
    }

    /// The JSON report of `year --json`.
    pub fn to_json(&self) -> Value {
        let p = &self.plan;
        let classes = |v: [u64; 4]| json!({"A": v[0], "B": v[1], "C": v[2], "D": v[3]});
        let batches: Vec<Value> = p
            .batches
            .iter()
            .enumerate()
            .map(|(b, batch)| {
                let tasks: Vec<Value> = self
                    .tasks
                    .iter()
                    .filter(|t| t.planned.batch == b)
                    .map(|t| {
                        let f = &t.planned.task;
                        json!({
                            "id": f.task.id,
                            "name": f.task.name,
                            "file": t.planned.file,
                            "inspection_date": double_random::calendar::format_date(f.task.inspection_date),
                            "scope": f.task.scope,
                            "top_up": f.task.top_up,
                            "exclude_drawn_by": f.exclude_drawn_by,
                            "exclude_drawn_in_year": f.exclude_drawn_in_year,
                            "pool": classes(t.pool),
                            "pool_total": t.pool.iter().sum::<u64>(),
                            "draw": classes(t.draw),
                            "draw_total": t.draw.iter().sum::<u64>(),
                            "warnings": t.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                json!({
                    "name": batch.name,
                    "start": double_random::calendar::format_date(batch.start),
                    "end": double_random::calendar::format_date(batch.end),
                    "tasks": tasks,
                })
            })
            .collect();
        let shared: Vec<Value> = self
            .shared
            .iter()
            .map(|s| {
                json!({
                    "uscc": s.uscc,
                    "name": s.name,
                    "class": s.class,
                    "tasks": s.tasks.iter().map(|&i| self.id(i)).collect::<Vec<_>>(),
                    "may_be_drawn_twice": s.may_be_drawn_twice,
                })
            })
            .collect();
        let overlaps: Vec<Value> = self
            .overlaps
            .iter()
            .map(|o| {
                json!({
                    "tasks": [self.id(o.a), self.id(o.b)],
                    "shared": o.shared,
                    "smaller_pool": o.smaller,
                    "share_bp": o.share_bp(),
                    "share": effective_rate_text(o.shared, o.smaller),
                    "same_batch": self.tasks[o.a].planned.batch == self.tasks[o.b].planned.batch,
                    "merge": o.merge,
                })
            })
            .collect();
        json!({
            "year": p.year,
            "name": p.name,
            "issuer": p.issuer,
            "master": {"size": self.master_size, "root": hex(&self.master_root)},
            "merge_threshold_bp": p.merge_threshold.get(),
            "overlap_measure": "shared entities ÷ the smaller pool",
            "batches": batches,
            "multi_task_entities": {
                "count": self.shared.len(),
                "may_be_drawn_twice": self.may_be_drawn_twice(),
                "entities": shared,
            },
            "overlaps": overlaps,
        })
    }

    /// The plan as a self-contained HTML document with Chinese headings:
    /// no scripts, no external resources, every text escaped.
    pub fn to_html(&self, register: &str) -> Result<String, fmt::Error> {
        let p = &self.plan;
        let mut h = String::with_capacity(16 * 1024);
        writeln!(h, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>")?;
        writeln!(h, "<meta charset=\"utf-8\">")?;
        writeln!(
            h,
            "<meta name=\"generator\" content=\"double-random {}\">",
            env!("CARGO_PKG_VERSION")
        )?;
        writeln!(h, "<title>{}</title>", Esc(&p.name))?;
        writeln!(h, "<style>{HTML_STYLE}</style>\n</head>\n<body>\n<main>")?;
        writeln!(h, "<header>")?;
        if let Some(i) = &p.issuer {
            writeln!(h, "<p class=\"issuer\">{}</p>", Esc(i))?;
        }
        writeln!(h, "<h1>{}</h1>", Esc(&p.name))?;
        writeln!(
            h,
            "<p class=\"subtitle\">{} 年度 · 共 {} 个批次、{} 项抽查任务</p>",
            p.year,
            p.batches.len(),
            self.tasks.len()
        )?;
        writeln!(h, "</header>")?;

        writeln!(h, "<section id=\"batches\">\n<h2>一、抽查批次与任务</h2>")?;
        writeln!(
            h,
            "<p>检查对象名录库 {} 户（{}，Merkle 根 <span class=\"mono\">{}</span>）。各任务按其抽查范围从名录库确定本任务名录库，并按信用风险分类比例抽取。</p>",
            self.master_size,
            Esc(register),
            hex(&self.master_root)
        )?;
        for (b, batch) in p.batches.iter().enumerate() {
            writeln!(
                h,
                "<h3>{}（{} 至 {}）</h3>",
                Esc(&batch.name),
                double_random::calendar::format_date(batch.start),
                double_random::calendar::format_date(batch.end)
            )?;
            writeln!(
                h,
                "<table class=\"tasks\"><thead><tr><th>任务编号</th><th>任务名称</th><th>计划检查日期</th>\
                 <th>抽查范围</th><th>本任务名录库户数<br>A / B / C / D</th><th>抽查比例<br>A / B / C / D</th>\
                 <th>计划抽取户数<br>A / B / C / D</th><th>排除已抽取对象</th></tr></thead><tbody>"
            )?;
            for t in self.tasks.iter().filter(|t| t.planned.batch == b) {
                let f = &t.planned.task;
                let task = &f.task;
                let scope = crate::scope::chinese(&task.scope)
                    .iter()
                    .map(|l| Esc(l).to_string())
                    .collect::<Vec<_>>()
                    .join("<br>");
                let ratios = CreditClass::ALL
                    .map(|c| task.ratios.get(c).to_string())
                    .join(" / ");
                let slash = |v: [u64; 4]| {
                    format!(
                        "{} / {} / {} / {}（合计 {}）",
                        v[0],
                        v[1],
                        v[2],
                        v[3],
                        v.iter().sum::<u64>()
                    )
                };
                let mut exclusion = Vec::new();
                if !f.exclude_drawn_by.is_empty() {
                    exclusion.push(format!(
                        "排除任务 {} 已抽中的对象",
                        Esc(&f.exclude_drawn_by.join("、"))
                    ));
                }
                if f.exclude_drawn_in_year {
                    exclusion.push(format!(
                        "排除 {} 年度此前各次抽取已抽中的对象",
                        task.inspection_date.year()
                    ));
                }
                if exclusion.is_empty() {
                    exclusion.push("—".into());
                }
                writeln!(
                    h,
                    "<tr data-task=\"{}\"><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td>{scope}</td>\
                     <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                    Esc(&task.id),
                    Esc(&task.id),
                    Esc(&task.name),
                    double_random::calendar::format_date(task.inspection_date),
                    slash(t.pool),
                    Esc(&ratios),
                    slash(t.draw),
                    exclusion.join("<br>")
                )?;
            }
            writeln!(h, "</tbody></table>")?;
        }
        writeln!(h, "</section>")?;

        writeln!(
            h,
            "<section id=\"shared\">\n<h2>二、可能被多项任务抽中的检查对象</h2>"
        )?;
        writeln!(
            h,
            "<p>共 <span id=\"shared-count\">{}</span> 户检查对象可能被两项以上任务抽中；其中 {} 户所涉任务之间未相互排除已抽取对象，可能被重复检查。</p>",
            self.shared.len(),
            self.may_be_drawn_twice()
        )?;
        if !self.shared.is_empty() {
            writeln!(
                h,
                "<table class=\"shared\"><thead><tr><th>统一社会信用代码</th><th>名称</th><th>信用风险分类</th>\
                 <th>可能抽中的任务</th><th>说明</th></tr></thead><tbody>"
            )?;
            for s in self.shared.iter().take(LIST_LIMIT) {
                let ids: Vec<String> = s.tasks.iter().map(|&i| self.id(i).to_owned()).collect();
                writeln!(
                    h,
                    "<tr><td class=\"mono\">{}</td><td>{}</td><td>{} 类</td><td class=\"mono\">{}</td><td>{}</td></tr>",
                    Esc(&s.uscc.to_string()),
                    Esc(&s.name),
                    s.class,
                    Esc(&ids.join("、")),
                    if s.may_be_drawn_twice {
                        "可能重复检查"
                    } else {
                        "后续任务已排除前次抽中对象"
                    }
                )?;
            }
            writeln!(h, "</tbody></table>")?;
            if self.shared.len() > LIST_LIMIT {
                writeln!(
                    h,
                    "<p>另有 {} 户未列出。</p>",
                    self.shared.len() - LIST_LIMIT
                )?;
            }
        }
        writeln!(h, "</section>")?;

        writeln!(
            h,
            "<section id=\"overlaps\">\n<h2>三、可合并为联合抽查的任务（进一次门、查多项）</h2>"
        )?;
        writeln!(
            h,
            "<p>重合程度 = 两项任务名录库共有的检查对象户数 ÷ 较小的名录库户数（按整数计算，向下取至 0.01%）。达到 {} 的任务建议合并为一次部门联合抽查。</p>",
            Esc(&p.merge_threshold.to_string())
        )?;
        if self.overlaps.is_empty() {
            writeln!(h, "<p>各任务名录库互不重合。</p>")?;
        } else {
            writeln!(
                h,
                "<table class=\"overlaps\"><thead><tr><th>任务</th><th>任务</th><th>共有户数</th>\
                 <th>较小名录库户数</th><th>重合程度</th><th>建议</th></tr></thead><tbody>"
            )?;
            for o in &self.overlaps {
                let same = self.tasks[o.a].planned.batch == self.tasks[o.b].planned.batch;
                writeln!(
                    h,
                    "<tr><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                    Esc(self.id(o.a)),
                    Esc(self.id(o.b)),
                    o.shared,
                    o.smaller,
                    Esc(&effective_rate_text(o.shared, o.smaller)),
                    match (o.merge, same) {
                        (true, true) => "建议合并为一次联合抽查",
                        (true, false) => "建议调整至同一批次并合并为一次联合抽查",
                        (false, _) => "—",
                    }
                )?;
            }
            writeln!(h, "</tbody></table>")?;
        }
        writeln!(h, "</section>")?;
        writeln!(
            h,
            "<footer>本计划由 double-random {} 根据年度计划文件、各任务文件与检查对象名录库生成。每项任务抽取前另行作出承诺并公示，抽取结果以签名凭证为准。</footer>",
            env!("CARGO_PKG_VERSION")
        )?;
        writeln!(h, "</main>\n</body>\n</html>")?;
        Ok(h)
    }
}

const HTML_STYLE: &str = r#"
@page { size: A4 landscape; margin: 14mm; }
body { margin: 0; color: #1a1a1a; font-size: 10.5pt; line-height: 1.5;
  font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC",
    "Microsoft YaHei", "SimHei", sans-serif; }
main { max-width: 290mm; margin: 8mm auto; padding: 0 6mm; }
header { text-align: center; border-bottom: 2px solid #b3261e; padding-bottom: 3mm; margin-bottom: 4mm; }
.issuer { margin: 0; font-size: 13pt; color: #b3261e; font-weight: 700; letter-spacing: .15em; }
h1 { margin: 2mm 0 1mm; font-size: 18pt; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; padding-left: 2mm; border-left: 4px solid #b3261e; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; }
table { width: 100%; border-collapse: collapse; margin: 1mm 0 3mm; }
th, td { border: 1px solid #999; padding: 1mm 2mm; vertical-align: top; text-align: left; }
thead th { background: #f1ece4; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.mono { font-family: "DejaVu Sans Mono", "Noto Sans Mono", Consolas, monospace; font-size: 8.5pt;
  overflow-wrap: anywhere; }
footer { margin-top: 6mm; padding-top: 2mm; border-top: 1px solid #ccc; font-size: 8.5pt; color: #555; }
"#;

/// Runs `year`.
pub fn year(args: &YearArgs) -> Result<Status, CliError> {
    let plan = read_year_plan(&args.plan)?;
    let dir = args.plan.parent().unwrap_or(Path::new("."));
    let tasks = read_tasks(&args.plan.display().to_string(), &plan, dir)?;
    let mut notes = crate::registers::Notes::default();
    let entities = crate::registers::read_entities(
        &args.entities,
        args.read.encoding.into(),
        &args.read.options(None),
        &mut notes,
    )?;
    for n in &notes {
        eprintln!("note: {n}");
    }
    let status = if entities.is_clean() {
        Status::Ok
    } else {
        Status::Failed
    };
    if !entities.problems.is_empty() {
        let errors = entities.errors().count();
        eprintln!(
            "{}: {errors} error(s), {} warning(s); rows with errors are in no pool:",
            args.entities.display(),
            entities.problems.len() - errors
        );
        for p in &entities.problems {
            eprintln!("  {p}");
        }
    }
    let report = analyse(&plan, tasks, &entities.register)?;
    let register = args
        .entities
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    if let Some(path) = &args.out {
        let html = report
            .to_html(&register)
            .map_err(|_| CliError::Output(std::io::Error::other("cannot format the plan")))?;
        let overwrite = crate::files::Overwrite::from_force(args.force);
        crate::files::write_output(path, html, overwrite).map_err(|cause| {
            CliError::Output(std::io::Error::new(
                cause.kind(),
                format!("{}: {cause}", path.display()),
            ))
        })?;
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report.to_json())?;
        writeln!(out)?;
    } else {
        report.write_text(&mut out, &register)?;
        if let Some(path) = &args.out {
            writeln!(out)?;
            writeln!(out, "plan document: {}", path.display())?;
        }
    }
    crate::common::release(entities);
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = r#"
year = 2024
name = "2024年度抽查工作计划"
issuer = "阳城县水务局"

[[batch]]
name = "第一批"
start = 2024-06-01
end = "2024年6月30日"
tasks = ["tasks/a.toml", "tasks/b.toml"]

[[batch]]
name = "第二批"
start = 2024-09-01
end = 2024-09-30
tasks = ["tasks/c.toml"]
"#;

    fn err(text: &str) -> String {
        parse_year_plan("p.toml", text).unwrap_err().to_string()
    }

    #[test]
    fn a_plan_is_read() {
        let p = parse_year_plan("p.toml", &format!("\u{FEFF}{PLAN}")).unwrap();
        assert_eq!(p.year, 2024);
        assert_eq!(p.issuer.as_deref(), Some("阳城县水务局"));
        assert_eq!(p.merge_threshold.get(), DEFAULT_MERGE_THRESHOLD_BP);
        assert_eq!(p.batches.len(), 2);
        assert_eq!(p.batches[0].tasks, ["tasks/a.toml", "tasks/b.toml"]);
        assert_eq!(
            double_random::calendar::format_date(p.batches[0].end),
            "2024-06-30"
        );
        let p = parse_year_plan(
            "p.toml",
            &PLAN.replace("issuer", "merge_threshold = \"66.5%\"\nissuer"),
        )
        .unwrap();
        assert_eq!(p.merge_threshold.get(), 6650);
    }

    #[test]
    fn an_inspection_date_outside_its_batch_is_noted_in_both_languages() {
        let date = |s: &str| double_random::calendar::parse_date(s).unwrap();
        let w = YearWarning::OutsideBatch {
            date: date("2024-06-03"),
            batch: "第二批".into(),
            start: date("2024-07-01"),
            end: date("2024-07-31"),
        };
        assert_eq!(
            w.to_string(),
            "inspection date 2024-06-03 is outside batch 第二批 (2024-07-01 – 2024-07-31)"
        );
        assert_eq!(
            crate::lang::Zh::zh(&w),
            "检查日期 2024-06-03 不在批次 第二批 的时间内（2024-07-01 至 2024-07-31）"
        );
        // The Chinese report says it in Chinese; JSON keeps the English.
        let plan = parse_year_plan("p.toml", PLAN).unwrap();
        let line = TaskLine {
            planned: PlannedTask {
                batch: 1,
                file: "tasks/c.toml".into(),
                task: crate::task_file::parse_task(
                    "tasks/c.toml",
                    "id = \"T-1\"\nname = \"河道\"\ninitiating_department = \"水政股\"\nitems = []\nteam_size = 2\ninspection_date = 2024-06-03\n[ratios]\nA = \"5%\"\nB = \"5%\"\nC = \"5%\"\nD = \"5%\"\n",
                    date("2024-09-01"),
                )
                .unwrap(),
            },
            pool: [1, 0, 0, 0],
            draw: [1, 0, 0, 0],
            warnings: vec![w],
        };
        let report = YearReport {
            plan,
            master_size: 1,
            master_root: [0; 32],
            tasks: vec![line],
            shared: Vec::new(),
            overlaps: Vec::new(),
        };
        let mut zh = Vec::new();
        report.write_text_in(&mut zh, "e.csv", &YEAR_ZH).unwrap();
        let zh = String::from_utf8(zh).unwrap();
        assert!(
            zh.contains("    警告：检查日期 2024-06-03 不在批次 第二批 的时间内"),
            "{zh}"
        );
        assert!(
            report.to_json()["batches"][1]["tasks"][0]["warnings"][0]
                .as_str()
                .is_some_and(|w| w.starts_with("inspection date 2024-06-03 is outside batch")),
            "{}",
            report.to_json()
        );
    }

    #[test]
    fn batch_date_errors_name_the_line_of_the_date() {
        // The text starts with a line break: line 15 is the second batch's
        // `end`, line 14 its `start`, line 9 the first batch's `end`.
        assert_eq!(
            err(&PLAN.replace("2024-09-30", "2025-01-02")),
            "year plan p.toml, line 15: batch 第二批 runs 2024-09-01 to 2025-01-02, outside the plan's year 2024"
        );
        assert_eq!(
            err(&PLAN.replace("2024-09-01", "2023-12-31")),
            "year plan p.toml, line 14: batch 第二批 runs 2023-12-31 to 2024-09-30, outside the plan's year 2024"
        );
        assert_eq!(
            err(&PLAN.replace("2024-09-30", "2024-08-30")),
            "year plan p.toml, line 15: batch 第二批 runs 2024-09-01 to 2024-08-30, ending before it starts"
        );
        assert_eq!(
            err(&PLAN.replace("start = 2024-09-01", "start = 2024-09-01T08:00:00")),
            "year plan p.toml, line 14: batch 第二批: start 2024-09-01T08:00:00 has a time or offset; write a date only, such as 2024-06-03"
        );
        assert_eq!(
            err(&PLAN.replace("2024年6月30日", "6月底")),
            "year plan p.toml, line 9: batch 第一批: end \"6月底\" is not a date; write 2024-06-03"
        );
    }

    #[test]
    fn every_rule_is_a_named_error() {
        for (text, want) in [
            (PLAN.replace("year = 2024", "year = 24"), "year 24"),
            (
                PLAN.replace("year = 2024", "year = \"2024\""),
                "invalid type",
            ),
            (
                PLAN.replace("name = \"2024", "name = \" \"\n#"),
                "name is empty",
            ),
            (
                PLAN.replace("2024-09-30", "2024-08-30"),
                "ending before it starts",
            ),
            (
                PLAN.replace("2024-09-30", "2025-01-02"),
                "outside the plan's year 2024",
            ),
            (
                PLAN.replace("\"tasks/c.toml\"", ""),
                "batch 第二批 lists no task",
            ),
            (PLAN.replace("tasks/c.toml", "tasks/a.toml"), "listed twice"),
            (PLAN.replace("tasks/c.toml", " "), "task 1 is empty"),
            (
                PLAN.replace("start = 2024-09-01", "start = 2024-09-01T08:00:00"),
                "time or offset",
            ),
            (
                PLAN.replace("start = 2024-09-01", "start = \"next week\""),
                "not a date",
            ),
            (
                PLAN.replace("issuer", "colour = 1\nissuer"),
                "unknown field `colour`",
            ),
            (
                PLAN.replace("issuer", "merge_threshold = \"0%\"\nissuer"),
                "above 0%",
            ),
            (
                PLAN.replace("issuer", "merge_threshold = 0.5\nissuer"),
                "invalid type",
            ),
            (
                "year = 2024\nname = \"x\"\n".to_owned(),
                "the plan lists no task",
            ),
            (String::new(), "missing field"),
        ] {
            let e = err(&text);
            assert!(e.contains(want), "{want}: {e}");
            assert!(e.contains("p.toml"), "{e}");
        }
    }

    #[test]
    fn overlap_is_a_share_of_the_smaller_pool() {
        assert_eq!(share_bp(4, 9), 4444);
        assert_eq!(share_bp(9, 9), 10_000);
        assert_eq!(share_bp(0, 0), 0);
        assert_eq!(share_bp(u64::MAX, u64::MAX), 10_000);
    }
}
