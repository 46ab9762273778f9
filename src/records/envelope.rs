//! Signed records as DSSE envelopes (Dead Simple Signing Envelope,
//! secure-systems-lab/dsse, protocol v1) with Ed25519 signatures.
//!
//! A record is an [`Envelope`]: an opaque payload, a payload type, and one
//! or more signatures over the pre-authentication encoding [`pae`] of the
//! two. Its identity is [`record_id`], the SHA-256 of that encoding, so it
//! does not change when signatures are added or the JSON is re-formatted.
//!
//! The JSON form is decoded strictly ([`Envelope::from_json`]) and
//! signatures are checked with Ed25519 strict verification ([`verify`]).
//! `docs/spec/envelope.md` specifies every rule for independent verifiers.
//!
//! This profile is deliberately narrower than DSSE: base64 is the standard
//! alphabet only (DSSE also allows URL-safe), `keyid` is required and is the
//! key id of [`crate::IssuerPublicKey::key_id`], and unknown or duplicate
//! JSON members are errors.
//!
//! ```
//! use double_random::{records::{IssuerKey, Envelope, sign, verify, record_id}};
//!
//! // TEST ONLY seed; real keys come from a CSPRNG.
//! let key = IssuerKey::from_secret_bytes("阳城县水务局", &[7u8; 32]).unwrap();
//! let envelope = sign("application/vnd.example+json", b"{}", &key);
//! let json = envelope.to_json();
//!
//! let received = Envelope::from_json(json.as_bytes()).unwrap();
//! let payload = verify(&received, "application/vnd.example+json", key.public_key()).unwrap();
//! assert_eq!(payload, b"{}");
//! assert_eq!(record_id(&received), record_id(&envelope));
//! ```

use std::fmt;

use ed25519_dalek::Signer as _;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use sha2::{Digest, Sha256};

use crate::base64::{self, Base64Error};
use crate::hex;
use crate::records::keys::{IssuerKey, IssuerPublicKey, KEY_ID_HEX_LEN};

/// Length of an Ed25519 signature in bytes.
pub const SIGNATURE_LEN: usize = 64;

/// The pre-authentication encoding of DSSE v1:
///
/// ```text
/// "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
/// ```
///
/// where `SP` is one ASCII space, `type` is the UTF-8 payload type and
/// `LEN(x)` is the byte length of `x` in ASCII decimal without leading
/// zeros. This is the exact byte string that is signed.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let type_len = payload_type.len().to_string();
    let body_len = payload.len().to_string();
    let mut out = Vec::with_capacity(
        6 + 4 + type_len.len() + payload_type.len() + body_len.len() + payload.len(),
    );
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(type_len.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(body_len.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

/// The identity of a record: SHA-256 of [`pae`]`(payloadType, payload)`.
///
/// Displayed (and serialized by callers) as 64 lowercase hex characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordId([u8; 32]);

impl RecordId {
    /// A record id from its 32 hash bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        RecordId(bytes)
    }

    /// The 32 hash bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Whether the lowercase hex of this id starts with `prefix` (either case).
    pub fn starts_with_hex(&self, prefix: &str) -> bool {
        self.to_string()
            .starts_with(&prefix.trim().to_ascii_lowercase())
    }
}

/// Why a text is not a record id.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a record id (64 lowercase hex digits): {reason}")]
pub struct RecordIdError {
    /// The text given.
    pub text: String,
    /// What is wrong.
    pub reason: String,
}

impl std::str::FromStr for RecordId {
    type Err = RecordIdError;

    /// Parses exactly 64 lowercase hex digits, the only spelling of the format.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        hex::decode_array::<32>(text)
            .map(RecordId)
            .map_err(|e| RecordIdError {
                text: text.chars().take(80).collect(),
                reason: e.to_string(),
            })
    }
}

impl serde::Serialize for RecordId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for RecordId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::hex::hash::deserialize(d).map(RecordId)
    }
}

impl AsRef<[u8]> for RecordId {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<[u8; 32]> for RecordId {
    fn from(bytes: [u8; 32]) -> Self {
        RecordId(bytes)
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(&self.0))
    }
}

impl fmt::Debug for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RecordId({self})")
    }
}

/// The record id of an envelope; see [`RecordId`]. It covers the payload
/// type and payload only, not the signatures.
pub fn record_id(envelope: &Envelope) -> RecordId {
    RecordId(Sha256::digest(pae(&envelope.payload_type, &envelope.payload)).into())
}

/// One signature in an envelope.
#[derive(Clone, PartialEq, Eq)]
pub struct Signature {
    keyid: String,
    sig: [u8; SIGNATURE_LEN],
}

impl Signature {
    /// The key id of the key that claims to have made the signature (64
    /// lowercase hex characters). It is a hint for choosing the key and is
    /// not itself authenticated.
    pub fn keyid(&self) -> &str {
        &self.keyid
    }

    /// The 64-byte Ed25519 signature `R || S`.
    pub fn sig(&self) -> &[u8; SIGNATURE_LEN] {
        &self.sig
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signature")
            .field("keyid", &self.keyid)
            .field("sig", &hex::encode(&self.sig))
            .finish()
    }
}

/// A DSSE envelope: a payload, its type, and one or more signatures.
///
/// An `Envelope` always has at least one signature, and every `keyid` is 64
/// lowercase hex characters; construct one with [`sign`] or
/// [`Envelope::from_json`]. Having an `Envelope` says nothing about whether
/// its signatures are valid: call [`verify`].
#[derive(Clone, PartialEq, Eq)]
pub struct Envelope {
    payload_type: String,
    payload: Vec<u8>,
    signatures: Vec<Signature>,
}

impl fmt::Debug for Envelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Envelope")
            .field("payload_type", &self.payload_type)
            .field("payload_len", &self.payload.len())
            .field("signatures", &self.signatures)
            .finish()
    }
}

/// Signs `payload` as `payload_type` with `key`: one signature over
/// [`pae`]`(payload_type, payload)`, labelled with the key's key id.
pub fn sign(payload_type: &str, payload: &[u8], key: &IssuerKey) -> Envelope {
    let mut envelope = Envelope {
        payload_type: payload_type.to_owned(),
        payload: payload.to_vec(),
        signatures: Vec::with_capacity(1),
    };
    envelope.add_signature(key);
    envelope
}

impl Envelope {
    /// The payload type as written in the envelope (not yet checked).
    pub fn payload_type(&self) -> &str {
        &self.payload_type
    }

    /// The payload bytes (not yet verified; use [`verify`] to get them
    /// authenticated).
    pub fn unverified_payload(&self) -> &[u8] {
        &self.payload
    }

    /// The signatures, in envelope order.
    pub fn signatures(&self) -> &[Signature] {
        &self.signatures
    }

    /// The record id; see [`record_id`].
    pub fn record_id(&self) -> RecordId {
        record_id(self)
    }

    /// Appends a signature by `key` over the same PAE bytes (for example an
    /// approver's counter-signature). The record id does not change.
    pub fn add_signature(&mut self, key: &IssuerKey) {
        let sig = key
            .signing_key()
            .sign(&pae(&self.payload_type, &self.payload));
        self.signatures.push(Signature {
            keyid: key.key_id().to_owned(),
            sig: sig.to_bytes(),
        });
    }

    /// The compact JSON form, members in this order and no whitespace:
    ///
    /// ```text
    /// {"payload":"<b64>","payloadType":"<type>","signatures":[{"keyid":"<hex>","sig":"<b64>"}]}
    /// ```
    ///
    /// In `payloadType`, `"` and `\` are escaped as `\"` and `\\`, control
    /// characters below U+0020 as `\b \t \n \f \r` or `\u00xx` (lowercase
    /// hex), and everything else is written as UTF-8.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(64 + self.payload.len() * 4 / 3 + 120);
        out.push_str("{\"payload\":\"");
        out.push_str(&base64::encode(&self.payload));
        out.push_str("\",\"payloadType\":");
        push_json_string(&mut out, &self.payload_type);
        out.push_str(",\"signatures\":[");
        for (i, s) in self.signatures.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"keyid\":\"");
            out.push_str(&s.keyid);
            out.push_str("\",\"sig\":\"");
            out.push_str(&base64::encode(&s.sig));
            out.push_str("\"}");
        }
        out.push_str("]}");
        out
    }

    /// Decodes the JSON form strictly.
    ///
    /// Accepts any JSON whitespace between tokens and any valid JSON string
    /// escapes (the record id does not depend on the JSON spelling), but
    /// rejects: invalid JSON or UTF-8, a top level that is not one object,
    /// anything but whitespace after it, unknown members, duplicate members,
    /// missing members, members of the wrong JSON type, non-canonical base64,
    /// a `keyid` that is not 64 lowercase hex characters, a signature that is
    /// not 64 bytes, and an empty `signatures` array.
    pub fn from_json(json: &[u8]) -> Result<Envelope, EnvelopeDecodeError> {
        let mut de = serde_json::Deserializer::from_slice(json);
        let raw = EnvelopeSeed
            .deserialize(&mut de)
            .map_err(EnvelopeDecodeError::from_json)??;
        de.end().map_err(|e| EnvelopeDecodeError::TrailingData {
            line: e.line(),
            column: e.column(),
        })?;
        raw.check()
    }
}

fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{0c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if u32::from(c) < 0x20 => {
                out.push_str("\\u00");
                out.push_str(&hex::encode(&[c as u8]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Where in the envelope JSON a decoding problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonLocation {
    /// The top-level envelope object.
    Envelope,
    /// The signature object at this 0-based index of `signatures`.
    Signature {
        /// Index in the `signatures` array.
        index: usize,
    },
}

impl fmt::Display for JsonLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonLocation::Envelope => f.write_str("envelope"),
            JsonLocation::Signature { index } => write!(f, "signatures[{index}]"),
        }
    }
}

/// Why envelope JSON was refused by [`Envelope::from_json`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeDecodeError {
    /// Not JSON, not UTF-8, not an object where one is required, or a member
    /// of the wrong JSON type.
    #[error("invalid envelope JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line (0 if unknown).
        line: usize,
        /// 1-based column (0 if unknown).
        column: usize,
        /// The JSON parser's description.
        message: String,
    },
    /// Something other than whitespace follows the envelope object.
    #[error("trailing data after the envelope at line {line}, column {column}")]
    TrailingData {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A member that the format does not define.
    #[error("{location}: unknown member {field:?}")]
    UnknownField {
        /// The object it is in.
        location: JsonLocation,
        /// Its name.
        field: String,
    },
    /// A member that appears more than once.
    #[error("{location}: duplicate member {field:?}")]
    DuplicateField {
        /// The object it is in.
        location: JsonLocation,
        /// Its name.
        field: &'static str,
    },
    /// A required member is absent.
    #[error("{location}: missing member {field:?}")]
    MissingField {
        /// The object it should be in.
        location: JsonLocation,
        /// Its name.
        field: &'static str,
    },
    /// A base64 member is not canonical standard base64.
    #[error("{location}: member {field:?} is not canonical base64: {source}")]
    Base64 {
        /// The object it is in.
        location: JsonLocation,
        /// `"payload"` or `"sig"`.
        field: &'static str,
        /// What is wrong with it.
        source: Base64Error,
    },
    /// A `keyid` that is not 64 lowercase hex characters.
    #[error("signatures[{index}]: keyid is not {KEY_ID_HEX_LEN} lowercase hex characters")]
    KeyIdFormat {
        /// Index in the `signatures` array.
        index: usize,
    },
    /// A signature that does not decode to 64 bytes.
    #[error("signatures[{index}]: signature is {len} bytes, expected {SIGNATURE_LEN}")]
    SignatureLength {
        /// Index in the `signatures` array.
        index: usize,
        /// Decoded length.
        len: usize,
    },
    /// The `signatures` array is empty.
    #[error("the envelope has no signatures")]
    NoSignatures,
}

impl EnvelopeDecodeError {
    /// A stable kebab-case name for the kind of error, as used in the test
    /// vectors (for example `"unknown-field"`).
    pub fn kind(&self) -> &'static str {
        match self {
            EnvelopeDecodeError::Json { .. } => "json",
            EnvelopeDecodeError::TrailingData { .. } => "trailing-data",
            EnvelopeDecodeError::UnknownField { .. } => "unknown-field",
            EnvelopeDecodeError::DuplicateField { .. } => "duplicate-field",
            EnvelopeDecodeError::MissingField { .. } => "missing-field",
            EnvelopeDecodeError::Base64 { .. } => "base64",
            EnvelopeDecodeError::KeyIdFormat { .. } => "keyid-format",
            EnvelopeDecodeError::SignatureLength { .. } => "signature-length",
            EnvelopeDecodeError::NoSignatures => "no-signatures",
        }
    }

    fn from_json(e: serde_json::Error) -> Self {
        EnvelopeDecodeError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        }
    }
}

/// Why [`verify`] or [`verify_any_of`] refused an envelope.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// The envelope's payload type is not the one the caller expects.
    #[error("payload type is {found:?}, expected {expected:?}")]
    PayloadTypeMismatch {
        /// The type the caller expects.
        expected: String,
        /// The type in the envelope.
        found: String,
    },
    /// No signature carries the key id of the verifying key.
    #[error("no signature by key {key_id}")]
    NoSignatureForKey {
        /// The verifying key's key id.
        key_id: String,
    },
    /// More than one signature carries the key id of the verifying key.
    #[error("more than one signature claims key {key_id}")]
    DuplicateKeyId {
        /// The verifying key's key id.
        key_id: String,
    },
    /// The signature that claims the key does not verify (strictly) over
    /// the PAE bytes.
    #[error("the signature by key {key_id} does not verify")]
    BadSignature {
        /// The verifying key's key id.
        key_id: String,
    },
    /// [`verify_any_of`] was given no keys.
    #[error("no verifying keys were given")]
    NoKeys,
}

impl EnvelopeError {
    /// A stable kebab-case name for the kind of error, as used in the test
    /// vectors (for example `"bad-signature"`).
    pub fn kind(&self) -> &'static str {
        match self {
            EnvelopeError::PayloadTypeMismatch { .. } => "payload-type-mismatch",
            EnvelopeError::NoSignatureForKey { .. } => "no-signature-for-key",
            EnvelopeError::DuplicateKeyId { .. } => "duplicate-keyid",
            EnvelopeError::BadSignature { .. } => "bad-signature",
            EnvelopeError::NoKeys => "no-keys",
        }
    }

    /// The error in Chinese, for the verifier's findings.
    pub(crate) fn message_zh(&self) -> String {
        match self {
            EnvelopeError::PayloadTypeMismatch { expected, found } => {
                format!("载荷类型为 {found:?}，应为 {expected:?}")
            }
            EnvelopeError::NoSignatureForKey { key_id } => {
                format!("没有密钥编号为 {key_id} 的签名")
            }
            EnvelopeError::DuplicateKeyId { key_id } => {
                format!("有不止一个签名声称使用密钥编号 {key_id}")
            }
            EnvelopeError::BadSignature { key_id } => {
                format!("密钥编号为 {key_id} 的签名核验不通过")
            }
            EnvelopeError::NoKeys => "未提供用于核验的公钥".into(),
        }
    }
}

/// Verifies `envelope` against one trusted key and returns the payload.
///
/// Checks, in order:
/// 1. the payload type equals `expected_payload_type` byte for byte;
/// 2. exactly one signature has `keyid` equal to `key.key_id()`;
/// 3. that signature verifies under Ed25519 strict verification
///    (`verify_strict`: canonical `S < L`, `R` and the key not of small
///    order) over [`pae`]`(payloadType, payload)`.
///
/// Other signatures in the envelope are ignored.
pub fn verify<'e>(
    envelope: &'e Envelope,
    expected_payload_type: &str,
    key: &IssuerPublicKey,
) -> Result<&'e [u8], EnvelopeError> {
    check_type(envelope, expected_payload_type)?;
    verify_with(
        envelope,
        key,
        &pae(&envelope.payload_type, &envelope.payload),
    )
}

/// Verifies `envelope` against a set of trusted keys: succeeds with the
/// first key, in `keys` order, for which [`verify`] would succeed, and
/// returns that key and the payload.
///
/// On failure the error is the payload-type mismatch if there is one, else
/// the first [`EnvelopeError::BadSignature`] or [`EnvelopeError::DuplicateKeyId`]
/// met, else [`EnvelopeError::NoSignatureForKey`] for the first key.
pub fn verify_any_of<'e, 'k>(
    envelope: &'e Envelope,
    expected_payload_type: &str,
    keys: &'k [IssuerPublicKey],
) -> Result<(&'k IssuerPublicKey, &'e [u8]), EnvelopeError> {
    check_type(envelope, expected_payload_type)?;
    let message = pae(&envelope.payload_type, &envelope.payload);
    let mut first_missing = None;
    let mut first_bad = None;
    for key in keys {
        match verify_with(envelope, key, &message) {
            Ok(payload) => return Ok((key, payload)),
            Err(e @ EnvelopeError::NoSignatureForKey { .. }) => {
                first_missing.get_or_insert(e);
            }
            Err(e) => {
                first_bad.get_or_insert(e);
            }
        }
    }
    Err(first_bad.or(first_missing).unwrap_or(EnvelopeError::NoKeys))
}

fn check_type(envelope: &Envelope, expected: &str) -> Result<(), EnvelopeError> {
    if envelope.payload_type == expected {
        Ok(())
    } else {
        Err(EnvelopeError::PayloadTypeMismatch {
            expected: expected.to_owned(),
            found: envelope.payload_type.clone(),
        })
    }
}

fn verify_with<'e>(
    envelope: &'e Envelope,
    key: &IssuerPublicKey,
    message: &[u8],
) -> Result<&'e [u8], EnvelopeError> {
    let key_id = key.key_id();
    let mut claiming = envelope.signatures.iter().filter(|s| s.keyid == key_id);
    let Some(signature) = claiming.next() else {
        return Err(EnvelopeError::NoSignatureForKey {
            key_id: key_id.to_owned(),
        });
    };
    if claiming.next().is_some() {
        return Err(EnvelopeError::DuplicateKeyId {
            key_id: key_id.to_owned(),
        });
    }
    key.verify_message(message, &signature.sig)
        .map_err(|_| EnvelopeError::BadSignature {
            key_id: key_id.to_owned(),
        })?;
    Ok(&envelope.payload)
}

// ---------------------------------------------------------------------------
// Strict JSON decoding.
//
// serde's derive would report duplicate and unknown members only as
// untyped messages, so the visitors below collect the members themselves
// and return the first structural problem (unknown, duplicate member), in
// document order, as a typed `EnvelopeDecodeError` *value*; then missing members. JSON syntax and type errors still come from
// serde_json and take precedence (the whole input is always parsed).

struct RawSignature {
    keyid: String,
    sig: String,
}

struct RawEnvelope {
    payload: String,
    payload_type: String,
    signatures: Vec<RawSignature>,
}

impl RawEnvelope {
    fn check(self) -> Result<Envelope, EnvelopeDecodeError> {
        let payload =
            base64::decode(&self.payload).map_err(|source| EnvelopeDecodeError::Base64 {
                location: JsonLocation::Envelope,
                field: "payload",
                source,
            })?;
        if self.signatures.is_empty() {
            return Err(EnvelopeDecodeError::NoSignatures);
        }
        let mut signatures = Vec::with_capacity(self.signatures.len());
        for (index, raw) in self.signatures.into_iter().enumerate() {
            let keyid_ok = raw.keyid.len() == KEY_ID_HEX_LEN && hex::decode(&raw.keyid).is_ok();
            if !keyid_ok {
                return Err(EnvelopeDecodeError::KeyIdFormat { index });
            }
            let sig = base64::decode(&raw.sig).map_err(|source| EnvelopeDecodeError::Base64 {
                location: JsonLocation::Signature { index },
                field: "sig",
                source,
            })?;
            let sig: [u8; SIGNATURE_LEN] =
                sig.as_slice()
                    .try_into()
                    .map_err(|_| EnvelopeDecodeError::SignatureLength {
                        index,
                        len: sig.len(),
                    })?;
            signatures.push(Signature {
                keyid: raw.keyid,
                sig,
            });
        }
        Ok(Envelope {
            payload_type: self.payload_type,
            payload,
            signatures,
        })
    }
}

type Checked<T> = Result<T, EnvelopeDecodeError>;

/// Stores `value` in `slot`, or records a duplicate-member error.
fn put<T>(
    slot: &mut Option<T>,
    value: T,
    problem: &mut Option<EnvelopeDecodeError>,
    location: JsonLocation,
    field: &'static str,
) {
    if slot.is_some() {
        problem.get_or_insert(EnvelopeDecodeError::DuplicateField { location, field });
    } else {
        *slot = Some(value);
    }
}

fn required<T>(slot: Option<T>, location: JsonLocation, field: &'static str) -> Checked<T> {
    slot.ok_or(EnvelopeDecodeError::MissingField { location, field })
}

struct EnvelopeSeed;

impl<'de> DeserializeSeed<'de> for EnvelopeSeed {
    type Value = Checked<RawEnvelope>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for EnvelopeSeed {
    type Value = Checked<RawEnvelope>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a DSSE envelope object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let here = JsonLocation::Envelope;
        let mut problem = None;
        let mut payload = None;
        let mut payload_type = None;
        let mut signatures = None;
        while let Some(name) = map.next_key::<String>()? {
            match name.as_str() {
                "payload" => {
                    let v: String = map.next_value()?;
                    put(&mut payload, v, &mut problem, here, "payload");
                }
                "payloadType" => {
                    let v: String = map.next_value()?;
                    put(&mut payload_type, v, &mut problem, here, "payloadType");
                }
                "signatures" => {
                    let list = match map.next_value_seed(SignaturesSeed)? {
                        Ok(list) => list,
                        Err(e) => {
                            problem.get_or_insert(e);
                            Vec::new()
                        }
                    };
                    put(&mut signatures, list, &mut problem, here, "signatures");
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    problem.get_or_insert(EnvelopeDecodeError::UnknownField {
                        location: here,
                        field: name,
                    });
                }
            }
        }
        if let Some(p) = problem {
            return Ok(Err(p));
        }
        Ok((|| {
            let payload = required(payload, here, "payload")?;
            let payload_type = required(payload_type, here, "payloadType")?;
            let signatures = required(signatures, here, "signatures")?;
            Ok(RawEnvelope {
                payload,
                payload_type,
                signatures,
            })
        })())
    }
}

struct SignaturesSeed;

impl<'de> DeserializeSeed<'de> for SignaturesSeed {
    type Value = Checked<Vec<RawSignature>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for SignaturesSeed {
    type Value = Checked<Vec<RawSignature>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of signature objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut problem = None;
        let mut out = Vec::new();
        let mut index = 0;
        while let Some(sig) = seq.next_element_seed(SignatureSeed { index })? {
            match sig {
                Ok(sig) => out.push(sig),
                Err(e) => {
                    problem.get_or_insert(e);
                }
            }
            index += 1;
        }
        Ok(match problem {
            Some(p) => Err(p),
            None => Ok(out),
        })
    }
}

struct SignatureSeed {
    index: usize,
}

impl<'de> DeserializeSeed<'de> for SignatureSeed {
    type Value = Checked<RawSignature>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SignatureSeed {
    type Value = Checked<RawSignature>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a signature object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let here = JsonLocation::Signature { index: self.index };
        let mut problem = None;
        let mut keyid = None;
        let mut sig = None;
        while let Some(name) = map.next_key::<String>()? {
            match name.as_str() {
                "keyid" => {
                    let v: String = map.next_value()?;
                    put(&mut keyid, v, &mut problem, here, "keyid");
                }
                "sig" => {
                    let v: String = map.next_value()?;
                    put(&mut sig, v, &mut problem, here, "sig");
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    problem.get_or_insert(EnvelopeDecodeError::UnknownField {
                        location: here,
                        field: name,
                    });
                }
            }
        }
        if let Some(p) = problem {
            return Ok(Err(p));
        }
        Ok((|| {
            Ok(RawSignature {
                keyid: required(keyid, here, "keyid")?,
                sig: required(sig, here, "sig")?,
            })
        })())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TYPE: &str = "application/vnd.double-random.test+json";

    /// TEST ONLY: secret seed 0x01..=0x20.
    fn test_key() -> IssuerKey {
        let seed: [u8; 32] = core::array::from_fn(|i| i as u8 + 1);
        IssuerKey::from_secret_bytes("测试签发机关 (TEST ONLY)", &seed).unwrap()
    }

    /// TEST ONLY: secret seed 0x21..=0x40.
    fn other_key() -> IssuerKey {
        let seed: [u8; 32] = core::array::from_fn(|i| i as u8 + 0x21);
        IssuerKey::from_secret_bytes("另一机关 (TEST ONLY)", &seed).unwrap()
    }

    #[test]
    fn pae_known_answers() {
        // The DSSE protocol.md example.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
        );
        // Empty body: trailing space after "0".
        assert_eq!(pae("t", b""), b"DSSEv1 1 t 0 ");
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ");
        // LEN counts UTF-8 bytes, not characters ("ä" is two bytes).
        assert_eq!(pae("ä", b"x"), "DSSEv1 2 ä 1 x".as_bytes());
        // Multi-digit lengths, no leading zeros.
        let body = vec![b'a'; 100];
        let got = pae("t", &body);
        assert!(got.starts_with(b"DSSEv1 1 t 100 aaa"));
        assert_eq!(got.len(), "DSSEv1 1 t 100 ".len() + 100);
    }

    /// DSSE's own Ed25519 vectors (secure-systems-lab/dsse
    /// testvectors/vectors.json, RFC 8032 TEST 1 key): the PAE bytes and
    /// signature, checked with our PAE and strict verification.
    #[test]
    fn dsse_reference_vector_rfc8032_key() {
        let seed = hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
            .unwrap();
        let seed: [u8; 32] = seed.try_into().unwrap();
        let key = IssuerKey::from_secret_bytes("RFC 8032 TEST 1", &seed).unwrap();
        assert_eq!(
            hex::encode(&key.public_key().to_bytes()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
        let payload =
            base64::decode("eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEifQ==").unwrap();
        let pae_bytes = pae("application/vnd.in-toto+json", &payload);
        assert_eq!(
            hex::encode(&pae_bytes),
            "445353457631203238206170706c69636174696f6e2f766e642e696e2d746f746f2b6a736f6e20\
             3433207b225f74797065223a2268747470733a2f2f696e2d746f746f2e696f2f53746174656d656e742f7631227d"
        );
        let expected_sig = "2WAfaHm5jluo0w+0rk8uVkluELJYWjSmU9x7EUzx+AyteDGJ4/nqyJXfmAUVFIAoQafWm7AxBZNw5M9ixNHiCA==";
        // Signing is deterministic, so our signature must be theirs.
        let envelope = sign("application/vnd.in-toto+json", &payload, &key);
        assert_eq!(base64::encode(envelope.signatures()[0].sig()), expected_sig);
        assert_eq!(
            verify(&envelope, "application/vnd.in-toto+json", key.public_key()).unwrap(),
            payload
        );
        // Their payload-type-swapped case: same signature, other type.
        let mut swapped = envelope.clone();
        swapped.payload_type = "application/vnd.example.other+json".to_owned();
        assert_eq!(
            verify(
                &swapped,
                "application/vnd.example.other+json",
                key.public_key()
            )
            .unwrap_err()
            .kind(),
            "bad-signature"
        );
        // Their empty-payload case.
        let empty = sign("application/vnd.in-toto+json", b"", &key);
        assert_eq!(
            base64::encode(empty.signatures()[0].sig()),
            "gSggCAaTLTYyRH6FIDBem6meyIynsYy8RTHVzwx9tnTb7Bg/1jMWnuVgI/gffqmbsC2VX5/jHfkkDqsj7CDbDg=="
        );
        // Their non-ASCII payload type case (LEN is 29 bytes).
        let non_ascii = sign("application/vnd.exämple+json", &payload, &key);
        assert_eq!(
            base64::encode(non_ascii.signatures()[0].sig()),
            "xmSk/ug66ysT7ayhkCIjhAq42zgZXSsEWuzUaNL7w2eGAdF/NU6/fRXPtmfN+5DNSAs5/i2lUnHjbbjPsu0tAw=="
        );
    }

    #[test]
    fn sign_verify_round_trip() {
        let key = test_key();
        let env = sign(TYPE, b"{\"a\":1}", &key);
        assert_eq!(env.signatures().len(), 1);
        assert_eq!(env.signatures()[0].keyid(), key.key_id());
        assert_eq!(verify(&env, TYPE, key.public_key()).unwrap(), b"{\"a\":1}");
        let json = env.to_json();
        let back = Envelope::from_json(json.as_bytes()).unwrap();
        assert_eq!(back, env);
        assert_eq!(back.to_json(), json);
        assert_eq!(record_id(&back), env.record_id());
        assert_eq!(
            record_id(&env).as_bytes(),
            &<[u8; 32]>::from(Sha256::digest(pae(TYPE, b"{\"a\":1}")))
        );
        assert_eq!(record_id(&env).to_string().len(), 64);
        assert!(format!("{:?}", record_id(&env)).starts_with("RecordId("));
        assert!(format!("{env:?}").contains("payload_len"));
    }

    #[test]
    fn json_shape() {
        let env = sign("a\"b\\c\n\u{1}é", b"hi", &test_key());
        let json = env.to_json();
        let sig = base64::encode(env.signatures()[0].sig());
        assert_eq!(
            json,
            format!(
                "{{\"payload\":\"aGk=\",\"payloadType\":\"a\\\"b\\\\c\\n\\u0001é\",\"signatures\":[{{\"keyid\":\"{}\",\"sig\":\"{sig}\"}}]}}",
                test_key().key_id()
            )
        );
        // Our escaping agrees with serde_json's.
        let ours = &json
            [json.find("\"payloadType\":").unwrap() + 14..json.find(",\"signatures\"").unwrap()];
        assert_eq!(ours, serde_json::to_string("a\"b\\c\n\u{1}é").unwrap());
        assert_eq!(Envelope::from_json(json.as_bytes()).unwrap(), env);
    }

    #[test]
    fn payload_type_must_match() {
        let key = test_key();
        let env = sign(TYPE, b"x", &key);
        let err = verify(
            &env,
            "application/vnd.double-random.other+json",
            key.public_key(),
        )
        .unwrap_err();
        assert_eq!(err.kind(), "payload-type-mismatch");
        // Case matters.
        let err = verify(&env, &TYPE.to_uppercase(), key.public_key()).unwrap_err();
        assert_eq!(err.kind(), "payload-type-mismatch");
    }

    #[test]
    fn two_signatures_and_key_selection() {
        let (issuer, approver) = (test_key(), other_key());
        let mut env = sign(TYPE, b"x", &issuer);
        let id = env.record_id();
        env.add_signature(&approver);
        assert_eq!(env.record_id(), id);
        assert_eq!(env.signatures().len(), 2);
        assert!(verify(&env, TYPE, issuer.public_key()).is_ok());
        assert!(verify(&env, TYPE, approver.public_key()).is_ok());
        let back = Envelope::from_json(env.to_json().as_bytes()).unwrap();
        assert_eq!(back, env);

        // Only the approver signed: the issuer's key finds no signature.
        let only = sign(TYPE, b"x", &approver);
        assert_eq!(
            verify(&only, TYPE, issuer.public_key()).unwrap_err(),
            EnvelopeError::NoSignatureForKey {
                key_id: issuer.key_id().to_owned()
            }
        );
        // verify_any_of picks whichever trusted key signed.
        let keys = [issuer.public_key().clone(), approver.public_key().clone()];
        let (k, payload) = verify_any_of(&only, TYPE, &keys).unwrap();
        assert_eq!(k.key_id(), approver.key_id());
        assert_eq!(payload, b"x");
        assert_eq!(
            verify_any_of(&only, TYPE, &[]).unwrap_err(),
            EnvelopeError::NoKeys
        );
        assert_eq!(
            verify_any_of(&only, TYPE, &keys[..1]).unwrap_err().kind(),
            "no-signature-for-key"
        );
        assert_eq!(
            verify_any_of(&only, "t", &keys).unwrap_err().kind(),
            "payload-type-mismatch"
        );
    }

    #[test]
    fn keyid_is_a_hint_not_a_credential() {
        // The approver signs but labels the signature with the issuer's key id.
        let (issuer, approver) = (test_key(), other_key());
        let mut env = sign(TYPE, b"x", &approver);
        env.signatures[0].keyid = issuer.key_id().to_owned();
        assert_eq!(
            verify(&env, TYPE, issuer.public_key()).unwrap_err().kind(),
            "bad-signature"
        );
        let keys = [approver.public_key().clone(), issuer.public_key().clone()];
        // A bad signature is reported in preference to a missing one.
        assert_eq!(
            verify_any_of(&env, TYPE, &keys).unwrap_err().kind(),
            "bad-signature"
        );
    }

    #[test]
    fn duplicate_keyid_is_refused() {
        let key = test_key();
        let mut env = sign(TYPE, b"x", &key);
        env.add_signature(&key);
        assert_eq!(
            verify(&env, TYPE, key.public_key()).unwrap_err().kind(),
            "duplicate-keyid"
        );
    }

    #[test]
    fn malleated_signature_is_refused() {
        let key = test_key();
        let mut env = sign(TYPE, b"x", &key);
        env.signatures[0].sig = add_l_to_s(env.signatures[0].sig);
        assert_ne!(
            env.signatures[0].sig,
            sign(TYPE, b"x", &key).signatures[0].sig
        );
        assert_eq!(
            verify(&env, TYPE, key.public_key()).unwrap_err().kind(),
            "bad-signature"
        );
    }

    /// S + L (little-endian 256-bit addition on the S half).
    fn add_l_to_s(mut sig: [u8; 64]) -> [u8; 64] {
        const L: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let mut carry = 0u16;
        for i in 0..32 {
            let t = u16::from(sig[32 + i]) + u16::from(L[i]) + carry;
            sig[32 + i] = t as u8;
            carry = t >> 8;
        }
        assert_eq!(carry, 0);
        sig
    }

    fn good_json() -> String {
        sign(TYPE, b"{\"x\":1}", &test_key()).to_json()
    }

    fn decode_kind(json: &str) -> &'static str {
        Envelope::from_json(json.as_bytes()).unwrap_err().kind()
    }

    #[test]
    fn decode_rejections() {
        let good = good_json();
        let kid = test_key().key_id().to_owned();
        let sig = good
            .split("\"sig\":\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let cases: Vec<(String, &str)> = vec![
            (
                good.replace("{\"payload\"", "{\"extra\":[1,{\"a\":null}],\"payload\""),
                "unknown-field",
            ),
            (
                good.replace("\"sig\":", "\"extra\":true,\"sig\":"),
                "unknown-field",
            ),
            (
                good.replace("{\"payload\"", "{\"payloadType\":\"t\",\"payload\""),
                "duplicate-field",
            ),
            (
                good.replace("{\"payload\"", "{\"payload\":\"\",\"payload\""),
                "duplicate-field",
            ),
            (
                good.replace("\"sig\":", "\"keyid\":\"x\",\"sig\":"),
                "duplicate-field",
            ),
            (
                good.replace("]}", "],\"signatures\":[]}"),
                "duplicate-field",
            ),
            (
                good.replace("\"payloadType\"", "\"payloadtype\""),
                "unknown-field",
            ),
            (
                format!(
                    "{{\"payload\":\"\",\"signatures\":[{{\"keyid\":\"{kid}\",\"sig\":\"{sig}\"}}]}}"
                ),
                "missing-field",
            ),
            (
                format!(
                    "{{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[{{\"keyid\":\"{kid}\"}}]}}"
                ),
                "missing-field",
            ),
            (
                format!(
                    "{{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[{{\"sig\":\"{sig}\"}}]}}"
                ),
                "missing-field",
            ),
            (
                "{\"payload\":\"\",\"payloadType\":\"t\"}".to_owned(),
                "missing-field",
            ),
            (
                "{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[]}".to_owned(),
                "no-signatures",
            ),
            (good.replace(&kid, &kid.to_uppercase()), "keyid-format"),
            (good.replace(&kid, &kid[..63]), "keyid-format"),
            (good.replace(&kid, ""), "keyid-format"),
            (
                good.replace(&sig, &sig.replace('+', "-").replace('/', "_")),
                "base64",
            ),
            (good.replace(&sig, &sig[..86]), "base64"),
            (
                good.replace(&sig, &base64::encode(&[0u8; 63])),
                "signature-length",
            ),
            (
                good.replace(&sig, &base64::encode(&[0u8; 65])),
                "signature-length",
            ),
            (good.replace("\"payload\":\"", "\"payload\":\" "), "base64"),
            (format!("{good}x"), "trailing-data"),
            (format!("{good}{good}"), "trailing-data"),
            (
                good.replace("\"payloadType\":\"", "\"payloadType\":1,\"x\":\""),
                "json",
            ),
            (
                good.replace("\"signatures\":[", "\"signatures\":{\"a\":")
                    .replace("]}", "}}"),
                "json",
            ),
            (good[..good.len() - 1].to_owned(), "json"),
            (format!("[{good}]"), "json"),
            ("".to_owned(), "json"),
            ("null".to_owned(), "json"),
            (format!("\u{feff}{good}"), "json"),
            (
                good.replace("{\"payload\":\"", "{\"payload\":\"\\u0041"),
                "base64",
            ),
        ];
        for (json, want) in cases {
            assert_eq!(decode_kind(&json), want, "{json}");
        }
        // Invalid UTF-8 in a string.
        let mut bytes = good.clone().into_bytes();
        let at = good.find(TYPE).unwrap();
        bytes[at] = 0xff;
        assert_eq!(Envelope::from_json(&bytes).unwrap_err().kind(), "json");
        // Whitespace and escapes are fine and do not change the record.
        let spaced = format!(" {}\n", good.replace(",", " ,\n ").replace(":", " : "));
        let a = Envelope::from_json(spaced.as_bytes()).unwrap();
        let escaped = good.replace("application/", "application\\/");
        let b = Envelope::from_json(escaped.as_bytes()).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_json(), good);
        // Member order is free.
        let reordered = format!(
            "{{\"signatures\":[{{\"sig\":\"{sig}\",\"keyid\":\"{kid}\"}}],\"payloadType\":\"{TYPE}\",\"payload\":\"eyJ4IjoxfQ==\"}}"
        );
        assert_eq!(
            Envelope::from_json(reordered.as_bytes()).unwrap().to_json(),
            good
        );
    }

    #[test]
    fn decode_error_details() {
        let good = good_json();
        let err = Envelope::from_json(good.replace("\"sig\":", "\"x\":0,\"sig\":").as_bytes())
            .unwrap_err();
        assert_eq!(
            err,
            EnvelopeDecodeError::UnknownField {
                location: JsonLocation::Signature { index: 0 },
                field: "x".to_owned()
            }
        );
        assert_eq!(err.to_string(), "signatures[0]: unknown member \"x\"");
        let err = Envelope::from_json(
            good.replace(
                "\"payload\":\"eyJ4IjoxfQ==\"",
                "\"payload\":\"eyJ4IjoxfR==\"",
            )
            .as_bytes(),
        )
        .unwrap_err();
        assert_eq!(
            err,
            EnvelopeDecodeError::Base64 {
                location: JsonLocation::Envelope,
                field: "payload",
                source: Base64Error::TrailingBits { offset: 9 }
            }
        );
        assert!(err.to_string().contains("non-canonical"));
        // First problem in document order wins.
        let err = Envelope::from_json(
            good.replace("{\"payload\"", "{\"a\":1,\"payload\"")
                .replace("\"sig\":", "\"b\":2,\"sig\":")
                .as_bytes(),
        )
        .unwrap_err();
        assert_eq!(
            err,
            EnvelopeDecodeError::UnknownField {
                location: JsonLocation::Envelope,
                field: "a".to_owned()
            }
        );
        for e in [
            EnvelopeDecodeError::NoSignatures,
            EnvelopeDecodeError::KeyIdFormat { index: 1 },
            EnvelopeDecodeError::SignatureLength { index: 0, len: 63 },
            EnvelopeDecodeError::TrailingData { line: 1, column: 2 },
            EnvelopeDecodeError::MissingField {
                location: JsonLocation::Envelope,
                field: "payload",
            },
            EnvelopeDecodeError::DuplicateField {
                location: JsonLocation::Envelope,
                field: "payload",
            },
        ] {
            assert!(!e.to_string().is_empty());
        }
        for e in [
            EnvelopeError::NoKeys,
            EnvelopeError::BadSignature { key_id: "k".into() },
            EnvelopeError::DuplicateKeyId { key_id: "k".into() },
            EnvelopeError::NoSignatureForKey { key_id: "k".into() },
            EnvelopeError::PayloadTypeMismatch {
                expected: "a".into(),
                found: "b".into(),
            },
        ] {
            assert!(!e.to_string().is_empty());
        }
    }

    fn arb_envelope() -> impl Strategy<Value = Envelope> {
        (
            "\\PC{0,12}",
            proptest::collection::vec(any::<u8>(), 0..64),
            1usize..3,
        )
            .prop_map(|(t, p, n)| {
                let mut env = sign(&t, &p, &test_key());
                if n > 1 {
                    env.add_signature(&other_key());
                }
                env
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn decode_encode_round_trip(env in arb_envelope()) {
            let json = env.to_json();
            let back = Envelope::from_json(json.as_bytes()).unwrap();
            prop_assert_eq!(&back, &env);
            prop_assert_eq!(back.to_json(), json);
        }

        #[test]
        fn any_single_byte_change_is_rejected(
            payload in proptest::collection::vec(any::<u8>(), 0..40),
            position in any::<prop::sample::Index>(),
            replacement in 1u8..=255,
        ) {
            let key = test_key();
            let json = sign(TYPE, &payload, &key).to_json().into_bytes();
            let mut mutated = json.clone();
            let i = position.index(json.len());
            mutated[i] = mutated[i].wrapping_add(replacement);
            prop_assert_ne!(&mutated, &json);
            let accepted = Envelope::from_json(&mutated)
                .ok()
                .and_then(|env| verify(&env, TYPE, key.public_key()).ok().map(<[u8]>::to_vec));
            prop_assert!(accepted.is_none(), "accepted {:?}", String::from_utf8_lossy(&mutated));
        }
    }

    #[test]
    fn every_single_byte_change_of_one_envelope_is_rejected() {
        // Exhaustive over positions, a few replacement bytes each.
        let key = test_key();
        let json = sign(TYPE, b"{\"draw\":1}", &key).to_json().into_bytes();
        for i in 0..json.len() {
            for delta in [1u8, 2, 0x20, 0x80, 0xff] {
                let mut m = json.clone();
                m[i] = m[i].wrapping_add(delta);
                if let Ok(env) = Envelope::from_json(&m) {
                    assert!(
                        verify(&env, TYPE, key.public_key()).is_err(),
                        "position {i} delta {delta}"
                    );
                }
            }
        }
    }
}
