//! `GET /people/{id}`: one person, if the viewer may see their agency, with the panels other
//! contexts add (the Dinas sees the person's account there).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use kernel::ids::PersonId;
use kernel::layout::{Chrome, render};
use kernel::module::Place;
use kernel::permissions::Access;
use kernel::{AppError, AppResult, AppState, Ctx};

use crate::api::person_id;
use crate::model::mask_nik;
use crate::store::{self, AgencyRow, PersonRow};

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    chrome: Chrome,
    person: PersonRow,
    nik_masked: String,
    agency: AgencyRow,
    can_edit: bool,
    panels: Vec<String>,
}

async fn page(state: &AppState, ctx: &Ctx, id: PersonId) -> AppResult<Response> {
    ctx.require()?;
    let person = state
        .read(move |c| Ok(store::person_find(c, id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let agency_id = person.agency_id;
    ctx.authorize_record(&crate::PEOPLE, Access::Read, agency_id)?;
    let agency = state
        .read(move |c| Ok(store::agency_find(c, agency_id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let panels = state.modules.panels(state, ctx, Place::Person(id)).await?;
    let mut chrome = Chrome::new(state, ctx, "people-title");
    chrome.title = person.name.clone();
    let page = PersonPage {
        nik_masked: person.nik.as_deref().map(mask_nik).unwrap_or_default(),
        person,
        agency,
        can_edit: ctx.can(
            &crate::PEOPLE,
            Access::Write,
            kernel::permissions::Scope::Agency(agency_id),
        ),
        panels,
        chrome,
    };
    Ok(render(&page)?.into_response())
}

/// Shows a person.
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    page(&state, &ctx, person_id(&id)?).await
}
