//! `record-result`, `correct`, `progress`, `publish`, `summary`, and the ledger part of
//! `verify`: the results ledger (一公开), a JSON Lines file of signed
//! records beside the issuer's receipt chain.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use double_random::{
    calendar::{Timestamp, WorkingCalendar},
    ledger::{
        Approvals, CreditClassDisclosure, DrawIndex, DrawnTask, FollowUp, InspectorDisclosure,
        Ledger, LedgerOptions, LedgerRecord, LedgerReport, PublicView, Rate, ResultCategory,
        ResultError, ResultFields, SummaryKind, TaskSummary, check_published_file, published_file,
        sign_correction, summarise, verify_ledger,
    },
    records::{IssuerPublicKey, Record, RecordId},
    registers::{InspectionMethod, Uscc, UsccPolicy},
    verify::{ChainLine, Finding, FindingSeverity, read_chain},
};
use serde_json::json;
use time::Date;

use crate::calendar_file::CalendarArgs;
use crate::common::{CliError, ReadArgs, Status, parse_date_arg};
use crate::lang::{pick, zh};
use crate::log_file::{LockedLog, read_shared};
use crate::receipts::{
    ChainFile, ReceiptError, io, load_public_key, load_secret_key, now, parse_time_arg, read,
    refuse_errors,
};
use crate::registers;

/// File name of the published CSV in `--out-dir`.
pub const PUBLIC_CSV: &str = "public-results.csv";
/// File name of the published JSON in `--out-dir`.
pub const PUBLIC_JSON: &str = "public-results.json";
/// File name of the published workbook in `--out-dir`.
pub const PUBLIC_XLSX: &str = "public-results.xlsx";

fn hex(h: &(impl AsRef<[u8]> + ?Sized)) -> String {
    let h = h.as_ref();
    h.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn calendar(args: &CalendarArgs) -> Result<WorkingCalendar, ReceiptError> {
    crate::calendar_file::load_calendar(args).map_err(|e| ReceiptError::Calendar(Box::new(e)))
}

/// The receipt chain's draws, refusing a chain that breaks a rule.
pub(crate) fn load_draws(chain: &Path, key: &IssuerPublicKey) -> Result<DrawIndex, ReceiptError> {
    let chain = ChainFile::load(chain, key, false)?;
    Ok(DrawIndex::from_chain(&chain.lines, key))
}

/// A ledger to read, under a shared lock (no append is half done).
fn read_ledger_lines(path: &Path) -> Result<(Vec<ChainLine>, Vec<Finding>), ReceiptError> {
    let bytes = read_shared(path).map_err(io(path))?;
    Ok(read_chain(&bytes))
}

/// The ledger for appending, locked until the command ends: every record
/// must pass (warnings allowed), each correction approved by a key pinned
/// in `LEDGER.approvers` (see [`crate::approvers`]). `extra` is an approver
/// about to be pinned by `correct`.
pub(crate) fn load_ledger(
    path: &Path,
    key: &IssuerPublicKey,
    draws: &DrawIndex,
    cal: &WorkingCalendar,
    extra: Option<&IssuerPublicKey>,
) -> Result<(Ledger, LockedLog), CliError> {
    let log = LockedLog::open(path, true)?;
    let (lines, mut findings) = read_chain(log.bytes());
    let approvers = crate::approvers::pinned(path)?;
    let unpinned = approvers.is_none();
    let mut keys = approvers.unwrap_or_default();
    keys.extend(extra.cloned());
    let (report, ledger) = verify_ledger(
        &lines,
        key,
        draws,
        &LedgerOptions {
            approvals: Approvals::Check(&keys),
            calendar: cal,
            witnesses: None,
        },
    );
    findings.extend(report.findings);
    crate::approvers::refuse_unpinned(path, unpinned, &findings)?;
    refuse_errors(path, &findings)?;
    Ok((ledger, log))
}

pub(crate) fn flag(flag: &'static str, message: String) -> ReceiptError {
    ReceiptError::Flag { flag, message }
}

pub(crate) fn select_draw<'d>(
    draws: &'d DrawIndex,
    prefix: &str,
) -> Result<&'d DrawnTask, ReceiptError> {
    let found = draws.find_prefix(prefix);
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(ReceiptError::Selection(format!(
            "no draw on the receipt chain has an id starting with {prefix}"
        ))),
        many => Err(ReceiptError::Selection(format!(
            "{} draws have ids starting with {prefix}; give more digits",
            many.len()
        ))),
    }
}

fn split_values(values: &[String]) -> impl Iterator<Item = &str> {
    values
        .iter()
        .flat_map(|v| v.split([',', '，', ';', '；']))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// `--witness-url` of the verbs that append to the ledger.
#[derive(Debug, clap::Args)]
pub struct LedgerWitnessArgs {
    /// A witness service to cosign the ledger's new head right after the
    /// record is appended (repeat for several); cosignatures go to
    /// LEDGER.cosignatures.jsonl.
    #[arg(long = "witness-url")]
    pub witness_urls: Vec<String>,
}

/// Asks witness services to cosign the ledger's head after an append.
pub(crate) fn ask_witnesses(
    path: &Path,
    log: &LockedLog,
    key: &IssuerPublicKey,
    urls: &[String],
) -> Result<(), CliError> {
    if urls.is_empty() {
        return Ok(());
    }
    #[cfg(feature = "witness")]
    {
        crate::witness::cosign_head(
            path,
            log.bytes(),
            key,
            double_random::witness::LogKind::Results,
            urls,
        )
    }
    #[cfg(not(feature = "witness"))]
    {
        let _ = (path, log, key);
        Err(flag(
            "--witness-url",
            "this build has no witness client (feature `witness`)".into(),
        )
        .into())
    }
}

/// The result flags shared by `record-result` and `correct`.
#[derive(Debug, Args)]
pub struct ResultFlags {
    /// First day of the inspection (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date_arg)]
    pub inspection_start: Option<Date>,
    /// Last day of the inspection; the 20-working-day entry deadline counts from it.
    #[arg(long, value_parser = parse_date_arg)]
    pub inspection_end: Option<Date>,
    /// Inspection method: on-site, written, online-monitoring, entrusted (or Chinese); repeat or separate with commas.
    #[arg(long)]
    pub method: Vec<String>,
    /// Result category, as code (no-problem, problem-pending, ...) or the platform's Chinese wording; repeat for several.
    #[arg(long)]
    pub category: Vec<String>,
    /// What was found (kept internal, not published).
    #[arg(long)]
    pub findings: Option<String>,
    /// Follow-up measure `KIND[:outcome]`, KIND one of penalty-decision, transfer-to-agency,
    /// transfer-to-judicial, abnormal-list, ordered-to-correct, joint-credit-punishment (repeat).
    #[arg(long)]
    pub follow_up: Vec<String>,
    /// An inspector's id (certificate number); default: the entity's team,
    /// as drawn or amended after the draw (repeat).
    #[arg(long)]
    pub inspector: Vec<String>,
    /// A check item (id) this department checked (repeat, or separate with
    /// commas); default for a single-department task: every item of the task.
    #[arg(long)]
    pub item: Vec<String>,
}

impl ResultFlags {
    fn methods(&self) -> Result<Vec<InspectionMethod>, ReceiptError> {
        split_values(&self.method)
            .map(|m| {
                InspectionMethod::parse(m)
                    .ok_or_else(|| flag("--method", format!("{m:?} is not an inspection method")))
            })
            .collect()
    }

    fn categories(&self) -> Result<Vec<ResultCategory>, ReceiptError> {
        split_values(&self.category)
            .map(|c| match ResultCategory::parse(c) {
                Some(ResultCategory::Deregistered) => Err(flag(
                    "--category",
                    format!(
                        "{c:?} joins four categories that the results ledger now keeps apart: use 注销 (deregistration), 被吊销 (licence-revoked), 被撤销 (registration-revoked) or 迁出 (moved-out)"
                    ),
                )),
                Some(x) => Ok(x),
                None => Err(flag(
                    "--category",
                    format!(
                        "{c:?} is not a result category; use one of {} (or the platform's Chinese wording)",
                        ResultCategory::V2.map(|c| c.code()).join(", ")
                    ),
                )),
            })
            .collect()
    }

    fn follow_ups(&self) -> Result<Vec<FollowUp>, ReceiptError> {
        self.follow_up
            .iter()
            .map(|f| {
                FollowUp::parse(f).ok_or_else(|| {
                    flag(
                        "--follow-up",
                        format!(
                            "{f:?}: write KIND[:outcome], e.g. penalty-decision:阳水罚〔2024〕3号"
                        ),
                    )
                })
            })
            .collect()
    }

    /// Replaces the fields these flags set.
    fn apply(&self, f: &mut ResultFields, clear_follow_ups: bool) -> Result<(), ReceiptError> {
        if let Some(d) = self.inspection_start {
            f.inspection_start = d;
        }
        if let Some(d) = self.inspection_end {
            f.inspection_end = d;
        }
        if !self.method.is_empty() {
            f.methods = self.methods()?;
        }
        if !self.category.is_empty() {
            f.categories = self.categories()?;
        }
        if let Some(t) = &self.findings {
            f.findings = t.clone();
        }
        if clear_follow_ups {
            f.follow_ups.clear();
        }
        if !self.follow_up.is_empty() {
            f.follow_ups = self.follow_ups()?;
        }
        if !self.inspector.is_empty() {
            f.inspectors = split_values(&self.inspector).map(str::to_owned).collect();
        }
        if !self.item.is_empty() {
            f.items = Some(split_values(&self.item).map(str::to_owned).collect());
        }
        Ok(())
    }
}

pub(crate) fn refused(e: &ResultError) -> Status {
    if zh() {
        eprintln!("double-random：已拒绝 [{}]：{e}", e.check());
    } else {
        eprintln!("double-random: refused [{}]: {e}", e.check());
    }
    Status::Failed
}

// ---------------------------------------------------------------------------
// record-result

/// Flags of `record-result`.
#[derive(Debug, Args)]
pub struct RecordResultArgs {
    #[command(flatten)]
    pub witness: LedgerWitnessArgs,
    /// The issuer's results ledger (JSON Lines); created if missing.
    #[arg(long)]
    pub ledger: PathBuf,
    #[command(flatten)]
    pub calendar: CalendarArgs,
    /// The issuer's receipt chain, holding the draw.
    #[arg(long)]
    pub chain: PathBuf,
    /// The issuer's secret key file.
    #[arg(long)]
    pub key: PathBuf,
    /// The draw that drew the entity (record id or a prefix).
    #[arg(long)]
    pub draw: String,
    /// The entity's USCC.
    #[arg(long)]
    pub uscc: String,
    /// The department entering the result of its own check (谁检查、谁录入);
    /// default: the task's initiating department. In a joint task each
    /// department enters its own, with the items it checked (--item).
    #[arg(long)]
    pub department: Option<String>,
    #[command(flatten)]
    pub result: ResultFlags,
    /// Entry time instead of the clock, with its zone: `2026-12-02 09:00 北京时间`, `…+08:00` or `…Z` (kept in UTC).
    #[arg(long, value_parser = parse_time_arg)]
    pub created_at: Option<Timestamp>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn parse_uscc(s: &str) -> Result<Uscc, ReceiptError> {
    Uscc::parse(s, UsccPolicy::LenientCheckCharacter).map_err(|e| flag("--uscc", e.to_string()))
}

/// Runs `record-result`. A result the ledger rules refuse (an entity not
/// drawn, another team, a second result) exits 1 and appends nothing.
pub fn record_result(a: &RecordResultArgs) -> Result<Status, CliError> {
    let key = load_secret_key(&a.key)?;
    let draws = load_draws(&a.chain, key.public_key())?;
    let cal = calendar(&a.calendar)?;
    let (ledger, mut log) = load_ledger(&a.ledger, key.public_key(), &draws, &cal, None)?;
    let draw = select_draw(&draws, &a.draw)?;
    let fields = result_fields(draw, &a.uscc, a.department.as_deref(), &a.result)?;
    let created_at = match a.created_at {
        Some(t) => t,
        None => now()?,
    };
    let link = match ledger.next_link(key.public_key(), created_at) {
        Ok(l) => l,
        Err(e) => return Ok(refused(&e)),
    };
    let payload = match ledger.new_result(&draws, fields, link) {
        Ok(p) => p,
        Err(e) => return Ok(refused(&e)),
    };
    let deadline = cal.entry_deadline(payload.result.inspection_end).ok();
    let env = LedgerRecord::Result(payload.clone())
        .sign(&key)
        .map_err(ReceiptError::from)?;
    log.append(&env)?;
    ask_witnesses(&a.ledger, &log, key.public_key(), &a.witness.witness_urls)?;
    let id = env.record_id().to_string();
    let entered_on = double_random::ledger::china_date(created_at);
    if a.json {
        crate::outln!(
            "{}",
            json!({
                "record": id,
                "sequence": payload.chain.sequence,
                "task": payload.result.task,
                "uscc": payload.result.uscc,
                "deadline": deadline.map(double_random::calendar::format_date),
                "on_time": deadline.map(|d| entered_on <= d),
                "calendar": deadline.map(|d| cal.describe_span(payload.result.inspection_end, d.max(entered_on))),
            })
        );
        return Ok(Status::Ok);
    }
    if zh() {
        record_result_summary_zh(&payload, &id, deadline, entered_on, &cal)?;
        return Ok(Status::Ok);
    }
    crate::outln!(
        "recorded the result of {} for task {}",
        payload.result.uscc,
        payload.result.task
    );
    crate::outln!("  record   {id}");
    crate::outln!("  sequence {}", payload.chain.sequence);
    match deadline {
        Some(d) if entered_on <= d => crate::outln!(
            "  entered {} (Beijing time), on time (deadline {})",
            double_random::calendar::format_date(entered_on),
            double_random::calendar::format_date(d)
        ),
        Some(d) => crate::outln!(
            "  entered {} (Beijing time), OVERDUE: the deadline was {}",
            double_random::calendar::format_date(entered_on),
            double_random::calendar::format_date(d)
        ),
        None => crate::outln!(
            "  deadline not checked: no holiday notice is loaded for a year it depends on (add the year's notice with --calendar FILE, docs/calendar.md)"
        ),
    }
    if let Some(d) = deadline {
        crate::outln!(
            "  calendar {}",
            cal.describe_span(payload.result.inspection_end, d.max(entered_on))
        );
    }
    Ok(Status::Ok)
}

/// The summary of `record-result` in Chinese (the English one is inline in
/// [`record_result`]).
fn record_result_summary_zh(
    payload: &double_random::ledger::ResultPayload,
    id: &str,
    deadline: Option<Date>,
    entered_on: Date,
    cal: &WorkingCalendar,
) -> Result<(), CliError> {
    use double_random::calendar::format_date;
    crate::outln!(
        "已录入检查对象 {} 在抽查任务 {} 中的检查结果",
        payload.result.uscc,
        payload.result.task
    );
    crate::outln!("  记录     {id}");
    crate::outln!("  序号     {}", payload.chain.sequence);
    match deadline {
        Some(d) if entered_on <= d => crate::outln!(
            "  录入日期 {}（北京时间），按期录入（截止日期 {}）",
            format_date(entered_on),
            format_date(d)
        ),
        Some(d) => crate::outln!(
            "  录入日期 {}（北京时间），已逾期：截止日期为 {}",
            format_date(entered_on),
            format_date(d)
        ),
        None => crate::outln!(
            "  未核对截止日期：所依据年份的节假日安排通知未载入（请用 --calendar FILE 加入该年的通知，见 docs/calendar.md）"
        ),
    }
    if let Some(d) = deadline {
        crate::outln!(
            "  日历依据 {}",
            cal.describe_span(payload.result.inspection_end, d.max(entered_on))
        );
    }
    Ok(())
}

/// The result fields `record-result` enters for entity `uscc` of `draw`:
/// the department (default: the task's initiating one), the task's items
/// for a single-department task, the entity's team, then what the flags
/// set. `record-results` builds every row's fields here too, so a sheet's
/// rows are checked exactly like single entries.
pub(crate) fn result_fields(
    draw: &DrawnTask,
    uscc: &str,
    department: Option<&str>,
    r: &ResultFlags,
) -> Result<ResultFields, ReceiptError> {
    let uscc = parse_uscc(uscc)?;
    let (Some(start), Some(end)) = (r.inspection_start, r.inspection_end) else {
        return Err(flag(
            "--inspection-start",
            "give --inspection-start and --inspection-end".into(),
        ));
    };
    let department = department.map_or_else(
        || draw.task.team.initiating_department().to_owned(),
        str::to_owned,
    );
    let joint = !draw.task.team.participating_departments().is_empty();
    if joint && r.item.is_empty() && !draw.task.items.is_empty() {
        return Err(flag(
            "--item",
            format!(
                "task {} is a joint task: name the check items {department} checked (the task's items are {})",
                draw.task.id,
                draw.task.items.join(", ")
            ),
        ));
    }
    let mut fields = ResultFields {
        draw: draw.draw_id,
        task: draw.task.id.clone(),
        uscc,
        department: Some(department),
        items: Some(if joint {
            Vec::new()
        } else {
            draw.task.items.clone()
        }),
        inspection_start: start,
        inspection_end: end,
        methods: Vec::new(),
        categories: Vec::new(),
        findings: String::new(),
        follow_ups: Vec::new(),
        inspectors: draw.team_of(&uscc).map(|t| t.to_vec()).unwrap_or_default(),
    };
    r.apply(&mut fields, false)?;
    Ok(fields)
}

// ---------------------------------------------------------------------------
// correct

/// Flags of `correct`.
#[derive(Debug, Args)]
pub struct CorrectArgs {
    #[command(flatten)]
    pub witness: LedgerWitnessArgs,
    /// The issuer's results ledger.
    #[arg(long)]
    pub ledger: PathBuf,
    #[command(flatten)]
    pub calendar: CalendarArgs,
    /// The issuer's receipt chain.
    #[arg(long)]
    pub chain: PathBuf,
    /// The issuer's secret key file.
    #[arg(long)]
    pub key: PathBuf,
    /// The approver's (unit head's) secret key file, when both keys are on
    /// this computer. Better: --approver-pub with --request-out here,
    /// `double-random approve` on the unit head's own computer, then
    /// --approval here.
    #[arg(long, conflicts_with_all = ["request_out", "approval"])]
    pub approver_key: Option<PathBuf>,
    /// The approver's (unit head's) public key file: with --request-out, the
    /// approver the request names; with --approval, the key whose signature
    /// must be on it.
    #[arg(long)]
    pub approver_pub: Option<PathBuf>,
    /// Write the correction, signed by the issuer alone, to this file for the
    /// unit head to approve (`double-random approve`); nothing is appended.
    #[arg(long, requires = "approver_pub", conflicts_with = "approval")]
    pub request_out: Option<PathBuf>,
    /// Append a correction the unit head approved (`double-random approve
    /// --out`): both signatures are checked, and it must still extend the
    /// ledger's head.
    #[arg(long, requires = "approver_pub")]
    pub approval: Option<PathBuf>,
    /// The result to correct: record id (or prefix) of the result or any of its corrections.
    #[arg(long, required_unless_present = "approval")]
    pub result: Option<String>,
    /// Why the result is corrected (recorded and signed).
    #[arg(long, required_unless_present = "approval")]
    pub reason: Option<String>,
    /// Fields to change; those not given are kept from the latest version.
    #[command(flatten)]
    pub fields: ResultFlags,
    /// Remove every follow-up measure (before adding those given with --follow-up).
    #[arg(long)]
    pub clear_follow_ups: bool,
    /// Correction time instead of the clock, with its zone: `2026-12-02 09:00 北京时间`, `…+08:00` or `…Z` (kept in UTC).
    #[arg(long, value_parser = parse_time_arg)]
    pub created_at: Option<Timestamp>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs `correct`.
pub fn correct(a: &CorrectArgs) -> Result<Status, CliError> {
    if let Some(approval) = &a.approval {
        return crate::approve::attach(a, approval);
    }
    let key = load_secret_key(&a.key)?;
    // Who approves: a secret key here, or a public key and a request file.
    let (approver, approver_pub) = match (&a.approver_key, &a.approver_pub, &a.request_out) {
        (Some(k), None, None) => {
            let k = load_secret_key(k)?;
            let public = k.public_key().clone();
            (Some(k), public)
        }
        (None, Some(p), Some(_)) => (None, load_public_key(p)?),
        _ => {
            return Err(flag(
                "--approver-key",
                "give the unit head's --approver-key (both keys on this computer), or \
                 --approver-pub with --request-out, so the unit head approves on their own \
                 computer (`double-random approve`) and you append with --approval"
                    .into(),
            )
            .into());
        }
    };
    let (result, reason) = match (&a.result, &a.reason) {
        (Some(r), Some(why)) => (r, why),
        _ => return Err(flag("--result", "--result and --reason are required".into()).into()),
    };
    // The approver must be pinned beside the ledger; the first correction
    // of a ledger without an approvers file pins it.
    let first_pin = crate::approvers::require_pinned(&a.ledger, &approver_pub)?;
    let extra = first_pin.then_some(&approver_pub);
    let draws = load_draws(&a.chain, key.public_key())?;
    let cal = calendar(&a.calendar)?;
    let (ledger, mut log) = load_ledger(&a.ledger, key.public_key(), &draws, &cal, extra)?;
    let found = ledger.find_prefix(result);
    let entry = match found.as_slice() {
        [one] => *one,
        [] => {
            return Err(ReceiptError::Selection(format!(
                "no result on the ledger has a record id starting with {result}"
            ))
            .into());
        }
        many => {
            return Err(ReceiptError::Selection(format!(
                "{} results match {result}; give more digits",
                many.len(),
            ))
            .into());
        }
    };
    let target = entry.current().record;
    let mut fields = entry.current().fields.clone();
    // A correction is the complete result: it starts from the follow-ups as
    // published, progress included.
    fields.follow_ups = entry.follow_ups();
    a.fields.apply(&mut fields, a.clear_follow_ups)?;
    let created_at = match a.created_at {
        Some(t) => t,
        None => now()?,
    };
    let link = match ledger.next_link(key.public_key(), created_at) {
        Ok(l) => l,
        Err(e) => return Ok(refused(&e)),
    };
    let payload = match ledger.new_correction(&draws, &target, reason, &approver_pub, fields, link)
    {
        Ok(p) => p,
        Err(e) => return Ok(refused(&e)),
    };
    let Some(approver) = approver else {
        let out = a.request_out.as_deref().unwrap_or(Path::new(""));
        return crate::approve::write_request(out, &payload, &key, a.json);
    };
    let env = sign_correction(&payload, &key, &approver).map_err(ReceiptError::from)?;
    log.append(&env)?;
    if first_pin {
        crate::approvers::pin_first(&a.ledger, &approver_pub)?;
    }
    ask_witnesses(&a.ledger, &log, key.public_key(), &a.witness.witness_urls)?;
    print_correction(&env, &payload, a.json)?;
    Ok(Status::Ok)
}

/// What `correct` prints once a correction is on the ledger.
pub(crate) fn print_correction(
    env: &double_random::records::Envelope,
    payload: &double_random::ledger::CorrectionPayload,
    json: bool,
) -> Result<(), CliError> {
    let id = env.record_id().to_string();
    if json {
        crate::outln!(
            "{}",
            json!({
                "record": id,
                "sequence": payload.chain.sequence,
                "corrects": hex(&payload.corrects),
                "approver": {"name": payload.approver.name, "key_id": payload.approver.key_id},
            })
        );
        return Ok(());
    }
    let approver_key = payload
        .approver
        .key_id
        .get(..16)
        .unwrap_or(&payload.approver.key_id);
    if zh() {
        crate::outln!(
            "已更正检查对象 {} 在抽查任务 {} 中的检查结果",
            payload.result.uscc,
            payload.result.task
        );
        crate::outln!("  记录       {id}");
        crate::outln!("  被更正记录 {}", hex(&payload.corrects));
        crate::outln!(
            "  审批人     {}（密钥编号 {approver_key}）",
            payload.approver.name
        );
        return Ok(());
    }
    crate::outln!(
        "corrected the result of {} for task {}",
        payload.result.uscc,
        payload.result.task
    );
    crate::outln!("  record   {id}");
    crate::outln!("  corrects {}", hex(&payload.corrects));
    crate::outln!(
        "  approved by {} (key {approver_key})",
        payload.approver.name
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// progress

/// Flags of `progress`.
#[derive(Debug, Args)]
pub struct ProgressArgs {
    #[command(flatten)]
    pub witness: LedgerWitnessArgs,
    /// The issuer's results ledger.
    #[arg(long)]
    pub ledger: PathBuf,
    #[command(flatten)]
    pub calendar: CalendarArgs,
    /// The issuer's receipt chain.
    #[arg(long)]
    pub chain: PathBuf,
    /// The issuer's secret key file (progress is signed by the issuer alone).
    #[arg(long)]
    pub key: PathBuf,
    /// The result followed up: record id (or prefix) of the result or of any of its corrections.
    #[arg(long)]
    pub result: String,
    /// A follow-up measure as it now stands, `KIND[:outcome]` (repeat): it
    /// replaces the result's measure of the same kind in publication, or adds one.
    #[arg(long, required = true)]
    pub follow_up: Vec<String>,
    /// Time instead of the clock, with its zone: `2026-12-02 09:00 北京时间`, `…+08:00` or `…Z` (kept in UTC).
    #[arg(long, value_parser = parse_time_arg)]
    pub created_at: Option<Timestamp>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs `progress`: follow-up progress on a result (a penalty decision
/// number, a transfer, a completed rectification). Not a correction: no
/// approver, and the publication does not mark the result corrected.
pub fn progress(a: &ProgressArgs) -> Result<Status, CliError> {
    let key = load_secret_key(&a.key)?;
    let draws = load_draws(&a.chain, key.public_key())?;
    let cal = calendar(&a.calendar)?;
    let (ledger, mut log) = load_ledger(&a.ledger, key.public_key(), &draws, &cal, None)?;
    let found = ledger.find_prefix(&a.result);
    let entry = match found.as_slice() {
        [one] => *one,
        [] => {
            return Err(ReceiptError::Selection(format!(
                "no result on the ledger has a record id starting with {}",
                a.result
            ))
            .into());
        }
        many => {
            return Err(ReceiptError::Selection(format!(
                "{} results match {}; give more digits",
                many.len(),
                a.result
            ))
            .into());
        }
    };
    let follow_ups = ResultFlags {
        inspection_start: None,
        inspection_end: None,
        method: Vec::new(),
        category: Vec::new(),
        findings: None,
        follow_up: a.follow_up.clone(),
        inspector: Vec::new(),
        item: Vec::new(),
    }
    .follow_ups()?;
    let created_at = match a.created_at {
        Some(t) => t,
        None => now()?,
    };
    let link = match ledger.next_link(key.public_key(), created_at) {
        Ok(l) => l,
        Err(e) => return Ok(refused(&e)),
    };
    let target = entry.original().record;
    let payload = match ledger.new_progress(&target, follow_ups, link) {
        Ok(p) => p,
        Err(e) => return Ok(refused(&e)),
    };
    let env = LedgerRecord::Progress(payload.clone())
        .sign(&key)
        .map_err(ReceiptError::from)?;
    log.append(&env)?;
    ask_witnesses(&a.ledger, &log, key.public_key(), &a.witness.witness_urls)?;
    let id = env.record_id().to_string();
    if a.json {
        crate::outln!(
            "{}",
            json!({
                "record": id,
                "sequence": payload.chain.sequence,
                "result": hex(&payload.result),
                "follow_ups": payload.follow_ups,
            })
        );
        return Ok(Status::Ok);
    }
    if zh() {
        crate::outln!(
            "已记录检查对象 {}（抽查任务 {}）检查结果的后续处置进展",
            entry.uscc(),
            entry.current().fields.task
        );
        crate::outln!("  记录     {id}");
    } else {
        crate::outln!(
            "recorded follow-up progress on the result of {} (task {})",
            entry.uscc(),
            entry.current().fields.task
        );
        crate::outln!("  record   {id}");
    }
    for f in &payload.follow_ups {
        crate::outln!(
            "  {}{}",
            f.kind.chinese_name(),
            f.outcome
                .as_deref()
                .map(|o| format!("：{o}"))
                .unwrap_or_default()
        );
    }
    crate::outln!(
        "{}",
        pick(
            "  (progress, not a correction: the publication does not mark the result corrected)",
            "  （此为后续处置进展，不是更正：公示时不将该检查结果标注为已更正）"
        )
    );
    Ok(Status::Ok)
}

// ---------------------------------------------------------------------------
// publish

/// Flags of `publish`.
#[derive(Debug, Args)]
pub struct PublishArgs {
    #[command(flatten)]
    pub witness: LedgerWitnessArgs,
    /// The issuer's results ledger; the checkpoint is appended to it.
    #[arg(long)]
    pub ledger: PathBuf,
    #[command(flatten)]
    pub calendar: CalendarArgs,
    /// The issuer's receipt chain.
    #[arg(long)]
    pub chain: PathBuf,
    /// The issuer's secret key file (signs the checkpoint).
    #[arg(long)]
    pub key: PathBuf,
    /// The entity register, for the entities' names.
    #[arg(long)]
    pub entities: PathBuf,
    /// Where to write public-results.csv, public-results.json and public-results.xlsx.
    #[arg(long)]
    pub out_dir: PathBuf,
    /// Replace the files of an earlier publication in --out-dir (a symlink is never followed).
    #[arg(long)]
    pub force: bool,
    /// Publish each firm's credit-risk class (信用风险分类). Off by default:
    /// classification results are used inside the departments and generally
    /// not published; the per-class table (pool, ratio, drawn) is published either way.
    #[arg(long)]
    pub show_credit_class: bool,
    /// Leave inspectors out of the published files entirely.
    #[arg(long, conflicts_with = "inspectors")]
    pub omit_inspectors: bool,
    /// The inspector register, for inspectors' names (else certificate numbers only).
    #[arg(long)]
    pub inspectors: Option<PathBuf>,
    /// Publication time instead of the clock, with its zone: `2026-12-02 09:00 北京时间`, `…+08:00` or `…Z` (kept in UTC).
    #[arg(long, value_parser = parse_time_arg)]
    pub created_at: Option<Timestamp>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// The committed class sizes A..D of every commitment on the receipt chain,
/// by record id (for the per-class tables of the public view).
fn commitment_pools(
    chain: &Path,
    key: &IssuerPublicKey,
) -> Result<HashMap<RecordId, [u64; 4]>, ReceiptError> {
    let bytes = read_shared(chain).map_err(io(chain))?;
    let (lines, _) = read_chain(&bytes);
    Ok(lines
        .iter()
        .filter_map(|l| match Record::open(&l.envelope, key) {
            Ok(Record::Commitment(c)) => Some((l.envelope.record_id(), c.pools())),
            _ => None,
        })
        .collect())
}

fn xlsx_error(name: &str, e: &rust_xlsxwriter::XlsxError) -> CliError {
    CliError::Output(std::io::Error::other(format!("{name}: {e}")))
}

/// Runs `publish`.
pub fn publish(a: &PublishArgs) -> Result<Status, CliError> {
    let key = load_secret_key(&a.key)?;
    let draws = load_draws(&a.chain, key.public_key())?;
    let cal = calendar(&a.calendar)?;
    let (ledger, mut log) = load_ledger(&a.ledger, key.public_key(), &draws, &cal, None)?;
    let mut notes = crate::registers::Notes::default();
    let options = a.read.options(None);
    let entities =
        registers::read_entities(&a.entities, a.read.encoding.into(), &options, &mut notes)?;
    let inspectors = match &a.inspectors {
        Some(p) => Some(registers::read_inspectors(
            p,
            a.read.encoding.into(),
            &options,
            &mut notes,
        )?),
        None => None,
    };
    for n in &notes {
        eprintln!("  {n}");
    }
    let created_at = match a.created_at {
        Some(t) => t,
        None => now()?,
    };
    let link = match ledger.next_link(key.public_key(), created_at) {
        Ok(l) => l,
        Err(e) => return Ok(refused(&e)),
    };
    let disclosure = if a.omit_inspectors {
        InspectorDisclosure::Omit
    } else {
        InspectorDisclosure::NameAndCertificate
    };
    let pools = commitment_pools(&a.chain, key.public_key())?;
    let view = PublicView::build(
        &ledger,
        &draws,
        key.issuer(),
        created_at,
        Some(&entities.register),
        inspectors.as_ref().map(|v| &v.register),
        disclosure,
    )
    .with_class_tables(&draws, |id| pools.get(id).copied())
    .with_credit_classes(
        &draws,
        if a.show_credit_class {
            CreditClassDisclosure::Shown
        } else {
            CreditClassDisclosure::Withheld
        },
    );
    let unnamed: Vec<String> = view
        .results
        .iter()
        .filter(|r| r.entity_name.is_empty())
        .map(|r| r.uscc.to_string())
        .collect();
    if !unnamed.is_empty() {
        if zh() {
            eprintln!(
                "  警告：{} 户检查对象不在检查对象名录中，公示时无名称：{}",
                unnamed.len(),
                unnamed.join("、")
            );
        } else {
            eprintln!(
                "  warning: {} entity(ies) not in the entity register, published without a name: {}",
                unnamed.len(),
                unnamed.join(", ")
            );
        }
    }
    let csv = view.to_csv();
    let json_bytes = view.to_json();
    let xlsx = crate::xlsx::public_results(&view).map_err(|e| xlsx_error(PUBLIC_XLSX, &e))?;
    let files = vec![
        published_file(PUBLIC_CSV, &csv),
        published_file(PUBLIC_JSON, &json_bytes),
        published_file(PUBLIC_XLSX, &xlsx),
    ];
    let payload = match ledger.new_checkpoint(files.clone(), link) {
        Ok(p) => p,
        Err(e) => return Ok(refused(&e)),
    };
    std::fs::create_dir_all(&a.out_dir).map_err(io(&a.out_dir))?;
    for (name, bytes) in [
        (PUBLIC_CSV, &csv),
        (PUBLIC_JSON, &json_bytes),
        (PUBLIC_XLSX, &xlsx),
    ] {
        let path = a.out_dir.join(name);
        crate::files::write_output(&path, bytes, crate::files::Overwrite::from_force(a.force))
            .map_err(io(&path))?;
    }
    let env = LedgerRecord::Checkpoint(payload.clone())
        .sign(&key)
        .map_err(ReceiptError::from)?;
    log.append(&env)?;
    ask_witnesses(&a.ledger, &log, key.public_key(), &a.witness.witness_urls)?;
    let id = env.record_id().to_string();
    if a.json {
        crate::outln!(
            "{}",
            json!({
                "checkpoint": id,
                "sequence": payload.chain.sequence,
                "results": payload.results.0,
                "files": files.iter().map(|f| json!({
                    "path": a.out_dir.join(&f.name).display().to_string(),
                    "sha256": hex(&f.sha256),
                    "size": f.size.0,
                })).collect::<Vec<_>>(),
            })
        );
        return Ok(Status::Ok);
    }
    if zh() {
        crate::outln!("已公示{}的 {} 条检查结果", key.issuer(), payload.results.0);
    } else {
        crate::outln!(
            "published {} result(s) of {}",
            payload.results.0,
            key.issuer()
        );
    }
    for f in &files {
        crate::outln!(
            "  {}  sha256 {}",
            a.out_dir.join(&f.name).display(),
            hex(&f.sha256)
        );
    }
    if zh() {
        crate::outln!("  检查点 {id}（序号 {}）", payload.chain.sequence);
    } else {
        crate::outln!("  checkpoint {id} (sequence {})", payload.chain.sequence);
    }
    Ok(Status::Ok)
}

// ---------------------------------------------------------------------------
// summary

/// Flags of `summary`.
#[derive(Debug, Args)]
pub struct SummaryArgs {
    /// The issuer's results ledger.
    #[arg(long)]
    pub ledger: PathBuf,
    #[command(flatten)]
    pub calendar: CalendarArgs,
    /// The issuer's receipt chain.
    #[arg(long)]
    pub chain: PathBuf,
    /// The issuer's public key file.
    #[arg(long)]
    pub public_key: PathBuf,
    /// The entity register, to name the entities still without a result.
    #[arg(long)]
    pub entities: Option<PathBuf>,
    /// Only this department's rows (initiated and cooperated); default: every task's departments.
    #[arg(long)]
    pub department: Option<String>,
    /// Also write the summary tables as an xlsx workbook (sheets 发起 and 配合).
    #[arg(long)]
    pub xlsx: Option<PathBuf>,
    /// Replace an existing output file (a symlink is never followed).
    #[arg(long)]
    pub force: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Runs `summary`. Exit 0 when every drawn entity has a published result
/// (the plan demands 100% entry and publication), 1 otherwise or when the
/// ledger breaks a rule, 2 when a file cannot be read.
pub fn summary(a: &SummaryArgs) -> Result<Status, CliError> {
    let key = load_public_key(&a.public_key)?;
    let bytes = read_shared(&a.chain).map_err(io(&a.chain))?;
    let (lines, _) = read_chain(&bytes);
    let draws = DrawIndex::from_chain(&lines, &key);
    let cal = calendar(&a.calendar)?;
    let (ledger_lines, mut findings) = read_ledger_lines(&a.ledger)?;
    // Corrections count only when approved by a key pinned beside the
    // ledger (crate::approvers); an unapproved one is refused here.
    let approvers = crate::approvers::pinned(&a.ledger)?;
    let unpinned = approvers.is_none();
    let approvers = approvers.unwrap_or_default();
    let (report, ledger) = verify_ledger(
        &ledger_lines,
        &key,
        &draws,
        &LedgerOptions {
            approvals: Approvals::Check(&approvers),
            calendar: &cal,
            witnesses: None,
        },
    );
    findings.extend(report.findings);
    crate::approvers::refuse_unpinned(&a.ledger, unpinned, &findings)?;
    let entities = match &a.entities {
        Some(p) => {
            let mut notes = crate::registers::Notes::default();
            Some(
                registers::read_entities(
                    p,
                    a.read.encoding.into(),
                    &a.read.options(None),
                    &mut notes,
                )?
                .register,
            )
        }
        None => None,
    };
    let rows = summarise(&ledger, &draws, entities.as_ref(), a.department.as_deref());
    // Which holiday notices the on-time counts rest on (the ledger's
    // `calendar` note).
    let calendar = findings.iter().find(|f| f.check == "calendar");
    let calendar_note = calendar.map(|f| f.message.clone());
    let errors = findings
        .iter()
        .filter(|f| f.severity == FindingSeverity::Error)
        .count();
    let complete = rows
        .iter()
        .all(|r| r.entry_rate.is_complete() && r.publication_rate.is_complete());
    if let Some(path) = &a.xlsx {
        // The workbook's creation time is the ledger's last record, so the
        // same ledger gives the same bytes.
        let at = ledger
            .head()
            .map(|(_, _, t)| t)
            .or_else(|| draws.draws().last().map(|d| d.draw.chain.created_at));
        let bytes = crate::xlsx::summary(&rows, at).map_err(|e| xlsx_error("summary", &e))?;
        crate::files::write_output(path, bytes, crate::files::Overwrite::from_force(a.force))
            .map_err(io(path))?;
    }
    if a.json {
        let v = json!({
            "complete": complete,
            "ledger_errors": errors,
            "calendar": calendar_note,
            "initiated": rows.iter().filter(|r| r.kind == SummaryKind::Initiated).collect::<Vec<_>>(),
            "cooperated": rows.iter().filter(|r| r.kind == SummaryKind::Cooperated).collect::<Vec<_>>(),
        });
        crate::outln!("{}", serde_json::to_string_pretty(&v)?);
    } else if zh() {
        print_summary(&mut std::io::stdout().lock(), &rows, errors, &SUMMARY_ZH)?;
        if let Some(f) = calendar {
            crate::outln!("{}", f.message_in_chinese());
        }
    } else {
        print_summary(&mut std::io::stdout().lock(), &rows, errors, &SUMMARY_EN)?;
        if let Some(note) = &calendar_note {
            crate::outln!("{note}");
        }
    }
    Ok(if complete && errors == 0 {
        Status::Ok
    } else {
        Status::Failed
    })
}

/// The words of the summary tables in one language; [`print_summary`]
/// lays them out, the same for both.
struct SummaryWords {
    /// `== 发起 (initiated) tasks: 2`.
    heading: fn(SummaryKind, usize) -> String,
    /// The counts line, given the unchecked-deadline part (maybe empty).
    counts: fn(&TaskSummary, &str) -> String,
    /// The unchecked-deadline part of the counts line.
    not_checked: fn(u64) -> String,
    /// The rates line, given the entry and publication rates.
    rates: fn(&Rate, &Rate) -> String,
    /// Before the result categories.
    results: &'static str,
    /// The supplementary-draws line.
    supplemented: fn(u64) -> String,
    /// The check-items line, given the items.
    items: fn(SummaryKind, &str) -> String,
    /// Before the list of missing results.
    missing: fn(usize) -> String,
    /// For a missing entity the register given does not name.
    unnamed: &'static str,
    /// After a missing entity some departments still owe.
    still_to_enter: fn(&str) -> String,
    /// The last line when the ledger has errors.
    errors: fn(usize) -> String,
}

const SUMMARY_EN: SummaryWords = SummaryWords {
    heading: |kind, n| {
        let english = match kind {
            SummaryKind::Initiated => "initiated",
            SummaryKind::Cooperated => "cooperated",
        };
        format!("== {} ({english}) tasks: {n}", kind.chinese_name())
    },
    counts: |r, not_checked| {
        format!(
            "  pool {} · planned to inspect {} (drawn) · inspected {} · entered {} (on time {}{not_checked}) · published {}",
            r.pool, r.planned, r.inspected, r.entered, r.entered_on_time, r.published
        )
    },
    not_checked: |n| format!(", not checked {n}"),
    rates: |e, p| {
        format!(
            "  entry rate {e} ({}/{}) · publication rate {p} ({}/{})",
            e.numerator, e.denominator, p.numerator, p.denominator
        )
    },
    results: "  results: ",
    supplemented: |n| {
        format!("  supplementary draws (补充抽取): {n} (each entity replaced still has its result)")
    },
    items: |kind, items| {
        let whose = match kind {
            SummaryKind::Initiated => "of every department",
            SummaryKind::Cooperated => "of this department",
        };
        format!("  check items {whose} (entities whose result covers each): {items}")
    },
    missing: |n| format!("  MISSING {n} result(s) (the plan demands 100%):"),
    unnamed: " (name not in the register given)",
    still_to_enter: |d| format!(" (still to enter: {d})"),
    errors: |n| {
        format!("the ledger has {n} error(s): run `double-random verify --ledger` for the report")
    },
};

const SUMMARY_ZH: SummaryWords = SummaryWords {
    heading: |kind, n| format!("== {}任务汇总表：{n} 项", kind.chinese_name()),
    counts: |r, not_checked| {
        format!(
            "  名录库 {} 户 · 计划检查 {} 户（抽取数） · 已检查 {} · 已录入 {}（按期 {}{not_checked}） · 已公示 {}",
            r.pool, r.planned, r.inspected, r.entered, r.entered_on_time, r.published
        )
    },
    not_checked: |n| format!("，未核对截止日期 {n}"),
    rates: |e, p| {
        format!(
            "  录入率 {e}（{}/{}） · 公示率 {p}（{}/{}）",
            e.numerator, e.denominator, p.numerator, p.denominator
        )
    },
    results: "  检查结果：",
    supplemented: |n| format!("  补充抽取：{n} 户（被替换的检查对象仍须有检查结果）"),
    items: |kind, items| {
        let whose = match kind {
            SummaryKind::Initiated => "各部门",
            SummaryKind::Cooperated => "本部门",
        };
        format!("  抽查事项（{whose}，各事项后为检查结果涵盖该事项的检查对象户数）：{items}")
    },
    missing: |n| format!("  缺少 {n} 条检查结果（须 100% 录入并公示）："),
    unnamed: " （所给检查对象名录中无此名称）",
    still_to_enter: |d| format!("（尚待录入：{d}）"),
    errors: |n| format!("结果台账有 {n} 个错误：请运行 `double-random verify --ledger` 查看报告"),
};

/// The summary tables, initiated tasks then cooperated ones, in the
/// words of `w` ([`SUMMARY_EN`], [`SUMMARY_ZH`]).
fn print_summary(
    out: &mut impl Write,
    rows: &[TaskSummary],
    errors: usize,
    w: &SummaryWords,
) -> Result<(), CliError> {
    for kind in [SummaryKind::Initiated, SummaryKind::Cooperated] {
        let of_kind: Vec<&TaskSummary> = rows.iter().filter(|r| r.kind == kind).collect();
        writeln!(out, "{}", (w.heading)(kind, of_kind.len()))?;
        for r in of_kind {
            writeln!(out, "{} {}  [{}]", r.task_id, r.task_name, r.department)?;
            let not_checked = if r.deadline_not_checked > 0 {
                (w.not_checked)(r.deadline_not_checked)
            } else {
                String::new()
            };
            writeln!(out, "{}", (w.counts)(r, &not_checked))?;
            writeln!(out, "{}", (w.rates)(&r.entry_rate, &r.publication_rate))?;
            let cats: Vec<String> = r
                .categories
                .iter()
                .filter(|c| c.count > 0)
                .map(|c| format!("{} {}", c.name, c.count))
                .collect();
            if !cats.is_empty() {
                writeln!(out, "{}{}", w.results, cats.join(" · "))?;
            }
            if r.supplemented > 0 {
                writeln!(out, "{}", (w.supplemented)(r.supplemented))?;
            }
            if !r.items.is_empty() {
                let items: Vec<String> = r
                    .items
                    .iter()
                    .map(|i| format!("{} {}", i.item, i.entities))
                    .collect();
                writeln!(out, "{}", (w.items)(r.kind, &items.join(" · ")))?;
            }
            if !r.missing.is_empty() {
                writeln!(out, "{}", (w.missing)(r.missing.len()))?;
                for m in &r.missing {
                    let name = match &m.name {
                        Some(n) => format!(" {n}"),
                        None => w.unnamed.to_owned(),
                    };
                    // An initiated joint task's entity some department still owes.
                    let owed = if r.kind == SummaryKind::Initiated
                        && m.departments.len() < r.participating_departments.len() + 1
                    {
                        (w.still_to_enter)(&m.departments.join("、"))
                    } else {
                        String::new()
                    };
                    writeln!(out, "    {}{name}{owed}", m.uscc)?;
                }
            }
        }
    }
    if errors > 0 {
        writeln!(out, "{}", (w.errors)(errors))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// verify --ledger

/// Verifies a ledger file against the receipt chain's lines, with the
/// approver keys and published files given; for `verify`.
pub fn verify_ledger_files(
    ledger: &Path,
    approver_keys: &[PathBuf],
    published: &[PathBuf],
    key: &IssuerPublicKey,
    receipt_lines: &[ChainLine],
    witnesses: Option<double_random::verify::WitnessOptions<'_>>,
    calendar_args: &CalendarArgs,
) -> Result<LedgerReport, CliError> {
    let approvers = approver_keys
        .iter()
        .map(|p| load_public_key(p))
        .collect::<Result<Vec<_>, _>>()?;
    let cal = calendar(calendar_args)?;
    let (lines, mut findings) = read_ledger_lines(ledger)?;
    let draws = DrawIndex::from_chain(receipt_lines, key);
    let (mut report, state) = verify_ledger(
        &lines,
        key,
        &draws,
        &LedgerOptions {
            approvals: Approvals::Check(&approvers),
            calendar: &cal,
            witnesses,
        },
    );
    for p in published {
        let bytes = read(p)?;
        let name = p.file_name().map_or_else(
            || p.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        report
            .findings
            .push(check_published_file(&state, &name, &bytes));
    }
    report.records += findings.len();
    findings.append(&mut report.findings);
    report.findings = findings;
    Ok(report)
}

/// Prints a ledger report's findings (text form of `verify`).
pub fn print_ledger_report(out: &mut impl Write, report: &LedgerReport) -> std::io::Result<()> {
    writeln!(out, "ledger: {} record(s)", report.records)?;
    for f in &report.findings {
        crate::receipts::write_finding(out, f)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use double_random::ledger::{CategoryCount, ItemCount, MissingEntity};

    use super::*;

    /// Rows that take every branch of the summary tables: an initiated
    /// joint task with results missing (one with no name, one still owed
    /// by a department), unchecked deadlines, categories, supplements and
    /// items; a cooperated row with nothing but counts.
    fn rows() -> Vec<TaskSummary> {
        let uscc = |s: &str| Uscc::parse(s, UsccPolicy::LenientCheckCharacter).unwrap();
        let initiated = TaskSummary {
            kind: SummaryKind::Initiated,
            department: "工程股".into(),
            task_id: "T-1".into(),
            task_name: "联合抽查".into(),
            initiating_department: "工程股".into(),
            participating_departments: vec!["水保股".into()],
            pool: 120,
            planned: 12,
            drawn: 12,
            supplemented: 1,
            inspected: 10,
            entered: 10,
            entered_on_time: 9,
            deadline_not_checked: 1,
            published: 8,
            categories: vec![
                CategoryCount {
                    category: ResultCategory::NoProblem,
                    name: "未发现问题",
                    count: 9,
                },
                CategoryCount {
                    category: ResultCategory::ProblemPending,
                    name: "发现问题待后续处理",
                    count: 0,
                },
            ],
            items: vec![
                ItemCount {
                    item: "GC-001".into(),
                    entities: 10,
                },
                ItemCount {
                    item: "SB-001".into(),
                    entities: 7,
                },
            ],
            entry_rate: Rate::new(10, 12),
            publication_rate: Rate::new(8, 12),
            missing: vec![
                MissingEntity {
                    uscc: uscc("91350100M000100Y43"),
                    name: Some("甲公司".into()),
                    draw: "ab".repeat(32),
                    departments: vec!["水保股".into()],
                },
                MissingEntity {
                    uscc: uscc("91350100M000100Y44"),
                    name: None,
                    draw: "ab".repeat(32),
                    departments: vec!["工程股".into(), "水保股".into()],
                },
            ],
        };
        let cooperated = TaskSummary {
            kind: SummaryKind::Cooperated,
            department: "水保股".into(),
            supplemented: 0,
            deadline_not_checked: 0,
            categories: Vec::new(),
            items: Vec::new(),
            missing: Vec::new(),
            entry_rate: Rate::new(0, 0),
            ..initiated.clone()
        };
        vec![initiated, cooperated]
    }

    #[test]
    fn the_summary_tables_in_both_languages() {
        let print = |w: &SummaryWords| {
            let mut out = Vec::new();
            print_summary(&mut out, &rows(), 2, w).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(
            print(&SUMMARY_EN),
            concat!(
                "== 发起 (initiated) tasks: 1\n",
                "T-1 联合抽查  [工程股]\n",
                "  pool 120 · planned to inspect 12 (drawn) · inspected 10 · entered 10 (on time 9, not checked 1) · published 8\n",
                "  entry rate 83.3% (10/12) · publication rate 66.6% (8/12)\n",
                "  results: 未发现问题 9\n",
                "  supplementary draws (补充抽取): 1 (each entity replaced still has its result)\n",
                "  check items of every department (entities whose result covers each): GC-001 10 · SB-001 7\n",
                "  MISSING 2 result(s) (the plan demands 100%):\n",
                "    91350100M000100Y43 甲公司 (still to enter: 水保股)\n",
                "    91350100M000100Y44 (name not in the register given)\n",
                "== 配合 (cooperated) tasks: 1\n",
                "T-1 联合抽查  [水保股]\n",
                "  pool 120 · planned to inspect 12 (drawn) · inspected 10 · entered 10 (on time 9) · published 8\n",
                "  entry rate — (0/0) · publication rate 66.6% (8/12)\n",
                "the ledger has 2 error(s): run `double-random verify --ledger` for the report\n",
            )
        );
        assert_eq!(
            print(&SUMMARY_ZH),
            concat!(
                "== 发起任务汇总表：1 项\n",
                "T-1 联合抽查  [工程股]\n",
                "  名录库 120 户 · 计划检查 12 户（抽取数） · 已检查 10 · 已录入 10（按期 9，未核对截止日期 1） · 已公示 8\n",
                "  录入率 83.3%（10/12） · 公示率 66.6%（8/12）\n",
                "  检查结果：未发现问题 9\n",
                "  补充抽取：1 户（被替换的检查对象仍须有检查结果）\n",
                "  抽查事项（各部门，各事项后为检查结果涵盖该事项的检查对象户数）：GC-001 10 · SB-001 7\n",
                "  缺少 2 条检查结果（须 100% 录入并公示）：\n",
                "    91350100M000100Y43 甲公司（尚待录入：水保股）\n",
                "    91350100M000100Y44 （所给检查对象名录中无此名称）\n",
                "== 配合任务汇总表：1 项\n",
                "T-1 联合抽查  [水保股]\n",
                "  名录库 120 户 · 计划检查 12 户（抽取数） · 已检查 10 · 已录入 10（按期 9） · 已公示 8\n",
                "  录入率 —（0/0） · 公示率 66.6%（8/12）\n",
                "结果台账有 2 个错误：请运行 `double-random verify --ledger` 查看报告\n",
            )
        );
    }
}
