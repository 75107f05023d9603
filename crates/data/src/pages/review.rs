//! The Walidata's decision on a version, `POST /data/{id}/versions/{number}/review`: publish
//! it on the portal (after ticking the confirmation) or return it to the agency with a note.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::form::{FormSpec, Submitted, check, choice, text};
use kernel::layout::{FormErrors, render};
use kernel::{AppError, AppResult, AppState, Ctx};

use crate::model::{Review, ReviewDraft};

/// The decision's fields.
const FORM: FormSpec = FormSpec {
    fields: &[
        choice("decision", "data-review-decision"),
        text("note", "data-review-note"),
        check("confirm", "data-review-confirm-label"),
    ],
};

/// Records the decision, or shows the version's page again with the problems.
pub async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, String)>,
    Submitted {
        values: form,
        stale,
    }: Submitted<ReviewDraft>,
) -> AppResult<Response> {
    let row = crate::access::reviewable(&state, &ctx, &id).await?;
    let again = |errors: FormErrors, form: ReviewDraft| {
        let (state, ctx, id, number) = (state.clone(), ctx.clone(), id.clone(), number.clone());
        async move {
            let page =
                super::upload::version_page(&state, &ctx, &id, &number, form, errors).await?;
            Ok::<_, AppError>((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
    };
    if stale {
        return again(FORM.expired(ctx.tr()), form).await;
    }
    // Publishing makes the data public: it waits for the confirmation (KT 16.5). Returning
    // carries its own note.
    if form.decision == Review::Published.as_str()
        && let Err(e) = kernel::form::confirmed(form.confirm.as_ref())
    {
        return again(FORM.errors(&e, ctx.tr()), form).await;
    }
    let n: i32 = number.parse().map_err(|_| AppError::NotFound)?;
    let actor = ctx.require()?.actor();
    let (draft, dataset) = (form.clone(), row.id);
    match state
        .write(move |c| crate::service::review(c, &actor, dataset, n, &draft))
        .await
    {
        Ok(v) => Ok(
            Redirect::to(&format!("/data/{}/versions/{}?saved=1", row.id, v.number))
                .into_response(),
        ),
        Err(e @ AppError::Validation(_)) => again(FORM.errors(&e, ctx.tr()), form).await,
        Err(e) => Err(e),
    }
}
