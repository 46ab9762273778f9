//! The receipts a ledger refers to, the ledger's state, the rules for new
//! records, and the ledger verifier.

use std::collections::{HashMap, HashSet};

use time::Date;

use super::category::FollowUp;
use super::category::ResultCategory;
use super::record::{
    Approver, CheckpointPayload, CorrectionPayload, LedgerRecord, ProgressPayload, PublishedFile,
    ResultFields, ResultPayload,
};
use crate::after_draw::AmendedDraw;
use crate::calendar::date::format_date;
use crate::calendar::{CalendarError, Timeliness, WorkingCalendar};
use crate::checks::ChainHead;
use crate::checks::{ChainLine, Ctx, Finding, FindingSeverity, LinkChecker};
use crate::commitment::merkle::Hash;
use crate::records::RecordId;
use crate::records::envelope::{Envelope, EnvelopeError, verify};
use crate::records::keys::IssuerPublicKey;
use crate::records::{ChainLink, Count, DrawPayload, FormatVersion, Record, TaskRecord, Timestamp};
use crate::registers::InspectionMethod;
use crate::registers::uscc::Uscc;

/// The offset of China Standard Time from UTC, in seconds. Entry deadlines
/// are counted in the Chinese calendar, so a record's `created_at` (UTC) is
/// turned into a date at UTC+8 before it is compared with them.
pub const CHINA_UTC_OFFSET_SECONDS: i64 = 8 * 3600;

/// The calendar date of `t` in China Standard Time (UTC+8). From
/// 9999-12-31T16:00:00Z on, when that date would be 10000-01-01, which
/// [`Date`] cannot hold, it is 9999-12-31.
pub fn china_date(t: Timestamp) -> Date {
    Timestamp::from_unix(t.unix().saturating_add(CHINA_UTC_OFFSET_SECONDS))
        .map_or(t.date(), Timestamp::date)
}

fn hex(h: &impl AsRef<[u8]>) -> String {
    crate::hex::encode(h.as_ref())
}

// ---------------------------------------------------------------------------
// Draws from the receipt chain

/// One draw of the receipt chain, with its commitment's task and the list
/// as amended after the draw (replacements, supplementary entities).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrawnTask {
    /// Record id of the draw.
    pub draw_id: RecordId,
    /// Sequence number of the draw on the receipt chain.
    pub sequence: u64,
    /// The task, as committed.
    pub task: TaskRecord,
    /// Number of entities in the committed pool (the planned population).
    pub pool_size: u64,
    /// The draw.
    pub draw: DrawPayload,
    /// The draw's list after its replacements and supplements.
    pub amended: AmendedDraw,
}

impl DrawnTask {
    /// The team of `uscc` now (after replacements), when it is on the list.
    pub fn team_of(&self, uscc: &Uscc) -> Option<&[String]> {
        self.amended.entity(uscc).map(|e| e.team.as_slice())
    }

    /// Every entity on the list: the drawn ones in draw order, then the
    /// supplementary ones (补充抽取) in chain order. An entity a supplement
    /// replaced stays on it: it still gets a result that says why.
    pub fn drawn(&self) -> impl Iterator<Item = Uscc> + '_ {
        self.amended.entities().iter().map(|e| e.uscc)
    }

    /// Whether `uscc` is on the list (drawn, or added by a supplement).
    pub fn was_drawn(&self, uscc: &Uscc) -> bool {
        self.amended.entity(uscc).is_some()
    }

    /// The credit class of a listed entity.
    pub fn class_of(&self, uscc: &Uscc) -> Option<crate::registers::CreditClass> {
        self.amended.entity(uscc).map(|e| e.class)
    }

    /// The number of supplementary entities.
    pub fn supplemented(&self) -> u64 {
        self.amended.supplements()
    }

    /// The day of the draw in China Standard Time.
    pub fn drawn_on(&self) -> Date {
        china_date(self.draw.chain.created_at)
    }
}

/// The draws of an issuer's receipt chain, by record id.
///
/// Built from records whose signature verifies and whose commitment is
/// earlier on the chain; the chain's own rules are [`crate::verify::verify_chain`]'s
/// business, and an auditor runs both.
#[derive(Clone, Debug, Default)]
pub struct DrawIndex {
    draws: Vec<DrawnTask>,
    by_id: HashMap<RecordId, usize>,
}

impl DrawIndex {
    /// Collects the draws of a receipt chain verified under `key`.
    pub fn from_chain(lines: &[ChainLine], key: &IssuerPublicKey) -> Self {
        let mut commitments = HashMap::new();
        let mut index = DrawIndex::default();
        for l in lines {
            let id = l.envelope.record_id();
            match Record::open(&l.envelope, key) {
                Ok(Record::Commitment(c)) => {
                    commitments.entry(id).or_insert(c);
                }
                Ok(Record::Draw(d)) => {
                    let Some(c) = commitments.get(&d.commitment) else {
                        continue;
                    };
                    if index.by_id.contains_key(&id) {
                        continue;
                    }
                    index.by_id.insert(id, index.draws.len());
                    index.draws.push(DrawnTask {
                        draw_id: id,
                        sequence: d.chain.sequence,
                        task: c.task.clone(),
                        pool_size: c.registers.entities.size.0,
                        amended: AmendedDraw::new(&d),
                        draw: d,
                    });
                }
                Ok(r @ (Record::Replacement(_) | Record::Supplement(_))) => {
                    if let Some(&i) = r.amends_draw().and_then(|d| index.by_id.get(d)) {
                        index.draws[i].amended.apply(id, &r);
                    }
                }
                _ => {}
            }
        }
        index
    }

    /// The draw with this record id.
    pub fn get(&self, id: &RecordId) -> Option<&DrawnTask> {
        self.by_id.get(id).and_then(|&i| self.draws.get(i))
    }

    /// Every draw, in chain order.
    pub fn draws(&self) -> &[DrawnTask] {
        &self.draws
    }

    /// The draws whose record id (hex) starts with `prefix`.
    pub fn find_prefix(&self, prefix: &str) -> Vec<&DrawnTask> {
        let p = prefix.trim().to_ascii_lowercase();
        self.draws
            .iter()
            .filter(|d| hex(&d.draw_id).starts_with(&p))
            .collect()
    }
}

// ---------------------------------------------------------------------------
// Errors of new records

/// Why a result or correction breaks a ledger rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResultError {
    /// The draw is not on the receipt chain.
    #[error("draw {draw} is not a draw on the issuer's receipt chain")]
    UnknownDraw {
        /// The draw's record id (hex).
        draw: String,
    },
    /// The entity was not drawn by that draw: only drawn entities get results.
    #[error("entity {uscc} was not drawn by draw {draw}; only drawn entities get results")]
    NotDrawn {
        /// The draw's record id (hex).
        draw: String,
        /// The entity.
        uscc: Uscc,
    },
    /// The task id is not the one the draw's commitment states.
    #[error("task {stated:?} is not the task of the draw ({drawn:?})")]
    TaskMismatch {
        /// Task id in the result.
        stated: String,
        /// Task id of the draw.
        drawn: String,
    },
    /// The inspectors are not exactly the team drawn for the entity.
    #[error("entity {uscc}: inspectors {stated:?} are not the drawn team {drawn:?}")]
    TeamMismatch {
        /// The entity.
        uscc: Uscc,
        /// Inspectors in the result.
        stated: Vec<String>,
        /// The drawn team.
        drawn: Vec<String>,
    },
    /// A field breaks its rule.
    #[error("field {field}: {rule}")]
    Field {
        /// The field.
        field: &'static str,
        /// The rule broken.
        rule: &'static str,
    },
    /// The inspection ends before it starts.
    #[error("the inspection ends ({}) before it starts ({})", format_date(*end), format_date(*start))]
    EndBeforeStart {
        /// First day.
        start: Date,
        /// Last day.
        end: Date,
    },
    /// The inspection starts before the draw that chose the entity.
    #[error("the inspection starts ({}) before the draw ({})", format_date(*start), format_date(*drawn_on))]
    StartBeforeDraw {
        /// First day.
        start: Date,
        /// Day of the draw (China Standard Time).
        drawn_on: Date,
    },
    /// The result is entered before the inspection ends.
    #[error("entered on {} (Beijing time), before the inspection ends ({})", format_date(*entered_on), format_date(*end))]
    EnteredBeforeEnd {
        /// Last day of the inspection.
        end: Date,
        /// Day of entry.
        entered_on: Date,
    },
    /// The entity already has a result for this draw (of this department,
    /// in version 2); a change is a correction.
    #[error(
        "entity {uscc} already has a result for draw {draw}{} (record {first}); change it with a correction",
        .department.as_ref().map(|d| format!(" by {d}")).unwrap_or_default()
    )]
    Duplicate {
        /// The draw (hex).
        draw: String,
        /// The entity.
        uscc: Uscc,
        /// The department whose result it is (version 2).
        department: Option<String>,
        /// The existing result's record id (hex).
        first: String,
    },
    /// A correction names a record that is no result or correction of this ledger.
    #[error("corrects {corrects}, which is no result or correction on this ledger")]
    UnknownTarget {
        /// The record named (hex).
        corrects: String,
    },
    /// A correction names a version that was already corrected.
    #[error("corrects {corrects}, but the latest version of that result is {latest}")]
    SupersededTarget {
        /// The record named (hex).
        corrects: String,
        /// The latest version (hex).
        latest: String,
    },
    /// A correction changes the draw, the entity or the department of the result.
    #[error(
        "a correction keeps the draw, entity and department of the result it corrects ({uscc})"
    )]
    TargetMismatch {
        /// The entity of the corrected result.
        uscc: Uscc,
    },
    /// A correction's approver key is the issuer's own key.
    #[error(
        "the approver key is the issuer's own key; the unit head approves with a key of their own"
    )]
    SelfApproval,
    /// A new record would be dated before the ledger's last record.
    #[error("{created_at} is before the ledger's last record ({last})")]
    TimeOrder {
        /// The new record's time.
        created_at: Timestamp,
        /// The last record's time.
        last: Timestamp,
    },
    /// A checkpoint of an empty ledger.
    #[error("the ledger holds no record to checkpoint")]
    EmptyLedger,
    /// The department is not one of the task's (version 2).
    #[error(
        "department {department:?} is not one of the task's departments ({task_departments:?}): each department enters the results of its own check"
    )]
    UnknownDepartment {
        /// The department stated.
        department: String,
        /// The task's departments, initiating first.
        task_departments: Vec<String>,
    },
    /// A check item the task does not name (version 2).
    #[error("check item {item:?} is not one of the task's items")]
    UnknownItem {
        /// The item.
        item: String,
    },
    /// No check item although the task names some (version 2).
    #[error(
        "the result names no check item; the task names {task_items:?}: give the items this department checked"
    )]
    NoItems {
        /// The task's items.
        task_items: Vec<String>,
    },
    /// An item another department already entered for this entity (version 2).
    #[error(
        "check item {item:?} of entity {uscc} is already entered by {department:?}: each item is entered once, by the department that checked it"
    )]
    ItemEnteredTwice {
        /// The entity.
        uscc: Uscc,
        /// The item.
        item: String,
        /// The department that entered it.
        department: String,
    },
    /// A progress record names no result of the ledger.
    #[error("follows up {result}, which is no result or correction on this ledger")]
    UnknownResult {
        /// The record named (hex).
        result: String,
    },
}

impl ResultError {
    /// The stable check name the verifier reports this under.
    pub fn check(&self) -> &'static str {
        match self {
            ResultError::UnknownDraw { .. } | ResultError::NotDrawn { .. } => "result-not-drawn",
            ResultError::TaskMismatch { .. } => "result-task",
            ResultError::TeamMismatch { .. } => "result-team",
            ResultError::Field { .. } => "result-fields",
            ResultError::EndBeforeStart { .. }
            | ResultError::StartBeforeDraw { .. }
            | ResultError::EnteredBeforeEnd { .. } => "result-dates",
            ResultError::Duplicate { .. } => "duplicate-result",
            ResultError::UnknownTarget { .. }
            | ResultError::SupersededTarget { .. }
            | ResultError::TargetMismatch { .. } => "correction-target",
            ResultError::SelfApproval => "correction-approval",
            ResultError::TimeOrder { .. } => "time-order",
            ResultError::EmptyLedger => "checkpoint",
            ResultError::UnknownDepartment { .. } => "result-department",
            ResultError::UnknownItem { .. }
            | ResultError::NoItems { .. }
            | ResultError::ItemEnteredTwice { .. } => "result-items",
            ResultError::UnknownResult { .. } => "progress-target",
        }
    }

    /// The error in Chinese, for the verifier's findings.
    pub(crate) fn message_zh(&self) -> String {
        match self {
            ResultError::UnknownDraw { draw } => {
                format!("抽取 {draw} 不是发布机关凭证链上的抽取")
            }
            ResultError::NotDrawn { draw, uscc } => {
                format!("检查对象 {uscc} 不是抽取 {draw} 抽中的；只有抽中的检查对象才有检查结果")
            }
            ResultError::TaskMismatch { stated, drawn } => {
                format!("任务 {stated:?} 不是该抽取的任务（{drawn:?}）")
            }
            ResultError::TeamMismatch {
                uscc,
                stated,
                drawn,
            } => format!("检查对象 {uscc}：执法检查人员 {stated:?} 不是抽取的检查组 {drawn:?}"),
            ResultError::Field { field, rule } => {
                format!("字段 {field}：{}", field_rule_zh(rule))
            }
            ResultError::EndBeforeStart { start, end } => format!(
                "检查结束日期（{}）早于开始日期（{}）",
                format_date(*end),
                format_date(*start)
            ),
            ResultError::StartBeforeDraw { start, drawn_on } => format!(
                "检查开始日期（{}）早于抽取日期（{}）",
                format_date(*start),
                format_date(*drawn_on)
            ),
            ResultError::EnteredBeforeEnd { end, entered_on } => format!(
                "录入日期为 {}（北京时间），早于检查结束日期（{}）",
                format_date(*entered_on),
                format_date(*end)
            ),
            ResultError::Duplicate {
                draw,
                uscc,
                department,
                first,
            } => format!(
                "检查对象 {uscc} 在抽取 {draw} 中已有{}检查结果（记录 {first}）；如需修改，请作更正",
                department
                    .as_ref()
                    .map(|d| format!("由{d}录入的"))
                    .unwrap_or_default()
            ),
            ResultError::UnknownTarget { corrects } => {
                format!("所更正的 {corrects} 不是本台账中的检查结果或更正")
            }
            ResultError::SupersededTarget { corrects, latest } => {
                format!("所更正的是 {corrects}，但该检查结果的最新版本是 {latest}")
            }
            ResultError::TargetMismatch { uscc } => {
                format!("更正必须保持所更正结果的抽取、检查对象和部门不变（{uscc}）")
            }
            ResultError::SelfApproval => {
                "审批公钥是发布机关自己的公钥；应由单位负责人用其本人的公钥审批".into()
            }
            ResultError::TimeOrder { created_at, last } => {
                format!("{created_at} 早于台账最后一条记录的时间（{last}）")
            }
            ResultError::EmptyLedger => "台账中没有记录，无法设检查点".into(),
            ResultError::UnknownDepartment {
                department,
                task_departments,
            } => format!(
                "部门 {department:?} 不是该任务的部门（{task_departments:?}）：各部门录入本部门所查事项的结果"
            ),
            ResultError::UnknownItem { item } => {
                format!("检查事项 {item:?} 不是该任务的检查事项")
            }
            ResultError::NoItems { task_items } => format!(
                "检查结果未列明任何检查事项；该任务的检查事项为 {task_items:?}：请列明本部门所查的事项"
            ),
            ResultError::ItemEnteredTwice {
                uscc,
                item,
                department,
            } => format!(
                "检查对象 {uscc} 的检查事项 {item:?} 已由 {department:?} 录入：每个事项只录入一次，由实施检查的部门录入"
            ),
            ResultError::UnknownResult { result } => {
                format!("所跟进的 {result} 不是本台账中的检查结果或更正")
            }
        }
    }
}

/// The rule of a [`ResultError::Field`] in Chinese (its English where none
/// is written).
fn field_rule_zh(rule: &str) -> &str {
    match rule {
        "progress states at least one follow-up measure" => "跟进记录至少写明一项后续处置措施",
        "sorted by kind, one per kind" => "按类别排序，每类一项",
        "an outcome is null or trimmed, non-empty text" => {
            "处置结果为 null，或为去掉首尾空白后非空的文字"
        }
        "at least one result category" => "至少有一个检查结果类别",
        "sorted in the platform's order, without repeats" => "按平台规定的顺序排列，不得重复",
        "at least one inspection method" => "至少有一种检查方式",
        "sorted, without repeats" => "排序，且不得重复",
        "no-problem excludes every other category" => "“未发现问题”不能与其他类别同时出现",
        "sorted by bytes, without repeats" => "按字节排序，且不得重复",
        "a correction states why, as trimmed non-empty text" => {
            "更正须写明原因，为去掉首尾空白后非空的文字"
        }
        other => other,
    }
}

/// Why a correction's approval does not hold.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApprovalError {
    /// The verifier was given no approver keys, so no correction can be approved.
    #[error("no approver keys were given, so the approval by key {key_id} cannot be checked")]
    NoApproverKeys {
        /// The approver key id the correction names.
        key_id: String,
    },
    /// The named approver key is not among the keys the verifier trusts.
    #[error("approver key {key_id} ({name:?}) is not one of the approver keys given")]
    UnknownApprover {
        /// The key id named.
        key_id: String,
        /// The name stated.
        name: String,
    },
    /// The stated name is not the approver key's.
    #[error("the correction names approver {stated:?}, the key belongs to {actual:?}")]
    NameMismatch {
        /// Name in the payload.
        stated: String,
        /// Name in the key file.
        actual: String,
    },
    /// The approver key is the issuer's key.
    #[error("the approver key is the issuer's own key")]
    SelfApproval,
    /// The approver's signature is missing or does not verify.
    #[error("approver signature: {0}")]
    Signature(#[from] EnvelopeError),
}

impl ApprovalError {
    /// The error in Chinese, for the verifier's findings.
    pub(crate) fn message_zh(&self) -> String {
        match self {
            ApprovalError::NoApproverKeys { key_id } => {
                format!("未提供审批人公钥，无法核验密钥编号为 {key_id} 的审批")
            }
            ApprovalError::UnknownApprover { key_id, name } => {
                format!("审批人公钥 {key_id}（{name:?}）不在所提供的审批人公钥中")
            }
            ApprovalError::NameMismatch { stated, actual } => {
                format!("更正所写的审批人为 {stated:?}，但该公钥属于 {actual:?}")
            }
            ApprovalError::SelfApproval => "审批公钥是发布机关自己的公钥".into(),
            ApprovalError::Signature(e) => format!("审批人签名：{}", e.message_zh()),
        }
    }
}

/// Checks a correction's second signature: the payload's approver key must
/// be one of `approvers`, carry the stated name, differ from the issuer's
/// key, and have signed the envelope. Returns the approver key.
pub fn check_approval<'k>(
    envelope: &Envelope,
    payload: &CorrectionPayload,
    approvers: &'k [IssuerPublicKey],
) -> Result<&'k IssuerPublicKey, ApprovalError> {
    let named = &payload.approver;
    if named.key_id == payload.chain.key_id {
        return Err(ApprovalError::SelfApproval);
    }
    if approvers.is_empty() {
        return Err(ApprovalError::NoApproverKeys {
            key_id: named.key_id.clone(),
        });
    }
    let key = approvers
        .iter()
        .find(|k| k.key_id() == named.key_id)
        .ok_or_else(|| ApprovalError::UnknownApprover {
            key_id: named.key_id.clone(),
            name: named.name.clone(),
        })?;
    if key.issuer() != named.name {
        return Err(ApprovalError::NameMismatch {
            stated: named.name.clone(),
            actual: key.issuer().to_owned(),
        });
    }
    verify(envelope, envelope.payload_type(), key)?;
    Ok(key)
}

// ---------------------------------------------------------------------------
// Ledger state

/// Whether a result was entered by its deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "status")]
pub enum Deadline {
    /// Entered within 20 working days of the inspection's end.
    OnTime,
    /// Entered late (flagged, not refused).
    Overdue {
        /// Working days late.
        working_days_late: u32,
    },
    /// The calendar does not cover a year the deadline depends on: not checked.
    NotChecked,
}

/// What a correction says besides the corrected fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorrectionNote {
    /// The version corrected.
    pub corrects: RecordId,
    /// Why.
    pub reason: String,
    /// Who approved it.
    pub approver: Approver,
}

/// One version of a result: the original entry or a correction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultVersion {
    /// Record id.
    pub record: RecordId,
    /// Sequence number on the ledger.
    pub sequence: u64,
    /// When it was recorded.
    pub created_at: Timestamp,
    /// The fields.
    pub fields: ResultFields,
    /// For a correction: its reason and approver.
    pub correction: Option<CorrectionNote>,
}

/// A follow-up progress record on a result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgressNote {
    /// Record id.
    pub record: RecordId,
    /// Sequence number on the ledger.
    pub sequence: u64,
    /// When it was recorded.
    pub created_at: Timestamp,
    /// The follow-up measures it states.
    pub follow_ups: Vec<FollowUp>,
}

/// The result of one drawn entity of one draw (version 2: of one
/// department's check of it), with its corrections and follow-up progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerEntry {
    first: ResultVersion,
    corrections: Vec<ResultVersion>,
    deadline: Deadline,
    progress: Vec<ProgressNote>,
}

impl LedgerEntry {
    /// The result as first entered.
    pub fn original(&self) -> &ResultVersion {
        &self.first
    }

    /// The latest version (the original when never corrected).
    pub fn current(&self) -> &ResultVersion {
        self.corrections.last().unwrap_or(&self.first)
    }

    /// The corrections, oldest first.
    pub fn corrections(&self) -> &[ResultVersion] {
        &self.corrections
    }

    /// Whether the entry was judged by its original entry time on time.
    pub fn deadline(&self) -> Deadline {
        self.deadline
    }

    /// The draw.
    pub fn draw(&self) -> &RecordId {
        &self.first.fields.draw
    }

    /// The entity.
    pub fn uscc(&self) -> &Uscc {
        &self.first.fields.uscc
    }

    /// The department that entered it (version 2); `None` for a version-1
    /// result, which is the whole entity's.
    pub fn department(&self) -> Option<&str> {
        self.first.fields.department.as_deref()
    }

    /// Every follow-up progress record on it, in ledger order.
    pub fn progress(&self) -> &[ProgressNote] {
        &self.progress
    }

    /// The progress records made after the current version: the ones
    /// publication applies (a correction is a complete result, so progress
    /// before it is superseded).
    pub fn progress_since_current(&self) -> impl Iterator<Item = &ProgressNote> {
        let seq = self.current().sequence;
        self.progress.iter().filter(move |p| p.sequence > seq)
    }

    /// The follow-up measures as published: the current version's, each
    /// replaced (same kind) or joined by those of the progress records
    /// made after it, in ledger order; sorted by kind.
    pub fn follow_ups(&self) -> Vec<FollowUp> {
        let mut out = self.current().fields.follow_ups.clone();
        for p in self.progress_since_current() {
            for f in &p.follow_ups {
                match out.iter_mut().find(|x| x.kind == f.kind) {
                    Some(x) => *x = f.clone(),
                    None => out.push(f.clone()),
                }
            }
        }
        out.sort_by_key(|f| f.kind);
        out
    }

    /// When the latest progress record publication applies was made.
    pub fn progress_at(&self) -> Option<Timestamp> {
        self.progress_since_current().last().map(|p| p.created_at)
    }
}

/// An entity's results taken together (docs/spec/ledger.md §1.6): in a
/// joint task each department enters the result of its own check items
/// (谁检查、谁录入); the entity's overall result is derived from them.
#[derive(Clone, Debug)]
pub struct EntityResult<'l> {
    /// The results: one per department in the task's department order, or
    /// the one version-1 result of the whole entity.
    pub entries: Vec<&'l LedgerEntry>,
    /// The task's departments that have not entered their result yet.
    pub missing: Vec<String>,
}

impl EntityResult<'_> {
    /// Whether every department of the task has entered its result (a
    /// version-1 result covers them all).
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }

    /// The overall categories: the union of the departments' current
    /// categories in the platform's order, with `no-problem` kept only when
    /// no department found anything else (so `no-problem` overall means
    /// every department that entered found none).
    pub fn categories(&self) -> Vec<ResultCategory> {
        let mut all: Vec<ResultCategory> = self
            .entries
            .iter()
            .flat_map(|e| e.current().fields.categories.iter().copied())
            .collect();
        all.sort();
        all.dedup();
        if all.len() > 1 {
            all.retain(|c| *c != ResultCategory::NoProblem);
        }
        all
    }

    /// Every method any department used, in stored order.
    pub fn methods(&self) -> Vec<InspectionMethod> {
        let mut all: Vec<InspectionMethod> = self
            .entries
            .iter()
            .flat_map(|e| e.current().fields.methods.iter().copied())
            .collect();
        all.sort();
        all.dedup();
        all
    }

    /// The first day any department inspected.
    pub fn inspection_start(&self) -> Option<Date> {
        self.entries
            .iter()
            .map(|e| e.current().fields.inspection_start)
            .min()
    }

    /// The last day any department inspected.
    pub fn inspection_end(&self) -> Option<Date> {
        self.entries
            .iter()
            .map(|e| e.current().fields.inspection_end)
            .max()
    }

    /// When the first result was entered.
    pub fn entered_at(&self) -> Option<Timestamp> {
        self.entries.iter().map(|e| e.original().created_at).min()
    }

    /// Whether a department's published version is a correction.
    pub fn corrected(&self) -> bool {
        self.entries.iter().any(|e| !e.corrections().is_empty())
    }

    /// When the latest correction was made.
    pub fn corrected_at(&self) -> Option<Timestamp> {
        self.entries
            .iter()
            .filter_map(|e| e.corrections().last().map(|c| c.created_at))
            .max()
    }

    /// When the latest follow-up progress that publication applies was recorded.
    pub fn progress_at(&self) -> Option<Timestamp> {
        self.entries.iter().filter_map(|e| e.progress_at()).max()
    }

    /// The entity's inspectors: the team every department's result lists.
    pub fn inspectors(&self) -> &[String] {
        self.entries
            .first()
            .map_or(&[], |e| e.current().fields.inspectors.as_slice())
    }
}

/// A checkpoint on the ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckpointRecord {
    /// Record id.
    pub record: RecordId,
    /// Sequence number.
    pub sequence: u64,
    /// The payload.
    pub payload: CheckpointPayload,
}

/// The state of a results ledger: every accepted result with its
/// corrections, and the checkpoints.
///
/// Built by [`verify_ledger`], which admits into it only records that pass
/// their checks; use it to append ([`Ledger::new_result`],
/// [`Ledger::new_correction`], [`Ledger::new_checkpoint`]), publish and
/// summarise.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    entries: Vec<LedgerEntry>,
    // (draw, entity, department): `None` for a version-1 result (the whole entity's).
    by_key: HashMap<(RecordId, Uscc, Option<String>), usize>,
    // Every entry of an entity of a draw, in order of entry.
    by_entity: HashMap<(RecordId, Uscc), Vec<usize>>,
    by_record: HashMap<RecordId, usize>,
    checkpoints: Vec<CheckpointRecord>,
    head: Option<(RecordId, u64, Timestamp)>,
    records: u64,
}

impl Ledger {
    /// Every result, in order of first entry.
    pub fn entries(&self) -> &[LedgerEntry] {
        &self.entries
    }

    /// The first result entered for `uscc` of `draw` (a version-1 result,
    /// or the first department's in version 2); [`Ledger::entries_of`]
    /// gives every department's.
    pub fn entry(&self, draw: &RecordId, uscc: &Uscc) -> Option<&LedgerEntry> {
        self.by_entity
            .get(&(*draw, *uscc))
            .and_then(|v| v.first())
            .and_then(|&i| self.entries.get(i))
    }

    /// Every result of `uscc` for `draw`, in order of entry: one per
    /// department in version 2, one for the whole entity in version 1.
    pub fn entries_of(&self, draw: &RecordId, uscc: &Uscc) -> Vec<&LedgerEntry> {
        self.by_entity
            .get(&(*draw, *uscc))
            .map(|v| v.iter().filter_map(|&i| self.entries.get(i)).collect())
            .unwrap_or_default()
    }

    /// The result of `uscc` for `draw` entered by `department` (`None`:
    /// the version-1 result of the whole entity).
    pub fn entry_of(
        &self,
        draw: &RecordId,
        uscc: &Uscc,
        department: Option<&str>,
    ) -> Option<&LedgerEntry> {
        self.by_key
            .get(&(*draw, *uscc, department.map(str::to_owned)))
            .and_then(|&i| self.entries.get(i))
    }

    /// The entity's results taken together (docs/spec/ledger.md §1.6): the
    /// departments' results in the task's department order, those still
    /// missing, and the overall categories derived from them. `None` when
    /// the entity has no result.
    pub fn entity_result<'l>(&'l self, d: &DrawnTask, uscc: &Uscc) -> Option<EntityResult<'l>> {
        let entries = self.entries_of(&d.draw_id, uscc);
        if entries.is_empty() {
            return None;
        }
        if let Some(whole) = entries.iter().find(|e| e.department().is_none()) {
            return Some(EntityResult {
                entries: vec![*whole],
                missing: Vec::new(),
            });
        }
        let departments = d.task.team.departments();
        let mut ordered = Vec::new();
        let mut missing = Vec::new();
        for dep in &departments {
            match entries.iter().find(|e| e.department() == Some(dep)) {
                Some(e) => ordered.push(*e),
                None => missing.push((*dep).to_owned()),
            }
        }
        // Results of a department the task does not name were refused; keep any left.
        for e in &entries {
            if !ordered.iter().any(|x| std::ptr::eq(*x, *e)) {
                ordered.push(*e);
            }
        }
        Some(EntityResult {
            entries: ordered,
            missing,
        })
    }

    /// The result one of whose versions has this record id.
    pub fn entry_by_record(&self, record: &RecordId) -> Option<&LedgerEntry> {
        self.by_record
            .get(record)
            .and_then(|&i| self.entries.get(i))
    }

    /// Results one of whose versions' record id (hex) starts with `prefix`.
    pub fn find_prefix(&self, prefix: &str) -> Vec<&LedgerEntry> {
        let p = prefix.trim().to_ascii_lowercase();
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (id, &i) in &self.by_record {
            if hex(id).starts_with(&p)
                && seen.insert(i)
                && let Some(e) = self.entries.get(i)
            {
                out.push(e);
            }
        }
        out
    }

    /// The checkpoints, in ledger order.
    pub fn checkpoints(&self) -> &[CheckpointRecord] {
        &self.checkpoints
    }

    /// The latest record: id, sequence, time.
    pub fn head(&self) -> Option<(RecordId, u64, Timestamp)> {
        self.head
    }

    /// Whether the entry's current version is covered by a later checkpoint.
    pub fn is_published(&self, entry: &LedgerEntry) -> bool {
        let seq = entry.current().sequence;
        self.checkpoints.iter().any(|c| c.sequence > seq)
    }

    /// The chain link of the next record, by `key`, at `created_at`.
    pub fn next_link(
        &self,
        key: &IssuerPublicKey,
        created_at: Timestamp,
    ) -> Result<ChainLink, ResultError> {
        if let Some((_, _, last)) = self.head
            && created_at < last
        {
            return Err(ResultError::TimeOrder { created_at, last });
        }
        Ok(ChainLink {
            issuer: key.issuer().to_owned(),
            key_id: key.key_id().to_owned(),
            sequence: self.records,
            previous: self.head.map(|(id, _, _)| id),
            created_at,
        })
    }

    /// A new result record, refused when it breaks a rule (first problem).
    /// `fields` are normalised first ([`ResultFields::normalise`]).
    pub fn new_result(
        &self,
        draws: &DrawIndex,
        mut fields: ResultFields,
        link: ChainLink,
    ) -> Result<ResultPayload, ResultError> {
        fields.normalise();
        if let Some(e) = self
            .result_problems(draws, &fields, link.created_at, None)
            .into_iter()
            .next()
        {
            return Err(e);
        }
        Ok(ResultPayload {
            format: FormatVersion::V2,
            chain: link,
            result: fields,
        })
    }

    /// A new correction of the result one of whose versions is `target`:
    /// it corrects that result's latest version. `fields` must keep the draw
    /// and entity. Sign it with [`super::sign_correction`].
    pub fn new_correction(
        &self,
        draws: &DrawIndex,
        target: &RecordId,
        reason: &str,
        approver: &IssuerPublicKey,
        mut fields: ResultFields,
        link: ChainLink,
    ) -> Result<CorrectionPayload, ResultError> {
        fields.normalise();
        let entry = self
            .entry_by_record(target)
            .ok_or_else(|| ResultError::UnknownTarget {
                corrects: hex(target),
            })?;
        if approver.key_id() == link.key_id {
            return Err(ResultError::SelfApproval);
        }
        let corrects = entry.current().record;
        if let Some(e) = self
            .correction_problems(draws, &fields, &corrects, reason, link.created_at)
            .into_iter()
            .next()
        {
            return Err(e);
        }
        Ok(CorrectionPayload {
            // A version-1 result (the whole entity's) is corrected in version 1.
            format: if entry.department().is_none() {
                FormatVersion::V1
            } else {
                FormatVersion::V2
            },
            chain: link,
            corrects,
            reason: reason.trim().to_owned(),
            approver: Approver {
                name: approver.issuer().to_owned(),
                key_id: approver.key_id().to_owned(),
            },
            result: fields,
        })
    }

    /// A checkpoint of the current head and the published files.
    pub fn new_checkpoint(
        &self,
        files: Vec<PublishedFile>,
        link: ChainLink,
    ) -> Result<CheckpointPayload, ResultError> {
        let (head, head_sequence, _) = self.head.ok_or(ResultError::EmptyLedger)?;
        Ok(CheckpointPayload {
            format: FormatVersion::V2,
            chain: link,
            head,
            head_sequence,
            results: Count(self.entries.len() as u64),
            files,
        })
    }

    /// A new follow-up progress record on the result one of whose versions
    /// is `target` (version 2). `follow_ups` are sorted by kind, one per
    /// kind, outcomes trimmed.
    pub fn new_progress(
        &self,
        target: &RecordId,
        mut follow_ups: Vec<FollowUp>,
        link: ChainLink,
    ) -> Result<ProgressPayload, ResultError> {
        follow_ups.sort_by_key(|f| f.kind);
        follow_ups.dedup_by_key(|f| f.kind);
        for f in &mut follow_ups {
            if let Some(o) = &f.outcome {
                let t = o.trim();
                f.outcome = (!t.is_empty()).then(|| t.to_owned());
            }
        }
        if let Some(e) = self
            .progress_problems(target, &follow_ups)
            .into_iter()
            .next()
        {
            return Err(e);
        }
        Ok(ProgressPayload {
            chain: link,
            result: *target,
            follow_ups,
        })
    }

    fn progress_problems(&self, target: &RecordId, follow_ups: &[FollowUp]) -> Vec<ResultError> {
        let mut out = Vec::new();
        if self.entry_by_record(target).is_none() {
            out.push(ResultError::UnknownResult {
                result: hex(target),
            });
        }
        let field = |field, rule| ResultError::Field { field, rule };
        if follow_ups.is_empty() {
            out.push(field(
                "follow_ups",
                "progress states at least one follow-up measure",
            ));
        }
        if !follow_ups.windows(2).all(|w| w[0].kind < w[1].kind) {
            out.push(field("follow_ups", "sorted by kind, one per kind"));
        }
        if follow_ups.iter().any(|x| {
            x.outcome
                .as_deref()
                .is_some_and(|o| o.trim().is_empty() || o.trim() != o)
        }) {
            out.push(field(
                "follow_ups",
                "an outcome is null or trimmed, non-empty text",
            ));
        }
        out
    }

    /// Every problem of a result's fields against the draws and the ledger.
    /// `correcting`: the entry a correction replaces (no duplicate check).
    fn result_problems(
        &self,
        draws: &DrawIndex,
        f: &ResultFields,
        entered: Timestamp,
        correcting: Option<&LedgerEntry>,
    ) -> Vec<ResultError> {
        let mut out = Vec::new();
        let field = |field, rule| ResultError::Field { field, rule };
        // Identity first: a result for an entity not drawn is refused as such.
        match draws.get(&f.draw) {
            None => out.push(ResultError::UnknownDraw { draw: hex(&f.draw) }),
            Some(d) => {
                if d.task.id != f.task {
                    out.push(ResultError::TaskMismatch {
                        stated: f.task.clone(),
                        drawn: d.task.id.clone(),
                    });
                }
                if f.inspection_start < d.drawn_on() {
                    out.push(ResultError::StartBeforeDraw {
                        start: f.inspection_start,
                        drawn_on: d.drawn_on(),
                    });
                }
                match d.team_of(&f.uscc).filter(|_| d.was_drawn(&f.uscc)) {
                    None => out.push(ResultError::NotDrawn {
                        draw: hex(&f.draw),
                        uscc: f.uscc,
                    }),
                    Some(team) => {
                        let mut a = f.inspectors.clone();
                        let mut b = team.to_vec();
                        a.sort();
                        b.sort();
                        if a != b || f.inspectors.len() != team.len() {
                            out.push(ResultError::TeamMismatch {
                                uscc: f.uscc,
                                stated: f.inspectors.clone(),
                                drawn: team.to_vec(),
                            });
                        }
                    }
                }
            }
        }
        if f.categories.is_empty() {
            out.push(field("categories", "at least one result category"));
        } else if !f.categories.windows(2).all(|w| w[0] < w[1]) {
            out.push(field(
                "categories",
                "sorted in the platform's order, without repeats",
            ));
        }
        if f.methods.is_empty() {
            out.push(field("methods", "at least one inspection method"));
        } else if !f.methods.windows(2).all(|w| w[0] < w[1]) {
            out.push(field("methods", "sorted, without repeats"));
        }
        if !f.follow_ups.windows(2).all(|w| w[0].kind < w[1].kind) {
            out.push(field("follow_ups", "sorted by kind, one per kind"));
        }
        if f.follow_ups.iter().any(|x| {
            x.outcome
                .as_deref()
                .is_some_and(|o| o.trim().is_empty() || o.trim() != o)
        }) {
            out.push(field(
                "follow_ups",
                "an outcome is null or trimmed, non-empty text",
            ));
        }
        if f.categories.contains(&ResultCategory::NoProblem) && f.categories.len() > 1 {
            out.push(field(
                "categories",
                "no-problem excludes every other category",
            ));
        }
        if f.inspection_end < f.inspection_start {
            out.push(ResultError::EndBeforeStart {
                start: f.inspection_start,
                end: f.inspection_end,
            });
        }
        let entered_on = china_date(entered);
        if entered_on < f.inspection_end {
            out.push(ResultError::EnteredBeforeEnd {
                end: f.inspection_end,
                entered_on,
            });
        }
        if let (Some(department), Some(items), Some(d)) =
            (&f.department, &f.items, draws.get(&f.draw))
        {
            let task_departments: Vec<String> = d
                .task
                .team
                .departments()
                .into_iter()
                .map(str::to_owned)
                .collect();
            if !task_departments.contains(department) {
                out.push(ResultError::UnknownDepartment {
                    department: department.clone(),
                    task_departments,
                });
            }
            if !items.windows(2).all(|w| w[0] < w[1]) {
                out.push(field("items", "sorted by bytes, without repeats"));
            }
            if let Some(i) = items.iter().find(|i| !d.task.items.contains(i)) {
                out.push(ResultError::UnknownItem { item: i.clone() });
            }
            if items.is_empty() && !d.task.items.is_empty() {
                out.push(ResultError::NoItems {
                    task_items: d.task.items.clone(),
                });
            }
            for other in self.entries_of(&f.draw, &f.uscc) {
                if correcting.is_some_and(|c| std::ptr::eq(c, other))
                    || other.department() == Some(department.as_str())
                {
                    continue;
                }
                let theirs = other.current().fields.items.as_deref().unwrap_or(&[]);
                if let Some(i) = items.iter().find(|i| theirs.contains(i)) {
                    out.push(ResultError::ItemEnteredTwice {
                        uscc: f.uscc,
                        item: i.clone(),
                        department: other.department().unwrap_or_default().to_owned(),
                    });
                }
            }
        }
        match correcting {
            Some(e) => {
                if *e.draw() != f.draw
                    || *e.uscc() != f.uscc
                    || e.first.fields.department != f.department
                {
                    out.push(ResultError::TargetMismatch { uscc: *e.uscc() });
                }
            }
            None => {
                // A version-1 result is the whole entity's: it collides with
                // any result of the entity, and any result with it.
                let existing = self.entries_of(&f.draw, &f.uscc).into_iter().find(|e| {
                    f.department.is_none()
                        || e.department().is_none()
                        || e.department() == f.department.as_deref()
                });
                if let Some(e) = existing {
                    out.push(ResultError::Duplicate {
                        draw: hex(&f.draw),
                        uscc: f.uscc,
                        department: f.department.clone(),
                        first: hex(&e.first.record),
                    });
                }
            }
        }
        out
    }

    fn correction_problems(
        &self,
        draws: &DrawIndex,
        f: &ResultFields,
        corrects: &RecordId,
        reason: &str,
        created_at: Timestamp,
    ) -> Vec<ResultError> {
        let Some(entry) = self.entry_by_record(corrects) else {
            return vec![ResultError::UnknownTarget {
                corrects: hex(corrects),
            }];
        };
        let mut out = Vec::new();
        if entry.current().record != *corrects {
            out.push(ResultError::SupersededTarget {
                corrects: hex(corrects),
                latest: hex(&entry.current().record),
            });
        }
        if reason.trim().is_empty() || reason.trim() != reason {
            out.push(ResultError::Field {
                field: "reason",
                rule: "a correction states why, as trimmed non-empty text",
            });
        }
        // A correction is entered later than the check by nature; its own
        // entry time is checked like a result's.
        out.extend(self.result_problems(draws, f, created_at, Some(entry)));
        out
    }

    fn admit_result(&mut self, version: ResultVersion, deadline: Deadline) {
        let i = self.entries.len();
        let f = &version.fields;
        self.by_key
            .insert((f.draw, f.uscc, f.department.clone()), i);
        self.by_entity.entry((f.draw, f.uscc)).or_default().push(i);
        self.by_record.insert(version.record, i);
        self.entries.push(LedgerEntry {
            first: version,
            corrections: Vec::new(),
            deadline,
            progress: Vec::new(),
        });
    }

    fn admit_progress(&mut self, target: &RecordId, note: ProgressNote) {
        if let Some(&i) = self.by_record.get(target)
            && let Some(e) = self.entries.get_mut(i)
        {
            e.progress.push(note);
        }
    }

    fn admit_correction(&mut self, version: ResultVersion) {
        let Some(&i) = version
            .correction
            .as_ref()
            .and_then(|c| self.by_record.get(&c.corrects))
        else {
            return;
        };
        self.by_record.insert(version.record, i);
        if let Some(e) = self.entries.get_mut(i) {
            e.corrections.push(version);
        }
    }
}

// ---------------------------------------------------------------------------
// Verification

/// Whether correction approvals are checked. Checking is the default for
/// an auditor; [`Approvals::NotChecked`] is for the issuer's own tools
/// appending to a ledger they have already verified, and is reported as a note.
#[derive(Clone, Copy, Debug)]
pub enum Approvals<'a> {
    /// Check each correction's second signature against these approver keys.
    Check(&'a [IssuerPublicKey]),
    /// Do not check approvals (each correction is then admitted unapproved; a note says so).
    NotChecked,
}

/// What [`verify_ledger`] needs besides the ledger.
#[derive(Clone, Copy, Debug)]
pub struct LedgerOptions<'a> {
    /// Approver keys.
    pub approvals: Approvals<'a>,
    /// Working days for the entry deadline.
    pub calendar: &'a WorkingCalendar,
    /// The witnesses whose cosignatures of the ledger's heads decide whether
    /// a result was entered by its deadline; `None`: the entry times are
    /// the office's own statements (a note says so).
    pub witnesses: Option<crate::verify::WitnessOptions<'a>>,
}

/// Verifies an issuer's results ledger against the draws of its receipt
/// chain and returns the report and the ledger's state.
///
/// Checks, per line: signature and schema (`record`), the chain-link rules
/// shared with receipt chains (`duplicate`, `sequence-gap`, `fork`,
/// `broken-link`, `time-order`), then by kind: `result-not-drawn`,
/// `result-task`, `result-team`, `result-fields`, `result-dates`,
/// `duplicate-result`, `overdue` (warning) or `deadline` (note, when the
/// calendar does not cover the years); for corrections `correction-target`
/// and `correction-approval`; for checkpoints `checkpoint`. Finally every
/// drawn entity without a result is a `missing-result` warning.
pub fn verify_ledger(
    lines: &[ChainLine],
    key: &IssuerPublicKey,
    draws: &DrawIndex,
    options: &LedgerOptions<'_>,
) -> (LedgerReport, Ledger) {
    use FindingSeverity::{Error, Note, Warning};
    let mut findings = Vec::new();
    let mut ctx = Ctx {
        findings: &mut findings,
    };
    let mut ledger = Ledger::default();
    let mut links = LinkChecker::default();
    let mut corrections_unchecked = 0usize;
    // Results on time by the office's own dates: (line, sequence, id, entity, deadline).
    let mut on_time: Vec<(usize, u64, RecordId, Uscc, time::Date)> = Vec::new();
    // The years whose holiday notices a checked deadline used.
    let mut calendar_years: std::collections::BTreeSet<i32> = std::collections::BTreeSet::new();
    let mut accepted: Vec<(u64, RecordId)> = Vec::new();

    if lines.is_empty() {
        ctx.push(
            Warning,
            "empty-ledger",
            None,
            "the ledger holds no record".into(),
            "结果台账中没有任何记录".into(),
        );
    }
    for cl in lines {
        let Some((id, record, link)) = links.accept(
            &mut ctx,
            cl,
            |e| LedgerRecord::open(e, key),
            LedgerRecord::chain,
        ) else {
            continue;
        };
        let at = Some((cl.line, Some(link.sequence), &id));
        accepted.push((link.sequence, id));
        let previous_head = ledger.head;
        ledger.head = Some((id, link.sequence, link.created_at));
        ledger.records = ledger.records.saturating_add(1);
        match record {
            LedgerRecord::Result(p) => {
                let problems = ledger.result_problems(draws, &p.result, link.created_at, None);
                let admissible = !problems.iter().any(|e| {
                    matches!(
                        e,
                        ResultError::UnknownDraw { .. }
                            | ResultError::NotDrawn { .. }
                            | ResultError::Duplicate { .. }
                    )
                });
                for e in &problems {
                    ctx.push(Error, e.check(), at, e.to_string(), e.message_zh());
                }
                let deadline =
                    deadline_of(&mut ctx, at, options.calendar, &p.result, link.created_at);
                if deadline != Deadline::NotChecked {
                    let entered_on = china_date(link.created_at);
                    let due = options
                        .calendar
                        .entry_deadline(p.result.inspection_end)
                        .unwrap_or(entered_on);
                    calendar_years
                        .extend(p.result.inspection_end.year()..=due.max(entered_on).year());
                }
                if deadline == Deadline::OnTime
                    && let Ok(due) = options.calendar.entry_deadline(p.result.inspection_end)
                {
                    on_time.push((cl.line, link.sequence, id, p.result.uscc, due));
                }
                if admissible {
                    ledger.admit_result(
                        ResultVersion {
                            record: id,
                            sequence: link.sequence,
                            created_at: link.created_at,
                            fields: p.result,
                            correction: None,
                        },
                        deadline,
                    );
                }
            }
            LedgerRecord::Correction(p) => {
                let problems = ledger.correction_problems(
                    draws,
                    &p.result,
                    &p.corrects,
                    &p.reason,
                    link.created_at,
                );
                for e in &problems {
                    ctx.push(Error, e.check(), at, e.to_string(), e.message_zh());
                }
                let approved = match options.approvals {
                    Approvals::NotChecked => {
                        corrections_unchecked += 1;
                        p.approver.key_id != p.chain.key_id
                    }
                    Approvals::Check(keys) => match check_approval(&cl.envelope, &p, keys) {
                        Ok(_) => true,
                        Err(e) => {
                            ctx.push(
                                Error,
                                "correction-approval",
                                at,
                                format!("the correction is not approved: {e}"),
                                format!("该更正未经审批：{}", e.message_zh()),
                            );
                            false
                        }
                    },
                };
                if p.approver.key_id == p.chain.key_id
                    && matches!(options.approvals, Approvals::NotChecked)
                {
                    ctx.push(
                        Error,
                        "correction-approval",
                        at,
                        ApprovalError::SelfApproval.to_string(),
                        ApprovalError::SelfApproval.message_zh(),
                    );
                }
                let target_ok = !problems.iter().any(|e| e.check() == "correction-target");
                if approved && target_ok {
                    ledger.admit_correction(ResultVersion {
                        record: id,
                        sequence: link.sequence,
                        created_at: link.created_at,
                        fields: p.result,
                        correction: Some(CorrectionNote {
                            corrects: p.corrects,
                            reason: p.reason,
                            approver: p.approver,
                        }),
                    });
                }
            }
            LedgerRecord::Progress(p) => {
                let problems = ledger.progress_problems(&p.result, &p.follow_ups);
                for e in &problems {
                    let check = match e {
                        ResultError::UnknownResult { .. } => "progress-target",
                        _ => "progress-fields",
                    };
                    ctx.push(Error, check, at, e.to_string(), e.message_zh());
                }
                if !problems
                    .iter()
                    .any(|e| matches!(e, ResultError::UnknownResult { .. }))
                {
                    ledger.admit_progress(
                        &p.result,
                        ProgressNote {
                            record: id,
                            sequence: link.sequence,
                            created_at: link.created_at,
                            follow_ups: p.follow_ups,
                        },
                    );
                }
            }
            LedgerRecord::Checkpoint(p) => {
                match previous_head {
                    None => ctx.push(
                        Error,
                        "checkpoint",
                        at,
                        "a checkpoint as the ledger's first record has no head".into(),
                        "检查点是台账的第一条记录，没有可对应的链头".into(),
                    ),
                    Some((prev, prev_seq, _)) => {
                        if p.head != prev || p.head_sequence != prev_seq {
                            ctx.push(
                                Error,
                                "checkpoint",
                                at,
                                format!(
                                    "head is {} at sequence {}, but the record before is {} at sequence {prev_seq}",
                                    hex(&p.head),
                                    p.head_sequence,
                                    hex(&prev)
                                ),
                                format!(
                                    "检查点所记的链头为序号 {} 的 {}，但前一条记录为序号 {prev_seq} 的 {}",
                                    p.head_sequence,
                                    hex(&p.head),
                                    hex(&prev)
                                ),
                            );
                        }
                    }
                }
                let results = ledger.entries.len() as u64;
                if p.results.0 != results {
                    ctx.push(
                        Error,
                        "checkpoint",
                        at,
                        format!(
                            "states {} results, the ledger holds {results} at its head",
                            p.results.0
                        ),
                        format!(
                            "检查点声明有 {} 条检查结果，但台账在该链头处有 {results} 条",
                            p.results.0
                        ),
                    );
                }
                ledger.checkpoints.push(CheckpointRecord {
                    record: id,
                    sequence: link.sequence,
                    payload: p,
                });
            }
        }
    }

    // Every listed entity must get a result, from each department of the task.
    for d in draws.draws() {
        for uscc in d.drawn() {
            let missing: Vec<String> = match ledger.entity_result(d, &uscc) {
                None => Vec::new(),
                Some(r) => r.missing,
            };
            if ledger.entry(&d.draw_id, &uscc).is_none() {
                ctx.push(
                    Warning,
                    "missing-result",
                    None,
                    format!(
                        "task {} ({}): drawn entity {uscc} has no result (draw {})",
                        d.task.id,
                        d.task.name,
                        hex(&d.draw_id)
                    ),
                    format!(
                        "任务 {}（{}）：抽中的检查对象 {uscc} 没有检查结果（抽取 {}）",
                        d.task.id,
                        d.task.name,
                        hex(&d.draw_id)
                    ),
                );
            } else if !missing.is_empty() {
                ctx.push(
                    Warning,
                    "missing-result",
                    None,
                    format!(
                        "task {} ({}): drawn entity {uscc} has no result of {} yet (draw {}): each department enters the result of its own check items",
                        d.task.id,
                        d.task.name,
                        missing.join(", "),
                        hex(&d.draw_id)
                    ),
                    format!(
                        "任务 {}（{}）：抽中的检查对象 {uscc} 尚无{}的检查结果（抽取 {}）：各部门应录入本部门所查事项的结果",
                        d.task.id,
                        d.task.name,
                        missing.join("、"),
                        hex(&d.draw_id)
                    ),
                );
            }
        }
    }
    if !calendar_years.is_empty() {
        let used: Vec<String> = calendar_years
            .iter()
            .filter_map(|y| options.calendar.describe_year(*y))
            .collect();
        ctx.push(
            Note,
            "calendar",
            None,
            format!(
                "entry deadlines were counted in working days of: {}",
                used.join("; ")
            ),
            format!("录入期限按以下年度的工作日计算：{}", used.join("；")),
        );
    }
    if corrections_unchecked > 0 {
        ctx.push(
            Note,
            "correction-approval",
            None,
            format!("{corrections_unchecked} correction(s): approvals were not checked"),
            format!("{corrections_unchecked} 条更正：未核验审批"),
        );
    }
    witnessed_results(&mut findings, key, options, &accepted, &on_time);
    let report = LedgerReport {
        records: lines.len(),
        head: links.head(),
        findings,
    };
    (report, ledger)
}

/// A result entered on time by the office's own date is on time only if
/// trusted witnesses cosigned a ledger head at or after it before its
/// deadline ended (the deadline day's end in Beijing time): check
/// `result-witnessed`. The cosignature file's own findings (`rollback`,
/// `fork`, `cosignature`) are reported too.
fn witnessed_results(
    findings: &mut Vec<Finding>,
    key: &IssuerPublicKey,
    options: &LedgerOptions<'_>,
    accepted: &[(u64, RecordId)],
    on_time: &[(usize, u64, RecordId, Uscc, time::Date)],
) {
    use crate::witness::{FileLimits, LogId, LogKind, WitnessIndex, read_cosignature_file};
    let mut ctx = Ctx { findings };
    let Some(w) = options.witnesses else {
        if !on_time.is_empty() {
            ctx.push(
                FindingSeverity::Note,
                "witnesses",
                None,
                "no witness keys were given: entry times are the office's own statements; whether results were entered by their deadlines was not checked against witnesses".into(),
                "未提供见证方公钥：录入时间是本机关的自述；未凭见证方的副署核验检查结果是否在期限内录入".into(),
            );
        }
        return;
    };
    let file = read_cosignature_file(w.cosignatures, &FileLimits::default());
    let log = LogId::of(key, LogKind::Results);
    let index = WitnessIndex::build(&file, &log, w.trusted, accepted, w.now);
    for f in index.findings() {
        let severity = if f.problem.is_error() {
            FindingSeverity::Error
        } else {
            FindingSeverity::Warning
        };
        let (message, message_zh) = match f.line {
            Some(l) => (
                format!("cosignature file line {l}: {}", f.problem),
                format!("副署文件第 {l} 行：{}", f.problem.message_zh()),
            ),
            None => (
                format!("cosignature file: {}", f.problem),
                format!("副署文件：{}", f.problem.message_zh()),
            ),
        };
        ctx.push(severity, f.problem.check(), None, message, message_zh);
    }
    let threshold = w.threshold.max(1);
    for (line, sequence, id, uscc, due) in on_time {
        // The end of the deadline day in Beijing (UTC+8) is 16:00 UTC.
        let end = due
            .with_hms(16, 0, 0)
            .ok()
            .and_then(|t| Timestamp::from_datetime(t.assume_utc()));
        let Some(end) = end else { continue };
        let found = index.witnessed(*sequence, end);
        if found.len() < threshold {
            ctx.push(
                FindingSeverity::Error,
                "result-witnessed",
                Some((*line, Some(*sequence), id)),
                format!(
                    "entity {uscc}: the result is dated within its deadline ({}), but {} trusted witness(es) cosigned the ledger after it before the deadline ended, {threshold} required",
                    format_date(*due),
                    found.len()
                ),
                format!(
                    "检查对象 {uscc}：检查结果的日期在录入期限（{}）之内，但在期限届满前对含有该结果的台账作出副署的受信任见证方只有 {} 个，要求 {threshold} 个",
                    format_date(*due),
                    found.len()
                ),
            );
        }
    }
}

/// The verifier's report on a results ledger.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct LedgerReport {
    /// Lines read.
    pub records: usize,
    /// The ledger's head: its last record whose signature verified.
    pub head: Option<ChainHead>,
    /// Every finding, in ledger order.
    pub findings: Vec<Finding>,
}

impl LedgerReport {
    /// True when no finding is an error.
    pub fn holds(&self) -> bool {
        self.findings
            .iter()
            .all(|f| f.severity < FindingSeverity::Error)
    }

    /// The error findings.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == FindingSeverity::Error)
    }
}

impl std::fmt::Display for LedgerReport {
    /// A plain-text account: records, head, then one line per finding.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{} ledger record(s)", self.records)?;
        match &self.head {
            Some(h) => writeln!(f, "head: sequence {} record {}", h.sequence, h.record)?,
            None => writeln!(f, "head: none")?,
        }
        for x in &self.findings {
            writeln!(f, "{x}")?;
        }
        write!(
            f,
            "{}",
            if self.holds() {
                "every rule checked holds"
            } else {
                "the ledger FAILS"
            }
        )
    }
}

fn deadline_of(
    ctx: &mut Ctx<'_>,
    at: Option<(usize, Option<u64>, &RecordId)>,
    calendar: &WorkingCalendar,
    f: &ResultFields,
    entered: Timestamp,
) -> Deadline {
    let entered_on = china_date(entered);
    match calendar.timeliness(f.inspection_end, entered_on) {
        Ok(Timeliness::OnTime) => Deadline::OnTime,
        Ok(Timeliness::Overdue { working_days_late }) => {
            let due = calendar
                .entry_deadline(f.inspection_end)
                .map(format_date)
                .unwrap_or_default();
            ctx.push(
                FindingSeverity::Warning,
                "overdue",
                at,
                format!(
                    "entity {}: entered {}, {working_days_late} working day(s) after the deadline {due} (20 working days after the inspection ended {}; calendar {})",
                    f.uscc,
                    format_date(entered_on),
                    format_date(f.inspection_end),
                    calendar.describe_span(f.inspection_end, entered_on)
                ),
                format!(
                    "检查对象 {}：录入日期为 {}，超过录入期限 {due} 共 {working_days_late} 个工作日（期限为检查结束日 {} 后 20 个工作日；日历：{}）",
                    f.uscc,
                    format_date(entered_on),
                    format_date(f.inspection_end),
                    calendar.describe_span(f.inspection_end, entered_on)
                ),
            );
            Deadline::Overdue { working_days_late }
        }
        Err(CalendarError::EntryBeforeCheckEnd { .. }) => Deadline::OnTime,
        Err(e) => {
            ctx.push(
                FindingSeverity::Note,
                "deadline",
                at,
                format!("entity {}: the entry deadline was not checked: {e}", f.uscc),
                format!("检查对象 {}：未核对录入期限：{}", f.uscc, e.message_zh()),
            );
            Deadline::NotChecked
        }
    }
}

/// Checks a published file against the ledger's checkpoints (check
/// `published-file`): a note when the latest checkpoint lists its SHA-256,
/// a warning when only an older one does (the file is superseded) or when
/// records follow the latest checkpoint (the publication is behind), an
/// error when none does (the file is not what was published).
pub fn check_published_file(ledger: &Ledger, name: &str, bytes: &[u8]) -> Finding {
    use sha2::{Digest, Sha256};
    let digest: Hash = Sha256::digest(bytes).into();
    let latest = ledger.checkpoints.last();
    let found = ledger
        .checkpoints
        .iter()
        .rev()
        .find(|c| c.payload.files.iter().any(|f| f.sha256 == digest));
    let after = |c: &CheckpointRecord| {
        ledger
            .head
            .map_or(0, |(_, seq, _)| seq.saturating_sub(c.sequence))
    };
    let (severity, (message, message_zh), at) = match found {
        Some(c) if latest.is_some_and(|l| l.record == c.record) && after(c) > 0 => (
            FindingSeverity::Warning,
            (
                format!(
                    "{name}: listed by the latest checkpoint (sequence {}), but the ledger holds {} record(s) after it: results or corrections not yet published",
                    c.sequence,
                    after(c)
                ),
                format!(
                    "{name}：已列入最新的检查点（序号 {}），但台账在其后还有 {} 条记录：有检查结果或更正尚未公示",
                    c.sequence,
                    after(c)
                ),
            ),
            Some(c),
        ),
        Some(c) if latest.is_some_and(|l| l.record == c.record) => (
            FindingSeverity::Note,
            (
                format!(
                    "{name}: SHA-256 {} is listed by the latest checkpoint (sequence {})",
                    hex(&digest),
                    c.sequence
                ),
                format!(
                    "{name}：SHA-256 {} 已列入最新的检查点（序号 {}）",
                    hex(&digest),
                    c.sequence
                ),
            ),
            Some(c),
        ),
        Some(c) => (
            FindingSeverity::Warning,
            (
                format!(
                    "{name}: listed by the checkpoint at sequence {}, but a later publication supersedes it",
                    c.sequence
                ),
                format!(
                    "{name}：已列入序号 {} 的检查点，但已被此后的公示取代",
                    c.sequence
                ),
            ),
            Some(c),
        ),
        None => (
            FindingSeverity::Error,
            (
                format!(
                    "{name}: SHA-256 {} is listed by no checkpoint of the ledger: the file is not what was published",
                    hex(&digest)
                ),
                format!(
                    "{name}：SHA-256 {} 未列入台账的任何检查点：该文件不是所公示的文件",
                    hex(&digest)
                ),
            ),
            None,
        ),
    };
    Finding {
        severity,
        check: "published-file",
        line: None,
        sequence: at.map(|c| c.sequence),
        record: at.map(|c| hex(&c.record)),
        message,
        message_zh: Some(message_zh),
    }
}
