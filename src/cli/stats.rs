//! `veille stats`: what the index holds.

use std::io;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use veille::index::stats;
use veille::render;
use veille::search::Engine;

use super::settings::{Settings, INDEX_ENV, INDEX_HELP};
use super::Outcome;

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[arg(long, env = INDEX_ENV, help = INDEX_HELP)]
    pub index: Option<PathBuf>,
    /// One JSON object.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: StatsArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    let index = settings.index_or_default(args.index.as_deref())?;
    let engine = Engine::open(&index).with_context(|| format!("opening {}", index.display()))?;
    let stats = stats::compute(&engine.store, &engine.searcher())?;
    let mut out = io::stdout().lock();
    if args.json {
        render::stats_json(&mut out, &stats)?;
    } else {
        render::stats_human(&mut out, &stats)?;
    }
    Ok(Outcome::Done)
}
