//! Plain text (`.txt`): decoding, then the title / paragraph split.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(parsed) = common::parse_checked("txt", data) else {
        return;
    };
    // A text file is always exactly one article.
    assert_eq!(parsed.articles.len(), 1, "{parsed:?}");
    let article = &parsed.articles[0];
    common::assert_no_cr(article);
    if let Some(title) = &article.title {
        assert!(!title.contains('\n'), "title spans lines: {title:?}");
        assert_eq!(title.trim(), title, "title not trimmed");
    }
    // Paragraphs: no blank line at either end, at most one between two.
    let body = &article.body;
    assert!(!body.starts_with('\n') && !body.ends_with('\n'), "{body:?}");
    assert!(
        !body.contains("\n\n\n"),
        "blank lines not collapsed: {body:?}"
    );
    for line in body.lines() {
        assert_eq!(line.trim_end(), line, "trailing space kept: {line:?}");
    }
});
