//! `GET /api/v1/users`: accounts and their roles (Dinas admin, Kepala Dinas, auditor).

use axum::Json;
use axum::extract::{Query, State};
use kernel::extract::Paging;
use kernel::permissions::{Access, Scope};
use kernel::{AppResult, AppState, Ctx};
use serde::{Deserialize, Serialize};

use crate::service::{self, Account};

/// A page of accounts.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AccountPage {
    /// The accounts.
    pub items: Vec<Account>,
    /// How many match.
    pub total: i64,
    /// This page.
    pub page: i64,
    /// Rows per page.
    pub per_page: i64,
}

/// `?q=` searches login and name.
#[derive(Debug, Deserialize)]
pub struct Search {
    /// Login or name contains.
    pub q: Option<String>,
}

/// Lists accounts.
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts",
    params(("q" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = AccountPage), (status = 401), (status = 403)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    paging: Paging,
    Query(search): Query<Search>,
) -> AppResult<Json<AccountPage>> {
    ctx.authorize(&crate::ACCOUNTS, Access::Read, Scope::Region)?;
    let (items, total) = state
        .read(move |c| {
            Ok(service::list_accounts(
                c,
                search.q.as_deref(),
                paging.per_page,
                paging.offset(),
            )?)
        })
        .await?;
    Ok(Json(AccountPage {
        items,
        total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}
