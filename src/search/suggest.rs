//! "Did you mean": when a search finds nothing, the query again with each
//! misspelt word replaced by a close word of the index.
//!
//! The edit distance is strsim's Damerau-Levenshtein; the candidates come
//! from tantivy's own Levenshtein automaton over the term dictionary, so no
//! word list is kept besides the index.

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

/// Each query word that the index does not contain, replaced by the most
/// frequent indexed word within one or two edits; empty when no word was
/// replaced.
pub(crate) fn did_you_mean(
    searcher: &Searcher,
    fields: &Fields,
    parsed: &ParsedQuery,
) -> Vec<String> {
    let field = fields.neutral.body;
    let mut neutral = analysis::analyzer(None);
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

/// The indexed term of `field` closest to `word` (fewest edits, then most
/// documents), when `word` itself is not indexed.
fn closest_term(searcher: &Searcher, field: Field, word: &str) -> Option<String> {
    let len = word.chars().count();
    if len < MIN_CHARS {
        return None;
    }
    let term = Term::from_field_text(field, word);
    if searcher.doc_freq(&term).unwrap_or(0) > 0 {
        return None;
    }
    let distance = if len >= TWO_EDITS_CHARS { 2 } else { 1 };
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
    }
}
