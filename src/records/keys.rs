//! Issuer keys: Ed25519 signing and verifying keys with the issuer's name,
//! their key ids, and their text file formats.
//!
//! The library never touches files, the clock or the operating system's
//! randomness: key generation takes the caller's CSPRNG
//! ([`IssuerKey::generate`]) or a 32-byte secret seed
//! ([`IssuerKey::from_secret_bytes`]), and the text formats are parsed from
//! and written to strings. See `docs/spec/envelope.md` for the formats.
//!
//! # Key id
//!
//! `key_id = lowercase_hex(SHA-256("double-random/keyid/v1" || public_key))`
//! where `public_key` is the 32-byte Ed25519 public key. The key id is 64
//! hex characters; the fingerprint is its first 16.
//!
//! # Secret handling
//!
//! The secret seed lives inside an `ed25519_dalek::SigningKey`, which is
//! zeroized when dropped. `Debug` output and every error type leave the
//! secret out. Values *returned* to the caller ([`IssuerKey::to_secret_bytes`],
//! [`IssuerKey::to_secret_text`]) are the caller's to wipe.

use std::fmt;

use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::base64::{self, Base64Error};
use crate::hex;

/// Domain-separation prefix of the key id hash.
pub const KEY_ID_DOMAIN: &[u8] = b"double-random/keyid/v1";

/// First line of a public key file.
pub const PUBLIC_KEY_HEADER: &str = "double-random-public-key-v1";

/// First line of a secret key file.
pub const SECRET_KEY_HEADER: &str = "double-random-secret-key-v1";

/// Longest issuer name accepted, in UTF-8 bytes.
pub const MAX_ISSUER_LEN: usize = 256;

/// Length of a key id in hex characters.
pub const KEY_ID_HEX_LEN: usize = 64;

/// Length of a key fingerprint in hex characters.
pub const FINGERPRINT_HEX_LEN: usize = 16;

/// Why an issuer name is not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IssuerNameError {
    /// The name is empty.
    Empty,
    /// The name is longer than [`MAX_ISSUER_LEN`] bytes.
    TooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// The name begins or ends with whitespace.
    SurroundingWhitespace,
    /// The name contains a control character (such as a line break).
    ControlCharacter {
        /// The character's byte offset in the name.
        offset: usize,
    },
}

impl fmt::Display for IssuerNameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IssuerNameError::Empty => f.write_str("issuer name is empty"),
            IssuerNameError::TooLong { len } => write!(
                f,
                "issuer name is {len} bytes long, more than {MAX_ISSUER_LEN}"
            ),
            IssuerNameError::SurroundingWhitespace => {
                f.write_str("issuer name begins or ends with whitespace")
            }
            IssuerNameError::ControlCharacter { offset } => {
                write!(f, "issuer name has a control character at byte {offset}")
            }
        }
    }
}

impl std::error::Error for IssuerNameError {}

/// Checks an issuer name: 1 to [`MAX_ISSUER_LEN`] bytes of UTF-8, no control
/// characters, no leading or trailing whitespace. Names are compared byte
/// for byte; no Unicode normalization is applied.
pub fn check_issuer_name(name: &str) -> Result<(), IssuerNameError> {
    if name.is_empty() {
        return Err(IssuerNameError::Empty);
    }
    if name.len() > MAX_ISSUER_LEN {
        return Err(IssuerNameError::TooLong { len: name.len() });
    }
    if let Some((offset, _)) = name.char_indices().find(|(_, c)| c.is_control()) {
        return Err(IssuerNameError::ControlCharacter { offset });
    }
    if name.starts_with(char::is_whitespace) || name.ends_with(char::is_whitespace) {
        return Err(IssuerNameError::SurroundingWhitespace);
    }
    Ok(())
}

/// Why a public key is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PublicKeyError {
    /// The 32 bytes are not the encoding of a point on the curve.
    #[error("not a valid Ed25519 point encoding")]
    NotAPoint,
    /// The point is valid but not in its canonical encoding (for example a
    /// y coordinate of p or more); another 32-byte string names the same key,
    /// which would give one key two key ids.
    #[error("non-canonical Ed25519 point encoding")]
    NonCanonical,
    /// The point has small order (a "weak key"): signatures under it can
    /// verify for many messages.
    #[error("weak Ed25519 public key (small-order point)")]
    Weak,
}

impl PublicKeyError {
    /// A stable kebab-case name for the kind of error, as used in the test
    /// vectors (for example `"weak-key"`).
    pub fn kind(&self) -> &'static str {
        match self {
            PublicKeyError::NotAPoint => "not-a-point",
            PublicKeyError::NonCanonical => "non-canonical-key",
            PublicKeyError::Weak => "weak-key",
        }
    }
}

/// An Ed25519 signature did not verify under
/// [`IssuerPublicKey::verify_message`] (strict verification). Deliberately
/// carries no detail: every failure means the same to a verifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("Ed25519 signature does not verify (strict verification)")]
pub struct SignatureError {
    _private: (),
}

/// Why a key file is refused. Never carries secret material.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyFileError {
    /// The first line is not the expected header.
    #[error("line 1: expected the header {expected:?}")]
    Header {
        /// The header this parser expects.
        expected: &'static str,
    },
    /// A line is missing or does not start with the expected label.
    #[error("line {line}: expected a line starting with {expected:?}")]
    Line {
        /// 1-based line number.
        line: usize,
        /// The expected label, such as `"issuer: "`.
        expected: &'static str,
    },
    /// A carriage return: lines end with LF only.
    #[error("line {line}: carriage return (lines must end with LF only)")]
    CarriageReturn {
        /// 1-based line number.
        line: usize,
    },
    /// The last line is not terminated by LF, or text follows the last line.
    #[error("the file must end with exactly one LF after the last line")]
    Trailing,
    /// The issuer name is not accepted.
    #[error("line 2: {0}")]
    Issuer(#[source] IssuerNameError),
    /// The public key is not canonical base64.
    #[error("line 3: public key: {0}")]
    PublicKeyBase64(#[source] Base64Error),
    /// The secret key is not canonical base64 (no detail given, so that no
    /// secret character ends up in a log).
    #[error("line 3: secret key is not canonical base64")]
    SecretKeyBase64,
    /// The key is not 32 bytes long.
    #[error("line 3: key is {len} bytes long, expected 32")]
    KeyLength {
        /// Decoded length in bytes.
        len: usize,
    },
    /// The public key is refused.
    #[error("line 3: {0}")]
    PublicKey(#[source] PublicKeyError),
    /// The `key-id:` line does not match the key id derived from the key.
    #[error("line 4: key id {stated} does not match the key (derived {derived})")]
    KeyIdMismatch {
        /// The key id written in the file.
        stated: String,
        /// The key id derived from the key.
        derived: String,
    },
}

fn key_id_of(public: &[u8; 32]) -> String {
    let mut h = Sha256::new();
    h.update(KEY_ID_DOMAIN);
    h.update(public);
    hex::encode(&h.finalize())
}

/// Validates 32 bytes as a public key we accept.
fn checked_verifying_key(bytes: &[u8; 32]) -> Result<VerifyingKey, PublicKeyError> {
    let key = VerifyingKey::from_bytes(bytes).map_err(|_| PublicKeyError::NotAPoint)?;
    if key.to_edwards().compress().as_bytes() != bytes {
        return Err(PublicKeyError::NonCanonical);
    }
    if key.is_weak() {
        return Err(PublicKeyError::Weak);
    }
    Ok(key)
}

/// An issuer's public (verifying) key with the issuer's name.
///
/// Always a canonically encoded point of large order: weak and non-canonical
/// keys cannot be constructed.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuerPublicKey {
    issuer: String,
    key: VerifyingKey,
    key_id: String,
}

impl IssuerPublicKey {
    /// Builds a public key from its 32-byte encoding, refusing invalid,
    /// non-canonical and weak (small-order) keys.
    pub fn from_bytes(issuer: &str, bytes: &[u8; 32]) -> Result<Self, KeyFileError> {
        check_issuer_name(issuer).map_err(KeyFileError::Issuer)?;
        let key = checked_verifying_key(bytes).map_err(KeyFileError::PublicKey)?;
        Ok(Self::new_unchecked_name(issuer.to_owned(), key))
    }

    fn new_unchecked_name(issuer: String, key: VerifyingKey) -> Self {
        let key_id = key_id_of(key.as_bytes());
        IssuerPublicKey {
            issuer,
            key,
            key_id,
        }
    }

    /// The issuer's name.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The 32-byte Ed25519 public key.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// The key id: 64 lowercase hex characters.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The first 16 hex characters of the key id, for people to compare.
    pub fn fingerprint(&self) -> &str {
        &self.key_id[..FINGERPRINT_HEX_LEN]
    }

    /// Verifies an Ed25519 signature over raw `message` bytes under this key.
    ///
    /// This is exactly the check [`crate::verify`] applies to the
    /// [`crate::records::envelope::pae`] bytes of an envelope (it calls this function): RFC 8032
    /// Ed25519 with ed25519-dalek's `verify_strict`, which refuses
    ///
    /// - a non-canonical `S` (`S ≥ L`),
    /// - an `R` that does not decode to a point, or decodes to a point of
    ///   small order,
    /// - a public key of small order (never the case here: such keys cannot
    ///   be constructed),
    ///
    /// and otherwise accepts if and only if the cofactorless equation holds,
    /// checked as `encode([S]B − [k]A) = R` byte for byte with
    /// `k = SHA-512(R ‖ A ‖ message) mod L` (so a non-canonical encoding of
    /// `R` never verifies). Points with both a small-order and a prime-order
    /// component are not refused as such.
    ///
    /// Use it only where a signature over raw bytes is wanted (such as the
    /// Ed25519 edge-case vectors); receipts are verified with
    /// [`crate::verify`].
    pub fn verify_message(
        &self,
        message: &[u8],
        signature: &[u8; 64],
    ) -> Result<(), SignatureError> {
        let signature = ed25519_dalek::Signature::from_bytes(signature);
        self.key
            .verify_strict(message, &signature)
            .map_err(|_| SignatureError { _private: () })
    }

    /// The public key file text:
    ///
    /// ```text
    /// double-random-public-key-v1
    /// issuer: <issuer name>
    /// key: <standard base64 of the 32-byte public key>
    /// key-id: <64 lowercase hex>
    /// ```
    ///
    /// Each line ends with LF.
    pub fn to_text(&self) -> String {
        format!(
            "{PUBLIC_KEY_HEADER}\nissuer: {}\nkey: {}\nkey-id: {}\n",
            self.issuer,
            base64::encode(self.key.as_bytes()),
            self.key_id
        )
    }

    /// Parses the public key file text written by [`to_text`](Self::to_text),
    /// strictly: exact header and labels, LF line ends, canonical base64, a
    /// valid non-weak canonical key, and a `key-id` equal to the derived one.
    pub fn from_text(text: &str) -> Result<Self, KeyFileError> {
        let fields = parse_key_text(text, PUBLIC_KEY_HEADER, "key: ")?;
        let bytes = base64::decode(fields.key).map_err(KeyFileError::PublicKeyBase64)?;
        let bytes: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| KeyFileError::KeyLength { len: bytes.len() })?;
        let public = IssuerPublicKey::from_bytes(fields.issuer, &bytes)?;
        check_key_id(fields.key_id, public.key_id())?;
        Ok(public)
    }
}

impl fmt::Debug for IssuerPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuerPublicKey")
            .field("issuer", &self.issuer)
            .field("key_id", &self.key_id)
            .finish()
    }
}

/// An issuer's secret (signing) key with the issuer's name.
///
/// The secret is zeroized when the value is dropped; `Debug` redacts it.
#[derive(Clone)]
pub struct IssuerKey {
    issuer: String,
    key: SigningKey,
    public: IssuerPublicKey,
}

impl IssuerKey {
    /// Generates a new key from the caller's cryptographically secure RNG.
    pub fn generate<R: rand_core::CryptoRng + ?Sized>(
        issuer: &str,
        rng: &mut R,
    ) -> Result<Self, IssuerNameError> {
        check_issuer_name(issuer)?;
        Ok(Self::from_signing_key(issuer, SigningKey::generate(rng)))
    }

    /// Builds a key from a 32-byte secret seed (RFC 8032 private key).
    ///
    /// The caller should wipe `secret` after use.
    pub fn from_secret_bytes(issuer: &str, secret: &[u8; 32]) -> Result<Self, IssuerNameError> {
        check_issuer_name(issuer)?;
        Ok(Self::from_signing_key(
            issuer,
            SigningKey::from_bytes(secret),
        ))
    }

    fn from_signing_key(issuer: &str, key: SigningKey) -> Self {
        // An honestly derived public key is always a canonical point of
        // large order, so it needs no checks.
        let public = IssuerPublicKey::new_unchecked_name(issuer.to_owned(), key.verifying_key());
        IssuerKey {
            issuer: issuer.to_owned(),
            key,
            public,
        }
    }

    /// The issuer's name.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// A copy of the 32-byte secret seed. The caller must wipe it.
    pub fn to_secret_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// The matching public key.
    pub fn public_key(&self) -> &IssuerPublicKey {
        &self.public
    }

    /// The key id of the public key: 64 lowercase hex characters.
    pub fn key_id(&self) -> &str {
        self.public.key_id()
    }

    /// The first 16 hex characters of the key id.
    pub fn fingerprint(&self) -> &str {
        self.public.fingerprint()
    }

    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    /// The secret key file text:
    ///
    /// ```text
    /// double-random-secret-key-v1
    /// issuer: <issuer name>
    /// secret: <standard base64 of the 32-byte secret seed>
    /// key-id: <64 lowercase hex key id of the public key>
    /// ```
    ///
    /// Each line ends with LF. The returned string holds the secret; the
    /// caller must protect and wipe it.
    pub fn to_secret_text(&self) -> String {
        let mut seed = self.key.to_bytes();
        let text = format!(
            "{SECRET_KEY_HEADER}\nissuer: {}\nsecret: {}\nkey-id: {}\n",
            self.issuer,
            base64::encode(&seed),
            self.public.key_id
        );
        wipe(&mut seed);
        text
    }

    /// Parses the secret key file text written by
    /// [`to_secret_text`](Self::to_secret_text), strictly, and checks that
    /// its `key-id` line matches the key. Errors never contain secret bytes.
    pub fn from_secret_text(text: &str) -> Result<Self, KeyFileError> {
        let fields = parse_key_text(text, SECRET_KEY_HEADER, "secret: ")?;
        check_issuer_name(fields.issuer).map_err(KeyFileError::Issuer)?;
        let mut bytes = base64::decode(fields.key).map_err(|_| KeyFileError::SecretKeyBase64)?;
        let len = bytes.len();
        let result = <[u8; 32]>::try_from(bytes.as_slice());
        wipe(&mut bytes);
        let mut seed = result.map_err(|_| KeyFileError::KeyLength { len })?;
        let key = Self::from_signing_key(fields.issuer, SigningKey::from_bytes(&seed));
        wipe(&mut seed);
        check_key_id(fields.key_id, key.key_id())?;
        Ok(key)
    }
}

impl fmt::Debug for IssuerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuerKey")
            .field("issuer", &self.issuer)
            .field("key_id", &self.public.key_id)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// Best-effort overwrite of a temporary copy of secret bytes. (The crate
/// forbids `unsafe` and has no `zeroize` dependency, so this is not a
/// guaranteed volatile wipe; the long-lived copy inside `SigningKey` is.)
fn wipe(buf: &mut [u8]) {
    buf.fill(0);
    std::hint::black_box(buf);
}

struct KeyFields<'a> {
    issuer: &'a str,
    key: &'a str,
    key_id: &'a str,
}

fn parse_key_text<'a>(
    text: &'a str,
    header: &'static str,
    key_label: &'static str,
) -> Result<KeyFields<'a>, KeyFileError> {
    let Some(body) = text.strip_suffix('\n') else {
        return Err(KeyFileError::Trailing);
    };
    let mut lines = body.split('\n');
    let mut next = |line: usize, label: &'static str| -> Result<&'a str, KeyFileError> {
        let value = lines.next().ok_or(KeyFileError::Line {
            line,
            expected: label,
        })?;
        if value.contains('\r') {
            return Err(KeyFileError::CarriageReturn { line });
        }
        Ok(value)
    };
    if next(1, header)? != header {
        return Err(KeyFileError::Header { expected: header });
    }
    let labelled = |line: usize, value: &'a str, label: &'static str| {
        value.strip_prefix(label).ok_or(KeyFileError::Line {
            line,
            expected: label,
        })
    };
    let issuer = labelled(2, next(2, "issuer: ")?, "issuer: ")?;
    let key = labelled(3, next(3, key_label)?, key_label)?;
    let key_id = labelled(4, next(4, "key-id: ")?, "key-id: ")?;
    if lines.next().is_some() {
        return Err(KeyFileError::Trailing);
    }
    Ok(KeyFields {
        issuer,
        key,
        key_id,
    })
}

fn check_key_id(stated: &str, derived: &str) -> Result<(), KeyFileError> {
    if stated == derived {
        Ok(())
    } else {
        Err(KeyFileError::KeyIdMismatch {
            stated: stated.to_owned(),
            derived: derived.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// TEST ONLY secret seed 0x01..=0x20.
    fn test_seed() -> [u8; 32] {
        core::array::from_fn(|i| i as u8 + 1)
    }

    const ISSUER: &str = "阳城县水务局";

    /// A deterministic stand-in for a CSPRNG, for tests only.
    struct CountingRng(u8);
    impl rand_core::TryRng for CountingRng {
        type Error = core::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            let mut b = [0u8; 4];
            self.try_fill_bytes(&mut b)?;
            Ok(u32::from_le_bytes(b))
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            let mut b = [0u8; 8];
            self.try_fill_bytes(&mut b)?;
            Ok(u64::from_le_bytes(b))
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            for b in dst {
                self.0 = self.0.wrapping_add(1);
                *b = self.0;
            }
            Ok(())
        }
    }
    impl rand_core::TryCryptoRng for CountingRng {}

    #[test]
    fn generate_uses_the_callers_rng() {
        let key = IssuerKey::generate(ISSUER, &mut CountingRng(0)).unwrap();
        // The counting RNG yields 0x01..=0x20, the test seed.
        assert_eq!(key.to_secret_bytes(), test_seed());
        assert_eq!(
            IssuerKey::generate("", &mut CountingRng(0)).unwrap_err(),
            IssuerNameError::Empty
        );
    }

    #[test]
    fn key_id_derivation() {
        let key = IssuerKey::from_secret_bytes(ISSUER, &test_seed()).unwrap();
        let public = key.public_key().to_bytes();
        let mut h = Sha256::new();
        h.update(b"double-random/keyid/v1");
        h.update(public);
        assert_eq!(key.key_id(), hex::encode(&h.finalize()));
        assert_eq!(key.key_id().len(), KEY_ID_HEX_LEN);
        assert_eq!(key.fingerprint(), &key.key_id()[..16]);
        assert_eq!(key.public_key().fingerprint(), key.fingerprint());
    }

    #[test]
    fn secret_round_trip_and_redaction() {
        let key = IssuerKey::from_secret_bytes(ISSUER, &test_seed()).unwrap();
        let text = key.to_secret_text();
        assert!(text.starts_with("double-random-secret-key-v1\nissuer: 阳城县水务局\nsecret: "));
        let back = IssuerKey::from_secret_text(&text).unwrap();
        assert_eq!(back.to_secret_bytes(), test_seed());
        assert_eq!(back.issuer(), ISSUER);
        assert_eq!(back.public_key(), key.public_key());
        let debug = format!("{key:?}");
        assert!(debug.contains("<redacted>"));
        let secret_b64 = base64::encode(&test_seed());
        assert!(!debug.contains(&secret_b64));
        assert!(!debug.contains("[1, 2, 3"));
        assert!(!debug.contains("0102"));
    }

    #[test]
    fn public_round_trip() {
        let key = IssuerKey::from_secret_bytes(ISSUER, &test_seed()).unwrap();
        let text = key.public_key().to_text();
        let back = IssuerPublicKey::from_text(&text).unwrap();
        assert_eq!(&back, key.public_key());
        assert_eq!(back.issuer(), ISSUER);
        assert!(!format!("{back:?}").is_empty());
    }

    fn public_text() -> String {
        IssuerKey::from_secret_bytes(ISSUER, &test_seed())
            .unwrap()
            .public_key()
            .to_text()
    }

    #[test]
    fn public_text_rejections() {
        let good = public_text();
        let cases: Vec<(String, KeyFileError)> = vec![
            (good.trim_end().to_owned(), KeyFileError::Trailing),
            (format!("{good}\n"), KeyFileError::Trailing),
            (format!("{good}extra\n"), KeyFileError::Trailing),
            (
                good.replace("\n", "\r\n"),
                KeyFileError::CarriageReturn { line: 1 },
            ),
            (
                good.replace("public-key-v1", "public-key-v2"),
                KeyFileError::Header {
                    expected: PUBLIC_KEY_HEADER,
                },
            ),
            (
                good.replace("issuer: ", "issuer:"),
                KeyFileError::Line {
                    line: 2,
                    expected: "issuer: ",
                },
            ),
            (
                good.replace("key: ", "Key: "),
                KeyFileError::Line {
                    line: 3,
                    expected: "key: ",
                },
            ),
            (
                good.replace("\nkey-id: ", "\nkeyid: "),
                KeyFileError::Line {
                    line: 4,
                    expected: "key-id: ",
                },
            ),
            (
                format!("{PUBLIC_KEY_HEADER}\nissuer: x\n"),
                KeyFileError::Line {
                    line: 3,
                    expected: "key: ",
                },
            ),
            (
                good.replace("阳城县水务局", " 阳城县水务局"),
                KeyFileError::Issuer(IssuerNameError::SurroundingWhitespace),
            ),
            (
                good.replace("阳城县水务局", ""),
                KeyFileError::Issuer(IssuerNameError::Empty),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(
                IssuerPublicKey::from_text(&text).unwrap_err(),
                want,
                "{text:?}"
            );
        }
    }

    fn with_key(key_b64: &str) -> String {
        format!(
            "{PUBLIC_KEY_HEADER}\nissuer: x\nkey: {key_b64}\nkey-id: {}\n",
            "0".repeat(64)
        )
    }

    #[test]
    fn public_key_rejections() {
        // Identity point (small order), encoded 01 00 .. 00.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(
            IssuerPublicKey::from_text(&with_key(&base64::encode(&identity))).unwrap_err(),
            KeyFileError::PublicKey(PublicKeyError::Weak)
        );
        // y = p + 1 (non-canonical encoding of the identity's y = 1):
        // p = 2^255 - 19, so p + 1 = ee ff .. ff 7f little-endian.
        let mut non_canonical = [0xffu8; 32];
        non_canonical[0] = 0xee;
        non_canonical[31] = 0x7f;
        assert_eq!(
            IssuerPublicKey::from_bytes("x", &non_canonical).unwrap_err(),
            KeyFileError::PublicKey(PublicKeyError::NonCanonical)
        );
        // y = 2 is not on the curve.
        let mut not_point = [0u8; 32];
        not_point[0] = 2;
        assert_eq!(
            IssuerPublicKey::from_bytes("x", &not_point).unwrap_err(),
            KeyFileError::PublicKey(PublicKeyError::NotAPoint)
        );
        // Wrong length and bad base64.
        assert_eq!(
            IssuerPublicKey::from_text(&with_key("AAAA")).unwrap_err(),
            KeyFileError::KeyLength { len: 3 }
        );
        assert_eq!(
            IssuerPublicKey::from_text(&with_key("AAA")).unwrap_err(),
            KeyFileError::PublicKeyBase64(Base64Error::Length { len: 3 })
        );
        // A valid key with a wrong key id.
        let good = public_text();
        let kid = IssuerPublicKey::from_text(&good)
            .unwrap()
            .key_id()
            .to_owned();
        let bad = good.replace(&kid, &"0".repeat(64));
        assert!(matches!(
            IssuerPublicKey::from_text(&bad).unwrap_err(),
            KeyFileError::KeyIdMismatch { .. }
        ));
    }

    #[test]
    fn secret_text_rejections_carry_no_secret() {
        let key = IssuerKey::from_secret_bytes(ISSUER, &test_seed()).unwrap();
        let good = key.to_secret_text();
        let secret_b64 = base64::encode(&test_seed());
        // Corrupt one secret character into an invalid one.
        let corrupted = good.replacen(&secret_b64[..4], "!BAD", 1);
        let err = IssuerKey::from_secret_text(&corrupted).unwrap_err();
        assert_eq!(err, KeyFileError::SecretKeyBase64);
        assert!(!err.to_string().contains(&secret_b64[4..10]));
        assert!(!format!("{err:?}").contains(&secret_b64[4..10]));
        // Changing a valid secret character gives a key-id mismatch, which names
        // only public key ids.
        let flipped = good.replacen(&secret_b64[..1], "B", 1);
        let err = IssuerKey::from_secret_text(&flipped).unwrap_err();
        assert!(matches!(err, KeyFileError::KeyIdMismatch { .. }));
        assert!(!format!("{err:?}").contains(&secret_b64[1..10]));
        // A public key file is not a secret key file.
        assert_eq!(
            IssuerKey::from_secret_text(&key.public_key().to_text()).unwrap_err(),
            KeyFileError::Header {
                expected: SECRET_KEY_HEADER
            }
        );
        // Short secret.
        let short = good.replace(&secret_b64, "AAAA");
        assert_eq!(
            IssuerKey::from_secret_text(&short).unwrap_err(),
            KeyFileError::KeyLength { len: 3 }
        );
    }

    /// The canonical encodings of the eight small-order points (the list
    /// given in docs/spec/envelope.md); every one is refused as weak.
    pub(crate) const SMALL_ORDER: [&str; 8] = [
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    ];

    #[test]
    fn small_order_points_are_weak() {
        for h in SMALL_ORDER {
            let bytes: [u8; 32] = hex::decode(h).unwrap().try_into().unwrap();
            assert_eq!(
                IssuerPublicKey::from_bytes("x", &bytes).unwrap_err(),
                KeyFileError::PublicKey(PublicKeyError::Weak),
                "{h}"
            );
        }
        // x = 0 with the sign bit set is a non-canonical spelling of the
        // identity and of (0, -1).
        for h in [
            "0100000000000000000000000000000000000000000000000000000000000080",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        ] {
            let bytes: [u8; 32] = hex::decode(h).unwrap().try_into().unwrap();
            assert_eq!(
                IssuerPublicKey::from_bytes("x", &bytes).unwrap_err(),
                KeyFileError::PublicKey(PublicKeyError::NonCanonical),
                "{h}"
            );
        }
    }

    #[test]
    fn issuer_names() {
        assert_eq!(check_issuer_name(ISSUER), Ok(()));
        assert_eq!(check_issuer_name("A B"), Ok(()));
        assert_eq!(check_issuer_name(""), Err(IssuerNameError::Empty));
        assert_eq!(
            check_issuer_name("a\nb"),
            Err(IssuerNameError::ControlCharacter { offset: 1 })
        );
        assert_eq!(
            check_issuer_name("局\u{7f}"),
            Err(IssuerNameError::ControlCharacter { offset: 3 })
        );
        assert_eq!(
            check_issuer_name("a\u{3000}"),
            Err(IssuerNameError::SurroundingWhitespace)
        );
        assert_eq!(
            check_issuer_name(&"局".repeat(86)),
            Err(IssuerNameError::TooLong { len: 258 })
        );
        assert!(check_issuer_name(&"局".repeat(85)).is_ok());
        for e in [
            IssuerNameError::Empty,
            IssuerNameError::TooLong { len: 300 },
            IssuerNameError::SurroundingWhitespace,
            IssuerNameError::ControlCharacter { offset: 0 },
        ] {
            assert!(!e.to_string().is_empty());
        }
    }
}
