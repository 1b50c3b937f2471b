//! The configuration file: where the index is, which folder `veille serve`
//! watches, and the saved searches a person reads again and again.
//!
//! It exists so that nobody has to repeat `--index` on every call, nor
//! retype the same searches every morning. It is TOML, read from the
//! user's configuration folder (`$XDG_CONFIG_HOME/veille/config.toml`,
//! `~/.config/veille/config.toml` on Linux) or from the file named on the
//! command line; every key is optional:
//!
//! ```toml
//! index = "~/veille/index"    # relative paths are from this file's folder
//! watch = "~/veille/inbox"    # the folder `veille serve` watches
//!
//! [[saved]]
//! name = "cloud"              # what `veille search --saved` calls it
//! query = '"cloud souverain" OR sovereign'
//! lang = ["fr", "en"]         # or one code: lang = "fr"
//! since = "7d"                # any date `--since` takes
//! sort = "date"               # or "relevance" (the default)
//! ```
//!
//! The file is checked whole when it is read: a TOML error, an unknown key
//! or a value veille does not accept is an [`Error::Config`] naming the
//! file and the line. Which of the file, the environment and the flags
//! wins is the command line's business (`src/cli`).

use std::fs;
use std::io::ErrorKind;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::Utc;
use serde::Deserialize;
use toml::Spanned;

use crate::analysis::lang;
use crate::error::{Error, Result};
use crate::search::when::{self, Bound};
use crate::search::Sort;

/// The folder of veille's configuration inside the user's configuration
/// folder.
const APP_DIR: &str = "veille";
/// The configuration file's name in that folder.
const FILE_NAME: &str = "config.toml";
/// Longest name of a saved search, in characters (it is shown on the page
/// and typed on the command line).
pub const MAX_NAME_CHARS: usize = 64;

/// What the configuration file says; empty when there is no file.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it was read from, if any.
    pub path: Option<PathBuf>,
    /// The index folder to use when no flag names one.
    pub index: Option<PathBuf>,
    /// The folder `veille serve` watches when no flag names one.
    pub watch: Option<PathBuf>,
    /// The saved searches, in the file's order.
    pub saved: Vec<SavedSearch>,
}

/// A search kept under a name: a query and its filters, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedSearch {
    pub name: String,
    pub query: String,
    /// Language codes, normalised (`fr`, `en`, `und`).
    pub langs: Vec<String>,
    /// Lower date bound as written (a relative one stays relative).
    pub since: Option<String>,
    /// Upper date bound as written.
    pub until: Option<String>,
    pub sort: Sort,
}

impl Config {
    /// Where the configuration file is looked for when none is named:
    /// `veille/config.toml` in the user's configuration folder.
    pub fn default_path() -> Option<PathBuf> {
        dirs::config_dir().map(|dir| dir.join(APP_DIR).join(FILE_NAME))
    }

    /// Reads the file at [`Config::default_path`]; no file there is the
    /// empty configuration.
    pub fn load_default() -> Result<Config> {
        let Some(path) = Config::default_path() else {
            return Ok(Config::default());
        };
        match fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text, &path),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    /// Reads the file at `path`, which must exist.
    pub fn load(path: &Path) -> Result<Config> {
        let text = fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Config::parse(&text, path)
    }

    /// Reads `text`, the contents of the file at `path` (relative paths in
    /// it are taken from that file's folder).
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let at = |span: Option<Range<usize>>, message: String| Error::Config {
            path: path.to_path_buf(),
            line: span.map(|s| line_of(text, s.start)),
            message,
        };
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| at(e.span(), e.message().trim().to_string()))?;
        let base = path.parent().unwrap_or(Path::new(""));
        let mut saved: Vec<SavedSearch> = Vec::with_capacity(raw.saved.len());
        for entry in raw.saved {
            let search = entry
                .check()
                .map_err(|(span, message)| at(Some(span), message))?;
            if saved.iter().any(|s| s.name == search.name) {
                let message = format!("a second saved search is named {:?}", search.name);
                return Err(at(Some(entry.name.span()), message));
            }
            saved.push(search);
        }
        Ok(Config {
            path: Some(path.to_path_buf()),
            index: raw.index.map(|p| resolve(base, &p)),
            watch: raw.watch.map(|p| resolve(base, &p)),
            saved,
        })
    }

    /// The saved search called `name`.
    pub fn saved(&self, name: &str) -> Option<&SavedSearch> {
        self.saved.iter().find(|s| s.name == name)
    }
}

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    index: Option<PathBuf>,
    watch: Option<PathBuf>,
    #[serde(default)]
    saved: Vec<RawSaved>,
}

/// One `[[saved]]` table as written, with where each value stands.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSaved {
    name: Spanned<String>,
    query: Spanned<String>,
    lang: Option<Spanned<Langs>>,
    since: Option<Spanned<String>>,
    until: Option<Spanned<String>>,
    sort: Option<Spanned<String>>,
}

/// `lang = "fr"` or `lang = ["fr", "en"]`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Langs {
    One(String),
    Many(Vec<String>),
}

/// A value that veille does not accept, and where it stands.
type Rejection = (Range<usize>, String);

impl RawSaved {
    /// The saved search, or why a value is refused.
    fn check(&self) -> std::result::Result<SavedSearch, Rejection> {
        let reject = |s: Range<usize>, m: String| (s, m);
        let name = self.name.get_ref().trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(reject(
                self.name.span(),
                format!("a saved search's name has 1 to {MAX_NAME_CHARS} characters"),
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(reject(
                self.name.span(),
                format!("{name:?}: no control characters in a name"),
            ));
        }
        let query = self.query.get_ref().trim();
        if query.is_empty() {
            return Err(reject(
                self.query.span(),
                format!("saved search {name:?}: the query is empty"),
            ));
        }
        let mut langs = Vec::new();
        if let Some(lang) = &self.lang {
            let codes = match lang.get_ref() {
                Langs::One(code) => std::slice::from_ref(code),
                Langs::Many(codes) => codes.as_slice(),
            };
            for code in codes {
                let code = if code.trim().eq_ignore_ascii_case("und") {
                    "und".to_string()
                } else {
                    lang::lookup(code)
                        .map(|l| l.code.to_string())
                        .ok_or_else(|| reject(lang.span(), format!("unknown language {code:?}")))?
                };
                if !langs.contains(&code) {
                    langs.push(code);
                }
            }
        }
        let now = Utc::now();
        let mut bounds = [None, None];
        for (i, (field, name_of, bound)) in [
            (&self.since, "since", Bound::Since),
            (&self.until, "until", Bound::Until),
        ]
        .into_iter()
        .enumerate()
        {
            if let Some(value) = field {
                let date = when::parse(name_of, value.get_ref(), bound, now)
                    .map_err(|e| reject(value.span(), e.to_string()))?;
                bounds[i] = Some(date);
            }
        }
        if let ([Some(since), Some(until)], Some(u)) = (bounds, &self.until) {
            if until < since {
                return Err(reject(u.span(), "until is before since".into()));
            }
        }
        let sort = match &self.sort {
            None => Sort::default(),
            Some(s) => match s.get_ref().trim().to_ascii_lowercase().as_str() {
                "relevance" => Sort::Relevance,
                "date" => Sort::Date,
                other => {
                    return Err(reject(
                        s.span(),
                        format!("sort is \"relevance\" or \"date\", not {other:?}"),
                    ))
                }
            },
        };
        Ok(SavedSearch {
            name: name.to_string(),
            query: query.to_string(),
            langs,
            since: self.since.as_ref().map(|s| s.get_ref().trim().to_string()),
            until: self.until.as_ref().map(|s| s.get_ref().trim().to_string()),
            sort,
        })
    }
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// A path from the file: `~/` is the home folder, a relative path is taken
/// from the file's folder.
fn resolve(base: &Path, path: &Path) -> PathBuf {
    if let Ok(rest) = path.strip_prefix("~") {
        if let Some(home) = dirs::home_dir() {
            return home.join(rest);
        }
    }
    if path.is_relative() {
        base.join(path)
    } else {
        path.to_path_buf()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(text, Path::new("/etc/veille/config.toml"))
    }

    /// The line an error is reported at, and its message.
    fn rejected(text: &str) -> (Option<usize>, String) {
        match parse(text) {
            Err(Error::Config { line, message, .. }) => (line, message),
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn reads_paths_and_saved_searches() {
        let c = parse(
            r#"
index = "idx"
watch = "/srv/inbox"

[[saved]]
name = "cloud"
query = '"cloud souverain"'
lang = ["FR", "en", "fr"]
since = "7d"
sort = "date"

[[saved]]
name = "rust"
query = "rust kernel"
lang = "de"
"#,
        )
        .unwrap();
        assert_eq!(c.index.as_deref(), Some(Path::new("/etc/veille/idx")));
        assert_eq!(c.watch.as_deref(), Some(Path::new("/srv/inbox")));
        let cloud = c.saved("cloud").unwrap();
        assert_eq!(cloud.query, "\"cloud souverain\"");
        assert_eq!(cloud.langs, ["fr", "en"]);
        assert_eq!(cloud.since.as_deref(), Some("7d"));
        assert_eq!(cloud.sort, Sort::Date);
        let rust = c.saved("rust").unwrap();
        assert_eq!(
            (rust.langs.as_slice(), rust.sort),
            (&["de".to_string()][..], Sort::Relevance)
        );
        assert!(c.saved("nope").is_none());
    }

    #[test]
    fn home_is_expanded() {
        let Some(home) = dirs::home_dir() else { return };
        let c = parse("index = \"~/news/index\"").unwrap();
        assert_eq!(c.index.unwrap(), home.join("news/index"));
    }

    #[test]
    fn errors_name_the_line() {
        let cases: [(&str, usize, &str); 8] = [
            ("index = \"a\"\nwatch = [", 2, ""),
            ("index = 'a'\nindx = 'b'", 2, "indx"),
            (
                "[[saved]]\nname = 'a'\nquery = 'x'\nlang = 'klingon'",
                4,
                "klingon",
            ),
            (
                "[[saved]]\nname = 'a'\nquery = 'x'\n\nsince = 'someday'",
                5,
                "today, yesterday",
            ),
            (
                "[[saved]]\nname = 'a'\nquery = 'x'\nsort = 'random'",
                4,
                "relevance",
            ),
            ("[[saved]]\nname = 'a'\nquery = '  '", 3, "empty"),
            (
                "[[saved]]\nname = 'a'\nquery = 'x'\n[[saved]]\nname = 'a'\nquery = 'y'",
                5,
                "second",
            ),
            (
                "[[saved]]\nname = 'a'\nquery = 'x'\nsince = 'today'\nuntil = 'yesterday'",
                5,
                "before",
            ),
        ];
        for (text, line, needle) in cases {
            let (got, message) = rejected(text);
            assert_eq!(got, Some(line), "{text:?}: {message}");
            assert!(message.contains(needle), "{text:?}: {message}");
        }
        let missing = parse("[[saved]]\nname = 'a'").unwrap_err().to_string();
        assert!(
            missing.starts_with("/etc/veille/config.toml: line ") && missing.contains("query"),
            "{missing}"
        );
    }

    #[test]
    fn a_missing_file_named_is_an_error() {
        let err = Config::load(Path::new("/nonexistent/veille.toml")).unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err:?}");
    }
}
