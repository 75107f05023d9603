//! `GET /api/v1/compliance/findings` and `…/scores`: what breaks the region's rules, citing its
//! own regulation, and each agency's score. The Dinas sees the region; others their agencies.

use axum::Json;
use axum::extract::{Query, State};
use kernel::compliance::Within;
use kernel::permissions::Visible;
use kernel::{AppResult, AppState, Ctx};
use serde::Deserialize;

use crate::findings::{self, FindingView, ScoreView};

/// Narrows to one agency.
#[derive(Debug, Deserialize)]
pub struct Narrow {
    /// Agency id.
    pub agency_id: Option<String>,
}

/// Open findings.
#[utoipa::path(get, path = "/api/v1/compliance/findings", tag = "registry",
    params(("agency_id" = Option<String>, Query)),
    responses((status = 200, body = Vec<FindingView>), (status = 401)))]
pub async fn findings(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Narrow>,
) -> AppResult<Json<Vec<FindingView>>> {
    let narrow = q.agency_id.filter(|a| !a.is_empty());
    Ok(Json(
        findings::for_reader(&state, &ctx, narrow.as_deref())
            .await?
            .0,
    ))
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
