//! The Chinese messages keep the facts of the English ones; the English
//! messages are unchanged.

use std::io;

use super::prose::{PROSE, captures, prose};
use super::*;
use crate::approvers::{ApproversError, Unapproved, parse_approvers};
use crate::calendar_file::{CalendarFileError, parse_calendar_file};
use crate::input::{Encoding, InputError, TableKind, read_table_bytes};
use crate::notice::NoticeError;
use crate::receipts::ReceiptError;
use crate::repair::{RepairError, plan};
use crate::secrets::{SecretsError, SecretsProblem, parse_secrets};
use crate::task_file::{TaskFileError, parse_task};
use crate::when::{TimeTextError, parse_time_as_written};
use crate::year::{YearPlanError, parse_year_plan};

/// Whether `s` has Chinese text (a CJK ideograph).
fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// `zh` is Chinese text holding every one of `facts`.
#[track_caller]
fn holds(zh: &str, facts: &[&str]) {
    assert!(has_chinese(zh), "no Chinese in: {zh}");
    for f in facts {
        assert!(zh.contains(f), "{f:?} missing from: {zh}");
    }
}

/// `zh` has no English prose left: no run of three English words.
#[track_caller]
fn no_english_prose(zh: &str) {
    let words: Vec<&str> = zh
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() > 1)
        .collect();
    let prose_words = [
        "the", "is", "not", "a", "of", "to", "and", "or", "in", "with", "give", "write", "use",
    ];
    let english = words
        .windows(2)
        .any(|w| prose_words.contains(&w[0]) && prose_words.contains(&w[1]));
    assert!(!english, "English prose left in: {zh}");
}

fn not_found() -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, "No such file or directory")
}

// ---------------------------------------------------------------------------
// InputError

#[test]
fn input_errors_in_chinese() {
    let row = InputError::RowTooLong {
        file: "entities.csv".into(),
        row: 3,
        limit: 1 << 20,
    };
    assert_eq!(
        row.zh(),
        "entities.csv 第 3 行超过 1 MiB（可读取的最长一行）；请检查是否有未闭合的引号"
    );

    let io = InputError::Io {
        file: "名录/entities.csv".into(),
        cause: not_found(),
    };
    holds(
        &io.zh(),
        &["无法读取 名录/entities.csv", "找不到文件或目录"],
    );

    let large = InputError::TooLarge {
        file: "big.csv".into(),
        limit: 4 << 30,
        how: "streamed (UTF-8 CSV)",
    };
    holds(&large.zh(), &["big.csv", "4 GiB", "UTF-8 CSV", "逐行读取"]);
    // One pair of brackets, not one inside another.
    assert_eq!(
        large.to_string(),
        "big.csv holds more than 4 GiB, the most read from a register file streamed (UTF-8 CSV); is it the right file?"
    );
    no_english_prose(&large.zh());

    let utf8 = InputError::InvalidUtf8 {
        file: "entities.csv".into(),
        offset: 1234,
    };
    holds(
        &utf8.zh(),
        &["entities.csv", "UTF-8", "1234", "--encoding gb18030", "WPS"],
    );

    let ragged = InputError::Ragged {
        file: "inspectors.csv".into(),
        row: 17,
        expected: 6,
        found: 7,
    };
    holds(
        &ragged.zh(),
        &["inspectors.csv 第 17 行", "7 个字段", "6 个", "逗号"],
    );

    let missing = InputError::MissingColumn {
        file: "entities.xlsx".into(),
        kind: TableKind::Entities,
        column: "credit_class",
        accepted: vec!["credit_class", "信用风险分类"],
        found: vec!["名称".into(), "统一社会信用代码".into()],
    };
    holds(
        &missing.zh(),
        &[
            "entities.xlsx",
            "检查对象名录",
            "“credit_class”列",
            "“信用风险分类”",
            "“名称”、“统一社会信用代码”",
        ],
    );

    let dup = InputError::DuplicateColumn {
        file: "conflicts.csv".into(),
        kind: TableKind::Conflicts,
        column: "inspector_id",
        first: "执法证号".into(),
        second: "inspector_id".into(),
    };
    holds(
        &dup.zh(),
        &["conflicts.csv", "回避名单", "“执法证号”", "“inspector_id”"],
    );

    let cell = InputError::CellError {
        file: "items.xlsx".into(),
        sheet: "Sheet1".into(),
        cell: "C7".into(),
        value: "#N/A".into(),
    };
    holds(
        &cell.zh(),
        &["items.xlsx", "“Sheet1”", "C7", "#N/A", "公式"],
    );

    let out = InputError::CellOutOfRange {
        file: "e.xlsx".into(),
        sheet: "名录".into(),
        cell: "XFD1".into(),
        limit: 64,
    };
    holds(&out.zh(), &["e.xlsx", "“名录”", "XFD1", "第 64 列", "删除"]);

    let bomb = InputError::Inflated {
        file: "e.xlsx".into(),
        entry: "xl/worksheets/sheet1.xml".into(),
        inflated: 300 << 20,
        reason: "more than 100 times its compressed size of 4096 bytes: a zip bomb".into(),
    };
    holds(
        &bomb.zh(),
        &[
            "e.xlsx",
            "xl/worksheets/sheet1.xml",
            "300 MiB",
            "4096 字节",
            "100 倍",
            "zip 炸弹",
        ],
    );
    no_english_prose(&bomb.zh());

    let name = InputError::UnknownEncodingName {
        given: "big5".into(),
    };
    holds(&name.zh(), &["“big5”", "auto、utf-8、gb18030 或 gbk"]);

    let xls = InputError::LegacyXls {
        file: "old.xls".into(),
    };
    holds(&xls.zh(), &["old.xls", "97-2003", ".xlsx", "CSV UTF-8"]);
}

#[test]
fn input_errors_from_the_reader_in_chinese() {
    // A header with a stray field on row 3.
    let e = read_table_bytes(
        "entities.csv",
        "uscc,name\n1,a\n2,b,c\n".as_bytes(),
        Encoding::Utf8,
    )
    .unwrap_err();
    holds(&e.zh(), &["entities.csv 第 3 行", "3 个字段", "2 个"]);
    // Not UTF-8 although UTF-8 was asked for.
    let e = read_table_bytes("e.csv", b"uscc\n\xff\xfe\xfd\n", Encoding::Utf8).unwrap_err();
    holds(&e.zh(), &["e.csv", "UTF-8", "偏移量"]);
    // Nothing at all.
    let e = read_table_bytes("empty.csv", b"", Encoding::Auto).unwrap_err();
    holds(&e.zh(), &["empty.csv", "表头"]);
}

#[test]
fn input_errors_english_unchanged() {
    let e = InputError::RowTooLong {
        file: "entities.csv".into(),
        row: 3,
        limit: 1 << 20,
    };
    assert_eq!(
        e.to_string(),
        "entities.csv row 3 is longer than 1 MiB (the longest row read); look for an unclosed quote"
    );
    let e = InputError::Ragged {
        file: "i.csv".into(),
        row: 17,
        expected: 6,
        found: 7,
    };
    assert_eq!(
        e.to_string(),
        "i.csv row 17 has 7 fields but the header row has 6; look for a stray comma, a missing value or a value outside the table"
    );
}

// ---------------------------------------------------------------------------
// TaskFileError

const TASK: &str = r#"
id = "YCSW-2024-01"
name = "2024年度取水许可监督检查"
initiating_department = "管理股"
participating_departments = ["水资源股"]
items = ["SW-001"]
team_size = 2

[ratios]
A = "3%"
B = "5%"
C = "12.5%"
D = "60%"
"#;

fn task_error(text: &str) -> TaskFileError {
    parse_task("tasks/t.toml", text, time::macros::date!(2024 - 07 - 01)).unwrap_err()
}

#[test]
fn task_file_errors_in_chinese() {
    assert!(parse_task("t.toml", TASK, time::macros::date!(2024 - 07 - 01)).is_ok());

    // A misspelt key: the line, the key and the keys there are.
    let e = task_error(&TASK.replace("team_size = 2", "team-size = 2"));
    let zh = e.zh();
    holds(
        &zh,
        &[
            "抽查任务文件 tasks/t.toml",
            "第 7 行",
            "不认识的键 `team-size`",
            "`team_size`",
            "team-size = 2",
        ],
    );
    assert!(!zh.ends_with('\n'), "{zh:?}");

    // A ratio written as a number.
    let e = task_error(&TASK.replace("C = \"12.5%\"", "C = 0.125"));
    let zh = e.zh();
    holds(&zh, &["tasks/t.toml", "比例 0.125", "\"12.5%\"", "引号"]);
    no_english_prose(&zh);

    // A required key left out.
    let e = task_error(&TASK.replace("name = \"2024年度取水许可监督检查\"\n", ""));
    holds(&e.zh(), &["tasks/t.toml", "缺少必需的键 `name`"]);

    // Malformed TOML.
    let e = task_error(&TASK.replace("team_size = 2", "team_size = "));
    holds(&e.zh(), &["tasks/t.toml", "TOML 格式有误", "第 7 行"]);

    // Team size against the places listed.
    let places = TASK.replace(
        "team_size = 2",
        "team_size = 3\n[[places]]\ndepartment = \"管理股\"\n[[places]]\ndepartment = \"水资源股\"",
    );
    let e = task_error(&places);
    let zh = e.zh();
    holds(&zh, &["tasks/t.toml", "team_size 为 3", "2 个岗位"]);
    no_english_prose(&zh);

    // Too small a team for the departments.
    let e = task_error(&TASK.replace("team_size = 2", "team_size = 1"));
    let zh = e.zh();
    holds(&zh, &["team_size 为 1", "2 个部门", "提高到 2"]);
    no_english_prose(&zh);

    // An inspection date that is not a date.
    let e = task_error(&TASK.replace(
        "team_size = 2",
        "team_size = 2\ninspection_date = \"someday\"",
    ));
    holds(
        &e.zh(),
        &["inspection_date \"someday\"", "不是日期", "2024-06-03"],
    );

    // An id against the id rules: the value shown with its quotes.
    let e = task_error(&TASK.replace("YCSW-2024-01", "YCSW 2024"));
    assert!(matches!(e, TaskFileError::Id { .. }), "{e:?}");
    holds(&e.zh(), &["tasks/t.toml", "字段 id", "\"YCSW 2024\""]);

    let e = TaskFileError::NotUtf8 {
        file: "t.toml".into(),
        offset: 42,
    };
    holds(
        &e.zh(),
        &["抽查任务文件 t.toml", "UTF-8", "42", "另存为 UTF-8"],
    );

    let e = TaskFileError::Io {
        file: "t.toml".into(),
        cause: not_found(),
    };
    holds(
        &e.zh(),
        &["无法读取抽查任务文件 t.toml", "找不到文件或目录"],
    );
}

#[test]
fn task_file_errors_english_unchanged() {
    let e = TaskFileError::NotUtf8 {
        file: "t.toml".into(),
        offset: 42,
    };
    assert_eq!(
        e.to_string(),
        "task file t.toml is not UTF-8 text (invalid byte at offset 42); save it as UTF-8"
    );
    let e = task_error(&TASK.replace("team_size = 2", "team_size = 1"));
    assert_eq!(
        e.to_string(),
        "task file tasks/t.toml: team_size 1 cannot hold one officer from each of the task's 2 departments; raise team_size to 2 or list the places"
    );
}

// ---------------------------------------------------------------------------
// YearPlanError

const PLAN: &str = r#"
year = 2024
name = "2024年度抽查工作计划"

[[batch]]
name = "第一批"
start = 2024-06-01
end = 2024-06-30
tasks = ["tasks/a.toml"]
"#;

#[test]
fn year_plan_errors_in_chinese() {
    assert!(parse_year_plan("p.toml", PLAN).is_ok());
    let e = parse_year_plan(
        "p.toml",
        &PLAN.replace("end = 2024-06-30", "end = 2024-05-30"),
    )
    .unwrap_err();
    let zh = e.zh();
    holds(
        &zh,
        &[
            "年度计划 p.toml",
            "第一批",
            "2024-06-01",
            "2024-05-30",
            "结束日期早于开始日期",
        ],
    );
    let e = parse_year_plan(
        "p.toml",
        &PLAN.replace("end = 2024-06-30", "end = 2025-06-30"),
    )
    .unwrap_err();
    holds(&e.zh(), &["第一批", "2025-06-30", "2024 年"]);
    no_english_prose(&e.zh());
    let e =
        parse_year_plan("p.toml", &PLAN.replace("name = \"第一批\"", "name = \" \"")).unwrap_err();
    holds(&e.zh(), &["p.toml", "第 1 个批次", "为空"]);
    let e = parse_year_plan(
        "p.toml",
        &PLAN.replace("end = 2024-06-30", "end = \"later\""),
    )
    .unwrap_err();
    holds(
        &e.zh(),
        &["p.toml", "批次 第一批", "end \"later\"", "不是日期"],
    );
    let e = parse_year_plan(
        "p.toml",
        &PLAN.replace("tasks = [\"tasks/a.toml\"]", "tasks = []"),
    )
    .unwrap_err();
    holds(&e.zh(), &["p.toml", "批次 第一批", "没有列出任何抽查任务"]);
    let e = YearPlanError::DuplicateTaskId {
        file: "p.toml".into(),
        id: "T-1".into(),
        first: "a.toml".into(),
        second: "b.toml".into(),
    };
    holds(&e.zh(), &["p.toml", "T-1", "a.toml", "b.toml"]);
    let e = YearPlanError::Threshold {
        file: "p.toml".into(),
        value: "0.5".into(),
    };
    holds(&e.zh(), &["merge_threshold", "\"0.5\"", "0%", "\"50%\""]);
    let e = YearPlanError::Task(task_error(&TASK.replace("team_size = 2", "team_size = 1")));
    holds(&e.zh(), &["抽查任务文件 tasks/t.toml", "team_size 为 1"]);
}

#[test]
fn year_plan_errors_in_english() {
    let e = YearPlanError::Year {
        file: "p.toml".into(),
        year: 20240,
    };
    assert_eq!(
        e.to_string(),
        "year plan p.toml: year 20240 is not between 1900 and 9999"
    );
    let e = parse_year_plan(
        "p.toml",
        &PLAN.replace("end = 2024-06-30", "end = 2024-05-30"),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "year plan p.toml, line 8: batch 第一批 runs 2024-06-01 to 2024-05-30, ending before it starts"
    );
    holds(
        &e.zh(),
        &["年度计划 p.toml 第 8 行", "批次 第一批", "2024-05-30"],
    );
    let e = parse_year_plan(
        "p.toml",
        &PLAN.replace("start = 2024-06-01", "start = \"next week\""),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "year plan p.toml, line 7: batch 第一批: start \"next week\" is not a date; write 2024-06-03"
    );
    holds(
        &e.zh(),
        &[
            "年度计划 p.toml 第 7 行",
            "批次 第一批",
            "\"next week\" 不是日期",
        ],
    );
}

// ---------------------------------------------------------------------------
// CalendarFileError

const CALENDAR: &str = r#"
year = 2027
notice = "国务院办公厅关于2027年部分节假日安排的通知"
number = "国办发明电〔2026〕1号"

[[holiday]]
name = "元旦"
from = 2027-01-01
to = 2027-01-03
"#;

#[test]
fn calendar_file_errors_in_chinese() {
    assert!(parse_calendar_file("cal.toml", CALENDAR).is_ok());
    let e = parse_calendar_file("cal.toml", &CALENDAR.replace("2027\n", "27\n")).unwrap_err();
    holds(
        &e.zh(),
        &["日历文件 cal.toml 第 2 行", "year = 27", "1900 至 9999"],
    );
    no_english_prose(&e.zh());
    let e =
        parse_calendar_file("cal.toml", &CALENDAR.replace("to = 2027-01-03\n", "")).unwrap_err();
    holds(
        &e.zh(),
        &[
            "日历文件 cal.toml 第 7 行",
            "[[holiday]] 元旦",
            "`date`",
            "`from`",
            "`to`",
        ],
    );
    let e = parse_calendar_file(
        "cal.toml",
        &CALENDAR.replace("to = 2027-01-03", "to = \"2027/1/3\""),
    )
    .unwrap_err();
    holds(&e.zh(), &["cal.toml", "[[holiday]] to", "YYYY-MM-DD"]);
    let e = parse_calendar_file("cal.toml", &CALENDAR.replace("notice", "notise")).unwrap_err();
    holds(&e.zh(), &["日历文件 cal.toml", "`notise`"]);
}

#[test]
fn calendar_file_errors_english_unchanged() {
    let e = parse_calendar_file("cal.toml", &CALENDAR.replace("2027\n", "27\n")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "calendar file cal.toml, line 2: year = 27: not a year between 1900 and 9999"
    );
    assert!(matches!(e, CalendarFileError::Field { .. }));
}

// ---------------------------------------------------------------------------
// ReceiptError, SecretsError, TimeTextError

#[test]
fn receipt_errors_in_chinese() {
    let flag = |flag: &'static str, message: &str| ReceiptError::Flag {
        flag,
        message: message.to_owned(),
    };
    let e = flag(
        "--conflict-salt",
        "a conflict-list salt is 32 bytes (64 hex digits), this is 3 byte(s)",
    );
    assert_eq!(
        e.zh(),
        "--conflict-salt：回避名单的盐值应为 32 字节（64 位十六进制数字），给出的是 3 字节"
    );
    let e = flag(
        "--reason",
        "\"sick\": use recusal (回避), illness (病假), transfer (调离) or other",
    );
    holds(
        &e.zh(),
        &["--reason", "\"sick\"", "recusal（回避）", "other"],
    );
    let e = flag(
        "--randomness-plan",
        "\"2026-12-02 09:00\" states no time zone; add `+08:00` or `北京时间` for Beijing time, or `Z` for UTC (the tool does not guess); write ceremony:TIME:what will be done, e.g. ceremony:2026-12-02 09:00 北京时间:six throws of a ten-sided die",
    );
    let zh = e.zh();
    holds(
        &zh,
        &[
            "--randomness-plan",
            "\"2026-12-02 09:00\"",
            "没有写明时区",
            "ceremony:",
        ],
    );
    no_english_prose(&zh);
    let e = flag("--at", "give --at TIME or --round N");
    assert_eq!(e.zh(), "--at：请给出 --at TIME 或 --round N");
    let e = flag("--from", "results.xlsx has no data row");
    assert_eq!(e.zh(), "--from：results.xlsx 中没有数据行");
    let e = flag(
        "--item",
        "task T-1 is a joint task: name the check items 水资源股 checked (the task's items are SW-001, SW-002)",
    );
    holds(&e.zh(), &["T-1", "水资源股", "SW-001、SW-002"]);

    let e = ReceiptError::Selection(
        "the chain has 2 open commitments (0123456789ab for T-1, ba9876543210 for T-2); name one with --commitment".into(),
    );
    assert_eq!(
        e.zh(),
        "凭证链上有 2 条尚未抽取的承诺（0123456789ab（任务 T-1）、ba9876543210（任务 T-2））；请用 --commitment 指定其中一条"
    );
    let e = ReceiptError::Selection("no draw on the chain has an id starting with 4f2a".into());
    holds(&e.zh(), &["4f2a", "凭证链"]);

    let e = ReceiptError::Passphrase {
        path: "office.key".into(),
        message: "wrong passphrase".into(),
    };
    assert_eq!(e.zh(), "office.key：口令错误");

    let e = ReceiptError::BrokenChain {
        path: "chain.jsonl".into(),
        count: 2,
        first: "[signature] line 3: bad signature".into(),
    };
    holds(
        &e.zh(),
        &[
            "chain.jsonl",
            "2 个错误",
            "[signature] line 3: bad signature",
            "double-random verify",
        ],
    );
    let e = ReceiptError::InvalidRegisters(5);
    holds(&e.zh(), &["5 个错误", "double-random check-registers"]);
    holds(&ReceiptError::Clock.zh(), &["系统时钟"]);
    let e = ReceiptError::Bundle {
        path: "p.json".into(),
        message: "EOF while parsing a value at line 1 column 0".into(),
    };
    holds(&e.zh(), &["p.json", "不是证明包", "line 1 column 0"]);

    // A file limit of the tool, carried inside an io::Error.
    let e = ReceiptError::Io {
        path: "notice.html".into(),
        cause: io::Error::new(
            io::ErrorKind::AlreadyExists,
            crate::files::LimitError::Exists,
        ),
    };
    assert_eq!(e.zh(), "notice.html：文件已存在；如要替换，请加 --force");
    let e = ReceiptError::Io {
        path: "office.key".into(),
        cause: io::Error::new(
            io::ErrorKind::PermissionDenied,
            crate::files::LimitError::NotPrivate { mode: 0o644 },
        ),
    };
    holds(&e.zh(), &["office.key", "0644", "chmod 600"]);
    let e = ReceiptError::Io {
        path: "chain.jsonl".into(),
        cause: io::Error::new(
            io::ErrorKind::FileTooLarge,
            crate::files::LimitError::FileTooLarge {
                limit: crate::files::LOG_FILE_LIMIT,
                what: crate::files::Limit::LOG.what,
            },
        ),
    };
    holds(&e.zh(), &["chain.jsonl", "256 MiB", "凭证链"]);
    let e = ReceiptError::Io {
        path: "keys/office.pub".into(),
        cause: io::Error::new(io::ErrorKind::AlreadyExists, "refusing to overwrite"),
    };
    assert_eq!(e.zh(), "keys/office.pub：文件已存在（不覆盖已有文件）");

    let e = ReceiptError::Secrets(SecretsError::Line {
        path: "chain.jsonl.secrets.jsonl".into(),
        line: 4,
        problem: SecretsProblem::NotHex {
            member: "conflict_salt",
            digits: 64,
        },
    });
    assert_eq!(
        e.zh(),
        "chain.jsonl.secrets.jsonl 第 4 行：\"conflict_salt\" 不是 64 位小写十六进制数字"
    );
}

#[test]
fn receipt_errors_english_unchanged() {
    let e = ReceiptError::InvalidRegisters(5);
    assert_eq!(
        e.to_string(),
        "the registers have 5 error(s); run `double-random check-registers` and fix them first"
    );
    let e = ReceiptError::Flag {
        flag: "--at",
        message: "give --at TIME or --round N".into(),
    };
    assert_eq!(e.to_string(), "--at: give --at TIME or --round N");
}

#[test]
fn secrets_errors_in_chinese() {
    let text = b"{\"commitment\":\"00\",\"conflict_salt\":\"00\",\"x\":1}\n";
    let (line, problem) = parse_secrets(text).unwrap_err();
    let e = SecretsError::Line {
        path: "s.jsonl".into(),
        line,
        problem,
    };
    holds(&e.zh(), &["s.jsonl 第 1 行"]);
    let e = SecretsProblem::Repeated {
        commitment: "ab12".into(),
        first_line: 2,
    };
    holds(&e.zh(), &["承诺 ab12", "第 2 行", "第二个"]);
    let e = SecretsProblem::Missing("commitment");
    assert_eq!(e.zh(), "缺少成员 \"commitment\"");
}

#[test]
fn secrets_errors_english_unchanged() {
    let e = SecretsError::Line {
        path: "s.jsonl".into(),
        line: 4,
        problem: SecretsProblem::Missing("commitment"),
    };
    assert_eq!(
        e.to_string(),
        "s.jsonl line 4: member \"commitment\" is missing"
    );
}

#[test]
fn time_text_errors_in_chinese() {
    let e = parse_time_as_written("2026-12-02 09:00").unwrap_err();
    holds(
        &e.zh(),
        &["\"2026-12-02 09:00\"", "时区", "`+08:00`", "`Z`"],
    );
    let e = parse_time_as_written("2026-02-30 09:00 北京时间").unwrap_err();
    holds(&e.zh(), &["2026-02-30", "不是真实存在的日期和时刻"]);
    let e = parse_time_as_written("tomorrow").unwrap_err();
    holds(&e.zh(), &["\"tomorrow\"", "2026-12-02T01:00:00Z"]);
    let e = parse_time_as_written("2026-12-02 09:00 EST").unwrap_err();
    holds(&e.zh(), &["\"EST\"", "不是本工具能识别的时区"]);
    // The same Chinese whether the error is typed or carried as text.
    for text in [
        "2026-12-02 09:00",
        "2026-12-02 09:00 EST",
        "x",
        "北京时间 2026-12-02 09:00Z",
    ] {
        let e = parse_time_as_written(text).unwrap_err();
        assert_eq!(prose(&e.to_string()), e.zh(), "{text}");
    }
}

#[test]
fn time_text_errors_english_unchanged() {
    let e = TimeTextError::TwoZones {
        text: "北京时间 2026-12-02 09:00Z".into(),
    };
    assert_eq!(
        e.to_string(),
        "\"北京时间 2026-12-02 09:00Z\" states the zone twice; state it once"
    );
}

// ---------------------------------------------------------------------------
// NoticeError, RepairError, ApproversError, WitnessCliError

#[test]
fn notice_errors_in_chinese() {
    let e = NoticeError::InvalidRegister {
        path: "entities.csv".into(),
        count: 3,
    };
    holds(
        &e.zh(),
        &["entities.csv", "3 个错误", "double-random check-registers"],
    );
    let e = NoticeError::Io {
        path: "notice.html".into(),
        cause: not_found(),
    };
    holds(&e.zh(), &["notice.html", "找不到文件或目录"]);
}

#[test]
fn notice_errors_english_unchanged() {
    let e = NoticeError::InvalidRegister {
        path: "entities.csv".into(),
        count: 3,
    };
    assert_eq!(
        e.to_string(),
        "entities.csv: the register has 3 error(s); run `double-random check-registers` on it"
    );
}

#[test]
fn repair_errors_in_chinese() {
    let e = plan("chain.jsonl", b"{\"a\":1}\nnot json").unwrap_err();
    assert!(matches!(e, RepairError::NotARecord { .. }), "{e:?}");
    holds(&e.zh(), &["chain.jsonl", "'{'", "不截去"]);
    let e = RepairError::BrokenLine {
        path: "ledger.jsonl".into(),
        line: 12,
        message: "not JSON".into(),
    };
    holds(&e.zh(), &["ledger.jsonl 第 12 行", "not JSON", "verify"]);
    let e = RepairError::WholeRecord {
        path: "chain.jsonl".into(),
    };
    holds(&e.zh(), &["chain.jsonl", "完整的记录", "换行符"]);
}

#[test]
fn repair_errors_english_unchanged() {
    let e = RepairError::NotARecord {
        path: "chain.jsonl".into(),
    };
    assert_eq!(
        e.to_string(),
        "chain.jsonl: the text after the last line break does not start as a record ('{'); this is not a torn append, and is not cut"
    );
}

#[test]
fn approvers_errors_in_chinese() {
    let e = parse_approvers("ledger.jsonl.approvers", "hello\n").unwrap_err();
    holds(
        &e.zh(),
        &[
            "ledger.jsonl.approvers 第 1 行",
            "double-random-public-key-v1",
            "公钥文件",
        ],
    );
    let e = ApproversError::NotPinned {
        ledger: "ledger.jsonl".into(),
        approvers: "ledger.jsonl.approvers".into(),
    };
    holds(
        &e.zh(),
        &[
            "ledger.jsonl",
            "ledger.jsonl.approvers 不存在",
            "`double-random approvers --ledger ledger.jsonl --add HEAD.pub`",
        ],
    );
    let e = ApproversError::Unpinned {
        key_id: "k-1234".into(),
        name: "阳城县水务局 张局长".into(),
        approvers: "l.approvers".into(),
        ledger: "l.jsonl".into(),
    };
    holds(
        &e.zh(),
        &["k-1234", "张局长", "l.approvers", "--ledger l.jsonl"],
    );
    let e = ApproversError::Unapproved(Box::new(Unapproved {
        ledger: "l.jsonl".into(),
        line: 9,
        message: "[approval] not approved".into(),
    }));
    holds(
        &e.zh(),
        &["l.jsonl 第 9 行", "[approval] not approved", "未经审批"],
    );
    let e = ApproversError::Empty {
        path: "l.approvers".into(),
    };
    holds(&e.zh(), &["l.approvers", "审批人公钥"]);
}

#[test]
fn approvers_errors_english_unchanged() {
    let e = ApproversError::Empty {
        path: "l.approvers".into(),
    };
    assert_eq!(e.to_string(), "l.approvers pins no approver key");
    let e = Unapproved {
        ledger: "l.jsonl".into(),
        line: 9,
        message: "m".into(),
    };
    assert_eq!(
        e.to_string(),
        "l.jsonl line 9: m; the ledger is not used while it holds an unapproved correction (pin the approver with `double-random approvers --ledger l.jsonl --add HEAD.pub` if the key is the unit head's, or run verify for the report)"
    );
}

#[cfg(feature = "witness")]
#[test]
fn witness_errors_in_chinese() {
    use crate::witness::WitnessCliError;
    let e = WitnessCliError::SomeFailed {
        failed: 1,
        asked: 3,
    };
    assert_eq!(e.zh(), "请求的 3 个见证方中，有 1 个没有给出副署");
    // A passphrase error carried as its English text.
    let e = WitnessCliError::Passphrase(
        ReceiptError::Passphrase {
            path: "witness: a.key".into(),
            message: "the two passphrases differ".into(),
        }
        .to_string(),
    );
    assert_eq!(e.zh(), "witness: a.key：两次输入的口令不一致");
    let e = WitnessCliError::Io {
        path: "state/".into(),
        cause: not_found(),
    };
    holds(&e.zh(), &["state/", "找不到文件或目录"]);
}

#[cfg(feature = "witness")]
#[test]
fn witness_errors_english_unchanged() {
    use crate::witness::WitnessCliError;
    let e = WitnessCliError::SomeFailed {
        failed: 1,
        asked: 3,
    };
    assert_eq!(e.to_string(), "1 of 3 witness(es) gave no cosignature");
}

// ---------------------------------------------------------------------------
// CliError, LimitError, the prose table

#[test]
fn cli_error_dispatches_to_the_error_it_carries() {
    let inner = InputError::NoSheet {
        file: "e.xlsx".into(),
    };
    let zh = inner.zh();
    assert_eq!(zh, "e.xlsx 中没有工作表");
    assert_eq!(CliError::from(inner).zh(), zh);
    let e = CliError::from(ReceiptError::InvalidRegisters(1));
    holds(&e.zh(), &["1 个错误"]);
    let e = CliError::Output(io::Error::new(
        io::ErrorKind::PermissionDenied,
        crate::files::LimitError::Symlink,
    ));
    holds(&e.zh(), &["无法写出输出", "符号链接"]);
}

#[test]
fn limit_errors_in_chinese_and_english_unchanged() {
    use crate::files::LimitError;
    let e = LimitError::LineTooLong {
        line: 7,
        limit: 64 << 20,
    };
    assert_eq!(e.zh(), "第 7 行超过 64 MiB（可读取的最长一行）");
    assert_eq!(
        e.to_string(),
        "line 7 is longer than 64 MiB (the longest line read)"
    );
    let e = LimitError::FileTooLarge {
        limit: 1 << 20,
        what: crate::files::Limit::SMALL.what,
    };
    holds(&e.zh(), &["1 MiB", "密钥文件、抽查任务文件或年度计划文件"]);
    no_english_prose(&e.zh());
    assert_eq!(human_zh(100), "100 字节");
}

#[test]
fn every_prose_form_renders_chinese() {
    let mut seen = std::collections::HashSet::new();
    for (form, render) in PROSE {
        assert!(seen.insert(*form), "form twice: {form}");
        assert!(!form.contains("{}{}"), "two values side by side: {form}");
        // Values that hold none of the form's literals.
        let sample = form.replace("{}", "V");
        let values = captures(form, &sample).unwrap_or_else(|| panic!("{form}"));
        assert!(values.iter().all(|v| *v == "V"), "{form}: {values:?}");
        let zh = render(&values);
        assert!(has_chinese(&zh), "{form} → {zh}");
        assert_eq!(prose(&sample), zh, "an earlier form takes {form:?}");
    }
}

#[test]
fn prose_forms_match_the_constants_they_copy() {
    assert_eq!(
        crate::passphrase::PASSPHRASE_ENV,
        "DOUBLE_RANDOM_PASSPHRASE"
    );
    let malformed = format!("{{}} is not a date and time; {}", crate::when::TIME_FORMS);
    assert!(PROSE.iter().any(|(f, _)| *f == malformed));
    assert_eq!(crate::secrets::SALT_LEN, 32);
}

#[test]
fn unknown_text_stays_as_it_is() {
    assert_eq!(prose("some library message"), "some library message");
    let e = ReceiptError::Selection("a library's English".into());
    assert_eq!(e.zh(), "a library's English");
}
