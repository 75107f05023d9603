//! `GET /people/{id}`: one person, if the viewer may see their agency; for the Dinas, also
//! their account and roles.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kernel::auth::{self, Account};
use kernel::i18n::Tr;
use kernel::ids::{AgencyId, PersonId};
use kernel::layout::{Chrome, FormErrors, render};
use kernel::permissions::{Access, Role, Scope};
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
    show_account: bool,
    can_manage: bool,
    account: Option<Account>,
    roles: Vec<(String, String)>,
    agencies: Vec<(String, String)>,
    errors: FormErrors,
}

impl PersonPage {
    fn role_label(&self, role: &Role) -> String {
        self.chrome.tr.tp("role-", role.as_str())
    }

    fn agency_code(&self, id: &Option<AgencyId>) -> String {
        let Some(id) = id else { return "—".into() };
        let id = id.to_string();
        self.agencies
            .iter()
            .find(|(a, _)| *a == id)
            .map(|(_, label)| label.clone())
            .unwrap_or(id)
    }
}

fn role_choices(tr: Tr) -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|r| (r.as_str().to_owned(), tr.tp("role-", r.as_str())))
        .collect()
}

/// Renders the person page, with `errors` from a failed account form if any.
pub async fn page(
    state: &AppState,
    ctx: &Ctx,
    id: PersonId,
    saved: bool,
    errors: FormErrors,
) -> AppResult<Response> {
    ctx.require()?;
    let show_account = ctx.can(&kernel::ACCOUNTS, Access::Read, Scope::Region);
    let (person, account, all) = state
        .read(move |c| {
            let person = store::person_find(c, id)?.ok_or(AppError::NotFound)?;
            let account = if show_account {
                auth::account_of_person(c, &person.id)?
            } else {
                None
            };
            Ok((person, account, store::agency_all(c)?))
        })
        .await?;
    let agency_id = AgencyId::parse(&person.agency_id).ok_or(AppError::NotFound)?;
    ctx.authorize(&crate::PEOPLE, Access::Read, Scope::Agency(agency_id))?;
    let agency = all
        .iter()
        .find(|a| a.id == person.agency_id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let mut chrome = Chrome::new(state, ctx, "people-title");
    chrome.title = person.name.clone();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = PersonPage {
        roles: role_choices(ctx.tr()),
        agencies: all.into_iter().map(|a| (a.id, a.code)).collect(),
        nik_masked: person.nik.as_deref().map(mask_nik).unwrap_or_default(),
        person,
        agency,
        saved,
        can_edit: ctx.can(&crate::PEOPLE, Access::Write, Scope::Agency(agency_id)),
        show_account,
        can_manage: ctx.can(&kernel::ACCOUNTS, Access::Write, Scope::Region),
        account,
        errors,
        chrome,
    };
    Ok((status, render(&page)?).into_response())
}

/// Shows a person.
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(saved): Query<Saved>,
) -> AppResult<Response> {
    page(
        &state,
        &ctx,
        person_id(&id)?,
        saved.saved.is_some(),
        FormErrors::default(),
    )
    .await
}
