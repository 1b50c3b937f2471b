//! Whole stored articles, read straight from the index: one by id for
//! `/api/articles/{id}`, and the newest ones for a feed with no query.
//!
//! Everything comes from tantivy's document store; nothing is read from the
//! source files, so the daemon never serves a path from disk.

use chrono::{DateTime, Utc};
use tantivy::collector::TopDocs;
use tantivy::query::BooleanQuery;
use tantivy::schema::Term;
use tantivy::Order;

pub use crate::index::document::StoredArticle;

use crate::error::Result;
use crate::search::filters::{self, Filters};
use crate::search::Engine;

/// The article with this id, if any.
pub fn by_id(engine: &Engine, id: &str) -> Result<Option<StoredArticle>> {
    let f = &engine.store.fields;
    let query = BooleanQuery::intersection(vec![
        filters::articles(f),
        filters::term(Term::from_field_text(f.id, id)),
    ]);
    let searcher = engine.searcher();
    let top = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
    top.first()
        .map(|(_, addr)| StoredArticle::load(&searcher, f, *addr))
        .transpose()
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
    let query = Filters {
        langs,
        since,
        until,
        ..Filters::default()
    }
    .query(f);
    let searcher = engine.searcher();
    let collector = TopDocs::with_limit(limit.max(1))
        .order_by_fast_field::<tantivy::DateTime>("date", Order::Desc);
    let top = searcher.search(&query, &collector)?;
    top.into_iter()
        .take(limit)
        .map(|(_, addr)| StoredArticle::load(&searcher, f, addr))
        .collect()
}
