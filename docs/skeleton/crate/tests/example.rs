//! The example context end to end on SQLite and PostgreSQL: its access matrix, a form with
//! three bad fields answered at once, and an entry written through the API, listed, filtered
//! and downloaded. A new context copies this file and keeps every check.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on an unexpected shape"
)]

use kernel::permissions::Role;
use reqwest::Method;
use test_support::access::{Body, Matrix, form, get, post};
use test_support::{api, both, json};

both! {
    async fn access_matrix(app) {
        let (dinkes, disdik) = (app.agency("DINKES").await, app.agency("DISDIK").await);
        let op = app.token("op.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        let body = json!({"agency_id": dinkes.to_string(), "name": "Buku tamu", "status": "draft"});
        let (s, entry) = api(Method::POST, app.url("/api/v1/example/entries"), Some(&op), Some(body.clone())).await;
        assert_eq!(s, 201, "{entry}");
        let entry = entry["id"].as_str().unwrap().to_owned();
        let page_form = form(&[("agency_id", &dinkes.to_string()), ("name", "Buku tamu"), ("status", "draft")]);
        let writes = vec![
            post("/api/v1/example/entries", Body::Json(body)),
            post("/example/new", page_form),
        ];
        let mut signed_in = vec![
            get("/api/v1/example/entries"), get(format!("/api/v1/example/entries/{entry}")),
            get("/example"), get("/example/new"), get(format!("/example/{entry}")),
        ];
        signed_in.extend(writes.clone());
        app.check_access(Matrix {
            module: example::MODULE,
            public: &[],
            signed_in,
            outsider: disdik,
            others: vec![get(format!("/api/v1/example/entries/{entry}")), get(format!("/example/{entry}"))],
            writes,
        }).await;
    }
}

both! {
    async fn the_form_names_every_bad_field_and_writes_nothing(app) {
        let dinkes = app.agency("DINKES").await;
        app.account("op.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "op.dinkes").await;
        app.form_refused(&browser, &csrf, "/example/new", &[
            ("agency_id", ""), ("name", " "), ("status", "closed"), ("note", "x"),
        ], &[
            ("agency_id", "Pilih perangkat daerah."),
            ("name", "Masukkan nama."),
            ("status", "Pilih status."),
        ]).await;
        let reader = app.token("reader", Role::Leader, None).await;
        let (_, list) = api(Method::GET, app.url("/api/v1/example/entries"), Some(&reader), None).await;
        assert_eq!(list["total"], 0, "nothing written: {list}");
    }
}

both! {
    async fn entries_are_listed_filtered_and_downloaded_within_the_callers_view(app) {
        let (dinkes, disdik) = (app.agency("DINKES").await, app.agency("DISDIK").await);
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        for (agency, name, status) in [(dinkes, "=SUM(A1)", "active"), (dinkes, "Buku tamu", "draft"), (disdik, "Daftar sekolah", "active")] {
            let (s, v) = api(Method::POST, app.url("/api/v1/example/entries"),
                Some(&admin), Some(json!({"agency_id": agency.to_string(), "name": name, "status": status}))).await;
            assert_eq!(s, 201, "{v}");
        }
        let op = app.token("op.disdik", Role::AgencyOperator, Some(disdik)).await;
        let (_, mine) = api(Method::GET, app.url("/api/v1/example/entries"), Some(&op), None).await;
        assert_eq!(mine["total"], 1, "an operator sees only their agency's: {mine}");
        let (_, active) = api(Method::GET, app.url("/api/v1/example/entries?status=active&sort=name"), Some(&admin), None).await;
        let names: Vec<&str> = active["items"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["=SUM(A1)", "Daftar sekolah"]);
        let (s, bad) = api(Method::GET, app.url("/api/v1/example/entries?status=closed"), Some(&admin), None).await;
        assert_eq!((s, bad["error"]["code"].as_str()), (400, Some("bad_request")), "{bad}");

        app.account("admin.web", Role::DinasAdmin, None).await;
        let browser = app.browser();
        app.sign_in(&browser, "admin.web").await;
        let csv = browser.get(app.url("/example?format=csv&sort=name")).send().await.unwrap().text().await.unwrap();
        assert!(csv.contains("'=SUM(A1)"), "a formula is neutralised in the download: {csv}");
        assert!(csv.contains("Daftar sekolah") && csv.contains("Buku tamu"), "{csv}");
    }
}
