//! The one middleware every request passes: it resolves the context (principal, language,
//! anti-forgery token), enforces the anti-forgery check on every state-changing browser
//! request, and renders errors — JSON under `/api/`, a page elsewhere — in the user's language.

use crate::time::Zone;
use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use crate::context::{CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, Ctx, LANG_COOKIE, SESSION_COOKIE};
use crate::error::{AppError, ErrorPayload};
use crate::i18n::Lang;
use crate::layout;
use crate::principal;
use crate::state::AppState;

/// Longest request target answered: past it, a 414 in the usual shape. (hyper itself answers
/// a bare 414 past 64 KB, before any of this code runs.)
const MAX_URI: usize = 8 * 1024;

/// Largest form body read for the anti-forgery check (file uploads carry the token in the URL).
const MAX_FORM_BODY: usize = 2 * 1024 * 1024;

/// Whether a path answers in JSON.
pub fn is_api_path(path: &str) -> bool {
    path.starts_with("/api/")
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Resolves the request context, checks the anti-forgery token and renders errors.
pub async fn context(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let response = handle(state.clone(), req, next).await;
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    state.metrics.observe(response.status().as_u16(), micros);
    response
}

async fn handle(state: AppState, mut req: Request, next: Next) -> Response {
    if target_len(req.uri()) > MAX_URI {
        let jar = CookieJar::from_headers(req.headers());
        let ctx = base_ctx(&req, &jar, None, String::new(), Zone::default());
        return render_error(&state, AppError::Status(StatusCode::URI_TOO_LONG), ctx).await;
    }
    // For a context's own middleware (a route layer has no state of its own).
    req.extensions_mut().insert(state.clone());
    // Resolved once, behind trusted proxies, for every rate limit and record downstream.
    if let Some(peer) = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
    {
        let ip = crate::ratelimit::client_ip(peer, req.headers(), &state.config.trusted_proxies);
        req.extensions_mut()
            .insert(crate::ratelimit::ClientAddr(ip.to_string()));
    }
    let jar = CookieJar::from_headers(req.headers());
    let path = req.uri().path().to_owned();
    let zone = state.zone().await;
    // OAuth endpoints authenticate clients and their own access tokens, not API tokens.
    let oauth = path.starts_with("/oauth2/");
    let token = if oauth {
        None
    } else {
        bearer(req.headers()).map(str::to_owned)
    };
    let session_cookie = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned());
    let hours = state.config.session_hours;

    // A bearer token wins over a cookie; a bad token is simply "not signed in".
    let principal = match (&token, &session_cookie) {
        (Some(t), _) => {
            let t = t.clone();
            let modules = state.modules.clone();
            state
                .read(move |c| {
                    for r in modules.resolvers() {
                        if let Some(p) = r.bearer(c, &t)? {
                            return Ok(Some(p));
                        }
                    }
                    Ok(None)
                })
                .await
        }
        (None, Some(s)) => {
            let s = s.clone();
            let modules = state.modules.clone();
            state
                .read(move |c| {
                    for r in modules.resolvers() {
                        if let Some(p) = r.session(c, &s, hours)? {
                            return Ok(Some(p));
                        }
                    }
                    Ok(None)
                })
                .await
        }
        (None, None) => Ok(None),
    };
    let principal = match principal {
        Ok(p) => p.map(Arc::new),
        Err(e) => {
            return render_error(&state, e, base_ctx(&req, &jar, None, String::new(), zone)).await;
        }
    };

    let (pre_csrf, new_csrf_cookie) = match jar.get(CSRF_COOKIE) {
        Some(c) if c.value().len() >= 20 => (c.value().to_owned(), false),
        _ => (principal::random_secret(), true),
    };
    let csrf = match principal.as_deref().map(|p| &p.via) {
        Some(principal::Via::Session { csrf, .. }) => csrf.clone(),
        _ => pre_csrf.clone(),
    };
    let ctx = base_ctx(&req, &jar, principal.clone(), csrf.clone(), zone);
    // Authentication comes before any reading of the input: an anonymous caller learns
    // nothing from a malformed id or body but "sign in".
    if is_api_path(&path) && principal.is_none() && !state.modules.is_public_api(&path) {
        return render_error(&state, AppError::Unauthorized, ctx).await;
    }

    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // Bearer requests carry no cookies, so they cannot be forged by another site; an
    // anonymous API call is left to answer 401.
    let needs_csrf =
        unsafe_method && !oauth && token.is_none() && !(is_api_path(&path) && principal.is_none());
    let mut req = req;
    if needs_csrf {
        match check_csrf(req, &csrf).await {
            Ok((r, true)) => req = r,
            // A signed-in person's page form with a stale token goes on, marked: the gate lets
            // it reach only a handler that shows the form again and does nothing else.
            Ok((mut r, false)) if !is_api_path(&path) && principal.is_some() => {
                r.extensions_mut().insert(crate::form::CsrfMismatch);
                req = r;
            }
            Ok((_, false)) => return render_error(&state, AppError::Csrf, ctx).await,
            Err(e) => return render_error(&state, e, ctx).await,
        }
    }

    req.extensions_mut().insert(ctx.clone());
    let mut response = next.run(req).await;
    if let Some(ErrorPayload(err)) = response.extensions_mut().remove::<ErrorPayload>() {
        let owned =
            Arc::try_unwrap(err).unwrap_or_else(|shared| AppError::Internal(shared.to_string()));
        response = render_error(&state, owned, ctx).await;
    } else if !is_api_path(&path)
        && !oauth
        && response.status() == StatusCode::PAYLOAD_TOO_LARGE
        && is_bare_error(&response)
        && !response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"))
    {
        // A page's upload over the server's limit is refused before any handler reads it:
        // the person gets a page in their language saying so, not the layer's English text.
        response = render_error(&state, AppError::Status(StatusCode::PAYLOAD_TOO_LARGE), ctx).await;
    } else if is_api_path(&path) && is_bare_error(&response) {
        // The router's and the layers' own refusals (405, 413, a path that is not text) come
        // as plain text or nothing; the API answers every error in its JSON shape.
        let allow = response.headers().get(header::ALLOW).cloned();
        response = render_error(&state, AppError::Status(response.status()), ctx).await;
        if let Some(allow) = allow {
            response.headers_mut().insert(header::ALLOW, allow);
        }
    }
    // Pages and API answers carry personal data: no cache keeps them. Static assets and
    // the provider's public documents say their own.
    if !path.starts_with("/static/") && !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.secure_cookies() {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    if new_csrf_cookie && principal.is_none() {
        let cookie = Cookie::build((CSRF_COOKIE, pre_csrf))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(state.config.secure_cookies())
            .build();
        if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

fn base_ctx(
    req: &Request,
    jar: &CookieJar,
    principal: Option<Arc<principal::Principal>>,
    csrf: String,
    zone: Zone,
) -> Ctx {
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language);
    // A browser user's saved choice wins; a script with a token says what it wants per call.
    let lang = match principal.as_deref() {
        Some(p) if matches!(p.via, principal::Via::Token { .. }) => accept.unwrap_or(p.lang),
        Some(p) => p.lang,
        None => jar
            .get(LANG_COOKIE)
            .and_then(|c| Lang::parse(c.value()))
            .or(accept)
            .unwrap_or_default(),
    };
    Ctx {
        principal,
        lang,
        csrf,
        path: req.uri().path().to_owned(),
        zone,
        saved: req
            .uri()
            .query()
            .is_some_and(|q| q.split('&').any(|pair| pair == "saved=1")),
    }
}

/// Lets a request whose anti-forgery token did not match reach only the routes whose forms
/// show themselves again ([`crate::module::Module::forms`]); every other route refuses it.
/// Runs after routing, where the matched route is known.
pub async fn csrf_gate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req
        .extensions()
        .get::<crate::form::CsrfMismatch>()
        .is_some()
    {
        let rerenders = req
            .extensions()
            .get::<axum::extract::MatchedPath>()
            .is_some_and(|m| state.modules.rerenders(m.as_str()));
        if !rerenders {
            return AppError::Csrf.into_response();
        }
    }
    next.run(req).await
}

/// Finds the token in the header, the query string or a urlencoded body, and compares it
/// in constant time; returns the request (its body put back for the handler) and whether the
/// token matched.
async fn check_csrf(req: Request, expected: &str) -> Result<(Request, bool), AppError> {
    let from_header = req
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let from_query = req
        .uri()
        .query()
        .and_then(|q| form_field(q.as_bytes(), CSRF_FIELD));
    if let Some(given) = from_header.or(from_query) {
        let ok = constant_eq(&given, expected);
        return Ok((req, ok));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok((req, false));
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_FORM_BODY).await.map_err(|_| {
        AppError::BadRequest(crate::error::FieldError::new(
            "body",
            "error-body-too-large",
        ))
    })?;
    let ok = form_field(&bytes, CSRF_FIELD).is_some_and(|given| constant_eq(&given, expected));
    Ok((Request::from_parts(parts, Body::from(bytes)), ok))
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The length of a request target as sent, counted without copying it (this runs on every
/// request).
fn target_len(uri: &axum::http::Uri) -> usize {
    uri.scheme_str().map_or(0, |s| s.len() + "://".len())
        + uri.authority().map_or(0, |a| a.as_str().len())
        + uri.path_and_query().map_or(0, |p| p.as_str().len())
}

/// An error response that is not already JSON.
fn is_bare_error(response: &Response) -> bool {
    let status = response.status();
    (status.is_client_error() || status.is_server_error())
        && !response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"))
}

async fn render_error(state: &AppState, err: AppError, ctx: Ctx) -> Response {
    let mut response = render_error_body(state, &err, ctx).await;
    if matches!(err, AppError::Busy(_)) {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from_static(BUSY_RETRY_SECONDS),
        );
    }
    response
}

/// What a client told "busy" waits before trying again.
const BUSY_RETRY_SECONDS: &str = "2";

async fn render_error_body(state: &AppState, err: &AppError, ctx: Ctx) -> Response {
    let status = err.status();
    if is_api_path(&ctx.path) {
        let fields: Vec<_> = err
            .field_errors()
            .iter()
            .map(|f| serde_json::json!({"field": f.field, "message": f.message(ctx.lang)}))
            .collect();
        let field = err.field_errors().first().map(|f| f.field.clone());
        let body = serde_json::json!({
            "error": {"code": err.code(), "message": err.message(ctx.lang), "field": field, "details": fields}
        });
        return (status, axum::Json(body)).into_response();
    }
    if status == StatusCode::UNAUTHORIZED {
        let next = form_urlencoded::byte_serialize(ctx.path.as_bytes()).collect::<String>();
        return Redirect::to(&format!("/sign-in?next={next}")).into_response();
    }
    let page = layout::error_page(state, &ctx, err);
    (status, page).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_is_measured_as_written() {
        for target in [
            "/api/v1/agencies?q=a%20b",
            "http://x.example:8080/p?q=1",
            "/",
        ] {
            let uri: axum::http::Uri = target.parse().unwrap();
            assert_eq!(target_len(&uri), uri.to_string().len(), "{target}");
        }
    }

    #[test]
    fn csrf_comparison_is_exact() {
        assert!(constant_eq("abc", "abc"));
        assert!(!constant_eq("abc", "abd"));
        assert!(!constant_eq("abc", "abcd"));
    }

    #[test]
    fn form_fields_are_decoded() {
        assert_eq!(
            form_field(b"a=1&_csrf=x%2By&b=2", "_csrf").as_deref(),
            Some("x+y")
        );
        assert_eq!(form_field(b"a=1", "_csrf"), None);
    }
}
