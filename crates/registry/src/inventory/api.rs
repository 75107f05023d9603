//! The inventory's JSON API, the same for vendors, devices and servers:
//! `GET/POST /api/v1/{kind}`, `GET/PUT /api/v1/{kind}/{id}`, `POST /api/v1/{kind}/import`, and
//! `PUT /api/v1/servers/{id}/applications`.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use kernel::extract::{ApiJson, Paging};
use kernel::ids::AgencyId;
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};
use serde::{Deserialize, Serialize};

use super::entity::{Entity, Servers};
use super::pages::ListQuery;
use super::service;

/// A page of records.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    /// This page.
    pub items: Vec<T>,
    /// Matching in all.
    pub total: i64,
    /// Page number.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
}

/// Lists the visible records.
pub async fn list<E: Entity>(
    State(state): State<AppState>,
    ctx: Ctx,
    paging: Paging,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<Page<E::Row>>> {
    let visible = ctx.visible(&crate::INVENTORY)?;
    let (rows, total) = state
        .read(move |c| {
            Ok(E::list(
                c,
                &visible,
                q.q.as_deref(),
                paging.per_page,
                paging.offset(),
            )?)
        })
        .await?;
    Ok(Json(Page {
        items: rows.into_iter().map(|(r, _)| r).collect(),
        total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}

/// Records one for the agency named in the body.
pub async fn create<E: Entity>(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<E::Draft>,
) -> AppResult<(StatusCode, Json<E::Row>)> {
    let agency = AgencyId::parse(E::draft_agency(&body).trim())
        .ok_or_else(|| AppError::field("agency_id", "error-agency-unknown"))?;
    let actor = ctx
        .authorize(&crate::INVENTORY, Access::Write, Scope::Agency(agency))?
        .actor();
    let row = state
        .write(move |c| E::save(c, &actor, None, &body))
        .await?;
    Ok((StatusCode::CREATED, Json(row)))
}

async fn readable<E: Entity>(
    state: &AppState,
    ctx: &Ctx,
    id: String,
    access: Access,
) -> AppResult<E::Row> {
    ctx.require()?;
    let row = state
        .read(move |c| Ok(E::find(c, &id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let agency = AgencyId::parse(E::agency(&row)).ok_or(AppError::NotFound)?;
    if !ctx.can(&crate::INVENTORY, Access::Read, Scope::Agency(agency)) {
        return Err(AppError::NotFound);
    }
    ctx.authorize(&crate::INVENTORY, access, Scope::Agency(agency))?;
    Ok(row)
}

/// One record (404 for one the caller may not read).
pub async fn get<E: Entity>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<E::Row>> {
    Ok(Json(readable::<E>(&state, &ctx, id, Access::Read).await?))
}

/// Replaces a record's fields (its agency stays).
pub async fn update<E: Entity>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<E::Draft>,
) -> AppResult<Json<E::Row>> {
    readable::<E>(&state, &ctx, id.clone(), Access::Write).await?;
    let actor = ctx.require()?.actor();
    let row = state
        .write(move |c| E::save(c, &actor, Some(&id), &body))
        .await?;
    Ok(Json(row))
}

/// The applications to run on a server.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HostedApps {
    /// Application ids.
    pub applications: Vec<String>,
}

/// An application on a server.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HostedApp {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// Sets which applications run on a server.
#[utoipa::path(put, path = "/api/v1/servers/{id}/applications", tag = "registry", params(("id" = String, Path)),
    request_body = HostedApps, responses((status = 200, body = [HostedApp]), (status = 401), (status = 404), (status = 422)))]
pub async fn set_applications(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<HostedApps>,
) -> AppResult<Json<Vec<HostedApp>>> {
    readable::<Servers>(&state, &ctx, id.clone(), Access::Write).await?;
    let actor = ctx.require()?.actor();
    let after = state
        .write(move |c| service::set_applications(c, &actor, &id, &body.applications))
        .await?;
    Ok(Json(
        after
            .into_iter()
            .map(|(id, name)| HostedApp { id, name })
            .collect(),
    ))
}

/// Imports applications (as drafts, or corrections where a row has an `id`) from a CSV or XLSX
/// body, all or nothing; `?dry_run=true` only checks.
#[utoipa::path(post, path = "/api/v1/applications/import", tag = "registry",
    params(("dry_run" = Option<bool>, Query)), request_body(content = Vec<u8>, content_type = "text/csv"),
    responses((status = 201, body = crate::inventory::import_pages::ImportResult), (status = 400), (status = 422)))]
pub async fn import_applications(
    s: State<AppState>,
    c: Ctx,
    q: Query<crate::inventory::import_pages::ApiImportQuery>,
    b: axum::body::Bytes,
) -> AppResult<(
    StatusCode,
    Json<crate::inventory::import_pages::ImportResult>,
)> {
    crate::inventory::import_pages::api(s, c, Path("applications".to_owned()), q, b).await
}

/// The OpenAPI operations of one kind (utoipa documents concrete functions, so each kind
/// gets thin named wrappers around the generic handlers).
macro_rules! documented {
    ($module:ident, $entity:ty, $draft:ty, $row:ty, $path:literal) => {
        /// Documented handlers of one kind.
        pub mod $module {
            use super::*;
            use crate::inventory::import_pages::{ImportResult, ApiImportQuery};

            /// Lists them.
            #[utoipa::path(get, path = concat!("/api/v1/", $path), tag = "registry",
                params(("q" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
                responses((status = 200, body = Page<$row>), (status = 401)))]
            pub async fn list(s: State<AppState>, c: Ctx, p: Paging, q: Query<ListQuery>) -> AppResult<Json<Page<$row>>> {
                super::list::<$entity>(s, c, p, q).await
            }
            /// Records one.
            #[utoipa::path(post, path = concat!("/api/v1/", $path), tag = "registry", request_body = $draft,
                responses((status = 201, body = $row), (status = 401), (status = 403), (status = 422)))]
            pub async fn create(s: State<AppState>, c: Ctx, b: ApiJson<$draft>) -> AppResult<(StatusCode, Json<$row>)> {
                super::create::<$entity>(s, c, b).await
            }
            /// Shows one.
            #[utoipa::path(get, path = concat!("/api/v1/", $path, "/{id}"), tag = "registry", params(("id" = String, Path)),
                responses((status = 200, body = $row), (status = 401), (status = 404)))]
            pub async fn get(s: State<AppState>, c: Ctx, id: Path<String>) -> AppResult<Json<$row>> {
                super::get::<$entity>(s, c, id).await
            }
            /// Corrects one.
            #[utoipa::path(put, path = concat!("/api/v1/", $path, "/{id}"), tag = "registry", params(("id" = String, Path)),
                request_body = $draft, responses((status = 200, body = $row), (status = 401), (status = 404), (status = 422)))]
            pub async fn update(s: State<AppState>, c: Ctx, id: Path<String>, b: ApiJson<$draft>) -> AppResult<Json<$row>> {
                super::update::<$entity>(s, c, id, b).await
            }
            /// Imports a CSV or XLSX file (the body), all or nothing; `?dry_run=true` only checks.
            #[utoipa::path(post, path = concat!("/api/v1/", $path, "/import"), tag = "registry",
                params(("dry_run" = Option<bool>, Query)), request_body(content = Vec<u8>, content_type = "text/csv"),
                responses((status = 201, body = ImportResult), (status = 200, body = ImportResult), (status = 400), (status = 422)))]
            pub async fn import(s: State<AppState>, c: Ctx, q: Query<ApiImportQuery>, b: axum::body::Bytes) -> AppResult<(StatusCode, Json<ImportResult>)> {
                crate::inventory::import_pages::api(s, c, Path($path.to_owned()), q, b).await
            }
        }
    };
}

documented!(
    vendors,
    crate::inventory::entity::Vendors,
    crate::inventory::VendorDraft,
    crate::inventory::store::VendorRow,
    "vendors"
);
documented!(
    devices,
    crate::inventory::entity::Devices,
    crate::inventory::DeviceDraft,
    crate::inventory::store::DeviceRow,
    "devices"
);
documented!(
    servers,
    crate::inventory::entity::Servers,
    crate::inventory::ServerDraft,
    crate::inventory::store::ServerRow,
    "servers"
);
