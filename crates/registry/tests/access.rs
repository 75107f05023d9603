//! The registry's access matrix on SQLite and PostgreSQL: every page and API route refuses
//! anonymous callers, hides one agency's records from another agency's operator (404), and
//! refuses writes from the read-only roles (403).
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on an unexpected shape"
)]

use kernel::permissions::Role;
use reqwest::Method;
use test_support::access::{Body, Matrix, form, get, post, put};
use test_support::{TestApp, api, both, json};

async fn created(app: &TestApp, token: &str, path: &str, body: serde_json::Value) -> String {
    let (s, v) = api(Method::POST, app.url(path), Some(token), Some(body)).await;
    assert_eq!(s, 201, "{path}: {v}");
    v["id"].as_str().unwrap().to_owned()
}

both! {
    async fn access_matrix(app) {
        let (dinkes, disdik) = (app.agency("DINKES").await, app.agency("DISDIK").await);
        let op = app.token("op.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let a = dinkes.to_string();
        let app_body = json!({
            "agency_id": a, "name": "SIKDA", "kind": "khusus", "purpose": "Pendaftaran pasien", "users": "Puskesmas",
            "funding_source": "apbd", "funding_amount": 1000, "open_source": false, "code_owned_by_region": true,
            "licence_owned_by_region": true, "web_based": true, "production_url": "https://sikda.sukamajukab.go.id",
            "security_level": "tinggi", "hosting": "dinas_dc", "lifecycle": "production"
        });
        let application = created(&app, &op, "/api/v1/applications", app_body.clone()).await;
        let vendor_body = json!({"agency_id": a, "name": "PT Medika", "contract_number": "440/1/2026", "contract_start": "2026-01-01",
            "contract_end": "2026-12-31", "application_id": application, "confidentiality_signed": true, "training_given": true});
        let device_body = json!({"agency_id": a, "kind": "network", "name": "Switch", "funding_source": "apbd", "location": "Gedung A"});
        let server_body = json!({"agency_id": a, "name": "srv-1", "kind": "physical", "site": "agency", "rack_or_cluster": "",
            "cpu_cores": 8, "memory_gb": 32, "storage_gb": 1000});
        // Room in the data center is asked for an application the Dinas has seen.
        let mut sent_body = app_body.clone();
        sent_body["name"] = json!("SIKDA Rujukan");
        let sent = created(&app, &op, "/api/v1/applications", sent_body).await;
        assert_eq!(api(Method::POST, app.url(&format!("/api/v1/applications/{sent}/submit")), Some(&op), Some(json!({}))).await.0, 200);
        let hosting_body = json!({"application_id": sent, "cpu_cores": 4, "memory_gb": 8, "storage_gb": 100, "note": "PHP"});
        let vendor = created(&app, &op, "/api/v1/vendors", vendor_body.clone()).await;
        let device = created(&app, &op, "/api/v1/devices", device_body.clone()).await;
        let server = created(&app, &op, "/api/v1/servers", server_body.clone()).await;
        let hosting = created(&app, &op, "/api/v1/hosting-requests", hosting_body.clone()).await;
        // A document, uploaded through the page.
        app.account("op.web", Role::AgencyOperator, Some(dinkes)).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "op.web").await;
        let pdf = b"%PDF-1.4 manual\n%%EOF".to_vec();
        let doc_form = || Body::File(vec![("kind", "user_manual")], "file", pdf.clone());
        let upload = reqwest::multipart::Form::new().text("kind", "user_manual")
            .part("file", reqwest::multipart::Part::bytes(pdf.clone()).file_name("manual.pdf"));
        let resp = browser.post(app.url(&format!("/registry/applications/{application}/documents")))
            .header("x-csrf-token", &csrf).multipart(upload).send().await.unwrap();
        assert_eq!(resp.status(), 303);
        let (_, detail) = api(Method::GET, app.url(&format!("/api/v1/applications/{application}")), Some(&op), None).await;
        let document = detail["documents"][0]["id"].as_str().unwrap().to_owned();
        let (_, plan) = api(Method::GET, app.url("/api/v1/master-plan"), Some(&admin), None).await;
        assert!(plan["plan"].is_null());

        let app_form = form(&[("agency_id", &a), ("name", "SIKDA"), ("kind", "khusus"), ("purpose", "Pasien"), ("users", "Puskesmas"),
            ("lifecycle", "production"), ("funding_source", "apbd"), ("hosting", "dinas_dc"), ("security_level", "tinggi")]);
        let vendor_form = form(&[("agency_id", &a), ("name", "PT Medika"), ("contract_number", "1"), ("contract_start", "2026-01-01"), ("contract_end", "2026-12-31")]);
        let device_form = form(&[("agency_id", &a), ("kind", "network"), ("name", "Switch"), ("funding_source", "apbd"), ("location", "Gedung A")]);
        let server_form = form(&[("agency_id", &a), ("name", "srv-2"), ("kind", "physical"), ("site", "agency"), ("cpu_cores", "8"), ("memory_gb", "8"), ("storage_gb", "8")]);
        let csv = |text: &str| text.as_bytes().to_vec();
        let devices_csv = csv("agency_code,kind,name,funding_source,location\nDINKES,network,Router,apbd,Gedung B\n");
        let writes = vec![
            post("/api/v1/applications", Body::Json(app_body.clone())),
            put(format!("/api/v1/applications/{application}"), Body::Json(app_body.clone())),
            post(format!("/api/v1/applications/{application}/submit"), Body::Json(json!({}))),
            post(format!("/api/v1/applications/{application}/sso-client"), Body::Json(json!({"redirect_uris": ["https://sikda.sukamajukab.go.id/cb"]}))),
            post("/api/v1/applications/import", Body::Raw(csv("agency_code,name\nDINKES,X\n"))),
            post("/api/v1/vendors", Body::Json(vendor_body.clone())),
            put(format!("/api/v1/vendors/{vendor}"), Body::Json(vendor_body.clone())),
            post("/api/v1/vendors/import", Body::Raw(csv("agency_code,name\nDINKES,X\n"))),
            post("/api/v1/devices", Body::Json(device_body.clone())),
            put(format!("/api/v1/devices/{device}"), Body::Json(device_body.clone())),
            post("/api/v1/devices/import", Body::Raw(devices_csv.clone())),
            post("/api/v1/servers", Body::Json(server_body.clone())),
            put(format!("/api/v1/servers/{server}"), Body::Json(server_body.clone())),
            post("/api/v1/servers/import", Body::Raw(csv("agency_code,name\nDINKES,X\n"))),
            put(format!("/api/v1/servers/{server}/applications"), Body::Json(json!({"applications": [application]}))),
            post("/api/v1/hosting-requests", Body::Json(hosting_body.clone())),
            post(format!("/api/v1/hosting-requests/{hosting}/withdraw"), Body::Json(json!({"note": "batal"}))),
            post(format!("/api/v1/applications/{application}/documents/user_manual?filename=manual.pdf"), Body::Raw(pdf.clone())),
            post("/api/v1/master-plan", Body::Json(json!({"title": "Rencana Induk SPBE", "period_start": "2025", "adopted_on": "2025-01-02"}))),
            post("/api/v1/master-plan/review", Body::Json(json!({"plan_id": "01a241d0-06fe-720b-a504-7a3b9ab35ff3", "reviewed_on": "2025-06-01"}))),
            post("/api/v1/master-plan/items", Body::Json(json!({"plan_id": "01a241d0-06fe-720b-a504-7a3b9ab35ff3", "code": "RI-1", "title": "X"}))),
            post("/registry/applications/new", app_form.clone()),
            post(format!("/registry/applications/{application}/edit"), app_form.clone()),
            post(format!("/registry/applications/{application}/action"), form(&[("action", "submit"), ("confirm", "on")])),
            post(format!("/registry/applications/{application}/documents"), doc_form()),
            post(format!("/registry/applications/{application}/sso"), form(&[("redirect_uris", "https://sikda.sukamajukab.go.id/cb")])),
            post("/registry/master-plan", form(&[("title", "Rencana Induk SPBE"), ("period_start", "2025"), ("adopted_on", "2025-01-02")])),
            post("/registry/vendors/new", vendor_form.clone()),
            post(format!("/registry/vendors/{vendor}"), vendor_form.clone()),
            post("/registry/devices/new", device_form.clone()),
            post(format!("/registry/devices/{device}"), device_form.clone()),
            post("/registry/servers/new", server_form.clone()),
            post(format!("/registry/servers/{server}"), server_form.clone()),
            post(format!("/registry/servers/{server}/applications"), form(&[("application_id", &application)])),
            post("/registry/import", Body::File(vec![("kind", "devices")], "file", devices_csv.clone())),
            post("/registry/hosting/new", form(&[("application_id", &application), ("cpu_cores", "2"), ("memory_gb", "4"), ("storage_gb", "50"), ("note", "PHP")])),
            post(format!("/registry/hosting/{hosting}/decide"), form(&[("action", "withdraw"), ("note", "batal")])),
        ];
        let mut signed_in = vec![
            get("/api/v1/applications"), get(format!("/api/v1/applications/{application}")),
            get("/api/v1/master-plan"), get("/api/v1/compliance/findings"),
            get(format!("/api/v1/applications/{application}/documents")), get(format!("/api/v1/documents/{document}")), get("/api/v1/compliance/scores"),
            get("/api/v1/vendors"), get(format!("/api/v1/vendors/{vendor}")),
            get("/api/v1/devices"), get(format!("/api/v1/devices/{device}")),
            get("/api/v1/servers"), get(format!("/api/v1/servers/{server}")),
            get("/api/v1/hosting-requests"), get(format!("/api/v1/hosting-requests/{hosting}")),
            get("/registry/applications"), get("/registry/applications/new"), get(format!("/registry/applications/{application}")),
            get(format!("/registry/applications/{application}/edit")), get(format!("/registry/documents/{document}")),
            get("/registry/master-plan"), get("/compliance"),
            get("/registry/vendors"), get("/registry/vendors/new"), get(format!("/registry/vendors/{vendor}")),
            get("/registry/devices"), get("/registry/devices/new"), get(format!("/registry/devices/{device}")),
            get("/registry/servers"), get("/registry/servers/new"), get(format!("/registry/servers/{server}")),
            get("/registry/import"), get("/registry/import/template/devices"), get("/registry/hosting"), get("/registry/hosting/new"), get(format!("/registry/hosting/{hosting}")),
        ];
        signed_in.extend(writes.clone());
        app.check_access(Matrix {
            module: registry::MODULE,
            public: &[],
            signed_in,
            outsider: disdik,
            others: vec![
                get(format!("/api/v1/applications/{application}")),
                put(format!("/api/v1/applications/{application}"), Body::Json(app_body)),
                post(format!("/api/v1/applications/{application}/submit"), Body::Json(json!({}))),
                post(format!("/api/v1/applications/{application}/sso-client"), Body::Json(json!({"redirect_uris": ["https://x.sukamajukab.go.id/cb"]}))),
                get(format!("/api/v1/vendors/{vendor}")), put(format!("/api/v1/vendors/{vendor}"), Body::Json(vendor_body)),
                get(format!("/api/v1/devices/{device}")), put(format!("/api/v1/devices/{device}"), Body::Json(device_body)),
                get(format!("/api/v1/servers/{server}")), put(format!("/api/v1/servers/{server}"), Body::Json(server_body)),
                put(format!("/api/v1/servers/{server}/applications"), Body::Json(json!({"applications": []}))),
                get(format!("/api/v1/hosting-requests/{hosting}")),
                post(format!("/api/v1/hosting-requests/{hosting}/withdraw"), Body::Json(json!({"note": "x"}))),
                get(format!("/registry/applications/{application}")),
                get(format!("/registry/applications/{application}/edit")),
                post(format!("/registry/applications/{application}/edit"), app_form),
                post(format!("/registry/applications/{application}/action"), form(&[("action", "submit"), ("confirm", "on")])),
                post(format!("/registry/applications/{application}/documents"), doc_form()),
                post(format!("/registry/applications/{application}/sso"), form(&[("redirect_uris", "https://x.sukamajukab.go.id/cb")])),
                get(format!("/registry/documents/{document}")),
                get(format!("/api/v1/documents/{document}")),
                get(format!("/api/v1/applications/{application}/documents")),
                post(format!("/api/v1/applications/{application}/documents/user_manual?filename=m.pdf"), Body::Raw(pdf.clone())),
                get(format!("/registry/vendors/{vendor}")), post(format!("/registry/vendors/{vendor}"), vendor_form),
                get(format!("/registry/devices/{device}")), post(format!("/registry/devices/{device}"), device_form),
                get(format!("/registry/servers/{server}")), post(format!("/registry/servers/{server}"), server_form),
                post(format!("/registry/servers/{server}/applications"), form(&[("application_id", &application)])),
                get(format!("/registry/hosting/{hosting}")),
                post(format!("/registry/hosting/{hosting}/decide"), form(&[("action", "withdraw"), ("note", "x")])),
            ],
            writes,
        }).await;
    }
}
