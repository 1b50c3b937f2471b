//! Query-string parameters shared by the API, the page and the feed: read
//! once, checked with errors that name the parameter, and written back into
//! links (pagination, facets, sorting) by the page.
//!
//! The raw query string is decoded leniently (invalid percent-escapes and
//! UTF-8 are replaced, never an error); then each value is checked. Unknown
//! parameters are ignored, so cache-busters and tracking tags do no harm; a
//! parameter that takes one value but is given twice is an error, since
//! which one wins would be a guess.

use chrono::{DateTime, Utc};

use super::error::ApiError;
use crate::analysis::lang;
use crate::ingest::date::parse_date;
use crate::search::{SearchOptions, Sort};

/// Longest query accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 1024;
/// Largest page size accepted.
pub const MAX_LIMIT: usize = 100;
/// Deepest offset accepted: paging further costs more than it is worth.
pub const MAX_OFFSET: usize = 10_000;
/// Longest echo of a bad value in an error message, in characters.
const ECHO_CHARS: usize = 40;

/// The parameters of a search, checked.
#[derive(Debug, Clone)]
pub struct SearchParams {
    /// The query text; `None` when the parameter is absent.
    pub q: Option<String>,
    pub limit: usize,
    pub offset: usize,
    /// Language codes, normalised (`fr`, `en`, `und`).
    pub langs: Vec<String>,
    /// `since` as given (kept for links) and as a date.
    pub since: Option<(String, DateTime<Utc>)>,
    /// `until` as given (kept for links) and as a date (end of day for a day).
    pub until: Option<(String, DateTime<Utc>)>,
    pub sort: Sort,
    /// The page asks for its results fragment only (search-as-you-type).
    pub partial: bool,
    /// The page size when `limit` is not given (not written into links).
    default_limit: usize,
}

impl SearchParams {
    /// Reads and checks a raw query string (`None`: no `?` at all).
    pub fn parse(raw: Option<&str>, default_limit: usize) -> Result<SearchParams, ApiError> {
        let mut p = SearchParams {
            q: None,
            limit: default_limit,
            offset: 0,
            langs: Vec::new(),
            since: None,
            until: None,
            sort: Sort::Relevance,
            partial: false,
            default_limit,
        };
        let mut seen: Vec<&'static str> = Vec::new();
        for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            let name: &'static str = match key.as_ref() {
                "q" => "q",
                "limit" => "limit",
                "offset" => "offset",
                "lang" => "lang",
                "since" => "since",
                "until" => "until",
                "sort" => "sort",
                "partial" => "partial",
                _ => continue,
            };
            if name != "lang" {
                if seen.contains(&name) {
                    return Err(ApiError::param(name, "given more than once"));
                }
                seen.push(name);
            }
            let v = value.trim();
            match name {
                "q" => {
                    if value.len() > MAX_QUERY_BYTES {
                        return Err(ApiError::param(
                            "q",
                            format!(
                                "the query is {} bytes long; at most {MAX_QUERY_BYTES}",
                                value.len()
                            ),
                        ));
                    }
                    p.q = Some(value.into_owned());
                }
                "limit" if !v.is_empty() => p.limit = count("limit", v, MAX_LIMIT)?,
                "offset" if !v.is_empty() => p.offset = count("offset", v, MAX_OFFSET)?,
                "lang" => {
                    for code in v.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                        let code = language(code)?;
                        if !p.langs.contains(&code) {
                            p.langs.push(code);
                        }
                    }
                }
                "since" if !v.is_empty() => {
                    p.since = Some((v.to_string(), date("since", v, false)?))
                }
                "until" if !v.is_empty() => {
                    p.until = Some((v.to_string(), date("until", v, true)?))
                }
                "sort" if !v.is_empty() => {
                    p.sort = match v.to_ascii_lowercase().as_str() {
                        "relevance" => Sort::Relevance,
                        "date" => Sort::Date,
                        _ => {
                            return Err(ApiError::param(
                                "sort",
                                format!("expected `relevance` or `date`, got {}", echo(v)),
                            ))
                        }
                    }
                }
                "partial" => p.partial = !v.is_empty() && v != "0",
                _ => {}
            }
        }
        if let (Some((_, since)), Some((_, until))) = (&p.since, &p.until) {
            if until < since {
                return Err(ApiError::param("until", "is before `since`"));
            }
        }
        Ok(p)
    }

    /// The query text, required.
    pub fn require_query(&self) -> Result<&str, ApiError> {
        self.q
            .as_deref()
            .ok_or_else(|| ApiError::param("q", "missing (give the query as `q=...`)"))
    }

    /// The query text, trimmed; empty when absent.
    pub fn query_text(&self) -> &str {
        self.q.as_deref().map_or("", str::trim)
    }

    /// The library's search options for these parameters.
    pub fn options(&self, facets: bool) -> SearchOptions {
        SearchOptions {
            limit: self.limit,
            offset: self.offset,
            langs: self.langs.clone(),
            since: self.since.as_ref().map(|(_, d)| *d),
            until: self.until.as_ref().map(|(_, d)| *d),
            sort: self.sort,
            facets,
            ..SearchOptions::default()
        }
    }

    /// The parameters as a query string (without `?`), leaving out defaults
    /// and `partial`, so that links stay short and canonical.
    pub fn to_query_string(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        if let Some(q) = &self.q {
            s.append_pair("q", q);
        }
        for l in &self.langs {
            s.append_pair("lang", l);
        }
        if let Some((raw, _)) = &self.since {
            s.append_pair("since", raw);
        }
        if let Some((raw, _)) = &self.until {
            s.append_pair("until", raw);
        }
        if self.sort == Sort::Date {
            s.append_pair("sort", "date");
        }
        if self.limit != self.default_limit {
            s.append_pair("limit", &self.limit.to_string());
        }
        if self.offset != 0 {
            s.append_pair("offset", &self.offset.to_string());
        }
        s.finish()
    }

    /// A copy with `edit` applied, as a query string: for links that narrow,
    /// widen, sort or page the current search.
    pub fn with(&self, edit: impl FnOnce(&mut SearchParams)) -> String {
        let mut copy = self.clone();
        edit(&mut copy);
        copy.to_query_string()
    }

    /// Sets the date range to one calendar month (`YYYY-MM`).
    pub fn set_month(&mut self, month: &str) -> bool {
        let Some(first) =
            chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()
        else {
            return false;
        };
        let Some(next) = first.checked_add_months(chrono::Months::new(1)) else {
            return false;
        };
        let last = next.pred_opt().unwrap_or(first);
        let since = first.format("%Y-%m-%d").to_string();
        let until = last.format("%Y-%m-%d").to_string();
        match (date("since", &since, false), date("until", &until, true)) {
            (Ok(s), Ok(u)) => {
                self.since = Some((since, s));
                self.until = Some((until, u));
                self.offset = 0;
                true
            }
            _ => false,
        }
    }
}

/// A bad value, quoted and shortened for an error message.
fn echo(value: &str) -> String {
    let mut short: String = value.chars().take(ECHO_CHARS).collect();
    if short.len() < value.len() {
        short.push('…');
    }
    format!("{short:?}")
}

/// A whole number in `0..=max`.
fn count(name: &'static str, value: &str, max: usize) -> Result<usize, ApiError> {
    match value.parse::<u64>() {
        Ok(n) if n <= max as u64 => Ok(n as usize),
        Ok(_) => Err(ApiError::param(name, format!("at most {max}"))),
        Err(_) if value.parse::<i64>().is_ok_and(|n| n < 0) => {
            Err(ApiError::param(name, "must not be negative"))
        }
        Err(_) => Err(ApiError::param(
            name,
            format!("expected a whole number, got {}", echo(value)),
        )),
    }
}

/// A language code veille knows (or `und`), normalised.
fn language(code: &str) -> Result<String, ApiError> {
    if code.eq_ignore_ascii_case("und") {
        return Ok("und".into());
    }
    lang::lookup(code)
        .map(|l| l.code.to_string())
        .ok_or_else(|| ApiError::param("lang", format!("unknown language {}", echo(code))))
}

/// A date as `veille search --since/--until` reads it; a bare day as the end
/// of that day when `end_of_day`.
fn date(name: &'static str, value: &str, end_of_day: bool) -> Result<DateTime<Utc>, ApiError> {
    let parsed = parse_date(value).ok_or_else(|| {
        ApiError::param(
            name,
            format!("{} is not a date (use YYYY-MM-DD or RFC 3339)", echo(value)),
        )
    })?;
    let day_only = value.len() == 10;
    Ok(if end_of_day && day_only {
        parsed + chrono::Duration::seconds(86_399)
    } else {
        parsed
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<SearchParams, ApiError> {
        SearchParams::parse(Some(raw), 10)
    }

    fn bad(raw: &str) -> &'static str {
        match parse(raw) {
            Err(ApiError::BadParam { name, .. }) => name,
            other => panic!("{raw}: expected a bad parameter, got {other:?}"),
        }
    }

    #[test]
    fn reads_every_parameter() {
        let p = parse("q=rust+kernel&limit=5&offset=10&lang=fr,EN&lang=de&since=2025-01-01&until=2025-01-31&sort=date")
            .unwrap();
        assert_eq!(p.q.as_deref(), Some("rust kernel"));
        assert_eq!((p.limit, p.offset), (5, 10));
        assert_eq!(p.langs, ["fr", "en", "de"]);
        assert_eq!(p.sort, Sort::Date);
        let until = p.until.as_ref().unwrap().1;
        assert_eq!(until.to_rfc3339(), "2025-01-31T23:59:59+00:00");
    }

    #[test]
    fn names_the_bad_parameter() {
        assert_eq!(bad("limit=-1"), "limit");
        assert_eq!(bad("limit=abc"), "limit");
        assert_eq!(bad("limit=101"), "limit");
        assert_eq!(bad("offset=-5"), "offset");
        assert_eq!(bad("offset=1e3"), "offset");
        assert_eq!(bad("offset=99999999999999999999999"), "offset");
        assert_eq!(bad("lang=klingon"), "lang");
        assert_eq!(bad("since=yesterday"), "since");
        assert_eq!(bad("sort=random"), "sort");
        assert_eq!(bad("q=a&q=b"), "q");
        assert_eq!(bad("since=2025-02-01&until=2025-01-01"), "until");
        assert_eq!(bad(&format!("q={}", "a".repeat(MAX_QUERY_BYTES + 1))), "q");
    }

    #[test]
    fn empty_values_are_defaults_and_unknown_keys_are_ignored() {
        let p = parse("q=x&limit=&offset=&sort=&since=&_=123&utm_source=feed").unwrap();
        assert_eq!((p.limit, p.offset, p.sort), (10, 0, Sort::Relevance));
        assert!(p.since.is_none());
    }

    #[test]
    fn invalid_escapes_are_not_errors() {
        let p = parse("q=%FF%fe%zz").unwrap();
        assert!(p.q.unwrap().contains('\u{FFFD}'));
    }

    #[test]
    fn links_round_trip() {
        let p = parse("q=a%26b+c&lang=fr&sort=date&offset=20").unwrap();
        let again = parse(&p.to_query_string()).unwrap();
        assert_eq!(again.q.as_deref(), Some("a&b c"));
        assert_eq!(again.langs, ["fr"]);
        assert_eq!((again.sort, again.offset), (Sort::Date, 20));
        assert!(!p.with(|p| p.offset = 0).contains("offset"));
    }

    #[test]
    fn months_become_ranges() {
        let mut p = parse("q=x").unwrap();
        assert!(p.set_month("2024-02"));
        assert_eq!(p.since.as_ref().unwrap().0, "2024-02-01");
        assert_eq!(p.until.as_ref().unwrap().0, "2024-02-29");
        assert!(!p.set_month("2024-13"));
    }
}
