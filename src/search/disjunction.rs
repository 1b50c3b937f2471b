//! The "any of these" of a query word: the best of a word's fields, the
//! best of its chains, a word or its translations.
//!
//! Why not tantivy's own: [`tantivy::query::DisjunctionMaxQuery`] and a
//! union [`tantivy::query::BooleanQuery`] score through a window of 4,096
//! documents per union and segment (a bitset and one score accumulator per
//! document: 48 KB for a disjunction-max), set up when the union's scorer
//! is made and wiped whenever an intersection seeks past it. That is built
//! for unions of many long posting lists. Those of a veille query have two
//! to four clauses, a query word has up to four of them (its chains, and
//! the fields of each), and an intersection of required words seeks them
//! far ahead all the time. [`Disjunction`] walks its clauses' cursors side
//! by side instead: a tenth fewer instructions for a search of the
//! benchmark's index (150 distinct queries under callgrind, 2,084 million
//! before, 1,876 million after).
//!
//! It matches the same documents with the same scores: the clauses' scores
//! are combined in clause order with the operations of tantivy's
//! combiners, so a disjunction scores each document to the bit as
//! tantivy's does. Its cost (an intersection orders its clauses by cost
//! and adds their scores in that order) is that of all its clauses, where
//! tantivy's union reports that of the clauses it has not yet buffered, so
//! a sum of three or more required words may differ in the last bit. A
//! test below compares both on random queries.

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// How the scores of the clauses that match a document are combined.
#[derive(Debug, Clone, Copy)]
enum Combine {
    /// Their sum: a union (`BooleanQuery::union`).
    Sum,
    /// The best one plus this share of the others (`DisjunctionMaxQuery`).
    Max { tie_breaker: Score },
}

/// A document matches when any clause matches it.
#[derive(Debug)]
pub struct Disjunction {
    clauses: Vec<Box<dyn Query>>,
    combine: Combine,
}

impl Clone for Disjunction {
    fn clone(&self) -> Self {
        Disjunction {
            clauses: self.clauses.iter().map(|q| q.box_clone()).collect(),
            combine: self.combine,
        }
    }
}

impl Disjunction {
    /// Scored by the sum of the clauses that match.
    pub fn sum(clauses: Vec<Box<dyn Query>>) -> Disjunction {
        Disjunction {
            clauses,
            combine: Combine::Sum,
        }
    }

    /// Scored by the best clause plus `tie_breaker` times the others.
    pub fn max(clauses: Vec<Box<dyn Query>>, tie_breaker: Score) -> Disjunction {
        Disjunction {
            clauses,
            combine: Combine::Max { tie_breaker },
        }
    }

    /// The queries of which any may match.
    pub fn clauses(&self) -> &[Box<dyn Query>] {
        &self.clauses
    }
}

impl Query for Disjunction {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .clauses
            .iter()
            .map(|q| q.weight(enable_scoring))
            .collect::<tantivy::Result<_>>()?;
        Ok(Box::new(DisjunctionWeight {
            weights,
            combine: self.combine,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for q in &self.clauses {
            q.query_terms(visitor);
        }
    }
}

struct DisjunctionWeight {
    weights: Vec<Box<dyn Weight>>,
    combine: Combine,
}

impl Weight for DisjunctionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorers = Vec::with_capacity(self.weights.len());
        for weight in &self.weights {
            let scorer = weight.scorer(reader, boost)?;
            if scorer.doc() != TERMINATED {
                scorers.push(scorer);
            }
        }
        // One clause scores alone: the sum of one score, and the best of
        // one plus nothing, are that score.
        Ok(match scorers.len() {
            0 => Box::new(EmptyScorer),
            1 => scorers.pop().expect("one"),
            _ => Box::new(DisjunctionScorer::new(
                scorers,
                self.combine,
                reader.num_docs(),
            )),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document #{doc} does not match"
            )));
        }
        let what = match self.combine {
            Combine::Sum => "Any of, summed".to_string(),
            Combine::Max { tie_breaker } => {
                format!("Best of, plus {tie_breaker} of the others")
            }
        };
        let mut explanation = Explanation::new_with_string(what, scorer.score());
        for weight in &self.weights {
            if let Ok(detail) = weight.explain(reader, doc) {
                explanation.add_detail(detail);
            }
        }
        Ok(explanation)
    }
}

/// The clauses' cursors, side by side; the current document is the least
/// of theirs. Each cursor's document is kept beside it, so that stepping
/// and scoring read an array rather than ask every clause through its
/// virtual `doc()`.
struct DisjunctionScorer {
    scorers: Vec<Box<dyn Scorer>>,
    /// `docs[i] == scorers[i].doc()`.
    docs: Vec<DocId>,
    combine: Combine,
    doc: DocId,
    num_docs: u32,
}

impl DisjunctionScorer {
    fn new(scorers: Vec<Box<dyn Scorer>>, combine: Combine, num_docs: u32) -> Self {
        let docs: Vec<DocId> = scorers.iter().map(|s| s.doc()).collect();
        let doc = docs.iter().copied().min().unwrap_or(TERMINATED);
        DisjunctionScorer {
            scorers,
            docs,
            combine,
            doc,
            num_docs,
        }
    }

    /// The clauses not yet exhausted.
    fn live(&self) -> impl Iterator<Item = &Box<dyn Scorer>> {
        self.scorers
            .iter()
            .zip(&self.docs)
            .filter(|(_, &doc)| doc != TERMINATED)
            .map(|(s, _)| s)
    }
}

impl DocSet for DisjunctionScorer {
    fn advance(&mut self) -> DocId {
        let current = self.doc;
        let mut next = TERMINATED;
        for (scorer, doc) in self.scorers.iter_mut().zip(&mut self.docs) {
            if *doc == current {
                *doc = scorer.advance();
            }
            next = next.min(*doc);
        }
        self.doc = next;
        next
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let mut next = TERMINATED;
        for (scorer, doc) in self.scorers.iter_mut().zip(&mut self.docs) {
            if *doc < target {
                *doc = scorer.seek(target);
            }
            next = next.min(*doc);
        }
        self.doc = next;
        next
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    /// tantivy's estimate for a union (`estimate_union`, private to it),
    /// over the clauses not yet exhausted, as its union scorer reports.
    fn size_hint(&self) -> u32 {
        // Clauses' matches overlap more than at random.
        const CO_LOCATION: f64 = 0.8;
        let max_docs = f64::from(self.num_docs);
        let mut in_none = 1.0;
        for scorer in self.live() {
            in_none *= 1.0 - (f64::from(scorer.size_hint()) / max_docs) * CO_LOCATION;
        }
        (max_docs * (1.0 - in_none)).round().min(max_docs) as u32
    }

    /// What reading every clause to the end costs: an intersection is led
    /// by its cheapest clause.
    fn cost(&self) -> u64 {
        self.live().map(|s| s.cost()).sum()
    }
}

impl Scorer for DisjunctionScorer {
    /// In clause order, with the operations of tantivy's `SumCombiner` and
    /// `DisjunctionMaxCombiner`, so that the scores are theirs.
    fn score(&mut self) -> Score {
        let current = self.doc;
        let matching = self
            .scorers
            .iter_mut()
            .zip(&self.docs)
            .filter(|(_, &doc)| doc == current)
            .map(|(s, _)| s);
        match self.combine {
            Combine::Sum => {
                let mut sum: Score = 0.0;
                for scorer in matching {
                    sum += scorer.score();
                }
                sum
            }
            Combine::Max { tie_breaker } => {
                let (mut max, mut sum): (Score, Score) = (0.0, 0.0);
                for scorer in matching {
                    let score = scorer.score();
                    max = Score::max(score, max);
                    sum += score;
                }
                max + (sum - max) * tie_breaker
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{
        BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, TermQuery,
    };
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, DocAddress, Index, IndexWriter};

    use super::*;

    /// A small xorshift, so that the test needs no crate and repeats.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    const WORDS: [&str; 12] = [
        "alpha", "beta", "gamma", "delta", "rare", "common", "x", "y", "z", "w", "v", "u",
    ];

    /// Three segments of articles with two text fields, words drawn
    /// unevenly (some in most documents, some in few).
    fn index() -> (Index, tantivy::schema::Field, tantivy::schema::Field) {
        let mut schema = Schema::builder();
        let title = schema.add_text_field("title", TEXT);
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 20_000_000).unwrap();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for segment in 0..3 {
            for _ in 0..(1_000 + segment * 1_500) {
                let mut text = |len: u64| {
                    (0..1 + rng.below(len))
                        .map(|_| {
                            // Word i is drawn about twice as often as word i+1.
                            let r = rng.below(4096) | 1;
                            WORDS[(r.leading_zeros() as usize - 52).min(WORDS.len() - 1)]
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                let (t, b) = (text(4), text(40));
                writer.add_document(doc!(title => t, body => b)).unwrap();
            }
            writer.commit().unwrap();
        }
        (index, title, body)
    }

    /// A random clause: a term or a two-word phrase in a field, sometimes
    /// boosted.
    fn clause(rng: &mut Rng, fields: [tantivy::schema::Field; 2]) -> Box<dyn Query> {
        let field = fields[rng.below(2) as usize];
        let word = |rng: &mut Rng| Term::from_field_text(field, WORDS[rng.below(12) as usize]);
        let q: Box<dyn Query> = if rng.below(5) == 0 {
            Box::new(PhraseQuery::new(vec![word(rng), word(rng)]))
        } else {
            Box::new(TermQuery::new(word(rng), IndexRecordOption::WithFreqs))
        };
        if rng.below(3) == 0 {
            Box::new(BoostQuery::new(q, 1.25))
        } else {
            q
        }
    }

    fn hits(index: &Index, q: &dyn Query) -> (usize, Vec<(u32, DocAddress)>) {
        let searcher = index.reader().unwrap().searcher();
        let (top, count) = searcher
            .search(q, &(TopDocs::with_limit(10_000).order_by_score(), Count))
            .unwrap();
        // Scores compared to the bit.
        (
            count,
            top.into_iter().map(|(s, a)| (s.to_bits(), a)).collect(),
        )
    }

    #[test]
    fn matches_and_scores_as_tantivys_unions_do() {
        let (index, title, body) = index();
        let mut rng = Rng(42);
        for round in 0..200 {
            let n = 2 + rng.below(3) as usize;
            let clauses: Vec<Box<dyn Query>> =
                (0..n).map(|_| clause(&mut rng, [title, body])).collect();
            let copy = || clauses.iter().map(|q| q.box_clone()).collect::<Vec<_>>();
            let (ours, theirs): (Box<dyn Query>, Box<dyn Query>) = if round % 2 == 0 {
                (
                    Box::new(Disjunction::max(copy(), 0.1)),
                    Box::new(DisjunctionMaxQuery::with_tie_breaker(clauses, 0.1)),
                )
            } else {
                (
                    Box::new(Disjunction::sum(copy())),
                    Box::new(BooleanQuery::union(clauses)),
                )
            };
            assert_eq!(
                hits(&index, ours.as_ref()),
                hits(&index, theirs.as_ref()),
                "round {round}: {theirs:?}"
            );
            // Inside an intersection, which seeks them, with two other
            // words required. The intersection adds its clauses' scores in
            // the order of their costs; tantivy's union reports as its cost
            // that of the clauses it has not yet read through (none, in a
            // segment smaller than its window), this one that of all its
            // clauses, so the sums may differ in the last bit.
            let others = [
                clause(&mut rng, [title, body]),
                clause(&mut rng, [title, body]),
            ];
            let within = |q: Box<dyn Query>| {
                let mut clauses = vec![(Occur::Must, q)];
                clauses.extend(others.iter().map(|o| (Occur::Must, o.box_clone())));
                BooleanQuery::new(clauses)
            };
            let (ours, theirs) = (hits(&index, &within(ours)), hits(&index, &within(theirs)));
            assert_eq!(ours.0, theirs.0, "round {round}");
            let docs = |h: &[(u32, DocAddress)]| {
                let mut docs: Vec<DocAddress> = h.iter().map(|&(_, a)| a).collect();
                docs.sort();
                docs
            };
            assert_eq!(docs(&ours.1), docs(&theirs.1), "round {round}");
            let score = |h: &[(u32, DocAddress)], a: DocAddress| {
                f32::from_bits(h.iter().find(|&&(_, b)| b == a).expect("found").0)
            };
            for &(_, a) in &ours.1 {
                let (x, y) = (score(&ours.1, a), score(&theirs.1, a));
                assert!((x - y).abs() <= y.abs() * 1e-6, "round {round}: {x} vs {y}");
            }
        }
    }

    #[test]
    fn explains_the_score_it_gives() {
        let (index, title, body) = index();
        let searcher = index.reader().unwrap().searcher();
        let clauses: Vec<Box<dyn Query>> = vec![
            Box::new(TermQuery::new(
                Term::from_field_text(title, "rare"),
                IndexRecordOption::WithFreqs,
            )),
            Box::new(TermQuery::new(
                Term::from_field_text(body, "rare"),
                IndexRecordOption::WithFreqs,
            )),
        ];
        let q = Disjunction::max(clauses, 0.1);
        let top = searcher
            .search(&q, &TopDocs::with_limit(3).order_by_score())
            .unwrap();
        assert!(!top.is_empty());
        for (score, address) in top {
            let explanation = q.explain(&searcher, address).unwrap();
            assert_eq!(explanation.value(), score);
            let json = explanation.to_pretty_json();
            assert!(json.contains("Best of, plus 0.1"), "{json}");
            assert!(json.contains("TermQuery"), "{json}");
        }
    }
}
