//! Exporting the index (`veille export`): the way out of one machine.
//!
//! A newsroom that outgrows a single veille index moves to a distributed
//! engine rather than to a cluster layer of our own. Two exports serve that:
//!
//! - `veille export opensearch` writes what an OpenSearch (or Elasticsearch)
//!   cluster needs to hold the same articles with the same analysis: index
//!   settings whose analyzers rebuild each veille chain from built-in
//!   filters ([`opensearch`]), `_bulk` files ([`bulk`]) and a script that
//!   loads them with curl ([`load_sh`]);
//! - `veille export jsonl` writes every article as one JSON object a line
//!   ([`jsonl`]), in the form `veille index` reads back, so that an index can
//!   be rebuilt elsewhere, or by another version, with the same ids.
//!
//! Both read the stored articles segment by segment ([`stored`]): memory
//! stays flat however large the index is. This module holds the files both
//! write besides the articles: the settings, and the output file itself.

pub mod bulk;
pub mod jsonl;
pub mod load_sh;
pub mod opensearch;
pub mod stored;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Writes the OpenSearch index settings and mappings for `shards` primary
/// shards into `dir` (created if needed); returns the file's path.
pub fn write_settings(dir: &Path, shards: u32) -> Result<PathBuf> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = dir.join(opensearch::SETTINGS_FILE);
    let mut text =
        serde_json::to_string_pretty(&opensearch::settings(shards)).expect("settings serialise");
    text.push('\n');
    fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    Ok(path)
}

/// Creates (or truncates) the file an export is written to, and the
/// folders above it.
pub fn create_file(path: &Path) -> Result<io::BufWriter<fs::File>> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let file = fs::File::create(path).map_err(|e| Error::io(path, e))?;
    Ok(io::BufWriter::new(file))
}
