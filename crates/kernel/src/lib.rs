//! The kernel: what every Simpul context shares and nothing more — configuration, state,
//! errors, the module type contexts plug in with, the request context (principal, language,
//! anti-forgery), permissions, the audit trail, notifications, message catalogues, the page
//! layout, and the kernel's own pages (audit trail, notifications).

// Lets shared templates name `kernel::…` paths from inside the kernel too.
extern crate self as kernel;

pub mod api;
pub mod audit;
pub mod blob;
pub mod cache;
pub mod compliance;
pub mod config;
pub mod context;
pub mod error;
pub mod export;
pub mod extract;
pub mod form;
pub mod i18n;
pub mod ids;
pub mod jobs;
pub mod layout;
pub mod listing;
pub mod metrics;
pub mod middleware;
pub mod module;
pub mod notify;
pub mod openapi;
pub mod pages;
pub mod permissions;
pub mod principal;
pub mod ratelimit;
pub mod state;
pub mod system;
pub mod time;
pub mod validate;

use axum::Router;
use axum::routing::get;

pub use context::Ctx;
pub use error::{AppError, AppResult, FieldError};
pub use module::Module;
pub use state::AppState;

/// The kernel as a module: health, metrics, static assets, the audit trail and notifications.
pub const MODULE: Module = Module::new("kernel")
    .routes(router)
    .nav(&NAV)
    .messages(i18n::KERNEL_MESSAGES)
    .openapi(openapi)
    .panels(&[module::Panel {
        slot: module::Slot::Home,
        render: pages::notifications::home_panel,
    }])
    .capabilities(&[AUDIT_TRAIL])
    // The API document itself (served by the binary, which assembles it from every context).
    .public_api(&["/api/v1/openapi.json"])
    .tables(&[
        "audit_head",
        "audit_events",
        "notifications",
        "notification_reads",
        "jobs",
        "rate_limits",
    ]);

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

fn openapi() -> utoipa::openapi::OpenApi {
    <KernelApi as utoipa::OpenApi>::openapi()
}

/// The kernel's routes (audit, notifications, health, metrics, static assets).
fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(system::healthz))
        .route("/metrics", get(system::metrics))
        .route("/static/{file}", get(system::asset))
        .route("/audit", get(pages::audit::show))
        .route("/notifications", get(pages::notifications::show))
        .route("/api/v1/audit-events", get(api::audit_events::list))
        .route("/api/v1/notifications", get(api::notifications::list))
        .route(
            "/api/v1/notifications/seen",
            axum::routing::post(api::notifications::seen),
        )
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
#[openapi(paths(
    api::audit_events::list,
    api::notifications::list,
    api::notifications::seen,
    system::healthz,
    system::metrics
))]
pub struct KernelApi;
