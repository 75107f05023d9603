//! `/api/v1/master-plan`: the current master plan and its items; adopting a new one, recording
//! a review, adding an item (the Dinas).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use kernel::extract::ApiJson;
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx, FieldError};
use serde::{Deserialize, Serialize};

use super::{PlanItemRecord, PlanRecord};
use crate::model::{PlanDraft, PlanId};
use crate::{service, store};

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

/// Adopts a new master plan (it becomes the current one).
#[utoipa::path(post, path = "/api/v1/master-plan", tag = "registry", request_body = PlanDraft,
    responses((status = 201, body = PlanRecord), (status = 401), (status = 403), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(draft): ApiJson<PlanDraft>,
) -> AppResult<(StatusCode, Json<PlanRecord>)> {
    let actor = ctx
        .authorize(&crate::MASTER_PLAN, Access::Write, Scope::Region)?
        .actor();
    let row = state
        .write(move |c| service::create_plan(c, &actor, &draft))
        .await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// A review of the current plan.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    /// The plan reviewed (the current one).
    pub plan_id: String,
    /// When it was reviewed, `YYYY-MM-DD` (not before adoption, not in the future).
    pub reviewed_on: String,
}

/// Records a review of the current plan (KT: reviewed at least once during its five years).
#[utoipa::path(post, path = "/api/v1/master-plan/review", tag = "registry", request_body = ReviewInput,
    responses((status = 200, body = PlanRecord), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<ReviewInput>,
) -> AppResult<Json<PlanRecord>> {
    let actor = ctx
        .authorize(&crate::MASTER_PLAN, Access::Write, Scope::Region)?
        .actor();
    let on = NaiveDate::parse_from_str(input.reviewed_on.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::Validation(vec![FieldError::new("reviewed_on", "error-date")]))?;
    let plan = PlanId::parse(&input.plan_id).ok_or(AppError::NotFound)?;
    let row = state
        .write(move |c| {
            service::review_plan(c, &actor, plan, on)?;
            store::plan_latest(c)?.ok_or(AppError::NotFound)
        })
        .await?;
    Ok(Json(row.into()))
}

/// An item of the plan.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    /// The plan (the current one).
    pub plan_id: String,
    /// Its code within the plan (`RI-07`).
    pub code: String,
    /// What it is.
    pub title: String,
}

/// Adds an item to the current plan (applications are then linked to it).
#[utoipa::path(post, path = "/api/v1/master-plan/items", tag = "registry", request_body = ItemInput,
    responses((status = 201, body = PlanItemRecord), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn add_item(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<ItemInput>,
) -> AppResult<(StatusCode, Json<PlanItemRecord>)> {
    let actor = ctx
        .authorize(&crate::MASTER_PLAN, Access::Write, Scope::Region)?
        .actor();
    let plan = PlanId::parse(&input.plan_id).ok_or(AppError::NotFound)?;
    let row = state
        .write(move |c| service::add_item(c, &actor, plan, &input.code, &input.title))
        .await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}
