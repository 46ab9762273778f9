//! The key-change statement: an issuer replaces its key.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::KEY_CHANGE_TYPE;
use super::statement::key_id_text;
use crate::calendar::Timestamp;
use crate::records::{
    Envelope, EnvelopeError, IssuerKey, IssuerPublicKey, KeyFileError, sign, verify,
};

/// Serde adapter: a 32-byte public key as canonical standard base64.
mod key_base64 {
    use super::*;

    pub(super) fn serialize<S: Serializer>(k: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::base64::encode(k))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        let bytes = crate::base64::decode(&s).map_err(serde::de::Error::custom)?;
        <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
            serde::de::Error::custom(format_args!(
                "a public key is 32 bytes, this is {}",
                bytes.len()
            ))
        })
    }
}

/// An issuer replacing its key (`application/vnd.double-random.key-change.v2+json`),
/// signed by **both** keys: the old one says "my key is now this one", the
/// new one proves its holder made the statement.
///
/// ```text
/// {"issuer":NAME,"old_key_id":HEX,"old_public_key":B64,"new_key_id":HEX,"new_public_key":B64,"created_at":TIME}
/// ```
///
/// The statement carries both public keys, so it can be checked with
/// nothing else. A witness that knows the old key for the issuer's name
/// binds the name to the new key; the old key's logs keep their last
/// cosigned heads and take no new ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyChange {
    /// The issuer's name, the same in both key files.
    pub issuer: String,
    /// The old key's id.
    #[serde(with = "key_id_text")]
    pub old_key_id: String,
    /// The old 32-byte Ed25519 public key, base64.
    #[serde(with = "key_base64")]
    pub old_public_key: [u8; 32],
    /// The new key's id.
    #[serde(with = "key_id_text")]
    pub new_key_id: String,
    /// The new 32-byte Ed25519 public key, base64.
    #[serde(with = "key_base64")]
    pub new_public_key: [u8; 32],
    /// When the issuer made the statement (informative).
    pub created_at: Timestamp,
}

/// A key change whose two signatures verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedKeyChange {
    /// The key replaced.
    pub old: IssuerPublicKey,
    /// The key that replaces it.
    pub new: IssuerPublicKey,
    /// When the issuer made the statement.
    pub created_at: Timestamp,
}

impl KeyChange {
    /// The statement replacing `old` by `new` (both of one issuer name).
    pub fn new(
        old: &IssuerPublicKey,
        new: &IssuerPublicKey,
        created_at: Timestamp,
    ) -> Result<KeyChange, KeyChangeError> {
        if old.issuer() != new.issuer() {
            return Err(KeyChangeError::IssuerMismatch {
                old: old.issuer().to_owned(),
                new: new.issuer().to_owned(),
            });
        }
        if old.key_id() == new.key_id() {
            return Err(KeyChangeError::SameKey);
        }
        Ok(KeyChange {
            issuer: old.issuer().to_owned(),
            old_key_id: old.key_id().to_owned(),
            old_public_key: old.to_bytes(),
            new_key_id: new.key_id().to_owned(),
            new_public_key: new.to_bytes(),
            created_at,
        })
    }

    /// The exact payload bytes: compact JSON, members in declaration order.
    pub fn to_payload(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Decodes a payload strictly (no signature is checked).
    pub fn decode(payload: &[u8]) -> Result<KeyChange, KeyChangeError> {
        serde_json::from_slice(payload).map_err(|e| KeyChangeError::Payload {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })
    }

    /// Signs the statement with the old key, then the new one.
    pub fn sign(&self, old: &IssuerKey, new: &IssuerKey) -> Envelope {
        let mut envelope = sign(KEY_CHANGE_TYPE, &self.to_payload(), old);
        envelope.add_signature(new);
        envelope
    }

    /// Opens a key-change envelope: the payload type is
    /// [`KEY_CHANGE_TYPE`]; the payload decodes strictly; both keys are
    /// valid public keys (not weak, canonical) of the stated issuer name
    /// whose ids are the stated ids, and differ; and the envelope carries a
    /// verifying signature by each (strict Ed25519, one signature per key).
    pub fn open(envelope: &Envelope) -> Result<OpenedKeyChange, KeyChangeError> {
        if envelope.payload_type() != KEY_CHANGE_TYPE {
            return Err(KeyChangeError::PayloadType {
                found: envelope.payload_type().chars().take(200).collect(),
            });
        }
        let change = KeyChange::decode(envelope.unverified_payload())?;
        let key = |which: &'static str, bytes: &[u8; 32], stated: &str| {
            let key = IssuerPublicKey::from_bytes(&change.issuer, bytes)
                .map_err(|cause| KeyChangeError::Key { which, cause })?;
            if key.key_id() != stated {
                return Err(KeyChangeError::KeyIdMismatch {
                    which,
                    stated: stated.to_owned(),
                    actual: key.key_id().to_owned(),
                });
            }
            Ok(key)
        };
        let old = key("old", &change.old_public_key, &change.old_key_id)?;
        let new = key("new", &change.new_public_key, &change.new_key_id)?;
        if old.key_id() == new.key_id() {
            return Err(KeyChangeError::SameKey);
        }
        for (which, k) in [("old", &old), ("new", &new)] {
            verify(envelope, KEY_CHANGE_TYPE, k)
                .map_err(|cause| KeyChangeError::Signature { which, cause })?;
        }
        Ok(OpenedKeyChange {
            old,
            new,
            created_at: change.created_at,
        })
    }
}

/// Why a key change does not open.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyChangeError {
    /// The payload type is not [`KEY_CHANGE_TYPE`].
    #[error("payload type {found:?} is not a key change")]
    PayloadType {
        /// The type found.
        found: String,
    },
    /// The payload breaks the schema.
    #[error(
        "key-change payload does not follow the schema at line {line}, column {column}: {message}"
    )]
    Payload {
        /// Line in the payload.
        line: usize,
        /// Column in the payload.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A key (or the issuer name) is not acceptable.
    #[error("the {which} key of the key change: {cause}")]
    Key {
        /// `old` or `new`.
        which: &'static str,
        /// Why.
        #[source]
        cause: KeyFileError,
    },
    /// A stated key id is not the id of the stated key.
    #[error("the {which} key id is stated as {stated}, the key's id is {actual}")]
    KeyIdMismatch {
        /// `old` or `new`.
        which: &'static str,
        /// The id stated.
        stated: String,
        /// The key's id.
        actual: String,
    },
    /// The old and new keys are one key.
    #[error("the old and new keys are the same key")]
    SameKey,
    /// The two keys carry different issuer names.
    #[error("the old key belongs to {old:?}, the new one to {new:?}")]
    IssuerMismatch {
        /// The old key's issuer.
        old: String,
        /// The new key's issuer.
        new: String,
    },
    /// A key's signature is missing, ambiguous or does not verify.
    #[error("the {which} key's signature: {cause}")]
    Signature {
        /// `old` or `new`.
        which: &'static str,
        /// Why.
        #[source]
        cause: EnvelopeError,
    },
}

impl KeyChangeError {
    /// A stable short name: `payload-type`, `bad-payload`, `bad-key`,
    /// `key-id-mismatch`, `same-key`, `issuer-mismatch`, `bad-signature`.
    pub fn kind(&self) -> &'static str {
        match self {
            KeyChangeError::PayloadType { .. } => "payload-type",
            KeyChangeError::Payload { .. } => "bad-payload",
            KeyChangeError::Key { .. } => "bad-key",
            KeyChangeError::KeyIdMismatch { .. } => "key-id-mismatch",
            KeyChangeError::SameKey => "same-key",
            KeyChangeError::IssuerMismatch { .. } => "issuer-mismatch",
            KeyChangeError::Signature { .. } => "bad-signature",
        }
    }
}
