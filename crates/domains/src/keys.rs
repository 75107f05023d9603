//! The Dinas's TSIG keys (HMAC-SHA256) for zone transfers and NOTIFY, and the configuration a
//! secondary's operator copies: `POST /domains/settings/keys`, `…/keys/{id}/delete`, and
//! `/api/v1/dns/keys`. Only the Dinas sees the secrets.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::extract::{ApiJson, PageForm};
use kernel::form::{FormSpec, Submitted, text};
use kernel::layout::FormErrors;
use kernel::{AppError, AppResult, AppState, Ctx};
use serde::Deserialize;

use crate::store::KeyRow;

/// A new key, as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = DnsKeyDraft)]
#[serde(deny_unknown_fields)]
pub struct KeyDraft {
    /// Its name, as the secondary's configuration will write it (`transfer-ns2`).
    #[serde(default)]
    pub name: String,
}

/// A key as the Dinas reads it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = DnsKey)]
pub struct KeyOut {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Always `hmac-sha256`.
    pub algorithm: &'static str,
    /// The secret, base64, for the secondary's configuration.
    pub secret: String,
    /// When it was made.
    #[serde(serialize_with = "kernel::api::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: chrono::NaiveDateTime,
    /// Who made it.
    pub created_by: String,
}

impl From<KeyRow> for KeyOut {
    fn from(k: KeyRow) -> Self {
        Self {
            id: k.id,
            name: k.name,
            algorithm: "hmac-sha256",
            secret: k.secret,
            created_at: k.created_at,
            created_by: k.created_by,
        }
    }
}

/// A key on the settings page, with what its secondary's operator copies.
#[derive(Debug, Clone)]
pub struct KeyView {
    /// The key.
    pub key: KeyRow,
    /// BIND's `named.conf` lines for a secondary.
    pub bind: String,
    /// NSD's `nsd.conf` lines for a secondary.
    pub nsd: String,
}

/// The key's view: BIND's and NSD's configuration of a secondary of `apex` transferring from
/// `primary` (this server's address, when it runs here).
pub fn view(key: KeyRow, apex: &str, primary: Option<std::net::SocketAddr>) -> KeyView {
    // Listening on every address says nothing of the one secondaries reach.
    let (ip, port) = match primary {
        Some(a) if !a.ip().is_unspecified() => (a.ip().to_string(), a.port()),
        Some(a) => ("ALAMAT-SIMPUL".to_owned(), a.port()),
        None => ("ALAMAT-SIMPUL".to_owned(), 53),
    };
    let bind = format!(
        "key \"{n}\" {{\n    algorithm hmac-sha256;\n    secret \"{s}\";\n}};\nzone \"{apex}\" {{\n    type secondary;\n    primaries {{ {ip} port {port} key \"{n}\"; }};\n    file \"{apex}.zone\";\n}};",
        n = key.name,
        s = key.secret,
    );
    let nsd = format!(
        "key:\n    name: \"{n}\"\n    algorithm: hmac-sha256\n    secret: \"{s}\"\nzone:\n    name: \"{apex}\"\n    zonefile: \"{apex}.zone\"\n    allow-notify: {ip} {n}\n    request-xfr: {ip}@{port} {n}",
        n = key.name,
        s = key.secret,
    );
    KeyView { key, bind, nsd }
}

pub(crate) const FORM: FormSpec = FormSpec {
    fields: &[text("name", "domains-key-name")],
};

/// Makes a key (the Dinas), or shows the settings again with what is wrong with its name.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Submitted {
        values: form,
        stale,
    }: Submitted<KeyDraft>,
) -> AppResult<Response> {
    let actor = crate::pages::may_write(&ctx)?;
    if stale {
        return crate::settings::page_with_key(&state, &ctx, form.name, FORM.expired(ctx.tr()))
            .await;
    }
    let name = form.name.clone();
    match state
        .write(move |c| crate::service::create_key(c, &actor, &name))
        .await
    {
        Ok(_) => Ok(Redirect::to("/domains/settings?saved=1#keys").into_response()),
        Err(e @ AppError::Validation(_)) => {
            let errors = FORM.errors(&e, ctx.tr());
            crate::settings::page_with_key(&state, &ctx, form.name, errors).await
        }
        Err(e) => Err(e),
    }
}

/// Withdraws a key once the Dinas confirms it.
pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    PageForm(form): PageForm<crate::pages::Confirm>,
) -> AppResult<Response> {
    let actor = crate::pages::may_write(&ctx)?;
    if form.confirm.is_none() {
        let errors = FormErrors::one(&format!("confirm-{id}"), ctx.tr().t("error-confirm-action"));
        return crate::settings::page_with_key(&state, &ctx, String::new(), errors).await;
    }
    state
        .write(move |c| crate::service::delete_key(c, &actor, &id))
        .await?;
    Ok(Redirect::to("/domains/settings?saved=1#keys").into_response())
}

/// Every TSIG key, with its secret (the Dinas only).
#[utoipa::path(get, path = "/api/v1/dns/keys", tag = "domains",
    responses((status = 200, body = Vec<KeyOut>), (status = 401), (status = 403)))]
pub async fn api_list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Vec<KeyOut>>> {
    crate::pages::may_write(&ctx)?;
    let keys = state.read(crate::service::keys).await?;
    Ok(Json(keys.into_iter().map(KeyOut::from).collect()))
}

/// Makes a TSIG key with a fresh secret.
#[utoipa::path(post, path = "/api/v1/dns/keys", tag = "domains", request_body = KeyDraft,
    responses((status = 201, body = KeyOut), (status = 401), (status = 403), (status = 422)))]
pub async fn api_create(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<KeyDraft>,
) -> AppResult<Response> {
    let actor = crate::pages::may_write(&ctx)?;
    let key = state
        .write(move |c| crate::service::create_key(c, &actor, &body.name))
        .await?;
    Ok((StatusCode::CREATED, Json(KeyOut::from(key))).into_response())
}

/// Withdraws a TSIG key.
#[utoipa::path(delete, path = "/api/v1/dns/keys/{id}", tag = "domains",
    params(("id" = String, Path, description = "The key's id")),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
pub async fn api_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let actor = crate::pages::may_write(&ctx)?;
    state
        .write(move |c| crate::service::delete_key(c, &actor, &id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
