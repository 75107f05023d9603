//! `POST /people/{id}/account`, `/roles`, `/roles/remove`, `/account/status`: the Dinas
//! gives a person an account, grants and withdraws roles, and disables or restores it.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use kernel::auth::Account;
use kernel::auth::{self, NewUser};
use kernel::extract::PageForm;
use kernel::ids::{AgencyId, PersonId, UserId};
use kernel::layout::FormErrors;
use kernel::permissions::{Access, Role, RoleGrant, Scope};
use kernel::{AppError, AppResult, AppState, Ctx, FieldError};
use serde::Deserialize;

use crate::api::person_id;
use crate::store::{self, PersonRow};

/// A role as picked in a form: agency roles default to the person's own agency.
fn grant(role: &str, agency: &str, default_agency: AgencyId) -> AppResult<RoleGrant> {
    let role = Role::parse(role).ok_or_else(|| AppError::field("role", "error-role-unknown"))?;
    let agency = match AgencyId::parse(agency) {
        Some(a) => Some(a),
        None if role.needs_agency() => Some(default_agency),
        None => None,
    };
    Ok(RoleGrant { role, agency })
}

/// The person, their account and its id — what every account action starts from.
fn account_of(c: &mut db::DbConn, id: PersonId) -> AppResult<(PersonRow, Account, UserId)> {
    let person = store::person_find(c, id)?.ok_or(AppError::NotFound)?;
    let account = auth::account_of_person(c, &person.id)?.ok_or(AppError::NotFound)?;
    let user = UserId::parse(&account.id).ok_or(AppError::NotFound)?;
    Ok((person, account, user))
}

async fn finish(
    state: &AppState,
    ctx: &Ctx,
    id: PersonId,
    result: AppResult<()>,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}?saved=1")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            super::person_show::page(state, ctx, id, false, FormErrors::from_error(&e, ctx.lang))
                .await
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
    PageForm(form): PageForm<AccountForm>,
) -> AppResult<Response> {
    let actor = ctx
        .authorize(&kernel::ACCOUNTS, Access::Write, Scope::Region)?
        .actor();
    let id = person_id(&id)?;
    let result = state
        .write(move |c| {
            let person = store::person_find(c, id)?.ok_or(AppError::NotFound)?;
            if auth::account_of_person(c, &person.id)?.is_some() {
                return Err(AppError::Conflict(FieldError::new(
                    "login",
                    "error-person-has-account",
                )));
            }
            let home = AgencyId::parse(&person.agency_id).ok_or(AppError::NotFound)?;
            let g = grant(&form.role, "", home)?;
            let new = NewUser {
                login: &form.login,
                name: &person.name,
                password: &form.password,
                person_id: Some(person.id.clone()),
                grants: vec![g],
            };
            auth::register_user(c, &actor, &new).map(|_| ())
        })
        .await;
    finish(&state, &ctx, id, result).await
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
}

async fn change_roles(
    state: AppState,
    ctx: Ctx,
    id: String,
    form: RoleForm,
    add: bool,
) -> AppResult<Response> {
    let actor = ctx
        .authorize(&kernel::ACCOUNTS, Access::Write, Scope::Region)?
        .actor();
    let id = person_id(&id)?;
    let result = state
        .write(move |c| {
            let (person, account, user) = account_of(c, id)?;
            let home = AgencyId::parse(&person.agency_id).ok_or(AppError::NotFound)?;
            let g = grant(&form.role, &form.agency_id, home)?;
            let mut roles = account.roles.clone();
            if add {
                roles.push(g);
            } else {
                roles.retain(|r| *r != g);
            }
            crate::service::check_role_agencies(c, &roles)?;
            auth::set_grants(c, &actor, user, &roles).map(|_| ())
        })
        .await;
    finish(&state, &ctx, id, result).await
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

/// Disable (`disabled=1`) or restore (`disabled=0`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusForm {
    /// `1` to disable, `0` to enable.
    pub disabled: String,
}

/// Disables or restores the person's account.
pub async fn set_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    PageForm(form): PageForm<StatusForm>,
) -> AppResult<Response> {
    let actor = ctx
        .authorize(&kernel::ACCOUNTS, Access::Write, Scope::Region)?
        .actor();
    let id = person_id(&id)?;
    let disabled = form.disabled == "1";
    let result = state
        .write(move |c| {
            let (_, _, user) = account_of(c, id)?;
            auth::set_disabled(c, &actor, user, disabled).map(|_| ())
        })
        .await;
    finish(&state, &ctx, id, result).await
}
