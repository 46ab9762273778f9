//! Canonical leaf bytes of register entries.
//!
//! Format version 2 changes the entity leaf only (it commits the
//! registration status and target types); the inspector, conflict and
//! check-item leaves are version 1's in both versions.
//!
//! Every leaf is a sequence of length-prefixed fields: `lp(x) = u32_be(len(x)) || x`.
//! The first field is a domain tag naming the register and the version, so a
//! leaf of one register can never be read as a leaf of another. Lists are a
//! `u32_be` count followed by `lp` of each element. No field is optional:
//! absent text is the empty string. `docs/FORMAT.md` specifies the same bytes.

use crate::calendar::date::format_date;
use crate::records::FormatVersion;
use crate::registers::credit::CreditClass;
use crate::registers::{CheckItem, Conflict, Entity, InspectionMethod, Inspector, ItemCategory};

/// Domain tag of entity leaves of format version 1.
pub const ENTITY_LEAF_TAG: &[u8] = b"double-random/entity/v1";
/// Domain tag of entity leaves of format version 2.
pub const ENTITY_LEAF_TAG_V2: &[u8] = b"double-random/entity/v2";
/// Domain tag of inspector leaves.
pub const INSPECTOR_LEAF_TAG: &[u8] = b"double-random/inspector/v1";
/// Domain tag of conflict leaves.
pub const CONFLICT_LEAF_TAG: &[u8] = b"double-random/conflict/v1";
/// Domain tag of check-item leaves.
pub const ITEM_LEAF_TAG: &[u8] = b"double-random/item/v1";

/// A field longer than 4 GiB cannot be encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a field of {len} bytes is longer than a leaf field may be (2^32 - 1)")]
pub struct FieldTooLong {
    /// Length of the field in bytes.
    pub len: usize,
}

/// Appends `u32_be(len(x)) || x` to `out`.
fn lp(out: &mut Vec<u8>, x: &[u8]) -> Result<(), FieldTooLong> {
    let len = u32::try_from(x.len()).map_err(|_| FieldTooLong { len: x.len() })?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(x);
    Ok(())
}

fn list<'a>(
    out: &mut Vec<u8>,
    xs: impl ExactSizeIterator<Item = &'a [u8]>,
) -> Result<(), FieldTooLong> {
    let n = u32::try_from(xs.len()).map_err(|_| FieldTooLong { len: xs.len() })?;
    out.extend_from_slice(&n.to_be_bytes());
    for x in xs {
        lp(out, x)?;
    }
    Ok(())
}

fn class_bytes(c: CreditClass) -> &'static [u8] {
    match c {
        CreditClass::A => b"A",
        CreditClass::B => b"B",
        CreditClass::C => b"C",
        CreditClass::D => b"D",
    }
}

/// Writes the leaf bytes of an entity of format `version` into `out`
/// (cleared first). Version 1:
/// `lp("double-random/entity/v1") || lp(uscc) || lp(class) || lp(name) ||
/// lp(region) || lp(industry)`, the class as one ASCII letter `A`..`D`.
/// Version 2 adds the registration status and the target types:
/// `lp("double-random/entity/v2") || lp(uscc) || lp(class) || lp(name) ||
/// lp(region) || lp(industry) || lp(status) || list(target_types)`, the
/// status as its code (`active`, ...), the target types sorted by bytes,
/// each once.
pub fn entity_leaf(
    e: &Entity,
    version: FormatVersion,
    out: &mut Vec<u8>,
) -> Result<(), FieldTooLong> {
    out.clear();
    let v1 = version == FormatVersion::V1;
    lp(
        out,
        if v1 {
            ENTITY_LEAF_TAG
        } else {
            ENTITY_LEAF_TAG_V2
        },
    )?;
    lp(out, e.uscc.as_bytes())?;
    lp(out, class_bytes(e.credit_class))?;
    lp(out, e.name().as_bytes())?;
    lp(out, e.region().as_bytes())?;
    lp(out, e.industry().as_bytes())?;
    if v1 {
        return Ok(());
    }
    lp(out, e.status().code().as_bytes())?;
    list(out, e.target_types().iter().map(|t| t.as_bytes()))
}

/// Writes the leaf bytes of an inspector into `out` (cleared first):
/// `lp(tag) || lp(id) || lp(name) || lp(department) || lp(region) ||
/// list(expertise) || lp(cert_valid_from) || lp(cert_valid_to)`, dates as
/// `YYYY-MM-DD` or empty when not recorded, expertise in sorted byte order.
pub fn inspector_leaf(i: &Inspector, out: &mut Vec<u8>) -> Result<(), FieldTooLong> {
    out.clear();
    lp(out, INSPECTOR_LEAF_TAG)?;
    lp(out, i.id.as_bytes())?;
    lp(out, i.name.as_bytes())?;
    lp(out, i.department.as_bytes())?;
    lp(out, i.region.as_bytes())?;
    list(out, i.expertise.iter().map(|s| s.as_bytes()))?;
    let from = i.cert_valid_from.map(format_date).unwrap_or_default();
    let to = i.cert_valid_to.map(format_date).unwrap_or_default();
    lp(out, from.as_bytes())?;
    lp(out, to.as_bytes())
}

/// Writes the leaf bytes of a declared conflict into `out` (cleared first):
/// `lp(tag) || lp(salt) || lp(inspector_id) || lp(uscc) || lp(reason)`.
///
/// The conflict list stays unpublished; the salt (32 random bytes kept with
/// the list, or empty) stops anyone who sees only the root or a proof from
/// confirming a guessed pair.
pub fn conflict_leaf(c: &Conflict, salt: &[u8], out: &mut Vec<u8>) -> Result<(), FieldTooLong> {
    out.clear();
    lp(out, CONFLICT_LEAF_TAG)?;
    lp(out, salt)?;
    lp(out, c.inspector_id.as_bytes())?;
    lp(out, c.uscc.as_bytes())?;
    lp(out, c.reason.as_bytes())
}

fn method_name(m: InspectionMethod) -> &'static [u8] {
    match m {
        InspectionMethod::OnSite => b"on-site",
        InspectionMethod::Written => b"written",
        InspectionMethod::OnlineMonitoring => b"online-monitoring",
        InspectionMethod::Entrusted => b"entrusted",
    }
}

/// Writes the leaf bytes of a check item into `out` (cleared first):
/// `lp(tag) || lp(id) || lp(name) || lp(category) || lp(target_type) ||
/// lp(basis) || lp(department) || lp(content) || list(methods) ||
/// list(required_expertise)`, the category `key` or `general`, methods by
/// their kebab-case names in the order on-site, written, online-monitoring, entrusted.
pub fn item_leaf(i: &CheckItem, out: &mut Vec<u8>) -> Result<(), FieldTooLong> {
    out.clear();
    lp(out, ITEM_LEAF_TAG)?;
    lp(out, i.id.as_bytes())?;
    lp(out, i.name.as_bytes())?;
    lp(
        out,
        match i.category {
            ItemCategory::Key => b"key",
            ItemCategory::General => b"general",
        },
    )?;
    lp(out, i.target_type.as_bytes())?;
    lp(out, i.basis.as_bytes())?;
    lp(out, i.department.as_bytes())?;
    lp(out, i.content.as_bytes())?;
    list(out, i.methods.iter().map(|m| method_name(*m)))?;
    list(out, i.required_expertise.iter().map(|s| s.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registers::uscc::Uscc;

    fn entity() -> Entity {
        Entity::new(
            "91350100M000100Y43".parse().unwrap(),
            "甲",
            CreditClass::C,
            "350100",
            "",
        )
    }

    #[test]
    fn entity_leaf_bytes_are_pinned() {
        let mut out = Vec::new();
        entity_leaf(&entity(), FormatVersion::V1, &mut out).unwrap();
        let mut expected = Vec::new();
        expected.extend_from_slice(&[0, 0, 0, 23]);
        expected.extend_from_slice(b"double-random/entity/v1");
        expected.extend_from_slice(&[0, 0, 0, 18]);
        expected.extend_from_slice(b"91350100M000100Y43");
        expected.extend_from_slice(&[0, 0, 0, 1, b'C']);
        expected.extend_from_slice(&[0, 0, 0, 3]);
        expected.extend_from_slice("甲".as_bytes());
        expected.extend_from_slice(&[0, 0, 0, 6]);
        expected.extend_from_slice(b"350100");
        expected.extend_from_slice(&[0, 0, 0, 0]);
        assert_eq!(out, expected);
    }

    #[test]
    fn entity_leaf_v2_commits_status_and_target_types() {
        let e = entity()
            .with_status(crate::registers::RegistrationStatus::Suspended)
            .with_target_types(["取水单位", "河道采砂场", "取水单位"]);
        let mut out = Vec::new();
        entity_leaf(&e, FormatVersion::V2, &mut out).unwrap();
        let mut expected = Vec::new();
        expected.extend_from_slice(&[0, 0, 0, 23]);
        expected.extend_from_slice(b"double-random/entity/v2");
        expected.extend_from_slice(&[0, 0, 0, 18]);
        expected.extend_from_slice(b"91350100M000100Y43");
        expected.extend_from_slice(&[0, 0, 0, 1, b'C']);
        expected.extend_from_slice(&[0, 0, 0, 3]);
        expected.extend_from_slice("甲".as_bytes());
        expected.extend_from_slice(&[0, 0, 0, 6]);
        expected.extend_from_slice(b"350100");
        expected.extend_from_slice(&[0, 0, 0, 0]);
        expected.extend_from_slice(&[0, 0, 0, 9]);
        expected.extend_from_slice(b"suspended");
        expected.extend_from_slice(&[0, 0, 0, 2]);
        expected.extend_from_slice(&[0, 0, 0, 12]);
        expected.extend_from_slice("取水单位".as_bytes());
        expected.extend_from_slice(&[0, 0, 0, 15]);
        expected.extend_from_slice("河道采砂场".as_bytes());
        assert_eq!(out, expected);
        // The v1 leaf of the same entity ignores both.
        let mut v1 = Vec::new();
        entity_leaf(&e, FormatVersion::V1, &mut v1).unwrap();
        let mut plain = Vec::new();
        entity_leaf(&entity(), FormatVersion::V1, &mut plain).unwrap();
        assert_eq!(v1, plain);
    }

    #[test]
    fn fields_cannot_be_shifted() {
        // Moving text between adjacent fields changes the bytes.
        let e = entity();
        let a = Entity::new(e.uscc, e.name(), e.credit_class, "35", "0100");
        let b = Entity::new(e.uscc, e.name(), e.credit_class, "3501", "00");
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for v in [FormatVersion::V1, FormatVersion::V2] {
            entity_leaf(&a, v, &mut x).unwrap();
            entity_leaf(&b, v, &mut y).unwrap();
            assert_ne!(x, y);
        }
        // Nor can a target type move into the status or across the list.
        let a = e.clone().with_target_types(["甲乙"]);
        let b = e.clone().with_target_types(["甲", "乙"]);
        entity_leaf(&a, FormatVersion::V2, &mut x).unwrap();
        entity_leaf(&b, FormatVersion::V2, &mut y).unwrap();
        assert_ne!(x, y);
    }

    #[test]
    fn conflict_salt_changes_the_leaf() {
        let c = Conflict {
            inspector_id: "ZF1".into(),
            uscc: "91350100M000100Y43".parse::<Uscc>().unwrap(),
            reason: String::new(),
        };
        let (mut x, mut y) = (Vec::new(), Vec::new());
        conflict_leaf(&c, &[], &mut x).unwrap();
        conflict_leaf(&c, &[7; 32], &mut y).unwrap();
        assert_ne!(x, y);
        assert_eq!(y.len(), x.len() + 32);
    }
}
