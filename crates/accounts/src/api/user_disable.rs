//! `POST /api/v1/users/{id}/disable` and `/enable`: stop or restore an account at once.

use axum::Json;
use axum::extract::{Path, State};
use kernel::ids::UserId;
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};

use crate::service::{self, Account};

async fn set(state: AppState, ctx: Ctx, id: String, disabled: bool) -> AppResult<Json<Account>> {
    let actor = ctx
        .authorize(&crate::ACCOUNTS, Access::Write, Scope::Region)?
        .actor();
    let id = UserId::parse(&id).ok_or(AppError::NotFound)?;
    let modules = state.modules.clone();
    Ok(Json(
        state
            .write(move |c| service::set_disabled(c, &modules, &actor, id, disabled))
            .await?,
    ))
}

/// Disables an account: its sessions end and its API tokens and every application's tokens for
/// it are revoked (enabling it again does not restore them).
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "accounts", params(("id" = String, Path)),
    responses((status = 200, body = Account), (status = 401), (status = 403), (status = 404), (status = 409)))]
pub async fn disable(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<Account>> {
    set(state, ctx, id, true).await
}

/// Enables an account again.
#[utoipa::path(post, path = "/api/v1/users/{id}/enable", tag = "accounts", params(("id" = String, Path)),
    responses((status = 200, body = Account), (status = 401), (status = 403), (status = 404)))]
pub async fn enable(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<Account>> {
    set(state, ctx, id, false).await
}
