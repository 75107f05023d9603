//! DNSSEC checked by standard validators, on SQLite and PostgreSQL: the Dinas switches signing
//! on; `delv` (BIND's validating resolver) trusts only the DS the settings give for the parent
//! and fully validates an address, an alias, a wildcard, "no such name" and "no such data";
//! the whole zone as transferred passes `ldns-verify-zone` against the same DS, signatures
//! valid for two weeks to come; a zone-signing key rollover keeps every answer valid at each
//! step; and a wrong DS fails validation, so the checks can fail.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on an unexpected shape"
)]

use std::process::Command;
use std::time::{Duration, Instant};

use kernel::permissions::Role;
use reqwest::Method;
use test_support::{TestApp, api, json};

mod common;
use common::dig;

const APEX: &str = "sukamajukab.go.id";

/// `delv` asking the server on `port`, trusting only `ds` for the zone.
fn delv(port: u16, anchors: &std::path::Path, name: &str, rtype: &str) -> String {
    let out = Command::new("delv")
        .args(["@127.0.0.1", "-p", &port.to_string(), "-a"])
        .arg(anchors)
        .args([&format!("+root={APEX}"), name, rtype])
        .output()
        .expect("delv (Debian's bind9-dnsutils) is needed; .ci/run installs it");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A trust-anchor file for `delv` holding the DS records of `ds` (presentation form).
fn anchors(dir: &std::path::Path, ds: &[String]) -> std::path::PathBuf {
    let lines: Vec<String> = ds
        .iter()
        .map(|d| {
            let p: Vec<&str> = d.split_whitespace().collect();
            format!(
                "  \"{}\" static-ds {} {} {} \"{}\";",
                p[0], p[3], p[4], p[5], p[6]
            )
        })
        .collect();
    let path = dir.join(format!("anchors-{}.conf", ds.len()));
    std::fs::write(
        &path,
        format!("trust-anchors {{\n{}\n}};\n", lines.join("\n")),
    )
    .unwrap();
    path
}

async fn until(secs: u64, what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < Duration::from_secs(secs), "{what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn dnskeys(port: u16) -> usize {
    dig(port, &["+short", APEX, "DNSKEY"]).lines().count()
}

/// Transfers the zone and runs `ldns-verify-zone` on it against `ds`, requiring signatures
/// that stay valid for 13 more days (a week's signatures last two weeks past it).
fn verify_zone(dir: &std::path::Path, port: u16, ds: &[String]) -> (bool, String) {
    let axfr = dig(port, &["+nocmd", "+nostats", "+nocomments", APEX, "AXFR"]);
    let zone = dir.join("zone.txt");
    std::fs::write(&zone, &axfr).unwrap();
    let keys = dir.join("ds.txt");
    std::fs::write(&keys, ds.join("\n") + "\n").unwrap();
    let out = Command::new("ldns-verify-zone")
        .args(["-e", "P13D", "-k"])
        .arg(&keys)
        .arg(&zone)
        .output()
        .expect("ldns-verify-zone (Debian's ldnsutils) is needed; .ci/run installs it");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let verified = out.status.success() && text.contains("Zone is verified and complete");
    (verified, text)
}

async fn ds_records(app: &TestApp, token: &str) -> Vec<String> {
    let (status, body) = api(
        Method::GET,
        app.url("/api/v1/dns/dnssec"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["enabled"], true);
    body["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|k| k["ds"].as_str().map(str::to_owned))
        .collect()
}

/// Every kind of answer a validating resolver meets, fully validated.
fn all_validate(port: u16, anchors: &std::path::Path) {
    let negative = ["; negative response, fully validated"].as_slice();
    for (name, rtype, expect) in [
        (APEX.to_owned(), "SOA", ["; fully validated"].as_slice()),
        (format!("www.{APEX}"), "A", &["; fully validated"]),
        (format!("siapa.layanan.{APEX}"), "A", &["; fully validated"]),
        (format!("tidak-ada.{APEX}"), "A", negative),
        (format!("ppid.{APEX}"), "MX", negative),
        (format!("siapa.layanan.{APEX}"), "MX", negative),
        // An alias to a name without the type: the alias validated, then the proven "no".
        (
            format!("sikda.{APEX}"),
            "AAAA",
            &["; fully validated", "NXRRSET"],
        ),
    ] {
        let out = delv(port, anchors, &name, rtype);
        for e in expect {
            assert!(out.contains(e), "{name} {rtype}:\n{out}");
        }
        assert!(
            !out.contains("resolution failed: broken"),
            "{name} {rtype}:\n{out}"
        );
    }
}

async fn signed_zone_validates(backend: db::Backend) {
    let app = TestApp::with_settings(
        backend,
        &[
            ("SIMPUL_DNS_ADDR", "127.0.0.1:0"),
            ("SIMPUL_DNS_RATE_LIMIT", "0"),
            // Loopback may transfer the zone (its NOTIFY goes to the discard port).
            ("SIMPUL_DNS_SECONDARIES", "127.0.0.1:9"),
        ],
    )
    .await;
    app.demo().await;
    let port = domains::dns::status(&app.state)
        .addr
        .lock()
        .unwrap()
        .expect("the DNS server listens")
        .port();
    let admin = app.token("admin.dnssec", Role::DinasAdmin, None).await;
    let dir = tempfile::tempdir().unwrap();

    // Unsigned at first: no keys, and the API says so.
    let (_, off) = api(
        Method::GET,
        app.url("/api/v1/dns/dnssec"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(off["enabled"], false);
    // A wildcard for the proofs of an expanded answer.
    let agency = app.agency_id("DISKOMINFO").await.to_string();
    let (status, body) = api(
        Method::POST,
        app.url("/api/v1/dns/records"),
        Some(&admin),
        Some(
            json!({"agency_id": agency, "name": "*.layanan", "rtype": "A",
            "value": "203.0.113.80", "basis": "Keputusan Kepala Dinas Nomor 045/210/2026"}),
        ),
    )
    .await;
    assert_eq!(status, 201, "{body}");

    // The Dinas switches signing on.
    let (_, mut settings) = api(
        Method::GET,
        app.url("/api/v1/dns/settings"),
        Some(&admin),
        None,
    )
    .await;
    let draft = json!({
        "name_servers": settings["name_servers"].as_array().unwrap().iter()
            .map(|n| n.as_str().unwrap()).collect::<Vec<_>>().join("\n"),
        "hostmaster": "hostmaster@sukamajukab.go.id",
        "refresh": settings["refresh"].to_string(),
        "retry": settings["retry"].to_string(),
        "expire": settings["expire"].to_string(),
        "minimum": settings["minimum"].to_string(),
        "dnssec": true,
    });
    let status;
    (status, settings) = api(
        Method::PUT,
        app.url("/api/v1/dns/settings"),
        Some(&admin),
        Some(draft.clone()),
    )
    .await;
    assert_eq!(status, 200, "{settings}");
    assert_eq!(settings["dnssec"], true);
    until(10, "the key set is served", || dnskeys(port) == 2).await;
    let ds = ds_records(&app, &admin).await;
    assert_eq!(ds.len(), 1, "one key-signing key, one DS: {ds:?}");

    // The first signing week is announced once: the serial rises so secondaries transfer the
    // signatures, recorded in the audit trail as the system's doing.
    let resigned = || async {
        let (_, events) = api(
            Method::GET,
            app.url("/api/v1/audit-events?action=dns_zone.resign"),
            Some(&admin),
            None,
        )
        .await;
        events["total"].as_i64().unwrap()
    };
    let start = Instant::now();
    while resigned().await == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the week is announced"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        resigned().await,
        1,
        "announced once a week, not at every look"
    );

    let trusted = anchors(dir.path(), &ds);
    all_validate(port, &trusted);
    let (ok, report) = verify_zone(dir.path(), port, &ds);
    assert!(ok, "ldns-verify-zone:\n{report}");

    // A DS the parent never published: validation fails rather than passing anything.
    let mut wrong = ds[0].clone();
    let last = wrong.pop().unwrap();
    wrong.push(if last == '0' { '1' } else { '0' });
    let untrusted = dir.path().join("wrong");
    std::fs::create_dir(&untrusted).unwrap();
    let bad = anchors(&untrusted, &[wrong.clone()]);
    let out = delv(port, &bad, &format!("www.{APEX}"), "A");
    assert!(!out.contains("fully validated"), "{out}");
    let (ok, report) = verify_zone(dir.path(), port, &[wrong]);
    assert!(!ok, "a wrong DS must not verify:\n{report}");

    // A change is served signed at once.
    let (status, body) = api(
        Method::POST,
        app.url("/api/v1/dns/records"),
        Some(&admin),
        Some(json!({"agency_id": agency, "name": "baru", "rtype": "A",
            "value": "203.0.113.81", "basis": "Keputusan Kepala Dinas Nomor 045/211/2026"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    until(10, "the new record is served", || {
        delv(port, &trusted, &format!("baru.{APEX}"), "A").contains("; fully validated")
    })
    .await;

    // A zone-signing key rollover: the new key signs beside the old one, every answer stays
    // valid; finishing early is refused without force; after it, still valid.
    let actor = kernel::audit::Actor::system("test");
    let a = actor.clone();
    let started = app
        .state
        .write(move |c| domains::signing::rollover(c, &a, domains::dnssec::KeyRole::Zsk, false))
        .await
        .unwrap();
    assert!(
        matches!(started, domains::signing::Rolled::Started { .. }),
        "{started:?}"
    );
    until(10, "the incoming key is published", || dnskeys(port) == 3).await;
    all_validate(port, &trusted);
    let a = actor.clone();
    let early = app
        .state
        .write(move |c| domains::signing::rollover(c, &a, domains::dnssec::KeyRole::Zsk, false))
        .await
        .unwrap();
    assert!(
        matches!(early, domains::signing::Rolled::Waiting { .. }),
        "{early:?}"
    );
    let finished = app
        .state
        .write(move |c| domains::signing::rollover(c, &actor, domains::dnssec::KeyRole::Zsk, true))
        .await
        .unwrap();
    assert!(
        matches!(finished, domains::signing::Rolled::Finished { .. }),
        "{finished:?}"
    );
    until(10, "the old key is withdrawn", || dnskeys(port) == 2).await;
    all_validate(port, &trusted);
    let (ok, report) = verify_zone(dir.path(), port, &ds);
    assert!(ok, "after the rollover:\n{report}");
    // The key-signing key did not change: the parent's DS still holds.
    assert_eq!(ds_records(&app, &admin).await, ds);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_zone_validates_in_delv_and_ldns_sqlite() {
    signed_zone_validates(db::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_zone_validates_in_delv_and_ldns_postgres() {
    signed_zone_validates(db::Backend::Postgres).await;
}
