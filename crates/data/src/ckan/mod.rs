//! The CKAN-compatible action API, `/api/3/action/{action}`, open to anyone and limited to
//! public datasets: national and provincial portals harvest regional ones through it, and
//! CKAN's own client library reads it unchanged. Answers keep CKAN's envelope
//! (`{"help", "success", "result"}` or `{"success": false, "error": {"__type", "message"}}`)
//! and its statuses (404 not found, 409 validation, 403 refused). Parameters come from the
//! query string (GET) or a JSON or form body (POST), as CKAN takes them.

pub mod datastore;
pub mod package;
pub mod search;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kernel::{AppError, AppState};
use serde_json::{Map, Value, json};

pub use package::Catalogue;

/// What CKAN version this API behaves as (clients check it).
pub const CKAN_VERSION: &str = "2.10.4";

/// An action's failure, as CKAN names it.
#[derive(Debug)]
pub enum Failure {
    /// 404 `Not Found Error`.
    NotFound(String),
    /// 409 `Validation Error`, per field.
    Validation(Map<String, Value>),
    /// 403 `Authorization Error`.
    Refused(String),
    /// 400 `Bad request` (an action that does not exist, a body that is not JSON).
    Bad(String),
    /// A fault on our side (logged; 500 as CKAN answers it).
    Internal(AppError),
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => Failure::NotFound("Not found".into()),
            AppError::BadRequest(f) => Failure::Validation(invalid(&f.field, f.key)),
            AppError::Validation(fs) => {
                let mut m = Map::new();
                for f in fs {
                    m.insert(f.field.clone(), json!([f.key]));
                }
                Failure::Validation(m)
            }
            other => Failure::Internal(other),
        }
    }
}

/// Sets `key` of a JSON object (nothing when `v` is not one).
pub fn put(v: &mut Value, key: &str, x: Value) {
    if let Some(o) = v.as_object_mut() {
        o.insert(key.to_owned(), x);
    }
}

/// One field's validation error.
pub fn invalid(field: &str, message: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(field.to_owned(), json!([message]));
    m
}

/// An action's parameters, from the query string or the body.
#[derive(Debug, Default, Clone)]
pub struct Params(pub Map<String, Value>);

impl Params {
    /// A parameter as text (numbers and booleans as they are written).
    pub fn text(&self, name: &str) -> Option<String> {
        match self.0.get(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            v => Some(v.to_string()),
        }
    }

    /// A whole number in `0..=max`, `default` when absent.
    pub fn number(&self, name: &str, default: i64, max: i64) -> Result<i64, Failure> {
        match self.text(name) {
            None => Ok(default),
            Some(t) if t.trim().is_empty() => Ok(default),
            Some(t) => t
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (0..=max).contains(n))
                .ok_or_else(|| {
                    Failure::Validation(invalid(
                        name,
                        &format!("Must be a whole number from 0 to {max}"),
                    ))
                }),
        }
    }

    /// A flag (`true`, `1`, `True`…), `default` when absent.
    pub fn flag(&self, name: &str, default: bool) -> bool {
        match self.0.get(name) {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => {
                matches!(s.to_ascii_lowercase().as_str(), "true" | "1" | "yes" | "on")
            }
            Some(Value::Number(n)) => n.as_i64().is_some_and(|n| n != 0),
            _ => default,
        }
    }

    /// The `id` parameter (or `name`), required.
    pub fn id(&self) -> Result<String, Failure> {
        self.text("id")
            .or_else(|| self.text("name"))
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().to_owned())
            .ok_or_else(|| Failure::Validation(invalid("id", "Missing value")))
    }

    /// A parameter that is a JSON value or a JSON text of one (`filters`, `facet.field`).
    pub fn json(&self, name: &str) -> Result<Option<Value>, Failure> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => serde_json::from_str(s)
                .map(Some)
                .map_err(|_| Failure::Validation(invalid(name, "Cannot parse JSON"))),
            Some(v) => Ok(Some(v.clone())),
        }
    }
}

fn params(
    method: &Method,
    raw: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Params, Failure> {
    let mut m = Map::new();
    for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        m.insert(k.into_owned(), Value::String(v.into_owned()));
    }
    if *method == Method::POST && !body.is_empty() {
        let form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
        if form {
            for (k, v) in form_urlencoded::parse(body) {
                m.insert(k.into_owned(), Value::String(v.into_owned()));
            }
        } else {
            match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(o)) => m.extend(o),
                _ => {
                    return Err(Failure::Bad(
                        "Bad request - JSON Error: the body must be a JSON object".into(),
                    ));
                }
            }
        }
    }
    if let Some(path) = kernel::validate::control_in_json(&Value::Object(m.clone())) {
        return Err(Failure::Validation(invalid(
            &path,
            "Control characters are not allowed",
        )));
    }
    Ok(Params(m))
}

fn help(state: &AppState, action: &str) -> String {
    format!(
        "{}/api/3/action/help_show?name={action}",
        state.config.public_url.trim_end_matches('/')
    )
}

fn reply(state: &AppState, action: &str, out: Result<Value, Failure>) -> Response {
    let help = help(state, action);
    match out {
        Ok(result) => (
            StatusCode::OK,
            axum::Json(json!({"help": help, "success": true, "result": result})),
        )
            .into_response(),
        Err(f) => {
            let (status, error) = match f {
                Failure::NotFound(m) => (
                    StatusCode::NOT_FOUND,
                    json!({"__type": "Not Found Error", "message": m}),
                ),
                Failure::Validation(fields) => {
                    let mut e = fields;
                    e.insert("__type".into(), json!("Validation Error"));
                    (StatusCode::CONFLICT, Value::Object(e))
                }
                Failure::Refused(m) => (
                    StatusCode::FORBIDDEN,
                    json!({"__type": "Authorization Error", "message": m}),
                ),
                Failure::Bad(m) => (
                    StatusCode::BAD_REQUEST,
                    json!({"__type": "Bad request", "message": m}),
                ),
                Failure::Internal(e) => {
                    tracing::error!(error = %e, action, "CKAN action failed");
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        json!({"__type": "Internal Server Error", "message": "Internal Server Error"}),
                    )
                }
            };
            (
                status,
                axum::Json(json!({"help": help, "success": false, "error": error})),
            )
                .into_response()
        }
    }
}

/// The actions offered.
pub const ACTIONS: [&str; 14] = [
    "status_show",
    "package_list",
    "package_show",
    "package_search",
    "current_package_list_with_resources",
    "organization_list",
    "organization_show",
    "group_list",
    "group_show",
    "tag_list",
    "resource_show",
    "datastore_search",
    "datastore_search_sql",
    "help_show",
];

/// `GET/POST /api/3/action/{action}`.
pub async fn action(
    State(state): State<AppState>,
    Path(action): Path<String>,
    method: Method,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let out = match params(&method, raw.as_deref(), &headers, &body) {
        Ok(p) => run(&state, &action, p).await,
        Err(f) => Err(f),
    };
    reply(&state, &action, out)
}

async fn run(state: &AppState, action: &str, p: Params) -> Result<Value, Failure> {
    if action == "status_show" {
        let region = state.read(|c| Ok(org::directory::region(c)?)).await?;
        return Ok(json!({
            "ckan_version": CKAN_VERSION,
            "site_title": region.map(|r| format!("Portal Data {}", r.name)).unwrap_or_else(|| "Portal Data".into()),
            "site_description": "Satu Data",
            "site_url": state.config.public_url,
            "locale_default": "id",
            "extensions": ["datastore", "dcat"],
        }));
    }
    if action == "help_show" {
        let name = p.text("name").unwrap_or_default();
        if !ACTIONS.contains(&name.as_str()) {
            return Err(Failure::NotFound("Action function not found".into()));
        }
        return Ok(json!(format!(
            "{name}: see the CKAN API documentation (https://docs.ckan.org/en/2.10/api/)"
        )));
    }
    if action == "datastore_search_sql" {
        return Err(Failure::Refused(
            "datastore_search_sql is not offered here: use datastore_search (filters, q, sort, fields, limit, offset)".into(),
        ));
    }
    if !ACTIONS.contains(&action) {
        return Err(Failure::Bad(format!(
            "Bad request - Action name not known: {action}"
        )));
    }
    let base = state.config.public_url.trim_end_matches('/').to_owned();
    let cat = Catalogue::load(state, base).await?;
    match action {
        "package_list" => {
            let limit = p.number("limit", i64::MAX, i64::MAX)?;
            let offset = p.number("offset", 0, i64::MAX)?;
            Ok(json!(cat.names(offset, limit)))
        }
        "package_show" => cat
            .package(&p.id()?)
            .ok_or_else(|| Failure::NotFound("Not found".into())),
        "current_package_list_with_resources" => {
            let limit = p.number("limit", 10, 1000)?;
            let offset = p.number("offset", 0, i64::MAX)?;
            Ok(json!(cat.recent(offset, limit)))
        }
        "package_search" => search::package_search(&cat, &p),
        "organization_list" => Ok(cat.organizations(p.flag("all_fields", false))),
        "organization_show" => cat
            .organization(&p.id()?, p.flag("include_datasets", false))
            .ok_or_else(|| Failure::NotFound("Not found".into())),
        "group_list" => Ok(cat.groups(p.flag("all_fields", false))),
        "group_show" => cat
            .group(&p.id()?, p.flag("include_datasets", false))
            .ok_or_else(|| Failure::NotFound("Not found".into())),
        "tag_list" => Ok(cat.tags(p.text("query").as_deref())),
        "resource_show" => cat
            .resource(&p.id()?)
            .ok_or_else(|| Failure::NotFound("Not found".into())),
        "datastore_search" => datastore::search(state, &cat, &p).await,
        _ => Err(Failure::Bad(format!(
            "Bad request - Action name not known: {action}"
        ))),
    }
}
