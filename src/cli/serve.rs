//! `veille serve`: the search daemon over one index, optionally watching a
//! folder.

use std::io::{self, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::bail;
use clap::Args;

use veille::index::open::{Event, Source};
use veille::search::Engine;
use veille::server::{self, cache, HttpConfig, ServeOptions, WatchOptions};

use super::settings::{Settings, INDEX_ENV, INDEX_HELP};
use super::Outcome;

/// Environment variable holding the log filter (`tracing` syntax), before
/// `RUST_LOG`.
const LOG_ENV: &str = "VEILLE_LOG";
/// The log filter when neither variable is set.
const DEFAULT_LOG: &str = "info,tantivy=warn";

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[arg(long, env = INDEX_ENV, help = INDEX_HELP)]
    pub index: Option<PathBuf>,
    /// Watch this folder and index new, changed and deleted files as they
    /// land (also catches up with changes made while the daemon was down)
    /// [default: the configuration file's `watch`, if any]. A missing index
    /// is built from it (the default index without one: from `corpus/`).
    #[arg(long, value_name = "DIR")]
    pub watch: Option<PathBuf>,
    /// Address to listen on, IP:PORT. Loopback by default; port 0 picks a
    /// free port (the first line printed says which).
    #[arg(long, default_value = server::DEFAULT_ADDR)]
    pub addr: SocketAddr,
    /// Allow cross-origin requests from this origin, e.g.
    /// `https://example.org` (repeatable; `*` for any). Off by default.
    #[arg(long, value_name = "ORIGIN")]
    pub cors: Vec<String>,
    /// Longest a request may take before it is answered 503, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10,
          value_parser = super::count::<u64>, allow_negative_numbers = true)]
    pub timeout: u64,
    /// Memory for recently answered searches, in MiB; a repeated search is
    /// answered from it until the index changes. 0 turns it off.
    #[arg(long, value_name = "MIB", default_value_t = cache::DEFAULT_CACHE_MB,
          value_parser = super::count::<u64>, allow_negative_numbers = true)]
    pub cache_mb: u64,
}

/// Runs the daemon until it is asked to stop; a graceful shutdown is a
/// success.
pub fn run(args: ServeArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    init_logging();
    if args.timeout == 0 {
        bail!("--timeout: at least 1 second");
    }
    // Arguments are checked before an index is built for them.
    let http = HttpConfig::new(Duration::from_secs(args.timeout), &args.cors)?;
    let index = settings.index(args.index.as_deref())?;
    let watch = settings.watch(args.watch.as_deref())?;
    let saved = settings.config()?.saved.clone();
    let opened = match &watch {
        Some(dir) => {
            if !dir.is_dir() {
                let from = match (&args.watch, &settings.config()?.path) {
                    (None, Some(file)) => format!("{}: watch", file.display()),
                    _ => "--watch".to_string(),
                };
                bail!("{from}: {} is not a directory", dir.display());
            }
            super::open_index(
                index.as_deref(),
                Source::Folder(dir),
                Engine::open,
                log_build,
            )?
        }
        None => super::open_index(
            index.as_deref(),
            Source::Recorded,
            Engine::open,
            super::show_build,
        )?,
    };
    let options = ServeOptions {
        index: opened.path,
        addr: args.addr,
        http,
        cache_mb: args.cache_mb,
        saved,
        watch: watch.map(|dir| WatchOptions {
            dir,
            // An index just built from the folder is up to date with it.
            catch_up: !opened.built,
        }),
    };
    server::serve(opened.index, options, announce)?;
    Ok(Outcome::Done)
}

/// What is built for a watched folder goes to the log, the report of the
/// run to standard error.
fn log_build(event: Event<'_>) {
    match event {
        Event::Building { index, from, .. } => {
            for dir in from {
                tracing::info!("building {} from {}", index.display(), dir.display());
            }
        }
        event @ Event::Indexed { .. } => super::show_build(event),
    }
}

/// The first line of output: scripts and tests read the address (useful
/// with port 0) from it.
fn announce(addr: SocketAddr) {
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "veille: listening on http://{addr}");
    let _ = out.flush();
}

/// One log line per event on standard error, filtered by [`LOG_ENV`] (or
/// `RUST_LOG`).
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env(LOG_ENV)
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .with_target(false)
        .try_init();
}
