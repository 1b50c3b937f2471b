//! The command line: argument parsing (clap) and one runner per command.
//!
//! This is the edge of the library: errors become `anyhow` errors with
//! context, and every command ends in an exit code scripts can rely on:
//! 0 success, 1 a search that found nothing, 2 an error.

use std::fs;
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::analysis;
use crate::analysis::lang;
use crate::index::stats;
use crate::index::store::{Probe, Store};
use crate::index::writer::{self, IndexOptions};
use crate::ingest;
use crate::render::{self, Printer};
use crate::search::{Engine, SearchOptions, Sort};

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: the search ran but found nothing.
pub const EXIT_NO_MATCH: i32 = 1;
/// Exit code: an error (bad arguments, missing folder, unwritable index).
pub const EXIT_ERROR: i32 = 2;

/// Default folder of articles.
pub const DEFAULT_CORPUS: &str = "corpus";
/// Default index folder.
pub const DEFAULT_INDEX: &str = "index";

/// veille: full-text search for tech news, in every language it can read.
#[derive(Debug, Parser)]
#[command(name = "veille", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index a folder of articles (incrementally).
    Index(IndexArgs),
    /// Search the index.
    Search(SearchArgs),
    /// Show what the index holds.
    Stats(StatsArgs),
    /// Show the tokens an analysis chain makes of a text.
    Analyze(AnalyzeArgs),
    /// Run the search daemon (HTTP JSON API, web page, Atom feeds).
    Serve(crate::server::ServeArgs),
    /// Measure retrieval quality against relevance judgments.
    Eval(crate::eval::EvalArgs),
    /// Export the index (OpenSearch settings and bulk files, or JSON Lines).
    Export(crate::export::ExportArgs),
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Folder of articles (.txt, .md, .html, .json, .jsonl, RSS/Atom feeds).
    #[arg(default_value = DEFAULT_CORPUS)]
    pub dir: PathBuf,
    /// Index folder.
    #[arg(long, default_value = DEFAULT_INDEX)]
    pub index: PathBuf,
    /// Start from an empty index.
    #[arg(long)]
    pub rebuild: bool,
    /// Skip files larger than this many megabytes.
    #[arg(long, value_name = "MB", default_value_t = 50)]
    pub max_file_size: u64,
    /// Memory budget of the index writer, in megabytes.
    #[arg(long, value_name = "MB", default_value_t = 200)]
    pub memory: usize,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Language for text too short or ambiguous to detect (default: none,
    /// language-neutral analysis).
    #[arg(long, value_name = "LANG")]
    pub default_lang: Option<String>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SortArg {
    Relevance,
    Date,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FormatArg {
    Text,
    Json,
    Trec,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words, "phrases", -exclusions, OR, title:, lang:, source:, word~, word*.
    #[arg(required_unless_present = "queries")]
    pub query: Option<String>,
    /// Index folder.
    #[arg(long)]
    pub index: Option<PathBuf>,
    /// Number of hits.
    #[arg(short = 'n', long = "limit", default_value_t = 10)]
    pub limit: usize,
    /// Skip this many hits (for paging).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Only articles in this language (ISO code; repeatable).
    #[arg(long)]
    pub lang: Vec<String>,
    /// Only articles published on or after this date (YYYY-MM-DD or RFC 3339).
    #[arg(long)]
    pub since: Option<String>,
    /// Only articles published on or before this date (YYYY-MM-DD or RFC 3339).
    #[arg(long)]
    pub until: Option<String>,
    /// Order of the hits.
    #[arg(long, value_enum, default_value = "relevance")]
    pub sort: SortArg,
    /// JSON Lines output (same as --format json).
    #[arg(long)]
    pub json: bool,
    /// Output format.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// When to use colours.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorArg,
    /// Show every matching article: no grouping of near-duplicates.
    #[arg(long)]
    pub all: bool,
    /// Run every query of FILE (lines `id<TAB>query`).
    #[arg(long, value_name = "FILE")]
    pub queries: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Index folder.
    #[arg(long, default_value = DEFAULT_INDEX)]
    pub index: PathBuf,
    /// One JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Use this language's chain (default: the detected language's).
    #[arg(long)]
    pub lang: Option<String>,
    /// Also detect the language and show the confidence.
    #[arg(long)]
    pub detect: bool,
    /// One JSON object per input.
    #[arg(long)]
    pub json: bool,
    /// The text; `-` reads one text per line from standard input.
    #[arg(required = true, num_args = 1..)]
    pub text: Vec<String>,
}

/// Parses the arguments, runs the command and returns the exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return EXIT_OK;
            }
            let mut msg = format!("veille: error: {err}");
            for cause in err.chain().skip(1) {
                msg.push_str(&format!(": {cause}"));
            }
            eprintln!("{msg}");
            EXIT_ERROR
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Index(args) => cmd_index(args),
        Command::Search(args) => cmd_search(args),
        Command::Stats(args) => cmd_stats(args),
        Command::Analyze(args) => cmd_analyze(args),
        Command::Serve(args) => crate::server::run(args),
        Command::Eval(args) => crate::eval::run(args),
        Command::Export(args) => crate::export::run(args),
    }
}

fn cmd_index(args: IndexArgs) -> anyhow::Result<i32> {
    let default_lang = match &args.default_lang {
        Some(code) => Some(
            lang::lookup(code)
                .with_context(|| format!("--default-lang: unknown language {code:?}"))?,
        ),
        None => None,
    };
    if args.memory < 16 {
        bail!("--memory: at least 16 MB");
    }
    let opts = IndexOptions {
        root: args.dir.clone(),
        index: args.index.clone(),
        rebuild: args.rebuild,
        max_file_bytes: args.max_file_size.saturating_mul(1024 * 1024),
        memory_bytes: args.memory * 1024 * 1024,
        threads: args.threads,
        default_lang,
        progress: !args.quiet,
    };
    let report = writer::run(&opts).with_context(|| {
        format!(
            "indexing {} into {}",
            args.dir.display(),
            args.index.display()
        )
    })?;
    let mut out = io::stdout().lock();
    render::index_report(&mut out, &report)?;
    Ok(EXIT_OK)
}

/// Opens the index for searching, following its later commits (for the
/// daemon). The default index is built from the default corpus when it does
/// not exist yet, and any index of an older format is rebuilt from the
/// folders it was made from.
pub fn open_for_search(index: Option<&Path>) -> anyhow::Result<Engine> {
    open_ready(index, Engine::open)
}

/// [`open_for_search`] for a one-shot command: the commit of the moment.
fn open_for_one_search(index: Option<&Path>) -> anyhow::Result<Engine> {
    open_ready(index, Engine::open_once)
}

/// Opens the index with `open`; only when there is none, or one of another
/// format, is it built or rebuilt first (see [`ready_index`]). Opening
/// first, rather than probing and then opening, reads the index's metadata
/// once in the usual case.
fn open_ready(
    index: Option<&Path>,
    open: impl Fn(&Path) -> crate::Result<Engine>,
) -> anyhow::Result<Engine> {
    let path = index.unwrap_or(Path::new(DEFAULT_INDEX));
    match open(path) {
        Ok(engine) => return Ok(engine),
        Err(crate::Error::NoIndex(_) | crate::Error::IncompatibleIndex { .. }) => {}
        Err(e) => return Err(e).with_context(|| format!("opening {}", path.display())),
    }
    let path = ready_index(index)?;
    open(path).with_context(|| format!("opening {}", path.display()))
}

/// The path of the index to search, built or rebuilt first if need be (see
/// [`open_for_search`]).
fn ready_index(index: Option<&Path>) -> anyhow::Result<&Path> {
    let is_default = index.is_none();
    let path = index.unwrap_or(Path::new(DEFAULT_INDEX));
    let roots: Vec<PathBuf> = match Store::probe(path) {
        Probe::Compatible => Vec::new(),
        Probe::Missing if is_default && Path::new(DEFAULT_CORPUS).is_dir() => {
            eprintln!(
                "veille: no index yet; building {} from {}/ first",
                path.display(),
                DEFAULT_CORPUS
            );
            vec![PathBuf::from(DEFAULT_CORPUS)]
        }
        Probe::Missing => bail!(
            "{}: no index here; run `veille index DIR --index {}` first",
            path.display(),
            path.display()
        ),
        Probe::Incompatible(why) => {
            let roots = fs::read(path.join(crate::index::store::META_FILE))
                .ok()
                .and_then(|b| serde_json::from_slice::<crate::index::store::StoreMeta>(&b).ok())
                .map(|m| m.roots)
                .unwrap_or_default();
            let roots: Vec<PathBuf> = roots.into_iter().filter(|r| r.is_dir()).collect();
            if roots.is_empty() {
                bail!(
                    "{}: {why}; run `veille index DIR --index {} --rebuild`",
                    path.display(),
                    path.display()
                );
            }
            eprintln!("veille: {}: {why}; rebuilding it", path.display());
            roots
        }
    };
    for (i, root) in roots.iter().enumerate() {
        let mut opts = IndexOptions::new(root, path);
        opts.rebuild = i == 0;
        opts.progress = true;
        let report = writer::run(&opts)
            .with_context(|| format!("indexing {} into {}", root.display(), path.display()))?;
        render::index_report(&mut io::stderr().lock(), &report)?;
    }
    Ok(path)
}

fn parse_date_arg(
    name: &'static str,
    value: &Option<String>,
    end_of_day: bool,
) -> anyhow::Result<Option<chrono::DateTime<chrono::Utc>>> {
    let Some(v) = value else { return Ok(None) };
    let parsed = ingest::date::parse_date(v)
        .with_context(|| format!("{name}: {v:?} is not a date (use YYYY-MM-DD or RFC 3339)"))?;
    let day_only = v.trim().len() == 10;
    Ok(Some(if end_of_day && day_only {
        parsed + chrono::Duration::seconds(86_399)
    } else {
        parsed
    }))
}

fn cmd_search(args: SearchArgs) -> anyhow::Result<i32> {
    let format = match (args.format, args.json) {
        (Some(f), _) => f,
        (None, true) => FormatArg::Json,
        (None, false) => FormatArg::Text,
    };
    let printer = match format {
        FormatArg::Json => Printer::Json,
        FormatArg::Trec => Printer::Trec,
        FormatArg::Text => Printer::Human {
            color: match args.color {
                ColorArg::Always => true,
                ColorArg::Never => false,
                ColorArg::Auto => {
                    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            },
        },
    };
    for l in &args.lang {
        if lang::lookup(l).is_none() && l != "und" {
            bail!("--lang: unknown language {l:?}");
        }
    }
    let opts = SearchOptions {
        limit: args.limit,
        offset: args.offset,
        langs: args.lang.clone(),
        since: parse_date_arg("--since", &args.since, false)?,
        until: parse_date_arg("--until", &args.until, true)?,
        sort: match args.sort {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Date => Sort::Date,
        },
        group: !args.all,
        ..SearchOptions::default()
    };
    if opts.limit > crate::search::MAX_LIMIT {
        bail!("--limit: at most {}", crate::search::MAX_LIMIT);
    }
    let queries: Vec<(Option<String>, String)> = match &args.queries {
        Some(file) => read_queries(file)?,
        None => vec![(None, args.query.clone().unwrap_or_default())],
    };
    let engine = open_for_one_search(args.index.as_deref())?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut err = io::stderr().lock();
    let mut found = false;
    for (qid, query) in &queries {
        let results = engine
            .search(query, &opts)
            .with_context(|| format!("searching {query:?}"))?;
        found |= !results.hits.is_empty();
        printer.results(&mut out, &mut err, &results, qid.as_deref())?;
    }
    out.flush()?;
    // The process ends here: the kernel unmaps the index's files at exit
    // faster than dropping the engine does, one file at a time (a quarter
    // of a one-word search's system time).
    std::mem::forget(engine);
    Ok(if found { EXIT_OK } else { EXIT_NO_MATCH })
}

/// Reads a file of `id<TAB>query` lines.
fn read_queries(path: &Path) -> anyhow::Result<Vec<(Option<String>, String)>> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let Some((id, query)) = line.split_once('\t') else {
            bail!(
                "{}: line {}: expected `id<TAB>query`",
                path.display(),
                n + 1
            );
        };
        out.push((Some(id.trim().to_string()), query.to_string()));
    }
    Ok(out)
}

fn cmd_stats(args: StatsArgs) -> anyhow::Result<i32> {
    let engine =
        Engine::open(&args.index).with_context(|| format!("opening {}", args.index.display()))?;
    let stats = stats::compute(&engine.store, &engine.searcher())?;
    let mut out = io::stdout().lock();
    if args.json {
        render::stats_json(&mut out, &stats)?;
    } else {
        render::stats_human(&mut out, &stats)?;
    }
    Ok(EXIT_OK)
}

fn cmd_analyze(args: AnalyzeArgs) -> anyhow::Result<i32> {
    let forced = match &args.lang {
        Some(code) if code == "neutral" || code == "und" => Some(None),
        Some(code) => {
            Some(Some(lang::lookup(code).with_context(|| {
                format!("--lang: unknown language {code:?}")
            })?))
        }
        None => None,
    };
    let inputs: Vec<String> = if args.text.len() == 1 && args.text[0] == "-" {
        io::stdin()
            .lock()
            .lines()
            .collect::<Result<_, _>>()
            .context("reading standard input")?
    } else {
        vec![args.text.join(" ")]
    };
    let mut out = io::stdout().lock();
    for text in inputs {
        let detection = lang::detect(None, "", &text, None);
        let language = match forced {
            Some(l) => l,
            None => detection.language,
        };
        let chain = language.filter(|l| l.has_chain());
        let mut analyzer = analysis::analyzer(chain);
        let tokens = analysis::analyze(&mut analyzer, &text);
        let show_detection = args.detect || forced.is_none();
        if args.json {
            let value = serde_json::json!({
                "lang": language.map_or("und", |l| l.code),
                "confidence": if show_detection { Some(detection.confidence) } else { None },
                "detected": if show_detection { Some(detection.code()) } else { None },
                "chain": chain.map_or("neutral".to_string(), |l| l.code.to_string()),
                "tokens": tokens.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(),
            });
            serde_json::to_writer(&mut out, &value)?;
            writeln!(out)?;
        } else {
            if show_detection {
                writeln!(
                    out,
                    "detected: {} (confidence {:.2})",
                    detection.code(),
                    detection.confidence
                )?;
            }
            writeln!(
                out,
                "chain: {}",
                chain.map_or("neutral".to_string(), |l| format!(
                    "{} ({})",
                    l.code, l.name
                ))
            )?;
            for t in &tokens {
                writeln!(
                    out,
                    "{:>4}  {:<24} {}..{}  {}",
                    t.position,
                    t.text,
                    t.offset_from,
                    t.offset_to,
                    &text[t.offset_from..t.offset_to]
                )?;
            }
        }
    }
    Ok(EXIT_OK)
}
