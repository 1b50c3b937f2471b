//! The search daemon (`veille serve`): a JSON API, a web page and Atom feeds
//! over one index, kept fresh by the index reader's reload policy (commits
//! made by `veille index` in another process) and, with `--watch DIR`, by a
//! file watcher that indexes changes as they land.
//!
//! This module starts and stops the daemon and builds the router; each
//! endpoint family lives in a file of its own ([`api`], [`page`], [`feed`]),
//! as do the query parameters ([`params`]), the error type ([`error`]),
//! stored-article lookups ([`article`]), the watcher ([`watch`]) and the
//! guard against clients too slow to send their request ([`slow`]).
//!
//! Searches run on tokio's blocking pool, at most a few at a time; every
//! request has a time limit and is logged on one line; on SIGINT or SIGTERM
//! requests in flight finish, then the watcher finishes its run (which
//! commits), then the process exits 0.

pub mod api;
pub mod article;
pub mod cache;
pub mod error;
pub mod feed;
pub mod page;
pub mod params;
mod slow;
pub mod watch;

use std::future::IntoFuture;
use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::Router;
use clap::Args;
use tokio::sync::Semaphore;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;

use crate::cli::{self, DEFAULT_INDEX};
use crate::index::store::{Probe, Store};
use crate::index::writer::{self, IndexOptions};
use crate::render;
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

/// Arguments of `veille serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Index folder (default `index`). When it does not exist it is built
    /// from the --watch folder, or from `corpus/` for the default index.
    #[arg(long)]
    pub index: Option<PathBuf>,
    /// Watch this folder and index new, changed and deleted files as they
    /// land (also catches up with changes made while the daemon was down).
    #[arg(long, value_name = "DIR")]
    pub watch: Option<PathBuf>,
    /// Address to listen on, IP:PORT. Loopback by default; port 0 picks a
    /// free port (the first line printed says which).
    #[arg(long, default_value = DEFAULT_ADDR)]
    pub addr: SocketAddr,
    /// Allow cross-origin requests from this origin, e.g.
    /// `https://example.org` (repeatable; `*` for any). Off by default.
    #[arg(long, value_name = "ORIGIN")]
    pub cors: Vec<String>,
    /// Longest a request may take before it is answered 503, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub timeout: u64,
    /// Memory for recently answered searches, in MiB; a repeated search is
    /// answered from it until the index changes. 0 turns it off.
    #[arg(long, value_name = "MIB", default_value_t = cache::DEFAULT_CACHE_MB)]
    pub cache_mb: u64,
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
            test_delay,
        }
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
    /// Origins allowed to make cross-origin requests; empty: CORS off.
    pub cors: Vec<String>,
}

/// Builds the application: every route, with logging, time limits, body
/// limits, security headers and (when asked for) CORS. Kept apart from the
/// socket so that it can be driven directly.
pub fn router(state: AppState, config: &HttpConfig) -> anyhow::Result<Router> {
    let mut app = Router::new()
        .route("/", get(page::index))
        .route("/feed.atom", get(feed::atom))
        .route("/api/search", get(api::search))
        .route("/api/articles/{*id}", get(api::article))
        .route("/api/stats", get(api::stats))
        .route("/healthz", get(api::healthz))
        .fallback(api::not_found)
        .with_state(state)
        .layer(middleware::from_fn_with_state(config.timeout, time_limit))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES));
    if let Some(cors) = cors_layer(&config.cors)? {
        app = app.layer(cors);
    }
    Ok(app
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(log_request)))
}

/// The CORS layer for `--cors` origins, or `None` when there are none.
fn cors_layer(origins: &[String]) -> anyhow::Result<Option<CorsLayer>> {
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
            bail!("--cors: {origin:?} is not an origin (expected e.g. https://example.org or *)");
        }
        values.push(HeaderValue::from_str(o).with_context(|| format!("--cors: {origin:?}"))?);
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

/// Sends the first line of output: scripts and tests read the address
/// (useful with port 0) from it.
fn announce(addr: SocketAddr) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "veille: listening on http://{addr}");
    let _ = out.flush();
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("VEILLE_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new("info,tantivy=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .try_init();
}

/// Opens the index, building it first when it is missing: from the watched
/// folder with `--watch`, else as `veille search` does (from `corpus/` for
/// the default index). Returns the engine and whether the watcher still has
/// to catch up with the folder.
fn open_engine(index: Option<&Path>, watch: Option<&Path>) -> anyhow::Result<(Engine, bool)> {
    let Some(dir) = watch else {
        return Ok((cli::open_for_search(index)?, false));
    };
    if !dir.is_dir() {
        bail!("--watch: {} is not a directory", dir.display());
    }
    let path = index.unwrap_or(Path::new(DEFAULT_INDEX));
    let catch_up = match Store::probe(path) {
        Probe::Compatible => true,
        Probe::Missing | Probe::Incompatible(_) => {
            tracing::info!("building {} from {}", path.display(), dir.display());
            let mut opts = IndexOptions::new(dir, path);
            opts.progress = true;
            let report = writer::run(&opts)
                .with_context(|| format!("indexing {} into {}", dir.display(), path.display()))?;
            render::index_report(&mut std::io::stderr().lock(), &report)?;
            false
        }
    };
    let engine = Engine::open(path).with_context(|| format!("opening {}", path.display()))?;
    Ok((engine, catch_up))
}

/// Runs the daemon until it is asked to stop; exits 0 after a graceful
/// shutdown.
pub fn run(args: ServeArgs) -> anyhow::Result<i32> {
    init_logging();
    if args.timeout == 0 {
        bail!("--timeout: at least 1 second");
    }
    let config = HttpConfig {
        timeout: Duration::from_secs(args.timeout),
        cors: args.cors.clone(),
    };
    cors_layer(&config.cors)?;
    let (engine, catch_up) = open_engine(args.index.as_deref(), args.watch.as_deref())?;
    let index_path = args
        .index
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_INDEX));
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
        .context("starting the async runtime")?;
    runtime.block_on(serve(args, config, engine, index_path, catch_up))
}

async fn serve(
    args: ServeArgs,
    config: HttpConfig,
    engine: Engine,
    index_path: PathBuf,
    catch_up: bool,
) -> anyhow::Result<i32> {
    let mut signals = shutdown::Signals::new().context("installing signal handlers")?;
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("--addr: cannot listen on {}", args.addr))?;
    let local = listener.local_addr()?;
    if !local.ip().is_loopback() {
        tracing::warn!(
            "listening on {local}, which is not a loopback address: anyone who can reach it can search the index"
        );
    }
    let engine = Arc::new(engine);
    let state = AppState::new(
        Arc::clone(&engine),
        format!("http://{local}"),
        args.cache_mb,
    );
    let app = router(state, &config)?;
    let watcher = match &args.watch {
        Some(dir) => Some(watch::Watcher::start(dir, &index_path, engine, catch_up)?),
        None => None,
    };

    announce(local);
    tracing::info!(
        "serving {} on http://{local}{}",
        index_path.display(),
        args.watch
            .as_ref()
            .map(|d| format!(", watching {}", d.display()))
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
        result = server => result.context("serving HTTP")?,
        _ = async {
            let _ = stopping_rx.wait_for(|stopping| *stopping).await;
            tokio::time::sleep(grace).await;
        } => tracing::warn!("connections still open {} s after the signal; closing them", grace.as_secs()),
    }
    if let Some(watcher) = watcher {
        tracing::info!("waiting for the watcher to finish its run");
        tokio::task::spawn_blocking(move || watcher.stop_and_join())
            .await
            .context("stopping the watcher")?;
    }
    tracing::info!("stopped");
    Ok(cli::EXIT_OK)
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
