//! Ranking: how a parsed query becomes one tantivy query, and so which
//! articles match and in what order. Everything that weighs a match is here.
//!
//! **What a query word is looked up as.** Each word is analysed by every
//! chain of the languages present in the index (or asked for with `lang:`)
//! and looked up in that chain's fields: a French stem in `title_fr` and
//! `body_fr`, an English stem in `title_en` and `body_en`, and the word
//! folded but unstemmed in the neutral fields `title_any` and `body_any`.
//! The best of these counts (a [`Disjunction`] max, plus [`TIE_BREAKER`] of the
//! others), so an article is never rewarded for being indexed twice; a
//! chain's query runs only in the segments holding its language
//! ([`Presence`], which also gives BM25 its statistics). A name (`OpenAI`,
//! `C++`, `AI`, `"Wi-Fi 7"`: see [`query::is_name`]) is looked up as
//! written, in the exact or neutral fields only, when the index contains
//! it: compounds and words in capitals in the exact fields, where `AI` is
//! never the `ai` of `j’ai`. A compound with a symbol, or a word in
//! capitals that a language drops as a stop word, that no article writes
//! as the query does matches nothing: its plain words would be something
//! else (`C++` would be `c`, `.NET` the word `net`, `EU` the `eu` of `il y
//! a eu`). A lowercase word that the index mostly writes as a name
//! (`openai`, `meta`) is read as that name
//! ([`QueryBuilder::resolve_names`]). Fuzzy (`word~`) and prefix (`word*`)
//! words use the neutral fields. A phrase is a phrase query in each
//! chain's fields. A word or phrase that the vocabulary of
//! [`translate`](super::translate) knows is also looked up as its
//! translations, each through its own language's chain, at a lower weight;
//! they are alternatives of the words they translate, so a required word is
//! satisfied by itself or by a translation.
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
//! **Queries whose words all vanish.** When every word of a query is
//! dropped by some chain (`le`, `la le les`, `à la une`), the query is
//! searched as written: each word, unstemmed and with its stop words, in
//! the neutral fields, all required, ranked by BM25 (and its snippets mark
//! them so: [`QueryBuilder::searched_as_written`]). A query left with
//! nothing to score matches nothing: filters alone never select articles.
//!
//! A new ranking signal (a boost, another field) goes into
//! `QueryBuilder::build` or the per-word lookups it calls, with its weight
//! as a constant below and a test at the end of this file.

use rustc_hash::FxHashSet as HashSet;
use tantivy::query::{
    Bm25StatisticsProvider, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery,
    Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Term};
use tantivy::tokenizer::{TextAnalyzer, Token};
use tantivy::Searcher;

use crate::analysis;
use crate::analysis::lang::Language;
use crate::index::schema::{Fields, TextFields};
use crate::search::disjunction::Disjunction;
use crate::search::engine::count_up_to;
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

/// A lowercase query word is read as a name when at least this share of
/// the articles holding it write it as one, inside a sentence (bodies
/// only: English titles capitalise every word). On OrangeSum (33k
/// articles), names score 0.92 to 0.99 (`netflix`, `twitter`, `google`,
/// `facebook`, `macron`, `microsoft`); ordinary words that articles often
/// capitalise score less: `assemblee` 0.87 (*Assemblée nationale*, but
/// *une assemblée*), `etat` 0.71 (*l’État*, but *état d’urgence*),
/// `francais` 0.55 (*les Français*, but *le gouvernement français*),
/// `britanniques` 0.42, `le` 0.22 (*Le Pen*); plain words 0.05 or less
/// (`selon`, `gouvernement`, `president`). On the tuning half of PIAF-dev,
/// with [`NAME_EVIDENCE`], a share of 0.5 gives MRR@10 0.7922, 0.7 to 0.95
/// all 0.7929.
pub const NAME_SHARE: f64 = 0.9;

/// ... and when at least this many articles write it so. Fewer are no
/// evidence: an ordinary word that articles capitalise seven times in ten
/// (`État`) is capitalised in all of 10 articles 3% of the time (0.7¹⁰),
/// in all of 2 half the time. On PIAF-dev (761 passages) the words read as
/// names without this floor were mostly seen in one or two passages
/// (`mers`, `stars`, `madrilenes`), and they decided the rank of a few
/// questions either way: on its tuning half, a floor of 1, 2, 3, 5 and 10
/// articles gives MRR@10 0.7949, 0.7936, 0.7930, 0.7930 and 0.7929. The
/// floor is set by the argument above, not by those figures.
pub const NAME_EVIDENCE: u64 = 10;

/// Weight of a resolved name's stem-mates (`met`, `mettait` for `meta`
/// read as `Meta`) relative to a word's match: low enough that the
/// articles with the name come first, but the others are still found when
/// the name was a wrong guess. On the tuning half of PIAF-dev, where few
/// words pass [`NAME_SHARE`] and [`NAME_EVIDENCE`] (`france`, `canada`,
/// `milan`), no weight from 0 to 1.0 changes MRR@10 (0.7929).
pub const STEM_MATES_BOOST: f32 = 0.1;

/// How a query word that looks like a name is looked up.
enum NameLookup {
    /// As any word, through the chains: not a name, or a name the index
    /// does not hold as written but may hold otherwise (`Anthropic`).
    Chains,
    /// As written.
    Found(Box<dyn Query>),
    /// Nowhere: a name that no article writes as the query does and whose
    /// plain words are something else (`C++`, `.NET`, `EU` in a French
    /// index without it: see [`QueryBuilder::loses_identity`]).
    Absent,
}

/// One group of the query (its atoms, any of which may match), as looked
/// up.
struct GroupQuery {
    query: Option<Box<dyn Query>>,
    /// Some chain drops one of its words as a stop word: never required.
    stop: bool,
}

impl GroupQuery {
    /// Nothing of the group is left to search for but stop words.
    fn vanished(&self) -> bool {
        self.query.is_none() || self.stop
    }
}

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
    /// Atoms (as displayed) that are names the index does not hold.
    absent: HashSet<String>,
    /// Atoms (as displayed) that were lowercase words read as names.
    resolved: HashSet<String>,
    /// Groups of the query also searched as their translations.
    translations: Vec<Span>,
    /// Every word vanished, and the query was searched as written.
    as_written: bool,
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
            absent: HashSet::default(),
            resolved: HashSet::default(),
            translations: Vec::new(),
            as_written: false,
        }
    }

    /// Also searches these groups of the query as their translations.
    pub(crate) fn translate(&mut self, spans: Vec<Span>) {
        self.translations = spans;
    }

    /// Rewrites each lowercase word that the index mostly writes as a name
    /// (see [`NAME_SHARE`] and [`NAME_EVIDENCE`]) as that name: in capitals
    /// when the index mostly
    /// writes it so (`ue` → `UE`), else with a capital (`openai` →
    /// `Openai`, which is looked up as `OpenAI` is). The statistics are the
    /// index's own: the articles whose body holds the word written as a
    /// name (the exact fields) against those holding it at all (the
    /// neutral fields). Its stem-mates still match, far behind (see
    /// [`STEM_MATES_BOOST`]).
    pub(crate) fn resolve_names(&mut self, parsed: &mut ParsedQuery) {
        self.unshout(parsed);
        for atom in parsed.groups.iter_mut().flatten() {
            let Atom::Word {
                text,
                modifier: Modifier::Exact,
                ..
            } = atom
            else {
                continue;
            };
            if query::is_name(text) {
                continue;
            }
            let tokens = analysis::analyze(&mut self.neutral, text);
            let [token] = tokens.as_slice() else {
                continue;
            };
            let word = token.text.as_str();
            // Through `Presence`, which remembers the sums for BM25.
            let df = |field: Field, term: &str| {
                self.presence
                    .doc_freq(&Term::from_field_text(field, term))
                    .unwrap_or(0)
            };
            let all = df(self.fields.neutral.body, word);
            if all == 0 {
                continue;
            }
            let upper = word.to_uppercase();
            let capitalised = df(self.fields.exact.body, word);
            let capitals = df(self.fields.exact.body, &upper);
            let named = capitalised + capitals;
            if named < NAME_EVIDENCE || (named as f64) < NAME_SHARE * all as f64 {
                continue;
            }
            *text = if capitals > capitalised {
                upper
            } else {
                let mut chars = word.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            };
            self.resolved.insert(atom.to_string());
        }
    }

    /// Lowercases the words of a query typed in capitals that the exact
    /// chain, reading the query's words together as it reads an article,
    /// takes for shouted text rather than acronyms (`BAHIA COCOA REVIEW`):
    /// each word alone would look like an acronym.
    fn unshout(&mut self, parsed: &mut ParsedQuery) {
        let mut joined = String::new();
        let mut spans = Vec::new();
        for atom in parsed.atoms() {
            if !joined.is_empty() {
                joined.push(' ');
            }
            spans.push((joined.len(), joined.len() + atom.text().len()));
            joined.push_str(atom.text());
        }
        let tokens = analysis::analyze(&mut self.exact, &joined);
        let atoms = parsed.groups.iter_mut().flatten();
        for (atom, (from, to)) in atoms.zip(spans) {
            let Atom::Word {
                text,
                modifier: Modifier::Exact,
                ..
            } = atom
            else {
                continue;
            };
            let mut inside = tokens
                .iter()
                .filter(|t| t.offset_from >= from && t.offset_to <= to)
                .peekable();
            let capitals =
                text.chars().any(char::is_uppercase) && !text.chars().any(char::is_lowercase);
            // Compounds come out lowercased whatever their case (`C#`).
            let shouted = |t: &Token| {
                !analysis::is_compound(&t.text) && !t.text.chars().any(char::is_uppercase)
            };
            if capitals && inside.peek().is_some() && inside.all(shouted) {
                *text = text.to_lowercase();
            }
        }
    }

    /// For a name (`OpenAI`, `C++`, `AI`, `"Wi-Fi 7"`), the query on the
    /// exact and neutral fields, when the index contains it as written.
    /// Stems of a name match unrelated words (`OpenAI` stems to `open`,
    /// `Meta` to `met`), so when the name itself occurs, only the name is
    /// looked for.
    fn exact_name(&mut self, text: &str, scope: Scope) -> NameLookup {
        if !query::is_name(text) {
            return NameLookup::Chains;
        }
        let tokens = analysis::analyze(&mut self.exact, text);
        // The exact fields hold the compounds (`C++`, `GPT-4o`) and the
        // words in capitals (`AI`); a plain or capitalised word of a name is
        // the same token in the neutral fields.
        let special: Vec<Token> = tokens.iter().filter(|t| is_special(t)).cloned().collect();
        let compounds: Vec<Token> = special
            .iter()
            .filter(|t| analysis::is_compound(&t.text))
            .cloned()
            .collect();
        let words = analysis::analyze(&mut self.neutral, text);
        if tokens.is_empty() || (special.is_empty() && words.is_empty()) {
            return NameLookup::Chains;
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
            // Words in capitals (`AI`, `Scale AI`) select the articles that
            // write them so, and score as the same words in the neutral
            // fields: the exact fields' statistics say how rare the
            // capitals are, not how much the word weighs in an article.
            let q = if special.len() == compounds.len() {
                q
            } else {
                let capitals = term_or_phrase(exact, &special, 0);
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, q),
                    (Occur::Must, Box::new(ConstScoreQuery::new(capitals, 0.0))),
                ]))
            };
            per_field.push(boost_query(q, boost));
        }
        let q = best_field(per_field);
        // One live article writing it so is enough to know.
        if count_up_to(self.searcher, q.as_ref(), 1).is_ok_and(|(n, _)| n > 0) {
            NameLookup::Found(boost_query(q, NAME_BOOST))
        } else if special.iter().any(|t| self.loses_identity(&t.text))
            || self.stem_drops_a_part(text)
        {
            NameLookup::Absent
        } else {
            NameLookup::Chains
        }
    }

    /// Whether the plain words of a name token (as the exact chain gives
    /// it) are something else than the name: a compound whose symbol word
    /// tokenizers drop (`C++` is `c`, `.NET` is `net`, `Node.js` is `node`
    /// and `js`), or a word in capitals that some language drops as a stop
    /// word or an elided fragment (`AI`, the `ai` of `j’ai`; `EU`, the `eu`
    /// of `il y a eu`). A hyphenated name reads the same as its words
    /// (`Jean-Luc`), and so do a number (`3.5`) and a word merely typed in
    /// capitals (`PRÉCIEUSE`).
    fn loses_identity(&mut self, token: &str) -> bool {
        if token.chars().any(char::is_uppercase) {
            return self.chains[1..]
                .iter_mut()
                .any(|(_, analyzer)| analysis::analyze(analyzer, token).is_empty());
        }
        token.contains(['+', '#', '.']) && token.chars().any(char::is_alphabetic)
    }

    /// Whether a chain stems a name in two parts (`OpenAI`, `DeepMind`: a
    /// capital after a small letter) to less than its first part: French
    /// reads `openai` as a verb and stems it to `open`, which would find
    /// `Open Arms` in an index that lacks the name. A stem that only cuts
    /// the last part (`iPhones` to `iphon`) keeps the name's identity.
    fn stem_drops_a_part(&mut self, text: &str) -> bool {
        let mut previous_small = false;
        let mut last_part = None;
        for (i, c) in text.char_indices() {
            if c.is_uppercase() && previous_small {
                last_part = Some(i);
            }
            previous_small = c.is_lowercase();
        }
        let Some(last_part) = last_part else {
            return false;
        };
        self.chains[1..].iter_mut().any(|(_, analyzer)| {
            matches!(analysis::analyze(analyzer, text).as_slice(), [one] if one.text.len() <= last_part)
        })
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

    /// Whether every word of the query vanished and it was searched as
    /// written, in the neutral fields (`le`, `"à la une"`): snippets then
    /// mark its words as written too.
    pub(crate) fn searched_as_written(&self) -> bool {
        self.as_written
    }

    /// Atoms (as displayed) that are names no article writes as the query
    /// does (`C++` in an index without it): they matched nothing.
    pub(crate) fn absent_names(&self) -> &HashSet<String> {
        &self.absent
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
    /// required but add nothing to the score; a query with nothing else
    /// matches nothing.
    pub(crate) fn build(
        &mut self,
        parsed: &ParsedQuery,
        filters: &[Box<dyn Query>],
        loose: bool,
    ) -> Box<dyn Query> {
        let mut groups: Vec<GroupQuery> = parsed.groups.iter().map(|g| self.group(g)).collect();
        if groups.iter().all(GroupQuery::vanished) {
            groups = parsed.groups.iter().map(|g| self.literal(g)).collect();
            self.as_written = true;
        }
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
        let units = groups
            .into_iter()
            .map(|g| Some((g.query?, g.stop)))
            .collect();
        for (q, stop) in self.with_translations(units, loose).into_iter().flatten() {
            // A word that some chain drops as a stop word cannot be required:
            // articles in that language would never match it.
            if loose || stop {
                optional.push(q);
            } else {
                clauses.push((Occur::Must, q));
            }
        }
        let required = clauses.len() > filters.len();
        // What may match and adds to the score: optional words, then
        // adjacency. One clause for all, a [`Disjunction`] (tantivy would
        // score its own union of them the same, through a window it sets up
        // in every segment).
        let mut scoring = Vec::new();
        if !optional.is_empty() {
            if required {
                scoring = optional;
            } else {
                clauses.push((Occur::Must, Box::new(Disjunction::sum(optional))));
            }
        }
        if clauses.len() == filters.len() {
            // Every word vanished, even as written (a word too long to be
            // indexed): the filters alone would select articles at score 0.
            return Box::new(EmptyQuery);
        }
        // Articles where the query words stand next to each other rank higher.
        scoring.extend(self.proximity(parsed));
        if !scoring.is_empty() {
            clauses.push((Occur::Should, Box::new(Disjunction::sum(scoring))));
        }
        for atom in &parsed.excluded {
            if let (Some(q), _) = self.atom(atom) {
                clauses.push((Occur::MustNot, q));
            }
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// One group through the chains: the union of its atoms' queries.
    fn group(&mut self, group: &[Atom]) -> GroupQuery {
        let mut alternatives = Vec::new();
        let mut stop = false;
        for atom in group {
            let (q, s) = self.atom(atom);
            stop |= s;
            alternatives.extend(q);
        }
        GroupQuery {
            query: union(alternatives),
            stop,
        }
    }

    /// One group as written: each atom, unstemmed and with its stop words,
    /// in the neutral fields (`le`, `"à la une"`).
    fn literal(&mut self, group: &[Atom]) -> GroupQuery {
        let mut alternatives = Vec::new();
        for atom in group {
            let scope = match atom {
                Atom::Word {
                    scope,
                    modifier: Modifier::Exact,
                    ..
                }
                | Atom::Phrase { scope, .. } => *scope,
                // Fuzzy and prefix words never vanish: as they are.
                Atom::Word { .. } => {
                    alternatives.extend(self.atom(atom).0);
                    continue;
                }
            };
            let tokens = analysis::analyze(&mut self.neutral, atom.text());
            if tokens.is_empty() {
                continue;
            }
            let per_field = field_list(self.fields.neutral, scope)
                .into_iter()
                .map(|(field, boost)| boost_query(term_or_phrase(field, &tokens, 0), boost))
                .collect();
            alternatives.push(best_field(per_field));
        }
        GroupQuery {
            query: union(alternatives),
            stop: false,
        }
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
            alternatives.push(Box::new(Disjunction::max(translations, TIE_BREAKER)));
            units[span.groups.start] = Some((Box::new(Disjunction::sum(alternatives)), stop));
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
        let per_field: Vec<Box<dyn Query>> = field_list(tf, scope)
            .into_iter()
            .filter_map(|(field, boost)| {
                Some(boost_query(known(self.presence, field, &tokens)?, boost))
            })
            .collect();
        if per_field.is_empty() {
            return None;
        }
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
                match self.exact_name(text, *scope) {
                    NameLookup::Found(q) => {
                        self.exact_atoms.insert(atom.to_string());
                        if !self.resolved.contains(&atom.to_string()) {
                            return (Some(q), false);
                        }
                        let (mates, _) = self.through_chains(text, *scope, true);
                        let mates = mates.map(|m| boost_query(m, STEM_MATES_BOOST));
                        let q = union(std::iter::once(q).chain(mates).collect());
                        return (q, false);
                    }
                    NameLookup::Absent => {
                        self.absent.insert(atom.to_string());
                        return (Some(Box::new(EmptyQuery)), false);
                    }
                    NameLookup::Chains => {}
                }
                let is_word = matches!(atom, Atom::Word { .. });
                self.through_chains(text, *scope, is_word)
            }
        }
    }

    /// The query for a word (or, with `is_word` false, a phrase) through
    /// every chain, and whether a chain analysed it to nothing (a stop
    /// word).
    fn through_chains(
        &mut self,
        text: &str,
        scope: Scope,
        is_word: bool,
    ) -> (Option<Box<dyn Query>>, bool) {
        let mut per_chain: Vec<Box<dyn Query>> = Vec::new();
        // A word that a language drops as a stop word (`de`, `the`)
        // is not looked up unstemmed either: in the neutral field it
        // would match nearly every article and only add noise.
        let stop = self.chains[1..]
            .iter_mut()
            .any(|(_, analyzer)| analysis::analyze(analyzer, text).is_empty());
        let mut analysed = false;
        for (i, (tf, analyzer)) in self.chains.iter_mut().enumerate() {
            if i == 0 && stop && is_word {
                continue;
            }
            let tokens = analysis::analyze(analyzer, text);
            if tokens.is_empty() {
                continue;
            }
            analysed = true;
            // Only the fields that hold the word: the others add nothing
            // to the best field's score, and would cost a lookup in every
            // segment.
            let per_field: Vec<Box<dyn Query>> = field_list(*tf, scope)
                .into_iter()
                .filter_map(|(field, boost)| {
                    Some(boost_query(known(self.presence, field, &tokens)?, boost))
                })
                .collect();
            if per_field.is_empty() {
                continue;
            }
            let q = best_field(per_field);
            per_chain.push(if i == 0 {
                q
            } else {
                self.presence.restrict(self.codes[i], q)
            });
        }
        if per_chain.is_empty() {
            // A word that no article holds matches nothing, as before.
            let nothing = analysed.then(|| Box::new(EmptyQuery) as Box<dyn Query>);
            return (nothing, stop);
        }
        (
            Some(Box::new(Disjunction::max(per_chain, TIE_BREAKER))),
            stop,
        )
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

/// A token of a name that only the exact fields hold as written: a
/// compound (`c++`) or a word in capitals (`AI`).
fn is_special(token: &Token) -> bool {
    analysis::is_compound(&token.text) || token.text.chars().any(char::is_uppercase)
}

/// The union of some queries; `None` for none.
fn union(mut queries: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    match queries.len() {
        0 => None,
        1 => queries.pop(),
        _ => Some(Box::new(Disjunction::sum(queries))),
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

/// [`term_or_phrase`] with slop 0, or `None` when no article holds one of
/// its terms (such a query matches nothing).
fn known(presence: &Presence, field: Field, tokens: &[Token]) -> Option<Box<dyn Query>> {
    tokens
        .iter()
        .all(|t| presence.knows(&Term::from_field_text(field, &t.text)))
        .then(|| term_or_phrase(field, tokens, 0))
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
    Box::new(Disjunction::max(per_field, 0.0))
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

    use tantivy::collector::{Count, TopDocs};
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

    /// The clauses of a query as `build` means them: a boolean query's,
    /// with the scoring clauses (which it puts in one disjunction) one by
    /// one; a disjunction's, each optional.
    fn clauses(q: &dyn Query) -> Vec<(Occur, &dyn Query)> {
        fn any(d: &Disjunction) -> Vec<(Occur, &dyn Query)> {
            d.clauses()
                .iter()
                .map(|c| (Occur::Should, c.as_ref()))
                .collect()
        }
        if let Some(d) = q.downcast_ref::<Disjunction>() {
            return any(d);
        }
        let mut out = Vec::new();
        let boolean = q
            .downcast_ref::<BooleanQuery>()
            .expect("a boolean query or a disjunction");
        for (occur, q) in boolean.clauses() {
            match q.downcast_ref::<Disjunction>() {
                Some(d) if *occur == Occur::Should => out.extend(any(d)),
                _ => out.push((*occur, q.as_ref())),
            }
        }
        out
    }

    /// The clauses of a built query, by kind.
    fn occurs(q: &dyn Query) -> Vec<Occur> {
        clauses(q).into_iter().map(|(o, _)| o).collect()
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
        let cases: [(&str, &[(&str, &str)]); 5] = [
            // Each chain's stem in its own fields, the folded word in the
            // neutral ones; never in the exact fields; only in the fields
            // that hold it (the French title: no body has the word, and
            // the English chain's `numeriqu` is in no article).
            (
                "numérique",
                &[("title_any", "numerique"), ("title_fr", "numer")],
            ),
            (
                "ministres",
                &[("body_any", "ministres"), ("body_fr", "ministr")],
            ),
            // `title:` keeps the title fields only.
            (
                "title:gouvernement",
                &[("title_any", "gouvernement"), ("title_fr", "gouvern")],
            ),
            // A name the index holds is looked up as written, never
            // stemmed (OpenAI would be `open`)...
            ("OpenAI", &[("body_any", "openai"), ("title_any", "openai")]),
            // ... a compound name in the exact fields.
            ("C++", &[("body_exact", "c++"), ("title_exact", "c++")]),
        ];
        with_builder(&engine, |b, searcher| {
            for (text, expected) in cases {
                let expected: BTreeSet<(String, String)> = expected
                    .iter()
                    .map(|(f, t)| (f.to_string(), t.to_string()))
                    .collect();
                assert_eq!(words(&engine, atom(b, text).as_ref()), expected, "{text}");
            }
            let names: BTreeSet<&str> = b.exact_atoms().iter().map(String::as_str).collect();
            assert_eq!(names, BTreeSet::from(["OpenAI", "C++"]));

            // A name the index lacks as written goes through the chains like
            // any word (`Ministre` is not in the article, `ministres` is).
            let q = atom(b, "Ministre");
            let fields: BTreeSet<String> = words(&engine, q.as_ref())
                .into_iter()
                .map(|(f, _)| f)
                .collect();
            assert_eq!(fields, BTreeSet::from(["body_fr".to_string()]));
            assert!(!b.exact_atoms().contains("Ministre"));
            // One that no chain finds either matches nothing.
            let q = atom(b, "Anthropic");
            assert!(words(&engine, q.as_ref()).is_empty());
            assert_eq!(searcher.search(q.as_ref(), &Count).unwrap(), 0);
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
            let the = words(&engine, clauses(q.as_ref())[2].1);
            assert!(the.iter().all(|(f, _)| !f.ends_with("_any")), "{the:?}");
            assert!(the.iter().all(|(_, t)| t == "the"), "{the:?}");

            // A phrase is looked up as a phrase in every chain whose fields
            // hold its words; an excluded word must match in none.
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
            let phrase = lookups(&engine, clauses(without.as_ref())[1].1);
            assert!(
                phrase.iter().all(|(_, _, positions)| *positions),
                "{phrase:?}"
            );
            for field in ["body_any", "body_fr"] {
                assert!(
                    phrase.iter().any(|(f, _, _)| f == field),
                    "{field}: {phrase:?}"
                );
            }
            assert!(
                phrase.iter().all(|(f, _, _)| !f.ends_with("_en")),
                "no English article has the words: {phrase:?}"
            );
            // A word no article holds in any chain matches nothing, and
            // stays required.
            let missing = b.build(&query::parse("gouvernement zyxwvut"), &filters, false);
            assert_eq!(occurs(missing.as_ref())[..3], [Must, Must, Must]);
            assert_eq!(count(missing.as_ref()), 0);
            assert!(lookups(&engine, clauses(missing.as_ref())[2].1).is_empty());
            let excluded = words(&engine, clauses(without.as_ref())[2].1);
            assert!(
                excluded.contains(&("body_fr".to_string(), "ministr".to_string())),
                "{excluded:?}"
            );
        });
    }

    /// A French article with `AI` in capitals and the `ai` of `j’ai`, and
    /// one with only the fragments.
    const CAPITALS: &str = "Le plan de Bruxelles.\n\n\
        Les entreprises de Scale AI recrutent, et l’IA générative progresse \
        selon le rapport publié mardi par la commission.";
    const FRAGMENTS: &str = "Un témoignage.\n\n\
        J’ai confiance, dit-elle, et je lui ai dit que tout irait bien.";

    #[test]
    fn words_in_capitals_select_in_the_exact_fields_and_score_in_the_neutral_ones() {
        let (_dir, engine) = fixture::index(&[&[("ai.txt", CAPITALS)], &[("jai.txt", FRAGMENTS)]]);
        with_builder(&engine, |b, searcher| {
            let q = atom(b, "AI");
            assert_eq!(
                words(&engine, q.as_ref()),
                BTreeSet::from([
                    ("body_any".to_string(), "ai".to_string()),
                    ("body_exact".to_string(), "AI".to_string()),
                    ("title_any".to_string(), "ai".to_string()),
                    ("title_exact".to_string(), "AI".to_string()),
                ])
            );
            let count = |q: &dyn Query| searcher.search(q, &Count).unwrap();
            assert_eq!(count(q.as_ref()), 1, "only the article written AI");
            // The capitals add nothing to the score: the name's weight on
            // the neutral match, as before capitals were told apart.
            let neutral = &engine.store.fields.neutral;
            let plain = best_field(
                field_list(*neutral, Scope::All)
                    .into_iter()
                    .map(|(field, boost)| {
                        let term = Term::from_field_text(field, "ai");
                        let q: Box<dyn Query> =
                            Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
                        boost_query(q, boost)
                    })
                    .collect(),
            );
            let plain = boost_query(plain, NAME_BOOST);
            let scores = |q: &dyn Query| {
                searcher
                    .search(q, &TopDocs::with_limit(10).order_by_score())
                    .unwrap()
            };
            let (score, address) = scores(q.as_ref())[0];
            let (plain_score, _) = *scores(plain.as_ref())
                .iter()
                .find(|(_, a)| *a == address)
                .expect("the article written AI has the word");
            assert!((score - plain_score).abs() < 1e-6, "{score} {plain_score}");

            // A word in capitals that French drops (`ai`, `eu`) and that no
            // article writes in capitals matches nothing; a compound with
            // a symbol, the same.
            for absent in ["EU", "C#"] {
                let q = atom(b, absent);
                assert_eq!(count(q.as_ref()), 0, "{absent}");
            }
            let absent: BTreeSet<&str> = b.absent_names().iter().map(String::as_str).collect();
            assert_eq!(absent, BTreeSet::from(["EU", "C#"]));
            // A word merely typed in capitals goes through the chains.
            let q = atom(b, "RAPPORT");
            assert_eq!(count(q.as_ref()), 1);
            // A query typed in capitals is read as shouted, as an article
            // would be; two acronyms are not shouting.
            for (typed, read) in [
                ("ENTREPRISES RAPPORT AI", ["entreprises", "rapport", "ai"]),
                ("UE AI RAPPORT", ["UE", "AI", "RAPPORT"]),
            ] {
                let mut parsed = query::parse(typed);
                b.resolve_names(&mut parsed);
                let texts: Vec<&str> = parsed.atoms().map(Atom::text).collect();
                assert_eq!(texts, read, "{typed}");
            }
        });
    }

    #[test]
    fn queries_whose_words_vanish_are_searched_as_written() {
        let (_dir, engine) = index();
        let fields = &engine.store.fields;
        with_builder(&engine, |b, searcher| {
            let filters = vec![filters::articles(fields)];
            let count = |q: &dyn Query| searcher.search(q, &Count).unwrap();
            // `le` and `les` are French stop words: looked up unstemmed in
            // the neutral fields, both required.
            let q = b.build(&query::parse("le les"), &filters, false);
            use Occur::{Must, Should};
            assert_eq!(occurs(q.as_ref()), [Must, Must, Must, Should, Should]);
            for clause in &clauses(q.as_ref())[1..3] {
                let looked_up = words(&engine, clause.1);
                assert!(
                    looked_up.iter().all(|(f, _)| f.ends_with("_any")),
                    "{looked_up:?}"
                );
            }
            assert_eq!(count(q.as_ref()), 1, "the French article only");
            assert!(b.searched_as_written());
            // Nothing left at all: nothing matches, filters or not.
            let long = "x".repeat(100);
            let q = b.build(&query::parse(&long), &filters, false);
            assert_eq!(count(q.as_ref()), 0);
        });
        with_builder(&engine, |b, _| {
            b.build(&query::parse("le satellite"), &[], false);
            assert!(!b.searched_as_written());
        });
        // Its snippets mark those words as written, and only them.
        let found = engine
            .search("le les", &crate::search::SearchOptions::default())
            .unwrap();
        let marked: Vec<String> = found.hits[0]
            .snippets
            .iter()
            .flat_map(|s| {
                s.highlights
                    .iter()
                    .map(|&(a, b)| s.text[a..b].to_lowercase())
            })
            .collect();
        assert!(!marked.is_empty());
        assert!(marked.iter().all(|m| m == "le" || m == "les"), "{marked:?}");
    }

    /// Articles for the lowercase-name rule: `Zorglub` written as a name
    /// in [`NAME_EVIDENCE`] articles, `Vortex` in one fewer, and `État` in
    /// as many but also written `état` in others, below [`NAME_SHARE`].
    fn name_articles() -> Vec<(String, String)> {
        let n = NAME_EVIDENCE as usize;
        let lowercase = n.div_ceil(4);
        let mut articles = Vec::new();
        for i in 0..n {
            articles.push((
                format!("zorglub-{i}.txt"),
                format!(
                    "Processeurs, épisode {i}.\n\nLes ingénieurs de Zorglub présentent \
                     leur processeur numéro {i} aux clients de Zorglub."
                ),
            ));
            articles.push((
                format!("etat-{i}.txt"),
                format!(
                    "Budget, épisode {i}.\n\nLe ministre rappelle que l’État paiera \
                     la facture numéro {i} des communes."
                ),
            ));
        }
        for i in 1..n {
            articles.push((
                format!("vortex-{i}.txt"),
                format!(
                    "Turbines, épisode {i}.\n\nLa société Vortex installe une turbine \
                     dans la vallée numéro {i}."
                ),
            ));
        }
        for i in 0..lowercase {
            articles.push((
                format!("bon-etat-{i}.txt"),
                format!(
                    "Occasion, épisode {i}.\n\nLe vendeur garantit que le vélo numéro {i} \
                     est en bon état et révisé."
                ),
            ));
        }
        articles.push((
            "zorglubs.txt".to_string(),
            "Un récit.\n\nDans ce roman, les zorglubs envahissent la ville.".to_string(),
        ));
        articles
    }

    #[test]
    fn lowercase_words_are_names_with_enough_articles_writing_them_so() {
        let articles = name_articles();
        let batch: Vec<(&str, &str)> = articles
            .iter()
            .map(|(name, text)| (name.as_str(), text.as_str()))
            .collect();
        let (_dir, engine) = fixture::index(&[&batch]);
        with_builder(&engine, |b, searcher| {
            // `Zorglub` is a name; `Vortex` lacks one article of evidence;
            // `état` is written in lowercase too often.
            let mut parsed = query::parse("zorglub vortex état");
            b.resolve_names(&mut parsed);
            let texts: Vec<&str> = parsed.atoms().map(Atom::text).collect();
            assert_eq!(texts, ["Zorglub", "vortex", "état"]);
            // The name at the name's weight; its French stem-mates (the
            // plural of the novel) at STEM_MATES_BOOST, below every
            // article with the name.
            let q = b.atom(&parsed.groups[0][0]).0.unwrap();
            let w = weights(&engine, searcher, q.as_ref(), "zorglub-0.txt");
            assert!(w.contains(&NAME_BOOST), "{w:?}");
            let w = weights(&engine, searcher, q.as_ref(), "zorglubs.txt");
            assert!(w.contains(&STEM_MATES_BOOST), "{w:?}");
            let top = searcher
                .search(q.as_ref(), &TopDocs::with_limit(100).order_by_score())
                .unwrap();
            let last = top.last().expect("hits").1;
            use tantivy::schema::Value;
            let doc: tantivy::TantivyDocument = searcher.doc(last).unwrap();
            let id = doc
                .get_first(engine.store.fields.id)
                .and_then(|v| v.as_str());
            assert_eq!(id, Some("zorglubs.txt"));
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
            let translated = lookups(&engine, clauses(with.as_ref())[1].1);
            for term in ["artifici", "intellig"] {
                assert!(
                    translated.contains(&("body_en".to_string(), term.to_string(), true)),
                    "{term}: {translated:?}"
                );
            }
            // The unit: the words as typed, or the translation, which finds
            // the English article at its weight.
            let unit = clauses(with.as_ref())[1].1;
            let translation = clauses(unit)[1].1;
            assert_eq!(
                weights(&engine, searcher, translation, "en.txt"),
                [TRANSLATION_WEIGHT]
            );
        });
    }
}
