//! `GET /api/v1/agencies/{id}`: one agency.

use axum::Json;
use axum::extract::{Path, State};
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};

use super::Agency;
use crate::store;

/// Shows an agency.
#[utoipa::path(get, path = "/api/v1/agencies/{id}", tag = "organisation",
    params(("id" = String, Path)),
    responses((status = 200, body = Agency), (status = 401), (status = 404)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<Agency>> {
    ctx.authorize(&crate::AGENCIES, Access::Read, Scope::Region)?;
    let id = super::agency_id(&id)?;
    let row = state
        .read(move |c| Ok(store::agency_find(c, id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(row.into()))
}
