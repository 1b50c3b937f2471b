//! The readable text under an element: paragraphs out of block elements,
//! whitespace collapsed, page furniture left out.
//!
//! A news page is mostly not the news: menus, cookie banners, share
//! buttons, related links. Those are recognised by their element or by a
//! word in their class or id, and skipped with all their content.

use ego_tree::iter::Edge;
use scraper::node::Element;
use scraper::{ElementRef, Node};

use crate::ingest::{Warning, MAX_ARTICLE_TEXT_BYTES};

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

/// Extracts the readable text under `container`, at most
/// [`MAX_ARTICLE_TEXT_BYTES`] of it (with a warning when cut).
///
/// The tree's own traversal (open and close edges, no recursion) keeps the
/// stack flat however deep the page; the content of a dropped element is
/// passed over until the element closes.
pub(super) fn extract(container: ElementRef<'_>, warnings: &mut Vec<Warning>) -> String {
    let root = container.id();
    let mut out = Paragraphs::default();
    // The dropped element being passed over, if any.
    let mut skipping = None;
    for edge in container.traverse() {
        match edge {
            Edge::Open(node) if skipping.is_none() => match node.value() {
                Node::Text(text) => out.push_text(text),
                Node::Element(el) if node.id() == root || !is_dropped(el) => out.open(el.name()),
                Node::Element(_) => skipping = Some(node.id()),
                _ => {}
            },
            Edge::Close(node) => match (skipping, node.value()) {
                (Some(id), _) if id == node.id() => skipping = None,
                (None, Node::Element(el)) => out.close(el.name()),
                _ => {}
            },
            Edge::Open(_) => {}
        }
        if out.is_full() {
            warnings.push(Warning {
                line: None,
                message: format!("text cut at {MAX_ARTICLE_TEXT_BYTES} bytes"),
            });
            break;
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

    fn is_full(&self) -> bool {
        self.len >= MAX_ARTICLE_TEXT_BYTES
    }

    fn push_text(&mut self, text: &str) {
        let whole = text.len();
        let mut budget = MAX_ARTICLE_TEXT_BYTES
            .saturating_sub(self.len)
            .min(text.len());
        while !text.is_char_boundary(budget) {
            budget -= 1;
        }
        let text = &text[..budget];
        self.len += text.len();
        if text.len() < whole {
            // Cut, possibly inside a character, which leaves `len` a byte
            // or three under the cap: count it as full so that the cut is
            // reported (it was silent when it fell inside a character).
            self.len = MAX_ARTICLE_TEXT_BYTES;
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

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    fn text(html: &str) -> String {
        extract(Html::parse_fragment(html).root_element(), &mut Vec::new())
    }

    #[test]
    fn blocks_cells_and_pre() {
        assert_eq!(
            text("<div>a<p>b</p>c<br>d</div><table><tr><td>e</td><td>f</td></tr></table>"),
            "a\n\nb\n\nc\n\nd\n\ne f"
        );
        assert_eq!(text("<pre>  x\n  y</pre>z"), "  x\n  y\n\nz");
    }

    #[test]
    fn furniture_is_skipped_with_its_content() {
        assert_eq!(
            text(
                "<p>keep</p><div class=\"share-bar\"><p>no</p></div><p hidden>no</p>\
                 <div class=\"shared\">kept</div><script>no()</script><p>end</p>"
            ),
            "keep\n\nkept\n\nend"
        );
    }

    #[test]
    fn huge_text_is_capped() {
        let page = format!("<p>{}</p>", "mot ".repeat(MAX_ARTICLE_TEXT_BYTES / 2));
        let mut warnings = Vec::new();
        let text = extract(Html::parse_fragment(&page).root_element(), &mut warnings);
        assert!(text.len() <= MAX_ARTICLE_TEXT_BYTES + 16);
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn a_cut_inside_a_character_is_reported() {
        // The cap falls in the middle of an `é`: the cut text is a byte
        // short of the cap, and must still be reported.
        let page = format!("<p>a{}</p>", "é".repeat(MAX_ARTICLE_TEXT_BYTES / 2));
        let mut warnings = Vec::new();
        let text = extract(Html::parse_fragment(&page).root_element(), &mut warnings);
        assert_eq!(text.len(), MAX_ARTICLE_TEXT_BYTES - 1);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }
}
