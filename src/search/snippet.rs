//! Snippets: the fragments of an article shown under a hit, with every
//! matched word highlighted.
//!
//! tantivy's `SnippetGenerator` only highlights the exact terms of the query
//! in one field, and gives nothing for fuzzy or prefix queries. veille instead
//! re-analyses the stored text with the article's own language chain (and
//! the neutral chain) and marks every token whose *analysed* form matches an
//! analysed query term: `recrutement` thus highlights `recrute`, `precieuse`
//! highlights `précieuse`, and `Zukerberg~` highlights `Zuckerberg`.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde::Serialize;
use tantivy::tokenizer::{TextAnalyzer, Token};

use crate::analysis;
use crate::analysis::lang::Language;
use crate::search::query::{Atom, Modifier, ParsedQuery};

/// Default fragment length, in characters.
pub const FRAGMENT_CHARS: usize = 160;
/// Default number of fragments per hit.
pub const MAX_FRAGMENTS: usize = 3;
const ELLIPSIS: &str = "…";

/// One fragment of text with highlighted byte ranges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    pub text: String,
    /// Byte ranges `[start, end)` into `text`, sorted, not overlapping.
    pub highlights: Vec<(usize, usize)>,
}

impl Snippet {
    /// The fragment as HTML: text escaped, matches inside `<mark>`.
    pub fn html(&self) -> String {
        html(&self.text, &self.highlights)
    }
}

/// `text` as HTML: escaped, the byte ranges `highlights` inside `<mark>`.
pub fn html(text: &str, highlights: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len() + 16 * highlights.len());
    let mut at = 0;
    for &(s, e) in highlights {
        escape_into(&text[at..s], &mut out);
        out.push_str("<mark>");
        escape_into(&text[s..e], &mut out);
        out.push_str("</mark>");
        at = e;
    }
    escape_into(&text[at..], &mut out);
    out
}

/// Escapes text for HTML element content and attribute values.
///
/// Written by hand rather than taken from the page's template crate because
/// snippets are HTML in the JSON outputs too (`veille search --json`, the
/// API), where `'` has always been written `&#39;`; the page and the feed
/// escape everything else themselves (maud, quick-xml).
fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Key of a chain: a language code, `""` for the neutral chain, or
/// [`EXACT_KEY`].
type ChainKey = &'static str;
/// Key of the exact (tech-name) chain.
const EXACT_KEY: ChainKey = "#exact";
/// Key of the neutral chain.
const NEUTRAL_KEY: ChainKey = "";

/// Terms that match only next to each other, as a phrase does: each with
/// its position relative to the first (a dropped stop word leaves a gap).
#[derive(Debug)]
struct Sequence {
    /// The chain whose tokens it is made of.
    chain: ChainKey,
    /// Only in articles of this language (a translation looked up in the
    /// neutral fields), or in any.
    lang: Option<&'static str>,
    terms: Vec<(usize, String)>,
}

/// Finds the words of a text that a query matched.
///
/// It mirrors what [`ranking`](super::ranking) looks each atom up as, so
/// that a marked word is one that matched: a phrase is marked only where
/// its words stand together, a word that some language drops as a stop word
/// is not marked through the neutral chain (where it is not looked up), and
/// a name is marked in the form it was looked up in.
pub struct Highlighter {
    analyzers: HashMap<ChainKey, TextAnalyzer>,
    languages: HashMap<ChainKey, &'static Language>,
    /// Single terms, per chain.
    terms: HashMap<ChainKey, HashSet<String>>,
    sequences: Vec<Sequence>,
    fuzzy: Vec<(String, u8)>,
    prefixes: Vec<String>,
    /// What a chain finds in each word read alone, per chain and language
    /// of the article (which the neutral chain's candidates depend on):
    /// most words of an article recur in it and in the next hits.
    words: HashMap<(ChainKey, ChainKey), HashMap<Box<str>, WordMarks>>,
}

/// What a chain finds in one word (a run of text without white space).
#[derive(Default)]
struct WordMarks {
    /// Byte ranges of the word that match.
    ranges: Vec<(usize, usize)>,
    /// One of its neutral tokens starts like a term of the article's
    /// language chain.
    candidate: bool,
}

impl Highlighter {
    /// Prepares highlighting of `query` for articles in `languages`. Atoms
    /// listed in `exact` (as displayed) were searched as names: only the
    /// form they were looked up in is highlighted (`C++`, never the `C` of
    /// it).
    pub fn new(
        query: &ParsedQuery,
        languages: &[&'static Language],
        exact: &std::collections::HashSet<String, impl std::hash::BuildHasher>,
    ) -> Highlighter {
        let mut h = Highlighter {
            analyzers: HashMap::default(),
            languages: HashMap::default(),
            terms: HashMap::default(),
            sequences: Vec::new(),
            fuzzy: Vec::new(),
            prefixes: Vec::new(),
            words: HashMap::default(),
        };
        h.analyzers.insert(NEUTRAL_KEY, analysis::analyzer(None));
        h.analyzers.insert(EXACT_KEY, analysis::exact());
        for &l in languages.iter().filter(|l| l.has_chain()) {
            h.analyzers.insert(l.code, analysis::analyzer(Some(l)));
            h.languages.insert(l.code, l);
        }
        let codes: Vec<ChainKey> = h.languages.keys().copied().collect();
        for atom in query.atoms() {
            if exact.contains(&atom.to_string()) {
                h.add_name(atom.text());
                continue;
            }
            match atom {
                Atom::Word {
                    text,
                    modifier: Modifier::Fuzzy(d),
                    ..
                } => {
                    for t in h.analyze(NEUTRAL_KEY, text) {
                        h.fuzzy.push((t.text, *d));
                    }
                }
                Atom::Word {
                    text,
                    modifier: Modifier::Prefix,
                    ..
                } => {
                    for t in h.analyze(NEUTRAL_KEY, text) {
                        h.prefixes.push(t.text);
                    }
                }
                _ => {
                    let text = atom.text();
                    // As ranking does: a word some language drops is not
                    // looked up unstemmed.
                    let stop = matches!(atom, Atom::Word { .. })
                        && codes.iter().any(|&c| h.analyze(c, text).is_empty());
                    if !stop {
                        let tokens = h.analyze(NEUTRAL_KEY, text);
                        h.add(NEUTRAL_KEY, None, tokens);
                    }
                    for &code in &codes {
                        let tokens = h.analyze(code, text);
                        h.add(code, None, tokens);
                    }
                }
            }
        }
        h
    }

    /// A name, as ranking looks it up: its compounds as written (`C++`),
    /// or its plain words in the neutral chain (`5G`, and `Wi-Fi 7`, whose
    /// words must stand together).
    fn add_name(&mut self, text: &str) {
        let tokens = self.analyze(EXACT_KEY, text);
        let compounds: Vec<Token> = tokens
            .iter()
            .filter(|t| analysis::is_compound(&t.text))
            .cloned()
            .collect();
        let words = self.analyze(NEUTRAL_KEY, text);
        let capitals = !tokens.is_empty()
            && tokens
                .iter()
                .all(|t| t.text.chars().any(char::is_uppercase));
        if !compounds.is_empty() && (compounds.len() == tokens.len() || words.is_empty()) {
            self.add(EXACT_KEY, None, compounds);
        } else if compounds.is_empty() && capitals {
            // A word in capitals (`AI`) matched articles that write it so:
            // mark it as written, never the `ai` of `j'ai` that the
            // neutral chain also holds.
            self.add(EXACT_KEY, None, tokens);
        } else {
            self.add(NEUTRAL_KEY, None, words);
        }
    }

    /// Also marks the query's words and phrases as written, through the
    /// neutral chain, stop words included: what ranking looks up when every
    /// word of a query is one some language drops (`le`, `"à la une"`).
    /// Fuzzy and prefix words are marked as they already are.
    pub fn add_as_written(&mut self, query: &ParsedQuery) {
        for atom in query.atoms() {
            if let Atom::Word {
                modifier: Modifier::Fuzzy(_) | Modifier::Prefix,
                ..
            } = atom
            {
                continue;
            }
            let tokens = self.analyze(NEUTRAL_KEY, atom.text());
            self.add(NEUTRAL_KEY, None, tokens);
        }
    }

    /// Also highlights `text`, a translation of query words into
    /// `language`, in the articles of that language: through its chain, or
    /// as written when the chain drops one of its words (as ranking does).
    pub fn add_translation(&mut self, language: &str, text: &str) {
        let Some(key) = self.languages.get(language).map(|l| l.code) else {
            return;
        };
        let words = self.analyze(NEUTRAL_KEY, text);
        let tokens = self.analyze(key, text);
        if !tokens.is_empty() && tokens.len() == words.len() {
            self.add(key, None, tokens);
        } else {
            self.add(NEUTRAL_KEY, Some(key), words);
        }
    }

    /// Marks `tokens` of the chain `key`: one alone wherever it is, several
    /// only together.
    fn add(&mut self, key: ChainKey, lang: Option<&'static str>, tokens: Vec<Token>) {
        match tokens.as_slice() {
            [] => {}
            [one] if lang.is_none() => {
                self.terms.entry(key).or_default().insert(one.text.clone());
            }
            [first, ..] => {
                let from = first.position;
                self.sequences.push(Sequence {
                    chain: key,
                    lang,
                    terms: tokens
                        .iter()
                        .map(|t| (t.position - from, t.text.clone()))
                        .collect(),
                });
            }
        }
    }

    fn analyze(&mut self, key: ChainKey, text: &str) -> Vec<Token> {
        let analyzer = self.analyzers.get_mut(key).expect("chain prepared");
        analysis::analyze(analyzer, text)
    }

    /// True when there is nothing to highlight.
    pub fn is_empty(&self) -> bool {
        self.terms.values().all(HashSet::is_empty)
            && self.sequences.is_empty()
            && self.fuzzy.is_empty()
            && self.prefixes.is_empty()
    }

    /// Byte ranges of `text` that match, for an article in `language`.
    ///
    /// A text goes through its language chain (the costly one: it stems
    /// every word) only in [`windows`](Self::windows) around the words that
    /// could match, and the neutral chain reads only the words that could
    /// give a term ([`analysis::neutral_may_begin_with`]); the exact chain
    /// reads it whole. The same marks as reading the text whole through
    /// every chain (`windowed` false), which the tests compare with.
    pub fn ranges(&mut self, text: &str, language: &str) -> Vec<(usize, usize)> {
        self.ranges_in(text, language, true)
    }

    fn ranges_in(&mut self, text: &str, language: &str, windowed: bool) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let language_key = self.languages.get(language).map(|l| l.code);
        let needles = match language_key {
            Some(key) if windowed => self.needles(key),
            _ => Vec::new(),
        };
        // Where the language chain's words may be, found by the neutral
        // pass: byte spans of neutral tokens (or of whole words) that start
        // like one of them.
        let mut candidates: Vec<(usize, usize)> = Vec::new();
        let mut keys = vec![NEUTRAL_KEY, EXACT_KEY];
        keys.extend(language_key);
        for key in keys {
            let empty = HashSet::default();
            let terms = self.terms.get(key).unwrap_or(&empty);
            let sequences: Vec<&Sequence> = self
                .sequences
                .iter()
                .filter(|s| s.chain == key && s.lang.is_none_or(|l| l == language))
                .collect();
            let neutral = key == NEUTRAL_KEY;
            let loose = neutral && !(self.prefixes.is_empty() && self.fuzzy.is_empty());
            let scout = neutral && !needles.is_empty();
            if terms.is_empty() && sequences.is_empty() && !loose && !scout {
                continue;
            }
            let Some(analyzer) = self.analyzers.get_mut(key) else {
                continue;
            };
            let (prefixes, fuzzy) = (&self.prefixes, &self.fuzzy);
            let matches = |token: &str| {
                terms.contains(token)
                    || (neutral
                        && (prefixes.iter().any(|p| token.starts_with(p.as_str()))
                            || fuzzy.iter().any(|(w, d)| {
                                strsim::damerau_levenshtein(w, token) <= *d as usize
                            })))
            };
            let language_chain = Some(key) == language_key;
            if windowed && key != EXACT_KEY && (sequences.is_empty() || scout) {
                // Each word (no token of these chains spans white space) is
                // read alone, once per highlighter: the neutral chain reads
                // every word, for the candidates of the language chain (the
                // costly one: it stems), which reads only those. Without a
                // phrase to find, positions do not matter, and the marks
                // are found here too.
                let spots = if language_chain {
                    words(text, &candidates)
                } else {
                    Vec::new()
                };
                // A word none of whose neutral tokens can begin like a
                // term, a prefix or a needle is neither marked nor a
                // candidate: it is passed over unread (most words are).
                let initials = if neutral && fuzzy.is_empty() {
                    let firsts = terms.iter().chain(prefixes).chain(&needles);
                    analysis::ascii_initials(firsts.map(String::as_str))
                } else {
                    None
                };
                let memo = self
                    .words
                    .entry((key, language_key.unwrap_or(NEUTRAL_KEY)))
                    .or_default();
                let mut pieces = Pieces::default();
                let mut read = |from: usize, word: &str| {
                    if initials.is_some_and(|set| !analysis::neutral_may_begin_with(word, set)) {
                        return;
                    }
                    let mut place = |marks: &WordMarks| {
                        if marks.candidate {
                            candidates.push((from, from + word.len()));
                        }
                        if sequences.is_empty() {
                            out.extend(marks.ranges.iter().map(|&(s, e)| (from + s, from + e)));
                        }
                    };
                    if let Some(marks) = memo.get(word) {
                        place(marks);
                    } else {
                        let mut marks = WordMarks::default();
                        pieces.clear();
                        analysis::for_each_token(analyzer, word, |token| {
                            if scout {
                                pieces.push(&token.text);
                            }
                            if token.offset_from < token.offset_to && matches(&token.text) {
                                marks.ranges.push((token.offset_from, token.offset_to));
                            }
                        });
                        marks.candidate = scout && pieces.begin_with_any(&needles);
                        place(&marks);
                        memo.insert(word.into(), marks);
                    }
                };
                if language_chain {
                    for (from, to) in spots {
                        read(from, &text[from..to]);
                    }
                } else {
                    for_each_word(text, read);
                }
                if sequences.is_empty() {
                    continue;
                }
            }
            let spans = if windowed && language_chain {
                windows(text, &candidates)
            } else {
                vec![(0, text.len())]
            };
            for (from, to) in spans {
                // Tokens are kept only when a phrase has to be found among them.
                let mut tokens: Vec<Token> = Vec::new();
                analysis::for_each_token(analyzer, &text[from..to], |token| {
                    let (start, end) = (from + token.offset_from, from + token.offset_to);
                    if start < end && matches(&token.text) {
                        out.push((start, end));
                    }
                    if !sequences.is_empty() {
                        let mut token = token.clone();
                        token.offset_from = start;
                        token.offset_to = end;
                        tokens.push(token);
                    }
                });
                for sequence in &sequences {
                    out.extend(find_sequence(&tokens, sequence));
                }
            }
        }
        join_elisions(text, merge(out))
    }

    /// The beginnings that the words of a text must have, once through the
    /// neutral chain, to give a term of the chain `key` when stemmed: the
    /// first letters of each term ([`needle`]). Stemming rewrites only the
    /// end of a word, so those begin the word (its neutral tokens glued,
    /// [`Pieces`]).
    fn needles(&self, key: ChainKey) -> Vec<String> {
        let sequences = self
            .sequences
            .iter()
            .filter(|s| s.chain == key)
            .flat_map(|s| s.terms.iter().map(|(_, t)| t));
        let mut out: Vec<String> = self
            .terms
            .get(key)
            .into_iter()
            .flatten()
            .chain(sequences)
            .map(|term| needle(term).to_string())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The beginning of `term` (of a language chain) that a word must have,
/// once through the neutral chain, to give it ([`Highlighter::needles`]).
fn needle(term: &str) -> &str {
    let keep = if term.chars().nth(SHORT_STEM_CHARS).is_some() {
        NEEDLE_CHARS
    } else {
        1
    };
    term.char_indices()
        .nth(keep)
        .map_or(term, |(at, _)| &term[..at])
}

/// The letters of a stem that a candidate word must begin with: Snowball
/// rewrites words only after their first syllable (French turns the `c`
/// of `laïcité` into `qu`, the third letter), ...
const NEEDLE_CHARS: usize = 2;
/// ... but for English stems of this many letters or fewer, which may be
/// irregular forms (`dying` gives `die`): those keep their first letter.
const SHORT_STEM_CHARS: usize = 3;

/// A word's neutral tokens, glued together in one buffer.
#[derive(Default)]
struct Pieces {
    glued: String,
    starts: Vec<usize>,
}

impl Pieces {
    fn clear(&mut self) {
        self.glued.clear();
        self.starts.clear();
    }

    fn push(&mut self, token: &str) {
        self.starts.push(self.glued.len());
        self.glued.push_str(token);
    }

    /// True when one of `needles` begins the tokens glued from any of them
    /// on: a language chain keeps letters joined by an apostrophe in one
    /// token (`O’Rourke` gives `orourk`, `y’a` gives `ya`), where the
    /// neutral chain splits them.
    fn begin_with_any(&self, needles: &[String]) -> bool {
        self.starts.iter().any(|&at| {
            needles
                .iter()
                .any(|n| self.glued[at..].starts_with(n.as_str()))
        })
    }
}

/// Bytes of context analysed on each side of a candidate word: enough for
/// the words of a phrase around it, stop words between them included.
const WINDOW_MARGIN: usize = 96;

/// Spans of `text` around `words` (sorted byte spans) that the language
/// chain reads: each word widened by [`WINDOW_MARGIN`] on both sides to
/// white space, so that no word is cut, overlapping spans joined.
fn windows(text: &str, words: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for &(s, e) in words {
        let mut from = s.saturating_sub(WINDOW_MARGIN);
        while !text.is_char_boundary(from) {
            from -= 1;
        }
        let from = text[..from]
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(at, c)| at + c.len_utf8());
        let mut to = (e + WINDOW_MARGIN).min(text.len());
        while !text.is_char_boundary(to) {
            to += 1;
        }
        let to = text[to..]
            .find(char::is_whitespace)
            .map_or(text.len(), |at| to + at);
        match out.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => out.push((from, to)),
        }
    }
    out
}

/// The words of `text` (runs without white space, where no token of any
/// chain begins or ends) around the byte spans `candidates` (sorted), each
/// once.
fn words(text: &str, candidates: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for &(s, e) in candidates {
        if out.last().is_some_and(|last| s < last.1) {
            continue;
        }
        let from = text[..s]
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(at, c)| at + c.len_utf8());
        let to = text[e..]
            .find(char::is_whitespace)
            .map_or(text.len(), |at| e + at);
        out.push((from, to));
    }
    out
}

/// Calls `f` with each run of `text` without white space and where it
/// starts.
fn for_each_word(text: &str, mut f: impl FnMut(usize, &str)) {
    let mut start = None;
    for (at, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(from)) => {
                f(from, &text[from..at]);
                start = None;
            }
            (false, None) => start = Some(at),
            _ => {}
        }
    }
    if let Some(from) = start {
        f(from, &text[from..]);
    }
}

/// Where the terms of `sequence` stand at their relative positions among
/// `tokens`: the span from the first to the last of them, each time.
fn find_sequence(tokens: &[Token], sequence: &Sequence) -> Vec<(usize, usize)> {
    let Some((_, first)) = sequence.terms.first() else {
        return Vec::new();
    };
    // A chain may put several tokens at one position.
    let mut at: HashMap<usize, Vec<&Token>> = HashMap::default();
    for t in tokens {
        at.entry(t.position).or_default().push(t);
    }
    let mut out = Vec::new();
    for start in tokens.iter().filter(|t| &t.text == first) {
        let found: Option<Vec<&Token>> = sequence
            .terms
            .iter()
            .map(|(rel, term)| {
                at.get(&(start.position + rel))?
                    .iter()
                    .copied()
                    .find(|t| &t.text == term)
            })
            .collect();
        if let Some(found) = found {
            let from = found.iter().map(|t| t.offset_from).min().unwrap_or(0);
            let to = found.iter().map(|t| t.offset_to).max().unwrap_or(0);
            if from < to {
                out.push((from, to));
            }
        }
    }
    out
}

/// Joins two highlights separated only by an apostrophe, so that a word
/// matched in two parts (`aujourd’hui`) is marked as one.
fn join_elisions(text: &str, ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        if let Some(last) = out.last_mut() {
            let gap = &text[last.1..s];
            if matches!(gap, "’" | "'" | "‘" | "ʼ") {
                last.1 = e;
                continue;
            }
        }
        out.push((s, e));
    }
    out
}

/// Sorts ranges and merges those that overlap or touch.
fn merge(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// Picks up to `max` fragments of about `width` characters around the
/// matches in `text`, best first by the number of distinct words matched,
/// then returns them in document order.
pub fn fragments(text: &str, ranges: &[(usize, usize)], max: usize, width: usize) -> Vec<Snippet> {
    if ranges.is_empty() || max == 0 {
        return Vec::new();
    }
    let width_bytes = width.max(20);
    // Candidate windows: each starts at a match and takes the following
    // matches that fit in the width.
    let mut candidates: Vec<(usize, usize, usize)> = Vec::new(); // (score, first, last)
                                                                 // Each match lowercased once; a window holds a few of them, compared
                                                                 // pairwise.
    let words: Vec<String> = ranges
        .iter()
        .map(|&(s, e)| text[s..e].to_lowercase())
        .collect();
    for i in 0..ranges.len() {
        let mut j = i;
        while j + 1 < ranges.len() && ranges[j + 1].1 - ranges[i].0 <= width_bytes {
            j += 1;
        }
        let distinct = (i..=j)
            .filter(|&k| !words[i..k].contains(&words[k]))
            .count();
        candidates.push((distinct * 100 + (j - i + 1), i, j));
    }
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut used = vec![false; ranges.len()];
    let mut chosen: Vec<(usize, usize)> = Vec::new();
    for (_, i, j) in candidates {
        if chosen.len() == max {
            break;
        }
        if used[i..=j].iter().any(|u| *u) {
            continue;
        }
        used[i..=j].iter_mut().for_each(|u| *u = true);
        chosen.push((i, j));
    }
    chosen.sort_unstable();
    let mut out = Vec::new();
    let mut floor = 0;
    for (i, j) in chosen {
        let core = (ranges[i].0.max(floor), ranges[j].1);
        if core.0 >= core.1 {
            continue;
        }
        let (start, end) = expand(text, core, width_bytes, floor);
        let inside: Vec<(usize, usize)> = ranges[i..=j]
            .iter()
            .filter(|r| r.0 >= start && r.1 <= end)
            .map(|&(s, e)| (s - start, e - start))
            .collect();
        out.push(build(text, start, end, &inside));
        floor = end;
    }
    out
}

/// The opening of a text as a fragment, for hits with nothing to highlight.
pub fn lead(text: &str, width: usize) -> Option<Snippet> {
    let start = text.len() - text.trim_start().len();
    if start == text.len() {
        return None;
    }
    let (_, end) = expand(text, (start, start), width.max(20), start);
    Some(build(text, start, end, &[]))
}

/// The first words of `text`, white space folded, at most `max`
/// characters: cut after a word, with `…`, when there is more (inside the
/// first word only when it alone is longer).
pub fn first_words(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        let space = usize::from(!out.is_empty());
        if chars + space + len > max {
            if out.is_empty() {
                out.extend(word.chars().take(max));
            }
            out.push_str(ELLIPSIS);
            return out;
        }
        if space == 1 {
            out.push(' ');
        }
        out.push_str(word);
        chars += space + len;
    }
    out
}

/// Widens `core` to about `width` bytes, at word boundaries, never before `floor`.
fn expand(text: &str, core: (usize, usize), width: usize, floor: usize) -> (usize, usize) {
    let len = text.len();
    let spare = width.saturating_sub(core.1 - core.0);
    let mut start = core.0.saturating_sub(spare / 3).max(floor);
    let mut end = (core.1 + (spare - (core.0 - start).min(spare))).min(len);
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    while end < len && !text.is_char_boundary(end) {
        end += 1;
    }
    // Snap the start forward to the beginning of a word.
    if start > floor && start < core.0 {
        let prev_is_space = text[..start]
            .chars()
            .next_back()
            .is_some_and(char::is_whitespace);
        if !prev_is_space {
            if let Some(k) = text[start..core.0].find(char::is_whitespace) {
                start += k;
                start += text[start..].chars().next().map_or(0, char::len_utf8);
            } else {
                start = core.0;
            }
        }
    }
    // Snap the end back to the end of a word.
    if end < len && end > core.1 {
        let next_is_space = text[end..].chars().next().is_some_and(char::is_whitespace);
        if !next_is_space {
            match text[core.1..end].rfind(char::is_whitespace) {
                Some(k) => end = core.1 + k,
                None => end = core.1,
            }
        }
    }
    (start, end)
}

/// Copies `text[start..end]`, folding runs of white space into one space,
/// adding `…` where the text was cut, and moving the highlights along.
fn build(text: &str, start: usize, end: usize, highlights: &[(usize, usize)]) -> Snippet {
    let slice = &text[start..end];
    let mut out = String::with_capacity(slice.len() + 8);
    let mut map = vec![0usize; slice.len() + 1];
    let lead_cut = start > 0;
    if lead_cut {
        out.push_str(ELLIPSIS);
    }
    let mut in_space = false;
    for (i, c) in slice.char_indices() {
        map[i] = out.len();
        if c.is_whitespace() || c.is_control() {
            if !in_space && out.len() > if lead_cut { ELLIPSIS.len() } else { 0 } {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    map[slice.len()] = out.len();
    while out.ends_with(' ') {
        out.pop();
    }
    let text_len = out.len();
    if end < text.len() {
        out.push_str(ELLIPSIS);
    }
    let highlights = highlights
        .iter()
        .map(|&(s, e)| (map[s].min(text_len), map[e].min(text_len)))
        .filter(|(s, e)| s < e)
        .collect();
    Snippet {
        text: out,
        highlights,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_joins_overlaps() {
        assert_eq!(
            merge(vec![(5, 8), (0, 2), (1, 3), (8, 9)]),
            vec![(0, 3), (5, 9)]
        );
    }

    #[test]
    fn fragments_cut_at_words_and_mark_ellipses() {
        let text = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega";
        let at = text.find("omicron").unwrap();
        let frags = fragments(text, &[(at, at + 7)], 3, 30);
        assert_eq!(frags.len(), 1);
        let f = &frags[0];
        assert!(
            f.text.starts_with('…') && f.text.ends_with('…'),
            "{}",
            f.text
        );
        let (s, e) = f.highlights[0];
        assert_eq!(&f.text[s..e], "omicron");
        // cut at word boundaries: no partial words next to the ellipses
        let inner = f.text.trim_matches('…');
        assert!(
            inner.split(' ').all(|w| text.split(' ').any(|t| t == w)),
            "{inner}"
        );
    }

    #[test]
    fn whitespace_is_folded_and_offsets_follow() {
        let text = "un\n\n  deux   trois";
        let at = text.find("trois").unwrap();
        let frags = fragments(text, &[(at, at + 5)], 1, 160);
        assert_eq!(frags[0].text, "un deux trois");
        let (s, e) = frags[0].highlights[0];
        assert_eq!(&frags[0].text[s..e], "trois");
    }

    #[test]
    fn html_escapes_everything_but_marks() {
        let s = Snippet {
            text: "<script>x</script> & ok".into(),
            highlights: vec![(21, 23)],
        };
        assert_eq!(
            s.html(),
            "&lt;script&gt;x&lt;/script&gt; &amp; <mark>ok</mark>"
        );
    }

    /// The marked parts of `text` for `query`, in a French article of an
    /// index in French and English.
    fn marks(query: &str, text: &str) -> Vec<String> {
        use crate::analysis::lang;
        use crate::search::query::parse;
        let languages = [lang::lookup("fr").unwrap(), lang::lookup("en").unwrap()];
        let names: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut h = Highlighter::new(&parse(query), &languages, &names);
        h.ranges(text, "fr")
            .into_iter()
            .map(|(s, e)| text[s..e].to_string())
            .collect()
    }

    #[test]
    fn only_what_matched_is_marked() {
        let text = "Les prix de la mémoire vive et de la mémoire flash: Meta recrute";
        // A phrase where its words stand together, as one mark.
        assert_eq!(marks("\"mémoire vive\"", text), ["mémoire vive"]);
        // Words alone, each wherever it is.
        assert_eq!(marks("mémoire", text), ["mémoire", "mémoire"]);
        // A word French drops is not looked up, so not marked.
        assert_eq!(marks("les prix", text), ["prix"]);
        // A stemmed form matches, and is marked.
        assert_eq!(marks("recrutement", text), ["recrute"]);
    }

    /// What a long French article's language chain marks, read in
    /// windows, and read whole.
    fn both(h: &mut Highlighter, text: &str) -> [Vec<(usize, usize)>; 2] {
        [
            h.ranges_in(text, "fr", true),
            h.ranges_in(text, "fr", false),
        ]
    }

    fn highlighter(query: &str) -> Highlighter {
        use crate::analysis::lang;
        use crate::search::query::parse;
        let languages = [lang::lookup("fr").unwrap(), lang::lookup("en").unwrap()];
        let names: std::collections::HashSet<String> = std::collections::HashSet::new();
        Highlighter::new(&parse(query), &languages, &names)
    }

    #[test]
    fn long_texts_are_marked_as_when_read_whole() {
        let filler = "Le marché des composants reste tendu cette année selon les analystes. ";
        let text = format!(
            "{}Meta recrute des chercheurs, aujourd’hui, pour la mémoire vive. {}Les recrutements heureux continuent; la mémoire  vive manque.",
            filler.repeat(30),
            filler.repeat(40)
        );
        // Windows end at white space of any width (French puts no-break
        // spaces before colons and inside quotes).
        let spaced = format!(
            "{}« la mémoire\u{a0}vive\u{202f}» : {}",
            filler.replace(' ', "\u{a0}").repeat(30),
            filler.replace(' ', "\u{202f}").repeat(30)
        );
        let mut h = highlighter("mémoire vive");
        let [windowed, whole] = both(&mut h, &spaced);
        assert_eq!((windowed.len(), &windowed), (2, &whole));
        for query in [
            "recrutement",
            "\"mémoire vive\"",
            "heureuse",
            "aujourd'hui",
            "composants tendus",
            "marche~",
            "recru*",
        ] {
            let mut h = highlighter(query);
            let [windowed, whole] = both(&mut h, &text);
            assert!(!whole.is_empty(), "{query}");
            assert_eq!(windowed, whole, "{query}");
        }
    }

    /// On real articles, when the shared data is there: no word is marked
    /// that reading the whole text would not mark, and nearly all are.
    #[test]
    fn real_articles_are_marked_as_when_read_whole() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let shared = std::env::var_os("VEILLE_SHARED")
            .map_or_else(|| root.join("../shared"), std::path::PathBuf::from);
        let file = shared.join("data/orangesum/orangesum_hightech.jsonl");
        let Ok(lines) = std::fs::read_to_string(&file) else {
            println!("skipped: {} not found (set VEILLE_SHARED)", file.display());
            return;
        };
        // Each article's text, then its title and its heading: short
        // texts are read in windows too.
        let articles: Vec<serde_json::Value> = lines
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .take(200)
            .collect();
        let field = |name: &str| {
            articles
                .iter()
                .filter_map(|v| Some(v.get(name)?.as_str()?.to_string()))
                .collect::<Vec<String>>()
        };
        let texts = [field("article"), field("title"), field("heading")].concat();
        assert!(texts.len() >= 500, "{}", texts.len());
        assert!(texts.iter().filter(|t| t.len() < 300).count() >= 200);
        let mut all = 0;
        for query in [
            "intelligence artificielle",
            "\"réseaux sociaux\"",
            "smartphones Apple",
            "données personnelles",
            "recherche scientifique",
            "jeux vidéo",
            "énergie",
            "numéri* recrutement",
            "télé*",
        ] {
            // One highlighter for all the texts, as for the hits of a
            // search: what it remembers of a word holds in every text.
            let mut h = highlighter(query);
            for text in &texts {
                let windowed = h.ranges_in(text, "fr", true);
                let whole = h.ranges_in(text, "fr", false);
                assert_eq!(windowed, whole, "{query}");
                all += whole.len();
            }
        }
        assert!(all > 500, "{all}");
    }

    /// Every word of real text in French and English (and the words of
    /// Snowball's French vocabulary, when the shared data is there) that
    /// its language chain turns into some term begins, once through the
    /// neutral chain, with that term's needle: a word left out of the
    /// candidates could not have matched.
    #[test]
    fn needles_begin_every_word_that_could_match() {
        use crate::analysis::lang;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let shared = std::env::var_os("VEILLE_SHARED")
            .map_or_else(|| root.join("../shared"), std::path::PathBuf::from);
        let read = |path: std::path::PathBuf| {
            let text = std::fs::read_to_string(&path);
            if text.is_err() {
                println!("skipped: {} not found (set VEILLE_SHARED)", path.display());
            }
            text.unwrap_or_default()
        };
        let mut texts: Vec<(String, String)> = vec![
            (
                "fr".into(),
                read(shared.join("data/snowball-french/voc.txt")),
            ),
            (
                "fr".into(),
                read(shared.join("data/orangesum/orangesum_hightech.jsonl")),
            ),
        ];
        if let Ok(dir) = std::fs::read_dir(shared.join("data/bbc/bbc/tech")) {
            let english = dir
                .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                .collect();
            texts.push(("en".into(), english));
        } else {
            println!("skipped: the BBC's English articles (set VEILLE_SHARED)");
        }
        // The articles of the sample corpus, named after their language.
        for folder in ["corpus/txt", "corpus/md"] {
            for entry in std::fs::read_dir(root.join(folder)).expect("the sample corpus") {
                let path = entry.expect("a file of the sample corpus").path();
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                let code = name.split('-').next().unwrap_or_default().to_string();
                texts.push((code, read(path)));
            }
        }
        let mut neutral = analysis::analyzer(None);
        let (mut words, mut missed) = (0, Vec::new());
        for (code, text) in &texts {
            let Some(language) = lang::lookup(code).filter(|l| l.has_chain()) else {
                continue;
            };
            let mut chain = analysis::analyzer(Some(language));
            let mut seen = HashSet::default();
            for_each_word(text, |_, word| {
                if !seen.insert(word.to_string()) {
                    return;
                }
                words += 1;
                let mut pieces = Pieces::default();
                analysis::for_each_token(&mut neutral, word, |t| pieces.push(&t.text));
                for term in analysis::analyze(&mut chain, word) {
                    let needle = needle(&term.text).to_string();
                    if !pieces.begin_with_any(&[needle]) {
                        missed.push(format!("{code} {word} -> {}", term.text));
                    }
                }
            });
        }
        println!("{words} distinct words");
        assert!(words > 100, "{words}");
        assert!(missed.is_empty(), "{missed:?}");
    }

    #[test]
    fn first_words_cut_after_a_word() {
        let text = "Meta recrute  activement\ndes talents en intelligence artificielle";
        assert_eq!(first_words(text, 26), "Meta recrute activement…");
        assert_eq!(
            first_words(text, 200),
            "Meta recrute activement des talents en intelligence artificielle"
        );
        assert_eq!(first_words("Anticonstitutionnellement", 5), "Antic…");
        assert_eq!(first_words(" \n", 10), "");
    }

    #[test]
    fn lead_of_blank_text_is_none() {
        assert!(lead("   ", 160).is_none());
        assert_eq!(lead("court", 160).unwrap().text, "court");
    }
}
