//! `PUT /api/v1/users/{id}/roles`: the Dinas sets an account's roles.

use axum::Json;
use axum::extract::{Path, State};
use kernel::extract::ApiJson;
use kernel::ids::UserId;
use kernel::permissions::{Access, RoleGrant, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};
use serde::Deserialize;

use crate::service::{self, Account};

/// The roles to hold from now on.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Roles {
    /// Roles, each with its agency where the role needs one.
    pub roles: Vec<RoleGrant>,
}

/// Replaces the roles.
#[utoipa::path(put, path = "/api/v1/users/{id}/roles", tag = "accounts", request_body = Roles, params(("id" = String, Path)),
    responses((status = 200, body = Account), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Roles>,
) -> AppResult<Json<Account>> {
    let actor = ctx
        .authorize(&crate::ACCOUNTS, Access::Write, Scope::Region)?
        .actor();
    let id = UserId::parse(&id).ok_or(AppError::NotFound)?;
    let account = state
        .write(move |c| {
            super::check_role_agencies(c, &body.roles)?;
            service::set_grants(c, &actor, id, &body.roles)
        })
        .await?;
    Ok(Json(account))
}
