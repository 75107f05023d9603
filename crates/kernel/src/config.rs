//! Settings: one typed struct from an optional `simpul.toml`, overridden by `SIMPUL_*`
//! environment variables, validated once at start.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Everything Simpul can be told at start.
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://…` or `postgres://…`; defaults to a SQLite file in the data directory.
    pub database_url: String,
    /// Where SQLite and stored files live.
    pub data_dir: PathBuf,
    /// The HTTP listen address.
    pub http_addr: SocketAddr,
    /// The external base URL (also the OIDC issuer).
    pub public_url: String,
    /// Authoritative DNS listen address; DNS is off when unset.
    pub dns_addr: Option<SocketAddr>,
    /// Secondaries allowed to transfer the zone.
    pub dns_secondaries: Vec<String>,
    /// UDP answers per second to one network (/24, /56) before response-rate limiting slips
    /// or drops them; 0 turns the limit off.
    pub dns_rate_limit: u32,
    /// Log as JSON lines (production) instead of text.
    pub log_json: bool,
    /// How long a browser session lasts without use, in hours.
    pub session_hours: u32,
    /// Reverse proxies whose `Forwarded`/`X-Forwarded-For` headers name the client (addresses
    /// or networks); from anyone else those headers are ignored.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The bearer token `/metrics` asks for; without it only local, unproxied callers see it.
    pub metrics_token: Option<String>,
    /// SQLite's durability: `full` (default; survives a power loss) or `normal`.
    pub sqlite_sync: db::SqliteSync,
    /// How long a client may take to send a request's headers, and how long an idle
    /// keep-alive connection waits for the next request.
    pub header_timeout: std::time::Duration,
    /// How long a client may take to send a request's body.
    pub body_timeout: std::time::Duration,
    /// Connections served at once; more wait to be accepted.
    pub max_connections: usize,
    /// How long a shutdown waits for requests in flight before closing what is left.
    pub shutdown_timeout: std::time::Duration,
    /// Most data rows one imported file may hold (bounds how long an import holds the turn to
    /// write; see the README's production section).
    pub import_max_rows: usize,
    /// How long a write waits for its turn (behind a long import, say) before it is answered
    /// 503 with `Retry-After`.
    pub write_wait: std::time::Duration,
    /// Where uploaded files are kept.
    pub blob_store: BlobLocation,
    /// How long a rotated refresh token may be used again (two tabs, a retried request)
    /// before a reuse counts as theft and ends the sign-in (RFC 9700 4.14.2).
    pub refresh_reuse: std::time::Duration,
}

/// Where the blob store keeps files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobLocation {
    /// A directory (the data directory unless `SIMPUL_BLOB_STORE` names another); instances
    /// that share it (over NFS, say) share the files.
    Directory(PathBuf),
    /// An S3-compatible bucket.
    S3(S3Settings),
}

/// An S3-compatible bucket: `SIMPUL_BLOB_STORE=s3://bucket/prefix` and the `SIMPUL_S3_*`
/// settings.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Settings {
    /// The bucket.
    pub bucket: String,
    /// A folder inside it, if the bucket is shared.
    pub prefix: Option<String>,
    /// The server (`https://minio.example.go.id:9000`); none for AWS itself.
    pub endpoint: Option<String>,
    /// The region (`us-east-1` when the server does not care).
    pub region: String,
    /// The access key.
    pub access_key_id: String,
    /// The secret key.
    pub secret_access_key: String,
}

// The secret never reaches a log.
impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// The file form of the settings: every key optional, unknown keys rejected.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    data_dir: Option<PathBuf>,
    http_addr: Option<String>,
    public_url: Option<String>,
    dns_addr: Option<String>,
    dns_secondaries: Option<Vec<String>>,
    dns_rate_limit: Option<u32>,
    log_json: Option<bool>,
    session_hours: Option<u32>,
    trusted_proxies: Option<Vec<String>>,
    metrics_token: Option<String>,
    sqlite_sync: Option<String>,
    header_timeout_seconds: Option<u64>,
    body_timeout_seconds: Option<u64>,
    max_connections: Option<usize>,
    shutdown_timeout_seconds: Option<u64>,
    import_max_rows: Option<usize>,
    write_wait_seconds: Option<u64>,
    blob_store: Option<String>,
    refresh_reuse_seconds: Option<u64>,
    s3_endpoint: Option<String>,
    s3_region: Option<String>,
    s3_access_key_id: Option<String>,
    s3_secret_access_key: Option<String>,
}

/// A setting that cannot be used, with the reason in one line.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl Config {
    /// Reads `path` if it exists (or `simpul.toml` in the working directory), then the
    /// environment, and validates the result.
    pub fn load(path: Option<&Path>) -> Result<Self, ConfigError> {
        let explicit = path.is_some();
        let path = path
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("simpul.toml"));
        let file = match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str::<FileConfig>(&text)
                .map_err(|e| ConfigError(format!("{}: {}", path.display(), e.message())))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
                FileConfig::default()
            }
            Err(e) => return Err(ConfigError(format!("cannot read {}: {e}", path.display()))),
        };
        Self::from_parts(file, |k| std::env::var(k).ok())
    }

    /// The defaults with environment overrides only (what tests and `serve` with no file get).
    pub fn from_env_only(env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Self::from_parts(FileConfig::default(), env)
    }

    fn from_parts(
        file: FileConfig,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let data_dir = env("SIMPUL_DATA_DIR")
            .map(PathBuf::from)
            .or_else(|| file.data_dir.clone())
            .unwrap_or_else(|| PathBuf::from("simpul-data"));
        let blob_store = blob_location(&file, &env, &data_dir)?;
        let database_url = env("SIMPUL_DATABASE_URL")
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("simpul.db").display()));
        if db::Backend::of_url(&database_url).is_none() {
            return Err(ConfigError(format!(
                "SIMPUL_DATABASE_URL must start with sqlite:// or postgres:// (got {database_url:?})"
            )));
        }
        // A query would silently become part of the file's name.
        if db::Backend::of_url(&database_url) == Some(db::Backend::Sqlite)
            && database_url.contains(['?', '#'])
        {
            return Err(ConfigError(format!(
                "SIMPUL_DATABASE_URL for SQLite is sqlite://PATH without options (got {database_url:?}); Simpul sets the options it needs itself"
            )));
        }
        let addr_text = env("SIMPUL_HTTP_ADDR")
            .or(file.http_addr)
            .unwrap_or_else(|| "127.0.0.1:8080".into());
        let http_addr: SocketAddr = addr_text.parse().map_err(|_| {
            ConfigError(format!(
                "SIMPUL_HTTP_ADDR is not a host:port address: {addr_text:?}"
            ))
        })?;
        let public_url = env("SIMPUL_PUBLIC_URL")
            .or(file.public_url)
            .unwrap_or_else(|| format!("http://{http_addr}"));
        let public_url = public_url.trim_end_matches('/').to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError(format!(
                "SIMPUL_PUBLIC_URL must start with http:// or https:// (got {public_url:?})"
            )));
        }
        let dns_addr = match env("SIMPUL_DNS_ADDR").or(file.dns_addr) {
            None => None,
            Some(text) => Some(text.parse().map_err(|_| {
                ConfigError(format!(
                    "SIMPUL_DNS_ADDR is not a host:port address: {text:?}"
                ))
            })?),
        };
        let dns_secondaries = match env("SIMPUL_DNS_SECONDARIES") {
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            None => file.dns_secondaries.unwrap_or_default(),
        };
        let dns_rate_limit = match env("SIMPUL_DNS_RATE_LIMIT") {
            Some(v) => v
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n <= 100_000)
                .ok_or_else(|| {
                    ConfigError(format!(
                        "SIMPUL_DNS_RATE_LIMIT is a number of answers per second from 0 (off) to 100000 (got {v:?})"
                    ))
                })?,
            None => file.dns_rate_limit.unwrap_or(20),
        };
        let log_json = match env("SIMPUL_LOG_JSON") {
            Some(v) => parse_bool("SIMPUL_LOG_JSON", &v)?,
            None => file.log_json.unwrap_or(false),
        };
        let session_hours = match env("SIMPUL_SESSION_HOURS") {
            Some(v) => v.parse().map_err(|_| {
                ConfigError(format!(
                    "SIMPUL_SESSION_HOURS must be a whole number of hours (got {v:?})"
                ))
            })?,
            None => file.session_hours.unwrap_or(12),
        };
        if session_hours == 0 || session_hours > 24 * 30 {
            return Err(ConfigError(
                "SIMPUL_SESSION_HOURS must be between 1 and 720".into(),
            ));
        }
        let proxies = match env("SIMPUL_TRUSTED_PROXIES") {
            Some(list) => list,
            None => file.trusted_proxies.unwrap_or_default().join(","),
        };
        let trusted_proxies = crate::ratelimit::parse_trusted(&proxies).map_err(|bad| {
            ConfigError(format!(
                "SIMPUL_TRUSTED_PROXIES lists addresses or networks such as 10.0.0.1 or 10.0.0.0/8, comma-separated (got {bad:?})"
            ))
        })?;
        let metrics_token = env("SIMPUL_METRICS_TOKEN")
            .or(file.metrics_token)
            .filter(|t| !t.is_empty());
        if metrics_token.as_ref().is_some_and(|t| t.len() < 16) {
            return Err(ConfigError(
                "SIMPUL_METRICS_TOKEN must be at least 16 characters".into(),
            ));
        }
        let sqlite_sync = match env("SIMPUL_SQLITE_SYNC")
            .or(file.sqlite_sync)
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("full") => db::SqliteSync::Full,
            Some("normal") => db::SqliteSync::Normal,
            Some(other) => {
                return Err(ConfigError(format!(
                    "SIMPUL_SQLITE_SYNC is full or normal (got {other:?})"
                )));
            }
        };
        let number = |name: &str, file: Option<u64>, default: u64, max: u64| {
            let v = match env(name) {
                Some(v) => v.trim().parse::<u64>().map_err(|_| {
                    ConfigError(format!("{name} must be a whole number (got {v:?})"))
                })?,
                None => file.unwrap_or(default),
            };
            if v == 0 || v > max {
                return Err(ConfigError(format!("{name} must be between 1 and {max}")));
            }
            Ok(v)
        };
        let secs = std::time::Duration::from_secs;
        let header_timeout = secs(number(
            "SIMPUL_HEADER_TIMEOUT_SECONDS",
            file.header_timeout_seconds,
            10,
            600,
        )?);
        let body_timeout = secs(number(
            "SIMPUL_BODY_TIMEOUT_SECONDS",
            file.body_timeout_seconds,
            120,
            3600,
        )?);
        let max_connections = usize::try_from(number(
            "SIMPUL_MAX_CONNECTIONS",
            file.max_connections.map(|n| n as u64),
            1024,
            100_000,
        )?)
        .unwrap_or(1024);
        let shutdown_timeout = secs(number(
            "SIMPUL_SHUTDOWN_TIMEOUT_SECONDS",
            file.shutdown_timeout_seconds,
            20,
            600,
        )?);
        let import_max_rows = usize::try_from(number(
            "SIMPUL_IMPORT_MAX_ROWS",
            file.import_max_rows.map(|n| n as u64),
            crate::export::IMPORT_MAX_ROWS as u64,
            1_000_000,
        )?)
        .unwrap_or(crate::export::IMPORT_MAX_ROWS);
        let write_wait = secs(number(
            "SIMPUL_WRITE_WAIT_SECONDS",
            file.write_wait_seconds,
            30,
            600,
        )?);
        let refresh_reuse = secs(number(
            "SIMPUL_REFRESH_REUSE_SECONDS",
            file.refresh_reuse_seconds,
            30,
            300,
        )?);
        Ok(Self {
            database_url,
            data_dir,
            http_addr,
            public_url,
            dns_addr,
            dns_secondaries,
            dns_rate_limit,
            log_json,
            session_hours,
            trusted_proxies,
            metrics_token,
            sqlite_sync,
            header_timeout,
            body_timeout,
            max_connections,
            shutdown_timeout,
            import_max_rows,
            write_wait,
            blob_store,
            refresh_reuse,
        })
    }

    /// Cookies carry `Secure` when the public URL is HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// `SIMPUL_BLOB_STORE`: unset (the data directory), a directory, or `s3://bucket[/prefix]`
/// with the `SIMPUL_S3_*` settings.
fn blob_location(
    file: &FileConfig,
    env: &impl Fn(&str) -> Option<String>,
    data_dir: &Path,
) -> Result<BlobLocation, ConfigError> {
    let Some(text) = env("SIMPUL_BLOB_STORE").or_else(|| file.blob_store.clone()) else {
        return Ok(BlobLocation::Directory(data_dir.to_path_buf()));
    };
    let Some(rest) = text.strip_prefix("s3://") else {
        return Ok(BlobLocation::Directory(PathBuf::from(text)));
    };
    let (bucket, prefix) = match rest.split_once('/') {
        Some((b, p)) => (
            b,
            Some(p.trim_matches('/').to_owned()).filter(|p| !p.is_empty()),
        ),
        None => (rest, None),
    };
    let setting = |name: &str, from_file: &Option<String>| {
        env(name)
            .or_else(|| from_file.clone())
            .filter(|v| !v.is_empty())
    };
    let required = |name: &str, from_file: &Option<String>| {
        setting(name, from_file).ok_or_else(|| {
            ConfigError(format!(
                "SIMPUL_BLOB_STORE names an S3 bucket, so {name} must be set too"
            ))
        })
    };
    if bucket.is_empty() {
        return Err(ConfigError(format!(
            "SIMPUL_BLOB_STORE is a directory or s3://bucket/folder (got {text:?})"
        )));
    }
    let endpoint = setting("SIMPUL_S3_ENDPOINT", &file.s3_endpoint);
    if endpoint
        .as_deref()
        .is_some_and(|e| !(e.starts_with("http://") || e.starts_with("https://")))
    {
        return Err(ConfigError(
            "SIMPUL_S3_ENDPOINT must start with http:// or https://".into(),
        ));
    }
    Ok(BlobLocation::S3(S3Settings {
        bucket: bucket.to_owned(),
        prefix,
        endpoint,
        region: setting("SIMPUL_S3_REGION", &file.s3_region).unwrap_or_else(|| "us-east-1".into()),
        access_key_id: required("SIMPUL_S3_ACCESS_KEY_ID", &file.s3_access_key_id)?,
        secret_access_key: required("SIMPUL_S3_SECRET_ACCESS_KEY", &file.s3_secret_access_key)?,
    }))
}

fn parse_bool(name: &str, v: &str) -> Result<bool, ConfigError> {
    match v {
        "1" | "true" | "yes" => Ok(true),
        "0" | "false" | "no" => Ok(false),
        _ => Err(ConfigError(format!(
            "{name} must be true or false (got {v:?})"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_need_no_file_and_no_env() {
        let c = Config::from_env_only(|_| None).unwrap();
        assert_eq!(c.http_addr.to_string(), "127.0.0.1:8080");
        assert_eq!(c.database_url, "sqlite://simpul-data/simpul.db");
        assert_eq!(c.public_url, "http://127.0.0.1:8080");
        assert!(!c.secure_cookies());
    }

    #[test]
    fn the_blob_store_is_the_data_directory_another_directory_or_a_bucket() {
        let with = |pairs: &[(&str, &str)]| {
            Config::from_env_only(|k| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            })
        };
        assert_eq!(
            with(&[("SIMPUL_DATA_DIR", "/srv/simpul")])
                .unwrap()
                .blob_store,
            BlobLocation::Directory("/srv/simpul".into())
        );
        assert_eq!(
            with(&[("SIMPUL_BLOB_STORE", "/mnt/nfs/simpul")])
                .unwrap()
                .blob_store,
            BlobLocation::Directory("/mnt/nfs/simpul".into())
        );
        let keys = [
            ("SIMPUL_S3_ACCESS_KEY_ID", "key"),
            ("SIMPUL_S3_SECRET_ACCESS_KEY", "secret"),
        ];
        let err = with(&[("SIMPUL_BLOB_STORE", "s3://berkas")]).unwrap_err();
        assert!(err.0.contains("SIMPUL_S3_ACCESS_KEY_ID"), "{}", err.0);
        let c = with(&[
            ("SIMPUL_BLOB_STORE", "s3://berkas/simpul/"),
            ("SIMPUL_S3_ENDPOINT", "https://minio.sukamaju.go.id:9000"),
            keys[0],
            keys[1],
        ])
        .unwrap();
        let BlobLocation::S3(s3) = c.blob_store else {
            panic!("{:?}", c.blob_store)
        };
        assert_eq!(
            (s3.bucket.as_str(), s3.prefix.as_deref(), s3.region.as_str()),
            ("berkas", Some("simpul"), "us-east-1")
        );
        assert!(
            !format!("{s3:?}").contains("secret"),
            "the secret stays out of logs"
        );
        let err = with(&[
            ("SIMPUL_BLOB_STORE", "s3://berkas"),
            ("SIMPUL_S3_ENDPOINT", "minio:9000"),
            keys[0],
            keys[1],
        ])
        .unwrap_err();
        assert!(err.0.contains("SIMPUL_S3_ENDPOINT"), "{}", err.0);
    }

    #[test]
    fn environment_wins_and_is_validated() {
        let c = Config::from_env_only(|k| (k == "SIMPUL_HTTP_ADDR").then(|| "0.0.0.0:9000".into()))
            .unwrap();
        assert_eq!(c.http_addr.port(), 9000);
        let err =
            Config::from_env_only(|k| (k == "SIMPUL_DATABASE_URL").then(|| "mysql://x".into()))
                .unwrap_err();
        assert!(err.0.contains("SIMPUL_DATABASE_URL"));
        let err = Config::from_env_only(|k| {
            (k == "SIMPUL_DATABASE_URL").then(|| "sqlite://data/simpul.db?mode=rwc".into())
        })
        .unwrap_err();
        assert!(err.0.contains("without options"), "{}", err.0);
        let proxies = |v: &'static str| {
            Config::from_env_only(move |k| (k == "SIMPUL_TRUSTED_PROXIES").then(|| v.into()))
        };
        assert_eq!(
            proxies("10.0.0.5, 10.1.0.0/16")
                .unwrap()
                .trusted_proxies
                .len(),
            2
        );
        assert_eq!(
            Config::from_env_only(|_| None).unwrap().sqlite_sync,
            db::SqliteSync::Full
        );
        let sync = |v: &'static str| {
            Config::from_env_only(move |k| (k == "SIMPUL_SQLITE_SYNC").then(|| v.into()))
        };
        assert_eq!(sync("NORMAL").unwrap().sqlite_sync, db::SqliteSync::Normal);
        assert!(sync("off").unwrap_err().0.contains("full or normal"));
        let err = proxies("proxy.internal").unwrap_err();
        assert!(
            err.0.contains("SIMPUL_TRUSTED_PROXIES") && err.0.contains("proxy.internal"),
            "{}",
            err.0
        );
    }

    #[test]
    fn unknown_file_keys_are_rejected() {
        let err = toml::from_str::<FileConfig>("databse_url = 'x'").unwrap_err();
        assert!(err.message().contains("unknown field"));
    }
}
