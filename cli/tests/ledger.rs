//! The results ledger end to end through the binary: keygen (issuer and
//! unit head), commit, draw, record-result, correct, publish, summary and
//! verify; then tampering.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod fixtures;
use fixtures::example;

fn run<I, S>(dir: &Path, args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_double-random"))
        .env("DOUBLE_RANDOM_LANG", "en")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn ok(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).expect("UTF-8")
}

fn json(o: &Output) -> Value {
    serde_json::from_str(&ok(o)).expect("JSON")
}

fn registers() -> Vec<String> {
    let mut v = Vec::new();
    for (flag, file) in [
        ("--entities", "entities.csv"),
        ("--inspectors", "inspectors.csv"),
        ("--conflicts", "conflicts.csv"),
        ("--items", "items.csv"),
    ] {
        v.push(flag.to_owned());
        v.push(example(file).display().to_string());
    }
    v
}

struct Office {
    dir: tempfile::TempDir,
    draw: String,
    drawn: Vec<String>,
}

impl Office {
    fn p(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, args: &[&str]) -> Output {
        run(self.p(), args)
    }

    fn record(&self, uscc: &str, category: &str, created_at: &str) -> Output {
        self.run(&[
            "record-result",
            "--ledger",
            "ledger.jsonl",
            "--chain",
            "chain.jsonl",
            "--key",
            "k/issuer.key",
            "--draw",
            &self.draw[..16],
            "--uscc",
            uscc,
            "--inspection-start",
            "2024-09-23",
            "--inspection-end",
            "2024-09-27",
            "--method",
            "on-site",
            "--category",
            category,
            "--findings",
            "取水计量设施运行正常",
            "--created-at",
            created_at,
            "--json",
        ])
    }
}

/// Keys, a commitment with local randomness and a draw at fixed times.
fn office() -> Office {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    ok(&run(
        p,
        ["keygen", "--issuer", "阳城县水务局", "--out", "k/issuer"],
    ));
    ok(&run(
        p,
        ["keygen", "--issuer", "阳城县水务局局长", "--out", "k/head"],
    ));
    let mut commit = vec![
        "commit".to_owned(),
        "--chain".into(),
        "chain.jsonl".into(),
        "--key".into(),
        "k/issuer.key".into(),
        "--task".into(),
        example("tasks/water-permits.toml").display().to_string(),
        "--randomness-plan".into(),
        "local".into(),
        "--created-at".into(),
        "2024-05-20T01:00:00Z".into(),
    ];
    commit.extend(registers());
    ok(&run(p, &commit));
    let mut draw = vec![
        "draw".to_owned(),
        "--chain".into(),
        "chain.jsonl".into(),
        "--key".into(),
        "k/issuer.key".into(),
        "--randomness".into(),
        "11".repeat(32),
        "--created-at".into(),
        "2024-05-21T01:00:00Z".into(),
        "--json".into(),
    ];
    draw.extend(registers());
    let d = json(&run(p, &draw));
    let drawn = ["A", "B", "C", "D"]
        .iter()
        .flat_map(|c| d["drawn"][c].as_array().cloned().unwrap_or_default())
        .map(|e| e["uscc"].as_str().expect("uscc").to_owned())
        .collect();
    Office {
        dir,
        draw: d["record"].as_str().expect("record").to_owned(),
        drawn,
    }
}

fn verify(o: &Office, extra: &[&str]) -> Output {
    let mut args = vec![
        "verify",
        "--chain",
        "chain.jsonl",
        "--public-key",
        "k/issuer.pub",
        "--ledger",
        "ledger.jsonl",
        "--json",
    ];
    args.extend_from_slice(extra);
    o.run(&args)
}

#[test]
fn results_corrections_publication_and_summary_end_to_end() {
    let o = office();
    assert!(o.drawn.len() >= 3, "{:?}", o.drawn);
    // Results for every drawn entity but the last.
    let mut records = Vec::new();
    for (i, uscc) in o.drawn.iter().enumerate().take(o.drawn.len() - 1) {
        let r = json(&o.record(
            uscc,
            "no-problem",
            &format!("2024-10-{:02}T02:00:00Z", 8 + i),
        ));
        assert_eq!(r["on_time"], true);
        records.push(r["record"].as_str().expect("record").to_owned());
    }
    // The summary names the entity still without a result, and exits 1.
    let s = o.run(&[
        "summary",
        "--ledger",
        "ledger.jsonl",
        "--chain",
        "chain.jsonl",
        "--public-key",
        "k/issuer.pub",
        "--entities",
        &example("entities.csv").display().to_string(),
        "--json",
    ]);
    assert_eq!(s.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&s.stdout).expect("JSON");
    let row = &v["initiated"][0];
    let last = o.drawn.last().expect("drawn");
    assert_eq!(row["missing"].as_array().map(Vec::len), Some(1));
    assert_eq!(row["missing"][0]["uscc"], last.as_str());
    assert!(
        row["missing"][0]["name"]
            .as_str()
            .is_some_and(|n| !n.is_empty())
    );
    assert_eq!(row["drawn"], o.drawn.len());
    assert_eq!(row["entered"], o.drawn.len() - 1);

    json(&o.record(last, "problem-pending", "2024-10-31T02:00:00Z"));

    // A correction approved by the unit head.
    ok(&o.run(&[
        "correct",
        "--ledger",
        "ledger.jsonl",
        "--chain",
        "chain.jsonl",
        "--key",
        "k/issuer.key",
        "--approver-key",
        "k/head.key",
        "--result",
        &records[0][..12],
        "--reason",
        "检查结果类别录入错误",
        "--category",
        "info-not-published",
        "--follow-up",
        "abnormal-list:已列入经营异常名录",
        "--created-at",
        "2024-11-01T02:00:00Z",
    ]));
    ok(&o.run(&[
        "publish",
        "--ledger",
        "ledger.jsonl",
        "--chain",
        "chain.jsonl",
        "--key",
        "k/issuer.key",
        "--entities",
        &example("entities.csv").display().to_string(),
        "--inspectors",
        &example("inspectors.csv").display().to_string(),
        "--out-dir",
        "pub",
        "--created-at",
        "2024-11-02T02:00:00Z",
    ]));
    let csv = std::fs::read(o.p().join("pub/public-results.csv")).expect("csv");
    assert!(csv.starts_with("\u{feff}".as_bytes()));
    let text = String::from_utf8(csv.clone()).expect("UTF-8");
    assert!(text.contains("未按规定公示应当公示的信息") && text.contains(",是,"));
    assert!(!text.contains("取水计量设施运行正常"));

    // Everything holds with the approver key and both published files.
    let good = [
        "--approver-key",
        "k/head.pub",
        "--published",
        "pub/public-results.csv",
        "--published",
        "pub/public-results.json",
    ];
    let v = json(&verify(&o, &good));
    assert_eq!(v["holds"], true);
    let checks: Vec<&str> = v["ledger"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["check"].as_str())
        .collect();
    assert!(checks.contains(&"overdue"), "{checks:?}");
    assert!(!checks.contains(&"missing-result"));

    // The summary is complete: exit 0.
    ok(&o.run(&[
        "summary",
        "--ledger",
        "ledger.jsonl",
        "--chain",
        "chain.jsonl",
        "--public-key",
        "k/issuer.pub",
    ]));

    // Without the approver key the correction is rejected: exit 1.
    let v = verify(&o, &[]);
    assert_eq!(v.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&v.stdout).contains("correction-approval"));
    // With another key than the unit head's: exit 1.
    let v = verify(&o, &["--approver-key", "k/issuer.pub"]);
    assert_eq!(v.status.code(), Some(1));

    // A tampered published file: exit 1.
    let tampered = text.replacen("未按规定公示应当公示的信息", "未发现问题", 1);
    std::fs::write(o.p().join("pub/public-results.csv"), tampered).expect("write");
    let v = verify(
        &o,
        &[
            "--approver-key",
            "k/head.pub",
            "--published",
            "pub/public-results.csv",
        ],
    );
    assert_eq!(v.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&v.stdout).contains("published-file"));
    std::fs::write(o.p().join("pub/public-results.csv"), &csv).expect("write");

    // A tampered ledger line: exit 1.
    let ledger = std::fs::read_to_string(o.p().join("ledger.jsonl")).expect("ledger");
    let first = ledger.lines().next().expect("line");
    let i = first.find("\"payload\":\"").expect("payload") + 20;
    let mut bytes = first.as_bytes().to_vec();
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    let changed = ledger.replacen(first, std::str::from_utf8(&bytes).expect("ASCII"), 1);
    std::fs::write(o.p().join("ledger.jsonl"), changed).expect("write");
    assert_eq!(verify(&o, &good).status.code(), Some(1));
    // An unreadable ledger: exit 2.
    let v = o.run(&[
        "verify",
        "--chain",
        "chain.jsonl",
        "--public-key",
        "k/issuer.pub",
        "--ledger",
        "missing.jsonl",
    ]);
    assert_eq!(v.status.code(), Some(2));
}

#[test]
fn record_result_refuses_an_entity_that_was_not_drawn() {
    let o = office();
    let entities = std::fs::read_to_string(example("entities.csv")).expect("entities");
    let not_drawn = entities
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .find(|u| !o.drawn.iter().any(|d| d == u))
        .expect("an entity not drawn")
        .to_owned();
    let r = o.record(&not_drawn, "no-problem", "2024-10-08T02:00:00Z");
    assert_eq!(r.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&r.stderr).contains("result-not-drawn"));
    assert!(
        !o.p().join("ledger.jsonl").exists()
            || std::fs::read(o.p().join("ledger.jsonl"))
                .expect("read")
                .is_empty()
    );
    // A second result for the same entity is refused too.
    json(&o.record(&o.drawn[0], "no-problem", "2024-10-08T02:00:00Z"));
    let r = o.record(&o.drawn[0], "no-problem", "2024-10-09T02:00:00Z");
    assert_eq!(r.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&r.stderr).contains("duplicate-result"));
}

/// The unit head approves on their own computer: the office writes a
/// request signed by the issuer alone, the head checks and countersigns it
/// with a key the office never holds, the office appends it. A request for
/// another approver, a stale request and a wrong approver key are refused.
#[test]
fn a_correction_is_approved_on_the_unit_heads_own_computer() {
    let o = office();
    let first = json(&o.record(&o.drawn[0], "no-problem", "2024-10-08T02:00:00Z"));
    let result = first["record"].as_str().unwrap().to_owned();
    ok(&o.run(&[
        "keygen",
        "--issuer",
        "阳城县水务局副局长",
        "--out",
        "k/deputy",
    ]));
    let lines = || {
        std::fs::read_to_string(o.p().join("ledger.jsonl"))
            .unwrap()
            .lines()
            .count()
    };
    let request = |out: &str, at: &str| {
        o.run(&[
            "correct",
            "--ledger",
            "ledger.jsonl",
            "--chain",
            "chain.jsonl",
            "--key",
            "k/issuer.key",
            "--approver-pub",
            "k/head.pub",
            "--request-out",
            out,
            "--result",
            &result[..12],
            "--reason",
            "检查结果类别录入错误",
            "--category",
            "problem-pending",
            "--created-at",
            at,
        ])
    };
    // 1. The request: nothing is appended.
    ok(&request("req.json", "2024-10-20T02:00:00Z"));
    assert_eq!(lines(), 1);
    // 2. The head: a key the request does not name is refused; the right
    //    one shows the correction and countersigns it.
    let approve = |key: &str, out: &str| {
        o.run(&[
            "approve",
            "--request",
            "req.json",
            "--public-key",
            "k/issuer.pub",
            "--key",
            key,
            "--out",
            out,
        ])
    };
    let wrong = approve("k/deputy.key", "wrong.json");
    assert_eq!(wrong.status.code(), Some(2), "{wrong:?}");
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("阳城县水务局局长"));
    assert!(!o.p().join("wrong.json").exists());
    let shown = ok(&approve("k/head.key", "approved.json"));
    assert!(shown.contains("检查结果类别录入错误") && shown.contains(&o.drawn[0]));
    // The approval file is not overwritten by a second approval.
    assert_ne!(
        approve("k/head.key", "approved.json").status.code(),
        Some(0)
    );
    // 3. The office appends it, checked against the head's public key.
    let attach = |file: &str, approver: &str| {
        o.run(&[
            "correct",
            "--ledger",
            "ledger.jsonl",
            "--chain",
            "chain.jsonl",
            "--key",
            "k/issuer.key",
            "--approver-pub",
            approver,
            "--approval",
            file,
            "--json",
        ])
    };
    assert_ne!(
        attach("approved.json", "k/deputy.pub").status.code(),
        Some(0)
    );
    assert_ne!(attach("req.json", "k/head.pub").status.code(), Some(0));
    assert_eq!(lines(), 1);
    let done = json(&attach("approved.json", "k/head.pub"));
    assert_eq!(lines(), 2);
    assert_eq!(done["corrects"].as_str(), Some(result.as_str()));
    let v = json(&verify(&o, &["--approver-key", "k/head.pub"]));
    assert_eq!(v["holds"], true, "{v}");

    // A request made before another record was appended no longer fits.
    ok(&request("req2.json", "2024-10-21T02:00:00Z"));
    ok(&o.run(&[
        "approve",
        "--request",
        "req2.json",
        "--public-key",
        "k/issuer.pub",
        "--key",
        "k/head.key",
        "--out",
        "approved2.json",
    ]));
    json(&o.record(&o.drawn[1], "no-problem", "2024-10-22T02:00:00Z"));
    let stale = attach("approved2.json", "k/head.pub");
    assert_eq!(stale.status.code(), Some(1), "{stale:?}");
    assert!(String::from_utf8_lossy(&stale.stderr).contains("make a new request"));
    assert_eq!(lines(), 3);
}
