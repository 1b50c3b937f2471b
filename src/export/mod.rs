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
//! stays flat however large the index is.

pub mod bulk;
pub mod jsonl;
pub mod load_sh;
pub mod opensearch;
pub mod stored;

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::{Args, Subcommand};

use crate::cli::{DEFAULT_INDEX, EXIT_OK};
use crate::search::Engine;

/// Arguments of `veille export`.
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

/// Arguments of `veille export opensearch`.
#[derive(Debug, Args)]
pub struct OpenSearchArgs {
    /// Folder to write settings.json, bulk-NNNN.ndjson and load.sh into
    /// (created if needed).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Index folder to export.
    #[arg(long, default_value = DEFAULT_INDEX)]
    pub index: PathBuf,
    /// Name of the OpenSearch index.
    #[arg(long, default_value = "veille")]
    pub name: String,
    /// Number of primary shards of the OpenSearch index.
    #[arg(long, default_value_t = 1)]
    pub shards: u32,
    /// Largest size of a bulk file, in bytes (an article larger than this
    /// gets a file of its own).
    #[arg(long, value_name = "BYTES", default_value_t = bulk::DEFAULT_MAX_PART_BYTES)]
    pub max_part_bytes: u64,
}

/// Arguments of `veille export jsonl`.
#[derive(Debug, Args)]
pub struct JsonlArgs {
    /// File to write (`-`: standard output).
    #[arg(long, value_name = "FILE", default_value = "-")]
    pub out: PathBuf,
    /// Index folder to export.
    #[arg(long, default_value = DEFAULT_INDEX)]
    pub index: PathBuf,
}

/// Runs the export.
pub fn run(args: ExportArgs) -> anyhow::Result<i32> {
    match args.target {
        Target::Opensearch(args) => run_opensearch(&args),
        Target::Jsonl(args) => run_jsonl(&args),
    }
}

fn open(index: &Path) -> anyhow::Result<Engine> {
    Engine::open(index).with_context(|| format!("opening {}", index.display()))
}

fn run_opensearch(args: &OpenSearchArgs) -> anyhow::Result<i32> {
    opensearch::check_index_name(&args.name).context("--name")?;
    if args.shards == 0 {
        bail!("--shards: at least 1");
    }
    if args.max_part_bytes == 0 {
        bail!("--max-part-bytes: at least 1");
    }
    let engine = open(&args.index)?;
    let out = &args.out;
    fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;

    let settings = opensearch::settings(args.shards);
    let settings_path = out.join(opensearch::SETTINGS_FILE);
    let mut text = serde_json::to_string_pretty(&settings)?;
    text.push('\n');
    fs::write(&settings_path, text)
        .with_context(|| format!("writing {}", settings_path.display()))?;

    let mut writer = bulk::BulkWriter::new(out, &args.name, args.max_part_bytes);
    let searcher = engine.searcher();
    stored::for_each_article(&engine.store.fields, &searcher, |article| {
        writer.add(&article)
    })
    .with_context(|| format!("writing bulk files into {}", out.display()))?;
    let parts = writer.finish()?;

    let script_path = out.join(load_sh::SCRIPT_FILE);
    load_sh::write(&script_path, &args.name, &parts)
        .with_context(|| format!("writing {}", script_path.display()))?;

    let stale = bulk::stale_parts(out, &parts)?;
    let articles: u64 = parts.iter().map(|p| p.articles).sum();
    let bytes: u64 = parts.iter().map(|p| p.bytes).sum();
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
        script_path.display()
    )?;
    for file in &stale {
        eprintln!(
            "veille: warning: {} is left from an earlier export; load.sh ignores it",
            out.join(file).display()
        );
    }
    Ok(EXIT_OK)
}

fn run_jsonl(args: &JsonlArgs) -> anyhow::Result<i32> {
    let engine = open(&args.index)?;
    let to_stdout = args.out.as_os_str() == "-";
    let summary = if to_stdout {
        let stdout = io::stdout();
        let out = io::BufWriter::new(stdout.lock());
        jsonl::write(&engine, out)?
    } else {
        if let Some(parent) = args.out.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        let file = fs::File::create(&args.out)
            .with_context(|| format!("creating {}", args.out.display()))?;
        jsonl::write(&engine, io::BufWriter::new(file))
            .with_context(|| format!("writing {}", args.out.display()))?
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
    Ok(EXIT_OK)
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
