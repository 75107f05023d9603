//! `GET /people/{id}`: one person, if the viewer may see their agency.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use kernel::ids::AgencyId;
use kernel::layout::{Chrome, render};
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};

use super::agency_show::Saved;
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
    saved: bool,
    can_edit: bool,
}

/// Shows a person.
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(saved): Query<Saved>,
) -> AppResult<Response> {
    ctx.require()?;
    let id = person_id(&id)?;
    let person = state
        .read(move |c| Ok(store::person_find(c, id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let agency_id = AgencyId::parse(&person.agency_id).ok_or(AppError::NotFound)?;
    ctx.authorize(Access::Read, Scope::Agency(agency_id))?;
    let agency = state
        .read(move |c| Ok(store::agency_find(c, agency_id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let mut chrome = Chrome::new(&state, &ctx, "people-title");
    chrome.title = person.name.clone();
    let page = PersonPage {
        chrome,
        nik_masked: person.nik.as_deref().map(mask_nik).unwrap_or_default(),
        person,
        agency,
        saved: saved.saved.is_some(),
        can_edit: ctx.can(Access::Write, Scope::Agency(agency_id)),
    };
    Ok(render(&page)?.into_response())
}
