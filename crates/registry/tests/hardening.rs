//! Registry regressions of issue 11, on SQLite and PostgreSQL: only the Dinas records servers in
//! its data center (item 9), and placing an application on a server needs rights over it.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on an unexpected shape"
)]

use kernel::permissions::Role;
use reqwest::Method;
use test_support::{api, both, json};

both! {
    async fn only_the_dinas_records_data_center_servers_and_places_other_agencies_applications(app) {
        let (kominfo, dinkes) = (app.agency("DISKOMINFO").await, app.agency("DINKES").await);
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let op = app.token("op.kominfo", Role::AgencyOperator, Some(kominfo)).await;
        let server = |agency: kernel::ids::AgencyId, site: &str| json!({"agency_id": agency.to_string(), "name": format!("srv-{site}"),
            "kind": "virtual", "site": site, "rack_or_cluster": "", "cpu_cores": 8, "memory_gb": 32, "storage_gb": 500});
        let (s, e) = api(Method::POST, app.url("/api/v1/servers"), Some(&op), Some(server(kominfo, "dinas_dc"))).await;
        assert_eq!((s, e["error"]["field"].as_str()), (422, Some("site")), "{e}");
        let (s, e) = api(Method::POST, app.url("/api/v1/servers"), Some(&op), Some(server(kominfo, "dinas_dr"))).await;
        assert_eq!(s, 422, "{e}");
        let (s, own) = api(Method::POST, app.url("/api/v1/servers"), Some(&op), Some(server(kominfo, "agency"))).await;
        assert_eq!(s, 201, "{own}");
        let (s, dc) = api(Method::POST, app.url("/api/v1/servers"), Some(&admin), Some(server(kominfo, "dinas_dc"))).await;
        assert_eq!(s, 201, "{dc}");
        // An operator cannot turn their own server into a data-center one either.
        let (s, e) = api(Method::PUT, app.url(&format!("/api/v1/servers/{}", own["id"].as_str().unwrap())), Some(&op), Some(server(kominfo, "dinas_dc"))).await;
        assert_eq!(s, 422, "{e}");

        // The Dinas's own operator keeps the data-center server, but may not place another
        // agency's application on it; the Dinas administrator may.
        let app_body = json!({"agency_id": dinkes.to_string(), "name": "SIKDA", "kind": "khusus", "purpose": "Pasien", "users": "Puskesmas",
            "funding_source": "apbd", "security_level": "tinggi", "hosting": "dinas_dc", "lifecycle": "production"});
        let (s, sikda) = api(Method::POST, app.url("/api/v1/applications"), Some(&admin), Some(app_body)).await;
        assert_eq!(s, 201, "{sikda}");
        let place = format!("/api/v1/servers/{}/applications", dc["id"].as_str().unwrap());
        let body = json!({"applications": [sikda["id"]]});
        let (s, e) = api(Method::PUT, app.url(&place), Some(&op), Some(body.clone())).await;
        assert_eq!(s, 422, "{e}");
        let (s, placed) = api(Method::PUT, app.url(&place), Some(&admin), Some(body)).await;
        assert_eq!((s, placed.as_array().map(Vec::len)), (200, Some(1)), "{placed}");
    }
}

both! {
    async fn pickers_offer_only_what_the_caller_may_see(app) {
        let (dinkes, disdik) = (app.agency("DINKES").await, app.agency("DISDIK").await);
        let admin = app.token("admin", Role::DinasAdmin, None).await;
        let app_body = |agency: kernel::ids::AgencyId, name: &str| json!({"agency_id": agency.to_string(), "name": name, "kind": "khusus",
            "purpose": "Layanan", "users": "Warga", "funding_source": "apbd", "security_level": "rendah", "hosting": "dinas_dc", "lifecycle": "planned"});
        let (s, v) = api(Method::POST, app.url("/api/v1/applications"), Some(&admin), Some(app_body(disdik, "Draf Rahasia Disdik"))).await;
        assert_eq!(s, 201, "{v}");
        let (s, v) = api(Method::POST, app.url("/api/v1/applications"), Some(&admin), Some(app_body(dinkes, "SIKDA"))).await;
        assert_eq!(s, 201, "{v}");
        for (name, owner) in [("Klien Disdik", disdik), ("Klien Dinkes", dinkes)] {
            let (s, v) = api(Method::POST, app.url("/api/v1/sso/clients"), Some(&admin),
                Some(json!({"name": name, "redirect_uris": ["https://x.sukamajukab.go.id/cb"], "owner_agency_id": owner.to_string()}))).await;
            assert_eq!(s, 201, "{v}");
        }
        app.account("op.dinkes", Role::AgencyOperator, Some(dinkes)).await;
        let browser = app.browser();
        app.sign_in(&browser, "op.dinkes").await;
        let page = |path: String| { let b = browser.clone(); async move { b.get(path).send().await.unwrap().text().await.unwrap() } };
        let vendor_form = page(app.url(&format!("/registry/vendors/new?agency_id={disdik}"))).await;
        assert!(!vendor_form.contains("Draf Rahasia Disdik"), "another agency's applications are not offered");
        let own = page(app.url(&format!("/registry/vendors/new?agency_id={dinkes}"))).await;
        assert!(own.contains("SIKDA"), "the caller's own are");
        let app_form = page(app.url("/registry/applications/new")).await;
        assert!(!app_form.contains("Klien Disdik") && app_form.contains("Klien Dinkes"), "SSO clients: only the agency's own");
    }
}
