//! Where a command's defaults come from when its flags do not say: the
//! `VEILLE_INDEX` environment variable, then the configuration file
//! ([`veille::config`]), then the built-in defaults. Flags always win.
//!
//! clap reads a flag and its environment variable together (`env =`), so
//! what reaches here is "flag or environment" or nothing; this module adds
//! the file's word and the default. The file is read only by the commands
//! that need it, so that a broken file does not stop `veille completions`.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

use anyhow::Context;

use veille::config::{Config, SavedSearch};
use veille::index::store::DEFAULT_INDEX;

/// The environment variable that names the index folder, below the flag
/// and above the configuration file.
pub const INDEX_ENV: &str = "VEILLE_INDEX";

/// The help of every command's `--index` (clap adds the variable).
pub const INDEX_HELP: &str =
    "Index folder [default: the configuration file's `index`, else `index`]";

/// The configuration of one run: the file named with `--config`, or the
/// default one, read on first use.
pub struct Settings {
    /// `--config FILE`: must exist. `None`: the default file, if any.
    named: Option<PathBuf>,
    config: OnceCell<Config>,
}

impl Settings {
    pub fn new(named: Option<PathBuf>) -> Settings {
        Settings {
            named,
            config: OnceCell::new(),
        }
    }

    /// The configuration file's contents (empty when there is none).
    pub fn config(&self) -> anyhow::Result<&Config> {
        if let Some(config) = self.config.get() {
            return Ok(config);
        }
        let config = match &self.named {
            Some(path) => Config::load(path).context("--config")?,
            None => Config::load_default()?,
        };
        Ok(self.config.get_or_init(|| config))
    }

    /// The index folder: the flag (or [`INDEX_ENV`]), else the file's
    /// `index`, else `None` for the built-in default, which the library
    /// treats specially (it is built from `corpus/` on first use).
    pub fn index(&self, flag: Option<&Path>) -> anyhow::Result<Option<PathBuf>> {
        if let Some(path) = flag {
            return Ok(Some(path.to_path_buf()));
        }
        Ok(self.config()?.index.clone())
    }

    /// [`Settings::index`], with the built-in default spelt out.
    pub fn index_or_default(&self, flag: Option<&Path>) -> anyhow::Result<PathBuf> {
        Ok(self
            .index(flag)?
            .unwrap_or_else(|| PathBuf::from(DEFAULT_INDEX)))
    }

    /// The folder `veille serve` watches: the flag, else the file's `watch`.
    pub fn watch(&self, flag: Option<&Path>) -> anyhow::Result<Option<PathBuf>> {
        if let Some(path) = flag {
            return Ok(Some(path.to_path_buf()));
        }
        Ok(self.config()?.watch.clone())
    }

    /// The saved search called `name`; when there is none, the error lists
    /// those there are.
    pub fn saved(&self, name: &str) -> anyhow::Result<SavedSearch> {
        let config = self.config()?;
        if let Some(search) = config.saved(name) {
            return Ok(search.clone());
        }
        let file = config
            .path
            .clone()
            .or_else(Config::default_path)
            .map_or_else(
                || "the configuration file".to_string(),
                |p| p.display().to_string(),
            );
        let names: Vec<&str> = config.saved.iter().map(|s| s.name.as_str()).collect();
        if names.is_empty() {
            anyhow::bail!("--saved: {file} has no saved search (add a [[saved]] table)");
        }
        anyhow::bail!(
            "--saved: no saved search named {name:?} in {file}; saved: {}",
            names.join(", ")
        )
    }
}
