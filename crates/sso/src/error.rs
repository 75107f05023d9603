//! Errors of the OAuth endpoints, in RFC 6749's own shape and codes:
//! `{"error": "invalid_grant", "error_description": "…"}`, never cached.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// An OAuth 2.0 error response.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{error}: {description}")]
pub struct OAuthError {
    /// HTTP status.
    pub status: StatusCode,
    /// The RFC 6749 error code.
    pub error: &'static str,
    /// A human-readable description (English, for developers).
    pub description: String,
}

impl OAuthError {
    /// A 400 with this code.
    pub fn bad(error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error,
            description: description.into(),
        }
    }

    /// `invalid_request`.
    pub fn request(description: impl Into<String>) -> Self {
        Self::bad("invalid_request", description)
    }

    /// `invalid_grant`.
    pub fn grant(description: impl Into<String>) -> Self {
        Self::bad("invalid_grant", description)
    }

    /// `invalid_client` (401, RFC 6749 §5.2).
    pub fn client(description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_client",
            description: description.into(),
        }
    }

    /// Too many failed client authentications from one address (429).
    pub fn slow_down(seconds: u64) -> Self {
        Self {
            status: StatusCode::TOO_MANY_REQUESTS,
            error: "slow_down",
            description: format!("too many failed client authentications; retry in {seconds} s"),
        }
    }

    /// A protected resource asked of with no token at all: 401 whose challenge carries no
    /// error code (RFC 6750 §3.1).
    pub fn no_token() -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            error: NO_TOKEN,
            description: "an access token is required".into(),
        }
    }

    /// `invalid_token` (401, RFC 6750 §3.1).
    pub fn token(description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_token",
            description: description.into(),
        }
    }
}

/// The code of [`OAuthError::no_token`]; the body says `invalid_request`, the challenge no code.
const NO_TOKEN: &str = "no_token";

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let code = if self.error == NO_TOKEN {
            "invalid_request"
        } else {
            self.error
        };
        let body = serde_json::json!({"error": code, "error_description": self.description});
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.status == StatusCode::UNAUTHORIZED {
            let challenge = match self.error {
                NO_TOKEN => "Bearer realm=\"simpul\"".to_owned(),
                "invalid_token" => format!(
                    "Bearer error=\"invalid_token\", error_description=\"{}\"",
                    self.description.replace('"', "'")
                ),
                _ => "Basic realm=\"simpul\"".to_owned(),
            };
            if let Ok(v) = HeaderValue::from_str(&challenge) {
                headers.insert(header::WWW_AUTHENTICATE, v);
            }
        }
        response
    }
}

impl From<kernel::AppError> for OAuthError {
    fn from(e: kernel::AppError) -> Self {
        if matches!(e, kernel::AppError::Busy(_)) {
            tracing::warn!(error = %e, "oauth endpoint busy");
            return Self {
                status: StatusCode::SERVICE_UNAVAILABLE,
                error: "temporarily_unavailable",
                description: "the service is busy; try again in a moment".into(),
            };
        }
        tracing::error!(error = %e, "oauth endpoint failed");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            error: "server_error",
            description: "internal error".into(),
        }
    }
}

impl From<diesel::result::Error> for OAuthError {
    fn from(e: diesel::result::Error) -> Self {
        kernel::AppError::from(e).into()
    }
}
