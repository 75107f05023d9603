//! `GET/POST /agencies/new`: the Dinas registers an agency.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::form::Submitted;
use kernel::layout::{Chrome, FormErrors, render};
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};

use super::{AGENCY_FORM, AgencyForm};
use crate::service;

/// The agency form page (new and edit share it).
#[derive(Template)]
#[template(path = "agency_form.html")]
pub struct AgencyFormPage {
    /// Shell.
    pub chrome: Chrome,
    /// Where the form posts.
    pub action: String,
    /// Values typed.
    pub form: AgencyForm,
    /// Errors.
    pub errors: FormErrors,
    /// Kind choices.
    pub kinds: Vec<(String, String)>,
}

/// Shows an empty form.
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.authorize(&crate::AGENCIES, Access::Write, Scope::Region)?;
    let page = AgencyFormPage {
        kinds: super::agency_kinds(ctx.tr()),
        chrome: Chrome::new(&state, &ctx, "agency-new-title"),
        action: "/agencies/new".into(),
        form: AgencyForm::default(),
        errors: FormErrors::default(),
    };
    Ok(render(&page)?.into_response())
}

/// Creates the agency, or shows the form again with every problem.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Submitted<AgencyForm>,
) -> AppResult<Response> {
    let actor = ctx
        .authorize(&crate::AGENCIES, Access::Write, Scope::Region)?
        .actor();
    let Submitted {
        values: form,
        stale,
    } = form;
    let again = |form: AgencyForm, errors: FormErrors| -> AppResult<Response> {
        let page = AgencyFormPage {
            kinds: super::agency_kinds(ctx.tr()),
            chrome: Chrome::new(&state, &ctx, "agency-new-title"),
            action: "/agencies/new".into(),
            errors,
            form,
        };
        Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
    };
    if stale {
        return again(form, AGENCY_FORM.expired(ctx.tr()));
    }
    let draft = form.draft();
    match state
        .write(move |c| service::create_agency(c, &actor, &draft))
        .await
    {
        Ok(row) => Ok(Redirect::to(&format!("/agencies/{}?saved=1", row.id)).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            again(form, AGENCY_FORM.errors(&e, ctx.tr()))
        }
        Err(e) => Err(e),
    }
}
