//! `show`: what a chain holds, from the chain and the issuer's public key
//! alone — the tasks, each commitment (time, randomness plan and its time,
//! pools per class, outcome), each draw (the codes drawn, the teams, the
//! office's witnessing statement), cancellations with their reasons, and
//! the chain head. Times in Beijing time. `--json` gives the same as JSON.
//!
//! Only records whose signature verifies under the key are listed; the
//! chain is verified at replay level first and the verdict is shown, so a
//! listing is never mistaken for a verification that passed.

use std::collections::HashMap;
use std::path::PathBuf;

use clap::Args;
use double_random::{
    beacon::QUICKNET_CHAIN_HASH,
    records::{
        CancellationPayload, CommitmentPayload, DrawPayload, IssuerPublicKey, RandomnessPlan,
        Record, RecordId, Witnessing,
    },
    registers::CreditClass,
    sampling::BasisPoints,
    verify::{Level, Report, VerifyOptions, read_chain, verify_chain},
};
use serde_json::{Value, json};

use crate::common::{CliError, Status};
use crate::log_file::read_shared;
use crate::receipts::{io, load_public_key};
use crate::report::{open_records, plan_text};
use crate::when::bj;

/// Flags of `show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The issuer's chain file.
    #[arg(long)]
    pub chain: PathBuf,
    /// The issuer's public key file.
    #[arg(long)]
    pub public_key: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn percent(bp: u32) -> String {
    BasisPoints::new(bp).map_or_else(|_| format!("{bp} bp"), |b| b.to_string())
}

/// One commitment and what became of it.
struct Entry<'a> {
    id: RecordId,
    commitment: &'a CommitmentPayload,
    draw: Option<(RecordId, &'a DrawPayload)>,
    cancellation: Option<(RecordId, &'a CancellationPayload)>,
}

fn witnessing_text(w: Option<Witnessing>) -> &'static str {
    match w {
        Some(Witnessing::Witnessed) => {
            "witnessed (the office says witnesses cosigned the commitment before the randomness; check with verify --witness-key)"
        }
        Some(Witnessing::Unwitnessed) => {
            "unwitnessed (the office drew without witness cosignatures of the commitment)"
        }
        Some(_) => "another statement",
        None => "none (version 1)",
    }
}

fn witnessing_text_zh(w: Option<Witnessing>) -> &'static str {
    match w {
        Some(Witnessing::Witnessed) => {
            "有见证（本单位声明：随机数产生前，见证方已副署本次承诺；请用 verify --witness-key 核验）"
        }
        Some(Witnessing::Unwitnessed) => "无见证（本单位未经见证方副署承诺即进行抽取）",
        Some(_) => "其他声明",
        None => "无（第 1 版记录）",
    }
}

/// The randomness plan in Chinese (the English is `report::plan_text`).
fn plan_text_zh(p: &RandomnessPlan) -> String {
    match p {
        RandomnessPlan::Drand { chain_hash, round } => {
            let network = if chain_hash.as_slice() == QUICKNET_CHAIN_HASH.as_slice() {
                "drand quicknet".to_owned()
            } else {
                format!("drand 网络 {}", double_random_hex(chain_hash))
            };
            match p.available_at() {
                Some(t) => format!("{network} 第 {} 轮，{}公布", round.0, bj(t)),
                None => format!("{network} 第 {} 轮（该轮永远不会产生）", round.0),
            }
        }
        RandomnessPlan::Ceremony {
            procedure,
            scheduled_at,
            witnesses,
        } => format!(
            "公开摇号仪式，定于 {}：{procedure}；见证人：{}",
            bj(*scheduled_at),
            if witnesses.is_empty() {
                "未列明".to_owned()
            } else {
                witnesses.join("、")
            }
        ),
        RandomnessPlan::Local {} => {
            "本地：本单位自行产生的随机数（无公布时间；最弱的一种）".to_owned()
        }
    }
}

fn witnessing_code(w: Option<Witnessing>) -> Value {
    match w {
        Some(Witnessing::Witnessed) => json!("witnessed"),
        Some(Witnessing::Unwitnessed) => json!("unwitnessed"),
        _ => Value::Null,
    }
}

fn plan_json(p: &RandomnessPlan) -> Value {
    let time = p.available_at().map(|t| t.beijing().rfc3339());
    match p {
        RandomnessPlan::Drand { chain_hash, round } => json!({
            "source": "drand",
            "chain_hash": double_random_hex(chain_hash),
            "round": round.0.to_string(),
            "time": time,
        }),
        RandomnessPlan::Ceremony {
            procedure,
            scheduled_at: _,
            witnesses,
        } => json!({
            "source": "ceremony",
            "procedure": procedure,
            "witnesses": witnesses,
            "time": time,
        }),
        RandomnessPlan::Local {} => json!({"source": "local", "time": null}),
    }
}

fn double_random_hex(h: &[u8]) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

fn per_class<T: ToString>(f: impl Fn(CreditClass) -> T) -> Value {
    let mut m = serde_json::Map::new();
    for c in CreditClass::ALL {
        m.insert(c.to_string(), json!(f(c).to_string()));
    }
    Value::Object(m)
}

fn draw_json(id: &RecordId, d: &DrawPayload) -> Value {
    let teams: HashMap<_, _> = d.teams.iter().map(|t| (t.uscc, &t.inspectors)).collect();
    let drawn: Vec<Value> = d
        .drawn_in_order()
        .map(|(c, e)| {
            json!({
                "class": c.to_string(),
                "rank": e.rank.0.to_string(),
                "uscc": e.uscc.to_string(),
                "team": teams.get(&e.uscc).copied().cloned().unwrap_or_default(),
            })
        })
        .collect();
    json!({
        "record": id.to_string(),
        "sequence": d.chain.sequence.to_string(),
        "drawn_at": d.chain.created_at.beijing().rfc3339(),
        "witnessing": witnessing_code(d.witnessing),
        "drawn": drawn,
    })
}

/// Runs `show`.
pub fn show(a: &ShowArgs) -> Result<Status, CliError> {
    let key = load_public_key(&a.public_key)?;
    let bytes = read_shared(&a.chain).map_err(io(&a.chain))?;
    let (lines, read_findings) = read_chain(&bytes);
    let report = verify_chain(&lines, &key, &VerifyOptions::level(Level::Replay));
    let errors = report.errors().count() + read_findings.len();
    let records = open_records(&lines, &key);

    // Commitments in chain order, grouped by task in order of first commitment.
    let mut entries: Vec<Entry<'_>> = Vec::new();
    let mut index: HashMap<RecordId, usize> = HashMap::new();
    for (id, r) in &records {
        match r {
            Record::Commitment(c) => {
                index.insert(*id, entries.len());
                entries.push(Entry {
                    id: *id,
                    commitment: c,
                    draw: None,
                    cancellation: None,
                });
            }
            Record::Draw(d) => {
                if let Some(e) = index.get(&d.commitment).and_then(|&i| entries.get_mut(i))
                    && e.draw.is_none()
                {
                    e.draw = Some((*id, d));
                }
            }
            Record::Cancellation(c) => {
                if let Some(e) = index.get(&c.commitment).and_then(|&i| entries.get_mut(i))
                    && e.cancellation.is_none()
                {
                    e.cancellation = Some((*id, c));
                }
            }
            _ => {}
        }
    }
    let mut tasks: Vec<(&str, &str, Vec<&Entry<'_>>)> = Vec::new();
    for e in &entries {
        let t = &e.commitment.task;
        match tasks.iter_mut().find(|(id, _, _)| *id == t.id) {
            Some((_, _, list)) => list.push(e),
            None => tasks.push((&t.id, &t.name, vec![e])),
        }
    }

    if a.json {
        let tasks: Vec<Value> = tasks
            .iter()
            .map(|(id, name, list)| {
                let commitments: Vec<Value> = list
                    .iter()
                    .map(|e| {
                        let c = e.commitment;
                        let outcome = match (&e.draw, &e.cancellation) {
                            (Some(_), _) => "drawn",
                            (None, Some(_)) => "cancelled",
                            (None, None) => "open",
                        };
                        json!({
                            "record": e.id.to_string(),
                            "sequence": c.chain.sequence.to_string(),
                            "committed_at": c.chain.created_at.beijing().rfc3339(),
                            "randomness": plan_json(&c.randomness),
                            "pools": per_class(|cl| c.registers.entities.class_sizes.get(cl).0),
                            "ratios_bp": per_class(|cl| *c.task.ratios_bp.get(cl)),
                            "inspection_date": c.task.inspection_date.map(double_random::calendar::format_date),
                            "outcome": outcome,
                            "draw": e.draw.map(|(id, d)| draw_json(&id, d)),
                            "cancellation": e.cancellation.map(|(id, x)| json!({
                                "record": id.to_string(),
                                "sequence": x.chain.sequence.to_string(),
                                "cancelled_at": x.chain.created_at.beijing().rfc3339(),
                                "reason": x.reason,
                            })),
                        })
                    })
                    .collect();
                json!({"id": id, "name": name, "commitments": commitments})
            })
            .collect();
        let v = json!({
            "issuer": key.issuer(),
            "key_id": key.key_id(),
            "fingerprint": key.fingerprint(),
            "verified": {"level": "replay", "holds": errors == 0, "errors": errors},
            "records": report.records + read_findings.len(),
            "head": report.head.as_ref().map(|h| json!({
                "sequence": h.sequence.to_string(),
                "record": h.record.to_string(),
                "created_at": h.created_at.beijing().rfc3339(),
            })),
            "tasks": tasks,
        });
        crate::outln!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(if errors == 0 {
            Status::Ok
        } else {
            Status::Failed
        });
    }

    if crate::lang::zh() {
        print_zh(&key, &report, errors, &tasks)?;
        return Ok(if errors == 0 {
            Status::Ok
        } else {
            Status::Failed
        });
    }
    crate::outln!(
        "issuer {}, key fingerprint {} (key id {})",
        key.issuer(),
        key.fingerprint(),
        key.key_id()
    );
    match &report.head {
        Some(h) => crate::outln!(
            "chain head: sequence {}, record {} ({}); compare it with the head the issuer published",
            h.sequence,
            h.record,
            bj(h.created_at)
        ),
        None => crate::outln!("chain head: none (no record verified under this key)"),
    }
    if errors == 0 {
        crate::outln!(
            "verified at replay level: every rule checked holds (`double-random verify` for the full report)"
        );
    } else {
        crate::outln!(
            "verified at replay level: the chain FAILS with {errors} error(s); only records signed by the key are listed; run `double-random verify`"
        );
        if let Some(f) = report.findings.iter().find(|f| f.check == "wrong-key") {
            crate::outln!("  {}", crate::lang::finding(f));
        }
    }
    for (id, name, list) in &tasks {
        crate::outln!();
        crate::outln!("task {id} {name}");
        for e in list {
            let c = e.commitment;
            crate::outln!(
                "  commitment sequence {}, record {}, committed {}",
                c.chain.sequence,
                e.id,
                bj(c.chain.created_at)
            );
            crate::outln!("    randomness: {}", plan_text(&c.randomness));
            let pools: Vec<String> = CreditClass::ALL
                .iter()
                .map(|cl| {
                    format!(
                        "{cl} {} at {}",
                        c.registers.entities.class_sizes.get(*cl).0,
                        percent(*c.task.ratios_bp.get(*cl))
                    )
                })
                .collect();
            crate::outln!(
                "    pools per class: {} ({} in all)",
                pools.join(", "),
                c.registers.entities.size.0
            );
            if let Some(d) = c.task.inspection_date {
                crate::outln!(
                    "    inspection date: {}",
                    double_random::calendar::format_date(d)
                );
            }
            match (&e.draw, &e.cancellation) {
                (Some((id, d)), _) => {
                    crate::outln!(
                        "    outcome: drawn at sequence {}, record {}, {}",
                        d.chain.sequence,
                        id,
                        bj(d.chain.created_at)
                    );
                    crate::outln!("    witnessing: {}", witnessing_text(d.witnessing));
                    let teams: HashMap<_, _> =
                        d.teams.iter().map(|t| (t.uscc, &t.inspectors)).collect();
                    crate::outln!("    drawn ({}): class rank code: team", d.drawn_count());
                    for (cl, x) in d.drawn_in_order() {
                        crate::outln!(
                            "      {cl} {:>4} {}: {}",
                            x.rank.0,
                            x.uscc,
                            teams
                                .get(&x.uscc)
                                .map_or_else(|| "(no team)".to_owned(), |t| t.join(", "))
                        );
                    }
                }
                (None, Some((id, x))) => crate::outln!(
                    "    outcome: cancelled at sequence {}, record {}, {}: {}",
                    x.chain.sequence,
                    id,
                    bj(x.chain.created_at),
                    x.reason
                ),
                (None, None) => crate::outln!("    outcome: open (neither drawn nor cancelled)"),
            }
        }
    }
    Ok(if errors == 0 {
        Status::Ok
    } else {
        Status::Failed
    })
}

/// The text of `show` in Chinese (the English is inline in [`show`]).
fn print_zh(
    key: &IssuerPublicKey,
    report: &Report,
    errors: usize,
    tasks: &[(&str, &str, Vec<&Entry<'_>>)],
) -> Result<(), CliError> {
    crate::outln!(
        "签发单位 {}，公钥指纹 {}（密钥编号 {}）",
        key.issuer(),
        key.fingerprint(),
        key.key_id()
    );
    match &report.head {
        Some(h) => crate::outln!(
            "链头：序号 {}，记录 {}，{}；请与签发单位公布的链头核对",
            h.sequence,
            h.record,
            bj(h.created_at)
        ),
        None => crate::outln!("链头：无（没有记录能用此公钥验证通过）"),
    }
    if errors == 0 {
        crate::outln!("已按重放级别验证：所查规则均成立（完整报告请运行 `double-random verify`）");
    } else {
        crate::outln!(
            "已按重放级别验证：链未通过，有 {errors} 个错误；以下仅列出由该密钥签名的记录；请运行 `double-random verify`"
        );
        if let Some(f) = report.findings.iter().find(|f| f.check == "wrong-key") {
            crate::outln!("  {}", crate::lang::finding(f));
        }
    }
    for (id, name, list) in tasks {
        crate::outln!();
        crate::outln!("抽查任务 {id} {name}");
        for e in list {
            let c = e.commitment;
            crate::outln!(
                "  承诺：序号 {}，记录 {}，承诺时间 {}",
                c.chain.sequence,
                e.id,
                bj(c.chain.created_at)
            );
            crate::outln!("    随机源：{}", plan_text_zh(&c.randomness));
            let pools: Vec<String> = CreditClass::ALL
                .iter()
                .map(|cl| {
                    format!(
                        "{cl} 类 {} 户（抽取比例 {}）",
                        c.registers.entities.class_sizes.get(*cl).0,
                        percent(*c.task.ratios_bp.get(*cl))
                    )
                })
                .collect();
            crate::outln!(
                "    各类名录库：{}；共 {} 户",
                pools.join("，"),
                c.registers.entities.size.0
            );
            if let Some(d) = c.task.inspection_date {
                crate::outln!("    检查日期：{}", double_random::calendar::format_date(d));
            }
            match (&e.draw, &e.cancellation) {
                (Some((id, d)), _) => {
                    crate::outln!(
                        "    状态：已抽取，序号 {}，记录 {}，{}",
                        d.chain.sequence,
                        id,
                        bj(d.chain.created_at)
                    );
                    crate::outln!("    见证：{}", witnessing_text_zh(d.witnessing));
                    let teams: HashMap<_, _> =
                        d.teams.iter().map(|t| (t.uscc, &t.inspectors)).collect();
                    crate::outln!(
                        "    抽中 {} 户（类别 名次 统一社会信用代码：检查人员）：",
                        d.drawn_count()
                    );
                    for (cl, x) in d.drawn_in_order() {
                        crate::outln!(
                            "      {cl} {:>4} {}：{}",
                            x.rank.0,
                            x.uscc,
                            teams
                                .get(&x.uscc)
                                .map_or_else(|| "（无检查组）".to_owned(), |t| t.join("、"))
                        );
                    }
                }
                (None, Some((id, x))) => crate::outln!(
                    "    状态：已撤销，序号 {}，记录 {}，{}：{}",
                    x.chain.sequence,
                    id,
                    bj(x.chain.created_at),
                    x.reason
                ),
                (None, None) => crate::outln!("    状态：待抽取（既未抽取也未撤销）"),
            }
        }
    }
    Ok(())
}
