//! Capitals in the exact chain: which words were written as names.
//!
//! Lowercased, `AI` (artificial intelligence) and the `ai` of `j’ai` are one
//! term, and so are `EU` (the European Union) and the `eu` of `il y a eu`.
//! This filter keeps them apart in the exact fields, and in the query words
//! and highlights compared with those fields. Each token of the tech
//! tokenizer is one of:
//!
//! - a compound (`C++`, `GPT-4o`): lowercased (`c++`), as always;
//! - an acronym, written in capitals (`AI`, `UE`, `5G`, the `IA` of
//!   `l’IA`): kept in capitals, a term that no lowercase word gives;
//! - a capitalised word inside a sentence (`OpenAI`, `Meta`): lowercased.
//!   Only the index keeps these, so that a search can tell how often a
//!   lowercase query word (`openai`) is written as a name;
//! - any other word: lowercased for queries and highlights, left out of the
//!   index.
//!
//! Capitals that say nothing about the word are not taken as a name:
//!
//! - an elided form itself (`L’`, `J’`, the `C` of `C’est`);
//! - what follows an elided pronoun or conjunction (`J’AI`, `QU’IL`,
//!   `N’EST`): a verb or a pronoun;
//! - shouted text: in a run of [`SHOUT_WORDS`] words or more written in
//!   capitals, [`SHOUT_LONG_WORDS`] of them of [`SHOUT_LONG_LETTERS`]
//!   letters or more (`IRAQ SAYS IT REPELS IRANIAN ATTACK`) or one of a
//!   single letter, an article, a pronoun or a preposition (`ON A EU PEUR`,
//!   `JE L’AI VU`), no word is an acronym; a list of acronyms such as
//!   `CGT FO SUD` is no shouting;
//! - in the index, the capital opening a sentence (`Selon`, `Le`) and a
//!   single capital letter there or after an apostrophe (`A la fin`).
//!
//! Hand-written: the decision needs the text around each token (the
//! apostrophe before it, the end of the previous sentence) and, for shouted
//! text, a few tokens ahead, which no tantivy filter looks at.

use std::collections::VecDeque;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::compound::is_compound;
use super::elision::{elided, Elided};
use super::tokenizer::is_apostrophe;

/// Shouted text: at least this many words in capitals in a row...
const SHOUT_WORDS: usize = 3;
/// ... of which at least this many ...
const SHOUT_LONG_WORDS: usize = 2;
/// ... have this many letters or more.
const SHOUT_LONG_LETTERS: usize = 5;
/// At most this many tokens are read ahead to decide whether a run of
/// capitals is shouted; a longer run undecided by then is not.
const LOOKAHEAD: usize = 64;

/// What a token is, for the exact fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Compound,
    Acronym,
    Capitalised,
    Plain,
}

/// Sorts the tech tokenizer's tokens into compounds, acronyms, capitalised
/// words and the rest (see the module documentation), and writes each as
/// the exact fields hold it: acronyms in capitals, everything else in
/// lowercase.
#[derive(Debug, Clone, Copy)]
pub struct CaseFilter {
    /// Leave out the tokens that are neither compounds, acronyms nor
    /// capitalised words, and judge capitals as the index does.
    index: bool,
}

impl CaseFilter {
    /// The filter of the index: only compounds, acronyms and capitalised
    /// words inside sentences.
    pub fn index() -> CaseFilter {
        CaseFilter { index: true }
    }

    /// The filter of queries and highlights: every token, acronyms in
    /// capitals.
    pub fn query() -> CaseFilter {
        CaseFilter { index: false }
    }
}

impl TokenFilter for CaseFilter {
    type Tokenizer<T: Tokenizer> = CaseWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CaseWrapper<T> {
        CaseWrapper {
            index: self.index,
            inner: tokenizer,
        }
    }
}

#[derive(Clone)]
pub struct CaseWrapper<T> {
    index: bool,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CaseWrapper<T> {
    type TokenStream<'a> = CaseTokenStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CaseTokenStream {
            index: self.index,
            text,
            tail: self.inner.token_stream(text),
            ahead: VecDeque::new(),
            shouting: false,
            token: Token::default(),
        }
    }
}

pub struct CaseTokenStream<'a, T> {
    index: bool,
    /// The original text, for what stands around each token.
    text: &'a str,
    tail: T,
    /// Tokens read ahead, with what they are.
    ahead: VecDeque<(Token, Kind)>,
    /// The run of capitals being read is shouted.
    shouting: bool,
    token: Token,
}

/// Has a capital and no lowercase letter (`AI`, `5G`, `RHÔNE-ALPES`).
fn in_capitals(word: &str) -> bool {
    word.chars().any(char::is_uppercase) && !word.chars().any(char::is_lowercase)
}

/// Has no letter with a case (`2025`, `3.5`).
fn caseless(word: &str) -> bool {
    !word.chars().any(|c| c.is_uppercase() || c.is_lowercase())
}

fn is_long(word: &str) -> bool {
    word.chars().filter(|c| c.is_alphabetic()).count() >= SHOUT_LONG_LETTERS
}

/// A word of one letter: in a run of capitals, an article, a pronoun or a
/// preposition (`A`, `Y`, the `L` of `L’AI`), not an acronym.
fn is_single(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_alphabetic) && chars.next().is_none()
}

/// The word glued to the token by an apostrophe right before `start`
/// (`l` for the `IA` of `l’IA`), and where it starts.
fn word_before_apostrophe(text: &str, start: usize) -> Option<(&str, usize)> {
    let before = text.get(..start)?;
    let apostrophe = before.chars().next_back().filter(|&c| is_apostrophe(c))?;
    let before = &before[..before.len() - apostrophe.len_utf8()];
    let from = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map(|(i, _)| i)?;
    Some((&before[from..], from))
}

/// An apostrophe then a letter or digit right after `end`: the token is
/// glued to the next word (`l’` of `l’IA`).
fn glued_to_next(text: &str, end: usize) -> bool {
    let mut rest = text.get(end..).unwrap_or_default().chars();
    rest.next().is_some_and(is_apostrophe) && rest.next().is_some_and(char::is_alphanumeric)
}

/// Whether a word starting at `start` opens a sentence: nothing but
/// spaces and opening punctuation between it and the start of the text,
/// a line break, or the end of a sentence (`.`, `!`, `?`, `…`, `:`).
fn opens_sentence(text: &str, start: usize) -> bool {
    for c in text.get(..start).unwrap_or_default().chars().rev() {
        match c {
            '\n' => return true,
            '"' | '«' | '“' | '‘' | '\'' | '(' | '[' | '—' | '–' | '-' | '•' | '*' => {}
            c if c.is_whitespace() => {}
            c => return matches!(c, '.' | '!' | '?' | '…' | ':'),
        }
    }
    true
}

impl<T: TokenStream> CaseTokenStream<'_, T> {
    /// What a token is, its surroundings in the text taken into account
    /// but not the run of capitals it may belong to.
    fn kind(&self, token: &Token) -> Kind {
        let word = token.text.as_str();
        if is_compound(word) {
            return Kind::Compound;
        }
        if !word.chars().any(char::is_uppercase) {
            return Kind::Plain;
        }
        let text = self.text;
        if glued_to_next(text, token.offset_to) && elided(word).is_some() {
            return Kind::Plain;
        }
        let mut start = token.offset_from;
        let mut after_apostrophe = false;
        if let Some((before, from)) = word_before_apostrophe(text, start) {
            match elided(before) {
                Some(Elided::Pronoun) => return Kind::Plain,
                Some(Elided::Article) => start = from,
                None => after_apostrophe = true,
            }
        }
        let capitals = in_capitals(word);
        if !self.index {
            return if capitals {
                Kind::Acronym
            } else {
                Kind::Capitalised
            };
        }
        let opens = opens_sentence(text, start);
        let single = word.chars().count() == 1;
        if capitals && !(single && (opens || after_apostrophe)) {
            Kind::Acronym
        } else if opens || capitals {
            Kind::Plain
        } else {
            Kind::Capitalised
        }
    }

    /// Reads the next token of the tail into `ahead`; false at the end.
    fn read(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token().clone();
        let mut kind = self.kind(&token);
        if !caseless(&token.text) && !in_capitals(&token.text) {
            self.shouting = false;
        } else if self.shouting && kind == Kind::Acronym {
            kind = Kind::Plain;
        }
        self.ahead.push_back((token, kind));
        true
    }

    /// Reads the next token; when it opens a run of capitals, reads on
    /// until the run is known to be shouted or not.
    fn fill(&mut self) {
        if !self.read() {
            return;
        }
        let first = &self.ahead.back().expect("just read").0.text;
        if self.shouting || !in_capitals(first) {
            return;
        }
        let mut words = 1;
        let mut long = usize::from(is_long(first));
        let mut single = is_single(first);
        while self.ahead.len() < LOOKAHEAD {
            if words >= SHOUT_WORDS && (long >= SHOUT_LONG_WORDS || single) {
                self.shouting = true;
                for (token, kind) in self.ahead.iter_mut() {
                    if *kind == Kind::Acronym && in_capitals(&token.text) {
                        *kind = Kind::Plain;
                    }
                }
                return;
            }
            if !self.read() {
                return;
            }
            let word = &self.ahead.back().expect("just read").0.text;
            if in_capitals(word) {
                words += 1;
                long += usize::from(is_long(word));
                single |= is_single(word);
            } else if !caseless(word) {
                return;
            }
        }
    }
}

impl<T: TokenStream> TokenStream for CaseTokenStream<'_, T> {
    fn advance(&mut self) -> bool {
        loop {
            if self.ahead.is_empty() {
                self.fill();
            }
            let Some((token, kind)) = self.ahead.pop_front() else {
                return false;
            };
            if self.index && kind == Kind::Plain {
                continue;
            }
            self.token = token;
            if kind != Kind::Acronym {
                self.token.text = self.token.text.to_lowercase();
            }
            return true;
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis;

    fn indexed(text: &str) -> Vec<String> {
        analysis::analyze(&mut analysis::exact_indexed(), text)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    fn queried(text: &str) -> Vec<String> {
        analysis::analyze(&mut analysis::exact(), text)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn acronyms_keep_their_capitals_and_elided_fragments_do_not() {
        assert_eq!(
            indexed("Selon lui, j’ai vu l’IA de Scale AI et l’UE, il y a eu des règles."),
            ["IA", "scale", "AI", "UE"]
        );
        // A pronoun's verb is not an acronym, even in capitals; an
        // article's noun is.
        assert_eq!(indexed("Elle écrit J’AI, puis L’IA"), ["IA"]);
        assert_eq!(queried("j’AI l’IA"), ["j", "ai", "l", "IA"]);
        // Compounds stay lowercase, folded; digits with capitals are
        // acronyms.
        assert_eq!(
            indexed("La 5G, le C++ et l’État-nation à RHÔNE-ALPES."),
            ["5G", "c++", "etat-nation", "rhone-alpes"]
        );
    }

    #[test]
    fn capitals_opening_a_sentence_are_not_names() {
        assert_eq!(
            indexed("Le groupe Meta. Meta lance : Selon OpenAI\n\nLes lunettes de Meta"),
            ["meta", "openai", "meta"]
        );
        // Single capitals: only inside a sentence and not after an
        // apostrophe.
        assert_eq!(indexed("A la fin, la vitamine C et AI’S plan"), ["C", "AI"]);
        // Queries keep every token: the first word of a query is no
        // sentence.
        assert_eq!(queried("C Meta ai"), ["C", "meta", "ai"]);
    }

    #[test]
    fn shouted_text_has_no_acronyms() {
        assert_eq!(
            indexed("IRAQ SAYS IT REPELS IRANIAN ATTACK"),
            Vec::<String>::new()
        );
        assert_eq!(
            indexed("« ON A EU PEUR », JE L’AI VU, raconte le témoin."),
            Vec::<String>::new()
        );
        assert_eq!(
            indexed("la CGT, FO et SUD ; la CGT FO SUD"),
            ["CGT", "FO", "SUD", "CGT", "FO", "SUD"]
        );
        // The run ends at the first lowercase word.
        assert_eq!(indexed("TOUS LES JOURNAUX PARLENT de l’UE"), ["UE"]);
        assert_eq!(queried("BAHIA COCOA REVIEW"), ["bahia", "cocoa", "review"]);
        // A run longer than the lookahead ends undecided: not shouted.
        let list = "ABC ".repeat(super::LOOKAHEAD + 10);
        assert_eq!(indexed(&list).len(), super::LOOKAHEAD + 10);
    }

    #[test]
    fn positions_and_offsets_are_the_tokenizer_s() {
        let text = "j’ai vu l’IA";
        let tokens = analysis::analyze(&mut analysis::exact_indexed(), text);
        let shown: Vec<(&str, usize, &str)> = tokens
            .iter()
            .map(|t| {
                (
                    t.text.as_str(),
                    t.position,
                    &text[t.offset_from..t.offset_to],
                )
            })
            .collect();
        assert_eq!(shown, [("IA", 4, "IA")]);
    }
}
