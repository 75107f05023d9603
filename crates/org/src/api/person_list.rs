//! `GET /api/v1/people`: the people the caller may see (their own agency, or all for the Dinas
//! and read-only roles).

use axum::Json;
use axum::extract::{Query, State};
use kernel::extract::Paging;
use kernel::{AppResult, AppState, Ctx};

use super::{Person, PersonPage};
use crate::store::{self, PersonFilter};

/// Lists people.
#[utoipa::path(get, path = "/api/v1/people", tag = "organisation",
    params(("q" = Option<String>, Query, description = "name, NIP or position contains"),
           ("agency" = Option<String>, Query, description = "agency id"), ("kind" = Option<String>, Query),
           ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = PersonPage), (status = 401)))]
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    paging: Paging,
    Query(filter): Query<PersonFilter>,
) -> AppResult<Json<PersonPage>> {
    let visible = ctx.visible(&crate::PEOPLE)?;
    let (rows, total) = state
        .read(move |c| {
            Ok(store::person_list(
                c,
                &visible,
                &filter,
                paging.per_page,
                paging.offset(),
            )?)
        })
        .await?;
    Ok(Json(PersonPage {
        items: rows.into_iter().map(Person::from).collect(),
        total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}
