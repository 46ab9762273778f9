//! The auditor's verifier: signatures, the chain, replay of every draw, and
//! full replay against the register files.
//!
//! [`verify_chain`] never stops at the first problem: it reports every
//! finding, each naming the line of the chain file, the sequence number, the
//! record and a stable check name (`docs/FORMAT.md`, "Checks"). The rules
//! run record by record on a [`ChainState`], which the office's
//! [`crate::chain::Chain`] keeps too, so appending a record costs the checks
//! of that record only.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;

use serde::Serialize;

use crate::after_draw::{AfterDrawError, AmendedDraw, PickInputs};
use crate::assignment::{History, RotationPolicy};
use crate::checks::{
    DrawError, LinkChecker, commitment_findings, compare_roots, draw_findings, drawn_entities,
    entity_roots, replay, sample_counts, teams_match,
};
use crate::commitment::{commit_conflicts, commit_inspectors, commit_items};
use crate::records::{
    CancellationPayload, ChainLink, CommitmentPayload, Count, DrawPayload, FormatVersion,
    IssuerPublicKey, Record, RecordId, RegisterRoots, RootRecord, TeamSpec,
};
use crate::registers::{CheckItemList, CreditClass, EntityRegister, Registers, Uscc};
use crate::task::{merge_key_expertise, merge_key_expertise_v1};

pub use crate::checks::{ChainHead, ChainLine, Finding, FindingSeverity, read_chain};
pub use wrong_key::WrongKey;

#[cfg(test)]
mod audit_tests;
mod mismatch;
mod policy;
mod same_name;

pub use policy::{RandomnessPolicy, apply_randomness_policy};
mod wrong_key;

/// How much to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Signatures and chain rules only.
    Chain,
    /// Also replay every draw from its records alone: seed, sizes, ranks.
    Replay,
    /// Also check against the register files: roots, drawn codes, teams, conflicts.
    Full,
}

/// The verifier's report on a receipt chain.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// Records read.
    pub records: usize,
    /// Commitments among them.
    pub commitments: usize,
    /// Draws.
    pub draws: usize,
    /// Cancellations.
    pub cancellations: usize,
    /// Inspector replacements after a draw.
    pub replacements: usize,
    /// Supplementary draws (补充抽取).
    pub supplements: usize,
    /// Draws replayed (level replay or full).
    pub draws_replayed: usize,
    /// Draws checked against register files.
    pub draws_checked_with_registers: usize,
    /// The chain's head: its last record whose signature verified (`None` when
    /// no record did). Publishing it (or comparing it with a published one) is what
    /// shows that nothing was cut from the end of the chain.
    pub head: Option<ChainHead>,
    /// Whether witness evidence was checked (witness keys were given).
    pub witnesses_checked: bool,
    /// For each draw, who witnessed its commitment before the randomness
    /// existed (empty unless witness keys were given).
    pub witnessed: Vec<DrawWitnesses>,
    /// Every finding, in chain order (a `wrong-key` finding first).
    pub findings: Vec<Finding>,
    /// The key the records state, when the key given signed none of them
    /// (check `wrong-key`).
    pub wrong_key: Option<WrongKey>,
}

/// The witness evidence of one draw's commitment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DrawWitnesses {
    /// The draw.
    pub draw: RecordId,
    /// Its commitment.
    pub commitment: RecordId,
    /// The commitment's sequence number.
    pub commitment_sequence: u64,
    /// When the randomness existed (`None`: local randomness).
    pub randomness_time: Option<crate::calendar::Timestamp>,
    /// The trusted witnesses that cosigned a head at or after the commitment
    /// before that time, each with its earliest such cosignature.
    pub witnesses: Vec<WitnessEvidence>,
}

/// One witness's cosignature that places a commitment before a time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WitnessEvidence {
    /// The witness's name.
    pub name: String,
    /// Its key id.
    pub key_id: String,
    /// The head it cosigned.
    pub sequence: u64,
    /// When, by the witness's clock.
    pub time: crate::calendar::Timestamp,
}

impl Report {
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

    /// Moves a `wrong-key` finding to the front (after findings were
    /// prepended, such as those of reading the file), keeping the order of
    /// the others.
    pub fn lead_with_wrong_key(&mut self) {
        self.findings.sort_by_key(|f| f.check != "wrong-key");
    }
}

impl Report {
    /// `, R replacement(s), S supplement(s)` when the chain holds any, else empty.
    pub fn after_draw_counts(&self) -> String {
        if self.replacements + self.supplements == 0 {
            String::new()
        } else {
            format!(
                ", {} replacement(s), {} supplement(s)",
                self.replacements, self.supplements
            )
        }
    }
}

impl fmt::Display for Report {
    /// A plain-text account: a wrong key first, counts, head, then one
    /// line per finding.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for x in self.findings.iter().filter(|x| x.check == "wrong-key") {
            writeln!(f, "{x}")?;
        }
        writeln!(
            f,
            "{} record(s): {} commitment(s), {} draw(s), {} cancellation(s){}; {} draw(s) replayed, {} checked against the registers",
            self.records,
            self.commitments,
            self.draws,
            self.cancellations,
            self.after_draw_counts(),
            self.draws_replayed,
            self.draws_checked_with_registers
        )?;
        match &self.head {
            Some(h) => writeln!(f, "head: sequence {} record {}", h.sequence, h.record)?,
            None => writeln!(f, "head: none")?,
        }
        for x in self.findings.iter().filter(|x| x.check != "wrong-key") {
            writeln!(f, "{x}")?;
        }
        write!(
            f,
            "{}",
            if self.holds() {
                "every rule checked holds"
            } else {
                "the chain FAILS"
            }
        )
    }
}

/// Reads and verifies a chain file in one step: [`read_chain`] then
/// [`verify_chain`], with the reading findings first.
pub fn verify_chain_bytes(
    bytes: &[u8],
    key: &IssuerPublicKey,
    options: &VerifyOptions<'_>,
) -> Report {
    let (lines, mut findings) = read_chain(bytes);
    let mut report = verify_chain(&lines, key, options);
    report.records += findings.len();
    findings.append(&mut report.findings);
    report.findings = findings;
    report.lead_with_wrong_key();
    report
}

/// What to verify.
#[derive(Clone, Copy, Debug)]
pub struct VerifyOptions<'a> {
    /// How deep.
    pub level: Level,
    /// Registers for [`Level::Full`]: the master entity register (each
    /// commitment's scope derives its pool), inspectors, conflicts, items.
    pub registers: Option<Registers<'a>>,
    /// With registers: only draws whose record id starts with this hex prefix,
    /// either case (all draws when `None`). A prefix that matches no draw is
    /// an error finding (`only-draw`): nothing would have been checked.
    pub only_draw: Option<&'a str>,
    /// Conflict-list salts per commitment (record id, salt). A commitment
    /// not listed uses `conflict_salt`.
    pub salts: &'a [(RecordId, Vec<u8>)],
    /// The conflict-list salt of commitments not in `salts` (empty when none
    /// was given: their conflict roots cannot match).
    pub conflict_salt: &'a [u8],
    /// The witnesses whose cosignatures decide "committed before the
    /// randomness" (docs/spec/witness.md); `None`: publication time is not
    /// checked, and the report says so.
    pub witnesses: Option<WitnessOptions<'a>>,
}

/// Which witnesses a verifier trusts, and their evidence.
#[derive(Clone, Copy, Debug)]
pub struct WitnessOptions<'a> {
    /// The trusted witnesses' public keys.
    pub trusted: &'a [IssuerPublicKey],
    /// Distinct trusted witnesses each draw's commitment needs (at least 1).
    pub threshold: usize,
    /// The cosignature file's bytes (`CHAIN.cosignatures.jsonl`).
    pub cosignatures: &'a [u8],
    /// The verifier's clock: a cosignature dated after it is not counted.
    pub now: Option<crate::calendar::Timestamp>,
}

impl<'a> VerifyOptions<'a> {
    /// Options for a level, with no registers and no salts.
    pub fn level(level: Level) -> Self {
        VerifyOptions {
            level,
            registers: None,
            only_draw: None,
            salts: &[],
            conflict_salt: &[],
            witnesses: None,
        }
    }
}

/// Whether a commitment has had its outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Neither drawn nor cancelled yet.
    Open,
    /// Drawn (by the draw named).
    Drawn(RecordId),
    /// Cancelled.
    Cancelled,
}

#[derive(Clone, Debug)]
struct CommitmentMeta {
    index: usize,
    line: usize,
    sequence: u64,
    outcome: Outcome,
}

/// The rules of an issuer's chain, applied one record at a time.
///
/// It holds every accepted record and what the rules need to judge the next
/// one: the link to extend, each commitment's outcome, each task's open
/// commitments and latest draw. [`verify_chain`] feeds it every line;
/// the office's [`crate::chain::Chain`] keeps one so that appending costs the
/// checks of the new record only.
#[derive(Debug)]
pub struct ChainState {
    key: IssuerPublicKey,
    links: LinkChecker,
    records: Vec<(RecordId, Record)>,
    commitments: HashMap<RecordId, CommitmentMeta>,
    draws: HashMap<RecordId, usize>,
    commit_order: Vec<RecordId>,
    // Sequence numbers of each task's open commitments (no scan of every
    // commitment per record: a long chain stays linear). (sequence, record
    // id): two forked commitments share a sequence number.
    open_by_task: HashMap<String, BTreeSet<(u64, RecordId)>>,
    // Each task's latest draw, which a rotating commitment's history must name.
    latest_draw: HashMap<String, RecordId>,
    // Each draw as amended by its replacements and supplements.
    after: HashMap<RecordId, AmendedDraw>,
    // Supplements of draws of this chain: a later commitment may exclude
    // the entity each adds (FORMAT §3.1).
    supplements: HashMap<RecordId, usize>,
}

/// The findings of one line, before the state takes the record in.
pub(crate) struct Examined {
    pub(crate) findings: Vec<Finding>,
    duplicate: bool,
}

impl Examined {
    /// A record examined on this state before and found clean.
    pub(crate) fn accepted() -> Self {
        Examined {
            findings: Vec::new(),
            duplicate: false,
        }
    }

    /// Whether an error is among the findings.
    pub(crate) fn has_error(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity == FindingSeverity::Error)
    }
}

fn at(line: usize, link: &ChainLink, id: &RecordId, f: Finding) -> Finding {
    Finding {
        line: Some(line),
        sequence: Some(link.sequence),
        record: Some(id.to_string()),
        ..f
    }
}

/// An error finding placed nowhere, in English and Chinese (the same facts).
fn error(check: &'static str, message: String, message_zh: String) -> Finding {
    Finding {
        severity: FindingSeverity::Error,
        check,
        line: None,
        sequence: None,
        record: None,
        message,
        message_zh: Some(message_zh),
    }
}

impl ChainState {
    /// An empty chain of the issuer whose key this is.
    pub fn new(key: IssuerPublicKey) -> Self {
        ChainState {
            key,
            links: LinkChecker::default(),
            records: Vec::new(),
            commitments: HashMap::new(),
            draws: HashMap::new(),
            commit_order: Vec::new(),
            open_by_task: HashMap::new(),
            latest_draw: HashMap::new(),
            after: HashMap::new(),
            supplements: HashMap::new(),
        }
    }

    /// The issuer's key.
    pub fn key(&self) -> &IssuerPublicKey {
        &self.key
    }

    /// The last accepted record.
    pub fn head(&self) -> Option<ChainHead> {
        self.links.head()
    }

    /// Accepted records in chain order, with their ids.
    pub fn records(&self) -> &[(RecordId, Record)] {
        &self.records
    }

    /// The record at a sequence number, when the chain holds one.
    pub fn record_at(&self, sequence: u64) -> Option<RecordId> {
        self.links.at_sequence(sequence)
    }

    /// A commitment of the chain and its outcome.
    pub fn commitment(&self, id: &RecordId) -> Option<(&CommitmentPayload, Outcome)> {
        let m = self.commitments.get(id)?;
        match &self.records.get(m.index)?.1 {
            Record::Commitment(c) => Some((c, m.outcome)),
            _ => None,
        }
    }

    /// A draw of the chain.
    pub fn draw(&self, id: &RecordId) -> Option<&DrawPayload> {
        match &self.records.get(*self.draws.get(id)?)?.1 {
            Record::Draw(d) => Some(d),
            _ => None,
        }
    }

    /// A draw of the chain as amended by its replacements and supplements
    /// so far (made from the draw when nothing amended it yet: a draw's
    /// list is held twice only once an after-draw record names it).
    pub fn amended(&self, draw: &RecordId) -> Option<Cow<'_, AmendedDraw>> {
        match self.after.get(draw) {
            Some(a) => Some(Cow::Borrowed(a)),
            None => self.draw(draw).map(|d| Cow::Owned(AmendedDraw::new(d))),
        }
    }

    /// A draw of the chain, its commitment and its amended state: what an
    /// after-draw record naming it is judged on.
    pub fn draw_for_amending(
        &self,
        draw: &RecordId,
    ) -> Option<(&DrawPayload, &CommitmentPayload, Cow<'_, AmendedDraw>)> {
        let d = self.draw(draw)?;
        let (c, _) = self.commitment(&d.commitment)?;
        Some((d, c, self.amended(draw)?))
    }

    /// The commitments still waiting for a draw or a cancellation, in chain order.
    pub fn open_commitments(&self) -> Vec<(RecordId, &CommitmentPayload)> {
        self.commit_order
            .iter()
            .filter_map(|id| match self.commitment(id) {
                Some((c, Outcome::Open)) => Some((*id, c)),
                _ => None,
            })
            .collect()
    }

    /// The latest draw of a task on the chain.
    pub fn latest_draw_of(&self, task_id: &str) -> Option<RecordId> {
        self.latest_draw.get(task_id).copied()
    }

    /// Judges one line's record (already opened) without taking it in.
    pub(crate) fn examine(
        &self,
        line: usize,
        id: &RecordId,
        record: &Record,
        options: &VerifyOptions<'_>,
        roots: &mut RootCache,
        report: &mut Report,
    ) -> Examined {
        use FindingSeverity::Warning;
        let link = record.chain();
        let (mut findings, duplicate) = self.links.examine(line, id, link);
        if duplicate {
            return Examined {
                findings,
                duplicate,
            };
        }
        let mut push = |f: Finding| findings.push(at(line, link, id, f));
        match record {
            Record::Commitment(p) => {
                // A second commitment of a task while an earlier one is still
                // open: the earlier attempt is abandoned whatever happens later
                // (drawing both and keeping one would be draw shopping).
                if let Some(&(earlier, _)) =
                    self.open_by_task.get(&p.task.id).and_then(BTreeSet::first)
                {
                    push(error(
                        "abandoned-commitment",
                        format!(
                            "task {} is committed again while its commitment at sequence {earlier} is still open (neither drawn nor cancelled)",
                            p.task.id
                        ),
                        format!(
                            "任务 {} 再次作出承诺，而其序号 {earlier} 的承诺仍未了结（既未抽取也未撤销）",
                            p.task.id
                        ),
                    ));
                }
                for f in commitment_findings(p) {
                    push(f);
                }
                if let Some((problem, problem_zh)) = self.history_problem(p) {
                    push(error("history", problem, problem_zh));
                }
                if let Some((problem, problem_zh)) = self.exclusion_problem(p) {
                    push(error("exclusion", problem, problem_zh));
                }
            }
            Record::Cancellation(p) => match self.commitment(&p.commitment) {
                None => push(error(
                    "cancellation-without-commitment",
                    format!(
                        "cancels {}, which is not an earlier commitment of this chain",
                        p.commitment
                    ),
                    format!("所撤销的 {} 不是本凭证链中在此之前的承诺", p.commitment),
                )),
                Some((c, outcome)) if outcome != Outcome::Open => push(error(
                    "second-outcome",
                    format!(
                        "cancels commitment {} (sequence {}), which already has an outcome",
                        p.commitment, c.chain.sequence
                    ),
                    format!(
                        "撤销承诺 {}（序号 {}），但该承诺已有结果（已抽取或已撤销）",
                        p.commitment, c.chain.sequence
                    ),
                )),
                Some((c, _)) => {
                    if let Some(f) = late_cancellation(c, p) {
                        push(Finding {
                            severity: Warning,
                            ..f
                        });
                    }
                }
            },
            Record::Draw(p) => match self.commitment(&p.commitment) {
                None => push(error(
                    "draw-without-commitment",
                    format!(
                        "draws for {}, which is not an earlier commitment of this chain",
                        p.commitment
                    ),
                    format!(
                        "为 {} 进行抽取，但它不是本凭证链中在此之前的承诺",
                        p.commitment
                    ),
                )),
                Some((c, Outcome::Drawn(_))) => push(error(
                    "second-draw",
                    format!(
                        "commitment at sequence {} was already drawn: a re-draw",
                        c.chain.sequence
                    ),
                    format!("序号 {} 的承诺已经抽取过：这是重复抽取", c.chain.sequence),
                )),
                Some((c, Outcome::Cancelled)) => push(error(
                    "draw-after-cancellation",
                    format!("commitment at sequence {} was cancelled", c.chain.sequence),
                    format!("序号 {} 的承诺已被撤销", c.chain.sequence),
                )),
                Some((c, Outcome::Open)) => {
                    if let Some((problem, problem_zh)) = self.excluded_drawn(c, p) {
                        push(error("exclusion", problem, problem_zh));
                    }
                    if options.level >= Level::Replay {
                        for f in self.check_draw(id, c, p, options, roots, report) {
                            push(f);
                        }
                    }
                }
            },
            Record::Replacement(_) | Record::Supplement(_) => {
                for f in self.check_after_draw(record, options, roots) {
                    push(f);
                }
            }
        }
        Examined {
            findings,
            duplicate,
        }
    }

    /// Takes an examined record in: its link, and what it does to the
    /// outcome of its commitment.
    pub(crate) fn apply(&mut self, line: usize, id: RecordId, record: Record, examined: &Examined) {
        if examined.duplicate {
            return;
        }
        let link = record.chain().clone();
        self.links.apply(line, &id, &link);
        let index = self.records.len();
        match &record {
            Record::Commitment(p) => {
                self.open_by_task
                    .entry(p.task.id.clone())
                    .or_default()
                    .insert((link.sequence, id));
                self.commit_order.push(id);
                self.commitments.insert(
                    id,
                    CommitmentMeta {
                        index,
                        line,
                        sequence: link.sequence,
                        outcome: Outcome::Open,
                    },
                );
            }
            Record::Cancellation(p) => {
                self.close(&p.commitment, Outcome::Cancelled);
            }
            Record::Draw(p) => {
                if self
                    .commitments
                    .get(&p.commitment)
                    .is_some_and(|m| m.outcome == Outcome::Open)
                {
                    self.close(&p.commitment, Outcome::Drawn(id));
                    if let Some((c, _)) = self.commitment(&p.commitment) {
                        let task = c.task.id.clone();
                        self.latest_draw.insert(task, id);
                    }
                    self.draws.insert(id, index);
                }
            }
            Record::Replacement(_) | Record::Supplement(_) => {
                // The draw's amended state is made when the first record
                // amends it.
                if let Some(&d) = record.amends_draw()
                    && !self.after.contains_key(&d)
                    && let Some(made) = self.draw(&d).map(AmendedDraw::new)
                {
                    self.after.insert(d, made);
                }
                if let Some(a) = record.amends_draw().and_then(|d| self.after.get_mut(d)) {
                    a.apply(id, &record);
                    if matches!(record, Record::Supplement(_)) {
                        self.supplements.insert(id, index);
                    }
                }
            }
        }
        self.records.push((id, record));
    }

    fn close(&mut self, commitment: &RecordId, outcome: Outcome) {
        let Some(m) = self.commitments.get(commitment).cloned() else {
            return;
        };
        if m.outcome != Outcome::Open {
            return;
        }
        if let Some((c, _)) = self.commitment(commitment) {
            let task = c.task.id.clone();
            if let Some(open) = self.open_by_task.get_mut(&task) {
                open.remove(&(m.sequence, *commitment));
            }
        }
        if let Some(m) = self.commitments.get_mut(commitment) {
            m.outcome = outcome;
        }
    }

    /// The end-of-chain findings: open commitments (an error when the task
    /// was committed again later), `only-draw`, and the level notes.
    pub(crate) fn finish(&self, options: &VerifyOptions<'_>, report: &Report) -> Vec<Finding> {
        use FindingSeverity::{Error, Note, Warning};
        let mut out = Vec::new();
        let mut later_tasks: HashSet<&str> = HashSet::new();
        let mut open = Vec::new();
        for id in self.commit_order.iter().rev() {
            let Some((c, outcome)) = self.commitment(id) else {
                continue;
            };
            let later_same_task = !later_tasks.insert(c.task.id.as_str());
            if outcome == Outcome::Open {
                open.push((id, c, later_same_task));
            }
        }
        for (id, c, later_same_task) in open.into_iter().rev() {
            let line = self.commitments.get(id).map_or(0, |m| m.line);
            let f = if later_same_task {
                Finding {
                    severity: Error,
                    ..error(
                        "abandoned-commitment",
                        format!(
                            "task {} was committed again later, but this commitment has neither a draw nor a signed cancellation",
                            c.task.id
                        ),
                        format!(
                            "任务 {} 此后再次作出了承诺，但本承诺既没有抽取，也没有经签名的撤销",
                            c.task.id
                        ),
                    )
                }
            } else {
                Finding {
                    severity: Warning,
                    ..error(
                        "open-commitment",
                        format!("task {}: committed, not yet drawn or cancelled", c.task.id),
                        format!("任务 {}：已承诺，尚未抽取或撤销", c.task.id),
                    )
                }
            };
            out.push(at(line, &c.chain, id, f));
        }
        if let Some(prefix) = options.only_draw
            && options.level == Level::Full
            && options.registers.is_some()
            && report.draws_checked_with_registers == 0
        {
            out.push(error(
                "only-draw",
                format!("no draw on the chain has a record id starting with {prefix:?}: nothing was checked against the registers"),
                format!("链上没有记录编号以 {prefix:?} 开头的抽取：未对照名录核对任何内容"),
            ));
        }
        let note = |message: &str, message_zh: &str| Finding {
            severity: Note,
            ..error("level", message.into(), message_zh.into())
        };
        if options.level == Level::Chain {
            out.push(note(
                "signatures and chain only: draws were not replayed",
                "仅核验了签名和凭证链：未重放抽取",
            ));
        } else if options.level == Level::Replay {
            out.push(note(
                "without register files, drawn codes and teams were not checked against the committed registers",
                "未提供名录文件：抽中的统一社会信用代码和检查组未对照承诺的名录核对",
            ));
        }
        out
    }

    /// What is wrong with a commitment's `history`, if anything: a set history
    /// names an earlier draw of the same task, and a rotating task's names the
    /// task's latest draw (`null` only before its first draw), so the teams to
    /// avoid cannot be chosen.
    fn history_problem(&self, p: &CommitmentPayload) -> Option<(String, String)> {
        let name = |h: Option<&RecordId>| h.map_or("null".to_owned(), |h| h.to_string());
        if let Some(h) = &p.history {
            let task_of_draw = self
                .draw(h)
                .and_then(|d| self.commitment(&d.commitment))
                .map(|(c, _)| c.task.id.as_str());
            match task_of_draw {
                None => {
                    return Some((
                        format!(
                            "the commitment's history names draw {h}, which is not an earlier draw of this chain"
                        ),
                        format!("承诺的 history 指向抽取 {h}，但它不是本凭证链中在此之前的抽取"),
                    ));
                }
                Some(t) if t != p.task.id => {
                    return Some((
                        format!(
                            "the commitment's history names draw {h}, a draw of task {t}, not of {}",
                            p.task.id
                        ),
                        format!(
                            "承诺的 history 指向抽取 {h}，它是任务 {t} 的抽取，而不是任务 {} 的",
                            p.task.id
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        let latest = self.latest_draw.get(&p.task.id);
        if p.task.team.rotation() == RotationPolicy::AvoidPreviousTeam
            && p.history.as_ref() != latest
        {
            let (latest, stated) = (name(latest), name(p.history.as_ref()));
            return Some((
                format!(
                    "task {} rotates teams, so its history must name its latest earlier draw ({latest}), not {stated}",
                    p.task.id,
                ),
                format!(
                    "任务 {} 要求检查组轮换，因此其 history 必须指向该任务此前最近一次抽取（{latest}），而不是 {stated}",
                    p.task.id,
                ),
            ));
        }
        None
    }

    /// Every draw a commitment excludes must be an earlier draw of this chain.
    fn exclusion_problem(&self, p: &CommitmentPayload) -> Option<(String, String)> {
        let missing = p
            .task
            .exclude_drawn
            .iter()
            .find(|d| self.draw(d).is_none() && self.supplement(d).is_none())?;
        Some((
            format!(
                "the commitment excludes the entities of record {missing}, which is not an earlier draw or supplementary draw of this chain"
            ),
            format!(
                "承诺排除了记录 {missing} 的检查对象，但该记录不是本凭证链中在此之前的抽取或补充抽取"
            ),
        ))
    }

    /// A supplementary draw of this chain, by its record id.
    pub(crate) fn supplement(&self, id: &RecordId) -> Option<&crate::records::SupplementPayload> {
        match &self.records.get(*self.supplements.get(id)?)?.1 {
            Record::Supplement(s) => Some(s),
            _ => None,
        }
    }

    /// The codes a commitment excludes (FORMAT §3.1 step 3): those drawn by
    /// the draws it names, and those added by the supplementary draws it
    /// names.
    fn excluded_codes(&self, c: &CommitmentPayload) -> HashSet<Uscc> {
        c.task
            .exclude_drawn
            .iter()
            .flat_map(|id| {
                let drawn = self
                    .draw(id)
                    .into_iter()
                    .flat_map(|d| d.drawn_in_order().map(|(_, x)| x.uscc));
                drawn.chain(self.supplement(id).map(|s| s.uscc))
            })
            .collect()
    }

    /// A draw that lists an entity its commitment excluded.
    fn excluded_drawn(&self, c: &CommitmentPayload, d: &DrawPayload) -> Option<(String, String)> {
        if c.task.exclude_drawn.is_empty() {
            return None;
        }
        let excluded = self.excluded_codes(c);
        let hit = d
            .drawn_in_order()
            .find(|(_, x)| excluded.contains(&x.uscc))?;
        Some((
            format!(
                "draws {}, which the commitment excluded (drawn by an earlier draw or supplementary draw it names)",
                hit.1.uscc
            ),
            format!(
                "抽中了 {}，但承诺已将其排除（它已被承诺所列的此前抽取或补充抽取抽中）",
                hit.1.uscc
            ),
        ))
    }

    /// The checks of a replacement or supplement (FORMAT §7, `replacement`,
    /// `supplement`, `supplement-limit`, `over-cap`): against the list of
    /// the draw it amends at every level, the supplement's rank from the
    /// seed at replay level, and at full level, against the committed
    /// registers, the entity at the rank and the exact picks.
    fn check_after_draw(
        &self,
        record: &Record,
        options: &VerifyOptions<'_>,
        roots: &mut RootCache,
    ) -> Vec<Finding> {
        use FindingSeverity::Warning;
        let mut out = Vec::new();
        let (kind, draw_id) = match record {
            Record::Replacement(p) => ("replacement", p.draw),
            Record::Supplement(p) => ("supplement", p.draw),
            _ => return out,
        };
        let Some((draw, commitment, state)) = self.draw_for_amending(&draw_id) else {
            out.push(error(
                kind,
                format!("amends {draw_id}, which is not a draw of this chain (the outcome of an earlier commitment)"),
                format!("所更改的 {draw_id} 不是本凭证链中的抽取（即此前某一承诺的抽取结果）"),
            ));
            return out;
        };
        let after_draw =
            |check: &'static str, e: AfterDrawError| error(check, e.to_string(), e.message_zh());
        let mut fail = |e: AfterDrawError| out.push(after_draw(e.check(kind), e));
        let problems = match record {
            Record::Replacement(p) => state.replacement_problems(commitment, p),
            Record::Supplement(p) => state.supplement_problems(commitment, p),
            _ => Vec::new(),
        };
        let version_1 = problems
            .iter()
            .any(|e| matches!(e, AfterDrawError::NotVersion2));
        for e in problems {
            fail(e);
        }
        if version_1 {
            return out;
        }
        let cap = commitment.task.team.workload_cap().unwrap_or(0);
        match record {
            Record::Replacement(p) if state.replacement_over_cap(commitment, &p.replacement) => {
                out.push(Finding {
                    severity: Warning,
                    ..error(
                        "over-cap",
                        format!(
                            "officer {} takes a place over the workload cap ({cap}): allowed only when every candidate is at the cap, which verification against the registers checks",
                            p.replacement
                        ),
                        format!(
                            "执法检查人员 {} 超出工作量上限（{cap}）担任检查组位置：只有在所有候选人员都已达到上限时才允许，这一点在对照名录验证时核对",
                            p.replacement
                        ),
                    )
                });
            }
            Record::Supplement(p) => {
                for k in state.supplement_over_cap(commitment, &p.team) {
                    out.push(Finding {
                        severity: Warning,
                        ..error(
                            "over-cap",
                            format!(
                                "place {k}: officer {} takes a place over the workload cap ({cap}): allowed only when every candidate is at the cap, which verification against the registers checks",
                                p.team[k]
                            ),
                            format!(
                                "位置 {k}：执法检查人员 {} 超出工作量上限（{cap}）担任检查组位置：只有在所有候选人员都已达到上限时才允许，这一点在对照名录验证时核对",
                                p.team[k]
                            ),
                        )
                    });
                }
                if options.level >= Level::Replay {
                    match state.next_rank(commitment, &draw.seed, p.class) {
                        Ok(r) if r == p.rank.0 => {}
                        Ok(expected) => out.push(after_draw(
                            "supplement",
                            AfterDrawError::WrongRank {
                                class: p.class,
                                stated: p.rank.0,
                                expected,
                            },
                        )),
                        Err(e) => out.push(after_draw("supplement", e)),
                    }
                    let excluded = self.excluded_codes(commitment);
                    if excluded.contains(&p.uscc) {
                        out.push(error(
                            "exclusion",
                            format!(
                                "the supplement draws {}, which the commitment excluded (drawn by an earlier draw or supplementary draw it names)",
                                p.uscc
                            ),
                            format!(
                                "补充抽取抽中了 {}，但承诺已将其排除（它已被承诺所列的此前抽取或补充抽取抽中）",
                                p.uscc
                            ),
                        ));
                    }
                }
            }
            _ => {}
        }
        if options.level < Level::Full
            || options
                .only_draw
                .is_some_and(|prefix| !draw_id.starts_with_hex(prefix))
        {
            return out;
        }
        let Some(regs) = options.registers else {
            return out;
        };
        let Some(pool) = self.committed_pool(&draw.commitment, commitment, &regs, options, roots)
        else {
            return out;
        };
        let history = match commitment.history {
            None => None,
            Some(h) => match self.draw(&h) {
                Some(d) => Some(History::from_teams(&d.teams)),
                None => return out,
            },
        };
        let inputs = PickInputs {
            pool: &pool,
            inspectors: regs.inspectors,
            conflicts: regs.conflicts,
            history: history.as_ref(),
        };
        match record {
            Record::Replacement(p) => {
                match state.pick_replacement(commitment, &draw.seed, &inputs, &p.uscc, p.place) {
                    Ok(pick) if pick.officer == p.replacement => {}
                    Ok(pick) => out.push(after_draw(
                        "replacement",
                        AfterDrawError::WrongPick {
                            place: p.place as usize,
                            expected: pick.officer,
                            stated: p.replacement.clone(),
                        },
                    )),
                    Err(e) => out.push(error(
                        "replacement",
                        format!("the committed rules and registers give no replacement: {e}"),
                        format!("按承诺的规则和名录无法选出更换人员：{}", e.message_zh()),
                    )),
                }
            }
            Record::Supplement(p) => {
                match state.pick_supplement(commitment, &draw.seed, &inputs, p.class) {
                    // A wrong rank is reported at replay level.
                    Ok((rank, _, _)) if rank != p.rank.0 => {}
                    Ok((rank, entity, _)) if entity.uscc != p.uscc => out.push(after_draw(
                        "supplement",
                        AfterDrawError::WrongEntity {
                            class: p.class,
                            rank,
                            expected: entity.uscc,
                            stated: p.uscc,
                        },
                    )),
                    Ok((_, _, team)) => {
                        if let Some((k, pick)) = team
                            .iter()
                            .enumerate()
                            .find(|(k, pick)| p.team.get(*k) != Some(&pick.officer))
                        {
                            out.push(after_draw(
                                "supplement",
                                AfterDrawError::WrongPick {
                                    place: k,
                                    expected: pick.officer.clone(),
                                    stated: p.team.get(k).cloned().unwrap_or_default(),
                                },
                            ));
                        }
                    }
                    Err(e) => out.push(error(
                        "supplement",
                        format!("the committed rules and registers give no supplement: {e}"),
                        format!("按承诺的规则和名录无法进行补充抽取：{}", e.message_zh()),
                    )),
                }
            }
            _ => {}
        }
        out
    }

    /// The committed pool of a commitment, once every committed root
    /// matches the register files (and the conflict salt is known); `None`
    /// otherwise, as the draw's own findings report.
    fn committed_pool<'r>(
        &self,
        commitment_id: &RecordId,
        commitment: &CommitmentPayload,
        regs: &Registers<'r>,
        options: &VerifyOptions<'_>,
        roots: &mut RootCache,
    ) -> Option<std::borrow::Cow<'r, EntityRegister>> {
        let salt = options
            .salts
            .iter()
            .find(|(c, _)| c == commitment_id)
            .map_or(options.conflict_salt, |(_, s)| s.as_slice());
        if salt.is_empty() && commitment.registers.conflicts.size.0 > 0 {
            return None;
        }
        let pool = match &commitment.task.scope {
            Some(scope) => regs.entities.pool(scope, &self.excluded_codes(commitment)),
            None => std::borrow::Cow::Borrowed(regs.entities),
        };
        roots
            .get(regs, commitment.format, &pool, salt)
            .and_then(|actual| compare_roots(&commitment.registers, &actual))
            .ok()?;
        Some(pool)
    }

    /// Replays a draw (level replay) and checks it against the registers
    /// (level full).
    fn check_draw(
        &self,
        draw_id: &RecordId,
        commitment: &CommitmentPayload,
        draw: &DrawPayload,
        options: &VerifyOptions<'_>,
        roots: &mut RootCache,
        report: &mut Report,
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        report.draws_replayed += 1;
        let findings = draw_findings(commitment, &draw.commitment, draw);
        let unknown_algorithm = findings.iter().any(|f| f.check == "algorithm");
        out.extend(findings);
        if unknown_algorithm {
            return out;
        }
        // The counts first: the sampler's work is then bounded by the draw
        // record's own length, whatever class sizes a commitment claims.
        let sizes = match sample_counts(commitment) {
            Ok(s) => s,
            Err(e) => {
                out.push(error(
                    "replay",
                    format!("cannot replay: {e}"),
                    format!("无法重放：{}", e.message_zh()),
                ));
                return out;
            }
        };
        let mut ranks_ok = true;
        for c in CreditClass::ALL {
            let stated = draw.drawn.get(c).len();
            if stated as u64 != sizes[c.index()] {
                ranks_ok = false;
                out.push(error(
                    "sample-size",
                    format!(
                        "class {c}: {stated} drawn, the committed pool and ratio give {}",
                        sizes[c.index()]
                    ),
                    format!(
                        "{c} 类：抽取了 {stated} 户，按承诺的名录库和抽取比例应为 {} 户",
                        sizes[c.index()]
                    ),
                ));
            }
        }
        let r = if ranks_ok {
            match replay(commitment, &draw.commitment, &draw.randomness.value) {
                Ok(r) => Some(r),
                Err(e) => {
                    out.push(error(
                        "replay",
                        format!("cannot replay: {e}"),
                        format!("无法重放：{}", e.message_zh()),
                    ));
                    return out;
                }
            }
        } else {
            None
        };
        if let Some(r) = &r {
            for c in CreditClass::ALL {
                let stated: Vec<u64> = draw.drawn.get(c).iter().map(|d| d.rank.0).collect();
                let expected = &r.ranks[c.index()];
                if stated != *expected {
                    ranks_ok = false;
                    out.push(error(
                        "ranks",
                        format!("class {c}: ranks {stated:?}, the seed gives {expected:?}"),
                        format!("{c} 类：记录的排位为 {stated:?}，由种子得出的排位为 {expected:?}"),
                    ));
                }
            }
        }
        if draw.teams.len() != draw.drawn_count()
            || draw
                .teams
                .iter()
                .zip(draw.drawn_in_order())
                .any(|(t, (_, d))| t.uscc != d.uscc)
        {
            out.push(error(
                "teams",
                "teams are not one per drawn entity in draw order".into(),
                "检查组与抽中的检查对象不是按抽取顺序一一对应".into(),
            ));
        }
        let size = commitment.task.team.team_size();
        for t in &draw.teams {
            let ids: HashSet<&String> = t.inspectors.iter().collect();
            if t.inspectors.len() != size || ids.len() != size {
                out.push(error(
                    "team-size",
                    format!(
                        "entity {}: team of {} distinct officers, the task requires {size}",
                        t.uscc,
                        ids.len()
                    ),
                    format!(
                        "检查对象 {}：检查组有 {} 名不同的执法检查人员，任务要求 {size} 名",
                        t.uscc,
                        ids.len()
                    ),
                ));
            }
        }

        let Some(regs) = options.registers else {
            return out;
        };
        if options
            .only_draw
            .is_some_and(|p| !draw_id.starts_with_hex(p))
        {
            return out;
        }
        report.draws_checked_with_registers += 1;
        let salt = options
            .salts
            .iter()
            .find(|(c, _)| *c == draw.commitment)
            .map_or(options.conflict_salt, |(_, s)| s.as_slice());
        let pool_holder;
        let pool: &EntityRegister = match &commitment.task.scope {
            Some(scope) => {
                pool_holder = regs.entities.pool(scope, &self.excluded_codes(commitment));
                &pool_holder
            }
            None => regs.entities,
        };
        if salt.is_empty() && commitment.registers.conflicts.size.0 > 0 {
            let (none_listed, none_listed_zh) = if options.salts.is_empty() {
                ("", "")
            } else {
                (
                    " (the salts given have no entry for it)",
                    "（所给的盐值中没有该承诺的条目）",
                )
            };
            out.push(error(
                "conflict-salt",
                format!(
                    "no conflict-list salt for commitment {}{none_listed}: its conflict root cannot be checked, and nothing of this draw is checked against the files (give the commitment's salt from the office's secrets file)",
                    draw.commitment,
                ),
                format!(
                    "没有承诺 {} 的回避名单盐值{none_listed_zh}：无法核对其回避名单的默克尔根，本次抽取的任何内容都未对照名录文件核对（请提供本机关盐值文件中该承诺的盐值）",
                    draw.commitment,
                ),
            ));
            return out;
        }
        // The checks that need the roots to hold, and the roots (hashed on
        // every core from a thread of their own), side by side: what the
        // first finds is used only when the roots hold. The checks stay on
        // this thread, whose allocator has room already.
        let (against, actual) = crate::checks::side_by_side(
            || self.check_draw_against(commitment, draw, r.filter(|_| ranks_ok), pool, &regs),
            || roots.get(&regs, commitment.format, pool, salt),
        );
        if let Err(e) = actual
            .clone()
            .and_then(|actual| compare_roots(&commitment.registers, &actual))
        {
            // Said for the auditor: what differs, not how to draw again.
            let (check, (message, message_zh)) = match (&e, &actual) {
                (DrawError::RegisterMismatch { register, .. }, Ok(actual)) => {
                    if *register == "conflict" {
                        roots
                            .conflict_mismatches
                            .push(*draw_id, actual.conflicts.root);
                    }
                    let salt_given = if options.salts.iter().any(|(c, _)| *c == draw.commitment) {
                        mismatch::SaltGiven::ForThisCommitment
                    } else {
                        mismatch::SaltGiven::ForEveryCommitment
                    };
                    let m = mismatch::explain(
                        register, commitment, draw, actual, pool, &regs, salt_given,
                    );
                    ("register-root", m)
                }
                (DrawError::RegisterMismatch { .. }, Err(_)) => {
                    ("register-root", (e.to_string(), e.message_zh()))
                }
                _ => ("registers", (e.to_string(), e.message_zh())),
            };
            out.push(error(check, message, message_zh));
            return out;
        }
        if let Some(items) = regs.items
            && let Some((problem, problem_zh)) = expertise_problem(commitment, items)
        {
            out.push(error("task-rules", problem, problem_zh));
        }
        out.extend(against);
        out
    }

    /// The checks of a draw against the registers once their roots hold:
    /// the drawn entities, the officers of every team and the teams
    /// themselves; none without a replay whose ranks match the draw's.
    fn check_draw_against(
        &self,
        commitment: &CommitmentPayload,
        draw: &DrawPayload,
        r: Option<crate::checks::Replay>,
        pool: &EntityRegister,
        regs: &Registers<'_>,
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        let Some(r) = r else {
            return out;
        };
        let entities = drawn_entities(&r, pool);
        for ((_, rank, e), stated) in entities.iter().zip(draw.drawn_in_order()) {
            if e.uscc != stated.1.uscc {
                out.push(error(
                    "drawn-entity",
                    format!(
                        "class {} rank {rank} is {} in the committed pool, the draw says {}",
                        e.credit_class, e.uscc, stated.1.uscc
                    ),
                    format!(
                        "承诺的名录库中 {} 类排位 {rank} 为 {}，抽取记录写的是 {}",
                        e.credit_class, e.uscc, stated.1.uscc
                    ),
                ));
            }
        }
        let date = crate::checks::inspection_date(commitment, draw.chain.created_at.date());
        // Every officer on every team: in the register, certificate valid, no declared conflict.
        for t in &draw.teams {
            for id in &t.inspectors {
                match regs.inspectors.get(id) {
                    None => out.push(error(
                        "team-member",
                        format!(
                            "entity {}: officer {id} is not in the inspector register",
                            t.uscc
                        ),
                        format!(
                            "检查对象 {}：执法检查人员 {id} 不在执法检查人员名录中",
                            t.uscc
                        ),
                    )),
                    Some(i) if !i.certificate_valid_on(date) => out.push(error(
                        "certificate",
                        format!(
                            "entity {}: officer {id}'s certificate is not valid on {}",
                            t.uscc,
                            crate::calendar::format_date(date)
                        ),
                        format!(
                            "检查对象 {}：执法检查人员 {id} 的执法证在 {} 无效",
                            t.uscc,
                            crate::calendar::format_date(date)
                        ),
                    )),
                    Some(_) => {}
                }
                if regs.conflicts.is_conflicted(id, &t.uscc) {
                    out.push(error(
                        "conflict",
                        format!(
                            "entity {}: officer {id} declared a conflict with it and must not inspect it",
                            t.uscc
                        ),
                        format!(
                            "检查对象 {}：执法检查人员 {id} 已申报与其存在需回避的关系，不得对其实施检查",
                            t.uscc
                        ),
                    ));
                }
            }
        }
        out.extend(same_name::same_name_teams(&draw.teams, regs.inspectors));
        let history = match commitment.history {
            None => None,
            Some(h) => match self.draw(&h) {
                Some(d) => Some(History::from_teams(&d.teams)),
                // Reported at the commitment (check `history`).
                None => return out,
            },
        };
        match teams_match(
            commitment,
            &r,
            &entities,
            regs,
            date,
            history.as_ref(),
            &draw.teams,
        ) {
            Ok(true) => {}
            Ok(false) => out.push(error(
                "teams",
                "the teams are not the ones the seed assigns under the committed rules".into(),
                "检查组不是按承诺的规则由种子分配的检查组".into(),
            )),
            Err(e) => out.push(error(
                "teams",
                format!("the committed rules admit no assignment: {e}"),
                format!("按承诺的规则无法分配检查组：{e}"),
            )),
        }
        out
    }
}

/// A cancellation made once the randomness was public (or due): the office
/// saw, or could have seen, what the draw would be. Reported as a warning.
fn late_cancellation(c: &CommitmentPayload, p: &CancellationPayload) -> Option<Finding> {
    let t = c.randomness.available_at()?;
    (p.chain.created_at >= t).then(|| {
        error(
            "late-cancellation",
            format!(
                "cancelled at {}, when the committed randomness was already public ({t}): the office could know the draw it cancelled",
                p.chain.created_at
            ),
            format!(
                "撤销时间为 {}，此时承诺的随机数已经公开（{t}）：本机关撤销时可能已知道抽取结果",
                p.chain.created_at
            ),
        )
    })
}

/// Verifies an issuer's chain of records.
///
/// Checks, in order for each line: signature and schema ([`Record::open`]),
/// duplicates, sequence and previous-record link, time order, and the
/// outcome rules (every draw or cancellation names an earlier open
/// commitment; a commitment has at most one outcome). Then, per `options`,
/// replays every draw and checks it against the registers. Finally, open
/// commitments are reported: an open commitment followed by a later
/// commitment for the same task is an error (an attempt abandoned without a
/// signed cancellation).
pub fn verify_chain(
    lines: &[ChainLine],
    key: &IssuerPublicKey,
    options: &VerifyOptions<'_>,
) -> Report {
    let mut report = Report {
        records: lines.len(),
        ..Report::default()
    };
    if lines.is_empty() {
        report.findings.push(Finding {
            severity: FindingSeverity::Warning,
            ..error(
                "empty-chain",
                "the chain holds no record".into(),
                "凭证链中没有任何记录".into(),
            )
        });
    }
    let mut state = ChainState::new(key.clone());
    let mut roots = RootCache::default();
    let mut rejected = Vec::new();
    for cl in lines {
        let id = cl.envelope.record_id();
        let record = match Record::open(&cl.envelope, key) {
            Ok(r) => r,
            Err(e) => {
                // Not remembered as seen: a validly signed copy later on is
                // the record itself and is checked as such (the rejected line
                // already fails the chain).
                let stated = wrong_key::stated_signer(cl, key, &e);
                let (message, message_zh) = wrong_key::record_message(&e, stated.as_ref());
                report.findings.push(Finding {
                    line: Some(cl.line),
                    record: Some(id.to_string()),
                    ..error("record", message, message_zh)
                });
                rejected.push((cl.line, stated));
                continue;
            }
        };
        let examined = state.examine(cl.line, &id, &record, options, &mut roots, &mut report);
        if !examined.duplicate {
            match &record {
                Record::Commitment(_) => report.commitments += 1,
                Record::Draw(_) => report.draws += 1,
                Record::Cancellation(_) => report.cancellations += 1,
                Record::Replacement(_) => report.replacements += 1,
                Record::Supplement(_) => report.supplements += 1,
            }
        }
        report.findings.extend(examined.findings.iter().cloned());
        state.apply(cl.line, id, record, &examined);
    }
    report.head = state.head();
    let end = state.finish(options, &report);
    report.findings.extend(end);
    mismatch::after_chain(&state, options, &roots, &mut report);
    witness_findings(&state, options, &mut report);
    wrong_key::fold(&mut report, key, state.records().len(), &rejected);
    report
}

/// The witnesses' evidence: the cosignature file checked against the chain
/// (`rollback`, `fork`, `cosignature`), then each draw's commitment
/// witnessed before its randomness (`commitment-witnessed`). Without
/// witness keys, a note says publication time was not checked.
fn witness_findings(state: &ChainState, options: &VerifyOptions<'_>, report: &mut Report) {
    use crate::witness::{FileLimits, LogId, LogKind, WitnessIndex, read_cosignature_file};
    use FindingSeverity::{Error, Note, Warning};
    let Some(w) = options.witnesses else {
        report.findings.push(Finding {
            severity: Note,
            ..error(
                "witnesses",
                "no witness keys were given: the order of commitments and randomness rests on the issuer's own times; publication time was not checked".into(),
                "未提供见证方公钥：承诺与随机数的先后顺序只依据发布机关自己记录的时间；未核验公开时间".into(),
            )
        });
        return;
    };
    report.witnesses_checked = true;
    let chain: Vec<(u64, RecordId)> = state
        .records()
        .iter()
        .map(|(id, r)| (r.chain().sequence, *id))
        .collect();
    let file = read_cosignature_file(w.cosignatures, &FileLimits::default());
    let log = LogId::of(state.key(), LogKind::Receipts);
    let index = WitnessIndex::build(&file, &log, w.trusted, &chain, w.now);
    for f in index.findings() {
        let severity = if f.problem.is_error() {
            Error
        } else if matches!(
            f.problem,
            crate::witness::EvidenceProblem::NotChecked { .. }
        ) {
            Note
        } else {
            Warning
        };
        report.findings.push(Finding {
            severity,
            line: None,
            ..error(
                f.problem.check(),
                match f.line {
                    Some(l) => format!("cosignature file line {l}: {}", f.problem),
                    None => format!("cosignature file: {}", f.problem),
                },
                match f.line {
                    Some(l) => format!("副署文件第 {l} 行：{}", f.problem.message_zh()),
                    None => format!("副署文件：{}", f.problem.message_zh()),
                },
            )
        });
    }
    let threshold = w.threshold.max(1);
    for (draw_id, r) in state.records() {
        let Record::Draw(d) = r else { continue };
        if state.draw(draw_id).is_none() {
            continue; // not the outcome of its commitment (reported already)
        }
        let Some((c, _)) = state.commitment(&d.commitment) else {
            continue;
        };
        let seq = c.chain.sequence;
        let at_draw = |f: Finding| Finding {
            line: None,
            sequence: Some(d.chain.sequence),
            record: Some(draw_id.to_string()),
            ..f
        };
        let Some(t) = c.randomness.available_at() else {
            report.findings.push(at_draw(Finding {
                severity: Warning,
                ..error(
                    "commitment-witnessed",
                    "local randomness has no time a witness could place the commitment before: the office chose the value".into(),
                    "本地随机数没有可供见证方证明承诺在其之前的时间：数值由本机关自行选定".into(),
                )
            }));
            report.witnessed.push(DrawWitnesses {
                draw: *draw_id,
                commitment: d.commitment,
                commitment_sequence: seq,
                randomness_time: None,
                witnesses: Vec::new(),
            });
            continue;
        };
        let found = index.witnessed(seq, t);
        let names = |found: &[crate::witness::Witnessed]| {
            found
                .iter()
                .map(|x| {
                    format!(
                        "{} at {} (head {})",
                        x.witness.name, x.time, x.head.sequence
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        let names_zh = |found: &[crate::witness::Witnessed]| {
            found
                .iter()
                .map(|x| {
                    format!(
                        "{}（{}，链头序号 {}）",
                        x.witness.name, x.time, x.head.sequence
                    )
                })
                .collect::<Vec<_>>()
                .join("；")
        };
        if found.len() >= threshold {
            report.findings.push(at_draw(Finding {
                severity: Note,
                ..error(
                    "commitment-witnessed",
                    format!(
                        "the commitment (sequence {seq}) was witnessed before its randomness ({t}) by {}",
                        names(&found)
                    ),
                    format!(
                        "承诺（序号 {seq}）在其随机数产生（{t}）之前已由以下见证方副署：{}",
                        names_zh(&found)
                    ),
                )
            }));
        } else {
            report.findings.push(at_draw(error(
                "commitment-witnessed",
                format!(
                    "the commitment (sequence {seq}) was witnessed before its randomness ({t}) by {} trusted witness(es), {threshold} required{}",
                    found.len(),
                    if found.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", names(&found))
                    }
                ),
                format!(
                    "承诺（序号 {seq}）在其随机数产生（{t}）之前只有 {} 个受信任的见证方副署，要求 {threshold} 个{}",
                    found.len(),
                    if found.is_empty() {
                        String::new()
                    } else {
                        format!("：{}", names_zh(&found))
                    }
                ),
            )));
        }
        report.witnessed.push(DrawWitnesses {
            draw: *draw_id,
            commitment: d.commitment,
            commitment_sequence: seq,
            randomness_time: Some(t),
            witnesses: found
                .iter()
                .map(|x| WitnessEvidence {
                    name: x.witness.name.clone(),
                    key_id: x.witness.key_id.clone(),
                    sequence: x.head.sequence,
                    time: x.time,
                })
                .collect(),
        });
    }
}

/// With the committed check-item list: every item the task names is in it,
/// and the committed team rules require the expertise of every key item
/// (FORMAT §4: the effective rules are the task's with those tags merged in).
fn expertise_problem(c: &CommitmentPayload, items: &CheckItemList) -> Option<(String, String)> {
    let does_not_fit = |e: &dyn fmt::Display| {
        Some((
            format!("the committed task does not fit the committed list: {e}"),
            format!("承诺的任务与承诺的抽查事项清单不符：{e}"),
        ))
    };
    let expected: Vec<String> = match &c.task.team {
        TeamSpec::V1(team) => match merge_key_expertise_v1(team, &c.task.items, items) {
            Ok(rules) => rules.required_expertise,
            Err(e) => return does_not_fit(&e),
        },
        TeamSpec::V2(team) => match merge_key_expertise(team, &c.task.items, items) {
            Ok(rules) => rules
                .required_expertise()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            Err(e) => return does_not_fit(&e),
        },
    };
    // As sets: the order of the committed tags does not change assignment.
    let committed: HashSet<&str> = c.task.team.required_expertise().into_iter().collect();
    let missing: Vec<&str> = expected
        .iter()
        .map(String::as_str)
        .filter(|t| !committed.contains(t))
        .collect();
    (!missing.is_empty()).then(|| {
        (
            format!(
                "the committed team rules leave out {} expertise tag(s) the task's key items require (first: {:?})",
                missing.len(),
                missing[0]
            ),
            format!(
                "承诺的检查组规则遗漏了任务重点事项所要求的 {} 个专业领域标签（第一个：{:?}）",
                missing.len(),
                missing[0]
            ),
        )
    })
}

/// The register files' roots, computed once: a chain of many draws checked
/// against a national register hashes the master register once per format
/// version (the register keeps its entity roots, one per leaf version). The
/// pool's root depends on the commitment's scope and the conflict list's on
/// its salt, so those are computed per pool and kept per salt.
#[derive(Default)]
pub(crate) struct RootCache {
    /// The inspector and check-item roots.
    base: Option<Result<(RootRecord, Option<RootRecord>), DrawError>>,
    conflicts: HashMap<Vec<u8>, Result<RootRecord, DrawError>>,
    conflict_mismatches: mismatch::ConflictMismatches,
}

impl std::fmt::Debug for RootCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RootCache")
    }
}

impl RootCache {
    /// The roots a commitment of format `version` binds, `pool` derived
    /// from the master register by its scope (the register itself in
    /// version 1).
    fn get(
        &mut self,
        regs: &Registers<'_>,
        version: FormatVersion,
        pool: &EntityRegister,
        salt: &[u8],
    ) -> Result<RegisterRoots, DrawError> {
        let root = |r: crate::commitment::RegisterRoot| RootRecord {
            root: r.root,
            size: Count(r.size),
        };
        let (inspectors, items) = self
            .base
            .get_or_insert_with(|| {
                let inspectors = root(commit_inspectors(regs.inspectors)?);
                let items = regs.items.map(commit_items).transpose()?.map(root);
                Ok((inspectors, items))
            })
            .clone()?;
        let (entities, master) = entity_roots(regs.entities, version, Some(pool))?;
        let conflicts = self
            .conflicts
            .entry(salt.to_vec())
            .or_insert_with(|| {
                commit_conflicts(regs.conflicts, salt)
                    .map(|r| RootRecord {
                        root: r.root,
                        size: Count(r.size),
                    })
                    .map_err(DrawError::from)
            })
            .clone()?;
        Ok(RegisterRoots {
            entities,
            master,
            inspectors,
            conflicts,
            items,
        })
    }
}
