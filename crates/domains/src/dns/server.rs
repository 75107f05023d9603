//! Sockets and state of the DNS server. Answering reads only the snapshot; the database is
//! read by one refresher task per instance, off the request threads.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{RecordType, TSigner};
use kernel::{AppResult, AppState};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};

use super::answer::{UDP_PAYLOAD, answer, response_to, screen};
use super::rrl::{RateLimit, Verdict};
use super::snapshot::Snapshot;
use super::tsig::{self, Signed};
use crate::store::{self, KeyRow};

/// A secondary: the address it transfers from, and where it hears NOTIFY (port 53 unless
/// the setting names another).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secondary {
    /// Transfers are allowed from this address.
    pub ip: IpAddr,
    /// NOTIFY goes here.
    pub notify: SocketAddr,
}

/// Reads `SIMPUL_DNS_SECONDARIES`' entries: `192.0.2.1`, `192.0.2.1:5300`, `2001:db8::1`,
/// `[2001:db8::1]:5300`.
pub fn secondaries(list: &[String]) -> Result<Vec<Secondary>, String> {
    list.iter()
        .map(|entry| {
            let e = entry.trim();
            if let Ok(sa) = e.parse::<SocketAddr>() {
                return Ok(Secondary {
                    ip: sa.ip(),
                    notify: sa,
                });
            }
            e.parse::<IpAddr>()
                .map(|ip| Secondary {
                    ip,
                    notify: SocketAddr::new(ip, 53),
                })
                .map_err(|_| {
                    format!(
                        "SIMPUL_DNS_SECONDARIES lists addresses such as 192.0.2.1 or 192.0.2.1:5300 (got {e:?})"
                    )
                })
        })
        .collect()
}

/// What the server of this instance is doing, for the settings page and tests.
#[derive(Debug, Default)]
pub struct Status {
    /// The address it listens on (UDP and TCP), once started.
    pub addr: Mutex<Option<SocketAddr>>,
    /// Queries answered since start.
    pub answered: AtomicU64,
    /// Zone transfers sent since start.
    pub transfers: AtomicU64,
    /// The serial last served.
    pub serial: AtomicU64,
    /// NOTIFY messages the secondaries acknowledged.
    pub notified: AtomicU64,
}

/// This instance's server status (empty when DNS is off here).
pub fn status(state: &AppState) -> Arc<Status> {
    state.cache.slot::<Status>()
}

/// What the answers are made from.
struct Served {
    zone: Option<Arc<Snapshot>>,
    keys: Arc<Vec<TSigner>>,
    /// What the snapshot was built from.
    basis: Basis,
}

struct Server {
    served: RwLock<Arc<Served>>,
    secondaries: Vec<Secondary>,
    rrl: Mutex<RateLimit>,
    /// Limiting is off: no lock per packet.
    unlimited: bool,
    status: Arc<Status>,
}

/// Idle time after which a TCP connection is closed (RFC 7766 6.2.3 suggests seconds).
const TCP_IDLE: Duration = Duration::from_secs(10);
/// TCP connections served at once; more wait in the kernel's backlog.
const TCP_CONNECTIONS: usize = 256;

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// UDP and TCP on one port. With port 0 the system picks UDP's, which TCP may have in use
/// already: then another is picked, a few times, before giving up.
async fn bind(
    addr: std::net::SocketAddr,
) -> std::io::Result<(UdpSocket, std::net::SocketAddr, TcpListener)> {
    let mut tries = if addr.port() == 0 { 20 } else { 1 };
    loop {
        let udp = UdpSocket::bind(addr).await?;
        let bound = udp.local_addr()?;
        match TcpListener::bind(bound).await {
            Ok(tcp) => return Ok((udp, bound, tcp)),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && tries > 1 => tries -= 1,
            Err(e) => return Err(e),
        }
    }
}

/// Starts the server when `SIMPUL_DNS_ADDR` is set: binds UDP and TCP (the same port; with
/// port 0, the one UDP was given), loads the zone, and spawns the tasks.
pub fn start(
    state: AppState,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send>> {
    Box::pin(async move {
        let Some(addr) = state.config.dns_addr else {
            return Ok(());
        };
        let secondaries = secondaries(&state.config.dns_secondaries)?;
        let cannot = |e: std::io::Error| format!("cannot listen for DNS on {addr}: {e}");
        let (udp, bound, tcp) = bind(addr).await.map_err(cannot)?;
        let served = load(&state, None)
            .await
            .map_err(|e| format!("cannot read the zone for DNS: {e}"))?;
        let status = status(&state);
        let server = Arc::new(Server {
            served: RwLock::new(Arc::new(served)),
            secondaries,
            rrl: Mutex::new(RateLimit::new(state.config.dns_rate_limit)),
            unlimited: state.config.dns_rate_limit == 0,
            status: status.clone(),
        });
        server.installed(&state).await;
        *status.addr.lock().unwrap_or_else(|e| e.into_inner()) = Some(bound);
        let udp = Arc::new(udp);
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        for _ in 0..workers {
            tokio::spawn(udp_loop(udp.clone(), server.clone()));
        }
        tokio::spawn(tcp_loop(tcp, server.clone()));
        tokio::spawn(refresh_loop(state, server));
        tracing::info!(addr = %bound, "authoritative DNS is serving");
        Ok(())
    })
}

/// What a snapshot is built from: the region's domain, the stored serial, the TSIG keys, and
/// the signing week when the zone is signed (its keys change only with the serial).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Basis {
    apex: Option<String>,
    serial: Option<i64>,
    tsig: Vec<(String, String)>,
    week: Option<i64>,
}

fn basis(c: &mut db::DbConn) -> AppResult<Basis> {
    let apex = crate::service::apex(c).ok();
    let tsig = store::keys(c)?
        .into_iter()
        .map(|k| (k.name, k.secret))
        .collect();
    let signed = store::zone(c)?.is_some_and(|z| z.dnssec);
    Ok(Basis {
        apex,
        serial: store::serial(c)?,
        tsig,
        week: signed.then(|| crate::dnssec::week(unix_now())),
    })
}

fn unix_now() -> i64 {
    i64::try_from(now()).unwrap_or(i64::MAX)
}

/// Raises the serial once a week across all instances when the zone is signed, so that the
/// secondaries transfer the new signatures long before the old ones expire. True once the
/// week is announced (here or by another instance); false when a change raced it (try again).
fn announce_week(c: &mut db::DbConn, week: i64) -> AppResult<bool> {
    let Some(zone) = store::zone(c)? else {
        return Ok(true);
    };
    if store::signed_week(c)? >= week {
        return Ok(true);
    }
    let next = crate::zone::next_serial(zone.serial, db::now().date());
    let claimed = store::claim_resign(c, week, zone.serial, next)?;
    if claimed {
        let apex = crate::service::apex(c)?;
        kernel::audit::record(
            c,
            &kernel::audit::Actor::system("dns"),
            kernel::audit::Change {
                action: "dns_zone.resign",
                record_type: "dns_zone",
                record_id: apex,
                agency: None,
                summary: serde_json::json!({"serial": next, "week": week}),
            },
        )?;
    }
    Ok(claimed)
}

/// Reads and builds everything the answers are made from (on a blocking thread).
async fn load(state: &AppState, previous: Option<Arc<Snapshot>>) -> AppResult<Served> {
    state
        .read(move |c| {
            let b = basis(c)?;
            let zone = match &b.apex {
                Some(apex) => {
                    let zone = crate::service::zone(c, apex)?;
                    let records = store::all(c)?;
                    let keys = match b.week {
                        Some(_) => crate::signing::published(c)?,
                        None => vec![],
                    };
                    let built = Snapshot::build(apex, &zone, &records).and_then(|mut s| {
                        if let Some(week) = b.week {
                            s.sign(&super::sign::keys(&keys)?, week, previous.as_deref())?;
                        }
                        Ok(s)
                    });
                    match built {
                        Ok(s) => Some(Arc::new(s)),
                        Err(e) => {
                            tracing::error!(error = %e.0, "the zone cannot be served as stored; it is served as it was");
                            return Err(kernel::AppError::Internal(e.0));
                        }
                    }
                }
                None => None,
            };
            let rows: Vec<KeyRow> = store::keys(c)?;
            Ok(Served {
                zone,
                keys: Arc::new(tsig::signers(&rows)),
                basis: b,
            })
        })
        .await
}

/// Watches for changes: on every committed change here or (PostgreSQL) elsewhere, and every
/// few seconds regardless, compares what the snapshot was built from and rebuilds it.
async fn refresh_loop(state: AppState, server: Arc<Server>) {
    let mut epoch = state.cache.epoch();
    let mut checked = Instant::now();
    let mut announced = 0;
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let e = state.cache.epoch();
        if e == epoch && checked.elapsed() < Duration::from_secs(2) {
            continue;
        }
        epoch = e;
        checked = Instant::now();
        let Ok(now) = state.read(basis).await else {
            continue;
        };
        if let Some(week) = now.week
            && week > announced
        {
            // The serial moves with it, and the snapshot is rebuilt with the week's signatures.
            match state.write_unaudited(move |c| announce_week(c, week)).await {
                Ok(true) => announced = week,
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "the signing week was not announced"),
            }
        }
        if now == server.current().basis {
            continue;
        }
        match load(&state, server.current().zone.clone()).await {
            Ok(served) => {
                *server.served.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(served);
                server.installed(&state).await;
            }
            Err(e) => tracing::warn!(error = %e, "the DNS snapshot was not rebuilt"),
        }
    }
}

impl Server {
    fn current(&self) -> Arc<Served> {
        self.served
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// After a snapshot is installed: its serial in the status, and NOTIFY to the
    /// secondaries if this instance is the one to send it.
    async fn installed(self: &Arc<Self>, state: &AppState) {
        let served = self.current();
        let Some(zone) = served.zone.clone() else {
            return;
        };
        self.status
            .serial
            .store(u64::from(zone.serial), Ordering::Relaxed);
        let Some(stored) = served.basis.serial else {
            return;
        };
        if self.secondaries.is_empty() {
            return;
        }
        let claimed = state
            .write_unaudited(move |c| Ok(store::claim_notify(c, stored)?))
            .await
            .unwrap_or(false);
        if claimed {
            let key = served.keys.first().cloned();
            for s in &self.secondaries {
                tokio::spawn(notify(
                    s.notify,
                    zone.clone(),
                    key.clone(),
                    self.status.clone(),
                ));
            }
        }
    }

    fn is_secondary(&self, ip: IpAddr) -> bool {
        self.secondaries.iter().any(|s| s.ip == ip)
    }

    /// The answer messages to one request: none (silence), one, or a transfer's several.
    fn respond(&self, packet: &[u8], from: IpAddr, tcp: bool) -> Vec<Vec<u8>> {
        // A header's worth, and a query (never answer an answer: no loops).
        let Some(flags) = packet.get(2) else {
            return vec![];
        };
        if packet.len() < 12 || flags & 0x80 != 0 {
            return vec![];
        }
        let query = match Message::from_vec(packet) {
            Ok(m) => m,
            Err(_) => return formerr(packet).into_iter().collect(),
        };
        self.status.answered.fetch_add(1, Ordering::Relaxed);
        let served = self.current();
        let t = now();
        let signer = match tsig::check(&served.keys, &query, packet, t) {
            Signed::No => None,
            Signed::By { signer, mac } => Some((signer, mac)),
            Signed::Refused(r) => return r.to_vec().ok().into_iter().collect(),
        };
        let signed = signer.as_ref().map(|(s, m)| (s, m.as_slice()));
        if let Ok(q) = screen(&query)
            && matches!(q.query_type(), RecordType::AXFR | RecordType::IXFR)
        {
            let q = q.clone();
            return self.transfer(&served, &query, &q, from, tcp, signed, t);
        }
        let mut r = answer(served.zone.as_deref(), &query);
        if !tcp {
            fit(&mut r, &query, signed.is_some());
        }
        finish(r, signed, t)
    }

    #[expect(clippy::too_many_arguments, reason = "one request's parts")]
    fn transfer(
        &self,
        served: &Served,
        query: &Message,
        q: &Query,
        from: IpAddr,
        tcp: bool,
        signed: Option<(&TSigner, &[u8])>,
        t: u64,
    ) -> Vec<Vec<u8>> {
        let allowed = self.is_secondary(from) && (served.keys.is_empty() || signed.is_some());
        let zone = served
            .zone
            .as_ref()
            .filter(|z| z.apex == q.name().to_lowercase());
        let (Some(zone), true) = (zone, allowed) else {
            return finish(response_to(query, ResponseCode::Refused), signed, t);
        };
        if !tcp {
            // AXFR needs TCP (RFC 5936 4.2); an IXFR over UDP gets the SOA, and the secondary
            // asks again over TCP if it is behind (RFC 1995 2).
            if q.query_type() == RecordType::AXFR {
                return finish(response_to(query, ResponseCode::FormErr), signed, t);
            }
            let mut r = response_to(query, ResponseCode::NoError);
            r.metadata.authoritative = true;
            r.answers.push(zone.soa.clone());
            return finish(r, signed, t);
        }
        self.status.transfers.fetch_add(1, Ordering::Relaxed);
        super::transfer::wire(super::transfer::messages(zone, query, q), signed, t)
    }
}

/// A UDP answer cut to what the asker can take: the additional section goes first, then
/// everything, with TC set so that it asks again over TCP.
fn fit(r: &mut Message, query: &Message, signed: bool) {
    let limit = match &query.edns {
        Some(e) => e.max_payload().clamp(512, UDP_PAYLOAD),
        None => 512,
    };
    // Room for the signature.
    let limit = usize::from(limit) - if signed { 120 } else { 0 };
    let len = |m: &Message| m.to_vec().map(|b| b.len()).unwrap_or(usize::MAX);
    if len(r) <= limit {
        return;
    }
    r.additionals.clear();
    if len(r) <= limit {
        return;
    }
    r.answers.clear();
    r.authorities.clear();
    r.metadata.truncation = true;
}

fn finish(mut r: Message, signed: Option<(&TSigner, &[u8])>, t: u64) -> Vec<Vec<u8>> {
    match signed {
        Some((signer, mac)) => tsig::sign_first(&mut r, signer, mac, t)
            .map(|(bytes, _)| bytes)
            .into_iter()
            .collect(),
        None => r.to_vec().ok().into_iter().collect(),
    }
}

/// FORMERR for a query that cannot be read: its ID kept, nothing else trusted.
fn formerr(packet: &[u8]) -> Option<Vec<u8>> {
    let id = u16::from_be_bytes([*packet.first()?, *packet.get(1)?]);
    Message::error_msg(id, OpCode::Query, ResponseCode::FormErr)
        .to_vec()
        .ok()
}

/// An empty truncated answer, for an asker over the rate: a real resolver retries over TCP.
fn slip(packet: &[u8]) -> Option<Vec<u8>> {
    let query = Message::from_vec(packet).ok()?;
    let mut r = response_to(&query, ResponseCode::NoError);
    r.metadata.truncation = true;
    r.to_vec().ok()
}

async fn udp_loop(socket: Arc<UdpSocket>, server: Arc<Server>) {
    let mut buf = vec![0u8; 4096];
    loop {
        let Ok((n, from)) = socket.recv_from(&mut buf).await else {
            continue;
        };
        let Some(packet) = buf.get(..n) else {
            continue;
        };
        let verdict = if server.unlimited || server.is_secondary(from.ip()) {
            Verdict::Send
        } else {
            server
                .rrl
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .check(from.ip(), Instant::now())
        };
        let out = match verdict {
            Verdict::Send => server.respond(packet, from.ip(), false),
            Verdict::Slip => slip(packet).into_iter().collect(),
            Verdict::Drop => vec![],
        };
        for m in out {
            let _ = socket.send_to(&m, from).await;
        }
    }
}

async fn tcp_loop(listener: TcpListener, server: Arc<Server>) {
    let slots = Arc::new(tokio::sync::Semaphore::new(TCP_CONNECTIONS));
    loop {
        let Ok((stream, from)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let server = server.clone();
        tokio::spawn(async move {
            let _ = tcp_connection(stream, from.ip(), &server).await;
            drop(slot);
        });
    }
}

/// One TCP connection: length-prefixed messages (RFC 1035 4.2.2), several per connection
/// (RFC 7766), closed when idle or on anything it cannot read.
async fn tcp_connection(
    mut stream: TcpStream,
    from: IpAddr,
    server: &Server,
) -> std::io::Result<()> {
    loop {
        let mut len = [0u8; 2];
        match tokio::time::timeout(TCP_IDLE, stream.read_exact(&mut len)).await {
            Ok(Ok(_)) => {}
            _ => return Ok(()),
        }
        let mut packet = vec![0u8; usize::from(u16::from_be_bytes(len))];
        match tokio::time::timeout(TCP_IDLE, stream.read_exact(&mut packet)).await {
            Ok(Ok(_)) => {}
            _ => return Ok(()),
        }
        let out = server.respond(&packet, from, true);
        if out.is_empty() {
            return Ok(());
        }
        for m in out {
            let Ok(n) = u16::try_from(m.len()) else {
                return Ok(());
            };
            stream.write_all(&n.to_be_bytes()).await?;
            stream.write_all(&m).await?;
        }
    }
}

/// Tells one secondary of the zone's new serial (RFC 1996), asking again twice if it does not
/// acknowledge.
async fn notify(to: SocketAddr, zone: Arc<Snapshot>, key: Option<TSigner>, status: Arc<Status>) {
    let bind: SocketAddr = if to.is_ipv4() {
        ([0, 0, 0, 0], 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let Ok(socket) = UdpSocket::bind(bind).await else {
        return;
    };
    let mut m = Message::new(rand::random(), MessageType::Query, OpCode::Notify);
    m.metadata.authoritative = true;
    m.add_query(Query::query(zone.apex.clone(), RecordType::SOA));
    m.answers.push(zone.soa.clone());
    if let Some(k) = &key {
        tsig::sign_request(&mut m, k, now());
    }
    let Ok(bytes) = m.to_vec() else {
        return;
    };
    for attempt in 0..3u32 {
        if socket.send_to(&bytes, to).await.is_err() {
            break;
        }
        let mut buf = vec![0u8; 1024];
        let wait = Duration::from_secs(2u64.pow(attempt));
        if let Ok(Ok((n, _))) = tokio::time::timeout(wait, socket.recv_from(&mut buf)).await
            && let Some(reply) = buf.get(..n).and_then(|b| Message::from_vec(b).ok())
            && reply.metadata.id == m.metadata.id
        {
            status.notified.fetch_add(1, Ordering::Relaxed);
            tracing::info!(secondary = %to, serial = zone.serial, "NOTIFY acknowledged");
            return;
        }
    }
    tracing::warn!(secondary = %to, serial = zone.serial, "NOTIFY not acknowledged");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secondaries_are_addresses_with_an_optional_port() {
        let list = secondaries(&[
            "192.0.2.1".into(),
            " 192.0.2.2:5300".into(),
            "2001:db8::1".into(),
            "[2001:db8::2]:5300".into(),
        ])
        .unwrap();
        assert_eq!(list[0].notify, "192.0.2.1:53".parse().unwrap());
        assert_eq!(list[1].ip, "192.0.2.2".parse::<IpAddr>().unwrap());
        assert_eq!(list[1].notify.port(), 5300);
        assert_eq!(list[2].notify.port(), 53);
        assert_eq!(list[3].notify.port(), 5300);
        assert!(secondaries(&["ns2.example.net".into()]).is_err());
    }
}
