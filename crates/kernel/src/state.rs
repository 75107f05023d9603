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
    /// Rate limits against guessing.
    pub limits: Arc<crate::ratelimit::Limits>,
    /// Process-local caches, invalidated by every audited change.
    pub cache: Arc<crate::cache::Caches>,
    /// Long work in the background, with its progress.
    pub jobs: Arc<crate::jobs::Jobs>,
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
        let result = self.read(move |conn| write_tx(conn, f)).await;
        self.cache.bump();
        result
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
        Ok(out)
    })
}
