//! Retrieval evaluation (`veille eval`): not part of this build yet.

use std::path::PathBuf;

use clap::Args;

/// Arguments of `veille eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Queries, one `id<TAB>query` per line.
    #[arg(long)]
    pub queries: PathBuf,
    /// Relevance judgments in TREC qrels format.
    #[arg(long)]
    pub qrels: PathBuf,
}

/// Runs the evaluation and prints the metrics.
pub fn run(args: EvalArgs) -> anyhow::Result<i32> {
    anyhow::bail!(
        "veille eval is not available in this build ({})",
        args.queries.display()
    )
}
