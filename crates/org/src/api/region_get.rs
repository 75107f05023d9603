//! `GET /api/v1/region`: the region profile and the regulation in force.

use axum::Json;
use axum::extract::State;
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};

use crate::model::RegionDraft;
use crate::store;

/// Shows the region profile (404 until the Dinas sets it).
#[utoipa::path(get, path = "/api/v1/region", tag = "organisation",
    responses((status = 200, body = RegionDraft), (status = 401), (status = 404)))]
pub async fn handler(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<RegionDraft>> {
    ctx.authorize(&crate::REGION, Access::Read, Scope::Region)?;
    let r = state
        .read(|c| Ok(store::region_get(c)?))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(r.into()))
}
