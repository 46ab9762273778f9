//! A chain verified with a key that did not sign it (check `wrong-key`).
//!
//! Every record of such a chain fails `record` with "no signature by key …",
//! which names the key *given*, not the one that signed. When no record
//! verifies and every rejected record states one other key (its envelope's
//! `keyid` and its payload's `chain.key_id`, with one `chain.issuer`), the
//! verifier says so once, naming both keys, instead of once per line. The
//! same holds when the key is the right one but its key file names another
//! issuer than every record states.
//!
//! What the records "state" is read from their payloads without a verified
//! signature (the verifier does not hold the other key): it names the key to
//! ask for, it proves nothing about who signed.

use serde::Serialize;

use crate::checks::{Finding, FindingSeverity};
use crate::records::{EnvelopeError, IssuerPublicKey, Record, RecordError};
use crate::verify::ChainLine;

/// The key a chain's records state when it is not the key the verifier was
/// given (check `wrong-key`, `docs/FORMAT.md` §7).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WrongKey {
    /// The key id the records' envelopes and payloads name.
    pub stated_key_id: String,
    /// The issuer the records' payloads name.
    pub stated_issuer: String,
    /// The key id of the key given to the verifier.
    pub given_key_id: String,
    /// The issuer named by the key given.
    pub given_issuer: String,
    /// The chain-file lines rejected for it (1-based).
    pub lines: Vec<usize>,
}

/// What a rejected line states about its signer, when it was rejected only
/// because it names another key (or, signed by the key given, another issuer).
pub(super) fn stated_signer(
    line: &ChainLine,
    key: &IssuerPublicKey,
    error: &RecordError,
) -> Option<(String, String)> {
    match error {
        RecordError::Signature(EnvelopeError::NoSignatureForKey { .. }) => {
            let env = &line.envelope;
            let record = Record::decode(env.payload_type(), env.unverified_payload()).ok()?;
            let link = record.chain();
            let signed_by_stated = env.signatures().iter().any(|s| s.keyid() == link.key_id);
            (signed_by_stated && link.key_id != key.key_id())
                .then(|| (link.key_id.clone(), link.issuer.clone()))
        }
        RecordError::IssuerMismatch { stated, .. } => {
            Some((key.key_id().to_owned(), stated.clone()))
        }
        _ => None,
    }
}

/// The `record` finding's message for a rejected line, in English and
/// Chinese: the error, and the key and issuer the record states when it
/// names another key.
pub(super) fn record_message(
    error: &RecordError,
    stated: Option<&(String, String)>,
) -> (String, String) {
    let base = format!("record rejected ({}): {error}", error.kind());
    let base_zh = format!("记录被拒绝（{}）：{}", error.kind(), error.message_zh());
    match (error, stated) {
        (RecordError::Signature(_), Some((key_id, issuer))) => (
            format!(
                "{base}; the record states key {key_id} (fingerprint {}) of issuer {issuer:?}",
                fingerprint(key_id)
            ),
            format!(
                "{base_zh}；该记录声明的是发布机关 {issuer:?} 的公钥（密钥编号 {key_id}，指纹 {}）",
                fingerprint(key_id)
            ),
        ),
        _ => (base, base_zh),
    }
}

fn fingerprint(key_id: &str) -> &str {
    key_id
        .get(..crate::records::FINGERPRINT_HEX_LEN)
        .unwrap_or(key_id)
}

/// When no record verified and every rejected line states the same other
/// key and issuer: one `wrong-key` finding, first in the report, in place of
/// the per-line `record` findings of those lines.
pub(super) fn fold(
    report: &mut super::Report,
    key: &IssuerPublicKey,
    accepted: usize,
    rejected: &[(usize, Option<(String, String)>)],
) {
    if accepted > 0 || rejected.is_empty() {
        return;
    }
    let Some((_, Some(first))) = rejected.first() else {
        return;
    };
    if rejected.iter().any(|(_, s)| s.as_ref() != Some(first)) {
        return;
    }
    let (stated_key_id, stated_issuer) = first.clone();
    let lines: Vec<usize> = rejected.iter().map(|(l, _)| *l).collect();
    let (message, message_zh) = if stated_key_id == key.key_id() {
        (
            format!(
                "the key given (fingerprint {}) signed every record, but its key file names issuer {:?} while all {} record(s) state issuer {stated_issuer:?}: the key file is not the one the issuer published; ask for it",
                key.fingerprint(),
                key.issuer(),
                lines.len()
            ),
            format!(
                "所给公钥（指纹 {}）签署了每一条记录，但其公钥文件写的发布机关为 {:?}，而全部 {} 条记录声明的发布机关为 {stated_issuer:?}：该公钥文件不是发布机关公布的那一份；请向发布机关索取",
                key.fingerprint(),
                key.issuer(),
                lines.len()
            ),
        )
    } else {
        (
            format!(
                "the key given did not sign this chain: all {} record(s) state key {stated_key_id} (fingerprint {}) of issuer {stated_issuer:?}, the key given is {} (fingerprint {}) of issuer {:?}; verify with the key the issuer published and compare its fingerprint",
                lines.len(),
                fingerprint(&stated_key_id),
                key.key_id(),
                key.fingerprint(),
                key.issuer()
            ),
            format!(
                "所给公钥没有签署本凭证链：全部 {} 条记录声明的是发布机关 {stated_issuer:?} 的公钥（密钥编号 {stated_key_id}，指纹 {}），而所给公钥是发布机关 {:?} 的公钥（密钥编号 {}，指纹 {}）；请使用发布机关公布的公钥验证，并核对其指纹",
                lines.len(),
                fingerprint(&stated_key_id),
                key.issuer(),
                key.key_id(),
                key.fingerprint()
            ),
        )
    };
    // Every `record` finding so far is of a rejected line, and every
    // rejected line is folded into this one.
    report.findings.retain(|f| f.check != "record");
    report.findings.insert(
        0,
        Finding {
            severity: FindingSeverity::Error,
            check: "wrong-key",
            line: None,
            sequence: None,
            record: None,
            message,
            message_zh: Some(message_zh),
        },
    );
    report.wrong_key = Some(WrongKey {
        stated_key_id,
        stated_issuer,
        given_key_id: key.key_id().to_owned(),
        given_issuer: key.issuer().to_owned(),
        lines,
    });
}
