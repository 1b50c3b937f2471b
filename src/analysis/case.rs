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
//! A rule of the [`stream`](super::stream) wrapper, like the other filters:
//! a run of capitals is judged at its first word by reading the text ahead
//! with a tokenizer of its own (at most [`LOOKAHEAD`] tokens, up to the
//! first word with a lowercase letter), so every other token is decided as
//! it comes. Hand-written: the decision needs the text around each token
//! (the apostrophe before it, the end of the previous sentence) and the
//! words after it, which no tantivy filter looks at.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::compound::is_compound;
use super::elision::{elided, Elided};
use super::stream::TokenRule;
use super::tech::TechTokenizer;
use super::tokenizer::is_apostrophe;
use super::MAX_TOKEN_BYTES;

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
#[derive(Debug, Clone)]
pub struct Capitals {
    /// Leave out the tokens that are neither compounds, acronyms nor
    /// capitalised words, and judge capitals as the index does.
    index: bool,
    /// Reads runs of capitals ahead.
    ahead: TechTokenizer,
    /// The run of capitals being read is shouted.
    shouting: bool,
    /// The text up to this byte has been read ahead: its runs of capitals
    /// are judged.
    judged_to: usize,
}

impl Capitals {
    /// The rule of the index: only compounds, acronyms and capitalised
    /// words inside sentences.
    pub fn index() -> Capitals {
        Capitals::new(true)
    }

    /// The rule of queries and highlights: every token, acronyms in
    /// capitals.
    pub fn query() -> Capitals {
        Capitals::new(false)
    }

    fn new(index: bool) -> Capitals {
        Capitals {
            index,
            ahead: TechTokenizer::default(),
            shouting: false,
            judged_to: 0,
        }
    }
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

/// The text read ahead from a word in capitals at `from`: up to the end of
/// the first word with a lowercase letter (which ends any run of
/// capitals), within what [`LOOKAHEAD`] tokens can hold.
fn ahead_of(text: &str, from: usize) -> &str {
    let rest = text.get(from..).unwrap_or_default();
    let mut cap = rest.len().min(LOOKAHEAD * MAX_TOKEN_BYTES);
    while !rest.is_char_boundary(cap) {
        cap -= 1;
    }
    let end = match rest[..cap].find(char::is_lowercase) {
        Some(i) => rest[i..]
            .find(char::is_whitespace)
            .map_or(rest.len(), |j| i + j),
        None => cap,
    };
    &rest[..end]
}

impl Capitals {
    /// What a token is, its surroundings in the text taken into account
    /// but not the run of capitals it may belong to.
    fn kind(&self, text: &str, token: &Token) -> Kind {
        let word = token.text.as_str();
        if is_compound(word) {
            return Kind::Compound;
        }
        if !word.chars().any(char::is_uppercase) {
            return Kind::Plain;
        }
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

    /// Judges the run of capitals that opens at `from`: reads on until the
    /// run is known to be shouted, ends, or [`LOOKAHEAD`] tokens were read.
    fn judge_run(&mut self, text: &str, from: usize) {
        let ahead = ahead_of(text, from);
        let mut stream = self.ahead.token_stream(ahead);
        let (mut words, mut long, mut single) = (0, 0, false);
        let mut read = 0;
        self.judged_to = from;
        while read < LOOKAHEAD && stream.advance() {
            let token = stream.token();
            if token.text.len() >= MAX_TOKEN_BYTES {
                continue;
            }
            read += 1;
            self.judged_to = from + token.offset_to;
            let word = token.text.as_str();
            if in_capitals(word) {
                words += 1;
                long += usize::from(is_long(word));
                single |= is_single(word);
            } else if !caseless(word) {
                return;
            }
            if words >= SHOUT_WORDS && (long >= SHOUT_LONG_WORDS || single) {
                self.shouting = true;
                return;
            }
        }
    }
}

impl TokenRule for Capitals {
    fn begin(&mut self) {
        self.shouting = false;
        self.judged_to = 0;
    }

    fn apply(&mut self, text: &str, token: &mut Token) -> bool {
        let mut kind = self.kind(text, token);
        if !caseless(&token.text) && !in_capitals(&token.text) {
            self.shouting = false;
        } else if in_capitals(&token.text) && !self.shouting && token.offset_from >= self.judged_to
        {
            self.judge_run(text, token.offset_from);
        }
        if self.shouting && kind == Kind::Acronym {
            kind = Kind::Plain;
        }
        if self.index && kind == Kind::Plain {
            return false;
        }
        if kind != Kind::Acronym {
            token.text = token.text.to_lowercase();
        }
        true
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
