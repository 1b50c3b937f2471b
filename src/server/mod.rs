//! The search daemon (`veille serve`): not part of this build yet.

use std::path::PathBuf;

use clap::Args;

/// Arguments of `veille serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Index folder.
    #[arg(long, default_value = crate::cli::DEFAULT_INDEX)]
    pub index: PathBuf,
}

/// Runs the daemon until it is asked to stop.
pub fn run(args: ServeArgs) -> anyhow::Result<i32> {
    anyhow::bail!(
        "veille serve is not available in this build (index {})",
        args.index.display()
    )
}
