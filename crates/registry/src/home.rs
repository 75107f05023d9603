//! The home-page panel: an agency's open compliance findings (or, for the Dinas, the count and
//! the agencies with the most), so nobody has to go looking for their obligations.

use askama::Template;
use kernel::compliance::Within;
use kernel::i18n::Tr;
use kernel::permissions::Visible;
use kernel::{AppResult, AppState, Ctx};

use crate::findings::{self, FindingView, ScoreView};

#[derive(Template)]
#[template(path = "home_panel.html")]
struct Panel {
    tr: Tr,
    region_wide: bool,
    total: usize,
    findings: Vec<FindingView>,
    worst: Vec<ScoreView>,
    /// Applications waiting for this person: drafts and returned registrations of the
    /// agencies they write for.
    waiting: Vec<(crate::model::ApplicationId, String, crate::model::Status)>,
    /// The master plan's last year and the months left, when six or fewer (shown to those
    /// who see the whole region).
    ending: Option<(i32, u32)>,
    /// For those who see the whole region.
    overview: Option<Overview>,
}

/// What a leader opens the home page for.
struct Overview {
    /// The region's score now: the share of all checks that pass.
    score: u32,
    trend: Option<crate::overview::Trend>,
    statuses: Vec<crate::overview::StatusTotal>,
    bars: Vec<crate::overview::AgencyBar>,
    chart_height: usize,
    /// The statuses' names, as the table's header.
    status_names: Vec<String>,
    /// Live applications (neither withdrawn nor refused), and how many cite the master plan.
    live: i64,
    citing: i64,
    coverage: u32,
}

/// Agencies drawn in the applications chart.
const CHART_AGENCIES: usize = 12;
/// Days of the score's trend.
const TREND_DAYS: u32 = 180;

async fn overview(state: &AppState, ctx: &Ctx, scores: &[ScoreView]) -> AppResult<Overview> {
    use kernel::ids::Choice;
    let tr = ctx.tr();
    findings::record_region(state, ctx.zone, scores).await;
    let history = findings::region_history(state, ctx.zone, TREND_DAYS).await?;
    let (rows, codes, (live, citing)) = state
        .read(|c| {
            let codes = org::directory::all_agencies(c)?
                .into_iter()
                .map(|a| (a.id, a.code))
                .collect::<std::collections::HashMap<_, _>>();
            Ok((
                crate::store::apps_by_agency_and_status(c)?,
                codes,
                crate::store::plan_coverage(c)?,
            ))
        })
        .await?;
    let (statuses, bars) = crate::overview::by_agency(&rows, &codes, tr, CHART_AGENCIES);
    let checked: u32 = scores.iter().map(|s| s.checked).sum();
    let failed: u32 = scores.iter().map(|s| s.findings).sum();
    Ok(Overview {
        score: kernel::compliance::score(checked, failed),
        trend: crate::overview::trend(&history, tr),
        chart_height: bars.len() * 26,
        statuses,
        bars,
        status_names: crate::model::Status::all()
            .iter()
            .map(|s| tr.tp("app-status-", *s))
            .collect(),
        live,
        citing,
        coverage: if live == 0 {
            0
        } else {
            u32::try_from(citing * 100 / live).unwrap_or(0)
        },
    })
}

/// Shown to anyone signed in.
pub async fn panel(state: &AppState, ctx: &Ctx) -> AppResult<Option<String>> {
    if ctx.principal.is_none() {
        return Ok(None);
    }
    let tr = ctx.tr();
    let (found, scores, region_wide) = match ctx.visible(&crate::FINDINGS)? {
        Visible::All => {
            // The Dinas sees counts and the worst agencies: no need to prepare every finding.
            (vec![], findings::scores(state, Within::Region).await?, true)
        }
        Visible::Only(ids) if ids.is_empty() => return Ok(None),
        Visible::Only(ids) => {
            let mut f = vec![];
            for id in ids {
                f.extend(findings::evaluate(state, Within::Agency(id), tr).await?.0);
            }
            (f, vec![], false)
        }
    };
    let total = if region_wide {
        scores.iter().map(|s| s.findings as usize).sum()
    } else {
        found.len()
    };
    let ending = match region_wide {
        true => state
            .read(|c| Ok(crate::store::plan_latest(c)?))
            .await?
            .and_then(|p| {
                let today = ctx.zone.today_at(db::now());
                crate::model::plan_months_left(p.period_end, today).map(|m| (p.period_end, m))
            }),
        false => None,
    };
    let writes_for: Vec<kernel::ids::AgencyId> = ctx
        .principal
        .as_deref()
        .map(|p| p.grants.iter().filter_map(|g| g.agency).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|a| {
            ctx.can(
                &crate::APPLICATIONS,
                kernel::permissions::Access::Write,
                kernel::permissions::Scope::Agency(*a),
            )
        })
        .collect();
    let waiting = match writes_for.is_empty() {
        true => vec![],
        false => {
            state
                .read(move |c| Ok(crate::store::apps_waiting(c, &writes_for)?))
                .await?
        }
    };
    let overview = match region_wide {
        true => Some(overview(state, ctx, &scores).await?),
        false => None,
    };
    let panel = Panel {
        tr,
        overview,
        waiting,
        ending,
        region_wide,
        total,
        findings: found.into_iter().take(5).collect(),
        worst: scores
            .into_iter()
            .filter(|s| s.findings > 0)
            .take(3)
            .collect(),
    };
    Ok(Some(panel.render()?))
}
