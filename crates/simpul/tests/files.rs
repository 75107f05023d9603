//! Files across instances (issue 16): a document uploaded through one instance downloads
//! through another, and an import previewed on one is confirmed on another — with the files
//! in a shared directory and in an S3-compatible bucket (moto's server standing in for MinIO or
//! a cloud bucket). Several instances share one database only on PostgreSQL.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on an unexpected shape"
)]

use std::time::{Duration, Instant};

use kernel::permissions::Role;
use reqwest::Method;
use test_support::s3::S3Server;
use test_support::{TestApp, api, csrf_of, json};

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
        .body("%PDF-1.4 panduan")
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
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"%PDF-1.4 panduan");

    a.account("op.import", Role::AgencyOperator, Some(dinkes))
        .await;
    let browser = a.browser();
    let csrf = a.sign_in(&browser, "op.import").await;
    let csv = "agency_code,kind,name,serial,funding_source,location\nDINKES,end_user,Laptop 1,SN-1,apbd,Gudang\nDINKES,end_user,Laptop 2,SN-2,apbd,Gudang\n";
    let form = reqwest::multipart::Form::new()
        .text("kind", "devices")
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("perangkat.csv"),
        );
    let preview = browser
        .post(a.url(&format!("/registry/import?_csrf={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let sha = preview
        .split("name=\"sha\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_else(|| panic!("no preview: {preview}"))
        .to_owned();
    let started = browser
        .post(b.url("/registry/import/confirm"))
        .form(&[
            ("_csrf", csrf_of(&preview)),
            ("kind", "devices".into()),
            ("sha", sha),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        started.status(),
        303,
        "the other instance reads the previewed file"
    );
    let job = started.headers()["location"].to_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let page = browser
            .get(b.url(&job))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if page.contains("2 baris diimpor") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the import did not finish: {page}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
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
