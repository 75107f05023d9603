//! `POST /api/v1/agencies/import`: a CSV of agencies, all or nothing.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use kernel::permissions::{Access, Scope};
use kernel::{AppResult, AppState, Ctx};

use super::Imported;
use crate::import;

/// Imports agencies from CSV (`name,code,kind,is_dinas,egov_unit`).
#[utoipa::path(post, path = "/api/v1/agencies/import", tag = "organisation",
    request_body(content((String = "text/csv"))),
    responses((status = 200, body = Imported), (status = 401), (status = 403), (status = 422, description = "every bad line listed; nothing imported")))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> AppResult<Json<Imported>> {
    let actor = ctx
        .authorize(&crate::AGENCIES, Access::Write, Scope::Region)?
        .actor();
    let imported = state
        .write(move |c| import::import_agencies(c, &actor, &body))
        .await?;
    Ok(Json(Imported { imported }))
}
