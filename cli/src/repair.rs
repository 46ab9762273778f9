//! `repair`: cuts a torn last line off a chain or results ledger.
//!
//! Appending commands write a whole line and sync it, and cut a failed
//! write back off (`log_file`); only a crash or a power cut in the middle
//! of a write can leave the file ending in part of a line, which every
//! later command then refuses. `repair` cuts exactly that part and nothing
//! else:
//!
//! - the file must end without a line break, in text that is not a whole
//!   record (a complete record without its newline is no tear: the next
//!   append ends it), and that starts as a record does (`{`);
//! - every line before it must be a well-formed envelope (signatures are
//!   not checked here; `verify` does).
//!
//! Anything else is refused. Without `--cut` the command only shows what
//! it would cut (exit 1); with `--cut` it shows it, saves the cut bytes to
//! `FILE.torn` (refusing to overwrite one), and truncates the file, under
//! the same exclusive lock the appending commands take.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};

use clap::Args;
use double_random::records::Envelope;
use double_random::verify::read_chain;
use sha2::{Digest, Sha256};

use crate::common::{CliError, Status};
use crate::files;
use crate::lang::zh;

/// Flags of `repair`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("file").required(true).args(["chain", "ledger"])))]
pub struct RepairArgs {
    /// The receipt chain to repair.
    #[arg(long)]
    pub chain: Option<PathBuf>,
    /// The results ledger to repair.
    #[arg(long)]
    pub ledger: Option<PathBuf>,
    /// Cut the torn line (without it, only show what would be cut).
    #[arg(long)]
    pub cut: bool,
}

/// Why a file cannot be repaired.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RepairError {
    /// The file could not be read, locked, saved or cut.
    #[error("{path}: {cause}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        cause: std::io::Error,
    },
    /// The last line is a whole record without its line break: no tear.
    #[error(
        "{path}: the last line is a whole record without its line break; nothing to cut (the next append ends the line)"
    )]
    WholeRecord {
        /// The file.
        path: String,
    },
    /// The tail does not start as a record does.
    #[error(
        "{path}: the text after the last line break does not start as a record ('{{'); this is not a torn append, and is not cut"
    )]
    NotARecord {
        /// The file.
        path: String,
    },
    /// An earlier line is not a well-formed envelope.
    #[error(
        "{path} line {line}: {message}; only a torn last line is repaired, so nothing is cut (run verify for the report)"
    )]
    BrokenLine {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// What the reader found.
        message: String,
    },
}

/// What [`plan`] finds at the end of a file.
#[derive(Debug, PartialEq, Eq)]
pub enum Tear {
    /// The file ends with a line break (or is empty).
    None,
    /// Bytes from `at` to the end are a torn line.
    At {
        /// Byte offset where the torn line starts.
        at: usize,
    },
}

/// Decides what to cut from `bytes` (the whole file), or why not.
pub fn plan(path: &str, bytes: &[u8]) -> Result<Tear, RepairError> {
    if bytes.is_empty() || bytes.ends_with(b"\n") {
        return Ok(Tear::None);
    }
    let at = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let tail = bytes.get(at..).unwrap_or_default();
    if Envelope::from_json(tail.trim_ascii()).is_ok() {
        return Err(RepairError::WholeRecord {
            path: path.to_owned(),
        });
    }
    if tail.trim_ascii_start().first() != Some(&b'{') {
        return Err(RepairError::NotARecord {
            path: path.to_owned(),
        });
    }
    let (_, findings) = read_chain(bytes.get(..at).unwrap_or_default());
    if let Some(f) = findings.iter().find(|f| f.check == "envelope") {
        return Err(RepairError::BrokenLine {
            path: path.to_owned(),
            line: f.line.unwrap_or(0),
            message: f.message.clone(),
        });
    }
    Ok(Tear::At { at })
}

/// The cut bytes as a reader sees them: whole up to 4 KiB, else the first
/// and last KiB (the SHA-256 names them exactly).
fn show(tail: &[u8]) -> String {
    let text = String::from_utf8_lossy(tail);
    if tail.len() <= 4096 {
        return text.escape_debug().to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let head: String = chars.iter().take(1024).collect();
    let end: String = chars
        .iter()
        .skip(chars.len().saturating_sub(1024))
        .collect();
    let left_out = tail.len().saturating_sub(head.len() + end.len());
    if zh() {
        format!(
            "{} …（省略 {left_out} 字节）… {}",
            head.escape_debug(),
            end.escape_debug()
        )
    } else {
        format!(
            "{} … ({left_out} bytes left out) … {}",
            head.escape_debug(),
            end.escape_debug()
        )
    }
}

/// Runs `repair`.
pub fn repair(a: &RepairArgs) -> Result<Status, CliError> {
    let Some(path) = a.chain.as_deref().or(a.ledger.as_deref()) else {
        return Ok(Status::Unreadable);
    };
    let shown = path.display().to_string();
    let io = |cause| RepairError::Io {
        path: shown.clone(),
        cause,
    };
    files::refuse_symlink(path).map_err(io)?;
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(io)?;
    file.lock().map_err(io)?;
    let bytes = files::read_open(&mut file, files::Limit::LOG).map_err(io)?;
    let at = match plan(&shown, &bytes)? {
        Tear::None => {
            if zh() {
                crate::outln!("{shown}：最后一行完整，无需截除");
            } else {
                crate::outln!("{shown}: the last line is complete; nothing to cut");
            }
            return Ok(Status::Ok);
        }
        Tear::At { at } => at,
    };
    let tail = bytes.get(at..).unwrap_or_default();
    let lines = bytes
        .get(..at)
        .unwrap_or_default()
        .split(|&b| b == b'\n')
        .count()
        - 1;
    let digest = hex(&Sha256::digest(tail));
    if zh() {
        crate::outln!(
            "{shown}：最后一行（第 {} 行）写入不完整，自第 {at} 字节起共 {} 字节，SHA-256 {digest}：",
            lines + 1,
            tail.len()
        );
        crate::outln!("  {}", show(tail));
        crate::outln!("  此前的 {lines} 行均为完整记录，予以保留");
    } else {
        crate::outln!(
            "{shown}: a torn last line (line {}), {} bytes from byte {at}, SHA-256 {digest}:",
            lines + 1,
            tail.len()
        );
        crate::outln!("  {}", show(tail));
        crate::outln!("  the {lines} line(s) before it are whole records and stay");
    }
    if !a.cut {
        crate::outln!(
            "{}",
            crate::lang::pick(
                "nothing cut: run again with --cut to cut it",
                "未截除：加 --cut 再运行一次即可截除"
            )
        );
        return Ok(Status::Failed);
    }
    let saved = saved_path(path);
    files::write_output(&saved, tail, files::Overwrite::Refuse).map_err(|cause| {
        RepairError::Io {
            path: saved.display().to_string(),
            cause,
        }
    })?;
    file.set_len(at as u64)
        .and_then(|()| file.sync_all())
        .map_err(io)?;
    if zh() {
        crate::outln!("已截除 {} 字节，另存于 {}", tail.len(), saved.display());
    } else {
        crate::outln!(
            "cut {} bytes; they are saved in {}",
            tail.len(),
            saved.display()
        );
    }
    Ok(Status::Ok)
}

/// `FILE.torn`.
fn saved_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".torn");
    PathBuf::from(s)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl From<RepairError> for CliError {
    fn from(e: RepairError) -> Self {
        CliError::Repair(Box::new(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_torn_tail_is_cut() {
        assert_eq!(plan("f", b"").unwrap(), Tear::None);
        assert_eq!(plan("f", b"{}\n").unwrap(), Tear::None);
        assert_eq!(plan("f", b"{\"payload\":\"ab").unwrap(), Tear::At { at: 0 });
        assert!(matches!(
            plan("f", b"hello"),
            Err(RepairError::NotARecord { .. })
        ));
        // An earlier line that is no envelope: refused.
        assert!(matches!(
            plan("f", b"garbage\n{\"payload"),
            Err(RepairError::BrokenLine { line: 1, .. })
        ));
    }
}
