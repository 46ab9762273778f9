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
