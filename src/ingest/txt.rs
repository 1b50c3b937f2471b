//! Plain text files: the simplest format, and the most common in dumps.
//!
//! A text file has no metadata, so the only structure recovered is a title:
//! the convention "headline, blank line, text" that people use by hand.

use super::fields::clean;
use super::Parsed;
use crate::ingest::article::Article;

/// The longest first line still taken as a title, in characters.
const MAX_TITLE_CHARS: usize = 150;

/// Reads one article from a text file.
///
/// The first line is the title when it is short and followed by a blank
/// line; otherwise the whole text is the body.
pub fn parse(text: &str) -> Parsed {
    let text = text.trim_start();
    let (title, body) = match split_title(text) {
        Some((title, rest)) => (clean(title), rest),
        None => (None, text),
    };
    let article = Article {
        title,
        body: paragraphs(body),
        ..Article::default()
    };
    Parsed {
        articles: vec![article],
        warnings: Vec::new(),
    }
}

/// Splits off the first line when it qualifies as a title.
fn split_title(text: &str) -> Option<(&str, &str)> {
    let (first, rest) = text.split_once('\n')?;
    let first = first.trim();
    if first.is_empty() || first.chars().count() > MAX_TITLE_CHARS {
        return None;
    }
    let (second, rest) = rest.split_once('\n').unwrap_or((rest, ""));
    second.trim().is_empty().then_some((first, rest))
}

/// Normalises text into paragraphs: lines trimmed at the end, runs of blank
/// lines collapsed into one, line breaks inside a paragraph kept.
pub(super) fn paragraphs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_blank = false;
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim_start().is_empty() {
            pending_blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if pending_blank { "\n\n" } else { "\n" });
        }
        pending_blank = false;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_first_line_then_blank_is_the_title() {
        let parsed = parse(
            "L’Europe adopte l’AI Act\n\nLe texte entre en vigueur aujourd’hui.\n\n\n\nSuite de l’article.\n",
        );
        let article = &parsed.articles[0];
        assert_eq!(article.title.as_deref(), Some("L’Europe adopte l’AI Act"));
        assert_eq!(
            article.body,
            "Le texte entre en vigueur aujourd’hui.\n\nSuite de l’article."
        );
        assert!(parsed.warnings.is_empty());
    }

    #[test]
    fn no_blank_line_means_no_title() {
        let text = "Rust’s borrow checker explained\nIt’s simpler than you think.\n";
        let article = &parse(text).articles[0];
        assert_eq!(article.title, None);
        assert_eq!(
            article.body,
            "Rust’s borrow checker explained\nIt’s simpler than you think."
        );
    }

    #[test]
    fn long_first_line_is_body() {
        let long = "word ".repeat(40);
        let text = format!("{long}\n\nsecond paragraph");
        let article = &parse(&text).articles[0];
        assert_eq!(article.title, None);
        assert!(article.body.starts_with("word word"));
        assert!(article.body.ends_with("\n\nsecond paragraph"));
    }

    #[test]
    fn single_line_is_body() {
        let article = &parse("Just one line").articles[0];
        assert_eq!(article.title, None);
        assert_eq!(article.body, "Just one line");
    }

    #[test]
    fn leading_blank_lines_and_whitespace_blank_line() {
        let article = &parse("\n\n  Titre  \n   \nCorps.").articles[0];
        assert_eq!(article.title.as_deref(), Some("Titre"));
        assert_eq!(article.body, "Corps.");
    }
}
