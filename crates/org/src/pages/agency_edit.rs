//! `GET/POST /agencies/{id}/edit`: the Dinas corrects an agency.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::form::Submitted;
use kernel::layout::{Chrome, FormErrors, render};
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};

use super::agency_new::AgencyFormPage;
use super::{AGENCY_FORM, AgencyForm};
use crate::api::agency_id;
use crate::{service, store};

/// Shows the form filled in.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.authorize(&crate::AGENCIES, Access::Write, Scope::Region)?;
    let id = agency_id(&id)?;
    let row = state
        .read(move |c| Ok(store::agency_find(c, id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let page = AgencyFormPage {
        kinds: super::agency_kinds(ctx.tr()),
        chrome: Chrome::new(&state, &ctx, "agency-edit-title"),
        action: format!("/agencies/{id}/edit"),
        form: AgencyForm::from_row(&row),
        errors: FormErrors::default(),
    };
    Ok(render(&page)?.into_response())
}

/// Saves the correction.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: Submitted<AgencyForm>,
) -> AppResult<Response> {
    let actor = ctx
        .authorize(&crate::AGENCIES, Access::Write, Scope::Region)?
        .actor();
    let id = agency_id(&id)?;
    let Submitted {
        values: form,
        stale,
    } = form;
    let again = |form: AgencyForm, errors: FormErrors| -> AppResult<Response> {
        let page = AgencyFormPage {
            kinds: super::agency_kinds(ctx.tr()),
            chrome: Chrome::new(&state, &ctx, "agency-edit-title"),
            action: format!("/agencies/{id}/edit"),
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
        .write(move |c| service::update_agency(c, &actor, id, &draft))
        .await
    {
        Ok(row) => Ok(Redirect::to(&format!("/agencies/{}?saved=1", row.id)).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            again(form, AGENCY_FORM.errors(&e, ctx.tr()))
        }
        Err(e) => Err(e),
    }
}
