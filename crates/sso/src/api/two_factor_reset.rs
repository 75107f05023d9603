//! `POST /api/v1/users/{id}/two-factor/reset`: the Dinas removes the second factor of a person
//! who lost both their authenticator and their recovery codes.

use axum::Json;
use axum::extract::{Path, State};
use kernel::ids::UserId;
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};
use serde::Serialize;

use crate::service;

/// The outcome of a reset.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Reset {
    /// The account.
    pub user_id: String,
    /// Whether it had a second factor to remove.
    pub removed: bool,
}

/// Removes an account's second factor.
#[utoipa::path(post, path = "/api/v1/users/{id}/two-factor/reset", tag = "single sign-on", params(("id" = String, Path)),
    responses((status = 200, body = Reset), (status = 401), (status = 403), (status = 404)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<Reset>> {
    let actor = ctx
        .authorize(&accounts::ACCOUNTS, Access::Write, Scope::Region)?
        .actor();
    let user = UserId::parse(&id).ok_or(AppError::NotFound)?;
    let removed = state
        .write(move |c| service::reset_second_factor(c, &actor, user))
        .await?;
    Ok(Json(Reset {
        user_id: id,
        removed,
    }))
}
