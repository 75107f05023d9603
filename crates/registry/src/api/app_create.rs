//! `POST /api/v1/applications`: an agency records an application (a draft until submitted).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kernel::extract::ApiJson;
use kernel::{AppResult, AppState, Ctx};

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
    let p = ctx.authorize_new(&crate::APPLICATIONS, &body.agency_id)?;
    let actor = p.actor();
    let row = state
        .write(move |c| service::create(c, &actor, &body))
        .await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}
