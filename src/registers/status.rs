//! Registration status (登记状态) of an entity, and the credit-class cells
//! that say an entity has no class.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// An entity's registration status (登记状态), as a register records it.
///
/// A register without a status column reads every entity as
/// [`RegistrationStatus::Active`]. A task that names no statuses draws from
/// the four still in business ([`RegistrationStatus::is_in_business`]).
///
/// ```
/// use double_random::registers::RegistrationStatus;
/// assert_eq!("注销".parse(), Ok(RegistrationStatus::Deregistered));
/// assert_eq!("在业".parse(), Ok(RegistrationStatus::Active));
/// assert_eq!(RegistrationStatus::MovedOut.code(), "moved-out");
/// assert!(!RegistrationStatus::Revoked.is_in_business());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RegistrationStatus {
    /// In business (存续, 在业, 开业).
    #[default]
    Active,
    /// Suspended (歇业).
    Suspended,
    /// Business licence revoked (吊销).
    Revoked,
    /// Deregistered (注销).
    Deregistered,
    /// Moved out of the registration authority's area (迁出).
    MovedOut,
    /// On the list of abnormal operations (列入经营异常名录).
    AbnormalList,
    /// On the list of serious violations (列入严重违法失信名单).
    SeriousViolationList,
}

/// A text that names no registration status.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{text:?} is not a registration status (write 存续/在业/开业 or active; 歇业 or suspended; 吊销 or revoked; 注销 or deregistered; 迁出 or moved-out; 列入经营异常名录 or abnormal-list; 列入严重违法失信名单 or serious-violation-list)"
)]
pub struct StatusError {
    /// The text that was given.
    pub text: String,
}

impl RegistrationStatus {
    /// Every status, in the order of [`crate::registers::STATUSES`] (by the
    /// bytes of their codes).
    pub const ALL: [RegistrationStatus; 7] = [
        RegistrationStatus::AbnormalList,
        RegistrationStatus::Active,
        RegistrationStatus::Deregistered,
        RegistrationStatus::MovedOut,
        RegistrationStatus::Revoked,
        RegistrationStatus::SeriousViolationList,
        RegistrationStatus::Suspended,
    ];

    /// The canonical code: what a scope lists and a version-2 leaf commits.
    pub const fn code(self) -> &'static str {
        match self {
            RegistrationStatus::Active => "active",
            RegistrationStatus::Suspended => "suspended",
            RegistrationStatus::Revoked => "revoked",
            RegistrationStatus::Deregistered => "deregistered",
            RegistrationStatus::MovedOut => "moved-out",
            RegistrationStatus::AbnormalList => "abnormal-list",
            RegistrationStatus::SeriousViolationList => "serious-violation-list",
        }
    }

    /// The Chinese name (存续, 歇业, ...).
    pub const fn chinese_name(self) -> &'static str {
        match self {
            RegistrationStatus::Active => "存续",
            RegistrationStatus::Suspended => "歇业",
            RegistrationStatus::Revoked => "吊销",
            RegistrationStatus::Deregistered => "注销",
            RegistrationStatus::MovedOut => "迁出",
            RegistrationStatus::AbnormalList => "列入经营异常名录",
            RegistrationStatus::SeriousViolationList => "列入严重违法失信名单",
        }
    }

    /// Whether the entity is still in business: every status but revoked,
    /// deregistered and moved out. A task that names no statuses draws
    /// from these ([`crate::registers::DEFAULT_STATUSES`]).
    pub const fn is_in_business(self) -> bool {
        !matches!(
            self,
            RegistrationStatus::Revoked
                | RegistrationStatus::Deregistered
                | RegistrationStatus::MovedOut
        )
    }

    /// The status with this canonical code.
    pub fn from_code(code: &str) -> Option<RegistrationStatus> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Spellings accepted in a register's status column, after trimming,
/// folding full-width parentheses and commas to ASCII and removing inner
/// white space. English spellings ignore ASCII case and take `_` or a space
/// for `-`.
const SPELLINGS: [(&str, RegistrationStatus); 31] = [
    ("存续", RegistrationStatus::Active),
    ("在业", RegistrationStatus::Active),
    ("开业", RegistrationStatus::Active),
    ("在营", RegistrationStatus::Active),
    ("存续(在营、开业、在册)", RegistrationStatus::Active),
    ("在营(开业)", RegistrationStatus::Active),
    ("在营(开业)企业", RegistrationStatus::Active),
    ("active", RegistrationStatus::Active),
    ("歇业", RegistrationStatus::Suspended),
    ("suspended", RegistrationStatus::Suspended),
    ("吊销", RegistrationStatus::Revoked),
    ("被吊销", RegistrationStatus::Revoked),
    ("已吊销", RegistrationStatus::Revoked),
    ("吊销,未注销", RegistrationStatus::Revoked),
    ("吊销未注销", RegistrationStatus::Revoked),
    ("revoked", RegistrationStatus::Revoked),
    ("注销", RegistrationStatus::Deregistered),
    ("已注销", RegistrationStatus::Deregistered),
    ("吊销,已注销", RegistrationStatus::Deregistered),
    ("吊销已注销", RegistrationStatus::Deregistered),
    ("deregistered", RegistrationStatus::Deregistered),
    ("迁出", RegistrationStatus::MovedOut),
    ("已迁出", RegistrationStatus::MovedOut),
    ("moved-out", RegistrationStatus::MovedOut),
    ("列入经营异常名录", RegistrationStatus::AbnormalList),
    ("经营异常", RegistrationStatus::AbnormalList),
    ("abnormal-list", RegistrationStatus::AbnormalList),
    (
        "列入严重违法失信名单",
        RegistrationStatus::SeriousViolationList,
    ),
    (
        "列入严重违法失信企业名单",
        RegistrationStatus::SeriousViolationList,
    ),
    ("严重违法失信", RegistrationStatus::SeriousViolationList),
    (
        "serious-violation-list",
        RegistrationStatus::SeriousViolationList,
    ),
];

/// Every spelling a register's status column may use, with its status (docs/columns.md).
pub fn status_spellings() -> impl Iterator<Item = (&'static str, RegistrationStatus)> {
    SPELLINGS.into_iter()
}

impl RegistrationStatus {
    /// [`FromStr`] for a register cell: the usual cell, a spelling as
    /// listed, is matched without allocating (a register of millions of
    /// rows parses a status on each).
    pub fn parse_cell(s: &str) -> Result<Self, StatusError> {
        let t = s.trim();
        match SPELLINGS.iter().find(|(spelling, _)| *spelling == t) {
            Some(&(_, status)) => Ok(status),
            None => s.parse(),
        }
    }
}

impl FromStr for RegistrationStatus {
    type Err = StatusError;

    /// Accepts the spellings docs/columns.md lists (Chinese and English).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let folded: String = s
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '（' => '(',
                '）' => ')',
                '，' => ',',
                '_' => '-',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        let ascii_spaced: String = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        SPELLINGS
            .iter()
            .find(|(spelling, _)| *spelling == folded || *spelling == ascii_spaced)
            .map(|&(_, status)| status)
            .ok_or_else(|| StatusError { text: s.to_owned() })
    }
}

impl fmt::Display for RegistrationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for RegistrationStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for RegistrationStatus {
    /// Proofs and records carry only the canonical codes.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        RegistrationStatus::from_code(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "registration status must be one of {}, not {s:?}",
                crate::registers::STATUSES.join(", ")
            ))
        })
    }
}

/// Whether a credit-class cell says the entity has no class: empty, or
/// `未分类`, `无`, `暂无`, `不适用`, `未评级`, `unclassified`, `none`, `n/a`,
/// `-`, `/` (ASCII case ignored). Such a row is refused with
/// [`crate::registers::Rule::Unclassified`] (docs/columns.md).
pub fn is_unclassified_text(text: &str) -> bool {
    const SPELLINGS: [&str; 11] = [
        "",
        "未分类",
        "无分类",
        "无",
        "暂无",
        "不适用",
        "未评级",
        "unclassified",
        "none",
        "n/a",
        "-",
    ];
    let t = text.trim();
    t == "/" || SPELLINGS.iter().any(|s| t.eq_ignore_ascii_case(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_are_the_scope_statuses_in_order() {
        let codes: Vec<&str> = RegistrationStatus::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(codes, crate::registers::STATUSES);
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, codes);
        let in_business: Vec<&str> = RegistrationStatus::ALL
            .iter()
            .filter(|s| s.is_in_business())
            .map(|s| s.code())
            .collect();
        assert_eq!(in_business, crate::registers::DEFAULT_STATUSES);
    }

    #[test]
    fn every_spelling_parses() {
        for (text, status) in status_spellings() {
            assert_eq!(text.parse(), Ok(status), "{text}");
            assert_eq!(RegistrationStatus::parse_cell(text), Ok(status), "{text}");
            assert_eq!(
                RegistrationStatus::parse_cell(&text.to_uppercase()),
                Ok(status),
                "{text}"
            );
            assert_eq!(format!(" {text} ").parse(), Ok(status), "{text}");
        }
        for s in RegistrationStatus::ALL {
            assert_eq!(s.code().parse(), Ok(s));
            assert_eq!(s.code().to_uppercase().parse(), Ok(s));
            assert_eq!(s.code().replace('-', "_").parse(), Ok(s));
            assert_eq!(s.chinese_name().parse(), Ok(s));
            assert_eq!(RegistrationStatus::from_code(s.code()), Some(s));
        }
        for t in [
            "存续（在营、开业、在册）",
            "吊销，未注销",
            "Moved Out",
            "Serious Violation List",
        ] {
            assert!(t.parse::<RegistrationStatus>().is_ok(), "{t}");
        }
        assert_eq!("吊销，已注销".parse(), Ok(RegistrationStatus::Deregistered));
    }

    #[test]
    fn docs_list_every_spelling() {
        let docs = include_str!("../../docs/columns.md");
        for (text, status) in status_spellings() {
            let full_width = text
                .replace('(', "（")
                .replace(')', "）")
                .replace(',', "，");
            assert!(
                docs.contains(text) || docs.contains(&full_width),
                "{text} ({status})"
            );
        }
    }

    #[test]
    fn unknown_spellings_are_refused_with_the_text() {
        for t in ["", "closed", "撤销", "正常", "active list", "注 销x"] {
            assert_eq!(t.parse::<RegistrationStatus>().unwrap_err().text, t);
        }
    }

    #[test]
    fn unclassified_cells() {
        for t in ["", " ", "未分类", "无", "N/A", "None", "-", "/", "暂无"] {
            assert!(is_unclassified_text(t), "{t:?}");
        }
        for t in ["A", "无风险", "E"] {
            assert!(!is_unclassified_text(t), "{t:?}");
        }
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,16}") {
            let _ = s.parse::<RegistrationStatus>();
        }

        #[test]
        fn json_round_trip(i in 0usize..7) {
            let s = RegistrationStatus::ALL[i];
            let json = serde_json::to_string(&s).unwrap();
            prop_assert_eq!(serde_json::from_str::<RegistrationStatus>(&json).unwrap(), s);
        }
    }
}
