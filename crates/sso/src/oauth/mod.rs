//! The OpenID Connect and OAuth 2.0 endpoints, each in its own file.

pub mod authorize;
pub mod discovery;
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
use crate::keys;

/// Makes the signing keys on first use (a cheap count once they exist).
pub async fn ensure_keys(state: &AppState) -> Result<(), OAuthError> {
    if state.read(|c| Ok(keys::all_present(c)?)).await? {
        return Ok(());
    }
    state.write(keys::ensure).await?;
    Ok(())
}

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
