//! Background work that a page follows (an import today; monitors, overdue checks and backups
//! soon), recorded and claimed in the database so that nothing assumes one instance:
//!
//! - A request *enqueues* a job: a row with its kind, owner, payload and size.
//! - Every instance runs a *worker* that claims queued jobs one at a time with a conditional
//!   update (two instances never run the same job), runs the module's handler for the kind,
//!   and records the outcome. A handler that changes data records its outcome inside its own
//!   write transaction ([`finish`]), so the work and "done" commit together.
//! - Progress is counted in memory by the running instance and written to the row every half
//!   second (with a heartbeat), so any instance's page shows it. SQLite is one process and one
//!   writer: there the count is written only while no write is under way, and the page of the
//!   running instance shows the live count.
//! - A job whose instance stopped (no heartbeat for [`STALE_SECONDS`], or claimed by an
//!   instance that no longer exists after a restart) is requeued once, then failed with a
//!   message — never silently lost.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::TimeDelta;
use db::DbConn;
use db::schema::jobs;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};
use crate::ids::UserId;
use crate::state::AppState;

crate::id_type!(
    /// A background job.
    JobId
);

crate::text_enum! {
    /// Where a job stands.
    pub enum JobState {
        /// Waiting for a worker.
        Queued = "queued",
        /// Being run by the instance that claimed it.
        Running = "running",
        /// Finished; the outcome says how.
        Done = "done",
        /// Could not finish; the outcome says why.
        Failed = "failed",
    }
}

/// A heartbeat older than this means the instance running the job has stopped.
pub const STALE_SECONDS: i64 = 30;
/// How many times a job is tried before it is failed (a restart during the first try requeues
/// it once).
pub const MAX_ATTEMPTS: i32 = 2;
/// A finished job is kept this long for its page, then removed.
const KEEP_HOURS: i64 = 24;

/// How a job ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Done: how many units (rows imported…).
    Done(u64),
    /// Failed: what to tell the person, as (field, message key or text).
    Failed(Vec<(String, String)>),
}

impl Outcome {
    /// The outcome of a handler's error: field errors stay field errors, anything else is a
    /// fault whose detail goes to the log.
    pub fn of_error(e: &AppError) -> Self {
        match e {
            AppError::Validation(es) => Outcome::Failed(
                es.iter()
                    .map(|f| (f.field.clone(), f.key.to_owned()))
                    .collect(),
            ),
            AppError::BadRequest(f) | AppError::Conflict(f) => {
                Outcome::Failed(vec![(f.field.clone(), f.key.to_owned())])
            }
            other => {
                tracing::error!(error = %other, "background job failed");
                Outcome::Failed(vec![("job".into(), "error-internal".into())])
            }
        }
    }
}

/// A stored job.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = jobs)]
pub struct JobRow {
    /// Id.
    pub id: JobId,
    /// Which module's handler runs it (`registry.import`).
    pub kind: String,
    /// Who started it: only they see it.
    pub owner: UserId,
    /// What it is (a message key).
    pub title: String,
    /// Where to go when it is done.
    pub done_href: String,
    /// What the handler needs (JSON).
    pub payload: String,
    /// Where it stands.
    pub state: JobState,
    /// Units of work in all.
    pub total: i64,
    /// Units done (as last written).
    pub done: i64,
    /// How it ended (JSON of [`Outcome`]).
    pub outcome: Option<String>,
    /// How many times it was claimed.
    pub attempts: i32,
    /// The instance running it.
    pub claimed_by: Option<String>,
    /// When that instance last said it is alive.
    pub heartbeat_at: Option<chrono::NaiveDateTime>,
    /// Enqueued.
    pub created_at: chrono::NaiveDateTime,
    /// Finished.
    pub finished_at: Option<chrono::NaiveDateTime>,
}

impl JobRow {
    /// How it ended, once it has.
    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome
            .as_deref()
            .and_then(|o| serde_json::from_str(o).ok())
    }

    /// Percent done, 0–100.
    pub fn percent(&self) -> u64 {
        let (done, total) = (self.done.max(0), self.total.max(0));
        u64::try_from((done.min(total) * 100).checked_div(total).unwrap_or(100)).unwrap_or(100)
    }
}

/// A job to start.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// The handler's kind.
    pub kind: &'static str,
    /// Who starts it.
    pub owner: UserId,
    /// Its title (a message key).
    pub title: String,
    /// Where to go when it is done.
    pub done_href: String,
    /// Units of work.
    pub total: u64,
    /// What the handler needs.
    pub payload: serde_json::Value,
}

/// Records a job to run (in the caller's transaction, so it exists only if the rest commits).
pub fn enqueue(c: &mut DbConn, new: &NewJob) -> QueryResult<JobId> {
    let id = JobId::new();
    diesel::insert_into(jobs::table)
        .values((
            jobs::id.eq(id),
            jobs::kind.eq(new.kind),
            jobs::owner.eq(new.owner),
            jobs::title.eq(&new.title),
            jobs::done_href.eq(&new.done_href),
            jobs::payload.eq(new.payload.to_string()),
            jobs::state.eq(JobState::Queued),
            jobs::total.eq(i64::try_from(new.total).unwrap_or(i64::MAX)),
            jobs::done.eq(0_i64),
            jobs::attempts.eq(0),
            jobs::created_at.eq(db::now()),
        ))
        .execute(c)?;
    Ok(id)
}

/// A job, if `owner` started it.
pub fn find(c: &mut DbConn, id: JobId, owner: UserId) -> QueryResult<Option<JobRow>> {
    jobs::table
        .find(id)
        .filter(jobs::owner.eq(owner))
        .select(JobRow::as_select())
        .first(c)
        .optional()
}

/// How many times a job was claimed, and by which instance last (for operators and tests).
pub fn attempts(c: &mut DbConn, id: JobId) -> QueryResult<(i32, Option<String>)> {
    jobs::table
        .find(id)
        .select((jobs::attempts, jobs::claimed_by))
        .first(c)
}

/// Records a job's outcome; a handler that changes data calls this inside its own write
/// transaction so the change and "done" commit together.
pub fn finish(c: &mut DbConn, id: JobId, outcome: &Outcome) -> QueryResult<usize> {
    let state = match outcome {
        Outcome::Done(_) => JobState::Done,
        Outcome::Failed(_) => JobState::Failed,
    };
    let done = match outcome {
        Outcome::Done(n) => Some(i64::try_from(*n).unwrap_or(i64::MAX)),
        Outcome::Failed(_) => None,
    };
    let json = serde_json::to_string(outcome).unwrap_or_default();
    let q = diesel::update(
        jobs::table
            .find(id)
            .filter(jobs::state.eq(JobState::Running)),
    );
    match done {
        Some(n) => q
            .set((
                jobs::state.eq(state),
                jobs::outcome.eq(json),
                jobs::done.eq(n),
                jobs::finished_at.eq(db::now()),
            ))
            .execute(c),
        None => q
            .set((
                jobs::state.eq(state),
                jobs::outcome.eq(json),
                jobs::finished_at.eq(db::now()),
            ))
            .execute(c),
    }
}

/// Claims the oldest queued job for `instance`, if there is one. The update only succeeds while
/// the job is still queued, so of two instances racing for it exactly one gets it.
fn claim(c: &mut DbConn, instance: &str) -> QueryResult<Option<JobRow>> {
    let candidates: Vec<JobId> = jobs::table
        .filter(jobs::state.eq(JobState::Queued))
        .order(jobs::created_at.asc())
        .limit(4)
        .select(jobs::id)
        .load(c)?;
    for id in candidates {
        let now = db::now();
        let won = diesel::update(
            jobs::table
                .find(id)
                .filter(jobs::state.eq(JobState::Queued)),
        )
        .set((
            jobs::state.eq(JobState::Running),
            jobs::claimed_by.eq(instance),
            jobs::heartbeat_at.eq(now),
            jobs::attempts.eq(jobs::attempts + 1),
        ))
        .execute(c)?;
        if won == 1 {
            return jobs::table
                .find(id)
                .select(JobRow::as_select())
                .first(c)
                .optional();
        }
    }
    Ok(None)
}

/// Requeues (or, after [`MAX_ATTEMPTS`], fails) the jobs whose instance stopped: claimed by
/// another instance with no heartbeat for [`STALE_SECONDS`], or by an instance of this process's
/// past (its id is not `instance` and the heartbeat is stale). Also removes finished jobs past
/// their keeping time. Returns how many were requeued or failed.
fn sweep(c: &mut DbConn, instance: &str) -> QueryResult<usize> {
    let now = db::now();
    let stale = now - TimeDelta::seconds(STALE_SECONDS);
    let orphaned = || {
        jobs::table
            .filter(jobs::state.eq(JobState::Running))
            .filter(jobs::claimed_by.ne(instance))
            .filter(jobs::heartbeat_at.lt(stale))
    };
    let requeued = diesel::update(orphaned().filter(jobs::attempts.lt(MAX_ATTEMPTS)))
        .set((
            jobs::state.eq(JobState::Queued),
            jobs::claimed_by.eq(None::<String>),
            jobs::done.eq(0_i64),
        ))
        .execute(c)?;
    let lost = Outcome::Failed(vec![("job".into(), "error-job-interrupted".into())]);
    let failed = diesel::update(orphaned())
        .set((
            jobs::state.eq(JobState::Failed),
            jobs::outcome.eq(serde_json::to_string(&lost).unwrap_or_default()),
            jobs::finished_at.eq(now),
        ))
        .execute(c)?;
    diesel::delete(
        jobs::table
            .filter(jobs::state.eq_any([JobState::Done, JobState::Failed]))
            .filter(jobs::finished_at.lt(now - TimeDelta::hours(KEEP_HOURS))),
    )
    .execute(c)?;
    Ok(requeued + failed)
}

/// Units done of a running job, counted by its handler.
#[derive(Debug, Clone, Default)]
pub struct Progress(Arc<AtomicU64>);

impl Progress {
    /// Counts one more unit done.
    pub fn step(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts `n` more units done.
    pub fn advance(&self, n: usize) {
        self.0
            .fetch_add(u64::try_from(n).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// Units done so far.
    pub fn done(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// What a handler gets: the job, its payload and the counter to advance.
#[derive(Debug, Clone)]
pub struct JobRun {
    /// The job.
    pub id: JobId,
    /// Who started it.
    pub owner: UserId,
    /// What it needs.
    pub payload: serde_json::Value,
    /// Its progress.
    pub progress: Progress,
}

/// The future a handler returns: how the job ended.
pub type JobFuture = Pin<Box<dyn Future<Output = Outcome> + Send>>;

/// A kind of job a module runs.
#[derive(Clone, Copy)]
pub struct JobKind {
    /// Its name, `module.what` (`registry.import`).
    pub kind: &'static str,
    /// Runs one job. It records its outcome itself with [`finish`] when it changes data (so the
    /// outcome commits with the change); the outcome it returns is recorded if it did not.
    pub run: fn(AppState, JobRun) -> JobFuture,
}

/// This process's side of the jobs: its instance id, the live counters of the jobs it runs,
/// and a bell to wake its worker when a job is enqueued here.
#[derive(Debug)]
pub struct Runner {
    instance: String,
    running: Mutex<HashMap<JobId, Progress>>,
    bell: tokio::sync::Notify,
}

impl Default for Runner {
    fn default() -> Self {
        Self {
            instance: uuid::Uuid::now_v7().simple().to_string(),
            running: Mutex::new(HashMap::new()),
            bell: tokio::sync::Notify::new(),
        }
    }
}

impl Runner {
    /// This instance's id (recorded on the jobs it claims).
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// Wakes this instance's worker (after enqueueing a job).
    pub fn wake(&self) {
        self.bell.notify_one();
    }

    /// The live count of a job this instance runs, if it runs it.
    pub fn live(&self, id: JobId) -> Option<u64> {
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&id)
            .map(Progress::done)
    }

    fn running(&self) -> Vec<(JobId, u64)> {
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(id, p)| (*id, p.done()))
            .collect()
    }
}

/// Enqueues a job and wakes this instance's worker; returns its id.
pub async fn start(state: &AppState, new: NewJob) -> AppResult<JobId> {
    let id = state.write(move |c| Ok(enqueue(c, &new)?)).await?;
    state.jobs.wake();
    Ok(id)
}

/// A job as its page shows it: the stored row, with the live count when this instance runs it.
pub async fn view(state: &AppState, id: JobId, owner: UserId) -> AppResult<Option<JobRow>> {
    let row = state.read(move |c| Ok(find(c, id, owner)?)).await?;
    Ok(row.map(|mut r| {
        if let Some(live) = state.jobs.live(r.id) {
            r.done = r.done.max(i64::try_from(live).unwrap_or(i64::MAX));
        }
        r
    }))
}

/// Starts this instance's worker and its progress writer (call once per process, inside the
/// runtime). They run until the process ends.
pub fn spawn_worker(state: AppState) {
    let writer = state.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            write_progress(&writer).await;
        }
    });
    tokio::spawn(async move {
        let mut swept = std::time::Instant::now()
            .checked_sub(Duration::from_secs(60))
            .unwrap_or_else(std::time::Instant::now);
        loop {
            if swept.elapsed() > Duration::from_secs(5) {
                let instance = state.jobs.instance.clone();
                if let Err(e) = state.read(move |c| Ok(sweep(c, &instance)?)).await {
                    tracing::warn!(error = %e, "job sweep failed");
                }
                swept = std::time::Instant::now();
            }
            match next(&state).await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "job claim failed"),
            }
            let _ = tokio::time::timeout(Duration::from_secs(1), state.jobs.bell.notified()).await;
        }
    });
}

/// Ages every running job's heartbeat past [`STALE_SECONDS`], as if the instances running them
/// had stopped that long ago: what the tests of a stopped instance use instead of waiting.
pub fn backdate_heartbeats(c: &mut DbConn) -> QueryResult<usize> {
    diesel::update(jobs::table.filter(jobs::state.eq(JobState::Running)))
        .set(jobs::heartbeat_at.eq(db::now() - TimeDelta::seconds(STALE_SECONDS + 5)))
        .execute(c)
}

/// Writes the live counts and heartbeats of this instance's running jobs. On SQLite a write in
/// progress holds the one write lock: the counts wait for the next tick rather than queue
/// behind it.
async fn write_progress(state: &AppState) {
    let running = state.jobs.running();
    if running.is_empty() || (state.is_sqlite() && state.writing()) {
        return;
    }
    let instance = state.jobs.instance.clone();
    let written = state
        .read(move |c| {
            let now = db::now();
            for (id, done) in running {
                diesel::update(
                    jobs::table
                        .find(id)
                        .filter(jobs::state.eq(JobState::Running))
                        .filter(jobs::claimed_by.eq(&instance)),
                )
                .set((
                    jobs::done.eq(i64::try_from(done).unwrap_or(i64::MAX)),
                    jobs::heartbeat_at.eq(now),
                ))
                .execute(c)?;
            }
            Ok(())
        })
        .await;
    if let Err(e) = written {
        tracing::debug!(error = %e, "job progress not written this time");
    }
}

/// Claims and runs one job; whether there was one.
async fn next(state: &AppState) -> AppResult<bool> {
    let instance = state.jobs.instance.clone();
    let Some(job) = state.read(move |c| Ok(claim(c, &instance)?)).await? else {
        return Ok(false);
    };
    let handler = state.modules.job_kind(&job.kind);
    let progress = Progress::default();
    state
        .jobs
        .running
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(job.id, progress.clone());
    let outcome = match handler {
        Some(kind) => {
            let run = JobRun {
                id: job.id,
                owner: job.owner,
                payload: serde_json::from_str(&job.payload).unwrap_or_default(),
                progress,
            };
            // The handler runs as its own task: a panic in it fails the job, not the worker.
            match tokio::spawn((kind.run)(state.clone(), run)).await {
                Ok(outcome) => outcome,
                Err(e) => {
                    tracing::error!(error = %e, kind = %job.kind, "job handler panicked");
                    Outcome::Failed(vec![("job".into(), "error-internal".into())])
                }
            }
        }
        None => {
            tracing::error!(kind = %job.kind, "no module runs this kind of job");
            Outcome::Failed(vec![("job".into(), "error-internal".into())])
        }
    };
    let id = job.id;
    // A no-op when the handler recorded its outcome with its own change.
    let recorded = state.read(move |c| Ok(finish(c, id, &outcome)?)).await;
    state
        .jobs
        .running
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .remove(&id);
    recorded?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A migrated SQLite database in a temporary directory.
    fn database() -> (tempfile::TempDir, DbConn) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("jobs.db").display());
        let mut conn = db::Manager::new(&url).unwrap().connect().unwrap();
        db::migrate(&mut conn).unwrap();
        (dir, conn)
    }

    fn backdate(c: &mut DbConn, id: JobId) {
        diesel::update(jobs::table.find(id))
            .set(jobs::heartbeat_at.eq(db::now() - TimeDelta::seconds(STALE_SECONDS + 5)))
            .execute(c)
            .unwrap();
    }

    #[test]
    fn a_job_is_claimed_once_and_one_left_by_a_stopped_instance_is_requeued_then_failed() {
        let (_dir, mut c) = database();
        let new = NewJob {
            kind: "test.job",
            owner: UserId::new(),
            title: "t".into(),
            done_href: "/".into(),
            total: 3,
            payload: serde_json::json!({"n": 3}),
        };
        let id = enqueue(&mut c, &new).unwrap();
        let first = claim(&mut c, "gone").unwrap().unwrap();
        assert_eq!(
            (first.id, first.state, first.attempts),
            (id, JobState::Running, 1)
        );
        assert!(claim(&mut c, "other").unwrap().is_none(), "claimed once");
        // Alive: left alone. Silent too long: requeued, then claimed again.
        assert_eq!(sweep(&mut c, "me").unwrap(), 0);
        backdate(&mut c, id);
        assert_eq!(sweep(&mut c, "me").unwrap(), 1);
        let again = claim(&mut c, "gone-too").unwrap().unwrap();
        assert_eq!((again.attempts, again.done), (2, 0));
        // Its second instance stops too: failed with a message, never lost.
        backdate(&mut c, id);
        assert_eq!(sweep(&mut c, "me").unwrap(), 1);
        let row = jobs::table
            .find(id)
            .select(JobRow::as_select())
            .first(&mut c)
            .unwrap();
        assert_eq!(row.state, JobState::Failed);
        assert_eq!(
            row.outcome(),
            Some(Outcome::Failed(vec![(
                "job".into(),
                "error-job-interrupted".into()
            )]))
        );
        // A finished job's outcome is not overwritten by a late writer.
        assert_eq!(finish(&mut c, id, &Outcome::Done(3)).unwrap(), 0);
    }

    #[test]
    fn percent_and_outcomes() {
        let now = chrono::NaiveDateTime::default();
        let mut row = JobRow {
            id: JobId::new(),
            kind: "k".into(),
            owner: UserId::new(),
            title: "t".into(),
            done_href: "/".into(),
            payload: "{}".into(),
            state: JobState::Running,
            total: 4,
            done: 1,
            outcome: None,
            attempts: 1,
            claimed_by: None,
            heartbeat_at: None,
            created_at: now,
            finished_at: None,
        };
        assert_eq!(row.percent(), 25);
        row.done = 9;
        assert_eq!(row.percent(), 100, "never past the whole");
        row.total = 0;
        assert_eq!(row.percent(), 100);
        let failed = Outcome::of_error(&AppError::field("line 2: name", "error-required"));
        row.outcome = serde_json::to_string(&failed).ok();
        assert_eq!(
            row.outcome(),
            Some(Outcome::Failed(vec![(
                "line 2: name".into(),
                "error-required".into()
            )]))
        );
    }
}
