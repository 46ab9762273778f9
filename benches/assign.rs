//! Team assignment at the scale of a large city bureau, version 1 beside
//! version 2, on one core:
//!
//! - "5k": 50,000 drawn entities, 5,000 inspectors in 20 departments,
//!   100,000 declared conflicts, a joint task of 2 departments, teams of 2;
//! - "2k": 50,000 drawn entities, 2,000 inspectors in two departments of
//!   1,000, 100,000 declared conflicts, a joint task, teams of 2 (one
//!   place per department), without a cap and with a cap of 50, which
//!   binds exactly (50,000 places per department for 1,000 officers);
//! - the staffing check of version 2 on a committed pool of 1,000,000
//!   entities (the "2k" drawn entities are its first 50,000; 12,500 drawn
//!   per class) with the "2k" registers, at the smallest cap it accepts
//!   (50 here: the conflicts do not raise it).
//!
//! `cargo bench -p double-random --bench assign -- --warm-up-time 1 --measurement-time 5 --sample-size 10`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use double_random::{
    assignment::{self, v1},
    registers::{
        Conflict, ConflictRegister, CreditClass, Entity, EntityRegister, Inspector,
        InspectorRegister, Uscc, uscc_check_character,
    },
};
use time::{Date, Month};

const ENTITIES: u32 = 50_000;
const INSPECTORS: u32 = 5_000;
const DEPARTMENTS: u32 = 20;
const CONFLICTS: u32 = 100_000;
/// Officers per department in the "2k" registers.
const PER_DEPARTMENT: u32 = 1_000;
/// The committed pool of the staffing-check bench.
const POOL: u32 = 1_000_000;

fn uscc(n: u32) -> Uscc {
    let first17 = format!("91140522MA{n:07}");
    let bytes: [u8; 17] = first17.as_bytes().try_into().unwrap();
    let check = uscc_check_character(&bytes).unwrap();
    format!("{first17}{check}").parse().unwrap()
}

fn date() -> Date {
    Date::from_calendar_date(2025, Month::March, 10).unwrap()
}

fn entities(n: u32) -> Vec<Entity> {
    (0..n)
        .map(|n| {
            Entity::new(
                uscc(n),
                format!("企业{n}"),
                CreditClass::ALL[(n % 4) as usize],
                format!("1405{:02}", 20 + n % 9),
                "",
            )
        })
        .collect()
}

/// A fixed, spread-out pattern of pairs (multiplicative steps modulo the sizes).
fn conflicts(inspectors: &InspectorRegister, drawn: &[Entity]) -> ConflictRegister {
    let ids = inspectors.inspectors();
    ConflictRegister::new(
        (0..CONFLICTS)
            .map(|k| Conflict {
                inspector_id: ids[(u64::from(k) * 7_919 % ids.len() as u64) as usize]
                    .id
                    .clone(),
                uscc: drawn[(u64::from(k) * 104_729 % drawn.len() as u64) as usize].uscc,
                reason: String::new(),
            })
            .collect(),
    )
}

struct Fixture {
    drawn: Vec<Entity>,
    inspectors: InspectorRegister,
    conflicts: ConflictRegister,
}

/// 5,000 inspectors in 20 departments, one certificate in 50 expired.
fn fixture_5k() -> Fixture {
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
                cert_valid_to: (k % 50 == 7).then_some(expired),
            })
            .collect(),
    )
    .unwrap();
    let drawn = entities(ENTITIES);
    let conflicts = conflicts(&inspectors, &drawn);
    Fixture {
        drawn,
        inspectors,
        conflicts,
    }
}

/// 2,000 inspectors in two departments "A" and "B".
fn fixture_2k() -> Fixture {
    let inspectors = InspectorRegister::new(
        (0..2 * PER_DEPARTMENT)
            .map(|k| Inspector {
                id: format!("I{k:05}"),
                name: format!("检查员{k}"),
                department: if k % 2 == 0 { "A" } else { "B" }.into(),
                region: format!("1405{:02}", 20 + k % 9),
                expertise: Vec::new(),
                cert_valid_from: None,
                cert_valid_to: None,
            })
            .collect(),
    )
    .unwrap();
    let drawn = entities(ENTITIES);
    let conflicts = conflicts(&inspectors, &drawn);
    Fixture {
        drawn,
        inspectors,
        conflicts,
    }
}

fn v1_rules(a: &str, b: &str, cap: Option<u32>) -> v1::TeamRules {
    let mut rules = v1::TeamRules::new(2, a);
    rules.participating_departments = vec![b.into()];
    rules.workload_cap = cap;
    rules
}

fn v2_rules(a: &str, b: &str, cap: Option<u32>) -> assignment::TeamRules {
    let mut rules = assignment::TeamRules::joint(a, [b]);
    rules.workload_cap = cap;
    rules
}

fn bench(c: &mut Criterion) {
    let seed = [7u8; 32];
    let f = fixture_5k();
    let (r1, r2) = (v1_rules("D00", "D01", None), v2_rules("D00", "D01", None));
    let v1_run = |f: &Fixture, r: &v1::TeamRules| {
        v1::assign_teams(
            black_box(&seed),
            &f.drawn,
            &f.inspectors,
            &f.conflicts,
            r,
            date(),
            None,
        )
    };
    let v2_run = |f: &Fixture, r: &assignment::TeamRules| {
        assignment::assign_teams(
            black_box(&seed),
            &f.drawn,
            &f.inspectors,
            &f.conflicts,
            r,
            date(),
            None,
        )
    };
    assert_eq!(v1_run(&f, &r1).unwrap().len(), ENTITIES as usize);
    assert_eq!(v2_run(&f, &r2).unwrap().len(), ENTITIES as usize);
    c.bench_function(
        "v1 assign 5k: 50k entities / 5k inspectors / 100k conflicts",
        |b| b.iter(|| v1_run(&f, &r1)),
    );
    c.bench_function(
        "v2 assign 5k: 50k entities / 5k inspectors / 100k conflicts",
        |b| b.iter(|| v2_run(&f, &r2)),
    );

    let f = fixture_2k();
    let (r1, r2) = (v1_rules("A", "B", None), v2_rules("A", "B", None));
    assert!(v1_run(&f, &r1).is_ok());
    assert!(v2_run(&f, &r2).is_ok());
    c.bench_function("v1 assign 2k, no cap", |b| b.iter(|| v1_run(&f, &r1)));
    c.bench_function("v2 assign 2k, no cap", |b| b.iter(|| v2_run(&f, &r2)));
    // The cap binds exactly: every officer ends with 50 places.
    let (r1, r2) = (v1_rules("A", "B", Some(50)), v2_rules("A", "B", Some(50)));
    assert!(v1_run(&f, &r1).is_ok());
    assert!(v2_run(&f, &r2).is_ok());
    c.bench_function("v1 assign 2k, cap 50", |b| b.iter(|| v1_run(&f, &r1)));
    c.bench_function("v2 assign 2k, cap 50", |b| b.iter(|| v2_run(&f, &r2)));

    // The office's check at commit: a pool of 1,000,000 (the drawn
    // entities above are its first 50,000), 12,500 drawn per class.
    let pool = EntityRegister::new(entities(POOL)).unwrap();
    let sizes = [12_500; 4];
    let check = |cap| {
        assignment::staffing_check(
            &pool,
            sizes,
            &f.inspectors,
            &f.conflicts,
            &v2_rules("A", "B", Some(cap)),
            date(),
            None,
        )
    };
    let report = check(u32::MAX).unwrap();
    eprintln!("staffing check: {report:?}");
    let safe = u32::try_from(report.smallest_safe_cap.unwrap()).unwrap();
    assert!(check(safe).is_ok());
    c.bench_function("v2 staffing check, 1M pool / 2k", |b| {
        b.iter(|| check(black_box(safe)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
