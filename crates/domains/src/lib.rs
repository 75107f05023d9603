//! Domains: the region's DNS zone (R-DOM). The Dinas keeps its records, each owned by an
//! agency and resting on a decision or a request; every change raises the zone's serial and is
//! in the audit trail; the zone leaves as a standard zone file (`simpul dns export`). Anyone
//! signed in reads the records: DNS is public.

pub mod api;
pub mod delegations;
pub mod demo;
pub mod dns;
pub mod dnssec;
mod home;
pub mod import_page;
pub mod keys;
pub mod model;
pub mod pages;
pub mod request;
pub mod request_api;
pub mod request_pages;
pub mod rules;
pub mod service;
pub mod settings;
pub mod signing;
mod store;
pub mod zone;
pub mod zonefile;

use axum::Router;
use axum::routing::{get, post};
use kernel::AppState;
use kernel::i18n::Messages;
use kernel::layout::NavEntry;
use kernel::permissions::Capability;

/// The context, as the binary plugs it in (one line in `simpul::MODULES`).
pub const MODULE: kernel::Module = kernel::Module::new("domains")
    .routes(router)
    .nav(&NAV)
    .messages(MESSAGES)
    .openapi(openapi)
    .demo(demo::load)
    .listener(start)
    .rules(&[rules::SOURCE])
    .panels(&[kernel::module::Panel {
        slot: kernel::module::Slot::Home,
        render: home_panel,
    }])
    .records(&[
        ("dns_record", "/domains/{id}"),
        ("domain_request", "/domains/requests/{id}"),
    ])
    .capabilities(&[RECORDS, REQUESTS])
    .forms(&[
        "/domains/new",
        "/domains/{id}/edit",
        "/domains/requests/new",
        "/domains/requests/{id}/decide",
        "/domains/settings",
        "/domains/settings/keys",
    ])
    .tables(&[
        "domains_zone",
        "domains_records",
        "domains_requests",
        "domains_counters",
        "domains_tsig_keys",
        "domains_dnssec_keys",
        "domains_delegation_checks",
    ]);

/// The zone's records: the Dinas keeps them; everyone signed in reads them.
pub const RECORDS: Capability = Capability::region_records("domains.records");
/// Requests for a name: an agency's operator asks for its own agency; the Dinas records the
/// decisions; the agency's staff and the oversight roles read.
pub const REQUESTS: Capability = Capability::agency_records("domains.requests");

const NAV: [NavEntry; 2] = [
    NavEntry {
        href: "/domains",
        key: "nav-domains",
        show: |_| true,
        order: 80,
    },
    NavEntry {
        href: "/domains/requests",
        key: "nav-domain-requests",
        show: |p| {
            !matches!(
                kernel::permissions::visible_agencies(&p.grants, &REQUESTS),
                kernel::permissions::Visible::Only(ref ids) if ids.is_empty()
            )
        },
        order: 81,
    },
];

pub(crate) const MESSAGES: Messages = Messages {
    id: include_str!("../i18n/id.ftl"),
    en: include_str!("../i18n/en.ftl"),
};

fn router() -> Router<AppState> {
    Router::new()
        .route("/domains", get(pages::list))
        .route("/domains/new", get(pages::new).post(pages::create))
        .route("/domains/requests", get(request_pages::list))
        .route(
            "/domains/requests/new",
            get(request_pages::new).post(request_pages::create),
        )
        .route("/domains/requests/{id}", get(request_pages::show))
        .route("/domains/requests/{id}/decide", post(request_pages::decide))
        .route(
            "/domains/requests/{id}/withdraw",
            post(request_pages::withdraw),
        )
        .route("/domains/zone", get(pages::zone_file))
        .route(
            "/domains/import",
            get(import_page::show).post(import_page::check),
        )
        .route("/domains/import/confirm", post(import_page::confirm))
        .route(
            "/domains/settings",
            get(settings::show).post(settings::save),
        )
        .route("/domains/settings/keys", post(keys::create))
        .route("/domains/settings/rollover", post(signing::rollover_page))
        .route("/domains/settings/keys/{id}/delete", post(keys::delete))
        .route("/domains/{id}", get(pages::show))
        .route("/domains/{id}/edit", get(pages::edit).post(pages::update))
        .route("/domains/{id}/delete", post(pages::delete))
        .route("/api/v1/dns/records", get(api::list).post(api::create))
        .route(
            "/api/v1/dns/records/{id}",
            get(api::get).put(api::put).delete(api::delete),
        )
        .route("/api/v1/dns/zone", get(api::zone))
        .route(
            "/api/v1/dns/settings",
            get(settings::api_get).put(settings::api_put),
        )
        .route(
            "/api/v1/dns/keys",
            get(keys::api_list).post(keys::api_create),
        )
        .route(
            "/api/v1/dns/keys/{id}",
            axum::routing::delete(keys::api_delete),
        )
        .route("/api/v1/dns/dnssec", get(signing::api_get))
        .route(
            "/api/v1/dns/requests",
            get(request_api::list).post(request_api::create),
        )
        .route("/api/v1/dns/requests/{id}", get(request_api::get))
        .route(
            "/api/v1/dns/requests/{id}/decision",
            post(request_api::decide),
        )
        .route(
            "/api/v1/dns/requests/{id}/withdrawal",
            post(request_api::withdraw),
        )
}

/// The context's own tasks: the DNS server (when `SIMPUL_DNS_ADDR` is set) and the checks of
/// the delegations' name servers.
fn start(
    state: AppState,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send>> {
    Box::pin(async move {
        dns::start(state.clone()).await?;
        delegations::start(state);
        Ok(())
    })
}

fn openapi() -> utoipa::openapi::OpenApi {
    <DomainsApi as utoipa::OpenApi>::openapi()
}

/// This context's API operations for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::list,
    api::create,
    api::get,
    api::put,
    api::delete,
    api::zone,
    request_api::list,
    request_api::create,
    request_api::get,
    request_api::decide,
    request_api::withdraw,
    settings::api_get,
    settings::api_put,
    keys::api_list,
    keys::api_create,
    keys::api_delete,
    signing::api_get
))]
pub struct DomainsApi;

/// The block on the home page.
fn home_panel<'a>(
    state: &'a AppState,
    ctx: &'a kernel::Ctx,
    _place: kernel::module::Place,
) -> kernel::module::PanelFuture<'a> {
    Box::pin(home::panel(state, ctx))
}
