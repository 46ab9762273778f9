//! Whether a command's cost grows with the length of the chain (issue 17:
//! "no quadratic work as the chain grows").
//!
//! Builds one issuer's chain of commit + draw pairs (small registers: 40
//! entities, 6 officers, distinct task ids) up to 10,000 records, and at
//! 1,000, 2,000, 5,000 and 10,000 records times, in the same run:
//!
//! - `open`: `Chain::open` of the whole file (what every CLI command that
//!   touches the chain does first: every record's signature and rules);
//! - `commit + draw`: making, signing and appending one more pair on the
//!   chain in memory (median of 9).
//!
//! Linear work shows as a constant `open` time per record and a constant
//! `commit + draw` time; quadratic work as growth in either with length.
//!
//! ```text
//! cargo bench --bench chain_growth
//! ```

use std::time::{Duration, Instant};

use double_random::prelude::*;
use double_random::registers::uscc_check_character;

fn code(n: u32) -> String {
    let first: [u8; 17] = format!("91140522MA{n:07}")
        .as_bytes()
        .try_into()
        .expect("17 bytes");
    let check = uscc_check_character(&first).expect("valid characters");
    format!("{}{check}", String::from_utf8_lossy(&first))
}

fn task(id: &str) -> Task {
    let bp = |s| BasisPoints::parse_percent(s).expect("percent");
    Task::new(
        id,
        "检查",
        vec![],
        Ratios([bp("5%"), bp("10%"), bp("20%"), bp("50%")]),
        TeamRules::new(2, "管理股"),
        double_random::calendar::parse_date("2024-06-03").expect("date"),
    )
    .expect("task")
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
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
    )
    .register;
    let inspectors = InspectorRegister::from_rows(
        (0..6).map(|i| InspectorRow {
            row: i + 2,
            id: format!("ZF{i:03}"),
            name: format!("检查员{i}"),
            department: "管理股".into(),
            ..Default::default()
        }),
        &opts,
    )
    .register;
    let conflicts = ConflictRegister::default();
    let key = IssuerKey::from_secret_bytes("基准测试局 (TEST ONLY)", &[9; 32]).expect("key");
    let registers = Registers {
        entities: &entities,
        inspectors: &inspectors,
        conflicts: &conflicts,
        items: None,
    };
    const SALT: [u8; 32] = [3; 32];
    let start = Timestamp::parse("2025-01-01T00:00:00Z").expect("time");
    let mut chain = Chain::new(key.public_key().clone());
    let mut text = String::new();
    let mut pairs = 0u32;
    let mut pair = |chain: &mut Chain, text: &mut String| {
        let at = Timestamp::from_unix(start.unix() + i64::from(pairs)).expect("time");
        let t = task(&format!("T-{pairs:06}"));
        let c = chain
            .commit(
                &key,
                &Commit {
                    task: &t,
                    registers,
                    conflict_salt: &SALT,
                    randomness: RandomnessPlan::Local {},
                    created_at: at,
                },
            )
            .expect("commit");
        text.push_str(&c.line());
        text.push('\n');
        let cid = chain.push(c).expect("push");
        let d = chain
            .draw(
                &key,
                &Draw {
                    commitment: cid,
                    randomness: RandomnessValue {
                        value: pairs.to_le_bytes().to_vec(),
                        beacon_signature: None,
                    },
                    registers,
                    conflict_salt: &SALT,
                    created_at: at,
                    witnessing: Witnessing::Unwitnessed,
                    library_version: "bench",
                },
            )
            .expect("draw");
        text.push_str(&d.line());
        text.push('\n');
        chain.push(d).expect("push");
        pairs += 1;
    };
    println!(
        "{:>8} {:>12} {:>16} {:>16} {:>10}",
        "records", "open ms", "open µs/record", "commit+draw ms", "ratio"
    );
    let mut first: Option<(f64, f64)> = None;
    for target in [1_000usize, 2_000, 5_000, 10_000] {
        while chain.len() < target {
            pair(&mut chain, &mut text);
        }
        let open = median(
            (0..3)
                .map(|_| {
                    let t = Instant::now();
                    let c = Chain::open(key.public_key().clone(), text.as_bytes()).expect("open");
                    assert_eq!(c.len(), chain.len());
                    t.elapsed()
                })
                .collect(),
        );
        let len = chain.len();
        let step = median(
            (0..9)
                .map(|_| {
                    let t = Instant::now();
                    pair(&mut chain, &mut text);
                    t.elapsed()
                })
                .collect(),
        );
        let per = open.as_secs_f64() * 1e6 / len as f64;
        let step_ms = step.as_secs_f64() * 1e3;
        let (per0, step0) = *first.get_or_insert((per, step_ms));
        println!(
            "{len:>8} {:>12.1} {per:>16.1} {step_ms:>16.3} {:>10}",
            open.as_secs_f64() * 1e3,
            format!("{:.2}/{:.2}", per / per0, step_ms / step0),
        );
    }
    println!("ratio: open per record / commit+draw, each against the first row (same run)");
}
