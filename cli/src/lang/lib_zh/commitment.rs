//! Commitments, Merkle trees, inclusion proofs and proof bundles.

use double_random::commitment::{CommitError, FieldTooLong, MerkleError, ProofError};
use double_random::proof::BundleError;

use super::{Zh, class, hex, record_kind, version, which_record};

impl Zh for FieldTooLong {
    fn zh(&self) -> String {
        format!(
            "字段长 {} 字节，超过叶子字段允许的最大长度（2^32 - 1 字节）",
            self.len
        )
    }
}

impl Zh for MerkleError {
    fn zh(&self) -> String {
        match self {
            MerkleError::IndexOutOfRange { index, tree_size } => {
                format!("叶子序号 {index} 超出了大小为 {tree_size} 的树")
            }
            MerkleError::PathLength {
                index,
                tree_size,
                expected,
                actual,
            } => format!(
                "审计路径有 {actual} 个哈希值，但大小为 {tree_size} 的树中叶子 {index} 需要 {expected} 个"
            ),
            MerkleError::RootMismatch { computed, expected } => format!(
                "重新计算出的根 {} 与预期的默克尔根 {} 不符",
                hex(computed),
                hex(expected)
            ),
            MerkleError::TreeFull => format!("树中已有最多的 {} 个叶子", u64::MAX),
            _ => self.to_string(),
        }
    }
}

impl Zh for CommitError {
    fn zh(&self) -> String {
        match self {
            CommitError::FieldTooLong(e) => e.zh(),
            CommitError::Merkle(e) => e.zh(),
            CommitError::OutOfOrder {
                uscc,
                class: c,
                previous_uscc,
                previous_class,
            } => format!(
                "检查对象 {uscc}（{}）排在 {previous_uscc}（{}）之后；\
                 检查对象必须按规范顺序（先分类、后统一社会信用代码）逐个输入，不得重复",
                class(*c),
                class(*previous_class)
            ),
            _ => self.to_string(),
        }
    }
}

impl Zh for ProofError {
    fn zh(&self) -> String {
        match self {
            ProofError::NotInRegister { uscc } => {
                format!("检查对象 {uscc} 不在名录中")
            }
            ProofError::TreeSize { proof, committed } => {
                format!("证明针对的是有 {proof} 个叶子的树，而承诺的是 {committed} 个")
            }
            ProofError::ClassSizes => "承诺的各类对象数之和超过 2^64 - 1".to_owned(),
            ProofError::Position {
                index,
                class: c,
                rank,
            } => format!(
                "按承诺的各类对象数，叶子 {index} 不是 {}的序位 {rank}",
                class(*c)
            ),
            ProofError::EntityFields { version: v } => format!(
                "证明中的检查对象与格式版本 {} 的叶子所承诺的字段不符\
                 （登记状态和检查对象类型只有第 2 版才有；检查对象类型须按字节排序、各出现一次）",
                version(*v)
            ),
            ProofError::Commit(e) => e.zh(),
            ProofError::Merkle(e) => e.zh(),
            _ => self.to_string(),
        }
    }
}

impl Zh for BundleError {
    fn zh(&self) -> String {
        match self {
            BundleError::Format(format) => format!("未知的证明包格式 {format:?}"),
            BundleError::FormatForVersion {
                found,
                expected,
                version: v,
            } => format!(
                "格式版本 {} 的承诺，其证明包格式应为 {expected:?}，而不是 {found:?}",
                version(*v)
            ),
            BundleError::Envelope { which, error } => {
                format!("{}信封：{}", which_record(which), error.zh())
            }
            BundleError::Record { which, error } => {
                format!("{}记录：{}", which_record(which), error.zh())
            }
            BundleError::Kind { which, found } => format!(
                "{}信封中装的是{}记录",
                which_record(which),
                record_kind(found)
            ),
            BundleError::DrawForOtherCommitment { named, actual } => {
                format!("该抽取属于承诺 {named}，而证明包的承诺是 {actual}")
            }
            BundleError::Proof(e) => e.zh(),
            BundleError::Replay(e) => e.zh(),
            BundleError::Check {
                which,
                check,
                message,
            } => format!("{}记录未通过检查 {check}：{message}", which_record(which)),
            BundleError::Ranks { class: c } => {
                format!("抽取中 {}的序位不是由承诺和随机数得出的序位", class(*c))
            }
            BundleError::Listed { listed, proved } => {
                format!("抽取在这一序位列出的是 {listed}，而证明针对的是 {proved}")
            }
            _ => self.to_string(),
        }
    }
}
