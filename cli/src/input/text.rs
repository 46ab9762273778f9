//! CSV and delimited text: encoding detection, decoding and splitting.

use std::borrow::Cow;

use encoding_rs::{DecoderResult, GB18030};

use super::{Encoding, InputError, Row, Table};

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
