//! `veille export jsonl`: a neutral dump of the stored articles that
//! `veille index` reads back.
//!
//! One JSON object a line, with the names veille's JSON reader looks for
//! first: `id`, `title`, `heading` (the lead), `body`, `url`, `date`
//! (RFC 3339), `source`, `lang` and `tags`. Indexing the dump gives the
//! same articles under the same ids, analysed with the same chains:
//!
//! - every article carries its id, and ids are unique in an index, so the
//!   indexer keeps them all as they are;
//! - `lang` is the language the article was analysed with, which the reader
//!   takes as declared, so the article goes to the same fields even if it
//!   was indexed with `--default-lang` (its confidence becomes 1.0); `und`
//!   is written too, and `veille index` detects the language of such an
//!   article again, from the same text, with the same result;
//! - the text is the stored text; the one way it can change is when it
//!   looks like HTML to the reader (see [`looks_like_html`]), which
//!   then strips the markup.

use std::io::Write;

use serde::Serialize;

use super::stored;
use crate::error::{Error, Result};
use crate::index::document::StoredArticle;
use crate::ingest::looks_like_html;
use crate::search::Engine;

/// What a dump wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub articles: u64,
    /// Articles whose lead or body the JSON reader will take for HTML.
    pub html_like: u64,
}

/// One line of the dump.
#[derive(Serialize)]
struct Line<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    heading: Option<&'a str>,
    body: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    lang: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    tags: &'a [String],
}

impl<'a> Line<'a> {
    fn new(a: &'a StoredArticle) -> Line<'a> {
        Line {
            id: &a.id,
            title: a.title.as_deref(),
            heading: a.lead.as_deref(),
            body: &a.body,
            url: a.url.as_deref(),
            date: a.date_rfc3339(),
            source: a.source.as_deref(),
            lang: &a.lang,
            tags: &a.tags,
        }
    }
}

/// Writes every article of the index to `out`, one JSON object a line.
pub fn write<W: Write>(engine: &Engine, mut out: W) -> Result<Summary> {
    let mut summary = Summary::default();
    let searcher = engine.searcher();
    summary.articles = stored::for_each_article(&engine.store.fields, &searcher, |article| {
        // A JSON error here can only be the writer's: the I/O error it holds.
        serde_json::to_writer(&mut out, &Line::new(&article))
            .map_err(|e| Error::Write(e.into()))?;
        out.write_all(b"\n").map_err(Error::Write)?;
        if looks_like_html(&article.body) || article.lead.as_deref().is_some_and(looks_like_html) {
            summary.html_like += 1;
        }
        Ok(())
    })?;
    out.flush().map_err(Error::Write)?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_uses_the_reader_names_and_skips_what_is_missing() {
        let a = StoredArticle {
            id: "a.txt".into(),
            title: None,
            lead: Some("Chapeau".into()),
            body: "Corps".into(),
            url: None,
            source: Some("Le Journal".into()),
            tags: vec!["IA".into()],
            lang: "fr".into(),
            langs: vec!["fr".into()],
            lang_confidence: Some(0.8),
            date: chrono::DateTime::from_timestamp(0, 0),
            path: "a.txt".into(),
        };
        let json = serde_json::to_string(&Line::new(&a)).unwrap();
        assert_eq!(
            json,
            r#"{"id":"a.txt","heading":"Chapeau","body":"Corps","date":"1970-01-01T00:00:00Z","source":"Le Journal","lang":"fr","tags":["IA"]}"#
        );
    }
}
