//! The dates a search is limited by, as people give them: a calendar date
//! (`2025-03-01`, RFC 3339, anything [`parse_date`] reads) or a time
//! relative to now (`24h`, `7d`, `2w`, `today`, `yesterday`, and in French
//! `aujourd'hui`, `hier`).
//!
//! One parser for every place a search takes a date (`veille search
//! --since/--until`, the daemon's `since=`/`until=`, saved searches), so
//! that they accept the same forms and read them the same way. "Now" is
//! the caller's, which keeps the reading testable. Days are UTC days, like
//! every date in the index.

use chrono::{DateTime, Duration, NaiveTime, Utc};

use crate::error::{Error, Result};
use crate::ingest::date::parse_date;

/// The forms accepted, for error messages and help.
pub const FORMS: &str = "YYYY-MM-DD, RFC 3339, hours, days or weeks ago (24h, 7d, 2w), \
                         today, yesterday, aujourd'hui, hier";

/// Which end of a date range a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// The first instant included: a day starts at midnight.
    Since,
    /// The last instant included: a day counts up to its last second.
    Until,
}

/// Reads `value` as the `bound` end of a range, relative dates counted back
/// from `now`. A day (`2025-03-01`, `today`, `yesterday`) is its first
/// second as a lower bound and its last second as an upper one; `Nh`, `Nd`
/// and `Nw` are the instant that long before `now`, whichever the bound.
///
/// Errors: [`Error::InvalidParameter`] for `name`, saying which forms are
/// accepted.
pub fn parse(
    name: &'static str,
    value: &str,
    bound: Bound,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>> {
    let v = value.trim();
    let bad = |why: &str| Error::param(name, format!("{v:?} {why}; use {FORMS}"));
    if let Some(day) = named_day(v) {
        let start = (now - Duration::days(day)).date_naive();
        return Ok(day_bound(start.and_time(NaiveTime::MIN).and_utc(), bound));
    }
    if let Some(ago) = relative(v) {
        return ago
            .and_then(|d| now.checked_sub_signed(d))
            .ok_or_else(|| bad("is too far back"));
    }
    let date = parse_date(v).ok_or_else(|| bad("is not a date"))?;
    // A bare day (`YYYY-MM-DD`, `YYYY/MM/DD`) is a whole day.
    Ok(if v.len() == 10 {
        day_bound(date, bound)
    } else {
        date
    })
}

/// A day's first second as a lower bound, its last as an upper one.
fn day_bound(midnight: DateTime<Utc>, bound: Bound) -> DateTime<Utc> {
    match bound {
        Bound::Since => midnight,
        Bound::Until => midnight + Duration::days(1) - Duration::seconds(1),
    }
}

/// How many days back a named day is: `today` 0, `yesterday` 1.
fn named_day(v: &str) -> Option<i64> {
    // French writes the apostrophe of `aujourd'hui` straight or curly.
    let word = v.to_lowercase().replace(['\u{2019}', '\u{02BC}'], "'");
    match word.as_str() {
        "today" | "aujourd'hui" => Some(0),
        "yesterday" | "hier" => Some(1),
        _ => None,
    }
}

/// `Nh`, `Nd`, `Nw`: `Some(None)` when it has that shape but is too large
/// to be a duration, `None` when it has another shape.
fn relative(v: &str) -> Option<Option<Duration>> {
    let last = v.chars().last()?;
    let digits = &v[..v.len() - last.len_utf8()];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let Ok(n) = digits.parse::<i64>() else {
        return Some(None);
    };
    match last.to_ascii_lowercase() {
        'h' => Some(Duration::try_hours(n)),
        'd' => Some(Duration::try_days(n)),
        'w' => Some(Duration::try_weeks(n)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2025-03-12 15:30:00 UTC, a Wednesday.
    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-03-12T15:30:00Z")
            .unwrap()
            .to_utc()
    }

    fn read(value: &str, bound: Bound) -> String {
        parse("since", value, bound, now())
            .unwrap_or_else(|e| panic!("{value:?}: {e}"))
            .to_rfc3339()
    }

    #[test]
    fn hours_days_and_weeks_count_back_from_now() {
        let cases = [
            ("24h", "2025-03-11T15:30:00+00:00"),
            ("1h", "2025-03-12T14:30:00+00:00"),
            ("7d", "2025-03-05T15:30:00+00:00"),
            ("30D", "2025-02-10T15:30:00+00:00"),
            ("2w", "2025-02-26T15:30:00+00:00"),
            (" 0d ", "2025-03-12T15:30:00+00:00"),
        ];
        for (value, expected) in cases {
            assert_eq!(read(value, Bound::Since), expected, "{value}");
            assert_eq!(read(value, Bound::Until), expected, "{value} as until");
        }
    }

    #[test]
    fn named_days_are_whole_utc_days_in_both_languages() {
        let cases = [
            (
                "today",
                "2025-03-12T00:00:00+00:00",
                "2025-03-12T23:59:59+00:00",
            ),
            (
                "Aujourd'hui",
                "2025-03-12T00:00:00+00:00",
                "2025-03-12T23:59:59+00:00",
            ),
            (
                "aujourd’hui",
                "2025-03-12T00:00:00+00:00",
                "2025-03-12T23:59:59+00:00",
            ),
            (
                "yesterday",
                "2025-03-11T00:00:00+00:00",
                "2025-03-11T23:59:59+00:00",
            ),
            (
                "HIER",
                "2025-03-11T00:00:00+00:00",
                "2025-03-11T23:59:59+00:00",
            ),
        ];
        for (value, since, until) in cases {
            assert_eq!(read(value, Bound::Since), since, "{value}");
            assert_eq!(read(value, Bound::Until), until, "{value}");
        }
    }

    #[test]
    fn calendar_dates_keep_their_reading() {
        assert_eq!(
            read("2025-01-31", Bound::Since),
            "2025-01-31T00:00:00+00:00"
        );
        assert_eq!(
            read("2025-01-31", Bound::Until),
            "2025-01-31T23:59:59+00:00"
        );
        assert_eq!(
            read("2025-01-31T08:00:00+01:00", Bound::Until),
            "2025-01-31T07:00:00+00:00"
        );
    }

    #[test]
    fn bad_values_name_the_parameter_and_the_forms() {
        for value in [
            "soon",
            "d",
            "7y",
            "7é",
            "-3d",
            "7 days",
            "99999999999999999999d",
        ] {
            match parse("until", value, Bound::Until, now()) {
                Err(Error::InvalidParameter { name, message }) => {
                    assert_eq!(name, "until");
                    assert!(message.contains(FORMS), "{value}: {message}");
                }
                other => panic!("{value:?}: expected an error, got {other:?}"),
            }
        }
        let huge = parse("since", "9999999999999w", Bound::Since, now()).unwrap_err();
        assert!(huge.to_string().contains("too far back"), "{huge}");
    }
}
