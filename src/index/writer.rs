//! Indexing: bringing the index in line with a folder of articles.
//!
//! A run walks the folder, compares each file with the file record the index
//! keeps for it (size, mtime, then content hash), and only reads, parses and
//! analyses what is new or changed; files that disappeared lose their
//! articles. Parsing and language detection run on every core (rayon);
//! tantivy's writer threads do the analysis. Files are read in batches
//! bounded by the memory budget; a dump bigger than a batch is read article
//! by article, in batches of articles. Articles and their file record are
//! always added together and commits fall between files, never inside one,
//! so a run that is interrupted leaves the index exactly as of its last
//! commit, with each file whole. A run ends by reading again the files of
//! one undecided article whose folder's majority language it changed
//! ([`neighbours`]), so that the index ends as a rebuild would.
//!
//! A file left out (too large, binary, unparsable, empty) keeps a file
//! record without articles, so that its removal is noticed, but that record
//! never makes it "unchanged": every run tries the file again, with the
//! size limit of that run. The report names each file once, indexed or
//! skipped, and every file the same way: the folder as it was given, joined
//! with the file's path inside it.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::io::IsTerminal;
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{HumanDuration, ProgressBar, ProgressState, ProgressStyle};
use rayon::prelude::*;
use tantivy::index::SegmentId;
use tantivy::indexer::{LogMergePolicy, MergeCandidate, MergePolicy};
use tantivy::schema::Term;
use tantivy::{SegmentMeta, TantivyDocument};

use crate::analysis::dedup;
use crate::analysis::lang::{self, DetectionMethod, Language};
use crate::error::{Error, Result};
use crate::index::document::{self, Origin, Prepared};
use crate::index::neighbours::{self, Folders, Votes};
use crate::index::queue::{Queue, Queued};
use crate::index::schema::{Fields, KIND_ARTICLE, KIND_FILE};
use crate::index::store::{CommitPayload, Probe, Store, META_FILE};
use crate::ingest::article::Article;
use crate::ingest::{self, Skip, SourceFile, Warning};

/// Default memory budget of indexing, in bytes.
pub const DEFAULT_MEMORY_BYTES: usize = 200 * 1024 * 1024;
/// tantivy refuses less than this per writer thread.
const MIN_MEMORY_PER_THREAD: usize = 15 * 1024 * 1024;
/// Commit after this many added documents...
const COMMIT_EVERY_DOCS: usize = 50_000;
/// ... or after this long, whichever comes first.
const COMMIT_EVERY: Duration = Duration::from_secs(30);
/// Files parsed in parallel per batch; bounds the memory held by parsed text.
const BATCH_FILES: usize = 256;
/// The share of `--memory` a batch's text may take: 1/16 (12.5 MB of the
/// default 200 MB). A batch of whole files, or of a dump's articles, is
/// read, then parsed and analysed on every core, then handed to the writer.
/// Its text is held up to four times over (the text read, the articles
/// parsed from it, the documents queued for the writer, bounded by a
/// [`Queue`] of one batch): a quarter of the budget.
const BATCH_SHARE: usize = 16;
/// The share of `--memory` given to tantivy's writer: a quarter. What
/// batches and the writer leave (half) is for tantivy's segment flushes and
/// merges, which briefly need more than the writer's budget, and for what
/// the run keeps per article (ids and text hashes: about 200 bytes each,
/// 100 MB for half a million articles).
const WRITER_SHARE: usize = 4;
/// Bytes of index per document, roughly, for news articles (measured: 2.3
/// to 2.5 KB). Merges read their segments through memory maps, which count
/// in the process's memory: a merge is kept under half the budget of index
/// data, this many bytes a document.
const INDEX_BYTES_PER_DOC: usize = 2500;

/// How the memory budget (`--memory`) is shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Budget {
    /// Budget of tantivy's writer, in bytes.
    writer: usize,
    /// Bytes of text read per batch. A file larger than this that holds many
    /// articles (a dump) is read article by article.
    batch: usize,
    /// The most documents merged at once.
    merge_docs: u64,
}

impl Budget {
    fn of(memory: usize) -> Budget {
        let writer = memory / WRITER_SHARE;
        Budget {
            writer,
            batch: (memory / BATCH_SHARE).max(1),
            merge_docs: (memory / 2 / INDEX_BYTES_PER_DOC) as u64,
        }
    }
}

/// tantivy's merge policy, with each merge cut to at most `max_docs`
/// documents: a merge of the segments of a whole big index would map them
/// all into memory at once.
///
/// With `tail`, segments of fewer than a quarter ([`TAIL_SHARE`]) of
/// `max_docs` documents that the log policy leaves alone are also merged together, up to
/// `max_docs` at once. The log policy waits for eight segments of a size
/// before merging them, so a run can end with up to seven small segments
/// beside the large ones, depending on how its threads flushed: the same
/// 54,496 articles ended in 4 segments one time and 9 another, an index
/// 1.47 or 1.50 times plain tantivy's size, and each segment costs every
/// search a lookup. Merging the nine segments' small seven took 1.3 s
/// (of a 17 to 20 s run). Only a run that added at least that quarter of
/// `max_docs` articles ends so ([`tail_merge_after`]): a watcher's small
/// commits would otherwise rewrite the growing small segment each time.
#[derive(Debug)]
struct BoundedMerges {
    inner: LogMergePolicy,
    max_docs: u64,
    tail: bool,
}

/// A segment is small, for the tail merge, under this fraction (one in
/// `TAIL_SHARE`) of the most documents merged at once.
const TAIL_SHARE: u64 = 4;

/// A run that added at least this many articles merges the small segments
/// it leaves (see [`BoundedMerges`]).
fn tail_merge_after(budget: Budget) -> u64 {
    budget.merge_docs / TAIL_SHARE
}

impl MergePolicy for BoundedMerges {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let mut merges = self.bounded(segments);
        if self.tail {
            let merging: HashSet<SegmentId> = merges.iter().flat_map(|m| m.0.clone()).collect();
            let mut small: Vec<&SegmentMeta> = segments
                .iter()
                .filter(|s| {
                    !merging.contains(&s.id())
                        && u64::from(s.num_docs()) < self.max_docs / TAIL_SHARE
                })
                .collect();
            small.sort_by_key(|s| s.num_docs());
            let (mut group, mut total) = (Vec::new(), 0);
            for s in small {
                if total + u64::from(s.num_docs()) > self.max_docs {
                    break;
                }
                total += u64::from(s.num_docs());
                group.push(s.id());
            }
            if group.len() > 1 {
                merges.push(MergeCandidate(group));
            }
        }
        merges
    }
}

impl BoundedMerges {
    /// The log policy's merges, each cut to `max_docs` documents.
    fn bounded(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let docs: HashMap<SegmentId, u64> = segments
            .iter()
            .map(|s| (s.id(), u64::from(s.num_docs())))
            .collect();
        let mut merges = Vec::new();
        for candidate in self.inner.compute_merge_candidates(segments) {
            let mut group = Vec::new();
            let mut total = 0;
            for id in candidate.0 {
                let n = docs.get(&id).copied().unwrap_or(0);
                if total + n > self.max_docs && !group.is_empty() {
                    if group.len() > 1 {
                        merges.push(MergeCandidate(std::mem::take(&mut group)));
                    }
                    group.clear();
                    total = 0;
                }
                if n <= self.max_docs {
                    group.push(id);
                    total += n;
                }
            }
            if group.len() > 1 {
                merges.push(MergeCandidate(group));
            }
        }
        merges
    }
}

/// What to index, and how.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// Folder of articles.
    pub root: PathBuf,
    /// Index folder.
    pub index: PathBuf,
    /// Start from an empty index.
    pub rebuild: bool,
    /// Files larger than this are skipped; in a dump read article by
    /// article, articles larger than this are.
    pub max_file_bytes: u64,
    /// Memory budget of indexing, in bytes: the writer's, and that of the
    /// files and articles being read.
    pub memory_bytes: usize,
    /// Worker threads for parsing and for the writer (0: one per core).
    pub threads: usize,
    /// Language for text too short or ambiguous to detect (`None`: neutral).
    pub default_lang: Option<&'static Language>,
    /// Show a progress bar (only ever drawn on a terminal).
    pub progress: bool,
}

impl IndexOptions {
    /// Options with defaults for everything but the two paths.
    pub fn new(root: impl Into<PathBuf>, index: impl Into<PathBuf>) -> IndexOptions {
        IndexOptions {
            root: root.into(),
            index: index.into(),
            rebuild: false,
            max_file_bytes: ingest::DEFAULT_MAX_FILE_BYTES,
            memory_bytes: DEFAULT_MEMORY_BYTES,
            threads: 0,
            default_lang: None,
            progress: false,
        }
    }
}

/// An article whose text another record of the index already has.
#[derive(Debug, Clone)]
pub struct Duplicate {
    /// Path of the file holding the repeat (the folder as given, joined
    /// with the path inside it, as the walk names files).
    pub path: String,
    /// Title (or id) of the repeated article.
    pub article: String,
    /// Id of the article already indexed with the same text.
    pub of: String,
    /// Path of the file holding that article, named the same way; absolute
    /// when it lies outside the folder (an index of several folders).
    pub of_path: String,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Report {
    /// Why the index was created or rebuilt, when it was.
    pub created: Option<String>,
    pub files_added: usize,
    pub files_updated: usize,
    pub files_removed: usize,
    pub files_unchanged: usize,
    /// Files whose mtime changed but whose content did not (not re-analysed).
    pub files_touched: usize,
    pub articles_added: usize,
    pub articles_removed: usize,
    /// Articles in the index after the run.
    pub articles_total: u64,
    /// Articles added in this run, per language code.
    pub languages: BTreeMap<String, usize>,
    /// Records seen again, left out: the same id with the same text (one
    /// item in two snapshots of a feed, a file copied into two folders
    /// of one dump). Found in the files read for a change (a file read
    /// again only because an original went away reports none again).
    pub duplicates: Vec<Duplicate>,
    /// Records indexed whose text another record already has, under
    /// another id (the same story at two URLs): both are kept, and a
    /// search shows them as one hit. Reported like `duplicates`.
    pub same_text: Vec<Duplicate>,
    /// Files left out, with the reason. Tried again at every run;
    /// [`Skip::TooLarge`] holds the size a limit must allow.
    pub skipped: Vec<(String, Skip)>,
    /// Non-fatal problems inside files that were read.
    pub warnings: Vec<(String, Warning)>,
    /// Files of types veille does not read, by extension (lower-case, with
    /// the dot; `""` for files without one).
    pub not_indexed: BTreeMap<String, usize>,
    /// Entries the walk could not read.
    pub walk_problems: Vec<(PathBuf, String)>,
    pub elapsed: Duration,
}

/// The state recorded for one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileState {
    size: u64,
    mtime: i64,
    hash: u64,
    articles: u64,
    /// Records of the file left out as repeats of a record of another file
    /// (see [`Report::duplicates`]).
    duplicates: u64,
}

impl FileState {
    /// True for the record of a file that was skipped. The record of a file
    /// that was indexed always counts an article or a duplicate, so the test
    /// holds for the records of earlier versions too, whose skipped files
    /// then get their retry.
    fn was_skipped(&self) -> bool {
        self.articles == 0 && self.duplicates == 0
    }

    /// True for the record of a file of one article, which takes its
    /// folder's language when it has none of its own.
    fn is_lone(&self) -> bool {
        self.articles == 1 && self.duplicates == 0
    }
}

/// What the index knows: file records, which file owns each article id
/// and the text hash of each id (a record seen again is the same id with
/// the same text), a record holding each text (to report repeated texts),
/// the languages of each folder's articles, and the files whose one
/// article takes its folder's language.
///
/// An entry per article: a dump of a million articles makes a million, so
/// file keys and ids are shared (`Arc<str>`), never copied per entry.
#[derive(Debug, Default)]
struct Known {
    files: HashMap<String, FileState>,
    /// Text hash → the id of a record that has it (whose file is in
    /// `id_owner`: ids are unique). A text held by several records is
    /// reported as held by one of them; once that one is gone, the others
    /// are not found here until the next run.
    hash_owner: HashMap<u64, Arc<str>>,
    /// Article id → its file and text.
    id_owner: HashMap<Arc<str>, Owner>,
    /// File key → the ids of its articles, as the index had them when the
    /// run began: a file read in this run is not read again in it, and one
    /// that fails half-way is forgotten through `id_owner`
    /// ([`Known::forget_taken`]). Not kept for the files read: the ids of
    /// a dump of half a million articles would be 16 MB more.
    by_file: HashMap<Arc<str>, Vec<Arc<str>>>,
    folders: Folders,
    /// File key → its one article, when that article's language is not its
    /// own: it follows the folder's majority, which files read after it
    /// may change ([`neighbours`]).
    lone: HashMap<Arc<str>, Lone>,
}

/// The one article of a file whose language is its folder's majority or
/// the default.
#[derive(Debug)]
struct Lone {
    id: Arc<str>,
    language: Option<&'static Language>,
    /// Counted in this run's report of languages (added in this run).
    counted: bool,
}

/// The file holding an article (its key) and the hash of its text (none
/// for a hash of 0: 8 bytes an article less than an `Option<u64>`).
#[derive(Debug)]
struct Owner {
    file: Arc<str>,
    text_hash: Option<NonZeroU64>,
}

impl Known {
    /// The key of the file holding article `id`.
    fn file_of(&self, id: &str) -> Option<&str> {
        self.id_owner.get(id).map(|o| &*o.file)
    }

    fn forget_file(&mut self, file: &str) {
        for id in self.by_file.remove(file).unwrap_or_default() {
            let Some(owner) = self.id_owner.get(&id).filter(|o| &*o.file == file) else {
                continue;
            };
            if let Some(h) = owner.text_hash.map(NonZeroU64::get) {
                if self.hash_owner.get(&h).is_some_and(|held| *held == id) {
                    self.hash_owner.remove(&h);
                }
            }
            self.id_owner.remove(&id);
        }
        self.folders.remove_file(file);
        self.lone.remove(file);
        self.files.remove(file);
    }

    /// Forgets the ids and texts that `file` took in this run (which
    /// `by_file` does not list), going through every id: only for a file
    /// that fails half-way.
    fn forget_taken(&mut self, file: &str) {
        self.id_owner.retain(|_, o| &*o.file != file);
        let ids = &self.id_owner;
        self.hash_owner.retain(|_, id| ids.contains_key(id));
    }
}

/// Why a file is being read in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Work {
    New,
    /// Size or mtime differ from the record: compare content hashes.
    Changed(FileState),
    /// Skipped by an earlier run: tried again whatever its size and mtime,
    /// since the limit (or veille) may have changed.
    Retry(FileState),
    /// Unchanged, but it held duplicates of a file that changed or went
    /// away: read it again so that its articles can take their place.
    Recheck,
}

/// A file read and parsed by a worker.
struct Loaded {
    hash: u64,
    outcome: std::result::Result<(Vec<Prepared>, Vec<Warning>), Skip>,
}

/// Indexes `opts.root` into `opts.index`.
pub fn run(opts: &IndexOptions) -> Result<Report> {
    let started = Instant::now();
    let root = opts
        .root
        .canonicalize()
        .map_err(|_| Error::NotADirectory(opts.root.clone()))?;
    if !root.is_dir() {
        return Err(Error::NotADirectory(opts.root.clone()));
    }
    let mut report = Report::default();
    let mut store = open_for_writing(opts, &mut report)?;
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        opts.threads
    };

    let index_dir = opts
        .index
        .canonicalize()
        .unwrap_or_else(|_| opts.index.clone());
    let walk = ingest::walk(&opts.root, std::slice::from_ref(&index_dir))?;
    report.walk_problems = walk.problems;
    report.not_indexed = walk.other;

    let fields = store.fields.clone();
    // The writer, and with it tantivy's lock on the index, is taken before
    // the index is read. Taken later, another process (a second `veille
    // index`, a daemon's watcher) could commit between our reading of the
    // file records and our taking the lock, and every file it had just
    // indexed would be indexed again: each of its articles twice.
    let budget = Budget::of(opts.memory_bytes);
    let mut writer = make_writer(&store, budget, threads)?;
    let reader = store.index.reader()?;
    let searcher = reader.searcher();
    let mut known = Known::default();
    load_known(&searcher, &mut known, false)?;

    // Decide what each file needs.
    let key_of = |f: &SourceFile| root.join(&f.rel).to_string_lossy().into_owned();
    let mut work: Vec<(&SourceFile, Work)> = Vec::new();
    let mut recorded = 0;
    for file in &walk.files {
        let key = key_of(file);
        let record = known.files.get(&key);
        recorded += usize::from(record.is_some());
        match record {
            None => work.push((file, Work::New)),
            Some(st) if st.was_skipped() => work.push((file, Work::Retry(*st))),
            Some(st) if st.size == file.size && st.mtime == file.mtime_ns => {
                report.files_unchanged += 1
            }
            Some(st) => work.push((file, Work::Changed(*st))),
        }
    }
    let prefix = format!("{}{}", root.to_string_lossy(), std::path::MAIN_SEPARATOR);
    let under_root = known
        .files
        .keys()
        .filter(|k| k.starts_with(&prefix))
        .count();
    // Every record under the folder was found again (the walk names each
    // file once): nothing was removed, and the set of keys seen, a string
    // per file, is not needed.
    let mut removed: Vec<String> = if under_root == recorded {
        Vec::new()
    } else {
        let seen: HashSet<String> = walk.files.iter().map(key_of).collect();
        known
            .files
            .keys()
            .filter(|k| k.starts_with(&prefix) && !seen.contains(*k))
            .cloned()
            .collect()
    };
    removed.sort();
    if !removed.is_empty() || work.iter().any(|(_, w)| matches!(w, Work::Changed(_))) {
        // Files that held duplicates may now hold the only copy.
        let work_keys: HashSet<String> = work.iter().map(|(f, _)| key_of(f)).collect();
        for file in &walk.files {
            let key = key_of(file);
            if !work_keys.contains(&key)
                && known.files.get(&key).is_some_and(|st| st.duplicates > 0)
            {
                report.files_unchanged = report.files_unchanged.saturating_sub(1);
                work.push((file, Work::Recheck));
            }
        }
        // Rechecks come last: a file that held the original of their text
        // must have let it go first. In path order, a recheck processed
        // before the changed original found its text still taken, stayed
        // a duplicate, and the text was then lost from the index.
        work.sort_by(|a, b| {
            let recheck = |w: &Work| matches!(w, Work::Recheck);
            (recheck(&a.1), &a.0.rel).cmp(&(recheck(&b.1), &b.0.rel))
        });
    }

    if work.is_empty() && removed.is_empty() {
        report.articles_total = count_articles(&searcher, &fields)?;
        if report.created.is_some() {
            commit(&mut writer)?;
        }
        register_root(&mut store, &root)?;
        report.elapsed = started.elapsed();
        return Ok(report);
    }

    load_known(&searcher, &mut known, true)?;
    for key in &removed {
        let state = known.files[key];
        writer.delete_term(Term::from_field_text(fields.file, key));
        report.articles_removed += state.articles as usize;
        report.files_removed += 1;
        known.forget_file(key);
    }

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(Error::ThreadPool)?;
    let bar = progress_bar(opts.progress, work.len() as u64);
    let mut wrote = !removed.is_empty();
    let shown = Shown {
        prefix: &prefix,
        given: &opts.root,
    };
    let queue = Queue::new(budget.batch);
    let mut out = Out {
        writer: &mut writer,
        queue: &queue,
        fields: &fields,
        known: &mut known,
        report: &mut report,
        shown: &shown,
    };
    // Dumps bigger than a batch (or than the size limit) are read article
    // by article; the size limit then applies to each article.
    let streamed = |f: &SourceFile| {
        (f.size > budget.batch as u64 || f.size > opts.max_file_bytes)
            && ingest::dump::is_dump(&f.path)
    };
    let index_batch = |out: &mut Out<'_>, batch: &[(&SourceFile, Work)]| match batch {
        &[(file, why)] if streamed(file) => {
            let key = key_of(file);
            let display = file.path.to_string_lossy().into_owned();
            let written = read_dump(out, &pool, opts, budget, (file, &key, &display), why);
            bar.inc(1);
            written
        }
        _ => {
            let mut loaded: Vec<Loaded> = pool.install(|| {
                batch
                    .par_iter()
                    .map(|(file, why)| {
                        let loaded = load(file, *why, opts);
                        bar.inc(1);
                        loaded
                    })
                    .collect()
            });
            settle_languages(out.known, batch.iter().map(|(f, _)| key_of(f)), &mut loaded);
            let mut written = 0;
            for ((file, why), loaded) in batch.iter().zip(loaded) {
                let key = key_of(file);
                let display = file.path.to_string_lossy().into_owned();
                written += apply(out, (file, &key, &display), *why, loaded);
            }
            written
        }
    };
    let mut pending_docs = 0usize;
    let mut last_commit = Instant::now();
    let mut written_batch = |writer: &mut IndexWriter, written: usize| -> Result<()> {
        pending_docs += written;
        wrote |= written > 0;
        // Commits fall between files, never inside one: a file's record
        // and its articles appear together, whatever its size (tantivy
        // keeps what is not committed out of the index, on disk).
        if pending_docs >= COMMIT_EVERY_DOCS
            || (pending_docs > 0 && last_commit.elapsed() >= COMMIT_EVERY)
        {
            commit(writer)?;
            pending_docs = 0;
            last_commit = Instant::now();
        }
        Ok(())
    };
    for batch in batches(&work, budget.batch as u64, &streamed) {
        let written = index_batch(&mut out, batch);
        written_batch(out.writer, written)?;
    }
    // Last, the files of one article whose folder's majority changed after
    // they took it (or found none) are read again and take the final one,
    // as a rebuild gives it to them. The walk counted each file already:
    // only the languages added in this run move.
    let resettle = stale_lone_files(out.known, &walk.files, &key_of, opts.default_lang);
    bar.inc_length(resettle.len() as u64);
    for batch in batches(&resettle, budget.batch as u64, &streamed) {
        let moving: Vec<(String, Option<&'static Language>)> = batch
            .iter()
            .filter_map(|(file, _)| {
                let key = key_of(file);
                let lone = out.known.lone.get(key.as_str())?;
                lone.counted.then_some((key, lone.language))
            })
            .collect();
        let r = &*out.report;
        let files = (r.files_added, r.files_updated, r.files_unchanged);
        let written = index_batch(&mut out, batch);
        let r = &mut *out.report;
        (r.files_added, r.files_updated, r.files_unchanged) = files;
        for (key, was) in moving {
            uncount_language(&mut r.languages, was);
            if let Some(lone) = out.known.lone.get(key.as_str()) {
                *r.languages
                    .entry(lang::code_of(lone.language).into())
                    .or_default() += 1;
            }
        }
        written_batch(out.writer, written)?;
    }
    bar.finish_and_clear();
    // What the run knew of every article (a hundred MB for half a million)
    // goes before the commit and the merges it starts.
    drop(known);
    // Files skipped again, and nothing else: no commit, so the index's
    // time of update (and the daemons' readers) stay as they were.
    if wrote || report.created.is_some() {
        if report.articles_added as u64 >= tail_merge_after(budget) {
            writer.set_merge_policy(merge_policy(budget, true));
        }
        commit(&mut writer)?;
    }
    // Everything that reads or writes the index's files is done while the
    // writer still holds its lock: waiting for the merges gives the lock
    // up, and a `--rebuild` started then wiped the files this run's reader
    // was about to open ("Failed to open file for read"), or had its
    // fresh `veille.json` overwritten with this run's roots. Merges keep
    // the count of live articles, so counting before them is exact.
    register_root(&mut store, &root)?;
    reader.reload()?;
    report.articles_total = count_articles(&reader.searcher(), &fields)?;
    writer.wait_merging_threads()?;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Cuts the work into batches of at most [`BATCH_FILES`] files and
/// `max_bytes` bytes (at least one file each), in order; a file that is
/// `streamed` is a batch of its own.
fn batches<'w, 'f>(
    work: &'w [(&'f SourceFile, Work)],
    max_bytes: u64,
    streamed: &'w dyn Fn(&SourceFile) -> bool,
) -> impl Iterator<Item = &'w [(&'f SourceFile, Work)]> {
    let mut rest = work;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (mut n, mut bytes) = (1, rest[0].0.size);
        if !streamed(rest[0].0) {
            while n < rest.len()
                && n < BATCH_FILES
                && bytes + rest[n].0.size <= max_bytes
                && !streamed(rest[n].0)
            {
                bytes += rest[n].0.size;
                n += 1;
            }
        }
        let (batch, tail) = rest.split_at(n);
        rest = tail;
        Some(batch)
    })
}

/// Opens the index, creating or rebuilding it when needed; records why in
/// the report.
fn open_for_writing(opts: &IndexOptions, report: &mut Report) -> Result<Store> {
    match Store::probe(&opts.index) {
        // A rebuild asked for where there is no index yet is a creation:
        // what a first search says when it builds the default index.
        _ if opts.rebuild && opts.index.join(META_FILE).exists() => {
            report.created = Some(format!(
                "rebuilt {} from scratch, as asked",
                opts.index.display()
            ));
            Store::create(&opts.index)
        }
        Probe::Compatible if !opts.rebuild => Store::open(&opts.index),
        Probe::Compatible | Probe::Missing => {
            report.created = Some(format!("created a new index in {}", opts.index.display()));
            Store::create(&opts.index)
        }
        Probe::Incompatible(why) => {
            report.created = Some(format!(
                "rebuilt the index in {}: {why}",
                opts.index.display()
            ));
            Store::create(&opts.index)
        }
    }
}

/// tantivy's writer, fed with documents that wait in a [`Queue`].
type IndexWriter = tantivy::IndexWriter<Queued>;

fn make_writer(store: &Store, budget: Budget, threads: usize) -> Result<IndexWriter> {
    let memory = budget.writer;
    let threads = threads
        .clamp(1, 8)
        .min((memory / MIN_MEMORY_PER_THREAD).max(1));
    let memory = memory.max(threads * MIN_MEMORY_PER_THREAD);
    // One merge at a time: each maps its segments into memory.
    let options = tantivy::indexer::IndexWriterOptions::builder()
        .num_worker_threads(threads)
        .memory_budget_per_thread(memory / threads)
        .num_merge_threads(1)
        .build();
    let writer = match store.index.writer_with_options(options) {
        Ok(w) => w,
        Err(tantivy::TantivyError::LockFailure(..)) => {
            return Err(Error::Locked(store.path.clone()))
        }
        Err(e) => return Err(e.into()),
    };
    writer.set_merge_policy(merge_policy(budget, false));
    // A run killed before its commit leaves files that no commit uses. One
    // of them can bear the very name this run is about to write (a deletes
    // file is named after its segment and the operation's number, which
    // starts again from the last commit), and tantivy then refuses to
    // overwrite it. Removing them first makes the run after a crash whole.
    writer.garbage_collect_files().wait()?;
    Ok(writer)
}

/// The merge policy of a run; `tail` for the last commit of a large run.
fn merge_policy(budget: Budget, tail: bool) -> Box<dyn MergePolicy> {
    Box::new(BoundedMerges {
        inner: LogMergePolicy::default(),
        max_docs: budget.merge_docs,
        tail,
    })
}

fn commit(writer: &mut IndexWriter) -> Result<()> {
    let payload = CommitPayload {
        updated: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&serde_json::to_string(&payload).expect("payload serialises"));
    prepared.commit()?;
    Ok(())
}

/// Records `root` among the index's folders. Called with the writer's
/// lock held; the roots are read again first, since another run may have
/// recorded its own between this run's opening and its taking the lock.
fn register_root(store: &mut Store, root: &Path) -> Result<()> {
    for recorded in Store::recorded_roots(&store.path) {
        if !store.meta.roots.contains(&recorded) {
            store.meta.roots.push(recorded);
        }
    }
    if !store.meta.roots.iter().any(|r| r == root) {
        store.meta.roots.push(root.to_path_buf());
        store.save_meta()?;
    }
    Ok(())
}

fn progress_bar(wanted: bool, len: u64) -> ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    // Files count as they are parsed, on every worker, so the bar moves
    // file by file rather than a batch of hundreds at once. The rate is
    // the run's own average, shown from its first second on: indicatif's
    // `{per_sec}` and `{eta}` start from a slow estimate that made a run
    // of one second show "2.4799/s, eta 2m".
    let style = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} files{rate}",
    )
    .map(|style| {
        style.with_key(
            "rate",
            |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let rate = rate_and_eta(state.pos(), state.len().unwrap_or(0), state.elapsed());
                let _ = w.write_str(&rate);
            },
        )
    })
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

/// The rate and time left of a run at `pos` of `len` files after `elapsed`,
/// as the progress bar shows them (", 120 files/s, 3m left"); nothing
/// during the first second, when there is no rate to speak of yet.
fn rate_and_eta(pos: u64, len: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    if pos == 0 || secs < 1.0 {
        return String::new();
    }
    let rate = pos as f64 / secs;
    let left = Duration::from_secs_f64(len.saturating_sub(pos) as f64 / rate);
    let rate = if rate >= 10.0 {
        format!("{rate:.0}")
    } else {
        format!("{rate:.1}")
    };
    format!(", {rate} files/s, {:#} left", HumanDuration(left))
}

/// Reads from the index's fast fields either the file records
/// (`with_articles` false) or which file owns each article id and text hash,
/// the languages of each file's articles that are their own, and the files
/// of one article whose language is not (`with_articles` true, after the
/// records). A run with nothing to do needs only the first.
fn load_known(searcher: &tantivy::Searcher, known: &mut Known, with_articles: bool) -> Result<()> {
    let no_file: Arc<str> = Arc::from("");
    let mut languages: HashMap<Arc<str>, Vec<&'static Language>> = HashMap::default();
    for segment in searcher.segment_readers() {
        let ff = segment.fast_fields();
        let kind = ff.u64("kind")?;
        let Some(files) = ff.str("file")? else {
            continue;
        };
        let ids = ff.str("id")?;
        let size = ff.u64("file_size")?;
        let mtime = ff.i64("file_mtime")?;
        let hash = ff.u64("file_hash")?;
        let articles = ff.u64("file_articles")?;
        let dups = ff.u64("file_duplicates")?;
        let text_hash = ff.u64("text_hash")?;
        let langs = ff.str("lang")?;
        let own = ff.bool("lang_own")?;
        // Every term of the file and id columns, read once in order: a
        // lookup by ordinal per document decompresses a dictionary block
        // each time, and took most of a run with nothing to do.
        let file_terms: Vec<Arc<str>> = column_terms(&files)?.into_iter().map(Arc::from).collect();
        let id_terms = match (&ids, with_articles) {
            (Some(ids), true) => column_terms(ids)?,
            _ => Vec::new(),
        };
        let lang_terms: Vec<Option<&'static Language>> = match (&langs, with_articles) {
            (Some(langs), true) => column_terms(langs)?
                .iter()
                .map(|code| lang::lookup(code))
                .collect(),
            _ => Vec::new(),
        };
        let alive = segment.alive_bitset();
        for doc in 0..segment.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            let k = kind.first(doc);
            if (k == Some(KIND_ARTICLE)) != with_articles {
                continue;
            }
            let file = files
                .term_ords(doc)
                .next()
                .and_then(|o| file_terms.get(o as usize))
                .unwrap_or(&no_file);
            match k {
                Some(KIND_FILE) => {
                    known.files.insert(
                        file.to_string(),
                        FileState {
                            size: size.first(doc).unwrap_or(0),
                            mtime: mtime.first(doc).unwrap_or(0),
                            hash: hash.first(doc).unwrap_or(0),
                            articles: articles.first(doc).unwrap_or(0),
                            duplicates: dups.first(doc).unwrap_or(0),
                        },
                    );
                }
                Some(KIND_ARTICLE) => {
                    let id: Arc<str> = ids
                        .as_ref()
                        .and_then(|ids| ids.term_ords(doc).next())
                        .and_then(|o| id_terms.get(o as usize))
                        .map_or_else(|| Arc::from(""), |term| Arc::from(term.as_str()));
                    let h = text_hash.first(doc);
                    if let Some(h) = h {
                        known.hash_owner.insert(h, Arc::clone(&id));
                    }
                    let owner = Owner {
                        file: Arc::clone(file),
                        text_hash: h.and_then(NonZeroU64::new),
                    };
                    known.id_owner.insert(Arc::clone(&id), owner);
                    let language = langs
                        .as_ref()
                        .and_then(|l| l.term_ords(doc).next())
                        .and_then(|o| lang_terms.get(o as usize).copied().flatten());
                    if own.first(doc).unwrap_or(false) {
                        if let Some(language) = language {
                            languages
                                .entry(Arc::clone(file))
                                .or_default()
                                .push(language);
                        }
                    } else if known.files.get(&**file).is_some_and(FileState::is_lone) {
                        let lone = Lone {
                            id: Arc::clone(&id),
                            language,
                            counted: false,
                        };
                        known.lone.insert(Arc::clone(file), lone);
                    }
                    known.by_file.entry(Arc::clone(file)).or_default().push(id);
                }
                _ => {}
            }
        }
    }
    for (file, languages) in languages {
        known.folders.set_file(&file, neighbours::count(languages));
    }
    Ok(())
}

/// Every term of a string fast field, in ordinal order.
fn column_terms(column: &tantivy::columnar::StrColumn) -> Result<Vec<String>> {
    crate::index::column_terms(column, |key| String::from_utf8_lossy(key).into_owned())
}

/// Number of live articles in the index.
pub fn count_articles(searcher: &tantivy::Searcher, fields: &Fields) -> Result<u64> {
    let query = tantivy::query::TermQuery::new(
        Term::from_field_u64(fields.kind, KIND_ARTICLE),
        tantivy::schema::IndexRecordOption::Basic,
    );
    Ok(searcher.search(&query, &tantivy::collector::Count)? as u64)
}

/// Reads, hashes, parses and detects the language of one file (runs on a worker).
fn load(file: &SourceFile, why: Work, opts: &IndexOptions) -> Loaded {
    let bytes = match ingest::read_bytes(&file.path, opts.max_file_bytes) {
        Ok(b) => b,
        Err(skip) => {
            return Loaded {
                hash: 0,
                outcome: Err(skip),
            }
        }
    };
    let hash = ingest::content_hash(&bytes);
    // Touched, not changed: the same bytes need no parsing or analysis;
    // `apply` only renews the file's record.
    if matches!(why, Work::Changed(old) if old.hash == hash) {
        return Loaded {
            hash,
            outcome: Ok((Vec::new(), Vec::new())),
        };
    }
    // A parser bug must cost one file, never the run.
    let parsed =
        std::panic::catch_unwind(|| ingest::parse(&file.path, &bytes)).unwrap_or_else(|_| {
            Err(Skip::Parse {
                line: None,
                message: "internal error in the parser (please report this file)".into(),
            })
        });
    let outcome = parsed.map(|parsed| {
        let prepared = parsed
            .articles
            .into_iter()
            .filter(|a| !a.is_empty())
            .map(|article| prepare(article, opts.default_lang))
            .collect();
        (prepared, parsed.warnings)
    });
    Loaded { hash, outcome }
}

fn prepare(article: Article, default_lang: Option<&'static Language>) -> Prepared {
    let detection = lang::detect_article(&article, default_lang);
    let text_hash = text_hash(&article);
    let others = lang::other_languages(&article.body, detection.language);
    let fingerprint = dedup::fingerprint_parts([
        article.title.as_deref().unwrap_or(""),
        article.lead.as_deref().unwrap_or(""),
        &article.body,
    ]);
    Prepared {
        article,
        detection,
        others,
        text_hash,
        fingerprint,
    }
}

/// Hash of an article's text with white space normalised: the identity used
/// to find exact copies across files and formats. A text long enough to
/// be compared ([`dedup::MIN_WORDS`] words) is the story whatever its
/// title (a site files one story under two headlines); a shorter one is
/// not without its title (a feed's items can all say "Read more").
fn text_hash(article: &Article) -> u64 {
    let body = article.body.split_whitespace();
    let title = if body.clone().nth(dedup::MIN_WORDS - 1).is_some() {
        ""
    } else {
        article.title.as_deref().unwrap_or("")
    };
    // The normalised text is written out and hashed in one call: a call per
    // word cost a tenth of the preparation of an article.
    let mut text = String::with_capacity(title.len() + article.body.len() + 2);
    for word in title.split_whitespace() {
        text.push_str(word);
        text.push(' ');
    }
    // Between the title and the body: `a b` + `c` is not `a` + `b c`.
    text.push('\n');
    for word in body {
        text.push_str(word);
        text.push(' ');
    }
    u64::from_le_bytes(
        blake3::hash(text.as_bytes()).as_bytes()[..8]
            .try_into()
            .expect("8 bytes"),
    )
}

/// Where files go: the writer, and what the run knows and reports.
struct Out<'a> {
    writer: &'a mut IndexWriter,
    /// Bounds the documents added but not yet indexed.
    queue: &'a Queue,
    fields: &'a Fields,
    known: &'a mut Known,
    report: &'a mut Report,
    shown: &'a Shown<'a>,
}

/// A file as the index names it (its key) and as the report shows it.
type Named<'a> = (&'a SourceFile, &'a str, &'a str);

/// Applies one loaded file to the index; returns the number of documents
/// written (0 when the index needs no change for it).
fn apply(out: &mut Out<'_>, named: Named<'_>, why: Work, loaded: Loaded) -> usize {
    // A touched file: same content, new mtime. Only its record changes.
    if let Work::Changed(old) = why {
        if loaded.outcome.is_ok() && old.hash == loaded.hash {
            return touched(out, named, old);
        }
    }
    let (prepared, warnings) = match loaded.outcome {
        Ok(ok) => ok,
        Err(skip) => return skip_file(out, named, why, loaded.hash, skip),
    };
    let mut file = FileWrite::new(out.known, named, why, prepared.len() > 1);
    file.warn(out, warnings);
    for p in prepared {
        file.add(out, p);
    }
    file.finish(out, loaded.hash)
}

/// Renews the record of a file whose content did not change; returns the
/// number of documents written.
fn touched(out: &mut Out<'_>, (file, key, display): Named<'_>, old: FileState) -> usize {
    out.writer
        .delete_term(Term::from_field_text(out.fields.file_record, key));
    let state = FileState {
        size: file.size,
        mtime: file.mtime_ns,
        ..old
    };
    add_file_record(out, key, display, &state, "ok");
    out.known.files.insert(key.to_string(), state);
    out.report.files_touched += 1;
    out.report.files_unchanged += 1;
    1
}

/// Reads a dump article by article ([`ingest::dump`]) into the index:
/// batches of articles bounded by the budget, each parsed and analysed on
/// every core, then added to the writer; returns the number of documents
/// written. Articles of undecided language take the dump's majority, as
/// those of a file read whole take their file's. Nothing is committed
/// here: the caller commits between files.
fn read_dump(
    out: &mut Out<'_>,
    pool: &rayon::ThreadPool,
    opts: &IndexOptions,
    budget: Budget,
    named: Named<'_>,
    why: Work,
) -> usize {
    let (source, _, _) = named;
    // A changed mtime: the same content needs no reading, only its record.
    if let Work::Changed(old) = why {
        match ingest::file_hash(&source.path) {
            Ok(hash) if hash == old.hash => return touched(out, named, old),
            Ok(_) => {}
            Err(skip) => return skip_file(out, named, why, 0, skip),
        }
    }
    // Every article of a dump is numbered (`file#N`), however many it has.
    let mut file = FileWrite::new(out.known, named, why, true).holding();
    let default_lang = opts.default_lang;
    let read = ingest::dump::read(
        &source.path,
        opts.max_file_bytes,
        budget.batch,
        &mut |items| {
            let parsed: Vec<(Vec<Prepared>, Vec<Warning>)> = pool.install(|| {
                items
                    .into_par_iter()
                    .map(|item| {
                        let line = item.line;
                        // A parser bug costs one article, never the run.
                        let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            ingest::dump::parse(item)
                        }))
                        .unwrap_or_else(|_| ingest::Parsed {
                            articles: Vec::new(),
                            warnings: vec![Warning {
                                line: Some(line),
                                message: "internal error in the parser (please report this file)"
                                    .into(),
                            }],
                        });
                        let prepared = parsed
                            .articles
                            .into_iter()
                            .filter(|a| !a.is_empty())
                            .map(|a| prepare(a, default_lang))
                            .collect();
                        (prepared, parsed.warnings)
                    })
                    .collect()
            });
            for (prepared, warnings) in parsed {
                file.warn(out, warnings);
                for p in prepared {
                    file.add(out, p);
                }
            }
            // Articles of undecided language wait for the dump's majority,
            // up to a batch of them.
            file.release(out, budget.batch);
        },
    );
    match read {
        Ok(end) => {
            file.warn(out, end.warnings);
            file.finish(out, end.hash)
        }
        Err(skip) => file.fail(out, skip),
    }
}

/// One file's articles on their way into the writer, one at a time: what
/// the file had in the index, and what it gets. The file's old documents
/// go at its first article, so that a file that turns out to have none is
/// left out as a whole ([`skip_file`]).
///
/// A dump read in batches ([`FileWrite::holding`]) cannot know its majority
/// language before its end: its articles of undecided language take their
/// id, and count as records, as they come, but their documents are held
/// back until the majority is known ([`FileWrite::release`]).
struct FileWrite<'f> {
    file: &'f SourceFile,
    key: Arc<str>,
    display: &'f str,
    why: Work,
    /// The file's record before this run, if it had one.
    old: Option<FileState>,
    /// Read again though unchanged: what it says is not news.
    recheck: bool,
    /// Number articles `file#N` (a file with several).
    many: bool,
    /// The old documents are deleted (at the first article).
    started: bool,
    /// The texts the file had in the index: those it adds again are not new.
    before: HashSet<u64>,
    /// Articles seen, duplicates included.
    seen: usize,
    added: u64,
    fresh: u64,
    duplicates: u64,
    languages: BTreeMap<String, usize>,
    found: Vec<Duplicate>,
    same_text: Vec<Duplicate>,
    /// The languages of the file's articles that are their own: what
    /// decides for the undecided ones of a dump.
    votes: Votes,
    /// Those of the articles kept (not repeats): what the folder counts,
    /// as a later run reads it from the index.
    kept_votes: Votes,
    /// The last article written whose language is not its own: the file's
    /// [`Lone`] article if it has only one.
    undecided: Option<Lone>,
    /// Hold back the documents of articles of undecided language.
    hold: bool,
    /// Those held back, with their id and whether they are new.
    held: Vec<(Arc<str>, Prepared, bool)>,
    /// Their text's size, in bytes.
    held_bytes: usize,
}

impl<'f> FileWrite<'f> {
    fn new(known: &Known, (file, key, display): Named<'f>, why: Work, many: bool) -> Self {
        let old = match why {
            Work::New => None,
            Work::Changed(old) | Work::Retry(old) => Some(old),
            Work::Recheck => known.files.get(key).copied(),
        };
        FileWrite {
            file,
            key: Arc::from(key),
            display,
            why,
            old,
            recheck: why == Work::Recheck,
            many,
            started: false,
            before: HashSet::default(),
            seen: 0,
            added: 0,
            fresh: 0,
            duplicates: 0,
            languages: BTreeMap::new(),
            found: Vec::new(),
            same_text: Vec::new(),
            votes: Votes::new(),
            kept_votes: Votes::new(),
            undecided: None,
            hold: false,
            held: Vec::new(),
            held_bytes: 0,
        }
    }

    /// A file whose articles come in batches (a dump): those of undecided
    /// language wait for the file's majority.
    fn holding(mut self) -> Self {
        self.hold = true;
        self
    }

    fn warn(&self, out: &mut Out<'_>, warnings: Vec<Warning>) {
        if !self.recheck {
            for w in warnings {
                out.report.warnings.push((self.display.to_string(), w));
            }
        }
    }

    /// Removes the file's old documents, before its first new one.
    fn start(&mut self, out: &mut Out<'_>) {
        self.started = true;
        if self.recheck {
            let known = &*out.known;
            if let Some(ids) = known.by_file.get(&*self.key) {
                self.before = ids
                    .iter()
                    .filter_map(|id| known.id_owner.get(id).and_then(|o| o.text_hash))
                    .map(NonZeroU64::get)
                    .collect();
            }
        }
        if self.old.is_some() {
            out.writer
                .delete_term(Term::from_field_text(out.fields.file, &self.key));
            out.known.forget_file(&self.key);
        }
    }

    /// Adds one article: a record of its own, unless it is a record seen
    /// again (its id, its text), which is counted as a duplicate.
    fn add(&mut self, out: &mut Out<'_>, p: Prepared) {
        if !self.started {
            self.start(out);
        }
        self.seen += 1;
        let n = self.seen;
        neighbours::vote(&mut self.votes, &p);
        let known = &mut *out.known;
        let file = self.file;
        let label = || {
            p.article
                .title
                .clone()
                .or_else(|| p.article.id.clone())
                .unwrap_or_else(|| format!("{}#{n}", file.rel))
        };
        let own_id = own_id(&p.article, &file.rel, n, self.many);
        // The same record seen again (its id, its text): one record.
        if let Some(owner) = known
            .id_owner
            .get(own_id.as_str())
            .filter(|o| o.text_hash == NonZeroU64::new(p.text_hash))
        {
            if !self.recheck {
                self.found.push(Duplicate {
                    path: self.display.to_string(),
                    article: label(),
                    of: own_id.clone(),
                    of_path: out.shown.path(&owner.file),
                });
            }
            self.duplicates += 1;
            return;
        }
        // The same text under another id: a record of its own, which
        // searches show with the other as one hit.
        if let Some(of) = known.hash_owner.get(&p.text_hash) {
            if !self.recheck {
                let owner = known.file_of(of).unwrap_or(&self.key);
                self.same_text.push(Duplicate {
                    path: self.display.to_string(),
                    article: label(),
                    of: of.to_string(),
                    of_path: out.shown.path(owner),
                });
            }
        }
        neighbours::vote(&mut self.kept_votes, &p);
        let id: Arc<str> = unique_id(known, own_id, &self.file.rel, n, self.many).into();
        let text_hash = p.text_hash;
        known
            .hash_owner
            .entry(text_hash)
            .or_insert_with(|| Arc::clone(&id));
        let owner = Owner {
            file: Arc::clone(&self.key),
            text_hash: NonZeroU64::new(text_hash),
        };
        known.id_owner.insert(Arc::clone(&id), owner);
        let fresh = !self.before.contains(&text_hash);
        self.fresh += u64::from(fresh);
        self.added += 1;
        if self.hold && p.detection.method == DetectionMethod::Fallback {
            self.held_bytes += text_bytes(&p.article);
            self.held.push((id, p, fresh));
        } else {
            self.write(out, &id, p, fresh);
        }
    }

    /// Hands an article's document to the writer.
    fn write(&mut self, out: &mut Out<'_>, id: &Arc<str>, p: Prepared, fresh: bool) {
        let doc = document::to_document(
            out.fields,
            Origin {
                id,
                file: &self.key,
                path: self.display,
            },
            &p,
        );
        if fresh {
            let lang = p.detection.code().to_string();
            *self.languages.entry(lang).or_default() += 1;
        }
        if !neighbours::is_own(&p.detection) {
            self.undecided = Some(Lone {
                id: Arc::clone(id),
                language: p.detection.language,
                counted: fresh,
            });
        }
        // The article's text now lives in the document: free it before
        // waiting for room in the queue.
        drop(p);
        out.writer
            .add_document(out.queue.admit(doc))
            .expect("the writer accepts documents while open");
    }

    /// Writes the articles held back once they take more than `limit` bytes
    /// (0: all of them), with the majority language of the articles seen
    /// so far: at the end of the file, its own. A dump of titles only could
    /// otherwise hold most of itself.
    fn release(&mut self, out: &mut Out<'_>, limit: usize) {
        if self.held.is_empty() || (limit > 0 && self.held_bytes <= limit) {
            return;
        }
        let mut held = std::mem::take(&mut self.held);
        self.held_bytes = 0;
        let mut undecided: Vec<Prepared> = Vec::with_capacity(held.len());
        let mut rest = Vec::with_capacity(held.len());
        for (id, p, fresh) in held.drain(..) {
            undecided.push(p);
            rest.push((id, fresh));
        }
        let folder = out.known.folders.majority(&self.key);
        neighbours::settle_counted(&mut undecided, self.seen, &self.votes, folder);
        for (p, (id, fresh)) in undecided.into_iter().zip(rest) {
            self.write(out, &id, p, fresh);
        }
    }

    /// Records the file once all its articles are in; returns the number of
    /// documents written.
    fn finish(mut self, out: &mut Out<'_>, hash: u64) -> usize {
        if self.seen == 0 {
            return self.fail(out, Skip::Empty);
        }
        self.release(out, 0);
        let key = self.key.to_string();
        out.known.folders.set_file(&key, self.kept_votes);
        if let Some(lone) = self.undecided.filter(|_| self.seen == 1) {
            out.known.lone.insert(Arc::clone(&self.key), lone);
        }
        let report = &mut *out.report;
        report.articles_added += self.fresh as usize;
        report.duplicates.extend(self.found);
        report.same_text.extend(self.same_text);
        for (code, n) in self.languages {
            *report.languages.entry(code).or_default() += n;
        }
        let kept = self.added - self.fresh;
        report.articles_removed += self.old.map_or(0, |o| o.articles.saturating_sub(kept)) as usize;
        match self.why {
            Work::New | Work::Retry(_) => report.files_added += 1,
            Work::Changed(_) => report.files_updated += 1,
            // A copy that took the place of an original that went away.
            Work::Recheck if self.fresh > 0 => report.files_updated += 1,
            Work::Recheck => report.files_unchanged += 1,
        }
        let state = FileState {
            size: self.file.size,
            mtime: self.file.mtime_ns,
            hash,
            articles: self.added,
            duplicates: self.duplicates,
        };
        add_file_record(out, &key, self.display, &state, "ok");
        out.known.files.insert(key, state);
        self.added as usize + 1
    }

    /// Leaves the file out after all, taking back what was added of it;
    /// returns the number of documents written.
    fn fail(self, out: &mut Out<'_>, skip: Skip) -> usize {
        let named = (self.file, &*self.key, self.display);
        if !self.started {
            return skip_file(out, named, self.why, 0, skip);
        }
        // Deleting the file's documents takes back those added in this
        // run too (tantivy deletes what was added before the delete), and
        // forgetting its ids those it took.
        out.writer
            .delete_term(Term::from_field_text(out.fields.file, &self.key));
        out.known.forget_file(&self.key);
        out.known.forget_taken(&self.key);
        if let Some(old) = self.old {
            out.report.articles_removed += old.articles as usize;
        }
        record_skip(out, named, 0, skip);
        1
    }
}

/// The bytes of an article's text (title, lead and body).
fn text_bytes(article: &Article) -> usize {
    let title = article.title.as_ref().map_or(0, String::len);
    let lead = article.lead.as_ref().map_or(0, String::len);
    title + lead + article.body.len()
}

/// Gives the articles of a batch of loaded files whose language neither
/// their source nor detection decided, the language of their feed's or
/// folder's majority ([`neighbours`]). The folders count the batch's own
/// files first, so that the files of one folder read together vote
/// together.
fn settle_languages(known: &mut Known, keys: impl Iterator<Item = String>, loaded: &mut [Loaded]) {
    let keys: Vec<String> = keys.collect();
    for (key, l) in keys.iter().zip(loaded.iter()) {
        // An empty list is a touched file (its articles stay) or an empty one.
        if let Ok((prepared, _)) = &l.outcome {
            if !prepared.is_empty() {
                known.folders.set_file(key, neighbours::votes(prepared));
            }
        }
    }
    for (key, l) in keys.iter().zip(loaded.iter_mut()) {
        if let Ok((prepared, _)) = &mut l.outcome {
            neighbours::settle(prepared, known.folders.majority(key));
        }
    }
}

/// The files of the walk whose one article's language is not its own and
/// differs from the one its folder gives now ([`Folders::lone_language`]),
/// to be read again ([`Work::Recheck`]). Each is made to list its article
/// as the index has it, so that reading it again replaces that article,
/// written in this run or before.
fn stale_lone_files<'f>(
    known: &mut Known,
    files: &'f [SourceFile],
    key_of: &dyn Fn(&SourceFile) -> String,
    default: Option<&'static Language>,
) -> Vec<(&'f SourceFile, Work)> {
    let stale: HashMap<&str, &Arc<str>> = known
        .lone
        .iter()
        .filter(|(key, lone)| {
            lang::code_of(lone.language) != lang::code_of(known.folders.lone_language(key, default))
        })
        .map(|(key, lone)| (&**key, &lone.id))
        .collect();
    if stale.is_empty() {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut listed = Vec::new();
    for file in files {
        let key = key_of(file);
        if let Some((key, id)) = stale.get_key_value(key.as_str()) {
            listed.push((Arc::<str>::from(*key), vec![Arc::clone(id)]));
            found.push((file, Work::Recheck));
        }
    }
    known.by_file.extend(listed);
    found
}

/// Takes one article of `language` back from a report's count.
fn uncount_language(languages: &mut BTreeMap<String, usize>, language: Option<&'static Language>) {
    if let Some(n) = languages.get_mut(lang::code_of(language)) {
        *n -= 1;
        if *n == 0 {
            languages.remove(lang::code_of(language));
        }
    }
}

/// Reports a file left out and records it (a record without articles, which
/// the next run tries again); returns the number of documents written.
fn skip_file(out: &mut Out<'_>, named: Named<'_>, why: Work, hash: u64, skip: Skip) -> usize {
    let (file, key, _) = named;
    // Skipped again, for the same content: its record stands.
    let same = FileState {
        size: file.size,
        mtime: file.mtime_ns,
        hash,
        articles: 0,
        duplicates: 0,
    };
    if why == Work::Retry(same) {
        out.report.skipped.push((named.2.to_string(), skip));
        return 0;
    }
    if why != Work::New {
        if let Some(old) = out.known.files.get(key) {
            out.report.articles_removed += old.articles as usize;
        }
        out.writer
            .delete_term(Term::from_field_text(out.fields.file, key));
        out.known.forget_file(key);
    }
    record_skip(out, named, hash, skip);
    1
}

/// Reports a skipped file and adds its record.
fn record_skip(out: &mut Out<'_>, (file, key, display): Named<'_>, hash: u64, skip: Skip) {
    let state = FileState {
        size: file.size,
        mtime: file.mtime_ns,
        hash,
        articles: 0,
        duplicates: 0,
    };
    let status = skip.to_string();
    out.report.skipped.push((display.to_string(), skip));
    add_file_record(out, key, display, &state, &status);
    out.known.files.insert(key.to_string(), state);
}

/// How the report names a file from its key (absolute and canonical): as
/// the walk names the files it finds, the folder as it was given joined with
/// the path inside it; whole when the key lies outside that folder.
struct Shown<'a> {
    /// The canonical folder, with a trailing separator.
    prefix: &'a str,
    /// The folder as it was given.
    given: &'a Path,
}

impl Shown<'_> {
    fn path(&self, key: &str) -> String {
        match key.strip_prefix(self.prefix) {
            Some(inside) => self.given.join(inside).to_string_lossy().into_owned(),
            None => key.to_string(),
        }
    }
}

/// The id an article asks for: the source's own when it has one, else the
/// path (with `#N` for the Nth article of a multi-article file).
fn own_id(article: &Article, rel: &str, n: usize, many: bool) -> String {
    article
        .id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map_or_else(|| by_path(rel, n, many), str::to_string)
}

fn by_path(rel: &str, n: usize, many: bool) -> String {
    if many {
        format!("{rel}#{n}")
    } else {
        rel.to_string()
    }
}

/// The article's id: its [`own_id`] when it is free, else the path, made
/// unique if another file already uses it.
fn unique_id(known: &Known, first: String, rel: &str, n: usize, many: bool) -> String {
    let by_path = by_path(rel, n, many);
    if !known.id_owner.contains_key(first.as_str()) {
        return first;
    }
    let base = if known.id_owner.contains_key(by_path.as_str()) {
        format!("{rel}#{n}")
    } else {
        return by_path;
    };
    (2..)
        .map(|k| format!("{base}~{k}"))
        .find(|c| !known.id_owner.contains_key(c.as_str()))
        .expect("an unused id exists")
}

fn add_file_record(out: &mut Out<'_>, key: &str, display: &str, state: &FileState, status: &str) {
    let fields = out.fields;
    let mut doc = TantivyDocument::default();
    doc.add_u64(fields.kind, KIND_FILE);
    doc.add_text(fields.file, key);
    doc.add_text(fields.file_record, key);
    doc.add_text(fields.path, display);
    doc.add_u64(fields.file_size, state.size);
    doc.add_i64(fields.file_mtime, state.mtime);
    doc.add_u64(fields.file_hash, state.hash);
    doc.add_u64(fields.file_articles, state.articles);
    doc.add_u64(fields.file_duplicates, state.duplicates);
    doc.add_text(fields.file_status, status);
    out.writer
        .add_document(out.queue.admit(doc))
        .expect("the writer accepts documents while open");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_are_bounded_in_files_and_in_bytes() {
        const MB: u64 = 1024 * 1024;
        let sizes = [30 * MB, 30 * MB, 30 * MB, 30 * MB, 30 * MB, 200 * MB]
            .into_iter()
            .chain(std::iter::repeat_n(1024, 600))
            .chain([5 * MB, 5 * MB, 100 * MB, 5 * MB]);
        let files: Vec<SourceFile> = sizes
            .enumerate()
            .map(|(i, size)| SourceFile {
                path: PathBuf::from(format!("f{i:03}")),
                rel: format!("f{i:03}"),
                size,
                mtime_ns: 0,
            })
            .collect();
        let work: Vec<(&SourceFile, Work)> = files.iter().map(|f| (f, Work::New)).collect();
        // f608, 100 MB, is a dump read article by article.
        let streamed = |f: &SourceFile| f.rel == "f608";
        let lens: Vec<usize> = batches(&work, 64 * MB, &streamed).map(<[_]>::len).collect();
        // Two 30 MB files fit in 64 MiB, a third does not; a file larger
        // than the limit is a batch of its own; small files go 256 at once,
        // and a dump goes alone.
        assert_eq!(lens, [2, 2, 1, 1, 256, 256, 90, 1, 1]);
        let rels: Vec<&str> = batches(&work, 64 * MB, &streamed)
            .flatten()
            .map(|(f, _)| f.rel.as_str())
            .collect();
        assert_eq!(
            rels,
            files.iter().map(|f| f.rel.as_str()).collect::<Vec<_>>()
        );
        assert_eq!(batches(&[], 64 * MB, &streamed).count(), 0);
    }

    #[test]
    fn the_budget_is_shared_between_the_writer_and_the_batches() {
        const MB: usize = 1024 * 1024;
        let budget = Budget::of(DEFAULT_MEMORY_BYTES);
        assert_eq!(budget.batch, DEFAULT_MEMORY_BYTES / BATCH_SHARE);
        assert_eq!(budget.writer, DEFAULT_MEMORY_BYTES / WRITER_SHARE);
        // Batches four times over, and half left for flushes, merges and
        // the run's bookkeeping.
        assert_eq!(budget.writer + 4 * budget.batch, DEFAULT_MEMORY_BYTES / 2);
        assert_eq!(budget.merge_docs, 41_943);
        assert_eq!(Budget::of(16 * MB).batch, MB);
    }

    #[test]
    fn merges_are_cut_to_the_most_documents_merged_at_once() {
        let schema = tantivy::schema::Schema::builder().build();
        let index = tantivy::Index::create_in_ram(schema);
        // Twelve segments of 10,000 documents, one of 50,000: one level.
        let metas: Vec<SegmentMeta> = std::iter::repeat_n(10_000, 12)
            .chain([50_000])
            .map(|n| index.new_segment_meta(SegmentId::generate_random(), n))
            .collect();
        let mut inner = LogMergePolicy::default();
        inner.set_level_log_size(10.0);
        let policy = BoundedMerges {
            inner,
            max_docs: 35_000,
            tail: false,
        };
        let sizes: Vec<Vec<u32>> = policy
            .compute_merge_candidates(&metas)
            .iter()
            .map(|c| {
                c.0.iter()
                    .map(|id| metas.iter().find(|m| m.id() == *id).unwrap().num_docs())
                    .collect()
            })
            .collect();
        // Three documents' worth of 10,000 at a time; the 50,000 one alone
        // is never merged.
        assert_eq!(sizes.len(), 4, "{sizes:?}");
        assert!(sizes
            .iter()
            .all(|s| s.len() == 3 && s.iter().all(|&n| n == 10_000)));
    }

    #[test]
    fn a_large_run_ends_by_merging_the_small_segments_it_leaves() {
        let schema = tantivy::schema::Schema::builder().build();
        let index = tantivy::Index::create_in_ram(schema);
        // What the benchmark's 54,496 articles ended in once: two large
        // segments, five of one level and two of another, each level short
        // of the eight the log policy waits for.
        let docs = [
            40_874, 38_397, 9_302, 5_025, 4_683, 4_438, 4_202, 1_336, 735,
        ];
        let metas: Vec<SegmentMeta> = docs
            .iter()
            .map(|&n| index.new_segment_meta(SegmentId::generate_random(), n))
            .collect();
        let merged = |tail: bool, max_docs: u64| -> Vec<Vec<u32>> {
            let policy = BoundedMerges {
                inner: LogMergePolicy::default(),
                max_docs,
                tail,
            };
            let mut out: Vec<Vec<u32>> = policy
                .compute_merge_candidates(&metas)
                .iter()
                .map(|c| {
                    let mut n: Vec<u32> =
                        c.0.iter()
                            .map(|id| metas.iter().find(|m| m.id() == *id).unwrap().num_docs())
                            .collect();
                    n.sort_unstable();
                    n
                })
                .collect();
            out.sort();
            out
        };
        assert!(merged(false, 41_943).is_empty(), "the log policy waits");
        // The seven under a quarter of the bound, together: 29,721 documents.
        assert_eq!(
            merged(true, 41_943),
            [vec![735, 1_336, 4_202, 4_438, 4_683, 5_025, 9_302]]
        );
        // A smaller bound: fewer are small, and the smallest go first, as
        // many as the bound allows.
        assert_eq!(
            merged(true, 24_000),
            [vec![735, 1_336, 4_202, 4_438, 4_683, 5_025]]
        );
        assert_eq!(merged(true, 8_000), [vec![735, 1_336]]);
        assert_eq!(merged(true, 1_500), Vec::<Vec<u32>>::new());
        // The result is no longer small: nothing more to merge.
        let after: Vec<SegmentMeta> = [40_874, 38_397, 29_721]
            .iter()
            .map(|&n| index.new_segment_meta(SegmentId::generate_random(), n))
            .collect();
        let policy = BoundedMerges {
            inner: LogMergePolicy::default(),
            max_docs: 41_943,
            tail: true,
        };
        assert!(policy.compute_merge_candidates(&after).is_empty());
        // Six small segments of 5,000 under a bound of 21,000: four at once.
        let six: Vec<SegmentMeta> = std::iter::repeat_n(5_000, 6)
            .map(|n| index.new_segment_meta(SegmentId::generate_random(), n))
            .collect();
        let policy = BoundedMerges {
            inner: LogMergePolicy::default(),
            max_docs: 21_000,
            tail: true,
        };
        let candidates = policy.compute_merge_candidates(&six);
        assert_eq!(candidates.len(), 1);
        assert_eq!(candidates[0].0.len(), 4);
    }

    #[test]
    fn the_progress_rate_is_the_runs_average_and_waits_a_second() {
        let at = Duration::from_millis;
        // Nothing to say before a second, or before the first file.
        assert_eq!(rate_and_eta(30, 33, at(900)), "");
        assert_eq!(rate_and_eta(0, 33, at(5000)), "");
        // 33 files in 1.1 s: 30 a second, none left.
        assert_eq!(rate_and_eta(33, 33, at(1100)), ", 30 files/s, 0s left");
        assert_eq!(rate_and_eta(600, 2000, at(2000)), ", 300 files/s, 5s left");
        assert_eq!(rate_and_eta(3, 1000, at(2000)), ", 1.5 files/s, 11m left");
    }

    #[test]
    fn report_paths_start_with_the_folder_as_given() {
        let sep = std::path::MAIN_SEPARATOR;
        let prefix = format!("{sep}data{sep}news{sep}");
        let inside = format!("{sep}data{sep}news{sep}md{sep}a.md");
        let outside = format!("{sep}data{sep}other{sep}b.md");
        let given = Path::new("news");
        let shown = Shown {
            prefix: &prefix,
            given,
        };
        assert_eq!(shown.path(&inside), format!("news{sep}md{sep}a.md"));
        assert_eq!(shown.path(&outside), outside);
    }

    #[test]
    fn a_long_text_is_its_story_and_a_short_one_needs_its_title() {
        let article = |title: &str, body: &str| Article {
            title: Some(title.into()),
            body: body.into(),
            ..Article::default()
        };
        let long = "word ".repeat(dedup::MIN_WORDS);
        let spaced = long.replace(' ', "\n  ");
        assert_eq!(
            text_hash(&article("One headline", &long)),
            text_hash(&article("Another headline", &spaced))
        );
        let short = "Read more on our site.";
        assert_ne!(
            text_hash(&article("Rust 1.90 is out", short)),
            text_hash(&article("Cloud outage in Frankfurt", short))
        );
        assert_eq!(
            text_hash(&article("Rust  1.90 is out", short)),
            text_hash(&article("Rust 1.90 is out ", &format!(" {short}")))
        );
        // The title and the body are not one run of words.
        assert_ne!(
            text_hash(&article("a b", "c")),
            text_hash(&article("a", "b c"))
        );
        // The hash is kept in the index: it is that of these bytes, however
        // they are fed to the hasher.
        let bytes = blake3::hash(b"Rust 1.90 is out \nRead more on our site. ");
        assert_eq!(
            text_hash(&article(" Rust 1.90\tis out", short)).to_le_bytes(),
            bytes.as_bytes()[..8]
        );
    }

    #[test]
    fn only_records_without_articles_or_duplicates_are_skips() {
        let state = |articles, duplicates| FileState {
            size: 1,
            mtime: 1,
            hash: 1,
            articles,
            duplicates,
        };
        assert!(state(0, 0).was_skipped());
        assert!(!state(1, 0).was_skipped());
        assert!(!state(0, 2).was_skipped());
    }

    #[test]
    fn a_root_recorded_by_another_run_is_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("idx");
        Store::create(&path).unwrap();
        // This run opened the index before another one recorded its folder.
        let mut ours = Store::open(&path).unwrap();
        let mut theirs = Store::open(&path).unwrap();
        register_root(&mut theirs, Path::new("/news/theirs")).unwrap();
        register_root(&mut ours, Path::new("/news/ours")).unwrap();
        assert_eq!(
            Store::recorded_roots(&path),
            [PathBuf::from("/news/theirs"), PathBuf::from("/news/ours")]
        );
        // Recording a folder again writes nothing new.
        register_root(&mut ours, Path::new("/news/theirs")).unwrap();
        assert_eq!(Store::recorded_roots(&path).len(), 2);
    }
}
