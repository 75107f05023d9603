//! `GET /registry/applications`: the applications a person may see, filtered, paged and
//! exportable as CSV.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use kernel::extract::Paging;
use kernel::layout::{Chrome, choices_of, render};
use kernel::{AppResult, AppState, Ctx};
use serde::Deserialize;

use crate::agencies;
use crate::model::{Lifecycle, Status};
use crate::store::{self, AppFilter, ApplicationRow};

#[derive(Template)]
#[template(path = "applications.html")]
struct AppList {
    chrome: Chrome,
    rows: Vec<(ApplicationRow, String)>,
    filter: AppFilter,
    agencies: Option<Vec<(String, String)>>,
    statuses: Vec<(String, String)>,
    lifecycles: Vec<(String, String)>,
    total: i64,
    page: i64,
    pages: i64,
    query: String,
    can_register: bool,
}

/// `?format=csv` or `xlsx` asks for the whole filtered list as a file (in the columns an import
/// reads back).
#[derive(Debug, Deserialize)]
pub struct Format {
    /// `csv` or nothing.
    pub format: Option<String>,
}

/// Lists applications.
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    paging: Paging,
    Query(filter): Query<AppFilter>,
    Query(format): Query<Format>,
) -> AppResult<Response> {
    let visible = ctx.visible(&crate::APPLICATIONS)?;
    let can_register = ctx.can_write_any(&crate::APPLICATIONS);
    if let Some(format) = format.format.as_deref() {
        let (f, v) = (filter.clone(), visible.clone());
        let rows = state
            .read(move |c| {
                let agency = agencies::filter(c, f.agency_id.as_deref(), f.agency_code.as_deref())?;
                let (rows, _) = store::app_list(c, &v, &f, agency, i64::MAX, 0)?;
                Ok(agencies::with_codes(c, rows, |r| r.agency_id)?)
            })
            .await?;
        return crate::inventory::export::download::<crate::inventory::entity::Applications>(
            format, &rows,
        );
    }
    let (f, v) = (filter.clone(), visible.clone());
    let (rows, total, agencies) = state
        .read(move |c| {
            let agency = agencies::filter(c, f.agency_id.as_deref(), f.agency_code.as_deref())?;
            let (rows, total) =
                store::app_list(c, &v, &f, agency, paging.per_page, paging.offset())?;
            let rows = agencies::with_codes(c, rows, |r| r.agency_id)?;
            // A national register has thousands of agencies: then the filter takes a code.
            let picker = agencies::picker(c, &v)?;
            Ok((rows, total, picker))
        })
        .await?;
    let query = serde_urlencoded::to_string([
        ("q", filter.q.clone().unwrap_or_default()),
        ("agency_id", filter.agency_id.clone().unwrap_or_default()),
        (
            "agency_code",
            filter.agency_code.clone().unwrap_or_default(),
        ),
        ("status", filter.status.clone().unwrap_or_default()),
        ("lifecycle", filter.lifecycle.clone().unwrap_or_default()),
    ])
    .unwrap_or_default();
    let tr = ctx.tr();

    let page = AppList {
        chrome: Chrome::new(&state, &ctx, "apps-title"),
        rows,
        filter,
        agencies,
        statuses: choices_of::<Status>(tr, "app-status-"),
        lifecycles: choices_of::<Lifecycle>(tr, "app-lifecycle-"),
        total,
        page: paging.page,
        pages: paging.pages(total),
        query,
        can_register,
    };
    Ok(render(&page)?.into_response())
}
