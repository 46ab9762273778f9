//! Records made after a draw (format version 2): an inspector replacement
//! and a supplementary draw (补充抽取). Both name the draw they amend; the
//! verifier replays both (docs/FORMAT.md §5.4, §5.5; the picks are specified
//! in docs/spec/assignment.md, Part III).

use serde::{Deserialize, Serialize};

use super::{ChainLink, Count, RecordId};
use crate::registers::credit::CreditClass;
use crate::registers::uscc::Uscc;

/// Payload type of inspector replacement records (format version 2).
pub const REPLACEMENT_TYPE: &str = "application/vnd.double-random.replacement.v2+json";
/// Payload type of supplementary draw records (format version 2).
pub const SUPPLEMENT_TYPE: &str = "application/vnd.double-random.supplement.v2+json";

/// Why an officer leaves a drawn team.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ReplacementReasonKind {
    /// Recusal (回避): a relation to this entity that may affect fairness
    /// (行政处罚法 art. 43). The officer stays available for other entities.
    Recusal,
    /// Illness (病假): the officer is not a candidate for any later pick of
    /// this draw.
    Illness,
    /// Transfer (调离): the officer left the unit; not a candidate for any
    /// later pick of this draw.
    Transfer,
    /// Another reason, stated in the text (which must not be blank).
    Other,
}

impl ReplacementReasonKind {
    /// Every kind, in the order of the format.
    pub const ALL: [ReplacementReasonKind; 4] = [
        ReplacementReasonKind::Recusal,
        ReplacementReasonKind::Illness,
        ReplacementReasonKind::Transfer,
        ReplacementReasonKind::Other,
    ];

    /// The stable code (`recusal`, `illness`, `transfer`, `other`).
    pub const fn code(self) -> &'static str {
        match self {
            ReplacementReasonKind::Recusal => "recusal",
            ReplacementReasonKind::Illness => "illness",
            ReplacementReasonKind::Transfer => "transfer",
            ReplacementReasonKind::Other => "other",
        }
    }

    /// The Chinese wording (回避, 病假, 调离, 其他).
    pub const fn chinese_name(self) -> &'static str {
        match self {
            ReplacementReasonKind::Recusal => "回避",
            ReplacementReasonKind::Illness => "病假",
            ReplacementReasonKind::Transfer => "调离",
            ReplacementReasonKind::Other => "其他",
        }
    }

    /// Whether an officer who left for this reason is unavailable for every
    /// later pick of the draw (illness, transfer), not only for the entity
    /// they left.
    pub const fn leaves_the_draw(self) -> bool {
        matches!(
            self,
            ReplacementReasonKind::Illness | ReplacementReasonKind::Transfer
        )
    }

    /// Parses the code or the Chinese wording (surrounding spaces ignored).
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        let lower = t.to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|k| k.code() == lower || k.chinese_name() == t)
    }
}

/// Why an officer leaves, as signed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplacementReason {
    /// The kind of reason.
    pub kind: ReplacementReasonKind,
    /// Details in words; not blank when the kind is `other`.
    pub text: String,
}

/// An inspector replacement: an officer leaves one place of a drawn team,
/// and the officer the specified rule picks takes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplacementPayload {
    /// Chain link.
    pub chain: ChainLink,
    /// Record id of the draw whose team changes.
    pub draw: RecordId,
    /// The entity whose team changes (drawn by the draw, or a supplementary entity of it).
    pub uscc: Uscc,
    /// The place (0-based, as in the committed team rules) the leaving officer holds.
    pub place: u32,
    /// The officer leaving the place.
    pub leaving: String,
    /// Why.
    pub reason: ReplacementReason,
    /// The officer the rule picks for the place.
    pub replacement: String,
}

/// Why a drawn entity cannot be inspected and is replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SupplementReasonKind {
    /// Deregistered (注销) since the register was committed.
    Deregistered,
    /// Moved out of the jurisdiction (迁出).
    MovedOut,
    /// Unreachable at the registered address after the legal steps (无法联系).
    Unreachable,
    /// Another reason, stated in the text (which must not be blank).
    Other,
}

impl SupplementReasonKind {
    /// Every kind, in the order of the format.
    pub const ALL: [SupplementReasonKind; 4] = [
        SupplementReasonKind::Deregistered,
        SupplementReasonKind::MovedOut,
        SupplementReasonKind::Unreachable,
        SupplementReasonKind::Other,
    ];

    /// The stable code (`deregistered`, `moved-out`, `unreachable`, `other`).
    pub const fn code(self) -> &'static str {
        match self {
            SupplementReasonKind::Deregistered => "deregistered",
            SupplementReasonKind::MovedOut => "moved-out",
            SupplementReasonKind::Unreachable => "unreachable",
            SupplementReasonKind::Other => "other",
        }
    }

    /// The Chinese wording (注销, 迁出, 无法联系, 其他).
    pub const fn chinese_name(self) -> &'static str {
        match self {
            SupplementReasonKind::Deregistered => "注销",
            SupplementReasonKind::MovedOut => "迁出",
            SupplementReasonKind::Unreachable => "无法联系",
            SupplementReasonKind::Other => "其他",
        }
    }

    /// Parses the code or the Chinese wording (surrounding spaces ignored;
    /// 已注销 and 已迁出 are read as 注销 and 迁出).
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        let t = t.strip_prefix('已').unwrap_or(t);
        let lower = t.to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|k| k.code() == lower || k.chinese_name() == t)
    }
}

/// Why an entity is replaced, as signed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupplementReason {
    /// The kind of reason.
    pub kind: SupplementReasonKind,
    /// Details in words; not blank when the kind is `other`.
    pub text: String,
}

/// A supplementary draw (补充抽取): a listed entity that cannot be
/// inspected is replaced by the next entity of its class from the same
/// class stream, with a team picked by the after-draw rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupplementPayload {
    /// Chain link.
    pub chain: ChainLink,
    /// Record id of the draw supplemented.
    pub draw: RecordId,
    /// The entity replaced (drawn by the draw or by an earlier supplement, not yet replaced).
    pub replaced: Uscc,
    /// Why it is replaced.
    pub reason: SupplementReason,
    /// The class of both entities.
    pub class: CreditClass,
    /// The next rank of the class's sampler after every rank already drawn in the class.
    pub rank: Count,
    /// The entity at that rank of the committed pool.
    pub uscc: Uscc,
    /// Its team: inspector ids in place order.
    pub team: Vec<String>,
}
