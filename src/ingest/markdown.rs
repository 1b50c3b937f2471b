//! Markdown articles, as static-site generators and note apps store them.
//!
//! The metadata lives in a front matter block (YAML between `---` lines or
//! TOML between `+++` lines); the text is Markdown. We only need the words,
//! never the layout, so a small line-based stripper removes the markup
//! (heading marks, emphasis, link and image syntax) instead of a full
//! CommonMark renderer followed by an HTML-to-text pass. It is not exact on
//! corner cases, which costs nothing for indexing and snippets.

use super::date::parse_date_or_warn;
use super::txt::paragraphs;
use super::{clean, push_tag, push_tag_list, Parsed, Skip};
use crate::ingest::article::Article;

/// How far to look for a closing bracket or backtick run on one line. Keeps
/// a pathological line (`[[[[...`) linear instead of quadratic.
const MAX_LOOKAHEAD: usize = 1024;

/// Reads one article from a Markdown file.
pub fn parse(text: &str) -> Result<Parsed, Skip> {
    let mut warnings = Vec::new();
    let (front, body) = match split_front_matter(text)? {
        Some(split) => (read_front_matter(&split)?, split.body),
        None => (FrontMatter::default(), text),
    };
    let front_title = front.text(&["title"]).and_then(clean);
    let (heading, body) = to_plain_text(body, front_title.as_deref());
    let title = front_title.or(heading);
    let mut tags = Vec::new();
    match front.get(&["tags", "categories", "keywords"]) {
        Some(Value::List(list)) => list.iter().for_each(|t| push_tag(&mut tags, t)),
        Some(Value::Text(list)) => push_tag_list(&mut tags, list),
        None => {}
    }
    let date = front.text(&["date", "published"]).and_then(|d| {
        let line = front.line_of(&["date", "published"]);
        parse_date_or_warn(d, line, &mut warnings)
    });
    let article = Article {
        id: front.text(&["id"]).and_then(clean),
        title,
        lead: front.text(&["summary", "description"]).and_then(clean),
        body,
        url: front.text(&["url", "link"]).and_then(clean),
        date,
        source: front.text(&["source"]).and_then(clean),
        lang: front.text(&["lang", "language"]).and_then(clean),
        tags,
    };
    Ok(Parsed::one(article, warnings))
}

/// The kinds of front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Yaml,
    Toml,
}

/// A file cut at its front matter.
struct Split<'a> {
    syntax: Syntax,
    /// The front matter between the delimiter lines; it starts on line 2.
    content: &'a str,
    /// What follows the closing delimiter.
    body: &'a str,
}

/// Finds a front matter block at the very start of the file.
fn split_front_matter(text: &str) -> Result<Option<Split<'_>>, Skip> {
    let first_end = text.find('\n').unwrap_or(text.len());
    let syntax = match text[..first_end].trim_end() {
        "---" => Syntax::Yaml,
        "+++" => Syntax::Toml,
        _ => return Ok(None),
    };
    let content_start = (first_end + 1).min(text.len());
    let mut offset = content_start;
    for line in text[content_start..].split_inclusive('\n') {
        let closes = matches!(
            (syntax, line.trim_end()),
            (Syntax::Yaml, "---" | "...") | (Syntax::Toml, "+++")
        );
        if closes {
            return Ok(Some(Split {
                syntax,
                content: &text[content_start..offset],
                body: &text[offset + line.len()..],
            }));
        }
        offset += line.len();
    }
    Err(Skip::Parse {
        line: Some(1),
        message: format!("front matter opened by '{}' is never closed", &text[..3]),
    })
}

/// A front matter value, reduced to what articles need.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    List(Vec<String>),
}

/// Front matter keys (lower-cased) and values, in file order, with the
/// raw text to find the line of a key.
#[derive(Debug, Default)]
struct FrontMatter<'a> {
    fields: Vec<(String, Value)>,
    content: &'a str,
}

impl FrontMatter<'_> {
    /// The value of the first key of `names` present.
    fn get(&self, names: &[&str]) -> Option<&Value> {
        names.iter().find_map(|name| {
            self.fields
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value)
        })
    }

    /// The text value of the first key of `names` present.
    fn text(&self, names: &[&str]) -> Option<&str> {
        match self.get(names)? {
            Value::Text(text) => Some(text),
            Value::List(_) => None,
        }
    }

    /// The file line where one of `names` is set, if it can be found.
    fn line_of(&self, names: &[&str]) -> Option<usize> {
        self.content
            .lines()
            .position(|line| {
                let line = line.trim_start().to_ascii_lowercase();
                names.iter().any(|name| {
                    line.strip_prefix(name)
                        .is_some_and(|rest| rest.trim_start().starts_with([':', '=']))
                })
            })
            // Line 1 is the opening delimiter.
            .map(|i| i + 2)
    }
}

/// Parses the front matter, with the file line of any error.
fn read_front_matter<'a>(split: &Split<'a>) -> Result<FrontMatter<'a>, Skip> {
    let fields = match split.syntax {
        Syntax::Yaml => yaml_fields(split.content)?,
        Syntax::Toml => toml_fields(split.content)?,
    };
    Ok(FrontMatter {
        fields,
        content: split.content,
    })
}

fn yaml_fields(content: &str) -> Result<Vec<(String, Value)>, Skip> {
    use serde_yaml_ng::Value as Yaml;
    let yaml: Yaml = serde_yaml_ng::from_str(content).map_err(|e| Skip::Parse {
        line: e.location().map(|l| l.line() + 1),
        message: format!("front matter: {e}"),
    })?;
    fn scalar(value: &Yaml) -> Option<String> {
        match value {
            Yaml::String(s) => Some(s.clone()),
            Yaml::Number(n) => Some(n.to_string()),
            Yaml::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
    let mapping = match yaml {
        Yaml::Mapping(mapping) => mapping,
        Yaml::Null => return Ok(Vec::new()),
        _ => {
            return Err(Skip::Parse {
                line: Some(2),
                message: "front matter is not a list of keys and values".to_owned(),
            })
        }
    };
    let mut fields = Vec::new();
    for (key, value) in &mapping {
        let Some(key) = scalar(key) else { continue };
        let value = match value {
            Yaml::Sequence(items) => Value::List(items.iter().filter_map(scalar).collect()),
            other => match scalar(other) {
                Some(text) => Value::Text(text),
                None => continue,
            },
        };
        fields.push((key.to_lowercase(), value));
    }
    Ok(fields)
}

fn toml_fields(content: &str) -> Result<Vec<(String, Value)>, Skip> {
    use toml::Value as Toml;
    let table: toml::Table = toml::from_str(content).map_err(|e| Skip::Parse {
        line: e.span().map(|span| {
            let start = span.start.min(content.len());
            content.as_bytes()[..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 2
        }),
        message: format!("front matter: {}", e.message().trim()),
    })?;
    fn scalar(value: &Toml) -> Option<String> {
        match value {
            Toml::String(s) => Some(s.clone()),
            Toml::Integer(i) => Some(i.to_string()),
            Toml::Float(f) => Some(f.to_string()),
            Toml::Boolean(b) => Some(b.to_string()),
            Toml::Datetime(d) => Some(d.to_string()),
            Toml::Array(_) | Toml::Table(_) => None,
        }
    }
    let mut fields = Vec::new();
    for (key, value) in &table {
        let value = match value {
            Toml::Array(items) => Value::List(items.iter().filter_map(scalar).collect()),
            other => match scalar(other) {
                Some(text) => Value::Text(text),
                None => continue,
            },
        };
        fields.push((key.to_lowercase(), value));
    }
    Ok(fields)
}

/// Converts Markdown into plain paragraphs.
///
/// Without a `title` (from front matter), the first level-1 heading is taken
/// out and returned as the title; with one, that heading is only removed
/// when it repeats the title.
fn to_plain_text(markdown: &str, title: Option<&str>) -> (Option<String>, String) {
    let mut heading = None;
    let mut first_h1_seen = false;
    let mut out = String::with_capacity(markdown.len());
    // The fence character and length of the open code block, if any.
    let mut fence: Option<(char, usize)> = None;
    for line in markdown.lines() {
        if let Some((c, len)) = fence {
            if fence_marker(line)
                .is_some_and(|(c2, len2, rest)| c2 == c && len2 >= len && rest.trim().is_empty())
            {
                fence = None;
                out.push('\n');
            } else {
                out.push_str(line.trim_end());
                out.push('\n');
            }
            continue;
        }
        if let Some((c, len, _info)) = fence_marker(line) {
            fence = Some((c, len));
            out.push('\n');
            continue;
        }
        let trimmed = line.trim();
        if is_rule(trimmed) || is_reference_definition(trimmed) {
            out.push('\n');
            continue;
        }
        if let Some((level, text)) = atx_heading(trimmed) {
            let text = strip_inline(text);
            if level == 1 && !first_h1_seen {
                first_h1_seen = true;
                match title {
                    None => {
                        heading = clean(&text);
                        continue;
                    }
                    Some(title) if title == text.trim() => continue,
                    Some(_) => {}
                }
            }
            out.push('\n');
            out.push_str(&text);
            out.push_str("\n\n");
            continue;
        }
        let text = strip_inline(&strip_block_markers(trimmed));
        out.push_str(text.trim());
        out.push('\n');
    }
    (heading, paragraphs(&out))
}

/// An opening or closing code fence: its character, length and the rest
/// of the line (the info string).
fn fence_marker(line: &str) -> Option<(char, usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let line = &line[indent..];
    let c = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = line.len() - line.trim_start_matches(c).len();
    (len >= 3).then(|| (c, len, &line[len..]))
}

/// A thematic break (`---`, `***`, `___`) or a setext underline (`===`).
fn is_rule(line: &str) -> bool {
    let Some(c) = line.chars().next() else {
        return false;
    };
    if !matches!(c, '-' | '*' | '_' | '=') {
        return false;
    }
    let count = line.chars().filter(|&x| x == c).count();
    line.chars().all(|x| x == c || x == ' ') && (count >= 3 || c == '=')
}

/// A link reference definition: `[label]: https://...`.
fn is_reference_definition(line: &str) -> bool {
    line.starts_with('[')
        && line
            .find("]:")
            .is_some_and(|i| i > 1 && !line[i + 2..].trim().is_empty())
}

/// An ATX heading (`## Title ##`): its level and text.
fn atx_heading(line: &str) -> Option<(usize, &str)> {
    let level = line.len() - line.trim_start_matches('#').len();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &line[level..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    let text = rest.trim();
    let text = text.trim_end_matches('#');
    // Closing hashes need a space before them (`# C#` keeps its hash).
    let text = if text.len() < rest.trim().len() && !text.is_empty() && !text.ends_with(' ') {
        rest.trim()
    } else {
        text.trim()
    };
    Some((level, text))
}

/// Removes blockquote markers, list bullets, task boxes and table pipes.
fn strip_block_markers(line: &str) -> String {
    let mut line = line;
    while let Some(rest) = line.strip_prefix('>') {
        line = rest.trim_start();
    }
    if let Some(rest) = line
        .strip_prefix("- ")
        .or_else(|| line.strip_prefix("* "))
        .or_else(|| line.strip_prefix("+ "))
    {
        line = rest.trim_start();
    } else {
        let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if (1..=9).contains(&digits) {
            if let Some(rest) = line[digits..]
                .strip_prefix(". ")
                .or_else(|| line[digits..].strip_prefix(") "))
            {
                line = rest.trim_start();
            }
        }
    }
    for task in ["[ ] ", "[x] ", "[X] "] {
        if let Some(rest) = line.strip_prefix(task) {
            line = rest;
        }
    }
    if line.starts_with('|') {
        let is_separator = line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '));
        if is_separator {
            return String::new();
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        return cells.join(" ");
    }
    line.to_owned()
}

/// Removes inline markup from one line: emphasis, code backticks, links
/// (keeping their text), images, inline HTML tags and escapes.
///
/// A single left-to-right pass: link text is not re-parsed recursively; the
/// closing `](url)` of each link is remembered on a stack and skipped when
/// reached, so nesting depth costs no stack.
fn strip_inline(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    // Pending link ends: (index of `]`, index just after the destination).
    let mut link_ends: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if let Some(&(close, after)) = link_ends.last() {
            if i == close {
                link_ends.pop();
                i = after;
                continue;
            }
        }
        let c = chars[i];
        match c {
            '\\' if chars.get(i + 1).is_some_and(|n| n.is_ascii_punctuation()) => {
                out.push(chars[i + 1]);
                i += 2;
            }
            '`' => {
                let run = count_run(&chars, i, '`');
                match find_run(&chars, i + run, '`', run) {
                    Some(end) => {
                        let code: String = chars[i + run..end].iter().collect();
                        out.push_str(code.trim());
                        i = end + run;
                    }
                    None => {
                        out.extend(&chars[i..i + run]);
                        i += run;
                    }
                }
            }
            '!' if chars.get(i + 1) == Some(&'[') => match link_at(&chars, i + 1) {
                // Images carry no article text.
                Some((_, after)) => i = after,
                None => {
                    out.push('!');
                    i += 1;
                }
            },
            '[' => match link_at(&chars, i) {
                Some(end) => {
                    link_ends.push(end);
                    i += 1;
                }
                None => {
                    out.push('[');
                    i += 1;
                }
            },
            '<' => match inline_tag(&chars, i) {
                Some((end, autolink)) => {
                    if autolink {
                        out.extend(&chars[i + 1..end]);
                    }
                    i = end + 1;
                }
                None => {
                    out.push('<');
                    i += 1;
                }
            },
            '*' | '_' | '~' => {
                let run = count_run(&chars, i, c);
                let before = i.checked_sub(1).map(|j| chars[j]);
                let after = chars.get(i + run).copied();
                let space_before = before.is_none_or(char::is_whitespace);
                let space_after = after.is_none_or(char::is_whitespace);
                let is_delimiter = match c {
                    // Intra-word underscores are part of names (snake_case).
                    '_' => {
                        let intraword = before.is_some_and(char::is_alphanumeric)
                            && after.is_some_and(char::is_alphanumeric);
                        !(space_before && space_after || intraword)
                    }
                    '~' => run >= 2 && !(space_before && space_after),
                    _ => !(space_before && space_after),
                };
                if !is_delimiter {
                    out.extend(&chars[i..i + run]);
                }
                i += run;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    collapse_spaces(&out)
}

/// Collapses runs of spaces left where markup was removed.
fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    out
}

/// How many times `c` repeats from `start`.
fn count_run(chars: &[char], start: usize, c: char) -> usize {
    chars[start..].iter().take_while(|&&x| x == c).count()
}

/// The start of the next run of exactly `len` times `c`, within reach.
fn find_run(chars: &[char], from: usize, c: char, len: usize) -> Option<usize> {
    let end = chars.len().min(from.saturating_add(MAX_LOOKAHEAD));
    let mut i = from;
    while i < end {
        if chars[i] == c {
            let run = count_run(chars, i, c);
            if run == len {
                return Some(i);
            }
            i += run;
        } else {
            i += 1;
        }
    }
    None
}

/// A link or image starting with the `[` at `open`: `[text](dest)` or
/// `[text][ref]`. Returns the index of the closing `]` and the index just
/// after the destination.
fn link_at(chars: &[char], open: usize) -> Option<(usize, usize)> {
    let close = matching(chars, open, '[', ']')?;
    match chars.get(close + 1) {
        Some('(') => Some((close, matching(chars, close + 1, '(', ')')? + 1)),
        Some('[') => Some((close, matching(chars, close + 1, '[', ']')? + 1)),
        _ => None,
    }
}

/// The index of the bracket closing the one at `open`, within reach.
fn matching(chars: &[char], open: usize, left: char, right: char) -> Option<usize> {
    let end = chars.len().min(open.saturating_add(MAX_LOOKAHEAD));
    let mut depth = 0usize;
    let mut i = open;
    while i < end {
        match chars[i] {
            '\\' => i += 1,
            c if c == left => depth += 1,
            c if c == right => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// An inline HTML tag or autolink starting at the `<` at `open`: the index
/// of its `>`, and whether it is an autolink (whose text is kept).
fn inline_tag(chars: &[char], open: usize) -> Option<(usize, bool)> {
    let next = *chars.get(open + 1)?;
    if !(next.is_ascii_alphabetic() || next == '/' || next == '!') {
        return None;
    }
    let end = open
        + 1
        + chars[open + 1..]
            .iter()
            .take(MAX_LOOKAHEAD)
            .position(|&c| c == '>')?;
    let inner: String = chars[open + 1..end].iter().collect();
    let autolink = !inner.contains(' ') && (inner.contains("://") || inner.contains('@'));
    Some((end, autolink))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Warning;

    fn body(markdown: &str) -> String {
        to_plain_text(markdown, None).1
    }

    #[test]
    fn yaml_front_matter() {
        let md = "---\n\
            title: \"L’IA générative en 2024\"\n\
            date: 2024-03-05\n\
            link: https://example.fr/ia\n\
            source: Le Blog\n\
            language: fr\n\
            tags: [IA, LLM]\n\
            id: abc-123\n\
            description: Ce qu’il faut savoir.\n\
            ---\n\
            # L’IA générative en 2024\n\n\
            C’est **l’année** des _modèles_ ouverts.\n";
        let parsed = parse(md).unwrap();
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let a = &parsed.articles[0];
        assert_eq!(a.title.as_deref(), Some("L’IA générative en 2024"));
        assert_eq!(
            a.date.map(|d| d.to_rfc3339()).as_deref(),
            Some("2024-03-05T00:00:00+00:00")
        );
        assert_eq!(a.url.as_deref(), Some("https://example.fr/ia"));
        assert_eq!(a.source.as_deref(), Some("Le Blog"));
        assert_eq!(a.lang.as_deref(), Some("fr"));
        assert_eq!(a.tags, vec!["IA", "LLM"]);
        assert_eq!(a.id.as_deref(), Some("abc-123"));
        assert_eq!(a.lead.as_deref(), Some("Ce qu’il faut savoir."));
        assert_eq!(a.body, "C’est l’année des modèles ouverts.");
    }

    #[test]
    fn toml_front_matter_with_comma_tags_and_native_date() {
        let md = "+++\n\
            title = \"Rust’s async story\"\n\
            date = 2024-03-05T10:30:00Z\n\
            tags = \"rust, async\"\n\
            lang = \"en\"\n\
            summary = \"Where it stands.\"\n\
            +++\n\
            Body text.\n";
        let a = &parse(md).unwrap().articles[0];
        assert_eq!(a.title.as_deref(), Some("Rust’s async story"));
        assert_eq!(
            a.date.map(|d| d.to_rfc3339()).as_deref(),
            Some("2024-03-05T10:30:00+00:00")
        );
        assert_eq!(a.tags, vec!["rust", "async"]);
        assert_eq!(a.lang.as_deref(), Some("en"));
        assert_eq!(a.lead.as_deref(), Some("Where it stands."));
        assert_eq!(a.body, "Body text.");
    }

    #[test]
    fn first_heading_is_the_title_without_front_matter() {
        let md = "Intro line.\n\n# Le titre\n\nLe texte.\n\n# Autre section\n";
        let a = &parse(md).unwrap().articles[0];
        assert_eq!(a.title.as_deref(), Some("Le titre"));
        assert_eq!(a.body, "Intro line.\n\nLe texte.\n\nAutre section");
    }

    #[test]
    fn heading_different_from_front_matter_title_stays() {
        let md = "---\ntitle: Front\n---\n# Heading\n\nText.\n";
        let a = &parse(md).unwrap().articles[0];
        assert_eq!(a.title.as_deref(), Some("Front"));
        assert_eq!(a.body, "Heading\n\nText.");
    }

    #[test]
    fn malformed_yaml_front_matter_reports_its_line() {
        let md = "---\ntitle: ok\ntags: [a, b\ndate: x\n---\nText\n";
        match parse(md).unwrap_err() {
            Skip::Parse { line, message } => {
                assert!(matches!(line, Some(3..=5)), "{line:?}");
                assert!(message.starts_with("front matter:"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn malformed_toml_front_matter_reports_its_line() {
        let md = "+++\ntitle = \"ok\"\ndate = = 3\n+++\nText\n";
        assert!(matches!(
            parse(md).unwrap_err(),
            Skip::Parse { line: Some(3), .. }
        ));
    }

    #[test]
    fn unclosed_front_matter_is_a_parse_error() {
        assert_eq!(
            parse("---\ntitle: x\nno end\n").unwrap_err(),
            Skip::Parse {
                line: Some(1),
                message: "front matter opened by '---' is never closed".into()
            }
        );
    }

    #[test]
    fn unparsable_front_matter_date_warns_with_line() {
        let parsed = parse("---\ntitle: T\ndate: le 5 mars\n---\nx\n").unwrap();
        assert_eq!(
            parsed.warnings,
            vec![Warning {
                line: Some(3),
                message: "unparsable date 'le 5 mars'".into()
            }]
        );
    }

    #[test]
    fn inline_markup_is_stripped() {
        assert_eq!(
            body("Voir [la doc](https://doc.rs \"titre\") et ![logo](logo.png) ici."),
            "Voir la doc et ici."
        );
        assert_eq!(
            body("**gras**, *italique*, ~~barré~~, `code_inline`"),
            "gras, italique, barré, code_inline"
        );
        assert_eq!(
            body("snake_case and 2 * 3 and a_b_c"),
            "snake_case and 2 * 3 and a_b_c"
        );
        assert_eq!(
            body("[![badge](b.svg)](https://ci) [ref link][1]\n\n[1]: https://x"),
            "ref link"
        );
        assert_eq!(
            body("Escaped \\*stars\\* and <https://rust-lang.org>"),
            "Escaped *stars* and https://rust-lang.org"
        );
        assert_eq!(
            body("Some <span class=\"x\">inline</span> html, a < b"),
            "Some inline html, a < b"
        );
        assert_eq!(body("[not a link] [x]"), "[not a link] [x]");
    }

    #[test]
    fn block_markup_is_stripped_and_code_kept() {
        let md = "## Section ##\n\n> Une citation\n> sur deux lignes\n\n- un\n- deux\n1. trois\n\n---\n\n\
                  ```rust\nlet x = a*b; // *not* emphasis\n```\n\n| a | b |\n|---|:-:|\n| c | d |\n\nTitre\n=====\nFin.";
        assert_eq!(
            body(md),
            "Section\n\nUne citation\nsur deux lignes\n\nun\ndeux\ntrois\n\n\
             let x = a*b; // *not* emphasis\n\na b\n\nc d\n\nTitre\n\nFin."
        );
    }

    #[test]
    fn pathological_brackets_stay_fast() {
        let line = "[".repeat(100_000) + &"]".repeat(100_000);
        let out = body(&line);
        assert_eq!(out.len(), 200_000);
        let nested = "[a](b)".repeat(10_000);
        assert_eq!(body(&nested), "a".repeat(10_000));
    }
}
