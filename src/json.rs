//! Helpers for the published JSON forms.
//!
//! Integers that may exceed 2^53 (every `u64` of the format) are written as
//! decimal strings, since many JSON readers hold numbers as doubles. Only the
//! canonical form is accepted: ASCII digits, no sign, no leading zero (but
//! `"0"` itself), no whitespace, no more than `u64::MAX`.

/// Serde adapter: a `u64` as a canonical decimal string.
pub mod u64_string {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the decimal string.
    pub fn serialize<S: Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    /// Reads a canonical decimal string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format_args!(
                "{s:?} is not a canonical decimal string of an unsigned 64-bit integer"
            ))
        })
    }

    /// Parses a canonical decimal string.
    pub fn parse(s: &str) -> Option<u64> {
        let b = s.as_bytes();
        if b.is_empty() || !b.iter().all(u8::is_ascii_digit) || (b.len() > 1 && b[0] == b'0') {
            return None;
        }
        s.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::u64_string::parse;

    #[test]
    fn canonical_decimal_only() {
        assert_eq!(parse("0"), Some(0));
        assert_eq!(parse("18446744073709551615"), Some(u64::MAX));
        for bad in [
            "",
            "00",
            "01",
            "+1",
            "-1",
            " 1",
            "1 ",
            "1e3",
            "18446744073709551616",
            "１",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
