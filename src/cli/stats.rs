//! `veille stats`: what the index holds.

use std::io;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use veille::index::stats;
use veille::index::store::DEFAULT_INDEX;
use veille::render;
use veille::search::Engine;

use super::Outcome;

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Index folder.
    #[arg(long, default_value = DEFAULT_INDEX)]
    pub index: PathBuf,
    /// One JSON object.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: StatsArgs) -> anyhow::Result<Outcome> {
    let engine =
        Engine::open(&args.index).with_context(|| format!("opening {}", args.index.display()))?;
    let stats = stats::compute(&engine.store, &engine.searcher())?;
    let mut out = io::stdout().lock();
    if args.json {
        render::stats_json(&mut out, &stats)?;
    } else {
        render::stats_human(&mut out, &stats)?;
    }
    Ok(Outcome::Done)
}
