//! The OpenID Connect provider against an independent relying party (Authlib) and the
//! attacks RFC 9700 names, on SQLite and PostgreSQL.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on an unexpected shape"
)]

use std::process::Command;

use kernel::audit::Actor;
use kernel::permissions::Role;
use kernel::state::write_tx;
use reqwest::Method;
use sso::service::{ClientDraft, register_client};
use test_support::{PASSWORD, TestApp, Value, api, both, json};

const NIP: &str = "198503122010011001";

struct Setup {
    client_id: String,
    secret: String,
    public_id: String,
    redirect: String,
    post_logout: String,
}

/// A person with an account, a confidential and a public client.
async fn setup(app: &TestApp) -> Setup {
    let agency = app.agency("BKPSDM").await;
    let admin = app.token("admin", Role::DinasAdmin, None).await;
    let body = json!({"agency_id": agency.to_string(), "name": "Siti Rahayu", "kind": "pns", "nip": NIP, "email": "siti@sukamajukab.go.id"});
    let (_, person) = api(
        Method::POST,
        app.url("/api/v1/people"),
        Some(&admin),
        Some(body),
    )
    .await;
    let account = json!({"login": "siti", "name": "Siti Rahayu", "password": PASSWORD, "person_id": person["id"],
                         "roles": [{"role": "agency-operator", "agency": agency.to_string()}]});
    assert_eq!(
        api(
            Method::POST,
            app.url("/api/v1/users"),
            Some(&admin),
            Some(account)
        )
        .await
        .0,
        201
    );
    let redirect = "http://127.0.0.1:9/callback".to_owned();
    let post_logout = "http://127.0.0.1:9/signed-out".to_owned();
    let (r, p) = (redirect.clone(), post_logout.clone());
    app.db(move |c| {
        let conf = ClientDraft {
            name: "SIMPEG".into(),
            redirect_uris: vec![r.clone()],
            post_logout_redirect_uris: vec![p],
            ..Default::default()
        };
        let public = ClientDraft {
            name: "Mobile".into(),
            redirect_uris: vec![r],
            public: true,
            id_token_alg: Some("ES256".into()),
            ..Default::default()
        };
        let ((c1, secret), (c2, _)) = write_tx(c, |tx| {
            Ok((
                register_client(tx, &Actor::system("test"), &conf)?,
                register_client(tx, &Actor::system("test"), &public)?,
            ))
        })
        .unwrap();
        Setup {
            client_id: c1.id,
            secret: secret.unwrap(),
            public_id: c2.id,
            redirect: String::new(),
            post_logout: String::new(),
        }
    })
    .await
    .with(redirect, post_logout)
}

impl Setup {
    fn with(mut self, redirect: String, post_logout: String) -> Self {
        self.redirect = redirect;
        self.post_logout = post_logout;
        self
    }
}

both! {
    async fn an_independent_relying_party_completes_every_flow(app) {
        let s = setup(&app).await;
        let base = app.base.clone();
        let out = tokio::task::spawn_blocking(move || {
            Command::new("python3")
                .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rp/authlib_flows.py"))
                .env("AUTHLIB_INSECURE_TRANSPORT", "1")
                .env("BASE", base)
                .env("CLIENT_ID", &s.client_id)
                .env("CLIENT_SECRET", &s.secret)
                .env("PUBLIC_CLIENT_ID", &s.public_id)
                .env("REDIRECT_URI", &s.redirect)
                .env("POST_LOGOUT_URI", &s.post_logout)
                .env("LOGIN", "siti")
                .env("PASSWORD", PASSWORD)
                .env("EXPECT_USERNAME", NIP)
                .env("EXPECT_AGENCY", "BKPSDM")
                .output()
                .expect("python3 with authlib and requests (pip install authlib requests; .ci/run does)")
        })
        .await
        .unwrap();
        let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{log}");
        assert!(log.contains("authlib: every flow passed"), "{log}");
        println!("{log}");
    }
}

/// The query parameters of a redirect's `Location`.
fn location_params(
    resp: &reqwest::Response,
) -> (String, std::collections::HashMap<String, String>) {
    let loc = resp.headers()["location"].to_str().unwrap().to_owned();
    let url = reqwest::Url::parse(&loc)
        .unwrap_or_else(|_| reqwest::Url::parse(&format!("http://x{loc}")).unwrap());
    (
        loc,
        url.query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
    )
}

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn authorize_url(app: &TestApp, client: &str, redirect: &str, extra: &str) -> String {
    app.url(&format!(
        "/oauth2/authorize?response_type=code&client_id={client}&redirect_uri={}&scope=openid%20profile&state=s1&nonce=n1{extra}",
        form_urlencoded_encode(redirect)
    ))
}

fn form_urlencoded_encode(s: &str) -> String {
    reqwest::Url::parse_with_params("http://x/", &[("v", s)])
        .unwrap()
        .query()
        .unwrap()
        .trim_start_matches("v=")
        .to_owned()
}

async fn token_call(
    app: &TestApp,
    auth: Option<(&str, &str)>,
    form: &[(&str, &str)],
) -> (u16, Value, Option<String>) {
    let mut req = reqwest::Client::new()
        .post(app.url("/oauth2/token"))
        .form(form);
    if let Some((id, secret)) = auth {
        req = req.basic_auth(id, Some(secret));
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let challenge = resp
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(resp.headers()["cache-control"], "no-store");
    (status, resp.json().await.unwrap(), challenge)
}

both! {
    async fn authorization_requests_that_must_never_redirect(app) {
        let s = setup(&app).await;
        let browser = app.browser();
        app.sign_in(&browser, "siti").await;
        // Unknown client, unregistered redirect URIs (other host, extra path, extra query): an
        // error page, never a redirect that could carry a code to an attacker.
        for url in [
            authorize_url(&app, "no-such-client", &s.redirect, "&code_challenge=x&code_challenge_method=S256"),
            authorize_url(&app, &s.client_id, "https://evil.example/callback", ""),
            authorize_url(&app, &s.client_id, &format!("{}/../evil", s.redirect), ""),
            authorize_url(&app, &s.client_id, &format!("{}?next=https://evil.example", s.redirect), ""),
            format!("{}&redirect_uri=https://evil.example/cb", authorize_url(&app, &s.client_id, &s.redirect, "")),
        ] {
            let resp = browser.get(&url).send().await.unwrap();
            assert_eq!(resp.status(), 400, "{url}");
            assert!(resp.headers().get("location").is_none(), "{url}");
        }
        // A disabled client is unknown from then on.
        let id = s.client_id.clone();
        app.db(move |c| sso::store::set_client_disabled(c, &id, true, "test").unwrap()).await;
        assert_eq!(browser.get(authorize_url(&app, &s.client_id, &s.redirect, "")).send().await.unwrap().status(), 400);
    }
}

both! {
    async fn authorization_errors_go_back_to_the_registered_uri(app) {
        let s = setup(&app).await;
        let anonymous = app.browser();
        let resp = anonymous.get(authorize_url(&app, &s.client_id, &s.redirect, "&prompt=none")).send().await.unwrap();
        let (loc, q) = location_params(&resp);
        assert!(loc.starts_with(&s.redirect));
        assert_eq!((q["error"].as_str(), q["state"].as_str()), ("login_required", "s1"));
        // Not signed in: the one Simpul sign-in page, then back to the authorization.
        let resp = anonymous.get(authorize_url(&app, &s.client_id, &s.redirect, "")).send().await.unwrap();
        assert!(resp.headers()["location"].to_str().unwrap().starts_with("/sign-in?next=%2Foauth2%2Fauthorize"));
        let browser = app.browser();
        app.sign_in(&browser, "siti").await;
        let cases = [
            (s.public_id.as_str(), "", "invalid_request"),
            (s.client_id.as_str(), "&code_challenge=abc&code_challenge_method=plain", "invalid_request"),
        ];
        for (client, extra, error) in cases {
            let (_, q) = location_params(&browser.get(authorize_url(&app, client, &s.redirect, extra)).send().await.unwrap());
            assert_eq!(q["error"], error, "{client} {extra}");
            assert_eq!(q["iss"], app.base);
        }
        let url = authorize_url(&app, &s.client_id, &s.redirect, "").replace("response_type=code", "response_type=token");
        let (_, q) = location_params(&browser.get(url).send().await.unwrap());
        assert_eq!(q["error"], "unsupported_response_type");
    }
}

both! {
    async fn codes_are_single_use_bound_and_pkce_checked(app) {
        let s = setup(&app).await;
        let browser = app.browser();
        app.sign_in(&browser, "siti").await;
        let pkce = format!("&code_challenge={CHALLENGE}&code_challenge_method=S256");
        let code = |extra: String| {
            let url = authorize_url(&app, &s.client_id, &s.redirect, &extra);
            let b = browser.clone();
            async move { location_params(&b.get(url).send().await.unwrap()).1["code"].clone() }
        };
        let auth = Some((s.client_id.as_str(), s.secret.as_str()));
        // PKCE mismatch and a different redirect_uri fail.
        let c1 = code(pkce.clone()).await;
        let (st, e, _) = token_call(&app, auth, &[("grant_type", "authorization_code"), ("code", &c1), ("redirect_uri", &s.redirect), ("code_verifier", &VERIFIER.replace('d', "e"))]).await;
        assert_eq!((st, e["error"].as_str()), (400, Some("invalid_grant")));
        let c2 = code(pkce.clone()).await;
        let (st, _, _) = token_call(&app, auth, &[("grant_type", "authorization_code"), ("code", &c2), ("redirect_uri", "http://127.0.0.1:9/other"), ("code_verifier", VERIFIER)]).await;
        assert_eq!(st, 400);
        // A wrong secret and an unknown client are 401 with a challenge.
        let c3 = code(pkce.clone()).await;
        let (st, e, challenge) = token_call(&app, Some((&s.client_id, "wrong")), &[("grant_type", "authorization_code"), ("code", &c3), ("redirect_uri", &s.redirect), ("code_verifier", VERIFIER)]).await;
        assert_eq!((st, e["error"].as_str()), (401, Some("invalid_client")));
        assert!(challenge.unwrap().starts_with("Basic"));
        // A good exchange, then the same code again: refused, and what it bought is revoked.
        let c4 = code(pkce.clone()).await;
        let form = [("grant_type", "authorization_code"), ("code", c4.as_str()), ("redirect_uri", s.redirect.as_str()), ("code_verifier", VERIFIER)];
        let (st, tokens, _) = token_call(&app, auth, &form).await;
        assert_eq!(st, 200, "{tokens}");
        let access = tokens["access_token"].as_str().unwrap().to_owned();
        let userinfo = |t: String| { let u = app.url("/oauth2/userinfo"); async move { reqwest::Client::new().get(u).bearer_auth(t).send().await.unwrap().status().as_u16() } };
        assert_eq!(userinfo(access.clone()).await, 200);
        let (st, e, _) = token_call(&app, auth, &form).await;
        assert_eq!((st, e["error"].as_str()), (400, Some("invalid_grant")));
        assert_eq!(userinfo(access).await, 401, "a replayed code revokes the tokens it bought");
        // An expired code.
        let c5 = code(pkce.clone()).await;
        app.db(|c| diesel::connection::SimpleConnection::batch_execute(c, "UPDATE sso_codes SET expires_at = '2000-01-01 00:00:00'").unwrap()).await;
        let (st, _, _) = token_call(&app, auth, &[("grant_type", "authorization_code"), ("code", &c5), ("redirect_uri", &s.redirect), ("code_verifier", VERIFIER)]).await;
        assert_eq!(st, 400);
        // Malformed requests.
        let (st, e, _) = token_call(&app, auth, &[("grant_type", "password"), ("username", "siti")]).await;
        assert_eq!((st, e["error"].as_str()), (400, Some("unsupported_grant_type")));
        let (st, e, _) = token_call(&app, auth, &[("grant_type", "client_credentials"), ("grant_type", "client_credentials")]).await;
        assert_eq!((st, e["error"].as_str()), (400, Some("invalid_request")));
        let (st, e, _) = token_call(&app, None, &[("grant_type", "client_credentials"), ("client_id", &s.public_id)]).await;
        assert_eq!((st, e["error"].as_str()), (400, Some("unauthorized_client")));
    }
}

both! {
    async fn expired_revoked_and_disabled_stop_at_once(app) {
        let s = setup(&app).await;
        let browser = app.browser();
        app.sign_in(&browser, "siti").await;
        let url = authorize_url(&app, &s.client_id, &s.redirect, &format!("&code_challenge={CHALLENGE}&code_challenge_method=S256"));
        let code = location_params(&browser.get(url).send().await.unwrap()).1["code"].clone();
        let auth = Some((s.client_id.as_str(), s.secret.as_str()));
        let (_, tokens, _) = token_call(&app, auth, &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", &s.redirect), ("code_verifier", VERIFIER)]).await;
        let (access, refresh) = (tokens["access_token"].as_str().unwrap().to_owned(), tokens["refresh_token"].as_str().unwrap().to_owned());
        let info = || reqwest::Client::new().get(app.url("/oauth2/userinfo")).bearer_auth(&access).send();
        assert_eq!(info().await.unwrap().status(), 200);
        // Disabling the account stops its tokens at once.
        let admin = app.token("admin2", Role::DinasAdmin, None).await;
        let (_, users) = api(Method::GET, app.url("/api/v1/users?q=siti"), Some(&admin), None).await;
        let uid = users["items"][0]["id"].as_str().unwrap().to_owned();
        assert_eq!(api(Method::POST, app.url(&format!("/api/v1/users/{uid}/disable")), Some(&admin), None).await.0, 200);
        let resp = info().await.unwrap();
        assert_eq!(resp.status(), 401);
        assert!(resp.headers()["www-authenticate"].to_str().unwrap().contains("invalid_token"));
        let (st, _, _) = token_call(&app, auth, &[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
        assert_eq!(st, 400);
        assert_eq!(api(Method::POST, app.url(&format!("/api/v1/users/{uid}/enable")), Some(&admin), None).await.0, 200);
        // The refresh attempt while disabled revoked the family: enabling again does not revive it.
        assert_eq!(info().await.unwrap().status(), 401);
        // An expired access token.
        let (_, machine, _) = token_call(&app, auth, &[("grant_type", "client_credentials")]).await;
        app.db(|c| diesel::connection::SimpleConnection::batch_execute(c, "UPDATE sso_tokens SET expires_at = '2000-01-01 00:00:00'").unwrap()).await;
        let introspected: Value = reqwest::Client::new().post(app.url("/oauth2/introspect")).basic_auth(&s.client_id, Some(&s.secret))
            .form(&[("token", machine["access_token"].as_str().unwrap())]).send().await.unwrap().json().await.unwrap();
        assert_eq!(introspected, json!({"active": false}));
    }
}

fn forge(header: &str, payload: &Value, signature: &str) -> String {
    use base64::Engine;
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    format!(
        "{}.{}.{}",
        b64(header.as_bytes()),
        b64(payload.to_string().as_bytes()),
        signature
    )
}

both! {
    async fn logout_returns_only_where_a_genuine_hint_allows(app) {
        let s = setup(&app).await;
        let browser = app.browser();
        app.sign_in(&browser, "siti").await;
        let url = authorize_url(&app, &s.client_id, &s.redirect, &format!("&code_challenge={CHALLENGE}&code_challenge_method=S256"));
        let code = location_params(&browser.get(url).send().await.unwrap()).1["code"].clone();
        let (_, tokens, _) = token_call(&app, Some((&s.client_id, &s.secret)), &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", &s.redirect), ("code_verifier", VERIFIER)]).await;
        let genuine = tokens["id_token"].as_str().unwrap().to_owned();
        let parts: Vec<&str> = genuine.split('.').collect();
        let claims = json!({"iss": app.base, "aud": s.client_id, "sub": "x", "exp": 9_999_999_999_i64});
        let kid: Value = {
            use base64::Engine;
            serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap()
        };
        let none = forge(&json!({"alg": "none", "kid": kid["kid"]}).to_string(), &claims, "");
        let tampered = format!("{}.{}.{}", parts[0], forge("{}", &claims, "").split('.').nth(1).unwrap(), parts[2]);
        let logout = |hint: &str, target: &str| {
            let url = reqwest::Url::parse_with_params(&app.url("/oauth2/logout"), &[("id_token_hint", hint), ("post_logout_redirect_uri", target)]).unwrap();
            browser.get(url).send()
        };
        for forged in [&none, &tampered] {
            let resp = logout(forged, &s.post_logout).await.unwrap();
            assert_eq!(resp.status(), 400, "a forged hint earns no redirect");
        }
        let resp = logout(&genuine, "https://evil.example/").await.unwrap();
        assert_eq!(resp.status(), 400, "only a registered post-logout URI");
        let resp = logout(&genuine, &s.post_logout).await.unwrap();
        assert_eq!(resp.headers()["location"], s.post_logout.as_str());
    }
}

both! {
    async fn rotated_keys_stay_published_until_their_tokens_expire(app) {
        let before: Value = reqwest::get(app.url("/oauth2/jwks")).await.unwrap().json().await.unwrap();
        assert_eq!(before["keys"].as_array().unwrap().len(), 2);
        let algs: Vec<&str> = before["keys"].as_array().unwrap().iter().map(|k| k["alg"].as_str().unwrap()).collect();
        assert!(algs.contains(&"RS256") && algs.contains(&"ES256"));
        assert!(before["keys"][0].get("d").is_none(), "no private parts are published");
        app.db(|c| write_tx(c, sso::keys::rotate).unwrap()).await;
        let after: Value = reqwest::get(app.url("/oauth2/jwks")).await.unwrap().json().await.unwrap();
        assert_eq!(after["keys"].as_array().unwrap().len(), 4);
        app.db(|c| diesel::connection::SimpleConnection::batch_execute(c, "UPDATE sso_keys SET expires_at = '2000-01-01 00:00:00' WHERE retired_at IS NOT NULL").unwrap()).await;
        let later: Value = reqwest::get(app.url("/oauth2/jwks")).await.unwrap().json().await.unwrap();
        assert_eq!(later["keys"].as_array().unwrap().len(), 2);
        let doc: Value = reqwest::get(app.url("/.well-known/openid-configuration")).await.unwrap().json().await.unwrap();
        assert_eq!(doc["code_challenge_methods_supported"], json!(["S256"]));
        assert_eq!(doc["jwks_uri"], app.url("/oauth2/jwks"));
    }
}

both! {
    async fn the_dinas_manages_clients_through_api_and_pages(app) {
        let other = setup(&app).await;
        let a = app.agency("DISKOMINFO").await;
        let admin = app.token("admin.two", Role::DinasAdmin, None).await;
        let op = app.token("op.bkpsdm", Role::AgencyOperator, Some(a)).await;
        let body = json!({"name": "SIMPEG", "redirect_uris": ["https://simpeg.sukamajukab.go.id/cb"], "owner_agency_id": a.to_string()});
        assert_eq!(api(Method::POST, app.url("/api/v1/sso/clients"), Some(&op), Some(body.clone())).await.0, 403);
        assert_eq!(api(Method::GET, app.url("/api/v1/sso/clients"), Some(&op), None).await.0, 403);
        let bad = json!({"name": "X", "redirect_uris": ["http://simpeg.sukamajukab.go.id/cb", "not a url"]});
        let (s, e) = api(Method::POST, app.url("/api/v1/sso/clients"), Some(&admin), Some(bad)).await;
        assert_eq!(s, 422);
        assert_eq!(e["error"]["details"].as_array().unwrap().len(), 2, "{e}");
        let (s, created) = api(Method::POST, app.url("/api/v1/sso/clients"), Some(&admin), Some(body)).await;
        assert_eq!(s, 201, "{created}");
        let (id, secret) = (created["client_id"].as_str().unwrap().to_owned(), created["client_secret"].as_str().unwrap().to_owned());
        let grant = [("grant_type", "client_credentials")];
        let (st, machine, _) = token_call(&app, Some((&id, &secret)), &grant).await;
        assert_eq!(st, 200);
        // A new secret: the old one stops working.
        let (s, rotated) = api(Method::POST, app.url(&format!("/api/v1/sso/clients/{id}/secret")), Some(&admin), None).await;
        assert_eq!(s, 200);
        let fresh = rotated["client_secret"].as_str().unwrap().to_owned();
        assert_eq!(token_call(&app, Some((&id, &secret)), &grant).await.0, 401);
        assert_eq!(token_call(&app, Some((&id, &fresh)), &grant).await.0, 200);
        // Disabled: no grants, and its tokens stop.
        assert_eq!(api(Method::POST, app.url(&format!("/api/v1/sso/clients/{id}/disable")), Some(&admin), None).await.0, 200);
        assert_eq!(token_call(&app, Some((&id, &fresh)), &grant).await.0, 401);
        let seen: Value = reqwest::Client::new().post(app.url("/oauth2/introspect")).basic_auth(&other.client_id, Some(&other.secret))
            .form(&[("token", machine["access_token"].as_str().unwrap())]).send().await.unwrap().json().await.unwrap();
        assert_eq!(seen["active"], false);
        assert_eq!(api(Method::POST, app.url("/api/v1/sso/clients/nope/disable"), Some(&admin), None).await.0, 404);
        // The page registers a client and shows its secret once.
        app.account("admin.web", Role::DinasAdmin, None).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "admin.web").await;
        let form = [("_csrf", csrf.as_str()), ("name", "E-Kinerja"), ("redirect_uris", "https://ekinerja.sukamajukab.go.id/cb\n"), ("post_logout_redirect_uris", ""), ("owner_agency_id", "")];
        let html = browser.post(app.url("/sso/clients")).form(&form).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("client_secret: <code"), "the secret is shown once");
        let list = browser.get(app.url("/sso/clients")).send().await.unwrap().text().await.unwrap();
        assert!(list.contains("E-Kinerja") && !list.contains("client_secret"));
        let bad = [("_csrf", csrf.as_str()), ("name", ""), ("redirect_uris", "ftp://x"), ("post_logout_redirect_uris", ""), ("owner_agency_id", "")];
        let resp = browser.post(app.url("/sso/clients")).form(&bad).send().await.unwrap();
        assert_eq!(resp.status(), 422);
    }
}

both! {
    async fn a_person_ends_their_own_sessions_and_disconnects_applications(app) {
        let s = setup(&app).await;
        let (here, there) = (app.browser(), app.browser());
        let csrf = app.sign_in(&here, "siti").await;
        app.sign_in(&there, "siti").await;
        let url = authorize_url(&app, &s.client_id, &s.redirect, &format!("&code_challenge={CHALLENGE}&code_challenge_method=S256"));
        let code = location_params(&here.get(url).send().await.unwrap()).1["code"].clone();
        let (_, tokens, _) = token_call(&app, Some((&s.client_id, &s.secret)), &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", &s.redirect), ("code_verifier", VERIFIER)]).await;
        let access = tokens["access_token"].as_str().unwrap().to_owned();
        // Two sessions listed; the other one can be ended from here.
        let page = here.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
        let others: Vec<&str> = page.split("name=\"session\" value=\"").skip(1).map(|r| r.split('"').next().unwrap()).collect();
        assert_eq!(others.len(), 1, "this session is marked, the other can be ended");
        let resp = here.post(app.url("/account/sessions/end")).form(&[("_csrf", csrf.as_str()), ("session", others[0])]).send().await.unwrap();
        assert_eq!(resp.status(), 303);
        assert_eq!(there.get(app.url("/api/v1/me")).send().await.unwrap().status(), 401);
        assert_eq!(here.get(app.url("/api/v1/me")).send().await.unwrap().status(), 200);
        // Someone else's session id is not found (and nothing ends).
        let resp = here.post(app.url("/account/sessions/end")).form(&[("_csrf", csrf.as_str()), ("session", "not-mine")]).send().await.unwrap();
        assert_eq!(resp.status(), 404);
        // The application is listed and can be disconnected.
        let apps = here.get(app.url("/account/applications")).send().await.unwrap().text().await.unwrap();
        assert!(apps.contains("SIMPEG"));
        let info = || reqwest::Client::new().get(app.url("/oauth2/userinfo")).bearer_auth(&access).send();
        assert_eq!(info().await.unwrap().status(), 200);
        let resp = here.post(app.url("/account/applications/disconnect")).form(&[("_csrf", csrf.as_str()), ("client_id", s.client_id.as_str())]).send().await.unwrap();
        assert_eq!(resp.status(), 303);
        assert_eq!(info().await.unwrap().status(), 401);
        assert!(!here.get(app.url("/account/applications")).send().await.unwrap().text().await.unwrap().contains("SIMPEG"));
        let actions = app.db(|c| kernel::audit::list(c, &Default::default(), 100, 0).unwrap().0.into_iter().map(|e| e.action).collect::<Vec<_>>()).await;
        assert!(actions.contains(&"auth.session_end".to_owned()) && actions.contains(&"sso.token_revoke".to_owned()));
    }
}
