//! Decoding: BOMs, UTF-16, UTF-8 with a Windows-1252 fallback, binary
//! sniffing and newline normalisation (through the `.txt` path, whose
//! parsing adds nothing); plus `parse_date`, shared by every format.
#![no_main]

use libfuzzer_sys::fuzz_target;
use veille::ingest::{parse_date, Skip};

#[path = "../common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let result = common::parse_checked("txt", data);
    let utf16 = data.starts_with(&[0xFF, 0xFE]) || data.starts_with(&[0xFE, 0xFF]);
    if !utf16 {
        let body = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
        // A NUL byte in the sniffed prefix always means binary.
        if body[..body.len().min(8 * 1024)].contains(&0) {
            assert!(matches!(result, Err(Skip::Binary)), "{result:?}");
        }
    }
    match &result {
        Ok(parsed) => {
            for a in &parsed.articles {
                common::assert_no_cr(a);
            }
            // Lossy decoding is always reported, and first.
            let valid = utf16 || std::str::from_utf8(data).is_ok();
            if !valid {
                let w = parsed.warnings.first().expect("lossy decoding warned");
                assert!(w.message.contains("Windows-1252"), "{w:?}");
                assert!(w.line.is_some());
            }
        }
        Err(Skip::Empty) | Err(Skip::Binary) => {}
        Err(other) => panic!("decoding a .txt can only skip as empty or binary: {other:?}"),
    }

    // Dates: whatever is accepted formats back to RFC 3339 and reads again
    // as the same instant (within the years RFC 3339 can write).
    let s = String::from_utf8_lossy(&data[..data.len().min(256)]);
    if let Some(date) = parse_date(&s) {
        use chrono::Datelike;
        if (0..=9999).contains(&date.year()) {
            let again = parse_date(&date.to_rfc3339());
            assert_eq!(again, Some(date), "{s:?}");
        }
    }
});
