//! `POST /api/score` underneath: the upload is read as a blocking [`Read`] by the same
//! feed reader `score` uses, scored by [`crate::bulk::score_source`] in input order, and
//! its lines sent back as they are made. Memory stays flat: the upload is never held
//! whole, and a slow client slows the scoring (the channel back is bounded).

use std::io::{BufRead, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::body::{Body, BodyDataStream, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tokio::sync::{mpsc, oneshot};

use super::api::ScoreQuery;
use super::{ApiError, AppState};
use crate::ad::TextField;
use crate::bulk::{BulkOptions, Outcome, Tally, score_source};
use crate::input::{FieldMapping, Format, Records};

/// Response bytes gathered before they are sent: big enough that a 100k feed is a few
/// thousand sends, small enough that lines arrive while the feed is scored.
const SEND_AT: usize = 64 * 1024;
/// Gathered sends waiting for a slow client before scoring pauses.
const SENDS_IN_FLIGHT: usize = 8;

/// The request body as a blocking reader (for a thread outside the runtime), refusing to
/// read past `limit` bytes.
struct BodyReader {
    stream: BodyDataStream,
    runtime: tokio::runtime::Handle,
    current: Bytes,
    read: usize,
    limit: usize,
    over_limit: Arc<AtomicBool>,
}

impl Read for BodyReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.runtime.block_on(self.stream.next()) {
                None => return Ok(0),
                Some(Ok(bytes)) => {
                    self.read = self.read.saturating_add(bytes.len());
                    if self.read > self.limit {
                        self.over_limit.store(true, Ordering::Relaxed);
                        return Err(std::io::Error::other(format!(
                            "the upload is over the {}-byte limit",
                            self.limit
                        )));
                    }
                    self.current = bytes;
                }
                Some(Err(e)) => {
                    return Err(std::io::Error::other(format!("reading the upload: {e}")));
                }
            }
        }
        let n = out.len().min(self.current.len());
        out[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

/// Scores an upload as a streamed response (see [`super::api::score`] for its lines).
pub(super) async fn score_upload(
    state: AppState,
    body: Body,
    format: Option<Format>,
    query: ScoreQuery,
) -> Result<Response, ApiError> {
    let permit = state.scoring_slot().await?;
    let over_limit = Arc::new(AtomicBool::new(false));
    let limit = state.config.max_upload_bytes;
    let reader = BodyReader {
        stream: body.into_data_stream(),
        runtime: tokio::runtime::Handle::current(),
        current: Bytes::new(),
        read: 0,
        limit,
        over_limit: over_limit.clone(),
    };
    let keep: Vec<String> = if query.fields {
        TextField::ALL
            .iter()
            .map(|f| f.name().to_string())
            .collect()
    } else {
        Vec::new()
    };
    let mapping = FieldMapping {
        max_field_bytes: state.config.max_field_bytes,
        keep_cols: keep.clone(),
        ..FieldMapping::new()
    };
    let (opened_tx, opened_rx) = oneshot::channel::<Result<(), String>>();
    let (lines_tx, mut lines_rx) = mpsc::channel::<Bytes>(SENDS_IN_FLIGHT);
    let scorer = state.scorer;
    let explain = query.explain;
    tokio::task::spawn_blocking(move || {
        let _permit = permit; // held until the last line is made
        // A CSV header is read here: a feed that cannot be read is a 400, not a stream.
        let records = match open_upload(reader, format, mapping) {
            Ok(r) => {
                let _ = opened_tx.send(Ok(()));
                r
            }
            Err(e) => {
                let _ = opened_tx.send(Err(e));
                return;
            }
        };
        // The fields a line carries are those its source had, so that checking them
        // again (the page opening a row) sees the same advert: a CSV's text columns,
        // empty ones included (an empty company profile is evidence); a JSONL record's
        // non-empty ones (its reader cannot tell an absent key from an empty one here).
        let absent: Vec<String> = match &records {
            Records::Csv(csv) => keep
                .iter()
                .filter(|k| !csv.headers().contains(k))
                .cloned()
                .collect(),
            Records::Jsonl(_) => Vec::new(),
        };
        let is_jsonl = matches!(records, Records::Jsonl(_));
        let mut out = Vec::with_capacity(SEND_AT * 2);
        let mut tally = Tally::default();
        let opts = BulkOptions {
            explain,
            ..BulkOptions::default()
        };
        let run = score_source(records, &scorer, opts, &mut tally, |outcome| {
            let line = match outcome {
                Outcome::Scored(rec) => {
                    let mut line = rec.to_json(&keep, explain);
                    if let Some(obj) = line.as_object_mut() {
                        for k in &absent {
                            obj.remove(k);
                        }
                        if is_jsonl {
                            for (k, v) in keep.iter().zip(&rec.kept) {
                                if v.is_empty() {
                                    obj.remove(k);
                                }
                            }
                        }
                    }
                    line
                }
                Outcome::Rejected(r) => serde_json::json!({ "rejected": r }),
            };
            out.extend_from_slice(line.to_string().as_bytes());
            out.push(b'\n');
            if out.len() >= SEND_AT {
                send(&lines_tx, &mut out)?;
            }
            Ok(())
        });
        let summary = serde_json::json!({
            "read": tally.read, "scored": tally.scored, "rejected": tally.rejected
        });
        let last = match run {
            Ok(()) => serde_json::json!({ "summary": summary }),
            Err(e) => serde_json::json!({
                "error": ApiError::from(e).reason, "summary": summary
            }),
        };
        out.extend_from_slice(last.to_string().as_bytes());
        out.push(b'\n');
        let _ = send(&lines_tx, &mut out);
    });
    match opened_rx.await {
        Ok(Ok(())) => {}
        Ok(Err(_)) if over_limit.load(Ordering::Relaxed) => {
            return Err(super::api::too_large(limit));
        }
        Ok(Err(reason)) => return Err(ApiError::bad_request(reason)),
        Err(_) => return Err(ApiError::internal("the scoring thread stopped")),
    }
    let stream = futures_util::stream::poll_fn(move |cx| {
        lines_rx
            .poll_recv(cx)
            .map(|b| b.map(Ok::<Bytes, std::convert::Infallible>))
    });
    Ok((
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(stream),
    )
        .into_response())
}

/// Sends the gathered lines; an error when the client has gone, which stops the run.
fn send(tx: &mpsc::Sender<Bytes>, out: &mut Vec<u8>) -> crate::Result<()> {
    let bytes = Bytes::from(std::mem::take(out));
    tx.blocking_send(bytes).map_err(|_| crate::Error::Io {
        path: "<client>".into(),
        source: std::io::Error::from(std::io::ErrorKind::BrokenPipe),
    })
}

/// Opens the upload as a feed: gunzipped when it is gzip, in `format` or the one its
/// first character suggests (`{` is JSONL, anything else CSV).
fn open_upload(
    reader: BodyReader,
    format: Option<Format>,
    mapping: FieldMapping,
) -> Result<Records, String> {
    let name = Path::new("upload");
    let mut input = crate::input::decode(name, Box::new(reader));
    let format = match format {
        Some(f) => f,
        None => {
            let head = input.fill_buf().map_err(|e| e.to_string())?;
            let first = head
                .iter()
                .copied()
                .find(|b| !b.is_ascii_whitespace() && !matches!(b, 0xef | 0xbb | 0xbf));
            if first == Some(b'{') {
                Format::Jsonl
            } else {
                Format::Csv
            }
        }
    };
    Records::new(input, format, mapping, "upload").map_err(|e| ApiError::from(e).reason)
}
