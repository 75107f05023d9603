//! Health, metrics and the static assets compiled into the binary.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// `GET /healthz`: 200 once the database answers, 503 otherwise.
pub async fn healthz(State(state): State<AppState>) -> Response {
    let backend = state
        .config
        .database_url
        .split(':')
        .next()
        .unwrap_or("")
        .to_owned();
    let ping = state
        .read(|conn| {
            Ok(diesel::connection::SimpleConnection::batch_execute(
                conn, "SELECT 1",
            )?)
        })
        .await;
    match ping {
        Ok(()) => Json(serde_json::json!({"status": "ok", "database": backend, "version": env!("CARGO_PKG_VERSION")}))
            .into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({"status": "unavailable", "database": backend})))
            .into_response(),
    }
}

/// `GET /metrics`: Prometheus text.
pub async fn metrics(State(state): State<AppState>) -> Response {
    let pool = state.pool.state();
    let body = state.metrics.render(
        pool.connections,
        pool.idle_connections,
        state.started.elapsed().as_secs(),
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

const CSS: &str = include_str!("../static/simpul.css");
const HTMX: &str = include_str!("../static/htmx.min.js");

/// `GET /static/{file}`: assets compiled into the binary, cached for a day.
pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "simpul.css" => (CSS, "text/css; charset=utf-8"),
        "htmx.min.js" => (HTMX, "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}
