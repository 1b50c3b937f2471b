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
use crate::search::Engine;

/// What `veille export opensearch` is asked to write.
#[derive(Debug, Clone)]
pub struct OpenSearchExport {
    /// Folder of the settings, bulk files and load script (created).
    pub out: PathBuf,
    /// Name of the OpenSearch index.
    pub name: String,
    /// Primary shards of the OpenSearch index (at least 1).
    pub shards: u32,
    /// Largest size of a bulk file, in bytes (at least 1).
    pub max_part_bytes: u64,
}

/// What an OpenSearch export wrote.
#[derive(Debug)]
pub struct OpenSearchSummary {
    pub articles: u64,
    pub parts: Vec<bulk::Part>,
    /// Bytes of all the bulk files.
    pub bytes: u64,
    /// The load script.
    pub script: PathBuf,
    /// Bulk files left in the folder by an earlier, larger export.
    pub stale: Vec<String>,
}

/// Writes the settings, the `_bulk` files of every stored article and the
/// load script of `engine`'s index into `job.out`.
pub fn opensearch_files(engine: &Engine, job: &OpenSearchExport) -> Result<OpenSearchSummary> {
    opensearch::check_index_name(&job.name)?;
    if job.shards == 0 {
        return Err(Error::param("shards", "at least 1"));
    }
    if job.max_part_bytes == 0 {
        return Err(Error::param("bulk file size", "at least 1 byte"));
    }
    let out = &job.out;
    write_settings(out, job.shards)?;
    let mut writer = bulk::BulkWriter::new(out, &job.name, job.max_part_bytes);
    let searcher = engine.searcher();
    let articles = stored::for_each_article(&engine.store.fields, &searcher, |article| {
        writer.add(&article)
    })?;
    let parts = writer.finish()?;
    let script = out.join(load_sh::SCRIPT_FILE);
    load_sh::write(&script, &job.name, &parts).map_err(|e| Error::io(&script, e))?;
    let stale = bulk::stale_parts(out, &parts)?;
    let bytes = parts.iter().map(|p| p.bytes).sum();
    Ok(OpenSearchSummary {
        articles,
        parts,
        bytes,
        script,
        stale,
    })
}

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
