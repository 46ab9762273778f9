//! CSV and delimited text: encoding detection, decoding and splitting.

use std::borrow::Cow;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use encoding_rs::{DecoderResult, GB18030};

use super::{Encoding, InputError, MAX_COLUMNS, MAX_ROW_BYTES, REGISTER_STREAM_LIMIT, Row, Table};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads CSV bytes into a table; see [`super::read_table_bytes`].
pub(super) fn read_csv(file: &str, bytes: &[u8], encoding: Encoding) -> Result<Table, InputError> {
    let text = decode(file, bytes, encoding)?;
    parse(file, &text)
}

/// Decodes the whole file to UTF-8, without any replacement characters.
///
/// A UTF-8 BOM always wins (no GBK text starts with those bytes in practice);
/// a UTF-16 BOM is reported as such. The returned text has no leading BOM.
/// UTF-8 input is borrowed, not copied.
fn decode<'b>(file: &str, bytes: &'b [u8], encoding: Encoding) -> Result<Cow<'b, str>, InputError> {
    // FF FE and FE FF are invalid in both UTF-8 and GB18030.
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(InputError::Utf16 {
            file: file.to_owned(),
        });
    }
    let text =
        if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
            utf8(file, rest, UTF8_BOM.len())?
        } else {
            match encoding {
                Encoding::Utf8 => utf8(file, bytes, 0)?,
                Encoding::Gb18030 => {
                    Cow::Owned(gb18030(bytes).map_err(|offset| InputError::InvalidGb18030 {
                        file: file.to_owned(),
                        offset,
                    })?)
                }
                Encoding::Auto => match std::str::from_utf8(bytes) {
                    Ok(s) => Cow::Borrowed(s),
                    Err(_) => Cow::Owned(gb18030(bytes).map_err(|offset| {
                        InputError::UnknownEncoding {
                            file: file.to_owned(),
                            offset,
                        }
                    })?),
                },
            }
        };
    // GB18030 has its own BOM (84 31 95 33), which decodes to U+FEFF.
    Ok(match text {
        Cow::Borrowed(t) => Cow::Borrowed(t.strip_prefix('\u{FEFF}').unwrap_or(t)),
        Cow::Owned(t) => match t.strip_prefix('\u{FEFF}') {
            Some(rest) => Cow::Owned(rest.to_owned()),
            None => Cow::Owned(t),
        },
    })
}

/// Validates UTF-8; `base` is added to error offsets (the BOM length).
fn utf8<'b>(file: &str, bytes: &'b [u8], base: usize) -> Result<Cow<'b, str>, InputError> {
    std::str::from_utf8(bytes)
        .map(Cow::Borrowed)
        .map_err(|e| InputError::InvalidUtf8 {
            file: file.to_owned(),
            offset: base + e.valid_up_to(),
        })
}

/// Decodes GB18030 strictly; the error is the byte offset of the first malformed sequence.
fn gb18030(bytes: &[u8]) -> Result<String, usize> {
    let mut decoder = GB18030.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len());
    let mut out = String::with_capacity(capacity);
    let mut pos = 0;
    loop {
        let rest = bytes.get(pos..).unwrap_or_default();
        let (result, read) = decoder.decode_to_string_without_replacement(rest, &mut out, true);
        pos += read;
        match result {
            DecoderResult::InputEmpty => return Ok(out),
            DecoderResult::OutputFull => out.reserve(4 * (bytes.len() - pos) + 16),
            DecoderResult::Malformed(bad, after) => {
                return Err(pos.saturating_sub(usize::from(bad) + usize::from(after)));
            }
        }
    }
}

/// Number of line breaks (`\r\n`, `\n` or a lone `\r`) in `bytes`.
fn line_breaks(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

/// Tab when the first non-empty line has tabs but no commas (Excel's
/// "Text (Tab delimited)" .txt), otherwise comma.
fn sniff_delimiter(text: &str) -> u8 {
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    if first.contains('\t') && !first.contains(',') {
        b'\t'
    } else {
        b','
    }
}

/// Splits decoded text into a table: the first non-empty row is the header.
fn parse(file: &str, text: &str) -> Result<Table, InputError> {
    let bytes = text.as_bytes();
    // A row is at least as long as each of its lines: refuse a long line
    // before the CSV reader holds it (and a field boundary for every byte).
    if bytes.len() > MAX_ROW_BYTES
        && let Some(i) = bytes
            .split(|&b| b == b'\n')
            .position(|line| line.len() > MAX_ROW_BYTES)
    {
        return Err(InputError::RowTooLong {
            file: file.to_owned(),
            row: i + 1,
            limit: MAX_ROW_BYTES,
        });
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();

    // The csv crate silently skips blank lines and does not say where a
    // record starts, so track spreadsheet rows ourselves: a record's row is
    // its physical line minus the line breaks inside quoted fields before it.
    let mut counted_to = 0; // bytes[..counted_to] have been scanned for breaks
    let mut breaks = 0; // line breaks in bytes[..counted_to]
    let mut quoted_breaks = 0; // line breaks inside fields of earlier records

    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    loop {
        let after_previous = usize::try_from(reader.position().byte()).unwrap_or(usize::MAX);
        let between = bytes.get(after_previous..).unwrap_or_default();
        let start = after_previous.saturating_add(
            between
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count(),
        );
        breaks += line_breaks(bytes.get(counted_to..start).unwrap_or_default());
        counted_to = start.max(counted_to);
        let row = (breaks + 1).saturating_sub(quoted_breaks);

        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                return Err(InputError::Csv {
                    file: file.to_owned(),
                    row,
                    message: e.to_string(),
                });
            }
        }
        if record.len() > MAX_COLUMNS {
            return Err(InputError::TooManyColumns {
                file: file.to_owned(),
                row,
                limit: MAX_COLUMNS,
            });
        }
        if record.as_slice().len() > MAX_ROW_BYTES {
            return Err(InputError::RowTooLong {
                file: file.to_owned(),
                row,
                limit: MAX_ROW_BYTES,
            });
        }
        quoted_breaks += record.iter().map(line_breaks).sum::<usize>();

        let mut fields: Vec<String> = record
            .iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_owned())
            .collect();
        if fields.iter().all(String::is_empty) {
            continue;
        }
        match &headers {
            None => {
                if let Some(first) = fields.first_mut() {
                    *first = first.trim_start_matches('\u{FEFF}').trim().to_owned();
                }
                headers = Some(fields);
            }
            Some(h) => {
                if fields.len() != h.len() {
                    return Err(InputError::Ragged {
                        file: file.to_owned(),
                        row,
                        expected: h.len(),
                        found: fields.len(),
                    });
                }
                rows.push(Row { line: row, fields });
            }
        }
    }
    let headers = headers.ok_or_else(|| InputError::Empty {
        file: file.to_owned(),
    })?;
    Ok(Table {
        source: file.to_owned(),
        headers,
        rows,
    })
}

/// Bytes read from the file at a time while streaming.
const CHUNK: usize = 1 << 16;

/// Fills `buf` from `file` as far as it goes; returns the bytes read (0 at the end).
fn fill(file: &mut File, name: &str, buf: &mut [u8]) -> Result<usize, InputError> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(buf.get_mut(n..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(cause) => {
                return Err(InputError::Io {
                    file: name.to_owned(),
                    cause,
                });
            }
        }
    }
    Ok(n)
}

/// Decides, without holding the file, whether a CSV file is UTF-8 and so can
/// be streamed: `Ok(Some(..))` with the number of leading BOM bytes to skip
/// and the delimiter; `Ok(None)` when it must be decoded as GB18030 (read
/// whole by [`read_csv`]); the same errors [`decode`] gives otherwise.
pub(super) fn utf8_stream_plan(
    name: &str,
    file: &mut File,
    encoding: Encoding,
) -> Result<Option<(usize, u8)>, InputError> {
    stream_plan(name, file, encoding, false)
}

/// [`utf8_stream_plan`] from the first [`CHUNK`] bytes alone, for a file
/// read in stretches that check the rest themselves (see
/// [`CsvStream::unsure`]): the BOM to skip and the delimiter when those
/// bytes are UTF-8 and decide the delimiter (a comma in them, or the whole
/// first non-blank line), the file is within
/// [`REGISTER_STREAM_LIMIT`] and longer than `CHUNK`; `None` otherwise,
/// and for any error (the whole plan then decides, and names it).
pub(super) fn utf8_head_plan(
    name: &str,
    file: &mut File,
    encoding: Encoding,
) -> Option<(usize, u8)> {
    let size = file.metadata().ok()?.len();
    if size > REGISTER_STREAM_LIMIT || size <= CHUNK as u64 {
        return None;
    }
    stream_plan(name, file, encoding, true).ok().flatten()
}

/// [`utf8_stream_plan`], or with `head` [`utf8_head_plan`] (`None` when
/// the first chunk does not decide the delimiter).
fn stream_plan(
    name: &str,
    file: &mut File,
    encoding: Encoding,
    head: bool,
) -> Result<Option<(usize, u8)>, InputError> {
    let mut buf = vec![0u8; CHUNK];
    let mut carry = 0; // bytes of an incomplete sequence kept at the front of buf
    let mut offset = 0; // file offset of buf[0]
    let mut skip = 0; // leading BOM bytes
    let mut bom = false;
    let mut first = true;
    let mut sniff = Sniffer::default();
    // Lines ended so far, and the length of the line not yet ended: a line
    // longer than a row may be ends the read (`/dev/zero` among others).
    let mut lines = 0usize;
    let mut open_line = 0usize;
    loop {
        let n = fill(file, name, buf.get_mut(carry..).unwrap_or_default())?;
        let end = carry + n;
        let chunk = buf.get(..end).unwrap_or_default();
        let fresh = chunk.get(carry..).unwrap_or_default();
        match (
            fresh.iter().position(|&b| b == b'\n'),
            fresh.iter().rposition(|&b| b == b'\n'),
        ) {
            (Some(first), Some(last)) => {
                if open_line + first > MAX_ROW_BYTES {
                    return Err(InputError::RowTooLong {
                        file: name.to_owned(),
                        row: lines + 1,
                        limit: MAX_ROW_BYTES,
                    });
                }
                lines += fresh.iter().filter(|&&b| b == b'\n').count();
                open_line = fresh.len() - last - 1;
            }
            _ => open_line += fresh.len(),
        }
        if open_line > MAX_ROW_BYTES {
            return Err(InputError::RowTooLong {
                file: name.to_owned(),
                row: lines + 1,
                limit: MAX_ROW_BYTES,
            });
        }
        if (offset + end) as u64 > REGISTER_STREAM_LIMIT {
            return Err(InputError::TooLarge {
                file: name.to_owned(),
                limit: REGISTER_STREAM_LIMIT,
                how: "streamed (UTF-8 CSV)",
            });
        }
        if first {
            first = false;
            if chunk.starts_with(b"\xFF\xFE") || chunk.starts_with(b"\xFE\xFF") {
                return Err(InputError::Utf16 {
                    file: name.to_owned(),
                });
            }
            if chunk.starts_with(UTF8_BOM) {
                bom = true;
                skip = UTF8_BOM.len();
            } else if encoding == Encoding::Gb18030 {
                return Ok(None);
            }
            // A second U+FEFF after the BOM is stripped too, as `decode` does.
            if chunk.get(skip..).is_some_and(|c| c.starts_with(UTF8_BOM)) {
                skip += UTF8_BOM.len();
            }
        }
        let (valid, bad) = match simdutf8::compat::from_utf8(chunk) {
            Ok(_) => (end, false),
            Err(e) => (e.valid_up_to(), e.error_len().is_some() || n == 0),
        };
        let from = if offset == 0 { skip.min(valid) } else { 0 };
        sniff.feed(chunk.get(from..valid).unwrap_or_default());
        if bad {
            let offset = offset + valid;
            return if bom || encoding == Encoding::Utf8 {
                Err(InputError::InvalidUtf8 {
                    file: name.to_owned(),
                    offset,
                })
            } else {
                Ok(None)
            };
        }
        if n == 0 {
            return Ok(Some((skip, sniff.delimiter())));
        }
        if head {
            return Ok(sniff.decided.map(|d| (skip, d)));
        }
        buf.copy_within(valid..end, 0);
        carry = end - valid;
        offset += valid;
    }
}

/// Finds the first non-blank line of streamed text and applies
/// [`sniff_delimiter`] to it.
#[derive(Default)]
struct Sniffer {
    line: Vec<u8>,
    decided: Option<u8>,
}

impl Sniffer {
    fn feed(&mut self, text: &[u8]) {
        let mut rest = text;
        while self.decided.is_none() && !rest.is_empty() {
            let (part, more) = match rest.iter().position(|&b| b == b'\n') {
                Some(i) => (rest.get(..=i).unwrap_or_default(), true),
                None => (rest, false),
            };
            rest = rest.get(part.len()..).unwrap_or_default();
            self.line.extend_from_slice(part);
            if self.line.contains(&b',') {
                self.decided = Some(b',');
            } else if more {
                let line = String::from_utf8_lossy(&self.line);
                if !line.trim().is_empty() {
                    self.decided = Some(sniff_delimiter(&line));
                }
                self.line.clear();
            }
        }
    }

    fn delimiter(&self) -> u8 {
        self.decided
            .unwrap_or_else(|| sniff_delimiter(&String::from_utf8_lossy(&self.line)))
    }
}

/// Adds the line breaks of `bytes` to `breaks`; `last` is the byte before
/// them (updated), so a `\r\n` split between calls counts once.
fn count_breaks(last: &mut u8, breaks: &mut usize, bytes: &[u8]) {
    let (Some(&first), Some(&end)) = (bytes.first(), bytes.last()) else {
        return;
    };
    if !bytes.contains(&b'\r') {
        // Only `\n` breaks (the usual file): count them in one pass, less
        // the first when it ends a `\r\n` whose `\r` was counted before.
        *breaks += bytes.iter().filter(|&&b| b == b'\n').count();
        if *last == b'\r' && first == b'\n' {
            *breaks = breaks.saturating_sub(1);
        }
        *last = end;
        return;
    }
    let mut prev = *last;
    for &b in bytes {
        if b == b'\r' || (b == b'\n' && prev != b'\r') {
            *breaks += 1;
        }
        prev = b;
    }
    *last = prev;
}

/// The length of the line at the start of `bytes` when it ends with `\n`
/// within `bytes` and holds no quote or `\r` (a record csv-core would
/// split at the delimiter alone).
fn simple_line(bytes: &[u8]) -> Option<usize> {
    // Eight bytes at a time: a word with none of the three bytes is passed
    // over whole (the bit trick flags a byte equal to the one looked for).
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has = |w: u64, b: u8| {
        let x = w ^ (ONES * u64::from(b));
        x.wrapping_sub(ONES) & !x & HIGHS != 0
    };
    let mut at = 0;
    for chunk in bytes.chunks_exact(8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let w = u64::from_le_bytes(w);
        if has(w, b'\n') || has(w, b'"') || has(w, b'\r') {
            break;
        }
        at += 8;
    }
    for (i, &b) in bytes.iter().enumerate().skip(at) {
        match b {
            b'\n' => return Some(i),
            b'"' | b'\r' => return None,
            _ => {}
        }
    }
    None
}

/// Streams the rows of a UTF-8 CSV file, one record in memory at a time,
/// with the same row numbers, trimming and errors as [`parse`].
pub(super) struct CsvStream {
    name: String,
    file: File,
    core: csv_core::Reader,
    delimiter: u8,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    eof: bool,
    /// Last byte consumed, to count `\r\n` once.
    last: u8,
    breaks: usize,
    quoted_breaks: usize,
    out: Vec<u8>,
    ends: Vec<usize>,
    width: Option<usize>,
    done: bool,
    /// File offset of `buf[0]`.
    base: u64,
    /// Bytes of the file still to read into `buf` when the stream ends
    /// before the file does (a stretch of a split file).
    remaining: Option<u64>,
    /// Whether the bytes read since the stream started or was split hold
    /// a quote (a split of such a file may cut a quoted field).
    quotes: bool,
    /// Whether the stream read what [`utf8_stream_plan`] refuses: bytes
    /// that are not UTF-8 (read as U+FFFD), or, when `open_line` is kept,
    /// a line longer than [`MAX_ROW_BYTES`].
    doubt: bool,
    /// The length of the line not yet ended, for a stream that checks line
    /// lengths itself (one opened after [`utf8_head_plan`]).
    open_line: Option<usize>,
}

impl CsvStream {
    /// Opens a stream at byte `skip` of `file` (after any BOM) with `delimiter`.
    pub(super) fn new(
        name: &str,
        mut file: File,
        skip: u64,
        delimiter: u8,
    ) -> Result<Self, InputError> {
        file.seek(SeekFrom::Start(skip))
            .map_err(|cause| InputError::Io {
                file: name.to_owned(),
                cause,
            })?;
        Ok(CsvStream {
            name: name.to_owned(),
            file,
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            delimiter,
            buf: vec![0u8; CHUNK],
            pos: 0,
            len: 0,
            eof: false,
            last: 0,
            breaks: 0,
            quoted_breaks: 0,
            out: vec![0u8; 1024],
            ends: vec![0usize; 32],
            width: None,
            done: false,
            base: skip,
            remaining: None,
            quotes: false,
            doubt: false,
            open_line: None,
        })
    }

    /// A stream of the rows in bytes `start..end` of the file `path`, which
    /// start where a line does, for rows as wide as this stream's header:
    /// rows are numbered from 1 at `start`.
    pub(super) fn stretch(
        &self,
        path: &std::path::Path,
        start: u64,
        end: u64,
    ) -> Result<Self, InputError> {
        let file = File::open(path).map_err(|cause| InputError::Io {
            file: self.name.clone(),
            cause,
        })?;
        let mut stream = CsvStream::new(&self.name, file, start, self.delimiter)?;
        stream.width = self.width;
        stream.remaining = Some(end.saturating_sub(start));
        stream.open_line = self.open_line.map(|_| 0);
        Ok(stream)
    }

    /// Makes this stream check line lengths itself, as [`utf8_stream_plan`]
    /// does, from its start, where a line of which `before` bytes (a BOM)
    /// were skipped continues.
    pub(super) fn check_lines(&mut self, before: usize) {
        self.open_line = Some(before);
    }

    /// Whether the stream read a quote since it started or was ended early
    /// (a stretch may then have been cut inside a quoted cell), or what
    /// [`utf8_stream_plan`] would have refused: text that is not UTF-8, or
    /// a line too long when the stream checks lines. Its rows may then
    /// differ from those of the file read in one piece.
    pub(super) fn unsure(&self) -> bool {
        self.quotes || self.doubt
    }

    /// The file offset of the next byte to read.
    pub(super) fn position(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Ends this stream at file offset `end` (not before [`Self::position`])
    /// and forgets the quotes seen so far: what follows is split off.
    pub(super) fn end_at(&mut self, end: u64) {
        let in_buf = end.saturating_sub(self.base);
        if in_buf <= self.len as u64 {
            self.len = usize::try_from(in_buf).map_or(self.len, |b| b.max(self.pos));
            self.remaining = Some(0);
        } else {
            self.remaining = Some(in_buf - self.len as u64);
        }
        self.quotes = self
            .buf
            .get(self.pos..self.len)
            .is_some_and(|b| b.contains(&b'"'));
    }

    /// Bytes of the stream not yet read as rows.
    pub(super) fn bytes_left(&self) -> u64 {
        match self.remaining {
            Some(r) => r + self.len.saturating_sub(self.pos) as u64,
            None => {
                let size = self.file.metadata().map_or(0, |m| m.len());
                size.saturating_sub(self.position())
            }
        }
    }

    /// Lines read so far, as rows are numbered: line breaks, less those
    /// inside quoted cells (a header cell may hold one).
    pub(super) fn breaks(&self) -> usize {
        self.breaks.saturating_sub(self.quoted_breaks)
    }

    /// Refills the buffer when it is used up; false at the end of the file.
    fn more(&mut self) -> Result<bool, InputError> {
        if self.pos < self.len {
            return Ok(true);
        }
        if self.eof {
            return Ok(false);
        }
        self.base += self.len as u64;
        let room = self.remaining.map_or(CHUNK, |r| {
            usize::try_from(r).map_or(CHUNK, |r| r.min(CHUNK))
        });
        self.len = fill(
            &mut self.file,
            &self.name,
            self.buf.get_mut(..room).unwrap_or_default(),
        )?;
        if let Some(r) = &mut self.remaining {
            *r = r.saturating_sub(self.len as u64);
        }
        self.pos = 0;
        self.eof = self.len == 0;
        let fresh = self.buf.get(..self.len).unwrap_or_default();
        self.quotes |= fresh.contains(&b'"');
        if let Some(open) = &mut self.open_line {
            // As utf8_stream_plan measures lines: bytes before each `\n`.
            match (
                fresh.iter().position(|&b| b == b'\n'),
                fresh.iter().rposition(|&b| b == b'\n'),
            ) {
                (Some(first), Some(last)) => {
                    self.doubt |= *open + first > MAX_ROW_BYTES;
                    *open = fresh.len() - last - 1;
                }
                _ => *open += fresh.len(),
            }
            self.doubt |= *open > MAX_ROW_BYTES;
        }
        Ok(!self.eof)
    }

    /// Reads the next non-empty record into `cells` (trimmed) and returns
    /// its row number, or `None` at the end.
    fn next_record(&mut self, cells: &mut CellBuf) -> Result<Option<usize>, InputError> {
        loop {
            // Line breaks between records (and blank lines) are skipped
            // here, so the record starts at the next byte.
            loop {
                if !self.more()? {
                    break;
                }
                let rest = self.buf.get(self.pos..self.len).unwrap_or_default();
                let run = rest
                    .iter()
                    .take_while(|&&b| b == b'\r' || b == b'\n')
                    .count();
                count_breaks(
                    &mut self.last,
                    &mut self.breaks,
                    rest.get(..run).unwrap_or_default(),
                );
                self.pos += run;
                if self.pos < self.len {
                    break;
                }
            }
            let row = (self.breaks + 1).saturating_sub(self.quoted_breaks);
            // After the header, a whole line in the buffer without quotes or
            // carriage returns (nearly every line of a register) is split at
            // the delimiter here: csv-core would give the same fields, and
            // its state at the start of a record is unchanged by skipping one.
            if self.width.is_some()
                && let Some(len) = simple_line(self.buf.get(self.pos..self.len).unwrap_or_default())
            {
                let line = self.buf.get(self.pos..self.pos + len).unwrap_or_default();
                cells.clear();
                match simdutf8::basic::from_utf8(line) {
                    Ok(text) => split_cells(text, self.delimiter, cells),
                    Err(_) => {
                        self.doubt = true;
                        line.split(|&b| b == self.delimiter)
                            .for_each(|f| cells.push_lossy(f));
                    }
                }
                // The line and its `\n`, a break of its own (no `\r` before it).
                self.pos += len + 1;
                self.breaks += 1;
                self.last = b'\n';
                if let Some(done) = self.check_record(cells, row)? {
                    return Ok(Some(done));
                }
                continue;
            }
            let mut nout = 0;
            let mut nend = 0;
            loop {
                let at_end = !self.more()?;
                let input = self.buf.get(self.pos..self.len).unwrap_or_default();
                let (result, nin, o, e) = self.core.read_record(
                    input,
                    self.out.get_mut(nout..).unwrap_or_default(),
                    self.ends.get_mut(nend..).unwrap_or_default(),
                );
                count_breaks(
                    &mut self.last,
                    &mut self.breaks,
                    input.get(..nin).unwrap_or_default(),
                );
                self.pos += nin;
                nout += o;
                nend += e;
                match result {
                    csv_core::ReadRecordResult::InputEmpty => {
                        if at_end {
                            // Cannot happen: csv-core ends a record at the end of input.
                            return Ok(None);
                        }
                    }
                    csv_core::ReadRecordResult::OutputFull => {
                        if self.out.len() >= MAX_ROW_BYTES {
                            return Err(InputError::RowTooLong {
                                file: self.name.clone(),
                                row,
                                limit: MAX_ROW_BYTES,
                            });
                        }
                        let n = self.out.len().max(1) * 2;
                        self.out.resize(n, 0);
                    }
                    csv_core::ReadRecordResult::OutputEndsFull => {
                        if self.ends.len() >= MAX_COLUMNS {
                            return Err(InputError::TooManyColumns {
                                file: self.name.clone(),
                                row,
                                limit: MAX_COLUMNS,
                            });
                        }
                        let n = self.ends.len().max(1) * 2;
                        self.ends.resize(n, 0);
                    }
                    csv_core::ReadRecordResult::Record => break,
                    csv_core::ReadRecordResult::End => return Ok(None),
                }
            }
            let ends = self.ends.get(..nend).unwrap_or_default();
            let record = self.out.get(..nout).unwrap_or_default();
            // Most records hold no line break and are valid UTF-8 cut at
            // character boundaries: check the whole record once, not each field.
            let breaks_inside = record.iter().any(|&b| b == b'\r' || b == b'\n');
            let text = simdutf8::basic::from_utf8(record)
                .ok()
                .filter(|t| ends.iter().all(|&e| t.is_char_boundary(e)));
            self.doubt |= text.is_none();
            cells.clear();
            let mut start = 0;
            for &end in ends {
                let f = self.out.get(start..end).unwrap_or_default();
                if breaks_inside {
                    self.quoted_breaks += line_breaks(f);
                }
                match text.and_then(|t| t.get(start..end)) {
                    Some(cell) => cells.push(cell),
                    None => cells.push_lossy(f),
                }
                start = end;
            }
            if let Some(done) = self.check_record(cells, row)? {
                return Ok(Some(done));
            }
        }
    }

    /// The row number of a record read into `cells`, or `None` for a
    /// record of empty cells (skipped); the header fixes the width rows
    /// must have.
    fn check_record(
        &mut self,
        cells: &mut CellBuf,
        row: usize,
    ) -> Result<Option<usize>, InputError> {
        if cells.len() > MAX_COLUMNS {
            return Err(InputError::TooManyColumns {
                file: self.name.clone(),
                row,
                limit: MAX_COLUMNS,
            });
        }
        if cells.all_empty() {
            return Ok(None);
        }
        match self.width {
            None => {
                cells.strip_bom_from_first();
                self.width = Some(cells.len());
            }
            Some(w) if w != cells.len() => {
                return Err(InputError::Ragged {
                    file: self.name.clone(),
                    row,
                    expected: w,
                    found: cells.len(),
                });
            }
            Some(_) => {}
        }
        Ok(Some(row))
    }

    /// The header row, or [`InputError::Empty`].
    pub(super) fn headers(&mut self) -> Result<Vec<String>, InputError> {
        let mut cells = CellBuf::default();
        match self.next_record(&mut cells)? {
            Some(_) => Ok(cells.to_strings()),
            None => Err(InputError::Empty {
                file: self.name.clone(),
            }),
        }
    }

    /// Reads the next data row into `cells` and returns its row number;
    /// `None` at the end (and after an error).
    pub(super) fn next_row(&mut self, cells: &mut CellBuf) -> Option<Result<usize, InputError>> {
        if self.done {
            return None;
        }
        match self.next_record(cells) {
            Ok(Some(line)) => Some(Ok(line)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// Pushes the cells of `line` split at the ASCII byte `delimiter` (as
/// `str::split` would, a byte at a time rather than a search a cell).
fn split_cells(line: &str, delimiter: u8, cells: &mut CellBuf) {
    let mut start = 0;
    for (i, &b) in line.as_bytes().iter().enumerate() {
        if b == delimiter {
            cells.push(line.get(start..i).unwrap_or_default());
            start = i + 1;
        }
    }
    cells.push(line.get(start..).unwrap_or_default());
}

/// `cell.trim()`, quicker for the usual cell, which has nothing to trim.
fn trim(cell: &str) -> &str {
    match (cell.chars().next(), cell.chars().next_back()) {
        (Some(a), Some(b)) if !a.is_whitespace() && !b.is_whitespace() => cell,
        _ => cell.trim(),
    }
}

/// The trimmed cells of one row, in one reused buffer: reading a register
/// allocates nothing per row.
#[derive(Debug, Default)]
pub(super) struct CellBuf {
    text: String,
    /// Byte range of each cell in `text`.
    bounds: Vec<(usize, usize)>,
}

impl CellBuf {
    pub(super) fn clear(&mut self) {
        self.text.clear();
        self.bounds.clear();
    }

    /// Appends a cell, trimmed.
    pub(super) fn push(&mut self, cell: &str) {
        let start = self.text.len();
        self.text.push_str(trim(cell));
        self.bounds.push((start, self.text.len()));
    }

    /// Appends a cell of bytes, invalid UTF-8 replaced by U+FFFD, trimmed.
    fn push_lossy(&mut self, cell: &[u8]) {
        match std::str::from_utf8(cell) {
            Ok(text) => self.push(text),
            Err(_) => self.push(&String::from_utf8_lossy(cell)),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.bounds.len()
    }

    fn all_empty(&self) -> bool {
        self.bounds.iter().all(|(a, b)| a == b)
    }

    /// Cell `i`, or `""` past the last.
    pub(super) fn get(&self, i: usize) -> &str {
        self.bounds
            .get(i)
            .and_then(|&(a, b)| self.text.get(a..b))
            .unwrap_or_default()
    }

    /// Strips leading U+FEFF from the first cell (the header row's), then
    /// whitespace again.
    fn strip_bom_from_first(&mut self) {
        if let Some((a, b)) = self.bounds.first_mut() {
            let cell = self.text.get(*a..*b).unwrap_or_default();
            let rest = cell.trim_start_matches('\u{FEFF}').trim();
            let lead = cell.len() - cell.trim_start_matches('\u{FEFF}').trim_start().len();
            *a += lead;
            *b = *a + rest.len();
        }
    }

    pub(super) fn to_strings(&self) -> Vec<String> {
        (0..self.len()).map(|i| self.get(i).to_owned()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::read_table_bytes;
    use super::*;

    const SAMPLE: &str = "统一社会信用代码,企业名称,风险分类\n\
                          91330100MA0000001X,杭州某某食品有限公司,A\n\
                          92330102MA0000002Y,西湖区某某便利店,B\n";

    fn lines(t: &Table) -> Vec<usize> {
        t.rows.iter().map(|r| r.line).collect()
    }

    fn check_sample(t: &Table) {
        assert_eq!(t.headers, ["统一社会信用代码", "企业名称", "风险分类"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].fields[1], "杭州某某食品有限公司");
        assert_eq!(
            t.rows[1].fields,
            ["92330102MA0000002Y", "西湖区某某便利店", "B"]
        );
        assert_eq!(lines(t), [2, 3]);
    }

    #[test]
    fn utf8_without_bom() {
        for enc in [Encoding::Auto, Encoding::Utf8] {
            let t = read_table_bytes("e.csv", SAMPLE.as_bytes(), enc).unwrap();
            assert_eq!(t.source, "e.csv");
            check_sample(&t);
        }
    }

    #[test]
    fn utf8_with_bom() {
        let mut bytes = UTF8_BOM.to_vec();
        bytes.extend_from_slice(SAMPLE.as_bytes());
        for enc in [Encoding::Auto, Encoding::Utf8, Encoding::Gb18030] {
            check_sample(&read_table_bytes("e.csv", &bytes, enc).unwrap());
        }
    }

    #[test]
    fn gb18030_bytes() {
        let (bytes, _, unmappable) = GB18030.encode(SAMPLE);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err());
        for enc in [Encoding::Auto, Encoding::Gb18030] {
            check_sample(&read_table_bytes("e.csv", &bytes, enc).unwrap());
        }
    }

    #[test]
    fn gb18030_bom_is_stripped() {
        let (mut bytes, _, _) = GB18030.encode("\u{FEFF}");
        assert_eq!(&bytes[..], b"\x84\x31\x95\x33");
        bytes.to_mut().extend_from_slice(&GB18030.encode(SAMPLE).0);
        check_sample(&read_table_bytes("e.csv", &bytes, Encoding::Gb18030).unwrap());
    }

    #[test]
    fn invalid_utf8_in_explicit_utf8_mode() {
        let (bytes, _, _) = GB18030.encode(SAMPLE);
        let err = read_table_bytes("e.csv", &bytes, Encoding::Utf8).unwrap_err();
        // "统一" happens to be valid UTF-8 in GB18030 (CD B3 D2 BB); "社" is not.
        assert!(
            matches!(err, InputError::InvalidUtf8 { ref file, offset: 4 } if file == "e.csv"),
            "{err:?}"
        );
        let msg = err.to_string();
        assert!(msg.contains("--encoding gb18030"), "{msg}");
        assert!(msg.contains("offset 4"), "{msg}");

        let mut bytes = b"uscc,name\n1,ab".to_vec();
        bytes.push(0xFF);
        let err = read_table_bytes("e.csv", &bytes, Encoding::Utf8).unwrap_err();
        assert!(
            matches!(err, InputError::InvalidUtf8 { offset: 14, .. }),
            "{err:?}"
        );
        // After a BOM the offset still counts from the start of the file.
        let mut with_bom = UTF8_BOM.to_vec();
        with_bom.extend_from_slice(&bytes);
        let err = read_table_bytes("e.csv", &with_bom, Encoding::Auto).unwrap_err();
        assert!(
            matches!(err, InputError::InvalidUtf8 { offset: 17, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn undecodable_in_auto_and_gb18030_modes() {
        // 0xFF is neither a GB18030 lead byte nor valid UTF-8.
        let bytes = b"uscc,name\n1,\xFFx\n";
        let err = read_table_bytes("e.csv", bytes, Encoding::Auto).unwrap_err();
        assert!(
            matches!(err, InputError::UnknownEncoding { offset: 12, .. }),
            "{err:?}"
        );
        let err = read_table_bytes("e.csv", bytes, Encoding::Gb18030).unwrap_err();
        assert!(
            matches!(err, InputError::InvalidGb18030 { offset: 12, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn utf16_is_named() {
        let err = read_table_bytes("e.txt", b"\xFF\xFEu\0", Encoding::Auto).unwrap_err();
        assert!(matches!(err, InputError::Utf16 { .. }), "{err:?}");
    }

    #[test]
    fn ragged_row_names_the_row() {
        let csv = "uscc,name,credit_class\n1,a,A\n\n2,b\n";
        let err = read_table_bytes("e.csv", csv.as_bytes(), Encoding::Auto).unwrap_err();
        assert!(
            matches!(
                err,
                InputError::Ragged {
                    row: 4,
                    expected: 3,
                    found: 2,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("row 4"));
        let csv = "uscc,name\n1,a,extra\n";
        let err = read_table_bytes("e.csv", csv.as_bytes(), Encoding::Auto).unwrap_err();
        assert!(
            matches!(
                err,
                InputError::Ragged {
                    row: 2,
                    expected: 2,
                    found: 3,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn quoted_fields_trimming_and_true_row_numbers() {
        let csv = "\u{FEFF} uscc ,\"name\" ,note\r\n\
                   1,\"Foo, Inc.\",\"two\r\nlines\"\r\n\
                   \r\n\
                   ,,\r\n\
                   2,\"say \"\"hi\"\"\",  \u{3000}padded\u{3000} \r\n\
                   3,\"a\nb\nc\",x";
        let t = read_table_bytes("e.csv", csv.as_bytes(), Encoding::Auto).unwrap();
        assert_eq!(t.headers, ["uscc", "name", "note"]);
        assert_eq!(t.rows[0].fields, ["1", "Foo, Inc.", "two\r\nlines"]);
        assert_eq!(t.rows[1].fields, ["2", "say \"hi\"", "padded"]);
        assert_eq!(t.rows[2].fields, ["3", "a\nb\nc", "x"]);
        // Row 3 is blank, row 4 is ",,": both skipped but counted.
        assert_eq!(lines(&t), [2, 5, 6]);
    }

    #[test]
    fn leading_blank_lines_and_lf_cr_endings() {
        let t = read_table_bytes("e.csv", b"\n\nh\na\n\n\nb\n", Encoding::Auto).unwrap();
        assert_eq!(lines(&t), [4, 7]);
        let t = read_table_bytes("e.csv", b"h\ra\r\r\rb\r", Encoding::Auto).unwrap();
        assert_eq!(lines(&t), [2, 5]);
        let t = read_table_bytes("e.csv", b"h\r\na\r\n\r\n\r\nb", Encoding::Auto).unwrap();
        assert_eq!(lines(&t), [2, 5]);
    }

    #[test]
    fn tab_delimited_text() {
        let t = read_table_bytes(
            "e.txt",
            "编号\t名称\n1\t甲, 乙\n".as_bytes(),
            Encoding::Auto,
        )
        .unwrap();
        assert_eq!(t.headers, ["编号", "名称"]);
        assert_eq!(t.rows[0].fields, ["1", "甲, 乙"]);
    }

    #[test]
    fn empty_inputs() {
        for bytes in [&b""[..], b"\n\n", b",,,\n , \n", UTF8_BOM] {
            let err = read_table_bytes("e.csv", bytes, Encoding::Auto).unwrap_err();
            assert!(
                matches!(err, InputError::Empty { .. }),
                "{bytes:?}: {err:?}"
            );
        }
        let t = read_table_bytes("e.csv", b"a,b\n", Encoding::Auto).unwrap();
        assert!(t.rows.is_empty());
    }

    #[test]
    fn checked_in_gb18030_fixture() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/input/entities_gb18030.csv");
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "fixture must not be UTF-8"
        );
        let t = super::super::read_table_file(&path, Encoding::Auto).unwrap();
        assert_eq!(
            t.headers,
            [
                "统一社会信用代码",
                "企业名称",
                "信用风险分类",
                "辖区",
                "所属行业"
            ]
        );
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[0].fields[1], "杭州西湖龙井茶叶有限公司");
        assert_eq!(t.rows[2].fields[4], "餐饮服务");
        assert_eq!(lines(&t), [2, 3, 4]);
    }
}
