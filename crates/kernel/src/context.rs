//! The per-request context: who is asking (session cookie or bearer token), in which
//! language, and the anti-forgery token their forms must echo. Resolved once per request by
//! [`crate::middleware`] and read by handlers through the [`Ctx`] extractor.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Tr};
use crate::ids::AgencyId;
use crate::permissions::{self, Access, Capability, Scope, Visible};
use crate::principal::{Principal, Via};

/// Cookie holding the session secret.
pub const SESSION_COOKIE: &str = "simpul_session";
/// Cookie holding the anti-forgery token of a visitor who has not signed in yet.
pub const CSRF_COOKIE: &str = "simpul_csrf";
/// Cookie holding a visitor's chosen language.
pub const LANG_COOKIE: &str = "simpul_lang";
/// Form field carrying the anti-forgery token.
pub const CSRF_FIELD: &str = "_csrf";
/// Header carrying the anti-forgery token for scripts using the session cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// What every handler knows about the request.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The signed-in account, if any.
    pub principal: Option<Arc<Principal>>,
    /// The language to answer in.
    pub lang: Lang,
    /// The token forms must carry.
    pub csrf: String,
    /// The request path (for navigation and `next=` links).
    pub path: String,
    /// The region's time zone, for the times pages show.
    pub zone: crate::time::Zone,
    /// The page was reached by the redirect after a form was saved (`?saved=1`): it opens
    /// with a confirmation.
    pub saved: bool,
}

impl Ctx {
    /// A translator in the request's language.
    pub fn tr(&self) -> Tr {
        Tr::in_zone(self.lang, self.zone)
    }

    /// The signed-in account, or 401.
    pub fn require(&self) -> AppResult<&Principal> {
        self.principal.as_deref().ok_or(AppError::Unauthorized)
    }

    /// 401 when not signed in, 403 when the roles do not allow `access` to `scope` of `cap`.
    pub fn authorize(
        &self,
        cap: &Capability,
        access: Access,
        scope: Scope,
    ) -> AppResult<&Principal> {
        let p = self.require()?;
        if permissions::allows(&p.grants, cap, access, scope) {
            Ok(p)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Before creating a `cap` record for the agency a form or body names (as text): a named
    /// agency must be one the caller writes for (403, whether or not it exists); a blank or
    /// malformed one is the validation's to report, to someone who writes `cap` somewhere.
    pub fn authorize_new(&self, cap: &Capability, agency: &str) -> AppResult<&Principal> {
        match AgencyId::parse(agency) {
            Some(a) => self.authorize(cap, Access::Write, Scope::Agency(a)),
            None if self.can_write_any(cap) => self.require(),
            None => Err(self.require().err().unwrap_or(AppError::Forbidden)),
        }
    }

    /// Whether the roles allow it (for showing or hiding buttons).
    pub fn can(&self, cap: &Capability, access: Access, scope: Scope) -> bool {
        self.principal
            .as_deref()
            .is_some_and(|p| permissions::allows(&p.grants, cap, access, scope))
    }

    /// Whether the roles allow writing `cap` in some agency or region-wide (to offer "add").
    pub fn can_write_any(&self, cap: &Capability) -> bool {
        self.principal.as_deref().is_some_and(|p| {
            permissions::allows(&p.grants, cap, Access::Write, Scope::Region)
                || p.grants
                    .iter()
                    .filter_map(|g| g.agency)
                    .any(|a| permissions::allows(&p.grants, cap, Access::Write, Scope::Agency(a)))
        })
    }

    /// The agencies whose records of `cap` this request may list (401 when not signed in).
    pub fn visible(&self, cap: &Capability) -> AppResult<Visible> {
        Ok(permissions::visible_agencies(&self.require()?.grants, cap))
    }

    /// The record of `agency` if this request may have `access` to it: 404 when it may not even
    /// read it (someone outside an agency never learns what it holds), 403 when it may read
    /// but not write.
    pub fn authorize_record(
        &self,
        cap: &Capability,
        access: Access,
        agency: AgencyId,
    ) -> AppResult<&Principal> {
        let p = self.require()?;
        if !permissions::allows(&p.grants, cap, Access::Read, Scope::Agency(agency)) {
            return Err(AppError::NotFound);
        }
        self.authorize(cap, access, Scope::Agency(agency))
    }

    /// Whether the browser session passed a second factor.
    pub fn session_mfa(&self) -> bool {
        matches!(
            self.principal.as_deref().map(|p| &p.via),
            Some(Via::Session { mfa: true, .. })
        )
    }

    /// The session id, when signed in through the browser.
    pub fn session_id(&self) -> Option<&str> {
        match self.principal.as_deref().map(|p| &p.via) {
            Some(Via::Session { session_id, .. }) => Some(session_id),
            _ => None,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::Internal("request context middleware is not installed".into()))
    }
}

/// A `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie() -> Option<axum::http::HeaderValue> {
    let gone = cookie::Cookie::build((SESSION_COOKIE, ""))
        .path("/")
        .max_age(cookie::time::Duration::ZERO)
        .build();
    axum::http::HeaderValue::from_str(&gone.to_string()).ok()
}

/// A `Set-Cookie` value that starts a browser session (HttpOnly, SameSite=Lax, Secure on https).
pub fn session_cookie(secret: &str, secure: bool) -> Option<axum::http::HeaderValue> {
    let c = cookie::Cookie::build((SESSION_COOKIE, secret.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(secure)
        .build();
    axum::http::HeaderValue::from_str(&c.to_string()).ok()
}
