//! `GET /`: the web page, rendered on the server so that it works without
//! JavaScript (`/?q=...` is a complete results page), with its own CSS and a
//! few lines of JavaScript that add search-as-you-type by fetching the same
//! page's results fragment (`partial=1`). No external assets: it works
//! offline. The CSS, the script and the static help shown before a search
//! are files in `assets/`, built into the binary.
//!
//! The markup is written with maud's `html!`, which escapes every value it
//! is given; snippets come already escaped from
//! [`Snippet::html`](crate::search::snippet::Snippet::html), which adds only
//! `<mark>`. Links to articles are followed only for `http(s)` URLs
//! ([`is_web_url`]). As defence in depth, a content security policy allows
//! only this page's own script and style, by a nonce drawn for each
//! response, so markup that slipped through could still not run.

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::error::ApiError;
use super::params::{
    article_url, is_web_url, sort_name, Endpoint, SearchParams, MAX_OFFSET, MAX_QUERY_BYTES,
};
use super::AppState;
use crate::analysis::lang;
use crate::search::facets::Facets;
use crate::search::{Hit, Results, Sort};

/// Sources listed among the facets.
const MAX_SOURCES: usize = 12;
/// Months listed among the facets.
const MAX_MONTHS: usize = 12;

/// The page's style sheet.
const CSS: &str = include_str!("assets/page.css");
/// Search-as-you-type.
const SCRIPT: &str = include_str!("assets/page.js");
/// What the results area shows before any search: how to write a query.
const HOME: &str = include_str!("assets/home.html");

/// What the results area shows.
enum View {
    /// No query yet.
    Home,
    Results(Arc<Results>),
    Failed(ApiError),
}

/// A fresh nonce for the content security policy: 128 random bits, hex.
fn nonce() -> String {
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

/// `GET /?q=&lang=&since=&until=&sort=&offset=&limit=[&partial=1]`
pub async fn index(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let started = std::time::Instant::now();
    let (params, view) = match SearchParams::parse(raw.as_deref(), Endpoint::Page) {
        Ok(params) => {
            let query = params.query_text().to_string();
            let view = if query.is_empty() {
                View::Home
            } else {
                match state.search(query, params.options(true)).await {
                    Ok((mut results, cached)) => {
                        if cached {
                            // Show the time this answer took, not the
                            // original search's.
                            Arc::make_mut(&mut results).took = started.elapsed();
                        }
                        View::Results(results)
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
    let fragment = fragment(&params, &view);
    let nonce = nonce();
    let body = if params.partial {
        fragment
    } else {
        page(&params, fragment, &nonce)
    };
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
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    response
}

/// The whole page around a results fragment.
fn page(p: &SearchParams, fragment: Markup, nonce: &str) -> Markup {
    let query = p.q.as_deref().unwrap_or("");
    let blank = query.trim().is_empty();
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title {
                    @if !blank { (query.trim()) " – " }
                    "veille"
                }
                link rel="icon" href="data:,";
                link rel="alternate" type="application/atom+xml"
                    title="Atom feed of this search" href=(p.url_on(Endpoint::Feed));
                style nonce=(nonce) { (PreEscaped(CSS)) }
            }
            body {
                header {
                    form id="search" action=(Endpoint::Page.path()) method="get" role="search" {
                        a class="logo" href=(Endpoint::Page.path()) { "veille" }
                        // On a phone, focusing the box of a results page
                        // would hide them behind the keyboard.
                        input type="search" name="q" value=(query)
                            placeholder="Search the news…" aria-label="Search"
                            maxlength=(MAX_QUERY_BYTES) autocomplete="off" autofocus[blank];
                        @for (name, value) in p.form_fields() {
                            input type="hidden" name=(name) value=(value);
                        }
                        button type="submit" { "Search" }
                    }
                }
                div id="results" { (fragment) }
                script nonce=(nonce) { (PreEscaped(SCRIPT)) }
            }
        }
    }
}

/// The results area: also the whole answer to `partial=1`.
fn fragment(p: &SearchParams, view: &View) -> Markup {
    match view {
        View::Home => PreEscaped(HOME.to_string()),
        View::Failed(e) => html! {
            p class="error" role="alert" { (e.public_message()) }
        },
        View::Results(r) => results(p, r),
    }
}

fn lang_name(code: &str) -> &str {
    if code == "und" {
        return "undetermined";
    }
    lang::lookup(code).map_or(code, |l| l.name)
}

fn results(p: &SearchParams, r: &Results) -> Markup {
    // Active filters, each with a link that removes it.
    let mut chips = Vec::new();
    for l in &p.langs {
        let without = p.with(|c| {
            c.langs.retain(|x| x != l);
            c.offset = 0;
        });
        chips.push((without.url(), lang_name(l).to_string()));
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

    html! {
        div class="bar" {
            p class="summary" { (summary(r)) }
            @if !chips.is_empty() {
                p class="chips" {
                    @for (i, (url, label)) in chips.iter().enumerate() {
                        @if i > 0 { " " }
                        a href=(url) title="Remove this filter" { (label) " ×" }
                    }
                }
            }
            @if r.total > 0 {
                p class="summary" {
                    "Sorted by " strong { (sort_name(p.sort)) } " · "
                    a href=(resorted.url()) { "sort by " (sort_name(other)) }
                }
            }
        }
        @if r.relaxed {
            p class="note" { "No article has every word; showing articles with any of them." }
        }
        @for w in &r.warnings {
            p class="note" { "Note: " (w) }
        }
        div class="layout" {
            main {
                @for hit in &r.hits { (hit_html(hit)) }
                (pagination(p, r))
            }
            @if let Some(f) = &r.facets { (facets(p, f)) }
        }
    }
}

/// How many results, for which query, and how fast.
fn summary(r: &Results) -> Markup {
    let query = html! { q { (r.query) } };
    match (r.hits.first(), r.hits.last()) {
        (Some(first), Some(last)) => html! {
            (r.total) " result" @if r.total != 1 { "s" } " for " (query)
            " · " (first.rank) "–" (last.rank)
            " · " (format!("{:.0}", r.took.as_secs_f64() * 1e3)) " ms"
        },
        _ if r.total == 0 => html! { "No results for " (query) "." },
        _ => html! { (r.total) " results for " (query) "; none on this page." },
    }
}

fn hit_html(hit: &Hit) -> Markup {
    let target = match hit.url.as_deref().filter(|u| is_web_url(u)) {
        Some(u) => u.trim().to_string(),
        None => article_url(&hit.id),
    };
    html! {
        article class="hit" {
            h2 { a href=(target) rel="noopener noreferrer" { (hit.display_title()) } }
            div class="meta" {
                (lang_name(&hit.lang))
                @if let Some(d) = hit.date {
                    " · "
                    time datetime=(d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)) {
                        (d.format("%Y-%m-%d"))
                    }
                }
                @if let Some(s) = &hit.source { " · " (s) }
            }
            @for s in &hit.snippets {
                p class="snippet" { (PreEscaped(s.html())) }
            }
            div class="loc" { (hit.url.as_deref().unwrap_or(&hit.path)) }
            @for other in hit.similar.iter().filter(|o| o.same_text) {
                div class="loc" { "also at " (other.location()) }
            }
        }
    }
}

fn pagination(p: &SearchParams, r: &Results) -> Markup {
    if p.limit == 0 || r.total <= p.limit {
        return html! {};
    }
    let page = p.offset / p.limit + 1;
    let pages = r.total.div_ceil(p.limit);
    let next_offset = p.offset + p.limit;
    html! {
        nav class="pages" aria-label="Pages" {
            @if p.offset > 0 {
                a href=(p.with(|c| c.offset = c.offset.saturating_sub(c.limit)).url()) rel="prev" {
                    "← Previous"
                }
            }
            span class="count" { "page " (page) " of " (pages) }
            @if next_offset < r.total && next_offset <= MAX_OFFSET {
                a href=(p.with(|c| c.offset = next_offset).url()) rel="next" { "Next →" }
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
type FacetLink<'a> = (String, &'a str, u64);

fn facets(p: &SearchParams, f: &Facets) -> Markup {
    let narrow = |edit: &dyn Fn(&mut SearchParams)| {
        p.with(|c| {
            edit(c);
            c.offset = 0;
        })
        .url()
    };
    let langs: Vec<FacetLink<'_>> = by_count(&f.lang)
        .into_iter()
        .map(|(code, n)| {
            (
                narrow(&|c| c.langs = vec![code.clone()]),
                lang_name(code),
                n,
            )
        })
        .collect();
    let sources: Vec<FacetLink<'_>> = by_count(&f.source)
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
            Some((link, name.as_str(), n))
        })
        .take(MAX_SOURCES)
        .collect();
    let months: Vec<FacetLink<'_>> = f
        .month
        .iter()
        .rev()
        .take(MAX_MONTHS)
        .filter_map(|(month, n)| {
            let mut c = p.clone();
            c.set_month(month).then(|| (c.url(), month.as_str(), *n))
        })
        .collect();
    html! {
        aside aria-label="Narrow the results" {
            @if !f.lang.is_empty() { (facet_list("Language", &langs)) }
            @if !f.source.is_empty() { (facet_list("Source", &sources)) }
            @if !f.month.is_empty() { (facet_list("Month", &months)) }
        }
    }
}

fn facet_list(title: &str, items: &[FacetLink<'_>]) -> Markup {
    html! {
        section {
            h3 { (title) }
            ul {
                @for (link, label, n) in items {
                    li { a href=(link) { (label) } span class="count" { (n) } }
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
}
