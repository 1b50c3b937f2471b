//! veille: a language-aware full-text search engine for tech news.
//!
//! The library does all the work; the `veille` binary only parses arguments
//! and turns results into exit codes. Modules follow the path of an article:
//! [`ingest`] finds and parses files, [`lang`] detects the language,
//! [`analysis`] turns text into terms per language, [`schema`] and
//! [`indexer`] store them in tantivy, [`search`] and [`snippet`] answer
//! queries, and [`render`] prints the answers.

pub mod analysis;
pub mod article;
pub mod error;
pub mod ingest;
pub mod lang;

pub use article::Article;
pub use error::{Error, Result};
