//! Errors as HTTP answers: a status and `{"error": "<reason>"}`, so a client (or the
//! page) can show the reason. A bad request never takes the server down.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A request that failed, with the status to answer and the reason to show.
#[derive(Debug, thiserror::Error)]
#[error("{reason}")]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong, for the caller.
    pub reason: String,
}

impl ApiError {
    /// 400: the request itself is wrong (bad JSON, bad CSV, an empty advert ...).
    pub fn bad_request(reason: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            reason: reason.into(),
        }
    }

    /// 500: the server failed (a database write, a scoring thread that died).
    pub fn internal(reason: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            reason: reason.into(),
        }
    }

    /// An error with any status.
    pub fn new(status: StatusCode, reason: impl Into<String>) -> Self {
        ApiError {
            status,
            reason: reason.into(),
        }
    }
}

impl From<crate::Error> for ApiError {
    fn from(e: crate::Error) -> Self {
        // The library's errors name what and where; the chain adds the cause.
        let mut reason = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            reason.push_str(": ");
            reason.push_str(&s.to_string());
            source = s.source();
        }
        ApiError::internal(reason)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.reason });
        (self.status, axum::Json(body)).into_response()
    }
}
