//! "Did you mean": when a search finds nothing, the query again with each
//! misspelt word replaced by a close word of the index, and each name that
//! no article writes as the query does (`.NET`, `EU`) by its plain words
//! (`net`) or a close name that some article does write (`UE`).
//!
//! The edit distance is strsim's Damerau-Levenshtein; the candidates come
//! from tantivy's own Levenshtein automaton over the term dictionary, so no
//! word list is kept besides the index.

use std::collections::HashSet;
use std::hash::BuildHasher;

use rustc_hash::FxHashMap as HashMap;
use tantivy::query::FuzzyTermQuery;
use tantivy::schema::{Field, Term};
use tantivy::Searcher;

use crate::analysis;
use crate::index::schema::Fields;
use crate::search::query::{Atom, Modifier, ParsedQuery};

/// Words shorter than this (in characters) are never corrected.
const MIN_CHARS: usize = 4;
/// Words of this many characters or more may be two edits away; shorter
/// ones, one.
const TWO_EDITS_CHARS: usize = 8;

/// A name no article writes as the query does is replaced by a name of the
/// same kind within this many edits (`EU` → `UE`, `C#` → `F#`).
const NAME_EDITS: u8 = 1;

/// Each query word that the index does not contain, replaced by the most
/// frequent indexed word within one or two edits, and each of the `absent`
/// names (atoms as displayed) by what the index has instead; empty when no
/// word was replaced.
pub(crate) fn did_you_mean(
    searcher: &Searcher,
    fields: &Fields,
    parsed: &ParsedQuery,
    absent: &HashSet<String, impl BuildHasher>,
) -> Vec<String> {
    let field = fields.neutral.body;
    let mut neutral = analysis::analyzer(None);
    let mut changed = false;
    let mut parts = Vec::new();
    for atom in parsed.atoms() {
        if absent.contains(&atom.to_string()) {
            if let Some(name) = instead_of_name(searcher, fields, atom.text()) {
                changed = true;
                parts.push(name);
                continue;
            }
        }
        let Atom::Word {
            text,
            modifier: Modifier::Exact,
            ..
        } = atom
        else {
            parts.push(atom.to_string());
            continue;
        };
        let tokens = analysis::analyze(&mut neutral, text);
        let replacement = match tokens.as_slice() {
            [token] => closest_term(searcher, field, &token.text),
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

/// What the index has instead of a name that no article writes as `text`
/// does. For a compound, its plain words when the index has each of them
/// and none is a single letter (`.NET` → `net`, `Node.js` → `node js`;
/// never `C++` → `c`, which would find every `c’est`). Else the closest
/// name of the same kind: in capitals for a word in capitals (`EU` →
/// `UE`), with the same symbols for a compound (`C#` → `F#`; text cut
/// oddly leaves compounds such as `.et` in the index, which must not be
/// offered for `.NET`).
fn instead_of_name(searcher: &Searcher, fields: &Fields, text: &str) -> Option<String> {
    let tokens = analysis::analyze(&mut analysis::exact(), text);
    let [token] = tokens.as_slice() else {
        return None;
    };
    let name = token.text.as_str();
    let capitals = name.chars().any(char::is_uppercase);
    if !capitals {
        let words = analysis::analyze(&mut analysis::analyzer(None), text);
        let indexed = |w: &str| {
            w.chars().count() > 1
                && searcher
                    .doc_freq(&Term::from_field_text(fields.neutral.body, w))
                    .unwrap_or(0)
                    > 0
        };
        if !words.is_empty() && words.iter().all(|w| indexed(&w.text)) {
            let words: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
            return Some(words.join(" "));
        }
    }
    let symbols = |t: &str| -> String { t.chars().filter(|c| !c.is_alphanumeric()).collect() };
    let same_kind = |t: &str| {
        if capitals {
            t.chars().any(char::is_uppercase)
        } else {
            analysis::is_compound(t) && symbols(t) == symbols(name)
        }
    };
    let close = nearest(searcher, fields.exact.body, name, NAME_EDITS, &same_kind)?;
    Some(if capitals {
        close
    } else {
        match_case(text, &close)
    })
}

/// The indexed term of `field` closest to `word` (fewest edits, then most
/// documents), when `word` itself is not indexed.
fn closest_term(searcher: &Searcher, field: Field, word: &str) -> Option<String> {
    let len = word.chars().count();
    if len < MIN_CHARS {
        return None;
    }
    let distance = if len >= TWO_EDITS_CHARS { 2 } else { 1 };
    nearest(searcher, field, word, distance, &|_| true)
}

/// The term of `field` within `distance` edits of `word` and accepted by
/// `keep` that is closest to it (fewest edits, then most documents), when
/// `word` itself is not indexed.
fn nearest(
    searcher: &Searcher,
    field: Field,
    word: &str,
    distance: u8,
    keep: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let term = Term::from_field_text(field, word);
    if searcher.doc_freq(&term).unwrap_or(0) > 0 {
        return None;
    }
    let fuzzy = FuzzyTermQuery::new(term, distance, true);
    let mut candidates: HashMap<String, u64> = HashMap::default();
    for segment in searcher.segment_readers() {
        let automaton = fuzzy.automaton().ok()?;
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().search(automaton).into_stream() else {
            continue;
        };
        while stream.advance() {
            let key = String::from_utf8_lossy(stream.key()).into_owned();
            if keep(&key) {
                *candidates.entry(key).or_default() += u64::from(stream.value().doc_freq);
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replacement_takes_the_case_of_the_typed_word() {
        assert_eq!(match_case("Zukerberg", "zuckerberg"), "Zuckerberg");
        assert_eq!(match_case("NVIDA", "nvidia"), "NVIDIA");
        assert_eq!(match_case("kubernets", "kubernetes"), "kubernetes");
        assert_eq!(match_case("C#", "f#"), "F#");
    }
}
