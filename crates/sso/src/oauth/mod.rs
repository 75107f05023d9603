//! The OpenID Connect and OAuth 2.0 endpoints, each in its own file.

pub mod authorize;
pub mod backchannel;
pub mod cors;
pub mod discovery;
pub mod docs;
pub mod introspect;
pub mod jwks;
pub mod logout;
pub mod revoke;
pub mod token;
pub mod userinfo;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use kernel::AppState;

use crate::error::OAuthError;

/// A JSON answer that no cache may keep (tokens, claims).
pub fn no_store(body: serde_json::Value) -> Response {
    let mut response = axum::Json(body).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
        .headers_mut()
        .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// The provider's issuer identifier.
pub fn issuer(state: &AppState) -> String {
    state.config.public_url.clone()
}

/// Runs an endpoint that authenticates clients under the limit on failed client
/// authentications, so a client secret cannot be guessed at speed. `subject` comes from
/// [`limit_subject`].
pub async fn with_client_limit(
    state: &AppState,
    subject: &str,
    run: impl Future<Output = Result<Response, OAuthError>>,
) -> Result<Response, OAuthError> {
    let limit = kernel::ratelimit::CLIENT_AUTH;
    if let Some(wait) = limit.blocked(state, subject).await? {
        return Err(OAuthError::slow_down(wait));
    }
    let result = run.await;
    if matches!(&result, Err(e) if e.error == "invalid_client") {
        limit.hit(state, subject).await?;
    }
    result
}

/// What failed client authentications are counted against: the claimed client *and* the
/// address. Per client alone, anyone who saw a `client_id` in an authorization URL could block
/// that application's token requests; per address alone, everyone behind one proxy would share
/// a count.
pub fn limit_subject(headers: &axum::http::HeaderMap, body: &[u8], addr: &str) -> String {
    format!("{}\n{addr}", claimed_client(headers, body))
}

/// The `client_id` a request claims (Basic credentials or the form), unchecked.
fn claimed_client(headers: &axum::http::HeaderMap, body: &[u8]) -> String {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::model::parse_basic)
        .map(|(id, _)| id)
        .or_else(|| {
            form_urlencoded::parse(body)
                .find(|(k, _)| k == "client_id")
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_default()
}
