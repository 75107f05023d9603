//! The inventory's pages, one set for every kind of record: `GET /registry/{kind}` (list,
//! search, export), `GET/POST /registry/{kind}/new`, `GET/POST /registry/{kind}/{id}` (the
//! record with its findings; the form when the reader may change it), and for servers
//! `POST /registry/servers/{id}/applications`.

use crate::lookups::Lookups;
use std::collections::BTreeMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::compliance::Within;
use kernel::form::Submitted;
use kernel::i18n::Tr;
use kernel::ids::AgencyId;
use kernel::layout::{Chrome, FormErrors, choices, render};
use kernel::listing::respond;
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};
use serde::Deserialize;

use super::entity::{Entity, Input, draft_from, values};
use super::{service, store};
use crate::findings::{self, FindingView};

/// One field as the form shows it.
pub struct FieldView {
    /// Name.
    pub name: &'static str,
    /// Label.
    pub label: String,
    /// `text`, `date`, `number`, `check` or `select`.
    pub input: &'static str,
    /// Current value.
    pub value: String,
    /// Choices of a select.
    pub options: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "inventory_form.html")]
struct FormPage {
    chrome: Chrome,
    action: String,
    path: &'static str,
    agencies: Vec<(String, String)>,
    agency_id: String,
    agency_label: String,
    fields: Vec<FieldView>,
    errors: FormErrors,
    editable: bool,
    existing: bool,
    findings: Vec<FindingView>,
    hosted: Option<Hosted>,
}

/// The applications on a server and those that could be.
pub struct Hosted {
    /// `(id, name, on this server)`.
    pub apps: Vec<(String, String, bool)>,
}

fn can_write_somewhere(ctx: &Ctx) -> bool {
    ctx.can(&crate::INVENTORY, Access::Write, Scope::Region)
        || ctx.principal.as_ref().is_some_and(|p| {
            p.grants.iter().any(|g| {
                g.agency
                    .is_some_and(|a| ctx.can(&crate::INVENTORY, Access::Write, Scope::Agency(a)))
            })
        })
}

/// The inventory's tabs, above each of its lists.
#[derive(Template)]
#[template(path = "inventory_tabs.html")]
pub struct Tabs<'a> {
    /// The page's shell (for its language).
    pub chrome: &'a Chrome,
    /// The current tab.
    pub path: &'a str,
}

/// The list of one kind of record (or its download).
pub async fn list<E: Entity>(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let visible = ctx.visible(&crate::INVENTORY)?;
    let q = E::LISTING.read(raw.as_deref())?;
    let query = q.clone();
    let (rows, total) = state
        .read(move |c| {
            let (rows, total) = E::list(c, &visible, &query)?;
            Ok((org::directory::with_codes(c, rows, E::agency)?, total))
        })
        .await?;
    respond(&E::LISTING, &q, &rows, || {
        let tr = ctx.tr();
        let chrome = Chrome::new(&state, &ctx, &format!("{}-title", E::PATH));
        let tabs = Tabs {
            chrome: &chrome,
            path: E::PATH,
        }
        .render()?;
        Ok(E::LISTING
            .view(chrome, &q, &rows, total)
            .above(tabs)
            .intro(tr.t(&format!("{}-intro", E::PATH)))
            .action(
                can_write_somewhere(&ctx),
                &format!("/registry/{}/new", E::PATH),
                tr.t(&format!("{}-new-title", E::PATH)),
                true,
            ))
    })
}

struct Form<I> {
    action: String,
    values: BTreeMap<String, String>,
    errors: FormErrors,
    record: Option<(I, AgencyId)>,
    editable: bool,
}

async fn form_page<E: Entity>(
    state: &AppState,
    ctx: &Ctx,
    form: Form<E::Id>,
) -> AppResult<Response> {
    let tr = ctx.tr();
    let agency_id = form.values.get("agency_id").cloned().unwrap_or_default();
    // The applications offered are those of an agency whose applications the caller may read
    // (the agency comes from the query or the form: never a way to list another's drafts).
    let for_apps = AgencyId::parse(&agency_id)
        .filter(|a| ctx.can(&crate::APPLICATIONS, Access::Read, Scope::Agency(*a)));
    let server = form
        .record
        .as_ref()
        .filter(|_| E::RECORD == "server")
        .and_then(|(id, _)| super::ServerId::parse(&id.to_string()));
    let (agencies, apps, on) = state
        .read(move |c| {
            let agencies = org::directory::all_agencies(c)?;
            let apps = match for_apps {
                Some(a) => crate::store::app_names(c, a)?,
                None => vec![],
            };
            let on = match server {
                Some(s) => Some(store::apps_on(c, s)?),
                None => None,
            };
            Ok((agencies, apps, on))
        })
        .await?;
    let apps: Vec<(String, String)> = apps
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect();
    let on: Option<Vec<(String, String)>> = on.map(|on| {
        on.into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect()
    });
    let agency_label = agencies
        .iter()
        .find(|a| a.id.to_string() == agency_id)
        .map(|a| a.label())
        .unwrap_or_default();
    let agencies = org::directory::writable(agencies, ctx, &crate::INVENTORY);
    let fields = E::FIELDS
        .iter()
        .map(|s| {
            let value = form.values.get(s.name).cloned().unwrap_or_default();
            let (input, options) = match s.input {
                Input::Text => ("text", vec![]),
                Input::Date => ("date", vec![]),
                Input::Number => ("number", vec![]),
                Input::Check => ("check", vec![]),
                Input::Choice(values, prefix) => ("select", choices(tr, prefix, &values())),
                Input::Application => ("select", apps.clone()),
            };
            FieldView {
                name: s.name,
                label: tr.t(&E::label_key(s.name)),
                input,
                value,
                options,
            }
        })
        .collect();
    let findings = match &form.record {
        Some((id, agency)) => {
            let id = id.to_string();
            findings::evaluate(state, Within::Agency(*agency), tr)
                .await?
                .0
                .into_iter()
                .filter(|f| f.record_id == id && f.record_type == E::RECORD)
                .collect()
        }
        None => vec![],
    };
    let hosted = on.map(|on| Hosted {
        apps: apps
            .iter()
            .map(|(id, name)| (id.clone(), name.clone(), on.iter().any(|(o, _)| o == id)))
            .chain(
                // An application of another agency hosted in the data center is still shown.
                on.iter()
                    .filter(|(o, _)| !apps.iter().any(|(id, _)| id == o))
                    .map(|(id, name)| (id.clone(), name.clone(), true)),
            )
            .collect(),
    });
    let title = match &form.record {
        Some(_) => format!("{}-edit-title", E::PATH),
        None => format!("{}-new-title", E::PATH),
    };
    let status = if form.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut chrome = Chrome::new(state, ctx, &title);
    if form.record.is_some()
        && let Some(name) = form.values.get("name")
    {
        chrome.title = format!("{} — {name}", chrome.title);
    }
    let page = FormPage {
        chrome,
        action: form.action,
        path: E::PATH,
        agencies,
        agency_id,
        agency_label,
        fields,
        errors: form.errors,
        editable: form.editable,
        existing: form.record.is_some(),
        findings,
        hosted,
    };
    Ok((status, render(&page)?).into_response())
}

/// `?agency_id=` preselects the agency.
#[derive(Debug, Deserialize)]
pub struct NewQuery {
    /// Agency.
    pub agency_id: Option<String>,
}

/// An empty form.
pub async fn new<E: Entity>(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let own = q
        .agency_id
        .or_else(|| {
            p.grants
                .iter()
                .find_map(|g| g.agency.map(|a| a.to_string()))
        })
        .unwrap_or_default();
    let values = BTreeMap::from([("agency_id".to_owned(), own)]);
    let form = Form {
        action: format!("/registry/{}/new", E::PATH),
        values,
        errors: FormErrors::default(),
        record: None,
        editable: true,
    };
    form_page::<E>(&state, &ctx, form).await
}

/// The form's fields as its errors name them: the agency, then the kind's own.
fn named<E: Entity>(tr: Tr) -> Vec<kernel::form::Named> {
    use kernel::form::Kind;
    std::iter::once(("agency_id".to_owned(), tr.t("app-agency"), Kind::Choice))
        .chain(E::FIELDS.iter().map(|s| {
            let kind = match s.input {
                Input::Choice(..) | Input::Application => Kind::Choice,
                Input::Check => Kind::Check,
                Input::Text | Input::Date | Input::Number => Kind::Text,
            };
            (s.name.to_owned(), tr.t(&E::label_key(s.name)), kind)
        }))
        .collect()
}

fn errors_of<E: Entity>(e: &AppError, tr: Tr) -> FormErrors {
    kernel::form::errors_for(e, tr, &named::<E>(tr))
}

fn pairs(values: &BTreeMap<String, String>) -> Vec<(String, String)> {
    values.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// Records a new one, or shows the form again with every problem.
pub async fn create<E: Entity>(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Submitted<BTreeMap<String, String>>,
) -> AppResult<Response> {
    let actor = ctx.require()?.actor();
    let Submitted { values, stale } = form;
    if stale {
        let form = Form {
            action: format!("/registry/{}/new", E::PATH),
            values,
            errors: kernel::form::expired(ctx.tr(), "agency_id"),
            record: None,
            editable: true,
        };
        return form_page::<E>(&state, &ctx, form).await;
    }
    let agency = values.get("agency_id").map(String::as_str).unwrap_or("");
    ctx.authorize_new(&crate::INVENTORY, agency)?;
    let result = match draft_from::<E::Draft>(&pairs(&values)) {
        Ok(draft) => {
            let region = ctx.can(&crate::INVENTORY, Access::Write, Scope::Region);
            state
                .write(move |c| E::save(c, &mut Lookups::default(), &actor, region, None, &draft))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(row) => Ok(
            Redirect::to(&format!("/registry/{}/{}?saved=1", E::PATH, E::id(&row))).into_response(),
        ),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_) | AppError::BadRequest(_))) => {
            let form = Form {
                action: format!("/registry/{}/new", E::PATH),
                values,
                errors: errors_of::<E>(&e, ctx.tr()),
                record: None,
                editable: true,
            };
            form_page::<E>(&state, &ctx, form).await
        }
        Err(e) => Err(e),
    }
}

/// The record if the reader may read it (404 otherwise, so others learn nothing of it), and
/// whether they may change it.
async fn readable<E: Entity>(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<(E::Row, bool)> {
    ctx.require()?;
    let lookup = E::parse_id(id).ok_or(AppError::NotFound)?;
    let row = state
        .read(move |c| Ok(E::find(c, lookup)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let agency = E::agency(&row);
    ctx.authorize_record(&crate::INVENTORY, Access::Read, agency)?;
    Ok((
        row,
        ctx.can(&crate::INVENTORY, Access::Write, Scope::Agency(agency)),
    ))
}

/// One record with its findings; a form when the reader may change it.
pub async fn show<E: Entity>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (row, editable) = readable::<E>(&state, &ctx, &id).await?;
    let form = Form {
        action: format!("/registry/{}/{id}", E::PATH),
        values: values(&row),
        errors: FormErrors::default(),
        record: Some((E::id(&row), E::agency(&row))),
        editable,
    };
    form_page::<E>(&state, &ctx, form).await
}

/// Saves a correction.
pub async fn update<E: Entity>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: Submitted<BTreeMap<String, String>>,
) -> AppResult<Response> {
    let (row, editable) = readable::<E>(&state, &ctx, &id).await?;
    if !editable {
        return Err(AppError::Forbidden);
    }
    let Submitted { mut values, stale } = form;
    if stale {
        values.insert("agency_id".into(), E::agency(&row).to_string());
        let form = Form {
            action: format!("/registry/{}/{id}", E::PATH),
            values,
            errors: kernel::form::expired(ctx.tr(), "agency_id"),
            record: Some((E::id(&row), E::agency(&row))),
            editable,
        };
        return form_page::<E>(&state, &ctx, form).await;
    }
    let actor = ctx.require()?.actor();
    // The owner agency is the stored one, whatever the form says.
    values.insert("agency_id".into(), E::agency(&row).to_string());
    let target = E::id(&row);
    let region = ctx.can(&crate::INVENTORY, Access::Write, Scope::Region);
    let result = match draft_from::<E::Draft>(&pairs(&values)) {
        Ok(draft) => {
            state
                .write(move |c| {
                    E::save(
                        c,
                        &mut Lookups::default(),
                        &actor,
                        region,
                        Some(target),
                        &draft,
                    )
                })
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/registry/{}/{id}?saved=1", E::PATH)).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_) | AppError::BadRequest(_))) => {
            let form = Form {
                action: format!("/registry/{}/{id}", E::PATH),
                values,
                errors: errors_of::<E>(&e, ctx.tr()),
                record: Some((target, E::agency(&row))),
                editable,
            };
            form_page::<E>(&state, &ctx, form).await
        }
        Err(e) => Err(e),
    }
}

/// Sets the applications running on a server (checkboxes named `application`).
pub async fn set_applications(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> AppResult<Response> {
    let (row, editable) = readable::<super::entity::Servers>(&state, &ctx, &id).await?;
    if !editable {
        return Err(AppError::Forbidden);
    }
    let (actor, may) = super::service::placing_applications(&ctx)?;
    let mut apps = vec![];
    for (k, v) in url::form_urlencoded::parse(&body) {
        if k == "application" {
            apps.push(
                crate::model::ApplicationId::parse(&v)
                    .ok_or_else(|| AppError::field("applications", "error-application-unknown"))?,
            );
        }
    }
    state
        .write(move |c| service::set_applications(c, &actor, row.id, &apps, may))
        .await?;
    Ok(Redirect::to(&format!("/registry/servers/{id}?saved=1")).into_response())
}
