//! Opening an index to search it, building it first when there is none.
//!
//! Every command that searches (`search`, `eval`, `serve`, `serve --watch`)
//! opens its index through [`open_or_build`], so that they agree on when an
//! index is built or rebuilt and from which folders. The index is opened
//! first, and only when there is none, or one of a format this build does
//! not read, is it looked at more closely: opening first reads the index's
//! metadata once in the usual case.
//!
//! The library prints nothing here: what it builds is told to the caller
//! as [`Event`]s, and the caller decides how to show them.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::index::store::{Probe, Store, DEFAULT_CORPUS, DEFAULT_INDEX};
use crate::index::writer::{self, IndexOptions, Report};

/// Where an index that cannot be opened is built from.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// An index of another format is rebuilt from the folders it records;
    /// a missing one is an error, except the default index, which is built
    /// from [`DEFAULT_CORPUS`] when that folder exists.
    Recorded,
    /// A missing index, or one of another format, is built from this folder
    /// (the folder a daemon watches).
    Folder(&'a Path),
}

/// Why an index is being built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// There was no index.
    Missing,
    /// The index was of another format; the string says how.
    Incompatible(String),
}

/// What [`open_or_build`] does, as it does it.
#[derive(Debug)]
pub enum Event<'a> {
    /// The index at `index` is about to be built from `from`, in order.
    Building {
        index: &'a Path,
        from: &'a [PathBuf],
        why: &'a Why,
    },
    /// One folder has been indexed into it.
    Indexed { root: &'a Path, report: &'a Report },
}

/// An opened index.
#[derive(Debug)]
pub struct Opened<T> {
    /// What the `open` function made of it (an engine, usually).
    pub index: T,
    /// Where it is.
    pub path: PathBuf,
    /// Whether it was built or rebuilt just now, rather than found ready
    /// (then it is as fresh as its folders).
    pub built: bool,
}

/// The path of the index to use: `index`, or [`DEFAULT_INDEX`].
pub fn index_path(index: Option<&Path>) -> &Path {
    index.unwrap_or(Path::new(DEFAULT_INDEX))
}

/// Opens the index at `index` (the default index when `None`) with `open`;
/// when there is none, or one of another format, builds it first from
/// `source` (see [`Source`]), telling `on_event` what it does.
///
/// Errors: [`Error::NoIndex`] when there is no index and nothing to build it
/// from, [`Error::NothingToRebuildFrom`] for an index of another format
/// whose folders are gone, [`Error::Indexing`] when building fails; any
/// other error is `open`'s.
pub fn open_or_build<T>(
    index: Option<&Path>,
    source: Source<'_>,
    open: impl Fn(&Path) -> Result<T>,
    mut on_event: impl FnMut(Event<'_>),
) -> Result<Opened<T>> {
    let path = index_path(index);
    let opened = |index: T, built: bool| Opened {
        index,
        path: path.to_path_buf(),
        built,
    };
    match open(path) {
        Ok(engine) => return Ok(opened(engine, false)),
        Err(Error::NoIndex(_) | Error::IncompatibleIndex { .. }) => {}
        Err(e) => return Err(e),
    }
    let Some((why, roots)) = plan(path, index.is_none(), source)? else {
        // Made ready by another process in the meantime.
        return Ok(opened(open(path)?, false));
    };
    on_event(Event::Building {
        index: path,
        from: &roots,
        why: &why,
    });
    for (i, root) in roots.iter().enumerate() {
        let mut opts = IndexOptions::new(root, path);
        // The folders an index records are indexed into it one after the
        // other, the first one from scratch.
        opts.rebuild = i == 0 && matches!(source, Source::Recorded);
        opts.progress = true;
        let report = writer::run(&opts).map_err(|e| Error::Indexing {
            root: root.clone(),
            index: path.to_path_buf(),
            source: Box::new(e),
        })?;
        on_event(Event::Indexed {
            root,
            report: &report,
        });
    }
    Ok(opened(open(path)?, true))
}

/// Why the index at `path` must be built, and from which folders; `None`
/// when it turns out to be ready.
fn plan(path: &Path, is_default: bool, source: Source<'_>) -> Result<Option<(Why, Vec<PathBuf>)>> {
    let why = match Store::probe(path) {
        Probe::Compatible => return Ok(None),
        Probe::Missing => Why::Missing,
        Probe::Incompatible(why) => Why::Incompatible(why),
    };
    let roots = match (source, &why) {
        (Source::Folder(dir), _) => vec![dir.to_path_buf()],
        (Source::Recorded, Why::Missing) if is_default && Path::new(DEFAULT_CORPUS).is_dir() => {
            vec![PathBuf::from(DEFAULT_CORPUS)]
        }
        (Source::Recorded, Why::Missing) => return Err(Error::NoIndex(path.to_path_buf())),
        (Source::Recorded, Why::Incompatible(how)) => {
            let roots: Vec<PathBuf> = Store::recorded_roots(path)
                .into_iter()
                .filter(|r| r.is_dir())
                .collect();
            if roots.is_empty() {
                return Err(Error::NothingToRebuildFrom {
                    path: path.to_path_buf(),
                    why: how.clone(),
                });
            }
            roots
        }
    };
    Ok(Some((why, roots)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::store::META_FILE;

    /// An `open` that only says whether the store opens.
    fn open(path: &Path) -> Result<()> {
        Store::open_for_one_search(path).map(drop)
    }

    /// A temporary folder with `docs/` (one article) and the path of an
    /// index `idx/` beside it, made from `docs/` when `indexed`.
    fn setup(indexed: bool) -> (tempfile::TempDir, PathBuf, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let docs = tmp.path().join("docs");
        let idx = tmp.path().join("idx");
        std::fs::create_dir_all(&docs).unwrap();
        std::fs::write(
            docs.join("a.txt"),
            "Un article sur les claviers mécaniques.\n",
        )
        .unwrap();
        if indexed {
            writer::run(&IndexOptions::new(&docs, &idx)).unwrap();
        }
        (tmp, docs, idx)
    }

    /// The outcome, and the events seen in order.
    fn events_of(index: Option<&Path>, source: Source<'_>) -> (Result<Opened<()>>, Vec<String>) {
        let mut seen = Vec::new();
        let result = open_or_build(index, source, open, |e| {
            seen.push(match e {
                Event::Building { from, why, .. } => {
                    format!("building {why:?} from {}", from.len())
                }
                Event::Indexed { report, .. } => format!("indexed {}", report.articles_total),
            })
        });
        (result, seen)
    }

    #[test]
    fn a_ready_index_is_opened_as_it_is() {
        let (_tmp, docs, idx) = setup(true);
        let (opened, events) = events_of(Some(&idx), Source::Folder(&docs));
        let opened = opened.unwrap();
        assert!(!opened.built);
        assert_eq!(opened.path, idx);
        assert!(events.is_empty(), "{events:?}");
    }

    #[test]
    fn a_missing_index_is_built_from_the_folder_or_is_an_error() {
        let (_tmp, docs, idx) = setup(false);
        let (opened, _) = events_of(Some(&idx), Source::Recorded);
        assert!(matches!(opened, Err(Error::NoIndex(p)) if p == idx));
        let (opened, events) = events_of(Some(&idx), Source::Folder(&docs));
        assert!(opened.unwrap().built);
        assert_eq!(events, ["building Missing from 1", "indexed 1"]);
    }

    #[test]
    fn an_index_of_another_format_is_rebuilt_from_its_recorded_folders() {
        let (_tmp, docs, idx) = setup(true);
        let meta = idx.join(META_FILE);
        let downgrade = || {
            let text = std::fs::read_to_string(&meta).unwrap();
            let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
            json["format"] = 0.into();
            std::fs::write(&meta, json.to_string()).unwrap();
        };
        downgrade();
        let (opened, events) = events_of(Some(&idx), Source::Recorded);
        assert!(opened.unwrap().built);
        assert_eq!(events.len(), 2, "{events:?}");
        assert!(events[0].starts_with("building Incompatible"), "{events:?}");

        // Once its folder is gone, nothing can rebuild it.
        downgrade();
        std::fs::remove_dir_all(&docs).unwrap();
        let (opened, events) = events_of(Some(&idx), Source::Recorded);
        assert!(
            matches!(opened, Err(Error::NothingToRebuildFrom { .. })),
            "{opened:?}"
        );
        assert!(events.is_empty());
    }
}
