//! `GET /feed.atom?q=...`: an Atom feed (RFC 4287) of the newest articles
//! matching a search, so that a feed reader can subscribe to a search. With
//! no query, the newest articles of the whole index.
//!
//! Entries come newest first, and an article without a date comes last: it
//! has no `<published>`, and its `<updated>` (which Atom requires of every
//! entry) is the time the index last changed, when the article was in it
//! already, never another entry's date.
//!
//! The XML is written with quick-xml's writer, which escapes every text and
//! attribute value; `xml_chars` first drops the characters XML 1.0 forbids
//! (a stray control character in one article must not make the whole feed
//! unreadable). Links and ids come from [`params`](super::params). Each
//! entry links to the article's own web page, when it has one, and to its
//! readable page on this daemon (`/articles/{id}`).

use std::borrow::Cow;
use std::io;

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use super::article::{self, StoredArticle};
use super::error::ApiError;
use super::params::{article_page_url, article_urn, base_url, is_web_url, Endpoint, SearchParams};
use super::AppState;
use crate::search::snippet;
use crate::search::{Hit, Sort};

/// The Atom namespace.
const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

/// The feed being written.
type Xml = Writer<Vec<u8>>;

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
    let mut params = SearchParams::parse(raw.as_deref(), Endpoint::Feed)?;
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
    let xml = render(&params, &entries, index_updated, &base)
        .map_err(|e| ApiError::internal("writing the feed", e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=60"),
        ],
        xml,
    )
        .into_response())
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
) -> io::Result<String> {
    let query = params.query_text();
    // The index's time of update stands for what has no date: an undated
    // article was indexed by then (and it is now, for an index that never
    // recorded it).
    let undated = index_updated.unwrap_or_else(Utc::now);
    let updated = entries
        .iter()
        .map(|e| e.date.unwrap_or(undated))
        .max()
        .unwrap_or(undated);
    let title = if query.is_empty() {
        "veille: newest articles".to_string()
    } else {
        format!("veille: {query}")
    };
    let mut w = Writer::new_with_indent(Vec::with_capacity(1024 + entries.len() * 1024), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    w.create_element("feed")
        .with_attribute(("xmlns", ATOM_NS))
        .write_inner_content(|w| {
            text(w, "title", &title)?;
            text(w, "id", &params.search_urn())?;
            text(w, "updated", &rfc3339(updated))?;
            let own = format!("{base}{}", params.url());
            link(w, "self", Some("application/atom+xml"), &own)?;
            let page = format!("{base}{}", params.url_on(Endpoint::Page));
            link(w, "alternate", Some("text/html"), &page)?;
            author(w, "veille")?;
            w.create_element("generator")
                .with_attribute(("version", env!("CARGO_PKG_VERSION")))
                .write_text_content(BytesText::new("veille"))?;
            // Dated entries come sorted; undated ones go last, in their order.
            let (dated, undated_entries): (Vec<&Entry>, Vec<&Entry>) =
                entries.iter().partition(|e| e.date.is_some());
            for e in dated.into_iter().chain(undated_entries) {
                entry(w, e, undated, base)?;
            }
            Ok(())
        })?;
    let mut xml = String::from_utf8(w.into_inner())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    xml.push('\n');
    Ok(xml)
}

/// One `<entry>`; `undated` is its `<updated>` when it has no date. Its link
/// leads to the article's web page, and to its readable page here: as the
/// `alternate` link when it has no web page, else as a `related` one.
fn entry(w: &mut Xml, e: &Entry, undated: DateTime<Utc>, base: &str) -> io::Result<()> {
    let here = format!("{base}{}", article_page_url(&e.id));
    let web = e.url.as_deref().filter(|u| is_web_url(u));
    let id = match web {
        Some(u) => u.to_string(),
        None => article_urn(&e.id),
    };
    w.create_element("entry").write_inner_content(|w| {
        text(w, "id", &id)?;
        text(w, "title", &e.title)?;
        text(w, "updated", &rfc3339(e.date.unwrap_or(undated)))?;
        if let Some(d) = e.date {
            text(w, "published", &rfc3339(d))?;
        }
        match web {
            Some(u) => {
                link(w, "alternate", None, u)?;
                link(w, "related", Some("text/html"), &here)?;
            }
            None => link(w, "alternate", Some("text/html"), &here)?,
        }
        if let Some(source) = e.source.as_deref().filter(|s| !s.trim().is_empty()) {
            author(w, source)?;
        }
        w.create_element("category")
            .with_attribute(("term", xml_chars(&e.lang).as_ref()))
            .with_attribute(("label", "language"))
            .write_empty()?;
        if !e.summary_html.is_empty() {
            w.create_element("summary")
                .with_attribute(("type", "html"))
                .write_text_content(BytesText::new(&xml_chars(&e.summary_html)))?;
        }
        Ok(())
    })?;
    Ok(())
}

/// `<name>text</name>`.
fn text(w: &mut Xml, name: &str, text: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(&xml_chars(text)))?;
    Ok(())
}

/// `<link rel=".." type=".." href=".."/>`, without `type` when `None`.
fn link(w: &mut Xml, rel: &str, kind: Option<&str>, href: &str) -> io::Result<()> {
    let mut element = w.create_element("link").with_attribute(("rel", rel));
    if let Some(kind) = kind {
        element = element.with_attribute(("type", kind));
    }
    element
        .with_attribute(("href", xml_chars(href).as_ref()))
        .write_empty()?;
    Ok(())
}

/// `<author><name>..</name></author>`.
fn author(w: &mut Xml, name: &str) -> io::Result<()> {
    w.create_element("author")
        .write_inner_content(|w| text(w, "name", name))?;
    Ok(())
}

/// `text` without the characters XML 1.0 does not allow at all (control
/// characters other than tab and line breaks, U+FFFE, U+FFFF). quick-xml
/// escapes markup but passes these through, and none has an escape.
fn xml_chars(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| {
        (c >= ' ' || matches!(c, '\t' | '\n' | '\r')) && !matches!(c, '\u{FFFE}' | '\u{FFFF}')
    };
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|c| allowed(*c)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry_on(id: &str, date: Option<&str>) -> Entry {
        Entry {
            id: id.into(),
            title: id.into(),
            url: None,
            date: date.map(|d| DateTime::parse_from_rfc3339(d).unwrap().to_utc()),
            source: None,
            lang: "en".into(),
            summary_html: String::new(),
        }
    }

    #[test]
    fn an_undated_entry_takes_no_other_entrys_date_and_comes_last() {
        let params = SearchParams::parse(None, Endpoint::Feed).unwrap();
        let indexed = DateTime::parse_from_rfc3339("2025-06-01T08:00:00Z").unwrap();
        let entries = [
            entry_on("undated", None),
            entry_on("new", Some("2025-05-20T10:00:00Z")),
            entry_on("old", Some("2025-05-01T10:00:00Z")),
        ];
        let xml = render(&params, &entries, Some(indexed.to_utc()), "http://h").unwrap();
        let feed = feed_rs::parser::parse(xml.as_bytes()).unwrap();
        let ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "urn:veille:article:new",
                "urn:veille:article:old",
                "urn:veille:article:undated"
            ]
        );
        let undated = &feed.entries[2];
        assert_eq!(undated.published, None, "{xml}");
        assert_eq!(undated.updated, Some(indexed.to_utc()), "{xml}");
        // The feed was last updated when the index was.
        assert_eq!(feed.updated, Some(indexed.to_utc()), "{xml}");
        // Without undated entries, the newest entry dates the feed.
        let xml = render(&params, &entries[1..], Some(indexed.to_utc()), "http://h").unwrap();
        let feed = feed_rs::parser::parse(xml.as_bytes()).unwrap();
        assert_eq!(feed.updated, feed.entries[0].published, "{xml}");
    }

    #[test]
    fn forbidden_characters_are_dropped_and_markup_escaped() {
        assert_eq!(xml_chars("a\u{0}b\u{1b}c\tok\u{FFFF}"), "abc\tok");
        let entry = Entry {
            id: "x".into(),
            title: "<a href=\"x\">Q&A</a>\u{0}'".into(),
            url: Some("javascript:alert(1)".into()),
            date: None,
            source: Some(" ".into()),
            lang: "en".into(),
            summary_html: "<mark>a</mark>".into(),
        };
        let params = SearchParams::parse(Some("q=a"), Endpoint::Feed).unwrap();
        let xml = render(&params, &[entry], None, "http://h").unwrap();
        assert!(
            xml.contains("<title>&lt;a href=&quot;x&quot;&gt;Q&amp;A&lt;/a&gt;&apos;</title>"),
            "{xml}"
        );
        assert!(
            xml.contains("<summary type=\"html\">&lt;mark&gt;a&lt;/mark&gt;</summary>"),
            "{xml}"
        );
        assert!(xml.contains("<id>urn:veille:article:x</id>"), "{xml}");
        assert!(
            xml.contains(
                "<link rel=\"alternate\" type=\"text/html\" href=\"http://h/articles/x\"/>"
            ),
            "{xml}"
        );
        assert!(!xml.contains("javascript"), "{xml}");
        assert_eq!(
            xml.matches("<author>").count(),
            1,
            "a blank source is no author"
        );
    }
}
