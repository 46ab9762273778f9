//! Chinese messages for the errors that stop a command ([`super::Zh`]).
//!
//! [`CliError`] is rendered by dispatching to the error it carries; each of
//! those has its own implementation below, written variant by variant.

use super::Zh;
use crate::common::CliError;

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
/// (the English text of the system follows in brackets).
pub fn io_zh(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
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
        _ => return format!("{e}"),
    };
    format!("{what}（{e}）")
}

// Placeholders: the English text until each error type's Chinese is written.
macro_rules! english_for_now {
    ($($t:ty),* $(,)?) => {$(
        impl Zh for $t {
            fn zh(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
english_for_now!(
    crate::input::InputError,
    crate::task_file::TaskFileError,
    crate::receipts::ReceiptError,
    crate::notice::NoticeError,
    crate::year::YearPlanError,
    crate::repair::RepairError,
    crate::approvers::ApproversError,
);
#[cfg(feature = "witness")]
english_for_now!(crate::witness::WitnessCliError);
