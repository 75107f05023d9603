//! The import pages: `GET /registry/import` to choose what and a file, `POST /registry/import`
//! to see a preview — every row checked against the database, nothing written — `POST /registry/import/confirm` to import it in the background, and
//! `GET /registry/import/jobs/{id}` to follow its progress (the page refreshes itself; no
//! JavaScript needed). `POST /api/v1/{kind}/import` does the same in one request.

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::export::{Existing, Table, TemplateColumn, parse_upload, read_table};
use kernel::ids::AgencyId;
use kernel::jobs::{self, JobFuture, JobId, JobRun, NewJob, Outcome, Progress};
use kernel::layout::{Chrome, FormErrors, render};
use kernel::permissions::{Access, RoleGrant as Grant, Scope, allows};
use kernel::{AppError, AppResult, AppState, Ctx, FieldError};
use serde::{Deserialize, Serialize};

use super::entity::{Applications, Devices, Servers, Vendors};
use super::export::template_columns;
use super::import::{self, Imported, Mode};

/// The upload form's fields.
const IMPORT_FORM: kernel::form::FormSpec = kernel::form::FormSpec {
    fields: &[
        kernel::form::choice("kind", "import-what"),
        kernel::form::choice("existing", "inv-import-existing"),
        kernel::form::file("file", "inv-import-file"),
    ],
};

/// The largest file accepted.
pub const MAX_IMPORT: usize = 20 * 1024 * 1024;
/// The kinds of record that can be imported.
pub const KINDS: [&str; 4] = ["applications", "devices", "servers", "vendors"];
/// Rows shown in the preview.
const PREVIEW_ROWS: usize = 10;

#[derive(Template)]
#[template(path = "inventory_import.html")]
struct ImportPage {
    chrome: Chrome,
    /// Each kind: its name, its title, its columns.
    kinds: Vec<(String, String, Vec<TemplateColumn>)>,
    kind: String,
    existing: Existing,
    existing_choices: Vec<(String, String)>,
    errors: FormErrors,
    preview: Option<Preview>,
}

/// What the preview shows.
struct Preview {
    sha: String,
    rows: usize,
    kept: usize,
    done: Imported,
    header: Vec<String>,
    sample: Vec<(usize, Vec<String>)>,
}

#[derive(Template)]
#[template(path = "job.html")]
struct JobPage {
    chrome: Chrome,
    title: String,
    percent: u64,
    done: u64,
    total: u64,
    running: bool,
    imported: Option<u64>,
    errors: FormErrors,
    href: String,
}

/// The importer's grants. Only those who may record something may upload: a read-only role
/// is refused before the file is read.
fn grants_of(ctx: &Ctx) -> AppResult<Vec<Grant>> {
    let grants = ctx.require()?.grants.clone();
    if !(ctx.can_write_any(&crate::INVENTORY) || ctx.can_write_any(&crate::APPLICATIONS)) {
        return Err(AppError::Forbidden);
    }
    Ok(grants)
}

/// Runs the import of `kind`.
fn run_kind(
    c: &mut db::DbConn,
    actor: &kernel::audit::Actor,
    kind: &str,
    t: &Table,
    grants: &[Grant],
    (existing, mode): (Existing, Mode),
    job: Option<&Progress>,
) -> AppResult<Imported> {
    let may = |a: AgencyId| allows(grants, &crate::INVENTORY, Access::Write, Scope::Agency(a));
    let region = allows(grants, &crate::INVENTORY, Access::Write, Scope::Region);
    let e = existing;
    match kind {
        "applications" => import::run::<Applications>(c, actor, t, &may, region, e, mode, job),
        "vendors" => import::run::<Vendors>(c, actor, t, &may, region, e, mode, job),
        "devices" => import::run::<Devices>(c, actor, t, &may, region, e, mode, job),
        "servers" => import::run::<Servers>(c, actor, t, &may, region, e, mode, job),
        _ => Err(AppError::Validation(vec![
            FieldError::new("kind", "error-choice").arg("choices", KINDS.join(", ")),
        ])),
    }
}

/// What `kind`'s columns hold and take, for the page and the template.
fn kind_template(
    c: &mut db::DbConn,
    kind: &str,
    tr: kernel::i18n::Tr,
    agencies: &[(String, String)],
) -> AppResult<Option<Vec<TemplateColumn>>> {
    Ok(Some(match kind {
        "applications" => template_columns::<Applications>(c, tr, agencies)?,
        "vendors" => template_columns::<Vendors>(c, tr, agencies)?,
        "devices" => template_columns::<Devices>(c, tr, agencies)?,
        "servers" => template_columns::<Servers>(c, tr, agencies)?,
        _ => return Ok(None),
    }))
}

/// The columns of each of `kinds` (`None` for one that is not a kind); the agency column
/// offers only the agencies the viewer may record the inventory of, never another.
async fn kind_templates(
    state: &AppState,
    ctx: &Ctx,
    kinds: Vec<String>,
) -> AppResult<Vec<Option<Vec<TemplateColumn>>>> {
    let grants = ctx.require()?.grants.clone();
    let tr = ctx.tr();
    state
        .read(move |c| {
            let agencies: Vec<(String, String)> = org::directory::all_agencies(c)?
                .into_iter()
                .filter(|a| {
                    allows(
                        &grants,
                        &crate::INVENTORY,
                        Access::Write,
                        Scope::Agency(a.id),
                    )
                })
                .map(|a| (a.code, a.name))
                .collect();
            kinds
                .iter()
                .map(|k| kind_template(c, k, tr, &agencies))
                .collect()
        })
        .await
}

/// `GET /registry/import/template/{kind}`: an empty workbook of `kind` with its drop-downs.
pub async fn template(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(kind): Path<String>,
) -> AppResult<Response> {
    let tr = ctx.tr();
    let columns = kind_templates(&state, &ctx, vec![kind.clone()])
        .await?
        .pop()
        .flatten()
        .ok_or(AppError::NotFound)?;
    let title = tr
        .t(&format!("{kind}-title"))
        .to_lowercase()
        .replace(' ', "-");
    kernel::export::template_download(&format!("templat-{title}"), &columns, tr)
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    (kind, existing): (String, Existing),
    errors: FormErrors,
    preview: Option<Preview>,
) -> AppResult<Response> {
    let tr = ctx.tr();
    let columns = kind_templates(state, ctx, KINDS.map(str::to_owned).to_vec()).await?;
    let kinds = KINDS
        .iter()
        .zip(columns)
        .map(|(k, cols)| {
            (
                (*k).to_owned(),
                tr.t(&format!("{k}-title")),
                cols.unwrap_or_default(),
            )
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ImportPage {
        chrome: Chrome::new(state, ctx, "import-inventory-title"),
        kinds,
        kind,
        existing,
        existing_choices: kernel::layout::choices_of::<Existing>(tr, "inv-import-existing-"),
        errors,
        preview,
    };
    Ok((status, render(&page)?).into_response())
}

/// `?kind=` preselects what to import.
#[derive(Debug, Deserialize)]
pub struct KindQuery {
    /// `vendors`, `devices` or `servers`.
    pub kind: Option<String>,
}

/// The upload form.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<KindQuery>,
) -> AppResult<Response> {
    ctx.require()?;
    page(
        &state,
        &ctx,
        (q.kind.unwrap_or_else(|| "devices".into()), Existing::Refuse),
        FormErrors::default(),
        None,
    )
    .await
}

/// Reads the upload and shows what an import would do.
pub async fn preview(
    State(state): State<AppState>,
    ctx: Ctx,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let actor = p.actor();
    let grants = grants_of(&ctx)?;
    let (mut kind, mut file, mut existing) = (String::new(), None, Existing::Refuse);
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some("kind") => kind = field.text().await.unwrap_or_default(),
            Some("existing") => {
                existing = Existing::parse(&field.text().await.unwrap_or_default())
                    .ok_or_else(|| AppError::field("existing", "error-choose"))?;
            }
            Some("file") => {
                file = Some(
                    field
                        .bytes()
                        .await
                        .map_err(|_| AppError::field("file", "error-body-too-large"))?,
                );
            }
            _ => {}
        }
    }
    let fail = |e: AppError| IMPORT_FORM.errors(&e, ctx.tr());
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        let e = AppError::Validation(vec![FieldError::new("file", "error-import-no-file")]);
        return page(&state, &ctx, (kind, existing), fail(e), None).await;
    };
    let (upload, max) = (bytes.clone(), state.config.import_max_rows);
    let table = match parse_upload(move || read_table(&upload, max)).await {
        Ok(t) => t,
        Err(e) => return page(&state, &ctx, (kind, existing), fail(e), None).await,
    };
    let (t, k) = (table.clone(), kind.clone());
    let checked = state
        .read(move |c| run_kind(c, &actor, &k, &t, &grants, (existing, Mode::Check), None))
        .await;
    match checked {
        Ok(done) => {
            let sha = state.blobs.put_scratch(bytes).await?;
            let preview = Preview {
                sha,
                rows: done.created + done.updated + done.skipped,
                kept: done.created + done.updated,
                done,
                header: table.header.clone(),
                sample: table.rows.iter().take(PREVIEW_ROWS).cloned().collect(),
            };
            page(
                &state,
                &ctx,
                (kind, existing),
                FormErrors::default(),
                Some(preview),
            )
            .await
        }
        Err(e @ (AppError::Validation(_) | AppError::BadRequest(_))) => {
            page(&state, &ctx, (kind, existing), fail(e), None).await
        }
        Err(e) => Err(e),
    }
}

/// The confirmed import.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Confirm {
    /// What.
    pub kind: String,
    /// The previewed file.
    pub sha: String,
    /// What to do with records already recorded, as previewed.
    #[serde(default)]
    pub existing: Existing,
}

/// What an import job needs: which records, the previewed file, and who imports with which
/// rights (as they were when it was confirmed).
#[derive(Debug, Serialize, Deserialize)]
struct ImportJob {
    kind: String,
    sha: String,
    #[serde(default)]
    existing: Existing,
    actor: Option<kernel::ids::UserId>,
    label: String,
    grants: Vec<Grant>,
}

/// The import job's kind: the registry's one background job.
pub const IMPORT_JOB: jobs::JobKind = jobs::JobKind {
    kind: "registry.import",
    run: run_import,
};

fn run_import(state: AppState, job: JobRun) -> JobFuture {
    Box::pin(async move {
        import_job(&state, job)
            .await
            .unwrap_or_else(|e| Outcome::of_error(&e))
    })
}

async fn import_job(state: &AppState, job: JobRun) -> AppResult<Outcome> {
    let p: ImportJob = serde_json::from_value(job.payload.clone())
        .map_err(|e| AppError::Internal(format!("import job payload: {e}")))?;
    let table = previewed(state, &p.sha).await?;
    let actor = kernel::audit::Actor {
        id: p.actor,
        label: p.label,
    };
    let (id, progress) = (job.id, job.progress);
    let n = state
        .write(move |c| {
            let done = run_kind(
                c,
                &actor,
                &p.kind,
                &table,
                &p.grants,
                (p.existing, Mode::Write),
                Some(&progress),
            )?;
            let n = done.created + done.updated;
            let outcome = Outcome::Done(u64::try_from(n).unwrap_or(u64::MAX));
            // Recorded with the rows themselves: the import and its "done" commit together.
            jobs::finish(c, id, &outcome)?;
            Ok(n)
        })
        .await?;
    Ok(Outcome::Done(u64::try_from(n).unwrap_or(u64::MAX)))
}

/// The table of a previewed upload, from whichever instance previewed it.
async fn previewed(state: &AppState, sha: &str) -> AppResult<Table> {
    let bytes = state.blobs.get_scratch(sha).await?;
    let max = state.config.import_max_rows;
    parse_upload(move || read_table(&bytes, max)).await
}

/// Starts the import in the background and shows its progress.
pub async fn confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    kernel::extract::PageForm(form): kernel::extract::PageForm<Confirm>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let (actor, owner) = (p.actor(), p.user_id);
    let grants = grants_of(&ctx)?;
    if !KINDS.contains(&form.kind.as_str()) {
        return Err(AppError::NotFound);
    }
    let table = previewed(&state, &form.sha).await?;
    let payload = serde_json::to_value(ImportJob {
        kind: form.kind.clone(),
        sha: form.sha.clone(),
        existing: form.existing,
        actor: actor.id,
        label: actor.label,
        grants,
    })
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let id = jobs::start(
        &state,
        NewJob {
            kind: IMPORT_JOB.kind,
            owner,
            title: format!("{}-title", form.kind),
            done_href: format!("/registry/{}", form.kind),
            total: u64::try_from(table.rows.len()).unwrap_or(u64::MAX),
            payload,
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/registry/import/jobs/{id}")).into_response())
}

/// How an import is going, from whichever instance is asked.
pub async fn job(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let id = JobId::parse(&id).ok_or(AppError::NotFound)?;
    let job = jobs::view(&state, id, p.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let tr = ctx.tr();
    let outcome = job.outcome();
    let errors = match &outcome {
        Some(Outcome::Failed(es)) => FormErrors(
            es.iter()
                .map(|(f, k)| {
                    let text = if k.starts_with("error-") {
                        tr.t(k)
                    } else {
                        k.clone()
                    };
                    let summary = if f.starts_with("line ") {
                        format!("{f}: {text}")
                    } else {
                        text.clone()
                    };
                    kernel::layout::FormError {
                        field: f.clone(),
                        message: text,
                        summary,
                    }
                })
                .collect(),
        ),
        _ => FormErrors::default(),
    };
    let page = JobPage {
        chrome: Chrome::new(&state, &ctx, "import-progress-title"),
        title: tr.t(&job.title),
        percent: job.percent(),
        done: u64::try_from(job.done.max(0)).unwrap_or(0),
        total: u64::try_from(job.total.max(0)).unwrap_or(0),
        running: outcome.is_none(),
        imported: match outcome {
            Some(Outcome::Done(n)) => Some(n),
            _ => None,
        },
        errors,
        href: job.done_href.clone(),
    };
    Ok(render(&page)?.into_response())
}

/// `?dry_run=true` checks without keeping anything; `?existing=` says what to do with a row
/// whose record its agency already has.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ApiImportQuery {
    /// Check only.
    #[serde(default)]
    pub dry_run: bool,
    /// `refuse` (the default: such rows are errors), `update` or `skip`. A row's record is
    /// found by its key within its agency: a device's serial number, a server's host name, a
    /// vendor's contract number, an application's name.
    pub existing: Option<String>,
}

/// The result of an import through the API.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportResult {
    /// New records (or that would be, on a dry run).
    pub imported: usize,
    /// Recorded ones corrected.
    pub updated: usize,
    /// Rows of records already recorded, left as they were.
    pub skipped: usize,
    /// Whether nothing was kept.
    pub dry_run: bool,
}

/// Imports a CSV or XLSX file sent as the request body; all or nothing.
pub async fn api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(kind): Path<String>,
    Query(q): Query<ApiImportQuery>,
    body: Bytes,
) -> AppResult<(StatusCode, Json<ImportResult>)> {
    let p = ctx.require()?;
    let actor = p.actor();
    let grants = grants_of(&ctx)?;
    if !KINDS.contains(&kind.as_str()) {
        return Err(AppError::NotFound);
    }
    let existing = Existing::of_query(q.existing.as_deref())?;
    let max = state.config.import_max_rows;
    let table = parse_upload(move || read_table(&body, max)).await?;
    let done = if q.dry_run {
        let how = (existing, Mode::Check);
        state
            .read(move |c| run_kind(c, &actor, &kind, &table, &grants, how, None))
            .await?
    } else {
        let how = (existing, Mode::Write);
        state
            .write(move |c| run_kind(c, &actor, &kind, &table, &grants, how, None))
            .await?
    };
    let status = if q.dry_run {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Json(ImportResult {
            imported: done.created,
            updated: done.updated,
            skipped: done.skipped,
            dry_run: q.dry_run,
        }),
    ))
}
