//! `GET /compliance`: findings of every rule in the region's pack, each citing the region's
//! own regulation. The Dinas sees every agency ranked by score (a chart and a table) and can
//! narrow to one; an agency sees its own score and open findings.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use kernel::compliance::Within;
use kernel::layout::{Chrome, render};
use kernel::permissions::Visible;
use kernel::{AppResult, AppState, Ctx};
use serde::Deserialize;

use crate::findings::{self, FindingView, ScoreView};

/// A bar of the chart.
struct Bar {
    code: String,
    score: u32,
    width: u32,
    colour: &'static str,
}

#[derive(Template)]
#[template(path = "compliance.html")]
struct CompliancePage {
    chrome: Chrome,
    region_wide: bool,
    scores: Vec<ScoreView>,
    bars: Vec<Bar>,
    chart_height: usize,
    findings: Vec<FindingView>,
    total_findings: usize,
    more_agencies: usize,
    agency: String,
    query: String,
}

/// Most findings listed on the page (a national register can have hundreds of thousands; the
/// CSV download has them all).
const SHOWN_FINDINGS: usize = 500;
/// Most agencies in the chart and table (the worst first).
const SHOWN_AGENCIES: usize = 40;

/// `?agency_id=` narrows the Dinas's view to one agency.
#[derive(Debug, Deserialize)]
pub struct Narrow {
    /// Agency.
    pub agency_id: Option<String>,
    /// `csv` or `xlsx`: every finding as a file.
    pub format: Option<String>,
}

/// Shows findings and scores.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Narrow>,
) -> AppResult<Response> {
    let visible = ctx.visible(&crate::FINDINGS)?;
    let agency = q.agency_id.unwrap_or_default();
    let narrow = Some(agency.as_str()).filter(|a| !a.is_empty());
    let (mut found, scores) = match (&visible, narrow) {
        // The Dinas narrowed to one agency: that agency's findings, beside the region's
        // ranking (scores alone, without the region's findings).
        (Visible::All, Some(_)) => {
            let (found, _) = findings::for_reader(&state, &ctx, narrow).await?;
            (found, findings::scores(&state, Within::Region).await?)
        }
        _ => findings::for_reader(&state, &ctx, narrow).await?,
    };
    if let Some(format) = q.format.as_deref() {
        let lines = found.iter().map(|f| {
            vec![
                f.agency_code.clone().unwrap_or_default(),
                f.rule.clone(),
                f.statement.clone(),
                f.citation.clone(),
                f.record_type.clone(),
                f.label.clone(),
                f.record_id.clone(),
            ]
        });
        let columns = [
            "agency_code",
            "rule",
            "statement",
            "citation",
            "record_type",
            "record",
            "record_id",
        ];
        return kernel::export::download(format, "temuan-kepatuhan", &columns, lines);
    }
    let total_findings = found.len();
    found.truncate(SHOWN_FINDINGS);
    let more_agencies = scores.len().saturating_sub(SHOWN_AGENCIES);
    let mut scores = scores;
    scores.truncate(SHOWN_AGENCIES);
    let query = serde_urlencoded::to_string([("agency_id", agency.as_str())]).unwrap_or_default();
    let bars: Vec<Bar> = scores
        .iter()
        .map(|s| Bar {
            code: s.code.clone(),
            score: s.score,
            width: s.score * 5,
            colour: match s.score {
                90.. => "#00703c",
                70..=89 => "#f47738",
                _ => "#d4351c",
            },
        })
        .collect();
    let page = CompliancePage {
        chrome: Chrome::new(&state, &ctx, "compliance-title"),
        region_wide: visible == Visible::All,
        chart_height: bars.len() * 24 + 8,
        bars,
        scores,
        findings: found,
        total_findings,
        more_agencies,
        agency,
        query,
    };
    Ok(render(&page)?.into_response())
}
