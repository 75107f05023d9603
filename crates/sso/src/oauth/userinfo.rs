//! `GET/POST /oauth2/userinfo` (OIDC Core §5.3): claims about the person behind an access token.

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use kernel::auth::secret_hash;
use kernel::{AppResult, AppState};

use crate::error::OAuthError;
use crate::{service, store};

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
    let claims = state
        .read(
            move |c| -> AppResult<Result<serde_json::Value, OAuthError>> {
                let Some(row) = store::token(c, &secret_hash(&token))? else {
                    return Ok(Err(OAuthError::token("unknown token")));
                };
                let live =
                    row.kind == "access" && row.revoked_at.is_none() && row.expires_at > db::now();
                let Some(user) = row.user_id.filter(|_| live) else {
                    return Ok(Err(OAuthError::token(
                        "token expired, revoked, or not issued for a person",
                    )));
                };
                match service::user_claims(c, &user, &row.scope)? {
                    Some(claims) => Ok(Ok(serde_json::Value::Object(claims))),
                    None => Ok(Err(OAuthError::token("the account is disabled"))),
                }
            },
        )
        .await??;
    Ok(super::no_store(claims))
}
