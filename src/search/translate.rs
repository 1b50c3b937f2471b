//! Cross-language search: a query word or phrase found in a bilingual
//! vocabulary is also searched as its translation, in the other language's
//! fields, at a lower weight.
//!
//! Tech news often breaks in English first, and people read it in several
//! languages; a French query (`IA`, `"cloud souverain"`) should also find
//! the English articles on the same subject. veille knows each article's
//! language and has a chain per language, so a translation is searched the
//! way an article in that language was indexed: `artificial intelligence`
//! through the English chain, in the English fields only.
//!
//! **Vocabularies.** Each language pair is one TSV file in
//! `data/translate/` (`fr-en.tsv`), built into the binary; adding a pair is
//! adding a file there (the build script lists the folder), then rewriting
//! the keys made of its terms beforehand (`Keyed` below). A user adds
//! terms with a glossary in the same format: `--glossary FILE`, or
//! [`GLOSSARY_FILE`] beside the index. The format:
//!
//! - `#` starts a comment line; blank lines are ignored;
//! - the first other line names the two languages, `fr<TAB>en[<TAB>flags]`
//!   (optional in a glossary, where it defaults to [`DEFAULT_PAIR`]);
//! - then one entry per line, `terms<TAB>terms[<TAB>flags]`, several terms
//!   of a column separated by `|`. Every term of one column translates to
//!   every term of the other;
//! - flags, separated by commas: `ambiguous` (a term with another common
//!   meaning, `souris` ↔ `mouse`: searched at [`AMBIGUOUS_WEIGHT`] instead
//!   of [`TRANSLATION_WEIGHT`]), and `only-to-XX` (translated towards
//!   language `XX` only: `nuage` → `cloud`, but not the other way).
//!
//! A term is defined once in the first column of a file; it may appear in
//! the second column of several lines (`laptop` is a translation of both
//! `ordinateur portable` and `portable`). A glossary's entry for a term
//! replaces the shipped translations of that term.
//!
//! **Matching.** Query words are compared the way people type them:
//! case-insensitive, accents folded, an elided article dropped
//! (`l’IA` = `IA`, `donnees personnelles` = `Données personnelles`).
//! Consecutive words are matched longest first, so `intelligence
//! artificielle` is translated whole, before `intelligence` alone; a quoted
//! phrase is translated only whole. Fuzzy and prefix words, and excluded
//! words, are not translated.
//!
//! **What is added.** Translations take part only when the index holds
//! both languages of their pair and the target language is searched. A
//! translated word or phrase is an extra alternative of the query words it
//! covers ([`ranking`](super::ranking)): a required word is satisfied by
//! itself or by its translation, so a translation never removes a required
//! word, and never makes a query match more than its words or their
//! translations would.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, LazyLock};

use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;
use tantivy::tokenizer::TextAnalyzer;

use crate::analysis;
use crate::analysis::lang::{self, Language};
use crate::error::{Error, Result};
use crate::index::store::GLOSSARY_FILE;
use crate::search::query::{Atom, Modifier, ParsedQuery, Scope};

/// Weight of a translation relative to the word as typed: low enough that
/// an article matching the query as typed ranks above one matching only
/// its translation, high enough that translated articles come next.
pub const TRANSLATION_WEIGHT: f32 = 0.5;
/// Weight of a translation marked `ambiguous` (`souris` ↔ `mouse`): its
/// matches may be about something else, so they come after the others.
pub const AMBIGUOUS_WEIGHT: f32 = 0.25;
// Below the words as typed, ambiguous ones lowest.
const _: () = assert!(AMBIGUOUS_WEIGHT < TRANSLATION_WEIGHT && TRANSLATION_WEIGHT < 1.0);
/// The languages of a glossary without a header line.
pub const DEFAULT_PAIR: [&str; 2] = ["fr", "en"];
/// Separates the terms of one column.
const TERM_SEPARATOR: char = '|';
/// The flag of an ambiguous entry.
const AMBIGUOUS_FLAG: &str = "ambiguous";
/// The prefix of a one-way flag (`only-to-en`).
const ONE_WAY_FLAG: &str = "only-to-";

// `VOCABULARIES: &[(&str, &str, u64)]`, each file of `data/translate/` as
// (file name, contents, digest), and `KEYED: Option<Keyed>`, their keys
// made beforehand, written by the build script.
include!(concat!(env!("OUT_DIR"), "/vocabularies.rs"));

/// The shipped vocabularies' translations by key, made beforehand by the
/// chains: looked up in place, so that nothing is built at start.
///
/// Analysing a thousand terms at each start was about a third of a
/// one-query `veille search`. The table is `data/translate/shipped.keys`,
/// written by the test `the_shipped_keys_are_what_the_chains_make` when
/// `VEILLE_WRITE_KEYS` is set, and built in by the build script while the
/// digests it records match the vocabularies (else the terms are analysed
/// at start, as before). One line per translation of a key, sorted by
/// key: `key<TAB>from<TAB>to<TAB>ambiguous<TAB>text` (`ambiguous` is `0`
/// or `1`), after `@source<TAB>file<TAB>digest` for each vocabulary,
/// `@lines<TAB>entry lines` and `@longest<TAB>most words of a key`.
#[derive(Debug)]
struct Keyed {
    /// The table's text.
    table: &'static str,
    /// Where each line of translations starts in `table`, in key order.
    rows: &'static [u32],
    /// Entry lines of the vocabularies.
    lines: usize,
    /// The most words a key has.
    longest: usize,
}

impl Keyed {
    /// The cells of a row: key, from, to, ambiguous, text.
    fn row(&self, i: usize) -> [&'static str; 5] {
        let rest = &self.table[self.rows[i] as usize..];
        let line = rest.split('\n').next().unwrap_or_default();
        let mut cells = line.split('\t');
        std::array::from_fn(|_| cells.next().unwrap_or_default())
    }

    /// The translations of `key`, in the order the vocabularies give them.
    fn targets<'a>(&'a self, key: &str) -> impl Iterator<Item = Target> + 'a {
        let first = self.rows.partition_point(|&r| {
            let rest = &self.table[r as usize..];
            rest[..rest.find('\t').unwrap_or(rest.len())] < *key
        });
        let key = key.to_string();
        (first..self.rows.len())
            .map(|i| self.row(i))
            .take_while(move |cells| cells[0] == key)
            .map(|[_, from, lang, ambiguous, text]| Target {
                from: language_code(from),
                lang: language_code(lang),
                text: text.to_string(),
                ambiguous: ambiguous == "1",
            })
    }
}

/// The `'static` code of a language of the table (one veille knows, as
/// its test checks).
fn language_code(code: &str) -> &'static str {
    lang::lookup(code).map_or("und", |l| l.code)
}

/// A translation of one source term.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    /// The language translated from.
    from: &'static str,
    /// The language of `text`.
    lang: &'static str,
    /// The translation, as written in the vocabulary.
    text: String,
    ambiguous: bool,
}

/// The translations known for every term: shipped pairs and glossaries.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// The shipped translations, when their keys were made beforehand.
    keyed: Option<&'static Keyed>,
    /// The (key, source language) pairs whose translations in `keyed` a
    /// glossary replaced.
    replaced: BTreeSet<(String, &'static str)>,
    /// A source term's key (its normalised words joined by spaces) → its
    /// translations, in every language: those of glossaries, and the
    /// shipped ones when they are not in `keyed`.
    entries: HashMap<String, Vec<Target>>,
    /// The most words a source term has.
    longest: usize,
    /// Articles elided before an apostrophe in the pairs' languages.
    elisions: BTreeSet<&'static str>,
    /// Number of entry lines read.
    lines: usize,
}

/// One entry line, parsed.
#[derive(Debug, Clone)]
struct Line {
    /// The terms of each column.
    columns: [Vec<String>; 2],
    /// Their keys, made with the file's elisions: analysing every term
    /// is most of the cost of reading a vocabulary, which a `veille search`
    /// does at each start, so a term is analysed once.
    keys: [Vec<String>; 2],
    ambiguous: bool,
    /// Translated only towards this column's language.
    only_to: Option<usize>,
}

/// A parsed vocabulary file: its pair and its entry lines.
#[derive(Debug, Clone)]
struct File {
    pair: [&'static str; 2],
    lines: Vec<Line>,
    /// The elided articles dropped from the keys of its lines.
    elisions: BTreeSet<&'static str>,
}

/// A word or phrase of the query and what it was also searched as.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Translated {
    /// The query's words, as typed.
    pub from: String,
    /// The translation.
    pub to: String,
    /// The translation's language.
    pub lang: String,
    /// The entry is marked ambiguous: its weight is lower.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ambiguous: bool,
}

impl Translated {
    /// The weight of this translation's matches.
    pub fn weight(&self) -> f32 {
        if self.ambiguous {
            AMBIGUOUS_WEIGHT
        } else {
            TRANSLATION_WEIGHT
        }
    }
}

/// Consecutive groups of a query translated together.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// The groups of the parsed query it covers.
    pub groups: Range<usize>,
    /// Where its words are searched (`title:` or everywhere).
    pub scope: Scope,
    /// Its translations.
    pub terms: Vec<Translated>,
}

/// The shipped vocabularies: their table of keys, or else parsed and
/// analysed the first time they are needed.
static BUILTIN: LazyLock<Arc<Vocabulary>> = LazyLock::new(|| {
    Arc::new(match &KEYED {
        Some(keyed) => Vocabulary::keyed(keyed),
        None => Vocabulary::analysed(),
    })
});

impl Vocabulary {
    /// The vocabularies shipped with veille.
    pub fn builtin() -> Arc<Vocabulary> {
        Arc::clone(&BUILTIN)
    }

    /// The shipped vocabularies and the glossary kept beside the index at
    /// `index`, if there is one.
    pub fn for_index(index: &Path) -> Result<Arc<Vocabulary>> {
        let path = index.join(GLOSSARY_FILE);
        if path.is_file() {
            Ok(Arc::new(Vocabulary::builtin().with_glossary(&path)?))
        } else {
            Ok(Vocabulary::builtin())
        }
    }

    /// This vocabulary with the entries of the glossary at `path` added;
    /// a term it defines loses its other translations.
    pub fn with_glossary(&self, path: &Path) -> Result<Vocabulary> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let file = parse(path, &text, Some(DEFAULT_PAIR))?;
        let mut out = self.clone();
        out.add(std::slice::from_ref(&file), true);
        Ok(out)
    }

    /// The shipped vocabularies looked up in their table of keys.
    fn keyed(keyed: &'static Keyed) -> Vocabulary {
        let mut elisions = BTreeSet::new();
        for l in shipped_languages() {
            elisions.extend(l.elisions.iter().copied());
        }
        Vocabulary {
            keyed: Some(keyed),
            longest: keyed.longest,
            lines: keyed.lines,
            elisions,
            ..Vocabulary::default()
        }
    }

    /// The shipped vocabularies parsed, every term analysed.
    fn analysed() -> Vocabulary {
        let files: Vec<File> = VOCABULARIES
            .iter()
            .map(|(name, text, _)| {
                parse(Path::new(name), text, None).expect("the shipped vocabularies parse (tested)")
            })
            .collect();
        Vocabulary::from_files(&files, &[])
    }

    fn from_files(files: &[File], glossaries: &[File]) -> Vocabulary {
        let mut v = Vocabulary::default();
        v.add(files, false);
        v.add(glossaries, true);
        v
    }

    /// Adds the entries of `files`; with `replace`, a term they define
    /// loses the translations it had.
    fn add(&mut self, files: &[File], replace: bool) {
        let mut neutral = analysis::analyzer(None);
        for file in files {
            for code in file.pair {
                if let Some(l) = lang::lookup(code) {
                    self.elisions.extend(l.elisions.iter().copied());
                }
            }
        }
        let mut replaced: BTreeSet<(String, &'static str)> = BTreeSet::new();
        for file in files {
            // The keys made by `parse` hold when the elisions are the same
            // (a glossary of another pair adds some).
            let parsed_keys_hold = file.elisions == self.elisions;
            for line in &file.lines {
                self.lines += 1;
                for side in 0..2 {
                    let other = 1 - side;
                    if line.only_to.is_some_and(|to| to != other) {
                        continue;
                    }
                    for (term, parsed) in line.columns[side].iter().zip(&line.keys[side]) {
                        let key = if parsed_keys_hold {
                            parsed.clone()
                        } else {
                            key(&mut neutral, &self.elisions, term)
                        };
                        if key.is_empty() {
                            continue;
                        }
                        let from = file.pair[side];
                        let targets = self.entries.entry(key.clone()).or_default();
                        if replace && replaced.insert((key.clone(), from)) {
                            targets.retain(|t| t.from != from);
                            if self.keyed.is_some() {
                                self.replaced.insert((key.clone(), from));
                            }
                        }
                        for text in &line.columns[other] {
                            let target = Target {
                                from,
                                lang: file.pair[other],
                                text: text.clone(),
                                ambiguous: line.ambiguous,
                            };
                            if !targets.contains(&target) {
                                targets.push(target);
                            }
                        }
                        self.longest = self.longest.max(key.split(' ').count());
                    }
                }
            }
        }
    }

    /// Number of entry lines (shipped and glossaries).
    pub fn len(&self) -> usize {
        self.lines
    }

    /// True when no entry was read.
    pub fn is_empty(&self) -> bool {
        self.lines == 0
    }

    /// The translations of `term` (any language) towards languages that
    /// `wanted(from, to)` accepts, without those identical to it.
    fn lookup(
        &self,
        neutral: &mut TextAnalyzer,
        term: &str,
        wanted: &dyn Fn(&str, &str) -> bool,
    ) -> Vec<Translated> {
        let key = key(neutral, &self.elisions, term);
        self.targets(&key)
            .into_iter()
            .filter(|t| wanted(t.from, t.lang))
            .filter(|t| self::key(neutral, &self.elisions, &t.text) != key)
            .map(|t| Translated {
                from: term.to_string(),
                to: t.text,
                lang: t.lang.to_string(),
                ambiguous: t.ambiguous,
            })
            .collect()
    }

    /// The translations of `key`: the shipped ones that no glossary
    /// replaced, then the others.
    fn targets(&self, key: &str) -> Vec<Target> {
        let mut out: Vec<Target> = match self.keyed {
            Some(keyed) => keyed
                .targets(key)
                .filter(|t| {
                    self.replaced.is_empty() || !self.replaced.contains(&(key.to_string(), t.from))
                })
                .collect(),
            None => Vec::new(),
        };
        out.extend(self.entries.get(key).into_iter().flatten().cloned());
        out
    }

    /// What the words and phrases of `query` are also searched as, towards
    /// the languages that `wanted(from, to)` accepts: spans of consecutive
    /// groups, longest first, each with its translations.
    pub fn expand(&self, query: &ParsedQuery, wanted: &dyn Fn(&str, &str) -> bool) -> Vec<Span> {
        let mut neutral = analysis::analyzer(None);
        let mut spans = Vec::new();
        let groups = &query.groups;
        let mut i = 0;
        while i < groups.len() {
            match groups[i].as_slice() {
                [Atom::Word {
                    scope,
                    modifier: Modifier::Exact,
                    ..
                }] => {
                    // The longest run of plain words from here that the
                    // vocabulary knows.
                    let run: Vec<&str> = groups[i..]
                        .iter()
                        .take(self.longest.max(1))
                        .map_while(|g| match g.as_slice() {
                            [Atom::Word {
                                text,
                                scope: s,
                                modifier: Modifier::Exact,
                            }] if s == scope => Some(text.as_str()),
                            _ => None,
                        })
                        .collect();
                    let found = (1..=run.len()).rev().find_map(|n| {
                        let terms = self.lookup(&mut neutral, &run[..n].join(" "), wanted);
                        (!terms.is_empty()).then_some((n, terms))
                    });
                    if let Some((n, terms)) = found {
                        spans.push(Span {
                            groups: i..i + n,
                            scope: *scope,
                            terms,
                        });
                        i += n;
                        continue;
                    }
                }
                // A phrase, or words joined by OR: each translated whole.
                atoms => {
                    let mut terms = Vec::new();
                    let mut scope = Scope::All;
                    for atom in atoms {
                        let (text, s) = match atom {
                            Atom::Phrase { text, scope } => (text, scope),
                            Atom::Word {
                                text,
                                scope,
                                modifier: Modifier::Exact,
                            } => (text, scope),
                            Atom::Word { .. } => continue,
                        };
                        scope = *s;
                        terms.extend(self.lookup(&mut neutral, text, wanted));
                    }
                    if !terms.is_empty() {
                        spans.push(Span {
                            groups: i..i + 1,
                            scope,
                            terms,
                        });
                    }
                }
            }
            i += 1;
        }
        spans
    }
}

/// Every translation of `spans`, in query order.
pub fn translated(spans: &[Span]) -> Vec<Translated> {
    spans.iter().flat_map(|s| s.terms.iter().cloned()).collect()
}

/// "artificial intelligence (en), mouse (en, ambiguous)": what a search
/// also looked for, for people.
pub fn describe(terms: &[Translated]) -> String {
    terms
        .iter()
        .map(|t| {
            if t.ambiguous {
                format!("{} ({}, ambiguous)", t.to, t.lang)
            } else {
                format!("{} ({})", t.to, t.lang)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The languages of the shipped vocabularies.
fn shipped_languages() -> impl Iterator<Item = &'static Language> {
    VOCABULARIES
        .iter()
        .flat_map(|(name, _, _)| name.trim_end_matches(".tsv").split('-'))
        .filter_map(lang::lookup)
}

/// The key of a term: its words as the neutral chain reads them (lowercase,
/// accents folded), an elided article before an apostrophe dropped, joined
/// by spaces.
fn key(neutral: &mut TextAnalyzer, elisions: &BTreeSet<&'static str>, term: &str) -> String {
    let mut words = Vec::new();
    for word in term.split_whitespace() {
        let word = match word.split_once(['\'', '’', '‘', 'ʼ']) {
            Some((article, rest)) if elisions.contains(article.to_lowercase().as_str()) => rest,
            _ => word,
        };
        words.extend(
            analysis::analyze(neutral, word)
                .into_iter()
                .map(|t| singular(&t.text).to_string()),
        );
    }
    words.join(" ")
}

/// A word without a final `s` or `x`, so that a singular and a plural
/// (`jeu vidéo`, `jeux vidéo`; `video game`, `video games`) share a key.
/// Stemmers would also join them, but they join unrelated words as well
/// (the French one makes `don` of `données`); this only ever compares two
/// terms cut the same way.
fn singular(word: &str) -> &str {
    match word.strip_suffix(['s', 'x']) {
        Some(stem) if stem.chars().count() >= 3 => stem,
        _ => word,
    }
}

/// An error on one line of a vocabulary file.
fn bad(path: &Path, line: usize, message: impl Into<String>) -> Error {
    Error::Vocabulary {
        path: path.to_path_buf(),
        line,
        message: message.into(),
    }
}

/// Parses a vocabulary file. Without `default`, the header line naming the
/// pair is required.
fn parse(path: &Path, text: &str, default: Option<[&'static str; 2]>) -> Result<File> {
    let mut pair: Option<[&'static str; 2]> = None;
    let mut lines = Vec::new();
    // First column's keys, to refuse a term defined twice.
    let mut defined: HashMap<String, usize> = HashMap::default();
    let mut neutral = analysis::analyzer(None);
    let mut elisions: BTreeSet<&'static str> = BTreeSet::new();
    for (i, raw) in text.lines().enumerate() {
        let number = i + 1;
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').map(str::trim).collect();
        if pair.is_none() {
            if let Some(header) = header(&cells) {
                for code in header {
                    if let Some(l) = lang::lookup(code) {
                        elisions.extend(l.elisions.iter().copied());
                    }
                }
                pair = Some(header);
                continue;
            }
            let Some(default) = default else {
                return Err(bad(
                    path,
                    number,
                    "expected the header naming the two languages first, e.g. `fr<TAB>en`",
                ));
            };
            for code in default {
                if let Some(l) = lang::lookup(code) {
                    elisions.extend(l.elisions.iter().copied());
                }
            }
            pair = Some(default);
        }
        let pair = pair.expect("set above");
        if cells.len() < 2 || cells.len() > 3 {
            return Err(bad(
                path,
                number,
                format!(
                    "expected `{}<TAB>{}` or `{}<TAB>{}<TAB>flags`, found {} column{}",
                    pair[0],
                    pair[1],
                    pair[0],
                    pair[1],
                    cells.len(),
                    if cells.len() == 1 { "" } else { "s" }
                ),
            ));
        }
        let mut columns: [Vec<String>; 2] = [Vec::new(), Vec::new()];
        let mut keys: [Vec<String>; 2] = [Vec::new(), Vec::new()];
        for side in 0..2 {
            for term in cells[side].split(TERM_SEPARATOR).map(str::trim) {
                if term.is_empty() {
                    return Err(bad(path, number, format!("an empty {} term", pair[side])));
                }
                let k = key(&mut neutral, &elisions, term);
                if k.is_empty() {
                    return Err(bad(
                        path,
                        number,
                        format!("{term:?} has no letters or digits"),
                    ));
                }
                columns[side].push(term.to_string());
                keys[side].push(k);
            }
        }
        let mut ambiguous = false;
        let mut only_to = None;
        for flag in cells
            .get(2)
            .into_iter()
            .flat_map(|f| f.split(','))
            .map(str::trim)
            .filter(|f| !f.is_empty())
        {
            if flag == AMBIGUOUS_FLAG {
                ambiguous = true;
            } else if let Some(code) = flag.strip_prefix(ONE_WAY_FLAG) {
                only_to = Some(pair.iter().position(|c| *c == code).ok_or_else(|| {
                    bad(
                        path,
                        number,
                        format!(
                            "{flag:?}: {code:?} is not one of the pair's languages ({} and {})",
                            pair[0], pair[1]
                        ),
                    )
                })?);
            } else {
                return Err(bad(
                    path,
                    number,
                    format!(
                        "unknown flag {flag:?} (expected `{AMBIGUOUS_FLAG}` or `{ONE_WAY_FLAG}{}`)",
                        pair[1]
                    ),
                ));
            }
        }
        for (term, k) in columns[0].iter().zip(&keys[0]) {
            if let Some(first) = defined.insert(k.clone(), number) {
                return Err(bad(
                    path,
                    number,
                    format!("{term:?} is already defined on line {first}"),
                ));
            }
        }
        lines.push(Line {
            columns,
            keys,
            ambiguous,
            only_to,
        });
    }
    Ok(File {
        pair: pair.or(default).unwrap_or(DEFAULT_PAIR),
        lines,
        elisions,
    })
}

/// The pair named by a header line: two different language codes that
/// veille has chains for, and possibly `flags`.
fn header(cells: &[&str]) -> Option<[&'static str; 2]> {
    let (a, b) = match cells {
        [a, b] | [a, b, "flags"] => (a, b),
        _ => return None,
    };
    let a = lang::lookup(a).filter(|l| l.has_chain() && l.code == *a)?;
    let b = lang::lookup(b).filter(|l| l.has_chain() && l.code == *b)?;
    (a.code != b.code).then_some([a.code, b.code])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query;

    fn parse_str(text: &str) -> Result<File> {
        parse(Path::new("glossary.tsv"), text, Some(DEFAULT_PAIR))
    }

    /// Every language may be translated to every other.
    fn all(_: &str, _: &str) -> bool {
        true
    }

    fn expand(v: &Vocabulary, q: &str) -> Vec<(Range<usize>, Vec<String>)> {
        v.expand(&query::parse(q), &all)
            .into_iter()
            .map(|s| {
                let terms = s
                    .terms
                    .iter()
                    .map(|t| format!("{}:{}", t.lang, t.to))
                    .collect();
                (s.groups, terms)
            })
            .collect()
    }

    #[test]
    fn the_shipped_vocabularies_parse_with_a_thousand_entries_and_no_duplicate() {
        assert!(!VOCABULARIES.is_empty());
        let mut total = 0;
        for (name, text, _) in VOCABULARIES {
            // `parse` refuses a term defined twice and names the line of
            // any problem.
            let file = parse(Path::new(name), text, None).unwrap_or_else(|e| panic!("{e}"));
            assert!(
                name.starts_with(&format!("{}-{}", file.pair[0], file.pair[1])),
                "{name} names its pair {:?}",
                file.pair
            );
            total += file.lines.len();
        }
        assert!(total >= 1000, "{total} entries");
        assert_eq!(Vocabulary::builtin().len(), total);
    }

    /// The table of keys that [`Keyed`] reads, made of the shipped
    /// vocabularies analysed.
    fn table_of(analysed: &Vocabulary) -> String {
        use std::fmt::Write;
        let mut out = String::from(
            "# The keys of the terms of this folder's vocabularies as veille's chains\n\
             # make them, built into veille (see `Keyed` in src/search/translate.rs).\n\
             # Written by `VEILLE_WRITE_KEYS=1 cargo test --lib translate`.\n",
        );
        for (name, _, digest) in VOCABULARIES {
            writeln!(out, "@source\t{name}\t{digest:x}").unwrap();
        }
        writeln!(out, "@lines\t{}", analysed.lines).unwrap();
        writeln!(out, "@longest\t{}", analysed.longest).unwrap();
        let mut keys: Vec<&String> = analysed.entries.keys().collect();
        keys.sort();
        for key in keys {
            for t in &analysed.entries[key] {
                let ambiguous = u8::from(t.ambiguous);
                writeln!(
                    out,
                    "{key}\t{}\t{}\t{ambiguous}\t{}",
                    t.from, t.lang, t.text
                )
                .unwrap();
            }
        }
        out
    }

    #[test]
    fn the_shipped_keys_are_what_the_chains_make() {
        let analysed = Vocabulary::analysed();
        let table = table_of(&analysed);
        if std::env::var_os("VEILLE_WRITE_KEYS").is_some() {
            std::fs::write(KEYS_PATH, &table).unwrap();
        }
        let rewrite = "rewrite it with `VEILLE_WRITE_KEYS=1 cargo test --lib translate`";
        let written = std::fs::read_to_string(KEYS_PATH).unwrap_or_default();
        assert!(
            written == table,
            "{KEYS_PATH} is not what the chains make of the vocabularies: {rewrite}"
        );
        let keyed = KEYED
            .as_ref()
            .unwrap_or_else(|| panic!("the build left {KEYS_PATH} out: {rewrite}"));
        assert_eq!(
            keyed.table, table,
            "built from another {KEYS_PATH}: rebuild"
        );
        // Looked up in the table, every term has the translations the
        // chains give it, in the same order; and the same elisions apply.
        let v = Vocabulary::builtin();
        assert!(v.keyed.is_some() && v.entries.is_empty());
        assert_eq!(
            (&v.elisions, v.lines, v.longest),
            (&analysed.elisions, analysed.lines, analysed.longest)
        );
        for (key, targets) in &analysed.entries {
            assert_eq!(&v.targets(key), targets, "{key}");
        }
        assert!(v.targets("no such term").is_empty());
        assert!(v.targets("").is_empty());
    }

    #[test]
    fn every_shipped_entry_is_searchable_in_its_language() {
        let v = Vocabulary::builtin();
        let mut neutral = analysis::analyzer(None);
        for (name, text, _) in VOCABULARIES {
            let file = parse(Path::new(name), text, None).unwrap();
            for line in &file.lines {
                // Each line translates something into something else.
                let keys: Vec<BTreeSet<String>> = line
                    .columns
                    .iter()
                    .map(|c| {
                        c.iter()
                            .map(|t| key(&mut neutral, &v.elisions, t))
                            .collect()
                    })
                    .collect();
                assert!(
                    keys[1].iter().any(|k| !keys[0].contains(k)),
                    "{name}: {:?} translates to itself",
                    line.columns
                );
                // Each term leaves words to search once its language's
                // chain has dropped the stop words.
                for (side, terms) in line.columns.iter().enumerate() {
                    let language = lang::lookup(file.pair[side]).unwrap();
                    let mut chain = analysis::analyzer(Some(language));
                    for term in terms {
                        assert!(
                            !analysis::analyze(&mut chain, term).is_empty(),
                            "{name}: {term:?} is only stop words in {}",
                            language.code
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_issue_examples_are_translated_both_ways() {
        let v = Vocabulary::builtin();
        let mut neutral = analysis::analyzer(None);
        let mut has = |q: &str, lang: &str, to: &str| {
            // Compared as keys: `video games` is the entry `video game`.
            let wanted = key(&mut neutral, &v.elisions, to);
            let spans = v.expand(&query::parse(q), &all);
            assert!(
                translated(&spans)
                    .iter()
                    .any(|t| t.lang == lang && key(&mut neutral, &v.elisions, &t.to) == wanted),
                "{q} → {lang}:{to}: {spans:?}"
            );
        };
        for (fr, en) in [
            ("IA", "AI"),
            ("intelligence artificielle", "artificial intelligence"),
            ("haut débit", "broadband"),
            ("logiciel espion", "spyware"),
            ("courriel", "email"),
            ("jeux vidéo", "video games"),
            ("données personnelles", "personal data"),
            ("télétravail", "remote work"),
            ("Union européenne", "European Union"),
            ("cloud souverain", "sovereign cloud"),
        ] {
            has(fr, "en", en);
            has(en, "fr", fr);
        }
    }

    #[test]
    fn phrases_are_translated_whole_before_their_words() {
        let v = Vocabulary::builtin();
        // Two words of one entry: one span over both groups.
        let found = expand(&v, "intelligence artificielle");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, 0..2);
        assert_eq!(found[0].1, ["en:artificial intelligence"]);
        // Typed without accents or capitals, with an elided article.
        assert_eq!(expand(&v, "l’Intelligence ARTIFICIELLE")[0].0, 0..2);
        assert_eq!(
            expand(&v, "donnees personnelles")[0].1,
            ["en:personal data"]
        );
        // A quoted phrase is translated whole...
        assert_eq!(
            expand(&v, "\"intelligence artificielle\"")[0].1,
            ["en:artificial intelligence"]
        );
        // ... and not word by word when it is not an entry.
        assert!(expand(&v, "\"courriel artificiel\"").is_empty());
        // After a phrase, the next words are looked up on their own.
        let found = expand(&v, "intelligence artificielle santé");
        let spans: Vec<Range<usize>> = found.iter().map(|(r, _)| r.clone()).collect();
        assert_eq!(spans, [0..2, 2..3], "{found:?}");
        // Fuzzy, prefix and excluded words are not translated.
        assert!(expand(&v, "courriel~ courriel* -courriel").is_empty());
        // A title: word keeps its scope.
        let spans = v.expand(&query::parse("title:courriel"), &all);
        assert_eq!(spans[0].scope, Scope::Title);
    }

    #[test]
    fn only_the_wanted_directions_are_translated() {
        let v = Vocabulary::builtin();
        let to_en = |from: &str, to: &str| from == "fr" && to == "en";
        assert!(!v.expand(&query::parse("courriel"), &to_en).is_empty());
        assert!(v.expand(&query::parse("email"), &to_en).is_empty());
    }

    #[test]
    fn ambiguous_entries_weigh_less() {
        let file = parse_str("fr\ten\nsouris\tmouse\tambiguous\ncourriel\temail\n").unwrap();
        let v = Vocabulary::from_files(&[], &[file]);
        let spans = v.expand(&query::parse("souris courriel"), &all);
        let weights: Vec<(String, f32)> = translated(&spans)
            .iter()
            .map(|t| (t.to.clone(), t.weight()))
            .collect();
        assert_eq!(
            weights,
            [
                ("mouse".to_string(), AMBIGUOUS_WEIGHT),
                ("email".to_string(), TRANSLATION_WEIGHT)
            ]
        );
        assert_eq!(
            describe(&translated(&spans)),
            "mouse (en, ambiguous), email (en)"
        );
        // The shipped file marks some entries ambiguous.
        let builtin = Vocabulary::builtin();
        assert!(translated(&builtin.expand(&query::parse("souris"), &all))
            .iter()
            .all(|t| t.ambiguous));
    }

    #[test]
    fn one_way_entries_and_several_translations() {
        let file = parse_str(
            "# a comment\n\nnuage\tcloud\tonly-to-en\nUnion européenne|UE\tEuropean Union|EU\n",
        )
        .unwrap();
        let v = Vocabulary::from_files(&[], &[file]);
        assert_eq!(expand(&v, "nuage"), [(0..1, vec!["en:cloud".to_string()])]);
        assert!(expand(&v, "cloud").is_empty());
        let both = vec!["fr:Union européenne".to_string(), "fr:UE".to_string()];
        assert_eq!(expand(&v, "EU"), [(0..1, both)]);
    }

    #[test]
    fn a_glossary_replaces_the_shipped_translations_of_its_terms() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(GLOSSARY_FILE);
        std::fs::write(
            &path,
            "fr\ten\ncourriel\tmail message\nPomme Studio\tApple Studio\n",
        )
        .unwrap();
        let v = Vocabulary::for_index(dir.path()).unwrap();
        assert_eq!(
            expand(&v, "courriel"),
            [(0..1, vec!["en:mail message".to_string()])]
        );
        assert_eq!(
            expand(&v, "apple studio"),
            [(0..2, vec!["fr:Pomme Studio".to_string()])]
        );
        // The shipped entries are still there.
        assert!(!expand(&v, "logiciel espion").is_empty());
        assert_eq!(v.len(), Vocabulary::builtin().len() + 2);
    }

    #[test]
    fn bad_lines_are_errors_naming_the_line() {
        let cases = [
            ("fr\ten\ncourriel\n", 2, "found 1 column"),
            ("courriel\temail\tx\ty\n", 1, "found 4 columns"),
            ("# c\nsouris\tmouse\tmaybe\n", 2, "unknown flag \"maybe\""),
            ("a\tb\tonly-to-de\n", 1, "not one of the pair's languages"),
            ("courriel\t\n", 1, "an empty en term"),
            ("courriel|\temail\n", 1, "an empty fr term"),
            ("courriel\t…\n", 1, "has no letters or digits"),
            (
                "courriel\temail\n\nCourriel\tmail\n",
                3,
                "\"Courriel\" is already defined on line 1",
            ),
        ];
        for (text, line, message) in cases {
            let err = parse_str(text).unwrap_err();
            let shown = err.to_string();
            assert!(
                matches!(&err, Error::Vocabulary { line: l, .. } if *l == line),
                "{text:?}: {shown}"
            );
            assert!(
                shown.starts_with(&format!("glossary.tsv: line {line}: ")),
                "{shown}"
            );
            assert!(shown.contains(message), "{text:?}: {shown}");
        }
        // A shipped file must name its pair.
        let err = parse(Path::new("xx.tsv"), "courriel\temail\n", None).unwrap_err();
        assert!(
            err.to_string().contains("line 1: expected the header"),
            "{err}"
        );
        // Another pair, by its header.
        let file = parse_str("de\ten\nDatenschutz\tdata protection\n").unwrap();
        assert_eq!(file.pair, ["de", "en"]);
    }
}
