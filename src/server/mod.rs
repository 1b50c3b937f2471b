//! The search daemon (`veille serve`): a JSON API, a web page and Atom feeds
//! over one index, kept fresh by the index reader's reload policy (commits
//! made by `veille index` in another process) and, when it watches a
//! folder, by a file watcher that indexes changes as they land.
//!
//! This module starts and stops the daemon ([`serve`]) and builds the
//! router; the caller opens the index (see [`crate::index::open`]). Each
//! endpoint family lives in a file of its own ([`api`], [`page`],
//! [`article_page`], [`feed`]), as do the page's words in each interface
//! language ([`i18n`]), the query parameters ([`params`]), the error type
//! ([`error`]), stored-article lookups ([`article`]), the watcher
//! ([`watch`]), the saved searches of the home page ([`saved`]) and the guard against clients too slow to send their
//! request ([`slow`]).
//!
//! Searches run on tokio's blocking pool, at most a few at a time; every
//! request has a time limit and is logged on one line; on SIGINT or SIGTERM
//! requests in flight finish, then the watcher finishes its run (which
//! commits), then the process exits 0.

pub mod api;
pub mod article;
pub mod article_page;
pub mod cache;
pub mod error;
pub mod feed;
pub mod i18n;
pub mod page;
pub mod params;
pub mod saved;
mod slow;
pub mod watch;

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::Router;
use tokio::sync::Semaphore;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;

use crate::error::Error;
use crate::search::{Engine, Results, SearchOptions};
use error::ApiError;

/// Default address: loopback only.
pub const DEFAULT_ADDR: &str = "127.0.0.1:7700";
/// Largest request body accepted (every endpoint is a GET).
const MAX_BODY_BYTES: usize = 16 * 1024;
/// Longest request line logged, in characters.
const LOG_URI_CHARS: usize = 300;
/// Environment variable that makes every index access sleep this many
/// milliseconds first. A test hook (graceful shutdown and timeouts need a
/// request that is still running); never set it in production.
pub const TEST_DELAY_ENV: &str = "VEILLE_SERVE_TEST_DELAY_MS";

/// How to run the daemon over an open index.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The folder of the index served (named in the log; a watcher indexes
    /// into it).
    pub index: PathBuf,
    /// Address to listen on; port 0 picks a free port.
    pub addr: SocketAddr,
    pub http: HttpConfig,
    /// Memory for recently answered searches, in MiB; 0 turns it off.
    pub cache_mb: u64,
    /// The folder to index as it changes, if any.
    pub watch: Option<WatchOptions>,
    /// The saved searches listed on the home page.
    pub saved: Vec<crate::config::SavedSearch>,
}

/// The folder a daemon watches.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    pub dir: PathBuf,
    /// Start with a run over the whole folder, for the changes made while
    /// no daemon was watching (not needed when the index was just built
    /// from it).
    pub catch_up: bool,
}

/// What handlers share.
#[derive(Clone)]
pub struct AppState {
    engine: Arc<Engine>,
    /// Bounds the searches running at once on the blocking pool.
    permits: Arc<Semaphore>,
    /// `http://ADDR` of the listening socket, for absolute links in feeds
    /// when a request has no usable `Host` header.
    base_url: Arc<str>,
    /// Answers of recent searches, until the next commit.
    cache: Arc<cache::SearchCache>,
    /// The saved searches and what was last seen of them.
    saved: Arc<saved::SavedSearches>,
    test_delay: Option<Duration>,
}

impl AppState {
    /// Shared state over an open engine.
    pub fn new(engine: Arc<Engine>, base_url: String, cache_mb: u64) -> AppState {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let test_delay = std::env::var(TEST_DELAY_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_millis);
        AppState {
            engine,
            permits: Arc::new(Semaphore::new(cores * 2)),
            base_url: base_url.into(),
            cache: Arc::new(cache::SearchCache::new(cache_mb)),
            saved: Arc::default(),
            test_delay,
        }
    }

    /// The same state, with these saved searches on the home page.
    pub fn with_saved(mut self, saved: saved::SavedSearches) -> AppState {
        self.saved = Arc::new(saved);
        self
    }

    /// Runs blocking index work on tokio's blocking pool, off the async
    /// executor, once one of a few permits is free.
    pub async fn blocking<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Engine) -> crate::Result<T> + Send + 'static,
    {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|e| ApiError::internal("search queue", e))?;
        let engine = Arc::clone(&self.engine);
        let delay = self.test_delay;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            if let Some(d) = delay {
                std::thread::sleep(d);
            }
            work(&engine)
        })
        .await
        .map_err(|e| ApiError::internal("search task", e))?
        .map_err(ApiError::from)
    }

    /// Searches, or answers from the cache when the same search was made
    /// on the current commit. The flag says whether it came from the cache.
    pub async fn search(
        &self,
        query: String,
        options: SearchOptions,
    ) -> Result<(Arc<Results>, bool), ApiError> {
        let key = cache::SearchCache::key(&query, &options);
        let generation = self.engine.generation();
        if let Some(results) = self.cache.get(generation, &key) {
            return Ok((results, true));
        }
        let results = Arc::new(
            self.blocking(move |engine| engine.search(&query, &options))
                .await?,
        );
        self.cache.put(generation, key, Arc::clone(&results));
        Ok((results, false))
    }

    /// `http://ADDR` of the listening socket.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

/// HTTP settings that do not depend on the index.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Longest a request may take.
    pub timeout: Duration,
    /// Cross-origin requests allowed, when any are.
    cors: Option<CorsLayer>,
}

impl HttpConfig {
    /// Settings with a time limit per request, allowing cross-origin
    /// requests from `cors_origins` (`*`: any; none: CORS off). A malformed
    /// origin is an error.
    pub fn new(timeout: Duration, cors_origins: &[String]) -> crate::Result<HttpConfig> {
        Ok(HttpConfig {
            timeout,
            cors: cors_layer(cors_origins)?,
        })
    }
}

/// Builds the application: every route, with logging, time limits, body
/// limits, security headers and (when asked for) CORS. Kept apart from the
/// socket so that it can be driven directly.
pub fn router(state: AppState, config: &HttpConfig) -> Router {
    let mut app = Router::new()
        .route("/", get(page::index))
        .route("/articles/{*id}", get(article_page::show))
        .route("/feed.atom", get(feed::atom))
        .route("/saved/{name}", get(saved::open))
        .route("/api/search", get(api::search))
        .route("/api/articles/{*id}", get(api::article))
        .route("/api/stats", get(api::stats))
        .route("/healthz", get(api::healthz))
        .fallback(api::not_found)
        .with_state(state)
        .layer(middleware::from_fn_with_state(config.timeout, time_limit))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES));
    if let Some(cors) = &config.cors {
        app = app.layer(cors.clone());
    }
    app.layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(log_request))
}

/// The CORS layer for these origins, or `None` when there are none.
fn cors_layer(origins: &[String]) -> crate::Result<Option<CorsLayer>> {
    if origins.is_empty() {
        return Ok(None);
    }
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::HEAD])
        .max_age(Duration::from_secs(3600));
    if origins.iter().any(|o| o == "*") {
        return Ok(Some(layer.allow_origin(AllowOrigin::any())));
    }
    let mut values = Vec::new();
    for origin in origins {
        let o = origin.trim_end_matches('/');
        let valid = (o.starts_with("http://") || o.starts_with("https://"))
            && !o.split_once("://").is_some_and(|(_, rest)| {
                rest.is_empty() || rest.contains(['/', '?', '#', ' ', '*'])
            });
        if !valid {
            return Err(Error::BadOrigin(origin.clone()));
        }
        values.push(HeaderValue::from_str(o).map_err(|_| Error::BadOrigin(origin.clone()))?);
    }
    Ok(Some(layer.allow_origin(AllowOrigin::list(values))))
}

/// Answers 503 when the rest of the stack takes longer than the limit.
async fn time_limit(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => ApiError::Timeout(limit).into_response(),
    }
}

/// Headers every response carries; responses that set their own content
/// security policy (the page) keep it, the others may load nothing.
async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
    }
    response
}

/// One log line per request: method, path and query, status, time taken.
async fn log_request(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let uri = req.uri().to_string();
    let response = next.run(req).await;
    let mut shown: String = uri.chars().take(LOG_URI_CHARS).collect();
    if shown.len() < uri.len() {
        shown.push('…');
    }
    tracing::info!(
        "{method} {shown} {} {:.1} ms",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1e3
    );
    response
}

/// Runs the daemon over `engine` until it is asked to stop (SIGINT or
/// SIGTERM), then returns after a graceful shutdown. `on_listening` is
/// called with the address once requests are accepted (useful with port 0).
pub fn serve(
    engine: Engine,
    options: ServeOptions,
    on_listening: impl FnOnce(SocketAddr),
) -> crate::Result<()> {
    // Searches are bounded by `AppState::permits` (twice the cores); a
    // blocking pool no larger keeps the threads, and their allocator
    // arenas, from piling up while a finished search's thread is not yet
    // idle again. Two more serve the watcher's and the shutdown's work.
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(cores * 2 + 2)
        .thread_name("veille-serve")
        .build()
        .map_err(|e| Error::system("starting the async runtime", e))?;
    runtime.block_on(run(engine, options, on_listening))
}

async fn run(
    engine: Engine,
    options: ServeOptions,
    on_listening: impl FnOnce(SocketAddr),
) -> crate::Result<()> {
    let mut signals =
        shutdown::Signals::new().map_err(|e| Error::system("installing signal handlers", e))?;
    let listener = tokio::net::TcpListener::bind(options.addr)
        .await
        .map_err(|source| Error::Listen {
            addr: options.addr,
            source,
        })?;
    let local = listener
        .local_addr()
        .map_err(|e| Error::system("reading the listening address", e))?;
    if !local.ip().is_loopback() {
        tracing::warn!(
            "listening on {local}, which is not a loopback address: anyone who can reach it can search the index"
        );
    }
    let engine = Arc::new(engine);
    let state = AppState::new(
        Arc::clone(&engine),
        format!("http://{local}"),
        options.cache_mb,
    )
    .with_saved(saved::SavedSearches::new(options.saved, &options.index));
    let config = options.http;
    let app = router(state, &config);
    let watcher = match &options.watch {
        Some(w) => Some(watch::Watcher::start(
            &w.dir,
            &options.index,
            engine,
            w.catch_up,
        )?),
        None => None,
    };

    on_listening(local);
    tracing::info!(
        "serving {} on http://{local}{}",
        options.index.display(),
        options
            .watch
            .as_ref()
            .map(|w| format!(", watching {}", w.dir.display()))
            .unwrap_or_default()
    );

    let (stopping_tx, mut stopping_rx) = tokio::sync::watch::channel(false);
    let stop_watching = watcher.as_ref().map(watch::Watcher::stopper);
    let on_signal = async move {
        signals.recv().await;
        tracing::info!("shutting down: finishing the requests in flight");
        if let Some(s) = stop_watching {
            s.stop();
        }
        let _ = stopping_tx.send(true);
        // A second signal means "now".
        tokio::spawn(async move {
            signals.recv().await;
            tracing::warn!("second signal: exiting at once");
            std::process::exit(130);
        });
    };
    let listener = listener.tap_io(|tcp| {
        // Small responses must not wait for the client's delayed ACK.
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("TCP_NODELAY: {e}");
        }
    });
    // A request head must arrive within the request time limit too, or
    // the connection is closed (slowloris; see `slow`).
    let listener = slow::HeadDeadline::new(listener, config.timeout);
    let server = axum::serve(listener, app)
        .with_graceful_shutdown(on_signal)
        .into_future();
    let grace = config.timeout + Duration::from_secs(5);
    tokio::select! {
        result = server => result.map_err(|e| Error::system("serving HTTP", e))?,
        _ = async {
            let _ = stopping_rx.wait_for(|stopping| *stopping).await;
            tokio::time::sleep(grace).await;
        } => tracing::warn!("connections still open {} s after the signal; closing them", grace.as_secs()),
    }
    if let Some(watcher) = watcher {
        tracing::info!("waiting for the watcher to finish its run");
        tokio::task::spawn_blocking(move || watcher.stop_and_join())
            .await
            .map_err(|e| Error::system("stopping the watcher", std::io::Error::other(e)))?;
    }
    tracing::info!("stopped");
    Ok(())
}

/// Waiting for SIGINT or SIGTERM.
mod shutdown {
    /// The signals that stop the daemon, installed up front so that none is
    /// missed between start-up and the first wait.
    pub struct Signals {
        #[cfg(unix)]
        interrupt: tokio::signal::unix::Signal,
        #[cfg(unix)]
        terminate: tokio::signal::unix::Signal,
    }

    impl Signals {
        pub fn new() -> std::io::Result<Signals> {
            #[cfg(unix)]
            {
                use tokio::signal::unix::{signal, SignalKind};
                Ok(Signals {
                    interrupt: signal(SignalKind::interrupt())?,
                    terminate: signal(SignalKind::terminate())?,
                })
            }
            #[cfg(not(unix))]
            Ok(Signals {})
        }

        /// Waits for the next SIGINT or SIGTERM (Ctrl-C elsewhere).
        pub async fn recv(&mut self) {
            #[cfg(unix)]
            tokio::select! {
                _ = self.interrupt.recv() => {}
                _ = self.terminate.recv() => {}
            }
            #[cfg(not(unix))]
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
