//! `GET/POST /sign-in`: password sign-in with lockout, starting a browser session.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;

use crate::audit::{self, Actor, Change};
use crate::auth::{self, SignInFailure};
use crate::context::{Ctx, SESSION_COOKIE};
use crate::error::AppResult;
use crate::extract::PageForm;
use crate::layout::{Chrome, render};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    login: String,
    next: String,
    error: Option<String>,
}

/// Query of the sign-in page.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    /// Where to go afterwards.
    pub next: Option<String>,
}

/// Shows the form (or goes straight on when already signed in).
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    let next = super::safe_next(q.next.as_deref());
    if ctx.principal.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    let page = SignInPage {
        chrome: Chrome::new(&state, &ctx, "sign-in-title"),
        login: String::new(),
        next,
        error: None,
    };
    Ok(render(&page)?.into_response())
}

/// The submitted form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInForm {
    /// Login.
    pub login: String,
    /// Password.
    pub password: String,
    /// Where to go afterwards.
    pub next: Option<String>,
}

/// Checks the password; on success starts a session and redirects.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    PageForm(form): PageForm<SignInForm>,
) -> AppResult<Response> {
    let next = super::safe_next(form.next.as_deref());
    let hours = state.config.session_hours;
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let login = form.login.clone();
    let password = form.password.clone();
    // The password check is slow on purpose; it runs before, not inside, the write transaction.
    let lookup = login.clone();
    let user = state
        .read(move |c| Ok(auth::find_user_by_login(c, &lookup)?))
        .await?;
    let locked = user.as_ref().and_then(auth::locked_now);
    let ok = match locked {
        Some(_) => false,
        None => auth::password_ok_bounded(user, password).await?,
    };
    let outcome = state
        .write(move |conn| {
            let result = auth::record_sign_in(conn, &login, ok)?;
            let label = login.trim().to_lowercase();
            match result {
                Ok(user) => {
                    let cookie = auth::create_session(conn, &user.id, hours, agent.as_deref())?;
                    let actor = Actor {
                        id: crate::ids::UserId::parse(&user.id),
                        label: user.login.clone(),
                    };
                    let change = Change {
                        action: "auth.sign_in",
                        record_type: "user",
                        record_id: user.id.clone(),
                        agency: None,
                        summary: serde_json::json!({"method": "password"}),
                    };
                    audit::record(conn, &actor, change)?;
                    Ok(Ok(cookie))
                }
                Err(failure) => {
                    let locked = matches!(failure, SignInFailure::Locked(_));
                    let change = Change {
                        action: "auth.sign_in_failed",
                        record_type: "user",
                        record_id: label.clone(),
                        agency: None,
                        summary: serde_json::json!({"locked": locked}),
                    };
                    audit::record(conn, &Actor { id: None, label }, change)?;
                    Ok(Err(failure))
                }
            }
        })
        .await?;
    match outcome {
        Ok(secret) => {
            let cookie = Cookie::build((SESSION_COOKIE, secret))
                .path("/")
                .http_only(true)
                .same_site(SameSite::Lax)
                .secure(state.config.secure_cookies())
                .build();
            let mut response = Redirect::to(&next).into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(response)
        }
        Err(failure) => {
            let tr = ctx.tr();
            let (status, error) = match failure {
                SignInFailure::Invalid => (StatusCode::UNAUTHORIZED, tr.t("sign-in-invalid")),
                SignInFailure::Locked(until) => (
                    StatusCode::TOO_MANY_REQUESTS,
                    tr.t1("sign-in-locked", "until", &until.format("%H:%M UTC")),
                ),
            };
            let page = SignInPage {
                chrome: Chrome::new(&state, &ctx, "sign-in-title"),
                login: form.login,
                next,
                error: Some(error),
            };
            Ok((status, render(&page)?).into_response())
        }
    }
}
