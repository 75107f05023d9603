//! `GET /agencies`: the agency list, filtered, sorted, paged, exportable as CSV.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use kernel::extract::Paging;
use kernel::layout::{Chrome, render};
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};
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
    ctx.authorize(Access::Read, Scope::Region)?;
    if format.format.as_deref() == Some("csv") {
        let f = filter.clone();
        let (rows, _) = state
            .read(move |c| Ok(store::agency_list(c, &f, i64::MAX, 0)?))
            .await?;
        return csv_response(&rows);
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
        can_write: ctx.can(Access::Write, Scope::Region),
    };
    Ok(render(&page)?.into_response())
}

fn csv_response(rows: &[AgencyRow]) -> AppResult<Response> {
    let mut w = csv::Writer::from_writer(vec![]);
    let internal = |e: csv::Error| AppError::Internal(e.to_string());
    w.write_record(crate::import::AGENCY_COLUMNS)
        .map_err(internal)?;
    for r in rows {
        let dinas = if r.is_dinas { "1" } else { "0" };
        w.write_record([
            r.name.as_str(),
            &r.code,
            &r.kind,
            dinas,
            r.egov_unit.as_deref().unwrap_or(""),
        ])
        .map_err(internal)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"agencies.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}
