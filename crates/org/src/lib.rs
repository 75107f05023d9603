//! Organisation (R-ORG): the region profile and the regulation in force, agencies
//! (Perangkat Daerah) with the Dinas flagged as coordinator, and their people.

pub mod api;
pub mod demo;
pub mod directory;
pub mod import;
pub mod model;
pub mod pages;
pub mod probing;
pub mod service;
mod store;

use axum::Router;
use axum::routing::{get, post};
use kernel::AppState;
use kernel::i18n::Messages;
use kernel::layout::NavEntry;
use kernel::permissions::{Capability, Role};

/// The organisation context, as the binary plugs it in.
pub const MODULE: kernel::Module = kernel::Module::new("org")
    .routes(router)
    .nav(&NAV)
    .messages(MESSAGES)
    .openapi(openapi)
    .demo(demo::load)
    .forms(&[
        "/region",
        "/agencies/new",
        "/agencies/{id}/edit",
        "/people/new",
        "/people/{id}/edit",
    ])
    .capabilities(&[REGION, AGENCIES, PEOPLE])
    .agencies(agency_choices)
    .time_zone(region_time_zone)
    .records(&[
        ("region", "/region"),
        ("agency", "/agencies/{id}"),
        ("person", "/people/{id}"),
    ])
    .tables(&["region", "agencies", "people"]);

/// The agencies as (id, "CODE — name"), for pickers in other contexts' pages.
fn agency_choices(conn: &mut db::DbConn) -> diesel::QueryResult<Vec<(String, String)>> {
    Ok(directory::all_agencies(conn)?
        .into_iter()
        .map(|a| (a.id.to_string(), a.label()))
        .collect())
}

fn region_time_zone(conn: &mut db::DbConn) -> diesel::QueryResult<Option<kernel::time::Zone>> {
    Ok(store::region_get(conn)?.map(|r| r.time_zone))
}

/// The region profile and the regulation in force: everyone reads, the Dinas keeps it.
pub const REGION: Capability = Capability::region_records("org.region");
/// The agency list: everyone reads, the Dinas keeps it.
pub const AGENCIES: Capability = Capability::region_records("org.agencies");
/// An agency's people: its staff and the overseers read, its operator and the Dinas keep them.
pub const PEOPLE: Capability = Capability::agency_records("org.people");

fn openapi() -> utoipa::openapi::OpenApi {
    <OrgApi as utoipa::OpenApi>::openapi()
}

/// This context's message catalogues.
const MESSAGES: Messages = Messages {
    id: include_str!("../i18n/id.ftl"),
    en: include_str!("../i18n/en.ftl"),
};

/// Pages and API routes.
fn router() -> Router<AppState> {
    use pages as p;
    Router::new()
        .route("/", get(p::dashboard::handler))
        .route("/region", get(p::region::show).post(p::region::submit))
        .route("/agencies", get(p::agency_list::handler))
        .route(
            "/agencies/new",
            get(p::agency_new::show).post(p::agency_new::submit),
        )
        .route("/agencies/{id}", get(p::agency_show::handler))
        .route(
            "/agencies/{id}/edit",
            get(p::agency_edit::show).post(p::agency_edit::submit),
        )
        .route("/people", get(p::person_list::handler))
        .route(
            "/people/new",
            get(p::person_new::show).post(p::person_new::submit),
        )
        .route("/people/{id}", get(p::person_show::handler))
        .route(
            "/people/{id}/edit",
            get(p::person_edit::show).post(p::person_edit::submit),
        )
        .route("/import", get(p::import::show))
        .route("/import/template/{what}", get(p::import::template))
        .route("/import/agencies", post(p::import::agencies))
        .route("/import/people", post(p::import::people))
        .route("/import/{what}/confirm", post(p::import::confirm))
        .route(
            "/api/v1/region",
            get(api::region_get::handler).put(api::region_put::handler),
        )
        .route(
            "/api/v1/agencies",
            get(api::agency_list::handler).post(api::agency_create::handler),
        )
        .route("/api/v1/agencies/import", post(api::agency_import::handler))
        .route(
            "/api/v1/agencies/{id}",
            get(api::agency_get::handler).put(api::agency_update::handler),
        )
        .route(
            "/api/v1/people",
            get(api::person_list::handler).post(api::person_create::handler),
        )
        .route("/api/v1/people/import", post(api::person_import::handler))
        .route(
            "/api/v1/people/{id}",
            get(api::person_get::handler).put(api::person_update::handler),
        )
}

/// Navigation entries.
const NAV: [NavEntry; 4] = [
    NavEntry {
        href: "/",
        key: "nav-home",
        show: |p| !p.grants.is_empty(),
        order: 0,
    },
    NavEntry {
        href: "/agencies",
        key: "nav-agencies",
        show: |p| !p.grants.is_empty(),
        order: 10,
    },
    NavEntry {
        href: "/people",
        key: "nav-people",
        show: |p| !p.grants.is_empty(),
        order: 11,
    },
    NavEntry {
        href: "/region",
        key: "nav-region",
        show: |p| p.has_role(Role::DinasAdmin) || p.has_role(Role::KepalaDinas),
        order: 12,
    },
];

/// This context's API operations for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::region_get::handler,
    api::region_put::handler,
    api::agency_list::handler,
    api::agency_get::handler,
    api::agency_create::handler,
    api::agency_update::handler,
    api::agency_import::handler,
    api::person_list::handler,
    api::person_get::handler,
    api::person_create::handler,
    api::person_update::handler,
    api::person_import::handler,
))]
pub struct OrgApi;
