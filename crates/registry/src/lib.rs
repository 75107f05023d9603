//! Registry (R-REG, R-GOV-1): the applications every agency registers with the Dinas (KT 6.1),
//! their technical documents, the master plan they cite, the Dinas's review of each
//! registration, and the compliance rules over all of it — which, with other contexts' rules,
//! make up the rule packs of the four regulations.

pub mod api;
pub mod demo;
pub mod findings;
pub mod home;
pub mod hosting;
pub mod inventory;
pub mod lookups;
pub mod model;
mod overview;
pub mod pages;
pub mod rules;
pub mod service;
pub mod sso_link;
mod store;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use kernel::AppState;
use kernel::i18n::Messages;
use kernel::layout::NavEntry;
use kernel::module::{Panel, Place};
use kernel::permissions::Capability;

/// The registry, as the binary plugs it in.
pub const MODULE: kernel::Module = kernel::Module::new("registry")
    .routes(router)
    .nav(&NAV)
    .messages(MESSAGES)
    .openapi(openapi)
    .rules(&[rules::SOURCE, inventory::rules::SOURCE, sso_link::SOURCE])
    .panels(&[Panel {
        slot: kernel::module::Slot::Home,
        render: home_panel,
    }])
    .demo(demo::load)
    .records(&[
        ("application", "/registry/applications/{id}"),
        ("vendor", "/registry/vendors/{id}"),
        ("device", "/registry/devices/{id}"),
        ("server", "/registry/servers/{id}"),
        ("hosting_request", "/registry/hosting/{id}"),
        ("master_plan", "/registry/master-plan"),
    ])
    .jobs(&[inventory::import_pages::IMPORT_JOB])
    .forms(&[
        "/registry/applications/new",
        "/registry/applications/{id}/edit",
        "/registry/vendors/new",
        "/registry/vendors/{id}",
        "/registry/devices/new",
        "/registry/devices/{id}",
        "/registry/servers/new",
        "/registry/servers/{id}",
        "/registry/hosting/new",
        "/registry/master-plan",
        "/registry/master-plan/items",
    ])
    .capabilities(&[APPLICATIONS, INVENTORY, HOSTING, MASTER_PLAN, FINDINGS])
    .tables(&[
        "applications",
        "application_events",
        "application_documents",
        "master_plans",
        "master_plan_items",
        "vendors",
        "devices",
        "servers",
        "application_servers",
        "hosting_requests",
        "compliance_history",
    ]);

/// Applications and their documents: the agency's operator registers them, the Dinas reviews
/// (a region-wide write).
pub const APPLICATIONS: Capability = Capability::agency_records("registry.applications");
/// Vendors, devices and servers.
pub const INVENTORY: Capability = Capability::agency_records("registry.inventory");
/// Requests for room in the Dinas's data center: the agency asks, the Dinas decides.
pub const HOSTING: Capability = Capability::agency_records("registry.hosting");
/// The master plan: everyone reads, the Dinas keeps it.
pub const MASTER_PLAN: Capability = Capability::region_records("registry.master_plan");
/// Compliance findings: read as the records they are about; nobody writes them.
pub const FINDINGS: Capability = Capability {
    id: "registry.findings",
    read: kernel::permissions::AGENCY_STAFF_READ,
    write: &[],
};

fn openapi() -> utoipa::openapi::OpenApi {
    <RegistryApi as utoipa::OpenApi>::openapi()
}

/// This context's message catalogues.
const MESSAGES: Messages = Messages {
    id: include_str!("../i18n/id.ftl"),
    en: include_str!("../i18n/en.ftl"),
};

/// The registry's pages and API.
fn router() -> Router<AppState> {
    use pages as p;
    Router::new()
        .route("/registry/applications", get(p::app_list::handler))
        .route(
            "/registry/applications/new",
            get(p::app_form::new).post(p::app_form::create),
        )
        .route("/registry/applications/{id}", get(p::app_show::show))
        .route(
            "/registry/applications/{id}/edit",
            get(p::app_form::edit).post(p::app_form::update),
        )
        .route(
            "/registry/applications/{id}/action",
            post(p::app_show::step),
        )
        .route(
            "/registry/applications/{id}/documents",
            post(p::document::upload)
                .layer(DefaultBodyLimit::max(p::document::MAX_DOCUMENT + 64 * 1024)),
        )
        .route(
            "/registry/applications/{id}/sso",
            post(p::app_show::connect_sso),
        )
        .route("/registry/documents/{id}", get(p::document::download))
        .route(
            "/registry/master-plan",
            get(p::master_plan::show).post(p::master_plan::create),
        )
        .route("/registry/master-plan/review", post(p::master_plan::review))
        .route(
            "/registry/master-plan/items",
            post(p::master_plan::add_item),
        )
        .route("/compliance", get(p::compliance::show))
        .route(
            "/api/v1/applications",
            get(api::app_list::handler).post(api::app_create::handler),
        )
        .route(
            "/api/v1/applications/{id}",
            get(api::app_get::handler).put(api::app_update::handler),
        )
        .route(
            "/api/v1/applications/{id}/{action}",
            post(api::app_action::handler),
        )
        .route(
            "/api/v1/applications/{id}/sso-client",
            post(api::app_sso::handler),
        )
        .route(
            "/api/v1/master-plan",
            get(api::master_plan::handler).post(api::master_plan::create),
        )
        .route("/api/v1/master-plan/review", post(api::master_plan::review))
        .route(
            "/api/v1/master-plan/items",
            post(api::master_plan::add_item),
        )
        .route(
            "/api/v1/applications/{id}/documents",
            get(api::documents::list),
        )
        .route(
            "/api/v1/applications/{id}/documents/{kind}",
            post(api::documents::upload)
                .layer(DefaultBodyLimit::max(p::document::MAX_DOCUMENT + 64 * 1024)),
        )
        .route("/api/v1/documents/{id}", get(p::document::download))
        .route(
            "/api/v1/compliance/findings",
            get(api::compliance::findings),
        )
        .route("/api/v1/compliance/scores", get(api::compliance::scores))
        .merge(inventory::router())
        .route("/registry/hosting", get(hosting::pages::list))
        .route(
            "/registry/hosting/new",
            get(hosting::pages::new).post(hosting::pages::create),
        )
        .route("/registry/hosting/{id}", get(hosting::pages::show))
        .route(
            "/registry/hosting/{id}/decide",
            post(hosting::pages::decide),
        )
        .route(
            "/api/v1/hosting-requests",
            get(hosting::api::list).post(hosting::api::create),
        )
        .route("/api/v1/hosting-requests/{id}", get(hosting::api::get))
        .route(
            "/api/v1/hosting-requests/{id}/{action}",
            post(hosting::api::decide),
        )
}

/// Navigation entries.
const NAV: [NavEntry; 4] = [
    NavEntry {
        href: "/registry/applications",
        key: "nav-applications",
        show: |_| true,
        order: 20,
    },
    NavEntry {
        href: "/registry/devices",
        key: "nav-inventory",
        show: |_| true,
        order: 21,
    },
    NavEntry {
        href: "/compliance",
        key: "nav-compliance",
        show: |_| true,
        order: 22,
    },
    NavEntry {
        href: "/registry/master-plan",
        key: "nav-master-plan",
        show: |_| true,
        order: 23,
    },
];

/// This context's API operations for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::app_list::handler,
    api::app_create::handler,
    api::app_get::handler,
    api::app_update::handler,
    api::app_action::handler,
    api::master_plan::handler,
    api::master_plan::create,
    api::master_plan::review,
    api::master_plan::add_item,
    api::documents::list,
    api::documents::upload,
    pages::document::download,
    api::app_sso::handler,
    api::compliance::findings,
    api::compliance::scores,
    inventory::api::vendors::list,
    inventory::api::vendors::create,
    inventory::api::vendors::get,
    inventory::api::vendors::update,
    inventory::api::vendors::import,
    inventory::api::devices::list,
    inventory::api::devices::create,
    inventory::api::devices::get,
    inventory::api::devices::update,
    inventory::api::devices::import,
    inventory::api::servers::list,
    inventory::api::servers::create,
    inventory::api::servers::get,
    inventory::api::servers::update,
    inventory::api::servers::import,
    inventory::api::set_applications,
    inventory::api::import_applications,
    hosting::api::list,
    hosting::api::create,
    hosting::api::get,
    hosting::api::decide,
))]
pub struct RegistryApi;

/// The registry's block on the home page.
fn home_panel<'a>(
    state: &'a AppState,
    ctx: &'a kernel::Ctx,
    _place: Place,
) -> kernel::module::PanelFuture<'a> {
    Box::pin(home::panel(state, ctx))
}
