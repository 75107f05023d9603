//! `GET /registry/applications`: the applications a person may see, filtered, paged, and
//! downloadable in the columns an import reads back.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use kernel::layout::Chrome;
use kernel::listing::{self, Cell, Column, Export, List, Tone, respond};
use kernel::{AppResult, AppState, Ctx};

use crate::inventory::entity::Applications;
use crate::inventory::export;
use crate::model::{Lifecycle, Status};
use crate::store::{self, ApplicationRow};
use org::directory as agencies;

/// An application with its agency's code.
pub type Listed = (ApplicationRow, String);

/// How a registration status looks in a list.
pub fn status_tone(s: Status) -> Tone {
    match s {
        Status::Approved => Tone::Green,
        Status::Rejected | Status::Returned => Tone::Red,
        Status::Withdrawn => Tone::Grey,
        Status::Draft | Status::Submitted => Tone::Tag,
    }
}

/// The application list, on its page and in the API.
pub const LIST: List<Listed> = List {
    path: "/registry/applications",
    filters: &[
        listing::search(),
        listing::agency("agency_id", "app-agency"),
        listing::text("agency_code", "app-agency-code"),
        listing::choice::<Status>("status", "app-status", "app-status-"),
        listing::choice::<Lifecycle>("lifecycle", "app-lifecycle", "app-lifecycle-"),
    ],
    sorts: &["name"],
    default_sort: "name",
    columns: &[
        Column {
            label: "app-agency",
            sort: None,
            cell: |(_, code), _| Cell::code(code),
        },
        Column {
            label: "app-name",
            sort: Some("name"),
            cell: |(a, _), _| Cell::link(&a.name, format!("/registry/applications/{}", a.id)),
        },
        Column {
            label: "app-kind",
            sort: None,
            cell: |(a, _), tr| Cell::text(tr.tp("app-kind-", a.kind)),
        },
        Column {
            label: "app-lifecycle",
            sort: None,
            cell: |(a, _), tr| Cell::text(tr.tp("app-lifecycle-", a.lifecycle)),
        },
        Column {
            label: "app-status",
            sort: None,
            cell: |(a, _), tr| Cell::tag(tr.tp("app-status-", a.status), status_tone(a.status)),
        },
    ],
    export: Some(Export {
        stem: "applications",
        header: export::columns::<Applications>,
        row: export::line::<Applications>,
    }),
};

/// Lists applications.
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let visible = ctx.visible(&crate::APPLICATIONS)?;
    let q = LIST.read(raw.as_deref())?;
    let (query, v) = (q.clone(), visible.clone());
    let (rows, total, picker) = state
        .read(move |c| {
            let agency = agencies::filter(c, &query)?;
            let (rows, total) = store::app_list(c, &v, &query, agency)?;
            let rows = agencies::with_codes(c, rows, |r| r.agency_id)?;
            // A national register has thousands of agencies: then the filter takes a code.
            let picker = agencies::picker(c, &v)?;
            Ok((rows, total, picker))
        })
        .await?;
    respond(&LIST, &q, &rows, || {
        let tr = ctx.tr();
        let has_picker = picker.is_some();
        Ok(LIST
            .view(Chrome::new(&state, &ctx, "apps-title"), &q, &rows, total)
            .intro(tr.t("apps-intro"))
            .choices("agency_id", picker)
            .hide("agency_code", has_picker)
            .action(
                ctx.can_write_any(&crate::APPLICATIONS),
                "/registry/applications/new",
                tr.t("app-new-title"),
                true,
            )
            .action(
                ctx.can_write_any(&crate::APPLICATIONS),
                "/registry/import?kind=applications",
                tr.t("import-inventory-title"),
                false,
            ))
    })
}
