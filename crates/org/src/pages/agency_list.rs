//! `GET /agencies`: the agency list, filtered, sorted, paged, exportable as CSV.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use kernel::extract::Paging;
use kernel::layout::{Chrome, render};
use kernel::permissions::{Access, Scope};
use kernel::{AppResult, AppState, Ctx};
use serde::Deserialize;

use crate::store::{self, AgencyFilter, AgencyRow};

#[derive(Template)]
#[template(path = "agencies.html")]
struct AgencyList {
    chrome: Chrome,
    rows: Vec<AgencyRow>,
    filter: AgencyFilter,
    kinds: Vec<(String, String)>,
    total: i64,
    page: i64,
    pages: i64,
    query: String,
    can_write: bool,
}

/// `?format=csv` asks for the whole filtered list as a file.
#[derive(Debug, Deserialize)]
pub struct Format {
    /// `csv` or nothing.
    pub format: Option<String>,
}

/// Lists agencies.
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    paging: Paging,
    Query(filter): Query<AgencyFilter>,
    Query(format): Query<Format>,
) -> AppResult<Response> {
    ctx.authorize(&crate::AGENCIES, Access::Read, Scope::Region)?;
    if let Some(format) = format.format.clone() {
        let f = filter.clone();
        let (rows, _) = state
            .read(move |c| Ok(store::agency_list(c, &f, i64::MAX, 0)?))
            .await?;
        return file_response(&format, &rows);
    }
    let f = filter.clone();
    let (rows, total) = state
        .read(move |c| Ok(store::agency_list(c, &f, paging.per_page, paging.offset())?))
        .await?;
    let query = serde_urlencoded::to_string([
        ("q", filter.q.clone().unwrap_or_default()),
        ("kind", filter.kind.clone().unwrap_or_default()),
        ("sort", filter.sort.clone().unwrap_or_default()),
    ])
    .unwrap_or_default();
    let page = AgencyList {
        kinds: super::agency_kinds(ctx.tr()),
        chrome: Chrome::new(&state, &ctx, "agencies-title"),
        rows,
        filter,
        total,
        page: paging.page,
        pages: paging.pages(total),
        query,
        can_write: ctx.can(&crate::AGENCIES, Access::Write, Scope::Region),
    };
    Ok(render(&page)?.into_response())
}

fn file_response(format: &str, rows: &[AgencyRow]) -> AppResult<Response> {
    let lines = rows.iter().map(|r| {
        let dinas = if r.is_dinas { "1" } else { "0" };
        vec![
            r.name.as_str(),
            &r.code,
            r.kind.as_str(),
            dinas,
            r.egov_unit.as_deref().unwrap_or(""),
        ]
    });
    kernel::export::download(format, "agencies", &crate::import::AGENCY_COLUMNS, lines)
}
