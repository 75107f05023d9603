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
pub use state::AppState;

/// The kernel's routes (sign-in, account, audit, health, metrics, static assets).
pub fn router() -> Router<AppState> {
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
pub fn nav() -> Vec<layout::NavEntry> {
    vec![
        layout::NavEntry {
            href: "/notifications",
            key: "nav-notifications",
            show: |_| true,
        },
        layout::NavEntry {
            href: "/audit",
            key: "nav-audit",
            show: |p| {
                permissions::allows(
                    &p.grants,
                    permissions::Access::Read,
                    permissions::Scope::AuditTrail,
                )
            },
        },
    ]
}

/// The kernel's API operations, merged into the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(api::audit_events::list, api::me::show))]
pub struct KernelApi;
