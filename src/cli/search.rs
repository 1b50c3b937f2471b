//! `veille search`: one query, or a file of them, against the index.

use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};

use veille::analysis::lang;
use veille::index::open::Source;
use veille::ingest;
use veille::render::Printer;
use veille::search::{Engine, SearchOptions, Sort, MAX_LIMIT};

use super::Outcome;

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
    #[arg(short = 'n', long = "limit", default_value_t = SearchOptions::default().limit)]
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
    /// Show every matching record: no grouping of copies or near-duplicates.
    #[arg(long)]
    pub all: bool,
    /// Run every query of FILE (lines `id<TAB>query`).
    #[arg(long, value_name = "FILE")]
    pub queries: Option<PathBuf>,
}

pub fn run(args: SearchArgs) -> anyhow::Result<Outcome> {
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
        since: parse_date("--since", &args.since, false)?,
        until: parse_date("--until", &args.until, true)?,
        sort: match args.sort {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Date => Sort::Date,
        },
        group: !args.all,
        ..SearchOptions::default()
    };
    if opts.limit > MAX_LIMIT {
        bail!("--limit: at most {MAX_LIMIT}");
    }
    let queries: Vec<(Option<String>, String)> = match &args.queries {
        Some(file) => read_queries(file)?,
        None => vec![(None, args.query.clone().unwrap_or_default())],
    };
    let engine = super::open_index(
        args.index.as_deref(),
        Source::Recorded,
        Engine::open_once,
        super::show_build,
    )?
    .index;
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
    Ok(if found {
        Outcome::Done
    } else {
        Outcome::NoMatch
    })
}

/// A `--since`/`--until` date; a bare day given as the upper bound counts
/// up to its last second.
fn parse_date(
    flag: &'static str,
    value: &Option<String>,
    end_of_day: bool,
) -> anyhow::Result<Option<DateTime<Utc>>> {
    let Some(v) = value else { return Ok(None) };
    let parsed = ingest::date::parse_date(v)
        .with_context(|| format!("{flag}: {v:?} is not a date (use YYYY-MM-DD or RFC 3339)"))?;
    let day_only = v.trim().len() == 10;
    Ok(Some(if end_of_day && day_only {
        parsed + chrono::Duration::seconds(86_399)
    } else {
        parsed
    }))
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
