//! The one error type handlers return, and how it maps to HTTP. Messages are catalogue keys,
//! translated when the response is rendered (by `middleware`), so the user reads them in
//! their own language and the API answers `{"error":{"code","message","field"}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A problem with one field (or CSV line) of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name as the client sent it (`nip`, `line 4: code`).
    pub field: String,
    /// The catalogue key of the message.
    pub key: &'static str,
    /// Arguments for the message.
    pub args: Vec<(&'static str, String)>,
}

impl FieldError {
    /// A field error without arguments.
    pub fn new(field: impl Into<String>, key: &'static str) -> Self {
        Self {
            field: field.into(),
            key,
            args: vec![],
        }
    }

    /// Adds an argument to the message.
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }

    /// The message in `lang`.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        let args: Vec<(&str, String)> = self.args.iter().map(|(k, v)| (*k, v.clone())).collect();
        crate::i18n::message(lang, self.key, &args)
    }
}

/// Everything that can go wrong in a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input is well-formed but breaks a rule; every broken field is listed.
    #[error("invalid input: {0:?}")]
    Validation(Vec<FieldError>),
    /// The input could not be read at all (malformed JSON, unknown field, wrong type).
    #[error("bad request: {0:?}")]
    BadRequest(FieldError),
    /// No valid session or token.
    #[error("not signed in")]
    Unauthorized,
    /// Signed in, but the role or agency does not allow this.
    #[error("forbidden")]
    Forbidden,
    /// No such record.
    #[error("not found")]
    NotFound,
    /// The record clashes with an existing one (duplicate code, NIP…).
    #[error("conflict: {0:?}")]
    Conflict(FieldError),
    /// Too many attempts; try again later.
    #[error("too many attempts")]
    TooManyAttempts,
    /// The form's anti-forgery token was missing or wrong.
    #[error("CSRF token mismatch")]
    Csrf,
    /// A fault on our side; the detail goes to the log, not the user.
    #[error("internal error: {0}")]
    Internal(String),
    /// Every database connection is busy: a 503 with `Retry-After`, so a client waits and
    /// tries again instead of taking it for a fault (the detail goes to the log).
    #[error("busy: {0}")]
    Busy(String),
    /// A status the router, a layer or an extractor answers with (405, 413 for a body larger
    /// than the endpoint takes, a path that is not valid text…), rendered in the same error
    /// shape.
    #[error("HTTP {0}")]
    Status(StatusCode),
}

/// Shorthand for handler results.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// A single-field validation error.
    pub fn field(field: impl Into<String>, key: &'static str) -> Self {
        Self::Validation(vec![FieldError::new(field, key)])
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::Csrf => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Status(s) => *s,
        }
    }

    /// The stable machine-readable code of the JSON error shape.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation(_) => "invalid",
            Self::BadRequest(_) => "bad_request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::Csrf => "csrf",
            Self::NotFound => "not_found",
            Self::Conflict(_) => "conflict",
            Self::TooManyAttempts => "too_many_attempts",
            Self::Internal(_) => "internal",
            Self::Busy(_) => "unavailable",
            Self::Status(s) => match s.as_u16() {
                405 => "method_not_allowed",
                406 => "not_acceptable",
                413 => "too_large",
                414 => "uri_too_long",
                415 => "unsupported_media_type",
                404 => "not_found",
                s if s >= 500 => "internal",
                _ => "bad_request",
            },
        }
    }

    /// The field errors this error carries (empty for errors about the whole request).
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Self::Validation(v) => v,
            Self::BadRequest(f) | Self::Conflict(f) => std::slice::from_ref(f),
            _ => &[],
        }
    }

    /// The message for the user, in `lang`.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        let key = match self {
            Self::Validation(v) if v.len() == 1 => {
                return v.iter().map(|f| f.message(lang)).collect();
            }
            Self::Validation(_) => "error-invalid",
            Self::BadRequest(f) | Self::Conflict(f) => return f.message(lang),
            Self::Unauthorized => "error-unauthorized",
            Self::Forbidden => "error-forbidden",
            Self::Csrf => "error-csrf",
            Self::NotFound => "error-not-found",
            Self::TooManyAttempts => "error-too-many",
            Self::Internal(_) => "error-internal",
            Self::Busy(_) => "error-busy",
            Self::Status(s) => match s.as_u16() {
                405 => "error-method-not-allowed",
                413 => "error-too-large",
                404 => "error-page-not-found",
                415 => "error-json-content-type",
                s if s >= 500 => "error-internal",
                _ => "error-bad-request",
            },
        };
        crate::i18n::message(lang, key, &[])
    }
}

/// The error travels to the rendering middleware inside the response's extensions.
#[derive(Debug, Clone)]
pub struct ErrorPayload(pub std::sync::Arc<AppError>);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            Self::Internal(detail) => tracing::error!(%detail, "internal error"),
            Self::Busy(detail) => tracing::warn!(%detail, "busy"),
            _ => {}
        }
        let mut response = self.status().into_response();
        response
            .extensions_mut()
            .insert(ErrorPayload(std::sync::Arc::new(self)));
        response
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => Self::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                // Name the column where the backend tells us: PostgreSQL names the constraint
                // (`agencies_code_key`), SQLite the column (`agencies.code`).
                let text = format!(
                    "{} {}",
                    info.message(),
                    info.constraint_name().unwrap_or("")
                );
                let field = ["code", "nip", "nik", "login", "email"]
                    .into_iter()
                    .find(|f| text.contains(f))
                    .unwrap_or("id");
                Self::Conflict(FieldError::new(field, "error-duplicate"))
            }
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                Self::BadRequest(FieldError::new("reference", "error-reference"))
            }
            // SQLite's writer lock still held by another write after `busy_timeout`: the
            // system is busy, not broken.
            Error::DatabaseError(_, info) if info.message().contains("database is locked") => {
                Self::Busy(info.message().to_owned())
            }
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<db::DbError> for AppError {
    fn from(e: db::DbError) -> Self {
        match e {
            db::DbError::Pool(e) => e.into(),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<r2d2::Error> for AppError {
    /// The pool's only error is a checkout that waited its full timeout.
    fn from(e: r2d2::Error) -> Self {
        Self::Busy(format!("database pool: {e}"))
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        Self::Internal(format!("template: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locked_sqlite_database_is_busy_not_a_fault() {
        use diesel::result::{DatabaseErrorKind, Error};
        let locked = Error::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("database is locked".to_owned()),
        );
        assert_eq!(
            AppError::from(locked).status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }

    #[test]
    fn an_exhausted_pool_is_busy_not_a_fault() {
        let file = std::env::temp_dir().join(format!("simpul-busy-{}.db", std::process::id()));
        let manager = db::Manager::new(&format!("sqlite://{}", file.display())).unwrap();
        let pool = r2d2::Pool::builder()
            .max_size(1)
            .connection_timeout(std::time::Duration::from_millis(50))
            .build(manager)
            .unwrap();
        let _held = pool.get().unwrap();
        let Err(e) = pool.get() else {
            panic!("a second checkout of a one-connection pool must wait and fail");
        };
        let err = AppError::from(e);
        assert_eq!(
            (err.status(), err.code()),
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
        );
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
    }
}
