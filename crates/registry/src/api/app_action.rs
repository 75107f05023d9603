//! `POST /api/v1/applications/{id}/{action}`: a registration step — `submit` or `withdraw`
//! by the agency, `approve`, `return` or `reject` by the Dinas — with its note.

use axum::Json;
use axum::extract::{Path, State};
use kernel::extract::ApiJson;
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx, FieldError};
use serde::Deserialize;

use super::ApplicationRecord;
use crate::model::Action;
use crate::pages::app_form::find_for;
use crate::service;

/// The note of a step (required to return, reject or withdraw).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Reason or corrections asked for.
    #[serde(default)]
    pub note: String,
}

/// Takes a step.
#[utoipa::path(post, path = "/api/v1/applications/{id}/{action}", tag = "registry",
    params(("id" = String, Path), ("action" = String, Path, description = "submit, approve, return, reject or withdraw")),
    request_body = Step,
    responses((status = 200, body = ApplicationRecord), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    ApiJson(body): ApiJson<Step>,
) -> AppResult<Json<ApplicationRecord>> {
    let action = Action::parse(&action).ok_or_else(|| {
        AppError::BadRequest(
            FieldError::new("action", "error-choice")
                .arg("choices", <Action as kernel::ids::Choice>::names()),
        )
    })?;
    let app = find_for(&state, &ctx, &id, Access::Read).await?;
    let scope = if action.by_dinas() {
        Scope::Region
    } else {
        Scope::Agency(app.agency_id)
    };
    let actor = ctx
        .authorize(&crate::APPLICATIONS, Access::Write, scope)?
        .actor();
    let row = state
        .write(move |c| service::act(c, &actor, app.id, action, &body.note))
        .await?;
    Ok(Json(row.into()))
}
