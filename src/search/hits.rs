//! What a search answers for each article it shows: the stored article's
//! display fields, its score and rank, snippets of its text with the query
//! words marked, and where else the same story is (its group's other
//! records).

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
    pub title: Option<String>,
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
    pub title: Option<String>,
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
    /// The title, or the first words of the text when there is none.
    pub fn display_title(&self) -> String {
        if let Some(t) = self.title.as_deref().filter(|t| !t.trim().is_empty()) {
            return t.trim().to_string();
        }
        let text = self.snippets.first().map_or("", |s| s.text.as_str());
        let words: Vec<&str> = text
            .trim_start_matches('…')
            .split_whitespace()
            .take(10)
            .collect();
        if words.is_empty() {
            self.id.clone()
        } else {
            format!("{}…", words.join(" ").trim_end_matches('…'))
        }
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
                    id: other.id,
                    title: other.title,
                    date: other.date,
                    source: other.source,
                    url: other.url,
                    path: other.path,
                    same_text: m.same_text,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let snippets = match highlighter.as_deref_mut() {
            Some(highlighter) if shape.count > 0 => snippets(&article, highlighter, shape),
            _ => Vec::new(),
        };
        hits.push(Hit {
            rank: first_rank + i,
            id: article.id,
            score,
            title: article.title,
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
/// any, its first words (or its title's, when it has no text).
fn snippets(
    article: &StoredArticle,
    highlighter: &mut Highlighter,
    shape: SnippetShape,
) -> Vec<Snippet> {
    let text = article.text();
    let ranges = highlighter.ranges(&text, &article.lang);
    let mut out = snippet::fragments(&text, &ranges, shape.count, shape.chars);
    if out.is_empty() {
        let fallback = if text.trim().is_empty() {
            article.title.as_deref().unwrap_or_default()
        } else {
            &text
        };
        out.extend(snippet::lead(fallback, shape.chars));
    }
    out
}
