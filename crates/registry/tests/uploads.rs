//! Uploaded spreadsheets cannot take the server down (issue 11, item 1), on SQLite and
//! PostgreSQL: a 1.5 KB workbook naming the sheet's last cell is refused with a 422 that says the
//! limits — through the API and the import page — while the server keeps answering; read-only
//! roles are refused before their upload is read.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on an unexpected shape"
)]

use kernel::permissions::Role;
use test_support::{Value, both};

/// A workbook of a few kilobytes whose one value sits in XFD1048576: read as a dense range it
/// needs hundreds of gigabytes.
fn last_cell_workbook() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, name) in ["agency_code", "kind", "name", "funding_source", "location"]
        .iter()
        .enumerate()
    {
        sheet
            .write_string(0, u16::try_from(col).unwrap(), *name)
            .unwrap();
    }
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    book.save_to_buffer().unwrap()
}

both! {
    async fn a_workbook_naming_the_last_cell_is_refused_and_the_server_keeps_answering(app) {
        let dinkes = app.agency("DINKES").await;
        let op = app.token("op.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        let leader = app.token("leader", Role::Leader, None).await;
        let bomb = last_cell_workbook();
        assert!(bomb.len() < 10_000);
        let send = |token: String, body: Vec<u8>| {
            let url = app.url("/api/v1/devices/import?dry_run=true");
            async move {
                let resp = reqwest::Client::new().post(url).bearer_auth(token).body(body).send().await.unwrap();
                let status = resp.status().as_u16();
                (status, resp.json::<Value>().await.unwrap())
            }
        };
        let started = std::time::Instant::now();
        let (status, e) = send(op.clone(), bomb.clone()).await;
        assert_eq!((status, e["error"]["code"].as_str()), (422, Some("invalid")), "{e}");
        let message = e["error"]["details"][0]["message"].as_str().unwrap_or_default().to_owned();
        assert!(message.contains("100000") || message.contains("100.000") || message.contains("100,000"), "{e}");
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
        assert_eq!(send(leader, bomb.clone()).await.0, 403, "read-only roles never reach the parser");
        let health = reqwest::get(app.url("/healthz")).await.unwrap();
        assert_eq!(health.status(), 200);

        // The import page says the same, in the form's summary.
        app.account("op.web", Role::AgencyOperator, Some(dinkes)).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "op.web").await;
        let form = reqwest::multipart::Form::new().text("kind", "devices")
            .part("file", reqwest::multipart::Part::bytes(bomb).file_name("perangkat.xlsx"));
        let resp = browser.post(app.url("/registry/import")).header("x-csrf-token", &csrf).multipart(form).send().await.unwrap();
        assert_eq!(resp.status(), 422);
        let summary = test_support::error_summary_of(&resp.text().await.unwrap());
        assert_eq!(summary.len(), 1, "{summary:?}");
        assert!(summary[0].1.contains("terlalu besar"), "{summary:?}");
    }
}

both! {
    async fn documents_and_the_master_plan_work_through_the_api_as_on_the_pages(app) {
        use reqwest::Method;
        use test_support::{api, json};
        let dinkes = app.agency("DINKES").await;
        let op = app.token("op.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let body = json!({"agency_id": dinkes.to_string(), "name": "SIKDA", "kind": "khusus", "purpose": "Pasien", "users": "Puskesmas",
            "funding_source": "apbd", "open_source": false, "code_owned_by_region": true, "licence_owned_by_region": true,
            "web_based": true, "security_level": "tinggi", "hosting": "dinas_dc", "lifecycle": "production"});
        let (s, created) = api(Method::POST, app.url("/api/v1/applications"), Some(&op), Some(body)).await;
        assert_eq!(s, 201, "{created}");
        let id = created["id"].as_str().unwrap().to_owned();
        // Two versions of the user manual, with a name that is not ASCII.
        let client = reqwest::Client::new();
        for text in ["versi 1", "versi 2"] {
            let resp = client.post(app.url(&format!("/api/v1/applications/{id}/documents/user_manual?filename=Panduan%20Pengguna%20%E2%80%94%20SIKDA.pdf")))
                .bearer_auth(&op).header("content-type", "application/pdf").body(format!("%PDF-1.4 {text}\n%%EOF")).send().await.unwrap();
            assert_eq!(resp.status(), 201);
        }
        let (_, docs) = api(Method::GET, app.url(&format!("/api/v1/applications/{id}/documents")), Some(&op), None).await;
        let versions: Vec<i64> = docs.as_array().unwrap().iter().map(|d| d["version"].as_i64().unwrap()).collect();
        assert_eq!(versions, [2, 1], "newest first: {docs}");
        let latest = docs[0]["id"].as_str().unwrap();
        let resp = client.get(app.url(&format!("/api/v1/documents/{latest}"))).bearer_auth(&op).send().await.unwrap();
        assert_eq!(resp.headers()["content-type"], "application/pdf");
        assert!(resp.headers()["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''Panduan%20Pengguna%20%E2%80%94%20SIKDA.pdf"));
        assert_eq!(resp.text().await.unwrap(), "%PDF-1.4 versi 2\n%%EOF");
        // An unknown kind, an empty file, a missing name: each refused with what is wrong.
        let resp = client.post(app.url(&format!("/api/v1/applications/{id}/documents/novel?filename=x.pdf"))).bearer_auth(&op).body("x").send().await.unwrap();
        assert_eq!(resp.status(), 422);
        let resp = client.post(app.url(&format!("/api/v1/applications/{id}/documents/user_manual?filename=x.pdf"))).bearer_auth(&op).send().await.unwrap();
        assert_eq!(resp.status(), 422);
        let resp = client.post(app.url(&format!("/api/v1/applications/{id}/documents/user_manual"))).bearer_auth(&op).body("x").send().await.unwrap();
        assert_eq!(resp.status(), 400);
        // The master plan: adopted, an item added, reviewed — all on the API.
        let (s, plan) = api(Method::POST, app.url("/api/v1/master-plan"), Some(&admin),
            Some(json!({"title": "Rencana Induk SPBE 2025–2029", "period_start": "2025", "adopted_on": "2025-01-02"}))).await;
        assert_eq!(s, 201, "{plan}");
        let plan_id = plan["id"].as_str().unwrap();
        let (s, item) = api(Method::POST, app.url("/api/v1/master-plan/items"), Some(&admin),
            Some(json!({"plan_id": plan_id, "code": "RI-01", "title": "Layanan kesehatan terpadu"}))).await;
        assert_eq!(s, 201, "{item}");
        let (s, reviewed) = api(Method::POST, app.url("/api/v1/master-plan/review"), Some(&admin),
            Some(json!({"plan_id": plan_id, "reviewed_on": "2026-01-15"}))).await;
        assert_eq!((s, reviewed["last_reviewed_on"].as_str()), (200, Some("2026-01-15")), "{reviewed}");
        let (s, e) = api(Method::POST, app.url("/api/v1/master-plan/review"), Some(&admin),
            Some(json!({"plan_id": plan_id, "reviewed_on": "2024-12-31"}))).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some("reviewed_on")), "{e}");
        let (_, shown) = api(Method::GET, app.url("/api/v1/master-plan"), Some(&op), None).await;
        assert_eq!(shown["items"][0]["code"], "RI-01");
        // A hosting request tells the Dinas, which reads and clears its notifications on the API;
        // it is refused until the registration has been sent.
        let hosting = json!({"application_id": id, "cpu_cores": 2, "memory_gb": 4, "storage_gb": 50, "note": "PHP 8"});
        let (s, e) = api(Method::POST, app.url("/api/v1/hosting-requests"), Some(&op), Some(hosting)).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some("application_id")), "{e}");
        assert!(e["error"]["message"].as_str().unwrap().contains("Kirim registrasi aplikasi ini ke Dinas dulu"), "{e}");
        api(Method::POST, app.url(&format!("/api/v1/applications/{id}/submit")), Some(&op), Some(json!({}))).await;
        let (s, _) = api(Method::POST, app.url("/api/v1/hosting-requests"), Some(&op),
            Some(json!({"application_id": id, "cpu_cores": 2, "memory_gb": 4, "storage_gb": 50, "note": "PHP 8"}))).await;
        assert_eq!(s, 201);
        let (_, told) = api(Method::GET, app.url("/api/v1/notifications"), Some(&admin), None).await;
        assert_eq!(told["unread"], 2, "the registration sent, then the hosting asked: {told}");
        assert!(told["items"][0]["text"].as_str().unwrap().contains("memohon hosting untuk aplikasi SIKDA"), "{told}");
        assert!(told["items"][0]["at"].as_str().unwrap().ends_with('Z'), "{told}");
        assert_eq!(api(Method::POST, app.url("/api/v1/notifications/seen"), Some(&admin), None).await.0, 204);
        let (_, told) = api(Method::GET, app.url("/api/v1/notifications"), Some(&admin), None).await;
        assert_eq!((told["unread"].as_i64(), told["items"][0]["new"].as_bool()), (Some(0), Some(false)), "{told}");
    }
}

both! {
    async fn a_document_that_cannot_be_taken_is_named_on_the_application_s_page(app) {
        use reqwest::Method;
        use test_support::{api, json};
        let dinkes = app.agency("DINKES").await;
        let op = app.token("op.api", Role::AgencyOperator, Some(dinkes)).await;
        let body = json!({"agency_id": dinkes.to_string(), "name": "SIKDA", "kind": "khusus", "purpose": "Pasien", "users": "Puskesmas",
            "funding_source": "apbd", "open_source": false, "code_owned_by_region": true, "licence_owned_by_region": true,
            "web_based": true, "security_level": "tinggi", "hosting": "dinas_dc", "lifecycle": "production"});
        let (_, created) = api(Method::POST, app.url("/api/v1/applications"), Some(&op), Some(body)).await;
        let id = created["id"].as_str().unwrap().to_owned();
        app.account("op.web", Role::AgencyOperator, Some(dinkes)).await;
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let browser = reqwest::Client::builder().cookie_provider(jar.clone()).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let csrf = app.sign_in(&browser, "op.web").await;
        let page = browser.get(app.url(&format!("/registry/applications/{id}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Paling besar 19 MB"), "the limit is stated before uploading");
        // The checklist stands before sending, which warns of what is missing.
        let (docs_at, send_at) = (page.find("id=\"documents\"").unwrap(), page.find("id=\"send\"").unwrap());
        assert!(docs_at < send_at, "the documents come before 'Kirim ke Dinas'");
        assert!(page[send_at..].contains("class=\"notice warning\">Dokumen teknis belum lengkap: baru 0 dari 9"), "{}", &page[send_at..]);
        let upload = |kind: &'static str, name: &'static str, bytes: Vec<u8>| {
            let form = reqwest::multipart::Form::new().text("kind", kind)
                .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
            browser.post(app.url(&format!("/registry/applications/{id}/documents?_csrf={csrf}"))).multipart(form).send()
        };
        let exe = [b"MZ\x90\x00\x03".as_slice(), &[0u8; 200]].concat();
        for (kind, name, bytes, says) in [
            ("user_manual", "", vec![], "Pilih berkas dokumen yang akan diserahkan."),
            ("user_manual", "kosong.pdf", b"".to_vec(), "Berkas ini kosong"),
            ("user_manual", "terpotong.pdf", b"%PDF-1.7\n1 0 obj".to_vec(), "Berkas PDF ini tidak utuh"),
            ("source_code", "program.exe", exe, "Berkas program (seperti .exe) tidak diterima"),
            ("source_code", "kode.pdf", b"%PDF-1.7\n%%EOF".to_vec(), "Kode sumber diserahkan sebagai arsip"),
            ("user_manual", "besar.pdf", [b"%PDF-1.7\n".as_slice(), &vec![b' '; 19 * 1024 * 1024 + 10], b"%%EOF"].concat(), "paling besar 19 MB"),
        ] {
            let resp = upload(kind, name, bytes).await.unwrap();
            assert_eq!(resp.status(), 422, "{name}");
            let html = test_support::unescape(&resp.text().await.unwrap());
            let summary = test_support::error_summary_of(&html);
            assert!(summary.iter().any(|(f, t)| f == "file" && t.contains(says)), "{name}: {summary:?}");
            assert!(html.contains("id=\"file-error\"") && html.contains("<h1>SIKDA</h1>"), "{name}: on the application's page, beside the field");
        }
        let (_, docs) = api(Method::GET, app.url(&format!("/api/v1/applications/{id}/documents")), Some(&op), None).await;
        assert_eq!(docs.as_array().unwrap().len(), 0, "nothing kept: {docs}");
        // Over the server's whole limit the request is refused unread, in Indonesian.
        // Sent as a head alone: a client still writing 21 MB may find the connection closed
        // under it before it reads the answer (a browser then reads it, reqwest fails).
        let cookie = reqwest::cookie::CookieStore::cookies(&*jar, &app.url("/").parse().unwrap()).unwrap();
        let raw = app.send_head(&format!("POST /registry/applications/{id}/documents?_csrf={csrf} HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n\
            Cookie: {}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", cookie.to_str().unwrap(), 21 * 1024 * 1024)).await;
        assert!(raw.starts_with("HTTP/1.1 413"), "{raw}");
        let html = test_support::unescape(&raw);
        assert!(html.contains("paling besar 20 MB") && !html.contains("length limit"), "{html}");
    }
}
