//! `GET /api/v1/applications`: the applications the caller may see, filtered and paged.

use axum::Json;
use axum::extract::{Query, State};
use kernel::extract::Paging;
use kernel::{AppResult, AppState, Ctx};

use super::ApplicationPage;
use crate::store::{self, AppFilter};

/// Lists applications.
#[utoipa::path(get, path = "/api/v1/applications", tag = "registry",
    params(("q" = Option<String>, Query, description = "name contains"), ("agency_id" = Option<String>, Query), ("agency_code" = Option<String>, Query),
           ("status" = Option<String>, Query), ("lifecycle" = Option<String>, Query),
           ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = ApplicationPage), (status = 401)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    paging: Paging,
    Query(filter): Query<AppFilter>,
) -> AppResult<Json<ApplicationPage>> {
    let visible = ctx.visible(&crate::APPLICATIONS)?;
    let (rows, total) = state
        .read(move |c| {
            let agency = crate::agencies::filter(
                c,
                filter.agency_id.as_deref(),
                filter.agency_code.as_deref(),
            )?;
            Ok(store::app_list(
                c,
                &visible,
                &filter,
                agency,
                paging.per_page,
                paging.offset(),
            )?)
        })
        .await?;
    Ok(Json(ApplicationPage {
        items: rows.into_iter().map(Into::into).collect(),
        total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}
