//! `GET /agencies/{id}`: one agency, with its people when the viewer may see them.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use kernel::layout::{Chrome, render};
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};

use crate::api::agency_id;
use crate::store::{self, AgencyRow, PersonRow};

#[derive(Template)]
#[template(path = "agency.html")]
struct AgencyPage {
    chrome: Chrome,
    agency: AgencyRow,
    people: Option<Vec<PersonRow>>,
    people_total: i64,
    can_edit: bool,
    can_add_people: bool,
}

/// Shows an agency.
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.authorize(&crate::AGENCIES, Access::Read, Scope::Region)?;
    let id = agency_id(&id)?;
    let may_see_people = ctx.can(&crate::PEOPLE, Access::Read, Scope::Agency(id));
    let (agency, people) = state
        .read(move |c| {
            let agency = store::agency_find(c, id)?.ok_or(AppError::NotFound)?;
            let people = if may_see_people {
                Some(store::people_of(c, id, 200)?)
            } else {
                None
            };
            Ok((agency, people))
        })
        .await?;
    let mut chrome = Chrome::new(&state, &ctx, "agencies-title");
    chrome.title = agency.name.clone();
    let page = AgencyPage {
        chrome,
        agency,
        people_total: people.as_ref().map(|p| p.1).unwrap_or(0),
        people: people.map(|p| p.0),
        can_edit: ctx.can(&crate::AGENCIES, Access::Write, Scope::Region),
        can_add_people: ctx.can(&crate::AGENCIES, Access::Write, Scope::Agency(id)),
    };
    Ok(render(&page)?.into_response())
}
