//! The blob store: files (documents, uploads waiting for confirmation) addressed by the SHA-256
//! of their content, so the same file is stored once and can be checked for damage. Metadata
//! (name, type, who uploaded it) is the owning context's, in the database.
//!
//! Where the files are is a setting: a directory (the data directory by default, which several
//! instances may share over NFS) or an S3-compatible bucket. Either way every instance reads
//! what any other wrote, so a document uploaded through one instance downloads through
//! another, and an import previewed on one is confirmed on another.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;
use axum::body::Bytes;
use sha2::{Digest, Sha256};

use crate::config::{BlobLocation, S3Settings};
use crate::error::{AppError, AppResult};

/// What a store holds under a key.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Its key, e.g. `scratch/ab12…`.
    pub key: String,
    /// Its size in bytes.
    pub size: u64,
    /// When it was written.
    pub modified: SystemTime,
}

/// Where the bytes go: keys are `/`-separated relative paths the [`Blobs`] above chooses.
#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Stores `bytes` at `key`, whole or not at all.
    async fn put(&self, key: &str, bytes: Bytes) -> AppResult<()>;
    /// The bytes at `key`, or `None`.
    async fn get(&self, key: &str) -> AppResult<Option<Bytes>>;
    /// Whether something is at `key`.
    async fn exists(&self, key: &str) -> AppResult<bool>;
    /// What is directly in `folder` (no trailing slash).
    async fn list(&self, folder: &str) -> AppResult<Vec<Stored>>;
    /// Removes what is at `key` (nothing there is no error).
    async fn delete(&self, key: &str) -> AppResult<()>;
}

fn io(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("blob store: {e}"))
}

/// Files in a directory: written to a temporary file, flushed to disk, then renamed, so a file
/// is whole or absent even after a crash or a power loss.
pub struct Directory {
    root: PathBuf,
}

impl Directory {
    /// A store under `root` (created on first write).
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> AppResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(format!("blocking task: {e}")))?
        .map_err(io)
}

#[async_trait]
impl BlobStore for Directory {
    async fn put(&self, key: &str, bytes: Bytes) -> AppResult<()> {
        use std::io::Write;
        let path = self.root.join(key);
        blocking(move || {
            let dir = path.parent().unwrap_or(&path).to_path_buf();
            std::fs::create_dir_all(&dir)?;
            let tmp = dir.join(format!(".{}.tmp", uuid::Uuid::now_v7()));
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)
        })
        .await
    }

    async fn get(&self, key: &str) -> AppResult<Option<Bytes>> {
        let path = self.root.join(key);
        blocking(move || match std::fs::read(path) {
            Ok(b) => Ok(Some(Bytes::from(b))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        })
        .await
    }

    async fn exists(&self, key: &str) -> AppResult<bool> {
        let path = self.root.join(key);
        blocking(move || path.try_exists()).await
    }

    async fn list(&self, folder: &str) -> AppResult<Vec<Stored>> {
        let (dir, folder) = (self.root.join(folder), folder.to_owned());
        blocking(move || {
            let entries = match std::fs::read_dir(&dir) {
                Ok(e) => e,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
                Err(e) => return Err(e),
            };
            Ok(entries
                .flatten()
                .filter_map(|entry| {
                    let meta = entry.metadata().ok().filter(std::fs::Metadata::is_file)?;
                    let name = entry.file_name().into_string().ok()?;
                    // A write under way (or left by a crash) is not a stored file.
                    (!name.starts_with('.')).then(|| Stored {
                        key: format!("{folder}/{name}"),
                        size: meta.len(),
                        modified: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                    })
                })
                .collect())
        })
        .await
    }

    async fn delete(&self, key: &str) -> AppResult<()> {
        let path = self.root.join(key);
        blocking(move || match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        })
        .await
    }
}

/// Objects in an S3-compatible bucket (MinIO, Ceph, SeaweedFS, a cloud's own), through the
/// `object_store` crate. S3 writes an object whole or not at all.
pub struct ObjectStorage {
    store: Arc<dyn object_store::ObjectStore>,
}

impl ObjectStorage {
    /// A store in the bucket the settings name.
    pub fn new(s: &S3Settings) -> AppResult<Self> {
        let mut b = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(&s.bucket)
            .with_region(&s.region)
            .with_access_key_id(&s.access_key_id)
            .with_secret_access_key(&s.secret_access_key)
            // Self-hosted servers (MinIO and the like) are addressed by path, not by a
            // bucket subdomain.
            .with_virtual_hosted_style_request(false);
        if let Some(endpoint) = &s.endpoint {
            b = b
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        let store: Arc<dyn object_store::ObjectStore> = Arc::new(b.build().map_err(io)?);
        let store = match &s.prefix {
            Some(p) => Arc::new(object_store::prefix::PrefixStore::new(store, p.as_str())),
            None => store,
        };
        Ok(Self { store })
    }
}

fn object_path(key: &str) -> object_store::path::Path {
    object_store::path::Path::from(key)
}

#[async_trait]
impl BlobStore for ObjectStorage {
    async fn put(&self, key: &str, bytes: Bytes) -> AppResult<()> {
        self.store
            .put(&object_path(key), bytes.into())
            .await
            .map_err(io)?;
        Ok(())
    }

    async fn get(&self, key: &str) -> AppResult<Option<Bytes>> {
        match self.store.get(&object_path(key)).await {
            Ok(found) => Ok(Some(found.bytes().await.map_err(io)?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(io(e)),
        }
    }

    async fn exists(&self, key: &str) -> AppResult<bool> {
        match self.store.head(&object_path(key)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(io(e)),
        }
    }

    async fn list(&self, folder: &str) -> AppResult<Vec<Stored>> {
        let listed = self
            .store
            .list_with_delimiter(Some(&object_path(folder)))
            .await
            .map_err(io)?;
        Ok(listed
            .objects
            .into_iter()
            .map(|o| Stored {
                key: o.location.to_string(),
                size: o.size,
                modified: SystemTime::from(o.last_modified),
            })
            .collect())
    }

    async fn delete(&self, key: &str) -> AppResult<()> {
        match self.store.delete(&object_path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(io(e)),
        }
    }
}

/// Whether `sha256` is a hex SHA-256, so that it can name a file and nothing else.
fn is_sha256(sha256: &str) -> bool {
    sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The hex SHA-256 of some bytes.
pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Hashing a large upload is CPU work: off the request threads.
async fn sha256_of(bytes: Bytes) -> AppResult<(String, Bytes)> {
    tokio::task::spawn_blocking(move || (sha256(&bytes), bytes))
        .await
        .map_err(|e| AppError::Internal(format!("blocking task: {e}")))
}

/// How long an uploaded file waits for its confirmation (an import preview) before it is
/// removed.
pub const SCRATCH_HOURS: u64 = 24;
/// Most bytes all waiting uploads may take together; past this, new previews wait.
pub const SCRATCH_MAX_BYTES: u64 = 1024 * 1024 * 1024;

/// The blob store every instance shares, addressed by content.
#[derive(Clone)]
pub struct Blobs(Arc<dyn BlobStore>);

impl Blobs {
    /// Over any store.
    pub fn new(store: impl BlobStore + 'static) -> Self {
        Self(Arc::new(store))
    }

    /// The store the settings name: a directory or an S3-compatible bucket.
    pub fn at(location: &BlobLocation) -> AppResult<Self> {
        Ok(match location {
            BlobLocation::Directory(dir) => Self::new(Directory::new(dir.clone())),
            BlobLocation::S3(s) => Self::new(ObjectStorage::new(s)?),
        })
    }

    /// Stores `bytes`; returns their address. A file already there is not written again.
    pub async fn put(&self, bytes: Bytes) -> AppResult<String> {
        let (sha, bytes) = sha256_of(bytes).await?;
        let key = blob_key(&sha);
        if !self.0.exists(&key).await? {
            self.0.put(&key, bytes).await?;
        }
        Ok(sha)
    }

    /// Reads a blob, checking it still has the content its address names.
    pub async fn get(&self, sha: &str) -> AppResult<Bytes> {
        if !is_sha256(sha) {
            return Err(AppError::NotFound);
        }
        self.checked(&blob_key(sha), sha).await
    }

    async fn checked(&self, key: &str, sha: &str) -> AppResult<Bytes> {
        let bytes = self.0.get(key).await?.ok_or(AppError::NotFound)?;
        let (found, bytes) = sha256_of(bytes).await?;
        if found != sha {
            return Err(AppError::Internal(format!("stored file {sha} is damaged")));
        }
        Ok(bytes)
    }

    /// Keeps an upload that waits for confirmation (an import's preview) beside the blobs, not
    /// among them: uploads older than [`SCRATCH_HOURS`] are removed first, and when what
    /// waits would pass [`SCRATCH_MAX_BYTES`] the upload is refused (429) rather than filling
    /// the disk or the bucket.
    pub async fn put_scratch(&self, bytes: Bytes) -> AppResult<String> {
        let (sha, bytes) = sha256_of(bytes).await?;
        let max_age = std::time::Duration::from_secs(SCRATCH_HOURS * 3600);
        let mut kept: u64 = 0;
        let mut present = false;
        for s in self.0.list(SCRATCH).await? {
            let old = s.modified.elapsed().is_ok_and(|age| age > max_age);
            if old {
                self.0.delete(&s.key).await?;
            } else {
                present |= s.key == scratch_key(&sha);
                kept += s.size;
            }
        }
        if present {
            return Ok(sha);
        }
        if kept + bytes.len() as u64 > SCRATCH_MAX_BYTES {
            return Err(AppError::TooManyAttempts);
        }
        self.0.put(&scratch_key(&sha), bytes).await?;
        Ok(sha)
    }

    /// Reads a waiting upload (404 once it has expired), checking its content.
    pub async fn get_scratch(&self, sha: &str) -> AppResult<Bytes> {
        if !is_sha256(sha) {
            return Err(AppError::NotFound);
        }
        self.checked(&scratch_key(sha), sha).await
    }
}

const SCRATCH: &str = "scratch";

/// Where a blob lives: `blobs/ab/cdef…`.
fn blob_key(sha: &str) -> String {
    let (head, tail) = sha.split_at(2.min(sha.len()));
    format!("blobs/{head}/{tail}")
}

fn scratch_key(sha: &str) -> String {
    format!("{SCRATCH}/{sha}")
}

/// The same promises, whatever keeps the bytes: the tests of the directory here, and of an
/// S3-compatible server in the application's tests.
pub mod conformance {
    use super::*;

    /// Checks `blobs` keeps every promise of this module; panics on the first broken one.
    #[expect(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        reason = "a check fails loudly"
    )]
    pub async fn check(blobs: &Blobs, store: &dyn BlobStore) {
        let a = blobs.put(Bytes::from_static(b"manual v1")).await.unwrap();
        assert_eq!(a, sha256(b"manual v1"));
        assert_eq!(
            blobs.put(Bytes::from_static(b"manual v1")).await.unwrap(),
            a
        );
        assert_eq!(&blobs.get(&a).await.unwrap()[..], b"manual v1");
        assert!(matches!(
            blobs.get("../../etc/passwd").await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            blobs.get(&sha256(b"absent")).await,
            Err(AppError::NotFound)
        ));
        // Damage is noticed, not served.
        store
            .put(&blob_key(&a), Bytes::from_static(b"tampered"))
            .await
            .unwrap();
        assert!(matches!(blobs.get(&a).await, Err(AppError::Internal(_))));
        // Waiting uploads stay out of the blobs, and are listed where they wait.
        let s = blobs
            .put_scratch(Bytes::from_static(b"preview"))
            .await
            .unwrap();
        assert_eq!(&blobs.get_scratch(&s).await.unwrap()[..], b"preview");
        assert!(matches!(blobs.get(&s).await, Err(AppError::NotFound)));
        let listed = store.list(SCRATCH).await.unwrap();
        assert_eq!(listed.len(), 1, "{listed:?}");
        assert_eq!(
            (listed[0].key.as_str(), listed[0].size),
            (scratch_key(&s).as_str(), 7)
        );
        store.delete(&scratch_key(&s)).await.unwrap();
        store.delete(&scratch_key(&s)).await.unwrap();
        assert!(matches!(
            blobs.get_scratch(&s).await,
            Err(AppError::NotFound)
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_directory_keeps_every_promise_of_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let store = Directory::new(dir.path().to_path_buf());
        let blobs = Blobs::new(Directory::new(dir.path().to_path_buf()));
        conformance::check(&blobs, &store).await;
    }

    #[tokio::test]
    async fn a_write_cut_short_leaves_no_file_to_list() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(SCRATCH)).unwrap();
        std::fs::write(dir.path().join(SCRATCH).join(".0191.tmp"), b"half").unwrap();
        let store = Directory::new(dir.path().to_path_buf());
        assert!(store.list(SCRATCH).await.unwrap().is_empty());
    }
}
