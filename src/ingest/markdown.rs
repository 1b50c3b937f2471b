//! Markdown articles, as static-site generators and note apps store them.
//!
//! pulldown-cmark parses the whole file. Its metadata-block options give
//! the front matter (YAML between `---` lines, TOML between `+++` lines) as
//! the first event, read here with serde_yaml_ng or toml; the article's
//! text is what its text and code events carry, so markup is gone and HTML
//! entities are decoded. Block boundaries become line or paragraph breaks.
//! The first level-1 heading, ATX (`# Title`) or setext (`Title` over
//! `===`), is the title when the front matter gives none.

use std::iter::Peekable;

use pulldown_cmark::{
    Event, HeadingLevel, MetadataBlockKind, OffsetIter, Options, Parser, Tag, TagEnd,
};
use serde_json::Value;

use super::fields::{self, clean, Fields};
use super::html::html_to_text;
use super::txt::paragraphs;
use super::{Parsed, Skip};
use crate::ingest::article::Article;

/// Front matter blocks, and the GitHub extensions whose markup would
/// otherwise be left in the text (table pipes, `~~`, task boxes).
const OPTIONS: Options = Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
    .union(Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS)
    .union(Options::ENABLE_TABLES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS);

// The front matter keys read, by field.
const ID: &[&str] = &["id"];
const TITLE: &[&str] = &["title"];
const LEAD: &[&str] = &["summary", "description"];
const URL: &[&str] = &["url", "link"];
const DATE: &[&str] = &["date", "published"];
const SOURCE: &[&str] = &["source"];
const LANG: &[&str] = &["lang", "language"];
const TAGS: &[&str] = &["tags", "categories", "keywords"];

/// Reads one article from a Markdown file.
pub fn parse(text: &str) -> Result<Parsed, Skip> {
    let mut events = Parser::new_ext(text, OPTIONS).into_offset_iter().peekable();
    let front = FrontMatter::read(text, &mut events)?;
    let title = fields::text(&front.fields, TITLE);
    let (heading, body) = plain_text(events.map(|(event, _)| event), title.as_deref());
    let mut warnings = Vec::new();
    let text = |names: &[&str]| fields::text(&front.fields, names);
    let article = Article {
        id: text(ID),
        title: title.or(heading),
        lead: text(LEAD),
        body,
        url: text(URL),
        date: fields::date(&front.fields, DATE, front.line_of(DATE), &mut warnings),
        source: text(SOURCE),
        lang: text(LANG),
        tags: fields::tags(&front.fields, TAGS),
    };
    Ok(Parsed::one(article, warnings))
}

/// The front matter: its fields, and its text to find the line of a key.
#[derive(Debug, Default)]
struct FrontMatter {
    fields: Fields,
    content: String,
}

impl FrontMatter {
    /// Takes the front matter off the start of the events, if the file
    /// opens with one.
    ///
    /// pulldown-cmark only reads a block that is closed, not empty, and
    /// whose first line is not blank; other such lines are Markdown (a rule,
    /// then text). A block that is never closed is an error, as the
    /// article's metadata would otherwise end up in its text.
    fn read(text: &str, events: &mut Peekable<OffsetIter<'_>>) -> Result<FrontMatter, Skip> {
        let kind = match events.peek() {
            Some((Event::Start(Tag::MetadataBlock(kind)), range)) if range.start == 0 => *kind,
            _ => return unclosed(text).map_or(Ok(FrontMatter::default()), Err),
        };
        let mut content = String::new();
        for (event, _) in events.by_ref().skip(1) {
            match event {
                Event::Text(line) => content.push_str(&line),
                Event::End(_) => break,
                _ => {}
            }
        }
        let fields = match kind {
            MetadataBlockKind::YamlStyle => yaml_fields(&content)?,
            MetadataBlockKind::PlusesStyle => toml_fields(&content)?,
        };
        Ok(FrontMatter { fields, content })
    }

    /// The file line where the first of `names` is set, if it can be found.
    /// A scan of the text, because serde_yaml_ng gives no position for a
    /// value that parsed.
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

/// The error for a file whose first line opens a front matter that no line
/// closes.
fn unclosed(text: &str) -> Option<Skip> {
    let mut lines = text.lines();
    let open = lines.next()?.trim_end();
    if !matches!(open, "---" | "+++") {
        return None;
    }
    let closed = lines
        .map(str::trim_end)
        .any(|line| line == open || (open == "---" && line == "..."));
    (!closed).then(|| Skip::Parse {
        line: Some(1),
        message: format!("front matter opened by '{open}' is never closed"),
    })
}

/// Parses a YAML front matter into fields, with the file line of an error.
fn yaml_fields(content: &str) -> Result<Fields, Skip> {
    use serde_yaml_ng::Value as Yaml;
    let yaml: Yaml = serde_yaml_ng::from_str(content).map_err(|e| Skip::Parse {
        // The front matter starts on line 2.
        line: e.location().map(|l| l.line() + 1),
        message: format!("front matter: {e}"),
    })?;
    let mapping = match yaml {
        Yaml::Mapping(mapping) => mapping,
        Yaml::Null => return Ok(Fields::new()),
        _ => {
            return Err(Skip::Parse {
                line: Some(2),
                message: "front matter is not a list of keys and values".to_owned(),
            })
        }
    };
    fn scalar(value: &Yaml) -> Option<String> {
        match value {
            Yaml::String(s) => Some(s.clone()),
            Yaml::Number(n) => Some(n.to_string()),
            Yaml::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
    fn list(value: &Yaml) -> Option<&[Yaml]> {
        value.as_sequence().map(Vec::as_slice)
    }
    let entries = mapping.iter().filter_map(|(k, v)| Some((scalar(k)?, v)));
    Ok(to_fields(entries, scalar, list))
}

/// Parses a TOML front matter into fields, with the file line of an error.
fn toml_fields(content: &str) -> Result<Fields, Skip> {
    use toml::Value as Toml;
    let table: toml::Table = toml::from_str(content).map_err(|e| Skip::Parse {
        line: e.span().map(|span| {
            let before = &content.as_bytes()[..span.start.min(content.len())];
            // Lines before the error, and the opening delimiter.
            before.iter().filter(|&&b| b == b'\n').count() + 2
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
    fn list(value: &Toml) -> Option<&[Toml]> {
        value.as_array().map(Vec::as_slice)
    }
    Ok(to_fields(
        table.iter().map(|(k, v)| (k.clone(), v)),
        scalar,
        list,
    ))
}

/// Turns front matter entries into fields: a scalar (string, number,
/// boolean, date) as its text, a list as the texts of its scalars. Other
/// values (nested tables) carry nothing an article uses and are left out.
fn to_fields<'a, V: 'a>(
    entries: impl Iterator<Item = (String, &'a V)>,
    scalar: fn(&V) -> Option<String>,
    list: fn(&V) -> Option<&[V]>,
) -> Fields {
    let mut fields = Fields::new();
    for (key, value) in entries {
        let value = match list(value) {
            Some(items) => {
                Value::Array(items.iter().filter_map(scalar).map(Value::String).collect())
            }
            None => match scalar(value) {
                Some(text) => Value::String(text),
                None => continue,
            },
        };
        fields.entry(key).or_insert(value);
    }
    fields
}

/// The break due between two pieces of text, from the weakest.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Break {
    #[default]
    None,
    Space,
    Line,
    Paragraph,
}

/// The body text being built from the events.
#[derive(Default)]
struct PlainText {
    out: String,
    /// The break due before the next text, written only if text follows.
    due: Break,
    /// Inside a code block: text is kept as written.
    verbatim: bool,
}

impl PlainText {
    fn brk(&mut self, brk: Break) {
        self.due = self.due.max(brk);
    }

    fn push(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if !self.out.is_empty() {
            match self.due {
                Break::None => {}
                Break::Space => self.out.push(' '),
                Break::Line => self.out.push('\n'),
                Break::Paragraph => self.out.push_str("\n\n"),
            }
        }
        self.due = Break::None;
        if self.verbatim {
            self.out.push_str(text);
            return;
        }
        // Spaces collapse, as where an image or a tag was left out.
        for c in text.chars() {
            if c != ' ' || !(self.out.is_empty() || self.out.ends_with([' ', '\n'])) {
                self.out.push(c);
            }
        }
    }
}

/// Converts the Markdown events into plain paragraphs.
///
/// Without a `title` (from front matter), the first level-1 heading of the
/// document (not one inside a quote or a list) is taken out and returned as
/// the title; with one, that heading is only removed when it repeats the
/// title.
fn plain_text<'a>(
    events: impl Iterator<Item = Event<'a>>,
    title: Option<&str>,
) -> (Option<String>, String) {
    let mut text = PlainText::default();
    let mut heading = None;
    let mut first_h1_seen = false;
    // Where the first level-1 heading starts in the text, while it is read.
    let mut h1_start = None;
    // Depth of quotes and lists, and of images (whose text is left out).
    let mut nested = 0usize;
    let mut images = 0usize;
    // The HTML block being read, converted as a whole when it ends.
    let mut html: Option<String> = None;
    for event in events {
        match event {
            Event::Text(s) | Event::Code(s) if images == 0 => text.push(&s),
            Event::Html(s) => html.get_or_insert_with(String::new).push_str(&s),
            Event::SoftBreak | Event::HardBreak => text.brk(Break::Line),
            Event::Rule => text.brk(Break::Paragraph),
            Event::Start(tag) => {
                let tag = TagEnd::from(tag);
                text.brk(block_break(&tag));
                match tag {
                    TagEnd::Heading(HeadingLevel::H1) if nested == 0 && !first_h1_seen => {
                        first_h1_seen = true;
                        h1_start = Some(text.out.len());
                    }
                    TagEnd::BlockQuote(_) | TagEnd::List(_) => nested += 1,
                    TagEnd::CodeBlock | TagEnd::MetadataBlock(_) => text.verbatim = true,
                    TagEnd::Image => images += 1,
                    _ => {}
                }
            }
            Event::End(end) => {
                match end {
                    TagEnd::Heading(_) => {
                        if let Some(start) = h1_start.take() {
                            let h1 = text.out[start..].trim();
                            let take = match title {
                                None => {
                                    heading = clean(h1);
                                    true
                                }
                                Some(title) => title == h1,
                            };
                            if take {
                                text.out.truncate(start);
                            }
                        }
                    }
                    TagEnd::BlockQuote(_) | TagEnd::List(_) => nested -= 1,
                    TagEnd::CodeBlock | TagEnd::MetadataBlock(_) => text.verbatim = false,
                    TagEnd::Image => images -= 1,
                    TagEnd::HtmlBlock => {
                        text.brk(Break::Paragraph);
                        text.push(&html_to_text(&html.take().unwrap_or_default()));
                    }
                    _ => {}
                }
                text.brk(block_break(&end));
            }
            _ => {}
        }
    }
    (heading, paragraphs(&text.out))
}

/// The break an element asks for around it.
fn block_break(tag: &TagEnd) -> Break {
    match tag {
        TagEnd::Paragraph
        | TagEnd::Heading(_)
        | TagEnd::BlockQuote(_)
        | TagEnd::CodeBlock
        | TagEnd::HtmlBlock
        | TagEnd::MetadataBlock(_)
        | TagEnd::Table
        | TagEnd::TableHead => Break::Paragraph,
        TagEnd::List(_) | TagEnd::Item | TagEnd::TableRow => Break::Line,
        TagEnd::TableCell => Break::Space,
        _ => Break::None,
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{expect, Warning};
    use serde_json::json;

    fn body(markdown: &str) -> String {
        plain_text(Parser::new_ext(markdown, OPTIONS), None).1
    }

    /// The title and body of a file's article.
    fn read(markdown: &str) -> (Option<String>, String) {
        let article = parse(markdown).unwrap().articles.remove(0);
        (article.title, article.body)
    }

    fn titled(title: &str, body: &str) -> (Option<String>, String) {
        (Some(title.to_owned()), body.to_owned())
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
        let article = json!({
            "id": "abc-123", "title": "L’IA générative en 2024",
            "lead": "Ce qu’il faut savoir.", "body": "C’est l’année des modèles ouverts.",
            "url": "https://example.fr/ia", "date": "2024-03-05T00:00:00Z",
            "source": "Le Blog", "lang": "fr", "tags": ["IA", "LLM"],
        });
        expect::single(parse(md).unwrap(), article);
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
        let article = json!({
            "title": "Rust’s async story", "lead": "Where it stands.", "body": "Body text.",
            "date": "2024-03-05T10:30:00Z", "lang": "en", "tags": ["rust", "async"],
        });
        expect::single(parse(md).unwrap(), article);
    }

    #[test]
    fn front_matter_scalars_lists_and_tables() {
        let md = "+++\nid = 12\ndraft = true\ntags = [\"a\", 1, { x = 1 }]\n\
                  [extra]\ntitle = \"nested\"\n+++\nx\n";
        let article = json!({"id": "12", "body": "x", "tags": ["a", "1"]});
        expect::single(parse(md).unwrap(), article);
        let md =
            "---\ncategories:\n  - un\n  - deux\nsummary: ''\ndescription: Le chapeau\n---\nx\n";
        let article = json!({"lead": "Le chapeau", "body": "x", "tags": ["un", "deux"]});
        expect::single(parse(md).unwrap(), article);
    }

    #[test]
    fn first_heading_is_the_title_without_front_matter() {
        assert_eq!(
            read("Intro line.\n\n# Le titre\n\nLe texte.\n\n# Autre section\n"),
            titled("Le titre", "Intro line.\n\nLe texte.\n\nAutre section")
        );
    }

    #[test]
    fn heading_different_from_front_matter_title_stays() {
        assert_eq!(
            read("---\ntitle: Front\n---\n# Heading\n\nText.\n"),
            titled("Front", "Heading\n\nText.")
        );
    }

    #[test]
    fn setext_heading_is_the_title_like_atx() {
        assert_eq!(
            read("Le titre\n========\n\nLe texte.\n\nSection\n-------\n\nFin.\n"),
            titled("Le titre", "Le texte.\n\nSection\n\nFin.")
        );
        assert_eq!(
            read("---\ntitle: Le titre\n---\nLe titre\n===\n\nTexte.\n"),
            titled("Le titre", "Texte.")
        );
    }

    #[test]
    fn a_heading_inside_a_quote_or_list_is_not_the_title() {
        assert_eq!(
            read("> # Cité\n\n- # Point\n\n# Titre\n\nTexte.\n"),
            titled("Titre", "Cité\n\nPoint\n\nTexte.")
        );
    }

    #[test]
    fn front_matter_only_at_the_very_start() {
        // Further down, such a block is text.
        assert_eq!(
            read("Intro.\n\n---\ntitle: pas un titre\n---\n\nFin.\n"),
            (None, "Intro.\n\ntitle: pas un titre\n\nFin.".to_owned())
        );
        // An empty block is no front matter, and no error either.
        assert_eq!(read("---\n---\nTexte.\n"), (None, "Texte.".to_owned()));
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
    fn yaml_that_is_not_a_mapping_is_an_error() {
        assert_eq!(
            parse("---\n- a\n- b\n---\nx\n").unwrap_err(),
            Skip::Parse {
                line: Some(2),
                message: "front matter is not a list of keys and values".into()
            }
        );
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
        for (markdown, text) in [
            (
                "Voir [la doc](https://doc.rs \"titre\") et ![logo](logo.png) ici.",
                "Voir la doc et ici.",
            ),
            (
                "**gras**, *italique*, ~~barré~~, `code_inline`",
                "gras, italique, barré, code_inline",
            ),
            (
                "snake_case and 2 * 3 and a_b_c",
                "snake_case and 2 * 3 and a_b_c",
            ),
            (
                "[![badge](b.svg)](https://ci) [ref link][1]\n\n[1]: https://x",
                "ref link",
            ),
            (
                "Escaped \\*stars\\* and <https://rust-lang.org>",
                "Escaped *stars* and https://rust-lang.org",
            ),
            (
                "Some <span class=\"x\">inline</span> html, a < b",
                "Some inline html, a < b",
            ),
            ("[not a link] [x]", "[not a link] [x]"),
        ] {
            assert_eq!(body(markdown), text, "{markdown}");
        }
    }

    #[test]
    fn entities_are_decoded_outside_code() {
        assert_eq!(
            body(
                "Caf&eacute; &amp; th&#233; &#x2014; `&amp;`\n\n<p>l&rsquo;&eacute;t&eacute;</p>\n"
            ),
            "Café & thé — &amp;\n\nl’été"
        );
    }

    #[test]
    fn block_markup_is_stripped_and_code_kept() {
        let md = "## Section ##\n\n> Une citation\n> sur deux lignes\n\n- un\n- deux\n1. trois\n\n---\n\n\
                  ```rust\nlet x = a*b; // *not* emphasis\n```\n\n| a | b |\n|---|:-:|\n| c | d |\n\n\
                  Titre\n-----\nFin.";
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
