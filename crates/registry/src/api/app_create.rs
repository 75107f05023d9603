//! `POST /api/v1/applications`: an agency records an application (a draft until submitted).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kernel::extract::ApiJson;
use kernel::ids::AgencyId;
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};

use crate::model::ApplicationDraft;
use crate::service;
use crate::store::ApplicationRow;

/// Records an application.
#[utoipa::path(post, path = "/api/v1/applications", tag = "registry", request_body = ApplicationDraft,
    responses((status = 201, body = ApplicationRow), (status = 401), (status = 403), (status = 422)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<ApplicationDraft>,
) -> AppResult<(StatusCode, Json<ApplicationRow>)> {
    let agency = AgencyId::parse(&body.agency_id)
        .ok_or_else(|| AppError::field("agency_id", "error-agency-unknown"))?;
    let actor = ctx
        .authorize(&crate::APPLICATIONS, Access::Write, Scope::Agency(agency))?
        .actor();
    let row = state
        .write(move |c| service::create(c, &actor, &body))
        .await?;
    Ok((StatusCode::CREATED, Json(row)))
}
