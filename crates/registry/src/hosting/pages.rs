//! Hosting request pages: `GET /registry/hosting` (the list, pending first for the Dinas),
//! `GET/POST /registry/hosting/new`, `GET /registry/hosting/{id}` and
//! `POST /registry/hosting/{id}/decide` (approve onto a server, reject, or withdraw).

use super::HostingRequestId;
use crate::inventory::ServerId;
use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::extract::PageForm;
use kernel::form::{FormSpec, Submitted, choice, text};
use kernel::ids::AgencyId;
use kernel::layout::{Chrome, FormErrors, render};
use kernel::listing::{self, Cell, Column, Export, List, Tone, respond};
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};
use serde::Deserialize;

use super::store::{self, HostingRow};
use super::{Decision, HostingDraft, HostingStatus, service};

#[derive(Template)]
#[template(path = "hosting_form.html")]
struct FormPage {
    chrome: Chrome,
    form: HostingDraft,
    apps: Vec<(String, String)>,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "hosting_show.html")]
struct ShowPage {
    chrome: Chrome,
    row: HostingRow,
    app: String,
    agency: String,
    server: Option<String>,
    servers: Vec<(String, String)>,
    dinas: bool,
    may_withdraw: bool,
    errors: FormErrors,
}

/// A request with its agency's code, its application's name and its server's name.
pub type Listed = (HostingRow, String, String, Option<String>);

fn status_tone(s: HostingStatus) -> Tone {
    match s {
        HostingStatus::Approved => Tone::Green,
        HostingStatus::Rejected => Tone::Red,
        HostingStatus::Withdrawn => Tone::Grey,
        HostingStatus::Submitted => Tone::Tag,
    }
}

/// The hosting requests, on their page and in the API: newest first.
pub const LIST: List<Listed> = List {
    path: "/registry/hosting",
    filters: &[listing::choice::<HostingStatus>(
        "status",
        "app-status",
        "hosting-status-",
    )],
    sorts: &["created"],
    default_sort: "-created",
    columns: &[
        Column {
            label: "app-agency",
            sort: None,
            cell: |(_, code, ..), _| Cell::code(code),
        },
        Column {
            label: "hosting-application",
            sort: None,
            cell: |(r, _, app, _), _| Cell::link(app, format!("/registry/hosting/{}", r.id)),
        },
        Column {
            label: "hosting-resources",
            sort: None,
            cell: |(r, ..), _| {
                Cell::text(format!(
                    "{} vCPU · {} GB · {} GB",
                    r.cpu_cores, r.memory_gb, r.storage_gb
                ))
            },
        },
        Column {
            label: "app-status",
            sort: None,
            cell: |(r, ..), tr| {
                Cell::tag(tr.tp("hosting-status-", r.status), status_tone(r.status))
            },
        },
        Column {
            label: "hosting-server",
            sort: None,
            cell: |(.., server), _| Cell::maybe(server.as_deref()),
        },
        Column {
            label: "hosting-asked",
            sort: Some("created"),
            cell: |(r, ..), tr| Cell::text(tr.day_of(r.created_at)),
        },
    ],
    export: Some(Export {
        stem: "hosting",
        header: || {
            vec![
                "agency_code",
                "application",
                "cpu_cores",
                "memory_gb",
                "storage_gb",
                "status",
                "server",
                "created_at",
                "id",
            ]
        },
        row: |(r, code, app, server)| {
            vec![
                code.clone(),
                app.clone(),
                r.cpu_cores.to_string(),
                r.memory_gb.to_string(),
                r.storage_gb.to_string(),
                r.status.as_str().to_owned(),
                server.clone().unwrap_or_default(),
                r.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                r.id.to_string(),
            ]
        },
    }),
};

/// The request form's fields.
const HOSTING_FORM: FormSpec = FormSpec {
    fields: &[
        choice("application_id", "hosting-application"),
        text("cpu_cores", "servers-cpu_cores"),
        text("memory_gb", "servers-memory_gb"),
        text("storage_gb", "servers-storage_gb"),
        text("note", "hosting-note"),
    ],
};

/// The decision form's fields.
const DECISION_FORM: FormSpec = FormSpec {
    fields: &[
        choice("server_id", "hosting-server"),
        text("note", "hosting-decision-note"),
    ],
};

/// The list.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let visible = ctx.visible(&crate::HOSTING)?;
    let q = LIST.read(raw.as_deref())?;
    let query = q.clone();
    let (rows, total) = state
        .read(move |c| {
            let (rows, total) = store::list(c, &visible, &query)?;
            let rows: Vec<Listed> = org::directory::with_codes(c, rows, |(r, ..)| r.agency_id)?
                .into_iter()
                .map(|((r, app, server), code)| (r, code, app, server))
                .collect();
            Ok((rows, total))
        })
        .await?;
    respond(&LIST, &q, &rows, || {
        let tr = ctx.tr();
        let chrome = Chrome::new(&state, &ctx, "hosting-title");
        let tabs = crate::inventory::pages::Tabs {
            chrome: &chrome,
            path: "hosting",
        }
        .render()?;
        Ok(LIST
            .view(chrome, &q, &rows, total)
            .above(tabs)
            .intro(tr.t("hosting-intro"))
            .action(
                ctx.can_write_any(&crate::HOSTING),
                "/registry/hosting/new",
                tr.t("hosting-new-title"),
                true,
            ))
    })
}

/// The applications a person may ask hosting for: those of the agencies they act for whose
/// registration has been sent.
async fn own_apps(state: &AppState, ctx: &Ctx) -> AppResult<Vec<(String, String)>> {
    let p = ctx.require()?;
    let agencies: Vec<AgencyId> = p
        .grants
        .iter()
        .filter_map(|g| g.agency)
        .filter(|a| ctx.can(&crate::HOSTING, Access::Write, Scope::Agency(*a)))
        .collect();
    state
        .read(move |c| {
            let mut out = vec![];
            for a in &agencies {
                out.extend(
                    crate::store::app_names_sent(c, *a)?
                        .into_iter()
                        .map(|(id, name)| (id.to_string(), name)),
                );
            }
            Ok(out)
        })
        .await
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    form: HostingDraft,
    errors: FormErrors,
) -> AppResult<Response> {
    let apps = own_apps(state, ctx).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = FormPage {
        chrome: Chrome::new(state, ctx, "hosting-new-title"),
        form,
        apps,
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

/// `?application_id=` preselects the application.
#[derive(Debug, Deserialize)]
pub struct NewQuery {
    /// Application.
    pub application_id: Option<String>,
}

/// An empty request form.
pub async fn new(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    let form = HostingDraft {
        application_id: q.application_id.unwrap_or_default(),
        cpu_cores: "2".into(),
        memory_gb: "4".into(),
        storage_gb: "50".into(),
        ..HostingDraft::default()
    };
    form_page(&state, &ctx, form, FormErrors::default()).await
}

/// Sends the request, or shows the form again with every problem.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Submitted<HostingDraft>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    if !ctx.can_write_any(&crate::HOSTING) {
        return Err(AppError::Forbidden);
    }
    let (actor, grants) = (p.actor(), p.grants.clone());
    let Submitted {
        values: form,
        stale,
    } = form;
    if stale {
        return form_page(&state, &ctx, form, HOSTING_FORM.expired(ctx.tr())).await;
    }
    let draft = form.clone();
    let result = state
        .write(move |c| {
            service::request(c, &actor, &draft, |a| {
                kernel::permissions::allows(
                    &grants,
                    &crate::HOSTING,
                    Access::Write,
                    Scope::Agency(a),
                )
            })
        })
        .await;
    match result {
        Ok(row) => {
            Ok(Redirect::to(&format!("/registry/hosting/{}?saved=1", row.id)).into_response())
        }
        Err(e @ AppError::Validation(_)) => {
            let errors = HOSTING_FORM.errors(&e, ctx.tr());
            form_page(&state, &ctx, form, errors).await
        }
        Err(e) => Err(e),
    }
}

/// The request if the reader may read it (404 otherwise).
pub(crate) async fn readable(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<HostingRow> {
    ctx.require()?;
    let lookup = HostingRequestId::parse(id).ok_or(AppError::NotFound)?;
    let row = state
        .read(move |c| Ok(store::find(c, lookup)?))
        .await?
        .ok_or(AppError::NotFound)?;
    ctx.authorize_record(&crate::HOSTING, Access::Read, row.agency_id)?;
    Ok(row)
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    row: HostingRow,
    errors: FormErrors,
) -> AppResult<Response> {
    let (app_id, agency_id, server_id) = (row.application_id, row.agency_id, row.server_id);
    let tr = ctx.tr();
    let (app, agency, server, servers) = state
        .read(move |c| {
            let app = crate::store::app_find(c, app_id)?
                .map(|a| a.name)
                .unwrap_or_default();
            let agency = org::directory::agency(c, agency_id)?
                .map(|a| a.code)
                .unwrap_or_default();
            let server = match server_id {
                Some(s) => crate::inventory::store::server_find(c, s)?.map(|s| s.name),
                None => None,
            };
            let servers: Vec<(String, String)> = store::dinas_servers(c)?
                .into_iter()
                .map(|s| (s.id.to_string(), room_label(&s, tr)))
                .collect();
            Ok((app, agency, server, servers))
        })
        .await?;
    let dinas = ctx.can(&crate::HOSTING, Access::Write, Scope::Region);
    let may_withdraw = ctx.can(&crate::HOSTING, Access::Write, Scope::Agency(row.agency_id));
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ShowPage {
        chrome: Chrome::new(state, ctx, "hosting-show-title")
            .after_saving(tr.t(&format!("hosting-next-{}", row.status.as_str()))),
        row,
        app,
        agency,
        server,
        servers,
        dinas,
        may_withdraw,
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

/// One request with the decision forms its reader may use.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let row = readable(&state, &ctx, &id).await?;
    show_page(&state, &ctx, row, FormErrors::default()).await
}

/// A decision as posted.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionForm {
    /// `approve`, `reject` or `withdraw` (the API takes it from the path).
    #[serde(default)]
    pub action: String,
    /// The reason, or the Dinas's note.
    #[serde(default)]
    pub note: String,
    /// For an approval: the Dinas server.
    #[serde(default)]
    pub server_id: Option<String>,
}

/// Checks who may take `d` on `row`, then takes it.
pub(crate) async fn take(
    state: &AppState,
    ctx: &Ctx,
    row: &HostingRow,
    d: Decision,
    form: DecisionForm,
) -> AppResult<HostingRow> {
    let actor = if d.by_dinas() {
        ctx.authorize(&crate::HOSTING, Access::Write, Scope::Region)?
            .actor()
    } else {
        ctx.authorize(&crate::HOSTING, Access::Write, Scope::Agency(row.agency_id))?
            .actor()
    };
    let id = row.id;
    let server = match form
        .server_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(text) => Some(
            ServerId::parse(text)
                .ok_or_else(|| AppError::field("server_id", "error-server-not-dinas"))?,
        ),
        None => None,
    };
    state
        .write(move |c| service::take(c, &actor, id, d, &form.note, server))
        .await
}

/// Takes a decision from the page's forms.
pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    PageForm(form): PageForm<DecisionForm>,
) -> AppResult<Response> {
    let row = readable(&state, &ctx, &id).await?;
    let d = Decision::parse(&form.action)
        .ok_or_else(|| AppError::field("action", "error-transition"))?;
    match take(&state, &ctx, &row, d, form).await {
        Ok(_) => Ok(Redirect::to(&format!("/registry/hosting/{id}?saved=1")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let errors = DECISION_FORM.errors(&e, ctx.tr());
            show_page(&state, &ctx, row, errors).await
        }
        Err(e) => Err(e),
    }
}

/// "dc-node-01 — sisa 26 dari 32 vCPU; sisa 104 dari 128 GB memori; sisa 1.700 dari 2.000 GB
/// penyimpanan; 3 aplikasi": what the Dinas weighs when choosing a server.
fn room_label(s: &store::ServerRoom, tr: kernel::i18n::Tr) -> String {
    let part = |key: &str, have: i64, given: i64| {
        tr.t2(
            key,
            "left",
            &tr.number(have - given),
            "have",
            &tr.number(have),
        )
    };
    let parts = [
        part("hosting-room-cpu", s.capacity.0, s.given.0),
        part("hosting-room-memory", s.capacity.1, s.given.1),
        part("hosting-room-storage", s.capacity.2, s.given.2),
        tr.t1("hosting-room-apps", "count", &s.applications),
    ];
    format!("{} — {}", s.name, parts.join("; "))
}
