//! `/registry/master-plan`: the region's master plan (Rencana Induk) — its period, its
//! reviews and the items registrations cite. Everyone reads it; the Dinas keeps it.

use crate::model::PlanId;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use kernel::extract::PageForm;
use kernel::layout::{Chrome, FormErrors, render};
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx, FieldError};
use serde::Deserialize;

use crate::model::{self, PlanStanding};
use crate::service;
use crate::store::{self, ItemRow, PlanRow};

#[derive(Template)]
#[template(path = "master_plan.html")]
struct PlanPage {
    chrome: Chrome,
    plan: Option<PlanRow>,
    standing: Option<&'static str>,
    items: Vec<ItemRow>,
    can_write: bool,
    errors: FormErrors,
}

async fn page(state: &AppState, ctx: &Ctx, errors: FormErrors) -> AppResult<Response> {
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
    let standing = plan.as_ref().map(|p| {
        let reviewed = p.last_reviewed_on.unwrap_or(p.adopted_on);
        match model::plan_standing(p.period_end, reviewed, db::now().date()) {
            PlanStanding::Current => "current",
            PlanStanding::Expired => "expired",
            PlanStanding::ReviewOverdue => "review-overdue",
        }
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = PlanPage {
        chrome: Chrome::new(state, ctx, "plan-title"),
        plan,
        standing,
        items,
        can_write: ctx.can(&crate::MASTER_PLAN, Access::Write, Scope::Region),
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

/// Shows the plan.
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    page(&state, &ctx, FormErrors::default()).await
}

fn date(field: &str, s: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| FieldError::new(field, "error-date"))
}

async fn run<F>(state: &AppState, ctx: &Ctx, f: F) -> AppResult<Response>
where
    F: FnOnce(&mut db::DbConn, &kernel::audit::Actor) -> AppResult<()> + Send + 'static,
{
    let actor = ctx
        .authorize(&crate::MASTER_PLAN, Access::Write, Scope::Region)?
        .actor();
    match state.write(move |c| f(c, &actor)).await {
        Ok(()) => Ok(Redirect::to("/registry/master-plan").into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            page(state, ctx, FormErrors::from_error(&e, ctx.lang)).await
        }
        Err(e) => Err(e),
    }
}

/// A new plan.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPlan {
    title: String,
    period_start: String,
    adopted_on: String,
}

/// Adopts a new plan.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(f): PageForm<NewPlan>,
) -> AppResult<Response> {
    run(&state, &ctx, move |c, actor| {
        let start = f
            .period_start
            .trim()
            .parse::<i32>()
            .map_err(|_| AppError::field("period_start", "error-year-plain"))?;
        let adopted =
            date("adopted_on", &f.adopted_on).map_err(|e| AppError::Validation(vec![e]))?;
        service::create_plan(c, actor, &f.title, start, adopted).map(|_| ())
    })
    .await
}

/// A review.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    plan_id: String,
    reviewed_on: String,
}

/// Records a review.
pub async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(f): PageForm<Review>,
) -> AppResult<Response> {
    run(&state, &ctx, move |c, actor| {
        let on = date("reviewed_on", &f.reviewed_on).map_err(|e| AppError::Validation(vec![e]))?;
        let plan = PlanId::parse(&f.plan_id).ok_or(AppError::NotFound)?;
        service::review_plan(c, actor, plan, on)
    })
    .await
}

/// A new item.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewItem {
    plan_id: String,
    code: String,
    title: String,
}

/// Adds an item.
pub async fn add_item(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(f): PageForm<NewItem>,
) -> AppResult<Response> {
    run(&state, &ctx, move |c, actor| {
        let plan = PlanId::parse(&f.plan_id).ok_or(AppError::NotFound)?;
        service::add_item(c, actor, plan, &f.code, &f.title).map(|_| ())
    })
    .await
}
