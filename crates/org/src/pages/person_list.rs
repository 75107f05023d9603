//! `GET /people`: the people the viewer may see, filtered, paged, and downloadable in the
//! columns the import reads back (the NIK masked: a file travels).

use axum::extract::{RawQuery, State};
use axum::response::Response;
use kernel::layout::Chrome;
use kernel::listing::{self, Cell, Column, Export, List, respond};
use kernel::{AppResult, AppState, Ctx};

use crate::model::{PersonKind, mask_nik};
use crate::store::{self, PersonRow};

/// A person with their agency's code.
pub type Listed = (PersonRow, String);

/// The people list, on its page and in the API.
pub const LIST: List<Listed> = List {
    path: "/people",
    filters: &[
        listing::search(),
        listing::agency("agency", "person-agency"),
        listing::choice::<PersonKind>("kind", "person-kind", "person-kind-"),
    ],
    sorts: &["name"],
    default_sort: "name",
    columns: &[
        Column {
            label: "person-name",
            sort: Some("name"),
            cell: |(p, _), _| Cell::link(&p.name, format!("/people/{}", p.id)),
        },
        Column {
            label: "person-nip",
            sort: None,
            cell: |(p, _), _| Cell::maybe(p.nip.as_deref()),
        },
        Column {
            label: "person-position",
            sort: None,
            cell: |(p, _), _| Cell::maybe(p.position.as_deref()),
        },
        Column {
            label: "person-agency",
            sort: None,
            cell: |(_, code), _| Cell::code(code),
        },
    ],
    export: Some(Export {
        stem: "people",
        header: || crate::import::PERSON_COLUMNS.to_vec(),
        row: |(p, code)| {
            let opt = |v: &Option<String>| v.clone().unwrap_or_default();
            vec![
                code.clone(),
                p.name.clone(),
                p.kind.as_str().to_owned(),
                opt(&p.nip),
                p.nik.as_deref().map(mask_nik).unwrap_or_default(),
                opt(&p.position),
                opt(&p.email),
                opt(&p.phone),
            ]
        },
    }),
};

/// Lists people.
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let visible = ctx.visible(&crate::PEOPLE)?;
    let q = LIST.read(raw.as_deref())?;
    let (query, v) = (q.clone(), visible.clone());
    let (rows, total, agencies) = state
        .read(move |c| {
            let (rows, total) = store::person_list(c, &v, &query)?;
            let agencies = store::agency_all(c)?;
            Ok((rows, total, agencies))
        })
        .await?;
    let code_of = |id: kernel::ids::AgencyId| {
        agencies
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.code.clone())
            .unwrap_or_default()
    };
    let rows: Vec<Listed> = rows
        .into_iter()
        .map(|p| {
            let code = code_of(p.agency_id);
            (p, code)
        })
        .collect();
    respond(&LIST, &q, &rows, || {
        let tr = ctx.tr();
        let can_add = ctx.can_write_any(&crate::PEOPLE);
        let picker = agencies
            .iter()
            .filter(|a| visible.includes(a.id))
            .map(|a| (a.id.to_string(), format!("{} — {}", a.code, a.name)))
            .collect();
        Ok(LIST
            .view(Chrome::new(&state, &ctx, "people-title"), &q, &rows, total)
            .choices("agency", Some(picker))
            .action(can_add, "/people/new", tr.t("person-new-title"), true)
            .action(can_add, "/import", tr.t("import-title"), false))
    })
}
