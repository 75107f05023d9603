//! CORS for browser applications (public clients): a single-page application on its own
//! origin calls discovery, the keys, the token, userinfo and revocation endpoints from
//! JavaScript. Discovery and the keys are public documents, readable from anywhere; the
//! others answer only the origins of the enabled public clients' redirect URIs — the origins
//! the Dinas registered when it registered the application.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kernel::AppState;

/// Whether a path is a public document (any origin may read it).
fn public_document(path: &str) -> bool {
    matches!(path, "/.well-known/openid-configuration" | "/oauth2/jwks")
}

/// `scheme://host[:port]` of a URL, as browsers send it in `Origin`.
pub(crate) fn origin_of(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    match u.origin() {
        url::Origin::Tuple(..) => Some(u.origin().ascii_serialization()),
        url::Origin::Opaque(_) => None,
    }
}

/// Whether `origin` is that of an enabled public client's redirect URI (from the provider's
/// cache: no database read while nothing has changed).
async fn registered(state: &AppState, origin: &str) -> bool {
    crate::cache::browser_origins(state)
        .await
        .is_ok_and(|o| o.iter().any(|x| x == origin))
}

fn allow(headers: &mut HeaderMap, origin: &str, preflight: bool) {
    let value = HeaderValue::from_str(origin).unwrap_or(HeaderValue::from_static("null"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if preflight {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("authorization, content-type"),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
    }
}

/// Answers preflights and marks the responses a registered origin may read.
pub async fn layer(req: Request, next: Next) -> Response {
    let Some(state) = req.extensions().get::<AppState>().cloned() else {
        return next.run(req).await;
    };
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_owned);
    let Some(origin) = origin else {
        return next.run(req).await;
    };
    let path = req.uri().path().to_owned();
    let allowed = if public_document(&path) {
        Some("*".to_owned())
    } else if registered(&state, &origin).await {
        Some(origin)
    } else {
        None
    };
    if req.method() == Method::OPTIONS {
        let mut response = StatusCode::NO_CONTENT.into_response();
        if let Some(o) = &allowed {
            allow(response.headers_mut(), o, true);
        }
        return response;
    }
    let mut response = next.run(req).await;
    if let Some(o) = &allowed {
        allow(response.headers_mut(), o, false);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_is_scheme_host_and_port() {
        assert_eq!(
            origin_of("https://app.sukamajukab.go.id/callback?x=1").as_deref(),
            Some("https://app.sukamajukab.go.id")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:5173/cb").as_deref(),
            Some("http://127.0.0.1:5173")
        );
        assert_eq!(origin_of("com.example.app:/cb"), None);
    }
}
