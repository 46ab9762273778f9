//! Sampling ratios as exact basis points.
//!
//! A ratio is written as decimal percent text ("3%", "12.5%", "2.25%") and
//! stored as an integer number of basis points (1 bp = 0.01 %), so no
//! floating point is ever involved in deciding a draw. The accepted grammar
//! is specified in `docs/spec/sampling.md` ("Ratios").

use std::fmt;
use std::str::FromStr;

/// Basis points in a whole (100 %).
pub const BASIS_POINTS_PER_WHOLE: u32 = 10_000;

/// A sampling ratio in basis points (1 bp = 0.01 %), always in `0..=10000`.
///
/// Parse with [`BasisPoints::parse_percent`]; [`Display`](fmt::Display)
/// gives the canonical percent text, and `parse_percent(&x.to_string())`
/// returns `x` again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct BasisPoints(u32);

/// Why a ratio was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RatioError {
    /// The text was empty (or only whitespace).
    #[error("ratio text is empty; write a percentage such as \"3%\"")]
    Empty {
        /// The offending text, as given.
        text: String,
    },
    /// The text is a plain number without a trailing percent sign.
    #[error("{}", missing_percent_message(.text, .suggestion.as_deref()))]
    MissingPercent {
        /// The offending text, as given.
        text: String,
        /// The percent text the caller probably meant, when one can be
        /// worked out (e.g. `"5%"` for `"0.05"`).
        suggestion: Option<String>,
    },
    /// More than two digits after the decimal point.
    #[error(
        "ratio {text:?} has more than 2 decimal places; the precision limit is 0.01% (one basis point), e.g. \"2.13%\""
    )]
    TooPrecise {
        /// The offending text, as given.
        text: String,
    },
    /// A negative ratio.
    #[error("ratio {text:?} is negative; ratios must be between 0% and 100%")]
    Negative {
        /// The offending text, as given.
        text: String,
    },
    /// A ratio above 100 %.
    #[error("ratio {text:?} is above 100%; ratios must be between 0% and 100%")]
    AboveHundred {
        /// The offending text, as given.
        text: String,
    },
    /// Anything else that is not `digits[.digits]%`.
    #[error(
        "ratio {text:?} is not a plain decimal percentage ({reason}); write digits, an optional '.' with 1 or 2 digits, then '%', e.g. \"12.5%\""
    )]
    Malformed {
        /// The offending text, as given.
        text: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A basis-point count above 10000 was given to [`BasisPoints::new`].
    #[error("{value} basis points is above 10000 (100%)")]
    OutOfRange {
        /// The offending value.
        value: u32,
    },
}

fn missing_percent_message(text: &str, suggestion: Option<&str>) -> String {
    match suggestion {
        Some(s) => format!(
            "ratio {text:?} has no '%' sign; ratios are written as percentages: write \"{s}\""
        ),
        None => format!(
            "ratio {text:?} has no '%' sign; ratios are written as percentages such as \"5%\""
        ),
    }
}

/// Whitespace trimmed around a ratio: SP, HT, LF, VT, FF, CR and U+3000.
fn is_ratio_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | '\u{3000}'
    )
}

/// A decimal `digits[.digits]` split into its two digit strings.
fn split_decimal(s: &str) -> Option<(&str, &str)> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => {
            if f.is_empty() {
                return None;
            }
            (i, f)
        }
        None => (s, ""),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((int, frac))
}

/// Value of an ASCII digit string, or `None` if it exceeds `cap`.
fn digits_value(digits: &str, cap: u64) -> Option<u64> {
    let mut v: u64 = 0;
    for b in digits.bytes() {
        v = v.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        if v > cap {
            return None;
        }
    }
    Some(v)
}

/// For a bare number such as "0.05", the percent text that was probably meant.
fn suggest_percent(body: &str) -> Option<String> {
    let (int, frac) = split_decimal(body)?;
    let int_v = digits_value(int, 1_000_000)?;
    if int_v == 0 || (int_v == 1 && frac.bytes().all(|b| b == b'0')) {
        // A fraction of one: 0.05 -> 5%, 1 -> 100%.
        if frac.len() > 4 {
            return None;
        }
        let frac_v = digits_value(frac, 9_999)?;
        let scale = 10u64.pow(4 - frac.len() as u32);
        let bp = int_v * 10_000 + frac_v * scale;
        let bp = u32::try_from(bp).ok()?;
        BasisPoints::new(bp).ok().map(|b| b.to_string())
    } else {
        // More than one: most likely a percentage without its sign.
        Some(format!("{body}%"))
    }
}

impl BasisPoints {
    /// 0 %.
    pub const ZERO: BasisPoints = BasisPoints(0);
    /// 100 %.
    pub const FULL: BasisPoints = BasisPoints(BASIS_POINTS_PER_WHOLE);

    /// A ratio of `bp` basis points; refuses values above 10000.
    pub fn new(bp: u32) -> Result<Self, RatioError> {
        if bp > BASIS_POINTS_PER_WHOLE {
            Err(RatioError::OutOfRange { value: bp })
        } else {
            Ok(BasisPoints(bp))
        }
    }

    /// The number of basis points, in `0..=10000`.
    pub const fn get(self) -> u32 {
        self.0
    }

    /// Parse exact decimal percent text.
    ///
    /// Accepted: optional surrounding whitespace (SP, HT, LF, VT, FF, CR,
    /// U+3000), then one or more ASCII digits, optionally `.` followed by one
    /// or two ASCII digits, then `%` or the full-width `％` (U+FF05). The value
    /// must be at most 100 %. Everything else is refused: no sign, no
    /// exponent, no internal spaces, no bare fractions ("0.05" must be written
    /// "5%").
    ///
    /// ```
    /// use double_random::sampling::BasisPoints;
    /// assert_eq!(BasisPoints::parse_percent("12.5%").unwrap().get(), 1250);
    /// assert_eq!(BasisPoints::parse_percent(" 3％ ").unwrap().get(), 300);
    /// assert!(BasisPoints::parse_percent("0.05").is_err());
    /// ```
    pub fn parse_percent(text: &str) -> Result<Self, RatioError> {
        let own = || text.to_string();
        let t = text.trim_matches(is_ratio_space);
        if t.is_empty() {
            return Err(RatioError::Empty { text: own() });
        }
        let body = if let Some(b) = t.strip_suffix('%') {
            b
        } else if let Some(b) = t.strip_suffix('％') {
            b
        } else {
            if t.contains(['%', '％']) {
                return Err(RatioError::Malformed {
                    text: own(),
                    reason: "the '%' sign must come last",
                });
            }
            if split_decimal(t).is_some() {
                return Err(RatioError::MissingPercent {
                    text: own(),
                    suggestion: suggest_percent(t),
                });
            }
            if t.starts_with('-') {
                return Err(RatioError::Negative { text: own() });
            }
            return Err(RatioError::Malformed {
                text: own(),
                reason: "no '%' sign at the end",
            });
        };
        if body.starts_with('-') || body.starts_with('\u{2212}') {
            return Err(RatioError::Negative { text: own() });
        }
        if body.is_empty() {
            return Err(RatioError::Malformed {
                text: own(),
                reason: "no digits before '%'",
            });
        }
        if body.contains(['e', 'E']) {
            return Err(RatioError::Malformed {
                text: own(),
                reason: "exponent notation is not accepted",
            });
        }
        if body.contains(['%', '％']) {
            return Err(RatioError::Malformed {
                text: own(),
                reason: "more than one '%' sign",
            });
        }
        let Some((int, frac)) = split_decimal(body) else {
            return Err(RatioError::Malformed {
                text: own(),
                reason: "only ASCII digits and at most one '.' with digits on both sides may precede '%'",
            });
        };
        if frac.len() > 2 {
            return Err(RatioError::TooPrecise { text: own() });
        }
        let Some(int_v) = digits_value(int, 100) else {
            return Err(RatioError::AboveHundred { text: own() });
        };
        // frac has at most 2 digits, so this cannot fail.
        let frac_v = digits_value(frac, 99).unwrap_or(0);
        let frac_bp = if frac.len() == 1 { frac_v * 10 } else { frac_v };
        let bp = int_v * 100 + frac_bp;
        if bp > u64::from(BASIS_POINTS_PER_WHOLE) {
            return Err(RatioError::AboveHundred { text: own() });
        }
        // bp <= 10000 here.
        Ok(BasisPoints(bp as u32))
    }
}

impl fmt::Display for BasisPoints {
    /// Canonical percent text: no trailing zeros after the point, no point
    /// when whole ("3%", "12.5%", "2.25%", "0%", "100%").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 100;
        let rest = self.0 % 100;
        if rest == 0 {
            write!(f, "{whole}%")
        } else if rest.is_multiple_of(10) {
            write!(f, "{whole}.{}%", rest / 10)
        } else {
            write!(f, "{whole}.{rest:02}%")
        }
    }
}

impl FromStr for BasisPoints {
    type Err = RatioError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BasisPoints::parse_percent(s)
    }
}

impl TryFrom<u32> for BasisPoints {
    type Error = RatioError;
    fn try_from(bp: u32) -> Result<Self, Self::Error> {
        BasisPoints::new(bp)
    }
}

impl From<BasisPoints> for u32 {
    fn from(bp: BasisPoints) -> u32 {
        bp.0
    }
}

impl serde::Serialize for BasisPoints {
    /// Serialized as the canonical percent text.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for BasisPoints {
    /// Deserialized from percent text through [`BasisPoints::parse_percent`].
    /// A bare number (`0.025`, `3`) is refused with a message saying how to
    /// write it: a float cannot be trusted to hold a ratio exactly.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(PercentVisitor)
    }
}

struct PercentVisitor;

impl PercentVisitor {
    fn bare<E: serde::de::Error>(shown: &str) -> E {
        E::custom(format_args!(
            "ratio {shown} is a bare number; write it as exact percent text in quotes, \
             for example \"2.5%\" (a bare number is refused because a float cannot hold it exactly)"
        ))
    }
}

impl serde::de::Visitor<'_> for PercentVisitor {
    type Value = BasisPoints;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a percentage written as text, such as \"2.5%\"")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<BasisPoints, E> {
        BasisPoints::parse_percent(v).map_err(E::custom)
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<BasisPoints, E> {
        Err(Self::bare(&v.to_string()))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<BasisPoints, E> {
        Err(Self::bare(&v.to_string()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<BasisPoints, E> {
        // Only formatted for the message; never used as a ratio.
        Err(Self::bare(&v.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bp(s: &str) -> u32 {
        BasisPoints::parse_percent(s).unwrap().get()
    }

    #[test]
    fn accepts_examples() {
        assert_eq!(bp("3%"), 300);
        assert_eq!(bp("12.5%"), 1250);
        assert_eq!(bp("2.25%"), 225);
        assert_eq!(bp("0%"), 0);
        assert_eq!(bp("100%"), 10_000);
        assert_eq!(bp("100.00%"), 10_000);
        assert_eq!(bp("0.01%"), 1);
        assert_eq!(bp("  7%\t"), 700);
        assert_eq!(bp("\u{3000}5％\u{3000}"), 500);
        assert_eq!(bp("12.50%"), 1250);
        assert_eq!(bp("007%"), 700);
    }

    #[test]
    fn rejects_with_reasons() {
        let e = |s: &str| BasisPoints::parse_percent(s).unwrap_err();
        assert!(matches!(e(""), RatioError::Empty { .. }));
        assert!(matches!(e("   "), RatioError::Empty { .. }));
        match e("0.05") {
            RatioError::MissingPercent { text, suggestion } => {
                assert_eq!(text, "0.05");
                assert_eq!(suggestion.as_deref(), Some("5%"));
            }
            other => panic!("{other:?}"),
        }
        assert!(e("0.05").to_string().contains("write \"5%\""));
        assert!(e("3").to_string().contains("write \"3%\""));
        let tp = e("2.125%");
        assert!(matches!(tp, RatioError::TooPrecise { ref text } if text == "2.125%"));
        assert!(tp.to_string().contains("2 decimal places"));
        assert!(matches!(e("100.01%"), RatioError::AboveHundred { .. }));
        assert!(matches!(e("101%"), RatioError::AboveHundred { .. }));
        assert!(matches!(
            e("99999999999999999999999%"),
            RatioError::AboveHundred { .. }
        ));
        assert!(matches!(e("-1%"), RatioError::Negative { .. }));
        assert!(matches!(e("-0%"), RatioError::Negative { .. }));
        assert!(matches!(e("1e1%"), RatioError::Malformed { .. }));
        assert!(matches!(e("1E-2%"), RatioError::Malformed { .. }));
        assert!(matches!(e("+3%"), RatioError::Malformed { .. }));
        assert!(matches!(e(".5%"), RatioError::Malformed { .. }));
        assert!(matches!(e("5.%"), RatioError::Malformed { .. }));
        assert!(matches!(e("%"), RatioError::Malformed { .. }));
        assert!(matches!(e("3 %"), RatioError::Malformed { .. }));
        assert!(matches!(e("3%%"), RatioError::Malformed { .. }));
        assert!(matches!(e("%3"), RatioError::Malformed { .. }));
        assert!(matches!(e("1,5%"), RatioError::Malformed { .. }));
        assert!(matches!(e("３%"), RatioError::Malformed { .. }));
        assert!(matches!(e("NaN%"), RatioError::Malformed { .. }));
        assert!(matches!(e("abc"), RatioError::Malformed { .. }));
        assert!(matches!(e("1.2.3%"), RatioError::Malformed { .. }));
        assert!(matches!(
            BasisPoints::new(10_001),
            Err(RatioError::OutOfRange { value: 10_001 })
        ));
    }

    #[test]
    fn display_is_canonical() {
        for (v, s) in [
            (300, "3%"),
            (1250, "12.5%"),
            (225, "2.25%"),
            (0, "0%"),
            (10_000, "100%"),
            (1, "0.01%"),
            (10, "0.1%"),
            (105, "1.05%"),
        ] {
            assert_eq!(BasisPoints::new(v).unwrap().to_string(), s);
        }
    }

    #[test]
    fn serde_uses_percent_text() {
        let x = BasisPoints::new(1250).unwrap();
        assert_eq!(serde_json::to_string(&x).unwrap(), "\"12.5%\"");
        let y: BasisPoints = serde_json::from_str("\"12.5%\"").unwrap();
        assert_eq!(x, y);
        assert!(serde_json::from_str::<BasisPoints>("\"0.125\"").is_err());
        for bare in ["0.025", "3", "-1"] {
            let err = serde_json::from_str::<BasisPoints>(bare)
                .unwrap_err()
                .to_string();
            assert!(err.contains("bare number") && err.contains("2.5%"), "{err}");
        }
    }

    proptest! {
        #[test]
        fn round_trip(v in 0u32..=10_000) {
            let x = BasisPoints::new(v).unwrap();
            prop_assert_eq!(BasisPoints::parse_percent(&x.to_string()).unwrap(), x);
        }

        #[test]
        fn never_panics(s in "\\PC{0,12}") {
            let _ = BasisPoints::parse_percent(&s);
        }

        #[test]
        fn two_decimals_exact(int in 0u32..=99, frac in 0u32..=99) {
            let s = format!("{int}.{frac:02}%");
            prop_assert_eq!(bp(&s), int * 100 + frac);
        }
    }
}
