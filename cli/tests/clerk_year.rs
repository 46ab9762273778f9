//! The clerk's year (issue 18) through the binary: times typed as people
//! write them (Beijing time, offsets, a stated zone required), the `round`
//! helper, and holiday calendars loaded from files with `--calendar`.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod fixtures;
use fixtures::example;

fn sample_2027() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/calendars/2027-TEST-SAMPLE.toml")
        .display()
        .to_string()
}

fn run<S: AsRef<std::ffi::OsStr>>(dir: &Path, args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_double-random"))
        .env("DOUBLE_RANDOM_LANG", "en")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

/// [`run`] as a clerk on a Chinese system runs it: `LANG=zh_CN.UTF-8`, no
/// `--lang` flag.
fn run_zh<S: AsRef<std::ffi::OsStr>>(dir: &Path, args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_double-random"))
        .env_remove("DOUBLE_RANDOM_LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "zh_CN.UTF-8")
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

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
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

fn keygen(dir: &Path) {
    ok(&run(
        dir,
        &["keygen", "--issuer", "阳城县水务局", "--out", "k/issuer"],
    ));
}

fn commit_args(plan: &str, created_at: &str, extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = [
        "commit",
        "--chain",
        "chain.jsonl",
        "--key",
        "k/issuer.key",
        "--task",
        &example("tasks/water-permits.toml").display().to_string(),
        "--randomness-plan",
        plan,
        "--created-at",
        created_at,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    v.extend(extra.iter().map(|s| (*s).to_owned()));
    v.extend(registers());
    v
}

/// The payload of the chain's last record (a DSSE envelope) as JSON.
fn last_record(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("chain.jsonl")).expect("chain");
    let env = double_random::records::Envelope::from_json(
        text.lines().last().expect("a line").as_bytes(),
    )
    .expect("envelope");
    serde_json::from_slice(env.unverified_payload()).expect("payload JSON")
}

/// Finds `key` anywhere in `v`.
fn find<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    match v {
        Value::Object(m) => m.get(key).or_else(|| m.values().find_map(|x| find(x, key))),
        Value::Array(a) => a.iter().find_map(|x| find(x, key)),
        _ => None,
    }
}

#[test]
fn created_at_in_beijing_time_is_kept_in_utc() {
    for typed in [
        "2024-05-20T01:00:00Z",
        "2024-05-20T09:00:00+08:00",
        "2024-05-20 09:00 北京时间",
        "2024-05-20 09:00:00+08:00",
        "北京时间 2024-05-20 09:00",
        "2024-05-20 01:00 (UTC)",
        "2024-05-20 01:00Z",
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        keygen(dir.path());
        ok(&run(dir.path(), &commit_args("local", typed, &[])));
        let rec = last_record(dir.path());
        assert_eq!(
            find(&rec, "created_at").and_then(Value::as_str),
            Some("2024-05-20T01:00:00Z"),
            "{typed}: {rec}"
        );
    }
}

#[test]
fn a_time_without_a_zone_is_refused_naming_flag_and_value() {
    let dir = tempfile::tempdir().expect("temp dir");
    keygen(dir.path());
    let o = run(dir.path(), &commit_args("local", "2024-05-20 09:00", &[]));
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("--created-at"), "{e}");
    assert!(e.contains("2024-05-20 09:00"), "{e}");
    assert!(e.contains("+08:00") && e.contains("北京时间"), "{e}");
    assert!(!dir.path().join("chain.jsonl").exists());
    // Other malformed times: the value is named.
    for (bad, says) in [
        ("2024-05-20 09:00 CST", "not a time zone"),
        ("2024-02-30 09:00 北京时间", "not a real date"),
        ("北京时间 2024-05-20 09:00Z", "twice"),
    ] {
        let o = run(dir.path(), &commit_args("local", bad, &[]));
        assert_eq!(o.status.code(), Some(2), "{bad}");
        let e = stderr(&o);
        assert!(e.contains(bad) && e.contains(says), "{bad}: {e}");
    }
}

#[test]
fn ceremony_times_in_beijing_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    keygen(dir.path());
    ok(&run(
        dir.path(),
        &commit_args(
            "ceremony:2024-05-21 10:00 北京时间:六次十面骰: 见第3节",
            "2024-05-20 09:00 北京时间",
            &["--witness", "县公证处 王某"],
        ),
    ));
    let rec = last_record(dir.path());
    assert_eq!(
        find(&rec, "scheduled_at").and_then(Value::as_str),
        Some("2024-05-21T02:00:00Z"),
        "{rec}"
    );
    assert_eq!(
        find(&rec, "procedure").and_then(Value::as_str),
        Some("六次十面骰: 见第3节"),
        "{rec}"
    );
    // Without a zone: refused, naming the flag.
    let dir = tempfile::tempdir().expect("temp dir");
    keygen(dir.path());
    let o = run(
        dir.path(),
        &commit_args(
            "ceremony:2024-05-21 10:00:dice",
            "2024-05-20 09:00 北京时间",
            &["--witness", "县公证处 王某"],
        ),
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("--randomness-plan") && e.contains("states no time zone"),
        "{e}"
    );
}

#[test]
fn round_finds_the_first_quicknet_round_at_or_after_a_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    // 2026-12-02 10:00 Beijing = 1796176800 Unix; (1796176800 - 1692803367) / 3
    // = 34457811 exactly, so round 34457812 is published at that second.
    let v = json(&run(
        dir.path(),
        &["round", "--at", "2026-12-02 10:00 北京时间", "--json"],
    ));
    assert_eq!(v["round"], 34_457_812);
    assert_eq!(v["time_utc"], "2026-12-02T02:00:00Z");
    assert_eq!(v["time_beijing"], "2026-12-02T10:00:00+08:00");
    assert_eq!(v["randomness_plan"], "drand:quicknet:34457812");
    assert_eq!(
        v["url"],
        "https://api.drand.sh/52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971/public/34457812"
    );
    // One second later: the next round, 2 s after the time asked.
    let v = json(&run(
        dir.path(),
        &["round", "--at", "2026-12-02T02:00:01Z", "--json"],
    ));
    assert_eq!(v["round"], 34_457_813);
    assert_eq!(v["time_utc"], "2026-12-02T02:00:03Z");
    // And back.
    let v = json(&run(
        dir.path(),
        &["round", "--round", "34457813", "--json"],
    ));
    assert_eq!(v["time_beijing"], "2026-12-02T10:00:03+08:00");
    let v = json(&run(dir.path(), &["round", "--round", "1", "--json"]));
    assert_eq!(v["time_utc"], "2023-08-23T15:09:27Z");
    // Text output names both times and the plan.
    let t = ok(&run(
        dir.path(),
        &["round", "--at", "北京时间 2026-12-02 10:00"],
    ));
    assert!(t.contains("34457812"), "{t}");
    assert!(t.contains("2026-12-02T02:00:00Z"), "{t}");
    assert!(t.contains("2026-12-02 10:00:00（北京时间）"), "{t}");
    assert!(
        t.contains("--randomness-plan drand:quicknet:34457812"),
        "{t}"
    );
    // Round 0 and a time without a zone are refused.
    assert_eq!(
        run(dir.path(), &["round", "--round", "0"]).status.code(),
        Some(2)
    );
    let o = run(dir.path(), &["round", "--at", "2026-12-02 10:00"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--at"), "{}", stderr(&o));
}

#[test]
fn a_round_found_by_round_commits() {
    let dir = tempfile::tempdir().expect("temp dir");
    keygen(dir.path());
    let v = json(&run(
        dir.path(),
        &["round", "--at", "2026-12-02 10:00 北京时间", "--json"],
    ));
    let plan = v["randomness_plan"].as_str().expect("plan").to_owned();
    ok(&run(
        dir.path(),
        &commit_args(&plan, "2026-12-02 09:00 北京时间", &[]),
    ));
    // Committing at the round's own time is refused.
    let dir = tempfile::tempdir().expect("temp dir");
    keygen(dir.path());
    let o = run(
        dir.path(),
        &commit_args(&plan, "2026-12-02 10:00 北京时间", &[]),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

// ---------------------------------------------------------------------------
// calendars

/// A chain with one draw (local randomness) in `dir`; returns the draw id.
fn drawn(dir: &Path) -> (String, String) {
    keygen(dir);
    ok(&run(
        dir,
        &commit_args("local", "2026-11-20 09:00 北京时间", &[]),
    ));
    let mut draw: Vec<String> = [
        "draw",
        "--chain",
        "chain.jsonl",
        "--key",
        "k/issuer.key",
        "--randomness",
        &"11".repeat(32),
        "--created-at",
        "2026-11-21 09:00 北京时间",
        "--json",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    draw.extend(registers());
    let d = json(&run(dir, &draw));
    let uscc = ["A", "B", "C", "D"]
        .iter()
        .flat_map(|c| d["drawn"][c].as_array().cloned().unwrap_or_default())
        .map(|e| e["uscc"].as_str().expect("uscc").to_owned())
        .next()
        .expect("one drawn");
    (d["record"].as_str().expect("record").to_owned(), uscc)
}

fn record_2027(dir: &Path, draw: &str, uscc: &str, ledger: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "record-result",
        "--ledger",
        ledger,
        "--chain",
        "chain.jsonl",
        "--key",
        "k/issuer.key",
        "--draw",
        &draw[..16],
        "--uscc",
        uscc,
        "--inspection-start",
        "2027-01-25",
        "--inspection-end",
        "2027-01-29",
        "--method",
        "on-site",
        "--category",
        "no-problem",
        "--findings",
        "取水计量设施运行正常",
        "--created-at",
        "2027-03-08 16:00 北京时间",
        "--json",
    ];
    args.extend_from_slice(extra);
    run(dir, &args)
}

#[test]
fn a_2027_result_gets_a_checked_deadline_with_a_calendar_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    let (draw, uscc) = drawn(p);
    // Without a 2027 calendar: not checked, as before.
    let v = json(&record_2027(p, &draw, &uscc, "plain.jsonl", &[]));
    assert_eq!(v["deadline"], Value::Null, "{v}");
    // With the (test sample) 2027 file: the check ends Friday 2027-01-29;
    // 20 working days after it, skipping the sample's 春节 2027-02-05..12
    // and counting Sunday 2027-02-14 (调休): 2027-03-05 (Monday-to-Friday
    // would say 2027-02-26). Entered Monday 2027-03-08: one day late.
    let cal = sample_2027();
    let v = json(&record_2027(
        p,
        &draw,
        &uscc,
        "ledger.jsonl",
        &["--calendar", &cal],
    ));
    assert_eq!(v["deadline"], "2027-03-05", "{v}");
    assert_eq!(v["on_time"], false, "{v}");
    let named = v["calendar"].as_str().expect("calendar named");
    assert!(
        named.contains("TEST SAMPLE") && named.contains("2027-TEST-SAMPLE.toml"),
        "{named}"
    );
    // verify --ledger: with the file, an `overdue` warning naming the
    // calendar and a `calendar` note; without it, a `deadline` note.
    let verify = |extra: &[&str]| {
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
        run(p, &args)
    };
    let with = String::from_utf8_lossy(&verify(&["--calendar", &cal]).stdout).into_owned();
    assert!(with.contains("\"overdue\""), "{with}");
    assert!(with.contains("calendar file"), "{with}");
    assert!(with.contains("\"calendar\""), "{with}");
    assert!(
        !with.contains("was not checked: no holiday notice"),
        "{with}"
    );
    let without = String::from_utf8_lossy(&verify(&[]).stdout).into_owned();
    assert!(
        without.contains("no holiday notice is loaded for 2027"),
        "{without}"
    );
    assert!(
        without.contains("--calendar") || without.contains("calendar file"),
        "{without}"
    );
    // summary names the calendar its on-time counts rest on.
    let s = run(
        p,
        &[
            "summary",
            "--ledger",
            "ledger.jsonl",
            "--chain",
            "chain.jsonl",
            "--public-key",
            "k/issuer.pub",
            "--calendar",
            &cal,
        ],
    );
    let s = String::from_utf8_lossy(&s.stdout).into_owned();
    assert!(s.contains("TEST SAMPLE"), "{s}");
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}

#[test]
fn bad_calendar_files_are_refused_with_line_field_and_value() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    let (draw, uscc) = drawn(p);
    let head = "year = 2027\nnotice = \"测试\"\nnumber = \"T-1\"\n";
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        (
            "outside.toml",
            format!("{head}[[holiday]]\nname = \"元旦\"\nfrom = 2027-12-30\nto = 2028-01-01\n"),
            vec!["line 5", "元旦", "2028-01-01", "outside 2027"],
        ),
        (
            "weekday.toml",
            format!("{head}[[holiday]]\nname = \"元旦\"\ndate = 2027-01-01\n[[workday]]\nname = \"调休\"\ndate = 2027-01-06\n"),
            vec!["line 8", "调休", "2027-01-06", "Wednesday"],
        ),
        (
            "overlap.toml",
            format!("{head}[[holiday]]\nname = \"春节\"\nfrom = 2027-02-05\nto = 2027-02-12\n[[holiday]]\nname = \"又一个\"\ndate = 2027-02-10\n"),
            vec!["line 9", "2027-02-10", "line 5"],
        ),
        (
            "baddate.toml",
            format!("{head}[[holiday]]\nname = \"元旦\"\ndate = \"2027-02-30\"\n"),
            vec!["line 6", "date", "2027-02-30"],
        ),
        (
            "unknown.toml",
            format!("{head}[[holiday]]\nname = \"元旦\"\ndate = 2027-01-01\nkind = \"x\"\n"),
            vec!["kind"],
        ),
        (
            "differs.toml",
            "year = 2026\nnotice = \"改过的2026\"\nnumber = \"T-2\"\n[[holiday]]\nname = \"元旦\"\ndate = 2026-01-01\n".to_owned(),
            vec!["2026 is already loaded", "built-in"],
        ),
    ];
    for (name, text, wants) in cases {
        let path = write(p, name, &text);
        let o = record_2027(p, &draw, &uscc, "l.jsonl", &["--calendar", &path]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let e = stderr(&o);
        assert!(e.contains(name), "{name}: {e}");
        for w in wants {
            assert!(e.contains(w), "{name}: wants {w:?} in {e}");
        }
    }
    // A file that never ends (or a huge one) is refused at the limit, not read whole.
    #[cfg(unix)]
    {
        let o = record_2027(p, &draw, &uscc, "l.jsonl", &["--calendar", "/dev/zero"]);
        assert_eq!(o.status.code(), Some(2));
        let e = stderr(&o);
        assert!(e.contains("/dev/zero") && e.contains("1 MiB"), "{e}");
    }
    assert!(!p.join("l.jsonl").exists() || std::fs::read(p.join("l.jsonl")).unwrap().is_empty());
}

#[test]
fn a_year_given_identically_is_accepted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    let (draw, uscc) = drawn(p);
    // The built-in 2026 block, written as a calendar file day by day.
    let table = double_random::calendar::CHINA_HOLIDAY_TABLE;
    let block: Vec<&str> = table
        .lines()
        .skip_while(|l| !l.starts_with("year 2026 "))
        .skip(1)
        .take_while(|l| !l.starts_with("year "))
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    assert!(!block.is_empty());
    let mut file = "year = 2026\nnotice = \"同内置表\"\nnumber = \"T-3\"\n".to_owned();
    for line in block {
        let mut words = line.split_whitespace();
        let (span, kind) = (words.next().unwrap(), words.next().unwrap());
        let (from, to) = span.split_once("..").unwrap_or((span, span));
        file.push_str(&format!(
            "[[{kind}]]\nname = \"x\"\n{}",
            if from == to || kind == "workday" {
                format!("date = {from}\n")
            } else {
                format!("from = {from}\nto = {to}\n")
            }
        ));
    }
    let same = write(p, "2026-same.toml", &file);
    ok(&record_2027(
        p,
        &draw,
        &uscc,
        "a.jsonl",
        &["--calendar", &same],
    ));
    // The same file twice, and the 2027 sample twice: accepted.
    let cal = sample_2027();
    let v = json(&record_2027(
        p,
        &draw,
        &uscc,
        "b.jsonl",
        &["--calendar", &cal, "--calendar", &cal, "--calendar", &same],
    ));
    assert_eq!(v["deadline"], "2027-03-05", "{v}");
}

// ---------------------------------------------------------------------------
// the whole year

/// A task file of the worked example moved to 2027 under a new id.
fn task_2027(dir: &Path, from: &str, id: &str, extra: &str) -> String {
    let text = std::fs::read_to_string(example(&format!("tasks/{from}"))).expect("task");
    let moved: String = text
        .lines()
        .map(|l| {
            if l.starts_with("id = ") {
                format!("id = \"{id}\"")
            } else if l.starts_with("inspection_date = ") {
                "inspection_date = 2027-03-01".to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    // Top-level keys go before the first table.
    let at = moved.find("\n[").unwrap_or(moved.len());
    let text = format!("{}\n{extra}\n{}\n", &moved[..at], &moved[at..]);
    let path = dir.join(format!("{id}.toml"));
    std::fs::write(&path, text).expect("write task");
    path.display().to_string()
}

/// Issue 18's year as a clerk runs it, on a Chinese system (every step
/// under `LANG=zh_CN.UTF-8`; the human-readable steps are checked for
/// their Chinese, the rest read as JSON): every time typed in Beijing time,
/// the drand round found with `round`, two tasks (the second leaves out the
/// first's firms), ceremonies, the results of both imported from one xlsx
/// sheet, a correction approved by the unit head with a key that never
/// leaves their own directory, and 2027 deadlines counted on a calendar
/// file.
#[test]
fn a_clerks_year_in_beijing_time_with_an_imported_sheet_and_a_separate_approval() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    keygen(d);
    let head = d.join("head-computer");
    std::fs::create_dir_all(&head).unwrap();
    ok(&run_zh(
        &head,
        &["keygen", "--issuer", "阳城县水务局局长", "--out", "head"],
    ));
    std::fs::copy(head.join("head.pub"), d.join("head.pub")).unwrap();
    std::fs::copy(d.join("k/issuer.pub"), head.join("issuer.pub")).unwrap();

    // The round an hour after committing, as the guide says.
    let r = json(&run_zh(
        d,
        &["round", "--at", "2027-02-22 10:00 北京时间", "--json"],
    ));
    assert!(
        r["randomness_plan"]
            .as_str()
            .unwrap()
            .starts_with("drand:quicknet:")
    );

    // Two tasks with public ceremonies, times typed in Beijing time.
    let t1 = task_2027(d, "water-permits.toml", "YCSW-2027-01", "");
    let t2 = task_2027(
        d,
        "river-sand.toml",
        "YCHD-2027-01",
        "exclude_drawn_by = [\"YCSW-2027-01\"]",
    );
    let mut drawn: Vec<String> = Vec::new();
    for (task, id, day) in [(&t1, "YCSW-2027-01", "22"), (&t2, "YCHD-2027-01", "23")] {
        let mut commit: Vec<String> = [
            "commit",
            "--chain",
            "chain.jsonl",
            "--key",
            "k/issuer.key",
            "--task",
            task,
            "--randomness-plan",
            &format!("ceremony:2027-02-{day} 10:00 北京时间:公开摇号：十面骰连掷六次"),
            "--witness",
            "县司法局行政执法监督人员",
            "--created-at",
            &format!("2027-02-{day} 09:00 北京时间"),
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        commit.extend(registers());
        ok(&run_zh(d, &commit));
        let mut draw: Vec<String> = [
            "draw",
            "--chain",
            "chain.jsonl",
            "--key",
            "k/issuer.key",
            "--task-id",
            id,
            "--randomness",
            "353032383137",
            "--unwitnessed",
            "--created-at",
            &format!("2027-02-{day} 10:30 北京时间"),
            "--json",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        draw.extend(registers());
        let v = json(&run_zh(d, &draw));
        drawn.extend(
            ["A", "B", "C", "D"]
                .iter()
                .flat_map(|c| v["drawn"][c].as_array().cloned().unwrap_or_default())
                .map(|e| e["uscc"].as_str().unwrap().to_owned()),
        );
    }
    let unique: std::collections::HashSet<&String> = drawn.iter().collect();
    assert_eq!(unique.len(), drawn.len(), "no firm drawn by both tasks");

    // Every result of both tasks from one sheet, in the platform's wording.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let headers = [
        "统一社会信用代码",
        "检查结果",
        "检查发现/问题描述",
        "后续处置",
        "检查开始日期",
        "检查结束日期",
        "检查方式",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, uscc) in drawn.iter().enumerate() {
        let (result, findings, follow) = if r == 0 {
            ("发现问题已责令改正", "台账未按月登记", "责令改正")
        } else {
            ("未发现问题", "未发现问题", "")
        };
        let row = [
            uscc.as_str(),
            result,
            findings,
            follow,
            "2027-03-01",
            "2027-03-05",
            "现场检查",
        ];
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    wb.save(d.join("结果录入.xlsx")).unwrap();
    let cal = sample_2027();
    let imported = json(&run_zh(
        d,
        &[
            "record-results",
            "--ledger",
            "ledger.jsonl",
            "--chain",
            "chain.jsonl",
            "--key",
            "k/issuer.key",
            "--from",
            "结果录入.xlsx",
            "--calendar",
            &cal,
            "--created-at",
            "2027-03-22 16:00 北京时间",
            "--json",
        ],
    ));
    let lines = std::fs::read_to_string(d.join("ledger.jsonl")).unwrap();
    assert_eq!(lines.lines().count(), drawn.len(), "{imported}");

    // A correction: requested by the office, approved on the head's computer.
    let first =
        double_random::records::Envelope::from_json(lines.lines().next().unwrap().as_bytes())
            .unwrap()
            .record_id()
            .to_string();
    let requested = ok(&run_zh(
        d,
        &[
            "correct",
            "--ledger",
            "ledger.jsonl",
            "--chain",
            "chain.jsonl",
            "--key",
            "k/issuer.key",
            "--calendar",
            &cal,
            "--approver-pub",
            "head.pub",
            "--request-out",
            "更正申请.json",
            "--result",
            &first[..12],
            "--reason",
            "复核：已整改到位，处置结果录入有误",
            "--category",
            "发现问题已责令改正",
            "--follow-up",
            "责令改正:已整改完毕",
            "--created-at",
            "2027-03-29 10:00 北京时间",
        ],
    ));
    assert!(requested.contains("更正申请"), "{requested}");
    std::fs::copy(d.join("更正申请.json"), head.join("更正申请.json")).unwrap();
    let approved = ok(&run_zh(
        &head,
        &[
            "approve",
            "--request",
            "更正申请.json",
            "--public-key",
            "issuer.pub",
            "--key",
            "head.key",
            "--out",
            "更正批准.json",
        ],
    ));
    assert!(
        approved.contains("申请更正") && approved.contains("已审批"),
        "the unit head reads the request in Chinese: {approved}"
    );
    std::fs::copy(head.join("更正批准.json"), d.join("更正批准.json")).unwrap();
    let corrected = ok(&run_zh(
        d,
        &[
            "correct",
            "--ledger",
            "ledger.jsonl",
            "--chain",
            "chain.jsonl",
            "--key",
            "k/issuer.key",
            "--calendar",
            &cal,
            "--approver-pub",
            "head.pub",
            "--approval",
            "更正批准.json",
        ],
    ));
    assert!(corrected.contains("已更正检查对象"), "{corrected}");
    assert!(!d.join("head.key").exists() && !d.join("k/head.key").exists());

    // The auditor: everything holds, deadlines counted on the 2027 file.
    let v = json(&run_zh(
        d,
        &[
            "verify",
            "--chain",
            "chain.jsonl",
            "--public-key",
            "k/issuer.pub",
            "--ledger",
            "ledger.jsonl",
            "--approver-key",
            "head.pub",
            "--calendar",
            &cal,
            "--json",
        ],
    ));
    assert_eq!(v["holds"], true, "{v}");
    let text = v.to_string();
    assert!(
        text.contains("TEST SAMPLE"),
        "the calendar used is named: {text}"
    );
    assert!(!text.contains("overdue"), "entered on time: {text}");
}
