//! Uploaded spreadsheets cannot take the server down (issue 11, item 1), on SQLite and
//! PostgreSQL: a 1.5 KB workbook naming the sheet's last cell is refused with a 422 that says the
//! limits — through the API and the import page — while the server keeps answering; read-only
//! roles are refused before their upload is read.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on an unexpected shape"
)]

use kernel::permissions::Role;
use test_support::{Value, both};

/// A workbook of a few kilobytes whose one value sits in XFD1048576: read as a dense range it
/// needs hundreds of gigabytes.
fn last_cell_workbook() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, name) in ["agency_code", "kind", "name", "funding_source", "location"]
        .iter()
        .enumerate()
    {
        sheet
            .write_string(0, u16::try_from(col).unwrap(), *name)
            .unwrap();
    }
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    book.save_to_buffer().unwrap()
}

both! {
    async fn a_workbook_naming_the_last_cell_is_refused_and_the_server_keeps_answering(app) {
        let dinkes = app.agency("DINKES").await;
        let op = app.token("op.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        let leader = app.token("leader", Role::Leader, None).await;
        let bomb = last_cell_workbook();
        assert!(bomb.len() < 10_000);
        let send = |token: String, body: Vec<u8>| {
            let url = app.url("/api/v1/devices/import?dry_run=true");
            async move {
                let resp = reqwest::Client::new().post(url).bearer_auth(token).body(body).send().await.unwrap();
                let status = resp.status().as_u16();
                (status, resp.json::<Value>().await.unwrap())
            }
        };
        let started = std::time::Instant::now();
        let (status, e) = send(op.clone(), bomb.clone()).await;
        assert_eq!((status, e["error"]["code"].as_str()), (422, Some("invalid")), "{e}");
        let message = e["error"]["details"][0]["message"].as_str().unwrap_or_default().to_owned();
        assert!(message.contains("100000") || message.contains("100.000") || message.contains("100,000"), "{e}");
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
        assert_eq!(send(leader, bomb.clone()).await.0, 403, "read-only roles never reach the parser");
        let health = reqwest::get(app.url("/healthz")).await.unwrap();
        assert_eq!(health.status(), 200);

        // The import page says the same, in the form's summary.
        app.account("op.web", Role::AgencyOperator, Some(dinkes)).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "op.web").await;
        let form = reqwest::multipart::Form::new().text("kind", "devices")
            .part("file", reqwest::multipart::Part::bytes(bomb).file_name("perangkat.xlsx"));
        let resp = browser.post(app.url("/registry/import")).header("x-csrf-token", &csrf).multipart(form).send().await.unwrap();
        assert_eq!(resp.status(), 422);
        let summary = test_support::error_summary_of(&resp.text().await.unwrap());
        assert_eq!(summary.len(), 1, "{summary:?}");
        assert!(summary[0].1.contains("terlalu besar"), "{summary:?}");
    }
}
