//! The `double-random` command-line tool as a library: every command is a
//! function, so integration tests and fuzz targets can drive them without a
//! process. The binary in `main.rs` only parses arguments and maps the
//! result to an exit status.

pub mod app;
pub mod approve;
pub mod approvers;
pub mod calendar_file;
pub mod check;
pub mod commit_notice;
pub mod common;
pub mod files;
pub mod import;
pub mod input;
pub mod lang;
pub mod ledger;
mod log_file;
pub mod notice;
pub mod passphrase;
pub mod plan;
pub mod progress;
pub mod receipts;
pub mod registers;
pub mod repair;
pub mod report;
pub mod scope;
pub mod secrets;
pub mod show;
pub mod task_file;
pub mod when;
#[cfg(feature = "witness")]
pub mod witness;
pub mod xlsx;
pub mod year;
