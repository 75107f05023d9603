//! `POST /api/v1/applications`: an agency records an application (a draft until submitted).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kernel::extract::ApiJson;
use kernel::ids::AgencyId;
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};

use super::ApplicationRecord;
use crate::model::ApplicationDraft;
use crate::service;

/// Records an application.
#[utoipa::path(post, path = "/api/v1/applications", tag = "registry", request_body = ApplicationDraft,
    responses((status = 201, body = ApplicationRecord), (status = 401), (status = 403), (status = 422)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<ApplicationDraft>,
) -> AppResult<(StatusCode, Json<ApplicationRecord>)> {
    // A named agency must be writable; a blank or malformed one is the validation's to report,
    // to someone who may register applications at all.
    let p = match AgencyId::parse(&body.agency_id) {
        Some(a) => ctx.authorize(&crate::APPLICATIONS, Access::Write, Scope::Agency(a))?,
        None if ctx.can_write_any(&crate::APPLICATIONS) => ctx.require()?,
        None => return Err(ctx.require().err().unwrap_or(AppError::Forbidden)),
    };
    let actor = p.actor();
    let row = state
        .write(move |c| service::create(c, &actor, &body))
        .await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}
