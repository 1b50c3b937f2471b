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
use tantivy::tokenizer::TextAnalyzer;

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
        let mut out = String::with_capacity(self.text.len() + 16 * self.highlights.len());
        let mut at = 0;
        for &(s, e) in &self.highlights {
            escape_into(&self.text[at..s], &mut out);
            out.push_str("<mark>");
            escape_into(&self.text[s..e], &mut out);
            out.push_str("</mark>");
            at = e;
        }
        escape_into(&self.text[at..], &mut out);
        out
    }
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

/// Finds the words of a text that a query matched.
pub struct Highlighter {
    analyzers: HashMap<ChainKey, TextAnalyzer>,
    languages: HashMap<ChainKey, &'static Language>,
    terms: HashMap<ChainKey, HashSet<String>>,
    fuzzy: Vec<(String, u8)>,
    prefixes: Vec<String>,
}

impl Highlighter {
    /// Prepares highlighting of `query` for articles in `languages`. Atoms
    /// listed in `exact` (as displayed) were searched as names: only their
    /// whole form is highlighted (`C++`, never the `C` of it).
    pub fn new(
        query: &ParsedQuery,
        languages: &[&'static Language],
        exact: &std::collections::HashSet<String, impl std::hash::BuildHasher>,
    ) -> Highlighter {
        let mut h = Highlighter {
            analyzers: HashMap::default(),
            languages: HashMap::default(),
            terms: HashMap::default(),
            fuzzy: Vec::new(),
            prefixes: Vec::new(),
        };
        h.analyzers.insert("", analysis::analyzer(None));
        h.analyzers.insert(EXACT_KEY, analysis::exact());
        for &l in languages.iter().filter(|l| l.has_chain()) {
            h.analyzers.insert(l.code, analysis::analyzer(Some(l)));
            h.languages.insert(l.code, l);
        }
        let keys: Vec<ChainKey> = h
            .analyzers
            .keys()
            .copied()
            .filter(|k| *k != EXACT_KEY)
            .collect();
        for atom in query.atoms() {
            if exact.contains(&atom.to_string()) {
                let terms = h.analyze(EXACT_KEY, atom.text());
                h.terms.entry(EXACT_KEY).or_default().extend(terms);
                continue;
            }
            match atom {
                Atom::Word {
                    text,
                    modifier: Modifier::Fuzzy(d),
                    ..
                } => {
                    for t in h.analyze("", text) {
                        h.fuzzy.push((t, *d));
                    }
                }
                Atom::Word {
                    text,
                    modifier: Modifier::Prefix,
                    ..
                } => {
                    for t in h.analyze("", text) {
                        h.prefixes.push(t);
                    }
                }
                _ => {
                    for &key in &keys {
                        let terms = h.analyze(key, atom.text());
                        h.terms.entry(key).or_default().extend(terms);
                    }
                }
            }
        }
        h
    }

    /// Also highlights `text`, a translation of query words into
    /// `language`, in the articles of that language.
    pub fn add_translation(&mut self, language: &str, text: &str) {
        let Some(key) = self.languages.get(language).map(|l| l.code) else {
            return;
        };
        let terms = self.analyze(key, text);
        self.terms.entry(key).or_default().extend(terms);
    }

    fn analyze(&mut self, key: ChainKey, text: &str) -> Vec<String> {
        let analyzer = self.analyzers.get_mut(key).expect("chain prepared");
        analysis::analyze(analyzer, text)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    /// True when there is nothing to highlight.
    pub fn is_empty(&self) -> bool {
        self.terms.values().all(HashSet::is_empty)
            && self.fuzzy.is_empty()
            && self.prefixes.is_empty()
    }

    /// Byte ranges of `text` that match, for an article in `language`.
    pub fn ranges(&mut self, text: &str, language: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut keys = vec!["", EXACT_KEY];
        if self.languages.contains_key(language) {
            let key = self.languages[language].code;
            keys.push(key);
        }
        for key in keys {
            let Some(analyzer) = self.analyzers.get_mut(key) else {
                continue;
            };
            let empty = HashSet::default();
            let terms = self.terms.get(key).unwrap_or(&empty);
            let neutral = key.is_empty();
            if !neutral && terms.is_empty() {
                continue;
            }
            let (prefixes, fuzzy) = (&self.prefixes, &self.fuzzy);
            analysis::for_each_token(analyzer, text, |token| {
                let hit = terms.contains(&token.text)
                    || (neutral
                        && (prefixes.iter().any(|p| token.text.starts_with(p.as_str()))
                            || fuzzy.iter().any(|(w, d)| {
                                strsim::damerau_levenshtein(w, &token.text) <= *d as usize
                            })));
                if hit && token.offset_from < token.offset_to {
                    out.push((token.offset_from, token.offset_to));
                }
            });
        }
        join_elisions(text, merge(out))
    }
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
    for i in 0..ranges.len() {
        let mut j = i;
        while j + 1 < ranges.len() && ranges[j + 1].1 - ranges[i].0 <= width_bytes {
            j += 1;
        }
        let distinct: HashSet<String> = ranges[i..=j]
            .iter()
            .map(|&(s, e)| text[s..e].to_lowercase())
            .collect();
        candidates.push((distinct.len() * 100 + (j - i + 1), i, j));
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

    #[test]
    fn lead_of_blank_text_is_none() {
        assert!(lead("   ", 160).is_none());
        assert_eq!(lead("court", 160).unwrap().text, "court");
    }
}
