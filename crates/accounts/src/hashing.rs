//! Passwords: argon2id hashes, and checks on a fixed pool of threads, one per core, each
//! reusing its own argon2 memory. A sign-in storm then costs cores × 19 MiB, held once — not a fresh 19 MiB per
//! request on whichever blocking thread runs it (which the allocator keeps per thread: a
//! 32-connection load test left 650 MB resident).

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use kernel::{AppError, AppResult};

/// Hashes a password with argon2id (the crate's defaults: 19 MiB, 2 passes, 1 lane, as
/// OWASP recommends).
pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hash: {e}")))
}

/// Whether `password` matches the stored hash (on the calling thread; sign-ins use
/// [`verify`], on the pool).
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// An argon2id hash of a random string, checked against when the login does not exist, so an
/// unknown login costs as much as a known one.
pub(crate) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2ltcHVsZHVtbXlzYWx0$WZ1Bq6r5T5rJ0cjpKQ2mXeGr7bTg7+Y9x1y0c9bZq1M";

struct Job {
    password: String,
    stored: String,
    reply: tokio::sync::oneshot::Sender<bool>,
}

static POOL: OnceLock<Option<SyncSender<Job>>> = OnceLock::new();

fn start() -> Option<SyncSender<Job>> {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let (tx, rx) = sync_channel::<Job>(1024);
    let rx = Arc::new(Mutex::new(rx));
    for i in 0..cores {
        let rx: Arc<Mutex<Receiver<Job>>> = rx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("argon2-{i}"))
            .spawn(move || {
                let mut blocks: Vec<Block> = Vec::new();
                loop {
                    let job = match rx.lock() {
                        Ok(guard) => guard.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    let _ = job
                        .reply
                        .send(verify_with(&mut blocks, &job.password, &job.stored));
                }
            });
        if spawned.is_err() {
            return None;
        }
    }
    Some(tx)
}

/// Hashes a new password on a blocking thread (it takes tens of milliseconds), before — never
/// inside — a write transaction.
pub async fn hash(password: String) -> kernel::AppResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| kernel::AppError::Internal(format!("hashing task: {e}")))?
}

/// Checks `password` against a stored PHC argon2 hash on the pool; `false` for any malformed hash.
pub async fn verify(password: String, stored: String) -> bool {
    let Some(tx) = POOL.get_or_init(start) else {
        // No threads could be started: check on a blocking thread instead.
        return tokio::task::spawn_blocking(move || verify_password(&password, &stored))
            .await
            .unwrap_or(false);
    };
    let (reply, answer) = tokio::sync::oneshot::channel();
    let tx = tx.clone();
    let job = Job {
        password,
        stored,
        reply,
    };
    // A full queue means a storm: wait for room off the async threads.
    if tokio::task::spawn_blocking(move || tx.send(job))
        .await
        .map(|r| r.is_err())
        .unwrap_or(true)
    {
        return false;
    }
    answer.await.unwrap_or(false)
}

/// One verification in caller-owned memory, grown to the hash's memory cost and reused.
fn verify_with(blocks: &mut Vec<Block>, password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::V0x13,
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let needed = params.block_count();
    if blocks.len() < needed {
        blocks.resize(needed, Block::default());
    }
    let Some(memory) = blocks.get_mut(..needed) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    if Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, memory)
        .is_err()
    {
        return false;
    }
    out.len() == expected.as_bytes().len()
        && out
            .iter()
            .zip(expected.as_bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooled_verification_agrees_with_the_crate() {
        let stored = hash_password("pool-password-123").unwrap();
        let mut blocks = Vec::new();
        assert!(verify_with(&mut blocks, "pool-password-123", &stored));
        assert!(!verify_with(&mut blocks, "pool-password-124", &stored));
        assert!(!verify_with(&mut blocks, "x", "not a hash"));
        assert_eq!(blocks.len(), 19456, "memory is kept for the next check");
    }

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn dummy_hash_parses_so_unknown_logins_cost_a_real_check() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[tokio::test]
    async fn the_pool_answers() {
        let stored = hash_password("pool-password-123").unwrap();
        assert!(verify("pool-password-123".into(), stored.clone()).await);
        assert!(!verify("wrong".into(), stored).await);
    }
}
