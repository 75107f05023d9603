//! Every data-entry form of the registry, on SQLite and PostgreSQL: three (or more) bad fields
//! come back at once, in the form's order, each summary line naming its field in Indonesian,
//! and nothing is written.
#![expect(
    clippy::indexing_slicing,
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
