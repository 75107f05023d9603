//! Zone transfers (AXFR, RFC 5936): the SOA, every record, the SOA again, in messages of at
//! most [`MESSAGE`] octets, each signed in a chain when the request was (RFC 8945 5.3.1).
//! IXFR (RFC 1995) is answered with the SOA alone when the secondary is current, else with
//! the whole zone, which RFC 1995 4 allows a server without the zone's history.

use hickory_proto::op::{Message, Query, ResponseCode};
use hickory_proto::rr::{RData, Record, RecordType, TSigner};
use hickory_proto::serialize::binary::BinEncodable;

use super::answer::response_to;
use super::snapshot::Snapshot;

/// A transfer message's size before its signature: well under TCP's 64 KiB, as BIND sends.
const MESSAGE: usize = 16_000;

/// The serial a secondary says it has, in an IXFR's authority section.
fn client_serial(query: &Message) -> Option<u32> {
    query.authorities.iter().find_map(|r| match &r.data {
        RData::SOA(soa) => Some(soa.serial),
        _ => None,
    })
}

/// Whether serial `a` is at least `b` (RFC 1982 serial arithmetic).
fn not_older(a: u32, b: u32) -> bool {
    a == b || a.wrapping_sub(b) < 0x8000_0000
}

/// The messages of the transfer `q` asks for, unsigned.
pub fn messages(snap: &Snapshot, query: &Message, q: &Query) -> Vec<Message> {
    let first = || {
        let mut m = response_to(query, ResponseCode::NoError);
        m.metadata.authoritative = true;
        m
    };
    if q.query_type() == RecordType::IXFR
        && client_serial(query).is_some_and(|s| not_older(s, snap.serial))
    {
        let mut m = first();
        m.answers.push(snap.soa.clone());
        return vec![m];
    }
    let mut out = vec![];
    let mut current = first();
    let mut size = 0;
    let records = snap.records().chain(std::iter::once(&snap.soa));
    for r in records {
        let len = record_len(r);
        if size + len > MESSAGE && !current.answers.is_empty() {
            out.push(std::mem::replace(&mut current, next(query)));
            size = 0;
        }
        size += len;
        current.answers.push(r.clone());
    }
    out.push(current);
    out
}

/// A later message: the header alone, no question (RFC 5936 2.2.1 allows either).
fn next(query: &Message) -> Message {
    let mut m = Message::response(query.metadata.id, query.metadata.op_code);
    m.metadata.authoritative = true;
    m
}

fn record_len(r: &Record) -> usize {
    r.to_bytes().map(|b| b.len()).unwrap_or(512)
}

/// The transfer in wire form, each message signed in a chain from `mac` with `signer` when
/// the request was signed.
pub fn wire(
    mut messages: Vec<Message>,
    signed: Option<(&TSigner, &[u8])>,
    now: u64,
) -> Vec<Vec<u8>> {
    let Some((signer, request_mac)) = signed else {
        return messages.iter().filter_map(|m| m.to_vec().ok()).collect();
    };
    let mut out = vec![];
    let mut mac = request_mac.to_vec();
    for (i, m) in messages.iter_mut().enumerate() {
        let signed = if i == 0 {
            super::tsig::sign_first(m, signer, &mac, now)
        } else {
            super::tsig::sign_next(m, signer, &mac, now)
        };
        match signed {
            Some((bytes, next_mac)) => {
                out.push(bytes);
                mac = next_mac;
            }
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RecordType as Stored;
    use hickory_proto::rr::Name;

    fn zone(n: usize) -> Snapshot {
        let z = crate::zone::defaults("sukamajukab.go.id", chrono::NaiveDate::default());
        let rows: Vec<_> = (0..n)
            .map(|i| {
                super::super::snapshot::tests::row(
                    &format!("host{i}"),
                    Stored::Txt,
                    &"v".repeat(200),
                )
            })
            .collect();
        Snapshot::build("sukamajukab.go.id", &z, &rows).unwrap()
    }

    fn axfr(t: RecordType) -> Message {
        let mut m = Message::query();
        m.add_query(Query::query(
            Name::from_ascii("sukamajukab.go.id.").unwrap(),
            t,
        ));
        m
    }

    #[test]
    fn a_transfer_opens_and_closes_with_the_soa_across_messages() {
        let snap = zone(300);
        let q = axfr(RecordType::AXFR);
        let ms = messages(&snap, &q, q.queries.first().unwrap());
        assert!(ms.len() > 1, "300 long records take several messages");
        let all: Vec<&Record> = ms.iter().flat_map(|m| &m.answers).collect();
        assert_eq!(all.len(), snap.len() + 1);
        assert_eq!(all.first().map(|r| r.record_type()), Some(RecordType::SOA));
        assert_eq!(all.last().map(|r| r.record_type()), Some(RecordType::SOA));
        for m in &ms {
            assert!(m.to_vec().unwrap().len() < 20_000);
        }
        // The question is in the first message only.
        assert_eq!(ms.first().map(|m| m.queries.len()), Some(1));
        assert_eq!(ms.last().map(|m| m.queries.len()), Some(0));
    }

    #[test]
    fn an_ixfr_from_a_current_secondary_is_the_soa_alone() {
        let snap = zone(3);
        let mut q = axfr(RecordType::IXFR);
        q.authorities.push(snap.soa.clone());
        let ms = messages(&snap, &q, q.queries.first().unwrap());
        assert_eq!(ms.len(), 1);
        assert_eq!(ms.first().map(|m| m.answers.len()), Some(1));
        // An older serial gets the whole zone.
        let mut old = snap.soa.clone();
        if let RData::SOA(soa) = &mut old.data {
            *soa = hickory_proto::rr::rdata::SOA::new(
                soa.mname.clone(),
                soa.rname.clone(),
                soa.serial.wrapping_sub(1),
                soa.refresh,
                soa.retry,
                soa.expire,
                soa.minimum,
            );
        }
        let mut q = axfr(RecordType::IXFR);
        q.authorities.push(old);
        let ms = messages(&snap, &q, q.queries.first().unwrap());
        assert_eq!(
            ms.iter().map(|m| m.answers.len()).sum::<usize>(),
            snap.len() + 1
        );
        assert!(not_older(5, 4) && !not_older(4, 5) && not_older(1, u32::MAX));
    }
}
