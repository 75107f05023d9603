//! Consent for applications outside the government: before such an application receives a
//! person's data for the first time (or asks for more), the person sees what it asks and
//! allows or refuses. `POST /consent` is an ordinary page form, so the central anti-forgery
//! check guards it (the `/oauth2/` paths are exempt from it).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::audit::{self, Change};
use kernel::extract::PageForm;
use kernel::layout::{Chrome, render};
use kernel::{AppResult, AppState, Ctx};
use serde::Deserialize;

use crate::model;
use crate::oauth::authorize::{checked_client, fail_to};
use crate::store::{self, ClientRow};

#[derive(Template)]
#[template(path = "consent.html")]
struct ConsentPage {
    chrome: Chrome,
    client: ClientRow,
    /// What each asked scope releases, translated.
    scopes: Vec<String>,
    query: String,
}

/// Asks the person (rendered by the authorization endpoint).
pub fn page(
    state: &AppState,
    ctx: &Ctx,
    client: &ClientRow,
    scope: &str,
    query: &str,
) -> AppResult<Response> {
    let tr = ctx.tr();
    let page = ConsentPage {
        chrome: Chrome::new(state, ctx, "consent-title"),
        client: client.clone(),
        scopes: scope
            .split_whitespace()
            .map(|s| tr.tp("consent-scope-", s.replace('.', "-")))
            .collect(),
        query: query.to_owned(),
    };
    Ok(render(&page)?.into_response())
}

/// The person's answer, with the original authorization request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The authorization request's query, as received.
    query: String,
    /// `allow` or `deny`.
    decision: String,
}

/// Records the answer: allowing goes back to the authorization request, which now proceeds;
/// refusing sends the application `access_denied`.
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(form): PageForm<Answer>,
) -> AppResult<Response> {
    let person = ctx.require()?.clone();
    let p = crate::service::page_params(&form.query)?;
    let (client, redirect_uri) = checked_client(&state, &p).await?;
    let scope = model::granted_scope(
        p.get("scope").map(String::as_str).unwrap_or(""),
        client.api_access,
    );
    let allow = form.decision == "allow";
    let uid = person.user_id.to_string();
    let client_id = client.id.clone();
    let granted = scope.clone();
    state
        .write(move |c| {
            if allow {
                store::save_consent(c, &uid, &client_id, &granted)?;
            }
            let change = Change {
                action: if allow {
                    "sso.consent"
                } else {
                    "sso.consent_denied"
                },
                record_type: "sso_client",
                record_id: client_id.to_string(),
                agency: None,
                summary: serde_json::json!({"scope": granted}),
            };
            audit::record(c, &person.actor(), change)?;
            Ok(())
        })
        .await?;
    if allow {
        return Ok(Redirect::to(&format!("/oauth2/authorize?{}", form.query)).into_response());
    }
    let st = p.get("state").map(String::as_str).unwrap_or("");
    let iss = crate::oauth::issuer(&state);
    Ok(fail_to(
        &redirect_uri,
        st,
        &iss,
        "access_denied",
        "the person refused",
    ))
}
