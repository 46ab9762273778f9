//! Calendar dates as clerks write them.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Month, OffsetDateTime};

/// Parses a calendar date written `2024-03-05`, `2024/3/5`, `2024.3.5` or
/// `2024年3月5日`. Returns `None` for anything else, including impossible
/// dates such as `2023-02-29`.
pub fn parse_date(text: &str) -> Option<Date> {
    let t = text.trim();
    let mut parts = [0u32; 3];
    let mut n = 0usize;
    let mut cur: Option<u32> = None;
    let mut digits = 0usize;
    let mut seps = Vec::with_capacity(3);
    for ch in t.chars() {
        if let Some(d) = ch.to_digit(10) {
            if !ch.is_ascii_digit() {
                return None;
            }
            digits += 1;
            if digits > 4 {
                return None;
            }
            cur = Some(cur.unwrap_or(0) * 10 + d);
        } else {
            let v = cur.take()?;
            if n >= 3 {
                return None;
            }
            parts[n] = v;
            n += 1;
            digits = 0;
            seps.push(ch);
        }
    }
    if let Some(v) = cur {
        if n >= 3 {
            return None;
        }
        parts[n] = v;
        n += 1;
    }
    if n != 3 {
        return None;
    }
    let ok_seps = matches!(
        seps.as_slice(),
        ['-', '-'] | ['/', '/'] | ['.', '.'] | ['年', '月', '日']
    );
    if !ok_seps {
        return None;
    }
    let year = i32::try_from(parts[0]).ok()?;
    if !(1900..=9999).contains(&year) {
        return None;
    }
    let month = Month::try_from(u8::try_from(parts[1]).ok()?).ok()?;
    let day = u8::try_from(parts[2]).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// Formats a date as ISO 8601 `YYYY-MM-DD`.
pub fn format_date(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn beijing_time_forms() {
        // 18:30 UTC is 02:30 the next day in Beijing.
        let t = Timestamp::parse("2024-06-13T18:30:05Z").unwrap();
        let b = t.beijing();
        assert_eq!(b.to_string(), "2024-06-14 02:30:05");
        assert_eq!(b.labelled(), "2024-06-14 02:30:05（北京时间）");
        assert_eq!(b.rfc3339(), "2024-06-14T02:30:05+08:00");
        assert_eq!(
            b.date(),
            Some(Date::from_calendar_date(2024, Month::June, 14).unwrap())
        );
        assert_eq!(b.utc(), t);
        let t = Timestamp::parse("2024-06-14T02:00:00Z").unwrap();
        assert_eq!(t.beijing().labelled(), "2024-06-14 10:00:00（北京时间）");
        // The last instant whose Beijing date is still in year 9999 does not panic.
        let t = Timestamp::parse("9999-12-31T15:59:59Z").unwrap();
        assert_eq!(t.beijing().rfc3339(), "9999-12-31T23:59:59+08:00");
        // Past it, Beijing is in year 10000: shown as it is, never as the
        // UTC time under a Beijing label.
        let t = Timestamp::parse("9999-12-31T23:58:00Z").unwrap();
        assert_eq!(t.beijing().labelled(), "10000-01-01 07:58:00（北京时间）");
        assert_eq!(t.beijing().rfc3339(), "10000-01-01T07:58:00+08:00");
        assert_eq!(t.beijing().date(), None);
        let t = Timestamp::parse("9999-12-31T16:00:00Z").unwrap();
        assert_eq!(t.beijing().to_string(), "10000-01-01 00:00:00");
        let t = Timestamp::parse("9999-12-31T15:59:59Z").unwrap();
        assert_eq!(
            t.beijing().date(),
            Some(Date::from_calendar_date(9999, Month::December, 31).unwrap())
        );
    }

    #[test]
    fn accepted_forms() {
        let d = Date::from_calendar_date(2024, Month::March, 5).unwrap();
        for t in [
            "2024-03-05",
            "2024-3-5",
            "2024/3/5",
            "2024.03.05",
            "2024年3月5日",
            " 2024-03-05 ",
        ] {
            assert_eq!(parse_date(t), Some(d), "{t}");
        }
    }

    #[test]
    fn refused_forms() {
        for t in [
            "",
            "2024",
            "2024-03",
            "2024-13-01",
            "2023-02-29",
            "2024-03-05-01",
            "2024/03-05",
            "05/03/2024x",
            "２０２４-03-05",
            "2024年3月5",
            "99999-01-01",
            "1899-12-31",
        ] {
            assert_eq!(parse_date(t), None, "{t}");
        }
    }

    proptest! {
        #[test]
        fn format_parse_round_trip(days in 0i32..3_000_000) {
            let d = Date::from_julian_day(2_415_021 + days % 2_900_000).unwrap();
            prop_assume!(d.year() <= 9999);
            prop_assert_eq!(parse_date(&format_date(d)), Some(d));
        }

        #[test]
        fn never_panics(s in "\\PC{0,20}") {
            let _ = parse_date(&s);
        }
    }
}

/// A point in time, whole seconds, UTC; written `YYYY-MM-DDTHH:MM:SSZ`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// From seconds since the Unix epoch; years 1970..=9999 only.
    pub fn from_unix(seconds: i64) -> Option<Self> {
        let t = OffsetDateTime::from_unix_timestamp(seconds).ok()?;
        (1970..=9999)
            .contains(&t.year())
            .then_some(Timestamp(seconds))
    }

    /// From a date and time (the offset is applied, the result is UTC; sub-seconds dropped).
    pub fn from_datetime(t: OffsetDateTime) -> Option<Self> {
        Self::from_unix(t.unix_timestamp())
    }

    /// Seconds since the Unix epoch.
    pub fn unix(self) -> i64 {
        self.0
    }

    /// The UTC calendar date.
    pub fn date(self) -> Date {
        self.datetime().date()
    }

    fn datetime(self) -> OffsetDateTime {
        // Constructed only from valid timestamps.
        OffsetDateTime::from_unix_timestamp(self.0).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// The same instant in Beijing time (北京时间, China Standard Time,
    /// UTC+8, no daylight saving): what people in an office read. Signed
    /// records keep UTC; every output meant for people shows this.
    pub fn beijing(self) -> BeijingTime {
        BeijingTime(self)
    }

    /// Parses exactly `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() != 20 || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z' {
            return None;
        }
        let date = parse_date(text.get(..10)?)?;
        if format_date(date) != text[..10] {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u8> {
            let s = text.get(r)?;
            if !s.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            s.parse().ok()
        };
        let t = time::Time::from_hms(num(11..13)?, num(14..16)?, num(17..19)?).ok()?;
        Self::from_datetime(date.with_time(t).assume_utc())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.datetime();
        write!(
            f,
            "{}T{:02}:{:02}:{:02}Z",
            format_date(t.date()),
            t.hour(),
            t.minute(),
            t.second()
        )
    }
}

/// The offset of Beijing time (China Standard Time) from UTC, in seconds.
pub const BEIJING_UTC_OFFSET_SECONDS: i64 = 8 * 3600;

/// A [`Timestamp`] shown in Beijing time (UTC+8), from [`Timestamp::beijing`].
///
/// - `Display` writes `2024-06-14 10:00:00`, the form a spreadsheet reads as
///   a date and time; use it where the column header or the label says
///   北京时间.
/// - [`BeijingTime::labelled`] writes `2024-06-14 10:00:00（北京时间）`,
///   for running text.
/// - [`BeijingTime::rfc3339`] writes `2024-06-14T10:00:00+08:00`, for JSON
///   and other text a machine reads: the offset says the zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BeijingTime(Timestamp);

impl BeijingTime {
    /// The local date and time at UTC+8; `None` for the last eight hours
    /// of year 9999 in UTC, which are already 10000-01-01 in Beijing, a
    /// date [`Date`] cannot hold.
    fn local(self) -> Option<time::PrimitiveDateTime> {
        let shifted = self
            .0
            .datetime()
            .checked_add(time::Duration::seconds(BEIJING_UTC_OFFSET_SECONDS))
            // Also when `time` holds larger years (its `large-dates` feature).
            .filter(|t| t.year() <= 9999)?;
        Some(time::PrimitiveDateTime::new(shifted.date(), shifted.time()))
    }

    /// The local date as text and the time of day at UTC+8, for every
    /// instant a [`Timestamp`] holds (10000-01-01 included).
    fn local_text(self) -> (String, time::Time) {
        match self.local() {
            Some(t) => (format_date(t.date()), t.time()),
            // Only instants from 9999-12-31T16:00:00Z on get here: their
            // Beijing time is the next day, the first of year 10000. The
            // time of day wraps past midnight.
            None => (
                "10000-01-01".to_owned(),
                self.0.datetime().time() + time::Duration::seconds(BEIJING_UTC_OFFSET_SECONDS),
            ),
        }
    }

    /// The calendar date in Beijing; `None` after 9999-12-31T15:59:59Z,
    /// when it is 10000-01-01, past the dates this crate reads and writes.
    pub fn date(self) -> Option<Date> {
        self.local().map(|t| t.date())
    }

    /// The instant in UTC.
    pub fn utc(self) -> Timestamp {
        self.0
    }

    /// `2024-06-14 10:00:00（北京时间）`.
    pub fn labelled(self) -> String {
        format!("{self}（北京时间）")
    }

    /// `2024-06-14T10:00:00+08:00` (RFC 3339 with the offset).
    pub fn rfc3339(self) -> String {
        let (date, t) = self.local_text();
        format!(
            "{date}T{:02}:{:02}:{:02}+08:00",
            t.hour(),
            t.minute(),
            t.second()
        )
    }
}

impl fmt::Display for BeijingTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (date, t) = self.local_text();
        write!(
            f,
            "{date} {:02}:{:02}:{:02}",
            t.hour(),
            t.minute(),
            t.second()
        )
    }
}

/// Serde adapter: a [`Timestamp`] written as Beijing time with its offset
/// (`2024-06-14T10:00:00+08:00`), for published JSON.
pub mod beijing_rfc3339 {
    use super::*;

    /// Serializes `t` as [`BeijingTime::rfc3339`].
    pub fn serialize<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.beijing().rfc3339())
    }

    /// An optional time, `null` when absent.
    pub mod option {
        use super::*;

        /// Serializes `Some(t)` as [`BeijingTime::rfc3339`], `None` as `null`.
        pub fn serialize<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => s.serialize_str(&t.beijing().rfc3339()),
                None => s.serialize_none(),
            }
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Timestamp::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format_args!(
                "{s:?} is not a UTC time written YYYY-MM-DDTHH:MM:SSZ"
            ))
        })
    }
}

/// Serde adapter: a calendar date as `YYYY-MM-DD`, canonical only.
pub(crate) mod date_text {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_date(*d))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse_date(&s)
            .filter(|d| format_date(*d) == s)
            .ok_or_else(|| {
                serde::de::Error::custom(format_args!("{s:?} is not a date written YYYY-MM-DD"))
            })
    }
}

/// Serde adapter: an optional date.
pub(crate) mod opt_date_text {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&format_date(*d)),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        #[derive(Deserialize)]
        struct W(#[serde(with = "date_text")] Date);
        Ok(Option::<W>::deserialize(d)?.map(|w| w.0))
    }
}
