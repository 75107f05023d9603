//! The second step of signing in: `GET/POST /sign-in/two-factor` completes a pending sign-in
//! with a code from the authenticator app or a recovery code (or, for an account whose role
//! requires a second factor and has none yet, enrols one on the spot); `GET/POST
//! /account/two-factor/verify` steps an existing session up for an application whose
//! security level requires a second factor.

use accounts::SignInFailure;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use kernel::audit::{self, Actor, Change};
use kernel::extract::PageForm;
use kernel::layout::{Chrome, render};
use kernel::pages::safe_next;
use kernel::ratelimit::ClientAddr;
use kernel::{AppError, AppResult, AppState, Ctx};
use serde::Deserialize;

use super::sign_in::{self, NextQuery};
use crate::mfa::{self, CHALLENGE_ATTEMPTS, store as mfa_store};

/// What an authenticator app needs to be set up.
pub(crate) struct Enrol {
    /// The QR code, as an SVG element.
    pub qr: String,
    /// The secret in groups of four, for typing by hand.
    pub secret: String,
}

impl Enrol {
    /// The enrolment view of a pending authenticator.
    pub(crate) fn of(state: &AppState, login: &str, secret: &str) -> Self {
        let host = url::Url::parse(&state.config.public_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        let issuer = format!("Simpul {host}");
        let uri = mfa::otpauth_uri(&issuer, login, secret);
        Self {
            qr: mfa::qr_svg(&uri).unwrap_or_default(),
            secret: mfa::grouped(secret),
        }
    }
}

#[derive(Template)]
#[template(path = "second_factor.html")]
struct CodePage {
    chrome: Chrome,
    action: &'static str,
    next: String,
    enrol: Option<Enrol>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
pub(crate) struct RecoveryCodesPage {
    pub chrome: Chrome,
    pub codes: Vec<String>,
    pub next: String,
}

fn code_page(
    state: &AppState,
    ctx: &Ctx,
    action: &'static str,
    next: String,
    enrol: Option<Enrol>,
    error: Option<String>,
) -> AppResult<Response> {
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = CodePage {
        chrome: Chrome::new(state, ctx, "mfa-code-title"),
        action,
        next,
        enrol,
        error,
    };
    Ok((status, render(&page)?).into_response())
}

/// How a typed code was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Accepted {
    /// A code from the authenticator app.
    Totp,
    /// One of the recovery codes (now used up).
    Recovery,
}

impl Accepted {
    /// The sign-in method recorded in the audit trail.
    pub(crate) fn method(self) -> &'static str {
        match self {
            Self::Totp => "password+totp",
            Self::Recovery => "password+recovery_code",
        }
    }
}

/// Checks a typed code against the account's authenticator (the pending one when
/// `enrolling`) or, after enrolment, its unused recovery codes.
pub(crate) fn check_code(
    c: &mut db::DbConn,
    user_id: &str,
    typed: &str,
    enrolling: bool,
) -> AppResult<Option<Accepted>> {
    let row = if enrolling {
        mfa_store::pending_totp(c, user_id)?
    } else {
        mfa_store::confirmed_totp(c, user_id)?
    };
    let Some(row) = row else {
        return Ok(None);
    };
    if !enrolling && mfa::looks_like_recovery(typed) {
        return Ok(mfa_store::use_recovery_code(c, user_id, typed)?.then_some(Accepted::Recovery));
    }
    let now = chrono::Utc::now().timestamp();
    match mfa::verify(&row.secret, typed, now, row.last_step) {
        Some(step) => {
            mfa_store::accept_step(c, user_id, step)?;
            Ok(Some(Accepted::Totp))
        }
        None => Ok(None),
    }
}

/// Records a change to a person's second factor.
pub(crate) fn record_mfa(
    c: &mut db::DbConn,
    actor: &Actor,
    user_id: &str,
    action: &'static str,
    summary: serde_json::Value,
) -> AppResult<()> {
    let change = Change {
        action,
        record_type: "user",
        record_id: user_id.to_owned(),
        agency: None,
        summary,
    };
    audit::record(c, actor, change)?;
    Ok(())
}

fn challenge_secret(jar: &CookieJar) -> Option<String> {
    jar.get(mfa_store::CHALLENGE_COOKIE)
        .map(|c| c.value().to_owned())
}

fn back_to_sign_in(next: &str) -> Response {
    let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    Redirect::to(&format!("/sign-in?next={next}")).into_response()
}

/// The pending sign-in's account, login, and its pending authenticator when it must enrol.
fn pending(
    c: &mut db::DbConn,
    secret: &str,
) -> AppResult<Option<(mfa_store::ChallengeRow, String, Option<String>)>> {
    let Some(ch) = mfa_store::challenge(c, secret)? else {
        return Ok(None);
    };
    let Some(account) = kernel::ids::UserId::parse(&ch.user_id)
        .map(|id| accounts::find_account(c, id))
        .transpose()?
        .flatten()
    else {
        return Ok(None);
    };
    let enrol = match mfa_store::confirmed_totp(c, &ch.user_id)? {
        Some(_) => None,
        None => mfa_store::pending_totp(c, &ch.user_id)?.map(|t| t.secret),
    };
    Ok(Some((ch, account.login, enrol)))
}

/// Asks for the code of a pending sign-in (or shows the enrolment it needs first).
pub async fn challenge_show(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    let next = safe_next(q.next.as_deref());
    let Some(secret) = challenge_secret(&jar) else {
        return Ok(back_to_sign_in(&next));
    };
    let found = state.write(move |c| pending(c, &secret)).await?;
    let Some((_, login, enrol)) = found else {
        return Ok(back_to_sign_in(&next));
    };
    let enrol = enrol.map(|s| Enrol::of(&state, &login, &s));
    code_page(&state, &ctx, "/sign-in/two-factor", next, enrol, None)
}

/// The code of a pending sign-in.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeForm {
    /// Six digits from the app, or a recovery code.
    pub code: String,
    /// Where to go afterwards.
    pub next: Option<String>,
}

/// What a submitted code led to.
enum Outcome {
    /// Signed in; a session was started.
    SignedIn(String),
    /// Signed in after enrolling: a session, and recovery codes to show once.
    Enrolled(String, Vec<String>),
    /// Wrong code; try again.
    Wrong {
        login: String,
        enrol: Option<String>,
    },
    /// Too many wrong codes, or the pending sign-in is gone: start over.
    StartOver(Option<SignInFailure>),
}

/// Completes a pending sign-in.
pub async fn challenge_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    PageForm(form): PageForm<CodeForm>,
) -> AppResult<Response> {
    let next = safe_next(form.next.as_deref());
    let Some(secret) = challenge_secret(&jar) else {
        return Ok(back_to_sign_in(&next));
    };
    if let Some(wait) = kernel::ratelimit::SIGN_IN.blocked(&state, &addr).await? {
        let msg = ctx
            .tr()
            .t1("sign-in-rate-limited", "minutes", &wait.div_ceil(60));
        return sign_in::page(
            &state,
            &ctx,
            String::new(),
            next,
            false,
            Some(msg),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let hours = state.config.session_hours;
    let agent = sign_in::user_agent(&headers);
    let typed = form.code.clone();
    let outcome = state
        .write(move |c| {
            let Some((ch, login, enrol)) = pending(c, &secret)? else {
                return Ok(Outcome::StartOver(None));
            };
            let enrolling = enrol.is_some();
            let user = accounts::find_user(c, &login)?.ok_or(AppError::NotFound)?;
            match check_code(c, &ch.user_id, &typed, enrolling)? {
                Some(how) => {
                    mfa_store::end_challenge(c, &ch.id)?;
                    let method = how.method();
                    let session =
                        sign_in::start_session(c, &user, hours, agent.as_deref(), method)?;
                    if enrolling {
                        let codes = mfa_store::new_recovery_codes(c, &user.id.to_string())?;
                        let actor = user.actor();
                        record_mfa(
                            c,
                            &actor,
                            &user.id.to_string(),
                            "mfa.enrol",
                            serde_json::json!({"method": "totp", "during": "sign_in"}),
                        )?;
                        return Ok(Outcome::Enrolled(session, codes));
                    }
                    Ok(Outcome::SignedIn(session))
                }
                None => {
                    let attempts = mfa_store::count_attempt(c, &ch.id)?;
                    let failure = SignInFailure::Invalid;
                    sign_in::record_failure(
                        c,
                        &login,
                        Some(&ch.user_id),
                        &failure,
                        "second_factor",
                    )?;
                    if attempts >= CHALLENGE_ATTEMPTS {
                        mfa_store::end_challenge(c, &ch.id)?;
                        // Counts toward the account's lockout like a wrong password.
                        let result = accounts::record_sign_in(c, &login, false)?;
                        return Ok(Outcome::StartOver(result.err()));
                    }
                    Ok(Outcome::Wrong { login, enrol })
                }
            }
        })
        .await?;
    match outcome {
        Outcome::SignedIn(session) => Ok(sign_in::signed_in(&state, &session, &next)),
        Outcome::Enrolled(session, codes) => {
            let page = RecoveryCodesPage {
                chrome: Chrome::new(&state, &ctx, "mfa-recovery-title"),
                codes,
                next,
            };
            let mut response = render(&page)?.into_response();
            if let Some(v) =
                kernel::context::session_cookie(&session, state.config.secure_cookies())
            {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(response)
        }
        Outcome::Wrong { login, enrol } => {
            kernel::ratelimit::SIGN_IN.hit(&state, &addr).await?;
            let enrol = enrol.map(|s| Enrol::of(&state, &login, &s));
            let error = Some(ctx.tr().t("mfa-code-wrong"));
            code_page(&state, &ctx, "/sign-in/two-factor", next, enrol, error)
        }
        Outcome::StartOver(failure) => {
            kernel::ratelimit::SIGN_IN.hit(&state, &addr).await?;
            let (status, error) = match failure {
                Some(f) => sign_in::failure_message(&ctx, &f),
                None => (StatusCode::UNAUTHORIZED, ctx.tr().t("mfa-start-over")),
            };
            sign_in::page(
                &state,
                &ctx,
                String::new(),
                next,
                false,
                Some(error),
                status,
            )
        }
    }
}

/// Asks a signed-in person for a code before an application that requires a second factor.
pub async fn step_up_show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    let uid = ctx.require()?.user_id.to_string();
    let next = safe_next(q.next.as_deref());
    let enrolled = state
        .read(move |c| Ok(mfa_store::confirmed_totp(c, &uid)?.is_some()))
        .await?;
    if !enrolled {
        let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
        return Ok(Redirect::to(&format!("/account/two-factor?next={next}")).into_response());
    }
    code_page(&state, &ctx, "/account/two-factor/verify", next, None, None)
}

/// Checks the step-up code and marks the session as having passed a second factor.
pub async fn step_up_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientAddr(addr): ClientAddr,
    PageForm(form): PageForm<CodeForm>,
) -> AppResult<Response> {
    let p = ctx.require()?.clone();
    let session = ctx.session_id().ok_or(AppError::Forbidden)?.to_owned();
    let next = safe_next(form.next.as_deref());
    if kernel::ratelimit::SIGN_IN
        .blocked(&state, &addr)
        .await?
        .is_some()
    {
        return Err(AppError::TooManyAttempts);
    }
    let ok = state
        .write(move |c| {
            let uid = p.user_id.to_string();
            let how = check_code(c, &uid, &form.code, false)?;
            match how {
                Some(how) => {
                    accounts::mark_session_mfa(c, &session)?;
                    record_mfa(
                        c,
                        &p.actor(),
                        &uid,
                        "auth.step_up",
                        serde_json::json!({"method": how.method()}),
                    )?;
                }
                None => sign_in::record_failure(
                    c,
                    &p.login,
                    Some(&uid),
                    &SignInFailure::Invalid,
                    "step_up",
                )?,
            }
            Ok(how.is_some())
        })
        .await?;
    if ok {
        return Ok(Redirect::to(&next).into_response());
    }
    kernel::ratelimit::SIGN_IN.hit(&state, &addr).await?;
    let error = Some(ctx.tr().t("mfa-code-wrong"));
    code_page(
        &state,
        &ctx,
        "/account/two-factor/verify",
        next,
        None,
        error,
    )
}
