//! The blob store: files (documents, uploads) kept under the data directory, addressed by the
//! SHA-256 of their content, so the same file is stored once and can be checked for damage.
//! Metadata (name, type, who uploaded it) is the owning context's, in the database.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

/// Whether `sha256` is a hex SHA-256, so that it can name a file and nothing else.
fn is_sha256(sha256: &str) -> bool {
    sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Where a blob lives: `<data_dir>/blobs/ab/cdef…`.
fn path_of(data_dir: &Path, sha256: &str) -> Option<PathBuf> {
    is_sha256(sha256).then(|| data_dir.join("blobs").join(&sha256[..2]).join(&sha256[2..]))
}

/// The hex SHA-256 of some bytes.
pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Stores `bytes` (written to a temporary file, then renamed, so a blob is whole or absent);
/// returns its address.
pub fn put(data_dir: &Path, bytes: &[u8]) -> AppResult<String> {
    let sha = sha256(bytes);
    let path = path_of(data_dir, &sha).ok_or_else(|| AppError::Internal("blob path".into()))?;
    if path.exists() {
        return Ok(sha);
    }
    let dir = path
        .parent()
        .ok_or_else(|| AppError::Internal("blob dir".into()))?;
    let io = |e: std::io::Error| AppError::Internal(format!("blob store: {e}"));
    std::fs::create_dir_all(dir).map_err(io)?;
    let tmp = dir.join(format!(".{}.tmp", uuid::Uuid::now_v7()));
    let mut f = std::fs::File::create(&tmp).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(io)?;
    Ok(sha)
}

/// Reads a blob, checking it still has the content its address names.
pub fn get(data_dir: &Path, sha: &str) -> AppResult<Vec<u8>> {
    read_checked(path_of(data_dir, sha), sha)
}

/// The file at `path` if it is there and its content still has the hash `sha`.
fn read_checked(path: Option<PathBuf>, sha: &str) -> AppResult<Vec<u8>> {
    let bytes = std::fs::read(path.ok_or(AppError::NotFound)?).map_err(|_| AppError::NotFound)?;
    if sha256(&bytes) != sha {
        return Err(AppError::Internal(format!("stored file {sha} is damaged")));
    }
    Ok(bytes)
}

/// How long an uploaded file waits for its confirmation (an import preview) before it is
/// removed.
pub const SCRATCH_HOURS: u64 = 24;
/// Most bytes all waiting uploads may take together; past this, new previews wait.
pub const SCRATCH_MAX_BYTES: u64 = 1024 * 1024 * 1024;

fn scratch_path(data_dir: &Path, sha256: &str) -> Option<PathBuf> {
    is_sha256(sha256).then(|| data_dir.join("scratch").join(sha256))
}

/// Keeps an upload that waits for confirmation (an import's preview) out of the blob store:
/// files older than [`SCRATCH_HOURS`] are removed first, and when what waits would pass
/// [`SCRATCH_MAX_BYTES`] the upload is refused (429) rather than filling the disk.
pub fn put_scratch(data_dir: &Path, bytes: &[u8]) -> AppResult<String> {
    let sha = sha256(bytes);
    let path =
        scratch_path(data_dir, &sha).ok_or_else(|| AppError::Internal("scratch path".into()))?;
    let io = |e: std::io::Error| AppError::Internal(format!("scratch store: {e}"));
    let dir = data_dir.join("scratch");
    std::fs::create_dir_all(&dir).map_err(io)?;
    let max_age = std::time::Duration::from_secs(SCRATCH_HOURS * 3600);
    let mut kept: u64 = 0;
    for entry in std::fs::read_dir(&dir).map_err(io)?.flatten() {
        let Ok(meta) = entry.metadata() else { continue };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_none_or(|age| age > max_age);
        if old {
            let _ = std::fs::remove_file(entry.path());
        } else {
            kept += meta.len();
        }
    }
    if path.exists() {
        return Ok(sha);
    }
    if kept + bytes.len() as u64 > SCRATCH_MAX_BYTES {
        return Err(AppError::TooManyAttempts);
    }
    let tmp = dir.join(format!(".{}.tmp", uuid::Uuid::now_v7()));
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(io)?;
    Ok(sha)
}

/// Reads a waiting upload (404 once it has expired), checking its content.
pub fn get_scratch(data_dir: &Path, sha: &str) -> AppResult<Vec<u8>> {
    read_checked(scratch_path(data_dir, sha), sha)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_uploads_stay_out_of_the_blob_store() {
        let dir = std::env::temp_dir().join(format!("simpul-scratch-{}", uuid::Uuid::now_v7()));
        let a = put_scratch(&dir, b"preview").unwrap();
        assert_eq!(get_scratch(&dir, &a).unwrap(), b"preview");
        assert!(!dir.join("blobs").exists());
        assert!(matches!(get(&dir, &a), Err(AppError::NotFound)));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn blobs_round_trip_and_are_stored_once() {
        let dir = std::env::temp_dir().join(format!("simpul-blob-{}", uuid::Uuid::now_v7()));
        let a = put(&dir, b"manual v1").unwrap();
        assert_eq!(put(&dir, b"manual v1").unwrap(), a);
        assert_eq!(get(&dir, &a).unwrap(), b"manual v1");
        assert!(matches!(
            get(&dir, "../../etc/passwd"),
            Err(AppError::NotFound)
        ));
        std::fs::write(path_of(&dir, &a).unwrap(), b"tampered").unwrap();
        assert!(matches!(get(&dir, &a), Err(AppError::Internal(_))));
        let _ = std::fs::remove_dir_all(dir);
    }
}
