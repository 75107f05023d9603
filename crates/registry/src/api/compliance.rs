//! `GET /api/v1/compliance/findings` and `…/scores`: what breaks the region's rules, citing its
//! own regulation, and each agency's score. The Dinas sees the region; others their agencies.

use axum::Json;
use axum::extract::{Query, State};
use kernel::compliance::Within;
use kernel::ids::AgencyId;
use kernel::permissions::{Access, Scope, Visible};
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
    narrow: Option<&str>,
) -> AppResult<(Vec<FindingView>, Vec<ScoreView>)> {
    let tr = ctx.tr();
    // One agency asked for: evaluate just that one, if the caller may read it.
    if let Some(a) = narrow {
        let readable =
            AgencyId::parse(a).is_some_and(|id| ctx.can(Access::Read, Scope::Agency(id)));
        if !readable {
            ctx.require()?;
            return Ok((vec![], vec![]));
        }
        let (f, s) = findings::evaluate(state, Within::Agency(a.to_owned()), tr).await?;
        return Ok((f, s.into_iter().filter(|x| x.agency_id == a).collect()));
    }
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
    let narrow = q.agency_id.filter(|a| !a.is_empty());
    let (mut f, _) = visible_evaluation(&state, &ctx, narrow.as_deref()).await?;
    if let Some(a) = narrow {
        // The Dinas's own findings (the master plan) belong to the Dinas's agency only.
        f.retain(|x| x.agency_id.as_deref() == Some(a.as_str()));
    }
    Ok(Json(f))
}

/// Scores per agency, worst first.
#[utoipa::path(get, path = "/api/v1/compliance/scores", tag = "registry",
    responses((status = 200, body = Vec<ScoreView>), (status = 401)))]
pub async fn scores(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Vec<ScoreView>>> {
    match ctx.visible()? {
        Visible::All => Ok(Json(findings::scores(&state, Within::Region).await?)),
        Visible::Only(_) => Ok(Json(visible_evaluation(&state, &ctx, None).await?.1)),
    }
}
