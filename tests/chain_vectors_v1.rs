//! The chain vectors of format version 1 (`tests/vectors/chain/`), frozen:
//! version-1 chains keep verifying, and every attack on them keeps failing
//! with its named check. The generator that made them was retired with the
//! version; these files are never rewritten.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use double_random::{
    records::{Envelope, IssuerPublicKey, Record},
    registers::{
        ConflictRegister, ConflictRow, EntityRegister, EntityRow, InspectorRegister, InspectorRow,
        Registers, ValidationOptions,
    },
    verify::{Level, VerifyOptions, verify_chain_bytes},
};
use serde_json::Value;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/chain")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(dir().join(rel)).unwrap()
}

fn key() -> IssuerPublicKey {
    IssuerPublicKey::from_text(&read("issuer.pub")).unwrap()
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

fn registers(entities_file: &str) -> Regs {
    let opts = ValidationOptions::default();
    let entities = EntityRegister::from_rows(
        rows(&read(entities_file))
            .into_iter()
            .map(|(row, v)| EntityRow {
                row,
                uscc: v[0].clone(),
                name: v[1].clone(),
                credit_class: v[2].clone(),
                region: v[3].clone(),
                industry: v[4].clone(),
                ..Default::default()
            }),
        &opts,
    );
    let inspectors = InspectorRegister::from_rows(
        rows(&read("registers/inspectors.csv"))
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
        rows(&read("registers/conflicts.csv"))
            .into_iter()
            .map(|(row, v)| ConflictRow {
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

fn salt() -> Vec<u8> {
    let hex = read("registers/conflict-salt.hex");
    let hex = hex.trim();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

fn cases() -> Vec<Value> {
    let doc: Value = serde_json::from_str(&read("cases.json")).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

#[test]
fn every_version_1_case_keeps_its_verdict() {
    let key = key();
    let salt = salt();
    let cases = cases();
    assert_eq!(cases.len(), 26);
    for case in cases {
        let name = case["case"].as_str().unwrap();
        let chain = read(case["chain"].as_str().unwrap());
        let regs = case["registers"]
            .get("entities")
            .map(|e| registers(e.as_str().unwrap()));
        let view = regs.as_ref().map(|r| Registers {
            entities: &r.entities,
            inspectors: &r.inspectors,
            conflicts: &r.conflicts,
            items: None,
        });
        let report = verify_chain_bytes(
            chain.as_bytes(),
            &key,
            &VerifyOptions {
                level: if view.is_some() {
                    Level::Full
                } else {
                    Level::Replay
                },
                registers: view,
                only_draw: None,
                salts: &[],
                conflict_salt: &salt,
                witnesses: None,
            },
        );
        let checks: BTreeSet<&str> = report.errors().map(|f| f.check).collect();
        let expected: BTreeSet<&str> = case["failing_checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        let holds = case["verdict"] == "holds";
        assert_eq!(report.holds(), holds, "{name}: {:#?}", report.findings);
        assert!(
            expected.is_subset(&checks),
            "{name}: expected {expected:?}, got {checks:?}"
        );
    }
}

#[test]
fn any_single_byte_change_to_a_version_1_record_is_detected() {
    let key = key();
    let text = read("valid-with-cancellation.jsonl");
    let bytes = text.as_bytes();
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
}

/// Every object member path of a JSON value.
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
fn every_member_of_every_version_1_record_kind_is_required() {
    let mut kinds = BTreeSet::new();
    let mut checked = 0;
    for line in read("valid-with-cancellation.jsonl").lines() {
        let env = Envelope::from_json(line.as_bytes()).unwrap();
        let ty = env.payload_type().to_owned();
        assert!(ty.ends_with(".v1+json"), "{ty}");
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
    assert_eq!(kinds.len(), 3, "commitment, draw and cancellation");
    assert!(checked > 40);
}

#[test]
fn version_1_records_decode_and_encode_byte_for_byte() {
    // The version-1 wire form is kept exactly: decoding a record and writing
    // it again as version 1 gives the signed bytes back.
    for line in read("valid-with-cancellation.jsonl").lines() {
        let env = Envelope::from_json(line.as_bytes()).unwrap();
        let record = Record::decode(env.payload_type(), env.unverified_payload()).unwrap();
        assert_eq!(record.payload_type(), env.payload_type());
        assert_eq!(record.to_payload().unwrap(), env.unverified_payload());
    }
}
