//! `GET /api/v1/people/{id}`: one person, if the caller may see their agency.

use axum::Json;
use axum::extract::{Path, State};
use kernel::permissions::Access;
use kernel::{AppError, AppResult, AppState, Ctx};

use super::Person;
use crate::store;

/// Shows a person.
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "organisation", params(("id" = String, Path)),
    responses((status = 200, body = Person), (status = 401), (status = 403), (status = 404)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<Person>> {
    ctx.require()?;
    let id = super::person_id(&id)?;
    let row = state
        .read(move |c| Ok(store::person_find(c, id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let agency = row.agency_id;
    ctx.authorize_record(&crate::PEOPLE, Access::Read, agency)?;
    Ok(Json(row.into()))
}
