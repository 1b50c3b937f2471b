//! Analysis: how text becomes index terms, one chain per language.
//!
//! Every language with a Snowball stemmer gets a chain registered under
//! `veille_<code>`; every article also goes through the language-neutral
//! chain [`NEUTRAL`]. Queries are analysed with the same chains, and
//! snippets re-run them with offsets to find what to highlight.

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter,
    TextAnalyzer, Token, TokenizerManager,
};

use crate::lang::{self, Language};

/// Name of the language-neutral chain.
pub const NEUTRAL: &str = "veille_neutral";

/// Name under which a language's chain is registered.
pub fn tokenizer_name(language: &Language) -> String {
    format!("veille_{}", language.code)
}

/// Builds the analysis chain for a language (`None`: language-neutral).
pub fn analyzer(language: Option<&'static Language>) -> TextAnalyzer {
    // TEMPORARY: replaced by the real chains.
    let _ = (Stemmer::default(), StopWordFilter::new(tantivy::tokenizer::Language::French));
    let _ = language;
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Registers the neutral chain and every language chain.
pub fn register(manager: &TokenizerManager) {
    manager.register(NEUTRAL, analyzer(None));
    for language in lang::chained() {
        manager.register(&tokenizer_name(language), analyzer(Some(language)));
    }
}

/// Runs an analyzer over `text` and collects its tokens (with byte offsets
/// into `text`).
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().clone());
    }
    out
}
