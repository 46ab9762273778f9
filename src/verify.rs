//! The auditor's verifier: signatures, the chain, replay of every draw, and
//! full replay against the register files.
//!
//! [`verify_chain`] never stops at the first problem: it reports every
//! finding, each naming the line of the chain file, the sequence number, the
//! record and a stable check name (`docs/FORMAT.md`, "Checks").

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Serialize;

use crate::assignment::{History, RotationPolicy};
use crate::checks::{
    Ctx, DrawError, LinkChecker, commitment_findings, compare_roots, draw_findings, drawn_entities,
    register_roots, replay, sample_counts, teams_for,
};
use crate::commitment::commit_conflicts;
use crate::records::RecordId;
use crate::records::{
    CommitmentPayload, Count, DrawPayload, IssuerPublicKey, Record, RegisterRoots, RootRecord,
};
use crate::registers::{CheckItemList, CreditClass, Registers};
use crate::task::merge_key_expertise;

pub use crate::checks::{ChainHead, ChainLine, Finding, FindingSeverity, read_chain};

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

/// The verifier's report.
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
    /// Draws replayed (level replay or full).
    pub draws_replayed: usize,
    /// Draws checked against register files.
    pub draws_checked_with_registers: usize,
    /// The chain's head: its last record whose signature verified (`None` when
    /// no record did). Publishing it (or comparing it with a published one) is what
    /// shows that nothing was cut from the end of the chain.
    pub head: Option<ChainHead>,
    /// Every finding, in chain order.
    pub findings: Vec<Finding>,
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
    report
}

/// What to verify.
#[derive(Clone, Copy, Debug)]
pub struct VerifyOptions<'a> {
    /// How deep.
    pub level: Level,
    /// Registers for [`Level::Full`].
    pub registers: Option<Registers<'a>>,
    /// With registers: only draws whose record id starts with this hex prefix,
    /// either case (all draws when `None`). A prefix that matches no draw is
    /// an error finding (`only-draw`): nothing would have been checked.
    pub only_draw: Option<&'a str>,
    /// Conflict-list salts per commitment (record id, salt); a commitment not
    /// listed uses `registers.conflict_salt`.
    pub salts: &'a [(RecordId, Vec<u8>)],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Open,
    Drawn,
    Cancelled,
}

struct CommitmentState {
    line: usize,
    sequence: u64,
    payload: CommitmentPayload,
    outcome: Outcome,
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
    let mut ctx = Ctx {
        report: &mut report,
    };
    use FindingSeverity::{Error, Note, Warning};

    let mut links = LinkChecker::default();
    let mut commitments: HashMap<RecordId, CommitmentState> = HashMap::new();
    let mut draws: HashMap<RecordId, DrawPayload> = HashMap::new();
    let mut commit_order: Vec<RecordId> = Vec::new();
    // Sequence numbers of each task's open commitments (no scan of every
    // commitment per record: a long chain stays linear).
    // (sequence, record id): two forked commitments share a sequence number.
    let mut open_by_task: HashMap<String, BTreeSet<(u64, RecordId)>> = HashMap::new();
    // Each task's latest draw, which a rotating commitment's history must name.
    let mut latest_draw: HashMap<String, RecordId> = HashMap::new();
    let mut roots = RootCache::default();

    if lines.is_empty() {
        ctx.push(
            Warning,
            "empty-chain",
            None,
            "the chain holds no record".into(),
        );
    }

    for cl in lines {
        let Some((id, record, link)) =
            links.accept(&mut ctx, cl, |e| Record::open(e, key), Record::chain)
        else {
            continue;
        };
        let at = Some((cl.line, Some(link.sequence), &id));

        match record {
            Record::Commitment(p) => {
                ctx.report.commitments += 1;
                // A second commitment of a task while an earlier one is still
                // open: the earlier attempt is abandoned whatever happens later
                // (drawing both and keeping one would be draw shopping).
                if let Some(&(earlier, _)) = open_by_task.get(&p.task.id).and_then(BTreeSet::first)
                {
                    ctx.push(
                        Error,
                        "abandoned-commitment",
                        at,
                        format!(
                            "task {} is committed again while its commitment at sequence {earlier} is still open (neither drawn nor cancelled)",
                            p.task.id
                        ),
                    );
                }
                ctx.place(at, commitment_findings(&p));
                if let Some(problem) = history_problem(&p, &draws, &commitments, &latest_draw) {
                    ctx.push(Error, "history", at, problem);
                }
                open_by_task
                    .entry(p.task.id.clone())
                    .or_default()
                    .insert((link.sequence, id));
                commit_order.push(id);
                commitments.insert(
                    id,
                    CommitmentState {
                        line: cl.line,
                        sequence: link.sequence,
                        payload: p,
                        outcome: Outcome::Open,
                    },
                );
            }
            Record::Cancellation(p) => {
                ctx.report.cancellations += 1;
                match commitments.get_mut(&p.commitment) {
                    None => ctx.push(
                        Error,
                        "cancellation-without-commitment",
                        at,
                        format!(
                            "cancels {}, which is not an earlier commitment of this chain",
                            p.commitment
                        ),
                    ),
                    Some(c) if c.outcome != Outcome::Open => ctx.push(
                        Error,
                        "second-outcome",
                        at,
                        format!(
                            "cancels commitment {} (sequence {}), which already has an outcome",
                            p.commitment, c.sequence
                        ),
                    ),
                    Some(c) => {
                        c.outcome = Outcome::Cancelled;
                        close(&mut open_by_task, c, &p.commitment);
                    }
                }
            }
            Record::Draw(p) => {
                ctx.report.draws += 1;
                let Some(c) = commitments.get_mut(&p.commitment) else {
                    ctx.push(
                        Error,
                        "draw-without-commitment",
                        at,
                        format!(
                            "draws for {}, which is not an earlier commitment of this chain",
                            p.commitment
                        ),
                    );
                    continue;
                };
                match c.outcome {
                    Outcome::Drawn => {
                        ctx.push(
                            Error,
                            "second-draw",
                            at,
                            format!(
                                "commitment at sequence {} was already drawn: a re-draw",
                                c.sequence
                            ),
                        );
                        continue;
                    }
                    Outcome::Cancelled => {
                        ctx.push(
                            Error,
                            "draw-after-cancellation",
                            at,
                            format!("commitment at sequence {} was cancelled", c.sequence),
                        );
                        continue;
                    }
                    Outcome::Open => {
                        c.outcome = Outcome::Drawn;
                        close(&mut open_by_task, c, &p.commitment);
                        latest_draw.insert(c.payload.task.id.clone(), id);
                    }
                }
                let commitment = c.payload.clone();
                if options.level >= Level::Replay {
                    check_draw(&mut ctx, at, &commitment, &p, &draws, options, &mut roots);
                }
                draws.insert(id, p);
            }
        }
    }

    ctx.report.head = links.head();

    // Open commitments, from the last: a task seen later was committed again.
    let mut later_tasks: HashSet<&str> = HashSet::new();
    let mut open = Vec::new();
    for id in commit_order.iter().rev() {
        let Some(c) = commitments.get(id) else {
            continue;
        };
        let later_same_task = !later_tasks.insert(c.payload.task.id.as_str());
        if c.outcome == Outcome::Open {
            open.push((id, c, later_same_task));
        }
    }
    for (id, c, later_same_task) in open.into_iter().rev() {
        let at = Some((c.line, Some(c.sequence), id));
        if later_same_task {
            ctx.push(
                Error,
                "abandoned-commitment",
                at,
                format!(
                    "task {} was committed again later, but this commitment has neither a draw nor a signed cancellation",
                    c.payload.task.id
                ),
            );
        } else {
            ctx.push(
                Warning,
                "open-commitment",
                at,
                format!(
                    "task {}: committed, not yet drawn or cancelled",
                    c.payload.task.id
                ),
            );
        }
    }
    if let Some(prefix) = options.only_draw
        && options.level == Level::Full
        && options.registers.is_some()
        && ctx.report.draws_checked_with_registers == 0
    {
        ctx.push(
            Error,
            "only-draw",
            None,
            format!("no draw on the chain has a record id starting with {prefix:?}: nothing was checked against the registers"),
        );
    }
    if options.level == Level::Chain {
        ctx.push(
            Note,
            "level",
            None,
            "signatures and chain only: draws were not replayed".into(),
        );
    } else if options.level == Level::Replay {
        ctx.push(
            Note,
            "level",
            None,
            "without register files, drawn codes and teams were not checked against the committed registers".into(),
        );
    }
    report
}

/// With the committed check-item list: every item the task names is in it,
/// and the committed team rules require the expertise of every key item
/// (FORMAT §4: the effective rules are the task's with those tags merged in).
fn expertise_problem(c: &CommitmentPayload, items: &CheckItemList) -> Option<String> {
    let expected = match merge_key_expertise(&c.task.team, &c.task.items, items) {
        Ok(rules) => rules.required_expertise,
        Err(e) => {
            return Some(format!(
                "the committed task does not fit the committed list: {e}"
            ));
        }
    };
    // As sets: the order of the committed tags does not change assignment.
    let committed: HashSet<&str> = c
        .task
        .team
        .required_expertise
        .iter()
        .map(String::as_str)
        .collect();
    let missing: Vec<&str> = expected
        .iter()
        .map(String::as_str)
        .filter(|t| !committed.contains(t))
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "the committed team rules leave out {} expertise tag(s) the task's key items require (first: {:?})",
            missing.len(),
            missing[0]
        )
    })
}

/// Marks a commitment as no longer open for its task.
fn close(
    open_by_task: &mut HashMap<String, BTreeSet<(u64, RecordId)>>,
    c: &CommitmentState,
    id: &RecordId,
) {
    if let Some(open) = open_by_task.get_mut(&c.payload.task.id) {
        open.remove(&(c.sequence, *id));
    }
}

/// What is wrong with a commitment's `history`, if anything: a set history
/// names an earlier draw of the same task, and a rotating task's names the
/// task's latest draw (`null` only before its first draw), so the teams to
/// avoid cannot be chosen.
fn history_problem(
    p: &CommitmentPayload,
    draws: &HashMap<RecordId, DrawPayload>,
    commitments: &HashMap<RecordId, CommitmentState>,
    latest_draw: &HashMap<String, RecordId>,
) -> Option<String> {
    let name = |h: Option<&RecordId>| h.map_or("null".to_owned(), |h| h.to_string());
    if let Some(h) = &p.history {
        let task_of_draw = draws
            .get(h)
            .and_then(|d| commitments.get(&d.commitment))
            .map(|c| c.payload.task.id.as_str());
        match task_of_draw {
            None => {
                return Some(format!(
                    "the commitment's history names draw {}, which is not an earlier draw of this chain",
                    name(Some(h))
                ));
            }
            Some(t) if t != p.task.id => {
                return Some(format!(
                    "the commitment's history names draw {}, a draw of task {t}, not of {}",
                    name(Some(h)),
                    p.task.id
                ));
            }
            Some(_) => {}
        }
    }
    let latest = latest_draw.get(&p.task.id);
    if p.task.team.rotation == RotationPolicy::AvoidPreviousTeam && p.history.as_ref() != latest {
        return Some(format!(
            "task {} rotates teams, so its history must name its latest earlier draw ({}), not {}",
            p.task.id,
            name(latest),
            name(p.history.as_ref())
        ));
    }
    None
}

/// The register files' roots, computed once: a chain of many draws checked
/// against a national register hashes it once. Only the conflict list's root
/// depends on the commitment (its salt), so it is kept per salt.
#[derive(Default)]
struct RootCache {
    base: Option<Result<RegisterRoots, DrawError>>,
    conflicts: HashMap<Vec<u8>, Result<RootRecord, DrawError>>,
}

impl RootCache {
    fn get(&mut self, regs: &Registers<'_>) -> Result<RegisterRoots, DrawError> {
        let mut roots = self
            .base
            .get_or_insert_with(|| register_roots(regs).map_err(DrawError::from))
            .clone()?;
        roots.conflicts = self
            .conflicts
            .entry(regs.conflict_salt.to_vec())
            .or_insert_with(|| {
                commit_conflicts(regs.conflicts, regs.conflict_salt)
                    .map(|r| RootRecord {
                        root: r.root,
                        size: Count(r.size),
                    })
                    .map_err(DrawError::from)
            })
            .clone()?;
        Ok(roots)
    }
}

#[allow(clippy::too_many_arguments)]
fn check_draw(
    ctx: &mut Ctx<'_>,
    at: Option<(usize, Option<u64>, &RecordId)>,
    commitment: &CommitmentPayload,
    draw: &DrawPayload,
    earlier_draws: &HashMap<RecordId, DrawPayload>,
    options: &VerifyOptions<'_>,
    roots: &mut RootCache,
) {
    use FindingSeverity::Error;
    ctx.report.draws_replayed += 1;
    let findings = draw_findings(commitment, &draw.commitment, draw);
    let unknown_algorithm = findings.iter().any(|f| f.check == "algorithm");
    ctx.place(at, findings);
    if unknown_algorithm {
        return;
    }
    // The counts first: the sampler's work is then bounded by the draw
    // record's own length, whatever class sizes a commitment claims.
    let sizes = match sample_counts(commitment) {
        Ok(s) => s,
        Err(e) => {
            ctx.push(Error, "replay", at, format!("cannot replay: {e}"));
            return;
        }
    };
    let mut ranks_ok = true;
    for c in CreditClass::ALL {
        let stated = draw.drawn.get(c).len();
        if stated as u64 != sizes[c.index()] {
            ranks_ok = false;
            ctx.push(
                Error,
                "sample-size",
                at,
                format!(
                    "class {c}: {stated} drawn, the committed pool and ratio give {}",
                    sizes[c.index()]
                ),
            );
        }
    }
    let r = if ranks_ok {
        match replay(commitment, &draw.commitment, &draw.randomness.value) {
            Ok(r) => Some(r),
            Err(e) => {
                ctx.push(Error, "replay", at, format!("cannot replay: {e}"));
                return;
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
                ctx.push(
                    Error,
                    "ranks",
                    at,
                    format!("class {c}: ranks {stated:?}, the seed gives {expected:?}"),
                );
            }
        }
    }
    let drawn: Vec<_> = draw.drawn_in_order().map(|(_, d)| d.uscc).collect();
    if draw.teams.len() != drawn.len() || draw.teams.iter().zip(&drawn).any(|(t, u)| t.uscc != *u) {
        ctx.push(
            Error,
            "teams",
            at,
            "teams are not one per drawn entity in draw order".into(),
        );
    }
    let size = commitment.task.team.team_size as usize;
    for t in &draw.teams {
        let mut ids: Vec<&String> = t.inspectors.iter().collect();
        ids.sort();
        ids.dedup();
        if t.inspectors.len() != size || ids.len() != size {
            ctx.push(
                Error,
                "team-size",
                at,
                format!(
                    "entity {}: team of {} distinct officers, the task requires {size}",
                    t.uscc,
                    ids.len()
                ),
            );
        }
    }

    let Some(mut regs) = options.registers else {
        return;
    };
    if let Some((_, salt)) = options.salts.iter().find(|(c, _)| *c == draw.commitment) {
        regs.conflict_salt = salt;
    }
    let id_hex = at.map(|(_, _, id)| id.to_string()).unwrap_or_default();
    if options
        .only_draw
        .is_some_and(|p| !id_hex.starts_with(&p.to_ascii_lowercase()))
    {
        return;
    }
    ctx.report.draws_checked_with_registers += 1;
    if let Err(e) = roots
        .get(&regs)
        .and_then(|actual| compare_roots(&commitment.registers, &actual))
    {
        let check = match e {
            DrawError::RegisterMismatch { .. } => "register-root",
            _ => "registers",
        };
        let mut message = e.to_string();
        if matches!(
            e,
            DrawError::RegisterMismatch {
                register: "conflict",
                ..
            }
        ) && regs.conflict_salt.is_empty()
        {
            message.push_str("; no conflict-list salt was given for this commitment, and the root cannot match without it");
        }
        ctx.push(Error, check, at, message);
        return;
    }
    if let Some(items) = regs.items
        && let Some(problem) = expertise_problem(commitment, items)
    {
        ctx.push(Error, "task-rules", at, problem);
    }
    let Some(r) = r.filter(|_| ranks_ok) else {
        return;
    };
    let entities = drawn_entities(&r, regs.entities);
    for ((_, rank, e), stated) in entities.iter().zip(draw.drawn_in_order()) {
        if e.uscc != stated.1.uscc {
            ctx.push(
                Error,
                "drawn-entity",
                at,
                format!(
                    "class {} rank {rank} is {} in the committed register, the draw says {}",
                    e.credit_class, e.uscc, stated.1.uscc
                ),
            );
        }
    }
    // Every officer on every team: in the register, certificate valid, no declared conflict.
    for t in &draw.teams {
        for id in &t.inspectors {
            match regs.inspectors.get(id) {
                None => ctx.push(
                    Error,
                    "team-member",
                    at,
                    format!(
                        "entity {}: officer {id} is not in the inspector register",
                        t.uscc
                    ),
                ),
                Some(i) if !i.certificate_valid_on(draw.inspection_date) => ctx.push(
                    Error,
                    "certificate",
                    at,
                    format!(
                        "entity {}: officer {id}'s certificate is not valid on {}",
                        t.uscc,
                        crate::calendar::date::format_date(draw.inspection_date)
                    ),
                ),
                Some(_) => {}
            }
            if regs.conflicts.is_conflicted(id, &t.uscc) {
                ctx.push(
                    Error,
                    "conflict",
                    at,
                    format!(
                        "entity {}: officer {id} declared a conflict with it and must not inspect it",
                        t.uscc
                    ),
                );
            }
        }
    }
    let history = match commitment.history {
        None => None,
        Some(h) => match earlier_draws.get(&h) {
            Some(d) => Some(History::from_teams(&d.teams)),
            // Reported at the commitment (check `history`).
            None => return,
        },
    };
    match teams_for(
        &r,
        &entities,
        &commitment.task.team,
        &regs,
        draw.inspection_date,
        history.as_ref(),
    ) {
        Ok(teams) if teams == draw.teams => {}
        Ok(_) => ctx.push(
            Error,
            "teams",
            at,
            "the teams are not the ones the seed assigns under the committed rules".into(),
        ),
        Err(e) => ctx.push(
            Error,
            "teams",
            at,
            format!("the committed rules admit no assignment: {e}"),
        ),
    }
}
