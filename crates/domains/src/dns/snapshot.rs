//! The zone as the server answers from it: every record turned into wire form once, grouped by
//! owner name and type, rebuilt whenever the zone's serial moves. Answering then touches no
//! database and takes no lock but the pointer swap.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::net::{Ipv4Addr, Ipv6Addr};

use hickory_proto::rr::rdata::{A, AAAA, CNAME, MX, NS, SOA, SRV, TXT};
use hickory_proto::rr::{Name, RData, Record, RecordType as WireType};
use hickory_proto::serialize::binary::{BinDecoder, Restrict};

use crate::model::RecordType;
use crate::store::{RecordRow, ZoneRow};

/// The records at one owner name, by type, in a stable order.
pub type RrSets = BTreeMap<u16, Vec<Record>>;

/// The zone, ready to answer from.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The zone's apex, lower case, absolute.
    pub apex: Name,
    /// The SOA's serial (RFC 1982 arithmetic: the low 32 bits of the stored serial).
    pub serial: u32,
    /// The apex's SOA record (its TTL is the SOA minimum, as negative answers need).
    pub soa: Record,
    // Hashed (case-insensitively, as `Name` hashes): the lookup every answer makes.
    pub(super) names: HashMap<Name, RrSets>,
    /// Every name that exists, the empty non-terminals between the apex and owners included.
    exists: HashSet<Name>,
    /// Names below the apex that hold NS records: where the zone hands over to another.
    cuts: BTreeSet<Name>,
    /// When the zone is signed: the owners of its NSEC chain in canonical order (RFC 4034
    /// 6.1, the order of `Name`), to find the one that covers a missing name.
    pub(super) chain: Option<BTreeSet<Name>>,
    /// When signed: the keys' tags and the signing week, which decide whether another
    /// snapshot's signatures can be reused.
    pub(super) signed_with: Option<(Vec<u16>, i64)>,
}

/// Why a record of the database could not be served (only a bug or a hand-edited row).
#[derive(Debug)]
pub struct Unservable(pub String);

fn name(text: &str) -> Result<Name, Unservable> {
    let mut n = Name::from_ascii(text).map_err(|e| Unservable(format!("{text}: {e}")))?;
    n.set_fqdn(true);
    Ok(n.to_lowercase())
}

/// The absolute owner name of a record stored relative to the zone (`@`, `www`).
fn owner(relative: &str, apex: &Name) -> Result<Name, Unservable> {
    if relative == "@" {
        return Ok(apex.clone());
    }
    let rel = Name::from_ascii(relative).map_err(|e| Unservable(format!("{relative}: {e}")))?;
    rel.append_domain(apex)
        .map(|n| n.to_lowercase())
        .map_err(|e| Unservable(format!("{relative}: {e}")))
}

/// A CAA value (`0 issue "letsencrypt.org"`) in wire form (RFC 8659 4.1), read back by the
/// library so that what is served is exactly what the RFC's layout says.
fn caa(value: &str) -> Result<RData, Unservable> {
    let bad = || Unservable(format!("CAA {value}"));
    let mut parts = value.splitn(3, ' ');
    let flags: u8 = parts.next().and_then(|f| f.parse().ok()).ok_or_else(bad)?;
    let tag = parts.next().ok_or_else(bad)?;
    let text = parts.next().ok_or_else(bad)?.trim_matches('"');
    let mut wire = vec![flags, u8::try_from(tag.len()).map_err(|_| bad())?];
    wire.extend_from_slice(tag.as_bytes());
    wire.extend_from_slice(text.as_bytes());
    let len = u16::try_from(wire.len()).map_err(|_| bad())?;
    let mut decoder = BinDecoder::new(&wire);
    RData::read(&mut decoder, WireType::CAA, Restrict::new(len)).map_err(|_| bad())
}

/// A stored value in wire form.
pub fn rdata(rtype: RecordType, value: &str) -> Result<RData, Unservable> {
    let bad = || Unservable(format!("{} {value}", rtype.as_str()));
    let parts: Vec<&str> = value.split_whitespace().collect();
    let num = |i: usize| -> Result<u16, Unservable> {
        parts.get(i).and_then(|p| p.parse().ok()).ok_or_else(bad)
    };
    let host = |i: usize| -> Result<Name, Unservable> { name(parts.get(i).ok_or_else(bad)?) };
    Ok(match rtype {
        RecordType::A => RData::A(A(value.parse::<Ipv4Addr>().map_err(|_| bad())?)),
        RecordType::Aaaa => RData::AAAA(AAAA(value.parse::<Ipv6Addr>().map_err(|_| bad())?)),
        RecordType::Cname => RData::CNAME(CNAME(name(value)?)),
        RecordType::Ns => RData::NS(NS(name(value)?)),
        RecordType::Mx => RData::MX(MX::new(num(0)?, host(1)?)),
        RecordType::Srv => RData::SRV(SRV::new(num(0)?, num(1)?, num(2)?, host(3)?)),
        RecordType::Txt => RData::TXT(TXT::new(crate::model::txt_strings(value))),
        RecordType::Caa => caa(value)?,
    })
}

fn soa_record(apex: &Name, zone: &ZoneRow) -> Result<Record, Unservable> {
    let primary = crate::zone::name_servers(zone)
        .first()
        .map(|n| name(n))
        .transpose()?
        .unwrap_or_else(|| apex.clone());
    let soa = SOA::new(
        primary,
        name(&zone.hostmaster)?,
        serial(zone.serial),
        zone.refresh,
        zone.retry,
        zone.expire,
        u32::try_from(zone.minimum).unwrap_or(300),
    );
    Ok(Record::from_rdata(
        apex.clone(),
        u32::try_from(zone.minimum).unwrap_or(300),
        RData::SOA(soa),
    ))
}

/// The serial as the SOA carries it.
pub fn serial(stored: i64) -> u32 {
    (stored & 0xFFFF_FFFF) as u32
}

impl Snapshot {
    /// The zone `apex` with its settings and records.
    pub fn build(apex: &str, zone: &ZoneRow, records: &[RecordRow]) -> Result<Self, Unservable> {
        let apex = name(apex)?;
        let soa = soa_record(&apex, zone)?;
        let mut snap = Snapshot {
            serial: serial(zone.serial),
            apex: apex.clone(),
            soa: soa.clone(),
            names: HashMap::new(),
            exists: HashSet::new(),
            cuts: BTreeSet::new(),
            chain: None,
            signed_with: None,
        };
        snap.add(soa);
        for ns in crate::zone::name_servers(zone) {
            snap.add(Record::from_rdata(
                apex.clone(),
                3600,
                RData::NS(NS(name(ns)?)),
            ));
        }
        for r in records {
            let owner = owner(&r.name, &apex)?;
            let ttl = u32::try_from(r.ttl).unwrap_or(3600);
            snap.add(Record::from_rdata(owner, ttl, rdata(r.rtype, &r.value)?));
        }
        Ok(snap)
    }

    pub(super) fn add(&mut self, record: Record) {
        let owner = record.name.clone();
        if record.record_type() == WireType::NS && owner != self.apex {
            self.cuts.insert(owner.clone());
        }
        let mut n = owner.clone();
        while n.num_labels() >= self.apex.num_labels() && self.exists.insert(n.clone()) {
            n = n.base_name();
        }
        let set = self
            .names
            .entry(owner)
            .or_default()
            .entry(u16::from(record.record_type()))
            .or_default();
        // One TTL per record set (RFC 2181 5.2), as a signature covers one: the lowest.
        let ttl = set.iter().map(|r| r.ttl).chain([record.ttl]).min();
        set.push(record);
        if let Some(ttl) = ttl {
            set.iter_mut().for_each(|r| r.ttl = ttl);
        }
    }

    /// Whether the zone is signed (DNSSEC).
    pub fn signed(&self) -> bool {
        self.chain.is_some()
    }

    /// Whether `name` is under a delegation, so the zone holds only glue there.
    pub fn below_cut(&self, name: &Name) -> bool {
        self.cut_above(name).is_some_and(|cut| cut != name)
    }

    /// Whether `name` is a delegation point.
    pub fn is_cut(&self, name: &Name) -> bool {
        self.cuts.contains(name)
    }

    /// The records at `name`, by type; `None` when nothing is there (it may still exist as
    /// an empty non-terminal, see [`Snapshot::exists`]).
    pub fn at(&self, name: &Name) -> Option<&RrSets> {
        self.names.get(name)
    }

    /// Whether `name` exists in the zone (holds records, or has names below it).
    pub fn exists(&self, name: &Name) -> bool {
        self.exists.contains(name)
    }

    /// The delegation `name` falls under, closest first: the cut at or above it, below the
    /// apex.
    pub fn cut_above(&self, name: &Name) -> Option<&Name> {
        let mut n = name.clone();
        while n.num_labels() > self.apex.num_labels() {
            if let Some(cut) = self.cuts.get(&n) {
                return Some(cut);
            }
            n = n.base_name();
        }
        None
    }

    /// Every record in transfer order: the SOA first, then each name's records (RFC 5936
    /// 2.2; the closing SOA is the transfer's to add).
    pub fn records(&self) -> impl Iterator<Item = &Record> {
        std::iter::once(&self.soa).chain(
            self.names
                .values()
                .flat_map(|sets| sets.values().flatten())
                .filter(|r| r.record_type() != WireType::SOA),
        )
    }

    /// How many records the zone serves, the SOA included.
    pub fn len(&self) -> usize {
        self.names
            .values()
            .flat_map(|s| s.values())
            .map(Vec::len)
            .sum()
    }

    /// Whether the zone is only its SOA and name servers.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn row(name: &str, rtype: RecordType, value: &str) -> RecordRow {
        RecordRow {
            id: crate::model::RecordId::new(),
            agency_id: kernel::ids::AgencyId::new(),
            name: name.into(),
            rtype,
            value: value.into(),
            ttl: 3600,
            basis: String::new(),
            created_at: chrono::NaiveDateTime::default(),
            created_by: String::new(),
            updated_at: chrono::NaiveDateTime::default(),
            updated_by: String::new(),
        }
    }

    #[test]
    fn every_stored_type_turns_into_wire_form() {
        let cases = [
            (RecordType::A, "203.0.113.10"),
            (RecordType::Aaaa, "2001:db8::1"),
            (RecordType::Cname, "www.sukamajukab.go.id."),
            (RecordType::Ns, "ns1.example.net."),
            (RecordType::Mx, "10 mail.sukamajukab.go.id."),
            (RecordType::Srv, "10 5 443 app.sukamajukab.go.id."),
            (RecordType::Txt, "v=spf1 -all"),
            (RecordType::Caa, "0 issue \"letsencrypt.org\""),
        ];
        for (t, v) in cases {
            let r = rdata(t, v).unwrap();
            assert_eq!(r.record_type().to_string(), t.as_str(), "{v}");
        }
        assert!(rdata(RecordType::A, "not an address").is_err());
        // A long TXT value is served as several strings of at most 255 octets.
        let long = "x".repeat(600);
        match rdata(RecordType::Txt, &long).unwrap() {
            RData::TXT(t) => assert_eq!(t.txt_data.len(), 3),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn names_between_the_apex_and_an_owner_exist_and_delegations_are_cuts() {
        let zone = crate::zone::defaults("sukamajukab.go.id", chrono::NaiveDate::default());
        let snap = Snapshot::build(
            "sukamajukab.go.id",
            &zone,
            &[
                row("a.b.dinkes", RecordType::A, "203.0.113.1"),
                row("desa", RecordType::Ns, "ns1.desa.sukamajukab.go.id."),
                row("ns1.desa", RecordType::A, "203.0.113.2"),
            ],
        )
        .unwrap();
        let n = |s: &str| Name::from_ascii(s).unwrap();
        assert!(snap.exists(&n("b.dinkes.sukamajukab.go.id.")));
        assert!(snap.at(&n("b.dinkes.sukamajukab.go.id.")).is_none());
        assert!(!snap.exists(&n("c.dinkes.sukamajukab.go.id.")));
        assert_eq!(
            snap.cut_above(&n("x.y.desa.sukamajukab.go.id.")),
            Some(&n("desa.sukamajukab.go.id."))
        );
        assert_eq!(snap.cut_above(&n("sukamajukab.go.id.")), None);
        // SOA, two NS, and the three records; the SOA leads a transfer.
        assert_eq!(snap.len(), 6);
        assert_eq!(
            snap.records().next().map(Record::record_type),
            Some(WireType::SOA)
        );
        assert_eq!(snap.records().count(), 6);
    }
}
