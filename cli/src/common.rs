//! Pieces shared by the commands: exit statuses, reading options, errors.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use double_random::{UsccPolicy, ValidationOptions};
use time::Date;

use crate::input::{Encoding, InputError};

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
    double_random::parse_date(s).ok_or_else(|| format!("{s:?} is not a date (write 2024-03-05)"))
}
