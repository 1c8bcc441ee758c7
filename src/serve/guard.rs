//! Who may call the API. With a token, every `/api` request must carry it
//! (`Authorization: Bearer <token>`), compared in constant time. Without one (loopback
//! only: the CLI refuses another address without a token), the `Host` header must name
//! this machine, so a web page whose domain is pointed at 127.0.0.1 (DNS rebinding)
//! cannot read or write reviews through a reviewer's browser.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::{ApiError, AppState};

/// Middleware on every `/api` route: 401 without the right token, 403 for a foreign
/// `Host` when there is no token.
pub async fn check_request(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match &state.config.token {
        Some(token) => {
            if !carries_token(req.headers(), token) {
                let mut resp = ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "this server needs its token: send `Authorization: Bearer <token>`",
                )
                .into_response();
                resp.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static("Bearer"),
                );
                return resp;
            }
        }
        None => {
            if !names_this_machine(req.headers()) {
                return ApiError::new(
                    StatusCode::FORBIDDEN,
                    "without a token this server answers only requests addressed to \
                     localhost, 127.0.0.1 or [::1]",
                )
                .into_response();
            }
        }
    }
    next.run(req).await
}

/// Whether the request carries `token` as a bearer token.
pub fn carries_token(headers: &HeaderMap, token: &str) -> bool {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    same_secret(given.trim().as_bytes(), token.as_bytes())
}

/// Compares two secrets in time that does not depend on where they differ: both are
/// hashed first (so their lengths leak nothing either), then every byte is compared.
pub fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    let a = Sha256::digest(given);
    let b = Sha256::digest(expected);
    let diff = a
        .iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // An empty expected token never matches: it would let everyone in.
    diff == 0 && !expected.is_empty()
}

/// Whether the `Host` header names this machine (any port).
fn names_this_machine(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        // [::1]:8080
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_match_only_when_equal_and_not_empty() {
        assert!(same_secret(b"s3cret-Token", b"s3cret-Token"));
        assert!(!same_secret(b"s3cret-Tokem", b"s3cret-Token"));
        assert!(!same_secret(b"s3cret", b"s3cret-Token"));
        assert!(!same_secret(b"", b""));
    }

    #[test]
    fn only_local_host_names_pass_without_a_token() {
        let with_host = |h: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::HOST, h.parse().expect("header value"));
            names_this_machine(&m)
        };
        assert!(with_host("127.0.0.1:8080"));
        assert!(with_host("localhost:1234"));
        assert!(with_host("[::1]:8080"));
        assert!(with_host("localhost"));
        assert!(!with_host("evil.example:8080"));
        assert!(!with_host("127.0.0.1.evil.example"));
        assert!(!names_this_machine(&HeaderMap::new()));
    }
}
