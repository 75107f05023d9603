//! `GET /oauth2/authorize`: the authorization code flow's front door (RFC 6749 §4.1,
//! OIDC Core §3.1.2). A person who is not signed in goes through the one Simpul sign-in page
//! and comes back; errors about the client or redirect URI are shown, never redirected.

use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::TimeDelta;
use kernel::auth::{self, Via, random_secret, secret_hash};
use kernel::{AppError, AppResult, AppState, Ctx, FieldError};

use crate::model::{self, CODE_SECONDS};
use crate::store::{self, CodeRow};

fn redirect_with(uri: &str, pairs: &[(&str, &str)]) -> Response {
    match url::Url::parse(uri) {
        Ok(mut url) => {
            url.query_pairs_mut()
                .extend_pairs(pairs.iter().filter(|(_, v)| !v.is_empty()));
            Redirect::to(url.as_str()).into_response()
        }
        Err(_) => AppError::BadRequest(FieldError::new("redirect_uri", "error-sso-redirect"))
            .into_response(),
    }
}

/// Starts or completes an authorization.
pub async fn handler(State(state): State<AppState>, ctx: Ctx, uri: Uri) -> AppResult<Response> {
    let raw = uri.query().unwrap_or("").to_owned();
    let p = crate::service::page_params(&raw)?;
    let get = |k: &str| p.get(k).map(String::as_str).unwrap_or("");
    let client_id = get("client_id").to_owned();
    let client = state
        .read(move |c| Ok(store::client(c, &client_id)?))
        .await?
        .filter(|c| !c.disabled)
        .ok_or_else(|| AppError::BadRequest(FieldError::new("client_id", "error-sso-client")))?;
    let redirect_uri = get("redirect_uri");
    if !client.redirect_uris().iter().any(|r| r == redirect_uri) {
        return Err(AppError::BadRequest(FieldError::new(
            "redirect_uri",
            "error-sso-redirect",
        )));
    }
    // From here on the client is known and the redirect URI is its own: errors go back to it.
    let iss = super::issuer(&state);
    let st = get("state");
    let fail = |error: &str, description: &str| {
        Ok(redirect_with(
            redirect_uri,
            &[
                ("error", error),
                ("error_description", description),
                ("state", st),
                ("iss", &iss),
            ],
        ))
    };
    if get("response_type") != "code" {
        return fail(
            "unsupported_response_type",
            "only the authorization code flow is supported",
        );
    }
    let scope = model::granted_scope(get("scope"));
    let challenge = get("code_challenge");
    let method = p
        .get("code_challenge_method")
        .map(String::as_str)
        .unwrap_or(if challenge.is_empty() { "" } else { "plain" });
    if !challenge.is_empty() && method != "S256" {
        return fail("invalid_request", "code_challenge_method must be S256");
    }
    if client.public && challenge.is_empty() {
        return fail("invalid_request", "public clients must use PKCE (S256)");
    }
    let session = match ctx.principal.as_deref().map(|p| (&p.via, p.user_id)) {
        Some((Via::Session { session_id, .. }, user)) => Some((session_id.clone(), user)),
        _ => None,
    };
    let Some((session_id, user_id)) = session else {
        if get("prompt").split(' ').any(|v| v == "none") {
            return fail("login_required", "the person is not signed in");
        }
        let next: String =
            form_urlencoded::byte_serialize(format!("/oauth2/authorize?{raw}").as_bytes())
                .collect();
        return Ok(Redirect::to(&format!("/sign-in?next={next}")).into_response());
    };
    let code = random_secret();
    let row = CodeRow {
        code_hash: secret_hash(&code),
        client_id: client.id.clone(),
        user_id: user_id.to_string(),
        redirect_uri: redirect_uri.to_owned(),
        scope,
        nonce: p.get("nonce").cloned().filter(|n| !n.is_empty()),
        code_challenge: Some(challenge.to_owned()).filter(|c| !c.is_empty()),
        auth_time: db::now(),
        family_id: uuid::Uuid::now_v7().to_string(),
        expires_at: db::now() + TimeDelta::seconds(CODE_SECONDS),
        used_at: None,
    };
    state
        .read(move |c| {
            let mut row = row;
            row.auth_time = auth::session_started(c, &session_id)?.unwrap_or(row.auth_time);
            store::insert_code(c, &row)?;
            Ok(())
        })
        .await?;
    Ok(redirect_with(
        redirect_uri,
        &[("code", &code), ("state", st), ("iss", &iss)],
    ))
}
