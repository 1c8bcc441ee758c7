//! `lurescan serve`: the review page and the HTTP API (see `lurescan::serve`) on a local
//! address, or on another one with a token.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use lurescan::explain::Scorer;
use lurescan::lure::Lexicon;
use lurescan::model::LureModel;
use lurescan::serve::reviews::{DEFAULT_DB, Reviews};
use lurescan::serve::{AppState, ServeConfig};

use super::common::{LexiconChoice, ModelArgs};

/// The environment variable holding the token when `--token` is not given.
const TOKEN_ENV: &str = "LURESCAN_TOKEN";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on. Another than loopback (127.0.0.1, ::1) needs a token.
    /// Port 0 picks a free port (the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// Token every API call must carry (`Authorization: Bearer <token>`); default: the
    /// LURESCAN_TOKEN environment variable. Required off loopback.
    #[arg(long, value_name = "TOKEN")]
    token: Option<String>,
    /// The reviews database (SQLite; created when missing).
    #[arg(long, value_name = "PATH", default_value = DEFAULT_DB)]
    db: PathBuf,
    /// Scoring requests run at once, at most (default: twice the cores); others wait.
    #[arg(long, value_name = "N")]
    max_concurrent: Option<usize>,
    /// Largest /api/check or /api/reviews body in bytes (larger: 413).
    #[arg(long, value_name = "BYTES", default_value_t = lurescan::serve::DEFAULT_MAX_CHECK_BYTES)]
    max_body_bytes: usize,
    /// Largest /api/score upload in bytes (larger: 413).
    #[arg(long, value_name = "BYTES", default_value_t = lurescan::serve::DEFAULT_MAX_UPLOAD_BYTES)]
    max_upload_bytes: usize,
    /// Largest advert field in bytes, as `score --max-field-bytes`.
    #[arg(long, value_name = "BYTES", default_value_t = lurescan::input::DEFAULT_MAX_FIELD_BYTES)]
    max_field_bytes: usize,
    /// Seconds a client has to send its request head (then the connection is closed) and
    /// a request may wait for its answer to start (then 408).
    #[arg(long, value_name = "SECONDS", default_value_t = lurescan::serve::DEFAULT_TIMEOUT.as_secs())]
    timeout: u64,
    #[command(flatten)]
    model: ModelArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let addr = resolve(&args.addr)?;
    let token = args
        .token
        .clone()
        .or_else(|| std::env::var(TOKEN_ENV).ok())
        .filter(|t| !t.is_empty());
    if token.is_none() && !addr.ip().is_loopback() {
        anyhow::bail!(
            "{addr} is reachable from other machines: give a token with --token or the \
             {TOKEN_ENV} environment variable (or listen on 127.0.0.1)"
        );
    }
    let mut config = ServeConfig::new();
    config.token = token;
    if let Some(n) = args.max_concurrent {
        anyhow::ensure!(n > 0, "--max-concurrent must be at least 1");
        config.max_concurrent = n;
    }
    config.max_check_bytes = args.max_body_bytes;
    config.max_upload_bytes = args.max_upload_bytes;
    config.max_field_bytes = args.max_field_bytes;
    config.timeout = Duration::from_secs(args.timeout.max(1));

    let (model, lexicon) = args.model.load()?;
    // The server scores with them until the process ends: leaked once, they are
    // borrowed by every request without reference counting.
    let model: &'static LureModel = Box::leak(Box::new(model));
    let lexicon: &'static Lexicon = match lexicon {
        LexiconChoice::Embedded(l) => l,
        LexiconChoice::Loaded(l) => Box::leak(l),
    };
    let scorer = Scorer::new(model, lexicon).with_language(true);
    let reviews = Reviews::open(&args.db)
        .with_context(|| format!("opening the reviews database {}", args.db.display()))?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the server's runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("listening on {addr}"))?;
        let bound = listener.local_addr().context("reading the bound address")?;
        // Tests and scripts read this line for the port when they ask for port 0.
        println!("lurescan serve: listening on http://{bound}/");
        eprintln!(
            "lurescan serve: reviews are kept in {}; ctrl-c stops",
            args.db.display()
        );
        let state = AppState::new(scorer, reviews, config, bound);
        lurescan::serve::run(listener, state)
            .await
            .context("serving")
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The first address `addr` names (`127.0.0.1:8080`, `[::1]:0`, `localhost:8080`).
fn resolve(addr: &str) -> anyhow::Result<SocketAddr> {
    addr.to_socket_addrs()
        .with_context(|| format!("--addr {addr:?} is not an address with a port"))?
        .next()
        .with_context(|| format!("--addr {addr:?} names no address"))
}
