//! `GET /.well-known/openid-configuration` (OpenID Connect Discovery 1.0).

use axum::Json;
use axum::extract::State;
use kernel::AppState;
use serde_json::{Value, json};

use crate::keys::ALGS;
use crate::model::SCOPES;

/// The provider metadata.
pub async fn handler(State(state): State<AppState>) -> Json<Value> {
    let iss = super::issuer(&state);
    Json(json!({
        "issuer": iss,
        "authorization_endpoint": format!("{iss}/oauth2/authorize"),
        "token_endpoint": format!("{iss}/oauth2/token"),
        "userinfo_endpoint": format!("{iss}/oauth2/userinfo"),
        "jwks_uri": format!("{iss}/oauth2/jwks"),
        "end_session_endpoint": format!("{iss}/oauth2/logout"),
        "revocation_endpoint": format!("{iss}/oauth2/revoke"),
        "introspection_endpoint": format!("{iss}/oauth2/introspect"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ALGS,
        "scopes_supported": SCOPES,
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "amr", "acr", "nonce", "at_hash", "sid", "name",
                             "preferred_username", "email", "email_verified", "agency", "roles", "role_grants"],
        "authorization_response_iss_parameter_supported": true,
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
        "acr_values_supported": [crate::mfa::ACR_PASSWORD, crate::mfa::ACR_SECOND_FACTOR],
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "ui_locales_supported": ["id", "en"],
    }))
}
