//! Saved searches on the daemon: the configuration file's `[[saved]]`
//! searches listed on the home page, each with a link to its results, a
//! link to its Atom feed, and how many articles it has gained since it was
//! last opened, so that someone following a few topics sees at a glance
//! which have news.
//!
//! Opening a saved search (`GET /saved/NAME`) remembers what it matched
//! then and sends the browser on to its results page. What is remembered
//! is kept per daemon in [`STATE_FILE`], in the index folder, written
//! atomically; it is small (one 64-bit hash per article remembered).
//!
//! How "new" is counted. The index records no time of indexing for an
//! article, and publication dates say when a source wrote an article, not
//! when it arrived (a feed fetched late brings articles dated before the
//! last visit). So the daemon remembers which articles a saved search
//! matched when it was opened: the [`WINDOW`] most recently published of
//! them, by id, and how many there were in all. An article is new when it
//! is among the most recent matches now and was not then; the count is
//! that number, or the growth of the total when that is larger (more new
//! articles than the window holds). Both are lower bounds of what was
//! added, and their larger is exact unless more than [`WINDOW`] articles
//! arrived between two visits while others were deleted. A search never
//! opened counts every match as new; a search whose query or filters
//! changed in the file starts afresh.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::extract::{Path as UrlPath, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::i18n::Msg;
use super::page::Interface;
use super::params::{sort_name, Endpoint, SearchParams};
use super::AppState;
use crate::config::SavedSearch;
use crate::error::{Error, Result};
use crate::search::Sort;

/// The file, in the index folder, that remembers what each saved search
/// matched when it was last opened.
pub const STATE_FILE: &str = "veille-saved.json";
/// Where a saved search is opened: `/saved/NAME`.
const OPEN_PATH: &str = "/saved/";
/// How many of a saved search's most recently published matches are
/// remembered and compared. Reading them is most of what a count costs
/// (each is a stored article read): on the 31k-article OrangeSum index a
/// home page with three saved searches took about 1.1 s at 1000 in a debug
/// build. A topic read daily gains far fewer; when more arrive, the growth
/// of the total still counts them.
pub const WINDOW: usize = 200;

/// The daemon's saved searches and what it remembers of them.
#[derive(Debug, Default)]
pub struct SavedSearches {
    searches: Vec<SavedSearch>,
    /// Where [`Remembered`] is kept; `None` when there are no searches.
    file: Option<PathBuf>,
    remembered: Mutex<Remembered>,
}

/// The contents of [`STATE_FILE`].
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct Remembered {
    /// By saved search name.
    #[serde(default)]
    searches: BTreeMap<String, Opened>,
}

/// What a saved search matched when it was last opened.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Opened {
    /// The search then, as its results page's query string: when the file
    /// changes it, what was remembered no longer applies.
    search: String,
    /// When (RFC 3339), for whoever reads the file.
    opened: String,
    /// How many articles it matched.
    total: usize,
    /// Hashes of the ids of its [`WINDOW`] most recent matches, sorted.
    ids: Vec<u64>,
}

/// One line of the home page's list.
struct Line {
    name: String,
    results: String,
    feed: String,
    /// Matches now, and how many of them are new; `None` when the search
    /// failed.
    counts: Option<(usize, usize)>,
}

impl SavedSearches {
    /// The saved searches of a daemon serving the index at `index`, with
    /// what it remembered of them (a missing or unreadable file is logged
    /// and starts afresh).
    pub fn new(searches: Vec<SavedSearch>, index: &Path) -> SavedSearches {
        if searches.is_empty() {
            return SavedSearches::default();
        }
        let file = index.join(STATE_FILE);
        let remembered = match fs::read(&file) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!("{}: {e}; saved searches start afresh", file.display());
                Remembered::default()
            }),
            Err(_) => Remembered::default(),
        };
        SavedSearches {
            searches,
            file: Some(file),
            remembered: Mutex::new(remembered),
        }
    }

    /// The saved searches, in the configuration file's order.
    pub fn list(&self) -> &[SavedSearch] {
        &self.searches
    }

    fn get(&self, name: &str) -> Option<&SavedSearch> {
        self.searches.iter().find(|s| s.name == name)
    }

    /// How many of `total` matches, `ids` the most recent, are new to
    /// `name` searched as `search`.
    fn new_count(&self, name: &str, search: &str, total: usize, ids: &[u64]) -> usize {
        let remembered = self.remembered.lock().unwrap_or_else(|e| e.into_inner());
        match remembered.searches.get(name).filter(|o| o.search == search) {
            None => total,
            Some(then) => {
                let unseen = ids
                    .iter()
                    .filter(|id| then.ids.binary_search(id).is_err())
                    .count();
                unseen.max(total.saturating_sub(then.total))
            }
        }
    }

    /// Remembers what `name` matches now, and writes the file.
    fn remember(&self, name: &str, opened: Opened) -> Result<()> {
        let mut remembered = self.remembered.lock().unwrap_or_else(|e| e.into_inner());
        remembered.searches.insert(name.to_string(), opened);
        // Names no longer in the file are forgotten.
        remembered
            .searches
            .retain(|n, _| self.searches.iter().any(|s| &s.name == n));
        let Some(file) = &self.file else {
            return Ok(());
        };
        let bytes = serde_json::to_vec(&*remembered).expect("plain data serialises");
        let tmp = file.with_extension("json.tmp");
        fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
        fs::rename(&tmp, file).map_err(|e| Error::io(file, e))
    }
}

/// The results page's parameters of a saved search.
fn params(s: &SavedSearch) -> std::result::Result<SearchParams, ApiError> {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("q", &s.query);
    for l in &s.langs {
        query.append_pair("lang", l);
    }
    if let Some(since) = &s.since {
        query.append_pair("since", since);
    }
    if let Some(until) = &s.until {
        query.append_pair("until", until);
    }
    if s.sort != Sort::default() {
        query.append_pair("sort", sort_name(s.sort));
    }
    SearchParams::parse(Some(&query.finish()), Endpoint::Page)
}

/// Where a saved search is opened.
fn open_url(name: &str) -> String {
    format!("{OPEN_PATH}{}", utf8_percent_encode(name, NON_ALPHANUMERIC))
}

/// Hashes an article id (64 bits of BLAKE3: a collision among a few
/// hundred ids is out of reach).
fn hash_id(id: &str) -> u64 {
    let bytes = blake3::hash(id.as_bytes());
    u64::from_le_bytes(*bytes.as_bytes().first_chunk().expect("32 bytes"))
}

/// What a saved search matches now: how many articles, and the sorted
/// hashes of the [`WINDOW`] most recently published.
async fn matches(
    state: &AppState,
    p: &SearchParams,
) -> std::result::Result<(usize, Vec<u64>), ApiError> {
    let mut options = p.options(false);
    options.limit = WINDOW;
    options.offset = 0;
    options.sort = Sort::Date;
    options.group = false;
    options.snippets = 0;
    let (results, _) = state.search(p.query_text().to_string(), options).await?;
    let mut ids: Vec<u64> = results.hits.iter().map(|h| hash_id(&h.id)).collect();
    ids.sort_unstable();
    ids.dedup();
    Ok((results.total, ids))
}

/// The home page's list of saved searches (nothing when there are none).
pub async fn panel(state: &AppState, iface: Interface) -> Markup {
    let saved = Arc::clone(&state.saved);
    let mut lines = Vec::with_capacity(saved.list().len());
    for s in saved.list() {
        let Ok(p) = params(s) else { continue };
        let search = p.to_query_string();
        let counts = match matches(state, &p).await {
            Ok((total, ids)) => Some((total, saved.new_count(&s.name, &search, total, &ids))),
            Err(e) => {
                e.log();
                None
            }
        };
        lines.push(Line {
            name: s.name.clone(),
            results: iface.link(&open_url(&s.name)),
            feed: p.url_on(Endpoint::Feed),
            counts,
        });
    }
    if lines.is_empty() {
        return html! {};
    }
    html! {
        section class="saved" aria-labelledby="saved-title" {
            h2 id="saved-title" { (iface.t(Msg::SavedHeading)) }
            ul {
                @for line in &lines {
                    li data-saved=(line.name) {
                        a class="name" href=(line.results) { (line.name) }
                        @match line.counts {
                            Some((total, new)) => {
                                " "
                                span class=(if new > 0 { "new" } else { "new none" }) data-new=(new) {
                                    (iface.ui.number(new as u64)) " "
                                    (iface.ui.plural(new as u64, Msg::SavedNewOne, Msg::SavedNewMany))
                                }
                                " "
                                span class="count" {
                                    (iface.t(Msg::Of)) " " (iface.ui.number(total as u64))
                                }
                            }
                            None => {
                                " " span class="count" { (iface.t(Msg::SavedUnavailable)) }
                            }
                        }
                        " · "
                        a class="feed" href=(line.feed) type="application/atom+xml" {
                            (iface.t(Msg::SavedFeed))
                        }
                    }
                }
            }
        }
    }
}

/// `GET /saved/NAME[?ui=]`: remembers what the saved search matches now,
/// then sends the browser to its results page (303), in the interface
/// language the reader chose, if any.
pub async fn open(
    State(state): State<AppState>,
    iface: Interface,
    UrlPath(name): UrlPath<String>,
) -> Response {
    let Some(search) = state.saved.get(&name).cloned() else {
        return ApiError::NotFound(format!("no saved search is named {name:?}")).into_response();
    };
    let p = match params(&search) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    match matches(&state, &p).await {
        Ok((total, ids)) => {
            let opened = Opened {
                search: p.to_query_string(),
                opened: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                total,
                ids,
            };
            let saved = Arc::clone(&state.saved);
            // A file write: off the async executor.
            let written = tokio::task::spawn_blocking(move || saved.remember(&name, opened)).await;
            match written {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!("remembering saved search {:?}: {e}", search.name),
                Err(e) => tracing::warn!("remembering saved search {:?}: {e}", search.name),
            }
        }
        // The results page will show what went wrong.
        Err(e) => e.log(),
    }
    Redirect::to(&iface.link(&p.url())).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(name: &str) -> SavedSearch {
        SavedSearch {
            name: name.into(),
            query: "cloud \"souverain\"".into(),
            langs: vec!["fr".into(), "en".into()],
            since: Some("7d".into()),
            until: None,
            sort: Sort::Date,
        }
    }

    #[test]
    fn links_carry_the_query_and_filters() {
        let p = params(&search("x")).unwrap();
        assert_eq!(
            p.url(),
            "/?q=cloud+%22souverain%22&lang=fr&lang=en&since=7d&sort=date"
        );
        assert_eq!(
            p.url_on(Endpoint::Feed),
            "/feed.atom?q=cloud+%22souverain%22&lang=fr&lang=en&since=7d&limit=20"
        );
        assert_eq!(open_url("veille IA/ML"), "/saved/veille%20IA%2FML");
    }

    #[test]
    fn new_articles_are_counted_against_what_was_remembered() {
        let dir = tempfile::tempdir().unwrap();
        let saved = SavedSearches::new(vec![search("a")], dir.path());
        let key = "q=x";
        // Never opened: everything is new.
        assert_eq!(saved.new_count("a", key, 5, &[1, 2, 3, 4, 5]), 5);
        let opened = |total, ids: Vec<u64>, search: &str| Opened {
            search: search.into(),
            opened: String::new(),
            total,
            ids,
        };
        saved.remember("a", opened(3, vec![1, 2, 3], key)).unwrap();
        assert_eq!(saved.new_count("a", key, 3, &[1, 2, 3]), 0);
        assert_eq!(saved.new_count("a", key, 5, &[1, 2, 3, 7, 9]), 2);
        // One old article deleted, two arrived: the total says 1, the ids 2.
        assert_eq!(saved.new_count("a", key, 4, &[1, 3, 7, 9]), 2);
        // More arrived than the window holds: the total's growth.
        assert_eq!(
            saved.new_count("a", key, 3 + WINDOW * 2, &[7, 9]),
            WINDOW * 2
        );
        // The search was changed in the file: afresh.
        assert_eq!(saved.new_count("a", "q=y", 4, &[1, 2, 3, 4]), 4);

        // Kept across restarts, in the index folder.
        let again = SavedSearches::new(vec![search("a")], dir.path());
        assert_eq!(again.new_count("a", key, 4, &[1, 2, 3, 8]), 1);
        assert!(dir.path().join(STATE_FILE).is_file());
        assert!(!dir.path().join(format!("{STATE_FILE}.tmp")).exists());
    }

    #[test]
    fn an_unreadable_file_starts_afresh() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(STATE_FILE), "{not json").unwrap();
        let saved = SavedSearches::new(vec![search("a")], dir.path());
        assert_eq!(saved.new_count("a", "q=x", 2, &[1, 2]), 2);
    }
}
