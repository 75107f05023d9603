//! Satu Data end to end on SQLite and PostgreSQL: the access matrix, the dataset form with
//! every bad field answered at once, uploads checked row by row into versions (what changed,
//! a refused file keeping nothing), the query API (filters, keyset pages, groups, downloads),
//! personal columns masked for all but the producing agency, the overdue rule, and the public
//! catalogue as CKAN's client library, a harvester's queries and an RDF library read it.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on an unexpected shape"
)]

use kernel::ids::{AgencyId, PersonId};
use kernel::permissions::Role;
use reqwest::Method;
use test_support::access::{Body, Matrix, form, get, post, put};
use test_support::{TestApp, Value, api, both, json};

fn dataset(agency: AgencyId, slug: &str, classification: &str) -> Value {
    json!({"agency_id": agency.to_string(), "slug": slug, "title": format!("Data {slug}"),
        "topic": "population", "classification": classification, "frequency": "monthly"})
}

fn staff_columns() -> Value {
    json!({"columns": [
        {"name": "nik", "label": "NIK", "kind": "nik", "required": true, "unique": true},
        {"name": "nama", "label": "Nama", "kind": "text", "required": true, "personal": true},
        {"name": "kecamatan", "label": "Kecamatan", "kind": "region_code", "required": true, "indexed": true},
        {"name": "umur", "label": "Umur", "kind": "integer", "min": "0", "max": "130"}
    ]})
}

const STAFF_V1: &str = "nik,nama,kecamatan,umur\n\
3204055205900001,Siti Aminah,32.04.05,36\n\
3204051201850002,Budi Santoso,32.04.05,41\n\
3204061503700003,Ahmad Yani,32.04.06,56\n";

/// Uploads a file through the API and waits until it has been read.
async fn upload(app: &TestApp, token: &str, slug: &str, body: &str) -> Value {
    let resp = reqwest::Client::new()
        .post(app.url(&format!(
            "/api/v1/data/datasets/{slug}/versions?file_name=data.csv"
        )))
        .bearer_auth(token)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 202);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    for _ in 0..200 {
        let (s, v) = api(Method::GET, app.url(&location), Some(token), None).await;
        assert_eq!(s, 200, "{v}");
        if v["status"] != "ingesting" {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the upload was never read");
}

/// A person of `agency`, to be appointed Wali Data.
async fn person(app: &TestApp, agency: AgencyId, name: &str) -> PersonId {
    let name = name.to_owned();
    app.db(move |c| {
        kernel::state::write_tx(c, |tx| {
            org::directory::add_person(
                tx,
                &kernel::audit::Actor::system("test"),
                agency,
                &org::model::PersonDraft {
                    name,
                    kind: "non-asn".into(),
                    nip: None,
                    nik: None,
                    position: None,
                    email: None,
                    phone: None,
                },
            )
        })
        .unwrap()
    })
    .await
}

both! {
    async fn access_matrix(app) {
        let (dinkes, disdik) = (app.agency("DINKES").await, app.agency("DISDIK").await);
        let op = app.token("op.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        let (s, v) = api(Method::POST, app.url("/api/v1/data/datasets"), Some(&op), Some(dataset(dinkes, "pasien", "limited"))).await;
        assert_eq!(s, 201, "{v}");
        let id = v["id"].as_str().unwrap().to_owned();
        let (s, v) = api(Method::PUT, app.url(&format!("/api/v1/data/datasets/{id}/columns")), Some(&op), Some(staff_columns())).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(upload(&app, &op, "dinkes_pasien", STAFF_V1).await["status"], "ready");
        let someone = person(&app, dinkes, "Rina Wati").await;
        let wali = json!({"person_id": someone.to_string(), "decree_number": "100/Kep.1/2026", "decree_date": "2026-01-05"});
        let writes = vec![
            post("/api/v1/data/datasets", Body::Json(dataset(dinkes, "baru", "public"))),
            put(format!("/api/v1/data/datasets/{id}"), Body::Json(dataset(dinkes, "pasien", "limited"))),
            put(format!("/api/v1/data/datasets/{id}/columns"), Body::Json(staff_columns())),
            put(format!("/api/v1/data/datasets/{id}/wali"), Body::Json(wali)),
            post(format!("/api/v1/data/datasets/{id}/indicators"), Body::Json(json!({"name": "Rata-rata umur", "definition": "Umur rata-rata pasien."}))),
            post(format!("/api/v1/data/datasets/{id}/versions"), Body::Raw(STAFF_V1.as_bytes().to_vec())),
            post("/data/new", form(&[("agency_id", &dinkes.to_string()), ("title", "Data baru"), ("topic", "health"), ("classification", "public"), ("frequency", "annual")])),
            post(format!("/data/{id}/edit"), form(&[("title", "Data pasien"), ("topic", "health"), ("classification", "limited"), ("frequency", "annual")])),
            post(format!("/data/{id}/columns"), form(&[("name_0", "nik"), ("kind_0", "nik")])),
            post(format!("/data/{id}/wali"), form(&[("person_id", &someone.to_string()), ("decree_number", "1"), ("decree_date", "2026-01-05")])),
            post(format!("/data/{id}/versions"), Body::File(vec![], "file", STAFF_V1.as_bytes().to_vec())),
            post(format!("/data/{id}/indicators"), form(&[("name", "Rata-rata umur"), ("definition", "Umur rata-rata.")])),
            post(format!("/api/v1/data/datasets/{id}/versions/1/review"), Body::Json(json!({"decision": "returned", "note": "Periksa umur."}))),
            post(format!("/data/{id}/versions/1/review"), form(&[("decision", "returned"), ("note", "Periksa umur.")])),
            post("/api/v1/data/regions", Body::Json(json!({"code": "32.04.99", "name": "Baru", "basis": "Perda 1/2026"}))),
            post("/data/regions", form(&[("code", "32.04.99"), ("name", "Baru"), ("basis", "Perda 1/2026")])),
        ];
        let mut signed_in = vec![
            get("/api/v1/data/datasets"), get(format!("/api/v1/data/datasets/{id}")),
            get(format!("/api/v1/data/datasets/{id}/columns")), get(format!("/api/v1/data/datasets/{id}/versions")),
            get(format!("/api/v1/data/datasets/{id}/versions/1")), get(format!("/api/v1/data/datasets/{id}/rows")),
            get("/data"), get("/data/new"), get(format!("/data/{id}")), get(format!("/data/{id}/edit")),
            get(format!("/data/{id}/columns")), get(format!("/data/{id}/versions/1")),
            get(format!("/data/{id}/indicators")),
            get("/api/v1/data/regions?code=32.04"), get("/data/regions?code=32.04"),
        ];
        signed_in.extend(writes.clone());
        app.check_access(Matrix {
            module: data::MODULE,
            public: &[],
            signed_in,
            outsider: disdik,
            others: vec![
                get(format!("/api/v1/data/datasets/{id}")), get("/api/v1/data/datasets/dinkes_pasien"),
                get(format!("/api/v1/data/datasets/{id}/rows")), get(format!("/api/v1/data/datasets/{id}/versions/1")),
                get(format!("/data/{id}")), get(format!("/data/{id}/versions/1")),
            ],
            writes,
        }).await;
    }
}

both! {
    async fn the_form_names_every_bad_field_and_writes_nothing(app) {
        let dinkes = app.agency("DINKES").await;
        app.account("op.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "op.dinkes").await;
        app.form_refused(&browser, &csrf, "/data/new", &[
            ("agency_id", &dinkes.to_string()), ("title", " "), ("slug", "Bad Slug"), ("topic", ""),
            ("classification", "excluded"), ("frequency", "annual"), ("coverage", "99.01"),
        ], &[
            ("title", "Masukkan judul."),
            ("slug", "Nama singkat: Gunakan 2–100 huruf kecil, angka, tanda hubung atau garis bawah."),
            ("topic", "Pilih kelompok data."),
            ("exclusion_reason", "Alasan dikecualikan: Tuliskan alasan data dikecualikan."),
            ("coverage", "Cakupan wilayah: 99.01 tidak ada dalam daftar kode wilayah Kemendagri maupun tambahan daerah."),
        ]).await;
        let reader = app.token("reader", Role::Leader, None).await;
        let (_, list) = api(Method::GET, app.url("/api/v1/data/datasets"), Some(&reader), None).await;
        assert_eq!(list["total"], 0, "nothing written: {list}");
    }
}

both! {
    async fn uploads_become_versions_that_say_what_changed_and_a_bad_file_keeps_nothing(app) {
        let dinkes = app.agency("DINKES").await;
        let op = app.token("op.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        let (s, _) = api(Method::POST, app.url("/api/v1/data/datasets"), Some(&op), Some(dataset(dinkes, "warga", "public"))).await;
        assert_eq!(s, 201);
        let (s, v) = api(Method::POST, app.url("/api/v1/data/datasets/warga/versions"), Some(&op), None).await;
        assert_eq!((s, v["error"]["field"].as_str()), (422, Some("file")), "an empty body: {v}");
        let (s, v) = api(Method::PUT, app.url("/api/v1/data/datasets/warga/columns"), Some(&op), Some(staff_columns())).await;
        assert_eq!(s, 200, "{v}");
        let first = upload(&app, &op, "warga", STAFF_V1).await;
        assert_eq!((first["status"].as_str(), first["rows"].as_i64(), first["added"].as_i64()), (Some("ready"), Some(3), Some(3)), "{first}");
        // One row changed (Budi's age), one removed (Ahmad), one added (Dewi).
        let v2 = "NIK;Nama;Kecamatan;Umur\n3204055205900001;Siti Aminah;32.04.05;36\n3204051201850002;Budi Santoso;32.04.05;42\n3204074107950004;Dewi Lestari;32.04.07;\n";
        let second = upload(&app, &op, "warga", v2).await;
        assert_eq!(second["number"], 2);
        assert_eq!((second["rows"].as_i64(), second["added"].as_i64(), second["removed"].as_i64(), second["changed"].as_i64()),
            (Some(3), Some(1), Some(1), Some(1)), "{second}");
        // A file with bad rows: every one reported with its line, nothing kept, version 2 stays.
        let bad = "nik,nama,kecamatan,umur\n3204055205900001,Siti,32.04.05,36\n123,Budi,99.01,200\n3204055205900001,,32.04.05,x\n";
        let third = upload(&app, &op, "warga", bad).await;
        assert_eq!(third["status"], "failed", "{third}");
        let report = &third["report"];
        assert_eq!(report["bad_rows"], 2, "{report}");
        let problems: Vec<(i64, &str, &str)> = report["errors"].as_array().unwrap().iter()
            .map(|e| (e["line"].as_i64().unwrap(), e["column"].as_str().unwrap(), e["problem"].as_str().unwrap())).collect();
        assert_eq!(problems, [
            (3, "nik", "data-cell-nik"), (3, "kecamatan", "data-cell-region"), (3, "umur", "data-cell-above"),
            (4, "nik", "data-cell-duplicate"), (4, "nama", "data-cell-required"), (4, "umur", "data-cell-integer"),
        ]);
        let (_, rows) = api(Method::GET, app.url("/api/v1/data/datasets/warga/rows"), Some(&op), None).await;
        assert_eq!((rows["version"].as_i64(), rows["total"].as_i64()), (Some(2), Some(3)), "{rows}");
        let (s, _) = api(Method::GET, app.url("/api/v1/data/datasets/warga/rows?_version=3"), Some(&op), None).await;
        assert_eq!(s, 404, "a refused version has no rows");
        // The refused version left no table behind.
        let tables = app.db(|c| {
            let like = match c.backend() {
                db::Backend::Sqlite => "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name LIKE 'data\\_v\\_%' ESCAPE '\\'",
                db::Backend::Postgres => "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'data\\_v\\_%' ESCAPE '\\'",
            };
            diesel::RunQueryDsl::get_result::<data::table::Count>(diesel::sql_query(like), c).unwrap().n
        }).await;
        assert_eq!(tables, 2, "two versions read, one refused");
        // Each has an index on its key (nik, c1) and on the column marked often filtered on
        // (kecamatan, c3), and on no other.
        let indexes = app.db(|c| {
            let sql = match c.backend() {
                db::Backend::Sqlite => "SELECT name AS j FROM sqlite_master WHERE type = 'index' AND name LIKE 'data\\_v\\_%\\_c%' ESCAPE '\\' ORDER BY name",
                db::Backend::Postgres => "SELECT indexname AS j FROM pg_indexes WHERE schemaname = current_schema() AND indexname LIKE 'data\\_v\\_%\\_c%' ESCAPE '\\' ORDER BY indexname",
            };
            diesel::RunQueryDsl::load::<data::table::JsonRow>(diesel::sql_query(sql), c).unwrap()
                .into_iter().map(|t| t.j.rsplit('_').next().unwrap().to_owned()).collect::<Vec<_>>()
        }).await;
        let mut suffixes = indexes.clone();
        suffixes.sort();
        assert_eq!(suffixes, ["c1", "c1", "c3", "c3"], "{indexes:?}");
        let (_, near) = api(Method::GET, app.url("/api/v1/data/datasets/warga/rows?kecamatan=32.04.05"), Some(&op), None).await;
        assert_eq!(near["total"], 2, "the indexed filter finds both rows: {near}");
        // The first version is still there to read, as it was.
        let (_, old) = api(Method::GET, app.url("/api/v1/data/datasets/warga/rows?_version=1&nik=3204061503700003"), Some(&op), None).await;
        assert_eq!(old["rows"][0]["nama"], "Ahmad Yani", "{old}");
        // The page shows the refused version's report in words.
        let browser = app.browser();
        app.account("op2.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        app.sign_in(&browser, "op2.dinkes").await;
        let html = browser.get(app.url("/data/warga/versions/3")).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("Bukan NIK yang sah"), "{html}");
        assert!(html.contains("Tidak ada data yang disimpan"), "{html}");
    }
}

both! {
    async fn the_query_api_filters_pages_groups_and_downloads(app) {
        let dinkes = app.agency("DINKES").await;
        let op = app.token("op.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        api(Method::POST, app.url("/api/v1/data/datasets"), Some(&op), Some(dataset(dinkes, "faskes", "public"))).await;
        let cols = json!({"columns": [
            {"name": "kode", "kind": "text", "required": true, "unique": true},
            {"name": "jenis", "kind": "text", "required": true},
            {"name": "kecamatan", "kind": "region_code"},
            {"name": "tempat_tidur", "kind": "integer"},
            {"name": "buka", "kind": "boolean"}
        ]});
        let (s, v) = api(Method::PUT, app.url("/api/v1/data/datasets/faskes/columns"), Some(&op), Some(cols)).await;
        assert_eq!(s, 200, "{v}");
        let mut csv = "kode,jenis,kecamatan,tempat_tidur,buka\n".to_owned();
        for i in 0..250 {
            let kind = ["Puskesmas", "Klinik", "=Apotek"][i % 3];
            let beds = if i % 10 == 0 { String::new() } else { (i % 40).to_string() };
            csv.push_str(&format!("K{i:03},{kind},32.04.{:02},{beds},{}\n", 5 + i % 5, if i % 2 == 0 { "ya" } else { "tidak" }));
        }
        assert_eq!(upload(&app, &op, "faskes", &csv).await["status"], "ready");
        let get = |q: &str| api(Method::GET, app.url(&format!("/api/v1/data/datasets/faskes/rows?{q}")), Some(&op), None);
        let (_, v) = get("jenis=Klinik&tempat_tidur__gte=20&_size=5").await;
        assert_eq!(v["total"], 36, "{v}");
        assert_eq!(v["rows"].as_array().unwrap().len(), 5);
        assert!(v["rows"].as_array().unwrap().iter().all(|r| r["jenis"] == "Klinik" && r["tempat_tidur"].as_i64().unwrap() >= 20));
        assert_eq!((v["rows"][0]["kode"].as_str(), v["rows"][0]["buka"].as_bool()), (Some("K022"), Some(true)), "booleans come back as booleans: {v}");
        // Keyset pages over a sort with empty values cover every row exactly once.
        let mut seen = std::collections::HashSet::new();
        let mut after = String::new();
        let mut last: Option<i64> = None;
        loop {
            let (s, v) = get(&format!("_sort=-tempat_tidur&_size=37{after}")).await;
            assert_eq!(s, 200, "{v}");
            for r in v["rows"].as_array().unwrap() {
                assert!(seen.insert(r["kode"].as_str().unwrap().to_owned()), "{r} twice");
                if let Some(b) = r["tempat_tidur"].as_i64() {
                    assert!(last.is_none_or(|l| b <= l), "descending: {b} after {last:?}");
                    last = Some(b);
                }
            }
            match v["next_cursor"].as_str() {
                Some(c) => after = format!("&_after={c}"),
                None => break,
            }
        }
        assert_eq!(seen.len(), 250);
        let (_, g) = get("_group=jenis&_sum=tempat_tidur").await;
        let groups = &g["groups"];
        assert_eq!(groups["columns"], json!(["jenis", "count", "sum_tempat_tidur"]));
        assert_eq!(groups["rows"][1][0], "Klinik");
        assert_eq!(groups["rows"][1][1], 83);
        let (_, q) = get("_q=klin&kecamatan__in=32.04.05,32.04.06").await;
        assert!(q["total"].as_i64().unwrap() > 0 && q["rows"].as_array().unwrap().iter().all(|r| r["jenis"] == "Klinik"), "{q}");
        let (s, e) = get("tempat_tidur__gt=banyak").await;
        assert_eq!((s, e["error"]["field"].as_str()), (400, Some("tempat_tidur__gt")), "{e}");
        let (s, e) = get("warna=merah").await;
        assert_eq!((s, e["error"]["field"].as_str()), (400, Some("warna")), "{e}");
        // Downloads: formula-looking cells are neutralised.
        let csv = reqwest::Client::new().get(app.url("/api/v1/data/datasets/faskes/rows?_format=csv&jenis=%3DApotek&_size=2"))
            .bearer_auth(&op).send().await.unwrap().text().await.unwrap();
        assert_eq!(csv.lines().next(), Some("kode,jenis,kecamatan,tempat_tidur,buka"));
        assert!(csv.lines().nth(1).unwrap().contains(",'=Apotek,"), "{csv}");
        let xlsx = reqwest::Client::new().get(app.url("/api/v1/data/datasets/faskes/rows?_format=xlsx&_size=3"))
            .bearer_auth(&op).send().await.unwrap().bytes().await.unwrap();
        let sheet = test_support::xlsx_sheet(&xlsx, "Sheet1");
        assert_eq!(sheet.len(), 4, "{sheet:?}");
    }
}

both! {
    async fn personal_columns_are_masked_for_all_but_the_producing_agency(app) {
        let (dinkes, disdik) = (app.agency("DINKES").await, app.agency("DISDIK").await);
        let op = app.token("op.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        let wali = app.token("wali.dinkes", Role::WaliData, Some(dinkes)).await;
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let other = app.token("op.disdik", Role::AgencyOperator, Some(disdik)).await;
        for (name, classification) in [("terbuka", "public"), ("terbatas", "limited")] {
            let (_, made) = api(Method::POST, app.url("/api/v1/data/datasets"), Some(&op), Some(dataset(dinkes, name, classification))).await;
            let slug = made["slug"].as_str().unwrap();
            api(Method::PUT, app.url(&format!("/api/v1/data/datasets/{slug}/columns")), Some(&op), Some(staff_columns())).await;
            assert_eq!(upload(&app, &wali, slug, STAFF_V1).await["status"], "ready", "the Wali Data uploads");
        }
        let first = |t: &str, slug: &str| {
            let (t, slug) = (t.to_owned(), slug.to_owned());
            let url = app.url(&format!("/api/v1/data/datasets/{slug}/rows?_size=1"));
            async move { api(Method::GET, url, Some(&t), None).await }
        };
        for t in [&op, &wali] {
            let (_, v) = first(t, "dinkes_terbatas").await;
            assert_eq!(v["rows"][0]["nik"], "3204055205900001", "the producing agency sees it: {v}");
        }
        let (_, v) = first(&admin, "dinkes_terbatas").await;
        assert_eq!(v["rows"][0]["nik"], "3204************", "{v}");
        assert_eq!(v["rows"][0]["nama"], "Si*********", "{v}");
        assert_eq!(v["columns"][0]["masked"], true);
        let (s, _) = first(&other, "dinkes_terbatas").await;
        assert_eq!(s, 404, "another agency does not learn a limited dataset exists");
        let (s, v) = first(&other, "terbuka").await;
        assert_eq!((s, v["rows"][0]["nik"].as_str()), (200, Some("3204************")), "{v}");
        // A filter, a sort, a group or a search on a masked column would reveal it: refused.
        for q in ["nik=3204055205900001", "_sort=nama", "_group=nik", "nama__contains=Siti"] {
            let (s, e) = api(Method::GET, app.url(&format!("/api/v1/data/datasets/terbuka/rows?{q}")), Some(&admin), None).await;
            assert_eq!((s, e["error"]["code"].as_str()), (400, Some("bad_request")), "{q}: {e}");
        }
        let (_, v) = api(Method::GET, app.url("/api/v1/data/datasets/terbuka/rows?_q=Siti"), Some(&admin), None).await;
        assert_eq!(v["total"], 0, "search skips personal columns for the masked: {v}");
        let (_, v) = api(Method::GET, app.url("/api/v1/data/datasets/terbuka/rows?_q=Siti"), Some(&op), None).await;
        assert_eq!(v["total"], 1, "{v}");
        // Downloads are masked alike.
        let csv = reqwest::Client::new().get(app.url("/api/v1/data/datasets/terbuka/rows?_format=csv"))
            .bearer_auth(&admin).send().await.unwrap().text().await.unwrap();
        assert!(!csv.contains("3204055205900001") && csv.contains("3204************"), "{csv}");
        // The page's preview, too.
        app.account("admin.page", Role::DinasAdmin, None).await;
        let browser = app.browser();
        app.sign_in(&browser, "admin.page").await;
        let html = browser.get(app.url("/data/terbuka")).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("3204************") && !html.contains("3204055205900001"), "{html}");
    }
}

both! {
    async fn an_overdue_dataset_and_one_without_wali_data_are_findings(app) {
        let dinkes = app.agency("DINKES").await;
        let op = app.token("op.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        let mut late = dataset(dinkes, "terlambat", "public");
        late["next_due"] = json!("2026-01-31");
        let (s, v) = api(Method::POST, app.url("/api/v1/data/datasets"), Some(&op), Some(late)).await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(v["overdue"], true);
        let (_, list) = api(Method::GET, app.url("/api/v1/data/datasets?due=overdue"), Some(&op), None).await;
        assert_eq!(list["total"], 1, "{list}");
        let (_, found) = api(Method::GET, app.url("/api/v1/compliance/findings?rule=DATA-UPDATE-CURRENT"), Some(&op), None).await;
        let items = found["items"].as_array().unwrap_or_else(|| panic!("{found}"));
        assert!(items.iter().any(|f| f["rule"] == "DATA-UPDATE-CURRENT" && f["label"] == "Data terlambat"), "{found}");
        let (_, found) = api(Method::GET, app.url("/api/v1/compliance/findings?rule=DATA-WALI-APPOINTED"), Some(&op), None).await;
        assert!(found["items"].as_array().unwrap().iter().any(|f| f["rule"] == "DATA-WALI-APPOINTED"), "{found}");
        // The agency (its Wali Data among its staff) and the Dinas are told once, whichever
        // instance looks first.
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let told = app.db(move |c| data::duty::remind(c, today).unwrap()).await;
        let again = app.db(move |c| data::duty::remind(c, today).unwrap()).await;
        assert_eq!((told, again), (1, 0));
        let sent = app.db(move |c| {
            let agency = kernel::notify::sent_to(c, kernel::notify::Audience::Agency(dinkes)).unwrap();
            let dinas = kernel::notify::sent_to(c, kernel::notify::Audience::Dinas).unwrap();
            (agency.len(), dinas.len(), agency[0].text(kernel::i18n::Tr::new(kernel::i18n::Lang::Id)))
        }).await;
        assert_eq!(sent, (1, 1, "Dataset Data terlambat terlambat dimutakhirkan (batas 2026-01-31).".to_owned()));
        // A dataset the public cannot see is named in its agency's namespace, so another agency
        // asking for the same name gets exactly it: nothing hints that the hidden one exists.
        let disdik = app.agency("DISDIK").await;
        let other_op = app.token("op.disdik", Role::AgencyOperator, Some(disdik)).await;
        let (_, hidden) = api(Method::POST, app.url("/api/v1/data/datasets"), Some(&op), Some(dataset(dinkes, "rahasia", "limited"))).await;
        assert_eq!(hidden["slug"], "dinkes_rahasia", "{hidden}");
        for classification in ["public", "limited"] {
            let (s, v) = api(Method::POST, app.url("/api/v1/data/datasets"), Some(&other_op), Some(dataset(disdik, "rahasia", classification))).await;
            assert_eq!((s, v["slug"].as_str()), (201, Some(if classification == "public" { "rahasia" } else { "disdik_rahasia" })), "{v}");
        }
        // Nor can another agency take a name in the hidden one's namespace.
        let (s, v) = api(Method::POST, app.url("/api/v1/data/datasets"), Some(&other_op), Some(dataset(disdik, "dinkes_rahasia", "public"))).await;
        assert_eq!((s, v["error"]["details"][0]["field"].as_str()), (422, Some("slug")), "{v}");
        // A name taken among one's own is named.
        let (s, v) = api(Method::POST, app.url("/api/v1/data/datasets"), Some(&op), Some(dataset(dinkes, "dinkes_rahasia", "public"))).await;
        assert_eq!((s, v["error"]["field"].as_str()), (409, Some("slug")), "{v}");
        let (s, v) = api(Method::POST, app.url("/api/v1/data/datasets"), Some(&other_op), Some(dataset(disdik, "terlambat", "public"))).await;
        assert_eq!((s, v["error"]["field"].as_str()), (409, Some("slug")), "a public dataset's name is no secret: {v}");
        // Appointing a Wali Data of another agency is refused as if the person did not exist.
        let other = disdik;
        let outsider = person(&app, other, "Orang Lain").await;
        let (s, e) = api(Method::PUT, app.url("/api/v1/data/datasets/terlambat/wali"), Some(&op),
            Some(json!({"person_id": outsider.to_string(), "decree_number": "1", "decree_date": "2026-01-05"}))).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some("person_id")), "{e}");
    }
}

/// Runs a Python script of `tests/ckan/` against the app; its JSON output.
fn python(script: &str, args: &[&str]) -> Value {
    run_python("python3", script, args)
}

/// Runs a script with the Python of `scripts/ckan-venv` (CKAN and ckanext-harvest from PyPI),
/// or of `SIMPUL_CKAN_PYTHON`.
fn ckan_python(script: &str, args: &[&str]) -> Value {
    let python = std::env::var("SIMPUL_CKAN_PYTHON").unwrap_or_else(|_| {
        format!(
            "{}/.cache/simpul/ckan-venv/bin/python",
            std::env::var("HOME").unwrap_or_default()
        )
    });
    assert!(
        std::path::Path::new(&python).exists(),
        "{python} is missing: run scripts/ckan-venv (.ci/run does)"
    );
    run_python(&python, script, args)
}

fn run_python(python: &str, script: &str, args: &[&str]) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/ckan")
        .join(script);
    let out = std::process::Command::new(python)
        .arg(&path)
        .args(args)
        .output()
        .expect("python3 (with ckanapi and rdflib from PyPI; .ci/run installs them)");
    assert!(
        out.status.success(),
        "{script}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

both! {
    async fn ckan_clients_harvesters_and_rdf_tools_read_the_public_catalogue(app) {
        let dinkes = app.agency("DINKES").await;
        let op = app.token("op.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        for (name, classification) in [("warga", "public"), ("rahasia", "limited")] {
            let mut d = dataset(dinkes, name, classification);
            d["tags"] = json!("penduduk, umur");
            d["contact_email"] = json!("data@dinkes.example.go.id");
            let (_, made) = api(Method::POST, app.url("/api/v1/data/datasets"), Some(&op), Some(d)).await;
            let slug = made["slug"].as_str().unwrap();
            api(Method::PUT, app.url(&format!("/api/v1/data/datasets/{slug}/columns")), Some(&op), Some(staff_columns())).await;
            assert_eq!(upload(&app, &op, slug, STAFF_V1).await["status"], "ready");
        }
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let (s, v) = api(Method::POST, app.url("/api/v1/data/datasets/warga/versions/1/review"), Some(&admin), Some(json!({"decision": "published"}))).await;
        assert_eq!((s, v["review"].as_str()), (200, Some("published")), "{v}");
        // ckanext-harvest's own harvester, as a national portal runs it: a second agency's
        // dataset to filter by, and "warga" last changed three hours before the previous job.
        let disdik = app.agency("DISDIK").await;
        let op2 = app.token("op.disdik", Role::AgencyOperator, Some(disdik)).await;
        let mut school = dataset(disdik, "sekolah", "public");
        school["topic"] = json!("education");
        api(Method::POST, app.url("/api/v1/data/datasets"), Some(&op2), Some(school)).await;
        api(Method::PUT, app.url("/api/v1/data/datasets/sekolah/columns"), Some(&op2), Some(staff_columns())).await;
        upload(&app, &op2, "sekolah", STAFF_V1).await;
        api(Method::POST, app.url("/api/v1/data/datasets/sekolah/versions/1/review"), Some(&admin), Some(json!({"decision": "published"}))).await;
        let earlier = chrono::Utc::now().naive_utc() - chrono::Duration::hours(3);
        app.db(move |c| {
            use db::schema::data_datasets as t;
            use diesel::prelude::*;
            diesel::update(t::table.filter(t::slug.eq("warga")))
                .set((t::updated_at.eq(earlier), t::published_at.eq(Some(earlier))))
                .execute(c)
                .unwrap();
        }).await;
        let (base, since) = (app.url(""), chrono::Utc::now().naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string());
        let harvested = tokio::task::spawn_blocking(move || {
            ckan_python("harvest.py", &[base.trim_end_matches('/'), &since, "dinkes", "education"])
        }).await.unwrap();
        let gathered = |run: &str| (harvested[run]["names"].clone(), harvested[run]["errors"].clone());
        assert_eq!(gathered("all"), (json!(["sekolah", "warga"]), json!([])), "{harvested}");
        assert_eq!(gathered("organization"), (json!(["warga"]), json!([])), "{harvested}");
        assert_eq!(gathered("without_organization"), (json!(["sekolah"]), json!([])), "{harvested}");
        assert_eq!(gathered("group"), (json!(["sekolah"]), json!([])), "{harvested}");
        assert_eq!(gathered("since"), (json!(["sekolah"]), json!([])), "only what changed since the last job, less the hour it allows: {harvested}");
        assert_eq!((harvested["remote_organization"].as_str(), harvested["remote_group"].as_str()), (Some("dinkes"), Some("education")));
        // Taken back by the Walidata, "sekolah" leaves the catalogue the library reads below.
        let (s, _) = api(Method::POST, app.url("/api/v1/data/datasets/sekolah/versions/1/review"), Some(&admin), Some(json!({"decision": "returned", "note": "Belum lengkap."}))).await;
        assert_eq!(s, 200);
        let base = app.url("");
        let found = tokio::task::spawn_blocking(move || python("client.py", &[base.trim_end_matches('/')])).await.unwrap();
        assert_eq!(found["status"]["ckan_version"], "2.10.4");
        assert_eq!(found["list"], json!(["warga"]), "a limited dataset is not listed: {found}");
        assert_eq!(found["search"]["count"], 1, "{found}");
        assert_eq!(found["search"]["facets"]["groups"], json!({"population": 1}));
        assert_eq!(found["harvest"], json!([1, ["warga"]]), "{found}");
        assert_eq!(found["package"]["organization"], "dinkes");
        let resources = found["package"]["resources"].as_array().unwrap();
        assert_eq!(resources.len(), 1);
        assert_eq!((resources[0][0].as_str(), resources[0][1].as_bool()), (Some("CSV"), Some(true)));
        assert!(resources[0][2].as_str().unwrap().ends_with("/portal/warga/v1.csv"));
        assert_eq!(found["package"]["extras"]["update_frequency"], "monthly");
        assert_eq!(found["resource"], true);
        assert_eq!(found["datastore"]["total"], 2, "{found}");
        assert_eq!(found["datastore"]["fields"], json!(["_id", "kecamatan", "umur"]), "personal columns are absent: {found}");
        assert_eq!(found["datastore"]["records"][0]["umur"], 41);
        assert_eq!(found["organizations"], json!(["dinkes"]));
        assert_eq!(found["organization"], 1);
        assert_eq!(found["groups"], json!(["population"]));
        assert_eq!(found["tags"], json!(["penduduk", "umur"]));
        assert_eq!((found["hidden"].as_str(), found["sql"].as_str(), found["bad_filter"].as_str()),
            (Some("NotFound"), Some("NotAuthorized"), Some("ValidationError")), "{found}");
        // The portal's pages and downloads, to anyone.
        let anyone = reqwest::Client::new();
        let home = anyone.get(app.url("/portal?q=warga")).send().await.unwrap();
        assert_eq!(home.status(), 200);
        let html = home.text().await.unwrap();
        assert!(html.contains("Data warga") && !html.contains("Data rahasia"), "{html}");
        let page = anyone.get(app.url("/portal/warga")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("<svg") && page.contains("32.04.05") && !page.contains("Siti"), "{page}");
        assert_eq!(anyone.get(app.url("/portal/dinkes_rahasia")).send().await.unwrap().status(), 404);
        let csv = anyone.get(app.url("/portal/warga/v1.csv")).send().await.unwrap().text().await.unwrap();
        assert_eq!(csv, "kecamatan,umur\n32.04.05,36\n32.04.05,41\n32.04.06,56\n");
        assert_eq!(anyone.get(app.url("/portal/dinkes_rahasia/v1.csv")).send().await.unwrap().status(), 404);
        let xlsx = anyone.get(app.url("/portal/warga/v1.xlsx")).send().await.unwrap().bytes().await.unwrap();
        assert_eq!(test_support::xlsx_sheet(&xlsx, "Sheet1").len(), 4);
        // DCAT, as an RDF library parses it.
        let base = app.url("");
        let rdf = tokio::task::spawn_blocking(move || python("rdf.py", &[base.trim_end_matches('/')])).await.unwrap();
        assert_eq!(rdf, json!({"turtle": {"datasets": 1, "distributions": 1, "title": "Data warga"}, "jsonld": {"datasets": 1, "distributions": 1, "title": "Data warga"}}));
    }
}

both! {
    async fn a_workbook_is_read_like_a_csv_and_a_file_over_the_limit_is_refused_in_json(app) {
        let dinkes = app.agency("DINKES").await;
        let op = app.token("op.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        api(Method::POST, app.url("/api/v1/data/datasets"), Some(&op), Some(dataset(dinkes, "buku", "public"))).await;
        api(Method::PUT, app.url("/api/v1/data/datasets/buku/columns"), Some(&op), Some(staff_columns())).await;
        let book = kernel::export::xlsx_bytes(
            &["NIK", "Nama", "Kecamatan", "Umur"],
            vec![vec!["3204055205900001", "Siti Aminah", "32.04.05", "36"], vec!["3204051201850002", "Budi", "32.04.05", ""]],
        ).unwrap();
        let resp = reqwest::Client::new()
            .post(app.url("/api/v1/data/datasets/buku/versions?file_name=buku.xlsx"))
            .bearer_auth(&op).body(book).send().await.unwrap();
        assert_eq!(resp.status(), 202);
        let location = resp.headers()["location"].to_str().unwrap().to_owned();
        let mut v = Value::Null;
        for _ in 0..200 {
            v = api(Method::GET, app.url(&location), Some(&op), None).await.1;
            if v["status"] != "ingesting" { break; }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!((v["status"].as_str(), v["rows"].as_i64()), (Some("ready"), Some(2)), "{v}");
        let (_, rows) = api(Method::GET, app.url("/api/v1/data/datasets/buku/rows?_sort=nik"), Some(&op), None).await;
        assert_eq!(rows["rows"][1]["umur"], 36, "{rows}");
        // A body over the upload limit: a JSON error, nothing recorded. (Declared, not sent:
        // the server answers from the length alone, and a client still writing would see
        // the connection close under it.)
        let head = format!(
            "POST /api/v1/data/datasets/buku/versions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {op}\r\nContent-Type: text/csv\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            21 * 1024 * 1024
        );
        let answer = app.send_head(&head).await;
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
        assert!(answer.contains("\"error\"") && answer.contains("\"message\""), "{answer}");
        let (_, versions) = api(Method::GET, app.url("/api/v1/data/datasets/buku/versions"), Some(&op), None).await;
        assert_eq!(versions.as_array().unwrap().len(), 1);
    }
}

/// What anyone sees of the open-data catalogue: the names CKAN lists and the portal's page.
async fn portal_view(app: &TestApp, slug: &str) -> (Value, u16, usize) {
    let anyone = reqwest::Client::new();
    let list: Value = anyone
        .get(app.url("/api/3/action/package_list"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let page = anyone
        .get(app.url(&format!("/portal/{slug}")))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    let show: Value = anyone
        .get(app.url(&format!("/api/3/action/package_show?id={slug}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let resources = show
        .pointer("/result/resources")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    (list["result"].clone(), page, resources)
}

both! {
    async fn the_walidata_publishes_a_version_before_the_portal_shows_it_and_can_take_it_back(app) {
        let dinkes = app.agency("DINKES").await;
        let op = app.token("op.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        api(Method::POST, app.url("/api/v1/data/datasets"), Some(&op), Some(dataset(dinkes, "warga", "public"))).await;
        api(Method::PUT, app.url("/api/v1/data/datasets/warga/columns"), Some(&op), Some(staff_columns())).await;
        let v1 = upload(&app, &op, "warga", STAFF_V1).await;
        assert_eq!((v1["status"].as_str(), v1["review"].as_str()), (Some("ready"), Some("pending")), "{v1}");
        assert_eq!(portal_view(&app, "warga").await, (json!([]), 404, 0), "nothing public before the check");
        // A second instance behind the same load balancer has read (and kept) the catalogue.
        let other = app.another().await;
        assert_eq!(portal_view(&other, "warga").await.0, json!([]));
        // The Dinas is told; the agency cannot publish its own data.
        let (_, told) = api(Method::GET, app.url("/api/v1/notifications"), Some(&admin), None).await;
        assert!(told["items"].to_string().contains("menunggu pemeriksaan walidata"), "{told}");
        let review = |n: u32| app.url(&format!("/api/v1/data/datasets/warga/versions/{n}/review"));
        let (s, _) = api(Method::POST, review(1), Some(&op), Some(json!({"decision": "published"}))).await;
        assert_eq!(s, 403);
        let (s, e) = api(Method::POST, review(1), Some(&admin), Some(json!({"decision": "returned"}))).await;
        assert_eq!((s, e["error"]["details"][0]["field"].as_str()), (422, Some("note")), "{e}");
        // On the page, publishing waits for the confirmation box.
        app.account("kadis", Role::DinasAdmin, None).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "kadis").await;
        let page = browser.get(app.url("/data/warga/versions/1")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Terbitkan di portal") && page.contains("Menunggu pemeriksaan"), "{page}");
        app.form_refused(&browser, &csrf, "/data/warga/versions/1/review", &[("decision", "published")],
            &[("confirm", "Konfirmasi: Centang kotak konfirmasi bila Anda yakin; belum ada yang diubah.")]).await;
        assert_eq!(portal_view(&app, "warga").await.1, 404);
        let (s, _) = app.post_form(&browser, &csrf, "/data/warga/versions/1/review", &[("decision", "published"), ("confirm", "on")]).await;
        assert_eq!(s, 303, "sent on to the version's page");
        assert_eq!(portal_view(&app, "warga").await, (json!(["warga"]), 200, 1));
        // The other instance drops what it kept once it hears of the change (PostgreSQL), or
        // when it is 10 s old (SQLite shared by processes on one machine).
        let started = std::time::Instant::now();
        while portal_view(&other, "warga").await.0 != json!(["warga"]) {
            assert!(started.elapsed() < std::time::Duration::from_secs(12), "the other instance never saw the publication");
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        let (_, told) = api(Method::GET, app.url("/api/v1/notifications"), Some(&op), None).await;
        assert!(told["items"].to_string().contains("diterbitkan di portal"), "{told}");
        // A new version waits; the portal keeps showing the published one.
        let v2 = upload(&app, &op, "warga", "nik,nama,kecamatan,umur\n3204055205900001,Siti Aminah,32.04.05,37\n").await;
        assert_eq!(v2["review"], "pending");
        assert_eq!(portal_view(&app, "warga").await, (json!(["warga"]), 200, 1));
        let anyone = reqwest::Client::new();
        assert_eq!(anyone.get(app.url("/portal/warga/v2.csv")).send().await.unwrap().status(), 404);
        let (s, v) = api(Method::POST, review(2), Some(&admin), Some(json!({"decision": "published"}))).await;
        assert_eq!((s, v["review"].as_str()), (200, Some("published")), "{v}");
        assert_eq!(portal_view(&app, "warga").await.2, 2);
        // Taken back with a note: the portal falls back to version 1, the agency reads why.
        let (s, v) = api(Method::POST, review(2), Some(&admin), Some(json!({"decision": "returned", "note": "Umur Siti tidak sesuai KTP."}))).await;
        assert_eq!((s, v["review"].as_str(), v["review_note"].as_str()), (200, Some("returned"), Some("Umur Siti tidak sesuai KTP.")), "{v}");
        assert_eq!(portal_view(&app, "warga").await, (json!(["warga"]), 200, 1));
        let (_, d) = api(Method::GET, app.url("/api/v1/data/datasets/warga"), Some(&op), None).await;
        assert!(d["published_version"].is_string() && d["published_version"] != d["current_version"], "version 1 again, version 2 still current inside: {d}");
        let (_, told) = api(Method::GET, app.url("/api/v1/notifications"), Some(&op), None).await;
        assert!(told["items"].to_string().contains("Umur Siti tidak sesuai KTP."), "{told}");
        // The same decision twice records nothing twice; the trail has each decision once.
        api(Method::POST, review(2), Some(&admin), Some(json!({"decision": "returned", "note": "lagi"}))).await;
        let id = d["id"].as_str().unwrap();
        let (_, trail) = api(Method::GET, app.url(&format!("/api/v1/audit-events?record_id={id}")), Some(&admin), None).await;
        let decisions: Vec<&str> = trail["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap())
            .filter(|a| a.starts_with("dataset.publish") || a.starts_with("dataset.return")).collect();
        assert_eq!(decisions, ["dataset.return", "dataset.publish", "dataset.publish"]);
        // Only a public dataset is published; the queue counts what waits.
        api(Method::POST, app.url("/api/v1/data/datasets"), Some(&op), Some(dataset(dinkes, "rahasia", "limited"))).await;
        api(Method::PUT, app.url("/api/v1/data/datasets/dinkes_rahasia/columns"), Some(&op), Some(staff_columns())).await;
        upload(&app, &op, "dinkes_rahasia", STAFF_V1).await;
        let (s, e) = api(Method::POST, app.url("/api/v1/data/datasets/dinkes_rahasia/versions/1/review"), Some(&admin), Some(json!({"decision": "published"}))).await;
        assert_eq!((s, e["error"]["details"][0]["field"].as_str()), (422, Some("decision")), "{e}");
        upload(&app, &op, "warga", STAFF_V1).await;
        let (_, queue) = api(Method::GET, app.url("/api/v1/data/datasets?review=pending"), Some(&admin), None).await;
        assert_eq!(queue["total"], 1, "{queue}");
        let home = browser.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(home.contains("1 versi menunggu pemeriksaan walidata"), "{home}");
    }
}

both! {
    async fn region_codes_come_from_the_decree_and_the_regions_own_additions(app) {
        let dinkes = app.agency("DINKES").await;
        let op = app.token("op.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let (s, r) = api(Method::GET, app.url("/api/v1/data/regions?code=32.04"), Some(&op), None).await;
        assert_eq!((s, r["region"]["name"].as_str()), (200, Some("Kabupaten Bandung")), "{r}");
        let children = r["children"].as_array().unwrap();
        assert_eq!(children.len(), 31, "Kabupaten Bandung's districts");
        assert_eq!((children[0]["code"].as_str(), children[0]["name"].as_str()), (Some("32.04.05"), Some("Cileunyi")));
        let (s, e) = api(Method::GET, app.url("/api/v1/data/regions?code=32.04.99"), Some(&op), None).await;
        assert_eq!((s, e["error"]["code"].as_str()), (404, Some("not_found")), "{e}");
        let (_, provinces) = api(Method::GET, app.url("/api/v1/data/regions"), Some(&op), None).await;
        assert_eq!(provinces["children"].as_array().unwrap().len(), 38);
        // A district formed after the decree is refused row by row until the Dinas adds it.
        api(Method::POST, app.url("/api/v1/data/datasets"), Some(&op), Some(dataset(dinkes, "warga", "public"))).await;
        api(Method::PUT, app.url("/api/v1/data/datasets/warga/columns"), Some(&op), Some(staff_columns())).await;
        let file = "nik,nama,kecamatan,umur\n3204055205900001,Siti Aminah,32.04.99,36\n3204051201850002,Budi,32.04.05,41\n";
        let refused = upload(&app, &op, "warga", file).await;
        assert_eq!(refused["status"], "failed");
        assert_eq!(refused["report"]["errors"], json!([{"line": 2, "column": "kecamatan", "problem": "data-cell-region"}]), "{refused}");
        let new = json!({"code": "32.04.99", "name": "Kecamatan Baru", "basis": "Perda Kabupaten Bandung Nomor 3 Tahun 2026"});
        assert_eq!(api(Method::POST, app.url("/api/v1/data/regions"), Some(&op), Some(new.clone())).await.0, 403);
        let (s, added) = api(Method::POST, app.url("/api/v1/data/regions"), Some(&admin), Some(new.clone())).await;
        assert_eq!((s, added["code"].as_str()), (201, Some("32.04.99")), "{added}");
        let (s, e) = api(Method::POST, app.url("/api/v1/data/regions"), Some(&admin), Some(new)).await;
        assert_eq!(s, 422);
        assert!(e["error"]["details"][0]["message"].as_str().unwrap().contains("Kecamatan Baru"), "{e}");
        let (s, e) = api(Method::POST, app.url("/api/v1/data/regions"), Some(&admin), Some(json!({"code": "32.98.01", "name": "X", "basis": "Y"}))).await;
        assert_eq!((s, e["error"]["details"][0]["field"].as_str()), (422, Some("code")), "no parent: {e}");
        assert_eq!(upload(&app, &op, "warga", file).await["status"], "ready");
        let (_, r) = api(Method::GET, app.url("/api/v1/data/regions?code=32.04.99"), Some(&op), None).await;
        assert_eq!((r["region"]["name"].as_str(), r["region"]["added"].as_bool()), (Some("Kecamatan Baru"), Some(true)), "{r}");
        // Coverage is checked against the same lists and shown with names.
        let mut d = dataset(dinkes, "cakupan", "limited");
        d["coverage"] = json!("32.04, 32.04.99");
        let (s, v) = api(Method::POST, app.url("/api/v1/data/datasets"), Some(&op), Some(d)).await;
        assert_eq!((s, v["coverage"].as_str()), (201, Some("32.04 32.04.99")), "{v}");
        app.account("op2", Role::AgencyOperator, Some(dinkes)).await;
        let browser = app.browser();
        app.sign_in(&browser, "op2").await;
        let page = browser.get(app.url("/data/dinkes_cakupan")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("32.04 Kabupaten Bandung, 32.04.99 Kecamatan Baru"), "{page}");
        let page = browser.get(app.url("/data/regions?code=32.04.99")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Kecamatan Baru") && page.contains("tambahan daerah") && !page.contains("Tambah kode wilayah"), "{page}");
    }
}
