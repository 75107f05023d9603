//! `GET /api/v1/users`: accounts and their roles (Dinas admin, Kepala Dinas, auditor).

use axum::Json;
use axum::extract::{RawQuery, State};
use kernel::listing::Page;
use kernel::permissions::{Access, Scope};
use kernel::{AppResult, AppState, Ctx};

use crate::pages::account_list::LIST;
use crate::service::{self, Account};

/// Lists accounts.
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts",
    params(("q" = Option<String>, Query, description = "login or name contains"),
           ("sort" = Option<String>, Query, description = "login (the default) or name; - in front for descending"),
           ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = Page<Account>), (status = 400), (status = 401), (status = 403)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<Page<Account>>> {
    ctx.authorize(&crate::ACCOUNTS, Access::Read, Scope::Region)?;
    let q = LIST.read_api(raw.as_deref())?;
    let query = q.clone();
    let (items, total) = state
        .read(move |c| Ok(service::list_accounts(c, &query)?))
        .await?;
    Ok(LIST.json(&q, items, total))
}
