//! The library's chain type as an embedder uses it: concurrent appends,
//! and every misuse refused before anything is signed onto the chain.

use std::sync::{Arc, Barrier, RwLock};

use double_random::prelude::*;
use double_random::registers::uscc_check_character;

struct Fixture {
    entities: EntityRegister,
    inspectors: InspectorRegister,
    conflicts: ConflictRegister,
    key: IssuerKey,
}

impl Fixture {
    fn new() -> Self {
        let code = |n: u32| {
            let first: [u8; 17] = format!("91140522MA{n:07}").as_bytes().try_into().unwrap();
            format!(
                "{}{}",
                std::str::from_utf8(&first).unwrap(),
                uscc_check_character(&first).unwrap()
            )
        };
        let opts = ValidationOptions::default();
        let entities = EntityRegister::from_rows(
            (0..40).map(|i| EntityRow {
                row: i as usize + 2,
                uscc: code(i),
                name: format!("单位{i}"),
                credit_class: ["A", "B", "C", "D"][(i % 4) as usize].into(),
                ..Default::default()
            }),
            &opts,
        );
        let inspectors = InspectorRegister::from_rows(
            (0..6).map(|i| InspectorRow {
                row: i + 2,
                id: format!("ZF{i:03}"),
                name: format!("检查员{i}"),
                department: "管理股".into(),
                ..Default::default()
            }),
            &opts,
        );
        Fixture {
            entities: entities.register,
            inspectors: inspectors.register,
            conflicts: ConflictRegister::default(),
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
}

const SALT: [u8; 32] = [3; 32];

fn at(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

fn task(id: &str) -> Task {
    let bp = |s| BasisPoints::parse_percent(s).unwrap();
    Task::new(
        id,
        "检查",
        vec![],
        Ratios([bp("5%"), bp("10%"), bp("20%"), bp("50%")]),
        TeamRules::new(2, "管理股"),
        double_random::calendar::parse_date("2024-06-03").unwrap(),
    )
    .unwrap()
}

fn commit<'a>(f: &'a Fixture, t: &'a Task, when: &str, plan: RandomnessPlan) -> Commit<'a> {
    Commit {
        task: t,
        registers: f.registers(),
        conflict_salt: &SALT,
        randomness: plan,
        created_at: at(when),
    }
}

fn ceremony(when: &str) -> RandomnessPlan {
    RandomnessPlan::Ceremony {
        procedure: "six rolls of a ten-sided die (TEST ONLY)".into(),
        scheduled_at: at(when),
        witnesses: vec!["纪检组".into()],
    }
}

fn draw<'a>(f: &'a Fixture, commitment: RecordId, when: &str) -> Draw<'a> {
    Draw {
        commitment,
        randomness: RandomnessValue {
            value: b"381946".to_vec(),
            beacon_signature: None,
        },
        registers: f.registers(),
        conflict_salt: &SALT,
        created_at: at(when),
        witnessing: Witnessing::Witnessed,
        library_version: "test",
    }
}

#[test]
fn two_threads_racing_to_append_one_wins_the_other_gets_a_stale_head() {
    let f = Fixture::new();
    let tasks = [task("T-1"), task("T-2")];
    let chain = Arc::new(RwLock::new(Chain::new(f.key.public_key().clone())));
    let lines = Arc::new(std::sync::Mutex::new(Vec::new()));
    let barrier = Arc::new(Barrier::new(2));
    let outcomes: Vec<Result<RecordId, ChainError>> = std::thread::scope(|s| {
        let handles: Vec<_> = tasks
            .iter()
            .map(|t| {
                let (chain, lines, barrier, f) =
                    (chain.clone(), lines.clone(), barrier.clone(), &f);
                s.spawn(move || {
                    let pending = chain
                        .read()
                        .unwrap()
                        .commit(
                            &f.key,
                            &commit(f, t, "2024-06-01T08:00:00Z", RandomnessPlan::Local {}),
                        )
                        .unwrap();
                    // Both records are made on the empty chain before either is appended.
                    barrier.wait();
                    let line = pending.line();
                    let mut c = chain.write().unwrap();
                    let r = c.push(pending);
                    if r.is_ok() {
                        lines.lock().unwrap().push(line);
                    }
                    r
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let won = outcomes.iter().filter(|o| o.is_ok()).count();
    let stale = outcomes
        .iter()
        .filter(|o| matches!(o, Err(ChainError::StaleHead { .. })))
        .count();
    assert_eq!((won, stale), (1, 1), "{outcomes:?}");
    let c = chain.read().unwrap();
    assert_eq!(c.len(), 1);
    let text = lines.lock().unwrap().join("\n");
    let report = verify_chain_bytes(
        text.as_bytes(),
        f.key.public_key(),
        &VerifyOptions::level(Level::Replay),
    );
    assert!(report.holds(), "{report}");
    // The chain read back from the store is the same chain.
    let again = Chain::open(f.key.public_key().clone(), text.as_bytes()).unwrap();
    assert_eq!(again.head(), c.head());
}

#[test]
fn the_chain_refuses_every_misuse_before_signing() {
    let f = Fixture::new();
    let t1 = task("T-1");
    let mut chain = Chain::new(f.key.public_key().clone());
    let p = chain
        .commit(
            &f.key,
            &commit(
                &f,
                &t1,
                "2024-06-01T08:00:00Z",
                ceremony("2024-06-03T02:00:00Z"),
            ),
        )
        .unwrap();
    let c1 = chain.push(p).unwrap();

    // A second commitment of a task whose commitment is still open.
    let e = chain
        .commit(
            &f.key,
            &commit(
                &f,
                &t1,
                "2024-06-01T09:00:00Z",
                ceremony("2024-06-03T02:00:00Z"),
            ),
        )
        .unwrap_err();
    assert!(matches!(e, ChainError::OpenCommitment { .. }), "{e}");

    // A record dated before the chain's last one.
    let t2 = task("T-2");
    let e = chain
        .commit(
            &f.key,
            &commit(
                &f,
                &t2,
                "2024-05-01T08:00:00Z",
                ceremony("2024-06-03T02:00:00Z"),
            ),
        )
        .unwrap_err();
    assert!(matches!(e, ChainError::TimeBackwards { .. }), "{e}");

    // Another issuer's key.
    let stranger = IssuerKey::from_secret_bytes("测试局 (TEST ONLY)", &[8; 32]).unwrap();
    let e = chain
        .commit(
            &stranger,
            &commit(&f, &t2, "2024-06-01T10:00:00Z", RandomnessPlan::Local {}),
        )
        .unwrap_err();
    assert!(matches!(e, ChainError::WrongKey { .. }), "{e}");

    // A draw before its randomness exists (the ceremony is on 3 June).
    let e = chain
        .draw(&f.key, &draw(&f, c1, "2024-06-02T02:00:00Z"))
        .unwrap_err();
    assert!(
        matches!(
            e,
            ChainError::Draw(double_random::checks::DrawError::Refused {
                check: "randomness-timing",
                ..
            })
        ),
        "{e}"
    );

    // A cancellation of a commitment that is not on the chain.
    let e = chain
        .cancel(
            &f.key,
            RecordId::from([1; 32]),
            "mistake",
            at("2024-06-01T10:00:00Z"),
        )
        .unwrap_err();
    assert!(matches!(e, ChainError::UnknownCommitment { .. }), "{e}");
    // One without a reason.
    let e = chain
        .cancel(&f.key, c1, " ", at("2024-06-01T10:00:00Z"))
        .unwrap_err();
    assert!(matches!(e, ChainError::EmptyReason), "{e}");

    // The honest draw.
    let p = chain
        .draw(&f.key, &draw(&f, c1, "2024-06-03T02:10:00Z"))
        .unwrap();
    chain.push(p).unwrap();

    // Draw shopping: a second draw of the same commitment with other randomness.
    let mut again = draw(&f, c1, "2024-06-03T02:20:00Z");
    again.randomness.value = b"777777".to_vec();
    let e = chain.draw(&f.key, &again).unwrap_err();
    assert!(
        matches!(
            e,
            ChainError::HasOutcome {
                outcome: "drawn",
                ..
            }
        ),
        "{e}"
    );

    // A (backdated or not) cancellation of the drawn commitment.
    for when in ["2024-06-03T02:05:00Z", "2024-06-04T00:00:00Z"] {
        let e = chain.cancel(&f.key, c1, "redo", at(when)).unwrap_err();
        assert!(
            matches!(
                e,
                ChainError::HasOutcome { .. } | ChainError::TimeBackwards { .. }
            ),
            "{when}: {e}"
        );
    }

    // A record made on an older head is stale once the chain moved on.
    let p1 = chain
        .commit(
            &f.key,
            &commit(&f, &t2, "2024-06-04T08:00:00Z", RandomnessPlan::Local {}),
        )
        .unwrap();
    let t3 = task("T-3");
    let p2 = chain
        .commit(
            &f.key,
            &commit(&f, &t3, "2024-06-04T08:00:00Z", RandomnessPlan::Local {}),
        )
        .unwrap();
    chain.push(p1).unwrap();
    let e = chain.push(p2).unwrap_err();
    assert!(matches!(e, ChainError::StaleHead { .. }), "{e}");
    assert_eq!(chain.len(), 3);
}

#[test]
fn a_broken_chain_is_refused_and_a_refused_record_changes_nothing() {
    let f = Fixture::new();
    let t1 = task("T-1");
    let mut chain = Chain::new(f.key.public_key().clone());
    let p = chain
        .commit(
            &f.key,
            &commit(&f, &t1, "2024-06-01T08:00:00Z", RandomnessPlan::Local {}),
        )
        .unwrap();
    let line = p.line();
    let env = p.envelope().clone();
    chain.push(p).unwrap();
    // The same record again: a duplicate, refused; the chain is unchanged.
    let head = chain.head();
    let e = chain.accept(env).unwrap_err();
    assert!(matches!(e, ChainError::Broken { .. }), "{e}");
    assert_eq!(chain.head(), head);
    // A file holding it twice does not open.
    let e = Chain::open(
        f.key.public_key().clone(),
        format!("{line}\n{line}\n").as_bytes(),
    )
    .unwrap_err();
    assert!(matches!(e, ChainError::Broken { .. }), "{e}");
    // A line another writer appended is taken in without reading the whole chain again.
    let mut other = Chain::open(f.key.public_key().clone(), line.as_bytes()).unwrap();
    let t2 = task("T-2");
    let p = other
        .commit(
            &f.key,
            &commit(&f, &t2, "2024-06-01T09:00:00Z", RandomnessPlan::Local {}),
        )
        .unwrap();
    let env = p.envelope().clone();
    other.push(p).unwrap();
    chain.accept(env).unwrap();
    assert_eq!(chain.head(), other.head());
}

#[test]
fn exclusions_resolve_to_the_draws_of_named_tasks_or_of_an_inspection_year() {
    let f = Fixture::new();
    let mut chain = Chain::new(f.key.public_key().clone());
    let mut last_year = task("T-2023");
    last_year.inspection_date = double_random::calendar::parse_date("2023-11-01").unwrap();
    let this_year = task("T-2024");
    let mut draws = Vec::new();
    for (t, day) in [(&last_year, "01"), (&this_year, "02")] {
        let when = |h: u8| format!("2024-05-{day}T{h:02}:00:00Z");
        let p = chain
            .commit(&f.key, &commit(&f, t, &when(8), ceremony(&when(9))))
            .unwrap();
        let c = chain.push(p).unwrap();
        let p = chain.draw(&f.key, &draw(&f, c, &when(10))).unwrap();
        draws.push(chain.push(p).unwrap());
    }
    assert_eq!(chain.draws_of_tasks(&["T-2024".into()]), [draws[1]]);
    assert_eq!(chain.draws_of_tasks(&["T-9".into()]), []);
    assert_eq!(chain.draws_in_inspection_year(2024), [draws[1]]);
    assert_eq!(chain.draws_in_inspection_year(2023), [draws[0]]);

    // A task excluding this year's draws leaves out exactly their entities.
    let drawn: Vec<Uscc> = chain
        .draw_record(&draws[1])
        .unwrap()
        .drawn_in_order()
        .map(|(_, d)| d.uscc)
        .collect();
    let t = task("T-LATER")
        .excluding_draws(chain.draws_in_inspection_year(2024))
        .unwrap();
    let p = chain
        .commit(
            &f.key,
            &commit(
                &f,
                &t,
                "2024-05-03T08:00:00Z",
                ceremony("2024-05-03T09:00:00Z"),
            ),
        )
        .unwrap();
    let Record::Commitment(c) = p.record().clone() else {
        panic!("a commitment");
    };
    let pool = chain.pool(&c, &f.entities).unwrap();
    assert_eq!(pool.len(), f.entities.len() - drawn.len());
    assert!(drawn.iter().all(|u| pool.get(u).is_none()));
    assert_eq!(c.registers.entities.size.0, pool.len() as u64);
    assert_eq!(c.registers.master.unwrap().size.0, f.entities.len() as u64);
}
