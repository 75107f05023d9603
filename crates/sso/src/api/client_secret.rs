//! `POST /api/v1/sso/clients/{id}/secret`: a new secret for a confidential client.

use axum::Json;
use axum::extract::{Path, State};
use kernel::permissions::{Access, Scope};
use kernel::{AppResult, AppState, Ctx};
use serde::Serialize;

use crate::service;

/// The new secret, shown only now.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NewSecret {
    /// The client.
    pub client_id: String,
    /// Its new secret; the old one no longer works.
    pub client_secret: String,
}

/// Rotates the secret.
#[utoipa::path(post, path = "/api/v1/sso/clients/{id}/secret", tag = "single sign-on", params(("id" = String, Path)),
    responses((status = 200, body = NewSecret), (status = 401), (status = 403), (status = 404), (status = 409)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<NewSecret>> {
    let actor = ctx
        .authorize(&crate::CLIENTS, Access::Write, Scope::Region)?
        .actor();
    let client_id = id.clone();
    let client_secret = state
        .write(move |c| service::rotate_secret(c, &actor, &id))
        .await?;
    Ok(Json(NewSecret {
        client_id,
        client_secret,
    }))
}
