//! The application state every handler receives, and the two ways to reach the database:
//! `read` (a pooled connection on a blocking thread) and `write` (the same, once it is this
//! process's turn to write, inside a transaction that holds the audit-chain lock, so a change
//! and its audit event commit together).

use std::sync::Arc;
use std::time::Instant;

use db::{DbConn, Pool};
use diesel::Connection;

use crate::config::Config;
use crate::error::{AppError, AppResult};
use crate::metrics::Metrics;
use crate::module::Modules;

/// Shared, cheaply cloned state.
#[derive(Clone)]
pub struct AppState {
    /// The connection pool.
    pub pool: Pool,
    /// Settings.
    pub config: Arc<Config>,
    /// Uploaded files, where every instance reads them.
    pub blobs: crate::blob::Blobs,
    /// Every context plugged in, and what they contribute.
    pub modules: Arc<Modules>,
    /// Request counters for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// When the process started.
    pub started: Instant,
    /// Process-local caches, invalidated by every audited change.
    pub cache: Arc<crate::cache::Caches>,
    /// This instance's side of the background jobs (their rows are in the database).
    pub jobs: Arc<crate::jobs::Runner>,
    /// This process's turn to write. A writer waits for it before it takes a pooled
    /// connection, so writers queueing behind a long import wait here, holding nothing,
    /// instead of holding connections while the database's chain lock keeps them waiting
    /// (which starved reads and ran the pool dry). At most one connection per process waits
    /// on the chain lock; the others stay free for reads.
    pub write_turn: Arc<tokio::sync::Semaphore>,
    /// SQLite writes waiting to be committed together (see [`AppState::write_unaudited`]).
    pub commit_group: Arc<CommitGroup>,
}

/// One write of a commit group: it runs in a savepoint of its own and returns what tells its
/// caller the result once the group has committed (or failed to).
type GroupedWrite =
    Box<dyn FnOnce(&mut DbConn) -> Box<dyn FnOnce(Result<(), String>) + Send> + Send>;

/// The most writes one group commits at once (its transaction stays short).
const GROUP_MAX: usize = 256;

/// Writes waiting for one of them to commit them all.
#[derive(Default)]
pub struct CommitGroup {
    waiting: std::sync::Mutex<(u64, Vec<(u64, GroupedWrite)>)>,
}

impl CommitGroup {
    fn join(&self, write: GroupedWrite) -> u64 {
        let mut w = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        w.0 += 1;
        let id = w.0;
        w.1.push((id, write));
        id
    }

    /// Takes a write out of the group; false if a committer already took it.
    fn leave(&self, id: u64) -> bool {
        let mut w = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        let before = w.1.len();
        w.1.retain(|(i, _)| *i != id);
        w.1.len() < before
    }

    fn take(&self) -> Vec<GroupedWrite> {
        let mut w = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        let n = w.1.len().min(GROUP_MAX);
        w.1.drain(..n).map(|(_, write)| write).collect()
    }
}

/// A fresh write turn for an [`AppState`].
pub fn write_turn() -> Arc<tokio::sync::Semaphore> {
    Arc::new(tokio::sync::Semaphore::new(1))
}

/// The region's time zone as last read, and when.
#[derive(Default)]
struct ZoneMemo(std::sync::Mutex<Option<(Instant, crate::time::Zone)>>);

/// How long an instance shows times in the zone it last read; the instance where the region
/// profile changes forgets it at once ([`AppState::forget_zone`]), the others within this.
const ZONE_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(5);

impl AppState {
    /// The region's time zone, for the times pages show (read at most every few seconds).
    pub async fn zone(&self) -> crate::time::Zone {
        let memo = self.cache.slot::<ZoneMemo>();
        if let Some((at, zone)) = *memo.0.lock().unwrap_or_else(|e| e.into_inner())
            && at.elapsed() < ZONE_MAX_AGE
        {
            return zone;
        }
        let modules = self.modules.clone();
        match self.read(move |c| Ok(modules.time_zone(c)?)).await {
            Ok(zone) => {
                *memo.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), zone));
                zone
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not read the region's time zone; showing WIB");
                crate::time::Zone::default()
            }
        }
    }

    /// After the region profile changed: the next page reads the zone again.
    pub fn forget_zone(&self) {
        *self
            .cache
            .slot::<ZoneMemo>()
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Runs `f` on a pooled connection, off the async threads.
    pub async fn read<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await
        .map_err(|e| AppError::Internal(format!("blocking task: {e}")))?
    }

    /// Runs `f` in one transaction that first takes the write lock; if `f` fails, nothing
    /// it wrote remains. Cached reads are invalidated once it has run.
    pub async fn write<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
    {
        let turn = self.take_turn().await?;
        let result = self
            .read(move |conn| {
                let out = write_tx(conn, f);
                drop(turn);
                out
            })
            .await;
        self.cache.bump();
        result
    }

    /// Runs `f` as a write and rolls back whatever it wrote: what an import would do, checked
    /// against the database exactly as the import checks it (a preview, a dry run).
    pub async fn dry_run<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
    {
        let kept = Arc::new(std::sync::Mutex::new(None));
        let out = kept.clone();
        let result = self
            .write(move |c| {
                let done = f(c)?;
                if let Ok(mut slot) = out.lock() {
                    *slot = Some(done);
                }
                // Failing is what makes the transaction roll back.
                Err::<(), _>(AppError::Internal("a dry run rolls back".into()))
            })
            .await;
        let done = kept.lock().ok().and_then(|mut slot| slot.take());
        match (done, result) {
            (Some(done), _) => Ok(done),
            (None, Err(e)) => Err(e),
            (None, Ok(())) => Err(AppError::Internal("a dry run kept nothing".into())),
        }
    }

    /// Runs `f` in a transaction of its own that records no audit event (the provider's tokens
    /// and codes); if `f` fails, nothing it wrote remains.
    ///
    /// On SQLite, which has one writer, such writes are committed in groups: each joins the
    /// waiting group, and whichever of them gets this process's turn to write runs the whole
    /// group in one transaction, each write in a savepoint of its own, and commits (and
    /// syncs) once for all. A caller hears of its write only after that commit, so an
    /// acknowledged write is on disk as before; one commit per write made the sync the limit
    /// of the token endpoint. PostgreSQL locks rows and commits such writes side by side.
    pub async fn write_unaudited<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
    {
        if !self.is_sqlite() {
            return self.read(move |conn| conn.transaction(f)).await;
        }
        let (sender, mut answer) = tokio::sync::oneshot::channel::<AppResult<T>>();
        let id = self.commit_group.join(Box::new(move |conn| {
            let out = conn.transaction(f);
            Box::new(move |committed: Result<(), String>| {
                let _ = sender.send(committed.map_err(AppError::Internal).and(out));
            })
        }));
        let lost = || AppError::Internal("a grouped write lost its answer".into());
        loop {
            tokio::select! {
                biased;
                out = &mut answer => return out.map_err(|_| lost())?,
                turn = self.take_turn() => match turn {
                    Ok(turn) => self.commit_waiting(turn).await?,
                    // Still waiting: it never runs. Already taken: its answer is coming.
                    Err(busy) if self.commit_group.leave(id) => return Err(busy),
                    Err(_) => return answer.await.map_err(|_| lost())?,
                },
            }
        }
    }

    /// Runs the waiting group (holding the turn to write) in one transaction.
    async fn commit_waiting(&self, turn: tokio::sync::OwnedSemaphorePermit) -> AppResult<()> {
        let group = self.commit_group.take();
        if group.is_empty() {
            return Ok(());
        }
        self.read(move |conn| {
            let mut answers = Vec::with_capacity(group.len());
            let committed = conn.transaction(|tx| {
                for write in group {
                    answers.push(write(tx));
                }
                diesel::QueryResult::Ok(())
            });
            drop(turn);
            let outcome = committed.map_err(|e| format!("grouped commit: {e}"));
            for answer in answers {
                answer(outcome.clone());
            }
            Ok(())
        })
        .await
    }

    async fn take_turn(&self) -> AppResult<tokio::sync::OwnedSemaphorePermit> {
        tokio::time::timeout(
            self.config.write_wait,
            self.write_turn.clone().acquire_owned(),
        )
        .await
        .map_err(|_| AppError::Busy("waited too long for the turn to write".into()))?
        .map_err(|e| AppError::Internal(format!("write turn: {e}")))
    }

    /// Whether a writer of this process holds its turn to write (is in, or about to open, its
    /// write transaction).
    pub fn writing(&self) -> bool {
        self.write_turn.available_permits() == 0
    }

    /// Whether the database is SQLite (one process, one writer).
    pub fn is_sqlite(&self) -> bool {
        db::Backend::of_url(&self.config.database_url) == Some(db::Backend::Sqlite)
    }
}

/// The synchronous form of [`AppState::write`], for the CLI and the demo loader.
pub fn write_tx<T>(conn: &mut DbConn, f: impl FnOnce(&mut DbConn) -> AppResult<T>) -> AppResult<T> {
    conn.transaction(|tx| {
        db::lock_for_write(tx)?;
        let out = f(tx)?;
        crate::audit::seal(tx)?;
        // Other instances drop their cached reads when this commits.
        db::notify_change(tx)?;
        Ok(out)
    })
}
