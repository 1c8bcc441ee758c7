//! `lurescan serve`: the library's scoring behind HTTP, for people who do not use a
//! terminal. This module only maps HTTP to library calls (as `src/cli/` maps flags):
//! scoring is [`crate::explain`] and [`crate::bulk`], reading is [`crate::input`].
//!
//! - [`api`]: `POST /api/check`, `POST /api/score`, `GET /api/health`;
//! - [`reviews`]: reviewers' decisions in SQLite, and their export as training CSV;
//! - [`guard`]: the token and `Host` checks every `/api` call passes;
//! - [`page`]: the review page (embedded HTML, CSS and JavaScript) and its headers.
//!
//! It does not parse flags or print; `src/cli/serve.rs` does.

pub mod api;
mod error;
pub mod guard;
pub mod page;
pub mod reviews;
mod stream;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use tokio::sync::Semaphore;

pub use error::ApiError;

use crate::explain::Scorer;
use reviews::Reviews;

/// Default largest `POST /api/check` (and review) body: the largest advert `check`
/// takes (one field of [`crate::input::DEFAULT_MAX_FIELD_BYTES`]) plus room for the other
/// fields and JSON escapes.
pub const DEFAULT_MAX_CHECK_BYTES: usize = 4 << 20;
/// Default largest `POST /api/score` upload (1 GiB): a board's whole export, streamed
/// through without being held in memory.
pub const DEFAULT_MAX_UPLOAD_BYTES: usize = 1 << 30;
/// Default time a request may take before its response starts (a waiting scoring slot
/// counts); a streamed `/api/score` answer, once started, runs as long as the upload.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// How the server behaves; [`ServeConfig::new`] gives the documented defaults.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The token every `/api` call must carry (`Authorization: Bearer …`); `None` lets
    /// any local caller in (the CLI insists on one for a non-loopback address).
    pub token: Option<String>,
    /// Scoring requests run at once, at most; others wait their turn (defaults to twice
    /// the cores).
    pub max_concurrent: usize,
    /// Largest `/api/check` and `/api/reviews` body in bytes ([`DEFAULT_MAX_CHECK_BYTES`]).
    pub max_check_bytes: usize,
    /// Largest `/api/score` upload in bytes ([`DEFAULT_MAX_UPLOAD_BYTES`]).
    pub max_upload_bytes: usize,
    /// Largest field of an advert, as `score --max-field-bytes`.
    pub max_field_bytes: usize,
    /// Time before a response must start ([`DEFAULT_TIMEOUT`]).
    pub timeout: Duration,
}

impl ServeConfig {
    /// The defaults listed on each field.
    pub fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        ServeConfig {
            token: None,
            max_concurrent: cores * 2,
            max_check_bytes: DEFAULT_MAX_CHECK_BYTES,
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            max_field_bytes: crate::input::DEFAULT_MAX_FIELD_BYTES,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

impl Default for ServeConfig {
    fn default() -> Self {
        Self::new()
    }
}

/// What every handler shares. Cheap to clone (a scorer is two references).
#[derive(Clone)]
pub struct AppState {
    /// The scorer, borrowing a model and lexicons that live as long as the server.
    pub scorer: Scorer<'static>,
    /// Scoring slots: a request holds one while it scores (a stream, until it ends).
    pub permits: Arc<Semaphore>,
    /// The reviews database.
    pub reviews: Arc<Reviews>,
    /// The settings.
    pub config: Arc<ServeConfig>,
    /// The address the server is bound to (the `Host` check compares against it).
    pub bound: SocketAddr,
}

impl AppState {
    /// State for a server bound to `bound`.
    pub fn new(
        scorer: Scorer<'static>,
        reviews: Reviews,
        config: ServeConfig,
        bound: SocketAddr,
    ) -> Self {
        AppState {
            scorer,
            permits: Arc::new(Semaphore::new(config.max_concurrent.max(1))),
            reviews: Arc::new(reviews),
            config: Arc::new(config),
            bound,
        }
    }
}

impl AppState {
    /// Waits for a scoring slot; the request scores while it holds the returned permit.
    pub async fn scoring_slot(&self) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
        self.permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ApiError::internal("the server is shutting down"))
    }
}

/// The whole application: the page's routes and the API behind the guard, all with the
/// time limit and the security headers. (Body limits are checked where bodies are read.)
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/api/health", get(api::health))
        .route("/api/check", post(api::check))
        .route("/api/score", post(api::score))
        .route("/api/reviews", post(reviews::record).get(reviews::list))
        .route("/api/reviews/export.csv", get(reviews::export))
        .fallback(api::not_found)
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::check_request,
        ));
    Router::new()
        .merge(page::routes())
        .merge(api)
        .layer(axum::middleware::from_fn(page::security_headers))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            api::time_limit,
        ))
        .with_state(state)
}

/// Serves `router(state)` on `listener` until ctrl-c (or SIGTERM), then finishes the
/// requests under way. Every review is committed before its response is sent, so a
/// server killed outright loses nothing either. A client has `config.timeout` to send
/// its request head ([`hyper::server::conn::http1::Builder::header_read_timeout`]): one
/// that opens connections and never finishes a request cannot hold them.
pub async fn run(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    use futures_util::future::{Either, select};
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::server::graceful::GracefulShutdown;
    use hyper_util::service::TowerToHyperService;

    let header_timeout = state.config.timeout;
    let app = router(state);
    let graceful = GracefulShutdown::new();
    let shutdown = shutdown_signal();
    futures_util::pin_mut!(shutdown);
    loop {
        let accept = listener.accept();
        futures_util::pin_mut!(accept);
        match select(accept, shutdown.as_mut()).await {
            Either::Left((Ok((stream, _peer)), _)) => {
                let service = TowerToHyperService::new(app.clone());
                let mut builder = hyper::server::conn::http1::Builder::new();
                builder
                    .timer(TokioTimer::new())
                    .header_read_timeout(header_timeout);
                let connection =
                    graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
                tokio::spawn(async move {
                    // A connection's own errors (a reset, a timed-out head) end only it.
                    let _ = connection.await;
                });
            }
            // Out of file descriptors and the like: the listener stays; try again shortly.
            Either::Left((Err(_), _)) => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Either::Right(((), _)) => break,
        }
    }
    graceful.shutdown().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                let term = term.recv();
                futures_util::pin_mut!(ctrl_c, term);
                futures_util::future::select(ctrl_c, term).await;
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
