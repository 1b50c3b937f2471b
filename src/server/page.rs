//! `GET /`: the web page, rendered on the server so that it works without
//! JavaScript (`/?q=...` is a complete results page), with its own CSS and a
//! few lines of JavaScript that add search-as-you-type by fetching the same
//! page's results fragment (`partial=1`). No external assets: it works
//! offline. The CSS and the script are files in `assets/`, built into the
//! binary.
//!
//! Before a search the page says what the index holds (its size, languages,
//! dates and last update) and how to write a query; after one, the hits
//! with their near-duplicates folded under them ("2 similar"), the facets,
//! and "did you mean" when nothing was found. On a narrow screen the facets
//! come first, folded. Every word is in the reader's language
//! ([`i18n`](super::i18n)), with a switch to the other one; a failed search
//! is explained in words. The frame around the results (head, search box,
//! switch) is shared with the article page ([`article_page`](super::article_page)).
//!
//! The markup is written with maud's `html!`, which escapes every value it
//! is given; snippets come already escaped from
//! [`Snippet::html`](crate::search::snippet::Snippet::html), which adds only
//! `<mark>`. Links to articles are followed only for `http(s)` URLs
//! ([`is_web_url`]). As defence in depth, a content security policy allows
//! only this page's own script and style, by a nonce drawn for each
//! response, so markup that slipped through could still not run.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::extract::{FromRequestParts, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::article::{self, StoredArticle};
use super::error::ApiError;
use super::i18n::{Msg, Ui, UI_PARAM};
use super::params::{
    article_page_url, is_web_url, Endpoint, SearchParams, MAX_OFFSET, MAX_QUERY_BYTES,
};
use super::AppState;
use crate::index::stats::Stats;
use crate::search::facets::Facets;
use crate::search::hits::shown_title;
use crate::search::translate;
use crate::search::{Hit, Results, Sort};

/// Sources listed among the facets.
const MAX_SOURCES: usize = 12;
/// Months listed among the facets.
const MAX_MONTHS: usize = 12;

/// The page's style sheet.
const CSS: &str = include_str!("assets/page.css");
/// Search-as-you-type.
const SCRIPT: &str = include_str!("assets/page.js");

/// The examples of the query language on the home page, each with what it
/// finds.
const TIPS: [(&[&str], Msg); 6] = [
    (&["cloud souverain"], Msg::TipEveryWord),
    (&["\"intelligence artificielle\""], Msg::TipPhrase),
    (&["OpenAI OR Anthropic"], Msg::TipEither),
    (&["-Microsoft"], Msg::TipWithout),
    (&["title:5G", "lang:fr", "source:techwire"], Msg::TipFields),
    (&["Zukerberg~", "semi*"], Msg::TipFuzzy),
];

/// The interface language of a response, and whether the reader chose it
/// with the switch: links then carry `?ui=` so that the choice holds from
/// page to page (no cookie is set).
#[derive(Debug, Clone, Copy)]
pub struct Interface {
    pub ui: Ui,
    chosen: bool,
}

/// A handler that takes an [`Interface`] gets the one its request asks for
/// ([`Interface::of`] its headers and query).
impl<S: Send + Sync> FromRequestParts<S> for Interface {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Interface::of(&parts.headers, parts.uri.query()))
    }
}

impl Interface {
    /// `?ui=` when it names one of the interface languages, else the
    /// request's `Accept-Language`.
    pub fn of(headers: &HeaderMap, raw_query: Option<&str>) -> Interface {
        let chosen = form_urlencoded::parse(raw_query.unwrap_or("").as_bytes())
            .find(|(k, _)| k == UI_PARAM)
            .and_then(|(_, v)| Ui::from_code(&v));
        match chosen {
            Some(ui) => Interface { ui, chosen: true },
            None => {
                let header = headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok());
                Interface {
                    ui: Ui::negotiate(header),
                    chosen: false,
                }
            }
        }
    }

    /// The text of `msg`.
    pub fn t(self, msg: Msg) -> &'static str {
        self.ui.t(msg)
    }

    /// `url` (a path from the root, with or without a query), carrying the
    /// reader's choice of language when there was one.
    pub fn link(self, url: &str) -> String {
        if self.chosen {
            with_ui(url, self.ui)
        } else {
            url.to_string()
        }
    }
}

/// `url` with `ui=` set to `ui`.
fn with_ui(url: &str, ui: Ui) -> String {
    let joiner = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joiner}{UI_PARAM}={}", ui.code())
}

/// A fresh nonce for the content security policy: 128 random bits, hex.
pub fn nonce() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // Without randomness, fall back on a value nobody can read from
        // the page before it is sent; the policy still forbids any other
        // inline script.
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        bytes = *blake3::hash(&t.as_nanos().to_le_bytes())
            .as_bytes()
            .first_chunk()
            .expect("16 bytes");
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a whole page is made of, besides its main content.
pub struct Frame<'a> {
    pub iface: Interface,
    /// The `<title>`, before ` – veille`; none on the home page.
    pub title: Option<&'a str>,
    /// The search whose box this page shows (empty on the article page).
    pub params: &'a SearchParams,
    /// This page's own URL without `ui=`, the base of the language switch.
    pub here: String,
}

/// An HTML response: `body` (a whole page or a fragment) with the content
/// security policy of its nonce, and headers that keep it out of caches
/// (it depends on the index and on `Accept-Language`).
pub fn respond(status: StatusCode, body: Markup, nonce: &str) -> Response {
    let csp = format!(
        "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; \
         connect-src 'self'; img-src data:; form-action 'self'; base-uri 'none'; \
         frame-ancestors 'none'"
    );
    let mut response = (status, body.into_string()).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::VARY, HeaderValue::from_static("accept-language"));
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    response
}

/// A whole page: the frame (head, search box, language switch) around
/// `content`, which goes in `#results`.
pub fn whole_page(frame: &Frame<'_>, content: Markup, nonce: &str) -> Markup {
    let iface = frame.iface;
    let p = frame.params;
    let query = p.q.as_deref().unwrap_or("");
    let blank = query.trim().is_empty();
    html! {
        (DOCTYPE)
        html lang=(iface.ui.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title {
                    @if let Some(t) = frame.title { (t) " – " }
                    "veille"
                }
                link rel="icon" href="data:,";
                link rel="alternate" type="application/atom+xml"
                    title=(iface.t(Msg::FeedTitle)) href=(p.url_on(Endpoint::Feed));
                style nonce=(nonce) { (PreEscaped(CSS)) }
            }
            body {
                header {
                    div class="top" {
                        form id="search" action=(Endpoint::Page.path()) method="get" role="search" {
                            a class="logo" href=(iface.link(Endpoint::Page.path())) { "veille" }
                            // On a phone, focusing the box of a results page
                            // would hide them behind the keyboard.
                            input type="search" name="q" value=(query)
                                placeholder=(iface.t(Msg::SearchPlaceholder))
                                aria-label=(iface.t(Msg::SearchLabel))
                                maxlength=(MAX_QUERY_BYTES) autocomplete="off"
                                autofocus[blank && frame.title.is_none()];
                            @for (name, value) in p.form_fields() {
                                input type="hidden" name=(name) value=(value);
                            }
                            @if iface.chosen {
                                input type="hidden" name=(UI_PARAM) value=(iface.ui.code());
                            }
                            button type="submit" { (iface.t(Msg::SearchButton)) }
                        }
                        nav id="ui-switch" aria-label=(iface.t(Msg::SwitchLabel)) {
                            @for ui in Ui::ALL {
                                @if ui == iface.ui {
                                    span lang=(ui.code()) aria-current="true" { (ui.name()) }
                                } @else {
                                    a href=(with_ui(&frame.here, ui)) hreflang=(ui.code())
                                        lang=(ui.code()) data-ui=(ui.code()) { (ui.name()) }
                                }
                            }
                        }
                    }
                }
                div id="results" { (content) }
                script nonce=(nonce) { (PreEscaped(SCRIPT)) }
            }
        }
    }
}

/// What the results area shows.
enum View {
    /// No query yet: what the index holds (when it could be read).
    Home(Option<Arc<Stats>>),
    /// A search's results, and the stored articles of the near-duplicates
    /// grouped under its hits.
    Results(Arc<Results>, HashMap<String, StoredArticle>),
    Failed(ApiError),
}

/// `GET /?q=&lang=&since=&until=&sort=&offset=&limit=&ui=[&partial=1]`
pub async fn index(
    State(state): State<AppState>,
    iface: Interface,
    RawQuery(raw): RawQuery,
) -> Response {
    let started = std::time::Instant::now();
    let (params, view) = match SearchParams::parse(raw.as_deref(), Endpoint::Page) {
        Ok(params) => {
            let query = params.query_text().to_string();
            let view = if query.is_empty() {
                home_view(&state).await
            } else {
                match search_view(&state, query, &params).await {
                    Ok((mut results, members, cached)) => {
                        if cached {
                            // Show the time this answer took, not the
                            // original search's.
                            Arc::make_mut(&mut results).took = started.elapsed();
                        }
                        View::Results(results, members)
                    }
                    Err(e) => View::Failed(e),
                }
            };
            (params, view)
        }
        // Keep what the user typed in the box, even when another parameter
        // is wrong.
        Err(e) => (
            SearchParams::salvage(raw.as_deref(), Endpoint::Page),
            View::Failed(e),
        ),
    };
    let status = match &view {
        View::Failed(e) => {
            e.log();
            e.status()
        }
        _ => StatusCode::OK,
    };
    let fragment = match &view {
        View::Home(_) => {
            html! { (super::saved::panel(&state, iface).await) (fragment(iface, &params, &view)) }
        }
        _ => fragment(iface, &params, &view),
    };
    let nonce = nonce();
    let body = if params.partial {
        fragment
    } else {
        let title = params.query_text();
        let frame = Frame {
            iface,
            title: (!title.is_empty()).then_some(title),
            params: &params,
            here: params.url(),
        };
        whole_page(&frame, fragment, &nonce)
    };
    respond(status, body, &nonce)
}

/// The statistics the home page showed last: counting reads every
/// article's fast fields (tens of milliseconds per million articles), so
/// they are computed once per commit of each engine served, not once per
/// visit. Keyed by the engine's address and generation.
static HOME_STATS: Mutex<Option<(usize, u64, Arc<Stats>)>> = Mutex::new(None);

/// The home page's view: the index's statistics, or none (logged) when
/// they could not be read.
async fn home_view(state: &AppState) -> View {
    let engine_key = Arc::as_ptr(&state.engine) as usize;
    let stats = state
        .blocking(move |engine| {
            let generation = engine.generation();
            let held = HOME_STATS.lock().ok().and_then(|held| held.clone());
            if let Some((key, g, stats)) = held {
                if key == engine_key && g == generation {
                    return Ok(stats);
                }
            }
            let stats = Arc::new(crate::index::stats::compute(
                &engine.store,
                &engine.searcher(),
            )?);
            if let Ok(mut held) = HOME_STATS.lock() {
                *held = Some((engine_key, generation, Arc::clone(&stats)));
            }
            Ok(stats)
        })
        .await;
    match stats {
        Ok(stats) => View::Home(Some(stats)),
        Err(e) => {
            e.log();
            View::Home(None)
        }
    }
}

/// A search, and the stored articles grouped under its hits (read after
/// the search, so that a cached answer gets them too). The flag says
/// whether the results came from the cache.
async fn search_view(
    state: &AppState,
    query: String,
    params: &SearchParams,
) -> Result<(Arc<Results>, HashMap<String, StoredArticle>, bool), ApiError> {
    let (results, cached) = state.search(query, params.options(true)).await?;
    let ids: Vec<String> = results
        .hits
        .iter()
        .flat_map(|h| h.similar.iter().map(|s| s.id.clone()))
        .collect();
    let members = if ids.is_empty() {
        HashMap::new()
    } else {
        state
            .blocking(move |engine| {
                let mut found = HashMap::with_capacity(ids.len());
                for id in ids {
                    if let Some(a) = article::by_id(engine, &id)? {
                        found.insert(id, a);
                    }
                }
                Ok(found)
            })
            .await?
    };
    Ok((results, members, cached))
}

/// The results area: also the whole answer to `partial=1`.
fn fragment(iface: Interface, p: &SearchParams, view: &View) -> Markup {
    match view {
        View::Home(stats) => home(iface, stats.as_deref()),
        View::Failed(e) => failure(iface, p, e),
        View::Results(r, members) => results(iface, p, r, members),
    }
}

/// What the index holds, and how to write a query.
fn home(iface: Interface, stats: Option<&Stats>) -> Markup {
    let ui = iface.ui;
    html! {
        p class="summary" { (iface.t(Msg::Intro)) }
        @if let Some(s) = stats {
            section class="facts" aria-labelledby="facts-title" {
                h2 id="facts-title" { (iface.t(Msg::IndexHeading)) }
                @if s.articles == 0 {
                    p { (iface.t(Msg::EmptyIndex)) }
                } @else {
                    dl {
                        dt { (iface.t(Msg::Articles)) }
                        dd class="articles" { (ui.number(s.articles)) }
                        dt { (iface.t(Msg::Languages)) }
                        dd class="languages" {
                            @for (i, (code, n)) in by_count(&s.languages).into_iter().enumerate() {
                                @if i > 0 { ", " }
                                (ui.language_name(code)) " " span class="count" { "(" (ui.number(n)) ")" }
                            }
                        }
                        @if let (Some(first), Some(last)) = (s.first_date, s.last_date) {
                            dt { (iface.t(Msg::Published)) }
                            dd class="dates" { (day(ui, first)) " – " (day(ui, last)) }
                        }
                        @if let Some(updated) = s.updated.as_deref().and_then(parse_rfc3339) {
                            dt { (iface.t(Msg::LastUpdate)) }
                            dd class="updated" {
                                time datetime=(rfc3339(updated)) { (ui.date_time(updated)) }
                            }
                        }
                    }
                }
            }
        }
        section class="tips" aria-labelledby="tips-title" {
            h2 id="tips-title" { (iface.t(Msg::HowToHeading)) }
            table class="note" {
                @for (examples, what) in TIPS {
                    tr {
                        td {
                            @for (i, e) in examples.iter().enumerate() {
                                @if i > 0 { ", " }
                                code { (e) }
                            }
                        }
                        td { (iface.t(what)) }
                    }
                }
            }
        }
    }
}

fn parse_rfc3339(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|d| d.to_utc())
}

fn rfc3339(d: DateTime<Utc>) -> String {
    d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A date in the interface language, in a `<time>`.
pub fn day(ui: Ui, d: DateTime<Utc>) -> Markup {
    html! { time datetime=(rfc3339(d)) { (ui.date(d)) } }
}

/// A failed search, in words; the technical message follows for whoever
/// needs it, and a bad parameter gets a link to the search without it.
fn failure(iface: Interface, p: &SearchParams, e: &ApiError) -> Markup {
    let retry = matches!(e, ApiError::BadParam { .. }) && !p.query_text().is_empty();
    html! {
        div class="error" role="alert" {
            p class="error-title" { strong { (iface.t(Msg::ErrorTitle)) } }
            p { (e.friendly(iface.ui)) }
            @if retry {
                p { a href=(iface.link(&p.url())) { (iface.t(Msg::ErrorRetry)) } }
            }
            p class="note" { (iface.t(Msg::ErrorDetails)) " " code { (e.public_message()) } }
        }
    }
}

fn sort_label(iface: Interface, sort: Sort) -> &'static str {
    iface.t(match sort {
        Sort::Relevance => Msg::Relevance,
        Sort::Date => Msg::Date,
    })
}

fn results(
    iface: Interface,
    p: &SearchParams,
    r: &Results,
    members: &HashMap<String, StoredArticle>,
) -> Markup {
    let ui = iface.ui;
    // Active filters, each with a link that removes it.
    let mut chips = Vec::new();
    for l in &p.langs {
        let without = p.with(|c| {
            c.langs.retain(|x| x != l);
            c.offset = 0;
        });
        chips.push((without.url(), ui.language_name(l)));
    }
    if p.since.is_some() || p.until.is_some() {
        let without = p.with(|c| {
            c.since = None;
            c.until = None;
            c.offset = 0;
        });
        let range = format!(
            "{} – {}",
            p.since.as_ref().map_or("…", |(s, _)| s.as_str()),
            p.until.as_ref().map_or("…", |(s, _)| s.as_str())
        );
        chips.push((without.url(), range));
    }
    let other = match p.sort {
        Sort::Relevance => Sort::Date,
        Sort::Date => Sort::Relevance,
    };
    let resorted = p.with(|c| {
        c.sort = other;
        c.offset = 0;
    });
    let has_facets = r
        .facets
        .as_ref()
        .is_some_and(|f| !(f.lang.is_empty() && f.source.is_empty() && f.month.is_empty()));

    html! {
        div class="bar" {
            p class="summary" { (summary(iface, r)) }
            @if !chips.is_empty() {
                p class="chips" {
                    @for (i, (url, label)) in chips.iter().enumerate() {
                        @if i > 0 { " " }
                        a href=(iface.link(url)) title=(iface.t(Msg::RemoveFilter)) { (label) " ×" }
                    }
                }
            }
            (recent(iface, p))
            @if r.total > 0 {
                p class="summary" {
                    (iface.t(Msg::SortedBy)) " " strong { (sort_label(iface, p.sort)) } " · "
                    a href=(iface.link(&resorted.url())) { (iface.t(Msg::SortBy)) " " (sort_label(iface, other)) }
                }
            }
        }
        @if !r.suggestions.is_empty() {
            p class="suggest" {
                (iface.t(Msg::DidYouMean)) " "
                @for (i, s) in r.suggestions.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href=(iface.link(&p.with(|c| { c.q = Some(s.clone()); c.offset = 0; }).url())) { (s) }
                }
                (question_mark(ui))
            }
        }
        @if r.relaxed {
            p class="note" { (iface.t(Msg::Relaxed)) }
        }
        @for w in &r.warnings {
            p class="note" { (iface.t(Msg::Note)) " " (w) }
        }
        @if !r.translated.is_empty() {
            p class="note translated" {
                "Also searched: " (translate::describe(&r.translated)) " · "
                a href=(p.with(|c| { c.translate = false; c.offset = 0; }).url()) {
                    "search only the words as typed"
                }
            }
        }
        @if !p.translate {
            p class="note" {
                "Only the words as typed were searched · "
                a href=(p.with(|c| { c.translate = true; c.offset = 0; }).url()) {
                    "also search their translations"
                }
            }
        }
        div class="layout" {
            @if let (true, Some(f)) = (has_facets, &r.facets) {
                // On a narrow screen: before the results, folded.
                details class="facets facets-fold" {
                    summary { (iface.t(Msg::Filters)) }
                    (facets(iface, p, f))
                }
            }
            main {
                @for hit in &r.hits { (hit_html(iface, hit, members)) }
                (pagination(iface, p, r))
            }
            @if let (true, Some(f)) = (has_facets, &r.facets) {
                // On a wide screen: beside the results, open.
                aside class="facets facets-side" aria-label=(iface.t(Msg::Narrow)) {
                    (facets(iface, p, f))
                }
            }
        }
    }
}

/// The end of a question: French sets a (narrow, no-break) space before
/// the question mark.
fn question_mark(ui: Ui) -> &'static str {
    match ui {
        Ui::En => "?",
        Ui::Fr => "\u{202F}?",
    }
}

/// Links that keep the search to recent articles: `since=` a relative
/// date ([`when`](crate::search::when)), which stays relative in the link,
/// so that a bookmark of it keeps meaning "the last 7 days".
fn recent(iface: Interface, p: &SearchParams) -> Markup {
    const RECENT: [(&str, &str); 3] = [("today", "today"), ("7d", "7 days"), ("30d", "30 days")];
    let current = p.since.as_ref().map(|(raw, _)| raw.as_str());
    html! {
        p class="summary recent" {
            "Published: "
            @for (i, (since, label)) in RECENT.iter().enumerate() {
                @if i > 0 { " · " }
                @if current == Some(*since) && p.until.is_none() {
                    strong aria-current="true" { (label) }
                } @else {
                    a href=(iface.link(&p.with(|c| {
                        c.set_since(since);
                        c.until = None;
                    }).url())) { (label) }
                }
            }
        }
    }
}

/// How many results, for which query, and how fast.
fn summary(iface: Interface, r: &Results) -> Markup {
    let ui = iface.ui;
    let query = html! { q { (r.query) } };
    let total = r.total as u64;
    // "10,000+" when the search only knows a lower bound.
    let plus = if r.total_exact { "" } else { "+" };
    let counted = html! {
        (ui.number(total)) (plus) " " (ui.plural(total, Msg::ResultOne, Msg::ResultMany))
        " " (iface.t(Msg::For)) " " (query)
    };
    match (r.hits.first(), r.hits.last()) {
        (Some(first), Some(last)) => html! {
            (counted)
            " · " (ui.number(first.rank as u64)) "–" (ui.number(last.rank as u64))
            " · " (format!("{:.0}", r.took.as_secs_f64() * 1e3)) " ms"
        },
        _ if r.total == 0 => html! { (iface.t(Msg::NoResults)) " " (query) "." },
        _ => html! { (counted) "; " (iface.t(Msg::NoneOnThisPage)) "." },
    }
}

/// Where a hit's title leads: its web page, or else its stored text here.
fn target(iface: Interface, id: &str, url: Option<&str>) -> String {
    match url.filter(|u| is_web_url(u)) {
        Some(u) => u.trim().to_string(),
        None => iface.link(&article_page_url(id)),
    }
}

fn hit_html(iface: Interface, hit: &Hit, members: &HashMap<String, StoredArticle>) -> Markup {
    let ui = iface.ui;
    let web = hit.url.as_deref().is_some_and(is_web_url);
    html! {
        article class="hit" {
            h2 { a href=(target(iface, &hit.id, hit.url.as_deref())) rel="noopener noreferrer" { (PreEscaped(hit.title_html())) } }
            div class="meta" {
                (ui.language_name(&hit.lang))
                @if let Some(d) = hit.date { " · " (day(ui, d)) }
                @if let Some(s) = &hit.source { " · " (s) }
                @if web {
                    " · " a href=(iface.link(&article_page_url(&hit.id))) { (iface.t(Msg::FullText)) }
                }
            }
            @for s in &hit.snippets {
                p class="snippet" { (PreEscaped(s.html())) }
            }
            div class="loc" { (hit.url.as_deref().unwrap_or(&hit.path)) }
            @if !hit.similar.is_empty() {
                details class="similar" {
                    summary { (ui.similar(hit.similar.len())) }
                    ul {
                        @for other in &hit.similar {
                            (member(iface, &other.id, members.get(&other.id), other.same_text))
                        }
                    }
                }
            }
        }
    }
}

/// One record grouped under a hit (a copy with the same text, marked
/// "also at", or a near-duplicate): its title, source, date and address
/// (only its id when it left the index since the search).
fn member(iface: Interface, id: &str, article: Option<&StoredArticle>, same_text: bool) -> Markup {
    let ui = iface.ui;
    match article {
        Some(a) => html! {
            li {
                a href=(target(iface, id, a.url.as_deref())) rel="noopener noreferrer" {
                    (shown_title(a).text)
                }
                span class="meta" {
                    @if let Some(s) = &a.source { " · " (s) }
                    @if let Some(d) = a.date { " · " (day(ui, d)) }
                }
                div class="loc" {
                    @if same_text { "also at " }
                    (a.url.as_deref().unwrap_or(&a.path))
                }
            }
        },
        None => html! { li { (id) } },
    }
}

fn pagination(iface: Interface, p: &SearchParams, r: &Results) -> Markup {
    if p.limit == 0 || r.total <= p.limit {
        return html! {};
    }
    let ui = iface.ui;
    let page = p.offset / p.limit + 1;
    let pages = r.total.div_ceil(p.limit);
    let next_offset = p.offset + p.limit;
    html! {
        nav class="pages" aria-label=(iface.t(Msg::Pages)) {
            @if p.offset > 0 {
                a href=(iface.link(&p.with(|c| c.offset = c.offset.saturating_sub(c.limit)).url())) rel="prev" {
                    (iface.t(Msg::Previous))
                }
            }
            span class="count" {
                (iface.t(Msg::PageWord)) " " (ui.number(page as u64)) " "
                (iface.t(Msg::Of)) " " (ui.number(pages as u64))
            }
            @if next_offset < r.total && next_offset <= MAX_OFFSET {
                a href=(iface.link(&p.with(|c| c.offset = next_offset).url())) rel="next" { (iface.t(Msg::Next)) }
            }
        }
    }
}

/// A facet's values, most frequent first (then by name, the map's order:
/// the sort is stable).
fn by_count(counts: &BTreeMap<String, u64>) -> Vec<(&String, u64)> {
    let mut values: Vec<_> = counts.iter().map(|(k, n)| (k, *n)).collect();
    values.sort_by_key(|(_, n)| Reverse(*n));
    values
}

/// One link of a facet list: where it leads, its label, its count.
type FacetLink = (String, String, u64);

fn facets(iface: Interface, p: &SearchParams, f: &Facets) -> Markup {
    let ui = iface.ui;
    let narrow = |edit: &dyn Fn(&mut SearchParams)| {
        iface.link(
            &p.with(|c| {
                edit(c);
                c.offset = 0;
            })
            .url(),
        )
    };
    let langs: Vec<FacetLink> = by_count(&f.lang)
        .into_iter()
        .map(|(code, n)| {
            (
                narrow(&|c| c.langs = vec![code.clone()]),
                ui.language_name(code),
                n,
            )
        })
        .collect();
    let sources: Vec<FacetLink> = by_count(&f.source)
        .into_iter()
        .filter_map(|(name, n)| {
            let words: String = name.chars().filter(|c| *c != '"').collect();
            let words = words.trim();
            if words.is_empty() {
                return None;
            }
            let link = narrow(&|c| {
                let q = c.q.as_deref().unwrap_or("").trim();
                c.q = Some(format!("{q} source:\"{words}\""));
            });
            Some((link, name.clone(), n))
        })
        .take(MAX_SOURCES)
        .collect();
    let months: Vec<FacetLink> = f
        .month
        .iter()
        .rev()
        .take(MAX_MONTHS)
        .filter_map(|(month, n)| {
            let mut c = p.clone();
            c.set_month(month)
                .then(|| (iface.link(&c.url()), ui.month(month), *n))
        })
        .collect();
    html! {
        @if !langs.is_empty() { (facet_list(iface, Msg::Language, &langs)) }
        @if !sources.is_empty() { (facet_list(iface, Msg::Source, &sources)) }
        @if !months.is_empty() { (facet_list(iface, Msg::Month, &months)) }
    }
}

fn facet_list(iface: Interface, title: Msg, items: &[FacetLink]) -> Markup {
    html! {
        section {
            h3 { (iface.t(title)) }
            ul {
                @for (link, label, n) in items {
                    li { a href=(link) { (label) } span class="count" { (iface.ui.number(*n)) } }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_differ() {
        let (a, b) = (nonce(), nonce());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }

    #[test]
    fn facets_list_the_most_frequent_first() {
        let counts = BTreeMap::from([("b".to_string(), 2), ("a".into(), 2), ("c".into(), 5)]);
        let order: Vec<_> = by_count(&counts)
            .into_iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(order, ["c", "a", "b"]);
    }

    #[test]
    fn a_chosen_language_follows_the_links() {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("fr"));
        let negotiated = Interface::of(&headers, Some("q=x"));
        assert_eq!(negotiated.ui, Ui::Fr);
        assert_eq!(negotiated.link("/?q=x"), "/?q=x", "nothing to carry");
        let chosen = Interface::of(&headers, Some("q=x&ui=en"));
        assert_eq!(chosen.ui, Ui::En);
        assert_eq!(chosen.link("/?q=x"), "/?q=x&ui=en");
        assert_eq!(chosen.link("/articles/a"), "/articles/a?ui=en");
        let unknown = Interface::of(&headers, Some("ui=klingon"));
        assert_eq!(unknown.ui, Ui::Fr, "an unknown choice is no choice");
    }
}
