//! `GET /registry/applications`: the applications a person may see, filtered, paged and
//! exportable as CSV.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use kernel::extract::Paging;
use kernel::layout::{Chrome, choices, render};
use kernel::{AppResult, AppState, Ctx};
use serde::Deserialize;

use crate::model::{LIFECYCLE, Status};
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

/// Most agencies listed in the filter's picker.
const PICKER_MAX: i64 = 300;

/// `?format=csv` asks for the whole filtered list as a file.
#[derive(Debug, Deserialize)]
pub struct Format {
    /// `csv` or nothing.
    pub format: Option<String>,
}

/// The CSV columns of the export.
pub const CSV_COLUMNS: [&str; 14] = [
    "agency_code",
    "name",
    "kind",
    "status",
    "lifecycle",
    "funding_source",
    "funding_amount",
    "open_source",
    "licence",
    "web_based",
    "production_url",
    "hosting",
    "security_level",
    "id",
];

/// Lists applications.
pub async fn handler(
    State(state): State<AppState>,
    ctx: Ctx,
    paging: Paging,
    Query(filter): Query<AppFilter>,
    Query(format): Query<Format>,
) -> AppResult<Response> {
    let visible = ctx.visible()?;
    let p = ctx.require()?;
    let can_register = p.grants.iter().any(|g| {
        g.agency.is_some_and(|a| {
            kernel::permissions::allows(
                &p.grants,
                kernel::permissions::Access::Write,
                kernel::permissions::Scope::Agency(a),
            )
        })
    }) || ctx.can(
        kernel::permissions::Access::Write,
        kernel::permissions::Scope::Region,
    );
    if format.format.as_deref() == Some("csv") {
        let (f, v) = (filter.clone(), visible.clone());
        let (rows, _) = state
            .read(move |c| Ok(store::app_list(c, &v, &f, i64::MAX, 0)?))
            .await?;
        let lines = rows.iter().map(|(a, code)| {
            let yes = |b: bool| if b { "1".to_owned() } else { "0".to_owned() };
            vec![
                code.clone(),
                a.name.clone(),
                a.kind.clone(),
                a.status.clone(),
                a.lifecycle.clone(),
                a.funding_source.clone(),
                a.funding_amount.map(|n| n.to_string()).unwrap_or_default(),
                yes(a.open_source),
                a.licence.clone().unwrap_or_default(),
                yes(a.web_based),
                a.production_url.clone().unwrap_or_default(),
                a.hosting.clone(),
                a.security_level.clone(),
                a.id.clone(),
            ]
        });
        return kernel::export::csv_download("applications.csv", &CSV_COLUMNS, lines);
    }
    let (f, v) = (filter.clone(), visible.clone());
    let (rows, total, agencies) = state
        .read(move |c| {
            let (rows, total) = store::app_list(c, &v, &f, paging.per_page, paging.offset())?;
            // A national register has thousands of agencies: then the filter takes a code.
            let agencies = if org::store::agency_count(c)? > PICKER_MAX {
                None
            } else {
                Some(
                    org::store::agency_all(c)?
                        .into_iter()
                        .filter(|a| match &v {
                            kernel::permissions::Visible::All => true,
                            kernel::permissions::Visible::Only(ids) => {
                                ids.iter().any(|i| i.to_string() == a.id)
                            }
                        })
                        .map(|a| (a.id, format!("{} — {}", a.code, a.name)))
                        .collect::<Vec<_>>(),
                )
            };
            Ok((rows, total, agencies))
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
    let statuses: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
    let page = AppList {
        chrome: Chrome::new(&state, &ctx, "apps-title"),
        rows,
        filter,
        agencies,
        statuses: choices(tr, "app-status-", &statuses),
        lifecycles: choices(tr, "app-lifecycle-", &LIFECYCLE),
        total,
        page: paging.page,
        pages: paging.pages(total),
        query,
        can_register,
    };
    Ok(render(&page)?.into_response())
}
