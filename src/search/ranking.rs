//! Ranking: how a parsed query becomes one tantivy query, and so which
//! articles match and in what order. Everything that weighs a match is here.
//!
//! **What a query word is looked up as.** Each word is analysed by every
//! chain of the languages present in the index (or asked for with `lang:`)
//! and looked up in that chain's fields: a French stem in `title_fr` and
//! `body_fr`, an English stem in `title_en` and `body_en`, and the word
//! folded but unstemmed in the neutral fields `title_any` and `body_any`.
//! The best of these counts (a disjunction-max, plus [`TIE_BREAKER`] of the
//! others), so an article is never rewarded for being indexed twice; a
//! chain's query runs only in the segments holding its language
//! ([`Presence`], which also gives BM25 its statistics). A name (`OpenAI`,
//! `C++`, `"Wi-Fi 7"`: see [`query::is_name`]) is looked up as written, in
//! the exact or neutral fields only, when the index contains it. Fuzzy
//! (`word~`) and prefix (`word*`) words use the neutral fields. A phrase is
//! a phrase query in each chain's fields. A word or phrase that the
//! vocabulary of [`translate`](super::translate) knows is also looked up
//! as its translations, each through its own language's chain, at a lower
//! weight; they are alternatives of the words they translate, so a
//! required word is satisfied by itself or by a translation.
//!
//! **Weights.** Within a chain, a word in the title and in the body counts
//! once, at the better of the two, a title match weighing [`TITLE_BOOST`]
//! times a body match. A name found as written weighs [`NAME_BOOST`]. Two
//! query words next to each other in an article add [`PROXIMITY_BOOST`] of a
//! word's match (for the first [`MAX_PROXIMITY_PAIRS`] pairs). Filters add
//! nothing. The rest is tantivy's BM25.
//!
//! **Which words are required.** A short query requires all its words; when
//! that finds nothing, the engine asks again accepting any word and says so.
//! Sorted by relevance, a query of [`LOOSE_WORDS`] content words or more
//! (questions, mostly) accepts any word from the start and ranks by how much
//! of the query an article matches: such queries rarely have every word in
//! one article. A word that some chain drops as a stop word (`the`, `de`) is
//! never required. Excluded words (`-word`) must not match in any chain.
//!
//! A new ranking signal (a boost, another field) goes into
//! `QueryBuilder::build` or the per-word lookups it calls, with its weight
//! as a constant below and a test at the end of this file.

use rustc_hash::FxHashSet as HashSet;
use tantivy::collector::Count;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur,
    PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Term};
use tantivy::tokenizer::{TextAnalyzer, Token};
use tantivy::Searcher;

use crate::analysis;
use crate::analysis::lang::Language;
use crate::index::schema::{Fields, TextFields};
use crate::search::presence::Presence;
use crate::search::query::{self, Atom, Modifier, ParsedQuery, Scope};
use crate::search::translate::{Span, Translated};

/// Weight of a match in the title relative to one in the body. Measured
/// on PIAF-dev passages (2026-11-27, MRR@10 with the other settings equal):
/// 1.0: 0.800, 1.25: 0.802, 1.5: 0.800, 2.0: 0.792; news titles carry more
/// than Wikipedia section titles, hence a boost at all.
pub const TITLE_BOOST: f32 = 1.25;
/// Share of the other chains' scores added to the best chain's. On
/// PIAF-dev, 0.0 to 0.3 are within 0.002 of each other; 1.0 (a plain sum)
/// loses 0.02.
pub const TIE_BREAKER: f32 = 0.1;
/// Weight of a name found as written (in the exact fields) relative to a
/// word matched through the chains. A name is looked up in the exact fields
/// only, where it scores lower than a stemmed word does in the larger
/// chain fields; without the boost a question's common words outweigh the
/// name it is about (PIAF-dev MRR@10: 1.0: 0.789, 1.3: 0.800, 1.6: 0.802,
/// 2.0: 0.799).
pub const NAME_BOOST: f32 = 1.6;
/// Queries with at least this many content words accept any word from the
/// start (PIAF-dev MRR@10: 0.802 with 3, 0.800 with 4, 0.798 when every
/// query first requires all its words).
pub const LOOSE_WORDS: usize = 3;

/// Weight of the adjacency boost relative to a single word's match.
pub const PROXIMITY_BOOST: f32 = 0.25;
/// At most this many word pairs get an adjacency boost.
pub const MAX_PROXIMITY_PAIRS: usize = 8;

/// Builds the tantivy query of a parsed query, analysing each word with
/// every chain taking part.
pub(crate) struct QueryBuilder<'a> {
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
    /// Groups of the query also searched as their translations.
    translations: Vec<Span>,
}

impl<'a> QueryBuilder<'a> {
    /// A builder for the chains of `languages` (and the neutral chain).
    pub(crate) fn new(
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
            translations: Vec::new(),
        }
    }

    /// Also searches these groups of the query as their translations.
    pub(crate) fn translate(&mut self, spans: Vec<Span>) {
        self.translations = spans;
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

    /// Whether the query accepts any of its words from the start rather
    /// than first requiring all of them: a query of [`LOOSE_WORDS`] content
    /// words or more, sorted by relevance. Accepting any word relies on the
    /// ranking to put the articles with most of the query first; sorted by
    /// date, every word is required.
    pub(crate) fn any_word_first(&mut self, parsed: &ParsedQuery, by_relevance: bool) -> bool {
        by_relevance && self.content_words(parsed) >= LOOSE_WORDS
    }

    /// Atoms (as displayed) that were looked up as names, in the exact
    /// fields only: snippets highlight only their whole form.
    pub(crate) fn exact_atoms(&self) -> &HashSet<String> {
        &self.exact_atoms
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
    /// any group may match instead of all of them. The filters are
    /// required but add nothing to the score.
    pub(crate) fn build(
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
        let mut units = Vec::with_capacity(parsed.groups.len());
        for group in &parsed.groups {
            let mut alternatives = Vec::new();
            let mut has_stopword = false;
            for atom in group {
                let (q, stop) = self.atom(atom);
                has_stopword |= stop;
                alternatives.extend(q);
            }
            if alternatives.is_empty() {
                units.push(None);
                continue;
            }
            let q: Box<dyn Query> = if alternatives.len() == 1 {
                alternatives.pop().expect("one")
            } else {
                Box::new(BooleanQuery::union(alternatives))
            };
            units.push(Some((q, has_stopword)));
        }
        for (q, has_stopword) in self.with_translations(units, loose).into_iter().flatten() {
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

    /// The query of each group (and whether it holds a stop word), with
    /// the translations added: the groups of a translated span become one,
    /// matched either by those groups (each required as before, or any of
    /// them when `loose`) or by one of the translations. A span with
    /// nothing to search in the index's languages is left as it was.
    fn with_translations(
        &mut self,
        mut units: Vec<Option<(Box<dyn Query>, bool)>>,
        loose: bool,
    ) -> Vec<Option<(Box<dyn Query>, bool)>> {
        let spans = std::mem::take(&mut self.translations);
        for span in &spans {
            let translations: Vec<Box<dyn Query>> = span
                .terms
                .iter()
                .filter_map(|t| self.translation(t, span.scope))
                .collect();
            if translations.is_empty() {
                continue;
            }
            let mut typed: Vec<(Box<dyn Query>, bool)> = span
                .groups
                .clone()
                .filter_map(|i| units.get_mut(i)?.take())
                .collect();
            // Optional when its words are: a stop word, or nothing to search.
            let stop = typed.iter().all(|(_, stop)| *stop);
            let mut alternatives = Vec::new();
            if typed.len() == 1 || (loose && !typed.is_empty()) {
                alternatives.extend(typed.drain(..).map(|(q, _)| q));
            } else if !typed.is_empty() {
                let each = typed
                    .into_iter()
                    .map(|(q, stop)| (if stop { Occur::Should } else { Occur::Must }, q))
                    .collect();
                alternatives.push(Box::new(BooleanQuery::new(each)));
            }
            alternatives.push(Box::new(DisjunctionMaxQuery::with_tie_breaker(
                translations,
                TIE_BREAKER,
            )));
            units[span.groups.start] = Some((Box::new(BooleanQuery::union(alternatives)), stop));
        }
        self.translations = spans;
        units
    }

    /// The query of a translation: through its language's chain, in that
    /// language's fields, at the translation's weight. A phrase whose chain
    /// drops one of its words (a stop word: `en ligne`) is looked up as
    /// written in the neutral fields instead.
    fn translation(&mut self, t: &Translated, scope: Scope) -> Option<Box<dyn Query>> {
        let chain = self.codes.iter().position(|c| *c == t.lang)?;
        let words = analysis::analyze(&mut self.neutral, &t.to);
        let (tf, analyzer) = &mut self.chains[chain];
        let tokens = analysis::analyze(analyzer, &t.to);
        let (tf, tokens) = if !tokens.is_empty() && tokens.len() == words.len() {
            (*tf, tokens)
        } else if !words.is_empty() {
            (self.fields.neutral, words)
        } else {
            return None;
        };
        let per_field = field_list(tf, scope)
            .into_iter()
            .map(|(field, boost)| boost_query(term_or_phrase(field, &tokens, 0), boost))
            .collect();
        let q = self.presence.restrict(&t.lang, best_field(per_field));
        Some(boost_query(q, t.weight()))
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
                        per_field.push(boost_query(term_or_phrase(field, &tokens, 0), boost));
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

/// The fields of one chain that an atom of `scope` is looked up in, with
/// their weights.
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

/// `q` weighted by `boost` (unwrapped for a weight of 1).
fn boost_query(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur, Query};
    use tantivy::DocAddress;

    use super::*;
    use crate::analysis::lang;
    use crate::search::{filters, fixture, Engine};

    /// A French article (its title is the first line) that names OpenAI and
    /// C++, and an English one.
    const FR: &str = "Le gouvernement présente un plan pour le numérique.\n\n\
        Les ministres veulent former les agents publics à l’intelligence artificielle \
        et moderniser les services en ligne d’ici deux ans, selon le communiqué. \
        OpenAI et les développeurs C++ sont invités.";
    const EN: &str = "The government presents a digital plan.\n\n\
        Ministers want to train public servants in artificial intelligence \
        and modernise online services within two years, the statement said.";

    /// One segment per article: tantivy (in debug builds) cannot explain
    /// the score of a document that a union of clauses skips over, and a
    /// chain restricted to other segments never reaches it.
    fn index() -> (tempfile::TempDir, Engine) {
        fixture::index(&[&[("fr.txt", FR)], &[("en.txt", EN)]])
    }

    /// Runs `f` with a builder for the French and English chains, and the
    /// searcher it reads.
    fn with_builder<R>(
        engine: &Engine,
        f: impl FnOnce(&mut QueryBuilder<'_>, &Searcher) -> R,
    ) -> R {
        let searcher = engine.searcher();
        let presence = Presence::new(&searcher, &engine.store.fields).unwrap();
        let languages: Vec<&'static Language> = ["fr", "en"]
            .iter()
            .map(|c| lang::lookup(c).unwrap())
            .collect();
        let mut builder = QueryBuilder::new(&engine.store.fields, &searcher, &presence, &languages);
        f(&mut builder, &searcher)
    }

    /// What a query looks up: (field name, term, as part of a phrase).
    fn lookups(engine: &Engine, q: &dyn Query) -> BTreeSet<(String, String, bool)> {
        let schema = &engine.store.fields.schema;
        let mut out = BTreeSet::new();
        q.query_terms(&mut |term, positions| {
            let text = term.value().as_str().unwrap_or_default().to_string();
            out.insert((
                schema.get_field_name(term.field()).to_string(),
                text,
                positions,
            ));
        });
        out
    }

    /// The same, for words looked up alone (not in a phrase).
    fn words(engine: &Engine, q: &dyn Query) -> BTreeSet<(String, String)> {
        lookups(engine, q)
            .into_iter()
            .map(|(field, text, positions)| {
                assert!(!positions, "{field}:{text} looked up as part of a phrase");
                (field, text)
            })
            .collect()
    }

    fn atom(builder: &mut QueryBuilder<'_>, text: &str) -> Box<dyn Query> {
        let parsed = query::parse(text);
        let (q, _) = builder.atom(&parsed.groups[0][0]);
        q.expect("the word is looked up")
    }

    /// The clauses of a built query, by kind.
    fn occurs(q: &dyn Query) -> Vec<Occur> {
        clauses(q).iter().map(|(o, _)| *o).collect()
    }

    fn clauses(q: &dyn Query) -> &[(Occur, Box<dyn Query>)] {
        q.downcast_ref::<BooleanQuery>()
            .expect("a boolean query")
            .clauses()
    }

    /// The weights that `q` applied in scoring the article `id`, from
    /// tantivy's explanation of its score.
    fn weights(engine: &Engine, searcher: &Searcher, q: &dyn Query, id: &str) -> Vec<f32> {
        let by_id = filters::term(Term::from_field_text(engine.store.fields.id, id));
        let top = searcher
            .search(by_id.as_ref(), &TopDocs::with_limit(1).order_by_score())
            .unwrap();
        let address: DocAddress = top[0].1;
        let explanation = q.explain(searcher, address).unwrap();
        let tree: serde_json::Value = serde_json::from_str(&explanation.to_pretty_json()).unwrap();
        let mut out = Vec::new();
        collect_boosts(&tree, &mut out);
        out
    }

    fn collect_boosts(node: &serde_json::Value, out: &mut Vec<f32>) {
        let description = node["description"].as_str().unwrap_or_default();
        if let Some(rest) = description.strip_prefix("Boost x") {
            out.push(rest.split(' ').next().unwrap().parse().unwrap());
        }
        for child in node["details"].as_array().into_iter().flatten() {
            collect_boosts(child, out);
        }
    }

    #[test]
    fn what_a_word_is_looked_up_as() {
        let (_dir, engine) = index();
        let cases: [(&str, &[(&str, &str)]); 4] = [
            // Each chain's stem in its own fields, the folded word in the
            // neutral ones; never in the exact fields.
            (
                "numérique",
                &[
                    ("body_any", "numerique"),
                    ("body_en", "numeriqu"),
                    ("body_fr", "numer"),
                    ("title_any", "numerique"),
                    ("title_en", "numeriqu"),
                    ("title_fr", "numer"),
                ],
            ),
            // `title:` keeps the title fields only.
            (
                "title:gouvernement",
                &[
                    ("title_any", "gouvernement"),
                    ("title_en", "gouvern"),
                    ("title_fr", "gouvern"),
                ],
            ),
            // A name the index holds is looked up as written, never
            // stemmed (OpenAI would be `open`)...
            ("OpenAI", &[("body_any", "openai"), ("title_any", "openai")]),
            // ... a compound name in the exact fields.
            ("C++", &[("body_exact", "c++"), ("title_exact", "c++")]),
        ];
        with_builder(&engine, |b, _| {
            for (text, expected) in cases {
                let expected: BTreeSet<(String, String)> = expected
                    .iter()
                    .map(|(f, t)| (f.to_string(), t.to_string()))
                    .collect();
                assert_eq!(words(&engine, atom(b, text).as_ref()), expected, "{text}");
            }
            let names: BTreeSet<&str> = b.exact_atoms().iter().map(String::as_str).collect();
            assert_eq!(names, BTreeSet::from(["OpenAI", "C++"]));

            // A name the index lacks goes through the chains like any word.
            let q = atom(b, "Anthropic");
            let fields: BTreeSet<String> = words(&engine, q.as_ref())
                .into_iter()
                .map(|(f, _)| f)
                .collect();
            assert!(
                fields.contains("body_fr") && fields.contains("body_en"),
                "{fields:?}"
            );
            assert!(!b.exact_atoms().contains("Anthropic"));

            // Fuzzy and prefix words go to the neutral fields only. (Such
            // queries do not report their terms to `query_terms`; their
            // debug form names the field ids.)
            let q = atom(b, "gouvern*");
            let fields: BTreeSet<String> = format!("{q:?}")
                .split("field=")
                .skip(1)
                .map(|s| s.split(',').next().unwrap().to_string())
                .collect();
            let neutral = &engine.store.fields.neutral;
            let expected: BTreeSet<String> = [neutral.title, neutral.body]
                .iter()
                .map(|f| f.field_id().to_string())
                .collect();
            assert_eq!(fields, expected, "{q:?}");
        });
    }

    #[test]
    fn titles_names_and_adjacent_words_carry_their_weights() {
        let (_dir, engine) = index();
        with_builder(&engine, |b, searcher| {
            // In the title (and the body) of the French article: the
            // title's weight, in the neutral and the French fields.
            let q = atom(b, "gouvernement");
            assert_eq!(
                weights(&engine, searcher, q.as_ref(), "fr.txt"),
                [TITLE_BOOST, TITLE_BOOST]
            );
            // In the body only: no weight but BM25's.
            let q = atom(b, "ministres");
            assert!(weights(&engine, searcher, q.as_ref(), "fr.txt").is_empty());
            // A name in the body only: the name's weight, nothing else.
            let q = atom(b, "OpenAI");
            assert_eq!(
                weights(&engine, searcher, q.as_ref(), "fr.txt"),
                [NAME_BOOST]
            );

            // Two query words next to each other add a phrase match, in the
            // neutral fields, at PROXIMITY_BOOST of a word's weight.
            let in_title = b.proximity(&query::parse("gouvernement présente"));
            assert_eq!(in_title.len(), 2, "title and body");
            let phrase = BTreeSet::from([
                ("title_any".to_string(), "gouvernement".to_string(), true),
                ("title_any".to_string(), "presente".to_string(), true),
            ]);
            assert_eq!(lookups(&engine, in_title[0].as_ref()), phrase);
            assert_eq!(
                weights(&engine, searcher, in_title[0].as_ref(), "fr.txt"),
                [TITLE_BOOST * PROXIMITY_BOOST]
            );
            let in_body = b.proximity(&query::parse("agents publics"));
            assert_eq!(
                weights(&engine, searcher, in_body[1].as_ref(), "fr.txt"),
                [PROXIMITY_BOOST]
            );
        });
    }

    #[test]
    fn short_queries_require_every_word_and_long_ones_accept_any() {
        let (_dir, engine) = index();
        let fields = &engine.store.fields;
        with_builder(&engine, |b, searcher| {
            let short = query::parse("gouvernement Anthropic");
            let long = query::parse("gouvernement numérique ministres");
            assert!(!b.any_word_first(&short, true));
            assert!(b.any_word_first(&long, true));
            assert!(!b.any_word_first(&long, false), "sorted by date, all words");
            // Words a chain drops (`the`, `of`) are not content words.
            assert!(!b.any_word_first(&query::parse("the plan of the government"), true));

            let filters = vec![filters::articles(fields)];
            let count = |q: &dyn Query| searcher.search(q, &tantivy::collector::Count).unwrap();
            // Filter, both words required, then the adjacency of the pair
            // (title and body).
            let strict = b.build(&short, &filters, false);
            use Occur::{Must, MustNot, Should};
            assert_eq!(occurs(strict.as_ref()), [Must, Must, Must, Should, Should]);
            assert_eq!(count(strict.as_ref()), 0, "no article names Anthropic");
            // Loose: one required union of the words.
            let loose = b.build(&short, &filters, true);
            assert_eq!(occurs(loose.as_ref()), [Must, Must, Should, Should]);
            assert_eq!(count(loose.as_ref()), 1);

            // A word some chain drops as a stop word is never required, and
            // is not looked up unstemmed.
            let q = b.build(&query::parse("the government"), &filters, false);
            assert_eq!(occurs(q.as_ref()), [Must, Must, Should, Should, Should]);
            let the = words(&engine, clauses(q.as_ref())[2].1.as_ref());
            assert!(the.iter().all(|(f, _)| !f.ends_with("_any")), "{the:?}");
            assert!(the.iter().all(|(_, t)| t == "the"), "{the:?}");

            // A phrase is looked up as a phrase in every chain; an excluded
            // word must match in none.
            let with = b.build(
                &query::parse("\"intelligence artificielle\""),
                &filters,
                false,
            );
            assert_eq!(count(with.as_ref()), 1);
            let without = b.build(
                &query::parse("\"intelligence artificielle\" -ministres"),
                &filters,
                false,
            );
            assert_eq!(occurs(without.as_ref()), [Must, Must, MustNot]);
            assert_eq!(count(without.as_ref()), 0);
            let phrase = lookups(&engine, clauses(without.as_ref())[1].1.as_ref());
            assert!(
                phrase.iter().all(|(_, _, positions)| *positions),
                "{phrase:?}"
            );
            for field in ["body_any", "body_fr", "body_en"] {
                assert!(
                    phrase.iter().any(|(f, _, _)| f == field),
                    "{field}: {phrase:?}"
                );
            }
            let excluded = words(&engine, clauses(without.as_ref())[2].1.as_ref());
            assert!(
                excluded.contains(&("body_fr".to_string(), "ministr".to_string())),
                "{excluded:?}"
            );
        });
    }

    #[test]
    fn translations_are_alternatives_of_their_words_at_a_lower_weight() {
        use crate::search::translate::{Vocabulary, TRANSLATION_WEIGHT};
        let (_dir, engine) = index();
        let fields = &engine.store.fields;
        with_builder(&engine, |b, searcher| {
            let parsed = query::parse("intelligence artificielle");
            let filters = vec![filters::articles(fields)];
            let count = |q: &dyn Query| searcher.search(q, &tantivy::collector::Count).unwrap();
            let without = b.build(&parsed, &filters, false);
            assert_eq!(count(without.as_ref()), 1, "the French article only");

            let spans = Vocabulary::builtin().expand(&parsed, &|_, to| to == "en");
            assert_eq!(spans.len(), 1, "{spans:?}");
            b.translate(spans);
            // Both words required, or their translation: one unit.
            let with = b.build(&parsed, &filters, false);
            use Occur::{Must, Should};
            assert_eq!(occurs(with.as_ref()), [Must, Must, Should, Should]);
            assert_eq!(count(with.as_ref()), 2);
            let translated = lookups(&engine, clauses(with.as_ref())[1].1.as_ref());
            for term in ["artifici", "intellig"] {
                assert!(
                    translated.contains(&("body_en".to_string(), term.to_string(), true)),
                    "{term}: {translated:?}"
                );
            }
            // The unit: the words as typed, or the translation, which finds
            // the English article at its weight.
            let unit = clauses(with.as_ref())[1].1.as_ref();
            let translation = clauses(unit)[1].1.as_ref();
            assert_eq!(
                weights(&engine, searcher, translation, "en.txt"),
                [TRANSLATION_WEIGHT]
            );
        });
    }
}
