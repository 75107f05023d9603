//! The registry over both databases: the registration workflow through the API, agency
//! isolation on pages and API, documents in the blob store, the master plan, and findings that
//! change as records do.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on an unexpected shape"
)]

use kernel::ids::AgencyId;
use kernel::permissions::Role;
use reqwest::Method;
use test_support::{TestApp, Value, api, both, json};

async fn agency(app: &TestApp, code: &str) -> AgencyId {
    app.agency_id(code).await
}

fn draft(agency: AgencyId, name: &str) -> Value {
    json!({
        "agency_id": agency.to_string(), "name": name, "kind": "khusus",
        "purpose": "Pendaftaran pasien puskesmas", "users": "Puskesmas", "funding_source": "apbd",
        "funding_amount": 120000000, "open_source": true, "licence": "GPL-3.0",
        "code_owned_by_region": true, "licence_owned_by_region": true, "web_based": true,
        "production_url": "https://pasien.sukamajukab.go.id", "security_level": "tinggi",
        "hosting": "dinas_dc", "lifecycle": "production"
    })
}

/// The rules an application currently breaks, as the API reports them.
async fn rules_of(app: &TestApp, token: &str, id: &str) -> Vec<String> {
    let (st, all) = api(
        Method::GET,
        app.url(&format!(
            "/api/v1/compliance/findings?record_id={id}&per_page=200"
        )),
        Some(token),
        None,
    )
    .await;
    assert_eq!(st, 200, "{all}");
    assert!(
        all["total"].as_i64().unwrap() <= 200,
        "one page holds them all"
    );
    all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["record_id"] == id)
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect()
}

both! {
    async fn an_agency_registers_and_the_dinas_reviews(app) {
        app.demo().await;
        let (dinkes, disdik) = (agency(&app, "DINKES").await, agency(&app, "DISDIKBUD").await);
        let op = app.token("op.test", Role::AgencyOperator, Some(dinkes)).await;
        let admin = app.token("admin.test", Role::DinasAdmin, None).await;
        // Bad input: every problem at once; nothing written.
        let (st, e) = api(Method::POST, app.url("/api/v1/applications"), Some(&op), Some(json!({"agency_id": dinkes.to_string(), "funding_amount": -5, "open_source": true}))).await;
        assert_eq!(st, 422, "{e}");
        let fields: Vec<&str> = e["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
        for f in ["name", "kind", "funding_amount", "licence", "hosting"] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
        let (st, _) = api(Method::POST, app.url("/api/v1/applications"), Some(&op), Some(json!({"agency_id": dinkes.to_string(), "surprise": 1}))).await;
        assert_eq!(st, 400, "unknown fields are refused");
        // Not for another agency.
        let (st, _) = api(Method::POST, app.url("/api/v1/applications"), Some(&op), Some(draft(disdik, "X"))).await;
        assert_eq!(st, 403);
        let (st, a) = api(Method::POST, app.url("/api/v1/applications"), Some(&op), Some(draft(dinkes, "Pendaftaran Pasien"))).await;
        assert_eq!((st, a["status"].as_str()), (201, Some("draft")), "{a}");
        let id = a["id"].as_str().unwrap().to_owned();
        // In production without an approved registration: that is itself a finding.
        assert_eq!(rules_of(&app, &op, &id).await, vec!["REG-APP-REGISTERED"]);
        let step = |who: String, action: &'static str, note: &'static str| {
            let url = app.url(&format!("/api/v1/applications/{id}/{action}"));
            async move { api(Method::POST, url, Some(&who), Some(json!({"note": note}))).await }
        };
        assert_eq!(step(admin.clone(), "approve", "").await.0, 409, "a draft cannot be approved");
        assert_eq!(step(op.clone(), "submit", "").await.1["status"], "submitted");
        assert_eq!(step(op.clone(), "approve", "").await.0, 403, "only the Dinas approves");
        let (st, e) = step(admin.clone(), "return", "").await;
        assert_eq!((st, e["error"]["field"].as_str()), (422, Some("note")));
        assert_eq!(step(admin.clone(), "return", "Cantumkan butir Rencana Induk").await.1["status"], "returned");
        // The agency corrects it and sends it again; the Dinas registers it.
        let mut corrected = draft(dinkes, "Pendaftaran Pasien Puskesmas");
        corrected["agency_id"] = json!(disdik.to_string());
        let (st, a) = api(Method::PUT, app.url(&format!("/api/v1/applications/{id}")), Some(&op), Some(corrected)).await;
        assert_eq!((st, a["agency_id"].as_str()), (200, Some(dinkes.to_string().as_str())), "the owner agency stays");
        assert_eq!(step(op.clone(), "submit", "").await.1["status"], "submitted");
        assert_eq!(step(admin.clone(), "approve", "").await.1["status"], "approved");
        // Registered: now the registry's other rules look at it.
        let broken = rules_of(&app, &op, &id).await;
        assert!(broken.contains(&"REG-APP-DOCUMENTS".to_owned()) && broken.contains(&"REG-APP-SSO".to_owned()), "{broken:?}");
        assert!(broken.contains(&"REG-APP-MASTER-PLAN".to_owned()));
        assert!(broken.contains(&"REG-APP-USER-FEATURES".to_owned()), "no KT 16.5 facilities declared: {broken:?}");
        assert!(!broken.contains(&"REG-APP-REGISTERED".to_owned()));
        let (_, findings) = api(Method::GET, app.url(&format!("/api/v1/compliance/findings?agency_id={dinkes}&record_id={id}&rule=REG-APP-DOCUMENTS")), Some(&admin), None).await;
        assert_eq!(findings["total"], 1, "{findings}");
        let docs = &findings["items"][0];
        assert_eq!(docs["citation"], "Pasal 16 ayat (3) Peraturan Bupati Sukamaju Nomor 6 Tahun 2018 tentang Penyelenggaraan e-Government");
        // History and audit trail.
        let (_, detail) = api(Method::GET, app.url(&format!("/api/v1/applications/{id}")), Some(&op), None).await;
        let actions: Vec<&str> = detail["history"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["create", "submit", "return", "update", "submit", "approve"]);
        assert_eq!(detail["documents_missing"].as_array().unwrap().len(), 9);
        let (_, audit) = api(Method::GET, app.url("/api/v1/audit-events?action=application.approve"), Some(&admin), None).await;
        assert_eq!(audit["items"][0]["actor"], "admin.test");
        // A correction to a registered application goes back for review; withdrawing needs a reason.
        let mut v2 = draft(dinkes, "Pendaftaran Pasien v2");
        for f in ["feature_correction", "feature_cancel", "feature_confirmation", "feature_offer_choice"] {
            v2[f] = json!(true);
        }
        let (_, a) = api(Method::PUT, app.url(&format!("/api/v1/applications/{id}")), Some(&op), Some(v2)).await;
        assert_eq!((a["status"].as_str(), a["feature_offer_choice"].as_bool()), (Some("submitted"), Some(true)), "{a}");
        assert_eq!(step(op.clone(), "withdraw", " ").await.0, 422);
        assert_eq!(step(op.clone(), "withdraw", "Diganti aplikasi provinsi").await.1["status"], "withdrawn");
        let (st, _) = api(Method::PUT, app.url(&format!("/api/v1/applications/{id}")), Some(&op), Some(draft(dinkes, "Y"))).await;
        assert_eq!(st, 409, "a withdrawn registration is kept as it is");
        assert!(rules_of(&app, &op, &id).await.is_empty(), "withdrawn records are not judged");
        let (st, _) = api(Method::POST, app.url(&format!("/api/v1/applications/{id}/fly")), Some(&op), Some(json!({}))).await;
        assert_eq!(st, 400);
    }
}

both! {
    async fn agencies_see_only_their_own_registrations(app) {
        app.demo().await;
        let (dinkes, disdik) = (agency(&app, "DINKES").await, agency(&app, "DISDIKBUD").await);
        let op = app.token("op.test", Role::AgencyOperator, Some(dinkes)).await;
        let other = app.token("op.other", Role::AgencyOperator, Some(disdik)).await;
        let (_, a) = api(Method::POST, app.url("/api/v1/applications"), Some(&op), Some(draft(dinkes, "Rahasia Dinkes"))).await;
        let id = a["id"].as_str().unwrap().to_owned();
        for (method, path, body) in [
            (Method::GET, format!("/api/v1/applications/{id}"), None),
            (Method::PUT, format!("/api/v1/applications/{id}"), Some(draft(disdik, "Curian"))),
            (Method::POST, format!("/api/v1/applications/{id}/withdraw"), Some(json!({"note": "iseng"}))),
        ] {
            assert_eq!(api(method, app.url(&path), Some(&other), body).await.0, 404, "{path}");
        }
        let (_, list) = api(Method::GET, app.url("/api/v1/applications"), Some(&other), None).await;
        assert!(list["items"].as_array().unwrap().iter().all(|a| a["agency_id"] == disdik.to_string().as_str()), "{list}");
        let (_, findings) = api(Method::GET, app.url("/api/v1/compliance/findings?per_page=200"), Some(&other), None).await;
        assert!(findings["total"].as_i64().unwrap() <= 200, "{findings}");
        assert!(findings["items"].as_array().unwrap().iter().all(|f| f["agency_id"] == disdik.to_string().as_str()), "{findings}");
        // Pages too: the record, its edit form, the CSV export.
        app.account("op.web", Role::AgencyOperator, Some(disdik)).await;
        let browser = app.browser();
        app.sign_in(&browser, "op.web").await;
        for path in [format!("/registry/applications/{id}"), format!("/registry/applications/{id}/edit")] {
            assert_eq!(browser.get(app.url(&path)).send().await.unwrap().status(), 404, "{path}");
        }
        let csv = browser.get(app.url("/registry/applications?format=csv")).send().await.unwrap().text().await.unwrap();
        assert!(!csv.contains("Rahasia Dinkes") && csv.contains("Data Sekolah Terpadu"), "{csv}");
        // The Dinas sees everything.
        let admin = app.token("admin.test", Role::DinasAdmin, None).await;
        assert_eq!(api(Method::GET, app.url(&format!("/api/v1/applications/{id}")), Some(&admin), None).await.0, 200);
    }
}

both! {
    async fn documents_are_versioned_in_the_blob_store_and_complete_the_checklist(app) {
        app.demo().await;
        let dinkes = agency(&app, "DINKES").await;
        app.account("op.docs", Role::AgencyOperator, Some(dinkes)).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "op.docs").await;
        let op = app.token("op.api", Role::AgencyOperator, Some(dinkes)).await;
        let admin = app.token("admin.test", Role::DinasAdmin, None).await;
        let (_, a) = api(Method::POST, app.url("/api/v1/applications"), Some(&op), Some(draft(dinkes, "Pendaftaran Pasien"))).await;
        let id = a["id"].as_str().unwrap().to_owned();
        for (who, action) in [(&op, "submit"), (&admin, "approve")] {
            api(Method::POST, app.url(&format!("/api/v1/applications/{id}/{action}")), Some(who), Some(json!({}))).await;
        }
        assert!(rules_of(&app, &op, &id).await.contains(&"REG-APP-DOCUMENTS".to_owned()));
        let upload = |kind: &'static str, body: &'static [u8], with_csrf: bool| {
            let url = if with_csrf {
                app.url(&format!("/registry/applications/{id}/documents?_csrf={csrf}"))
            } else {
                app.url(&format!("/registry/applications/{id}/documents"))
            };
            let form = reqwest::multipart::Form::new().text("kind", kind).part(
                "file",
                reqwest::multipart::Part::bytes(body).file_name(format!("{kind}.pdf")).mime_str("application/pdf").unwrap(),
            );
            browser.post(url).multipart(form).send()
        };
        assert_eq!(upload("user_manual", b"%PDF-1.4 manual\n%%EOF", false).await.unwrap().status(), 403, "no anti-forgery token");
        assert_eq!(upload("poem", b"x", true).await.unwrap().status(), 422);
        for kind in registry::model::DocumentKind::ALL.iter().map(|k| k.as_str()) {
            // Source code is an archive; the other eight are documents.
            let body: &'static [u8] = if kind == "source_code" { b"PK\x03\x04 src/main.rs" } else { b"%PDF-1.4 v1\n%%EOF" };
            assert_eq!(upload(kind, body, true).await.unwrap().status(), 303, "{kind}");
        }
        assert_eq!(upload("user_manual", b"%PDF-1.4 v2\n%%EOF", true).await.unwrap().status(), 303);
        assert!(!rules_of(&app, &op, &id).await.contains(&"REG-APP-DOCUMENTS".to_owned()), "all nine handed over");
        let (_, detail) = api(Method::GET, app.url(&format!("/api/v1/applications/{id}")), Some(&op), None).await;
        let manuals: Vec<&Value> = detail["documents"].as_array().unwrap().iter().filter(|d| d["kind"] == "user_manual").collect();
        assert_eq!(manuals.len(), 2);
        assert_eq!(manuals[0]["version"], 2);
        assert_eq!(manuals[0]["sha256"], kernel::blob::sha256(b"%PDF-1.4 v2\n%%EOF"));
        assert_eq!(manuals[1]["sha256"], detail["documents"].as_array().unwrap().iter().find(|d| d["kind"] == "metadata").unwrap()["sha256"], "the same content is one blob");
        let doc = manuals[0]["id"].as_str().unwrap();
        let resp = browser.get(app.url(&format!("/registry/documents/{doc}"))).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        assert!(resp.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
        assert_eq!(resp.bytes().await.unwrap().as_ref(), b"%PDF-1.4 v2\n%%EOF");
        let page = browser.get(app.url(&format!("/registry/applications/{id}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("9/9"), "the checklist is complete");
        // Another agency cannot fetch it.
        let disdik = agency(&app, "DISDIKBUD").await;
        app.account("op.other", Role::AgencyOperator, Some(disdik)).await;
        let other = app.browser();
        app.sign_in(&other, "op.other").await;
        assert_eq!(other.get(app.url(&format!("/registry/documents/{doc}"))).send().await.unwrap().status(), 404);
    }
}

both! {
    async fn the_master_plan_is_kept_by_the_dinas_and_cited_by_registrations(app) {
        app.demo().await;
        let admin = app.token("admin.test", Role::DinasAdmin, None).await;
        // The demo plan was last reviewed in February 2024: overdue.
        let (_, f) = api(Method::GET, app.url("/api/v1/compliance/findings?rule=REG-PLAN-REVIEW"), Some(&admin), None).await;
        assert_eq!(f["total"], 1, "{f}");
        app.account("kominfo", Role::DinasAdmin, None).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "kominfo").await;
        let (_, plan) = api(Method::GET, app.url("/api/v1/master-plan"), Some(&admin), None).await;
        let plan_id = plan["plan"]["id"].as_str().unwrap().to_owned();
        assert_eq!(plan["items"].as_array().unwrap().len(), 6);
        let today = chrono::Utc::now().date_naive().to_string();
        let resp = browser.post(app.url("/registry/master-plan/review")).form(&[("_csrf", csrf.as_str()), ("plan_id", plan_id.as_str()), ("reviewed_on", "2099-01-01")]).send().await.unwrap();
        assert_eq!(resp.status(), 422, "not in the future");
        let resp = browser.post(app.url("/registry/master-plan/review")).form(&[("_csrf", csrf.as_str()), ("plan_id", plan_id.as_str()), ("reviewed_on", today.as_str())]).send().await.unwrap();
        assert_eq!(resp.status(), 303);
        for rule in ["REG-PLAN-REVIEW", "REG-PLAN-CURRENT"] {
            let (_, f) = api(Method::GET, app.url(&format!("/api/v1/compliance/findings?rule={rule}")), Some(&admin), None).await;
            assert_eq!(f["total"], 0, "{f}");
        }
        let resp = browser.post(app.url("/registry/master-plan/items")).form(&[("_csrf", csrf.as_str()), ("plan_id", plan_id.as_str()), ("code", "RI-01"), ("title", "Lagi")]).send().await.unwrap();
        assert_eq!(resp.status(), 422, "codes are unique in a plan");
        // Operators read the plan but do not keep it.
        let dinkes = agency(&app, "DINKES").await;
        app.account("op.plan", Role::AgencyOperator, Some(dinkes)).await;
        let op = app.browser();
        let op_csrf = app.sign_in(&op, "op.plan").await;
        assert_eq!(op.get(app.url("/registry/master-plan")).send().await.unwrap().status(), 200);
        let resp = op.post(app.url("/registry/master-plan/items")).form(&[("_csrf", op_csrf.as_str()), ("plan_id", plan_id.as_str()), ("code", "RI-99"), ("title", "X")]).send().await.unwrap();
        assert_eq!(resp.status(), 403);
        // A registration citing an unknown item is refused.
        let token = app.token("op.api", Role::AgencyOperator, Some(dinkes)).await;
        let mut d = draft(dinkes, "Z");
        d["master_plan_item_id"] = json!("no-such-item");
        let (st, e) = api(Method::POST, app.url("/api/v1/applications"), Some(&token), Some(d)).await;
        assert_eq!((st, e["error"]["field"].as_str()), (422, Some("master_plan_item_id")));
    }
}

both! {
    async fn an_agency_sees_its_own_open_findings_on_its_home_page(app) {
        app.demo().await;
        let dukcapil = agency(&app, "DISDUKCAPIL").await;
        app.account("op.home", Role::AgencyOperator, Some(dukcapil)).await;
        let browser = app.browser();
        app.sign_in(&browser, "op.home").await;
        let home = browser.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(home.contains("Ada 2 temuan terbuka") && home.contains("Antrian Online Dukcapil") && home.contains("Mesin antrean Dukcapil"), "{home}");
        assert!(!home.contains("SIKDA Puskesmas"), "another agency's findings stay hidden");
        app.account("kominfo", Role::DinasAdmin, None).await;
        let dinas = app.browser();
        app.sign_in(&dinas, "kominfo").await;
        let home = dinas.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(home.contains("temuan terbuka") && home.contains("/compliance?agency_id="), "{home}");
        // Narrowed to one agency, the Dinas's page lists that agency's findings only, beside
        // the whole region's ranking.
        let dinkes = agency(&app, "DINKES").await;
        let page = dinas.get(app.url(&format!("/compliance?agency_id={dinkes}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("SIKDA Puskesmas") && !page.contains("Antrian Online Dukcapil"), "{page}");
        assert!(page.contains("DISDUKCAPIL"), "the ranking still shows every agency");
        // An operator cannot read another agency's findings by naming it.
        let page = browser.get(app.url(&format!("/compliance?agency_id={dinkes}"))).send().await.unwrap().text().await.unwrap();
        assert!(!page.contains("SIKDA Puskesmas"), "{page}");
    }
}

both! {
    async fn only_approved_registrations_become_single_sign_on_clients(app) {
        app.demo().await;
        let dinkes = agency(&app, "DINKES").await;
        let op = app.token("op.test", Role::AgencyOperator, Some(dinkes)).await;
        let admin = app.token("admin.test", Role::DinasAdmin, None).await;
        // A client made by hand, outside the registry, is a finding for its agency.
        let (hand, _) = app.db(move |c| {
            let draft = sso::service::ClientDraft {
                name: "Aplikasi Liar".into(), redirect_uris: vec!["https://liar.sukamajukab.go.id/cb".into()],
                post_logout_redirect_uris: vec![], public: false, owner_agency_id: Some(dinkes), id_token_alg: None,
                security_level: None, external: false, api_access: false, backchannel_logout_uri: None,
            };
            sso::service::register_client(c, &kernel::audit::Actor::system("test"), &draft).unwrap()
        }).await;
        assert_eq!(rules_of(&app, &op, &hand.id).await, ["REG-SSO-CLIENT-REGISTERED"]);
        let (_, mine) = api(Method::GET, app.url("/api/v1/applications"), Some(&op), None).await;
        let sikda = mine["items"][0]["id"].as_str().unwrap().to_owned();
        assert!(rules_of(&app, &op, &sikda).await.contains(&"REG-APP-SSO".to_owned()));
        let connect = |who: String, id: String, body: Value| {
            let url = app.url(&format!("/api/v1/applications/{id}/sso-client"));
            async move { api(Method::POST, url, Some(&who), Some(body)).await }
        };
        let good = json!({"redirect_uris": ["https://sikda.sukamajukab.go.id/oidc/callback"]});
        assert_eq!(connect(op.clone(), sikda.clone(), good.clone()).await.0, 403, "the Dinas registers clients");
        let (st, e) = connect(admin.clone(), sikda.clone(), json!({"redirect_uris": ["bukan alamat"]})).await;
        assert_eq!(st, 422, "{e}");
        let (_, still) = api(Method::GET, app.url(&format!("/api/v1/applications/{sikda}")), Some(&op), None).await;
        assert!(still["sso_client_id"].is_null(), "nothing linked on a bad request");
        // A draft is not registered yet.
        let (_, d) = api(Method::POST, app.url("/api/v1/applications"), Some(&op), Some(draft(dinkes, "Belum Terdaftar"))).await;
        let (st, e) = connect(admin.clone(), d["id"].as_str().unwrap().to_owned(), good.clone()).await;
        assert_eq!((st, e["error"]["field"].as_str()), (409, Some("status")), "{e}");
        let (st, r) = connect(admin.clone(), sikda.clone(), good.clone()).await;
        assert_eq!(st, 201, "{r}");
        assert!(r["client_secret"].as_str().is_some_and(|s| s.len() > 20));
        assert!(r["discovery_url"].as_str().unwrap().ends_with("/.well-known/openid-configuration"));
        let (_, linked) = api(Method::GET, app.url(&format!("/api/v1/applications/{sikda}")), Some(&op), None).await;
        assert_eq!(linked["sso_client_id"], r["client_id"]);
        assert!(!rules_of(&app, &op, &sikda).await.contains(&"REG-APP-SSO".to_owned()));
        assert!(rules_of(&app, &op, r["client_id"].as_str().unwrap()).await.is_empty(), "the new client is registered");
        assert_eq!(connect(admin.clone(), sikda.clone(), good).await.0, 409, "once");
        // An application cannot borrow another agency's client.
        let disdik = agency(&app, "DISDIKBUD").await;
        let other = app.token("op.other", Role::AgencyOperator, Some(disdik)).await;
        let mut theirs = draft(disdik, "Pinjam Klien");
        theirs["sso_client_id"] = r["client_id"].clone();
        let (st, e) = api(Method::POST, app.url("/api/v1/applications"), Some(&other), Some(theirs)).await;
        assert_eq!(st, 422, "{e}");
        assert!(e["error"]["details"].as_array().unwrap().iter().any(|d| d["field"] == "sso_client_id"), "{e}");
    }
}

both! {
    async fn a_master_plan_near_its_end_says_so_to_the_dinas(app) {
        use chrono::Datelike;
        let admin = app.token("admin.plan", Role::DinasAdmin, None).await;
        // The region's today (WIB): a plan whose five years end this year.
        let today = (chrono::Utc::now() + chrono::TimeDelta::hours(7)).date_naive();
        let start = today.year() - 4;
        let (s, plan) = api(Method::POST, app.url("/api/v1/master-plan"), Some(&admin),
            Some(json!({"title": "Rencana Induk SPBE", "period_start": start.to_string(), "adopted_on": format!("{}-01-02", today.year() - 1)}))).await;
        assert_eq!(s, 201, "{plan}");
        app.account("kominfo.plan", Role::DinasAdmin, None).await;
        let browser = app.browser();
        app.sign_in(&browser, "kominfo.plan").await;
        let page = browser.get(app.url("/registry/master-plan")).send().await.unwrap().text().await.unwrap();
        let home = browser.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        let left = 12 - today.month();
        let end = format!("31 Desember {}", today.year());
        if left == 0 {
            assert!(page.contains(&format!("berakhir bulan ini, {end}")), "{page}");
            assert!(home.contains(&format!("berakhir bulan ini, {end}")), "the Dinas's home says it too");
        } else if left <= 6 {
            assert!(page.contains(&format!("berakhir {end}, {left} bulan lagi")), "{page}");
            assert!(home.contains(&format!("berakhir {end}, {left} bulan lagi")), "the Dinas's home says it too");
        } else {
            assert!(!page.contains("berakhir") && !home.contains("berakhir"), "more than six months left: no warning yet");
        }
    }
}

both! {
    async fn a_leader_s_home_shows_the_region_at_a_glance(app) {
        app.demo().await;
        let leader = app.token("bupati.api", Role::Leader, None).await;
        let count = |status: &'static str| {
            let (url, token) = (app.url(&format!("/api/v1/applications?status={status}")), leader.clone());
            async move { api(Method::GET, url, Some(&token), None).await.1["total"].as_i64().unwrap() }
        };
        let approved = count("approved").await;
        assert!(approved > 0, "the demo has registered applications");
        let (_, scores) = api(Method::GET, app.url("/api/v1/compliance/scores"), Some(&leader), None).await;
        let (checked, failed) = scores.as_array().unwrap().iter()
            .fold((0, 0), |(c, f), s| (c + s["checked"].as_u64().unwrap(), f + s["findings"].as_u64().unwrap()));
        let score = (checked - failed) * 100 / checked;
        app.account("bupati.web", Role::Leader, None).await;
        let browser = app.browser();
        app.sign_in(&browser, "bupati.web").await;
        let home = test_support::unescape(&browser.get(app.url("/")).send().await.unwrap().text().await.unwrap());
        assert!(home.contains("Ringkasan daerah"), "{home}");
        // The score is the share of every check in the region that passes (rounded as scores are).
        let shown: u64 = home.split(r#"<span class="big">"#).nth(1).unwrap().split('%').next().unwrap().parse().unwrap();
        assert!(shown == score || shown == score + 1, "{shown} vs {score}");
        assert!(home.contains(&format!("Terdaftar: <strong>{approved}</strong>")), "the legend counts each status");
        assert!(home.contains("<title>DINKES — Terdaftar: "), "each part of a bar says what it is");
        // The trend: half a year of the demo's readings and today's, recorded by this visit.
        let trend = home.split(r#"id="trend-title""#).nth(1).unwrap().split("</svg>").next().unwrap();
        assert_eq!(trend.matches("<circle").count(), 14, "{trend}");
        let today = app.db(|c| {
            use diesel::prelude::*;
            db::schema::compliance_history::table.select(diesel::dsl::count_star()).get_result::<i64>(c).unwrap()
        }).await;
        assert_eq!(today, 14);
        // A second look does not take a second reading of the same day.
        browser.get(app.url("/compliance")).send().await.unwrap();
        let again = app.db(|c| {
            use diesel::prelude::*;
            db::schema::compliance_history::table.select(diesel::dsl::count_star()).get_result::<i64>(c).unwrap()
        }).await;
        assert_eq!(again, 14);
        // An agency's operator starts with their own work, not the region's overview.
        let dinkes = app.agency_id("DINKES").await;
        app.account("op.ringkas", Role::AgencyOperator, Some(dinkes)).await;
        let op = app.browser();
        app.sign_in(&op, "op.ringkas").await;
        let home = op.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(!home.contains("Ringkasan daerah"));
    }
}
