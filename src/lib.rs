//! veille: a language-aware full-text search engine for tech news.
//!
//! The library does all the work, with typed options and errors; the
//! `veille` binary (`src/main.rs`, `src/cli/`) parses the command line,
//! reports errors and turns outcomes into exit codes. The folders follow
//! the two flows:
//!
//! - ingestion → analysis → index: [`ingest`] finds and parses files into
//!   [`Article`]s, [`analysis`] detects their language and turns text into
//!   terms per language, [`index`] keeps them in tantivy;
//! - query → ranking → snippets → rendering: [`search`] parses and ranks a
//!   query and cuts snippets, and [`render`] prints the answers.
//!
//! The outer layers use both: [`server`] (the daemon), [`export`] and
//! [`eval`]; [`config`] reads the configuration file that the command line
//! and the daemon share.

pub mod analysis;
pub mod config;
pub mod error;
pub mod eval;
pub mod export;
pub mod index;
pub mod ingest;
pub mod render;
pub mod search;
pub mod server;

pub use error::{Error, Result};
pub use ingest::article::Article;
