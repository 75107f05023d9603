//! The OpenID Connect provider against an independent relying party (Authlib) and the
//! attacks RFC 9700 names, on SQLite and PostgreSQL.
#![expect(
    clippy::unwrap_used,
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
