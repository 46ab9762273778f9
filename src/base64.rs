//! Strict standard base64 (RFC 4648 §4, alphabet `A-Z a-z 0-9 + /`, with
//! `=` padding).
//!
//! Decoding accepts exactly one spelling of each byte string, the one
//! [`encode`] produces: the length is a multiple of four, padding is present
//! and only at the end, no whitespace or line breaks, no URL-safe alphabet
//! (`-`, `_`), and the bits that the last character carries beyond the data
//! (the "pad bits" of RFC 4648 §3.5) are zero.

use std::fmt;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Why a string is not canonical standard base64.
///
/// Offsets count bytes from the start of the base64 text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Base64Error {
    /// The length is not a multiple of four (this includes missing padding).
    Length {
        /// The length of the text in bytes.
        len: usize,
    },
    /// A byte that is not in the standard alphabet (this includes whitespace
    /// and the URL-safe `-` and `_`).
    Character {
        /// Where the byte is.
        offset: usize,
        /// The offending byte.
        byte: u8,
    },
    /// Padding (`=`) before the last group, more than two `=`, or a data
    /// character after `=`.
    Padding {
        /// Where the misplaced `=` (or the character after it) is.
        offset: usize,
    },
    /// The last data character has non-zero bits beyond the encoded data
    /// (for example `QR==` instead of `QQ==`), so the text is not the
    /// canonical encoding of any byte string.
    TrailingBits {
        /// Where the last data character is.
        offset: usize,
    },
}

impl fmt::Display for Base64Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Base64Error::Length { len } => {
                write!(f, "length {len} is not a multiple of 4 (padding missing?)")
            }
            Base64Error::Character { offset, byte } => write!(
                f,
                "byte 0x{byte:02x} at offset {offset} is not in the standard base64 alphabet"
            ),
            Base64Error::Padding { offset } => write!(f, "misplaced padding at offset {offset}"),
            Base64Error::TrailingBits { offset } => write!(
                f,
                "non-zero trailing bits in the character at offset {offset} (non-canonical)"
            ),
        }
    }
}

impl std::error::Error for Base64Error {}

/// Encodes `data` as standard base64 with padding.
pub(crate) fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b0 = chunk[0];
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let n = (u32::from(b0) << 16) | (u32::from(b1) << 8) | u32::from(b2);
        out.push(char::from(ALPHABET[(n >> 18) as usize & 63]));
        out.push(char::from(ALPHABET[(n >> 12) as usize & 63]));
        if chunk.len() > 1 {
            out.push(char::from(ALPHABET[(n >> 6) as usize & 63]));
        } else {
            out.push('=');
        }
        if chunk.len() > 2 {
            out.push(char::from(ALPHABET[n as usize & 63]));
        } else {
            out.push('=');
        }
    }
    out
}

/// The 6-bit value of a standard-alphabet character.
fn value(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Decodes canonical standard base64; see the module documentation.
pub(crate) fn decode(text: &str) -> Result<Vec<u8>, Base64Error> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        // Report a bad character first if there is one: it is the more
        // useful message for, say, URL-safe text without padding.
        if let Some((offset, &byte)) = bytes
            .iter()
            .enumerate()
            .find(|&(_, &b)| b != b'=' && value(b).is_none())
        {
            return Err(Base64Error::Character { offset, byte });
        }
        return Err(Base64Error::Length { len: bytes.len() });
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let groups = bytes.len() / 4;
    for (g, group) in bytes.chunks_exact(4).enumerate() {
        let base = g * 4;
        let last = g + 1 == groups;
        // Number of data characters in this group (4, 3 or 2).
        let mut data_len = 4;
        let mut vals = [0u8; 4];
        for (i, &b) in group.iter().enumerate() {
            if b == b'=' {
                // '=' may only appear in the last group, at positions 2 or 3.
                if !last || i < 2 {
                    return Err(Base64Error::Padding { offset: base + i });
                }
                if data_len == 4 {
                    data_len = i;
                }
            } else {
                let v = value(b).ok_or(Base64Error::Character {
                    offset: base + i,
                    byte: b,
                })?;
                if data_len != 4 {
                    // A data character after '='.
                    return Err(Base64Error::Padding { offset: base + i });
                }
                vals[i] = v;
            }
        }
        let n = (u32::from(vals[0]) << 18)
            | (u32::from(vals[1]) << 12)
            | (u32::from(vals[2]) << 6)
            | u32::from(vals[3]);
        match data_len {
            4 => out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]),
            3 => {
                if n & 0xff != 0 {
                    return Err(Base64Error::TrailingBits { offset: base + 2 });
                }
                out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8]);
            }
            _ => {
                // data_len == 2: exactly "xx==".
                if n & 0xffff != 0 {
                    return Err(Base64Error::TrailingBits { offset: base + 1 });
                }
                out.push((n >> 16) as u8);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// RFC 4648 §10 test vectors.
    const RFC4648: &[(&str, &str)] = &[
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ];

    #[test]
    fn rfc4648_section_10_vectors() {
        for &(plain, b64) in RFC4648 {
            assert_eq!(encode(plain.as_bytes()), b64, "encode {plain:?}");
            assert_eq!(decode(b64).unwrap(), plain.as_bytes(), "decode {b64:?}");
        }
    }

    #[test]
    fn whole_alphabet_round_trips() {
        // 48 bytes whose encoding is the alphabet in order.
        let text = std::str::from_utf8(ALPHABET).unwrap();
        let bytes = decode(text).unwrap();
        assert_eq!(bytes.len(), 48);
        assert_eq!(encode(&bytes), text);
    }

    #[test]
    fn all_single_and_double_bytes_round_trip() {
        for a in 0..=255u8 {
            assert_eq!(decode(&encode(&[a])).unwrap(), [a]);
            for b in [0u8, 1, 0x7f, 0x80, 0xfe, 0xff] {
                assert_eq!(decode(&encode(&[a, b])).unwrap(), [a, b]);
            }
        }
    }

    #[test]
    fn rejects_missing_padding() {
        assert_eq!(decode("Zg"), Err(Base64Error::Length { len: 2 }));
        assert_eq!(decode("Zm8"), Err(Base64Error::Length { len: 3 }));
        assert_eq!(decode("Zg="), Err(Base64Error::Length { len: 3 }));
        assert_eq!(decode("Z"), Err(Base64Error::Length { len: 1 }));
        assert_eq!(decode("Zm9vY"), Err(Base64Error::Length { len: 5 }));
    }

    #[test]
    fn rejects_url_safe_alphabet() {
        // "+/8=" is 0xfb 0xff in the standard alphabet; "-_8=" is the URL-safe spelling.
        assert_eq!(decode("+/8=").unwrap(), [0xfb, 0xff]);
        assert_eq!(
            decode("-_8="),
            Err(Base64Error::Character {
                offset: 0,
                byte: b'-'
            })
        );
        assert_eq!(
            decode("A_8="),
            Err(Base64Error::Character {
                offset: 1,
                byte: b'_'
            })
        );
        // Unpadded URL-safe text reports the character, not the length.
        assert_eq!(
            decode("-_8"),
            Err(Base64Error::Character {
                offset: 0,
                byte: b'-'
            })
        );
    }

    #[test]
    fn rejects_whitespace_and_other_bytes() {
        for (text, offset, byte) in [
            ("Zm9v\nYmFy", 4, b'\n'),
            ("Zm9v YmE=", 4, b' '),
            (" Zm9", 0, b' '),
            ("Zm9\r", 3, b'\r'),
            ("Zm9\t", 3, b'\t'),
            ("Zm.v", 2, b'.'),
            ("Zm9v\0Zm9", 4, 0),
        ] {
            assert_eq!(
                decode(text),
                Err(Base64Error::Character { offset, byte }),
                "{text:?}"
            );
        }
        // A non-ASCII character: its first UTF-8 byte is reported.
        assert_eq!(
            decode("Zm9é"),
            Err(Base64Error::Character {
                offset: 3,
                byte: 0xc3
            })
        );
    }

    #[test]
    fn rejects_misplaced_padding() {
        assert_eq!(decode("===="), Err(Base64Error::Padding { offset: 0 }));
        assert_eq!(decode("Z==="), Err(Base64Error::Padding { offset: 1 }));
        assert_eq!(decode("Zg=a"), Err(Base64Error::Padding { offset: 3 }));
        assert_eq!(decode("Zg==Zm9v"), Err(Base64Error::Padding { offset: 2 }));
        assert_eq!(decode("Zm8=Zm9v"), Err(Base64Error::Padding { offset: 3 }));
        assert_eq!(decode("=Zm9"), Err(Base64Error::Padding { offset: 0 }));
    }

    #[test]
    fn rejects_non_zero_trailing_bits() {
        // "f" is "Zg=="; "Zh==" .. "Zv==" carry non-zero pad bits.
        for c in b"hijklmnopqrstuv" {
            let text = format!("Z{}==", char::from(*c));
            assert_eq!(
                decode(&text),
                Err(Base64Error::TrailingBits { offset: 1 }),
                "{text}"
            );
        }
        // "fo" is "Zm8="; "Zm9=" carries a non-zero pad bit.
        assert_eq!(decode("Zm9="), Err(Base64Error::TrailingBits { offset: 2 }));
        assert_eq!(
            decode("Zm9vZm9="),
            Err(Base64Error::TrailingBits { offset: 6 })
        );
    }

    #[test]
    fn exactly_one_spelling_per_final_group() {
        // Exhaustive over every two- and three-character final group: the
        // accepted ones are exactly the encodings of all 1- and 2-byte strings.
        let mut accepted_one = 0;
        for a in ALPHABET {
            for b in ALPHABET {
                let text = format!("{}{}==", char::from(*a), char::from(*b));
                if let Ok(bytes) = decode(&text) {
                    assert_eq!(encode(&bytes), text);
                    accepted_one += 1;
                }
            }
        }
        assert_eq!(accepted_one, 256);
        let mut accepted_two = 0;
        for a in ALPHABET {
            for b in ALPHABET {
                for c in ALPHABET {
                    let text = format!("{}{}{}=", char::from(*a), char::from(*b), char::from(*c));
                    if let Ok(bytes) = decode(&text) {
                        assert_eq!(encode(&bytes), text);
                        accepted_two += 1;
                    }
                }
            }
        }
        assert_eq!(accepted_two, 65536);
    }

    #[test]
    fn errors_display() {
        let e = decode("Zh==").unwrap_err();
        assert!(e.to_string().contains("non-canonical"));
        assert!(decode("Zg").unwrap_err().to_string().contains("padding"));
    }

    proptest! {
        #[test]
        fn round_trip(data in proptest::collection::vec(any::<u8>(), 0..200)) {
            let text = encode(&data);
            prop_assert_eq!(text.len() % 4, 0);
            prop_assert_eq!(decode(&text).unwrap(), data);
        }

        #[test]
        fn decode_is_injective_on_accepted_text(text in "[A-Za-z0-9+/=]{0,24}") {
            // Whatever decode accepts, encode gives back byte for byte.
            if let Ok(bytes) = decode(&text) {
                prop_assert_eq!(encode(&bytes), text);
            }
        }
    }
}
