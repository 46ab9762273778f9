//! The results ledger: results, corrections and their approval.

use double_random::ledger::{ApprovalError, ResultError};

use super::{Zh, date, time};

/// The rule a result field breaks, as [`ResultError::Field`] says it.
fn field_rule(rule: &str) -> &str {
    match rule {
        "progress states at least one follow-up measure" => "进展记录至少要写明一项后续处置措施",
        "sorted by kind, one per kind" => "按类型排序，每种类型一项",
        "an outcome is null or trimmed, non-empty text" => {
            "处置结果为 null，或为首尾无空白的非空文字"
        }
        "at least one result category" => "至少要有一个结果类别",
        "sorted in the platform's order, without repeats" => "按平台规定的顺序排列，不得重复",
        "at least one inspection method" => "至少要有一种检查方式",
        "sorted, without repeats" => "须排序，不得重复",
        "no-problem excludes every other category" => {
            "no-problem（未发现问题）不能与其他任何类别同时出现"
        }
        "sorted by bytes, without repeats" => "按字节排序，不得重复",
        "a correction states why, as trimmed non-empty text" => {
            "更正须写明理由，为首尾无空白的非空文字"
        }
        other => other,
    }
}

impl Zh for ResultError {
    fn zh(&self) -> String {
        match self {
            ResultError::UnknownDraw { draw } => {
                format!("抽取 {draw} 不在签发单位的凭证链上")
            }
            ResultError::NotDrawn { draw, uscc } => {
                format!("检查对象 {uscc} 不是抽取 {draw} 抽中的；只有抽中的检查对象才能录入结果")
            }
            ResultError::TaskMismatch { stated, drawn } => {
                format!("抽查任务 {stated:?} 不是该次抽取的任务（{drawn:?}）")
            }
            ResultError::TeamMismatch {
                uscc,
                stated,
                drawn,
            } => format!("检查对象 {uscc}：检查人员 {stated:?} 不是抽中的检查组 {drawn:?}"),
            ResultError::Field { field, rule } => {
                format!("字段 {field}：{}", field_rule(rule))
            }
            ResultError::EndBeforeStart { start, end } => {
                format!("检查结束日（{}）早于开始日（{}）", date(*end), date(*start))
            }
            ResultError::StartBeforeDraw { start, drawn_on } => format!(
                "检查开始日（{}）早于抽取日（{}）",
                date(*start),
                date(*drawn_on)
            ),
            ResultError::EnteredBeforeEnd { end, entered_on } => format!(
                "录入日期为 {}（北京时间），早于检查结束日（{}）",
                date(*entered_on),
                date(*end)
            ),
            ResultError::Duplicate {
                draw,
                uscc,
                department,
                first,
            } => {
                let by = department
                    .as_ref()
                    .map(|d| format!("{d}录入的"))
                    .unwrap_or_default();
                format!(
                    "检查对象 {uscc} 在抽取 {draw} 中已有{by}结果（记录 {first}）；如需修改，请录入更正"
                )
            }
            ResultError::UnknownTarget { corrects } => {
                format!("更正的对象 {corrects} 不是本台账上的结果或更正")
            }
            ResultError::SupersededTarget { corrects, latest } => {
                format!("更正的对象是 {corrects}，但该结果的最新版本是 {latest}")
            }
            ResultError::TargetMismatch { uscc } => {
                format!("更正须保持所更正结果的抽取、检查对象和股室不变（{uscc}）")
            }
            ResultError::SelfApproval => {
                "审批人密钥就是签发单位自己的密钥；单位负责人须用其本人的密钥审批".to_owned()
            }
            ResultError::TimeOrder { created_at, last } => format!(
                "{}早于台账上最后一条记录的时间 {}",
                time(*created_at),
                time(*last)
            ),
            ResultError::EmptyLedger => "台账中没有可以设检查点的记录".to_owned(),
            ResultError::UnknownDepartment {
                department,
                task_departments,
            } => format!(
                "股室 {department:?} 不是该任务的股室（{task_departments:?}）：各股室录入本股室检查的结果"
            ),
            ResultError::UnknownItem { item } => {
                format!("抽查事项 {item:?} 不是该任务的事项")
            }
            ResultError::NoItems { task_items } => {
                format!("结果没有写明抽查事项；任务列有 {task_items:?}：请写明本股室检查的事项")
            }
            ResultError::ItemEnteredTwice {
                uscc,
                item,
                department,
            } => format!(
                "检查对象 {uscc} 的抽查事项 {item:?} 已由 {department:?} 录入：每个事项只录入一次，由检查该事项的股室录入"
            ),
            ResultError::UnknownResult { result } => {
                format!("跟进的对象 {result} 不是本台账上的结果或更正")
            }
            _ => self.to_string(),
        }
    }
}

impl Zh for ApprovalError {
    fn zh(&self) -> String {
        match self {
            ApprovalError::NoApproverKeys { key_id } => {
                format!("没有给出审批人公钥，因此无法核对密钥 {key_id} 的审批")
            }
            ApprovalError::UnknownApprover { key_id, name } => {
                format!("审批人密钥 {key_id}（{name:?}）不在给出的审批人公钥之中")
            }
            ApprovalError::NameMismatch { stated, actual } => {
                format!("更正写明的审批人是 {stated:?}，而该密钥属于 {actual:?}")
            }
            ApprovalError::SelfApproval => "审批人密钥就是签发单位自己的密钥".to_owned(),
            ApprovalError::Signature(e) => format!("审批人签名：{}", e.zh()),
            _ => self.to_string(),
        }
    }
}
