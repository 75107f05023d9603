//! Input extractors that turn unreadable input into a clear 400 naming the field, never
//! axum's plain-text rejections: `ApiJson` for the API, `PageForm` for HTML forms, `Paging`.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::{AppError, FieldError};

/// Largest JSON body accepted.
const MAX_JSON: usize = 1024 * 1024;

/// A JSON body; unknown fields and wrong types are refused with the offending field named.
/// (Types should carry `#[serde(deny_unknown_fields)]`.)
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(AppError::BadRequest(FieldError::new(
                "content-type",
                "error-json-content-type",
            )));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::Status(StatusCode::PAYLOAD_TOO_LARGE)
            } else {
                AppError::BadRequest(FieldError::new("body", "error-malformed-json"))
            }
        })?;
        if bytes.len() > MAX_JSON {
            return Err(AppError::Status(StatusCode::PAYLOAD_TOO_LARGE));
        }
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses JSON, naming the path of the first bad field. The body must be one JSON value and
/// nothing after it, and no string in it may hold a control character (422 naming the field).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        AppError::BadRequest(
            FieldError::new("body", "error-malformed-json").arg("detail", e.to_string()),
        )
    })?;
    if let Some(path) = crate::validate::control_in_json(&value) {
        return Err(crate::validate::control_error(if path.is_empty() {
            "body".to_owned()
        } else {
            path
        }));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let text = inner.to_string();
        let (field, key) = if let Some(rest) = text.strip_prefix("unknown field `") {
            (
                rest.split('`').next().unwrap_or("?").to_owned(),
                "error-unknown-field",
            )
        } else if text.starts_with("missing field `") {
            (
                text.split('`').nth(1).unwrap_or("?").to_owned(),
                "error-required",
            )
        } else if inner.is_syntax() || inner.is_eof() {
            ("body".to_owned(), "error-malformed-json")
        } else {
            (path.clone(), "error-wrong-type")
        };
        let field = if field == "." {
            "body".to_owned()
        } else {
            field
        };
        // An unknown field is named on its own; other details are serde's own words.
        let detail = if key == "error-unknown-field" {
            field.clone()
        } else {
            text
        };
        AppError::BadRequest(FieldError::new(field, key).arg("detail", detail))
    })
}

/// An HTML form body (urlencoded). The anti-forgery token was already checked by the
/// middleware and is dropped here so form types can refuse unknown fields.
#[derive(Debug, Clone)]
pub struct PageForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for PageForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // Only a form that shows itself again may take a post with a stale token.
        if req
            .extensions()
            .get::<crate::form::CsrfMismatch>()
            .is_some()
        {
            return Err(AppError::Csrf);
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::BadRequest(FieldError::new("body", "error-body-too-large")))?;
        crate::form::read_form(&bytes).map(PageForm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "fields exist to be deserialized")]
    struct Sample {
        name: String,
        count: u32,
    }

    fn field_of(e: AppError) -> String {
        e.field_errors()
            .first()
            .map(|f| f.field.clone())
            .unwrap_or_default()
    }

    #[test]
    fn json_errors_name_the_field() {
        assert_eq!(
            field_of(parse_json::<Sample>(br#"{"name":"a","count":1,"extra":2}"#).unwrap_err()),
            "extra"
        );
        assert_eq!(
            field_of(parse_json::<Sample>(br#"{"name":"a","count":"x"}"#).unwrap_err()),
            "count"
        );
        assert_eq!(
            field_of(parse_json::<Sample>(br#"{"name":"a"}"#).unwrap_err()),
            "count"
        );
        assert_eq!(
            field_of(parse_json::<Sample>(br#"{"name":"#).unwrap_err()),
            "body"
        );
    }
}
