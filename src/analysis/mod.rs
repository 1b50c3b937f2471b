//! Analysis: how text becomes index terms, one chain per language.
//!
//! Every language with a Snowball stemmer gets a chain registered under
//! `veille_<code>`; every article also goes through the language-neutral
//! chain [`NEUTRAL`]. Queries are analysed with the same chains, and
//! snippets re-run them with offsets to find what to highlight.
//!
//! A language chain is, in order (the language's entry in
//! [`lang::LANGUAGES`] says which steps apply and with what):
//! 1. [`WordTokenizer`](tokenizer): words (apostrophes between letters kept
//!    inside them) and CJK bigrams;
//! 2. tantivy's `RemoveLongFilter`: drops tokens of [`MAX_TOKEN_BYTES`] or
//!    more (URLs, base64, hashes);
//! 3. [`Elision`](elision), for the languages that elide (French, Italian,
//!    Catalan): `l’avion` → `avion`;
//! 4. tantivy's `LowerCaser`;
//! 5. tantivy's `StopWordFilter`, when tantivy ships a list for the
//!    language;
//! 6. [`Snowball`](stemmer): Snowball stems, on accented text;
//! 7. tantivy's `AsciiFoldingFilter`, after stemming since Snowball's rules
//!    need the accents, so that `précieuse` and `precieuse` meet;
//! 8. [`RemoveApostrophes`](apostrophe): `aujourd'hui` → `aujourdhui`.
//!
//! The neutral chain knows no language: its tokenizer splits words at every
//! apostrophe (`l’intelligence` → `l`, `intelligence`), then it lowercases,
//! folds to ASCII and removes apostrophes, with no stop words and no
//! stemming. Languages without a stemmer (Chinese, Japanese, Korean…) use it.
//!
//! The exact chain ([`EXACT`]) keeps tech names whole (`C++`, `GPT-4o`),
//! and words written in capitals as such (`AI`, never the `ai` of `j’ai`:
//! [`case`]); in the index, it keeps only compounds ([`compound`]),
//! acronyms and capitalised words.
//!
//! veille's own tokenizers and filters share their tantivy plumbing
//! ([`stream`]): each states only how it cuts text or changes a token.

mod apostrophe;
mod case;
mod compound;
pub mod dedup;
mod elision;
pub mod lang;
mod stemmer;
mod stream;
mod tech;
mod tokenizer;

use std::sync::{Mutex, OnceLock};

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, StopWordFilter, TextAnalyzer,
    TextAnalyzerBuilder, Token, Tokenizer, TokenizerManager,
};

use self::apostrophe::RemoveApostrophes;
use self::case::Capitals;
pub use self::compound::is_compound;
use self::elision::Elision;
use self::stemmer::Snowball;
use self::stream::EachToken;
use self::tech::TechTokenizer;
pub use self::tech::IDEOGRAPHIC;
use self::tokenizer::WordTokenizer;
pub use self::tokenizer::{ASCII_APOSTROPHE, TYPOGRAPHIC_APOSTROPHES};
use lang::Language;

/// Name of the language-neutral chain.
pub const NEUTRAL: &str = "veille_neutral";

/// Name of the exact chain: tech names kept whole (`C++`, `.NET`,
/// `GPT-4o`), folded, never stemmed; lowercased except acronyms written in
/// capitals (`AI`, `UE`, `5G`). Indexed, it keeps only the compounds, the
/// acronyms and the capitalised words inside sentences
/// ([`exact_indexed`]); queries and snippets use all of its tokens
/// ([`exact`]).
pub const EXACT: &str = "veille_exact";

/// Tokens of this many bytes or more are dropped.
pub const MAX_TOKEN_BYTES: usize = 64;

/// Name under which a language's chain is registered.
pub fn tokenizer_name(language: &Language) -> String {
    format!("veille_{}", language.code)
}

/// The analysis chain for a language (`None`, or a language without a
/// stemmer: language-neutral).
///
/// Each chain is built the first time it is asked for and cloned from
/// then on: building one makes its stop-word set (hundreds of
/// allocations), and every search needs the chain of each language present
/// in the index, for the query and again for the snippets. A clone shares
/// the set.
pub fn analyzer(language: Option<&'static Language>) -> TextAnalyzer {
    static CHAINS: Mutex<Option<FxHashMap<&'static str, TextAnalyzer>>> = Mutex::new(None);
    let language = language.filter(|l| l.stemmer.is_some());
    let code = language.map_or("", |l| l.code);
    let mut chains = CHAINS.lock().unwrap_or_else(|e| e.into_inner());
    chains
        .get_or_insert_with(FxHashMap::default)
        .entry(code)
        .or_insert_with(|| build_analyzer(language))
        .clone()
}

fn build_analyzer(language: Option<&'static Language>) -> TextAnalyzer {
    let Some((language, algorithm)) = language.and_then(|l| Some((l, l.stemmer?))) else {
        return neutral();
    };
    bounded(WordTokenizer::new())
        .filter(EachToken(Elision::of(language)))
        .filter(LowerCaser)
        .filter(stop_words(language))
        .filter(EachToken(Snowball::new(algorithm)))
        .filter(AsciiFoldingFilter)
        .filter(EachToken(RemoveApostrophes))
        .build()
}

/// The language's stop-word filter: one that removes nothing when tantivy
/// ships no list, so that every language chain has the same type.
fn stop_words(language: &Language) -> StopWordFilter {
    language
        .stopwords
        .and_then(StopWordFilter::new)
        .unwrap_or_else(|| StopWordFilter::remove(Vec::new()))
}

/// The language-neutral chain.
fn neutral() -> TextAnalyzer {
    bounded(WordTokenizer::splitting_apostrophes())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(EachToken(RemoveApostrophes))
        .build()
}

/// The exact chain; as the index runs it when `indexed` (see [`case`]).
fn exact_chain(indexed: bool) -> TextAnalyzer {
    let capitals = if indexed {
        Capitals::index()
    } else {
        Capitals::query()
    };
    bounded(TechTokenizer::default())
        .filter(EachToken(capitals))
        .filter(AsciiFoldingFilter)
        .build()
}

/// The first two steps of every chain: `tokenizer`, then the long tokens
/// dropped.
fn bounded<T: Tokenizer>(tokenizer: T) -> TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(tokenizer).filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
}

/// The exact chain (see [`EXACT`]) for queries and highlights: every
/// token, built once and cloned.
pub fn exact() -> TextAnalyzer {
    static CHAIN: OnceLock<TextAnalyzer> = OnceLock::new();
    CHAIN.get_or_init(|| exact_chain(false)).clone()
}

/// The exact chain as the index runs it: compound names, acronyms and
/// capitalised words only (see [`case`]).
pub fn exact_indexed() -> TextAnalyzer {
    exact_chain(true)
}

/// Registers the neutral chain, the exact chain (as indexed) and every
/// language chain.
pub fn register(manager: &TokenizerManager) {
    manager.register(NEUTRAL, analyzer(None));
    manager.register(EXACT, exact_indexed());
    for language in lang::chained() {
        manager.register(&tokenizer_name(language), analyzer(Some(language)));
    }
}

/// The set of ASCII initials (bit `b` for byte `b`) that
/// [`neutral_may_begin_with`] checks words against: the first byte of each
/// of `terms` that begins with an ASCII character (a term that begins
/// otherwise can only come from a word that begins outside ASCII, which
/// is always read). `None` when a term is empty: every word may give it.
pub fn ascii_initials<'a>(terms: impl IntoIterator<Item = &'a str>) -> Option<u128> {
    let mut set = 0u128;
    for term in terms {
        match term.bytes().next() {
            None => return None,
            Some(b) if b.is_ascii() => set |= 1u128 << b,
            Some(_) => {}
        }
    }
    Some(set)
}

/// Whether some token that the neutral chain makes of `text` may begin
/// with one of `initials` ([`ascii_initials`]). When it is false, none
/// does, and `text` need not be analysed to find such tokens: the chain's
/// tokens begin where its tokenizer's words begin, and lowercasing, ASCII
/// folding and removing apostrophes keep an ASCII first letter ASCII (in
/// lowercase) and never move it.
pub fn neutral_may_begin_with(text: &str, initials: u128) -> bool {
    tokenizer::may_begin_with(text, initials)
}

/// Runs an analyzer over `text` and collects its tokens (with byte offsets
/// into `text`).
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    for_each_token(analyzer, text, |token| out.push(token.clone()));
    out
}

/// Runs an analyzer over `text` and hands each token to `f`, without
/// collecting them (highlighting runs over whole articles).
pub fn for_each_token(analyzer: &mut TextAnalyzer, text: &str, mut f: impl FnMut(&Token)) {
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        f(stream.token());
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::analysis::lang::lookup;

    fn terms(code: Option<&str>, text: &str) -> Vec<String> {
        let language = code.map(|c| lookup(c).unwrap());
        analyze(&mut analyzer(language), text)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    fn fr(text: &str) -> Vec<String> {
        terms(Some("fr"), text)
    }

    fn one(code: &str, word: &str) -> String {
        let got = terms(Some(code), word);
        assert_eq!(got.len(), 1, "{code} {word}: {got:?}");
        got.into_iter().next().unwrap()
    }

    #[test]
    fn french_chain_elides_stems_and_folds() {
        let text = "L’Avion de l’intelligence artificielle";
        let tokens = analyze(&mut analyzer(lookup("fr")), text);
        let got: Vec<(&str, &str)> = tokens
            .iter()
            .map(|t| (t.text.as_str(), &text[t.offset_from..t.offset_to]))
            .collect();
        assert_eq!(
            got,
            [
                ("avion", "Avion"),
                ("intelligent", "intelligence"),
                ("artificiel", "artificielle"),
            ]
        );
        // `de` and the articles are gone, positions keep their gaps.
        let positions: Vec<usize> = tokens.iter().map(|t| t.position).collect();
        assert_eq!(positions, [0, 2, 3]);
    }

    #[test]
    fn french_elided_pronouns_and_conjunctions_leave_only_stop_words() {
        // il, à, elle are stop words: once the article is gone nothing is left.
        assert!(fr("QU’IL jusqu’à lorsqu’elle d’ l'").is_empty());
        assert_eq!(fr("jusqu’alors lorsqu’Apple"), ["alor", "apple"]);
    }

    #[test]
    fn aujourdhui_has_one_term_whatever_the_spelling() {
        let expected = vec!["aujourdhui".to_string()];
        assert_eq!(fr("aujourd’hui"), expected);
        assert_eq!(fr("aujourd'hui"), expected);
        assert_eq!(fr("aujourdhui"), expected);
        assert_eq!(fr("d’aujourd’hui"), expected);
        assert_eq!(terms(None, "aujourd’hui"), ["aujourd", "hui"]);
    }

    #[test]
    fn french_variants_share_a_term() {
        assert_eq!(one("fr", "recrutement"), one("fr", "recrute"));
        assert_eq!(one("fr", "précieuse"), one("fr", "precieuse"));
        assert_eq!(one("fr", "Précieuse"), "precieux");
        assert_eq!(one("fr", "données"), one("fr", "donnée"));
    }

    #[test]
    fn english_chain() {
        assert_eq!(one("en", "running"), one("en", "runs"));
        assert_eq!(one("en", "Google's"), "googl");
        assert_eq!(one("en", "Google’s"), "googl");
        assert_eq!(terms(Some("en"), "The state of the art"), ["state", "art"]);
    }

    #[test]
    fn german_spanish_italian_and_catalan_chains() {
        assert_eq!(one("de", "Häuser"), one("de", "Haus"));
        assert_eq!(terms(Some("de"), "und der Daten"), ["dat"]);
        assert_eq!(one("es", "ordenadores"), one("es", "ordenador"));
        assert_eq!(terms(Some("es"), "el de las empresas"), ["empres"]);
        assert_eq!(one("it", "aziende"), one("it", "azienda"));
        assert_eq!(terms(Some("it"), "il di tecnologie"), ["tecnolog"]);
        assert_eq!(one("it", "dell’azienda"), one("it", "azienda"));
        assert_eq!(one("ca", "l’ordinador"), one("ca", "ordinadors"));
    }

    #[test]
    fn neutral_chain_bigrams_cjk_and_splits_apostrophes() {
        assert_eq!(terms(None, "人工智能"), ["人工", "工智", "智能"]);
        assert_eq!(terms(Some("zh"), "人工智能"), ["人工", "工智", "智能"]);
        assert_eq!(
            terms(None, "L’Intelligence Générale"),
            ["l", "intelligence", "generale"]
        );
    }

    #[test]
    fn long_tokens_are_dropped() {
        let long = "a".repeat(MAX_TOKEN_BYTES);
        let short = "b".repeat(MAX_TOKEN_BYTES - 1);
        assert_eq!(terms(None, &format!("{long} {short}")), [short.as_str()]);
        assert_eq!(
            terms(Some("en"), &format!("{long} {short}")),
            [short.as_str()]
        );
    }

    #[test]
    fn register_names_every_chain() {
        let manager = TokenizerManager::default();
        register(&manager);
        assert!(manager.get(NEUTRAL).is_some());
        for language in lang::chained() {
            let name = tokenizer_name(language);
            assert!(manager.get(&name).is_some(), "{name}");
        }
        assert_eq!(tokenizer_name(lookup("fr").unwrap()), "veille_fr");
    }

    #[test]
    fn words_whose_neutral_tokens_cannot_begin_with_an_initial_are_told_apart() {
        let set = |terms: &[&str]| ascii_initials(terms.iter().copied()).unwrap();
        // Words begin after apostrophes and punctuation, in either case.
        assert!(neutral_may_begin_with("l’Intelligence", set(&["intel"])));
        assert!(neutral_may_begin_with("(x-Ray)", set(&["ray"])));
        assert!(neutral_may_begin_with("Wi-Fi", set(&["f"])));
        // Not inside a word, nor in a word that begins with another letter.
        assert!(!neutral_may_begin_with("bonjour", set(&["o", "j"])));
        assert!(!neutral_may_begin_with("l’avion,", set(&["v", "i"])));
        // A word that begins outside ASCII may fold to anything; CJK text
        // is cut anywhere.
        assert!(neutral_may_begin_with("été", set(&["q"])));
        assert!(neutral_may_begin_with("abc人工", set(&["q"])));
        // A term that begins outside ASCII adds nothing to the set, and an
        // empty one leaves no set at all.
        assert_eq!(ascii_initials(["été", "x"]), Some(1u128 << b'x'));
        assert_eq!(ascii_initials(["", "x"]), None);
    }

    proptest! {
        #[test]
        fn every_chain_keeps_offsets_on_char_boundaries(text in any::<String>()) {
            let languages = std::iter::once(None).chain(lang::chained().map(Some));
            for language in languages {
                for token in analyze(&mut analyzer(language), &text) {
                    prop_assert!(token.offset_from < token.offset_to);
                    prop_assert!(token.offset_to <= text.len());
                    prop_assert!(text.is_char_boundary(token.offset_from));
                    prop_assert!(text.is_char_boundary(token.offset_to));
                    prop_assert!(!token.text.is_empty());
                }
            }
        }

        /// A word is never skipped that gives a neutral token beginning
        /// with the initial looked for, nor one that gives a token beginning
        /// outside ASCII, whatever the initials.
        #[test]
        fn no_word_is_skipped_that_gives_a_token_with_the_initial(
            text in "([a-z]|[a-z]|[A-Z]|[0-9]|[ ’'ʼ]|[ ’'ʼ.,«»-]|é|É|ß|Œ|ﬁ|e\u{301}|\u{301}|人|Ж|ǅ|İ){0,24}",
        ) {
            for token in analyze(&mut analyzer(None), &text) {
                let first = token.text.as_bytes()[0];
                let initials = if first.is_ascii() { 1u128 << first } else { 0 };
                prop_assert!(neutral_may_begin_with(&text, initials), "{:?}", token.text);
            }
        }
    }
}
