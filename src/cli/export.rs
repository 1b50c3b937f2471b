//! `veille export`: the index as OpenSearch settings and `_bulk` files, or
//! as JSON Lines.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};

use veille::export::{self, bulk, jsonl, load_sh, opensearch};
use veille::search::Engine;

use super::settings::{Settings, INDEX_ENV, INDEX_HELP};
use super::Outcome;

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub target: Target,
}

/// What to export.
#[derive(Debug, Subcommand)]
pub enum Target {
    /// OpenSearch index settings and mappings, _bulk files and a load script.
    Opensearch(OpenSearchArgs),
    /// Every stored article as JSON Lines, readable by `veille index`.
    Jsonl(JsonlArgs),
}

#[derive(Debug, Args)]
pub struct OpenSearchArgs {
    /// Folder to write settings.json, bulk-NNNN.ndjson and load.sh into
    /// (created if needed).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[arg(long, env = INDEX_ENV, help = INDEX_HELP)]
    pub index: Option<PathBuf>,
    /// Name of the OpenSearch index.
    #[arg(long, default_value = "veille")]
    pub name: String,
    /// Number of primary shards of the OpenSearch index.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub shards: u32,
    /// Largest size of a bulk file, in bytes (an article larger than this
    /// gets a file of its own).
    #[arg(long, value_name = "BYTES", default_value_t = bulk::DEFAULT_MAX_PART_BYTES,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_part_bytes: u64,
}

#[derive(Debug, Args)]
pub struct JsonlArgs {
    /// File to write (`-`: standard output).
    #[arg(long, value_name = "FILE", default_value = "-")]
    pub out: PathBuf,
    #[arg(long, env = INDEX_ENV, help = INDEX_HELP)]
    pub index: Option<PathBuf>,
}

pub fn run(args: ExportArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    match args.target {
        Target::Opensearch(args) => {
            let index = settings.index_or_default(args.index.as_deref())?;
            run_opensearch(&args, &index)
        }
        Target::Jsonl(args) => {
            let index = settings.index_or_default(args.index.as_deref())?;
            run_jsonl(&args, &index)
        }
    }
}

/// An export reads the index as it is: it never builds one.
fn open(index: &Path) -> anyhow::Result<Engine> {
    Engine::open(index).with_context(|| format!("opening {}", index.display()))
}

fn run_opensearch(args: &OpenSearchArgs, index: &Path) -> anyhow::Result<Outcome> {
    opensearch::check_index_name(&args.name).context("--name")?;
    let engine = open(index)?;
    let job = export::OpenSearchExport {
        out: args.out.clone(),
        name: args.name.clone(),
        shards: args.shards,
        max_part_bytes: args.max_part_bytes,
    };
    let summary = export::opensearch_files(&engine, &job)
        .with_context(|| format!("exporting into {}", args.out.display()))?;
    let (articles, parts, bytes, out) =
        (summary.articles, &summary.parts, summary.bytes, &args.out);
    let mut stdout = io::stdout().lock();
    writeln!(
        stdout,
        "exported {articles} article{} to {}: {}, {} bulk file{} ({:.1} MB), {}",
        plural(articles),
        out.display(),
        opensearch::SETTINGS_FILE,
        parts.len(),
        plural(parts.len() as u64),
        bytes as f64 / 1e6,
        load_sh::SCRIPT_FILE,
    )?;
    writeln!(
        stdout,
        "load them with: OPENSEARCH_URL=http://localhost:9200 {}",
        summary.script.display()
    )?;
    for file in &summary.stale {
        eprintln!(
            "veille: warning: {} is left from an earlier export; load.sh ignores it",
            out.join(file).display()
        );
    }
    Ok(Outcome::Done)
}

fn run_jsonl(args: &JsonlArgs, index: &Path) -> anyhow::Result<Outcome> {
    let engine = open(index)?;
    let to_stdout = args.out.as_os_str() == "-";
    let summary = if to_stdout {
        let stdout = io::stdout();
        jsonl::write(&engine, io::BufWriter::new(stdout.lock()))?
    } else {
        let file = export::create_file(&args.out)?;
        jsonl::write(&engine, file).with_context(|| format!("writing {}", args.out.display()))?
    };
    let message = format!(
        "exported {} article{}{}",
        summary.articles,
        plural(summary.articles),
        if to_stdout {
            String::new()
        } else {
            format!(" to {}", args.out.display())
        }
    );
    // Standard output may be the dump itself: the summary then goes to stderr.
    if to_stdout {
        eprintln!("veille: {message}");
    } else {
        writeln!(io::stdout().lock(), "{message}")?;
    }
    if summary.html_like > 0 {
        eprintln!(
            "veille: warning: {} article{} look like HTML to the JSON reader \
             (a tag at the start, `</p>` or `<br`): `veille index` will strip \
             markup from {} and may find slightly different text",
            summary.html_like,
            plural(summary.html_like),
            if summary.html_like == 1 { "it" } else { "them" },
        );
    }
    Ok(Outcome::Done)
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
