//! `POST /lang`: switches the interface language (saved on the account when signed in).

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;

use kernel::context::LANG_COOKIE;
use kernel::extract::PageForm;
use kernel::i18n::Lang;
use kernel::{AppError, AppResult, AppState, Ctx};

use crate::store;

/// The submitted choice.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LangForm {
    /// `id` or `en`.
    pub lang: String,
    /// The page to return to.
    pub next: Option<String>,
}

/// Saves the choice and returns to the page.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(form): PageForm<LangForm>,
) -> AppResult<Response> {
    let lang = Lang::parse(&form.lang).ok_or_else(|| AppError::field("lang", "error-lang"))?;
    if let Some(p) = ctx.principal.clone() {
        // A preference, not an obligation record: saved without an audit event.
        state
            .read(move |conn| Ok(store::set_lang(conn, &p.user_id.to_string(), lang)?))
            .await?;
    }
    let cookie = Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::days(365))
        .build();
    let mut response =
        Redirect::to(&kernel::pages::safe_next(form.next.as_deref())).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}
