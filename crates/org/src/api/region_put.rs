//! `PUT /api/v1/region`: the Dinas sets the region profile.

use axum::Json;
use axum::extract::State;
use kernel::extract::ApiJson;
use kernel::permissions::{Access, Scope};
use kernel::{AppResult, AppState, Ctx};

use crate::model::RegionDraft;
use crate::service;

/// Sets the region profile.
#[utoipa::path(put, path = "/api/v1/region", tag = "organisation", request_body = RegionDraft,
    responses((status = 200, body = RegionDraft), (status = 400), (status = 401), (status = 403), (status = 422)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(draft): ApiJson<RegionDraft>,
) -> AppResult<Json<RegionDraft>> {
    let actor = ctx
        .authorize(&crate::REGION, Access::Write, Scope::Region)?
        .actor();
    let row = state
        .write(move |c| service::put_region(c, &actor, &draft))
        .await?;
    state.forget_zone();
    Ok(Json(row.into()))
}
