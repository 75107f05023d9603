//! `GET /registry/applications/{id}` and `POST …/action`: one application with its documents
//! checklist, findings and history; the agency submits or withdraws it, the Dinas approves,
//! returns or rejects it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::compliance::Within;
use kernel::extract::PageForm;
use kernel::form::{FormSpec, check, text};
use kernel::layout::{Chrome, FormErrors, render};
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx, FieldError};
use serde::Deserialize;

use super::app_form::find_for;
use crate::findings::{self, FindingView};
use crate::model::{Action, DocumentKind, Status};
use crate::store::{self, ApplicationRow, DocumentRow, EventRow};

#[derive(Template)]
#[template(path = "application.html")]
struct ShowPage {
    chrome: Chrome,
    app: ApplicationRow,
    agency: String,
    item: Option<String>,
    client: Option<String>,
    /// Each of the nine kinds with its latest version, if handed over.
    checklist: Vec<(DocumentKind, Option<DocumentRow>)>,
    handed: usize,
    events: Vec<EventRow>,
    /// The servers it runs on, and the room asked for it.
    runs_on: Vec<(crate::inventory::ServerId, String)>,
    hosting: Vec<crate::hosting::store::HostingRow>,
    can_ask_hosting: bool,
    findings: Vec<FindingView>,
    can_edit: bool,
    can_submit: bool,
    can_withdraw: bool,
    can_review: bool,
    can_connect_sso: bool,
    errors: FormErrors,
}

impl ShowPage {
    /// An event's note as a person reads it. A handed-over document's is stored as
    /// `kind vN (file)`: shown as "Kode sumber, versi 1 (file)".
    fn note_of(&self, e: &EventRow) -> Option<String> {
        let note = e.note.as_deref()?;
        if e.action == "document"
            && let Some((kind, rest)) = note.split_once(' ')
            && let Some((version, file)) = rest.strip_prefix('v').and_then(|r| r.split_once(' '))
        {
            let tr = self.chrome.tr;
            return Some(format!(
                "{}, {} {file}",
                tr.tp("doc-kind-", kind),
                tr.t1("doc-version", "version", &version)
            ));
        }
        Some(format!("“{note}”"))
    }
}

/// The workflow form's fields (a step, its note, the confirmation).
const STEP_FORM: FormSpec = FormSpec {
    fields: &[
        text("note", "app-review-note"),
        check("confirm", "app-confirm-submit"),
    ],
};

/// The single sign-on form's fields.
const CONNECT_FORM: FormSpec = FormSpec {
    fields: &[
        text("redirect_uris", "app-sso-redirects"),
        text("post_logout_redirect_uris", "app-sso-logout"),
    ],
};

pub(crate) async fn page(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    errors: FormErrors,
) -> AppResult<Response> {
    let app = find_for(state, ctx, id, Access::Read).await?;
    let (a, i, cl, lookup) = (
        app.agency_id,
        app.master_plan_item_id,
        app.sso_client_id.clone(),
        app.id,
    );
    let (agency, item, client, docs, events, (runs_on, hosting)) = state
        .read(move |c| {
            let agency = org::directory::agency(c, a)?
                .map(|a| a.label())
                .unwrap_or_default();
            let item = match i {
                Some(i) => store::item_find(c, i)?.map(|i| format!("{} — {}", i.code, i.title)),
                None => None,
            };
            let client = match cl {
                Some(cl) => sso::clients::client(c, &cl)?.map(|x| x.name),
                None => None,
            };
            Ok((
                agency,
                item,
                client,
                store::docs_of(c, lookup)?,
                store::events(c, lookup)?,
                (
                    crate::hosting::store::servers_of(c, lookup)?,
                    crate::hosting::store::of_app(c, lookup)?,
                ),
            ))
        })
        .await?;
    let checklist: Vec<(DocumentKind, Option<DocumentRow>)> = DocumentKind::ALL
        .iter()
        .map(|k| (*k, docs.iter().find(|d| d.kind == *k).cloned()))
        .collect();
    let handed = checklist.iter().filter(|(_, d)| d.is_some()).count();
    let (all, _) = findings::evaluate(state, Within::Agency(app.agency_id), ctx.tr()).await?;
    let own = app.id.to_string();
    let findings = all.into_iter().filter(|f| f.record_id == own).collect();
    let writes = ctx.can(
        &crate::APPLICATIONS,
        Access::Write,
        Scope::Agency(app.agency_id),
    );
    let status = app.status;
    // What was done, and who acts next.
    let next = ctx.tr().t(&format!("app-next-{}", app.status.as_str()));
    let mut chrome = Chrome::new(state, ctx, "apps-title").after_saving(next);
    chrome.title = app.name.clone();
    let status_code = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ShowPage {
        chrome,
        agency,
        item,
        client,
        checklist,
        handed,
        events,
        runs_on,
        hosting,
        can_ask_hosting: ctx.can(&crate::HOSTING, Access::Write, Scope::Agency(app.agency_id))
            && matches!(
                status,
                Status::Submitted | Status::Returned | Status::Approved
            ),
        findings,
        can_edit: writes && status.editable(),
        can_submit: writes && matches!(status, Status::Draft | Status::Returned),
        can_withdraw: writes && !matches!(status, Status::Withdrawn | Status::Rejected),
        can_review: ctx.can(&crate::APPLICATIONS, Access::Write, Scope::Region)
            && status == Status::Submitted,
        can_connect_sso: ctx.can(&crate::APPLICATIONS, Access::Write, Scope::Region)
            && status == Status::Approved
            && app.sso_client_id.is_none(),
        errors,
        app,
    };
    Ok((status_code, render(&page)?).into_response())
}

/// Shows an application.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    page(&state, &ctx, &id, FormErrors::default()).await
}

/// A workflow step from the page.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepForm {
    /// `submit`, `approve`, `return`, `reject` or `withdraw`.
    action: String,
    /// The reason or the corrections asked for.
    #[serde(default)]
    note: String,
    /// The person confirms (submitting and withdrawing are confirmed, KT 16.5).
    #[serde(default)]
    confirm: Option<String>,
}

/// Takes the step, or shows the page again with what is missing.
pub async fn step(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    PageForm(form): PageForm<StepForm>,
) -> AppResult<Response> {
    let action = Action::parse(&form.action)
        .ok_or_else(|| AppError::BadRequest(FieldError::new("action", "error-form")))?;
    let app = find_for(&state, &ctx, &id, Access::Read).await?;
    if action.by_dinas() {
        ctx.authorize(&crate::APPLICATIONS, Access::Write, Scope::Region)?;
    } else {
        ctx.authorize(
            &crate::APPLICATIONS,
            Access::Write,
            Scope::Agency(app.agency_id),
        )?;
    }
    if matches!(action, Action::Submit | Action::Withdraw) && form.confirm.is_none() {
        let e = AppError::Validation(vec![FieldError::new("confirm", "error-confirm-needed")]);
        return page(&state, &ctx, &id, STEP_FORM.errors(&e, ctx.tr())).await;
    }
    // Approving with technical documents missing is possible, but only knowingly.
    if action == Action::Approve && form.confirm.is_none() {
        let target = app.id;
        let docs = state.read(move |c| Ok(store::docs_of(c, target)?)).await?;
        let handed = DocumentKind::ALL
            .iter()
            .filter(|k| docs.iter().any(|d| d.kind == **k))
            .count();
        if handed < DocumentKind::ALL.len() {
            let e = AppError::Validation(vec![
                FieldError::new("confirm", "error-approve-missing-documents")
                    .arg("handed", handed)
                    .arg("all", DocumentKind::ALL.len()),
            ]);
            return page(&state, &ctx, &id, STEP_FORM.errors(&e, ctx.tr())).await;
        }
    }
    let actor = ctx.require()?.actor();
    let target = app.id;
    match state
        .write(move |c| crate::service::act(c, &actor, target, action, &form.note))
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/registry/applications/{id}?saved=1")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            page(&state, &ctx, &id, STEP_FORM.errors(&e, ctx.tr())).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "sso_connected.html")]
struct Connected {
    chrome: Chrome,
    app_id: String,
    client_id: String,
    secret: Option<String>,
    issuer: String,
}

/// The connect form as posted: redirect URIs one per line.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectForm {
    /// Redirect URIs, one per line.
    #[serde(default)]
    pub redirect_uris: String,
    /// Post-logout URIs, one per line.
    #[serde(default)]
    pub post_logout_redirect_uris: String,
    /// A public client.
    #[serde(default)]
    pub public: Option<String>,
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The Dinas connects an approved application to single sign-on and sees its secret once.
pub async fn connect_sso(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    kernel::extract::PageForm(form): kernel::extract::PageForm<ConnectForm>,
) -> AppResult<Response> {
    let app = find_for(&state, &ctx, &id, Access::Read).await?;
    let actor = ctx
        .authorize(&crate::APPLICATIONS, Access::Write, Scope::Region)?
        .actor();
    let d = crate::sso_link::Connect {
        redirect_uris: lines(&form.redirect_uris),
        post_logout_redirect_uris: lines(&form.post_logout_redirect_uris),
        public: form.public.is_some(),
    };
    let target = app.id;
    match state
        .write(move |c| crate::sso_link::connect(c, &actor, target, &d))
        .await
    {
        Ok((client, secret)) => {
            let page = Connected {
                chrome: Chrome::new(&state, &ctx, "app-sso-connected"),
                app_id: id,
                client_id: client.id.to_string(),
                secret,
                issuer: state.config.public_url.clone(),
            };
            Ok(render(&page)?.into_response())
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let errors = CONNECT_FORM.errors(&e, ctx.tr());
            page(&state, &ctx, &id, errors).await
        }
        Err(e) => Err(e),
    }
}
