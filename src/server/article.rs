//! Whole stored articles, read straight from the index: one by id for
//! `/api/articles/{id}`, and the newest ones for a feed with no query.
//!
//! Everything comes from tantivy's document store; nothing is read from the
//! source files, so the daemon never serves a path from disk.

use std::ops::Bound;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Term, Value};
use tantivy::{Order, TantivyDocument};

use crate::error::Result;
use crate::index::schema::{Fields, KIND_ARTICLE};
use crate::search::Engine;

/// An article as stored in the index.
#[derive(Debug, Clone, Serialize)]
pub struct StoredArticle {
    pub id: String,
    pub title: Option<String>,
    pub lead: Option<String>,
    pub body: String,
    pub url: Option<String>,
    /// RFC 3339, UTC.
    pub date: Option<String>,
    pub source: Option<String>,
    pub lang: String,
    /// The file the article came from, as indexed.
    pub path: String,
    pub tags: Vec<String>,
    #[serde(skip)]
    pub datetime: Option<DateTime<Utc>>,
}

impl StoredArticle {
    fn from_doc(doc: &TantivyDocument, f: &Fields) -> StoredArticle {
        let text = |field: Field| -> Option<String> {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_string))
                .filter(|s| !s.trim().is_empty())
        };
        let datetime = doc
            .get_first(f.date)
            .and_then(|v| v.as_datetime())
            .and_then(|d| DateTime::from_timestamp(d.into_timestamp_secs(), 0));
        StoredArticle {
            id: text(f.id).unwrap_or_default(),
            title: text(f.title),
            lead: text(f.lead),
            body: text(f.body).unwrap_or_default(),
            url: text(f.url),
            date: datetime.map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            source: text(f.source),
            lang: text(f.lang).unwrap_or_else(|| "und".into()),
            path: text(f.path).unwrap_or_default(),
            tags: doc
                .get_all(f.tags)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            datetime,
        }
    }
}

fn is_article(f: &Fields) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_u64(f.kind, KIND_ARTICLE),
        IndexRecordOption::Basic,
    ))
}

/// The article with this id, if any.
pub fn by_id(engine: &Engine, id: &str) -> Result<Option<StoredArticle>> {
    let f = &engine.store.fields;
    let query = BooleanQuery::new(vec![
        (Occur::Must, is_article(f)),
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(f.id, id),
                IndexRecordOption::Basic,
            )),
        ),
    ]);
    let searcher = engine.searcher();
    let top = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
    match top.first() {
        Some((_, addr)) => {
            let doc: TantivyDocument = searcher.doc(*addr)?;
            Ok(Some(StoredArticle::from_doc(&doc, f)))
        }
        None => Ok(None),
    }
}

/// The `limit` newest articles, optionally only in these languages and
/// within these dates (both inclusive).
pub fn newest(
    engine: &Engine,
    limit: usize,
    langs: &[String],
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
) -> Result<Vec<StoredArticle>> {
    let f = &engine.store.fields;
    let mut clauses = vec![(Occur::Must, is_article(f))];
    if !langs.is_empty() {
        let any: Vec<Box<dyn Query>> = langs
            .iter()
            .map(|l| {
                Box::new(TermQuery::new(
                    Term::from_field_text(f.lang, l),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>
            })
            .collect();
        clauses.push((Occur::Must, Box::new(BooleanQuery::union(any))));
    }
    if since.is_some() || until.is_some() {
        let bound = |d: Option<DateTime<Utc>>| match d {
            None => Bound::Unbounded,
            Some(d) => Bound::Included(Term::from_field_date(
                f.date,
                tantivy::DateTime::from_timestamp_secs(d.timestamp()),
            )),
        };
        clauses.push((
            Occur::Must,
            Box::new(RangeQuery::new(bound(since), bound(until))),
        ));
    }
    let query = BooleanQuery::new(clauses);
    let searcher = engine.searcher();
    let collector = TopDocs::with_limit(limit.max(1))
        .order_by_fast_field::<tantivy::DateTime>("date", Order::Desc);
    let top = searcher.search(&query, &collector)?;
    let mut out = Vec::with_capacity(top.len());
    for (_, addr) in top.into_iter().take(limit) {
        let doc: TantivyDocument = searcher.doc(addr)?;
        out.push(StoredArticle::from_doc(&doc, f));
    }
    Ok(out)
}
