//! The chain, the draw, and the records after a draw.

use double_random::after_draw::AfterDrawError;
use double_random::chain::ChainError;
use double_random::checks::DrawError;

use super::{Zh, class, time};

impl Zh for ChainError {
    fn zh(&self) -> String {
        match self {
            ChainError::Broken { errors } => {
                let first = errors.first();
                let at = first
                    .and_then(|f| f.line)
                    .map(|l| format!("（第 {l} 行）"))
                    .unwrap_or_default();
                format!(
                    "凭证链有 {} 处违反规则；第一处{at}：[{}] {}",
                    errors.len(),
                    first.map_or("", |f| f.check),
                    first.map_or("", |f| f.message.as_str())
                )
            }
            ChainError::StaleHead { made_on, head } => {
                let made_on = if made_on == "none" {
                    "none（空链）"
                } else {
                    made_on.as_str()
                };
                format!("链头已变：该记录接在 {made_on} 之后，但链头现在是 {head}")
            }
            ChainError::WrongKey { chain, given } => {
                format!("密钥 {given} 不是这条链的密钥 {chain}")
            }
            ChainError::TimeBackwards { created_at, last } => format!(
                "{}早于链上最后一条记录的时间 {}",
                time(*created_at),
                time(*last)
            ),
            ChainError::OpenCommitment { task, commitment } => {
                format!("抽查任务 {task} 已有尚未完成的承诺 {commitment}；请先抽取或撤销该承诺")
            }
            ChainError::UnknownCommitment { commitment } => {
                format!("链上没有编号为 {commitment} 的承诺")
            }
            ChainError::HasOutcome {
                commitment,
                outcome,
            } => {
                let outcome = match *outcome {
                    "drawn" => "已抽取",
                    "cancelled" => "已撤销",
                    other => other,
                };
                format!("承诺 {commitment} 已有结果（{outcome}）；承诺不会再次抽取或撤销")
            }
            ChainError::UnknownDraw { draw } => {
                format!("任务要排除抽取 {draw} 抽中的检查对象，但它不是本链上的抽取")
            }
            ChainError::EmptyReason => "撤销必须写明理由".to_owned(),
            ChainError::Draw(e) => e.zh(),
            ChainError::Record(e) => e.zh(),
            ChainError::AfterDraw(e) => e.zh(),
            _ => self.to_string(),
        }
    }
}

/// A register as [`DrawError::RegisterMismatch`] names it.
fn register(name: &str) -> &str {
    match name {
        "entity" => "检查对象名录",
        "inspector" => "执法检查人员名录",
        "conflict" => "回避名单",
        "master entity" => "检查对象主名录库",
        "check-item" => "抽查事项清单",
        other => other,
    }
}

/// A register's root as [`DrawError::RegisterMismatch`] gives it: hex,
/// `HEX stated with size N`, `HEX of size N`, `(none)` or `(no list)`.
fn root(text: &str) -> String {
    match text {
        "(none)" => "无".to_owned(),
        "(no list)" => "无清单".to_owned(),
        t => {
            if let Some((hex, size)) = t.split_once(" stated with size ") {
                format!("{hex}，写明的大小为 {size}")
            } else if let Some((hex, size)) = t.split_once(" of size ") {
                format!("{hex}，大小为 {size}")
            } else {
                t.to_owned()
            }
        }
    }
}

/// Why randomness does not fit its plan, as [`DrawError::Randomness`] says it.
fn randomness(reason: &str) -> &str {
    match reason {
        "a drand round's randomness is 32 bytes" => "drand 每一轮的随机数为 32 字节",
        "the value is not the SHA-256 of the beacon signature" => "该值不是信标签名的 SHA-256 值",
        "a beacon signature is given, but the plan is not a beacon" => {
            "给出了信标签名，但承诺的方案不是信标"
        }
        "the randomness value is empty" => "随机数值为空",
        other => other,
    }
}

impl Zh for DrawError {
    fn zh(&self) -> String {
        match self {
            DrawError::Task(e) => e.zh(),
            DrawError::Commit(e) => e.zh(),
            DrawError::Size(e) => e.zh(),
            DrawError::Sample(e) => e.zh(),
            DrawError::Assign(e) => e.zh(),
            DrawError::AssignV1(e) => e.zh(),
            DrawError::Staffing(e) => e.zh(),
            DrawError::RegisterMismatch {
                register: r,
                committed,
                actual,
            } => format!(
                "{}与承诺时的不同（承诺的根 {}，本文件的根 {}）；请用承诺时的名录抽取，或撤销后重新承诺",
                register(r),
                root(committed),
                root(actual)
            ),
            DrawError::Randomness { reason } => {
                format!("随机数与承诺的方案不符：{}", randomness(reason))
            }
            DrawError::Refused { check, message } => {
                format!("拒绝签名：该记录将无法通过核验的 {check} 检查：{message}")
            }
            DrawError::ItemsMissing => {
                "任务列有抽查事项；请给出抽查事项清单，以便适用其专业领域要求".to_owned()
            }
            _ => self.to_string(),
        }
    }
}

/// Why an officer cannot take a place, as [`AfterDrawError::NotACandidate`] says it.
fn not_a_candidate(why: &str) -> &str {
    match why {
        "it is the officer leaving" => "该人员就是要退出的人员",
        "already on the entity's team" => "已在该检查对象的检查组中",
        "already left the entity's team" => "已退出该检查对象的检查组",
        "left a team of this draw for illness or transfer" => {
            "已因病或调动退出本次抽取的某个检查组"
        }
        other => other,
    }
}

impl Zh for AfterDrawError {
    fn zh(&self) -> String {
        match self {
            AfterDrawError::NotVersion2 => {
                "该抽取为格式版本 1：人员替换和补充抽取只能修改格式版本 2 的抽取".to_owned()
            }
            AfterDrawError::NotListed { uscc } => {
                format!("检查对象 {uscc} 既不是该次抽取抽中的，也不是其补充抽取增加的")
            }
            AfterDrawError::PlaceOutOfRange { place, places } => {
                format!("席位 {place} 不存在：承诺的检查组有 {places} 个席位")
            }
            AfterDrawError::NotHolder {
                uscc,
                place,
                leaving,
                holder,
            } => format!(
                "执法人员 {leaving} 不在 {uscc} 检查组的席位 {place} 上（该席位由 {holder} 担任）：只有检查组成员才能退出"
            ),
            AfterDrawError::NotOnTeam { uscc, officer } => {
                format!("执法人员 {officer} 不在 {uscc} 的检查组中：只有检查组成员才能退出")
            }
            AfterDrawError::BlankReason => {
                "理由类型为 other 时必须写明具体理由（现为空白）".to_owned()
            }
            AfterDrawError::NotACandidate { officer, why } => format!(
                "执法人员 {officer} 不能接替该席位：{}",
                not_a_candidate(why)
            ),
            AfterDrawError::LimitReached { max, made } => {
                format!("任务规定每次抽取最多可补充抽取 {max} 次，本次抽取已补充抽取 {made} 次")
            }
            AfterDrawError::AlreadyReplaced { uscc, by } => {
                format!("检查对象 {uscc} 已由补充抽取 {by} 替换")
            }
            AfterDrawError::ClassMismatch { stated, replaced } => format!(
                "补充抽取从 {} 抽取，但被替换的检查对象属于 {}",
                class(*stated),
                class(*replaced)
            ),
            AfterDrawError::AlreadyListed { uscc } => {
                format!("检查对象 {uscc} 已在本次抽取的名单中")
            }
            AfterDrawError::ClassExhausted { class: c, size } => format!(
                "{}已没有可抽取的检查对象：全部 {size} 户都已抽中",
                class(*c)
            ),
            AfterDrawError::WrongRank {
                class: c,
                stated,
                expected,
            } => format!(
                "{}：序位 {stated} 不是该类抽样器的下一个序位（应为 {expected}）",
                class(*c)
            ),
            AfterDrawError::CountsDiffer => {
                "该抽取各类抽中的户数不是承诺的抽取户数：无法接着其各类抽样器继续抽取".to_owned()
            }
            AfterDrawError::NotInPool { class: c, rank } => {
                format!("{}序位 {rank} 超出了承诺的对象池", class(*c))
            }
            AfterDrawError::WrongEntity {
                class: c,
                rank,
                expected,
                stated,
            } => format!(
                "承诺的对象池中 {}序位 {rank} 是 {expected}，而记录写的是 {stated}",
                class(*c)
            ),
            AfterDrawError::TeamShape {
                listed,
                distinct,
                places,
            } => format!(
                "检查组列了 {listed} 名执法人员（其中互不相同的 {distinct} 名），而席位有 {places} 个"
            ),
            AfterDrawError::WrongPick {
                place,
                expected,
                stated,
            } => format!("席位 {place}：按规则选出的是 {expected}，而记录写的是 {stated}"),
            AfterDrawError::UnknownEntity { uscc } => {
                format!("检查对象 {uscc} 不在承诺的对象池中")
            }
            AfterDrawError::Pick(e) => e.zh(),
            _ => self.to_string(),
        }
    }
}
