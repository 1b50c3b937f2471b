//! Helpers of the command-line tests beyond the shared fixture: writing a
//! JSON Lines file of articles, reading the highlights of a hit.

use serde_json::{json, Value};

use crate::common::Fixture;

/// Writes `docs/articles.jsonl` in `f`, one article per
/// `(id, lang, title, body)`, and indexes it.
pub fn index_articles(f: &Fixture, articles: &[(&str, &str, &str, &str)]) {
    let lines: Vec<String> = articles
        .iter()
        .map(|(id, lang, title, body)| {
            json!({"id": id, "lang": lang, "title": title, "body": body}).to_string()
        })
        .collect();
    f.write("docs/articles.jsonl", lines.join("\n") + "\n");
    f.index().ok();
}

/// The text of every highlighted span of a hit's snippets.
pub fn highlighted(hit: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for s in hit["snippets"].as_array().unwrap() {
        let text = s["text"].as_str().unwrap();
        for h in s["highlights"].as_array().unwrap() {
            let a = h[0].as_u64().unwrap() as usize;
            let b = h[1].as_u64().unwrap() as usize;
            out.push(text[a..b].to_string());
        }
    }
    out
}

/// Asserts that `query` finds exactly one article in `idx/`, and that
/// `mark` is among its highlights.
#[track_caller]
pub fn one_hit_marking(f: &Fixture, query: &str, mark: &str) {
    let hits = f.search(query, &[]);
    assert_eq!(hits.len(), 1, "{query}");
    let marks = highlighted(&hits[0]);
    assert!(marks.iter().any(|m| m == mark), "{query}: {marks:?}");
}
