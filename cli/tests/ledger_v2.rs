//! Results ledger format version 2 through the binary: follow-up progress
//! published without the corrected mark, and a joint task whose departments
//! each enter the results of their own check items (谁检查、谁录入).

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod fixtures;
use fixtures::example;

fn run<S: AsRef<std::ffi::OsStr>>(dir: &Path, args: &[S]) -> Output {
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

fn args(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| (*s).to_owned()).collect()
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

/// Keys, one task committed and drawn with local randomness: the directory,
/// the draw's id and the drawn entities.
fn drawn(task: &str) -> (tempfile::TempDir, String, Vec<String>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    ok(&run(
        p,
        &["keygen", "--issuer", "阳城县水务局", "--out", "k/issuer"],
    ));
    let mut commit = args(&[
        "commit",
        "--chain",
        "chain.jsonl",
        "--key",
        "k/issuer.key",
        "--randomness-plan",
        "local",
        "--created-at",
        "2024-08-20T01:00:00Z",
        "--task",
    ]);
    commit.push(example(task).display().to_string());
    commit.extend(registers());
    ok(&run(p, &commit));
    let mut draw = args(&[
        "draw",
        "--chain",
        "chain.jsonl",
        "--key",
        "k/issuer.key",
        "--randomness",
        &"22".repeat(32),
        "--created-at",
        "2024-08-21T01:00:00Z",
        "--json",
    ]);
    draw.extend(registers());
    let d = json(&run(p, &draw));
    let usccs = d["teams"]
        .as_array()
        .expect("teams")
        .iter()
        .map(|t| t["uscc"].as_str().expect("uscc").to_owned())
        .collect();
    let id = d["record"].as_str().expect("record").to_owned();
    (dir, id, usccs)
}

fn record(p: &Path, draw: &str, uscc: &str, extra: &[&str]) -> Value {
    let mut a = args(&[
        "record-result",
        "--ledger",
        "ledger.jsonl",
        "--chain",
        "chain.jsonl",
        "--key",
        "k/issuer.key",
        "--draw",
        &draw[..16],
        "--uscc",
        uscc,
        "--inspection-start",
        "2024-09-02",
        "--inspection-end",
        "2024-09-03",
        "--method",
        "on-site",
        "--json",
    ]);
    a.extend(args(extra));
    json(&run(p, &a))
}

#[test]
fn progress_is_published_without_the_corrected_mark() {
    let (dir, draw, drawn) = drawn("tasks/water-permits.toml");
    let p = dir.path();
    let mut first = String::new();
    for (i, u) in drawn.iter().enumerate() {
        let extra: Vec<String> = if i == 0 {
            args(&[
                "--category",
                "other-violation",
                "--follow-up",
                "penalty-decision",
                "--created-at",
            ])
        } else {
            args(&["--category", "no-problem", "--created-at"])
        };
        let mut extra = extra;
        extra.push(format!("2024-09-04T0{i}:00:00Z"));
        let r = record(
            p,
            &draw,
            u,
            &extra.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        if i == 0 {
            first = r["record"].as_str().expect("record").to_owned();
        }
    }
    let pr = json(&run(
        p,
        &args(&[
            "progress",
            "--ledger",
            "ledger.jsonl",
            "--chain",
            "chain.jsonl",
            "--key",
            "k/issuer.key",
            "--result",
            &first[..16],
            "--follow-up",
            "penalty-decision:阳水罚〔2024〕9号 罚款1万元",
            "--created-at",
            "2024-10-10T02:00:00Z",
            "--json",
        ]),
    ));
    assert_eq!(pr["follow_ups"][0]["kind"], "penalty-decision");
    let mut publish = args(&[
        "publish",
        "--ledger",
        "ledger.jsonl",
        "--chain",
        "chain.jsonl",
        "--key",
        "k/issuer.key",
        "--out-dir",
        "public",
        "--created-at",
        "2024-10-11T02:00:00Z",
        "--entities",
    ]);
    publish.push(example("entities.csv").display().to_string());
    ok(&run(p, &publish));
    let csv = std::fs::read_to_string(p.join("public/public-results.csv")).expect("csv");
    let header: Vec<&str> = csv.lines().next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| h.ends_with(name)).expect(name);
    let row: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with(&drawn[0]))
        .expect("the row")
        .split(',')
        .collect();
    assert_eq!(row[col("是否更正")], "否", "progress is no correction");
    assert_eq!(
        row[col("后续处置")],
        "行政处罚决定：阳水罚〔2024〕9号 罚款1万元"
    );
    assert_eq!(
        row[col("后续处置更新时间（北京时间）")],
        "2024-10-10 10:00:00"
    );
    assert_eq!(row[col("更正时间（北京时间）")], "");
    let mut verify = args(&[
        "verify",
        "--chain",
        "chain.jsonl",
        "--public-key",
        "k/issuer.pub",
        "--ledger",
        "ledger.jsonl",
        "--published",
        "public/public-results.csv",
    ]);
    verify.extend(registers());
    ok(&run(p, &verify));
}

#[test]
fn a_joint_tasks_summary_shows_each_departments_own_items() {
    let (dir, draw, drawn) = drawn("tasks/joint-works.toml");
    let p = dir.path();
    // Without --item a joint task's result is refused: which items did it check?
    let mut a = args(&[
        "record-result",
        "--ledger",
        "ledger.jsonl",
        "--chain",
        "chain.jsonl",
        "--key",
        "k/issuer.key",
        "--draw",
        &draw[..16],
        "--uscc",
        &drawn[0],
        "--department",
        "水保股",
        "--inspection-start",
        "2024-09-02",
        "--inspection-end",
        "2024-09-03",
        "--method",
        "on-site",
        "--category",
        "no-problem",
    ]);
    assert_eq!(run(p, &a).status.code(), Some(2));
    // An item the task does not name is refused (exit 1).
    a.extend(args(&[
        "--item",
        "HD-001",
        "--created-at",
        "2024-09-04T00:00:00Z",
    ]));
    let unknown = run(p, &a);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("result-items"));
    for (i, u) in drawn.iter().enumerate() {
        let at = format!("2024-09-04T{:02}:00:00Z", 2 * i);
        record(
            p,
            &draw,
            u,
            &[
                "--department",
                "工程股",
                "--item",
                "GC-001",
                "--category",
                "no-problem",
                "--created-at",
                &at,
            ],
        );
        let at = format!("2024-09-04T{:02}:30:00Z", 2 * i);
        let category = if i == 0 {
            "problem-pending"
        } else {
            "no-problem"
        };
        record(
            p,
            &draw,
            u,
            &[
                "--department",
                "水保股",
                "--item",
                "SB-001",
                "--category",
                category,
                "--created-at",
                &at,
            ],
        );
    }
    let s = run(
        p,
        &args(&[
            "summary",
            "--ledger",
            "ledger.jsonl",
            "--chain",
            "chain.jsonl",
            "--public-key",
            "k/issuer.pub",
            "--json",
        ]),
    );
    let v: Value = serde_json::from_slice(&s.stdout).expect("JSON");
    let n = drawn.len() as u64;
    let ini = &v["initiated"][0];
    let coop = &v["cooperated"][0];
    assert_eq!(coop["department"], "水保股");
    assert_eq!(ini["entered"], n);
    assert_eq!(coop["entered"], n);
    let items = |row: &Value| -> Vec<(String, u64)> {
        row["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| {
                (
                    i["item"].as_str().expect("item").to_owned(),
                    i["entities"].as_u64().expect("n"),
                )
            })
            .collect()
    };
    assert_eq!(
        items(coop),
        [("GC-001".to_owned(), 0), ("SB-001".to_owned(), n)]
    );
    assert_eq!(
        items(ini),
        [("GC-001".to_owned(), n), ("SB-001".to_owned(), n)]
    );
    let count = |row: &Value, code: &str| {
        row["categories"]
            .as_array()
            .expect("categories")
            .iter()
            .find(|c| c["category"] == code)
            .and_then(|c| c["count"].as_u64())
            .expect(code)
    };
    // Overall: no-problem only where both departments found none.
    assert_eq!(count(ini, "problem-pending"), 1);
    assert_eq!(count(ini, "no-problem"), n - 1);
    assert_eq!(count(coop, "problem-pending"), 1);
    // Exit 1: nothing is published yet.
    let text = String::from_utf8(
        run(
            p,
            &args(&[
                "summary",
                "--ledger",
                "ledger.jsonl",
                "--chain",
                "chain.jsonl",
                "--public-key",
                "k/issuer.pub",
            ]),
        )
        .stdout,
    )
    .expect("UTF-8");
    assert!(
        text.contains(&format!("check items of this department (entities whose result covers each): GC-001 0 · SB-001 {n}")),
        "{text}"
    );
}
