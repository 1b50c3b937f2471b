//! Elision: strips the elided article or pronoun glued to a word by an
//! apostrophe (`l’avion`, `qu’il`, `dell’azienda`).
//!
//! French, Italian and Catalan write `l’avion` as one word for the
//! tokenizer; without this filter `l'avion` and `avion` would be different
//! terms and a search for `avion` would miss half the articles. Snowball's
//! French stemmer elides a few articles itself, but only some of them
//! (not `jusqu’`, `lorsqu’`…) and only in French, and stop-word lists must
//! see the word without its article, so elision is done here, before
//! lowercasing and stop words.

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::tokenizer::is_apostrophe;

/// French elided forms (lowercase, without the apostrophe).
const FRENCH: &[&str] = &[
    "l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu",
];

/// Italian elided forms.
const ITALIAN: &[&str] = &[
    "l", "un", "dell", "all", "dall", "nell", "sull", "coll", "d", "quest", "quell", "c", "n", "s",
    "m", "t", "v", "gl",
];

/// Catalan elided forms.
const CATALAN: &[&str] = &["l", "d", "s", "n", "m", "t"];

/// Elided forms, in any of these languages, that stand for a pronoun or a
/// conjunction rather than an article: what follows them is a verb or a
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
/// French, Italian or Catalan.
pub(crate) fn elided(word: &str) -> Option<Elided> {
    let is = |list: &[&str]| list.iter().any(|a| a.eq_ignore_ascii_case(word));
    if is(PRONOUNS) {
        Some(Elided::Pronoun)
    } else if is(FRENCH) || is(ITALIAN) || is(CATALAN) {
        Some(Elided::Article)
    } else {
        None
    }
}

/// Removes a leading elided article and its apostrophe from each token,
/// case-insensitively, and moves the token's start offset past them.
///
/// A token that is nothing but an article is dropped: `d'` with nothing
/// after it, or a bare article that the tokenizer cut off because no letter
/// followed its apostrophe (`d’ abord`, `l’2024`: the original text shows an
/// apostrophe right after the token). A bare `c` with no apostrophe after it
/// (the C language) is kept.
#[derive(Debug, Clone)]
pub struct ElisionFilter {
    articles: &'static [&'static str],
}

impl ElisionFilter {
    /// The filter for a language that elides articles (French, Italian,
    /// Catalan), by ISO 639-1 code.
    pub fn for_language(code: &str) -> Option<ElisionFilter> {
        let articles = match code {
            "fr" => FRENCH,
            "it" => ITALIAN,
            "ca" => CATALAN,
            _ => return None,
        };
        Some(ElisionFilter { articles })
    }
}

impl TokenFilter for ElisionFilter {
    type Tokenizer<T: Tokenizer> = ElisionWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> ElisionWrapper<T> {
        ElisionWrapper {
            articles: self.articles,
            inner: tokenizer,
        }
    }
}

#[derive(Clone)]
pub struct ElisionWrapper<T> {
    articles: &'static [&'static str],
    inner: T,
}

impl<T: Tokenizer> Tokenizer for ElisionWrapper<T> {
    type TokenStream<'a> = ElisionTokenStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        ElisionTokenStream {
            articles: self.articles,
            text,
            tail: self.inner.token_stream(text),
        }
    }
}

pub struct ElisionTokenStream<'a, T> {
    articles: &'static [&'static str],
    /// The original text, to find apostrophes the offsets point at.
    text: &'a str,
    tail: T,
}

impl<T: TokenStream> ElisionTokenStream<'_, T> {
    fn is_article(&self, word: &str) -> bool {
        self.articles.iter().any(|a| a.eq_ignore_ascii_case(word))
    }

    /// Strips the article from the current token; false when nothing is left.
    fn elide(&mut self) -> bool {
        let text = self.text;
        let token = self.tail.token();
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
        let token = self.tail.token_mut();
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

impl<T: TokenStream> TokenStream for ElisionTokenStream<'_, T> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            if self.elide() {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::TextAnalyzer;

    use super::*;
    use crate::analysis::tokenizer::WordTokenizer;

    fn elide(code: &str, text: &str) -> Vec<(String, String)> {
        let mut analyzer = TextAnalyzer::builder(WordTokenizer::new())
            .filter(ElisionFilter::for_language(code).unwrap())
            .build();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), text[t.offset_from..t.offset_to].to_string()));
        }
        out
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
            assert!(
                [FRENCH, ITALIAN, CATALAN].iter().any(|l| l.contains(p)),
                "{p}"
            );
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
        assert!(ElisionFilter::for_language("en").is_none());
    }
}
