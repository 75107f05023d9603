//! `POST /oauth2/token`: codes, refresh tokens (rotated; one reused after a short grace
//! revokes its whole family) and client credentials (RFC 6749 §4.1.3, §4.4, §6; RFC 9700 §4.14).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use kernel::ids::UserId;
use kernel::principal::secret_hash;
use kernel::{AppResult, AppState};
use serde_json::json;

use crate::error::OAuthError;
use crate::model::{self, ACCESS_SECONDS};
use crate::service::{self, IdToken, SignedIn, params};
use crate::stateless;
use crate::store::{self, ClientRow};

/// Exchanges a grant for tokens.
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
    let grant = form.get("grant_type").cloned().unwrap_or_default();
    let iss = super::issuer(&state);
    let reuse = state.config.refresh_reuse;
    if grant == "client_credentials" {
        return client_credentials(&state, &headers, &form)
            .await
            .map(super::no_store);
    }
    let client = service::authenticate_client_cached(&state, &headers, &form).await?;
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let granted = match grant.as_str() {
        "authorization_code" => {
            let (code, redirect, verifier) =
                (get("code"), get("redirect_uri"), get("code_verifier"));
            let client = client.clone();
            state
                .write_unaudited(move |tx| exchange_code(tx, &client, &code, &redirect, &verifier))
                .await?
        }
        "refresh_token" => {
            let (token, scope) = (get("refresh_token"), get("scope"));
            let client = client.clone();
            state
                .write_unaudited(move |tx| refresh(tx, &client, &token, &scope, reuse))
                .await?
        }
        "" => Err(OAuthError::request("grant_type is required")),
        _ => Err(OAuthError::bad(
            "unsupported_grant_type",
            "supported: authorization_code, refresh_token, client_credentials",
        )),
    };
    let (mut body, plan) = match granted {
        Ok(g) => g,
        Err(e) => {
            if e.error == "invalid_grant" {
                // A replayed code or refresh token may have revoked a family: drop cached tokens.
                state.cache.bump();
            }
            return Err(e);
        }
    };
    // The ID token is signed after the commit: signing never holds the turn to write.
    if let Some(p) = plan {
        let id = id_token(&state, &iss, &client, &p).await?;
        if let Some(obj) = body.as_object_mut() {
            obj.insert("id_token".into(), json!(id));
        }
    }
    Ok(super::no_store(body))
}

/// The signed ID token a grant's plan describes, from the provider's cached claims and keys
/// (an RSA signature is made on a blocking thread).
async fn id_token(
    state: &AppState,
    issuer: &str,
    client: &ClientRow,
    p: &IdPlan,
) -> AppResult<String> {
    let released = crate::cache::claims(state, p.user_id, &p.scope)
        .await?
        .ok_or(kernel::AppError::NotFound)?;
    let claims = service::id_token_claims(
        released,
        &IdToken {
            issuer,
            client,
            nonce: p.nonce.as_deref(),
            auth_time: p.auth_time,
            access_token: &p.access_token,
            amr: p.amr.as_deref(),
            session: p.session.as_deref(),
        },
    );
    let claims = serde_json::Value::Object(claims);
    crate::cache::sign(state, &client.id_token_alg, "JWT", claims).await
}

/// What the ID token of a grant will say, decided inside the transaction.
struct IdPlan {
    user_id: UserId,
    scope: String,
    nonce: Option<String>,
    auth_time: chrono::NaiveDateTime,
    access_token: String,
    amr: Option<String>,
    session: Option<String>,
}

type Grant = AppResult<Result<(serde_json::Value, Option<IdPlan>), OAuthError>>;

fn exchange_code(
    c: &mut db::DbConn,
    client: &ClientRow,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
) -> Grant {
    if code.is_empty() {
        return Ok(Err(OAuthError::request("code is required")));
    }
    let hash = secret_hash(code);
    let fresh = store::use_code(c, &hash)?;
    let Some(row) = store::code(c, &hash)? else {
        return Ok(Err(OAuthError::grant("unknown code")));
    };
    if !fresh {
        // A code used twice is a stolen code: whatever it bought is revoked (RFC 6749 §4.1.2).
        store::revoke_family(c, &row.family_id)?;
        return Ok(Err(OAuthError::grant(
            "code already used; its tokens are revoked",
        )));
    }
    if row.client_id != client.id {
        return Ok(Err(OAuthError::grant("code was issued to another client")));
    }
    if row.expires_at < db::now() {
        return Ok(Err(OAuthError::grant("code expired")));
    }
    if row.redirect_uri != redirect_uri {
        return Ok(Err(OAuthError::grant(
            "redirect_uri differs from the authorization request",
        )));
    }
    match (&row.code_challenge, verifier) {
        (Some(challenge), v) if !model::pkce_matches(v, challenge) => {
            return Ok(Err(OAuthError::grant("PKCE verification failed")));
        }
        (None, v) if !v.is_empty() => {
            return Ok(Err(OAuthError::grant(
                "no PKCE challenge was sent for this code",
            )));
        }
        _ => {}
    }
    if !service::user_active(c, row.user_id)? {
        return Ok(Err(OAuthError::grant("the account is disabled")));
    }
    let (access, refresh) = issue_pair(
        c,
        &row.family_id,
        &client.id,
        row.user_id,
        &row.scope,
        SignedIn {
            auth_time: Some(row.auth_time),
            amr: Some(&row.amr),
            session: row.session_id.as_deref(),
        },
    )?;
    let body = json!({"access_token": access, "token_type": "Bearer", "expires_in": ACCESS_SECONDS,
                          "refresh_token": refresh, "scope": row.scope});
    let plan = model::has_scope(&row.scope, "openid").then(|| IdPlan {
        user_id: row.user_id,
        scope: row.scope.clone(),
        nonce: row.nonce.clone(),
        auth_time: row.auth_time,
        access_token: access.clone(),
        amr: Some(row.amr.clone()),
        session: row.session_id.clone(),
    });
    Ok(Ok((body, plan)))
}

/// A refresh (RFC 6749 §6) with rotation. A request refused for the client, the scope or an
/// expired token changes nothing. A rotated token used again within `reuse` (two tabs, a
/// retried request) is honoured with another pair; used again later, someone holds a copy, and
/// the whole sign-in ends (RFC 9700 §4.14.2).
fn refresh(
    c: &mut db::DbConn,
    client: &ClientRow,
    token: &str,
    scope: &str,
    reuse: std::time::Duration,
) -> Grant {
    if token.is_empty() {
        return Ok(Err(OAuthError::request("refresh_token is required")));
    }
    let hash = secret_hash(token);
    store::lock_token(c, &hash)?;
    let Some(row) = store::token(c, &hash)?.filter(|t| t.kind == "refresh") else {
        return Ok(Err(OAuthError::grant("unknown refresh token")));
    };
    if row.client_id != client.id {
        return Ok(Err(OAuthError::grant(
            "refresh token was issued to another client",
        )));
    }
    let now = db::now();
    let within_grace = |used: chrono::NaiveDateTime| {
        now - used <= chrono::TimeDelta::from_std(reuse).unwrap_or_default()
    };
    if let Some(used) = row.used_at
        && !(row.revoked_at.is_none() && within_grace(used))
    {
        store::revoke_family(c, &row.family_id)?;
        return Ok(Err(OAuthError::grant(
            "refresh token reused; the session's tokens are revoked",
        )));
    }
    if row.revoked_at.is_some() || row.expires_at < now {
        return Ok(Err(OAuthError::grant("refresh token expired or revoked")));
    }
    let Some(user) = row.user_id else {
        return Ok(Err(OAuthError::grant("unknown refresh token")));
    };
    // A narrower scope may be asked for, never a wider one (RFC 6749 §6).
    let scope = if scope.is_empty() {
        row.scope.clone()
    } else {
        model::granted_scope(scope, client.api_access)
    };
    if scope.split(' ').any(|s| !model::has_scope(&row.scope, s)) {
        return Ok(Err(OAuthError::bad(
            "invalid_scope",
            "a refresh cannot widen the scope",
        )));
    }
    if !service::user_active(c, user)? {
        store::revoke_family(c, &row.family_id)?;
        return Ok(Err(OAuthError::grant("the account is disabled")));
    }
    // Consumed only now that it is honoured.
    store::use_token(c, &hash)?;
    let signed_in = SignedIn {
        auth_time: row.auth_time,
        amr: row.amr.as_deref(),
        session: row.session_id.as_deref(),
    };
    let (access, next) = issue_pair(c, &row.family_id, &client.id, user, &scope, signed_in)?;
    let body = json!({"access_token": access, "token_type": "Bearer", "expires_in": ACCESS_SECONDS,
                          "refresh_token": next, "scope": scope});
    let plan = model::has_scope(&scope, "openid").then(|| IdPlan {
        user_id: user,
        scope: scope.clone(),
        nonce: None,
        auth_time: row.auth_time.unwrap_or(row.created_at),
        access_token: access.clone(),
        amr: row.amr.clone(),
        session: row.session_id.clone(),
    });
    Ok(Ok((body, plan)))
}

/// An access token and the refresh token beside it, in one family, for a person.
fn issue_pair(
    c: &mut db::DbConn,
    family: &str,
    client: &str,
    user: UserId,
    scope: &str,
    signed_in: SignedIn<'_>,
) -> AppResult<(String, String)> {
    let access = service::issue(c, "access", family, client, Some(user), scope, signed_in)?;
    let refresh = service::issue(c, "refresh", family, client, Some(user), scope, signed_in)?;
    Ok((access, refresh))
}

/// The client-credentials grant: a self-proving token (see `stateless`), issued from the
/// cache without a database round trip once the client is known.
async fn client_credentials(
    state: &AppState,
    headers: &HeaderMap,
    form: &std::collections::HashMap<String, String>,
) -> Result<serde_json::Value, OAuthError> {
    let client = service::authenticate_client_cached(state, headers, form).await?;
    if client.public {
        return Err(OAuthError::bad(
            "unauthorized_client",
            "public clients cannot use client_credentials",
        ));
    }
    // No person is involved: no OpenID scopes, no refresh token, no ID token.
    let requested = form.get("scope").map(String::as_str).unwrap_or("");
    let scope = model::granted_scope(requested, false)
        .split(' ')
        .filter(|s| *s == "roles")
        .collect::<Vec<_>>()
        .join(" ");
    let key = crate::cache::secret_key(state).await?;
    let now = chrono::Utc::now().timestamp();
    let token = stateless::ClientToken::new(&client.id, &scope, now, ACCESS_SECONDS);
    let access = stateless::mint(&key, &token)
        .ok_or_else(|| OAuthError::from(kernel::AppError::Internal("mint token".into())))?;
    Ok(
        json!({"access_token": access, "token_type": "Bearer", "expires_in": ACCESS_SECONDS, "scope": scope}),
    )
}
