//! Pieces shared by the commands: exit statuses, reading options, errors.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Args, ValueEnum};
use double_random::registers::{UsccPolicy, ValidationOptions};
use time::Date;

use crate::input::{Encoding, InputError};

/// Set by the binary: the process exits as soon as its command returns.
static EXIT_AFTER_COMMAND: AtomicBool = AtomicBool::new(false);

/// Tells [`release`] that the process exits right after the command (only
/// `main` calls this; tests and other users of the library free as usual).
pub fn exit_after_command() {
    EXIT_AFTER_COMMAND.store(true, Ordering::Relaxed);
}

/// Releases what a command is done with at its end. In the binary, which
/// exits next, large registers are not freed but left to the operating
/// system, which takes the whole heap back at once: freeing a register of a
/// million entities one allocation at a time costs tens of milliseconds (10
/// to 20 ms for W1's in round 5 of docs/PERFORMANCE.md) and gains nothing.
pub fn release<T>(value: T) {
    if EXIT_AFTER_COMMAND.load(Ordering::Relaxed) {
        std::mem::forget(value);
    } else {
        drop(value);
    }
}

/// How a command ended; the process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Everything checked holds (exit 0).
    Ok,
    /// Something was found wrong (exit 1).
    Failed,
    /// An input could not be read at all (exit 2).
    Unreadable,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        match s {
            Status::Ok => ExitCode::SUCCESS,
            Status::Failed => ExitCode::from(1),
            Status::Unreadable => ExitCode::from(2),
        }
    }
}

/// Errors that stop a command before it can judge anything (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A register or table file could not be read.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Output could not be written.
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
    /// JSON output could not be produced.
    #[error("cannot produce JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A task file could not be read or breaks a task rule.
    #[error(transparent)]
    Task(#[from] crate::task_file::TaskFileError),
    /// Sample sizes could not be computed.
    #[error(transparent)]
    Sizes(#[from] double_random::sampling::SizeError),
    /// A receipt command could not proceed.
    #[error(transparent)]
    Receipt(Box<crate::receipts::ReceiptError>),
    /// A notice could not be made.
    #[error(transparent)]
    Notice(Box<crate::notice::NoticeError>),
    /// A year plan or one of its task files could not be read or breaks a rule.
    #[error(transparent)]
    Year(Box<crate::year::YearPlanError>),
    /// A chain or ledger could not be repaired.
    #[error(transparent)]
    Repair(Box<crate::repair::RepairError>),
    /// The approver keys pinned beside a ledger are missing or unusable.
    #[error(transparent)]
    Approvers(Box<crate::approvers::ApproversError>),
    /// A witness command could not proceed.
    #[cfg(feature = "witness")]
    #[error(transparent)]
    Witness(Box<crate::witness::WitnessCliError>),
}

/// `println!` for command output that returns the write error (`?`) instead
/// of panicking: a reader that closes the pipe early (`| head`) ends the
/// command quietly ([`CliError::is_broken_pipe`]).
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($arg)*)?
    }};
}

/// `print!` counterpart of [`outln!`].
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout(), $($arg)*)?
    }};
}

impl CliError {
    /// True when standard output was closed by its reader (`| head`): not
    /// a failure of the command, nothing to report.
    pub fn is_broken_pipe(&self) -> bool {
        let broken = |k: Option<std::io::ErrorKind>| k == Some(std::io::ErrorKind::BrokenPipe);
        match self {
            CliError::Output(e) => broken(Some(e.kind())),
            CliError::Json(e) => broken(e.io_error_kind()),
            _ => false,
        }
    }
}

/// Text encoding of CSV inputs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum EncodingArg {
    /// UTF-8 (with or without BOM), else GB18030.
    #[default]
    Auto,
    /// UTF-8, with or without BOM.
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// GB18030 (a superset of GBK), as Excel saves CSV on Chinese Windows.
    #[value(name = "gb18030", alias = "gbk")]
    Gb18030,
}

impl From<EncodingArg> for Encoding {
    fn from(e: EncodingArg) -> Encoding {
        match e {
            EncodingArg::Auto => Encoding::Auto,
            EncodingArg::Utf8 => Encoding::Utf8,
            EncodingArg::Gb18030 => Encoding::Gb18030,
        }
    }
}

/// USCC validation policy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum UsccPolicyArg {
    /// Refuse any code whose check character fails.
    #[default]
    Strict,
    /// Accept a code whose only fault is its check character, and warn.
    Lenient,
}

/// Options for reading register files.
#[derive(Clone, Debug, Args)]
pub struct ReadArgs {
    /// Encoding of CSV files.
    #[arg(long, value_enum, default_value_t = EncodingArg::Auto)]
    pub encoding: EncodingArg,
    /// How to treat USCC check characters (lenient admits legal pilot codes with a warning).
    #[arg(long, value_enum, default_value_t = UsccPolicyArg::Strict)]
    pub uscc_policy: UsccPolicyArg,
}

impl ReadArgs {
    /// The library's validation options for these flags and an optional check date.
    pub fn options(&self, on: Option<Date>) -> ValidationOptions {
        ValidationOptions {
            uscc_policy: match self.uscc_policy {
                UsccPolicyArg::Strict => UsccPolicy::Strict,
                UsccPolicyArg::Lenient => UsccPolicy::LenientCheckCharacter,
            },
            on,
        }
    }
}

/// Parses a date flag (clap value parser).
pub fn parse_date_arg(s: &str) -> Result<Date, String> {
    double_random::calendar::parse_date(s).ok_or_else(|| {
        if crate::lang::zh() {
            format!("{s:?} 不是日期（请写作 2024-03-05）")
        } else {
            format!("{s:?} is not a date (write 2024-03-05)")
        }
    })
}

/// Columns a character takes in a terminal: 2 for CJK ideographs, kana,
/// hangul, CJK punctuation and full-width forms, 1 for everything else.
///
/// A deliberately small table (no combining marks, no emoji): enough to
/// line up Chinese names and departments in the tool's tables.
pub fn char_width(c: char) -> usize {
    match u32::from(c) {
        0x1100..=0x115F // Hangul Jamo initials
        | 0x2E80..=0x303E // CJK radicals, Kangxi, CJK symbols and punctuation
        | 0x3041..=0x33FF // kana, bopomofo, CJK compatibility
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xA000..=0xA4CF // Yi
        | 0xAC00..=0xD7A3 // Hangul syllables
        | 0xF900..=0xFAFF // CJK compatibility ideographs
        | 0xFE30..=0xFE4F // CJK compatibility forms
        | 0xFF00..=0xFF60 // full-width forms
        | 0xFFE0..=0xFFE6 // full-width signs
        | 0x20000..=0x2FFFD // CJK extensions B..F
        | 0x30000..=0x3FFFD => 2, // CJK extension G and later
        _ => 1,
    }
}

/// Columns a string takes in a terminal (see [`char_width`]).
pub fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// `s` followed by spaces up to `width` display columns (unchanged if wider).
pub fn pad_right(s: &str, width: usize) -> String {
    let pad = width.saturating_sub(display_width(s));
    format!("{s}{}", " ".repeat(pad))
}

/// Spaces up to `width` display columns, then `s` (unchanged if wider).
pub fn pad_left(s: &str, width: usize) -> String {
    let pad = width.saturating_sub(display_width(s));
    format!("{}{s}", " ".repeat(pad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths() {
        assert_eq!(display_width(""), 0);
        assert_eq!(display_width("abc 12"), 6);
        assert_eq!(display_width("管理股"), 6);
        assert_eq!(display_width("A类 低风险"), 1 + 2 + 1 + 6);
        assert_eq!(display_width("（全角）ＡＢ"), 12);
        assert_eq!(display_width("、。「」"), 8);
        assert_eq!(display_width("\u{3000}"), 2);
        assert_eq!(display_width("𠀀"), 2);
        assert_eq!(display_width("é—ü"), 3);
    }

    #[test]
    fn padding() {
        assert_eq!(pad_right("水资源股", 12), "水资源股    ");
        assert_eq!(pad_right("abc", 6), "abc   ");
        assert_eq!(pad_left("管理股", 8), "  管理股");
        assert_eq!(pad_right("工程建设管理股", 4), "工程建设管理股");
        assert_eq!(display_width(&pad_right("河道股", 12)), 12);
        assert_eq!(display_width(&pad_right("admin", 12)), 12);
    }
}
