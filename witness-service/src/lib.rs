//! A witness for double-random chains: the HTTP service that cosigns an
//! issuer's chain head with the witness's own clock, the SQLite store that
//! remembers the last head cosigned per log, and the blocking client the
//! `double-random witness request` command uses.
//!
//! The decisions are the library's pure state machine,
//! [`double_random::witness::add_checkpoint`]; this crate does the I/O
//! around it. Every add-checkpoint runs in one SQLite `BEGIN IMMEDIATE`
//! transaction (WAL, `synchronous=FULL`) that reads the log's state, runs
//! the state machine, writes the new state and the cosignature, and
//! commits; only then is the cosignature answered. So a crash at any point
//! leaves either the old state (nothing was answered) or the new one, and
//! two requests for one log never both extend the same head: one wins, the
//! other gets `409 Conflict`.
//!
//! The protocol (endpoints, bodies, status codes) is specified in
//! `docs/spec/witness.md`, section 6.
//!
//! # Security
//!
//! The witness's signing key is read from its key file and kept in memory;
//! it is never logged. The service binds only where told (`--listen`),
//! bounds request bodies, and answers refusals with the library's typed
//! reasons. It trusts nobody: every record is verified under the issuer's
//! key, and an issuer name is bound to the first key it is seen with
//! (trust on first use) until a key change signed by both keys moves it.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod api;
pub mod client;
pub mod server;
pub mod store;

use double_random::calendar::Timestamp;
use double_random::records::RecordId;
use double_random::witness::{Head, LogEntry};

/// The system clock as a [`Timestamp`], `None` when it is outside the
/// format's range (before 1970 or after 9999).
pub fn system_now() -> Option<Timestamp> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    Timestamp::from_unix(i64::try_from(secs).ok()?)
}

/// Where a witness's held head stands on a local chain, when it does not
/// lead to records to send.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotOnChain {
    /// The chain holds another record at the held head's sequence: the
    /// witness cosigned another chain under this key (a fork).
    #[error("the witness cosigned record {} at sequence {}, this chain holds {ours} there (a fork)", held.record, held.sequence)]
    Fork {
        /// The head the witness holds.
        held: Head,
        /// This chain's record at that sequence.
        ours: RecordId,
    },
    /// The chain ends before the held head: records were cut off (a
    /// rollback), or this copy of the chain is old.
    #[error("the witness cosigned sequence {}, but this chain has {len} record(s) (a rollback, or an old copy)", held.sequence)]
    Rollback {
        /// The head the witness holds.
        held: Head,
        /// Records on this chain.
        len: usize,
    },
}

/// The records of `entries` (a chain read with
/// [`double_random::witness::read_log`], so entry `i` has sequence `i`)
/// after the head a witness holds: all of them when it holds none.
pub fn records_after(entries: &[LogEntry], held: Option<Head>) -> Result<&[LogEntry], NotOnChain> {
    let Some(held) = held else {
        return Ok(entries);
    };
    let at = usize::try_from(held.sequence).ok();
    match at.and_then(|i| entries.get(i).map(|e| (i, e))) {
        Some((i, e)) if e.id == held.record => Ok(entries.get(i + 1..).unwrap_or(&[])),
        Some((_, e)) => Err(NotOnChain::Fork { held, ours: e.id }),
        None => Err(NotOnChain::Rollback {
            held,
            len: entries.len(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use double_random::records::{ChainLink, Envelope, IssuerKey, sign};
    use double_random::witness::{CheckpointRequest, Limits, LogKind, Refusal, read_log};

    fn key(name: &str, first: u8) -> IssuerKey {
        let seed: [u8; 32] = core::array::from_fn(|i| first.wrapping_add(i as u8));
        IssuerKey::from_secret_bytes(name, &seed).unwrap()
    }

    fn chain(k: &IssuerKey, n: u64, note: &str) -> Vec<Envelope> {
        let mut out: Vec<Envelope> = Vec::new();
        for sequence in 0..n {
            let link = ChainLink {
                issuer: k.issuer().into(),
                key_id: k.key_id().into(),
                sequence,
                previous: out.last().map(Envelope::record_id),
                created_at: Timestamp::from_unix(1_717_200_000).unwrap(),
            };
            let payload = serde_json::json!({"chain": link, "note": note}).to_string();
            out.push(sign(
                "application/vnd.double-random.test.v2+json",
                payload.as_bytes(),
                k,
            ));
        }
        out
    }

    fn entries(k: &IssuerKey, records: &[Envelope]) -> Vec<LogEntry> {
        let text: String = records.iter().map(|r| r.to_json() + "\n").collect();
        read_log(text.as_bytes(), k.public_key()).unwrap()
    }

    #[test]
    fn records_after_finds_the_held_head_or_says_why_not() {
        let k = key("局 (TEST ONLY)", 1);
        let e = entries(&k, &chain(&k, 4, "a"));
        let other = entries(&k, &chain(&k, 4, "b"));
        let h = |x: &LogEntry| Head {
            sequence: x.link.sequence,
            record: x.id,
        };
        assert_eq!(records_after(&e, None).unwrap().len(), 4);
        assert_eq!(records_after(&e, Some(h(&e[1]))).unwrap().len(), 2);
        assert_eq!(records_after(&e, Some(h(&e[3]))).unwrap().len(), 0);
        assert!(matches!(
            records_after(&e, Some(h(&other[2]))),
            Err(NotOnChain::Fork { .. })
        ));
        assert!(matches!(
            records_after(&e[..2], Some(h(&e[3]))),
            Err(NotOnChain::Rollback { len: 2, .. })
        ));
    }

    #[test]
    fn the_store_keeps_state_across_opens_and_belongs_to_one_witness() {
        let dir = tempfile::tempdir().unwrap();
        let w = key("见证方 (TEST ONLY)", 0x41);
        let k = key("局 (TEST ONLY)", 1);
        let records = chain(&k, 3, "a");
        let clock = || Timestamp::from_unix(1_717_300_000);
        {
            let mut store = store::Store::open(dir.path(), &w).unwrap();
            let req = CheckpointRequest {
                issuer: k.public_key().clone(),
                kind: LogKind::Receipts,
                old: None,
                records: records.clone(),
                key_change: None,
            };
            store
                .add_checkpoint(&req, &w, clock, &Limits::default())
                .unwrap()
                .unwrap();
            // A refusal writes nothing.
            let r = store
                .add_checkpoint(&req, &w, clock, &Limits::default())
                .unwrap()
                .unwrap_err();
            assert!(matches!(r, Refusal::Conflict { .. }));
            assert_eq!(store.cosignature_count().unwrap(), 1);
        }
        let store = store::Store::open(dir.path(), &w).unwrap();
        let (state, envelope) = store.log(k.key_id(), LogKind::Receipts).unwrap().unwrap();
        assert_eq!(state.head.sequence, 2);
        assert_eq!(state.head.record, records[2].record_id());
        assert!(double_random::witness::Cosignature::open(&envelope, w.public_key()).is_ok());
        assert!(store.log(k.key_id(), LogKind::Results).unwrap().is_none());
        drop(store);
        let other = key("别的见证方 (TEST ONLY)", 0x51);
        assert!(matches!(
            store::Store::open(dir.path(), &other),
            Err(store::StoreError::OtherWitness { .. })
        ));
    }

    #[test]
    fn refusals_map_to_their_status() {
        use crate::api::refusal_answer;
        let held = Head {
            sequence: 3,
            record: RecordId::from_bytes([7; 32]),
        };
        let (s, a) = refusal_answer(&Refusal::Conflict { held: Some(held) });
        assert_eq!(
            (s, a.error.as_str(), a.held),
            (409, "conflict", Some(Some(held)))
        );
        let (s, a) = refusal_answer(&Refusal::Empty);
        assert_eq!((s, a.error.as_str()), (422, "empty"));
        let t = Timestamp::from_unix(5).unwrap();
        let (s, _) = refusal_answer(&Refusal::TimeBackwards { last: t, now: t });
        assert_eq!(s, 503);
        let json = refusal_answer(&Refusal::Conflict { held: None })
            .1
            .to_json();
        assert!(json.contains("\"held\":null"), "{json}");
    }
}
