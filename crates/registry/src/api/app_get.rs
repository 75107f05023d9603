//! `GET /api/v1/applications/{id}`: one application with its documents and history.

use axum::Json;
use axum::extract::{Path, State};
use kernel::permissions::Access;
use kernel::{AppResult, AppState, Ctx};

use super::ApplicationDetail;
use crate::pages::app_form::find_for;
use crate::{rules, store};

/// Shows an application (404 for one the caller may not read).
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "registry", params(("id" = String, Path)),
    responses((status = 200, body = ApplicationDetail), (status = 401), (status = 404)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<ApplicationDetail>> {
    let app = find_for(&state, &ctx, &id, Access::Read).await?;
    let lookup = app.id;
    let (documents, history) = state
        .read(move |c| Ok((store::docs_of(c, lookup)?, store::events(c, lookup)?)))
        .await?;
    let kinds = documents.iter().map(|d| d.kind).collect();
    let documents_missing = rules::missing_documents(app.kind, &kinds);
    Ok(Json(ApplicationDetail {
        application: app.into(),
        documents: documents.into_iter().map(Into::into).collect(),
        documents_missing,
        history: history.into_iter().map(Into::into).collect(),
    }))
}
