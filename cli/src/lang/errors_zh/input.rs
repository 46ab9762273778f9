//! Register files that cannot be read: `InputError`.

use super::prose::prose;
use super::{human_zh, io_zh};
use crate::input::{InputError, TableKind};
use crate::lang::Zh;

/// A register kind in Chinese, as named in messages.
pub fn table_kind_zh(kind: TableKind) -> &'static str {
    match kind {
        TableKind::Entities => "检查对象名录",
        TableKind::Inspectors => "执法检查人员名录",
        TableKind::Conflicts => "回避名单",
        TableKind::Items => "抽查事项清单",
        TableKind::Results => "检查结果录入表",
    }
}

/// How a register file was read when it was found too large (the `how`
/// of [`InputError::TooLarge`]).
fn how_zh(how: &str) -> String {
    match how {
        "streamed (UTF-8 CSV)" => "按 UTF-8 CSV 逐行读取".to_owned(),
        "read whole (a workbook, or GB18030 text)" => {
            "整体读入（工作簿或 GB18030 文本）".to_owned()
        }
        other => format!("以“{other}”方式读取"),
    }
}

/// Header texts, each in “”, joined with 、.
fn headers_zh<S: AsRef<str>>(headers: &[S]) -> String {
    headers
        .iter()
        .map(|h| format!("“{}”", h.as_ref()))
        .collect::<Vec<_>>()
        .join("、")
}

impl Zh for InputError {
    fn zh(&self) -> String {
        match self {
            InputError::Io { file, cause } => format!("无法读取 {file}：{}", io_zh(cause)),
            InputError::TooLarge { file, limit, how } => format!(
                "{file} 超过 {}，这是名录文件{}时最多读取的大小；是否选错了文件？",
                human_zh(*limit),
                how_zh(how)
            ),
            InputError::RowTooLong { file, row, limit } => format!(
                "{file} 第 {row} 行超过 {}（可读取的最长一行）；请检查是否有未闭合的引号",
                human_zh(*limit as u64)
            ),
            InputError::TooManyColumns { file, row, limit } => {
                format!("{file} 第 {row} 行超过 {limit} 列（可读取的最多列数）")
            }
            InputError::CellOutOfRange {
                file,
                sheet,
                cell,
                limit,
            } => format!(
                "{file} 工作表“{sheet}”的单元格 {cell} 在第 {limit} 列（读取的最后一列）之后；请删除其中的内容"
            ),
            InputError::CellTooLong {
                file,
                sheet,
                cell,
                limit,
            } => format!(
                "{file} 工作表“{sheet}”的单元格 {cell} 超过 {limit} 个字符（Excel 一个单元格最多能容纳的字符数）"
            ),
            InputError::Inflated {
                file,
                entry,
                inflated,
                reason,
            } => format!(
                "拒绝读取 {file}：其中的部分 {entry} 解压后超过 {}（{}）",
                human_zh(*inflated),
                prose(reason)
            ),
            InputError::UnknownEncodingName { given } => {
                format!("不认识的编码“{given}”：请用 auto、utf-8、gb18030 或 gbk")
            }
            InputError::Empty { file } => {
                format!("{file} 是空的：应当先有一行表头，再有数据行")
            }
            InputError::InvalidUtf8 { file, offset } => format!(
                "{file} 不是有效的 UTF-8 文本（第一个无效字节位于偏移量 {offset}）；如果文件是在中文 Windows 上用 Excel 或 WPS 保存的，请试试 --encoding gb18030"
            ),
            InputError::InvalidGb18030 { file, offset } => format!(
                "{file} 不是有效的 GB18030/GBK 文本（第一个无效字节位于偏移量 {offset}）；如果文件是以“CSV UTF-8”格式保存的，请试试 --encoding utf-8"
            ),
            InputError::UnknownEncoding { file, offset } => format!(
                "{file} 既不是 UTF-8 文本，也不是 GB18030/GBK 文本（偏移量 {offset} 处有无法解码的字节）；请用 Excel 或 WPS 打开，另存为“CSV UTF-8（逗号分隔）”或 .xlsx"
            ),
            InputError::Utf16 { file } => format!(
                "{file} 是 UTF-16 编码的“Unicode 文本”；请在 Excel 或 WPS 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx"
            ),
            InputError::Csv { file, row, message } => {
                format!("{file} 第 {row} 行：无法把这一行拆分成字段：{message}")
            }
            InputError::Ragged {
                file,
                row,
                expected,
                found,
            } => format!(
                "{file} 第 {row} 行有 {found} 个字段，但表头行有 {expected} 个；请检查是否有多余的逗号、缺少的值，或写在表格之外的值"
            ),
            InputError::LegacyXls { file } => {
                format!("{file} 是旧版 Excel 97-2003 工作簿（.xls）；请另存为 .xlsx 或 CSV UTF-8")
            }
            InputError::NotAWorkbook { file, reason } => {
                format!("{file} 不是可读取的 .xlsx 工作簿：{}", prose(reason))
            }
            InputError::NoSheet { file } => format!("{file} 中没有工作表"),
            InputError::CellError {
                file,
                sheet,
                cell,
                value,
            } => format!(
                "{file} 工作表“{sheet}”的单元格 {cell} 显示 Excel 错误值 {value}；请修正公式，或直接填写值本身"
            ),
            InputError::MissingColumn {
                file,
                kind,
                column,
                accepted,
                found,
            } => format!(
                "{file} 没有{}的“{column}”列；可用的表头：{}；该文件的表头：{}",
                table_kind_zh(*kind),
                headers_zh(accepted),
                headers_zh(found)
            ),
            InputError::DuplicateColumn {
                file,
                kind,
                column,
                first,
                second,
            } => format!(
                "{file} 有两个表头都表示{}的“{column}”列：“{first}”和“{second}”；请删除其中一个或改名",
                table_kind_zh(*kind)
            ),
        }
    }
}
