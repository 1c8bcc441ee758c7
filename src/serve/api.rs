//! The scoring routes: `POST /api/check` (one advert, the document `check --json`
//! prints), `POST /api/score` (a CSV or JSONL upload, streamed back as JSONL in input
//! order) and `GET /api/health`. Scoring runs on blocking threads, at most
//! [`ServeConfig::max_concurrent`](super::ServeConfig::max_concurrent) requests at once.

use std::io::Cursor;

use axum::body::{Body, Bytes};
use axum::extract::{Query, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{ApiError, AppState};
use crate::ad::Ad;
use crate::explain::Explanation;
use crate::input::{FieldMapping, Format, Records};

/// `GET /api/health`: the server is up, which version, and which model it scores with.
pub async fn health(State(state): State<AppState>) -> Response {
    let model = state.scorer.model();
    axum::Json(serde_json::json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "threshold": model.threshold,
        "prevalence": model.prevalence,
    }))
    .into_response()
}

/// Any other `/api` path: 404 with the reason, as JSON like every API error.
pub async fn not_found(req: Request) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("no such route: {} {}", req.method(), req.uri().path()),
    )
}

/// Answers 408 when a response has not started within the configured time (waiting for
/// a scoring slot included), so a stuck client or a long queue cannot hold a request
/// forever. A streamed body, once started, is not cut.
pub async fn time_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limit = state.config.timeout;
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "no answer within {} s (the server is busy or the request is too slow)",
                limit.as_secs_f64()
            ),
        )
        .into_response(),
    }
}

/// `POST /api/check`: a JSON object, either `{"text": "..."}` or the advert's fields
/// (`title`, `description`, ... as `score` reads a JSONL record), answered with exactly
/// what `lurescan check --json` prints for it.
pub async fn check(State(state): State<AppState>, body: Body) -> Result<Response, ApiError> {
    let bytes = read_body(body, state.config.max_check_bytes).await?;
    let ad = advert_from_json(&bytes, state.config.max_field_bytes)?;
    let why = explain(&state, ad).await?;
    Ok(json_response(why.to_check_json()))
}

/// A JSON document already serialised, as a response.
pub(super) fn json_response(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Reads a whole request body of at most `limit` bytes; a longer one is a 413 that says
/// the limit (a `Content-Length` over it is refused before anything is read).
pub(super) async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|e| body_error(&e, limit))
}

/// A body read error as an answer: over the limit is 413, anything else (a client that
/// hung up mid-body) 400.
pub(super) fn body_error(e: &axum::Error, limit: usize) -> ApiError {
    let over = std::iter::successors(Some(e as &(dyn std::error::Error + 'static)), |e| {
        e.source()
    })
    .any(|e| e.to_string().contains("length limit exceeded"));
    if over {
        too_large(limit)
    } else {
        ApiError::bad_request(format!("reading the request body: {e}"))
    }
}

/// 413 naming the limit.
pub(super) fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the request body is over the {limit}-byte limit"),
    )
}

/// Reads an advert from a JSON object as `score` reads one JSONL record (same columns,
/// same field limit, same reasons for refusing it); an advert without an `id` or
/// `job_id` is called `text`, as `check` calls its argument.
pub fn advert_from_json(body: &[u8], max_field_bytes: usize) -> Result<Ad, ApiError> {
    // Syntax first, for a plain reason; then the feed's reader, which also refuses a
    // key given twice (a parsed `Value` would keep the last one silently).
    let raw: &serde_json::value::RawValue = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("invalid JSON: {e}")))?;
    // One line: newlines in valid JSON are whitespace between tokens (never inside a
    // string), so a pretty-printed body reads as one record.
    let line: Vec<u8> = raw
        .get()
        .bytes()
        .map(|b| if b == b'\n' || b == b'\r' { b' ' } else { b })
        .collect();
    let mapping = FieldMapping {
        max_field_bytes,
        ..FieldMapping::new()
    };
    let mut records = Records::new(
        Box::new(Cursor::new(line)),
        Format::Jsonl,
        mapping,
        "request",
    )?;
    let mut ad = match records.next() {
        Some(Ok(Ok(rec))) => rec.ad,
        Some(Ok(Err(rejection))) if rejection.reason == "not a JSON object" => {
            return Err(ApiError::bad_request(
                "the body must be a JSON object: {\"text\": \"...\"} or the advert's \
                 fields (title, description, ...)",
            ));
        }
        Some(Ok(Err(rejection))) => return Err(ApiError::bad_request(rejection.reason)),
        Some(Err(e)) => return Err(e.into()),
        None => return Err(ApiError::bad_request("the advert is empty")),
    };
    if ad.is_empty() {
        return Err(ApiError::bad_request(
            "the advert is empty: give its text as \"text\" or its fields (title, \
             description, ...)",
        ));
    }
    // The reader took the object, so its keys are unique and this cannot fail.
    let has_id = serde_json::from_str::<AdvertKeys>(raw.get())
        .is_ok_and(|k| k.id.is_some() || k.job_id.is_some());
    if !has_id {
        ad.id = "text".to_string();
    }
    Ok(ad)
}

/// The keys of an advert object that decide its id (others are ignored here).
#[derive(Deserialize)]
struct AdvertKeys<'a> {
    #[serde(borrow, default)]
    id: Option<&'a serde_json::value::RawValue>,
    #[serde(borrow, default)]
    job_id: Option<&'a serde_json::value::RawValue>,
}

/// Explains one advert on a blocking thread, holding a scoring slot meanwhile.
pub async fn explain(state: &AppState, ad: Ad) -> Result<Explanation, ApiError> {
    let _permit = state.scoring_slot().await?;
    let scorer = state.scorer;
    tokio::task::spawn_blocking(move || scorer.explain(&ad))
        .await
        .map_err(|e| ApiError::internal(format!("scoring failed: {e}")))
}

/// Options of `POST /api/score`, in the query string.
#[derive(Debug, Default, Deserialize)]
pub struct ScoreQuery {
    /// `csv` or `jsonl`; by default the `Content-Type` says (`text/csv`, a JSON type),
    /// else the first character (`{` is JSONL).
    pub format: Option<String>,
    /// Add each record's quoted evidence (as `score --explain`).
    #[serde(default)]
    pub explain: bool,
    /// Add each record's text fields as keys of its line (as `score --keep` would), so
    /// a client can show the advert beside its score: a CSV's text columns (empty ones
    /// too), a JSONL record's non-empty text fields.
    #[serde(default)]
    pub fields: bool,
}

/// `POST /api/score`: a CSV (with header) or JSONL upload, read as `score` reads a file,
/// answered as a stream of JSONL lines in input order: one `score --output-format jsonl`
/// line per scored record, `{"rejected": {record, line, id, reason}}` per rejected one,
/// and a last `{"summary": {read, scored, rejected}}` line (or `{"error": ...}` when the
/// upload cannot be read on). A header the feed cannot be read with is a 400.
pub async fn score(
    State(state): State<AppState>,
    Query(query): Query<ScoreQuery>,
    req: Request,
) -> Result<Response, ApiError> {
    let format = match query.format.as_deref() {
        Some("csv") => Some(Format::Csv),
        Some("jsonl") => Some(Format::Jsonl),
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "format must be csv or jsonl, not {other:?}"
            )));
        }
        None => format_from_content_type(req.headers()),
    };
    let limit = state.config.max_upload_bytes;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large(limit));
    }
    super::stream::score_upload(state, req.into_body(), format, query).await
}

fn format_from_content_type(headers: &axum::http::HeaderMap) -> Option<Format> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let ct = ct.to_ascii_lowercase();
    if ct.starts_with("text/csv") {
        Some(Format::Csv)
    } else if ct.contains("json") {
        Some(Format::Jsonl)
    } else {
        None
    }
}
