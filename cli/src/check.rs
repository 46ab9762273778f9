//! `check-registers` and `diff-registers`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use double_random::registers::{CreditClass, EntityRegister, RegisterDiff, Severity};
use serde_json::{Value, json};
use time::Date;

use crate::common::{CliError, ReadArgs, Status, pad_right, parse_date_arg};
use crate::lang::{pick, zh};
use crate::registers::{self, RegisterFiles};

/// Flags of `check-registers`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Entity register (CSV or .xlsx).
    #[arg(long)]
    pub entities: PathBuf,
    /// Inspector register.
    #[arg(long)]
    pub inspectors: Option<PathBuf>,
    /// Declared conflicts (回避).
    #[arg(long)]
    pub conflicts: Option<PathBuf>,
    /// Check-item list.
    #[arg(long)]
    pub items: Option<PathBuf>,
    /// Check inspectors' certificates on this date.
    #[arg(long, value_parser = parse_date_arg)]
    pub on: Option<Date>,
    /// Print a JSON report instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Flags of `diff-registers`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier version of the entity register.
    pub old: PathBuf,
    /// The later version.
    pub new: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub read: ReadArgs,
}

fn class_counts(reg: &EntityRegister) -> Value {
    let sizes = reg.class_sizes();
    let mut m = serde_json::Map::new();
    for c in CreditClass::ALL {
        m.insert(c.to_string(), json!(sizes[c.index()]));
    }
    Value::Object(m)
}

/// Entities per registration status code (only the statuses present).
fn status_counts(
    register: &double_random::registers::EntityRegister,
) -> std::collections::BTreeMap<&'static str, usize> {
    let mut out = std::collections::BTreeMap::new();
    for e in register.entities() {
        *out.entry(e.status().code()).or_default() += 1;
    }
    out
}

/// Runs `check-registers`.
pub fn check_registers(args: &CheckArgs) -> Result<Status, CliError> {
    let files = RegisterFiles {
        entities: Some(args.entities.clone()),
        inspectors: args.inspectors.clone(),
        conflicts: args.conflicts.clone(),
        items: args.items.clone(),
    };
    let loaded = registers::load_for_checking(
        &files,
        args.read.encoding.into(),
        &args.read.options(args.on),
        registers::CertificateDates::Required,
    )?;
    let problems = loaded.problems();
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = problems.len() - errors;
    let status = if loaded.is_clean() {
        Status::Ok
    } else {
        Status::Failed
    };
    for n in &loaded.notes {
        eprintln!("{}{n}", pick("note: ", "提示："));
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        let mut report = serde_json::Map::new();
        if let Some(e) = &loaded.entities {
            report.insert(
                "entities".into(),
                json!({
                    "count": e.register.len(),
                    "per_class": class_counts(&e.register),
                    "per_status": status_counts(&e.register),
                }),
            );
        }
        if let Some(i) = &loaded.inspectors {
            report.insert(
                "inspectors".into(),
                json!({ "count": i.register.len(), "per_department": i.register.department_counts() }),
            );
        }
        if let Some(c) = &loaded.conflicts {
            report.insert("conflicts".into(), json!({ "count": c.register.len() }));
        }
        if let Some(t) = &loaded.items {
            report.insert(
                "items".into(),
                json!({ "count": t.register.len(), "per_department": t.register.department_counts() }),
            );
        }
        report.insert("errors".into(), json!(errors));
        report.insert("warnings".into(), json!(warnings));
        report.insert("problems".into(), serde_json::to_value(&problems)?);
        serde_json::to_writer_pretty(&mut out, &Value::Object(report))?;
        writeln!(out)?;
        return Ok(status);
    }
    if let Some(e) = &loaded.entities {
        if zh() {
            writeln!(out, "检查对象：{} 户有效", e.register.len())?;
        } else {
            writeln!(out, "entities: {} valid", e.register.len())?;
        }
        let sizes = e.register.class_sizes();
        for c in CreditClass::ALL {
            writeln!(
                out,
                "  {} {} {:>10}",
                c,
                pad_right(c.chinese_name(), 8),
                sizes[c.index()]
            )?;
        }
        let statuses = status_counts(&e.register);
        if statuses.keys().any(|s| *s != "active") {
            let parts: Vec<String> = statuses
                .iter()
                .map(|(s, n)| {
                    if zh() {
                        format!("{} {n} 户", crate::scope::status_name(s))
                    } else {
                        format!("{n} {s} ({})", crate::scope::status_name(s))
                    }
                })
                .collect();
            writeln!(
                out,
                "  {}{}",
                pick("statuses: ", "登记状态："),
                parts.join(pick(", ", "，"))
            )?;
        }
    }
    if let Some(i) = &loaded.inspectors {
        if zh() {
            writeln!(out, "执法检查人员：{} 人有效", i.register.len())?;
        } else {
            writeln!(out, "inspectors: {} valid", i.register.len())?;
        }
        for (d, n) in i.register.department_counts() {
            writeln!(out, "  {} {n:>6}", pad_right(d, 12))?;
        }
    }
    if let Some(c) = &loaded.conflicts {
        if zh() {
            writeln!(out, "回避关系：{} 条", c.register.len())?;
        } else {
            writeln!(out, "conflicts: {} declared", c.register.len())?;
        }
    }
    if let Some(t) = &loaded.items {
        writeln!(
            out,
            "{}{}",
            pick("check items: ", "抽查事项："),
            t.register.len()
        )?;
        for (d, n) in t.register.department_counts() {
            writeln!(out, "  {} {n:>6}", pad_right(d, 12))?;
        }
    }
    if problems.is_empty() {
        writeln!(out, "{}", pick("no problems found", "未发现问题"))?;
    } else {
        if zh() {
            writeln!(out, "{errors} 个错误，{warnings} 个警告：")?;
        } else {
            writeln!(out, "{errors} error(s), {warnings} warning(s):")?;
        }
        for p in &problems {
            writeln!(out, "  {}", loaded.notes.describe(p))?;
        }
    }
    Ok(status)
}

/// Flags of `item-list`.
#[derive(Debug, Args)]
pub struct ItemListArgs {
    /// The check-item list (CSV or .xlsx).
    #[arg(long)]
    pub items: PathBuf,
    /// Where to write the list for publication (xlsx).
    #[arg(long)]
    pub xlsx: PathBuf,
    /// Replace an existing output file (a symlink is never followed).
    #[arg(long)]
    pub force: bool,
    /// The publishing department, named in the title (e.g. 阳城县水务局).
    #[arg(long)]
    pub issuer: Option<String>,
    /// Only the items of this department (检查主体).
    #[arg(long)]
    pub department: Option<String>,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Runs `item-list`: the random check-item list (随机抽查事项清单) as an
/// xlsx workbook for publication. A list with errors is refused (exit 1)
/// and nothing is written.
pub fn item_list(args: &ItemListArgs) -> Result<Status, CliError> {
    let mut notes = crate::registers::Notes::default();
    let list = registers::read_items(&args.items, args.read.encoding.into(), &mut notes)?;
    for n in &notes {
        eprintln!("{}{n}", pick("note: ", "提示："));
    }
    if !list.is_clean() {
        for p in list.errors() {
            eprintln!("  {}", notes.describe(p));
        }
        if zh() {
            eprintln!(
                "double-random item-list：{} 有 {} 个错误；未写出任何文件",
                args.items.display(),
                list.errors().count()
            );
        } else {
            eprintln!(
                "double-random item-list: {} has {} error(s); nothing written",
                args.items.display(),
                list.errors().count()
            );
        }
        return Ok(Status::Failed);
    }
    let bytes = crate::xlsx::items(
        &list.register,
        args.issuer.as_deref(),
        args.department.as_deref(),
        None,
    )
    .map_err(|e| CliError::Output(std::io::Error::other(format!("item list: {e}"))))?;
    let overwrite = crate::files::Overwrite::from_force(args.force);
    crate::files::write_output(&args.xlsx, bytes, overwrite).map_err(|e| {
        CliError::Output(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", args.xlsx.display()),
        ))
    })?;
    let n = list
        .register
        .items()
        .iter()
        .filter(|i| args.department.as_deref().is_none_or(|d| i.department == d))
        .count();
    if zh() {
        crate::outln!("已将 {n} 项抽查事项写入 {}", args.xlsx.display());
    } else {
        crate::outln!("wrote {n} check item(s) to {}", args.xlsx.display());
    }
    Ok(Status::Ok)
}

/// Runs `diff-registers`.
pub fn diff_registers(args: &DiffArgs) -> Result<Status, CliError> {
    let opts = args.read.options(None);
    let mut notes = crate::registers::Notes::default();
    let old = registers::read_entities(&args.old, args.read.encoding.into(), &opts, &mut notes)?;
    let new = registers::read_entities(&args.new, args.read.encoding.into(), &opts, &mut notes)?;
    for n in &notes {
        eprintln!("{}{n}", pick("note: ", "提示："));
    }
    let diff = RegisterDiff::between(&old.register, &new.register);
    let problems: Vec<_> = old.problems.iter().chain(&new.problems).collect();
    let status = if old.is_clean() && new.is_clean() {
        Status::Ok
    } else {
        Status::Failed
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        let v = json!({ "diff": diff, "problems": problems });
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
        return Ok(status);
    }
    writeln!(
        out,
        "{} {}{} {}{} {}{} {}",
        pick("added", "新增"),
        diff.added.len(),
        pick(", removed", "，减少"),
        diff.removed.len(),
        pick(", class changed", "，分类变化"),
        diff.class_changed.len(),
        pick(", details changed", "，信息变化"),
        diff.details_changed.len()
    )?;
    for e in &diff.added {
        writeln!(out, "+ {} {} {}", e.uscc, e.credit_class, e.name())?;
    }
    for e in &diff.removed {
        writeln!(out, "- {} {} {}", e.uscc, e.credit_class, e.name())?;
    }
    for c in &diff.class_changed {
        writeln!(
            out,
            "~ {} {} -> {} {}",
            c.entity.uscc,
            c.from,
            c.to,
            c.entity.name()
        )?;
    }
    for c in &diff.details_changed {
        let status = if c.old.status() == c.new.status() {
            String::new()
        } else {
            format!(
                "{}{} -> {}",
                pick("; status ", "；登记状态 "),
                c.old.status(),
                c.new.status()
            )
        };
        writeln!(
            out,
            "* {} {} ({}{}{status})",
            c.new.uscc,
            c.new.name(),
            pick("was ", "原为 "),
            c.old.name()
        )?;
    }
    if !problems.is_empty() {
        writeln!(
            out,
            "{}",
            pick(
                "the registers have problems; rows with errors were left out of the comparison:",
                "名录有问题；有错误的行未参与比较："
            )
        )?;
        // The old file was read first, the new one second.
        for (source, v) in notes.sources.iter().zip([&old, &new]) {
            for p in &v.problems {
                writeln!(out, "  {}", registers::describe_problem(Some(source), p))?;
            }
        }
    }
    Ok(status)
}
