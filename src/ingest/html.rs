//! Saved web pages: metadata from the head, the article text from the body.
//!
//! A news page is mostly not the news: menus, cookie banners, share buttons,
//! related links. This module finds the article's own text and the metadata
//! publishers put in `<meta>` tags (Open Graph, `article:*`), and turns any
//! HTML fragment into plain paragraphs for the other formats (feeds, JSON
//! bodies) through [`html_to_text`].
//!
//! Deep nesting is handled twice: the tree is walked with an explicit loop,
//! never recursion, so the stack stays flat; and tags nested beyond
//! [`MAX_DEPTH`] are removed before parsing, because html5ever scans its
//! stack of open elements for every new tag, which makes a page nested a
//! hundred thousand levels deep take minutes.

use std::borrow::Cow;

use scraper::node::Element;
use scraper::{ElementRef, Html, Node};

use super::date::parse_date_or_warn;
use super::{clean, push_tag, push_tag_list, Parsed, Warning};
use crate::ingest::article::Article;

/// The most text kept from one page or fragment, in bytes. Real articles
/// are far below; this bounds the memory a pathological page can take.
const MAX_TEXT_BYTES: usize = 4 * 1024 * 1024;

/// The deepest element nesting kept; real pages stay far below.
const MAX_DEPTH: usize = 512;

const HTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// Elements whose content is never article text.
const DROPPED: &[&str] = &[
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
    "template", "button", "select", "textarea", "object", "embed", "canvas", "dialog", "head",
    "math",
];

/// Elements that start and end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "br",
    "section",
    "blockquote",
    "pre",
    "tr",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "article",
    "main",
    "figure",
    "figcaption",
    "hr",
    "address",
    "details",
    "summary",
    "caption",
];

/// Words in a class or id that mark page furniture rather than content.
/// Whole words only (`share-buttons` yes, `shared` no), to spare real text.
const NOISE_WORDS: &[&str] = &[
    "cookie", "cookies", "consent", "banner", "share", "sharing", "related", "comment", "comments",
    "menu",
];

/// Reads one article from a whole HTML page.
pub fn parse(text: &str) -> Parsed {
    let doc = Html::parse_document(&limit_nesting(text));
    let meta = Meta::collect(&doc);
    let mut warnings = Vec::new();

    let title = first_text([meta.og_title, meta.title_tag, meta.h1]);
    let date = [meta.published_time, meta.time_datetime, meta.meta_date]
        .into_iter()
        .flatten()
        .find_map(|d| parse_date_or_warn(&d, None, &mut warnings));
    let mut tags = Vec::new();
    for tag in &meta.article_tags {
        push_tag(&mut tags, tag);
    }
    if tags.is_empty() {
        if let Some(keywords) = &meta.keywords {
            push_tag_list(&mut tags, keywords);
        }
    }

    let container = meta.article.or(meta.main).or(meta.body);
    let mut body = match container {
        Some(container) => extract(container, &mut warnings),
        None => String::new(),
    };
    if let Some(title) = &title {
        body = drop_leading_title(body, title);
    }

    let article = Article {
        id: None,
        title,
        lead: first_text([meta.description, meta.og_description]),
        body,
        url: first_text([meta.canonical, meta.og_url]),
        date,
        source: first_text([meta.site_name]),
        lang: first_text([meta.lang, meta.og_locale]),
        tags,
    };
    Parsed::one(article, warnings)
}

/// Converts an HTML fragment (a feed item, a JSON body) into plain text:
/// paragraphs separated by blank lines, whitespace collapsed, scripts,
/// styles and page furniture removed.
pub fn html_to_text(html: &str) -> String {
    let doc = Html::parse_fragment(&limit_nesting(html));
    extract(doc.root_element(), &mut Vec::new())
}

/// Metadata found in one pass over the document.
#[derive(Default)]
struct Meta<'a> {
    og_title: Option<String>,
    title_tag: Option<String>,
    h1: Option<String>,
    published_time: Option<String>,
    time_datetime: Option<String>,
    meta_date: Option<String>,
    canonical: Option<String>,
    og_url: Option<String>,
    site_name: Option<String>,
    lang: Option<String>,
    og_locale: Option<String>,
    article_tags: Vec<String>,
    keywords: Option<String>,
    description: Option<String>,
    og_description: Option<String>,
    article: Option<ElementRef<'a>>,
    main: Option<ElementRef<'a>>,
    body: Option<ElementRef<'a>>,
}

impl<'a> Meta<'a> {
    fn collect(doc: &'a Html) -> Meta<'a> {
        let root = doc.root_element();
        let mut meta = Meta {
            lang: root.attr("lang").map(str::to_owned),
            ..Meta::default()
        };
        for element in root.descendent_elements() {
            let el = element.value();
            if &*el.name.ns != HTML_NS {
                continue;
            }
            match el.name() {
                "meta" => meta.meta_tag(el),
                "title" => set_once(&mut meta.title_tag, || element.text().collect()),
                "h1" => set_once(&mut meta.h1, || element.text().collect()),
                "time" => {
                    if let Some(datetime) = el.attr("datetime") {
                        set_once(&mut meta.time_datetime, || datetime.to_owned());
                    }
                }
                "link" => {
                    let is_canonical = el.attr("rel").is_some_and(|rel| {
                        rel.split_whitespace()
                            .any(|r| r.eq_ignore_ascii_case("canonical"))
                    });
                    if is_canonical {
                        if let Some(href) = el.attr("href") {
                            set_once(&mut meta.canonical, || href.to_owned());
                        }
                    }
                }
                "article" => {
                    meta.article.get_or_insert(element);
                }
                "main" => {
                    meta.main.get_or_insert(element);
                }
                "body" => {
                    meta.body.get_or_insert(element);
                }
                _ => {}
            }
        }
        meta
    }

    /// Records a `<meta property|name=... content=...>` we care about.
    fn meta_tag(&mut self, el: &Element) {
        let Some(content) = el.attr("content") else {
            return;
        };
        let Some(key) = el.attr("property").or_else(|| el.attr("name")) else {
            return;
        };
        let slot = match key.trim().to_ascii_lowercase().as_str() {
            "og:title" => &mut self.og_title,
            "og:url" => &mut self.og_url,
            "og:site_name" => &mut self.site_name,
            "og:description" => &mut self.og_description,
            "og:locale" => &mut self.og_locale,
            "description" => &mut self.description,
            "article:published_time" => &mut self.published_time,
            "date" => &mut self.meta_date,
            "keywords" => &mut self.keywords,
            "article:tag" => {
                self.article_tags.push(content.to_owned());
                return;
            }
            _ => return,
        };
        if slot.as_deref().is_none_or(|s| s.trim().is_empty()) {
            *slot = Some(content.to_owned());
        }
    }
}

/// Fills `slot` unless it already holds non-blank text.
fn set_once(slot: &mut Option<String>, value: impl FnOnce() -> String) {
    if slot.as_deref().is_none_or(|s| s.trim().is_empty()) {
        *slot = Some(value());
    }
}

/// Extracts the readable text under `container`.
///
/// A hand-rolled depth-first walk (first child, next sibling, parent) rather
/// than recursion: the stack stays flat however deep the page, and dropped
/// elements are stepped over without visiting their content.
fn extract(container: ElementRef<'_>, warnings: &mut Vec<Warning>) -> String {
    let root = *container;
    let mut out = Paragraphs::default();
    let mut node = root;
    'walk: loop {
        // Enter `node`; go down when it is an element worth reading.
        let mut descend = false;
        match node.value() {
            Node::Text(text) => out.push_text(text),
            Node::Element(el) if node.id() == root.id() || !is_dropped(el) => {
                out.open(el.name());
                descend = true;
            }
            _ => {}
        }
        if out.is_full() {
            warnings.push(Warning {
                line: None,
                message: format!("text cut at {MAX_TEXT_BYTES} bytes"),
            });
            break;
        }
        if descend {
            match node.first_child() {
                Some(child) => {
                    node = child;
                    continue;
                }
                None => out.close_node(node.value()),
            }
        }
        // Leave `node`: on to its next sibling, or up, closing each parent.
        loop {
            if node.id() == root.id() {
                break 'walk;
            }
            if let Some(next) = node.next_sibling() {
                node = next;
                continue 'walk;
            }
            match node.parent() {
                Some(parent) => {
                    node = parent;
                    out.close_node(node.value());
                }
                None => break 'walk,
            }
        }
    }
    out.finish()
}

/// True for elements left out of the text with all their content.
fn is_dropped(el: &Element) -> bool {
    let name = el.name();
    if DROPPED.contains(&name)
        || el.attr("hidden").is_some()
        || el.attr("aria-hidden").is_some_and(|v| v.trim() == "true")
    {
        return true;
    }
    // The containers themselves often carry classes like `has-comments`.
    if matches!(name, "html" | "body" | "main" | "article") {
        return false;
    }
    let mut names = el.classes().chain(el.id());
    names.any(|n| {
        n.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| NOISE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word)))
    })
}

/// Builds paragraphs out of text and block boundaries.
#[derive(Default)]
struct Paragraphs {
    done: Vec<String>,
    current: String,
    /// A space is due before the next visible character.
    space: bool,
    /// Depth of `<pre>` elements: whitespace is kept inside.
    pre: usize,
    /// Bytes gathered so far.
    len: usize,
}

impl Paragraphs {
    fn open(&mut self, name: &str) {
        if BLOCKS.contains(&name) {
            self.flush();
        } else if matches!(name, "td" | "th" | "img") {
            self.space = true;
        }
        if name == "pre" {
            self.pre += 1;
        }
    }

    fn close(&mut self, name: &str) {
        if BLOCKS.contains(&name) {
            self.flush();
        } else if matches!(name, "td" | "th") {
            self.space = true;
        }
        if name == "pre" {
            self.pre = self.pre.saturating_sub(1);
        }
    }

    fn close_node(&mut self, node: &Node) {
        if let Node::Element(el) = node {
            self.close(el.name());
        }
    }

    fn is_full(&self) -> bool {
        self.len >= MAX_TEXT_BYTES
    }

    fn push_text(&mut self, text: &str) {
        let whole = text.len();
        let mut budget = MAX_TEXT_BYTES.saturating_sub(self.len).min(text.len());
        while !text.is_char_boundary(budget) {
            budget -= 1;
        }
        let text = &text[..budget];
        self.len += text.len();
        if text.len() < whole {
            // Cut, possibly inside a character, which leaves `len` a byte
            // or three under the cap: count it as full so that the cut is
            // reported (it was silent when it fell inside a character).
            self.len = MAX_TEXT_BYTES;
        }
        if self.pre > 0 {
            self.current.push_str(text);
            return;
        }
        for c in text.chars() {
            if c.is_whitespace() {
                self.space = true;
            } else {
                if self.space && !self.current.is_empty() {
                    self.current.push(' ');
                }
                self.space = false;
                self.current.push(c);
            }
        }
    }

    fn flush(&mut self) {
        let paragraph = std::mem::take(&mut self.current);
        self.space = false;
        let trimmed = paragraph.trim_end();
        let trimmed = trimmed.trim_start_matches(['\n', '\r']);
        if !trimmed.trim().is_empty() {
            self.done.push(trimmed.to_owned());
        }
    }

    fn finish(mut self) -> String {
        self.flush();
        self.done.join("\n\n")
    }
}

/// Elements that do not nest: void ones, and those an HTML parser closes by
/// itself when the next one starts. They don't count towards the depth.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option",
];

/// Elements whose content is raw text, not markup.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];

/// Removes start and end tags nested deeper than [`MAX_DEPTH`], keeping
/// their text. A rough scan (no attribute quoting, no implied end tags
/// beyond [`NOT_NESTING`]) is enough: it only has to bound the depth, and
/// leaves ordinary pages untouched.
fn limit_nesting(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut depth = 0usize;
    let mut excess = 0usize;
    let mut i = 0;
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b'<') {
        let start = i + offset;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(html.len(), |end| start + end + 3);
            continue;
        }
        let closing = rest.starts_with("</");
        let name_start = start + if closing { 2 } else { 1 };
        let name_len = bytes[name_start..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(bytes.len() - name_start);
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            // A `<` in text, a doctype or a processing instruction.
            i = start + 1;
            continue;
        }
        let Some(tag_len) = rest.find('>') else {
            break;
        };
        let end = start + tag_len + 1;
        i = end;
        let name = &html[name_start..name_start + name_len];
        let self_closing = bytes[end - 2] == b'/';
        if RAW_TEXT.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            // Raw text does not nest: skip to its end tag, left for the next round.
            if !closing && !self_closing {
                i = find_end_tag(html, end, name).unwrap_or(html.len());
            }
            continue;
        }
        if NOT_NESTING.iter().any(|n| n.eq_ignore_ascii_case(name)) || self_closing {
            continue;
        }
        let drop = if closing {
            if excess > 0 {
                excess -= 1;
                true
            } else {
                depth = depth.saturating_sub(1);
                false
            }
        } else if depth >= MAX_DEPTH {
            excess += 1;
            true
        } else {
            depth += 1;
            false
        };
        if drop {
            let out = out.get_or_insert_with(|| String::with_capacity(html.len()));
            out.push_str(&html[copied..start]);
            copied = end;
        }
    }
    match out {
        Some(mut out) => {
            out.push_str(&html[copied..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(html),
    }
}

/// The offset of the next `</name` at or after `from`, ignoring case.
fn find_end_tag(html: &str, from: usize, name: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut i = from;
    while let Some(offset) = html[i..].find("</") {
        let at = i + offset;
        let candidate = &bytes[at + 2..];
        if candidate.len() >= name.len()
            && candidate[..name.len()].eq_ignore_ascii_case(name.as_bytes())
        {
            return Some(at);
        }
        i = at + 2;
    }
    None
}

/// The first candidate with text, whitespace collapsed.
fn first_text<const N: usize>(candidates: [Option<String>; N]) -> Option<String> {
    candidates
        .into_iter()
        .flatten()
        .find_map(|text| clean(&collapse_whitespace(&text)))
}

/// Collapses runs of whitespace into single spaces.
fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Removes the first paragraph when it only repeats the title (the `<h1>`).
fn drop_leading_title(body: String, title: &str) -> String {
    match body.split_once("\n\n") {
        Some((first, rest)) if first == title => rest.to_owned(),
        None if body == title => String::new(),
        _ => body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html>
<html lang="fr-FR">
<head>
  <meta charset="utf-8">
  <title>L’Europe et l’IA | Le Journal</title>
  <meta property="og:title" content="L’Europe adopte l’AI Act">
  <meta property="og:site_name" content="Le Journal">
  <meta property="og:url" content="https://example.fr/og">
  <meta property="article:published_time" content="2024-03-13T09:30:00+01:00">
  <meta property="article:tag" content="IA">
  <meta property="article:tag" content="Europe">
  <meta name="keywords" content="ignored, because, article tags">
  <meta name="description" content="Le Parlement a voté.">
  <link rel="canonical" href="https://example.fr/ai-act">
  <style>body { color: red }</style>
  <script>var tracking = "nope";</script>
</head>
<body>
  <header><a href="/">Le Journal</a></header>
  <nav><ul><li>Accueil</li><li>Tech</li></ul></nav>
  <div class="cookie-banner">Nous utilisons des cookies.</div>
  <article class="post has-comments">
    <h1>L’Europe adopte l’AI Act</h1>
    <p>Le texte,   très attendu,
       entre en <em>vigueur</em> aujourd’hui.</p>
    <div class="share-buttons">Partager sur X</div>
    <p>Il s’applique<br>dès 2025.</p>
    <ul><li>Point un</li><li>Point deux</li></ul>
    <pre>fn main() {
    println!("hi");
}</pre>
    <section id="related">À lire aussi</section>
  </article>
  <aside>Publicité</aside>
  <footer>© Le Journal</footer>
</body>
</html>"#;

    #[test]
    fn page_metadata_and_main_text() {
        let parsed = parse(PAGE);
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let a = &parsed.articles[0];
        assert_eq!(a.title.as_deref(), Some("L’Europe adopte l’AI Act"));
        assert_eq!(a.source.as_deref(), Some("Le Journal"));
        assert_eq!(a.url.as_deref(), Some("https://example.fr/ai-act"));
        assert_eq!(a.lang.as_deref(), Some("fr-FR"));
        assert_eq!(a.lead.as_deref(), Some("Le Parlement a voté."));
        assert_eq!(a.tags, vec!["IA", "Europe"]);
        assert_eq!(
            a.date.map(|d| d.to_rfc3339()).as_deref(),
            Some("2024-03-13T08:30:00+00:00")
        );
        assert_eq!(
            a.body,
            "Le texte, très attendu, entre en vigueur aujourd’hui.\n\n\
             Il s’applique\n\ndès 2025.\n\n\
             Point un\n\nPoint deux\n\n\
             fn main() {\n    println!(\"hi\");\n}"
        );
    }

    #[test]
    fn fallbacks_title_time_keywords_og_url_and_body() {
        let page = r#"<html><head><title> Rust 2024 is out </title>
            <meta name="keywords" content="rust, release, ">
            <meta property="og:url" content="https://example.com/rust">
            </head><body>
            <div class="menu">Home</div>
            <p>Posted <time datetime="2024-02-20">yesterday</time>.</p>
            <p>It’s the biggest edition yet.</p>
            </body></html>"#;
        let a = &parse(page).articles[0];
        assert_eq!(a.title.as_deref(), Some("Rust 2024 is out"));
        assert_eq!(a.tags, vec!["rust", "release"]);
        assert_eq!(a.url.as_deref(), Some("https://example.com/rust"));
        assert_eq!(
            a.date.map(|d| d.to_rfc3339()).as_deref(),
            Some("2024-02-20T00:00:00+00:00")
        );
        assert_eq!(a.body, "Posted yesterday.\n\nIt’s the biggest edition yet.");
        assert_eq!(a.lang, None);
    }

    #[test]
    fn blank_metadata_falls_back() {
        let page = r#"<html lang=" "><head><meta property="og:title" content="  ">
            <meta property="og:locale" content="en_GB"><title>Real
            title</title></head><body><p>x</p></body></html>"#;
        let a = &parse(page).articles[0];
        assert_eq!(a.title.as_deref(), Some("Real title"));
        assert_eq!(a.lang.as_deref(), Some("en_GB"));
    }

    #[test]
    fn h1_as_title_is_dropped_from_body_and_main_is_used() {
        let page = "<body><div>outside</div><main><h1>Titre</h1><p>Texte.</p></main></body>";
        let a = &parse(page).articles[0];
        assert_eq!(a.title.as_deref(), Some("Titre"));
        assert_eq!(a.body, "Texte.");
    }

    #[test]
    fn svg_title_is_not_the_page_title() {
        let page = "<body><svg><title>icon</title></svg><h1>Real</h1><p>x</p></body>";
        let a = &parse(page).articles[0];
        assert_eq!(a.title.as_deref(), Some("Real"));
    }

    #[test]
    fn unparsable_date_warns() {
        let page =
            r#"<head><meta name="date" content="mardi dernier"></head><body><p>x</p></body>"#;
        let parsed = parse(page);
        assert_eq!(parsed.articles[0].date, None);
        assert_eq!(
            parsed.warnings[0].message,
            "unparsable date 'mardi dernier'"
        );
    }

    #[test]
    fn empty_page_has_no_article() {
        assert!(parse("<html><body><script>x()</script></body></html>")
            .articles
            .is_empty());
    }

    #[test]
    fn fragment_to_text() {
        assert_eq!(
            html_to_text("<p>Hello &amp; <b>welcome</b></p><p>l&#8217;été</p><script>x</script>"),
            "Hello & welcome\n\nl’été"
        );
        assert_eq!(html_to_text("plain text"), "plain text");
        assert_eq!(html_to_text(""), "");
    }

    #[test]
    fn deeply_nested_divs_do_not_overflow() {
        let depth = 100_000;
        let mut page = String::from("<html><body>");
        page.push_str(&"<div>".repeat(depth));
        page.push_str("deep text");
        page.push_str(&"</div>".repeat(depth));
        page.push_str("</body></html>");
        let parsed = parse(&page);
        assert_eq!(parsed.articles[0].body, "deep text");
        assert!(html_to_text(&page).contains("deep text"));
    }

    #[test]
    fn nesting_limit_keeps_text_and_ordinary_pages() {
        assert!(matches!(limit_nesting(PAGE), Cow::Borrowed(_)));
        let deep = format!(
            "{}<p>a < b</p><script>if (x <div) {{}}</script>{}",
            "<div><span>".repeat(MAX_DEPTH),
            "</span></div>".repeat(MAX_DEPTH)
        );
        let limited = limit_nesting(&deep);
        assert!(limited.len() < deep.len());
        assert!(limited.contains("<p>a < b</p><script>if (x <div) {}</script>"));
        assert_eq!(
            limited.matches("<div>").count() + limited.matches("<span>").count(),
            MAX_DEPTH
        );
        assert_eq!(
            limited.matches("</div>").count() + limited.matches("</span>").count(),
            MAX_DEPTH
        );
        let flat = "<ul><li>one<li>two</ul><br><img src=x><p>x<p>y".repeat(1000);
        assert!(matches!(limit_nesting(&flat), Cow::Borrowed(_)));
    }

    #[test]
    fn huge_text_is_capped() {
        let page = format!("<p>{}</p>", "mot ".repeat(MAX_TEXT_BYTES / 2));
        let mut warnings = Vec::new();
        let text = extract(Html::parse_fragment(&page).root_element(), &mut warnings);
        assert!(text.len() <= MAX_TEXT_BYTES + 16);
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn a_cut_inside_a_character_is_reported() {
        // The cap falls in the middle of an `é`: the cut text is a byte
        // short of the cap, and must still be reported.
        let page = format!("<p>a{}</p>", "é".repeat(MAX_TEXT_BYTES / 2));
        let mut warnings = Vec::new();
        let text = extract(Html::parse_fragment(&page).root_element(), &mut warnings);
        assert_eq!(text.len(), MAX_TEXT_BYTES - 1);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }
}
