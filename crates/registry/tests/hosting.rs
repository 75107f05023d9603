//! Hosting requests and workflow notifications over both databases: an agency asks, the Dinas
//! is told and decides, the agency is told; bad input, wrong hands and second decisions are
//! refused; every step is in the audit trail.
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

fn fields(e: &Value) -> Vec<String> {
    e["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap().to_owned())
        .collect()
}

async fn server_id(app: &TestApp, token: &str, name: &str) -> String {
    let (_, list) = api(
        Method::GET,
        app.url(&format!("/api/v1/servers?q={name}")),
        Some(token),
        None,
    )
    .await;
    list["items"][0]["id"].as_str().unwrap().to_owned()
}

both! {
    async fn an_agency_asks_for_hosting_and_the_dinas_places_it(app) {
        app.demo().await;
        let (dinkes, disdik) = (agency(&app, "DINKES").await, agency(&app, "DISDIKBUD").await);
        let op = app.token("op.api", Role::AgencyOperator, Some(dinkes)).await;
        let other = app.token("op.other", Role::AgencyOperator, Some(disdik)).await;
        let admin = app.token("admin.api", Role::DinasAdmin, None).await;
        let (_, mine) = api(Method::GET, app.url("/api/v1/applications"), Some(&op), None).await;
        let sikda = mine["items"][0]["id"].as_str().unwrap().to_owned();
        let (_, theirs) = api(Method::GET, app.url("/api/v1/applications"), Some(&other), None).await;
        let url = app.url("/api/v1/hosting-requests");
        // Every problem at once; another agency's application is not the operator's to ask for.
        let (st, e) = api(Method::POST, url.clone(), Some(&op), Some(json!({"cpu_cores": 0, "memory_gb": "8"}))).await;
        assert_eq!((st, fields(&e)), (422, vec!["application_id".into(), "cpu_cores".into(), "storage_gb".into(), "note".into()]), "{e}");
        let body = |app_id: &str| json!({"application_id": app_id, "cpu_cores": 4, "memory_gb": 8, "storage_gb": 200, "note": "SIKDA: PHP + MySQL"});
        let (st, e) = api(Method::POST, url.clone(), Some(&op), Some(body(theirs["items"][0]["id"].as_str().unwrap()))).await;
        assert_eq!((st, fields(&e)), (422, vec!["application_id".to_owned()]));
        let (st, r) = api(Method::POST, url.clone(), Some(&op), Some(body(&sikda))).await;
        assert_eq!((st, r["status"].as_str()), (201, Some("submitted")), "{r}");
        let id = r["id"].as_str().unwrap().to_owned();
        // The Dinas hears of it; seeing it once marks it read.
        app.account("kominfo", Role::DinasAdmin, None).await;
        let dinas = app.browser();
        let csrf = app.sign_in(&dinas, "kominfo").await;
        let home = dinas.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(home.contains("DINKES memohon hosting untuk aplikasi SIKDA Puskesmas") && home.contains(" baru</span>"), "{home}");
        let page = dinas.get(app.url("/notifications")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(&format!("href=\"/registry/hosting/{id}\"")) && page.contains("Baru"), "{page}");
        let again = dinas.get(app.url("/notifications")).send().await.unwrap().text().await.unwrap();
        assert!(!again.contains("class=\"tag\">Baru"), "seen now");
        // Another agency learns nothing; the operator cannot decide for the Dinas.
        let step = |who: &str, action: &str, body: Value| {
            let (url, who) = (app.url(&format!("/api/v1/hosting-requests/{id}/{action}")), who.to_owned());
            async move { api(Method::POST, url, Some(&who), Some(body)).await }
        };
        assert_eq!(api(Method::GET, app.url(&format!("/api/v1/hosting-requests/{id}")), Some(&other), None).await.0, 404);
        assert_eq!(step(&other, "withdraw", json!({"note": "iseng"})).await.0, 404);
        assert_eq!(step(&op, "approve", json!({"server_id": "x"})).await.0, 403);
        let (st, e) = step(&admin, "approve", json!({})).await;
        assert_eq!((st, fields(&e)), (422, vec!["server_id".to_owned()]));
        let local = server_id(&app, &admin, "srv-dinkes-lokal").await;
        let (st, e) = step(&admin, "approve", json!({"server_id": local})).await;
        assert_eq!((st, fields(&e)), (422, vec!["server_id".to_owned()]), "only the Dinas's own servers");
        // Choosing, the Dinas sees each server's room left and what already runs on it.
        let request_page = dinas.get(app.url(&format!("/registry/hosting/{id}"))).send().await.unwrap().text().await.unwrap();
        let option = request_page.split('>').find(|t| t.starts_with("vm-simpeg-01 — ")).unwrap_or_else(|| panic!("{request_page}"));
        assert!(option.contains(" vCPU") && option.contains("GB memori") && option.contains("aplikasi berjalan"), "{option}");
        // Approved through the page: the application now runs on that server.
        let vm = server_id(&app, &admin, "vm-simpeg-01").await;
        let done = dinas.post(app.url(&format!("/registry/hosting/{id}/decide"))).form(&[("_csrf", csrf.as_str()), ("action", "approve"), ("server_id", vm.as_str()), ("note", "")]).send().await.unwrap();
        assert_eq!(done.status(), 303);
        let (_, r) = api(Method::GET, app.url(&format!("/api/v1/hosting-requests/{id}")), Some(&op), None).await;
        assert_eq!((r["status"].as_str(), r["server_id"].as_str()), (Some("approved"), Some(vm.as_str())));
        let server_page = dinas.get(app.url(&format!("/registry/servers/{vm}"))).send().await.unwrap().text().await.unwrap();
        assert!(server_page.contains(&format!("value=\"{sikda}\" checked")), "the application runs on the server");
        let app_page = test_support::unescape(&dinas.get(app.url(&format!("/registry/applications/{sikda}"))).send().await.unwrap().text().await.unwrap());
        assert!(app_page.contains("Berjalan di server: <a href=\"/registry/servers/") && app_page.contains(">vm-simpeg-01</a>"), "the application's page says where it runs");
        assert!(app_page.contains(&format!("href=\"/registry/hosting/{id}\"")) && app_page.contains("Disetujui"), "and links its hosting request");
        assert_eq!(step(&admin, "reject", json!({"note": "terlambat"})).await.0, 409, "decided once");
        // The agency hears of the decision.
        app.account("op.web", Role::AgencyOperator, Some(dinkes)).await;
        let agency_browser = app.browser();
        app.sign_in(&agency_browser, "op.web").await;
        let page = agency_browser.get(app.url("/notifications")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Permohonan hosting SIKDA Puskesmas disetujui."), "{page}");
        assert!(!page.contains("memohon hosting"), "the Dinas's own notifications are not the agency's");
        let trail = app.db({ let id = id.clone(); move |c| {
            let f = kernel::audit::AuditFilter { record_id: Some(id), ..Default::default() };
            kernel::audit::list(c, &f, 10, 0).unwrap().0
        }}).await;
        let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["hosting_request.approve", "hosting_request.create"]);
    }
}

both! {
    async fn registration_steps_notify_whoever_acts_next(app) {
        app.demo().await;
        let dinkes = agency(&app, "DINKES").await;
        let op = app.token("op.api", Role::AgencyOperator, Some(dinkes)).await;
        let admin = app.token("admin.api", Role::DinasAdmin, None).await;
        let (_, a) = api(Method::POST, app.url("/api/v1/applications"), Some(&op), Some(json!({
            "agency_id": dinkes.to_string(), "name": "Sistem Rujukan", "kind": "khusus", "purpose": "Rujukan pasien",
            "users": "Puskesmas", "funding_source": "apbd", "open_source": true, "licence": "MIT", "web_based": false,
            "security_level": "tinggi", "hosting": "dinas_dc", "lifecycle": "planned"
        }))).await;
        let id = a["id"].as_str().unwrap().to_owned();
        for (who, action, note) in [(&op, "submit", ""), (&admin, "return", "Lengkapi rencana induk")] {
            let (st, r) = api(Method::POST, app.url(&format!("/api/v1/applications/{id}/{action}")), Some(who), Some(json!({"note": note}))).await;
            assert_eq!(st, 200, "{r}");
        }
        let told = |audience: kernel::notify::Audience| {
            app.db(move |c| {
                kernel::notify::sent_to(c, audience)
                    .unwrap()
                    .into_iter()
                    .map(|n| (n.message, n.args))
                    .filter(|(_, args)| args.contains("Sistem Rujukan"))
                    .collect::<Vec<_>>()
            })
        };
        let dinas = told(kernel::notify::Audience::Dinas).await;
        assert_eq!(dinas.len(), 1);
        assert_eq!(dinas[0].0, "notif-app-submit");
        let agency_side = told(kernel::notify::Audience::Agency(dinkes)).await;
        assert_eq!(agency_side.len(), 1);
        assert_eq!(agency_side[0].0, "notif-app-return");
        assert!(agency_side[0].1.contains("Lengkapi rencana induk"));
    }
}

both! {
    async fn an_operator_s_home_starts_with_their_own_work(app) {
        app.demo().await;
        let dishub = agency(&app, "DISHUB").await;
        app.account("op.dishub.home", Role::AgencyOperator, Some(dishub)).await;
        let op = app.browser();
        app.sign_in(&op, "op.dishub.home").await;
        let home = test_support::unescape(&op.get(app.url("/")).send().await.unwrap().text().await.unwrap());
        let work = home.split("id=\"work-panel\"").nth(1).unwrap_or_else(|| panic!("a panel of their work: {home}"));
        let work = work.split("</section>").next().unwrap();
        assert!(work.contains("Sistem Informasi Terminal") && work.contains("Dikembalikan") && work.contains("perbaiki sesuai catatan Dinas"), "{work}");
        // Room is asked for registrations the Dinas has seen: the hosting form offers the
        // returned one; a draft elsewhere (DISDUKCAPIL's) is offered to its own operator only once sent.
        let form = op.get(app.url("/registry/hosting/new")).send().await.unwrap().text().await.unwrap();
        assert!(form.contains(">Sistem Informasi Terminal</option>"), "{form}");
        let dukcapil = agency(&app, "DISDUKCAPIL").await;
        app.account("op.dukcapil.home", Role::AgencyOperator, Some(dukcapil)).await;
        let theirs = app.browser();
        app.sign_in(&theirs, "op.dukcapil.home").await;
        let form = theirs.get(app.url("/registry/hosting/new")).send().await.unwrap().text().await.unwrap();
        assert!(!form.contains("Antrian Online Dukcapil"), "a draft is not offered: {form}");
        // The Dinas, which writes for no one agency, gets the region's view instead; its list
        // of the agencies furthest behind reads as words.
        app.account("dinas.home", Role::DinasAdmin, None).await;
        let dinas = app.browser();
        app.sign_in(&dinas, "dinas.home").await;
        let home = dinas.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(!home.contains("id=\"work-panel\""), "{home}");
        assert!(home.contains("skor kepatuhan") && home.contains("temuan terbuka"), "{home}");
        // The compliance page says which agencies it could not rank, and why.
        let page = test_support::unescape(&dinas.get(app.url("/compliance")).send().await.unwrap().text().await.unwrap());
        let said = page.split("Belum dinilai (").nth(1).unwrap_or_else(|| panic!("{page}"));
        assert!(said.contains("BAPPEDA") && !said.split('.').next().unwrap().contains("DINKES") && said.contains("belum mencatat aplikasi"), "{said}");
    }
}

/// Posts a page's form and follows its redirect: the page it lands on, and that page's
/// confirmation (empty when there is none).
async fn saved(
    app: &TestApp,
    browser: &reqwest::Client,
    csrf: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> (String, String) {
    let mut body = vec![("_csrf", csrf)];
    body.extend_from_slice(fields);
    let resp = browser
        .post(app.url(path))
        .form(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303, "{path}: {}", resp.text().await.unwrap());
    let to = resp.headers()["location"].to_str().unwrap().to_owned();
    let page = browser
        .get(app.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let notice = page
        .split(r#"id="saved-notice"><p>"#)
        .nth(1)
        .map(|n| n.split("</p>").next().unwrap().to_owned())
        .unwrap_or_default();
    (to, test_support::unescape(&notice))
}

both! {
    async fn every_saved_form_says_what_was_done_and_what_happens_next(app) {
        app.demo().await;
        let dinkes = agency(&app, "DINKES").await.to_string();
        app.account("op.lanjut", Role::AgencyOperator, Some(agency(&app, "DINKES").await)).await;
        app.account("dinas.lanjut", Role::DinasAdmin, None).await;
        let (op, dinas) = (app.browser(), app.browser());
        let op_csrf = app.sign_in(&op, "op.lanjut").await;
        let dinas_csrf = app.sign_in(&dinas, "dinas.lanjut").await;
        let (to, says) = saved(&app, &op, &op_csrf, "/registry/applications/new", &[("agency_id", &dinkes), ("name", "SIMRS Lanjut"), ("kind", "khusus"),
            ("purpose", "Rekam medis"), ("users", "Pasien"), ("lifecycle", "development"), ("funding_source", "apbd"), ("hosting", "dinas_dc"), ("security_level", "tinggi")]).await;
        assert!(says.starts_with("Tersimpan sebagai draf. Dinas belum melihatnya"), "{says}");
        let app_path = to.split('?').next().unwrap().to_owned();
        let (_, says) = saved(&app, &op, &op_csrf, &format!("{app_path}/action"), &[("action", "submit"), ("confirm", "on")]).await;
        assert!(says.starts_with("Registrasi telah dikirim. Dinas akan memeriksanya"), "{says}");
        // Reading the page again later says nothing: the confirmation belongs to the save.
        let again = op.get(app.url(&app_path)).send().await.unwrap().text().await.unwrap();
        assert!(!again.contains("saved-notice"));
        let (_, says) = saved(&app, &dinas, &dinas_csrf, &format!("{app_path}/action"), &[("action", "return"), ("note", "Lengkapi dokumen")]).await;
        assert!(says.contains("dikembalikan dengan catatan"), "{says}");
        // A hosting request: the Dinas will choose a server.
        let id = app_path.rsplit('/').next().unwrap().to_owned();
        let (_, says) = saved(&app, &op, &op_csrf, "/registry/hosting/new", &[("application_id", &id), ("cpu_cores", "2"), ("memory_gb", "4"), ("storage_gb", "50"), ("note", "PHP 8")]).await;
        assert!(says.starts_with("Permintaan terkirim. Dinas akan memilih server"), "{says}");
        // Any other form: saved, and recorded in the audit trail.
        let (_, says) = saved(&app, &op, &op_csrf, "/registry/devices/new", &[("agency_id", &dinkes), ("kind", "network"), ("name", "Switch Lanjut"),
            ("funding_source", "apbd"), ("location", "Gedung A")]).await;
        assert_eq!(says, "Perubahan sudah disimpan dan dicatat dalam jejak audit.");
        let (_, says) = saved(&app, &dinas, &dinas_csrf, "/sso/policy", &[("role", "auditor")]).await;
        assert_eq!(says, "Perubahan sudah disimpan dan dicatat dalam jejak audit.");
    }
}
