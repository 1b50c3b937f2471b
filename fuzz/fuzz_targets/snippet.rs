//! Snippets and highlighting: a query (first line) highlighted in a text
//! (the rest) with one language's chain, cut into fragments.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use veille::analysis::lang::LANGUAGES;
use veille::search::query;
use veille::search::snippet::{self, Highlighter, Snippet};

fuzz_target!(|data: &[u8]| {
    // Layout: [language] [max fragments] [width] query '\n' text.
    let [lang, max, width, rest @ ..] = data else {
        return;
    };
    let Ok(rest) = std::str::from_utf8(rest) else {
        return;
    };
    let (q, text) = rest.split_once('\n').unwrap_or((rest, ""));
    let language = &LANGUAGES[*lang as usize % LANGUAGES.len()];
    let max = usize::from(*max % 8);
    let width = usize::from(*width);

    let mut parsed = query::parse(q);
    query::bind_versions(&mut parsed);
    query::unsentence(&mut parsed);
    // Like the searcher: words that look like names are matched exactly.
    let exact: HashSet<String> = parsed
        .atoms()
        .filter(|a| query::is_name(a.text()))
        .map(ToString::to_string)
        .collect();
    let mut highlighter = Highlighter::new(&parsed, &[language], &exact);
    let ranges = highlighter.ranges(text, language.code);

    // Ranges: sorted, disjoint, non-empty, inside the text, on char boundaries.
    check_ranges(text, &ranges, false);
    if highlighter.is_empty() {
        assert!(ranges.is_empty(), "nothing to highlight yet {ranges:?}");
    }

    for s in snippet::fragments(text, &ranges, max, width) {
        check_snippet(&s);
    }
    assert!(snippet::fragments(text, &ranges, max, width).len() <= max);
    if let Some(s) = snippet::lead(text, width) {
        assert!(s.highlights.is_empty());
        check_snippet(&s);
    }
});

fn check_ranges(text: &str, ranges: &[(usize, usize)], touching_ok: bool) {
    let mut prev_end = None;
    for &(s, e) in ranges {
        assert!(s < e && e <= text.len(), "{s}..{e} in {} bytes", text.len());
        assert!(
            text.is_char_boundary(s) && text.is_char_boundary(e),
            "{s}..{e} not on char boundaries of {text:?}"
        );
        if let Some(p) = prev_end {
            assert!(
                if touching_ok { p <= s } else { p < s },
                "ranges overlap or touch: {ranges:?}"
            );
        }
        prev_end = Some(e);
    }
}

fn check_snippet(s: &Snippet) {
    check_ranges(&s.text, &s.highlights, true);
    // The HTML form escapes everything but the marks.
    let html = s.html();
    assert_eq!(html.matches("<mark>").count(), s.highlights.len());
    let stripped = html.replace("<mark>", "").replace("</mark>", "");
    assert!(!stripped.contains('<') && !stripped.contains('>'), "{html}");
    assert_eq!(stripped, snippet::escape(&s.text));
    assert!(
        !s.text.contains('\n'),
        "white space not folded: {:?}",
        s.text
    );
}
