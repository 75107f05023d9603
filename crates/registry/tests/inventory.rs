//! Vendors, devices and servers over both databases: the API with its validation and agency
//! isolation, the pages, findings that follow the records, the audit trail, exports, and
//! all-or-nothing imports with a preview and progress.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on an unexpected shape"
)]

use kernel::ids::AgencyId;
use kernel::permissions::Role;
use reqwest::Method;
use test_support::{TestApp, Value, api, both, csrf_of, json};

async fn agency(app: &TestApp, code: &str) -> AgencyId {
    app.agency_id(code).await
}

async fn findings(app: &TestApp, token: &str, id: &str) -> Vec<String> {
    let (st, all) = api(
        Method::GET,
        app.url(&format!(
            "/api/v1/compliance/findings?record_id={id}&per_page=200"
        )),
        Some(token),
        None,
    )
    .await;
    assert_eq!(st, 200, "{all}");
    assert!(
        all["total"].as_i64().unwrap() <= 200,
        "one page holds them all"
    );
    all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["record_id"] == id)
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect()
}

fn fields(e: &Value) -> Vec<String> {
    e["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap().to_owned())
        .collect()
}

async fn count(app: &TestApp, token: &str, kind: &str) -> i64 {
    let (st, list) = api(
        Method::GET,
        app.url(&format!("/api/v1/{kind}")),
        Some(token),
        None,
    )
    .await;
    assert_eq!(st, 200, "{list}");
    list["total"].as_i64().unwrap()
}

both! {
    async fn servers_devices_and_vendors_through_the_api(app) {
        app.demo().await;
        let (dinkes, disdik) = (agency(&app, "DINKES").await, agency(&app, "DISDIKBUD").await);
        let op = app.token("op.test", Role::AgencyOperator, Some(dinkes)).await;
        let other = app.token("op.other", Role::AgencyOperator, Some(disdik)).await;
        // Every problem at once, nothing written.
        let before = count(&app, &op, "servers").await;
        let (st, e) = api(Method::POST, app.url("/api/v1/servers"), Some(&op), Some(json!({
            "agency_id": dinkes.to_string(), "kind": "cloud", "site": "dinas_dc", "cpu_cores": 0, "memory_gb": "lots"
        }))).await;
        assert_eq!(st, 422, "{e}");
        assert_eq!(fields(&e), ["name", "kind", "cpu_cores", "memory_gb", "storage_gb"]);
        assert_eq!(count(&app, &op, "servers").await, before);
        let (st, _) = api(Method::POST, app.url("/api/v1/servers"), Some(&op), Some(json!({"agency_id": disdik.to_string(), "name": "x"}))).await;
        assert_eq!(st, 403, "not for another agency");
        // A server in the agency's own room is a finding until it moves to the data center.
        let server = json!({
            "agency_id": dinkes.to_string(), "name": "srv-sikda", "kind": "physical", "site": "agency",
            "rack_or_cluster": "", "cpu_cores": 8, "memory_gb": 32, "storage_gb": 1000
        });
        let (st, s) = api(Method::POST, app.url("/api/v1/servers"), Some(&op), Some(server.clone())).await;
        assert_eq!(st, 201, "{s}");
        let id = s["id"].as_str().unwrap().to_owned();
        assert_eq!(findings(&app, &op, &id).await, ["REG-SERVER-SITE"]);
        let mut moved = server.clone();
        moved["site"] = json!("dinas_dc");
        moved["agency_id"] = json!(disdik.to_string());
        // Only the Dinas records a server in its data center (the agency asks for hosting).
        let (st, s) = api(Method::PUT, app.url(&format!("/api/v1/servers/{id}")), Some(&op), Some(moved.clone())).await;
        assert_eq!((st, s["error"]["field"].as_str()), (422, Some("site")), "{s}");
        let dinas = app.token("admin.dinas", Role::DinasAdmin, None).await;
        let (st, s) = api(Method::PUT, app.url(&format!("/api/v1/servers/{id}")), Some(&dinas), Some(moved.clone())).await;
        assert_eq!((st, s["site"].as_str(), s["agency_id"].as_str()), (200, Some("dinas_dc"), Some(dinkes.to_string().as_str())), "the owner cannot change: {s}");
        assert!(findings(&app, &op, &id).await.is_empty());
        // The applications on it: its own agency's, not another's draft.
        let (_, apps) = api(Method::GET, app.url("/api/v1/applications"), Some(&op), None).await;
        let sikda = apps["items"][0]["id"].as_str().unwrap().to_owned();
        let (_, theirs) = api(Method::GET, app.url("/api/v1/applications"), Some(&other), None).await;
        let (st, on) = api(Method::PUT, app.url(&format!("/api/v1/servers/{id}/applications")), Some(&op), Some(json!({"applications": [sikda]}))).await;
        assert_eq!((st, on[0]["name"].as_str()), (200, Some("SIKDA Puskesmas")), "{on}");
        assert!(theirs["total"].as_i64().unwrap() > 0);
        // Isolation: another agency learns nothing and changes nothing.
        for (method, path, body) in [
            (Method::GET, format!("/api/v1/servers/{id}"), None),
            (Method::PUT, format!("/api/v1/servers/{id}"), Some(moved)),
            (Method::PUT, format!("/api/v1/servers/{id}/applications"), Some(json!({"applications": []}))),
        ] {
            assert_eq!(api(method, app.url(&path), Some(&other), body).await.0, 404, "{path}");
        }
        let (_, list) = api(Method::GET, app.url("/api/v1/servers"), Some(&other), None).await;
        assert!(list["items"].as_array().unwrap().iter().all(|s| s["agency_id"] == disdik.to_string().as_str()), "{list}");
        // Devices: maintenance overdue is a finding; a bad date is named.
        let (st, e) = api(Method::POST, app.url("/api/v1/devices"), Some(&op), Some(json!({
            "agency_id": dinkes.to_string(), "kind": "network", "name": "Switch Puskesmas", "funding_source": "apbd",
            "location": "Puskesmas Kota", "maintenance_months": 6, "last_maintained_on": "1/2/2025"
        }))).await;
        assert_eq!((st, fields(&e)), (422, vec!["last_maintained_on".to_owned()]), "{e}");
        let (st, d) = api(Method::POST, app.url("/api/v1/devices"), Some(&op), Some(json!({
            "agency_id": dinkes.to_string(), "kind": "network", "name": "Switch Puskesmas", "funding_source": "apbd",
            "location": "Puskesmas Kota", "maintenance_months": 6, "last_maintained_on": "2025-01-02"
        }))).await;
        assert_eq!(st, 201, "{d}");
        assert_eq!(findings(&app, &op, d["id"].as_str().unwrap()).await, ["REG-DEVICE-MAINTENANCE"]);
        // Vendors: the application must be the agency's own; duties are findings.
        let vendor = |app_id: &str| json!({
            "agency_id": dinkes.to_string(), "name": "PT Medika", "contract_number": "440/1/2026",
            "contract_start": "2026-01-01", "contract_end": "2026-12-31", "application_id": app_id,
            "confidentiality_signed": false, "training_given": true, "warranty_until": "2027-12-31"
        });
        let (st, e) = api(Method::POST, app.url("/api/v1/vendors"), Some(&op), Some(vendor(theirs["items"][0]["id"].as_str().unwrap()))).await;
        assert_eq!((st, fields(&e)), (422, vec!["application_id".to_owned()]), "{e}");
        let (st, v) = api(Method::POST, app.url("/api/v1/vendors"), Some(&op), Some(vendor(&sikda))).await;
        assert_eq!(st, 201, "{v}");
        assert_eq!(findings(&app, &op, v["id"].as_str().unwrap()).await, ["REG-VENDOR-CONFIDENTIALITY"]);
        // Every change is in the audit trail under its author's name.
        let sid = id.clone();
        let events = app.db(move |c| {
            let f = kernel::audit::AuditFilter { record_id: Some(sid), ..Default::default() };
            kernel::audit::list(c, &f, 50, 0).unwrap().0
        }).await;
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["server.applications", "server.update", "server.create"]);
        let actors: Vec<&str> = events.iter().map(|e| e.actor.as_str()).collect();
        assert_eq!(actors.len(), 3);
        assert!(actors[0].contains("op.test") && actors[1].contains("admin.dinas") && actors[2].contains("op.test"), "{actors:?}");
    }
}

both! {
    async fn the_pages_record_and_correct_a_device(app) {
        app.demo().await;
        let (dinkes, disdik) = (agency(&app, "DINKES").await, agency(&app, "DISDIKBUD").await);
        app.account("op.web", Role::AgencyOperator, Some(dinkes)).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "op.web").await;
        let form = browser.get(app.url("/registry/devices/new")).send().await.unwrap().text().await.unwrap();
        assert!(form.contains("Nomor seri") && form.contains("Perangkat jaringan"), "Indonesian by default");
        let post = |body: Vec<(&'static str, String)>| {
            browser.post(app.url("/registry/devices/new")).form(&body).send()
        };
        let bad = post(vec![
            ("_csrf", csrf.clone()), ("agency_id", dinkes.to_string()), ("kind", "network".into()),
            ("name", "Router Puskesmas".into()), ("funding_source", "apbd".into()), ("location", "".into()),
            ("maintenance_months", "setahun".into()),
        ]).await.unwrap();
        assert_eq!(bad.status(), 422);
        let page = bad.text().await.unwrap();
        assert!(page.contains("Masukkan lokasi.") && page.contains("Tulis bilangan bulat 1–120"), "{page}");
        assert!(page.contains("Pemeliharaan setiap (bulan): Tulis bilangan bulat 1–120"), "the summary names the field: {page}");
        assert!(page.contains("value=\"Router Puskesmas\""), "what was typed is kept");
        let theirs = post(vec![("_csrf", csrf.clone()), ("agency_id", disdik.to_string()), ("name", "x".into())]).await.unwrap();
        assert_eq!(theirs.status(), 403);
        let ok = post(vec![
            ("_csrf", csrf.clone()), ("agency_id", dinkes.to_string()), ("kind", "network".into()),
            ("name", "Router Puskesmas".into()), ("funding_source", "apbd".into()), ("location", "Puskesmas Kota".into()),
            ("maintenance_months", "12".into()), ("acquired_on", "2026-01-05".into()),
        ]).await.unwrap();
        assert_eq!(ok.status(), 303);
        let href = ok.headers()["location"].to_str().unwrap().split('?').next().unwrap().to_owned();
        let record = browser.get(app.url(&href)).send().await.unwrap().text().await.unwrap();
        assert!(record.contains("Router Puskesmas") && record.contains("Tidak ada temuan terbuka"), "{record}");
        let retired = browser.post(app.url(&href)).form(&[
            ("_csrf", csrf.as_str()), ("kind", "network"), ("name", "Router Puskesmas"), ("funding_source", "apbd"),
            ("location", "Gudang"), ("retired", "on"), ("agency_id", &disdik.to_string()),
        ]).send().await.unwrap();
        assert_eq!(retired.status(), 303);
        // Another agency's operator gets nothing.
        app.account("op.other", Role::AgencyOperator, Some(disdik)).await;
        let other = app.browser();
        let other_csrf = app.sign_in(&other, "op.other").await;
        assert_eq!(other.get(app.url(&href)).send().await.unwrap().status(), 404);
        let steal = other.post(app.url(&href)).form(&[("_csrf", other_csrf.as_str()), ("name", "Curian")]).send().await.unwrap();
        assert_eq!(steal.status(), 404);
        // The export reads back as the same table, with the agency the record kept.
        let xlsx = browser.get(app.url("/registry/devices?format=xlsx&q=router")).send().await.unwrap();
        assert_eq!(xlsx.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        let t = kernel::export::read_table(&xlsx.bytes().await.unwrap(), kernel::export::IMPORT_MAX_ROWS).unwrap();
        assert_eq!(t.header[0], "agency_code");
        assert_eq!(t.rows.len(), 1);
        let row: std::collections::HashMap<&str, &str> = t.header.iter().map(String::as_str).zip(t.rows[0].1.iter().map(String::as_str)).collect();
        assert_eq!((row["agency_code"], row["location"], row["retired"], row["maintenance_months"]), ("DINKES", "Gudang", "on", ""));
        assert_eq!(browser.get(app.url("/registry/devices?format=pdf")).send().await.unwrap().status(), 400);
        // The findings leave as a file too, each with the region's own citation.
        let csv = browser.get(app.url("/compliance?format=csv")).send().await.unwrap().text().await.unwrap();
        assert!(csv.starts_with("agency_code,rule,statement,citation"), "{csv}");
        assert!(csv.lines().any(|l| l.starts_with("DINKES,REG-SERVER-SITE,") && l.contains("Pasal 9 ayat (3)")), "{csv}");
        assert!(!csv.contains("DISDUKCAPIL"), "only the operator's own agency");
        let list = other.get(app.url("/registry/devices")).send().await.unwrap().text().await.unwrap();
        assert!(!list.contains("Router Puskesmas"));
    }
}

both! {
    async fn imports_are_all_or_nothing_with_a_preview_and_progress(app) {
        app.demo().await;
        let dinkes = agency(&app, "DINKES").await;
        let op = app.token("op.api", Role::AgencyOperator, Some(dinkes)).await;
        let send = |csv: String, dry: bool| {
            let url = app.url(&format!("/api/v1/devices/import{}", if dry { "?dry_run=true" } else { "" }));
            let op = op.clone();
            async move {
                let resp = reqwest::Client::new().post(url).bearer_auth(op).header("content-type", "text/csv").body(csv).send().await.unwrap();
                let st = resp.status().as_u16();
                (st, resp.json::<Value>().await.unwrap())
            }
        };
        let before = count(&app, &op, "devices").await;
        let header = "agency_code;kind;name;serial;funding_source;location;maintenance_months\n";
        // One bad row, one for another agency: both reported by line; nothing kept.
        let bad = format!("{header}DINKES;end_user;PC Loket 1;SN1;apbd;Loket;\nDINKES;printer;PC Loket 2;SN2;apbd;Loket;\nDISDIKBUD;end_user;PC;SN3;apbd;X;\nDINKES;end_user;PC Loket 4;SN4;apbd;Loket;12\n");
        let (st, e) = send(bad, false).await;
        assert_eq!(st, 422, "{e}");
        assert_eq!(fields(&e), ["line 3: kind", "line 4: agency_code"]);
        assert_eq!(count(&app, &op, "devices").await, before);
        let (st, e) = send("agency_code,colour\nDINKES,red\n".into(), false).await;
        assert_eq!((st, fields(&e)), (422, vec!["line 1: colour".to_owned()]), "{e}");
        let good: String = std::iter::once(header.to_owned())
            .chain((1..=40).map(|i| format!("dinkes;end_user;PC Loket {i};SN-{i:03};apbd;Loket;12\n")))
            .collect();
        let (st, r) = send(good.clone(), true).await;
        assert_eq!((st, r["imported"].as_i64(), r["dry_run"].as_bool()), (200, Some(40), Some(true)));
        assert_eq!(count(&app, &op, "devices").await, before, "a dry run keeps nothing");
        let (st, r) = send(good, false).await;
        assert_eq!((st, r["imported"].as_i64()), (201, Some(40)));
        assert_eq!(count(&app, &op, "devices").await, before + 40);
        // One audit event per imported row, and the chain's head moved to the last of them.
        let (events, verified) = app.db(|c| {
            let only = kernel::audit::AuditFilter { action: Some("device.create".into()), ..Default::default() };
            let (_, n) = kernel::audit::list(c, &only, 1, 0).unwrap();
            (n, kernel::audit::verify(c).unwrap())
        }).await;
        assert!(events >= 40, "{events} device events");
        assert!(verified.is_ok(), "{verified:?}");
        // Through the pages: upload → preview → confirm → progress → done.
        app.account("op.web", Role::AgencyOperator, Some(dinkes)).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "op.web").await;
        let xlsx = kernel::export::xlsx_bytes(
            &["agency_code", "name", "kind", "site", "cpu_cores", "memory_gb", "storage_gb"],
            (1..=25).map(|i| vec!["DINKES".to_owned(), format!("vm-{i}"), "virtual".into(), "agency".into(), "2".into(), "4".into(), "50".into()]),
        ).unwrap();
        let upload = |bytes: Vec<u8>| {
            let form = reqwest::multipart::Form::new().text("kind", "servers").part("file", reqwest::multipart::Part::bytes(bytes).file_name("server.xlsx"));
            browser.post(app.url(&format!("/registry/import?_csrf={csrf}"))).multipart(form).send()
        };
        let broken = upload(b"PK\x03\x04nonsense".to_vec()).await.unwrap();
        assert_eq!(broken.status(), 422);
        assert!(broken.text().await.unwrap().contains("tidak dapat dibaca"));
        let preview = upload(xlsx).await.unwrap().text().await.unwrap();
        assert!(preview.contains("Semua 25 baris benar") && preview.contains("vm-7"), "{preview}");
        let sha = preview.split("name=\"sha\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let servers_before = count(&app, &op, "servers").await;
        let started = browser.post(app.url("/registry/import/confirm")).form(&[("_csrf", csrf_of(&preview)), ("kind", "servers".into()), ("sha", sha)]).send().await.unwrap();
        assert_eq!(started.status(), 303);
        let job = started.headers()["location"].to_str().unwrap().to_owned();
        let mut page = String::new();
        for _ in 0..100 {
            page = browser.get(app.url(&job)).send().await.unwrap().text().await.unwrap();
            if !page.contains("http-equiv=\"refresh\"") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(page.contains("25 baris diimpor") && page.contains("25 dari 25 baris selesai (100%)") && page.contains("<progress id=\"job-progress\" max=\"25\" value=\"25\""), "{page}");
        assert_eq!(count(&app, &op, "servers").await, servers_before + 25);
        // Only the person who started it can follow it.
        let other = app.browser();
        app.account("op.else", Role::AgencyOperator, Some(dinkes)).await;
        app.sign_in(&other, "op.else").await;
        assert_eq!(other.get(app.url(&job)).send().await.unwrap().status(), 404);
    }
}

both! {
    async fn applications_leave_and_return_as_spreadsheets(app) {
        app.demo().await;
        let dinkes = agency(&app, "DINKES").await;
        app.account("op.web", Role::AgencyOperator, Some(dinkes)).await;
        let browser = app.browser();
        app.sign_in(&browser, "op.web").await;
        let op = app.token("op.api", Role::AgencyOperator, Some(dinkes)).await;
        // The export is the import's own format: agency code, the form's fields, status, id.
        let xlsx = browser.get(app.url("/registry/applications?format=xlsx")).send().await.unwrap().bytes().await.unwrap();
        let t = kernel::export::read_table(&xlsx, kernel::export::IMPORT_MAX_ROWS).unwrap();
        assert_eq!(t.header.first().map(String::as_str), Some("agency_code"));
        assert_eq!(t.header.last().map(String::as_str), Some("id"));
        assert_eq!(t.rows.len(), 1, "only the operator's own agency");
        let col = |name: &str| t.header.iter().position(|h| h == name).unwrap();
        assert_eq!(t.rows[0].1[col("name")], "SIKDA Puskesmas");
        assert_eq!(t.rows[0].1[col("status")], "approved", "{:?} {:?}", t.header, t.rows[0]);
        // Correct it in the sheet and add a new one; the status column is read-only.
        let mut fixed = t.rows[0].1.clone();
        fixed[col("purpose")] = "Sistem informasi kesehatan daerah".into();
        fixed[col("open_source")] = "1".into();
        fixed[col("licence")] = "GPL-3.0".into();
        let mut new = vec![String::new(); t.header.len()];
        for (k, v) in [("agency_code", "DINKES"), ("name", "Aplikasi Posyandu"), ("kind", "khusus"), ("purpose", "Data posyandu"),
            ("users", "Kader"), ("funding_source", "apbd"), ("open_source", "ya"), ("licence", "MIT"), ("web_based", "on"),
            ("security_level", "rendah"), ("hosting", "dinas_dc"), ("lifecycle", "planned")] {
            new[col(k)] = v.into();
        }
        let mut bad = new.clone();
        bad[col("kind")] = "aplikasi".into();
        bad[col("name")] = "Aplikasi lain".into();
        let send = |rows: Vec<Vec<String>>| {
            let body = kernel::export::xlsx_bytes(&t.header.iter().map(String::as_str).collect::<Vec<_>>(), rows).unwrap();
            let (url, op) = (app.url("/api/v1/applications/import"), op.clone());
            async move {
                let resp = reqwest::Client::new().post(url).bearer_auth(op).body(body).send().await.unwrap();
                let st = resp.status().as_u16();
                let text = resp.text().await.unwrap();
                (st, serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text)))
            }
        };
        let (st, e) = send(vec![fixed.clone(), new.clone(), bad]).await;
        assert_eq!(st, 422, "{e}");
        assert_eq!((st, fields(&e)), (422, vec!["line 4: kind".to_owned()]), "{e}");
        let (_, list) = api(Method::GET, app.url("/api/v1/applications"), Some(&op), None).await;
        assert_eq!(list["total"], 1, "nothing kept");
        let (st, r) = send(vec![fixed, new]).await;
        assert_eq!((st, r["imported"].as_i64(), r["updated"].as_i64()), (201, Some(1), Some(1)), "{r}");
        let (_, list) = api(Method::GET, app.url("/api/v1/applications"), Some(&op), None).await;
        let items = list["items"].as_array().unwrap();
        let sikda = items.iter().find(|a| a["name"] == "SIKDA Puskesmas").unwrap();
        assert_eq!((sikda["purpose"].as_str(), sikda["open_source"].as_bool(), sikda["status"].as_str()),
            (Some("Sistem informasi kesehatan daerah"), Some(true), Some("submitted")), "a corrected registration goes back for review");
        let posyandu = items.iter().find(|a| a["name"] == "Aplikasi Posyandu").unwrap();
        assert_eq!((posyandu["status"].as_str(), posyandu["web_based"].as_bool()), (Some("draft"), Some(true)));
        // XLSX for the agency and people lists too.
        let people = browser.get(app.url("/people?format=xlsx")).send().await.unwrap();
        assert_eq!(people.status(), 200);
        let t = kernel::export::read_table(&people.bytes().await.unwrap(), kernel::export::IMPORT_MAX_ROWS).unwrap();
        assert!(t.rows.iter().all(|(_, r)| r[0] == "DINKES"), "{:?}", t.rows);
    }
}

both! {
    async fn a_serial_number_names_one_device_of_its_agency(app) {
        let dinkes = app.agency("DINKES").await;
        let disdik = app.agency("DISDIK").await;
        let op = app.token("op.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        let theirs = app.token("op.disdik", Role::AgencyOperator, Some(disdik)).await;
        let device = |agency: AgencyId, name: &str, serial: &str| json!({
            "agency_id": agency.to_string(), "kind": "network", "name": name, "serial": serial,
            "funding_source": "apbd", "location": "Ruang server"
        });
        let (st, first) = api(Method::POST, app.url("/api/v1/devices"), Some(&op), Some(device(dinkes, "Router inti", "SN001"))).await;
        assert_eq!(st, 201, "{first}");
        // The same serial, in any case, is a field error naming the device that has it.
        let (st, e) = api(Method::POST, app.url("/api/v1/devices"), Some(&op), Some(device(dinkes, "Router cadangan", " sn001 "))).await;
        assert_eq!((st, fields(&e)), (422, vec!["serial".to_owned()]), "{e}");
        assert!(e["error"]["message"].as_str().unwrap().contains("Router inti"), "{e}");
        // Another agency's devices are not this one's business: its own SN001 is accepted, and
        // nothing tells it that DINKES has one.
        let (st, d) = api(Method::POST, app.url("/api/v1/devices"), Some(&theirs), Some(device(disdik, "Switch sekolah", "SN001"))).await;
        assert_eq!(st, 201, "{d}");
        // Correcting the device keeps its own serial.
        let id = first["id"].as_str().unwrap();
        let (st, r) = api(Method::PUT, app.url(&format!("/api/v1/devices/{id}")), Some(&op), Some(device(dinkes, "Router inti lantai 2", "SN001"))).await;
        assert_eq!(st, 200, "{r}");
        // An import that repeats a serial, within the file or of a recorded device, names the
        // lines; nothing is kept.
        let csv = "agency_code;kind;name;serial;funding_source;location\n\
            DINKES;network;Switch A;SN100;apbd;Lantai 1\n\
            DINKES;network;Switch B;sn100;apbd;Lantai 2\n\
            DINKES;network;Router lagi;SN001;apbd;Lantai 3\n";
        let resp = reqwest::Client::new().post(app.url("/api/v1/devices/import")).bearer_auth(&op)
            .header("content-type", "text/csv").body(csv).send().await.unwrap();
        let st = resp.status().as_u16();
        let e: Value = resp.json().await.unwrap();
        assert_eq!((st, fields(&e)), (422, vec!["line 3: serial".to_owned(), "line 4: serial".to_owned()]), "{e}");
        let (_, list) = api(Method::GET, app.url("/api/v1/devices"), Some(&op), None).await;
        assert_eq!(list["total"], 1, "nothing of the import kept: {list}");
    }
}

both! {
    async fn a_second_import_updates_skips_or_refuses_what_is_already_recorded(app) {
        app.demo().await;
        let dinkes = agency(&app, "DINKES").await;
        let op = app.token("op.again", Role::AgencyOperator, Some(dinkes)).await;
        let send = |kind: &'static str, query: &'static str, body: Vec<u8>| {
            let (url, op) = (app.url(&format!("/api/v1/{kind}/import{query}")), op.clone());
            async move {
                let resp = reqwest::Client::new().post(url).bearer_auth(op).header("content-type", "text/csv").body(body).send().await.unwrap();
                let st = resp.status().as_u16();
                (st, resp.json::<Value>().await.unwrap())
            }
        };
        let outcome = |r: &Value| (r["imported"].as_i64(), r["updated"].as_i64(), r["skipped"].as_i64());
        let header = "agency_code;kind;name;serial;funding_source;location\n";
        let first = format!("{header}DINKES;end_user;PC A;SN-A;apbd;Loket\nDINKES;end_user;PC B;SN-B;apbd;Loket\nDINKES;end_user;PC tanpa seri;;apbd;Gudang\n");
        let (st, r) = send("devices", "", first.clone().into_bytes()).await;
        assert_eq!((st, outcome(&r)), (201, (Some(3), Some(0), Some(0))), "{r}");
        let before = count(&app, &op, "devices").await;
        // The same file again: the devices with serial numbers are named, line by line (any
        // case); nothing is kept. A device without a serial has no key and is new again.
        let (st, e) = send("devices", "", first.to_lowercase().replace("dinkes", "DINKES").into_bytes()).await;
        assert_eq!((st, fields(&e)), (422, vec!["line 2: serial".to_owned(), "line 3: serial".to_owned()]), "{e}");
        assert!(e.to_string().contains("Perbarui") || e.to_string().contains("update"), "the error says what to choose: {e}");
        assert_eq!(count(&app, &op, "devices").await, before);
        // Asked to update: the preview says what would change, the import changes it.
        let second = format!("{header}DINKES;end_user;PC A lantai 2;SN-A;apbd;Loket 2\nDINKES;network;Switch C;SN-C;apbd;Ruang server\n");
        let (st, r) = send("devices", "?existing=update&dry_run=true", second.clone().into_bytes()).await;
        assert_eq!((st, outcome(&r)), (200, (Some(1), Some(1), Some(0))), "{r}");
        assert_eq!(count(&app, &op, "devices").await, before, "a preview keeps nothing");
        let (st, r) = send("devices", "?existing=update", second.clone().into_bytes()).await;
        assert_eq!((st, outcome(&r)), (201, (Some(1), Some(1), Some(0))), "{r}");
        assert_eq!(count(&app, &op, "devices").await, before + 1);
        let (_, list) = api(Method::GET, app.url("/api/v1/devices?q=SN-A"), Some(&op), None).await;
        assert_eq!((list["total"].as_i64(), list["items"][0]["name"].as_str()), (Some(1), Some("PC A lantai 2")), "{list}");
        // Asked to skip: the recorded ones stay as they are.
        let third = format!("{header}DINKES;end_user;PC A dipindah;SN-A;apbd;Gudang\nDINKES;end_user;PC D;SN-D;apbd;Loket\n");
        let (st, r) = send("devices", "?existing=skip", third.into_bytes()).await;
        assert_eq!((st, outcome(&r)), (201, (Some(1), Some(0), Some(1))), "{r}");
        let (_, list) = api(Method::GET, app.url("/api/v1/devices?q=SN-A"), Some(&op), None).await;
        assert_eq!(list["items"][0]["name"], "PC A lantai 2", "{list}");
        // One record, one row: a key twice in a file is refused whatever the choice.
        let twice = format!("{header}DINKES;end_user;PC E;SN-E;apbd;Loket\nDINKES;end_user;PC E lagi;sn-e;apbd;Loket\n");
        let (st, e) = send("devices", "?existing=update", twice.into_bytes()).await;
        assert_eq!((st, fields(&e)), (422, vec!["line 3: serial".to_owned()]), "{e}");
        // Servers are known by host name, vendors by contract number, applications by name.
        let servers = b"agency_code,name,kind,site,cpu_cores,memory_gb,storage_gb\nDINKES,vm-simrs,virtual,agency,2,4,50\n".to_vec();
        let (st, r) = send("servers", "", servers.clone()).await;
        assert_eq!((st, outcome(&r)), (201, (Some(1), Some(0), Some(0))), "{r}");
        let (st, e) = send("servers", "", servers.clone()).await;
        assert_eq!((st, fields(&e)), (422, vec!["line 2: name".to_owned()]), "{e}");
        let (st, r) = send("servers", "?existing=skip", servers).await;
        assert_eq!((st, outcome(&r)), (201, (Some(0), Some(0), Some(1))), "{r}");
        // An export comes back as it is: its rows carry their ids and correct those records.
        let export = reqwest::Client::new().get(app.url("/registry/devices?format=xlsx")).bearer_auth(&op).send().await.unwrap();
        let exported = kernel::export::read_table(&export.bytes().await.unwrap(), kernel::export::IMPORT_MAX_ROWS).unwrap();
        let resp = reqwest::Client::new().post(app.url("/api/v1/devices/import")).bearer_auth(&op)
            .header("content-type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .body(kernel::export::xlsx_bytes(&exported.header.iter().map(String::as_str).collect::<Vec<_>>(), exported.rows.iter().map(|(_, cells)| cells.clone())).unwrap())
            .send().await.unwrap();
        let st = resp.status().as_u16();
        let r: Value = resp.json().await.unwrap();
        assert_eq!((st, outcome(&r)), (201, (Some(0), Some(exported.rows.len() as i64), Some(0))), "{r}");
        assert_eq!(count(&app, &op, "devices").await, before + 2);
        // Every change is in the trail: the created ones and the corrected one.
        let updates = app.db(|c| {
            let only = kernel::audit::AuditFilter { action: Some("device.update".into()), ..Default::default() };
            kernel::audit::list(c, &only, 1, 0).unwrap().1
        }).await;
        assert!(updates > exported.rows.len() as i64, "{updates} updates");
        let (st, _) = send("devices", "?existing=replace", b"agency_code\n".to_vec()).await;
        assert_eq!(st, 400);
    }
}

both! {
    async fn a_long_list_counts_a_thousand_past_its_page_and_says_more(app) {
        app.demo().await;
        let token = app.token("admin.many", Role::DinasAdmin, None).await;
        let header = "agency_code;kind;name;funding_source;location\n";
        let rows: String = std::iter::once(header.to_owned())
            .chain((0..1_030).map(|i| format!("DINKES;end_user;Komputer {i:04};apbd;Gedung\n")))
            .collect();
        let resp = reqwest::Client::new().post(app.url("/api/v1/devices/import")).bearer_auth(&token)
            .header("content-type", "text/csv").body(rows).send().await.unwrap();
        assert_eq!(resp.status(), 201);
        // Past a thousand matches the total is a floor, and says so.
        let (st, page) = api(Method::GET, app.url("/api/v1/devices?q=komputer&per_page=10"), Some(&token), None).await;
        assert_eq!(st, 200);
        assert_eq!((page["total"].as_i64(), page["total_exact"].as_bool(), page["items"].as_array().unwrap().len()), (Some(1_000), Some(false), 10), "{}", page["total"]);
        assert_eq!(page["items"][0]["name"], "Komputer 0000");
        // A deeper page counts further; near the end the count is exact again.
        let (_, page) = api(Method::GET, app.url("/api/v1/devices?q=komputer&per_page=10&page=50"), Some(&token), None).await;
        assert_eq!((page["total"].as_i64(), page["total_exact"].as_bool()), (Some(1_030), Some(true)));
        assert_eq!(page["items"][0]["name"], "Komputer 0490");
        let (_, page) = api(Method::GET, app.url("/api/v1/devices?q=komputer%2003&per_page=10"), Some(&token), None).await;
        assert_eq!((page["total"].as_i64(), page["total_exact"].as_bool()), (Some(100), Some(true)));
        // The page says "more than" and keeps offering the next page.
        let browser = app.browser();
        app.account("admin.web", Role::DinasAdmin, None).await;
        app.sign_in(&browser, "admin.web").await;
        let html = browser.get(app.url("/registry/devices?q=komputer")).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("Jumlah: lebih dari 1.000") && html.contains("1 / 20+") && html.contains("rel=\"next\""), "{html}");
    }
}

both! {
    async fn an_inventory_template_offers_its_choices_and_a_tick_reads_ya_or_tidak(app) {
        app.demo().await;
        let dinkes = agency(&app, "DINKES").await;
        app.account("op.templat", Role::AgencyOperator, Some(dinkes)).await;
        let browser = app.browser();
        app.sign_in(&browser, "op.templat").await;
        let page = test_support::unescape(&browser.get(app.url("/registry/import?kind=servers")).send().await.unwrap().text().await.unwrap());
        assert!(page.contains(r#"href="/registry/import/template/servers""#), "each kind has its template");
        assert!(page.contains("<code>dinas_dc</code> — "), "a closed set's values are listed with their meaning");
        assert!(page.contains(r#"<code>cpu_cores</code> <span class="tag">Wajib</span>"#) && !page.contains(r#"<code>rack_or_cluster</code> <span class="tag">"#),
            "required columns are those the import's check requires");
        for kind in ["applications", "vendors", "devices"] {
            let resp = browser.get(app.url(&format!("/registry/import/template/{kind}"))).send().await.unwrap();
            assert_eq!(resp.status(), 200, "{kind}");
            let guide = test_support::xlsx_sheet(&resp.bytes().await.unwrap(), "Petunjuk");
            assert!(guide[1..].iter().all(|r| !r[2].is_empty() && !r[2].contains(&format!("{kind}-"))), "every column in words: {guide:?}");
        }
        let book = browser.get(app.url("/registry/import/template/servers")).send().await.unwrap().bytes().await.unwrap();
        let header = test_support::xlsx_sheet(&book, "Data").remove(0);
        assert_eq!((header.first().map(String::as_str), header.last().map(String::as_str)), (Some("agency_code"), Some("id")));
        assert!(header.contains(&"site".to_owned()) && header.contains(&"retired".to_owned()), "{header:?}");
        let guide = test_support::xlsx_sheet(&book, "Petunjuk");
        let required: Vec<&str> = guide.iter().filter(|r| r[1] == "ya").map(|r| r[0].as_str()).collect();
        assert_eq!(required, ["agency_code", "name", "kind", "site", "cpu_cores", "memory_gb", "storage_gb"]);
        let choices = test_support::xlsx_sheet(&book, "Pilihan");
        let column = |name: &str| -> Vec<String> {
            let at = choices[0].iter().position(|c| c == name).unwrap();
            choices[1..].iter().map(|r| r[at].clone()).filter(|c| !c.is_empty()).collect()
        };
        assert_eq!(column("agency_code"), vec!["DINKES"], "only the operator's own agency");
        assert_eq!(column("retired"), vec!["ya", "tidak"]);
        assert!(column("site").contains(&"dinas_dc".to_owned()));
        assert_eq!(browser.get(app.url("/registry/import/template/planets")).send().await.unwrap().status(), 404);
        // A tick column takes "ya"/"tidak" (any case) as the template offers; anything else is
        // that cell's error, never a quiet "no".
        let op = app.token("op.api.templat", Role::AgencyOperator, Some(dinkes)).await;
        let send = |csv: &'static str| {
            let (url, op) = (app.url("/api/v1/servers/import"), op.clone());
            async move {
                let resp = reqwest::Client::new().post(url).bearer_auth(op).header("content-type", "text/csv").body(csv).send().await.unwrap();
                (resp.status().as_u16(), resp.json::<Value>().await.unwrap())
            }
        };
        let (st, e) = send("agency_code,name,kind,site,cpu_cores,memory_gb,storage_gb,retired\nDINKES,srv-ya,virtual,agency,2,4,50,mungkin\n").await;
        assert_eq!((st, fields(&e)), (422, vec!["line 2: retired".to_owned()]), "{e}");
        assert!(e["error"]["details"][0]["message"].as_str().unwrap().contains("ya atau tidak"), "{e}");
        let (st, r) = send("agency_code,name,kind,site,cpu_cores,memory_gb,storage_gb,retired\nDINKES,srv-ya,virtual,agency,2,4,50,Ya\nDINKES,srv-tidak,virtual,agency,2,4,50,tidak\n").await;
        assert_eq!((st, r["imported"].as_i64()), (201, Some(2)), "{r}");
        let (_, list) = api(Method::GET, app.url("/api/v1/servers?per_page=100"), Some(&op), None).await;
        let retired = |name: &str| list["items"].as_array().unwrap().iter().find(|s| s["name"] == name).map(|s| s["retired"].clone());
        assert_eq!((retired("srv-ya"), retired("srv-tidak")), (Some(json!(true)), Some(json!(false))), "{list}");
    }
}
