//! Query-string parameters shared by the API, the page and the feed, and
//! the URLs built from them: every request limit and default is stated here,
//! and every link from one endpoint to another (or to an article) is written
//! here, so that the page and the feed need nothing from each other.
//!
//! The raw query string is decoded leniently (invalid percent-escapes and
//! UTF-8 are replaced, never an error); then each value is checked. Unknown
//! parameters are ignored, so cache-busters and tracking tags do no harm; a
//! parameter that takes one value but is given twice is an error, since
//! which one wins would be a guess.

use axum::http::{header, HeaderMap};
use chrono::{DateTime, Utc};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::error::ApiError;
use crate::analysis::lang;
use crate::search::when::{self, Bound};
use crate::search::{SearchOptions, Sort};

/// Longest query accepted, in bytes: room for three or four pasted
/// paragraphs (read as free text), small enough to keep one search cheap.
pub const MAX_QUERY_BYTES: usize = 4096;
/// Largest page size the daemon accepts: every hit of a page gets its
/// snippets and is rendered at once, so a client pages rather than asking
/// for everything (the library itself takes up to
/// [`search::engine::MAX_LIMIT`](crate::search::engine::MAX_LIMIT), for the
/// command line and the exports).
pub const MAX_PAGE_LIMIT: usize = 100;
/// Deepest offset accepted: paging further costs more than it is worth.
pub const MAX_OFFSET: usize = 10_000;
/// Longest echo of a bad value in an error message, in characters.
const ECHO_CHARS: usize = 40;

/// Where the stored articles are served, by id (`/api/articles/{id}`).
const ARTICLES_PATH: &str = "/api/articles/";
/// Where the stored articles are shown to people (`/articles/{id}`).
const ARTICLE_PAGES_PATH: &str = "/articles/";

/// Characters left as they are in a path segment or URN.
const PATH_SAFE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// The endpoints that take search parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `/api/search`, JSON.
    Api,
    /// `/`, the web page.
    Page,
    /// `/feed.atom`, the Atom feed.
    Feed,
}

impl Endpoint {
    /// Results per answer when `limit` is not given.
    pub const fn default_limit(self) -> usize {
        match self {
            Endpoint::Api | Endpoint::Page => 10,
            Endpoint::Feed => 20,
        }
    }

    /// The path it is served at.
    pub const fn path(self) -> &'static str {
        match self {
            Endpoint::Api => "/api/search",
            Endpoint::Page => "/",
            Endpoint::Feed => "/feed.atom",
        }
    }
}

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
    /// Also search the query's translations (`translate=false` turns it off).
    pub translate: bool,
    /// The endpoint read, whose default page size links leave out.
    endpoint: Endpoint,
}

impl SearchParams {
    /// No parameters: what `endpoint` answers by default.
    pub fn defaults(endpoint: Endpoint) -> SearchParams {
        SearchParams {
            q: None,
            limit: endpoint.default_limit(),
            offset: 0,
            langs: Vec::new(),
            since: None,
            until: None,
            sort: Sort::default(),
            partial: false,
            translate: SearchOptions::default().translate,
            endpoint,
        }
    }

    /// Reads and checks a raw query string (`None`: no `?` at all).
    pub fn parse(raw: Option<&str>, endpoint: Endpoint) -> Result<SearchParams, ApiError> {
        let mut p = SearchParams::defaults(endpoint);
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
                "translate" => "translate",
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
                "limit" if !v.is_empty() => p.limit = count("limit", v, MAX_PAGE_LIMIT)?,
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
                    p.since = Some((v.to_string(), date("since", v, Bound::Since)?))
                }
                "until" if !v.is_empty() => {
                    p.until = Some((v.to_string(), date("until", v, Bound::Until)?))
                }
                "sort" if !v.is_empty() => {
                    p.sort = SORTS
                        .into_iter()
                        .find(|s| sort_name(*s).eq_ignore_ascii_case(v))
                        .ok_or_else(|| {
                            ApiError::param(
                                "sort",
                                format!("expected `relevance` or `date`, got {}", echo(v)),
                            )
                        })?;
                }
                "partial" => p.partial = !v.is_empty() && v != "0",
                "translate" if !v.is_empty() => p.translate = switch("translate", v)?,
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

    /// What is left of a query string that failed to parse: only the query
    /// text (cut to the longest accepted) and the `partial` flag, so that the
    /// page can show the error with what the user typed still in the box.
    pub fn salvage(raw: Option<&str>, endpoint: Endpoint) -> SearchParams {
        let mut p = SearchParams::defaults(endpoint);
        let raw = raw.unwrap_or("");
        p.q = form_urlencoded::parse(raw.as_bytes())
            .find(|(k, _)| k == "q")
            .map(|(_, q)| {
                let mut end = q.len().min(MAX_QUERY_BYTES);
                while !q.is_char_boundary(end) {
                    end -= 1;
                }
                q[..end].to_string()
            });
        p.partial = raw.contains("partial=1");
        p
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
            translate: self.translate,
            ..SearchOptions::default()
        }
    }

    /// The parameters as `(name, value)` pairs, in a fixed order, leaving
    /// out defaults and `partial` so that links stay short and canonical;
    /// `limit` is left out only when it is the endpoint's default and
    /// `explicit_limit` is false.
    fn pairs(&self, explicit_limit: bool) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(q) = &self.q {
            pairs.push(("q", q.clone()));
        }
        for l in &self.langs {
            pairs.push(("lang", l.clone()));
        }
        if let Some((raw, _)) = &self.since {
            pairs.push(("since", raw.clone()));
        }
        if let Some((raw, _)) = &self.until {
            pairs.push(("until", raw.clone()));
        }
        if self.sort != Sort::default() {
            pairs.push(("sort", sort_name(self.sort).to_string()));
        }
        if self.translate != SearchOptions::default().translate {
            pairs.push(("translate", self.translate.to_string()));
        }
        if explicit_limit || self.limit != self.endpoint.default_limit() {
            pairs.push(("limit", self.limit.to_string()));
        }
        if self.offset != 0 {
            pairs.push(("offset", self.offset.to_string()));
        }
        pairs
    }

    /// The parameters as a query string (without `?`), defaults left out.
    pub fn to_query_string(&self) -> String {
        encode(&self.pairs(false))
    }

    /// The parameters a search form carries besides its `q` box: a new
    /// search keeps the filters, sort and page size, from the first result.
    pub fn form_fields(&self) -> Vec<(&'static str, String)> {
        let mut pairs = self.pairs(false);
        pairs.retain(|(name, _)| !matches!(*name, "q" | "offset"));
        pairs
    }

    /// A copy with `edit` applied: for links that narrow, widen, sort or
    /// page the current search.
    pub fn with(&self, edit: impl FnOnce(&mut SearchParams)) -> SearchParams {
        let mut copy = self.clone();
        edit(&mut copy);
        copy
    }

    /// The URL of these parameters on their own endpoint, from the root.
    pub fn url(&self) -> String {
        with_query(self.endpoint.path(), &self.to_query_string())
    }

    /// The URL of the same search on another endpoint, from its first
    /// result and at that endpoint's default page size, which the URL names:
    /// links between the page and the feed have always been written so, and
    /// feed readers know a feed by its URL. The feed always lists the newest
    /// first, so a link to it carries no sort.
    pub fn url_on(&self, target: Endpoint) -> String {
        let copy = self.with(|c| {
            c.endpoint = target;
            c.offset = 0;
            c.limit = target.default_limit();
            if target == Endpoint::Feed {
                c.sort = Sort::default();
            }
        });
        with_query(target.path(), &encode(&copy.pairs(true)))
    }

    /// The feed's stable id for this search (`urn:veille:search:...`).
    pub fn search_urn(&self) -> String {
        format!(
            "urn:veille:search:{}",
            utf8_percent_encode(&self.to_query_string(), PATH_SAFE)
        )
    }

    /// Sets the lower date bound (any form `since=` takes), from the first
    /// result; false, and nothing changed, when it is not a date.
    pub fn set_since(&mut self, raw: &str) -> bool {
        match date("since", raw, Bound::Since) {
            Ok(d) => {
                self.since = Some((raw.to_string(), d));
                self.offset = 0;
                true
            }
            Err(_) => false,
        }
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
        match (
            date("since", &since, Bound::Since),
            date("until", &until, Bound::Until),
        ) {
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

/// Every sort order, as `sort=` names them.
const SORTS: [Sort; 2] = [Sort::Relevance, Sort::Date];

/// The value of `sort=` for a sort order.
pub fn sort_name(sort: Sort) -> &'static str {
    match sort {
        Sort::Relevance => "relevance",
        Sort::Date => "date",
    }
}

/// `path?query`, or `path` alone for an empty query.
fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

/// `(name, value)` pairs as a query string.
fn encode(pairs: &[(&str, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// The URL of a stored article served by the API, from the root.
pub fn article_url(id: &str) -> String {
    format!("{ARTICLES_PATH}{}", utf8_percent_encode(id, PATH_SAFE))
}

/// The URL of a stored article's readable page, from the root.
pub fn article_page_url(id: &str) -> String {
    format!("{ARTICLE_PAGES_PATH}{}", utf8_percent_encode(id, PATH_SAFE))
}

/// A stable id for an article that has no web URL (`urn:veille:article:...`).
pub fn article_urn(id: &str) -> String {
    format!("urn:veille:article:{}", utf8_percent_encode(id, PATH_SAFE))
}

/// True for the URLs an article link may point to: `http(s)` only, so that
/// a `javascript:` or `data:` URL in an article never becomes a link.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().get(..8).unwrap_or("").to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && !url.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// `http://HOST` from the request's `Host` header when it looks like a host
/// name or address, else `fallback` (the listening address): the base of
/// absolute links, which a feed needs.
pub fn base_url(headers: &HeaderMap, fallback: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        });
    match host {
        Some(h) => format!("http://{h}"),
        None => fallback.to_string(),
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

/// An on/off switch: `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`.
fn switch(name: &'static str, value: &str) -> Result<bool, ApiError> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(ApiError::param(
            name,
            format!("expected `true` or `false`, got {}", echo(value)),
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

/// A date as `veille search --since/--until` reads it ([`when::parse`]):
/// calendar or relative to now, a day as a whole day.
fn date(name: &'static str, value: &str, bound: Bound) -> Result<DateTime<Utc>, ApiError> {
    when::parse(name, value, bound, Utc::now()).map_err(|e| match e {
        crate::Error::InvalidParameter { name, message } => ApiError::param(name, message),
        other => ApiError::param(name, other.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<SearchParams, ApiError> {
        SearchParams::parse(Some(raw), Endpoint::Page)
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
        let too_long = format!("q={}", "a".repeat(MAX_QUERY_BYTES + 1));
        let cases = [
            ("limit=-1", "limit"),
            ("limit=abc", "limit"),
            ("limit=101", "limit"),
            ("offset=-5", "offset"),
            ("offset=1e3", "offset"),
            ("offset=99999999999999999999999", "offset"),
            ("lang=klingon", "lang"),
            ("since=someday", "since"),
            ("until=7y", "until"),
            ("sort=random", "sort"),
            ("q=a&q=b", "q"),
            ("since=2025-02-01&until=2025-01-01", "until"),
            ("translate=maybe", "translate"),
            ("translate=false&translate=true", "translate"),
            (too_long.as_str(), "q"),
        ];
        for (raw, name) in cases {
            assert_eq!(bad(raw), name, "{raw}");
        }
    }

    #[test]
    fn relative_dates_are_read_and_kept_relative_in_links() {
        let before = Utc::now();
        let p = parse("q=x&since=7d&until=aujourd%27hui").unwrap();
        let since = p.since.as_ref().unwrap().1;
        let week = chrono::Duration::days(7);
        assert!(
            since >= before - week && since <= Utc::now() - week,
            "{since}"
        );
        assert!(p.until.as_ref().unwrap().1 > Utc::now());
        assert_eq!(p.url(), "/?q=x&since=7d&until=aujourd%27hui");
        assert_eq!(bad("q=x&since=today&until=hier"), "until");
    }

    #[test]
    fn translation_is_on_unless_switched_off_and_links_keep_it_off() {
        assert!(parse("q=IA").unwrap().translate);
        for off in ["false", "0", "no", "OFF"] {
            let p = parse(&format!("q=IA&translate={off}")).unwrap();
            assert!(!p.translate && !p.options(false).translate, "{off}");
            assert_eq!(p.url(), "/?q=IA&translate=false");
        }
        assert!(parse("q=IA&translate=true").unwrap().url() == "/?q=IA");
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
        assert!(!p.with(|p| p.offset = 0).url().contains("offset"));
        assert_eq!(
            p.url(),
            "/?q=a%26b+c&lang=fr&sort=date&offset=20",
            "own endpoint, default limit left out"
        );
    }

    #[test]
    fn links_between_endpoints_name_the_page_size() {
        let page = parse("q=cloud&sort=date&offset=30").unwrap();
        assert_eq!(page.url_on(Endpoint::Feed), "/feed.atom?q=cloud&limit=20");
        let feed = SearchParams::parse(Some("q=cloud&sort=date"), Endpoint::Feed).unwrap();
        assert_eq!(feed.url(), "/feed.atom?q=cloud&sort=date");
        assert_eq!(feed.url_on(Endpoint::Page), "/?q=cloud&sort=date&limit=10");
        assert_eq!(
            SearchParams::defaults(Endpoint::Feed).url(),
            "/feed.atom",
            "no `?` without parameters"
        );
        assert_eq!(
            feed.search_urn(),
            "urn:veille:search:q%3Dcloud%26sort%3Ddate"
        );
    }

    #[test]
    fn form_fields_keep_filters_but_not_the_query_or_offset() {
        let p = parse("q=x&lang=de&until=2025-01-31&limit=5&offset=10").unwrap();
        let fields = p.form_fields();
        let names: Vec<_> = fields.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["lang", "until", "limit"]);
    }

    #[test]
    fn article_links_keep_slashes_and_encode_the_rest() {
        let cases = [
            (
                article_url("notes.jsonl#1"),
                "/api/articles/notes.jsonl%231",
            ),
            (article_url("a/b c"), "/api/articles/a/b%20c"),
            (article_urn("a/b c"), "urn:veille:article:a/b%20c"),
            (article_page_url("a/b#1"), "/articles/a/b%231"),
        ];
        for (link, expected) in cases {
            assert_eq!(link, expected);
        }
    }

    #[test]
    fn only_web_urls_are_links() {
        let cases = [
            ("https://example.org/a", true),
            ("HTTP://example.org", true),
            ("javascript:alert(1)", false),
            (" javascript:alert(1)", false),
            ("data:text/html,<script>", false),
            ("https://exa mple.org", false),
        ];
        for (url, web) in cases {
            assert_eq!(is_web_url(url), web, "{url}");
        }
    }

    #[test]
    fn hostile_host_headers_are_ignored() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "evil.example\"><x".parse().unwrap());
        assert_eq!(base_url(&h, "http://127.0.0.1:1"), "http://127.0.0.1:1");
        h.insert(header::HOST, "news.local:7700".parse().unwrap());
        assert_eq!(base_url(&h, "x"), "http://news.local:7700");
    }

    #[test]
    fn salvage_keeps_what_was_typed() {
        let p = SearchParams::salvage(Some("q=%3Cb%3E&limit=-1&partial=1"), Endpoint::Page);
        assert_eq!(p.q.as_deref(), Some("<b>"));
        assert!(p.partial);
        assert_eq!(p.limit, Endpoint::Page.default_limit());
        assert_eq!(SearchParams::salvage(None, Endpoint::Page).q, None);
        let long = format!("q={}", "é".repeat(MAX_QUERY_BYTES));
        let cut = SearchParams::salvage(Some(&long), Endpoint::Page)
            .q
            .unwrap();
        assert!(cut.len() <= MAX_QUERY_BYTES && cut.starts_with('é'));
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
