//! The application as a whole, on SQLite and PostgreSQL: sign-in, sessions, anti-forgery,
//! lockout, language, health, metrics, the API document, migrations and the CLI.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on an unexpected shape"
)]

use std::io::Write;
use std::process::{Command, Stdio};

use kernel::permissions::Role;
use reqwest::Method;
use test_support::{PASSWORD, TestApp, api, both, json};

fn simpul(app: &TestApp) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_simpul"));
    cmd.env("SIMPUL_DATABASE_URL", &app.state.config.database_url)
        .env("SIMPUL_DATA_DIR", &app.state.config.data_dir)
        .env_remove("SIMPUL_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

both! {
    async fn forms_without_the_anti_forgery_token_are_refused(app) {
        app.account("admin", Role::DinasAdmin, None).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "admin").await;
        let form = |token: &str| vec![("_csrf", token.to_owned()), ("name", "Dinas X".to_owned()), ("code", "DX".to_owned()), ("kind", "dinas".to_owned())];
        let no_token = [("name", "Dinas X"), ("code", "DX"), ("kind", "dinas")];
        // A data-entry form with a missing or stale token is shown again with what was typed
        // and a fresh token, and saves nothing.
        for resp in [
            browser.post(app.url("/agencies/new")).form(&no_token).send().await.unwrap(),
            browser.post(app.url("/agencies/new")).form(&form("forged-token-forged-token")).send().await.unwrap(),
        ] {
            assert_eq!(resp.status(), 422);
            let html = resp.text().await.unwrap();
            assert!(html.contains("Halaman ini terlalu lama terbuka"), "{html}");
            assert!(html.contains(r#"value="Dinas X""#) && html.contains(r#"value="DX""#), "typed values kept");
            assert!(html.contains(&format!(r#"name="_csrf" value="{csrf}""#)), "a fresh token to send it with");
        }
        // Any other form (one that acts, rather than collects typing) is refused outright.
        let resp = browser.post(app.url("/account/sessions/end")).form(&[("_csrf", "forged"), ("session", "x")]).send().await.unwrap();
        assert_eq!(resp.status(), 403);
        // A sign-in form posted from elsewhere (no pre-session cookie) is refused too.
        let stranger = app.browser();
        let resp = stranger.post(app.url("/sign-in")).form(&[("_csrf", "x"), ("login", "admin"), ("password", PASSWORD)]).send().await.unwrap();
        assert_eq!(resp.status(), 403);
        let (_, none) = api(Method::GET, app.url("/api/v1/agencies"), Some(&app.token("reader", Role::Leader, None).await), None).await;
        assert_eq!(none["total"], 0, "refused forms wrote nothing");
        let resp = browser.post(app.url("/agencies/new")).form(&form(&csrf)).send().await.unwrap();
        assert_eq!(resp.status(), 303);
    }
}

both! {
    async fn health_metrics_and_the_api_document(app) {
        let admin = app.token("admin", kernel::permissions::Role::DinasAdmin, None).await;
        let (s, health) = api(Method::GET, app.url("/healthz"), None, None).await;
        assert_eq!((s, health["status"].as_str()), (200, Some("ok")));
        let metrics = reqwest::get(app.url("/metrics")).await.unwrap().text().await.unwrap();
        assert!(metrics.contains("simpul_http_requests_total{class=\"2xx\"}"), "{metrics}");
        let (s, doc) = api(Method::GET, app.url("/api/v1/openapi.json"), None, None).await;
        assert_eq!(s, 200);
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        for path in ["/api/v1/agencies", "/api/v1/agencies/{id}", "/api/v1/people", "/api/v1/people/{id}", "/api/v1/region", "/api/v1/audit-events", "/healthz", "/metrics",
                     "/.well-known/openid-configuration", "/oauth2/token", "/oauth2/userinfo", "/oauth2/revoke", "/oauth2/introspect", "/oauth2/jwks"] {
            assert!(doc["paths"].get(path).is_some(), "{path} is documented");
        }
        // The document validates (openapi-spec-validator, PyPI): unique operation ids among
        // the rest; every error response has the one error shape.
        let file = std::env::temp_dir().join(format!("simpul-openapi-{}.json", app.addr.port()));
        std::fs::write(&file, doc.to_string()).unwrap();
        let out = std::process::Command::new("python3")
            .args(["-m", "openapi_spec_validator", file.to_str().unwrap()])
            .output()
            .unwrap_or_else(|e| panic!("python3 with openapi-spec-validator (pip install openapi-spec-validator; .ci/run does): {e}"));
        let _ = std::fs::remove_file(&file);
        assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        let mut ids = std::collections::HashSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                assert!(ids.insert(op["operationId"].as_str().unwrap().to_owned()), "{method} {path}: repeated operation id");
                for (status, r) in op["responses"].as_object().unwrap() {
                    // The provider's endpoints answer in OAuth's own error shape.
                    let shape = if path.starts_with("/oauth2/") { "#/components/schemas/OAuthErrorBody" } else { "#/components/schemas/Error" };
                    if status.starts_with('4') || status == "default" {
                        assert_eq!(r["content"]["application/json"]["schema"]["$ref"], shape, "{method} {path} {status}");
                    }
                }
            }
        }
        // Allowed values are in the document, as sent.
        assert_eq!(doc["components"]["schemas"]["HostingStatus"]["enum"][0], "submitted");
        // Times carry their zone.
        app.agency("DINKES").await;
        let (_, agencies) = api(Method::GET, app.url("/api/v1/agencies"), Some(&admin), None).await;
        let at = agencies["items"][0]["created_at"].as_str().unwrap();
        assert!(at.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(at).is_ok(), "{at}");
        // Metrics are for this host only, not for whoever reaches it through the proxy.
        let proxied = reqwest::Client::new().get(app.url("/metrics")).header("x-forwarded-for", "203.0.113.9").send().await.unwrap();
        assert_eq!(proxied.status(), 404);
        let (s, e) = api(Method::GET, app.url("/api/v1/nothing-here"), Some(&admin), None).await;
        assert_eq!((s, e["error"]["code"].as_str()), (404, Some("not_found")));
        let (s, e) = api(Method::GET, app.url("/api/v1/nothing-here"), None, None).await;
        assert_eq!((s, e["error"]["code"].as_str()), (401, Some("unauthorized")), "anonymous callers learn nothing");
        let resp = reqwest::get(app.url("/no/such/page")).await.unwrap();
        assert_eq!(resp.status(), 404);
        assert!(resp.text().await.unwrap().contains("<html"));
        let resp = reqwest::get(app.url("/static/simpul.css")).await.unwrap();
        assert_eq!(resp.headers()["content-type"], "text/css; charset=utf-8");
    }
}

both! {
    async fn cli_imports_a_bind_zone_and_names_every_line_it_cannot_take(app) {
        app.demo().await;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sukamajukab.zone");
        std::fs::write(&file, "$ORIGIN sukamajukab.go.id.\n$TTL 1h\n\
            @ IN SOA ns1 hostmaster ( 2026010101 3600 900 2w 300 )\n  IN NS ns1\n  IN NS ns2\n\
            dinkes IN A 203.0.113.31\nppid.dinkes IN A 203.0.113.34\nportal 300 IN A 203.0.113.11\n\
            1.113.0.203.in-addr.arpa. IN PTR ns1.sukamajukab.go.id.\n").unwrap();
        let out = simpul(&app).args(["dns", "import"]).arg(&file).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let said = String::from_utf8(out.stdout).unwrap();
        assert!(said.contains("line 6: not taken: The same record is already there: dinkes A 203.0.113.31."), "{said}");
        assert!(said.contains("line 9: not taken: 1.113.0.203.in-addr.arpa lies outside the zone"), "{said}");
        assert!(said.ends_with("2 records imported, 2 lines not taken\n"), "{said}");
        std::fs::write(&file, "bad IN TXT \"a\u{0}b\"\n").unwrap();
        let out = simpul(&app).args(["dns", "import"]).arg(&file).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "a NUL is refused where it enters: {}", String::from_utf8_lossy(&out.stderr));
        let admin = app.token("admin.impor", Role::DinasAdmin, None).await;
        let (_, found) = api(Method::GET, app.url("/api/v1/dns/records?q=ppid.dinkes"), Some(&admin), None).await;
        let dinkes = app.agency_id("DINKES").await.to_string();
        assert_eq!((found["items"][0]["agency_id"].as_str(), found["items"][0]["basis"].as_str()), (Some(dinkes.as_str()), Some("Impor berkas zona, baris 7")), "{found}");
        let (_, portal) = api(Method::GET, app.url("/api/v1/dns/records?q=portal"), Some(&admin), None).await;
        assert_eq!(portal["items"][0]["ttl"], 300, "{portal}");
    }
}

both! {
    async fn cli_exports_the_zone_as_a_zone_file(app) {
        let out = simpul(&app).args(["dns", "export"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "no region profile, no zone: a configuration to complete");
        assert!(String::from_utf8_lossy(&out.stderr).contains("region profile"), "{}", String::from_utf8_lossy(&out.stderr));
        app.demo().await;
        let out = simpul(&app).args(["dns", "export"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let zone = String::from_utf8(out.stdout).unwrap();
        assert!(zone.contains("$ORIGIN sukamajukab.go.id.\n") && zone.contains("IN\tSOA\tns1.sukamajukab.go.id. hostmaster.sukamajukab.go.id."), "{zone}");
        assert!(zone.contains("dinkes\t3600\tIN\tA\t203.0.113.31\n"), "{zone}");
    }
}

both! {
    async fn cli_creates_users_and_tokens_and_verifies_the_audit_trail(app) {
        app.agency("DINKES").await;
        // create-user reads the password from stdin.
        let mut child = simpul(&app).args(["admin", "create-user", "--login", "op.dinkes", "--name", "Operator", "--role", "agency-operator", "--agency", "dinkes"]).spawn().unwrap();
        child.stdin.take().unwrap().write_all(b"a-long-password-1\n").unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        // Bad usage exits 2 with one clear line.
        let out = simpul(&app).args(["admin", "create-user", "--login", "x.y", "--name", "X", "--role", "root"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("unknown role"));
        let out = simpul(&app).args(["admin", "create-user", "--login", "x.y", "--name", "X", "--role", "agency-operator"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let out = simpul(&app).args(["admin", "create-token", "--login", "nobody"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        // The token printed alone on stdout works.
        let out = simpul(&app).args(["admin", "create-token", "--login", "op.dinkes"]).output().unwrap();
        let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
        let (s, me) = api(Method::GET, app.url("/api/v1/me"), Some(&token), None).await;
        assert_eq!((s, me["login"].as_str()), (200, Some("op.dinkes")));
        // The chain holds...
        let out = simpul(&app).args(["audit", "verify"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        // ...until someone goes around the platform to edit an event.
        let backend = app.backend;
        app.db(move |c| {
            let drop = match backend {
                db::Backend::Sqlite => "DROP TRIGGER audit_events_no_update",
                db::Backend::Postgres => "DROP TRIGGER audit_events_no_change ON audit_events",
            };
            diesel::connection::SimpleConnection::batch_execute(c, drop).unwrap();
            diesel::connection::SimpleConnection::batch_execute(c, "UPDATE audit_events SET actor = 'someone-else' WHERE seq = 2").unwrap();
        })
        .await;
        let out = simpul(&app).args(["audit", "verify"]).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("event 2"), "{err}");
    }
}

both! {
    async fn demo_loads_once_with_every_role(app) {
        let out = simpul(&app).arg("demo").output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        for role in Role::ALL {
            assert!(text.contains(role.as_str()), "demo has an account with role {}", role.as_str());
        }
        let again = simpul(&app).arg("demo").output().unwrap();
        assert!(again.status.success());
        let admin = app.token("checker", Role::Auditor, None).await;
        let (_, agencies) = api(Method::GET, app.url("/api/v1/agencies"), Some(&admin), None).await;
        assert!((12..=20).contains(&agencies["total"].as_i64().unwrap()));
        let (_, people) = api(Method::GET, app.url("/api/v1/people"), Some(&admin), None).await;
        assert!((50..=90).contains(&people["total"].as_i64().unwrap()));
        let flagged = agencies["items"].as_array().unwrap().iter().filter(|a| a["is_dinas"] == true).count();
        assert_eq!(flagged, 1);
    }
}

both! {
    async fn migrations_go_down_and_up_again(app) {
        let (down, up) = app.db(|c| (db::revert_all(c).unwrap(), db::migrate(c).unwrap())).await;
        assert!(down >= 1 && down == up);
    }
}

#[test]
fn bad_configuration_exits_2_with_one_line() {
    let out = Command::new(env!("CARGO_BIN_EXE_simpul"))
        .arg("migrate")
        .env("SIMPUL_DATABASE_URL", "mysql://nope")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("SIMPUL_DATABASE_URL"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("simpul.toml");
    std::fs::write(&file, "http_adr = '0.0.0.0:1'\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_simpul"))
        .args(["--config", file.to_str().unwrap(), "migrate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown field"));
}

/// Tables and columns (with nullability) as `schema.rs` declares them.
fn declared_schema() -> Vec<(String, Vec<(String, bool)>)> {
    let text = include_str!("../../db/src/schema.rs");
    let mut tables = vec![];
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "diesel::table! {" {
            continue;
        }
        let header = lines
            .by_ref()
            .find(|l| l.contains('(') && l.trim_end().ends_with('{'))
            .unwrap();
        let name = header.trim().split(' ').next().unwrap().to_owned();
        let mut cols = vec![];
        for col in lines.by_ref() {
            let col = col.trim();
            if col == "}" {
                break;
            }
            if let Some((c, ty)) = col.split_once(" -> ") {
                cols.push((c.to_owned(), ty.starts_with("Nullable<")));
            }
        }
        cols.sort();
        tables.push((name, cols));
    }
    tables
}

#[derive(diesel::QueryableByName, Debug)]
struct ColumnInfo {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    notnull: i32,
}

both! {
    async fn schema_file_matches_the_migrations(app) {
        use diesel::RunQueryDsl;
        let declared = declared_schema();
        assert!(declared.len() >= 9, "parsed {} tables", declared.len());
        let backend = app.backend;
        let actual = app
            .db(move |c| {
                declared
                    .iter()
                    .map(|(table, _)| {
                        let sql = match backend {
                            db::Backend::Sqlite => format!("SELECT name, \"notnull\" FROM pragma_table_info('{table}')"),
                            db::Backend::Postgres => format!(
                                "SELECT column_name::text AS name, CASE WHEN is_nullable = 'NO' THEN 1 ELSE 0 END AS notnull \
                                 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}'"
                            ),
                        };
                        let mut cols: Vec<(String, bool)> = diesel::sql_query(sql)
                            .load::<ColumnInfo>(c)
                            .unwrap()
                            .into_iter()
                            .map(|ci| (ci.name, ci.notnull == 0))
                            .collect();
                        cols.sort();
                        (table.clone(), cols)
                    })
                    .collect::<Vec<_>>()
            })
            .await;
        assert_eq!(actual, declared_schema(), "schema.rs and the {backend:?} migrations disagree");
    }
}

/// `simpul serve` as its own process on the test's database, with extra settings; returns the
/// process and its address once it answers.
async fn start_server(app: &TestApp, env: &[(&str, &str)]) -> (tokio::process::Child, String) {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let addr = format!("127.0.0.1:{port}");
    let mut cmd = tokio::process::Command::from(simpul(app));
    cmd.args(["serve"])
        .env("SIMPUL_HTTP_ADDR", &addr)
        .stdin(Stdio::null())
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let server = cmd.spawn().unwrap();
    for _ in 0..100 {
        if reqwest::get(format!("http://{addr}/healthz"))
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return (server, addr);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the server did not start");
}

both! {
    async fn kill_9_under_concurrent_writers_loses_no_acknowledged_write(app) {
        let (mut server, addr) = start_server(&app, &[]).await;
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let mut writers = vec![];
        for w in 0..8 {
            let (addr, admin, acknowledged) = (addr.clone(), admin.clone(), acknowledged.clone());
            writers.push(tokio::spawn(async move {
                let client = reqwest::Client::new();
                for i in 0.. {
                    let code = format!("K{w}X{i}");
                    let body = json!({"name": format!("Dinas Uji {code}"), "code": code, "kind": "dinas"});
                    match client.post(format!("http://{addr}/api/v1/agencies")).bearer_auth(&admin).json(&body).send().await {
                        Ok(r) if r.status() == 201 => acknowledged.lock().unwrap().push(code),
                        Ok(r) => panic!("a write answered {}", r.status()),
                        Err(_) => break,
                    }
                }
            }));
        }
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        server.start_kill().unwrap();
        server.wait().await.unwrap();
        for w in writers {
            w.await.unwrap();
        }
        let acknowledged = acknowledged.lock().unwrap().clone();
        assert!(acknowledged.len() > 20, "the writers got going: {}", acknowledged.len());
        // Every acknowledged write is there, each with its audit event, and the chain holds.
        let mut stored = std::collections::HashSet::new();
        for page in 1.. {
            let (_, listed) = api(Method::GET, app.url(&format!("/api/v1/agencies?per_page=100&page={page}&q=Dinas%20Uji")), Some(&admin), None).await;
            let items = listed["items"].as_array().unwrap_or_else(|| panic!("{listed}"));
            if items.is_empty() {
                break;
            }
            stored.extend(items.iter().map(|a| a["code"].as_str().unwrap().to_owned()));
        }
        let lost: Vec<&String> = acknowledged.iter().filter(|c| !stored.contains(*c)).collect();
        assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
        let (_, events) = api(Method::GET, app.url("/api/v1/audit-events?action=agency.create&per_page=1"), Some(&admin), None).await;
        assert_eq!(events["total"].as_u64().unwrap() as usize, stored.len(), "one audit event per stored agency");
        let out = simpul(&app).args(["audit", "verify"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

both! {
    async fn a_half_sent_request_neither_holds_a_connection_nor_the_shutdown(app) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut server, addr) = start_server(&app, &[("SIMPUL_HEADER_TIMEOUT_SECONDS", "1"), ("SIMPUL_SHUTDOWN_TIMEOUT_SECONDS", "2")]).await;
        // Headers that never end: the server closes the connection after the header timeout.
        let started = std::time::Instant::now();
        let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
        slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        let mut buf = vec![];
        let read = tokio::time::timeout(std::time::Duration::from_secs(10), slow.read_to_end(&mut buf)).await;
        assert!(read.is_ok(), "the connection was closed by the server");
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
        // A body that never ends holds a request in flight; SIGTERM still ends the server
        // within its shutdown deadline.
        let token = app.token("admin", Role::DinasAdmin, None).await;
        let mut stuck = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let head = format!("POST /api/v1/agencies HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"name\":");
        stuck.write_all(head.as_bytes()).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let pid = server.id().unwrap();
        let stopping = std::time::Instant::now();
        assert!(Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap().success());
        let exited = tokio::time::timeout(std::time::Duration::from_secs(15), server.wait()).await;
        assert!(exited.is_ok(), "SIGTERM ends the server despite a request in flight");
        assert!(stopping.elapsed() < std::time::Duration::from_secs(6), "within the deadline: {:?}", stopping.elapsed());
        drop(stuck);
    }
}

mod sigterm_during_an_import_rolls_it_back_and_the_next_instance_runs_it {
    use super::*;
    use std::time::{Duration, Instant};

    async fn run(app: TestApp) {
        app.demo().await;
        let dinkes = app.agency_id("DINKES").await;
        app.account("op.import", Role::AgencyOperator, Some(dinkes))
            .await;
        let reader = app.token("reader", Role::DinasAdmin, None).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "op.import").await;
        let (mut server, addr) =
            start_server(&app, &[("SIMPUL_SHUTDOWN_TIMEOUT_SECONDS", "2")]).await;
        let on_server = |path: &str| format!("http://{addr}{path}");
        let rows = 8000;
        let server_base = format!("http://{addr}");
        let csv = test_support::imports::devices_csv("Impor Uji", rows);
        let job =
            test_support::imports::start_import(&browser, &csrf, (&server_base, &server_base), csv)
                .await;
        // Wait until rows are being written (the running instance's page counts them).
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let page = browser
                .get(on_server(&job))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(
                !page.contains("baris diimpor"),
                "the import finished before it could be interrupted"
            );
            if page
                .split("value=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .is_some_and(|v| v != "0")
            {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the import did not start: {page}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let pid = server.id().unwrap();
        let stopping = Instant::now();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status()
                .unwrap()
                .success()
        );
        tokio::time::timeout(Duration::from_secs(15), server.wait())
            .await
            .unwrap_or_else(|_| panic!("SIGTERM ends the server"))
            .unwrap();
        assert!(
            stopping.elapsed() < Duration::from_secs(6),
            "within the deadline: {:?}",
            stopping.elapsed()
        );
        // Nothing of the import remains, and its job is not marked done.
        let (_, listed) = api(
            Method::GET,
            app.url("/api/v1/devices?per_page=1&q=Laptop%20Impor%20Uji"),
            Some(&reader),
            None,
        )
        .await;
        assert_eq!(listed["total"], 0, "rolled back as a whole");
        let page = browser
            .get(app.url(&job))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!page.contains("baris diimpor"), "{page}");
        // Once its heartbeat is old, the next instance takes the job up again and finishes it.
        assert_eq!(
            app.db(kernel::jobs::backdate_heartbeats).await.unwrap(),
            1,
            "the job is still running, to the database"
        );
        let next = app.another().await;
        test_support::imports::wait_until_imported(&browser, &next.url(&job), rows).await;
        // Asked from the last page: a list counts 1,000 past the page it shows.
        let (_, listed) = api(
            Method::GET,
            app.url("/api/v1/devices?per_page=200&page=40&q=Laptop%20Impor%20Uji"),
            Some(&reader),
            None,
        )
        .await;
        assert_eq!(listed["total_exact"], true);
        assert_eq!(listed["total"], rows, "imported once, whole");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(TestApp::without_worker(db::Backend::Sqlite).await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(TestApp::without_worker(db::Backend::Postgres).await).await;
    }
}

both! {
    async fn an_auditor_filters_the_trail_by_period_agency_and_action_chosen_from_lists(app) {
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let mut ids = vec![];
        for (code, name) in [("DINKES", "Dinas Kesehatan"), ("DISDIK", "Dinas Pendidikan")] {
            let (st, a) = api(Method::POST, app.url("/api/v1/agencies"), Some(&admin), Some(json!({"name": name, "code": code, "kind": "dinas"}))).await;
            assert_eq!(st, 201, "{a}");
            ids.push(a["id"].as_str().unwrap().to_owned());
        }
        let token = app.token("inspektur", Role::Auditor, None).await;
        let list = |query: String| {
            let token = token.clone();
            let url = app.url(&format!("/api/v1/audit-events?{query}"));
            async move { api(Method::GET, url, Some(&token), None).await }
        };
        // By agency and action: only that agency's creation.
        let (st, one) = list(format!("action=agency.create&agency_id={}", ids[0])).await;
        assert_eq!((st, &one["total"]), (200, &json!(1)), "{one}");
        assert_eq!(one["items"][0]["record_id"], ids[0].as_str());
        // By period, in days: today holds both, tomorrow nothing, a malformed day is refused.
        // Days are the region's (WIB until its profile says otherwise), not UTC's.
        let today = (chrono::Utc::now() + chrono::TimeDelta::hours(7)).date_naive();
        let tomorrow = today.succ_opt().unwrap();
        let (_, both_) = list(format!("action=agency.create&from={today}&to={today}")).await;
        assert_eq!(both_["total"], 2, "{both_}");
        let (_, none) = list(format!("from={tomorrow}")).await;
        assert_eq!(none["total"], 0, "{none}");
        let (st, e) = list("from=2026-13-40".into()).await;
        assert_eq!(st, 400, "{e}");
        // The page offers the actions, the kinds of record and the agencies as readable choices.
        let browser = app.browser();
        app.account("dinas", Role::DinasAdmin, None).await;
        app.sign_in(&browser, "dinas").await;
        let page = browser.get(app.url("/audit")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(r#"<option value="agency.create">Perangkat daerah ditambahkan</option>"#), "{page}");
        assert!(page.contains(r#"<option value="agency">Perangkat daerah</option>"#), "{page}");
        assert!(page.contains("DINKES — Dinas Kesehatan") && page.contains(r#"type="date" id="from""#), "{page}");
        let page = browser.get(app.url(&format!("/audit?agency_id={}", ids[1]))).send().await.unwrap().text().await.unwrap();
        // Each agency is named once in the picker; only the chosen one's event is in the table.
        assert_eq!((page.matches(ids[0].as_str()).count(), page.matches(ids[1].as_str()).count() > 1), (1, true), "{page}");
        // The table says what happened in words, not in the trail's codes.
        assert!(page.matches("Perangkat daerah ditambahkan").count() >= 2 && !page.contains("<code>agency.create</code>"), "{page}");
        // It links each event to its record's page and says what changed, not the stored JSON.
        assert!(page.contains(&format!(r#"<a href="/agencies/{}">Perangkat daerah</a>"#, ids[1])), "{page}");
        assert!(page.contains("Dibuat: ") && !page.contains("{&quot;after&quot;") && !page.contains(r#"{"after""#), "{page}");
    }
}
