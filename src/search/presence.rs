//! Which segments hold which languages, so that a search leaves the others
//! alone.
//!
//! Every language chain has fields of its own, and a segment has terms in
//! them only if it holds an article in that language. Asking tantivy for
//! such a field in a segment that lacks it is not free: the first time in a
//! process, tantivy builds an empty term dictionary (an FST builder whose
//! registry has 20,000 cells, about 0.8 ms, a tenth of a `veille search`),
//! and every search opens an empty inverted index for each such field and
//! segment. The rare languages of a corpus (a few articles detected as
//! Afrikaans or Latin) are missing from most segments.
//!
//! [`Presence`] reads, from the `langs` field, the languages of each
//! segment. [`Presence::restrict`] wraps a query on a language's fields so
//! that segments without that language get an empty scorer, and
//! [`Presence`] is BM25's statistics provider, summing over the segments
//! that hold each field. A field a segment lacks adds no tokens and no
//! documents to the sums, so the scores are exactly those of a search over
//! every segment. It remembers the sums it made during one search: the
//! query builder asks whether a term exists before looking it up, and BM25
//! asks again for the term's weight; the second answer costs no lookup.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};

use rustc_hash::{FxHashMap, FxHashSet};
use tantivy::index::SegmentId;
use tantivy::query::{
    Bm25StatisticsProvider, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight,
};
use tantivy::schema::Field;
use tantivy::{DocId, Score, Searcher, SegmentReader, Term, TERMINATED};

use crate::analysis::lang;
use crate::error::Result;
use crate::index::document;
use crate::index::schema::{Fields, TextFields};

/// The languages of each segment of a searcher.
pub struct Presence {
    searcher: Searcher,
    /// Language code → the segments holding articles in it.
    by_language: FxHashMap<String, Arc<FxHashSet<SegmentId>>>,
    /// Language field → the segments holding its language. Fields not
    /// listed (neutral, exact, title…) are looked up in every segment.
    by_field: FxHashMap<Field, Arc<FxHashSet<SegmentId>>>,
    /// Document frequencies summed so far, per term.
    doc_freqs: Mutex<FxHashMap<Term, u64>>,
    /// Token counts summed so far, per field.
    num_tokens: Mutex<FxHashMap<Field, u64>>,
}

impl Presence {
    /// Reads the `langs` terms of every segment of `searcher`.
    pub fn new(searcher: &Searcher, fields: &Fields) -> Result<Presence> {
        let mut sets: FxHashMap<String, FxHashSet<SegmentId>> = FxHashMap::default();
        for segment in searcher.segment_readers() {
            document::for_each_language(segment, fields, |code, _| {
                sets.entry(code).or_default().insert(segment.segment_id());
                Ok(())
            })?;
        }
        let by_language: FxHashMap<String, Arc<FxHashSet<SegmentId>>> = sets
            .into_iter()
            .map(|(code, set)| (code, Arc::new(set)))
            .collect();
        let mut by_field = FxHashMap::default();
        for language in lang::chained() {
            let Some(TextFields { title, body }) = fields.lang_fields(language) else {
                continue;
            };
            let set = by_language.get(language.code).cloned().unwrap_or_default();
            by_field.insert(title, Arc::clone(&set));
            by_field.insert(body, set);
        }
        Ok(Presence {
            searcher: searcher.clone(),
            by_language,
            by_field,
            doc_freqs: Mutex::default(),
            num_tokens: Mutex::default(),
        })
    }

    /// Codes of the languages that some segment holds.
    pub fn languages(&self) -> BTreeSet<String> {
        self.by_language.keys().cloned().collect()
    }

    /// Whether some article holds `term` (deleted ones awaiting a merge
    /// count, as in BM25's statistics): a query on a term nobody holds
    /// matches nothing and need not be built. An unreadable dictionary
    /// answers yes, leaving the error to the search.
    pub fn knows(&self, term: &Term) -> bool {
        self.doc_freq(term).map_or(true, |n| n > 0)
    }

    /// `query`, on the fields of `language`, restricted to the segments
    /// holding that language.
    pub fn restrict(&self, language: &str, query: Box<dyn Query>) -> Box<dyn Query> {
        let segments = self.by_language.get(language).cloned().unwrap_or_default();
        Box::new(InSegments {
            inner: query,
            segments,
        })
    }

    /// The segments to sum `field` over.
    fn holds(&self, field: Field, segment: &SegmentReader) -> bool {
        self.by_field
            .get(&field)
            .is_none_or(|set| set.contains(&segment.segment_id()))
    }
}

impl Bm25StatisticsProvider for Presence {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let known = self
            .num_tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(&total) = known.get(&field) {
            return Ok(total);
        }
        drop(known);
        let mut total = 0;
        for segment in self.searcher.segment_readers() {
            if self.holds(field, segment) {
                total += segment.inverted_index(field)?.total_num_tokens();
            }
        }
        self.num_tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(field, total);
        Ok(total)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let known = self
            .doc_freqs
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(&total) = known.get(term) {
            return Ok(total);
        }
        drop(known);
        let mut total = 0;
        for segment in self.searcher.segment_readers() {
            if self.holds(term.field(), segment) {
                total += u64::from(segment.inverted_index(term.field())?.doc_freq(term)?);
            }
        }
        self.doc_freqs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(term.clone(), total);
        Ok(total)
    }
}

/// A query that matches nothing outside the given segments.
#[derive(Debug)]
struct InSegments {
    inner: Box<dyn Query>,
    segments: Arc<FxHashSet<SegmentId>>,
}

impl Clone for InSegments {
    fn clone(&self) -> Self {
        InSegments {
            inner: self.inner.box_clone(),
            segments: Arc::clone(&self.segments),
        }
    }
}

impl Query for InSegments {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(InSegmentsWeight {
            inner: self.inner.weight(scoring)?,
            segments: Arc::clone(&self.segments),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct InSegmentsWeight {
    inner: Box<dyn Weight>,
    segments: Arc<FxHashSet<SegmentId>>,
}

impl InSegmentsWeight {
    fn holds(&self, reader: &SegmentReader) -> bool {
        self.segments.contains(&reader.segment_id())
    }
}

impl Weight for InSegmentsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        if self.holds(reader) {
            self.inner.scorer(reader, boost)
        } else {
            Ok(Box::new(EmptyScorer))
        }
    }

    fn scorer_danger(
        &self,
        reader: &SegmentReader,
        target: DocId,
        boost: Score,
    ) -> tantivy::Result<(tantivy::SeekDangerResult, Box<dyn Scorer>)> {
        if self.holds(reader) {
            return self.inner.scorer_danger(reader, target, boost);
        }
        // An empty scorer stands past every document, as the default
        // `scorer_danger` would report it.
        let _ = target;
        Ok((
            tantivy::SeekDangerResult::SeekLowerBound(TERMINATED),
            Box::new(EmptyScorer),
        ))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        if self.holds(reader) {
            self.inner.explain(reader, doc)
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!(
                "document #{doc} does not match: its segment holds no article in this language"
            )))
        }
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        if self.holds(reader) {
            self.inner.count(reader)
        } else {
            Ok(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::Count;
    use tantivy::query::{BooleanQuery, TermQuery};
    use tantivy::schema::IndexRecordOption;

    use super::*;
    use crate::search::{fixture, Engine};

    const FR: &str = "Le gouvernement présente un plan pour le numérique. \
        Les ministres veulent former les agents publics à l’intelligence artificielle \
        et moderniser les services en ligne d’ici deux ans, selon le communiqué.";
    const EN: &str = "The government presents a plan for digital services. \
        Ministers want to train public servants in artificial intelligence \
        and modernise online services within two years, the statement said.";

    /// An index of two segments: French articles, then English ones.
    fn two_segments() -> (tempfile::TempDir, Engine) {
        let fr: Vec<(String, String)> = (0..2)
            .map(|i| (format!("fr{i}.txt"), format!("Titre {i}\n\n{FR} {i}")))
            .collect();
        let en: Vec<(String, String)> = (0..3)
            .map(|i| (format!("en{i}.txt"), format!("Title {i}\n\n{EN} {i}")))
            .collect();
        fixture::index(&[&fr, &en])
    }

    #[test]
    fn languages_are_placed_in_their_segments_and_statistics_unchanged() {
        let (_dir, engine) = two_segments();
        let searcher = engine.searcher();
        let fields = &engine.store.fields;
        assert!(
            searcher.segment_readers().len() >= 2,
            "two commits, two segments"
        );
        let presence = Presence::new(&searcher, fields).unwrap();
        assert!(presence
            .languages()
            .is_superset(&BTreeSet::from(["en".into(), "fr".into()])));
        let (fr, en) = (&presence.by_language["fr"], &presence.by_language["en"]);
        assert!(
            fr.is_disjoint(en),
            "French and English went in different commits"
        );

        // BM25's statistics are those of the whole searcher, field by field.
        for language in ["fr", "en"] {
            let tf = fields.lang_fields(lang::lookup(language).unwrap()).unwrap();
            for field in [tf.title, tf.body] {
                assert_eq!(
                    presence.total_num_tokens(field).unwrap(),
                    searcher.total_num_tokens(field).unwrap()
                );
                assert!(presence.total_num_tokens(field).unwrap() > 0);
            }
        }
        for (language, word, docs) in [("fr", "gouvern", 2), ("en", "govern", 3)] {
            let tf = fields.lang_fields(lang::lookup(language).unwrap()).unwrap();
            let term = Term::from_field_text(tf.body, word);
            assert_eq!(presence.doc_freq(&term).unwrap(), docs, "{language}");
            assert_eq!(searcher.doc_freq(&term).unwrap(), docs);

            // Restricted to its segments, a query matches what it matched.
            let query: Box<dyn Query> =
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
            let restricted = presence.restrict(language, query.box_clone());
            assert_eq!(
                searcher.search(restricted.as_ref(), &Count).unwrap(),
                docs as usize
            );
            // Restricted to the other language's segments, nothing.
            let other = if language == "fr" { "en" } else { "fr" };
            let wrong = presence.restrict(other, query.box_clone());
            assert_eq!(searcher.search(wrong.as_ref(), &Count).unwrap(), 0);
            // Inside a boolean query, with scoring from `Presence`.
            let both = BooleanQuery::union(vec![restricted, wrong]);
            let top = searcher
                .search_with_statistics_provider(
                    &both,
                    &tantivy::collector::TopDocs::with_limit(10).order_by_score(),
                    &presence,
                )
                .unwrap();
            let plain = searcher
                .search(
                    query.as_ref(),
                    &tantivy::collector::TopDocs::with_limit(10).order_by_score(),
                )
                .unwrap();
            assert_eq!(top, plain, "same documents, same scores");
        }
    }
}
