//! The authoritative DNS server with real tools, on SQLite and PostgreSQL: `dig` asks it
//! (UDP and TCP, EDNS, truncation, NXDOMAIN and NODATA, REFUSED, ANY, a change seen at
//! once); garbage packets get FORMERR or silence and the server keeps answering; BIND 9 as a
//! secondary transfers the zone with a TSIG key the Dinas made, is told of a change by NOTIFY
//! and serves it; two instances on one database answer alike and NOTIFY once.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test fails loudly on an unexpected shape"
)]

use std::net::SocketAddr;
use std::process::Command;
use std::time::{Duration, Instant};

use hickory_proto::op::{Message, OpCode, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};
use kernel::permissions::Role;
use reqwest::Method;
use test_support::{TestApp, api, json};
use tokio::net::UdpSocket;

mod common;
use common::dig;

const APEX: &str = "sukamajukab.go.id";

fn port_of(app: &TestApp) -> u16 {
    domains::dns::status(&app.state)
        .addr
        .lock()
        .unwrap()
        .expect("the DNS server listens")
        .port()
}

/// Asks until `check` holds on dig's output, for at most `secs` seconds.
async fn until(secs: u64, port: u16, args: &[&str], check: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let out = dig(port, args);
        if check(&out) {
            return out;
        }
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "dig {args:?} on port {port} never gave what was expected; last:\n{out}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn answers(out: &str) -> Vec<Vec<String>> {
    let mut lines = vec![];
    let mut inside = false;
    for l in out.lines() {
        if l.starts_with(";; ANSWER SECTION") {
            inside = true;
            continue;
        }
        if inside {
            if l.trim().is_empty() {
                break;
            }
            lines.push(l.split_whitespace().map(str::to_owned).collect());
        }
    }
    lines
}

fn serial(out: &str) -> u64 {
    answers(out)
        .iter()
        .find(|a| a.get(3).map(String::as_str) == Some("SOA"))
        .map(|a| a[6].parse().unwrap())
        .expect("a SOA in the answer")
}

async fn add(app: &TestApp, token: &str, name: &str, rtype: &str, value: &str) {
    let agency = app.agency_id("DISKOMINFO").await.to_string();
    let (status, body) = api(
        Method::POST,
        app.url("/api/v1/dns/records"),
        Some(token),
        Some(
            json!({"agency_id": agency, "name": name, "rtype": rtype, "value": value,
            "basis": "Keputusan Kepala Dinas Kominfo Nomor 045/201/DISKOMINFO/2026"}),
        ),
    )
    .await;
    assert_eq!(status, 201, "{body}");
}

/// Sends `packet` and waits briefly for an answer.
async fn exchange(port: u16, packet: &[u8]) -> Option<Vec<u8>> {
    let s = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    s.send_to(packet, ("127.0.0.1", port)).await.unwrap();
    let mut buf = vec![0u8; 4096];
    match tokio::time::timeout(Duration::from_millis(400), s.recv(&mut buf)).await {
        Ok(Ok(n)) => Some(buf[..n].to_vec()),
        _ => None,
    }
}

fn soa_query(id: u16) -> Vec<u8> {
    let mut m = Message::new(id, hickory_proto::op::MessageType::Query, OpCode::Query);
    m.add_query(Query::query(
        Name::from_ascii("sukamajukab.go.id.").unwrap(),
        RecordType::SOA,
    ));
    m.to_vec().unwrap()
}

async fn started(backend: db::Backend, settings: &[(&str, &str)]) -> (TestApp, u16, String) {
    let app = TestApp::with_settings(backend, settings).await;
    app.demo().await;
    let port = port_of(&app);
    // The demo went straight into the database: the server sees it at its next look.
    until(10, port, &[APEX, "SOA"], |o| o.contains("status: NOERROR")).await;
    let admin = app.token("admin.dns", Role::DinasAdmin, None).await;
    (app, port, admin)
}

async fn dig_gets_authoritative_answers(backend: db::Backend) {
    let (app, port, admin) = started(
        backend,
        &[
            ("SIMPUL_DNS_ADDR", "127.0.0.1:0"),
            ("SIMPUL_DNS_RATE_LIMIT", "0"),
        ],
    )
    .await;

    let soa = dig(port, &[APEX, "SOA"]);
    assert!(soa.contains("flags: qr aa;"), "{soa}");
    assert!(soa.contains("EDNS: version: 0, flags:; udp: 1232"), "{soa}");
    let before = serial(&soa);

    // An alias followed to its address inside the zone.
    let www = dig(port, &[&format!("www.{APEX}"), "A"]);
    let rows = answers(&www);
    let types: Vec<&str> = rows.iter().map(|a| a[3].as_str()).collect();
    assert_eq!(types, ["CNAME", "A"], "{www}");

    // No such name, and no such data, each with the SOA for caching the "no".
    let nx = dig(port, &[&format!("tidakada.{APEX}"), "A"]);
    assert!(
        nx.contains("status: NXDOMAIN") && nx.contains("flags: qr aa;"),
        "{nx}"
    );
    assert!(
        nx.contains(";; AUTHORITY SECTION:") && nx.contains("IN\tSOA"),
        "{nx}"
    );
    let nodata = dig(port, &[APEX, "SRV"]);
    assert!(
        nodata.contains("status: NOERROR") && nodata.contains("ANSWER: 0"),
        "{nodata}"
    );
    assert!(nodata.contains("IN\tSOA"), "{nodata}");

    // Not our zone; and no transfer for an address that is no secondary.
    let other = dig(port, &["example.com", "A"]);
    assert!(other.contains("status: REFUSED"), "{other}");
    let axfr = dig(port, &[APEX, "AXFR"]);
    assert!(axfr.contains("Transfer failed"), "{axfr}");

    // TCP, and a query without EDNS.
    let tcp = dig(port, &["+tcp", APEX, "NS"]);
    assert!(tcp.contains("(TCP)") && tcp.contains("ANSWER: 2"), "{tcp}");
    let plain = dig(port, &["+noedns", APEX, "SOA"]);
    assert!(
        plain.contains("status: NOERROR") && !plain.contains("OPT PSEUDOSECTION"),
        "{plain}"
    );

    // ANY gets one RRset (RFC 8482).
    let any = dig(port, &[APEX, "ANY"]);
    let kinds: std::collections::BTreeSet<String> =
        answers(&any).iter().map(|a| a[3].clone()).collect();
    assert_eq!(kinds.len(), 1, "{any}");

    // Too big for UDP: truncated, and dig's retry over TCP gets it all.
    for i in 0..4 {
        add(
            &app,
            &admin,
            "panjang",
            "TXT",
            &format!("{i}{}", "t".repeat(400)),
        )
        .await;
    }
    let whole = until(5, port, &[&format!("panjang.{APEX}"), "TXT"], |o| {
        o.contains("ANSWER: 4")
    })
    .await;
    assert!(whole.contains("(TCP)"), "{whole}");
    let cut = dig(
        port,
        &[
            "+ignore",
            "+bufsize=1232",
            &format!("panjang.{APEX}"),
            "TXT",
        ],
    );
    assert!(
        cut.contains("flags: qr tc aa;") || cut.contains("flags: qr aa tc;"),
        "{cut}"
    );
    assert!(cut.contains("ANSWER: 0") && cut.contains("(UDP)"), "{cut}");

    // A change is served within moments, with a higher serial.
    add(&app, &admin, "baru", "A", "203.0.113.99").await;
    let baru = until(5, port, &["+short", &format!("baru.{APEX}"), "A"], |o| {
        o.trim() == "203.0.113.99"
    })
    .await;
    assert_eq!(baru.trim(), "203.0.113.99");
    assert!(serial(&dig(port, &[APEX, "SOA"])) > before);

    // Garbage: silence for what is not a query, FORMERR for a query that cannot be read.
    assert_eq!(exchange(port, &[1, 2, 3, 4, 5]).await, None);
    let mut answer_packet = soa_query(7);
    answer_packet[2] |= 0x80;
    assert_eq!(
        exchange(port, &answer_packet).await,
        None,
        "an answer is never answered"
    );
    // A header that promises a question and stops.
    let lame = [0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
    let reply = Message::from_vec(&exchange(port, &lame).await.expect("FORMERR")).unwrap();
    assert_eq!(reply.metadata.id, 0x1234);
    assert_eq!(reply.metadata.response_code, ResponseCode::FormErr);
    // A name with a label running past the end, and a compression pointer to itself.
    let mut looped = lame.to_vec();
    looped.extend_from_slice(&[0xC0, 0x0C, 0, 1, 0, 1]);
    let reply = exchange(port, &looped).await.expect("FORMERR");
    assert_eq!(
        Message::from_vec(&reply).unwrap().metadata.response_code,
        ResponseCode::FormErr
    );
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..300 {
        let len = (seed % 300) as usize + 1;
        let packet: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed & 0xFF) as u8
            })
            .collect();
        let s = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        s.send_to(&packet, ("127.0.0.1", port)).await.unwrap();
    }
    // Over TCP: a length with too little behind it, then a close.
    {
        use tokio::io::AsyncWriteExt;
        let mut t = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        t.write_all(&[0x00, 0x40, 1, 2, 3]).await.unwrap();
        drop(t);
    }
    // Still answering.
    let reply = Message::from_vec(&exchange(port, &soa_query(99)).await.expect("alive")).unwrap();
    assert_eq!(reply.metadata.response_code, ResponseCode::NoError);
    assert!(matches!(reply.answers[0].data, RData::SOA(_)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dig_gets_authoritative_answers_sqlite() {
    dig_gets_authoritative_answers(db::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dig_gets_authoritative_answers_postgres() {
    dig_gets_authoritative_answers(db::Backend::Postgres).await;
}

/// A port free on loopback for both UDP and TCP, for the secondary.
fn free_port() -> u16 {
    loop {
        let u = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = u.local_addr().unwrap().port();
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// BIND 9 as a secondary of the zone on `port`, transferring from `primary` with `key`.
struct Named {
    child: std::process::Child,
    dir: tempfile::TempDir,
}

impl Named {
    fn start(port: u16, primary: u16, key: &str, secret: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display();
        let conf = format!(
            r#"options {{
    directory "{d}";
    pid-file "{d}/named.pid";
    listen-on port {port} {{ 127.0.0.1; }};
    listen-on-v6 {{ none; }};
    recursion no;
    dnssec-validation no;
    notify no;
}};
key "{key}" {{ algorithm hmac-sha256; secret "{secret}"; }};
zone "{APEX}" {{
    type secondary;
    primaries {{ 127.0.0.1 port {primary} key "{key}"; }};
    masterfile-format text;
    file "{d}/secondary.zone";
}};
"#
        );
        Self::run(dir, &conf)
    }

    /// Runs Debian's `named` in the foreground with `conf`, written into `dir`.
    fn run(dir: tempfile::TempDir, conf: &str) -> Self {
        let path = dir.path().join("named.conf");
        std::fs::write(&path, conf).unwrap();
        let named = ["/usr/sbin/named", "/usr/bin/named"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())
            .expect("named (Debian's bind9) is needed; .ci/run installs it");
        let child = Command::new(named)
            .args(["-g", "-n", "1", "-c"])
            .arg(&path)
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("named.log")).unwrap())
            .spawn()
            .unwrap();
        Self { child, dir }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("named.log")).unwrap_or_default()
    }
}

impl Drop for Named {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn a_bind_secondary_transfers_with_tsig_and_follows_notify(backend: db::Backend) {
    let bind_port = free_port();
    let secondary = format!("127.0.0.1:{bind_port}");
    let (app, port, admin) = started(
        backend,
        &[
            ("SIMPUL_DNS_ADDR", "127.0.0.1:0"),
            ("SIMPUL_DNS_SECONDARIES", &secondary),
        ],
    )
    .await;

    // Before any key, the listed secondary's address is enough.
    let open = dig(port, &[APEX, "AXFR"]);
    assert!(open.contains("XFR size:"), "{open}");

    // The Dinas makes a key; from then on only signed transfers are served.
    let (status, key) = api(
        Method::POST,
        app.url("/api/v1/dns/keys"),
        Some(&admin),
        Some(json!({"name": "transfer-ns2"})),
    )
    .await;
    assert_eq!(status, 201, "{key}");
    let secret = key["secret"].as_str().unwrap().to_owned();
    assert_eq!(key["algorithm"], "hmac-sha256");
    until(5, port, &[APEX, "AXFR"], |o| o.contains("Transfer failed")).await;
    let signed = dig(
        port,
        &[
            "-y",
            &format!("hmac-sha256:transfer-ns2:{secret}"),
            APEX,
            "AXFR",
        ],
    );
    assert!(
        signed.contains("XFR size:") && !signed.contains("failed"),
        "{signed}"
    );
    assert!(
        signed.contains("TSIG") && signed.contains("NOERROR"),
        "{signed}"
    );
    let wrong = "q".repeat(43) + "=";
    let forged = dig(
        port,
        &[
            "-y",
            &format!("hmac-sha256:transfer-ns2:{wrong}"),
            APEX,
            "AXFR",
        ],
    );
    assert!(!forged.contains("XFR size:"), "{forged}");
    let stranger = dig(
        port,
        &["-y", &format!("hmac-sha256:lain:{secret}"), APEX, "SOA"],
    );
    assert!(
        stranger.contains("NOTAUTH") || stranger.contains("BADKEY"),
        "{stranger}"
    );
    // A signed ordinary query gets a signed answer (BIND checks the SOA this way).
    let soa = dig(
        port,
        &[
            "-y",
            &format!("hmac-sha256:transfer-ns2:{secret}"),
            APEX,
            "SOA",
        ],
    );
    assert!(
        soa.contains("status: NOERROR") && soa.contains("TSIG PSEUDOSECTION"),
        "{soa}"
    );
    let ours = serial(&soa);

    // BIND transfers the zone with the key and serves it.
    let named = Named::start(bind_port, port, "transfer-ns2", &secret);
    let copy = until(20, bind_port, &[APEX, "SOA"], |o| {
        o.contains("status: NOERROR")
    })
    .await;
    assert_eq!(serial(&copy), ours, "{}", named.log());
    assert!(copy.contains("flags: qr aa;"), "{copy}");
    let www = dig(bind_port, &["+short", &format!("www.{APEX}"), "CNAME"]);
    assert_eq!(www.trim(), format!("{APEX}."));

    // A change: our NOTIFY makes BIND transfer again at once (its own refresh is an hour).
    add(&app, &admin, "sekunder", "A", "203.0.113.77").await;
    let seen = until(
        15,
        bind_port,
        &["+short", &format!("sekunder.{APEX}"), "A"],
        |o| o.trim() == "203.0.113.77",
    )
    .await;
    assert_eq!(seen.trim(), "203.0.113.77", "{}", named.log());
    let log = named.log();
    assert!(log.contains("notify from 127.0.0.1"), "{log}");
    assert!(
        log.contains("TSIG transfer-ns2") || log.contains("key transfer-ns2"),
        "{log}"
    );
    let status = domains::dns::status(&app.state);
    assert!(status.notified.load(std::sync::atomic::Ordering::Relaxed) >= 1);
    assert!(status.transfers.load(std::sync::atomic::Ordering::Relaxed) >= 2);

    // What BIND saved is a zone BIND's own checker accepts.
    let saved = named.dir.path().join("secondary.zone");
    let check = Command::new("named-checkzone")
        .args([APEX])
        .arg(&saved)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    // A withdrawn key no longer transfers.
    let id = key["id"].as_str().unwrap();
    let (status, _) = api(
        Method::DELETE,
        app.url(&format!("/api/v1/dns/keys/{id}")),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, 204);
    until(
        5,
        port,
        &[
            "-y",
            &format!("hmac-sha256:transfer-ns2:{secret}"),
            APEX,
            "AXFR",
        ],
        |o| !o.contains("XFR size:"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bind_secondary_transfers_with_tsig_and_follows_notify_sqlite() {
    a_bind_secondary_transfers_with_tsig_and_follows_notify(db::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bind_secondary_transfers_with_tsig_and_follows_notify_postgres() {
    a_bind_secondary_transfers_with_tsig_and_follows_notify(db::Backend::Postgres).await;
}

/// A stand-in secondary that only counts the NOTIFY messages it hears, by serial, and
/// acknowledges them.
async fn listen_for_notify(socket: UdpSocket, heard: std::sync::Arc<std::sync::Mutex<Vec<u32>>>) {
    let mut buf = vec![0u8; 4096];
    loop {
        let Ok((n, from)) = socket.recv_from(&mut buf).await else {
            return;
        };
        let Ok(m) = Message::from_vec(&buf[..n]) else {
            continue;
        };
        if m.metadata.op_code != OpCode::Notify {
            continue;
        }
        if let Some(RData::SOA(soa)) = m.answers.first().map(|r| &r.data) {
            heard.lock().unwrap().push(soa.serial);
        }
        let mut ack = Message::response(m.metadata.id, OpCode::Notify);
        ack.add_queries(m.queries.clone());
        let _ = socket.send_to(&ack.to_vec().unwrap(), from).await;
    }
}

async fn two_instances_answer_alike_and_notify_once(backend: db::Backend) {
    let secondary = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let at: SocketAddr = secondary.local_addr().unwrap();
    let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    tokio::spawn(listen_for_notify(secondary, heard.clone()));
    let settings = [
        ("SIMPUL_DNS_ADDR", "127.0.0.1:0"),
        (
            "SIMPUL_DNS_SECONDARIES",
            &*Box::leak(at.to_string().into_boxed_str()),
        ),
    ];
    let (app, port, admin) = started(backend, &settings).await;
    let (other, _dir) = app.elsewhere(&settings).await;
    let other_port = port_of(&other);
    until(10, other_port, &[APEX, "SOA"], |o| {
        o.contains("status: NOERROR")
    })
    .await;

    add(&app, &admin, "bersama", "A", "203.0.113.55").await;
    let name = format!("bersama.{APEX}");
    for p in [port, other_port] {
        until(5, p, &["+short", &name, "A"], |o| {
            o.trim() == "203.0.113.55"
        })
        .await;
    }
    let new = serial(&dig(port, &[APEX, "SOA"]));
    assert_eq!(serial(&dig(other_port, &[APEX, "SOA"])), new);
    // Both instances saw the new serial; the secondary hears of it once.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let times = heard
        .lock()
        .unwrap()
        .iter()
        .filter(|s| u64::from(**s) == new)
        .count();
    assert_eq!(times, 1, "NOTIFY for {new}: {:?}", heard.lock().unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_answer_alike_and_notify_once_sqlite() {
    two_instances_answer_alike_and_notify_once(db::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_answer_alike_and_notify_once_postgres() {
    two_instances_answer_alike_and_notify_once(db::Backend::Postgres).await;
}

/// Response-rate limiting touches no database: one backend shows it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_from_one_network_is_cut_to_the_rate_and_tcp_still_answers() {
    let (_app, port, _) = started(
        db::Backend::Sqlite,
        &[
            ("SIMPUL_DNS_ADDR", "127.0.0.1:0"),
            ("SIMPUL_DNS_RATE_LIMIT", "5"),
        ],
    )
    .await;
    // The limit refills while `started` asked; start from an empty bucket's refill.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let s = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let sent = 60u16;
    for id in 0..sent {
        s.send_to(&soa_query(id), ("127.0.0.1", port))
            .await
            .unwrap();
    }
    let (mut full, mut slipped) = (0, 0);
    let mut buf = vec![0u8; 4096];
    while let Ok(Ok(n)) = tokio::time::timeout(Duration::from_millis(500), s.recv(&mut buf)).await {
        let m = Message::from_vec(&buf[..n]).unwrap();
        if m.metadata.truncation && m.answers.is_empty() {
            slipped += 1;
        } else {
            full += 1;
        }
    }
    // Five a second, a little more for the time the flood took; about half the rest slip.
    assert!((5..=8).contains(&full), "{full} full answers of {sent}");
    assert!((20..=30).contains(&slipped), "{slipped} slipped of {sent}");
    // A resolver told to retry over TCP is answered there.
    let tcp = dig(port, &["+tcp", APEX, "SOA"]);
    assert!(tcp.contains("status: NOERROR"), "{tcp}");
}

/// BIND 9 serving the delegated zone `desa.` on `port`, as a village's own name server would.
fn child_server(port: u16) -> Named {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    std::fs::write(
        dir.path().join("desa.zone"),
        format!(
            "$ORIGIN desa.{APEX}.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 900 86400 300\n@ IN NS ns1\nns1 IN A 127.0.0.1\nwww IN A 203.0.113.60\n"
        ),
    )
    .unwrap();
    let conf = format!(
        r#"options {{
    directory "{d}";
    pid-file "{d}/named.pid";
    listen-on port {port} {{ 127.0.0.1; }};
    listen-on-v6 {{ none; }};
    recursion no;
    dnssec-validation no;
}};
zone "desa.{APEX}" {{ type primary; file "{d}/desa.zone"; }};
"#
    );
    Named::run(dir, &conf)
}

async fn delegation_findings(app: &TestApp, token: &str) -> Vec<String> {
    let (s, all) = api(
        Method::GET,
        app.url("/api/v1/compliance/findings?per_page=200"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(s, 200, "{all}");
    let mut labels: Vec<String> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "DOM-DELEGATION-ANSWERS")
        .map(|f| f["label"].as_str().unwrap().to_owned())
        .collect();
    labels.sort();
    labels
}

async fn a_delegation_whose_name_servers_do_not_answer_is_a_finding(backend: db::Backend) {
    let app = TestApp::with_settings(backend, &[]).await;
    app.demo().await;
    let admin = app.token("admin.deleg", Role::DinasAdmin, None).await;
    // A village's subdomain on its own name server, and one whose server is gone.
    add(&app, &admin, "desa", "NS", "ns1.desa.sukamajukab.go.id.").await;
    add(&app, &admin, "ns1.desa", "A", "127.0.0.1").await;
    add(&app, &admin, "lama", "NS", "ns1.lama.sukamajukab.go.id.").await;
    add(&app, &admin, "ns1.lama", "A", "127.0.0.2").await;
    let port = free_port();
    let named = child_server(port);
    let start = Instant::now();
    while !dig(port, &[&format!("desa.{APEX}"), "SOA"]).contains("flags: qr aa") {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "named: {}",
            named.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Not judged before the first check.
    assert!(delegation_findings(&app, &admin).await.is_empty());
    assert_eq!(
        domains::delegations::probe(&app.state, port).await.unwrap(),
        2
    );
    assert_eq!(
        delegation_findings(&app, &admin).await,
        [format!("lama.{APEX} (ns1.lama.{APEX}.)")]
    );
    // The village's server stops: at the next check its delegation is a finding too.
    drop(named);
    domains::delegations::probe(&app.state, port).await.unwrap();
    assert_eq!(
        delegation_findings(&app, &admin).await,
        [
            format!("desa.{APEX} (ns1.desa.{APEX}.)"),
            format!("lama.{APEX} (ns1.lama.{APEX}.)")
        ]
    );
    // The delegation removed, its check goes at the next round.
    let (_, rows) = api(
        Method::GET,
        app.url("/api/v1/dns/records?q=lama"),
        Some(&admin),
        None,
    )
    .await;
    for r in rows["items"].as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        let (s, _) = api(
            Method::DELETE,
            app.url(&format!("/api/v1/dns/records/{id}")),
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(s, 204);
    }
    domains::delegations::probe(&app.state, port).await.unwrap();
    assert_eq!(
        delegation_findings(&app, &admin).await,
        [format!("desa.{APEX} (ns1.desa.{APEX}.)")]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delegation_whose_name_servers_do_not_answer_is_a_finding_sqlite() {
    a_delegation_whose_name_servers_do_not_answer_is_a_finding(db::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delegation_whose_name_servers_do_not_answer_is_a_finding_postgres() {
    a_delegation_whose_name_servers_do_not_answer_is_a_finding(db::Backend::Postgres).await;
}
