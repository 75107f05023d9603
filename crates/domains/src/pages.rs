//! The zone's pages: `GET /domains` (the records: filters, sort, paging, CSV/XLSX download,
//! and the zone's health), `GET/POST /domains/new`, `GET /domains/{id}`,
//! `GET/POST /domains/{id}/edit`, `POST /domains/{id}/delete` and `GET /domains/zone` (the
//! zone file).

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use kernel::form::{FormSpec, Submitted, choice, text};
use kernel::layout::{Chrome, FormErrors, render};
use kernel::listing::{self, Cell, Column, Export, List, respond};
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};

use crate::model::{RecordDraft, RecordId, RecordType};
use crate::service;
use crate::store::{self, RecordRow};

/// A record with its agency's code, as lists show it.
pub type Listed = (RecordRow, String);

/// The records, on their page and in the API, declared once.
pub const LIST: List<Listed> = List {
    path: "/domains",
    filters: &[
        listing::search(),
        listing::agency("agency_id", "domains-agency"),
        listing::choice::<RecordType>("rtype", "domains-rtype", "domains-rtype-"),
    ],
    sorts: &["name", "updated"],
    default_sort: "name",
    columns: &[
        Column {
            label: "domains-name",
            sort: Some("name"),
            cell: |(r, _), _| Cell::link(&r.name, format!("/domains/{}", r.id)),
        },
        Column {
            label: "domains-rtype",
            sort: None,
            cell: |(r, _), _| Cell::code(r.rtype.as_str()),
        },
        Column {
            label: "domains-value",
            sort: None,
            cell: |(r, _), _| Cell::code(&r.value),
        },
        Column {
            label: "domains-agency",
            sort: None,
            cell: |(_, code), _| Cell::code(code),
        },
        Column {
            label: "domains-basis",
            sort: None,
            cell: |(r, _), _| Cell::text(r.basis.clone()),
        },
    ],
    export: Some(Export {
        stem: "rekaman-dns",
        header: || {
            vec![
                "name",
                "rtype",
                "value",
                "ttl",
                "agency_code",
                "basis",
                "id",
            ]
        },
        row: |(r, code)| {
            vec![
                r.name.clone(),
                r.rtype.as_str().to_owned(),
                r.value.clone(),
                r.ttl.to_string(),
                code.clone(),
                r.basis.clone(),
                r.id.to_string(),
            ]
        },
    }),
};

/// The record form's fields, in the order the summary names their errors.
const FORM: FormSpec = FormSpec {
    fields: &[
        choice("agency_id", "domains-agency"),
        text("name", "domains-name"),
        choice("rtype", "domains-rtype"),
        text("value", "domains-value"),
        text("ttl", "domains-ttl"),
        text("basis", "domains-basis"),
    ],
};

/// The list page (or its download, with `?format=csv|xlsx`).
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let visible = ctx.visible(&crate::RECORDS)?;
    let q = LIST.read(raw.as_deref())?;
    let query = q.clone();
    let (rows, total, picker, unreachable) = state
        .read(move |c| {
            let (rows, total) = store::list(c, &query)?;
            let rows = org::directory::with_codes(c, rows, |r| r.agency_id)?;
            let unreachable = match service::apex(c) {
                Ok(apex) => {
                    let zone = service::zone(c, &apex)?;
                    crate::zone::unreachable_hosts(&apex, &zone, &store::all(c)?)
                }
                Err(_) => vec![],
            };
            Ok((
                rows,
                total,
                org::directory::picker(c, &visible)?,
                unreachable,
            ))
        })
        .await?;
    respond(&LIST, &q, &rows, || {
        let tr = ctx.tr();
        let mut intro = tr.t("domains-intro");
        if !unreachable.is_empty() {
            intro = format!(
                "{intro} {}",
                tr.t1("domains-unreachable", "hosts", &unreachable.join(", "))
            );
        }
        Ok(LIST
            .view(Chrome::new(&state, &ctx, "domains-title"), &q, &rows, total)
            .intro(intro)
            .choices("agency_id", picker)
            .action(
                ctx.can_write_any(&crate::RECORDS),
                "/domains/new",
                tr.t("domains-new-title"),
                true,
            )
            .action(true, "/domains/zone", tr.t("domains-zone-download"), false)
            .action(
                true,
                "/domains/settings",
                tr.t("domains-settings-link"),
                false,
            )
            .action(
                ctx.can_write_any(&crate::RECORDS),
                "/domains/import",
                tr.t("domains-import-link"),
                false,
            ))
    })
}

#[derive(Template)]
#[template(path = "domains_form.html")]
struct FormPage {
    chrome: Chrome,
    action: String,
    form: RecordDraft,
    agencies: Vec<(String, String)>,
    types: Vec<(String, String)>,
    apex: String,
    errors: FormErrors,
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    (action, title): (String, &str),
    form: RecordDraft,
    errors: FormErrors,
) -> AppResult<Response> {
    let (all, apex) = state
        .read(|c| {
            Ok((
                org::directory::all_agencies(c)?,
                service::apex(c).unwrap_or_default(),
            ))
        })
        .await?;
    let tr = ctx.tr();
    let page = FormPage {
        chrome: Chrome::new(state, ctx, title),
        action,
        form,
        // Any agency may own a name; the Dinas records it.
        agencies: all
            .into_iter()
            .map(|a| (a.id.to_string(), a.label()))
            .collect(),
        types: RecordType::ALL
            .iter()
            .map(|t| (t.as_str().to_owned(), tr.tp("domains-rtype-", t)))
            .collect(),
        apex,
        errors,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(&page)?).into_response())
}

/// The Dinas's right to change the zone, as the actor who does.
pub(crate) fn may_write(ctx: &Ctx) -> AppResult<kernel::audit::Actor> {
    Ok(ctx
        .authorize(&crate::RECORDS, Access::Write, Scope::Region)?
        .actor())
}

/// An empty form, for the Dinas.
pub async fn new(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    may_write(&ctx)?;
    let form = RecordDraft {
        rtype: "A".into(),
        ..RecordDraft::default()
    };
    let action = ("/domains/new".to_owned(), "domains-new-title");
    form_page(&state, &ctx, action, form, FormErrors::default()).await
}

/// Saves a new record, or shows the form again with every problem and everything typed.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Submitted {
        values: form,
        stale,
    }: Submitted<RecordDraft>,
) -> AppResult<Response> {
    let actor = may_write(&ctx)?;
    let action = ("/domains/new".to_owned(), "domains-new-title");
    if stale {
        return form_page(&state, &ctx, action, form, FORM.expired(ctx.tr())).await;
    }
    let draft = form.clone();
    match state
        .write(move |c| service::create(c, &actor, &draft))
        .await
    {
        Ok(row) => Ok(Redirect::to(&format!("/domains/{}?saved=1", row.id)).into_response()),
        Err(e @ AppError::Validation(_)) => {
            let errors = FORM.errors(&e, ctx.tr());
            form_page(&state, &ctx, action, form, errors).await
        }
        Err(e) => Err(e),
    }
}

/// The record; 404 alike for one that does not exist and a malformed id.
pub(crate) async fn readable(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<RecordRow> {
    ctx.require()?;
    let id = RecordId::parse(id).ok_or(AppError::NotFound)?;
    let row = state
        .read(move |c| Ok(store::find(c, id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    ctx.authorize_record(&crate::RECORDS, Access::Read, row.agency_id)?;
    Ok(row)
}

#[derive(Template)]
#[template(path = "domains_show.html")]
struct ShowPage {
    chrome: Chrome,
    row: RecordRow,
    full_name: String,
    agency: String,
    can_write: bool,
    errors: FormErrors,
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    row: RecordRow,
    errors: FormErrors,
) -> AppResult<Response> {
    let agency_id = row.agency_id;
    let (agency, apex) = state
        .read(move |c| {
            Ok((
                org::directory::agency(c, agency_id)?,
                service::apex(c).unwrap_or_default(),
            ))
        })
        .await?;
    let full_name = match row.name.as_str() {
        "@" => format!("{apex}."),
        n => format!("{n}.{apex}."),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ShowPage {
        chrome: Chrome::new(state, ctx, "domains-title"),
        agency: agency.map(|a| a.label()).unwrap_or_default(),
        can_write: ctx.can(&crate::RECORDS, Access::Write, Scope::Region),
        full_name,
        row,
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

/// One record.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let row = readable(&state, &ctx, &id).await?;
    show_page(&state, &ctx, row, FormErrors::default()).await
}

fn draft_of(r: &RecordRow) -> RecordDraft {
    RecordDraft {
        agency_id: r.agency_id.to_string(),
        name: r.name.clone(),
        rtype: r.rtype.as_str().to_owned(),
        value: r.value.clone(),
        ttl: r.ttl.to_string(),
        basis: r.basis.clone(),
    }
}

/// The record's form, filled in.
pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let row = readable(&state, &ctx, &id).await?;
    may_write(&ctx)?;
    let action = (format!("/domains/{}/edit", row.id), "domains-edit-title");
    form_page(&state, &ctx, action, draft_of(&row), FormErrors::default()).await
}

/// Saves a correction.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Submitted {
        values: form,
        stale,
    }: Submitted<RecordDraft>,
) -> AppResult<Response> {
    let row = readable(&state, &ctx, &id).await?;
    let actor = may_write(&ctx)?;
    let action = (format!("/domains/{}/edit", row.id), "domains-edit-title");
    if stale {
        return form_page(&state, &ctx, action, form, FORM.expired(ctx.tr())).await;
    }
    let (draft, id) = (form.clone(), row.id);
    match state
        .write(move |c| service::update(c, &actor, id, &draft))
        .await
    {
        Ok(row) => Ok(Redirect::to(&format!("/domains/{}?saved=1", row.id)).into_response()),
        Err(e @ AppError::Validation(_)) => {
            let errors = FORM.errors(&e, ctx.tr());
            form_page(&state, &ctx, action, form, errors).await
        }
        Err(e) => Err(e),
    }
}

/// The delete form: one box to tick.
const DELETE_FORM: FormSpec = FormSpec {
    fields: &[kernel::form::check("confirm", "domains-delete-confirm")],
};

/// What the delete form sends: a ticked confirmation.
#[derive(Debug, serde::Deserialize)]
pub struct Confirm {
    #[serde(default)]
    pub(crate) confirm: Option<String>,
}

/// Takes a record out of the zone once the Dinas confirms it.
pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    kernel::extract::PageForm(form): kernel::extract::PageForm<Confirm>,
) -> AppResult<Response> {
    let row = readable(&state, &ctx, &id).await?;
    let actor = may_write(&ctx)?;
    if form.confirm.is_none() {
        let e = AppError::Validation(vec![kernel::FieldError::new(
            "confirm",
            "error-confirm-action",
        )]);
        let errors = DELETE_FORM.errors(&e, ctx.tr());
        return show_page(&state, &ctx, row, errors).await;
    }
    let id = row.id;
    state.write(move |c| service::delete(c, &actor, id)).await?;
    Ok(Redirect::to("/domains?saved=1").into_response())
}

/// The zone file, as BIND, NSD or Knot read it.
pub async fn zone_file(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.visible(&crate::RECORDS)?;
    let text = state.read(service::export).await?;
    let apex = text
        .lines()
        .find_map(|l| l.strip_prefix("$ORIGIN "))
        .unwrap_or("zona.")
        .trim_end_matches('.')
        .to_owned();
    Ok((
        [
            (header::CONTENT_TYPE, "text/dns; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                kernel::export::content_disposition(&format!("{apex}.zone")),
            ),
        ],
        text,
    )
        .into_response())
}
