//! The nesting guard: tags nested beyond [`MAX_DEPTH`] are removed before
//! the page reaches the HTML parser.
//!
//! html5ever scans its stack of open elements for every new tag, so a page
//! nested a hundred thousand levels deep takes minutes to parse. No crate
//! bounds that depth, so this rough scan does, by hand (no attribute
//! quoting, no implied end tags beyond [`NOT_NESTING`]): it only has to
//! bound the depth, and leaves ordinary pages untouched, borrowed as given.

use std::borrow::Cow;

/// The deepest element nesting kept; real pages stay far below.
pub(super) const MAX_DEPTH: usize = 512;

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
/// their text.
pub(super) fn limit_nesting(html: &str) -> Cow<'_, str> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_tags_are_removed_and_their_text_kept() {
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
    }

    #[test]
    fn flat_pages_are_borrowed_untouched() {
        let flat = "<ul><li>one<li>two</ul><br><img src=x><p>x<p>y".repeat(1000);
        assert!(matches!(limit_nesting(&flat), Cow::Borrowed(_)));
        let page =
            "<html><head><title>a <b></title></head><body><!-- <div> --><p>x</p></body></html>";
        assert!(matches!(limit_nesting(page), Cow::Borrowed(_)));
    }
}
