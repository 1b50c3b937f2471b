//! JSON exports and JSON Lines dumps, the formats of scrapers and APIs.
//!
//! Every exporter names its fields differently (`body`, `text`, `content`;
//! `date`, `pubDate`, `published_at`...), so fields are looked up by a list
//! of accepted names, case-insensitively. A JSON Lines dump can hold
//! millions of articles: one bad line only costs a warning, and big files
//! are parsed on every core.

use rayon::prelude::*;
use serde_json::Value;

use super::fields::{self, clean, field, kind, Fields};
use super::html::html_to_text;
use super::{Parsed, Skip, Warning};
use crate::ingest::article::Article;

/// Above this many lines, a JSON Lines file is parsed in parallel.
const PARALLEL_LINES: usize = 2000;

/// Above this many items, the objects of a JSON array are read in parallel
/// (parsing the text itself is one serde_json call).
const PARALLEL_ITEMS: usize = 2000;

const ID: &[&str] = &["id"];
const TITLE: &[&str] = &["title", "headline"];
const BODY: &[&str] = &["body", "text", "content", "article"];
const LEAD: &[&str] = &["heading", "summary", "description", "lead"];
const URL: &[&str] = &["url", "link"];
const DATE: &[&str] = &["date", "published", "pubDate", "published_at"];
const SOURCE: &[&str] = &["source", "site"];
/// `inLanguage` is schema.org's name (JSON-LD dumps), `locale` a CMS's.
const LANG: &[&str] = &["lang", "language", "inLanguage", "locale"];
const TAGS: &[&str] = &["tags"];

/// Keys under which a wrapper object may hold its list of articles
/// (`{"articles": [...]}`).
const LIST_KEYS: &[&str] = &["articles", "items", "entries", "posts", "data", "results"];

/// Reads a `.json` file: one article object, or an array of them.
///
/// An object without text of its own that holds an array under one of
/// [`LIST_KEYS`] is read as that array.
pub fn parse_json(text: &str) -> Result<Parsed, Skip> {
    let value: Value = serde_json::from_str(text).map_err(|e| Skip::Parse {
        line: Some(e.line()),
        message: without_position(&e),
    })?;
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut object) => match take_wrapped_list(&mut object) {
            Some(items) => items,
            None => {
                let mut parsed = Parsed::default();
                push_object(&object, None, &mut parsed);
                return Ok(parsed);
            }
        },
        other => {
            return Err(Skip::Unsupported(format!(
                "JSON {} is not an article object or array",
                kind(&other)
            )))
        }
    };
    let results: Vec<Parsed> = if items.len() > PARALLEL_ITEMS {
        items
            .par_iter()
            .enumerate()
            .map(|(i, item)| parse_item(i + 1, item))
            .collect()
    } else {
        items
            .iter()
            .enumerate()
            .map(|(i, item)| parse_item(i + 1, item))
            .collect()
    };
    Ok(merge(results))
}

/// Reads item `n` (1-based) of a JSON array.
fn parse_item(n: usize, item: &Value) -> Parsed {
    let mut parsed = Parsed::default();
    match item {
        Value::Object(object) => {
            push_object(object, None, &mut parsed);
            // Array items have no line: say which item it was.
            for warning in &mut parsed.warnings {
                warning.message = format!("item {n}: {}", warning.message);
            }
        }
        other => parsed.warnings.push(Warning {
            line: None,
            message: format!("item {n}: {} is not an object", kind(other)),
        }),
    }
    parsed
}

/// Reads element `n` (1-based) of a JSON array read piece by piece, whose
/// text starts at `line`; what follows the element's value (a separator
/// read with a number) is ignored.
pub(super) fn parse_element(n: usize, line: usize, text: &str) -> Parsed {
    use serde::Deserialize;
    let mut de = serde_json::Deserializer::from_str(text);
    let mut parsed = match Value::deserialize(&mut de) {
        Ok(value) => parse_item(n, &value),
        Err(e) => Parsed {
            articles: Vec::new(),
            warnings: vec![Warning {
                line: None,
                message: format!("item {n}: malformed JSON: {}", without_position(&e)),
            }],
        },
    };
    for warning in &mut parsed.warnings {
        warning.line = Some(line);
    }
    parsed
}

/// Concatenates per-item results, in order.
fn merge(results: Vec<Parsed>) -> Parsed {
    let mut parsed = Parsed::default();
    for result in results {
        parsed.articles.extend(result.articles);
        parsed.warnings.extend(result.warnings);
    }
    parsed
}

/// Reads a `.jsonl` / `.ndjson` file: one article object per line.
///
/// Blank lines are ignored; a line that is not a JSON object with some text
/// becomes a warning and the other lines are still read.
pub fn parse_lines(text: &str) -> Parsed {
    let lines: Vec<(usize, &str)> = text
        .split('\n')
        .enumerate()
        .map(|(i, line)| (i + 1, line))
        .filter(|(_, line)| !line.trim().is_empty())
        .collect();
    let results: Vec<Parsed> = if lines.len() > PARALLEL_LINES {
        // An indexed parallel iterator: `collect` keeps the file order.
        lines
            .par_iter()
            .map(|&(n, line)| parse_line(n, line))
            .collect()
    } else {
        lines.iter().map(|&(n, line)| parse_line(n, line)).collect()
    };
    merge(results)
}

/// Parses one JSON Lines line (line number `n`).
pub(super) fn parse_line(n: usize, line: &str) -> Parsed {
    let mut parsed = Parsed::default();
    match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(object)) => push_object(&object, Some(n), &mut parsed),
        Ok(other) => parsed.warnings.push(Warning {
            line: Some(n),
            message: format!("{} is not an object", kind(&other)),
        }),
        Err(e) => parsed.warnings.push(Warning {
            line: Some(n),
            message: format!("malformed JSON: {}", without_position(&e)),
        }),
    }
    parsed
}

/// Turns an object into an article, or a warning when it has no text.
fn push_object(object: &Fields, line: Option<usize>, parsed: &mut Parsed) {
    let article = article(object, line, &mut parsed.warnings);
    parsed.push(article, line, "object");
}

/// Reads the article fields of one object.
fn article(object: &Fields, line: Option<usize>, warnings: &mut Vec<Warning>) -> Article {
    let text = |names: &[&str]| fields::text(object, names);
    Article {
        id: text(ID),
        title: text(TITLE),
        lead: field(object, LEAD).and_then(rich_text),
        body: field(object, BODY).and_then(rich_text).unwrap_or_default(),
        url: text(URL),
        date: fields::date(object, DATE, line, warnings),
        source: text(SOURCE),
        lang: text(LANG),
        tags: fields::tags(object, TAGS),
    }
}

/// Text that may be HTML, or a list of paragraphs.
fn rich_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if looks_like_html(s) => clean(&html_to_text(s)),
        Value::String(s) => clean(s),
        Value::Array(items) => {
            let paragraphs: Vec<String> = items.iter().filter_map(rich_text).collect();
            clean(&paragraphs.join("\n\n"))
        }
        _ => None,
    }
}

/// True for text that starts with a tag, or holds paragraph or line breaks.
pub(crate) fn looks_like_html(s: &str) -> bool {
    let s = s.trim_start();
    let starts_with_tag = s.strip_prefix('<').is_some_and(|rest| {
        rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '!' || c == '/')
    }) && s.contains('>');
    starts_with_tag || s.contains("</p>") || s.contains("<br")
}

/// Takes the list out of a wrapper object that has no article text of its own.
fn take_wrapped_list(object: &mut Fields) -> Option<Vec<Value>> {
    if field(object, TITLE).is_some() || field(object, BODY).is_some() {
        return None;
    }
    let key = object
        .iter()
        .find(|(key, value)| {
            value.is_array() && LIST_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
        })
        .map(|(key, _)| key.clone())?;
    match object.remove(&key) {
        Some(Value::Array(items)) => Some(items),
        _ => None,
    }
}

/// A serde_json message without its "at line L column C" suffix, which
/// would be wrong for a JSON Lines line; the column is kept.
pub(super) fn without_position(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match message.strip_suffix(&suffix) {
        Some(short) if e.column() > 0 => format!("{short} (column {})", e.column()),
        Some(short) => short.to_owned(),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::expect;
    use serde_json::json;

    #[test]
    fn one_object_with_aliases() {
        let json = r#"{
            "id": 42,
            "headline": "  L’Europe adopte l’AI Act ",
            "Text": "Le Parlement européen a voté l’AI Act.",
            "summary": "Un vote historique",
            "link": "https://example.fr/ai-act",
            "pubDate": "Wed, 13 Mar 2024 10:00:00 +0100",
            "site": "Le Journal",
            "language": "fr",
            "tags": "IA, Europe, ,IA"
        }"#;
        let article = json!({
            "id": "42", "title": "L’Europe adopte l’AI Act",
            "lead": "Un vote historique", "body": "Le Parlement européen a voté l’AI Act.",
            "url": "https://example.fr/ai-act", "date": "2024-03-13T09:00:00Z",
            "source": "Le Journal", "lang": "fr", "tags": ["IA", "Europe"],
        });
        expect::single(parse_json(json).unwrap(), article);
    }

    #[test]
    fn array_of_objects_with_html_body_and_timestamp() {
        let json = r#"[
            {"title": "Rust’s new trait solver", "content": "<p>It’s <b>fast</b>.</p><p>Really.</p>",
             "published_at": 1709634600, "tags": ["rust", "compilers"]},
            {"title": "", "body": ""},
            "not an object",
            {"title": "Second", "date": "someday"}
        ]"#;
        let parsed = parse_json(json).unwrap();
        let first = json!({
            "title": "Rust’s new trait solver", "body": "It’s fast.\n\nReally.",
            "date": "2024-03-05T10:30:00Z", "tags": ["rust", "compilers"],
        });
        let second = json!({"title": "Second"});
        assert_eq!(
            parsed.articles,
            vec![expect::article(first), expect::article(second)]
        );
        let messages: Vec<_> = parsed.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "item 2: object has no title or text",
                "item 3: a string is not an object",
                "item 4: unparsable date 'someday'",
            ]
        );
    }

    #[test]
    fn the_language_under_other_names() {
        let lang = |json: &str| parse_json(json).unwrap().articles[0].lang.clone();
        let ld = r#"{"headline": "Un", "inLanguage": "fr-FR"}"#;
        assert_eq!(lang(ld).as_deref(), Some("fr-FR"));
        let cms = r#"{"title": "Un", "locale": "fr_CA", "lang": " "}"#;
        assert_eq!(lang(cms).as_deref(), Some("fr_CA"));
    }

    #[test]
    fn wrapper_object_with_article_list() {
        let parsed = parse_json(r#"{"count": 1, "articles": [{"title": "Un"}]}"#).unwrap();
        assert_eq!(parsed.articles.len(), 1);
        assert_eq!(parsed.articles[0].title.as_deref(), Some("Un"));
    }

    #[test]
    fn malformed_json_file_is_a_parse_skip_with_line() {
        let err = parse_json("{\n  \"title\": \"x\",\n  oops\n}").unwrap_err();
        match err {
            Skip::Parse { line, message } => {
                assert_eq!(line, Some(3));
                assert!(message.starts_with("key must be a string"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn scalar_json_is_unsupported() {
        assert!(matches!(parse_json("12"), Err(Skip::Unsupported(_))));
    }

    #[test]
    fn deeply_nested_json_is_a_parse_error_not_a_crash() {
        let depth = 100_000;
        let json = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert!(matches!(parse_json(&json), Err(Skip::Parse { .. })));
        let line = format!("{{\"title\": {}{}}}", "[".repeat(depth), "]".repeat(depth));
        let parsed = parse_lines(&line);
        assert!(parsed.articles.is_empty());
        assert!(parsed.warnings[0].message.contains("recursion limit"));
    }

    #[test]
    fn jsonl_malformed_third_line_is_a_warning() {
        let jsonl = concat!(
            "{\"title\": \"Un\", \"body\": \"L’été\"}\n",
            "\n",
            "{\"title\": \"Deux\", oops}\n",
            "[1, 2]\n",
            "{\"title\": \"Trois\"}\n",
            "{\"id\": \"x\"}\n",
        );
        let parsed = parse_lines(jsonl);
        let titles: Vec<_> = parsed
            .articles
            .iter()
            .map(|a| a.title.as_deref().unwrap())
            .collect();
        assert_eq!(titles, vec!["Un", "Trois"]);
        assert_eq!(parsed.articles[0].body, "L’été");
        assert_eq!(parsed.warnings.len(), 3);
        assert_eq!(parsed.warnings[0].line, Some(3));
        assert_eq!(
            parsed.warnings[0].message,
            "malformed JSON: key must be a string (column 19)"
        );
        assert_eq!(
            parsed.warnings[1],
            Warning {
                line: Some(4),
                message: "an array is not an object".into()
            }
        );
        assert_eq!(
            parsed.warnings[2],
            Warning {
                line: Some(6),
                message: "object has no title or text".into()
            }
        );
    }

    #[test]
    fn big_jsonl_is_parsed_in_order() {
        let mut jsonl = String::new();
        for i in 0..5000 {
            if i == 1234 {
                jsonl.push_str("{broken\n");
            } else {
                jsonl.push_str(&format!("{{\"id\": {i}, \"title\": \"Article {i}\"}}\n"));
            }
        }
        let parsed = parse_lines(&jsonl);
        assert_eq!(parsed.articles.len(), 4999);
        let ids: Vec<usize> = parsed
            .articles
            .iter()
            .map(|a| a.id.as_deref().unwrap().parse().unwrap())
            .collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].line, Some(1235));
    }

    #[test]
    fn big_json_array_keeps_order() {
        let items: Vec<String> = (0..3000)
            .map(|i| format!("{{\"id\": {i}, \"title\": \"Article {i}\"}}"))
            .collect();
        let parsed = parse_json(&format!("[{}, 7]", items.join(","))).unwrap();
        assert_eq!(parsed.articles.len(), 3000);
        assert_eq!(parsed.articles[2999].id.as_deref(), Some("2999"));
        assert_eq!(
            parsed.warnings[0].message,
            "item 3001: a number is not an object"
        );
    }

    #[test]
    fn html_detection() {
        for (text, html) in [
            ("<p>Bonjour</p>", true),
            ("Ligne un<br>ligne deux", true),
            ("a < b and c > d", false),
            ("plain", false),
        ] {
            assert_eq!(looks_like_html(text), html, "{text}");
        }
    }
}
