//! Calendar files: a year's State Council holiday notice as TOML
//! (`docs/calendar.md`), loaded with `--calendar FILE` on top of the
//! library's built-in table.
//!
//! ```toml
//! year = 2027
//! notice = "国务院办公厅关于2027年部分节假日安排的通知"
//! number = "国办发明电〔2026〕N号"
//!
//! [[holiday]]
//! name = "元旦"
//! from = 2027-01-01
//! to = 2027-01-03
//!
//! [[workday]]
//! name = "春节调休"
//! date = 2027-02-07
//! ```
//!
//! The file is read strictly: unknown keys, dates that are not real or not
//! in the year, a make-up working day that is not a Saturday or Sunday,
//! two entries listing one day, and a year the built-in table already has
//! with different days are each refused with the line, the field and the
//! value.

use std::path::{Path, PathBuf};

use clap::Args;
use double_random::calendar::{
    HolidayNotice, NoticeDayKind, NoticeEntry, NoticeError, WorkingCalendar, format_date,
};
use serde::Deserialize;
use time::Date;

use crate::task_file::toml_date;

/// The `--calendar` flag of every command that counts entry deadlines.
#[derive(Debug, Clone, Default, Args)]
pub struct CalendarArgs {
    /// A calendar file: one year's State Council holiday notice (TOML,
    /// docs/calendar.md), for a year the built-in table lacks; repeat for
    /// several years.
    #[arg(long = "calendar", value_name = "FILE")]
    pub calendar_files: Vec<PathBuf>,
}

/// Why a calendar file was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarFileError {
    /// The file could not be read.
    #[error("calendar file {file}: {cause}")]
    Read {
        /// The file.
        file: String,
        /// Why.
        #[source]
        cause: std::io::Error,
    },
    /// Not TOML, an unknown or missing key, or a value of the wrong type.
    #[error("calendar file {file}: {error}")]
    Toml {
        /// The file.
        file: String,
        /// The parser's error, with line and column.
        error: Box<toml::de::Error>,
    },
    /// A field's value is wrong.
    #[error("calendar file {file}, line {line}: {field} = {value}: {message}")]
    Field {
        /// The file.
        file: String,
        /// The line.
        line: usize,
        /// The field (`year`, `[[holiday]] from`, ...).
        field: String,
        /// The value as written.
        value: String,
        /// What is wrong.
        message: String,
    },
    /// The built-in table does not parse (a broken build).
    #[error("the built-in holiday table: {0}")]
    BuiltIn(double_random::calendar::CalendarParseError),
    /// The notice breaks a calendar rule.
    #[error("calendar file {file}{}: {error}", match (line, field) {
        (Some(l), Some(f)) => format!(", line {l} ({f})"),
        (Some(l), None) => format!(", line {l}"),
        _ => String::new(),
    })]
    Notice {
        /// The file.
        file: String,
        /// The line of the entry concerned, when one is.
        line: Option<usize>,
        /// The entry's table and name, when one is concerned.
        field: Option<String>,
        /// The rule broken.
        error: Box<NoticeError>,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarToml {
    year: toml::Spanned<i64>,
    notice: toml::Spanned<String>,
    number: toml::Spanned<String>,
    #[serde(default)]
    holiday: Vec<EntryToml>,
    #[serde(default)]
    workday: Vec<EntryToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryToml {
    name: toml::Spanned<String>,
    date: Option<toml::Spanned<toml::Value>>,
    from: Option<toml::Spanned<toml::Value>>,
    to: Option<toml::Spanned<toml::Value>>,
}

/// The 1-based line of byte `offset` in `text` (a TOML value's span start).
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |t| t.matches('\n').count() + 1)
}

/// Parses a calendar file's text (`file` names it in errors).
pub fn parse_calendar_file(file: &str, text: &str) -> Result<HolidayNotice, CalendarFileError> {
    Ok(parse_with_lines(file, text)?.0)
}

/// The notice and, per entry, its line and `[[table]] name`.
fn parse_with_lines(
    file: &str,
    text: &str,
) -> Result<(HolidayNotice, Vec<(usize, String)>), CalendarFileError> {
    let raw: CalendarToml = toml::from_str(text).map_err(|error| CalendarFileError::Toml {
        file: file.to_owned(),
        error: Box::new(error),
    })?;
    let field = |span: std::ops::Range<usize>, name: &str, value: String, message: String| {
        CalendarFileError::Field {
            file: file.to_owned(),
            line: line_of(text, span.start),
            field: name.to_owned(),
            value,
            message,
        }
    };
    let year_value = *raw.year.get_ref();
    let year = i32::try_from(year_value)
        .ok()
        .filter(|y| (1900..=9999).contains(y))
        .ok_or_else(|| {
            field(
                raw.year.span(),
                "year",
                year_value.to_string(),
                "not a year between 1900 and 9999".into(),
            )
        })?;
    for (name, v) in [("notice", &raw.notice), ("number", &raw.number)] {
        if v.get_ref().trim().is_empty() {
            return Err(field(
                v.span(),
                name,
                format!("{:?}", v.get_ref()),
                "must not be empty: copy it from the notice".into(),
            ));
        }
    }
    let source = format!(
        "{}（{}）",
        raw.notice.get_ref().trim(),
        raw.number.get_ref().trim()
    );
    let mut entries = Vec::new();
    let mut lines = Vec::new();
    for (table, kind, list) in [
        ("[[holiday]]", NoticeDayKind::Holiday, &raw.holiday),
        ("[[workday]]", NoticeDayKind::Workday, &raw.workday),
    ] {
        for e in list {
            let name = e.name.get_ref().trim().to_owned();
            let line = line_of(text, e.name.span().start);
            if name.is_empty() {
                return Err(field(
                    e.name.span(),
                    &format!("{table} name"),
                    "\"\"".into(),
                    "name the festival (元旦, 春节, ...)".into(),
                ));
            }
            let date_of = |key: &str,
                           v: &toml::Spanned<toml::Value>|
             -> Result<Date, CalendarFileError> {
                let value = v.get_ref().clone();
                let shown = value.to_string();
                let d = toml_date(key, value)
                    .map_err(|m| field(v.span(), &format!("{table} {key}"), shown.clone(), m))?;
                // Only the canonical form: 2027-01-01, not 2027/1/1.
                if let toml::Value::String(s) = v.get_ref()
                    && format_date(d) != *s
                {
                    return Err(field(
                        v.span(),
                        &format!("{table} {key}"),
                        shown,
                        "write the date as YYYY-MM-DD".into(),
                    ));
                }
                Ok(d)
            };
            let missing = |message: &str| CalendarFileError::Field {
                file: file.to_owned(),
                line,
                field: format!("{table} {name}"),
                value: String::new(),
                message: message.to_owned(),
            };
            let (first, last) = match (kind, &e.date, &e.from, &e.to) {
                (_, Some(d), None, None) => {
                    let d = date_of("date", d)?;
                    (d, d)
                }
                (NoticeDayKind::Holiday, None, Some(f), Some(t)) => {
                    (date_of("from", f)?, date_of("to", t)?)
                }
                (NoticeDayKind::Holiday, _, _, _) => {
                    return Err(missing(
                        "give either `date` (one day) or both `from` and `to` (an inclusive range)",
                    ));
                }
                (NoticeDayKind::Workday, _, _, _) => {
                    return Err(missing(
                        "a make-up working day is one day: give `date` (and no `from`/`to`)",
                    ));
                }
            };
            entries.push(NoticeEntry {
                kind,
                first,
                last,
                name: name.clone(),
            });
            lines.push((line, format!("{table} {name}")));
        }
    }
    Ok((
        HolidayNotice {
            year,
            source,
            entries,
        },
        lines,
    ))
}

/// Adds the notice of one calendar file to `cal`.
pub fn add_calendar_file(cal: &mut WorkingCalendar, path: &Path) -> Result<(), CalendarFileError> {
    let file = path.display().to_string();
    // A year's notice is a few kilobytes: read at most 1 MiB, like task files.
    let text =
        crate::files::read_text_capped(path, crate::files::Limit::SMALL).map_err(|cause| {
            CalendarFileError::Read {
                file: file.clone(),
                cause,
            }
        })?;
    add_calendar_text(cal, &file, &text)
}

/// Adds the notice of a calendar file's text to `cal` (`file` names it in
/// errors), as [`add_calendar_file`] does once the file is read.
pub fn add_calendar_text(
    cal: &mut WorkingCalendar,
    file: &str,
    text: &str,
) -> Result<(), CalendarFileError> {
    let (notice, lines) = parse_with_lines(file, text)?;
    cal.add_notice(&notice, &format!("calendar file {file}"))
        .map_err(|error| {
            let at = error.entry().and_then(|i| lines.get(i));
            let mut field = at.map(|(_, f)| f.clone());
            if let NoticeError::Overlap { other, .. } = &error
                && let (Some(f), Some((l, _))) = (&mut field, lines.get(*other))
            {
                f.push_str(&format!("; the same day is at line {l}"));
            }
            CalendarFileError::Notice {
                file: file.to_owned(),
                line: at.map(|(l, _)| *l),
                field,
                error: Box::new(error),
            }
        })?;
    Ok(())
}

/// The built-in table with the `--calendar` files added, in order.
pub fn load_calendar(args: &CalendarArgs) -> Result<WorkingCalendar, CalendarFileError> {
    let mut cal = WorkingCalendar::china().map_err(CalendarFileError::BuiltIn)?;
    for path in &args.calendar_files {
        add_calendar_file(&mut cal, path)?;
    }
    Ok(cal)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 2019 notice's 元旦 began in December 2018 (docs/calendar.md):
    /// the notice is taken, its 2019 days are answered, and 2018, which no
    /// notice covers, is still refused rather than guessed.
    #[test]
    fn a_notice_may_start_in_the_december_before_its_year() {
        let text = "year = 2019\nnotice = \"国务院办公厅关于2019年部分节假日安排的通知\"\n\
                    number = \"国办发明电〔2018〕15号\"\n\n\
                    [[holiday]]\nname = \"元旦\"\nfrom = 2018-12-30\nto = 2019-01-01\n\n\
                    [[workday]]\nname = \"元旦调休\"\ndate = 2018-12-29\n";
        let mut cal = WorkingCalendar::china().unwrap();
        add_calendar_text(&mut cal, "2019.toml", text).unwrap();
        assert!(cal.covered_years().contains(&2019));
        let day = |s: &str| double_random::calendar::parse_date(s).unwrap();
        assert_eq!(cal.is_working_day(day("2019-01-01")), Ok(false));
        assert_eq!(cal.is_working_day(day("2019-01-02")), Ok(true));
        assert!(cal.is_working_day(day("2018-12-29")).is_err());
    }
}
