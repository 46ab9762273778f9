//! Chinese messages for the errors that stop a command ([`super::Zh`]).
//!
//! [`CliError`] is rendered by dispatching to the error it carries; each of
//! those has its own implementation in this module's files, written variant
//! by variant with exhaustive `match`es (no `_` arm), so a new variant of
//! this crate's errors does not compile until it has its Chinese:
//!
//! - [`input`]: `InputError` (register files);
//! - [`files`]: `TaskFileError`, `YearPlanError`, `CalendarFileError` and
//!   the TOML reader's messages inside them;
//! - [`receipts`]: `ReceiptError`, `SecretsError`, `SecretsProblem`,
//!   `TimeTextError`;
//! - [`other`]: `NoticeError`, `RepairError`, `ApproversError`,
//!   `Unapproved`, `WitnessCliError`;
//! - here: `CliError`, [`io_zh`] and `LimitError` (the tool's file limits,
//!   carried inside an `io::Error`).
//!
//! The library's errors a variant carries are rendered by their own
//! [`Zh`] implementations (`lib_zh`), not here.
//!
//! Some variants carry prose the command wrote in English at the place of
//! the error (`ReceiptError::Flag`, `ReceiptError::Selection`, a task
//! file's `Places` message, a calendar field's message...). [`prose`] gives
//! the Chinese of every such message this crate writes, matched against its
//! English form; text it does not know (a library error's or another
//! crate's English, carried as text) stays as it is.

use super::Zh;
use crate::common::CliError;
use crate::files::LimitError;

pub mod files;
pub mod input;
pub mod other;
pub mod prose;
pub mod receipts;

#[cfg(test)]
mod tests;

impl Zh for CliError {
    fn zh(&self) -> String {
        match self {
            CliError::Input(e) => e.zh(),
            CliError::Output(e) => format!("无法写出输出：{}", io_zh(e)),
            CliError::Json(e) => format!("无法生成 JSON：{e}"),
            CliError::Task(e) => e.zh(),
            CliError::Sizes(e) => e.zh(),
            CliError::Receipt(e) => e.zh(),
            CliError::Notice(e) => e.zh(),
            CliError::Year(e) => e.zh(),
            CliError::Repair(e) => e.zh(),
            CliError::Approvers(e) => e.zh(),
            #[cfg(feature = "witness")]
            CliError::Witness(e) => e.zh(),
        }
    }
}

/// An operating-system error in Chinese where its kind is a common one
/// (the English text of the system follows in brackets). A limit of the
/// tool ([`LimitError`]) or a text that is not UTF-8, carried inside the
/// error, is given wholly in Chinese.
pub fn io_zh(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    if let Some(inner) = e.get_ref() {
        if let Some(limit) = inner.downcast_ref::<LimitError>() {
            return limit.zh();
        }
        if let Some(utf8) = inner.downcast_ref::<std::str::Utf8Error>() {
            return format!(
                "不是 UTF-8 文本（第一个无效字节位于偏移量 {}）",
                utf8.valid_up_to()
            );
        }
    }
    let what = match e.kind() {
        K::NotFound => "找不到文件或目录",
        K::PermissionDenied => "没有权限",
        K::AlreadyExists => "文件已存在",
        K::IsADirectory => "这是一个目录，不是文件",
        K::NotADirectory => "路径中有一段不是目录",
        K::StorageFull => "磁盘已满",
        K::ReadOnlyFilesystem => "文件系统只读",
        K::InvalidData => "数据无效",
        K::UnexpectedEof => "文件意外结束",
        K::BrokenPipe => "管道已关闭",
        K::TimedOut => "超时",
        K::ConnectionRefused => "连接被拒绝",
        _ => return prose::prose(&e.to_string()),
    };
    format!("{what}（{}）", prose::prose(&e.to_string()))
}

impl Zh for LimitError {
    fn zh(&self) -> String {
        match self {
            LimitError::FileTooLarge { limit, what } => format!(
                "文件超过 {}（{}最多读取这么多）；是否选错了文件？",
                human_zh(*limit),
                limit_what_zh(what)
            ),
            LimitError::LineTooLong { line, limit } => format!(
                "第 {line} 行超过 {}（可读取的最长一行）",
                human_zh(*limit as u64)
            ),
            LimitError::Symlink => {
                "这是一个符号链接；本工具从不通过符号链接写文件（请给出实际路径）".to_owned()
            }
            LimitError::Exists => "文件已存在；如要替换，请加 --force".to_owned(),
            LimitError::NotPrivate { mode } => format!(
                "该文件存有机密，但其权限为 {mode:04o}：同组用户或其他用户可以读取；请对它运行 `chmod 600`（并视该机密已经泄露）"
            ),
        }
    }
}

/// The kind of file a [`LimitError::FileTooLarge`] names, in Chinese.
fn limit_what_zh(what: &str) -> String {
    match what {
        "chain, ledger, cosignature or secrets file" => {
            "凭证链、结果台账、见证签名文件或盐值文件".to_owned()
        }
        "key, task or plan file" => "密钥文件、抽查任务文件或年度计划文件".to_owned(),
        "proof bundle or published file" => "证明包或公示文件".to_owned(),
        "register file read whole" => "整体读入的名录文件".to_owned(),
        "register or other input file" => "名录文件或其他输入文件".to_owned(),
        other => format!("“{other}”"),
    }
}

/// [`crate::files::human`] in Chinese: `1 MiB`, `4 GiB`, or `N 字节`.
pub(crate) fn human_zh(bytes: u64) -> String {
    let en = crate::files::human(bytes);
    match en.strip_suffix(" bytes") {
        Some(n) => format!("{n} 字节"),
        None => en,
    }
}

/// Items of an English list (`a, b, c`) joined the Chinese way (`a、b、c`).
pub(crate) fn list_zh(en: &str) -> String {
    en.split(", ").collect::<Vec<_>>().join("、")
}
