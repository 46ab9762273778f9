//! Credit-risk classes (企业信用风险分类).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An entity's credit-risk class (信用风险分类), from A (low risk) to D (high risk).
///
/// Classes are ordered by risk: `A < B < C < D`. Sampling ratios must not
/// decrease along that order (递加比例).
///
/// ```
/// use double_random::registers::CreditClass;
/// assert_eq!("较高风险".parse::<CreditClass>(), Ok(CreditClass::C));
/// assert_eq!("B类".parse::<CreditClass>(), Ok(CreditClass::B));
/// assert_eq!("high".parse::<CreditClass>(), Ok(CreditClass::D));
/// assert_eq!(CreditClass::D.to_string(), "D");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CreditClass {
    /// Low risk (低风险).
    A,
    /// General risk (一般风险).
    B,
    /// Fairly high risk (较高风险).
    C,
    /// High risk (高风险).
    D,
}

/// A text that names no credit class.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{text:?} is not a credit class (write A, B, C or D; A类..D类; low, general, higher, high; or 低风险, 一般风险, 较高风险, 高风险)"
)]
pub struct CreditClassError {
    /// The text that was given.
    pub text: String,
}

impl CreditClass {
    /// All classes, from low to high risk.
    pub const ALL: [CreditClass; 4] = [
        CreditClass::A,
        CreditClass::B,
        CreditClass::C,
        CreditClass::D,
    ];

    /// Position in [`CreditClass::ALL`]: A = 0 .. D = 3.
    pub const fn index(self) -> usize {
        match self {
            CreditClass::A => 0,
            CreditClass::B => 1,
            CreditClass::C => 2,
            CreditClass::D => 3,
        }
    }

    /// The class at position `i` of [`CreditClass::ALL`].
    pub const fn from_index(i: usize) -> Option<CreditClass> {
        match i {
            0 => Some(CreditClass::A),
            1 => Some(CreditClass::B),
            2 => Some(CreditClass::C),
            3 => Some(CreditClass::D),
            _ => None,
        }
    }

    /// The letter `A`..`D`.
    pub const fn letter(self) -> char {
        match self {
            CreditClass::A => 'A',
            CreditClass::B => 'B',
            CreditClass::C => 'C',
            CreditClass::D => 'D',
        }
    }

    /// The Chinese name of the class (低风险 .. 高风险).
    pub const fn chinese_name(self) -> &'static str {
        match self {
            CreditClass::A => "低风险",
            CreditClass::B => "一般风险",
            CreditClass::C => "较高风险",
            CreditClass::D => "高风险",
        }
    }

    /// The English name of the class (low .. high).
    pub const fn english_name(self) -> &'static str {
        match self {
            CreditClass::A => "low",
            CreditClass::B => "general",
            CreditClass::C => "higher",
            CreditClass::D => "high",
        }
    }
}

impl FromStr for CreditClass {
    type Err = CreditClassError;

    /// Accepts `A`..`D` (either case), `A类`..`D类`, `low`/`general`/`higher`/`high`
    /// (either case) and `低风险`/`一般风险`/`较高风险`/`高风险`, ignoring
    /// surrounding whitespace; full-width letters and spaces (`Ｃ类`) read as
    /// their ASCII forms.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // The usual cell: one letter.
        match s.as_bytes() {
            [b'A' | b'a'] => return Ok(CreditClass::A),
            [b'B' | b'b'] => return Ok(CreditClass::B),
            [b'C' | b'c'] => return Ok(CreditClass::C),
            [b'D' | b'd'] => return Ok(CreditClass::D),
            _ => {}
        }
        let t = s.trim();
        let t = t.strip_suffix('类').unwrap_or(t).trim_end();
        // Compared ignoring ASCII case, without lower-casing a copy: a
        // register of millions of rows parses a class on each.
        const SPELLINGS: [(&str, CreditClass); 12] = [
            ("a", CreditClass::A),
            ("low", CreditClass::A),
            ("低风险", CreditClass::A),
            ("b", CreditClass::B),
            ("general", CreditClass::B),
            ("一般风险", CreditClass::B),
            ("c", CreditClass::C),
            ("higher", CreditClass::C),
            ("较高风险", CreditClass::C),
            ("d", CreditClass::D),
            ("high", CreditClass::D),
            ("高风险", CreditClass::D),
        ];
        let find = |t: &str| {
            SPELLINGS
                .iter()
                .find(|(spelling, _)| t.eq_ignore_ascii_case(spelling))
                .map(|&(_, class)| class)
        };
        if let Some(class) = find(t) {
            return Ok(class);
        }
        // Full-width forms as a clerk's input method types them (`Ｃ类`,
        // `ｃ`, an ideographic space): read as their ASCII forms, like
        // headers. Only on this slow path, so common spellings cost nothing.
        let folded: String = s
            .chars()
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
                '\u{3000}' => ' ',
                _ => c,
            })
            .collect();
        let t = folded.trim();
        let t = t.strip_suffix('类').unwrap_or(t).trim_end();
        find(t).ok_or_else(|| CreditClassError { text: s.to_owned() })
    }
}

impl fmt::Display for CreditClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.letter())
    }
}

impl Serialize for CreditClass {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match self {
            CreditClass::A => "A",
            CreditClass::B => "B",
            CreditClass::C => "C",
            CreditClass::D => "D",
        })
    }
}

impl<'de> Deserialize<'de> for CreditClass {
    /// Records carry only the canonical letters `A`..`D`.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        match s.as_ref() {
            "A" => Ok(CreditClass::A),
            "B" => Ok(CreditClass::B),
            "C" => Ok(CreditClass::C),
            "D" => Ok(CreditClass::D),
            other => Err(serde::de::Error::custom(format!(
                "credit class in a record must be one of A, B, C, D, not {other:?}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_spelling_parses() {
        let spellings = [
            (CreditClass::A, ["A", "a", "A类", "low", "LOW", "低风险"]),
            (
                CreditClass::B,
                ["B", "b", "B类", "general", "General", "一般风险"],
            ),
            (
                CreditClass::C,
                ["C", "c", "C类", "higher", "Higher", "较高风险"],
            ),
            (CreditClass::D, ["D", "d", "D类", "high", "HIGH", "高风险"]),
        ];
        for (class, texts) in spellings {
            for t in texts {
                assert_eq!(t.parse::<CreditClass>(), Ok(class), "{t}");
                assert_eq!(format!(" {t} ").parse::<CreditClass>(), Ok(class), "{t}");
            }
        }
    }

    #[test]
    fn full_width_spellings_parse() {
        for (t, class) in [
            ("Ｃ类", CreditClass::C),
            ("ａ", CreditClass::A),
            ("\u{3000}Ｄ\u{3000}", CreditClass::D),
            ("ＨＩＧＨ", CreditClass::D),
            ("Ｂ 类", CreditClass::B),
        ] {
            assert_eq!(t.parse::<CreditClass>(), Ok(class), "{t}");
        }
        assert!("Ｅ类".parse::<CreditClass>().is_err());
    }

    #[test]
    fn unknown_spellings_are_refused_with_the_text() {
        for t in ["", "E", "AB", "medium", "中风险", "类", "1"] {
            let err = t.parse::<CreditClass>().unwrap_err();
            assert_eq!(err.text, t);
        }
    }

    #[test]
    fn order_and_index_agree() {
        for (i, c) in CreditClass::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
            assert_eq!(CreditClass::from_index(i), Some(*c));
        }
        assert_eq!(CreditClass::from_index(4), None);
        assert!(CreditClass::A < CreditClass::D);
    }

    proptest! {
        #[test]
        fn display_parse_round_trip(i in 0usize..4) {
            let c = CreditClass::from_index(i).unwrap();
            prop_assert_eq!(c.to_string().parse::<CreditClass>(), Ok(c));
            prop_assert_eq!(c.chinese_name().parse::<CreditClass>(), Ok(c));
            prop_assert_eq!(c.english_name().parse::<CreditClass>(), Ok(c));
            let json = serde_json::to_string(&c).unwrap();
            prop_assert_eq!(serde_json::from_str::<CreditClass>(&json).unwrap(), c);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,12}") {
            let _ = s.parse::<CreditClass>();
        }
    }
}
