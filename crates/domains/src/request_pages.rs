//! Requests for a name, on pages: `GET /domains/requests` (with the 48-hour clock),
//! `GET/POST /domains/requests/new`, `GET /domains/requests/{id}` and
//! `POST /domains/requests/{id}/decide` (the Dinas records the decision).

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::form::{FormSpec, Submitted, choice, text};
use kernel::i18n::Tr;
use kernel::layout::{Chrome, FormErrors, render};
use kernel::listing::{self, Cell, Column, Export, List, Tone, respond};
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};

use crate::request::{
    Clock, DecisionDraft, RequestDraft, RequestId, RequestKind, RequestStatus, clock, spoken,
};
use crate::service;
use crate::store::{self, RequestRow};

/// A request with its agency's code.
pub type Listed = (RequestRow, String);

/// The request's place against the service level, in words, and whether it is late.
pub fn clock_words(r: &RequestRow, tr: Tr) -> (String, bool) {
    if r.status == RequestStatus::Withdrawn {
        return (tr.t("domains-clock-withdrawn"), false);
    }
    match clock(r.submitted_at, r.decided_at, db::now()) {
        Clock::Left(d) => (tr.t1("domains-clock-left", "time", &spoken(d, tr)), false),
        Clock::Late(d) => (tr.t1("domains-clock-late", "time", &spoken(d, tr)), true),
        Clock::OnTime => (tr.t("domains-clock-on-time"), false),
        Clock::DecidedLate(d) => (
            tr.t1("domains-clock-decided-late", "time", &spoken(d, tr)),
            true,
        ),
    }
}

/// The requests, on their page and in the API.
pub const LIST: List<Listed> = List {
    path: "/domains/requests",
    filters: &[
        listing::search(),
        listing::agency("agency_id", "domains-agency"),
        listing::choice::<RequestStatus>(
            "status",
            "domains-request-status",
            "domains-request-status-",
        ),
    ],
    sorts: &["submitted", "name"],
    default_sort: "-submitted",
    columns: &[
        Column {
            label: "domains-request-number",
            sort: None,
            cell: |(r, _), _| Cell::link(&r.number, format!("/domains/requests/{}", r.id)),
        },
        Column {
            label: "domains-request-name",
            sort: Some("name"),
            cell: |(r, _), tr| {
                Cell::code(&r.name).badge(
                    r.kind == RequestKind::SeparateDomain,
                    tr.t("domains-kind-separate_domain"),
                )
            },
        },
        Column {
            label: "domains-agency",
            sort: None,
            cell: |(_, code), _| Cell::code(code),
        },
        Column {
            label: "domains-request-status",
            sort: None,
            cell: |(r, _), tr| {
                let tone = match r.status {
                    RequestStatus::Granted => Tone::Green,
                    RequestStatus::Refused => Tone::Red,
                    RequestStatus::Submitted | RequestStatus::Withdrawn => Tone::Grey,
                };
                Cell::tag(tr.tp("domains-request-status-", r.status), tone)
            },
        },
        Column {
            label: "domains-request-clock",
            sort: Some("submitted"),
            cell: |(r, _), tr| {
                let (words, late) = clock_words(r, tr);
                if late {
                    Cell::tag(words, Tone::Red)
                } else {
                    Cell::text(words)
                }
            },
        },
    ],
    export: Some(Export {
        stem: "permohonan-domain",
        header: || {
            vec![
                "number",
                "kind",
                "name",
                "agency_code",
                "status",
                "submitted_at",
                "decided_at",
                "decision_number",
                "id",
            ]
        },
        row: |(r, code)| {
            vec![
                r.number.clone(),
                r.kind.as_str().to_owned(),
                r.name.clone(),
                code.clone(),
                r.status.as_str().to_owned(),
                r.submitted_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                r.decided_at
                    .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
                    .unwrap_or_default(),
                r.decision_number.clone().unwrap_or_default(),
                r.id.to_string(),
            ]
        },
    }),
};

const FORM: FormSpec = FormSpec {
    fields: &[
        choice("agency_id", "domains-agency"),
        choice("kind", "domains-request-kind"),
        text("name", "domains-request-name"),
        text("purpose", "domains-request-purpose"),
        text("target", "domains-request-target"),
    ],
};

const DECISION_FORM: FormSpec = FormSpec {
    fields: &[
        choice("decision", "domains-decision"),
        text("decision_number", "domains-decision-number"),
        text("decision_date", "domains-decision-date"),
        text("reason", "domains-decision-reason"),
    ],
};

/// The list of requests the caller may see.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let visible = ctx.visible(&crate::REQUESTS)?;
    let q = LIST.read(raw.as_deref())?;
    let query = q.clone();
    let (rows, total, picker) = state
        .read(move |c| {
            let (rows, total) = store::requests(c, &visible, &query)?;
            let rows = org::directory::with_codes(c, rows, |r| r.agency_id)?;
            Ok((rows, total, org::directory::picker(c, &visible)?))
        })
        .await?;
    respond(&LIST, &q, &rows, || {
        let tr = ctx.tr();
        Ok(LIST
            .view(
                Chrome::new(&state, &ctx, "domains-requests-title"),
                &q,
                &rows,
                total,
            )
            .intro(tr.t("domains-requests-intro"))
            .choices("agency_id", picker)
            .action(
                ctx.can_write_any(&crate::REQUESTS),
                "/domains/requests/new",
                tr.t("domains-request-new"),
                true,
            ))
    })
}

#[derive(Template)]
#[template(path = "domains_request_form.html")]
struct FormPage {
    chrome: Chrome,
    form: RequestDraft,
    agencies: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    apex: String,
    errors: FormErrors,
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    form: RequestDraft,
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
        chrome: Chrome::new(state, ctx, "domains-request-new"),
        form,
        agencies: org::directory::writable(all, ctx, &crate::REQUESTS),
        kinds: kernel::layout::choices_of::<RequestKind>(tr, "domains-kind-"),
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

/// An empty request, for those who may ask for some agency.
pub async fn new(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    if !ctx.can_write_any(&crate::REQUESTS) {
        return Err(ctx.require().err().unwrap_or(AppError::Forbidden));
    }
    let form = RequestDraft {
        kind: "subdomain".into(),
        ..RequestDraft::default()
    };
    form_page(&state, &ctx, form, FormErrors::default()).await
}

/// Sends the request, or shows the form again with every problem.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Submitted {
        values: form,
        stale,
    }: Submitted<RequestDraft>,
) -> AppResult<Response> {
    let actor = ctx
        .authorize_new(&crate::REQUESTS, &form.agency_id)?
        .actor();
    if stale {
        return form_page(&state, &ctx, form, FORM.expired(ctx.tr())).await;
    }
    let draft = form.clone();
    match state.write(move |c| service::ask(c, &actor, &draft)).await {
        Ok(row) => {
            Ok(Redirect::to(&format!("/domains/requests/{}?saved=1", row.id)).into_response())
        }
        Err(e @ AppError::Validation(_)) => {
            let errors = FORM.errors(&e, ctx.tr());
            form_page(&state, &ctx, form, errors).await
        }
        Err(e) => Err(e),
    }
}

/// The request if the caller may read it; 404 alike for one that does not exist.
pub(crate) async fn readable(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<RequestRow> {
    ctx.require()?;
    let id = RequestId::parse(id).ok_or(AppError::NotFound)?;
    let row = state
        .read(move |c| Ok(store::request(c, id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    ctx.authorize_record(&crate::REQUESTS, Access::Read, row.agency_id)?;
    Ok(row)
}

#[derive(Template)]
#[template(path = "domains_request.html")]
struct ShowPage {
    chrome: Chrome,
    row: RequestRow,
    full_name: String,
    agency: String,
    clock: (String, bool),
    body: String,
    can_decide: bool,
    can_withdraw: bool,
    form: DecisionDraft,
    errors: FormErrors,
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    row: RequestRow,
    form: DecisionDraft,
    errors: FormErrors,
) -> AppResult<Response> {
    let agency_id = row.agency_id;
    let (agency, apex, authority) = state
        .read(move |c| {
            Ok((
                org::directory::agency(c, agency_id)?,
                service::apex(c).unwrap_or_default(),
                org::directory::region(c)?.map(|r| r.subdomain_authority),
            ))
        })
        .await?;
    let tr = ctx.tr();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let next = tr.t(&format!("domains-request-next-{}", row.status.as_str()));
    let page = ShowPage {
        chrome: Chrome::new(state, ctx, "domains-requests-title").after_saving(next),
        full_name: service::full_name(row.kind, &row.name, &apex),
        agency: agency.map(|a| a.label()).unwrap_or_default(),
        clock: clock_words(&row, tr),
        body: authority
            .map(|a| tr.tp("region-authority-", a))
            .unwrap_or_default(),
        can_decide: row.status == RequestStatus::Submitted
            && ctx.can(&crate::REQUESTS, Access::Write, Scope::Region),
        can_withdraw: row.status == RequestStatus::Submitted
            && ctx.can(
                &crate::REQUESTS,
                Access::Write,
                Scope::Agency(row.agency_id),
            ),
        row,
        form,
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

/// One request, with the decision form for the Dinas while it waits.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let row = readable(&state, &ctx, &id).await?;
    let today = db::now().date().format("%Y-%m-%d").to_string();
    let form = DecisionDraft {
        decision_date: today,
        ..DecisionDraft::default()
    };
    show_page(&state, &ctx, row, form, FormErrors::default()).await
}

/// Records the decision (the Dinas, region-wide).
pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Submitted {
        values: form,
        stale,
    }: Submitted<DecisionDraft>,
) -> AppResult<Response> {
    let row = readable(&state, &ctx, &id).await?;
    let actor = ctx
        .authorize(&crate::REQUESTS, Access::Write, Scope::Region)?
        .actor();
    if stale {
        return show_page(&state, &ctx, row, form, DECISION_FORM.expired(ctx.tr())).await;
    }
    let (draft, id) = (form.clone(), row.id);
    match state
        .write(move |c| service::decide(c, &actor, id, &draft))
        .await
    {
        Ok(row) => {
            Ok(Redirect::to(&format!("/domains/requests/{}?saved=1", row.id)).into_response())
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let errors = DECISION_FORM.errors(&e, ctx.tr());
            show_page(&state, &ctx, row, form, errors).await
        }
        Err(e) => Err(e),
    }
}

/// The agency withdraws its request while it waits, once it confirms.
pub async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    kernel::extract::PageForm(form): kernel::extract::PageForm<crate::pages::Confirm>,
) -> AppResult<Response> {
    let row = readable(&state, &ctx, &id).await?;
    let actor = ctx
        .authorize(
            &crate::REQUESTS,
            Access::Write,
            Scope::Agency(row.agency_id),
        )?
        .actor();
    if form.confirm.is_none() {
        let errors = FormErrors::one("confirm", ctx.tr().t("error-confirm-action"));
        return show_page(&state, &ctx, row, DecisionDraft::default(), errors).await;
    }
    let id = row.id;
    match state.write(move |c| service::withdraw(c, &actor, id)).await {
        Ok(row) => {
            Ok(Redirect::to(&format!("/domains/requests/{}?saved=1", row.id)).into_response())
        }
        Err(e @ AppError::Conflict(_)) => {
            let errors = FormErrors::one(
                "confirm",
                e.field_errors()
                    .first()
                    .map(|f| f.message(ctx.tr().lang))
                    .unwrap_or_default(),
            );
            show_page(&state, &ctx, row, DecisionDraft::default(), errors).await
        }
        Err(e) => Err(e),
    }
}
