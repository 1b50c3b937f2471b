//! `GET /feed.atom?q=...`: an Atom feed (RFC 4287) of the newest articles
//! matching a search, so that a feed reader can subscribe to a search. With
//! no query, the newest articles of the whole index.
//!
//! The XML is written by hand: the format is small and fixed, and every
//! piece of article text goes through [`xml_escape`], which also drops the
//! characters XML 1.0 forbids (a stray control character in one article
//! must not make the whole feed unreadable).

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::article::{self, StoredArticle};
use super::error::ApiError;
use super::page;
use super::params::SearchParams;
use super::AppState;
use crate::search::snippet;
use crate::search::{Hit, Sort};

/// Entries in a feed when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 20;

/// Characters left as they are in a path segment or URN.
pub const PATH_SAFE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// One entry, whichever way it was found.
struct Entry {
    id: String,
    title: String,
    url: Option<String>,
    date: Option<DateTime<Utc>>,
    source: Option<String>,
    lang: String,
    /// HTML (escaped text, `<mark>` around matches).
    summary_html: String,
}

impl Entry {
    fn from_hit(hit: &Hit) -> Entry {
        Entry {
            id: hit.id.clone(),
            title: hit.display_title(),
            url: hit.url.clone(),
            date: hit.date,
            source: hit.source.clone(),
            lang: hit.lang.clone(),
            summary_html: hit
                .snippets
                .iter()
                .map(|s| s.html())
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    fn from_stored(a: StoredArticle) -> Entry {
        let text = a.lead.clone().unwrap_or_else(|| a.body.clone());
        let summary = snippet::lead(&text, snippet::FRAGMENT_CHARS)
            .map(|s| s.html())
            .unwrap_or_default();
        let title = a
            .title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| a.id.clone());
        Entry {
            id: a.id,
            title,
            url: a.url,
            date: a.date,
            source: a.source,
            lang: a.lang,
            summary_html: summary,
        }
    }
}

/// `GET /feed.atom?q=&lang=&since=&until=&limit=`: newest first.
pub async fn atom(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let mut params = SearchParams::parse(raw.as_deref(), DEFAULT_LIMIT)?;
    params.sort = Sort::Date;
    params.offset = 0;
    let query = params.query_text().to_string();
    let search = params.clone();
    let (entries, index_updated) = state
        .blocking(move |engine| {
            let entries: Vec<Entry> = if query.is_empty() {
                let since = search.since.as_ref().map(|(_, d)| *d);
                let until = search.until.as_ref().map(|(_, d)| *d);
                article::newest(engine, search.limit, &search.langs, since, until)?
                    .into_iter()
                    .map(Entry::from_stored)
                    .collect()
            } else {
                let mut options = search.options(false);
                options.snippets = 1;
                engine
                    .search(&query, &options)?
                    .hits
                    .iter()
                    .map(Entry::from_hit)
                    .collect()
            };
            let updated = engine
                .store
                .last_update()
                .and_then(|u| DateTime::parse_from_rfc3339(&u).ok())
                .map(|d| d.to_utc());
            Ok((entries, updated))
        })
        .await?;
    let base = base_url(&headers, state.base_url());
    let xml = render(&params, &entries, index_updated, &base);
    Ok((
        [
            (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=60"),
        ],
        xml,
    )
        .into_response())
}

/// `http://HOST` from the request's `Host` header when it looks like a host
/// name or address, else the listening address.
fn base_url(headers: &HeaderMap, fallback: &str) -> String {
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

fn rfc3339(d: DateTime<Utc>) -> String {
    d.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Writes the feed.
fn render(
    params: &SearchParams,
    entries: &[Entry],
    index_updated: Option<DateTime<Utc>>,
    base: &str,
) -> String {
    let query = params.query_text();
    let qs = params.to_query_string();
    let updated = entries
        .iter()
        .filter_map(|e| e.date)
        .max()
        .or(index_updated)
        .unwrap_or_else(Utc::now);
    let mut out = String::with_capacity(1024 + entries.len() * 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    let title = if query.is_empty() {
        "veille: newest articles".to_string()
    } else {
        format!("veille: {query}")
    };
    element(&mut out, 1, "title", &title);
    element(
        &mut out,
        1,
        "id",
        &format!("urn:veille:search:{}", utf8_percent_encode(&qs, PATH_SAFE)),
    );
    element(&mut out, 1, "updated", &rfc3339(updated));
    let sep = if qs.is_empty() { "" } else { "?" };
    link(
        &mut out,
        1,
        "self",
        "application/atom+xml",
        &format!("{base}/feed.atom{sep}{qs}"),
    );
    let page_qs = params.with(|p| {
        p.sort = Sort::Date;
        p.limit = page::DEFAULT_LIMIT;
    });
    link(
        &mut out,
        1,
        "alternate",
        "text/html",
        &format!("{base}/?{page_qs}"),
    );
    out.push_str("  <author><name>veille</name></author>\n");
    out.push_str(&format!(
        "  <generator version=\"{}\">veille</generator>\n",
        env!("CARGO_PKG_VERSION")
    ));
    for e in entries {
        out.push_str("  <entry>\n");
        let web = e.url.as_deref().filter(|u| page::is_web_url(u));
        let id = match web {
            Some(u) => u.to_string(),
            None => format!(
                "urn:veille:article:{}",
                utf8_percent_encode(&e.id, PATH_SAFE)
            ),
        };
        element(&mut out, 2, "id", &id);
        element(&mut out, 2, "title", &e.title);
        element(&mut out, 2, "updated", &rfc3339(e.date.unwrap_or(updated)));
        if let Some(d) = e.date {
            element(&mut out, 2, "published", &rfc3339(d));
        }
        let href = match web {
            Some(u) => u.to_string(),
            None => format!(
                "{base}/api/articles/{}",
                utf8_percent_encode(&e.id, PATH_SAFE)
            ),
        };
        link(&mut out, 2, "alternate", "", &href);
        if let Some(source) = e.source.as_deref().filter(|s| !s.trim().is_empty()) {
            out.push_str("    <author><name>");
            out.push_str(&xml_escape(source));
            out.push_str("</name></author>\n");
        }
        out.push_str(&format!(
            "    <category term=\"{}\" label=\"language\"/>\n",
            xml_escape(&e.lang)
        ));
        if !e.summary_html.is_empty() {
            out.push_str("    <summary type=\"html\">");
            out.push_str(&xml_escape(&e.summary_html));
            out.push_str("</summary>\n");
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

fn element(out: &mut String, depth: usize, name: &str, text: &str) {
    for _ in 0..depth {
        out.push_str("  ");
    }
    out.push('<');
    out.push_str(name);
    out.push('>');
    out.push_str(&xml_escape(text));
    out.push_str("</");
    out.push_str(name);
    out.push_str(">\n");
}

fn link(out: &mut String, depth: usize, rel: &str, kind: &str, href: &str) {
    for _ in 0..depth {
        out.push_str("  ");
    }
    out.push_str(&format!("<link rel=\"{rel}\""));
    if !kind.is_empty() {
        out.push_str(&format!(" type=\"{kind}\""));
    }
    out.push_str(&format!(" href=\"{}\"/>\n", xml_escape(href)));
}

/// Escapes text for XML content and attribute values, dropping characters
/// that XML 1.0 does not allow at all.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            xml_escape("<a href=\"x\">Q&A</a>\u{0}\u{1b}'"),
            "&lt;a href=&quot;x&quot;&gt;Q&amp;A&lt;/a&gt;&apos;"
        );
    }

    #[test]
    fn hostile_host_headers_are_ignored() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "evil.example\"><x".parse().unwrap());
        assert_eq!(base_url(&h, "http://127.0.0.1:1"), "http://127.0.0.1:1");
        h.insert(header::HOST, "news.local:7700".parse().unwrap());
        assert_eq!(base_url(&h, "x"), "http://news.local:7700");
    }
}
