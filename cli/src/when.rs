//! Times as people write them, and the `round` helper.
//!
//! Every time a person types on the command line (`--created-at`, the time
//! of a `ceremony:TIME:...` plan, `round --at`) is read by
//! [`parse_time_as_written`]. It accepts the UTC form the records use
//! (`2026-12-02T01:00:00Z`), any explicit offset
//! (`2026-12-02T09:00:00+08:00`), a date and time with a space followed by
//! a stated zone (`2026-12-02 09:00 北京时间`, `2026-12-02 09:00+08:00`,
//! `2026-12-02 01:00 (UTC)`, `2026-12-02 01:00Z`), and `北京时间 2026-12-02
//! 09:00`. A time without a stated zone is refused: the tool never guesses
//! whether 09:00 meant Beijing time or UTC. The result is UTC, the form
//! every signed record keeps.

use clap::Args;
use double_random::{
    beacon::{QUICKNET_CHAIN_HASH, QUICKNET_GENESIS, QUICKNET_PERIOD, drand_round_time},
    calendar::{BEIJING_UTC_OFFSET_SECONDS, Timestamp, parse_date},
};

use crate::{
    common::{CliError, Status},
    outln,
    receipts::ReceiptError,
};

/// A record's time as offices and auditors read it: Beijing time, labelled
/// (`2025-05-01 16:05:00（北京时间）`); records keep UTC.
pub fn bj(t: Timestamp) -> String {
    t.beijing().labelled()
}

/// The forms [`parse_time_as_written`] accepts, for error messages.
pub const TIME_FORMS: &str = "write e.g. `2026-12-02 09:00 北京时间`, `北京时间 2026-12-02 09:00`, \
`2026-12-02T09:00:00+08:00` or `2026-12-02T01:00:00Z`";

/// Why a written time was refused. Each variant carries the text as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeTextError {
    /// A date and time with no zone: it could be Beijing time or UTC.
    #[error(
        "{text:?} states no time zone; add `+08:00` or `北京时间` for Beijing time, or `Z` for UTC (the tool does not guess)"
    )]
    NoZone {
        /// The text as given.
        text: String,
    },
    /// Something after the time that is not a zone this tool reads.
    #[error(
        "{text:?}: {zone:?} is not a time zone this tool reads; write `北京时间`, `+08:00` (any `+HH:MM`/`-HH:MM`), `Z` or `(UTC)`"
    )]
    UnknownZone {
        /// The text as given.
        text: String,
        /// What follows the time.
        zone: String,
    },
    /// Two zones, e.g. `北京时间 2026-12-02 09:00Z`.
    #[error("{text:?} states the zone twice; state it once")]
    TwoZones {
        /// The text as given.
        text: String,
    },
    /// The date or the time of day is not a real one (`2026-02-30`, `25:00`).
    #[error("{text:?}: {what} is not a real date and time of day")]
    OutOfRange {
        /// The text as given.
        text: String,
        /// The date and time part.
        what: String,
    },
    /// Not a date and time at all.
    #[error("{text:?} is not a date and time; {TIME_FORMS}")]
    Malformed {
        /// The text as given.
        text: String,
    },
}

/// A zone stated next to a time: its offset from UTC in seconds.
fn zone_offset(zone: &str) -> Option<i64> {
    let z = zone.trim();
    match z {
        "Z" | "UTC" | "(UTC)" | "（UTC）" => return Some(0),
        "北京时间" | "(北京时间)" | "（北京时间）" => {
            return Some(BEIJING_UTC_OFFSET_SECONDS);
        }
        _ => {}
    }
    let b = z.as_bytes();
    if b.len() != 6 || b[3] != b':' {
        return None;
    }
    let sign = match b[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let two = |s: &[u8]| -> Option<i64> {
        s.iter()
            .all(u8::is_ascii_digit)
            .then(|| i64::from(s[0] - b'0') * 10 + i64::from(s[1] - b'0'))
    };
    let (h, m) = (two(&b[1..3])?, two(&b[4..6])?);
    (h <= 23 && m <= 59).then_some(sign * (h * 3600 + m * 60))
}

/// Splits `YYYY-MM-DD[T ]HH:MM[:SS]` off the front of `s`: the date, the
/// seconds of the day (or `None` when the digits are no real time) and
/// the rest. `None` when `s` does not start with that shape.
fn split_date_time(s: &str) -> Option<(&str, &str, &str)> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    let shape = digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
        && matches!(b.get(10), Some(b'T' | b' '))
        && digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16);
    if !shape {
        return None;
    }
    let end = if b.get(16) == Some(&b':') && digits(17..19) {
        19
    } else {
        16
    };
    Some((&s[..10], &s[11..end], &s[end..]))
}

/// Reads a time as a person writes it (forms in the module documentation)
/// and returns it in UTC.
pub fn parse_time_as_written(text: &str) -> Result<Timestamp, TimeTextError> {
    let owned = || text.to_owned();
    let trimmed = text.trim();
    let (prefix_zone, body) = match trimmed.strip_prefix("北京时间") {
        Some(rest) => (Some(BEIJING_UTC_OFFSET_SECONDS), rest.trim_start()),
        None => (None, trimmed),
    };
    let Some((date_text, clock, rest)) = split_date_time(body) else {
        return Err(TimeTextError::Malformed { text: owned() });
    };
    let suffix_zone = if rest.trim().is_empty() {
        None
    } else {
        Some(zone_offset(rest).ok_or_else(|| TimeTextError::UnknownZone {
            text: owned(),
            zone: rest.trim().to_owned(),
        })?)
    };
    let offset = match (prefix_zone, suffix_zone) {
        (Some(_), Some(_)) => return Err(TimeTextError::TwoZones { text: owned() }),
        (Some(o), None) | (None, Some(o)) => o,
        (None, None) => return Err(TimeTextError::NoZone { text: owned() }),
    };
    let out_of_range = || TimeTextError::OutOfRange {
        text: owned(),
        what: format!("{date_text} {clock}"),
    };
    let date = parse_date(date_text)
        .filter(|d| double_random::calendar::format_date(*d) == date_text)
        .ok_or_else(out_of_range)?;
    let mut parts = clock.split(':').map(|p| p.parse::<u8>().ok());
    let (h, m) = (parts.next().flatten(), parts.next().flatten());
    let s = parts.next().flatten().unwrap_or(0);
    let (Some(h), Some(m)) = (h, m) else {
        return Err(out_of_range());
    };
    let tod = time::Time::from_hms(h, m, s).map_err(|_| out_of_range())?;
    let local = date.with_time(tod).assume_utc().unix_timestamp();
    Timestamp::from_unix(local - offset).ok_or_else(out_of_range)
}

/// `value_parser` for `--created-at` and other time flags: clap names the
/// flag and the value, the error says what is wrong.
pub fn parse_time_arg(s: &str) -> Result<Timestamp, TimeTextError> {
    parse_time_as_written(s)
}

/// Splits `TIME:PROCEDURE` (the part of a `ceremony:` plan after the
/// prefix): the longest prefix ending before a `:` that reads as a time.
/// When none does, the error is the one for the part that looks most like
/// the time (the text up to the first `:` after the time of day).
pub fn split_time_prefix(rest: &str) -> Result<(Timestamp, &str), TimeTextError> {
    let colons: Vec<usize> = rest.match_indices(':').map(|(i, _)| i).collect();
    for &i in colons.iter().rev() {
        if let Ok(t) = parse_time_as_written(&rest[..i]) {
            return Ok((t, &rest[i + 1..]));
        }
    }
    // No prefix reads as a time: report on the one most like a time, the
    // longest that gets past the date-and-time shape check.
    let mut best: Option<TimeTextError> = None;
    for &i in &colons {
        match parse_time_as_written(&rest[..i]) {
            Err(TimeTextError::Malformed { .. }) => {}
            Err(e) => best = Some(e),
            Ok(_) => {}
        }
    }
    Err(best.unwrap_or(TimeTextError::Malformed {
        text: rest.to_owned(),
    }))
}

// ---------------------------------------------------------------------------
// round

/// Flags of `round`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["at", "round"])))]
pub struct RoundArgs {
    /// The time the randomness should exist (e.g. `2026-12-02 10:00 北京时间`):
    /// prints the first drand quicknet round published at or after it.
    #[arg(long, value_parser = parse_time_arg)]
    pub at: Option<Timestamp>,
    /// A quicknet round number: prints when it is published.
    #[arg(long)]
    pub round: Option<u64>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The first quicknet round published at or after `t`: round 1 at genesis,
/// one round every period. `None` past the last representable round.
pub fn first_round_at_or_after(t: Timestamp) -> Option<u64> {
    let since = t.unix().checked_sub(QUICKNET_GENESIS)?;
    if since <= 0 {
        return Some(1);
    }
    // ceil(since / period) periods after round 1.
    let periods = since.checked_add(QUICKNET_PERIOD - 1)? / QUICKNET_PERIOD;
    u64::try_from(periods).ok()?.checked_add(1)
}

/// Quicknet's chain hash in lowercase hex.
fn quicknet_hash_hex() -> String {
    QUICKNET_CHAIN_HASH
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The public address of a quicknet round's beacon.
pub fn quicknet_url(round: u64) -> String {
    format!(
        "https://api.drand.sh/{}/public/{round}",
        quicknet_hash_hex()
    )
}

/// Runs `round`.
pub fn round(a: &RoundArgs) -> Result<Status, CliError> {
    let flag_error = |flag: &'static str, message: String| -> CliError {
        ReceiptError::Flag { flag, message }.into()
    };
    let (round, asked) = match (a.at, a.round) {
        (Some(t), _) => {
            let r = first_round_at_or_after(t).ok_or_else(|| {
                flag_error(
                    "--at",
                    format!("{t}: no quicknet round can be numbered then"),
                )
            })?;
            (r, Some(t))
        }
        (None, Some(r)) => (r, None),
        (None, None) => {
            return Err(flag_error("--at", "give --at TIME or --round N".into()));
        }
    };
    let time = drand_round_time(&QUICKNET_CHAIN_HASH, round).ok_or_else(|| {
        flag_error(
            "--round",
            format!("{round}: quicknet rounds are numbered from 1 and end before year 10000"),
        )
    })?;
    let plan = format!("drand:quicknet:{round}");
    let url = quicknet_url(round);
    if a.json {
        let v = serde_json::json!({
            "network": "quicknet",
            "chain_hash": quicknet_hash_hex(),
            "asked_at": asked.map(|t| t.to_string()),
            "round": round,
            "time_utc": time.to_string(),
            "time_beijing": time.beijing().rfc3339(),
            "randomness_plan": plan,
            "url": url,
        });
        outln!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(Status::Ok);
    }
    if crate::lang::zh() {
        if let Some(t) = asked {
            outln!("查询时间：{t}（UTC）= {}", t.beijing().labelled());
        }
        outln!("drand quicknet 第 {round} 轮");
        outln!("  公布时间：{time}（UTC）= {}", time.beijing().labelled());
        outln!("  承诺时用：--randomness-plan {plan}");
        outln!("            （承诺的 --created-at 须早于 {time}）");
        outln!("  到时后，在任一联网计算机上获取：");
        outln!("    {url}");
        outln!("  将其中的 `signature` 交给 `draw --beacon-signature`。");
        return Ok(Status::Ok);
    }
    if let Some(t) = asked {
        outln!("asked for: {t} (UTC) = {}", t.beijing().labelled());
    }
    outln!("drand quicknet round {round}");
    outln!(
        "  published at: {time} (UTC) = {}",
        time.beijing().labelled()
    );
    outln!("  commit with:  --randomness-plan {plan}");
    outln!("                (the commitment's --created-at must be before {time})");
    outln!("  after that time, fetch on any networked computer:");
    outln!("    {url}");
    outln!("  and give its `signature` to `draw --beacon-signature`.");
    Ok(Status::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn accepted_forms() {
        let want = utc("2026-12-02T01:00:00Z");
        for t in [
            "2026-12-02T01:00:00Z",
            "2026-12-02T09:00:00+08:00",
            "2026-12-02T03:30:00+02:30",
            "2026-12-01T20:00:00-05:00",
            "2026-12-02 09:00 北京时间",
            "2026-12-02 09:00:00 北京时间",
            "2026-12-02 09:00（北京时间）",
            "2026-12-02 09:00+08:00",
            "2026-12-02 09:00:00 +08:00",
            "2026-12-02 01:00 (UTC)",
            "2026-12-02 01:00:00Z",
            "2026-12-02 01:00 UTC",
            "北京时间 2026-12-02 09:00",
            "北京时间2026-12-02 09:00:00",
            " 北京时间 2026-12-02T09:00 ",
        ] {
            assert_eq!(parse_time_as_written(t), Ok(want), "{t}");
        }
    }

    #[test]
    fn refused_forms() {
        let no_zone = [
            "2026-12-02 09:00",
            "2026-12-02T09:00:00",
            "2026-12-02 09:00:00 ",
        ];
        for t in no_zone {
            assert!(
                matches!(parse_time_as_written(t), Err(TimeTextError::NoZone { .. })),
                "{t}"
            );
        }
        for t in [
            "2026-12-02 09:00 CST",
            "2026-12-02 09:00+8",
            "2026-12-02 09:00+08:00:00",
        ] {
            assert!(
                matches!(
                    parse_time_as_written(t),
                    Err(TimeTextError::UnknownZone { .. })
                ),
                "{t}"
            );
        }
        assert!(matches!(
            parse_time_as_written("北京时间 2026-12-02 09:00Z"),
            Err(TimeTextError::TwoZones { .. })
        ));
        for t in [
            "2026-02-30 09:00Z",
            "2026-12-02 24:00Z",
            "2026-12-02 09:60 北京时间",
        ] {
            assert!(
                matches!(
                    parse_time_as_written(t),
                    Err(TimeTextError::OutOfRange { .. })
                ),
                "{t}"
            );
        }
        for t in [
            "",
            "tomorrow",
            "2026-12-2 09:00Z",
            "2026/12/02 09:00Z",
            "12:00Z",
        ] {
            assert!(
                matches!(
                    parse_time_as_written(t),
                    Err(TimeTextError::Malformed { .. })
                ),
                "{t}"
            );
        }
    }

    #[test]
    fn ceremony_split() {
        let want = utc("2026-12-02T01:00:00Z");
        for (text, proc_) in [
            ("2026-12-02T01:00:00Z:six d10 throws", "six d10 throws"),
            ("2026-12-02T09:00:00+08:00:掷骰", "掷骰"),
            ("2026-12-02 09:00 北京时间:掷骰: 6 次", "掷骰: 6 次"),
            ("北京时间 2026-12-02 09:00:00:掷骰", "掷骰"),
        ] {
            assert_eq!(split_time_prefix(text), Ok((want, proc_)), "{text}");
        }
        assert!(matches!(
            split_time_prefix("2026-12-02 09:00:掷骰"),
            Err(TimeTextError::NoZone { .. })
        ));
    }

    #[test]
    fn rounds() {
        let genesis = Timestamp::from_unix(QUICKNET_GENESIS).unwrap();
        assert_eq!(first_round_at_or_after(genesis), Some(1));
        let before = Timestamp::from_unix(QUICKNET_GENESIS - 100).unwrap();
        assert_eq!(first_round_at_or_after(before), Some(1));
        for k in 0..10i64 {
            let t = Timestamp::from_unix(QUICKNET_GENESIS + k).unwrap();
            let r = first_round_at_or_after(t).unwrap();
            let rt = drand_round_time(&QUICKNET_CHAIN_HASH, r).unwrap();
            assert!(rt >= t, "{k}");
            assert!(rt.unix() - t.unix() < QUICKNET_PERIOD, "{k}");
            if r > 1 {
                let prev = drand_round_time(&QUICKNET_CHAIN_HASH, r - 1).unwrap();
                assert!(prev < t, "{k}");
            }
        }
    }
}
