//! `GET /api/v1/applications/{id}`: one application with its documents and history.

use axum::Json;
use axum::extract::{Path, State};
use kernel::ids::AgencyId;
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};

use super::ApplicationDetail;
use crate::{rules, store};

/// Shows an application (404 for one the caller may not read).
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "registry", params(("id" = String, Path)),
    responses((status = 200, body = ApplicationDetail), (status = 401), (status = 404)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<ApplicationDetail>> {
    ctx.require()?;
    let (app, documents, history) = state
        .read(move |c| {
            let app = store::app_find(c, &id)?.ok_or(AppError::NotFound)?;
            Ok((app, store::docs_of(c, &id)?, store::events(c, &id)?))
        })
        .await?;
    let agency = AgencyId::parse(&app.agency_id).ok_or(AppError::NotFound)?;
    if !ctx.can(&crate::APPLICATIONS, Access::Read, Scope::Agency(agency)) {
        return Err(AppError::NotFound);
    }
    let kinds = documents.iter().map(|d| d.kind.clone()).collect();
    let documents_missing = rules::missing_documents(&app.kind, &kinds)
        .into_iter()
        .map(str::to_owned)
        .collect();
    Ok(Json(ApplicationDetail {
        application: app,
        documents,
        documents_missing,
        history,
    }))
}
