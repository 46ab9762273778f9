//! Reading and writing the tool's files safely.
//!
//! - **Bounded reads.** Every file is read up to a stated size
//!   ([`Limit`]): a chain, ledger or cosignature file at most
//!   [`LOG_FILE_LIMIT`] with lines of at most [`LINE_LIMIT`], a key or task
//!   file at most [`SMALL_FILE_LIMIT`]. `/dev/zero` given as any input ends
//!   with [`LimitError::FileTooLarge`] after that many bytes, never reads for
//!   ever. (Register files have their own limits, in `input`.)
//! - **Outputs never through a symlink, never over a file unless asked.**
//!   [`create_output`] refuses a path that is a symbolic link (checked with
//!   `symlink_metadata` and again by the kernel with `O_NOFOLLOW`) and an
//!   existing file unless [`Overwrite::Replace`] (`--force`).
//! - **Secrets stay private.** Secret keys and secrets files are refused
//!   when group or others may read them ([`read_private`]), and are created
//!   with mode 0600 ([`create_private`], [`open_private_append`]).
//!
//! The limits are written in docs/guide.md ("Files the tool reads and
//! writes").

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// Most bytes read from a chain, results ledger, cosignature or secrets
/// file (256 MiB: a million records of a few hundred bytes).
pub const LOG_FILE_LIMIT: u64 = 256 << 20;

/// Longest line of a chain, ledger or cosignature file (64 MiB: a draw of
/// 100 000 entities with their teams is about 40 MiB).
pub const LINE_LIMIT: usize = 64 << 20;

/// Most bytes read from a key, task, year-plan or other small text file (1 MiB).
pub const SMALL_FILE_LIMIT: u64 = 1 << 20;

/// Most bytes read from a proof bundle, a key change or a report input
/// (the chain limit: a bundle carries a draw record).
pub const BUNDLE_LIMIT: u64 = LOG_FILE_LIMIT;

/// How many bytes a kind of file may hold, and what it is called in messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// Most bytes read.
    pub bytes: u64,
    /// The kind of file, in messages ("chain or ledger file").
    pub what: &'static str,
}

impl Limit {
    /// Chains, ledgers, cosignature and secrets files.
    pub const LOG: Limit = Limit {
        bytes: LOG_FILE_LIMIT,
        what: "chain, ledger, cosignature or secrets file",
    };
    /// Keys, task files, year plans, approver lists.
    pub const SMALL: Limit = Limit {
        bytes: SMALL_FILE_LIMIT,
        what: "key, task or plan file",
    };
    /// Proof bundles, key changes, files checked against a checkpoint.
    pub const BUNDLE: Limit = Limit {
        bytes: BUNDLE_LIMIT,
        what: "proof bundle or published file",
    };
}

/// A file or line beyond the tool's limits. Carried inside an
/// [`io::Error`] (kind `FileTooLarge` or `InvalidData`), so every command
/// reports it as it reports a file it cannot read, naming the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LimitError {
    /// The file holds more bytes than are read from its kind of file.
    #[error(
        "it holds more than {} (the most read from a {what}); is it the right file?",
        human(*limit)
    )]
    FileTooLarge {
        /// The limit in bytes.
        limit: u64,
        /// The kind of file.
        what: &'static str,
    },
    /// A line is longer than any record of the format.
    #[error("line {line} is longer than {} (the longest line read)", human(*limit as u64))]
    LineTooLong {
        /// 1-based line number.
        line: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// An output path is a symbolic link: the tool never writes through one.
    #[error("it is a symbolic link; the tool never writes through one (give the real path)")]
    Symlink,
    /// The output file exists and `--force` was not given.
    #[error("it exists already; give --force to replace it")]
    Exists,
    /// A secret file that group or others may read.
    #[error(
        "it holds a secret but its mode is {mode:04o}: group or others may read it; run `chmod 600` on it (and consider the secret seen)"
    )]
    NotPrivate {
        /// The file's permission bits.
        mode: u32,
    },
}

impl LimitError {
    fn into_io(self) -> io::Error {
        let kind = match self {
            LimitError::FileTooLarge { .. } => io::ErrorKind::FileTooLarge,
            LimitError::LineTooLong { .. } => io::ErrorKind::InvalidData,
            LimitError::Symlink | LimitError::NotPrivate { .. } => io::ErrorKind::PermissionDenied,
            LimitError::Exists => io::ErrorKind::AlreadyExists,
        };
        io::Error::new(kind, self)
    }
}

/// `1 MiB`, `256 MiB`, `4 GiB`, or bytes.
pub fn human(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Reads an open file to its end, or fails once it holds more than `limit`.
pub fn read_open(file: &mut File, limit: Limit) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if let Ok(m) = file.metadata()
        && m.is_file()
    {
        if m.len() > limit.bytes {
            return Err(too_large(limit));
        }
        bytes.reserve(usize::try_from(m.len()).unwrap_or(0));
    }
    file.take(limit.bytes.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit.bytes {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

fn too_large(limit: Limit) -> io::Error {
    LimitError::FileTooLarge {
        limit: limit.bytes,
        what: limit.what,
    }
    .into_io()
}

/// Reads a file, at most `limit` bytes.
pub fn read_capped(path: &Path, limit: Limit) -> io::Result<Vec<u8>> {
    read_open(&mut File::open(path)?, limit)
}

/// Reads a UTF-8 text file, at most `limit` bytes.
pub fn read_text_capped(path: &Path, limit: Limit) -> io::Result<String> {
    String::from_utf8(read_capped(path, limit)?)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.utf8_error()))
}

/// Refuses bytes with a line longer than [`LINE_LIMIT`].
pub fn check_lines(bytes: &[u8]) -> io::Result<()> {
    check_lines_within(bytes, LINE_LIMIT)
}

fn check_lines_within(bytes: &[u8], limit: usize) -> io::Result<()> {
    if bytes.len() <= limit {
        return Ok(());
    }
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.len() > limit {
            return Err(LimitError::LineTooLong { line: i + 1, limit }.into_io());
        }
    }
    Ok(())
}

/// Whether an existing output may be replaced (`--force`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Overwrite {
    /// An existing file is an error (the default).
    #[default]
    Refuse,
    /// An existing regular file is replaced (`--force`); a symlink never is.
    Replace,
}

impl Overwrite {
    /// From a `--force` flag.
    pub fn from_force(force: bool) -> Self {
        if force {
            Overwrite::Replace
        } else {
            Overwrite::Refuse
        }
    }
}

/// Refuses `path` when it is a symbolic link (even a dangling one).
pub fn refuse_symlink(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(LimitError::Symlink.into_io()),
        _ => Ok(()),
    }
}

#[cfg(unix)]
fn no_follow(o: &mut OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt;
    o.custom_flags(libc::O_NOFOLLOW);
}

#[cfg(not(unix))]
fn no_follow(_: &mut OpenOptions) {}

/// Creates an output file: never through a symbolic link, and over an
/// existing file only with [`Overwrite::Replace`].
pub fn create_output(path: &Path, overwrite: Overwrite) -> io::Result<File> {
    refuse_symlink(path)?;
    let mut o = OpenOptions::new();
    o.write(true);
    no_follow(&mut o);
    match overwrite {
        // create_new (O_EXCL) fails on any existing path, a symlink included.
        Overwrite::Refuse => o.create_new(true),
        Overwrite::Replace => o.create(true).truncate(true),
    };
    o.open(path).map_err(|e| match e.kind() {
        io::ErrorKind::AlreadyExists => LimitError::Exists.into_io(),
        _ if is_symlink_loop(&e) => LimitError::Symlink.into_io(),
        _ => e,
    })
}

/// `O_NOFOLLOW` on a symlink fails with `ELOOP`.
fn is_symlink_loop(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// Writes an output file whole (see [`create_output`]).
pub fn write_output(path: &Path, bytes: impl AsRef<[u8]>, overwrite: Overwrite) -> io::Result<()> {
    use std::io::Write;
    let mut f = create_output(path, overwrite)?;
    f.write_all(bytes.as_ref())?;
    f.sync_all()
}

/// Refuses an open file that group or others may read (Unix).
pub fn check_private(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata()?.permissions().mode() & 0o7777;
        if mode & 0o077 != 0 {
            return Err(LimitError::NotPrivate { mode }.into_io());
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Reads a secret file (a secret key, a secrets file): refused when group or
/// others may read it.
pub fn read_private(path: &Path, limit: Limit) -> io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    check_private(&file)?;
    read_open(&mut file, limit)
}

/// [`read_private`] as UTF-8 text.
pub fn read_private_text(path: &Path, limit: Limit) -> io::Result<String> {
    String::from_utf8(read_private(path, limit)?)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.utf8_error()))
}

/// Creates a file only its owner can read (mode 0600), refusing an
/// existing path (a symlink included).
pub fn create_private(path: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    no_follow(&mut o);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path).map_err(|e| match e.kind() {
        io::ErrorKind::AlreadyExists if refuse_symlink(path).is_err() => {
            LimitError::Symlink.into_io()
        }
        _ => e,
    })
}

/// Opens a secret file for appending: created with mode 0600 when missing;
/// an existing one must not be a symlink nor readable by group or others.
pub fn open_private_append(path: &Path) -> io::Result<File> {
    refuse_symlink(path)?;
    let mut o = OpenOptions::new();
    o.read(true).append(true).create(true);
    no_follow(&mut o);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let file = o.open(path).map_err(|e| {
        if is_symlink_loop(&e) {
            LimitError::Symlink.into_io()
        } else {
            e
        }
    })?;
    check_private(&file)?;
    Ok(file)
}

/// Opens a (public) log file for appending, never through a symlink:
/// created when missing.
pub fn open_append(path: &Path) -> io::Result<File> {
    refuse_symlink(path)?;
    let mut o = OpenOptions::new();
    o.read(true).append(true).create(true);
    no_follow(&mut o);
    o.open(path).map_err(|e| {
        if is_symlink_loop(&e) {
            LimitError::Symlink.into_io()
        } else {
            e
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_sizes() {
        assert_eq!(human(256 << 20), "256 MiB");
        assert_eq!(human(4 << 30), "4 GiB");
        assert_eq!(human(1 << 10), "1 KiB");
        assert_eq!(human(1000), "1000 bytes");
    }

    #[test]
    fn reads_stop_at_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, [b'x'; 20]).unwrap();
        let small = Limit {
            bytes: 10,
            what: "test file",
        };
        let e = read_capped(&p, small).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
        assert!(e.to_string().contains("more than 10 bytes"), "{e}");
        let ok = Limit {
            bytes: 20,
            what: "test file",
        };
        assert_eq!(read_capped(&p, ok).unwrap().len(), 20);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn dev_zero_ends() {
        let e = read_capped(Path::new("/dev/zero"), Limit::SMALL).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
    }

    #[test]
    fn long_lines_are_named() {
        let bytes = b"ab\nabcdef\nx";
        assert!(check_lines_within(bytes, 6).is_ok());
        let e = check_lines_within(bytes, 5).unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn outputs_refuse_symlinks_and_existing_files() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        std::fs::write(&target, "keep").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        for o in [Overwrite::Refuse, Overwrite::Replace] {
            let e = write_output(&link, "x", o).unwrap_err();
            assert!(e.to_string().contains("symbolic link"), "{e}");
        }
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        let e = write_output(&target, "x", Overwrite::Refuse).unwrap_err();
        assert!(e.to_string().contains("--force"), "{e}");
        write_output(&target, "new", Overwrite::Replace).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        // A dangling link is refused too, and nothing is created behind it.
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(write_output(&dangling, "x", Overwrite::Replace).is_err());
        assert!(create_private(&dangling).is_err());
        assert!(open_private_append(&dangling).is_err());
        assert!(!dir.path().join("nowhere").exists());
    }

    #[cfg(unix)]
    #[test]
    fn secrets_must_be_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.key");
        {
            use std::io::Write;
            create_private(&p).unwrap().write_all(b"secret").unwrap();
        }
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(read_private(&p, Limit::SMALL).unwrap(), b"secret");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = read_private(&p, Limit::SMALL).unwrap_err();
        assert!(e.to_string().contains("0644"), "{e}");
        assert!(open_private_append(&p).is_err());
    }
}
