//! Append-only JSON Lines files (the receipt chain, the results ledger),
//! opened for appending under an exclusive lock.
//!
//! Two commands appending to one chain at once would both read sequence
//! `n`, both sign a record for `n + 1`, and leave a fork that no later
//! command can repair. So a command that appends opens the file, takes an
//! exclusive advisory lock ([`File::lock`]), and only then reads what it
//! checks and extends; the lock is released when the command ends. Commands
//! that only read (`prove`, `summary`, the chain a ledger command checks
//! against) take a shared lock ([`read_shared`]), so they never see half of
//! a line being appended. An append that fails part-way is undone: the file
//! is cut back to its length before the append.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use double_random::records::Envelope;

use crate::files;
use crate::receipts::{ReceiptError, io};

/// Reads a whole file under a shared lock: no appending command (which holds
/// the exclusive lock) is half-way through a line meanwhile.
///
/// Where the file system has no locks (some network or FUSE mounts), the
/// file is read without one: a reader is no worse off than before locking.
///
/// At most [`files::LOG_FILE_LIMIT`] bytes are read, with lines of at most
/// [`files::LINE_LIMIT`]: `/dev/zero` or a huge file is an error.
pub(crate) fn read_shared(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    let _ = file.lock_shared();
    let bytes = files::read_open(&mut file, files::Limit::LOG)?;
    files::check_lines(&bytes)?;
    Ok(bytes)
}

/// A JSON Lines file open for appending, locked, with the bytes it held when
/// the lock was taken.
#[derive(Debug)]
pub(crate) struct LockedLog {
    path: PathBuf,
    file: File,
    bytes: Vec<u8>,
    /// This command created the file: if it appends nothing, the empty file
    /// is removed again when the log is dropped (a failed first `commit`
    /// leaves no empty chain behind).
    created: bool,
}

impl LockedLog {
    /// Opens and locks `path` (waiting for another command's lock), then
    /// reads it. A missing file is created empty when `may_be_new`, and is
    /// an error otherwise.
    pub(crate) fn open(path: &Path, may_be_new: bool) -> Result<LockedLog, ReceiptError> {
        // Never through a symlink: a planted link would send the records elsewhere.
        files::refuse_symlink(path).map_err(io(path))?;
        let existing = OpenOptions::new().read(true).append(true).open(path);
        let (mut file, created) = match existing {
            Ok(f) => (f, false),
            Err(e) if may_be_new && e.kind() == std::io::ErrorKind::NotFound => (
                OpenOptions::new()
                    .read(true)
                    .append(true)
                    .create_new(true)
                    .open(path)
                    .map_err(io(path))?,
                true,
            ),
            Err(e) => return Err(io(path)(e)),
        };
        file.lock().map_err(io(path))?;
        let bytes = files::read_open(&mut file, files::Limit::LOG).map_err(io(path))?;
        files::check_lines(&bytes).map_err(io(path))?;
        Ok(LockedLog {
            path: path.to_owned(),
            file,
            bytes,
            created,
        })
    }

    /// The file's contents when it was locked.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Appends one envelope as a line and syncs it to disk. A last line
    /// left without its newline (a file edited by hand) is ended first, so
    /// the new record never runs into it.
    pub(crate) fn append(&mut self, env: &Envelope) -> Result<(), ReceiptError> {
        self.append_all(&[env])
    }

    /// Appends several records in one write: all of them or, on an I/O
    /// error, none (the file is cut back to what it was).
    pub(crate) fn append_all(&mut self, envs: &[&Envelope]) -> Result<(), ReceiptError> {
        let mut line = String::new();
        if self.bytes.last().is_some_and(|&b| b != b'\n') {
            line.push('\n');
        }
        for env in envs {
            line.push_str(&env.to_json());
            line.push('\n');
        }
        let written = self
            .file
            .write_all(line.as_bytes())
            .and_then(|()| self.file.sync_all());
        if let Err(e) = written {
            // Undo a partial line (disk full, I/O error): a torn last line
            // would make every later command refuse the file. The bytes
            // read under the lock are exactly what was there before.
            let _ = self.file.set_len(self.bytes.len() as u64);
            let _ = self.file.sync_all();
            return Err(io(&self.path)(e));
        }
        self.bytes.extend_from_slice(line.as_bytes());
        Ok(())
    }
}

impl Drop for LockedLog {
    fn drop(&mut self) {
        // Still holding the lock: nobody else appended to a file this
        // command created and left empty.
        if self.created && self.bytes.is_empty() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
