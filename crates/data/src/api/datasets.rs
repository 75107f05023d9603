//! `GET/POST /api/v1/data/datasets`, `GET/PUT /api/v1/data/datasets/{id}` and the dataset's
//! variables, Wali Data and indicators. `{id}` is the dataset's id or its slug.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use kernel::extract::ApiJson;
use kernel::listing::Page;
use kernel::{AppResult, AppState, Ctx};

use super::DatasetRecord;
use crate::model::{DatasetDraft, IndicatorDraft, WaliDraft};
use crate::pages::{LIST, read_list};
use crate::service;
use crate::variables::{Column, ColumnDraft};

/// The datasets the caller may read (their agencies' and every public one), a page at a time.
#[utoipa::path(get, path = "/api/v1/data/datasets", tag = "data",
    params(("q" = Option<String>, Query, description = "part of the title or a tag"), ("agency_id" = Option<String>, Query),
           ("topic" = Option<String>, Query), ("classification" = Option<String>, Query),
           ("due" = Option<String>, Query, description = "overdue or current"),
           ("sort" = Option<String>, Query, description = "title (the default), due, updated; - for descending"),
           ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = Page<DatasetRecord>), (status = 400), (status = 401)))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<Page<DatasetRecord>>> {
    ctx.require()?;
    let q = LIST.read_api(raw.as_deref())?;
    let (rows, total, _) = read_list(&state, &ctx, &q).await?;
    let today = crate::today(&state).await;
    Ok(LIST.json(
        &q,
        rows.into_iter()
            .map(|(r, ..)| DatasetRecord::of(r, today))
            .collect(),
        total,
    ))
}

/// Records a dataset for an agency (its operator or Wali Data, or the Dinas).
#[utoipa::path(post, path = "/api/v1/data/datasets", tag = "data", request_body = DatasetDraft,
    responses((status = 201, body = DatasetRecord), (status = 401), (status = 403), (status = 409), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<DatasetDraft>,
) -> AppResult<(StatusCode, Json<DatasetRecord>)> {
    let actor = ctx
        .authorize_new(&crate::DATASETS, &body.agency_id)?
        .actor();
    let visible = ctx.visible(&crate::DATASETS)?;
    let row = state
        .write(move |c| service::create(c, &actor, &body, &visible))
        .await?;
    let today = crate::today(&state).await;
    Ok((StatusCode::CREATED, Json(DatasetRecord::of(row, today))))
}

/// One dataset.
#[utoipa::path(get, path = "/api/v1/data/datasets/{id}", tag = "data", params(("id" = String, Path, description = "id or slug")),
    responses((status = 200, body = DatasetRecord), (status = 401), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<DatasetRecord>> {
    let r = crate::access::dataset(&state, &ctx, &id).await?;
    Ok(Json(DatasetRecord::of(r.row, crate::today(&state).await)))
}

/// Rewrites a dataset's description (its agency stays).
#[utoipa::path(put, path = "/api/v1/data/datasets/{id}", tag = "data", params(("id" = String, Path)), request_body = DatasetDraft,
    responses((status = 200, body = DatasetRecord), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn put(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DatasetDraft>,
) -> AppResult<Json<DatasetRecord>> {
    let row = crate::access::writable(&state, &ctx, &id).await?;
    let actor = ctx.require()?.actor();
    let visible = ctx.visible(&crate::DATASETS)?;
    let row = state
        .write(move |c| service::update(c, &actor, row.id, &body, &visible))
        .await?;
    Ok(Json(DatasetRecord::of(row, crate::today(&state).await)))
}

/// The variables new uploads are checked against.
#[derive(Debug, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnsBody {
    /// In column order.
    pub columns: Vec<ColumnDraft>,
}

/// The variables as stored.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ColumnsOut {
    /// In column order.
    pub columns: Vec<Column>,
}

/// The dataset's variables (BPS MS-Var).
#[utoipa::path(get, path = "/api/v1/data/datasets/{id}/columns", tag = "data", params(("id" = String, Path)),
    responses((status = 200, body = ColumnsOut), (status = 401), (status = 404)))]
pub async fn columns(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<ColumnsOut>> {
    let r = crate::access::dataset(&state, &ctx, &id).await?;
    let (dataset, viewer) = (r.row.id, r.viewer);
    let columns = state
        .read(move |c| Ok(crate::store::columns(c, dataset)?))
        .await?;
    Ok(Json(ColumnsOut {
        columns: columns.into_iter().filter(|c| viewer.sees(c)).collect(),
    }))
}

/// Replaces the variables (versions already read keep theirs).
#[utoipa::path(put, path = "/api/v1/data/datasets/{id}/columns", tag = "data", params(("id" = String, Path)), request_body = ColumnsBody,
    responses((status = 200, body = ColumnsOut), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn put_columns(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ColumnsBody>,
) -> AppResult<Json<ColumnsOut>> {
    let row = crate::access::writable(&state, &ctx, &id).await?;
    let actor = ctx.require()?.actor();
    let columns = state
        .write(move |c| {
            service::set_columns(c, &actor, row.id, &body.columns)?;
            Ok(crate::store::columns(c, row.id)?)
        })
        .await?;
    Ok(Json(ColumnsOut { columns }))
}

/// Records the Wali Data appointed by decision (one of the agency's staff).
#[utoipa::path(put, path = "/api/v1/data/datasets/{id}/wali", tag = "data", params(("id" = String, Path)), request_body = WaliDraft,
    responses((status = 200, body = DatasetRecord), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn put_wali(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<WaliDraft>,
) -> AppResult<Json<DatasetRecord>> {
    let row = crate::access::writable(&state, &ctx, &id).await?;
    let actor = ctx.require()?.actor();
    let today = crate::today(&state).await;
    let row = state
        .write(move |c| service::appoint(c, &actor, row.id, &body, today))
        .await?;
    Ok(Json(DatasetRecord::of(row, today)))
}

/// Adds an indicator computed from the dataset (BPS MS-Ind).
#[utoipa::path(post, path = "/api/v1/data/datasets/{id}/indicators", tag = "data", params(("id" = String, Path)), request_body = IndicatorDraft,
    responses((status = 201, body = DatasetRecord), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn add_indicator(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<IndicatorDraft>,
) -> AppResult<(StatusCode, Json<DatasetRecord>)> {
    let row = crate::access::writable(&state, &ctx, &id).await?;
    let actor = ctx.require()?.actor();
    let row = state
        .write(move |c| service::add_indicator(c, &actor, row.id, &body))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(DatasetRecord::of(row, crate::today(&state).await)),
    ))
}
