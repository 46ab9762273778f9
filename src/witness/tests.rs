//! Unit and property tests of the witness statements, state machine and
//! evidence index.

use proptest::prelude::*;

use super::*;
use crate::calendar::Timestamp;
use crate::records::{ChainLink, Envelope, IssuerKey, IssuerPublicKey, RecordId, sign};

const TEST_TYPE: &str = "application/vnd.double-random.test.v2+json";

fn key(name: &str, first: u8) -> IssuerKey {
    let seed: [u8; 32] = core::array::from_fn(|i| first.wrapping_add(i as u8));
    IssuerKey::from_secret_bytes(name, &seed).unwrap()
}

fn issuer() -> IssuerKey {
    key("阳城县水务局 (TEST ONLY)", 1)
}

fn witness() -> IssuerKey {
    key("阳城县纪委监委 (TEST ONLY)", 0x41)
}

fn t(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

fn at(minutes: i64) -> Timestamp {
    Timestamp::from_unix(1_717_200_000 + minutes * 60).unwrap()
}

/// A record at `sequence` after `previous`, made at `at(sequence)`.
fn record(key: &IssuerKey, sequence: u64, previous: Option<RecordId>, note: &str) -> Envelope {
    record_at(key, sequence, previous, at(sequence as i64), note)
}

fn record_at(
    key: &IssuerKey,
    sequence: u64,
    previous: Option<RecordId>,
    created_at: Timestamp,
    note: &str,
) -> Envelope {
    let link = ChainLink {
        issuer: key.issuer().into(),
        key_id: key.key_id().into(),
        sequence,
        previous,
        created_at,
    };
    let payload = serde_json::json!({"chain": link, "note": note}).to_string();
    sign(TEST_TYPE, payload.as_bytes(), key)
}

fn chain(key: &IssuerKey, n: u64, note: &str) -> Vec<Envelope> {
    let mut out: Vec<Envelope> = Vec::new();
    for s in 0..n {
        let prev = out.last().map(Envelope::record_id);
        out.push(record(key, s, prev, note));
    }
    out
}

fn head_of(records: &[Envelope], i: usize) -> Head {
    Head {
        sequence: i as u64,
        record: records[i].record_id(),
    }
}

fn request(key: &IssuerPublicKey, old: Option<Head>, records: &[Envelope]) -> CheckpointRequest {
    CheckpointRequest {
        issuer: key.clone(),
        kind: LogKind::Receipts,
        old,
        records: records.to_vec(),
        key_change: None,
    }
}

fn run(
    held: Option<&LogState>,
    known: Option<&IssuerPublicKey>,
    req: &CheckpointRequest,
    now: Timestamp,
) -> Result<Accepted, Refusal> {
    add_checkpoint(held, known, req, &witness(), now, &Limits::default())
}

/// Cosigns `records[..n]` from nothing and returns the state.
fn first(records: &[Envelope], n: usize, now: Timestamp) -> Accepted {
    let i = issuer();
    run(
        None,
        None,
        &request(i.public_key(), None, &records[..n]),
        now,
    )
    .unwrap()
}

#[test]
fn an_honest_chain_is_cosigned_then_extended() {
    let i = issuer();
    let records = chain(&i, 5, "a");
    let a = first(&records, 3, at(100));
    assert_eq!(a.state.head, head_of(&records, 2));
    assert_eq!(a.state.head_created_at, at(2));
    assert_eq!(a.state.cosigned_at, at(100));
    assert!(!a.key_changed);
    let c = Cosignature::open(&a.cosignature, witness().public_key()).unwrap();
    assert_eq!(c.statement(), &a.statement);
    assert_eq!(
        a.statement.log,
        LogId::of(i.public_key(), LogKind::Receipts)
    );
    assert_eq!(a.statement.time, at(100));

    let req = request(i.public_key(), Some(a.state.head), &records[3..]);
    let b = run(Some(&a.state), Some(i.public_key()), &req, at(101)).unwrap();
    assert_eq!(b.state.head, head_of(&records, 4));
    assert_eq!(b.statement.head, head_of(&records, 4));
}

#[test]
fn no_records_with_the_right_old_head_cosigns_the_same_head_again() {
    let i = issuer();
    let records = chain(&i, 2, "a");
    let a = first(&records, 2, at(100));
    let req = request(i.public_key(), Some(a.state.head), &[]);
    let b = run(Some(&a.state), Some(i.public_key()), &req, at(200)).unwrap();
    assert_eq!(b.state.head, a.state.head);
    assert_eq!(b.statement.time, at(200));
    assert_eq!(b.state.head_created_at, a.state.head_created_at);
    // Nothing held and nothing sent: nothing to cosign.
    let req = request(i.public_key(), None, &[]);
    assert_eq!(run(None, None, &req, at(1)), Err(Refusal::Empty));
}

#[test]
fn a_wrong_old_head_is_a_conflict_naming_the_held_head() {
    let i = issuer();
    let records = chain(&i, 4, "a");
    let a = first(&records, 2, at(100));
    let held = Some(a.state.head);
    // The requester thinks the witness never saw the log.
    let req = request(i.public_key(), None, &records);
    let r = run(Some(&a.state), Some(i.public_key()), &req, at(101)).unwrap_err();
    assert_eq!(r, Refusal::Conflict { held });
    assert_eq!(r.held(), held);
    assert_eq!(r.kind(), "conflict");
    // The requester names an older head.
    let req = request(i.public_key(), Some(head_of(&records, 0)), &records[1..]);
    let r = run(Some(&a.state), Some(i.public_key()), &req, at(101)).unwrap_err();
    assert_eq!(r, Refusal::Conflict { held });
    // The witness never saw the log, the requester names a head.
    let req = request(i.public_key(), held, &records[2..]);
    assert_eq!(
        run(None, None, &req, at(1)).unwrap_err(),
        Refusal::Conflict { held: None }
    );
}

#[test]
fn records_that_do_not_extend_the_held_head_are_a_fork() {
    let i = issuer();
    let records = chain(&i, 3, "a");
    let other = chain(&i, 3, "b");
    let a = first(&records, 2, at(100));
    let known = Some(i.public_key());
    // Another record at the held sequence.
    let req = request(i.public_key(), Some(a.state.head), &other[1..]);
    let r = run(Some(&a.state), known, &req, at(101)).unwrap_err();
    assert!(matches!(r, Refusal::Fork { found: 1, .. }), "{r:?}");
    assert_eq!(r.held(), Some(a.state.head));
    // The next sequence, but `previous` is another chain's record.
    let req = request(i.public_key(), Some(a.state.head), &other[2..]);
    let r = run(Some(&a.state), known, &req, at(101)).unwrap_err();
    assert!(matches!(r, Refusal::Fork { found: 2, .. }), "{r:?}");
}

#[test]
fn gaps_and_stale_records_are_refused() {
    let i = issuer();
    let records = chain(&i, 5, "a");
    let known = Some(i.public_key());
    let a = first(&records, 2, at(100));
    let req = request(i.public_key(), Some(a.state.head), &records[3..]);
    assert_eq!(
        run(Some(&a.state), known, &req, at(101)).unwrap_err(),
        Refusal::Gap {
            expected: 2,
            found: 3
        }
    );
    let req = request(i.public_key(), Some(a.state.head), &records[1..]);
    assert_eq!(
        run(Some(&a.state), known, &req, at(101)).unwrap_err(),
        Refusal::Stale {
            held: a.state.head,
            found: 1
        }
    );
    // The first time, the chain starts at 0.
    let req = request(i.public_key(), None, &records[1..]);
    assert_eq!(
        run(None, None, &req, at(1)).unwrap_err(),
        Refusal::Gap {
            expected: 0,
            found: 1
        }
    );
}

fn bad_record(records: &[Envelope]) -> (usize, RecordFault) {
    let i = issuer();
    match run(None, None, &request(i.public_key(), None, records), at(500)) {
        Err(Refusal::BadRecord { index, reason }) => (index, reason),
        other => panic!("{other:?}"),
    }
}

#[test]
fn each_bad_record_is_named_with_its_index_and_reason() {
    let i = issuer();
    let other = key("阳城县水务局 (TEST ONLY)", 0x61);
    let good = chain(&i, 2, "a");
    let r0 = good[0].record_id();

    let signed_by_other = record(&other, 1, Some(r0), "x");
    let (index, reason) = bad_record(&[good[0].clone(), signed_by_other]);
    assert_eq!((index, reason.kind()), (1, "no-signature-for-key"));

    let mut forged = record(&other, 1, Some(r0), "x").to_json();
    forged = forged.replace(other.key_id(), i.key_id());
    let forged = Envelope::from_json(forged.as_bytes()).unwrap();
    assert_eq!(
        bad_record(&[good[0].clone(), forged]).1.kind(),
        "bad-signature"
    );

    let renamed = key("别的局 (TEST ONLY)", 1);
    let wrong_name = record(&renamed, 1, Some(r0), "x");
    assert!(matches!(
        bad_record(&[good[0].clone(), wrong_name]),
        (1, RecordFault::Issuer { .. })
    ));

    let skip = record(&i, 2, Some(r0), "x");
    assert_eq!(
        bad_record(&[good[0].clone(), skip]),
        (
            1,
            RecordFault::Sequence {
                expected: 1,
                found: 2
            }
        )
    );
    let broken = record(&i, 1, Some(RecordId::from_bytes([9; 32])), "x");
    assert!(matches!(
        bad_record(&[good[0].clone(), broken]),
        (1, RecordFault::BrokenLink { .. })
    ));
    let not_first = record(&i, 0, Some(r0), "x");
    assert!(matches!(
        bad_record(&[not_first]),
        (0, RecordFault::BrokenLink { expected: None, .. })
    ));
    let early = record_at(&i, 1, Some(r0), t("2000-01-01T00:00:00Z"), "x");
    assert!(matches!(
        bad_record(&[good[0].clone(), early]),
        (1, RecordFault::TimeBackwards { .. })
    ));

    let foreign = sign("application/json", b"{}", &i);
    assert!(matches!(
        bad_record(&[foreign]),
        (0, RecordFault::PayloadType { .. })
    ));
    for payload in [
        "{}",
        "[]",
        r#"{"chain":{"issuer":"x"}}"#,
        r#"{"note":1,"chain":null}"#,
        "{\"chain\":{}} x",
    ] {
        let e = sign(TEST_TYPE, payload.as_bytes(), &i);
        assert!(
            matches!(bad_record(&[e]), (0, RecordFault::Link { .. })),
            "{payload}"
        );
    }
    // A repeated `chain` member, even with one valid copy.
    let link = serde_json::to_string(&ChainLink {
        issuer: i.issuer().into(),
        key_id: i.key_id().into(),
        sequence: 0,
        previous: None,
        created_at: at(0),
    })
    .unwrap();
    let twice = sign(
        TEST_TYPE,
        format!("{{\"chain\":{link},\"chain\":{link}}}").as_bytes(),
        &i,
    );
    assert!(matches!(
        bad_record(&[twice]),
        (0, RecordFault::Link { .. })
    ));
    // Members other than `chain` are the verifier's business.
    let extra = sign(
        TEST_TYPE,
        format!("{{\"anything\":[1,{{\"a\":null}}],\"chain\":{link}}}").as_bytes(),
        &i,
    );
    assert!(run(None, None, &request(i.public_key(), None, &[extra]), at(1)).is_ok());
}

#[test]
fn the_witness_clock_must_not_go_back() {
    let i = issuer();
    let records = chain(&i, 2, "a");
    let a = first(&records, 1, at(100));
    let req = request(i.public_key(), Some(a.state.head), &records[1..]);
    assert_eq!(
        run(Some(&a.state), Some(i.public_key()), &req, at(99)).unwrap_err(),
        Refusal::TimeBackwards {
            last: at(100),
            now: at(99)
        }
    );
    // The same second is fine.
    assert!(run(Some(&a.state), Some(i.public_key()), &req, at(100)).is_ok());
}

#[test]
fn a_second_key_for_a_known_name_needs_a_key_change_by_both_keys() {
    let old = issuer();
    let new = key(old.issuer(), 0x81);
    let records = chain(&new, 2, "n");
    let mut req = request(new.public_key(), None, &records);
    let r = run(None, Some(old.public_key()), &req, at(100)).unwrap_err();
    assert!(matches!(r, Refusal::UnknownKey { .. }), "{r:?}");
    assert_eq!(r.kind(), "unknown-key");

    let change = KeyChange::new(old.public_key(), new.public_key(), at(90)).unwrap();
    // Signed by the old key only.
    let mut only_old = sign(KEY_CHANGE_TYPE, &change.to_payload(), &old);
    req.key_change = Some(only_old.clone());
    let r = run(None, Some(old.public_key()), &req, at(100)).unwrap_err();
    assert!(
        matches!(
            &r,
            Refusal::KeyChange(KeyChangeError::Signature { which: "new", .. })
        ),
        "{r:?}"
    );
    // Signed by both: accepted, and the name moves to the new key.
    only_old.add_signature(&new);
    req.key_change = Some(only_old);
    let a = run(None, Some(old.public_key()), &req, at(100)).unwrap();
    assert!(a.key_changed);
    assert_eq!(a.issuer_key, *new.public_key());
    // Then the old key is the unknown one.
    let old_records = chain(&old, 1, "o");
    let req = request(old.public_key(), None, &old_records);
    assert!(matches!(
        run(None, Some(new.public_key()), &req, at(101)),
        Err(Refusal::UnknownKey { .. })
    ));

    // A change from a key the witness does not know does not apply.
    let third = key(old.issuer(), 0x91);
    let stray = KeyChange::new(third.public_key(), new.public_key(), at(90))
        .unwrap()
        .sign(&third, &new);
    let mut req = request(new.public_key(), None, &records);
    req.key_change = Some(stray);
    assert!(matches!(
        run(None, Some(old.public_key()), &req, at(100)),
        Err(Refusal::KeyChangeNotApplicable { .. })
    ));
    // A change to another key than the request's does not apply either.
    let elsewhere = KeyChange::new(old.public_key(), third.public_key(), at(90))
        .unwrap()
        .sign(&old, &third);
    req.key_change = Some(elsewhere);
    assert!(matches!(
        run(None, Some(old.public_key()), &req, at(100)),
        Err(Refusal::KeyChangeNotApplicable { .. })
    ));
}

#[test]
fn key_changes_open_strictly() {
    let old = issuer();
    let new = key(old.issuer(), 0x81);
    let change = KeyChange::new(old.public_key(), new.public_key(), at(1)).unwrap();
    let env = change.sign(&old, &new);
    let opened = KeyChange::open(&env).unwrap();
    assert_eq!(opened.old, *old.public_key());
    assert_eq!(opened.new, *new.public_key());
    assert_eq!(
        KeyChange::new(old.public_key(), old.public_key(), at(1)),
        Err(KeyChangeError::SameKey)
    );
    let renamed = key("别的局", 0x81);
    assert!(matches!(
        KeyChange::new(old.public_key(), renamed.public_key(), at(1)),
        Err(KeyChangeError::IssuerMismatch { .. })
    ));
    let mut lying = change.clone();
    lying.new_key_id = old.key_id().into();
    assert!(matches!(
        KeyChange::open(&lying.sign(&old, &new)),
        Err(KeyChangeError::KeyIdMismatch { which: "new", .. })
    ));
    let extra = String::from_utf8(change.to_payload())
        .unwrap()
        .replace('}', ",\"x\":1}");
    let e = sign(KEY_CHANGE_TYPE, extra.as_bytes(), &old);
    assert!(matches!(
        KeyChange::open(&e),
        Err(KeyChangeError::Payload { .. })
    ));
    let e = sign(COSIGNATURE_TYPE, &change.to_payload(), &old);
    assert!(matches!(
        KeyChange::open(&e),
        Err(KeyChangeError::PayloadType { .. })
    ));
}

#[test]
fn a_known_key_under_another_name_and_a_foreign_state_are_refused() {
    let i = issuer();
    let records = chain(&i, 1, "a");
    let a = first(&records, 1, at(100));
    let renamed = IssuerPublicKey::from_bytes("另一个名字", &i.public_key().to_bytes()).unwrap();
    let req = request(&renamed, Some(a.state.head), &[]);
    assert!(matches!(
        run(Some(&a.state), None, &req, at(101)),
        Err(Refusal::IssuerMismatch { .. })
    ));
    let mut req = request(i.public_key(), Some(a.state.head), &[]);
    req.kind = LogKind::Results;
    assert_eq!(
        run(Some(&a.state), None, &req, at(101)).unwrap_err(),
        Refusal::StateMismatch
    );
}

#[test]
fn size_limits_are_enforced() {
    let i = issuer();
    let records = chain(&i, 3, "a");
    let req = request(i.public_key(), None, &records);
    let limits = Limits {
        max_records: 2,
        max_payload_bytes: 1 << 20,
    };
    assert_eq!(
        add_checkpoint(None, None, &req, &witness(), at(1), &limits).unwrap_err(),
        Refusal::TooManyRecords { count: 3, limit: 2 }
    );
    let limits = Limits {
        max_records: 10,
        max_payload_bytes: 10,
    };
    assert!(matches!(
        add_checkpoint(None, None, &req, &witness(), at(1), &limits),
        Err(Refusal::RecordTooLarge { index: 0, .. })
    ));
}

#[test]
fn the_cosignature_payload_is_pinned_byte_for_byte() {
    let statement = CosignedHead {
        log: LogId {
            issuer: "阳城县水务局".into(),
            key_id: "ab".repeat(32),
            kind: LogKind::Results,
        },
        head: Head {
            sequence: 42,
            record: RecordId::from_bytes([0xcd; 32]),
        },
        witness: WitnessId {
            name: "纪委".into(),
            key_id: "ef".repeat(32),
        },
        time: t("2024-06-01T08:00:00Z"),
    };
    let expected = format!(
        "{{\"log\":{{\"issuer\":\"阳城县水务局\",\"key_id\":\"{}\",\"kind\":\"results\"}},\"head\":{{\"sequence\":\"42\",\"record\":\"{}\"}},\"witness\":{{\"name\":\"纪委\",\"key_id\":\"{}\"}},\"time\":\"2024-06-01T08:00:00Z\"}}",
        "ab".repeat(32),
        "cd".repeat(32),
        "ef".repeat(32)
    );
    assert_eq!(String::from_utf8(statement.to_payload()).unwrap(), expected);
    assert_eq!(
        CosignedHead::decode(expected.as_bytes()).unwrap(),
        statement
    );
    for bad in [
        expected.replace("\"42\"", "42"),
        expected.replace("\"42\"", "\"042\""),
        expected.replace(&"cd".repeat(32), &"CD".repeat(32)),
        expected.replace(&"ab".repeat(32), "ab"),
        expected.replace("results", "ledger"),
        expected.replace("08:00:00Z", "08:00:00+00:00"),
        format!("{},\"x\":1}}", &expected[..expected.len() - 1]),
        expected.replace("\"kind\":\"results\"}", "\"kind\":\"results\",\"x\":1}"),
        expected.replace("{\"log\"", "{\"time\":\"2024-06-01T08:00:00Z\",\"log\""),
        expected.replace(",\"time\":\"2024-06-01T08:00:00Z\"", ""),
        format!("{expected} x"),
    ] {
        assert!(CosignedHead::decode(bad.as_bytes()).is_err(), "{bad}");
    }
}

#[test]
fn cosignatures_open_only_under_the_named_witness() {
    let w = witness();
    let i = issuer();
    let records = chain(&i, 1, "a");
    let a = first(&records, 1, at(5));
    assert!(Cosignature::open(&a.cosignature, w.public_key()).is_ok());
    let e = Cosignature::open(&a.cosignature, i.public_key()).unwrap_err();
    assert_eq!(e.kind(), "no-signature-for-key");
    // Signed by a key that is not the witness the payload names.
    let impostor = key(w.issuer(), 0x99);
    let env = a.statement.sign(&impostor);
    assert!(matches!(
        Cosignature::open(&env, impostor.public_key()),
        Err(CosignatureError::WitnessMismatch { .. })
    ));
    let env = sign(KEY_CHANGE_TYPE, &a.statement.to_payload(), &w);
    assert_eq!(
        Cosignature::open(&env, w.public_key()).unwrap_err().kind(),
        "payload-type"
    );
}

#[test]
fn read_log_takes_a_linked_chain_and_names_the_first_bad_line() {
    let i = issuer();
    let records = chain(&i, 3, "a");
    let mut text = String::from("\n");
    for r in &records {
        text.push_str(&r.to_json());
        text.push_str("\r\n");
    }
    let entries = read_log(text.as_bytes(), i.public_key()).unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[2].line, 4);
    assert_eq!(entries[2].id, records[2].record_id());
    let cut = format!("{}\n{}\n", records[0].to_json(), records[2].to_json());
    assert!(matches!(
        read_log(cut.as_bytes(), i.public_key()),
        Err(LogReadError::NotLinked { line: 2, found: 2 })
    ));
    assert!(matches!(
        read_log(b"{}\n", i.public_key()),
        Err(LogReadError::Envelope { line: 1, .. })
    ));
}

#[test]
fn the_request_body_round_trips_and_is_strict() {
    let i = issuer();
    let records = chain(&i, 2, "a");
    let old = issuer();
    let new = key(old.issuer(), 0x81);
    let mut req = request(i.public_key(), Some(head_of(&records, 0)), &records[1..]);
    req.key_change = Some(
        KeyChange::new(old.public_key(), new.public_key(), at(1))
            .unwrap()
            .sign(&old, &new),
    );
    let body = AddCheckpointBody::from_request(&req).to_json();
    assert!(body.starts_with("{\"issuer_public_key\":\"double-random-public-key-v1\\n"));
    assert_eq!(
        parse_add_checkpoint(body.as_bytes(), &Limits::default()),
        Ok(req.clone())
    );
    let without = body.replace(",\"key_change\":", ",\"x\":");
    assert_eq!(
        parse_add_checkpoint(without.as_bytes(), &Limits::default())
            .unwrap_err()
            .kind(),
        "json"
    );
    let missing = {
        let cut = body.find(",\"key_change\"").unwrap();
        format!("{}}}", &body[..cut])
    };
    assert_eq!(
        parse_add_checkpoint(missing.as_bytes(), &Limits::default())
            .unwrap_err()
            .kind(),
        "json"
    );
    let bad_env = body.replacen("\"payloadType\"", "\"payloadtype\"", 1);
    assert!(matches!(
        parse_add_checkpoint(bad_env.as_bytes(), &Limits::default()),
        Err(RequestError::Record { index: 0, .. })
    ));
    let limits = Limits {
        max_records: 0,
        max_payload_bytes: 1,
    };
    assert_eq!(
        parse_add_checkpoint(body.as_bytes(), &limits)
            .unwrap_err()
            .kind(),
        "too-many-records"
    );
    let bad_key = body.replacen("double-random-public-key-v1", "x", 1);
    assert_eq!(
        parse_add_checkpoint(bad_key.as_bytes(), &Limits::default())
            .unwrap_err()
            .kind(),
        "bad-public-key"
    );
}

// ---------------------------------------------------------------------------
// Evidence

fn chain_ids(records: &[Envelope]) -> Vec<(u64, RecordId)> {
    records
        .iter()
        .enumerate()
        .map(|(s, r)| (s as u64, r.record_id()))
        .collect()
}

fn cosign(w: &IssuerKey, log: &LogId, head: Head, time: Timestamp) -> Envelope {
    CosignedHead::new(log.clone(), head, w.public_key(), time).sign(w)
}

fn file_of(lines: &[String]) -> CosignatureFile {
    read_cosignature_file(lines.join("\n").as_bytes(), &FileLimits::default())
}

#[test]
fn the_index_answers_who_witnessed_what_before_when() {
    let i = issuer();
    let w1 = witness();
    let w2 = key("邻县水务局 (TEST ONLY)", 0x51);
    let untrusted = key("某服务 (TEST ONLY)", 0x71);
    let records = chain(&i, 5, "a");
    let log = LogId::of(i.public_key(), LogKind::Receipts);
    let fork = chain(&i, 5, "b");
    let mut other_log = log.clone();
    other_log.kind = LogKind::Results;
    let lines = vec![
        cosign(&w1, &log, head_of(&records, 1), at(10)).to_json(), // line 1
        cosign(&w1, &log, head_of(&records, 3), at(30)).to_json(), // line 2
        cosign(&w2, &log, head_of(&records, 4), at(40)).to_json(), // line 3
        cosign(&untrusted, &log, head_of(&records, 0), at(1)).to_json(), // 4
        cosign(&w1, &other_log, head_of(&records, 0), at(1)).to_json(), // 5
        cosign(&w1, &log, head_of(&fork, 2), at(20)).to_json(),    // 6: fork
        cosign(
            &w2,
            &log,
            Head {
                sequence: 7,
                record: RecordId::from_bytes([1; 32]),
            },
            at(50),
        )
        .to_json(), // 7: rollback
        "not json".into(),                                         // 8
        sign("application/vnd.example.rfc3161+json", b"{}", &untrusted).to_json(), // 9
        cosign(&w1, &log, head_of(&records, 4), at(9_999_999)).to_json(), // 10: future
        String::new(),                                             // 11: blank
        {
            // 12: a trusted key id on a signature that does not verify.
            let env = cosign(&untrusted, &log, head_of(&records, 0), at(1)).to_json();
            Envelope::from_json(env.replace(untrusted.key_id(), w1.key_id()).as_bytes())
                .unwrap()
                .to_json()
        },
    ];
    let trusted = [w1.public_key().clone(), w2.public_key().clone()];
    let index = WitnessIndex::build(
        &file_of(&lines),
        &log,
        &trusted,
        &chain_ids(&records),
        Some(at(1000)),
    );
    let found: Vec<(Option<usize>, &str, bool)> = index
        .findings()
        .iter()
        .map(|f| (f.line, f.problem.check(), f.problem.is_error()))
        .collect();
    assert_eq!(
        found,
        vec![
            (Some(8), "cosignature", false),
            (Some(4), "cosignature", false),
            (Some(5), "cosignature", false),
            (Some(6), "fork", true),
            (Some(7), "rollback", true),
            (Some(9), "cosignature", false),
            (Some(10), "cosignature", false),
            (Some(12), "cosignature", false),
        ],
        "{:#?}",
        index.findings()
    );
    assert!(matches!(
        index.findings()[1].problem,
        EvidenceProblem::Untrusted { .. }
    ));
    assert!(matches!(
        index.findings()[5].problem,
        EvidenceProblem::NotChecked { .. }
    ));
    assert!(matches!(
        index.findings()[6].problem,
        EvidenceProblem::FromTheFuture { .. }
    ));
    assert!(matches!(
        &index.findings()[7].problem,
        EvidenceProblem::Invalid { cause, .. } if cause.kind() == "bad-signature"
    ));
    assert_eq!(index.counted(), 3);

    let names = |v: Vec<Witnessed>| -> Vec<(String, u64, usize)> {
        v.into_iter()
            .map(|w| (w.witness.name, w.head.sequence, w.line))
            .collect()
    };
    // Record 0: w1 cosigned head 1 at 10, w2 head 4 at 40.
    let mut expect = vec![
        (w1.issuer().to_owned(), 1, 1),
        (w2.issuer().to_owned(), 4, 3),
    ];
    expect.sort_by(|a, b| {
        let k = |n: &str| {
            if n == w1.issuer() {
                w1.key_id()
            } else {
                w2.key_id()
            }
        };
        k(&a.0).cmp(k(&b.0))
    });
    assert_eq!(names(index.witnessed(0, at(41))), expect);
    assert_eq!(
        names(index.witnessed(0, at(40))),
        vec![(w1.issuer().into(), 1, 1)]
    );
    // Record 2: only w1's head 3 (at 30) and w2's head 4 (at 40) reach it.
    assert_eq!(index.witnessed(2, at(30)).len(), 0);
    assert_eq!(
        names(index.witnessed(2, at(31))),
        vec![(w1.issuer().into(), 3, 2)]
    );
    assert_eq!(index.check_witnessed(2, at(41), 2).unwrap().len(), 2);
    let e = index.check_witnessed(4, at(41), 2).unwrap_err();
    assert_eq!((e.needed, e.found.len()), (2, 1));
    assert_eq!(index.witnessed(5, at(1000)).len(), 0);
    let latest = names(index.latest_heads());
    assert!(latest.contains(&(w1.issuer().into(), 3, 2)));
    assert!(latest.contains(&(w2.issuer().into(), 4, 3)));
}

#[test]
fn one_witness_counts_once_and_a_cut_chain_shows_a_rollback() {
    let i = issuer();
    let w = witness();
    let records = chain(&i, 3, "a");
    let log = LogId::of(i.public_key(), LogKind::Receipts);
    let lines = vec![
        cosign(&w, &log, head_of(&records, 0), at(1)).to_json(),
        cosign(&w, &log, head_of(&records, 2), at(2)).to_json(),
    ];
    let trusted = [w.public_key().clone()];
    let index = WitnessIndex::build(&file_of(&lines), &log, &trusted, &chain_ids(&records), None);
    assert_eq!(index.witnessed(0, at(5)).len(), 1);
    assert!(index.check_witnessed(0, at(5), 2).is_err());
    assert!(index.findings().is_empty());
    let cut = WitnessIndex::build(
        &file_of(&lines),
        &log,
        &trusted,
        &chain_ids(&records[..2]),
        None,
    );
    assert!(matches!(
        cut.findings(),
        [EvidenceFinding {
            line: Some(2),
            problem: EvidenceProblem::Rollback {
                chain_end: Some(1),
                ..
            }
        }]
    ));
    let empty = WitnessIndex::build(&file_of(&lines), &log, &trusted, &[], None);
    assert_eq!(empty.findings().len(), 2);
    assert!(empty.findings()[0].problem.to_string().contains("is empty"));
}

#[test]
fn the_file_reader_bounds_lines() {
    let limits = FileLimits {
        max_line_bytes: 10,
        max_lines: 2,
    };
    let f = read_cosignature_file(b"01234567890\r\n\n  \nx\ny\nz\n", &limits);
    let problems: Vec<(Option<usize>, &str)> = f
        .findings
        .iter()
        .map(|f| (f.line, f.problem.check()))
        .collect();
    assert_eq!(
        problems,
        vec![
            (Some(1), "cosignature"),
            (Some(4), "cosignature"),
            (Some(5), "cosignature")
        ]
    );
    assert!(matches!(
        f.findings[0].problem,
        EvidenceProblem::LineTooLong { len: 11, .. }
    ));
    assert!(matches!(
        f.findings[2].problem,
        EvidenceProblem::TooManyLines { limit: 2 }
    ));
}

#[test]
fn ten_thousand_records_and_cosignatures_stay_fast() {
    let i = issuer();
    let w = witness();
    let log = LogId::of(i.public_key(), LogKind::Receipts);
    let n = 10_000u64;
    let ids: Vec<(u64, RecordId)> = (0..n)
        .map(|s| {
            let mut b = [0u8; 32];
            b[..8].copy_from_slice(&s.to_be_bytes());
            (s, RecordId::from_bytes(b))
        })
        .collect();
    let one = |s: u64| {
        cosign(
            &w,
            &log,
            Head {
                sequence: s,
                record: ids[s as usize].1,
            },
            at(s as i64),
        )
    };
    let file = CosignatureFile {
        envelopes: (0..n).map(|s| (s as usize + 1, one(s))).collect(),
        findings: Vec::new(),
    };
    let index = WitnessIndex::build(&file, &log, &[w.public_key().clone()], &ids, None);
    assert_eq!(index.counted(), n as usize);
    for s in 0..n {
        let found = index.witnessed(s, at(s as i64 + 1));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].head.sequence, s);
    }
}

// ---------------------------------------------------------------------------
// Properties

/// The envelope with one byte of its payload, payload type, key id or
/// signature changed (re-encoded as valid JSON), or `None` if that byte
/// change leaves no valid envelope.
fn tampered(e: &Envelope, part: u8, at: usize, delta: u8) -> Option<Envelope> {
    let mut payload = e.unverified_payload().to_vec();
    let mut ty = e.payload_type().as_bytes().to_vec();
    let mut keyid = e.signatures()[0].keyid().as_bytes().to_vec();
    let mut sig = e.signatures()[0].sig().to_vec();
    let target = match part % 4 {
        0 => &mut payload,
        1 => &mut ty,
        2 => &mut keyid,
        _ => &mut sig,
    };
    let n = target.len();
    if n == 0 {
        return None;
    }
    target[at % n] ^= delta.max(1);
    let ty = String::from_utf8(ty).ok()?;
    let keyid = String::from_utf8(keyid).ok()?;
    let json = serde_json::json!({
        "payload": crate::base64::encode(&payload),
        "payloadType": ty,
        "signatures": [{"keyid": keyid, "sig": crate::base64::encode(&sig)}],
    });
    Envelope::from_json(json.to_string().as_bytes()).ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_byte_change_in_any_record_of_the_segment_is_refused(
        which in 0usize..4, part in any::<u8>(), pos in any::<usize>(), delta in 1u8..=255,
    ) {
        let i = issuer();
        let records = chain(&i, 6, "p");
        let a = first(&records, 2, at(100));
        let mut segment = records[2..].to_vec();
        let Some(bad) = tampered(&segment[which], part, pos, delta) else {
            return Ok(());
        };
        segment[which] = bad;
        let req = request(i.public_key(), Some(a.state.head), &segment);
        prop_assert!(run(Some(&a.state), Some(i.public_key()), &req, at(101)).is_err());
    }

    #[test]
    fn cosigned_heads_round_trip(seq in any::<u64>(), rec in any::<[u8; 32]>(), secs in 0i64..253_402_300_799) {
        let w = witness();
        let i = issuer();
        let statement = CosignedHead::new(
            LogId::of(i.public_key(), LogKind::Results),
            Head { sequence: seq, record: RecordId::from_bytes(rec) },
            w.public_key(),
            Timestamp::from_unix(secs).unwrap(),
        );
        let env = statement.sign(&w);
        let back = Envelope::from_json(env.to_json().as_bytes()).unwrap();
        let opened = Cosignature::open(&back, w.public_key()).unwrap();
        prop_assert_eq!(opened.statement(), &statement);
        prop_assert_eq!(CosignedHead::decode(&statement.to_payload()).unwrap(), statement);
    }

    #[test]
    fn the_readers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let f = read_cosignature_file(&bytes, &FileLimits::default());
        let i = issuer();
        let log = LogId::of(i.public_key(), LogKind::Receipts);
        let _ = WitnessIndex::build(&f, &log, &[witness().public_key().clone()], &[], None);
        let _ = read_log(&bytes, i.public_key());
        let _ = parse_add_checkpoint(&bytes, &Limits::default());
    }
}

#[test]
fn an_untrusted_cosignature_names_its_key_ids_even_an_empty_one() {
    let untrusted = |ids: &[&str]| EvidenceProblem::Untrusted {
        key_ids: ids.iter().map(|&k| k.to_owned()).collect(),
    };
    assert_eq!(
        untrusted(&["ab12", "cd34"]).to_string(),
        "a cosignature by no trusted witness (key ids ab12, cd34)"
    );
    assert_eq!(
        untrusted(&["ab12"]).to_string(),
        "a cosignature by no trusted witness (key id ab12)"
    );
    assert_eq!(
        untrusted(&[""]).to_string(),
        "a cosignature by no trusted witness (key id \"\")"
    );
    assert_eq!(
        untrusted(&[]).to_string(),
        "a cosignature by no trusted witness (no key id)"
    );
    assert_eq!(
        untrusted(&["", "cd34"]).message_zh(),
        "不是受信任见证方作出的副署（密钥编号 \"\", cd34）"
    );
    assert_eq!(
        untrusted(&[]).message_zh(),
        "不是受信任见证方作出的副署（没有密钥编号）"
    );
}
