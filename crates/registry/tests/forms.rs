//! Every data-entry form of the registry, on SQLite and PostgreSQL: three (or more) bad fields
//! come back at once, in the form's order, each summary line naming its field in Indonesian,
//! and nothing is written.
#![expect(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    reason = "a test fails loudly on an unexpected shape"
)]

use kernel::permissions::Role;
use reqwest::Method;
use test_support::{api, both};

both! {
    async fn each_registry_form_names_every_bad_field(app) {
        let dinkes = app.agency("DINKES").await.to_string();
        app.account("admin", Role::DinasAdmin, None).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "admin").await;

        app.form_refused(&browser, &csrf, "/registry/applications/new", &[
            ("agency_id", &dinkes), ("name", ""), ("kind", ""), ("purpose", "Pendaftaran pasien"),
            ("users", "Puskesmas"), ("lifecycle", "production"), ("funding_source", "apbd"),
            ("funding_amount", "banyak"), ("hosting", "dinas_dc"), ("security_level", "tinggi"),
        ], &[("name", "Masukkan nama aplikasi."), ("kind", "Pilih jenis."), ("funding_amount", "Nilai (Rupiah): Tulis nilai dalam angka Rupiah, tidak negatif.")]).await;
        app.form_refused(&browser, &csrf, "/registry/vendors/new", &[
            ("agency_id", &dinkes), ("name", ""), ("contract_start", "kemarin"), ("contract_end", "2020-01-01"),
        ], &[("name", "Masukkan nama perusahaan."), ("contract_number", "Masukkan nomor kontrak."), ("contract_start", "Kontrak mulai: Tulis tanggal dengan format TTTT-BB-HH.")]).await;
        app.form_refused(&browser, &csrf, "/registry/devices/new", &[
            ("agency_id", &dinkes), ("kind", ""), ("name", "Router inti"), ("acquired_on", "2024-13-01"),
            ("funding_source", "apbd"), ("location", ""), ("maintenance_months", "-1"),
        ], &[("kind", "Pilih jenis."), ("acquired_on", "Tanggal perolehan: Tulis tanggal dengan format TTTT-BB-HH."), ("location", "Masukkan lokasi."), ("maintenance_months", "Pemeliharaan setiap (bulan): Tulis bilangan bulat 1–120.")]).await;
        app.form_refused(&browser, &csrf, "/registry/servers/new", &[
            ("agency_id", &dinkes), ("name", ""), ("kind", "mainframe"), ("site", "dinas_dc"), ("cpu_cores", "dua"),
        ], &[("name", "Masukkan nama host."), ("kind", "Pilih jenis."), ("cpu_cores", "Inti CPU: Tulis bilangan bulat 1–4096."), ("memory_gb", "Masukkan memori (GB)."), ("storage_gb", "Masukkan penyimpanan (GB).")]).await;
        app.form_refused(&browser, &csrf, "/registry/hosting/new", &[
            ("application_id", ""), ("cpu_cores", "0"), ("memory_gb", "x"), ("storage_gb", "10"), ("note", ""),
        ], &[("application_id", "Pilih aplikasi."), ("cpu_cores", "Inti CPU: Tulis bilangan bulat 1–256."), ("memory_gb", "Memori (GB): Tulis bilangan bulat 1–4096."), ("note", "Masukkan keterangan.")]).await;
        app.form_refused(&browser, &csrf, "/registry/master-plan", &[
            ("title", ""), ("period_start", "20x5"), ("adopted_on", "besok"),
        ], &[("title", "Masukkan judul."), ("period_start", "Tahun awal: Tulis tahun dengan empat angka."), ("adopted_on", "Tanggal penetapan: Tulis tanggal dengan format TTTT-BB-HH.")]).await;

        let reader = app.token("reader", Role::Leader, None).await;
        for path in ["applications", "vendors", "devices", "servers", "hosting-requests"] {
            let (_, list) = api(Method::GET, app.url(&format!("/api/v1/{path}")), Some(&reader), None).await;
            assert_eq!(list["total"], 0, "{path}: nothing written: {list}");
        }
        let (_, plan) = api(Method::GET, app.url("/api/v1/master-plan"), Some(&reader), None).await;
        assert!(plan["plan"].is_null(), "no plan written: {plan}");
    }
}

both! {
    async fn amounts_are_typed_as_printed_and_shown_as_rupiah(app) {
        let dinkes = app.agency("DINKES").await.to_string();
        app.account("admin", Role::DinasAdmin, None).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "admin").await;
        let form = browser.get(app.url("/registry/applications/new")).send().await.unwrap().text().await.unwrap();
        let input = form.split("id=\"funding_amount\"").nth(1).unwrap().split('>').next().unwrap().to_owned();
        assert!(input.contains("inputmode=\"numeric\""), "a phone shows its number keypad: {input}");
        assert!(input.contains("aria-describedby=\"funding_amount-hint\""), "the hint is linked: {input}");

        let resp = browser.post(app.url("/registry/applications/new")).form(&[
            ("_csrf", csrf.as_str()), ("agency_id", &dinkes), ("name", "SIMPUS"), ("kind", "umum"),
            ("purpose", "Pendaftaran pasien"), ("users", "Puskesmas"), ("lifecycle", "production"),
            ("funding_source", "apbd"), ("funding_amount", "Rp 150.000.000"), ("hosting", "dinas_dc"),
            ("security_level", "tinggi"),
        ]).send().await.unwrap();
        let status = resp.status().as_u16();
        let location = resp.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
        let body = resp.text().await.unwrap();
        assert_eq!(status, 303, "{}", test_support::error_summary_of(&body).iter().map(|(f, t)| format!("{f}: {t}")).collect::<Vec<_>>().join("; "));
        let page = browser.get(app.url(&location.unwrap())).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Rp150.000.000"), "the amount as rupiah");
        let reader = app.token("reader", Role::Leader, None).await;
        let (_, list) = api(Method::GET, app.url("/api/v1/applications"), Some(&reader), None).await;
        assert_eq!(list["items"][0]["funding_amount"], 150_000_000, "{list}");
    }
}
