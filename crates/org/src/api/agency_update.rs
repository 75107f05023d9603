//! `PUT /api/v1/agencies/{id}`: the Dinas corrects an agency.

use axum::Json;
use axum::extract::{Path, State};
use kernel::extract::ApiJson;
use kernel::permissions::{Access, Scope};
use kernel::{AppResult, AppState, Ctx};

use super::{Agency, AgencyInput};
use crate::service;

/// Replaces an agency's fields.
#[utoipa::path(put, path = "/api/v1/agencies/{id}", tag = "organisation", request_body = AgencyInput,
    params(("id" = String, Path)),
    responses((status = 200, body = Agency), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AgencyInput>,
) -> AppResult<Json<Agency>> {
    let actor = ctx
        .authorize(&crate::AGENCIES, Access::Write, Scope::Region)?
        .actor();
    let id = super::agency_id(&id)?;
    let draft = input.into();
    let row = state
        .write(move |c| service::update_agency(c, &actor, id, &draft))
        .await?;
    Ok(Json(row.into()))
}
