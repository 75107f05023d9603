//! `POST /oauth2/revoke` (RFC 7009): a client gives up a token; revoking a refresh token ends
//! its whole family. Unknown tokens are not an error.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kernel::audit::{self, Actor, Change};
use kernel::principal::secret_hash;
use kernel::{AppResult, AppState};

use crate::error::OAuthError;
use crate::service::{self, authenticate_client, params};
use crate::{stateless, store};

/// Revokes a token of the calling client.
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
    state
        .write(move |c| -> AppResult<Result<(), OAuthError>> {
            let client = match authenticate_client(c, &headers, &form) {
                Ok(client) => client,
                Err(e) => return Ok(Err(e)),
            };
            let Some(token) = form.get("token").filter(|t| !t.is_empty()) else {
                return Ok(Err(OAuthError::request("token is required")));
            };
            if token.starts_with(stateless::PREFIX) {
                revoke_client_token(c, &client.id, token)?;
                return Ok(Ok(()));
            }
            if let Some(row) = store::token(c, &secret_hash(token))?.filter(|t| t.client_id == client.id) {
                let n = if row.kind == "refresh" { store::revoke_family(c, &row.family_id)? } else { store::revoke_token(c, &row.token_hash)? };
                let change = Change {
                    action: "sso.token_revoke",
                    record_type: "sso_client",
                    record_id: client.id.to_string(),
                    agency: None,
                    summary: serde_json::json!({"kind": row.kind, "tokens_revoked": n, "user_id": row.user_id}),
                };
                audit::record(c, &Actor { id: None, label: format!("client:{}", client.id) }, change)?;
            }
            Ok(Ok(()))
        })
        .await??;
    Ok(StatusCode::OK.into_response())
}

/// Revokes a client-credentials token of this client: a revoked row remembers it until it
/// would have expired anyway.
fn revoke_client_token(c: &mut db::DbConn, client_id: &str, token: &str) -> AppResult<()> {
    let key = service::secret_key(c)?;
    let Some(t) = stateless::read(&key, token).filter(|t| t.client_id == client_id) else {
        return Ok(());
    };
    let hash = secret_hash(token);
    if store::token(c, &hash)?.is_none() {
        let now = chrono::Utc::now().timestamp();
        store::insert_token(
            c,
            &store::NewToken {
                hash: hash.clone(),
                kind: "access",
                family_id: &t.nonce,
                client_id,
                user_id: None,
                scope: &t.scope,
                auth_time: None,
                amr: None,
                session_id: None,
                seconds: (t.exp - now).max(0),
            },
        )?;
    }
    store::revoke_token(c, &hash)?;
    let change = Change {
        action: "sso.token_revoke",
        record_type: "sso_client",
        record_id: client_id.to_owned(),
        agency: None,
        summary: serde_json::json!({"kind": "client_credentials", "tokens_revoked": 1}),
    };
    audit::record(
        c,
        &Actor {
            id: None,
            label: format!("client:{client_id}"),
        },
        change,
    )?;
    Ok(())
}
