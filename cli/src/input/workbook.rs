//! .xlsx workbooks: the first worksheet, every cell rendered as text.

use std::io::Cursor;

use calamine::{Data, ExcelDateTime, Range, Reader, SheetType, Xlsx};

use super::{InputError, Row, Table, column_letters};

/// Reads the first worksheet of an .xlsx workbook into a table.
///
/// The first non-empty row is the header row; trailing header cells that are
/// empty do not count as columns, and a value to the right of the last header
/// is a [`InputError::Ragged`] row. Row numbers are the sheet's own.
pub(super) fn read_xlsx(file: &str, bytes: &[u8]) -> Result<Table, InputError> {
    let (sheet, range) = first_worksheet(file, bytes)?;
    let (first_row, first_col) = range.start().unwrap_or_default();
    let (first_row, first_col) = (first_row as usize, first_col as usize);

    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        let line = first_row + i + 1;
        let mut fields = Vec::with_capacity(cells.len());
        for (j, cell) in cells.iter().enumerate() {
            let text = cell_text(cell).map_err(|value| InputError::CellError {
                file: file.to_owned(),
                sheet: sheet.clone(),
                cell: format!("{}{line}", column_letters(first_col + j)),
                value,
            })?;
            fields.push(text.trim().to_owned());
        }
        let Some(last) = fields.iter().rposition(|f| !f.is_empty()) else {
            continue;
        };
        match &headers {
            None => {
                fields.truncate(last + 1);
                headers = Some(fields);
            }
            Some(h) => {
                if last >= h.len() {
                    return Err(InputError::Ragged {
                        file: file.to_owned(),
                        row: line,
                        expected: h.len(),
                        found: last + 1,
                    });
                }
                fields.truncate(h.len());
                rows.push(Row { line, fields });
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

/// The text a clerk sees in a cell, or the Excel error it shows.
/// Opens the workbook and reads its first worksheet, turning a panic inside
/// the workbook reader into [`InputError::NotAWorkbook`].
///
/// calamine 0.38 does unchecked arithmetic on cell references: a crafted
/// reference such as `AAAAAAAAA1` overflows `u32` (upstream issue
/// tafia/calamine#709). With overflow checks (debug builds; release builds
/// too, see `[profile.release.package.calamine]` in the root `Cargo.toml`)
/// that is a panic, contained here; without them it would silently wrap to a
/// wrong cell. A hostile file must get an error, never a crash.
fn first_worksheet(file: &str, bytes: &[u8]) -> Result<(String, Range<Data>), InputError> {
    let read = || {
        let not_a_workbook = |e: calamine::XlsxError| InputError::NotAWorkbook {
            file: file.to_owned(),
            reason: e.to_string(),
        };
        let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(not_a_workbook)?;
        let sheet = workbook
            .sheets_metadata()
            .iter()
            .find(|s| s.typ == SheetType::WorkSheet)
            .map(|s| s.name.clone())
            .ok_or_else(|| InputError::NoSheet {
                file: file.to_owned(),
            })?;
        let range = workbook.worksheet_range(&sheet).map_err(not_a_workbook)?;
        Ok((sheet, range))
    };
    std::panic::catch_unwind(read).unwrap_or_else(|payload| {
        let detail = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("unknown failure");
        Err(InputError::NotAWorkbook {
            file: file.to_owned(),
            reason: format!("the workbook reader failed on malformed data ({detail})"),
        })
    })
}

fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) => date_text(dt),
        Data::DateTimeIso(s) => s.strip_suffix("T00:00:00").unwrap_or(s).to_owned(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(e.to_string()),
    })
}

/// Whole numbers without a decimal part (`330106`, not `330106.0`); others
/// in Rust's shortest round-trip form.
fn number_text(f: f64) -> String {
    // Below 2^53 every whole f64 converts to i64 exactly.
    if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        (f as i64).to_string()
    } else {
        f.to_string()
    }
}

/// `yyyy-mm-dd`, with ` hh:mm:ss` only when there is a time of day;
/// durations as `h:mm:ss`.
fn date_text(dt: &ExcelDateTime) -> String {
    if dt.is_duration() {
        let total = (dt.as_f64().abs() * 86_400.0).round() as u64;
        return format!("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
    }
    let (y, mo, d, h, mi, s, _ms) = dt.to_ymd_hms_milli();
    if (h, mi, s) == (0, 0, 0) {
        format!("{y:04}-{mo:02}-{d:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use calamine::ExcelDateTimeType;

    use super::super::{Encoding, TableKind, read_table_bytes, read_table_file, resolve_headers};
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/input")
            .join(name)
    }

    /// Fuzz finding (table_xlsx): a nine-letter cell reference overflows
    /// calamine's column arithmetic (tafia/calamine#709) and used to panic.
    #[test]
    fn overflowing_cell_reference_is_an_error_not_a_panic() {
        let err = read_table_file(&fixture("cell_ref_overflow.xlsx"), Encoding::Auto).unwrap_err();
        assert!(
            matches!(&err, InputError::NotAWorkbook { reason, .. } if reason.contains("malformed")),
            "{err:?}"
        );
    }

    #[test]
    fn xlsx_fixture() {
        let t = read_table_file(&fixture("inspectors.xlsx"), Encoding::Auto).unwrap();
        assert!(t.source.ends_with("inspectors.xlsx"));
        assert_eq!(
            t.headers,
            [
                "执法证号",
                "姓名",
                "所属股室",
                "区划代码",
                "证件有效期起",
                "证件有效期止",
                "在岗",
                "备注"
            ]
        );
        assert_eq!(t.rows.len(), 2);
        assert_eq!(
            t.rows[0].fields,
            [
                "ZJ33010600001",
                "张三",
                "食品安全监管股",
                "330106",
                "2024-01-01",
                "2029-12-31",
                "TRUE",
                ""
            ]
        );
        assert_eq!(
            t.rows[1].fields,
            [
                "ZJ33010600002",
                "李四",
                "特种设备股",
                "330106",
                "2023-07-15 09:30:00",
                "2028-07-14",
                "FALSE",
                "2.5"
            ]
        );
        // Row 3 is empty in the sheet: skipped but counted.
        assert_eq!(t.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 4]);

        let map = resolve_headers(&t, TableKind::Inspectors).unwrap();
        assert_eq!(map.get(&t.rows[0], "cert_valid_to"), "2029-12-31");
        assert_eq!(map.get(&t.rows[1], "region"), "330106");
        assert_eq!(map.ignored(), ["在岗", "备注"]);
    }

    #[test]
    fn xlsx_is_sniffed_without_extension() {
        let bytes = std::fs::read(fixture("inspectors.xlsx")).unwrap();
        let t = read_table_bytes("upload", &bytes, Encoding::Utf8).unwrap();
        assert_eq!(t.rows.len(), 2);
    }

    #[test]
    fn cell_error_names_the_cell() {
        let err = read_table_file(&fixture("cell_error.xlsx"), Encoding::Auto).unwrap_err();
        assert!(
            matches!(&err, InputError::CellError { cell, value, sheet, .. }
                if cell == "C3" && value == "#DIV/0!" && sheet == "Sheet1"),
            "{err:?}"
        );
        assert!(err.to_string().contains("C3"));
    }

    #[test]
    fn not_a_workbook() {
        for bytes in [&b"uscc,name\n1,a\n"[..], b"PK\x03\x04garbage", b""] {
            let err = read_table_bytes("e.xlsx", bytes, Encoding::Auto).unwrap_err();
            assert!(matches!(err, InputError::NotAWorkbook { .. }), "{err:?}");
        }
    }

    #[test]
    fn cell_rendering() {
        assert_eq!(number_text(123.0), "123");
        assert_eq!(number_text(-0.0), "0");
        assert_eq!(number_text(0.1), "0.1");
        assert_eq!(number_text(1e300).len(), 301);
        assert_eq!(number_text(f64::NAN), "NaN");
        assert_eq!(cell_text(&Data::Int(42)).unwrap(), "42");
        assert_eq!(cell_text(&Data::Bool(false)).unwrap(), "FALSE");
        assert_eq!(cell_text(&Data::Empty).unwrap(), "");
        assert_eq!(
            cell_text(&Data::DateTimeIso("2024-03-01T00:00:00".into())).unwrap(),
            "2024-03-01"
        );
        assert_eq!(
            cell_text(&Data::Error(calamine::CellErrorType::NA)).unwrap_err(),
            "#N/A"
        );
        let date = |v, t| ExcelDateTime::new(v, t, false);
        // Excel serial 45292 is 2024-01-01; 60 is Excel's fictitious 1900-02-29.
        assert_eq!(
            date_text(&date(45292.0, ExcelDateTimeType::DateTime)),
            "2024-01-01"
        );
        assert_eq!(
            date_text(&date(45292.75, ExcelDateTimeType::DateTime)),
            "2024-01-01 18:00:00"
        );
        assert_eq!(
            date_text(&date(61.0, ExcelDateTimeType::DateTime)),
            "1900-03-01"
        );
        assert_eq!(
            date_text(&date(1.5, ExcelDateTimeType::TimeDelta)),
            "36:00:00"
        );
        assert_eq!(
            date_text(&ExcelDateTime::new(0.0, ExcelDateTimeType::DateTime, true)),
            "1904-01-01"
        );
    }
}
