//! `GET /oauth2/logout` (OpenID Connect RP-Initiated Logout 1.0): ends the Simpul session and
//! returns to the application only to a post-logout URI it registered.

use axum::extract::State;
use axum::http::{Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use kernel::audit::{self, Change};
use kernel::{AppError, AppResult, AppState, Ctx, FieldError};

use crate::{keys, store};

/// The claims of an `id_token_hint`, if it is a token we signed (its expiry does not matter
/// here: a hint names who, it grants nothing).
pub(crate) fn verified_hint(
    c: &mut db::DbConn,
    hint: &str,
    issuer: &str,
) -> AppResult<Option<serde_json::Value>> {
    let Ok(header) = jsonwebtoken::decode_header(hint) else {
        return Ok(None);
    };
    let Some((alg, key)) = header
        .kid
        .as_deref()
        .map(|kid| keys::verifier(c, kid))
        .transpose()?
        .flatten()
    else {
        return Ok(None);
    };
    let mut validation = jsonwebtoken::Validation::new(alg);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.set_issuer(&[issuer]);
    let data = jsonwebtoken::decode::<serde_json::Value>(hint, &key, &validation);
    Ok(data.ok().map(|d| d.claims))
}

/// The client an `id_token_hint` was issued to, if the hint is a token we signed.
fn hinted_client(c: &mut db::DbConn, hint: &str, issuer: &str) -> AppResult<Option<String>> {
    Ok(verified_hint(c, hint, issuer)?.and_then(|claims| {
        claims
            .get("aud")
            .and_then(|a| a.as_str())
            .map(str::to_owned)
    }))
}

#[derive(askama::Template)]
#[template(path = "logout_confirm.html")]
struct ConfirmPage {
    chrome: kernel::layout::Chrome,
}

/// `POST /oauth2/logout` (RP-Initiated Logout 1.0 §2: form-serialised parameters): turned into
/// the same request by GET. A form posted from the application's site does not carry the
/// session cookie (it is `SameSite=Lax`); the browser's top-level GET that follows does.
pub async fn post_handler(body: axum::body::Bytes) -> AppResult<Response> {
    let pairs = crate::service::params(&body)
        .map_err(|_| AppError::BadRequest(FieldError::new("body", "error-bad-request")))?;
    let mut q = form_urlencoded::Serializer::new(String::new());
    for key in [
        "id_token_hint",
        "client_id",
        "post_logout_redirect_uri",
        "state",
        "ui_locales",
    ] {
        if let Some(v) = pairs.get(key) {
            q.append_pair(key, v);
        }
    }
    Ok(Redirect::to(&format!("/oauth2/logout?{}", q.finish())).into_response())
}

/// Signs the person out and goes back to the application when it may. Without an ID token we
/// issued as the hint, anyone's link could sign a person out: then the person is asked first.
pub async fn handler(State(state): State<AppState>, ctx: Ctx, uri: Uri) -> AppResult<Response> {
    let raw = uri.query().unwrap_or("").to_owned();
    let p = crate::service::page_params(&raw)?;
    let iss = super::issuer(&state);
    let hint = p.get("id_token_hint").cloned().unwrap_or_default();
    if ctx.principal.is_some() {
        let (h, i) = (hint.clone(), iss.clone());
        let genuine = !h.is_empty()
            && state
                .read(move |c| hinted_client(c, &h, &i))
                .await?
                .is_some();
        if !genuine {
            let page = ConfirmPage {
                chrome: kernel::layout::Chrome::new(&state, &ctx, "sso-logout-title"),
            };
            return Ok(kernel::layout::render(&page)?.into_response());
        }
    }
    let asked_client = p.get("client_id").cloned();
    let target = p
        .get("post_logout_redirect_uri")
        .cloned()
        .filter(|u| !u.is_empty());
    let principal = ctx.principal.clone();
    let session = ctx.session_id().map(str::to_owned);
    let modules = state.modules.clone();
    let back = state
        .write(move |c| {
            let client_id = if hint.is_empty() { None } else { hinted_client(c, &hint, &iss)? };
            if let (Some(a), Some(h)) = (&asked_client, &client_id)
                && a != h
            {
                return Err(AppError::BadRequest(FieldError::new("client_id", "error-sso-client")));
            }
            let client = match client_id.or(asked_client) {
                Some(id) => store::client(c, &id)?,
                None => None,
            };
            let back = match (&target, &client) {
                (Some(t), Some(cl)) if cl.post_logout_uris().iter().any(|u| u == t) => Some(t.clone()),
                (Some(_), _) => return Err(AppError::BadRequest(FieldError::new("post_logout_redirect_uri", "error-sso-redirect"))),
                (None, _) => None,
            };
            if let (Some(sid), Some(p)) = (session, principal) {
                accounts::end_session(c, &modules, &sid)?;
                let change = Change {
                    action: "auth.sign_out",
                    record_type: "user",
                    record_id: p.user_id.to_string(),
                    agency: None,
                    summary: serde_json::json!({"via": "oidc-logout", "client_id": client.map(|c| c.id)}),
                };
                audit::record(c, &p.actor(), change)?;
            }
            Ok(back)
        })
        .await?;
    let mut response = match back {
        Some(target) => match url::Url::parse(&target) {
            Ok(mut url) => {
                if let Some(st) = p.get("state").filter(|s| !s.is_empty()) {
                    url.query_pairs_mut().append_pair("state", st);
                }
                Redirect::to(url.as_str()).into_response()
            }
            Err(_) => Redirect::to("/sign-in").into_response(),
        },
        None => Redirect::to("/sign-in").into_response(),
    };
    if let Some(v) = kernel::context::clear_session_cookie() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}
