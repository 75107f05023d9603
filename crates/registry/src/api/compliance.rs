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

async fn visible_evaluation(
    state: &AppState,
    ctx: &Ctx,
) -> AppResult<(Vec<FindingView>, Vec<ScoreView>)> {
    let tr = ctx.tr();
    match ctx.visible()? {
        Visible::All => findings::evaluate(state, Within::Region, tr).await,
        Visible::Only(ids) => {
            let (mut f, mut s) = (vec![], vec![]);
            for id in ids {
                let (ff, ss) =
                    findings::evaluate(state, Within::Agency(id.to_string()), tr).await?;
                f.extend(ff);
                s.extend(ss.into_iter().filter(|x| x.agency_id == id.to_string()));
            }
            Ok((f, s))
        }
    }
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
    let (mut f, _) = visible_evaluation(&state, &ctx).await?;
    if let Some(a) = q.agency_id.filter(|a| !a.is_empty()) {
        f.retain(|x| x.agency_id.as_deref() == Some(a.as_str()));
    }
    Ok(Json(f))
}

/// Scores per agency, worst first.
#[utoipa::path(get, path = "/api/v1/compliance/scores", tag = "registry",
    responses((status = 200, body = Vec<ScoreView>), (status = 401)))]
pub async fn scores(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Vec<ScoreView>>> {
    Ok(Json(visible_evaluation(&state, &ctx).await?.1))
}
