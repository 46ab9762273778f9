//! The verifier's findings for auditors: a wrong key named once
//! (`wrong-key`), register mismatches that name class counts and drawn
//! ranks, and a conflict-list salt told apart from a changed list where
//! that can be decided (`conflict-salt`).

use crate::calendar::{Timestamp, parse_date};
use crate::chain::{Chain, Commit, Draw};
use crate::records::{
    DrawPayload, IssuerKey, IssuerPublicKey, RandomnessPlan, RandomnessValue, Record, RecordId,
    Witnessing,
};
use crate::registers::{
    ConflictRegister, ConflictRow, EntityRegister, EntityRow, InspectorRegister, InspectorRow,
    Registers, ValidationOptions, uscc_check_character,
};
use crate::sampling::BasisPoints;
use crate::task::{Ratios, Task};
use crate::verify::{Finding, Level, Report, VerifyOptions, verify_chain_bytes};

const SALT_1: [u8; 32] = [1; 32];
const SALT_2: [u8; 32] = [2; 32];

fn code(n: u32) -> String {
    let first: [u8; 17] = format!("91140522MA{n:07}").as_bytes().try_into().unwrap();
    format!(
        "{}{}",
        std::str::from_utf8(&first).unwrap(),
        uscc_check_character(&first).unwrap()
    )
}

fn entity_rows() -> Vec<EntityRow> {
    (0..40u32)
        .map(|i| EntityRow {
            row: i as usize + 2,
            uscc: code(i),
            name: format!("单位{i}"),
            credit_class: ["A", "B", "C", "D"][(i % 4) as usize].into(),
            ..Default::default()
        })
        .collect()
}

fn entities(rows: Vec<EntityRow>) -> EntityRegister {
    EntityRegister::from_rows(rows, &ValidationOptions::default()).register
}

fn inspector_rows() -> Vec<InspectorRow> {
    (0..6)
        .map(|i| InspectorRow {
            row: i + 2,
            id: format!("ZF{i:03}"),
            name: format!("检查员{i}"),
            department: "管理股".into(),
            cert_valid_from: "2023-01-01".into(),
            cert_valid_to: "2027-12-31".into(),
            ..Default::default()
        })
        .collect()
}

fn inspectors(rows: Vec<InspectorRow>) -> InspectorRegister {
    InspectorRegister::from_rows(rows, &ValidationOptions::default()).register
}

fn conflict_rows() -> Vec<ConflictRow> {
    [(0u32, 3u32), (2, 11)]
        .into_iter()
        .enumerate()
        .map(|(i, (who, e))| ConflictRow {
            row: i + 2,
            inspector_id: format!("ZF{who:03}"),
            uscc: code(e),
            reason: "亲属关系".into(),
        })
        .collect()
}

fn conflicts(rows: Vec<ConflictRow>) -> ConflictRegister {
    ConflictRegister::from_rows(rows, None, None, &ValidationOptions::default()).register
}

fn issuer() -> IssuerKey {
    IssuerKey::from_secret_bytes("阳城县水务局 (TEST ONLY)", &[7; 32]).unwrap()
}

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
        crate::assignment::TeamRules::new(2, "管理股"),
        parse_date("2024-06-03").unwrap(),
    )
    .unwrap()
}

/// A chain of two tasks, each committed with its own salt and drawn:
/// commitment, commitment, draw, draw.
struct Session {
    key: IssuerKey,
    text: String,
    commitments: [RecordId; 2],
    draws: [RecordId; 2],
}

fn session_with(conflict_list: ConflictRegister) -> Session {
    let key = issuer();
    let (e, i) = (entities(entity_rows()), inspectors(inspector_rows()));
    let regs = Registers {
        entities: &e,
        inspectors: &i,
        conflicts: &conflict_list,
        items: None,
    };
    let tasks = [task("T-1"), task("T-2")];
    let salts = [SALT_1, SALT_2];
    let mut chain = Chain::new(key.public_key().clone());
    let mut lines = Vec::new();
    let mut commitments = Vec::new();
    for (n, (t, salt)) in tasks.iter().zip(&salts).enumerate() {
        let p = chain
            .commit(
                &key,
                &Commit {
                    task: t,
                    registers: regs,
                    conflict_salt: salt,
                    randomness: RandomnessPlan::Ceremony {
                        procedure: "six rolls of a ten-sided die (TEST ONLY)".into(),
                        scheduled_at: at("2024-06-02T02:00:00Z"),
                        witnesses: vec!["纪检组".into()],
                    },
                    created_at: at(&format!("2024-06-01T08:0{n}:00Z")),
                },
            )
            .unwrap();
        lines.push(p.line());
        commitments.push(chain.push(p).unwrap());
    }
    let mut draws = Vec::new();
    for (n, (c, salt)) in commitments.iter().zip(&salts).enumerate() {
        let p = chain
            .draw(
                &key,
                &Draw {
                    commitment: *c,
                    randomness: RandomnessValue {
                        value: format!("38194{n}").into_bytes(),
                        beacon_signature: None,
                    },
                    registers: regs,
                    conflict_salt: salt,
                    created_at: at(&format!("2024-06-02T02:0{n}:00Z")),
                    witnessing: Witnessing::Witnessed,
                    library_version: "test",
                },
            )
            .unwrap();
        lines.push(p.line());
        draws.push(chain.push(p).unwrap());
    }
    Session {
        key,
        text: lines.join("\n"),
        commitments: [commitments[0], commitments[1]],
        draws: [draws[0], draws[1]],
    }
}

fn session() -> Session {
    session_with(conflicts(conflict_rows()))
}

impl Session {
    fn draw(&self, n: usize) -> DrawPayload {
        let chain = Chain::open(self.key.public_key().clone(), self.text.as_bytes()).unwrap();
        chain.draw_record(&self.draws[n]).unwrap().clone()
    }

    fn verify_with(
        &self,
        e: &EntityRegister,
        i: &InspectorRegister,
        c: &ConflictRegister,
        salts: &[(RecordId, Vec<u8>)],
        salt: &[u8],
    ) -> Report {
        let options = VerifyOptions {
            registers: Some(Registers {
                entities: e,
                inspectors: i,
                conflicts: c,
                items: None,
            }),
            salts,
            conflict_salt: salt,
            ..VerifyOptions::level(Level::Full)
        };
        verify_chain_bytes(self.text.as_bytes(), self.key.public_key(), &options)
    }

    fn own_salts(&self) -> Vec<(RecordId, Vec<u8>)> {
        vec![
            (self.commitments[0], SALT_1.to_vec()),
            (self.commitments[1], SALT_2.to_vec()),
        ]
    }
}

fn errors(r: &Report) -> Vec<(&'static str, String)> {
    r.errors().map(|f| (f.check, f.message.clone())).collect()
}

#[test]
fn the_session_verifies_with_its_own_salts() {
    let s = session();
    let r = s.verify_with(
        &entities(entity_rows()),
        &inspectors(inspector_rows()),
        &conflicts(conflict_rows()),
        &s.own_salts(),
        &[],
    );
    assert!(r.holds(), "{r}");
    assert_eq!(r.draws_checked_with_registers, 2);
    assert!(r.wrong_key.is_none());
}

#[test]
fn a_wrong_key_is_one_finding_naming_both_keys() {
    let s = session();
    let other = IssuerKey::from_secret_bytes("别的局 (TEST ONLY)", &[8; 32]).unwrap();
    // A line that is no envelope comes before: the wrong key still leads.
    let text = format!("not an envelope\n{}", s.text);
    let r = verify_chain_bytes(
        text.as_bytes(),
        other.public_key(),
        &VerifyOptions::level(Level::Replay),
    );
    assert!(!r.holds());
    let first = &r.findings[0];
    assert_eq!(first.check, "wrong-key", "{r}");
    assert!(first.message.contains(s.key.key_id()), "{}", first.message);
    assert!(first.message.contains("阳城县水务局 (TEST ONLY)"));
    assert!(first.message.contains(other.fingerprint()));
    assert!(first.message.contains("all 4 record(s)"));
    // Folded: no per-line `record` finding repeats it.
    assert!(r.findings.iter().all(|f| f.check != "record"), "{r}");
    assert!(r.findings.iter().any(|f| f.check == "envelope"));
    let w = r.wrong_key.as_ref().unwrap();
    assert_eq!(w.stated_key_id, s.key.key_id());
    assert_eq!(w.stated_issuer, "阳城县水务局 (TEST ONLY)");
    assert_eq!(w.given_key_id, other.key_id());
    assert_eq!(w.lines, vec![2, 3, 4, 5]);
    // The plain-text report says it on its first line.
    assert!(r.to_string().starts_with("error [wrong-key]"), "{r}");
}

#[test]
fn a_key_file_with_another_issuer_name_is_named() {
    let s = session();
    let renamed =
        IssuerPublicKey::from_bytes("阳城县水利局", &s.key.public_key().to_bytes()).unwrap();
    let r = verify_chain_bytes(
        s.text.as_bytes(),
        &renamed,
        &VerifyOptions::level(Level::Chain),
    );
    assert_eq!(r.findings[0].check, "wrong-key", "{r}");
    assert!(
        r.findings[0]
            .message
            .contains("names issuer \"阳城县水利局\"")
    );
    assert_eq!(r.errors().count(), 1, "{r}");
}

#[test]
fn a_foreign_record_on_the_chain_keeps_its_own_finding() {
    let s = session();
    let other = IssuerKey::from_secret_bytes("别的局 (TEST ONLY)", &[8; 32]).unwrap();
    // One record of another issuer's chain appended to this one.
    let chain = Chain::new(other.public_key().clone());
    let t = task("X-1");
    let (e, i, c) = (
        entities(entity_rows()),
        inspectors(inspector_rows()),
        conflicts(conflict_rows()),
    );
    let p = chain
        .commit(
            &other,
            &Commit {
                task: &t,
                registers: Registers {
                    entities: &e,
                    inspectors: &i,
                    conflicts: &c,
                    items: None,
                },
                conflict_salt: &SALT_1,
                randomness: RandomnessPlan::Local {},
                created_at: at("2024-06-03T00:00:00Z"),
            },
        )
        .unwrap();
    let text = format!("{}\n{}", s.text, p.line());
    let r = verify_chain_bytes(
        text.as_bytes(),
        s.key.public_key(),
        &VerifyOptions::level(Level::Replay),
    );
    assert!(r.wrong_key.is_none());
    let record: Vec<_> = r.findings.iter().filter(|f| f.check == "record").collect();
    assert_eq!(record.len(), 1, "{r}");
    assert_eq!(record[0].line, Some(5));
    assert!(
        record[0]
            .message
            .contains(&format!("the record states key {}", other.key_id())),
        "{}",
        record[0].message
    );
}

/// A drawn entity of class `class` in draw 0, and its rank.
fn drawn_in(s: &Session, class: &str) -> (String, u64) {
    let d = s.draw(0);
    d.drawn_in_order()
        .find(|(c, _)| c.to_string() == class)
        .map(|(_, x)| (x.uscc.to_string(), x.rank.0))
        .unwrap()
}

#[test]
fn an_entity_moved_to_another_class_names_the_counts_and_the_drawn_rank() {
    let s = session();
    let (uscc, rank) = drawn_in(&s, "C");
    let mut rows = entity_rows();
    rows.iter_mut()
        .find(|r| r.uscc == uscc)
        .unwrap()
        .credit_class = "D".into();
    let r = s.verify_with(
        &entities(rows),
        &inspectors(inspector_rows()),
        &conflicts(conflict_rows()),
        &s.own_salts(),
        &[],
    );
    let e = errors(&r);
    let (check, m) = &e[0];
    assert_eq!(*check, "register-root", "{r}");
    assert!(
        m.contains("Class counts differ: class C committed 10, this file 9; class D committed 10, this file 11"),
        "{m}"
    );
    assert!(
        m.contains(&format!("class C rank {rank}: the draw names {uscc}")),
        "{m}"
    );
    assert!(m.contains(&format!("{uscc} is at class D rank")), "{m}");
    // Said for the auditor: nothing about drawing again.
    assert!(!m.contains("draw with the registers"), "{m}");
}

#[test]
fn a_changed_row_that_was_not_drawn_is_said_to_be_so() {
    let s = session();
    let d0 = s.draw(0);
    let d1 = s.draw(1);
    let drawn: Vec<String> = d0
        .drawn_in_order()
        .chain(d1.drawn_in_order())
        .map(|(_, x)| x.uscc.to_string())
        .collect();
    let mut rows = entity_rows();
    let row = rows.iter_mut().find(|r| !drawn.contains(&r.uscc)).unwrap();
    row.name = "改过的名称".into();
    let r = s.verify_with(
        &entities(rows),
        &inspectors(inspector_rows()),
        &conflicts(conflict_rows()),
        &s.own_salts(),
        &[],
    );
    let e = errors(&r);
    assert_eq!(e.len(), 2, "{r}");
    for (check, m) in e {
        assert_eq!(check, "register-root");
        assert!(
            m.contains("Every class count agrees (A 10, B 10, C 10, D 10)"),
            "{m}"
        );
        assert!(m.contains("still holds the entity the draw names"), "{m}");
    }
}

#[test]
fn a_team_member_missing_from_the_inspectors_is_named() {
    let s = session();
    let d = s.draw(0);
    let gone = d.teams[0].inspectors[0].clone();
    let rows: Vec<_> = inspector_rows()
        .into_iter()
        .filter(|r| r.id != gone)
        .collect();
    let r = s.verify_with(
        &entities(entity_rows()),
        &inspectors(rows),
        &conflicts(conflict_rows()),
        &s.own_salts(),
        &[],
    );
    let (check, m) = &errors(&r)[0];
    assert_eq!(*check, "register-root");
    assert!(m.contains("of 6 officers"), "{m}");
    assert!(m.contains("this file"), "{m}");
    assert!(m.contains(&format!("not in the file: {gone}")), "{m}");
}

#[test]
fn one_salt_for_every_commitment_is_named_as_the_other_commitments_salt() {
    let s = session();
    let r = s.verify_with(
        &entities(entity_rows()),
        &inspectors(inspector_rows()),
        &conflicts(conflict_rows()),
        &[],
        &SALT_1,
    );
    let e = errors(&r);
    assert_eq!(e.len(), 1, "{r}");
    let (check, m) = &e[0];
    assert_eq!(*check, "conflict-salt");
    assert!(
        m.contains(&format!("is that of commitment {}", s.commitments[0])),
        "{m}"
    );
    assert!(m.contains("(sequence 0)"), "{m}");
    let f = r.errors().next().unwrap();
    assert_eq!(f.record.as_deref(), Some(s.draws[1].to_string().as_str()));
}

#[test]
fn a_salt_file_without_the_commitment_is_a_missing_salt() {
    let s = session();
    let salts = vec![(s.commitments[0], SALT_1.to_vec())];
    let r = s.verify_with(
        &entities(entity_rows()),
        &inspectors(inspector_rows()),
        &conflicts(conflict_rows()),
        &salts,
        &[],
    );
    let e = errors(&r);
    assert_eq!(e.len(), 1, "{r}");
    assert_eq!(e[0].0, "conflict-salt");
    assert!(
        e[0].1.contains("the salts given have no entry for it"),
        "{}",
        e[0].1
    );
}

#[test]
fn a_list_with_a_row_less_is_the_list_not_the_salt() {
    let s = session();
    let mut rows = conflict_rows();
    rows.pop();
    let r = s.verify_with(
        &entities(entity_rows()),
        &inspectors(inspector_rows()),
        &conflicts(rows),
        &s.own_salts(),
        &[],
    );
    for (check, m) in errors(&r) {
        assert_eq!(check, "register-root");
        assert!(
            m.contains("the commitment binds 2 declared conflict(s), the file holds 1: the conflict list differs"),
            "{m}"
        );
    }
    // A changed reason keeps the count: the list or the salt, said plainly.
    let mut rows = conflict_rows();
    rows[0].reason = "同学关系".into();
    let r = s.verify_with(
        &entities(entity_rows()),
        &inspectors(inspector_rows()),
        &conflicts(rows),
        &s.own_salts(),
        &[],
    );
    let (check, m) = &errors(&r)[0];
    assert_eq!(*check, "register-root");
    assert!(m.contains("either the list differs from the one committed, or the salt given for this commitment is not the one it was committed with"), "{m}");
}

#[test]
fn an_empty_committed_list_is_never_the_salts_fault() {
    let s = session_with(ConflictRegister::default());
    let r = s.verify_with(
        &entities(entity_rows()),
        &inspectors(inspector_rows()),
        &conflicts(conflict_rows()),
        &[],
        &SALT_1,
    );
    let e = errors(&r);
    assert_eq!(e.len(), 2, "{r}");
    for (check, m) in e {
        assert_eq!(check, "register-root");
        assert!(
            m.contains("binds an empty conflict list, the file holds 2"),
            "{m}"
        );
    }
}

#[test]
fn salts_of_commitments_not_on_the_chain_are_a_warning() {
    let s = session();
    let mut salts = s.own_salts();
    salts.push((RecordId::from([9; 32]), SALT_1.to_vec()));
    let r = s.verify_with(
        &entities(entity_rows()),
        &inspectors(inspector_rows()),
        &conflicts(conflict_rows()),
        &salts,
        &[],
    );
    assert!(r.holds(), "{r}");
    let w: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.check == "conflict-salt")
        .collect();
    assert_eq!(w.len(), 1, "{r}");
    assert!(
        w[0].message
            .contains("1 salt(s) given name no commitment of this chain")
    );
}

#[test]
fn records_of_the_session_are_what_the_tests_assume() {
    let s = session();
    let chain = Chain::open(s.key.public_key().clone(), s.text.as_bytes()).unwrap();
    let kinds: Vec<&str> = chain.records().iter().map(|(_, r)| r.kind()).collect();
    assert_eq!(kinds, ["commitment", "commitment", "draw", "draw"]);
    assert!(matches!(chain.records()[2].1, Record::Draw(_)));
}

/// Whether a text holds a CJK ideograph (the Chinese of a message, not
/// only its values).
fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn every_finding_has_a_chinese_message_that_json_leaves_out() {
    use crate::verify::{RandomnessPolicy, apply_randomness_policy, read_chain};
    let s = session();
    let other = IssuerKey::from_secret_bytes("别的局 (TEST ONLY)", &[8; 32]).unwrap();
    // A record of another issuer, a line that is no envelope and a copy of
    // the first record: `record`, `envelope` and `duplicate`.
    let foreign = Chain::new(other.public_key().clone())
        .commit(
            &other,
            &Commit {
                task: &task("X-1"),
                registers: Registers {
                    entities: &entities(entity_rows()),
                    inspectors: &inspectors(inspector_rows()),
                    conflicts: &conflicts(conflict_rows()),
                    items: None,
                },
                conflict_salt: &SALT_1,
                randomness: RandomnessPlan::Local {},
                created_at: at("2024-06-03T00:00:00Z"),
            },
        )
        .unwrap()
        .line();
    let first = s.text.lines().next().unwrap();
    let text = format!("not an envelope\n{}\n{foreign}\n{first}", s.text);
    // An entity moved to another class (draw 0: `register-root`) and no
    // salt for the second commitment (draw 1: `conflict-salt`).
    let (uscc, _) = drawn_in(&s, "C");
    let mut rows = entity_rows();
    rows.iter_mut()
        .find(|r| r.uscc == uscc)
        .unwrap()
        .credit_class = "D".into();
    let (e, i, c) = (
        entities(rows),
        inspectors(inspector_rows()),
        conflicts(conflict_rows()),
    );
    let salts = vec![(s.commitments[0], SALT_1.to_vec())];
    let options = VerifyOptions {
        registers: Some(Registers {
            entities: &e,
            inspectors: &i,
            conflicts: &c,
            items: None,
        }),
        salts: &salts,
        ..VerifyOptions::level(Level::Full)
    };
    let mut full = verify_chain_bytes(text.as_bytes(), s.key.public_key(), &options);
    // The strict policy turns the ceremony warnings into errors and asks
    // for witness evidence (`randomness-policy`).
    apply_randomness_policy(&mut full, RandomnessPolicy::WitnessedDrand);
    let replay = verify_chain_bytes(
        text.as_bytes(),
        s.key.public_key(),
        &VerifyOptions::level(Level::Replay),
    );
    let wrong = verify_chain_bytes(
        s.text.as_bytes(),
        other.public_key(),
        &VerifyOptions::level(Level::Chain),
    );
    // The chain's records read as a results ledger: every line is rejected
    // (`record`) and every drawn entity lacks a result (`missing-result`).
    let (lines, _) = read_chain(s.text.as_bytes());
    let calendar = crate::calendar::WorkingCalendar::china().unwrap();
    let (ledger, _) = crate::ledger::verify_ledger(
        &lines,
        s.key.public_key(),
        &crate::ledger::DrawIndex::from_chain(&lines, s.key.public_key()),
        &crate::ledger::LedgerOptions {
            approvals: crate::ledger::Approvals::NotChecked,
            calendar: &calendar,
            witnesses: None,
        },
    );

    let findings: Vec<&Finding> = [&full, &replay, &wrong]
        .into_iter()
        .flat_map(|r| &r.findings)
        .chain(&ledger.findings)
        .collect();
    let checks: std::collections::BTreeSet<&str> = findings.iter().map(|f| f.check).collect();
    for check in [
        "envelope",
        "record",
        "duplicate",
        "ceremony-randomness",
        "beacon",
        "register-root",
        "conflict-salt",
        "witnesses",
        "randomness-policy",
        "level",
        "wrong-key",
        "missing-result",
    ] {
        assert!(checks.contains(check), "no {check} finding: {checks:?}");
    }
    for f in &findings {
        let zh = f.message_zh.as_deref().unwrap_or_else(|| panic!("{f}"));
        assert!(has_chinese(zh), "[{}] {zh}", f.check);
        assert_eq!(f.message_in_chinese(), zh);
    }
    // The policy's words reach both languages.
    let policy = full
        .findings
        .iter()
        .find(|f| f.check == "ceremony-randomness")
        .unwrap();
    assert!(
        policy
            .message
            .ends_with("(an error under the witnessed-drand policy)")
    );
    assert!(
        policy
            .message_in_chinese()
            .ends_with("（在 witnessed-drand 策略下为错误）")
    );
    // Machine output carries the English message only.
    for json in [
        serde_json::to_string(&full).unwrap(),
        serde_json::to_string(&wrong).unwrap(),
        serde_json::to_string(&ledger).unwrap(),
    ] {
        assert!(json.contains("\"message\":"), "{json}");
        assert!(!json.contains("message_zh"), "{json}");
    }
    // Where none was written, readers show the English.
    let plain = Finding {
        message_zh: None,
        ..full.findings[0].clone()
    };
    assert_eq!(plain.message_in_chinese(), plain.message);
}

/// A draw re-signed by the issuer with a team changed (members in another
/// order, or two teams' members swapped) is not the one the seed assigns:
/// the replay, compared team by team, says so and nothing else does.
#[test]
fn a_re_signed_draw_with_a_changed_team_is_named() {
    let s = session();
    let (e, i, c) = (
        entities(entity_rows()),
        inspectors(inspector_rows()),
        conflicts(conflict_rows()),
    );
    let changes: [fn(&mut DrawPayload); 2] = [
        |d| d.teams[0].inspectors.reverse(),
        |d| {
            let first = d.teams[0].inspectors.clone();
            d.teams[0].inspectors = d.teams[1].inspectors.clone();
            d.teams[1].inspectors = first;
        },
    ];
    for change in changes {
        let mut d = s.draw(1);
        assert_ne!(d.teams[0].inspectors, d.teams[1].inspectors);
        change(&mut d);
        let line = Record::Draw(d).sign(&s.key).unwrap().to_json();
        let mut lines: Vec<&str> = s.text.lines().collect();
        lines[3] = &line;
        let forged = Session {
            text: lines.join("\n"),
            key: issuer(),
            ..s
        };
        let r = forged.verify_with(&e, &i, &c, &forged.own_salts(), &[]);
        let e = errors(&r);
        assert_eq!(e.len(), 1, "{r}");
        assert_eq!(e[0].0, "teams");
        assert!(
            e[0].1.contains("not the ones the seed assigns"),
            "{}",
            e[0].1
        );
    }
}
