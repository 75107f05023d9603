//! `GET /compliance`: findings of every rule in the region's pack, each citing the region's
//! own regulation. The Dinas sees every agency ranked by score (a chart and a table) and can
//! narrow to one; an agency sees its own score and open findings.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use kernel::compliance::Within;
use kernel::layout::{Chrome, render};
use kernel::listing::{self, Export, List};
use kernel::permissions::Visible;
use kernel::{AppResult, AppState, Ctx};

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
    /// The region's agencies with nothing to evaluate yet (codes), for the Dinas.
    not_evaluated: Vec<String>,
    agency: String,
    query: String,
}

/// Most findings listed on the page (a national register can have hundreds of thousands; the
/// CSV download has them all).
const SHOWN_FINDINGS: usize = 500;
/// Most agencies in the chart and table (the worst first).
const SHOWN_AGENCIES: usize = 40;

/// The findings as a list: `?agency_id=` narrows the Dinas's view to one agency; the page,
/// the API and the download read the same filters.
pub const FINDINGS: List<FindingView> = List {
    path: "/compliance",
    filters: &[
        listing::agency("agency_id", "app-agency"),
        listing::text("rule", "compliance-rule"),
        listing::text("record_id", "compliance-record"),
    ],
    sorts: &[],
    default_sort: "",
    // The page shows findings as a report beside the ranking, not as a plain table.
    columns: &[],
    export: Some(Export {
        stem: "temuan-kepatuhan",
        header: || {
            vec![
                "agency_code",
                "rule",
                "statement",
                "citation",
                "record_type",
                "record",
                "record_id",
            ]
        },
        row: |f| {
            vec![
                f.agency_code.clone().unwrap_or_default(),
                f.rule.clone(),
                f.statement.clone(),
                f.citation.clone(),
                f.record_type.clone(),
                f.label.clone(),
                f.record_id.clone(),
            ]
        },
    }),
};

/// Shows findings and scores.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let visible = ctx.visible(&crate::FINDINGS)?;
    let q = FINDINGS.read(raw.as_deref())?;
    let agency = q.get("agency_id").unwrap_or_default().to_owned();
    let narrow = q.get("agency_id");
    let (found, scores) = match (&visible, narrow) {
        // The Dinas narrowed to one agency: that agency's findings, beside the region's
        // ranking (scores alone, without the region's findings).
        (Visible::All, Some(_)) => {
            let (found, _) = findings::for_reader(&state, &ctx, narrow).await?;
            (found, findings::scores(&state, Within::Region).await?)
        }
        _ => findings::for_reader(&state, &ctx, narrow).await?,
    };
    if matches!(visible, Visible::All) {
        // The region's scores were just computed: they are today's reading of its trend.
        findings::record_region(&state, ctx.zone, &scores).await;
    }
    let mut found = findings::matching(found, &q);
    if let Some(format) = q.format {
        q.check_download(found.len())?;
        return FINDINGS.download(format, &found);
    }
    let total_findings = found.len();
    found.truncate(SHOWN_FINDINGS);
    // The agencies the ranking leaves out because nothing of theirs is recorded to check.
    let not_evaluated = match visible == Visible::All {
        true => {
            let ranked: std::collections::HashSet<_> = scores.iter().map(|s| s.agency_id).collect();
            state
                .read(move |c| Ok(org::directory::all_agencies(c)?))
                .await?
                .into_iter()
                .filter(|a| !ranked.contains(&a.id))
                .map(|a| a.code)
                .collect()
        }
        false => vec![],
    };
    let more_agencies = scores.len().saturating_sub(SHOWN_AGENCIES);
    let mut scores = scores;
    scores.truncate(SHOWN_AGENCIES);
    let query = serde_urlencoded::to_string([("agency_id", agency.as_str())]).unwrap_or_default();
    let bars: Vec<Bar> = scores
        .iter()
        .map(|s| Bar {
            code: s.code.clone(),
            score: s.score,
            width: s.score * 9 / 5,
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
        chart_height: bars.len() * 26 + 8,
        bars,
        scores,
        findings: found,
        total_findings,
        more_agencies,
        not_evaluated,
        agency,
        query,
    };
    Ok(render(&page)?.into_response())
}
