//! `GET /api/v1/people`: the people the caller may see (their own agency, or all for the Dinas
//! and read-only roles).

use axum::Json;
use axum::extract::{RawQuery, State};
use kernel::listing::Page;
use kernel::{AppResult, AppState, Ctx};

use super::Person;
use crate::pages::person_list::LIST;
use crate::store;

/// Lists people.
#[utoipa::path(get, path = "/api/v1/people", tag = "organisation",
    params(("q" = Option<String>, Query, description = "name, NIP or position contains"),
           ("agency" = Option<String>, Query, description = "agency id"), ("kind" = Option<String>, Query),
           ("sort" = Option<String>, Query, description = "name, or -name for descending"),
           ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = Page<Person>), (status = 400), (status = 401)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<Page<Person>>> {
    let visible = ctx.visible(&crate::PEOPLE)?;
    let q = LIST.read_api(raw.as_deref())?;
    let query = q.clone();
    let (rows, total) = state
        .read(move |c| Ok(store::person_list(c, &visible, &query)?))
        .await?;
    Ok(LIST.json(&q, rows.into_iter().map(Person::from).collect(), total))
}
