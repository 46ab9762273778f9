//! The witness end to end: the built `double-random` binary runs
//! `witness serve --listen 127.0.0.1:0` on a temporary state directory,
//! the tests read the bound address from its standard output, talk to it
//! over loopback (the CLI's `witness request`, the client library, raw
//! HTTP), kill it (`kill -9` included) and start it again.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use double_random::calendar::Timestamp;
use double_random::records::{ChainLink, Envelope, IssuerKey, RecordId, sign};
use double_random::witness::{
    AddCheckpointBody, CheckpointRequest, FileLimits, Head, KeyChange, LogEntry, LogId, LogKind,
    WitnessIndex, read_cosignature_file, read_log,
};
use double_random_witness::client::{Client, ClientError};
use serde_json::Value;

const TEST_TYPE: &str = "application/vnd.double-random.test.v2+json";

fn key(name: &str, first: u8) -> IssuerKey {
    let seed: [u8; 32] = core::array::from_fn(|i| first.wrapping_add(i as u8));
    IssuerKey::from_secret_bytes(name, &seed).unwrap()
}

fn issuer() -> IssuerKey {
    key("阳城县水务局 (TEST ONLY)", 1)
}

fn witness_key() -> IssuerKey {
    key("阳城县纪委监委 (TEST ONLY)", 0x41)
}

/// A chain of `n` records under `key`; `note` tells two chains apart.
fn chain(key: &IssuerKey, n: u64, note: &str) -> Vec<Envelope> {
    let mut out: Vec<Envelope> = Vec::new();
    for sequence in 0..n {
        let link = ChainLink {
            issuer: key.issuer().into(),
            key_id: key.key_id().into(),
            sequence,
            previous: out.last().map(Envelope::record_id),
            created_at: Timestamp::from_unix(1_717_200_000 + sequence as i64).unwrap(),
        };
        let payload = serde_json::json!({"chain": link, "note": note}).to_string();
        out.push(sign(TEST_TYPE, payload.as_bytes(), key));
    }
    out
}

fn write_chain(path: &Path, records: &[Envelope]) {
    let text: String = records.iter().map(|r| r.to_json() + "\n").collect();
    std::fs::write(path, text).unwrap();
}

fn head(records: &[Envelope]) -> Head {
    Head {
        sequence: records.len() as u64 - 1,
        record: records.last().unwrap().record_id(),
    }
}

/// A temporary directory with the witness's and the issuer's key files.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let f = Fixture { dir };
        f.keys("witness", &witness_key());
        f.keys("issuer", &issuer());
        f
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn keys(&self, prefix: &str, k: &IssuerKey) {
        // A secret key only its owner may read (group/world-readable ones are refused).
        let secret = self.path(&format!("{prefix}.key"));
        std::fs::write(&secret, k.to_secret_text()).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        std::fs::write(
            self.path(&format!("{prefix}.pub")),
            k.public_key().to_text(),
        )
        .unwrap();
    }

    fn state(&self) -> PathBuf {
        self.path("state")
    }

    fn cosignatures(&self, chain: &str) -> Vec<Envelope> {
        let bytes =
            std::fs::read(self.path(&format!("{chain}.cosignatures.jsonl"))).unwrap_or_default();
        let file = read_cosignature_file(&bytes, &FileLimits::default());
        assert!(file.findings.is_empty(), "{:?}", file.findings);
        file.envelopes.into_iter().map(|(_, e)| e).collect()
    }

    /// `witness request` for `chain` (a file name in the fixture).
    fn request(&self, chain: &str, public_key: &str, urls: &[&str], extra: &[&str]) -> Output {
        let mut args = vec![
            "witness".to_owned(),
            "request".into(),
            "--chain".into(),
            self.path(chain).display().to_string(),
            "--public-key".into(),
            self.path(public_key).display().to_string(),
            "--timeout".into(),
            "20".into(),
        ];
        for u in urls {
            args.push("--url".into());
            args.push((*u).into());
        }
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        run(&args)
    }
}

fn run<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_double-random"))
        .env("DOUBLE_RANDOM_LANG", "en")
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

mod support;
use support::Server;

/// The fixture's witness, started.
fn serve(f: &Fixture) -> Server {
    Server::start(&f.path("witness.key"), &f.state())
}

fn client() -> Client {
    Client::new(Duration::from_secs(20))
}

fn entries(records: &[Envelope]) -> Vec<LogEntry> {
    let text: String = records.iter().map(|r| r.to_json() + "\n").collect();
    read_log(text.as_bytes(), issuer().public_key()).unwrap()
}

/// Raw `POST /add-checkpoint`: status and JSON answer.
fn post(url: &str, request: &CheckpointRequest) -> (u16, Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into();
    let body = AddCheckpointBody::from_request(request).to_json();
    let mut r = agent
        .post(&format!("{url}/add-checkpoint"))
        .header("content-type", "application/json")
        .send(body)
        .unwrap();
    let status = r.status().as_u16();
    let text = r.body_mut().read_to_string().unwrap();
    (status, serde_json::from_str(&text).unwrap())
}

fn get(url: &str) -> (u16, Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut r = agent.get(url).call().unwrap();
    let status = r.status().as_u16();
    let text = r.body_mut().read_to_string().unwrap();
    (status, serde_json::from_str(&text).unwrap())
}

fn held(url: &str) -> Option<u64> {
    let (status, v) = get(&format!("{url}/logs/{}/receipts", issuer().key_id()));
    match status {
        404 => None,
        200 => Some(v["head"]["sequence"].as_str().unwrap().parse().unwrap()),
        s => panic!("status {s}: {v}"),
    }
}

fn request_of(records: &[Envelope], old: Option<Head>, from: usize) -> CheckpointRequest {
    CheckpointRequest {
        issuer: issuer().public_key().clone(),
        kind: LogKind::Receipts,
        old,
        records: records[from..].to_vec(),
        key_change: None,
    }
}

#[test]
fn an_honest_chain_is_cosigned_then_cosigned_again_after_appending() {
    let f = Fixture::new();
    let server = serve(&f);
    let (status, info) = get(&format!("{}/", server.url));
    assert_eq!(status, 200);
    assert_eq!(info["key_id"], witness_key().key_id());
    assert_eq!(info["public_key"], witness_key().public_key().to_text());

    let records = chain(&issuer(), 5, "a");
    write_chain(&f.path("chain.jsonl"), &records[..3]);
    let o = f.request("chain.jsonl", "issuer.pub", &[&server.url], &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("3 record(s) sent"), "{}", text(&o));
    assert_eq!(held(&server.url), Some(2));

    write_chain(&f.path("chain.jsonl"), &records);
    let o = f.request("chain.jsonl", "issuer.pub", &[&server.url], &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("2 record(s) sent"), "{}", text(&o));
    assert_eq!(held(&server.url), Some(4));

    // Nothing new: the same head, cosigned again with a later time.
    let o = f.request("chain.jsonl", "issuer.pub", &[&server.url], &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("0 record(s) sent"), "{}", text(&o));

    // The file beside the chain verifies and proves record 0 existed.
    let cosignatures = f.cosignatures("chain.jsonl");
    assert_eq!(cosignatures.len(), 3);
    let bytes = std::fs::read(f.path("chain.jsonl.cosignatures.jsonl")).unwrap();
    let ids: Vec<(u64, RecordId)> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (i as u64, r.record_id()))
        .collect();
    let index = WitnessIndex::build(
        &read_cosignature_file(&bytes, &FileLimits::default()),
        &LogId::of(issuer().public_key(), LogKind::Receipts),
        &[witness_key().public_key().clone()],
        &ids,
        None,
    );
    assert!(index.findings().is_empty(), "{:?}", index.findings());
    assert_eq!(index.counted(), 3);
    let later = Timestamp::parse("9999-01-01T00:00:00Z").unwrap();
    assert_eq!(index.witnessed(4, later).len(), 1);
    // An unknown log is a 404.
    let (status, v) = get(&format!(
        "{}/logs/{}/results",
        server.url,
        issuer().key_id()
    ));
    assert_eq!((status, v["error"].as_str()), (404, Some("unknown-log")));
}

#[test]
fn a_conflict_is_answered_409_and_the_client_retries_from_the_held_head() {
    let f = Fixture::new();
    let server = serve(&f);
    let records = chain(&issuer(), 6, "a");
    let c = client();
    let w = witness_key().public_key().clone();
    let i = issuer().public_key().clone();
    c.request_from(
        &server.url,
        &entries(&records[..3]),
        &i,
        LogKind::Receipts,
        None,
        &w,
        None,
    )
    .unwrap();

    // Raw: the requester believes the witness holds nothing.
    let (status, v) = post(&server.url, &request_of(&records, None, 0));
    assert_eq!(status, 409, "{v}");
    assert_eq!(v["error"], "conflict");
    assert_eq!(v["held"]["sequence"], "2");
    assert_eq!(v["held"]["record"], records[2].record_id().to_string());

    // The client, told a stale head, gets the 409 and goes on from the
    // held head: it sends records 3..5 only.
    let got = c
        .request_from(
            &server.url,
            &entries(&records),
            &i,
            LogKind::Receipts,
            None,
            &w,
            Some(Head {
                sequence: 0,
                record: records[0].record_id(),
            }),
        )
        .unwrap();
    assert_eq!(got.previous.map(|h| h.sequence), Some(2));
    assert_eq!(got.sent, 3);
    assert_eq!(got.cosignature.statement().head, head(&records));
}

#[test]
fn a_cut_chain_and_a_second_chain_under_the_same_key_are_refused() {
    let f = Fixture::new();
    let server = serve(&f);
    let records = chain(&issuer(), 5, "a");
    write_chain(&f.path("chain.jsonl"), &records);
    let o = f.request("chain.jsonl", "issuer.pub", &[&server.url], &[]);
    assert!(o.status.success(), "{}", text(&o));

    // Rollback: the last two records dropped.
    write_chain(&f.path("cut.jsonl"), &records[..3]);
    let o = f.request("cut.jsonl", "issuer.pub", &[&server.url], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("rollback"), "{}", text(&o));

    // Fork: another chain under the same key, longer than the held head.
    let fork = chain(&issuer(), 7, "b");
    write_chain(&f.path("fork.jsonl"), &fork);
    let o = f.request("fork.jsonl", "issuer.pub", &[&server.url], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("fork"), "{}", text(&o));
    assert!(!f.path("fork.jsonl.cosignatures.jsonl").exists());

    // The witness itself refuses the fork's records after its head (409 fork)...
    let (status, v) = post(&server.url, &request_of(&fork, Some(head(&records)), 5));
    assert_eq!((status, v["error"].as_str()), (409, Some("fork")), "{v}");
    assert_eq!(v["held"]["sequence"], "4");
    // ...and a record at its head's sequence with another id.
    let (status, v) = post(&server.url, &request_of(&fork, Some(head(&records)), 4));
    assert_eq!((status, v["error"].as_str()), (409, Some("fork")), "{v}");
    // A gap and a bad record are 422 with their kind.
    let (status, v) = post(&server.url, &request_of(&fork, Some(head(&records)), 6));
    assert_eq!((status, v["error"].as_str()), (422, Some("gap")), "{v}");
    let mut bad = request_of(&records, None, 0);
    bad.issuer = key("阳城县水务局 (TEST ONLY)", 0x77).public_key().clone();
    let (status, v) = post(&server.url, &bad);
    assert_eq!(status, 422, "{v}");
    // A body that is not a request is a 400.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let r = agent
        .post(&format!("{}/add-checkpoint", server.url))
        .send("{\"kind\":\"receipts\"}")
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(held(&server.url), Some(4));
}

#[test]
fn a_second_key_with_the_same_name_needs_a_key_change_signed_by_both_keys() {
    let f = Fixture::new();
    let server = serve(&f);
    write_chain(&f.path("chain.jsonl"), &chain(&issuer(), 2, "a"));
    let o = f.request("chain.jsonl", "issuer.pub", &[&server.url], &[]);
    assert!(o.status.success(), "{}", text(&o));

    let new = key(issuer().issuer(), 0x81);
    f.keys("new", &new);
    write_chain(&f.path("new.jsonl"), &chain(&new, 2, "n"));
    let o = f.request("new.jsonl", "new.pub", &[&server.url], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("unknown-key"), "{}", text(&o));

    let change = KeyChange::new(
        issuer().public_key(),
        new.public_key(),
        Timestamp::parse("2024-06-05T00:00:00Z").unwrap(),
    )
    .unwrap();
    // Signed by the old key alone: refused.
    let only_old = sign(
        double_random::witness::KEY_CHANGE_TYPE,
        &change.to_payload(),
        &issuer(),
    );
    std::fs::write(f.path("only-old.json"), only_old.to_json()).unwrap();
    let path = f.path("only-old.json").display().to_string();
    let o = f.request(
        "new.jsonl",
        "new.pub",
        &[&server.url],
        &["--key-change", &path],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("bad-key-change"), "{}", text(&o));

    std::fs::write(
        f.path("change.json"),
        change.sign(&issuer(), &new).to_json(),
    )
    .unwrap();
    let path = f.path("change.json").display().to_string();
    let o = f.request(
        "new.jsonl",
        "new.pub",
        &[&server.url],
        &["--key-change", &path],
    );
    assert!(o.status.success(), "{}", text(&o));

    // The old key is now the unknown one.
    let o = f.request("chain.jsonl", "issuer.pub", &[&server.url], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("unknown-key"), "{}", text(&o));
}

#[test]
fn the_state_survives_a_restart_and_kill_9_during_requests() {
    let f = Fixture::new();
    let records = chain(&issuer(), 400, "a");
    let fork = chain(&issuer(), 400, "b");
    let i = issuer().public_key().clone();
    let all = entries(&records);

    let server = serve(&f);
    client()
        .request(&server.url, &all[..3], &i, LogKind::Receipts, None)
        .unwrap();
    server.kill();
    let server = serve(&f);
    assert_eq!(held(&server.url), Some(2));
    let err = client()
        .request(
            &server.url,
            &entries(&fork[..10]),
            &i,
            LogKind::Receipts,
            None,
        )
        .unwrap_err();
    assert!(matches!(err, ClientError::NotOnChain { .. }), "{err}");
    server.kill();

    // Kill -9 while a requester extends the chain one record at a time.
    let mut confirmed = 2u64;
    let mut next = 3usize;
    for round in 0..3 {
        let server = serve(&f);
        let url = server.url.clone();
        let (i2, all2) = (i.clone(), all.clone());
        let start = next;
        let requester = std::thread::spawn(move || {
            let c = Client::new(Duration::from_secs(5));
            let mut last_ok = None;
            let deadline = Instant::now() + Duration::from_secs(20);
            // Never the last record: the fork request below always carries
            // at least one record after the held head (with none, it would
            // be a re-cosigning of that head, answered 200 on a fast machine).
            for n in start..all2.len() - 1 {
                if Instant::now() > deadline {
                    break;
                }
                match c.request(&url, &all2[..=n], &i2, LogKind::Receipts, None) {
                    Ok(got) => last_ok = Some(got.cosignature.statement().head.sequence),
                    Err(_) => break,
                }
            }
            last_ok
        });
        std::thread::sleep(Duration::from_millis(300 + 150 * round));
        server.kill();
        let answered = requester.join().unwrap();

        let server = serve(&f);
        let h = held(&server.url).unwrap();
        // Everything answered was stored: the held head is at least the last
        // cosignature received, and it is a head of the honest chain.
        if let Some(a) = answered {
            assert!(h >= a, "held {h} < answered {a}");
        }
        assert!(h >= confirmed && (h as usize) < all.len());
        let (_, v) = get(&format!("{}/logs/{}/receipts", server.url, i.key_id()));
        assert_eq!(v["head"]["record"], all[h as usize].id.to_string());
        // The fork is still refused.
        let (status, v) = post(
            &server.url,
            &request_of(
                &fork,
                Some(Head {
                    sequence: h,
                    record: all[h as usize].id,
                }),
                h as usize + 1,
            ),
        );
        assert_eq!((status, v["error"].as_str()), (409, Some("fork")), "{v}");
        confirmed = h;
        next = h as usize + 1;
        server.kill();
    }
    eprintln!("kill -9 rounds: the witness held sequence {confirmed} at the end");
    assert!(confirmed > 2, "no request got through in three rounds");
}

#[test]
fn of_concurrent_requests_for_one_log_one_wins() {
    let f = Fixture::new();
    let server = serve(&f);
    let records = chain(&issuer(), 4, "a");
    let (status, _) = post(&server.url, &request_of(&records[..2], None, 0));
    assert_eq!(status, 200);
    let old = Some(Head {
        sequence: 1,
        record: records[1].record_id(),
    });
    let n = 6;
    let barrier = Arc::new(Barrier::new(n));
    let threads: Vec<_> = (0..n)
        .map(|_| {
            let url = server.url.clone();
            let req = request_of(&records, old, 2);
            let b = barrier.clone();
            std::thread::spawn(move || {
                b.wait();
                post(&url, &req)
            })
        })
        .collect();
    let answers: Vec<(u16, Value)> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let wins = answers.iter().filter(|(s, _)| *s == 200).count();
    assert_eq!(wins, 1, "{answers:?}");
    for (s, v) in &answers {
        if *s != 200 {
            assert_eq!((*s, v["error"].as_str()), (409, Some("conflict")), "{v}");
            assert_eq!(v["held"]["sequence"], "3");
        }
    }
}

#[test]
fn an_offline_witness_cosigns_from_its_own_state() {
    let f = Fixture::new();
    let records = chain(&issuer(), 4, "a");
    write_chain(&f.path("chain.jsonl"), &records[..2]);
    let cosign = |chain: &str, key: &str| {
        run(&[
            "witness".to_owned(),
            "cosign".into(),
            "--key".into(),
            f.path(key).display().to_string(),
            "--state".into(),
            f.state().display().to_string(),
            "--public-key".into(),
            f.path("issuer.pub").display().to_string(),
            "--chain".into(),
            f.path(chain).display().to_string(),
        ])
    };
    let o = cosign("chain.jsonl", "witness.key");
    assert!(o.status.success(), "{}", text(&o));
    write_chain(&f.path("chain.jsonl"), &records);
    let o = cosign("chain.jsonl", "witness.key");
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("2 record(s) checked"), "{}", text(&o));
    let c = f.cosignatures("chain.jsonl");
    assert_eq!(c.len(), 2);

    write_chain(&f.path("fork.jsonl"), &chain(&issuer(), 5, "b"));
    let o = cosign("fork.jsonl", "witness.key");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("fork"), "{}", text(&o));
    write_chain(&f.path("cut.jsonl"), &records[..1]);
    let o = cosign("cut.jsonl", "witness.key");
    assert!(text(&o).contains("rollback"), "{}", text(&o));

    // The state belongs to its witness key.
    f.keys("other", &key("别的见证方 (TEST ONLY)", 0x33));
    let o = cosign("chain.jsonl", "other.key");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("belongs to witness key"), "{}", text(&o));
    // The issuer key is checked on every record.
    f.keys("issuer", &key("阳城县水务局 (TEST ONLY)", 0x55));
    let o = cosign("chain.jsonl", "witness.key");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}
