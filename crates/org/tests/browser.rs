//! In a real headless Chromium, with no JavaScript needed for any step: a person signs in,
//! switches to English, registers an agency (after a mistake the error summary names) and finds
//! it in the list.

use kernel::permissions::Role;
use test_support::browser::{
    Locator, chromium, click, error_summary, fill, heading_becomes, screenshot, text_of,
};
use test_support::{PASSWORD, TestApp};

const SHOTS: &str = env!("CARGO_TARGET_TMPDIR");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_sign_in_switch_language_create_agency() {
    let app = TestApp::sqlite().await;
    app.account("admin", Role::DinasAdmin, None).await;
    let c = chromium().await;

    c.goto(&app.url("/agencies")).await.unwrap();
    assert!(
        c.current_url()
            .await
            .unwrap()
            .as_str()
            .contains("/sign-in?next=")
    );
    heading_becomes(&c, "Masuk").await;
    fill(&c, "login", "admin").await;
    fill(&c, "password", PASSWORD).await;
    click(&c, "main button[type=submit]").await;
    heading_becomes(&c, "Perangkat Daerah").await;
    assert!(
        c.current_url().await.unwrap().path().ends_with("/agencies"),
        "back where the visitor wanted to go"
    );

    click(&c, "button[name=lang]").await;
    heading_becomes(&c, "Agencies").await;

    c.goto(&app.url("/agencies/new")).await.unwrap();
    heading_becomes(&c, "Add an agency").await;
    // First a mistake: the error summary names it, and nothing is saved.
    fill(&c, "name", "Dinas Pariwisata").await;
    fill(&c, "code", "bad code").await;
    click(&c, "main form button").await;
    let summary = error_summary(&c).await;
    assert!(
        summary.contains("Codes are 2–20") && summary.contains("Select kind."),
        "{summary}"
    );
    screenshot(&c, SHOTS, "agency-form-errors").await;
    fill(&c, "code", "DISPAR").await;
    click(&c, "select#kind option[value=dinas]").await;
    click(&c, "main form button").await;
    heading_becomes(&c, "Dinas Pariwisata").await;
    assert!(text_of(&c, ".notice").await.contains("saved"));

    c.goto(&app.url("/agencies")).await.unwrap();
    heading_becomes(&c, "Agencies").await;
    let table = text_of(&c, "main table").await;
    assert!(
        table.contains("DISPAR") && table.contains("Dinas Pariwisata"),
        "{table}"
    );
    assert!(c.find(Locator::Css("main table")).await.is_ok());
    screenshot(&c, SHOTS, "agencies").await;
    c.client.clone().close().await.unwrap();
}
