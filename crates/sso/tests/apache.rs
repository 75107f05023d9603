//! Apache with mod_auth_openidc (Debian's packages) in front of an agency application, signing
//! people in through Simpul: `Require claim roles:…` lets a holder of the role in and keeps
//! another person out, and signing out of Simpul ends the module's session through
//! back-channel logout. On SQLite and PostgreSQL.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on an unexpected shape"
)]

use std::process::{Child, Command};

use kernel::audit::Actor;
use kernel::permissions::Role;
use kernel::state::write_tx;
use sso::service::{ClientDraft, register_client};
use test_support::both;

const MODULES: &str = "/usr/lib/apache2/modules";

/// Apache in the foreground on a free port, protecting `/app/` for holders of `role`; stopped
/// when dropped.
struct Apache {
    child: Child,
    base: String,
    dir: tempfile::TempDir,
}

impl Drop for Apache {
    fn drop(&mut self) {
        // SIGTERM: the parent stops its worker processes before it exits (SIGKILL would leave
        // them running).
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        for _ in 0..100 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Apache {
    fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_apache(
    port: u16,
    issuer: &str,
    client_id: &str,
    secret: &str,
    role: &str,
) -> Apache {
    assert!(
        std::path::Path::new(MODULES)
            .join("mod_auth_openidc.so")
            .exists(),
        "Apache's mod_auth_openidc is not installed (apt-get install apache2 libapache2-mod-auth-openidc; .ci/run does)"
    );
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("www/app")).unwrap();
    std::fs::write(
        root.join("www/app/index.html"),
        "Aplikasi SIMPEG: selamat datang\n",
    )
    .unwrap();
    // Apache drops root to an unprivileged user: let it read the files and write the logs.
    let as_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    let user = if as_root {
        Command::new("chmod")
            .args(["-R", "a+rwX"])
            .arg(root)
            .status()
            .unwrap();
        "User www-data\nGroup www-data\n"
    } else {
        ""
    };
    let base = format!("http://127.0.0.1:{port}");
    let conf = format!(
        r#"ServerRoot "{root}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{root}/httpd.pid"
ErrorLog "{root}/error.log"
LogLevel warn
{user}LoadModule mpm_event_module {MODULES}/mod_mpm_event.so
LoadModule authn_core_module {MODULES}/mod_authn_core.so
LoadModule authz_core_module {MODULES}/mod_authz_core.so
LoadModule dir_module {MODULES}/mod_dir.so
LoadModule auth_openidc_module {MODULES}/mod_auth_openidc.so
DocumentRoot "{root}/www"
DirectoryIndex index.html
OIDCProviderMetadataURL {issuer}/.well-known/openid-configuration
OIDCClientID {client_id}
OIDCClientSecret {secret}
OIDCRedirectURI {base}/app/redirect_uri
OIDCCryptoPassphrase simpul-test-passphrase
OIDCScope "openid profile roles"
OIDCPKCEMethod S256
OIDCSSLValidateServer Off
<Location /app/>
  AuthType openid-connect
  Require claim roles:{role}
</Location>
"#,
        root = root.display(),
    );
    let path = root.join("httpd.conf");
    std::fs::write(&path, conf).unwrap();
    let check = Command::new("/usr/sbin/apache2")
        .arg("-t")
        .arg("-f")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "apache2 -t: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    let child = Command::new("/usr/sbin/apache2")
        .args(["-DFOREGROUND", "-f"])
        .arg(&path)
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Apache { child, base, dir }
}

/// A person in a browser opens the protected application: Apache sends them to Simpul, Simpul
/// (already signed in) back with a code, Apache exchanges it and sends them on. Returns the
/// status and body of the page at the end.
async fn open_app(browser: &reqwest::Client, apache: &Apache) -> (u16, String) {
    let mut url = format!("{}/app/", apache.base);
    for _ in 0..6 {
        let resp = browser.get(&url).send().await.unwrap();
        let status = resp.status().as_u16();
        let Some(next) = resp
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned())
        else {
            return (status, resp.text().await.unwrap());
        };
        url = if next.starts_with('/') {
            format!("{}{next}", apache.base)
        } else {
            next
        };
    }
    panic!(
        "more than six redirects; Apache said: {}",
        apache.error_log()
    );
}

both! {
    async fn apache_lets_in_only_the_role_it_requires_and_hears_of_the_sign_out(app) {
        let (bkpsdm, dinkes) = (app.agency("BKPSDM").await, app.agency("DINKES").await);
        app.account("siti", Role::AgencyOperator, Some(bkpsdm)).await;
        app.account("budi", Role::AgencyOperator, Some(dinkes)).await;
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let draft = ClientDraft {
            name: "SIMPEG".into(),
            redirect_uris: vec![format!("{base}/app/redirect_uri")],
            backchannel_logout_uri: Some(format!("{base}/app/redirect_uri?logout=backchannel")),
            ..Default::default()
        };
        let (client, secret) = app.db(move |c| write_tx(c, |tx| register_client(tx, &Actor::system("test"), &draft)).unwrap()).await;
        let apache = start_apache(port, &app.base, client.id.as_str(), &secret.unwrap(), "agency-operator@BKPSDM").await;

        let siti = app.browser();
        let csrf = app.sign_in(&siti, "siti").await;
        let (st, page) = open_app(&siti, &apache).await;
        assert_eq!(st, 200, "{page}\n{}", apache.error_log());
        assert!(page.contains("selamat datang"), "{page}");

        let budi = app.browser();
        app.sign_in(&budi, "budi").await;
        let (st, page) = open_app(&budi, &apache).await;
        assert!(st == 401 || st == 403, "a role in another agency is kept out: {st} {page}");

        // Siti signs out of Simpul: the module is told and ends its own session, so the
        // application sends her to sign in again instead of showing the page.
        let out = siti.post(app.url("/sign-out")).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
        assert_eq!(out.status(), 303);
        let mut ended = false;
        for _ in 0..50 {
            let resp = siti.get(format!("{}/app/", apache.base)).send().await.unwrap();
            if resp.status() == 302 {
                let to = resp.headers()["location"].to_str().unwrap();
                assert!(to.starts_with(&app.url("/oauth2/authorize")), "{to}");
                ended = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        assert!(ended, "the module's session outlived the Simpul session: {}", apache.error_log());
    }
}
