//! Ingestion: finding source files and turning each into [`Article`]s.
//!
//! The walker lists candidate files with their size and mtime (what
//! incremental indexing compares); [`read_bytes`] loads one within the size
//! limit; [`parse`] decodes and dispatches on the format. A dump (JSON
//! Lines, a JSON array) too big to hold at once is read article by article
//! instead ([`dump`]), and the size limit then applies to each article.
//! Problems with one file never stop the others: they come back as a
//! [`Skip`] (the whole file is left out) or as [`Warning`]s (part of it
//! was).
//!
//! Each format lives in its own file (HTML in its own folder); `fields`
//! holds the metadata lookup that JSON and Markdown share. This one holds
//! the shared types, the walker and the dispatch.

pub mod article;
pub mod date;
mod decode;
pub mod dump;
mod feed;
mod fields;
mod html;
mod json;
mod markdown;
mod txt;

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use walkdir::{DirEntry, WalkDir};

use crate::error::{Error, Result};
use crate::ingest::article::Article;

pub use date::parse_date;
pub use html::html_to_text;
pub(crate) use json::looks_like_html;

/// Default size limit: of one source file, or of one article in a dump
/// read article by article (a JSON Lines line, a JSON array's element).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;

/// The most text kept of one article's title, lead or body, in bytes; the
/// text of an HTML page or fragment stops there too, which also bounds the
/// memory a pathological page takes. Real articles are far below. Without
/// it, a huge text file let in by `--max-file-size` became one document of
/// hundreds of megabytes, and tantivy, which checks its memory budget only
/// between documents, took gigabytes for it (4 GB for 200 MB of text).
pub const MAX_ARTICLE_TEXT_BYTES: usize = 4 * 1024 * 1024;

/// A candidate source file found by [`walk`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path as found (the walked root joined with the relative path).
    pub path: PathBuf,
    /// Path relative to the walked root, with `/` separators.
    pub rel: String,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch (0 if unknown).
    pub mtime_ns: i64,
}

/// The result of walking a directory.
#[derive(Debug, Default)]
pub struct Walk {
    /// Candidate files, sorted by `rel`.
    pub files: Vec<SourceFile>,
    /// Entries that could not be read (permission denied, symlink loop, ...).
    pub problems: Vec<(PathBuf, String)>,
    /// Files passed over for their type: how many of each extension
    /// (lower-case, with its dot; `""` for files without one).
    pub other: BTreeMap<String, usize>,
}

/// What was read from one file.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The articles, in file order.
    pub articles: Vec<Article>,
    /// Non-fatal problems (a bad JSONL line, a lossy decoding).
    pub warnings: Vec<Warning>,
}

impl Parsed {
    /// What a format holding one article read: that article, unless it has
    /// no text at all.
    fn one(article: Article, warnings: Vec<Warning>) -> Parsed {
        let articles = if article.is_empty() {
            Vec::new()
        } else {
            vec![article]
        };
        Parsed { articles, warnings }
    }

    /// Adds one of many articles, or, when it has no text, a warning
    /// naming it (`what`: "object", "entry 3").
    fn push(&mut self, article: Article, line: Option<usize>, what: &str) {
        if article.is_empty() {
            self.warnings.push(Warning {
                line,
                message: format!("{what} has no title or text"),
            });
        } else {
            self.articles.push(article);
        }
    }
}

/// A non-fatal problem in a file, with its line when one applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Why a whole file was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// The content is not text (NUL bytes, or not decodable).
    Binary,
    /// No text at all.
    Empty,
    /// Larger than the size limit.
    TooLarge { size: u64, limit: u64 },
    /// The file could not be read.
    Unreadable(String),
    /// The content could not be parsed.
    Parse {
        line: Option<usize>,
        message: String,
    },
    /// Not a format veille reads (e.g. an `.xml` file that is not a feed).
    Unsupported(String),
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skip::Binary => f.write_str("binary file"),
            Skip::Empty => f.write_str("empty file"),
            Skip::TooLarge { size, limit } => {
                write!(f, "too large ({size} bytes, limit {limit})")
            }
            Skip::Unreadable(e) => write!(f, "unreadable: {e}"),
            Skip::Parse {
                line: Some(line),
                message,
            } => write!(f, "parse error at line {line}: {message}"),
            Skip::Parse {
                line: None,
                message,
            } => write!(f, "parse error: {message}"),
            Skip::Unsupported(why) => write!(f, "unsupported: {why}"),
        }
    }
}

/// The formats veille reads, known from a file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.txt`
    Text,
    /// `.md`, `.markdown`
    Markdown,
    /// `.html`, `.htm`
    Html,
    /// `.json`: one object or an array of objects.
    Json,
    /// `.jsonl`, `.ndjson`: one object per line.
    JsonLines,
    /// `.xml`, `.rss`, `.atom`: RSS or Atom, checked from the content.
    Feed,
}

impl Format {
    /// The format of a path, from its extension (case-insensitive).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        let format = match ext.as_str() {
            "txt" => Format::Text,
            "md" | "markdown" => Format::Markdown,
            "html" | "htm" => Format::Html,
            "json" => Format::Json,
            "jsonl" | "ndjson" => Format::JsonLines,
            "xml" | "rss" | "atom" => Format::Feed,
            _ => return None,
        };
        Some(format)
    }
}

/// Lists the source files under `root`, sorted by relative path.
///
/// Symbolic links are followed; a link that loops back to one of its
/// ancestors, an unreadable directory or a broken link is reported in
/// [`Walk::problems`] and the walk goes on. Hidden entries (a name starting
/// with `.`) and the directories in `skip` (typically the index itself) are
/// left out, as are files whose extension is not one [`Format`] knows
/// (counted in [`Walk::other`]).
///
/// Fails only when `root` is not a directory.
pub fn walk(root: &Path, skip: &[PathBuf]) -> Result<Walk> {
    if !fs::metadata(root).is_ok_and(|m| m.is_dir()) {
        return Err(Error::NotADirectory(root.to_path_buf()));
    }
    let skip: Vec<PathBuf> = skip
        .iter()
        .filter_map(|p| fs::canonicalize(p).ok())
        .collect();
    let mut walk = Walk::default();
    let mut found = Vec::new();
    let entries = WalkDir::new(root)
        .follow_links(true)
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0 || (!is_hidden(entry) && !is_skipped(entry, &skip))
        });
    for entry in entries {
        match entry {
            Ok(entry) => {
                if !entry.file_type().is_file() {
                    continue;
                }
                if Format::from_path(entry.path()).is_none() {
                    *walk.other.entry(extension(entry.path())).or_default() += 1;
                    continue;
                }
                found.push(entry);
            }
            Err(e) => walk.problems.push(walk_problem(root, &e)),
        }
    }
    // The size and mtime of each file take a `stat` of its whole path:
    // most of a run that finds nothing to do. They are asked on every core.
    let stats: Vec<_> = found
        .par_iter()
        .map(|entry| source_file(root, entry))
        .collect();
    for (entry, stat) in found.iter().zip(stats) {
        match stat {
            Ok(file) => walk.files.push(file),
            Err(e) => walk.problems.push((entry.path().to_path_buf(), e)),
        }
    }
    walk.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(walk)
}

/// Reads a whole file, refusing it when larger than `limit` bytes.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, Skip> {
    let unreadable = |e: std::io::Error| Skip::Unreadable(e.to_string());
    let size = fs::metadata(path).map_err(unreadable)?.len();
    if size > limit {
        return Err(Skip::TooLarge { size, limit });
    }
    // The file may have grown since: never read more than the limit allows.
    let file = fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    let read = bytes.len() as u64;
    if read > limit {
        return Err(Skip::TooLarge { size: read, limit });
    }
    Ok(bytes)
}

/// Decodes a file's content and parses it according to its extension.
///
/// A file that yields no article and no warning is [`Skip::Empty`]; one that
/// yields no article but warnings (every JSONL line malformed, say) comes
/// back as it is, so the warnings say why.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Parsed, Skip> {
    let format = Format::from_path(path).ok_or_else(|| {
        let ext = path.extension().map(|e| e.to_string_lossy().into_owned());
        Skip::Unsupported(match ext {
            Some(ext) => format!("unknown extension '.{ext}'"),
            None => "no file extension".to_owned(),
        })
    })?;
    let decoded = decode::decode(bytes)?;
    let text = decoded.text.as_str();
    let mut parsed = match format {
        Format::Text => txt::parse(text),
        Format::Markdown => markdown::parse(text)?,
        Format::Html => html::parse(text),
        Format::Json => json::parse_json(text)?,
        Format::JsonLines => json::parse_lines(text),
        Format::Feed => feed::parse(text)?,
    };
    if let Some(warning) = decoded.warning {
        parsed.warnings.insert(0, warning);
    }
    cap_articles(&mut parsed);
    if parsed.articles.is_empty() && parsed.warnings.is_empty() {
        return Err(Skip::Empty);
    }
    Ok(parsed)
}

/// Cuts every article's text to [`MAX_ARTICLE_TEXT_BYTES`], with a warning
/// for each article cut.
fn cap_articles(parsed: &mut Parsed) {
    let many = parsed.articles.len() > 1;
    for (n, article) in parsed.articles.iter_mut().enumerate() {
        if cap_article(article) {
            let which = if many {
                format!("article {}: ", n + 1)
            } else {
                String::new()
            };
            parsed.warnings.push(Warning {
                line: None,
                message: format!("{which}{}", cut_message()),
            });
        }
    }
}

/// Cuts an article's texts to [`MAX_ARTICLE_TEXT_BYTES`]; true when one was.
fn cap_article(article: &mut Article) -> bool {
    let mut cut = cap_text(&mut article.body);
    for field in [&mut article.title, &mut article.lead]
        .into_iter()
        .flatten()
    {
        cut |= cap_text(field);
    }
    cut
}

/// The warning for an article whose text was cut.
fn cut_message() -> String {
    format!("text cut at {MAX_ARTICLE_TEXT_BYTES} bytes")
}

/// The hash of a file's content that the index records (the first 8 bytes
/// of its BLAKE3 digest); [`dump::read`] gives the same while it reads.
pub fn content_hash(bytes: &[u8]) -> u64 {
    short_hash(&blake3::hash(bytes))
}

/// [`content_hash`] of a file, read piece by piece.
pub fn file_hash(path: &Path) -> Result<u64, Skip> {
    let unreadable = |e: std::io::Error| Skip::Unreadable(e.to_string());
    let file = fs::File::open(path).map_err(unreadable)?;
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(file).map_err(unreadable)?;
    Ok(short_hash(&hasher.finalize()))
}

/// The first 8 bytes of a digest, the hash the index keeps.
fn short_hash(digest: &blake3::Hash) -> u64 {
    u64::from_le_bytes(digest.as_bytes()[..8].try_into().expect("8 bytes"))
}

/// Cuts `text` to at most [`MAX_ARTICLE_TEXT_BYTES`] at a character
/// boundary, and frees the rest; true when it was cut.
fn cap_text(text: &mut String) -> bool {
    if text.len() <= MAX_ARTICLE_TEXT_BYTES {
        return false;
    }
    let mut end = MAX_ARTICLE_TEXT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text.shrink_to_fit();
    true
}

/// A path's extension, lower-case with its dot (`".pdf"`); `""` when none.
fn extension(path: &Path) -> String {
    path.extension().map_or_else(String::new, |e| {
        format!(".{}", e.to_string_lossy().to_lowercase())
    })
}

/// True for entries whose name starts with a dot.
fn is_hidden(entry: &DirEntry) -> bool {
    entry.file_name().to_string_lossy().starts_with('.')
}

/// True for directories that are one of `skip` (already canonical).
fn is_skipped(entry: &DirEntry, skip: &[PathBuf]) -> bool {
    !skip.is_empty()
        && entry.file_type().is_dir()
        && fs::canonicalize(entry.path()).is_ok_and(|p| skip.contains(&p))
}

/// Builds the [`SourceFile`] of a walked file.
fn source_file(root: &Path, entry: &DirEntry) -> Result<SourceFile, String> {
    let meta = entry.metadata().map_err(|e| e.to_string())?;
    Ok(SourceFile {
        path: entry.path().to_path_buf(),
        rel: relative(root, entry.path()),
        size: meta.len(),
        mtime_ns: meta.modified().map(unix_nanos).unwrap_or(0),
    })
}

/// `path` relative to `root`, with `/` separators whatever the platform.
fn relative(root: &Path, path: &Path) -> String {
    // The walk names each file the root joined with the names below it:
    // where separators are already `/`, the rest of the string is the
    // answer, with no parsing into components (a tenth of a run with
    // nothing to do).
    if std::path::MAIN_SEPARATOR == '/' {
        let root = root.as_os_str().as_encoded_bytes();
        let root = root.strip_suffix(b"/").unwrap_or(root);
        let rest = path
            .as_os_str()
            .as_encoded_bytes()
            .strip_prefix(root)
            .and_then(|r| r.strip_prefix(b"/"));
        let plain = |rest: &[u8]| {
            rest.split(|&b| b == b'/')
                .all(|c| !c.is_empty() && c != b".")
        };
        if let Some(rest) = rest.filter(|r| plain(r)) {
            return String::from_utf8_lossy(rest).into_owned();
        }
    }
    relative_by_components(root, path)
}

/// [`relative`], component by component: for any path, on any platform.
fn relative_by_components(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<_> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

/// Nanoseconds since the Unix epoch (negative before it, saturating).
fn unix_nanos(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_nanos()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_nanos()).map_or(i64::MIN, |n| -n),
    }
}

/// Turns a walkdir error into a `(path, message)` problem.
fn walk_problem(root: &Path, e: &walkdir::Error) -> (PathBuf, String) {
    let path = e.path().unwrap_or(root).to_path_buf();
    let message = match (e.loop_ancestor(), e.io_error()) {
        (Some(ancestor), _) => format!("symbolic link loop back to {}", ancestor.display()),
        (None, Some(io)) => io.to_string(),
        (None, None) => e.to_string(),
    };
    (path, message)
}

/// What the format tests compare parsed articles with.
#[cfg(test)]
mod expect {
    use super::article::Article;
    use super::Parsed;
    use serde_json::Value;

    /// The article a test expects, its fields written as JSON (dates in
    /// RFC 3339); the fields left out are empty.
    pub(super) fn article(fields: Value) -> Article {
        let mut all = serde_json::to_value(Article::default()).unwrap();
        for (key, value) in fields.as_object().expect("fields as a JSON object") {
            assert!(all.get(key).is_some(), "an article has no field '{key}'");
            all[key] = value.clone();
        }
        serde_json::from_value(all).expect("fields of an article")
    }

    /// Asserts that a file gave this one article, without a warning.
    pub(super) fn single(parsed: Parsed, fields: Value) {
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        assert_eq!(parsed.articles, vec![article(fields)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A temporary directory holding `files` (relative path, content).
    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (rel, content) in files {
            let path = dir.path().join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, content).unwrap();
        }
        dir
    }

    fn rels(walk: &Walk) -> Vec<&str> {
        walk.files.iter().map(|f| f.rel.as_str()).collect()
    }

    #[test]
    fn walk_lists_known_formats_sorted_and_skips_hidden_and_index() {
        let files = [
            "b.txt",
            "a/article.MD",
            "a/page.htm",
            "a/z.ndjson",
            "feeds/news.Rss",
            "feeds/old.atom",
            "feeds/data.xml",
            "x.json",
            "x.jsonl",
            "y.markdown",
            "y.html",
            ".hidden.txt",
            ".git/config.txt",
            "index/meta.json",
            "notes.pdf",
            "a/Scan.PDF",
            "a/b/report.pdf",
            "letter.docx",
            "a/cv.docx",
            ".secret.pdf",
            ".git/objects.pdf",
            "noext",
        ];
        let dir = tree(&files.map(|rel| (rel, "content")));
        let root = dir.path();
        let walk = walk(root, &[root.join("index")]).unwrap();
        assert_eq!(
            rels(&walk),
            vec![
                "a/article.MD",
                "a/page.htm",
                "a/z.ndjson",
                "b.txt",
                "feeds/data.xml",
                "feeds/news.Rss",
                "feeds/old.atom",
                "x.json",
                "x.jsonl",
                "y.html",
                "y.markdown",
            ]
        );
        assert!(walk.problems.is_empty(), "{:?}", walk.problems);
        // Other types are counted, by extension; hidden files are not.
        let other: Vec<(&str, usize)> = walk.other.iter().map(|(e, n)| (e.as_str(), *n)).collect();
        assert_eq!(other, vec![("", 1), (".docx", 2), (".pdf", 3)]);
        let file = &walk.files[3];
        assert_eq!(file.path, root.join("b.txt"));
        assert_eq!(file.size, 7);
        assert!(file.mtime_ns > 0);
    }

    #[test]
    fn skip_dirs_are_compared_canonically() {
        let dir = tree(&[("idx/a.json", "{}"), ("keep/b.txt", "b")]);
        let root = dir.path();
        let skip = root.join("keep/../idx");
        let walk = walk(root, &[skip]).unwrap();
        assert_eq!(rels(&walk), vec!["keep/b.txt"]);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_followed_and_loops_reported() {
        use std::os::unix::fs::symlink;
        let dir = tree(&[("real/a.txt", "a"), ("elsewhere/b.md", "b")]);
        let root = dir.path();
        symlink(root.join("elsewhere"), root.join("real/linked")).unwrap();
        symlink(root.join("real"), root.join("real/loop")).unwrap();
        symlink(root.join("missing.txt"), root.join("broken.txt")).unwrap();
        let walk = walk(&root.join("real"), &[]).unwrap();
        assert_eq!(rels(&walk), vec!["a.txt", "linked/b.md"]);
        assert_eq!(walk.problems.len(), 1, "{:?}", walk.problems);
        assert_eq!(walk.problems[0].0, root.join("real/loop"));
        assert!(walk.problems[0].1.contains("loop"), "{:?}", walk.problems);

        let walk = super::walk(root, &[]).unwrap();
        assert!(walk
            .problems
            .iter()
            .any(|(p, _)| p == &root.join("broken.txt")));
        assert!(rels(&walk).contains(&"real/a.txt"));
    }

    #[cfg(unix)]
    #[test]
    fn unreadable_directories_are_problems() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tree(&[("ok.txt", "ok"), ("locked/secret.txt", "s")]);
        let root = dir.path();
        let locked = root.join("locked");
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        let readable_anyway = fs::read_dir(&locked).is_ok(); // running as root
        let walk = walk(root, &[]).unwrap();
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
        if !readable_anyway {
            assert_eq!(rels(&walk), vec!["ok.txt"]);
            assert_eq!(walk.problems.len(), 1);
            assert_eq!(walk.problems[0].0, locked);
        }
    }

    #[test]
    fn relative_paths_are_the_same_by_either_way() {
        let cases = [
            ("/data/news", "/data/news/a.json"),
            ("/data/news/", "/data/news/2024/b.md"),
            (".", "./a/b.txt"),
            ("./news", "./news/x/y.html"),
            ("/", "/a/b"),
            ("news", "news/./a.txt"),
            ("news", "news//a.txt"),
            ("/data/news", "/data/newsroom/a.txt"),
        ];
        for (root, path) in cases {
            let (root, path) = (Path::new(root), Path::new(path));
            assert_eq!(
                relative(root, path),
                relative_by_components(root, path),
                "{root:?} {path:?}"
            );
        }
    }

    #[test]
    fn walk_root_must_be_a_directory() {
        let dir = tree(&[("f.txt", "x")]);
        let file = dir.path().join("f.txt");
        assert!(matches!(walk(&file, &[]), Err(Error::NotADirectory(p)) if p == file));
        let missing = dir.path().join("missing");
        assert!(matches!(walk(&missing, &[]), Err(Error::NotADirectory(_))));
    }

    #[test]
    fn read_bytes_checks_the_limit() {
        let dir = tree(&[("f.txt", "0123456789")]);
        let file = dir.path().join("f.txt");
        assert_eq!(read_bytes(&file, 10).unwrap(), b"0123456789");
        assert_eq!(
            read_bytes(&file, 9).unwrap_err(),
            Skip::TooLarge { size: 10, limit: 9 }
        );
        assert!(matches!(
            read_bytes(&dir.path().join("missing.txt"), 10),
            Err(Skip::Unreadable(_))
        ));
    }

    #[test]
    fn parse_dispatches_on_extension() {
        let txt = parse(Path::new("a/NOTE.TXT"), "Titre\n\nL’été.".as_bytes()).unwrap();
        assert_eq!(txt.articles[0].title.as_deref(), Some("Titre"));
        let md = parse(Path::new("a.md"), b"# Hello\n\nWorld").unwrap();
        assert_eq!(md.articles[0].title.as_deref(), Some("Hello"));
        let html = parse(Path::new("a.html"), b"<title>T</title><p>x</p>").unwrap();
        assert_eq!(html.articles[0].body, "x");
        let json = parse(Path::new("a.json"), br#"[{"title": "a"}, {"title": "b"}]"#).unwrap();
        assert_eq!(json.articles.len(), 2);
        let jsonl = parse(
            Path::new("a.jsonl"),
            b"{\"title\": \"a\"}\n{\"title\": \"b\"}\n",
        )
        .unwrap();
        assert_eq!(jsonl.articles.len(), 2);
        let rss = br#"<rss version="2.0"><channel><title>S</title><item><title>I</title></item></channel></rss>"#;
        assert_eq!(parse(Path::new("f.rss"), rss).unwrap().articles.len(), 1);
    }

    #[test]
    fn parse_reports_skips() {
        assert!(matches!(
            parse(Path::new("a.pdf"), b"x"),
            Err(Skip::Unsupported(_))
        ));
        assert!(matches!(
            parse(Path::new("README"), b"x"),
            Err(Skip::Unsupported(_))
        ));
        assert_eq!(parse(Path::new("a.txt"), b"").unwrap_err(), Skip::Empty);
        assert_eq!(
            parse(Path::new("a.txt"), b"\n \n").unwrap_err(),
            Skip::Empty
        );
        assert_eq!(
            parse(Path::new("a.txt"), b"a\0b").unwrap_err(),
            Skip::Binary
        );
        assert_eq!(
            parse(Path::new("a.xml"), b"<config><a/></config>").unwrap_err(),
            Skip::Unsupported("not an RSS or Atom feed".into())
        );
        assert_eq!(
            parse(Path::new("a.html"), b"<script>x</script>").unwrap_err(),
            Skip::Empty
        );
    }

    #[test]
    fn parse_keeps_the_decoding_warning_first() {
        let parsed = parse(Path::new("a.txt"), b"Titre\r\n\r\ncaf\xe9 cr\xe8me").unwrap();
        assert_eq!(parsed.articles[0].title.as_deref(), Some("Titre"));
        assert_eq!(parsed.articles[0].body, "café crème");
        assert_eq!(
            parsed.warnings,
            vec![Warning {
                line: Some(3),
                message: "not valid UTF-8; decoded as Windows-1252".into()
            }]
        );
    }

    #[test]
    fn parse_reads_utf16_json() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in r#"{"title": "L’été"}"#.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let parsed = parse(Path::new("a.json"), &bytes).unwrap();
        assert_eq!(parsed.articles[0].title.as_deref(), Some("L’été"));
    }

    #[test]
    fn parse_latin1_feed_with_declaration() {
        let mut bytes = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n".to_vec();
        bytes.extend_from_slice(
            b"<rss version=\"2.0\"><channel><title>S</title><item><title>\xc9t\xe9</title></item></channel></rss>",
        );
        let parsed = parse(Path::new("f.xml"), &bytes).unwrap();
        assert_eq!(parsed.articles[0].title.as_deref(), Some("Été"));
        assert_eq!(parsed.warnings[0].line, Some(2));
    }

    /// Token soup in every format: whatever the input, parsing returns.
    #[test]
    fn parse_never_panics_on_noise() {
        const TOKENS: &[&str] = &[
            "<",
            ">",
            "</",
            "<div>",
            "</div>",
            "<p>",
            "<pre>",
            "<script>",
            "</script>",
            "<rss version=\"2.0\">",
            "<channel>",
            "<item>",
            "<title>",
            "</title>",
            "<feed>",
            "<entry>",
            "<?xml",
            "?>",
            "<!--",
            "-->",
            "<![CDATA[",
            "]]>",
            "{",
            "}",
            "[",
            "]",
            "(",
            ")",
            "\"",
            ":",
            ",",
            "\\",
            "---",
            "+++",
            "\n",
            "\r",
            "\n\n",
            "# ",
            "**",
            "_",
            "`",
            "```",
            "~~",
            "![",
            "](",
            "title",
            "date",
            "é",
            "’",
            "\u{feff}",
            "\t",
            "2024-03-05",
            "&amp;",
            "&#",
            "| a |",
            "> ",
            "- ",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..400 {
            let mut text = String::new();
            let len = next() % 200;
            for _ in 0..len {
                text.push_str(TOKENS[(next() % TOKENS.len() as u64) as usize]);
            }
            let mut bytes = text.into_bytes();
            if round % 7 == 0 && !bytes.is_empty() {
                let at = (next() % bytes.len() as u64) as usize;
                bytes[at] = 0xE9;
            }
            for ext in ["txt", "md", "html", "json", "jsonl", "xml"] {
                let _ = parse(Path::new(&format!("f.{ext}")), &bytes);
            }
        }
    }
}
