//! Append-only JSON Lines files (the receipt chain, the results ledger),
//! opened for appending under an exclusive lock.
//!
//! Two commands appending to one chain at once would both read sequence
//! `n`, both sign a record for `n + 1`, and leave a fork that no later
//! command can repair. So a command that appends opens the file, takes an
//! exclusive advisory lock ([`File::lock`]), and only then reads what it
//! checks and extends; the lock is released when the command ends. Readers
//! (`verify`, `prove`, ...) take no lock: they only read whole lines.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use double_random::Envelope;

use crate::receipts::{ReceiptError, io};

/// A JSON Lines file open for appending, locked, with the bytes it held when
/// the lock was taken.
#[derive(Debug)]
pub(crate) struct LockedLog {
    path: PathBuf,
    file: File,
    bytes: Vec<u8>,
}

impl LockedLog {
    /// Opens and locks `path` (waiting for another command's lock), then
    /// reads it. A missing file is created empty when `may_be_new`, and is
    /// an error otherwise.
    pub(crate) fn open(path: &Path, may_be_new: bool) -> Result<LockedLog, ReceiptError> {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(may_be_new)
            .open(path)
            .map_err(io(path))?;
        file.lock().map_err(io(path))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io(path))?;
        Ok(LockedLog {
            path: path.to_owned(),
            file,
            bytes,
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
        let mut line = String::new();
        if self.bytes.last().is_some_and(|&b| b != b'\n') {
            line.push('\n');
        }
        line.push_str(&env.to_json());
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .map_err(io(&self.path))?;
        self.file.sync_all().map_err(io(&self.path))?;
        self.bytes.extend_from_slice(line.as_bytes());
        Ok(())
    }
}
