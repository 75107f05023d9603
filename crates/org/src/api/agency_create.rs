//! `POST /api/v1/agencies`: the Dinas registers an agency.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kernel::extract::ApiJson;
use kernel::permissions::{Access, Scope};
use kernel::{AppResult, AppState, Ctx};

use super::{Agency, AgencyInput};
use crate::service;

/// Creates an agency.
#[utoipa::path(post, path = "/api/v1/agencies", tag = "organisation", request_body = AgencyInput,
    responses((status = 201, body = Agency), (status = 400), (status = 401), (status = 403), (status = 409), (status = 422)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<AgencyInput>,
) -> AppResult<(StatusCode, Json<Agency>)> {
    let actor = ctx
        .authorize(&crate::AGENCIES, Access::Write, Scope::Region)?
        .actor();
    let draft = input.into();
    let row = state
        .write(move |c| service::create_agency(c, &actor, &draft))
        .await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}
