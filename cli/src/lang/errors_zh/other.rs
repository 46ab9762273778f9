//! Notices, repairs, pinned approvers and witnesses: `NoticeError`,
//! `RepairError`, `ApproversError` (with `Unapproved`) and `WitnessCliError`.

use double_random::records::PUBLIC_KEY_HEADER;

use super::io_zh;
use crate::approvers::{ApproversError, Unapproved};
use crate::lang::Zh;
use crate::notice::NoticeError;
use crate::repair::RepairError;

impl Zh for NoticeError {
    fn zh(&self) -> String {
        match self {
            NoticeError::Io { path, cause } => format!("{path}：{}", io_zh(cause)),
            NoticeError::Key { path, cause } => format!("{path}：{}", cause.zh()),
            NoticeError::InvalidRegister { path, count } => format!(
                "{path}：该名录有 {count} 个错误；请对它运行 `double-random check-registers`"
            ),
        }
    }
}

impl Zh for RepairError {
    fn zh(&self) -> String {
        match self {
            RepairError::Io { path, cause } => format!("{path}：{}", io_zh(cause)),
            RepairError::WholeRecord { path } => format!(
                "{path}：最后一行是一条完整的记录，只是缺少换行符；没有需要截去的内容（下次追加时会补上换行符）"
            ),
            RepairError::NotARecord { path } => format!(
                "{path}：最后一个换行符之后的文字不是以记录的开头（'{{'）开始的；这不是追加中断留下的残行，因此不截去"
            ),
            RepairError::BrokenLine {
                path,
                line,
                message,
            } => format!(
                "{path} 第 {line} 行：{message}；本命令只修复最后一行的残行，因此什么也不截去（请运行 verify 查看报告）"
            ),
        }
    }
}

impl Zh for ApproversError {
    fn zh(&self) -> String {
        match self {
            ApproversError::Io { path, cause } => format!("{path}：{}", io_zh(cause)),
            ApproversError::Key {
                path,
                index,
                line,
                cause,
            } => format!(
                "{path}：第 {index} 个公钥（第 {line} 行起）：{}",
                cause.zh()
            ),
            ApproversError::NotAKey { path, line } => {
                format!("{path} 第 {line} 行：应为以 {PUBLIC_KEY_HEADER} 开头的公钥文件")
            }
            ApproversError::Empty { path } => format!("{path} 中没有固定任何审批人公钥"),
            ApproversError::NotPinned { ledger, approvers } => format!(
                "{ledger} 中有更正记录，但 {approvers} 不存在：请在再次使用该结果台账之前，用 `double-random approvers --ledger {ledger} --add HEAD.pub` 固定单位负责人的公钥"
            ),
            ApproversError::Unapproved(u) => u.zh(),
            ApproversError::Unpinned {
                key_id,
                name,
                approvers,
                ledger,
            } => format!(
                "审批人公钥 {key_id}（{name}）没有固定在 {approvers} 中；如果单位负责人已经更换，请用 `double-random approvers --ledger {ledger} --add HEAD.pub` 添加新的公钥"
            ),
        }
    }
}

impl Zh for Unapproved {
    fn zh(&self) -> String {
        let Unapproved {
            ledger,
            line,
            message,
        } = self;
        format!(
            "{ledger} 第 {line} 行：{message}；结果台账中有未经审批的更正，在此之前不能使用该台账（如果该公钥属于单位负责人，请用 `double-random approvers --ledger {ledger} --add HEAD.pub` 固定这位审批人；否则请运行 verify 查看报告）"
        )
    }
}

#[cfg(feature = "witness")]
impl Zh for crate::witness::WitnessCliError {
    fn zh(&self) -> String {
        use crate::witness::WitnessCliError as E;
        match self {
            // A passphrase error of `ReceiptError`, turned into its text.
            E::Passphrase(text) => super::prose::with_path(text),
            E::Io { path, cause } => format!("{path}：{}", io_zh(cause)),
            E::Key { path, cause } => format!("{path}：{}", cause.zh()),
            E::Log { path, cause } => format!("{path}：{}", cause.zh()),
            E::KeyChange { path, cause } => {
                format!("{path}：不是密钥更换记录（信封）：{}", cause.zh())
            }
            E::Store(e) => e.zh(),
            E::Serve(e) => e.zh(),
            E::NotOnChain { path, cause } => format!("{path}：{}", cause.zh()),
            E::Refused(r) => format!("见证方拒绝副署（{}）：{}", r.kind(), r.zh()),
            E::SomeFailed { failed, asked } => {
                format!("请求的 {asked} 个见证方中，有 {failed} 个没有给出副署")
            }
        }
    }
}
