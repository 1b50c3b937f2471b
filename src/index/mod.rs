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

/// Every term of a string or bytes fast field's dictionary, in ordinal
/// order, each made into a `T` by `make`: what the writer reads of the
/// file keys and languages, and grouping of the fingerprints.
pub(crate) fn column_terms<T>(
    column: &tantivy::columnar::BytesColumn,
    mut make: impl FnMut(&[u8]) -> T,
) -> crate::error::Result<Vec<T>> {
    let mut terms = Vec::with_capacity(column.dictionary().num_terms());
    let mut stream = column
        .dictionary()
        .stream()
        .map_err(tantivy::TantivyError::from)?;
    while stream.advance() {
        terms.push(make(stream.key()));
    }
    Ok(terms)
}
