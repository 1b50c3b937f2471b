//! `--watch DIR`: index the folder's changes as they land.
//!
//! notify reports file-system events (inotify on Linux); a short debounce
//! turns a burst of them (an editor's save, a copy of a hundred files) into
//! one wake-up; then the ordinary incremental indexer runs over the folder,
//! so new, changed and deleted files are handled exactly as `veille index`
//! handles them, and the reader is reloaded at once.
//!
//! Only changes wake it: inotify also reports every open and every close
//! after reading, and the indexer's own walk opens each folder of the tree.
//! Counted as changes, those made each run start the next, forever, on any
//! folder with subfolders. Reads ([`EventKind::Access`]) are left out.
//!
//! Runs happen on a thread of their own, one at a time. When another
//! process holds the index writer (a `veille index` run), the watcher waits
//! and tries again. On shutdown it finishes the run in progress, which
//! commits, and starts no other: changes that arrive later are picked up by
//! the catch-up run at the next start.

use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{Event, EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult};

use crate::error::Error;
use crate::index::writer::{self, IndexOptions, Report};
use crate::search::Engine;

/// Quiet time after the last event before indexing starts.
const DEBOUNCE: Duration = Duration::from_millis(250);
/// How often the thread looks at the stop flag while idle.
const POLL: Duration = Duration::from_millis(100);
/// Wait before trying again when another process is writing the index.
const RETRY_LOCKED: Duration = Duration::from_millis(500);
/// Wait before trying again after any other failure.
const RETRY_FAILED: Duration = Duration::from_secs(5);

/// A running watcher.
pub struct Watcher {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl Watcher {
    /// Starts watching `dir`, indexing into `index` and reloading `engine`
    /// after each run. With `catch_up`, a first run starts at once, for the
    /// changes made while the daemon was not running.
    pub fn start(
        dir: &Path,
        index: &Path,
        engine: Arc<Engine>,
        catch_up: bool,
    ) -> crate::Result<Watcher> {
        let root = dir.canonicalize().map_err(|e| Error::io(dir, e))?;
        let index_abs = index.canonicalize().unwrap_or_else(|_| index.to_path_buf());
        let (tx, rx) = mpsc::channel::<DebounceEventResult>();
        let watch_error = |source| Error::Watch {
            path: root.clone(),
            source,
        };
        let mut debouncer = new_debouncer(DEBOUNCE, None, tx).map_err(watch_error)?;
        debouncer
            .watch(&root, RecursiveMode::Recursive)
            .map_err(watch_error)?;
        let stop = Arc::new(AtomicBool::new(false));
        let worker = Worker {
            root,
            options: IndexOptions::new(dir, index),
            index: index_abs,
            engine,
            stop: Arc::clone(&stop),
        };
        let thread = std::thread::Builder::new()
            .name("veille-watch".into())
            .spawn(move || {
                // The debouncer lives as long as the loop; dropping it stops
                // the notifications.
                let _debouncer = debouncer;
                worker.run(rx, catch_up);
            })
            .map_err(|e| Error::system("starting the watcher thread", e))?;
        Ok(Watcher { stop, thread })
    }

    /// A handle that asks the watcher to start no new run.
    pub fn stopper(&self) -> Stopper {
        Stopper(Arc::clone(&self.stop))
    }

    /// Asks the watcher to stop, and waits until its current run (if any)
    /// has committed.
    pub fn stop_and_join(self) {
        self.stop.store(true, Ordering::SeqCst);
        if self.thread.join().is_err() {
            tracing::error!("the watcher thread panicked");
        }
    }
}

/// Asks a [`Watcher`] to start no new run (its current run goes on).
#[derive(Clone)]
pub struct Stopper(Arc<AtomicBool>);

impl Stopper {
    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

struct Worker {
    /// The watched folder, canonical.
    root: PathBuf,
    options: IndexOptions,
    /// The index folder, canonical when it exists: its own changes are
    /// not news.
    index: PathBuf,
    engine: Arc<Engine>,
    stop: Arc<AtomicBool>,
}

impl Worker {
    fn run(&self, rx: mpsc::Receiver<DebounceEventResult>, catch_up: bool) {
        let mut pending = catch_up;
        let mut not_before: Option<Instant> = None;
        while !self.stop.load(Ordering::SeqCst) {
            match rx.recv_timeout(POLL) {
                Ok(batch) => pending |= self.relevant(batch),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    tracing::error!("the file watcher stopped; changes are no longer indexed");
                    break;
                }
            }
            while let Ok(batch) = rx.try_recv() {
                pending |= self.relevant(batch);
            }
            let due = not_before.is_none_or(|t| Instant::now() >= t);
            if !pending || !due || self.stop.load(Ordering::SeqCst) {
                continue;
            }
            match self.index_once() {
                Ok(()) => {
                    pending = false;
                    not_before = None;
                }
                Err(Error::Locked(_)) => {
                    tracing::debug!("the index is being written by another process; waiting");
                    not_before = Some(Instant::now() + RETRY_LOCKED);
                }
                Err(e) => {
                    tracing::error!(
                        "indexing {}: {e}; trying again in {} s",
                        self.root.display(),
                        RETRY_FAILED.as_secs()
                    );
                    not_before = Some(Instant::now() + RETRY_FAILED);
                }
            }
        }
    }

    /// True when a batch of events holds a change to files the indexer
    /// reads: not a mere read, not in the index itself, not a hidden file.
    /// Errors and overflows (a full event queue) may hide changes, so they
    /// count as changes.
    fn relevant(&self, batch: DebounceEventResult) -> bool {
        match batch {
            Ok(events) => events.iter().any(|e| self.is_change(e)),
            Err(errors) => {
                for e in &errors {
                    tracing::warn!("file watcher: {e}; rescanning");
                }
                true
            }
        }
    }

    fn is_change(&self, event: &Event) -> bool {
        if event.need_rescan() {
            tracing::warn!("file watcher: events were lost; rescanning");
            return true;
        }
        !matches!(event.kind, EventKind::Access(_)) && event.paths.iter().any(|p| self.is_source(p))
    }

    fn is_source(&self, path: &Path) -> bool {
        if path.starts_with(&self.index) {
            return false;
        }
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        !rel.components().any(|c| match c {
            Component::Normal(name) => name.to_string_lossy().starts_with('.'),
            _ => false,
        })
    }

    /// One incremental run over the folder, then a reload of the reader.
    fn index_once(&self) -> crate::Result<()> {
        tracing::info!("indexing the changes in {}", self.root.display());
        let report = writer::run(&self.options)?;
        log_report(&self.root, &report);
        if let Err(e) = self.engine.reload() {
            tracing::warn!("reloading the index reader: {e}");
        }
        Ok(())
    }
}

fn log_report(root: &Path, r: &Report) {
    for (path, skip) in &r.skipped {
        tracing::warn!("skipped {path}: {skip}");
    }
    for (path, warning) in &r.warnings {
        tracing::warn!("{path}: {warning}");
    }
    let changed = r.files_added + r.files_updated + r.files_removed;
    if changed == 0 && r.created.is_none() {
        return;
    }
    tracing::info!(
        "indexed {}: {} file(s) added, {} updated, {} removed; {} article(s) added, {} removed, {} in the index ({:.0} ms)",
        root.display(),
        r.files_added,
        r.files_updated,
        r.files_removed,
        r.articles_added,
        r.articles_removed,
        r.articles_total,
        r.elapsed.as_secs_f64() * 1e3
    );
}
