//! The engine: an open index, kept in step with its commits, and a search
//! run from the query text to the [`Results`].
//!
//! A search parses the query, picks the language chains that take part
//! (those present in the index, less those excluded by `--lang` or
//! `lang:`), reads lowercase words that the index knows as names as those
//! names, has [`ranking`](super::ranking) build the query and
//! [`filters`](super::filters) the restrictions, collects the candidates
//! (with their count and facets), asks again accepting any word when a short
//! query found nothing, groups near-duplicates, and reads the page of hits.
//! Unless told not to, it also searches the query's words as their
//! translations into the other languages of the index ([`translate`]).

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocSet, IndexReader, Order, ReloadPolicy, Searcher};

use crate::analysis::lang::{self, Language};
use crate::error::{Error, Result};
use crate::index::schema::Fields;
use crate::index::store::Store;
use crate::search::facets::{FacetCollector, Facets};
use crate::search::filters::Filters;
use crate::search::hits::{self, Hit, ScoredDoc, SnippetShape};
use crate::search::presence::Presence;
use crate::search::ranking::QueryBuilder;
use crate::search::snippet::{self, Highlighter};
use crate::search::translate::{self, Translated, Vocabulary};
use crate::search::{grouping, query, suggest};

/// Largest page size accepted.
pub const MAX_LIMIT: usize = 1000;
/// Matches are counted one by one up to this many; past it a search says
/// "at least this many" ([`Results::total_exact`] false), which lets the
/// ranking skip the matches that cannot reach the page (block-max WAND).
/// Searches that ask for facets, or sort by date, visit every match anyway
/// and count them all.
pub const COUNT_BOUND: usize = 10_000;

/// A number of matches, and whether it is exact (not a lower bound).
type Counted = (usize, bool);

/// Order of the hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Relevance,
    /// Newest first.
    Date,
}

/// Parameters of a search besides the query text.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    pub limit: usize,
    pub offset: usize,
    /// Restrict to these languages (codes); empty for all.
    pub langs: Vec<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub sort: Sort,
    /// Fragments per hit.
    pub snippets: usize,
    /// Fragment length in characters.
    pub fragment_chars: usize,
    /// Also count the matches per language, source and month.
    pub facets: bool,
    /// Show one hit per group of near-duplicate articles.
    pub group: bool,
    /// Also search the query's words as their translations into the
    /// index's other languages.
    pub translate: bool,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 10,
            offset: 0,
            langs: Vec::new(),
            since: None,
            until: None,
            sort: Sort::Relevance,
            snippets: snippet::MAX_FRAGMENTS,
            fragment_chars: snippet::FRAGMENT_CHARS,
            facets: false,
            group: true,
            translate: true,
        }
    }
}

/// The answer to a search.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub query: String,
    /// Number of matching articles: exactly, or [`COUNT_BOUND`] when
    /// there are more (see `total_exact`).
    pub total: usize,
    /// False when `total` is only a lower bound: more articles matched.
    pub total_exact: bool,
    pub hits: Vec<Hit>,
    /// True when no article had every word, and any word was accepted.
    pub relaxed: bool,
    /// What the query parser read leniently.
    pub warnings: Vec<String>,
    /// When nothing was found: the query with misspelt words replaced by
    /// close words of the index ("did you mean").
    pub suggestions: Vec<String>,
    /// Counts per language, source and month, when asked for.
    pub facets: Option<Facets>,
    /// What the query's words were also searched as, in other languages.
    pub translated: Vec<Translated>,
    #[serde(skip)]
    pub took: Duration,
}

/// A searchable index.
pub struct Engine {
    pub store: Store,
    reader: IndexReader,
    /// The translations searched besides the query's words.
    vocabulary: Arc<Vocabulary>,
    /// Every fingerprint of the index, read once, for an engine that
    /// follows commits (it serves many searches); none for a one-shot one.
    fingerprints: Option<grouping::Fingerprints>,
}

impl Engine {
    /// Opens the index at `path` for searching.
    pub fn open(path: &std::path::Path) -> Result<Engine> {
        Engine::new(Store::open_for_search(path)?)
    }

    /// Opens an index for a one-shot command: the commit of the moment,
    /// never reloaded, so no thread is started to watch for new ones.
    pub fn open_once(path: &std::path::Path) -> Result<Engine> {
        Engine::with_policy(Store::open_for_one_search(path)?, ReloadPolicy::Manual)
    }

    /// Wraps an open store, following its later commits.
    pub fn new(store: Store) -> Result<Engine> {
        Engine::with_policy(store, ReloadPolicy::OnCommitWithDelay)
    }

    fn with_policy(store: Store, policy: ReloadPolicy) -> Result<Engine> {
        let reader = store
            .index
            .reader_builder()
            .reload_policy(policy)
            .try_into()?;
        let vocabulary = Vocabulary::for_index(&store.path)?;
        let fingerprints =
            (!matches!(policy, ReloadPolicy::Manual)).then(grouping::Fingerprints::default);
        Ok(Engine {
            store,
            reader,
            vocabulary,
            fingerprints,
        })
    }

    /// Also translates with the glossary at `path` (its terms replace the
    /// shipped translations of the same terms).
    pub fn add_glossary(&mut self, path: &Path) -> Result<()> {
        self.vocabulary = Arc::new(self.vocabulary.with_glossary(path)?);
        Ok(())
    }

    /// The translations this engine searches.
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// The fingerprints this engine keeps, if it keeps them.
    pub(crate) fn fingerprints(&self) -> Option<&grouping::Fingerprints> {
        self.fingerprints.as_ref()
    }

    /// The current searcher (a consistent view of one commit).
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// What the current searcher sees, as one number: its segments and
    /// their deletions. It changes with every commit that changes the
    /// index, and not on a reload that found nothing new.
    pub fn generation(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = rustc_hash::FxHasher::default();
        for segment in self.reader.searcher().segment_readers() {
            segment.segment_id().hash(&mut hasher);
            segment.delete_opstamp().hash(&mut hasher);
            segment.num_deleted_docs().hash(&mut hasher);
        }
        hasher.finish()
    }

    /// Reloads the reader now (it also reloads by itself after commits).
    pub fn reload(&self) -> Result<()> {
        Ok(self.reader.reload()?)
    }

    fn fields(&self) -> &Fields {
        &self.store.fields
    }

    /// Codes of the languages whose chains analysed some article of the index.
    pub fn languages(&self, searcher: &Searcher) -> Result<BTreeSet<String>> {
        Ok(Presence::new(searcher, self.fields())?.languages())
    }

    /// Runs a query.
    pub fn search(&self, input: &str, opts: &SearchOptions) -> Result<Results> {
        let started = Instant::now();
        if opts.limit > MAX_LIMIT {
            return Err(Error::param("limit", format!("at most {MAX_LIMIT}")));
        }
        let mut parsed = query::parse(input);
        query::bind_versions(&mut parsed);
        query::unsentence(&mut parsed);
        let searcher = self.searcher();

        // Which chains take part: the languages present, less those excluded
        // by --lang or lang:.
        let mut wanted: Vec<String> = opts.langs.iter().map(|l| l.to_lowercase()).collect();
        wanted.extend(parsed.langs.iter().cloned());
        let wanted: Vec<String> = wanted
            .into_iter()
            .map(|l| lang::lookup(&l).map_or(l, |x| x.code.to_string()))
            .collect();
        let presence = Presence::new(&searcher, self.fields())?;
        let present = presence.languages();
        let languages: Vec<&'static Language> = present
            .iter()
            .filter(|c| wanted.is_empty() || wanted.contains(c))
            .filter_map(|c| lang::lookup(c))
            .filter(|l| l.has_chain())
            .collect();

        if parsed.is_empty() {
            parsed
                .warnings
                .push("the query has no words to search for".into());
            return Ok(Results {
                query: input.to_string(),
                total: 0,
                total_exact: true,
                hits: Vec::new(),
                relaxed: false,
                warnings: parsed.warnings,
                suggestions: Vec::new(),
                facets: opts.facets.then(Facets::default),
                translated: Vec::new(),
                took: started.elapsed(),
            });
        }

        // Translations between two languages of the index, towards one
        // that is searched; none for free text, which is looked for as
        // written (a pasted paragraph).
        let spans = if opts.translate && !parsed.free_text {
            let searched: Vec<&str> = languages.iter().map(|l| l.code).collect();
            let mut held = BTreeSet::new();
            for code in &present {
                if holds(&searcher, self.fields(), code)? {
                    held.insert(code.as_str());
                }
            }
            self.vocabulary.expand(&parsed, &|from, to| {
                held.contains(from) && searched.contains(&to)
            })
        } else {
            Vec::new()
        };
        let translated = translate::translated(&spans);
        let mut builder = QueryBuilder::new(self.fields(), &searcher, &presence, &languages);
        builder.resolve_names(&mut parsed);
        builder.translate(spans);
        let filters = Filters {
            langs: &wanted,
            sources: &parsed.sources,
            since: opts.since,
            until: opts.until,
        }
        .queries(self.fields());
        let long = builder.any_word_first(&parsed, opts.sort == Sort::Relevance);
        let first = builder.build(&parsed, &filters, long);
        let (mut total, mut docs, mut facets) =
            self.collect(&searcher, &presence, first.as_ref(), opts)?;
        let mut relaxed = false;
        if long {
            // Say so when no article has every word, as for short queries.
            if total.0 > 0 {
                let strict = builder.build(&parsed, &filters, false);
                relaxed = count_up_to(&searcher, strict.as_ref(), 1)?.0 == 0;
            }
        } else if total.0 == 0 && parsed.groups.len() > 1 {
            let loose = builder.build(&parsed, &filters, true);
            (total, docs, facets) = self.collect(&searcher, &presence, loose.as_ref(), opts)?;
            relaxed = total.0 > 0;
        }
        let (total, total_exact) = total;

        let suggestions = if total == 0 {
            suggest::did_you_mean(&searcher, self.fields(), &parsed, builder.absent_names())
        } else {
            Vec::new()
        };
        // Highlighting is the costly part of a hit; `veille eval` asks for
        // no snippets at all.
        let mut highlighter = (opts.snippets > 0).then(|| {
            let mut h = Highlighter::new(&parsed, &languages, builder.exact_atoms());
            if builder.searched_as_written() {
                h.add_as_written(&parsed);
            }
            for t in &translated {
                h.add_translation(&t.lang, &t.to);
            }
            h
        });
        let page = if opts.group {
            grouping::page(
                &searcher,
                &docs,
                opts.offset,
                opts.limit,
                self.fingerprints(),
            )?
        } else {
            docs.into_iter()
                .skip(opts.offset)
                .take(opts.limit)
                .map(|d| (d, Vec::new()))
                .collect()
        };
        let shape = SnippetShape {
            count: opts.snippets,
            chars: opts.fragment_chars,
        };
        let hits = hits::read(
            &searcher,
            self.fields(),
            page,
            opts.offset + 1,
            highlighter.as_mut(),
            shape,
        )?;
        Ok(Results {
            query: input.to_string(),
            total,
            total_exact,
            hits,
            relaxed,
            warnings: parsed.warnings,
            suggestions,
            facets,
            translated,
            took: started.elapsed(),
        })
    }

    /// Runs `query` (BM25 with [`Presence`]'s statistics, or by date):
    /// the number of matches (and whether it is exact), the candidates for
    /// the page, and the facets when asked for.
    fn collect(
        &self,
        searcher: &Searcher,
        presence: &Presence,
        query: &dyn Query,
        opts: &SearchOptions,
    ) -> Result<(Counted, Vec<ScoredDoc>, Option<Facets>)> {
        // Paging happens after grouping, so fetch from the top; grouping
        // needs more candidates than it shows.
        let wanted = opts.offset + opts.limit;
        let limit = if opts.group {
            grouping::candidates(wanted)
        } else {
            wanted
        }
        .max(1);
        let top = TopDocs::with_limit(limit);
        let facets = opts.facets.then_some(FacetCollector);
        let (total, docs, facets) = match opts.sort {
            // Alone, the top documents by score are found without scoring
            // every match; the count is a second, plain walk.
            Sort::Relevance if !opts.facets => {
                let docs = searcher.search_with_statistics_provider(
                    query,
                    &top.order_by_score(),
                    presence,
                )?;
                let docs = docs.into_iter().map(|(s, a)| (Some(s), a)).collect();
                (count_up_to(searcher, query, COUNT_BOUND)?, docs, None)
            }
            Sort::Relevance => {
                let (docs, total, facets) = searcher.search_with_statistics_provider(
                    query,
                    &(top.order_by_score(), Count, facets),
                    presence,
                )?;
                let docs = docs.into_iter().map(|(s, a)| (Some(s), a)).collect();
                ((total, true), docs, facets)
            }
            Sort::Date => {
                let collector = top.order_by_fast_field::<tantivy::DateTime>("date", Order::Desc);
                let (docs, total, facets) = searcher.search_with_statistics_provider(
                    query,
                    &(collector, Count, facets),
                    presence,
                )?;
                let docs = docs.into_iter().map(|(_, a)| (None, a)).collect();
                ((total, true), docs, facets)
            }
        };
        let docs = if opts.limit == 0 { Vec::new() } else { docs };
        Ok((total, docs, facets))
    }
}

/// The live articles that `query` matches, counted up to `bound`: the
/// count and true when there are no more, else `bound` and false. Matches
/// are walked without scoring, and no further than the bound.
pub(crate) fn count_up_to(searcher: &Searcher, query: &dyn Query, bound: usize) -> Result<Counted> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut count = 0;
    for segment in searcher.segment_readers() {
        let mut scorer = weight.scorer(segment, 1.0)?;
        let alive = segment.alive_bitset();
        let mut doc = scorer.doc();
        while doc != tantivy::TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                if count == bound {
                    return Ok((bound, false));
                }
                count += 1;
            }
            doc = scorer.advance();
        }
    }
    Ok((count, true))
}

/// Whether some article of the index, not a deleted one awaiting a merge,
/// is in language `code`: [`Presence`] also counts deleted articles, and a
/// translation must not depend on what an index held before (an index
/// built incrementally answers like one rebuilt from the same files).
/// Looks no further than the first live article.
fn holds(searcher: &Searcher, fields: &Fields, code: &str) -> Result<bool> {
    let term = tantivy::Term::from_field_text(fields.langs, code);
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(fields.langs)?;
        let postings = inverted
            .read_postings(&term, tantivy::schema::IndexRecordOption::Basic)
            .map_err(tantivy::TantivyError::from)?;
        let Some(mut postings) = postings else {
            continue;
        };
        let alive = segment.alive_bitset();
        let mut doc = postings.doc();
        while doc != tantivy::TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                return Ok(true);
            }
            doc = postings.advance();
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use tantivy::collector::Count;
    use tantivy::query::TermQuery;
    use tantivy::schema::IndexRecordOption;

    use super::*;
    use crate::search::fixture;

    #[test]
    fn counts_stop_at_the_bound_and_skip_deleted_articles() {
        let story = |n: u32| format!("La fusée numéro {n} a décollé de Kourou ce matin.");
        let first: Vec<(String, String)> = (0..3).map(|n| (format!("{n}.txt"), story(n))).collect();
        // The second commit replaces 0.txt: its first record is deleted.
        let second: Vec<(String, String)> = [0, 3, 4]
            .into_iter()
            .map(|n| (format!("{n}.txt"), format!("{} Mise à jour.", story(n))))
            .collect();
        let (_dir, engine) = fixture::index(&[&first, &second]);
        let searcher = engine.searcher();
        let french = TermQuery::new(
            tantivy::Term::from_field_text(engine.fields().langs, "fr"),
            IndexRecordOption::Basic,
        );
        assert_eq!(searcher.search(&french, &Count).unwrap(), 5);
        assert_eq!(count_up_to(&searcher, &french, 3).unwrap(), (3, false));
        assert_eq!(count_up_to(&searcher, &french, 5).unwrap(), (5, true));
        assert_eq!(count_up_to(&searcher, &french, 10).unwrap(), (5, true));

        // Without facets the count is the walk's; with them, the collector's.
        for facets in [false, true] {
            let opts = SearchOptions {
                facets,
                ..SearchOptions::default()
            };
            let found = engine.search("fusée kourou", &opts).unwrap();
            assert_eq!((found.total, found.total_exact), (5, true), "{facets}");
            let found = engine.search("\"mise à jour\"", &opts).unwrap();
            assert_eq!((found.total, found.total_exact), (3, true), "{facets}");
        }
    }
}
