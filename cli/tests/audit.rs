//! The auditor's half of issue 18 through the binary: `verify --report`
//! (inputs with SHA-256, key, version, every check, each draw's times and
//! witnesses), a wrong key named on the first line, `--secrets` and a wrong
//! salt told apart from a changed conflict list, register mismatches that
//! name class counts and drawn ranks, and `show`.

use std::path::Path;
use std::process::{Command, Output};

use scraper::{Html, Selector};
use serde_json::Value;
use sha2::{Digest, Sha256};

const ROUND_123_SIGNATURE: &str = "b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92";

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/yangcheng")
        .join(name)
        .display()
        .to_string()
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
        "status {:?}\n{}{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn sha256_of(path: &str) -> String {
    Sha256::digest(std::fs::read(path).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn regs_with(entities: &str, conflicts: &str) -> Vec<String> {
    vec![
        "--entities".into(),
        entities.into(),
        "--inspectors".into(),
        example("inspectors.csv"),
        "--conflicts".into(),
        conflicts.into(),
        "--items".into(),
        example("items.csv"),
    ]
}

fn regs() -> Vec<String> {
    regs_with(&example("entities.csv"), &example("conflicts.csv"))
}

/// An office's year in small: three tasks committed for drand round 123,
/// one cancelled, two drawn.
struct Office {
    dir: tempfile::TempDir,
    /// The draws' JSON output, by task.
    draws: Vec<Value>,
}

impl Office {
    fn p(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    fn new(issuer: &str) -> Office {
        let o = Office {
            dir: tempfile::tempdir().unwrap(),
            draws: Vec::new(),
        };
        let k = run(&["keygen", "--issuer", issuer, "--out", &o.p("keys/issuer")]);
        assert!(k.status.success(), "{}", text(&k));
        o
    }

    fn run(&self, args: &[&str], extra: &[String]) -> Output {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        all.extend(extra.iter().cloned());
        run(&all)
    }

    fn year(issuer: &str) -> Office {
        let mut o = Office::new(issuer);
        for (n, task) in ["water-permits", "river-sand", "joint-works"]
            .iter()
            .enumerate()
        {
            let c = o.run(
                &[
                    "commit",
                    "--chain",
                    &o.p("chain.jsonl"),
                    "--key",
                    &o.p("keys/issuer.key"),
                    "--task",
                    &example(&format!("tasks/{task}.toml")),
                    "--randomness-plan",
                    "drand:quicknet:123",
                    "--created-at",
                    &format!("2023-08-23T15:1{n}:00Z"),
                ],
                &regs(),
            );
            assert!(c.status.success(), "{}", text(&c));
        }
        let c = o.run(
            &[
                "cancel",
                "--chain",
                &o.p("chain.jsonl"),
                "--key",
                &o.p("keys/issuer.key"),
                "--task-id",
                "YCGC-2024-01",
                "--reason",
                "工程停工，本年度不再抽查",
                "--created-at",
                "2023-08-23T15:14:00Z",
            ],
            &[],
        );
        assert!(c.status.success(), "{}", text(&c));
        for (n, task) in ["YCSW-2024-01", "YCHD-2024-01"].iter().enumerate() {
            let d = o.run(
                &[
                    "draw",
                    "--json",
                    "--chain",
                    &o.p("chain.jsonl"),
                    "--key",
                    &o.p("keys/issuer.key"),
                    "--task-id",
                    task,
                    "--beacon-signature",
                    ROUND_123_SIGNATURE,
                    "--unwitnessed",
                    "--created-at",
                    &format!("2023-08-23T15:16:{n}0Z"),
                ],
                &regs(),
            );
            assert!(d.status.success(), "{}", text(&d));
            o.draws.push(serde_json::from_slice(&d.stdout).unwrap());
        }
        o
    }

    fn verify(&self, extra: &[String]) -> Output {
        self.run(
            &[
                "verify",
                "--chain",
                &self.p("chain.jsonl"),
                "--public-key",
                &self.p("keys/issuer.pub"),
            ],
            extra,
        )
    }

    fn drawn(&self, n: usize) -> Vec<(String, u64, String)> {
        let d = &self.draws[n]["drawn"];
        ["A", "B", "C", "D"]
            .iter()
            .flat_map(|c| {
                d[c].as_array().into_iter().flatten().map(move |x| {
                    (
                        c.to_string(),
                        x["rank"].as_str().unwrap().parse().unwrap(),
                        x["uscc"].as_str().unwrap().to_owned(),
                    )
                })
            })
            .collect()
    }
}

fn cells(doc: &Html, row_selector: &str) -> Vec<Vec<String>> {
    let rows = Selector::parse(row_selector).unwrap();
    let td = Selector::parse("td, th").unwrap();
    doc.select(&rows)
        .map(|r| {
            r.select(&td)
                .map(|c| c.text().collect::<String>())
                .collect()
        })
        .collect()
}

/// Every check name of FORMAT §7 that applies at level full.
const FULL_CHECKS: &[&str] = &[
    "envelope",
    "record",
    "wrong-key",
    "duplicate",
    "sequence-gap",
    "fork",
    "broken-link",
    "time-order",
    "draw-without-commitment",
    "cancellation-without-commitment",
    "second-draw",
    "draw-after-cancellation",
    "second-outcome",
    "abandoned-commitment",
    "open-commitment",
    "register-size",
    "task-rules",
    "history",
    "exclusion",
    "randomness",
    "randomness-timing",
    "late-cancellation",
    "algorithm",
    "beacon",
    "seed",
    "unwitnessed",
    "sample-size",
    "ranks",
    "teams",
    "team-size",
    "register-file",
    "conflict-salt",
    "register-root",
    "drawn-entity",
    "team-member",
    "certificate",
    "conflict",
];

#[test]
fn the_report_lists_the_inputs_sha256_and_every_check() {
    // An issuer name with markup: the page escapes it.
    let o = Office::year("阳城县<水务局>&\"");
    let report = o.p("report.html");
    let mut args = regs();
    args.extend(["--report".into(), report.clone()]);
    let v = o.verify(&args);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v));
    let html = std::fs::read_to_string(&report).unwrap();
    let doc = Html::parse_document(&html);

    // Inputs with their SHA-256: the chain, the key, each register, the salts.
    let inputs = cells(&doc, "h2 + table tbody tr");
    let hash_of = |role: &str| -> String {
        inputs
            .iter()
            .find(|r| r[0] == role)
            .unwrap_or_else(|| panic!("no input {role}: {inputs:?}"))[3]
            .clone()
    };
    assert_eq!(hash_of("chain"), sha256_of(&o.p("chain.jsonl")));
    assert_eq!(
        hash_of("issuer public key"),
        sha256_of(&o.p("keys/issuer.pub"))
    );
    assert_eq!(
        hash_of("entity register (master)"),
        sha256_of(&example("entities.csv"))
    );
    assert_eq!(
        hash_of("inspector register"),
        sha256_of(&example("inspectors.csv"))
    );
    assert_eq!(
        hash_of("conflict list"),
        sha256_of(&example("conflicts.csv"))
    );
    assert_eq!(hash_of("check-item list"), sha256_of(&example("items.csv")));
    assert_eq!(
        hash_of("secrets file (conflict-list salts)"),
        sha256_of(&o.p("chain.jsonl.secrets.jsonl"))
    );

    // Key, tool and format versions.
    let key = std::fs::read_to_string(o.p("keys/issuer.pub")).unwrap();
    let key_id = key
        .lines()
        .find_map(|l| l.strip_prefix("key-id: "))
        .unwrap();
    let all = doc.root_element().text().collect::<String>();
    assert!(all.contains(&key_id[..16]), "fingerprint");
    assert!(all.contains(key_id));
    assert!(all.contains(&format!("double-random {}", env!("CARGO_PKG_VERSION"))));
    assert!(all.contains("version 2: 6 record(s)"), "{all}");
    assert!(html.contains("阳城县&lt;水务局&gt;&amp;&quot;"));
    assert!(!html.contains("<水务局>"));

    // Every check of the level, each with its result.
    let checks = cells(&doc, "td.check");
    let results: Vec<Vec<String>> = cells(&doc, "tr")
        .into_iter()
        .filter(|r| r.len() == 3)
        .collect();
    for name in FULL_CHECKS {
        let row = results
            .iter()
            .find(|r| r[0] == *name)
            .unwrap_or_else(|| panic!("check {name} not listed"));
        assert!(row[2].starts_with("holds"), "{name}: {row:?}");
    }
    assert!(checks.len() >= FULL_CHECKS.len());
    let witnessed = results
        .iter()
        .find(|r| r[0] == "commitment-witnessed")
        .unwrap();
    assert!(witnessed[2].contains("no witness keys were given"));

    // Each draw: stated commitment time, randomness time and the gap, in Beijing time.
    let kv = cells(&doc, "table.kv tr");
    let value = |k: &str| -> Vec<String> {
        kv.iter()
            .filter(|r| r[0] == k)
            .map(|r| r[1].clone())
            .collect()
    };
    assert_eq!(
        value("Commitment stated at"),
        [
            "2023-08-23 23:10:00（北京时间）",
            "2023-08-23 23:11:00（北京时间）"
        ]
    );
    assert_eq!(
        value("Randomness")[0],
        "drand quicknet round 123, published 2023-08-23 23:15:33（北京时间）"
    );
    assert_eq!(
        value("Randomness time − commitment time"),
        [
            "5 min 33 s after the stated commitment time",
            "4 min 33 s after the stated commitment time"
        ]
    );
    assert_eq!(
        value("Witnesses (who, when)"),
        [
            "not checked: no witness keys were given",
            "not checked: no witness keys were given"
        ]
    );
    assert!(all.contains("Publication time was not checked"));
    for outcome in value("Outcome") {
        assert!(outcome.starts_with("holds"), "{outcome}");
    }
    // Nothing the page would fetch, and no script.
    for bad in ["<script", "src=", "href=", "@import", "url("] {
        assert!(!html.contains(bad), "{bad}");
    }
}

#[test]
fn a_failed_verification_has_its_report_too() {
    let o = Office::year("阳城县水务局");
    let (class, _, uscc) = o.drawn(0).into_iter().next().unwrap();
    let to = if class == "D" { "C" } else { "D" };
    let entities = std::fs::read_to_string(example("entities.csv")).unwrap();
    let changed: String = entities
        .lines()
        .map(|l| {
            if l.starts_with(&uscc) {
                l.replace(&format!(",{class},"), &format!(",{to},"))
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(o.p("entities.csv"), changed).unwrap();
    let report = o.p("report.html");
    let mut args = regs_with(&o.p("entities.csv"), &example("conflicts.csv"));
    args.extend(["--report".into(), report.clone()]);
    let v = o.verify(&args);
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("Verdict: FAILED"), "{html}");
    assert!(
        html.contains("FAILED (2)"),
        "register-root fails for both draws"
    );
    assert!(html.contains("Class counts differ"));
    assert!(html.contains("no finding"));
    // Each finding in English and, on its own line, in Chinese.
    assert!(
        html.contains("<br><span lang=\"zh-CN\">") && html.contains("名录"),
        "{html}"
    );
}

#[test]
fn a_register_mismatch_names_the_class_counts_and_the_drawn_ranks() {
    let o = Office::year("阳城县水务局");
    let (class, rank, uscc) = o.drawn(0).into_iter().next().unwrap();
    let to = if class == "D" { "C" } else { "D" };
    let entities = std::fs::read_to_string(example("entities.csv")).unwrap();
    let changed: String = entities
        .lines()
        .map(|l| {
            if l.starts_with(&uscc) {
                l.replace(&format!(",{class},"), &format!(",{to},"))
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(o.p("entities.csv"), changed).unwrap();
    let v = o.verify(&regs_with(&o.p("entities.csv"), &example("conflicts.csv")));
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    let out = text(&v);
    let line = out
        .lines()
        .find(|l| l.contains("[register-root]") && l.contains("seq 4"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains("Class counts differ: class"), "{line}");
    assert!(
        line.contains(&format!("class {class} rank {rank}: the draw names {uscc}")),
        "{line}"
    );
    assert!(
        line.contains(&format!("{uscc} is at class {to} rank")),
        "{line}"
    );
    assert!(!out.contains("draw with the registers"), "{out}");
    assert!(!out.contains("cancel and commit again"), "{out}");
}

#[test]
fn a_wrong_key_is_named_on_the_first_line() {
    let o = Office::year("阳城县水务局");
    let k = run(&["keygen", "--issuer", "别的局", "--out", &o.p("keys/other")]);
    assert!(k.status.success());
    let v = o.run(
        &[
            "verify",
            "--chain",
            &o.p("chain.jsonl"),
            "--public-key",
            &o.p("keys/other.pub"),
        ],
        &[],
    );
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    let out = String::from_utf8(v.stdout.clone()).unwrap();
    let first = out.lines().next().unwrap();
    let key = std::fs::read_to_string(o.p("keys/issuer.pub")).unwrap();
    let key_id = key
        .lines()
        .find_map(|l| l.strip_prefix("key-id: "))
        .unwrap();
    assert!(first.starts_with("  FAIL [wrong-key]"), "{out}");
    assert!(first.contains(key_id), "{first}");
    assert!(first.contains("\"阳城县水务局\""), "{first}");
    assert!(first.contains("\"别的局\""), "{first}");
    assert!(
        !out.contains("[record]"),
        "one finding, not one per line: {out}"
    );
    assert_eq!(out.matches("no signature by key").count(), 0, "{out}");

    let j = o.run(
        &[
            "verify",
            "--json",
            "--chain",
            &o.p("chain.jsonl"),
            "--public-key",
            &o.p("keys/other.pub"),
        ],
        &[],
    );
    let v: Value = serde_json::from_slice(&j.stdout).unwrap();
    assert_eq!(v["report"]["findings"][0]["check"], "wrong-key");
    assert_eq!(v["report"]["wrong_key"]["stated_key_id"], key_id);
    assert_eq!(
        v["report"]["wrong_key"]["lines"].as_array().unwrap().len(),
        6
    );
}

/// Writes a secrets file only its owner may read (others are refused).
fn write_private(path: &str, text: impl AsRef<[u8]>) {
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

fn salts(o: &Office) -> Vec<(String, String)> {
    std::fs::read_to_string(o.p("chain.jsonl.secrets.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["commitment"].as_str().unwrap().to_owned(),
                v["conflict_salt"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn secrets_give_each_commitment_its_salt_and_a_wrong_salt_is_its_own_finding() {
    let o = Office::year("阳城县水务局");
    // The auditor's copy of the office's secrets file, elsewhere.
    let secrets = o.p("from-the-office.jsonl");
    std::fs::rename(o.p("chain.jsonl.secrets.jsonl"), &secrets).unwrap();
    let with = |extra: &[&str]| {
        let mut args = regs();
        args.extend(extra.iter().map(|s| s.to_string()));
        o.verify(&args)
    };
    let v = with(&["--secrets", &secrets]);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v));

    // No salts at all: each drawn commitment's salt is missing.
    let v = with(&[]);
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    assert_eq!(
        text(&v).matches("[conflict-salt]").count(),
        2,
        "{}",
        text(&v)
    );

    // One salt for every commitment: the first commitment's. The second
    // draw's finding says it is another commitment's salt, not tampering.
    std::fs::rename(&secrets, o.p("chain.jsonl.secrets.jsonl")).unwrap();
    let s = salts(&o);
    std::fs::rename(o.p("chain.jsonl.secrets.jsonl"), &secrets).unwrap();
    let v = with(&["--conflict-salt", &s[0].1]);
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    let out = text(&v);
    assert!(!out.contains("[register-root]"), "{out}");
    let line = out
        .lines()
        .find(|l| l.contains("FAIL [conflict-salt]"))
        .unwrap();
    assert!(
        line.contains(&format!("is that of commitment {}", s[0].0)),
        "{line}"
    );

    // A secrets file without one commitment: that commitment's salt is missing.
    write_private(
        &o.p("partial.jsonl"),
        format!(
            "{{\"commitment\":\"{}\",\"conflict_salt\":\"{}\"}}\n",
            s[0].0, s[0].1
        ),
    );
    let v = with(&["--secrets", &o.p("partial.jsonl")]);
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    assert!(text(&v).contains("the salts given have no entry for it"));
    // ... and --conflict-salt covers the commitments the file does not list.
    let v = with(&[
        "--secrets",
        &o.p("partial.jsonl"),
        "--conflict-salt",
        &s[1].1,
    ]);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v));

    // A conflict list with a row less: the list differs, whatever the salt.
    let conflicts = std::fs::read_to_string(example("conflicts.csv")).unwrap();
    let fewer: Vec<&str> = conflicts.lines().collect();
    std::fs::write(o.p("conflicts.csv"), fewer[..fewer.len() - 1].join("\n")).unwrap();
    let mut args = regs_with(&example("entities.csv"), &o.p("conflicts.csv"));
    args.extend(["--secrets".into(), secrets.clone()]);
    let v = o.verify(&args);
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    assert!(
        text(&v).contains("the conflict list differs (a salt does not change the count)"),
        "{}",
        text(&v)
    );

    // A malformed secrets file names its line (exit 2); so does a salt of the wrong length.
    write_private(
        &o.p("bad.jsonl"),
        format!(
            "{{\"commitment\":\"{}\",\"conflict_salt\":\"{}\"}}\n{{\"commitment\":\"{}\"}}\n",
            s[0].0, s[0].1, s[1].0
        ),
    );
    let v = with(&["--secrets", &o.p("bad.jsonl")]);
    assert_eq!(v.status.code(), Some(2), "{}", text(&v));
    assert!(
        text(&v).contains("bad.jsonl line 2: member \"conflict_salt\" is missing"),
        "{}",
        text(&v)
    );
    let v = with(&["--conflict-salt", "abcd"]);
    assert_eq!(v.status.code(), Some(2), "{}", text(&v));
    assert!(text(&v).contains("a conflict-list salt is 32 bytes"));
}

#[test]
fn show_lists_tasks_draws_teams_and_cancellations_from_chain_and_key() {
    let o = Office::year("阳城县水务局");
    let args = [
        "show",
        "--chain",
        &o.p("chain.jsonl"),
        "--public-key",
        &o.p("keys/issuer.pub"),
    ];
    let s = o.run(&args, &[]);
    assert_eq!(s.status.code(), Some(0), "{}", text(&s));
    let out = String::from_utf8(s.stdout.clone()).unwrap();
    for want in [
        "task YCSW-2024-01 2024年度取水许可监督检查",
        "task YCHD-2024-01",
        "task YCGC-2024-01",
        "committed 2023-08-23 23:10:00（北京时间）",
        "randomness: drand quicknet round 123, published 2023-08-23 23:15:33（北京时间）",
        "pools per class: A ",
        "witnessing: unwitnessed",
        "outcome: cancelled at sequence 3",
        "工程停工，本年度不再抽查",
        "chain head: sequence 5",
        "every rule checked holds",
    ] {
        assert!(out.contains(want), "{want}\n{out}");
    }
    // Every drawn code with its team.
    for n in 0..2 {
        let teams = o.draws[n]["teams"].as_array().unwrap();
        for t in teams {
            let members: Vec<&str> = t["inspectors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m.as_str().unwrap())
                .collect();
            let line = format!("{}: {}", t["uscc"].as_str().unwrap(), members.join(", "));
            assert!(out.contains(&line), "{line}\n{out}");
        }
    }

    let j = o.run(&args, &["--json".into()]);
    assert_eq!(j.status.code(), Some(0), "{}", text(&j));
    let v: Value = serde_json::from_slice(&j.stdout).unwrap();
    assert_eq!(v["issuer"], "阳城县水务局");
    assert_eq!(v["verified"]["holds"], true);
    assert_eq!(v["head"]["sequence"], "5");
    let tasks = v["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 3);
    let c = &tasks[0]["commitments"][0];
    assert_eq!(c["committed_at"], "2023-08-23T23:10:00+08:00");
    assert_eq!(c["randomness"]["source"], "drand");
    assert_eq!(c["randomness"]["round"], "123");
    assert_eq!(c["randomness"]["time"], "2023-08-23T23:15:33+08:00");
    assert_eq!(c["outcome"], "drawn");
    assert_eq!(c["draw"]["witnessing"], "unwitnessed");
    assert_eq!(
        c["draw"]["drawn"].as_array().unwrap().len(),
        o.drawn(0).len()
    );
    let cancelled = &tasks[2]["commitments"][0];
    assert_eq!(cancelled["outcome"], "cancelled");
    assert_eq!(
        cancelled["cancellation"]["reason"],
        "工程停工，本年度不再抽查"
    );

    // With another key nothing is listed, and the wrong key is said.
    let k = run(&["keygen", "--issuer", "别的局", "--out", &o.p("keys/other")]);
    assert!(k.status.success());
    let s = o.run(
        &[
            "show",
            "--chain",
            &o.p("chain.jsonl"),
            "--public-key",
            &o.p("keys/other.pub"),
        ],
        &[],
    );
    assert_eq!(s.status.code(), Some(1), "{}", text(&s));
    let out = text(&s);
    assert!(
        out.contains("the key given did not sign this chain"),
        "{out}"
    );
    assert!(!out.contains("task YCSW"), "{out}");
}

fn from_now(secs: i64) -> String {
    let t = time::OffsetDateTime::now_utc() + time::Duration::seconds(secs);
    double_random::calendar::Timestamp::from_unix(t.unix_timestamp())
        .unwrap()
        .to_string()
}

#[cfg(feature = "witness")]
#[test]
fn the_report_names_who_witnessed_each_commitment_and_when() {
    let o = Office::new("阳城县水务局");
    let k = run(&[
        "keygen",
        "--issuer",
        "阳城县纪委监委驻局纪检组 (TEST)",
        "--out",
        &o.p("keys/w1"),
    ]);
    assert!(k.status.success());
    let ceremony = from_now(6);
    let c = o.run(
        &[
            "commit",
            "--chain",
            &o.p("chain.jsonl"),
            "--key",
            &o.p("keys/issuer.key"),
            "--task",
            &example("tasks/water-permits.toml"),
            "--randomness-plan",
            &format!("ceremony:{ceremony}:six rolls of a ten-sided die, digits as ASCII"),
            "--witness",
            "纪检组",
        ],
        &regs(),
    );
    assert!(c.status.success(), "{}", text(&c));
    // The witness cosigns the head offline, with its own clock.
    let w = run(&[
        "witness",
        "cosign",
        "--key",
        &o.p("keys/w1.key"),
        "--state",
        &o.p("w1-state"),
        "--public-key",
        &o.p("keys/issuer.pub"),
        "--chain",
        &o.p("chain.jsonl"),
    ]);
    assert!(w.status.success(), "{}", text(&w));
    let target = double_random::calendar::Timestamp::parse(&ceremony)
        .unwrap()
        .unix();
    while time::OffsetDateTime::now_utc().unix_timestamp() <= target {
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let d = o.run(
        &[
            "draw",
            "--chain",
            &o.p("chain.jsonl"),
            "--key",
            &o.p("keys/issuer.key"),
            "--randomness",
            "333831393436",
            "--witness-key",
            &o.p("keys/w1.pub"),
        ],
        &regs(),
    );
    assert!(d.status.success(), "{}", text(&d));
    let report = o.p("report.html");
    let mut args = regs();
    args.extend([
        "--witness-key".into(),
        o.p("keys/w1.pub"),
        "--report".into(),
        report.clone(),
    ]);
    let v = o.verify(&args);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v));
    let html = std::fs::read_to_string(&report).unwrap();
    let doc = Html::parse_document(&html);
    let kv = cells(&doc, "table.kv tr");
    let witnesses = kv.iter().find(|r| r[0] == "Witnesses (who, when)").unwrap();
    assert!(
        witnesses[1].starts_with("阳城县纪委监委驻局纪检组 (TEST) (fingerprint "),
        "{witnesses:?}"
    );
    assert!(
        witnesses[1].contains("（北京时间）, head 0"),
        "{witnesses:?}"
    );
    let inputs = cells(&doc, "h2 + table tbody tr");
    let cosignatures = inputs.iter().find(|r| r[0] == "cosignature file").unwrap();
    assert_eq!(
        cosignatures[3],
        sha256_of(&o.p("chain.jsonl.cosignatures.jsonl"))
    );
    assert!(
        inputs
            .iter()
            .any(|r| r[0] == "witness public key" && r[3] == sha256_of(&o.p("keys/w1.pub")))
    );
    assert!(html.contains("including that each commitment was witnessed"));
    let results: Vec<Vec<String>> = cells(&doc, "tr")
        .into_iter()
        .filter(|r| r.len() == 3 && r[0] == "commitment-witnessed")
        .collect();
    assert!(results[0][2].starts_with("holds"), "{results:?}");
}
