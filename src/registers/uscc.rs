//! The unified social credit code (统一社会信用代码, USCC) of GB 32100-2015.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The 31 characters a USCC may contain, in the order of their values 0..=30
/// (GB 32100-2015, table 1: no `I`, `O`, `S`, `V` or `Z`).
pub const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1..=17: `3^(i-1) mod 31`.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Length of a USCC in characters.
pub const USCC_LEN: usize = 18;

/// How strictly [`Uscc::parse`] treats the check character.
///
/// A named policy, never a `bool`: some early pilot codes were issued legally
/// but fail the check (for example `91350203M0001QAY9B`), so real registers
/// need a way to admit them while keeping them visible.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum UsccPolicy {
    /// Every character from the alphabet and a correct check character (the default).
    #[default]
    Strict,
    /// Accept a code whose only fault is its check character; the caller is
    /// expected to flag it (registers record a warning for every such code).
    LenientCheckCharacter,
}

/// Why a text is not a USCC.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UsccError {
    /// The code does not have 18 characters.
    #[error("a USCC has 18 characters, this one has {len}")]
    Length {
        /// Number of characters found.
        len: usize,
    },
    /// A character outside the GB 32100 alphabet.
    #[error(
        "character {found:?} at position {position} is not allowed in a USCC (allowed: 0-9 and A-Y without I, O, S, V, Z)"
    )]
    Character {
        /// 1-based position of the character.
        position: usize,
        /// The character found.
        found: char,
    },
    /// The 18th character does not match the check computed from the first 17.
    #[error("check character is {found}, GB 32100-2015 gives {expected}")]
    CheckCharacter {
        /// The check character the standard computes.
        expected: char,
        /// The check character the code carries.
        found: char,
    },
}

/// A unified social credit code (统一社会信用代码), 18 characters of the
/// GB 32100-2015 alphabet, stored upper-case.
///
/// ```
/// use double_random::{registers::{Uscc, UsccPolicy}};
/// let code: Uscc = "91350100M000100Y43".parse()?;
/// assert!(code.check_character_is_valid());
/// // A legal pilot code whose check character fails is admitted only leniently.
/// assert!(Uscc::parse("91350203M0001QAY9B", UsccPolicy::Strict).is_err());
/// let pilot = Uscc::parse("91350203M0001QAY9B", UsccPolicy::LenientCheckCharacter)?;
/// assert!(!pilot.check_character_is_valid());
/// # Ok::<(), double_random::registers::UsccError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Uscc([u8; USCC_LEN]);

/// Codes are ordered by their bytes (the canonical order of registers).
impl Ord for Uscc {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // The same order as comparing the 18 bytes, as two big-endian
        // integers: registers sort and search millions of codes, and this
        // is two loads a side instead of a call to memcmp.
        self.order_key().cmp(&other.order_key())
    }
}

impl PartialOrd for Uscc {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The value of each byte in the alphabet, 0xFF for bytes outside it.
const CHAR_VALUES: [u8; 256] = {
    let mut t = [0xFF; 256];
    let mut i = 0;
    while i < USCC_ALPHABET.len() {
        t[USCC_ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    t
};

fn char_value(c: u8) -> Option<u32> {
    match CHAR_VALUES[usize::from(c)] {
        0xFF => None,
        v => Some(u32::from(v)),
    }
}

/// Computes the check character (position 18) for the first 17 characters.
///
/// Returns `None` when a character is outside the alphabet.
pub fn uscc_check_character(first17: &[u8; 17]) -> Option<char> {
    let mut sum = 0u32;
    for (&c, w) in first17.iter().zip(WEIGHTS) {
        sum += char_value(c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(char::from(USCC_ALPHABET[check as usize]))
}

impl Uscc {
    /// Bytes 1..=16 and 17..=18 as big-endian integers: ordering these pairs
    /// is ordering the bytes.
    fn order_key(&self) -> (u128, u16) {
        let [head @ .., p, q] = self.0;
        (u128::from_be_bytes(head), u16::from_be_bytes([p, q]))
    }

    /// Parses a code under `policy`. Surrounding whitespace is ignored and
    /// lower-case letters are read as upper-case.
    pub fn parse(text: &str, policy: UsccPolicy) -> Result<Self, UsccError> {
        let text = text.trim();
        let mut bytes = [0u8; USCC_LEN];
        // The usual cell: 18 ASCII bytes, read byte by byte.
        if let Ok(ascii) = <&[u8; USCC_LEN]>::try_from(text.as_bytes())
            && ascii.is_ascii()
        {
            for (i, (&b, out)) in ascii.iter().zip(&mut bytes).enumerate() {
                let up = b.to_ascii_uppercase();
                if char_value(up).is_none() {
                    return Err(UsccError::Character {
                        position: i + 1,
                        found: char::from(b),
                    });
                }
                *out = up;
            }
            return Self::checked(Uscc(bytes), policy);
        }
        let len = text.chars().count();
        if len != USCC_LEN {
            return Err(UsccError::Length { len });
        }
        for (i, ch) in text.chars().enumerate() {
            let up = ch.to_ascii_uppercase();
            let valid = up.is_ascii() && char_value(up as u8).is_some();
            if !valid {
                return Err(UsccError::Character {
                    position: i + 1,
                    found: ch,
                });
            }
            bytes[i] = up as u8;
        }
        Self::checked(Uscc(bytes), policy)
    }

    /// `code`, unless its check character fails under the strict policy.
    fn checked(code: Uscc, policy: UsccPolicy) -> Result<Self, UsccError> {
        if let Err(e) = code.check()
            && policy == UsccPolicy::Strict
        {
            return Err(e);
        }
        Ok(code)
    }

    fn check(&self) -> Result<(), UsccError> {
        let mut first17 = [0u8; 17];
        first17.copy_from_slice(&self.0[..17]);
        // Every byte was validated against the alphabet on construction.
        let expected = uscc_check_character(&first17).unwrap_or('?');
        let found = char::from(self.0[17]);
        if expected == found {
            Ok(())
        } else {
            Err(UsccError::CheckCharacter { expected, found })
        }
    }

    /// Whether the 18th character matches GB 32100-2015 (false only for codes
    /// admitted under [`UsccPolicy::LenientCheckCharacter`]).
    pub fn check_character_is_valid(&self) -> bool {
        self.check().is_ok()
    }

    /// The check character GB 32100-2015 computes for this code's first 17 characters.
    pub fn expected_check_character(&self) -> char {
        let mut first17 = [0u8; 17];
        first17.copy_from_slice(&self.0[..17]);
        uscc_check_character(&first17).unwrap_or('?')
    }

    /// The 18 ASCII bytes of the code.
    pub fn as_bytes(&self) -> &[u8; USCC_LEN] {
        &self.0
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII bytes from the alphabet are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// The six-digit administrative region code (GB/T 2260) at positions 3..=8.
    pub fn region_code(&self) -> &str {
        &self.as_str()[2..8]
    }
}

impl FromStr for Uscc {
    type Err = UsccError;
    /// Parses under [`UsccPolicy::Strict`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uscc::parse(s, UsccPolicy::Strict)
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uscc({})", self.as_str())
    }
}

impl Serialize for Uscc {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Uscc {
    /// Deserialises leniently: a receipt may carry a pilot code that was
    /// admitted under [`UsccPolicy::LenientCheckCharacter`]; only the
    /// alphabet and length are enforced here.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        if s.trim() != s || s.bytes().any(|b| b.is_ascii_lowercase()) {
            return Err(serde::de::Error::custom(
                "a USCC in a record must be exactly 18 upper-case characters",
            ));
        }
        Uscc::parse(&s, UsccPolicy::LenientCheckCharacter).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn standard_example_is_valid() {
        let c: Uscc = "91350100M000100Y43".parse().unwrap();
        assert_eq!(c.to_string(), "91350100M000100Y43");
        assert_eq!(c.region_code(), "350100");
        assert!(c.check_character_is_valid());
    }

    #[test]
    fn pilot_code_is_lenient_only() {
        let err = Uscc::parse("91350203M0001QAY9B", UsccPolicy::Strict).unwrap_err();
        assert!(matches!(err, UsccError::CheckCharacter { found: 'B', .. }));
        let c = Uscc::parse("91350203M0001QAY9B", UsccPolicy::LenientCheckCharacter).unwrap();
        assert!(!c.check_character_is_valid());
        assert_ne!(c.expected_check_character(), 'B');
    }

    #[test]
    fn lenient_still_rejects_other_faults() {
        for bad in [
            "91350100M000100Y4",
            "91350100M000100Y433",
            "9135O100M000100Y43",
        ] {
            assert!(
                Uscc::parse(bad, UsccPolicy::LenientCheckCharacter).is_err(),
                "{bad}"
            );
        }
        assert_eq!(
            Uscc::parse("9135O100M000100Y43", UsccPolicy::Strict),
            Err(UsccError::Character {
                position: 5,
                found: 'O'
            })
        );
        assert_eq!(
            Uscc::parse("", UsccPolicy::Strict),
            Err(UsccError::Length { len: 0 })
        );
        // Non-ASCII characters are counted as characters, not bytes.
        assert_eq!(
            Uscc::parse("９1350100M000100Y43", UsccPolicy::Strict),
            Err(UsccError::Character {
                position: 1,
                found: '９'
            })
        );
    }

    #[test]
    fn lower_case_and_whitespace_are_normalised() {
        let c = Uscc::parse(" 91350100m000100y43 ", UsccPolicy::Strict).unwrap();
        assert_eq!(c.as_str(), "91350100M000100Y43");
    }

    #[test]
    fn wrong_check_character_names_the_expected_one() {
        let err = Uscc::parse("91350100M000100Y44", UsccPolicy::Strict).unwrap_err();
        assert_eq!(
            err,
            UsccError::CheckCharacter {
                expected: '3',
                found: '4'
            }
        );
    }

    #[test]
    fn serde_rejects_non_canonical_text() {
        let ok: Uscc = serde_json::from_str("\"91350100M000100Y43\"").unwrap();
        assert_eq!(ok.as_str(), "91350100M000100Y43");
        assert!(serde_json::from_str::<Uscc>("\"91350100m000100y43\"").is_err());
        assert!(serde_json::from_str::<Uscc>("\" 91350100M000100Y43\"").is_err());
    }

    fn alphabet_char() -> impl Strategy<Value = u8> {
        (0usize..31).prop_map(|i| USCC_ALPHABET[i])
    }

    proptest! {
        #[test]
        fn generated_codes_round_trip(body in proptest::collection::vec(alphabet_char(), 17)) {
            let mut first17 = [0u8; 17];
            first17.copy_from_slice(&body);
            let check = uscc_check_character(&first17).unwrap();
            let text = format!("{}{}", std::str::from_utf8(&first17).unwrap(), check);
            let code: Uscc = text.parse().unwrap();
            prop_assert_eq!(code.to_string(), text.clone());
            let again: Uscc = code.to_string().parse().unwrap();
            prop_assert_eq!(again, code);
            let json = serde_json::to_string(&code).unwrap();
            prop_assert_eq!(serde_json::from_str::<Uscc>(&json).unwrap(), code);
        }

        #[test]
        fn any_single_substitution_is_detected(body in proptest::collection::vec(alphabet_char(), 17),
                                               pos in 0usize..18, delta in 1usize..31) {
            // The mod-31 check detects every single-character substitution.
            let mut first17 = [0u8; 17];
            first17.copy_from_slice(&body);
            let check = uscc_check_character(&first17).unwrap() as u8;
            let mut code = [0u8; 18];
            code[..17].copy_from_slice(&first17);
            code[17] = check;
            let v = USCC_ALPHABET.iter().position(|&a| a == code[pos]).unwrap();
            code[pos] = USCC_ALPHABET[(v + delta) % 31];
            let text = std::str::from_utf8(&code).unwrap();
            prop_assert!(Uscc::parse(text, UsccPolicy::Strict).is_err());
            prop_assert!(Uscc::parse(text, UsccPolicy::LenientCheckCharacter).is_ok());
        }

        #[test]
        fn order_is_byte_order(a in proptest::collection::vec(alphabet_char(), 18),
                               b in proptest::collection::vec(alphabet_char(), 18),
                               common in 0usize..19) {
            // Codes sharing a prefix of any length, so every position decides.
            let mut b = b;
            b[..common.min(18)].copy_from_slice(&a[..common.min(18)]);
            let x = Uscc::parse(std::str::from_utf8(&a).unwrap(), UsccPolicy::LenientCheckCharacter).unwrap();
            let y = Uscc::parse(std::str::from_utf8(&b).unwrap(), UsccPolicy::LenientCheckCharacter).unwrap();
            prop_assert_eq!(x.cmp(&y), a.cmp(&b));
            prop_assert_eq!(x.partial_cmp(&y), Some(a.cmp(&b)));
        }

        #[test]
        fn parse_equals_the_character_by_character_rules(
            s in "[ 0-9A-Za-z甲ＡＢ]{16,20}",
            lenient in any::<bool>(),
        ) {
            let policy = if lenient { UsccPolicy::LenientCheckCharacter } else { UsccPolicy::Strict };
            // The rules as first written: count characters, then check each.
            let reference = || -> Result<Uscc, UsccError> {
                let text = s.trim();
                let len = text.chars().count();
                if len != USCC_LEN {
                    return Err(UsccError::Length { len });
                }
                let mut bytes = [0u8; USCC_LEN];
                for (i, ch) in text.chars().enumerate() {
                    let up = ch.to_ascii_uppercase();
                    if !(up.is_ascii() && USCC_ALPHABET.contains(&(up as u8))) {
                        return Err(UsccError::Character { position: i + 1, found: ch });
                    }
                    bytes[i] = up as u8;
                }
                let code = Uscc(bytes);
                match code.check() {
                    Err(e) if policy == UsccPolicy::Strict => Err(e),
                    _ => Ok(code),
                }
            };
            prop_assert_eq!(Uscc::parse(&s, policy), reference());
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,24}") {
            let _ = Uscc::parse(&s, UsccPolicy::Strict);
            let _ = Uscc::parse(&s, UsccPolicy::LenientCheckCharacter);
        }
    }
}
