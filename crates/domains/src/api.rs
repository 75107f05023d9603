//! The zone's API: `GET/POST /api/v1/dns/records`, `GET/PUT/DELETE /api/v1/dns/records/{id}`
//! and `GET /api/v1/dns/zone` (the zone file). Responses have their own types, separate from
//! the stored rows.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDateTime;
use kernel::extract::ApiJson;
use kernel::ids::AgencyId;
use kernel::listing::Page;
use kernel::permissions::{Access, Scope};
use kernel::{AppResult, AppState, Ctx};

use crate::model::{RecordDraft, RecordId, RecordType};
use crate::pages::{LIST, readable};
use crate::service;
use crate::store::{self, RecordRow};

/// A DNS record as the API shows it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = DnsRecord)]
pub struct RecordOut {
    /// Id.
    pub id: RecordId,
    /// The agency the name belongs to.
    pub agency_id: AgencyId,
    /// The name inside the zone (`@` for the apex).
    pub name: String,
    /// The record's type.
    pub rtype: RecordType,
    /// As a zone file writes it.
    pub value: String,
    /// Seconds.
    pub ttl: i32,
    /// The decision or request it rests on.
    pub basis: String,
    /// Last changed (UTC).
    #[serde(serialize_with = "kernel::api::utc")]
    pub updated_at: NaiveDateTime,
    /// By whom.
    pub updated_by: String,
}

impl From<RecordRow> for RecordOut {
    fn from(r: RecordRow) -> Self {
        Self {
            id: r.id,
            agency_id: r.agency_id,
            name: r.name,
            rtype: r.rtype,
            value: r.value,
            ttl: r.ttl,
            basis: r.basis,
            updated_at: r.updated_at,
            updated_by: r.updated_by,
        }
    }
}

fn writer(ctx: &Ctx) -> AppResult<kernel::audit::Actor> {
    Ok(ctx
        .authorize(&crate::RECORDS, Access::Write, Scope::Region)?
        .actor())
}

/// The zone's records, a page at a time.
#[utoipa::path(get, path = "/api/v1/dns/records", tag = "domains",
    params(("q" = Option<String>, Query, description = "part of the name or the value"), ("agency_id" = Option<String>, Query),
           ("rtype" = Option<String>, Query), ("sort" = Option<String>, Query, description = "name (the default), updated, -name or -updated"),
           ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = Page<RecordOut>), (status = 400), (status = 401)))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<Page<RecordOut>>> {
    ctx.visible(&crate::RECORDS)?;
    let q = LIST.read_api(raw.as_deref())?;
    let query = q.clone();
    let (rows, total) = state.read(move |c| Ok(store::list(c, &query)?)).await?;
    Ok(LIST.json(&q, rows.into_iter().map(Into::into).collect(), total))
}

/// Adds a record to the zone (the Dinas); the zone's serial rises.
#[utoipa::path(post, path = "/api/v1/dns/records", tag = "domains", request_body = RecordDraft,
    responses((status = 201, body = RecordOut), (status = 401), (status = 403), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<RecordDraft>,
) -> AppResult<(StatusCode, Json<RecordOut>)> {
    let actor = writer(&ctx)?;
    let row = state
        .write(move |c| service::create(c, &actor, &body))
        .await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// One record.
#[utoipa::path(get, path = "/api/v1/dns/records/{id}", tag = "domains", params(("id" = String, Path)),
    responses((status = 200, body = RecordOut), (status = 401), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<RecordOut>> {
    Ok(Json(readable(&state, &ctx, &id).await?.into()))
}

/// Corrects a record (the Dinas).
#[utoipa::path(put, path = "/api/v1/dns/records/{id}", tag = "domains", params(("id" = String, Path)), request_body = RecordDraft,
    responses((status = 200, body = RecordOut), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn put(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RecordDraft>,
) -> AppResult<Json<RecordOut>> {
    let actor = writer(&ctx)?;
    let id = readable(&state, &ctx, &id).await?.id;
    let row = state
        .write(move |c| service::update(c, &actor, id, &body))
        .await?;
    Ok(Json(row.into()))
}

/// Takes a record out of the zone (the Dinas; the audit trail keeps it).
#[utoipa::path(delete, path = "/api/v1/dns/records/{id}", tag = "domains", params(("id" = String, Path)),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let actor = writer(&ctx)?;
    let id = readable(&state, &ctx, &id).await?.id;
    state.write(move |c| service::delete(c, &actor, id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The zone file (RFC 1035), as BIND, NSD or Knot read it.
#[utoipa::path(get, path = "/api/v1/dns/zone", tag = "domains",
    responses((status = 200, content_type = "text/dns", body = String), (status = 401), (status = 422, description = "no region profile yet")))]
pub async fn zone(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.visible(&crate::RECORDS)?;
    let text = state.read(service::export).await?;
    Ok(([(header::CONTENT_TYPE, "text/dns; charset=utf-8")], text).into_response())
}
