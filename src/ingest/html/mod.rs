//! Saved web pages: metadata from the head, the article text from the body.
//!
//! Three steps, one file each: [`nesting`] bounds how deep the markup goes
//! before scraper parses it, [`meta`] finds what publishers put in the page
//! about the article, [`text`] extracts the article's own words. This file
//! chooses between the candidates, and turns any HTML fragment into plain
//! paragraphs for the other formats (feeds, JSON bodies) through
//! [`html_to_text`].

mod meta;
mod nesting;
mod text;

use scraper::Html;

use super::date::parse_date_or_warn;
use super::fields::{clean, push_tag, push_tag_list};
use super::Parsed;
use crate::ingest::article::Article;
use meta::Meta;
use nesting::limit_nesting;
use text::extract;

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
    use crate::ingest::expect;
    use serde_json::json;

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
        let body = "Le texte, très attendu, entre en vigueur aujourd’hui.\n\n\
                    Il s’applique\n\ndès 2025.\n\n\
                    Point un\n\nPoint deux\n\n\
                    fn main() {\n    println!(\"hi\");\n}";
        let article = json!({
            "title": "L’Europe adopte l’AI Act", "lead": "Le Parlement a voté.", "body": body,
            "url": "https://example.fr/ai-act", "date": "2024-03-13T08:30:00Z",
            "source": "Le Journal", "lang": "fr-FR", "tags": ["IA", "Europe"],
        });
        expect::single(parse(PAGE), article);
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
    fn an_ordinary_page_passes_the_nesting_guard_untouched() {
        assert!(matches!(limit_nesting(PAGE), std::borrow::Cow::Borrowed(_)));
    }
}
