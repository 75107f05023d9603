//! Satu Data (R-DATA): the region's datasets, each produced by an agency under a Wali Data
//! appointed by decision and kept current at its declared frequency; uploads checked row by
//! row against the dataset's variables into versions; a query API that masks personal data;
//! the open-data portal and the CKAN action API that harvesters speak.

pub mod access;
pub mod api;
pub mod ckan;
pub mod demo;
pub mod duty;
mod home;
pub mod ingest;
pub mod model;
pub mod pages;
pub mod portal;
pub mod query;
pub mod regions;
pub mod rows;
pub mod rules;
pub mod service;
mod store;
pub mod table;
pub mod variables;
pub mod version;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use kernel::AppState;
use kernel::i18n::Messages;
use kernel::layout::NavEntry;
use kernel::permissions::{Capability, Reach, Role};

/// The context, as the binary plugs it in (one line in `simpul::MODULES`).
pub const MODULE: kernel::Module = kernel::Module::new("data")
    .routes(router)
    .public_api(&["/api/3/", "/api/action/"])
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
        ("dataset", "/data/{id}"),
        ("region_code", "/data/regions?code={id}"),
    ])
    .capabilities(&[DATASETS, PERSONAL, WALIDATA])
    .jobs(&[version::INGEST_JOB])
    .forms(&[
        "/data/new",
        "/data/{id}/edit",
        "/data/{id}/columns",
        "/data/{id}/wali",
        "/data/{id}/indicators",
        "/data/{id}/versions/{number}/review",
        "/data/regions",
    ])
    .tables(&[
        "data_datasets",
        "data_columns",
        "data_indicators",
        "data_versions",
        "data_region_codes",
    ]);

const NAV: [NavEntry; 1] = [NavEntry {
    href: "/data",
    key: "nav-data",
    show: |_| true,
    order: 85,
}];

fn router() -> Router<AppState> {
    let upload_limit = DefaultBodyLimit::max(pages::upload::MAX_UPLOAD + 64 * 1024);
    Router::new()
        .route("/data", get(pages::list))
        .route("/data/new", get(pages::form::new).post(pages::form::create))
        .route("/data/{id}", get(pages::show::show))
        .route(
            "/data/{id}/edit",
            get(pages::form::edit).post(pages::form::update),
        )
        .route(
            "/data/{id}/columns",
            get(pages::columns::edit).post(pages::columns::save),
        )
        .route("/data/{id}/wali", post(pages::wali::appoint))
        .route(
            "/data/{id}/indicators",
            get(pages::indicators::new).post(pages::indicators::create),
        )
        .route(
            "/data/{id}/versions",
            post(pages::upload::upload).layer(upload_limit),
        )
        .route("/data/{id}/versions/{number}", get(pages::upload::show))
        .route(
            "/data/{id}/versions/{number}/review",
            post(pages::review::review),
        )
        .route(
            "/data/regions",
            get(pages::regions::page_of).post(pages::regions::add),
        )
        .route(
            "/api/v1/data/regions",
            get(api::regions::list).post(api::regions::add),
        )
        .route(
            "/api/v1/data/datasets",
            get(api::datasets::list).post(api::datasets::create),
        )
        .route(
            "/api/v1/data/datasets/{id}",
            get(api::datasets::get).put(api::datasets::put),
        )
        .route(
            "/api/v1/data/datasets/{id}/columns",
            get(api::datasets::columns).put(api::datasets::put_columns),
        )
        .route(
            "/api/v1/data/datasets/{id}/wali",
            put(api::datasets::put_wali),
        )
        .route(
            "/api/v1/data/datasets/{id}/indicators",
            post(api::datasets::add_indicator),
        )
        .route(
            "/api/v1/data/datasets/{id}/versions",
            get(api::versions::list)
                .post(api::versions::upload)
                .layer(upload_limit),
        )
        .route(
            "/api/v1/data/datasets/{id}/versions/{number}",
            get(api::versions::get),
        )
        .route(
            "/api/v1/data/datasets/{id}/versions/{number}/review",
            post(api::versions::review),
        )
        .route("/api/v1/data/datasets/{id}/rows", get(api::rows::rows))
        .route(
            "/api/3/action/{action}",
            get(ckan::action).post(ckan::action),
        )
        // CKAN answers without the version too, and its client library calls that address.
        .route("/api/action/{action}", get(ckan::action).post(ckan::action))
        .route("/portal", get(portal::home))
        .route("/portal/catalog.jsonld", get(portal::dcat::jsonld))
        .route("/portal/catalog.ttl", get(portal::dcat::ttl))
        .route("/portal/{slug}", get(portal::dataset))
        .route("/portal/{slug}/{file}", get(portal::download::file))
}

/// The context's own task: reminders of overdue datasets.
fn start(
    state: AppState,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send>> {
    Box::pin(async move {
        duty::start(state);
        Ok(())
    })
}

fn openapi() -> utoipa::openapi::OpenApi {
    <DataApi as utoipa::OpenApi>::openapi()
}

/// This context's API operations for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::datasets::list,
    api::datasets::create,
    api::datasets::get,
    api::datasets::put,
    api::datasets::columns,
    api::datasets::put_columns,
    api::datasets::put_wali,
    api::datasets::add_indicator,
    api::versions::upload,
    api::versions::list,
    api::versions::get,
    api::versions::review,
    api::regions::list,
    api::regions::add,
    api::rows::rows
))]
pub struct DataApi;

/// The block on the home page.
fn home_panel<'a>(
    state: &'a AppState,
    ctx: &'a kernel::Ctx,
    _place: kernel::module::Place,
) -> kernel::module::PanelFuture<'a> {
    Box::pin(home::panel(state, ctx))
}

/// Datasets: the producing agency's operator and its Wali Data keep them, the Dinas any; the
/// agency's staff and the oversight roles read them (public ones are read by everyone).
pub const DATASETS: Capability = Capability {
    id: "data.datasets",
    read: kernel::permissions::AGENCY_STAFF_READ,
    write: &[
        (Role::DinasAdmin, Reach::Region),
        (Role::AgencyOperator, Reach::OwnAgency),
        (Role::WaliData, Reach::OwnAgency),
    ],
};

/// The Walidata's work (Perpres 39/2019), done by the Dinas: checking and publishing public
/// datasets' versions on the portal, and keeping the region codes the shipped list lacks.
/// Everyone who reads datasets sees where a check stands.
pub const WALIDATA: Capability = Capability {
    id: "data.walidata",
    read: kernel::permissions::AGENCY_STAFF_READ,
    write: &[(Role::DinasAdmin, Reach::Region)],
};

/// Personal data in datasets (NIK, NIP, names, addresses): unmasked only for the producing
/// agency's operator and its Wali Data.
pub const PERSONAL: Capability = Capability {
    id: "data.personal",
    read: &[
        (Role::AgencyOperator, Reach::OwnAgency),
        (Role::WaliData, Reach::OwnAgency),
    ],
    write: &[
        (Role::AgencyOperator, Reach::OwnAgency),
        (Role::WaliData, Reach::OwnAgency),
    ],
};

const MESSAGES: Messages = Messages {
    id: include_str!("../i18n/id.ftl"),
    en: include_str!("../i18n/en.ftl"),
};

/// Today in the region's time zone.
pub async fn today(state: &AppState) -> chrono::NaiveDate {
    state.zone().await.today_at(db::now())
}
