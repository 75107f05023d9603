//! `POST /api/v1/people/import`: a CSV of people, all or nothing; an operator may only
//! import into their own agency.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use kernel::{AppError, AppResult, AppState, Ctx};

use crate::import;

/// `?existing=`: what to do with a row whose person is already recorded.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `refuse` (the default: the file is refused naming such lines), `update` or `skip`.
    existing: Option<String>,
    /// `true`: check every row and count what would be done, writing nothing.
    dry_run: Option<bool>,
}

/// What a people import did.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PeopleImported {
    /// People added.
    pub imported: usize,
    /// Recorded people (same NIP, or NIK) updated from their row.
    pub updated: usize,
    /// Recorded people left as they were.
    pub skipped: usize,
    /// Only checked and counted: nothing was written.
    pub dry_run: bool,
}

/// Imports people from CSV (`agency_code,name,kind,nip,nik,position,email,phone`); a row
/// whose person is already recorded (the same NIP, or else NIK) in an agency the caller keeps
/// is refused, updates that person or is skipped, as `existing` says.
#[utoipa::path(post, path = "/api/v1/people/import", tag = "organisation", params(ImportQuery),
    request_body(content((String = "text/csv"))),
    responses((status = 200, body = PeopleImported), (status = 400), (status = 401), (status = 422, description = "every bad line listed; nothing imported")))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> AppResult<Json<PeopleImported>> {
    ctx.require()?;
    // Read-only roles are refused before the file is read (never a report of its lines).
    if !ctx.can_write_any(&crate::PEOPLE) {
        return Err(AppError::Forbidden);
    }
    let existing = import::Existing::of_query(q.existing.as_deref())?;
    let dry_run = q.dry_run.unwrap_or(false);
    let done = import::import_people_for(&state, &ctx, body.to_vec(), existing, dry_run).await?;
    Ok(Json(PeopleImported {
        imported: done.added,
        updated: done.updated,
        skipped: done.skipped,
        dry_run,
    }))
}
