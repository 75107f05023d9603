//! The zone's rule: an agency uses a subdomain only by decision (MU 10.4 Keputusan Kepala
//! Dinas, EN 9.4 Keputusan Bupati, BT 29.3 the Dinas manages subdomains). A subdomain with
//! records owned by an agency that no granted request of that agency names — typically a name
//! carried over from the zone a Dinas ran before Simpul — is a finding until a request is
//! granted for it. (A website outside the region's domain is the registry's rule
//! `REG-APP-DOMAIN`.)

use std::collections::{BTreeMap, HashSet};

use db::DbConn;
use diesel::QueryResult;
use kernel::compliance::{Active, Evaluation, Finding, Pack, Rule, RuleSource, Within};
use kernel::ids::AgencyId;

use crate::request::{RequestKind, RequestStatus};
use crate::store;

/// A subdomain in use by an agency without a decision granting it.
pub const SUBDOMAIN_DECISION: Rule = Rule {
    id: "DOM-SUBDOMAIN-DECISION",
    statement: "rule-dom-subdomain-decision",
    articles: &[
        (Pack::MU, "Pasal 10 ayat (4)"),
        (Pack::EN, "Pasal 9 ayat (4)"),
        (Pack::BT, "Pasal 29 ayat (3)"),
    ],
};

/// A delegated subdomain whose name servers do not answer for it: the agency's subdomain,
/// which the regulations make the only place for its services, cannot be reached.
pub const DELEGATION_ANSWERS: Rule = Rule {
    id: "DOM-DELEGATION-ANSWERS",
    statement: "rule-dom-delegation-answers",
    articles: &[
        (Pack::KT, "Pasal 10 ayat (3)"),
        (Pack::MU, "Pasal 10 ayat (3)"),
        (Pack::EN, "Pasal 9 ayat (3)"),
        (Pack::BT, "Pasal 29 ayat (2)"),
    ],
};

/// This context's rules.
pub const RULES: [Rule; 2] = [SUBDOMAIN_DECISION, DELEGATION_ANSWERS];

/// Its contribution to the rule packs.
pub const SOURCE: RuleSource = RuleSource {
    rules: &RULES,
    evaluate,
};

/// The subdomain a record's relative name lies in: its last label (`ppid.dinkes` → `dinkes`);
/// none at the apex.
pub fn subdomain(relative: &str) -> Option<&str> {
    (relative != "@").then(|| relative.rsplit('.').next().unwrap_or(relative))
}

/// The (agency, subdomain) pairs in use, each with its first record's id, and whether a
/// decision grants it; the Dinas's own names need none (it manages the zone).
pub fn uses<'a>(
    records: impl IntoIterator<Item = (AgencyId, &'a str, String)>,
    granted: &HashSet<(AgencyId, String)>,
    dinas: Option<AgencyId>,
) -> BTreeMap<(AgencyId, String), (String, bool)> {
    let mut out = BTreeMap::new();
    for (agency, name, id) in records {
        if Some(agency) == dinas {
            continue;
        }
        let Some(sub) = subdomain(name) else {
            continue;
        };
        let key = (agency, sub.to_owned());
        let decided = granted.contains(&key);
        out.entry(key).or_insert((id, decided));
    }
    out
}

fn evaluate(c: &mut DbConn, within: &Within, active: &Active) -> QueryResult<Evaluation> {
    let mut e = Evaluation::new(active);
    if !active.has(&SUBDOMAIN_DECISION) && !active.has(&DELEGATION_ANSWERS) {
        return Ok(e);
    }
    let Some(apex) = org::directory::region(c)?
        .map(|r| r.domain.to_ascii_lowercase())
        .filter(|d| !d.is_empty())
    else {
        return Ok(e);
    };
    let dinas = org::directory::dinas(c)?.map(|d| d.id);
    let records = store::all(c)?;
    let granted: HashSet<(AgencyId, String)> = store::granted_subdomains(c)?
        .into_iter()
        .filter(|(_, kind, status, _)| {
            *kind == RequestKind::Subdomain && *status == RequestStatus::Granted
        })
        .map(|(agency, _, _, name)| (agency, name))
        .collect();
    let inside = |a: &AgencyId| match within {
        Within::Agency(only) => only == a,
        Within::Region => true,
    };
    if active.has(&DELEGATION_ANSWERS) {
        // One check per delegation, owned by the agency of its first NS record; a delegation
        // not yet checked is not judged.
        for check in store::delegation_checks(c)? {
            let Some(ns) = records
                .iter()
                .find(|r| r.rtype == crate::model::RecordType::Ns && r.name == check.name)
            else {
                continue;
            };
            if !inside(&ns.agency_id) {
                continue;
            }
            e.check(Some(ns.agency_id), !check.failing.is_empty(), || Finding {
                rule: DELEGATION_ANSWERS.id,
                agency_id: Some(ns.agency_id),
                record_type: "dns_record",
                record_id: ns.id.to_string(),
                label: format!("{}.{apex} ({})", check.name, check.failing),
                href: format!("/domains/{}", ns.id),
            });
        }
    }
    if !active.has(&SUBDOMAIN_DECISION) {
        return Ok(e);
    }
    let used = uses(
        records
            .iter()
            .filter(|r| inside(&r.agency_id))
            .map(|r| (r.agency_id, r.name.as_str(), r.id.to_string())),
        &granted,
        dinas,
    );
    for ((agency, sub), (id, decided)) in used {
        e.check(Some(agency), !decided, || Finding {
            rule: SUBDOMAIN_DECISION.id,
            agency_id: Some(agency),
            record_type: "dns_record",
            record_id: id.clone(),
            label: format!("{sub}.{apex}"),
            href: format!("/domains/{id}"),
        });
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agency_s_subdomain_needs_a_granted_request_the_dinas_s_names_do_not() {
        let dinkes = AgencyId::new();
        let dishub = AgencyId::new();
        let dinas = AgencyId::new();
        let granted: HashSet<_> = [(dinkes, "dinkes".to_owned())].into_iter().collect();
        let used = uses(
            [
                (dinkes, "dinkes", "1".to_owned()),
                (dinkes, "ppid.dinkes", "2".to_owned()),
                (dishub, "dishub", "3".to_owned()),
                (dishub, "www.dishub", "4".to_owned()),
                // Granted to another agency is not granted to this one.
                (dishub, "dinkes", "5".to_owned()),
                (dinas, "www", "6".to_owned()),
                (dishub, "@", "7".to_owned()),
            ],
            &granted,
            Some(dinas),
        );
        let broken: Vec<(&str, &str)> = used
            .iter()
            .filter(|(_, (_, ok))| !ok)
            .map(|((_, sub), (id, _))| (sub.as_str(), id.as_str()))
            .collect();
        assert_eq!(used.len(), 3);
        let mut broken = broken;
        broken.sort();
        assert_eq!(broken, [("dinkes", "5"), ("dishub", "3")]);
        assert_eq!(subdomain("a.b.c"), Some("c"));
        assert_eq!(subdomain("@"), None);
    }
}
