//! `POST /api/v1/applications/{id}/sso-client`: the Dinas connects an approved application to
//! single sign-on; the answer carries the client's id and, once, its secret.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kernel::extract::ApiJson;
use kernel::permissions::{Access, Scope};
use kernel::{AppResult, AppState, Ctx};
use serde::Serialize;

use crate::pages::app_form::find_for;
use crate::sso_link::{self, Connect};

/// The new client.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Connected {
    /// The client id.
    pub client_id: String,
    /// Its secret (confidential clients; shown only here).
    pub client_secret: Option<String>,
    /// Where an OIDC library finds everything else.
    pub discovery_url: String,
}

/// Registers and links the application's client.
#[utoipa::path(post, path = "/api/v1/applications/{id}/sso-client", tag = "registry", params(("id" = String, Path)),
    request_body = Connect,
    responses((status = 201, body = Connected), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Connect>,
) -> AppResult<(StatusCode, Json<Connected>)> {
    let app = find_for(&state, &ctx, &id, Access::Read).await?;
    let actor = ctx
        .authorize(&crate::APPLICATIONS, Access::Write, Scope::Region)?
        .actor();
    let (client, secret) = state
        .write(move |c| sso_link::connect(c, &actor, app.id, &body))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(Connected {
            client_id: client.id.to_string(),
            client_secret: secret,
            discovery_url: format!(
                "{}/.well-known/openid-configuration",
                state.config.public_url.trim_end_matches('/')
            ),
        }),
    ))
}
