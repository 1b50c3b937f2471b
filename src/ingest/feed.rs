//! RSS and Atom feeds: many articles per file, each with its metadata.
//!
//! feed-rs reads RSS 0.9x/1.0 (RDF)/2.0 and Atom into one model. An `.xml`
//! file may be anything, so the root element is checked first, and a file
//! that is not a feed is reported as unsupported rather than as broken.
//!
//! An entry's language is the one the feed declares for it, else for the
//! whole feed. feed-rs reads RSS's `<language>` and Atom's `xml:lang` on
//! the feed and on an entry's content; [`declared_languages`] finds the
//! other places publishers put it (`xml:lang` on an RSS root or channel or
//! on an entry itself, Dublin Core's `<dc:language>` in a channel or item).
//!
//! Unlike JSON Lines and JSON arrays (see `dump`), a feed is read whole:
//! feed-rs builds the whole feed at once and has no entry-by-entry reader,
//! and cutting the XML into entries ourselves would be a second XML parser
//! beside it. Feeds stay under the size limit of a file (`--max-file-size`),
//! which also bounds each of their entries; no larger limit is given to
//! them, since a feed held whole, parsed, takes several times its size and
//! would break the memory budget. Feeds are rarely over a megabyte.

use feed_rs::model::{Content, Entry, Feed, Text};
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

use super::fields::{clean, push_tag};
use super::html::html_to_text;
use super::{Parsed, Skip};
use crate::ingest::article::Article;

/// Reads every entry of an RSS or Atom feed.
pub fn parse(text: &str) -> Result<Parsed, Skip> {
    let root = root_element(text)
        .filter(|root| matches!(local_name(root.name), "rss" | "feed" | "RDF"))
        .ok_or_else(|| Skip::Unsupported("not an RSS or Atom feed".to_owned()))?;
    let xml = prepare(text, &root);
    // Ids come from the feed or not at all: feed-rs would otherwise invent
    // one by hashing the link and title.
    let parser = feed_rs::parser::Builder::new()
        .id_generator(|_, _, _| String::new())
        .build();
    let feed = parser.parse(xml.as_bytes()).map_err(|e| Skip::Parse {
        line: None,
        message: e.to_string(),
    })?;
    let mut declared = declared_languages(&xml);
    // Entries are matched in order; a count that differs (a document the
    // two readers see differently) gives up the entries' own.
    if declared.entries.len() != feed.entries.len() {
        declared.entries.clear();
    }
    Ok(articles(&feed, &declared))
}

/// Turns the entries of a parsed feed into articles.
fn articles(feed: &Feed, declared: &Declared) -> Parsed {
    let mut parsed = Parsed::default();
    let source = feed.title.as_ref().and_then(text_of);
    for (i, entry) in feed.entries.iter().enumerate() {
        let own = declared.entries.get(i).and_then(Option::as_deref);
        let lang = [own, entry.language.as_deref()]
            .into_iter()
            .chain([feed.language.as_deref(), declared.feed.as_deref()])
            .flatten()
            .find_map(clean);
        let article = article(entry, source.as_deref(), lang);
        parsed.push(article, None, &format!("entry {}", i + 1));
    }
    parsed
}

/// The languages a feed declares in the places feed-rs does not read.
#[derive(Debug, Default, PartialEq)]
struct Declared {
    /// For the whole feed.
    feed: Option<String>,
    /// For each entry or item, in order.
    entries: Vec<Option<String>>,
}

/// Reads the `xml:lang` attributes of the feed's root, channel and entries
/// and the `<language>` elements (`<dc:language>` included) of the channel
/// and entries. Reading stops at the first error, keeping what it found.
fn declared_languages(xml: &str) -> Declared {
    let mut reader = Reader::from_str(xml);
    let mut out = Declared::default();
    let mut depth = 0usize;
    // The depth of the entry being read, if any.
    let mut entry_depth: Option<usize> = None;
    let mut in_language = false;
    loop {
        let (element, is_start) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, true),
            Ok(Event::Empty(e)) => (e, false),
            Ok(Event::Text(text)) if in_language => {
                let text = text.xml10_content().trim().to_owned();
                let slot = match entry_depth {
                    Some(_) => out.entries.last_mut().expect("an entry is open"),
                    None => &mut out.feed,
                };
                if slot.is_none() && !text.is_empty() {
                    *slot = Some(text);
                }
                continue;
            }
            Ok(Event::End(_)) => {
                depth = depth.saturating_sub(1);
                in_language = false;
                if entry_depth == Some(depth) {
                    entry_depth = None;
                }
                continue;
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => continue,
        };
        let xml_lang = element
            .attributes()
            .flatten()
            .find(|a| a.key.into_inner() == "xml:lang")
            .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok())
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty());
        match element.local_name().into_inner() {
            "item" | "entry" if entry_depth.is_none() => {
                out.entries.push(xml_lang);
                if is_start {
                    entry_depth = Some(depth);
                }
            }
            "rss" | "channel" | "feed" | "RDF" if entry_depth.is_none() && out.feed.is_none() => {
                out.feed = xml_lang;
            }
            "language" => in_language = is_start,
            _ => {}
        }
        if is_start {
            depth += 1;
        }
    }
    out
}

/// The article of an entry, in the language `lang` the feed declares.
fn article(entry: &Entry, source: Option<&str>, lang: Option<String>) -> Article {
    let content = entry.content.as_ref().and_then(content_text);
    let summary = entry.summary.as_ref().and_then(text_of);
    let (body, lead) = match content {
        Some(content) => (content, summary),
        None => (summary.unwrap_or_default(), None),
    };
    let url = entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or_else(|| entry.links.first())
        .and_then(|l| clean(&l.href));
    let mut tags = Vec::new();
    for category in &entry.categories {
        push_tag(
            &mut tags,
            category.label.as_deref().unwrap_or(&category.term),
        );
    }
    Article {
        id: clean(&entry.id),
        title: entry.title.as_ref().and_then(text_of),
        lead,
        body,
        url,
        date: entry.published.or(entry.updated),
        source: source.map(str::to_owned),
        lang,
        tags,
    }
}

/// The plain text of a feed text construct (plain, HTML or XHTML).
fn text_of(text: &Text) -> Option<String> {
    convert(&text.content, text.content_type.as_str())
}

/// The plain text of an entry's content, when it is inline text.
fn content_text(content: &Content) -> Option<String> {
    let body = content.body.as_deref()?;
    convert(body, content.content_type.as_str())
}

fn convert(text: &str, content_type: &str) -> Option<String> {
    if content_type.contains("html") || content_type.ends_with("xml") {
        clean(&html_to_text(text))
    } else {
        clean(text)
    }
}

/// The start tag of the document's root element.
struct Root<'a> {
    /// Its qualified name (`rss`, `rdf:RDF`).
    name: &'a str,
    /// Byte range of the whole start tag.
    start: usize,
    end: usize,
}

/// Finds the root element, skipping the XML declaration, processing
/// instructions, comments and the doctype.
fn root_element(text: &str) -> Option<Root<'_>> {
    let mut i = 0;
    loop {
        let rest = text[i..].trim_start();
        i = text.len() - rest.len();
        if rest.starts_with("<?") {
            i += rest.find("?>")? + 2;
        } else if rest.starts_with("<!--") {
            i += rest.find("-->")? + 3;
        } else if rest.starts_with("<!") {
            // A doctype, possibly with an internal subset in brackets.
            let end = match (rest.find('['), rest.find('>')) {
                (Some(open), Some(close)) if open < close => rest.find("]>")? + 2,
                (_, Some(close)) => close + 1,
                _ => return None,
            };
            i += end;
        } else if let Some(tag) = rest.strip_prefix('<') {
            let name_len = tag
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(tag.len());
            let end = i + rest.find('>')? + 1;
            return Some(Root {
                name: &tag[..name_len],
                start: i,
                end,
            });
        } else {
            return None;
        }
    }
}

/// The name without its namespace prefix.
fn local_name(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, local)| local)
}

/// Prepares the decoded text for feed-rs.
///
/// The XML declaration is removed: the text is UTF-8 by now, and feed-rs
/// would otherwise decode it a second time with the declared encoding. An
/// RSS root without a version feed-rs knows gets `version="2.0"`, which is
/// what such feeds are in practice.
fn prepare(text: &str, root: &Root<'_>) -> String {
    let tag = &text[root.start..root.end];
    let mut xml = String::with_capacity(text.len() + 16);
    xml.push_str(without_declaration(&text[..root.start]));
    if local_name(root.name) == "rss" && !has_known_rss_version(tag) {
        let without_version = remove_attribute(tag, "version");
        let name_end = 1 + root.name.len();
        xml.push_str(&without_version[..name_end]);
        xml.push_str(" version=\"2.0\"");
        xml.push_str(&without_version[name_end..]);
    } else {
        xml.push_str(tag);
    }
    xml.push_str(&text[root.end..]);
    xml
}

/// The prolog without its `<?xml ...?>` declaration.
fn without_declaration(prolog: &str) -> &str {
    let rest = prolog.trim_start();
    let is_declaration = rest
        .strip_prefix("<?xml")
        .is_some_and(|after| after.starts_with(char::is_whitespace) || after.starts_with("?>"));
    match rest.find("?>") {
        Some(end) if is_declaration => &rest[end + 2..],
        _ => prolog,
    }
}

fn has_known_rss_version(tag: &str) -> bool {
    ["2.0", "0.91", "0.92"].iter().any(|v| {
        tag.contains(&format!("version=\"{v}\"")) || tag.contains(&format!("version='{v}'"))
    })
}

/// The tag with one `name="..."` attribute removed, if present.
fn remove_attribute(tag: &str, name: &str) -> String {
    for quote in ['"', '\''] {
        let pattern = format!(" {name}={quote}");
        if let Some(start) = tag.find(&pattern) {
            let value_start = start + pattern.len();
            if let Some(len) = tag[value_start..].find(quote) {
                return format!("{}{}", &tag[..start], &tag[value_start + len + 1..]);
            }
        }
    }
    tag.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{expect, Warning};
    use serde_json::json;

    const RSS: &str = r#"<?xml version="1.0" encoding="ISO-8859-1"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>Le Journal Tech</title>
    <link>https://example.fr</link>
    <language>fr-FR</language>
    <item>
      <title>L’Europe adopte l’AI Act</title>
      <link>https://example.fr/ai-act</link>
      <guid isPermaLink="false">urn:article:1</guid>
      <pubDate>Wed, 13 Mar 2024 10:00:00 +0100</pubDate>
      <category>IA</category>
      <category>Europe</category>
      <description>&lt;p&gt;Un vote &lt;b&gt;historique&lt;/b&gt;.&lt;/p&gt;</description>
      <content:encoded><![CDATA[<p>Le Parlement a voté.</p><p>C’est fait.</p>]]></content:encoded>
    </item>
    <item>
      <title>Sans contenu</title>
      <description>Juste un résumé.</description>
    </item>
    <item>
      <link>https://example.fr/vide</link>
    </item>
  </channel>
</rss>"#;

    #[test]
    fn rss_items_become_articles() {
        let parsed = parse(RSS).unwrap();
        // feed-rs lower-cases the language.
        let first = json!({
            "id": "urn:article:1", "title": "L’Europe adopte l’AI Act",
            "lead": "Un vote historique.", "body": "Le Parlement a voté.\n\nC’est fait.",
            "url": "https://example.fr/ai-act", "date": "2024-03-13T09:00:00Z",
            "source": "Le Journal Tech", "lang": "fr-fr", "tags": ["IA", "Europe"],
        });
        let second = json!({
            "title": "Sans contenu", "body": "Juste un résumé.",
            "source": "Le Journal Tech", "lang": "fr-fr",
        });
        assert_eq!(
            parsed.articles,
            vec![expect::article(first), expect::article(second)]
        );
        assert_eq!(
            parsed.warnings,
            vec![Warning {
                line: None,
                message: "entry 3 has no title or text".into()
            }]
        );
    }

    #[test]
    fn atom_entries_become_articles() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<!-- generated -->
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title type="text">Rust Blog</title>
  <id>urn:blog</id>
  <updated>2024-03-01T00:00:00Z</updated>
  <entry>
    <title type="html">Rust 1.77 &amp;amp; beyond</title>
    <id>urn:post:177</id>
    <link rel="alternate" href="https://blog.example/177"/>
    <updated>2024-03-21T12:00:00Z</updated>
    <category term="release" label="Release"/>
    <summary>What’s new.</summary>
    <content type="html">&lt;p&gt;C-string literals are here.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Plain</title>
    <id>urn:post:2</id>
    <updated>2024-03-22T12:00:00Z</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>XHTML body</p></div></content>
  </entry>
</feed>"#;
        let parsed = parse(atom).unwrap();
        assert!(parsed.warnings.is_empty());
        let first = json!({
            "id": "urn:post:177", "title": "Rust 1.77 & beyond",
            "lead": "What’s new.", "body": "C-string literals are here.",
            "url": "https://blog.example/177", "date": "2024-03-21T12:00:00Z",
            "source": "Rust Blog", "lang": "en", "tags": ["Release"],
        });
        assert_eq!(parsed.articles[0], expect::article(first));
        assert_eq!(parsed.articles[1].body, "XHTML body");
    }

    #[test]
    fn rdf_feed() {
        let rdf = r#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
  <channel rdf:about="https://example.org/">
    <title>Vieux flux</title>
    <link>https://example.org/</link>
    <description>RSS 1.0</description>
  </channel>
  <item rdf:about="https://example.org/1">
    <title>Premier</title>
    <link>https://example.org/1</link>
    <description>L’article un.</description>
  </item>
</rdf:RDF>"#;
        let article = json!({
            "title": "Premier", "body": "L’article un.",
            "url": "https://example.org/1", "source": "Vieux flux",
        });
        expect::single(parse(rdf).unwrap(), article);
    }

    #[test]
    fn rss_without_version_is_read_as_2_0() {
        let rss = "<rss><channel><title>T</title><item><title>Un</title></item></channel></rss>";
        let parsed = parse(rss).unwrap();
        assert_eq!(parsed.articles[0].title.as_deref(), Some("Un"));
    }

    #[test]
    fn xml_that_is_not_a_feed_is_unsupported() {
        let xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE note>\n<note><to>Tove</to></note>";
        assert_eq!(
            parse(xml).unwrap_err(),
            Skip::Unsupported("not an RSS or Atom feed".into())
        );
        assert!(matches!(parse("just text"), Err(Skip::Unsupported(_))));
    }

    #[test]
    fn broken_feed_is_a_parse_error() {
        let rss = "<rss version=\"2.0\"><channel><title>T</title><item><title>Un</item></channel>";
        assert!(matches!(parse(rss), Err(Skip::Parse { .. })));
    }

    #[test]
    fn languages_declared_where_feed_rs_does_not_look() {
        let lang = |xml: &str| -> Vec<Option<String>> {
            let parsed = parse(xml).unwrap();
            parsed.articles.into_iter().map(|a| a.lang).collect()
        };
        let some = |s: &str| Some(s.to_owned());
        // RSS: xml:lang on the channel, dc:language on an item.
        let rss = r#"<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel xml:lang="fr"><title>T</title>
    <item><title>Un</title><description>Court.</description></item>
    <item><title>Two</title><dc:language>en</dc:language></item>
  </channel></rss>"#;
        assert_eq!(lang(rss), [some("fr"), some("en")]);
        // dc:language for the channel; <language> comes first.
        let dc = r#"<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel><title>T</title><dc:language>de</dc:language>
    <item><title>Eins</title></item></channel></rss>"#;
        assert_eq!(lang(dc), [some("de")]);
        let both = dc.replace(
            "<title>T</title>",
            "<title>T</title><language>nl</language>",
        );
        assert_eq!(lang(&both), [some("nl")]);
        // Atom: xml:lang on an entry itself, the feed's for the others.
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>T</title><id>urn:t</id><updated>2024-01-01T00:00:00Z</updated>
  <entry xml:lang="fr"><title>Un</title><id>urn:1</id><updated>2024-01-01T00:00:00Z</updated></entry>
  <entry><title>Two</title><id>urn:2</id><updated>2024-01-01T00:00:00Z</updated></entry>
</feed>"#;
        assert_eq!(lang(atom), [some("fr"), some("en")]);
        // Nothing declared: nothing made up.
        let bare = "<rss><channel><title>T</title><item><title>Un</title></item></channel></rss>";
        assert_eq!(lang(bare), [None]);
        assert_eq!(
            declared_languages("<rss xml:lang=' '><channel><item/><item>"),
            Declared {
                feed: None,
                entries: vec![None, None]
            }
        );
    }

    #[test]
    fn root_detection() {
        let root = root_element(
            "\n<?xml version='1.0'?><!DOCTYPE x [ <!ENTITY a 'b'> ]><!-- c --><rdf:RDF a='1'>",
        )
        .unwrap();
        assert_eq!(root.name, "rdf:RDF");
        assert_eq!(local_name(root.name), "RDF");
        assert!(root_element("<?xml unterminated").is_none());
    }
}
