//! Regression tests for the defects found by attacking and fuzzing the product (issue 11), on
//! SQLite and PostgreSQL, across contexts.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on an unexpected shape"
)]

use kernel::permissions::Role;
use reqwest::Method;
use test_support::{api, both, json};

both! {
    async fn control_characters_are_refused_where_they_enter_never_a_500(app) {
        let dinkes = app.agency("DINKES").await;
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let nul = "a\u{0}b";
        // JSON fields, nested ones named by their path: 422, nothing written.
        let (s, e) = api(Method::POST, app.url("/api/v1/agencies"), Some(&admin),
            Some(json!({"name": nul, "code": "X1", "kind": "dinas"}))).await;
        assert_eq!((s, e["error"]["code"].as_str(), e["error"]["field"].as_str()), (422, Some("invalid"), Some("name")), "{e}");
        let (s, e) = api(Method::POST, app.url("/api/v1/users"), Some(&admin),
            Some(json!({"login": "siti", "name": "Siti", "password": "a-long-password", "roles": [{"role": "leader", "agency": "\u{1b}"}]}))).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some("roles[0].agency")), "{e}");
        let (s, e) = api(Method::POST, app.url("/api/v1/example-does-not-matter"), Some(&admin), Some(json!({"x": nul}))).await;
        assert!(s < 500, "{s} {e}");
        // Trailing garbage after the JSON value.
        let resp = reqwest::Client::new().post(app.url("/api/v1/agencies")).bearer_auth(&admin)
            .header("content-type", "application/json").body(r#"{"name":"Dinas X","code":"X2","kind":"dinas"} trailing"#).send().await.unwrap();
        assert_eq!(resp.status(), 400);
        // Query parameters and path ids.
        for path in [format!("/api/v1/agencies?q={}", "a%00b"), "/api/v1/agencies/a%00b".to_owned(),
                     "/api/v1/applications/%00".to_owned(), "/api/v1/audit-events?record_id=%00".to_owned()] {
            let (s, e) = api(Method::GET, app.url(&path), Some(&admin), None).await;
            assert!(matches!(s, 400 | 404 | 422), "{path}: {s} {e}");
        }
        // Imported files: the CSV cell's line is named.
        let resp = reqwest::Client::new().post(app.url("/api/v1/devices/import?dry_run=true")).bearer_auth(&admin)
            .body(format!("agency_code,kind,name,funding_source,location\nDINKES,network,Router{nul},apbd,Gedung A\n")).send().await.unwrap();
        let status = resp.status().as_u16();
        let e: serde_json::Value = resp.json().await.unwrap();
        assert_eq!((status, e["error"]["field"].as_str()), (422, Some("line 2")), "{e}");
        // Forms, and the sign-in form before anyone is signed in.
        app.account("op.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "op.dinkes").await;
        let (s, html) = app.post_form(&browser, &csrf, "/registry/vendors/new", &[("agency_id", &dinkes.to_string()), ("name", nul)]).await;
        assert_eq!(s, 422, "{html}");
        let visitor = app.browser();
        let page = visitor.get(app.url("/sign-in")).send().await.unwrap().text().await.unwrap();
        let token = test_support::csrf_of(&page);
        let resp = visitor.post(app.url("/sign-in")).form(&[("_csrf", token.as_str()), ("login", nul), ("password", nul)]).send().await.unwrap();
        assert_eq!(resp.status(), 422);
        // The provider's own endpoints.
        let resp = reqwest::Client::new().post(app.url("/oauth2/token"))
            .form(&[("grant_type", "authorization_code"), ("code", nul), ("client_id", nul), ("redirect_uri", "https://x/cb")]).send().await.unwrap();
        assert_eq!(resp.status(), 400);
        let resp = reqwest::Client::new().post(app.url("/oauth2/token")).basic_auth("a\u{0}b", Some("secret"))
            .form(&[("grant_type", "client_credentials")]).send().await.unwrap();
        assert_eq!(resp.status(), 401);
        let resp = reqwest::Client::new().get(app.url("/oauth2/authorize?client_id=%00&response_type=code&redirect_uri=https://x/cb&scope=openid")).send().await.unwrap();
        assert!(resp.status().as_u16() < 500, "{}", resp.status());
        let (_, list) = api(Method::GET, app.url("/api/v1/agencies"), Some(&admin), None).await;
        assert_eq!(list["total"], 1, "nothing written: {list}");
    }
}

both! {
    async fn a_failed_sign_in_stores_nothing_typed_for_an_unknown_account(app) {
        app.account("budi", Role::Leader, None).await;
        let auditor = app.token("auditor", Role::Auditor, None).await;
        let typed = format!("Rahasia-{}", "x".repeat(100_000));
        for login in [typed.as_str(), "budi"] {
            let visitor = app.browser();
            let page = visitor.get(app.url("/sign-in")).send().await.unwrap().text().await.unwrap();
            let token = test_support::csrf_of(&page);
            let resp = visitor.post(app.url("/sign-in")).form(&[("_csrf", token.as_str()), ("login", login), ("password", "salah")]).send().await.unwrap();
            assert_eq!(resp.status(), 401);
        }
        let (_, trail) = api(Method::GET, app.url("/api/v1/audit-events?action=auth.sign_in_failed"), Some(&auditor), None).await;
        let events = trail["items"].as_array().unwrap();
        assert_eq!(events.len(), 2, "{trail}");
        let text = trail.to_string();
        assert!(!text.contains("Rahasia") && text.len() < 5_000, "nothing typed is kept: {} bytes", text.len());
        assert_eq!(events[0]["actor"], "budi", "a known account is named");
        assert_eq!(events[1]["actor"], "(akun tidak dikenal)");
    }
}

both! {
    async fn the_api_answers_every_error_in_its_json_shape(app) {
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let client = reqwest::Client::new();
        let shape = |resp: reqwest::Response| async move {
            let status = resp.status().as_u16();
            let allow = resp.headers().get("allow").map(|v| v.to_str().unwrap().to_owned());
            let body: serde_json::Value = resp.json().await.unwrap_or_else(|e| panic!("{status}: not JSON: {e}"));
            (status, body["error"]["code"].as_str().map(str::to_owned), body["error"]["message"].as_str().map(str::to_owned), allow)
        };
        let (s, code, message, allow) = shape(client.delete(app.url("/api/v1/agencies")).bearer_auth(&admin).send().await.unwrap()).await;
        assert_eq!((s, code.as_deref()), (405, Some("method_not_allowed")));
        assert!(message.unwrap().contains("Metode") && allow.is_some_and(|a| a.contains("GET")));
        let big = format!(r#"{{"name":"{}","code":"X","kind":"dinas"}}"#, "x".repeat(2 * 1024 * 1024));
        let resp = client.post(app.url("/api/v1/agencies")).bearer_auth(&admin).header("content-type", "application/json").body(big).send().await.unwrap();
        assert_eq!(shape(resp).await.1.as_deref(), Some("too_large"));
        // Past the server's own limit it answers from the declared length, before any body.
        let raw = app.send_head(&format!("POST /api/v1/devices/import HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {admin}\r\nContent-Length: 30000000\r\nConnection: close\r\n\r\n")).await;
        assert!(raw.starts_with("HTTP/1.1 413") && raw.contains(r#""code":"too_large""#), "{raw}");
        let resp = client.get(app.url("/api/v1/agencies/%FF%FE")).bearer_auth(&admin).send().await.unwrap();
        let (s, code, ..) = shape(resp).await;
        assert!(matches!((s, code.as_deref()), (400, Some("bad_request")) | (404, Some("not_found"))), "{s} {code:?}");
        // A request target too long to be a real one.
        let resp = client.get(app.url(&format!("/api/v1/agencies?q={}", "a".repeat(10_000)))).bearer_auth(&admin).send().await.unwrap();
        assert_eq!(shape(resp).await.1.as_deref(), Some("uri_too_long"));
        // Without a credential every API request is a 401 before its input is read: a
        // malformed id, a body of the wrong type, a bad parameter.
        for (method, path) in [(Method::POST, "/api/v1/applications/not-an-id/submit"), (Method::PUT, "/api/v1/agencies/xyz"), (Method::GET, "/api/v1/agencies?page=x&page=y")] {
            let resp = client.request(method.clone(), app.url(path)).body("not json").send().await.unwrap();
            assert_eq!(shape(resp).await.1.as_deref(), Some("unauthorized"), "{method} {path}");
        }
        // A repeated query parameter is refused, not silently defaulted.
        let resp = client.get(app.url("/api/v1/agencies?page=1&page=2")).bearer_auth(&admin).send().await.unwrap();
        assert_eq!(shape(resp).await.1.as_deref(), Some("bad_request"));
    }
}

both! {
    async fn an_import_with_a_problem_on_every_row_answers_with_a_bounded_report(app) {
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let client = reqwest::Client::new();
        // 300 devices of an agency that does not exist: one problem per row.
        let mut csv = String::from("agency_code,kind,name\n");
        for i in 0..300 {
            csv.push_str(&format!("NOPE,hardware,Laptop {i}\n"));
        }
        let resp = client.post(app.url("/api/v1/devices/import?dry_run=true")).bearer_auth(&admin).body(csv).send().await.unwrap();
        assert_eq!(resp.status(), 422);
        let e: serde_json::Value = resp.json().await.unwrap();
        let details = e["error"]["details"].as_array().unwrap();
        assert_eq!(details.len(), 201, "200 problems and one line counting the rest");
        assert!(details[200]["message"].as_str().unwrap().contains("100 kesalahan lain"), "{}", details[200]);
        // The same for agencies (the organisation's own CSV reader).
        let mut csv = String::from("name,code,kind,is_dinas\n");
        for i in 0..250 {
            csv.push_str(&format!("Dinas {i},D{i},dinas,perhaps\n"));
        }
        let resp = client.post(app.url("/api/v1/agencies/import")).bearer_auth(&admin).header("content-type", "text/csv").body(csv).send().await.unwrap();
        assert_eq!(resp.status(), 422);
        let e: serde_json::Value = resp.json().await.unwrap();
        let details = e["error"]["details"].as_array().unwrap();
        assert_eq!(details.len(), 201);
        assert!(details[200]["message"].as_str().unwrap().contains("50 kesalahan lain"), "{}", details[200]);
    }
}

both! {
    async fn personal_data_is_never_cached_and_the_database_is_the_owners_alone(app) {
        app.account("admin", Role::DinasAdmin, None).await;
        let browser = app.browser();
        app.sign_in(&browser, "admin").await;
        for path in ["/people", "/people?format=csv", "/api/v1/me", "/account"] {
            let resp = browser.get(app.url(path)).send().await.unwrap();
            assert_eq!(resp.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"), "{path}");
            assert!(resp.headers().get("strict-transport-security").is_none(), "no HSTS over plain HTTP");
        }
        let css = browser.get(app.url("/static/simpul.css")).send().await.unwrap();
        assert_ne!(css.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
        if let Some(path) = app.state.config.database_url.strip_prefix("sqlite://") {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{path}: {mode:o}");
        }
    }
}
