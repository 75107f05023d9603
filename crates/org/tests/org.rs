//! Organisation context over HTTP, on SQLite and PostgreSQL: the API, validation, access by
//! agency, CSV import and the audit trail.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on an unexpected shape"
)]

use kernel::permissions::Role;
use reqwest::Method;
use test_support::{Value, api, both, json};

fn agency_body(code: &str) -> Value {
    json!({"name": format!("Dinas {code}"), "code": code, "kind": "dinas"})
}

fn person_body(agency: &str, nip: &str) -> Value {
    json!({"agency_id": agency, "name": "Siti Rahayu", "kind": "pns", "nip": nip, "email": "siti@sukamajukab.go.id"})
}

both! {
    async fn agency_api_create_read_update(app) {
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let (s, created) = api(Method::POST, app.url("/api/v1/agencies"), Some(&admin), Some(agency_body("dinkes"))).await;
        assert_eq!(s, 201, "{created}");
        assert_eq!(created["code"], "DINKES");
        let id = created["id"].as_str().unwrap().to_owned();

        let (s, got) = api(Method::GET, app.url(&format!("/api/v1/agencies/{id}")), Some(&admin), None).await;
        assert_eq!((s, got["name"].as_str()), (200, Some("Dinas dinkes")));

        let mut changed = agency_body("DINKES");
        changed["name"] = json!("Dinas Kesehatan");
        changed["egov_unit"] = json!("Seksi Data");
        let (s, upd) = api(Method::PUT, app.url(&format!("/api/v1/agencies/{id}")), Some(&admin), Some(changed)).await;
        assert_eq!((s, upd["egov_unit"].as_str()), (200, Some("Seksi Data")));

        let (s, list) = api(Method::GET, app.url("/api/v1/agencies?q=kesehatan"), Some(&admin), None).await;
        assert_eq!(s, 200);
        assert_eq!(list["total"], 1);
        assert_eq!(list["items"][0]["id"], id.as_str());

        // Not found: a well-formed id that does not exist, and one that is not an id at all.
        let missing = kernel::ids::AgencyId::new();
        assert_eq!(api(Method::GET, app.url(&format!("/api/v1/agencies/{missing}")), Some(&admin), None).await.0, 404);
        assert_eq!(api(Method::GET, app.url("/api/v1/agencies/nope"), Some(&admin), None).await.0, 404);
        // Unauthenticated, and a bad token.
        assert_eq!(api(Method::GET, app.url("/api/v1/agencies"), None, None).await.0, 401);
        assert_eq!(api(Method::GET, app.url("/api/v1/agencies"), Some("smp_forged"), None).await.0, 401);
    }
}

both! {
    async fn agency_bad_input_is_refused_and_nothing_is_written(app) {
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let url = app.url("/api/v1/agencies");
        let (s, e) = api(Method::POST, url.clone(), Some(&admin), Some(json!({"name": "A", "code": "AA", "kind": "dinas", "colour": "red"}))).await;
        assert_eq!((s, e["error"]["field"].as_str()), (400, Some("colour")), "{e}");
        let (s, e) = api(Method::POST, url.clone(), Some(&admin), Some(json!({"name": "A", "code": 7, "kind": "dinas"}))).await;
        assert_eq!((s, e["error"]["field"].as_str()), (400, Some("code")), "{e}");
        let (s, e) = api(Method::POST, url.clone(), Some(&admin), Some(json!({"name": "x".repeat(201), "code": "a b", "kind": "ministry"}))).await;
        assert_eq!(s, 422);
        let fields: Vec<&str> = e["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["name", "code", "kind"]);
        // Malformed JSON.
        let resp = reqwest::Client::new().post(url.clone()).bearer_auth(&admin).header("content-type", "application/json").body("{\"name\":").send().await.unwrap();
        assert_eq!(resp.status(), 400);
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["code"], "bad_request");
        // Duplicate code: 409 naming the field; the message follows Accept-Language.
        assert_eq!(api(Method::POST, url.clone(), Some(&admin), Some(agency_body("DUP"))).await.0, 201);
        let resp = reqwest::Client::new().post(url.clone()).bearer_auth(&admin).header("accept-language", "en").json(&agency_body("dup")).send().await.unwrap();
        assert_eq!(resp.status(), 409);
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["field"], "code");
        assert!(body["error"]["message"].as_str().unwrap().contains("already used"), "{body}");
        let (_, list) = api(Method::GET, url, Some(&admin), None).await;
        assert_eq!(list["total"], 1, "only the first DUP exists");
    }
}

both! {
    async fn dinas_flag_moves_and_is_never_doubled(app) {
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let url = app.url("/api/v1/agencies");
        let mut a = agency_body("KOMINFO");
        a["is_dinas"] = json!(true);
        let (_, first) = api(Method::POST, url.clone(), Some(&admin), Some(a)).await;
        let mut b = agency_body("KOMINFO2");
        b["is_dinas"] = json!(true);
        api(Method::POST, url.clone(), Some(&admin), Some(b)).await;
        let (_, list) = api(Method::GET, url, Some(&admin), None).await;
        let flagged: Vec<&str> = list["items"].as_array().unwrap().iter().filter(|a| a["is_dinas"] == true).map(|a| a["code"].as_str().unwrap()).collect();
        assert_eq!(flagged, ["KOMINFO2"]);
        let (_, old) = api(Method::GET, app.url(&format!("/api/v1/agencies/{}", first["id"].as_str().unwrap())), Some(&admin), None).await;
        assert_eq!(old["is_dinas"], false);
    }
}

both! {
    async fn operator_sees_and_changes_only_own_agency_through_the_api(app) {
        let (a, b) = (app.agency("AAA").await, app.agency("BBB").await);
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let op_a = app.token("op.a", Role::AgencyOperator, Some(a)).await;
        let leader = app.token("bupati", Role::Leader, None).await;
        let people = app.url("/api/v1/people");
        let (s, in_b) = api(Method::POST, people.clone(), Some(&admin), Some(person_body(&b.to_string(), "198503122010011001"))).await;
        assert_eq!(s, 201, "{in_b}");
        let b_url = app.url(&format!("/api/v1/people/{}", in_b["id"].as_str().unwrap()));

        // Read: not found one by one (its existence is not revealed), invisible in lists.
        assert_eq!(api(Method::GET, b_url.clone(), Some(&op_a), None).await.0, 404);
        let (_, list) = api(Method::GET, people.clone(), Some(&op_a), None).await;
        assert_eq!(list["total"], 0);
        let (_, list) = api(Method::GET, app.url(&format!("/api/v1/people?agency={b}")), Some(&op_a), None).await;
        assert_eq!(list["total"], 0, "filtering by another agency reveals nothing");
        // Write: not in B, not moving someone from B, not moving own staff into B.
        assert_eq!(api(Method::PUT, b_url.clone(), Some(&op_a), Some(person_body(&a.to_string(), "198503122010011001"))).await.0, 404);
        assert_eq!(api(Method::POST, people.clone(), Some(&op_a), Some(person_body(&b.to_string(), "199001012015011002"))).await.0, 403);
        let (s, mine) = api(Method::POST, people.clone(), Some(&op_a), Some(person_body(&a.to_string(), "199001012015011002"))).await;
        assert_eq!(s, 201);
        let mine_url = app.url(&format!("/api/v1/people/{}", mine["id"].as_str().unwrap()));
        assert_eq!(api(Method::PUT, mine_url.clone(), Some(&op_a), Some(person_body(&b.to_string(), "199001012015011002"))).await.0, 403);
        assert_eq!(api(Method::GET, mine_url.clone(), Some(&op_a), None).await.0, 200);
        // Agencies are the Dinas's to change.
        assert_eq!(api(Method::POST, app.url("/api/v1/agencies"), Some(&op_a), Some(agency_body("NEW"))).await.0, 403);
        assert_eq!(api(Method::PUT, app.url(&format!("/api/v1/agencies/{a}")), Some(&op_a), Some(agency_body("AAA"))).await.0, 403);
        // A read-only leader sees everything and changes nothing.
        assert_eq!(api(Method::GET, b_url.clone(), Some(&leader), None).await.0, 200);
        let (_, all) = api(Method::GET, people.clone(), Some(&leader), None).await;
        assert_eq!(all["total"], 2);
        assert_eq!(api(Method::PUT, mine_url, Some(&leader), Some(person_body(&a.to_string(), "199001012015011002"))).await.0, 403);
        assert_eq!(api(Method::POST, people, Some(&leader), Some(person_body(&a.to_string(), "199202022016021003"))).await.0, 403);
        // Nothing the refused calls tried was written.
        let (_, after) = api(Method::GET, b_url, Some(&admin), None).await;
        assert_eq!(after["agency_id"], b.to_string());
    }
}

both! {
    async fn operator_is_refused_other_agencies_through_the_pages(app) {
        let (a, b) = (app.agency("AAA").await, app.agency("BBB").await);
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        app.account("op.a", Role::AgencyOperator, Some(a)).await;
        let (_, in_b) = api(Method::POST, app.url("/api/v1/people"), Some(&admin), Some(person_body(&b.to_string(), "198503122010011001"))).await;
        let id = in_b["id"].as_str().unwrap();
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "op.a").await;
        assert_eq!(browser.get(app.url(&format!("/people/{id}"))).send().await.unwrap().status(), 404);
        assert_eq!(browser.get(app.url(&format!("/people/{id}/edit"))).send().await.unwrap().status(), 404);
        let form = [("_csrf", csrf.as_str()), ("agency_id", &a.to_string()), ("name", "Hijacked"), ("kind", "non-asn")];
        assert_eq!(browser.post(app.url(&format!("/people/{id}/edit"))).form(&form).send().await.unwrap().status(), 404);
        let agency = [("_csrf", csrf.as_str()), ("name", "X"), ("code", "XX"), ("kind", "dinas")];
        assert_eq!(browser.post(app.url("/agencies/new")).form(&agency).send().await.unwrap().status(), 403);
        let people = browser.get(app.url("/people")).send().await.unwrap().text().await.unwrap();
        assert!(!people.contains("Siti Rahayu"), "another agency's staff must not be listed");
        let (_, still) = api(Method::GET, app.url(&format!("/api/v1/people/{id}")), Some(&admin), None).await;
        assert_eq!(still["name"], "Siti Rahayu");
    }
}

both! {
    async fn people_numbers_are_validated_and_nik_is_masked(app) {
        let a = app.agency("AAA").await;
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let url = app.url("/api/v1/people");
        let resp = reqwest::Client::new().post(url.clone()).bearer_auth(&admin).header("accept-language", "en")
            .json(&person_body(&a.to_string(), "198502302010011001")).send().await.unwrap();
        assert_eq!(resp.status(), 422);
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["field"], "nip");
        assert!(body["error"]["message"].as_str().unwrap().contains("birth date"), "{body}");
        // A PPPK number carries a code where a PNS number has a month: accepted for PPPK.
        let mut pppk = person_body(&a.to_string(), "199002142022211003");
        pppk["kind"] = json!("pppk");
        pppk["nik"] = json!("3201015203850002");
        let (s, p) = api(Method::POST, url.clone(), Some(&admin), Some(pppk)).await;
        assert_eq!(s, 201, "{p}");
        assert_eq!(p["nik_masked"], "3201************");
        assert!(p.get("nik").is_none(), "the full NIK never leaves");
        // The same NIP twice.
        let (s, e) = api(Method::POST, url.clone(), Some(&admin), Some(person_body(&a.to_string(), "199002142022211003"))).await;
        assert_eq!(s, 422, "as PNS the PPPK number is invalid: {e}");
        let mut dup = person_body(&a.to_string(), "199002142022211003");
        dup["kind"] = json!("pppk");
        let (s, e) = api(Method::POST, url.clone(), Some(&admin), Some(dup)).await;
        assert_eq!((s, e["error"]["field"].as_str()), (409, Some("nip")));
        // An unknown agency.
        let (s, e) = api(Method::POST, url, Some(&admin), Some(person_body(&kernel::ids::AgencyId::new().to_string(), "198503122010011001"))).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some("agency_id")), "{e}");
    }
}

both! {
    async fn csv_import_reports_every_bad_line_and_imports_nothing(app) {
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let client = reqwest::Client::new();
        let bad = "name,code,kind,is_dinas\nDinas Kesehatan,DINKES,dinas,tidak\n,BAD CODE,ministry,0\nDinas Lagi,dinkes,dinas,0\n";
        let resp = client.post(app.url("/api/v1/agencies/import")).bearer_auth(&admin).header("accept-language", "en").body(bad).send().await.unwrap();
        assert_eq!(resp.status(), 422);
        let body: Value = resp.json().await.unwrap();
        let fields: Vec<&str> = body["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["line 3: name", "line 3: code", "line 3: kind", "line 4: code"], "{body}");
        let (_, list) = api(Method::GET, app.url("/api/v1/agencies"), Some(&admin), None).await;
        assert_eq!(list["total"], 0, "nothing imported");

        let good = "name;code;kind;is_dinas;egov_unit\nDinas Kominfo;DISKOMINFO;dinas;ya;Bidang Aptika\nDinas Kesehatan;DINKES;dinas;;\n";
        let resp = client.post(app.url("/api/v1/agencies/import")).bearer_auth(&admin).body(good).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.json::<Value>().await.unwrap()["imported"], 2);

        // People: an operator may import only into their own agency.
        let (_, list) = api(Method::GET, app.url("/api/v1/agencies?q=DINKES"), Some(&admin), None).await;
        let dinkes = kernel::ids::AgencyId::parse(list["items"][0]["id"].as_str().unwrap()).unwrap();
        let op = app.token("op.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        let people = "agency_code,name,kind,nip\nDINKES,Budi,pns,198503122010011001\nDISKOMINFO,Ani,non-asn,\n";
        let resp = client.post(app.url("/api/v1/people/import")).bearer_auth(&op).body(people).send().await.unwrap();
        assert_eq!(resp.status(), 422);
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["details"][0]["field"], "line 3: agency_code");
        let (_, seen) = api(Method::GET, app.url("/api/v1/people"), Some(&admin), None).await;
        assert_eq!(seen["total"], 0);
        let people = "agency_code,name,kind,nip\nDINKES,Budi,pns,198503122010011001\ndinkes,Ani,non-asn,\n";
        let resp = client.post(app.url("/api/v1/people/import")).bearer_auth(&op).body(people).send().await.unwrap();
        assert_eq!(resp.json::<Value>().await.unwrap()["imported"], 2);
    }
}

both! {
    async fn region_profile_is_the_dinas_s_to_set(app) {
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let op = app.token("op.aaa", Role::AgencyOperator, Some(app.agency("AAA").await)).await;
        let url = app.url("/api/v1/region");
        assert_eq!(api(Method::GET, url.clone(), Some(&admin), None).await.0, 404);
        let body = json!({"name": "Kota Sukamaju", "kind": "kota", "domain": "sukamajukota.go.id", "regulation_pack": "BT",
            "regulation_number": "12", "regulation_year": 2017, "regulation_title": "Peraturan Wali Kota Sukamaju Nomor 12 Tahun 2017",
            "subdomain_authority": "dinas", "reporting_chain": "agency-dinas-bupati"});
        assert_eq!(api(Method::PUT, url.clone(), Some(&op), Some(body.clone())).await.0, 403);
        let mut wrong = body.clone();
        wrong["domain"] = json!("sukamajukab.go.id");
        let (s, e) = api(Method::PUT, url.clone(), Some(&admin), Some(wrong)).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some("domain")));
        let (s, r) = api(Method::PUT, url.clone(), Some(&admin), Some(body)).await;
        assert_eq!((s, r["regulation_pack"].as_str()), (200, Some("BT")));
        assert_eq!(api(Method::GET, url, Some(&op), None).await.1["domain"], "sukamajukota.go.id");
    }
}

both! {
    async fn every_change_is_in_the_audit_trail_with_its_actor(app) {
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let auditor = app.token("auditor", Role::Auditor, None).await;
        let op = app.token("op.aaa", Role::AgencyOperator, Some(app.agency("AAA").await)).await;
        let (_, created) = api(Method::POST, app.url("/api/v1/agencies"), Some(&admin), Some(agency_body("AUD"))).await;
        let id = created["id"].as_str().unwrap();
        let (s, page) = api(Method::GET, app.url(&format!("/api/v1/audit-events?record_id={id}")), Some(&auditor), None).await;
        assert_eq!(s, 200);
        assert_eq!(page["items"][0]["action"], "agency.create");
        assert_eq!(page["items"][0]["actor"], "admin");
        assert_eq!(api(Method::GET, app.url("/api/v1/audit-events"), Some(&op), None).await.0, 403);
        assert_eq!(api(Method::GET, app.url("/api/v1/audit-events"), None, None).await.0, 401);
        // The chain holds; the database refuses edits to it.
        let verified = app.db(|c| kernel::audit::verify(c).unwrap()).await;
        assert!(verified.is_ok_and(|n| n >= 3));
        let edited = app.db(|c| diesel::connection::SimpleConnection::batch_execute(c, "UPDATE audit_events SET actor = 'x'")).await;
        assert!(edited.is_err(), "audit events are append-only");
        let deleted = app.db(|c| diesel::connection::SimpleConnection::batch_execute(c, "DELETE FROM audit_events")).await;
        assert!(deleted.is_err(), "audit events are append-only");
    }
}

both! {
    async fn every_org_form_names_each_bad_field_in_its_summary(app) {
        app.account("admin", Role::DinasAdmin, None).await;
        let browser = app.browser();
        let csrf = app.sign_in(&browser, "admin").await;
        app.form_refused(&browser, &csrf, "/region", &[
            ("name", ""), ("kind", "kabupaten"), ("domain", "not a domain"), ("regulation_pack", "kt"),
            ("regulation_number", ""), ("regulation_year", "2024"), ("regulation_title", "Penyelenggaraan SPBE"),
            ("subdomain_authority", "dinas"), ("reporting_chain", "provinsi"),
        ], &[
            ("name", "Masukkan nama daerah."),
            ("domain", "Domain utama: Domain harus berupa nama daerah diikuti kab.go.id (contoh: sukamajukab.go.id)."),
            ("regulation_number", "Masukkan nomor peraturan daerah ini."),
            ("reporting_chain", "Pilih alur pelaporan."),
        ]).await;
        app.form_refused(&browser, &csrf, "/agencies/new", &[
            ("name", ""), ("code", "bad code"), ("kind", ""), ("egov_unit", ""),
        ], &[
            ("name", "Masukkan nama."),
            ("code", "Kode 2–20 karakter: huruf besar, angka atau tanda hubung (contoh: DISKOMINFO)."),
            ("kind", "Pilih jenis."),
        ]).await;
        app.form_refused(&browser, &csrf, "/people/new", &[
            ("agency_id", ""), ("name", ""), ("kind", "pns"), ("nip", "123"), ("nik", ""),
            ("position", ""), ("email", ""), ("phone", ""),
        ], &[("agency_id", "Pilih perangkat daerah."), ("name", "Masukkan nama lengkap."), ("nip", "NIP harus 18 angka.")]).await;
        let (_, list) = api(Method::GET, app.url("/api/v1/agencies"), Some(&app.token("reader", Role::Leader, None).await), None).await;
        assert_eq!(list["total"], 0, "nothing written");
    }
}

both! {
    async fn lists_sort_refuse_what_they_do_not_understand_and_download_safely(app) {
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        for (name, code) in [("Badan Keuangan", "BKAD"), ("=HYPERLINK(\"http://x\")", "AAA"), ("Dinas Kesehatan", "DINKES")] {
            let (s, e) = api(Method::POST, app.url("/api/v1/agencies"), Some(&admin), Some(json!({"name": name, "code": code, "kind": "dinas"}))).await;
            assert_eq!(s, 201, "{e}");
        }
        let codes = |v: &Value| v["items"].as_array().unwrap().iter().map(|a| a["code"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
        let (_, list) = api(Method::GET, app.url("/api/v1/agencies?sort=-code"), Some(&admin), None).await;
        assert_eq!(codes(&list), ["DINKES", "BKAD", "AAA"]);
        let (_, list) = api(Method::GET, app.url("/api/v1/agencies?sort=name&per_page=2&page=2"), Some(&admin), None).await;
        assert_eq!((codes(&list), list["total"].as_i64(), list["page"].as_i64()), (vec!["DINKES".to_owned()], Some(3), Some(2)));
        for (query, field) in [("kind=castle", "kind"), ("sort=colour", "sort"), ("q=a&q=b", "q"), ("q=%00", "q"), ("colour=red", "colour"), ("per_page=0", "per_page"), ("format=csv", "format")] {
            let (s, e) = api(Method::GET, app.url(&format!("/api/v1/agencies?{query}")), Some(&admin), None).await;
            assert_eq!((s, e["error"]["field"].as_str()), (400, Some(field)), "{query}: {e}");
        }
        // The download neutralises a cell a spreadsheet would run as a formula.
        app.account("web", Role::DinasAdmin, None).await;
        let browser = app.browser();
        app.sign_in(&browser, "web").await;
        let csv = browser.get(app.url("/agencies?sort=code&format=csv")).send().await.unwrap().text().await.unwrap();
        assert!(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\",AAA,dinas"), "{csv}");
        let page = browser.get(app.url("/agencies?kind=castle")).send().await.unwrap();
        assert_eq!(page.status(), 400);
        assert!(page.text().await.unwrap().contains("Nilai saringan ini tidak dikenal"));
    }
}

both! {
    async fn access_matrix(app) {
        use test_support::access::{Body, Matrix, form, get, post, put};
        let (dinkes, disdik) = (app.agency("DINKES").await, app.agency("DISDIK").await);
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let (_, person) = api(Method::POST, app.url("/api/v1/people"), Some(&admin), Some(person_body(&dinkes.to_string(), "199001012015031001"))).await;
        let person = person["id"].as_str().unwrap().to_owned();
        let region = json!({"name": "Kabupaten Sukamaju", "kind": "kabupaten", "domain": "sukamajukab.go.id", "regulation_pack": "KT",
            "regulation_number": "6", "regulation_year": 2018, "regulation_title": "Penyelenggaraan e-Government",
            "subdomain_authority": "dinas", "reporting_chain": "agency-dinas-bupati"});
        let region_form = form(&[("name", "Kabupaten Sukamaju"), ("kind", "kabupaten"), ("domain", "sukamajukab.go.id"), ("regulation_pack", "KT"),
            ("regulation_number", "6"), ("regulation_year", "2018"), ("regulation_title", "Penyelenggaraan e-Government"),
            ("subdomain_authority", "dinas"), ("reporting_chain", "agency-dinas-bupati")]);
        let agency_form = form(&[("name", "Dinas Baru"), ("code", "BARU"), ("kind", "dinas")]);
        let person_form = form(&[("agency_id", &dinkes.to_string()), ("name", "Rina"), ("kind", "pns"), ("nip", "199202022016032002")]);
        let agencies_csv = b"name,code,kind\nDinas Pangan,DISPAN,dinas\n".to_vec();
        let people_csv = b"agency_code,name,kind,nip\nDINKES,Rudi,pns,199303032017033003\n".to_vec();
        let person_json = person_body(&dinkes.to_string(), "199404042018034004");
        let writes = vec![
            put("/api/v1/region", Body::Json(region.clone())),
            post("/api/v1/agencies", Body::Json(agency_body("BARU"))),
            post("/api/v1/agencies/import", Body::Raw(agencies_csv.clone())),
            put(format!("/api/v1/agencies/{dinkes}"), Body::Json(agency_body("DINKES"))),
            post("/api/v1/people", Body::Json(person_json.clone())),
            post("/api/v1/people/import", Body::Raw(people_csv.clone())),
            put(format!("/api/v1/people/{person}"), Body::Json(person_json.clone())),
            post("/region", region_form.clone()),
            post("/agencies/new", agency_form.clone()),
            post(format!("/agencies/{dinkes}/edit"), agency_form.clone()),
            post("/people/new", person_form.clone()),
            post(format!("/people/{person}/edit"), person_form.clone()),
            post("/import/agencies", Body::File(vec![], "file", agencies_csv)),
            post("/import/people", Body::File(vec![], "file", people_csv)),
            post("/import/people/confirm", form(&[("sha", &"0".repeat(64)), ("existing", "skip")])),
            post("/import/agencies/confirm", form(&[("sha", &"0".repeat(64))])),
        ];
        let mut signed_in = vec![
            get("/api/v1/region"), get("/api/v1/agencies"), get(format!("/api/v1/agencies/{dinkes}")),
            get("/api/v1/people"), get(format!("/api/v1/people/{person}")),
            get("/"), get("/region"), get("/agencies"), get("/agencies/new"), get(format!("/agencies/{dinkes}")),
            get(format!("/agencies/{dinkes}/edit")), get("/people"), get("/people/new"), get(format!("/people/{person}")),
            get(format!("/people/{person}/edit")), get("/import"), get("/import/template/people"),
            get("/import/template/agencies"),
        ];
        signed_in.extend(writes.clone());
        app.check_access(Matrix {
            module: org::MODULE,
            public: &[],
            signed_in,
            outsider: disdik,
            others: vec![
                get(format!("/api/v1/people/{person}")),
                put(format!("/api/v1/people/{person}"), Body::Json(person_json)),
                get(format!("/people/{person}")),
                get(format!("/people/{person}/edit")),
                post(format!("/people/{person}/edit"), person_form),
            ],
            writes,
        }).await;
    }
}

both! {
    async fn an_import_never_tells_which_nik_exists_in_another_agency(app) {
        let (dinkes, disdik) = (app.agency("DINKES").await, app.agency("DISDIK").await);
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        for (agency, nip, nik) in [(disdik, "198503122010011001", "3201015203850002"), (dinkes, "198503122010011002", "3201015203850003")] {
            let mut body = person_body(&agency.to_string(), nip);
            body["nik"] = json!(nik);
            let (s, p) = api(Method::POST, app.url("/api/v1/people"), Some(&admin), Some(body)).await;
            assert_eq!(s, 201, "{p}");
        }
        let op = app.token("op.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        // Candidates for the other agency's masked NIK, and one number of the operator's own.
        let mut csv = "agency_code,name,kind,nik\n".to_owned();
        for serial in 1..=9 {
            csv.push_str(&format!("DINKES,Calon {serial},non-asn,320101520385000{serial}\n"));
        }
        let client = reqwest::Client::new();
        let resp = client.post(app.url("/api/v1/people/import")).bearer_auth(&op).body(csv.clone()).send().await.unwrap();
        assert_eq!(resp.status(), 422);
        let body: Value = resp.json().await.unwrap();
        let details: Vec<(String, String)> = body["error"]["details"].as_array().unwrap().iter()
            .map(|d| (d["field"].as_str().unwrap().to_owned(), d["message"].as_str().unwrap().to_owned())).collect();
        assert!(details.iter().any(|(f, _)| f == "line 4: nik"), "the operator's own duplicate is named: {details:?}");
        assert!(!details.iter().any(|(f, _)| f == "line 3: nik"), "the other agency's is not: {details:?}");
        assert!(details.iter().any(|(f, m)| f == "file" && m.contains("perangkat daerah lain")), "{details:?}");
        // Refused imports are recorded (how many problems, never the values) and limited.
        let auditor = app.token("auditor", Role::Auditor, None).await;
        let (_, trail) = api(Method::GET, app.url("/api/v1/audit-events?action=person.import_refused"), Some(&auditor), None).await;
        assert_eq!(trail["total"], 1, "{trail}");
        assert!(!trail.to_string().contains("320101520385"), "{trail}");
        let mut last = 0;
        for _ in 0..30 {
            last = client.post(app.url("/api/v1/people/import")).bearer_auth(&op).body(csv.clone()).send().await.unwrap().status().as_u16();
        }
        assert_eq!(last, 429, "an account sending refused files is slowed down");
        // One person at a time, a taken number must be named (it is one field) — so every
        // such refusal is counted and recorded, and a search is cut short.
        let op2 = app.token("op2.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        let mut statuses = vec![];
        for _ in 1..=21 {
            let mut body = person_body(&dinkes.to_string(), "");
            body["kind"] = json!("non-asn");
            body["nik"] = json!("3201015203850002");
            statuses.push(api(Method::POST, app.url("/api/v1/people"), Some(&op2), Some(body)).await.0);
        }
        assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 20, "{statuses:?}");
        assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
        let (_, trail) = api(Method::GET, app.url("/api/v1/audit-events?action=person.number_refused"), Some(&auditor), None).await;
        assert_eq!(trail["total"], 20, "{trail}");
        assert!(!trail.to_string().contains("320101520385"), "{trail}");
    }
}

both! {
    async fn every_page_tells_the_time_in_the_region_s_zone(app) {
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let region = json!({"name": "Kabupaten Sukamaju", "kind": "kabupaten", "domain": "sukamajukab.go.id",
            "regulation_pack": "KT", "regulation_number": "6", "regulation_year": 2018,
            "regulation_title": "Peraturan Bupati Sukamaju Nomor 6 Tahun 2018", "subdomain_authority": "kepala-dinas",
            "reporting_chain": "agency-dinas-bupati", "time_zone": "PST"});
        let (s, e) = api(Method::PUT, app.url("/api/v1/region"), Some(&admin), Some(region.clone())).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some("time_zone")), "{e}");
        let mut wit = region.clone();
        wit["time_zone"] = json!("WIT");
        let (s, r) = api(Method::PUT, app.url("/api/v1/region"), Some(&admin), Some(wit)).await;
        assert_eq!((s, r["time_zone"].as_str()), (200, Some("WIT")), "{r}");

        let (_, agency) = api(Method::POST, app.url("/api/v1/agencies"), Some(&admin), Some(agency_body("WAKTU"))).await;
        let changed = chrono::DateTime::parse_from_rfc3339(agency["updated_at"].as_str().unwrap()).unwrap().naive_utc();
        app.account("dinas", Role::DinasAdmin, None).await;
        let browser = app.browser();
        app.sign_in(&browser, "dinas").await;
        let page = browser.get(app.url(&format!("/agencies/{}", agency["id"].as_str().unwrap()))).send().await.unwrap().text().await.unwrap();
        let local = kernel::time::date_time(kernel::i18n::Lang::Id, kernel::time::Zone::Wit, changed);
        assert!(local.ends_with(" WIT") && local.contains(['J', 'F', 'M', 'A', 'S', 'O', 'N', 'D']), "{local}");
        assert!(page.contains(&local), "the agency's last change in WIT, month in words ({local}):\n{page}");
        assert!(!page.contains("UTC"), "no UTC on the page");

        // The lockout message tells the time in the region's zone too.
        app.account("lupa", Role::Auditor, None).await;
        let other = app.browser();
        let mut last = None;
        for _ in 0..12 {
            let resp = app.sign_in_attempt(&other, "lupa", "salah-sandi-sekali", "/").await;
            if resp.status() == 429 {
                last = Some(resp.text().await.unwrap());
                break;
            }
        }
        let locked = test_support::unescape(&last.unwrap_or_else(|| panic!("the account locks after repeated failures")));
        let at = locked.find(" WIT").unwrap_or_else(|| panic!("the lock's end in WIT:\n{locked}"));
        let clock = locked.get(at - 5..at).unwrap();
        let hour: i64 = clock[..2].parse().unwrap_or_else(|_| panic!("a time before WIT: {clock}"));
        let now_wit = (chrono::Utc::now().naive_utc() + chrono::TimeDelta::hours(9)).time();
        let ahead = (hour - i64::from(chrono::Timelike::hour(&now_wit)) + 24) % 24;
        assert!(ahead <= 1, "the lock ends within the hour, local time ({clock} vs now {now_wit})");
    }
}

both! {
    async fn official_e_mail_is_in_the_region_s_domain(app) {
        app.demo().await;
        let admin = app.token("dinas.mail", Role::DinasAdmin, None).await;
        let agency = app.agency_id("DINKES").await.to_string();
        let mut body = json!({"agency_id": agency, "name": "Rina Wati", "kind": "non-asn", "email": "rina.wati@gmail.com"});
        let (s, e) = api(Method::POST, app.url("/api/v1/people"), Some(&admin), Some(body.clone())).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some("email")), "{e}");
        assert!(e["error"]["message"].as_str().unwrap().contains("sukamajukab.go.id"), "the message names the domain: {e}");
        body["email"] = json!("rina.wati@dinkes.sukamajukab.go.id");
        let (s, p) = api(Method::POST, app.url("/api/v1/people"), Some(&admin), Some(body)).await;
        assert_eq!(s, 201, "an agency's subdomain is official too: {p}");
    }
}

both! {
    async fn a_people_export_imports_back_updating_or_skipping_who_is_recorded(app) {
        app.demo().await;
        let dinkes = app.agency_id("DINKES").await;
        app.account("op.ekspor", Role::AgencyOperator, Some(dinkes)).await;
        let browser = app.browser();
        app.sign_in(&browser, "op.ekspor").await;
        let csv = browser.get(app.url("/people?format=csv")).send().await.unwrap().text().await.unwrap();
        let rows = csv.lines().count() - 1;
        assert!(rows >= 2, "the agency's people: {csv}");
        let token = app.token("op.api.ekspor", Role::AgencyOperator, Some(dinkes)).await;
        let send = |query: &'static str, body: String| {
            let (url, token) = (app.url(&format!("/api/v1/people/import{query}")), token.clone());
            async move {
                let resp = reqwest::Client::new().post(url).bearer_auth(token).header("content-type", "text/csv").body(body).send().await.unwrap();
                (resp.status().as_u16(), resp.json::<Value>().await.unwrap())
            }
        };
        // As before: the recorded people are named, line by line, and nothing changes.
        let (s, e) = send("", csv.clone()).await;
        assert_eq!(s, 422, "{e}");
        assert!(e["error"]["details"].as_array().unwrap().iter().all(|d| d["message"].as_str().unwrap().contains("sudah terdaftar")), "{e}");
        // Skipping: the same file, every row recognised, nothing written.
        let (s, r) = send("?existing=skip", csv.clone()).await;
        assert_eq!((s, r["imported"].as_u64(), r["updated"].as_u64(), r["skipped"].as_u64()), (200, Some(0), Some(0), Some(rows as u64)), "{r}");
        // Updating: a position changed in the file is taken; the others are rewritten as they were.
        let header = csv.lines().next().unwrap();
        let position_at = header.split(',').position(|c| c == "position").unwrap();
        let first: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
        let mut changed: Vec<String> = first.iter().map(|c| (*c).to_owned()).collect();
        changed[position_at] = "Kepala Seksi Surveilans".into();
        let edited = csv.replacen(&first.join(","), &changed.join(","), 1);
        let (s, r) = send("?existing=update", edited).await;
        assert_eq!((s, r["imported"].as_u64(), r["updated"].as_u64()), (200, Some(0), Some(rows as u64)), "{r}");
        let (_, list) = api(Method::GET, app.url("/api/v1/people?per_page=100"), Some(&token), None).await;
        assert!(list["items"].as_array().unwrap().iter().any(|p| p["position"] == "Kepala Seksi Surveilans"), "{list}");
        assert_eq!(list["total"].as_u64(), Some(rows as u64), "no one doubled: {list}");
        let (s, e) = send("?existing=merge", csv.clone()).await;
        assert_eq!((s, e["error"]["field"].as_str()), (400, Some("existing")), "{e}");
        // The XLSX download imports back too.
        let xlsx = browser.get(app.url("/people?format=xlsx")).send().await.unwrap().bytes().await.unwrap();
        let resp = reqwest::Client::new().post(app.url("/api/v1/people/import?existing=skip")).bearer_auth(&token)
            .header("content-type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").body(xlsx.to_vec()).send().await.unwrap();
        let st = resp.status().as_u16();
        let r: Value = resp.json().await.unwrap();
        assert_eq!((st, r["imported"].as_u64(), r["skipped"].as_u64()), (200, Some(0), Some(rows as u64)), "{r}");
        // The page offers the same choice and says what it did.
        let page = browser.get(app.url("/import")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(r#"name="existing" value="refuse" checked"#) && page.contains("Lewati, biarkan data yang tercatat"), "{page}");
        let csrf = test_support::csrf_of(&page);
        // The page checks first: one new person beside the recorded ones is counted, not added.
        let new_row: Vec<&str> = header.split(',').map(|c| match c {
            "agency_code" => "DINKES", "name" => "Sari Dewi", "kind" => "non-asn", "position" => "Staf Gizi", _ => "" }).collect();
        let file = format!("{}\n{}\n", csv.trim_end(), new_row.join(","));
        let form = reqwest::multipart::Form::new().text("existing", "skip")
            .part("file", reqwest::multipart::Part::bytes(file.into_bytes()).file_name("pegawai.csv"));
        let preview = browser.post(app.url(&format!("/import/people?_csrf={csrf}"))).multipart(form).send().await.unwrap().text().await.unwrap();
        assert!(preview.contains(&format!("1 pegawai akan ditambahkan, 0 diperbarui, {rows} dilewati")), "{preview}");
        assert!(preview.contains("Sari Dewi"), "the file's first rows are shown");
        let count = || async { api(Method::GET, app.url("/api/v1/people?per_page=1"), Some(&token), None).await.1["total"].as_u64() };
        assert_eq!(count().await, Some(rows as u64), "a preview writes nothing");
        let sha = preview.split(r#"name="sha" value=""#).nth(1).unwrap().split('"').next().unwrap().to_owned();
        let done = browser.post(app.url("/import/people/confirm"))
            .form(&[("_csrf", csrf.as_str()), ("sha", sha.as_str()), ("existing", "skip")]).send().await.unwrap().text().await.unwrap();
        assert!(done.contains(&format!("1 pegawai ditambahkan, 0 diperbarui, {rows} dilewati")), "{done}");
        assert_eq!(count().await, Some(rows as u64 + 1));
    }
}

both! {
    async fn import_templates_offer_only_what_the_import_takes(app) {
        app.demo().await;
        let dinkes = app.agency_id("DINKES").await;
        app.account("op.templat", Role::AgencyOperator, Some(dinkes)).await;
        let browser = app.browser();
        app.sign_in(&browser, "op.templat").await;
        let page = browser.get(app.url("/import")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(r#"href="/import/template/people""#) && !page.contains("/import/template/agencies"), "an operator imports people only");
        assert!(test_support::unescape(&page).contains("<code>pns</code> — PNS"), "the allowed values are listed on the page");
        let resp = browser.get(app.url("/import/template/people")).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        assert!(resp.headers()["content-disposition"].to_str().unwrap().contains(".xlsx"));
        let book = resp.bytes().await.unwrap();
        let data = test_support::xlsx_sheet(&book, "Data");
        assert_eq!(data, vec![vec!["agency_code", "name", "kind", "nip", "nik", "position", "email", "phone"]]);
        // The drop-downs: the agency the operator keeps, and the kinds of staff, nothing else.
        let choices = test_support::xlsx_sheet(&book, "Pilihan");
        let column = |name: &str| -> Vec<String> {
            let at = choices[0].iter().position(|c| c == name).unwrap();
            choices[1..].iter().map(|r| r[at].clone()).filter(|c| !c.is_empty()).collect()
        };
        assert_eq!(column("agency_code"), vec!["DINKES"], "never another agency's code");
        assert_eq!(column("kind"), vec!["pns", "pppk", "non-asn"]);
        let xml = test_support::xlsx_sheet_xml(&book, 1);
        assert!(xml.contains(r#"<dataValidation type="list""#) && xml.contains("Pilihan"), "{xml}");
        let guide = test_support::xlsx_sheet(&book, "Petunjuk");
        assert!(guide.iter().any(|r| r[0] == "nip" && r[2].contains("18 angka")), "{guide:?}");
        let required: Vec<&str> = guide.iter().filter(|r| r[1] == "ya").map(|r| r[0].as_str()).collect();
        assert_eq!(required, ["agency_code", "name", "kind"]);
        // The Dinas's template of agencies; an operator may not have it.
        assert_eq!(browser.get(app.url("/import/template/agencies")).send().await.unwrap().status(), 404);
        let admin = app.browser();
        app.account("dinas.templat", Role::DinasAdmin, None).await;
        app.sign_in(&admin, "dinas.templat").await;
        let book = admin.get(app.url("/import/template/agencies")).send().await.unwrap().bytes().await.unwrap();
        assert_eq!(test_support::xlsx_sheet(&book, "Data")[0], vec!["name", "code", "kind", "is_dinas", "egov_unit"]);
        let choices = test_support::xlsx_sheet(&book, "Pilihan");
        assert_eq!(choices[0], vec!["kind", "is_dinas"]);
        assert_eq!((choices[1][1].as_str(), choices[2][1].as_str()), ("ya", "tidak"));
    }
}
