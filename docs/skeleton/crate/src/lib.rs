//! Example: the skeleton a new context starts from (see `docs/new-context.md`). Each agency
//! keeps its entries; the Dinas and the oversight roles read them all. Rename `example` and
//! `Entry` to the domain's own words, then grow the model.

pub mod api;
pub mod demo;
pub mod model;
pub mod pages;
pub mod service;
mod store;

use axum::Router;
use axum::routing::get;
use kernel::AppState;
use kernel::i18n::Messages;
use kernel::layout::NavEntry;
use kernel::permissions::{self, Capability, Visible};

/// The context, as the binary plugs it in (one line in `simpul::MODULES`).
pub const MODULE: kernel::Module = kernel::Module::new("example")
    .routes(router)
    .nav(&NAV)
    .messages(MESSAGES)
    .openapi(openapi)
    .demo(demo::load)
    .capabilities(&[ENTRIES])
    .forms(&["/example/new"])
    .tables(&["example_entries"]);

/// Entries: an agency's operator keeps its own; the Dinas may correct any; the agency's staff
/// and the region's oversight roles read.
pub const ENTRIES: Capability = Capability::agency_records("example.entries");

const NAV: [NavEntry; 1] = [NavEntry {
    href: "/example",
    key: "nav-example",
    show: |p| {
        !matches!(
            permissions::visible_agencies(&p.grants, &ENTRIES),
            Visible::Only(ref ids) if ids.is_empty()
        )
    },
    order: 80,
}];

const MESSAGES: Messages = Messages {
    id: include_str!("../i18n/id.ftl"),
    en: include_str!("../i18n/en.ftl"),
};

fn router() -> Router<AppState> {
    Router::new()
        .route("/example", get(pages::list))
        .route("/example/new", get(pages::new).post(pages::create))
        .route("/example/{id}", get(pages::show))
        .route("/api/v1/example/entries", get(api::list).post(api::create))
        .route("/api/v1/example/entries/{id}", get(api::get))
}

fn openapi() -> utoipa::openapi::OpenApi {
    <ExampleApi as utoipa::OpenApi>::openapi()
}

/// This context's API operations for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(api::list, api::create, api::get))]
pub struct ExampleApi;
