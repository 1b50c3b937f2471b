//! Markdown (`.md`): YAML / TOML front matter, then markup to plain text.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(parsed) = common::parse_checked("md", data) else {
        return;
    };
    // One file, at most one article.
    assert!(parsed.articles.len() <= 1, "{parsed:?}");
});
