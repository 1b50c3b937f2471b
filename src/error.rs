//! The library's error type: every failure a caller may want to tell apart.
//!
//! Messages speak of the library's own things (a folder, an origin, a
//! thread pool), never of command-line flags: the binary adds those. A
//! variant that wraps another keeps it as its `source`, so that a caller
//! printing the whole chain sees each step once.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Result alias used across the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Errors raised by the veille library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An I/O error on a named file or directory.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// An I/O error of the process itself (threads, signals, the runtime),
    /// tied to no file; `doing` says what was being done.
    #[error("{doing}")]
    System {
        doing: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// The directory to index does not exist or is not a directory.
    #[error("{}: not a directory", .0.display())]
    NotADirectory(PathBuf),
    /// An error reported by tantivy.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The index at this path was written by an incompatible version.
    #[error("{}: index format {found} is not supported (expected {expected})", path.display())]
    IncompatibleIndex {
        path: PathBuf,
        found: u32,
        expected: u32,
    },
    /// No index exists at this path.
    #[error("{}: no index here (run `veille index` first)", .0.display())]
    NoIndex(PathBuf),
    /// An index of another format, that none of the folders it was made
    /// from can rebuild any more (they are gone, or it does not say).
    #[error("{}: {why}; none of the folders it was made from is left to rebuild it", path.display())]
    NothingToRebuildFrom { path: PathBuf, why: String },
    /// A folder meant for an index holds something else; it is left alone.
    #[error(
        "{} is not empty and does not look like a veille index{}; refusing to overwrite it",
        path.display(),
        found.as_ref().map(|n| format!(" (it contains {n})")).unwrap_or_default()
    )]
    NotAnIndexFolder {
        path: PathBuf,
        /// A file that an index would not hold.
        found: Option<String>,
    },
    /// Indexing a folder into an index failed (while building an index to
    /// open it).
    #[error("indexing {} into {}", root.display(), index.display())]
    Indexing {
        root: PathBuf,
        index: PathBuf,
        #[source]
        source: Box<Error>,
    },
    /// Another process holds the index writer lock.
    #[error("{}: the index is being written by another process", .0.display())]
    Locked(PathBuf),
    /// The worker threads of an indexing run could not be started.
    #[error("cannot start the worker threads")]
    ThreadPool(#[source] rayon::ThreadPoolBuildError),
    /// A parameter given by the user is invalid.
    #[error("invalid {name}: {message}")]
    InvalidParameter { name: &'static str, message: String },
    /// A language code that veille does not know.
    #[error("unknown language {0:?}")]
    UnknownLanguage(String),
    /// The configuration file is not valid TOML, or holds a value veille
    /// does not accept; `line` is where, when known.
    #[error(
        "{}{}: {message}",
        path.display(),
        line.map(|n| format!(": line {n}")).unwrap_or_default()
    )]
    Config {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
    /// A web origin allowed to make cross-origin requests is malformed.
    #[error("{0:?} is not an origin (expected e.g. https://example.org or *)")]
    BadOrigin(String),
    /// The daemon cannot listen on its address.
    #[error("cannot listen on {addr}")]
    Listen {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    /// The file watcher cannot watch a folder.
    #[error("watching {}", path.display())]
    Watch {
        path: PathBuf,
        #[source]
        source: notify_debouncer_full::notify::Error,
    },
    /// A bad line of a vocabulary of cross-language search (a glossary, or
    /// a file of `data/translate/`).
    #[error("{}: line {line}: {message}", path.display())]
    Vocabulary {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// A malformed line of an evaluation input.
    #[error(transparent)]
    Format(#[from] crate::eval::qrels::FormatError),
    /// An input file that should hold documents holds none.
    #[error("{}: no documents", .0.display())]
    NoDocuments(PathBuf),
    /// A system under evaluation failed; `step` says at what (a question,
    /// or building its index).
    #[error("{system}: {step}")]
    Evaluation {
        system: String,
        step: String,
        #[source]
        source: Box<Error>,
    },
    /// An output stream (an export written to a file or to standard
    /// output) could not be written. The I/O error is the source, so that a
    /// closed pipe can be told apart.
    #[error("write failed")]
    Write(#[source] std::io::Error),
    /// A name that cannot serve as an OpenSearch index name.
    #[error(
        "{name:?} is not a usable index name (lowercase letters, digits, `-`, `_` \
         and `.`, starting with a letter or digit, at most {max_bytes} bytes)"
    )]
    InvalidIndexName { name: String, max_bytes: usize },
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Wraps an I/O error of the process with what was being done.
    pub fn system(doing: &'static str, source: std::io::Error) -> Self {
        Error::System { doing, source }
    }

    /// Builds an invalid-parameter error.
    pub fn param(name: &'static str, message: impl Into<String>) -> Self {
        Error::InvalidParameter {
            name,
            message: message.into(),
        }
    }
}
