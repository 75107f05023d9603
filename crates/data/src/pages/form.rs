//! The dataset's form: `GET/POST /data/new` and `GET/POST /data/{id}/edit`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::form::{FormSpec, Submitted, choice, text};
use kernel::layout::{Chrome, FormErrors, render};
use kernel::{AppError, AppResult, AppState, Ctx};

use crate::model::{Classification, DatasetDraft, Frequency, Topic};
use crate::service;
use crate::store::DatasetRow;

/// The form's fields, in the order the summary names their errors.
const FORM: FormSpec = FormSpec {
    fields: &[
        choice("agency_id", "data-agency"),
        text("title", "data-title-label"),
        text("slug", "data-slug"),
        text("description", "data-description"),
        choice("topic", "data-topic"),
        choice("classification", "data-classification"),
        text("exclusion_reason", "data-exclusion-reason"),
        choice("frequency", "data-frequency"),
        text("next_due", "data-next-due"),
        text("period", "data-period"),
        text("coverage", "data-coverage"),
        text("unit", "data-unit"),
        text("licence", "data-licence"),
        text("contact_name", "data-contact-name"),
        text("contact_email", "data-contact-email"),
        text("tags", "data-tags"),
        text("activity_name", "data-activity-name"),
        text("activity_method", "data-activity-method"),
    ],
};

#[derive(Template)]
#[template(path = "data_form.html")]
struct FormPage {
    chrome: Chrome,
    action: String,
    form: DatasetDraft,
    /// Agencies to choose from (a new dataset only).
    agencies: Option<Vec<(String, String)>>,
    topics: Vec<(String, String)>,
    classifications: Vec<(String, String)>,
    frequencies: Vec<(String, String)>,
    errors: FormErrors,
}

fn options<E: Copy + std::fmt::Display>(
    all: &[E],
    prefix: &str,
    tr: kernel::i18n::Tr,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (v.to_string(), tr.tp(prefix, v)))
        .collect()
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    editing: Option<&DatasetRow>,
    form: DatasetDraft,
    errors: FormErrors,
) -> AppResult<Response> {
    let tr = ctx.tr();
    let agencies = match editing {
        Some(_) => None,
        None => {
            let all = state.read(|c| Ok(org::directory::all_agencies(c)?)).await?;
            Some(org::directory::writable(all, ctx, &crate::DATASETS))
        }
    };
    let (title, action) = match editing {
        Some(r) => ("data-edit-title", format!("/data/{}/edit", r.id)),
        None => ("data-new-title", "/data/new".to_owned()),
    };
    let page = FormPage {
        chrome: Chrome::new(state, ctx, title),
        action,
        form,
        agencies,
        topics: options(Topic::ALL, "data-topic-", tr),
        classifications: options(Classification::ALL, "data-classification-", tr),
        frequencies: options(Frequency::ALL, "data-frequency-", tr),
        errors,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(&page)?).into_response())
}

/// The draft of a stored dataset, for its edit form.
pub fn draft_of(r: &DatasetRow) -> DatasetDraft {
    DatasetDraft {
        agency_id: r.agency_id.to_string(),
        slug: r.slug.clone(),
        title: r.title.clone(),
        description: r.description.clone(),
        topic: r.topic.to_string(),
        classification: r.classification.to_string(),
        exclusion_reason: r.exclusion_reason.clone(),
        frequency: r.frequency.to_string(),
        next_due: r.next_due.map(|d| d.to_string()).unwrap_or_default(),
        period: r.period.clone(),
        coverage: r.coverage.clone(),
        unit: r.unit.clone(),
        licence: r.licence.clone(),
        contact_name: r.contact_name.clone(),
        contact_email: r.contact_email.clone(),
        tags: r.tags.clone(),
        activity_name: r.activity_name.clone(),
        activity_method: r.activity_method.clone(),
    }
}

/// An empty form, for those who may record datasets for some agency.
pub async fn new(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    if !ctx.can_write_any(&crate::DATASETS) {
        return Err(ctx.require().err().unwrap_or(AppError::Forbidden));
    }
    let form = DatasetDraft {
        classification: Classification::Public.to_string(),
        frequency: Frequency::Annual.to_string(),
        licence: crate::model::DEFAULT_LICENCE.to_owned(),
        ..DatasetDraft::default()
    };
    form_page(&state, &ctx, None, form, FormErrors::default()).await
}

/// Records the dataset, or shows the form again with every problem and everything typed.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Submitted {
        values: form,
        stale,
    }: Submitted<DatasetDraft>,
) -> AppResult<Response> {
    ctx.authorize_new(&crate::DATASETS, &form.agency_id)?;
    if stale {
        return form_page(&state, &ctx, None, form, FORM.expired(ctx.tr())).await;
    }
    let actor = ctx.require()?.actor();
    let visible = ctx.visible(&crate::DATASETS)?;
    let draft = form.clone();
    match state
        .write(move |c| service::create(c, &actor, &draft, &visible))
        .await
    {
        Ok(row) => Ok(Redirect::to(&format!("/data/{}?saved=1", row.id)).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let errors = FORM.errors(&e, ctx.tr());
            form_page(&state, &ctx, None, form, errors).await
        }
        Err(e) => Err(e),
    }
}

/// The form filled with the dataset's description.
pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let row = crate::access::writable(&state, &ctx, &id).await?;
    form_page(
        &state,
        &ctx,
        Some(&row),
        draft_of(&row),
        FormErrors::default(),
    )
    .await
}

/// Saves the description, or shows the form again.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Submitted {
        values: form,
        stale,
    }: Submitted<DatasetDraft>,
) -> AppResult<Response> {
    let row = crate::access::writable(&state, &ctx, &id).await?;
    if stale {
        return form_page(&state, &ctx, Some(&row), form, FORM.expired(ctx.tr())).await;
    }
    let actor = ctx.require()?.actor();
    let visible = ctx.visible(&crate::DATASETS)?;
    let (draft, dataset) = (form.clone(), row.id);
    match state
        .write(move |c| service::update(c, &actor, dataset, &draft, &visible))
        .await
    {
        Ok(row) => Ok(Redirect::to(&format!("/data/{}?saved=1", row.id)).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let errors = FORM.errors(&e, ctx.tr());
            form_page(&state, &ctx, Some(&row), form, errors).await
        }
        Err(e) => Err(e),
    }
}
