//! The provider's endpoints in the OpenAPI document. They speak OAuth's own protocol (form
//! bodies, RFC 6749's error shape), so they are described here rather than with the API's
//! conventions; the discovery document is the authoritative list for OpenID Connect clients.
#![expect(
    dead_code,
    reason = "these functions exist only to carry the OpenAPI descriptions"
)]

use serde::Deserialize;

/// An OAuth error (RFC 6749 §5.2, RFC 6750 §3.1).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct OAuthErrorBody {
    /// `invalid_request`, `invalid_client`, `invalid_grant`, `unauthorized_client`,
    /// `unsupported_grant_type`, `invalid_scope`, `invalid_token`, `slow_down` or
    /// `server_error`.
    pub error: String,
    /// What went wrong, for the developer (English).
    pub error_description: String,
}

/// A token request (RFC 6749 §4.1.3, §6, §4.4). Clients authenticate with HTTP Basic or with
/// `client_id` and `client_secret` here; public clients send only `client_id`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TokenRequest {
    /// `authorization_code`, `refresh_token` or `client_credentials`.
    pub grant_type: String,
    /// The authorization code.
    pub code: Option<String>,
    /// The redirect URI the code was sent to.
    pub redirect_uri: Option<String>,
    /// PKCE verifier (RFC 7636).
    pub code_verifier: Option<String>,
    /// The refresh token.
    pub refresh_token: Option<String>,
    /// A narrower scope (refresh) or the scope wanted (client credentials).
    pub scope: Option<String>,
    /// The client, when not in the Authorization header.
    pub client_id: Option<String>,
    /// The client's secret, when not in the Authorization header.
    pub client_secret: Option<String>,
}

/// A token to revoke or describe (RFC 7009, RFC 7662).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TokenOnly {
    /// The token.
    pub token: String,
    /// `access_token` or `refresh_token` (a hint only).
    pub token_type_hint: Option<String>,
    /// The client, when not in the Authorization header.
    pub client_id: Option<String>,
    /// The client's secret, when not in the Authorization header.
    pub client_secret: Option<String>,
}

/// The provider metadata (OpenID Connect Discovery 1.0).
#[utoipa::path(get, path = "/.well-known/openid-configuration", tag = "openid connect", security(()),
    responses((status = 200, description = "Issuer, endpoints, supported scopes, claims and algorithms", body = Object)))]
fn discovery() {}

/// The public keys that sign ID tokens (RFC 7517); retired keys stay until their tokens expire.
#[utoipa::path(get, path = "/oauth2/jwks", tag = "openid connect", security(()),
    responses((status = 200, description = "A JSON Web Key Set", body = Object),
              (status = 500, body = OAuthErrorBody)))]
fn jwks() {}

/// Exchanges a code, a refresh token or client credentials for tokens.
#[utoipa::path(post, path = "/oauth2/token", tag = "openid connect", security(()),
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "`access_token`, `token_type`, `expires_in`, `scope`; with a person also `id_token` and `refresh_token`", body = Object),
              (status = 400, body = OAuthErrorBody), (status = 401, body = OAuthErrorBody),
              (status = 429, body = OAuthErrorBody), (status = 500, body = OAuthErrorBody)))]
fn token() {}

/// The claims the access token's scope releases (also by POST, with the token in the form).
#[utoipa::path(get, path = "/oauth2/userinfo", tag = "openid connect", security(("bearer" = [])),
    responses((status = 200, description = "`sub` and the claims of the granted scopes", body = Object),
              (status = 401, body = OAuthErrorBody), (status = 500, body = OAuthErrorBody)))]
fn userinfo() {}

/// Revokes a token of the calling client (RFC 7009): 200 whether or not it was known.
#[utoipa::path(post, path = "/oauth2/revoke", tag = "openid connect", security(()),
    request_body(content = TokenOnly, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "Revoked, or never known"),
              (status = 400, body = OAuthErrorBody), (status = 401, body = OAuthErrorBody),
              (status = 429, body = OAuthErrorBody), (status = 500, body = OAuthErrorBody)))]
fn revoke() {}

/// Describes a token of the calling client (RFC 7662): `{"active": false}` for any other.
#[utoipa::path(post, path = "/oauth2/introspect", tag = "openid connect", security(()),
    request_body(content = TokenOnly, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "`active`, and for a live token its scope, client, subject and times", body = Object),
              (status = 400, body = OAuthErrorBody), (status = 401, body = OAuthErrorBody),
              (status = 429, body = OAuthErrorBody), (status = 500, body = OAuthErrorBody)))]
fn introspect() {}

/// The provider's endpoints for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(discovery, jwks, token, userinfo, revoke, introspect))]
pub struct OidcApi;
