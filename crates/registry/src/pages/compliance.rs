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
    agency: String,
}

/// `?agency_id=` narrows the Dinas's view to one agency.
#[derive(Debug, Deserialize)]
pub struct Narrow {
    /// Agency.
    pub agency_id: Option<String>,
}

/// Shows findings and scores.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Narrow>,
) -> AppResult<Response> {
    let visible = ctx.visible()?;
    let tr = ctx.tr();
    let (mut found, scores) = match &visible {
        Visible::All => findings::evaluate(&state, Within::Region, tr).await?,
        Visible::Only(ids) => {
            let (mut f, mut s) = (vec![], vec![]);
            for id in ids {
                let (ff, ss) =
                    findings::evaluate(&state, Within::Agency(id.to_string()), tr).await?;
                f.extend(ff);
                s.extend(ss.into_iter().filter(|x| x.agency_id == id.to_string()));
            }
            (f, s)
        }
    };
    let agency = q.agency_id.unwrap_or_default();
    if !agency.is_empty() {
        found.retain(|f| f.agency_id.as_deref() == Some(agency.as_str()));
    }
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
        agency,
    };
    Ok(render(&page)?.into_response())
}
