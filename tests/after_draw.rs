//! After the draw, through the library's chain: inspector replacements and
//! supplementary draws (补充抽取), each made by `Chain::replace` /
//! `Chain::supplement`, verified at full level, and refused or failing when
//! the office tries to choose (docs/spec/assignment.md, Part III).

use double_random::after_draw::AfterDrawError;
use double_random::assignment::PickError;
use double_random::chain::{ChainError, Replace, Supplement};
use double_random::prelude::*;
use double_random::records::{
    Count, Record, ReplacementReason, ReplacementReasonKind, SupplementReason, SupplementReasonKind,
};
use double_random::registers::{ConflictRow, uscc_check_character};
use double_random::sampling::draw_ranks;
use double_random::verify::FindingSeverity;

fn code(n: u32) -> String {
    let first: [u8; 17] = format!("91140522MA{n:07}").as_bytes().try_into().unwrap();
    format!(
        "{}{}",
        std::str::from_utf8(&first).unwrap(),
        uscc_check_character(&first).unwrap()
    )
}

struct Fixture {
    entities: EntityRegister,
    inspectors: InspectorRegister,
    conflicts: ConflictRegister,
    key: IssuerKey,
}

const SALT: [u8; 32] = [3; 32];

impl Fixture {
    /// 40 entities (A..D in turn), `officers` officers of 管理股, and the
    /// conflicts given as (officer number, entity number).
    fn new(officers: u32, conflicts: &[(u32, u32)]) -> Self {
        let opts = ValidationOptions::default();
        let entities = EntityRegister::from_rows(
            (0..40).map(|i| EntityRow {
                row: i as usize + 2,
                uscc: code(i),
                name: format!("单位{i}"),
                credit_class: ["A", "B", "C", "D"][(i % 4) as usize].into(),
                region: "140522".into(),
                ..Default::default()
            }),
            &opts,
        );
        let inspectors = InspectorRegister::from_rows(
            (0..officers).map(|i| InspectorRow {
                row: i as usize + 2,
                id: format!("ZF{i:03}"),
                name: format!("检查员{i}"),
                department: "管理股".into(),
                cert_valid_from: "2023-01-01".into(),
                cert_valid_to: "2027-12-31".into(),
                ..Default::default()
            }),
            &opts,
        );
        let conflicts = ConflictRegister::from_rows(
            conflicts.iter().enumerate().map(|(k, (o, e))| ConflictRow {
                row: k + 2,
                inspector_id: format!("ZF{o:03}"),
                uscc: code(*e),
                reason: "近亲属 (TEST ONLY)".into(),
            }),
            Some(&entities.register),
            Some(&inspectors.register),
            &opts,
        );
        assert!(entities.is_clean() && inspectors.is_clean() && conflicts.is_clean());
        Fixture {
            entities: entities.register,
            inspectors: inspectors.register,
            conflicts: conflicts.register,
            key: IssuerKey::from_secret_bytes("测试局 (TEST ONLY)", &[9; 32]).unwrap(),
        }
    }

    fn registers(&self) -> Registers<'_> {
        Registers {
            entities: &self.entities,
            inspectors: &self.inspectors,
            conflicts: &self.conflicts,
            items: None,
        }
    }

    /// A chain with one task committed and drawn: its lines and the draw's id.
    fn drawn(&self, ratios: [&str; 4], cap: Option<u32>) -> (Chain, Vec<String>, RecordId) {
        let bp = |s| BasisPoints::parse_percent(s).unwrap();
        let mut team = TeamRules::new(2, "管理股");
        team.workload_cap = cap;
        let task = Task::new(
            "T-1",
            "检查 (TEST ONLY)",
            vec![],
            Ratios(ratios.map(bp)),
            team,
            double_random::calendar::parse_date("2024-06-03").unwrap(),
        )
        .unwrap();
        let mut chain = Chain::new(self.key.public_key().clone());
        let mut lines = Vec::new();
        let pending = chain
            .commit(
                &self.key,
                &Commit {
                    task: &task,
                    registers: self.registers(),
                    conflict_salt: &SALT,
                    randomness: RandomnessPlan::Local {},
                    created_at: at("2024-06-01T08:00:00Z"),
                },
            )
            .unwrap();
        lines.push(pending.line());
        let commitment = chain.push(pending).unwrap();
        let pending = chain
            .draw(
                &self.key,
                &Draw {
                    commitment,
                    randomness: RandomnessValue {
                        value: b"381946".to_vec(),
                        beacon_signature: None,
                    },
                    registers: self.registers(),
                    conflict_salt: &SALT,
                    created_at: at("2024-06-01T09:00:00Z"),
                    witnessing: Witnessing::Unwitnessed,
                    library_version: "test",
                },
            )
            .unwrap();
        lines.push(pending.line());
        let draw = chain.push(pending).unwrap();
        (chain, lines, draw)
    }

    fn replace(
        &self,
        chain: &Chain,
        draw: RecordId,
        uscc: Uscc,
        leaving: &str,
        kind: ReplacementReasonKind,
        when: &str,
    ) -> Result<double_random::chain::Pending, ChainError> {
        chain.replace(
            &self.key,
            &Replace {
                draw,
                uscc,
                leaving,
                reason: ReplacementReason {
                    kind,
                    text: "申请回避 (TEST ONLY)".into(),
                },
                registers: self.registers(),
                conflict_salt: &SALT,
                created_at: at(when),
            },
        )
    }

    fn supplement(
        &self,
        chain: &Chain,
        draw: RecordId,
        replaced: Uscc,
        when: &str,
    ) -> Result<double_random::chain::Pending, ChainError> {
        chain.supplement(
            &self.key,
            &Supplement {
                draw,
                replaced,
                reason: SupplementReason {
                    kind: SupplementReasonKind::Deregistered,
                    text: "已注销 (TEST ONLY)".into(),
                },
                registers: self.registers(),
                conflict_salt: &SALT,
                created_at: at(when),
            },
        )
    }

    fn verify(&self, lines: &[String], level: Level) -> Report {
        verify_chain_bytes(
            lines.join("\n").as_bytes(),
            self.key.public_key(),
            &VerifyOptions {
                registers: (level == Level::Full).then(|| self.registers()),
                conflict_salt: &SALT,
                ..VerifyOptions::level(level)
            },
        )
    }
}

fn at(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

fn errors(r: &Report) -> Vec<&'static str> {
    r.errors().map(|f| f.check).collect()
}

#[test]
fn a_recusal_is_replaced_by_an_eligible_officer_the_office_cannot_choose() {
    // ZF005 declared a conflict with every entity, ZF004 with the even ones.
    let mut conflicts: Vec<(u32, u32)> = (0..40).map(|e| (5, e)).collect();
    conflicts.extend((0..40).step_by(2).map(|e| (4, e)));
    let f = Fixture::new(6, &conflicts);
    let (mut chain, mut lines, draw) = f.drawn(["5%", "10%", "20%", "50%"], None);
    let d = chain.draw_record(&draw).unwrap().clone();
    for t in &d.teams {
        let team = &t.inspectors;
        let pending = f
            .replace(
                &chain,
                draw,
                t.uscc,
                &team[1],
                ReplacementReasonKind::Recusal,
                "2024-06-02T01:00:00Z",
            )
            .unwrap();
        let Record::Replacement(p) = pending.record().clone() else {
            panic!("not a replacement")
        };
        assert_eq!(p.place, 1);
        assert_eq!(p.leaving, team[1]);
        let new_team = [team[0].clone(), p.replacement.clone()];
        assert_ne!(new_team[0], new_team[1], "two distinct officers");
        assert!(!new_team.contains(&team[1]), "the leaving officer is gone");
        for id in &new_team {
            assert!(
                !f.conflicts.is_conflicted(id, &t.uscc),
                "{id} declared a conflict with {}",
                t.uscc
            );
        }
        lines.push(pending.line());
        chain.push(pending).unwrap();
        let amended = chain.state().amended(&draw).unwrap();
        assert_eq!(amended.entity(&t.uscc).unwrap().team, new_team);
    }
    let report = f.verify(&lines, Level::Full);
    assert!(report.holds(), "{report}");
    assert_eq!(report.replacements, d.teams.len());

    // The office names another eligible officer and signs again: the
    // verifier replays the pick and refuses it.
    let last = lines.pop().unwrap();
    let env = Envelope::from_json(last.as_bytes()).unwrap();
    let Ok(Record::Replacement(mut p)) = Record::open(&env, f.key.public_key()) else {
        panic!("not a replacement")
    };
    let t = d.teams.last().unwrap();
    let other = f
        .inspectors
        .inspectors()
        .iter()
        .find(|i| {
            i.id != p.replacement
                && !t.inspectors.contains(&i.id)
                && !f.conflicts.is_conflicted(&i.id, &t.uscc)
        })
        .unwrap();
    p.replacement = other.id.clone();
    lines.push(Record::Replacement(p).sign(&f.key).unwrap().to_json());
    let report = f.verify(&lines, Level::Full);
    assert!(!report.holds());
    assert_eq!(errors(&report), ["replacement"], "{report}");
    // Without the registers the change cannot be seen: replay holds.
    assert!(f.verify(&lines, Level::Replay).holds());
}

#[test]
fn a_deregistered_entity_is_replaced_by_the_next_of_its_class() {
    let f = Fixture::new(6, &[]);
    let (mut chain, mut lines, draw) = f.drawn(["5%", "10%", "20%", "50%"], None);
    let d = chain.draw_record(&draw).unwrap().clone();
    let (class, first) = d
        .drawn_in_order()
        .next()
        .map(|(c, e)| (c, e.clone()))
        .unwrap();
    let pending = f
        .supplement(&chain, draw, first.uscc, "2024-06-02T01:00:00Z")
        .unwrap();
    let Record::Supplement(p) = pending.record().clone() else {
        panic!("not a supplement")
    };
    // Same class, the next rank of the class's stream, not drawn before.
    assert_eq!(p.class, class);
    let k = d.drawn.get(class).len() as u64;
    let n = f.entities.class(class).len() as u64;
    let ranks = draw_ranks(&d.seed, class.index() as u8, n, k + 1).unwrap();
    assert_eq!(p.rank.0, ranks[k as usize]);
    assert_eq!(
        p.uscc,
        f.entities.class(class)[p.rank.0 as usize].uscc,
        "the entity at that rank"
    );
    assert!(d.drawn_in_order().all(|(_, e)| e.uscc != p.uscc));
    assert_eq!(p.team.len(), 2);
    assert_ne!(p.team[0], p.team[1]);
    lines.push(pending.line());
    chain.push(pending).unwrap();
    let report = f.verify(&lines, Level::Full);
    assert!(report.holds(), "{report}");
    assert_eq!(report.supplements, 1);

    // The replaced entity stays on the list, marked; the new one is added.
    let amended = chain.state().amended(&draw).unwrap();
    assert!(amended.entity(&first.uscc).unwrap().replaced_by.is_some());
    assert_eq!(amended.entity(&p.uscc).unwrap().team, p.team);
    // It cannot be replaced twice.
    assert!(matches!(
        f.supplement(&chain, draw, first.uscc, "2024-06-02T02:00:00Z"),
        Err(ChainError::AfterDraw(
            AfterDrawError::AlreadyReplaced { .. }
        ))
    ));

    // Skipping the next rank fails from the seed alone.
    let mut skipping = p.clone();
    skipping.rank = Count(ranks[k as usize - 1]);
    lines.pop();
    lines.push(Record::Supplement(skipping).sign(&f.key).unwrap().to_json());
    let report = f.verify(&lines, Level::Replay);
    assert!(errors(&report).contains(&"supplement"), "{report}");
}

#[test]
fn with_every_candidate_at_the_cap_the_pick_goes_over_it_with_a_warning() {
    // Four officers, cap 2, four entities drawn: every officer holds two places.
    let f = Fixture::new(4, &[]);
    let (mut chain, mut lines, draw) = f.drawn(["0%", "0%", "10%", "30%"], Some(2));
    let d = chain.draw_record(&draw).unwrap().clone();
    assert_eq!(d.drawn_count(), 4);
    let t = &d.teams[0];
    let pending = f
        .replace(
            &chain,
            draw,
            t.uscc,
            &t.inspectors[0],
            ReplacementReasonKind::Illness,
            "2024-06-02T01:00:00Z",
        )
        .unwrap();
    let Record::Replacement(p) = pending.record().clone() else {
        panic!("not a replacement")
    };
    lines.push(pending.line());
    chain.push(pending).unwrap();
    let report = f.verify(&lines, Level::Full);
    assert!(report.holds(), "{report}");
    assert!(
        report
            .findings
            .iter()
            .any(|x| x.check == "over-cap" && x.severity == FindingSeverity::Warning),
        "{report}"
    );

    // The officer who left for illness takes no later pick of the draw.
    let (class, first) = d
        .drawn_in_order()
        .next()
        .map(|(c, e)| (c, e.clone()))
        .unwrap();
    let _ = class;
    let pending = f
        .supplement(&chain, draw, first.uscc, "2024-06-02T02:00:00Z")
        .unwrap();
    let Record::Supplement(s) = pending.record().clone() else {
        panic!("not a supplement")
    };
    assert!(!s.team.contains(&p.leaving), "{:?} {}", s.team, p.leaving);
    lines.push(pending.line());
    chain.push(pending).unwrap();
    assert!(f.verify(&lines, Level::Full).holds());
}

#[test]
fn a_place_nobody_can_take_is_a_typed_error_naming_the_rule() {
    // Two officers, teams of two: whoever leaves, only team members remain.
    let f = Fixture::new(2, &[]);
    let (chain, _, draw) = f.drawn(["0%", "0%", "0%", "10%"], None);
    let d = chain.draw_record(&draw).unwrap().clone();
    let t = &d.teams[0];
    let e = f
        .replace(
            &chain,
            draw,
            t.uscc,
            &t.inspectors[0],
            ReplacementReasonKind::Recusal,
            "2024-06-02T01:00:00Z",
        )
        .unwrap_err();
    match &e {
        ChainError::AfterDraw(AfterDrawError::Pick(PickError::NoCandidate {
            place,
            breakdown,
            ..
        })) => {
            assert_eq!(*place, 0);
            assert_eq!(breakdown.total, 2);
            assert_eq!(breakdown.on_team, 2);
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("already on its team"), "{e}");
    // An officer not on the team cannot leave it; an `other` reason needs text.
    assert!(matches!(
        f.replace(
            &chain,
            draw,
            t.uscc,
            "ZF999",
            ReplacementReasonKind::Recusal,
            "2024-06-02T01:00:00Z"
        ),
        Err(ChainError::AfterDraw(AfterDrawError::NotOnTeam { .. }))
    ));
    let blank = chain.replace(
        &f.key,
        &Replace {
            draw,
            uscc: t.uscc,
            leaving: &t.inspectors[0],
            reason: ReplacementReason {
                kind: ReplacementReasonKind::Other,
                text: "  ".into(),
            },
            registers: f.registers(),
            conflict_salt: &SALT,
            created_at: at("2024-06-02T01:00:00Z"),
        },
    );
    assert!(matches!(
        blank,
        Err(ChainError::AfterDraw(AfterDrawError::BlankReason))
    ));
}

#[test]
fn a_later_task_excluding_a_draw_also_leaves_out_its_supplementary_entity() {
    let f = Fixture::new(6, &[]);
    let (mut chain, mut lines, draw) = f.drawn(["5%", "10%", "20%", "50%"], None);
    let d = chain.draw_record(&draw).unwrap().clone();
    let first = d.drawn_in_order().next().unwrap().1.uscc;
    let pending = f
        .supplement(&chain, draw, first, "2024-06-02T01:00:00Z")
        .unwrap();
    let Record::Supplement(s) = pending.record().clone() else {
        panic!("not a supplement")
    };
    lines.push(pending.line());
    let supplement = chain.push(pending).unwrap();
    assert_eq!(chain.with_supplements(&[draw]), [draw, supplement]);

    let bp = |s| BasisPoints::parse_percent(s).unwrap();
    let later = |id: &str, excluded: Vec<RecordId>| {
        Task::new(
            id,
            "一业一查 (TEST ONLY)",
            vec![],
            Ratios(["5%", "10%", "20%", "50%"].map(bp)),
            TeamRules::new(2, "管理股"),
            double_random::calendar::parse_date("2024-07-01").unwrap(),
        )
        .unwrap()
        .excluding_draws(excluded)
        .unwrap()
    };
    let commit = |chain: &Chain, task: &Task| {
        chain
            .commit(
                &f.key,
                &Commit {
                    task,
                    registers: f.registers(),
                    conflict_salt: &SALT,
                    randomness: RandomnessPlan::Local {},
                    created_at: at("2024-06-20T08:00:00Z"),
                },
            )
            .unwrap()
    };
    let pool_of = |chain: &Chain, task: &Task| {
        let Record::Commitment(c) = commit(chain, task).record().clone() else {
            panic!("a commitment")
        };
        chain.pool(&c, &f.entities).unwrap().into_owned()
    };

    // The draw and its supplement: every entity inspectors were sent to.
    let pool = pool_of(&chain, &later("T-2", chain.with_supplements(&[draw])));
    let listed = d.drawn_in_order().count();
    assert_eq!(pool.len(), f.entities.len() - listed - 1);
    assert!(pool.get(&s.uscc).is_none() && pool.get(&first).is_none());
    // The supplement alone: only the entity it added.
    let pool = pool_of(&chain, &later("T-3", vec![supplement]));
    assert_eq!(pool.len(), f.entities.len() - 1);
    assert!(pool.get(&s.uscc).is_none());

    // Committed and drawn, the chain verifies with the registers.
    let task = later("T-2", chain.with_supplements(&[draw]));
    let pending = commit(&chain, &task);
    lines.push(pending.line());
    let commitment = chain.push(pending).unwrap();
    let pending = chain
        .draw(
            &f.key,
            &Draw {
                commitment,
                randomness: RandomnessValue {
                    value: b"205817".to_vec(),
                    beacon_signature: None,
                },
                registers: f.registers(),
                conflict_salt: &SALT,
                created_at: at("2024-06-20T09:00:00Z"),
                witnessing: Witnessing::Unwitnessed,
                library_version: "test",
            },
        )
        .unwrap();
    let Record::Draw(second) = pending.record().clone() else {
        panic!("a draw")
    };
    assert!(second.drawn_in_order().all(|(_, e)| e.uscc != s.uscc));
    lines.push(pending.line());
    let report = f.verify(&lines, Level::Full);
    assert!(report.holds(), "{report}");
}
