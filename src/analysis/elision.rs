//! Elision: strips the elided article or pronoun glued to a word by an
//! apostrophe (`l’avion`, `qu’il`, `dell’azienda`).
//!
//! French, Italian and Catalan write `l’avion` as one word for the
//! tokenizer; without this filter `l'avion` and `avion` would be different
//! terms and a search for `avion` would miss half the articles. Snowball's
//! French stemmer elides a few articles itself, but only some of them
//! (not `jusqu’`, `lorsqu’`…) and only in French, and stop-word lists must
//! see the word without its article, so elision is done here, before
//! lowercasing and stop words. Which articles a language elides is part of
//! its entry in [`LANGUAGES`](super::lang::LANGUAGES).

use tantivy::tokenizer::Token;

use super::lang::{Language, LANGUAGES};
use super::stream::TokenRule;
use super::tokenizer::is_apostrophe;

/// Elided forms, in any language that elides, that stand for a pronoun or
/// a conjunction rather than an article: what follows them is a verb or a
/// pronoun (`j’ai`, `qu’il`, `n’est`, `c’è`), never a name.
const PRONOUNS: &[&str] = &[
    "j", "m", "t", "s", "n", "c", "v", "qu", "jusqu", "quoiqu", "lorsqu", "puisqu",
];

/// How a word glued to the next one by an apostrophe was elided, in any
/// language that elides: `None` when it is not an elided form at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Elided {
    /// An article or a preposition (`l’`, `d’`, `dell’`): a noun or a name
    /// follows.
    Article,
    /// A pronoun or a conjunction (`j’`, `qu’`, `n’`): a verb or a pronoun
    /// follows.
    Pronoun,
}

/// What `word` (the part before an apostrophe) is as an elided form, in
/// any language's [`elisions`](Language::elisions).
pub(crate) fn elided(word: &str) -> Option<Elided> {
    let is = |list: &[&str]| list.iter().any(|a| a.eq_ignore_ascii_case(word));
    if is(PRONOUNS) {
        Some(Elided::Pronoun)
    } else if LANGUAGES.iter().any(|l| is(l.elisions)) {
        Some(Elided::Article)
    } else {
        None
    }
}

/// Removes a leading elided article and its apostrophe from each token,
/// case-insensitively, and moves the token's start offset past them. The
/// articles are the language's [`elisions`](Language::elisions).
///
/// A token that is nothing but an article is dropped: `d'` with nothing
/// after it, or a bare article that the tokenizer cut off because no letter
/// followed its apostrophe (`d’ abord`, `l’2024`: the original text shows an
/// apostrophe right after the token). A bare `c` with no apostrophe after it
/// (the C language) is kept.
#[derive(Debug, Clone, Copy)]
pub struct Elision {
    articles: &'static [&'static str],
}

impl Elision {
    /// The elision of a language, `None` when it elides no article.
    pub fn of(language: &Language) -> Option<Elision> {
        let articles = language.elisions;
        (!articles.is_empty()).then_some(Elision { articles })
    }

    fn is_article(&self, word: &str) -> bool {
        self.articles.iter().any(|a| a.eq_ignore_ascii_case(word))
    }
}

impl TokenRule for Elision {
    /// Strips the article from the token; false when nothing is left.
    fn apply(&mut self, text: &str, token: &mut Token) -> bool {
        let Some(apostrophe) = token.text.find(is_apostrophe) else {
            let apostrophe_follows = text
                .get(token.offset_to..)
                .and_then(|rest| rest.chars().next())
                .is_some_and(is_apostrophe);
            return !(apostrophe_follows && self.is_article(&token.text));
        };
        if !self.is_article(&token.text[..apostrophe]) {
            return true;
        }
        let cut = apostrophe
            + token.text[apostrophe..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
        if cut == token.text.len() {
            return false;
        }
        token.text.drain(..cut);
        move_start_past_apostrophe(text, token);
        true
    }
}

/// Moves `offset_from` past the first apostrophe of the token's original
/// text (which may be a typographic one, longer than the ASCII `'` of the
/// token text).
fn move_start_past_apostrophe(text: &str, token: &mut Token) {
    let Some(original) = text.get(token.offset_from..token.offset_to) else {
        return;
    };
    if let Some((i, c)) = original.char_indices().find(|&(_, c)| is_apostrophe(c)) {
        let start = token.offset_from + i + c.len_utf8();
        if start < token.offset_to {
            token.offset_from = start;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::lang::lookup;
    use crate::analysis::stream::through;
    use crate::analysis::tokenizer::WordTokenizer;

    fn elide(code: &str, text: &str) -> Vec<(String, String)> {
        let elision = Elision::of(lookup(code).unwrap()).unwrap();
        through(WordTokenizer::new(), elision, text)
            .into_iter()
            .map(|t| (t.text, text[t.offset_from..t.offset_to].to_string()))
            .collect()
    }

    fn pair(text: &str, original: &str) -> (String, String) {
        (text.to_string(), original.to_string())
    }

    #[test]
    fn strips_french_articles_case_insensitively() {
        assert_eq!(
            elide("fr", "L’Avion QU’IL jusqu’à lorsqu’elle"),
            [
                pair("Avion", "Avion"),
                pair("IL", "IL"),
                pair("à", "à"),
                pair("elle", "elle"),
            ]
        );
        assert_eq!(elide("fr", "D'ABORD"), [pair("ABORD", "ABORD")]);
    }

    #[test]
    fn strips_only_the_first_article() {
        assert_eq!(
            elide("fr", "d’aujourd’hui qu'aujourd'hui"),
            [
                pair("aujourd'hui", "aujourd’hui"),
                pair("aujourd'hui", "aujourd'hui")
            ]
        );
    }

    #[test]
    fn leaves_words_that_are_not_elided_articles() {
        assert_eq!(
            elide("fr", "aujourd’hui quelqu’un le C"),
            [
                pair("aujourd'hui", "aujourd’hui"),
                pair("quelqu'un", "quelqu’un"),
                pair("le", "le"),
                pair("C", "C"),
            ]
        );
    }

    #[test]
    fn drops_articles_left_alone() {
        assert_eq!(elide("fr", "d’ abord"), [pair("abord", "abord")]);
        assert_eq!(elide("fr", "d'"), []);
        assert_eq!(elide("fr", "l’2024"), [pair("2024", "2024")]);
        assert_eq!(elide("fr", "l''''église"), [pair("église", "église")]);
    }

    #[test]
    fn elided_forms_are_articles_or_pronouns() {
        assert_eq!(elided("L"), Some(Elided::Article));
        assert_eq!(elided("dell"), Some(Elided::Article));
        assert_eq!(elided("J"), Some(Elided::Pronoun));
        assert_eq!(elided("qu"), Some(Elided::Pronoun));
        assert_eq!(elided("O"), None);
        // Every pronoun is an elided form of some language.
        for p in PRONOUNS {
            assert!(LANGUAGES.iter().any(|l| l.elisions.contains(p)), "{p}");
        }
    }

    #[test]
    fn italian_and_catalan_lists() {
        assert_eq!(
            elide("it", "dell’azienda un'altra all'inizio"),
            [
                pair("azienda", "azienda"),
                pair("altra", "altra"),
                pair("inizio", "inizio"),
            ]
        );
        assert_eq!(
            elide("ca", "l’ordinador d'Andorra"),
            [pair("ordinador", "ordinador"), pair("Andorra", "Andorra")]
        );
        // `qu'` is French, not Catalan.
        assert_eq!(elide("ca", "qu'il"), [pair("qu'il", "qu'il")]);
        assert!(Elision::of(lookup("en").unwrap()).is_none());
    }
}
