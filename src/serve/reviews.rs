//! Reviewers' decisions, kept in SQLite: the advert's text fields, the model's
//! explanation at the time (the whole `check --json` document), the label (lure,
//! genuine or unsure), the note and the time. Each decision is one committed
//! transaction in WAL mode with `synchronous=FULL` before its response is sent, so a
//! server killed at any moment keeps every decision it acknowledged.
//!
//! [`write_training_csv`] turns them into a CSV that `lurescan train` reads as it is:
//! `fraudulent` 1 for lure, 0 for genuine; unsure decisions are left out (they are not
//! training data) and counted.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use super::{ApiError, AppState};
use crate::ad::{Ad, TextField};
use crate::error::{Error, Result};
use crate::explain::Explanation;

/// The database `serve` and `export-labels` use without `--db`, in the current directory.
pub const DEFAULT_DB: &str = "lurescan-reviews.sqlite";

/// A reviewer's decision about an advert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    /// A scam-recruitment lure.
    Lure,
    /// A genuine advert.
    Genuine,
    /// The reviewer could not tell.
    Unsure,
}

impl Label {
    /// The word stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Lure => "lure",
            Label::Genuine => "genuine",
            Label::Unsure => "unsure",
        }
    }

    fn parse(s: &str) -> Option<Label> {
        [Label::Lure, Label::Genuine, Label::Unsure]
            .into_iter()
            .find(|l| l.as_str() == s)
    }
}

/// A stored decision.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    /// Its number in the database (1, 2, ...).
    pub id: i64,
    /// When it was recorded (UTC, `2026-12-07T18:00:00.000Z`).
    pub reviewed_at: String,
    /// The advert's id as given (`text` for a pasted advert).
    pub advert_id: String,
    /// The advert's text fields by column name, as reviewed.
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// The model's probability then.
    pub probability: f64,
    /// The model's verdict then.
    pub verdict: String,
    /// The whole explanation then (the `check --json` document).
    pub explanation: serde_json::Value,
    /// The reviewer's label.
    pub label: Label,
    /// The reviewer's note.
    pub note: String,
}

/// The decisions database.
pub struct Reviews {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl Reviews {
    /// Opens (or creates) the database at `path`, in WAL mode with full syncs.
    pub fn open(path: &Path) -> Result<Reviews> {
        let db = |source| Error::Database {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(db)?;
        // WAL: a write is durable once committed and readers never block it; FULL syncs
        // the log at each commit, so an acknowledged decision survives even a power cut.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(db)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(db)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS reviews (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                reviewed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                advert_id TEXT NOT NULL,
                fields_json TEXT NOT NULL,
                probability REAL NOT NULL,
                verdict TEXT NOT NULL,
                explanation_json TEXT NOT NULL,
                label TEXT NOT NULL CHECK (label IN ('lure', 'genuine', 'unsure')),
                note TEXT NOT NULL DEFAULT ''
            );",
        )
        .map_err(db)?;
        Ok(Reviews {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, source: rusqlite::Error) -> Error {
        Error::Database {
            path: self.path.clone(),
            source,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves the connection usable: SQLite rolls back
        // an unfinished transaction itself.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a decision about `ad`, explained as `why`, in one committed transaction;
    /// returns the stored review.
    pub fn record(&self, ad: &Ad, why: &Explanation, label: Label, note: &str) -> Result<Review> {
        let fields: serde_json::Map<String, serde_json::Value> = ad
            .fields()
            .map(|(f, text)| (f.name().to_string(), text.into()))
            .collect();
        let explanation = serde_json::to_value(why).map_err(|source| Error::Json {
            context: "storing the explanation".into(),
            source,
        })?;
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(|e| self.error(e))?;
        tx.execute(
            "INSERT INTO reviews (advert_id, fields_json, probability, verdict, \
             explanation_json, label, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                ad.id,
                serde_json::Value::Object(fields).to_string(),
                why.probability,
                why.verdict.as_str(),
                explanation.to_string(),
                label.as_str(),
                note,
            ],
        )
        .map_err(|e| self.error(e))?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(|e| self.error(e))?;
        drop(conn);
        self.get(id)?
            .ok_or_else(|| self.error(rusqlite::Error::QueryReturnedNoRows))
    }

    /// One review by number.
    pub fn get(&self, id: i64) -> Result<Option<Review>> {
        Ok(self.query("WHERE id = ?1", params![id])?.pop())
    }

    /// Every review, oldest first.
    pub fn all(&self) -> Result<Vec<Review>> {
        self.query("", params![])
    }

    fn query(&self, filter: &str, args: impl rusqlite::Params) -> Result<Vec<Review>> {
        let conn = self.lock();
        let sql = format!(
            "SELECT id, reviewed_at, advert_id, fields_json, probability, verdict, \
             explanation_json, label, note FROM reviews {filter} ORDER BY id"
        );
        let mut stmt = conn.prepare(&sql).map_err(|e| self.error(e))?;
        let rows = stmt
            .query_map(args, |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, f64>(4)?,
                    row.get::<_, String>(5)?,
                    row.get::<_, String>(6)?,
                    row.get::<_, String>(7)?,
                    row.get::<_, String>(8)?,
                ))
            })
            .map_err(|e| self.error(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, reviewed_at, advert_id, fields, probability, verdict, expl, label, note) =
                row.map_err(|e| self.error(e))?;
            let context = || format!("review {id} in {}", self.path.display());
            let fields: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&fields)
                .map_err(|source| Error::Json {
                    context: context(),
                    source,
                })?;
            let explanation: serde_json::Value =
                serde_json::from_str(&expl).map_err(|source| Error::Json {
                    context: context(),
                    source,
                })?;
            out.push(Review {
                id,
                reviewed_at,
                advert_id,
                fields,
                probability,
                verdict,
                explanation,
                // The CHECK constraint keeps other words out.
                label: Label::parse(&label).unwrap_or(Label::Unsure),
                note,
            });
        }
        Ok(out)
    }
}

/// The training CSV's columns: `job_id` (`review-<n>`, unique), the EMSCAD text columns
/// `train` reads by default, the label `fraudulent`, then the review's own columns, which
/// `train` ignores. A pasted advert's free text goes in `description`: `train` reads a
/// `text` column only when no body column is present, and the file has one.
pub const TRAINING_COLUMNS: [&str; 15] = [
    "job_id",
    "title",
    "location",
    "salary_range",
    "company_profile",
    "description",
    "requirements",
    "benefits",
    "fraudulent",
    "review_label",
    "note",
    "reviewed_at",
    "advert_id",
    "probability_at_review",
    "verdict_at_review",
];

/// What [`write_training_csv`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportCounts {
    /// Rows written (lure and genuine decisions).
    pub written: usize,
    /// Unsure decisions left out.
    pub unsure: usize,
}

/// Writes `reviews` as a CSV that `lurescan train` reads as it is (see
/// [`TRAINING_COLUMNS`]). Unsure decisions are left out and counted. Cells that a
/// spreadsheet would run as a formula get a leading `'`, as `score`'s CSV does.
pub fn write_training_csv(reviews: &[Review], out: impl Write) -> Result<ExportCounts> {
    let csv_err = |source| Error::Csv {
        context: "writing the labels CSV".into(),
        source,
    };
    let mut w = csv::Writer::from_writer(out);
    w.write_record(TRAINING_COLUMNS).map_err(csv_err)?;
    let mut counts = ExportCounts::default();
    for r in reviews {
        let fraudulent = match r.label {
            Label::Lure => "1",
            Label::Genuine => "0",
            Label::Unsure => {
                counts.unsure += 1;
                continue;
            }
        };
        let field = |f: TextField| {
            r.fields
                .get(f.name())
                .and_then(|v| v.as_str())
                .unwrap_or_default()
        };
        let description = match field(TextField::Description) {
            "" => field(TextField::Text),
            d => d,
        };
        let row = [
            format!("review-{}", r.id),
            field(TextField::Title).to_string(),
            field(TextField::Location).to_string(),
            field(TextField::SalaryRange).to_string(),
            field(TextField::CompanyProfile).to_string(),
            description.to_string(),
            field(TextField::Requirements).to_string(),
            field(TextField::Benefits).to_string(),
            fraudulent.to_string(),
            r.label.as_str().to_string(),
            r.note.clone(),
            r.reviewed_at.clone(),
            r.advert_id.clone(),
            format!("{:.4}", r.probability),
            r.verdict.clone(),
        ];
        w.write_record(
            row.iter()
                .map(|c| crate::output::spreadsheet_safe(c).into_owned()),
        )
        .map_err(csv_err)?;
        counts.written += 1;
    }
    w.flush().map_err(|source| Error::Io {
        path: "<labels CSV>".into(),
        source,
    })?;
    Ok(counts)
}

/// The body of `POST /api/reviews`.
#[derive(Debug, Deserialize)]
pub struct ReviewRequest {
    /// The advert: `{"text": ...}` or its fields, as `POST /api/check` takes.
    pub advert: serde_json::Value,
    /// `lure`, `genuine` or `unsure`.
    pub label: Label,
    /// The reviewer's note (may be empty).
    #[serde(default)]
    pub note: String,
}

/// `POST /api/reviews`: records a decision. The server scores the advert itself, so the
/// stored score and evidence are the model's, not whatever a client sent. Only
/// `Content-Type: application/json` is taken: a form on another site cannot send it
/// without the browser asking first, which this server never allows.
pub async fn record(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("application/json"));
    if !is_json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the review as Content-Type: application/json",
        ));
    }
    let bytes = super::api::read_body(body, state.config.max_check_bytes).await?;
    let req: ReviewRequest = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad_request(format!("invalid review: {e}")))?;
    let advert = serde_json::to_vec(&req.advert)
        .map_err(|e| ApiError::bad_request(format!("invalid advert: {e}")))?;
    let ad = super::api::advert_from_json(&advert, state.config.max_field_bytes)?;
    let why = super::api::explain(&state, ad.clone()).await?;
    let reviews = state.reviews.clone();
    let review =
        tokio::task::spawn_blocking(move || reviews.record(&ad, &why, req.label, &req.note))
            .await
            .map_err(|e| ApiError::internal(format!("recording failed: {e}")))??;
    Ok((StatusCode::CREATED, axum::Json(review)).into_response())
}

/// `GET /api/reviews`: every decision, oldest first, as a JSON array.
pub async fn list(State(state): State<AppState>) -> Result<Response, ApiError> {
    let reviews = state.reviews.clone();
    let all = tokio::task::spawn_blocking(move || reviews.all())
        .await
        .map_err(|e| ApiError::internal(format!("reading reviews failed: {e}")))??;
    Ok(axum::Json(all).into_response())
}

/// `GET /api/reviews/export.csv`: the training CSV ([`write_training_csv`]) as a
/// download; the number of unsure decisions left out is in `X-Lurescan-Unsure`.
pub async fn export(State(state): State<AppState>) -> Result<Response, ApiError> {
    let reviews = state.reviews.clone();
    let (csv, counts) = tokio::task::spawn_blocking(move || -> Result<_> {
        let mut csv = Vec::new();
        let counts = write_training_csv(&reviews.all()?, &mut csv)?;
        Ok((csv, counts))
    })
    .await
    .map_err(|e| ApiError::internal(format!("export failed: {e}")))??;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"lurescan-labels.csv\"".to_string(),
            ),
            (
                header::HeaderName::from_static("x-lurescan-unsure"),
                counts.unsure.to_string(),
            ),
        ],
        csv,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lure::Lexicon;
    use crate::model::LureModel;

    #[test]
    fn decisions_come_back_after_reopening_and_export_for_training() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("r.sqlite");
        let model = LureModel::embedded().expect("model");
        let scorer = crate::explain::Scorer::new(&model, Lexicon::embedded());
        // Adverts written for this test.
        let pasted = Ad::from_text(
            "text",
            "Packing job abroad, 3,100 USD a month, visa paid by us.",
        );
        let mut fielded = Ad::with_id("b-2");
        fielded.set_field(TextField::Title, "=Bookkeeper");
        fielded.set_field(
            TextField::Description,
            "Keep the accounts of a bakery in Perth.",
        );
        let unsure = Ad::from_text("text", "Driver wanted, call for details.");
        {
            let reviews = Reviews::open(&path).expect("opens");
            for (ad, label) in [
                (&pasted, Label::Lure),
                (&fielded, Label::Genuine),
                (&unsure, Label::Unsure),
            ] {
                reviews
                    .record(ad, &scorer.explain(ad), label, "a note")
                    .expect("records");
            }
        }
        let all = Reviews::open(&path).expect("reopens").all().expect("reads");
        assert_eq!(all.len(), 3);
        assert_eq!(all[1].advert_id, "b-2");
        let mut csv = Vec::new();
        let counts = write_training_csv(&all, &mut csv).expect("writes");
        assert_eq!(
            counts,
            ExportCounts {
                written: 2,
                unsure: 1
            }
        );
        let mut rows = csv::Reader::from_reader(&csv[..]);
        assert_eq!(rows.headers().expect("header"), &TRAINING_COLUMNS[..]);
        let rows: Vec<csv::StringRecord> = rows.records().map(|r| r.expect("row")).collect();
        let col = |name: &str| {
            TRAINING_COLUMNS
                .iter()
                .position(|c| *c == name)
                .expect(name)
        };
        assert_eq!(
            &rows[0][col("description")],
            pasted.field(TextField::Text).unwrap_or_default()
        );
        assert_eq!(&rows[0][col("fraudulent")], "1");
        assert_eq!(&rows[1][col("fraudulent")], "0");
        assert_eq!(
            &rows[1][col("title")],
            "'=Bookkeeper",
            "a formula is not live"
        );
        assert_eq!(&rows[1][col("job_id")], "review-2");
    }
}
