//! `GET /api/v1/agencies`: the agencies of the region, filtered and paged.

use axum::Json;
use axum::extract::{Query, State};
use kernel::extract::Paging;
use kernel::permissions::{Access, Scope};
use kernel::{AppResult, AppState, Ctx};

use super::{Agency, AgencyPage};
use crate::store::{self, AgencyFilter};

/// Lists agencies.
#[utoipa::path(get, path = "/api/v1/agencies", tag = "organisation",
    params(("q" = Option<String>, Query, description = "name or code contains"),
           ("kind" = Option<String>, Query), ("sort" = Option<String>, Query, description = "name or code"),
           ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = AgencyPage), (status = 401)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    paging: Paging,
    Query(filter): Query<AgencyFilter>,
) -> AppResult<Json<AgencyPage>> {
    ctx.authorize(&crate::AGENCIES, Access::Read, Scope::Region)?;
    let (rows, total) = state
        .read(move |c| {
            Ok(store::agency_list(
                c,
                &filter,
                paging.per_page,
                paging.offset(),
            )?)
        })
        .await?;
    Ok(Json(AgencyPage {
        items: rows.into_iter().map(Agency::from).collect(),
        total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}
