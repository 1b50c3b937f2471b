//! Apostrophe removal, last step of every chain.
//!
//! Apostrophes that survive elision belong to the word (`aujourd’hui`,
//! `quelqu’un`, `don’t`), but people type such words three ways:
//! `aujourd’hui`, `aujourd'hui` and `aujourdhui`. The tokenizer already
//! writes every apostrophe as ASCII `'`; this filter then removes it, so
//! all three spellings give one term.
//!
//! It runs after the stemmer, not before, so that index terms are
//! Snowball's own stems (its reference output keeps apostrophes:
//! `aujourd'hui` → `aujourd'hui`, `it's` → `it'`) with the apostrophes then
//! removed. The other order would serve as well: on the 823 words with an
//! apostrophe in Snowball's French vocabulary, and on English samples
//! (`google's`, `o'reilly`, `don't`), stemming with or without the
//! apostrophe gives the same term once it is removed; in particular
//! `aujourdhui` stems to `aujourdhui`, so the three spellings of
//! `aujourd’hui` meet, which the French chain's tests check.

use tantivy::tokenizer::Token;

use super::stream::TokenRule;
use super::tokenizer::is_apostrophe;

/// Removes every apostrophe from each token; drops tokens left empty.
#[derive(Debug, Clone, Copy)]
pub struct RemoveApostrophes;

impl TokenRule for RemoveApostrophes {
    fn apply(&mut self, _: &str, token: &mut Token) -> bool {
        // Nearly every token is ASCII without `'`, so without any apostrophe
        // (the others are not ASCII): seen in its bytes, where `retain`
        // decodes and rewrites the whole token.
        if token.text.bytes().any(|b| b == b'\'' || !b.is_ascii()) {
            token.text.retain(|c| !is_apostrophe(c));
        }
        !token.text.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::WhitespaceTokenizer;

    use super::*;
    use crate::analysis::stream::through;

    fn through_rule(text: &str) -> Vec<Token> {
        through(WhitespaceTokenizer::default(), RemoveApostrophes, text)
    }

    #[test]
    fn removes_apostrophes_of_every_kind() {
        let texts: Vec<String> = through_rule("aujourd'hui aujourd’hui aujourdhui rock'n'roll it'")
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(
            texts,
            ["aujourdhui", "aujourdhui", "aujourdhui", "rocknroll", "it"]
        );
    }

    #[test]
    fn drops_tokens_left_empty_and_keeps_offsets() {
        let got = through_rule("' ’’ l'a");
        let got: Vec<_> = got
            .iter()
            .map(|t| (t.text.as_str(), t.offset_from, t.offset_to))
            .collect();
        assert_eq!(got, [("la", 9, 12)]);
    }
}
