//! Sample sizes, the sampler, ratios and the task.

use double_random::sampling::{RatioError, SampleError, SizeError};
use double_random::task::TaskError;

use super::{Zh, class, class_index};

impl Zh for SizeError {
    fn zh(&self) -> String {
        match self {
            SizeError::RatioDecreasing {
                lower_class,
                lower_ratio,
                higher_class,
                higher_ratio,
            } => format!(
                "{}的抽查比例（{higher_ratio}）低于 {}的抽查比例（{lower_ratio}）；\
                 抽查比例从 A 类（风险最低）到 D 类（风险最高）不得递减",
                class_index(*higher_class),
                class_index(*lower_class)
            ),
            SizeError::PoolOverflow { pools } => {
                format!("各类检查对象数之和超出 u64 的范围（各类对象数 {pools:?}）")
            }
            _ => self.to_string(),
        }
    }
}

impl Zh for SampleError {
    fn zh(&self) -> String {
        match self {
            SampleError::SampleTooLarge {
                class_index: c,
                n,
                k,
            } => format!(
                "无法从 {}的 {n} 户检查对象中抽取 {k} 户互不相同的对象",
                class_index(*c)
            ),
            SampleError::BadClass { class_index } => {
                format!("分类序号 {class_index} 超出范围 0..4（A..D）")
            }
            SampleError::OutOfMemory { class_index: c, k } => {
                format!("内存容纳不下 {}的 {k} 个序位", class_index(*c))
            }
            _ => self.to_string(),
        }
    }
}

/// The reason of [`RatioError::Malformed`] in Chinese (unknown reasons as given).
fn malformed_reason(reason: &str) -> &str {
    match reason {
        "the '%' sign must come last" => "'%' 号必须写在最后",
        "no '%' sign at the end" => "末尾没有 '%' 号",
        "no digits before '%'" => "'%' 号前没有数字",
        "exponent notation is not accepted" => "不接受科学计数法",
        "more than one '%' sign" => "'%' 号不止一个",
        "only ASCII digits and at most one '.' with digits on both sides may precede '%'" => {
            "'%' 号前只能是 ASCII 数字，最多再加一个两侧都有数字的 '.'"
        }
        other => other,
    }
}

impl Zh for RatioError {
    fn zh(&self) -> String {
        match self {
            RatioError::Empty { .. } => "抽查比例为空；请写成百分数，如 \"3%\"".to_owned(),
            RatioError::MissingPercent { text, suggestion } => match suggestion {
                Some(s) => {
                    format!("抽查比例 {text:?} 没有 '%' 号；抽查比例应写成百分数：请写 \"{s}\"")
                }
                None => format!("抽查比例 {text:?} 没有 '%' 号；抽查比例应写成百分数，如 \"5%\""),
            },
            RatioError::TooPrecise { text } => format!(
                "抽查比例 {text:?} 的小数超过 2 位；精度上限为 0.01%（1 个基点），如 \"2.13%\""
            ),
            RatioError::Negative { text } => {
                format!("抽查比例 {text:?} 为负数；抽查比例必须在 0% 到 100% 之间")
            }
            RatioError::AboveHundred { text } => {
                format!("抽查比例 {text:?} 超过 100%；抽查比例必须在 0% 到 100% 之间")
            }
            RatioError::Malformed { text, reason } => format!(
                "抽查比例 {text:?} 不是简单的十进制百分数（{}）；请写数字，可带一个 '.' 和 1 至 2 位小数，最后写 '%'，如 \"12.5%\"",
                malformed_reason(reason)
            ),
            RatioError::OutOfRange { value } => {
                format!("{value} 个基点超过 10000（100%）")
            }
            _ => self.to_string(),
        }
    }
}

impl Zh for TaskError {
    fn zh(&self) -> String {
        match self {
            TaskError::MissingField { field } => format!("任务字段 {field} 为空"),
            TaskError::Team(e) => e.zh(),
            TaskError::Ratios(e) => e.zh(),
            TaskError::Ratio { class: c, error } => {
                format!("{}的抽查比例：{}", class(*c), error.zh())
            }
            TaskError::UnknownItem { id } => {
                format!("任务所列的抽查事项 {id:?} 不在抽查事项清单中")
            }
            TaskError::DuplicateItem { id } => {
                format!("抽查事项 {id:?} 在任务中列了不止一次")
            }
            TaskError::EmptyScopeValue { field } => {
                format!("任务范围的 {field} 下有一个空值")
            }
            TaskError::BadEntityType { value } => format!(
                "范围中的主体类型 {value:?} 不是两位统一社会信用代码字符（登记管理部门码和机构类别码，如 91）"
            ),
            TaskError::UnknownStatus { value } => format!(
                "范围中的登记状态 {value:?} 无法识别；请用 active、suspended、abnormal-list、serious-violation-list、revoked、deregistered 或 moved-out"
            ),
            TaskError::DuplicateExclusion { draw } => {
                format!("exclude_drawn 中两次列出了抽取 {draw}")
            }
            TaskError::InspectionDate { date } => format!(
                "检查日期 {} 不在记录可写的年份范围内（1900 至 9999 年）",
                double_random::calendar::format_date(*date)
            ),
            _ => self.to_string(),
        }
    }
}
