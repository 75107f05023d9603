//! `POST /api/v1/sso/clients`: the Dinas registers an application; the secret is returned once.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kernel::extract::ApiJson;
use kernel::ids::AgencyId;
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};
use serde::{Deserialize, Serialize};

use super::Client;
use crate::service::{self, ClientDraft};

/// The body of a registration.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewClient {
    /// Name shown to people.
    #[schema(max_length = 120)]
    pub name: String,
    /// Exact redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Post-logout redirect URIs.
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
    /// A public client.
    #[serde(default)]
    pub public: bool,
    /// The owner agency.
    #[serde(default)]
    pub owner_agency_id: Option<String>,
    /// `RS256` or `ES256`.
    #[serde(default)]
    pub id_token_alg: Option<String>,
    /// Security level (KT 8.1): `rendah` (default), `tinggi` or `strategis`; the last two
    /// require a second factor.
    #[serde(default)]
    #[schema(value_type = Option<crate::SecurityLevel>)]
    pub security_level: Option<String>,
    /// Run outside the government: people consent before it gets their data.
    #[serde(default)]
    pub external: bool,
    /// May ask for the `simpul.api` scope, so that its access tokens call Simpul's API on the
    /// signed-in person's behalf (shown to people on the consent page).
    #[serde(default)]
    pub api_access: bool,
    /// Where the application is told that a person's Simpul session ended (OpenID Connect
    /// Back-Channel Logout 1.0): HTTPS, or HTTP on this machine.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub backchannel_logout_uri: Option<String>,
}

/// The registered client and, for a confidential one, its secret.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Registered {
    /// The client.
    #[serde(flatten)]
    pub client: Client,
    /// The secret, shown only now.
    pub client_secret: Option<String>,
}

/// Registers a client.
#[utoipa::path(post, path = "/api/v1/sso/clients", tag = "single sign-on", request_body = NewClient,
    responses((status = 201, body = Registered), (status = 400), (status = 401), (status = 403), (status = 422)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<NewClient>,
) -> AppResult<(StatusCode, Json<Registered>)> {
    let actor = ctx
        .authorize(&crate::CLIENTS, Access::Write, Scope::Region)?
        .actor();
    let owner = match body.owner_agency_id.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(id) => Some(
            AgencyId::parse(id)
                .ok_or_else(|| AppError::field("owner_agency_id", "error-agency-unknown"))?,
        ),
    };
    let draft = ClientDraft {
        name: body.name,
        redirect_uris: body.redirect_uris,
        post_logout_redirect_uris: body.post_logout_redirect_uris,
        public: body.public,
        owner_agency_id: owner,
        id_token_alg: body.id_token_alg,
        security_level: body.security_level,
        external: body.external,
        api_access: body.api_access,
        backchannel_logout_uri: body.backchannel_logout_uri,
    };
    let (row, secret) = state
        .write(move |c| {
            if let Some(a) = draft.owner_agency_id
                && org::directory::agency(c, a)?.is_none()
            {
                return Err(AppError::field("owner_agency_id", "error-agency-unknown"));
            }
            service::register_client(c, &actor, &draft)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(Registered {
            client: row.into(),
            client_secret: secret,
        }),
    ))
}
