//! The region's DNS zone end to end on SQLite and PostgreSQL: its access matrix, a form with
//! every bad field answered at once, records written through the API under the zone-wide
//! rules (CNAME alone, no duplicates, no CNAME at the apex), the serial rising with each
//! change, the audit trail, and the zone file accepted by BIND's own `named-checkzone`.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on an unexpected shape"
)]

use kernel::permissions::Role;
use reqwest::Method;
use test_support::access::{Body, Matrix, form, get, post, put};
use test_support::{TestApp, Value, api, both, json};

fn record(agency: &str, name: &str, rtype: &str, value: &str) -> Value {
    json!({"agency_id": agency, "name": name, "rtype": rtype, "value": value, "basis": "Keputusan Kepala Dinas Kominfo Nomor 045/200/DISKOMINFO/2026"})
}

/// The zone file as the API gives it.
async fn zone_file(app: &TestApp, token: &str) -> String {
    let resp = reqwest::Client::new()
        .get(app.url("/api/v1/dns/zone"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/dns")
    );
    resp.text().await.unwrap()
}

fn settings() -> Value {
    json!({"name_servers": "ns1.sukamajukab.go.id\nns2.sukamajukab.go.id", "hostmaster": "hostmaster@sukamajukab.go.id",
        "refresh": "3600", "retry": "900", "expire": "1209600", "minimum": "300"})
}

fn serial_of(zone: &str) -> u64 {
    zone.lines()
        .find(|l| l.contains("; serial"))
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// BIND's zone checker on `text`: its verdict and what it printed.
fn named_checkzone(apex: &str, text: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zone");
    std::fs::write(&path, text).unwrap();
    let bin = ["/usr/bin/named-checkzone", "/usr/sbin/named-checkzone"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("named-checkzone (Debian's bind9-utils) is needed; .ci/run installs it");
    let out = std::process::Command::new(bin)
        .args(["-k", "fail", "-n", "fail", "-i", "full", apex])
        .arg(&path)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

both! {
    async fn access_matrix(app) {
        app.demo().await;
        let dinkes = app.agency_id("DINKES").await.to_string();
        let admin = app.token("admin.dns", Role::DinasAdmin, None).await;
        let body = record(&dinkes, "matrix", "A", "203.0.113.77");
        let (s, rec) = api(Method::POST, app.url("/api/v1/dns/records"), Some(&admin), Some(body.clone())).await;
        assert_eq!(s, 201, "{rec}");
        let id = rec["id"].as_str().unwrap().to_owned();
        let (s, key) = api(Method::POST, app.url("/api/v1/dns/keys"), Some(&admin), Some(json!({"name": "matrix"}))).await;
        assert_eq!(s, 201, "{key}");
        let key = key["id"].as_str().unwrap().to_owned();
        let page_form = form(&[("agency_id", &dinkes), ("name", "matrix2"), ("rtype", "A"), ("value", "203.0.113.78"), ("basis", "Keputusan")]);
        let writes = vec![
            post("/api/v1/dns/records", Body::Json(record(&dinkes, "matrix3", "A", "203.0.113.79"))),
            put(format!("/api/v1/dns/records/{id}"), Body::Json(body)),
            test_support::access::Call { method: Method::DELETE, path: format!("/api/v1/dns/records/{id}"), body: Body::None },
            post("/domains/new", page_form.clone()),
            post(format!("/domains/{id}/edit"), page_form),
            post(format!("/domains/{id}/delete"), form(&[("confirm", "on")])),
            put("/api/v1/dns/settings", Body::Json(settings())),
            post("/domains/settings", form(&[("name_servers", "ns1.sukamajukab.go.id\nns2.sukamajukab.go.id"), ("hostmaster", "hostmaster@sukamajukab.go.id"),
                ("refresh", "3600"), ("retry", "900"), ("expire", "1209600"), ("minimum", "300")])),
            // The TSIG keys' secrets are the Dinas's alone: reading them is a write right.
            get("/api/v1/dns/keys"),
            post("/api/v1/dns/keys", Body::Json(json!({"name": "matrix-2"}))),
            test_support::access::Call { method: Method::DELETE, path: format!("/api/v1/dns/keys/{key}"), body: Body::None },
            post("/domains/settings/keys", form(&[("name", "matrix-3")])),
            post(format!("/domains/settings/keys/{key}/delete"), form(&[("confirm", "on")])),
            get("/domains/import"),
            post("/domains/import", Body::File(vec![], "file", b"$ORIGIN sukamajukab.go.id.\nimpor 3600 IN A 203.0.113.90\n".to_vec())),
            post("/domains/import/confirm", form(&[("sha", "0000")])),
            // DNSSEC is off in the demo: the step is refused with a reason, after the rights.
            post("/domains/settings/rollover", form(&[("role", "zsk"), ("confirm", "on")])),
        ];
        let mut signed_in = vec![
            get("/api/v1/dns/records"), get(format!("/api/v1/dns/records/{id}")), get("/api/v1/dns/zone"),
            get("/domains"), get("/domains/new"), get(format!("/domains/{id}")), get(format!("/domains/{id}/edit")), get("/domains/zone"),
            get("/domains/settings"), get("/api/v1/dns/settings"), get("/api/v1/dns/dnssec"),
            // The requests' own routes are checked by their matrix; listed for the API document.
            get("/api/v1/dns/requests"), post("/api/v1/dns/requests", Body::Json(json!({}))),
            get(format!("/api/v1/dns/requests/{id}")), post(format!("/api/v1/dns/requests/{id}/decision"), Body::Json(json!({}))),
            post(format!("/api/v1/dns/requests/{id}/withdrawal"), Body::None),
        ];
        signed_in.extend(writes.clone());
        let disdik = app.agency_id("DISDIKBUD").await;
        app.check_access(Matrix {
            module: domains::MODULE,
            public: &[],
            signed_in,
            outsider: disdik,
            // DNS is public: every signed-in person reads every record.
            others: vec![],
            writes,
        }).await;
        // An agency's operator reads the zone but asks the Dinas for changes.
        let op = app.token("op.dns", Role::AgencyOperator, Some(app.agency_id("DINKES").await)).await;
        let (s, _) = api(Method::GET, app.url(&format!("/api/v1/dns/records/{id}")), Some(&op), None).await;
        assert_eq!(s, 200);
        let (s, e) = api(Method::POST, app.url("/api/v1/dns/records"), Some(&op), Some(record(&dinkes, "x", "A", "203.0.113.80"))).await;
        assert_eq!(s, 403, "{e}");
    }
}

both! {
    async fn the_form_names_every_bad_field_and_writes_nothing(app) {
        app.demo().await;
        app.account("dinas.dns", Role::DinasAdmin, None).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "dinas.dns").await;
        let admin = app.token("admin.dns", Role::DinasAdmin, None).await;
        let before = serial_of(&zone_file(&app, &admin).await);
        app.form_refused(&browser, &csrf, "/domains/new", &[
            ("agency_id", ""), ("name", "-dinkes"), ("rtype", "A"), ("value", "203.0.113.300"), ("ttl", "5"), ("basis", ""),
        ], &[
            ("agency_id", "Pilih perangkat daerah pemilik."),
            ("name", "Nama hanya boleh berisi huruf, angka, dan tanda hubung (tidak di awal atau akhir), dipisah titik, paling panjang 63 karakter per bagian; awalan _ untuk layanan dan * untuk wildcard."),
            ("value", "Isi: Tulis alamat IPv4, misalnya 203.0.113.10."),
            ("ttl", "TTL (detik): Tulis bilangan bulat 60–604800."),
            ("basis", "Masukkan dasar pencatatan."),
        ]).await;
        assert_eq!(serial_of(&zone_file(&app, &admin).await), before, "nothing written, the serial stays");
        // A name of another domain is refused, naming the zone.
        let dinkes = app.agency_id("DINKES").await.to_string();
        let (s, e) = api(Method::POST, app.url("/api/v1/dns/records"), Some(&admin), Some(record(&dinkes, "web.tetanggakab.go.id", "A", "203.0.113.9"))).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some("name")), "{e}");
        assert!(e["error"]["message"].as_str().unwrap().contains("sukamajukab.go.id"), "{e}");
    }
}

both! {
    async fn records_keep_the_zone_s_rules_raise_its_serial_and_export_as_bind_reads_it(app) {
        app.demo().await;
        let admin = app.token("admin.dns", Role::DinasAdmin, None).await;
        let dinkes = app.agency_id("DINKES").await.to_string();
        // The demo zone as it stands passes BIND's own checks.
        let zone = zone_file(&app, &admin).await;
        let (ok, said) = named_checkzone("sukamajukab.go.id", &zone);
        assert!(ok, "{said}\n{zone}");
        let serial = serial_of(&zone);
        // A new subdomain; the serial rises and the change is in the audit trail.
        let (s, rec) = api(Method::POST, app.url("/api/v1/dns/records"), Some(&admin), Some(record(&dinkes, "Puskesmas.Sukamajukab.go.id", "A", "203.0.113.50"))).await;
        assert_eq!(s, 201, "{rec}");
        assert_eq!(rec["name"], "puskesmas", "made relative and lower case");
        let id = rec["id"].as_str().unwrap().to_owned();
        let zone = zone_file(&app, &admin).await;
        assert!(serial_of(&zone) > serial, "the serial rises with each change");
        assert!(zone.contains("puskesmas\t3600\tIN\tA\t203.0.113.50\n"), "{zone}");
        // The zone-wide rules, each naming the record in the way.
        let (s, e) = api(Method::POST, app.url("/api/v1/dns/records"), Some(&admin), Some(record(&dinkes, "puskesmas", "A", "203.0.113.50"))).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some("value")), "{e}");
        assert!(e["error"]["message"].as_str().unwrap().contains("puskesmas A 203.0.113.50"), "{e}");
        let (s, e) = api(Method::POST, app.url("/api/v1/dns/records"), Some(&admin), Some(record(&dinkes, "puskesmas", "CNAME", "dinkes"))).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some("name")), "a CNAME stands alone: {e}");
        let (s, e) = api(Method::POST, app.url("/api/v1/dns/records"), Some(&admin), Some(record(&dinkes, "sikda", "TXT", "x"))).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some("name")), "sikda is an alias: {e}");
        let (s, e) = api(Method::POST, app.url("/api/v1/dns/records"), Some(&admin), Some(record(&dinkes, "@", "CNAME", "dinkes"))).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some("rtype")), "{e}");
        // A correction may keep its own name and value; text with quotes and length is exported
        // as BIND reads it.
        let (s, r) = api(Method::PUT, app.url(&format!("/api/v1/dns/records/{id}")), Some(&admin), Some(record(&dinkes, "puskesmas", "A", "203.0.113.51"))).await;
        assert_eq!((s, r["value"].as_str()), (200, Some("203.0.113.51")), "{r}");
        let long = format!("google-site-verification={} \"quoted\"", "x".repeat(300));
        let (s, r) = api(Method::POST, app.url("/api/v1/dns/records"), Some(&admin), Some(record(&dinkes, "puskesmas", "TXT", &long))).await;
        assert_eq!(s, 201, "{r}");
        let (s, r) = api(Method::POST, app.url("/api/v1/dns/records"), Some(&admin), Some(record(&dinkes, "_sip._tcp", "SRV", "10 5 5060 puskesmas"))).await;
        assert_eq!(s, 201, "{r}");
        let zone = zone_file(&app, &admin).await;
        let (ok, said) = named_checkzone("sukamajukab.go.id", &zone);
        assert!(ok, "{said}\n{zone}");
        // Removing it: the audit trail keeps what it was.
        let (s, _) = api(Method::DELETE, app.url(&format!("/api/v1/dns/records/{id}")), Some(&admin), None).await;
        assert_eq!(s, 204);
        let (s, _) = api(Method::GET, app.url(&format!("/api/v1/dns/records/{id}")), Some(&admin), None).await;
        assert_eq!(s, 404);
        let actions = app.db(|c| {
            let only = kernel::audit::AuditFilter { record_type: Some("dns_record".into()), ..Default::default() };
            let (events, _) = kernel::audit::list(c, &only, 100, 0).unwrap();
            events.into_iter().map(|e| e.action).collect::<Vec<_>>()
        }).await;
        for action in ["dns_record.create", "dns_record.update", "dns_record.delete"] {
            assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
        }
        // The list: filtered by type, searched, downloaded.
        let (_, list) = api(Method::GET, app.url("/api/v1/dns/records?rtype=MX"), Some(&admin), None).await;
        assert_eq!(list["total"], 1, "{list}");
        let (_, found) = api(Method::GET, app.url("/api/v1/dns/records?q=203.0.113.31"), Some(&admin), None).await;
        assert_eq!(found["items"][0]["name"], "dinkes", "{found}");
    }
}

both! {
    async fn the_dinas_deletes_a_record_only_when_it_confirms(app) {
        app.demo().await;
        app.account("dinas.hapus", Role::DinasAdmin, None).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "dinas.hapus").await;
        let admin = app.token("admin.hapus", Role::DinasAdmin, None).await;
        let (_, list) = api(Method::GET, app.url("/api/v1/dns/records?q=simpeg"), Some(&admin), None).await;
        let id = list["items"][0]["id"].as_str().unwrap().to_owned();
        let page = browser.get(app.url(&format!("/domains/{id}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("simpeg.sukamajukab.go.id.") && page.contains("Nomor 045/152"), "the full name and its basis");
        let (status, html) = app.post_form(&browser, &csrf, &format!("/domains/{id}/delete"), &[]).await;
        assert_eq!(status, 422, "{html}");
        assert!(test_support::error_summary_of(&html).iter().any(|(f, _)| f == "confirm"));
        let (s, _) = api(Method::GET, app.url(&format!("/api/v1/dns/records/{id}")), Some(&admin), None).await;
        assert_eq!(s, 200, "still there");
        let (status, _) = app.post_form(&browser, &csrf, &format!("/domains/{id}/delete"), &[("confirm", "on")]).await;
        assert_eq!(status, 303);
        let (s, _) = api(Method::GET, app.url(&format!("/api/v1/dns/records/{id}")), Some(&admin), None).await;
        assert_eq!(s, 404);
    }
}

fn ask(agency: &str, kind: &str, name: &str, target: &str) -> Value {
    json!({"agency_id": agency, "kind": kind, "name": name, "purpose": "Portal pariwisata daerah", "target": target})
}

both! {
    async fn requests_access_matrix(app) {
        app.demo().await;
        let (dinkes, disdik) = (app.agency_id("DINKES").await, app.agency_id("DISDIKBUD").await);
        let op = app.token("op.minta", Role::AgencyOperator, Some(dinkes)).await;
        let body = ask(&dinkes.to_string(), "subdomain", "matriks", "");
        let (s, req) = api(Method::POST, app.url("/api/v1/dns/requests"), Some(&op), Some(body)).await;
        assert_eq!(s, 201, "{req}");
        let id = req["id"].as_str().unwrap().to_owned();
        let decision = json!({"decision": "refuse", "decision_number": "1", "decision_date": "2026-01-01", "reason": "x"});
        let writes = vec![
            post("/api/v1/dns/requests", Body::Json(ask(&dinkes.to_string(), "subdomain", "matriks2", ""))),
            post(format!("/api/v1/dns/requests/{id}/decision"), Body::Json(decision)),
            post("/domains/requests/new", form(&[("agency_id", &dinkes.to_string()), ("kind", "subdomain"), ("name", "matriks3"), ("purpose", "x")])),
            post(format!("/domains/requests/{id}/decide"), form(&[("decision", "refuse"), ("decision_number", "1"), ("decision_date", "2026-01-01"), ("reason", "x")])),
            post(format!("/domains/requests/{id}/withdraw"), form(&[("confirm", "on")])),
            post(format!("/api/v1/dns/requests/{id}/withdrawal"), Body::None),
        ];
        let mut signed_in = vec![
            get("/api/v1/dns/requests"), get(format!("/api/v1/dns/requests/{id}")),
            get("/domains/requests"), get("/domains/requests/new"), get(format!("/domains/requests/{id}")),
            // The zone's own routes are checked by the zone's matrix; listed for the API document.
            get("/api/v1/dns/records"), get("/api/v1/dns/zone"), get("/api/v1/dns/settings"),
            put("/api/v1/dns/settings", Body::Json(json!({}))), get("/api/v1/dns/dnssec"),
            get("/api/v1/dns/keys"), post("/api/v1/dns/keys", Body::Json(json!({}))),
            test_support::access::Call { method: Method::DELETE, path: format!("/api/v1/dns/keys/{id}"), body: Body::None },
            post("/api/v1/dns/records", Body::Json(json!({}))),
            get(format!("/api/v1/dns/records/{id}")),
            put(format!("/api/v1/dns/records/{id}"), Body::Json(json!({}))),
            test_support::access::Call { method: Method::DELETE, path: format!("/api/v1/dns/records/{id}"), body: Body::None },
        ];
        signed_in.extend(writes.clone());
        app.check_access(Matrix {
            module: domains::MODULE,
            public: &[],
            signed_in,
            outsider: disdik,
            others: vec![get(format!("/api/v1/dns/requests/{id}")), get(format!("/domains/requests/{id}")),
                post(format!("/api/v1/dns/requests/{id}/withdrawal"), Body::None),
                post(format!("/domains/requests/{id}/withdraw"), form(&[("confirm", "on")])),
                post(format!("/domains/requests/{id}/decide"), form(&[("decision", "grant")]))],
            writes,
        }).await;
        // The agency asks; only the Dinas decides.
        let (s, e) = api(Method::POST, app.url(&format!("/api/v1/dns/requests/{id}/decision")), Some(&op),
            Some(json!({"decision": "grant", "decision_number": "1", "decision_date": "2026-01-01"}))).await;
        assert_eq!(s, 403, "{e}");
    }
}

both! {
    async fn a_subdomain_is_asked_decided_by_number_and_date_and_gets_its_record(app) {
        app.demo().await;
        let dinkes = app.agency_id("DINKES").await.to_string();
        let op = app.token("op.minta", Role::AgencyOperator, Some(app.agency_id("DINKES").await)).await;
        let admin = app.token("admin.minta", Role::DinasAdmin, None).await;
        let (s, req) = api(Method::POST, app.url("/api/v1/dns/requests"), Some(&op), Some(ask(&dinkes, "subdomain", "Pariwisata", "203.0.113.60"))).await;
        assert_eq!(s, 201, "{req}");
        let year = chrono::Datelike::year(&chrono::Utc::now());
        let number = req["number"].as_str().unwrap().to_owned();
        let serial: u32 = number.strip_prefix(&format!("SD-{year}-")).unwrap().parse().unwrap();
        assert_eq!(number.len(), "SD-2026-0001".len(), "{number}");
        assert_eq!((req["name"].as_str(), req["status"].as_str(), req["late"].as_bool()), (Some("pariwisata"), Some("submitted"), Some(false)));
        assert!(req["submitted_at"].as_str().unwrap().ends_with('Z'), "times carry their zone: {req}");
        let id = req["id"].as_str().unwrap().to_owned();
        // Names are never given twice: one being asked for, one in use.
        let (s, e) = api(Method::POST, app.url("/api/v1/dns/requests"), Some(&op), Some(ask(&dinkes, "subdomain", "pariwisata", ""))).await;
        assert_eq!(s, 422);
        assert!(e["error"]["message"].as_str().unwrap().contains(&number), "{e}");
        // Another agency learns the name is taken, not its request's number.
        let disdik = app.agency_id("DISDIKBUD").await;
        let other = app.token("op.lain", Role::AgencyOperator, Some(disdik)).await;
        let (s, e) = api(Method::POST, app.url("/api/v1/dns/requests"), Some(&other), Some(ask(&disdik.to_string(), "subdomain", "pariwisata", ""))).await;
        assert_eq!(s, 422);
        assert!(!e.to_string().contains(&number) && e["error"]["message"].as_str().unwrap().contains("perangkat daerah lain"), "{e}");
        // A name another agency uses in the zone.
        let (s, e) = api(Method::POST, app.url("/api/v1/dns/requests"), Some(&op), Some(ask(&dinkes, "subdomain", "disdikbud", ""))).await;
        assert_eq!(s, 422);
        assert!(e["error"]["message"].as_str().unwrap().contains("disdikbud.sukamajukab.go.id"), "{e}");
        // The Dinas was told.
        let (_, told) = api(Method::GET, app.url("/api/v1/notifications"), Some(&admin), None).await;
        assert!(told["items"].to_string().contains("pariwisata.sukamajukab.go.id"), "{told}");
        // A refusal needs its reason; a decision its number and a real date.
        let (s, e) = api(Method::POST, app.url(&format!("/api/v1/dns/requests/{id}/decision")), Some(&admin),
            Some(json!({"decision": "refuse", "decision_number": "", "decision_date": "2999-01-01"}))).await;
        assert_eq!(s, 422, "{e}");
        let fields: Vec<&str> = e["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["decision_number", "decision_date", "reason"]);
        let today = chrono::Utc::now().date_naive().to_string();
        let (s, done) = api(Method::POST, app.url(&format!("/api/v1/dns/requests/{id}/decision")), Some(&admin),
            Some(json!({"decision": "grant", "decision_number": "045/210/DISKOMINFO/2026", "decision_date": today}))).await;
        assert_eq!(s, 200, "{done}");
        assert_eq!((done["status"].as_str(), done["decided_by"].as_str()), (Some("granted"), Some("kepala-dinas")), "the body the demo region's profile names");
        // The grant made its record, resting on the decision and the request.
        let (_, recs) = api(Method::GET, app.url("/api/v1/dns/records?q=pariwisata"), Some(&admin), None).await;
        let rec = &recs["items"][0];
        assert_eq!((rec["rtype"].as_str(), rec["value"].as_str(), rec["agency_id"].as_str()), (Some("A"), Some("203.0.113.60"), Some(dinkes.as_str())), "{recs}");
        assert!(rec["basis"].as_str().unwrap().contains("045/210/DISKOMINFO/2026") && rec["basis"].as_str().unwrap().contains(&number), "{rec}");
        let (s, e) = api(Method::POST, app.url(&format!("/api/v1/dns/requests/{id}/decision")), Some(&admin),
            Some(json!({"decision": "refuse", "decision_number": "x", "decision_date": today, "reason": "x"}))).await;
        assert_eq!((s, e["error"]["code"].as_str()), (409, Some("conflict")), "decided once: {e}");
        // The agency hears of it.
        let (_, told) = api(Method::GET, app.url("/api/v1/notifications"), Some(&op), None).await;
        assert!(told["items"].to_string().contains("dikabulkan"), "{told}");
        // A separate domain is an exception: granted, it makes no record in the region's zone.
        let (s, sep) = api(Method::POST, app.url("/api/v1/dns/requests"), Some(&op), Some(ask(&dinkes, "separate_domain", "sehatsukamaju.id", ""))).await;
        assert_eq!((s, sep["number"].clone()), (201, json!(format!("SD-{year}-{:04}", serial + 1))), "numbers follow each other: {sep}");
        let sep_id = sep["id"].as_str().unwrap();
        let (s, _) = api(Method::POST, app.url(&format!("/api/v1/dns/requests/{sep_id}/decision")), Some(&admin),
            Some(json!({"decision": "grant", "decision_number": "500/12/SETDA/2026", "decision_date": today}))).await;
        assert_eq!(s, 200);
        let (_, recs) = api(Method::GET, app.url("/api/v1/dns/records?q=sehat"), Some(&admin), None).await;
        assert_eq!(recs["total"], 0);
    }
}

both! {
    async fn a_request_past_forty_eight_hours_is_shown_late_to_the_dinas(app) {
        app.demo().await;
        let dinkes = app.agency_id("DINKES").await;
        let op = app.token("op.lambat", Role::AgencyOperator, Some(dinkes)).await;
        let (_, req) = api(Method::POST, app.url("/api/v1/dns/requests"), Some(&op), Some(ask(&dinkes.to_string(), "subdomain", "lambat", ""))).await;
        let id = req["id"].as_str().unwrap().to_owned();
        let back = id.clone();
        app.db(move |c| {
            use diesel::prelude::*;
            let then = chrono::Utc::now().naive_utc() - chrono::TimeDelta::hours(51);
            diesel::update(db::schema::domains_requests::table.filter(db::schema::domains_requests::id.eq(back)))
                .set(db::schema::domains_requests::submitted_at.eq(then)).execute(c).unwrap();
        }).await;
        let (_, req) = api(Method::GET, app.url(&format!("/api/v1/dns/requests/{id}")), Some(&op), None).await;
        assert_eq!(req["late"], true, "{req}");
        app.account("dinas.lambat", Role::DinasAdmin, None).await;
        let browser = app.browser();
        app.sign_in(&browser, "dinas.lambat").await;
        let list = browser.get(app.url("/domains/requests?status=submitted")).send().await.unwrap().text().await.unwrap();
        assert!(list.contains(r#"<span class="tag red">terlambat 3 jam</span>"#), "{list}");
        // The Dinas's home counts what waits and what is late (the demo's two and this one).
        let home = browser.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(home.contains("3 permohonan menunggu keputusan.") && home.contains("1 melewati batas 48 jam"), "{home}");
        // The audit trail links to the request.
        let trail = browser.get(app.url("/audit?record_type=domain_request")).send().await.unwrap().text().await.unwrap();
        assert!(trail.contains(&format!("/domains/requests/{id}")), "{trail}");
        // Through the page: the Dinas records the refusal; the page says what happens next.
        let page = browser.get(app.url(&format!("/domains/requests/{id}"))).send().await.unwrap().text().await.unwrap();
        let csrf = test_support::csrf_of(&page);
        let today = chrono::Utc::now().date_naive().to_string();
        let resp = browser.post(app.url(&format!("/domains/requests/{id}/decide"))).form(&[("_csrf", csrf.as_str()), ("decision", "refuse"),
            ("decision_number", "045/9/2026"), ("decision_date", today.as_str()), ("reason", "Nama terlalu umum")]).send().await.unwrap();
        assert_eq!(resp.status(), 303);
        let to = resp.headers()["location"].to_str().unwrap().to_owned();
        let page = test_support::unescape(&browser.get(app.url(&to)).send().await.unwrap().text().await.unwrap());
        assert!(page.contains("permohonan ditolak dan perangkat daerah diberi tahu") && page.contains("Nama terlalu umum"), "{page}");
        assert!(page.contains("dijawab terlambat"), "{page}");
    }
}

both! {
    async fn the_dinas_sets_the_zone_s_name_servers_and_soa(app) {
        app.demo().await;
        let admin = app.token("admin.soa", Role::DinasAdmin, None).await;
        let (s, now) = api(Method::GET, app.url("/api/v1/dns/settings"), Some(&admin), None).await;
        assert_eq!((s, now["name_servers"].clone()), (200, json!(["ns1.sukamajukab.go.id.", "ns2.sukamajukab.go.id."])), "{now}");
        let before = serial_of(&zone_file(&app, &admin).await);
        let mut body = settings();
        body["name_servers"] = json!("ns1.sukamajukab.go.id, ns2.sukamajukab.go.id, ns.tetangga.example.net");
        body["hostmaster"] = json!("tim.dns@sukamajukab.go.id");
        body["minimum"] = json!("600");
        let (s, after) = api(Method::PUT, app.url("/api/v1/dns/settings"), Some(&admin), Some(body)).await;
        assert_eq!(s, 200, "{after}");
        assert_eq!(after["hostmaster"], "tim\\.dns.sukamajukab.go.id.", "{after}");
        let zone = zone_file(&app, &admin).await;
        assert!(serial_of(&zone) > before, "the serial rises");
        assert!(zone.contains("@\t3600\tIN\tNS\tns.tetangga.example.net.\n") && zone.contains("600 ) ; minimum"), "{zone}");
        let (ok, said) = named_checkzone("sukamajukab.go.id", &zone);
        assert!(ok, "{said}\n{zone}");
        // Every problem at once; nothing changes.
        let bad = json!({"name_servers": "ns1", "hostmaster": "bukan", "refresh": "3600", "retry": "7200", "expire": "100", "minimum": "60"});
        let (s, e) = api(Method::PUT, app.url("/api/v1/dns/settings"), Some(&admin), Some(bad)).await;
        assert_eq!(s, 422, "{e}");
        let fields: Vec<&str> = e["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["name_servers", "hostmaster", "expire", "retry"]);
        let op = app.token("op.soa", Role::AgencyOperator, Some(app.agency_id("DINKES").await)).await;
        let (s, _) = api(Method::PUT, app.url("/api/v1/dns/settings"), Some(&op), Some(settings())).await;
        assert_eq!(s, 403);
    }
}

both! {
    async fn a_subdomain_used_without_a_decision_is_a_finding_until_one_is_granted(app) {
        app.demo().await;
        let admin = app.token("admin.dns", Role::DinasAdmin, None).await;
        // The demo region follows KT, which names no decision for a subdomain; under MU the
        // Kepala Dinas decides each one (Pasal 10 ayat (4)).
        let (s, mut region) = api(Method::GET, app.url("/api/v1/region"), Some(&admin), None).await;
        assert_eq!(s, 200, "{region}");
        region["regulation_pack"] = json!("MU");
        for k in ["id", "updated_at", "updated_by", "created_at"] {
            region.as_object_mut().unwrap().remove(k);
        }
        let (s, r) = api(Method::PUT, app.url("/api/v1/region"), Some(&admin), Some(region)).await;
        assert_eq!(s, 200, "{r}");
        let undecided = |app: &TestApp, admin: String| {
            let url = app.url("/api/v1/compliance/findings?per_page=200");
            async move {
                let (s, all) = api(Method::GET, url, Some(&admin), None).await;
                assert_eq!(s, 200, "{all}");
                let mut labels: Vec<String> = all["items"].as_array().unwrap().iter()
                    .filter(|f| f["rule"] == "DOM-SUBDOMAIN-DECISION")
                    .map(|f| f["label"].as_str().unwrap().to_owned())
                    .collect();
                labels.sort();
                labels
            }
        };
        // The demo's agency names came from the old zone: none has a decision in Simpul. The
        // Dinas's own names (www, mail, ppid) need none.
        assert_eq!(undecided(&app, admin.clone()).await, [
            "dinkes.sukamajukab.go.id", "disdikbud.sukamajukab.go.id",
            "sikda.sukamajukab.go.id", "simpeg.sukamajukab.go.id",
        ]);
        let dinkes = app.agency_id("DINKES").await;
        let op = app.token("op.rule1", Role::AgencyOperator, Some(dinkes)).await;
        let ask = |target: &str| json!({"agency_id": dinkes.to_string(), "kind": "subdomain", "name": "dinkes",
            "purpose": "Situs Dinas Kesehatan, dipakai sejak 2019", "target": target});
        // Asking for the decision of a name it already uses: no target, the records are there.
        let (s, e) = api(Method::POST, app.url("/api/v1/dns/requests"), Some(&op), Some(ask("203.0.113.31"))).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some("target")), "{e}");
        let (s, req) = api(Method::POST, app.url("/api/v1/dns/requests"), Some(&op), Some(ask(""))).await;
        assert_eq!(s, 201, "{req}");
        // Another agency may not ask for it.
        let dishub = app.agency_id("DISHUB").await;
        let other = app.token("op.rule2", Role::AgencyOperator, Some(dishub)).await;
        let mut theirs = ask("");
        theirs["agency_id"] = json!(dishub.to_string());
        let (s, e) = api(Method::POST, app.url("/api/v1/dns/requests"), Some(&other), Some(theirs)).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some("name")), "{e}");
        let id = req["id"].as_str().unwrap();
        let today = chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string();
        let (s, d) = api(Method::POST, app.url(&format!("/api/v1/dns/requests/{id}/decision")), Some(&admin),
            Some(json!({"decision": "grant", "decision_number": "045/301/DISKOMINFO/2026", "decision_date": today, "reason": ""}))).await;
        assert_eq!(s, 200, "{d}");
        // Granted: the name's finding is gone (and nothing was added to the zone).
        assert_eq!(undecided(&app, admin.clone()).await, [
            "disdikbud.sukamajukab.go.id", "sikda.sukamajukab.go.id", "simpeg.sukamajukab.go.id",
        ]);
    }
}

both! {
    async fn a_zone_file_is_previewed_on_the_page_then_imported(app) {
        app.demo().await;
        app.account("dinas.impor", Role::DinasAdmin, None).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "dinas.impor").await;
        let admin = app.token("admin.dns", Role::DinasAdmin, None).await;
        let count = || async { api(Method::GET, app.url("/api/v1/dns/records?per_page=1"), Some(&admin), None).await.1["total"].as_u64().unwrap() };
        let before = count().await;
        let upload = |bytes: Vec<u8>| {
            let form = reqwest::multipart::Form::new()
                .part("file", reqwest::multipart::Part::bytes(bytes).file_name("lama.zone"));
            browser.post(app.url(&format!("/domains/import?_csrf={csrf}"))).multipart(form).send()
        };
        let file = "$ORIGIN sukamajukab.go.id.\n$TTL 1h\nbaru1 IN A 203.0.113.91\nppid.dinkes IN A 203.0.113.92\n\
                    1.113.0.203.in-addr.arpa. IN PTR portal.sukamajukab.go.id.\nbaru2 IN HINFO \"x\" \"y\"\nbaru3 IN A 999.1.1.1\n";
        let resp = upload(file.as_bytes().to_vec()).await.unwrap();
        assert_eq!(resp.status(), 200);
        let preview = resp.text().await.unwrap();
        assert!(preview.contains("2 rekaman akan ditambahkan."), "{preview}");
        assert!(preview.contains("Baris yang tidak diambil (3):"), "{preview}");
        assert!(preview.contains("berada di luar zona sukamajukab.go.id"), "{preview}");
        assert!(preview.contains("jenis rekaman HINFO tidak disimpan dalam zona"), "{preview}");
        assert_eq!(count().await, before, "a preview writes nothing");
        let sha = preview.split(r#"name="sha" value=""#).nth(1).unwrap().split('"').next().unwrap().to_owned();
        let done = browser.post(app.url("/domains/import/confirm"))
            .form(&[("_csrf", csrf.as_str()), ("sha", sha.as_str())]).send().await.unwrap().text().await.unwrap();
        assert!(done.contains("2 rekaman ditambahkan."), "{done}");
        assert_eq!(count().await, before + 2);
        // The agency whose code is the last label owns its name; the rest the Dinas.
        let (_, rows) = api(Method::GET, app.url("/api/v1/dns/records?q=ppid.dinkes"), Some(&admin), None).await;
        assert_eq!(rows["items"][0]["agency_id"], app.agency_id("DINKES").await.to_string(), "{rows}");
        // No file, a file that is not text, a file over 5 MB: said beside the field, nothing written.
        for (bytes, said) in [
            (vec![], "Pilih berkas zona"),
            (vec![0xff, 0xfe, 0x00, 0x41], "harus berupa teks"),
            (vec![b';'; 5 * 1024 * 1024 + 1], "paling besar 5 MB"),
        ] {
            let resp = upload(bytes).await.unwrap();
            let status = resp.status();
            let page = resp.text().await.unwrap();
            assert_eq!(status, 422, "{said}: {page}");
            assert!(page.contains(said), "{said}: {page}");
        }
        assert_eq!(count().await, before + 2);
    }
}

both! {
    async fn the_dinas_switches_dnssec_on_and_rolls_a_key_from_the_settings_page(app) {
        app.demo().await;
        app.account("dinas.dnssec", Role::DinasAdmin, None).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "dinas.dnssec").await;
        let page = || async { browser.get(app.url("/domains/settings")).send().await.unwrap().text().await.unwrap() };
        assert!(page().await.contains("Zona belum ditandatangani"));
        let post = |path: &'static str, fields: Vec<(&'static str, &'static str)>| {
            let mut fields = fields;
            fields.push(("_csrf", csrf.as_str()));
            browser.post(app.url(path)).form(&fields).send()
        };
        let saved = post("/domains/settings", vec![("name_servers", "ns1.sukamajukab.go.id\nns2.sukamajukab.go.id"),
            ("hostmaster", "hostmaster@sukamajukab.go.id"), ("refresh", "3600"), ("retry", "900"),
            ("expire", "1209600"), ("minimum", "300"), ("dnssec", "on")]).await.unwrap();
        assert_eq!(saved.status(), 303);
        let on = page().await;
        assert!(on.contains("Zona ditandatangani."), "{on}");
        // The parent's DS, and both keys, in words.
        assert!(on.contains("sukamajukab.go.id. IN DS "), "{on}");
        assert!(on.contains("Kunci penanda tangan kunci (KSK)") && on.contains("Kunci penanda tangan zona (ZSK)"), "{on}");
        // A rollover step needs confirming; then the new key signs beside the old one, and
        // finishing before caches know it is refused with the time it becomes safe.
        let unconfirmed = post("/domains/settings/rollover", vec![("role", "zsk")]).await.unwrap();
        assert_eq!(unconfirmed.status(), 422);
        let started = post("/domains/settings/rollover", vec![("role", "zsk"), ("confirm", "on")]).await.unwrap();
        assert_eq!(started.status(), 303);
        let rolling = page().await;
        assert!(rolling.contains("Kunci baru, dipakai berdampingan"), "{rolling}");
        assert!(rolling.contains("Selesaikan pergantian ZSK"), "{rolling}");
        let early = post("/domains/settings/rollover", vec![("role", "zsk"), ("confirm", "on")]).await.unwrap();
        assert_eq!(early.status(), 422);
        let said = early.text().await.unwrap();
        assert!(said.contains("Belum waktunya") && said.contains("WIB"), "{said}");
        // Switched off again, the keys stay (a later switch-on reuses them, the parent's DS holds).
        let admin = app.token("admin.dnssec", Role::DinasAdmin, None).await;
        let (_, before) = api(Method::GET, app.url("/api/v1/dns/dnssec"), Some(&admin), None).await;
        let mut off = settings();
        off["dnssec"] = json!(false);
        let (s, _) = api(Method::PUT, app.url("/api/v1/dns/settings"), Some(&admin), Some(off.clone())).await;
        assert_eq!(s, 200);
        assert!(page().await.contains("Zona belum ditandatangani"));
        off["dnssec"] = json!(true);
        api(Method::PUT, app.url("/api/v1/dns/settings"), Some(&admin), Some(off)).await;
        let (_, after) = api(Method::GET, app.url("/api/v1/dns/dnssec"), Some(&admin), None).await;
        assert_eq!(before["keys"], after["keys"]);
        assert_eq!(after["keys"].as_array().unwrap().len(), 3);
    }
}

both! {
    async fn an_agency_withdraws_its_pending_request_and_the_name_is_free_again(app) {
        app.demo().await;
        let dinkes = app.agency_id("DINKES").await;
        let op = app.token("op.tarik", Role::AgencyOperator, Some(dinkes)).await;
        let (s, req) = api(Method::POST, app.url("/api/v1/dns/requests"), Some(&op), Some(ask(&dinkes.to_string(), "subdomain", "keliru", ""))).await;
        assert_eq!(s, 201, "{req}");
        let id = req["id"].as_str().unwrap().to_owned();
        // Another agency's operator cannot see it, so cannot withdraw it either.
        let other = app.token("op.tarik2", Role::AgencyOperator, Some(app.agency_id("DISDIKBUD").await)).await;
        let (s, _) = api(Method::POST, app.url(&format!("/api/v1/dns/requests/{id}/withdrawal")), Some(&other), None).await;
        assert_eq!(s, 404);
        // On the page: the form asks for confirmation first.
        app.account("op.tarik3", Role::AgencyOperator, Some(dinkes)).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "op.tarik3").await;
        let page = browser.get(app.url(&format!("/domains/requests/{id}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Tarik permohonan"), "{page}");
        let unconfirmed = browser.post(app.url(&format!("/domains/requests/{id}/withdraw"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
        assert_eq!(unconfirmed.status(), 422);
        let done = browser.post(app.url(&format!("/domains/requests/{id}/withdraw"))).form(&[("_csrf", csrf.as_str()), ("confirm", "on")]).send().await.unwrap();
        assert_eq!(done.status(), 303);
        let (_, row) = api(Method::GET, app.url(&format!("/api/v1/dns/requests/{id}")), Some(&op), None).await;
        assert_eq!(row["status"], "withdrawn", "{row}");
        let page = browser.get(app.url(&format!("/domains/requests/{id}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Ditarik sebelum diputuskan") && !page.contains("Tarik permohonan</button>"), "{page}");
        // Twice is a conflict; the Dinas can no longer decide it; the name may be asked again.
        let (s, _) = api(Method::POST, app.url(&format!("/api/v1/dns/requests/{id}/withdrawal")), Some(&op), None).await;
        assert_eq!(s, 409);
        let admin = app.token("admin.tarik", Role::DinasAdmin, None).await;
        let decision = json!({"decision": "grant", "decision_number": "1", "decision_date": "2026-01-01"});
        let (s, _) = api(Method::POST, app.url(&format!("/api/v1/dns/requests/{id}/decision")), Some(&admin), Some(decision)).await;
        assert_eq!(s, 409);
        let (s, again) = api(Method::POST, app.url("/api/v1/dns/requests"), Some(&op), Some(ask(&dinkes.to_string(), "subdomain", "keliru", ""))).await;
        assert_eq!(s, 201, "{again}");
        // The Dinas hears of it, and the trail says who.
        let (_, events) = api(Method::GET, app.url("/api/v1/audit-events?action=domain_request.withdraw"), Some(&admin), None).await;
        assert_eq!(events["total"], 1, "{events}");
        assert_eq!(events["items"][0]["actor"].as_str().map(|a| a.contains("op.tarik3")), Some(true), "{events}");
    }
}
