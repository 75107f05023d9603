//! `/account/two-factor`: a person sets up their authenticator app (QR code, then a first
//! code to confirm), gets recovery codes, makes new ones, or turns the second factor off
//! (not when a role they hold requires it).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use kernel::extract::PageForm;
use kernel::layout::{Chrome, render};
use kernel::pages::safe_next;
use kernel::{AppError, AppResult, AppState, Ctx, FieldError};
use serde::Deserialize;

use super::second_factor::{Accepted, Enrol, RecoveryCodesPage, check_code, record_mfa};
use super::sign_in::NextQuery;
use crate::mfa::{self, store as mfa_store};

#[derive(Template)]
#[template(path = "two_factor.html")]
struct TwoFactorPage {
    chrome: Chrome,
    /// Set when an authenticator is confirmed: unused recovery codes left.
    codes_left: Option<i64>,
    /// Set while setting one up.
    enrol: Option<Enrol>,
    /// A role held requires the second factor, so it cannot be turned off.
    required: bool,
    next: String,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    next: String,
    error: Option<String>,
) -> AppResult<Response> {
    let p = ctx.require()?.clone();
    let uid = p.user_id.to_string();
    let (confirmed, pending, left, required) = state
        .write(move |c| {
            let confirmed = mfa_store::confirmed_totp(c, &uid)?.is_some();
            let pending = if confirmed {
                None
            } else {
                mfa_store::pending_totp(c, &uid)?.map(|t| t.secret)
            };
            let left = mfa_store::recovery_codes_left(c, &uid)?;
            let required =
                mfa::role_requires_second_factor(&p.grants, &mfa_store::required_roles(c)?);
            Ok((confirmed, pending, left, required))
        })
        .await?;
    let login = ctx.require()?.login.clone();
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let page = TwoFactorPage {
        chrome: Chrome::new(state, ctx, "mfa-title"),
        codes_left: confirmed.then_some(left),
        enrol: pending.map(|s| Enrol::of(state, &login, &s)),
        required,
        next,
        error,
    };
    Ok((status, render(&page)?).into_response())
}

/// Shows the state of the person's second factor (setting one up when there is none).
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    let next = q.next.map(|n| safe_next(Some(&n))).unwrap_or_default();
    page(&state, &ctx, next, None).await
}

/// A code confirming the person holds the authenticator.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeForm {
    /// Six digits, or (to turn it off) a recovery code.
    pub code: String,
    /// Where to go afterwards.
    pub next: Option<String>,
}

/// What a management action led to.
enum Done {
    /// New recovery codes to show once.
    Codes(Vec<String>),
    /// The second factor was turned off.
    Off,
    /// The code was wrong.
    Wrong,
}

/// Confirms a new authenticator with its first code; the session counts as having passed
/// the second factor from now on.
pub async fn confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(form): PageForm<CodeForm>,
) -> AppResult<Response> {
    let p = ctx.require()?.clone();
    let session = ctx.session_id().map(str::to_owned);
    let next = form.next.as_deref().map(|n| safe_next(Some(n)));
    let done = state
        .write(move |c| {
            let uid = p.user_id.to_string();
            if mfa_store::confirmed_totp(c, &uid)?.is_some() {
                return Err(AppError::Conflict(FieldError::new("code", "mfa-already")));
            }
            if check_code(c, &uid, &form.code, true)?.is_none() {
                return Ok(Done::Wrong);
            }
            if let Some(s) = &session {
                accounts::mark_session_mfa(c, s)?;
            }
            let codes = mfa_store::new_recovery_codes(c, &uid)?;
            record_mfa(
                c,
                &p.actor(),
                &uid,
                "mfa.enrol",
                serde_json::json!({"method": "totp"}),
            )?;
            Ok(Done::Codes(codes))
        })
        .await?;
    finish(&state, &ctx, done, next.unwrap_or_default()).await
}

/// Codes typed on the account's own pages are limited per account, as sign-in's are: a
/// session alone must not let anyone try every code.
const ACCOUNT_CODES: kernel::ratelimit::Limit = kernel::ratelimit::Limit {
    name: "sso.account-code",
    ..kernel::ratelimit::SIGN_IN
};

/// A wrong code on an account page: counted against the account and recorded.
fn wrong_code(c: &mut db::DbConn, p: &kernel::principal::Principal, step: &str) -> AppResult<Done> {
    super::sign_in::record_failure(
        c,
        &p.login,
        Some(&p.user_id.to_string()),
        &accounts::SignInFailure::Invalid,
        step,
    )?;
    Ok(Done::Wrong)
}

/// Replaces the recovery codes (a code from the app proves it is the owner).
pub async fn recovery_codes(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(form): PageForm<CodeForm>,
) -> AppResult<Response> {
    let p = ctx.require()?.clone();
    let key = p.user_id.to_string();
    if ACCOUNT_CODES.blocked(&state, &key).await?.is_some() {
        return Err(AppError::TooManyAttempts);
    }
    let done = state
        .write(move |c| {
            let uid = p.user_id.to_string();
            if mfa::looks_like_recovery(&form.code)
                || check_code(c, &uid, &form.code, false)? != Some(Accepted::Totp)
            {
                return wrong_code(c, &p, "recovery_codes");
            }
            let codes = mfa_store::new_recovery_codes(c, &uid)?;
            record_mfa(
                c,
                &p.actor(),
                &uid,
                "mfa.recovery_codes",
                serde_json::json!({"count": codes.len()}),
            )?;
            Ok(Done::Codes(codes))
        })
        .await?;
    if matches!(done, Done::Wrong) {
        ACCOUNT_CODES.hit(&state, &key).await?;
    }
    finish(&state, &ctx, done, String::new()).await
}

/// Turns the second factor off, unless a role held requires it.
pub async fn disable(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(form): PageForm<CodeForm>,
) -> AppResult<Response> {
    let p = ctx.require()?.clone();
    let key = p.user_id.to_string();
    if ACCOUNT_CODES.blocked(&state, &key).await?.is_some() {
        return Err(AppError::TooManyAttempts);
    }
    let done = state
        .write(move |c| {
            let uid = p.user_id.to_string();
            if mfa::role_requires_second_factor(&p.grants, &mfa_store::required_roles(c)?) {
                return Err(AppError::Conflict(FieldError::new(
                    "code",
                    "mfa-required-by-role",
                )));
            }
            let Some(how) = check_code(c, &uid, &form.code, false)? else {
                return wrong_code(c, &p, "two_factor_disable");
            };
            mfa_store::remove(c, &uid)?;
            record_mfa(
                c,
                &p.actor(),
                &uid,
                "mfa.disable",
                serde_json::json!({"proved_with": how.method()}),
            )?;
            Ok(Done::Off)
        })
        .await?;
    if matches!(done, Done::Wrong) {
        ACCOUNT_CODES.hit(&state, &key).await?;
    }
    finish(&state, &ctx, done, String::new()).await
}

async fn finish(state: &AppState, ctx: &Ctx, done: Done, next: String) -> AppResult<Response> {
    match done {
        Done::Codes(codes) => {
            let page = RecoveryCodesPage {
                chrome: Chrome::new(state, ctx, "mfa-recovery-title"),
                codes,
                next: if next.is_empty() {
                    "/account/two-factor".to_owned()
                } else {
                    next
                },
            };
            Ok(render(&page)?.into_response())
        }
        Done::Off => Ok(Redirect::to("/account/two-factor?saved=1").into_response()),
        Done::Wrong => page(state, ctx, next, Some(ctx.tr().t("mfa-code-wrong"))).await,
    }
}
