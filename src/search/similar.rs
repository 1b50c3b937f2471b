//! More like this: the articles closest to a given one, for `veille search
//! --like ID`, `GET /api/articles/{id}/similar` and the article page.
//!
//! It exists apart from the query language because its query is not typed
//! by anyone: tantivy's `MoreLikeThis` picks the article's most telling
//! terms (by frequency in the article times rarity in the index) as its own
//! language chain analyses them, and as written in the exact fields (`C++`,
//! `GPT-4o`); the articles sharing most of them, weighted so, come first.
//!
//! The article's own copies and near-duplicates are not "other articles
//! like it": they are kept apart ([`LikeArticles::near_duplicates`]), found
//! as [`grouping`] finds a hit's group, with the article in the lead. The
//! hits show their opening: there are no query words to mark.

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, MoreLikeThisQuery, Occur, Query};
use tantivy::schema::{Field, OwnedValue, Term};
use tantivy::tokenizer::{PreTokenizedString, TextAnalyzer};
use tantivy::{DocAddress, Searcher};

use crate::analysis::{self, lang};
use crate::error::{Error, Result};
use crate::index::document::StoredArticle;
use crate::index::schema::{Fields, TextFields};
use crate::search::engine::{Engine, Results, SearchOptions, MAX_LIMIT};
use crate::search::filters::{self, Filters};
use crate::search::grouping;
use crate::search::hits::{self, Similar, SnippetShape};

/// Terms of the article that the query looks for: tantivy's default. On 60
/// OrangeSum articles, the share of the first five hits in the article's
/// own category (12 categories, 0.18 by chance) is 0.537 with 15 terms,
/// 0.560 with 25 and 0.580 with 50, a difference of a few hits; 2026-12-02.
const MAX_TERMS: usize = 25;
/// A term must be in at least this many articles, the article itself
/// included (a word no other article has finds nothing), and as many more
/// as the article has copies and near-duplicates.
const MIN_ARTICLES: u64 = 2;
/// Terms shorter than this many characters are left out (`l`, `d` of an
/// elision, single digits).
const MIN_TERM_CHARS: usize = 2;

/// The articles like one article.
#[derive(Debug, Clone)]
pub struct LikeArticles {
    /// The article they are like.
    pub id: String,
    /// Its title, as every output shows it.
    pub title: String,
    /// The other articles, closest first, grouped and paged as a search's
    /// hits are; `query` is the article's id.
    pub results: Results,
    /// The article's copies (the same text elsewhere) and near-duplicates:
    /// the same story, not among the hits.
    pub near_duplicates: Vec<Similar>,
}

impl Engine {
    /// The articles most like the article `id` (its copies and
    /// near-duplicates apart), within the languages and dates of `opts`;
    /// `None` when no article has this id. Its `sort`, `facets` and
    /// `translate` do not apply.
    pub fn like(&self, id: &str, opts: &SearchOptions) -> Result<Option<LikeArticles>> {
        let started = std::time::Instant::now();
        if opts.limit > MAX_LIMIT {
            return Err(Error::param("limit", format!("at most {MAX_LIMIT}")));
        }
        let searcher = self.searcher();
        let fields = &self.store.fields;
        let Some(address) = find(&searcher, fields, id)? else {
            return Ok(None);
        };
        let article = StoredArticle::load(&searcher, fields, address)?;
        let shown = hits::shown_title(&article);
        // Language names or codes, as a search takes them.
        let langs: Vec<String> = opts
            .langs
            .iter()
            .map(|l| lang::lookup(l).map_or_else(|| l.to_lowercase(), |x| x.code.to_string()))
            .collect();
        let restrictions = Filters {
            langs: &langs,
            since: opts.since,
            until: opts.until,
            ..Filters::default()
        };
        let wanted = opts.offset + opts.limit;
        let mut min_articles = MIN_ARTICLES;
        let (total, own, page) = loop {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = restrictions
                .queries(fields)
                .into_iter()
                .map(|q| {
                    (
                        Occur::Must,
                        Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn Query>,
                    )
                })
                .collect();
            clauses.push((
                Occur::MustNot,
                filters::term(Term::from_field_text(fields.id, &article.id)),
            ));
            let mlt = terms_query(fields, &article, min_articles);
            clauses.push((Occur::Must, Box::new(mlt)));
            let query = BooleanQuery::new(clauses);

            // The article leads the candidates, so that grouping puts its
            // own copies and near-duplicates in its group, whatever the
            // filters.
            let top = TopDocs::with_limit(grouping::candidates(wanted + 1)).order_by_score();
            let (found, total) = searcher.search(&query, &(top, Count))?;
            let mut docs = vec![(None, address)];
            docs.extend(found.into_iter().map(|(score, addr)| (Some(score), addr)));
            let mut page =
                grouping::page(&searcher, &docs, 0, wanted + 1, self.fingerprints())?.into_iter();
            let own = page.next().map(|(_, members)| members).unwrap_or_default();
            // A term that only the story's own versions share tells
            // nothing about other articles, yet it is the rarest, so the
            // first it would pick: ask again without such terms.
            let versions = MIN_ARTICLES + own.len() as u64;
            if versions > min_articles {
                min_articles = versions;
                continue;
            }
            break (
                total,
                own,
                page.skip(opts.offset).take(opts.limit).collect(),
            );
        };

        // The article's group, read as a hit's "also at" records are.
        let own = hits::read(
            &searcher,
            fields,
            vec![((None, address), own)],
            1,
            None,
            SnippetShape { count: 0, chars: 0 },
        )?
        .pop()
        .map(|hit| hit.similar)
        .unwrap_or_default();
        // No query words to mark: each hit shows its opening.
        let shape = SnippetShape {
            count: opts.snippets,
            chars: opts.fragment_chars,
        };
        let hits = hits::read(&searcher, fields, page, opts.offset + 1, None, shape)?;
        Ok(Some(LikeArticles {
            id: article.id.clone(),
            title: shown.text,
            results: Results {
                query: article.id,
                // As a search counts: every matching record, grouped or not.
                total,
                total_exact: true,
                hits,
                relaxed: false,
                warnings: Vec::new(),
                suggestions: Vec::new(),
                facets: None,
                translated: Vec::new(),
                took: started.elapsed(),
            },
            near_duplicates: own,
        }))
    }
}

/// The address of the live article with this id.
fn find(searcher: &Searcher, fields: &Fields, id: &str) -> Result<Option<DocAddress>> {
    let query = BooleanQuery::intersection(vec![
        filters::articles(fields),
        filters::term(Term::from_field_text(fields.id, id)),
    ]);
    let top = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
    Ok(top.first().map(|(_, addr)| *addr))
}

/// The fields the article's text is looked up in, each pair with the
/// analyzer that fills it: its language's chain (the neutral one when it
/// has none) and the exact fields of tech names.
fn chains(fields: &Fields, article: &StoredArticle) -> Vec<(TextFields, TextAnalyzer)> {
    let language = lang::lookup(&article.lang).filter(|l| l.has_chain());
    let chain = match language.and_then(|l| Some((fields.lang_fields(l)?, l))) {
        Some((tf, l)) => (tf, analysis::analyzer(Some(l))),
        None => (fields.neutral, analysis::analyzer(None)),
    };
    vec![chain, (fields.exact, analysis::exact_indexed())]
}

/// The "more like this" query of an article: a disjunction of its most
/// telling terms, each weighted by how telling it is (tantivy picks them
/// when the query is weighed). The text is handed over already analysed:
/// an index opened for searching has no analyzers registered.
fn terms_query(fields: &Fields, article: &StoredArticle, min_articles: u64) -> MoreLikeThisQuery {
    let text = article.text();
    let mut values: Vec<(Field, Vec<OwnedValue>)> = Vec::new();
    for (tf, mut analyzer) in chains(fields, article) {
        let mut analysed = |text: &str| {
            OwnedValue::PreTokStr(PreTokenizedString {
                text: text.to_string(),
                tokens: analysis::analyze(&mut analyzer, text),
            })
        };
        if let Some(title) = &article.title {
            values.push((tf.title, vec![analysed(title)]));
        }
        values.push((tf.body, vec![analysed(&text)]));
    }
    MoreLikeThisQuery::builder()
        .with_min_doc_frequency(min_articles)
        .with_min_term_frequency(1)
        .with_max_query_terms(MAX_TERMS)
        .with_min_word_length(MIN_TERM_CHARS)
        .with_boost_factor(1.0)
        .with_document_fields(values)
}
