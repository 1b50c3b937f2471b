//! The JSON API: search, one article and the articles like it, statistics
//! and the health check.
//!
//! A hit here is exactly a line of `veille search --json` (the same
//! [`JsonHit`]), so scripts can move between the two without change.

use std::time::{Duration, Instant};

use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use super::article;
use super::error::ApiError;
use super::params::{Endpoint, SearchParams};
use super::AppState;
use crate::render::{self, JsonHit, JsonSimilar};
use crate::search::facets::Facets;
use crate::search::translate::Translated;
use crate::search::Results;

/// The body of a `/api/search` answer.
#[derive(Debug, Serialize)]
pub struct SearchResponse<'a> {
    pub query: &'a str,
    /// Number of matching articles (all pages), or a lower bound of it.
    pub total: usize,
    /// False when `total` is a lower bound: more articles matched.
    pub total_exact: bool,
    /// Time spent answering, in milliseconds.
    pub took_ms: f64,
    /// True when the answer came from the cache of recent searches (the
    /// index has not changed since it was computed).
    pub cached: bool,
    pub offset: usize,
    pub limit: usize,
    /// True when no article had every word and any word was accepted.
    pub relaxed: bool,
    /// What the query parser read leniently.
    pub warnings: &'a [String],
    /// What the query's words were also searched as, in other languages.
    pub translated: &'a [Translated],
    pub hits: Vec<JsonHit<'a>>,
    /// When nothing was found: the query with misspelt words replaced, as
    /// `veille search` suggests it (absent when something was found).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestions: Option<&'a [String]>,
    /// Counts of all matching articles per language, source and month.
    pub facets: &'a Facets,
}

impl<'a> SearchResponse<'a> {
    /// The API view of a search's results.
    pub fn new(
        results: &'a Results,
        params: &SearchParams,
        empty: &'a Facets,
        took: Duration,
        cached: bool,
    ) -> Self {
        SearchResponse {
            query: &results.query,
            total: results.total,
            total_exact: results.total_exact,
            took_ms: (took.as_secs_f64() * 1e6).round() / 1e3,
            cached,
            offset: params.offset,
            limit: params.limit,
            relaxed: results.relaxed,
            warnings: &results.warnings,
            translated: &results.translated,
            hits: results
                .hits
                .iter()
                .map(|hit| JsonHit::new(hit, None))
                .collect(),
            suggestions: (results.total == 0).then_some(results.suggestions.as_slice()),
            facets: results.facets.as_ref().unwrap_or(empty),
        }
    }
}

/// `GET /api/search?q=&limit=&offset=&lang=&since=&until=&sort=&translate=`
pub async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let started = Instant::now();
    let params = SearchParams::parse(raw.as_deref(), Endpoint::Api)?;
    let query = params.require_query()?.to_string();
    let (results, cached) = state.search(query, params.options(true)).await?;
    let empty = Facets::default();
    let took = if cached {
        started.elapsed()
    } else {
        results.took
    };
    let body = SearchResponse::new(&results, &params, &empty, took, cached);
    Ok(Json(body).into_response())
}

/// What follows an article's id in the path of the articles like it.
pub const SIMILAR_SUFFIX: &str = "/similar";

/// The body of a `/api/articles/{id}/similar` answer.
#[derive(Debug, Serialize)]
pub struct SimilarResponse<'a> {
    /// The article the hits are like.
    pub id: &'a str,
    pub title: &'a str,
    /// Number of articles sharing some of its telling words (all pages).
    pub total: usize,
    pub took_ms: f64,
    pub offset: usize,
    pub limit: usize,
    /// The other articles, closest first: hits as `/api/search` gives them.
    pub hits: Vec<JsonHit<'a>>,
    /// The article's copies and near-duplicates: the same story, kept apart.
    pub near_duplicates: Vec<JsonSimilar<'a>>,
}

/// `GET /api/articles/{id}`: the whole stored article; and
/// `GET /api/articles/{id}/similar?limit=&offset=&lang=&since=&until=`:
/// the articles most like it. Ids may hold slashes, so both share one
/// route: a path ending in `/similar` is the whole id when an article has
/// it, and the articles like the rest otherwise.
pub async fn article(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let wanted = id.clone();
    let found = state
        .blocking(move |engine| article::by_id(engine, &wanted))
        .await?;
    match (found, id.strip_suffix(SIMILAR_SUFFIX)) {
        (Some(a), _) => Ok(Json(a).into_response()),
        (None, Some(of)) if !of.is_empty() => similar(state, of.to_string(), raw.as_deref()).await,
        (None, _) => Err(ApiError::NotFound(format!("no article with id {id:?}"))),
    }
}

/// The articles like the article `id`.
async fn similar(state: AppState, id: String, raw: Option<&str>) -> Result<Response, ApiError> {
    let started = Instant::now();
    let params = SearchParams::parse(raw, Endpoint::Api)?;
    let options = params.options(false);
    let wanted = id.clone();
    let like = state
        .blocking(move |engine| engine.like(&wanted, &options))
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no article with id {id:?}")))?;
    let body = SimilarResponse {
        id: &like.id,
        title: &like.title,
        total: like.results.total,
        took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1e3,
        offset: params.offset,
        limit: params.limit,
        hits: like
            .results
            .hits
            .iter()
            .map(|hit| JsonHit::new(hit, None))
            .collect(),
        near_duplicates: like.near_duplicates.iter().map(JsonSimilar::new).collect(),
    };
    Ok(Json(body).into_response())
}

/// `GET /api/stats`: what `veille stats --json` prints.
pub async fn stats(State(state): State<AppState>) -> Result<Response, ApiError> {
    let body = state
        .blocking(|engine| {
            let stats = crate::index::stats::compute(&engine.store, &engine.searcher())?;
            let mut out = Vec::new();
            render::stats_json(&mut out, &stats).map_err(|e| crate::Error::io("stats", e))?;
            Ok(out)
        })
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// `GET /healthz`: answers as long as the server runs; never touches the
/// index, so it stays fast under load.
pub async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

/// Any other path.
pub async fn not_found() -> ApiError {
    ApiError::NotFound("no such endpoint; see GET / and /api/search".into())
}
