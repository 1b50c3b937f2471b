//! The word tokenizer, first step of every analysis chain.
//!
//! It is hand-written rather than taken from tantivy because tantivy's
//! `SimpleTokenizer` splits on apostrophes, so `l’intelligence` reaches the
//! filters as `l` and `intelligence` and the elision filter can no longer
//! tell an elided article from a lone letter; and it has no handling of
//! Chinese, Japanese or Korean, whose words are not separated by spaces and
//! would come out as one token per sentence.
//!
//! Rules:
//! - a word is a maximal run of alphanumeric characters and combining marks;
//! - an apostrophe (`’ ' ‘ ʼ`) between two letters stays inside the word and
//!   is written as ASCII `'` in the token text, unless the tokenizer was
//!   built with [`WordTokenizer::splitting_apostrophes`], where it separates
//!   words like any punctuation;
//! - runs of Han, Hiragana, Katakana and Hangul are cut into overlapping
//!   character bigrams (a run of a single character gives that character),
//!   the usual segmentation-free indexing of CJK text;
//! - a word that contains combining marks is composed to NFC, so that text
//!   typed with decomposed accents (`e` + U+0301) meets precomposed text;
//! - offsets are byte offsets of the original text, positions count tokens.

use std::ops::Range;

use tantivy::tokenizer::{Token, Tokenizer};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::stream::{Cut, CutStream};

/// The apostrophe that tokens carry, whichever one the text used.
pub const ASCII_APOSTROPHE: char = '\'';

/// The other characters taken as apostrophes: right and left single
/// quotation marks, and the modifier letter apostrophe.
pub const TYPOGRAPHIC_APOSTROPHES: [char; 3] = ['\u{2019}', '\u{2018}', '\u{02BC}'];

/// True for an apostrophe, ASCII or typographic.
pub(crate) fn is_apostrophe(c: char) -> bool {
    c == ASCII_APOSTROPHE || TYPOGRAPHIC_APOSTROPHES.contains(&c)
}

/// True for Han, Hiragana, Katakana and Hangul characters (and the marks
/// that belong to those scripts), which are indexed as bigrams.
fn is_cjk(c: char) -> bool {
    if (c as u32) < 0x1100 {
        return false;
    }
    matches!(c,
        '\u{1100}'..='\u{11FF}' // Hangul Jamo
        | '\u{2E80}'..='\u{2FDF}' // CJK and Kangxi radicals
        | '\u{3005}' | '\u{3007}' // 々 〇
        | '\u{3021}'..='\u{3029}' | '\u{3038}'..='\u{303B}' // Hangzhou numerals, 〻
        | '\u{3041}'..='\u{3096}' | '\u{3099}'..='\u{309F}' // Hiragana and its marks
        | '\u{30A1}'..='\u{30FA}' | '\u{30FC}'..='\u{30FF}' // Katakana without ゠ and ・
        | '\u{3130}'..='\u{318F}' // Hangul compatibility jamo
        | '\u{31F0}'..='\u{31FF}' // Katakana phonetic extensions
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{A960}'..='\u{A97F}' // Hangul Jamo extended A
        | '\u{AC00}'..='\u{D7FF}' // Hangul syllables, Jamo extended B
        | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
        | '\u{FF66}'..='\u{FF9F}' // halfwidth Katakana
        | '\u{FFA0}'..='\u{FFDC}' // halfwidth Hangul
        | '\u{1AFF0}'..='\u{1B16F}' // Kana extended and supplement
        | '\u{20000}'..='\u{2FA1F}' // CJK extensions B to F, compatibility supplement
        | '\u{30000}'..='\u{323AF}' // CJK extensions G and H
    )
}

/// What a character does to tokenization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Word,
    Cjk,
    Apostrophe,
    Separator,
}

fn classify(c: char) -> Class {
    // Most text is ASCII: decide it without the Unicode tables.
    if c.is_ascii() {
        return if c.is_ascii_alphanumeric() {
            Class::Word
        } else if c == ASCII_APOSTROPHE {
            Class::Apostrophe
        } else {
            Class::Separator
        };
    }
    // Order matters: ʼ is alphabetic and CJK characters are alphanumeric.
    if is_apostrophe(c) {
        Class::Apostrophe
    } else if is_cjk(c) {
        Class::Cjk
    } else if c.is_alphanumeric() || is_combining_mark(c) {
        Class::Word
    } else {
        Class::Separator
    }
}

/// Splits text into words and CJK bigrams (see the module documentation).
#[derive(Debug, Clone, Default)]
pub struct WordTokenizer {
    split_at_apostrophes: bool,
    token: Token,
}

impl WordTokenizer {
    /// A tokenizer that keeps apostrophes between letters inside words, for
    /// the language chains (elision and stemming need `l'avion` whole).
    pub fn new() -> WordTokenizer {
        WordTokenizer::default()
    }

    /// A tokenizer for which every apostrophe separates words
    /// (`l’intelligence` gives `l` and `intelligence`), for the neutral
    /// chain: it knows no language, so it cannot tell an elided article
    /// (`l’`) from a word that contains an apostrophe (`aujourd’hui`), and
    /// splitting makes both searchable by their parts.
    pub fn splitting_apostrophes() -> WordTokenizer {
        WordTokenizer {
            split_at_apostrophes: true,
            token: Token::default(),
        }
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = CutStream<'a, Words<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        let words = Words {
            text,
            cursor: 0,
            split_at_apostrophes: self.split_at_apostrophes,
            cjk: None,
        };
        CutStream::new(words, &mut self.token)
    }
}

/// The CJK run being cut into bigrams.
#[derive(Debug, Clone, Copy)]
struct CjkRun {
    /// Byte offset of the last character read from the run (the first half
    /// of the next bigram); the stream's cursor is at its end.
    last: usize,
    /// Whether a bigram was emitted for this run yet.
    emitted: bool,
}

/// How a [`WordTokenizer`] cuts one text.
pub struct Words<'a> {
    text: &'a str,
    /// Byte offset where scanning resumes.
    cursor: usize,
    split_at_apostrophes: bool,
    cjk: Option<CjkRun>,
}

impl Words<'_> {
    fn char_at(&self, at: usize) -> Option<char> {
        self.text[at..].chars().next()
    }

    /// End of the CJK character at `start`, with the combining marks that
    /// follow it (a dakuten belongs to its kana).
    fn cjk_char_end(&self, start: usize) -> usize {
        let mut chars = self.text[start..].char_indices();
        let mut end = start;
        if let Some((_, c)) = chars.next() {
            end += c.len_utf8();
        }
        for (i, c) in chars {
            if !is_combining_mark(c) {
                break;
            }
            end = start + i + c.len_utf8();
        }
        end
    }

    /// End of the word that starts at `start`.
    fn word_end(&self, start: usize) -> usize {
        // ASCII letters and digits, most of most words, are read as bytes:
        // all are inside the word, and an ASCII byte after them other than
        // an apostrophe ends it. The rest is read as characters.
        let bytes = self.text.as_bytes();
        let ascii = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let resume = start + ascii;
        if bytes
            .get(resume)
            .is_none_or(|&b| b.is_ascii() && char::from(b) != ASCII_APOSTROPHE)
        {
            return resume;
        }
        let previous = (ascii > 0).then(|| char::from(bytes[resume - 1]));
        self.word_end_from(resume, previous)
    }

    /// End of the word whose characters before `resume` are inside it,
    /// the last of them `previous` (`None`: the word starts at `resume`).
    fn word_end_from(&self, resume: usize, mut previous: Option<char>) -> usize {
        let mut end = resume;
        let mut chars = self.text[resume..].char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let inside = match classify(c) {
                Class::Word => true,
                Class::Apostrophe => {
                    !self.split_at_apostrophes
                        && previous.is_some_and(|p| p.is_alphabetic() || is_combining_mark(p))
                        && chars
                            .peek()
                            .is_some_and(|&(_, n)| n.is_alphabetic() && !is_cjk(n))
                }
                Class::Cjk | Class::Separator => false,
            };
            if !inside {
                break;
            }
            end = resume + i + c.len_utf8();
            previous = Some(c);
        }
        end
    }

    /// Writes the token text of `self.text[from..to]` into `out`.
    fn emit(&self, from: usize, to: usize, out: &mut String) -> Range<usize> {
        let slice = &self.text[from..to];
        if slice.is_ascii() {
            out.push_str(slice);
        } else {
            let mut marked = false;
            for c in slice.chars() {
                if is_apostrophe(c) {
                    out.push(ASCII_APOSTROPHE);
                } else {
                    marked |= is_combining_mark(c);
                    out.push(c);
                }
            }
            if marked {
                *out = out.nfc().collect();
            }
        }
        from..to
    }
}

impl Cut for Words<'_> {
    fn next(&mut self, out: &mut String) -> Option<Range<usize>> {
        loop {
            if let Some(run) = self.cjk {
                if self.char_at(self.cursor).is_some_and(is_cjk) {
                    let start = self.cursor;
                    let end = self.cjk_char_end(start);
                    self.cjk = Some(CjkRun {
                        last: start,
                        emitted: true,
                    });
                    self.cursor = end;
                    return Some(self.emit(run.last, end, out));
                }
                self.cjk = None;
                if !run.emitted {
                    return Some(self.emit(run.last, self.cursor, out));
                }
            }
            let (i, c) = self.text[self.cursor..]
                .char_indices()
                .find(|&(_, c)| matches!(classify(c), Class::Word | Class::Cjk))?;
            let start = self.cursor + i;
            if is_cjk(c) {
                self.cursor = self.cjk_char_end(start);
                self.cjk = Some(CjkRun {
                    last: start,
                    emitted: false,
                });
                continue;
            }
            let end = self.word_end(start);
            self.cursor = end;
            // A run of stray combining marks is not a word.
            if self.text[start..end].chars().any(char::is_alphanumeric) {
                return Some(self.emit(start, end, out));
            }
        }
    }
}

/// Whether a word cut from `text` by the tokenizer that splits at
/// apostrophes may begin, once lowercased and folded to ASCII, with one of
/// `initials` (a set of ASCII bytes, bit `b` for byte `b`).
///
/// It is true when some word begins with an ASCII letter or digit whose
/// lowercase is in the set, or with a character outside ASCII (folding may
/// give it any letter), or when `text` holds CJK characters (each begins a
/// bigram). When it is false, no token of the neutral chain made of `text`
/// begins with one of `initials`: highlighting skips such words without
/// analysing them. It follows the word boundaries of [`Words`] exactly, with
/// the same [`classify`].
pub fn may_begin_with(text: &str, initials: u128) -> bool {
    let mut inside = false;
    for c in text.chars() {
        match classify(c) {
            Class::Word => {
                if !inside {
                    let lower = c.to_ascii_lowercase();
                    if !lower.is_ascii() || initials & (1u128 << (lower as u32)) != 0 {
                        return true;
                    }
                }
                inside = true;
            }
            Class::Cjk => return true,
            Class::Apostrophe | Class::Separator => inside = false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use tantivy::tokenizer::TextAnalyzer;

    use super::*;

    fn tokens(tokenizer: &mut WordTokenizer, text: &str) -> Vec<Token> {
        crate::analysis::analyze(&mut TextAnalyzer::from(tokenizer.clone()), text)
    }

    /// The original text of each token.
    fn originals<'a>(text: &'a str, tokens: &[Token]) -> Vec<&'a str> {
        tokens
            .iter()
            .map(|t| &text[t.offset_from..t.offset_to])
            .collect()
    }

    fn texts(tokenizer: &mut WordTokenizer, text: &str) -> Vec<String> {
        tokens(tokenizer, text)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn splits_words_on_punctuation_and_spaces() {
        let mut t = WordTokenizer::new();
        assert_eq!(
            texts(&mut t, "Hello, world! GPT-4o costs $20/month."),
            ["Hello", "world", "GPT", "4o", "costs", "20", "month"]
        );
        assert!(texts(&mut t, "").is_empty());
        assert!(texts(&mut t, " -- ... ").is_empty());
    }

    #[test]
    fn keeps_apostrophes_between_letters_as_ascii() {
        let mut t = WordTokenizer::new();
        let text = "l’intelligence d'abord ‘n ʼx";
        assert_eq!(texts(&mut t, text), ["l'intelligence", "d'abord", "n", "x"]);
        // Offsets point into the original text, typographic apostrophe included.
        assert_eq!(
            originals(text, &tokens(&mut t, text)),
            ["l’intelligence", "d'abord", "n", "x"]
        );
    }

    #[test]
    fn apostrophes_not_between_two_letters_separate() {
        let mut t = WordTokenizer::new();
        assert_eq!(texts(&mut t, "d' abord"), ["d", "abord"]);
        assert_eq!(
            texts(&mut t, "l’2024 'quoted' rock'n'roll"),
            ["l", "2024", "quoted", "rock'n'roll"]
        );
        assert_eq!(texts(&mut t, "l''''église"), ["l", "église"]);
        assert_eq!(texts(&mut t, "students’ work"), ["students", "work"]);
    }

    #[test]
    fn splitting_tokenizer_cuts_at_every_apostrophe() {
        let mut t = WordTokenizer::splitting_apostrophes();
        assert_eq!(
            texts(&mut t, "l’intelligence aujourd'hui"),
            ["l", "intelligence", "aujourd", "hui"]
        );
    }

    #[test]
    fn cjk_runs_become_bigrams() {
        let mut t = WordTokenizer::new();
        let text = "AI人工智能。日 한국어";
        let words = ["AI", "人工", "工智", "智能", "日", "한국", "국어"];
        assert_eq!(texts(&mut t, text), words);
        assert_eq!(originals(text, &tokens(&mut t, text)), words);
        // Kana, with a combining voiced mark kept on its character.
        assert_eq!(texts(&mut t, "か\u{3099}ぎ"), ["がぎ"]);
    }

    #[test]
    fn combining_marks_stay_in_words_and_are_composed() {
        let mut t = WordTokenizer::new();
        assert_eq!(texts(&mut t, "cafe\u{301} noir"), ["café", "noir"]);
        // Devanagari virama is a mark, not a letter: the word stays whole.
        assert_eq!(texts(&mut t, "हिन्दी भाषा"), ["हिन्दी", "भाषा"]);
        // Marks with no letter are no word.
        assert!(texts(&mut t, " \u{301}\u{302} ").is_empty());
    }

    fn check_invariants(text: &str, tokens: &[Token]) -> Result<(), TestCaseError> {
        for (i, token) in tokens.iter().enumerate() {
            prop_assert!(token.offset_from < token.offset_to);
            prop_assert!(token.offset_to <= text.len());
            prop_assert!(text.is_char_boundary(token.offset_from));
            prop_assert!(text.is_char_boundary(token.offset_to));
            prop_assert!(!token.text.is_empty());
            prop_assert_eq!(token.position, i);
        }
        Ok(())
    }

    /// Text made of the characters the tokenizer treats specially.
    fn tricky_text() -> impl Strategy<Value = String> {
        let alphabet = prop::sample::select(vec![
            'a', 'Z', 'é', 'ß', 'İ', '1', ' ', '-', '.', '\'', '’', '‘', 'ʼ', '\u{301}', '人',
            '工', 'か', '\u{3099}', 'ー', '한', 'ह', '\u{94d}', '\n', '\u{0}', '\u{feff}',
        ]);
        prop::collection::vec(alphabet, 0..40).prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #[test]
        fn never_panics_and_offsets_are_sound(text in any::<String>()) {
            for mut t in [WordTokenizer::new(), WordTokenizer::splitting_apostrophes()] {
                let got = tokens(&mut t, &text);
                check_invariants(&text, &got)?;
            }
        }

        #[test]
        fn tricky_text_offsets_are_sound(text in tricky_text()) {
            for mut t in [WordTokenizer::new(), WordTokenizer::splitting_apostrophes()] {
                let got = tokens(&mut t, &text);
                check_invariants(&text, &got)?;
            }
        }

        #[test]
        fn words_end_where_reading_every_character_ends_them(text in tricky_text()) {
            for split_at_apostrophes in [false, true] {
                let words = Words {
                    text: &text,
                    cursor: 0,
                    split_at_apostrophes,
                    cjk: None,
                };
                for (start, _) in text.char_indices() {
                    prop_assert_eq!(
                        words.word_end(start),
                        words.word_end_from(start, None),
                        "from {} in {:?}", start, text
                    );
                }
            }
        }
    }
}
