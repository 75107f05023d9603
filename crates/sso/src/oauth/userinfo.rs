//! `GET/POST /oauth2/userinfo` (OIDC Core §5.3): claims about the person behind an access token.

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use kernel::AppState;
use kernel::principal::secret_hash;

use crate::cache;
use crate::error::OAuthError;

/// The claims the token's scope releases.
pub async fn handler(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, OAuthError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned())
        .ok_or_else(|| OAuthError::token("a Bearer access token is required"))?;
    if token.starts_with(crate::stateless::PREFIX) {
        return Err(OAuthError::token(
            "a client-credentials token has no person behind it",
        ));
    }
    // Served from the provider's cache while nothing has changed (see `kernel::cache`).
    let Some(row) = cache::token(&state, &secret_hash(&token)).await? else {
        return Err(OAuthError::token("unknown token"));
    };
    let live = row.kind == "access" && row.revoked_at.is_none() && row.expires_at > db::now();
    let Some(user) = row.user_id.filter(|_| live) else {
        return Err(OAuthError::token(
            "token expired, revoked, or not issued for a person",
        ));
    };
    match cache::claims(&state, user, &row.scope).await? {
        Some(claims) => Ok(super::no_store(serde_json::Value::Object(claims))),
        None => Err(OAuthError::token("the account is disabled")),
    }
}
