//! `GET/POST /people/{id}/edit`: correct a person.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::form::Submitted;
use kernel::layout::{Chrome, FormErrors, render};
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};

use super::person_new::{PersonFormPage, writable_agencies};
use super::{PERSON_FORM, PersonForm};
use crate::api::person_id;
use crate::store::PersonRow;
use crate::{service, store};

async fn load(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<PersonRow> {
    ctx.require()?;
    let id = person_id(id)?;
    let row = state
        .read(move |c| Ok(store::person_find(c, id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let agency = row.agency_id;
    ctx.authorize_record(&crate::PEOPLE, Access::Write, agency)?;
    Ok(row)
}

/// Shows the form filled in.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let row = load(&state, &ctx, &id).await?;
    let page = PersonFormPage {
        agencies: writable_agencies(&state, &ctx).await?,
        kinds: super::person_kinds(ctx.tr()),
        chrome: Chrome::new(&state, &ctx, "person-edit-title"),
        action: format!("/people/{}/edit", row.id),
        form: PersonForm::from_row(&row),
        errors: FormErrors::default(),
        has_nik: row.nik.is_some(),
    };
    Ok(render(&page)?.into_response())
}

/// Saves the correction.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: Submitted<PersonForm>,
) -> AppResult<Response> {
    let row = load(&state, &ctx, &id).await?;
    let pid = row.id;
    let Submitted {
        values: form,
        stale,
    } = form;
    let result = match super::chosen_agency(&form, row.nik.as_deref()) {
        _ if stale => Err(AppError::Csrf),
        Err(e) => Err(e),
        Ok(to) => {
            let actor = ctx
                .authorize(&crate::PEOPLE, Access::Write, Scope::Agency(to))?
                .actor();
            let draft = form.draft(row.nik.as_deref());
            let save = state.write(move |c| service::update_person(c, &actor, pid, to, &draft));
            crate::probing::guarded(&state, &ctx, save).await
        }
    };
    match result {
        Ok(saved) => Ok(Redirect::to(&format!("/people/{}?saved=1", saved.id)).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_) | AppError::Csrf)) => {
            let errors = match e {
                AppError::Csrf => PERSON_FORM.expired(ctx.tr()),
                e => PERSON_FORM.errors(&e, ctx.tr()),
            };
            let page = PersonFormPage {
                agencies: writable_agencies(&state, &ctx).await?,
                kinds: super::person_kinds(ctx.tr()),
                chrome: Chrome::new(&state, &ctx, "person-edit-title"),
                action: format!("/people/{}/edit", row.id),
                errors,
                form,
                has_nik: row.nik.is_some(),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}
