//! The unit head's approval of a correction on their own computer, so that
//! no one machine holds both the issuer's and the approver's secret keys:
//!
//! 1. the office: `correct --approver-pub HEAD.pub --request-out REQ` writes
//!    the correction, signed by the issuer alone (nothing is appended);
//! 2. the unit head: `approve --request REQ --public-key ISSUER.pub --key
//!    HEAD.key --out APPROVED` checks the issuer's signature, shows what the
//!    correction says, and adds the second signature over the same bytes;
//! 3. the office: `correct --approver-pub HEAD.pub --approval APPROVED`
//!    checks both signatures and that the record still extends the ledger's
//!    head, judges it as `verify` would, and appends it.
//!
//! The record is the same either way (one envelope, two signatures over the
//! same PAE bytes, docs/spec/ledger.md §1.3): nothing of the format changes.

use std::path::{Path, PathBuf};

use clap::Args;
use double_random::{
    ledger::{
        Approvals, CorrectionPayload, LedgerOptions, LedgerRecord, check_approval, verify_ledger,
    },
    records::{Envelope, IssuerKey, IssuerPublicKey},
    verify::{FindingSeverity, read_chain},
};

use crate::common::{CliError, Status};
use crate::lang::zh;
use crate::ledger::{
    CorrectArgs, ask_witnesses, calendar, flag, load_draws, load_ledger, print_correction,
};
use crate::receipts::{ReceiptError, io, load_public_key, load_secret_key, read};

/// Flags of `approve`.
#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// The correction request the office wrote (`correct --request-out`).
    #[arg(long)]
    pub request: PathBuf,
    /// The office's (issuer's) public key file: the request must carry its signature.
    #[arg(long)]
    pub public_key: PathBuf,
    /// Your (the unit head's) secret key file; the request must name this key as approver.
    #[arg(long)]
    pub key: PathBuf,
    /// Where to write the approved record, for the office to append
    /// (`correct --approval`). Without it, the request is only shown.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Writes `payload`, signed by the issuer alone, to `out` (a new file).
pub(crate) fn write_request(
    out: &Path,
    payload: &CorrectionPayload,
    key: &IssuerKey,
    json: bool,
) -> Result<Status, CliError> {
    let env = LedgerRecord::Correction(payload.clone())
        .sign(key)
        .map_err(ReceiptError::from)?;
    write_new(out, &env)?;
    if json {
        crate::outln!(
            "{}",
            serde_json::json!({
                "request": out.display().to_string(),
                "record": env.record_id().to_string(),
                "sequence": payload.chain.sequence,
                "approver": {"name": payload.approver.name, "key_id": payload.approver.key_id},
            })
        );
    } else if zh() {
        crate::outln!(
            "已写出待{}审批的更正申请：{}",
            payload.approver.name,
            out.display()
        );
        crate::outln!("  记录     {}", env.record_id());
        crate::outln!(
            "  结果台账尚未写入：请负责人在本人计算机上运行 `double-random approve --request {} --public-key ISSUER.pub --key HEAD.key --out APPROVED.json`，再在此处用 `correct --approver-pub HEAD.pub --approval APPROVED.json` 写入台账",
            out.display()
        );
        crate::outln!("  在此期间结果台账不得写入其他记录（更正记录指明了台账当时的链头）");
    } else {
        crate::outln!(
            "wrote the correction for {} to approve: {}",
            payload.approver.name,
            out.display()
        );
        crate::outln!("  record   {}", env.record_id());
        crate::outln!(
            "  nothing is on the ledger yet: the unit head runs `double-random approve --request {} --public-key ISSUER.pub --key HEAD.key --out APPROVED.json`, then append it here with `correct --approver-pub HEAD.pub --approval APPROVED.json`",
            out.display()
        );
        crate::outln!(
            "  the ledger must not take another record in between (the correction names its head)"
        );
    }
    Ok(Status::Ok)
}

/// A file's one envelope line.
fn read_envelope(flag_name: &'static str, path: &Path) -> Result<Envelope, CliError> {
    let bytes = read(path)?;
    let text = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
    if text.contains(&b'\n') {
        return Err(flag(flag_name, format!("{}: more than one line", path.display())).into());
    }
    Envelope::from_json(text)
        .map_err(|e| flag(flag_name, format!("{}: {e}", path.display())).into())
}

/// The correction an envelope holds.
fn correction_of(flag_name: &'static str, env: &Envelope) -> Result<CorrectionPayload, CliError> {
    match LedgerRecord::decode(env.payload_type(), env.unverified_payload()) {
        Ok(LedgerRecord::Correction(p)) => Ok(p),
        Ok(other) => Err(flag(
            flag_name,
            format!("holds a {} record, not a correction", other.kind()),
        )
        .into()),
        Err(e) => Err(flag(flag_name, e.to_string()).into()),
    }
}

/// Writes one envelope line to a file that must not exist yet (never
/// through an existing file or link).
fn write_new(out: &Path, env: &Envelope) -> Result<(), CliError> {
    crate::files::write_output(
        out,
        format!("{}\n", env.to_json()),
        crate::files::Overwrite::Refuse,
    )
    .map_err(io(out))?;
    Ok(())
}

/// Runs `approve`: the unit head checks and countersigns a correction.
pub fn approve(a: &ApproveArgs) -> Result<Status, CliError> {
    let issuer = load_public_key(&a.public_key)?;
    let key = load_secret_key(&a.key)?;
    let mut env = read_envelope("--request", &a.request)?;
    let payload = correction_of("--request", &env)?;
    double_random::records::verify(&env, env.payload_type(), &issuer).map_err(|e| {
        flag(
            "--request",
            format!(
                "not signed by {} (key {}): {e}",
                issuer.issuer(),
                issuer.key_id()
            ),
        )
    })?;
    if payload.approver.key_id != key.key_id() || payload.approver.name != key.issuer() {
        return Err(flag(
            "--key",
            format!(
                "the request names {} (key {}) as approver, not {} (key {})",
                payload.approver.name,
                payload.approver.key_id,
                key.issuer(),
                key.key_id()
            ),
        )
        .into());
    }
    if key.key_id() == issuer.key_id() {
        return Err(flag("--key", "the approver's key is the issuer's".into()).into());
    }
    let r = &payload.result;
    if a.json {
        crate::outln!(
            "{}",
            serde_json::json!({
                "record": env.record_id().to_string(),
                "issuer": issuer.issuer(),
                "sequence": payload.chain.sequence,
                "created_at": payload.chain.created_at.to_string(),
                "corrects": payload.corrects.to_string(),
                "reason": payload.reason,
                "uscc": r.uscc.to_string(),
                "task": r.task,
                "categories": r.categories.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
                "findings": r.findings,
                "follow_ups": r.follow_ups,
                "approved": a.out.as_ref().map(|p| p.display().to_string()),
            })
        );
    } else if zh() {
        crate::outln!("{}申请更正", issuer.issuer());
        crate::outln!("  记录     {}", env.record_id());
        crate::outln!(
            "  提出时间 {}（北京时间），台账序号 {}",
            payload.chain.created_at.beijing(),
            payload.chain.sequence
        );
        crate::outln!("  被更正记录 {}", payload.corrects);
        crate::outln!("  更正原因 {}", payload.reason);
        crate::outln!("  检查对象 {}（抽查任务 {}）", r.uscc, r.task);
        let categories: Vec<&str> = r.categories.iter().map(|c| c.chinese_name()).collect();
        crate::outln!("  检查结果 {}", categories.join("、"));
        crate::outln!("  检查发现 {}", r.findings);
        for f in &r.follow_ups {
            crate::outln!(
                "  后续处置 {}{}",
                f.kind.chinese_name(),
                f.outcome
                    .as_deref()
                    .map(|o| format!("：{o}"))
                    .unwrap_or_default()
            );
        }
    } else {
        crate::outln!("correction requested by {}", issuer.issuer());
        crate::outln!("  record    {}", env.record_id());
        crate::outln!(
            "  made      {}（北京时间）, ledger sequence {}",
            payload.chain.created_at.beijing(),
            payload.chain.sequence
        );
        crate::outln!("  corrects  {}", payload.corrects);
        crate::outln!("  reason    {}", payload.reason);
        crate::outln!("  entity    {} (task {})", r.uscc, r.task);
        let categories: Vec<String> = r.categories.iter().map(|c| c.to_string()).collect();
        crate::outln!("  result    {}", categories.join(", "));
        crate::outln!("  findings  {}", r.findings);
        for f in &r.follow_ups {
            crate::outln!(
                "  follow-up {}{}",
                f.kind,
                f.outcome
                    .as_deref()
                    .map(|o| format!(": {o}"))
                    .unwrap_or_default()
            );
        }
    }
    let Some(out) = &a.out else {
        if !a.json {
            crate::outln!(
                "{}",
                crate::lang::pick(
                    "nothing signed: give --out FILE to approve it",
                    "未签名：同意更正的，请加 --out FILE 再运行一次"
                )
            );
        }
        return Ok(Status::Ok);
    };
    env.add_signature(&key);
    write_new(out, &env)?;
    if !a.json {
        if zh() {
            crate::outln!(
                "已审批：{}（请交经办股室用 `correct --approval` 写入台账）",
                out.display()
            );
        } else {
            crate::outln!(
                "approved: {} (give it to the office: `correct --approval`)",
                out.display()
            );
        }
    }
    Ok(Status::Ok)
}

/// `correct --approval FILE`: appends a correction the unit head approved.
pub(crate) fn attach(a: &CorrectArgs, file: &Path) -> Result<Status, CliError> {
    let key = load_secret_key(&a.key)?;
    let approver: IssuerPublicKey = match &a.approver_pub {
        Some(p) => load_public_key(p)?,
        None => return Err(flag("--approver-pub", "required with --approval".into()).into()),
    };
    let env = read_envelope("--approval", file)?;
    let payload = correction_of("--approval", &env)?;
    check_approval(&env, &payload, std::slice::from_ref(&approver))
        .map_err(|e| flag("--approval", format!("{}: {e}", file.display())))?;
    // The approver must be pinned beside the ledger (the first correction pins it).
    let first_pin = crate::approvers::require_pinned(&a.ledger, &approver)?;
    let draws = load_draws(&a.chain, key.public_key())?;
    let cal = calendar(&a.calendar)?;
    let extra = first_pin.then_some(&approver);
    let (_, mut log) = load_ledger(&a.ledger, key.public_key(), &draws, &cal, extra)?;
    // Judged as `verify` would judge the ledger with it as the next line:
    // the issuer's signature, the link to the head as it is now, the
    // correction's target and fields, the approval.
    let mut text = log.bytes().to_vec();
    if text.last().is_some_and(|&b| b != b'\n') {
        text.push(b'\n');
    }
    text.extend_from_slice(env.to_json().as_bytes());
    text.push(b'\n');
    let (lines, mut findings) = read_chain(&text);
    let approvers = [approver];
    let (report, _) = verify_ledger(
        &lines,
        key.public_key(),
        &draws,
        &LedgerOptions {
            approvals: Approvals::Check(&approvers),
            calendar: &cal,
            witnesses: None,
        },
    );
    findings.extend(report.findings);
    let problems: Vec<String> = findings
        .iter()
        .filter(|f| f.severity == FindingSeverity::Error && f.line == Some(lines.len()))
        .map(|f| format!("[{}] {}", f.check, crate::lang::finding(f)))
        .collect();
    if !problems.is_empty() {
        eprintln!(
            "{}",
            crate::lang::pick(
                "double-random: refused: the approved correction does not fit the ledger as it is now (if another record was appended since the request, make a new request):",
                "double-random：已拒绝：已审批的更正与结果台账的现状不符（如提出申请后台账又写入了其他记录，请重新提出更正申请）："
            )
        );
        for p in problems {
            eprintln!("  {p}");
        }
        return Ok(Status::Failed);
    }
    log.append(&env)?;
    if first_pin && let Some(approver) = approvers.first() {
        crate::approvers::pin_first(&a.ledger, approver)?;
    }
    ask_witnesses(&a.ledger, &log, key.public_key(), &a.witness.witness_urls)?;
    print_correction(&env, &payload, a.json)?;
    Ok(Status::Ok)
}
