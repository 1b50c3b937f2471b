//! OpenSearch index settings and mappings that rebuild veille's analysis.
//!
//! Each veille chain becomes a custom analyzer made only of tokenizers and
//! filters that OpenSearch ships (no plugin), under the same name as the
//! tantivy chain (`veille_fr`, `veille_neutral`, `veille_exact`), and each
//! text field of the veille schema becomes a field of the same name with
//! that analyzer. A French chain, for instance, is:
//!
//! | veille | OpenSearch |
//! | --- | --- |
//! | word tokenizer (apostrophes kept inside words, CJK bigrams) | `mapping` and `pattern_replace` char filters, `standard` tokenizer, `cjk_bigram` |
//! | remove tokens of 64 bytes or more | `length` (`max` 63 characters) |
//! | elision | `elision` (`articles`, `articles_case`) |
//! | lowercase | `lowercase` |
//! | stop words (tantivy's list, from Snowball) | `stop` (`_french_`, the same Snowball list) |
//! | Snowball stemmer | `snowball` (`French`) |
//! | ASCII folding | `asciifolding` |
//! | apostrophe removal | `pattern_replace` |
//!
//! The names of each language's stemmer and stop-word list come from its
//! entry in [`lang::LANGUAGES`], its elided articles too. Where OpenSearch
//! has no built-in equivalent (a Snowball stemmer it lacks, NFC composition,
//! byte-based token length) the README's "Scaling out" section says how the
//! two differ.

use serde_json::{json, Map, Value};

use crate::analysis::lang::{self, OpenSearchStemmer};
use crate::analysis::{self, ASCII_APOSTROPHE, IDEOGRAPHIC, TYPOGRAPHIC_APOSTROPHES};
use crate::index::schema::NEUTRAL_SUFFIX;
use crate::{Error, Result};

/// File name of the settings and mappings.
pub const SETTINGS_FILE: &str = "settings.json";

/// The longest token kept, in characters (veille counts bytes).
const MAX_TOKEN_CHARS: usize = analysis::MAX_TOKEN_BYTES - 1;

/// The longest index name, in bytes.
const MAX_INDEX_NAME_BYTES: usize = 255;

/// The standard tokenizer splits tokens longer than this; far above
/// [`MAX_TOKEN_CHARS`], so that the pieces of a long token are dropped as
/// veille drops the whole token.
const MAX_STANDARD_TOKEN: usize = 1024;

/// Name of the word tokenizer shared by the language and neutral chains.
const WORDS: &str = "veille_words";
/// Name of the tech-name tokenizer of the exact chain.
const TECH: &str = "veille_tech";
/// Char filter: every apostrophe written as ASCII `'` (elision and the
/// standard tokenizer then treat them alike).
const APOSTROPHES: &str = "veille_apostrophes";
/// Char filter: every apostrophe becomes a space (the neutral chain).
const SPLIT_APOSTROPHES: &str = "veille_split_apostrophes";
/// Char filter: the punctuation that the standard tokenizer keeps inside
/// words (`node.js`, `3,5`, `snake_case`) becomes a space, as veille splits
/// there.
const SEPARATORS: &str = "veille_separators";
/// Filter: drops long tokens.
const LENGTH: &str = "veille_length";
/// Filter: removes the apostrophes left inside words.
const NO_APOSTROPHE: &str = "veille_no_apostrophe";

/// Characters that Unicode word segmentation (UAX #29, the standard
/// tokenizer) keeps between two letters or digits but that veille's word
/// tokenizer splits at: the MidLetter, MidNum, MidNumLet and ExtendNumLet
/// classes, less the apostrophes. A Java regular expression class.
const JOINERS: &str = concat!(
    "[.:,;_",
    "\\u00B7\\u0387\\u055F\\u05F4\\u2027\\uFE13\\uFE55\\uFF1A", // MidLetter
    "\\u037E\\u0589\\u060C\\u060D\\u066C\\u07F8\\u2044\\uFE10\\uFE14\\uFE50\\uFE54\\uFF0C\\uFF1B", // MidNum
    "\\u2024\\uFE52\\uFF07\\uFF0E", // MidNumLet
    "\\u202F\\u203F\\u2040\\u2054\\uFE33\\uFE34\\uFE4D-\\uFE4F\\uFF3F", // ExtendNumLet
    "]"
);

/// Checks that `name` is a valid OpenSearch index name that is also safe
/// to write unquoted into a shell script: lowercase ASCII letters, digits,
/// `-`, `_` and `.`, starting with a letter or digit, at most
/// [`MAX_INDEX_NAME_BYTES`].
pub fn check_index_name(name: &str) -> Result<()> {
    let valid_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c);
    let starts_well = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if name.len() > MAX_INDEX_NAME_BYTES || !starts_well || !name.chars().all(valid_char) {
        return Err(Error::InvalidIndexName {
            name: name.to_string(),
            max_bytes: MAX_INDEX_NAME_BYTES,
        });
    }
    Ok(())
}

/// The Java regular expression of the exact chain's tokens (see
/// `src/analysis/tech.rs`): runs of letters and digits joined by single
/// `.`, `-`, `_` or `&` (`node.js`, `gpt-4o`, `at&t`), a leading `.`
/// before a letter (`.net`), and `++`, `+` or `#` after a letter when no
/// letter or digit follows (`c++`, `c#`).
pub fn tech_pattern() -> String {
    // The ranges the tokenizer leaves to the bigrams, as a Java class.
    let ideographic: String = IDEOGRAPHIC
        .iter()
        .map(|r| {
            format!(
                "\\x{{{:X}}}-\\x{{{:X}}}",
                u32::from(*r.start()),
                u32::from(*r.end())
            )
        })
        .collect();
    let word = format!("[\\p{{IsAlphabetic}}\\p{{N}}&&[^{ideographic}]]");
    format!(
        "(?:(?<!{word})\\.(?=\\p{{IsAlphabetic}}))?{word}+(?:[-._&]{word}+)*\
         (?:(?<=\\p{{IsAlphabetic}})(?>\\+\\+|[+#])(?!{word}))?"
    )
}

/// The analysis section: tokenizers, char filters, filters and one
/// analyzer per chain.
fn analysis() -> Value {
    let mut filters = Map::new();
    let mut analyzers = Map::new();
    filters.insert(
        LENGTH.into(),
        json!({ "type": "length", "max": MAX_TOKEN_CHARS }),
    );
    let apostrophes: String = std::iter::once(ASCII_APOSTROPHE)
        .chain(TYPOGRAPHIC_APOSTROPHES)
        .collect();
    filters.insert(
        NO_APOSTROPHE.into(),
        json!({ "type": "pattern_replace", "pattern": format!("[{apostrophes}]"), "replacement": "" }),
    );
    for language in lang::chained() {
        let code = language.code;
        let names = &language.opensearch;
        let mut chain = vec!["cjk_bigram".to_string(), LENGTH.to_string()];
        // Defines this language's own filter for a step, named for the chain.
        let mut own = |step: &str, filter: Value| {
            let name = format!("veille_{code}_{step}");
            filters.insert(name.clone(), filter);
            name
        };
        if !language.elisions.is_empty() {
            let articles = language.elisions;
            chain.push(own(
                "elision",
                json!({ "type": "elision", "articles": articles, "articles_case": true }),
            ));
        }
        chain.push(match names.lowercase {
            Some(l) => own("lowercase", json!({ "type": "lowercase", "language": l })),
            None => "lowercase".to_string(),
        });
        if let Some(list) = names.stop_words {
            chain.push(own("stop", json!({ "type": "stop", "stopwords": list })));
        }
        if let Some(stemmer) = names.stemmer {
            chain.push(own(
                "stem",
                match stemmer {
                    OpenSearchStemmer::Snowball(l) => json!({ "type": "snowball", "language": l }),
                    OpenSearchStemmer::Lucene(l) => json!({ "type": "stemmer", "language": l }),
                },
            ));
        }
        chain.push("asciifolding".into());
        chain.push(NO_APOSTROPHE.into());
        analyzers.insert(
            analysis::tokenizer_name(language),
            json!({
                "type": "custom",
                "char_filter": [APOSTROPHES, SEPARATORS],
                "tokenizer": WORDS,
                "filter": chain,
            }),
        );
    }
    analyzers.insert(
        analysis::NEUTRAL.into(),
        json!({
            "type": "custom",
            "char_filter": [SPLIT_APOSTROPHES, SEPARATORS],
            "tokenizer": WORDS,
            "filter": ["cjk_bigram", LENGTH, "lowercase", "asciifolding"],
        }),
    );
    analyzers.insert(
        analysis::EXACT.into(),
        json!({
            "type": "custom",
            "tokenizer": TECH,
            "filter": [LENGTH, "lowercase", "asciifolding"],
        }),
    );
    let to_ascii: Vec<String> = TYPOGRAPHIC_APOSTROPHES
        .iter()
        .map(|c| format!("{c} => {ASCII_APOSTROPHE}"))
        .collect();
    let to_space: Vec<String> = apostrophes
        .chars()
        .map(|c| format!("{c} => \\u0020"))
        .collect();
    json!({
        "char_filter": {
            APOSTROPHES: { "type": "mapping", "mappings": to_ascii },
            SPLIT_APOSTROPHES: { "type": "mapping", "mappings": to_space },
            SEPARATORS: { "type": "pattern_replace", "pattern": JOINERS, "replacement": " " },
        },
        "tokenizer": {
            WORDS: { "type": "standard", "max_token_length": MAX_STANDARD_TOKEN },
            TECH: { "type": "pattern", "pattern": tech_pattern(), "group": 0 },
        },
        "filter": filters,
        "analyzer": analyzers,
    })
}

/// The mappings: every field veille indexes or stores, under its veille
/// name.
///
/// The display fields `title`, `lead` and `body` are kept in `_source` but
/// not indexed; `copy_to` fills the neutral and exact fields from them
/// (stored, since copied values are not in `_source` and the highlighter
/// needs the text). The per-language fields are sent in each document, to
/// the fields of its language only.
fn mappings() -> Value {
    let neutral_title = format!("title_{NEUTRAL_SUFFIX}");
    let neutral_body = format!("body_{NEUTRAL_SUFFIX}");
    let mut properties = Map::new();
    let keyword = || json!({ "type": "keyword" });
    let keyword_and_text = || {
        json!({
            "type": "keyword",
            "fields": { "text": { "type": "text", "analyzer": analysis::NEUTRAL } },
        })
    };
    properties.insert("id".into(), keyword());
    properties.insert("url".into(), keyword());
    properties.insert("lang".into(), keyword());
    properties.insert("langs".into(), keyword());
    properties.insert("path".into(), keyword());
    properties.insert("source".into(), keyword_and_text());
    properties.insert("tags".into(), keyword_and_text());
    properties.insert("lang_confidence".into(), json!({ "type": "float" }));
    properties.insert(
        "date".into(),
        json!({ "type": "date", "format": "strict_date_optional_time||epoch_second" }),
    );
    properties.insert(
        "title".into(),
        json!({ "type": "text", "index": false, "copy_to": [neutral_title, "title_exact"] }),
    );
    for display in ["lead", "body"] {
        properties.insert(
            display.into(),
            json!({ "type": "text", "index": false, "copy_to": [neutral_body, "body_exact"] }),
        );
    }
    let copied = |analyzer: &str| json!({ "type": "text", "analyzer": analyzer, "store": true });
    properties.insert(neutral_title, copied(analysis::NEUTRAL));
    properties.insert(neutral_body, copied(analysis::NEUTRAL));
    properties.insert("title_exact".into(), copied(analysis::EXACT));
    properties.insert("body_exact".into(), copied(analysis::EXACT));
    for language in lang::chained() {
        let analyzer = analysis::tokenizer_name(language);
        for prefix in ["title", "body"] {
            properties.insert(
                format!("{prefix}_{}", language.code),
                json!({ "type": "text", "analyzer": analyzer }),
            );
        }
    }
    json!({ "dynamic": "strict", "properties": properties })
}

/// The body of `PUT /<index>`: settings (shards, analysis) and mappings.
pub fn settings(shards: u32) -> Value {
    json!({
        "settings": {
            "index": { "number_of_shards": shards },
            "analysis": analysis(),
        },
        "mappings": mappings(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chained_language_has_an_analyzer_and_two_fields() {
        let s = settings(1);
        for language in lang::chained() {
            let name = analysis::tokenizer_name(language);
            assert!(s["settings"]["analysis"]["analyzer"][&name].is_object());
            for prefix in ["title", "body"] {
                let field = &s["mappings"]["properties"][format!("{prefix}_{}", language.code)];
                assert_eq!(field["analyzer"], name.as_str());
            }
        }
    }

    #[test]
    fn stemmers_exist_for_most_languages() {
        let stemmed = lang::chained()
            .filter(|l| l.opensearch.stemmer.is_some())
            .count();
        assert!(stemmed >= 24, "{stemmed}");
        let filters = &settings(1)["settings"]["analysis"]["filter"];
        assert_eq!(filters["veille_fr_stem"]["language"], "French");
        assert!(filters.get("veille_pl_stem").is_none());
        assert_eq!(filters["veille_el_lowercase"]["language"], "greek");
    }

    #[test]
    fn index_names() {
        assert!(check_index_name("veille").is_ok());
        assert!(check_index_name("news-2024.v2_a").is_ok());
        for bad in ["", "Veille", "_x", "-x", "a b", "a/b", "a*", "a'b", "é"] {
            assert!(check_index_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_index_name(&"a".repeat(256)).is_err());
    }
}
