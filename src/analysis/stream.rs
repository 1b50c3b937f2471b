//! The tantivy plumbing shared by veille's own tokenizers and filters.
//!
//! tantivy asks a filter for three types (the filter, a tokenizer that wraps
//! the one before it, and a token stream that wraps its stream), and a
//! tokenizer for a stream that fills the current token. That plumbing is the
//! same for all of veille's filters and tokenizers, so it is written once
//! here: a filter states only what it does to one token ([`TokenRule`],
//! applied by [`EachToken`]), a tokenizer only how it finds the next token
//! ([`Cut`], driven by [`CutStream`]).

use std::ops::Range;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// What a filter does to each token.
pub trait TokenRule: Clone + Send + Sync + 'static {
    /// Called before the first token of each text: a rule that remembers
    /// something from one token to the next forgets it here.
    fn begin(&mut self) {}

    /// Changes `token`, cut from `text` (the whole text being analysed),
    /// and says whether it stays in the stream.
    fn apply(&mut self, text: &str, token: &mut Token) -> bool;
}

/// An absent rule lets every token through unchanged, so that a chain with
/// a step that only some languages need keeps one type for all of them.
impl<R: TokenRule> TokenRule for Option<R> {
    fn begin(&mut self) {
        if let Some(rule) = self {
            rule.begin();
        }
    }

    fn apply(&mut self, text: &str, token: &mut Token) -> bool {
        self.as_mut().is_none_or(|rule| rule.apply(text, token))
    }
}

/// The tantivy filter that applies a [`TokenRule`] to each token.
#[derive(Debug, Clone)]
pub struct EachToken<R>(pub R);

impl<R: TokenRule> TokenFilter for EachToken<R> {
    type Tokenizer<T: Tokenizer> = RuleTokenizer<R, T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> RuleTokenizer<R, T> {
        RuleTokenizer {
            rule: self.0,
            inner: tokenizer,
        }
    }
}

/// The tokenizer before a rule, followed by the rule.
#[derive(Clone)]
pub struct RuleTokenizer<R, T> {
    rule: R,
    inner: T,
}

impl<R: TokenRule, T: Tokenizer> Tokenizer for RuleTokenizer<R, T> {
    type TokenStream<'a> = RuleStream<'a, R, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.rule.begin();
        RuleStream {
            rule: &mut self.rule,
            text,
            tail: self.inner.token_stream(text),
        }
    }
}

/// The tokens of the stream before a rule that the rule keeps, as it
/// changed them.
pub struct RuleStream<'a, R, S> {
    rule: &'a mut R,
    text: &'a str,
    tail: S,
}

impl<R: TokenRule, S: TokenStream> TokenStream for RuleStream<'_, R, S> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            if self.rule.apply(self.text, self.tail.token_mut()) {
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

/// How a tokenizer finds its tokens in one text, one after the other.
pub trait Cut {
    /// Finds the next token: writes its text into `text` (empty on entry)
    /// and returns its byte range in the text being cut, or `None` when
    /// there are no more tokens.
    fn next(&mut self, text: &mut String) -> Option<Range<usize>>;
}

/// The token stream of a tokenizer that cuts with `C`; positions count the
/// tokens from 0.
pub struct CutStream<'a, C> {
    cut: C,
    token: &'a mut Token,
}

impl<'a, C: Cut> CutStream<'a, C> {
    /// A stream that fills `token` (the tokenizer's own, reused from one
    /// text to the next) with what `cut` finds.
    pub fn new(cut: C, token: &'a mut Token) -> CutStream<'a, C> {
        token.reset();
        CutStream { cut, token }
    }
}

impl<C: Cut> TokenStream for CutStream<'_, C> {
    fn advance(&mut self) -> bool {
        let token = &mut *self.token;
        token.text.clear();
        let Some(range) = self.cut.next(&mut token.text) else {
            return false;
        };
        token.offset_from = range.start;
        token.offset_to = range.end;
        token.position = token.position.wrapping_add(1);
        token.position_length = 1;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Test helper: the tokens of `text` through `tokenizer` then `rule`.
#[cfg(test)]
pub fn through<T: Tokenizer, R: TokenRule>(tokenizer: T, rule: R, text: &str) -> Vec<Token> {
    let mut analyzer = tantivy::tokenizer::TextAnalyzer::builder(tokenizer)
        .filter(EachToken(rule))
        .build();
    super::analyze(&mut analyzer, text)
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::WhitespaceTokenizer;

    use super::*;

    /// Drops tokens that start with `x`, upper-cases the others.
    #[derive(Clone)]
    struct Shout;

    impl TokenRule for Shout {
        fn apply(&mut self, _: &str, token: &mut Token) -> bool {
            token.text.make_ascii_uppercase();
            !token.text.starts_with('X')
        }
    }

    fn texts<R: TokenRule>(rule: R, text: &str) -> Vec<(String, usize)> {
        through(WhitespaceTokenizer::default(), rule, text)
            .into_iter()
            .map(|t| (t.text, t.position))
            .collect()
    }

    #[test]
    fn a_rule_changes_and_drops_tokens_keeping_positions() {
        assert_eq!(
            texts(Shout, "a xb c"),
            [("A".to_string(), 0), ("C".to_string(), 2)]
        );
    }

    /// Numbers the tokens of each text from 1.
    #[derive(Clone, Default)]
    struct Count(usize);

    impl TokenRule for Count {
        fn begin(&mut self) {
            self.0 = 0;
        }

        fn apply(&mut self, _: &str, token: &mut Token) -> bool {
            self.0 += 1;
            token.text = self.0.to_string();
            true
        }
    }

    #[test]
    fn a_rule_begins_again_with_each_text() {
        let mut analyzer =
            tantivy::tokenizer::TextAnalyzer::builder(WhitespaceTokenizer::default())
                .filter(EachToken(Some(Count::default())))
                .build();
        for text in ["a b", "c d e"] {
            let numbers: Vec<String> = super::super::analyze(&mut analyzer, text)
                .into_iter()
                .map(|t| t.text)
                .collect();
            assert_eq!(numbers[0], "1", "{text}");
        }
    }

    #[test]
    fn an_absent_rule_lets_tokens_through() {
        assert_eq!(texts(None::<Shout>, "a xb").len(), 2);
        assert_eq!(texts(Some(Shout), "a xb").len(), 1);
    }

    /// Cuts every other byte of an ASCII text, as its own token.
    struct EveryOther {
        text: &'static str,
        at: usize,
    }

    impl Cut for EveryOther {
        fn next(&mut self, text: &mut String) -> Option<Range<usize>> {
            let range = self.at..self.at + 1;
            text.push_str(self.text.get(range.clone())?);
            self.at += 2;
            Some(range)
        }
    }

    #[test]
    fn a_cut_stream_counts_positions_and_keeps_offsets() {
        let mut token = Token::default();
        let mut stream = CutStream::new(
            EveryOther {
                text: "abcde",
                at: 0,
            },
            &mut token,
        );
        let mut got = Vec::new();
        while stream.advance() {
            let t = stream.token();
            got.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        let want = [("a", 0, 1, 0), ("c", 2, 3, 1), ("e", 4, 5, 2)];
        let want: Vec<_> = want
            .iter()
            .map(|&(s, f, t, p)| (s.to_string(), f, t, p))
            .collect();
        assert_eq!(got, want);
    }
}
