//! The kernel: what every Simpul context shares and nothing more — configuration, state,
//! errors, the request context (auth, language, anti-forgery), permissions, the audit trail,
//! message catalogues, the page layout, and the kernel's own pages (sign-in, account, audit).

// Lets shared templates name `kernel::…` paths from inside the kernel too.
extern crate self as kernel;

pub mod api;
pub mod audit;
pub mod auth;
pub mod blob;
pub mod cache;
pub mod compliance;
pub mod config;
pub mod context;
pub mod error;
pub mod export;
pub mod extract;
pub mod hashing;
pub mod i18n;
pub mod ids;
pub mod jobs;
pub mod layout;
pub mod metrics;
pub mod middleware;
pub mod module;
pub mod notify;
pub mod pages;
pub mod permissions;
pub mod ratelimit;
pub mod state;
pub mod system;
pub mod validate;

use axum::Router;
use axum::routing::{get, post};

pub use context::Ctx;
pub use error::{AppError, AppResult, FieldError};
pub use module::Module;
pub use state::AppState;

/// The kernel as a module: health, metrics, static assets, the account page, the audit trail,
/// notifications, and (until identity has its own context) sessions and API tokens.
pub const MODULE: Module = Module::new("kernel")
    .routes(router)
    .nav(&NAV)
    .messages(i18n::KERNEL_MESSAGES)
    .openapi(openapi)
    .panels(&[module::Panel {
        place: module::Place::Home,
        render: pages::notifications::home_panel,
    }])
    .resolver(&auth::Sessions)
    .capabilities(&[AUDIT_TRAIL, ACCOUNTS]);

/// The audit trail: the Inspektorat and the Dinas read it; nobody edits it (only the platform
/// appends to it).
pub const AUDIT_TRAIL: permissions::Capability = permissions::Capability {
    id: "kernel.audit_trail",
    read: &[
        (permissions::Role::Auditor, permissions::Reach::Region),
        (permissions::Role::DinasAdmin, permissions::Reach::Region),
    ],
    write: &[],
};

/// Accounts and the roles they hold: the Dinas manages them; its head and the Inspektorat see
/// them.
pub const ACCOUNTS: permissions::Capability = permissions::Capability {
    id: "kernel.accounts",
    read: permissions::OVERSIGHT_READS,
    write: permissions::DINAS_WRITES,
};

fn openapi() -> utoipa::openapi::OpenApi {
    <KernelApi as utoipa::OpenApi>::openapi()
}

/// The kernel's routes (sign-in, account, audit, health, metrics, static assets).
fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(system::healthz))
        .route("/metrics", get(system::metrics))
        .route("/static/{file}", get(system::asset))
        .route("/sign-out", post(pages::sign_out::submit))
        .route("/lang", post(pages::lang::submit))
        .route("/account", get(pages::account::show))
        .route("/account/password", post(pages::account::change_password))
        .route("/account/sessions/end", post(pages::account::end_session))
        .route("/audit", get(pages::audit::show))
        .route("/notifications", get(pages::notifications::show))
        .route("/api/v1/audit-events", get(api::audit_events::list))
        .route("/api/v1/me", get(api::me::show))
}

/// The kernel's entries in the main navigation.
const NAV: [layout::NavEntry; 2] = [
    layout::NavEntry {
        href: "/notifications",
        key: "nav-notifications",
        show: |_| true,
        order: 90,
    },
    layout::NavEntry {
        href: "/audit",
        key: "nav-audit",
        show: |p| {
            permissions::allows(
                &p.grants,
                &AUDIT_TRAIL,
                permissions::Access::Read,
                permissions::Scope::Region,
            )
        },
        order: 95,
    },
];

/// The kernel's API operations, merged into the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(api::audit_events::list, api::me::show))]
pub struct KernelApi;
