//! Which documents may be returned at all, before any ranking: articles
//! (never the file records the index also holds), in some languages, from
//! some sources, within some dates.
//!
//! Search and the daemon's list of the newest articles both restrict their
//! documents this way; the queries are built here only. A filter never adds
//! to a score: search wraps each in a constant score of zero.

use chrono::{DateTime, Utc};
use tantivy::query::{BooleanQuery, Query, RangeQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Term};

use crate::analysis;
use crate::index::document::to_index_date;
use crate::index::schema::{Fields, KIND_ARTICLE};

/// The restrictions of one search or listing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filters<'a> {
    /// Language codes, any of them; empty for every language.
    pub langs: &'a [String],
    /// Source names, any of them: an article is from a source when its
    /// source holds every word of the name (`source:monde` finds
    /// "Le Monde"). Empty for every source.
    pub sources: &'a [String],
    /// Published on or after.
    pub since: Option<DateTime<Utc>>,
    /// Published on or before.
    pub until: Option<DateTime<Utc>>,
}

impl Filters<'_> {
    /// One query per restriction, each to be required: articles first,
    /// then languages, sources and dates when given.
    pub fn queries(&self, fields: &Fields) -> Vec<Box<dyn Query>> {
        let mut out = vec![articles(fields)];
        if !self.langs.is_empty() {
            let langs = self
                .langs
                .iter()
                .map(|code| term(Term::from_field_text(fields.lang, code)))
                .collect();
            out.push(Box::new(BooleanQuery::union(langs)));
        }
        if !self.sources.is_empty() {
            let mut neutral = analysis::analyzer(None);
            let sources = self
                .sources
                .iter()
                .filter_map(|name| {
                    let words: Vec<Box<dyn Query>> = analysis::analyze(&mut neutral, name)
                        .iter()
                        .map(|t| term(Term::from_field_text(fields.source, &t.text)))
                        .collect();
                    (!words.is_empty())
                        .then(|| Box::new(BooleanQuery::intersection(words)) as Box<dyn Query>)
                })
                .collect();
            out.push(Box::new(BooleanQuery::union(sources)));
        }
        if self.since.is_some() || self.until.is_some() {
            let bound = |d: Option<DateTime<Utc>>| match d {
                None => std::ops::Bound::Unbounded,
                Some(d) => {
                    std::ops::Bound::Included(Term::from_field_date(fields.date, to_index_date(d)))
                }
            };
            out.push(Box::new(RangeQuery::new(
                bound(self.since),
                bound(self.until),
            )));
        }
        out
    }

    /// Every restriction at once, as one query.
    pub fn query(&self, fields: &Fields) -> BooleanQuery {
        BooleanQuery::intersection(self.queries(fields))
    }
}

/// Articles only: the index also holds one record per source file.
pub fn articles(fields: &Fields) -> Box<dyn Query> {
    term(Term::from_field_u64(fields.kind, KIND_ARTICLE))
}

/// Documents holding `term` (frequencies not read: filters do not score).
pub fn term(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}
