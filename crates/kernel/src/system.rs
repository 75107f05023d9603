//! Health, metrics and the static assets compiled into the binary.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// Whether the service and its database answer (for load balancers and monitors).
#[utoipa::path(get, path = "/healthz", tag = "system", security(()),
    responses((status = 200, description = "`{\"status\":\"ok\",\"database\":\"sqlite|postgres\",\"version\"}`", body = Object),
              (status = 503, description = "The database does not answer.", body = Object)))]
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

/// Prometheus metrics (requests by status, latency, pool). With `SIMPUL_METRICS_TOKEN` set it
/// needs `Authorization: Bearer <that token>`; without, it answers only to a client on this
/// host that came through no proxy, so the public listener never shows it.
#[utoipa::path(get, path = "/metrics", tag = "system", security(()),
    responses((status = 200, description = "Prometheus text format 0.0.4", content_type = "text/plain", body = String),
              (status = 404, description = "Not for this caller (no or a wrong metrics token, or not local).")))]
pub async fn metrics(
    State(state): State<AppState>,
    crate::ratelimit::ClientAddr(addr): crate::ratelimit::ClientAddr,
    headers: axum::http::HeaderMap,
) -> Response {
    if !metrics_allowed(&state, &addr, &headers) {
        return crate::AppError::NotFound.into_response();
    }
    let pool = state.pool.state();
    let body = state.metrics.render(
        pool.connections,
        pool.idle_connections,
        state.started.elapsed().as_secs(),
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

fn metrics_allowed(state: &AppState, addr: &str, headers: &axum::http::HeaderMap) -> bool {
    match &state.config.metrics_token {
        Some(token) => headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|sent| {
                crate::principal::secret_hash(sent) == crate::principal::secret_hash(token)
            }),
        None => {
            let proxied =
                headers.contains_key("forwarded") || headers.contains_key("x-forwarded-for");
            !proxied
                && addr
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
    }
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
