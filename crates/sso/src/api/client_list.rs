//! `GET /api/v1/sso/clients`: the registered applications.

use axum::Json;
use axum::extract::State;
use kernel::permissions::{Access, Scope};
use kernel::{AppResult, AppState, Ctx};

use super::Client;
use crate::store;

/// Lists clients.
#[utoipa::path(get, path = "/api/v1/sso/clients", tag = "single sign-on",
    responses((status = 200, body = Vec<Client>), (status = 401), (status = 403)))]
pub async fn handler(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Vec<Client>>> {
    ctx.authorize(&crate::CLIENTS, Access::Read, Scope::Region)?;
    let rows = state.read(|c| Ok(store::clients(c)?)).await?;
    Ok(Json(rows.into_iter().map(Client::from).collect()))
}
