//! What an office publishes and files, through the binary: Beijing time and
//! no firm's credit class in the public results by default (with
//! `--show-credit-class`, the class), `public-results.xlsx` read back with
//! calamine, `summary --xlsx` (sheets 发起 and 配合, planned = number to
//! inspect) and `item-list` (抽查事项清单).

use std::io::Cursor;
use std::path::Path;
use std::process::{Command, Output};

use calamine::{Data, Reader, Xlsx};
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

/// A sheet of a workbook as rows of text (numbers as integers).
fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a workbook");
    let range = wb.worksheet_range(name).expect("the sheet");
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    #[allow(clippy::cast_possible_truncation)]
                    Data::Float(f) => format!("{}", *f as i64),
                    Data::Int(i) => i.to_string(),
                    other => panic!("unexpected cell {other:?}"),
                })
                .collect()
        })
        .collect()
}

fn sheet_names(bytes: &[u8]) -> Vec<String> {
    let wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a workbook");
    wb.sheet_names()
}

fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

/// True when `s` holds a time written in UTC (`…:SSZ`).
fn has_utc_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(2).any(|w| w[0].is_ascii_digit() && w[1] == b'Z')
}

/// Keys, one task committed (local randomness) and drawn, and a result
/// for every drawn entity; returns the temp dir and the drawn USCCs.
fn office() -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    ok(&run(
        p,
        ["keygen", "--issuer", "阳城县水务局", "--out", "k/issuer"],
    ));
    let mut commit = vec![
        "commit".to_owned(),
        "--chain".into(),
        "chain.jsonl".into(),
        "--key".into(),
        "k/issuer.key".into(),
        "--task".into(),
        example("tasks/joint-works.toml").display().to_string(),
        "--randomness-plan".into(),
        "local".into(),
        "--created-at".into(),
        "2024-08-20T01:00:00Z".into(),
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
        "22".repeat(32),
        "--created-at".into(),
        "2024-08-21T01:00:00Z".into(),
        "--json".into(),
    ];
    draw.extend(registers());
    let d: Value = serde_json::from_str(&ok(&run(p, &draw))).expect("JSON");
    let record = d["record"].as_str().expect("record").to_owned();
    let drawn: Vec<String> = ["A", "B", "C", "D"]
        .iter()
        .flat_map(|c| d["drawn"][c].as_array().cloned().unwrap_or_default())
        .map(|e| e["uscc"].as_str().expect("uscc").to_owned())
        .collect();
    assert!(drawn.len() >= 3, "{drawn:?}");
    // Each department enters the result of its own check item (谁检查、谁录入).
    for (i, uscc) in drawn.iter().enumerate() {
        for (k, (department, item)) in [("工程股", "GC-001"), ("水保股", "SB-001")]
            .into_iter()
            .enumerate()
        {
            ok(&run(
                p,
                [
                    "record-result",
                    "--ledger",
                    "ledger.jsonl",
                    "--chain",
                    "chain.jsonl",
                    "--key",
                    "k/issuer.key",
                    "--draw",
                    &record[..16],
                    "--uscc",
                    uscc,
                    "--department",
                    department,
                    "--item",
                    item,
                    "--inspection-start",
                    "2024-09-02",
                    "--inspection-end",
                    "2024-09-02",
                    "--method",
                    "on-site",
                    "--category",
                    if i == 0 && k == 0 {
                        "problem-pending"
                    } else {
                        "no-problem"
                    },
                    // 18:30 UTC is 02:30 the next day in Beijing.
                    "--created-at",
                    &format!("2024-09-{:02}T18:{}0:00Z", 3 + i, 3 + k),
                ],
            ));
        }
    }
    (dir, drawn)
}

fn publish(p: &Path, out: &str, extra: &[&str]) {
    let e = example("entities.csv").display().to_string();
    let i = example("inspectors.csv").display().to_string();
    let mut args = vec![
        "publish",
        "--ledger",
        "ledger.jsonl",
        "--chain",
        "chain.jsonl",
        "--key",
        "k/issuer.key",
        "--entities",
        &e,
        "--inspectors",
        &i,
        "--out-dir",
        out,
        "--created-at",
        "2024-09-30T02:00:00Z",
    ];
    args.extend_from_slice(extra);
    ok(&run(p, &args));
}

#[test]
fn public_results_in_beijing_time_without_classes_and_as_xlsx() {
    let (dir, drawn) = office();
    let p = dir.path();
    publish(p, "pub", &[]);
    let csv = std::fs::read_to_string(p.join("pub/public-results.csv")).expect("csv");
    let json = std::fs::read_to_string(p.join("pub/public-results.json")).expect("json");
    let xlsx = std::fs::read(p.join("pub/public-results.xlsx")).expect("xlsx");

    // Beijing time everywhere, no UTC `Z` time in any public file.
    assert!(csv.contains("录入时间（北京时间）"));
    assert!(csv.contains("2024-09-04 02:30:00"), "{csv}");
    assert!(!has_utc_time(&csv), "{csv}");
    assert!(!has_utc_time(&json), "{json}");
    let v: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["published_at"], "2024-09-30T10:00:00+08:00");
    let entered: Vec<&str> = v["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["entered_at"].as_str().expect("entered_at"))
        .collect();
    assert!(
        entered.contains(&"2024-09-04T02:30:00+08:00"),
        "{entered:?}"
    );
    assert!(entered.iter().all(|t| t.ends_with("T02:30:00+08:00")));

    // No firm's class; the per-class table is there.
    let classes = [
        "A（低风险）",
        "B（一般风险）",
        "C（较高风险）",
        "D（高风险）",
    ];
    assert!(!csv.contains("信用风险分类"));
    for c in classes {
        assert!(!csv.contains(c));
    }
    assert!(
        v["results"]
            .as_array()
            .expect("results")
            .iter()
            .all(|r| r.get("credit_class").is_none())
    );
    let table = v["draws"][0]["classes"].as_array().expect("class table");
    assert_eq!(table.len(), 4);
    let pool: u64 = table
        .iter()
        .map(|c| c["pool"].as_u64().expect("pool"))
        .sum();
    let n: u64 = table.iter().map(|c| c["drawn"].as_u64().expect("n")).sum();
    assert_eq!(n as usize, drawn.len());
    assert!(pool > n);
    // Results are ordered by USCC, not by class.
    let order: Vec<&str> = v["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["uscc"].as_str().expect("uscc"))
        .collect();
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(order, sorted);

    // The workbook: three sheets, Chinese headers, one row per result.
    assert_eq!(sheet_names(&xlsx), ["检查结果", "分类抽取情况", "说明"]);
    let rows = sheet(&xlsx, "检查结果");
    let header = &rows[0];
    for h in [
        "序号",
        "统一社会信用代码",
        "企业名称",
        "抽查任务编号",
        "抽查任务名称",
        "抽查类型",
        "抽查机关",
        "检查事项",
        "抽查完成日期",
        "检查结果",
        "录入时间（北京时间）",
    ] {
        col(header, h);
    }
    assert!(!header.iter().any(|h| h == "信用风险分类"));
    assert_eq!(rows.len(), drawn.len() + 1);
    let first = &rows[1];
    assert_eq!(first[col(header, "序号")], "1");
    assert_eq!(first[col(header, "统一社会信用代码")], order[0]);
    assert_eq!(first[col(header, "抽查任务编号")], "YCGC-2024-01");
    assert_eq!(first[col(header, "抽查类型")], "部门联合抽查");
    assert_eq!(first[col(header, "抽查机关")], "阳城县水务局");
    assert_eq!(first[col(header, "抽查完成日期")], "2024-09-02");
    assert!(first[col(header, "录入时间（北京时间）")].ends_with(" 02:30:00"));
    let results: Vec<&str> = rows[1..]
        .iter()
        .map(|r| r[col(header, "检查结果")].as_str())
        .collect();
    assert!(results.contains(&"发现问题待后续处理"));
    assert!(results.contains(&"未发现问题"));
    assert!(rows.iter().flatten().all(|c| !has_utc_time(c)));

    let t = sheet(&xlsx, "分类抽取情况");
    assert_eq!(
        t[0],
        [
            "抽查任务编号",
            "抽查任务名称",
            "抽取时间（北京时间）",
            "信用风险分类",
            "名录库户数",
            "抽查比例",
            "抽取户数",
            "抽取记录编号"
        ]
    );
    assert_eq!(t.len(), 5);
    assert_eq!(t[1][3], "A（低风险）");
    assert_eq!(t[1][2], "2024-08-21 09:00:00");
    let notes = sheet(&xlsx, "说明");
    assert!(notes.iter().any(|r| r[0] == "列名来源"));

    // The workbook is covered by the checkpoint like the CSV and JSON.
    let v = run(
        p,
        [
            "verify",
            "--chain",
            "chain.jsonl",
            "--public-key",
            "k/issuer.pub",
            "--ledger",
            "ledger.jsonl",
            "--published",
            "pub/public-results.xlsx",
        ],
    );
    ok(&v);

    // With --show-credit-class the class is published (a second
    // publication; the ledger gets a second checkpoint).
    publish(p, "pub2", &["--show-credit-class"]);
    let csv = std::fs::read_to_string(p.join("pub2/public-results.csv")).expect("csv");
    assert!(csv.lines().next().expect("header").contains("信用风险分类"));
    assert!(classes.iter().any(|c| csv.contains(c)), "{csv}");
    let v: Value = serde_json::from_str(
        &std::fs::read_to_string(p.join("pub2/public-results.json")).expect("json"),
    )
    .expect("JSON");
    assert!(
        v["results"]
            .as_array()
            .expect("results")
            .iter()
            .all(|r| r["credit_class"]["code"].is_string())
    );
    let xlsx = std::fs::read(p.join("pub2/public-results.xlsx")).expect("xlsx");
    let rows = sheet(&xlsx, "检查结果");
    let c = col(&rows[0], "信用风险分类");
    assert!(classes.contains(&rows[1][c].as_str()), "{:?}", rows[1]);
}

#[test]
fn summary_xlsx_has_initiated_and_cooperated_sheets() {
    let (dir, drawn) = office();
    let p = dir.path();
    publish(p, "pub", &[]);
    let out = ok(&run(
        p,
        [
            "summary",
            "--ledger",
            "ledger.jsonl",
            "--chain",
            "chain.jsonl",
            "--public-key",
            "k/issuer.pub",
            "--xlsx",
            "汇总表.xlsx",
        ],
    ));
    // The text names planned as the number to inspect, not the pool.
    assert!(
        out.contains(&format!("planned to inspect {}", drawn.len())),
        "{out}"
    );
    let xlsx = std::fs::read(p.join("汇总表.xlsx")).expect("xlsx");
    assert_eq!(sheet_names(&xlsx), ["发起", "配合"]);
    let rows = sheet(&xlsx, "发起");
    assert!(rows[0][0].contains("汇总表（发起）"), "{:?}", rows[0]);
    let header = &rows[1];
    assert_eq!(rows.len(), 3, "title, header, one task");
    let r = &rows[2];
    assert_eq!(r[col(header, "任务编号")], "YCGC-2024-01");
    assert_eq!(r[col(header, "填报部门")], r[col(header, "发起部门")]);
    assert_eq!(r[col(header, "计划抽查户数")], drawn.len().to_string());
    let pool: usize = r[col(header, "名录库户数")].parse().expect("pool");
    assert!(pool > drawn.len());
    assert_eq!(r[col(header, "已录入户数")], drawn.len().to_string());
    assert_eq!(r[col(header, "录入率")], "100.0%");
    assert_eq!(r[col(header, "公示率")], "100.0%");
    assert_eq!(r[col(header, "发现问题待后续处理")], "1");
    assert_eq!(r[col(header, "未发现问题")], (drawn.len() - 1).to_string());
    // One cooperated row per participating department of the joint task.
    let coop = sheet(&xlsx, "配合");
    assert_eq!(coop[1], *header);
    assert!(coop.len() > 2);
    for row in &coop[2..] {
        assert_eq!(row[col(header, "任务编号")], "YCGC-2024-01");
        assert_ne!(row[col(header, "填报部门")], row[col(header, "发起部门")]);
    }
    // Same ledger, same bytes.
    ok(&run(
        p,
        [
            "summary",
            "--ledger",
            "ledger.jsonl",
            "--chain",
            "chain.jsonl",
            "--public-key",
            "k/issuer.pub",
            "--xlsx",
            "again.xlsx",
        ],
    ));
    assert_eq!(std::fs::read(p.join("again.xlsx")).expect("xlsx"), xlsx);
}

#[test]
fn item_list_as_xlsx() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    let items = example("items.csv").display().to_string();
    let out = ok(&run(
        p,
        [
            "item-list",
            "--items",
            &items,
            "--issuer",
            "阳城县水务局",
            "--xlsx",
            "清单.xlsx",
        ],
    ));
    assert!(out.contains("清单.xlsx"));
    let xlsx = std::fs::read(p.join("清单.xlsx")).expect("xlsx");
    assert_eq!(sheet_names(&xlsx), ["抽查事项清单"]);
    let rows = sheet(&xlsx, "抽查事项清单");
    assert_eq!(rows[0][0], "阳城县水务局随机抽查事项清单");
    assert_eq!(
        rows[1],
        [
            "序号",
            "事项编号",
            "抽查事项",
            "事项类别",
            "检查对象",
            "检查依据",
            "检查主体",
            "检查内容",
            "检查方式"
        ]
    );
    let source = std::fs::read_to_string(example("items.csv")).expect("items");
    let n = source
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .count();
    assert_eq!(rows.len(), n + 2);
    for r in &rows[2..] {
        assert!(["重点事项", "一般事项"].contains(&r[3].as_str()), "{r:?}");
        assert!(!r[6].is_empty() && !r[8].is_empty(), "{r:?}");
    }
    // One department only.
    let dept = rows[2][6].clone();
    ok(&run(
        p,
        [
            "item-list",
            "--items",
            &items,
            "--department",
            &dept,
            "--xlsx",
            "one.xlsx",
        ],
    ));
    let one = sheet(
        &std::fs::read(p.join("one.xlsx")).expect("xlsx"),
        "抽查事项清单",
    );
    assert!(one[2..].iter().all(|r| r[6] == dept));
    assert_eq!(one[0][0], "随机抽查事项清单");

    // A list with errors is refused and nothing is written.
    std::fs::write(
        p.join("bad.csv"),
        source
            .replacen("重点", "很重要", 1)
            .replacen("一般", "很重要", 1),
    )
    .expect("write");
    let o = run(p, ["item-list", "--items", "bad.csv", "--xlsx", "bad.xlsx"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!p.join("bad.xlsx").exists());
}

/// An entity register with the headers of a GSXT / platform export (the
/// office adds the credit-risk class) checks clean.
#[test]
fn a_register_with_the_platforms_export_headers_checks_clean() {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = std::fs::read_to_string(example("entities.csv")).expect("entities");
    let mut lines = source.lines();
    lines.next();
    let mut text = String::from(
        "统一社会信用代码/注册号,市场主体名称,信用风险分类结果,住所所在行政区划,行业门类,登记状态,检查对象类型\n",
    );
    for l in lines {
        text.push_str(l);
        text.push('\n');
    }
    let path = dir.path().join("导出.csv");
    std::fs::write(&path, text).expect("write");
    let out = ok(&run(
        dir.path(),
        ["check-registers", "--entities", path.to_str().unwrap()],
    ));
    assert!(!out.contains("ignored"), "{out}");
}
