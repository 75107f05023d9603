//! `GET /sso/clients/{id}` with `POST …/secret`, `…/status` and `…/assurance`: one
//! application, its new secret shown once, switching it off or on, its security level.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::extract::PageForm;
use kernel::form::{FormSpec, check, confirmed, text};
use kernel::layout::{Chrome, FormErrors, render};
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};
use serde::Deserialize;

use crate::service;
use crate::store::{self, ClientRow};

#[derive(Template)]
#[template(path = "client.html")]
struct ClientPage {
    chrome: Chrome,
    client: ClientRow,
    secret: Option<String>,
    discovery: String,
    levels: Vec<(String, String)>,
    level: String,
    can_write: bool,
    errors: FormErrors,
}

/// The switch-off form's confirmation.
const STATUS_FORM: FormSpec = FormSpec {
    fields: &[check("confirm", "sso-client-confirm")],
};

/// The back-channel logout form's one field.
const BACKCHANNEL_FORM: FormSpec = FormSpec {
    fields: &[text("backchannel_logout_uri", "sso-client-backchannel")],
};

/// The security levels as (value, translated label) choices.
pub(crate) fn levels(ctx: &Ctx) -> Vec<(String, String)> {
    let tr = ctx.tr();
    crate::mfa::SecurityLevel::ALL
        .iter()
        .map(|l| (l.as_str().to_owned(), tr.tp("sso-level-", l.as_str())))
        .collect()
}

/// Renders the page, with a just-issued secret if any.
pub async fn page(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    secret: Option<String>,
) -> AppResult<Response> {
    page_with(state, ctx, id, secret, FormErrors::default()).await
}

async fn page_with(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    secret: Option<String>,
    errors: FormErrors,
) -> AppResult<Response> {
    ctx.authorize(&crate::CLIENTS, Access::Read, Scope::Region)?;
    let id = id.to_owned();
    let client = state
        .read(move |c| Ok(store::client(c, &id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let mut chrome = Chrome::new(state, ctx, "sso-clients-title");
    chrome.title = client.name.clone();
    let level = ctx.tr().tp("sso-level-", client.security_level);
    let page = ClientPage {
        chrome,
        levels: levels(ctx),
        level,
        client,
        secret,
        discovery: format!(
            "{}/.well-known/openid-configuration",
            state.config.public_url
        ),
        can_write: ctx.can(&crate::CLIENTS, Access::Write, Scope::Region),
        errors,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(&page)?).into_response())
}

/// Shows a client.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    page(&state, &ctx, &id, None).await
}

/// Issues a new secret and shows it once.
pub async fn rotate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let actor = ctx
        .authorize(&crate::CLIENTS, Access::Write, Scope::Region)?
        .actor();
    let client = id.clone();
    let secret = state
        .write(move |c| service::rotate_secret(c, &actor, &client))
        .await?;
    page(&state, &ctx, &id, Some(secret)).await
}

/// `disabled=1` or `disabled=0`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusForm {
    disabled: String,
    /// Disabling is confirmed (KT 16.5).
    #[serde(default)]
    confirm: Option<String>,
}

/// Disables or enables the client.
pub async fn status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    PageForm(form): PageForm<StatusForm>,
) -> AppResult<Response> {
    let actor = ctx
        .authorize(&crate::CLIENTS, Access::Write, Scope::Region)?
        .actor();
    let client = id.clone();
    let disabled = form.disabled == "1";
    if disabled && let Err(e) = confirmed(form.confirm.as_ref()) {
        return page_with(&state, &ctx, &id, None, STATUS_FORM.errors(&e, ctx.tr())).await;
    }
    state
        .write(move |c| service::set_client_disabled(c, &actor, &client, disabled))
        .await?;
    Ok(Redirect::to(&format!("/sso/clients/{id}?saved=1")).into_response())
}

/// The security level, whether the client is outside the government and whether it may call
/// Simpul's API.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssuranceForm {
    security_level: String,
    #[serde(default)]
    external: Option<String>,
    #[serde(default)]
    api_access: Option<String>,
}

/// Changes the security level and the consent rule.
pub async fn assurance(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    PageForm(form): PageForm<AssuranceForm>,
) -> AppResult<Response> {
    let actor = ctx
        .authorize(&crate::CLIENTS, Access::Write, Scope::Region)?
        .actor();
    let client = id.clone();
    let (external, api) = (form.external.is_some(), form.api_access.is_some());
    state
        .write(move |c| {
            service::set_client_assurance(c, &actor, &client, &form.security_level, external, api)
        })
        .await?;
    Ok(Redirect::to(&format!("/sso/clients/{id}?saved=1")).into_response())
}

/// Where the application is told that sessions ended; empty clears it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackchannelForm {
    #[serde(default)]
    backchannel_logout_uri: String,
}

/// Sets or clears the back-channel logout URI; a bad one is named on the page.
pub async fn backchannel(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    PageForm(form): PageForm<BackchannelForm>,
) -> AppResult<Response> {
    let actor = ctx
        .authorize(&crate::CLIENTS, Access::Write, Scope::Region)?
        .actor();
    let client = id.clone();
    let uri = form.backchannel_logout_uri;
    match state
        .write(move |c| service::set_backchannel_logout(c, &actor, &client, Some(&uri)))
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/sso/clients/{id}?saved=1#logout")).into_response()),
        Err(e @ AppError::Validation(_)) => {
            let errors = BACKCHANNEL_FORM.errors(&e, ctx.tr());
            page_with(&state, &ctx, &id, None, errors).await
        }
        Err(e) => Err(e),
    }
}
