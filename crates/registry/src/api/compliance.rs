//! `GET /api/v1/compliance/findings` and `…/scores`: what breaks the region's rules, citing its
//! own regulation, and each agency's score. The Dinas sees the region; others their agencies.

use axum::Json;
use axum::extract::{RawQuery, State};
use kernel::compliance::Within;
use kernel::listing::Page;
use kernel::permissions::Visible;
use kernel::{AppResult, AppState, Ctx};

use crate::findings::{self, FindingView, ScoreView};
use crate::pages::compliance::FINDINGS;

/// Open findings, a page at a time.
#[utoipa::path(get, path = "/api/v1/compliance/findings", tag = "registry",
    params(("agency_id" = Option<String>, Query), ("rule" = Option<String>, Query, description = "one rule, e.g. REG-APP-SSO"),
           ("record_id" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = Page<FindingView>), (status = 400), (status = 401)))]
pub async fn findings(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<Page<FindingView>>> {
    let q = FINDINGS.read_api(raw.as_deref())?;
    let (found, _) = findings::for_reader(&state, &ctx, q.get("agency_id")).await?;
    let (items, total) = q.window(findings::matching(found, &q));
    Ok(FINDINGS.json(&q, items, total))
}

/// Scores per agency, worst first.
#[utoipa::path(get, path = "/api/v1/compliance/scores", tag = "registry",
    responses((status = 200, body = Vec<ScoreView>), (status = 401)))]
pub async fn scores(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Vec<ScoreView>>> {
    match ctx.visible(&crate::FINDINGS)? {
        Visible::All => Ok(Json(findings::scores(&state, Within::Region).await?)),
        Visible::Only(_) => Ok(Json(findings::for_reader(&state, &ctx, None).await?.1)),
    }
}
