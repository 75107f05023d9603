//! The blob store: files (documents, uploads) kept under the data directory, addressed by the
//! SHA-256 of their content, so the same file is stored once and can be checked for damage.
//! Metadata (name, type, who uploaded it) is the owning context's, in the database.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

/// Where a blob lives: `<data_dir>/blobs/ab/cdef…`.
fn path_of(data_dir: &Path, sha256: &str) -> Option<PathBuf> {
    let valid = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit());
    valid.then(|| data_dir.join("blobs").join(&sha256[..2]).join(&sha256[2..]))
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
    let path = path_of(data_dir, sha).ok_or(AppError::NotFound)?;
    let bytes = std::fs::read(path).map_err(|_| AppError::NotFound)?;
    if sha256(&bytes) != sha {
        return Err(AppError::Internal(format!("blob {sha} is damaged")));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

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
