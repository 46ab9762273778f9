//! .xlsx workbooks: the first worksheet, every cell rendered as text.

use std::io::{Cursor, Read};

use calamine::{Data, DataRef, ExcelDateTime, Reader, SheetType, Xlsx};

use super::{
    InputError, MAX_CELL_CHARS, MAX_COLUMNS, MAX_INFLATED, MAX_RATIO, RATIO_FLOOR, Row, Table,
    column_letters,
};

/// Reads the first worksheet of an .xlsx workbook into a table.
///
/// The first non-empty row is the header row; trailing header cells that are
/// empty do not count as columns, and a value to the right of the last header
/// is a [`InputError::Ragged`] row. Row numbers are the sheet's own.
///
/// Hostile workbooks end with a named error, within the limits of
/// `input` ([`MAX_INFLATED`], [`MAX_RATIO`], [`MAX_COLUMNS`],
/// [`MAX_CELL_CHARS`]): every part is inflated into a counter first (a zip
/// bomb is refused before any XML is parsed), and cells are read one by one
/// into sparse rows, so a cell at `XFD1048576` costs one cell, not the
/// dense 1 048 576 × 16 384 range calamine's `worksheet_range` would allocate.
pub(super) fn read_xlsx(file: &str, bytes: &[u8]) -> Result<Table, InputError> {
    check_inflated_sizes(file, bytes)?;
    let (sheet, cells) = first_worksheet(file, bytes)?;
    let cell_ref =
        |row: u32, col: u32| format!("{}{}", column_letters(col as usize), row as u64 + 1);
    // Text of every non-empty cell, by (row, column); cells come in sheet
    // order in every workbook Excel writes, but a hostile one may not.
    let mut sparse: Vec<(u32, u32, String)> = Vec::new();
    for (row, col, cell) in cells {
        let text = cell_text(&cell).map_err(|value| InputError::CellError {
            file: file.to_owned(),
            sheet: sheet.clone(),
            cell: cell_ref(row, col),
            value,
        })?;
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if col as usize >= MAX_COLUMNS {
            return Err(InputError::CellOutOfRange {
                file: file.to_owned(),
                sheet: sheet.clone(),
                cell: cell_ref(row, col),
                limit: MAX_COLUMNS,
            });
        }
        if text.chars().count() > MAX_CELL_CHARS {
            return Err(InputError::CellTooLong {
                file: file.to_owned(),
                sheet: sheet.clone(),
                cell: cell_ref(row, col),
                limit: MAX_CELL_CHARS,
            });
        }
        sparse.push((row, col, text.to_owned()));
    }
    sparse.sort_by_key(|&(row, col, _)| (row, col));
    // A later cell at the same place replaces an earlier one, as in a range.
    sparse.dedup_by(|later, earlier| {
        let same = (later.0, later.1) == (earlier.0, earlier.1);
        if same {
            std::mem::swap(&mut later.2, &mut earlier.2);
        }
        same
    });
    let first_col = sparse.iter().map(|c| c.1).min().unwrap_or(0) as usize;

    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut cells = sparse.into_iter().peekable();
    while let Some(&(row, _, _)) = cells.peek() {
        let line = row as usize + 1;
        let mut fields: Vec<String> = Vec::new();
        while let Some((_, col, text)) = cells.next_if(|c| c.0 == row) {
            let j = col as usize - first_col;
            if fields.len() <= j {
                fields.resize(j + 1, String::new());
            }
            if let Some(f) = fields.get_mut(j) {
                *f = text;
            }
        }
        match &headers {
            None => headers = Some(fields),
            Some(h) => {
                if fields.len() > h.len() {
                    return Err(InputError::Ragged {
                        file: file.to_owned(),
                        row: line,
                        expected: h.len(),
                        found: fields.len(),
                    });
                }
                fields.resize(h.len(), String::new());
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

/// Inflates every part of the archive into a counter, refusing one that
/// inflates past [`MAX_RATIO`] times its compressed size (beyond
/// [`RATIO_FLOOR`]) or parts that inflate past [`MAX_INFLATED`] together.
/// Inflating is deterministic, so calamine, reading the same bytes after
/// this, inflates no more than was counted here.
fn check_inflated_sizes(file: &str, bytes: &[u8]) -> Result<(), InputError> {
    let not_a_workbook = |reason: String| InputError::NotAWorkbook {
        file: file.to_owned(),
        reason,
    };
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| not_a_workbook(e.to_string()))?;
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 1 << 16];
    for i in 0..archive.len() {
        let mut part = archive
            .by_index(i)
            .map_err(|e| not_a_workbook(e.to_string()))?;
        let name = part
            .name()
            .map_or_else(|_| format!("#{i}"), std::borrow::Cow::into_owned);
        let by_ratio = part
            .compressed_size()
            .saturating_mul(MAX_RATIO)
            .max(RATIO_FLOOR);
        let mut inflated: u64 = 0;
        loop {
            let n = match part.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n as u64,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                // calamine would fail on it too; say so now, naming the part.
                Err(e) => return Err(not_a_workbook(format!("{name}: {e}"))),
            };
            inflated += n;
            let reason = if inflated > by_ratio {
                Some(format!(
                    "more than {MAX_RATIO} times its compressed size of {} bytes: a zip bomb",
                    part.compressed_size()
                ))
            } else if total + inflated > MAX_INFLATED {
                Some(format!(
                    "the parts of a workbook inflate to at most {} together",
                    crate::files::human(MAX_INFLATED)
                ))
            } else {
                None
            };
            if let Some(reason) = reason {
                return Err(InputError::Inflated {
                    file: file.to_owned(),
                    entry: name,
                    inflated,
                    reason,
                });
            }
        }
        total += inflated;
    }
    Ok(())
}

/// One cell of the first worksheet: row, column (0-based) and value.
type SheetCell = (u32, u32, Data);

/// Opens the workbook and reads the cells of its first worksheet one by
/// one, turning a panic inside the workbook reader into
/// [`InputError::NotAWorkbook`].
///
/// calamine 0.38 does unchecked arithmetic on cell references: a crafted
/// reference such as `AAAAAAAAA1` overflows `u32` (upstream issue
/// tafia/calamine#709). With overflow checks (debug builds; release builds
/// too, see `[profile.release.package.calamine]` in the root `Cargo.toml`)
/// that is a panic, contained here; without them it would silently wrap to a
/// wrong cell. A hostile file must get an error, never a crash. The panic
/// message is not shown (the binary's panic hook is silenced around the
/// call), only a named error.
fn first_worksheet(file: &str, bytes: &[u8]) -> Result<(String, Vec<SheetCell>), InputError> {
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
        let mut reader = workbook
            .worksheet_cells_reader(&sheet)
            .map_err(not_a_workbook)?;
        let mut cells = Vec::new();
        while let Some(cell) = reader.next_cell().map_err(not_a_workbook)? {
            let (row, col) = cell.get_position();
            let value = match cell.get_value() {
                DataRef::Empty => continue,
                other => Data::from(other.clone()),
            };
            cells.push((row, col, value));
        }
        Ok((sheet, cells))
    };
    quiet_catch_unwind(read).unwrap_or_else(|detail| {
        Err(InputError::NotAWorkbook {
            file: file.to_owned(),
            reason: format!("the workbook reader failed on malformed data ({detail})"),
        })
    })
}

/// Runs `f`, turning a panic into its message without printing it: the
/// default hook would write "thread 'main' panicked at ..." to standard
/// error, which a clerk must never see for a bad file.
fn quiet_catch_unwind<T>(f: impl FnOnce() -> T + std::panic::UnwindSafe) -> Result<T, String> {
    static HOOK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = HOOK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(f);
    std::panic::set_hook(previous);
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown failure".to_owned())
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
