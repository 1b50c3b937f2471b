//! Publication dates as sources write them.
//!
//! Feeds use RFC 2822, APIs RFC 3339 or Unix timestamps, hand-written front
//! matter `2024-03-05` or `2024/03/05`. One lenient parser shared by every
//! format keeps dates comparable in the index, whatever the file type.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::Warning;

/// Date-and-time layouts without a zone, read as UTC.
const NAIVE_DATETIME_FORMATS: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
];

/// Date-only layouts, read as midnight UTC.
const DATE_FORMATS: &[&str] = &["%Y-%m-%d", "%Y/%m/%d"];

/// Timestamps at or above this absolute value are taken as milliseconds:
/// as seconds they would be past the year 5000, as milliseconds they cover
/// every date since 1973.
const MILLIS_THRESHOLD: i64 = 100_000_000_000;

/// Parses a date in one of the layouts news sources use.
///
/// Accepts RFC 3339, RFC 2822, `YYYY-MM-DD`, `YYYY/MM/DD`,
/// `YYYY-MM-DD HH:MM[:SS]`, `YYYY-MM-DDTHH:MM:SS` without a zone (as UTC),
/// a bare year or year and month (`2025`, `2025-06`: their first day),
/// and Unix timestamps in seconds (or milliseconds, when too large to be
/// seconds). Returns `None` for anything else.
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Some(date) = parse_year(s).or_else(|| parse_timestamp(s)) {
        return Some(date);
    }
    if let Ok(date) = DateTime::parse_from_rfc3339(s) {
        return Some(date.to_utc());
    }
    if let Ok(date) = DateTime::parse_from_rfc2822(s) {
        return Some(date.to_utc());
    }
    // RFC 3339 with a space instead of `T`, as SQL dumps write it.
    if let Ok(date) = DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%:z") {
        return Some(date.to_utc());
    }
    for format in NAIVE_DATETIME_FORMATS {
        if let Ok(date) = NaiveDateTime::parse_from_str(s, format) {
            return Some(date.and_utc());
        }
    }
    for format in DATE_FORMATS {
        if let Ok(date) = NaiveDate::parse_from_str(s, format) {
            return Some(date.and_time(chrono::NaiveTime::MIN).and_utc());
        }
    }
    None
}

/// Parses a date field, adding a warning when the text is there but unreadable.
pub(super) fn parse_date_or_warn(
    s: &str,
    line: Option<usize>,
    warnings: &mut Vec<Warning>,
) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let date = parse_date(s);
    if date.is_none() {
        warnings.push(Warning {
            line,
            message: format!("unparsable date '{}'", shorten(s)),
        });
    }
    date
}

/// A bare year (`2025`, `2025-06`): its first day. Four digits are read
/// as a year, never as a timestamp in the first hour of 1970.
fn parse_year(s: &str) -> Option<DateTime<Utc>> {
    let (year, month) = match s.split_once('-') {
        Some((y, m)) if m.len() == 2 => (y, m.parse::<u32>().ok()?),
        Some(_) => return None,
        None => (s, 1),
    };
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month, 1)
        .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
}

/// A Unix timestamp: an optional minus sign and digits only.
fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: i64 = s.parse().ok()?;
    if value.unsigned_abs() >= MILLIS_THRESHOLD.unsigned_abs() {
        DateTime::from_timestamp_millis(value)
    } else {
        DateTime::from_timestamp(value, 0)
    }
}

/// Keeps warnings readable when a "date" field holds a whole paragraph.
fn shorten(s: &str) -> String {
    const MAX_CHARS: usize = 60;
    if s.chars().count() <= MAX_CHARS {
        s.to_owned()
    } else {
        let mut short: String = s.chars().take(MAX_CHARS).collect();
        short.push('…');
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asserts that each input parses to the given UTC time (RFC 3339).
    fn assert_utc(cases: &[(&str, &str)]) {
        for (input, expected) in cases {
            let date = parse_date(input).unwrap_or_else(|| panic!("{input:?} should parse"));
            assert_eq!(date.to_rfc3339(), *expected, "{input:?}");
        }
    }

    #[test]
    fn rfc3339_with_zone_is_converted_to_utc() {
        assert_utc(&[
            ("2024-03-05T10:30:00+01:00", "2024-03-05T09:30:00+00:00"),
            ("2024-03-05T10:30:00Z", "2024-03-05T10:30:00+00:00"),
            ("2024-03-05T10:30:00.250Z", "2024-03-05T10:30:00.250+00:00"),
            ("2024-03-05 10:30:00+02:00", "2024-03-05T08:30:00+00:00"),
        ]);
    }

    #[test]
    fn rfc2822() {
        assert_utc(&[
            (
                "Tue, 05 Mar 2024 10:30:00 +0100",
                "2024-03-05T09:30:00+00:00",
            ),
            ("Tue, 05 Mar 2024 10:30:00 GMT", "2024-03-05T10:30:00+00:00"),
        ]);
    }

    #[test]
    fn dates_without_zone_are_utc() {
        assert_utc(&[
            ("2024-03-05", "2024-03-05T00:00:00+00:00"),
            ("2024/03/05", "2024-03-05T00:00:00+00:00"),
            ("2024-03-05 10:30", "2024-03-05T10:30:00+00:00"),
            ("2024-03-05 10:30:15", "2024-03-05T10:30:15+00:00"),
            ("2024-03-05T10:30:15", "2024-03-05T10:30:15+00:00"),
            ("  2024-03-05T10:30  ", "2024-03-05T10:30:00+00:00"),
        ]);
    }

    #[test]
    fn unix_timestamps() {
        assert_utc(&[
            ("1709634600", "2024-03-05T10:30:00+00:00"),
            ("1709634600000", "2024-03-05T10:30:00+00:00"),
            ("0", "1970-01-01T00:00:00+00:00"),
        ]);
    }

    #[test]
    fn bare_years_and_months_are_their_first_day() {
        assert_utc(&[
            ("2025", "2025-01-01T00:00:00+00:00"),
            ("2025-06", "2025-06-01T00:00:00+00:00"),
        ]);
        assert_eq!(parse_date("2025-13"), None);
    }

    #[test]
    fn garbage_is_none() {
        for s in [
            "",
            "  ",
            "hier",
            "le 5 mars",
            "2024-13-45",
            "99999999999999999999999",
            "-",
        ] {
            assert_eq!(parse_date(s), None, "{s:?}");
        }
    }

    #[test]
    fn unparsable_dates_warn() {
        let mut warnings = Vec::new();
        assert_eq!(parse_date_or_warn("bientôt", Some(4), &mut warnings), None);
        assert_eq!(parse_date_or_warn("  ", Some(5), &mut warnings), None);
        assert_eq!(
            warnings,
            vec![Warning {
                line: Some(4),
                message: "unparsable date 'bientôt'".into()
            }]
        );
    }
}
