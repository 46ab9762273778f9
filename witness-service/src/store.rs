//! The witness's state in SQLite: per log the last head cosigned, per
//! issuer name the key it is bound to, and every cosignature made.
//!
//! The database is `DIR/witness.sqlite3`, in WAL mode with
//! `synchronous=FULL`: a transaction that committed survives a crash or a
//! power cut. It records the witness key it belongs to and refuses another.

use std::path::{Path, PathBuf};
use std::time::Duration;

use double_random::calendar::Timestamp;
use double_random::records::{Envelope, IssuerKey, IssuerPublicKey};
use double_random::witness::{
    Accepted, CheckpointRequest, Head, Limits, LogKind, LogState, Refusal, add_checkpoint,
};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

/// The database file inside the state directory.
pub const DATABASE_FILE: &str = "witness.sqlite3";

/// How long a writer waits for another process's transaction.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS witness (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    key_id TEXT NOT NULL,
    name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS issuers (
    name TEXT PRIMARY KEY,
    public_key TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS logs (
    issuer_key_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    public_key TEXT NOT NULL,
    sequence TEXT NOT NULL,
    record TEXT NOT NULL,
    head_created_at TEXT NOT NULL,
    cosigned_at TEXT NOT NULL,
    cosignature TEXT NOT NULL,
    PRIMARY KEY (issuer_key_id, kind)
);
CREATE TABLE IF NOT EXISTS cosignatures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    issuer_key_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    sequence TEXT NOT NULL,
    record TEXT NOT NULL,
    time TEXT NOT NULL,
    envelope TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS key_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    issuer TEXT NOT NULL,
    envelope TEXT NOT NULL
);
";

/// Why the store cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The state directory cannot be created.
    #[error("{path}: {cause}")]
    Io {
        /// The directory.
        path: PathBuf,
        /// Why.
        #[source]
        cause: std::io::Error,
    },
    /// SQLite failed.
    #[error("{path}: {cause}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// Why.
        #[source]
        cause: rusqlite::Error,
    },
    /// A stored value does not read back.
    #[error("{path}: stored {what} is damaged: {message}")]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What.
        what: &'static str,
        /// Why.
        message: String,
    },
    /// The state belongs to another witness key.
    #[error(
        "{path}: this state belongs to witness key {stored}, not {given}; use the key it was made with, or another state directory"
    )]
    OtherWitness {
        /// The database file.
        path: PathBuf,
        /// The key id stored.
        stored: String,
        /// The key id given.
        given: String,
    },
    /// The system clock is outside the format's range.
    #[error("the system clock is not a usable time")]
    Clock,
}

/// The witness's state store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the store in `dir` for the witness `key`.
    pub fn open(dir: &Path, key: &IssuerKey) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|cause| StoreError::Io {
            path: dir.to_owned(),
            cause,
        })?;
        let path = dir.join(DATABASE_FILE);
        let sql = |path: &Path| {
            let path = path.to_owned();
            move |cause| StoreError::Sqlite { path, cause }
        };
        let conn = Connection::open(&path).map_err(sql(&path))?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(sql(&path))?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(sql(&path))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Corrupt {
                path,
                what: "journal mode",
                message: format!("SQLite answered {mode:?} to journal_mode=WAL"),
            });
        }
        conn.execute_batch("PRAGMA synchronous=FULL;")
            .map_err(sql(&path))?;
        let mut store = Store { conn, path };
        store.init(key)?;
        Ok(store)
    }

    fn sql(&self) -> impl FnOnce(rusqlite::Error) -> StoreError + '_ {
        |cause| StoreError::Sqlite {
            path: self.path.clone(),
            cause,
        }
    }

    fn init(&mut self, key: &IssuerKey) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sql = |cause| StoreError::Sqlite {
            path: path.clone(),
            cause,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        tx.execute_batch(SCHEMA).map_err(sql)?;
        let stored: Option<String> = tx
            .query_row("SELECT key_id FROM witness WHERE id = 1", [], |r| r.get(0))
            .optional()
            .map_err(sql)?;
        match stored {
            Some(s) if s != key.key_id() => {
                return Err(StoreError::OtherWitness {
                    path: path.clone(),
                    stored: s,
                    given: key.key_id().to_owned(),
                });
            }
            Some(_) => {}
            None => {
                tx.execute(
                    "INSERT INTO witness (id, key_id, name) VALUES (1, ?1, ?2)",
                    params![key.key_id(), key.issuer()],
                )
                .map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The state of one log and its latest cosignature, if the witness has
    /// cosigned it.
    pub fn log(
        &self,
        issuer_key_id: &str,
        kind: LogKind,
    ) -> Result<Option<(LogState, Envelope)>, StoreError> {
        read_log(&self.conn, issuer_key_id, kind)
            .map_err(self.sql())?
            .map(|row| parse_log_row(&self.path, row))
            .transpose()
    }

    /// The head held for a log.
    pub fn head(&self, issuer_key_id: &str, kind: LogKind) -> Result<Option<Head>, StoreError> {
        Ok(self.log(issuer_key_id, kind)?.map(|(s, _)| s.head))
    }

    /// How many cosignatures the witness has made.
    pub fn cosignature_count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM cosignatures", [], |r| r.get(0))
            .map_err(self.sql())?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Runs one add-checkpoint as a single `BEGIN IMMEDIATE` transaction:
    /// reads the log's state and the issuer name's key, takes `clock()`
    /// (inside the lock, so times never go back between writers), runs the
    /// library's state machine, and on acceptance writes the new state, the
    /// name's key and the cosignature, and commits. The caller answers only
    /// after this returns `Ok(Ok(_))`. A refusal writes nothing.
    pub fn add_checkpoint(
        &mut self,
        request: &CheckpointRequest,
        witness: &IssuerKey,
        clock: impl FnOnce() -> Option<Timestamp>,
        limits: &Limits,
    ) -> Result<Result<Accepted, Refusal>, StoreError> {
        let path = self.path.clone();
        let sql = |cause| StoreError::Sqlite {
            path: path.clone(),
            cause,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let held = match read_log(&tx, request.issuer.key_id(), request.kind).map_err(sql)? {
            Some(row) => Some(parse_log_row(&path, row)?.0),
            None => None,
        };
        let known: Option<String> = tx
            .query_row(
                "SELECT public_key FROM issuers WHERE name = ?1",
                [request.issuer.issuer()],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql)?;
        let known = known
            .map(|text| {
                IssuerPublicKey::from_text(&text).map_err(|e| StoreError::Corrupt {
                    path: path.clone(),
                    what: "issuer key",
                    message: e.to_string(),
                })
            })
            .transpose()?;
        let now = clock().ok_or(StoreError::Clock)?;
        let accepted =
            match add_checkpoint(held.as_ref(), known.as_ref(), request, witness, now, limits) {
                Ok(a) => a,
                // Nothing to write: the transaction rolls back when dropped.
                Err(refusal) => return Ok(Err(refusal)),
            };
        let s = &accepted.state;
        let envelope = accepted.cosignature.to_json();
        tx.execute(
            "INSERT INTO logs (issuer_key_id, kind, public_key, sequence, record, head_created_at, cosigned_at, cosignature)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (issuer_key_id, kind) DO UPDATE SET
               public_key = excluded.public_key, sequence = excluded.sequence,
               record = excluded.record, head_created_at = excluded.head_created_at,
               cosigned_at = excluded.cosigned_at, cosignature = excluded.cosignature",
            params![
                s.issuer.key_id(),
                s.kind.as_str(),
                s.issuer.to_text(),
                s.head.sequence.to_string(),
                s.head.record.to_string(),
                s.head_created_at.to_string(),
                s.cosigned_at.to_string(),
                envelope,
            ],
        )
        .map_err(sql)?;
        tx.execute(
            "INSERT INTO issuers (name, public_key) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET public_key = excluded.public_key",
            params![accepted.issuer_key.issuer(), accepted.issuer_key.to_text()],
        )
        .map_err(sql)?;
        if accepted.key_changed
            && let Some(change) = &request.key_change
        {
            tx.execute(
                "INSERT INTO key_changes (issuer, envelope) VALUES (?1, ?2)",
                params![accepted.issuer_key.issuer(), change.to_json()],
            )
            .map_err(sql)?;
        }
        tx.execute(
            "INSERT INTO cosignatures (issuer_key_id, kind, sequence, record, time, envelope)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                s.issuer.key_id(),
                s.kind.as_str(),
                s.head.sequence.to_string(),
                s.head.record.to_string(),
                s.cosigned_at.to_string(),
                envelope,
            ],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(Ok(accepted))
    }
}

fn parse_log_row(path: &Path, row: LogRow) -> Result<(LogState, Envelope), StoreError> {
    let corrupt = |what: &'static str, message: &dyn std::fmt::Display| StoreError::Corrupt {
        path: path.to_owned(),
        what,
        message: message.to_string(),
    };
    let issuer =
        IssuerPublicKey::from_text(&row.public_key).map_err(|e| corrupt("issuer key", &e))?;
    let kind: LogKind = row.kind.parse().map_err(|e| corrupt("log kind", &e))?;
    let time = |what, s: &str| {
        Timestamp::parse(s).ok_or_else(|| corrupt(what, &format!("{s:?} is not a time")))
    };
    let head = Head {
        sequence: row.sequence.parse().map_err(|e| corrupt("sequence", &e))?,
        record: row.record.parse().map_err(|e| corrupt("record id", &e))?,
    };
    let state = LogState {
        issuer,
        kind,
        head,
        head_created_at: time("head time", &row.head_created_at)?,
        cosigned_at: time("cosignature time", &row.cosigned_at)?,
    };
    let envelope =
        Envelope::from_json(row.cosignature.as_bytes()).map_err(|e| corrupt("cosignature", &e))?;
    Ok((state, envelope))
}

struct LogRow {
    kind: String,
    public_key: String,
    sequence: String,
    record: String,
    head_created_at: String,
    cosigned_at: String,
    cosignature: String,
}

fn read_log(
    conn: &Connection,
    issuer_key_id: &str,
    kind: LogKind,
) -> rusqlite::Result<Option<LogRow>> {
    conn.query_row(
        "SELECT kind, public_key, sequence, record, head_created_at, cosigned_at, cosignature
         FROM logs WHERE issuer_key_id = ?1 AND kind = ?2",
        params![issuer_key_id, kind.as_str()],
        |r| {
            Ok(LogRow {
                kind: r.get(0)?,
                public_key: r.get(1)?,
                sequence: r.get(2)?,
                record: r.get(3)?,
                head_created_at: r.get(4)?,
                cosigned_at: r.get(5)?,
                cosignature: r.get(6)?,
            })
        },
    )
    .optional()
}
