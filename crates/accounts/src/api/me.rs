//! `GET /api/v1/me`: who the token or session belongs to.

use axum::Json;
use serde::Serialize;

use kernel::permissions::RoleGrant;
use kernel::{AppResult, Ctx};

/// The signed-in account.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    /// Account id.
    pub id: String,
    /// Login.
    pub login: String,
    /// Display name.
    pub name: String,
    /// Preferred language.
    pub lang: String,
    /// Roles.
    pub roles: Vec<RoleGrant>,
}

/// The caller's own account.
#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses((status = 200, body = Me), (status = 401)))]
pub async fn show(ctx: Ctx) -> AppResult<Json<Me>> {
    let p = ctx.require()?;
    Ok(Json(Me {
        id: p.user_id.to_string(),
        login: p.login.clone(),
        name: p.name.clone(),
        lang: p.lang.code().to_owned(),
        roles: p.grants.clone(),
    }))
}
