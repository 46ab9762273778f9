//! The embedder's flow end to end, as a supervision platform's service would
//! run it: registers in memory, the issuer's chain kept in a store (here a
//! `Vec` behind a mutex standing in for a database table with
//! `UNIQUE(issuer, sequence)`), two request handlers committing tasks at the
//! same time, a draw, and an auditor's verification.
//!
//! Run it with `cargo run --example embedder`. Keys and salts are fixed TEST
//! values so the output is reproducible; a real service draws the key's seed and each
//! commitment's salt from the operating system's CSPRNG (the CLI's
//! `secrets::os_secret`) and uses public randomness (a drand round) fixed after the commitment.

use std::sync::{Arc, Barrier, Mutex, RwLock};

use double_random::prelude::*;
use double_random::registers::uscc_check_character;

/// The store: the chain's lines, appended only at the next sequence number.
#[derive(Default)]
struct Store {
    lines: Mutex<Vec<String>>,
}

impl Store {
    /// Appends `line` as record number `sequence`, or refuses when another
    /// writer took that number first (what a UNIQUE constraint does).
    fn insert(&self, sequence: u64, line: String) -> Result<(), String> {
        let mut lines = self.lines.lock().map_err(|e| e.to_string())?;
        if lines.len() as u64 != sequence {
            return Err(format!("sequence {sequence} is taken"));
        }
        lines.push(line);
        Ok(())
    }

    fn text(&self) -> String {
        self.lines
            .lock()
            .map(|l| l.iter().map(|x| format!("{x}\n")).collect())
            .unwrap_or_default()
    }
}

fn code(n: u32) -> String {
    let first: [u8; 17] = format!("91140522MA{n:07}")
        .as_bytes()
        .try_into()
        .expect("17 characters");
    let check = uscc_check_character(&first).expect("valid characters");
    format!("{}{check}", String::from_utf8_lossy(&first))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The registers, validated.
    let opts = ValidationOptions::default();
    let entities = EntityRegister::from_rows(
        (0..60).map(|i| EntityRow {
            row: i as usize + 2,
            uscc: code(i),
            name: format!("单位{i}"),
            credit_class: ["A", "B", "C", "D"][(i % 4) as usize].into(),
            region: "140522".into(),
            industry: if i % 2 == 0 { "取水" } else { "供水" }.into(),
            ..Default::default()
        }),
        &opts,
    );
    let inspectors = InspectorRegister::from_rows(
        (0..8).map(|i| InspectorRow {
            row: i + 2,
            id: format!("ZF{i:03}"),
            name: format!("检查员{i}"),
            department: "管理股".into(),
            ..Default::default()
        }),
        &opts,
    );
    assert!(entities.is_clean() && inspectors.is_clean());
    let conflicts = ConflictRegister::default();
    let registers = Registers {
        entities: &entities.register,
        inspectors: &inspectors.register,
        conflicts: &conflicts,
        items: None,
    };

    let key = IssuerKey::from_secret_bytes("阳城县水务局 (TEST ONLY)", &[1; 32])?;
    let date = double_random::calendar::parse_date("2024-06-03").ok_or("a date")?;
    let bp = |s: &str| BasisPoints::parse_percent(s).expect("ratio");
    let task = |id: &str| -> Result<Task, Box<dyn std::error::Error>> {
        Ok(Task::new(
            id,
            format!("取水许可检查 {id}"),
            vec![],
            Ratios([bp("5%"), bp("10%"), bp("20%"), bp("50%")]),
            TeamRules::new(2, "管理股"),
            date,
        )?)
    };
    let tasks = [task("T-1")?, task("T-2")?];
    let at = |s: &str| Timestamp::parse(s).expect("time");
    let salts = [[7u8; 32], [8u8; 32]];

    // The service keeps one Chain in memory, opened from the store.
    let store = Arc::new(Store::default());
    let chain = Arc::new(RwLock::new(Chain::open(
        key.public_key().clone(),
        store.text().as_bytes(),
    )?));

    // Two handlers commit at the same moment. Each makes its record on the
    // head it saw, then appends; the one that comes second finds the head
    // moved (a typed StaleHead error), makes its record again on the new
    // head, and appends. Nothing forks, nothing is lost.
    let barrier = Arc::new(Barrier::new(2));
    std::thread::scope(|s| {
        for (i, t) in tasks.iter().enumerate() {
            let (chain, store, barrier, key) =
                (chain.clone(), store.clone(), barrier.clone(), &key);
            let salt = &salts[i];
            s.spawn(move || -> Result<(), String> {
                let mut first = true;
                loop {
                    let pending = {
                        let c = chain.read().map_err(|e| e.to_string())?;
                        c.commit(
                            key,
                            &Commit {
                                task: t,
                                registers,
                                conflict_salt: salt,
                                randomness: RandomnessPlan::Local {},
                                created_at: at("2024-06-01T08:00:00Z"),
                            },
                        )
                        .map_err(|e| e.to_string())?
                    };
                    if first {
                        barrier.wait();
                        first = false;
                    }
                    let mut c = chain.write().map_err(|e| e.to_string())?;
                    let (sequence, line) = (pending.sequence(), pending.line());
                    match c.push(pending) {
                        Ok(id) => {
                            store.insert(sequence, line)?;
                            println!("{}: committed at sequence {sequence}, record {id}", t.id);
                            return Ok(());
                        }
                        Err(ChainError::StaleHead { made_on, head }) => {
                            println!(
                                "{}: stale head (made on {made_on:.12}, now {head:.12}); again",
                                t.id
                            );
                        }
                        Err(e) => return Err(e.to_string()),
                    }
                }
            });
        }
    });

    // Draw T-1 with its randomness (a TEST value standing for a drand round).
    let mut c = chain.write().map_err(|e| e.to_string())?;
    let (commitment, _) = c.open_commitment_of("T-1").ok_or("T-1 is open")?;
    let pending = c.draw(
        &key,
        &Draw {
            commitment,
            randomness: RandomnessValue {
                value: b"381946".to_vec(),
                beacon_signature: None,
            },
            registers,
            conflict_salt: &salts[0],
            created_at: at("2024-06-03T02:00:00Z"),
            witnessing: Witnessing::Unwitnessed,
            library_version: env!("CARGO_PKG_VERSION"),
        },
    )?;
    store.insert(pending.sequence(), pending.line())?;
    let draw = c.push(pending)?;
    if let Some(d) = c.draw_record(&draw) {
        for ((class, e), team) in d.drawn_in_order().zip(&d.teams) {
            println!(
                "  {class} rank {} {} ← {}",
                e.rank.0,
                e.uscc,
                team.inspectors.join(", ")
            );
        }
    }

    // An auditor verifies what the store holds.
    let salt_list: Vec<(RecordId, Vec<u8>)> = c
        .records()
        .iter()
        .filter_map(|(id, r)| match r {
            Record::Commitment(p) => {
                let i = usize::from(p.task.id == "T-2");
                Some((*id, salts[i].to_vec()))
            }
            _ => None,
        })
        .collect();
    let report = verify_chain_bytes(
        store.text().as_bytes(),
        key.public_key(),
        &VerifyOptions {
            registers: Some(registers),
            salts: &salt_list,
            ..VerifyOptions::level(Level::Full)
        },
    );
    println!("{report}");
    assert!(report.holds());
    Ok(())
}
