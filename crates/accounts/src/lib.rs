//! Accounts (identity): who may sign in, with which password, holding which roles. Passwords
//! (argon2id) and the lockout rule, browser sessions, API tokens, role grants with the
//! last-administrator rule, the account page and the account API. The kernel only carries the
//! principal this context resolves; the provider (`sso`) signs people in through the facade
//! below.

pub mod api;
pub mod demo;
mod hashing;
pub mod model;
pub mod pages;
pub mod service;
mod store;

use axum::Router;
use axum::routing::{get, post, put};
use chrono::NaiveDateTime;
use db::DbConn;
use diesel::QueryResult;
use kernel::i18n::Messages;
use kernel::ids::{PersonId, UserId};
use kernel::layout::NavEntry;
use kernel::module::{Panel, Resolver, Slot};
use kernel::permissions::{self, Capability, RoleGrant};
use kernel::principal::{Principal, Via};
use kernel::{AppResult, AppState, Module};

pub use hashing::{hash_password, verify_password};
pub use model::SignInFailure;
pub use service::{
    Account, NewUser, account_of_person, find_account, issue_token, register_user, set_disabled,
    set_grants,
};

/// Accounts, as the binary plugs them in.
pub const MODULE: Module = Module::new("accounts")
    .routes(router)
    .messages(Messages {
        id: include_str!("../i18n/id.ftl"),
        en: include_str!("../i18n/en.ftl"),
    })
    .openapi(openapi)
    .panels(&[Panel {
        slot: Slot::Person,
        render: pages::person_account::panel,
    }])
    .nav(&[NavEntry {
        href: "/accounts",
        key: "nav-accounts",
        show: |p| permissions::visible_agencies(&p.grants, &ACCOUNTS) == permissions::Visible::All,
        order: 13,
    }])
    .resolver(&Sessions)
    .capabilities(&[ACCOUNTS])
    .tables(&[
        "users",
        "role_grants",
        "sessions",
        "api_tokens",
        "password_resets",
    ])
    .forms(&[
        "/account/password",
        "/people/{id}/account",
        "/reset-password/{token}",
    ])
    .demo(demo::load);

/// Accounts and the roles they hold: the Dinas manages them; its head and the Inspektorat see
/// them.
pub const ACCOUNTS: Capability = Capability {
    id: "accounts.accounts",
    read: permissions::OVERSIGHT_READS,
    write: permissions::DINAS_WRITES,
};

fn router() -> Router<AppState> {
    use pages as p;
    Router::new()
        .route("/sign-out", post(p::sign_out::submit))
        .route("/lang", post(p::lang::submit))
        .route("/account", get(p::account::show))
        .route("/accounts", get(p::account_list::show))
        .route("/account/password", post(p::account::change_password))
        .route("/account/sessions/end", post(p::account::end_session))
        .route(
            "/people/{id}/account",
            get(p::person_account::show).post(p::person_account::create),
        )
        .route("/people/{id}/roles", post(p::person_account::add_role))
        .route(
            "/people/{id}/roles/remove",
            post(p::person_account::remove_role),
        )
        .route(
            "/people/{id}/account/status",
            post(p::person_account::set_status),
        )
        .route("/api/v1/me", get(api::me::show))
        .route("/api/v1/me/password", put(api::me::password))
        .route(
            "/api/v1/users",
            get(api::user_list::handler).post(api::user_create::handler),
        )
        .route("/api/v1/users/{id}/roles", put(api::user_roles::handler))
        .route(
            "/api/v1/users/{id}/disable",
            post(api::user_disable::disable),
        )
        .route("/api/v1/users/{id}/enable", post(api::user_disable::enable))
        .route(
            "/api/v1/users/{id}/password-reset",
            post(api::user_reset::handler),
        )
        .route(
            "/people/{id}/account/reset",
            post(p::person_account::issue_reset),
        )
        .route(
            "/reset-password/{token}",
            get(p::reset::show).post(p::reset::submit),
        )
}

/// This context's API operations for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::me::show,
    api::me::password,
    api::user_list::handler,
    api::user_create::handler,
    api::user_roles::handler,
    api::user_disable::disable,
    api::user_disable::enable,
    api::user_reset::handler,
))]
struct AccountsApi;

fn openapi() -> utoipa::openapi::OpenApi {
    <AccountsApi as utoipa::OpenApi>::openapi()
}

/// Browser sessions and API tokens, as the request middleware resolves them.
struct Sessions;

impl Resolver for Sessions {
    fn session(
        &self,
        conn: &mut DbConn,
        secret: &str,
        hours: u32,
    ) -> QueryResult<Option<Principal>> {
        store::principal_by_session(conn, secret, hours)
    }

    fn bearer(&self, conn: &mut DbConn, token: &str) -> QueryResult<Option<Principal>> {
        store::principal_by_token(conn, token)
    }

    fn revoke_all(&self, conn: &mut DbConn, user: UserId) -> QueryResult<usize> {
        store::revoke_api_tokens(conn, &user.to_string())
    }
}

/// An account as other contexts see it (no password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// Login.
    pub login: String,
    /// Display name.
    pub name: String,
    /// The person it belongs to.
    pub person: Option<PersonId>,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
}

impl User {
    /// The actor to record in the audit trail for what this account does.
    pub fn actor(&self) -> kernel::audit::Actor {
        kernel::audit::Actor {
            id: Some(self.id),
            label: self.login.clone(),
        }
    }
}

/// An account by login (any case).
pub fn find_user(conn: &mut DbConn, login: &str) -> QueryResult<Option<User>> {
    Ok(store::find_user_by_login(conn, login)?.and_then(|u| u.user()))
}

/// The slow half of a sign-in, before (never inside) the write transaction: whether `password`
/// is the account's, checked on the hashing pool. Unknown, disabled and locked accounts cost a
/// real check too and answer false. Returns the account's id when the login exists.
pub async fn check_password(
    state: &AppState,
    login: &str,
    password: String,
) -> AppResult<(Option<UserId>, bool)> {
    let lookup = login.to_owned();
    let user = state
        .read(move |c| Ok(store::find_user_by_login(c, &lookup)?))
        .await?;
    let id = user.as_ref().and_then(|u| UserId::parse(&u.id));
    let stored = match user {
        Some(u) if !u.disabled && store::locked_now(&u).is_none() => u.password_hash,
        _ => {
            let _ = hashing::verify(password, hashing::DUMMY_HASH.to_owned()).await;
            return Ok((id, false));
        }
    };
    Ok((id, hashing::verify(password, stored).await))
}

/// The fast half, inside the caller's write transaction: re-reads the account (another sign-in
/// may have failed meanwhile), then counts the failure or clears the count.
pub fn record_sign_in(
    conn: &mut DbConn,
    login: &str,
    ok: bool,
) -> AppResult<Result<User, SignInFailure>> {
    Ok(match store::record_sign_in(conn, login, ok)? {
        Ok(row) => row.user().ok_or(SignInFailure::Invalid),
        Err(f) => Err(f),
    })
}

/// The roles an account holds.
pub fn grants(conn: &mut DbConn, user: UserId) -> QueryResult<Vec<RoleGrant>> {
    store::grants_of(conn, &user.to_string())
}

/// The principal of an enabled account that another context vouches for (the provider's
/// access tokens name the account they act for).
pub fn principal_of(conn: &mut DbConn, user: UserId, via: Via) -> QueryResult<Option<Principal>> {
    store::principal_of_user(conn, user, via)
}

/// Starts a browser session (`mfa`: the sign-in passed a second factor); returns the cookie
/// secret. The caller records the sign-in.
pub fn start_session(
    conn: &mut DbConn,
    user: UserId,
    hours: u32,
    user_agent: Option<&str>,
    mfa: bool,
) -> QueryResult<String> {
    store::create_session(conn, &user.to_string(), hours, user_agent, mfa)
}

/// Records that a session has passed a second factor (a step-up for a stricter application).
pub fn mark_session_mfa(conn: &mut DbConn, session_id: &str) -> QueryResult<usize> {
    store::mark_session_mfa(conn, session_id)
}

/// Ends one session (sign-out, logout from an application, a replaced session) and tells the
/// contexts that issued tokens from it.
pub fn end_session(
    conn: &mut DbConn,
    modules: &kernel::module::Modules,
    session_id: &str,
) -> QueryResult<usize> {
    let n = store::end_session(conn, session_id)?;
    if n > 0 {
        modules.sessions_ended(conn, &[session_id.to_owned()])?;
    }
    Ok(n)
}

/// When a session began (the `auth_time` of OpenID Connect).
pub fn session_started(conn: &mut DbConn, session_id: &str) -> QueryResult<Option<NaiveDateTime>> {
    store::session_started(conn, session_id)
}

/// An API token for an account, without an audit event (test and benchmark set-up; people get
/// theirs through [`issue_token`]).
pub fn create_token(conn: &mut DbConn, user: UserId, name: &str) -> QueryResult<String> {
    store::create_token(conn, &user.to_string(), name)
}
