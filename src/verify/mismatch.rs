//! What differs when a register file does not give the committed root
//! (check `register-root`), said for the auditor reading the report: the
//! class counts, the drawn ranks that no longer hold the drawn entity, the
//! sizes, and for the conflict list whether the salt or the list is at
//! fault where that can be decided (check `conflict-salt`).

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::checks::{Finding, FindingSeverity};
use crate::commitment::Hash;
use crate::records::{CommitmentPayload, DrawPayload, Record, RecordId, RegisterRoots};
use crate::registers::{CreditClass, EntityRegister, Registers};

use super::{ChainState, Level, Report, RootCache, VerifyOptions};

/// Where the conflict-list salt of a draw's commitment came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SaltGiven {
    /// A salt given for this commitment (the office's secrets file).
    ForThisCommitment,
    /// The one salt given for every commitment.
    ForEveryCommitment,
}

/// The most drawn ranks named one by one in a message.
const MAX_LISTED: usize = 10;

fn hex(h: &Hash) -> String {
    crate::hex::encode(h)
}

/// The message of a `register-root` finding about `register` (the name a
/// [`crate::checks::DrawError::RegisterMismatch`] carries): what differs
/// between the commitment and the files, in numbers and rows.
pub(super) fn explain(
    register: &str,
    commitment: &CommitmentPayload,
    draw: &DrawPayload,
    actual: &RegisterRoots,
    pool: &EntityRegister,
    regs: &Registers<'_>,
    salt: SaltGiven,
) -> String {
    let committed = &commitment.registers;
    match register {
        "entity" => {
            let mut m = format!(
                "the entity pool from the register given differs from the committed pool (committed root {} of {} entities; from this file {} of {})",
                hex(&committed.entities.root),
                committed.entities.size.0,
                hex(&actual.entities.root),
                actual.entities.size.0
            );
            if commitment.task.scope.is_some() {
                m.push_str(
                    ", the pool being the master register's entities in the task's scope less those of excluded draws (FORMAT §3.1)",
                );
            }
            m.push_str(&class_counts(commitment, pool));
            m.push_str(&drawn_ranks(draw, pool));
            m
        }
        "master entity" => {
            let text = |r: Option<crate::records::RootRecord>| {
                r.map_or("none".to_owned(), |r| {
                    format!("root {} of {} entities", hex(&r.root), r.size.0)
                })
            };
            format!(
                "the master entity register given differs from the committed one (committed {}; this file {}); the task's pool derived from it is the committed one, so the rows that differ are outside the task's scope and the drawn entities are not affected",
                text(committed.master),
                text(actual.master)
            )
        }
        "inspector" => {
            let mut m = format!(
                "the inspector register given differs from the committed one (committed root {} of {} officers; this file {} of {})",
                hex(&committed.inspectors.root),
                committed.inspectors.size.0,
                hex(&actual.inspectors.root),
                actual.inspectors.size.0
            );
            let mut seen = HashSet::new();
            let missing: Vec<&str> = draw
                .teams
                .iter()
                .flat_map(|t| &t.inspectors)
                .filter(|id| regs.inspectors.get(id).is_none() && seen.insert(id.as_str()))
                .map(String::as_str)
                .collect();
            if missing.is_empty() {
                m.push_str("; every officer on this draw's teams is in the file");
            } else {
                let _ = write!(
                    m,
                    "; officers on this draw's teams not in the file: {}",
                    missing.join(", ")
                );
            }
            m
        }
        "conflict" => {
            let (c, a) = (committed.conflicts.size.0, actual.conflicts.size.0);
            if c == 0 {
                format!(
                    "the commitment binds an empty conflict list, the file holds {a} declared conflict(s): the list differs (no salt enters an empty list's root)"
                )
            } else if c != a {
                format!(
                    "the commitment binds {c} declared conflict(s), the file holds {a}: the conflict list differs (a salt does not change the count)"
                )
            } else {
                let who = match salt {
                    SaltGiven::ForThisCommitment => {
                        "the salt given for this commitment is not the one it was committed with; the root alone cannot tell which. If it is the salt the office kept for this commitment, the list differs"
                    }
                    SaltGiven::ForEveryCommitment => {
                        "the one salt given for every commitment is not this commitment's; the root alone cannot tell which. With this commitment's own salt (the office's secrets file), a mismatch means the list differs"
                    }
                };
                format!(
                    "the conflict list given does not give the committed root ({c} declared conflict(s) in both): either the list differs from the one committed, or {who}"
                )
            }
        }
        "check-item" => match (committed.items, actual.items) {
            (None, Some(_)) => {
                "the commitment binds no check-item list, but one was given: check this draw without it".into()
            }
            (Some(c), None) => format!(
                "the commitment binds a check-item list ({} item(s), root {}), and none was given",
                c.size.0,
                hex(&c.root)
            ),
            (Some(c), Some(a)) => format!(
                "the check-item list given differs from the committed one (committed root {} of {} item(s); this file {} of {})",
                hex(&c.root),
                c.size.0,
                hex(&a.root),
                a.size.0
            ),
            (None, None) => "the check-item lists differ".into(),
        },
        other => format!("the {other} register differs from the committed one"),
    }
}

/// The class counts of the pool against the committed ones.
fn class_counts(commitment: &CommitmentPayload, pool: &EntityRegister) -> String {
    let committed = commitment.pools();
    let actual = pool.class_sizes();
    let differ: Vec<String> = CreditClass::ALL
        .into_iter()
        .filter(|c| committed[c.index()] != actual[c.index()])
        .map(|c| {
            format!(
                "class {c} committed {}, this file {}",
                committed[c.index()],
                actual[c.index()]
            )
        })
        .collect();
    if differ.is_empty() {
        format!(
            ". Every class count agrees (A {}, B {}, C {}, D {}): rows were changed, not added or removed",
            actual[0], actual[1], actual[2], actual[3]
        )
    } else {
        format!(". Class counts differ: {}", differ.join("; "))
    }
}

/// The drawn ranks that no longer hold the entity the draw names.
fn drawn_ranks(draw: &DrawPayload, pool: &EntityRegister) -> String {
    let mut moved = Vec::new();
    for (class, d) in draw.drawn_in_order() {
        let held = usize::try_from(d.rank.0)
            .ok()
            .and_then(|r| pool.class(class).get(r));
        if held.is_some_and(|e| e.uscc == d.uscc) {
            continue;
        }
        let mut m = format!("class {class} rank {}: the draw names {}", d.rank.0, d.uscc);
        match held {
            Some(e) => {
                let _ = write!(m, ", the file holds {} there", e.uscc);
            }
            None => {
                let _ = write!(
                    m,
                    ", the file's class {class} has only {} entities",
                    pool.class(class).len()
                );
            }
        }
        match pool.get(&d.uscc) {
            Some(e) => {
                let rank = pool
                    .class(e.credit_class)
                    .binary_search_by(|x| x.uscc.cmp(&d.uscc))
                    .unwrap_or_default();
                let _ = write!(
                    m,
                    " ({} is at class {} rank {rank} in the file)",
                    d.uscc, e.credit_class
                );
            }
            None => {
                let _ = write!(m, " ({} is not in the file's pool)", d.uscc);
            }
        }
        moved.push(m);
    }
    if moved.is_empty() {
        return format!(
            ". Each of the {} drawn rank(s) still holds the entity the draw names: the rows that differ were not drawn",
            draw.drawn_count()
        );
    }
    let n = moved.len();
    let listed = moved
        .into_iter()
        .take(MAX_LISTED)
        .collect::<Vec<_>>()
        .join("; ");
    let more = if n > MAX_LISTED {
        format!("; and {} more", n - MAX_LISTED)
    } else {
        String::new()
    };
    format!(". {n} drawn rank(s) no longer hold the drawn entity: {listed}{more}")
}

/// The conflict roots of the files that did not match a draw's commitment,
/// kept for [`after_chain`].
#[derive(Debug, Default)]
pub(super) struct ConflictMismatches(Vec<(RecordId, Hash)>);

impl ConflictMismatches {
    /// A draw whose conflict list and salt gave `root`, not the committed one.
    pub(super) fn push(&mut self, draw: RecordId, root: Hash) {
        self.0.push((draw, root));
    }
}

/// Findings that need the whole chain: a salt that is another commitment's
/// (its conflict root is that commitment's), and salts given for
/// commitments the chain does not hold.
pub(super) fn after_chain(
    state: &ChainState,
    options: &VerifyOptions<'_>,
    roots: &RootCache,
    report: &mut Report,
) {
    if options.level < Level::Full || options.registers.is_none() {
        return;
    }
    let commitments: Vec<(&RecordId, &CommitmentPayload)> = state
        .records()
        .iter()
        .filter_map(|(id, r)| match r {
            Record::Commitment(c) => Some((id, c)),
            _ => None,
        })
        .collect();
    for (draw_id, root) in &roots.conflict_mismatches.0 {
        let Some(draw) = state.draw(draw_id) else {
            continue;
        };
        let Some((other, c)) = commitments.iter().find(|(id, c)| {
            **id != draw.commitment
                && c.registers.conflicts.size.0 > 0
                && c.registers.conflicts.root == *root
        }) else {
            continue;
        };
        let record = draw_id.to_string();
        if let Some(f) = report
            .findings
            .iter_mut()
            .find(|f| f.check == "register-root" && f.record.as_deref() == Some(&record))
        {
            f.check = "conflict-salt";
            f.message = format!(
                "the salt given for commitment {} is that of commitment {other} (sequence {}): with the conflict list given it gives that commitment's committed root. Each commitment has a salt of its own, so it is not this commitment's salt, and this draw was not checked against the files; give this commitment's own salt (the office's secrets file)",
                draw.commitment, c.chain.sequence
            );
        }
    }
    let on_chain: HashSet<&RecordId> = commitments.iter().map(|(id, _)| *id).collect();
    let unknown: Vec<&RecordId> = options
        .salts
        .iter()
        .map(|(id, _)| id)
        .filter(|id| !on_chain.contains(id))
        .collect();
    if let Some(first) = unknown.first() {
        report.findings.push(Finding {
            severity: FindingSeverity::Warning,
            check: "conflict-salt",
            line: None,
            sequence: None,
            record: None,
            message: format!(
                "{} salt(s) given name no commitment of this chain (first: {first}): the secrets of another chain?",
                unknown.len()
            ),
        });
    }
}
