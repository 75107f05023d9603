//! `GET /api/v1/sso/clients`: the registered applications.

use axum::Json;
use axum::extract::{RawQuery, State};
use kernel::listing::Page;
use kernel::permissions::{Access, Scope};
use kernel::{AppResult, AppState, Ctx};

use super::Client;
use crate::pages::client_list::LIST;
use crate::store;

/// Lists clients.
#[utoipa::path(get, path = "/api/v1/sso/clients", tag = "single sign-on",
    params(("q" = Option<String>, Query, description = "name contains"),
           ("sort" = Option<String>, Query, description = "name, or -name for descending"),
           ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = Page<Client>), (status = 400), (status = 401), (status = 403)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<Page<Client>>> {
    ctx.authorize(&crate::CLIENTS, Access::Read, Scope::Region)?;
    let q = LIST.read_api(raw.as_deref())?;
    let query = q.clone();
    let (rows, total) = state
        .read(move |c| Ok(store::client_list(c, &query)?))
        .await?;
    Ok(LIST.json(&q, rows.into_iter().map(Client::from).collect(), total))
}
