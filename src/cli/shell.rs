//! `veille completions SHELL` and `veille man`: shell completion scripts
//! and manual pages, generated from the same clap definitions that parse
//! the command line (clap_complete, clap_mangen), so that they never fall
//! behind a new flag.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, Outcome};

/// The name the binary is called by, which completions register for.
const BIN: &str = "veille";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for. Print the script into the shell's
    /// completion folder, e.g. `veille completions bash >
    /// ~/.local/share/bash-completion/completions/veille`.
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The page of one command (`veille man search`: veille-search(1));
    /// the page of `veille` itself by default.
    pub command: Option<String>,
    /// Write every page (veille.1, veille-search.1, …) into DIR instead of
    /// printing one.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub out: Option<PathBuf>,
}

pub fn completions(args: &CompletionsArgs) -> anyhow::Result<Outcome> {
    // Into memory first: clap_complete panics when its writer fails, and
    // a closed pipe (`veille completions bash | head`) is no reason to.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), BIN, &mut script);
    let mut out = io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(Outcome::Done)
}

pub fn man(args: &ManArgs) -> anyhow::Result<Outcome> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    // Built, the subcommands know their full names (`veille-search`).
    cmd.build();
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).with_context(|| format!("--out: {}", dir.display()))?;
        clap_mangen::generate_to(cmd, dir).with_context(|| format!("--out: {}", dir.display()))?;
        return Ok(Outcome::Done);
    }
    let page = match &args.command {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => {
                let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
                bail!("unknown command {name:?}; commands: {}", names.join(", "));
            }
        },
    };
    let mut out = io::stdout().lock();
    clap_mangen::Man::new(page).render(&mut out)?;
    out.flush()?;
    Ok(Outcome::Done)
}
