//! Assembly of Simpul: the one list of contexts, and the app built from it. The binary
//! (`main.rs`) and the test harness both build the app from here.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::get;
use kernel::config::Config;
use kernel::metrics::Metrics;
use kernel::module::Modules;
use kernel::{AppError, AppState, Module};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;

/// Every context of Simpul. Adding a context is one line here (its crate, migrations and
/// schema aside); the order is the order of demo loading and of panels on a page.
pub const MODULES: &[Module] = &[
    kernel::MODULE,
    org::MODULE,
    accounts::MODULE,
    sso::MODULE,
    registry::MODULE,
    data::MODULE,
    domains::MODULE,
];

/// The modules, gathered (a clash between them is a programming error caught by the tests).
pub fn modules() -> Result<Modules, db::DbError> {
    Modules::new(MODULES).map_err(db::DbError::Migration)
}

/// Largest request body (CSV imports included).
const MAX_BODY: usize = 20 * 1024 * 1024;

/// The database holds signing keys and second-factor secrets: a new database file is created
/// readable by its owner only (SQLite gives its journal files the same mode), and so is the
/// data directory Simpul creates for it.
#[cfg(unix)]
fn owner_only(path: &std::path::Path) -> Result<(), db::DbError> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let fail = |e: std::io::Error| {
        db::DbError::Migration(format!("cannot create {}: {e}", path.display()))
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mode = std::fs::metadata(dir).map_err(fail)?.permissions().mode();
        if mode & 0o077 != 0 && std::fs::read_dir(dir).map_err(fail)?.next().is_none() {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(fail)?;
        }
    }
    if !path.exists() && !path.as_os_str().to_string_lossy().starts_with(':') {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(fail)?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn owner_only(_path: &std::path::Path) -> Result<(), db::DbError> {
    Ok(())
}

/// Creates the SQLite file's directory when needed and loads the message catalogues.
fn prepare(config: &Config) -> Result<(), db::DbError> {
    if db::Backend::of_url(&config.database_url) == Some(db::Backend::Sqlite) {
        let path = std::path::Path::new(db::sqlite_path(&config.database_url));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                db::DbError::Migration(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        owner_only(path)?;
    }
    let modules = modules()?;
    kernel::i18n::init(&modules.messages());
    kernel::pages::audit::init_record_pages(modules.record_pages());
    Ok(())
}

/// One migrated connection, for one-shot commands. (A pool keeps opening connections on
/// background threads, which must not race the process's exit.)
pub fn connect_once(config: &Config) -> Result<db::DbConn, db::DbError> {
    prepare(config)?;
    let mut conn = db::Manager::new(&config.database_url)?.connect()?;
    db::migrate(&mut conn)?;
    Ok(conn)
}

/// Opens the database (creating the data directory for SQLite), applies migrations and
/// builds the shared state.
pub fn build_state(config: Config) -> anyhow::Result<AppState> {
    prepare(&config)?;
    let pool = db::pool(&config.database_url, config.sqlite_sync)?;
    db::migrate(&mut *pool.get()?)?;
    let cache: Arc<kernel::cache::Caches> = Arc::default();
    kernel::cache::follow_other_instances(&config.database_url, &cache);
    let blobs = kernel::blob::Blobs::at(&config.blob_store)
        .map_err(|e| anyhow::anyhow!("the blob store: {e}"))?;
    Ok(AppState {
        pool,
        blobs,
        config: Arc::new(config),
        modules: Arc::new(modules()?),
        metrics: Arc::new(Metrics::default()),
        started: Instant::now(),
        cache,
        jobs: Arc::default(),
        write_turn: kernel::state::write_turn(),
        commit_group: Arc::default(),
    })
}

/// Loads every context's part of the demo region in one transaction; whether anything was
/// added (running it twice is harmless).
pub fn load_demo(conn: &mut db::DbConn) -> Result<bool, AppError> {
    let modules = modules()?;
    kernel::state::write_tx(conn, |tx| modules.load_demo(tx))
}

/// The document's title, description and security scheme, before the contexts' paths.
fn openapi_root() -> utoipa::openapi::OpenApi {
    #[derive(OpenApi)]
    #[openapi(
        info(title = "Simpul API", description = "The e-government platform of a regional ICT office (Dinas Kominfo). \
            Authenticate with `Authorization: Bearer <token>` (see `simpul admin create-token`) or the browser session \
            cookie (then send `X-CSRF-Token` on writes). Errors are `{\"error\":{\"code\",\"message\",\"field\"}}`."),
        modifiers(&BearerAuth)
    )]
    struct Root;
    struct BearerAuth;
    impl utoipa::Modify for BearerAuth {
        fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
            use utoipa::openapi::security::{
                HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
            };
            let components = doc.components.get_or_insert_with(Default::default);
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
            doc.security = Some(vec![SecurityRequirement::new(
                "bearer",
                Vec::<String>::new(),
            )]);
        }
    }
    Root::openapi()
}

async fn openapi_json(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::Json<serde_json::Value> {
    axum::Json(kernel::openapi::finish(
        &state.modules.openapi(openapi_root()),
    ))
}

/// An address no route serves: the page says so (a record that is not there, or not the
/// caller's, is [`AppError::NotFound`]).
async fn not_found() -> AppError {
    AppError::Status(axum::http::StatusCode::NOT_FOUND)
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let security = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
        ),
    ];
    let mut router = state
        .modules
        .router()
        .route("/api/v1/openapi.json", get(openapi_json))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            kernel::middleware::csrf_gate,
        ))
        .fallback(not_found)
        // Inside the context middleware, so that its 413 is rendered like every other error.
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        // A body trickled in slower than this is cut off (slowloris on the body).
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            state.config.body_timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            kernel::middleware::context,
        ))
        // Offices in remote regencies are on slow links: compress what is worth it.
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(TraceLayer::new_for_http());
    for (name, value) in security {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    router.with_state(state)
}

/// Serves the application on `listener` until `shutdown` resolves, then waits for requests in
/// flight at most `shutdown_timeout` and closes what is left. Each connection must send a
/// request's headers within `header_timeout` (also the idle keep-alive limit) and its body
/// within `body_timeout`; at most `max_connections` are served at once. A half-sent request
/// therefore cannot hold the server or its shutdown.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()>,
) {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::server::graceful::GracefulShutdown;
    let config = state.config.clone();
    let app = app(state);
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_timeout);
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(config.max_connections));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot,
            () = &mut shutdown => break,
        };
        let Ok(slot) = slot else { break };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = tower::ServiceExt::map_request(
            app.clone(),
            move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                req
            },
        );
        let service = hyper_util::service::TowerToHyperService::new(service);
        let conn = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(slot);
        });
    }
    drop(listener);
    tracing::info!("shutting down: waiting for requests in flight");
    if tokio::time::timeout(config.shutdown_timeout, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            seconds = config.shutdown_timeout.as_secs(),
            "connections still open at the shutdown deadline are closed"
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_module_keeps_the_kernels_rules() {
        let modules = super::modules().unwrap();
        assert!(modules.capabilities().count() >= 10);
        assert!(!modules.nav().is_empty() && !modules.rules().is_empty());
    }

    /// A message id defined twice silently hides one of the texts (Fluent keeps the first), and
    /// an id in one language only shows its key in the other.
    #[test]
    fn every_message_is_defined_once_in_both_languages() {
        use std::collections::BTreeSet;
        let ids = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
                .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_owned()))
                .collect()
        };
        let modules = super::modules().unwrap();
        let (mut id_all, mut en_all) = (vec![], vec![]);
        for m in modules.messages() {
            id_all.extend(ids(m.id));
            en_all.extend(ids(m.en));
        }
        assert!(
            id_all.len() > 300,
            "the catalogues were read: {}",
            id_all.len()
        );
        for (lang, all) in [("id", &id_all), ("en", &en_all)] {
            let mut seen = BTreeSet::new();
            let twice: Vec<&String> = all.iter().filter(|i| !seen.insert(*i)).collect();
            assert!(
                twice.is_empty(),
                "{lang}: defined more than once: {twice:?}"
            );
        }
        let (id_set, en_set): (BTreeSet<_>, BTreeSet<_>) =
            (id_all.iter().collect(), en_all.iter().collect());
        let only_id: Vec<_> = id_set.difference(&en_set).collect();
        let only_en: Vec<_> = en_set.difference(&id_set).collect();
        assert!(
            only_id.is_empty() && only_en.is_empty(),
            "Indonesian only: {only_id:?}; English only: {only_en:?}"
        );
    }
}
