//! `POST /api/v1/people`: an agency operator (for their agency) or the Dinas adds a person.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kernel::extract::ApiJson;
use kernel::permissions::{Access, Scope};
use kernel::{AppResult, AppState, Ctx};

use super::{Person, PersonInput};
use crate::service;

/// Creates a person.
#[utoipa::path(post, path = "/api/v1/people", tag = "organisation", request_body = PersonInput,
    responses((status = 201, body = Person), (status = 400), (status = 401), (status = 403), (status = 409), (status = 422)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<PersonInput>,
) -> AppResult<(StatusCode, Json<Person>)> {
    ctx.require()?;
    let (agency, draft) = input.into_parts()?;
    let actor = ctx
        .authorize(&crate::PEOPLE, Access::Write, Scope::Agency(agency))?
        .actor();
    let save = state.write(move |c| service::create_person(c, &actor, agency, &draft));
    let row = crate::probing::guarded(&state, &ctx, save).await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}
