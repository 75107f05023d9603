//! `GET /agencies`: the agency list, filtered, sorted, paged, and downloadable in the columns
//! the import reads back.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use kernel::layout::Chrome;
use kernel::listing::{self, Cell, Column, Export, List, respond};
use kernel::permissions::{Access, Scope};
use kernel::{AppResult, AppState, Ctx};

use crate::model::AgencyKind;
use crate::store::{self, AgencyRow};

/// The agency list, on its page and in the API.
pub const LIST: List<AgencyRow> = List {
    path: "/agencies",
    filters: &[
        listing::search(),
        listing::choice::<AgencyKind>("kind", "agency-kind", "agency-kind-"),
    ],
    sorts: &["name", "code"],
    default_sort: "name",
    columns: &[
        Column {
            label: "agency-code",
            sort: Some("code"),
            cell: |a, _| Cell::code(&a.code),
        },
        Column {
            label: "agency-name",
            sort: Some("name"),
            cell: |a, _| {
                Cell::link(&a.name, format!("/agencies/{}", a.id)).badge(a.is_dinas, "Dinas")
            },
        },
        Column {
            label: "agency-kind",
            sort: None,
            cell: |a, tr| Cell::text(tr.tp("agency-kind-", a.kind)),
        },
        Column {
            label: "agency-egov-unit",
            sort: None,
            cell: |a, _| Cell::maybe(a.egov_unit.as_deref()),
        },
    ],
    export: Some(Export {
        stem: "agencies",
        header: || crate::import::AGENCY_COLUMNS.to_vec(),
        row: |a| {
            vec![
                a.name.clone(),
                a.code.clone(),
                a.kind.as_str().to_owned(),
                if a.is_dinas { "1" } else { "0" }.to_owned(),
                a.egov_unit.clone().unwrap_or_default(),
            ]
        },
    }),
};

/// Lists agencies.
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    ctx.authorize(&crate::AGENCIES, Access::Read, Scope::Region)?;
    let q = LIST.read(raw.as_deref())?;
    let query = q.clone();
    let (rows, total) = state
        .read(move |c| Ok(store::agency_list(c, &query)?))
        .await?;
    respond(&LIST, &q, &rows, || {
        let tr = ctx.tr();
        let can_write = ctx.can(&crate::AGENCIES, Access::Write, Scope::Region);
        Ok(LIST
            .view(
                Chrome::new(&state, &ctx, "agencies-title"),
                &q,
                &rows,
                total,
            )
            .action(can_write, "/agencies/new", tr.t("agency-new-title"), true)
            .action(can_write, "/import", tr.t("import-title"), false))
    })
}
