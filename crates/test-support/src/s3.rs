//! An S3-compatible server for the blob store's tests: moto's server mode (PyPI
//! `moto[server]`, which `.ci/run` installs). It is a stand-in for the MinIO, Ceph or cloud
//! bucket a Dinas would use — no S3 server is packaged by Debian — and the README says so.

use std::process::{Child, Command, Stdio};

/// A running moto server with one fresh bucket; stopped when dropped.
pub struct S3Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// The bucket made for this test.
    pub bucket: String,
}

impl S3Server {
    /// Starts the server and makes a bucket. Panics, saying how to install it, when
    /// `moto_server` is not there: the test needs a real S3 protocol, not a skip.
    pub async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("moto_server ({e}): install it with `python3 -m pip install 'moto[server]>=5,<6'` (.ci/run does)")
            });
        // Owned at once, so that a panic below still stops it.
        let server = Self {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            bucket: format!("simpul-{}", uuid::Uuid::now_v7().simple()),
        };
        let client = reqwest::Client::new();
        for _ in 0..200 {
            // moto's server takes unsigned requests; a bucket is made with a bare PUT.
            let made = client
                .put(format!("{}/{}", server.endpoint, server.bucket))
                .send()
                .await;
            if made.is_ok_and(|r| r.status().is_success()) {
                return server;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("moto_server did not start on port {port}");
    }

    /// The settings that point the blob store at this server's bucket, under `prefix`.
    pub fn settings(&self, prefix: &str) -> Vec<(&'static str, String)> {
        vec![
            (
                "SIMPUL_BLOB_STORE",
                format!("s3://{}/{prefix}", self.bucket),
            ),
            ("SIMPUL_S3_ENDPOINT", self.endpoint.clone()),
            ("SIMPUL_S3_ACCESS_KEY_ID", "simpul-test".into()),
            ("SIMPUL_S3_SECRET_ACCESS_KEY", "simpul-test-secret".into()),
        ]
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
