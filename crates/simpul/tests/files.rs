//! Files across instances (issue 16): a document uploaded through one instance downloads
//! through another, and an import previewed on one is confirmed on another — with the files
//! in a shared directory and in an S3-compatible bucket (moto's server standing in for MinIO or
//! a cloud bucket). Several instances share one database only on PostgreSQL.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on an unexpected shape"
)]

use kernel::permissions::Role;
use reqwest::Method;
use test_support::s3::S3Server;
use test_support::{TestApp, api, json};

#[tokio::test]
async fn an_s3_bucket_keeps_every_promise_of_the_blob_store() {
    let server = S3Server::start().await;
    let settings = server.settings("conformance");
    let config = kernel::config::Config::from_env_only(|k| {
        settings
            .iter()
            .find(|(name, _)| *name == k)
            .map(|(_, v)| v.clone())
    })
    .unwrap();
    let kernel::config::BlobLocation::S3(s3) = &config.blob_store else {
        panic!("{:?}", config.blob_store)
    };
    let store = kernel::blob::ObjectStorage::new(s3).unwrap();
    let blobs = kernel::blob::Blobs::at(&config.blob_store).unwrap();
    kernel::blob::conformance::check(&blobs, &store).await;
}

/// Uploads a document through `a` and reads it back through `b`; previews a device import on
/// `a` and confirms it on `b`.
async fn files_cross_instances(a: &TestApp, b: &TestApp) {
    let dinkes = a.agency("DINKES").await;
    let op = a
        .token("op.dinkes", Role::AgencyOperator, Some(dinkes))
        .await;
    let body = json!({"agency_id": dinkes.to_string(), "name": "SIKDA", "kind": "khusus", "purpose": "Pasien", "users": "Puskesmas",
        "funding_source": "apbd", "open_source": false, "code_owned_by_region": true, "licence_owned_by_region": true,
        "web_based": true, "security_level": "tinggi", "hosting": "dinas_dc", "lifecycle": "production"});
    let (s, created) = api(
        Method::POST,
        a.url("/api/v1/applications"),
        Some(&op),
        Some(body),
    )
    .await;
    assert_eq!(s, 201, "{created}");
    let id = created["id"].as_str().unwrap();
    let client = reqwest::Client::new();
    let resp = client
        .post(a.url(&format!(
            "/api/v1/applications/{id}/documents/user_manual?filename=panduan.pdf"
        )))
        .bearer_auth(&op)
        .header("content-type", "application/pdf")
        .body("%PDF-1.4 panduan\n%%EOF")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let doc: serde_json::Value = resp.json().await.unwrap();
    let resp = client
        .get(b.url(&format!(
            "/api/v1/documents/{}",
            doc["id"].as_str().unwrap()
        )))
        .bearer_auth(&op)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "the other instance has the file");
    assert_eq!(
        resp.bytes().await.unwrap().as_ref(),
        b"%PDF-1.4 panduan\n%%EOF"
    );

    a.account("op.import", Role::AgencyOperator, Some(dinkes))
        .await;
    let browser = a.browser();
    let csrf = a.sign_in(&browser, "op.import").await;
    // Previewed on one instance, confirmed on the other.
    let csv = test_support::imports::devices_csv("Dua", 2);
    let job = test_support::imports::start_import(&browser, &csrf, (&a.base, &b.base), csv).await;
    test_support::imports::wait_until_imported(&browser, &b.url(&job), 2).await;
    let (_, listed) = api(
        Method::GET,
        b.url("/api/v1/devices?per_page=1"),
        Some(&op),
        None,
    )
    .await;
    assert_eq!(listed["total"], 2);
}

mod files_written_through_one_instance_are_read_through_another {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres_with_a_shared_directory() {
        let shared = tempfile::tempdir().unwrap();
        let dir = shared.path().display().to_string();
        let a = TestApp::with_settings(db::Backend::Postgres, &[("SIMPUL_BLOB_STORE", &dir)]).await;
        let (b, b_data) = a.elsewhere(&[("SIMPUL_BLOB_STORE", &dir)]).await;
        files_cross_instances(&a, &b).await;
        assert!(shared.path().join("blobs").exists() && shared.path().join("scratch").exists());
        assert!(
            !b_data.path().join("blobs").exists(),
            "nothing in the instance's own data directory"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres_with_an_s3_bucket() {
        let server = S3Server::start().await;
        let settings = server.settings("simpul");
        let settings: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let a = TestApp::with_settings(db::Backend::Postgres, &settings).await;
        let (b, b_data) = a.elsewhere(&settings).await;
        files_cross_instances(&a, &b).await;
        assert!(!b_data.path().join("blobs").exists() && !b_data.path().join("scratch").exists());
    }
}
