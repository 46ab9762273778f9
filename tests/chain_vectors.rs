//! Chain test vectors in `tests/vectors/chain/`: a valid issuer chain and
//! one chain per attack, each with the verdict and the failing checks an
//! independent verifier must report (`cases.json`).
//!
//! `every_case_has_its_verdict` verifies each file; `vectors_are_up_to_date`
//! rebuilds them in memory and compares (run with `DR_WRITE_VECTORS=1` to
//! rewrite). Every key here is a TEST ONLY key with a published secret.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use std::collections::HashSet;

use double_random::{
    after_draw::PickInputs,
    assignment::{History, TeamRules},
    calendar::Timestamp,
    chain::{
        Chain, CommitRequest, DrawRequest, Replace, Supplement, build_commitment, perform_draw,
    },
    records::{
        CancellationPayload, ChainLink, Count, Envelope, FormatVersion, IssuerKey, IssuerPublicKey,
        RandomnessPlan, RandomnessValue, Record, RecordId, ReplacementReason,
        ReplacementReasonKind, SupplementPayload, SupplementReason, SupplementReasonKind, TeamSpec,
        Witnessing,
    },
    registers::Uscc,
    registers::{
        ConflictRegister, ConflictRow, EntityRegister, EntityRow, InspectorRegister, InspectorRow,
        Registers, Scope, ValidationOptions, uscc_check_character,
    },
    sampling::BasisPoints,
    task::{Ratios, Task},
    verify::{Level, VerifyOptions, verify_chain_bytes},
};
use serde_json::{Value, json};

const TEST_ONLY: &str = "TEST ONLY: the secret seed of this key is published; never trust it.";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/v2/chain")
}

fn issuer() -> IssuerKey {
    let seed: [u8; 32] = core::array::from_fn(|i| i as u8 + 1);
    IssuerKey::from_secret_bytes("阳城县水务局 (TEST ONLY)", &seed).unwrap()
}

fn code(n: u32) -> String {
    let first: [u8; 17] = format!("91140522MA{n:07}").as_bytes().try_into().unwrap();
    format!(
        "{}{}",
        std::str::from_utf8(&first).unwrap(),
        uscc_check_character(&first).unwrap()
    )
}

/// The register files, as CSV text with canonical headers.
struct Files {
    entities: String,
    inspectors: String,
    conflicts: String,
}

/// The entity register's row of entity `i`: two industries, each with its
/// target type, and a few entities no longer in business (7 deregistered,
/// 11 deregistered, 13 revoked) or on the abnormal list (20).
fn entity_line(i: u32, class: &str, industry: &str) -> String {
    let status = match i {
        7 | 11 => "注销",
        13 => "吊销",
        20 => "列入经营异常名录",
        _ => "",
    };
    let types = match (i, industry) {
        (4, _) => "取水单位;河道采砂场",
        (_, "河道采砂") => "河道采砂场",
        _ => "取水单位",
    };
    format!(
        "{},测试单位{i:02},{class},140522,{industry},{status},{types}",
        code(i)
    )
}

fn class_of(i: u32) -> &'static str {
    ["A", "A", "B", "C", "B", "D"][(i % 6) as usize]
}

fn industry_of(i: u32) -> &'static str {
    if i % 3 == 2 { "河道采砂" } else { "取水" }
}

fn files() -> Files {
    let mut entities = String::from("uscc,name,credit_class,region,industry,status,target_types\n");
    for i in 0..30u32 {
        entities += &entity_line(i, class_of(i), industry_of(i));
        entities += "\n";
    }
    let mut inspectors =
        String::from("id,name,department,region,expertise,cert_valid_from,cert_valid_to\n");
    for i in 0..8u32 {
        let dept = if i < 4 { "管理股" } else { "水资源股" };
        inspectors += &format!("ZF{i:03},检查员{i},{dept},1405,水资源,2023-01-01,2027-12-31\n");
    }
    let mut conflicts = String::from("inspector_id,uscc,reason\n");
    for (i, e) in [(0u32, 3u32), (5, 3), (2, 11)] {
        conflicts += &format!("ZF{i:03},{},亲属关系\n", code(e));
    }
    Files {
        entities,
        inspectors,
        conflicts,
    }
}

fn rows(text: &str) -> Vec<(usize, Vec<String>)> {
    text.lines()
        .skip(1)
        .enumerate()
        .map(|(i, l)| (i + 2, l.split(',').map(str::to_owned).collect()))
        .collect()
}

struct Regs {
    entities: EntityRegister,
    inspectors: InspectorRegister,
    conflicts: ConflictRegister,
}

fn registers(f: &Files) -> Regs {
    let opts = ValidationOptions::default();
    let entities = EntityRegister::from_rows(
        rows(&f.entities).into_iter().map(|(row, v)| EntityRow {
            row,
            uscc: v[0].clone(),
            name: v[1].clone(),
            credit_class: v[2].clone(),
            region: v[3].clone(),
            industry: v[4].clone(),
            status: v.get(5).cloned().unwrap_or_default(),
            target_types: v.get(6).cloned().unwrap_or_default(),
        }),
        &opts,
    );
    let inspectors = InspectorRegister::from_rows(
        rows(&f.inspectors)
            .into_iter()
            .map(|(row, v)| InspectorRow {
                row,
                id: v[0].clone(),
                name: v[1].clone(),
                department: v[2].clone(),
                region: v[3].clone(),
                expertise: v[4].clone(),
                cert_valid_from: v[5].clone(),
                cert_valid_to: v[6].clone(),
            }),
        &opts,
    );
    let conflicts = ConflictRegister::from_rows(
        rows(&f.conflicts).into_iter().map(|(row, v)| ConflictRow {
            row,
            inspector_id: v[0].clone(),
            uscc: v[1].clone(),
            reason: v[2].clone(),
        }),
        Some(&entities.register),
        Some(&inspectors.register),
        &opts,
    );
    assert!(entities.is_clean() && inspectors.is_clean() && conflicts.is_clean());
    Regs {
        entities: entities.register,
        inspectors: inspectors.register,
        conflicts: conflicts.register,
    }
}

const SALT: [u8; 32] = [0x5a; 32];

fn no_exclusion() -> HashSet<Uscc> {
    HashSet::new()
}

fn regs_view(r: &Regs) -> Registers<'_> {
    Registers {
        entities: &r.entities,
        inspectors: &r.inspectors,
        conflicts: &r.conflicts,
        items: None,
    }
}

fn task(id: &str) -> Task {
    let bp = |s| BasisPoints::parse_percent(s).unwrap();
    let mut team = TeamRules::new(2, "管理股");
    team.participating_departments = vec!["水资源股".into()];
    team.places[1].department = Some("水资源股".into());
    team.workload_cap = Some(4);
    Task::new(
        id,
        "取水许可监督检查 (TEST ONLY)",
        vec![],
        Ratios([bp("10%"), bp("20%"), bp("30%"), bp("60%")]),
        team,
        double_random::calendar::parse_date("2024-06-03").unwrap(),
    )
    .unwrap()
}

fn at(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

/// Chain state while building: records so far.
struct Builder {
    key: IssuerKey,
    lines: Vec<Envelope>,
}

impl Builder {
    fn link(&self, created_at: &str) -> ChainLink {
        ChainLink {
            issuer: self.key.issuer().to_owned(),
            key_id: self.key.key_id().to_owned(),
            sequence: self.lines.len() as u64,
            previous: self.lines.last().map(|e| e.record_id()),
            created_at: at(created_at),
        }
    }

    fn push(&mut self, r: &Record) -> RecordId {
        let env = r.sign(&self.key).unwrap();
        let id = env.record_id();
        self.lines.push(env);
        id
    }

    fn commit(&mut self, regs: &Regs, task_id: &str, when: &str, ceremony: &str) -> RecordId {
        self.commit_task(regs, &task(task_id), when, ceremony)
    }

    /// The codes drawn by these draws of the chain built so far.
    fn drawn_by(&self, draws: &[RecordId]) -> HashSet<Uscc> {
        self.lines
            .iter()
            .filter(|e| draws.contains(&e.record_id()))
            .filter_map(|e| match Record::open(e, self.key.public_key()).unwrap() {
                Record::Draw(d) => {
                    Some(d.drawn_in_order().map(|(_, x)| x.uscc).collect::<Vec<_>>())
                }
                _ => None,
            })
            .flatten()
            .collect()
    }

    fn commit_task(&mut self, regs: &Regs, t: &Task, when: &str, ceremony: &str) -> RecordId {
        let excluded = self.drawn_by(&t.exclude_drawn);
        let p = build_commitment(&CommitRequest {
            chain: self.link(when),
            task: t,
            registers: regs_view(regs),
            conflict_salt: &SALT,
            excluded: &excluded,
            randomness: RandomnessPlan::Ceremony {
                procedure: "six rolls of a ten-sided die, digits as ASCII (TEST ONLY)".into(),
                scheduled_at: at(ceremony),
                witnesses: vec!["纪检监察组 (TEST ONLY)".into()],
            },
            history: None,
        })
        .unwrap();
        self.push(&Record::Commitment(p))
    }

    fn draw_payload(
        &self,
        regs: &Regs,
        cid: RecordId,
        when: &str,
    ) -> double_random::records::DrawPayload {
        self.draw_payload_result(regs, cid, when).unwrap()
    }

    fn draw_payload_result(
        &self,
        regs: &Regs,
        cid: RecordId,
        when: &str,
    ) -> Result<double_random::records::DrawPayload, double_random::checks::DrawError> {
        let Record::Commitment(c) = self
            .lines
            .iter()
            .find(|e| e.record_id() == cid)
            .map(|e| Record::open(e, self.key.public_key()).unwrap())
            .unwrap()
        else {
            panic!("not a commitment")
        };
        let excluded = self.drawn_by(&c.task.exclude_drawn);
        perform_draw(&DrawRequest {
            chain: self.link(when),
            commitment: &c,
            commitment_id: cid,
            randomness: RandomnessValue {
                value: b"381946".to_vec(),
                beacon_signature: None,
            },
            registers: regs_view(regs),
            conflict_salt: &SALT,
            history: None,
            excluded: &excluded,
            witnessing: Witnessing::Witnessed,
            library_version: "0.1.0",
        })
    }

    fn draw(&mut self, regs: &Regs, cid: RecordId, when: &str) -> RecordId {
        let p = self.draw_payload(regs, cid, when);
        self.push(&Record::Draw(p))
    }

    fn cancel(&mut self, cid: RecordId, when: &str) -> RecordId {
        let p = CancellationPayload {
            format: FormatVersion::V2,
            chain: self.link(when),
            commitment: cid,
            reason: "登记地址无法联系，任务调整 (TEST ONLY)".into(),
        };
        self.push(&Record::Cancellation(p))
    }

    fn text(&self) -> String {
        self.lines.iter().map(|e| e.to_json() + "\n").collect()
    }
}

/// The entity register files of the vectors (under `registers/`).
const HONEST: &str = "entities.csv";
/// Entity 4 moved from class B to class A.
const TAMPERED: &str = "entities-tampered.csv";
/// Entity 2 moved from the industry 河道采砂 to 取水.
const MOVED: &str = "entities-moved.csv";

struct Case {
    name: &'static str,
    description: &'static str,
    chain: String,
    /// Verify with the register files (full) or from the records alone (replay).
    with_registers: bool,
    /// The entity register file used with the registers.
    entities: &'static str,
    /// Expected failing checks; empty means the chain holds.
    fails: Vec<&'static str>,
}

fn cases() -> Vec<Case> {
    let f = files();
    let regs = registers(&f);
    let mut b = Builder {
        key: issuer(),
        lines: Vec::new(),
    };
    let c0 = b.commit(
        &regs,
        "YCSW-TEST-01",
        "2024-06-01T08:00:00Z",
        "2024-06-03T02:00:00Z",
    );
    b.draw(&regs, c0, "2024-06-03T02:10:00Z");
    let c2 = b.commit(
        &regs,
        "YCSW-TEST-02",
        "2024-06-03T03:00:00Z",
        "2024-06-05T02:00:00Z",
    );
    let valid = b.text();
    let mut out = vec![Case {
        name: "valid",
        description: "commitment, its draw, a second commitment still open",
        chain: valid.clone(),
        with_registers: true,
        entities: HONEST,
        fails: vec![],
    }];

    let mut cancelled = Builder {
        key: issuer(),
        lines: b.lines.clone(),
    };
    cancelled.cancel(c2, "2024-06-03T03:30:00Z");
    out.push(Case {
        name: "valid-with-cancellation",
        description: "the second commitment is cancelled with a signed reason",
        chain: cancelled.text(),
        with_registers: true,
        entities: HONEST,
        fails: vec![],
    });

    // A draw whose payload byte changed after signing.
    let mut lines: Vec<String> = valid.lines().map(str::to_owned).collect();
    let env = Envelope::from_json(lines[1].as_bytes()).unwrap();
    let mut payload = env.unverified_payload().to_vec();
    let pos = payload.iter().position(|&c| c == b'"').unwrap() + 1;
    payload[pos] ^= 0x01;
    let forged = double_random::records::sign(env.payload_type(), &payload, &issuer());
    // Keep the original signature over the changed payload.
    let forged_json: Value = serde_json::from_str(&forged.to_json()).unwrap();
    let orig_json: Value = serde_json::from_str(&lines[1]).unwrap();
    let mut tampered = forged_json.clone();
    tampered["signatures"] = orig_json["signatures"].clone();
    lines[1] = serde_json::to_string(&tampered).unwrap();
    out.push(Case {
        name: "tampered-payload",
        description: "one byte of the draw's payload changed after signing",
        chain: lines.join("\n") + "\n",
        with_registers: false,
        entities: HONEST,
        fails: vec!["record", "sequence-gap"],
    });

    // The draw re-signed under another payload type.
    let mut lines: Vec<String> = valid.lines().map(str::to_owned).collect();
    let env = Envelope::from_json(lines[1].as_bytes()).unwrap();
    let mut v: Value = serde_json::from_str(&lines[1]).unwrap();
    v["payloadType"] = json!(double_random::records::CANCELLATION_TYPE);
    let _ = env;
    lines[1] = serde_json::to_string(&v).unwrap();
    out.push(Case {
        name: "swapped-payload-type",
        description: "the draw's payloadType replaced by the cancellation type, signature kept",
        chain: lines.join("\n") + "\n",
        with_registers: false,
        entities: HONEST,
        fails: vec!["record", "sequence-gap"],
    });

    // A signed draw whose seed is not derived from the commitment.
    let mut g = Builder {
        key: issuer(),
        lines: b.lines[..1].to_vec(),
    };
    let mut p = g.draw_payload(&regs, c0, "2024-06-03T02:10:00Z");
    p.seed[0] ^= 0xff;
    g.push(&Record::Draw(p));
    out.push(Case {
        name: "wrong-seed",
        description: "a correctly signed draw whose seed is not SHA-256 of the commitment and randomness",
        chain: g.text(),
        with_registers: false,
        entities: HONEST,
        fails: vec!["seed"],
    });

    // A signed draw that lists ranks of another seed in one class.
    let mut g = Builder {
        key: issuer(),
        lines: b.lines[..1].to_vec(),
    };
    let mut p = g.draw_payload(&regs, c0, "2024-06-03T02:10:00Z");
    let d = p.drawn.D.first_mut().unwrap();
    d.rank = Count(if d.rank.0 == 0 { 1 } else { 0 });
    g.push(&Record::Draw(p));
    out.push(Case {
        name: "wrong-ranks",
        description: "a correctly signed draw that swaps one drawn rank of class D",
        chain: g.text(),
        with_registers: false,
        entities: HONEST,
        fails: vec!["ranks"],
    });

    // A commitment that misstates the class sizes, with a draw that follows the
    // stated sizes: consistent from the records alone, refuted by the registers.
    let mut g = Builder {
        key: issuer(),
        lines: Vec::new(),
    };
    let t = task("YCSW-TEST-01");
    let mut cp = build_commitment(&CommitRequest {
        chain: g.link("2024-06-01T08:00:00Z"),
        task: &t,
        registers: regs_view(&regs),
        conflict_salt: &SALT,
        excluded: &no_exclusion(),
        randomness: RandomnessPlan::Local {},
        history: None,
    })
    .unwrap();
    cp.registers.entities.class_sizes.D = Count(cp.registers.entities.class_sizes.D.0 - 2);
    cp.registers.entities.class_sizes.A = Count(cp.registers.entities.class_sizes.A.0 + 2);
    let cid = g.push(&Record::Commitment(cp.clone()));
    let value = b"381946".to_vec();
    let r = double_random::checks::replay(&cp, &cid, &value).unwrap();
    let mut drawn: [Vec<double_random::records::DrawnEntity>; 4] = Default::default();
    let mut teams = Vec::new();
    for c in double_random::registers::CreditClass::ALL {
        let class = regs.entities.class(c);
        for &rank in &r.ranks[c.index()] {
            let uscc = class.get(rank as usize).unwrap_or(&class[0]).uscc;
            drawn[c.index()].push(double_random::records::DrawnEntity {
                rank: Count(rank),
                uscc,
            });
            teams.push(double_random::assignment::Team {
                uscc,
                inspectors: vec!["ZF000".into(), "ZF004".into()],
            });
        }
    }
    let dp = double_random::records::DrawPayload {
        format: FormatVersion::V2,
        witnessing: Some(Witnessing::Witnessed),
        chain: g.link("2024-06-01T08:10:00Z"),
        commitment: cid,
        randomness: RandomnessValue {
            value: value.clone(),
            beacon_signature: None,
        },
        seed: r.seed,
        algorithm: double_random::records::DRAW_ALGORITHM.into(),
        library_version: "0.1.0".into(),
        inspection_date: None,
        drawn: double_random::records::PerClass::from_array(drawn),
        teams,
    };
    g.push(&Record::Draw(dp));
    out.push(Case {
        name: "wrong-pool-size-replay",
        description: "a commitment misstating the class sizes and a draw that follows them: from the records alone it replays",
        chain: g.text(),
        with_registers: false,
        entities: HONEST,
        fails: vec![],
    });
    out.push(Case {
        name: "wrong-pool-size",
        description: "the same chain checked against the register files: the committed entity record is not the register's",
        chain: g.text(),
        with_registers: true,
        entities: HONEST,
        fails: vec!["register-root"],
    });

    // A signed draw that leaves out one drawn entity of class D.
    let mut g = Builder {
        key: issuer(),
        lines: b.lines[..1].to_vec(),
    };
    let mut p = g.draw_payload(&regs, c0, "2024-06-03T02:10:00Z");
    let gone = p.drawn.D.pop().unwrap();
    p.teams.retain(|t| t.uscc != gone.uscc);
    g.push(&Record::Draw(p));
    out.push(Case {
        name: "wrong-sample-size",
        description: "a correctly signed draw with one class-D entity left out",
        chain: g.text(),
        with_registers: false,
        entities: HONEST,
        fails: vec!["sample-size"],
    });

    out.push(Case {
        name: "wrong-register-root",
        description: "the valid chain checked against an entity register with one row's class changed",
        chain: valid.clone(),
        with_registers: true,
        entities: TAMPERED,
        fails: vec!["register-root"],
    });

    let lines: Vec<&str> = valid.lines().collect();
    out.push(Case {
        name: "chain-gap",
        description: "the draw (sequence 1) removed from the chain",
        chain: format!("{}\n{}\n", lines[0], lines[2]),
        with_registers: false,
        entities: HONEST,
        fails: vec!["sequence-gap"],
    });

    // Fork: a second, different record at sequence 2.
    let mut g = Builder {
        key: issuer(),
        lines: b.lines[..2].to_vec(),
    };
    g.commit(
        &regs,
        "YCSW-TEST-03",
        "2024-06-03T04:00:00Z",
        "2024-06-05T02:00:00Z",
    );
    out.push(Case {
        name: "fork",
        description: "two different records at sequence 2",
        chain: format!("{valid}{}\n", g.lines[2].to_json()),
        with_registers: false,
        entities: HONEST,
        fails: vec!["fork"],
    });

    // Second draw for one commitment.
    let mut g = Builder {
        key: issuer(),
        lines: b.lines[..2].to_vec(),
    };
    g.draw(&regs, c0, "2024-06-03T02:20:00Z");
    out.push(Case {
        name: "second-draw",
        description: "the first commitment drawn twice (draw shopping)",
        chain: g.text(),
        with_registers: false,
        entities: HONEST,
        fails: vec!["second-draw"],
    });

    // Draw naming a commitment that is not on the chain.
    let mut other = Builder {
        key: issuer(),
        lines: Vec::new(),
    };
    let foreign = other.commit(
        &regs,
        "YCSW-TEST-09",
        "2024-05-01T08:00:00Z",
        "2024-06-03T02:00:00Z",
    );
    let mut g = Builder {
        key: issuer(),
        lines: b.lines[..1].to_vec(),
    };
    let mut p = other.draw_payload(&regs, foreign, "2024-06-03T02:10:00Z");
    p.chain = g.link("2024-06-03T02:10:00Z");
    g.push(&Record::Draw(p));
    out.push(Case {
        name: "draw-without-commitment",
        description: "a draw for a commitment that is not on this chain",
        chain: g.text(),
        with_registers: false,
        entities: HONEST,
        fails: vec!["draw-without-commitment"],
    });

    // Draw after cancellation.
    let mut g = Builder {
        key: issuer(),
        lines: b.lines.clone(),
    };
    g.cancel(c2, "2024-06-03T03:30:00Z");
    g.draw(&regs, c2, "2024-06-05T02:30:00Z");
    out.push(Case {
        name: "draw-after-cancellation",
        description: "a cancelled commitment drawn anyway",
        chain: g.text(),
        with_registers: false,
        entities: HONEST,
        fails: vec!["draw-after-cancellation"],
    });

    // Abandoned: the open commitment of task 02 is followed by a new commitment for task 02.
    let mut g = Builder {
        key: issuer(),
        lines: b.lines.clone(),
    };
    g.commit(
        &regs,
        "YCSW-TEST-02",
        "2024-06-03T05:00:00Z",
        "2024-06-05T02:00:00Z",
    );
    out.push(Case {
        name: "abandoned-commitment",
        description: "task 02 committed again without drawing or cancelling the first attempt",
        chain: g.text(),
        with_registers: false,
        entities: HONEST,
        fails: vec!["abandoned-commitment"],
    });

    // Draw shopping: both attempts of task 02 drawn, the issuer keeps one.
    let c4 = g.lines.last().unwrap().record_id();
    let mut h = Builder {
        key: issuer(),
        lines: g.lines.clone(),
    };
    h.draw(&regs, c2, "2024-06-05T02:10:00Z");
    h.draw(&regs, c4, "2024-06-05T02:20:00Z");
    out.push(Case {
        name: "two-attempts-both-drawn",
        description: "task 02 committed twice while the first is open, both drawn: draw shopping",
        chain: h.text(),
        with_registers: false,
        entities: HONEST,
        fails: vec!["abandoned-commitment"],
    });

    // A commitment whose class sizes do not add up to its stated size.
    let mut g = Builder {
        key: issuer(),
        lines: Vec::new(),
    };
    let t = task("YCSW-TEST-01");
    let honest = build_commitment(&CommitRequest {
        chain: g.link("2024-06-01T08:00:00Z"),
        task: &t,
        registers: regs_view(&regs),
        conflict_salt: &SALT,
        excluded: &no_exclusion(),
        randomness: RandomnessPlan::Local {},
        history: None,
    })
    .unwrap();
    let mut cp = honest.clone();
    cp.registers.entities.size = Count(cp.registers.entities.size.0 + 1);
    g.push(&Record::Commitment(cp));
    out.push(Case {
        name: "class-sizes-do-not-add-up",
        description: "a commitment whose entity class sizes do not sum to its stated register size",
        chain: g.text(),
        with_registers: false,
        entities: HONEST,
        fails: vec!["register-size"],
    });

    // A commitment claiming 2^62 entities in class D, with a draw that lists
    // the real register's picks: the verifier must compare the counts before
    // it runs the sampler (ceil(2^62 x ratio) picks would never finish).
    let mut g = Builder {
        key: issuer(),
        lines: Vec::new(),
    };
    let mut cp = honest.clone();
    let huge = 1u64 << 62;
    let sizes = &mut cp.registers.entities.class_sizes;
    let total = sizes.A.0 + sizes.B.0 + sizes.C.0 + huge;
    sizes.D = Count(huge);
    cp.registers.entities.size = Count(total);
    let cid = g.push(&Record::Commitment(cp));
    let dp = perform_draw(&DrawRequest {
        chain: g.link("2024-06-01T08:10:00Z"),
        commitment: &honest,
        commitment_id: cid,
        randomness: RandomnessValue {
            value: b"381946".to_vec(),
            beacon_signature: None,
        },
        registers: regs_view(&regs),
        conflict_salt: &SALT,
        history: None,
        excluded: &no_exclusion(),
        witnessing: Witnessing::Witnessed,
        library_version: "0.1.0",
    })
    .unwrap();
    g.push(&Record::Draw(dp));
    out.push(Case {
        name: "huge-class-size",
        description: "a commitment claiming 2^62 entities of class D and a draw listing far fewer: refuted by the counts, before any sampling",
        chain: g.text(),
        with_registers: false,
        entities: HONEST,
        fails: vec!["sample-size"],
    });

    // Rules no honest office could commit, each caught from the records
    // alone (the public can replay; only auditors hold the conflict list).
    let tampered_commitment = |edit: &dyn Fn(&mut double_random::records::CommitmentPayload)| {
        let mut g = Builder {
            key: issuer(),
            lines: Vec::new(),
        };
        let mut cp = honest.clone();
        edit(&mut cp);
        g.push(&Record::Commitment(cp));
        g.text()
    };
    out.push(Case {
        name: "exclusion-not-on-chain",
        description: "a commitment excluding the entities of a draw that is not on the chain",
        chain: tampered_commitment(&|c| c.task.exclude_drawn = vec![RecordId::from([0x22; 32])]),
        with_registers: false,
        entities: HONEST,
        fails: vec!["exclusion"],
    });
    out.push(Case {
        name: "scope-unknown-status",
        description: "a commitment whose scope names a registration status the format does not know",
        chain: tampered_commitment(&|c| {
            if let Some(s) = &mut c.task.scope {
                s.statuses = vec!["closed".into()];
            }
        }),
        with_registers: false,
        entities: HONEST,
        fails: vec!["task-rules"],
    });
    out.push(Case {
        name: "scope-not-canonical",
        description: "a commitment whose scope lists its industries out of byte order",
        chain: tampered_commitment(&|c| {
            if let Some(s) = &mut c.task.scope {
                s.industries = vec!["河道采砂".into(), "取水".into()];
            }
        }),
        with_registers: false,
        entities: HONEST,
        fails: vec!["task-rules"],
    });
    out.push(Case {
        name: "team-of-one",
        description: "a commitment whose team rules say one officer per team (at least two must inspect together)",
        chain: tampered_commitment(&|c| {
            if let TeamSpec::V2(t) = &mut c.task.team {
                t.places.truncate(1);
                t.participating_departments.clear();
            }
        }),
        with_registers: false,
        entities: HONEST,
        fails: vec!["task-rules"],
    });
    out.push(Case {
        name: "items-not-committed",
        description: "a task naming check items whose commitment has no check-item list (their expertise rules could be dropped unseen)",
        chain: tampered_commitment(&|c| c.task.items = vec!["SW-001".into()]),
        with_registers: false,
        entities: HONEST,
        fails: vec!["task-rules"],
    });
    out.push(Case {
        name: "history-not-on-chain",
        description: "a rotating commitment whose history names a draw that is not on the chain",
        chain: tampered_commitment(&|c| {
            if let TeamSpec::V2(t) = &mut c.task.team {
                t.rotation = double_random::assignment::RotationPolicy::AvoidPreviousTeam;
            }
            c.history = Some(RecordId::from([0x11; 32]));
        }),
        with_registers: false,
        entities: HONEST,
        fails: vec!["history"],
    });

    // A history naming a draw of another task.
    let mut g = Builder {
        key: issuer(),
        lines: b.lines[..2].to_vec(),
    };
    let other_draw = b.lines[1].record_id();
    let t2 = task("YCSW-TEST-02");
    let p = build_commitment(&CommitRequest {
        chain: g.link("2024-06-03T03:00:00Z"),
        task: &t2,
        registers: regs_view(&regs),
        conflict_salt: &SALT,
        excluded: &no_exclusion(),
        randomness: RandomnessPlan::Local {},
        history: Some((other_draw, &History::new())),
    })
    .unwrap();
    g.push(&Record::Commitment(p));
    out.push(Case {
        name: "history-of-another-task",
        description: "a commitment whose history names the draw of a different task",
        chain: g.text(),
        with_registers: false,
        entities: HONEST,
        fails: vec!["history"],
    });

    // A rotating task committed again with history null after a draw: the
    // issuer would choose which earlier teams to avoid (none).
    let mut g = Builder {
        key: issuer(),
        lines: Vec::new(),
    };
    let mut rt = task("YCSW-TEST-01");
    rt.team.rotation = double_random::assignment::RotationPolicy::AvoidPreviousTeam;
    let commit_rotating = |g: &mut Builder, when: &str, history| {
        let p = build_commitment(&CommitRequest {
            chain: g.link(when),
            task: &rt,
            registers: regs_view(&regs),
            conflict_salt: &SALT,
            excluded: &no_exclusion(),
            randomness: RandomnessPlan::Local {},
            history,
        })
        .unwrap();
        g.push(&Record::Commitment(p))
    };
    let r0 = commit_rotating(&mut g, "2024-06-01T08:00:00Z", None);
    let dp = perform_draw(&DrawRequest {
        chain: g.link("2024-06-01T08:10:00Z"),
        commitment: &match Record::open(g.lines.last().unwrap(), issuer().public_key()).unwrap() {
            Record::Commitment(c) => c,
            _ => unreachable!(),
        },
        commitment_id: r0,
        randomness: RandomnessValue {
            value: b"381946".to_vec(),
            beacon_signature: None,
        },
        registers: regs_view(&regs),
        conflict_salt: &SALT,
        history: None,
        excluded: &no_exclusion(),
        witnessing: Witnessing::Witnessed,
        library_version: "0.1.0",
    })
    .unwrap();
    g.push(&Record::Draw(dp));
    commit_rotating(&mut g, "2024-07-01T08:00:00Z", None);
    out.push(Case {
        name: "rotation-history-not-latest",
        description: "a rotating task committed again after its first draw with history null: the previous teams would not be avoided",
        chain: g.text(),
        with_registers: false,
        entities: HONEST,
        fails: vec!["history"],
    });

    // 定向抽查: two tasks scoped to one industry, the second leaving out what
    // the first drew (一业一查). Entity 11 (河道采砂, class D) is deregistered:
    // outside every pool of a task that names no statuses.
    let sand = Scope {
        industries: vec!["河道采砂".into()],
        ..Scope::everything_in_business()
    };
    let mut g = Builder {
        key: issuer(),
        lines: Vec::new(),
    };
    let t1 = task("YCHD-TEST-01").with_scope(sand.clone()).unwrap();
    let s1 = g.commit_task(&regs, &t1, "2024-06-01T08:00:00Z", "2024-06-03T02:00:00Z");
    let d1 = g.draw(&regs, s1, "2024-06-03T02:10:00Z");
    let t2 = task("YCHD-TEST-02")
        .with_scope(sand)
        .unwrap()
        .excluding_draws(vec![d1])
        .unwrap();
    let s2 = g.commit_task(&regs, &t2, "2024-06-03T03:00:00Z", "2024-06-05T02:00:00Z");
    let first = g.drawn_by(&[d1]);
    let honest2 = g.draw_payload(&regs, s2, "2024-06-05T02:10:00Z");
    let mut scoped = Builder {
        key: issuer(),
        lines: g.lines.clone(),
    };
    let d2 = scoped.push(&Record::Draw(honest2.clone()));
    let second = scoped.drawn_by(&[d2]);
    assert!(first.is_disjoint(&second) && !second.is_empty());
    let dead = code(11).parse::<Uscc>().unwrap();
    assert!(!first.contains(&dead) && !second.contains(&dead));
    for d in first.iter().chain(&second) {
        let i = (0..30).find(|&i| code(i) == d.to_string()).unwrap();
        assert_eq!(industry_of(i), "河道采砂", "{d}");
    }
    out.push(Case {
        name: "scope-and-exclusion",
        description: "two tasks scoped to the industry 河道采砂 (the default statuses leave out a deregistered entity), the second excluding the entities the first drew",
        chain: scoped.text(),
        with_registers: true,
        entities: HONEST,
        fails: vec![],
    });
    out.push(Case {
        name: "scope-entity-moved",
        description: "the same chain checked against a register in which an entity of the scoped pool moved to another industry: the master register is not the committed one",
        chain: scoped.text(),
        with_registers: true,
        entities: MOVED,
        fails: vec!["register-root"],
    });
    // The second draw re-signed listing an entity the first drew.
    let mut broken = honest2.clone();
    let reused = *first.iter().min().unwrap();
    let first_drawn = [
        &mut broken.drawn.A,
        &mut broken.drawn.B,
        &mut broken.drawn.C,
        &mut broken.drawn.D,
    ]
    .into_iter()
    .find(|v| !v.is_empty())
    .unwrap();
    let old = first_drawn[0].uscc;
    first_drawn[0].uscc = reused;
    for t in &mut broken.teams {
        if t.uscc == old {
            t.uscc = reused;
        }
    }
    let mut gb = Builder {
        key: issuer(),
        lines: g.lines.clone(),
    };
    gb.push(&Record::Draw(broken));
    out.push(Case {
        name: "exclusion-broken",
        description: "a correctly signed draw of the second scoped task that lists an entity the first task drew, which its commitment excludes",
        chain: gb.text(),
        with_registers: false,
        entities: HONEST,
        fails: vec!["exclusion"],
    });

    out.extend(version_2_cases(&regs, &b, c0, c2));
    out.extend(after_draw_cases(&regs, &b));

    // Unknown member and duplicate member in a signed payload.
    for (name, description, edit) in [
        (
            "unknown-field",
            "a correctly signed draw payload with an extra member",
            "unknown" as &str,
        ),
        (
            "duplicate-json-key",
            "a correctly signed draw payload with the member `seed` twice",
            "duplicate",
        ),
    ] {
        let mut g = Builder {
            key: issuer(),
            lines: b.lines[..1].to_vec(),
        };
        let p = g.draw_payload(&regs, c0, "2024-06-03T02:10:00Z");
        let mut text = String::from_utf8(Record::Draw(p.clone()).to_payload().unwrap()).unwrap();
        if edit == "unknown" {
            text.insert_str(text.len() - 1, ",\"note\":\"x\"");
        } else {
            let seed = format!(",\"seed\":\"{}\"", "00".repeat(32));
            text.insert_str(text.len() - 1, &seed);
        }
        g.lines.push(double_random::records::sign(
            double_random::records::DRAW_TYPE,
            text.as_bytes(),
            &issuer(),
        ));
        out.push(Case {
            name,
            description,
            chain: g.text(),
            with_registers: false,
            entities: HONEST,
            fails: vec!["record"],
        });
    }
    out
}

/// The register files with entity `i`'s row changed to `class` and `industry`.
fn changed_files(i: u32, class: &str, industry: &str) -> Files {
    let mut f = files();
    let line = entity_line(i, class_of(i), industry_of(i));
    assert!(f.entities.contains(&line));
    f.entities = f.entities.replace(&line, &entity_line(i, class, industry));
    f
}

fn files_named(name: &str) -> Files {
    match name {
        // Entity 4 moves from class B to class A.
        TAMPERED => changed_files(4, "A", industry_of(4)),
        // Entity 2, in the pool of the sand-mining tasks, moves out of their scope.
        MOVED => changed_files(2, class_of(2), "取水"),
        _ => files(),
    }
}

/// Cases verified at full level without the conflict-list salt.
const WITHOUT_SALT: &[&str] = &["missing-conflict-salt"];

/// The rules format version 2 adds: exclusions, the version of a draw,
/// witnessing statements, late cancellations, a missing conflict salt.
fn version_2_cases(regs: &Regs, b: &Builder, c0: RecordId, c2: RecordId) -> Vec<Case> {
    let mut out = Vec::new();
    let valid = b.text();
    out.push(Case {
        name: "missing-conflict-salt",
        description: "the valid chain checked against the register files without the commitment's conflict-list salt",
        chain: valid.clone(),
        with_registers: true,
        entities: HONEST,
        fails: vec!["conflict-salt"],
    });

    // A commitment excluding a record that is not a draw of the chain.
    let mut g = Builder {
        key: issuer(),
        lines: b.lines[..2].to_vec(),
    };
    let d0 = b.lines[1].record_id();
    let t3 = task("YCSW-TEST-03");
    let honest = build_commitment(&CommitRequest {
        chain: g.link("2024-06-03T04:00:00Z"),
        task: &t3.clone().excluding_draws(vec![d0]).unwrap(),
        registers: regs_view(regs),
        conflict_salt: &SALT,
        excluded: &b_drawn(b, d0),
        randomness: RandomnessPlan::Local {},
        history: None,
    })
    .unwrap();
    let mut bad = honest.clone();
    bad.task.exclude_drawn = vec![c0];
    g.push(&Record::Commitment(bad));
    out.push(Case {
        name: "exclusion-not-a-draw",
        description: "a commitment whose exclude_drawn names a record that is not a draw of the chain (here a commitment)",
        chain: g.text(),
        with_registers: false,
        entities: HONEST,
        fails: vec!["exclusion"],
    });

    // A draw listing an entity its commitment excluded.
    let mut g = Builder {
        key: issuer(),
        lines: b.lines[..2].to_vec(),
    };
    let cid = g.push(&Record::Commitment(honest.clone()));
    let excluded = b_drawn(b, d0);
    let mut dp = perform_draw(&DrawRequest {
        chain: g.link("2024-06-03T04:10:00Z"),
        commitment: &honest,
        commitment_id: cid,
        randomness: RandomnessValue {
            value: b"381946".to_vec(),
            beacon_signature: None,
        },
        registers: regs_view(regs),
        conflict_salt: &SALT,
        history: None,
        excluded: &excluded,
        witnessing: Witnessing::Witnessed,
        library_version: "0.1.0",
    })
    .unwrap();
    let honest_chain = {
        let mut h = Builder {
            key: issuer(),
            lines: g.lines.clone(),
        };
        h.push(&Record::Draw(dp.clone()));
        h.text()
    };
    out.push(Case {
        name: "exclusion-honest",
        description: "a task excluding the entities of the first draw, drawn from the pool without them",
        chain: honest_chain,
        with_registers: true,
        entities: HONEST,
        fails: vec![],
    });
    let first_excluded = *excluded.iter().min().unwrap();
    dp.drawn.D[0].uscc = first_excluded;
    dp.teams[dp.drawn.A.len() + dp.drawn.B.len() + dp.drawn.C.len()].uscc = first_excluded;
    g.push(&Record::Draw(dp));
    out.push(Case {
        name: "excluded-entity-drawn",
        description: "a draw listing an entity that an excluded earlier draw drew",
        chain: g.text(),
        with_registers: false,
        entities: HONEST,
        fails: vec!["exclusion"],
    });

    // A version-1 draw record of a version-2 commitment.
    let mut g = Builder {
        key: issuer(),
        lines: b.lines[..1].to_vec(),
    };
    let mut p = g.draw_payload(regs, c0, "2024-06-03T02:10:00Z");
    p.format = FormatVersion::V1;
    p.algorithm = double_random::records::v1::DRAW_ALGORITHM.into();
    p.witnessing = None;
    p.inspection_date = double_random::calendar::parse_date("2024-06-03");
    g.push(&Record::Draw(p));
    out.push(Case {
        name: "draw-version-mismatch",
        description: "a version-1 draw (double-random/draw/v1) of a version-2 commitment",
        chain: g.text(),
        with_registers: false,
        entities: HONEST,
        fails: vec!["algorithm"],
    });

    // Warnings only: an unwitnessed draw, a cancellation after the ceremony.
    let mut g = Builder {
        key: issuer(),
        lines: b.lines[..1].to_vec(),
    };
    let mut p = g.draw_payload(regs, c0, "2024-06-03T02:10:00Z");
    p.witnessing = Some(Witnessing::Unwitnessed);
    g.push(&Record::Draw(p));
    out.push(Case {
        name: "unwitnessed-draw",
        description: "a draw that says it was made without witness cosignatures: a warning (unwitnessed), not an error",
        chain: g.text(),
        with_registers: false,
        entities: HONEST,
        fails: vec![],
    });
    let mut g = Builder {
        key: issuer(),
        lines: b.lines.clone(),
    };
    g.cancel(c2, "2024-06-05T03:00:00Z");
    out.push(Case {
        name: "late-cancellation",
        description: "a commitment cancelled after its ceremony time: a warning (late-cancellation), not an error",
        chain: g.text(),
        with_registers: false,
        entities: HONEST,
        fails: vec![],
    });
    out
}

/// The library's chain over a builder's lines (checked at replay level).
fn chain_of(b: &Builder) -> Chain {
    Chain::open(issuer().public_key().clone(), b.text().as_bytes()).unwrap()
}

/// The first draw of the valid chain, its first drawn entity and team.
fn first_draw(b: &Builder) -> (RecordId, Uscc, Vec<String>) {
    let d0 = b.lines[1].record_id();
    let chain = chain_of(b);
    let d = chain.draw_record(&d0).unwrap();
    (d0, d.teams[0].uscc, d.teams[0].inspectors.clone())
}

/// An honest replacement made by the library on the builder's chain.
fn replacement(
    regs: &Regs,
    b: &Builder,
    draw: RecordId,
    uscc: Uscc,
    leaving: &str,
    when: &str,
) -> double_random::chain::Pending {
    chain_of(b)
        .replace(
            &issuer(),
            &Replace {
                draw,
                uscc,
                leaving,
                reason: ReplacementReason {
                    kind: ReplacementReasonKind::Recusal,
                    text: "与该单位负责人系近亲属，申请回避 (TEST ONLY)".into(),
                },
                registers: regs_view(regs),
                conflict_salt: &SALT,
                created_at: at(when),
            },
        )
        .unwrap()
}

/// An honest supplement made by the library on the builder's chain.
fn supplement(
    regs: &Regs,
    b: &Builder,
    draw: RecordId,
    replaced: Uscc,
    when: &str,
) -> Result<double_random::chain::Pending, double_random::chain::ChainError> {
    chain_of(b).supplement(
        &issuer(),
        &Supplement {
            draw,
            replaced,
            reason: SupplementReason {
                kind: SupplementReasonKind::Deregistered,
                text: "已于2024年5月注销登记 (TEST ONLY)".into(),
            },
            registers: regs_view(regs),
            conflict_salt: &SALT,
            created_at: at(when),
        },
    )
}

/// After the draw: inspector replacements and supplementary draws, honest
/// and not.
fn after_draw_cases(regs: &Regs, b: &Builder) -> Vec<Case> {
    let mut out = Vec::new();
    let (d0, uscc, team) = first_draw(b);

    // An honest replacement: the officer of place 0 recuses.
    let mut g = Builder {
        key: issuer(),
        lines: b.lines.clone(),
    };
    let honest = replacement(regs, &g, d0, uscc, &team[0], "2024-06-03T06:00:00Z");
    let Record::Replacement(honest_payload) = honest.record().clone() else {
        panic!("not a replacement")
    };
    g.lines.push(honest.envelope().clone());
    out.push(Case {
        name: "replacement-honest",
        description: "after the draw, the officer of place 0 of the first drawn entity recuses (回避); the after-draw rule picks who takes the place",
        chain: g.text(),
        with_registers: true,
        entities: HONEST,
        fails: vec![],
    });

    // The same record with another officer of the place's department, re-signed.
    let mut g = Builder {
        key: issuer(),
        lines: b.lines.clone(),
    };
    let mut changed = honest_payload.clone();
    changed.replacement = regs
        .inspectors
        .inspectors()
        .iter()
        .find(|i| {
            i.department == "管理股"
                && i.id != honest_payload.replacement
                && !team.contains(&i.id)
                && !regs.conflicts.is_conflicted(&i.id, &uscc)
        })
        .unwrap()
        .id
        .clone();
    g.push(&Record::Replacement(changed));
    out.push(Case {
        name: "replacement-changed",
        description: "the honest replacement with another eligible officer of the department named instead, re-signed: only the rule's pick holds",
        chain: g.text(),
        with_registers: true,
        entities: HONEST,
        fails: vec!["replacement"],
    });

    // A replacement naming as leaving an officer who does not hold the place.
    let mut g = Builder {
        key: issuer(),
        lines: b.lines.clone(),
    };
    let mut stranger = honest_payload.clone();
    stranger.leaving = regs
        .inspectors
        .inspectors()
        .iter()
        .find(|i| !team.contains(&i.id))
        .unwrap()
        .id
        .clone();
    g.push(&Record::Replacement(stranger));
    out.push(Case {
        name: "replacement-not-on-team",
        description: "a replacement whose leaving officer does not hold the place (not on the team)",
        chain: g.text(),
        with_registers: false,
        entities: HONEST,
        fails: vec!["replacement"],
    });

    // An honest supplement: the first drawn entity was deregistered (注销).
    let mut g = Builder {
        key: issuer(),
        lines: b.lines.clone(),
    };
    let honest = supplement(regs, &g, d0, uscc, "2024-06-03T06:00:00Z").unwrap();
    g.lines.push(honest.envelope().clone());
    out.push(Case {
        name: "supplement-honest",
        description: "the first drawn entity was deregistered (注销): the next entity of its class from the same class stream replaces it, with a team picked by the after-draw rule",
        chain: g.text(),
        with_registers: true,
        entities: HONEST,
        fails: vec![],
    });

    // A supplement that skips the next rank: the rank after it, with the
    // entity at that rank.
    let Record::Supplement(next) = honest.record().clone() else {
        panic!("not a supplement")
    };
    let mut g2 = Builder {
        key: issuer(),
        lines: g.lines.clone(),
    };
    let after_next = supplement(regs, &g2, d0, next.uscc, "2024-06-03T06:10:00Z").unwrap();
    let Record::Supplement(after_next) = after_next.record().clone() else {
        panic!("not a supplement")
    };
    let mut g = Builder {
        key: issuer(),
        lines: b.lines.clone(),
    };
    let mut skipping = next.clone();
    skipping.rank = after_next.rank;
    skipping.uscc = after_next.uscc;
    g.push(&Record::Supplement(skipping));
    out.push(Case {
        name: "supplement-skips-rank",
        description: "a supplement that skips the class sampler's next rank and draws the entity at the rank after it",
        chain: g.text(),
        with_registers: false,
        entities: HONEST,
        fails: vec!["supplement"],
    });

    // One supplement more than the task allows (3 by default): each
    // replaces the entity the one before added.
    g2.lines.push(
        supplement(regs, &g2, d0, next.uscc, "2024-06-03T06:10:00Z")
            .unwrap()
            .envelope()
            .clone(),
    );
    let third = supplement(regs, &g2, d0, after_next.uscc, "2024-06-03T06:20:00Z").unwrap();
    let Record::Supplement(third_payload) = third.record().clone() else {
        panic!("not a supplement")
    };
    g2.lines.push(third.envelope().clone());
    let refused = supplement(regs, &g2, d0, third_payload.uscc, "2024-06-03T06:30:00Z");
    assert!(
        matches!(
            refused,
            Err(double_random::chain::ChainError::AfterDraw(
                double_random::after_draw::AfterDrawError::LimitReached { .. }
            ))
        ),
        "{refused:?}"
    );
    let chain = chain_of(&g2);
    let (draw, commitment, state) = chain.state().draw_for_amending(&d0).unwrap();
    let pool = chain.pool(commitment, &regs.entities).unwrap();
    let (rank, entity, team) = state
        .pick_supplement(
            commitment,
            &draw.seed,
            &PickInputs {
                pool: &pool,
                inspectors: &regs.inspectors,
                conflicts: &regs.conflicts,
                history: None,
            },
            third_payload.class,
        )
        .unwrap();
    let fourth = SupplementPayload {
        chain: g2.link("2024-06-03T06:30:00Z"),
        replaced: third_payload.uscc,
        rank: Count(rank),
        uscc: entity.uscc,
        team: team.into_iter().map(|p| p.officer).collect(),
        ..third_payload
    };
    g2.push(&Record::Supplement(fourth));
    out.push(Case {
        name: "supplement-beyond-limit",
        description: "four supplements of one draw whose task allows three (max_supplements); the fourth is otherwise honest",
        chain: g2.text(),
        with_registers: true,
        entities: HONEST,
        fails: vec!["supplement-limit"],
    });
    out
}

/// The codes a draw of the builder's chain lists.
fn b_drawn(b: &Builder, draw: RecordId) -> HashSet<Uscc> {
    let env = b.lines.iter().find(|e| e.record_id() == draw).unwrap();
    match Record::open(env, issuer().public_key()).unwrap() {
        Record::Draw(d) => d.drawn_in_order().map(|(_, x)| x.uscc).collect(),
        _ => panic!("not a draw"),
    }
}

fn verdict(case: &Case) -> (bool, BTreeSet<&'static str>) {
    let key = issuer().public_key().clone();
    let f = files_named(case.entities);
    let regs = registers(&f);
    let report = verify_chain_bytes(
        case.chain.as_bytes(),
        &key,
        &VerifyOptions {
            level: if case.with_registers {
                Level::Full
            } else {
                Level::Replay
            },
            registers: case.with_registers.then(|| regs_view(&regs)),
            only_draw: None,
            salts: &[],
            conflict_salt: if WITHOUT_SALT.contains(&case.name) {
                &[]
            } else {
                &SALT
            },
            witnesses: None,
        },
    );
    let checks = report.errors().map(|f| f.check).collect();
    (report.holds(), checks)
}

#[test]
fn the_warning_cases_name_their_warning() {
    let key = issuer().public_key().clone();
    for (name, warning) in [
        ("unwitnessed-draw", "unwitnessed"),
        ("late-cancellation", "late-cancellation"),
    ] {
        let case = cases().into_iter().find(|c| c.name == name).unwrap();
        let report = verify_chain_bytes(
            case.chain.as_bytes(),
            &key,
            &VerifyOptions::level(Level::Replay),
        );
        assert!(report.holds(), "{name}: {report}");
        assert!(
            report.findings.iter().any(|f| f.check == warning
                && f.severity == double_random::verify::FindingSeverity::Warning),
            "{name}: {report}"
        );
    }
}

#[test]
fn every_case_has_its_verdict() {
    for case in cases() {
        let (holds, checks) = verdict(&case);
        let expected: BTreeSet<&str> = case.fails.iter().copied().collect();
        assert_eq!(holds, expected.is_empty(), "{}: {checks:?}", case.name);
        assert!(
            expected.is_subset(&checks),
            "{}: expected {expected:?}, got {checks:?}",
            case.name
        );
    }
}

#[test]
fn any_single_byte_change_to_any_record_kind_is_detected() {
    // The chain with a commitment, a draw, a second commitment and its
    // cancellation: every record kind.
    let case = cases()
        .into_iter()
        .find(|c| c.name == "valid-with-cancellation")
        .unwrap();
    let key = issuer().public_key().clone();
    let bytes = case.chain.as_bytes();
    // Every 7th byte of every line (several hundred positions per record
    // kind) keeps the debug-build test fast; the envelope tests flip every
    // byte of a smaller envelope.
    let mut checked = 0;
    for i in (0..bytes.len()).step_by(7) {
        if bytes[i] == b'\n' {
            continue;
        }
        for delta in [0x01u8, 0x20] {
            let mut t = bytes.to_vec();
            t[i] ^= delta;
            let report = verify_chain_bytes(&t, &key, &VerifyOptions::level(Level::Replay));
            assert!(!report.holds(), "byte {i} ^ {delta:#x} not detected");
            checked += 1;
        }
    }
    assert!(checked > 1000);
    // The after-draw records: every 5th byte of their line.
    for name in ["replacement-honest", "supplement-honest"] {
        let case = cases().into_iter().find(|c| c.name == name).unwrap();
        let bytes = case.chain.as_bytes();
        let start = case.chain.trim_end().rfind('\n').unwrap() + 1;
        for i in (start..bytes.len()).step_by(5) {
            if bytes[i] == b'\n' {
                continue;
            }
            let mut t = bytes.to_vec();
            t[i] ^= 0x01;
            let report = verify_chain_bytes(&t, &key, &VerifyOptions::level(Level::Replay));
            assert!(!report.holds(), "{name}: byte {i} not detected");
        }
    }
}

/// Every object member path of a JSON value (`["task", "team", "workload_cap"]`, ...).
fn member_paths(v: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    if let Value::Object(m) = v {
        for (k, child) in m {
            prefix.push(k.clone());
            out.push(prefix.clone());
            member_paths(child, prefix, out);
            prefix.pop();
        }
    }
}

#[test]
fn every_member_of_every_record_kind_is_required() {
    // Signed records state everything: a member left out is never read as a
    // default (FORMAT.md §5), whatever its type (an `Option` included).
    let all = cases();
    let lines: Vec<&str> = all
        .iter()
        .filter(|c| {
            [
                "valid-with-cancellation",
                "replacement-honest",
                "supplement-honest",
            ]
            .contains(&c.name)
        })
        .flat_map(|c| c.chain.lines())
        .collect();
    let mut kinds = BTreeSet::new();
    let mut checked = 0;
    for line in lines {
        let env = Envelope::from_json(line.as_bytes()).unwrap();
        let ty = env.payload_type().to_owned();
        let payload: Value = serde_json::from_slice(env.unverified_payload()).unwrap();
        assert!(Record::decode(&ty, &serde_json::to_vec(&payload).unwrap()).is_ok());
        kinds.insert(ty.clone());
        let mut paths = Vec::new();
        member_paths(&payload, &mut Vec::new(), &mut paths);
        for path in paths {
            let mut p = payload.clone();
            let (last, parents) = path.split_last().unwrap();
            let mut node = &mut p;
            for k in parents {
                node = node.get_mut(k).unwrap();
            }
            node.as_object_mut().unwrap().remove(last);
            let bytes = serde_json::to_vec(&p).unwrap();
            assert!(
                Record::decode(&ty, &bytes).is_err(),
                "{ty}: a record without {} is accepted",
                path.join(".")
            );
            checked += 1;
        }
    }
    assert_eq!(
        kinds.len(),
        5,
        "commitment, draw, cancellation, replacement and supplement"
    );
    assert!(checked > 40);
}

#[test]
fn proof_bundles_apply_the_draw_record_checks() {
    // A proof bundle stands alone: it must refuse a draw the chain verifier
    // refuses (randomness before the ceremony, a seed not derived from the
    // randomness), not only check ranks.
    let f = files();
    let regs = registers(&f);
    let key = issuer();
    let pool = regs
        .entities
        .pool(&task("YCSW-TEST-01").scope, &no_exclusion());
    let hashes = double_random::commitment::entity_leaf_hashes(&pool, FormatVersion::V2).unwrap();
    let drawn_one = |d: &double_random::records::DrawPayload| d.drawn.D[0].uscc;
    let bundle = |b: &Builder, cid: RecordId, draw: &Envelope, uscc| {
        let line = |id: RecordId| {
            b.lines
                .iter()
                .find(|e| e.record_id() == id)
                .unwrap()
                .to_json()
        };
        double_random::proof::ProofBundle {
            format: double_random::proof::PROOF_BUNDLE_FORMAT_V2.into(),
            commitment: line(cid),
            draw: Some(draw.to_json()),
            proof: double_random::commitment::prove_entity(
                &pool,
                &hashes,
                &uscc,
                FormatVersion::V2,
            )
            .unwrap(),
        }
    };
    let mut b = Builder {
        key: issuer(),
        lines: Vec::new(),
    };
    let cid = b.commit(
        &regs,
        "YCSW-TEST-01",
        "2024-06-01T08:00:00Z",
        "2024-06-03T02:00:00Z",
    );

    // Honest: holds, and says the entity was drawn.
    let honest = b.draw_payload(&regs, cid, "2024-06-03T02:10:00Z");
    let env = Record::Draw(honest.clone()).sign(&key).unwrap();
    let v = bundle(&b, cid, &env, drawn_one(&honest))
        .verify(key.public_key())
        .unwrap();
    assert_eq!(v.drawn_at, Some(0));
    // A bundle of a version-2 commitment must say so: its entity carries
    // the status and target types the version-2 leaf commits.
    let mut old = bundle(&b, cid, &env, drawn_one(&honest));
    old.format = double_random::proof::PROOF_BUNDLE_FORMAT.into();
    assert!(matches!(
        old.verify(key.public_key()),
        Err(double_random::proof::BundleError::FormatForVersion { .. })
    ));
    let mut bare = bundle(&b, cid, &env, drawn_one(&honest));
    bare.proof.entity.status = None;
    bare.proof.entity.target_types = None;
    assert!(matches!(
        bare.verify(key.public_key()),
        Err(double_random::proof::BundleError::Proof(
            double_random::commitment::ProofError::EntityFields { .. }
        ))
    ));

    // Dated before the ceremony that gives its randomness (perform_draw
    // refuses to make it, so the date is edited and the record re-signed).
    let err = b
        .draw_payload_result(&regs, cid, "2024-06-02T02:10:00Z")
        .unwrap_err();
    assert!(
        matches!(
            err,
            double_random::checks::DrawError::Refused {
                check: "randomness-timing",
                ..
            }
        ),
        "{err}"
    );
    let mut early = honest.clone();
    early.chain.created_at = at("2024-06-02T02:10:00Z");
    let env = Record::Draw(early.clone()).sign(&key).unwrap();
    let err = bundle(&b, cid, &env, drawn_one(&early))
        .verify(key.public_key())
        .unwrap_err();
    assert!(
        matches!(
            err,
            double_random::proof::BundleError::Check {
                which: "draw",
                check: "randomness-timing",
                ..
            }
        ),
        "{err}"
    );

    // A seed field that is not the derived seed (ranks still the derived ones).
    let mut forged = honest.clone();
    forged.seed[0] ^= 1;
    let env = Record::Draw(forged.clone()).sign(&key).unwrap();
    let err = bundle(&b, cid, &env, drawn_one(&forged))
        .verify(key.public_key())
        .unwrap_err();
    assert!(
        matches!(
            err,
            double_random::proof::BundleError::Check {
                which: "draw",
                check: "seed",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn commitment_checks_need_no_other_record() {
    let f = files();
    let regs = registers(&f);
    let b = Builder {
        key: issuer(),
        lines: Vec::new(),
    };
    let t = task("YCSW-TEST-01");
    let honest = build_commitment(&CommitRequest {
        chain: b.link("2024-06-01T08:00:00Z"),
        task: &t,
        registers: regs_view(&regs),
        conflict_salt: &SALT,
        excluded: &no_exclusion(),
        randomness: RandomnessPlan::Local {},
        history: None,
    })
    .unwrap();
    let errors = |c: &double_random::records::CommitmentPayload| -> Vec<&'static str> {
        double_random::checks::commitment_findings(c)
            .into_iter()
            .filter(|f| f.severity == double_random::verify::FindingSeverity::Error)
            .map(|f| f.check)
            .collect()
    };
    assert!(errors(&honest).is_empty());
    // A drand round that never exists (round 0) or is published before the commitment.
    for round in [0, 1] {
        let mut c = honest.clone();
        c.randomness = RandomnessPlan::Drand {
            chain_hash: double_random::beacon::QUICKNET_CHAIN_HASH,
            round: Count(round),
        };
        assert_eq!(errors(&c), ["randomness-timing"], "round {round}");
    }
    // A zero workload cap; ratios falling from A to D.
    let mut c = honest.clone();
    if let TeamSpec::V2(t) = &mut c.task.team {
        t.workload_cap = Some(0);
    }
    assert!(errors(&c).contains(&"task-rules"));
    let mut c = honest.clone();
    c.task.ratios_bp.A = 9000;
    assert_eq!(errors(&c), ["task-rules"]);
    // Version 2 always commits the inspection date: no warning about it.
    assert!(
        !double_random::checks::commitment_findings(&honest)
            .iter()
            .any(|f| f.check == "inspection-date")
    );
    assert_eq!(
        honest.task.inspection_date,
        double_random::calendar::parse_date("2024-06-03")
    );
}

#[test]
fn full_replay_rederives_the_expertise_of_key_items() {
    // A task naming a key item whose expertise the committed team rules leave out.
    let f = files();
    let regs = registers(&f);
    let items =
        double_random::registers::CheckItemList::new(vec![double_random::registers::CheckItem {
            id: "SW-001".into(),
            name: "取水许可 (TEST ONLY)".into(),
            category: double_random::registers::ItemCategory::Key,
            target_type: "取水单位".into(),
            basis: "取水许可和水资源费征收管理条例".into(),
            department: "水资源股".into(),
            content: "取水计量".into(),
            methods: vec![double_random::registers::InspectionMethod::OnSite],
            required_expertise: vec!["水资源".into()],
        }])
        .unwrap();
    let view = Registers {
        items: Some(&items),
        ..regs_view(&regs)
    };
    let mut b = Builder {
        key: issuer(),
        lines: Vec::new(),
    };
    let mut t = task("YCSW-TEST-01");
    t.items = vec!["SW-001".into()];
    t.team.places.push(double_random::assignment::Place {
        department: None,
        expertise: vec![],
    });
    let honest = build_commitment(&CommitRequest {
        chain: b.link("2024-06-01T08:00:00Z"),
        task: &t,
        registers: view,
        conflict_salt: &SALT,
        excluded: &no_exclusion(),
        randomness: RandomnessPlan::Local {},
        history: None,
    })
    .unwrap();
    assert_eq!(honest.task.team.required_expertise(), ["水资源"]);
    let mut dropped = honest.clone();
    if let TeamSpec::V2(t) = &mut dropped.task.team {
        for p in &mut t.places {
            p.expertise.clear();
        }
    }
    b.push(&Record::Commitment(dropped));
    let report = verify_chain_bytes(
        b.text().as_bytes(),
        issuer().public_key(),
        &VerifyOptions {
            level: Level::Full,
            registers: Some(view),
            only_draw: None,
            salts: &[],
            conflict_salt: &SALT,
            witnesses: None,
        },
    );
    // No draw yet: the rules are checked with the draw. Replay-level checks hold.
    assert!(report.holds(), "{:#?}", report.findings);
    let mut chain = b.text();
    let cid = Envelope::from_json(chain.lines().next().unwrap().as_bytes())
        .unwrap()
        .record_id();
    let dp = perform_draw(&DrawRequest {
        chain: b.link("2024-06-01T08:10:00Z"),
        commitment: &honest,
        commitment_id: cid,
        randomness: RandomnessValue {
            value: b"381946".to_vec(),
            beacon_signature: None,
        },
        registers: view,
        conflict_salt: &SALT,
        history: None,
        excluded: &no_exclusion(),
        witnessing: Witnessing::Witnessed,
        library_version: "0.1.0",
    })
    .unwrap();
    chain.push_str(&(Record::Draw(dp).sign(&issuer()).unwrap().to_json() + "\n"));
    let report = verify_chain_bytes(
        chain.as_bytes(),
        issuer().public_key(),
        &VerifyOptions {
            level: Level::Full,
            registers: Some(view),
            only_draw: None,
            salts: &[],
            conflict_salt: &SALT,
            witnesses: None,
        },
    );
    let checks: Vec<_> = report.errors().map(|f| f.check).collect();
    assert!(checks.contains(&"task-rules"), "{checks:?}");
}

fn expected_files() -> Vec<(PathBuf, String)> {
    let f = files();
    let key = issuer();
    let mut out = vec![
        (dir().join("registers/entities.csv"), f.entities.clone()),
        (dir().join("registers/inspectors.csv"), f.inspectors.clone()),
        (dir().join("registers/conflicts.csv"), f.conflicts.clone()),
        (
            dir().join("registers/conflict-salt.hex"),
            format!("{}\n", "5a".repeat(32)),
        ),
        (
            dir().join(format!("registers/{TAMPERED}")),
            files_named(TAMPERED).entities,
        ),
        (
            dir().join(format!("registers/{MOVED}")),
            files_named(MOVED).entities,
        ),
        (dir().join("issuer.pub"), key.public_key().to_text()),
    ];
    let mut index = Vec::new();
    for c in cases() {
        out.push((dir().join(format!("{}.jsonl", c.name)), c.chain.clone()));
        index.push(json!({
            "case": c.name,
            "description": c.description,
            "chain": format!("{}.jsonl", c.name),
            "registers": if c.with_registers {
                json!({
                    "entities": format!("registers/{}", c.entities),
                    "inspectors": "registers/inspectors.csv",
                    "conflicts": "registers/conflicts.csv",
                    "conflict_salt": if WITHOUT_SALT.contains(&c.name) { Value::Null } else { json!("registers/conflict-salt.hex") },
                })
            } else {
                Value::Null
            },
            "verdict": if c.fails.is_empty() { "holds" } else { "fails" },
            "failing_checks": c.fails,
        }));
    }
    let doc = json!({
        "source": "Generated by tests/chain_vectors.rs (DR_WRITE_VECTORS=1 cargo test --test chain_vectors). Registers are CSV with canonical headers; the conflict salt is hex. Verify each chain with the key in issuer.pub at level `full` when registers are given, else `replay`; `failing_checks` lists check names (docs/FORMAT.md, Checks) that must be among the verifier's errors.",
        "warning": TEST_ONLY,
        "cases": index,
    });
    out.push((
        dir().join("cases.json"),
        serde_json::to_string_pretty(&doc).unwrap() + "\n",
    ));
    out
}

#[test]
fn vectors_are_up_to_date() {
    let write = std::env::var_os("DR_WRITE_VECTORS").is_some();
    for (path, text) in expected_files() {
        if write {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
        } else {
            let found = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}; run with DR_WRITE_VECTORS=1", path.display()));
            assert_eq!(
                found,
                text,
                "{} is stale; run with DR_WRITE_VECTORS=1",
                path.display()
            );
        }
    }
    let _ = IssuerPublicKey::from_text(&issuer().public_key().to_text()).unwrap();
}
