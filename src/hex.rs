//! Lowercase hexadecimal, the only spelling the published formats use.

use std::fmt;

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Why a string is not lowercase hex.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HexError {
    /// Odd number of digits.
    OddLength { len: usize },
    /// A byte that is not `0-9` or `a-f` (uppercase is rejected).
    Character { offset: usize, byte: u8 },
    /// The wrong number of bytes for a fixed-size value.
    Length { expected: usize, actual: usize },
}

impl fmt::Display for HexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HexError::OddLength { len } => write!(f, "odd number of hex digits ({len})"),
            HexError::Character { offset, byte } => write!(
                f,
                "byte 0x{byte:02x} at offset {offset} is not a lowercase hex digit"
            ),
            HexError::Length { expected, actual } => write!(
                f,
                "expected {expected} bytes ({} hex digits), found {actual} bytes",
                expected * 2
            ),
        }
    }
}

/// Lowercase hex of `data`.
pub(crate) fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len() * 2);
    for &b in data {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

fn nibble(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        _ => None,
    }
}

/// Decodes lowercase hex; uppercase digits, whitespace and prefixes are errors.
pub(crate) fn decode(text: &str) -> Result<Vec<u8>, HexError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 2);
    for (i, pair) in bytes.chunks(2).enumerate() {
        let hi = nibble(pair[0]).ok_or(HexError::Character {
            offset: 2 * i,
            byte: pair[0],
        })?;
        let Some(&lo_byte) = pair.get(1) else {
            return Err(HexError::OddLength { len: bytes.len() });
        };
        let lo = nibble(lo_byte).ok_or(HexError::Character {
            offset: 2 * i + 1,
            byte: lo_byte,
        })?;
        out.push((hi << 4) | lo);
    }
    Ok(out)
}

/// Decodes exactly `N` bytes of lowercase hex.
pub(crate) fn decode_array<const N: usize>(text: &str) -> Result<[u8; N], HexError> {
    let v = decode(text)?;
    <[u8; N]>::try_from(v.as_slice()).map_err(|_| HexError::Length {
        expected: N,
        actual: v.len(),
    })
}

/// Serde adapter: a 32-byte hash as 64 lowercase hex digits.
pub(crate) mod hash {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes lowercase hex.
    pub(crate) fn serialize<S: Serializer>(h: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::encode(h))
    }

    /// Reads exactly 64 lowercase hex digits.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let t = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        super::decode_array(&t).map_err(serde::de::Error::custom)
    }
}

/// Serde adapter: bytes of any length as lowercase hex.
pub(crate) mod bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes lowercase hex.
    pub(crate) fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::encode(b))
    }

    /// Reads lowercase hex.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let t = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        super::decode(&t).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_all_bytes() {
        let all: Vec<u8> = (0..=255).collect();
        let text = encode(&all);
        assert_eq!(&text[..8], "00010203");
        assert_eq!(&text[text.len() - 4..], "feff");
        assert_eq!(decode(&text).unwrap(), all);
        assert_eq!(encode(&[]), "");
        assert_eq!(decode("").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn rejects() {
        assert_eq!(decode("abc"), Err(HexError::OddLength { len: 3 }));
        assert_eq!(
            decode("aB"),
            Err(HexError::Character {
                offset: 1,
                byte: b'B'
            })
        );
        assert_eq!(
            decode("0x00"),
            Err(HexError::Character {
                offset: 1,
                byte: b'x'
            })
        );
        assert_eq!(
            decode(" 0"),
            Err(HexError::Character {
                offset: 0,
                byte: b' '
            })
        );
        assert_eq!(
            decode("g0"),
            Err(HexError::Character {
                offset: 0,
                byte: b'g'
            })
        );
        assert!(decode("abc").unwrap_err().to_string().contains("odd"));
    }
}
