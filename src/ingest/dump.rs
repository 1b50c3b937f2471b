//! Dumps read article by article: JSON Lines files and JSON arrays too big
//! to hold in memory at once.
//!
//! A dump of a million articles is how articles move around, so it must not
//! be read whole: [`read`] walks the file with a buffered reader, cuts it
//! into [`Item`]s (a line of JSON Lines, an element of a JSON array) and
//! hands them over in batches bounded in bytes, while it hashes the content
//! as it goes. Turning an item into an article ([`parse`]) is left to the
//! caller, so that it can run on every core. An item larger than the size
//! limit is skipped with a warning naming its line; the rest of the file is
//! still read.
//!
//! The elements of a JSON array are found by serde_json itself: the array is
//! walked with a [`SeqAccess`] visitor that skips each element
//! ([`IgnoredAny`]) while the reader below it keeps the element's bytes.

use std::cell::RefCell;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use encoding_rs::WINDOWS_1252;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, SeqAccess, Visitor};

use super::{cap_article, decode, json, Format, Parsed, Skip, Warning};

/// Buffer of the file reader.
const READ_BUFFER: usize = 256 * 1024;

/// One article's worth of a dump, not parsed yet.
#[derive(Debug)]
pub struct Item {
    /// Line where it starts (1-based).
    pub line: usize,
    /// Its text, or why it was left out (too large).
    text: Result<String, Warning>,
    /// 1-based position in a JSON array; `None` for a JSON Lines line.
    element: Option<usize>,
}

impl Item {
    /// Bytes of text held.
    fn size(&self) -> usize {
        self.text.as_ref().map_or(0, String::len)
    }
}

/// What reading a whole dump gave besides its items.
#[derive(Debug)]
pub struct Finished {
    /// Hash of the file's bytes, the same as [`super::content_hash`] of the
    /// whole content.
    pub hash: u64,
    /// Items read.
    pub items: usize,
    /// Problems with the file as a whole (a JSON array cut short), after
    /// those of its items.
    pub warnings: Vec<Warning>,
}

/// True for a file that [`read`] can read: a JSON Lines file, or a `.json`
/// file holding an array (told from its first byte). A file starting with
/// a UTF-16 byte order mark is not: it is transcoded whole.
pub fn is_dump(path: &Path) -> bool {
    match Format::from_path(path) {
        Some(Format::JsonLines) => !starts_utf16(path),
        Some(Format::Json) => first_byte(path) == Some(b'['),
        _ => false,
    }
}

fn starts_utf16(path: &Path) -> bool {
    let mut head = [0u8; 2];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| matches!(head, [0xFF, 0xFE] | [0xFE, 0xFF]))
}

/// The first byte of a file that is not white space or a UTF-8 BOM.
fn first_byte(path: &Path) -> Option<u8> {
    let file = File::open(path).ok()?;
    let mut reader = BufReader::with_capacity(4096, file);
    let mut skipped_bom = false;
    loop {
        let buf = reader.fill_buf().ok()?;
        if buf.is_empty() {
            return None;
        }
        if !skipped_bom && buf.starts_with(b"\xEF\xBB\xBF") {
            reader.consume(3);
            skipped_bom = true;
            continue;
        }
        skipped_bom = true;
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => return Some(buf[i]),
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    }
}

/// Reads a dump, handing its items to `batch` in file order, in batches of
/// about `batch_bytes` bytes of text (at least one item each). Items larger
/// than `max_item_bytes` come as warnings.
///
/// Fails when the file cannot be read, is binary, or is a JSON array broken
/// before its first element; a JSON array broken later keeps the elements
/// before the break and ends with a warning.
pub fn read(
    path: &Path,
    max_item_bytes: u64,
    batch_bytes: usize,
    batch: &mut dyn FnMut(Vec<Item>),
) -> Result<Finished, Skip> {
    let unreadable = |e: std::io::Error| Skip::Unreadable(e.to_string());
    let file = File::open(path).map_err(unreadable)?;
    let mut reader = BufReader::with_capacity(READ_BUFFER, file);
    // Binary content is told from the first bytes, as for every file.
    let head = reader.fill_buf().map_err(unreadable)?;
    decode::check_not_binary(head)?;
    let limit = usize::try_from(max_item_bytes).unwrap_or(usize::MAX);
    let mut out = Batcher {
        pending: Vec::new(),
        bytes: 0,
        batch_bytes,
        sink: batch,
        items: 0,
        decoded_lossily: false,
    };
    let read = match Format::from_path(path) {
        Some(Format::Json) => read_array(&mut reader, limit, &mut out),
        _ => read_lines(&mut reader, limit, &mut out),
    };
    out.flush();
    let (hash, warnings) = read.map_err(unreadable)??;
    Ok(Finished {
        hash,
        items: out.items,
        warnings,
    })
}

/// Gathers items into batches.
struct Batcher<'a> {
    pending: Vec<Item>,
    bytes: usize,
    batch_bytes: usize,
    sink: &'a mut dyn FnMut(Vec<Item>),
    items: usize,
    /// A warning about the encoding was given already (once per file, as
    /// for a file read whole).
    decoded_lossily: bool,
}

impl Batcher<'_> {
    /// Adds an item from its bytes (`Err`: too large, with its size).
    fn push(
        &mut self,
        line: usize,
        element: Option<usize>,
        bytes: Result<&[u8], u64>,
        limit: usize,
    ) {
        let text = match bytes {
            Ok(bytes) => Ok(self.decode(line, bytes)),
            Err(size) => Err(Warning {
                line: Some(line),
                message: format!(
                    "{}{size} bytes, over the size limit of {limit} bytes: skipped",
                    element.map_or_else(String::new, |n| format!("item {n}: "))
                ),
            }),
        };
        let item = Item {
            line,
            text,
            element,
        };
        self.items += 1;
        self.bytes += item.size();
        self.pending.push(item);
        if self.bytes >= self.batch_bytes {
            self.flush();
        }
    }

    /// UTF-8, or else Windows-1252 with a warning (the first time), as
    /// [`decode`] does for a whole file.
    fn decode(&mut self, line: usize, bytes: &[u8]) -> String {
        match std::str::from_utf8(bytes) {
            Ok(text) => text.to_owned(),
            Err(_) => {
                if !self.decoded_lossily {
                    self.decoded_lossily = true;
                    self.pending.push(Item {
                        line,
                        text: Err(Warning {
                            line: Some(line),
                            message: "not valid UTF-8; decoded as Windows-1252".to_owned(),
                        }),
                        element: None,
                    });
                }
                WINDOWS_1252
                    .decode_without_bom_handling(bytes)
                    .0
                    .into_owned()
            }
        }
    }

    fn flush(&mut self) {
        if !self.pending.is_empty() {
            self.bytes = 0;
            (self.sink)(std::mem::take(&mut self.pending));
        }
    }
}

/// The hash of what was read, and the warnings about the file as a whole.
type Ending = Result<(u64, Vec<Warning>), Skip>;

/// Reads JSON Lines, one item per non-blank line.
fn read_lines(
    reader: &mut BufReader<File>,
    limit: usize,
    out: &mut Batcher<'_>,
) -> std::io::Result<Ending> {
    let mut hasher = blake3::Hasher::new();
    let mut line = Vec::new();
    let mut size = 0u64;
    let mut number = 0usize;
    let mut first = true;
    // The last byte of the line so far: a CR before the LF ends the line too.
    let mut last = 0u8;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        let (mut text, ends) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..i], true),
            None => (buf, false),
        };
        let consumed = text.len() + usize::from(ends);
        hasher.update(&buf[..consumed]);
        if first {
            text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
            first = false;
        }
        if let Some(&b) = text.last() {
            last = b;
        }
        size += text.len() as u64;
        // Past the limit, the line is only counted, never held (one byte
        // more is kept, for a CR that does not count).
        if line.len() + text.len() <= limit.saturating_add(1) {
            line.extend_from_slice(text);
        }
        reader.consume(consumed);
        if ends {
            number += 1;
            let without_cr = size - u64::from(last == b'\r' && size > 0);
            end_line(&mut line, without_cr, number, limit, out);
            (size, last) = (0, 0);
        }
    }
    if size > 0 {
        number += 1;
        let size = size - u64::from(last == b'\r');
        end_line(&mut line, size, number, limit, out);
    }
    Ok(Ok((hash_of(&hasher), Vec::new())))
}

/// Hands over one line of `size` bytes, without its line end.
fn end_line(line: &mut Vec<u8>, size: u64, number: usize, limit: usize, out: &mut Batcher<'_>) {
    if size > limit as u64 {
        out.push(number, None, Err(size), limit);
    } else {
        let text = line.strip_suffix(b"\r").unwrap_or(line);
        if !text.iter().all(u8::is_ascii_whitespace) {
            out.push(number, None, Ok(text), limit);
        }
    }
    line.clear();
}

fn hash_of(hasher: &blake3::Hasher) -> u64 {
    super::short_hash(&hasher.finalize())
}

/// What the reader below serde_json shares with the visitor above it: the
/// bytes of the element being read, the line count and the hash.
struct Tap {
    hasher: blake3::Hasher,
    /// Lines ended so far.
    newlines: usize,
    /// The last byte handed to serde_json.
    last: u8,
    /// The element being read: its bytes (up to the limit) and its size.
    capture: Option<(Vec<u8>, u64)>,
    limit: usize,
}

/// The reader serde_json reads from: every byte goes through the [`Tap`].
struct Tapped<'r> {
    inner: &'r mut BufReader<File>,
    tap: Rc<RefCell<Tap>>,
}

impl Read for Tapped<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            let bytes = &buf[..n];
            let mut tap = self.tap.borrow_mut();
            tap.hasher.update(bytes);
            tap.newlines += bytes.iter().filter(|&&b| b == b'\n').count();
            tap.last = bytes[n - 1];
            let limit = tap.limit;
            if let Some((kept, size)) = &mut tap.capture {
                *size += n as u64;
                if kept.len() + n <= limit {
                    kept.extend_from_slice(bytes);
                }
            }
        }
        Ok(n)
    }
}

/// Reads a JSON array, one item per element.
fn read_array(
    reader: &mut BufReader<File>,
    limit: usize,
    out: &mut Batcher<'_>,
) -> std::io::Result<Ending> {
    // A BOM is no JSON: past it, before serde_json sees anything.
    let mut hasher = blake3::Hasher::new();
    if reader.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        hasher.update(b"\xEF\xBB\xBF");
        reader.consume(3);
    }
    let tap = Rc::new(RefCell::new(Tap {
        hasher,
        newlines: 0,
        last: 0,
        capture: None,
        limit,
    }));
    let tapped = Tapped {
        inner: reader,
        tap: Rc::clone(&tap),
    };
    let mut de = serde_json::Deserializer::from_reader(tapped);
    let walked = de
        .deserialize_seq(Elements {
            tap: &tap,
            out: &mut *out,
        })
        .and_then(|()| de.end());
    drop(de);
    let mut warnings = Vec::new();
    if let Err(e) = walked {
        if e.is_io() {
            return Err(std::io::Error::other(e.to_string()));
        }
        let message = super::json::without_position(&e);
        if out.items == 0 {
            return Ok(Err(Skip::Parse {
                line: Some(e.line()),
                message,
            }));
        }
        warnings.push(Warning {
            line: Some(e.line()),
            message: format!("{message}; the rest of the file was not read"),
        });
    }
    // The rest of the file, for the hash (after a break, or white space).
    let mut tap = Rc::try_unwrap(tap)
        .map_err(|_| std::io::Error::other("the reader outlived its parser"))?
        .into_inner();
    let mut rest = [0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut rest)?;
        if n == 0 {
            break;
        }
        tap.hasher.update(&rest[..n]);
    }
    Ok(Ok((hash_of(&tap.hasher), warnings)))
}

/// Visits the array: each element through [`Element`], handed over as an
/// item.
struct Elements<'a, 'b> {
    tap: &'a Rc<RefCell<Tap>>,
    out: &'a mut Batcher<'b>,
}

impl<'de> Visitor<'de> for Elements<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of articles")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let limit = self.tap.borrow().limit;
        let mut n = 0;
        while let Some(line) = seq.next_element_seed(Element(self.tap))? {
            n += 1;
            let capture = self.tap.borrow_mut().capture.take();
            let (kept, size) = capture.unwrap_or_default();
            let bytes = if size > limit as u64 {
                Err(size)
            } else {
                Ok(kept.as_slice())
            };
            self.out.push(line, Some(n), bytes, limit);
        }
        Ok(())
    }
}

/// One element, skipped by serde_json while the [`Tap`] keeps its bytes;
/// gives the line it starts on.
struct Element<'a>(&'a Rc<RefCell<Tap>>);

impl<'de> DeserializeSeed<'de> for Element<'_> {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        let line = {
            // serde_json has read the element's first byte already (to
            // know that the array goes on): the capture starts with it.
            let mut tap = self.0.borrow_mut();
            let first = tap.last;
            tap.capture = Some((vec![first], 1));
            tap.newlines + 1
        };
        <IgnoredAny as serde::Deserialize>::deserialize(deserializer)?;
        Ok(line)
    }
}

/// Turns an item into its article (at most one) and warnings; runs on any
/// thread.
pub fn parse(item: Item) -> Parsed {
    let text = match item.text {
        Ok(text) => text,
        Err(warning) => {
            return Parsed {
                articles: Vec::new(),
                warnings: vec![warning],
            }
        }
    };
    let mut parsed = match item.element {
        None => json::parse_line(item.line, &text),
        Some(n) => json::parse_element(n, item.line, &text),
    };
    for article in &mut parsed.articles {
        if cap_article(article) {
            parsed.warnings.push(Warning {
                line: Some(item.line),
                message: super::cut_message(),
            });
        }
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dump(name: &str, content: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        (dir, path)
    }

    /// Reads a dump with small batches; the articles' titles, the
    /// warnings (items' first, then the file's), the batch sizes and what
    /// [`read`] returned.
    fn read_all(
        path: &Path,
        limit: u64,
        batch_bytes: usize,
    ) -> (
        Vec<String>,
        Vec<Warning>,
        Vec<usize>,
        Result<Finished, Skip>,
    ) {
        let mut titles = Vec::new();
        let mut warnings = Vec::new();
        let mut sizes = Vec::new();
        let end = read(path, limit, batch_bytes, &mut |items| {
            sizes.push(items.len());
            for item in items {
                let parsed = parse(item);
                titles.extend(parsed.articles.into_iter().map(|a| a.title.unwrap()));
                warnings.extend(parsed.warnings);
            }
        });
        if let Ok(end) = &end {
            warnings.extend(end.warnings.clone());
        }
        (titles, warnings, sizes, end)
    }

    #[test]
    fn json_lines_come_in_batches_with_their_line_numbers() {
        let mut text = String::new();
        for i in 1..=10 {
            if i == 4 {
                text.push_str("{broken\r\n\n");
            }
            text.push_str(&format!("{{\"title\": \"T{i}\"}}\r\n"));
        }
        let (_dir, path) = dump("d.jsonl", text.as_bytes());
        let (titles, warnings, sizes, end) = read_all(&path, 1000, 40);
        let expected: Vec<String> = (1..=10).map(|i| format!("T{i}")).collect();
        assert_eq!(titles, expected);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].line, Some(4));
        // Items of 15 or 16 bytes ("{broken" 7): a batch ends at 40 bytes.
        assert_eq!(sizes, vec![3, 4, 3, 1]);
        let end = end.unwrap();
        assert_eq!(end.items, 11);
        assert_eq!(end.hash, super::super::content_hash(text.as_bytes()));
    }

    #[test]
    fn a_line_over_the_limit_is_skipped_and_named() {
        let long = format!("{{\"title\": \"{}\"}}", "x".repeat(500));
        let text = format!("{{\"title\": \"a\"}}\n{long}\n{{\"title\": \"b\"}}");
        let (_dir, path) = dump("d.ndjson", text.as_bytes());
        let (titles, warnings, _, end) = read_all(&path, 100, 1 << 20);
        assert_eq!(titles, ["a", "b"]);
        assert_eq!(
            warnings,
            vec![Warning {
                line: Some(2),
                message: format!(
                    "{} bytes, over the size limit of 100 bytes: skipped",
                    long.len()
                )
            }]
        );
        assert_eq!(end.unwrap().items, 3);
    }

    #[test]
    fn invalid_utf8_lines_are_read_as_windows_1252_with_one_warning() {
        let text = b"{\"title\": \"caf\xe9\"}\n{\"title\": \"cr\xe8me\"}\n";
        let (_dir, path) = dump("d.jsonl", text);
        let (titles, warnings, _, _) = read_all(&path, 1000, 1000);
        assert_eq!(titles, ["café", "crème"]);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].line, Some(1));
    }

    #[test]
    fn array_elements_are_items_with_their_line() {
        let text = "\u{feff} [\n  {\"title\": \"Un\"},\n  12,\n  {\"title\": \"Deux\",\n   \"body\": \"[{x}]\"}, \"s\",\n  {\"title\": \"Trois\"}\n]\n";
        let (_dir, path) = dump("a.json", text.as_bytes());
        assert!(is_dump(&path));
        let (titles, warnings, _, end) = read_all(&path, 1000, 10);
        assert_eq!(titles, ["Un", "Deux", "Trois"]);
        let shown: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "line 3: item 2: a number is not an object",
                "line 5: item 4: a string is not an object"
            ]
        );
        let end = end.unwrap();
        assert_eq!(end.items, 5);
        assert_eq!(end.hash, super::super::content_hash(text.as_bytes()));
    }

    #[test]
    fn an_element_over_the_limit_is_skipped_and_the_rest_read() {
        let big = format!("{{\"title\": \"{}\"}}", "y".repeat(300));
        let text = format!("[{{\"title\": \"a\"}},\n{big},\n{{\"title\": \"b\"}}]");
        let (_dir, path) = dump("a.json", text.as_bytes());
        let (titles, warnings, _, _) = read_all(&path, 100, 1 << 20);
        assert_eq!(titles, ["a", "b"]);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].line, Some(2));
        let expected = format!("item 2: {} bytes, over", big.len());
        assert!(warnings[0].message.starts_with(&expected), "{warnings:?}");
    }

    #[test]
    fn an_array_cut_short_keeps_what_came_before() {
        let text = "[{\"title\": \"a\"},\n{\"title\": \"b\"},\n{\"title\": ";
        let (_dir, path) = dump("a.json", text.as_bytes());
        let (titles, warnings, _, end) = read_all(&path, 1000, 1 << 20);
        assert_eq!(titles, ["a", "b"]);
        let last = warnings.last().unwrap();
        assert_eq!(last.line, Some(3));
        assert!(
            last.message.ends_with("the rest of the file was not read"),
            "{last:?}"
        );
        assert_eq!(
            end.unwrap().hash,
            super::super::content_hash(text.as_bytes())
        );

        let (_dir, path) = dump("b.json", b"[{\"title\" 1}]");
        let (_, _, _, end) = read_all(&path, 1000, 1 << 20);
        assert!(
            matches!(end, Err(Skip::Parse { line: Some(1), .. })),
            "{end:?}"
        );
    }

    #[test]
    fn binary_dumps_are_refused() {
        let (_dir, path) = dump("d.jsonl", b"{\"a\":\0\0\0}");
        assert!(matches!(read_all(&path, 1000, 10).3, Err(Skip::Binary)));
    }

    #[test]
    fn dumps_are_told_from_other_files() {
        let (dir, path) = dump("obj.json", b"  {\"articles\": []}");
        assert!(!is_dump(&path));
        std::fs::write(dir.path().join("arr.json"), b"\xEF\xBB\xBF\n [").unwrap();
        assert!(is_dump(&dir.path().join("arr.json")));
        std::fs::write(dir.path().join("l.jsonl"), b"{}").unwrap();
        assert!(is_dump(&dir.path().join("l.jsonl")));
        std::fs::write(dir.path().join("w.jsonl"), [0xFF, 0xFE, b'{', 0]).unwrap();
        assert!(!is_dump(&dir.path().join("w.jsonl")));
        std::fs::write(dir.path().join("a.txt"), b"[").unwrap();
        assert!(!is_dump(&dir.path().join("a.txt")));
    }
}
