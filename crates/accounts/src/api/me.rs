//! `GET /api/v1/me`: who the token or session belongs to; `PUT /api/v1/me/password`.

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

/// Changes the caller's password (the current one is checked). Every session of the account
/// ends and every token issued to it is revoked — the one making this call included, unless
/// it is the browser session that made it.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "account",
    request_body = crate::pages::account::PasswordForm,
    responses((status = 204), (status = 401), (status = 422)))]
pub async fn password(
    axum::extract::State(state): axum::extract::State<kernel::AppState>,
    ctx: Ctx,
    kernel::extract::ApiJson(form): kernel::extract::ApiJson<crate::pages::account::PasswordForm>,
) -> AppResult<axum::http::StatusCode> {
    let p = ctx.require()?.clone();
    let keep = ctx.session_id().map(str::to_owned);
    crate::pages::account::change(&state, &p, &form, keep).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
