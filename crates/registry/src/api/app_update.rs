//! `PUT /api/v1/applications/{id}`: the agency corrects an application (a registered one goes
//! back to the Dinas for review).

use axum::Json;
use axum::extract::{Path, State};
use kernel::extract::ApiJson;
use kernel::ids::AgencyId;
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};

use crate::model::ApplicationDraft;
use crate::service;
use crate::store::{self, ApplicationRow};

/// Corrects an application.
#[utoipa::path(put, path = "/api/v1/applications/{id}", tag = "registry", params(("id" = String, Path)),
    request_body = ApplicationDraft,
    responses((status = 200, body = ApplicationRow), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ApplicationDraft>,
) -> AppResult<Json<ApplicationRow>> {
    let lookup = id.clone();
    let app = state
        .read(move |c| Ok(store::app_find(c, &lookup)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let agency = AgencyId::parse(&app.agency_id).ok_or(AppError::NotFound)?;
    if !ctx.can(&crate::APPLICATIONS, Access::Read, Scope::Agency(agency)) {
        return Err(AppError::NotFound);
    }
    let actor = ctx
        .authorize(&crate::APPLICATIONS, Access::Write, Scope::Agency(agency))?
        .actor();
    Ok(Json(
        state
            .write(move |c| service::update(c, &actor, &id, &body))
            .await?,
    ))
}
