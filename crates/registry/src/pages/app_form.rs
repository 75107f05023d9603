//! `GET/POST /registry/applications/new` and `…/{id}/edit`: an agency records an application
//! (as a draft) or corrects one. The agency is the operator's own; the Dinas may pick any.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::form::Submitted;
use kernel::ids::AgencyId;
use kernel::layout::{Chrome, FormErrors, render};
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};
use serde::Deserialize;

use super::{APP_FORM, AppForm, Choices};
use crate::model::ApplicationId;
use crate::{service, store};

#[derive(Template)]
#[template(path = "application_form.html")]
struct FormPage {
    chrome: Chrome,
    action: String,
    form: AppForm,
    errors: FormErrors,
    c: Choices,
    agencies: Vec<(String, String)>,
    items: Vec<(String, String)>,
    clients: Vec<(String, String)>,
    editing: bool,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    action: String,
    form: AppForm,
    errors: FormErrors,
    editing: bool,
) -> AppResult<Response> {
    let region = ctx.can(&crate::APPLICATIONS, Access::Write, Scope::Region);
    let owners: Vec<AgencyId> = ctx
        .require()?
        .grants
        .iter()
        .filter_map(|g| g.agency)
        .filter(|a| ctx.can(&crate::APPLICATIONS, Access::Write, Scope::Agency(*a)))
        .collect();
    let (agencies, items, clients) = state
        .read(move |c| {
            let agencies = org::directory::all_agencies(c)?;
            let items = match store::plan_latest(c)? {
                Some(p) => store::items(c, p.id)?
                    .into_iter()
                    .map(|i| (i.id.to_string(), format!("{} — {}", i.code, i.title)))
                    .collect(),
                None => vec![],
            };
            // Only clients the caller may link: the Dinas any, an agency its own.
            let clients = sso::clients::all(c)?
                .into_iter()
                .filter(|cl| region || cl.owner.is_some_and(|a| owners.contains(&a)))
                .map(|cl| (cl.id.to_string(), cl.name))
                .collect::<Vec<_>>();
            Ok((agencies, items, clients))
        })
        .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = if editing {
        "app-edit-title"
    } else {
        "app-new-title"
    };
    let page = FormPage {
        chrome: Chrome::new(state, ctx, title),
        action,
        form,
        errors,
        c: Choices::new(ctx.tr()),
        agencies: org::directory::writable(agencies, ctx, &crate::APPLICATIONS),
        items,
        clients,
        editing,
    };
    Ok((status, render(&page)?).into_response())
}

/// `?agency_id=` preselects the agency.
#[derive(Debug, Deserialize)]
pub struct NewQuery {
    /// Agency.
    pub agency_id: Option<String>,
}

/// An empty form.
pub async fn new(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let own = q
        .agency_id
        .or_else(|| {
            p.grants
                .iter()
                .find_map(|g| g.agency.map(|a| a.to_string()))
        })
        .unwrap_or_default();
    let form = AppForm::for_agency(own);
    page(
        &state,
        &ctx,
        "/registry/applications/new".into(),
        form,
        FormErrors::default(),
        false,
    )
    .await
}

/// Records the draft, or shows the form again with every problem.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Submitted<AppForm>,
) -> AppResult<Response> {
    let action = "/registry/applications/new".to_owned();
    save(&state, &ctx, action, form, None).await
}

/// Checks and saves (`target`: a correction), or shows the form again with every problem and
/// what was typed.
async fn save(
    state: &AppState,
    ctx: &Ctx,
    action: String,
    form: Submitted<AppForm>,
    target: Option<ApplicationId>,
) -> AppResult<Response> {
    let editing = target.is_some();
    let Submitted {
        values: form,
        stale,
    } = form;
    if stale {
        let errors = APP_FORM.expired(ctx.tr());
        return page(state, ctx, action, form, errors, editing).await;
    }
    let draft = match form.checked() {
        Ok(d) => d,
        Err(e) => {
            let errors = APP_FORM.errors(&AppError::Validation(e), ctx.tr());
            return page(state, ctx, action, form, errors, editing).await;
        }
    };
    let actor = ctx.require()?.actor();
    let saved = match target {
        Some(id) => {
            state
                .write(move |c| service::update(c, &actor, id, &draft))
                .await
        }
        None => {
            // The chosen agency must be one the person may register for.
            if let Some(a) = kernel::ids::AgencyId::parse(&draft.agency_id) {
                ctx.authorize(&crate::APPLICATIONS, Access::Write, Scope::Agency(a))?;
            }
            state
                .write(move |c| service::create(c, &actor, &draft))
                .await
        }
    };
    match saved {
        Ok(row) => {
            Ok(Redirect::to(&format!("/registry/applications/{}?saved=1", row.id)).into_response())
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let errors = APP_FORM.errors(&e, ctx.tr());
            page(state, ctx, action, form, errors, editing).await
        }
        Err(e) => Err(e),
    }
}

async fn owned(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    access: Access,
) -> AppResult<store::ApplicationRow> {
    ctx.require()?;
    let lookup = ApplicationId::parse(id).ok_or(AppError::NotFound)?;
    let row = state
        .read(move |c| Ok(store::app_find(c, lookup)?))
        .await?
        .ok_or(AppError::NotFound)?;
    // Someone who may not even read it learns nothing of its existence.
    ctx.authorize_record(&crate::APPLICATIONS, access, row.agency_id)?;
    Ok(row)
}

/// The form filled with the stored application.
pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let row = owned(&state, &ctx, &id, Access::Write).await?;
    let action = format!("/registry/applications/{id}/edit");
    page(
        &state,
        &ctx,
        action,
        AppForm::from_row(&row),
        FormErrors::default(),
        true,
    )
    .await
}

/// Saves a correction.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: Submitted<AppForm>,
) -> AppResult<Response> {
    let row = owned(&state, &ctx, &id, Access::Write).await?;
    let action = format!("/registry/applications/{id}/edit");
    save(&state, &ctx, action, form, Some(row.id)).await
}

/// The application if the request may have `access` to it (404 when it may not even read it).
pub(crate) async fn find_for(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    access: Access,
) -> AppResult<store::ApplicationRow> {
    owned(state, ctx, id, access).await
}
