//! `GET /people`: the people the viewer may see, filtered, paged, exportable as CSV.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use kernel::extract::Paging;
use kernel::layout::{Chrome, render};
use kernel::permissions::Visible;
use kernel::{AppResult, AppState, Ctx};

use super::agency_list::Format;
use crate::model::mask_nik;
use crate::store::{self, AgencyRow, PersonFilter, PersonRow};

#[derive(Template)]
#[template(path = "people.html")]
struct PeopleList {
    chrome: Chrome,
    rows: Vec<(PersonRow, String)>,
    agencies: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    filter: PersonFilter,
    total: i64,
    page: i64,
    pages: i64,
    query: String,
    can_add: bool,
}

/// Lists people.
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    paging: Paging,
    Query(filter): Query<PersonFilter>,
    Query(format): Query<Format>,
) -> AppResult<Response> {
    let visible = ctx.visible(&crate::PEOPLE)?;
    let file = format.format.clone();
    let (limit, offset) = if file.is_some() {
        (i64::MAX, 0)
    } else {
        (paging.per_page, paging.offset())
    };
    let (f, v) = (filter.clone(), visible.clone());
    let ((rows, total), agencies) = state
        .read(move |c| {
            Ok((
                store::person_list(c, &v, &f, limit, offset)?,
                store::agency_all(c)?,
            ))
        })
        .await?;
    let code_of = |id: &kernel::ids::AgencyId| {
        agencies
            .iter()
            .find(|a| a.id == *id)
            .map(|a| a.code.clone())
            .unwrap_or_default()
    };
    if let Some(file) = file {
        return file_response(&file, &rows, code_of);
    }
    let shown: Vec<AgencyRow> = match &visible {
        Visible::All => agencies.clone(),
        Visible::Only(ids) => agencies
            .iter()
            .filter(|a| ids.contains(&a.id))
            .cloned()
            .collect(),
    };
    let query = serde_urlencoded::to_string([
        ("q", filter.q.clone().unwrap_or_default()),
        ("agency", filter.agency.clone().unwrap_or_default()),
        ("kind", filter.kind.clone().unwrap_or_default()),
    ])
    .unwrap_or_default();
    let can_add = ctx.principal.as_deref().is_some_and(|p| {
        p.grants.iter().any(|g| {
            g.role == kernel::permissions::Role::DinasAdmin
                || g.role == kernel::permissions::Role::AgencyOperator
        })
    });
    let page = PeopleList {
        rows: rows
            .into_iter()
            .map(|p| {
                let c = code_of(&p.agency_id);
                (p, c)
            })
            .collect(),
        agencies: shown
            .into_iter()
            .map(|a| (a.id.to_string(), format!("{} — {}", a.code, a.name)))
            .collect(),
        kinds: super::person_kinds(ctx.tr()),
        chrome: Chrome::new(&state, &ctx, "people-title"),
        filter,
        total,
        page: paging.page,
        pages: paging.pages(total),
        query,
        can_add,
    };
    Ok(render(&page)?.into_response())
}

fn file_response(
    format: &str,
    rows: &[PersonRow],
    code_of: impl Fn(&kernel::ids::AgencyId) -> String,
) -> AppResult<Response> {
    let lines = rows.iter().map(|p| {
        // The export is for staff, but a file travels: the NIK leaves only masked.
        let nik = p.nik.as_deref().map(mask_nik).unwrap_or_default();
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        vec![
            code_of(&p.agency_id),
            p.name.clone(),
            p.kind.as_str().to_owned(),
            opt(&p.nip),
            nik,
            opt(&p.position),
            opt(&p.email),
            opt(&p.phone),
        ]
    });
    kernel::export::download(format, "people", &crate::import::PERSON_COLUMNS, lines)
}
