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
            client_id: c1.id.to_string(),
            secret: secret.unwrap(),
            public_id: c2.id.to_string(),
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
        let mut rp = relying_party(&app, &s, "python3", concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rp/authlib_flows.py"));
        rp.env("AUTHLIB_INSECURE_TRANSPORT", "1").env("EXPECT_USERNAME", NIP).env("EXPECT_AGENCY", "BKPSDM");
        run_relying_party(rp, "authlib: every flow passed", "python3 with authlib and requests (pip install authlib requests; .ci/run does)").await;
    }
}

both! {
    async fn openid_client_signs_in_refreshes_and_signs_out_on_both_channels(app) {
        let s = setup(&app).await;
        // Where the application listens for logout tokens: a free port the script binds.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let (id, uri) = (s.client_id.clone(), format!("http://127.0.0.1:{port}/backchannel-logout"));
        app.db(move |c| write_tx(c, |tx| sso::service::set_backchannel_logout(tx, &Actor::system("test"), &id, Some(&uri))).unwrap()).await;
        // Siti turns on a second factor; the script signs in with it.
        let browser = app.browser();
        app.sign_in(&browser, "siti").await;
        let (totp, _, _) = enrol(&app, &browser, "/account").await;
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rp/openid_client");
        assert!(
            std::path::Path::new(dir).join("node_modules/openid-client").exists(),
            "openid-client is not installed: run `npm ci` in {dir} (.ci/run does)"
        );
        let mut rp = relying_party(&app, &s, "node", &format!("{dir}/flows.mjs"));
        rp.env("BACKCHANNEL_PORT", port.to_string())
            .env("TOTP_SECRET", totp)
            .env("EXPECT_ROLE", "agency-operator@BKPSDM")
            .env("EXPECT_AGENCY", "BKPSDM");
        run_relying_party(rp, "openid-client: every flow passed", "node (Debian's nodejs; .ci/run installs it)").await;
    }
}

/// A relying-party script run by `program`, told where the provider is, the clients of
/// [`setup`] and who signs in.
fn relying_party(app: &TestApp, s: &Setup, program: &str, script: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.arg(script)
        .env("BASE", &app.base)
        .env("CLIENT_ID", &s.client_id)
        .env("CLIENT_SECRET", &s.secret)
        .env("PUBLIC_CLIENT_ID", &s.public_id)
        .env("REDIRECT_URI", &s.redirect)
        .env("POST_LOGOUT_URI", &s.post_logout)
        .env("LOGIN", "siti")
        .env("PASSWORD", PASSWORD);
    cmd
}

/// Runs a relying-party script to its end (on a blocking thread: the provider it talks to runs
/// on this runtime) and checks that it says every flow passed.
async fn run_relying_party(mut cmd: Command, passed: &str, needs: &'static str) {
    let out = tokio::task::spawn_blocking(move || cmd.output().expect(needs))
        .await
        .unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{log}");
    assert!(log.contains(passed), "{log}");
    println!("{log}");
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
        app.db(move |c| kernel::state::write_tx(c, |tx| sso::service::set_client_disabled(tx, &kernel::audit::Actor::system("test"), &id, true)).unwrap()).await;
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
        let introspect = |token: String| {
            let (id, secret) = (s.client_id.clone(), s.secret.clone());
            let url = app.url("/oauth2/introspect");
            async move {
                reqwest::Client::new().post(url).basic_auth(id, Some(secret)).form(&[("token", token)])
                    .send().await.unwrap().json::<Value>().await.unwrap()
            }
        };
        // Client-credentials tokens carry their own expiry and proof; a revoked one is inactive.
        let (_, machine, _) = token_call(&app, auth, &[("grant_type", "client_credentials")]).await;
        let live = machine["access_token"].as_str().unwrap().to_owned();
        assert!(live.starts_with(sso::stateless::PREFIX));
        let desc = introspect(live.clone()).await;
        assert_eq!((desc["active"].as_bool(), desc["client_id"].as_str()), (Some(true), Some(s.client_id.as_str())));
        let key = app.db(|c| sso::service::secret_key(c).unwrap()).await;
        let old = sso::stateless::ClientToken::new(&s.client_id, "", 946_684_800, 3600);
        assert_eq!(introspect(sso::stateless::mint(&key, &old).unwrap()).await, json!({"active": false}), "expired");
        let forged = sso::stateless::mint("not the key", &sso::stateless::ClientToken::new(&s.client_id, "", chrono::Utc::now().timestamp(), 3600)).unwrap();
        assert_eq!(introspect(forged).await, json!({"active": false}), "forged");
        let resp = reqwest::Client::new().post(app.url("/oauth2/revoke")).basic_auth(&s.client_id, Some(&s.secret)).form(&[("token", live.as_str())]).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(introspect(live.clone()).await, json!({"active": false}), "revoked");
        let resp = reqwest::Client::new().get(app.url("/oauth2/userinfo")).bearer_auth(&live).send().await.unwrap();
        assert_eq!(resp.status(), 401, "no person behind it");
        // An expired stored access token.
        app.sign_in(&browser, "siti").await;
        let url = authorize_url(&app, &s.client_id, &s.redirect, &format!("&code_challenge={CHALLENGE}&code_challenge_method=S256"));
        let code = location_params(&browser.get(url).send().await.unwrap()).1["code"].clone();
        let (_, tokens, _) = token_call(&app, auth, &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", &s.redirect), ("code_verifier", VERIFIER)]).await;
        let fresh = tokens["access_token"].as_str().unwrap().to_owned();
        app.db(|c| diesel::connection::SimpleConnection::batch_execute(c, "UPDATE sso_tokens SET expires_at = '2000-01-01 00:00:00'").unwrap()).await;
        assert_eq!(introspect(fresh.clone()).await, json!({"active": false}));
        let resp = reqwest::Client::new().get(app.url("/oauth2/userinfo")).bearer_auth(&fresh).send().await.unwrap();
        assert_eq!(resp.status(), 401);
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
        // No hint, or a forged one: the person is asked, and stays signed in until they answer.
        for forged in ["", &none, &tampered] {
            let resp = logout(forged, &s.post_logout).await.unwrap();
            assert_eq!(resp.status(), 200, "a forged hint earns no redirect");
            assert!(resp.text().await.unwrap().contains("Keluar dari Simpul?"));
            let account = browser.get(app.url("/account")).send().await.unwrap();
            assert_eq!(account.status(), 200, "still signed in");
        }
        let resp = logout(&genuine, "https://evil.example/").await.unwrap();
        assert_eq!(resp.status(), 400, "only a registered post-logout URI");
        // By POST (RP-Initiated Logout §2), as a form on the application's page would send it:
        // the same request by GET, which the browser follows with its session.
        let resp = browser.post(app.url("/oauth2/logout"))
            .form(&[("id_token_hint", genuine.as_str()), ("post_logout_redirect_uri", s.post_logout.as_str()), ("state", "bye")])
            .send().await.unwrap();
        assert_eq!(resp.status(), 303);
        let to = resp.headers()["location"].to_str().unwrap().to_owned();
        assert!(to.starts_with("/oauth2/logout?id_token_hint="), "{to}");
        let resp = browser.get(app.url(&to)).send().await.unwrap();
        assert_eq!(resp.headers()["location"], format!("{}?state=bye", s.post_logout).as_str());
        let account = browser.get(app.url("/account")).send().await.unwrap();
        assert_eq!(account.status(), 303, "signed out");
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

/// The text between `start` and the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    html.split_once(start)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(v, _)| v)
        .unwrap_or_default()
}

/// The current code of an authenticator, `ahead` steps into the future (one step of drift is
/// accepted, and each step only once).
fn totp_now(secret: &str, ahead: i64) -> String {
    let step = sso::mfa::step_at(chrono::Utc::now().timestamp());
    sso::mfa::code_at_step(secret, step + ahead).unwrap()
}

/// Sets up an authenticator; returns its secret, the recovery codes and the code that
/// confirmed it (already used: tests must not recompute it from the clock).
async fn enrol(
    app: &TestApp,
    browser: &reqwest::Client,
    next: &str,
) -> (String, Vec<String>, String) {
    let page = browser
        .get(app.url(&format!(
            "/account/two-factor?next={}",
            form_urlencoded_encode(next)
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<svg"), "a QR code drawn on the server");
    let secret: String = between(
        &page,
        "<p>Tidak bisa memindai? Ketik kunci ini: <code class=\"wrap-any\">",
        "</code>",
    )
    .replace(' ', "");
    assert_eq!(secret.len(), 32, "{page}");
    let csrf = test_support::csrf_of(&page);
    let code = totp_now(&secret, 0);
    let near: Vec<String> = (-2..=2).map(|k| totp_now(&secret, k)).collect();
    let wrong = (1..10u32)
        .map(|k| format!("{:06}", (code.parse::<u32>().unwrap() + k) % 1_000_000))
        .find(|c| !near.contains(c))
        .unwrap();
    let resp = browser
        .post(app.url("/account/two-factor/confirm"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("code", wrong.as_str()),
            ("next", next),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        422,
        "a wrong first code does not switch it on"
    );
    let resp = browser
        .post(app.url("/account/two-factor/confirm"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("code", code.as_str()),
            ("next", next),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let page = resp.text().await.unwrap();
    let codes: Vec<String> = page
        .split("<li><code>")
        .skip(1)
        .map(|r| r.split('<').next().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10, "{page}");
    (secret, codes, code)
}

/// Password step of a sign-in in a fresh browser; returns the browser and where it was sent.
async fn password_step(app: &TestApp, login: &str, next: &str) -> (reqwest::Client, String) {
    let browser = app.browser();
    let resp = app.sign_in_attempt(&browser, login, PASSWORD, next).await;
    assert_eq!(resp.status(), 303);
    let to = resp.headers()["location"].to_str().unwrap().to_owned();
    (browser, to)
}

/// Submits a second-factor code for a pending sign-in.
async fn code_step(app: &TestApp, browser: &reqwest::Client, code: &str) -> reqwest::Response {
    let page = browser
        .get(app.url("/sign-in/two-factor?next=/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = test_support::csrf_of(&page);
    browser
        .post(app.url("/sign-in/two-factor"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("code", code),
            ("next", "/account"),
        ])
        .send()
        .await
        .unwrap()
}

both! {
    async fn a_second_factor_is_enrolled_asked_at_sign_in_and_recovered(app) {
        setup(&app).await;
        let browser = app.browser();
        app.sign_in(&browser, "siti").await;
        let (secret, codes, used) = enrol(&app, &browser, "").await;
        let page = browser.get(app.url("/account/two-factor")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Tersisa 10 kode pemulihan"), "{page}");
        // A right password now leads to the second step, not to a session.
        let (b, to) = password_step(&app, "siti", "/account").await;
        assert!(to.starts_with("/sign-in/two-factor"), "{to}");
        assert_eq!(b.get(app.url("/api/v1/me")).send().await.unwrap().status(), 401, "no session yet");
        // The code used at enrolment cannot be used again; the next one can.
        let resp = code_step(&app, &b, &used).await;
        assert_eq!(resp.status(), 422);
        let resp = code_step(&app, &b, &totp_now(&secret, 1)).await;
        assert_eq!(resp.status(), 303);
        assert_eq!(resp.headers()["location"], "/account");
        assert_eq!(b.get(app.url("/api/v1/me")).send().await.unwrap().status(), 200);
        // A recovery code works once.
        let (b2, _) = password_step(&app, "siti", "/account").await;
        assert_eq!(code_step(&app, &b2, &codes[0].to_uppercase()).await.status(), 303);
        let (b3, _) = password_step(&app, "siti", "/account").await;
        assert_eq!(code_step(&app, &b3, &codes[0]).await.status(), 422, "a used recovery code");
        // Five wrong codes (the used recovery code was the first) end the pending sign-in and
        // count against the account.
        for _ in 0..3 {
            assert_eq!(code_step(&app, &b3, "000000").await.status(), 422);
        }
        let resp = code_step(&app, &b3, "000000").await;
        assert_eq!(resp.status(), 401);
        assert!(resp.text().await.unwrap().contains("Nama pengguna atau kata sandi"));
        let again = b3.get(app.url("/sign-in/two-factor")).send().await.unwrap();
        assert_eq!(again.status(), 303, "the pending sign-in is gone");
        // The person sees all of it in their history.
        let history = b.get(app.url("/account/sign-ins")).send().await.unwrap().text().await.unwrap();
        for needle in ["Verifikasi dua langkah diaktifkan", "Kata sandi dan kode autentikator", "Kata sandi dan kode pemulihan", "Gagal masuk", "Pada langkah kedua (kode)"] {
            assert!(history.contains(needle), "{needle} in {history}");
        }
        // Turning it off needs a code; then the password alone signs in again.
        let page = b.get(app.url("/account/two-factor")).send().await.unwrap().text().await.unwrap();
        let csrf = test_support::csrf_of(&page);
        let resp = b.post(app.url("/account/two-factor/disable")).form(&[("_csrf", csrf.as_str()), ("code", "123456")]).send().await.unwrap();
        assert_eq!(resp.status(), 422);
        let resp = b.post(app.url("/account/two-factor/disable")).form(&[("_csrf", csrf.as_str()), ("code", codes[1].as_str())]).send().await.unwrap();
        assert_eq!(resp.status(), 303);
        let (_, to) = password_step(&app, "siti", "/account").await;
        assert_eq!(to, "/account");
        let actions = app.db(|c| kernel::audit::list(c, &Default::default(), 200, 0).unwrap().0.into_iter().map(|e| e.action).collect::<Vec<_>>()).await;
        for a in ["mfa.enrol", "mfa.disable", "auth.sign_in_failed"] {
            assert!(actions.contains(&a.to_owned()), "{a}");
        }
    }
}

/// The claims of a JWT, unverified (the Authlib test verifies signatures).
fn claims(jwt: &str) -> Value {
    use base64::Engine;
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

both! {
    async fn strict_applications_and_roles_require_a_second_factor(app) {
        let s = setup(&app).await;
        let admin = app.token("admin2", Role::DinasAdmin, None).await;
        let body = json!({"name": "SIMDA Keuangan", "redirect_uris": [s.redirect], "security_level": "tinggi"});
        let (st, strict) = api(Method::POST, app.url("/api/v1/sso/clients"), Some(&admin), Some(body)).await;
        assert_eq!((st, strict["security_level"].as_str()), (201, Some("tinggi")));
        let bad = json!({"name": "X", "redirect_uris": [s.redirect], "security_level": "sangat"});
        let (st, e) = api(Method::POST, app.url("/api/v1/sso/clients"), Some(&admin), Some(bad)).await;
        assert_eq!((st, e["error"]["field"].as_str()), (422, Some("security_level")));
        let (id, secret) = (strict["client_id"].as_str().unwrap(), strict["client_secret"].as_str().unwrap());
        let browser = app.browser();
        app.sign_in(&browser, "siti").await;
        let pkce = format!("&code_challenge={CHALLENGE}&code_challenge_method=S256");
        let url = authorize_url(&app, id, &s.redirect, &pkce);
        // Silent requests cannot step up; interactive ones go to the second factor first.
        let (_, q) = location_params(&browser.get(format!("{url}&prompt=none")).send().await.unwrap());
        assert_eq!(q["error"], "interaction_required");
        let (loc, _) = location_params(&browser.get(&url).send().await.unwrap());
        assert!(loc.starts_with("/account/two-factor/verify?next="), "{loc}");
        let (loc, _) = location_params(&browser.get(app.url(&loc)).send().await.unwrap());
        assert!(loc.starts_with("/account/two-factor?next="), "not enrolled yet: {loc}");
        let next = format!("/oauth2/authorize?{}", reqwest::Url::parse(&url).unwrap().query().unwrap());
        enrol(&app, &browser, &next).await;
        // The same session has now passed the second factor: the code comes, and the ID token says so.
        let (_, q) = location_params(&browser.get(&url).send().await.unwrap());
        let (st, tokens, _) = token_call(&app, Some((id, secret)), &[("grant_type", "authorization_code"), ("code", &q["code"]), ("redirect_uri", &s.redirect), ("code_verifier", VERIFIER)]).await;
        assert_eq!(st, 200, "{tokens}");
        let amr = claims(tokens["id_token"].as_str().unwrap())["amr"].clone();
        assert!(amr.as_array().unwrap().contains(&json!("otp")), "{amr}");
        // A refresh keeps how and when the person signed in (OIDC Core 12.2): a `Require claim
        // amr:mfa` rule keeps letting them in.
        let first = claims(tokens["id_token"].as_str().unwrap());
        let (st, again, _) = token_call(&app, Some((id, secret)), &[("grant_type", "refresh_token"), ("refresh_token", tokens["refresh_token"].as_str().unwrap())]).await;
        assert_eq!(st, 200, "{again}");
        let renewed = claims(again["id_token"].as_str().unwrap());
        assert_eq!((&renewed["amr"], &renewed["auth_time"]), (&first["amr"], &first["auth_time"]), "{renewed}");
        assert_eq!(renewed["acr"], "urn:simpul:loa:2");
        // An ordinary client's ID token from a password-only session says pwd.
        let (b2, to) = password_step(&app, "siti", "/account").await;
        assert!(to.starts_with("/sign-in/two-factor"));
        let _ = b2;
        // A role the Dinas marks as requiring a second factor: enrolment during sign-in.
        let admin_browser = app.browser();
        app.account("kominfo", Role::DinasAdmin, None).await;
        let csrf = app.sign_in(&admin_browser, "kominfo").await;
        let resp = admin_browser.post(app.url("/sso/policy")).body(format!("_csrf={csrf}&role=auditor")).header("content-type", "application/x-www-form-urlencoded").send().await.unwrap();
        assert_eq!(resp.status(), 303);
        let resp = admin_browser.post(app.url("/sso/policy")).body(format!("_csrf={csrf}&role=nobody")).header("content-type", "application/x-www-form-urlencoded").send().await.unwrap();
        assert_eq!(resp.status(), 400, "unknown roles are refused");
        let policy = admin_browser.get(app.url("/sso/policy")).send().await.unwrap().text().await.unwrap();
        assert!(policy.contains("value=\"auditor\" checked"), "{policy}");
        app.account("inspektur", Role::Auditor, None).await;
        let (b3, to) = password_step(&app, "inspektur", "/audit").await;
        assert!(to.starts_with("/sign-in/two-factor"), "{to}");
        assert_eq!(b3.get(app.url("/api/v1/me")).send().await.unwrap().status(), 401);
        let page = b3.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("<svg") && page.contains("wajib memakai verifikasi dua langkah"), "{page}");
        let secret3 = between(&page, "<p>Tidak bisa memindai? Ketik kunci ini: <code class=\"wrap-any\">", "</code>").replace(' ', "");
        let csrf3 = test_support::csrf_of(&page);
        let resp = b3.post(app.url("/sign-in/two-factor")).form(&[("_csrf", csrf3.as_str()), ("code", totp_now(&secret3, 0).as_str()), ("next", "/audit")]).send().await.unwrap();
        assert_eq!(resp.status(), 200, "recovery codes are shown");
        assert!(resp.text().await.unwrap().contains("href=\"/audit\""));
        assert_eq!(b3.get(app.url("/api/v1/me")).send().await.unwrap().status(), 200);
        let page = b3.get(app.url("/account/two-factor")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Peran Anda mewajibkan"), "cannot be switched off");
        let csrf = test_support::csrf_of(&page);
        let resp = b3.post(app.url("/account/two-factor/disable")).form(&[("_csrf", csrf.as_str()), ("code", "123456")]).send().await.unwrap();
        assert_eq!(resp.status(), 409);
    }
}

both! {
    async fn outside_applications_ask_consent_and_reauthentication_is_honoured(app) {
        let s = setup(&app).await;
        let (partner, secret) = app.db(|c| {
            let d = ClientDraft { name: "Bank Mitra".into(), redirect_uris: vec!["http://127.0.0.1:9/callback".into()], external: true, ..Default::default() };
            let (row, secret) = write_tx(c, |tx| register_client(tx, &Actor::system("test"), &d)).unwrap();
            (row.id, secret.unwrap())
        }).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "siti").await;
        let url = authorize_url(&app, &partner, &s.redirect, "");
        let resp = browser.get(&url).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        let page = resp.text().await.unwrap();
        assert!(page.contains("Bank Mitra") && page.contains("nama dan NIP Anda"), "{page}");
        let query = reqwest::Url::parse(&url).unwrap().query().unwrap().to_owned();
        // Without the anti-forgery token nothing is recorded.
        let resp = browser.post(app.url("/consent")).form(&[("query", query.as_str()), ("decision", "allow")]).send().await.unwrap();
        assert_eq!(resp.status(), 403);
        let resp = browser.post(app.url("/consent")).form(&[("_csrf", csrf.as_str()), ("query", query.as_str()), ("decision", "deny")]).send().await.unwrap();
        let (_, q) = location_params(&resp);
        assert_eq!((q["error"].as_str(), q["state"].as_str()), ("access_denied", "s1"));
        let resp = browser.post(app.url("/consent")).form(&[("_csrf", csrf.as_str()), ("query", query.as_str()), ("decision", "allow")]).send().await.unwrap();
        let (loc, _) = location_params(&resp);
        assert!(loc.starts_with("/oauth2/authorize?"));
        let (_, q) = location_params(&browser.get(app.url(&loc)).send().await.unwrap());
        assert!(q.contains_key("code"));
        // Asked once: the next request goes straight through; silent ones too.
        let (_, q) = location_params(&browser.get(format!("{url}&prompt=none")).send().await.unwrap());
        assert!(q.contains_key("code"), "{q:?}");
        let (st, _, _) = token_call(&app, Some((&partner, &secret)), &[("grant_type", "authorization_code"), ("code", &q["code"]), ("redirect_uri", &s.redirect)]).await;
        assert_eq!(st, 200);
        // Acting in Simpul for the person is a scope of its own: once the Dinas registers the
        // partner for it, the consent page asks again and says so.
        let id = partner.to_string();
        app.db(move |c| {
            write_tx(c, |tx| sso::service::set_client_assurance(tx, &Actor::system("test"), &id, "rendah", true, true)).unwrap();
        })
        .await;
        let with_api = url.replace("scope=openid%20profile", "scope=openid%20profile%20simpul.api");
        let page = browser.get(&with_api).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("bertindak atas nama Anda di Simpul"), "{page}");
        // Disconnecting withdraws the consent.
        let resp = browser.post(app.url("/account/applications/disconnect")).form(&[("_csrf", csrf.as_str()), ("client_id", partner.as_str())]).send().await.unwrap();
        assert_eq!(resp.status(), 303);
        let (_, q) = location_params(&browser.get(format!("{url}&prompt=none")).send().await.unwrap());
        assert_eq!(q["error"], "consent_required");
        // prompt=login and max_age=0 send the person to enter their password again, then back
        // to the request without them (no loop).
        for extra in ["&prompt=login", "&max_age=0"] {
            let u = authorize_url(&app, &s.client_id, &s.redirect, extra);
            let (loc, _) = location_params(&browser.get(&u).send().await.unwrap());
            assert!(loc.starts_with("/sign-in?reauth=1&next="), "{loc}");
            let page = browser.get(app.url(&loc)).send().await.unwrap().text().await.unwrap();
            assert!(page.contains("name=\"reauth\""), "the form is shown although signed in");
            let next = between(&page, "name=\"next\" value=\"", "\"").replace("&amp;", "&");
            assert!(!next.contains("prompt=login") && !next.contains("max_age"), "{next}");
        }
        let (_, q) = location_params(&browser.get(authorize_url(&app, &s.client_id, &s.redirect, "&max_age=x")).send().await.unwrap());
        assert_eq!(q["error"], "invalid_request");
    }
}

both! {
    async fn guessing_is_slowed_down_per_client_behind_the_proxy_on_every_instance(app) {
        let s = setup(&app).await;
        // Two people behind the trusted reverse proxy (the test client), and a second instance
        // on the same database behind the same load balancer.
        let other = app.another().await;
        let (guesser, bystander) = ("203.0.113.7", "203.0.113.8");
        let token = |app: &TestApp, from: &str, secret: &str| {
            let req = reqwest::Client::new().post(app.url("/oauth2/token")).header("x-forwarded-for", from)
                .basic_auth(&s.client_id, Some(secret)).form(&[("grant_type", "client_credentials")]);
            async move { req.send().await.unwrap().status().as_u16() }
        };
        for i in 0..20 {
            let instance = if i % 2 == 0 { &app } else { &other };
            assert_eq!(token(instance, guesser, "guess").await, 401);
        }
        assert_eq!(token(&app, guesser, &s.secret).await, 429, "even the right secret waits");
        assert_eq!(token(&other, guesser, &s.secret).await, 429, "on every instance");
        assert_eq!(token(&app, bystander, &s.secret).await, 200, "the application's other callers are not blocked");
        let (st, e, _) = token_call(&app, Some((&s.client_id, "guess")), &[("grant_type", "client_credentials")]).await;
        assert_eq!((st, e["error"].as_str()), (401, Some("invalid_client")), "nor its server calling without the header");
        let browser = app.browser();
        let page = browser.get(app.url("/sign-in")).send().await.unwrap().text().await.unwrap();
        let csrf = test_support::csrf_of(&page);
        let sign_in = |app: &TestApp, from: &str, login: &str, password: &str| {
            let req = browser.post(app.url("/sign-in")).header("x-forwarded-for", from)
                .form(&[("_csrf", csrf.as_str()), ("login", login), ("password", password)]);
            async move { req.send().await.unwrap() }
        };
        for i in 0..30 {
            let instance = if i % 2 == 0 { &app } else { &other };
            assert_eq!(sign_in(instance, guesser, &format!("nobody{i}"), "wrong-password").await.status(), 401);
        }
        let resp = sign_in(&other, guesser, "siti", PASSWORD).await;
        assert_eq!(resp.status(), 429);
        assert!(resp.text().await.unwrap().contains("Terlalu banyak percobaan"));
        // Someone else behind the same proxy signs in as usual.
        assert_eq!(sign_in(&app, bystander, "siti", PASSWORD).await.status(), 303);
    }
}

both! {
    async fn the_dinas_resets_a_lost_second_factor(app) {
        setup(&app).await;
        let browser = app.browser();
        app.sign_in(&browser, "siti").await;
        enrol(&app, &browser, "").await;
        let (_, to) = password_step(&app, "siti", "/account").await;
        assert!(to.starts_with("/sign-in/two-factor"));
        let id = app.db(|c| accounts::find_user(c, "siti").unwrap().unwrap().id).await;
        let url = app.url(&format!("/api/v1/users/{id}/two-factor/reset"));
        let agency = app.agency("DISDIK").await;
        let operator = app.token("operator", Role::AgencyOperator, Some(agency)).await;
        assert_eq!(api(Method::POST, url.clone(), Some(&operator), None).await.0, 403);
        let admin = app.token("admin2", Role::DinasAdmin, None).await;
        let (st, body) = api(Method::POST, url.clone(), Some(&admin), None).await;
        assert_eq!((st, body["removed"].as_bool()), (200, Some(true)));
        let (st, _) = api(Method::POST, app.url("/api/v1/users/not-an-id/two-factor/reset"), Some(&admin), None).await;
        assert_eq!(st, 404);
        let (_, to) = password_step(&app, "siti", "/account").await;
        assert_eq!(to, "/account", "the password alone signs in again");
        let (_, events) = api(Method::GET, app.url("/api/v1/audit-events?action=mfa.reset"), Some(&admin), None).await;
        assert_eq!(events["items"].as_array().map(Vec::len), Some(1), "{events}");
    }
}

/// Signs `browser`'s person in to the confidential client with `scope`; returns the token
/// response.
async fn code_flow(app: &TestApp, browser: &reqwest::Client, s: &Setup, scope: &str) -> Value {
    let url = app.url(&format!(
        "/oauth2/authorize?response_type=code&client_id={}&redirect_uri={}&scope={}&state=s1&code_challenge={CHALLENGE}&code_challenge_method=S256",
        s.client_id,
        form_urlencoded_encode(&s.redirect),
        form_urlencoded_encode(scope)
    ));
    let code = location_params(&browser.get(url).send().await.unwrap()).1["code"].clone();
    let auth = Some((s.client_id.as_str(), s.secret.as_str()));
    let form = [
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", &s.redirect),
        ("code_verifier", VERIFIER),
    ];
    let (st, tokens, _) = token_call(app, auth, &form).await;
    assert_eq!(st, 200, "{tokens}");
    tokens
}

/// `GET /api/v1/me` with a bearer token.
async fn me(app: &TestApp, token: &str) -> (u16, Value) {
    api(Method::GET, app.url("/api/v1/me"), Some(token), None).await
}

/// Lets the setup's confidential client ask for `simpul.api`, or withdraws it.
async fn api_access(app: &TestApp, client: &str, allowed: bool) {
    let client = client.to_owned();
    app.db(move |c| {
        write_tx(c, |tx| {
            sso::service::set_client_assurance(
                tx,
                &Actor::system("test"),
                &client,
                "rendah",
                false,
                allowed,
            )
        })
        .unwrap();
    })
    .await;
}

both! {
    async fn only_applications_registered_for_the_api_call_it_with_a_persons_token(app) {
        let s = setup(&app).await;
        let admin = app.token("dinas", Role::DinasAdmin, None).await;
        let browser = app.browser();
        app.sign_in(&browser, "siti").await;
        // A client not registered for the API never gets the scope, however it asks: its token
        // signs in and reads userinfo, and is refused on the API.
        let tokens = code_flow(&app, &browser, &s, "openid profile simpul.api").await;
        assert_eq!(tokens["scope"], "openid profile", "{tokens}");
        let plain = tokens["access_token"].as_str().unwrap().to_owned();
        assert_eq!(me(&app, &plain).await.0, 401);
        let info = reqwest::Client::new().get(app.url("/oauth2/userinfo")).bearer_auth(&plain).send().await.unwrap();
        assert_eq!(info.status(), 200);
        // Registered for it, the client still needs the person's grant of the scope.
        api_access(&app, &s.client_id, true).await;
        let tokens = code_flow(&app, &browser, &s, "openid").await;
        assert_eq!(me(&app, tokens["access_token"].as_str().unwrap()).await.0, 401);
        let tokens = code_flow(&app, &browser, &s, "openid simpul.api").await;
        assert_eq!(tokens["scope"], "openid simpul.api", "{tokens}");
        let access = tokens["access_token"].as_str().unwrap().to_owned();
        let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
        let (st, body) = me(&app, &access).await;
        assert_eq!((st, body["login"].as_str()), (200, Some("siti")), "{body}");
        // It acts with the person's own rights (an operator cannot create agencies), and the
        // audit trail names the application beside the person.
        let agency = json!({"name": "X", "code": "X", "kind": "dinas"});
        assert_eq!(api(Method::POST, app.url("/api/v1/agencies"), Some(&access), Some(agency)).await.0, 403);
        let bkpsdm = app.agency_id("BKPSDM").await.to_string();
        let person = json!({"agency_id": bkpsdm, "name": "Budi Santoso", "kind": "pns", "nip": "199001012015031002"});
        let (st, created) = api(Method::POST, app.url("/api/v1/people"), Some(&access), Some(person)).await;
        assert_eq!(st, 201, "{created}");
        let (_, events) = api(Method::GET, app.url("/api/v1/audit-events?action=person.create"), Some(&admin), None).await;
        let actors: Vec<&str> = events["items"].as_array().unwrap().iter().filter_map(|e| e["actor"].as_str()).collect();
        assert!(actors.contains(&format!("siti via {}", s.client_id).as_str()), "{actors:?}");
        // Withdrawing the right stops live tokens at once; giving it back restores them.
        api_access(&app, &s.client_id, false).await;
        assert_eq!(me(&app, &access).await.0, 401);
        api_access(&app, &s.client_id, true).await;
        assert_eq!(me(&app, &access).await.0, 200);
        // A client-credentials token has no person behind it.
        let auth = Some((s.client_id.as_str(), s.secret.as_str()));
        let (_, machine, _) = token_call(&app, auth, &[("grant_type", "client_credentials"), ("scope", "simpul.api roles")]).await;
        assert_eq!(me(&app, machine["access_token"].as_str().unwrap()).await.0, 401);
        // A revoked token stops.
        let resp = reqwest::Client::new().post(app.url("/oauth2/revoke")).basic_auth(&s.client_id, Some(&s.secret)).form(&[("token", access.as_str())]).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(me(&app, &access).await.0, 401);
        // Disabling the account revokes the applications' tokens and the person's API tokens;
        // enabling it again does not bring them back.
        let tokens = code_flow(&app, &browser, &s, "openid simpul.api offline_access").await;
        let access = tokens["access_token"].as_str().unwrap().to_owned();
        let own = app
            .db(|c| {
                let user = accounts::find_user(c, "siti").unwrap().unwrap();
                accounts::create_token(c, user.id, "script").unwrap()
            })
            .await;
        assert_eq!(me(&app, &own).await.0, 200);
        let (_, users) = api(Method::GET, app.url("/api/v1/users?q=siti"), Some(&admin), None).await;
        let uid = users["items"][0]["id"].as_str().unwrap().to_owned();
        assert_eq!(api(Method::POST, app.url(&format!("/api/v1/users/{uid}/disable")), Some(&admin), None).await.0, 200);
        assert_eq!(api(Method::POST, app.url(&format!("/api/v1/users/{uid}/enable")), Some(&admin), None).await.0, 200);
        assert_eq!(me(&app, &access).await.0, 401);
        assert_eq!(me(&app, &own).await.0, 401);
        let (st, _, _) = token_call(&app, auth, &[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
        assert_eq!(st, 400, "the refresh token of before the disable is dead");
        let (_, events) = api(Method::GET, app.url("/api/v1/audit-events?action=user.disable"), Some(&admin), None).await;
        let summary: Value = serde_json::from_str(events["items"][0]["summary"].as_str().unwrap()).unwrap();
        assert!(summary["tokens_revoked"].as_u64().unwrap() >= 2, "{events}");
    }
}

both! {
    async fn a_password_change_revokes_the_applications_tokens(app) {
        let s = setup(&app).await;
        api_access(&app, &s.client_id, true).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "siti").await;
        let tokens = code_flow(&app, &browser, &s, "openid simpul.api offline_access").await;
        let access = tokens["access_token"].as_str().unwrap().to_owned();
        let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
        assert_eq!(api(Method::GET, app.url("/api/v1/me"), Some(&access), None).await.0, 200);
        let new = "a-new-long-password-2026";
        let (st, page) = app.post_form(&browser, &csrf, "/account/password", &[("current", PASSWORD), ("new", new), ("confirm", new)]).await;
        assert_eq!(st, 200, "{page}");
        assert_eq!(api(Method::GET, app.url("/api/v1/me"), Some(&access), None).await.0, 401);
        let auth = Some((s.client_id.as_str(), s.secret.as_str()));
        let (st, _, _) = token_call(&app, auth, &[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
        assert_eq!(st, 400);
        // The browser that changed it stays signed in.
        assert_eq!(browser.get(app.url("/api/v1/me")).send().await.unwrap().status(), 200);
    }
}

both! {
    async fn client_form_names_each_bad_field(app) {
        app.account("admin", Role::DinasAdmin, None).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "admin").await;
        app.form_refused(&browser, &csrf, "/sso/clients", &[
            ("name", ""), ("redirect_uris", "http://app.sukamajukab.go.id/cb"),
            ("post_logout_redirect_uris", "https://app.sukamajukab.go.id/#out"), ("owner_agency_id", ""),
            ("security_level", "tertinggi"),
        ], &[
            ("name", "Masukkan nama aplikasi."),
            ("redirect_uris", "Alamat kembali (redirect URI): Alamat http://app.sukamajukab.go.id/cb harus memakai https (http hanya untuk localhost)."),
            ("post_logout_redirect_uris", "Alamat setelah keluar: Alamat https://app.sukamajukab.go.id/#out tidak boleh memuat bagian setelah tanda #."),
            ("security_level", "Pilih tingkat keamanan."),
        ]).await;
        // The stale-token path shows the same form again with what was typed.
        let (status, html) = app.post_form(&browser, "stale", "/sso/clients", &[("name", "SIPD"), ("redirect_uris", "https://sipd.sukamajukab.go.id/cb")]).await;
        assert_eq!(status, 422);
        assert!(html.contains(r#"value="SIPD""#) && html.contains("https://sipd.sukamajukab.go.id/cb</textarea>"));
        let (_, clients) = api(Method::GET, app.url("/api/v1/sso/clients"), Some(&app.token("auditor", Role::Auditor, None).await), None).await;
        assert_eq!(clients["total"], 0, "nothing registered: {clients}");
    }
}

both! {
    /// Single sign-on keeps no agency's records (clients and the policy are the Dinas's; the
    /// rest is each person's own), so its matrix checks sign-in and the read-only roles.
    async fn access_matrix(app) {
        use test_support::access::{Body, Matrix, form, get, post, put};
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let body = json!({"name": "SIPD", "redirect_uris": ["https://sipd.sukamajukab.go.id/cb"]});
        let (s, client) = api(Method::POST, app.url("/api/v1/sso/clients"), Some(&admin), Some(body.clone())).await;
        assert_eq!(s, 201, "{client}");
        let client = client["client_id"].as_str().unwrap().to_owned();
        let (_, users) = api(Method::GET, app.url("/api/v1/users?q=admin"), Some(&admin), None).await;
        let user = users["items"][0]["id"].as_str().unwrap().to_owned();
        let client_form = form(&[("name", "E-Kinerja"), ("redirect_uris", "https://ekinerja.sukamajukab.go.id/cb")]);
        let writes = vec![
            post("/api/v1/sso/clients", Body::Json(body)),
            post(format!("/api/v1/sso/clients/{client}/secret"), Body::None),
            post(format!("/api/v1/sso/clients/{client}/disable"), Body::None),
            post(format!("/api/v1/sso/clients/{client}/enable"), Body::None),
            post(format!("/api/v1/users/{user}/two-factor/reset"), Body::None),
            post("/sso/clients", client_form),
            post(format!("/sso/clients/{client}/assurance"), form(&[("security_level", "tinggi")])),
            post(format!("/sso/clients/{client}/secret"), Body::None),
            post(format!("/sso/clients/{client}/status"), form(&[("disabled", "1"), ("confirm", "on")])),
            post("/sso/policy", form(&[("role", "dinas-admin")])),
            put("/api/v1/sso/policy", Body::Json(json!({"required_roles": ["dinas-admin"]}))),
        ];
        let mut signed_in = vec![
            get("/api/v1/sso/clients"), get("/api/v1/sso/policy"), get("/api/v1/me/two-factor"), get("/sso/clients"), get("/sso/clients/new"), get(format!("/sso/clients/{client}")),
            get("/sso/policy"), get("/account/two-factor"), get("/account/sign-ins"), get("/account/applications"),
            post("/account/two-factor/confirm", form(&[("code", "123456")])),
            post("/account/two-factor/recovery-codes", form(&[("code", "123456")])),
            post("/account/two-factor/disable", form(&[("code", "123456")])),
            post("/account/applications/disconnect", form(&[("client_id", &client)])),
        ];
        signed_in.extend(writes.clone());
        app.check_access(Matrix {
            module: sso::MODULE,
            // The provider's endpoints authenticate clients and tokens themselves (tested above).
            public: &["GET /.well-known/openid-configuration", "GET /oauth2/jwks", "POST /oauth2/token",
                      "GET /oauth2/userinfo", "POST /oauth2/revoke", "POST /oauth2/introspect"],
            signed_in,
            outsider: app.agency("DISDIK").await,
            others: vec![],
            writes,
        }).await;
    }
}

both! {
    async fn codes_on_the_account_pages_cannot_be_guessed_without_limit(app) {
        app.account("budi", Role::Leader, None).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "budi").await;
        let (secret, _, _) = enrol(&app, &browser, "/account").await;
        let good = totp_now(&secret, 0);
        // Wrong in every step the server accepts, whatever the clock does meanwhile.
        let near: Vec<String> = (-2..=2).map(|k| totp_now(&secret, k)).collect();
        let wrong = (0..10u32)
            .map(|k| format!("{:06}", (good.parse::<u32>().unwrap() + 500_000 + k) % 1_000_000))
            .find(|c| !near.contains(c))
            .unwrap();
        let mut statuses = vec![];
        for i in 0..31 {
            let path = if i % 2 == 0 { "/account/two-factor/disable" } else { "/account/two-factor/recovery-codes" };
            let resp = browser.post(app.url(path)).form(&[("_csrf", csrf.as_str()), ("code", wrong.as_str())]).send().await.unwrap();
            statuses.push(resp.status().as_u16());
        }
        assert!(statuses[..30].iter().all(|s| *s != 429), "{statuses:?}");
        assert_eq!(statuses[30], 429, "the 31st try is refused: {statuses:?}");
        // Even the right code waits now; and every wrong one is in the audit trail.
        let resp = browser.post(app.url("/account/two-factor/disable")).form(&[("_csrf", csrf.as_str()), ("code", good.as_str())]).send().await.unwrap();
        assert_eq!(resp.status(), 429);
        let auditor = app.token("auditor", Role::Auditor, None).await;
        let (_, trail) = api(Method::GET, app.url("/api/v1/audit-events?action=auth.sign_in_failed&per_page=100"), Some(&auditor), None).await;
        assert_eq!(trail["total"], 30, "{trail}");
    }
}

both! {
    async fn the_policy_and_ones_own_second_factor_through_the_api(app) {
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let auditor = app.token("auditor", Role::Auditor, None).await;
        let (s, policy) = api(Method::PUT, app.url("/api/v1/sso/policy"), Some(&admin), Some(json!({"required_roles": ["dinas-admin", "leader"]}))).await;
        assert_eq!(s, 200, "{policy}");
        let (_, shown) = api(Method::GET, app.url("/api/v1/sso/policy"), Some(&auditor), None).await;
        assert_eq!(shown["required_roles"], json!(["dinas-admin", "leader"]), "{shown}");
        assert_eq!(shown["required_levels"], json!(["tinggi", "strategis"]), "{shown}");
        let (s, e) = api(Method::PUT, app.url("/api/v1/sso/policy"), Some(&admin), Some(json!({"required_roles": ["emperor"]}))).await;
        assert_eq!((s, e["error"]["field"].as_str()), (400, Some("required_roles[0]")), "{e}");
        assert_eq!(api(Method::PUT, app.url("/api/v1/sso/policy"), Some(&auditor), Some(json!({"required_roles": []}))).await.0, 403);
        let (_, trail) = api(Method::GET, app.url("/api/v1/audit-events?action=sso.mfa_policy"), Some(&admin), None).await;
        assert_eq!(trail["total"], 1, "{trail}");
        // The admin's own second factor: none yet, and required by the policy just set.
        let (_, mine) = api(Method::GET, app.url("/api/v1/me/two-factor"), Some(&admin), None).await;
        assert_eq!(mine, json!({"enabled": false, "required": true, "recovery_codes_left": 0}));
    }
}

/// Several instances on one PostgreSQL database agree within a second: a client disabled
/// through one is refused by another that had it cached (SQLite has one process).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disabled_client_is_refused_by_every_instance_within_a_second() {
    let app = TestApp::postgres().await;
    let s = setup(&app).await;
    let other = app.another().await;
    let auth = Some((s.client_id.as_str(), s.secret.as_str()));
    let grant = [("grant_type", "client_credentials")];
    // The other instance authenticates the client, and caches it.
    assert_eq!(token_call(&other, auth, &grant).await.0, 200);
    assert_eq!(token_call(&other, auth, &grant).await.0, 200);
    let admin = app.token("dinas", Role::DinasAdmin, None).await;
    let url = app.url(&format!("/api/v1/sso/clients/{}/disable", s.client_id));
    assert_eq!(api(Method::POST, url, Some(&admin), None).await.0, 200);
    let disabled = std::time::Instant::now();
    let mut status = 200;
    while disabled.elapsed() < std::time::Duration::from_secs(5) {
        status = token_call(&other, auth, &grant).await.0;
        if status == 401 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(status, 401, "refused by the other instance");
    assert!(
        disabled.elapsed() < std::time::Duration::from_secs(1),
        "within a second, not the cache's 10 s: {:?}",
        disabled.elapsed()
    );
}

/// Signs `siti` in and exchanges a code with the confidential client; returns the tokens.
async fn signed_in_tokens(app: &TestApp, s: &Setup) -> Value {
    signed_in_tokens_of(app, s, &app.browser(), "siti").await
}

/// Signs `login` in on `browser` and exchanges a code with the confidential client.
async fn signed_in_tokens_of(
    app: &TestApp,
    s: &Setup,
    browser: &reqwest::Client,
    login: &str,
) -> Value {
    app.sign_in(browser, login).await;
    code_tokens(app, s, browser).await
}

/// Exchanges a code from the session `browser` holds with the confidential client.
async fn code_tokens(app: &TestApp, s: &Setup, browser: &reqwest::Client) -> Value {
    let url = authorize_url(
        app,
        &s.client_id,
        &s.redirect,
        &format!("&code_challenge={CHALLENGE}&code_challenge_method=S256"),
    );
    let code = location_params(&browser.get(url).send().await.unwrap()).1["code"].clone();
    let auth = Some((s.client_id.as_str(), s.secret.as_str()));
    let (st, tokens, _) = token_call(
        app,
        auth,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &s.redirect),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(st, 200, "{tokens}");
    tokens
}

both! {
    async fn a_refresh_survives_two_tabs_and_a_refused_one_changes_nothing(app) {
        let s = setup(&app).await;
        let tokens = signed_in_tokens(&app, &s).await;
        let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
        let auth = Some((s.client_id.as_str(), s.secret.as_str()));
        // Refused for the wrong client or a wider scope: the token is not used up.
        let (st, e, _) = token_call(&app, None, &[("grant_type", "refresh_token"), ("refresh_token", &refresh), ("client_id", &s.public_id)]).await;
        assert_eq!((st, e["error"].as_str()), (400, Some("invalid_grant")), "{e}");
        let (st, e, _) = token_call(&app, auth, &[("grant_type", "refresh_token"), ("refresh_token", &refresh), ("scope", "openid profile email")]).await;
        assert_eq!((st, e["error"].as_str()), (400, Some("invalid_scope")), "{e}");
        // Two tabs refresh with the same token at once: both get working tokens.
        let form = [("grant_type", "refresh_token"), ("refresh_token", refresh.as_str())];
        let (one, two) = tokio::join!(token_call(&app, auth, &form), token_call(&app, auth, &form));
        assert_eq!((one.0, two.0), (200, 200), "{} {}", one.1, two.1);
        for tab in [&one.1, &two.1] {
            let info = reqwest::Client::new().get(app.url("/oauth2/userinfo")).bearer_auth(tab["access_token"].as_str().unwrap()).send().await.unwrap();
            assert_eq!(info.status(), 200);
            let (st, next, _) = token_call(&app, auth, &[("grant_type", "refresh_token"), ("refresh_token", tab["refresh_token"].as_str().unwrap())]).await;
            assert_eq!(st, 200, "{next}");
        }
        // A retry a moment later is honoured too.
        let (st, _, _) = token_call(&app, auth, &form).await;
        assert_eq!(st, 200);
    }
}

/// A rotated refresh token used again after the grace (here one second) is a stolen copy: the
/// whole sign-in ends, the newest tokens too.
mod a_refresh_token_reused_after_the_grace_ends_the_sign_in {
    use super::*;

    async fn run(backend: db::Backend) {
        let app = TestApp::with_settings(backend, &[("SIMPUL_REFRESH_REUSE_SECONDS", "1")]).await;
        let s = setup(&app).await;
        let tokens = signed_in_tokens(&app, &s).await;
        let refresh = tokens["refresh_token"].as_str().unwrap();
        let auth = Some((s.client_id.as_str(), s.secret.as_str()));
        let form = [("grant_type", "refresh_token"), ("refresh_token", refresh)];
        let (st, newest, _) = token_call(&app, auth, &form).await;
        assert_eq!(st, 200);
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        let (st, e, _) = token_call(&app, auth, &form).await;
        assert_eq!(
            (st, e["error"].as_str()),
            (400, Some("invalid_grant")),
            "{e}"
        );
        let (st, _, _) = token_call(
            &app,
            auth,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", newest["refresh_token"].as_str().unwrap()),
            ],
        )
        .await;
        assert_eq!(st, 400, "the newest refresh token is revoked too");
        let info = reqwest::Client::new()
            .get(app.url("/oauth2/userinfo"))
            .bearer_auth(newest["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(info.status(), 401);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(db::Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(db::Backend::Postgres).await;
    }
}

both! {
    async fn userinfo_takes_the_token_as_libraries_send_it(app) {
        let s = setup(&app).await;
        let tokens = signed_in_tokens(&app, &s).await;
        let access = tokens["access_token"].as_str().unwrap();
        let client = reqwest::Client::new();
        let url = app.url("/oauth2/userinfo");
        // The scheme in any case.
        let resp = client.get(&url).header("authorization", format!("bearer {access}")).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        // In a POSTed form (RFC 6750 2.2).
        let resp = client.post(&url).form(&[("access_token", access)]).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        let info: Value = resp.json().await.unwrap();
        assert_eq!(info["name"], "Siti Rahayu");
        // Roles as flat text (what Apache's `Require claim roles:…` matches), agencies by code.
        assert_eq!(info["agency"], "BKPSDM");
        assert_eq!(info["roles"], json!(["agency-operator@BKPSDM"]));
        assert_eq!(info["role_grants"], json!([{"role": "agency-operator", "agency": "BKPSDM"}]));
        // No credentials: a challenge without an error code (RFC 6750 3.1).
        let resp = client.get(&url).send().await.unwrap();
        assert_eq!(resp.status(), 401);
        assert_eq!(resp.headers()["www-authenticate"], "Bearer realm=\"simpul\"");
        // A wrong token: the error is named.
        let resp = client.get(&url).bearer_auth("not-a-token").send().await.unwrap();
        assert_eq!(resp.status(), 401);
        assert!(resp.headers()["www-authenticate"].to_str().unwrap().contains("error=\"invalid_token\""));
        // Both ways at once is one too many.
        let resp = client.post(&url).bearer_auth(access).form(&[("access_token", access)]).send().await.unwrap();
        assert_eq!(resp.status(), 400);
        // Introspection tells a client about its own tokens only.
        let admin = app.token("admin.rs", Role::DinasAdmin, None).await;
        let body = json!({"name": "Aplikasi Lain", "redirect_uris": ["https://lain.sukamajukab.go.id/cb"]});
        let (st, other) = api(Method::POST, app.url("/api/v1/sso/clients"), Some(&admin), Some(body)).await;
        assert_eq!(st, 201, "{other}");
        let introspect = |id: String, secret: String| {
            client.post(app.url("/oauth2/introspect")).basic_auth(id, Some(secret)).form(&[("token", access)]).send()
        };
        let own: Value = introspect(s.client_id.clone(), s.secret.clone()).await.unwrap().json().await.unwrap();
        assert_eq!((own["active"].as_bool(), own["client_id"].as_str()), (Some(true), Some(s.client_id.as_str())), "{own}");
        let theirs: Value = introspect(other["client_id"].as_str().unwrap().to_owned(), other["client_secret"].as_str().unwrap().to_owned())
            .await.unwrap().json().await.unwrap();
        assert_eq!(theirs, json!({"active": false}));
    }
}

both! {
    async fn authorization_requests_speak_the_smaller_parts_of_the_standard(app) {
        let s = setup(&app).await;
        let siti = app.browser();
        let siti_tokens = signed_in_tokens_of(&app, &s, &siti, "siti").await;
        let error_of = |url: String| {
            let siti = siti.clone();
            async move { location_params(&siti.get(url).send().await.unwrap()).1.get("error").cloned().unwrap_or_default() }
        };
        let base = authorize_url(&app, &s.client_id, &s.redirect, "");
        assert_eq!(error_of(base.replace("response_type=code&", "")).await, "invalid_request");
        assert_eq!(error_of(format!("{base}&request=eyJhbGciOiJub25lIn0.e30.")).await, "request_not_supported");
        assert_eq!(error_of(format!("{base}&request_uri=https%3A%2F%2Fx%2Fr")).await, "request_uri_not_supported");
        assert_eq!(error_of(format!("{base}&response_mode=fragment")).await, "invalid_request");
        let (_, disc) = api(Method::GET, app.url("/.well-known/openid-configuration"), None, None).await;
        assert_eq!((disc["request_parameter_supported"].as_bool(), disc["request_uri_parameter_supported"].as_bool()), (Some(false), Some(false)));
        // prompt=none for someone else than who is signed in: login_required; for them: a code.
        app.account("budi", Role::Leader, None).await;
        let budi_tokens = signed_in_tokens_of(&app, &s, &app.browser(), "budi").await;
        let silent = |hint: &str| format!("{base}&code_challenge={CHALLENGE}&code_challenge_method=S256&prompt=none&id_token_hint={hint}");
        assert_eq!(error_of(silent(budi_tokens["id_token"].as_str().unwrap())).await, "login_required");
        let (_, q) = location_params(&siti.get(silent(siti_tokens["id_token"].as_str().unwrap())).send().await.unwrap());
        assert!(q.contains_key("code"), "{q:?}");
        // acr: a password sign-in reaches level 1; an application asking only for level 2
        // (acr_values) sends the person to their second factor, or answers a silent request.
        assert_eq!(claims(siti_tokens["id_token"].as_str().unwrap())["acr"], "urn:simpul:loa:1");
        let pkce = format!("&code_challenge={CHALLENGE}&code_challenge_method=S256&acr_values=urn%3Asimpul%3Aloa%3A2");
        assert_eq!(error_of(format!("{base}{pkce}&prompt=none")).await, "interaction_required");
        let (loc, _) = location_params(&siti.get(format!("{base}{pkce}")).send().await.unwrap());
        assert!(loc.starts_with("/account/two-factor/verify?next="), "{loc}");
        let (_, q) = location_params(&siti.get(format!("{base}{pkce}%20urn%3Asimpul%3Aloa%3A1")).send().await.unwrap());
        assert!(q.contains_key("code"), "level 1 among the accepted ones: {q:?}");
        // A visitor sent to sign in: the login the application hints is filled in, and the
        // page speaks the language it asks for.
        let visitor = app.browser();
        let resp = visitor.get(format!("{base}&login_hint=siti&ui_locales=en-US%20id")).send().await.unwrap();
        assert_eq!(resp.status(), 303);
        let to = resp.headers()["location"].to_str().unwrap().to_owned();
        assert!(to.starts_with("/sign-in?next=") && to.ends_with("&login=siti"), "{to}");
        let page = visitor.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(r#"value="siti""#), "{page}");
        assert!(page.contains(r#"<html lang="en""#), "{page}");
    }
}

both! {
    async fn browser_applications_may_call_the_provider_from_their_registered_origin(app) {
        let s = setup(&app).await;
        let origin = "http://127.0.0.1:9"; // the public client's redirect URI's origin
        let client = reqwest::Client::new();
        let preflight = |path: &'static str, from: &'static str| {
            client.request(Method::OPTIONS, app.url(path)).header("origin", from)
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "authorization, content-type").send()
        };
        for path in ["/oauth2/token", "/oauth2/userinfo", "/oauth2/revoke"] {
            let resp = preflight(path, origin).await.unwrap();
            assert_eq!(resp.status(), 204, "{path}");
            assert_eq!(resp.headers()["access-control-allow-origin"], origin, "{path}");
            assert!(resp.headers()["access-control-allow-headers"].to_str().unwrap().contains("authorization"));
            // An origin no application registered learns nothing it may use.
            let resp = preflight(path, "https://evil.example").await.unwrap();
            assert!(resp.headers().get("access-control-allow-origin").is_none(), "{path}");
        }
        // The public documents are readable from anywhere.
        let resp = client.get(app.url("/.well-known/openid-configuration")).header("origin", "https://evil.example").send().await.unwrap();
        assert_eq!(resp.headers()["access-control-allow-origin"], "*");
        // The real request from the registered origin may be read by the page.
        let resp = client.post(app.url("/oauth2/revoke")).header("origin", origin)
            .form(&[("token", "unknown"), ("client_id", s.public_id.as_str())]).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["access-control-allow-origin"], origin);
    }
}

/// A stand-in application's back-channel logout endpoint: every logout token posted to it.
async fn logout_receiver() -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let route = axum::routing::post(
        move |axum::extract::Form(f): axum::extract::Form<
            std::collections::HashMap<String, String>,
        >| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(f.get("logout_token").cloned().unwrap_or_default());
                axum::http::StatusCode::OK
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!(
        "http://{}/backchannel-logout",
        listener.local_addr().unwrap()
    );
    tokio::spawn(async move {
        axum::serve(
            listener,
            axum::Router::new().route("/backchannel-logout", route),
        )
        .await
        .unwrap();
    });
    (uri, rx)
}

/// The next logout token the application receives, verified as the application must (§2.6):
/// signed with a published key, from our issuer, for it; returns its header and claims.
async fn next_logout(
    app: &TestApp,
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<String>,
    client_id: &str,
) -> (jsonwebtoken::Header, Value) {
    let token = tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
        .await
        .expect("a logout token within ten seconds")
        .unwrap();
    let header = jsonwebtoken::decode_header(&token).unwrap();
    let jwks: jsonwebtoken::jwk::JwkSet = reqwest::get(app.url("/oauth2/jwks"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jwk = jwks.find(header.kid.as_deref().unwrap()).unwrap();
    let mut validation = jsonwebtoken::Validation::new(header.alg);
    validation.set_audience(&[client_id]);
    validation.set_issuer(&[app.base.as_str()]);
    let data = jsonwebtoken::decode::<Value>(
        &token,
        &jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap(),
        &validation,
    )
    .expect("a logout token signed with a published key");
    (header, data.claims)
}

both! {
    async fn ending_a_session_anywhere_tells_its_applications_by_back_channel(app) {
        let s = setup(&app).await;
        let (uri, mut rx) = logout_receiver().await;
        let doc: Value = reqwest::get(app.url("/.well-known/openid-configuration")).await.unwrap().json().await.unwrap();
        assert_eq!((doc["backchannel_logout_supported"].as_bool(), doc["backchannel_logout_session_supported"].as_bool()), (Some(true), Some(true)));
        // The Dinas registers where the application is told: a bad address is named on the page.
        let admin = app.browser();
        let csrf = app.sign_in(&admin, "admin").await;
        let path = format!("/sso/clients/{}/backchannel", s.client_id);
        let (st, page) = app.post_form(&admin, &csrf, &path, &[("backchannel_logout_uri", "http://simpeg.sukamajukab.go.id/logout")]).await;
        assert_eq!(st, 422, "{page}");
        assert!(page.contains("backchannel_logout_uri-error"), "{page}");
        let (st, _) = app.post_form(&admin, &csrf, &path, &[("backchannel_logout_uri", &uri)]).await;
        assert_eq!(st, 303);
        // Switching the application off is confirmed first (KT 16.5); unconfirmed, it stays on.
        let status = format!("/sso/clients/{}/status", s.client_id);
        let (st, page) = app.post_form(&admin, &csrf, &status, &[("disabled", "1")]).await;
        assert_eq!(st, 422, "{page}");
        assert!(page.contains("Centang kotak konfirmasi"), "{page}");
        // Through the API too, and the API names a bad one.
        let token = app.token("kominfo", Role::DinasAdmin, None).await;
        let body = json!({"name": "Presensi", "redirect_uris": [s.redirect], "backchannel_logout_uri": "ftp://presensi/logout"});
        let (st, e) = api(Method::POST, app.url("/api/v1/sso/clients"), Some(&token), Some(body)).await;
        assert_eq!(st, 422, "{e}");
        assert!(e.to_string().contains("backchannel_logout_uri"), "{e}");
        let body = json!({"name": "Presensi", "redirect_uris": [s.redirect], "backchannel_logout_uri": uri});
        let (st, made) = api(Method::POST, app.url("/api/v1/sso/clients"), Some(&token), Some(body)).await;
        assert_eq!((st, made["backchannel_logout_uri"].as_str()), (201, Some(uri.as_str())), "{made}");

        // Siti signs in on a laptop and on a phone: two sessions, two `sid`s.
        let (laptop, phone) = (app.browser(), app.browser());
        let csrf = app.sign_in(&laptop, "siti").await;
        let on_laptop = code_tokens(&app, &s, &laptop).await;
        let on_phone = signed_in_tokens_of(&app, &s, &phone, "siti").await;
        let (id_laptop, id_phone) = (claims(on_laptop["id_token"].as_str().unwrap()), claims(on_phone["id_token"].as_str().unwrap()));
        assert!(id_laptop["sid"].is_string() && id_laptop["sid"] != id_phone["sid"], "{id_laptop} {id_phone}");

        // Signing out of Simpul on the laptop tells the application, for that session only.
        let out = laptop.post(app.url("/sign-out")).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
        assert_eq!(out.status(), 303);
        let (header, logout) = next_logout(&app, &mut rx, &s.client_id).await;
        assert_eq!(header.typ.as_deref(), Some("logout+jwt"));
        assert_eq!((&logout["sub"], &logout["sid"]), (&id_laptop["sub"], &id_laptop["sid"]), "{logout}");
        assert!(logout["events"]["http://schemas.openid.net/event/backchannel-logout"].is_object(), "{logout}");
        assert!(logout.get("nonce").is_none() && logout["jti"].is_string(), "{logout}");
        // What the laptop's session granted stops working; the phone's goes on.
        let auth = Some((s.client_id.as_str(), s.secret.as_str()));
        let refresh = |t: &Value| t["refresh_token"].as_str().unwrap().to_owned();
        let (st, _, _) = token_call(&app, auth, &[("grant_type", "refresh_token"), ("refresh_token", &refresh(&on_laptop))]).await;
        assert_eq!(st, 400, "the ended session's refresh token is revoked");
        let info = reqwest::Client::new().get(app.url("/oauth2/userinfo")).bearer_auth(on_laptop["access_token"].as_str().unwrap()).send().await.unwrap();
        assert_eq!(info.status(), 401);
        let (st, renewed, _) = token_call(&app, auth, &[("grant_type", "refresh_token"), ("refresh_token", &refresh(&on_phone))]).await;
        assert_eq!(st, 200, "{renewed}");
        assert_eq!(claims(renewed["id_token"].as_str().unwrap())["sid"], id_phone["sid"], "a refreshed ID token keeps the session's sid");
        assert!(tokio::time::timeout(std::time::Duration::from_millis(1500), rx.recv()).await.is_err(), "nothing for the phone yet");

        // The Dinas disables the account: the phone's session ends too, and the application hears.
        let users: Value = api(Method::GET, app.url("/api/v1/users?q=siti"), Some(&token), None).await.1;
        let siti = users["items"][0]["id"].as_str().unwrap().to_owned();
        let (st, _) = api(Method::POST, app.url(&format!("/api/v1/users/{siti}/disable")), Some(&token), None).await;
        assert_eq!(st, 200);
        let (_, logout) = next_logout(&app, &mut rx, &s.client_id).await;
        assert_eq!(logout["sid"], id_phone["sid"], "{logout}");
    }
}
