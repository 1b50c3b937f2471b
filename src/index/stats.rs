//! Index statistics: what `veille stats` and the daemon's `/api/stats` show.
//!
//! Counts are read from fast fields, segment by segment, skipping deleted
//! documents, so they are exact and cheap even on large indexes.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::Serialize;
use tantivy::Searcher;

use crate::error::Result;
use crate::index::schema::{KIND_ARTICLE, KIND_FILE};
use crate::index::store::Store;

/// Statistics of an index.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub articles: u64,
    /// Source files known to the index (including skipped ones).
    pub files: u64,
    pub languages: BTreeMap<String, u64>,
    pub sources: BTreeMap<String, u64>,
    pub first_date: Option<DateTime<Utc>>,
    pub last_date: Option<DateTime<Utc>>,
    pub index_bytes: u64,
    /// Time of the last commit (RFC 3339).
    pub updated: Option<String>,
}

/// Computes the statistics of an index as seen by `searcher`.
pub fn compute(store: &Store, searcher: &Searcher) -> Result<Stats> {
    let mut stats = Stats {
        articles: 0,
        files: 0,
        languages: BTreeMap::new(),
        sources: BTreeMap::new(),
        first_date: None,
        last_date: None,
        index_bytes: store.size_bytes(),
        updated: store.last_update(),
    };
    let mut min_date: Option<i64> = None;
    let mut max_date: Option<i64> = None;
    let mut buf = String::new();
    for segment in searcher.segment_readers() {
        let ff = segment.fast_fields();
        let kind = ff.u64("kind")?;
        let date = ff.date("date")?;
        let lang = ff.str("lang")?;
        let source = ff.str("source_raw")?;
        let alive = segment.alive_bitset();
        let mut lang_counts: HashMap<u64, u64> = HashMap::new();
        let mut source_counts: HashMap<u64, u64> = HashMap::new();
        for doc in 0..segment.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            match kind.first(doc) {
                Some(KIND_ARTICLE) => {}
                Some(KIND_FILE) => {
                    stats.files += 1;
                    continue;
                }
                _ => continue,
            }
            stats.articles += 1;
            if let Some(d) = date.first(doc) {
                let secs = d.into_timestamp_secs();
                min_date = Some(min_date.map_or(secs, |m| m.min(secs)));
                max_date = Some(max_date.map_or(secs, |m| m.max(secs)));
            }
            if let Some(col) = &lang {
                if let Some(ord) = col.term_ords(doc).next() {
                    *lang_counts.entry(ord).or_default() += 1;
                }
            }
            if let Some(col) = &source {
                if let Some(ord) = col.term_ords(doc).next() {
                    *source_counts.entry(ord).or_default() += 1;
                }
            }
        }
        if let Some(col) = &lang {
            for (ord, n) in lang_counts {
                buf.clear();
                col.ord_to_str(ord, &mut buf)
                    .map_err(tantivy::TantivyError::from)?;
                *stats.languages.entry(buf.clone()).or_default() += n;
            }
        }
        if let Some(col) = &source {
            for (ord, n) in source_counts {
                buf.clear();
                col.ord_to_str(ord, &mut buf)
                    .map_err(tantivy::TantivyError::from)?;
                *stats.sources.entry(buf.clone()).or_default() += n;
            }
        }
    }
    stats.first_date = min_date.and_then(|s| DateTime::from_timestamp(s, 0));
    stats.last_date = max_date.and_then(|s| DateTime::from_timestamp(s, 0));
    Ok(stats)
}
