//! `GET /import` and `POST /import/{agencies,people}`: upload a CSV; every bad line is
//! listed and nothing is imported until the file is clean.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kernel::layout::{Chrome, FormErrors, render};
use kernel::permissions::{Access, Role, Scope};
use kernel::{AppError, AppResult, AppState, Ctx, FieldError};

/// The upload form's field (errors of the file's lines name their line).
const IMPORT_FORM: kernel::form::FormSpec = kernel::form::FormSpec {
    fields: &[kernel::form::file("file", "import-file")],
};

use crate::import;

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    chrome: Chrome,
    errors: FormErrors,
    /// The list imported into and what was done, in words.
    imported: Option<(String, String)>,
    can_import_agencies: bool,
    agency_columns: String,
    person_columns: String,
    existing_choices: Vec<(String, String)>,
}

fn page(
    state: &AppState,
    ctx: &Ctx,
    errors: FormErrors,
    imported: Option<(String, String)>,
) -> ImportPage {
    ImportPage {
        chrome: Chrome::new(state, ctx, "import-title"),
        errors,
        imported,
        can_import_agencies: ctx.can(&crate::PEOPLE, Access::Write, Scope::Region),
        agency_columns: import::AGENCY_COLUMNS.join(","),
        person_columns: import::PERSON_COLUMNS.join(","),
        existing_choices: kernel::layout::choices_of::<import::Existing>(
            ctx.tr(),
            "import-existing-",
        ),
    }
}

fn may_import(ctx: &Ctx) -> AppResult<()> {
    let p = ctx.require()?;
    if p.grants
        .iter()
        .any(|g| matches!(g.role, Role::DinasAdmin | Role::AgencyOperator))
    {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Shows the upload forms.
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    may_import(&ctx)?;
    Ok(render(&page(&state, &ctx, FormErrors::default(), None))?.into_response())
}

/// The uploaded file, and what to do with people already recorded (the people form's
/// choice; the agencies form has none).
async fn file_of(mut multipart: Multipart) -> AppResult<(Vec<u8>, import::Existing)> {
    let mut existing = import::Existing::Refuse;
    let mut file = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some("existing") => {
                let text = field.text().await.unwrap_or_default();
                existing = import::Existing::parse(&text)
                    .ok_or_else(|| AppError::field("existing", "error-choose"))?;
            }
            Some("file") => {
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| AppError::field("file", "error-body-too-large"))?;
                if !bytes.is_empty() {
                    file = Some(bytes.to_vec());
                }
            }
            _ => {}
        }
    }
    match file {
        Some(bytes) => Ok((bytes, existing)),
        None => Err(AppError::Validation(vec![FieldError::new(
            "file",
            "error-import-no-file",
        )])),
    }
}

async fn finish(
    state: &AppState,
    ctx: &Ctx,
    what: &str,
    result: AppResult<String>,
) -> AppResult<Response> {
    match result {
        Ok(done) => Ok(render(&page(
            state,
            ctx,
            FormErrors::default(),
            Some((what.to_owned(), done)),
        ))?
        .into_response()),
        Err(e @ (AppError::Validation(_) | AppError::BadRequest(_))) => {
            let errors = IMPORT_FORM.errors(&e, ctx.tr());
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&page(state, ctx, errors, None))?,
            )
                .into_response())
        }
        Err(e) => Err(e),
    }
}

/// Imports agencies (the Dinas only).
pub async fn agencies(
    State(state): State<AppState>,
    ctx: Ctx,
    multipart: Multipart,
) -> AppResult<Response> {
    let actor = ctx
        .authorize(&crate::PEOPLE, Access::Write, Scope::Region)?
        .actor();
    let tr = ctx.tr();
    let result = match file_of(multipart).await {
        Ok((bytes, _)) => state
            .write(move |c| import::import_agencies(c, &actor, &bytes))
            .await
            .map(|n| tr.t1("import-done", "count", &n)),
        Err(e) => Err(e),
    };
    finish(&state, &ctx, "agencies", result).await
}

/// Imports people into agencies the viewer may write to.
pub async fn people(
    State(state): State<AppState>,
    ctx: Ctx,
    multipart: Multipart,
) -> AppResult<Response> {
    may_import(&ctx)?;
    let result = match file_of(multipart).await {
        Ok((bytes, existing)) => import::import_people_for(&state, &ctx, bytes, existing)
            .await
            .map(|done| {
                kernel::i18n::message(
                    ctx.lang,
                    "import-done-people",
                    &[
                        ("added", done.added.to_string()),
                        ("updated", done.updated.to_string()),
                        ("skipped", done.skipped.to_string()),
                    ],
                )
            }),
        Err(e) => Err(e),
    };
    finish(&state, &ctx, "people", result).await
}
