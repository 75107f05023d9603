//! `POST /sign-out`: ends the browser session.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::Cookie;

use crate::audit::{self, Change};
use crate::auth;
use crate::context::{Ctx, SESSION_COOKIE};
use crate::error::AppResult;
use crate::state::AppState;

/// Ends the session, records it, clears the cookie.
pub async fn submit(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    if let (Some(p), Some(sid)) = (ctx.principal.clone(), ctx.session_id().map(str::to_owned)) {
        state
            .write(move |conn| {
                auth::end_session(conn, &sid)?;
                let change = Change {
                    action: "auth.sign_out",
                    record_type: "user",
                    record_id: p.user_id.to_string(),
                    agency: None,
                    summary: serde_json::json!({}),
                };
                audit::record(conn, &p.actor(), change)?;
                Ok(())
            })
            .await?;
    }
    let mut response = Redirect::to("/sign-in").into_response();
    let gone = Cookie::build((SESSION_COOKIE, ""))
        .path("/")
        .max_age(time_zero())
        .build();
    if let Ok(v) = HeaderValue::from_str(&gone.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

fn time_zero() -> cookie::time::Duration {
    cookie::time::Duration::ZERO
}
