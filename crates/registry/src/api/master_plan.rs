//! `GET /api/v1/master-plan`: the current master plan and its items.

use axum::Json;
use axum::extract::State;
use kernel::permissions::{Access, Scope};
use kernel::{AppResult, AppState, Ctx};
use serde::Serialize;

use super::{PlanItemRecord, PlanRecord};
use crate::store;

/// The plan with its items.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = MasterPlanWithItems)]
pub struct MasterPlan {
    /// The plan, if one was adopted.
    pub plan: Option<PlanRecord>,
    /// Its items.
    pub items: Vec<PlanItemRecord>,
}

/// Shows the master plan.
#[utoipa::path(get, path = "/api/v1/master-plan", tag = "registry",
    responses((status = 200, body = MasterPlan), (status = 401)))]
pub async fn handler(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<MasterPlan>> {
    ctx.authorize(&crate::MASTER_PLAN, Access::Read, Scope::Region)?;
    let (plan, items) = state
        .read(|c| {
            let plan = store::plan_latest(c)?;
            let items = match &plan {
                Some(p) => store::items(c, p.id)?,
                None => vec![],
            };
            Ok((plan, items))
        })
        .await?;
    Ok(Json(MasterPlan {
        plan: plan.map(Into::into),
        items: items.into_iter().map(Into::into).collect(),
    }))
}
