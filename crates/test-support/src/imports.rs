//! The registry's import, driven as a person does it: a CSV uploaded and previewed on the
//! import page, then confirmed, then followed on its job page.

use crate::csrf_of;

/// A device CSV of `n` DINKES rows; names and serials start with `tag`.
pub fn devices_csv(tag: &str, n: usize) -> Vec<u8> {
    let mut csv = String::from("agency_code,kind,name,serial,funding_source,location\n");
    for i in 0..n {
        csv.push_str(&format!(
            "DINKES,end_user,Laptop {tag}-{i},{tag}-{i:06},apbd,Gudang\n"
        ));
    }
    csv.into_bytes()
}

/// Uploads `csv` as devices and previews it on the instance at `preview_on` (a base URL), then
/// confirms it on the one at `confirm_on`, as the signed-in `browser`; returns the job page's
/// path.
#[expect(clippy::unwrap_used, reason = "a test fails loudly")]
pub async fn start_import(
    browser: &reqwest::Client,
    csrf: &str,
    (preview_on, confirm_on): (&str, &str),
    csv: Vec<u8>,
) -> String {
    let form = reqwest::multipart::Form::new()
        .text("kind", "devices")
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv).file_name("devices.csv"),
        );
    let preview = browser
        .post(format!("{preview_on}/registry/import?_csrf={csrf}"))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let sha = preview
        .split("name=\"sha\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_else(|| panic!("no preview: {preview}"))
        .to_owned();
    let started = browser
        .post(format!("{confirm_on}/registry/import/confirm"))
        .form(&[
            ("_csrf", csrf_of(&preview)),
            ("kind", "devices".into()),
            ("sha", sha),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 303, "the import was not started");
    started
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap()
        .to_owned()
}

/// Follows the job page at `url` until it says `rows` rows were imported; panics after a
/// minute and a half with the last page.
#[expect(clippy::unwrap_used, reason = "a test fails loudly")]
pub async fn wait_until_imported(browser: &reqwest::Client, url: &str, rows: usize) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
    loop {
        let page = browser.get(url).send().await.unwrap().text().await.unwrap();
        if page.contains(&format!("{rows} baris diimpor")) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the import did not finish: {page}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
