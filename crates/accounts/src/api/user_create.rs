//! `POST /api/v1/users`: the Dinas creates an account, optionally for a recorded person.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kernel::extract::ApiJson;
use kernel::ids::PersonId;
use kernel::permissions::{Access, RoleGrant, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};
use serde::Deserialize;

use crate::service::{self, Account, NewUser};

/// The body of a new account.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    /// Login (3–64 of a-z, 0-9, `.`, `_`, `-`).
    pub login: String,
    /// Display name.
    pub name: String,
    /// Initial password (at least 10 characters).
    pub password: String,
    /// The person the account belongs to.
    #[serde(default)]
    pub person_id: Option<PersonId>,
    /// Roles, each with its agency where the role needs one.
    pub roles: Vec<RoleGrant>,
}

/// Creates an account.
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = NewAccount,
    responses((status = 201, body = Account), (status = 400), (status = 401), (status = 403), (status = 409), (status = 422)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<NewAccount>,
) -> AppResult<(StatusCode, Json<Account>)> {
    let actor = ctx
        .authorize(&crate::ACCOUNTS, Access::Write, Scope::Region)?
        .actor();
    let account = state
        .write(move |c| {
            super::check_role_agencies(c, &body.roles)?;
            if let Some(pid) = body.person_id {
                org::directory::person(c, pid)?
                    .ok_or_else(|| AppError::field("person_id", "error-person-unknown"))?;
                if service::account_of_person(c, pid)?.is_some() {
                    return Err(AppError::Conflict(kernel::FieldError::new(
                        "person_id",
                        "error-person-has-account",
                    )));
                }
            }
            let new = NewUser {
                login: &body.login,
                name: &body.name,
                password: &body.password,
                person_id: body.person_id,
                grants: body.roles.clone(),
            };
            let id = service::register_user(c, &actor, &new)?;
            service::find_account(c, id)?.ok_or(AppError::NotFound)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(account)))
}
