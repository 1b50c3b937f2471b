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

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Splits text into tech-aware tokens (see the module documentation).
#[derive(Clone, Debug, Default)]
pub struct TechTokenizer {
    token: Token,
}

/// The token stream of [`TechTokenizer`].
pub struct TechTokenStream<'a> {
    text: &'a str,
    chars: Vec<(usize, char)>,
    at: usize,
    token: &'a mut Token,
}

impl Tokenizer for TechTokenizer {
    type TokenStream<'a> = TechTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TechTokenStream<'a> {
        self.token.reset();
        self.token.position = usize::MAX;
        TechTokenStream {
            text,
            chars: text.char_indices().collect(),
            at: 0,
            token: &mut self.token,
        }
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() && !is_ideographic(c)
}

fn is_ideographic(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
        | 0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F | 0x20000..=0x2FA1F)
}

impl TechTokenStream<'_> {
    fn char_at(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|&(_, c)| c)
    }

    fn byte_at(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.text.len(), |&(b, _)| b)
    }
}

impl TokenStream for TechTokenStream<'_> {
    fn advance(&mut self) -> bool {
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
            self.token.text.clear();
            self.token.text.push_str(&self.text[from..to]);
            self.token.offset_from = from;
            self.token.offset_to = to;
            self.token.position = self.token.position.wrapping_add(1);
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        let mut t = TechTokenizer::default();
        let mut s = t.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            let tok = s.token();
            assert_eq!(&text[tok.offset_from..tok.offset_to], tok.text);
            out.push(tok.text.clone());
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
    fn positions_count_tokens() {
        let mut t = TechTokenizer::default();
        let mut s = t.token_stream("a b c");
        let mut positions = Vec::new();
        while s.advance() {
            positions.push(s.token().position);
        }
        assert_eq!(positions, vec![0, 1, 2]);
    }
}
