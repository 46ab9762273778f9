//! `record-results`: bulk entry of inspection results from a sheet (xlsx or
//! CSV, UTF-8 or GBK), one row per drawn entity (per department in a joint
//! task), with the provincial platform's Chinese headers (docs/columns.md,
//! "Results").
//!
//! Each row becomes the flags of one `record-result` and goes through the
//! same code (`ledger::result_fields`, then the ledger's own rules
//! for a new result, against the ledger as it would be with the rows above
//! it appended). All or nothing: when any row is refused, nothing is
//! appended and every refused row is listed with its row number, column,
//! value and the rule; otherwise the records are appended in row order,
//! one sequence each, in one write.

use std::path::{Path, PathBuf};

use clap::Args;
use double_random::{
    calendar::Timestamp,
    ledger::{
        Approvals, DrawIndex, DrawnTask, Ledger, LedgerOptions, LedgerRecord, ResultError,
        ResultPayload, verify_ledger,
    },
    records::Envelope,
    registers::{Uscc, UsccPolicy},
    verify::{FindingSeverity, read_chain},
};
use serde_json::json;

use crate::common::{CliError, EncodingArg, Status, parse_date_arg};
use crate::input::{self, ColumnMap, Row, Table, TableKind};
use crate::lang::zh;
use crate::ledger::{
    LedgerWitnessArgs, ResultFlags, ask_witnesses, calendar, load_draws, load_ledger,
    result_fields, select_draw,
};
use crate::receipts::{ReceiptError, load_secret_key, now, parse_time_arg};

/// Flags of `record-results`.
#[derive(Debug, Args)]
pub struct RecordResultsArgs {
    #[command(flatten)]
    pub witness: LedgerWitnessArgs,
    /// The issuer's results ledger (JSON Lines); created if missing.
    #[arg(long)]
    pub ledger: PathBuf,
    #[command(flatten)]
    pub calendar: crate::calendar_file::CalendarArgs,
    /// The issuer's receipt chain, holding the draws.
    #[arg(long)]
    pub chain: PathBuf,
    /// The issuer's secret key file.
    #[arg(long)]
    pub key: PathBuf,
    /// The sheet of results: .xlsx (first worksheet) or .csv, one row per
    /// drawn entity (per department in a joint task); headers in
    /// docs/columns.md ("Results").
    #[arg(long)]
    pub from: PathBuf,
    /// The draw (record id or a prefix) of rows with no 任务编号 or 抽取记录
    /// cell; without it such a row's draw is the one draw that drew its entity.
    #[arg(long)]
    pub draw: Option<String>,
    /// Entry time of every record instead of the clock, with its zone: `2026-12-02 09:00 北京时间`, `…+08:00` or `…Z` (kept in UTC).
    #[arg(long, value_parser = parse_time_arg)]
    pub created_at: Option<Timestamp>,
    /// Encoding of a CSV sheet.
    #[arg(long, value_enum, default_value_t = EncodingArg::Auto)]
    pub encoding: EncodingArg,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// One refused row: where, what, and the rule.
#[derive(Debug)]
struct Failure {
    row: usize,
    column: String,
    value: String,
    rule: String,
}

/// A row that passed: its signed record.
struct Accepted {
    row: usize,
    envelope: Envelope,
    payload: ResultPayload,
}

/// The sheet with its columns resolved.
struct Sheet<'t> {
    table: &'t Table,
    cols: ColumnMap,
}

impl Sheet<'_> {
    fn cell<'r>(&self, row: &'r Row, col: &str) -> &'r str {
        self.cols.get(row, col)
    }

    /// The header a clerk sees for a canonical column (its own spelling
    /// when the sheet has the column).
    fn header(&self, col: &str) -> String {
        match self.cols.index(col) {
            Some(i) => self.table.headers[i].clone(),
            None => match col {
                "uscc" => "统一社会信用代码",
                "category" => "检查结果",
                "findings" => "检查发现",
                "follow_up" => "后续处置",
                "inspection_start" => "检查开始日期",
                "inspection_end" => "检查结束日期",
                "method" => "检查方式",
                "department" => "部门",
                "item" => "检查事项",
                "inspector" => "检查人员",
                "task" => "任务编号",
                "draw" => "抽取记录",
                other => other,
            }
            .to_owned(),
        }
    }

    fn failure(&self, row: &Row, col: &str, rule: String) -> Failure {
        Failure {
            row: row.line,
            column: if col.is_empty() {
                "—".to_owned()
            } else {
                self.header(col)
            },
            value: if col.is_empty() {
                String::new()
            } else {
                self.cell(row, col).to_owned()
            },
            rule,
        }
    }
}

/// The canonical column a `record-result` flag reads.
fn column_of_flag(flag: &str) -> &'static str {
    match flag {
        "--uscc" => "uscc",
        "--category" => "category",
        "--method" => "method",
        "--follow-up" => "follow_up",
        "--inspection-start" => "inspection_start",
        "--inspection-end" => "inspection_end",
        "--item" => "item",
        "--inspector" => "inspector",
        "--department" => "department",
        "--findings" => "findings",
        _ => "",
    }
}

/// The column a ledger rule's refusal is about.
fn column_of_rule(e: &ResultError) -> &'static str {
    match e {
        ResultError::Field { field, .. } => {
            let f = *field;
            if f.contains("categor") {
                "category"
            } else if f.contains("method") {
                "method"
            } else if f.contains("finding") {
                "findings"
            } else if f.contains("follow") {
                "follow_up"
            } else if f.contains("inspector") {
                "inspector"
            } else if f.contains("item") {
                "item"
            } else if f.contains("department") {
                "department"
            } else {
                ""
            }
        }
        ResultError::StartBeforeDraw { .. } => "inspection_start",
        _ => match e.check() {
            "result-not-drawn" | "duplicate-result" => "uscc",
            "result-task" => "task",
            "result-team" => "inspector",
            "result-dates" => "inspection_end",
            "result-department" => "department",
            "result-items" => "item",
            _ => "",
        },
    }
}

/// The draw a row's result belongs to: its 抽取记录 cell, else the draw of
/// its 任务编号 (the one that drew the entity when the task has several),
/// else `--draw`, else the one draw that drew the entity.
fn row_draw<'d>(
    sheet: &Sheet<'_>,
    row: &Row,
    draws: &'d DrawIndex,
    default: Option<&'d DrawnTask>,
) -> Result<&'d DrawnTask, Failure> {
    let uscc = Uscc::parse(sheet.cell(row, "uscc"), UsccPolicy::LenientCheckCharacter).ok();
    let drew = |d: &&DrawnTask| uscc.is_some_and(|u| d.was_drawn(&u));
    let prefix = sheet.cell(row, "draw");
    if !prefix.is_empty() {
        return select_draw(draws, prefix)
            .map_err(|e| sheet.failure(row, "draw", crate::lang::message(&e)));
    }
    let task = sheet.cell(row, "task");
    if !task.is_empty() {
        let of_task: Vec<&DrawnTask> = draws.draws().iter().filter(|d| d.task.id == task).collect();
        let narrowed: Vec<&DrawnTask> = of_task.iter().copied().filter(drew).collect();
        return match (of_task.as_slice(), narrowed.as_slice()) {
            ([], _) => Err(sheet.failure(
                row,
                "task",
                if zh() {
                    format!("回执链上没有抽查任务 {task} 的抽取记录")
                } else {
                    format!("no draw of task {task} is on the receipt chain")
                },
            )),
            ([one], _) | (_, [one]) => Ok(one),
            (_, _) => Err(sheet.failure(
                row,
                "task",
                if zh() {
                    format!(
                        "抽查任务 {task} 在回执链上有 {} 次抽取，该检查对象并非恰好在其中一次被抽中；请增加“抽取记录”列",
                        of_task.len()
                    )
                } else {
                    format!(
                        "task {task} has {} draws on the receipt chain and the entity is not in exactly one of them; add a 抽取记录 column",
                        of_task.len()
                    )
                },
            )),
        };
    }
    if let Some(d) = default {
        return Ok(d);
    }
    let drawing: Vec<&DrawnTask> = draws.draws().iter().filter(drew).collect();
    match drawing.as_slice() {
        [one] => Ok(one),
        [] if uscc.is_none() => Err(sheet.failure(
            row,
            "uscc",
            crate::lang::pick("not a unified social credit code", "不是统一社会信用代码")
                .to_owned(),
        )),
        [] => Err(sheet.failure(
            row,
            "uscc",
            crate::lang::pick(
                "no draw on the receipt chain drew this entity",
                "回执链上没有抽中该检查对象的抽取记录",
            )
            .to_owned(),
        )),
        many => {
            let tasks: Vec<&str> = many.iter().map(|d| d.task.id.as_str()).collect();
            Err(sheet.failure(
                row,
                "uscc",
                if zh() {
                    format!(
                        "被 {} 次抽取抽中（抽查任务 {}）；请增加“任务编号”列或给出 --draw",
                        many.len(),
                        tasks.join("、")
                    )
                } else {
                    format!(
                        "drawn by {} draws (tasks {}); add a 任务编号 column or give --draw",
                        many.len(),
                        tasks.join(", ")
                    )
                },
            ))
        }
    }
}

/// A row's cells as the flags of one `record-result`.
fn row_flags(sheet: &Sheet<'_>, row: &Row) -> Result<ResultFlags, Failure> {
    let date = |col: &str| {
        let v = sheet.cell(row, col);
        if v.is_empty() {
            return Err(sheet.failure(
                row,
                col,
                crate::lang::pick(
                    "required: a date, e.g. 2024-06-03",
                    "必填：日期，如 2024-06-03",
                )
                .into(),
            ));
        }
        parse_date_arg(v)
            .map(Some)
            .map_err(|e| sheet.failure(row, col, e))
    };
    let one = |col: &str| -> Vec<String> {
        let v = sheet.cell(row, col);
        if v.is_empty() {
            Vec::new()
        } else {
            vec![v.to_owned()]
        }
    };
    Ok(ResultFlags {
        inspection_start: date("inspection_start")?,
        inspection_end: date("inspection_end")?,
        method: one("method"),
        category: one("category"),
        findings: Some(sheet.cell(row, "findings").to_owned()).filter(|f| !f.is_empty()),
        // Several measures: one a line, or separated by semicolons (an
        // outcome may hold commas).
        follow_up: sheet
            .cell(row, "follow_up")
            .split(['\n', ';', '；'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        inspector: one("inspector"),
        item: one("item"),
    })
}

/// The ledger as it would be with `bytes`: every record must hold.
fn reread(
    bytes: &[u8],
    key: &double_random::records::IssuerPublicKey,
    draws: &DrawIndex,
    cal: &double_random::calendar::WorkingCalendar,
) -> Result<Ledger, String> {
    let (lines, mut findings) = read_chain(bytes);
    let (report, ledger) = verify_ledger(
        &lines,
        key,
        draws,
        &LedgerOptions {
            approvals: Approvals::NotChecked,
            calendar: cal,
            witnesses: None,
        },
    );
    findings.extend(report.findings);
    match findings
        .iter()
        .find(|f| f.severity == FindingSeverity::Error)
    {
        Some(f) => Err(format!("[{}] {}", f.check, crate::lang::finding(f))),
        None => Ok(ledger),
    }
}

/// Runs `record-results`. Exit 1 and nothing appended when any row is
/// refused; exit 2 when the sheet, chain, ledger or key cannot be read.
pub fn record_results(a: &RecordResultsArgs) -> Result<Status, CliError> {
    let key = load_secret_key(&a.key)?;
    let draws = load_draws(&a.chain, key.public_key())?;
    let cal = calendar(&a.calendar)?;
    let (ledger, mut log) = load_ledger(&a.ledger, key.public_key(), &draws, &cal, None)?;
    let table = input::read_table_file(&a.from, a.encoding.into())?;
    let cols = input::resolve_headers(&table, TableKind::Results)?;
    let sheet = Sheet {
        table: &table,
        cols,
    };
    let source = file_label(&a.from);
    if !sheet.cols.ignored().is_empty() {
        if zh() {
            eprintln!(
                "double-random record-results：{source}：以下列未使用：{}",
                sheet.cols.ignored().join("、")
            );
        } else {
            eprintln!(
                "double-random record-results: {source}: columns ignored: {}",
                sheet.cols.ignored().join(", ")
            );
        }
    }
    if table.rows.is_empty() {
        return Err(ReceiptError::Flag {
            flag: "--from",
            message: format!("{source} has no data row"),
        }
        .into());
    }
    let default = a
        .draw
        .as_deref()
        .map(|p| select_draw(&draws, p))
        .transpose()?;
    let created_at = match a.created_at {
        Some(t) => t,
        None => now()?,
    };

    // Each row against the ledger with the rows above it that passed.
    let mut bytes = log.bytes().to_vec();
    if bytes.last().is_some_and(|&b| b != b'\n') {
        bytes.push(b'\n');
    }
    let mut state = ledger;
    let mut failures: Vec<Failure> = Vec::new();
    let mut accepted: Vec<Accepted> = Vec::new();
    for row in &table.rows {
        match check_row(&sheet, row, &draws, default, &state, &key, created_at) {
            Err(f) => failures.push(f),
            Ok((envelope, payload)) => {
                let mut next = bytes.clone();
                next.extend_from_slice(envelope.to_json().as_bytes());
                next.push(b'\n');
                match reread(&next, key.public_key(), &draws, &cal) {
                    Ok(l) => {
                        state = l;
                        bytes = next;
                        accepted.push(Accepted {
                            row: row.line,
                            envelope,
                            payload,
                        });
                    }
                    Err(rule) => failures.push(sheet.failure(row, "", rule)),
                }
            }
        }
    }
    if !failures.is_empty() {
        if zh() {
            eprintln!(
                "double-random record-results：{source}：共 {} 行，其中 {} 行被拒绝；未向 {} 写入任何记录",
                table.rows.len(),
                failures.len(),
                a.ledger.display()
            );
            for f in &failures {
                eprintln!(
                    "  第 {} 行，列“{}”，值 {:?}：{}",
                    f.row, f.column, f.value, f.rule
                );
            }
        } else {
            eprintln!(
                "double-random record-results: {source}: {} of {} row(s) refused; nothing was appended to {}",
                failures.len(),
                table.rows.len(),
                a.ledger.display()
            );
            for f in &failures {
                eprintln!(
                    "  row {}, column {}, value {:?}: {}",
                    f.row, f.column, f.value, f.rule
                );
            }
        }
        return Ok(Status::Failed);
    }

    let envelopes: Vec<&Envelope> = accepted.iter().map(|r| &r.envelope).collect();
    log.append_all(&envelopes)?;
    ask_witnesses(&a.ledger, &log, key.public_key(), &a.witness.witness_urls)?;
    let entered_on = double_random::ledger::china_date(created_at);
    let rows: Vec<_> = accepted
        .iter()
        .map(|r| {
            let deadline = cal.entry_deadline(r.payload.result.inspection_end).ok();
            (r, deadline)
        })
        .collect();
    if a.json {
        crate::outln!(
            "{}",
            json!({
                "file": source,
                "records": rows.iter().map(|(r, deadline)| json!({
                    "row": r.row,
                    "record": r.envelope.record_id().to_string(),
                    "sequence": r.payload.chain.sequence,
                    "task": r.payload.result.task,
                    "uscc": r.payload.result.uscc,
                    "department": r.payload.result.department,
                    "deadline": deadline.map(double_random::calendar::format_date),
                    "on_time": deadline.map(|d| entered_on <= d),
                })).collect::<Vec<_>>(),
            })
        );
        return Ok(Status::Ok);
    }
    if zh() {
        record_results_summary_zh(&source, &rows, entered_on)?;
        return Ok(Status::Ok);
    }
    crate::outln!(
        "recorded {} result(s) from {source}, entered {} (Beijing time)",
        rows.len(),
        double_random::calendar::format_date(entered_on)
    );
    for (r, deadline) in &rows {
        let when = match deadline {
            Some(d) if entered_on <= *d => {
                format!(
                    "on time (deadline {})",
                    double_random::calendar::format_date(*d)
                )
            }
            Some(d) => format!(
                "OVERDUE (deadline {})",
                double_random::calendar::format_date(*d)
            ),
            None => "deadline not checked".to_owned(),
        };
        crate::outln!(
            "  row {:>3}  {}  {}  sequence {}  record {}  {when}",
            r.row,
            r.payload.result.uscc,
            r.payload.result.task,
            r.payload.chain.sequence,
            &r.envelope.record_id().to_string()[..16]
        );
    }
    Ok(Status::Ok)
}

/// The summary of `record-results` in Chinese (the English one is inline in
/// [`record_results`]).
fn record_results_summary_zh(
    source: &str,
    rows: &[(&Accepted, Option<time::Date>)],
    entered_on: time::Date,
) -> Result<(), CliError> {
    use double_random::calendar::format_date;
    crate::outln!(
        "已从 {source} 录入 {} 条检查结果，录入日期 {}（北京时间）",
        rows.len(),
        format_date(entered_on)
    );
    for (r, deadline) in rows {
        let when = match deadline {
            Some(d) if entered_on <= *d => format!("按期录入（截止日期 {}）", format_date(*d)),
            Some(d) => format!("已逾期（截止日期 {}）", format_date(*d)),
            None => "未核对截止日期".to_owned(),
        };
        crate::outln!(
            "  第 {:>3} 行  {}  {}  序号 {}  记录 {}  {when}",
            r.row,
            r.payload.result.uscc,
            r.payload.result.task,
            r.payload.chain.sequence,
            &r.envelope.record_id().to_string()[..16]
        );
    }
    Ok(())
}

/// One row through `record-result`'s code: the draw, the fields, the
/// ledger's rules; the signed record when it passes.
fn check_row(
    sheet: &Sheet<'_>,
    row: &Row,
    draws: &DrawIndex,
    default: Option<&DrawnTask>,
    ledger: &Ledger,
    key: &double_random::records::IssuerKey,
    created_at: Timestamp,
) -> Result<(Envelope, ResultPayload), Failure> {
    let draw = row_draw(sheet, row, draws, default)?;
    let flags = row_flags(sheet, row)?;
    let department = Some(sheet.cell(row, "department")).filter(|d| !d.is_empty());
    let fields =
        result_fields(draw, sheet.cell(row, "uscc"), department, &flags).map_err(|e| match e {
            ReceiptError::Flag { flag, message } => {
                sheet.failure(row, column_of_flag(flag), message)
            }
            other => sheet.failure(row, "", crate::lang::message(&other)),
        })?;
    let rule =
        |e: ResultError| sheet.failure(row, column_of_rule(&e), format!("[{}] {e}", e.check()));
    let link = ledger
        .next_link(key.public_key(), created_at)
        .map_err(rule)?;
    let payload = ledger
        .new_result(draws, fields, link)
        .map_err(|e| sheet.failure(row, column_of_rule(&e), format!("[{}] {e}", e.check())))?;
    let envelope = LedgerRecord::Result(payload.clone())
        .sign(key)
        .map_err(|e| sheet.failure(row, "", e.to_string()))?;
    Ok((envelope, payload))
}

fn file_label(p: &Path) -> String {
    p.display().to_string()
}
