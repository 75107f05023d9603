//! The technical documents of an application through the API: every version, and a new one.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use kernel::permissions::Access;
use kernel::{AppError, AppResult, AppState, Ctx};
use serde::Deserialize;

use super::DocumentRecord;
use crate::model::DocumentKind;
use crate::pages::app_form::find_for;
use crate::store;

/// Every version of every document of an application, newest first.
#[utoipa::path(get, path = "/api/v1/applications/{id}/documents", tag = "registry", params(("id" = String, Path)),
    responses((status = 200, body = Vec<DocumentRecord>), (status = 401), (status = 404)))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<DocumentRecord>>> {
    let app = find_for(&state, &ctx, &id, Access::Read).await?;
    let docs = state.read(move |c| Ok(store::docs_of(c, app.id)?)).await?;
    Ok(Json(docs.into_iter().map(Into::into).collect()))
}

/// The name of the uploaded file.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// The file's name as the people downloading it should see it (`manual.pdf`).
    pub filename: String,
}

/// Hands over a new version of one of the technical documents: the body is the file itself,
/// with its own `Content-Type` (at most 19 MiB).
#[utoipa::path(post, path = "/api/v1/applications/{id}/documents/{kind}", tag = "registry",
    params(("id" = String, Path), ("kind" = DocumentKind, Path), UploadQuery),
    request_body(content((String = "application/octet-stream")), description = "The file"),
    responses((status = 201, body = DocumentRecord), (status = 401), (status = 403), (status = 404), (status = 409),
              (status = 413), (status = 422)))]
pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, kind)): Path<(String, String)>,
    Query(q): Query<UploadQuery>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> AppResult<(StatusCode, Json<DocumentRecord>)> {
    let app = find_for(&state, &ctx, &id, Access::Write).await?;
    let actor = ctx.require()?.actor();
    let kind =
        DocumentKind::parse(&kind).ok_or_else(|| AppError::field("kind", "error-document-kind"))?;
    let name = q.filename.trim().to_owned();
    if name.is_empty() {
        return Err(AppError::field("filename", "error-required"));
    }
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    let row =
        crate::pages::document::save(&state, actor, app.id, kind, (name, media, body)).await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}
