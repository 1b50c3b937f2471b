//! RSS and Atom feeds (`.xml`, `.rss`, `.atom`): root sniffing, the prolog
//! rewrite, feed-rs, and HTML entries turned into text.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let _ = common::parse_checked("xml", data);
});
