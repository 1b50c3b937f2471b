//! What a page says about itself: the `<meta>` tags publishers fill for
//! sharing (Open Graph, `article:*`), the declared language (`lang` or
//! `xml:lang` on `<html>`, else a `Content-Language`, `language` or
//! `DC.language` meta tag), the `<title>`, the first `<h1>`, a
//! `<time datetime>`, the canonical link, and where the article sits
//! (`<article>`, `<main>`, `<body>`). One walk over the elements finds
//! them all; choosing between candidates is left to the caller.

use scraper::node::Element;
use scraper::{ElementRef, Html};

const HTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// The candidates for each article field, as found in the document.
#[derive(Default)]
pub(super) struct Meta<'a> {
    pub og_title: Option<String>,
    pub title_tag: Option<String>,
    pub h1: Option<String>,
    pub published_time: Option<String>,
    pub time_datetime: Option<String>,
    pub meta_date: Option<String>,
    pub canonical: Option<String>,
    pub og_url: Option<String>,
    pub site_name: Option<String>,
    pub lang: Option<String>,
    pub og_locale: Option<String>,
    pub article_tags: Vec<String>,
    pub keywords: Option<String>,
    pub description: Option<String>,
    pub og_description: Option<String>,
    pub article: Option<ElementRef<'a>>,
    pub main: Option<ElementRef<'a>>,
    pub body: Option<ElementRef<'a>>,
}

impl<'a> Meta<'a> {
    /// Reads the metadata of a whole document. Elements outside the HTML
    /// namespace (an SVG's `<title>`) are passed over.
    pub fn collect(doc: &'a Html) -> Meta<'a> {
        let root = doc.root_element();
        let mut meta = Meta {
            lang: ["lang", "xml:lang"]
                .iter()
                .filter_map(|name| root.attr(name))
                .find(|v| !v.trim().is_empty())
                .map(str::to_owned),
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
        let key = el.attr("property").or_else(|| el.attr("name"));
        let Some(key) = key.or_else(|| el.attr("http-equiv")) else {
            return;
        };
        let slot = match key.trim().to_ascii_lowercase().as_str() {
            "og:title" => &mut self.og_title,
            "og:url" => &mut self.og_url,
            "og:site_name" => &mut self.site_name,
            "og:description" => &mut self.og_description,
            "og:locale" => &mut self.og_locale,
            // After `<html lang>`, which was read first and wins.
            "content-language" | "language" | "dc.language" => &mut self.lang,
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
        set_once(slot, || content.to_owned());
    }
}

/// Fills `slot` unless it already holds non-blank text.
fn set_once(slot: &mut Option<String>, value: impl FnOnce() -> String) {
    if slot.as_deref().is_none_or(|s| s.trim().is_empty()) {
        *slot = Some(value());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(page: &str) -> Option<String> {
        let doc = Html::parse_document(page);
        Meta::collect(&doc).lang
    }

    #[test]
    fn the_declared_language_is_found_where_pages_put_it() {
        assert_eq!(lang(r#"<html lang="fr-FR"><p>x"#).as_deref(), Some("fr-FR"));
        // XHTML's attribute, when `lang` is missing or blank.
        let xhtml = r#"<html xmlns="http://www.w3.org/1999/xhtml" lang=" " xml:lang="de"><p>x"#;
        assert_eq!(lang(xhtml).as_deref(), Some("de"));
        let meta = |tag: &str| {
            lang(&format!(
                "<html><head>{tag}</head><body><p>x</p></body></html>"
            ))
        };
        assert_eq!(
            meta(r#"<meta http-equiv="Content-Language" content="es">"#).as_deref(),
            Some("es")
        );
        assert_eq!(
            meta(r#"<meta name="DC.language" content="it">"#).as_deref(),
            Some("it")
        );
        // `<html lang>` wins over a meta tag.
        let both = r#"<html lang="en"><head><meta name="language" content="fr"></head></html>"#;
        assert_eq!(lang(both).as_deref(), Some("en"));
        assert_eq!(lang("<html><p>x</p></html>"), None);
    }
}
