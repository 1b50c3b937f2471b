//! Article metadata looked up by name, shared by the formats that carry it.
//!
//! A JSON object and a Markdown front matter hold the same metadata under
//! names that change from one tool to the next (`url` or `link`, `date` or
//! `published`). Both are read as a JSON map, so that one set of rules says
//! which name wins, what counts as blank, and how tags and dates are read.
//! The text helpers ([`clean`], [`push_tag`]) serve every format.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::date::parse_date_or_warn;
use super::Warning;

/// Metadata as keys and values (a JSON object, or a front matter turned into one).
pub(super) type Fields = Map<String, Value>;

/// The value of the first of `names` present (ignoring ASCII case) and not
/// null or blank.
pub(super) fn field<'a>(fields: &'a Fields, names: &[&str]) -> Option<&'a Value> {
    names.iter().find_map(|name| {
        let value = fields.get(*name).or_else(|| {
            fields
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| value)
        })?;
        match value {
            Value::Null => None,
            Value::String(s) if s.trim().is_empty() => None,
            _ => Some(value),
        }
    })
}

/// The first of `names` present, as trimmed text.
pub(super) fn text(fields: &Fields, names: &[&str]) -> Option<String> {
    field(fields, names).and_then(scalar_text)
}

/// A string or a number as trimmed text.
pub(super) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => clean(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The date under the first of `names` present, with a warning at `line`
/// when it is there but unreadable.
pub(super) fn date(
    fields: &Fields,
    names: &[&str],
    line: Option<usize>,
    warnings: &mut Vec<Warning>,
) -> Option<DateTime<Utc>> {
    match field(fields, names)? {
        Value::String(s) => parse_date_or_warn(s, line, warnings),
        Value::Number(n) => parse_date_or_warn(&n.to_string(), line, warnings),
        other => {
            warnings.push(Warning {
                line,
                message: format!("unparsable date ({})", kind(other)),
            });
            None
        }
    }
}

/// The tags under the first of `names` present: a list, or one string of
/// comma-separated tags.
pub(super) fn tags(fields: &Fields, names: &[&str]) -> Vec<String> {
    let mut tags = Vec::new();
    match field(fields, names) {
        Some(Value::Array(items)) => {
            for tag in items.iter().filter_map(scalar_text) {
                push_tag(&mut tags, &tag);
            }
        }
        Some(Value::String(list)) => push_tag_list(&mut tags, list),
        _ => {}
    }
    tags
}

/// The kind of a JSON value, for messages.
pub(super) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Trims a text field; an empty one is no value.
pub(super) fn clean(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// Adds a tag once, trimmed, ignoring empty ones.
pub(super) fn push_tag(tags: &mut Vec<String>, tag: &str) {
    if let Some(tag) = clean(tag) {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
}

/// Adds the tags of a comma-separated list (`"rust, IA, cloud"`).
pub(super) fn push_tag_list(tags: &mut Vec<String>, list: &str) {
    for tag in list.split(',') {
        push_tag(tags, tag);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(value: Value) -> Fields {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn first_present_non_blank_name_wins_ignoring_case() {
        let f = fields(json!({"Link": "https://b", "url": "  ", "id": 7, "x": null}));
        assert_eq!(text(&f, &["url", "link"]).as_deref(), Some("https://b"));
        assert_eq!(text(&f, &["id"]).as_deref(), Some("7"));
        assert_eq!(text(&f, &["x", "missing"]), None);
    }

    #[test]
    fn tags_from_a_list_or_a_comma_string() {
        let f = fields(json!({"tags": ["a", 2, "a", " ", {"no": 1}], "keywords": "x, y,,x"}));
        assert_eq!(tags(&f, &["tags"]), vec!["a", "2"]);
        assert_eq!(tags(&f, &["keywords"]), vec!["x", "y"]);
        assert!(tags(&f, &["none"]).is_empty());
    }

    #[test]
    fn dates_warn_at_the_given_line() {
        let f = fields(json!({"date": "hier", "ts": 1709634600, "list": [1]}));
        let mut warnings = Vec::new();
        assert_eq!(date(&f, &["date"], Some(3), &mut warnings), None);
        assert!(date(&f, &["ts"], None, &mut warnings).is_some());
        assert_eq!(date(&f, &["list"], None, &mut warnings), None);
        let messages: Vec<_> = warnings.iter().map(|w| (w.line, &*w.message)).collect();
        assert_eq!(
            messages,
            vec![
                (Some(3), "unparsable date 'hier'"),
                (None, "unparsable date (an array)")
            ]
        );
    }
}
