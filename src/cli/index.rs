//! `veille index`: bring an index in line with a folder of articles.

use std::io;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::Args;

use veille::analysis::lang;
use veille::index::store::DEFAULT_CORPUS;
use veille::index::writer::{self, IndexOptions, DEFAULT_MEMORY_BYTES};
use veille::ingest::DEFAULT_MAX_FILE_BYTES;
use veille::render;

use super::settings::{Settings, INDEX_ENV, INDEX_HELP};
use super::Outcome;

/// Bytes in a megabyte, the unit of the size flags.
const MB: usize = 1024 * 1024;
/// Smallest memory budget accepted for the writer, in megabytes.
const MIN_MEMORY_MB: usize = 16;

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Folder of articles (.txt, .md, .html, .json, .jsonl, RSS/Atom feeds).
    #[arg(default_value = DEFAULT_CORPUS)]
    pub dir: PathBuf,
    #[arg(long, env = INDEX_ENV, help = INDEX_HELP)]
    pub index: Option<PathBuf>,
    /// Start from an empty index.
    #[arg(long)]
    pub rebuild: bool,
    /// Skip files larger than this many megabytes; in a dump read article
    /// by article (JSON Lines, JSON array), skip larger articles.
    #[arg(long, value_name = "MB", default_value_t = DEFAULT_MAX_FILE_BYTES / MB as u64,
          value_parser = super::count::<u64>, allow_negative_numbers = true)]
    pub max_file_size: u64,
    /// Memory budget of indexing (the writer and the articles being read),
    /// in megabytes.
    #[arg(long, value_name = "MB", default_value_t = DEFAULT_MEMORY_BYTES / MB,
          value_parser = super::count::<usize>, allow_negative_numbers = true)]
    pub memory: usize,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0, value_parser = super::count::<usize>,
          allow_negative_numbers = true)]
    pub threads: usize,
    /// Language for text too short or ambiguous to detect (default: none,
    /// language-neutral analysis).
    #[arg(long, value_name = "LANG")]
    pub default_lang: Option<String>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: IndexArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    let default_lang = match &args.default_lang {
        Some(code) => Some(
            lang::lookup(code)
                .with_context(|| format!("--default-lang: unknown language {code:?}"))?,
        ),
        None => None,
    };
    if args.memory < MIN_MEMORY_MB {
        bail!("--memory: at least {MIN_MEMORY_MB} MB");
    }
    let index = settings.index_or_default(args.index.as_deref())?;
    let opts = IndexOptions {
        root: args.dir.clone(),
        index: index.clone(),
        rebuild: args.rebuild,
        max_file_bytes: args.max_file_size.saturating_mul(MB as u64),
        memory_bytes: args.memory * MB,
        threads: args.threads,
        default_lang,
        progress: !args.quiet,
    };
    let report = writer::run(&opts)
        .with_context(|| format!("indexing {} into {}", args.dir.display(), index.display()))?;
    render::index_report(&mut io::stdout().lock(), &report)?;
    Ok(Outcome::Done)
}
