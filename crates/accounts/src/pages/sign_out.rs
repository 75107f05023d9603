//! `POST /sign-out`: ends the browser session.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};

use kernel::audit::{self, Change};
use kernel::{AppResult, AppState, Ctx};

/// Ends the session, records it, clears the cookie.
pub async fn submit(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    if let (Some(p), Some(sid)) = (ctx.principal.clone(), ctx.session_id().map(str::to_owned)) {
        let modules = state.modules.clone();
        state
            .write(move |conn| {
                crate::end_session(conn, &modules, &sid)?;
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
    if let Some(v) = kernel::context::clear_session_cookie() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}
