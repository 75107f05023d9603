//! `/registry/master-plan`: the region's master plan (Rencana Induk) — its period, its
//! reviews and the items registrations cite. Everyone reads it; the Dinas keeps it.

use crate::model::PlanId;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use kernel::extract::PageForm;
use kernel::form::{FormSpec, Submitted, text};
use kernel::layout::{Chrome, FormErrors, render};
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx, FieldError};
use serde::Deserialize;

use crate::model::{self, PlanDraft, PlanStanding};
use crate::service;
use crate::store::{self, ItemRow, PlanRow};

#[derive(Template)]
#[template(path = "master_plan.html")]
struct PlanPage {
    chrome: Chrome,
    plan: Option<PlanRow>,
    /// The period's last year and the months left, when six or fewer.
    ending: Option<(i32, u32)>,
    standing: Option<&'static str>,
    items: Vec<ItemRow>,
    can_write: bool,
    errors: FormErrors,
    typed: Typed,
}

/// What the person typed in the page's forms, shown again with their errors.
#[derive(Debug, Clone, Default)]
struct Typed {
    plan: PlanDraft,
    item: NewItem,
    reviewed_on: String,
}

/// The new-plan form's fields.
const PLAN_FORM: FormSpec = FormSpec {
    fields: &[
        text("title", "plan-name"),
        text("period_start", "plan-start"),
        text("adopted_on", "plan-adopted"),
    ],
};

/// The new-item form's fields.
const ITEM_FORM: FormSpec = FormSpec {
    fields: &[
        text("code", "plan-item-code"),
        text("title", "plan-item-title"),
    ],
};

/// The review form's field.
const REVIEW_FORM: FormSpec = FormSpec {
    fields: &[text("reviewed_on", "plan-reviewed")],
};

async fn page(
    state: &AppState,
    ctx: &Ctx,
    errors: FormErrors,
    typed: Typed,
) -> AppResult<Response> {
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
    // The region's today, not UTC's: the last evening of December is already January in Papua.
    let today = ctx.zone.today_at(db::now());
    let ending = plan
        .as_ref()
        .and_then(|p| model::plan_months_left(p.period_end, today).map(|m| (p.period_end, m)));
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = PlanPage {
        chrome: Chrome::new(state, ctx, "plan-title"),
        plan,
        standing,
        ending,
        items,
        can_write: ctx.can(&crate::MASTER_PLAN, Access::Write, Scope::Region),
        errors,
        typed,
    };
    Ok((status, render(&page)?).into_response())
}

/// Shows the plan.
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    page(&state, &ctx, FormErrors::default(), Typed::default()).await
}

async fn run<F>(
    state: &AppState,
    ctx: &Ctx,
    spec: &FormSpec,
    typed: Typed,
    stale: bool,
    f: F,
) -> AppResult<Response>
where
    F: FnOnce(&mut db::DbConn, &kernel::audit::Actor) -> AppResult<()> + Send + 'static,
{
    let actor = ctx
        .authorize(&crate::MASTER_PLAN, Access::Write, Scope::Region)?
        .actor();
    if stale {
        return page(state, ctx, spec.expired(ctx.tr()), typed).await;
    }
    match state.write(move |c| f(c, &actor)).await {
        Ok(()) => Ok(Redirect::to("/registry/master-plan?saved=1").into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            page(state, ctx, spec.errors(&e, ctx.tr()), typed).await
        }
        Err(e) => Err(e),
    }
}

/// Adopts a new plan.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Submitted<PlanDraft>,
) -> AppResult<Response> {
    let typed = Typed {
        plan: form.values.clone(),
        ..Typed::default()
    };
    let d = form.values;
    run(
        &state,
        &ctx,
        &PLAN_FORM,
        typed,
        form.stale,
        move |c, actor| service::create_plan(c, actor, &d).map(|_| ()),
    )
    .await
}

/// A review.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    plan_id: String,
    #[serde(default)]
    reviewed_on: String,
}

/// Records a review.
pub async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(f): PageForm<Review>,
) -> AppResult<Response> {
    let typed = Typed {
        reviewed_on: f.reviewed_on.clone(),
        ..Typed::default()
    };
    run(&state, &ctx, &REVIEW_FORM, typed, false, move |c, actor| {
        let on = NaiveDate::parse_from_str(f.reviewed_on.trim(), "%Y-%m-%d").map_err(|_| {
            AppError::Validation(vec![FieldError::new("reviewed_on", "error-date")])
        })?;
        let plan = PlanId::parse(&f.plan_id).ok_or(AppError::NotFound)?;
        service::review_plan(c, actor, plan, on)
    })
    .await
}

/// A new item.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewItem {
    #[serde(default)]
    plan_id: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    title: String,
}

/// Adds an item.
pub async fn add_item(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Submitted<NewItem>,
) -> AppResult<Response> {
    let typed = Typed {
        item: form.values.clone(),
        ..Typed::default()
    };
    let f = form.values;
    run(
        &state,
        &ctx,
        &ITEM_FORM,
        typed,
        form.stale,
        move |c, actor| {
            let plan = PlanId::parse(&f.plan_id).ok_or(AppError::NotFound)?;
            service::add_item(c, actor, plan, &f.code, &f.title).map(|_| ())
        },
    )
    .await
}
