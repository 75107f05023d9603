//! Hosting requests' API: `GET/POST /api/v1/hosting-requests`,
//! `GET /api/v1/hosting-requests/{id}` and `POST /api/v1/hosting-requests/{id}/{action}`.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use kernel::extract::ApiJson;
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};

use super::pages::{DecisionForm, readable, take};
use chrono::NaiveDateTime;
use kernel::ids::AgencyId;

use super::store::{self, HostingRow};
use super::{Decision, HostingDraft, HostingRequestId, HostingStatus, service};
use crate::inventory::ServerId;
use kernel::listing::Page;

use super::pages::LIST;
use crate::model::ApplicationId;

/// A hosting request as the API shows it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = HostingRequest)]
pub struct HostingRecord {
    /// Id.
    pub id: HostingRequestId,
    /// The requesting agency.
    pub agency_id: AgencyId,
    /// The application to host.
    pub application_id: ApplicationId,
    /// CPU cores.
    pub cpu_cores: i32,
    /// Memory (GB).
    pub memory_gb: i32,
    /// Storage (GB).
    pub storage_gb: i32,
    /// What it is for.
    pub note: String,
    /// Where it stands.
    pub status: HostingStatus,
    /// The server it was placed on.
    pub server_id: Option<ServerId>,
    /// The reason given with a rejection or withdrawal, or the Dinas's note with an approval.
    pub decision_note: Option<String>,
    /// Asked.
    #[serde(serialize_with = "kernel::api::utc")]
    pub created_at: NaiveDateTime,
    /// By.
    pub created_by: String,
    /// Decided.
    #[serde(serialize_with = "kernel::api::utc_opt")]
    pub decided_at: Option<NaiveDateTime>,
    /// By.
    pub decided_by: Option<String>,
}

impl From<HostingRow> for HostingRecord {
    fn from(r: HostingRow) -> Self {
        Self {
            id: r.id,
            agency_id: r.agency_id,
            application_id: r.application_id,
            cpu_cores: r.cpu_cores,
            memory_gb: r.memory_gb,
            storage_gb: r.storage_gb,
            note: r.note,
            status: r.status,
            server_id: r.server_id,
            decision_note: r.decision_note,
            created_at: r.created_at,
            created_by: r.created_by,
            decided_at: r.decided_at,
            decided_by: r.decided_by,
        }
    }
}

/// Lists the requests the caller may see, newest first.
#[utoipa::path(get, path = "/api/v1/hosting-requests", tag = "registry",
    params(("status" = Option<String>, Query), ("sort" = Option<String>, Query, description = "-created (newest first, the default) or created"),
           ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = Page<HostingRecord>), (status = 400), (status = 401)))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<Page<HostingRecord>>> {
    let visible = ctx.visible(&crate::HOSTING)?;
    let q = LIST.read_api(raw.as_deref())?;
    let query = q.clone();
    let (rows, total) = state
        .read(move |c| Ok(store::list(c, &visible, &query)?))
        .await?;
    Ok(LIST.json(
        &q,
        rows.into_iter().map(|(r, ..)| r.into()).collect(),
        total,
    ))
}

/// Asks for hosting in the Dinas's data center for one of the caller's applications.
#[utoipa::path(post, path = "/api/v1/hosting-requests", tag = "registry", request_body = HostingDraft,
    responses((status = 201, body = HostingRecord), (status = 401), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<HostingDraft>,
) -> AppResult<(StatusCode, Json<HostingRecord>)> {
    let p = ctx.require()?;
    if !ctx.can_write_any(&crate::HOSTING) {
        return Err(AppError::Forbidden);
    }
    let (actor, grants) = (p.actor(), p.grants.clone());
    let row = state
        .write(move |c| {
            service::request(c, &actor, &body, |a| {
                kernel::permissions::allows(
                    &grants,
                    &crate::HOSTING,
                    Access::Write,
                    Scope::Agency(a),
                )
            })
        })
        .await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// One request (404 for one the caller may not read).
#[utoipa::path(get, path = "/api/v1/hosting-requests/{id}", tag = "registry", params(("id" = String, Path)),
    responses((status = 200, body = HostingRecord), (status = 401), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<HostingRecord>> {
    Ok(Json(readable(&state, &ctx, &id).await?.into()))
}

/// Approves (with `server_id`), rejects or withdraws (with a `note`) a pending request.
#[utoipa::path(post, path = "/api/v1/hosting-requests/{id}/{action}", tag = "registry",
    params(("id" = String, Path), ("action" = String, Path, description = "approve, reject or withdraw")),
    request_body = DecisionForm,
    responses((status = 200, body = HostingRecord), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    ApiJson(body): ApiJson<DecisionForm>,
) -> AppResult<Json<HostingRecord>> {
    let row = readable(&state, &ctx, &id).await?;
    let d = Decision::parse(&action).ok_or(AppError::NotFound)?;
    Ok(Json(take(&state, &ctx, &row, d, body).await?.into()))
}
