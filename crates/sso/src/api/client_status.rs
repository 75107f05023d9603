//! `POST /api/v1/sso/clients/{id}/disable` and `/enable`.

use axum::Json;
use axum::extract::{Path, State};
use kernel::permissions::{Access, Scope};
use kernel::{AppResult, AppState, Ctx};

use super::Client;
use crate::service;

async fn set(state: AppState, ctx: Ctx, id: String, disabled: bool) -> AppResult<Json<Client>> {
    let actor = ctx
        .authorize(&crate::CLIENTS, Access::Write, Scope::Region)?
        .actor();
    Ok(Json(
        state
            .write(move |c| service::set_client_disabled(c, &actor, &id, disabled))
            .await?
            .into(),
    ))
}

/// Disables a client: it can no longer sign anyone in, and its tokens stop.
#[utoipa::path(post, path = "/api/v1/sso/clients/{id}/disable", tag = "single sign-on", params(("id" = String, Path)),
    responses((status = 200, body = Client), (status = 401), (status = 403), (status = 404)))]
pub async fn disable(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<Client>> {
    set(state, ctx, id, true).await
}

/// Enables a client again.
#[utoipa::path(post, path = "/api/v1/sso/clients/{id}/enable", tag = "single sign-on", params(("id" = String, Path)),
    responses((status = 200, body = Client), (status = 401), (status = 403), (status = 404)))]
pub async fn enable(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<Client>> {
    set(state, ctx, id, false).await
}
