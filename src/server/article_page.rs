//! `GET /articles/{id}`: one stored article as a page a person can read
//! (title, source, date, language, the text, the original link) with the
//! other versions of the same story. Hits without a web URL and the feed's
//! entries link here; `/api/articles/{id}` stays the JSON of the same
//! article.
//!
//! Below the article: its copies and near-duplicates, and the articles
//! most like it, both from [`Engine::like`](crate::search::Engine::like)
//! ("more like this"), whose JSON is `/api/articles/{id}/similar`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use maud::{html, Markup};

use super::article::{self, StoredArticle};
use super::error::ApiError;
use super::i18n::Msg;
use super::page::{day, respond, whole_page, Frame, Interface};
use super::params::{article_page_url, article_url, is_web_url, Endpoint, SearchParams};
use super::AppState;
use crate::search::hits::shown_title;
use crate::search::{LikeArticles, SearchOptions};

/// Articles like this one listed under it.
const LIKE_HITS: usize = 5;

/// `GET /articles/{id}[?ui=]`
pub async fn show(
    State(state): State<AppState>,
    iface: Interface,
    Path(id): Path<String>,
) -> Response {
    let wanted = id.clone();
    let found = state
        .blocking(move |engine| {
            let Some(article) = article::by_id(engine, &wanted)? else {
                return Ok(None);
            };
            let options = SearchOptions {
                limit: LIKE_HITS,
                snippets: 0,
                ..SearchOptions::default()
            };
            let like = engine.like(&wanted, &options)?;
            Ok(Some((article, like)))
        })
        .await;
    let (status, title, content) = match found {
        Ok(Some((article, like))) => {
            let title = shown_title(&article).text;
            (
                StatusCode::OK,
                title,
                reader(iface, &article, like.as_ref()),
            )
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

/// The article itself, then the same story elsewhere and the articles
/// like it.
fn reader(iface: Interface, a: &StoredArticle, like: Option<&LikeArticles>) -> Markup {
    let ui = iface.ui;
    let (same, others) = like.map_or((&[][..], &[][..]), |l| {
        (l.near_duplicates.as_slice(), l.results.hits.as_slice())
    });
    let web = a.url.as_deref().filter(|u| is_web_url(u));
    html! {
        article class="reader" lang=(a.lang) {
            h1 { (shown_title(a).text) }
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
        @if !same.is_empty() {
            section class="similar-list" aria-labelledby="similar-title" {
                h2 id="similar-title" { (iface.t(Msg::NearDuplicates)) }
                ul {
                    @for s in same {
                        (listed(iface, &s.id, &s.title, s.source.as_deref(), s.date, s.location()))
                    }
                }
            }
        }
        @if !others.is_empty() {
            section class="similar-list like-list" aria-labelledby="like-title" {
                h2 id="like-title" { (iface.t(Msg::LikeThis)) }
                ul {
                    @for h in others {
                        (listed(iface, &h.id, &h.title, h.source.as_deref(), h.date, h.url.as_deref().unwrap_or(&h.path)))
                    }
                }
                p class="meta" lang=(ui.code()) {
                    a href=(similar_url(&a.id)) { (iface.t(Msg::AsJson)) }
                }
            }
        }
    }
}

/// One article listed under another: its title, linking to its page here,
/// its source, date and where it is.
fn listed(
    iface: Interface,
    id: &str,
    title: &str,
    source: Option<&str>,
    date: Option<DateTime<Utc>>,
    location: &str,
) -> Markup {
    html! {
        li {
            a href=(iface.link(&article_page_url(id))) { (title) }
            span class="meta" {
                @if let Some(src) = source { " · " (src) }
                @if let Some(d) = date { " · " (day(iface.ui, d)) }
            }
            div class="loc" { (location) }
        }
    }
}

/// The JSON of the articles like the article `id`.
fn similar_url(id: &str) -> String {
    format!("{}{}", article_url(id), super::api::SIMILAR_SUFFIX)
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
