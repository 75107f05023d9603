//! `GET /sso/clients`: the registered applications; `GET /sso/clients/new` and
//! `POST /sso/clients`: registering a new one.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kernel::form::{FormSpec, Submitted, check, choice, text};
use kernel::ids::AgencyId;
use kernel::layout::{Chrome, FormErrors, render};
use kernel::listing::{self, Cell, Column, List, Tone};
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};
use serde::Deserialize;

use super::client_show;
use crate::service::{self, ClientDraft};
use crate::store::{self, ClientRow};

/// The registered applications, on their page and in the API.
pub const LIST: List<ClientRow> = List {
    path: "/sso/clients",
    filters: &[listing::search()],
    sorts: &["name"],
    default_sort: "name",
    columns: &[
        Column {
            label: "sso-client-name",
            sort: Some("name"),
            cell: |c, _| Cell::link(&c.name, format!("/sso/clients/{}", c.id)),
        },
        Column {
            label: "sso-client-id",
            sort: None,
            cell: |c, _| Cell::code(c.id.to_string()),
        },
        Column {
            label: "sso-client-type",
            sort: None,
            cell: |c, tr| {
                Cell::text(tr.t(if c.public {
                    "sso-client-public"
                } else {
                    "sso-client-confidential"
                }))
            },
        },
        Column {
            label: "account-status",
            sort: None,
            cell: |c, tr| {
                if c.disabled {
                    Cell::tag(tr.t("account-disabled"), Tone::Red)
                } else {
                    Cell::tag(tr.t("account-active"), Tone::Green)
                }
            },
        },
    ],
    export: None,
};

#[derive(Template)]
#[template(path = "client_new.html")]
struct NewClientPage {
    chrome: Chrome,
    agencies: Vec<(String, String)>,
    levels: Vec<(String, String)>,
    form: ClientForm,
    errors: FormErrors,
}

/// The registration form's fields.
const CLIENT_FORM: FormSpec = FormSpec {
    fields: &[
        text("name", "sso-client-name"),
        text("redirect_uris", "sso-client-redirects"),
        text("post_logout_redirect_uris", "sso-client-post-logout"),
        text("backchannel_logout_uri", "sso-client-backchannel"),
        choice("owner_agency_id", "sso-client-owner"),
        choice("security_level", "sso-client-level"),
        check("external", "sso-client-external-label"),
        check("api_access", "sso-client-api-label"),
        check("public", "sso-client-public-label"),
    ],
};

/// The registration form as typed: one URI per line.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    redirect_uris: String,
    #[serde(default)]
    post_logout_redirect_uris: String,
    #[serde(default)]
    backchannel_logout_uri: String,
    #[serde(default)]
    owner_agency_id: String,
    #[serde(default)]
    public: Option<String>,
    #[serde(default)]
    security_level: String,
    #[serde(default)]
    external: Option<String>,
    #[serde(default)]
    api_access: Option<String>,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Lists clients.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    ctx.authorize(&crate::CLIENTS, Access::Read, Scope::Region)?;
    let q = LIST.read(raw.as_deref())?;
    let query = q.clone();
    let (rows, total) = state
        .read(move |c| Ok(store::client_list(c, &query)?))
        .await?;
    let tr = ctx.tr();
    LIST.view(
        Chrome::new(&state, &ctx, "sso-clients-title"),
        &q,
        &rows,
        total,
    )
    .intro(tr.t("sso-clients-intro"))
    .action(
        ctx.can(&crate::CLIENTS, Access::Write, Scope::Region),
        "/sso/clients/new",
        tr.t("sso-client-new"),
        true,
    )
    .action(true, "/sso/policy", tr.t("mfa-policy-title"), false)
    .response()
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    form: ClientForm,
    errors: FormErrors,
) -> AppResult<Response> {
    ctx.authorize(&crate::CLIENTS, Access::Write, Scope::Region)?;
    let agencies = state.read(|c| Ok(org::directory::all_agencies(c)?)).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = NewClientPage {
        chrome: Chrome::new(state, ctx, "sso-client-new"),
        agencies: agencies
            .into_iter()
            .map(|a| (a.id.to_string(), a.label()))
            .collect(),
        levels: super::client_show::levels(ctx),
        form,
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

/// The registration form.
pub async fn new(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    form_page(&state, &ctx, ClientForm::default(), FormErrors::default()).await
}

/// Registers a client and shows its secret once.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Submitted<ClientForm>,
) -> AppResult<Response> {
    let actor = ctx
        .authorize(&crate::CLIENTS, Access::Write, Scope::Region)?
        .actor();
    if form.stale {
        let errors = CLIENT_FORM.expired(ctx.tr());
        return form_page(&state, &ctx, form.values, errors).await;
    }
    let form = form.values;
    let draft = ClientDraft {
        name: form.name.clone(),
        redirect_uris: lines(&form.redirect_uris),
        post_logout_redirect_uris: lines(&form.post_logout_redirect_uris),
        public: form.public.is_some(),
        owner_agency_id: AgencyId::parse(&form.owner_agency_id),
        id_token_alg: None,
        security_level: Some(form.security_level.clone()).filter(|l| !l.is_empty()),
        external: form.external.is_some(),
        api_access: form.api_access.is_some(),
        backchannel_logout_uri: Some(form.backchannel_logout_uri.clone()),
    };
    match state
        .write(move |c| service::register_client(c, &actor, &draft))
        .await
    {
        Ok((row, secret)) => client_show::page(&state, &ctx, &row.id, secret).await,
        Err(e @ AppError::Validation(_)) => {
            form_page(&state, &ctx, form, CLIENT_FORM.errors(&e, ctx.tr())).await
        }
        Err(e) => Err(e),
    }
}
