//! Requests for a name through the API: `GET/POST /api/v1/dns/requests`,
//! `GET /api/v1/dns/requests/{id}` and `POST /api/v1/dns/requests/{id}/decision`.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use chrono::{NaiveDate, NaiveDateTime};
use kernel::extract::ApiJson;
use kernel::ids::AgencyId;
use kernel::listing::Page;
use kernel::permissions::{Access, Scope};
use kernel::{AppResult, AppState, Ctx};

use crate::request::{DecisionDraft, RequestDraft, RequestId, RequestKind, RequestStatus};
use crate::request_pages::{LIST, readable};
use crate::service;
use crate::store::{self, RequestRow};

/// A request for a name as the API shows it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = DomainRequest)]
pub struct RequestOut {
    /// Id.
    pub id: RequestId,
    /// The number people read (`SD-2026-0001`).
    pub number: String,
    /// The agency asking.
    pub agency_id: AgencyId,
    /// A subdomain, or a separate domain.
    pub kind: RequestKind,
    /// The subdomain's label, or the separate domain.
    pub name: String,
    /// What it is for.
    pub purpose: String,
    /// Where it points once granted.
    pub target: String,
    /// Where it stands.
    pub status: RequestStatus,
    /// The body that decided (`kepala-dinas`, `bupati`, `dinas`).
    pub decided_by: Option<String>,
    /// The decision's number.
    pub decision_number: Option<String>,
    /// The decision's date.
    pub decision_date: Option<NaiveDate>,
    /// The reason of a refusal, or a note.
    pub reason: Option<String>,
    /// When it was asked (UTC).
    #[serde(serialize_with = "kernel::api::utc")]
    pub submitted_at: NaiveDateTime,
    /// When the decision was recorded (UTC).
    #[serde(serialize_with = "kernel::api::utc_opt")]
    pub decided_at: Option<NaiveDateTime>,
    /// Whether it was (or still is) past the 48-hour service level.
    pub late: bool,
}

impl From<RequestRow> for RequestOut {
    fn from(r: RequestRow) -> Self {
        let late = matches!(
            crate::request::clock(r.submitted_at, r.decided_at, db::now()),
            crate::request::Clock::Late(_) | crate::request::Clock::DecidedLate(_)
        );
        Self {
            id: r.id,
            number: r.number,
            agency_id: r.agency_id,
            kind: r.kind,
            name: r.name,
            purpose: r.purpose,
            target: r.target,
            status: r.status,
            decided_by: r.decided_by,
            decision_number: r.decision_number,
            decision_date: r.decision_date,
            reason: r.reason,
            submitted_at: r.submitted_at,
            decided_at: r.decided_at,
            late,
        }
    }
}

/// The requests the caller may read (an agency its own; the Dinas every one).
#[utoipa::path(get, path = "/api/v1/dns/requests", tag = "domains",
    params(("q" = Option<String>, Query), ("agency_id" = Option<String>, Query), ("status" = Option<String>, Query),
           ("sort" = Option<String>, Query, description = "submitted, name, -submitted (the default) or -name"),
           ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = Page<RequestOut>), (status = 400), (status = 401)))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<Page<RequestOut>>> {
    let visible = ctx.visible(&crate::REQUESTS)?;
    let q = LIST.read_api(raw.as_deref())?;
    let query = q.clone();
    let (rows, total) = state
        .read(move |c| Ok(store::requests(c, &visible, &query)?))
        .await?;
    Ok(LIST.json(&q, rows.into_iter().map(Into::into).collect(), total))
}

/// Asks for a name for an agency the caller writes for; the Dinas is told.
#[utoipa::path(post, path = "/api/v1/dns/requests", tag = "domains", request_body = RequestDraft,
    responses((status = 201, body = RequestOut), (status = 401), (status = 403), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<RequestDraft>,
) -> AppResult<(StatusCode, Json<RequestOut>)> {
    let actor = ctx
        .authorize_new(&crate::REQUESTS, &body.agency_id)?
        .actor();
    let row = state.write(move |c| service::ask(c, &actor, &body)).await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// One request (404 for one the caller may not read).
#[utoipa::path(get, path = "/api/v1/dns/requests/{id}", tag = "domains", params(("id" = String, Path)),
    responses((status = 200, body = RequestOut), (status = 401), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<RequestOut>> {
    Ok(Json(readable(&state, &ctx, &id).await?.into()))
}

/// Records the decision of the body the regulation names (the Dinas): a granted subdomain
/// with a target gets its DNS record.
#[utoipa::path(post, path = "/api/v1/dns/requests/{id}/decision", tag = "domains", params(("id" = String, Path)), request_body = DecisionDraft,
    responses((status = 200, body = RequestOut), (status = 401), (status = 403), (status = 404), (status = 409, description = "already decided"), (status = 422)))]
pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DecisionDraft>,
) -> AppResult<Json<RequestOut>> {
    let row = readable(&state, &ctx, &id).await?;
    let actor = ctx
        .authorize(&crate::REQUESTS, Access::Write, Scope::Region)?
        .actor();
    let id = row.id;
    let row = state
        .write(move |c| service::decide(c, &actor, id, &body))
        .await?;
    Ok(Json(row.into()))
}

/// Withdraws a request still waiting for its decision (the agency, or the Dinas); the name is
/// free to ask for again.
#[utoipa::path(post, path = "/api/v1/dns/requests/{id}/withdrawal", tag = "domains", params(("id" = String, Path)),
    responses((status = 200, body = RequestOut), (status = 401), (status = 403), (status = 404), (status = 409, description = "already decided or withdrawn")))]
pub async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<RequestOut>> {
    let row = readable(&state, &ctx, &id).await?;
    let actor = ctx
        .authorize(
            &crate::REQUESTS,
            Access::Write,
            Scope::Agency(row.agency_id),
        )?
        .actor();
    let id = row.id;
    let row = state
        .write(move |c| service::withdraw(c, &actor, id))
        .await?;
    Ok(Json(row.into()))
}
