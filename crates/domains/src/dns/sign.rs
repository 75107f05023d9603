//! Online signing of the snapshot (RFC 4035 2): the DNSKEY set at the apex, an NSEC chain
//! through every authoritative name (RFC 4034 4), and an RRSIG for every authoritative record
//! set — the key set by the key-signing keys, the rest by the zone-signing keys, published
//! incoming keys beside active ones. Delegations' NS sets and glue are not signed (RFC 4035
//! 2.2). Signing happens when the snapshot is built, off the request threads; answering only
//! picks the signatures out.

use hickory_proto::dnssec::crypto::EcdsaSigningKey;
use hickory_proto::dnssec::rdata::{DNSKEY, DNSSECRData, NSEC, RRSIG, SigInput};
use hickory_proto::dnssec::{SigningKey, TBS};
use hickory_proto::rr::{DNSClass, Name, RData, Record, RecordType, SerialNumber};

use super::snapshot::{Snapshot, Unservable};
use crate::dnssec::{self, KeyRole};
use crate::store::DnssecKeyRow;

/// A published key, ready to sign.
pub struct ZoneKey {
    role: KeyRole,
    key: EcdsaSigningKey,
    dnskey: DNSKEY,
    tag: u16,
}

/// The keys of the stored rows (retired ones are not published and not given here).
pub fn keys(rows: &[DnssecKeyRow]) -> Result<Vec<ZoneKey>, Unservable> {
    rows.iter()
        .map(|row| {
            let bad = |e: dnssec::BadKey| Unservable(e.to_string());
            let key = dnssec::signing_key(&row.private_key).map_err(bad)?;
            let dnskey = dnssec::dnskey(&key, row.role).map_err(bad)?;
            let tag = dnskey
                .calculate_key_tag()
                .map_err(|e| Unservable(e.to_string()))?;
            Ok(ZoneKey {
                role: row.role,
                key,
                dnskey,
                tag,
            })
        })
        .collect()
}

fn rrsig(
    owner: &Name,
    set: &[Record],
    apex: &Name,
    key: &ZoneKey,
    (inception, expiration): (i64, i64),
) -> Result<Record, Unservable> {
    let failed = |e: &dyn std::fmt::Display| Unservable(format!("signing {owner}: {e}"));
    let first = set.first().ok_or_else(|| failed(&"empty record set"))?;
    // Signature times are 32-bit serial numbers (RFC 4034 3.1.5): they wrap in 2106.
    let serial = |t: i64| SerialNumber::new((t & 0xFFFF_FFFF) as u32);
    let input = SigInput {
        type_covered: first.record_type(),
        algorithm: dnssec::ALGORITHM,
        num_labels: owner.num_labels(),
        original_ttl: first.ttl,
        sig_expiration: serial(expiration),
        sig_inception: serial(inception),
        key_tag: key.tag,
        signer_name: apex.clone(),
    };
    let tbs = TBS::from_input(owner, DNSClass::IN, &input, set.iter()).map_err(|e| failed(&e))?;
    let sig = key.key.sign(&tbs).map_err(|e| failed(&e))?;
    Ok(Record::from_rdata(
        owner.clone(),
        first.ttl,
        RData::DNSSEC(DNSSECRData::RRSIG(RRSIG::from_sig(input, sig))),
    ))
}

impl Snapshot {
    /// Signs the zone with `keys` for the signing week `week`. Record sets unchanged since
    /// `previous` (signed with the same keys in the same week) keep its signatures: a change
    /// re-signs only what it touched (the set itself and the NSEC records around it).
    pub fn sign(
        &mut self,
        keys: &[ZoneKey],
        week: i64,
        previous: Option<&Snapshot>,
    ) -> Result<(), Unservable> {
        if !keys.iter().any(|k| k.role == KeyRole::Ksk)
            || !keys.iter().any(|k| k.role == KeyRole::Zsk)
        {
            return Err(Unservable("a signed zone needs a KSK and a ZSK".into()));
        }
        let apex = self.apex.clone();
        for k in keys {
            self.add(Record::from_rdata(
                apex.clone(),
                dnssec::DNSKEY_TTL,
                RData::DNSSEC(DNSSECRData::DNSKEY(k.dnskey.clone())),
            ));
        }
        // The chain: every name with authoritative data or a delegation, not glue below one.
        let chain: std::collections::BTreeSet<Name> = self
            .names
            .keys()
            .filter(|n| !self.below_cut(n))
            .cloned()
            .collect();
        let owners: Vec<Name> = chain.iter().cloned().collect();
        let negative_ttl = self.soa.ttl;
        for (i, owner) in owners.iter().enumerate() {
            let next = owners.get(i + 1).unwrap_or(&apex).clone();
            let types: Vec<RecordType> = if self.is_cut(owner) {
                vec![RecordType::NS]
            } else {
                self.names
                    .get(owner)
                    .map(|sets| sets.keys().map(|t| RecordType::from(*t)).collect())
                    .unwrap_or_default()
            };
            self.add(Record::from_rdata(
                owner.clone(),
                negative_ttl,
                RData::DNSSEC(DNSSECRData::NSEC(NSEC::new_cover_self(next, types))),
            ));
        }
        let validity = dnssec::validity(week);
        let signed_with = (keys.iter().map(|k| k.tag).collect::<Vec<_>>(), week);
        let reusable = previous.filter(|p| p.signed_with.as_ref() == Some(&signed_with));
        let mut sigs = vec![];
        for owner in &owners {
            let cut = self.is_cut(owner);
            let Some(sets) = self.names.get(owner) else {
                continue;
            };
            for (t, set) in sets {
                let t = RecordType::from(*t);
                // At a delegation only the parent's own data is signed: its NSEC (and DS).
                if t == RecordType::RRSIG
                    || (cut && !matches!(t, RecordType::NSEC | RecordType::DS))
                {
                    continue;
                }
                if let Some(p) = reusable
                    && p.at(owner).and_then(|s| s.get(&u16::from(t))) == Some(set)
                {
                    sigs.extend(p.sigs(owner, t, owner));
                    continue;
                }
                let role = if t == RecordType::DNSKEY {
                    KeyRole::Ksk
                } else {
                    KeyRole::Zsk
                };
                for k in keys.iter().filter(|k| k.role == role) {
                    sigs.push(rrsig(owner, set, &apex, k, validity)?);
                }
            }
        }
        for s in sigs {
            self.add(s);
        }
        self.chain = Some(chain);
        self.signed_with = Some(signed_with);
        Ok(())
    }

    /// The signatures over the record set `rtype` at `owner`, named `as_name` (a wildcard's
    /// signatures answer for the name asked, RFC 4035 3.1.3.3); none when unsigned.
    pub fn sigs(&self, owner: &Name, rtype: RecordType, as_name: &Name) -> Vec<Record> {
        let Some(all) = self
            .at(owner)
            .and_then(|s| s.get(&u16::from(RecordType::RRSIG)))
        else {
            return vec![];
        };
        all.iter()
            .filter(|r| match &r.data {
                RData::DNSSEC(DNSSECRData::RRSIG(sig)) => sig.input().type_covered == rtype,
                _ => false,
            })
            .map(|r| {
                let mut r = r.clone();
                r.name = as_name.clone();
                r
            })
            .collect()
    }

    /// The owner of the NSEC record whose span holds `name` (`name` itself when it owns one).
    pub fn covering(&self, name: &Name) -> Option<&Name> {
        let chain = self.chain.as_ref()?;
        chain.range(..=name.clone()).next_back().or(chain.last())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::dnssec::{DnssecKeyId, KeyState};
    use crate::model::RecordType as Stored;
    use hickory_proto::dnssec::Verifier;

    pub(crate) fn rows() -> Vec<DnssecKeyRow> {
        [KeyRole::Ksk, KeyRole::Zsk]
            .into_iter()
            .map(|role| {
                let private_key = dnssec::generate().unwrap();
                DnssecKeyRow {
                    id: DnssecKeyId::new(),
                    role,
                    state: KeyState::Active,
                    key_tag: i32::from(dnssec::key_tag(&private_key, role).unwrap()),
                    private_key,
                    created_at: chrono::NaiveDateTime::default(),
                    created_by: String::new(),
                    retired_at: None,
                }
            })
            .collect()
    }

    pub(crate) fn signed(records: &[crate::store::RecordRow]) -> Snapshot {
        let z = crate::zone::defaults("sukamajukab.go.id", chrono::NaiveDate::default());
        let mut snap = Snapshot::build("sukamajukab.go.id", &z, records).unwrap();
        snap.sign(&keys(&rows()).unwrap(), dnssec::week(1_800_000_000), None)
            .unwrap();
        snap
    }

    fn n(s: &str) -> Name {
        Name::from_ascii(s).unwrap()
    }

    #[test]
    fn every_authoritative_set_is_signed_and_verifies_and_glue_is_not() {
        let row = super::super::snapshot::tests::row;
        let snap = signed(&[
            row("www", Stored::A, "203.0.113.1"),
            row("www", Stored::A, "203.0.113.2"),
            row("desa", Stored::Ns, "ns1.desa.sukamajukab.go.id."),
            row("ns1.desa", Stored::A, "203.0.113.53"),
        ]);
        let apex = n("sukamajukab.go.id.");
        let keys = snap
            .at(&apex)
            .unwrap()
            .get(&u16::from(RecordType::DNSKEY))
            .unwrap();
        assert_eq!(keys.len(), 2);
        let www = n("www.sukamajukab.go.id.");
        let set = snap
            .at(&www)
            .unwrap()
            .get(&u16::from(RecordType::A))
            .unwrap();
        let sigs = snap.sigs(&www, RecordType::A, &www);
        assert_eq!(sigs.len(), 1);
        let RData::DNSSEC(DNSSECRData::RRSIG(sig)) = &sigs[0].data else {
            panic!()
        };
        // Verified with the zone-signing key's public half, as a validator would.
        let zsk = keys
            .iter()
            .find_map(|k| match &k.data {
                RData::DNSSEC(DNSSECRData::DNSKEY(d)) if d.flags() == 256 => Some(d.clone()),
                _ => None,
            })
            .unwrap();
        zsk.verify_rrsig(&www, DNSClass::IN, sig, set.iter())
            .unwrap();
        // A tampered set does not verify.
        let mut other = set.clone();
        other[0].ttl = 1;
        other.pop();
        assert!(
            zsk.verify_rrsig(&www, DNSClass::IN, sig, other.iter())
                .is_err()
        );
        // The key set is signed by the key-signing key only.
        assert_eq!(snap.sigs(&apex, RecordType::DNSKEY, &apex).len(), 1);
        // The delegation's NS and the glue carry no signature; its NSEC does.
        let desa = n("desa.sukamajukab.go.id.");
        assert!(snap.sigs(&desa, RecordType::NS, &desa).is_empty());
        assert_eq!(snap.sigs(&desa, RecordType::NSEC, &desa).len(), 1);
        let glue = n("ns1.desa.sukamajukab.go.id.");
        assert!(snap.sigs(&glue, RecordType::A, &glue).is_empty());
    }

    #[test]
    fn the_chain_runs_in_canonical_order_and_closes_at_the_apex() {
        let row = super::super::snapshot::tests::row;
        let snap = signed(&[
            row("b", Stored::A, "203.0.113.1"),
            row("a", Stored::A, "203.0.113.2"),
            row("z.a", Stored::A, "203.0.113.3"),
        ]);
        let next = |owner: &str| -> String {
            let sets = snap.at(&n(owner)).unwrap();
            match &sets.get(&u16::from(RecordType::NSEC)).unwrap()[0].data {
                RData::DNSSEC(DNSSECRData::NSEC(nsec)) => nsec.next_domain_name().to_ascii(),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(next("sukamajukab.go.id."), "a.sukamajukab.go.id.");
        assert_eq!(next("a.sukamajukab.go.id."), "z.a.sukamajukab.go.id.");
        assert_eq!(next("z.a.sukamajukab.go.id."), "b.sukamajukab.go.id.");
        assert_eq!(next("b.sukamajukab.go.id."), "sukamajukab.go.id.");
        assert_eq!(
            snap.covering(&n("c.sukamajukab.go.id."))
                .unwrap()
                .to_ascii(),
            "b.sukamajukab.go.id."
        );
        assert_eq!(
            snap.covering(&n("y.a.sukamajukab.go.id."))
                .unwrap()
                .to_ascii(),
            "a.sukamajukab.go.id."
        );
    }

    #[test]
    fn a_change_re_signs_only_what_it_touched() {
        let row = super::super::snapshot::tests::row;
        let z = crate::zone::defaults("sukamajukab.go.id", chrono::NaiveDate::default());
        let keys = keys(&rows()).unwrap();
        let week = dnssec::week(1_800_000_000);
        let before = [
            row("a", Stored::A, "203.0.113.1"),
            row("m", Stored::A, "203.0.113.2"),
        ];
        let mut first = Snapshot::build("sukamajukab.go.id", &z, &before).unwrap();
        first.sign(&keys, week, None).unwrap();
        let mut after = before.to_vec();
        after.push(row("z", Stored::A, "203.0.113.3"));
        let mut second = Snapshot::build("sukamajukab.go.id", &z, &after).unwrap();
        second.sign(&keys, week, Some(&first)).unwrap();
        let sig = |s: &Snapshot, name: &str, t: RecordType| {
            let n = n(name);
            s.sigs(&n, t, &n)
        };
        // ECDSA signatures differ each time they are made: equal ones were kept.
        assert_eq!(
            sig(&first, "a.sukamajukab.go.id.", RecordType::A),
            sig(&second, "a.sukamajukab.go.id.", RecordType::A)
        );
        assert_eq!(
            sig(&first, "a.sukamajukab.go.id.", RecordType::NSEC),
            sig(&second, "a.sukamajukab.go.id.", RecordType::NSEC)
        );
        // "m" now points to "z" in the chain: its NSEC is new and signed anew.
        assert_ne!(
            sig(&first, "m.sukamajukab.go.id.", RecordType::NSEC),
            sig(&second, "m.sukamajukab.go.id.", RecordType::NSEC)
        );
        assert_eq!(sig(&second, "z.sukamajukab.go.id.", RecordType::A).len(), 1);
        // Another week signs everything anew.
        let mut third = Snapshot::build("sukamajukab.go.id", &z, &after).unwrap();
        third.sign(&keys, week + 1, Some(&second)).unwrap();
        assert_ne!(
            sig(&second, "a.sukamajukab.go.id.", RecordType::A),
            sig(&third, "a.sukamajukab.go.id.", RecordType::A)
        );
    }
}
