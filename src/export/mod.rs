//! Exporting the index (`veille export`): not part of this build yet.

use clap::Args;

/// Arguments of `veille export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to export.
    pub target: String,
}

/// Runs the export.
pub fn run(args: ExportArgs) -> anyhow::Result<i32> {
    anyhow::bail!(
        "veille export {} is not available in this build",
        args.target
    )
}
