//! `GET /accounts`: every account with its roles, for the Dinas and those who oversee it.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use kernel::layout::Chrome;
use kernel::listing::{self, Cell, Column, List, Tone};
use kernel::permissions::{Access, Scope};
use kernel::{AppResult, AppState, Ctx};

use crate::service::{self, Account};

/// The accounts, on their page and in the API.
pub const LIST: List<Account> = List {
    path: "/accounts",
    filters: &[listing::search()],
    sorts: &["login", "name"],
    default_sort: "login",
    columns: &[
        Column {
            label: "sign-in-login",
            sort: Some("login"),
            cell: |a, _| match a.person_id {
                Some(p) => Cell::link(&a.login, format!("/people/{p}/account")),
                None => Cell::text(&a.login),
            },
        },
        Column {
            label: "account-name",
            sort: Some("name"),
            cell: |a, _| Cell::text(&a.name),
        },
        Column {
            label: "account-roles",
            sort: None,
            cell: |a, tr| {
                Cell::text(
                    a.roles
                        .iter()
                        .map(|g| tr.tp("role-", g.role.as_str()))
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            },
        },
        Column {
            label: "account-status",
            sort: None,
            cell: |a, tr| {
                if a.disabled {
                    Cell::tag(tr.t("account-disabled"), Tone::Red)
                } else {
                    Cell::tag(tr.t("account-active"), Tone::Green)
                }
            },
        },
    ],
    export: None,
};

/// Lists accounts.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    ctx.authorize(&crate::ACCOUNTS, Access::Read, Scope::Region)?;
    let q = LIST.read(raw.as_deref())?;
    let query = q.clone();
    let (rows, total) = state
        .read(move |c| Ok(service::list_accounts(c, &query)?))
        .await?;
    let tr = ctx.tr();
    LIST.view(
        Chrome::new(&state, &ctx, "accounts-title"),
        &q,
        &rows,
        total,
    )
    .intro(tr.t("accounts-intro"))
    .response()
}
