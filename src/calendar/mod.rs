//! Working days in China and the result-entry deadline (一公开).
//!
//! Inspection results must be entered within
//! [`ENTRY_DEADLINE_WORKING_DAYS`] working days of the day the check ends.
//! Working days follow the State Council's yearly holiday notice, which both
//! adds holidays on weekdays (放假) and turns some Saturdays and Sundays into
//! working days (调休上班): a plain Monday-to-Friday rule is wrong.
//!
//! A [`WorkingCalendar`] is built from a line-based table of those special
//! days, one block per year, each block naming the notice it transcribes.
//! [`WorkingCalendar::china`] loads the table bundled with this crate
//! ([`CHINA_HOLIDAY_TABLE`]); [`WorkingCalendar::from_text`] and
//! [`WorkingCalendar::extend`] load a table an office writes itself, for
//! instance next year's notice before a library release carries it.
//!
//! A calendar never guesses: asking about a day in a year whose notice is not
//! loaded is an error ([`CalendarError::UncoveredYear`]). The rule, the data
//! format and the sources are specified in `docs/spec/calendar.md`.

use std::collections::BTreeMap;

use time::{Date, Weekday};

pub(crate) mod date;
#[cfg(test)]
mod tests;

pub use date::{
    BEIJING_UTC_OFFSET_SECONDS, BeijingTime, Timestamp, beijing_rfc3339, format_date, parse_date,
};

/// Working days allowed for entering an inspection result, counted from the
/// day after the check ends (see [`WorkingCalendar::entry_deadline`]).
pub const ENTRY_DEADLINE_WORKING_DAYS: u32 = 20;

/// The bundled table: the State Council holiday notices for 2020 to 2026, in
/// the format [`WorkingCalendar::from_text`] reads.
///
/// It is public so an office can read exactly what the library assumes, or
/// append its own lines to it.
pub const CHINA_HOLIDAY_TABLE: &str = include_str!("cn-holidays.txt");

/// The longest range one table line may write (`FIRST..LAST`), in days.
///
/// The longest official span so far is ten days (Spring Festival 2020 with
/// its extension); the limit only catches typos in the years.
pub const MAX_RANGE_DAYS: u32 = 31;

/// The origin [`WorkingCalendar::china`] gives its years.
pub const BUILT_IN_ORIGIN: &str = "built-in";

/// The origin of years read by [`WorkingCalendar::from_text`] or
/// [`WorkingCalendar::extend`].
pub const TABLE_ORIGIN: &str = "table";

/// What a table line says about a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DayKind {
    /// An official holiday (放假): not a working day, even Monday to Friday.
    Holiday,
    /// A make-up working day (调休上班) on a Saturday or Sunday.
    Workday,
}

/// Working days of the years whose holiday notices are loaded.
///
/// Build it with [`WorkingCalendar::china`] or [`WorkingCalendar::from_text`].
/// A day of a covered year is a working day when the table marks it
/// `workday`, is not one when the table marks it `holiday`, and otherwise is
/// one exactly when it falls Monday to Friday.
///
/// ```
/// use double_random::{calendar::{Timeliness, WorkingCalendar, parse_date}};
///
/// let cal = WorkingCalendar::china()?;
/// // National Day 2024: 1-7 October off; Sunday 29 September worked.
/// let sunday = parse_date("2024-09-29").unwrap();
/// assert!(cal.is_working_day(sunday)?);
/// let check_end = parse_date("2024-09-27").unwrap();
/// assert_eq!(cal.entry_deadline(check_end)?, parse_date("2024-10-30").unwrap());
/// assert_eq!(
///     cal.timeliness(check_end, parse_date("2024-10-31").unwrap())?,
///     Timeliness::Overdue { working_days_late: 1 }
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Two calendars are equal when they cover the same years with the same
/// sources and days, wherever each year was loaded from.
#[derive(Debug, Clone)]
pub struct WorkingCalendar {
    /// Covered years and the source each year's block names.
    years: BTreeMap<i32, String>,
    /// Every special day of every loaded block.
    special: BTreeMap<Date, DayKind>,
    /// Each covered year's special days (those its notice lists, which may
    /// include days of the December before).
    by_notice: BTreeMap<i32, BTreeMap<Date, DayKind>>,
    /// Where each covered year came from: `built-in` for the bundled table,
    /// `table` for other table text, or the label given to
    /// [`WorkingCalendar::add_notice`] (e.g. a file name).
    origins: BTreeMap<i32, String>,
}

impl PartialEq for WorkingCalendar {
    fn eq(&self, other: &Self) -> bool {
        self.years == other.years
            && self.special == other.special
            && self.by_notice == other.by_notice
    }
}

impl Eq for WorkingCalendar {}

/// Whether a result was entered by its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timeliness {
    /// Entered on or before the deadline day.
    OnTime,
    /// Entered after the deadline day. Late entries are flagged, not refused.
    Overdue {
        /// The fewest extra working days that would have made the entry on
        /// time: 1 for an entry on the first working day after the deadline
        /// or on any rest day before it, and so on. Always at least 1.
        working_days_late: u32,
    },
}

/// Why a working-day question could not be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// The answer depends on a day of a year whose holiday notice is not in
    /// the table; the calendar does not guess.
    #[error(
        "no holiday notice is loaded for {year} (needed for {}); load that year's State Council notice from a calendar file (docs/calendar.md)",
        format_date(*date)
    )]
    UncoveredYear {
        /// The uncovered year.
        year: i32,
        /// The first day of that year the question needed.
        date: Date,
    },
    /// Counting ran past the last date the calendar can represent.
    #[error("counting working days ran past the last representable date after {}", format_date(*date))]
    EndOfTime {
        /// The last date reached.
        date: Date,
    },
    /// A result entry dated before the check it reports on ended.
    #[error(
        "the result is dated {} but the check ended on {}; a result cannot be entered before its check ends",
        format_date(*entered_on),
        format_date(*check_end)
    )]
    EntryBeforeCheckEnd {
        /// The day the check ended.
        check_end: Date,
        /// The day the result was entered.
        entered_on: Date,
    },
}

impl CalendarError {
    /// The error in Chinese, for the verifier's findings.
    pub(crate) fn message_zh(&self) -> String {
        match self {
            CalendarError::UncoveredYear { year, date } => format!(
                "未载入 {year} 年的放假安排通知（计算需要用到 {}）；请从日历文件载入该年度的国务院通知（docs/calendar.md）",
                format_date(*date)
            ),
            CalendarError::EndOfTime { date } => format!(
                "计算工作日时超出了可表示的最后日期（{} 之后）",
                format_date(*date)
            ),
            CalendarError::EntryBeforeCheckEnd {
                check_end,
                entered_on,
            } => format!(
                "检查结果的日期为 {}，但检查于 {} 才结束；检查结束前不能录入结果",
                format_date(*entered_on),
                format_date(*check_end)
            ),
        }
    }
}

/// Why a holiday table was refused. Line numbers count from 1 within the text
/// given to [`WorkingCalendar::from_text`] or [`WorkingCalendar::extend`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarParseError {
    /// The text has no `year` line, so it covers no year.
    #[error("the holiday table has no `year` line, so it covers no year")]
    NoYears,
    /// A line that is neither a comment, a `year` line nor a day line.
    #[error(
        "line {line}: expected `year YYYY SOURCE` or `YYYY-MM-DD[..YYYY-MM-DD] holiday|workday [NAME]`, found {text:?}"
    )]
    Syntax {
        /// The line number.
        line: usize,
        /// The line, trimmed.
        text: String,
    },
    /// A `year` line whose year is not four digits in 1900..=9999.
    #[error("line {line}: year {text:?} is not a four-digit year between 1900 and 9999")]
    BadYear {
        /// The line number.
        line: usize,
        /// The year as written.
        text: String,
    },
    /// A `year` line that does not name its source.
    #[error(
        "line {line}: year {year} names no source; write the notice's title and document number after the year"
    )]
    MissingSource {
        /// The line number.
        line: usize,
        /// The year.
        year: i32,
    },
    /// A second block for a year already covered.
    #[error("line {line}: year {year} is already covered; each year has one block")]
    DuplicateYear {
        /// The line number.
        line: usize,
        /// The repeated year.
        year: i32,
    },
    /// A day line before any `year` line.
    #[error("line {line}: day lines must follow a `year` line naming their notice")]
    DayBeforeYear {
        /// The line number.
        line: usize,
    },
    /// A date that is not a real `YYYY-MM-DD` date.
    #[error("line {line}: {text:?} is not a date written YYYY-MM-DD")]
    BadDate {
        /// The line number.
        line: usize,
        /// The date as written.
        text: String,
    },
    /// A kind other than `holiday` or `workday`.
    #[error("line {line}: unknown kind {kind:?}; write `holiday` or `workday`")]
    UnknownKind {
        /// The line number.
        line: usize,
        /// The kind as written.
        kind: String,
    },
    /// A range whose last day is before its first.
    #[error("line {line}: range ends on {} before it starts on {}", format_date(*last), format_date(*first))]
    RangeReversed {
        /// The line number.
        line: usize,
        /// The first day as written.
        first: Date,
        /// The last day as written.
        last: Date,
    },
    /// A range longer than [`MAX_RANGE_DAYS`].
    #[error(
        "line {line}: range {}..{} is longer than {MAX_RANGE_DAYS} days; check the years",
        format_date(*first),
        format_date(*last)
    )]
    RangeTooLong {
        /// The line number.
        line: usize,
        /// The first day.
        first: Date,
        /// The last day.
        last: Date,
    },
    /// A day more than a year away from its block's year.
    #[error(
        "line {line}: {} is not in or next to year {year}, the notice this block transcribes",
        format_date(*date)
    )]
    DateOutsideNotice {
        /// The line number.
        line: usize,
        /// The offending day.
        date: Date,
        /// The block's year.
        year: i32,
    },
    /// A make-up working day that is not a Saturday or Sunday.
    #[error(
        "line {line}: {} is a {weekday}, already a working day; `workday` marks a Saturday or Sunday made a working day (调休上班)",
        format_date(*date)
    )]
    WorkdayNotWeekend {
        /// The line number.
        line: usize,
        /// The offending day.
        date: Date,
        /// Its weekday.
        weekday: Weekday,
    },
    /// A day listed twice (in this text or already loaded).
    #[error("line {line}: {} is listed twice", format_date(*date))]
    DuplicateDate {
        /// The line number.
        line: usize,
        /// The repeated day.
        date: Date,
    },
}

impl CalendarParseError {
    /// The 1-based line the error is on, when it is on one line.
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::NoYears => None,
            Self::Syntax { line, .. }
            | Self::BadYear { line, .. }
            | Self::MissingSource { line, .. }
            | Self::DuplicateYear { line, .. }
            | Self::DayBeforeYear { line }
            | Self::BadDate { line, .. }
            | Self::UnknownKind { line, .. }
            | Self::RangeReversed { line, .. }
            | Self::RangeTooLong { line, .. }
            | Self::DateOutsideNotice { line, .. }
            | Self::WorkdayNotWeekend { line, .. }
            | Self::DuplicateDate { line, .. } => Some(*line),
        }
    }
}

impl WorkingCalendar {
    /// The bundled table of State Council notices ([`CHINA_HOLIDAY_TABLE`]).
    ///
    /// The table is tested to parse; the `Result` is there so that a broken
    /// build of it would be an error, never a panic.
    pub fn china() -> Result<Self, CalendarParseError> {
        let mut cal = Self::from_text(CHINA_HOLIDAY_TABLE)?;
        for origin in cal.origins.values_mut() {
            *origin = BUILT_IN_ORIGIN.to_owned();
        }
        Ok(cal)
    }

    /// Reads a holiday table (format in `docs/spec/calendar.md`).
    ///
    /// Refuses the whole text at its first bad line; a text without any
    /// `year` line is refused too ([`CalendarParseError::NoYears`]).
    pub fn from_text(text: &str) -> Result<Self, CalendarParseError> {
        let mut cal = Self {
            years: BTreeMap::new(),
            special: BTreeMap::new(),
            by_notice: BTreeMap::new(),
            origins: BTreeMap::new(),
        };
        cal.extend(text)?;
        Ok(cal)
    }

    /// Adds the years of another table, e.g. a new notice on top of
    /// [`WorkingCalendar::china`]. A year or day already loaded is an error.
    /// On error the calendar is left unchanged.
    pub fn extend(&mut self, text: &str) -> Result<(), CalendarParseError> {
        let (years, special) = parse_table(text, self)?;
        for (&year, days) in &special {
            self.by_notice.entry(year).or_default().extend(days.iter());
            self.special.extend(days.iter());
        }
        for &year in years.keys() {
            self.by_notice.entry(year).or_default();
            self.origins.insert(year, TABLE_ORIGIN.to_owned());
        }
        self.years.extend(years);
        Ok(())
    }

    /// The years whose notices are loaded, ascending.
    pub fn covered_years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    /// The source a covered year's block names (notice title and number).
    pub fn source(&self, year: i32) -> Option<&str> {
        self.years.get(&year).map(String::as_str)
    }

    /// Whether `date` is a working day. Errors when `date`'s year is not
    /// covered.
    pub fn is_working_day(&self, date: Date) -> Result<bool, CalendarError> {
        let year = date.year();
        if !self.years.contains_key(&year) {
            return Err(CalendarError::UncoveredYear { year, date });
        }
        Ok(match self.special.get(&date) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday),
        })
    }

    /// The `n`-th working day strictly after `start`.
    ///
    /// `start` itself is never counted, whatever kind of day it is, and is
    /// not looked up: `add_working_days(d, 0)` is `d` for any `d`, and the
    /// result for `n > 0` is a working day. Errors when a day it must look at
    /// (those after `start`, up to the result) lies in an uncovered year.
    pub fn add_working_days(&self, start: Date, n: u32) -> Result<Date, CalendarError> {
        let mut day = start;
        let mut found = 0u32;
        while found < n {
            day = day
                .next_day()
                .ok_or(CalendarError::EndOfTime { date: day })?;
            if self.is_working_day(day)? {
                found += 1;
            }
        }
        Ok(day)
    }

    /// The number of working days `d` with `a < d <= b`; negative (the same
    /// count for `b < d <= a`) when `b` is before `a`, and 0 when they are
    /// equal. So `working_days_between(a, add_working_days(a, n)?)` is `n`.
    /// Errors when a day of that span lies in an uncovered year.
    pub fn working_days_between(&self, a: Date, b: Date) -> Result<i64, CalendarError> {
        let (lo, hi, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
        let mut count = 0i64;
        let mut day = lo;
        while day < hi {
            day = day
                .next_day()
                .ok_or(CalendarError::EndOfTime { date: day })?;
            if self.is_working_day(day)? {
                count += 1;
            }
        }
        Ok(sign * count)
    }

    /// The last day on which a result for a check that ended on `check_end`
    /// is entered on time: the [`ENTRY_DEADLINE_WORKING_DAYS`]-th (20th)
    /// working day after `check_end`.
    ///
    /// The day the check ends is day 0 and is not counted, whether or not it
    /// is a working day; the deadline day itself is included (entry on it is
    /// on time).
    pub fn entry_deadline(&self, check_end: Date) -> Result<Date, CalendarError> {
        self.add_working_days(check_end, ENTRY_DEADLINE_WORKING_DAYS)
    }

    /// Whether a result entered on `entered_on` for a check that ended on
    /// `check_end` was on time (see [`WorkingCalendar::entry_deadline`]).
    ///
    /// Errors when `entered_on` is before `check_end`, or when a day up to
    /// the deadline (or, for a late entry, up to the day before
    /// `entered_on`) lies in an uncovered year.
    pub fn timeliness(
        &self,
        check_end: Date,
        entered_on: Date,
    ) -> Result<Timeliness, CalendarError> {
        if entered_on < check_end {
            return Err(CalendarError::EntryBeforeCheckEnd {
                check_end,
                entered_on,
            });
        }
        let deadline = self.entry_deadline(check_end)?;
        if entered_on <= deadline {
            return Ok(Timeliness::OnTime);
        }
        // entered_on > deadline, so the day before it is on or after the deadline.
        let before = entered_on
            .previous_day()
            .ok_or(CalendarError::EndOfTime { date: entered_on })?;
        let between = self.working_days_between(deadline, before)?;
        let working_days_late = u32::try_from(between).unwrap_or(u32::MAX).saturating_add(1);
        Ok(Timeliness::Overdue { working_days_late })
    }
}

/// What a notice says about the days of one of its entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeDayKind {
    /// An official holiday (放假): not a working day, even Monday to Friday.
    Holiday,
    /// A Saturday or Sunday made a working day (调休上班).
    Workday,
}

impl From<NoticeDayKind> for DayKind {
    fn from(k: NoticeDayKind) -> Self {
        match k {
            NoticeDayKind::Holiday => DayKind::Holiday,
            NoticeDayKind::Workday => DayKind::Workday,
        }
    }
}

/// One item of a holiday notice: a day or an inclusive range of days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeEntry {
    /// Holidays or make-up working days.
    pub kind: NoticeDayKind,
    /// The first day.
    pub first: Date,
    /// The last day (equal to `first` for one day).
    pub last: Date,
    /// The festival it belongs to (元旦, 春节, ...), for people.
    pub name: String,
}

/// A year's State Council holiday notice as data, for
/// [`WorkingCalendar::add_notice`]. Reading it from a file is the caller's
/// business (the CLI reads the TOML format of `docs/calendar.md`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayNotice {
    /// The year the notice arranges.
    pub year: i32,
    /// The notice's title and document number.
    pub source: String,
    /// Its items, in the notice's order.
    pub entries: Vec<NoticeEntry>,
}

/// Why [`WorkingCalendar::add_notice`] refused a notice. `entry` counts
/// from 0 in [`HolidayNotice::entries`]; the messages leave it to the
/// caller to say where the entry is ([`NoticeError::entry`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoticeError {
    /// The year is not in 1900..=9999.
    #[error("year {year} is not a year between 1900 and 9999")]
    BadYear {
        /// The year given.
        year: i32,
    },
    /// The notice names no source.
    #[error("the notice names no source; give its title and document number")]
    NoSource,
    /// The notice lists no holiday.
    #[error("the notice for {year} lists no holiday")]
    NoHolidays {
        /// The year.
        year: i32,
    },
    /// A range whose last day is before its first.
    #[error("range ends on {} before it starts on {}", format_date(*last), format_date(*first))]
    RangeReversed {
        /// The entry.
        entry: usize,
        /// The first day.
        first: Date,
        /// The last day.
        last: Date,
    },
    /// A range longer than [`MAX_RANGE_DAYS`].
    #[error(
        "range {}..{} is longer than {MAX_RANGE_DAYS} days",
        format_date(*first),
        format_date(*last)
    )]
    RangeTooLong {
        /// The entry.
        entry: usize,
        /// The first day.
        first: Date,
        /// The last day.
        last: Date,
    },
    /// A day outside the notice's year (and not in the December before it,
    /// where a 元旦 arrangement may start).
    #[error(
        "{} is outside {year}; a notice lists days of its own year (or of the December before, for 元旦)",
        format_date(*date)
    )]
    DateOutsideYear {
        /// The entry.
        entry: usize,
        /// The day.
        date: Date,
        /// The notice's year.
        year: i32,
    },
    /// A make-up working day that is not a Saturday or Sunday.
    #[error(
        "{} is a {weekday}, already a working day; a make-up working day (调休上班) is a Saturday or Sunday",
        format_date(*date)
    )]
    WorkdayNotWeekend {
        /// The entry.
        entry: usize,
        /// The day.
        date: Date,
        /// Its weekday.
        weekday: Weekday,
    },
    /// Two entries of the notice name the same day.
    #[error("{} is listed by two entries ({other} and {entry})", format_date(*date))]
    Overlap {
        /// The later entry.
        entry: usize,
        /// The earlier entry.
        other: usize,
        /// The day.
        date: Date,
    },
    /// A day another loaded notice already lists.
    #[error("{} is already listed by the loaded notice for {other_year}", format_date(*date))]
    ConflictsWithLoaded {
        /// The entry.
        entry: usize,
        /// The day.
        date: Date,
        /// The year of the notice that lists it.
        other_year: i32,
    },
    /// The year is already loaded with different days.
    #[error(
        "{year} is already loaded ({origin}: {source_name}) and this notice differs from it on {}: {loaded} there, {given} here; a loaded year can only be given again identically",
        format_date(*date)
    )]
    DiffersFromLoaded {
        /// The year.
        year: i32,
        /// Where the loaded year came from.
        origin: String,
        /// The loaded year's source.
        source_name: String,
        /// The first day on which they differ.
        date: Date,
        /// What the loaded notice says of it.
        loaded: &'static str,
        /// What this notice says of it.
        given: &'static str,
    },
}

impl NoticeError {
    /// The entry the error is about, when it is about one.
    pub fn entry(&self) -> Option<usize> {
        match self {
            Self::RangeReversed { entry, .. }
            | Self::RangeTooLong { entry, .. }
            | Self::DateOutsideYear { entry, .. }
            | Self::WorkdayNotWeekend { entry, .. }
            | Self::Overlap { entry, .. }
            | Self::ConflictsWithLoaded { entry, .. } => Some(*entry),
            _ => None,
        }
    }
}

/// What [`WorkingCalendar::add_notice`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeAdded {
    /// The year is now covered by this notice.
    Added,
    /// The year was already loaded with exactly these days; nothing changed.
    AlreadyLoaded,
}

fn kind_word(k: Option<DayKind>) -> &'static str {
    match k {
        Some(DayKind::Holiday) => "a holiday",
        Some(DayKind::Workday) => "a make-up working day",
        None => "an ordinary day",
    }
}

/// The days a notice lists, checked on their own.
fn notice_days(n: &HolidayNotice) -> Result<BTreeMap<Date, (DayKind, usize)>, NoticeError> {
    if !(1900..=9999).contains(&n.year) {
        return Err(NoticeError::BadYear { year: n.year });
    }
    if n.source.trim().is_empty() {
        return Err(NoticeError::NoSource);
    }
    if !n.entries.iter().any(|e| e.kind == NoticeDayKind::Holiday) {
        return Err(NoticeError::NoHolidays { year: n.year });
    }
    let mut days: BTreeMap<Date, (DayKind, usize)> = BTreeMap::new();
    for (entry, e) in n.entries.iter().enumerate() {
        let (first, last) = (e.first, e.last);
        if last < first {
            return Err(NoticeError::RangeReversed { entry, first, last });
        }
        if (last - first).whole_days() >= i64::from(MAX_RANGE_DAYS) {
            return Err(NoticeError::RangeTooLong { entry, first, last });
        }
        let mut day = first;
        loop {
            let in_year = day.year() == n.year
                || (day.year() + 1 == n.year && day.month() == time::Month::December);
            if !in_year {
                return Err(NoticeError::DateOutsideYear {
                    entry,
                    date: day,
                    year: n.year,
                });
            }
            let weekday = day.weekday();
            if e.kind == NoticeDayKind::Workday
                && !matches!(weekday, Weekday::Saturday | Weekday::Sunday)
            {
                return Err(NoticeError::WorkdayNotWeekend {
                    entry,
                    date: day,
                    weekday,
                });
            }
            if let Some(&(_, other)) = days.get(&day) {
                return Err(NoticeError::Overlap {
                    entry,
                    other,
                    date: day,
                });
            }
            days.insert(day, (e.kind.into(), entry));
            if day >= last {
                break;
            }
            match day.next_day() {
                Some(next) => day = next,
                None => break,
            }
        }
    }
    Ok(days)
}

impl WorkingCalendar {
    /// Adds a year's holiday notice given as data; `origin` says where it
    /// came from (e.g. the file it was read from) and is shown by
    /// [`WorkingCalendar::describe_year`].
    ///
    /// Checks each entry (a range in order and at most [`MAX_RANGE_DAYS`]
    /// long, every day in the notice's year or the December before it, a
    /// make-up working day on a Saturday or Sunday), that no two entries
    /// list the same day, and that no other loaded notice lists one of its
    /// days. A year already loaded is accepted only when the notice lists
    /// exactly the same days with the same kinds
    /// ([`NoticeAdded::AlreadyLoaded`]; the loaded year is kept). On error
    /// the calendar is left unchanged.
    pub fn add_notice(
        &mut self,
        notice: &HolidayNotice,
        origin: &str,
    ) -> Result<NoticeAdded, NoticeError> {
        let days = notice_days(notice)?;
        if let Some(loaded) = self.by_notice.get(&notice.year) {
            let given: BTreeMap<Date, DayKind> = days.iter().map(|(d, (k, _))| (*d, *k)).collect();
            if *loaded == given {
                return Ok(NoticeAdded::AlreadyLoaded);
            }
            let date = loaded
                .keys()
                .chain(given.keys())
                .copied()
                .filter(|d| loaded.get(d) != given.get(d))
                .min()
                .unwrap_or(Date::MIN);
            return Err(NoticeError::DiffersFromLoaded {
                year: notice.year,
                origin: self.origin(notice.year).unwrap_or_default().to_owned(),
                source_name: self.source(notice.year).unwrap_or_default().to_owned(),
                date,
                loaded: kind_word(loaded.get(&date).copied()),
                given: kind_word(given.get(&date).copied()),
            });
        }
        for (date, &(_, entry)) in &days {
            if self.special.contains_key(date) {
                let other_year = self
                    .by_notice
                    .iter()
                    .find(|(_, d)| d.contains_key(date))
                    .map_or(date.year(), |(y, _)| *y);
                return Err(NoticeError::ConflictsWithLoaded {
                    entry,
                    date: *date,
                    other_year,
                });
            }
        }
        let year_days: BTreeMap<Date, DayKind> = days.iter().map(|(d, (k, _))| (*d, *k)).collect();
        self.special.extend(year_days.iter());
        self.by_notice.insert(notice.year, year_days);
        self.years
            .insert(notice.year, notice.source.trim().to_owned());
        self.origins.insert(notice.year, origin.to_owned());
        Ok(NoticeAdded::Added)
    }

    /// Where a covered year came from: [`BUILT_IN_ORIGIN`], [`TABLE_ORIGIN`]
    /// or the origin given to [`WorkingCalendar::add_notice`].
    pub fn origin(&self, year: i32) -> Option<&str> {
        self.origins.get(&year).map(String::as_str)
    }

    /// A covered year's notice and where it came from, for people:
    /// `2026: 国务院办公厅关于…（国办发明电〔2025〕7号） (built-in)`.
    pub fn describe_year(&self, year: i32) -> Option<String> {
        let source = self.source(year)?;
        let origin = self.origin(year).unwrap_or(TABLE_ORIGIN);
        Some(format!("{year}: {source} ({origin})"))
    }

    /// The notices of the years from `first` to `last` (inclusive) that are
    /// covered, joined by `; ` (see [`WorkingCalendar::describe_year`]).
    pub fn describe_span(&self, first: Date, last: Date) -> String {
        let (a, b) = if first <= last {
            (first.year(), last.year())
        } else {
            (last.year(), first.year())
        };
        (a..=b)
            .filter_map(|y| self.describe_year(y))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Years and days read from one text, checked against what `existing`
/// already holds.
type Parsed = (
    BTreeMap<i32, String>,
    BTreeMap<i32, BTreeMap<Date, DayKind>>,
);

fn parse_table(text: &str, existing: &WorkingCalendar) -> Result<Parsed, CalendarParseError> {
    let mut years: BTreeMap<i32, String> = BTreeMap::new();
    let mut special: BTreeMap<i32, BTreeMap<Date, DayKind>> = BTreeMap::new();
    let mut current: Option<i32> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (first, rest) = split_word(trimmed);
        if first == "year" {
            let (year_text, source) = split_word(rest);
            let year = parse_year(year_text).ok_or_else(|| CalendarParseError::BadYear {
                line,
                text: year_text.to_owned(),
            })?;
            if source.is_empty() {
                return Err(CalendarParseError::MissingSource { line, year });
            }
            if years.contains_key(&year) || existing.years.contains_key(&year) {
                return Err(CalendarParseError::DuplicateYear { line, year });
            }
            years.insert(year, source.to_owned());
            current = Some(year);
            continue;
        }
        if !first.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(CalendarParseError::Syntax {
                line,
                text: trimmed.to_owned(),
            });
        }
        let (kind_text, _name) = split_word(rest);
        let Some(year) = current else {
            return Err(CalendarParseError::DayBeforeYear { line });
        };
        let (first_day, last_day) = parse_span(first, line)?;
        let kind = match kind_text {
            "holiday" => DayKind::Holiday,
            "workday" => DayKind::Workday,
            "" => {
                return Err(CalendarParseError::Syntax {
                    line,
                    text: trimmed.to_owned(),
                });
            }
            other => {
                return Err(CalendarParseError::UnknownKind {
                    line,
                    kind: other.to_owned(),
                });
            }
        };
        let mut day = first_day;
        loop {
            if (i64::from(day.year()) - i64::from(year)).abs() > 1 {
                return Err(CalendarParseError::DateOutsideNotice {
                    line,
                    date: day,
                    year,
                });
            }
            let weekday = day.weekday();
            if kind == DayKind::Workday && !matches!(weekday, Weekday::Saturday | Weekday::Sunday) {
                return Err(CalendarParseError::WorkdayNotWeekend {
                    line,
                    date: day,
                    weekday,
                });
            }
            if special.values().any(|days| days.contains_key(&day))
                || existing.special.contains_key(&day)
            {
                return Err(CalendarParseError::DuplicateDate { line, date: day });
            }
            special.entry(year).or_default().insert(day, kind);
            if day >= last_day {
                break;
            }
            match day.next_day() {
                Some(next) => day = next,
                None => break,
            }
        }
    }
    if years.is_empty() {
        return Err(CalendarParseError::NoYears);
    }
    Ok((years, special))
}

/// Splits off the first whitespace-separated word; the rest is trimmed.
fn split_word(text: &str) -> (&str, &str) {
    match text.trim_start().split_once(char::is_whitespace) {
        Some((word, rest)) => (word, rest.trim()),
        None => (text.trim(), ""),
    }
}

/// A year written as exactly four ASCII digits, 1900..=9999.
fn parse_year(text: &str) -> Option<i32> {
    if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = text.parse().ok()?;
    (1900..=9999).contains(&year).then_some(year)
}

/// A date written exactly `YYYY-MM-DD`.
fn parse_iso_date(text: &str, line: usize) -> Result<Date, CalendarParseError> {
    parse_date(text)
        .filter(|d| format_date(*d) == text)
        .ok_or_else(|| CalendarParseError::BadDate {
            line,
            text: text.to_owned(),
        })
}

/// `DATE` or `FIRST..LAST`, checked for order and length.
fn parse_span(text: &str, line: usize) -> Result<(Date, Date), CalendarParseError> {
    let Some((a, b)) = text.split_once("..") else {
        let day = parse_iso_date(text, line)?;
        return Ok((day, day));
    };
    let first = parse_iso_date(a, line)?;
    let last = parse_iso_date(b, line)?;
    if last < first {
        return Err(CalendarParseError::RangeReversed { line, first, last });
    }
    if (last - first).whole_days() >= i64::from(MAX_RANGE_DAYS) {
        return Err(CalendarParseError::RangeTooLong { line, first, last });
    }
    Ok((first, last))
}
