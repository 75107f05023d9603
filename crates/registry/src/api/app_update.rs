//! `PUT /api/v1/applications/{id}`: the agency corrects an application (a registered one goes
//! back to the Dinas for review).

use axum::Json;
use axum::extract::{Path, State};
use kernel::extract::ApiJson;
use kernel::permissions::Access;
use kernel::{AppResult, AppState, Ctx};

use super::ApplicationRecord;
use crate::model::ApplicationDraft;
use crate::pages::app_form::find_for;
use crate::service;

/// Corrects an application.
#[utoipa::path(put, path = "/api/v1/applications/{id}", tag = "registry", params(("id" = String, Path)),
    request_body = ApplicationDraft,
    responses((status = 200, body = ApplicationRecord), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ApplicationDraft>,
) -> AppResult<Json<ApplicationRecord>> {
    let app = find_for(&state, &ctx, &id, Access::Write).await?;
    let actor = ctx.require()?.actor();
    let row = state
        .write(move |c| service::update(c, &actor, app.id, &body))
        .await?;
    Ok(Json(row.into()))
}
