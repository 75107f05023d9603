//! `PUT /api/v1/people/{id}`: correct a person; moving them needs write access to both agencies.

use axum::Json;
use axum::extract::{Path, State};
use kernel::extract::ApiJson;
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};

use super::{Person, PersonInput};
use crate::{service, store};

/// Replaces a person's fields.
#[utoipa::path(put, path = "/api/v1/people/{id}", tag = "organisation", request_body = PersonInput,
    params(("id" = String, Path)),
    responses((status = 200, body = Person), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PersonInput>,
) -> AppResult<Json<Person>> {
    ctx.require()?;
    let id = super::person_id(&id)?;
    let current = state
        .read(move |c| Ok(store::person_find(c, id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let from = current.agency_id;
    ctx.authorize_record(&crate::PEOPLE, Access::Write, from)?;
    let (to, draft) = input.into_parts()?;
    let actor = ctx
        .authorize(&crate::PEOPLE, Access::Write, Scope::Agency(to))?
        .actor();
    let save = state.write(move |c| service::update_person(c, &actor, id, to, &draft));
    let row = crate::probing::guarded(&state, &ctx, save).await?;
    Ok(Json(row.into()))
}
