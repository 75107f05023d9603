//! `/domains/import`: a Dinas starts from the zone it runs today. The uploaded BIND zone file is
//! imported in a transaction that is rolled back, and the page shows what would be added and
//! every line not taken, with why; confirming imports the same file (kept as a scratch file
//! by its digest), checked again, all or nothing. `simpul dns import` does the same from the
//! server's shell.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kernel::extract::PageForm;
use kernel::layout::{Chrome, FormErrors, render};
use kernel::{AppError, AppResult, AppState, Ctx, FieldError};

/// A zone file's size limit: ten times a regency's largest zone seen, far below the body limit.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// Lines not taken shown on the page; the count says how many more.
const SHOWN: usize = 200;

struct Report {
    headline: String,
    skipped: Vec<(usize, String)>,
    /// "Lines not taken (n):".
    skipped_line: String,
    /// "… and n more lines", when not all are shown.
    more: Option<String>,
    /// The file's digest, to confirm a preview (none once imported).
    sha: Option<String>,
}

#[derive(Template)]
#[template(path = "domains_import.html")]
struct Page {
    chrome: Chrome,
    errors: FormErrors,
    report: Option<Report>,
}

fn shown(
    state: &AppState,
    ctx: &Ctx,
    errors: FormErrors,
    report: Option<Report>,
) -> AppResult<Response> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = Page {
        chrome: Chrome::new(state, ctx, "domains-import-title"),
        errors,
        report,
    };
    Ok((status, render(&page)?).into_response())
}

/// The upload form.
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    crate::pages::may_write(&ctx)?;
    shown(&state, &ctx, FormErrors::default(), None)
}

/// The uploaded file as text, within the limit.
async fn file_of(mut multipart: Multipart) -> AppResult<String> {
    let too_large =
        || AppError::Validation(vec![FieldError::new("file", "error-dns-import-large")]);
    while let Ok(Some(mut field)) = multipart.next_field().await {
        if field.name() != Some("file") {
            continue;
        }
        // Read in chunks, so that a file over the limit is refused without being held whole.
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) if bytes.len() + chunk.len() <= MAX_BYTES => {
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                // Over our limit, or the server's, or cut off: never a part taken as the whole.
                _ => return Err(too_large()),
            }
        }
        if bytes.is_empty() {
            break;
        }
        return String::from_utf8(bytes).map_err(|_| {
            AppError::Validation(vec![FieldError::new("file", "error-dns-import-text")])
        });
    }
    Err(AppError::Validation(vec![FieldError::new(
        "file",
        "error-dns-import-file",
    )]))
}

fn report(ctx: &Ctx, key: &str, done: crate::service::ImportReport, sha: Option<String>) -> Report {
    let tr = ctx.tr();
    let total = done.skipped.len();
    Report {
        headline: tr.t1(key, "count", &tr.number(done.added)),
        skipped: done.skipped.into_iter().take(SHOWN).collect(),
        skipped_line: tr.t1("domains-import-skipped", "count", &tr.number(total)),
        more: (total > SHOWN).then(|| {
            tr.t1(
                "domains-import-skipped-more",
                "count",
                &tr.number(total - SHOWN),
            )
        }),
        sha,
    }
}

fn refused(state: &AppState, ctx: &Ctx, e: AppError) -> AppResult<Response> {
    match e {
        AppError::Validation(_) | AppError::BadRequest(_) => {
            let errors = kernel::form::errors_for(&e, ctx.tr(), &[]);
            let errors = if errors.is_empty() {
                FormErrors::one("file", e.message(ctx.lang))
            } else {
                errors
            };
            shown(state, ctx, errors, None)
        }
        e => Err(e),
    }
}

/// Checks the file and shows what importing it would do.
pub async fn check(
    State(state): State<AppState>,
    ctx: Ctx,
    multipart: Multipart,
) -> AppResult<Response> {
    let actor = crate::pages::may_write(&ctx)?;
    let text = match file_of(multipart).await {
        Ok(t) => t,
        Err(e) => return refused(&state, &ctx, e),
    };
    let lang = ctx.lang;
    let upload = text.clone();
    let done = match state
        .dry_run(move |c| crate::service::import(c, &actor, &upload, lang))
        .await
    {
        Ok(d) => d,
        Err(e) => return refused(&state, &ctx, e),
    };
    let sha = state.blobs.put_scratch(text.into_bytes().into()).await?;
    let r = report(&ctx, "domains-import-will", done, Some(sha));
    shown(&state, &ctx, FormErrors::default(), Some(r))
}

/// The previewed file's digest.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Confirm {
    sha: String,
}

/// Imports the previewed file, checking it again (the zone may have changed since).
pub async fn confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(form): PageForm<Confirm>,
) -> AppResult<Response> {
    let actor = crate::pages::may_write(&ctx)?;
    let bytes = state.blobs.get_scratch(&form.sha).await?.to_vec();
    let text = String::from_utf8(bytes).map_err(|_| AppError::NotFound)?;
    let lang = ctx.lang;
    match state
        .write(move |c| crate::service::import(c, &actor, &text, lang))
        .await
    {
        Ok(done) => {
            let r = report(&ctx, "domains-import-done", done, None);
            shown(&state, &ctx, FormErrors::default(), Some(r))
        }
        Err(e) => refused(&state, &ctx, e),
    }
}
