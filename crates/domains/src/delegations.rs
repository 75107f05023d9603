//! Whether each delegation's name servers answer for it. A subdomain handed to an agency's own
//! name servers (`desa NS ns1.desa`) is only usable while they answer authoritatively; a lame
//! delegation makes every resolver wait and fail. Every quarter hour one instance (the one
//! whose update moves the zone's `probed_at`) asks each name server of each delegation for the
//! delegated zone's SOA, and stores which did not answer; the rule `DOM-DELEGATION-ANSWERS`
//! reads that. The judging is a plain function of the reply.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};
use kernel::{AppResult, AppState};

use crate::model::RecordType as Stored;
use crate::store::{self, CheckRow, RecordRow};

/// How often the delegations are checked.
pub const EVERY: Duration = Duration::from_secs(15 * 60);
/// How long one name server has to answer (asked twice).
const WAIT: Duration = Duration::from_secs(2);

/// A delegation in the zone: its relative name, owner and name servers, with the zone's glue
/// addresses for those inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delegation {
    /// Relative name (`desa`).
    pub name: String,
    /// The name servers' host names, absolute, lower case.
    pub servers: Vec<String>,
    /// Addresses the zone holds for them (glue, or in-zone hosts).
    pub glue: BTreeMap<String, Vec<IpAddr>>,
}

/// The zone's delegations: names below the apex holding NS records.
pub fn delegations(records: &[RecordRow], apex: &str) -> Vec<Delegation> {
    let apex = apex.trim_end_matches('.').to_ascii_lowercase();
    let absolute = |relative: &str| {
        if relative == "@" {
            format!("{apex}.")
        } else {
            format!("{relative}.{apex}.")
        }
    };
    let mut addresses: BTreeMap<String, Vec<IpAddr>> = BTreeMap::new();
    for r in records {
        if matches!(r.rtype, Stored::A | Stored::Aaaa)
            && let Ok(ip) = r.value.parse::<IpAddr>()
        {
            addresses.entry(absolute(&r.name)).or_default().push(ip);
        }
    }
    let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in records
        .iter()
        .filter(|r| r.rtype == Stored::Ns && r.name != "@")
    {
        by_name
            .entry(r.name.clone())
            .or_default()
            .push(r.value.trim().to_ascii_lowercase());
    }
    by_name
        .into_iter()
        .map(|(name, servers)| {
            let glue = servers
                .iter()
                .filter_map(|s| addresses.get(s).map(|a| (s.clone(), a.clone())))
                .collect();
            Delegation {
                name,
                servers,
                glue,
            }
        })
        .collect()
}

/// Whether `reply` is a name server answering for `zone` with authority: NOERROR, the AA bit,
/// and the zone's SOA in the answer (a referral, REFUSED or SERVFAIL is a lame server).
pub fn answers_for(reply: &Message, zone: &Name) -> bool {
    reply.metadata.message_type == MessageType::Response
        && reply.metadata.response_code == ResponseCode::NoError
        && reply.metadata.authoritative
        && reply
            .answers
            .iter()
            .any(|r| matches!(r.data, RData::SOA(_)) && r.name == *zone)
}

/// Asks `addr` for the SOA of `zone`, twice at most.
async fn ask(addr: SocketAddr, zone: &Name) -> bool {
    let bind: SocketAddr = if addr.is_ipv4() {
        ([0, 0, 0, 0], 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let Ok(socket) = tokio::net::UdpSocket::bind(bind).await else {
        return false;
    };
    let mut m = Message::new(rand::random(), MessageType::Query, OpCode::Query);
    m.add_query(Query::query(zone.clone(), RecordType::SOA));
    let Ok(bytes) = m.to_vec() else {
        return false;
    };
    for _ in 0..2 {
        if socket.send_to(&bytes, addr).await.is_err() {
            return false;
        }
        let mut buf = vec![0u8; 4096];
        if let Ok(Ok((n, from))) = tokio::time::timeout(WAIT, socket.recv_from(&mut buf)).await
            && from == addr
            && let Some(reply) = buf.get(..n).and_then(|b| Message::from_vec(b).ok())
            && reply.metadata.id == m.metadata.id
        {
            return answers_for(&reply, zone);
        }
    }
    false
}

/// The addresses of name server `host`: the zone's own, else the system resolver's.
async fn addresses(host: &str, d: &Delegation, port: u16) -> Vec<SocketAddr> {
    if let Some(ips) = d.glue.get(host) {
        return ips.iter().map(|ip| SocketAddr::new(*ip, port)).collect();
    }
    match tokio::net::lookup_host((host.trim_end_matches('.'), port)).await {
        Ok(found) => found.collect(),
        Err(_) => vec![],
    }
}

/// Checks every delegation now, asking name servers on `port` (53 in service), and stores
/// the outcome; how many delegations were checked.
pub async fn probe(state: &AppState, port: u16) -> AppResult<usize> {
    let (apex, records) = state
        .read(|c| Ok((crate::service::apex(c)?, store::all(c)?)))
        .await?;
    // Each delegation is checked on its own task: a dead server costs its wait once, not
    // once per delegation in a row.
    let mut tasks = tokio::task::JoinSet::new();
    for d in delegations(&records, &apex) {
        let Ok(mut zone) = Name::from_ascii(format!("{}.{apex}.", d.name)) else {
            continue;
        };
        zone.set_fqdn(true);
        tasks.spawn(async move {
            let mut failing = vec![];
            for host in &d.servers {
                let mut answered = false;
                for addr in addresses(host, &d, port).await {
                    if ask(addr, &zone).await {
                        answered = true;
                        break;
                    }
                }
                if !answered {
                    failing.push(host.clone());
                }
            }
            CheckRow {
                name: d.name.clone(),
                checked_at: db::now(),
                failing: failing.join(" "),
            }
        });
    }
    let mut rows = vec![];
    while let Some(done) = tasks.join_next().await {
        if let Ok(row) = done {
            rows.push(row);
        }
    }
    let n = rows.len();
    state
        .write_unaudited(move |c| Ok(store::delegation_checks_save(c, &rows)?))
        .await?;
    Ok(n)
}

/// Checks the delegations every [`EVERY`], on the one instance that claims each round.
pub fn start(state: AppState) {
    tokio::spawn(async move {
        loop {
            let now = db::now();
            let due = now - chrono::TimeDelta::from_std(EVERY).unwrap_or_default();
            let claimed = state
                .write_unaudited(move |c| Ok(store::claim_probe(c, due, now)?))
                .await
                .unwrap_or(false);
            if claimed && let Err(e) = probe(&state, 53).await {
                tracing::warn!(error = %e, "the delegations were not checked");
            }
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::snapshot::tests::row;

    #[test]
    fn delegations_are_names_below_the_apex_with_name_servers_and_their_glue() {
        let list = delegations(
            &[
                row("@", Stored::Ns, "ns1.sukamajukab.go.id."),
                row("desa", Stored::Ns, "ns1.desa.sukamajukab.go.id."),
                row("desa", Stored::Ns, "ns.example.net."),
                row("ns1.desa", Stored::A, "203.0.113.53"),
                row("www", Stored::A, "203.0.113.10"),
            ],
            "sukamajukab.go.id",
        );
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].name, "desa");
        assert_eq!(list[0].servers.len(), 2);
        assert_eq!(
            list[0].glue.get("ns1.desa.sukamajukab.go.id."),
            Some(&vec!["203.0.113.53".parse::<IpAddr>().unwrap()])
        );
        assert!(!list[0].glue.contains_key("ns.example.net."));
    }

    #[test]
    fn only_an_authoritative_soa_answer_counts() {
        let zone = Name::from_ascii("desa.sukamajukab.go.id.").unwrap();
        let mut reply = Message::response(1, OpCode::Query);
        reply.metadata.authoritative = true;
        let soa = hickory_proto::rr::Record::from_rdata(
            zone.clone(),
            300,
            RData::SOA(hickory_proto::rr::rdata::SOA::new(
                zone.clone(),
                zone.clone(),
                1,
                3600,
                900,
                86400,
                300,
            )),
        );
        reply.answers.push(soa);
        assert!(answers_for(&reply, &zone));
        let mut referral = reply.clone();
        referral.metadata.authoritative = false;
        assert!(!answers_for(&referral, &zone));
        let mut refused = reply.clone();
        refused.metadata.response_code = ResponseCode::Refused;
        assert!(!answers_for(&refused, &zone));
        let mut empty = reply;
        empty.answers.clear();
        assert!(!answers_for(&empty, &zone));
    }
}
