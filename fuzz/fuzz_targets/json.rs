//! JSON (`.json`: an object, an array, or a wrapped list) and JSON Lines
//! (`.jsonl`: one object per line), the same bytes through both.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let _ = common::parse_checked("json", data);
    if let Ok(parsed) = common::parse_checked("jsonl", data) {
        // Every line number a JSONL warning gives exists in the input.
        let lines = data.split(|&b| b == b'\n' || b == b'\r').count();
        for w in &parsed.warnings {
            if let Some(line) = w.line {
                assert!(line <= lines, "warning line {line} > {lines} lines: {w:?}");
            }
        }
    }
});
