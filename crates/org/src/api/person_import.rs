//! `POST /api/v1/people/import`: a CSV of people, all or nothing; an operator may only
//! import into their own agency.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use kernel::{AppError, AppResult, AppState, Ctx};

use super::Imported;
use crate::import;

/// Imports people from CSV (`agency_code,name,kind,nip,nik,position,email,phone`).
#[utoipa::path(post, path = "/api/v1/people/import", tag = "organisation",
    request_body(content((String = "text/csv"))),
    responses((status = 200, body = Imported), (status = 401), (status = 422, description = "every bad line listed; nothing imported")))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> AppResult<Json<Imported>> {
    ctx.require()?;
    // Read-only roles are refused before the file is read (never a report of its lines).
    if !ctx.can_write_any(&crate::PEOPLE) {
        return Err(AppError::Forbidden);
    }
    let imported = import::import_people_for(&state, &ctx, body.to_vec()).await?;
    Ok(Json(Imported { imported }))
}
