//! Result categories and follow-up measures, with stable codes.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A result category (抽查结果) as a real supervision platform lists them.
///
/// A result carries one or more (multi-select). The serde form is the stable
/// code (`no-problem`, ...); the order of the variants is the platform's
/// order, and a result's categories are stored sorted in that order.
///
/// Ledger format version 1 knows the first eleven, the last of which,
/// [`ResultCategory::Deregistered`], joins 注销/被吊销/被撤销/迁出 in one
/// category. Version 2 splits it into [`ResultCategory::Deregistration`],
/// [`ResultCategory::LicenceRevoked`], [`ResultCategory::RegistrationRevoked`]
/// and [`ResultCategory::MovedOut`] (new codes: a code never changes its
/// meaning) and no longer accepts the joined one ([`ResultCategory::V2`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ResultCategory {
    /// No problem found (未发现问题).
    #[serde(rename = "no-problem")]
    NoProblem,
    /// Problem found, follow-up pending (发现问题待后续处理).
    #[serde(rename = "problem-pending")]
    ProblemPending,
    /// Required information not published (未按规定公示应当公示的信息).
    #[serde(rename = "info-not-published")]
    InfoNotPublished,
    /// Published information false (公示信息隐瞒真实情况弄虚作假).
    #[serde(rename = "published-info-false")]
    PublishedInfoFalse,
    /// Other violations (违反其他规定).
    #[serde(rename = "other-violation")]
    OtherViolation,
    /// Problem found and corrected on order (发现问题经责令已改正).
    #[serde(rename = "corrected-on-order")]
    CorrectedOnOrder,
    /// No business activity covered by this check (未发现开展本次抽查涉及的经营活动).
    #[serde(rename = "no-relevant-activity")]
    NoRelevantActivity,
    /// Unreachable at the registered address (通过登记的住所(经营场所)无法联系).
    #[serde(rename = "unreachable")]
    Unreachable,
    /// Closed or liquidating (已关闭停业或正在组织清算).
    #[serde(rename = "closed-or-liquidating")]
    ClosedOrLiquidating,
    /// Seriously uncooperative (不配合检查情节严重).
    #[serde(rename = "uncooperative")]
    Uncooperative,
    /// Deregistered, licence revoked, registration cancelled or moved out
    /// (注销/被吊销/被撤销/迁出), as one category: ledger format version 1 only.
    #[serde(rename = "deregistered")]
    Deregistered,
    /// Deregistered (注销), version 2.
    #[serde(rename = "deregistration")]
    Deregistration,
    /// Business licence revoked (被吊销), version 2.
    #[serde(rename = "licence-revoked")]
    LicenceRevoked,
    /// Registration revoked (被撤销), version 2.
    #[serde(rename = "registration-revoked")]
    RegistrationRevoked,
    /// Moved out of the jurisdiction (迁出), version 2.
    #[serde(rename = "moved-out")]
    MovedOut,
}

impl ResultCategory {
    /// Every category of both ledger format versions, in stored order.
    pub const ALL: [ResultCategory; 15] = [
        ResultCategory::NoProblem,
        ResultCategory::ProblemPending,
        ResultCategory::InfoNotPublished,
        ResultCategory::PublishedInfoFalse,
        ResultCategory::OtherViolation,
        ResultCategory::CorrectedOnOrder,
        ResultCategory::NoRelevantActivity,
        ResultCategory::Unreachable,
        ResultCategory::ClosedOrLiquidating,
        ResultCategory::Uncooperative,
        ResultCategory::Deregistered,
        ResultCategory::Deregistration,
        ResultCategory::LicenceRevoked,
        ResultCategory::RegistrationRevoked,
        ResultCategory::MovedOut,
    ];

    /// The categories of ledger format version 2, in the platform's order.
    pub const V2: [ResultCategory; 14] = [
        ResultCategory::NoProblem,
        ResultCategory::ProblemPending,
        ResultCategory::InfoNotPublished,
        ResultCategory::PublishedInfoFalse,
        ResultCategory::OtherViolation,
        ResultCategory::CorrectedOnOrder,
        ResultCategory::NoRelevantActivity,
        ResultCategory::Unreachable,
        ResultCategory::ClosedOrLiquidating,
        ResultCategory::Uncooperative,
        ResultCategory::Deregistration,
        ResultCategory::LicenceRevoked,
        ResultCategory::RegistrationRevoked,
        ResultCategory::MovedOut,
    ];

    /// The categories of ledger format version 1, in the platform's order.
    pub const V1: [ResultCategory; 11] = [
        ResultCategory::NoProblem,
        ResultCategory::ProblemPending,
        ResultCategory::InfoNotPublished,
        ResultCategory::PublishedInfoFalse,
        ResultCategory::OtherViolation,
        ResultCategory::CorrectedOnOrder,
        ResultCategory::NoRelevantActivity,
        ResultCategory::Unreachable,
        ResultCategory::ClosedOrLiquidating,
        ResultCategory::Uncooperative,
        ResultCategory::Deregistered,
    ];

    /// The stable code, as stored and published.
    pub const fn code(self) -> &'static str {
        match self {
            ResultCategory::NoProblem => "no-problem",
            ResultCategory::ProblemPending => "problem-pending",
            ResultCategory::InfoNotPublished => "info-not-published",
            ResultCategory::PublishedInfoFalse => "published-info-false",
            ResultCategory::OtherViolation => "other-violation",
            ResultCategory::CorrectedOnOrder => "corrected-on-order",
            ResultCategory::NoRelevantActivity => "no-relevant-activity",
            ResultCategory::Unreachable => "unreachable",
            ResultCategory::ClosedOrLiquidating => "closed-or-liquidating",
            ResultCategory::Uncooperative => "uncooperative",
            ResultCategory::Deregistered => "deregistered",
            ResultCategory::Deregistration => "deregistration",
            ResultCategory::LicenceRevoked => "licence-revoked",
            ResultCategory::RegistrationRevoked => "registration-revoked",
            ResultCategory::MovedOut => "moved-out",
        }
    }

    /// The platform's Chinese wording, as published.
    pub const fn chinese_name(self) -> &'static str {
        match self {
            ResultCategory::NoProblem => "未发现问题",
            ResultCategory::ProblemPending => "发现问题待后续处理",
            ResultCategory::InfoNotPublished => "未按规定公示应当公示的信息",
            ResultCategory::PublishedInfoFalse => "公示信息隐瞒真实情况弄虚作假",
            ResultCategory::OtherViolation => "违反其他规定",
            ResultCategory::CorrectedOnOrder => "发现问题经责令已改正",
            ResultCategory::NoRelevantActivity => "未发现开展本次抽查涉及的经营活动",
            ResultCategory::Unreachable => "通过登记的住所(经营场所)无法联系",
            ResultCategory::ClosedOrLiquidating => "已关闭停业或正在组织清算",
            ResultCategory::Uncooperative => "不配合检查情节严重",
            ResultCategory::Deregistered => "注销/被吊销/被撤销/迁出",
            ResultCategory::Deregistration => "注销",
            ResultCategory::LicenceRevoked => "被吊销",
            ResultCategory::RegistrationRevoked => "被撤销",
            ResultCategory::MovedOut => "迁出",
        }
    }

    /// Other wordings read as this category (docs/spec/ledger.md §1.1 lists
    /// them with their sources): the platform's own wording is
    /// [`ResultCategory::chinese_name`], always the one published.
    pub const fn aliases(self) -> &'static [&'static str] {
        match self {
            ResultCategory::PublishedInfoFalse => &["公示信息隐瞒真实情况、弄虚作假"],
            ResultCategory::CorrectedOnOrder => &["发现问题已责令改正"],
            ResultCategory::Unreachable => &[
                "通过登记的住所或者经营场所无法联系",
                "通过登记的住所无法联系",
            ],
            ResultCategory::Uncooperative => &["不予配合情节严重"],
            ResultCategory::Deregistration => &["已注销"],
            ResultCategory::LicenceRevoked => &["已吊销", "吊销", "被吊销营业执照"],
            ResultCategory::RegistrationRevoked => &["已撤销", "撤销", "被撤销登记"],
            ResultCategory::MovedOut => &["已迁出"],
            _ => &[],
        }
    }

    /// Whether ledger format version 2 accepts the category (all but the
    /// joined [`ResultCategory::Deregistered`]).
    pub const fn in_v2(self) -> bool {
        !matches!(self, ResultCategory::Deregistered)
    }

    /// Whether ledger format version 1 accepts the category.
    pub const fn in_v1(self) -> bool {
        !matches!(
            self,
            ResultCategory::Deregistration
                | ResultCategory::LicenceRevoked
                | ResultCategory::RegistrationRevoked
                | ResultCategory::MovedOut
        )
    }

    /// Whether this category says the entity could not be inspected at all
    /// (unreachable, closed or liquidating, deregistered, revoked, moved out).
    pub const fn means_not_inspected(self) -> bool {
        matches!(
            self,
            ResultCategory::Unreachable
                | ResultCategory::ClosedOrLiquidating
                | ResultCategory::Deregistered
                | ResultCategory::Deregistration
                | ResultCategory::LicenceRevoked
                | ResultCategory::RegistrationRevoked
                | ResultCategory::MovedOut
        )
    }

    /// Parses a code, the Chinese wording or an alias
    /// ([`ResultCategory::aliases`]). Full-width parentheses and slashes
    /// are accepted in the Chinese form, surrounding spaces ignored. The
    /// joined version-1 wording 注销/被吊销/被撤销/迁出 parses to
    /// [`ResultCategory::Deregistered`], which a version-2 result refuses.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        let normalised: String = t
            .chars()
            .map(|c| match c {
                '（' => '(',
                '）' => ')',
                '／' => '/',
                other => other,
            })
            .collect();
        let lower = normalised.to_ascii_lowercase();
        Self::ALL.into_iter().find(|c| {
            c.code() == lower
                || c.chinese_name() == normalised
                || c.aliases()
                    .iter()
                    .any(|a| a.replace('（', "(").replace('）', ")") == normalised.as_str())
        })
    }
}

impl fmt::Display for ResultCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A follow-up measure (后续处置) taken after a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum FollowUpKind {
    /// Administrative penalty decision (行政处罚决定).
    #[serde(rename = "penalty-decision")]
    PenaltyDecision,
    /// Transferred to another agency (移送其他部门).
    #[serde(rename = "transfer-to-agency")]
    TransferToAgency,
    /// Transferred to judicial organs (移送司法机关).
    #[serde(rename = "transfer-to-judicial")]
    TransferToJudicial,
    /// Listed as abnormal (列入经营异常名录).
    #[serde(rename = "abnormal-list")]
    AbnormalList,
    /// Ordered to correct (责令改正).
    #[serde(rename = "ordered-to-correct")]
    OrderedToCorrect,
    /// Joint credit punishment (联合惩戒).
    #[serde(rename = "joint-credit-punishment")]
    JointCreditPunishment,
}

impl FollowUpKind {
    /// Every kind, in stored order.
    pub const ALL: [FollowUpKind; 6] = [
        FollowUpKind::PenaltyDecision,
        FollowUpKind::TransferToAgency,
        FollowUpKind::TransferToJudicial,
        FollowUpKind::AbnormalList,
        FollowUpKind::OrderedToCorrect,
        FollowUpKind::JointCreditPunishment,
    ];

    /// The stable code.
    pub const fn code(self) -> &'static str {
        match self {
            FollowUpKind::PenaltyDecision => "penalty-decision",
            FollowUpKind::TransferToAgency => "transfer-to-agency",
            FollowUpKind::TransferToJudicial => "transfer-to-judicial",
            FollowUpKind::AbnormalList => "abnormal-list",
            FollowUpKind::OrderedToCorrect => "ordered-to-correct",
            FollowUpKind::JointCreditPunishment => "joint-credit-punishment",
        }
    }

    /// The Chinese wording, as published.
    pub const fn chinese_name(self) -> &'static str {
        match self {
            FollowUpKind::PenaltyDecision => "行政处罚决定",
            FollowUpKind::TransferToAgency => "移送其他部门",
            FollowUpKind::TransferToJudicial => "移送司法机关",
            FollowUpKind::AbnormalList => "列入经营异常名录",
            FollowUpKind::OrderedToCorrect => "责令改正",
            FollowUpKind::JointCreditPunishment => "联合惩戒",
        }
    }

    /// Parses a code or the Chinese wording.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        let lower = t.to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|k| k.code() == lower || k.chinese_name() == t)
    }
}

impl fmt::Display for FollowUpKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A follow-up measure and, once known, its outcome (published too).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    /// What was done.
    pub kind: FollowUpKind,
    /// The outcome in words (e.g. the penalty decision number), `null` while pending.
    // Required (`null` while pending): serde would read a missing `Option` as `None`.
    #[serde(deserialize_with = "Option::deserialize")]
    pub outcome: Option<String>,
}

impl FollowUp {
    /// Parses `KIND` or `KIND:outcome` (the kind as a code or in Chinese;
    /// `：` also separates). An empty outcome is no outcome.
    pub fn parse(text: &str) -> Option<Self> {
        let (kind, outcome) = match text.find([':', '：']) {
            Some(i) => {
                let sep_len = text[i..].chars().next().map_or(1, char::len_utf8);
                (&text[..i], Some(text[i + sep_len..].trim()))
            }
            None => (text, None),
        };
        Some(FollowUp {
            kind: FollowUpKind::parse(kind)?,
            outcome: outcome.filter(|o| !o.is_empty()).map(str::to_owned),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_parse_back() {
        for c in ResultCategory::ALL {
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.code()));
            assert_eq!(serde_json::from_str::<ResultCategory>(&json).unwrap(), c);
            assert_eq!(ResultCategory::parse(c.code()), Some(c));
            assert_eq!(ResultCategory::parse(c.chinese_name()), Some(c));
        }
        let mut sorted = ResultCategory::ALL;
        sorted.sort();
        assert_eq!(sorted, ResultCategory::ALL);
        for c in ResultCategory::ALL {
            for a in c.aliases() {
                assert_eq!(ResultCategory::parse(a), Some(c), "{a}");
            }
        }
        assert_eq!(
            ResultCategory::parse("不予配合情节严重"),
            Some(ResultCategory::Uncooperative)
        );
        assert_eq!(
            ResultCategory::parse("已注销"),
            Some(ResultCategory::Deregistration)
        );
        assert_eq!(
            ResultCategory::parse("注销/被吊销/被撤销/迁出"),
            Some(ResultCategory::Deregistered)
        );
        assert_eq!(ResultCategory::V1.len() + 4, ResultCategory::V2.len() + 1);
        assert!(ResultCategory::V2.iter().all(|c| c.in_v2()));
        assert!(ResultCategory::V1.iter().all(|c| c.in_v1()));
        let names: std::collections::HashSet<&str> = ResultCategory::ALL
            .iter()
            .flat_map(|c| std::iter::once(c.chinese_name()).chain(c.aliases().iter().copied()))
            .collect();
        let count: usize = ResultCategory::ALL
            .iter()
            .map(|c| 1 + c.aliases().len())
            .sum();
        assert_eq!(names.len(), count, "one wording, one category");
        assert_eq!(
            ResultCategory::parse("通过登记的住所（经营场所）无法联系"),
            Some(ResultCategory::Unreachable)
        );
        assert_eq!(
            ResultCategory::parse(" No-Problem "),
            Some(ResultCategory::NoProblem)
        );
        assert_eq!(ResultCategory::parse("problem"), None);
        for k in FollowUpKind::ALL {
            assert_eq!(FollowUpKind::parse(k.code()), Some(k));
            assert_eq!(FollowUpKind::parse(k.chinese_name()), Some(k));
        }
    }

    #[test]
    fn follow_ups_parse_with_outcomes() {
        assert_eq!(
            FollowUp::parse("penalty-decision:阳水罚〔2024〕3号 罚款2万元"),
            Some(FollowUp {
                kind: FollowUpKind::PenaltyDecision,
                outcome: Some("阳水罚〔2024〕3号 罚款2万元".into())
            })
        );
        assert_eq!(
            FollowUp::parse("责令改正：已整改"),
            Some(FollowUp {
                kind: FollowUpKind::OrderedToCorrect,
                outcome: Some("已整改".into())
            })
        );
        assert_eq!(
            FollowUp::parse("abnormal-list:"),
            Some(FollowUp {
                kind: FollowUpKind::AbnormalList,
                outcome: None
            })
        );
        assert_eq!(FollowUp::parse("fine:1"), None);
    }
}
