//! What a search answers for each article it shows: the stored article's
//! display fields, its score and rank, its title and snippets of its text
//! with the query words marked, and where else the same story is (its
//! group's other records).
//!
//! The title an article is shown with is chosen here, once, by
//! [`shown_title`]: every output (the command line, JSON, the page, the
//! feed) shows that one.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tantivy::{DocAddress, Searcher};

use crate::error::Result;
use crate::index::document::StoredArticle;
use crate::index::schema::Fields;
use crate::search::grouping::Member;
use crate::search::snippet::{self, Highlighter, Snippet};

/// A document address with its score (`None` when sorted by date).
pub(crate) type ScoredDoc = (Option<f32>, DocAddress);

/// One search result.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub rank: usize,
    pub id: String,
    /// Relevance score; `None` when sorted by date.
    pub score: Option<f32>,
    /// The title shown: the article's own, or the first words of its text
    /// ([`shown_title`]).
    pub title: String,
    /// The title was made from the text: the article has none.
    pub title_from_text: bool,
    /// Byte ranges `[start, end)` of `title` that the query matched.
    pub title_highlights: Vec<(usize, usize)>,
    pub date: Option<DateTime<Utc>>,
    pub lang: String,
    pub source: Option<String>,
    pub url: Option<String>,
    pub path: String,
    pub snippets: Vec<Snippet>,
    /// The other records of its group, shown under it instead of as hits
    /// of their own: exact copies (the same text at another URL or path)
    /// first found among the matches or anywhere in the index, and
    /// near-duplicates among the matches.
    pub similar: Vec<Similar>,
}

/// Another record of a hit's group.
#[derive(Debug, Clone, Serialize)]
pub struct Similar {
    pub id: String,
    /// The title shown ([`shown_title`]).
    pub title: String,
    pub date: Option<DateTime<Utc>>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub path: String,
    /// The same text as the hit (the same story filed again), not only a
    /// near-duplicate of it.
    pub same_text: bool,
}

impl Similar {
    /// Where it is: its URL, or the path of its file.
    pub fn location(&self) -> &str {
        self.url.as_deref().unwrap_or(&self.path)
    }
}

impl Hit {
    /// The title as HTML, escaped, with the query's matches in `<mark>`.
    pub fn title_html(&self) -> String {
        snippet::html(&self.title, &self.title_highlights)
    }
}

/// Longest title made of an untitled article's first words, in characters.
pub const TEXT_TITLE_CHARS: usize = 80;

/// The title an article is shown with ([`shown_title`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownTitle {
    pub text: String,
    /// Made from the first words of the text: the article has no title.
    pub from_text: bool,
}

/// The title an article is shown with, the same in every output and for
/// every query: its own; or else the first words of its text (at most
/// [`TEXT_TITLE_CHARS`] characters, cut after a word, with `…`); or its id
/// when it has no text either.
pub fn shown_title(article: &StoredArticle) -> ShownTitle {
    if let Some(t) = article.title.as_deref().map(str::trim) {
        if !t.is_empty() {
            return ShownTitle {
                text: t.to_string(),
                from_text: false,
            };
        }
    }
    let words = snippet::first_words(&article.text(), TEXT_TITLE_CHARS);
    ShownTitle {
        text: if words.is_empty() {
            article.id.clone()
        } else {
            words
        },
        from_text: true,
    }
}

/// How many snippets each hit gets, and how long.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SnippetShape {
    /// Fragments per hit (0: none, and no highlighting at all).
    pub count: usize,
    /// Fragment length in characters.
    pub chars: usize,
}

/// The hits of a page: each document read from the store, ranked from
/// `first_rank`, with the other records of its group.
pub(crate) fn read(
    searcher: &Searcher,
    fields: &Fields,
    page: Vec<(ScoredDoc, Vec<Member>)>,
    first_rank: usize,
    mut highlighter: Option<&mut Highlighter>,
    shape: SnippetShape,
) -> Result<Vec<Hit>> {
    let mut hits = Vec::with_capacity(page.len());
    for (i, ((score, addr), members)) in page.into_iter().enumerate() {
        let article = StoredArticle::load(searcher, fields, addr)?;
        let similar = members
            .into_iter()
            .map(|m| {
                let other = StoredArticle::load(searcher, fields, m.addr)?;
                Ok(Similar {
                    title: shown_title(&other).text,
                    id: other.id,
                    date: other.date,
                    source: other.source,
                    url: other.url,
                    path: other.path,
                    same_text: m.same_text,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let title = shown_title(&article);
        let (snippets, title_highlights) = match highlighter.as_deref_mut() {
            _ if shape.count == 0 => (Vec::new(), Vec::new()),
            Some(highlighter) => (
                snippets(&article, highlighter, shape),
                highlighter.ranges(&title.text, &article.lang),
            ),
            None => (opening(&article, shape), Vec::new()),
        };
        hits.push(Hit {
            rank: first_rank + i,
            id: article.id,
            score,
            title: title.text,
            title_from_text: title.from_text,
            title_highlights,
            date: article.date,
            lang: article.lang,
            source: article.source,
            url: article.url,
            path: article.path,
            snippets,
            similar,
        });
    }
    Ok(hits)
}

/// The fragments of the article's text around the query words; without
/// any, its [`opening`].
fn snippets(
    article: &StoredArticle,
    highlighter: &mut Highlighter,
    shape: SnippetShape,
) -> Vec<Snippet> {
    let text = article.text();
    let ranges = highlighter.ranges(&text, &article.lang);
    let out = snippet::fragments(&text, &ranges, shape.count, shape.chars);
    if out.is_empty() {
        opening(article, shape)
    } else {
        out
    }
}

/// The first words of the article's text, as one fragment (its title's,
/// when it has no text).
fn opening(article: &StoredArticle, shape: SnippetShape) -> Vec<Snippet> {
    let text = article.text();
    let from = if text.trim().is_empty() {
        article.title.as_deref().unwrap_or_default()
    } else {
        &text
    };
    snippet::lead(from, shape.chars).into_iter().collect()
}
