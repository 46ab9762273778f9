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
/// between the commitment and the files, in numbers and rows; in English
/// and in Chinese.
pub(super) fn explain(
    register: &str,
    commitment: &CommitmentPayload,
    draw: &DrawPayload,
    actual: &RegisterRoots,
    pool: &EntityRegister,
    regs: &Registers<'_>,
    salt: SaltGiven,
) -> (String, String) {
    let committed = &commitment.registers;
    match register {
        "entity" => {
            let (c_root, c_size) = (hex(&committed.entities.root), committed.entities.size.0);
            let (a_root, a_size) = (hex(&actual.entities.root), actual.entities.size.0);
            let mut m = format!(
                "the entity pool from the register given differs from the committed pool (committed root {c_root} of {c_size} entities; from this file {a_root} of {a_size})"
            );
            let mut zh = format!(
                "由所给名录得出的检查对象名录库与承诺的名录库不一致（承诺的默克尔根 {c_root}，共 {c_size} 户；本文件得出 {a_root}，共 {a_size} 户）"
            );
            if commitment.task.scope.is_some() {
                m.push_str(
                    ", the pool being the master register's entities in the task's scope less those of excluded draws (FORMAT §3.1)",
                );
                zh.push_str(
                    "，名录库即主名录库中属于任务抽查范围、且不含被排除的抽取所抽中对象的检查对象（FORMAT §3.1）",
                );
            }
            let (counts, counts_zh) = class_counts(commitment, pool);
            let (ranks, ranks_zh) = drawn_ranks(draw, pool);
            m.push_str(&counts);
            m.push_str(&ranks);
            zh.push_str(&counts_zh);
            zh.push_str(&ranks_zh);
            (m, zh)
        }
        "master entity" => {
            let text = |r: Option<crate::records::RootRecord>| {
                r.map_or("none".to_owned(), |r| {
                    format!("root {} of {} entities", hex(&r.root), r.size.0)
                })
            };
            let text_zh = |r: Option<crate::records::RootRecord>| {
                r.map_or("无".to_owned(), |r| {
                    format!("默克尔根 {}，共 {} 户", hex(&r.root), r.size.0)
                })
            };
            (
                format!(
                    "the master entity register given differs from the committed one (committed {}; this file {}); the task's pool derived from it is the committed one, so the rows that differ are outside the task's scope and the drawn entities are not affected",
                    text(committed.master),
                    text(actual.master)
                ),
                format!(
                    "所给的检查对象主名录库与承诺的不一致（承诺的：{}；本文件：{}）；由其得出的任务名录库与承诺的一致，因此不一致的行在任务抽查范围之外，抽中的检查对象不受影响",
                    text_zh(committed.master),
                    text_zh(actual.master)
                ),
            )
        }
        "inspector" => {
            let (c_root, c_size) = (
                hex(&committed.inspectors.root),
                committed.inspectors.size.0,
            );
            let (a_root, a_size) = (hex(&actual.inspectors.root), actual.inspectors.size.0);
            let mut m = format!(
                "the inspector register given differs from the committed one (committed root {c_root} of {c_size} officers; this file {a_root} of {a_size})"
            );
            let mut zh = format!(
                "所给的执法检查人员名录与承诺的不一致（承诺的默克尔根 {c_root}，共 {c_size} 人；本文件为 {a_root}，共 {a_size} 人）"
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
                zh.push_str("；本次抽取各检查组的执法检查人员都在本文件中");
            } else {
                let _ = write!(
                    m,
                    "; officers on this draw's teams not in the file: {}",
                    missing.join(", ")
                );
                let _ = write!(
                    zh,
                    "；本次抽取的检查组中不在本文件中的执法检查人员：{}",
                    missing.join("、")
                );
            }
            (m, zh)
        }
        "conflict" => {
            let (c, a) = (committed.conflicts.size.0, actual.conflicts.size.0);
            if c == 0 {
                (
                    format!(
                        "the commitment binds an empty conflict list, the file holds {a} declared conflict(s): the list differs (no salt enters an empty list's root)"
                    ),
                    format!(
                        "承诺绑定的是空的回避名单，本文件有 {a} 条申报的回避关系：名单不一致（空名单的默克尔根与盐值无关）"
                    ),
                )
            } else if c != a {
                (
                    format!(
                        "the commitment binds {c} declared conflict(s), the file holds {a}: the conflict list differs (a salt does not change the count)"
                    ),
                    format!(
                        "承诺绑定了 {c} 条申报的回避关系，本文件有 {a} 条：回避名单不一致（盐值不会改变条数）"
                    ),
                )
            } else {
                let (who, who_zh) = match salt {
                    SaltGiven::ForThisCommitment => (
                        "the salt given for this commitment is not the one it was committed with; the root alone cannot tell which. If it is the salt the office kept for this commitment, the list differs",
                        "为该承诺提供的盐值不是承诺时所用的盐值；仅凭默克尔根无法判断是哪一种情况。如果该盐值确是本机关为此承诺保存的盐值，则是名单不一致",
                    ),
                    SaltGiven::ForEveryCommitment => (
                        "the one salt given for every commitment is not this commitment's; the root alone cannot tell which. With this commitment's own salt (the office's secrets file), a mismatch means the list differs",
                        "为所有承诺共用的那一个盐值不是该承诺的盐值；仅凭默克尔根无法判断是哪一种情况。使用该承诺自己的盐值（本机关的盐值文件）核对时如仍不一致，则是名单不一致",
                    ),
                };
                (
                    format!(
                        "the conflict list given does not give the committed root ({c} declared conflict(s) in both): either the list differs from the one committed, or {who}"
                    ),
                    format!(
                        "所给的回避名单得不出承诺的默克尔根（两者都有 {c} 条申报的回避关系）：要么名单与承诺的不同，要么{who_zh}"
                    ),
                )
            }
        }
        "check-item" => match (committed.items, actual.items) {
            (None, Some(_)) => (
                "the commitment binds no check-item list, but one was given: check this draw without it".into(),
                "承诺没有绑定抽查事项清单，但提供了清单：核对本次抽取时请不要提供清单".into(),
            ),
            (Some(c), None) => (
                format!(
                    "the commitment binds a check-item list ({} item(s), root {}), and none was given",
                    c.size.0,
                    hex(&c.root)
                ),
                format!(
                    "承诺绑定了抽查事项清单（{} 项，默克尔根 {}），但未提供清单",
                    c.size.0,
                    hex(&c.root)
                ),
            ),
            (Some(c), Some(a)) => (
                format!(
                    "the check-item list given differs from the committed one (committed root {} of {} item(s); this file {} of {})",
                    hex(&c.root),
                    c.size.0,
                    hex(&a.root),
                    a.size.0
                ),
                format!(
                    "所给的抽查事项清单与承诺的不一致（承诺的默克尔根 {}，共 {} 项；本文件为 {}，共 {} 项）",
                    hex(&c.root),
                    c.size.0,
                    hex(&a.root),
                    a.size.0
                ),
            ),
            (None, None) => (
                "the check-item lists differ".into(),
                "抽查事项清单不一致".into(),
            ),
        },
        other => (
            format!("the {other} register differs from the committed one"),
            format!(
                "{}与承诺的不一致",
                crate::checks::register_zh(other)
            ),
        ),
    }
}

/// The class counts of the pool against the committed ones (English, Chinese).
fn class_counts(commitment: &CommitmentPayload, pool: &EntityRegister) -> (String, String) {
    let committed = commitment.pools();
    let actual = pool.class_sizes();
    let differ: Vec<CreditClass> = CreditClass::ALL
        .into_iter()
        .filter(|c| committed[c.index()] != actual[c.index()])
        .collect();
    if differ.is_empty() {
        return (
            format!(
                ". Every class count agrees (A {}, B {}, C {}, D {}): rows were changed, not added or removed",
                actual[0], actual[1], actual[2], actual[3]
            ),
            format!(
                "。各类户数一致（A 类 {}，B 类 {}，C 类 {}，D 类 {}）：有行被修改，而不是被增删",
                actual[0], actual[1], actual[2], actual[3]
            ),
        );
    }
    let en: Vec<String> = differ
        .iter()
        .map(|c| {
            format!(
                "class {c} committed {}, this file {}",
                committed[c.index()],
                actual[c.index()]
            )
        })
        .collect();
    let zh: Vec<String> = differ
        .iter()
        .map(|c| {
            format!(
                "{c} 类承诺 {} 户，本文件 {} 户",
                committed[c.index()],
                actual[c.index()]
            )
        })
        .collect();
    (
        format!(". Class counts differ: {}", en.join("; ")),
        format!("。各类户数不一致：{}", zh.join("；")),
    )
}

/// The drawn ranks that no longer hold the entity the draw names (English,
/// Chinese).
fn drawn_ranks(draw: &DrawPayload, pool: &EntityRegister) -> (String, String) {
    let mut moved = Vec::new();
    let mut moved_zh = Vec::new();
    for (class, d) in draw.drawn_in_order() {
        let held = usize::try_from(d.rank.0)
            .ok()
            .and_then(|r| pool.class(class).get(r));
        if held.is_some_and(|e| e.uscc == d.uscc) {
            continue;
        }
        let mut m = format!("class {class} rank {}: the draw names {}", d.rank.0, d.uscc);
        let mut zh = format!("{class} 类排位 {}：抽取记录为 {}", d.rank.0, d.uscc);
        match held {
            Some(e) => {
                let _ = write!(m, ", the file holds {} there", e.uscc);
                let _ = write!(zh, "，本文件该排位为 {}", e.uscc);
            }
            None => {
                let n = pool.class(class).len();
                let _ = write!(m, ", the file's class {class} has only {n} entities");
                let _ = write!(zh, "，本文件 {class} 类只有 {n} 户");
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
                let _ = write!(
                    zh,
                    "（{} 在本文件中位于 {} 类排位 {rank}）",
                    d.uscc, e.credit_class
                );
            }
            None => {
                let _ = write!(m, " ({} is not in the file's pool)", d.uscc);
                let _ = write!(zh, "（{} 不在本文件的名录库中）", d.uscc);
            }
        }
        moved.push(m);
        moved_zh.push(zh);
    }
    if moved.is_empty() {
        let n = draw.drawn_count();
        return (
            format!(
                ". Each of the {n} drawn rank(s) still holds the entity the draw names: the rows that differ were not drawn"
            ),
            format!("。抽中的 {n} 个排位上仍是抽取记录所列的检查对象：不一致的行没有被抽中"),
        );
    }
    let n = moved.len();
    let listed = moved
        .into_iter()
        .take(MAX_LISTED)
        .collect::<Vec<_>>()
        .join("; ");
    let listed_zh = moved_zh
        .into_iter()
        .take(MAX_LISTED)
        .collect::<Vec<_>>()
        .join("；");
    let (more, more_zh) = if n > MAX_LISTED {
        (
            format!("; and {} more", n - MAX_LISTED),
            format!("；另有 {} 个", n - MAX_LISTED),
        )
    } else {
        (String::new(), String::new())
    };
    (
        format!(". {n} drawn rank(s) no longer hold the drawn entity: {listed}{more}"),
        format!("。有 {n} 个抽中的排位上已不是抽取记录所列的检查对象：{listed_zh}{more_zh}"),
    )
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
            f.message_zh = Some(format!(
                "为承诺 {} 提供的盐值是承诺 {other}（序号 {}）的盐值：用它和所给的回避名单得出的是那个承诺的默克尔根。每个承诺都有自己的盐值，因此这不是本承诺的盐值，本次抽取未对照名录文件核对；请提供本承诺自己的盐值（本机关的盐值文件）",
                draw.commitment, c.chain.sequence
            ));
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
            message_zh: Some(format!(
                "所给的 {} 个盐值不对应本凭证链中的任何承诺（第一个：{first}）：是否是另一条链的盐值文件？",
                unknown.len()
            )),
        });
    }
}
