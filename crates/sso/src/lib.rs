//! Single sign-on (R-SSO): the OpenID Connect provider at issuer `SIMPUL_PUBLIC_URL` that every
//! registered agency application signs people in through. Simpul's own pages use the same
//! session: there is one sign-in for everything.

pub mod api;
pub mod cache;
pub mod clients;
pub mod error;
pub mod keys;
pub mod mfa;
pub mod model;
pub mod oauth;
pub mod pages;
pub mod service;
pub mod stateless;
mod store;

pub use clients::{ClientId, ClientRef};
pub use mfa::SecurityLevel;

use axum::Router;
use axum::routing::{get, post};
use kernel::AppState;
use kernel::i18n::Messages;
use kernel::permissions::{self, Capability};

/// Single sign-on, as the binary plugs it in.
pub const MODULE: kernel::Module = kernel::Module::new("sso")
    .routes(router)
    .nav(&NAV)
    .messages(MESSAGES)
    .openapi(openapi)
    .resolver(&AccessTokens)
    .jobs(&[oauth::backchannel::JOB])
    .records(&[("sso_client", "/sso/clients/{id}")])
    .capabilities(&[CLIENTS, POLICY])
    .forms(&["/sso/clients"])
    .tables(&[
        "sso_settings",
        "sso_keys",
        "sso_clients",
        "sso_codes",
        "sso_tokens",
        "sso_consents",
        "mfa_totp",
        "mfa_recovery_codes",
        "sign_in_challenges",
    ]);

/// Registered applications (clients): the Dinas registers them; its head and the Inspektorat
/// see them.
pub const CLIENTS: Capability = Capability {
    id: "sso.clients",
    read: permissions::OVERSIGHT_READS,
    write: permissions::DINAS_WRITES,
};
/// The second-factor policy: as clients.
pub const POLICY: Capability = Capability {
    id: "sso.policy",
    read: permissions::OVERSIGHT_READS,
    write: permissions::DINAS_WRITES,
};

fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = <SsoApi as utoipa::OpenApi>::openapi();
    doc.merge(<oauth::docs::OidcApi as utoipa::OpenApi>::openapi());
    doc
}

/// This context's message catalogues.
const MESSAGES: Messages = Messages {
    id: include_str!("../i18n/id.ftl"),
    en: include_str!("../i18n/en.ftl"),
};

/// The provider's endpoints.
fn router() -> Router<AppState> {
    use oauth as o;
    // What browser applications call from JavaScript, with CORS for their origins.
    let from_browsers = Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(o::discovery::handler),
        )
        .route("/oauth2/jwks", get(o::jwks::handler))
        .route("/oauth2/token", post(o::token::handler))
        .route(
            "/oauth2/userinfo",
            get(o::userinfo::handler).post(o::userinfo::handler),
        )
        .route("/oauth2/revoke", post(o::revoke::handler))
        .layer(axum::middleware::from_fn(o::cors::layer));
    Router::new()
        .merge(from_browsers)
        .route("/oauth2/authorize", get(o::authorize::handler))
        .route("/oauth2/introspect", post(o::introspect::handler))
        .route(
            "/oauth2/logout",
            get(o::logout::handler).post(o::logout::post_handler),
        )
        .route(
            "/sso/clients",
            get(pages::client_list::show).post(pages::client_list::submit),
        )
        .route("/sso/clients/new", get(pages::client_list::new))
        .route("/sso/clients/{id}", get(pages::client_show::show))
        .route(
            "/sso/clients/{id}/assurance",
            post(pages::client_show::assurance),
        )
        .route(
            "/sso/policy",
            get(pages::policy::show).post(pages::policy::submit),
        )
        .route(
            "/sign-in",
            get(pages::sign_in::show).post(pages::sign_in::submit),
        )
        .route(
            "/sign-in/two-factor",
            get(pages::second_factor::challenge_show).post(pages::second_factor::challenge_submit),
        )
        .route("/account/two-factor", get(pages::two_factor::show))
        .route(
            "/account/two-factor/confirm",
            post(pages::two_factor::confirm),
        )
        .route(
            "/account/two-factor/recovery-codes",
            post(pages::two_factor::recovery_codes),
        )
        .route(
            "/account/two-factor/disable",
            post(pages::two_factor::disable),
        )
        .route(
            "/account/two-factor/verify",
            get(pages::second_factor::step_up_show).post(pages::second_factor::step_up_submit),
        )
        .route("/account/sign-ins", get(pages::sign_ins::show))
        .route("/consent", post(pages::consent::submit))
        .route("/account/applications", get(pages::connected::show))
        .route(
            "/account/applications/disconnect",
            post(pages::connected::disconnect),
        )
        .route("/sso/clients/{id}/secret", post(pages::client_show::rotate))
        .route(
            "/sso/clients/{id}/backchannel",
            post(pages::client_show::backchannel),
        )
        .route("/sso/clients/{id}/status", post(pages::client_show::status))
        .route(
            "/api/v1/sso/clients",
            get(api::client_list::handler).post(api::client_create::handler),
        )
        .route(
            "/api/v1/sso/clients/{id}/secret",
            post(api::client_secret::handler),
        )
        .route(
            "/api/v1/sso/clients/{id}/disable",
            post(api::client_status::disable),
        )
        .route(
            "/api/v1/sso/clients/{id}/enable",
            post(api::client_status::enable),
        )
        .route(
            "/api/v1/users/{id}/two-factor/reset",
            post(api::two_factor_reset::handler),
        )
        .route("/api/v1/me/two-factor", get(api::two_factor::show))
        .route(
            "/api/v1/sso/policy",
            get(api::policy::show).put(api::policy::update),
        )
}

/// Navigation entries.
const NAV: [kernel::layout::NavEntry; 1] = [kernel::layout::NavEntry {
    href: "/sso/clients",
    key: "nav-sso",
    show: |p| {
        use kernel::permissions::{Access, Scope};
        permissions::allows(&p.grants, &CLIENTS, Access::Read, Scope::Region)
    },
    order: 30,
}];

/// This context's API operations for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::client_list::handler,
    api::client_create::handler,
    api::client_secret::handler,
    api::client_status::disable,
    api::client_status::enable,
    api::two_factor_reset::handler,
    api::policy::show,
    api::policy::update,
    api::two_factor::show,
))]
pub struct SsoApi;

/// The provider's access tokens, accepted on Simpul's own API only when the person granted the
/// application [`model::API_SCOPE`] and the Dinas registered the application for it (checked
/// on every request, so withdrawing the right or disabling the client stops its tokens at
/// once). Any other access token is for signing in and userinfo only.
struct AccessTokens;

impl kernel::module::Resolver for AccessTokens {
    fn bearer(
        &self,
        conn: &mut db::DbConn,
        token: &str,
    ) -> diesel::QueryResult<Option<kernel::principal::Principal>> {
        let Some(row) = store::token(conn, &kernel::principal::secret_hash(token))? else {
            return Ok(None);
        };
        let live = row.kind == "access" && row.revoked_at.is_none() && row.expires_at > db::now();
        if !live || !model::has_scope(&row.scope, model::API_SCOPE) {
            return Ok(None);
        }
        let Some(client) = store::client(conn, row.client_id.as_str())? else {
            return Ok(None);
        };
        if client.disabled || !client.api_access {
            return Ok(None);
        }
        let via = kernel::principal::Via::Token {
            client: Some(row.client_id.to_string()),
        };
        match row.user_id {
            Some(user) => accounts::principal_of(conn, user, via),
            None => Ok(None),
        }
    }

    fn revoke_all(
        &self,
        conn: &mut db::DbConn,
        user: kernel::ids::UserId,
    ) -> diesel::QueryResult<usize> {
        store::revoke_user_tokens(conn, &user.to_string())
    }

    fn sessions_ended(
        &self,
        conn: &mut db::DbConn,
        sessions: &[String],
    ) -> diesel::QueryResult<()> {
        oauth::backchannel::sessions_ended(conn, sessions)
    }
}
