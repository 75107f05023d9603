//! An agency operator registers an application in headless Chromium, the Dinas approves it,
//! and the findings change from "not registered" to what a registered application still owes.

use test_support::TestApp;
use test_support::browser::{
    chromium, click, error_summary, fill, heading_becomes, screenshot, sign_in, text_becomes,
    text_of,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_register_an_application_and_approve_it() {
    let app = TestApp::sqlite().await;
    app.demo().await;
    let c = chromium().await;
    let pw = accounts::demo::DEMO_PASSWORD;
    sign_in(&c, &app, "op.dinkes", pw).await;
    c.goto(&app.url("/registry/applications/new"))
        .await
        .unwrap();
    heading_becomes(&c, "Registrasi aplikasi baru").await;
    fill(&c, "name", "Pendaftaran Pasien Online").await;
    fill(&c, "purpose", "Pendaftaran pasien puskesmas dari rumah").await;
    fill(&c, "users", "Masyarakat dan puskesmas").await;
    click(&c, "select#lifecycle option[value=production]").await;
    click(&c, "#open_source").await;
    fill(&c, "licence", "GPL-3.0").await;
    fill(&c, "production_url", "https://pasien.sukamajukab.go.id").await;
    click(&c, "main form button.button").await;
    heading_becomes(&c, "Pendaftaran Pasien Online").await;
    let before = text_of(&c, "ul.findings").await;
    assert!(before.contains("tanpa registrasi"), "{before}");
    // Submitting without confirming is refused with a message; confirmed, it goes to the Dinas.
    click(&c, "form[action$='/action'] button.button").await;
    let summary = error_summary(&c).await;
    assert!(summary.contains("Centang pernyataan"), "{summary}");
    click(&c, "#confirm").await;
    click(&c, "form[action$='/action'] button.button").await;
    heading_becomes(&c, "Pendaftaran Pasien Online").await;
    let main = text_becomes(&c, "main", "Menunggu pemeriksaan").await;
    assert!(main.contains("Menunggu pemeriksaan"), "{main}");
    // Read only now: until the submission's redirect arrives, the address is still the
    // refused form's `/action`.
    let url = c.current_url().await.unwrap().to_string();
    assert!(!url.ends_with("/action"), "{url}");
    sign_in(&c, &app, "admin", pw).await;
    c.goto(&url).await.unwrap();
    // Documents are missing: approving asks to confirm that first, and changes nothing until then.
    click(&c, "button[value=approve]").await;
    let summary = error_summary(&c).await;
    assert!(summary.contains("Baru 0 dari 9 dokumen"), "{summary}");
    click(&c, "#confirm-approve").await;
    click(&c, "button[value=approve]").await;
    let main = text_becomes(&c, "main", "Terdaftar").await;
    assert!(main.contains("Terdaftar"), "{main}");
    let after = text_of(&c, "ul.findings").await;
    assert!(
        !after.contains("tanpa registrasi") && after.contains("kesembilan dokumen teknis"),
        "{after}"
    );
    assert!(
        after.contains("Pasal 16 ayat (3) Peraturan Bupati Sukamaju"),
        "{after}"
    );
    c.goto(&app.url("/compliance")).await.unwrap();
    heading_becomes(&c, "Kepatuhan terhadap peraturan").await;
    let table = text_of(&c, "main").await;
    assert!(
        table.contains("Pendaftaran Pasien Online") && table.contains("DINKES"),
        "{table}"
    );
    screenshot(&c, env!("CARGO_TARGET_TMPDIR"), "compliance").await;
    c.client.clone().close().await.unwrap();
}

/// On a 390 px phone the pages fit the screen: nothing scrolls sideways, the menu is folded
/// into one line that opens, lists are cards whose cells name their column, and the charts'
/// labels stay readable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_fit_a_phone() {
    let app = TestApp::sqlite().await;
    app.demo().await;
    let c = chromium().await;
    sign_in(&c, &app, "admin", accounts::demo::DEMO_PASSWORD).await;
    c.set_window_size(390, 844).await.unwrap();
    let width = c.execute("return window.innerWidth", vec![]).await.unwrap();
    let width = width.as_f64().unwrap();
    assert!(width <= 400.0, "a phone's width: {width}");
    let (mut cards, mut charts) = (0, 0);
    for path in [
        "/registry/applications",
        "/registry/devices",
        "/people",
        "/compliance",
        "/audit",
        "/",
        "/import",
        "/registry/import",
    ] {
        c.goto(&app.url(path)).await.unwrap();
        let facts = c
            .execute(
                r#"const wide = document.querySelector('.menu-wide');
                   const nav = document.querySelector('nav.nav');
                   const cell = document.querySelector('table.stack td');
                   const label = document.querySelector('svg.chart text');
                   return {
                     overflow: document.documentElement.scrollWidth - window.innerWidth,
                     wideMenu: wide ? getComputedStyle(wide).display : 'none',
                     navHeight: nav ? nav.getBoundingClientRect().height : 0,
                     cellLabel: cell ? getComputedStyle(cell, '::before').content : null,
                     cellRight: cell ? cell.getBoundingClientRect().right - window.innerWidth : 0,
                     chartFont: label ? label.getBoundingClientRect().height : null,
                   };"#,
                vec![],
            )
            .await
            .unwrap();
        assert!(
            facts["overflow"].as_f64().unwrap() <= 0.0,
            "{path} scrolls sideways: {facts}"
        );
        assert_eq!(
            facts["wideMenu"], "none",
            "{path}: the full menu is folded: {facts}"
        );
        assert!(
            facts["navHeight"].as_f64().unwrap() < 60.0,
            "{path}: the menu takes one line: {facts}"
        );
        if !facts["cellLabel"].is_null() {
            cards += 1;
            assert!(
                facts["cellLabel"].as_str().unwrap().len() > 2,
                "{path}: each cell names its column: {facts}"
            );
            assert!(
                facts["cellRight"].as_f64().unwrap() <= 0.0,
                "{path}: cards fit: {facts}"
            );
        }
        if let Some(h) = facts["chartFont"].as_f64() {
            charts += 1;
            assert!(
                h >= 11.0,
                "{path}: chart labels stay legible ({h} px): {facts}"
            );
        }
    }
    assert!(
        cards >= 5 && charts >= 2,
        "the lists were cards ({cards}) and the charts seen ({charts})"
    );
    // The folded menu opens without JavaScript's help and leads on.
    c.goto(&app.url("/registry/devices")).await.unwrap();
    click(&c, "details.menu-phone > summary").await;
    click(&c, "details.menu-phone a[href='/compliance']").await;
    heading_becomes(&c, "Kepatuhan terhadap peraturan").await;
}
