//! `double-random record-results`: bulk entry of inspection results from an
//! xlsx or CSV sheet through the binary, on a fresh chain drawn from the
//! worked example's registers. Every row is checked like `record-result`;
//! all or nothing.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const SIGNATURE: &str = "b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92";

mod fixtures;
use fixtures::example;

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_double-random"))
        .env("DOUBLE_RANDOM_LANG", "en")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn ok(o: &Output) -> Value {
    assert!(
        o.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

/// A task drawing most of the example's water users (teams of two from the
/// water-resources section), committed and drawn in `dir`. Returns the
/// drawn codes, in draw order.
fn drawn_chain(dir: &Path) -> (String, Vec<String>) {
    let kg = run(dir, &["keygen", "--issuer", "阳城县水务局", "--out", "key"]);
    assert!(
        kg.status.success(),
        "{}",
        String::from_utf8_lossy(&kg.stderr)
    );
    let task = std::fs::read_to_string(example("tasks/water-permits.toml"))
        .expect("task")
        .replace("YCSW-2024-01", "YCSW-2024-09")
        .replace("target_types = [\"取水单位\"]", "")
        .replace("A = \"3%\"", "A = \"70%\"")
        .replace("B = \"5%\"", "B = \"70%\"")
        .replace("C = \"12.5%\"", "C = \"70%\"")
        .replace("D = \"60%\"", "D = \"70%\"");
    std::fs::write(dir.join("task.toml"), task).expect("write");
    let regs = |v: &mut Vec<String>| {
        for (flag, file) in [
            ("--entities", "entities.csv"),
            ("--inspectors", "inspectors.csv"),
            ("--conflicts", "conflicts.csv"),
            ("--items", "items.csv"),
        ] {
            v.push(flag.into());
            v.push(example(file).display().to_string());
        }
    };
    let mut commit: Vec<String> = [
        "commit",
        "--json",
        "--chain",
        "chain.jsonl",
        "--key",
        "key.key",
        "--task",
        "task.toml",
        "--randomness-plan",
        "drand:quicknet:123",
        "--created-at",
        "2023-08-23T15:10:00Z",
    ]
    .map(String::from)
    .to_vec();
    regs(&mut commit);
    ok(&run(
        dir,
        &commit.iter().map(String::as_str).collect::<Vec<_>>(),
    ));
    let mut draw: Vec<String> = [
        "draw",
        "--json",
        "--unwitnessed",
        "--chain",
        "chain.jsonl",
        "--key",
        "key.key",
        "--beacon-signature",
        SIGNATURE,
        "--created-at",
        "2023-08-23T15:16:00Z",
    ]
    .map(String::from)
    .to_vec();
    regs(&mut draw);
    let d = ok(&run(
        dir,
        &draw.iter().map(String::as_str).collect::<Vec<_>>(),
    ));
    let codes = d["teams"]
        .as_array()
        .expect("teams")
        .iter()
        .map(|t| t["uscc"].as_str().expect("uscc").to_owned())
        .collect();
    (d["record"].as_str().expect("record").to_owned(), codes)
}

const HEADERS: [&str; 8] = [
    "统一社会信用代码",
    "企业名称",
    "检查结果",
    "检查发现/问题描述",
    "后续处置",
    "检查开始日期",
    "检查结束日期",
    "检查方式",
];

/// One row per drawn entity, the platform's wording: most found nothing,
/// one was ordered to correct, one could not be reached.
fn rows(codes: &[String]) -> Vec<[String; 8]> {
    let days = [
        "2024-06-03",
        "2024-06-04",
        "2024-06-05",
        "2024-06-06",
        "2024-06-07",
    ];
    codes
        .iter()
        .enumerate()
        .map(|(i, uscc)| {
            let day = days[i % days.len()].to_owned();
            let (cat, found, follow) = match i {
                1 => (
                    "发现问题经责令已改正",
                    "节水设施台账未按月登记",
                    "责令改正:已当场补登",
                ),
                2 => (
                    "通过登记的住所(经营场所)无法联系",
                    "登记住所无人",
                    "移送其他部门:移送县市场监管局",
                ),
                3 => ("no-problem", "", ""),
                _ => ("未发现问题", "取水计量设施运行正常", ""),
            };
            [
                uscc.clone(),
                format!("单位{i}"),
                cat.to_owned(),
                found.to_owned(),
                follow.to_owned(),
                day.clone(),
                day,
                if i % 2 == 0 {
                    "现场检查"
                } else {
                    "on-site,书面检查"
                }
                .to_owned(),
            ]
        })
        .collect()
}

fn write_xlsx(path: &Path, rows: &[[String; 8]]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("header");
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v).expect("cell");
        }
    }
    wb.save(path).expect("save");
}

fn csv_text(rows: &[[String; 8]]) -> String {
    let mut s = HEADERS.join(",") + "\n";
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .map(|v| {
                if v.contains(',') {
                    format!("\"{v}\"")
                } else {
                    v.clone()
                }
            })
            .collect();
        s.push_str(&cells.join(","));
        s.push('\n');
    }
    s
}

fn import(dir: &Path, file: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "record-results",
        "--ledger",
        "ledger.jsonl",
        "--chain",
        "chain.jsonl",
        "--key",
        "key.key",
        "--from",
        file,
        "--created-at",
        "2024-06-17T02:00:00Z",
    ];
    args.extend_from_slice(extra);
    run(dir, &args)
}

fn ledger_lines(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("ledger.jsonl"))
        .map(|t| t.lines().count())
        .unwrap_or(0)
}

#[test]
fn a_sheet_of_results_is_recorded_in_row_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    let (draw, codes) = drawn_chain(p);
    assert!(codes.len() >= 20, "{} drawn", codes.len());
    let rows = rows(&codes);
    write_xlsx(&p.join("results.xlsx"), &rows);
    let o = import(p, "results.xlsx", &["--json"]);
    let v = ok(&o);
    let records = v["records"].as_array().expect("records");
    assert_eq!(records.len(), codes.len());
    for (i, (r, uscc)) in records.iter().zip(&codes).enumerate() {
        assert_eq!(r["row"], i + 2, "spreadsheet rows from 2");
        assert_eq!(r["sequence"], i, "one sequence each, in row order");
        assert_eq!(r["uscc"], uscc.as_str());
        assert_eq!(r["task"], "YCSW-2024-09");
        assert_eq!(r["on_time"], true);
    }
    assert_eq!(ledger_lines(p), codes.len());

    // The ledger verifies with the chain, and a second import of the same
    // sheet is refused whole: every row is a second result.
    let o = run(
        p,
        &[
            "verify",
            "--chain",
            "chain.jsonl",
            "--public-key",
            "key.pub",
            "--ledger",
            "ledger.jsonl",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let o = import(p, "results.xlsx", &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!(
            "{} of {} row(s) refused",
            codes.len(),
            codes.len()
        )),
        "{err}"
    );
    assert!(err.contains("duplicate-result"), "{err}");
    assert_eq!(ledger_lines(p), codes.len());

    // Single entries and sheets share the rules: `record-result` of an
    // entity already imported is refused the same way.
    let o = run(
        p,
        &[
            "record-result",
            "--ledger",
            "ledger.jsonl",
            "--chain",
            "chain.jsonl",
            "--key",
            "key.key",
            "--draw",
            &draw,
            "--uscc",
            &codes[0],
            "--inspection-start",
            "2024-06-03",
            "--inspection-end",
            "2024-06-03",
            "--category",
            "no-problem",
            "--method",
            "on-site",
            "--created-at",
            "2024-06-17T03:00:00Z",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("duplicate-result"));
}

#[test]
fn one_bad_row_appends_nothing_and_every_bad_row_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    let (_draw, codes) = drawn_chain(p);
    let mut rows = rows(&codes);
    // Row 4 (third data row): a category the platform does not have.
    rows[2][2] = "基本合格".into();
    // Row 7: an entity entered twice in the sheet (the second is refused).
    rows[5][0] = rows[0][0].clone();
    // Row 9: the inspection ends before it starts.
    rows[7][5] = "2024-06-07".into();
    rows[7][6] = "2024-06-03".into();
    // Row 10: not a date.
    rows[8][5] = "六月三日".into();
    std::fs::write(p.join("results.csv"), csv_text(&rows)).expect("write");
    let o = import(p, "results.csv", &[]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("4 of"), "{err}");
    assert!(err.contains("nothing was appended"), "{err}");
    assert!(
        err.contains("row 4, column 检查结果, value \"基本合格\""),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "row 7, column 统一社会信用代码, value \"{}\"",
            rows[0][0]
        )),
        "{err}"
    );
    assert!(err.contains("duplicate-result"), "{err}");
    assert!(err.contains("row 9, column 检查结束日期"), "{err}");
    assert!(err.contains("result-dates"), "{err}");
    assert!(
        err.contains("row 10, column 检查开始日期, value \"六月三日\""),
        "{err}"
    );
    assert_eq!(ledger_lines(p), 0, "nothing appended");

    // Fixed, the same sheet goes in whole; as GBK CSV with English headers.
    let mut rows = self::rows(&codes);
    rows.truncate(5);
    let text = csv_text(&rows).replacen(
        &HEADERS.join(","),
        "USCC,name,category,findings,follow_up,inspection_start,inspection_end,method",
        1,
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    std::fs::write(p.join("gbk.csv"), &gbk).expect("write");
    let v = ok(&import(p, "gbk.csv", &["--json"]));
    assert_eq!(v["records"].as_array().map(Vec::len), Some(5));
    assert_eq!(ledger_lines(p), 5);
}

#[test]
fn a_sheet_without_a_required_column_is_refused_before_any_row() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    let (_draw, codes) = drawn_chain(p);
    std::fs::write(
        p.join("r.csv"),
        format!("统一社会信用代码,检查结果\n{},未发现问题\n", codes[0]),
    )
    .expect("write");
    let o = import(p, "r.csv", &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("检查开始日期"), "{err}");
    assert_eq!(ledger_lines(p), 0);
}
