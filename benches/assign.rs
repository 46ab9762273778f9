//! Team assignment at the scale of a large city bureau: 50,000 drawn
//! entities, 5,000 inspectors in 20 departments, 100,000 declared
//! conflicts, a joint task of 2 departments, teams of 2, on one core.
//!
//! `cargo bench -p double-random --bench assign -- --warm-up-time 1 --measurement-time 5 --sample-size 10`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use double_random::{
    assignment::v1::{TeamRules, assign_teams},
    registers::{
        Conflict, ConflictRegister, CreditClass, Entity, Inspector, InspectorRegister, Uscc,
        uscc_check_character,
    },
};
use time::{Date, Month};

const ENTITIES: u32 = 50_000;
const INSPECTORS: u32 = 5_000;
const DEPARTMENTS: u32 = 20;
const CONFLICTS: u32 = 100_000;

fn uscc(n: u32) -> Uscc {
    let first17 = format!("91140522MA{n:07}");
    let bytes: [u8; 17] = first17.as_bytes().try_into().unwrap();
    let check = uscc_check_character(&bytes).unwrap();
    format!("{first17}{check}").parse().unwrap()
}

struct Fixture {
    drawn: Vec<Entity>,
    inspectors: InspectorRegister,
    conflicts: ConflictRegister,
    rules: TeamRules,
    date: Date,
}

fn fixture() -> Fixture {
    let date = Date::from_calendar_date(2025, Month::March, 10).unwrap();
    let expired = Date::from_calendar_date(2024, Month::December, 31).unwrap();
    let inspectors = InspectorRegister::new(
        (0..INSPECTORS)
            .map(|k| Inspector {
                id: format!("I{k:05}"),
                name: format!("检查员{k}"),
                department: format!("D{:02}", k % DEPARTMENTS),
                region: format!("1405{:02}", 20 + k % 9),
                expertise: Vec::new(),
                cert_valid_from: None,
                // One in 50 certificates has expired.
                cert_valid_to: (k % 50 == 7).then_some(expired),
            })
            .collect(),
    )
    .unwrap();
    let drawn: Vec<Entity> = (0..ENTITIES)
        .map(|n| {
            Entity::new(
                uscc(n),
                format!("企业{n}"),
                CreditClass::ALL[(n % 4) as usize],
                format!("1405{:02}", 20 + n % 9),
                "",
            )
        })
        .collect();
    // A fixed, spread-out pattern of pairs (multiplicative steps modulo the sizes).
    let conflicts = ConflictRegister::new(
        (0..CONFLICTS)
            .map(|k| Conflict {
                inspector_id: format!("I{:05}", (u64::from(k) * 7_919 % u64::from(INSPECTORS))),
                uscc: drawn[(u64::from(k) * 104_729 % u64::from(ENTITIES)) as usize].uscc,
                reason: String::new(),
            })
            .collect(),
    );
    let mut rules = TeamRules::new(2, "D00");
    rules.participating_departments = vec!["D01".into()];
    Fixture {
        drawn,
        inspectors,
        conflicts,
        rules,
        date,
    }
}

fn bench(c: &mut Criterion) {
    let f = fixture();
    let seed = [7u8; 32];
    let teams = assign_teams(
        &seed,
        &f.drawn,
        &f.inspectors,
        &f.conflicts,
        &f.rules,
        f.date,
        None,
    )
    .unwrap();
    assert_eq!(teams.len(), ENTITIES as usize);
    c.bench_function(
        "assign 50k entities / 5k inspectors / 100k conflicts",
        |b| {
            b.iter(|| {
                assign_teams(
                    black_box(&seed),
                    &f.drawn,
                    &f.inspectors,
                    &f.conflicts,
                    &f.rules,
                    f.date,
                    None,
                )
            })
        },
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
