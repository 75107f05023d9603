//! What an authoritative server says to one query (RFC 1034 4.3.2, wildcards as RFC 4592):
//! the records asked for, an alias followed inside the zone, a referral
//! at a delegation, "no such name" or "no such data" with the SOA (RFC 2308), REFUSED for
//! names it does not serve, and one RRset for ANY (RFC 8482). A plain function of the
//! snapshot and the query, so every case is tested without a socket.

use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{DNSClass, Name, RData, Record, RecordType};

use super::snapshot::Snapshot;

/// The UDP payload this server offers (the DNS Flag Day 2020 size: no IP fragmentation).
pub const UDP_PAYLOAD: u16 = 1232;

/// How many aliases are followed inside the zone before the chain is left to the resolver.
const CNAME_CHAIN: usize = 8;

/// The response's header, question and EDNS for `query`, with `code`.
pub fn response_to(query: &Message, code: ResponseCode) -> Message {
    let mut r = Message::response(query.metadata.id, query.metadata.op_code);
    r.metadata.recursion_desired = query.metadata.recursion_desired;
    r.metadata.checking_disabled = query.metadata.checking_disabled;
    r.metadata.response_code = code;
    r.add_queries(query.queries.iter().cloned());
    if let Some(asked) = &query.edns {
        let mut edns = Edns::new();
        edns.set_max_payload(UDP_PAYLOAD);
        edns.set_version(0);
        // The DO bit is copied back (RFC 3225 3).
        edns.set_dnssec_ok(asked.flags().dnssec_ok);
        r.set_edns(edns);
    }
    r
}

/// Whether the query is one this server takes at all; the error to answer otherwise.
pub fn screen(query: &Message) -> Result<&Query, ResponseCode> {
    if query.metadata.message_type != MessageType::Query {
        return Err(ResponseCode::FormErr);
    }
    if let Some(edns) = &query.edns
        && edns.version() > 0
    {
        return Err(ResponseCode::BADVERS);
    }
    match query.metadata.op_code {
        OpCode::Query => {}
        // A secondary's NOTIFY to us, or a dynamic update: this server is the only primary
        // and changes come through Simpul.
        OpCode::Notify | OpCode::Update => return Err(ResponseCode::Refused),
        _ => return Err(ResponseCode::NotImp),
    }
    let [q] = query.queries.as_slice() else {
        return Err(ResponseCode::FormErr);
    };
    if !matches!(q.query_class(), DNSClass::IN | DNSClass::ANY) {
        return Err(ResponseCode::Refused);
    }
    Ok(q)
}

/// Whether `query` asks about a name this server is authoritative for.
pub fn in_zone(snap: Option<&Snapshot>, name: &Name) -> bool {
    snap.is_some_and(|s| s.apex.zone_of(name))
}

/// The answer to a query this server takes (`screen` passed, not a transfer).
pub fn answer(snap: Option<&Snapshot>, query: &Message) -> Message {
    let q = match screen(query) {
        Ok(q) => q,
        Err(code) => return response_to(query, code),
    };
    let qname = q.name().to_lowercase();
    let snap = match snap {
        Some(s) if s.apex.zone_of(&qname) => s,
        _ => return response_to(query, ResponseCode::Refused),
    };
    let mut r = response_to(query, ResponseCode::NoError);
    r.metadata.authoritative = true;
    let qtype = q.query_type();
    // Signatures and proofs only for a resolver that asks for them (RFC 3225).
    let proof = Proof {
        snap,
        on: snap.signed() && query.edns.as_ref().is_some_and(|e| e.flags().dnssec_ok),
    };

    // Below a delegation the zone only knows where to send the resolver. A DS query at the
    // cut itself is the parent's to answer (RFC 4035 3.1.4.1).
    if let Some(cut) = snap.cut_above(&qname)
        && !(qtype == RecordType::DS && &qname == cut)
    {
        r.metadata.authoritative = false;
        let ns = rrset(snap, cut, RecordType::NS);
        add_addresses(snap, &mut r, &ns, true, &proof);
        r.authorities.extend(ns);
        // No DS here: the NSEC at the cut says so, and the child is unsigned (RFC 4035 3.1.4).
        proof.nsec_at(&mut r.authorities, cut);
        return r;
    }

    let mut name = qname;
    for _ in 0..CNAME_CHAIN {
        let found = match snap.at(&name) {
            Some(sets) => Some((name.clone(), sets)),
            None if snap.exists(&name) => None,
            None => wildcard(snap, &name),
        };
        let Some((owner, sets)) = found else {
            // Nothing at the name, or no name: said with the SOA (RFC 2308), and to a
            // validating resolver proven by the NSEC records that span it (RFC 4035 3.1.3.2).
            if !snap.exists(&name) {
                r.metadata.response_code = ResponseCode::NXDomain;
                proof.covering(&mut r.authorities, &name);
                if let Some(star) = closest_encloser(snap, &name)
                    .and_then(|ce| Name::from_ascii("*").ok()?.append_domain(&ce).ok())
                {
                    proof.covering(&mut r.authorities, &star);
                }
            } else {
                proof.covering(&mut r.authorities, &name);
            }
            add_soa(&mut r, &proof);
            return r;
        };
        let wild = owner != name;
        // Records found under a wildcard are answered as the name asked for (RFC 4592 3.3),
        // with the wildcard's signatures and the proof that the name itself is not there.
        let owned = |set: &[Record], out: &mut Vec<Record>| {
            out.extend(set.iter().map(|rec| {
                let mut rec = rec.clone();
                rec.name = name.clone();
                rec
            }));
            if let Some(first) = set.first() {
                proof.sigs(out, &owner, first.record_type(), &name);
            }
        };
        if wild {
            proof.covering(&mut r.authorities, &name);
        }
        if qtype == RecordType::ANY {
            // RFC 8482 4.1: one RRset stands for all, so ANY cannot amplify.
            if let Some(set) = sets.values().next() {
                owned(set, &mut r.answers);
            }
            return r;
        }
        if let Some(set) = sets.get(&u16::from(qtype)) {
            add_addresses(snap, &mut r, set, false, &proof);
            owned(set, &mut r.answers);
            return r;
        }
        let Some(alias) = sets.get(&u16::from(RecordType::CNAME)) else {
            // The name is there, without this type: no data (RFC 2308 2.2), proven by the
            // NSEC at the name (or at the wildcard) listing the types it has.
            proof.nsec_at(&mut r.authorities, &owner);
            add_soa(&mut r, &proof);
            return r;
        };
        owned(alias, &mut r.answers);
        let Some(RData::CNAME(target)) = alias.first().map(|a| &a.data) else {
            return r;
        };
        let target = target.0.to_lowercase();
        // An alias leaving the zone, or into a delegation, is the resolver's to follow.
        if !snap.apex.zone_of(&target) || snap.cut_above(&target).is_some() {
            return r;
        }
        name = target;
    }
    r
}

/// What a signed answer adds, when the asker wants it.
struct Proof<'s> {
    snap: &'s Snapshot,
    on: bool,
}

impl Proof<'_> {
    fn sigs(&self, out: &mut Vec<Record>, owner: &Name, rtype: RecordType, as_name: &Name) {
        if self.on {
            out.extend(self.snap.sigs(owner, rtype, as_name));
        }
    }

    /// The NSEC record at `owner` with its signature, once per section.
    fn nsec_at(&self, out: &mut Vec<Record>, owner: &Name) {
        if !self.on
            || out
                .iter()
                .any(|r| r.record_type() == RecordType::NSEC && &r.name == owner)
        {
            return;
        }
        let nsec = rrset(self.snap, owner, RecordType::NSEC);
        if !nsec.is_empty() {
            out.extend(nsec);
            self.sigs(out, owner, RecordType::NSEC, owner);
        }
    }

    /// The NSEC record whose span holds `name`.
    fn covering(&self, out: &mut Vec<Record>, name: &Name) {
        if let Some(owner) = self.on.then(|| self.snap.covering(name)).flatten() {
            self.nsec_at(out, &owner.clone());
        }
    }
}

fn add_soa(r: &mut Message, proof: &Proof<'_>) {
    let soa = proof.snap.soa.clone();
    let apex = proof.snap.apex.clone();
    r.authorities.insert(0, soa);
    let mut sigs = vec![];
    proof.sigs(&mut sigs, &apex, RecordType::SOA, &apex);
    for (i, s) in sigs.into_iter().enumerate() {
        r.authorities.insert(1 + i, s);
    }
}

/// The nearest name above `name` that exists (RFC 4592 3.3.1).
fn closest_encloser(snap: &Snapshot, name: &Name) -> Option<Name> {
    let mut encloser = name.base_name();
    while !snap.exists(&encloser) {
        if encloser.num_labels() <= snap.apex.num_labels() {
            return None;
        }
        encloser = encloser.base_name();
    }
    Some(encloser)
}

/// The wildcard that covers `name`, a name that does not exist: `*` under its closest
/// encloser (RFC 4592 3.3.1), with its owner name.
fn wildcard<'s>(snap: &'s Snapshot, name: &Name) -> Option<(Name, &'s super::snapshot::RrSets)> {
    let star = Name::from_ascii("*")
        .ok()?
        .append_domain(&closest_encloser(snap, name)?)
        .ok()?;
    let sets = snap.at(&star)?;
    Some((star, sets))
}

fn rrset(snap: &Snapshot, name: &Name, rtype: RecordType) -> Vec<Record> {
    snap.at(name)
        .and_then(|s| s.get(&u16::from(rtype)))
        .cloned()
        .unwrap_or_default()
}

/// The zone's addresses of the hosts `records` point at (name servers, mail exchangers,
/// services), in the additional section; `glue` takes them from below a delegation too.
fn add_addresses(
    snap: &Snapshot,
    r: &mut Message,
    records: &[Record],
    glue: bool,
    proof: &Proof<'_>,
) {
    for rec in records {
        let target = match &rec.data {
            RData::NS(ns) => &ns.0,
            RData::MX(mx) => &mx.exchange,
            RData::SRV(srv) => &srv.target,
            _ => continue,
        };
        let target = target.to_lowercase();
        if !snap.apex.zone_of(&target) || (!glue && snap.cut_above(&target).is_some()) {
            continue;
        }
        for t in [RecordType::A, RecordType::AAAA] {
            let set = rrset(snap, &target, t);
            if set.is_empty() || set.iter().any(|a| r.additionals.contains(a)) {
                continue;
            }
            r.additionals.extend(set);
            // Glue is not signed; the zone's own addresses are.
            proof.sigs(&mut r.additionals, &target, t, &target);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RecordType as Stored;
    use crate::store::RecordRow;

    fn row(name: &str, rtype: Stored, value: &str) -> RecordRow {
        super::super::snapshot::tests::row(name, rtype, value)
    }

    fn zone() -> Snapshot {
        let z = crate::zone::defaults("sukamajukab.go.id", chrono::NaiveDate::default());
        Snapshot::build(
            "sukamajukab.go.id",
            &z,
            &[
                row("ns1", Stored::A, "203.0.113.1"),
                row("ns2", Stored::A, "203.0.113.2"),
                row("@", Stored::A, "203.0.113.10"),
                row("@", Stored::Mx, "10 mail.sukamajukab.go.id."),
                row("mail", Stored::A, "203.0.113.25"),
                row("www", Stored::Cname, "portal.sukamajukab.go.id."),
                row("portal", Stored::A, "203.0.113.11"),
                row("portal", Stored::Aaaa, "2001:db8::11"),
                row("luar", Stored::Cname, "example.net."),
                row("x.y.dinkes", Stored::A, "203.0.113.12"),
                row("desa", Stored::Ns, "ns1.desa.sukamajukab.go.id."),
                row("ns1.desa", Stored::A, "203.0.113.53"),
                row("*.apps", Stored::A, "203.0.113.80"),
                row("khusus.apps", Stored::Txt, "ada"),
            ],
        )
        .unwrap()
    }

    fn ask(name: &str, t: RecordType) -> Message {
        let mut m = Message::query();
        m.add_query(Query::query(Name::from_ascii(name).unwrap(), t));
        m
    }

    fn types(rs: &[Record]) -> Vec<RecordType> {
        rs.iter().map(Record::record_type).collect()
    }

    #[test]
    fn names_in_the_zone_are_answered_with_authority() {
        let z = zone();
        let r = answer(Some(&z), &ask("PORTAL.sukamajukab.go.id.", RecordType::A));
        assert_eq!(r.metadata.response_code, ResponseCode::NoError);
        assert!(r.metadata.authoritative);
        assert_eq!(types(&r.answers), [RecordType::A]);
        // Mail exchangers come with their addresses.
        let r = answer(Some(&z), &ask("sukamajukab.go.id.", RecordType::MX));
        assert_eq!(types(&r.answers), [RecordType::MX]);
        assert_eq!(types(&r.additionals), [RecordType::A]);
        // The apex's SOA and name servers.
        let r = answer(Some(&z), &ask("sukamajukab.go.id.", RecordType::NS));
        assert_eq!(r.answers.len(), 2);
        assert_eq!(r.additionals.len(), 2);
    }

    #[test]
    fn an_alias_is_followed_inside_the_zone_only() {
        let z = zone();
        let r = answer(Some(&z), &ask("www.sukamajukab.go.id.", RecordType::AAAA));
        assert_eq!(types(&r.answers), [RecordType::CNAME, RecordType::AAAA]);
        let r = answer(Some(&z), &ask("luar.sukamajukab.go.id.", RecordType::A));
        assert_eq!(types(&r.answers), [RecordType::CNAME]);
        assert_eq!(r.metadata.response_code, ResponseCode::NoError);
        // The alias itself, when asked for.
        let r = answer(Some(&z), &ask("www.sukamajukab.go.id.", RecordType::CNAME));
        assert_eq!(types(&r.answers), [RecordType::CNAME]);
    }

    #[test]
    fn missing_names_and_data_say_so_with_the_soa() {
        let z = zone();
        let r = answer(Some(&z), &ask("tidakada.sukamajukab.go.id.", RecordType::A));
        assert_eq!(r.metadata.response_code, ResponseCode::NXDomain);
        assert!(r.metadata.authoritative);
        assert_eq!(types(&r.authorities), [RecordType::SOA]);
        // Data missing at a name that exists, and at a name between the apex and an owner.
        for name in ["portal.sukamajukab.go.id.", "y.dinkes.sukamajukab.go.id."] {
            let r = answer(Some(&z), &ask(name, RecordType::TXT));
            assert_eq!(r.metadata.response_code, ResponseCode::NoError, "{name}");
            assert!(r.answers.is_empty());
            assert_eq!(types(&r.authorities), [RecordType::SOA]);
        }
        // The SOA's TTL is the zone's minimum: how long "no" is cached.
        assert_eq!(r.authorities[0].ttl, 300);
    }

    #[test]
    fn a_wildcard_answers_for_names_that_do_not_exist_under_it() {
        let z = zone();
        let r = answer(
            Some(&z),
            &ask("siapa.apps.sukamajukab.go.id.", RecordType::A),
        );
        assert_eq!(r.metadata.response_code, ResponseCode::NoError);
        assert_eq!(types(&r.answers), [RecordType::A]);
        assert_eq!(
            r.answers[0].name.to_ascii(),
            "siapa.apps.sukamajukab.go.id."
        );
        // Deeper names too; a type it lacks is no data, not "no such name".
        let r = answer(Some(&z), &ask("a.b.apps.sukamajukab.go.id.", RecordType::A));
        assert_eq!(types(&r.answers), [RecordType::A]);
        let r = answer(
            Some(&z),
            &ask("siapa.apps.sukamajukab.go.id.", RecordType::MX),
        );
        assert_eq!(r.metadata.response_code, ResponseCode::NoError);
        assert_eq!(types(&r.authorities), [RecordType::SOA]);
        // A name that exists is not covered: its own records or none.
        let r = answer(
            Some(&z),
            &ask("khusus.apps.sukamajukab.go.id.", RecordType::A),
        );
        assert!(r.answers.is_empty());
        // Nor is a name outside the wildcard's parent.
        let r = answer(Some(&z), &ask("siapa.sukamajukab.go.id.", RecordType::A));
        assert_eq!(r.metadata.response_code, ResponseCode::NXDomain);
    }

    #[test]
    fn a_delegation_refers_with_glue() {
        let z = zone();
        let r = answer(Some(&z), &ask("www.desa.sukamajukab.go.id.", RecordType::A));
        assert_eq!(r.metadata.response_code, ResponseCode::NoError);
        assert!(!r.metadata.authoritative);
        assert!(r.answers.is_empty());
        assert_eq!(types(&r.authorities), [RecordType::NS]);
        assert_eq!(types(&r.additionals), [RecordType::A]);
    }

    #[test]
    fn other_zones_other_classes_and_other_operations_are_refused_or_not_implemented() {
        let z = zone();
        let r = answer(Some(&z), &ask("example.com.", RecordType::A));
        assert_eq!(r.metadata.response_code, ResponseCode::Refused);
        // Before the region is set up there is no zone at all.
        let r = answer(None, &ask("sukamajukab.go.id.", RecordType::SOA));
        assert_eq!(r.metadata.response_code, ResponseCode::Refused);
        let mut m = ask("sukamajukab.go.id.", RecordType::SOA);
        m.queries[0].set_query_class(DNSClass::CH);
        assert_eq!(
            answer(Some(&z), &m).metadata.response_code,
            ResponseCode::Refused
        );
        let mut m = ask("sukamajukab.go.id.", RecordType::SOA);
        m.metadata.op_code = OpCode::Status;
        assert_eq!(
            answer(Some(&z), &m).metadata.response_code,
            ResponseCode::NotImp
        );
        let mut m = ask("sukamajukab.go.id.", RecordType::SOA);
        m.queries.clear();
        assert_eq!(
            answer(Some(&z), &m).metadata.response_code,
            ResponseCode::FormErr
        );
        let mut m = ask("sukamajukab.go.id.", RecordType::SOA);
        let mut edns = Edns::new();
        edns.set_version(1);
        m.set_edns(edns);
        assert_eq!(
            answer(Some(&z), &m).metadata.response_code,
            ResponseCode::BADVERS
        );
    }

    #[test]
    fn any_is_answered_with_one_rrset() {
        let z = zone();
        let r = answer(Some(&z), &ask("sukamajukab.go.id.", RecordType::ANY));
        assert!(!r.answers.is_empty());
        let first = r.answers[0].record_type();
        assert!(r.answers.iter().all(|a| a.record_type() == first));
    }

    fn signed_zone() -> Snapshot {
        let z = zone();
        let mut z2 = z.clone();
        let rows = crate::dns::sign::tests::rows();
        z2.sign(&crate::dns::sign::keys(&rows).unwrap(), 2976, None)
            .unwrap();
        z2
    }

    fn ask_do(name: &str, t: RecordType) -> Message {
        let mut m = ask(name, t);
        let mut edns = Edns::new();
        edns.set_dnssec_ok(true);
        m.set_edns(edns);
        m
    }

    fn owners(rs: &[Record], t: RecordType) -> Vec<String> {
        rs.iter()
            .filter(|r| r.record_type() == t)
            .map(|r| r.name.to_ascii())
            .collect()
    }

    #[test]
    fn a_signed_zone_signs_and_proves_only_for_resolvers_that_ask() {
        let z = signed_zone();
        // Without DO: the same answer as unsigned.
        let r = answer(Some(&z), &ask("portal.sukamajukab.go.id.", RecordType::A));
        assert_eq!(types(&r.answers), [RecordType::A]);
        let r = answer(
            Some(&z),
            &ask_do("portal.sukamajukab.go.id.", RecordType::A),
        );
        assert_eq!(types(&r.answers), [RecordType::A, RecordType::RRSIG]);
        assert!(r.edns.as_ref().unwrap().flags().dnssec_ok);
        // The key set, signed by the key-signing key.
        let r = answer(Some(&z), &ask_do("sukamajukab.go.id.", RecordType::DNSKEY));
        assert_eq!(
            types(&r.answers),
            [RecordType::DNSKEY, RecordType::DNSKEY, RecordType::RRSIG]
        );
    }

    #[test]
    fn a_missing_name_is_proven_by_the_nsec_spanning_it_and_the_wildcard_s() {
        let z = signed_zone();
        let r = answer(Some(&z), &ask_do("c.sukamajukab.go.id.", RecordType::A));
        assert_eq!(r.metadata.response_code, ResponseCode::NXDomain);
        assert_eq!(
            types(&r.authorities)[..2],
            [RecordType::SOA, RecordType::RRSIG]
        );
        // The proof spans the name and "*.sukamajukab.go.id" (one NSEC may do both), each
        // NSEC with its signature.
        let nsecs = owners(&r.authorities, RecordType::NSEC);
        assert!(!nsecs.is_empty() && nsecs.len() <= 2, "{nsecs:?}");
        let signed_nsecs = r
            .authorities
            .iter()
            .filter(|x| match &x.data {
                RData::DNSSEC(hickory_proto::dnssec::rdata::DNSSECRData::RRSIG(s)) => {
                    s.input().type_covered == RecordType::NSEC
                }
                _ => false,
            })
            .count();
        assert_eq!(signed_nsecs, nsecs.len());
        assert_eq!(
            z.covering(&Name::from_ascii("c.sukamajukab.go.id.").unwrap())
                .map(Name::to_ascii),
            Some(nsecs[0].clone())
        );
    }

    #[test]
    fn no_data_is_proven_by_the_nsec_at_the_name() {
        let z = signed_zone();
        let r = answer(
            Some(&z),
            &ask_do("portal.sukamajukab.go.id.", RecordType::TXT),
        );
        assert_eq!(r.metadata.response_code, ResponseCode::NoError);
        assert_eq!(
            owners(&r.authorities, RecordType::NSEC),
            ["portal.sukamajukab.go.id."]
        );
        // An empty non-terminal: the NSEC that spans it.
        let r = answer(
            Some(&z),
            &ask_do("y.dinkes.sukamajukab.go.id.", RecordType::A),
        );
        assert_eq!(r.metadata.response_code, ResponseCode::NoError);
        assert_eq!(owners(&r.authorities, RecordType::NSEC).len(), 1);
    }

    #[test]
    fn a_wildcard_answer_carries_the_wildcard_s_signature_and_the_proof() {
        let z = signed_zone();
        let r = answer(
            Some(&z),
            &ask_do("siapa.apps.sukamajukab.go.id.", RecordType::A),
        );
        assert_eq!(types(&r.answers), [RecordType::A, RecordType::RRSIG]);
        let RData::DNSSEC(hickory_proto::dnssec::rdata::DNSSECRData::RRSIG(sig)) =
            &r.answers[1].data
        else {
            panic!()
        };
        // The signature counts the wildcard's labels (4), not the name's (5): how a validator
        // knows it was expanded (RFC 4035 5.3.4).
        assert_eq!(sig.input().num_labels, 4);
        assert_eq!(owners(&r.authorities, RecordType::NSEC).len(), 1);
        // A referral proves there is no DS, so the child is unsigned.
        let r = answer(
            Some(&z),
            &ask_do("www.desa.sukamajukab.go.id.", RecordType::A),
        );
        assert_eq!(
            owners(&r.authorities, RecordType::NSEC),
            ["desa.sukamajukab.go.id."]
        );
        assert!(
            !r.additionals
                .iter()
                .any(|x| x.record_type() == RecordType::RRSIG)
        );
    }
}
