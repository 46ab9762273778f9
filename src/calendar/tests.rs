use super::*;
use proptest::prelude::*;

fn d(text: &str) -> Date {
    let date = parse_date(text).unwrap();
    assert_eq!(format_date(date), text, "test dates are written YYYY-MM-DD");
    date
}

fn china() -> WorkingCalendar {
    WorkingCalendar::china().unwrap()
}

/// Counts working days by the plain Monday-to-Friday rule, for contrast.
fn weekday_rule_deadline(start: Date, n: u32) -> Date {
    let mut day = start;
    let mut found = 0;
    while found < n {
        day = day.next_day().unwrap();
        if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
            found += 1;
        }
    }
    day
}

#[test]
fn bundled_table_parses_and_covers_2020_to_2026() {
    let cal = china();
    assert_eq!(cal.covered_years(), (2020..=2026).collect::<Vec<_>>());
    for year in 2020..=2026 {
        let source = cal.source(year).unwrap();
        assert!(
            source.contains(&format!("关于{year}年部分节假日安排的通知")),
            "{source}"
        );
        assert!(source.contains("国办发明电〔"), "{source}");
    }
    assert!(cal.source(2019).is_none());
}

/// 调休 balances: in each year the holidays falling Monday to Friday, minus the
/// weekend days made working days, equal the statutory holidays of the 全国年节及
/// 纪念日放假办法 (11 days until 2024; 13 from 2025, when 除夕 and 2 May were
/// added). 2020 has two more: the epidemic extension made Friday 31 January a
/// holiday and cancelled the make-up Saturday 1 February. This checks the
/// transcription against the law, independently of the notices' wording.
#[test]
fn bundled_table_balances_to_the_statutory_holidays() {
    let cal = china();
    // (year, weekday holidays, make-up working days, statutory days)
    let expected = [
        (2020, 19, 6, 11 + 2),
        (2021, 18, 7, 11),
        (2022, 18, 7, 11),
        (2023, 18, 7, 11),
        (2024, 19, 8, 11),
        (2025, 18, 5, 13),
        (2026, 19, 6, 13),
    ];
    for (year, holidays, workdays, statutory) in expected {
        let mut h = 0;
        let mut w = 0;
        let first = Date::from_ordinal_date(year, 1).unwrap();
        let last = Date::from_ordinal_date(year + 1, 1).unwrap();
        for (day, kind) in cal.special.range(first..last) {
            let weekend = matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday);
            match kind {
                DayKind::Holiday if !weekend => h += 1,
                DayKind::Workday => w += 1,
                DayKind::Holiday => {}
            }
        }
        assert_eq!((h, w), (holidays, workdays), "{year}");
        assert_eq!(h - w, statutory, "{year}");
    }
}

#[test]
fn national_day_2024_with_make_up_sunday_and_saturday() {
    let cal = china();
    let cases = [
        ("2024-09-27", true),  // Friday
        ("2024-09-28", false), // Saturday
        ("2024-09-29", true),  // Sunday, 调休上班
        ("2024-09-30", true),  // Monday
        ("2024-10-01", false), // Tuesday, National Day
        ("2024-10-03", false), // Thursday, holiday
        ("2024-10-05", false), // Saturday inside the holiday
        ("2024-10-07", false), // Monday, last holiday
        ("2024-10-08", true),  // Tuesday
        ("2024-10-12", true),  // Saturday, 调休上班
        ("2024-10-13", false), // Sunday
    ];
    for (date, working) in cases {
        assert_eq!(cal.is_working_day(d(date)).unwrap(), working, "{date}");
    }
}

#[test]
fn spring_festival_2024() {
    let cal = china();
    let cases = [
        ("2024-02-04", true),  // Sunday, 调休上班
        ("2024-02-09", true),  // Friday, 除夕: only "encouraged" off, officially working
        ("2024-02-10", false), // Saturday, 春节
        ("2024-02-12", false), // Monday
        ("2024-02-16", false), // Friday
        ("2024-02-17", false), // Saturday
        ("2024-02-18", true),  // Sunday, 调休上班
        ("2024-02-19", true),  // Monday
    ];
    for (date, working) in cases {
        assert_eq!(cal.is_working_day(d(date)).unwrap(), working, "{date}");
    }
}

/// Deadlines counted by hand on a paper calendar; see the spec's examples.
#[test]
fn hand_computed_deadlines() {
    let cal = china();
    let cases = [
        // Sep 29 (Sun, worked) 1, Sep 30 2, Oct 8-12 3-7 (12th a worked Saturday),
        // Oct 14-18 8-12, Oct 21-25 13-17, Oct 28-30 18-20.
        ("2024-09-27", "2024-10-30"),
        // Check ends on a holiday: Oct 8-12 1-5, 14-18 6-10, 21-25 11-15,
        // 28-31 16-19, Nov 1 20.
        ("2024-10-03", "2024-11-01"),
        // Feb 4 (Sun, worked) 1, Feb 5-9 2-6, Feb 10-17 off, Feb 18 (Sun, worked) 7,
        // Feb 19-23 8-12, Feb 26-Mar 1 13-17, Mar 4-6 18-20.
        ("2024-02-02", "2024-03-06"),
        // 2025 Spring Festival Jan 28-Feb 4, Jan 26 (Sun) and Feb 8 (Sat) worked:
        // Jan 20-24 1-5, Jan 26 6, Jan 27 7, Feb 5-7 8-10, Feb 8 11,
        // Feb 10-14 12-16, Feb 17-20 17-20.
        ("2025-01-17", "2025-02-20"),
        // Across a year end: 2023's New Year starts on Saturday 2022-12-31.
        // Jan 3-6 1-4, 9-13 5-9, 16-20 10-14, Jan 21-27 off, Jan 28-29 (weekend,
        // worked) 15-16, Jan 30-Feb 2 17-20.
        ("2022-12-30", "2023-02-02"),
    ];
    for (end, deadline) in cases {
        assert_eq!(
            cal.entry_deadline(d(end)).unwrap(),
            d(deadline),
            "check ended {end}"
        );
        assert_eq!(
            cal.working_days_between(d(end), d(deadline)).unwrap(),
            i64::from(ENTRY_DEADLINE_WORKING_DAYS)
        );
    }
    // The plain Monday-to-Friday rule gets the first one wrong by five days.
    assert_eq!(weekday_rule_deadline(d("2024-09-27"), 20), d("2024-10-25"));
}

#[test]
fn add_zero_working_days_is_the_start_itself() {
    let cal = china();
    for date in ["2024-10-03", "2024-10-08", "2024-10-12", "2024-10-13"] {
        assert_eq!(cal.add_working_days(d(date), 0).unwrap(), d(date));
    }
    // Nothing is looked up, so even an uncovered year answers.
    assert_eq!(
        cal.add_working_days(d("2019-05-05"), 0).unwrap(),
        d("2019-05-05")
    );
    // One working day after a holiday Saturday is the next working day.
    assert_eq!(
        cal.add_working_days(d("2024-10-05"), 1).unwrap(),
        d("2024-10-08")
    );
    // ... and after a Friday before a worked Sunday, that Sunday.
    assert_eq!(
        cal.add_working_days(d("2024-09-27"), 1).unwrap(),
        d("2024-09-29")
    );
}

#[test]
fn uncovered_years_are_errors_never_guesses() {
    let cal = china();
    assert_eq!(
        cal.is_working_day(d("2019-06-03")),
        Err(CalendarError::UncoveredYear {
            year: 2019,
            date: d("2019-06-03")
        })
    );
    assert_eq!(
        cal.is_working_day(d("2027-01-04")),
        Err(CalendarError::UncoveredYear {
            year: 2027,
            date: d("2027-01-04")
        })
    );
    // A deadline running into 2027 needs 2027's notice.
    assert_eq!(
        cal.entry_deadline(d("2026-12-15")),
        Err(CalendarError::UncoveredYear {
            year: 2027,
            date: d("2027-01-01")
        })
    );
    // A check ending on the last day of 2019 only needs the days after it:
    // Jan 1 off, Jan 2-3 1-2, 6-10 3-7, 13-17 8-12, Sunday 19 (worked) 13,
    // 20-23 14-17, Jan 24-Feb 2 off (extended Spring Festival), Feb 3-5 18-20.
    assert_eq!(
        cal.entry_deadline(d("2019-12-31")).unwrap(),
        d("2020-02-05")
    );
    assert!(matches!(
        cal.working_days_between(d("2019-12-01"), d("2020-01-10")),
        Err(CalendarError::UncoveredYear { year: 2019, .. })
    ));
}

#[test]
fn working_days_between_is_antisymmetric() {
    let cal = china();
    let a = d("2024-09-27");
    let b = d("2024-10-14");
    assert_eq!(cal.working_days_between(a, b).unwrap(), 8);
    assert_eq!(cal.working_days_between(b, a).unwrap(), -8);
    assert_eq!(cal.working_days_between(a, a).unwrap(), 0);
}

#[test]
fn timeliness_on_time_and_overdue() {
    let cal = china();
    let end = d("2024-09-27"); // deadline 2024-10-30 (Wednesday)
    assert_eq!(cal.timeliness(end, end).unwrap(), Timeliness::OnTime);
    assert_eq!(
        cal.timeliness(end, d("2024-10-28")).unwrap(),
        Timeliness::OnTime
    );
    assert_eq!(
        cal.timeliness(end, d("2024-10-30")).unwrap(),
        Timeliness::OnTime
    );
    let late = |n| Timeliness::Overdue {
        working_days_late: n,
    };
    assert_eq!(cal.timeliness(end, d("2024-10-31")).unwrap(), late(1));
    assert_eq!(cal.timeliness(end, d("2024-11-01")).unwrap(), late(2));
    // Saturday: Thursday and Friday were missed too, and Monday would be the
    // third extra working day.
    assert_eq!(cal.timeliness(end, d("2024-11-02")).unwrap(), late(3));
    assert_eq!(cal.timeliness(end, d("2024-11-04")).unwrap(), late(3));
    assert_eq!(cal.timeliness(end, d("2024-11-05")).unwrap(), late(4));
    // The weekday rule would call an entry on 28 October late; it is not.
    assert!(weekday_rule_deadline(end, 20) < d("2024-10-28"));
    assert_eq!(
        cal.timeliness(end, d("2024-09-26")),
        Err(CalendarError::EntryBeforeCheckEnd {
            check_end: end,
            entered_on: d("2024-09-26")
        })
    );
}

#[test]
fn a_new_year_can_be_added() {
    let mut cal = china();
    let next = "year 2027 a notice an office transcribed\n2027-01-01 holiday 元旦\n";
    cal.extend(next).unwrap();
    assert_eq!(cal.covered_years().last(), Some(&2027));
    assert_eq!(cal.source(2027), Some("a notice an office transcribed"));
    assert!(!cal.is_working_day(d("2027-01-01")).unwrap());
    // Adding it again is refused and changes nothing.
    let before = cal.clone();
    assert_eq!(
        cal.extend(next),
        Err(CalendarParseError::DuplicateYear {
            line: 1,
            year: 2027
        })
    );
    assert_eq!(cal, before);
    // Concatenating texts works as well.
    let joined = format!("{CHINA_HOLIDAY_TABLE}\n{next}");
    assert_eq!(WorkingCalendar::from_text(&joined).unwrap(), cal);
}

#[test]
fn table_errors_carry_line_numbers() {
    let head = "# comment\n\nyear 2024 source\n";
    let cases: Vec<(String, CalendarParseError)> = vec![
        ("".into(), CalendarParseError::NoYears),
        ("# only a comment\n".into(), CalendarParseError::NoYears),
        (
            "2024-01-01 holiday 元旦\n".into(),
            CalendarParseError::DayBeforeYear { line: 1 },
        ),
        (
            format!("{head}hello world\n"),
            CalendarParseError::Syntax {
                line: 4,
                text: "hello world".into(),
            },
        ),
        (
            format!("{head}2024-01-01\n"),
            CalendarParseError::Syntax {
                line: 4,
                text: "2024-01-01".into(),
            },
        ),
        (
            "year 24 source\n".into(),
            CalendarParseError::BadYear {
                line: 1,
                text: "24".into(),
            },
        ),
        (
            "year 2024\n".into(),
            CalendarParseError::MissingSource {
                line: 1,
                year: 2024,
            },
        ),
        (
            format!("{head}year 2024 again\n"),
            CalendarParseError::DuplicateYear {
                line: 4,
                year: 2024,
            },
        ),
        (
            format!("{head}2024-02-30 holiday x\n"),
            CalendarParseError::BadDate {
                line: 4,
                text: "2024-02-30".into(),
            },
        ),
        (
            format!("{head}2024/01/01 holiday x\n"),
            CalendarParseError::BadDate {
                line: 4,
                text: "2024/01/01".into(),
            },
        ),
        (
            format!("{head}2024-1-1 holiday x\n"),
            CalendarParseError::BadDate {
                line: 4,
                text: "2024-1-1".into(),
            },
        ),
        (
            format!("{head}2024-01-01 vacation\n"),
            CalendarParseError::UnknownKind {
                line: 4,
                kind: "vacation".into(),
            },
        ),
        (
            format!("{head}2024-10-07..2024-10-01 holiday x\n"),
            CalendarParseError::RangeReversed {
                line: 4,
                first: d("2024-10-07"),
                last: d("2024-10-01"),
            },
        ),
        (
            format!("{head}2024-01-01..2024-02-01 holiday x\n"),
            CalendarParseError::RangeTooLong {
                line: 4,
                first: d("2024-01-01"),
                last: d("2024-02-01"),
            },
        ),
        (
            format!("{head}2026-01-01 holiday x\n"),
            CalendarParseError::DateOutsideNotice {
                line: 4,
                date: d("2026-01-01"),
                year: 2024,
            },
        ),
        (
            format!("{head}2024-10-08 workday x\n"),
            CalendarParseError::WorkdayNotWeekend {
                line: 4,
                date: d("2024-10-08"),
                weekday: Weekday::Tuesday,
            },
        ),
        (
            format!("{head}2024-10-01..2024-10-07 holiday x\n2024-10-05 holiday y\n"),
            CalendarParseError::DuplicateDate {
                line: 5,
                date: d("2024-10-05"),
            },
        ),
    ];
    for (text, expected) in cases {
        let got = WorkingCalendar::from_text(&text);
        assert_eq!(got.as_ref().err(), Some(&expected), "{text:?}");
        assert!(!expected.to_string().is_empty());
        if expected != CalendarParseError::NoYears {
            assert!(expected.to_string().starts_with("line "), "{expected}");
        }
    }
    assert_eq!(
        CalendarParseError::Syntax {
            line: 7,
            text: String::new()
        }
        .line(),
        Some(7)
    );
    assert_eq!(CalendarParseError::NoYears.line(), None);
}

#[test]
fn format_accepts_ranges_names_crlf_and_missing_names() {
    let text = "year 2024 src\r\n  2024-10-01..2024-10-07   holiday  国庆节 (National Day)\r\n2024-09-29 workday\r\n";
    let cal = WorkingCalendar::from_text(text).unwrap();
    assert!(!cal.is_working_day(d("2024-10-07")).unwrap());
    assert!(cal.is_working_day(d("2024-09-29")).unwrap());
    assert_eq!(cal.source(2024), Some("src"));
}

#[test]
fn errors_render_dates_as_iso() {
    let e = CalendarError::UncoveredYear {
        year: 2019,
        date: d("2019-06-03"),
    };
    assert!(e.to_string().contains("2019-06-03"), "{e}");
}

fn day_in_covered_years() -> impl Strategy<Value = Date> {
    // 2020-01-01 .. 2026-12-31
    (0i32..2557)
        .prop_map(|offset| Date::from_julian_day(d("2020-01-01").to_julian_day() + offset).unwrap())
}

/// Lines built from the format's own pieces, to reach deep into the parser.
fn table_line() -> impl Strategy<Value = String> {
    prop_oneof![
        (1890i32..2040, "\\PC{0,6}").prop_map(|(y, s)| format!("year {y} {s}")),
        (2018i32..2030, 1u8..14, 0u8..33, 0u8..3, 0u8..40).prop_map(|(y, m, day, k, len)| {
            let kind = ["holiday", "workday", "other"][usize::from(k)];
            if len < 20 {
                format!("{y}-{m:02}-{day:02} {kind} x")
            } else {
                format!(
                    "{y}-{m:02}-{day:02}..{y}-{m:02}-{:02} {kind}",
                    day.saturating_add(len - 20)
                )
            }
        }),
        "\\PC{0,30}",
        Just(String::from("# comment")),
        Just(String::new()),
    ]
}

proptest! {
    #[test]
    fn parsing_arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = WorkingCalendar::from_text(&text);
    }

    #[test]
    fn parsing_table_like_text_never_panics(lines in prop::collection::vec(table_line(), 0..20)) {
        let text = lines.join("\n");
        match WorkingCalendar::from_text(&text) {
            Ok(cal) => {
                // Whatever parsed answers questions without panicking.
                for year in cal.covered_years() {
                    let start = Date::from_ordinal_date(year, 1).unwrap();
                    let _ = cal.entry_deadline(start);
                    let _ = cal.timeliness(start, start);
                }
            }
            Err(e) => {
                let _ = e.to_string();
                if let Some(line) = e.line() {
                    prop_assert!(line >= 1 && line <= lines.len());
                }
            }
        }
    }

    #[test]
    fn adding_then_counting_round_trips(start in day_in_covered_years(), n in 0u32..60) {
        let cal = china();
        match cal.add_working_days(start, n) {
            Ok(end) => {
                prop_assert_eq!(cal.working_days_between(start, end).unwrap(), i64::from(n));
                if n > 0 {
                    prop_assert!(cal.is_working_day(end).unwrap());
                    prop_assert!(end > start);
                }
            }
            Err(e) => {
                let is_2027 = matches!(e, CalendarError::UncoveredYear { year: 2027, .. });
                prop_assert!(is_2027);
            }
        }
    }

    #[test]
    fn lateness_is_the_fewest_extra_working_days(
        end in day_in_covered_years(),
        extra in 0i64..40,
    ) {
        let cal = china();
        let Ok(deadline) = cal.entry_deadline(end) else { return Ok(()) };
        let Some(entered) = deadline.checked_add(time::Duration::days(extra)) else { return Ok(()) };
        let Ok(result) = cal.timeliness(end, entered) else { return Ok(()) };
        match result {
            Timeliness::OnTime => prop_assert!(entered <= deadline),
            Timeliness::Overdue { working_days_late: k } => {
                prop_assert!(k >= 1);
                // Counting past the last covered year is an error, not a guess.
                let (Ok(upper), Ok(lower)) = (
                    cal.add_working_days(deadline, k),
                    cal.add_working_days(deadline, k - 1),
                ) else {
                    return Ok(());
                };
                prop_assert!(entered <= upper);
                prop_assert!(entered > lower);
            }
        }
    }
}

mod notices {
    use super::super::*;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    fn entry(kind: NoticeDayKind, first: &str, last: &str) -> NoticeEntry {
        NoticeEntry {
            kind,
            first: d(first),
            last: d(last),
            name: "x".into(),
        }
    }

    fn notice(year: i32, entries: Vec<NoticeEntry>) -> HolidayNotice {
        HolidayNotice {
            year,
            source: "test notice".into(),
            entries,
        }
    }

    #[test]
    fn a_new_year_is_covered_and_named() {
        let mut cal = WorkingCalendar::china().unwrap();
        assert!(cal.is_working_day(d("2027-01-01")).is_err());
        let n = notice(
            2027,
            vec![
                entry(NoticeDayKind::Holiday, "2027-01-01", "2027-01-03"),
                entry(NoticeDayKind::Workday, "2027-02-14", "2027-02-14"),
            ],
        );
        assert_eq!(cal.add_notice(&n, "file a"), Ok(NoticeAdded::Added));
        assert!(!cal.is_working_day(d("2027-01-01")).unwrap());
        assert!(cal.is_working_day(d("2027-02-14")).unwrap());
        assert_eq!(cal.origin(2027), Some("file a"));
        assert_eq!(cal.origin(2026), Some(BUILT_IN_ORIGIN));
        assert_eq!(
            cal.describe_year(2027).as_deref(),
            Some("2027: test notice (file a)")
        );
        assert!(
            cal.describe_span(d("2026-12-20"), d("2027-01-20"))
                .contains("; 2027:")
        );
        // The same notice again: accepted, nothing changes.
        assert_eq!(cal.add_notice(&n, "file b"), Ok(NoticeAdded::AlreadyLoaded));
        assert_eq!(cal.origin(2027), Some("file a"));
    }

    #[test]
    fn refusals() {
        let cal = WorkingCalendar::china().unwrap();
        let try_add = |n: HolidayNotice| cal.clone().add_notice(&n, "f");
        let h = |a: &str, b: &str| entry(NoticeDayKind::Holiday, a, b);
        assert!(matches!(
            try_add(notice(2027, vec![h("2027-12-31", "2028-01-01")])),
            Err(NoticeError::DateOutsideYear { entry: 0, .. })
        ));
        // The December before is allowed (元旦 arrangements).
        assert!(try_add(notice(2028, vec![h("2027-12-30", "2028-01-01")])).is_ok());
        assert!(matches!(
            try_add(notice(2027, vec![h("2027-11-30", "2027-12-01")])).map(|_| ()),
            Ok(())
        ));
        assert!(matches!(
            try_add(notice(2027, vec![h("2026-11-30", "2026-11-30")])),
            Err(NoticeError::DateOutsideYear { .. })
        ));
        assert!(matches!(
            try_add(notice(
                2027,
                vec![
                    h("2027-01-01", "2027-01-01"),
                    entry(NoticeDayKind::Workday, "2027-01-06", "2027-01-06")
                ]
            )),
            Err(NoticeError::WorkdayNotWeekend { entry: 1, .. })
        ));
        assert!(matches!(
            try_add(notice(
                2027,
                vec![h("2027-02-05", "2027-02-12"), h("2027-02-10", "2027-02-10")]
            )),
            Err(NoticeError::Overlap {
                entry: 1,
                other: 0,
                ..
            })
        ));
        assert!(matches!(
            try_add(notice(2027, vec![h("2027-02-05", "2027-02-01")])),
            Err(NoticeError::RangeReversed { .. })
        ));
        assert!(matches!(
            try_add(notice(
                2027,
                vec![entry(NoticeDayKind::Workday, "2027-02-14", "2027-02-14")]
            )),
            Err(NoticeError::NoHolidays { .. })
        ));
        // A built-in year given with different days.
        assert!(matches!(
            try_add(notice(2026, vec![h("2026-01-01", "2026-01-01")])),
            Err(NoticeError::DiffersFromLoaded { year: 2026, .. })
        ));
        // A day another notice lists (2025's notice lists none of 2025-12;
        // 2026's lists 2026-01-01..03, so a 2027 notice cannot, by year).
        let mut cal2 = cal.clone();
        cal2.add_notice(&notice(2028, vec![h("2027-12-31", "2028-01-01")]), "f")
            .unwrap();
        assert!(matches!(
            cal2.add_notice(&notice(2027, vec![h("2027-12-31", "2027-12-31")]), "g"),
            Err(NoticeError::ConflictsWithLoaded {
                other_year: 2028,
                ..
            })
        ));
    }
}
