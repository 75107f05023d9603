//! `GET /api/v1/applications`: the applications the caller may see, filtered and paged.

use axum::Json;
use axum::extract::{RawQuery, State};
use kernel::listing::Page;
use kernel::{AppResult, AppState, Ctx};

use crate::api::ApplicationRecord;
use crate::pages::app_list::LIST;
use crate::store;

/// Lists applications.
#[utoipa::path(get, path = "/api/v1/applications", tag = "registry",
    params(("q" = Option<String>, Query, description = "name contains"), ("agency_id" = Option<String>, Query), ("agency_code" = Option<String>, Query),
           ("status" = Option<String>, Query), ("lifecycle" = Option<String>, Query),
           ("sort" = Option<String>, Query, description = "name, or -name for descending"),
           ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = Page<ApplicationRecord>), (status = 400), (status = 401)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<Page<ApplicationRecord>>> {
    let visible = ctx.visible(&crate::APPLICATIONS)?;
    let q = LIST.read_api(raw.as_deref())?;
    let query = q.clone();
    let (rows, total) = state
        .read(move |c| {
            let agency = org::directory::filter(c, &query)?;
            Ok(store::app_list(c, &visible, &query, agency)?)
        })
        .await?;
    Ok(LIST.json(&q, rows.into_iter().map(Into::into).collect(), total))
}
