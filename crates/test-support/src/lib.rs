//! `TestApp`: the whole application served on a random local port over a fresh database —
#![expect(
    clippy::expect_used,
    reason = "test harness: a failed setup must abort the test loudly"
)]
//! a new SQLite file or a new PostgreSQL schema — with request helpers. The [`both!`] macro
//! instantiates a test once per backend, so every storage test runs on both.

pub mod access;
pub mod browser;
pub mod imports;
pub mod s3;

use std::net::SocketAddr;

use accounts::NewUser;
use db::Backend;
use diesel::Connection;
use kernel::AppState;
use kernel::audit::Actor;
use kernel::config::Config;
use kernel::ids::AgencyId;
use kernel::permissions::{Role, RoleGrant};
use kernel::state::write_tx;

pub use reqwest;
pub use serde_json::{Value, json};

/// The PostgreSQL server tests use unless `TEST_DATABASE_URL` says otherwise.
pub const DEFAULT_PG: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Password of every account a test creates.
pub const PASSWORD: &str = "test-password-123";

/// Removes what a test's database left behind.
enum Cleanup {
    Dir(#[expect(dead_code, reason = "held for its Drop")] tempfile::TempDir),
    Schema {
        admin_url: String,
        schema: String,
    },
    /// A second instance on another's database: the first one cleans up.
    Nothing,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Cleanup::Schema { admin_url, schema } = self
            && let Ok(mut conn) = diesel::PgConnection::establish(admin_url)
        {
            let _ = diesel::connection::SimpleConnection::batch_execute(
                &mut conn,
                &format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
            );
        }
    }
}

/// A running application on its own database.
pub struct TestApp {
    /// Base URL, e.g. `http://127.0.0.1:40123`.
    pub base: String,
    /// The listening address.
    pub addr: SocketAddr,
    /// The shared state (pool, config) for direct checks.
    pub state: AppState,
    /// Which backend this instance runs on.
    pub backend: Backend,
    _cleanup: Cleanup,
}

impl TestApp {
    /// On a fresh SQLite file.
    pub async fn sqlite() -> Self {
        Self::fresh(Backend::Sqlite, true).await
    }

    /// On a fresh schema of the PostgreSQL at `TEST_DATABASE_URL` (default [`DEFAULT_PG`]).
    pub async fn postgres() -> Self {
        Self::fresh(Backend::Postgres, true).await
    }

    /// On a fresh database of `backend` but without a background-job worker: jobs enqueued
    /// through it wait for another instance (an instance that stopped before running them).
    pub async fn without_worker(backend: Backend) -> Self {
        Self::fresh(backend, false).await
    }

    /// A second instance (its own port, pool, caches and job worker) on this one's database and
    /// data directory, as a load balancer would put beside it.
    pub async fn another(&self) -> Self {
        Self::start(
            self.state.config.database_url.clone(),
            self.state.config.data_dir.clone(),
            self.backend,
            Cleanup::Nothing,
            true,
            &[],
        )
        .await
    }

    /// On a fresh database of `backend`, with these settings (`SIMPUL_*` names) on top of the
    /// test defaults.
    pub async fn with_settings(backend: Backend, settings: &[(&str, &str)]) -> Self {
        Self::fresh_with(backend, true, settings).await
    }

    /// Another instance on this one's database, with its own data directory and these
    /// settings: an instance on another machine, sharing only the database and what the
    /// settings name.
    pub async fn elsewhere(&self, settings: &[(&str, &str)]) -> (Self, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temp dir");
        let app = Self::start(
            self.state.config.database_url.clone(),
            dir.path().to_path_buf(),
            self.backend,
            Cleanup::Nothing,
            true,
            settings,
        )
        .await;
        (app, dir)
    }

    async fn fresh(backend: Backend, worker: bool) -> Self {
        Self::fresh_with(backend, worker, &[]).await
    }

    async fn fresh_with(backend: Backend, worker: bool, settings: &[(&str, &str)]) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("simpul.db").display());
                Self::start(
                    url,
                    dir.path().to_path_buf(),
                    Backend::Sqlite,
                    Cleanup::Dir(dir),
                    worker,
                    settings,
                )
                .await
            }
            Backend::Postgres => Self::fresh_postgres(worker, settings).await,
        }
    }

    async fn fresh_postgres(worker: bool, settings: &[(&str, &str)]) -> Self {
        let admin_url =
            std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_PG.to_owned());
        let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
        let mut conn = diesel::PgConnection::establish(&admin_url).unwrap_or_else(|e| {
            panic!(
                "PostgreSQL half: cannot connect to {admin_url} ({e}). Start PostgreSQL or set TEST_DATABASE_URL; \
                 outside CI, scripts/test skips this half and says so."
            )
        });
        diesel::connection::SimpleConnection::batch_execute(
            &mut conn,
            &format!("CREATE SCHEMA {schema}"),
        )
        .expect("create test schema");
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        let url = format!("{admin_url}{sep}options=-csearch_path%3D{schema}");
        let dir = std::env::temp_dir();
        Self::start(
            url,
            dir,
            Backend::Postgres,
            Cleanup::Schema { admin_url, schema },
            worker,
            settings,
        )
        .await
    }

    /// On the given backend.
    pub async fn on(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Self::sqlite().await,
            Backend::Postgres => Self::postgres().await,
        }
    }

    async fn start(
        database_url: String,
        data_dir: std::path::PathBuf,
        backend: Backend,
        cleanup: Cleanup,
        worker: bool,
        settings: &[(&str, &str)],
    ) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        // The test's own settings win over the defaults below.
        let given = |k: &str| {
            settings
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| (*v).to_owned())
        };
        let config = Config::from_env_only(|k| {
            given(k).or_else(|| match k {
                "SIMPUL_DATABASE_URL" => Some(database_url.clone()),
                "SIMPUL_DATA_DIR" => Some(data_dir.display().to_string()),
                "SIMPUL_HTTP_ADDR" => Some(addr.to_string()),
                // The test client stands in for the reverse proxy: a request may say, in
                // `X-Forwarded-For`, which client it carries.
                "SIMPUL_TRUSTED_PROXIES" => Some("127.0.0.1".into()),
                _ => None,
            })
        })
        .expect("test config");
        let state = tokio::task::spawn_blocking(move || simpul::build_state(config))
            .await
            .expect("join")
            .expect("build state");
        // The contexts' own servers (DNS) when the test's settings ask for them.
        state
            .modules
            .start_listeners(&state)
            .await
            .expect("start listeners");
        if worker {
            kernel::jobs::spawn_worker(state.clone());
        }
        // The server the binary runs (timeouts, connection cap), not a test stand-in.
        tokio::spawn(simpul::serve(
            listener,
            state.clone(),
            std::future::pending(),
        ));
        Self {
            base: format!("http://{addr}"),
            addr,
            state,
            backend,
            _cleanup: cleanup,
        }
    }

    /// A full URL for a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a request's head alone over a plain connection and reads the whole answer: for
    /// refusals made from the declared length, where a client still writing the body may see
    /// the connection closed under it (a broken pipe) before it reads the answer.
    pub async fn send_head(&self, head: &str) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut tcp = tokio::net::TcpStream::connect(self.addr)
            .await
            .expect("connect");
        tcp.write_all(head.as_bytes()).await.expect("write");
        let mut out = String::new();
        tcp.read_to_string(&mut out).await.expect("read");
        out
    }

    /// Runs a closure on a pooled connection.
    pub async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut db::DbConn) -> T + Send + 'static,
    ) -> T {
        let pool = self.state.pool.clone();
        tokio::task::spawn_blocking(move || f(&mut pool.get().expect("connection")))
            .await
            .expect("join")
    }

    /// Loads the demo region.
    pub async fn demo(&self) {
        self.db(|c| simpul::load_demo(c).expect("demo")).await;
    }

    /// Creates an agency directly (as the system) and returns its id.
    pub async fn agency(&self, code: &str) -> AgencyId {
        let code = code.to_owned();
        self.db(move |c| {
            let draft = org::model::AgencyDraft {
                name: format!("Dinas {code}"),
                code: code.clone(),
                kind: "dinas".into(),
                is_dinas: false,
                egov_unit: None,
            };
            let row = write_tx(c, |tx| {
                org::service::create_agency(tx, &Actor::system("test"), &draft)
            })
            .expect("agency");
            row.id
        })
        .await
    }

    /// The id of an existing agency (the demo's, say) by its code.
    pub async fn agency_id(&self, code: &str) -> AgencyId {
        let code = code.to_owned();
        self.db(move |c| {
            org::directory::agency_by_code(c, &code)
                .expect("query")
                .expect("agency exists")
                .id
        })
        .await
    }

    /// Creates an account with one role and returns an API token for it.
    pub async fn token(&self, login: &str, role: Role, agency: Option<AgencyId>) -> String {
        self.account(login, role, agency).await;
        let login = login.to_owned();
        self.db(move |c| {
            let user = accounts::find_user(c, &login)
                .expect("query")
                .expect("user");
            accounts::create_token(c, user.id, "test").expect("token")
        })
        .await
    }

    /// Creates an account with one role (password [`PASSWORD`]).
    pub async fn account(&self, login: &str, role: Role, agency: Option<AgencyId>) {
        let login = login.to_owned();
        self.db(move |c| {
            let new = NewUser {
                login: &login,
                name: &login,
                password: PASSWORD,
                person_id: None,
                grants: vec![RoleGrant { role, agency }],
            };
            write_tx(c, |tx| {
                accounts::register_user(tx, &Actor::system("test"), &new)
            })
            .expect("account");
        })
        .await;
    }

    /// A client that keeps cookies and does not follow redirects.
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// Submits the sign-in form as a person would (the page first, for its anti-forgery
    /// token), going on to `next`; returns the answer, whatever it is.
    pub async fn sign_in_attempt(
        &self,
        client: &reqwest::Client,
        login: &str,
        password: &str,
        next: &str,
    ) -> reqwest::Response {
        let page = client
            .get(self.url("/sign-in"))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("body");
        let csrf = csrf_of(&page);
        client
            .post(self.url("/sign-in"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("login", login),
                ("password", password),
                ("next", next),
            ])
            .send()
            .await
            .expect("post")
    }

    /// Signs a browser client in; returns the session's anti-forgery token.
    pub async fn sign_in(&self, client: &reqwest::Client, login: &str) -> String {
        let resp = self.sign_in_attempt(client, login, PASSWORD, "/").await;
        assert_eq!(resp.status(), 303, "sign-in of {login} should redirect");
        let home = client
            .get(self.url("/account"))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("body");
        csrf_of(&home)
    }
}

/// The cells of a workbook's sheet, as text, row by row.
pub fn xlsx_sheet(bytes: &[u8], sheet: &str) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("a workbook");
    let range = book.worksheet_range(sheet).expect("the sheet");
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// The XML of a workbook's `n`th sheet (1-based), where its drop-downs are declared.
pub fn xlsx_sheet_xml(bytes: &[u8], n: usize) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let mut xml = String::new();
    zip.by_name(&format!("xl/worksheets/sheet{n}.xml"))
        .expect("the sheet")
        .read_to_string(&mut xml)
        .expect("text");
    xml
}

/// Text of an HTML fragment as a person reads it: the few entities askama writes, decoded.
pub fn unescape(html: &str) -> String {
    html.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The page's error summary, item by item: the field each links to and what it says.
pub fn error_summary_of(html: &str) -> Vec<(String, String)> {
    let Some(summary) = html
        .split("class=\"error-summary\"")
        .nth(1)
        .and_then(|s| s.split("</ul>").next())
    else {
        return vec![];
    };
    summary
        .split("<li><a href=\"#")
        .skip(1)
        .filter_map(|item| {
            let (field, rest) = item.split_once("\">")?;
            let text = rest.split("</a>").next()?;
            Some((field.to_owned(), unescape(text)))
        })
        .collect()
}

impl TestApp {
    /// Posts a page's form as the signed-in browser would (with its anti-forgery token);
    /// returns the status and the page that came back.
    pub async fn post_form(
        &self,
        browser: &reqwest::Client,
        csrf: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (u16, String) {
        let mut body = vec![("_csrf", csrf)];
        body.extend_from_slice(fields);
        let resp = browser
            .post(self.url(path))
            .form(&body)
            .send()
            .await
            .expect("post");
        let status = resp.status().as_u16();
        (status, resp.text().await.expect("body"))
    }

    /// Posts a form that must come back (422) with exactly these summary lines, in this order.
    pub async fn form_refused(
        &self,
        browser: &reqwest::Client,
        csrf: &str,
        path: &str,
        fields: &[(&str, &str)],
        expected: &[(&str, &str)],
    ) {
        let (status, html) = self.post_form(browser, csrf, path, fields).await;
        let summary = error_summary_of(&html);
        assert_eq!(status, 422, "{path}: {summary:?}");
        let got: Vec<(&str, &str)> = summary
            .iter()
            .map(|(f, t)| (f.as_str(), t.as_str()))
            .collect();
        assert_eq!(got, expected, "{path}");
    }
}

/// The anti-forgery token in a page's first form.
pub fn csrf_of(html: &str) -> String {
    html.split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

/// Sends a JSON request with a bearer token; returns status and parsed body.
pub async fn api(
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let client = reqwest::Client::new();
    let mut req = client.request(method, url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("send");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Defines a test that runs once on SQLite and once on PostgreSQL, as
/// `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! both {
    ($(#[$meta:meta])* async fn $name:ident($app:ident) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($app: $crate::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::TestApp::sqlite().await).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                run($crate::TestApp::postgres().await).await
            }
        }
    };
}
