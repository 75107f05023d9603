//! `GET` and `POST /reset-password/{token}`: a person who forgot their password sets a new one
//! with the one-time link the Dinas gave them. A link that is unknown, used or expired says so
//! and whom to ask, and tells nothing about any account.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use kernel::form::{FormSpec, Submitted, text};
use kernel::layout::{Chrome, FormErrors, render};
use kernel::{AppError, AppResult, AppState, Ctx};

use crate::{hashing, model, service};

#[derive(Template)]
#[template(path = "reset_password.html")]
struct ResetPage {
    chrome: Chrome,
    /// The account, while the link works.
    login: Option<String>,
    token: String,
    errors: FormErrors,
}

const RESET_FORM: FormSpec = FormSpec {
    fields: &[
        text("new", "account-new-password"),
        text("confirm", "account-confirm-password"),
    ],
};

/// The new password, twice.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetForm {
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    token: String,
    errors: FormErrors,
) -> AppResult<Response> {
    let secret = token.clone();
    let login = state
        .read(move |c| service::reset_login(c, &secret))
        .await?;
    let status = match (&login, errors.is_empty()) {
        (None, _) => StatusCode::NOT_FOUND,
        (Some(_), false) => StatusCode::UNPROCESSABLE_ENTITY,
        (Some(_), true) => StatusCode::OK,
    };
    let page = ResetPage {
        chrome: Chrome::new(state, ctx, "reset-title"),
        login,
        token,
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

/// The form, or why the link does not work.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> AppResult<Response> {
    page(&state, &ctx, token, FormErrors::default()).await
}

/// Sets the new password and sends the person to sign in with it.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    form: Submitted<ResetForm>,
) -> AppResult<Response> {
    if form.stale {
        return page(&state, &ctx, token, RESET_FORM.expired(ctx.tr())).await;
    }
    let form = form.values;
    let errors = model::check_new_pair(&form.new, &form.confirm);
    if !errors.is_empty() {
        let e = AppError::Validation(errors);
        return page(&state, &ctx, token, RESET_FORM.errors(&e, ctx.tr())).await;
    }
    let hash = hashing::hash(form.new).await?;
    let modules = state.modules.clone();
    let secret = token.clone();
    match state
        .write(move |c| service::complete_password_reset(c, &modules, &secret, &hash))
        .await
    {
        Ok(_) => Ok(Redirect::to("/sign-in?reset=1").into_response()),
        Err(AppError::NotFound) => page(&state, &ctx, token, FormErrors::default()).await,
        Err(e) => Err(e),
    }
}
