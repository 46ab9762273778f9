//! The TOML files a clerk writes: task files (`TaskFileError`), year plans
//! (`YearPlanError`) and calendar files (`CalendarFileError`), with the TOML
//! reader's own messages.

use super::io_zh;
use super::list_zh;
use super::prose::{PROSE, Render, by_form, captures, prose};
use crate::calendar_file::CalendarFileError;
use crate::lang::Zh;
use crate::task_file::TaskFileError;
use crate::year::YearPlanError;

impl Zh for TaskFileError {
    fn zh(&self) -> String {
        match self {
            TaskFileError::Io { file, cause } => {
                format!("无法读取抽查任务文件 {file}：{}", io_zh(cause))
            }
            TaskFileError::NotUtf8 { file, offset } => format!(
                "抽查任务文件 {file} 不是 UTF-8 文本（第一个无效字节位于偏移量 {offset}）；请另存为 UTF-8"
            ),
            TaskFileError::Toml { file, error } => {
                format!("抽查任务文件 {file}：{}", toml_zh(error))
            }
            TaskFileError::Id { file, value, rule } => {
                format!("抽查任务文件 {file}：字段 id 的值 {value:?}：{}", rule.zh())
            }
            TaskFileError::Places { file, message } => {
                format!("抽查任务文件 {file}：{}", prose(message))
            }
            TaskFileError::Task { file, error } => {
                format!("抽查任务文件 {file}：{}", error.zh())
            }
        }
    }
}

impl Zh for YearPlanError {
    fn zh(&self) -> String {
        match self {
            YearPlanError::Io { file, cause } => {
                format!("无法读取年度计划 {file}：{}", io_zh(cause))
            }
            YearPlanError::NotUtf8 { file, offset } => format!(
                "年度计划 {file} 不是 UTF-8 文本（第一个无效字节位于偏移量 {offset}）；请另存为 UTF-8"
            ),
            YearPlanError::Toml { file, error } => {
                format!("年度计划 {file}：{}", toml_zh(error))
            }
            YearPlanError::Year { file, year } => {
                format!("年度计划 {file}：年份 {year} 不在 1900 至 9999 之间")
            }
            YearPlanError::Empty { file, field } => {
                format!("年度计划 {file}：{} 为空", plan_field_zh(field))
            }
            YearPlanError::NoTasks { file, what } => format!(
                "年度计划 {file}：{}没有列出任何抽查任务；每个批次至少要有一个",
                plan_part_zh(what)
            ),
            YearPlanError::BatchDate {
                file,
                line,
                batch,
                message,
            } => format!(
                "年度计划 {file} 第 {line} 行：批次 {batch}：{}",
                super::prose::prose(message)
            ),
            YearPlanError::BatchDates {
                file,
                line,
                batch,
                start,
                end,
                why,
            } => format!(
                "年度计划 {file} 第 {line} 行：批次 {batch} 的时间为 {} 至 {}，{}",
                double_random::calendar::format_date(*start),
                double_random::calendar::format_date(*end),
                batch_dates_why_zh(why)
            ),
            YearPlanError::DuplicateTaskFile { file, task } => {
                format!("年度计划 {file}：任务文件 {task} 列出了两次")
            }
            YearPlanError::DuplicateTaskId {
                file,
                id,
                first,
                second,
            } => format!("年度计划 {file}：任务编号 {id} 既由 {first} 给出，又由 {second} 给出"),
            YearPlanError::Threshold { file, value } => format!(
                "年度计划 {file}：merge_threshold 的值 {value:?} 必须是大于 0% 的百分比文本，例如 \"50%\""
            ),
            YearPlanError::Task(e) => e.zh(),
        }
    }
}

/// The empty text a year plan names (`name`, `batch 2 name`, `batch B task 1`).
fn plan_field_zh(field: &str) -> String {
    const FORMS: &[(&str, Render)] = &[
        ("name", |_| "name（计划名称）".to_owned()),
        ("batch {} task {}", |v| {
            format!("批次 {} 的第 {} 个任务文件（tasks）", v[0], v[1])
        }),
        ("batch {} name", |v| {
            format!("第 {} 个批次的 name（批次名称）", v[0])
        }),
    ];
    by_form(FORMS, field).unwrap_or_else(|| field.to_owned())
}

/// `the plan` or `batch NAME` (a year plan without tasks).
fn plan_part_zh(what: &str) -> String {
    match what {
        "the plan" => "计划".to_owned(),
        other => match other.strip_prefix("batch ") {
            Some(name) => format!("批次 {name} "),
            None => format!("{other} "),
        },
    }
}

/// What is wrong with a batch's dates.
fn batch_dates_why_zh(why: &str) -> String {
    const FORMS: &[(&str, Render)] = &[
        ("ending before it starts", |_| {
            "结束日期早于开始日期".to_owned()
        }),
        ("outside the plan's year {}", |v| {
            format!("超出了计划所属的 {} 年", v[0])
        }),
    ];
    by_form(FORMS, why).unwrap_or_else(|| why.to_owned())
}

impl Zh for CalendarFileError {
    fn zh(&self) -> String {
        match self {
            CalendarFileError::Read { file, cause } => {
                format!("日历文件 {file}：{}", io_zh(cause))
            }
            CalendarFileError::Toml { file, error } => {
                format!("日历文件 {file}：{}", toml_zh(error))
            }
            CalendarFileError::Field {
                file,
                line,
                field,
                value,
                message,
            } => format!(
                "日历文件 {file} 第 {line} 行：{field} = {value}：{}",
                prose(message)
            ),
            CalendarFileError::BuiltIn(e) => format!("内置节假日表：{}", e.zh()),
            CalendarFileError::Notice {
                file,
                line,
                field,
                error,
            } => {
                let at = match (line, field) {
                    (Some(l), Some(f)) => format!(" 第 {l} 行（{}）", calendar_entry_zh(f)),
                    (Some(l), None) => format!(" 第 {l} 行"),
                    _ => String::new(),
                };
                format!("日历文件 {file}{at}：{}", error.zh())
            }
        }
    }
}

/// `[[holiday]] 春节; the same day is at line 9` (an entry of a calendar file).
fn calendar_entry_zh(field: &str) -> String {
    match captures("{}; the same day is at line {}", field) {
        Some(v) => format!("{}；同一天也在第 {} 行", v[0], v[1]),
        None => field.to_owned(),
    }
}

/// A TOML reader's error in Chinese: where it is (line and column, and the
/// line with the place marked, as the reader shows it), then what is wrong.
pub fn toml_zh(e: &toml::de::Error) -> String {
    let text = e.to_string();
    let message = e.message();
    let Some(at) = text.rfind(message) else {
        return text;
    };
    let (before, after) = (&text[..at], &text[at + message.len()..]);
    let mut out = String::new();
    let mut lines = before.lines();
    if let Some(first) = lines.next() {
        match captures("TOML parse error at line {}, column {}", first) {
            Some(v) => out.push_str(&format!("TOML 格式有误，位于第 {} 行第 {} 列", v[0], v[1])),
            None => out.push_str(first),
        }
        out.push('\n');
        for l in lines {
            out.push_str(l);
            out.push('\n');
        }
    }
    out.push_str(&toml_message_zh(message));
    if let Some(keys) = after.trim().strip_prefix("in ") {
        out.push_str(&format!("（位于 {keys}）"));
    }
    out
}

/// What a TOML reader reports: this crate's own messages ([`PROSE`]),
/// serde's, then the TOML parser's; anything else as it is.
pub fn toml_message_zh(message: &str) -> String {
    if let Some(zh) = by_form(PROSE, message).or_else(|| by_form(SERDE, message)) {
        return zh;
    }
    let (what, expected) = match message.split_once(", expected ") {
        Some((w, e)) => (w, Some(e)),
        None => (message, None),
    };
    match parse_zh(what) {
        Some(w) => match expected {
            Some(e) => format!("{w}，应为 {}", expected_zh(e)),
            None => w.to_owned(),
        },
        None => message.to_owned(),
    }
}

/// serde's messages for a value that does not fit (serde::de::Error).
const SERDE: &[(&str, Render)] = &[
    ("unknown field `{}`, there are no fields", |v| {
        format!("不认识的键 `{}`：此处不能有任何键", v[0])
    }),
    ("unknown field `{}`, expected one of {}", |v| {
        format!("不认识的键 `{}`；可用的键：{}", v[0], list_zh(v[1]))
    }),
    ("unknown field `{}`, expected {} or {}", |v| {
        format!("不认识的键 `{}`；可用的键：{}、{}", v[0], v[1], v[2])
    }),
    ("unknown field `{}`, expected {}", |v| {
        format!("不认识的键 `{}`；可用的键只有 {}", v[0], v[1])
    }),
    ("unknown variant `{}`, there are no variants", |v| {
        format!("不认识的取值 `{}`：此处没有可用的取值", v[0])
    }),
    ("unknown variant `{}`, expected one of {}", |v| {
        format!("不认识的取值 `{}`；可用的取值：{}", v[0], list_zh(v[1]))
    }),
    ("unknown variant `{}`, expected {} or {}", |v| {
        format!("不认识的取值 `{}`；可用的取值：{}、{}", v[0], v[1], v[2])
    }),
    ("unknown variant `{}`, expected {}", |v| {
        format!("不认识的取值 `{}`；可用的取值只有 {}", v[0], v[1])
    }),
    ("missing field `{}`", |v| format!("缺少必需的键 `{}`", v[0])),
    ("duplicate field `{}`", |v| format!("键 `{}` 重复", v[0])),
    ("invalid type: {}, expected {}", |v| {
        format!(
            "类型不对：给出的是{}，应为{}",
            unexpected_zh(v[0]),
            expecting_zh(v[1])
        )
    }),
    ("invalid value: {}, expected {}", |v| {
        format!(
            "值不对：给出的是{}，应为{}",
            unexpected_zh(v[0]),
            expecting_zh(v[1])
        )
    }),
    ("invalid length {}, expected {}", |v| {
        format!("长度 {} 不对，应为{}", v[0], expecting_zh(v[1]))
    }),
];

/// serde's description of a value given (`integer `2``, `string "x"`).
fn unexpected_zh(u: &str) -> String {
    const KINDS: &[(&str, &str)] = &[
        ("boolean ", "布尔值 "),
        ("integer ", "整数 "),
        ("floating point ", "浮点数 "),
        ("character ", "字符 "),
        ("string ", "字符串 "),
    ];
    for (en, zh) in KINDS {
        if let Some(rest) = u.strip_prefix(en) {
            return format!("{zh}{rest}");
        }
    }
    match u {
        "sequence" => "数组".to_owned(),
        "map" => "表".to_owned(),
        "unit value" => "空值".to_owned(),
        other => other.to_owned(),
    }
}

/// What a field expects, as serde and this crate's readers describe it.
fn expecting_zh(e: &str) -> String {
    match e {
        "a string" | "a borrowed string" => "字符串".to_owned(),
        "a boolean" => "布尔值（true 或 false）".to_owned(),
        "u32" | "u64" | "usize" => format!("非负整数（{e}）"),
        "i32" | "i64" => format!("整数（{e}）"),
        "a sequence" => "数组".to_owned(),
        "a percentage written as text, such as \"12.5%\"" => {
            "写成文本的百分比，例如 \"12.5%\"".to_owned()
        }
        other => match other.split_once(' ') {
            Some(("struct", name)) => format!("表（{name}）"),
            Some(("enum", name)) => format!("规定的取值之一（{name}）"),
            _ => other.to_owned(),
        },
    }
}

/// The TOML parser's descriptions of malformed text that a clerk meets.
fn parse_zh(what: &str) -> Option<&'static str> {
    Some(match what {
        "duplicate key" => "键重复",
        "string values must be quoted" => "字符串值必须加引号",
        "missing value" | "missing value for key" | "key with no value" => "键没有值",
        "invalid unquoted key" => "不加引号的键无效",
        "invalid key" => "键无效",
        "invalid value" => "值无效",
        "invalid key-value pair" => "键值对无效",
        "invalid basic string" => "字符串无效",
        "invalid multi-line basic string" => "多行字符串无效",
        "unclosed array" => "数组缺少结尾的 ]",
        "unclosed table" => "表头缺少结尾的 ]",
        "unclosed array table" => "数组表头缺少结尾的 ]]",
        "unclosed inline table" => "内联表缺少结尾的 }",
        "missing comma between array elements" => "数组元素之间缺少逗号",
        "missing comma between key-value pairs" => "键值对之间缺少逗号",
        "extra comma in array" => "数组中有多余的逗号",
        "extra comma in inline table" => "内联表中有多余的逗号",
        "missing assignment between key-value pairs" => "键和值之间缺少 =",
        "extra assignment between key-value pairs" | "extra `=`" => "有多余的 =",
        "unexpected content" => "有多余的内容",
        "unexpected key or value" => "此处不应有键或值",
        "unexpected leading zero" => "数字不能以 0 开头",
        "carriage return must be followed by newline" => "回车符后面必须是换行符",
        "unexpected content between comment and newline" => "注释与换行之间有多余的内容",
        _ => return None,
    })
}

/// The TOML parser's list of what it expected (`newline`, `` `]` ``, ...).
fn expected_zh(list: &str) -> String {
    list.split(", ")
        .map(|item| match item {
            "newline" => "换行",
            "nothing" => "无",
            "letters" => "字母",
            "numbers" => "数字",
            "digits" => "数字",
            "whitespace" => "空白",
            "comment" => "注释",
            "key" => "键",
            "value" => "值",
            "basic string" => "双引号字符串",
            "literal string" => "单引号字符串",
            "multi-line basic string" => "双引号多行字符串",
            "multi-line literal string" => "单引号多行字符串",
            other => other,
        })
        .collect::<Vec<_>>()
        .join("、")
}
