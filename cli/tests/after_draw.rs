//! After the draw, through the binary: `replace` (an officer recuses, 回避)
//! and `supplement` (a deregistered firm, 注销, replaced by the next of its
//! class), both verified with exit 0; a replacement changed and re-signed
//! fails `verify`; `record-result` takes the amended team and the
//! supplementary entity.

use std::path::Path;
use std::process::{Command, Output};

use double_random::records::{Envelope, IssuerKey, Record};
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

fn args(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| (*s).to_owned()).collect()
}

/// Declared conflicts of the example: (officer, entity).
fn conflicts() -> Vec<(String, String)> {
    std::fs::read_to_string(example("conflicts.csv"))
        .expect("conflicts")
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_owned(), f[1].to_owned())
        })
        .collect()
}

/// The class letter of an entity in the example register.
fn class_of(uscc: &str) -> String {
    std::fs::read_to_string(example("entities.csv"))
        .expect("entities")
        .lines()
        .find(|l| l.starts_with(uscc))
        .map(|l| l.split(',').nth(2).expect("class").to_owned())
        .expect("in the register")
}

struct Office {
    dir: tempfile::TempDir,
    draw: String,
    /// (class, USCC, team) in draw order.
    drawn: Vec<(String, String, Vec<String>)>,
}

impl Office {
    fn p(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, a: &[String]) -> Output {
        run(self.p(), a)
    }

    fn verify(&self) -> Output {
        let mut a = args(&[
            "verify",
            "--chain",
            "chain.jsonl",
            "--public-key",
            "k/issuer.pub",
        ]);
        a.extend(registers());
        self.run(&a)
    }
}

/// The water-permits task committed and drawn with local randomness.
fn office() -> Office {
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
        "2024-05-20T01:00:00Z",
        "--task",
    ]);
    commit.push(example("tasks/water-permits.toml").display().to_string());
    commit.extend(registers());
    ok(&run(p, &commit));
    let mut draw = args(&[
        "draw",
        "--chain",
        "chain.jsonl",
        "--key",
        "k/issuer.key",
        "--randomness",
        &"11".repeat(32),
        "--created-at",
        "2024-05-21T01:00:00Z",
        "--json",
    ]);
    draw.extend(registers());
    let d = json(&run(p, &draw));
    let teams = d["teams"].as_array().expect("teams");
    let drawn = teams
        .iter()
        .map(|t| {
            let uscc = t["uscc"].as_str().expect("uscc").to_owned();
            let team = t["inspectors"]
                .as_array()
                .expect("inspectors")
                .iter()
                .map(|i| i.as_str().expect("id").to_owned())
                .collect();
            (class_of(&uscc), uscc, team)
        })
        .collect();
    Office {
        dir,
        draw: d["record"].as_str().expect("record").to_owned(),
        drawn,
    }
}

#[test]
fn a_recusal_after_the_draw_is_replaced_by_the_rule_and_verifies() {
    let o = office();
    let (_, uscc, team) = o.drawn[0].clone();
    let mut a = args(&[
        "replace",
        "--chain",
        "chain.jsonl",
        "--key",
        "k/issuer.key",
        "--draw",
        &o.draw[..16],
        "--uscc",
        &uscc,
        "--leaving",
        &team[0],
        "--reason",
        "回避",
        "--reason-text",
        "与该单位法定代表人系近亲属",
        "--created-at",
        "2024-05-22T01:00:00Z",
        "--json",
    ]);
    a.extend(registers());
    let r = json(&o.run(&a));
    let new_team: Vec<String> = r["team"]
        .as_array()
        .expect("team")
        .iter()
        .map(|i| i.as_str().expect("id").to_owned())
        .collect();
    assert_eq!(new_team.len(), 2);
    assert_ne!(new_team[0], new_team[1], "two distinct officers");
    assert!(!new_team.contains(&team[0]), "the leaving officer is gone");
    for (officer, entity) in conflicts() {
        assert!(
            !(entity == uscc && new_team.contains(&officer)),
            "{officer} declared a conflict with {uscc}"
        );
    }
    assert_eq!(r["reason"]["kind"], "recusal");
    let v = o.verify();
    assert_eq!(
        v.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&v.stdout)
    );

    // The office names another officer and signs the record again.
    let chain_path = o.p().join("chain.jsonl");
    let text = std::fs::read_to_string(&chain_path).expect("chain");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let key = IssuerKey::from_secret_text(
        &std::fs::read_to_string(o.p().join("k/issuer.key")).expect("key"),
    )
    .expect("key file");
    let env = Envelope::from_json(lines.last().expect("line").as_bytes()).expect("envelope");
    let Ok(Record::Replacement(mut p)) = Record::open(&env, key.public_key()) else {
        panic!("not a replacement")
    };
    let other = ["ZF14052203", "ZF14052204", "ZF14052205", "ZF14052202"]
        .into_iter()
        .find(|i| *i != p.replacement && !new_team.iter().any(|t| t == i) && *i != p.leaving)
        .expect("another officer");
    p.replacement = other.to_owned();
    *lines.last_mut().expect("line") = Record::Replacement(p).sign(&key).expect("signs").to_json();
    std::fs::write(&chain_path, lines.join("\n") + "\n").expect("write");
    let v = o.verify();
    assert_eq!(v.status.code(), Some(1));
    let out = String::from_utf8_lossy(&v.stdout);
    assert!(out.contains("FAIL [replacement]"), "{out}");
}

#[test]
fn a_deregistered_firm_is_replaced_by_the_next_of_its_class_and_results_follow() {
    let o = office();
    let (class, uscc, team) = o.drawn[0].clone();
    let mut a = args(&[
        "supplement",
        "--chain",
        "chain.jsonl",
        "--key",
        "k/issuer.key",
        "--draw",
        &o.draw[..16],
        "--replaced",
        &uscc,
        "--reason",
        "注销",
        "--reason-text",
        "2024年5月已注销登记",
        "--created-at",
        "2024-05-22T01:00:00Z",
        "--json",
    ]);
    a.extend(registers());
    let s = json(&o.run(&a));
    let new = s["uscc"].as_str().expect("uscc").to_owned();
    assert_eq!(s["class"], class.as_str());
    assert_eq!(class_of(&new), class, "same class");
    assert!(
        o.drawn.iter().all(|(_, u, _)| *u != new),
        "not drawn before"
    );
    assert_eq!(s["reason"]["kind"], "deregistered");
    let v = o.verify();
    assert_eq!(
        v.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&v.stdout)
    );

    // A second supplement of the same entity is refused.
    let again = o.run(&a);
    assert_ne!(again.status.code(), Some(0));

    // The draw notice lists the change (抽取后变更).
    let mut notice = args(&[
        "notice",
        "--chain",
        "chain.jsonl",
        "--public-key",
        "k/issuer.pub",
        "--out",
        "notice.html",
    ]);
    for (flag, file) in [
        ("--entities", "entities.csv"),
        ("--inspectors", "inspectors.csv"),
    ] {
        notice.push(flag.to_owned());
        notice.push(example(file).display().to_string());
    }
    ok(&o.run(&notice));
    let html = std::fs::read_to_string(o.p().join("notice.html")).expect("notice");
    assert!(html.contains("抽取后变更"), "the notice shows the changes");
    assert!(html.contains("补充抽取") && html.contains(&new) && html.contains(&uscc));

    // Results: the replaced firm with the team drawn, the supplementary one with its team.
    let record = |u: &str, category: &str, at: &str| {
        o.run(&args(&[
            "record-result",
            "--ledger",
            "ledger.jsonl",
            "--chain",
            "chain.jsonl",
            "--key",
            "k/issuer.key",
            "--draw",
            &o.draw[..16],
            "--uscc",
            u,
            "--inspection-start",
            "2024-06-03",
            "--inspection-end",
            "2024-06-03",
            "--method",
            "on-site",
            "--category",
            category,
            "--created-at",
            at,
            "--json",
        ]))
    };
    json(&record(&uscc, "注销", "2024-06-04T01:00:00Z"));
    let r = json(&record(&new, "no-problem", "2024-06-04T02:00:00Z"));
    assert!(r["record"].is_string());
    let _ = team;
}

#[test]
fn record_result_takes_the_amended_team_only() {
    let o = office();
    let (_, uscc, team) = o.drawn[1].clone();
    let mut a = args(&[
        "replace",
        "--chain",
        "chain.jsonl",
        "--key",
        "k/issuer.key",
        "--draw",
        &o.draw[..16],
        "--uscc",
        &uscc,
        "--leaving",
        &team[1],
        "--reason",
        "illness",
        "--created-at",
        "2024-05-22T01:00:00Z",
        "--json",
    ]);
    a.extend(registers());
    let r = json(&o.run(&a));
    let new_team: Vec<&str> = r["team"]
        .as_array()
        .expect("team")
        .iter()
        .map(|i| i.as_str().expect("id"))
        .collect();
    let base = |extra: &[&str]| {
        let mut v = args(&[
            "record-result",
            "--ledger",
            "ledger.jsonl",
            "--chain",
            "chain.jsonl",
            "--key",
            "k/issuer.key",
            "--draw",
            &o.draw[..16],
            "--uscc",
            &uscc,
            "--inspection-start",
            "2024-06-03",
            "--inspection-end",
            "2024-06-03",
            "--method",
            "on-site",
            "--category",
            "no-problem",
            "--created-at",
            "2024-06-04T01:00:00Z",
        ]);
        v.extend(args(extra));
        v
    };
    // The team as drawn is refused: one of its officers left.
    let old = o.run(&base(&["--inspector", &team[0], "--inspector", &team[1]]));
    assert_eq!(old.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&old.stderr).contains("result-team"),
        "{}",
        String::from_utf8_lossy(&old.stderr)
    );
    // The amended team (the default) is taken.
    let out = ok(&o.run(&base(&["--json"])));
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert!(v["record"].is_string());
    let _ = new_team;
}
