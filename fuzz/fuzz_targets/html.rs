//! HTML (`.html`): metadata, main-content extraction, nesting limit; and
//! `html_to_text`, which the JSON and feed parsers use for rich fields.
#![no_main]

use libfuzzer_sys::fuzz_target;
use veille::ingest::html_to_text;

#[path = "../common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = common::parse_checked("html", data) {
        assert!(parsed.articles.len() <= 1, "{parsed:?}");
    }
    if let Ok(html) = std::str::from_utf8(data) {
        let text = html_to_text(html);
        // Text is never much larger than the markup it came from (block
        // breaks and list bullets add a little, entities shrink).
        assert!(
            text.len() <= html.len() * 4 + 16,
            "html_to_text blew up: {} -> {}",
            html.len(),
            text.len()
        );
    }
});
