//! Ingestion: finding source files and turning each into [`Article`]s.
//!
//! The walker lists candidate files with their size and mtime (what
//! incremental indexing compares); [`read_bytes`] loads one within the size
//! limit; [`parse`] decodes and dispatches on the format. Problems with one
//! file never stop the others: they come back as a [`Skip`] (the whole file
//! is left out) or as [`Warning`]s (part of it was).

use std::fmt;
use std::path::{Path, PathBuf};

use crate::article::Article;

/// Default size limit for one source file: 50 MB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;

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
}

/// What was read from one file.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The articles, in file order.
    pub articles: Vec<Article>,
    /// Non-fatal problems (a bad JSONL line, a lossy decoding).
    pub warnings: Vec<Warning>,
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
    Parse { line: Option<usize>, message: String },
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
