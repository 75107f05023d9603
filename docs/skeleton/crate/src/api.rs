//! Entries' API: `GET/POST /api/v1/example/entries` and `GET /api/v1/example/entries/{id}`.
//! Responses have their own types, separate from the stored rows.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use chrono::NaiveDateTime;
use kernel::extract::ApiJson;
use kernel::ids::AgencyId;
use kernel::listing::Page;
use kernel::{AppResult, AppState, Ctx};

use crate::model::{EntryDraft, EntryId, Status};
use crate::pages::{LIST, readable};
use crate::service;
use crate::store::{self, EntryRow};

/// An entry as the API shows it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ExampleEntry)]
pub struct EntryRecord {
    /// Id.
    pub id: EntryId,
    /// The agency it belongs to.
    pub agency_id: AgencyId,
    /// Name.
    pub name: String,
    /// Where it stands.
    pub status: Status,
    /// Free text.
    pub note: String,
    /// When it was recorded (UTC).
    pub created_at: NaiveDateTime,
    /// By whom.
    pub created_by: String,
}

impl From<EntryRow> for EntryRecord {
    fn from(r: EntryRow) -> Self {
        Self {
            id: r.id,
            agency_id: r.agency_id,
            name: r.name,
            status: r.status,
            note: r.note,
            created_at: r.created_at,
            created_by: r.created_by,
        }
    }
}

/// The entries the caller may read, a page at a time.
#[utoipa::path(get, path = "/api/v1/example/entries", tag = "example",
    params(("q" = Option<String>, Query), ("agency_id" = Option<String>, Query), ("status" = Option<String>, Query),
           ("sort" = Option<String>, Query, description = "name, created, -name or -created (newest first, the default)"),
           ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = Page<EntryRecord>), (status = 400), (status = 401)))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<Page<EntryRecord>>> {
    let visible = ctx.visible(&crate::ENTRIES)?;
    let q = LIST.read_api(raw.as_deref())?;
    let query = q.clone();
    let (rows, total) = state
        .read(move |c| Ok(store::list(c, &visible, &query)?))
        .await?;
    Ok(LIST.json(&q, rows.into_iter().map(Into::into).collect(), total))
}

/// Records an entry for an agency the caller writes for.
#[utoipa::path(post, path = "/api/v1/example/entries", tag = "example", request_body = EntryDraft,
    responses((status = 201, body = EntryRecord), (status = 401), (status = 403), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<EntryDraft>,
) -> AppResult<(StatusCode, Json<EntryRecord>)> {
    let actor = ctx.authorize_new(&crate::ENTRIES, &body.agency_id)?.actor();
    let row = state
        .write(move |c| service::create(c, &actor, &body))
        .await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// One entry (404 for one the caller may not read).
#[utoipa::path(get, path = "/api/v1/example/entries/{id}", tag = "example", params(("id" = String, Path)),
    responses((status = 200, body = EntryRecord), (status = 401), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<EntryRecord>> {
    Ok(Json(readable(&state, &ctx, &id).await?.into()))
}
