//! The typed errors of the input phase.

use super::TableKind;

/// Why a register file could not be read or understood.
///
/// Every variant names the file as the user gave it and, where it helps,
/// the spreadsheet row, the cell, or the byte offset of the problem. The
/// messages are written for the clerk who prepared the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The file could not be opened or read from disk.
    #[error("cannot read {file}: {cause}")]
    Io {
        /// File name as given.
        file: String,
        /// The operating-system error.
        #[source]
        cause: std::io::Error,
    },

    /// The file is larger than a register file may be (see
    /// `docs/columns.md`, "Limits").
    #[error(
        "{file} holds more than {}, the most read from a register file {how}; is it the right file?",
        crate::files::human(*limit)
    )]
    TooLarge {
        /// File name as given.
        file: String,
        /// The limit in bytes.
        limit: u64,
        /// How the file was read ("streamed", "read whole").
        how: &'static str,
    },

    /// One row (record) of a CSV file is longer than any register row may be.
    #[error(
        "{file} row {row} is longer than {} (the longest row read); look for an unclosed quote",
        crate::files::human(*limit as u64)
    )]
    RowTooLong {
        /// File name as given.
        file: String,
        /// Spreadsheet row number where the row starts.
        row: usize,
        /// The limit in bytes.
        limit: usize,
    },

    /// A row has more columns than any register has.
    #[error("{file} row {row} has more than {limit} columns, the most read")]
    TooManyColumns {
        /// File name as given.
        file: String,
        /// Spreadsheet row number.
        row: usize,
        /// The limit.
        limit: usize,
    },

    /// A workbook cell holds a value past the last column read.
    #[error(
        "{file} cell {cell} (sheet \"{sheet}\") is past column {limit}, the last column read; delete what is there"
    )]
    CellOutOfRange {
        /// File name as given.
        file: String,
        /// Worksheet name.
        sheet: String,
        /// Cell reference such as `XFD1048576`.
        cell: String,
        /// The number of columns read.
        limit: usize,
    },

    /// A workbook cell holds more text than Excel allows in a cell.
    #[error(
        "{file} cell {cell} (sheet \"{sheet}\") holds more than {limit} characters, the most a cell holds in Excel"
    )]
    CellTooLong {
        /// File name as given.
        file: String,
        /// Worksheet name.
        sheet: String,
        /// Cell reference such as `C7`.
        cell: String,
        /// The limit in characters.
        limit: usize,
    },

    /// A part of the workbook inflates beyond the limits: a zip bomb, or a
    /// workbook far larger than any register.
    #[error(
        "{file} is refused: its part {entry} inflates to more than {} ({reason})",
        crate::files::human(*inflated)
    )]
    Inflated {
        /// File name as given.
        file: String,
        /// The zip entry's name.
        entry: String,
        /// Bytes inflated when it was stopped.
        inflated: u64,
        /// Which limit: the total, or the ratio to its compressed size.
        reason: String,
    },

    /// `--encoding` was given a name this tool does not know.
    #[error("unknown encoding \"{given}\": use auto, utf-8, gb18030 or gbk")]
    UnknownEncodingName {
        /// The name as typed.
        given: String,
    },

    /// The file holds no non-empty row, so there is not even a header row.
    #[error("{file} is empty: expected a header row followed by data rows")]
    Empty {
        /// File name as given.
        file: String,
    },

    /// The file is not valid UTF-8 although UTF-8 was requested (or promised by a BOM).
    #[error(
        "{file} is not valid UTF-8 text (first bad byte at offset {offset}); \
         if it was saved by Excel or WPS on Chinese Windows, try --encoding gb18030"
    )]
    InvalidUtf8 {
        /// File name as given.
        file: String,
        /// Zero-based byte offset of the first undecodable byte in the file.
        offset: usize,
    },

    /// The file is not valid GB18030/GBK text although that encoding was requested.
    #[error(
        "{file} is not valid GB18030/GBK text (first bad byte at offset {offset}); \
         if it was saved as \"CSV UTF-8\", try --encoding utf-8"
    )]
    InvalidGb18030 {
        /// File name as given.
        file: String,
        /// Zero-based byte offset of the first undecodable byte in the file.
        offset: usize,
    },

    /// Automatic detection found the file to be neither UTF-8 nor GB18030 text.
    #[error(
        "{file} is neither UTF-8 nor GB18030/GBK text (undecodable bytes at offset {offset}); \
         open it in Excel or WPS and save it as \"CSV UTF-8 (comma delimited)\" or as .xlsx"
    )]
    UnknownEncoding {
        /// File name as given.
        file: String,
        /// Zero-based byte offset of the first undecodable byte in the file.
        offset: usize,
    },

    /// The file is UTF-16 text (Excel's "Unicode Text"), which is not read.
    #[error(
        "{file} is UTF-16 \"Unicode Text\"; save it from Excel or WPS as \
         \"CSV UTF-8 (comma delimited)\" or as .xlsx instead"
    )]
    Utf16 {
        /// File name as given.
        file: String,
    },

    /// The CSV text could not be split into fields.
    #[error("{file} row {row}: cannot split the row into fields: {message}")]
    Csv {
        /// File name as given.
        file: String,
        /// Spreadsheet row number (header row is 1).
        row: usize,
        /// What the CSV parser reported.
        message: String,
    },

    /// A data row has a different number of fields than the header row.
    #[error(
        "{file} row {row} has {found} fields but the header row has {expected}; \
         look for a stray comma, a missing value or a value outside the table"
    )]
    Ragged {
        /// File name as given.
        file: String,
        /// Spreadsheet row number (header row is 1).
        row: usize,
        /// Number of columns in the header row.
        expected: usize,
        /// Number of fields found in this row.
        found: usize,
    },

    /// The file is an old binary Excel 97-2003 workbook (.xls).
    #[error("{file} is an old Excel 97-2003 (.xls) workbook; save it as .xlsx or CSV UTF-8")]
    LegacyXls {
        /// File name as given.
        file: String,
    },

    /// The file looked like an .xlsx workbook but could not be opened as one.
    #[error("{file} is not a readable .xlsx workbook: {reason}")]
    NotAWorkbook {
        /// File name as given.
        file: String,
        /// What the workbook reader reported.
        reason: String,
    },

    /// The workbook contains no worksheet (only charts, macros or nothing).
    #[error("{file} contains no worksheet")]
    NoSheet {
        /// File name as given.
        file: String,
    },

    /// A workbook cell holds an Excel error value such as `#N/A` or `#REF!`.
    #[error(
        "{file} cell {cell} (sheet \"{sheet}\") shows the Excel error {value}; \
         fix the formula or type the value itself"
    )]
    CellError {
        /// File name as given.
        file: String,
        /// Worksheet name.
        sheet: String,
        /// Cell reference such as `C7`.
        cell: String,
        /// The error as Excel displays it, e.g. `#N/A`.
        value: String,
    },

    /// A column the file kind needs is not among the headers.
    #[error(
        "{file} has no {kind} column \"{column}\"; accepted headers: {}; the file's headers are: {}",
        accepted.join(", "),
        found.join(", ")
    )]
    MissingColumn {
        /// File name as given.
        file: String,
        /// What kind of register the file was read as.
        kind: TableKind,
        /// The canonical column name.
        column: &'static str,
        /// Every header spelling accepted for this column.
        accepted: Vec<&'static str>,
        /// The headers actually present in the file.
        found: Vec<String>,
    },

    /// Two headers in the file name the same column.
    #[error(
        "{file} has two headers for the {kind} column \"{column}\": \"{first}\" and \"{second}\"; \
         delete or rename one of them"
    )]
    DuplicateColumn {
        /// File name as given.
        file: String,
        /// What kind of register the file was read as.
        kind: TableKind,
        /// The canonical column name.
        column: &'static str,
        /// The first header naming it, as written in the file.
        first: String,
        /// The second header naming it, as written in the file.
        second: String,
    },
}
