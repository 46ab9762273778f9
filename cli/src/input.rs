//! Reading register files: CSV (UTF-8 or GB18030/GBK) and .xlsx workbooks.
//!
//! Everything here turns bytes into a [`Table`] of trimmed text cells with
//! true spreadsheet row numbers, or into a typed [`InputError`] a clerk can
//! act on. Mapping the headers of a table onto the columns a register kind
//! needs is done by [`resolve_headers`]; the accepted spellings are listed in
//! `docs/columns.md`.

mod columns;
mod error;
mod text;
mod workbook;

use std::io::{Read, Seek};
use std::path::Path;
use std::str::FromStr;

pub use columns::{ColumnMap, TableKind, resolve_headers, resolve_names};
pub use error::InputError;

/// Which text encoding to assume for CSV input (`--encoding`).
///
/// Workbooks carry their own encoding; this only matters for CSV and text files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-8 when the file has a UTF-8 BOM or is valid UTF-8, otherwise GB18030.
    #[default]
    Auto,
    /// UTF-8, with or without BOM ("CSV UTF-8" in Excel and WPS).
    Utf8,
    /// GB18030, the superset of GBK and GB2312 (plain "CSV" from Excel on Chinese Windows).
    Gb18030,
}

impl FromStr for Encoding {
    type Err = InputError;

    /// Parses `auto`, `utf-8`/`utf8`, `gb18030`, `gbk` or `gb2312` (any case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Encoding::Auto),
            "utf-8" | "utf8" => Ok(Encoding::Utf8),
            "gb18030" | "gbk" | "gb2312" | "cp936" => Ok(Encoding::Gb18030),
            _ => Err(InputError::UnknownEncodingName {
                given: s.to_owned(),
            }),
        }
    }
}

/// A table read from a file: one header row and the data rows below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The file name as given by the user, for messages.
    pub source: String,
    /// The header cells, trimmed, in file order.
    pub headers: Vec<String>,
    /// The non-empty data rows, in file order.
    pub rows: Vec<Row>,
}

/// One data row of a [`Table`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The row number a spreadsheet user sees (1-based; the header row of a
    /// file starting at the top is row 1, the first data row is row 2).
    /// Skipped empty rows still count.
    pub line: usize,
    /// The cells, trimmed, one per header.
    pub fields: Vec<String>,
}

/// Most bytes read from a UTF-8 CSV register, which is streamed (4 GiB:
/// some 25 million entities). `/dev/zero` ends here, or sooner at
/// [`MAX_ROW_BYTES`].
pub const REGISTER_STREAM_LIMIT: u64 = 4 << 30;

/// Most bytes read from a register file read whole: a workbook, or CSV
/// text in GB18030 (256 MiB).
pub const REGISTER_FILE_LIMIT: u64 = 256 << 20;

/// Longest row of a CSV file, quoted line breaks included (1 MiB).
pub const MAX_ROW_BYTES: usize = 1 << 20;

/// Most columns of a row, header row included (1024; a register has a dozen).
pub const MAX_COLUMNS: usize = 1024;

/// Most characters in a workbook cell (32 767, Excel's own limit).
pub const MAX_CELL_CHARS: usize = 32_767;

/// Most bytes a workbook's parts inflate to, together (1 GiB).
pub const MAX_INFLATED: u64 = 1 << 30;

/// A workbook part that inflates past [`RATIO_FLOOR`] may inflate to at
/// most this many times its compressed size (spreadsheet XML compresses
/// 5 to 20 times; a zip bomb a thousand times).
pub const MAX_RATIO: u64 = 100;

/// Parts smaller than this once inflated are not held to [`MAX_RATIO`].
pub const RATIO_FLOOR: u64 = 16 << 20;

/// The first bytes of every zip archive, hence of every .xlsx workbook.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// The first bytes of an OLE compound file, hence of an old .xls workbook.
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Reads a table from bytes already in memory.
///
/// `name` is the file name used in messages. Bytes starting like a zip
/// archive are read as an .xlsx workbook (first worksheet) whatever the
/// name; an old .xls workbook is refused; otherwise a name ending in
/// `.xlsx`/`.xlsm` must be a workbook and anything else (`.csv`, `.txt`, no
/// extension) is read as CSV text. `encoding` only applies to text.
pub fn read_table_bytes(name: &str, bytes: &[u8], encoding: Encoding) -> Result<Table, InputError> {
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    // No text file starts with these control bytes, so a workbook renamed
    // to .csv is still read as the workbook it is.
    if bytes.starts_with(ZIP_MAGIC) {
        return workbook::read_xlsx(name, bytes);
    }
    if bytes.starts_with(OLE_MAGIC) {
        return Err(InputError::LegacyXls {
            file: name.to_owned(),
        });
    }
    match ext.as_deref() {
        Some("xlsx" | "xlsm") => workbook::read_xlsx(name, bytes),
        _ => text::read_csv(name, bytes, encoding),
    }
}

/// Reads a table from a file; see [`read_table_bytes`] for the formats.
pub fn read_table_file(path: &Path, encoding: Encoding) -> Result<Table, InputError> {
    let name = path.display().to_string();
    let io = |cause| InputError::Io {
        file: name.clone(),
        cause,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let limit = crate::files::Limit {
        bytes: REGISTER_FILE_LIMIT,
        what: "register file read whole",
    };
    let bytes = crate::files::read_open(&mut file, limit).map_err(|cause| {
        if cause.kind() == std::io::ErrorKind::FileTooLarge {
            InputError::TooLarge {
                file: name.clone(),
                limit: REGISTER_FILE_LIMIT,
                how: "read whole (a workbook, or GB18030 text)",
            }
        } else {
            io(cause)
        }
    })?;
    read_table_bytes(&name, &bytes, encoding)
}

/// The data rows of a register file, read one at a time.
///
/// UTF-8 CSV files are streamed record by record, so memory does not grow
/// with the file; GB18030 text and workbooks are read whole first (they are
/// rare and small) and then handed out row by row. Either way the rows,
/// their numbers and the errors are those of [`read_table_file`].
///
/// Rows come either as owned [`Row`]s (the iterator) or, without an
/// allocation per row, as [`Cells`] borrowed from the reader
/// ([`RowReader::next_cells`]).
pub struct RowReader {
    source: String,
    headers: Vec<String>,
    /// Whether any row so far has a value in each column.
    has_value: Vec<bool>,
    rows: RowSource,
    /// The cells of the last row read.
    cells: text::CellBuf,
}

enum RowSource {
    Table(std::vec::IntoIter<Row>),
    /// The stream, and the file's path (to open it again for a stretch).
    Csv(Box<text::CsvStream>, std::path::PathBuf),
}

/// The trimmed cells of one data row, borrowed from a [`RowReader`].
#[derive(Clone, Copy, Debug)]
pub struct Cells<'r> {
    /// The row number, as [`Row::line`].
    pub line: usize,
    buf: &'r text::CellBuf,
}

impl<'r> Cells<'r> {
    /// Cell `i`, or `""` past the last (as an absent optional column reads).
    pub fn get(&self, i: usize) -> &'r str {
        self.buf.get(i)
    }

    /// The cell of canonical column `col`, `""` when an optional column is absent.
    pub fn column(&self, map: &ColumnMap, col: &str) -> &'r str {
        map.index(col).map_or("", |i| self.get(i))
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// True when the row has no cells.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The row as an owned [`Row`].
    pub fn to_row(&self) -> Row {
        Row {
            line: self.line,
            fields: self.buf.to_strings(),
        }
    }
}

impl std::fmt::Debug for RowReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowReader")
            .field("source", &self.source)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

impl RowReader {
    /// Opens a register file and reads its header row; see
    /// [`read_table_bytes`] for the formats.
    pub fn open(path: &Path, encoding: Encoding) -> Result<Self, InputError> {
        let name = path.display().to_string();
        let io = |cause| InputError::Io {
            file: name.clone(),
            cause,
        };
        let mut file = std::fs::File::open(path).map_err(io)?;
        let mut magic = Vec::with_capacity(OLE_MAGIC.len());
        std::io::Read::by_ref(&mut file)
            .take(OLE_MAGIC.len() as u64)
            .read_to_end(&mut magic)
            .map_err(io)?;
        if is_text(&magic, &name) {
            file.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
            if let Some((skip, delimiter)) = text::utf8_stream_plan(&name, &mut file, encoding)? {
                let stream = text::CsvStream::new(&name, file, skip as u64, delimiter)?;
                return RowReader::streamed(name, stream, path);
            }
        }
        let table = read_table_file(path, encoding)?;
        Ok(RowReader {
            source: table.source,
            has_value: vec![false; table.headers.len()],
            headers: table.headers,
            rows: RowSource::Table(table.rows.into_iter()),
            cells: text::CellBuf::default(),
        })
    }

    /// [`RowReader::open`] for a UTF-8 CSV file to be read in stretches
    /// ([`RowReader::split`]), without first reading the whole file to
    /// decide its encoding: only its first 64 KiB are examined, and the
    /// stretches check the rest as they read it. A reader of a file that
    /// turns out not to be UTF-8, or to hold a line too long, is then
    /// [`RowReader::unsure`], and the file must be read again with
    /// [`RowReader::open`], which names what is wrong with it.
    ///
    /// `None` for a file that is not such a CSV file, is small, or whose
    /// first bytes do not decide (read it with [`RowReader::open`]).
    pub fn open_for_split(path: &Path, encoding: Encoding) -> Option<Self> {
        let name = path.display().to_string();
        let mut file = std::fs::File::open(path).ok()?;
        let mut magic = Vec::with_capacity(OLE_MAGIC.len());
        std::io::Read::by_ref(&mut file)
            .take(OLE_MAGIC.len() as u64)
            .read_to_end(&mut magic)
            .ok()?;
        if !is_text(&magic, &name) {
            return None;
        }
        file.seek(std::io::SeekFrom::Start(0)).ok()?;
        let (skip, delimiter) = text::utf8_head_plan(&name, &mut file, encoding)?;
        let mut stream = text::CsvStream::new(&name, file, skip as u64, delimiter).ok()?;
        stream.check_lines(skip);
        RowReader::streamed(name, stream, path).ok()
    }

    /// A reader of `stream`, a file's rows from its start, once its header is read.
    fn streamed(
        name: String,
        mut stream: text::CsvStream,
        path: &Path,
    ) -> Result<Self, InputError> {
        let headers = stream.headers()?;
        Ok(RowReader {
            source: name,
            has_value: vec![false; headers.len()],
            headers,
            rows: RowSource::Csv(Box::new(stream), path.to_path_buf()),
            cells: text::CellBuf::default(),
        })
    }

    /// The file name as given, for messages.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The header cells, trimmed, in file order.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Maps the headers onto the columns of `kind` (see [`resolve_headers`]).
    ///
    /// Before the rows are read, columns without a header are not yet known
    /// to hold values, so [`ColumnMap::ignored`] lists them only when this is
    /// called again after the last row.
    pub fn resolve(&self, kind: TableKind) -> Result<ColumnMap, InputError> {
        resolve_names(&self.source, &self.headers, kind, |i| {
            self.has_value.get(i).copied().unwrap_or(false)
        })
    }

    /// The next data row, borrowed until the next call; `None` at the end
    /// and after an error. The same rows, row numbers and errors as the
    /// iterator, without allocating for each row.
    pub fn next_cells(&mut self) -> Option<Result<Cells<'_>, InputError>> {
        let line = match &mut self.rows {
            RowSource::Table(rows) => {
                let row = rows.next()?;
                self.cells.clear();
                for f in &row.fields {
                    self.cells.push(f);
                }
                row.line
            }
            RowSource::Csv(stream, _) => match stream.next_row(&mut self.cells)? {
                Ok(line) => line,
                Err(e) => return Some(Err(e)),
            },
        };
        for (i, seen) in self.has_value.iter_mut().enumerate() {
            *seen |= !self.cells.get(i).is_empty();
        }
        Some(Ok(Cells {
            line,
            buf: &self.cells,
        }))
    }
}

/// A stretch shorter than this is not split off: a thread costs more than
/// reading it.
pub const MIN_STRETCH_BYTES: u64 = 1 << 20;

impl RowReader {
    /// Splits the rows not yet read of a streamed UTF-8 CSV file into up
    /// to `n` stretches of about `min_bytes` or more, each starting where a
    /// line does: this reader keeps the first, the others are returned, in
    /// file order, to be read on threads of their own. Rows of a stretch
    /// are numbered from 1 at its start, so a row's number in the file is
    /// its number in the stretch plus the [`RowReader::breaks`] of this
    /// reader and of the stretches before it.
    ///
    /// Nothing is split (an empty list) for a file that is not streamed or
    /// too small. A stretch is read as rows only where no quoted cell runs
    /// over its start: a reader that saw a quote, or is otherwise
    /// [`RowReader::unsure`], may have read wrong rows, and the caller must
    /// then read the file again in one piece.
    pub fn split(&mut self, n: usize, min_bytes: u64) -> Result<Vec<RowReader>, InputError> {
        let RowSource::Csv(stream, path) = &mut self.rows else {
            return Ok(Vec::new());
        };
        let io = |cause| InputError::Io {
            file: self.source.clone(),
            cause,
        };
        let start = stream.position();
        let size = std::fs::metadata(&*path).map_err(io)?.len();
        let rest = size.saturating_sub(start);
        let n = u64::try_from(n)
            .unwrap_or(1)
            .min(rest / min_bytes.max(1))
            .max(1);
        // Each stretch starts after the first line break at or past its
        // share of the bytes.
        let mut starts = vec![start];
        let mut file = std::fs::File::open(&*path).map_err(io)?;
        let mut window = vec![0u8; MAX_ROW_BYTES + 1];
        for k in 1..n {
            let from = (start + rest * k / n).max(starts.last().copied().unwrap_or(start));
            file.seek(std::io::SeekFrom::Start(from)).map_err(io)?;
            let got = std::io::Read::by_ref(&mut file)
                .take(window.len() as u64)
                .read(&mut window)
                .map_err(io)?;
            let Some(at) = window
                .get(..got)
                .and_then(|w| w.iter().position(|&b| b == b'\n'))
            else {
                break;
            };
            let next = from + at as u64 + 1;
            if next >= size {
                break;
            }
            if next > starts.last().copied().unwrap_or(start) {
                starts.push(next);
            }
        }
        if starts.len() < 2 {
            return Ok(Vec::new());
        }
        let mut ends: Vec<u64> = starts.iter().skip(1).copied().collect();
        ends.push(size);
        stream.end_at(ends.first().copied().unwrap_or(size));
        let mut parts = Vec::with_capacity(starts.len() - 1);
        for (&from, &to) in starts.iter().zip(&ends).skip(1) {
            parts.push(RowReader {
                source: self.source.clone(),
                headers: self.headers.clone(),
                has_value: vec![false; self.headers.len()],
                rows: RowSource::Csv(Box::new(stream.stretch(path, from, to)?), path.clone()),
                cells: text::CellBuf::default(),
            });
        }
        Ok(parts)
    }

    /// About how many bytes of rows are left to read (a table read whole
    /// counts 64 bytes a row), to make room for them.
    pub fn bytes_left(&self) -> u64 {
        match &self.rows {
            RowSource::Csv(stream, _) => stream.bytes_left(),
            RowSource::Table(rows) => rows.len() as u64 * 64,
        }
    }

    /// Lines read so far by a streamed reader as rows are numbered (line
    /// breaks, less those inside quoted cells; for a stretch: from its
    /// start); 0 for a file read whole.
    pub fn breaks(&self) -> usize {
        match &self.rows {
            RowSource::Csv(stream, _) => stream.breaks(),
            RowSource::Table(_) => 0,
        }
    }

    /// Whether the rows a streamed reader gave may differ from those of the
    /// file read in one piece by [`RowReader::open`]: it read a quote in the
    /// bytes it was left to read after [`RowReader::split`] (or since it
    /// started), or, opened by [`RowReader::open_for_split`], text that is
    /// not UTF-8 or a line too long. The caller must then read the file
    /// again with [`RowReader::open`].
    pub fn unsure(&self) -> bool {
        match &self.rows {
            RowSource::Csv(stream, _) => stream.unsure(),
            RowSource::Table(_) => false,
        }
    }

    /// Takes in which columns the rows of `stretch`, a reader split off this
    /// one, had values (for [`RowReader::resolve`]).
    pub fn absorb(&mut self, stretch: &RowReader) {
        for (seen, &other) in self.has_value.iter_mut().zip(&stretch.has_value) {
            *seen |= other;
        }
    }
}

impl Iterator for RowReader {
    type Item = Result<Row, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let RowSource::Table(rows) = &mut self.rows {
            // Whole rows are at hand already: hand them over as they are.
            let row = rows.next()?;
            for (seen, field) in self.has_value.iter_mut().zip(&row.fields) {
                *seen |= !field.is_empty();
            }
            return Some(Ok(row));
        }
        Some(self.next_cells()?.map(|c| c.to_row()))
    }
}

/// Whether a file that starts with `magic` is read as text (not a workbook).
fn is_text(magic: &[u8], name: &str) -> bool {
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    !magic.starts_with(ZIP_MAGIC)
        && !magic.starts_with(OLE_MAGIC)
        && !matches!(ext.as_deref(), Some("xlsx" | "xlsm"))
}

/// Column letters of a zero-based column index: 0 → `A`, 25 → `Z`, 26 → `AA`.
fn column_letters(col: usize) -> String {
    let mut n = col + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_names() {
        assert_eq!("auto".parse::<Encoding>().ok(), Some(Encoding::Auto));
        assert_eq!("UTF-8".parse::<Encoding>().ok(), Some(Encoding::Utf8));
        assert_eq!("utf8".parse::<Encoding>().ok(), Some(Encoding::Utf8));
        assert_eq!("gb18030".parse::<Encoding>().ok(), Some(Encoding::Gb18030));
        assert_eq!("GBK".parse::<Encoding>().ok(), Some(Encoding::Gb18030));
        assert!(matches!(
            "latin1".parse::<Encoding>(),
            Err(InputError::UnknownEncodingName { given }) if given == "latin1"
        ));
    }

    #[test]
    fn letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(2), "C");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn workbook_renamed_to_csv_is_still_read() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/input/inspectors.xlsx");
        let bytes = std::fs::read(path).unwrap();
        let t = read_table_bytes("inspectors.csv", &bytes, Encoding::Utf8).unwrap();
        assert_eq!(t.headers[0], "执法证号");
    }

    #[test]
    fn old_xls_is_named() {
        let err = read_table_bytes("a.xls", OLE_MAGIC, Encoding::Auto).unwrap_err();
        assert!(matches!(err, InputError::LegacyXls { .. }), "{err:?}");
    }

    /// A small deterministic xorshift generator, enough for garbage input.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    const NAMES: [&str; 4] = ["f.csv", "f.xlsx", "f.txt", "f"];
    const ENCODINGS: [Encoding; 3] = [Encoding::Auto, Encoding::Utf8, Encoding::Gb18030];

    /// Must return (Ok or a typed error) for every input, never panic.
    fn feed(rng: &mut Rng, bytes: &[u8]) {
        let name = NAMES[rng.below(NAMES.len())];
        let encoding = ENCODINGS[rng.below(ENCODINGS.len())];
        if let Ok(table) = read_table_bytes(name, bytes, encoding) {
            for kind in TableKind::ALL {
                if let Ok(map) = resolve_headers(&table, kind) {
                    for row in &table.rows {
                        for col in columns::column_specs(kind).iter().map(|c| c.name) {
                            let _ = map.get(row, col);
                        }
                    }
                }
            }
        }
    }

    /// Reads `bytes` as file `name` both whole and streamed: the same
    /// headers, rows, row numbers and error message either way.
    fn same_streamed(dir: &Path, name: &str, bytes: &[u8], encoding: Encoding) {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let whole = read_table_file(&path, encoding)
            .map(|t| (t.headers, t.rows))
            .map_err(|e| e.to_string());
        let streamed = RowReader::open(&path, encoding)
            .and_then(|r| {
                let headers = r.headers().to_vec();
                let rows = r.collect::<Result<Vec<Row>, _>>()?;
                Ok((headers, rows))
            })
            .map_err(|e| e.to_string());
        assert_eq!(whole, streamed, "{name} {encoding:?} {bytes:?}");
        // Borrowed cells: the same rows again.
        let cells = RowReader::open(&path, encoding)
            .and_then(|mut r| {
                let headers = r.headers().to_vec();
                let mut rows = Vec::new();
                while let Some(cells) = r.next_cells() {
                    rows.push(cells?.to_row());
                }
                Ok((headers, rows))
            })
            .map_err(|e| e.to_string());
        assert_eq!(whole, cells, "cells: {name} {encoding:?} {bytes:?}");
    }

    #[test]
    fn streamed_rows_equal_whole_reads() {
        let dir = tempfile::tempdir().unwrap();
        let fixed: &[&[u8]] = &[
            b"",
            b"\n\n",
            b"\xEF\xBB\xBF",
            b"\xEF\xBB\xBF\xEF\xBB\xBFa,b\n1,2\n",
            b"\n\nh\na\n\n\nb\n",
            b"h\ra\r\r\rb\r",
            b"h\r\na\r\n\r\n\r\nb",
            b"uscc,name,credit_class\n1,a,A\n\n2,b\n",
            b"\xEF\xBB\xBF uscc ,\"name\" ,note\r\n1,\"Foo, Inc.\",\"two\r\nlines\"\r\n\r\n,,\r\n2,x,y\r\n3,\"a\nb\nc\",x",
            "\u{3000}\n\t\n编号\t名称\n1\t甲, 乙\n".as_bytes(),
            b"uscc,name\n1,ab\xFF",
            b"uscc,name\n1,\xFFx\n",
            b"\xFF\xFEu\0",
            b"a,\"unterminated\n\n\nx",
            // Quotes on lines ended by \n alone, early and late in the line.
            b"h1,h2,h3\nx,\"a,b,c,d\",y\nabcdefghij,\"q,1\",z\n12345678901,\"\"\"x\"\"\",\"\"\n",
        ];
        for bytes in fixed {
            for name in ["f.csv", "f.txt"] {
                for encoding in ENCODINGS {
                    same_streamed(dir.path(), name, bytes, encoding);
                }
            }
        }
        // Long files cross the stream's buffer boundaries, \r\n included.
        let mut long = String::from("uscc,name,note\r\n");
        for i in 0..20_000 {
            long.push_str(&format!("{i},\"n{i}\r\nx\",y\r\n"));
            if i % 7 == 0 {
                long.push_str("\r\n,,\r");
            }
        }
        same_streamed(dir.path(), "long.csv", long.as_bytes(), Encoding::Auto);
        // Only `\n` breaks, but one `\r\n` split by the stream's buffer
        // boundary (a `\r` at byte 65535), then blank lines.
        let mut split = String::from("h\n");
        while split.len() < 65534 {
            split.push_str("x\n");
        }
        split.push_str("y\r\n");
        for i in 0..40_000 {
            split.push_str(if i % 1000 == 0 { "\n\nz\n" } else { "x\n" });
        }
        assert_eq!(split.as_bytes()[65535], b'\r');
        same_streamed(dir.path(), "split.csv", split.as_bytes(), Encoding::Auto);
        // Files read whole (GB18030, a workbook) handed out as cells.
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/input");
        for fixture in ["entities_gb18030.csv", "inspectors.xlsx"] {
            let bytes = std::fs::read(data.join(fixture)).unwrap();
            same_streamed(dir.path(), fixture, &bytes, Encoding::Auto);
        }
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        let alphabet: &[u8] = b",,\"\"\r\n\n\t a1\xEF\xBB\xBF\xE7\x94\xB2\xFF";
        for _ in 0..2000 {
            let len = rng.below(48);
            let bytes: Vec<u8> = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            let encoding = ENCODINGS[rng.below(ENCODINGS.len())];
            same_streamed(dir.path(), "g.csv", &bytes, encoding);
        }
    }

    #[test]
    fn garbage_bytes_never_panic() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        // Bytes drawn from an alphabet rich in CSV syntax, line breaks,
        // UTF-8/GB18030 lead bytes, BOMs and magic numbers.
        let alphabet: &[u8] =
            b",,\"\"\r\n\n\t a1\xEF\xBB\xBF\xFF\xFE\x80\x81\x30\x84\xC9\xE7\xD0PK\x03\x04";
        for _ in 0..3000 {
            let len = rng.below(64);
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    if rng.below(4) == 0 {
                        rng.next() as u8
                    } else {
                        alphabet[rng.below(alphabet.len())]
                    }
                })
                .collect();
            feed(&mut rng, &bytes);
        }
        // Damaged and truncated copies of the real fixtures.
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/input");
        for fixture in ["inspectors.xlsx", "cell_error.xlsx", "entities_gb18030.csv"] {
            let original = std::fs::read(dir.join(fixture)).unwrap();
            for _ in 0..300 {
                let mut bytes = original.clone();
                for _ in 0..=rng.below(8) {
                    let at = rng.below(bytes.len());
                    bytes[at] = rng.next() as u8;
                }
                if rng.below(3) == 0 {
                    bytes.truncate(rng.below(bytes.len() + 1));
                }
                feed(&mut rng, &bytes);
            }
        }
    }

    #[test]
    fn missing_file_is_io_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_table_file(&dir.path().join("nope.csv"), Encoding::Auto).unwrap_err();
        assert!(matches!(err, InputError::Io { .. }), "{err:?}");
    }
}
