//! Calendar dates as clerks write them.

use time::{Date, Month};

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
