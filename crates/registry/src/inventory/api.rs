//! The inventory's JSON API, the same for vendors, devices and servers:
//! `GET/POST /api/v1/{kind}`, `GET/PUT /api/v1/{kind}/{id}`, `POST /api/v1/{kind}/import`, and
//! `PUT /api/v1/servers/{id}/applications`.

use crate::lookups::Lookups;
use axum::Json;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use kernel::extract::ApiJson;
use kernel::ids::AgencyId;
use kernel::listing::Page;
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};
use serde::{Deserialize, Serialize};

use chrono::{NaiveDate, NaiveDateTime};

use super::entity::{Entity, Servers};
use super::store::{DeviceRow, ServerRow, VendorRow};
use super::{DeviceId, DeviceKind, ServerId, ServerKind, Site, VendorId, service};
use crate::model::{ApplicationId, Funding};

/// A vendor as the API shows it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = Vendor)]
pub struct VendorRecord {
    /// Id.
    pub id: VendorId,
    /// Contracting agency.
    pub agency_id: AgencyId,
    /// Company.
    pub name: String,
    /// Contract number.
    pub contract_number: String,
    /// Contract start.
    pub contract_start: NaiveDate,
    /// Contract end.
    pub contract_end: NaiveDate,
    /// Application served.
    pub application_id: Option<ApplicationId>,
    /// Confidentiality duty signed (KT 8.3).
    pub confidentiality_signed: bool,
    /// Training given (BT 18.5).
    pub training_given: bool,
    /// Warranty or maintenance period end.
    pub warranty_until: Option<NaiveDate>,
    /// Created.
    #[serde(serialize_with = "kernel::api::utc")]
    pub created_at: NaiveDateTime,
    /// By.
    pub created_by: String,
    /// Updated.
    #[serde(serialize_with = "kernel::api::utc")]
    pub updated_at: NaiveDateTime,
    /// By.
    pub updated_by: String,
}

impl From<VendorRow> for VendorRecord {
    fn from(r: VendorRow) -> Self {
        Self {
            id: r.id,
            agency_id: r.agency_id,
            name: r.name,
            contract_number: r.contract_number,
            contract_start: r.contract_start,
            contract_end: r.contract_end,
            application_id: r.application_id,
            confidentiality_signed: r.confidentiality_signed,
            training_given: r.training_given,
            warranty_until: r.warranty_until,
            created_at: r.created_at,
            created_by: r.created_by,
            updated_at: r.updated_at,
            updated_by: r.updated_by,
        }
    }
}

/// A device as the API shows it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = Device)]
pub struct DeviceRecord {
    /// Id.
    pub id: DeviceId,
    /// Owner agency.
    pub agency_id: AgencyId,
    /// Kind.
    pub kind: DeviceKind,
    /// Name or model.
    pub name: String,
    /// Serial.
    pub serial: Option<String>,
    /// Acquired.
    pub acquired_on: Option<NaiveDate>,
    /// Funding source.
    pub funding_source: Funding,
    /// Location.
    pub location: String,
    /// Maintenance interval (months).
    pub maintenance_months: Option<i32>,
    /// Last maintained.
    pub last_maintained_on: Option<NaiveDate>,
    /// Retired.
    pub retired: bool,
    /// Created.
    #[serde(serialize_with = "kernel::api::utc")]
    pub created_at: NaiveDateTime,
    /// By.
    pub created_by: String,
    /// Updated.
    #[serde(serialize_with = "kernel::api::utc")]
    pub updated_at: NaiveDateTime,
    /// By.
    pub updated_by: String,
}

impl From<DeviceRow> for DeviceRecord {
    fn from(r: DeviceRow) -> Self {
        Self {
            id: r.id,
            agency_id: r.agency_id,
            kind: r.kind,
            name: r.name,
            serial: r.serial,
            acquired_on: r.acquired_on,
            funding_source: r.funding_source,
            location: r.location,
            maintenance_months: r.maintenance_months,
            last_maintained_on: r.last_maintained_on,
            retired: r.retired,
            created_at: r.created_at,
            created_by: r.created_by,
            updated_at: r.updated_at,
            updated_by: r.updated_by,
        }
    }
}

/// A server as the API shows it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = Server)]
pub struct ServerRecord {
    /// Id.
    pub id: ServerId,
    /// Owner agency.
    pub agency_id: AgencyId,
    /// Host name.
    pub name: String,
    /// Physical or virtual.
    pub kind: ServerKind,
    /// Site.
    pub site: Site,
    /// Rack or cluster.
    pub rack_or_cluster: String,
    /// Cores.
    pub cpu_cores: i32,
    /// Memory (GB).
    pub memory_gb: i32,
    /// Storage (GB).
    pub storage_gb: i32,
    /// Retired.
    pub retired: bool,
    /// Created.
    #[serde(serialize_with = "kernel::api::utc")]
    pub created_at: NaiveDateTime,
    /// By.
    pub created_by: String,
    /// Updated.
    #[serde(serialize_with = "kernel::api::utc")]
    pub updated_at: NaiveDateTime,
    /// By.
    pub updated_by: String,
}

impl From<ServerRow> for ServerRecord {
    fn from(r: ServerRow) -> Self {
        Self {
            id: r.id,
            agency_id: r.agency_id,
            name: r.name,
            kind: r.kind,
            site: r.site,
            rack_or_cluster: r.rack_or_cluster,
            cpu_cores: r.cpu_cores,
            memory_gb: r.memory_gb,
            storage_gb: r.storage_gb,
            retired: r.retired,
            created_at: r.created_at,
            created_by: r.created_by,
            updated_at: r.updated_at,
            updated_by: r.updated_by,
        }
    }
}

/// Lists the visible records.
pub async fn list<E: Entity>(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<Page<E::Out>>> {
    let visible = ctx.visible(&crate::INVENTORY)?;
    let q = E::LISTING.read_api(raw.as_deref())?;
    let query = q.clone();
    let (rows, total) = state
        .read(move |c| Ok(E::list(c, &visible, &query)?))
        .await?;
    Ok(E::LISTING.json(&q, rows.into_iter().map(Into::into).collect(), total))
}

/// Records one for the agency named in the body.
pub async fn create<E: Entity>(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<E::Draft>,
) -> AppResult<(StatusCode, Json<E::Out>)> {
    let p = ctx.authorize_new(&crate::INVENTORY, E::draft_agency(&body))?;
    let actor = p.actor();
    let region = ctx.can(&crate::INVENTORY, Access::Write, Scope::Region);
    let row = state
        .write(move |c| E::save(c, &mut Lookups::default(), &actor, region, None, &body))
        .await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

async fn readable<E: Entity>(
    state: &AppState,
    ctx: &Ctx,
    id: String,
    access: Access,
) -> AppResult<E::Row> {
    ctx.require()?;
    let id = E::parse_id(&id).ok_or(AppError::NotFound)?;
    let row = state
        .read(move |c| Ok(E::find(c, id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    ctx.authorize_record(&crate::INVENTORY, access, E::agency(&row))?;
    Ok(row)
}

/// One record (404 for one the caller may not read).
pub async fn get<E: Entity>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<E::Out>> {
    Ok(Json(
        readable::<E>(&state, &ctx, id, Access::Read).await?.into(),
    ))
}

/// Replaces a record's fields (its agency stays).
pub async fn update<E: Entity>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<E::Draft>,
) -> AppResult<Json<E::Out>> {
    let before = readable::<E>(&state, &ctx, id, Access::Write).await?;
    let actor = ctx.require()?.actor();
    let target = E::id(&before);
    let region = ctx.can(&crate::INVENTORY, Access::Write, Scope::Region);
    let row = state
        .write(move |c| {
            E::save(
                c,
                &mut Lookups::default(),
                &actor,
                region,
                Some(target),
                &body,
            )
        })
        .await?;
    Ok(Json(row.into()))
}

/// The applications to run on a server.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HostedApps {
    /// Application ids.
    pub applications: Vec<ApplicationId>,
}

/// An application on a server.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HostedApp {
    /// Id.
    pub id: ApplicationId,
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
    let server = readable::<Servers>(&state, &ctx, id, Access::Write).await?;
    let (actor, may) = super::service::placing_applications(&ctx)?;
    let after = state
        .write(move |c| service::set_applications(c, &actor, server.id, &body.applications, may))
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
    params(("dry_run" = Option<bool>, Query), ("existing" = Option<String>, Query, description = "refuse (default), update or skip: a row whose record its agency already has (same serial number, host name, contract number or application name)")), request_body(content((String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
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
                params(("q" = Option<String>, Query), ("sort" = Option<String>, Query, description = "name (the default); -name for descending"),
                       ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
                responses((status = 200, body = Page<$row>), (status = 400), (status = 401)))]
            pub async fn list(s: State<AppState>, c: Ctx, q: RawQuery) -> AppResult<Json<Page<$row>>> {
                super::list::<$entity>(s, c, q).await
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
                params(("dry_run" = Option<bool>, Query), ("existing" = Option<String>, Query, description = "refuse (default), update or skip: a row whose record its agency already has (same serial number, host name, contract number or application name)")), request_body(content((String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
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
    crate::inventory::api::VendorRecord,
    "vendors"
);
documented!(
    devices,
    crate::inventory::entity::Devices,
    crate::inventory::DeviceDraft,
    crate::inventory::api::DeviceRecord,
    "devices"
);
documented!(
    servers,
    crate::inventory::entity::Servers,
    crate::inventory::ServerDraft,
    crate::inventory::api::ServerRecord,
    "servers"
);
