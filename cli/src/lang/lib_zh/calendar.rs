//! The working-day calendar and the holiday notices.

use double_random::calendar::{
    BUILT_IN_ORIGIN, CalendarError, CalendarParseError, MAX_RANGE_DAYS, NoticeError, TABLE_ORIGIN,
};

use super::{Zh, date, weekday};

impl Zh for CalendarError {
    fn zh(&self) -> String {
        match self {
            CalendarError::UncoveredYear { year, date: d } => format!(
                "没有载入 {year} 年的放假安排通知（计算 {} 时需要）；请从日历文件载入国务院该年的通知（见 docs/calendar.md）",
                date(*d)
            ),
            CalendarError::EndOfTime { date: d } => {
                format!("计算工作日时超出了可表示的最后日期（{} 之后）", date(*d))
            }
            CalendarError::EntryBeforeCheckEnd {
                check_end,
                entered_on,
            } => format!(
                "结果的录入日期为 {}，但检查于 {} 才结束；检查结束前不能录入结果",
                date(*entered_on),
                date(*check_end)
            ),
            _ => self.to_string(),
        }
    }
}

impl Zh for CalendarParseError {
    fn zh(&self) -> String {
        match self {
            CalendarParseError::NoYears => {
                "放假安排表没有 `year` 行，因此不涵盖任何年份".to_owned()
            }
            CalendarParseError::Syntax { line, text } => format!(
                "第 {line} 行：应为 `year YYYY SOURCE` 或 `YYYY-MM-DD[..YYYY-MM-DD] holiday|workday [NAME]`，实际为 {text:?}"
            ),
            CalendarParseError::BadYear { line, text } => {
                format!("第 {line} 行：年份 {text:?} 不是 1900 至 9999 之间的四位数年份")
            }
            CalendarParseError::MissingSource { line, year } => {
                format!("第 {line} 行：{year} 年没有写明来源；请在年份后写上通知的标题和文号")
            }
            CalendarParseError::DuplicateYear { line, year } => {
                format!("第 {line} 行：{year} 年已有内容；每年只能有一段")
            }
            CalendarParseError::DayBeforeYear { line } => {
                format!("第 {line} 行：日期行必须写在指明其通知的 `year` 行之后")
            }
            CalendarParseError::BadDate { line, text } => {
                format!("第 {line} 行：{text:?} 不是按 YYYY-MM-DD 书写的日期")
            }
            CalendarParseError::UnknownKind { line, kind } => {
                format!("第 {line} 行：无法识别的类型 {kind:?}；请写 `holiday` 或 `workday`")
            }
            CalendarParseError::RangeReversed { line, first, last } => format!(
                "第 {line} 行：日期范围的结束日 {} 早于开始日 {}",
                date(*last),
                date(*first)
            ),
            CalendarParseError::RangeTooLong { line, first, last } => format!(
                "第 {line} 行：日期范围 {}..{} 超过 {MAX_RANGE_DAYS} 天；请检查年份",
                date(*first),
                date(*last)
            ),
            CalendarParseError::DateOutsideNotice {
                line,
                date: d,
                year,
            } => format!(
                "第 {line} 行：{} 不在 {year} 年内，也不紧邻该年，而这一段转录的是 {year} 年的通知",
                date(*d)
            ),
            CalendarParseError::WorkdayNotWeekend {
                line,
                date: d,
                weekday: w,
            } => format!(
                "第 {line} 行：{} 是{}，本来就是工作日；`workday` 用于标记调休上班的星期六或星期日",
                date(*d),
                weekday(*w)
            ),
            CalendarParseError::DuplicateDate { line, date: d } => {
                format!("第 {line} 行：{} 列了两次", date(*d))
            }
            _ => self.to_string(),
        }
    }
}

/// What a notice says of a day, as [`NoticeError::DiffersFromLoaded`] gives it.
fn day_kind(kind: &str) -> &str {
    match kind {
        "a holiday" => "放假日",
        "a make-up working day" => "调休上班日",
        "an ordinary day" => "普通日子",
        other => other,
    }
}

/// Where a loaded year came from: the library's two origins, and the
/// CLI's `calendar file FILE`.
fn origin(origin: &str) -> String {
    match origin {
        o if o == BUILT_IN_ORIGIN => "内置放假安排表".to_owned(),
        o if o == TABLE_ORIGIN => "放假安排表".to_owned(),
        o => match o.strip_prefix("calendar file ") {
            Some(file) => format!("日历文件 {file}"),
            None => o.to_owned(),
        },
    }
}

impl Zh for NoticeError {
    fn zh(&self) -> String {
        match self {
            NoticeError::BadYear { year } => {
                format!("年份 {year} 不在 1900 至 9999 之间")
            }
            NoticeError::NoSource => "通知没有写明来源；请给出其标题和文号".to_owned(),
            NoticeError::NoHolidays { year } => {
                format!("{year} 年的通知没有列出任何放假日")
            }
            NoticeError::RangeReversed { first, last, .. } => format!(
                "日期范围的结束日 {} 早于开始日 {}",
                date(*last),
                date(*first)
            ),
            NoticeError::RangeTooLong { first, last, .. } => format!(
                "日期范围 {}..{} 超过 {MAX_RANGE_DAYS} 天",
                date(*first),
                date(*last)
            ),
            NoticeError::DateOutsideYear { date: d, year, .. } => format!(
                "{} 不在 {year} 年内；通知只列本年的日期（元旦的安排可从上一年 12 月开始）",
                date(*d)
            ),
            NoticeError::WorkdayNotWeekend {
                date: d,
                weekday: w,
                ..
            } => format!(
                "{} 是{}，本来就是工作日；调休上班日应是星期六或星期日",
                date(*d),
                weekday(*w)
            ),
            NoticeError::Overlap {
                entry,
                other,
                date: d,
            } => format!(
                "{} 被两个条目重复列出（条目 {other} 和条目 {entry}，从 0 起编号）",
                date(*d)
            ),
            NoticeError::ConflictsWithLoaded {
                date: d,
                other_year,
                ..
            } => format!("{} 已由已载入的 {other_year} 年通知列出", date(*d)),
            NoticeError::DiffersFromLoaded {
                year,
                origin: o,
                source_name,
                date: d,
                loaded,
                given,
            } => format!(
                "{year} 年已经载入（{}：{source_name}），本通知与之在 {} 这一天不同：已载入的是{}，这里是{}；\
                 已载入的年份只能原样再次给出",
                origin(o),
                date(*d),
                day_kind(loaded),
                day_kind(given)
            ),
            _ => self.to_string(),
        }
    }
}
