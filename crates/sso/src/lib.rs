//! Single sign-on (R-SSO): the OpenID Connect provider at issuer `SIMPUL_PUBLIC_URL` that every
//! registered agency application signs people in through. Simpul's own pages use the same
//! session: there is one sign-in for everything.

pub mod error;
pub mod keys;
pub mod model;
pub mod oauth;
pub mod service;
pub mod store;

use axum::Router;
use axum::routing::{get, post};
use kernel::AppState;
use kernel::i18n::Messages;

/// This context's message catalogues.
pub const MESSAGES: Messages = Messages {
    id: include_str!("../i18n/id.ftl"),
    en: include_str!("../i18n/en.ftl"),
};

/// The provider's endpoints.
pub fn router() -> Router<AppState> {
    use oauth as o;
    Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(o::discovery::handler),
        )
        .route("/oauth2/jwks", get(o::jwks::handler))
        .route("/oauth2/authorize", get(o::authorize::handler))
        .route("/oauth2/token", post(o::token::handler))
        .route(
            "/oauth2/userinfo",
            get(o::userinfo::handler).post(o::userinfo::handler),
        )
        .route("/oauth2/revoke", post(o::revoke::handler))
        .route("/oauth2/introspect", post(o::introspect::handler))
        .route("/oauth2/logout", get(o::logout::handler))
}
