//! A small index on disk for the unit tests of search: text files indexed
//! by the real writer, so the tests see the fields, chains and segments a
//! user's index has.

use std::fs;

use crate::index::writer::{self, IndexOptions};
use crate::search::Engine;

/// Indexes each batch of `(file name, text)` in a commit of its own (one
/// segment each), then opens the index. The folder lives as long as the
/// returned guard.
pub(crate) fn index<S: AsRef<str>>(batches: &[&[(S, S)]]) -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    fs::create_dir(&docs).unwrap();
    let index = dir.path().join("idx");
    for batch in batches {
        for (name, text) in *batch {
            fs::write(docs.join(name.as_ref()), text.as_ref()).unwrap();
        }
        writer::run(&IndexOptions::new(&docs, &index)).unwrap();
    }
    let engine = Engine::open(&index).unwrap();
    (dir, engine)
}
