//! `GET /api/v1/agencies`: the agencies of the region, filtered, sorted and paged.

use axum::Json;
use axum::extract::{RawQuery, State};
use kernel::listing::Page;
use kernel::permissions::{Access, Scope};
use kernel::{AppResult, AppState, Ctx};

use super::Agency;
use crate::pages::agency_list::LIST;
use crate::store;

/// Lists agencies.
#[utoipa::path(get, path = "/api/v1/agencies", tag = "organisation",
    params(("q" = Option<String>, Query, description = "name or code contains"),
           ("kind" = Option<String>, Query), ("sort" = Option<String>, Query, description = "name or code; -name or -code for descending"),
           ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = Page<Agency>), (status = 400), (status = 401)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<Page<Agency>>> {
    ctx.authorize(&crate::AGENCIES, Access::Read, Scope::Region)?;
    let q = LIST.read_api(raw.as_deref())?;
    let query = q.clone();
    let (rows, total) = state
        .read(move |c| Ok(store::agency_list(c, &query)?))
        .await?;
    Ok(LIST.json(&q, rows.into_iter().map(Agency::from).collect(), total))
}
