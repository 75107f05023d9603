//! Accounts over HTTP, on SQLite and PostgreSQL: sign-in and sessions, lockout, password change,
//! the language choice, and the Dinas's management of accounts and roles through the API and a
//! person's page.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on an unexpected shape"
)]

use kernel::permissions::Role;
use reqwest::Method;
use test_support::{PASSWORD, Value, api, both, csrf_of, json};

fn person_body(agency: &str, nip: &str) -> Value {
    json!({"agency_id": agency, "name": "Siti Rahayu", "kind": "pns", "nip": nip, "email": "siti@sukamajukab.go.id"})
}

both! {
    async fn sign_in_session_and_sign_out(app) {
        app.account("admin", Role::DinasAdmin, None).await;
        let browser = app.browser();
        // Anonymous pages send the visitor to sign in, and come back afterwards.
        let resp = browser.get(app.url("/agencies")).send().await.unwrap();
        assert_eq!(resp.status(), 303);
        assert_eq!(resp.headers()["location"], "/sign-in?next=%2Fagencies");
        let page = browser.get(app.url("/sign-in?next=/agencies")).send().await.unwrap().text().await.unwrap();
        let csrf = csrf_of(&page);
        let resp = browser.post(app.url("/sign-in")).form(&[("_csrf", csrf.as_str()), ("login", "ADMIN"), ("password", PASSWORD), ("next", "/agencies")]).send().await.unwrap();
        assert_eq!(resp.status(), 303);
        assert_eq!(resp.headers()["location"], "/agencies");
        let cookie = resp.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).find(|c| c.starts_with("simpul_session=")).unwrap();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        let home = browser.get(app.url("/")).send().await.unwrap();
        assert_eq!(home.status(), 200);
        let csrf = csrf_of(&home.text().await.unwrap());
        // The session also works for the API, with the anti-forgery header on writes.
        assert_eq!(browser.get(app.url("/api/v1/me")).send().await.unwrap().json::<Value>().await.unwrap()["login"], "admin");
        let body = serde_json::json!({"name": "Dinas A", "code": "DA", "kind": "dinas"});
        assert_eq!(browser.post(app.url("/api/v1/agencies")).json(&body).send().await.unwrap().status(), 403);
        assert_eq!(browser.post(app.url("/api/v1/agencies")).header("x-csrf-token", &csrf).json(&body).send().await.unwrap().status(), 201);
        // Sign-out ends the session for good.
        let resp = browser.post(app.url("/sign-out")).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
        assert_eq!(resp.status(), 303);
        assert_eq!(browser.get(app.url("/api/v1/me")).send().await.unwrap().status(), 401);
        // Sign-in and sign-out are in the audit trail.
        let actions = app.db(|c| kernel::audit::list(c, &Default::default(), 50, 0).unwrap().0.into_iter().map(|e| e.action).collect::<Vec<_>>()).await;
        assert!(actions.contains(&"auth.sign_in".to_owned()) && actions.contains(&"auth.sign_out".to_owned()), "{actions:?}");
    }
}

both! {
    async fn repeated_failures_lock_the_account(app) {
        app.account("target", Role::Leader, None).await;
        let browser = app.browser();
        let page = browser.get(app.url("/sign-in")).send().await.unwrap().text().await.unwrap();
        let csrf = csrf_of(&page);
        for _ in 0..5 {
            let resp = browser.post(app.url("/sign-in")).form(&[("_csrf", csrf.as_str()), ("login", "target"), ("password", "wrong-password")]).send().await.unwrap();
            assert_eq!(resp.status(), 401);
        }
        let resp = browser.post(app.url("/sign-in")).header("accept-language", "en").form(&[("_csrf", csrf.as_str()), ("login", "target"), ("password", PASSWORD)]).send().await.unwrap();
        assert_eq!(resp.status(), 429, "the right password does not help while locked");
        assert!(resp.text().await.unwrap().contains("locked"));
        let failures = app.db(|c| kernel::audit::list(c, &kernel::audit::AuditFilter { action: Some("auth.sign_in_failed".into()), ..Default::default() }, 50, 0).unwrap().1).await;
        assert_eq!(failures, 6);
    }
}

both! {
    async fn password_change_checks_and_ends_other_sessions(app) {
        app.account("siti", Role::Leader, None).await;
        let (one, two) = (app.browser(), app.browser());
        let csrf = app.sign_in(&one, "siti").await;
        app.sign_in(&two, "siti").await;
        let post = |current: &str, new: &str, confirm: &str| {
            one.post(app.url("/account/password")).form(&[("_csrf", csrf.clone()), ("current", current.into()), ("new", new.into()), ("confirm", confirm.into())]).send()
        };
        let resp = post("wrong", "new-password-1", "new-password-2").await.unwrap();
        assert_eq!(resp.status(), 422);
        let html = resp.text().await.unwrap();
        assert!(html.contains("href=\"#current\"") && html.contains("href=\"#confirm\""), "error summary links to each field");
        assert_eq!(post(PASSWORD, "short", "short").await.unwrap().status(), 422);
        assert_eq!(post(PASSWORD, "new-password-1", "new-password-1").await.unwrap().status(), 200);
        assert_eq!(two.get(app.url("/api/v1/me")).send().await.unwrap().status(), 401, "the other session is over");
        assert_eq!(one.get(app.url("/api/v1/me")).send().await.unwrap().status(), 200, "this one goes on");
    }
}

both! {
    async fn language_follows_accept_language_then_the_users_choice(app) {
        app.account("budi", Role::Leader, None).await;
        let browser = app.browser();
        let id_page = browser.get(app.url("/sign-in")).send().await.unwrap().text().await.unwrap();
        assert!(id_page.contains("<html lang=\"id\">") && id_page.contains("Kata sandi"));
        let en_page = browser.get(app.url("/sign-in")).header("accept-language", "en-GB,en;q=0.9").send().await.unwrap().text().await.unwrap();
        assert!(en_page.contains("<html lang=\"en\">") && en_page.contains("Password"));
        let csrf = app.sign_in(&browser, "budi").await;
        let resp = browser.post(app.url("/lang")).form(&[("_csrf", csrf.as_str()), ("lang", "en"), ("next", "/account")]).send().await.unwrap();
        assert_eq!(resp.headers()["location"], "/account");
        let account = browser.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
        assert!(account.contains("My account"), "saved on the account");
        let resp = browser.post(app.url("/lang")).form(&[("_csrf", csrf.as_str()), ("lang", "fr")]).send().await.unwrap();
        assert_eq!(resp.status(), 422);
        // Next time, on another device, the account still speaks English.
        let other = app.browser();
        app.sign_in(&other, "budi").await;
        assert!(other.get(app.url("/")).send().await.unwrap().text().await.unwrap().contains("Dashboard"));
    }
}

both! {
    async fn the_dinas_manages_accounts_and_roles_through_the_api(app) {
        let a = app.agency("AAA").await;
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let auditor = app.token("auditor", Role::Auditor, None).await;
        let op = app.token("op.aaa", Role::AgencyOperator, Some(a)).await;
        let (_, person) = api(Method::POST, app.url("/api/v1/people"), Some(&admin), Some(person_body(&a.to_string(), "198503122010011001"))).await;
        let body = json!({"login": "siti.r", "name": "Siti Rahayu", "password": "a-long-password", "person_id": person["id"],
                          "roles": [{"role": "wali-data", "agency": a.to_string()}]});
        assert_eq!(api(Method::POST, app.url("/api/v1/users"), Some(&op), Some(body.clone())).await.0, 403);
        assert_eq!(api(Method::POST, app.url("/api/v1/users"), Some(&auditor), Some(body.clone())).await.0, 403);
        let (s, acc) = api(Method::POST, app.url("/api/v1/users"), Some(&admin), Some(body.clone())).await;
        assert_eq!(s, 201, "{acc}");
        assert_eq!(acc["roles"][0]["role"], "wali-data");
        let (s, e) = api(Method::POST, app.url("/api/v1/users"), Some(&admin), Some(body)).await;
        assert_eq!(s, 409, "{e}");
        // Agency roles need an agency that exists.
        let bad = json!({"login": "x.y.z", "name": "X", "password": "a-long-password", "roles": [{"role": "agency-operator"}]});
        assert_eq!(api(Method::POST, app.url("/api/v1/users"), Some(&admin), Some(bad)).await.0, 422);
        let ghost = json!({"login": "x.y.z", "name": "X", "password": "a-long-password", "roles": [{"role": "agency-operator", "agency": kernel::ids::AgencyId::new()}]});
        assert_eq!(api(Method::POST, app.url("/api/v1/users"), Some(&admin), Some(ghost)).await.0, 422);
        let (s, list) = api(Method::GET, app.url("/api/v1/users?q=siti"), Some(&auditor), None).await;
        assert_eq!((s, list["total"].as_i64()), (200, Some(1)));
        assert_eq!(api(Method::GET, app.url("/api/v1/users"), Some(&op), None).await.0, 403);

        // Roles change; the new role takes effect on the next request.
        let id = acc["id"].as_str().unwrap();
        let roles = json!({"roles": [{"role": "agency-operator", "agency": a.to_string()}]});
        let (s, changed) = api(Method::PUT, app.url(&format!("/api/v1/users/{id}/roles")), Some(&admin), Some(roles)).await;
        assert_eq!((s, changed["roles"][0]["role"].as_str()), (200, Some("agency-operator")));
        let siti = app.db({ let id = id.to_owned(); move |c| accounts::create_token(c, kernel::ids::UserId::parse(&id).unwrap(), "t").unwrap() }).await;
        assert_eq!(api(Method::GET, app.url("/api/v1/people"), Some(&siti), None).await.1["total"], 1);
        // Disabled: the token is revoked at once, and enabling the account does not bring it back.
        assert_eq!(api(Method::POST, app.url(&format!("/api/v1/users/{id}/disable")), Some(&admin), None).await.0, 200);
        assert_eq!(api(Method::GET, app.url("/api/v1/me"), Some(&siti), None).await.0, 401);
        assert_eq!(api(Method::POST, app.url(&format!("/api/v1/users/{id}/enable")), Some(&admin), None).await.0, 200);
        assert_eq!(api(Method::GET, app.url("/api/v1/me"), Some(&siti), None).await.0, 401);
        let fresh = app.db({ let id = id.to_owned(); move |c| accounts::create_token(c, kernel::ids::UserId::parse(&id).unwrap(), "t2").unwrap() }).await;
        assert_eq!(api(Method::GET, app.url("/api/v1/me"), Some(&fresh), None).await.0, 200);
        // The last Dinas administrator stays.
        let (_, me) = api(Method::GET, app.url("/api/v1/me"), Some(&admin), None).await;
        let admin_id = me["id"].as_str().unwrap();
        let (s, e) = api(Method::POST, app.url(&format!("/api/v1/users/{admin_id}/disable")), Some(&admin), None).await;
        assert_eq!((s, e["error"]["code"].as_str()), (409, Some("conflict")));
        assert_eq!(api(Method::PUT, app.url(&format!("/api/v1/users/{admin_id}/roles")), Some(&admin), Some(json!({"roles": []}))).await.0, 409);
        assert_eq!(api(Method::GET, app.url("/api/v1/me"), Some(&admin), None).await.0, 200);
        let (_, trail) = api(Method::GET, app.url(&format!("/api/v1/audit-events?record_id={id}")), Some(&auditor), None).await;
        let actions: Vec<&str> = trail["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["user.enable", "user.disable", "user.roles", "user.create"]);
    }
}

both! {
    async fn the_dinas_gives_a_person_an_account_from_their_page(app) {
        let a = app.agency("AAA").await;
        let admin = app.token("admin.api", Role::DinasAdmin, None).await;
        app.account("admin", Role::DinasAdmin, None).await;
        let (_, person) = api(Method::POST, app.url("/api/v1/people"), Some(&admin), Some(person_body(&a.to_string(), "198503122010011001"))).await;
        let page_url = app.url(&format!("/people/{}", person["id"].as_str().unwrap()));
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "admin").await;
        let short = [("_csrf", csrf.as_str()), ("login", "siti"), ("password", "short"), ("role", "agency-operator")];
        let resp = browser.post(format!("{page_url}/account")).form(&short).send().await.unwrap();
        assert_eq!(resp.status(), 422);
        assert!(resp.text().await.unwrap().contains("href=\"#password\""));
        let good = [("_csrf", csrf.as_str()), ("login", "siti"), ("password", "a-long-password"), ("role", "agency-operator")];
        assert_eq!(browser.post(format!("{page_url}/account")).form(&good).send().await.unwrap().status(), 303);
        let html = browser.get(page_url.clone()).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("Operator Perangkat Daerah") && html.contains("AAA"), "role scoped to the person's agency");
        let add = [("_csrf", csrf.as_str()), ("role", "wali-data"), ("agency_id", "")];
        assert_eq!(browser.post(format!("{page_url}/roles")).form(&add).send().await.unwrap().status(), 303);
        // Withdrawing a role and disabling are confirmed first (KT 16.5); unconfirmed, nothing changes.
        let remove = [("_csrf", csrf.as_str()), ("role", "wali-data"), ("agency_id", "")];
        let resp = browser.post(format!("{page_url}/roles/remove")).form(&remove).send().await.unwrap();
        assert_eq!(resp.status(), 422);
        assert!(resp.text().await.unwrap().contains("Centang kotak konfirmasi"));
        let off = [("_csrf", csrf.as_str()), ("disabled", "1")];
        let resp = browser.post(format!("{page_url}/account/status")).form(&off).send().await.unwrap();
        assert_eq!(resp.status(), 422);
        let (_, list) = api(Method::GET, app.url("/api/v1/users?q=siti"), Some(&admin), None).await;
        assert_eq!((&list["items"][0]["disabled"], list["items"][0]["roles"].as_array().unwrap().len()), (&json!(false), 2));
        let off = [("_csrf", csrf.as_str()), ("disabled", "1"), ("confirm", "on")];
        assert_eq!(browser.post(format!("{page_url}/account/status")).form(&off).send().await.unwrap().status(), 303);
        let (_, list) = api(Method::GET, app.url("/api/v1/users?q=siti"), Some(&admin), None).await;
        assert_eq!(list["items"][0]["disabled"], true);
        assert_eq!(list["items"][0]["roles"].as_array().unwrap().len(), 2);
        // An operator sees the person but not the account controls.
        app.account("op.aaa", Role::AgencyOperator, Some(a)).await;
        let op = app.browser();
        let op_csrf = app.sign_in(&op, "op.aaa").await;
        let html = op.get(page_url.clone()).send().await.unwrap().text().await.unwrap();
        assert!(!html.contains("id=\"account\""));
        assert_eq!(op.post(format!("{page_url}/account/status")).form(&[("_csrf", op_csrf.as_str()), ("disabled", "0")]).send().await.unwrap().status(), 403);
    }
}

both! {
    async fn account_forms_name_each_bad_field_and_survive_a_stale_token(app) {
        app.account("admin", Role::DinasAdmin, None).await;
        let agency = app.agency("DISKOMINFO").await;
        let admin = app.token("admin-api", Role::DinasAdmin, None).await;
        let (_, person) = api(Method::POST, app.url("/api/v1/people"), Some(&admin), Some(person_body(&agency.to_string(), "199001012015031001"))).await;
        let person = person["id"].as_str().unwrap().to_owned();
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "admin").await;

        app.form_refused(&browser, &csrf, "/account/password", &[("current", "wrong"), ("new", "short"), ("confirm", "other")], &[
            ("current", "Kata sandi saat ini salah."),
            ("new", "Kata sandi baru: Kata sandi paling sedikit 10 karakter."),
            ("confirm", "Ulangi kata sandi baru: Kedua kata sandi baru tidak sama."),
        ]).await;
        let path = format!("/people/{person}/account");
        app.form_refused(&browser, &csrf, &path, &[("login", "Bad Login!"), ("password", "short"), ("role", "")], &[
            ("login", "Nama pengguna 3–64 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung."),
            ("password", "Kata sandi awal: Kata sandi paling sedikit 10 karakter."),
            ("role", "Pilih peran."),
        ]).await;

        // A stale token: the login typed comes back, nothing is created, and the fresh token works.
        let (status, html) = app.post_form(&browser, "stale-token", &path, &[("login", "siti.r"), ("password", "panjang-sekali-123"), ("role", "agency-operator")]).await;
        assert_eq!(status, 422);
        assert!(html.contains(r#"value="siti.r""#), "the login typed is kept");
        assert!(!html.contains("panjang-sekali-123"), "a password is never sent back");
        assert!(test_support::error_summary_of(&html)[0].1.starts_with("Halaman ini terlalu lama terbuka"));
        let (_, list) = api(Method::GET, app.url("/api/v1/users?q=siti.r"), Some(&admin), None).await;
        assert_eq!(list["total"], 0, "nothing created");
        let (status, _) = app.post_form(&browser, &csrf_of(&html), &path, &[("login", "siti.r"), ("password", "panjang-sekali-123"), ("role", "agency-operator")]).await;
        assert_eq!(status, 303);
        let (_, list) = api(Method::GET, app.url("/api/v1/users?q=siti.r"), Some(&admin), None).await;
        assert_eq!(list["total"], 1);
    }
}

both! {
    async fn access_matrix(app) {
        use test_support::access::{Body, Matrix, form, get, post, put};
        let (dinkes, disdik) = (app.agency("DINKES").await, app.agency("DISDIK").await);
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let (_, person) = api(Method::POST, app.url("/api/v1/people"), Some(&admin), Some(person_body(&dinkes.to_string(), "198503122010011001"))).await;
        let person = person["id"].as_str().unwrap().to_owned();
        let (_, other) = api(Method::POST, app.url("/api/v1/people"), Some(&admin), Some(person_body(&dinkes.to_string(), "199001012015031001"))).await;
        let other = other["id"].as_str().unwrap().to_owned();
        let body = json!({"login": "siti.r", "name": "Siti Rahayu", "password": "a-long-password", "person_id": person,
                          "roles": [{"role": "wali-data", "agency": dinkes.to_string()}]});
        let (s, user) = api(Method::POST, app.url("/api/v1/users"), Some(&admin), Some(body)).await;
        assert_eq!(s, 201, "{user}");
        let user = user["id"].as_str().unwrap().to_owned();
        let roles = json!({"roles": [{"role": "agency-operator", "agency": dinkes.to_string()}]});
        let writes = vec![
            post("/api/v1/users", Body::Json(json!({"login": "budi.s", "name": "Budi", "password": "a-long-password", "roles": []}))),
            put(format!("/api/v1/users/{user}/roles"), Body::Json(roles)),
            post(format!("/api/v1/users/{user}/disable"), Body::None),
            post(format!("/api/v1/users/{user}/enable"), Body::None),
            post(format!("/people/{other}/account"), form(&[("login", "budi.s"), ("password", "a-long-password"), ("role", "agency-operator")])),
            post(format!("/people/{person}/roles"), form(&[("role", "ppid-pembantu"), ("agency_id", "")])),
            post(format!("/people/{person}/roles/remove"), form(&[("role", "wali-data"), ("agency_id", &dinkes.to_string()), ("confirm", "on")])),
            post(format!("/people/{person}/account/reset"), form(&[])),
            post(format!("/api/v1/users/{user}/password-reset"), Body::None),
            post(format!("/people/{person}/account/status"), form(&[("disabled", "1"), ("confirm", "on")])),
        ];
        let mut signed_in = vec![
            get("/api/v1/me"), get("/api/v1/users"), get("/account"), get("/accounts"),
            put("/api/v1/me/password", Body::Json(json!({"current": "x", "new": "a-long-password", "confirm": "a-long-password"}))),
            get(format!("/people/{person}/account")),
            post("/account/password", form(&[("current", "x"), ("password", "a-long-password"), ("confirm", "a-long-password")])),
            post("/account/sessions/end", form(&[("session", "x")])),
        ];
        signed_in.extend(writes.clone());
        app.check_access(Matrix {
            module: accounts::MODULE,
            // The one-time link is the credential; without a live one the page says so.
            public: &["GET /reset-password/{token}", "POST /reset-password/{token}"],
            signed_in,
            outsider: disdik,
            // Account pages answer 403 to every operator, whatever the id: nothing to learn.
            others: vec![],
            writes,
        }).await;
    }
}

both! {
    async fn sign_in_and_language_switch_never_redirect_off_the_site(app) {
        app.account("budi", Role::Leader, None).await;
        for evil in ["/\t/evil.example/x", "//evil.example", "/\\evil.example", "https://evil.example/", "/\u{a0}/evil.example"] {
            let browser = app.browser();
            let page = browser.get(app.url("/sign-in")).send().await.unwrap().text().await.unwrap();
            let csrf = csrf_of(&page);
            let resp = browser.post(app.url("/sign-in"))
                .form(&[("_csrf", csrf.as_str()), ("login", "budi"), ("password", PASSWORD), ("next", evil)])
                .send().await.unwrap();
            assert_eq!((resp.status().as_u16(), resp.headers()["location"].to_str().unwrap()), (303, "/"), "{evil:?}");
            let csrf = csrf_of(&browser.get(app.url("/account")).send().await.unwrap().text().await.unwrap());
            let resp = browser.post(app.url("/lang")).form(&[("_csrf", csrf.as_str()), ("lang", "en"), ("next", evil)]).send().await.unwrap();
            assert_eq!(resp.headers()["location"].to_str().unwrap(), "/", "{evil:?}");
        }
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "budi").await;
        let resp = browser.post(app.url("/lang")).form(&[("_csrf", csrf.as_str()), ("lang", "id"), ("next", "/registry/applications?page=2")]).send().await.unwrap();
        assert_eq!(resp.headers()["location"].to_str().unwrap(), "/registry/applications?page=2");
    }
}

both! {
    async fn the_password_changes_through_the_api_and_revokes_every_token(app) {
        let token = app.token("budi", Role::Leader, None).await;
        let other = app.db(|c| {
            let user = accounts::find_user(c, "budi").unwrap().unwrap();
            accounts::create_token(c, user.id, "script").unwrap()
        }).await;
        let (s, e) = api(Method::PUT, app.url("/api/v1/me/password"), Some(&token),
            Some(json!({"current": "wrong", "new": "short", "confirm": "other"}))).await;
        let fields: Vec<&str> = e["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
        assert_eq!((s, fields), (422, vec!["current", "new", "confirm"]), "{e}");
        let (s, _) = api(Method::PUT, app.url("/api/v1/me/password"), Some(&token),
            Some(json!({"current": PASSWORD, "new": "a-brand-new-password", "confirm": "a-brand-new-password"}))).await;
        assert_eq!(s, 204);
        assert_eq!(api(Method::GET, app.url("/api/v1/me"), Some(&token), None).await.0, 401, "the calling token too");
        assert_eq!(api(Method::GET, app.url("/api/v1/me"), Some(&other), None).await.0, 401);
        let browser = app.browser();
        let page = browser.get(app.url("/sign-in")).send().await.unwrap().text().await.unwrap();
        let resp = browser.post(app.url("/sign-in")).form(&[("_csrf", csrf_of(&page).as_str()), ("login", "budi"), ("password", "a-brand-new-password")]).send().await.unwrap();
        assert_eq!(resp.status(), 303);
    }
}

/// Signs `login` in with `password` on a fresh page; returns the status of the attempt.
async fn try_sign_in(
    app: &test_support::TestApp,
    browser: &reqwest::Client,
    login: &str,
    password: &str,
) -> u16 {
    app.sign_in_attempt(browser, login, password, "/")
        .await
        .status()
        .as_u16()
}

both! {
    async fn a_forgotten_password_is_reset_with_a_one_time_link_from_the_dinas(app) {
        let agency = app.agency("BKPSDM").await;
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let (_, person) = api(Method::POST, app.url("/api/v1/people"), Some(&admin), Some(person_body(&agency.to_string(), "198503122010012001"))).await;
        let body = json!({"login": "siti", "name": "Siti Rahayu", "password": PASSWORD, "person_id": person["id"], "roles": [{"role": "agency-operator", "agency": agency.to_string()}]});
        let (st, siti) = api(Method::POST, app.url("/api/v1/users"), Some(&admin), Some(body)).await;
        assert_eq!(st, 201, "{siti}");
        // The sign-in page says where to turn.
        let page = app.browser().get(app.url("/sign-in")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Lupa kata sandi? Hubungi admin Dinas Kominfo"), "{page}");
        // Siti is signed in on her phone, then locks herself out on the office computer.
        let phone = app.browser();
        app.sign_in(&phone, "siti").await;
        let office = app.browser();
        for _ in 0..6 {
            try_sign_in(&app, &office, "siti", "tebakan-yang-salah").await;
        }
        assert_eq!(try_sign_in(&app, &office, "siti", PASSWORD).await, 429, "locked out");

        // The Dinas issues a link from her page; it is shown once.
        let dinas = app.browser();
        let csrf = app.sign_in(&dinas, "admin").await;
        let pid = person["id"].as_str().unwrap();
        let (st, page) = app.post_form(&dinas, &csrf, &format!("/people/{pid}/account/reset"), &[]).await;
        assert_eq!(st, 200, "{page}");
        let link = page.split("value=\"").filter_map(|v| v.split('"').next()).find(|v| v.contains("/reset-password/")).unwrap().replace("&#x2f;", "/").replace("&#47;", "/");
        assert!(link.starts_with(&app.base), "{link}");

        // Siti opens it: a wrong repetition is named on the form, then the new password is set.
        let anon = app.browser();
        let form = anon.get(&link).send().await.unwrap();
        assert_eq!(form.status(), 200);
        let form = form.text().await.unwrap();
        assert!(form.contains("siti"), "{form}");
        let csrf = csrf_of(&form);
        let new = "kopi pagi di alun-alun";
        let resp = anon.post(&link).form(&[("_csrf", csrf.as_str()), ("new", new), ("confirm", "kopi sore")]).send().await.unwrap();
        assert_eq!(resp.status(), 422);
        assert!(resp.text().await.unwrap().contains("confirm-error"));
        let resp = anon.post(&link).form(&[("_csrf", csrf.as_str()), ("new", new), ("confirm", new)]).send().await.unwrap();
        assert_eq!(resp.status(), 303);
        assert_eq!(resp.headers()["location"], "/sign-in?reset=1");
        let done = anon.get(app.url("/sign-in?reset=1")).send().await.unwrap().text().await.unwrap();
        assert!(done.contains("Kata sandi baru tersimpan"), "{done}");
        // Used once: the link now says it does not work. The phone's session has ended, the
        // lockout is lifted, the old password is gone and the new one works.
        let again = anon.get(&link).send().await.unwrap();
        assert_eq!(again.status(), 404);
        assert!(again.text().await.unwrap().contains("Tautan ini tidak berlaku"));
        assert_eq!(phone.get(app.url("/api/v1/me")).send().await.unwrap().status(), 401);
        assert_eq!(try_sign_in(&app, &app.browser(), "siti", PASSWORD).await, 401);
        assert_eq!(try_sign_in(&app, &app.browser(), "siti", new).await, 303);

        // Through the API as well; a newer link voids an older one, and only the Dinas issues them.
        let uid = siti["id"].as_str().unwrap();
        let path = format!("/api/v1/users/{uid}/password-reset");
        let (st, first) = api(Method::POST, app.url(&path), Some(&admin), None).await;
        assert_eq!(st, 201, "{first}");
        let (_, second) = api(Method::POST, app.url(&path), Some(&admin), None).await;
        assert_eq!(reqwest::get(first["url"].as_str().unwrap()).await.unwrap().status(), 404);
        assert_eq!(reqwest::get(second["url"].as_str().unwrap()).await.unwrap().status(), 200);
        let operator = app.token("operator", Role::AgencyOperator, Some(agency)).await;
        assert_eq!(api(Method::POST, app.url(&path), Some(&operator), None).await.0, 403);
        // Both steps are in the audit trail, the reset as Siti's own act; the link is not.
        let events = app.db(|c| kernel::audit::list(c, &Default::default(), 100, 0).unwrap().0).await;
        let reset = events.iter().find(|e| e.action == "user.password_reset").unwrap();
        assert_eq!(reset.actor, "siti");
        assert!(events.iter().any(|e| e.action == "user.password_reset_issue" && e.actor == "admin"));
        assert!(events.iter().all(|e| !e.summary.contains("reset-password/")));
    }
}
