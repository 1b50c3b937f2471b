//! The tech-name tokenizer of the exact fields.
//!
//! Tech news is full of names that ordinary word tokenizers break: `C++`
//! and `C#` lose their symbols and become the letter `c`, `.NET` becomes the
//! word `net`, `Node.js`, `GPT-4o` and `Wi-Fi` fall apart. This tokenizer
//! keeps them whole so that the exact fields can tell `C++` from `C`,
//! `GPT-4o` from `GPT-4` and `.NET` from `net`. It is hand-written because no
//! tokenizer crate knows these conventions:
//!
//! - a token is a run of letters and digits, joined across a single `.`,
//!   `-`, `_` or `&` that stands between two letters or digits
//!   (`node.js`, `gpt-4o`, `wi-fi`, `at&t`, `v2.0`);
//! - a leading `.` before a letter counts when nothing alphanumeric stands
//!   before it (`.NET`);
//! - up to two trailing `+` or one `#` after a letter count when nothing
//!   alphanumeric follows (`C++`, `C#`, `F#`).
//!
//! Ideographic scripts are left to the neutral chain's bigrams.

use std::ops::{Range, RangeInclusive};

use tantivy::tokenizer::{Token, Tokenizer};

use super::stream::{Cut, CutStream};

/// Splits text into tech-aware tokens (see the module documentation).
#[derive(Clone, Debug, Default)]
pub struct TechTokenizer {
    token: Token,
    /// The characters of the text being cut, with their byte offsets: kept
    /// from one text to the next, since collecting them into a new vector
    /// (grown as it fills) cost as much as cutting the tokens.
    chars: Vec<(usize, char)>,
}

/// The most characters whose room [`TechTokenizer`] keeps between texts
/// (16 bytes each): a huge article's is given back at the next text.
const KEPT_CHARS: usize = 1 << 16;

impl Tokenizer for TechTokenizer {
    type TokenStream<'a> = CutStream<'a, TechNames<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        if self.chars.capacity() > KEPT_CHARS {
            self.chars = Vec::new();
        }
        self.chars.clear();
        // A text has at most as many characters as bytes.
        self.chars.reserve(text.len());
        self.chars.extend(text.char_indices());
        let names = TechNames {
            text,
            chars: &self.chars,
            at: 0,
        };
        CutStream::new(names, &mut self.token)
    }
}

/// How a [`TechTokenizer`] cuts one text.
pub struct TechNames<'a> {
    text: &'a str,
    chars: &'a [(usize, char)],
    at: usize,
}

/// The code points of kana, Han and Hangul, which the exact chain leaves to
/// the neutral chain's bigrams.
pub const IDEOGRAPHIC: [RangeInclusive<char>; 8] = [
    '\u{3040}'..='\u{30FF}',
    '\u{3400}'..='\u{4DBF}',
    '\u{4E00}'..='\u{9FFF}',
    '\u{F900}'..='\u{FAFF}',
    '\u{AC00}'..='\u{D7AF}',
    '\u{1100}'..='\u{11FF}',
    '\u{3130}'..='\u{318F}',
    '\u{20000}'..='\u{2FA1F}',
];

fn is_word(c: char) -> bool {
    c.is_alphanumeric() && !IDEOGRAPHIC.iter().any(|range| range.contains(&c))
}

impl TechNames<'_> {
    fn char_at(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|&(_, c)| c)
    }

    fn byte_at(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.text.len(), |&(b, _)| b)
    }
}

impl Cut for TechNames<'_> {
    fn next(&mut self, out: &mut String) -> Option<Range<usize>> {
        let n = self.chars.len();
        while self.at < n {
            let c = self.chars[self.at].1;
            let dotted = c == '.'
                && self.char_at(self.at + 1).is_some_and(char::is_alphabetic)
                && (self.at == 0 || !self.char_at(self.at - 1).is_some_and(is_word));
            if !is_word(c) && !dotted {
                self.at += 1;
                continue;
            }
            let start = self.at;
            let mut i = self.at + 1;
            loop {
                match self.char_at(i) {
                    Some(c) if is_word(c) => i += 1,
                    Some('.' | '-' | '_' | '&')
                        if self.char_at(i + 1).is_some_and(is_word)
                            && self.char_at(i - 1).is_some_and(is_word) =>
                    {
                        i += 2
                    }
                    _ => break,
                }
            }
            // C++, C#: symbols right after a letter, with nothing after them.
            if self.char_at(i - 1).is_some_and(char::is_alphabetic) {
                let suffix = match (self.char_at(i), self.char_at(i + 1)) {
                    (Some('+'), Some('+')) => 2,
                    (Some('+'), _) | (Some('#'), _) => 1,
                    _ => 0,
                };
                if suffix > 0 && !self.char_at(i + suffix).is_some_and(is_word) {
                    i += suffix;
                }
            }
            self.at = i;
            let (from, to) = (self.byte_at(start), self.byte_at(i));
            out.push_str(&self.text[from..to]);
            return Some(from..to);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::TextAnalyzer;

    use super::*;

    fn all(text: &str) -> Vec<Token> {
        crate::analysis::analyze(&mut TextAnalyzer::from(TechTokenizer::default()), text)
    }

    fn tokens(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for token in all(text) {
            assert_eq!(&text[token.offset_from..token.offset_to], token.text);
            out.push(token.text);
        }
        out
    }

    #[test]
    fn keeps_tech_names_whole() {
        assert_eq!(
            tokens("C++, C# et .NET; Node.js ou GPT-4o (pas GPT-4). Wi-Fi 7 et la 5G chez AT&T."),
            vec![
                "C++", "C#", "et", ".NET", "Node.js", "ou", "GPT-4o", "pas", "GPT-4", "Wi-Fi", "7",
                "et", "la", "5G", "chez", "AT&T"
            ]
        );
    }

    #[test]
    fn ordinary_punctuation_still_splits() {
        assert_eq!(
            tokens("net profit. Next: the C language."),
            vec!["net", "profit", "Next", "the", "C", "language"]
        );
        assert_eq!(tokens("a+b c++d x#y"), vec!["a", "b", "c", "d", "x", "y"]);
        assert_eq!(tokens("version 2.0.1-rc"), vec!["version", "2.0.1-rc"]);
        assert_eq!(tokens("l’OpenAI"), vec!["l", "OpenAI"]);
        assert_eq!(tokens("人工智能 AI"), vec!["AI"]);
        assert!(tokens("... -- ++ ##").is_empty());
    }

    #[test]
    fn one_tokenizer_cuts_each_text_afresh() {
        let mut analyzer = TextAnalyzer::from(TechTokenizer::default());
        let long = "Wi-Fi ".repeat(KEPT_CHARS / 4);
        for text in [long.as_str(), "C++ et .NET", "", "AT&T", long.as_str(), "x"] {
            let got: Vec<String> = crate::analysis::analyze(&mut analyzer, text)
                .into_iter()
                .map(|t| t.text)
                .collect();
            assert_eq!(got, tokens(text), "{}", &text[..text.len().min(20)]);
        }
    }

    #[test]
    fn positions_count_tokens() {
        let positions: Vec<usize> = all("a b c").iter().map(|t| t.position).collect();
        assert_eq!(positions, vec![0, 1, 2]);
    }
}
