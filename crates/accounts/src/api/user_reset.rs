//! `POST /api/v1/users/{id}/password-reset`: the Dinas issues a one-time link for a person who
//! forgot their password.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kernel::ids::UserId;
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};

use crate::service::{self, PasswordReset};

/// Issues a one-time password reset link, valid for a day (an earlier unused one stops
/// working; the old password works until the link is used). Hand it to the person directly.
#[utoipa::path(post, path = "/api/v1/users/{id}/password-reset", tag = "accounts", params(("id" = String, Path)),
    responses((status = 201, body = PasswordReset), (status = 401), (status = 403), (status = 404)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<(StatusCode, Json<PasswordReset>)> {
    let actor = ctx
        .authorize(&crate::ACCOUNTS, Access::Write, Scope::Region)?
        .actor();
    let id = UserId::parse(&id).ok_or(AppError::NotFound)?;
    let url = state.config.public_url.clone();
    let reset = state
        .write(move |c| service::issue_password_reset(c, &actor, id, &url))
        .await?;
    Ok((StatusCode::CREATED, Json(reset)))
}
