//! `veille eval`: retrieval quality against relevance judgments.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::Args;

use veille::eval::{self, baseline};
use veille::index::open::Source;
use veille::search::Engine;

use super::settings::{Settings, INDEX_ENV, INDEX_HELP};
use super::Outcome;

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Queries, one `id<TAB>question` per line.
    #[arg(long, value_name = "FILE")]
    pub queries: PathBuf,
    /// Relevance judgments in TREC qrels format (`query-id 0 doc-id grade`).
    #[arg(long, value_name = "FILE")]
    pub qrels: PathBuf,
    #[arg(long, env = INDEX_ENV, help = INDEX_HELP)]
    pub index: Option<PathBuf>,
    /// Also measure plain tantivy over these documents (JSON Lines of
    /// `{"id", "title", "text"}`: the documents that were indexed).
    #[arg(long, value_name = "DOCS.jsonl")]
    pub baseline: Option<PathBuf>,
    /// Also write each system's rankings to DIR as a TREC run file
    /// (`veille.run`, `tantivy-default.run`, `tantivy-french.run`), for
    /// trec_eval or a closer look at single queries.
    #[arg(long, value_name = "DIR")]
    pub runs: Option<PathBuf>,
    /// One JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Search only the words as typed, not also their translations.
    #[arg(long)]
    pub no_translate: bool,
}

/// Runs the evaluation and prints the metrics.
pub fn run(args: EvalArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    let queries = eval::read_queries(&args.queries)?;
    let qrels = eval::read_qrels(&args.qrels)?;
    // Read the baseline documents before the long part, so that a bad file
    // fails fast.
    let docs = args
        .baseline
        .as_deref()
        .map(baseline::read_docs)
        .transpose()?;
    let index = settings.index_or_default(args.index.as_deref())?;
    let engine = super::open_index(
        Some(&index),
        Source::Recorded,
        Engine::open,
        super::show_build,
    )?
    .index;
    let evaluation = eval::evaluate(
        &engine,
        &queries,
        &qrels,
        docs.as_deref(),
        !args.no_translate,
    )?;
    if let Some(dir) = &args.runs {
        evaluation.write_runs(dir)?;
    }
    let mut out = io::stdout().lock();
    if args.json {
        evaluation.report.write_json(&mut out)?;
    } else {
        evaluation.report.write_human(&mut out)?;
    }
    out.flush()?;
    Ok(Outcome::Done)
}
