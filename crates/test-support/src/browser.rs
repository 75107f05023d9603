//! Headless Chromium for page tests, through chromedriver (Debian's `chromium` and
//! `chromium-driver`; `.ci/run` installs them), with the few steps every browser test takes.
#![expect(
    clippy::unwrap_used,
    reason = "test harness: a failed browser step must abort the test loudly"
)]

use std::process::{Command, Stdio};

pub use fantoccini::{Client, Locator};

use crate::TestApp;

/// A chromedriver and its Chromium, both stopped when dropped.
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    driver: std::process::Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl std::ops::Deref for Browser {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

/// Starts headless Chromium at 1280 px with an Indonesian civil servant's language settings.
pub async fn chromium() -> Browser {
    let profile = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let driver = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("chromedriver not found ({e}): install Debian's chromium and chromium-driver (.ci/run does)"));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=1280,900", "--lang=id", format!("--user-data-dir={}", profile.path().display())],
            "prefs": {"intl.accept_languages": "id-ID,id"}
        }),
    );
    let mut last = None;
    for _ in 0..50 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match fantoccini::ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => {
                return Browser {
                    client,
                    driver,
                    _profile: profile,
                };
            }
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let mut driver = driver;
    let _ = driver.kill();
    panic!("cannot start Chromium through chromedriver: {last:?}");
}

/// Waits (up to five seconds) for the page heading to read `expected`, riding out the moment
/// between a click and the next page.
pub async fn heading_becomes(c: &Client, expected: &str) {
    let mut seen = String::new();
    for _ in 0..50 {
        if let Ok(h1) = c.find(Locator::Css("h1")).await
            && let Ok(text) = h1.text().await
        {
            if text == expected {
                return;
            }
            seen = text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("heading stayed {seen:?}, expected {expected:?}");
}

/// Fills a field by id.
pub async fn fill(c: &Client, id: &str, text: &str) {
    let el = c.find(Locator::Id(id)).await.unwrap();
    el.clear().await.unwrap();
    el.send_keys(text).await.unwrap();
}

/// Clicks what the CSS selector finds.
pub async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// The text of what the CSS selector finds (empty when nothing matches). An element replaced
/// by a page still loading is looked up again.
pub async fn text_of(c: &Client, css: &str) -> String {
    for _ in 0..50 {
        let Ok(el) = c.find(Locator::Css(css)).await else {
            return String::new();
        };
        if let Ok(text) = el.text().await {
            return text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{css} kept being replaced for five seconds");
}

/// Waits up to five seconds for what the CSS selector finds to contain `needle` (a page that
/// keeps its heading across a submission); returns the last text seen.
pub async fn text_becomes(c: &Client, css: &str, needle: &str) -> String {
    let mut text = String::new();
    for _ in 0..50 {
        text = text_of(c, css).await;
        if text.contains(needle) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    text
}

/// Waits for an error summary and returns its text.
pub async fn error_summary(c: &Client) -> String {
    c.wait()
        .for_element(Locator::Css(".error-summary"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Signs in through the sign-in page and waits for the home page.
pub async fn sign_in(c: &Client, app: &TestApp, login: &str, password: &str) {
    c.delete_all_cookies().await.unwrap();
    c.goto(&app.url("/sign-in")).await.unwrap();
    fill(c, "login", login).await;
    fill(c, "password", password).await;
    click(c, "main button[type=submit]").await;
    heading_becomes(c, "Dasbor").await;
}

/// Saves a screenshot of the current page as `name`.png under the target's temporary
/// directory (`screenshots/`), for a person to look at.
pub async fn screenshot(c: &Client, dir: &str, name: &str) {
    let shots = std::path::Path::new(dir).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write(shots.join(format!("{name}.png")), png).unwrap();
}
