//! The command line: parsing (clap), one runner per command, and the one
//! place where an outcome becomes the process's exit code.
//!
//! Each command has a file of its own with its arguments and its runner;
//! [`settings`] says where defaults come from (flags, then `VEILLE_INDEX`,
//! then the configuration file). Runners call the library with typed
//! options, show what it returns, and
//! wrap its errors with `anyhow` context; [`main`] prints an error once,
//! with its causes, and exits 0 on success, 1 for a search that found
//! nothing, 2 on any error.

mod analyze;
mod eval;
mod export;
mod index;
mod search;
mod serve;
mod settings;
mod shell;
mod stats;

use std::io;
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use clap::{Parser, Subcommand};

use veille::index::open::{self, Event, Opened, Source, Why};
use veille::render;
use veille::search::Engine;

use settings::Settings;

/// Exit code: success.
const EXIT_OK: i32 = 0;
/// Exit code: the search ran but found nothing.
const EXIT_NO_MATCH: i32 = 1;
/// Exit code: an error (bad arguments, missing folder, unwritable index).
const EXIT_ERROR: i32 = 2;

/// veille: full-text search for tech news, in every language it can read.
#[derive(Debug, Parser)]
#[command(name = "veille", version, about, long_about = None, propagate_version = true)]
struct Cli {
    /// Configuration file: default index, watched folder, saved searches
    /// [default: veille/config.toml in the user's configuration folder,
    /// e.g. ~/.config/veille/config.toml].
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Index a folder of articles (incrementally).
    Index(index::IndexArgs),
    /// Search the index.
    Search(search::SearchArgs),
    /// Show what the index holds.
    Stats(stats::StatsArgs),
    /// Show the tokens an analysis chain makes of a text.
    Analyze(analyze::AnalyzeArgs),
    /// Run the search daemon (HTTP JSON API, web page, Atom feeds).
    Serve(serve::ServeArgs),
    /// Measure retrieval quality against relevance judgments.
    Eval(eval::EvalArgs),
    /// Export the index (OpenSearch settings and bulk files, or JSON Lines).
    Export(export::ExportArgs),
    /// Print the shell completion script for bash, zsh, fish, elvish or
    /// PowerShell.
    Completions(shell::CompletionsArgs),
    /// Print the manual page (roff), or write every page into a folder.
    Man(shell::ManArgs),
}

/// How a command that did not fail ended.
enum Outcome {
    Done,
    /// A search that found nothing.
    NoMatch,
}

/// Parses the arguments, runs the command and returns the exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    let settings = Settings::new(cli.config);
    let outcome = match cli.command {
        Command::Index(args) => index::run(args, &settings),
        Command::Search(args) => search::run(args, &settings),
        Command::Stats(args) => stats::run(args, &settings),
        Command::Analyze(args) => analyze::run(args),
        Command::Serve(args) => serve::run(args, &settings),
        Command::Eval(args) => eval::run(args, &settings),
        Command::Export(args) => export::run(args, &settings),
        Command::Completions(args) => shell::completions(&args),
        Command::Man(args) => shell::man(&args),
    };
    match outcome {
        Ok(Outcome::Done) => EXIT_OK,
        Ok(Outcome::NoMatch) => EXIT_NO_MATCH,
        // The reader went away (`veille search … | head`): not an error.
        Err(err) if is_broken_pipe(&err) => EXIT_OK,
        Err(err) => {
            eprintln!("veille: error: {}", message(&err));
            EXIT_ERROR
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// An error and its causes on one line, `: ` between them. A library error
/// about a parameter gets the flag's name before it; a cause that its
/// error's message already ends with is not repeated.
fn message(err: &anyhow::Error) -> String {
    let mut msg = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if msg.ends_with(&text) {
            continue;
        }
        if !msg.is_empty() {
            msg.push_str(": ");
        }
        if let Some(flag) = cause.downcast_ref::<veille::Error>().and_then(flag_of) {
            msg.push_str(flag);
            msg.push_str(": ");
        }
        msg.push_str(&text);
    }
    msg
}

/// A whole number for a flag: clap reads `-3` as a value rather than as an
/// unknown flag (with `allow_negative_numbers`), and this says what is
/// wrong with it.
fn count<T: std::str::FromStr>(value: &str) -> Result<T, String> {
    let v = value.trim();
    let digits = v.strip_prefix('-').unwrap_or(v);
    let is_number = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    match v.parse() {
        Ok(n) => Ok(n),
        Err(_) if is_number && v.starts_with('-') => Err("must be 0 or more".into()),
        Err(_) if is_number => Err(format!("{v} is too large")),
        Err(_) => Err(format!("expected a whole number, got {value:?}")),
    }
}

/// The flag whose value a library error is about. The library speaks of
/// folders, origins and addresses; the flags are the command line's.
fn flag_of(err: &veille::Error) -> Option<&'static str> {
    match err {
        veille::Error::NotAnIndexFolder { .. } => Some("--index"),
        veille::Error::ThreadPool(_) => Some("--threads"),
        veille::Error::BadOrigin(_) => Some("--cors"),
        veille::Error::Listen { .. } => Some("--addr"),
        _ => None,
    }
}

/// Opens the index a command searches (the default one when `index` is
/// `None`) through the library's one policy, building it first if need be;
/// `on_event` shows what is built. When it cannot be built, the error says
/// which command would make it.
fn open_index(
    index: Option<&Path>,
    source: Source<'_>,
    open: fn(&Path) -> veille::Result<Engine>,
    on_event: impl FnMut(Event<'_>),
) -> anyhow::Result<Opened<Engine>> {
    let path = open::index_path(index).display();
    open::open_or_build(index, source, open, on_event).map_err(|e| match e {
        veille::Error::NoIndex(_) => {
            anyhow!("{path}: no index here; run `veille index DIR --index {path}` first")
        }
        veille::Error::NothingToRebuildFrom { why, .. } => {
            anyhow!("{path}: {why}; run `veille index DIR --index {path} --rebuild`")
        }
        e @ veille::Error::Indexing { .. } => e.into(),
        e => anyhow::Error::new(e).context(format!("opening {path}")),
    })
}

/// Shows on standard error what [`open_index`] builds, and the report of
/// each indexing run.
fn show_build(event: Event<'_>) {
    match event {
        Event::Building {
            index,
            from,
            why: Why::Missing,
        } => {
            let from: Vec<String> = from.iter().map(|f| format!("{}/", f.display())).collect();
            eprintln!(
                "veille: no index yet; building {} from {} first",
                index.display(),
                from.join(", ")
            );
        }
        Event::Building {
            index,
            why: Why::Incompatible(why),
            ..
        } => eprintln!("veille: {}: {why}; rebuilding it", index.display()),
        Event::Indexed { report, .. } => {
            // Standard error is where this goes; if it cannot be written,
            // there is nowhere to say so.
            let _ = render::index_report(&mut io::stderr().lock(), report);
        }
    }
}
