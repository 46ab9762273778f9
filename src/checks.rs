//! The checks both sides run: the office before it signs, the auditor when
//! it verifies. Findings, the record checks of a commitment and of a draw,
//! the chain-link rules, and the replay of a draw from its records.

use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};
use time::Date;

use crate::assignment::{AssignError, History, Team};
use crate::beacon::{BeaconVerdict, check_beacon_zh, drand_round_time};
use crate::calendar::Timestamp;
use crate::commitment::{
    CommitError, Hash, commit_conflicts, commit_entities, commit_inspectors, commit_items,
};
use crate::records::{
    ChainLink, CommitmentPayload, Count, DrawPayload, EntityRootRecord, Envelope, FormatVersion,
    PerClass, RandomnessPlan, RandomnessValue, RecordError, RecordId, RegisterRoots, RootRecord,
    TaskRecord, TeamSpec, Witnessing,
};
use crate::registers::{CreditClass, Entity, EntityRegister, Registers};
use crate::sampling::{
    SampleError, SizeError, derive_seed, draw_all, sample_sizes, sample_sizes_with,
};
use crate::task::{Task, TaskError};

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingSeverity {
    /// Information: what was checked or could not be.
    Note,
    /// Worth a look, but not a broken rule (an open commitment, local randomness).
    Warning,
    /// A rule of the format is broken: the verification fails.
    Error,
}

/// One finding of the verifier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Severity.
    pub severity: FindingSeverity,
    /// Stable name of the check (e.g. `signature`, `sequence-gap`, `seed`).
    pub check: &'static str,
    /// 1-based line of the chain file, when the finding is about one record.
    pub line: Option<usize>,
    /// Sequence number of the record, when known.
    pub sequence: Option<u64>,
    /// Record id (hex), when the finding is about one record.
    pub record: Option<String>,
    /// What was found, in words (English).
    pub message: String,
    /// The message in Chinese, for people: the same facts as `message`.
    /// `None` where none was written; readers then show `message`. Not
    /// serialized: machine output carries `message` only.
    #[serde(skip)]
    pub message_zh: Option<String>,
}

impl Finding {
    /// The message for a Chinese reader: `message_zh`, or `message` where
    /// no Chinese was written.
    pub fn message_in_chinese(&self) -> &str {
        self.message_zh.as_deref().unwrap_or(&self.message)
    }
}

impl std::fmt::Display for Finding {
    /// `error [check] line 3 (sequence 2): message`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let severity = match self.severity {
            FindingSeverity::Note => "note",
            FindingSeverity::Warning => "warning",
            FindingSeverity::Error => "error",
        };
        write!(f, "{severity} [{}]", self.check)?;
        if let Some(l) = self.line {
            write!(f, " line {l}")?;
        }
        if let Some(s) = self.sequence {
            write!(f, " (sequence {s})")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The last record of a chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChainHead {
    /// Its sequence number.
    pub sequence: u64,
    /// Its record id.
    pub record: RecordId,
    /// Its `created_at`.
    pub created_at: Timestamp,
}

/// One line of a chain file.
#[derive(Clone, Debug)]
pub struct ChainLine {
    /// 1-based line number.
    pub line: usize,
    /// The envelope on that line.
    pub envelope: Envelope,
}

/// Splits a chain file (JSON Lines: one envelope per line) into envelopes.
///
/// Blank lines are skipped. A line that is not an envelope becomes an error
/// finding (check `envelope`) naming the line; it never stops the reading.
pub fn read_chain(bytes: &[u8]) -> (Vec<ChainLine>, Vec<Finding>) {
    let mut lines = Vec::new();
    let mut findings = Vec::new();
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match Envelope::from_json(raw) {
            Ok(envelope) => lines.push(ChainLine {
                line: i + 1,
                envelope,
            }),
            Err(e) => findings.push(Finding {
                severity: FindingSeverity::Error,
                check: "envelope",
                line: Some(i + 1),
                sequence: None,
                record: None,
                message: format!("not a valid envelope ({}): {e}", e.kind()),
                message_zh: Some(format!("该行不是有效的签名信封（{}）：{e}", e.kind())),
            }),
        }
    }
    (lines, findings)
}

pub(crate) struct Ctx<'r> {
    pub(crate) findings: &'r mut Vec<Finding>,
}

impl Ctx<'_> {
    pub(crate) fn push(
        &mut self,
        severity: FindingSeverity,
        check: &'static str,
        at: Option<(usize, Option<u64>, &RecordId)>,
        message: String,
        message_zh: String,
    ) {
        let (line, sequence, record) = match at {
            Some((l, s, id)) => (Some(l), s, Some(id.to_string())),
            None => (None, None, None),
        };
        self.findings.push(Finding {
            severity,
            check,
            line,
            sequence,
            record,
            message,
            message_zh: Some(message_zh),
        });
    }
}

/// The chain rules every record kind shares: no duplicate, sequence numbers
/// from 0 rising by one, each record naming its predecessor, time never
/// going backwards. Used for receipt chains and for results ledgers.
#[derive(Debug, Default)]
pub(crate) struct LinkChecker {
    seen: HashMap<RecordId, usize>,
    by_sequence: HashMap<u64, RecordId>,
    last: Option<(u64, RecordId, Timestamp)>,
}

impl LinkChecker {
    /// The last record accepted so far.
    pub(crate) fn head(&self) -> Option<ChainHead> {
        self.last.map(|(sequence, id, t)| ChainHead {
            sequence,
            record: id,
            created_at: t,
        })
    }

    /// Opens the record of one chain line and checks its link: the record
    /// with its id and link, or `None` when it was rejected (finding
    /// `record`) or is a duplicate. Receipt chains and ledgers share it.
    pub(crate) fn accept<R>(
        &mut self,
        ctx: &mut Ctx<'_>,
        cl: &ChainLine,
        open: impl FnOnce(&Envelope) -> Result<R, RecordError>,
        chain: impl FnOnce(&R) -> &ChainLink,
    ) -> Option<(RecordId, R, ChainLink)> {
        let id = cl.envelope.record_id();
        let record = match open(&cl.envelope) {
            Ok(r) => r,
            Err(e) => {
                ctx.push(
                    FindingSeverity::Error,
                    "record",
                    Some((cl.line, None, &id)),
                    format!("record rejected ({}): {e}", e.kind()),
                    format!("记录被拒绝（{}）：{}", e.kind(), e.message_zh()),
                );
                // Not remembered as seen: a validly signed copy later on is
                // the record itself and is checked as such (the rejected line
                // already fails the chain).
                return None;
            }
        };
        let link = chain(&record).clone();
        self.check(ctx, cl.line, &id, &link)
            .then_some((id, record, link))
    }

    /// Checks one record's link and remembers it; false when the record is
    /// a duplicate and must be skipped.
    fn check(&mut self, ctx: &mut Ctx<'_>, line: usize, id: &RecordId, link: &ChainLink) -> bool {
        let (findings, duplicate) = self.examine(line, id, link);
        ctx.findings.extend(findings);
        if !duplicate {
            self.apply(line, id, link);
        }
        !duplicate
    }

    /// The findings of one record's link, without remembering it, and
    /// whether it is a duplicate (to be skipped).
    pub(crate) fn examine(
        &self,
        line: usize,
        id: &RecordId,
        link: &ChainLink,
    ) -> (Vec<Finding>, bool) {
        use FindingSeverity::Error;
        let mut out = Vec::new();
        let mut push = |check: &'static str, message: String, message_zh: String| {
            out.push(Finding {
                severity: Error,
                check,
                line: Some(line),
                sequence: Some(link.sequence),
                record: Some(id.to_string()),
                message,
                message_zh: Some(message_zh),
            })
        };
        if let Some(first) = self.seen.get(id) {
            push(
                "duplicate",
                format!("the same record is already on line {first}"),
                format!("同一条记录已出现在第 {first} 行"),
            );
            return (out, true);
        }
        match self.last {
            None => {
                if link.sequence != 0 {
                    let last = link.sequence - 1;
                    let (missing, missing_zh) = if last == 0 {
                        (
                            "record 0 is missing".to_owned(),
                            "缺少序号 0 的记录".to_owned(),
                        )
                    } else {
                        (
                            format!("records 0 to {last} are missing"),
                            format!("缺少序号 0 至 {last} 的记录"),
                        )
                    };
                    push(
                        "sequence-gap",
                        format!(
                            "the chain starts at sequence {}, not 0: {missing}",
                            link.sequence
                        ),
                        format!(
                            "凭证链从序号 {} 开始，而不是从 0 开始：{missing_zh}",
                            link.sequence
                        ),
                    );
                } else if link.previous.is_some() {
                    push(
                        "broken-link",
                        "record 0 names a previous record".into(),
                        "序号为 0 的记录却指明了前一条记录".into(),
                    );
                }
            }
            Some((prev_seq, prev_id, prev_time)) => {
                if let Some(other) = self.by_sequence.get(&link.sequence) {
                    push(
                        "fork",
                        format!(
                            "a second record at sequence {} (the first is {other})",
                            link.sequence
                        ),
                        format!(
                            "序号 {} 上出现了第二条记录（第一条为 {other}）",
                            link.sequence
                        ),
                    );
                } else if link.sequence != prev_seq.wrapping_add(1) {
                    push(
                        "sequence-gap",
                        format!(
                            "sequence {} follows {prev_seq}: records are missing or out of order",
                            link.sequence
                        ),
                        format!(
                            "序号 {} 紧接在序号 {prev_seq} 之后：有记录缺失或顺序错乱",
                            link.sequence
                        ),
                    );
                } else if link.previous != Some(prev_id) {
                    let previous = link.previous.map_or("null".into(), |p| p.to_string());
                    push(
                        "broken-link",
                        format!("previous is {previous}, but the record before is {prev_id}"),
                        format!(
                            "本记录所指的前一条记录（previous）为 {previous}，但实际的前一条记录为 {prev_id}"
                        ),
                    );
                }
                if link.created_at < prev_time {
                    push(
                        "time-order",
                        format!(
                            "created {} before the previous record ({prev_time})",
                            link.created_at
                        ),
                        format!("创建时间 {} 早于前一条记录（{prev_time}）", link.created_at),
                    );
                }
            }
        }
        (out, false)
    }

    /// Remembers a record's link (after [`LinkChecker::examine`]).
    pub(crate) fn apply(&mut self, line: usize, id: &RecordId, link: &ChainLink) {
        self.seen.insert(*id, line);
        self.by_sequence.entry(link.sequence).or_insert(*id);
        self.last = Some((link.sequence, *id, link.created_at));
    }

    /// The record at `sequence`, the first one seen there.
    pub(crate) fn at_sequence(&self, sequence: u64) -> Option<RecordId> {
        self.by_sequence.get(&sequence).copied()
    }
}

/// A finding placed nowhere (the caller places it), in English and Chinese.
fn finding(
    severity: FindingSeverity,
    check: &'static str,
    message: String,
    message_zh: String,
) -> Finding {
    Finding {
        severity,
        check,
        line: None,
        sequence: None,
        record: None,
        message,
        message_zh: Some(message_zh),
    }
}

/// "The committed task breaks a rule", in English and Chinese (the rule's
/// own text is the library's English).
fn breaks_a_rule(rule: impl std::fmt::Display) -> (String, String) {
    (
        format!("the committed task breaks a rule: {rule}"),
        format!("承诺的任务违反规则：{rule}"),
    )
}

/// What breaks the committed task's own rules, version by version, or
/// `None`: in English and in Chinese.
fn task_problem(t: &TaskRecord) -> Option<(String, String)> {
    let ratios = match t.ratios() {
        Ok(r) => r,
        Err(e) => return Some(breaks_a_rule(e)),
    };
    match &t.team {
        TeamSpec::V1(team) => {
            if let Some(p) = crate::task::v1_task_problem(&t.id, &t.name, &t.items, team) {
                return Some(breaks_a_rule(p));
            }
            if let Err(e) = sample_sizes([0; 4], ratios.0) {
                return Some(breaks_a_rule(e));
            }
            team.check(true).err().map(|e| {
                (
                    format!("the committed team rules admit no team: {e}"),
                    format!("按承诺的检查组规则无法组成任何检查组：{e}"),
                )
            })
        }
        TeamSpec::V2(team) => {
            let task = Task::new(
                t.id.clone(),
                t.name.clone(),
                t.items.clone(),
                ratios,
                team.clone(),
                t.inspection_date.unwrap_or(Date::MIN),
            )
            .and_then(|task| task.with_scope(t.scope.clone().unwrap_or_default()))
            .and_then(|task| task.excluding_draws(t.exclude_drawn.clone()))
            .map(|task| task.with_top_up(t.top_up));
            if let Err(e) = task {
                return Some(breaks_a_rule(e));
            }
            if let Some(scope) = &t.scope
                && *scope != scope.clone().canonical()
            {
                return Some((
                    "the committed scope's lists are not sorted by bytes with each value once"
                        .into(),
                    "承诺的抽查范围（scope）中的列表未按字节排序，或有值重复出现".into(),
                ));
            }
            None
        }
    }
}

/// The checks a commitment passes on its own, without the rest of the chain:
/// the drand network is one this format knows, the randomness comes after the
/// commitment (§6 rule 6), the class sizes add up to the stated size, and
/// local randomness is flagged as the weakest kind.
///
/// The findings carry no line or record; the caller places them. The chain
/// verifier, proof bundles and the office's own `commit` use the same list.
pub fn commitment_findings(c: &CommitmentPayload) -> Vec<Finding> {
    use FindingSeverity::{Error, Warning};
    let mut out = Vec::new();
    let created = c.chain.created_at;
    match &c.randomness {
        RandomnessPlan::Drand { chain_hash, round } => {
            if *chain_hash != crate::beacon::QUICKNET_CHAIN_HASH {
                out.push(finding(
                    Error,
                    "randomness",
                    "the drand network is not one this format knows (only quicknet): its round times and signatures cannot be checked".into(),
                    "该 drand 网络不是本格式所知的网络（仅支持 quicknet）：无法核对其轮次时间和签名".into(),
                ));
            } else {
                match drand_round_time(chain_hash, round.0) {
                    None => out.push(finding(
                        Error,
                        "randomness-timing",
                        format!("drand round {} has no publication time (round 0 or beyond the clock): it never exists", round.0),
                        format!("drand 轮次 {} 没有发布时间（轮次为 0 或超出时钟范围）：该轮次永远不会出现", round.0),
                    )),
                    Some(t) if t <= created => out.push(finding(
                        Error,
                        "randomness-timing",
                        format!(
                            "drand round {} was published at {t}, not after the commitment ({created})",
                            round.0
                        ),
                        format!(
                            "drand 轮次 {} 发布于 {t}，并不晚于承诺时间（{created}）",
                            round.0
                        ),
                    )),
                    Some(_) => {}
                }
            }
        }
        RandomnessPlan::Ceremony {
            scheduled_at,
            witnesses,
            ..
        } => {
            out.push(finding(
                Warning,
                "ceremony-randomness",
                "the randomness comes from a ceremony: the value is what the office records, and only the ceremony's witnesses can confirm it (a public beacon can be checked by anyone)".into(),
                "随机数来自摇号仪式：其数值由本机关记录，只有仪式的见证方能够证实（公开信标则任何人都可以核验）".into(),
            ));
            if witnesses.iter().all(|w| w.trim().is_empty()) {
                out.push(finding(
                    Warning,
                    "ceremony-witnesses",
                    "the ceremony names no witness: nobody outside the office is committed to confirm its outcome".into(),
                    "摇号仪式未列明任何见证方：本机关以外没有人承担证实其结果的责任".into(),
                ));
            }
            if *scheduled_at <= created {
                out.push(finding(
                    Error,
                    "randomness-timing",
                    format!("the ceremony ({scheduled_at}) is not after the commitment ({created})"),
                    format!("摇号仪式时间（{scheduled_at}）不晚于承诺时间（{created}）"),
                ));
            }
        }
        RandomnessPlan::Local {} => out.push(finding(
            Warning,
            "local-randomness",
            "the randomness plan is local: the issuer itself supplies the value, so nothing outside its control fixes the draw".into(),
            "随机数方案为本地随机数：数值由发布机关自行提供，抽取结果不受其控制之外的任何因素约束".into(),
        )),
    }
    // The task's own rules, as a task file would be checked, and the team
    // rules as assignment checks them first: nothing here needs a register,
    // so a replay from the records alone catches a commitment no honest
    // office could have made (a team of one, a zero workload cap, ...).
    if let Some((problem, problem_zh)) = task_problem(&c.task) {
        out.push(finding(Error, "task-rules", problem, problem_zh));
    }
    if !c.task.items.is_empty() && c.registers.items.is_none() {
        out.push(finding(
            Error,
            "task-rules",
            "the task names check items but commits no check-item list: the expertise its key items require cannot be checked".into(),
            "任务列明了抽查事项，但承诺中没有抽查事项清单：无法核对重点事项所要求的专业领域".into(),
        ));
    }
    if c.task.inspection_date.is_none() {
        out.push(finding(
            Warning,
            "inspection-date",
            "no inspection date is committed: the draw's own date, which the issuer states, decides whose certificates are valid and so can shape the teams".into(),
            "承诺中没有检查日期：由发布机关自行填写的抽取日期决定哪些人员的执法证有效，因而可能影响检查组的组成".into(),
        ));
    }
    let e = &c.registers.entities;
    let sum = e
        .class_sizes
        .to_array()
        .iter()
        .try_fold(0u64, |acc, n| acc.checked_add(n.0));
    if sum != Some(e.size.0) {
        let sizes = e
            .class_sizes
            .to_array()
            .map(|n| n.0.to_string())
            .join(" + ");
        out.push(finding(
            Error,
            "register-size",
            format!(
                "the entity class sizes ({sizes}) do not add up to the stated size {}",
                e.size.0
            ),
            format!(
                "检查对象各信用风险类别的户数（{sizes}）之和不等于声明的总数 {}",
                e.size.0
            ),
        ));
    }
    out
}

/// The checks of a draw that need only its commitment and the draw record
/// itself (no other record, no register): a known algorithm, randomness that
/// fits the plan, the beacon signature, the draw dated no earlier than its
/// randomness, the seed, and the inspection date (§5.2, §6 rule 6).
///
/// When the algorithm is unknown that is the only finding: nothing else can
/// be judged. The chain verifier, proof bundles and the office's own `draw`
/// use the same list.
pub fn draw_findings(
    commitment: &CommitmentPayload,
    commitment_id: &RecordId,
    draw: &DrawPayload,
) -> Vec<Finding> {
    use FindingSeverity::{Error, Note, Warning};
    let mut out = Vec::new();
    let expected = commitment.draw_algorithm();
    if draw.algorithm != expected || draw.format != commitment.format {
        out.push(finding(
            Error,
            "algorithm",
            format!(
                "draw algorithm {:?} in a {:?} record, but a draw of this {:?} commitment uses {expected:?}",
                draw.algorithm, draw.format, commitment.format
            ),
            format!(
                "{:?} 格式记录中的抽取算法为 {:?}，但此 {:?} 承诺的抽取应使用 {expected:?}",
                draw.format, draw.algorithm, commitment.format
            ),
        ));
        return out;
    }
    if let Err((reason, reason_zh)) = randomness_shape(&commitment.randomness, &draw.randomness) {
        out.push(finding(
            Error,
            "randomness",
            DrawError::Randomness {
                reason: reason.to_owned(),
            }
            .to_string(),
            randomness_zh(reason_zh),
        ));
    }
    let (verdict, reason_zh) = check_beacon_zh(&commitment.randomness, &draw.randomness);
    match verdict {
        BeaconVerdict::Verified => out.push(finding(
            Note,
            "beacon",
            "the beacon signature of the committed round verifies and gives the value used".into(),
            "所承诺轮次的信标签名核验通过，并得出所用的随机数".into(),
        )),
        BeaconVerdict::NotChecked { reason } => {
            let drand = matches!(commitment.randomness, RandomnessPlan::Drand { .. });
            // A drand plan must carry the round's signature: without it the
            // value could be anything the issuer chose.
            let sev = if drand && draw.randomness.beacon_signature.is_none() {
                Error
            } else if drand {
                Warning
            } else {
                Note
            };
            out.push(finding(
                sev,
                "beacon",
                format!("beacon not checked: {reason}"),
                format!("未核验信标：{reason_zh}"),
            ));
        }
        BeaconVerdict::Failed { reason } => {
            out.push(finding(Error, "beacon", reason, reason_zh));
        }
    }
    if let Some(t) = commitment.randomness.available_at()
        && draw.chain.created_at < t
    {
        out.push(finding(
            Error,
            "randomness-timing",
            format!(
                "the draw is dated {}, before its randomness existed ({t})",
                draw.chain.created_at
            ),
            format!(
                "抽取记录的时间为 {}，早于其随机数产生的时间（{t}）",
                draw.chain.created_at
            ),
        ));
    }
    let seed = derive_seed(commitment_id.as_bytes(), &draw.randomness.value);
    if seed != draw.seed {
        let (stated, expected) = (crate::hex::encode(&draw.seed), crate::hex::encode(&seed));
        out.push(finding(
            Error,
            "seed",
            format!("seed is {stated}, but the commitment and randomness give {expected}"),
            format!("种子为 {stated}，但由承诺和随机数得出的种子为 {expected}"),
        ));
    }
    // Version 1 draws state the date they used; version 2 takes the committed one.
    if let Some(stated) = draw.inspection_date {
        let expected_date = commitment
            .task
            .inspection_date
            .unwrap_or(draw.chain.created_at.date());
        if stated != expected_date {
            let (stated, expected) = (
                crate::calendar::format_date(stated),
                crate::calendar::format_date(expected_date),
            );
            out.push(finding(
                Error,
                "inspection-date",
                format!("inspection date {stated} is not the committed one ({expected})"),
                format!("检查日期 {stated} 不是承诺的检查日期（{expected}）"),
            ));
        }
    }
    if draw.witnessing == Some(Witnessing::Unwitnessed) {
        out.push(finding(
            Warning,
            "unwitnessed",
            "the office drew without witness cosignatures of the commitment dated before the randomness: only its own word places the commitment first".into(),
            "本机关在没有见证方对承诺作出副署（且副署时间早于随机数）的情况下进行了抽取：承诺早于随机数这一点只有本机关的自述为证".into(),
        ));
    }
    out
}

/// The entity roots a commitment of format `version` binds: the pool's
/// root and class sizes, and (version 2) the master register's root and
/// size. `pool` is the pool the commitment's scope and exclusions derive
/// from `master` (version 2); `None` takes the master register itself, as
/// version 1 does. The leaves are those of `version` (docs/FORMAT.md §2).
pub fn entity_roots(
    master: &EntityRegister,
    version: FormatVersion,
    pool: Option<&EntityRegister>,
) -> Result<(EntityRootRecord, Option<RootRecord>), CommitError> {
    let master_root = match version {
        FormatVersion::V1 => None,
        _ => {
            let m = commit_entities(master, version)?;
            Some(RootRecord {
                root: m.root,
                // A register in memory holds fewer than 2^64 entities.
                size: Count(m.class_sizes.iter().sum()),
            })
        }
    };
    let e = commit_entities(pool.unwrap_or(master), version)?;
    Ok((
        EntityRootRecord {
            root: e.root,
            size: Count(e.class_sizes.iter().sum()),
            class_sizes: PerClass::from_array(e.class_sizes.map(Count)),
        },
        master_root,
    ))
}

/// Computes the roots of every register a commitment of format `version`
/// binds ([`entity_roots`] for the entities; `pool` as there).
pub fn register_roots(
    r: &Registers<'_>,
    version: FormatVersion,
    pool: Option<&EntityRegister>,
    conflict_salt: &[u8],
) -> Result<RegisterRoots, CommitError> {
    let root = |x: crate::commitment::RegisterRoot| RootRecord {
        root: x.root,
        size: Count(x.size),
    };
    let (entities, master) = entity_roots(r.entities, version, pool)?;
    Ok(RegisterRoots {
        entities,
        master,
        inspectors: root(commit_inspectors(r.inspectors)?),
        conflicts: root(commit_conflicts(r.conflicts, conflict_salt)?),
        items: r.items.map(commit_items).transpose()?.map(root),
    })
}

/// Why a commitment or draw cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DrawError {
    /// The task breaks a rule.
    #[error(transparent)]
    Task(#[from] TaskError),
    /// A register could not be committed.
    #[error(transparent)]
    Commit(#[from] CommitError),
    /// Sample sizes cannot be computed.
    #[error(transparent)]
    Size(#[from] SizeError),
    /// The sampler refused its input.
    #[error(transparent)]
    Sample(#[from] SampleError),
    /// Team assignment failed.
    #[error(transparent)]
    Assign(#[from] AssignError),
    /// Team assignment of format version 1 failed.
    #[error(transparent)]
    AssignV1(#[from] crate::assignment::v1::AssignError),
    /// The committed team could be unstaffable for some randomness.
    #[error(transparent)]
    Staffing(#[from] crate::assignment::StaffingError),
    /// A register given for the draw is not the one committed.
    #[error(
        "the {register} register differs from the committed one (committed root {committed}, this file {actual}); draw with the registers that were committed, or cancel and commit again"
    )]
    RegisterMismatch {
        /// Which register.
        register: &'static str,
        /// Committed root (hex).
        committed: String,
        /// Root of the register given (hex).
        actual: String,
    },
    /// The randomness does not fit the committed plan.
    #[error("randomness does not fit the committed plan: {reason}")]
    Randomness {
        /// What is wrong.
        reason: String,
    },
    /// The record would fail one of the verifier's record checks
    /// ([`crate::checks::commitment_findings`], [`crate::checks::draw_findings`]): an office
    /// never signs a record an auditor must reject.
    #[error("refused: the record would fail the verifier's check {check}: {message}")]
    Refused {
        /// The check's stable name (`docs/FORMAT.md` §7).
        check: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The task names check items but no item list was given.
    #[error("the task names check items; give the check-item list so their expertise rules apply")]
    ItemsMissing,
}

/// Checks that a randomness value fits the committed plan: a drand round's
/// value is 32 bytes and, when its signature is given, the SHA-256 of it
/// (the drand randomness rule); other sources need a non-empty value.
pub fn check_randomness_shape(
    plan: &RandomnessPlan,
    value: &RandomnessValue,
) -> Result<(), DrawError> {
    randomness_shape(plan, value).map_err(|(reason, _)| DrawError::Randomness {
        reason: reason.to_owned(),
    })
}

/// Why a randomness value does not fit the plan, in English and Chinese.
const SHAPE_REASONS: [(&str, &str); 4] = [
    (
        "a drand round's randomness is 32 bytes",
        "drand 轮次的随机数应为 32 字节",
    ),
    (
        "the value is not the SHA-256 of the beacon signature",
        "该数值不是信标签名的 SHA-256 值",
    ),
    (
        "a beacon signature is given, but the plan is not a beacon",
        "给出了信标签名，但随机数方案不是信标",
    ),
    ("the randomness value is empty", "随机数为空"),
];

/// [`check_randomness_shape`] with the reason in both languages.
fn randomness_shape(
    plan: &RandomnessPlan,
    value: &RandomnessValue,
) -> Result<(), (&'static str, &'static str)> {
    let [len, digest, not_beacon, empty] = SHAPE_REASONS;
    match plan {
        RandomnessPlan::Drand { .. } => {
            if value.value.len() != 32 {
                return Err(len);
            }
            if let Some(sig) = &value.beacon_signature
                && Sha256::digest(sig).as_slice() != value.value.as_slice()
            {
                return Err(digest);
            }
            Ok(())
        }
        _ if value.beacon_signature.is_some() => Err(not_beacon),
        _ if value.value.is_empty() => Err(empty),
        _ => Ok(()),
    }
}

/// [`DrawError::Randomness`] in Chinese.
fn randomness_zh(reason_zh: &str) -> String {
    format!("随机数与承诺的方案不符：{reason_zh}")
}

/// The Chinese name of a register as [`DrawError::RegisterMismatch`] names it.
pub(crate) fn register_zh(register: &str) -> &str {
    match register {
        "entity" => "检查对象名录库",
        "master entity" => "检查对象主名录库",
        "inspector" => "执法检查人员名录",
        "conflict" => "回避名单",
        "check-item" => "抽查事项清单",
        other => other,
    }
}

impl DrawError {
    /// The error in Chinese, for a finding's `message_zh`. The errors of
    /// other parts of the library this one carries keep their English text
    /// after a Chinese label.
    pub(crate) fn message_zh(&self) -> String {
        match self {
            DrawError::Task(e) => format!("任务违反规则：{e}"),
            DrawError::Commit(e) => format!("无法计算名录的承诺（默克尔根）：{e}"),
            DrawError::Size(e) => format!("无法计算抽取数量：{e}"),
            DrawError::Sample(e) => format!("抽样程序拒绝了输入：{e}"),
            DrawError::Assign(e) => format!("无法分配检查组：{e}"),
            DrawError::AssignV1(e) => format!("无法分配检查组（格式版本 1）：{e}"),
            DrawError::Staffing(e) => format!("承诺的检查组可能无法配齐人员：{e}"),
            DrawError::RegisterMismatch {
                register,
                committed,
                actual,
            } => format!(
                "{}与承诺的不一致（承诺的默克尔根 {committed}，本文件 {actual}）；请使用承诺时的名录进行抽取，或撤销后重新承诺",
                register_zh(register)
            ),
            DrawError::Randomness { reason } => {
                let zh = SHAPE_REASONS
                    .iter()
                    .find(|(en, _)| en == reason)
                    .map_or(reason.as_str(), |(_, zh)| zh);
                randomness_zh(zh)
            }
            DrawError::Refused { check, message } => {
                format!("已拒绝：该记录将无法通过验证程序的检查 {check}：{message}")
            }
            DrawError::ItemsMissing => {
                "任务列明了抽查事项；请提供抽查事项清单，以便适用重点事项的专业领域要求".into()
            }
        }
    }
}

/// The inspection date a draw of this commitment uses: the committed one,
/// or (version 1, none committed) the UTC date of the draw's `created_at`.
pub fn inspection_date(commitment: &CommitmentPayload, drawn_at: Date) -> Date {
    commitment.task.inspection_date.unwrap_or(drawn_at)
}

/// The seed, sizes and ranks of a draw: everything that follows from the
/// commitment and the randomness alone (no register needed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replay {
    /// The seed.
    pub seed: Hash,
    /// Number drawn per class.
    pub sizes: [u64; 4],
    /// Ranks per class in draw order.
    pub ranks: [Vec<u64>; 4],
}

/// The number to draw per class: the committed class sizes and ratios
/// through [`sample_sizes`]. Cheap whatever the pool sizes, so a verifier
/// compares a draw's counts with these before it runs the sampler.
pub fn sample_counts(commitment: &CommitmentPayload) -> Result<[u64; 4], DrawError> {
    Ok(sample_sizes_with(
        commitment.pools(),
        commitment.task.ratios()?.0,
        commitment.task.top_up,
    )?)
}

/// Recomputes seed, sizes and ranks from a commitment and a randomness value.
///
/// The sampler's work grows with the sample sizes, which a commitment's
/// class sizes and ratios fix; a verifier of untrusted records checks the
/// stated counts against [`sample_counts`] first.
pub fn replay(
    commitment: &CommitmentPayload,
    commitment_id: &RecordId,
    randomness: &[u8],
) -> Result<Replay, DrawError> {
    let seed = derive_seed(commitment_id.as_bytes(), randomness);
    let sizes = sample_counts(commitment)?;
    let ranks = draw_all(&seed, commitment.pools(), sizes)?;
    Ok(Replay { seed, sizes, ranks })
}

fn hex(h: &Hash) -> String {
    crate::hex::encode(h)
}

/// Checks that registers are the committed ones (a commitment of format
/// `version`; `pool` as in [`entity_roots`]).
pub fn check_registers(
    committed: &RegisterRoots,
    r: &Registers<'_>,
    version: FormatVersion,
    pool: Option<&EntityRegister>,
    conflict_salt: &[u8],
) -> Result<(), DrawError> {
    compare_roots(committed, &register_roots(r, version, pool, conflict_salt)?)
}

/// Checks registers' roots (from [`register_roots`]) against the committed ones.
pub fn compare_roots(committed: &RegisterRoots, actual: &RegisterRoots) -> Result<(), DrawError> {
    // Roots and sizes: a commitment stating the right root with a wrong
    // size is as wrong as a wrong root.
    let pairs = [
        (
            "entity",
            (committed.entities.root, committed.entities.size),
            (actual.entities.root, actual.entities.size),
        ),
        (
            "inspector",
            (committed.inspectors.root, committed.inspectors.size),
            (actual.inspectors.root, actual.inspectors.size),
        ),
        (
            "conflict",
            (committed.conflicts.root, committed.conflicts.size),
            (actual.conflicts.root, actual.conflicts.size),
        ),
    ];
    for (register, c, a) in pairs {
        if c.0 != a.0 {
            return Err(DrawError::RegisterMismatch {
                register,
                committed: hex(&c.0),
                actual: hex(&a.0),
            });
        }
        if c.1 != a.1 {
            return Err(DrawError::RegisterMismatch {
                register,
                committed: format!("{} stated with size {}", hex(&c.0), c.1.0),
                actual: format!("{} of size {}", hex(&a.0), a.1.0),
            });
        }
    }
    if committed.entities != actual.entities {
        return Err(DrawError::RegisterMismatch {
            register: "entity",
            committed: hex(&committed.entities.root),
            actual: hex(&actual.entities.root),
        });
    }
    // The master register after the pool: when the pool matches, rows that
    // differ in the master lie outside the task's scope (the draw is not
    // affected, but the file is still not the one committed).
    if committed.master != actual.master {
        let text = |r: Option<RootRecord>| {
            r.map_or("(none)".to_owned(), |r| {
                format!("{} of size {}", hex(&r.root), r.size.0)
            })
        };
        return Err(DrawError::RegisterMismatch {
            register: "master entity",
            committed: text(committed.master),
            actual: text(actual.master),
        });
    }
    // The check-item list is part of the commitment: one committed must be
    // given, and one not committed must not be.
    if committed.items != actual.items {
        let text = |r: Option<RootRecord>| r.map_or("(no list)".to_owned(), |r| hex(&r.root));
        return Err(DrawError::RegisterMismatch {
            register: "check-item",
            committed: text(committed.items),
            actual: text(actual.items),
        });
    }
    Ok(())
}

/// The drawn entities of a replay, looked up in the register, in draw order.
pub fn drawn_entities<'r>(
    replay: &Replay,
    entities: &'r EntityRegister,
) -> Vec<(CreditClass, u64, &'r Entity)> {
    let mut out = Vec::new();
    for c in CreditClass::ALL {
        let class = entities.class(c);
        for &rank in &replay.ranks[c.index()] {
            // Ranks are below the committed class size, which equals the register's.
            if let Some(e) = usize::try_from(rank).ok().and_then(|r| class.get(r)) {
                out.push((c, rank, e));
            }
        }
    }
    out
}

/// Assigns the teams of a draw with the committed rules: assignment v1 for
/// a version-1 commitment, v2 for version 2.
pub fn teams_for(
    commitment: &CommitmentPayload,
    replay: &Replay,
    drawn: &[(CreditClass, u64, &Entity)],
    r: &Registers<'_>,
    date: Date,
    history: Option<&History>,
) -> Result<Vec<Team>, DrawError> {
    let entities: Vec<&Entity> = drawn.iter().map(|&(_, _, e)| e).collect();
    Ok(match &commitment.task.team {
        TeamSpec::V1(rules) => {
            let entities: Vec<Entity> = entities.into_iter().cloned().collect();
            let empty = History::new();
            crate::assignment::v1::assign_teams(
                &replay.seed,
                &entities,
                r.inspectors,
                r.conflicts,
                rules,
                date,
                history.or(Some(&empty)),
            )?
        }
        TeamSpec::V2(rules) => assign_v2(rules, replay, &entities, r, date, history)?.teams(),
    })
}

/// Whether `stated` are the teams [`teams_for`] assigns. A version-2 draw's
/// are compared one at a time, without a second list of 50,000 teams
/// beside the draw's own (the verifier's peak memory).
///
/// # Errors
///
/// Those of [`teams_for`].
pub fn teams_match(
    commitment: &CommitmentPayload,
    replay: &Replay,
    drawn: &[(CreditClass, u64, &Entity)],
    r: &Registers<'_>,
    date: Date,
    history: Option<&History>,
    stated: &[Team],
) -> Result<bool, DrawError> {
    let TeamSpec::V2(rules) = &commitment.task.team else {
        return Ok(teams_for(commitment, replay, drawn, r, date, history)? == stated);
    };
    let entities: Vec<&Entity> = drawn.iter().map(|&(_, _, e)| e).collect();
    Ok(assign_v2(rules, replay, &entities, r, date, history)?.matches(stated))
}

/// The version-2 assignment of a draw's teams (no history counts as an
/// empty one), as the places' holders.
fn assign_v2<'a>(
    rules: &crate::assignment::v2::TeamRules,
    replay: &Replay,
    entities: &'a [&'a Entity],
    r: &Registers<'a>,
    date: Date,
    history: Option<&History>,
) -> Result<crate::assignment::v2::Assigned<'a, &'a Entity>, DrawError> {
    let empty = History::new();
    Ok(crate::assignment::v2::assign(
        &replay.seed,
        entities,
        r.inspectors,
        r.conflicts,
        rules,
        date,
        history.or(Some(&empty)),
    )?)
}

/// Runs `first` and `second` and returns what each returns: side by side
/// with feature `parallel` (`second` on a thread of its own), one after the
/// other without it.
pub(crate) fn side_by_side<A, B: Send>(
    first: impl FnOnce() -> A,
    second: impl FnOnce() -> B + Send,
) -> (A, B) {
    #[cfg(feature = "parallel")]
    {
        std::thread::scope(|s| {
            let other = s.spawn(second);
            let a = first();
            let b = other
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            (a, b)
        })
    }
    #[cfg(not(feature = "parallel"))]
    {
        let a = first();
        (a, second())
    }
}

#[cfg(test)]
mod link_tests {
    use super::*;

    fn link(sequence: u64) -> ChainLink {
        ChainLink {
            issuer: "测试局".into(),
            key_id: "00".repeat(32),
            sequence,
            previous: Some(RecordId::from_bytes([7; 32])),
            created_at: Timestamp::from_unix(1_700_000_000).expect("in range"),
        }
    }

    /// The message of the `sequence-gap` found when a chain starts at `first`.
    fn start_gap(first: u64) -> (String, String) {
        let (findings, _) =
            LinkChecker::default().examine(1, &RecordId::from_bytes([1; 32]), &link(first));
        let f = findings
            .into_iter()
            .find(|f| f.check == "sequence-gap")
            .expect("a chain that does not start at 0 has a gap");
        (f.message, f.message_zh.expect("said in Chinese too"))
    }

    #[test]
    fn a_chain_starting_late_names_the_missing_records_inclusively() {
        let (en, zh) = start_gap(1);
        assert!(en.ends_with("not 0: record 0 is missing"), "{en}");
        assert!(zh.ends_with("缺少序号 0 的记录"), "{zh}");
        let (en, zh) = start_gap(4);
        assert!(en.ends_with("not 0: records 0 to 3 are missing"), "{en}");
        assert!(zh.ends_with("缺少序号 0 至 3 的记录"), "{zh}");
        assert!(
            LinkChecker::default()
                .examine(
                    1,
                    &RecordId::from_bytes([1; 32]),
                    &ChainLink {
                        previous: None,
                        ..link(0)
                    }
                )
                .0
                .is_empty()
        );
    }
}
