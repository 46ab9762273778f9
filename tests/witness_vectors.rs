//! Witness test vectors in `tests/vectors/v2/witness/` (docs/spec/witness.md
//! §10): cosignature files, one per attack, against a small chain, with the
//! findings and the "witnessed before" answers an independent verifier must
//! give (`cases.json`); key-change envelopes with their verdicts.
//!
//! `every_case_gives_its_findings_and_answers` checks each case with the
//! library; `vectors_are_up_to_date` rebuilds every file in memory and
//! compares (run with `DR_WRITE_VECTORS=1` to rewrite). Every key here is a
//! TEST ONLY key with a published secret.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use double_random::calendar::Timestamp;
use double_random::records::{Envelope, IssuerKey, IssuerPublicKey, RecordId, sign};
use double_random::witness::{
    AddCheckpointBody, COSIGNATURE_TYPE, CheckpointRequest, CosignedHead, EvidenceProblem,
    FileLimits, Head, KEY_CHANGE_TYPE, KeyChange, Limits, LogId, LogKind, LogState, WitnessIndex,
    add_checkpoint, parse_add_checkpoint, read_cosignature_file, read_log,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const TEST_ONLY: &str = "TEST ONLY: the secret seed of this key is published; never trust it.";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/v2/witness")
}

fn key(name: &str, first: u8) -> IssuerKey {
    let seed: [u8; 32] = core::array::from_fn(|i| first.wrapping_add(i as u8));
    IssuerKey::from_secret_bytes(name, &seed).unwrap()
}

fn issuer() -> IssuerKey {
    key("阳城县水务局 (TEST ONLY)", 1)
}
fn witness_a() -> IssuerKey {
    key("阳城县纪委监委 (TEST ONLY)", 0x41)
}
fn witness_b() -> IssuerKey {
    key("晋城市水务局 (TEST ONLY)", 0x51)
}
fn untrusted() -> IssuerKey {
    key("某时间戳服务 (TEST ONLY)", 0x71)
}
fn issuer_new() -> IssuerKey {
    key("阳城县水务局 (TEST ONLY)", 0x81)
}

fn t(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

/// The randomness times of the chain's two commitments (their ceremonies).
const T0: &str = "2024-06-03T02:00:00Z";
const T2: &str = "2024-06-05T02:00:00Z";
const NOW: &str = "2024-07-01T00:00:00Z";

fn chain_bytes() -> Vec<u8> {
    std::fs::read(dir().join("chain.jsonl")).unwrap()
}

fn chain_records() -> Vec<Envelope> {
    read_log(&chain_bytes(), issuer().public_key())
        .unwrap()
        .into_iter()
        .map(|e| e.envelope)
        .collect()
}

fn head(records: &[Envelope], s: usize) -> Head {
    Head {
        sequence: s as u64,
        record: records[s].record_id(),
    }
}

fn cosign(w: &IssuerKey, log: &LogId, head: Head, time: &str) -> Envelope {
    CosignedHead::new(log.clone(), head, w.public_key(), t(time)).sign(w)
}

fn receipts() -> LogId {
    LogId::of(issuer().public_key(), LogKind::Receipts)
}

/// A second record at sequence 1: the draw re-signed one minute later.
fn fork_record(records: &[Envelope]) -> Envelope {
    let payload = String::from_utf8(records[1].unverified_payload().to_vec()).unwrap();
    let changed = payload.replace("2024-06-03T02:10:00Z", "2024-06-03T02:11:00Z");
    assert_ne!(payload, changed);
    sign(records[1].payload_type(), changed.as_bytes(), &issuer())
}

fn flip_signature(e: &Envelope) -> Envelope {
    let mut v: Value = serde_json::from_str(&e.to_json()).unwrap();
    let sig = v["signatures"][0]["sig"].as_str().unwrap().to_owned();
    // Change one base64 character in the middle (still canonical base64).
    let mut chars: Vec<char> = sig.chars().collect();
    chars[10] = if chars[10] == 'A' { 'B' } else { 'A' };
    v["signatures"][0]["sig"] = Value::String(chars.into_iter().collect());
    Envelope::from_json(v.to_string().as_bytes()).unwrap()
}

struct Case {
    name: &'static str,
    description: &'static str,
    chain: &'static str,
    lines: Vec<String>,
    trusted: Vec<&'static str>,
    findings: Vec<Value>,
    queries: Vec<Value>,
}

fn query(sequence: u64, before: &str, threshold: usize, witnesses: &[&IssuerKey]) -> Value {
    let mut ids: Vec<&str> = witnesses.iter().map(|w| w.key_id()).collect();
    ids.sort();
    json!({
        "sequence": sequence.to_string(),
        "before": before,
        "threshold": threshold,
        "witnesses": ids,
        "holds": ids.len() >= threshold,
    })
}

fn finding(line: usize, check: &str, kind: &str, cause: Option<&str>) -> Value {
    json!({"line": line, "check": check, "kind": kind, "cause": cause})
}

fn cases() -> Vec<Case> {
    let records = chain_records();
    let log = receipts();
    let (a, b, u) = (witness_a(), witness_b(), untrusted());
    let a0 = cosign(&a, &log, head(&records, 0), "2024-06-01T08:00:05Z").to_json();
    let b0 = cosign(&b, &log, head(&records, 0), "2024-06-01T08:01:00Z").to_json();
    let a2 = cosign(&a, &log, head(&records, 2), "2024-06-03T03:00:05Z").to_json();
    let b2 = cosign(&b, &log, head(&records, 2), "2024-06-03T03:02:00Z").to_json();
    let mut results = log.clone();
    results.kind = LogKind::Results;
    let new_log = LogId::of(issuer_new().public_key(), LogKind::Receipts);
    let fork = fork_record(&records);
    let extra_member = {
        let statement = CosignedHead::new(
            log.clone(),
            head(&records, 0),
            a.public_key(),
            t("2024-06-01T08:00:05Z"),
        );
        let payload = String::from_utf8(statement.to_payload()).unwrap();
        let payload = format!("{},\"note\":\"x\"}}", &payload[..payload.len() - 1]);
        sign(COSIGNATURE_TYPE, payload.as_bytes(), &a).to_json()
    };
    let trusted = vec!["witness-a.pub", "witness-b.pub"];
    vec![
        Case {
            name: "valid",
            description: "Two trusted witnesses cosign head 0 before the first ceremony and head 2 before the second: both commitments are witnessed by two.",
            chain: "chain.jsonl",
            lines: vec![a0.clone(), b0.clone(), a2.clone(), b2.clone()],
            trusted: trusted.clone(),
            findings: vec![],
            queries: vec![
                query(0, T0, 2, &[&a, &b]),
                query(2, T2, 2, &[&a, &b]),
                query(1, T0, 1, &[]),
            ],
        },
        Case {
            name: "bad-signature",
            description: "Witness A's cosignature has one signature character changed: reported, not counted, so head 0 has one witness.",
            chain: "chain.jsonl",
            lines: vec![
                flip_signature(&Envelope::from_json(a0.as_bytes()).unwrap()).to_json(),
                b0.clone(),
            ],
            trusted: trusted.clone(),
            findings: vec![finding(1, "cosignature", "invalid", Some("bad-signature"))],
            queries: vec![query(0, T0, 2, &[&b]), query(0, T0, 1, &[&b])],
        },
        Case {
            name: "wrong-kind",
            description: "Witness A cosigned the issuer's results ledger, not its receipt chain: another log, not counted.",
            chain: "chain.jsonl",
            lines: vec![
                cosign(&a, &results, head(&records, 0), "2024-06-01T08:00:05Z").to_json(),
                b0.clone(),
            ],
            trusted: trusted.clone(),
            findings: vec![finding(1, "cosignature", "other-log", None)],
            queries: vec![query(0, T0, 2, &[&b])],
        },
        Case {
            name: "other-issuer",
            description: "Witness A's cosignature names another issuer key (same name): another log, not counted.",
            chain: "chain.jsonl",
            lines: vec![
                cosign(&a, &new_log, head(&records, 0), "2024-06-01T08:00:05Z").to_json(),
                b0.clone(),
            ],
            trusted: trusted.clone(),
            findings: vec![finding(1, "cosignature", "other-log", None)],
            queries: vec![query(0, T0, 2, &[&b])],
        },
        Case {
            name: "untrusted-key",
            description: "A valid cosignature by a key the verifier does not trust: reported, never counted.",
            chain: "chain.jsonl",
            lines: vec![
                cosign(&u, &log, head(&records, 0), "2024-06-01T08:00:05Z").to_json(),
                b0.clone(),
            ],
            trusted: trusted.clone(),
            findings: vec![finding(1, "cosignature", "untrusted", None)],
            queries: vec![query(0, T0, 2, &[&b])],
        },
        Case {
            name: "witnessed-after-randomness",
            description: "Backdating: the commitment at sequence 0 says it was made before the ceremony, but the witnesses first saw the chain after it. commitment-witnessed fails for it; the second commitment is witnessed in time.",
            chain: "chain.jsonl",
            lines: vec![a2.clone(), b2.clone()],
            trusted: trusted.clone(),
            findings: vec![],
            queries: vec![query(0, T0, 1, &[]), query(2, T2, 2, &[&a, &b])],
        },
        Case {
            name: "time-in-the-future",
            description: "Witness A's cosignature is dated after the verifier's clock (a witness clock running ahead): reported, not counted.",
            chain: "chain.jsonl",
            lines: vec![
                cosign(&a, &log, head(&records, 0), "2030-01-01T00:00:00Z").to_json(),
                b0.clone(),
            ],
            trusted: trusted.clone(),
            findings: vec![finding(1, "cosignature", "from-the-future", None)],
            queries: vec![query(0, "9999-01-01T00:00:00Z", 2, &[&b])],
        },
        Case {
            name: "one-witness-twice",
            description: "Two cosignatures by witness A count as one witness: a threshold of two is not met.",
            chain: "chain.jsonl",
            lines: vec![a0.clone(), a2.clone()],
            trusted: trusted.clone(),
            findings: vec![],
            queries: vec![query(0, T2, 2, &[&a]), query(0, T2, 1, &[&a])],
        },
        Case {
            name: "fork",
            description: "Witness A cosigned another record at sequence 1 (fork-chain.jsonl: the draw re-signed one minute later) than the chain holds: the issuer showed the witness another chain.",
            chain: "chain.jsonl",
            lines: vec![
                a0.clone(),
                cosign(
                    &a,
                    &log,
                    Head {
                        sequence: 1,
                        record: fork.record_id(),
                    },
                    "2024-06-03T02:11:05Z",
                )
                .to_json(),
            ],
            trusted: trusted.clone(),
            findings: vec![finding(2, "fork", "fork", None)],
            queries: vec![query(0, T0, 1, &[&a])],
        },
        Case {
            name: "rollback",
            description: "The chain shown (cut-chain.jsonl) ends at sequence 1, but witness A cosigned head 2: the last record was dropped.",
            chain: "cut-chain.jsonl",
            lines: vec![a0.clone(), a2.clone()],
            trusted: trusted.clone(),
            findings: vec![finding(2, "rollback", "rollback", None)],
            queries: vec![query(0, T0, 1, &[&a])],
        },
        Case {
            name: "bad-line",
            description: "A line that is not an envelope (and a blank line, and CRLF endings): reported with its line number; reading goes on.",
            chain: "chain.jsonl",
            lines: vec!["{\"payload\":".into(), String::new(), a0.clone() + "\r"],
            trusted: trusted.clone(),
            findings: vec![finding(1, "cosignature", "unreadable", None)],
            queries: vec![query(0, T0, 1, &[&a])],
        },
        Case {
            name: "unknown-member",
            description: "Witness A signed a payload with an unknown member: the payload breaks the schema, not counted.",
            chain: "chain.jsonl",
            lines: vec![extra_member, b0.clone()],
            trusted: trusted.clone(),
            findings: vec![finding(1, "cosignature", "invalid", Some("bad-payload"))],
            queries: vec![query(0, T0, 2, &[&b])],
        },
        Case {
            name: "other-evidence",
            description: "A line of another payload type (time evidence of another kind, such as a timestamping service's token): reported as not checked, never counted.",
            chain: "chain.jsonl",
            lines: vec![
                sign(
                    "application/vnd.example.rfc3161-token+json",
                    b"{\"token\":\"MIIB\"}",
                    &u,
                )
                .to_json(),
                a0.clone(),
            ],
            trusted: trusted.clone(),
            findings: vec![finding(1, "cosignature", "not-checked", None)],
            queries: vec![query(0, T0, 1, &[&a])],
        },
    ]
}

fn key_id_of(public: &[u8; 32]) -> String {
    let mut h = Sha256::new();
    h.update(b"double-random/keyid/v1");
    h.update(public);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn key_change_cases() -> Vec<Value> {
    let (old, new) = (issuer(), issuer_new());
    let at = t("2024-06-05T00:00:00Z");
    let change = KeyChange::new(old.public_key(), new.public_key(), at).unwrap();
    let mut wrong_id = change.clone();
    wrong_id.new_key_id = old.key_id().into();
    let mut same = change.clone();
    same.new_key_id = old.key_id().into();
    same.new_public_key = old.public_key().to_bytes();
    let mut weak = change.clone();
    weak.new_public_key = {
        let mut k = [0u8; 32];
        k[0] = 1;
        k
    };
    weak.new_key_id = key_id_of(&weak.new_public_key);
    let case = |name: &str, description: &str, env: Envelope, error: Option<&str>| {
        json!({
            "name": name,
            "description": description,
            "envelope": env.to_json(),
            "verdict": if error.is_none() { "accept" } else { "reject" },
            "error": error,
        })
    };
    vec![
        case(
            "valid",
            "The issuer moves from issuer.pub to issuer-new.pub; signed by both keys.",
            change.sign(&old, &new),
            None,
        ),
        case(
            "old-signature-only",
            "Signed by the old key alone: the new key's holder did not take part.",
            sign(KEY_CHANGE_TYPE, &change.to_payload(), &old),
            Some("bad-signature"),
        ),
        case(
            "wrong-new-key-id",
            "new_key_id is not the id of new_public_key.",
            wrong_id.sign(&old, &new),
            Some("key-id-mismatch"),
        ),
        case(
            "same-key",
            "The old and new keys are the same key.",
            sign(KEY_CHANGE_TYPE, &same.to_payload(), &old),
            Some("same-key"),
        ),
        case(
            "weak-new-key",
            "The new key is the identity point (a weak key anyone can 'sign' for): refused before any signature is checked.",
            sign(KEY_CHANGE_TYPE, &weak.to_payload(), &old),
            Some("bad-key"),
        ),
    ]
}

/// The chain's first record re-made for the new key (same payload, the
/// link's key id replaced), signed by it: a log of the new key.
fn new_key_record(records: &[Envelope]) -> Envelope {
    let payload = String::from_utf8(records[0].unverified_payload().to_vec()).unwrap();
    let changed = payload.replace(issuer().key_id(), issuer_new().key_id());
    assert_ne!(payload, changed);
    sign(records[0].payload_type(), changed.as_bytes(), &issuer_new())
}

fn tampered(e: &Envelope) -> Envelope {
    let mut v: Value = serde_json::from_str(&e.to_json()).unwrap();
    let payload = v["payload"].as_str().unwrap().to_owned();
    let mut chars: Vec<char> = payload.chars().collect();
    chars[40] = if chars[40] == 'A' { 'B' } else { 'A' };
    v["payload"] = Value::String(chars.into_iter().collect());
    Envelope::from_json(v.to_string().as_bytes()).unwrap()
}

/// Witness state-machine cases (docs/spec/witness.md §6.2): the witness
/// (witness-a) holds `state` and binds the issuer name to `known_key`; a
/// request arrives at `now`.
fn add_checkpoint_cases() -> Vec<Value> {
    let records = chain_records();
    let (old_key, new_key) = (issuer(), issuer_new());
    let state0 = json!({
        "issuer_public_key": "issuer.pub", "kind": "receipts",
        "head": {"sequence": "0", "record": records[0].record_id().to_string()},
        "head_created_at": "2024-06-01T08:00:00Z", "cosigned_at": "2024-06-01T08:00:05Z",
    });
    let state1 = json!({
        "issuer_public_key": "issuer.pub", "kind": "receipts",
        "head": {"sequence": "1", "record": records[1].record_id().to_string()},
        "head_created_at": "2024-06-03T02:10:00Z", "cosigned_at": "2024-06-03T02:10:05Z",
    });
    let body =
        |key: &IssuerKey, old: Option<usize>, recs: Vec<Envelope>, change: Option<Envelope>| {
            AddCheckpointBody::from_request(&CheckpointRequest {
                issuer: key.public_key().clone(),
                kind: LogKind::Receipts,
                old: old.map(|s| head(&records, s)),
                records: recs,
                key_change: change,
            })
            .to_json()
        };
    let from = |i: usize| records[i..].to_vec();
    let change = KeyChange::new(
        old_key.public_key(),
        new_key.public_key(),
        t("2024-06-05T00:00:00Z"),
    )
    .unwrap()
    .sign(&old_key, &new_key);
    let case = |name: &str,
                description: &str,
                state: Value,
                known: Option<&str>,
                now: &str,
                body: String,
                error: Option<&str>| {
        json!({"name": name, "description": description, "state": state,
               "known_key": known, "now": now, "body": body, "error": error})
    };
    let later = "2024-06-03T03:00:05Z";
    vec![
        case(
            "first-time",
            "A witness that never saw the log takes the whole chain and cosigns head 2.",
            Value::Null,
            None,
            later,
            body(&old_key, None, from(0), None),
            None,
        ),
        case(
            "extend",
            "Holding head 0, the witness takes records 1 and 2.",
            state0.clone(),
            Some("issuer.pub"),
            later,
            body(&old_key, Some(0), from(1), None),
            None,
        ),
        case(
            "same-head-again",
            "No records with the right old head: head 0 cosigned again, later.",
            state0.clone(),
            Some("issuer.pub"),
            later,
            body(&old_key, Some(0), vec![], None),
            None,
        ),
        case(
            "conflict",
            "The requester believes the witness holds nothing; it holds head 0 (HTTP 409, held head 0).",
            state0.clone(),
            Some("issuer.pub"),
            later,
            body(&old_key, None, from(0), None),
            Some("conflict"),
        ),
        case(
            "fork",
            "Holding head 1, the witness is sent another record at sequence 1 (the draw re-signed a minute later): the issuer shows it another chain (HTTP 409, held head 1).",
            state1,
            Some("issuer.pub"),
            later,
            body(&old_key, Some(1), vec![fork_record(&records)], None),
            Some("fork"),
        ),
        case(
            "stale",
            "Holding head 0, the witness is sent records from sequence 0 again.",
            state0.clone(),
            Some("issuer.pub"),
            later,
            body(&old_key, Some(0), from(0), None),
            Some("stale"),
        ),
        case(
            "gap",
            "The first time, records starting at sequence 1.",
            Value::Null,
            None,
            later,
            body(&old_key, None, from(1), None),
            Some("gap"),
        ),
        case(
            "bad-record",
            "One base64 character of record 1's payload changed: its signature fails.",
            state0.clone(),
            Some("issuer.pub"),
            later,
            body(
                &old_key,
                Some(0),
                vec![tampered(&records[1]), records[2].clone()],
                None,
            ),
            Some("bad-record"),
        ),
        case(
            "time-backwards",
            "The witness's clock reads earlier than its last cosignature of the log.",
            state0.clone(),
            Some("issuer.pub"),
            "2024-06-01T08:00:04Z",
            body(&old_key, Some(0), from(1), None),
            Some("time-backwards"),
        ),
        case(
            "unknown-key",
            "The witness binds the issuer's name to issuer.pub; issuer-new.pub comes without a key change.",
            Value::Null,
            Some("issuer.pub"),
            later,
            body(&new_key, None, vec![new_key_record(&records)], None),
            Some("unknown-key"),
        ),
        case(
            "key-change",
            "The same, with a key change signed by both keys: accepted, the name moves to issuer-new.pub.",
            Value::Null,
            Some("issuer.pub"),
            later,
            body(&new_key, None, vec![new_key_record(&records)], Some(change)),
            None,
        ),
        case(
            "empty",
            "Nothing held and nothing sent.",
            Value::Null,
            None,
            later,
            body(&old_key, None, vec![], None),
            Some("empty"),
        ),
    ]
}

/// Every vector file, by name.
fn build() -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let records = chain_records();
    let keys = [
        ("witness-a", witness_a()),
        ("witness-b", witness_b()),
        ("untrusted", untrusted()),
        ("issuer-new", issuer_new()),
    ];
    for (name, k) in &keys {
        files.insert(format!("{name}.key"), k.to_secret_text().into_bytes());
        files.insert(format!("{name}.pub"), k.public_key().to_text().into_bytes());
    }
    let line = |e: &Envelope| e.to_json() + "\n";
    files.insert(
        "fork-chain.jsonl".into(),
        (line(&records[0]) + &line(&fork_record(&records))).into_bytes(),
    );
    files.insert(
        "cut-chain.jsonl".into(),
        (line(&records[0]) + &line(&records[1])).into_bytes(),
    );
    let mut case_json = Vec::new();
    for c in cases() {
        let file = format!("{}.cosignatures.jsonl", c.name);
        let text: String = c.lines.iter().map(|l| format!("{l}\n")).collect();
        files.insert(file.clone(), text.into_bytes());
        case_json.push(json!({
            "name": c.name,
            "description": c.description,
            "chain": c.chain,
            "issuer": "issuer.pub",
            "kind": "receipts",
            "cosignatures": file,
            "trusted": c.trusted,
            "now": NOW,
            "findings": c.findings,
            "queries": c.queries,
        }));
    }
    let cases = json!({
        "description": "Witness cosignature files against a chain (docs/spec/witness.md §8 and §10). For each case: read the cosignature file, sort each line as §8 says for the log (issuer key, kind) with the trusted witness keys and the verifier's clock `now`, and report `findings` (1-based line, check name, case kind, and for `invalid` the cosignature error's kind); for each query, the trusted witnesses (key ids, sorted) with a counted cosignature over a head at or after `sequence` dated strictly before `before`, and whether there are at least `threshold` of them.",
        "note": TEST_ONLY,
        "cases": case_json,
    });
    files.insert(
        "cases.json".into(),
        (serde_json::to_string_pretty(&cases).unwrap() + "\n").into_bytes(),
    );
    let kc = json!({
        "description": "Key-change envelopes (docs/spec/witness.md §5) with their verdicts and the library's error kind.",
        "note": TEST_ONLY,
        "cases": key_change_cases(),
    });
    let ac = json!({
        "description": "Witness state-machine cases (docs/spec/witness.md §6.2). The witness is witness-a.key; `state` is what it holds for the request's log (null: never cosigned), `known_key` the key its issuer name is bound to (null: name unknown), `now` its clock, `body` the add-checkpoint request body. `error` is the refusal's kind, or null: the witness cosigns, and `cosignature` is the envelope it answers (Ed25519 is deterministic).",
        "note": TEST_ONLY,
        "cases": add_checkpoint_cases().into_iter().map(|mut c| {
            let answer = run_add_checkpoint(&c).map(|e| e.to_json());
            c["cosignature"] = json!(answer.as_ref().ok());
            assert_eq!(answer.err().as_deref(), c["error"].as_str(), "{}", c["name"]);
            c
        }).collect::<Vec<_>>(),
    });
    files.insert(
        "add-checkpoint.json".into(),
        (serde_json::to_string_pretty(&ac).unwrap() + "\n").into_bytes(),
    );
    files.insert(
        "key-changes.json".into(),
        (serde_json::to_string_pretty(&kc).unwrap() + "\n").into_bytes(),
    );
    files
}

#[test]
fn vectors_are_up_to_date() {
    // The copied chain and key are the chain vectors' own.
    assert_eq!(
        std::fs::read_to_string(dir().join("issuer.pub")).unwrap(),
        issuer().public_key().to_text()
    );
    let files = build();
    let write = std::env::var_os("DR_WRITE_VECTORS").is_some();
    for (name, bytes) in &files {
        let path = dir().join(name);
        if write {
            std::fs::write(&path, bytes).unwrap();
        } else {
            let on_disk = std::fs::read(&path).unwrap_or_default();
            assert!(
                on_disk == *bytes,
                "{name} is out of date: run DR_WRITE_VECTORS=1 cargo test --test witness_vectors"
            );
        }
    }
}

fn load_key(name: &str) -> IssuerPublicKey {
    IssuerPublicKey::from_text(&std::fs::read_to_string(dir().join(name)).unwrap()).unwrap()
}

#[test]
fn every_case_gives_its_findings_and_answers() {
    let cases: Value =
        serde_json::from_slice(&std::fs::read(dir().join("cases.json")).unwrap()).unwrap();
    let cases = cases["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 13);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let issuer = load_key(c["issuer"].as_str().unwrap());
        let chain = read_log(
            &std::fs::read(dir().join(c["chain"].as_str().unwrap())).unwrap(),
            &issuer,
        )
        .unwrap();
        let ids: Vec<(u64, RecordId)> = chain.iter().map(|e| (e.link.sequence, e.id)).collect();
        let trusted: Vec<IssuerPublicKey> = c["trusted"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| load_key(k.as_str().unwrap()))
            .collect();
        let bytes = std::fs::read(dir().join(c["cosignatures"].as_str().unwrap())).unwrap();
        let file = read_cosignature_file(&bytes, &FileLimits::default());
        let kind: LogKind = c["kind"].as_str().unwrap().parse().unwrap();
        let now = t(c["now"].as_str().unwrap());
        let index =
            WitnessIndex::build(&file, &LogId::of(&issuer, kind), &trusted, &ids, Some(now));
        let found: Vec<Value> = index
            .findings()
            .iter()
            .map(|f| {
                let cause = match &f.problem {
                    EvidenceProblem::Invalid { cause, .. } => Some(cause.kind()),
                    _ => None,
                };
                finding(f.line.unwrap(), f.problem.check(), f.problem.kind(), cause)
            })
            .collect();
        assert_eq!(&Value::Array(found), &c["findings"], "{name}");
        for q in c["queries"].as_array().unwrap() {
            let sequence: u64 = q["sequence"].as_str().unwrap().parse().unwrap();
            let before = t(q["before"].as_str().unwrap());
            let threshold = q["threshold"].as_u64().unwrap() as usize;
            let got = index.witnessed(sequence, before);
            let mut ids: Vec<&str> = got.iter().map(|w| w.witness.key_id.as_str()).collect();
            ids.sort();
            assert_eq!(json!(ids), q["witnesses"], "{name} {q}");
            let holds = index.check_witnessed(sequence, before, threshold).is_ok();
            assert_eq!(json!(holds), q["holds"], "{name} {q}");
        }
    }
}

#[test]
fn every_key_change_gets_its_verdict() {
    let v: Value =
        serde_json::from_slice(&std::fs::read(dir().join("key-changes.json")).unwrap()).unwrap();
    for c in v["cases"].as_array().unwrap() {
        let env = Envelope::from_json(c["envelope"].as_str().unwrap().as_bytes()).unwrap();
        let got = KeyChange::open(&env);
        match c["error"].as_str() {
            None => {
                let opened = got.unwrap();
                assert_eq!(opened.old, load_key("issuer.pub"));
                assert_eq!(opened.new, load_key("issuer-new.pub"));
            }
            Some(kind) => assert_eq!(got.unwrap_err().kind(), kind, "{}", c["name"]),
        }
    }
}

#[test]
fn the_secret_key_files_are_the_published_test_keys() {
    for (name, first) in [
        ("witness-a", 0x41u8),
        ("witness-b", 0x51),
        ("untrusted", 0x71),
        ("issuer-new", 0x81),
    ] {
        let text = std::fs::read_to_string(dir().join(format!("{name}.key"))).unwrap();
        let k = IssuerKey::from_secret_text(&text).unwrap();
        let seed: [u8; 32] = core::array::from_fn(|i| first.wrapping_add(i as u8));
        assert_eq!(k.to_secret_bytes(), seed, "{name}");
    }
}

/// Runs one add-checkpoint case: the cosignature, or the refusal's kind.
fn run_add_checkpoint(c: &Value) -> Result<Envelope, String> {
    let request = parse_add_checkpoint(c["body"].as_str().unwrap().as_bytes(), &Limits::default())
        .map_err(|e| e.kind().to_owned())?;
    let state = (!c["state"].is_null()).then(|| {
        let s = &c["state"];
        LogState {
            issuer: load_key(s["issuer_public_key"].as_str().unwrap()),
            kind: s["kind"].as_str().unwrap().parse().unwrap(),
            head: serde_json::from_value(s["head"].clone()).unwrap(),
            head_created_at: t(s["head_created_at"].as_str().unwrap()),
            cosigned_at: t(s["cosigned_at"].as_str().unwrap()),
        }
    });
    let known = c["known_key"].as_str().map(load_key);
    let witness = IssuerKey::from_secret_text(
        &std::fs::read_to_string(dir().join("witness-a.key"))
            .unwrap_or_else(|_| witness_a().to_secret_text()),
    )
    .unwrap();
    add_checkpoint(
        state.as_ref(),
        known.as_ref(),
        &request,
        &witness,
        t(c["now"].as_str().unwrap()),
        &Limits::default(),
    )
    .map(|a| a.cosignature)
    .map_err(|r| r.kind().to_owned())
}

#[test]
fn every_add_checkpoint_case_gets_its_answer() {
    let v: Value =
        serde_json::from_slice(&std::fs::read(dir().join("add-checkpoint.json")).unwrap()).unwrap();
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 12);
    for c in cases {
        let got = run_add_checkpoint(c);
        match c["error"].as_str() {
            Some(kind) => assert_eq!(got.unwrap_err(), kind, "{}", c["name"]),
            None => assert_eq!(
                got.unwrap().to_json(),
                c["cosignature"].as_str().unwrap(),
                "{}",
                c["name"]
            ),
        }
    }
}
