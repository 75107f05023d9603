//! Uploading a version and reading the versions: `POST/GET /api/v1/data/datasets/{id}/versions`
//! and `GET /api/v1/data/datasets/{id}/versions/{number}`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use kernel::extract::ApiJson;
use kernel::{AppError, AppResult, AppState, Ctx};

use super::VersionRecord;
use crate::model::ReviewDraft;
use crate::store;

/// `?file_name=` names the uploaded file.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// The file's name as the uploader knows it (`penduduk-2026.csv`).
    pub file_name: Option<String>,
}

/// Uploads a CSV or XLSX file as the body. It is read in the background: the answer (202)
/// says where to follow it; the version becomes current once every row passed, or is refused
/// with the report of every bad row.
#[utoipa::path(post, path = "/api/v1/data/datasets/{id}/versions", tag = "data", params(("id" = String, Path), UploadQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 202, body = VersionRecord), (status = 401), (status = 403), (status = 404), (status = 409, description = "another upload is being read"), (status = 413), (status = 422)))]
pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<UploadQuery>,
    body: Bytes,
) -> AppResult<Response> {
    let row = crate::access::writable(&state, &ctx, &id).await?;
    let p = ctx.require()?;
    let (actor, owner) = (p.actor(), p.user_id);
    let name = q.file_name.unwrap_or_else(|| "data.csv".to_owned());
    let v = crate::version::upload(&state, &actor, row.id, &name, body, Some(owner)).await?;
    let location = format!("/api/v1/data/datasets/{}/versions/{}", row.id, v.number);
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, location)],
        Json(VersionRecord::from(v)),
    )
        .into_response())
}

/// The dataset's versions, newest first.
#[utoipa::path(get, path = "/api/v1/data/datasets/{id}/versions", tag = "data", params(("id" = String, Path)),
    responses((status = 200, body = Vec<VersionRecord>), (status = 401), (status = 404)))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<VersionRecord>>> {
    let r = crate::access::dataset(&state, &ctx, &id).await?;
    let (dataset, viewer) = (r.row.id, r.viewer);
    let versions = state
        .read(move |c| Ok(store::versions(c, dataset)?))
        .await?;
    Ok(Json(
        versions
            .into_iter()
            .map(|v| shown(v.into(), viewer))
            .collect(),
    ))
}

/// A version's variables as this viewer may know them.
fn shown(mut v: VersionRecord, viewer: crate::query::Viewer) -> VersionRecord {
    v.columns.retain(|c| viewer.sees(c));
    v
}

/// One version: where its reading stands, what it changed, or why it was refused.
#[utoipa::path(get, path = "/api/v1/data/datasets/{id}/versions/{number}", tag = "data", params(("id" = String, Path), ("number" = i32, Path)),
    responses((status = 200, body = VersionRecord), (status = 401), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, String)>,
) -> AppResult<Json<VersionRecord>> {
    let r = crate::access::dataset(&state, &ctx, &id).await?;
    let number: i32 = number.parse().map_err(|_| AppError::NotFound)?;
    let (dataset, viewer) = (r.row.id, r.viewer);
    let v = state
        .read(move |c| Ok(store::version_number(c, dataset, number)?))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(shown(v.into(), viewer)))
}

/// The Walidata's (the Dinas's) decision on a public dataset's readable version: `published`
/// puts it on the open-data portal and the CKAN API in place of any older one; `returned`
/// sends it back to the agency with a `note` and takes it off the portal. The agency is told.
#[utoipa::path(post, path = "/api/v1/data/datasets/{id}/versions/{number}/review", tag = "data", params(("id" = String, Path), ("number" = i32, Path)),
    request_body = ReviewDraft,
    responses((status = 200, body = VersionRecord), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, String)>,
    ApiJson(body): ApiJson<ReviewDraft>,
) -> AppResult<Json<VersionRecord>> {
    let row = crate::access::reviewable(&state, &ctx, &id).await?;
    let number: i32 = number.parse().map_err(|_| AppError::NotFound)?;
    let actor = ctx.require()?.actor();
    let v = state
        .write(move |c| crate::service::review(c, &actor, row.id, number, &body))
        .await?;
    Ok(Json(v.into()))
}
