//! The data rules of every pack: each dataset is kept current at its declared frequency
//! (KT 18.2, MU 12.1, EN 11.1, BT 23.2: agencies update their data periodically and keep it
//! current), and each has a Wali Data appointed by decision (KT 17.4, MU 11.4, EN 10.5; BT has
//! no such article).

use db::DbConn;
use diesel::QueryResult;
use kernel::compliance::{Active, Evaluation, Finding, Pack, Rule, RuleSource, Within};

use crate::store;

/// A dataset past its update date.
pub const UPDATE_CURRENT: Rule = Rule {
    id: "DATA-UPDATE-CURRENT",
    statement: "rule-data-update-current",
    articles: &[
        (Pack::KT, "Pasal 18 ayat (2)"),
        (Pack::MU, "Pasal 12 ayat (1)"),
        (Pack::EN, "Pasal 11 ayat (1)"),
        (Pack::BT, "Pasal 23 ayat (2)"),
    ],
};

/// A dataset without an appointed Wali Data.
pub const WALI_APPOINTED: Rule = Rule {
    id: "DATA-WALI-APPOINTED",
    statement: "rule-data-wali-appointed",
    articles: &[
        (Pack::KT, "Pasal 17 ayat (4)"),
        (Pack::MU, "Pasal 11 ayat (4)"),
        (Pack::EN, "Pasal 10 ayat (5)"),
    ],
};

/// This context's rules.
pub const RULES: [Rule; 2] = [UPDATE_CURRENT, WALI_APPOINTED];

/// Its contribution to the rule packs.
pub const SOURCE: RuleSource = RuleSource {
    rules: &RULES,
    evaluate,
};

fn evaluate(c: &mut DbConn, within: &Within, active: &Active) -> QueryResult<Evaluation> {
    let mut e = Evaluation::new(active);
    if !active.has(&UPDATE_CURRENT) && !active.has(&WALI_APPOINTED) {
        return Ok(e);
    }
    let today = org::directory::today(c)?;
    for d in store::all(c)? {
        if let Within::Agency(only) = within
            && *only != d.agency_id
        {
            continue;
        }
        if active.has(&UPDATE_CURRENT) && d.next_due.is_some() {
            e.check(
                Some(d.agency_id),
                crate::model::overdue(d.next_due, today),
                || Finding {
                    rule: UPDATE_CURRENT.id,
                    agency_id: Some(d.agency_id),
                    record_type: "dataset",
                    record_id: d.id.to_string(),
                    label: d.title.clone(),
                    href: format!("/data/{}", d.id),
                },
            );
        }
        if active.has(&WALI_APPOINTED) {
            e.check(Some(d.agency_id), d.wali_person_id.is_none(), || Finding {
                rule: WALI_APPOINTED.id,
                agency_id: Some(d.agency_id),
                record_type: "dataset",
                record_id: d.id.to_string(),
                label: d.title.clone(),
                href: format!("/data/{}", d.id),
            });
        }
    }
    Ok(e)
}
