//! `GET /`: the home page — other contexts' panels first (an agency's open findings), then
//! agencies and people, with people per agency as a chart.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use kernel::layout::{Chrome, render};
use kernel::permissions::{Access, Scope};
use kernel::{AppResult, AppState, Ctx};

use crate::store::{self, RegionRow};

struct Row {
    id: String,
    code: String,
    name: String,
    is_dinas: bool,
    people: i64,
    bar: i64,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    chrome: Chrome,
    region: Option<RegionRow>,
    agency_count: usize,
    people_count: i64,
    rows: Vec<Row>,
    chart_height: usize,
    panels: Vec<String>,
}

/// Shows the dashboard.
pub async fn handler(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.authorize(&crate::AGENCIES, Access::Read, Scope::Region)?;
    let (region, agencies, counts) = state
        .read(|c| {
            Ok((
                store::region_get(c)?,
                store::agency_all(c)?,
                store::people_per_agency(c)?,
            ))
        })
        .await?;
    let counts: HashMap<kernel::ids::AgencyId, i64> = counts.into_iter().collect();
    let max = counts.values().copied().max().unwrap_or(0).max(1);
    let mut rows: Vec<Row> = agencies
        .into_iter()
        .map(|a| {
            let people = counts.get(&a.id).copied().unwrap_or(0);
            Row {
                bar: people * 180 / max,
                id: a.id.to_string(),
                code: a.code,
                name: a.name,
                is_dinas: a.is_dinas,
                people,
            }
        })
        .collect();
    rows.sort_by(|a, b| b.people.cmp(&a.people).then_with(|| a.code.cmp(&b.code)));
    let panels = state
        .modules
        .panels(&state, &ctx, kernel::module::Place::Home)
        .await?;
    let page = Dashboard {
        panels,
        chrome: Chrome::new(&state, &ctx, "dashboard-title"),
        region,
        agency_count: rows.len(),
        people_count: counts.values().sum(),
        chart_height: rows.len() * 26 + 8,
        rows,
    };
    Ok(render(&page)?.into_response())
}
