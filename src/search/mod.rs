//! Search: turning a parsed query into tantivy queries over every language
//! chain, running it, and building hits with snippets.
//!
//! Each query word is analysed by every chain present in the index and looked
//! up in that chain's fields (a French stem in the French fields, an English
//! stem in the English ones) and in the neutral fields; the best of these
//! counts (a disjunction-max), so an article is never rewarded for being
//! indexed twice; within a chain, a word in the title and in the body also
//! counts once, at the better of the two. Short queries require all their
//! words, and when that finds nothing, any word will do and the results say
//! so. Sorted by relevance, queries of three content words or more
//! (questions, mostly) accept any word from the start and rank by how much
//! of the query an article matches: such queries rarely have every word in
//! one article.

pub mod facets;
pub mod presence;
pub mod query;
pub mod snippet;

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::ops::Bound;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur,
    PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Term, Value};
use tantivy::tokenizer::{TextAnalyzer, Token};
use tantivy::{DocAddress, IndexReader, Order, ReloadPolicy, Searcher, TantivyDocument};

use crate::analysis;
use crate::analysis::dedup;
use crate::analysis::lang::{self, Language};
use crate::error::{Error, Result};
use crate::index::schema::{Fields, TextFields, KIND_ARTICLE};
use crate::index::store::Store;
use crate::search::facets::{FacetCollector, Facets};
use crate::search::presence::Presence;
use query::{Atom, Modifier, ParsedQuery, Scope};
use snippet::{Highlighter, Snippet};

/// Weight of a match in the title relative to one in the body. Measured
/// on PIAF-dev passages (2026-11-27, MRR@10 with the other settings equal):
/// 1.0: 0.800, 1.25: 0.802, 1.5: 0.800, 2.0: 0.792; news titles carry more
/// than Wikipedia section titles, hence a boost at all.
const TITLE_BOOST: f32 = 1.25;
/// Share of the other chains' scores added to the best chain's. On
/// PIAF-dev, 0.0 to 0.3 are within 0.002 of each other; 1.0 (a plain sum)
/// loses 0.02.
const TIE_BREAKER: f32 = 0.1;
/// Weight of a name found as written (in the exact fields) relative to a
/// word matched through the chains. A name is looked up in the exact fields
/// only, where it scores lower than a stemmed word does in the larger
/// chain fields; without the boost a question's common words outweigh the
/// name it is about (PIAF-dev MRR@10: 1.0: 0.789, 1.3: 0.800, 1.6: 0.802,
/// 2.0: 0.799).
const NAME_BOOST: f32 = 1.6;
/// Queries with at least this many content words accept any word from the
/// start (PIAF-dev MRR@10: 0.802 with 3, 0.800 with 4, 0.798 when every
/// query first requires all its words).
const LOOSE_WORDS: usize = 3;

/// Weight of the adjacency boost relative to a single word's match.
const PROXIMITY_BOOST: f32 = 0.25;
/// At most this many word pairs get an adjacency boost.
const MAX_PROXIMITY_PAIRS: usize = 8;
/// Grouping near-duplicates looks at this many times the hits it shows...
const GROUP_OVERFETCH: usize = 3;
/// ... plus this many.
const GROUP_SLACK: usize = 20;
/// ... but never more than this many candidates.
const MAX_CANDIDATES: usize = 2000;
/// Largest page size accepted.
pub const MAX_LIMIT: usize = 1000;

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
        }
    }
}

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
    /// Ids of the near-duplicates of this article among the matches, shown
    /// under it instead of as hits of their own.
    pub similar: Vec<String>,
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

/// The answer to a search.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub query: String,
    /// Number of matching articles.
    pub total: usize,
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
    #[serde(skip)]
    pub took: Duration,
}

/// A searchable index.
pub struct Engine {
    pub store: Store,
    reader: IndexReader,
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
        Ok(Engine { store, reader })
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
                hits: Vec::new(),
                relaxed: false,
                warnings: parsed.warnings,
                suggestions: Vec::new(),
                facets: opts.facets.then(Facets::default),
                took: started.elapsed(),
            });
        }

        let mut builder = QueryBuilder::new(self.fields(), &searcher, &presence, &languages);
        let filters = self.filters(&parsed, &wanted, opts, &mut builder);
        // Accepting any word relies on the ranking to put the articles with
        // most of the query first; sorted by date, every word is required.
        let long = opts.sort == Sort::Relevance && builder.content_words(&parsed) >= LOOSE_WORDS;
        let first = builder.build(&parsed, &filters, long);
        let (mut total, mut docs, mut facets) =
            self.collect(&searcher, &presence, first.as_ref(), opts)?;
        let mut relaxed = false;
        if long {
            // Say so when no article has every word, as for short queries.
            if total > 0 {
                let strict = builder.build(&parsed, &filters, false);
                relaxed = searcher.search(strict.as_ref(), &Count)? == 0;
            }
        } else if total == 0 && parsed.groups.len() > 1 {
            let loose = builder.build(&parsed, &filters, true);
            (total, docs, facets) = self.collect(&searcher, &presence, loose.as_ref(), opts)?;
            relaxed = total > 0;
        }

        let suggestions = if total == 0 {
            builder.suggest(&parsed)
        } else {
            Vec::new()
        };
        // Highlighting is the costly part of a hit; `veille eval` asks for
        // no snippets at all.
        let mut highlighter = (opts.snippets > 0)
            .then(|| Highlighter::new(&parsed, &languages, &builder.exact_atoms));
        let page = if opts.group {
            self.group(&searcher, docs, opts)?
        } else {
            docs.into_iter()
                .skip(opts.offset)
                .take(opts.limit)
                .map(|d| (d, Vec::new()))
                .collect()
        };
        let mut hits = Vec::with_capacity(page.len());
        for (i, ((score, addr), similar)) in page.into_iter().enumerate() {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let mut hit = self.hit(&doc, opts.offset + i + 1, score, highlighter.as_mut(), opts);
            hit.similar = similar;
            hits.push(hit);
        }
        Ok(Results {
            query: input.to_string(),
            total,
            hits,
            relaxed,
            warnings: parsed.warnings,
            suggestions,
            facets,
            took: started.elapsed(),
        })
    }

    fn filters(
        &self,
        parsed: &ParsedQuery,
        wanted: &[String],
        opts: &SearchOptions,
        builder: &mut QueryBuilder<'_>,
    ) -> Vec<Box<dyn Query>> {
        let f = self.fields();
        let mut filters: Vec<Box<dyn Query>> = vec![Box::new(TermQuery::new(
            Term::from_field_u64(f.kind, KIND_ARTICLE),
            IndexRecordOption::Basic,
        ))];
        if !wanted.is_empty() {
            let langs: Vec<Box<dyn Query>> = wanted
                .iter()
                .map(|l| {
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.lang, l),
                        IndexRecordOption::Basic,
                    )) as Box<dyn Query>
                })
                .collect();
            filters.push(Box::new(BooleanQuery::union(langs)));
        }
        if !parsed.sources.is_empty() {
            let sources: Vec<Box<dyn Query>> = parsed
                .sources
                .iter()
                .filter_map(|s| builder.all_terms(f.source, s))
                .collect();
            filters.push(Box::new(BooleanQuery::union(sources)));
        }
        if opts.since.is_some() || opts.until.is_some() {
            let bound = |d: Option<DateTime<Utc>>, inclusive: bool| match d {
                None => Bound::Unbounded,
                Some(d) => {
                    let t = Term::from_field_date(
                        f.date,
                        tantivy::DateTime::from_timestamp_secs(d.timestamp()),
                    );
                    if inclusive {
                        Bound::Included(t)
                    } else {
                        Bound::Excluded(t)
                    }
                }
            };
            filters.push(Box::new(RangeQuery::new(
                bound(opts.since, true),
                bound(opts.until, true),
            )));
        }
        filters
    }

    fn collect(
        &self,
        searcher: &Searcher,
        presence: &Presence,
        query: &dyn Query,
        opts: &SearchOptions,
    ) -> Result<(usize, Vec<ScoredDoc>, Option<Facets>)> {
        // Paging happens after grouping, so fetch from the top; grouping
        // needs more candidates than it shows.
        let wanted = opts.offset + opts.limit;
        let limit = if opts.group {
            (wanted * GROUP_OVERFETCH + GROUP_SLACK).min(MAX_CANDIDATES.max(wanted))
        } else {
            wanted
        }
        .max(1);
        let top = TopDocs::with_limit(limit);
        let facets = opts.facets.then_some(FacetCollector);
        let (total, docs, facets) = match opts.sort {
            Sort::Relevance => {
                let (docs, total, facets) = searcher.search_with_statistics_provider(
                    query,
                    &(top.order_by_score(), Count, facets),
                    presence,
                )?;
                let docs = docs.into_iter().map(|(s, a)| (Some(s), a)).collect();
                (total, docs, facets)
            }
            Sort::Date => {
                let collector = top.order_by_fast_field::<tantivy::DateTime>("date", Order::Desc);
                let (docs, total, facets) = searcher.search_with_statistics_provider(
                    query,
                    &(collector, Count, facets),
                    presence,
                )?;
                let docs = docs.into_iter().map(|(_, a)| (None, a)).collect();
                (total, docs, facets)
            }
        };
        let docs = if opts.limit == 0 { Vec::new() } else { docs };
        Ok((total, docs, facets))
    }

    /// Groups near-duplicates among the candidates (in rank order) and
    /// returns the page of group representatives, each with the ids of the
    /// other members.
    fn group(
        &self,
        searcher: &Searcher,
        docs: Vec<ScoredDoc>,
        opts: &SearchOptions,
    ) -> Result<Vec<(ScoredDoc, Vec<String>)>> {
        let mut items = Vec::with_capacity(docs.len());
        let mut bytes = Vec::new();
        // Each segment's column is opened once, not once per candidate.
        let mut columns = vec![None; searcher.segment_readers().len()];
        for (i, (_, addr)) in docs.iter().enumerate() {
            let column = match &columns[addr.segment_ord as usize] {
                Some(column) => column,
                None => {
                    let ff = searcher.segment_reader(addr.segment_ord).fast_fields();
                    columns[addr.segment_ord as usize].insert(ff.bytes("fingerprint")?)
                }
            };
            let mut fp = dedup::Fingerprint::NONE;
            if let Some(col) = column {
                if let Some(ord) = col.term_ords(addr.doc_id).next() {
                    bytes.clear();
                    col.ord_to_bytes(ord, &mut bytes)
                        .map_err(tantivy::TantivyError::from)?;
                    fp = dedup::Fingerprint::from_bytes(&bytes);
                }
            }
            items.push((i, fp));
        }
        let groups = dedup::group(&items);
        let mut page = Vec::new();
        for group in groups.into_iter().skip(opts.offset).take(opts.limit) {
            let similar = group[1..]
                .iter()
                .map(|&i| self.id_of(searcher, docs[i].1))
                .collect::<Result<Vec<_>>>()?;
            page.push((docs[group[0]], similar));
        }
        Ok(page)
    }

    /// The id of a document, from its fast field.
    fn id_of(&self, searcher: &Searcher, addr: DocAddress) -> Result<String> {
        let ff = searcher.segment_reader(addr.segment_ord).fast_fields();
        let mut id = String::new();
        if let Some(col) = ff.str("id")? {
            if let Some(ord) = col.term_ords(addr.doc_id).next() {
                col.ord_to_str(ord, &mut id)
                    .map_err(tantivy::TantivyError::from)?;
            }
        }
        Ok(id)
    }

    fn hit(
        &self,
        doc: &TantivyDocument,
        rank: usize,
        score: Option<f32>,
        highlighter: Option<&mut Highlighter>,
        opts: &SearchOptions,
    ) -> Hit {
        let f = self.fields();
        let text = |field: Field| -> Option<String> {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_string))
                .filter(|s| !s.trim().is_empty())
        };
        let lang = text(f.lang).unwrap_or_else(|| "und".into());
        let mut snippets = Vec::new();
        if let Some(highlighter) = highlighter.filter(|_| opts.snippets > 0) {
            let lead = text(f.lead);
            let body = text(f.body).unwrap_or_default();
            let full = match &lead {
                Some(l) => format!("{l}\n\n{body}"),
                None => body,
            };
            let ranges = highlighter.ranges(&full, &lang);
            snippets = snippet::fragments(&full, &ranges, opts.snippets, opts.fragment_chars);
            if snippets.is_empty() {
                let fallback = if full.trim().is_empty() {
                    text(f.title).unwrap_or_default()
                } else {
                    full
                };
                snippets.extend(snippet::lead(&fallback, opts.fragment_chars));
            }
        }
        let date = doc
            .get_first(f.date)
            .and_then(|v| v.as_datetime())
            .and_then(|d| DateTime::from_timestamp(d.into_timestamp_secs(), 0));
        Hit {
            rank,
            id: text(f.id).unwrap_or_default(),
            score,
            title: text(f.title),
            date,
            lang,
            source: text(f.source),
            url: text(f.url),
            path: text(f.path).unwrap_or_default(),
            snippets,
            similar: Vec::new(),
        }
    }
}

/// A document address with its score (`None` when sorted by date).
type ScoredDoc = (Option<f32>, DocAddress);

/// Builds tantivy queries from parsed atoms, analysing each with every chain.
struct QueryBuilder<'a> {
    fields: &'a Fields,
    searcher: &'a Searcher,
    /// (chain fields, analyzer) for the neutral chain first, then each language.
    chains: Vec<(TextFields, TextAnalyzer)>,
    /// The segments holding each language.
    presence: &'a Presence,
    /// The language code of each chain (`""` for the neutral one).
    codes: Vec<&'static str>,
    neutral: TextAnalyzer,
    exact: TextAnalyzer,
    /// Atoms (as displayed) that were looked up in the exact fields only.
    exact_atoms: HashSet<String>,
}

impl<'a> QueryBuilder<'a> {
    fn new(
        fields: &'a Fields,
        searcher: &'a Searcher,
        presence: &'a Presence,
        languages: &[&'static Language],
    ) -> QueryBuilder<'a> {
        let mut chains = vec![(fields.neutral, analysis::analyzer(None))];
        let mut codes = vec![""];
        for &l in languages {
            if let Some(tf) = fields.lang_fields(l) {
                chains.push((tf, analysis::analyzer(Some(l))));
                codes.push(l.code);
            }
        }
        QueryBuilder {
            fields,
            searcher,
            presence,
            codes,
            chains,
            neutral: analysis::analyzer(None),
            exact: analysis::exact(),
            exact_atoms: HashSet::default(),
        }
    }

    /// For a name (`OpenAI`, `C++`, `"Wi-Fi 7"`), the query on the exact
    /// fields, when the index contains it as written. Stems of a name match
    /// unrelated words (`OpenAI` stems to `open`, `Meta` to `met`), so when
    /// the name itself occurs, only the name is looked for.
    fn exact_name(&mut self, text: &str, scope: Scope) -> Option<Box<dyn Query>> {
        if !query::is_name(text) {
            return None;
        }
        let tokens = analysis::analyze(&mut self.exact, text);
        // The exact fields hold only the compounds (`C++`, `GPT-4o`); a
        // plain word of a name is the same token in the neutral fields.
        let compounds: Vec<Token> = tokens
            .iter()
            .filter(|t| analysis::is_compound(&t.text))
            .cloned()
            .collect();
        let words = analysis::analyze(&mut self.neutral, text);
        if tokens.is_empty() || (compounds.is_empty() && words.is_empty()) {
            return None;
        }
        let mut per_field: Vec<Box<dyn Query>> = Vec::new();
        let pairs = field_list(self.fields.exact, scope)
            .into_iter()
            .zip(field_list(self.fields.neutral, scope));
        for ((exact, boost), (neutral, _)) in pairs {
            let q = if compounds.is_empty() {
                term_or_phrase(neutral, &words, 0)
            } else if compounds.len() == tokens.len() || words.is_empty() {
                term_or_phrase(exact, &compounds, 0)
            } else {
                // `Wi-Fi 7`: the compound as written, and all the words
                // next to each other.
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, term_or_phrase(exact, &compounds, 0)),
                    (Occur::Must, term_or_phrase(neutral, &words, 0)),
                ]))
            };
            per_field.push(boost_query(q, boost));
        }
        let q = best_field(per_field);
        let found = self.searcher.search(q.as_ref(), &Count).unwrap_or(0) > 0;
        found.then(|| boost_query(q, NAME_BOOST))
    }

    /// How many groups of the query hold a content word: a word or phrase
    /// that no language chain drops as a stop word.
    fn content_words(&mut self, parsed: &ParsedQuery) -> usize {
        let chains = &mut self.chains[1..];
        parsed
            .groups
            .iter()
            .filter(|group| {
                group.iter().any(|atom| {
                    chains
                        .iter_mut()
                        .all(|(_, analyzer)| !analysis::analyze(analyzer, atom.text()).is_empty())
                })
            })
            .count()
    }

    /// The whole query: filters, required groups, exclusions. With `loose`,
    /// any group may match instead of all of them.
    fn build(
        &mut self,
        parsed: &ParsedQuery,
        filters: &[Box<dyn Query>],
        loose: bool,
    ) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = filters
            .iter()
            .map(|q| {
                (
                    Occur::Must,
                    Box::new(ConstScoreQuery::new(q.box_clone(), 0.0)) as Box<dyn Query>,
                )
            })
            .collect();
        let mut optional = Vec::new();
        for group in &parsed.groups {
            let mut alternatives = Vec::new();
            let mut has_stopword = false;
            for atom in group {
                let (q, stop) = self.atom(atom);
                has_stopword |= stop;
                alternatives.extend(q);
            }
            if alternatives.is_empty() {
                continue;
            }
            let q: Box<dyn Query> = if alternatives.len() == 1 {
                alternatives.pop().expect("one")
            } else {
                Box::new(BooleanQuery::union(alternatives))
            };
            // A word that some chain drops as a stop word cannot be required:
            // articles in that language would never match it.
            if loose || has_stopword {
                optional.push(q);
            } else {
                clauses.push((Occur::Must, q));
            }
        }
        let required = clauses.iter().filter(|(o, _)| *o == Occur::Must).count() > filters.len();
        if !optional.is_empty() {
            if required {
                clauses.extend(optional.into_iter().map(|q| (Occur::Should, q)));
            } else {
                clauses.push((Occur::Must, Box::new(BooleanQuery::union(optional))));
            }
        }
        // Articles where the query words stand next to each other rank higher.
        for q in self.proximity(parsed) {
            clauses.push((Occur::Should, q));
        }
        for atom in &parsed.excluded {
            if let (Some(q), _) = self.atom(atom) {
                clauses.push((Occur::MustNot, q));
            }
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// The query for one atom across every chain; also tells whether a chain
    /// analysed it to nothing (a stop word).
    fn atom(&mut self, atom: &Atom) -> (Option<Box<dyn Query>>, bool) {
        match atom {
            Atom::Word {
                text,
                scope,
                modifier: m @ (Modifier::Fuzzy(_) | Modifier::Prefix),
            } => {
                let tokens = analysis::analyze(&mut self.neutral, text);
                let Some(token) = tokens.first() else {
                    return (None, false);
                };
                let tf = self.fields.neutral;
                let mut per_field: Vec<Box<dyn Query>> = Vec::new();
                for (field, boost) in field_list(tf, *scope) {
                    let term = Term::from_field_text(field, &token.text);
                    let q: Box<dyn Query> = match m {
                        Modifier::Fuzzy(d) => Box::new(FuzzyTermQuery::new(term, *d, true)),
                        _ => Box::new(FuzzyTermQuery::new_prefix(term, 0, false)),
                    };
                    per_field.push(boost_query(q, boost));
                }
                (Some(best_field(per_field)), false)
            }
            Atom::Word { text, scope, .. } | Atom::Phrase { text, scope } => {
                if let Some(q) = self.exact_name(text, *scope) {
                    self.exact_atoms.insert(atom.to_string());
                    return (Some(q), false);
                }
                let mut per_chain: Vec<Box<dyn Query>> = Vec::new();
                // A word that a language drops as a stop word (`de`, `the`)
                // is not looked up unstemmed either: in the neutral field it
                // would match nearly every article and only add noise.
                let is_word = matches!(atom, Atom::Word { .. });
                let stop = self.chains[1..]
                    .iter_mut()
                    .any(|(_, analyzer)| analysis::analyze(analyzer, text).is_empty());
                for (i, (tf, analyzer)) in self.chains.iter_mut().enumerate() {
                    if i == 0 && stop && is_word {
                        continue;
                    }
                    let tokens = analysis::analyze(analyzer, text);
                    if tokens.is_empty() {
                        continue;
                    }
                    let mut per_field: Vec<Box<dyn Query>> = Vec::new();
                    for (field, boost) in field_list(*tf, *scope) {
                        let q: Box<dyn Query> = if tokens.len() == 1 {
                            Box::new(TermQuery::new(
                                Term::from_field_text(field, &tokens[0].text),
                                IndexRecordOption::WithFreqs,
                            ))
                        } else {
                            let first = tokens[0].position;
                            let terms = tokens
                                .iter()
                                .map(|t| {
                                    (t.position - first, Term::from_field_text(field, &t.text))
                                })
                                .collect();
                            Box::new(PhraseQuery::new_with_offset(terms))
                        };
                        per_field.push(boost_query(q, boost));
                    }
                    let q = best_field(per_field);
                    per_chain.push(if i == 0 {
                        q
                    } else {
                        self.presence.restrict(self.codes[i], q)
                    });
                }
                if per_chain.is_empty() {
                    return (None, stop);
                }
                (
                    Some(Box::new(DisjunctionMaxQuery::with_tie_breaker(
                        per_chain,
                        TIE_BREAKER,
                    ))),
                    stop,
                )
            }
        }
    }

    /// One phrase query (slop 1) per pair of consecutive query words, on the
    /// neutral fields: the adjacency boost.
    fn proximity(&mut self, parsed: &ParsedQuery) -> Vec<Box<dyn Query>> {
        let words: Vec<&str> = parsed
            .groups
            .iter()
            .filter_map(|g| match g.as_slice() {
                [Atom::Word {
                    text,
                    scope: Scope::All,
                    modifier: Modifier::Exact,
                }] => Some(text.as_str()),
                _ => None,
            })
            .collect();
        let mut out = Vec::new();
        for pair in words.windows(2).take(MAX_PROXIMITY_PAIRS) {
            let tokens = analysis::analyze(&mut self.neutral, &pair.join(" "));
            if tokens.len() < 2 {
                continue;
            }
            for (field, boost) in field_list(self.fields.neutral, Scope::All) {
                out.push(boost_query(
                    term_or_phrase(field, &tokens, 1),
                    boost * PROXIMITY_BOOST,
                ));
            }
        }
        out
    }

    /// "Did you mean": each query word that the index does not contain is
    /// replaced by the most frequent indexed word within one or two edits.
    fn suggest(&mut self, parsed: &ParsedQuery) -> Vec<String> {
        let field = self.fields.neutral.body;
        let mut changed = false;
        let mut parts = Vec::new();
        for atom in parsed.atoms() {
            let Atom::Word {
                text,
                modifier: Modifier::Exact,
                ..
            } = atom
            else {
                parts.push(atom.to_string());
                continue;
            };
            let tokens = analysis::analyze(&mut self.neutral, text);
            let replacement = match tokens.as_slice() {
                [token] => self.closest_term(field, &token.text),
                _ => None,
            };
            match replacement {
                Some(word) => {
                    changed = true;
                    parts.push(match_case(text, &word));
                }
                None => parts.push(atom.to_string()),
            }
        }
        if changed {
            vec![parts.join(" ")]
        } else {
            Vec::new()
        }
    }

    /// The indexed term of `field` closest to `word` (fewest edits, then most
    /// documents), when `word` itself is not indexed.
    fn closest_term(&self, field: Field, word: &str) -> Option<String> {
        let len = word.chars().count();
        if len < 4 {
            return None;
        }
        let term = Term::from_field_text(field, word);
        if self.searcher.doc_freq(&term).unwrap_or(0) > 0 {
            return None;
        }
        let distance = if len >= 8 { 2 } else { 1 };
        let fuzzy = FuzzyTermQuery::new(term, distance, true);
        let mut candidates: HashMap<String, u64> = HashMap::default();
        for segment in self.searcher.segment_readers() {
            let automaton = fuzzy.automaton().ok()?;
            let Ok(inverted) = segment.inverted_index(field) else {
                continue;
            };
            let Ok(mut stream) = inverted.terms().search(automaton).into_stream() else {
                continue;
            };
            while stream.advance() {
                let key = String::from_utf8_lossy(stream.key()).into_owned();
                *candidates.entry(key).or_default() += u64::from(stream.value().doc_freq);
            }
        }
        candidates
            .into_iter()
            .min_by_key(|(t, df)| {
                (
                    strsim::damerau_levenshtein(word, t),
                    std::cmp::Reverse(*df),
                    t.clone(),
                )
            })
            .map(|(t, _)| t)
    }

    /// A query requiring every neutral token of `text` in `field`.
    fn all_terms(&mut self, field: Field, text: &str) -> Option<Box<dyn Query>> {
        let tokens = analysis::analyze(&mut self.neutral, text);
        if tokens.is_empty() {
            return None;
        }
        let terms: Vec<Box<dyn Query>> = tokens
            .iter()
            .map(|t| {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, &t.text),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>
            })
            .collect();
        Some(Box::new(BooleanQuery::intersection(terms)))
    }
}

/// A term query for one token, a phrase query (with `slop`) for several.
fn term_or_phrase(field: Field, tokens: &[Token], slop: u32) -> Box<dyn Query> {
    if tokens.len() == 1 {
        return Box::new(TermQuery::new(
            Term::from_field_text(field, &tokens[0].text),
            IndexRecordOption::WithFreqs,
        ));
    }
    let first = tokens[0].position;
    let terms = tokens
        .iter()
        .map(|t| (t.position - first, Term::from_field_text(field, &t.text)))
        .collect();
    Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop))
}

/// `word` with the capitalisation of `like` (`Zukerberg` → `Zuckerberg`).
fn match_case(like: &str, word: &str) -> String {
    let mut chars = word.chars();
    if like.chars().all(|c| !c.is_lowercase()) && like.chars().any(char::is_uppercase) {
        word.to_uppercase()
    } else if like.chars().next().is_some_and(char::is_uppercase) {
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    } else {
        word.to_string()
    }
}

fn field_list(tf: TextFields, scope: Scope) -> Vec<(Field, f32)> {
    match scope {
        Scope::All => vec![(tf.title, TITLE_BOOST), (tf.body, 1.0)],
        Scope::Title => vec![(tf.title, TITLE_BOOST)],
    }
}

/// The best of the per-field queries of one word: a word in the title and
/// in the body is one match, not two (a sum lowered PIAF-dev MRR@10 from
/// 0.802 to 0.777 with the other settings equal).
fn best_field(mut per_field: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if per_field.len() == 1 {
        return per_field.pop().expect("one");
    }
    Box::new(DisjunctionMaxQuery::new(per_field))
}

fn boost_query(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}
