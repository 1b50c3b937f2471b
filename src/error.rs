//! The library's error type: every failure a caller may want to tell apart.

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
    /// Another process holds the index writer lock.
    #[error("{}: the index is being written by another process", .0.display())]
    Locked(PathBuf),
    /// A parameter given by the user is invalid.
    #[error("invalid {name}: {message}")]
    InvalidParameter { name: &'static str, message: String },
    /// A language code that veille does not know.
    #[error("unknown language {0:?}")]
    UnknownLanguage(String),
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

    /// Builds an invalid-parameter error.
    pub fn param(name: &'static str, message: impl Into<String>) -> Self {
        Error::InvalidParameter {
            name,
            message: message.into(),
        }
    }
}
