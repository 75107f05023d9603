//! The application state every handler receives, and the two ways to reach the database:
//! `read` (a pooled connection on a blocking thread) and `write` (the same inside a
//! transaction that holds the audit-chain lock, so a change and its audit event commit together).

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
    /// Write transactions under way in this process.
    pub writes: Arc<std::sync::atomic::AtomicUsize>,
}

impl AppState {
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
        use std::sync::atomic::Ordering;
        let writes = self.writes.clone();
        let result = self
            .read(move |conn| {
                writes.fetch_add(1, Ordering::AcqRel);
                let out = write_tx(conn, f);
                writes.fetch_sub(1, Ordering::AcqRel);
                out
            })
            .await;
        self.cache.bump();
        result
    }

    /// Whether a write transaction is under way in this process.
    pub fn writing(&self) -> bool {
        self.writes.load(std::sync::atomic::Ordering::Acquire) > 0
    }

    /// Whether the database is SQLite (one process, one writer).
    pub fn is_sqlite(&self) -> bool {
        db::Backend::of_url(&self.config.database_url) == Some(db::Backend::Sqlite)
    }
}

impl AppState {
    /// Runs `f` as [`AppState::write`] would, then undoes everything it wrote: a dry run
    /// that checks an import against the database as it really is.
    pub async fn dry_run<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
    {
        self.read(move |conn| {
            let mut out = None;
            let undone: AppResult<()> = conn.transaction(|tx| {
                db::lock_for_write(tx)?;
                out = Some(f(tx).and_then(|v| {
                    crate::audit::seal(tx)?;
                    Ok(v)
                }));
                Err(AppError::Internal("dry run".into()))
            });
            match (out, undone) {
                (Some(result), _) => result,
                (None, Err(e)) => Err(e),
                (None, Ok(())) => Err(AppError::Internal("dry run".into())),
            }
        })
        .await
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
