//! `veille search`: one query, or a file of them, against the index.

use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};

use veille::analysis::lang;
use veille::index::open::Source;
use veille::render::Printer;
use veille::search::when::{self, Bound};
use veille::search::{Engine, SearchOptions, Sort, MAX_LIMIT};

use super::settings::{Settings, INDEX_ENV, INDEX_HELP};
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
    #[arg(required_unless_present_any = ["queries", "saved"])]
    pub query: Option<String>,
    /// Run the saved search NAME of the configuration file; the flags given
    /// here (--lang, --since, --until, --sort) replace its own.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["query", "queries"])]
    pub saved: Option<String>,
    #[arg(long, env = INDEX_ENV, help = INDEX_HELP)]
    pub index: Option<PathBuf>,
    /// Number of hits (0: only count them).
    #[arg(short = 'n', long = "limit", default_value_t = SearchOptions::default().limit,
          value_parser = super::count::<usize>, allow_negative_numbers = true)]
    pub limit: usize,
    /// Skip this many hits (for paging).
    #[arg(long, default_value_t = 0, value_parser = super::count::<usize>,
          allow_negative_numbers = true)]
    pub offset: usize,
    /// Only articles in this language (ISO code; repeatable).
    #[arg(long)]
    pub lang: Vec<String>,
    /// Only articles published on or after DATE.
    #[arg(long, value_name = "DATE", long_help = date_help("on or after"))]
    pub since: Option<String>,
    /// Only articles published on or before DATE.
    #[arg(long, value_name = "DATE", long_help = date_help("on or before"))]
    pub until: Option<String>,
    /// Order of the hits [default: relevance].
    #[arg(long, value_enum)]
    pub sort: Option<SortArg>,
    /// JSON Lines output (same as --format json).
    #[arg(long, conflicts_with = "format")]
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
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    pub queries: Option<PathBuf>,
    /// Search only the words as typed, not also their translations into
    /// the index's other languages.
    #[arg(long)]
    pub no_translate: bool,
    /// Also translate with the terms of FILE (`fr<TAB>en[<TAB>flags]` lines;
    /// a glossary.tsv beside the index is read too).
    #[arg(long, value_name = "FILE")]
    pub glossary: Option<PathBuf>,
}

/// The long help of `--since` and `--until`: the forms a date takes.
fn date_help(which: &str) -> String {
    format!(
        "Only articles published {which} DATE: {}. A day counts whole; \
         days are UTC days.",
        when::FORMS
    )
}

pub fn run(args: SearchArgs, settings: &Settings) -> anyhow::Result<Outcome> {
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
    let saved = args
        .saved
        .as_deref()
        .map(|name| settings.saved(name))
        .transpose()?;
    let langs = match (&saved, args.lang.is_empty()) {
        (Some(s), true) => s.langs.clone(),
        _ => args.lang.clone(),
    };
    for l in &langs {
        if lang::lookup(l).is_none() && l != "und" {
            let known: Vec<&str> = lang::LANGUAGES.iter().map(|l| l.code).collect();
            bail!(
                "--lang: unknown language {l:?} (known: {}, und)",
                known.join(", ")
            );
        }
    }
    let since = args
        .since
        .clone()
        .or_else(|| saved.as_ref().and_then(|s| s.since.clone()));
    let until = args
        .until
        .clone()
        .or_else(|| saved.as_ref().and_then(|s| s.until.clone()));
    let now = Utc::now();
    let opts = SearchOptions {
        limit: args.limit,
        offset: args.offset,
        langs,
        since: date("--since", since.as_deref(), Bound::Since, now)?,
        until: date("--until", until.as_deref(), Bound::Until, now)?,
        sort: match (args.sort, &saved) {
            (Some(SortArg::Relevance), _) => Sort::Relevance,
            (Some(SortArg::Date), _) => Sort::Date,
            (None, Some(s)) => s.sort,
            (None, None) => Sort::default(),
        },
        group: !args.all,
        translate: !args.no_translate,
        ..SearchOptions::default()
    };
    if let (Some(since), Some(until)) = (opts.since, opts.until) {
        if until < since {
            bail!("--until: {} is before --since", until.to_rfc3339());
        }
    }
    if opts.limit > MAX_LIMIT {
        bail!("--limit: at most {MAX_LIMIT}");
    }
    let queries: Vec<(Option<String>, String)> = match &args.queries {
        Some(file) => read_queries(file)?,
        None => match &saved {
            Some(s) => vec![(None, s.query.clone())],
            None => vec![(None, args.query.clone().unwrap_or_default())],
        },
    };
    let index = settings.index(args.index.as_deref())?;
    let mut engine = super::open_index(
        index.as_deref(),
        Source::Recorded,
        Engine::open_once,
        super::show_build,
    )?
    .index;
    if let Some(glossary) = &args.glossary {
        engine.add_glossary(glossary).context("--glossary")?;
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut err = io::stderr().lock();
    let mut found = false;
    for (qid, query) in &queries {
        let results = engine
            .search(query, &opts)
            .with_context(|| format!("searching {query:?}"))?;
        // `-n 0` counts: a search that matched found something, shown or not.
        found |= results.total > 0;
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

/// A `--since`/`--until` date, calendar or relative to `now`.
fn date(
    flag: &'static str,
    value: Option<&str>,
    bound: Bound,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<DateTime<Utc>>> {
    value
        .map(|v| when::parse(flag, v, bound, now))
        .transpose()
        .map_err(Into::into)
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
