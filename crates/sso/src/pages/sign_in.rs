//! `GET/POST /sign-in`: the one sign-in page of the region — for Simpul's own pages and for
//! every application signing in through the provider. A right password either starts a
//! session or, when the account uses (or must use) a second factor, a pending sign-in that
//! `second_factor` completes.

use accounts::{SignInFailure, User};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use kernel::audit::{self, Actor, Change};
use kernel::context::session_cookie;
use kernel::extract::PageForm;
use kernel::layout::{Chrome, render};
use kernel::pages::safe_next;
use kernel::ratelimit::ClientAddr;
use kernel::{AppResult, AppState, Ctx};
use serde::Deserialize;

use crate::mfa::{self, store as mfa_store};

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    login: String,
    next: String,
    reauth: bool,
    error: Option<String>,
    /// Just set a new password through a reset link.
    reset_done: bool,
}

/// Query of the sign-in page.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    /// Where to go afterwards.
    pub next: Option<String>,
    /// Ask for the password even when signed in (`prompt=login`, `max_age`).
    pub reauth: Option<String>,
    /// The login to fill in (an application's `login_hint`).
    pub login: Option<String>,
    /// `1` after a new password was set through a reset link.
    pub reset: Option<String>,
}

/// Shows the form (or goes straight on when already signed in and not asked again).
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    let next = safe_next(q.next.as_deref());
    let reauth = q.reauth.as_deref() == Some("1");
    if ctx.principal.is_some() && !reauth {
        return Ok(Redirect::to(&next).into_response());
    }
    // A hint, shown in the field as typed text: bounded, and nothing a person could not type.
    let login: String = q
        .login
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect();
    let page = SignInPage {
        chrome: Chrome::new(&state, &ctx, "sign-in-title"),
        login,
        next,
        reauth,
        error: None,
        reset_done: q.reset.as_deref() == Some("1"),
    };
    Ok(render(&page)?.into_response())
}

/// Renders the form, with an error when there is one.
pub(crate) fn page(
    state: &AppState,
    ctx: &Ctx,
    login: String,
    next: String,
    reauth: bool,
    error: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let page = SignInPage {
        chrome: Chrome::new(state, ctx, "sign-in-title"),
        login,
        next,
        reauth,
        error,
        reset_done: false,
    };
    Ok((status, render(&page)?).into_response())
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
    /// Set when re-authenticating.
    pub reauth: Option<String>,
}

/// What a right password leads to.
enum Step {
    /// A session, started.
    Session(String),
    /// A pending sign-in waiting for the second factor.
    SecondFactor(String),
}

/// The browser's description of itself, trimmed.
pub(crate) fn user_agent(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(200).collect())
}

/// Checks the password; on success starts a session (or the second step) and redirects.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    PageForm(form): PageForm<SignInForm>,
) -> AppResult<Response> {
    let next = safe_next(form.next.as_deref());
    let reauth = form.reauth.as_deref() == Some("1");
    let tr = ctx.tr();
    if let Some(wait) = kernel::ratelimit::SIGN_IN.blocked(&state, &addr).await? {
        let msg = tr.t1("sign-in-rate-limited", "minutes", &wait.div_ceil(60));
        return page(
            &state,
            &ctx,
            form.login,
            next,
            reauth,
            Some(msg),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let agent = user_agent(&headers);
    // The password check is slow on purpose; it runs before, not inside, the write transaction.
    let (known_id, ok) =
        accounts::check_password(&state, &form.login, form.password.clone()).await?;
    let known_id = known_id.map(|id| id.to_string());
    let login = form.login.clone();
    let hours = state.config.session_hours;
    let replaced = ctx.session_id().map(str::to_owned);
    let modules = state.modules.clone();
    let outcome = state
        .write(move |c| match accounts::record_sign_in(c, &login, ok)? {
            Ok(user) => {
                if needs_second_factor(c, &user)? {
                    let secret =
                        mfa_store::create_challenge(c, &user.id.to_string(), agent.as_deref())?;
                    return Ok(Ok(Step::SecondFactor(secret)));
                }
                if let Some(old) = replaced {
                    accounts::end_session(c, &modules, &old)?;
                }
                let secret = start_session(c, &user, hours, agent.as_deref(), "password")?;
                Ok(Ok(Step::Session(secret)))
            }
            Err(failure) => {
                record_failure(c, &login, known_id.as_deref(), &failure, "password")?;
                Ok(Err(failure))
            }
        })
        .await?;
    match outcome {
        Ok(Step::Session(secret)) => Ok(signed_in(&state, &secret, &next)),
        Ok(Step::SecondFactor(secret)) => {
            let to = format!(
                "/sign-in/two-factor?next={}",
                form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
            );
            let mut response = Redirect::to(&to).into_response();
            if let Some(v) = mfa_store::challenge_cookie(&secret, state.config.secure_cookies()) {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(response)
        }
        Err(failure) => {
            kernel::ratelimit::SIGN_IN.hit(&state, &addr).await?;
            let (status, error) = failure_message(&ctx, &failure);
            page(&state, &ctx, form.login, next, reauth, Some(error), status)
        }
    }
}

/// Whether this account must pass a second factor: it has one, or a role it holds needs one.
fn needs_second_factor(c: &mut db::DbConn, user: &User) -> AppResult<bool> {
    if mfa_store::confirmed_totp(c, &user.id.to_string())?.is_some() {
        return Ok(true);
    }
    let grants = accounts::grants(c, user.id)?;
    Ok(mfa::role_requires_second_factor(
        &grants,
        &mfa_store::required_roles(c)?,
    ))
}

/// Starts a session and records the sign-in; returns the cookie secret.
pub(crate) fn start_session(
    c: &mut db::DbConn,
    user: &User,
    hours: u32,
    agent: Option<&str>,
    method: &str,
) -> AppResult<String> {
    let second = method != "password";
    let secret = accounts::start_session(c, user.id, hours, agent, second)?;
    let change = Change {
        action: "auth.sign_in",
        record_type: "user",
        record_id: user.id.to_string(),
        agency: None,
        summary: serde_json::json!({"method": method, "user_agent": agent}),
    };
    audit::record(c, &user.actor(), change)?;
    Ok(secret)
}

/// The actor of a failed sign-in to no existing account.
const UNKNOWN_ACCOUNT: &str = "(akun tidak dikenal)";

/// Records a failed sign-in under the account when it exists (so its owner sees it in their
/// sign-in history); for a login that matches no account, nothing typed is kept.
pub(crate) fn record_failure(
    c: &mut db::DbConn,
    login: &str,
    user_id: Option<&str>,
    failure: &SignInFailure,
    step: &str,
) -> AppResult<()> {
    // Against an existing account only: what was typed for an unknown one (a mistyped login,
    // or a password typed in the login field) is never stored.
    let (label, record_id) = match user_id {
        Some(id) => (login.trim().to_lowercase(), id.to_owned()),
        None => (UNKNOWN_ACCOUNT.to_owned(), String::new()),
    };
    let change = Change {
        action: "auth.sign_in_failed",
        record_type: "user",
        record_id,
        agency: None,
        summary: serde_json::json!({
            "step": step,
            "locked": matches!(failure, SignInFailure::Locked(_)),
        }),
    };
    audit::record(c, &Actor { id: None, label }, change)?;
    Ok(())
}

/// The status and message for a failed sign-in.
pub(crate) fn failure_message(ctx: &Ctx, failure: &SignInFailure) -> (StatusCode, String) {
    let tr = ctx.tr();
    match failure {
        SignInFailure::Invalid => (StatusCode::UNAUTHORIZED, tr.t("sign-in-invalid")),
        SignInFailure::Locked(until) => (
            StatusCode::TOO_MANY_REQUESTS,
            tr.t1("sign-in-locked", "until", &tr.clock(until)),
        ),
    }
}

/// The redirect that sets the new session's cookie.
pub(crate) fn signed_in(state: &AppState, secret: &str, next: &str) -> Response {
    let mut response = Redirect::to(next).into_response();
    if let Some(v) = session_cookie(secret, state.config.secure_cookies()) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}
