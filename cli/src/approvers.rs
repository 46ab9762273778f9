//! The approver keys pinned beside a results ledger: `LEDGER.approvers`.
//!
//! A correction (更正) needs the unit head's second signature. Which keys
//! count as the unit head's is not something a correction may say about
//! itself, so the office pins them in a file beside the ledger: the
//! concatenation of the approvers' public key files, exactly as `keygen`
//! writes them. Every verb that appends to or reads the ledger for the
//! office (`record-result`, `correct`, `publish`, `summary`) checks each
//! correction against these keys, so an unapproved correction (signed by
//! the issuer alone, or by a key that is not pinned) stops `publish` before
//! it signs a checkpoint over it.
//!
//! `correct` writes the file the first time it is used on a ledger with no
//! correction yet, pinning its `--approver-key`; `double-random approvers
//! --ledger L --add HEAD.pub` adds a key (a new unit head) and, without
//! `--add`, lists the pinned keys. A ledger that holds corrections but has
//! no approvers file is refused until the keys are pinned. (An auditor does
//! not rely on the office's file: `verify --approver-key` names the keys.)

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use double_random::records::{IssuerPublicKey, KeyFileError, PUBLIC_KEY_HEADER};

use crate::common::{CliError, Status};
use crate::files;
use crate::lang::zh;

/// Suffix of the approvers file: `LEDGER.approvers`.
pub const APPROVERS_SUFFIX: &str = ".approvers";

/// Why the pinned approver keys cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApproversError {
    /// The file could not be read or written.
    #[error("{path}: {cause}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        cause: std::io::Error,
    },
    /// A key in the file does not parse.
    #[error("{path}: key {index} (line {line}): {cause}")]
    Key {
        /// The file.
        path: String,
        /// 1-based number of the key in the file.
        index: usize,
        /// Line where it starts.
        line: usize,
        /// What is wrong.
        #[source]
        cause: KeyFileError,
    },
    /// The file holds text that is not a public key file.
    #[error("{path} line {line}: expected a public key file starting with {PUBLIC_KEY_HEADER}")]
    NotAKey {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
    },
    /// The file holds no key.
    #[error("{path} pins no approver key")]
    Empty {
        /// The file.
        path: String,
    },
    /// The ledger holds corrections but no approver key is pinned.
    #[error(
        "{ledger} holds corrections but {approvers} does not exist: pin the unit head's public key with `double-random approvers --ledger {ledger} --add HEAD.pub` before the ledger is used again"
    )]
    NotPinned {
        /// The ledger.
        ledger: String,
        /// The approvers file it needs.
        approvers: String,
    },
    /// The ledger holds a correction no pinned key approved.
    #[error(transparent)]
    Unapproved(Box<Unapproved>),
    /// `correct` was given an approver whose key is not pinned.
    #[error(
        "the approver key {key_id} ({name}) is not pinned in {approvers}; if the unit head changed, add the new key with `double-random approvers --ledger {ledger} --add HEAD.pub`"
    )]
    Unpinned {
        /// The approver's key id.
        key_id: String,
        /// The approver's name.
        name: String,
        /// The approvers file.
        approvers: String,
        /// The ledger.
        ledger: String,
    },
}

/// A ledger holding a correction that no pinned key approved.
#[derive(Debug, thiserror::Error)]
#[error(
    "{ledger} line {line}: {message}; the ledger is not used while it holds an unapproved correction (pin the approver with `double-random approvers --ledger {ledger} --add HEAD.pub` if the key is the unit head's, or run verify for the report)"
)]
pub struct Unapproved {
    /// The ledger.
    pub ledger: String,
    /// 1-based line of the correction.
    pub line: usize,
    /// The verifier's finding.
    pub message: String,
}

impl From<ApproversError> for CliError {
    fn from(e: ApproversError) -> Self {
        CliError::Approvers(Box::new(e))
    }
}

/// `LEDGER.approvers`.
pub fn approvers_path(ledger: &Path) -> PathBuf {
    let mut s = ledger.as_os_str().to_owned();
    s.push(APPROVERS_SUFFIX);
    PathBuf::from(s)
}

/// Parses an approvers file: public key files one after another (blank
/// lines between them allowed).
pub fn parse_approvers(path: &str, text: &str) -> Result<Vec<IssuerPublicKey>, ApproversError> {
    let mut keys = Vec::new();
    let mut block = String::new();
    let mut block_line = 0;
    let mut finish = |block: &mut String, line: usize| -> Result<(), ApproversError> {
        if block.is_empty() {
            return Ok(());
        }
        let key = IssuerPublicKey::from_text(block).map_err(|cause| ApproversError::Key {
            path: path.to_owned(),
            index: keys.len() + 1,
            line,
            cause,
        })?;
        keys.push(key);
        block.clear();
        Ok(())
    };
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if line.trim_end() == PUBLIC_KEY_HEADER {
            finish(&mut block, block_line)?;
            block_line = i + 1;
        } else if line.trim().is_empty() {
            finish(&mut block, block_line)?;
            continue;
        } else if block.is_empty() {
            return Err(ApproversError::NotAKey {
                path: path.to_owned(),
                line: i + 1,
            });
        }
        block.push_str(line);
    }
    finish(&mut block, block_line)?;
    if keys.is_empty() {
        return Err(ApproversError::Empty {
            path: path.to_owned(),
        });
    }
    Ok(keys)
}

/// The keys pinned beside `ledger`; `None` when there is no approvers file.
pub fn pinned(ledger: &Path) -> Result<Option<Vec<IssuerPublicKey>>, ApproversError> {
    let path = approvers_path(ledger);
    let shown = path.display().to_string();
    match files::read_text_capped(&path, files::Limit::SMALL) {
        Ok(text) => parse_approvers(&shown, &text).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(cause) => Err(ApproversError::Io { path: shown, cause }),
    }
}

/// Refuses a ledger whose findings hold a `correction-approval` error:
/// [`ApproversError::NotPinned`] when no approvers file exists, else
/// [`ApproversError::Unapproved`] naming the line.
pub fn refuse_unpinned(
    ledger: &Path,
    unpinned: bool,
    findings: &[double_random::verify::Finding],
) -> Result<(), ApproversError> {
    let Some(f) = findings.iter().find(|f| {
        f.check == "correction-approval"
            && f.severity == double_random::verify::FindingSeverity::Error
    }) else {
        return Ok(());
    };
    if unpinned {
        return Err(ApproversError::NotPinned {
            ledger: ledger.display().to_string(),
            approvers: approvers_path(ledger).display().to_string(),
        });
    }
    Err(ApproversError::Unapproved(Box::new(Unapproved {
        ledger: ledger.display().to_string(),
        line: f.line.unwrap_or(0),
        message: f.message.clone(),
    })))
}

/// Before a correction: refuses an approver whose key is not pinned beside
/// `ledger`. `Ok(true)` when no key is pinned yet (the correction pins it,
/// [`pin_first`]).
pub fn require_pinned(ledger: &Path, approver: &IssuerPublicKey) -> Result<bool, ApproversError> {
    match pinned(ledger)? {
        None => Ok(true),
        Some(keys) if keys.contains(approver) => Ok(false),
        Some(_) => Err(ApproversError::Unpinned {
            key_id: approver.key_id().to_string(),
            name: approver.issuer().to_owned(),
            approvers: approvers_path(ledger).display().to_string(),
            ledger: ledger.display().to_string(),
        }),
    }
}

/// Pins the approver of a ledger's first correction, and says so.
pub fn pin_first(ledger: &Path, approver: &IssuerPublicKey) -> Result<(), ApproversError> {
    pin(ledger, approver)?;
    if zh() {
        eprintln!(
            "已将审批人 {}（密钥编号 {}）登记在 {}：此后的更正须经已登记的密钥审批",
            approver.issuer(),
            approver.key_id(),
            approvers_path(ledger).display()
        );
    } else {
        eprintln!(
            "pinned the approver {} (key {}) in {}: later corrections must carry an approval by a pinned key",
            approver.issuer(),
            approver.key_id(),
            approvers_path(ledger).display()
        );
    }
    Ok(())
}

/// Appends a key to the approvers file (created when missing; never
/// through a symlink). A key already pinned is not added twice.
pub fn pin(ledger: &Path, key: &IssuerPublicKey) -> Result<bool, ApproversError> {
    let path = approvers_path(ledger);
    let io = |cause| ApproversError::Io {
        path: path.display().to_string(),
        cause,
    };
    if pinned(ledger)?.is_some_and(|keys| keys.contains(key)) {
        return Ok(false);
    }
    let mut f = files::open_append(&path).map_err(io)?;
    let len = f.metadata().map_err(io)?.len();
    let text = if len > 0 {
        format!("\n{}", key.to_text())
    } else {
        key.to_text()
    };
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(io)?;
    Ok(true)
}

/// Flags of `approvers`.
#[derive(Debug, Args)]
pub struct ApproversArgs {
    /// The results ledger whose approver keys to list or pin (LEDGER.approvers).
    #[arg(long)]
    pub ledger: PathBuf,
    /// A public key file of an approver (unit head) to pin (repeat for several).
    #[arg(long)]
    pub add: Vec<PathBuf>,
}

/// Runs `approvers`: pins the keys given, then lists every pinned key.
pub fn approvers(a: &ApproversArgs) -> Result<Status, CliError> {
    for p in &a.add {
        let key = crate::receipts::load_public_key(p)?;
        match (pin(&a.ledger, &key)?, zh()) {
            (true, false) => crate::outln!("pinned {} (key {})", key.issuer(), key.key_id()),
            (false, false) => {
                crate::outln!("already pinned: {} (key {})", key.issuer(), key.key_id());
            }
            (true, true) => {
                crate::outln!("已登记审批人 {}（密钥编号 {}）", key.issuer(), key.key_id());
            }
            (false, true) => {
                crate::outln!("此前已登记：{}（密钥编号 {}）", key.issuer(), key.key_id());
            }
        }
    }
    let path = approvers_path(&a.ledger);
    match (pinned(&a.ledger)?, zh()) {
        (None, false) => {
            crate::outln!("{} pins no approver key (none yet)", path.display());
        }
        (None, true) => crate::outln!("{} 尚未登记任何审批人密钥", path.display()),
        (Some(keys), false) => {
            crate::outln!("{}:", path.display());
            for k in keys {
                crate::outln!("  {} (key {})", k.issuer(), k.key_id());
            }
        }
        (Some(keys), true) => {
            crate::outln!("{} 登记的审批人密钥：", path.display());
            for k in keys {
                crate::outln!("  {}（密钥编号 {}）", k.issuer(), k.key_id());
            }
        }
    }
    Ok(Status::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use double_random::records::IssuerKey;

    fn key(seed: u8, name: &str) -> IssuerPublicKey {
        IssuerKey::from_secret_bytes(name, &[seed; 32])
            .unwrap()
            .public_key()
            .clone()
    }

    #[test]
    fn concatenated_key_files() {
        let (a, b) = (key(1, "县局局长"), key(2, "副局长"));
        let text = format!("{}\n{}", a.to_text(), b.to_text());
        assert_eq!(parse_approvers("f", &text).unwrap(), [a.clone(), b]);
        assert!(matches!(
            parse_approvers("f", ""),
            Err(ApproversError::Empty { .. })
        ));
        assert!(matches!(
            parse_approvers("f", "hello\n"),
            Err(ApproversError::NotAKey { line: 1, .. })
        ));
        let bad = a.to_text().replace("key-id: ", "key-id: 00");
        assert!(matches!(
            parse_approvers("f", &bad),
            Err(ApproversError::Key { index: 1, .. })
        ));
    }

    #[test]
    fn pinning_twice_adds_once() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("results.jsonl");
        assert!(pinned(&ledger).unwrap().is_none());
        let a = key(1, "县局局长");
        assert!(pin(&ledger, &a).unwrap());
        assert!(!pin(&ledger, &a).unwrap());
        let b = key(2, "副局长");
        assert!(pin(&ledger, &b).unwrap());
        assert_eq!(pinned(&ledger).unwrap().unwrap(), [a, b]);
    }
}
