//! `GET /articles/{id}`: one stored article as a page a person can read
//! (title, source, date, language, the text, the original link) with the
//! other versions of the same story. Hits without a web URL and the feed's
//! entries link here; `/api/articles/{id}` stays the JSON of the same
//! article.
//!
//! The index keeps no table of near-duplicates: a search groups them among
//! its hits ([`grouping`](crate::search::grouping)). This page therefore
//! searches for the article's own title and first words and takes the
//! group the article falls in; the same story republished shares most of
//! its words, so it ranks among those hits.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{html, Markup};

use super::article::{self, StoredArticle};
use super::error::ApiError;
use super::i18n::Msg;
use super::page::{day, respond, whole_page, Frame, Interface};
use super::params::{article_page_url, article_url, is_web_url, Endpoint, SearchParams};
use super::AppState;
use crate::search::{Engine, SearchOptions};

/// Words of the title and text searched for to find the article's
/// near-duplicates.
const QUERY_WORDS: usize = 24;
/// Hits of that search (grouping looks at several times as many).
const QUERY_HITS: usize = 10;

/// `GET /articles/{id}[?ui=]`
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let iface = Interface::of(&headers, raw.as_deref());
    let wanted = id.clone();
    let found = state
        .blocking(move |engine| {
            let Some(article) = article::by_id(engine, &wanted)? else {
                return Ok(None);
            };
            let similar = near_duplicates(engine, &article)?;
            Ok(Some((article, similar)))
        })
        .await;
    let (status, title, content) = match found {
        Ok(Some((article, similar))) => {
            let title = article
                .title
                .clone()
                .unwrap_or_else(|| iface.t(Msg::Untitled).to_string());
            (StatusCode::OK, title, reader(iface, &article, &similar))
        }
        Ok(None) => (
            StatusCode::NOT_FOUND,
            iface.t(Msg::NotFound).to_string(),
            missing(iface, &id),
        ),
        Err(e) => {
            e.log();
            (
                e.status(),
                iface.t(Msg::ErrorTitle).to_string(),
                failed(iface, &e),
            )
        }
    };
    let params = SearchParams::defaults(Endpoint::Page);
    let frame = Frame {
        iface,
        title: Some(&title),
        params: &params,
        here: article_page_url(&id),
    };
    let nonce = super::page::nonce();
    respond(status, whole_page(&frame, content, &nonce), &nonce)
}

/// The articles grouped with `article` when its own words are searched
/// for, best ranked first.
fn near_duplicates(engine: &Engine, article: &StoredArticle) -> crate::Result<Vec<StoredArticle>> {
    // The title alone is not enough: daily reports share theirs.
    let text = format!(
        "{}\n{}",
        article.title.as_deref().unwrap_or_default(),
        article.text()
    );
    // Plain lowercase words: nothing the query language would read as an
    // operator, a field or an exclusion.
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(QUERY_WORDS)
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let options = SearchOptions {
        limit: QUERY_HITS,
        snippets: 0,
        ..SearchOptions::default()
    };
    let results = engine.search(&words.join(" "), &options)?;
    let group = results.hits.iter().find_map(|hit| {
        let ids = hit.similar.iter().map(|s| s.id.clone());
        if hit.id == article.id {
            Some(ids.collect::<Vec<String>>())
        } else if hit.similar.iter().any(|s| s.id == article.id) {
            let mut others = vec![hit.id.clone()];
            others.extend(ids.filter(|id| *id != article.id));
            Some(others)
        } else {
            None
        }
    });
    let mut found = Vec::new();
    for id in group.unwrap_or_default() {
        found.extend(article::by_id(engine, &id)?);
    }
    Ok(found)
}

/// The article itself.
fn reader(iface: Interface, a: &StoredArticle, similar: &[StoredArticle]) -> Markup {
    let ui = iface.ui;
    let web = a.url.as_deref().filter(|u| is_web_url(u));
    html! {
        article class="reader" lang=(a.lang) {
            h1 { (a.title.as_deref().unwrap_or(iface.t(Msg::Untitled))) }
            p class="meta" lang=(ui.code()) {
                @if let Some(s) = &a.source { span class="source" { (s) } " · " }
                @if let Some(d) = a.date { (day(ui, d)) " · " }
                span class="language" { (ui.language_name(&a.lang)) }
            }
            @if let Some(url) = web {
                p class="original" lang=(ui.code()) {
                    a href=(url.trim()) rel="noopener noreferrer" { (iface.t(Msg::ReadOriginal)) }
                    " " span class="loc" { (url) }
                }
            }
            @if let Some(lead) = &a.lead {
                @for para in paragraphs(lead) { p class="lead" { (para) } }
            }
            div class="text" {
                @for para in paragraphs(&a.body) { p { (para) } }
            }
            footer class="meta" lang=(ui.code()) {
                p {
                    (iface.t(Msg::File)) " " code { (a.path) }
                    " · " a href=(article_url(&a.id)) { (iface.t(Msg::AsJson)) }
                }
                @if !a.tags.is_empty() {
                    p { (iface.t(Msg::Tags)) " " (a.tags.join(", ")) }
                }
            }
        }
        @if !similar.is_empty() {
            section class="similar-list" aria-labelledby="similar-title" {
                h2 id="similar-title" { (iface.t(Msg::NearDuplicates)) }
                ul {
                    @for s in similar {
                        li {
                            a href=(iface.link(&article_page_url(&s.id))) {
                                (s.title.as_deref().unwrap_or(iface.t(Msg::Untitled)))
                            }
                            span class="meta" {
                                @if let Some(src) = &s.source { " · " (src) }
                                @if let Some(d) = s.date { " · " (day(ui, d)) }
                            }
                            div class="loc" { (s.url.as_deref().unwrap_or(&s.path)) }
                        }
                    }
                }
            }
        }
    }
}

/// A text's paragraphs: the runs of lines between blank lines.
fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            if !current.is_empty() {
                out.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

/// No article has this id.
fn missing(iface: Interface, id: &str) -> Markup {
    html! {
        div class="error" role="alert" {
            p class="error-title" { strong { (iface.t(Msg::NoArticle)) } }
            p { code { (id) } }
            p { (iface.t(Msg::NoArticleHint)) }
        }
    }
}

/// The article could not be read.
fn failed(iface: Interface, e: &ApiError) -> Markup {
    html! {
        div class="error" role="alert" {
            p { (e.friendly(iface.ui)) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_separated_by_blank_lines() {
        let text = "First line\nsame paragraph.\n\n  \nSecond one.\n";
        assert_eq!(
            paragraphs(text),
            ["First line same paragraph.", "Second one."]
        );
        assert!(paragraphs(" \n").is_empty());
    }
}
