//! Appointing the dataset's Wali Data: `POST /data/{id}/wali`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::form::{FormSpec, Submitted, choice, text};
use kernel::layout::{FormErrors, render};
use kernel::{AppError, AppResult, AppState, Ctx};

use crate::model::WaliDraft;
use crate::service;

/// The appointment's fields.
const FORM: FormSpec = FormSpec {
    fields: &[
        choice("person_id", "data-wali-person"),
        text("decree_number", "data-wali-decree-number"),
        text("decree_date", "data-wali-decree-date"),
    ],
};

/// Records the appointment, or shows the dataset's page again with the problems.
pub async fn appoint(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Submitted {
        values: form,
        stale,
    }: Submitted<WaliDraft>,
) -> AppResult<Response> {
    let row = crate::access::writable(&state, &ctx, &id).await?;
    let again = |errors: FormErrors, form: WaliDraft| {
        let (state, ctx, id) = (state.clone(), ctx.clone(), id.clone());
        async move {
            let mut page =
                super::show::page(&state, &ctx, &id, Some(form), errors, FormErrors::default())
                    .await?;
            page.chrome.title = page.row.title.clone();
            Ok::<_, AppError>((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
    };
    if stale {
        return again(FORM.expired(ctx.tr()), form).await;
    }
    let actor = ctx.require()?.actor();
    let today = crate::today(&state).await;
    let (draft, dataset) = (form.clone(), row.id);
    match state
        .write(move |c| service::appoint(c, &actor, dataset, &draft, today))
        .await
    {
        Ok(row) => Ok(Redirect::to(&format!("/data/{}?saved=1", row.id)).into_response()),
        Err(e @ AppError::Validation(_)) => again(FORM.errors(&e, ctx.tr()), form).await,
        Err(e) => Err(e),
    }
}
