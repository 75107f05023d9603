//! Uploading a new version, `POST /data/{id}/versions`, and a version's page,
//! `GET /data/{id}/versions/{number}`: while it is read, a progress bar that refreshes itself
//! (no JavaScript); once read, what it changed; when refused, every bad row with its line.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use kernel::jobs::{self, JobId};
use kernel::layout::{Chrome, FormErrors, render};
use kernel::permissions::{Access, Scope};
use kernel::{AppError, AppResult, AppState, Ctx};

use crate::ingest::Report;
use crate::model::{Classification, ReviewDraft};
use crate::store::{self, DatasetRow, VersionRow, VersionStatus};

/// The largest file the page and the API take (the server takes no body over 20 MB; larger
/// files load with `simpul data ingest` on the server).
pub const MAX_UPLOAD: usize = 19 * 1024 * 1024;

/// The upload form's one field.
const UPLOAD_FORM: kernel::form::FormSpec = kernel::form::FormSpec {
    fields: &[kernel::form::file("file", "data-upload-file")],
};

/// Reads the form's file: its name and bytes.
pub async fn read_file(mut multipart: Multipart) -> AppResult<(String, axum::body::Bytes)> {
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return Err(AppError::field("file", "data-error-file-too-large")),
        };
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("data.csv").to_owned();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| AppError::field("file", "data-error-file-too-large"))?;
            if !bytes.is_empty() {
                return Ok((name, bytes));
            }
        }
    }
    Err(AppError::field("file", "data-error-file-empty"))
}

/// Keeps the file and starts reading it; a file that cannot be taken is named on the dataset's
/// page, beside the form.
pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    multipart: Multipart,
) -> AppResult<Response> {
    let row = crate::access::writable(&state, &ctx, &id).await?;
    let p = ctx.require()?;
    let (actor, owner) = (p.actor(), p.user_id);
    let started = match read_file(multipart).await {
        Ok((name, bytes)) => {
            crate::version::upload(&state, &actor, row.id, &name, bytes, Some(owner)).await
        }
        Err(e) => Err(e),
    };
    match started {
        Ok(v) => {
            Ok(Redirect::to(&format!("/data/{}/versions/{}", row.id, v.number)).into_response())
        }
        Err(e @ (AppError::Validation(_) | AppError::BadRequest(_) | AppError::Conflict(_))) => {
            let errors = UPLOAD_FORM.errors(&e, ctx.tr());
            let mut page =
                super::show::page(&state, &ctx, &id, None, FormErrors::default(), errors).await?;
            page.chrome.title = page.row.title.clone();
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "data_version.html")]
pub(crate) struct VersionPage {
    chrome: Chrome,
    row: DatasetRow,
    version: VersionRow,
    report: Option<Report>,
    /// Rows read so far and the estimate of all, while it is read by the caller's job.
    progress: Option<(i64, i64, u64)>,
    /// Whether the caller is the Walidata (the Dinas), who checks and publishes.
    can_review: bool,
    form: ReviewDraft,
    errors: FormErrors,
}

impl VersionPage {
    fn running(&self) -> bool {
        self.version.status == VersionStatus::Ingesting
    }

    /// Whether the Walidata's check applies: a public dataset's readable version.
    fn reviewed(&self) -> bool {
        self.version.status == VersionStatus::Ready
            && self.row.classification == Classification::Public
    }
}

/// Everything the version's page shows.
pub(crate) async fn version_page(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    number: &str,
    form: ReviewDraft,
    errors: FormErrors,
) -> AppResult<VersionPage> {
    let r = crate::access::dataset(state, ctx, id).await?;
    let number: i32 = number.parse().map_err(|_| AppError::NotFound)?;
    let dataset = r.row.id;
    let version = state
        .read(move |c| Ok(store::version_number(c, dataset, number)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let progress = match version.job_id.as_deref().and_then(JobId::parse) {
        Some(job) if version.status == VersionStatus::Ingesting => {
            let owner = ctx.require()?.user_id;
            jobs::view(state, job, owner)
                .await?
                .map(|j| (j.done, j.total, j.percent()))
        }
        _ => None,
    };
    let report = (!version.report.is_empty())
        .then(|| serde_json::from_str::<Report>(&version.report).ok())
        .flatten();
    let mut chrome = Chrome::new(state, ctx, "data-version");
    chrome.title = ctx.tr().t1("data-version-title", "number", &version.number);
    Ok(VersionPage {
        chrome,
        row: r.row,
        version,
        report,
        progress,
        can_review: ctx.can(&crate::WALIDATA, Access::Write, Scope::Region),
        form,
        errors,
    })
}

/// One version.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, String)>,
) -> AppResult<Response> {
    let page = version_page(
        &state,
        &ctx,
        &id,
        &number,
        ReviewDraft::default(),
        FormErrors::default(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}
