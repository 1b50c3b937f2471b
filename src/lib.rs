//! veille: a language-aware full-text search engine for tech news.
//!
//! The library does all the work; the `veille` binary only parses arguments
//! and turns results into exit codes. Modules follow the path of an article:
//! [`ingest`] finds and parses files, [`lang`] detects the language,
//! [`analysis`] turns text into terms per language, [`schema`], [`store`]
//! and [`indexer`] keep them in tantivy, [`query`], [`search`] and
//! [`snippet`] answer queries, and [`render`] prints the answers.

pub mod analysis;
pub mod article;
pub mod cli;
pub mod dedup;
pub mod error;
pub mod eval;
pub mod export;
pub mod facets;
pub mod indexer;
pub mod ingest;
pub mod lang;
pub mod presence;
pub mod query;
pub mod render;
pub mod schema;
pub mod search;
pub mod server;
pub mod snippet;
pub mod stats;
pub mod store;

pub use article::Article;
pub use error::{Error, Result};
