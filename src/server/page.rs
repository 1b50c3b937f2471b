//! `GET /`: the web page, rendered on the server so that it works without
//! JavaScript (`/?q=...` is a complete results page), with inline CSS and a
//! few lines of inline JavaScript that add search-as-you-type by fetching
//! the same page's results fragment (`partial=1`). No external assets: it
//! works offline.
//!
//! Every piece of article text goes through [`escape`]; snippets through
//! [`Snippet::html`](crate::search::snippet::Snippet::html), which escapes and adds
//! only `<mark>`. Links to articles are followed only for `http(s)` URLs.
//! As defence in depth, a content security policy allows only this page's
//! own script and style, by a nonce drawn for each response, so markup that
//! slipped through could still not run.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use percent_encoding::utf8_percent_encode;

use super::error::ApiError;
use super::feed::PATH_SAFE;
use super::params::{SearchParams, MAX_OFFSET, MAX_QUERY_BYTES};
use super::AppState;
use crate::analysis::lang;
use crate::search::facets::Facets;
use crate::search::snippet::escape;
use crate::search::{Hit, Results, Sort};

/// Results per page when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 10;
/// Sources listed among the facets.
const MAX_SOURCES: usize = 12;
/// Months listed among the facets.
const MAX_MONTHS: usize = 12;

const CSS: &str = r#"
:root{color-scheme:light dark;--fg:#1d1d1f;--muted:#5f6368;--bg:#fff;--accent:#0b57d0;--mark:#ffe58a;--line:#dadce0;--bad:#b3261e}
@media (prefers-color-scheme:dark){:root{--fg:#e8eaed;--muted:#9aa0a6;--bg:#17181a;--accent:#8ab4f8;--mark:#665c00;--line:#3c4043;--bad:#f2b8b5}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);-webkit-text-size-adjust:100%}
header{position:sticky;top:0;z-index:1;background:var(--bg);border-bottom:1px solid var(--line);padding:.6rem 1rem}
form{display:flex;gap:.5rem;align-items:center;max-width:64rem;margin:0 auto}
.logo{font-weight:700;color:var(--fg);text-decoration:none}
input[type=search]{flex:1;min-width:0;font:inherit;padding:.45rem .7rem;border:1px solid var(--line);border-radius:.5rem;background:var(--bg);color:var(--fg)}
button{font:inherit;padding:.45rem .9rem;border:0;border-radius:.5rem;background:var(--accent);color:var(--bg);cursor:pointer}
#results{max-width:64rem;margin:0 auto;padding:1rem}
.layout{display:grid;gap:1.5rem}
@media (min-width:48rem){.layout{grid-template-columns:minmax(0,1fr) 14rem}}
a{color:var(--accent)}
.hit{margin:0 0 1.4rem}
.hit h2{font-size:1.1rem;line-height:1.3;margin:0 0 .2rem;overflow-wrap:anywhere}
.hit h2 a{text-decoration:none}
.hit h2 a:hover{text-decoration:underline}
.meta,.loc,.summary,.note,.count{color:var(--muted);font-size:.875rem}
.loc{overflow-wrap:anywhere}
.snippet{margin:.25rem 0;overflow-wrap:anywhere}
mark{background:var(--mark);color:inherit;border-radius:.2em;padding:0 .1em}
.bar{display:flex;flex-wrap:wrap;gap:.3rem 1rem;align-items:baseline;margin:0 0 1rem}
.chips a{display:inline-block;border:1px solid var(--line);border-radius:1rem;padding:0 .6rem;color:var(--fg);text-decoration:none;font-size:.875rem}
aside h3{font-size:.75rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:0 0 .3rem}
aside section{margin:0 0 1rem}
aside ul{list-style:none;margin:0;padding:0}
aside li{display:flex;justify-content:space-between;gap:.5rem;font-size:.9rem}
aside li a{color:var(--fg);overflow-wrap:anywhere}
.pages{display:flex;gap:1rem;justify-content:center;align-items:baseline;margin:1.5rem 0}
.error{color:var(--bad)}
code{font-size:.9em}
table{border-collapse:collapse}
td{padding:.15rem .8rem .15rem 0;vertical-align:top}
"#;

const SCRIPT: &str = r#"
(function () {
  var form = document.getElementById('search');
  var results = document.getElementById('results');
  if (!form || !results || !window.fetch || !window.URLSearchParams || !window.FormData) return;
  var input = form.elements.q;
  var timer = 0, seq = 0;
  function refresh() {
    var params = new URLSearchParams(new FormData(form));
    var url = '/?' + params.toString();
    var mine = ++seq;
    params.set('partial', '1');
    fetch('/?' + params.toString(), { credentials: 'same-origin' })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        if (mine !== seq) return;
        results.innerHTML = html;
        history.replaceState(null, '', url);
      })
      .catch(function () {});
  }
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  form.addEventListener('submit', function () { clearTimeout(timer); seq++; });
})();
"#;

/// What the results area shows.
enum View {
    /// No query yet.
    Home,
    Results(Arc<Results>),
    Failed(ApiError),
}

/// True for the URLs an article link may point to.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().get(..8).unwrap_or("").to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && !url.chars().any(|c| c.is_control() || c.is_whitespace())
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
    let (params, view) = match SearchParams::parse(raw.as_deref(), DEFAULT_LIMIT) {
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
        Err(e) => {
            // Keep what the user typed in the box, even when another
            // parameter is wrong.
            let mut params = SearchParams::parse(None, DEFAULT_LIMIT).expect("no parameters");
            params.q = raw_query_text(raw.as_deref());
            params.partial = raw.as_deref().is_some_and(|r| r.contains("partial=1"));
            (params, View::Failed(e))
        }
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
        page(&params, &fragment, &nonce)
    };
    let csp = format!(
        "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; \
         connect-src 'self'; img-src data:; form-action 'self'; base-uri 'none'; \
         frame-ancestors 'none'"
    );
    let mut response = (status, body).into_response();
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

/// The `q` of a query string that failed to parse, for the search box.
fn raw_query_text(raw: Option<&str>) -> Option<String> {
    let (_, q) = form_urlencoded::parse(raw?.as_bytes()).find(|(k, _)| k == "q")?;
    let mut end = q.len().min(MAX_QUERY_BYTES);
    while !q.is_char_boundary(end) {
        end -= 1;
    }
    Some(q[..end].to_string())
}

/// The whole page around a results fragment.
fn page(p: &SearchParams, fragment: &str, nonce: &str) -> String {
    let query = p.q.as_deref().unwrap_or("");
    let title = if query.trim().is_empty() {
        "veille".to_string()
    } else {
        format!("{} – veille", escape(query.trim()))
    };
    let mut hidden = String::new();
    for l in &p.langs {
        hidden_input(&mut hidden, "lang", l);
    }
    if let Some((raw, _)) = &p.since {
        hidden_input(&mut hidden, "since", raw);
    }
    if let Some((raw, _)) = &p.until {
        hidden_input(&mut hidden, "until", raw);
    }
    if p.sort == Sort::Date {
        hidden_input(&mut hidden, "sort", "date");
    }
    if p.limit != DEFAULT_LIMIT {
        hidden_input(&mut hidden, "limit", &p.limit.to_string());
    }
    let feed = p.with(|p| {
        p.offset = 0;
        p.limit = super::feed::DEFAULT_LIMIT;
        p.sort = Sort::Relevance;
    });
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="alternate" type="application/atom+xml" title="Atom feed of this search" href="/feed.atom?{feed}">
<style nonce="{nonce}">{CSS}</style>
</head>
<body>
<header>
<form id="search" action="/" method="get" role="search">
<a class="logo" href="/">veille</a>
<input type="search" name="q" value="{q}" placeholder="Search the news…" aria-label="Search" maxlength="{MAX_QUERY_BYTES}" autocomplete="off"{autofocus}>
{hidden}<button type="submit">Search</button>
</form>
</header>
<div id="results">
{fragment}</div>
<script nonce="{nonce}">{SCRIPT}</script>
</body>
</html>
"#,
        feed = escape(&feed),
        q = escape(query),
        // On a phone, focusing the box of a results page would hide them
        // behind the keyboard.
        autofocus = if query.trim().is_empty() {
            " autofocus"
        } else {
            ""
        },
    )
}

fn hidden_input(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(
        out,
        r#"<input type="hidden" name="{name}" value="{}">"#,
        escape(value)
    );
}

/// The results area: also the whole answer to `partial=1`.
fn fragment(p: &SearchParams, view: &View) -> String {
    let mut out = String::new();
    match view {
        View::Home => home(&mut out),
        View::Failed(e) => {
            let _ = writeln!(
                out,
                r#"<p class="error" role="alert">{}</p>"#,
                escape(&e.public_message())
            );
        }
        View::Results(r) => results(&mut out, p, r),
    }
    out
}

fn home(out: &mut String) {
    out.push_str(
        r#"<p class="summary">Search the indexed articles, in every language veille reads.</p>
<table class="note">
<tr><td><code>cloud souverain</code></td><td>every word</td></tr>
<tr><td><code>"intelligence artificielle"</code></td><td>a phrase</td></tr>
<tr><td><code>OpenAI OR Anthropic</code></td><td>either word</td></tr>
<tr><td><code>-Microsoft</code></td><td>without a word</td></tr>
<tr><td><code>title:5G</code>, <code>lang:fr</code>, <code>source:techwire</code></td><td>in the title, in a language, from a source</td></tr>
<tr><td><code>Zukerberg~</code>, <code>semi*</code></td><td>fuzzy, prefix</td></tr>
</table>
"#,
    );
}

fn lang_name(code: &str) -> &str {
    if code == "und" {
        return "undetermined";
    }
    lang::lookup(code).map_or(code, |l| l.name)
}

fn href(qs: &str) -> String {
    escape(&format!("/?{qs}"))
}

fn results(out: &mut String, p: &SearchParams, r: &Results) {
    // Active filters, each with a link that removes it.
    let mut chips = Vec::new();
    for l in &p.langs {
        let without = p.with(|c| {
            c.langs.retain(|x| x != l);
            c.offset = 0;
        });
        chips.push(format!(
            r#"<a href="{}" title="Remove this filter">{} ×</a>"#,
            href(&without),
            escape(lang_name(l))
        ));
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
        chips.push(format!(
            r#"<a href="{}" title="Remove this filter">{} ×</a>"#,
            href(&without),
            escape(&range)
        ));
    }

    out.push_str(r#"<div class="bar">"#);
    let query = escape(&r.query);
    if r.hits.is_empty() {
        if r.total == 0 {
            let _ = write!(
                out,
                r#"<p class="summary">No results for <q>{query}</q>.</p>"#
            );
        } else {
            let _ = write!(
                out,
                r#"<p class="summary">{} results for <q>{query}</q>; none on this page.</p>"#,
                r.total
            );
        }
    } else {
        let first = r.hits[0].rank;
        let last = r.hits[r.hits.len() - 1].rank;
        let _ = write!(
            out,
            r#"<p class="summary">{} result{} for <q>{query}</q> · {first}–{last} · {:.0} ms</p>"#,
            r.total,
            if r.total == 1 { "" } else { "s" },
            r.took.as_secs_f64() * 1e3
        );
    }
    if !chips.is_empty() {
        let _ = write!(out, r#"<p class="chips">{}</p>"#, chips.join(" "));
    }
    if r.total > 0 {
        let other = match p.sort {
            Sort::Relevance => ("date", Sort::Date),
            Sort::Date => ("relevance", Sort::Relevance),
        };
        let link = p.with(|c| {
            c.sort = other.1;
            c.offset = 0;
        });
        let current = match p.sort {
            Sort::Relevance => "relevance",
            Sort::Date => "date",
        };
        let _ = write!(
            out,
            r#"<p class="summary">Sorted by <strong>{current}</strong> · <a href="{}">sort by {}</a></p>"#,
            href(&link),
            other.0
        );
    }
    out.push_str("</div>\n");
    if r.relaxed {
        out.push_str(
            r#"<p class="note">No article has every word; showing articles with any of them.</p>"#,
        );
        out.push('\n');
    }
    for w in &r.warnings {
        let _ = writeln!(out, r#"<p class="note">Note: {}</p>"#, escape(w));
    }

    out.push_str("<div class=\"layout\">\n<main>\n");
    for hit in &r.hits {
        hit_html(out, hit);
    }
    pagination(out, p, r);
    out.push_str("</main>\n");
    if let Some(f) = &r.facets {
        facets(out, p, f);
    }
    out.push_str("</div>\n");
}

fn hit_html(out: &mut String, hit: &Hit) {
    let target = match hit.url.as_deref().filter(|u| is_web_url(u)) {
        Some(u) => u.trim().to_string(),
        None => format!("/api/articles/{}", utf8_percent_encode(&hit.id, PATH_SAFE)),
    };
    let _ = write!(
        out,
        r#"<article class="hit">
<h2><a href="{}" rel="noopener noreferrer">{}</a></h2>
<div class="meta">{}"#,
        escape(&target),
        escape(&hit.display_title()),
        escape(lang_name(&hit.lang))
    );
    if let Some(d) = hit.date {
        let _ = write!(
            out,
            r#" · <time datetime="{}">{}</time>"#,
            d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            d.format("%Y-%m-%d")
        );
    }
    if let Some(s) = &hit.source {
        let _ = write!(out, " · {}", escape(s));
    }
    out.push_str("</div>\n");
    for s in &hit.snippets {
        let _ = writeln!(out, r#"<p class="snippet">{}</p>"#, s.html());
    }
    let _ = writeln!(
        out,
        r#"<div class="loc">{}</div>
</article>"#,
        escape(hit.url.as_deref().unwrap_or(&hit.path))
    );
}

fn pagination(out: &mut String, p: &SearchParams, r: &Results) {
    if p.limit == 0 || r.total <= p.limit {
        return;
    }
    let page = p.offset / p.limit + 1;
    let pages = r.total.div_ceil(p.limit);
    out.push_str(r#"<nav class="pages" aria-label="Pages">"#);
    if p.offset > 0 {
        let prev = p.with(|c| c.offset = c.offset.saturating_sub(c.limit));
        let _ = write!(
            out,
            r#"<a href="{}" rel="prev">← Previous</a>"#,
            href(&prev)
        );
    }
    let _ = write!(out, r#"<span class="count">page {page} of {pages}</span>"#);
    let next_offset = p.offset + p.limit;
    if next_offset < r.total && next_offset <= MAX_OFFSET {
        let next = p.with(|c| c.offset = next_offset);
        let _ = write!(out, r#"<a href="{}" rel="next">Next →</a>"#, href(&next));
    }
    out.push_str("</nav>\n");
}

fn facets(out: &mut String, p: &SearchParams, f: &Facets) {
    out.push_str("<aside aria-label=\"Narrow the results\">\n");
    if !f.lang.is_empty() {
        let mut langs: Vec<_> = f.lang.iter().collect();
        langs.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let items = langs
            .into_iter()
            .map(|(code, n)| {
                let link = p.with(|c| {
                    c.langs = vec![code.clone()];
                    c.offset = 0;
                });
                (href(&link), escape(lang_name(code)), *n)
            })
            .collect();
        facet_list(out, "Language", items);
    }
    if !f.source.is_empty() {
        let mut sources: Vec<_> = f.source.iter().collect();
        sources.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let items = sources
            .into_iter()
            .filter_map(|(name, n)| {
                let words: String = name.chars().filter(|c| *c != '"').collect();
                if words.trim().is_empty() {
                    return None;
                }
                let link = p.with(|c| {
                    let q = c.q.as_deref().unwrap_or("").trim().to_string();
                    c.q = Some(format!("{q} source:\"{}\"", words.trim()));
                    c.offset = 0;
                });
                Some((href(&link), escape(name), *n))
            })
            .take(MAX_SOURCES)
            .collect();
        facet_list(out, "Source", items);
    }
    if !f.month.is_empty() {
        let items = f
            .month
            .iter()
            .rev()
            .take(MAX_MONTHS)
            .filter_map(|(month, n)| {
                let mut c = p.clone();
                c.set_month(month)
                    .then(|| (href(&c.to_query_string()), escape(month), *n))
            })
            .collect();
        facet_list(out, "Month", items);
    }
    out.push_str("</aside>\n");
}

fn facet_list(out: &mut String, title: &str, items: Vec<(String, String, u64)>) {
    let _ = writeln!(out, "<section><h3>{title}</h3><ul>");
    for (link, label, n) in items {
        let _ = writeln!(
            out,
            r#"<li><a href="{link}">{label}</a><span class="count">{n}</span></li>"#
        );
    }
    out.push_str("</ul></section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_urls_are_links() {
        assert!(is_web_url("https://example.org/a"));
        assert!(is_web_url("HTTP://example.org"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url(" javascript:alert(1)"));
        assert!(!is_web_url("data:text/html,<script>"));
        assert!(!is_web_url("https://exa mple.org"));
    }

    #[test]
    fn nonces_differ() {
        let (a, b) = (nonce(), nonce());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }

    #[test]
    fn raw_query_text_survives_other_errors() {
        assert_eq!(
            raw_query_text(Some("q=%3Cb%3E&limit=-1")).as_deref(),
            Some("<b>")
        );
        assert_eq!(raw_query_text(None), None);
    }
}
