//! Inspectors without certificate dates, through the binary: the office's
//! side (`check-registers`, `commit`) reports them as errors and refuses the
//! register; an undated officer's conflicts are not reported twice.

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

#[test]
fn inspectors_without_certificate_dates_cannot_be_drawn() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    let original = std::fs::read_to_string(example("inspectors.csv")).expect("inspectors");
    // The second officer loses both dates, the third its end date.
    let mut lines: Vec<String> = original.lines().map(str::to_owned).collect();
    for (i, keep) in [(2usize, 5usize), (3, 6)] {
        let cells: Vec<&str> = lines[i].split(',').collect();
        let mut cells: Vec<String> = cells.iter().map(|c| (*c).to_owned()).collect();
        for c in cells.iter_mut().skip(keep) {
            c.clear();
        }
        lines[i] = cells.join(",");
    }
    let undated = p.join("inspectors.csv");
    std::fs::write(&undated, lines.join("\n") + "\n").expect("write");
    let id2 = lines[2].split(',').next().expect("id").to_owned();

    let o = run(
        p,
        [
            "check-registers",
            "--entities",
            &example("entities.csv").display().to_string(),
            "--inspectors",
            &undated.display().to_string(),
        ],
    );
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(!text.contains("no problems found"), "{text}");
    assert!(text.contains("3 error(s)"), "{text}");
    assert!(text.contains("row 3, field cert_valid_from"), "{text}");
    assert!(text.contains("row 3, field cert_valid_to"), "{text}");
    assert!(text.contains("row 4, field cert_valid_to"), "{text}");
    let n = original.lines().count() - 1;
    assert!(
        text.contains(&format!("inspectors: {} valid", n - 2)),
        "{text}"
    );
    let o = run(
        p,
        [
            "check-registers",
            "--entities",
            &example("entities.csv").display().to_string(),
            "--inspectors",
            &undated.display().to_string(),
            "--json",
        ],
    );
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let problems = v["problems"].as_array().expect("problems");
    assert!(
        problems.iter().any(|q| q["rule"] == "missing-field"
            && q["field"] == "cert_valid_from"
            && q["row"] == 3)
    );
    // A conflict of the undated officer is not also reported as naming an
    // unknown inspector.
    let entities = std::fs::read_to_string(example("entities.csv")).expect("entities");
    let uscc = entities
        .lines()
        .nth(1)
        .and_then(|l| l.split(',').next())
        .expect("a USCC");
    std::fs::write(
        p.join("conflicts.csv"),
        format!("执法证号,统一社会信用代码,回避原因\n{id2},{uscc},亲属关系\n"),
    )
    .expect("write");
    let o = run(
        p,
        [
            "check-registers",
            "--entities",
            &example("entities.csv").display().to_string(),
            "--inspectors",
            &undated.display().to_string(),
            "--conflicts",
            "conflicts.csv",
        ],
    );
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(text.contains("3 error(s)"), "{text}");
    assert!(!text.contains("no inspector with this id"), "{text}");

    // commit refuses the register, so the officer can never be drawn.
    ok(&run(
        p,
        ["keygen", "--issuer", "阳城县水务局", "--out", "k"],
    ));
    let mut commit = vec![
        "commit".to_owned(),
        "--chain".into(),
        "chain.jsonl".into(),
        "--key".into(),
        "k.key".into(),
        "--task".into(),
        example("tasks/water-permits.toml").display().to_string(),
        "--randomness-plan".into(),
        "local".into(),
        "--created-at".into(),
        "2024-05-20T01:00:00Z".into(),
    ];
    for (flag, file) in [
        ("--entities", example("entities.csv")),
        ("--inspectors", undated.clone()),
        ("--conflicts", example("conflicts.csv")),
        ("--items", example("items.csv")),
    ] {
        commit.push(flag.to_owned());
        commit.push(file.display().to_string());
    }
    let o = run(p, &commit);
    assert_ne!(o.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("cert_valid_from"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        !p.join("chain.jsonl").exists()
            || std::fs::read(p.join("chain.jsonl"))
                .expect("chain")
                .is_empty()
    );
}
