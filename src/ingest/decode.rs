//! Bytes to text: the one place that decides what a file's characters are.
//!
//! News dumps come from everywhere: UTF-8 with or without a BOM, UTF-16 from
//! Windows tools, old Latin pages saved as Windows-1252, and now and then a
//! binary file with a text extension. Every parser after this one works on a
//! clean `String` with `\n` line ends, so none of them has to care.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

use super::{Skip, Warning};

/// How much of the start of a file is examined to tell text from binary.
const SNIFF_BYTES: usize = 8 * 1024;

/// Above this share of control characters in the sniffed prefix, a file is
/// taken as binary (one in ten).
const MAX_CONTROL_RATIO_DIVISOR: usize = 10;

/// A decoded file: its text, and a warning when decoding was lossy or guessed.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub warning: Option<Warning>,
}

/// Decodes a file's bytes into text with `\n` line ends.
///
/// UTF-16 needs its BOM; UTF-8 is tried next, and text that is not valid
/// UTF-8 is read as Windows-1252 (which maps every byte) with a warning
/// giving the first bad line.
pub fn decode(bytes: &[u8]) -> Result<Decoded, Skip> {
    if bytes.is_empty() {
        return Err(Skip::Empty);
    }
    let (text, warning) = match utf16_encoding(bytes) {
        Some(encoding) => {
            let (text, had_errors) = encoding.decode_with_bom_removal(bytes);
            let sniffed: String = text.chars().take(SNIFF_BYTES / 2).collect();
            if looks_binary(sniffed.chars().map(u32::from)) {
                return Err(Skip::Binary);
            }
            let warning = had_errors.then(|| Warning {
                line: None,
                message: format!("invalid {} sequences replaced by U+FFFD", encoding.name()),
            });
            (text.into_owned(), warning)
        }
        None => {
            check_not_binary(bytes)?;
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            match std::str::from_utf8(bytes) {
                Ok(text) => (text.to_owned(), None),
                Err(e) => {
                    let line = line_of(bytes, e.valid_up_to());
                    let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
                    let warning = Warning {
                        line: Some(line),
                        message: "not valid UTF-8; decoded as Windows-1252".to_owned(),
                    };
                    (text.into_owned(), Some(warning))
                }
            }
        }
    };
    if text.trim().is_empty() {
        return Err(Skip::Empty);
    }
    Ok(Decoded {
        text: normalize_newlines(text),
        warning,
    })
}

/// Refuses bytes that start like a binary file (as [`decode`] does), for a
/// file read piece by piece: `head` is its first bytes.
pub(super) fn check_not_binary(head: &[u8]) -> Result<(), Skip> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let head = &head[..head.len().min(SNIFF_BYTES)];
    if looks_binary(head.iter().map(|&b| u32::from(b))) {
        return Err(Skip::Binary);
    }
    Ok(())
}

/// The UTF-16 flavour announced by a byte order mark, if any.
fn utf16_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    match bytes {
        [0xFF, 0xFE, ..] => Some(UTF_16LE),
        [0xFE, 0xFF, ..] => Some(UTF_16BE),
        _ => None,
    }
}

/// True when the code units look like binary data: any NUL, or too many
/// control characters besides tab, line feed, carriage return and form feed.
fn looks_binary(units: impl Iterator<Item = u32>) -> bool {
    let mut total = 0usize;
    let mut controls = 0usize;
    for unit in units {
        total += 1;
        match unit {
            0 => return true,
            0x09 | 0x0A | 0x0C | 0x0D => {}
            0x01..=0x1F | 0x7F => controls += 1,
            _ => {}
        }
    }
    controls * MAX_CONTROL_RATIO_DIVISOR > total
}

/// The 1-based line number of a byte offset.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    let before = &bytes[..offset.min(bytes.len())];
    let newlines = before.iter().filter(|&&b| b == b'\n').count();
    // A lone CR also ends a line (old Mac files); don't count CRLF twice.
    let lone_crs = before
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\r' && before.get(i + 1) != Some(&b'\n'))
        .count();
    newlines + lone_crs + 1
}

/// Turns CRLF and lone CR line ends into LF.
fn normalize_newlines(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            out.push('\n');
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> String {
        decode(bytes).expect("decodes").text
    }

    #[test]
    fn plain_utf8_passes_through() {
        let d = decode("L’IA générative, c’est l’avenir ?".as_bytes()).unwrap();
        assert_eq!(d.text, "L’IA générative, c’est l’avenir ?");
        assert_eq!(d.warning, None);
    }

    #[test]
    fn utf8_bom_is_stripped() {
        assert_eq!(text(b"\xEF\xBB\xBFhello"), "hello");
    }

    #[test]
    fn crlf_and_cr_become_lf() {
        assert_eq!(text(b"one\r\ntwo\rthree\n"), "one\ntwo\nthree\n");
    }

    #[test]
    fn utf16_le_and_be_with_bom() {
        let s = "Rust’s café\r\nsecond";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for unit in s.encode_utf16() {
            le.extend_from_slice(&unit.to_le_bytes());
            be.extend_from_slice(&unit.to_be_bytes());
        }
        assert_eq!(text(&le), "Rust’s café\nsecond");
        assert_eq!(text(&be), "Rust’s café\nsecond");
    }

    #[test]
    fn invalid_utf8_falls_back_to_windows_1252() {
        let d = decode(b"first line\nsecond\ncaf\xe9 cr\xe8me").unwrap();
        assert_eq!(d.text, "first line\nsecond\ncafé crème");
        assert_eq!(
            d.warning,
            Some(Warning {
                line: Some(3),
                message: "not valid UTF-8; decoded as Windows-1252".into()
            })
        );
    }

    #[test]
    fn windows_1252_typographic_quote() {
        // 0x92 is the right single quote in Windows-1252.
        assert_eq!(text(b"l\x92\xe9t\xe9"), "l’été");
    }

    #[test]
    fn nul_bytes_mean_binary() {
        assert_eq!(decode(b"abc\0def").unwrap_err(), Skip::Binary);
    }

    #[test]
    fn many_control_characters_mean_binary() {
        let mut bytes = b"some text".to_vec();
        bytes.extend(std::iter::repeat_n(0x01, 10));
        assert_eq!(decode(&bytes).unwrap_err(), Skip::Binary);
        // A few escape sequences (coloured logs) are still text.
        assert!(decode(b"\x1b[1mbold\x1b[0m and a long enough line of text").is_ok());
    }

    #[test]
    fn empty_and_blank_files_are_empty() {
        assert_eq!(decode(b"").unwrap_err(), Skip::Empty);
        assert_eq!(decode(b" \n\t\r\n ").unwrap_err(), Skip::Empty);
        assert_eq!(decode(b"\xEF\xBB\xBF").unwrap_err(), Skip::Empty);
        assert_eq!(decode(&[0xFF, 0xFE]).unwrap_err(), Skip::Empty);
    }

    #[test]
    fn line_numbers_count_cr_and_crlf_once() {
        assert_eq!(line_of(b"a\r\nb\rc\n\xe9", 8), 4);
    }
}
