//! `GET /account/applications` and `POST /account/applications/disconnect`: the applications
//! a person has signed in to, and cutting one off (its tokens for that person end at once).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDateTime;
use kernel::audit::{self, Change};
use kernel::extract::PageForm;
use kernel::layout::{Chrome, render};
use kernel::{AppError, AppResult, AppState, Ctx};
use serde::Deserialize;

use crate::store;

#[derive(Template)]
#[template(path = "connected.html")]
struct Connected {
    chrome: Chrome,
    apps: Vec<(String, String, NaiveDateTime)>,
}

/// Lists the person's connected applications.
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let uid = ctx.require()?.user_id.to_string();
    let apps = state.read(move |c| Ok(store::connected(c, &uid)?)).await?;
    Ok(render(&Connected {
        chrome: Chrome::new(&state, &ctx, "sso-connected-title"),
        apps,
    })?
    .into_response())
}

/// The application to disconnect.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disconnect {
    client_id: String,
}

/// Revokes every token the application holds for the person.
pub async fn disconnect(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(form): PageForm<Disconnect>,
) -> AppResult<Response> {
    let p = ctx.require()?.clone();
    state
        .write(move |c| {
            let uid = p.user_id.to_string();
            let n = store::revoke_user_client(c, &uid, &form.client_id)?;
            let consents = store::forget_consent(c, &uid, &form.client_id)?;
            if n == 0 && consents == 0 {
                return Err(AppError::NotFound);
            }
            let change = Change {
                action: "sso.token_revoke",
                record_type: "sso_client",
                record_id: form.client_id.clone(),
                agency: None,
                summary: serde_json::json!({"by": "owner", "tokens_revoked": n}),
            };
            audit::record(c, &p.actor(), change)?;
            Ok(())
        })
        .await?;
    Ok(Redirect::to("/account/applications?saved=1").into_response())
}
