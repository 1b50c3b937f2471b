//! The index on disk: creating, opening and versioning it.
//!
//! A veille index is a tantivy index plus `veille.json`, which records the
//! format version and the folders that were indexed into it. An index whose
//! version or schema differs from this build's is never read: the caller is
//! told, and `veille index` rebuilds it.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::directory::{Directory, MmapDirectory, INDEX_WRITER_LOCK};
use tantivy::Index;

use crate::analysis;
use crate::error::{Error, Result};
use crate::index::schema::{Fields, FORMAT_VERSION};

/// Name of veille's own metadata file inside the index folder.
pub const META_FILE: &str = "veille.json";

/// The index folder used when none is named.
pub const DEFAULT_INDEX: &str = "index";
/// The folder of articles indexed when none is named; the default index is
/// built from it when a search finds no index yet.
pub const DEFAULT_CORPUS: &str = "corpus";

/// Contents of `veille.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoreMeta {
    /// Layout version (see [`FORMAT_VERSION`]).
    pub format: u32,
    /// Canonical paths of the folders indexed into this index.
    #[serde(default)]
    pub roots: Vec<PathBuf>,
}

/// Payload attached to every commit: when it was made.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CommitPayload {
    /// RFC 3339 time of the commit.
    pub updated: String,
}

/// An open veille index.
pub struct Store {
    pub index: Index,
    pub fields: Fields,
    pub path: PathBuf,
    pub meta: StoreMeta,
}

/// What [`Store::open`] found at a path.
#[derive(Debug)]
pub enum Probe {
    /// No index (missing or empty folder).
    Missing,
    /// An index this build can read.
    Compatible,
    /// An index of another format; the string says why.
    Incompatible(String),
}

impl Store {
    /// Looks at a path without opening it for use.
    pub fn probe(path: &Path) -> Probe {
        let meta_path = path.join(META_FILE);
        if !path.join("meta.json").exists() && !meta_path.exists() {
            return Probe::Missing;
        }
        let meta: Option<StoreMeta> = fs::read(&meta_path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        let Some(meta) = meta else {
            return Probe::Incompatible(format!("{} is missing or unreadable", META_FILE));
        };
        if meta.format != FORMAT_VERSION {
            return Probe::Incompatible(format!(
                "index format {} (this veille writes format {})",
                meta.format, FORMAT_VERSION
            ));
        }
        match Index::open_in_dir(path) {
            Ok(index) if Fields::new().matches(&index.schema()) => Probe::Compatible,
            Ok(_) => Probe::Incompatible("its schema differs from this version's".into()),
            Err(e) => Probe::Incompatible(format!("tantivy cannot open it: {e}")),
        }
    }

    /// Opens an existing, compatible index for writing (merges read it
    /// front to back, so the kernel's read-ahead helps).
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, None, true)
    }

    /// Opens an existing, compatible index for searching. A search reads a
    /// few pages here and there (a posting list, a block of stored text), so
    /// the files are mapped for random access: without it the kernel reads
    /// ahead around every page touched, and a daemon's memory fills with
    /// pages no query asked for.
    pub fn open_for_search(path: &Path) -> Result<Store> {
        Store::open_with(path, Some(tantivy::directory::Advice::Random), false)
    }

    /// Opens an existing, compatible index for a process that makes one
    /// search and exits: the kernel's default read-ahead, which faults
    /// neighbouring pages in together, serves it better (about 1.5 ms of a
    /// `veille search`), and it does not live long enough for the extra
    /// pages to crowd its memory.
    pub fn open_for_one_search(path: &Path) -> Result<Store> {
        Store::open_with(path, None, false)
    }

    /// Opens with the given access advice; `writing` registers the analysis
    /// chains with tantivy, which only a writer needs (searching analyses
    /// with [`analysis::analyzer`] directly).
    fn open_with(
        path: &Path,
        advice: Option<tantivy::directory::Advice>,
        writing: bool,
    ) -> Result<Store> {
        if !path.join("meta.json").exists() && !path.join(META_FILE).exists() {
            return Err(Error::NoIndex(path.to_path_buf()));
        }
        let incompatible = |found: u32| Error::IncompatibleIndex {
            path: path.to_path_buf(),
            found,
            expected: FORMAT_VERSION,
        };
        let meta = read_meta(path).ok_or_else(|| incompatible(0))?;
        if meta.format != FORMAT_VERSION {
            return Err(incompatible(meta.format));
        }
        let dir = match advice {
            Some(advice) => MmapDirectory::open_with_madvice(path, advice),
            None => MmapDirectory::open(path),
        }
        .map_err(|e| Error::Tantivy(e.into()))?;
        // The same checks as [`Store::probe`], on the one opening.
        let index = Index::open(dir).map_err(|_| incompatible(meta.format))?;
        let fields = Fields::new();
        if !fields.matches(&index.schema()) {
            return Err(incompatible(meta.format));
        }
        if writing {
            analysis::register(index.tokenizers());
        }
        Ok(Store {
            index,
            fields,
            path: path.to_path_buf(),
            meta,
        })
    }

    /// Creates a new, empty index at `path`, removing an old index there
    /// first. A folder that holds anything other than an index is refused.
    pub fn create(path: &Path) -> Result<Store> {
        fs::create_dir_all(path).map_err(|e| Error::io(path, e))?;
        let lock_file = path.join(".tantivy-writer.lock");
        let had_lock_file = lock_file.exists();
        let dir = MmapDirectory::open(path).map_err(|e| Error::Tantivy(e.into()))?;
        // tantivy's writer lock is held while the folder is checked, the old
        // index wiped and the new one made. Without it, a `--rebuild` (or
        // the rebuild of an old-format index) deleted the files of another
        // process writing this index, and both went on writing; and a run
        // that looked at the folder while another was creating the index
        // saw a half-made index and refused it as a foreign folder. Now it
        // stops with `Error::Locked`. The lock is released before
        // returning: the caller's writer takes it again.
        let lock = dir
            .acquire_lock(&INDEX_WRITER_LOCK)
            .map_err(|_| Error::Locked(path.to_path_buf()))?;
        if let Err(e) = check_index_folder(path) {
            // Leave a folder that is not ours as it was.
            drop(lock);
            if !had_lock_file {
                let _ = fs::remove_file(&lock_file);
            }
            return Err(e);
        }
        wipe_index_files(path)?;
        let fields = Fields::new();
        // The stored text is most of the index: zstd keeps it about a third
        // smaller than tantivy's default lz4, for a few tens of microseconds
        // more per hit read.
        let settings = tantivy::IndexSettings {
            docstore_compression: tantivy::store::Compressor::Zstd(
                tantivy::store::ZstdCompressor::default(),
            ),
            ..Default::default()
        };
        let index = Index::create(dir, fields.schema.clone(), settings)?;
        analysis::register(index.tokenizers());
        let store = Store {
            index,
            fields,
            path: path.to_path_buf(),
            meta: StoreMeta {
                format: FORMAT_VERSION,
                roots: Vec::new(),
            },
        };
        store.save_meta()?;
        drop(lock);
        Ok(store)
    }

    /// Writes `veille.json` atomically.
    pub fn save_meta(&self) -> Result<()> {
        let target = self.path.join(META_FILE);
        let tmp = self.path.join(format!("{META_FILE}.tmp"));
        let bytes = serde_json::to_vec_pretty(&self.meta).expect("meta serialises");
        fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
        fs::rename(&tmp, &target).map_err(|e| Error::io(&target, e))
    }

    /// Total size of the index files, in bytes.
    pub fn size_bytes(&self) -> u64 {
        dir_size(&self.path)
    }

    /// The folders the index at `path` records it was made from, read even
    /// when the index is of another format (so that it can be rebuilt);
    /// empty when its metadata cannot be read.
    pub fn recorded_roots(path: &Path) -> Vec<PathBuf> {
        read_meta(path).map(|m| m.roots).unwrap_or_default()
    }

    /// Time of the last commit, from its payload.
    pub fn last_update(&self) -> Option<String> {
        let metas = self.index.load_metas().ok()?;
        let payload = metas.payload?;
        serde_json::from_str::<CommitPayload>(&payload)
            .ok()
            .map(|p| p.updated)
    }
}

fn read_meta(path: &Path) -> Option<StoreMeta> {
    fs::read(path.join(META_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
}

fn dir_size(path: &Path) -> u64 {
    fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// A user's glossary of cross-language search, kept beside the index
/// (see [`crate::search::translate`]).
pub const GLOSSARY_FILE: &str = "glossary.tsv";

/// Files that may stand in an index folder besides the index itself.
const KEEP: &[&str] = &[".gitignore", GLOSSARY_FILE];

/// tantivy's lock files: never removed, since another process may hold them.
const LOCK_FILES: &[&str] = &[".tantivy-writer.lock", ".tantivy-meta.lock"];

/// Refuses a folder that holds files that do not look like an index, so
/// that a mistyped `--index` never deletes a user's documents (checked
/// before anything, even a lock file, is written there).
fn check_index_folder(path: &Path) -> Result<()> {
    wipe_or_check(path, false)
}

/// Removes an index's files from `path`, after [`check_index_folder`]'s check.
fn wipe_index_files(path: &Path) -> Result<()> {
    wipe_or_check(path, true)
}

fn wipe_or_check(path: &Path, wipe: bool) -> Result<()> {
    let entries: Vec<_> = fs::read_dir(path)
        .map_err(|e| Error::io(path, e))?
        .filter_map(|e| e.ok())
        .collect();
    let names: Vec<String> = entries
        .iter()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !KEEP.contains(&n.as_str()))
        .collect();
    if names.is_empty() || names.iter().all(|n| LOCK_FILES.contains(&n.as_str())) {
        return Ok(());
    }
    let is_index = names.iter().any(|n| n == "meta.json" || n == META_FILE);
    let foreign = names.iter().find(|n| !looks_like_index_file(n));
    if !is_index || foreign.is_some() {
        return Err(Error::NotAnIndexFolder {
            path: path.to_path_buf(),
            found: foreign.cloned(),
        });
    }
    if !wipe {
        return Ok(());
    }
    for entry in entries {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if KEEP.contains(&name.as_ref()) || LOCK_FILES.contains(&name.as_ref()) {
            continue;
        }
        let p = entry.path();
        fs::remove_file(&p).map_err(|e| Error::io(&p, e))?;
    }
    Ok(())
}

fn looks_like_index_file(name: &str) -> bool {
    const EXT: &[&str] = &[
        "idx",
        "pos",
        "term",
        "store",
        "fast",
        "fieldnorm",
        "del",
        "json",
        "tmp",
        "lock",
    ];
    name == "meta.json"
        || name == ".managed.json"
        || name.starts_with(META_FILE)
        || name.starts_with(".tantivy")
        // tantivy's atomic writes (meta.json) go through a `.tmpXXXXXX`
        // file: a folder being written by another process holds one.
        || name.starts_with(".tmp")
        || name
            .rsplit('.')
            .next()
            .is_some_and(|ext| EXT.contains(&ext))
}
