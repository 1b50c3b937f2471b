//! Invariants shared by the parser targets.

#![allow(dead_code)]

use std::path::Path;

use veille::ingest::{self, Parsed, Skip, MAX_ARTICLE_TEXT_BYTES};
use veille::Article;

/// Parses `bytes` as if read from a file with `extension`, checks what every
/// parser promises, and returns the result for target-specific checks.
pub fn parse_checked(extension: &str, bytes: &[u8]) -> Result<Parsed, Skip> {
    let name = format!("fuzz.{extension}");
    let result = ingest::parse(Path::new(&name), bytes);
    match &result {
        Ok(parsed) => check_parsed(parsed),
        Err(skip) => check_skip(skip),
    }
    // The display strings are what the indexer logs: they must not panic.
    let _ = result.as_ref().map_err(|s| s.to_string());
    result
}

/// What holds for every successful parse.
pub fn check_parsed(parsed: &Parsed) {
    // `ingest::parse` turns "nothing at all" into `Skip::Empty`.
    assert!(
        !(parsed.articles.is_empty() && parsed.warnings.is_empty()),
        "Ok with neither article nor warning"
    );
    for warning in &parsed.warnings {
        let _ = warning.to_string();
        if let Some(line) = warning.line {
            assert!(line >= 1, "warning lines are 1-based: {warning:?}");
        }
    }
    for article in &parsed.articles {
        check_article(article);
    }
}

/// What holds for every article: text within the cap, and something to index.
pub fn check_article(article: &Article) {
    assert!(!article.is_empty(), "empty article kept: {article:?}");
    assert!(article.body.len() <= MAX_ARTICLE_TEXT_BYTES);
    for field in [&article.title, &article.lead].into_iter().flatten() {
        assert!(field.len() <= MAX_ARTICLE_TEXT_BYTES);
    }
    for tag in &article.tags {
        assert!(!tag.trim().is_empty(), "blank tag in {:?}", article.tags);
    }
    // Articles are serialised into the store and the export formats.
    serde_json::to_string(article).expect("article serialises");
}

/// Skips are reported to the user: they must format.
pub fn check_skip(skip: &Skip) {
    let _ = skip.to_string();
    if let Skip::Parse {
        line: Some(line), ..
    } = skip
    {
        assert!(*line >= 1, "parse error lines are 1-based: {skip:?}");
    }
}

/// No carriage return survives decoding (CRLF and lone CR become LF).
pub fn assert_no_cr(article: &Article) {
    for field in [
        Some(&article.body),
        article.title.as_ref(),
        article.lead.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        assert!(!field.contains('\r'), "CR left in {field:?}");
    }
}
