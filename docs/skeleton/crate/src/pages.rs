//! Entries' pages: `GET /example` (the list: filters, sort, paging, CSV/XLSX download),
//! `GET/POST /example/new` and `GET /example/{id}`.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::form::{FormSpec, Submitted, choice, text};
use kernel::layout::{Chrome, FormErrors, render};
use kernel::listing::{self, Cell, Column, Export, List, Tone, respond};
use kernel::permissions::Access;
use kernel::{AppError, AppResult, AppState, Ctx};

use crate::model::{EntryDraft, EntryId, Status};
use crate::service;
use crate::store::{self, EntryRow};

/// An entry with its agency's code, as lists show it.
pub type Listed = (EntryRow, String);

/// The entries, on their page and in the API: the query's filters and sorts, its columns and
/// its download, declared once.
pub const LIST: List<Listed> = List {
    path: "/example",
    filters: &[
        listing::search(),
        listing::agency("agency_id", "example-agency"),
        listing::choice::<Status>("status", "example-status", "example-status-"),
    ],
    sorts: &["name", "created"],
    default_sort: "-created",
    columns: &[
        Column {
            label: "example-agency",
            sort: None,
            cell: |(_, code), _| Cell::code(code),
        },
        Column {
            label: "example-name",
            sort: Some("name"),
            cell: |(r, _), _| Cell::link(&r.name, format!("/example/{}", r.id)),
        },
        Column {
            label: "example-status",
            sort: None,
            cell: |(r, _), tr| {
                let tone = match r.status {
                    Status::Active => Tone::Green,
                    Status::Draft => Tone::Grey,
                };
                Cell::tag(tr.tp("example-status-", r.status), tone)
            },
        },
        Column {
            label: "example-created",
            sort: Some("created"),
            cell: |(r, _), _| Cell::text(r.created_at.format("%Y-%m-%d").to_string()),
        },
    ],
    export: Some(Export {
        stem: "example-entries",
        header: || vec!["agency_code", "name", "status", "note", "created_at", "id"],
        row: |(r, code)| {
            vec![
                code.clone(),
                r.name.clone(),
                r.status.as_str().to_owned(),
                r.note.clone(),
                r.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                r.id.to_string(),
            ]
        },
    }),
};

/// The entry form's fields, in the order the summary names their errors.
const FORM: FormSpec = FormSpec {
    fields: &[
        choice("agency_id", "example-agency"),
        text("name", "example-name"),
        choice("status", "example-status"),
        text("note", "example-note"),
    ],
};

/// The list page (or its download, with `?format=csv|xlsx`).
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let visible = ctx.visible(&crate::ENTRIES)?;
    let q = LIST.read(raw.as_deref())?;
    let query = q.clone();
    let (rows, total, picker) = state
        .read(move |c| {
            let (rows, total) = store::list(c, &visible, &query)?;
            let rows = org::directory::with_codes(c, rows, |r| r.agency_id)?;
            Ok((rows, total, org::directory::picker(c, &visible)?))
        })
        .await?;
    respond(&LIST, &q, &rows, || {
        let tr = ctx.tr();
        Ok(LIST
            .view(Chrome::new(&state, &ctx, "example-title"), &q, &rows, total)
            .intro(tr.t("example-intro"))
            .choices("agency_id", picker)
            .action(
                ctx.can_write_any(&crate::ENTRIES),
                "/example/new",
                tr.t("example-new-title"),
                true,
            ))
    })
}

#[derive(Template)]
#[template(path = "example_form.html")]
struct FormPage {
    chrome: Chrome,
    form: EntryDraft,
    agencies: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
    errors: FormErrors,
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    form: EntryDraft,
    errors: FormErrors,
) -> AppResult<Response> {
    let all = state.read(|c| Ok(org::directory::all_agencies(c)?)).await?;
    let tr = ctx.tr();
    let page = FormPage {
        chrome: Chrome::new(state, ctx, "example-new-title"),
        form,
        agencies: org::directory::writable(all, ctx, &crate::ENTRIES),
        statuses: Status::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), tr.tp("example-status-", s)))
            .collect(),
        errors,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(&page)?).into_response())
}

/// An empty form, for those who may write entries for some agency.
pub async fn new(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    if !ctx.can_write_any(&crate::ENTRIES) {
        return Err(ctx.require().err().unwrap_or(AppError::Forbidden));
    }
    let form = EntryDraft {
        status: Status::Draft.as_str().to_owned(),
        ..EntryDraft::default()
    };
    form_page(&state, &ctx, form, FormErrors::default()).await
}

/// Saves the entry, or shows the form again with every problem and everything typed.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Submitted {
        values: form,
        stale,
    }: Submitted<EntryDraft>,
) -> AppResult<Response> {
    ctx.authorize_new(&crate::ENTRIES, &form.agency_id)?;
    if stale {
        return form_page(&state, &ctx, form, FORM.expired(ctx.tr())).await;
    }
    let actor = ctx.require()?.actor();
    let draft = form.clone();
    match state
        .write(move |c| service::create(c, &actor, &draft))
        .await
    {
        Ok(row) => Ok(Redirect::to(&format!("/example/{}", row.id)).into_response()),
        Err(e @ AppError::Validation(_)) => {
            let errors = FORM.errors(&e, ctx.tr());
            form_page(&state, &ctx, form, errors).await
        }
        Err(e) => Err(e),
    }
}

/// The entry if the caller may read it; 404 alike for one that does not exist and one of an
/// agency the caller may not see.
pub(crate) async fn readable(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<EntryRow> {
    ctx.require()?;
    let id = EntryId::parse(id).ok_or(AppError::NotFound)?;
    let row = state
        .read(move |c| Ok(store::find(c, id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    ctx.authorize_record(&crate::ENTRIES, Access::Read, row.agency_id)?;
    Ok(row)
}

#[derive(Template)]
#[template(path = "example_show.html")]
struct ShowPage {
    chrome: Chrome,
    row: EntryRow,
    agency: String,
}

/// One entry.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let row = readable(&state, &ctx, &id).await?;
    let agency_id = row.agency_id;
    let agency = state
        .read(move |c| Ok(org::directory::agency(c, agency_id)?))
        .await?
        .map(|a| a.label())
        .unwrap_or_default();
    let page = ShowPage {
        chrome: Chrome::new(&state, &ctx, "example-title"),
        row,
        agency,
    };
    Ok(render(&page)?.into_response())
}
