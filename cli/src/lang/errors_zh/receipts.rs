//! The receipt commands' errors: `ReceiptError` and the secrets file and
//! written-time errors it reaches.

use super::io_zh;
use super::prose::prose;
use crate::lang::Zh;
use crate::receipts::ReceiptError;
use crate::secrets::{SecretsError, SecretsProblem};
use crate::when::TimeTextError;

impl Zh for ReceiptError {
    fn zh(&self) -> String {
        match self {
            ReceiptError::Passphrase { path, message } => {
                format!("{path}：{}", prose(message))
            }
            ReceiptError::Io { path, cause } => format!("{path}：{}", io_zh(cause)),
            ReceiptError::Key { path, cause } => format!("{path}：{}", cause.zh()),
            ReceiptError::Issuer(e) => e.zh(),
            ReceiptError::Calendar(e) => e.zh(),
            ReceiptError::Flag { flag, message } => format!("{flag}：{}", prose(message)),
            ReceiptError::BrokenChain { path, count, first } => format!(
                "{path}：凭证链未通过核验（{count} 个错误），第一个错误：{first}；请运行 `double-random verify` 查看完整报告"
            ),
            ReceiptError::Selection(message) => prose(message),
            ReceiptError::InvalidRegisters(count) => {
                format!("名录中有 {count} 个错误；请先运行 `double-random check-registers` 并改正")
            }
            ReceiptError::Draw(e) => e.zh(),
            ReceiptError::Record(e) => e.zh(),
            ReceiptError::Bundle { path, message } => {
                format!("{path}：不是证明包：{}", prose(message))
            }
            ReceiptError::Secrets(e) => e.zh(),
            ReceiptError::Clock => "系统时钟给出的时间不可用（超出记录格式的范围）".to_owned(),
            ReceiptError::Entropy(message) => {
                format!("操作系统没有提供随机数：{}", prose(message))
            }
        }
    }
}

impl Zh for SecretsError {
    fn zh(&self) -> String {
        match self {
            SecretsError::Io { path, cause } => format!("{path}：{}", io_zh(cause)),
            SecretsError::Line {
                path,
                line,
                problem,
            } => format!("{path} 第 {line} 行：{}", problem.zh()),
        }
    }
}

impl Zh for SecretsProblem {
    fn zh(&self) -> String {
        match self {
            SecretsProblem::NotJson(why) => format!("不是 JSON 对象：{why}"),
            SecretsProblem::Missing(member) => format!("缺少成员 {member:?}"),
            SecretsProblem::Unknown(member) => format!("不认识的成员 {member:?}"),
            SecretsProblem::RepeatedMember(member) => format!("成员 {member:?} 出现了两次"),
            SecretsProblem::NotHex { member, digits } => {
                format!("{member:?} 不是 {digits} 位小写十六进制数字")
            }
            SecretsProblem::Repeated {
                commitment,
                first_line,
            } => format!("承诺 {commitment} 有第二个不同的盐值（第一个在第 {first_line} 行）"),
        }
    }
}

impl Zh for TimeTextError {
    fn zh(&self) -> String {
        let q = |s: &str| format!("{s:?}");
        match self {
            TimeTextError::NoZone { text } => no_zone_zh(&q(text)),
            TimeTextError::UnknownZone { text, zone } => unknown_zone_zh(&q(text), &q(zone)),
            TimeTextError::TwoZones { text } => two_zones_zh(&q(text)),
            TimeTextError::OutOfRange { text, what } => out_of_range_zh(&q(text), what),
            TimeTextError::Malformed { text } => malformed_zh(&q(text)),
        }
    }
}

// The written-time messages from their (quoted) values: shared by
// `TimeTextError` and the messages that carry its English text.

pub(super) fn no_zone_zh(text: &str) -> String {
    format!(
        "{text} 没有写明时区；北京时间请加 `+08:00` 或 `北京时间`，协调世界时（UTC）请加 `Z`（本工具不会猜测）"
    )
}

pub(super) fn unknown_zone_zh(text: &str, zone: &str) -> String {
    format!(
        "{text}：{zone} 不是本工具能识别的时区；请写 `北京时间`、`+08:00`（任何 `+HH:MM`/`-HH:MM`）、`Z` 或 `(UTC)`"
    )
}

pub(super) fn two_zones_zh(text: &str) -> String {
    format!("{text} 写了两次时区；请只写一次")
}

pub(super) fn out_of_range_zh(text: &str, what: &str) -> String {
    format!("{text}：{what} 不是真实存在的日期和时刻")
}

pub(super) fn malformed_zh(text: &str) -> String {
    format!("{text} 不是日期和时间；{TIME_FORMS_ZH}")
}

/// [`crate::when::TIME_FORMS`] in Chinese.
pub const TIME_FORMS_ZH: &str = "请写成例如 `2026-12-02 09:00 北京时间`、`北京时间 2026-12-02 09:00`、\
`2026-12-02T09:00:00+08:00` 或 `2026-12-02T01:00:00Z`";
