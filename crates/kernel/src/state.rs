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
}

/// A fresh write turn for an [`AppState`].
pub fn write_turn() -> Arc<tokio::sync::Semaphore> {
    Arc::new(tokio::sync::Semaphore::new(1))
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
        let turn = tokio::time::timeout(
            self.config.write_wait,
            self.write_turn.clone().acquire_owned(),
        )
        .await
        .map_err(|_| AppError::Busy("waited too long for the turn to write".into()))?
        .map_err(|e| AppError::Internal(format!("write turn: {e}")))?;
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
