//! `GET/POST /oauth2/userinfo` (OIDC Core §5.3): claims about the person behind an access token.

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use kernel::AppState;
use kernel::principal::secret_hash;

use crate::cache;
use crate::error::OAuthError;

/// The access token of a request: in the `Authorization` header (the scheme in any case, as
/// our own `token_type` is spelled `Bearer` and some libraries send `bearer`), or in a POSTed
/// form's `access_token` (RFC 6750 §2.2, pyoidc's default) — not both.
fn access_token(headers: &HeaderMap, body: &[u8]) -> Result<String, OAuthError> {
    let header = match headers.get(header::AUTHORIZATION) {
        None => None,
        Some(v) => {
            let v = v.to_str().unwrap_or_default();
            match v.split_once(' ') {
                Some((scheme, t))
                    if scheme.eq_ignore_ascii_case("bearer") && !t.trim().is_empty() =>
                {
                    Some(t.trim().to_owned())
                }
                _ => {
                    return Err(OAuthError::request(
                        "the Authorization header must be Bearer <token>",
                    ));
                }
            }
        }
    };
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    let in_body = if form {
        crate::service::params(body)?
            .remove("access_token")
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
    } else {
        None
    };
    match (header, in_body) {
        (Some(_), Some(_)) => Err(OAuthError::request("send the access token once")),
        (Some(t), None) | (None, Some(t)) => Ok(t),
        (None, None) => Err(OAuthError::no_token()),
    }
}

/// The claims the token's scope releases.
pub async fn handler(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, OAuthError> {
    let token = access_token(&headers, &body)?;
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
