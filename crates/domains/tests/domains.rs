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
        let page_form = form(&[("agency_id", &dinkes), ("name", "matrix2"), ("rtype", "A"), ("value", "203.0.113.78"), ("basis", "Keputusan")]);
        let writes = vec![
            post("/api/v1/dns/records", Body::Json(record(&dinkes, "matrix3", "A", "203.0.113.79"))),
            put(format!("/api/v1/dns/records/{id}"), Body::Json(body)),
            test_support::access::Call { method: Method::DELETE, path: format!("/api/v1/dns/records/{id}"), body: Body::None },
            post("/domains/new", page_form.clone()),
            post(format!("/domains/{id}/edit"), page_form),
            post(format!("/domains/{id}/delete"), form(&[("confirm", "on")])),
        ];
        let mut signed_in = vec![
            get("/api/v1/dns/records"), get(format!("/api/v1/dns/records/{id}")), get("/api/v1/dns/zone"),
            get("/domains"), get("/domains/new"), get(format!("/domains/{id}")), get(format!("/domains/{id}/edit")), get("/domains/zone"),
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
