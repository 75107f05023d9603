//! The JSON API for managing single sign-on clients (the Dinas).

pub mod client_create;
pub mod client_list;
pub mod client_secret;
pub mod client_status;
pub mod policy;
pub mod two_factor;
pub mod two_factor_reset;

use serde::Serialize;

use crate::store::ClientRow;

/// A client as the API shows it (never its secret).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Client {
    /// The `client_id`.
    pub client_id: String,
    /// Name.
    pub name: String,
    /// Public client (no secret, PKCE).
    pub public: bool,
    /// Exact redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Post-logout redirect URIs.
    pub post_logout_redirect_uris: Vec<String>,
    /// Owner agency id.
    pub owner_agency_id: Option<String>,
    /// ID token algorithm.
    pub id_token_alg: String,
    /// Disabled.
    pub disabled: bool,
    /// Security level (KT 8.1).
    #[schema(value_type = crate::SecurityLevel)]
    pub security_level: String,
    /// Outside the government (consent asked).
    pub external: bool,
    /// May ask for the `simpul.api` scope: its access tokens then call this API for the person.
    pub api_access: bool,
    /// Where it is told that a person's session ended (Back-Channel Logout 1.0).
    pub backchannel_logout_uri: Option<String>,
}

impl From<ClientRow> for Client {
    fn from(c: ClientRow) -> Self {
        Self {
            redirect_uris: c.redirect_uris(),
            post_logout_redirect_uris: c.post_logout_uris(),
            client_id: c.id.to_string(),
            name: c.name,
            public: c.public,
            owner_agency_id: c.owner_agency_id.map(|a| a.to_string()),
            id_token_alg: c.id_token_alg,
            disabled: c.disabled,
            security_level: c.security_level.as_str().to_owned(),
            external: c.external,
            api_access: c.api_access,
            backchannel_logout_uri: c.backchannel_logout_uri,
        }
    }
}
