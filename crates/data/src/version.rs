//! A new version of a dataset: the upload is kept in the blob store and a version recorded as
//! being read; a background job (claimed in the database, so any instance may run it) reads
//! the file into the version's own table in one transaction — a file with any bad row leaves
//! no table behind, only its report — then makes the version current and moves the due date
//! on. A job cut off by a crash is claimed again and starts over from a clean slate.

use axum::body::Bytes;
use db::DbConn;
use diesel::Connection;
use kernel::audit::{self, Actor, Change};
use kernel::jobs::{self, JobFuture, JobKind, JobRun, NewJob, Outcome, Progress};
use kernel::{AppError, AppResult, AppState, FieldError};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::ingest::{self, Loaded, Previous, Report};
use crate::model::{DatasetId, VersionId};
use crate::regions::Check;
use crate::store::{self, DatasetRow, Finished, NewVersion, VersionRow, VersionStatus};
use crate::table;

/// The kind of job that reads an upload.
pub const INGEST_JOB: JobKind = JobKind {
    kind: "data.ingest",
    run: run_job,
};

/// What the job needs.
#[derive(Debug, Serialize, Deserialize)]
struct IngestJob {
    version: VersionId,
    actor: Option<kernel::ids::UserId>,
    label: String,
}

/// Rows a file seems to hold, for the progress bar: its lines less the header (a CSV; a
/// workbook is counted as it is read).
fn estimated_rows(bytes: &[u8]) -> u64 {
    if bytes.starts_with(b"PK\x03\x04") {
        return 0;
    }
    let lines = bytes.iter().filter(|b| **b == b'\n').count();
    u64::try_from(lines.saturating_sub(1).max(1)).unwrap_or(u64::MAX)
}

/// Keeps the file and records the version, to be read in the background; with `job_owner`
/// the reading is a job that owner can follow, without it the caller reads it now (the CLI).
pub async fn upload(
    state: &AppState,
    actor: &Actor,
    dataset: DatasetId,
    file_name: &str,
    bytes: Bytes,
    job_owner: Option<kernel::ids::UserId>,
) -> AppResult<VersionRow> {
    if bytes.is_empty() {
        return Err(AppError::field("file", "data-error-file-empty"));
    }
    let total = estimated_rows(&bytes);
    let sha = state.blobs.put(bytes).await?;
    let (actor, file_name) = (actor.clone(), file_name.to_owned());
    let version = state
        .write(move |c| {
            let ds = store::find(c, dataset)?.ok_or(AppError::NotFound)?;
            let columns = store::columns(c, dataset)?;
            if columns.is_empty() {
                return Err(AppError::field("file", "data-error-no-schema"));
            }
            if store::ingesting(c, dataset)? {
                return Err(AppError::Conflict(FieldError::new("file", "data-error-ingesting")));
            }
            let name = kernel::validate::has_control(&file_name)
                .then(String::new)
                .unwrap_or_else(|| file_name.chars().take(200).collect());
            let v = store::add_version(
                c,
                &NewVersion {
                    dataset,
                    columns: &columns,
                    file_name: &name,
                    file_sha: &sha,
                },
                &actor.label,
            )?;
            if let Some(owner) = job_owner {
                let payload = serde_json::to_value(IngestJob {
                    version: v.id,
                    actor: actor.id,
                    label: actor.label.clone(),
                })
                .map_err(|e| AppError::Internal(e.to_string()))?;
                let job = jobs::enqueue(
                    c,
                    &NewJob {
                        kind: INGEST_JOB.kind,
                        owner,
                        title: "data-ingest-title".into(),
                        done_href: format!("/data/{}/versions/{}", ds.id, v.number),
                        total,
                        payload,
                    },
                )?;
                store::set_version_job(c, v.id, &job.to_string())?;
            }
            audit::record(
                c,
                &actor,
                Change {
                    action: "dataset.upload",
                    record_type: "dataset",
                    record_id: ds.id.to_string(),
                    agency: Some(ds.agency_id),
                    summary: json!({"version": v.number, "file": v.file_name, "sha256": v.file_sha}),
                },
            )?;
            Ok(v)
        })
        .await?;
    if job_owner.is_some() {
        state.jobs.wake();
    }
    Ok(version)
}

fn run_job(state: AppState, job: JobRun) -> JobFuture {
    Box::pin(async move {
        let p: IngestJob = match serde_json::from_value(job.payload.clone()) {
            Ok(p) => p,
            Err(e) => {
                return Outcome::of_error(&AppError::Internal(format!("ingest payload: {e}")));
            }
        };
        let actor = Actor {
            id: p.actor,
            label: p.label,
        };
        match read(&state, &actor, p.version, &job.progress, Some(job.id)).await {
            Ok(v) if v.status == VersionStatus::Ready => {
                Outcome::Done(u64::try_from(v.row_count).unwrap_or(0))
            }
            Ok(_) => Outcome::Failed(vec![("file".into(), "data-ingest-refused".into())]),
            Err(e) => Outcome::of_error(&e),
        }
    })
}

/// The current version as the diff of the next needs it: its rows' hashes, keyed by the new
/// schema's unique column when the old one has it too.
fn previous_of(
    c: &mut DbConn,
    current: Option<&VersionRow>,
    columns: &[crate::variables::Column],
) -> AppResult<Option<Previous>> {
    let Some(p) = current else {
        return Ok(None);
    };
    let key = ingest::key_column(columns)
        .and_then(|k| columns.get(k))
        .and_then(|k| p.schema().iter().position(|o| o.name == k.name));
    Ok(Some(Previous::new(table::fingerprints(
        c,
        &p.table_name,
        key,
    )?)))
}

/// Reads a recorded version's file into its table, then records how it ended (with the job's
/// outcome, when a job runs it, in the same transaction).
pub async fn read(
    state: &AppState,
    actor: &Actor,
    id: VersionId,
    progress: &Progress,
    job: Option<jobs::JobId>,
) -> AppResult<VersionRow> {
    let (version, dataset, previous) = state
        .read(move |c| {
            let v = store::find_version(c, id)?.ok_or(AppError::NotFound)?;
            let ds = store::find(c, v.dataset_id)?.ok_or(AppError::NotFound)?;
            let prev = match ds.current_version {
                Some(p) => store::find_version(c, p)?,
                None => None,
            };
            Ok((v, ds, prev))
        })
        .await?;
    if version.status != VersionStatus::Ingesting {
        return Ok(version);
    }
    let bytes = state.blobs.get(&version.file_sha).await?;
    let columns = version.schema();
    let name = version.table_name.clone();
    let progress = progress.clone();
    let result = state
        .read(move |c| {
            // A crash may have left the table of an earlier attempt committed.
            table::drop(c, &name)?;
            let previous = previous_of(c, previous.as_ref(), &columns)?;
            let added = store::added_regions(c)?;
            let mut outcome = None;
            let tx = c.transaction::<_, AppError, _>(|c| {
                table::create(c, &name, &columns)?;
                table::prepare(c)?;
                let per_write = table::rows_per_write(c.backend(), columns.len());
                let regions = Check::Listed(&added);
                let out = ingest::load(
                    &bytes,
                    &columns,
                    regions,
                    previous,
                    &progress,
                    per_write,
                    |rows| table::insert(c, &name, &columns, rows),
                )?;
                let failed = out.is_err();
                if !failed {
                    table::index(c, &name, &columns)?;
                }
                outcome = Some(out);
                if failed {
                    // Undo the table and every row written before the first bad one.
                    return Err(AppError::Internal("refused".into()));
                }
                Ok(())
            });
            table::finish(c)?;
            match (tx, outcome) {
                (_, Some(out)) => Ok(out),
                (Err(e), None) => Err(e),
                (Ok(()), None) => Err(AppError::Internal("ingest ended without an outcome".into())),
            }
        })
        .await?;
    finish(state, actor, &version, &dataset, result, job).await
}

async fn finish(
    state: &AppState,
    actor: &Actor,
    version: &VersionRow,
    dataset: &DatasetRow,
    result: Result<Loaded, Report>,
    job: Option<jobs::JobId>,
) -> AppResult<VersionRow> {
    let (actor, version_id, ds) = (actor.clone(), version.id, dataset.clone());
    let today = crate::today(state).await;
    state
        .write(move |c| {
            conclude(c, &actor, version_id, &ds, &result, today)?;
            if let Some(job) = job {
                let outcome = match &result {
                    Ok(l) => Outcome::Done(u64::try_from(l.rows).unwrap_or(0)),
                    Err(_) => Outcome::Failed(vec![("file".into(), "data-ingest-refused".into())]),
                };
                jobs::finish(c, job, &outcome)?;
            }
            Ok(())
        })
        .await?;
    state
        .read(move |c| store::find_version(c, version_id)?.ok_or(AppError::NotFound))
        .await
}

/// Records how a reading ended: the version ready (and current, the due date moved on) or
/// refused with its report, and the audit event — unless another worker recorded it first.
fn conclude(
    c: &mut DbConn,
    actor: &Actor,
    version_id: VersionId,
    ds: &DatasetRow,
    result: &Result<Loaded, Report>,
    today: chrono::NaiveDate,
) -> AppResult<()> {
    let (finished, action, summary) = match result {
        Ok(l) => (
            Finished {
                status: VersionStatus::Ready,
                rows: l.rows,
                diff: (l.added, l.removed, l.changed),
                report: String::new(),
            },
            "dataset.version",
            json!({"rows": l.rows, "added": l.added, "removed": l.removed, "changed": l.changed}),
        ),
        Err(r) => (
            Finished {
                status: VersionStatus::Failed,
                rows: 0,
                diff: (0, 0, 0),
                report: serde_json::to_string(r).unwrap_or_default(),
            },
            "dataset.version_refused",
            json!({"bad_rows": r.bad_rows, "missing": r.missing_columns.len(), "unknown": r.unknown_columns.len()}),
        ),
    };
    if !store::finish_version(c, version_id, &finished)? {
        return Ok(());
    }
    let v = store::find_version(c, version_id)?.ok_or(AppError::NotFound)?;
    if finished.status == VersionStatus::Ready {
        store::make_current(c, ds.id, version_id, ds.frequency.next_due(today))?;
        if ds.classification == crate::model::Classification::Public {
            // The Walidata checks it before the portal shows it.
            let number = v.number.to_string();
            kernel::notify::notify(
                c,
                kernel::notify::Audience::Dinas,
                "data-notify-review",
                &[("title", &ds.title), ("version", &number)],
                &format!("/data/{}/versions/{}", ds.id, v.number),
                &actor.label,
            )?;
        }
    }
    audit::record(
        c,
        actor,
        Change {
            action,
            record_type: "dataset",
            record_id: ds.id.to_string(),
            agency: Some(ds.agency_id),
            summary: json!({"version": v.number, "result": summary}),
        },
    )?;
    Ok(())
}

/// Reads a file on the server into a new version of the dataset named by its slug or id,
/// inside the caller's transaction (`simpul data ingest`): the version's number and how the
/// reading ended. The file itself stays where it is, not in the blob store.
pub fn load_file(
    c: &mut DbConn,
    actor: &Actor,
    dataset: &str,
    file_name: &str,
    bytes: &[u8],
) -> AppResult<(i32, Result<Loaded, Report>)> {
    let ds = match DatasetId::parse(dataset) {
        Some(id) => store::find(c, id)?,
        None => store::find_by_slug(c, dataset)?,
    }
    .ok_or(AppError::NotFound)?;
    if store::columns(c, ds.id)?.is_empty() {
        return Err(AppError::field("file", "data-error-no-schema"));
    }
    let today = org::directory::today(c)?;
    let (number, result) = load_now(c, actor, ds.id, file_name, bytes, today)?;
    Ok((number, result))
}

/// Reads a small file into a new version at once, inside the caller's transaction (the demo;
/// the file itself is not kept in the blob store): the version's number and how it ended.
pub fn load_now(
    c: &mut DbConn,
    actor: &Actor,
    dataset: DatasetId,
    file_name: &str,
    bytes: &[u8],
    today: chrono::NaiveDate,
) -> AppResult<(i32, Result<Loaded, Report>)> {
    let ds = store::find(c, dataset)?.ok_or(AppError::NotFound)?;
    let columns = store::columns(c, dataset)?;
    let v = store::add_version(
        c,
        &NewVersion {
            dataset,
            columns: &columns,
            file_name,
            file_sha: &kernel::blob::sha256(bytes),
        },
        &actor.label,
    )?;
    table::create(c, &v.table_name, &columns)?;
    table::prepare(c)?;
    let current = match ds.current_version {
        Some(p) => store::find_version(c, p)?,
        None => None,
    };
    let previous = previous_of(c, current.as_ref(), &columns)?;
    let per_write = table::rows_per_write(c.backend(), columns.len());
    let added = store::added_regions(c)?;
    let result = ingest::load(
        bytes,
        &columns,
        Check::Listed(&added),
        previous,
        &Progress::default(),
        per_write,
        |rows| table::insert(c, &v.table_name, &columns, rows),
    )?;
    match &result {
        Ok(_) => table::index(c, &v.table_name, &columns)?,
        Err(_) => table::drop(c, &v.table_name)?,
    }
    table::finish(c)?;
    conclude(c, actor, v.id, &ds, &result, today)?;
    Ok((v.number, result))
}
