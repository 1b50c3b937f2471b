//! The index: how articles are kept in tantivy and kept up to date.
//!
//! [`schema`] names the fields, [`document`] turns an article into a
//! document and back, [`store`] opens and creates the index folder,
//! [`writer`] adds, updates and removes the articles of a folder of files
//! (its documents wait for tantivy in a queue bounded in bytes, `queue`;
//! `neighbours` gives the short ones the language of their feed or folder),
//! [`open`] opens an index to search it (building it when there is none),
//! and [`stats`] counts what the index holds.

pub mod document;
mod neighbours;
pub mod open;
mod queue;
pub mod schema;
pub mod stats;
pub mod store;
pub mod writer;
