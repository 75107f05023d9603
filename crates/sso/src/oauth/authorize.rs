//! `GET /oauth2/authorize`: the authorization code flow's front door (RFC 6749 §4.1,
//! OIDC Core §3.1.2). A person who is not signed in goes through the one Simpul sign-in page
//! and comes back; errors about the client or redirect URI are shown, never redirected.

use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::TimeDelta;
use kernel::principal::{Via, random_secret, secret_hash};
use kernel::{AppError, AppResult, AppState, Ctx, FieldError};

use crate::model::{self, CODE_SECONDS};
use std::collections::HashMap;

use crate::store::{self, ClientRow, CodeRow};

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

/// The client of an authorization request, checked: known, enabled, and the redirect URI one
/// of its own. Until this holds, errors are shown to the person, never redirected.
pub(crate) async fn checked_client(
    state: &AppState,
    p: &HashMap<String, String>,
) -> AppResult<(ClientRow, String)> {
    let get = |k: &str| p.get(k).map(String::as_str).unwrap_or("");
    let client_id = get("client_id").to_owned();
    let client = state
        .read(move |c| Ok(store::client(c, &client_id)?))
        .await?
        .filter(|c| !c.disabled)
        .ok_or_else(|| AppError::BadRequest(FieldError::new("client_id", "error-sso-client")))?;
    let redirect_uri = get("redirect_uri").to_owned();
    if !client.redirect_uris().contains(&redirect_uri) {
        return Err(AppError::BadRequest(FieldError::new(
            "redirect_uri",
            "error-sso-redirect",
        )));
    }
    Ok((client, redirect_uri))
}

/// An error sent back to the client's redirect URI (RFC 6749 §4.1.2.1, RFC 9207 `iss`).
pub(crate) fn fail_to(
    redirect_uri: &str,
    state_param: &str,
    iss: &str,
    error: &str,
    description: &str,
) -> Response {
    redirect_with(
        redirect_uri,
        &[
            ("error", error),
            ("error_description", description),
            ("state", state_param),
            ("iss", iss),
        ],
    )
}

/// The request again without the parameters that sent the person away (`prompt=login`,
/// `max_age`), so coming back after signing in does not loop.
fn without_reauth(p: &HashMap<String, String>) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in p {
        match k.as_str() {
            "max_age" => {}
            "prompt" => {
                let rest: Vec<&str> = v.split(' ').filter(|x| *x != "login").collect();
                if !rest.is_empty() {
                    q.append_pair(k, &rest.join(" "));
                }
            }
            _ => {
                q.append_pair(k, v);
            }
        }
    }
    format!("/oauth2/authorize?{}", q.finish())
}

fn encoded(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Starts or completes an authorization.
pub async fn handler(State(state): State<AppState>, ctx: Ctx, uri: Uri) -> AppResult<Response> {
    let raw = uri.query().unwrap_or("").to_owned();
    let p = crate::service::page_params(&raw)?;
    let (client, redirect_uri) = checked_client(&state, &p).await?;
    let redirect_uri = redirect_uri.as_str();
    let get = |k: &str| p.get(k).map(String::as_str).unwrap_or("");
    // From here on the client is known and the redirect URI is its own: errors go back to it.
    let iss = super::issuer(&state);
    let st = get("state");
    let fail =
        |error: &str, description: &str| Ok(fail_to(redirect_uri, st, &iss, error, description));
    match get("response_type") {
        "code" => {}
        "" => return fail("invalid_request", "response_type is required"),
        _ => {
            return fail(
                "unsupported_response_type",
                "only the authorization code flow is supported",
            );
        }
    }
    // Request objects are not supported (OIDC Core 6.1, 6.2); discovery says so.
    if p.contains_key("request") {
        return fail("request_not_supported", "request objects are not supported");
    }
    if p.contains_key("request_uri") {
        return fail("request_uri_not_supported", "request_uri is not supported");
    }
    if !matches!(get("response_mode"), "" | "query") {
        return fail("invalid_request", "only response_mode=query is supported");
    }
    let scope = model::granted_scope(get("scope"), client.api_access);
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
    let max_age = match p.get("max_age").map(|v| v.parse::<i64>()) {
        None => None,
        Some(Ok(n)) if n >= 0 => Some(n),
        Some(_) => {
            return fail(
                "invalid_request",
                "max_age must be a whole number of seconds",
            );
        }
    };
    let prompt: Vec<&str> = get("prompt").split(' ').filter(|v| !v.is_empty()).collect();
    let silent = prompt.contains(&"none");
    if silent && prompt.len() > 1 {
        return fail(
            "invalid_request",
            "prompt=none cannot be combined with other values",
        );
    }
    let session = match ctx.principal.as_deref().map(|p| (&p.via, p.user_id)) {
        Some((
            Via::Session {
                session_id, mfa, ..
            },
            user,
        )) => Some((session_id.clone(), *mfa, user)),
        _ => None,
    };
    let Some((session_id, mfa, user_id)) = session else {
        if silent {
            return fail("login_required", "the person is not signed in");
        }
        let next = encoded(&format!("/oauth2/authorize?{raw}"));
        let mut to = format!("/sign-in?next={next}");
        if !get("login_hint").is_empty() {
            to.push_str(&format!("&login={}", encoded(get("login_hint"))));
        }
        let mut response = Redirect::to(&to).into_response();
        // The application's choice of language for the pages the person is sent to.
        if let Some(lang) = get("ui_locales")
            .split(' ')
            .find_map(|tag| kernel::i18n::Lang::parse(tag.split('-').next().unwrap_or(tag)))
            && let Ok(v) = axum::http::HeaderValue::from_str(&format!(
                "{}={}; Path=/; SameSite=Lax; Max-Age=31536000",
                kernel::context::LANG_COOKIE,
                lang.code()
            ))
        {
            response
                .headers_mut()
                .append(axum::http::header::SET_COOKIE, v);
        }
        return Ok(response);
    };
    // A silent request for someone else than who is signed in here cannot be answered
    // without asking (OIDC Core 3.1.2.1, id_token_hint).
    let hint = get("id_token_hint").to_owned();
    if silent && !hint.is_empty() {
        let issuer = iss.clone();
        let hinted = state
            .read(move |c| super::logout::verified_hint(c, &hint, &issuer))
            .await?;
        let same = hinted
            .as_ref()
            .and_then(|claims| claims.get("sub"))
            .and_then(|sub| sub.as_str())
            .is_some_and(|sub| sub == user_id.to_string());
        if !same {
            return fail(
                "login_required",
                "the person signed in is not the one the id_token_hint names",
            );
        }
    }
    let sid = session_id.clone();
    let uid = user_id.to_string();
    let (auth_time, consented) = {
        let (client_id, scope) = (client.id.clone(), scope.clone());
        state
            .read(move |c| {
                let at = accounts::session_started(c, &sid)?.unwrap_or_else(db::now);
                let ok = store::consented(c, &uid, &client_id, &scope)?;
                Ok((at, ok))
            })
            .await?
    };
    // `max_age=0` always asks again (OIDC Core §3.1.2.1).
    let too_old = max_age.is_some_and(|m| db::now() - auth_time >= TimeDelta::seconds(m));
    if prompt.contains(&"login") || too_old {
        if silent {
            return fail("login_required", "the sign-in is older than max_age");
        }
        let next = encoded(&without_reauth(&p));
        return Ok(Redirect::to(&format!("/sign-in?reauth=1&next={next}")).into_response());
    }
    let asks_assurance = crate::mfa::acr_needs_second_factor(get("acr_values"));
    if (client.requires_second_factor() || asks_assurance) && !mfa {
        if silent {
            return fail(
                "interaction_required",
                "this application requires a second factor",
            );
        }
        let next = encoded(&format!("/oauth2/authorize?{raw}"));
        return Ok(
            Redirect::to(&format!("/account/two-factor/verify?next={next}")).into_response(),
        );
    }
    if client.external && (!consented || prompt.contains(&"consent")) {
        if silent {
            return fail(
                "consent_required",
                "the person has not consented to this application",
            );
        }
        return crate::pages::consent::page(&state, &ctx, &client, &scope, &raw);
    }
    let code = random_secret();
    let row = CodeRow {
        code_hash: secret_hash(&code),
        client_id: client.id.clone(),
        user_id,
        redirect_uri: redirect_uri.to_owned(),
        scope,
        nonce: p.get("nonce").cloned().filter(|n| !n.is_empty()),
        code_challenge: Some(challenge.to_owned()).filter(|c| !c.is_empty()),
        auth_time,
        family_id: uuid::Uuid::now_v7().to_string(),
        expires_at: db::now() + TimeDelta::seconds(CODE_SECONDS),
        used_at: None,
        amr: crate::mfa::amr(mfa).to_owned(),
        session_id: Some(session_id.clone()),
    };
    state
        .write_unaudited(move |c| Ok(store::insert_code(c, &row)?))
        .await?;
    Ok(redirect_with(
        redirect_uri,
        &[("code", &code), ("state", st), ("iss", &iss)],
    ))
}
