//! `check-registers` and `diff-registers`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use double_random::registers::{CreditClass, EntityRegister, RegisterDiff, Severity};
use serde_json::{Value, json};
use time::Date;

use crate::common::{self, CliError, ReadArgs, Status, pad_right, parse_date_arg};
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
    for n in &loaded.ignored_columns {
        eprintln!("note: {n}");
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
        common::release(loaded);
        return Ok(status);
    }
    if let Some(e) = &loaded.entities {
        writeln!(out, "entities: {} valid", e.register.len())?;
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
                .map(|(s, n)| format!("{n} {s} ({})", crate::scope::status_name(s)))
                .collect();
            writeln!(out, "  statuses: {}", parts.join(", "))?;
        }
    }
    if let Some(i) = &loaded.inspectors {
        writeln!(out, "inspectors: {} valid", i.register.len())?;
        for (d, n) in i.register.department_counts() {
            writeln!(out, "  {} {n:>6}", pad_right(d, 12))?;
        }
    }
    if let Some(c) = &loaded.conflicts {
        writeln!(out, "conflicts: {} declared", c.register.len())?;
    }
    if let Some(t) = &loaded.items {
        writeln!(out, "check items: {}", t.register.len())?;
        for (d, n) in t.register.department_counts() {
            writeln!(out, "  {} {n:>6}", pad_right(d, 12))?;
        }
    }
    if problems.is_empty() {
        writeln!(out, "no problems found")?;
    } else {
        writeln!(out, "{errors} error(s), {warnings} warning(s):")?;
        for p in &problems {
            writeln!(out, "  {p}")?;
        }
    }
    common::release(loaded);
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
    let mut notes = Vec::new();
    let list = registers::read_items(&args.items, args.read.encoding.into(), &mut notes)?;
    for n in &notes {
        eprintln!("note: {n}");
    }
    if !list.is_clean() {
        for p in list.errors() {
            eprintln!("  {p}");
        }
        eprintln!(
            "double-random item-list: {} has {} error(s); nothing written",
            args.items.display(),
            list.errors().count()
        );
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
    crate::outln!("wrote {n} check item(s) to {}", args.xlsx.display());
    Ok(Status::Ok)
}

/// Runs `diff-registers`.
pub fn diff_registers(args: &DiffArgs) -> Result<Status, CliError> {
    let opts = args.read.options(None);
    let mut notes = Vec::new();
    let old = registers::read_entities(&args.old, args.read.encoding.into(), &opts, &mut notes)?;
    let new = registers::read_entities(&args.new, args.read.encoding.into(), &opts, &mut notes)?;
    for n in &notes {
        eprintln!("note: {n}");
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
        "added {}, removed {}, class changed {}, details changed {}",
        diff.added.len(),
        diff.removed.len(),
        diff.class_changed.len(),
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
            format!("; status {} -> {}", c.old.status(), c.new.status())
        };
        writeln!(
            out,
            "* {} {} (was {}{status})",
            c.new.uscc,
            c.new.name(),
            c.old.name()
        )?;
    }
    if !problems.is_empty() {
        writeln!(
            out,
            "the registers have problems; rows with errors were left out of the comparison:"
        )?;
        for p in problems {
            writeln!(out, "  {p}")?;
        }
    }
    Ok(status)
}
