//! Adding an indicator computed from the dataset (BPS MS-Ind): `GET/POST /data/{id}/indicators`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::form::{FormSpec, Submitted, text};
use kernel::layout::{Chrome, FormErrors, render};
use kernel::{AppError, AppResult, AppState, Ctx};

use crate::model::IndicatorDraft;
use crate::service;
use crate::store::DatasetRow;

/// The indicator's fields, in the order the summary names their errors.
const FORM: FormSpec = FormSpec {
    fields: &[
        text("name", "data-indicator-name"),
        text("concept", "data-column-concept"),
        text("definition", "data-column-definition"),
        text("formula", "data-indicator-formula"),
        text("unit", "data-unit"),
        text("interpretation", "data-indicator-interpretation"),
    ],
};

#[derive(Template)]
#[template(path = "data_indicator.html")]
struct IndicatorPage {
    chrome: Chrome,
    row: DatasetRow,
    form: IndicatorDraft,
    errors: FormErrors,
}

fn page(
    state: &AppState,
    ctx: &Ctx,
    row: DatasetRow,
    form: IndicatorDraft,
    errors: FormErrors,
) -> AppResult<Response> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = IndicatorPage {
        chrome: Chrome::new(state, ctx, "data-indicator-new"),
        row,
        form,
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

/// An empty form.
pub async fn new(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let row = crate::access::writable(&state, &ctx, &id).await?;
    page(
        &state,
        &ctx,
        row,
        IndicatorDraft::default(),
        FormErrors::default(),
    )
}

/// Adds the indicator, or shows the form again with every problem.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Submitted {
        values: form,
        stale,
    }: Submitted<IndicatorDraft>,
) -> AppResult<Response> {
    let row = crate::access::writable(&state, &ctx, &id).await?;
    if stale {
        return page(&state, &ctx, row, form, FORM.expired(ctx.tr()));
    }
    let actor = ctx.require()?.actor();
    let (draft, dataset) = (form.clone(), row.id);
    match state
        .write(move |c| service::add_indicator(c, &actor, dataset, &draft))
        .await
    {
        Ok(row) => Ok(Redirect::to(&format!("/data/{}?saved=1", row.id)).into_response()),
        Err(e @ AppError::Validation(_)) => {
            let errors = FORM.errors(&e, ctx.tr());
            page(&state, &ctx, row, form, errors)
        }
        Err(e) => Err(e),
    }
}
