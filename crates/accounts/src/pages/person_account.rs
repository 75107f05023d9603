//! A person's account, managed by the Dinas from the person's page: the panel on
//! `GET /people/{id}` (the organisation's page, which never names this context), the page
//! `GET /people/{id}/account` where a failed form shows its errors, and the actions
//! `POST /people/{id}/account`, `/roles`, `/roles/remove` and `/account/status`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::extract::PageForm;
use kernel::form::{FormSpec, Submitted, check, choice, confirmed, text};
use kernel::i18n::Tr;
use kernel::ids::{AgencyId, PersonId};
use kernel::layout::{Chrome, FormErrors, render};
use kernel::module::{PanelFuture, Place};
use kernel::permissions::{Access, Role, RoleGrant, Scope};
use kernel::{AppError, AppResult, AppState, Ctx, FieldError};
use org::directory::{self, PersonRef};
use serde::Deserialize;

use crate::ACCOUNTS;
use crate::service::{self, Account, NewUser};

/// What the account section shows, on the person's page and on its own.
struct Section {
    tr: Tr,
    csrf: String,
    person: PersonRef,
    account: Option<Account>,
    can_manage: bool,
    roles: Vec<(String, String)>,
    agencies: Vec<(String, String)>,
    errors: FormErrors,
    /// The login as typed, when the new-account form is shown again.
    login: String,
    /// A reset link just issued, shown once, and until when it works (text).
    reset: Option<(String, String)>,
}

impl Section {
    fn role_label(&self, role: &Role) -> String {
        self.tr.tp("role-", role.as_str())
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

#[derive(Template)]
#[template(path = "person_account_panel.html")]
struct PanelHtml {
    s: Section,
}

#[derive(Template)]
#[template(path = "person_account.html")]
struct AccountPage {
    chrome: Chrome,
    s: Section,
}

async fn section(
    state: &AppState,
    ctx: &Ctx,
    id: PersonId,
    errors: FormErrors,
    login: String,
) -> AppResult<Option<Section>> {
    if !ctx.can(&ACCOUNTS, Access::Read, Scope::Region) {
        return Ok(None);
    }
    let (person, account, agencies) = state
        .read(move |c| {
            let Some(person) = directory::person(c, id)? else {
                return Ok(None);
            };
            let account = service::account_of_person(c, id)?;
            Ok(Some((person, account, directory::all_agencies(c)?)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let tr = ctx.tr();
    Ok(Some(Section {
        tr,
        csrf: ctx.csrf.clone(),
        person,
        account,
        can_manage: ctx.can(&ACCOUNTS, Access::Write, Scope::Region),
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str().to_owned(), tr.tp("role-", r.as_str())))
            .collect(),
        agencies: agencies
            .into_iter()
            .map(|a| (a.id.to_string(), a.code))
            .collect(),
        errors,
        login,
        reset: None,
    }))
}

/// The account section on a person's page (for those who may see accounts).
pub fn panel<'a>(state: &'a AppState, ctx: &'a Ctx, place: Place) -> PanelFuture<'a> {
    Box::pin(async move {
        let Place::Person(id) = place else {
            return Ok(None);
        };
        match section(state, ctx, id, FormErrors::default(), String::new()).await? {
            Some(s) => Ok(Some(PanelHtml { s }.render()?)),
            None => Ok(None),
        }
    })
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    id: PersonId,
    errors: FormErrors,
    login: String,
) -> AppResult<Response> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let s = section(state, ctx, id, errors, login)
        .await?
        .ok_or(AppError::Forbidden)?;
    Ok((status, account_page(state, ctx, s)?).into_response())
}

/// The account section on a page of its own, titled with the person's name.
fn account_page(
    state: &AppState,
    ctx: &Ctx,
    s: Section,
) -> AppResult<axum::response::Html<String>> {
    let mut chrome = Chrome::new(state, ctx, "account-section");
    chrome.title = format!("{} — {}", chrome.title, s.person.name);
    render(&AccountPage { chrome, s })
}

fn person_id(id: &str) -> AppResult<PersonId> {
    PersonId::parse(id).ok_or(AppError::NotFound)
}

/// The person's account on a page of its own.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.authorize(&ACCOUNTS, Access::Read, Scope::Region)?;
    page(
        &state,
        &ctx,
        person_id(&id)?,
        FormErrors::default(),
        String::new(),
    )
    .await
}

/// A role as picked in a form: agency roles default to the person's own agency.
fn grant(role: &str, agency: &str, default_agency: AgencyId) -> Result<RoleGrant, FieldError> {
    let role = match Role::parse(role) {
        Some(r) => r,
        None if role.trim().is_empty() => return Err(FieldError::new("role", "error-choose")),
        None => return Err(FieldError::new("role", "error-role-unknown")),
    };
    let agency = match AgencyId::parse(agency) {
        Some(a) => Some(a),
        None if role.needs_agency() => Some(default_agency),
        None => None,
    };
    Ok(RoleGrant { role, agency })
}

/// The person and their account — what every account action starts from.
fn account_of(c: &mut db::DbConn, id: PersonId) -> AppResult<(PersonRef, Account)> {
    let person = directory::person(c, id)?.ok_or(AppError::NotFound)?;
    let account = service::account_of_person(c, id)?.ok_or(AppError::NotFound)?;
    Ok((person, account))
}

/// The fields of the forms in the account section.
const ACCOUNT_FORM: FormSpec = FormSpec {
    fields: &[
        text("login", "sign-in-login"),
        text("password", "account-initial-password"),
        choice("role", "account-roles"),
        choice("agency_id", "person-agency"),
        check("confirm", "account-confirm"),
    ],
};

async fn finish(
    state: &AppState,
    ctx: &Ctx,
    id: PersonId,
    result: AppResult<()>,
    login: String,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}?saved=1#account")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            page(state, ctx, id, ACCOUNT_FORM.errors(&e, ctx.tr()), login).await
        }
        Err(e) => Err(e),
    }
}

/// The new-account form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountForm {
    /// Login.
    #[serde(default)]
    pub login: String,
    /// Initial password.
    #[serde(default)]
    pub password: String,
    /// First role.
    #[serde(default)]
    pub role: String,
}

/// Creates the person's account.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: Submitted<AccountForm>,
) -> AppResult<Response> {
    let actor = ctx
        .authorize(&ACCOUNTS, Access::Write, Scope::Region)?
        .actor();
    let id = person_id(&id)?;
    let login = form.values.login.clone();
    if form.stale {
        return page(&state, &ctx, id, ACCOUNT_FORM.expired(ctx.tr()), login).await;
    }
    let form = form.values;
    let result = state
        .write(move |c| {
            let person = directory::person(c, id)?.ok_or(AppError::NotFound)?;
            if service::account_of_person(c, id)?.is_some() {
                return Err(AppError::Conflict(FieldError::new(
                    "login",
                    "error-person-has-account",
                )));
            }
            let g = grant(&form.role, "", person.agency);
            let new = NewUser {
                login: &form.login,
                name: &person.name,
                password: &form.password,
                person_id: Some(id),
                grants: g.iter().cloned().collect(),
            };
            // A missing role is reported with the other fields' problems, not alone.
            let mut errors = service::check_new_user(&new);
            if let Err(e) = g {
                errors.push(e);
            }
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            service::register_user(c, &actor, &new).map(|_| ())
        })
        .await;
    finish(&state, &ctx, id, result, login).await
}

/// A role to add or remove.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleForm {
    /// Role name.
    #[serde(default)]
    pub role: String,
    /// Agency id (empty: the person's own for agency roles).
    #[serde(default)]
    pub agency_id: String,
    /// Withdrawing is confirmed.
    #[serde(default)]
    pub confirm: Option<String>,
}

async fn change_roles(
    state: AppState,
    ctx: Ctx,
    id: String,
    form: RoleForm,
    add: bool,
) -> AppResult<Response> {
    let actor = ctx
        .authorize(&ACCOUNTS, Access::Write, Scope::Region)?
        .actor();
    let id = person_id(&id)?;
    if !add && let Err(e) = confirmed(form.confirm.as_ref()) {
        return finish(&state, &ctx, id, Err(e), String::new()).await;
    }
    let result = state
        .write(move |c| {
            let (person, account) = account_of(c, id)?;
            let g = grant(&form.role, &form.agency_id, person.agency)
                .map_err(|e| AppError::Validation(vec![e]))?;
            let mut roles = account.roles.clone();
            if add {
                roles.push(g);
            } else {
                roles.retain(|r| *r != g);
            }
            crate::api::check_role_agencies(c, &roles)?;
            service::set_grants(c, &actor, account.id, &roles).map(|_| ())
        })
        .await;
    finish(&state, &ctx, id, result, String::new()).await
}

/// Grants a role.
pub async fn add_role(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    PageForm(form): PageForm<RoleForm>,
) -> AppResult<Response> {
    change_roles(state, ctx, id, form, true).await
}

/// Withdraws a role.
pub async fn remove_role(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    PageForm(form): PageForm<RoleForm>,
) -> AppResult<Response> {
    change_roles(state, ctx, id, form, false).await
}

/// Issues a one-time password reset link for the person's account and shows it once.
pub async fn issue_reset(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let actor = ctx
        .authorize(&ACCOUNTS, Access::Write, Scope::Region)?
        .actor();
    let id = person_id(&id)?;
    let url = state.config.public_url.clone();
    let reset = state
        .write(move |c| {
            let (_, account) = account_of(c, id)?;
            service::issue_password_reset(c, &actor, account.id, &url)
        })
        .await?;
    let mut s = section(&state, &ctx, id, FormErrors::default(), String::new())
        .await?
        .ok_or(AppError::Forbidden)?;
    let until = ctx.tr().t1(
        "account-reset-until",
        "time",
        &ctx.tr().when(reset.expires_at),
    );
    s.reset = Some((reset.url, until));
    Ok(account_page(&state, &ctx, s)?.into_response())
}

/// Disable (`disabled=1`) or restore (`disabled=0`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusForm {
    /// `1` to disable, `0` to enable.
    pub disabled: String,
    /// Disabling is confirmed.
    #[serde(default)]
    pub confirm: Option<String>,
}

/// Disables or restores the person's account.
pub async fn set_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    PageForm(form): PageForm<StatusForm>,
) -> AppResult<Response> {
    let actor = ctx
        .authorize(&ACCOUNTS, Access::Write, Scope::Region)?
        .actor();
    let id = person_id(&id)?;
    let disabled = form.disabled == "1";
    if disabled && let Err(e) = confirmed(form.confirm.as_ref()) {
        return finish(&state, &ctx, id, Err(e), String::new()).await;
    }
    let modules = state.modules.clone();
    let result = state
        .write(move |c| {
            let (_, account) = account_of(c, id)?;
            service::set_disabled(c, &modules, &actor, account.id, disabled).map(|_| ())
        })
        .await;
    finish(&state, &ctx, id, result, String::new()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agency_roles_default_to_the_persons_agency() {
        let home = AgencyId::new();
        let other = AgencyId::new();
        assert_eq!(
            grant("agency-operator", "", home).unwrap().agency,
            Some(home)
        );
        assert_eq!(
            grant("wali-data", &other.to_string(), home).unwrap().agency,
            Some(other)
        );
        assert_eq!(grant("leader", "", home).unwrap().agency, None);
        assert!(grant("root", "", home).is_err());
    }
}
