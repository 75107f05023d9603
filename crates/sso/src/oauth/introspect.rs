//! `POST /oauth2/introspect` (RFC 7662): a confidential client asks whether one of its own
//! tokens is live and what it carries; any other token is `{"active": false}`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use kernel::principal::secret_hash;
use kernel::{AppResult, AppState};
use serde_json::json;

use crate::error::OAuthError;
use crate::service::{self, authenticate_client, params};
use crate::{stateless, store};

/// Describes a token, or `{"active": false}`.
pub async fn handler(
    State(state): State<AppState>,
    kernel::ratelimit::ClientAddr(addr): kernel::ratelimit::ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let subject = super::limit_subject(&headers, &body, &addr);
    super::with_client_limit(&state.clone(), &subject, run(state, headers, body)).await
}

async fn run(state: AppState, headers: HeaderMap, body: Bytes) -> Result<Response, OAuthError> {
    let form = params(&body)?;
    let iss = super::issuer(&state);
    let answer = state
        .read(move |c| -> AppResult<Result<serde_json::Value, OAuthError>> {
            let client = match authenticate_client(c, &headers, &form) {
                Ok(client) if !client.public => client,
                Ok(_) => return Ok(Err(OAuthError::client("public clients cannot introspect"))),
                Err(e) => return Ok(Err(e)),
            };
            let Some(token) = form.get("token").filter(|t| !t.is_empty()) else {
                return Ok(Err(OAuthError::request("token is required")));
            };
            if token.starts_with(stateless::PREFIX) {
                let answer = client_token(c, token, &iss)?;
                let own = answer.get("client_id") == Some(&json!(client.id));
                return Ok(Ok(if own { answer } else { json!({"active": false}) }));
            }
            // A client learns about its own tokens only: another application's token is not its
            // business (and saying it is live would tell who is signed in where).
            let Some(row) = store::token(c, &secret_hash(token))?.filter(|r| r.client_id == client.id) else {
                return Ok(Ok(json!({"active": false})));
            };
            let live = row.revoked_at.is_none() && row.used_at.is_none() && row.expires_at > db::now();
            let person_ok = match &row.user_id {
                Some(u) => service::user_active(c, *u)?,
                None => true,
            };
            if !(live && person_ok) {
                return Ok(Ok(json!({"active": false})));
            }
            let mut body = json!({
                "active": true, "scope": row.scope, "client_id": row.client_id, "iss": iss,
                "token_type": if row.kind == "access" { "Bearer" } else { "refresh_token" },
                "iat": row.created_at.and_utc().timestamp(), "exp": row.expires_at.and_utc().timestamp(),
            });
            if let (Some(u), Some(obj)) = (row.user_id, body.as_object_mut()) {
                obj.insert("sub".into(), json!(u));
            }
            Ok(Ok(body))
        })
        .await??;
    Ok(super::no_store(answer))
}

/// Introspects a client-credentials token: its MAC holds, it has not expired or been revoked,
/// and its client is still enabled.
fn client_token(c: &mut db::DbConn, token: &str, iss: &str) -> AppResult<serde_json::Value> {
    let key = service::secret_key(c)?;
    let inactive = json!({"active": false});
    let Some(t) = stateless::read(&key, token) else {
        return Ok(inactive);
    };
    let revoked = store::token(c, &secret_hash(token))?.is_some_and(|r| r.revoked_at.is_some());
    let enabled = store::client(c, &t.client_id)?.is_some_and(|cl| !cl.disabled);
    if revoked || !enabled || t.exp <= chrono::Utc::now().timestamp() {
        return Ok(inactive);
    }
    Ok(
        json!({"active": true, "scope": t.scope, "client_id": t.client_id, "iss": iss,
              "token_type": "Bearer", "iat": t.iat, "exp": t.exp}),
    )
}
