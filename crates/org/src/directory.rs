//! The organisation's facade for other contexts: agencies, people and the region profile as
//! small typed values, looked up by id, ids or code, and lists for pickers. Other contexts never
//! read the organisation's tables; where a list needs agency names, it asks here once for all
//! the ids on the page.

use std::collections::HashMap;

use db::DbConn;
use diesel::QueryResult;
use kernel::AppResult;
use kernel::audit::Actor;
use kernel::compliance::Pack;
use kernel::ids::{AgencyId, PersonId};
use kernel::listing::ListQuery;
use kernel::permissions::{Access, Capability, Scope, Visible};

use crate::model::{PersonDraft, SubdomainAuthority};
use crate::store::{self, AgencyRow, PersonRow, RegionRow};

/// An agency as other contexts name it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AgencyRef {
    /// Id.
    pub id: AgencyId,
    /// Short code (`DINKES`).
    pub code: String,
    /// Full name.
    pub name: String,
    /// Whether it is the Dinas (the e-government coordinator).
    pub is_dinas: bool,
}

impl AgencyRef {
    /// "CODE — Name", as pickers show it.
    pub fn label(&self) -> String {
        format!("{} — {}", self.code, self.name)
    }
}

fn agency_ref(r: AgencyRow) -> AgencyRef {
    AgencyRef {
        id: r.id,
        code: r.code,
        name: r.name,
        is_dinas: r.is_dinas,
    }
}

/// A person as other contexts need them (an account's owner, the claims of a sign-in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRef {
    /// Id.
    pub id: PersonId,
    /// Their agency.
    pub agency: AgencyId,
    /// Full name.
    pub name: String,
    /// ASN number, for ASN staff.
    pub nip: Option<String>,
    /// Official e-mail address.
    pub email: Option<String>,
}

fn person_ref(r: PersonRow) -> PersonRef {
    PersonRef {
        id: r.id,
        agency: r.agency_id,
        name: r.name,
        nip: r.nip,
        email: r.email,
    }
}

/// The region profile as other contexts use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionRef {
    /// "Kabupaten Sukamaju".
    pub name: String,
    /// The region's domain (`sukamajukab.go.id`).
    pub domain: String,
    /// The rule pack of the regulation in force.
    pub pack: Pack,
    /// The regulation's full title, as findings cite it.
    pub regulation_title: String,
    /// Who grants subdomains.
    pub subdomain_authority: SubdomainAuthority,
}

fn region_ref(r: RegionRow) -> RegionRef {
    RegionRef {
        pack: r.regulation_pack,
        name: r.name,
        domain: r.domain,
        regulation_title: r.regulation_title,
        subdomain_authority: r.subdomain_authority,
    }
}

/// The region profile, once the Dinas has set it.
pub fn region(conn: &mut DbConn) -> QueryResult<Option<RegionRef>> {
    Ok(store::region_get(conn)?.map(region_ref))
}

/// One agency.
pub fn agency(conn: &mut DbConn, id: AgencyId) -> QueryResult<Option<AgencyRef>> {
    Ok(store::agency_find(conn, id)?.map(agency_ref))
}

/// One agency by its code (any case).
pub fn agency_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<AgencyRef>> {
    Ok(store::agency_by_code(conn, &code.trim().to_uppercase())?.map(agency_ref))
}

/// The agencies with these ids, by id (unknown ids are simply absent): one query for a whole
/// page of records.
pub fn agencies(conn: &mut DbConn, ids: &[AgencyId]) -> QueryResult<HashMap<AgencyId, AgencyRef>> {
    let mut keys = ids.to_vec();
    keys.sort();
    keys.dedup();
    Ok(store::agencies_by_ids(conn, &keys)?
        .into_iter()
        .map(agency_ref)
        .map(|a| (a.id, a))
        .collect())
}

/// Every agency by name (for pickers: see [`agency_count`] before listing thousands).
pub fn all_agencies(conn: &mut DbConn) -> QueryResult<Vec<AgencyRef>> {
    Ok(store::agency_all(conn)?
        .into_iter()
        .map(agency_ref)
        .collect())
}

/// How many agencies there are.
pub fn agency_count(conn: &mut DbConn) -> QueryResult<i64> {
    store::agency_count(conn)
}

/// Most agencies listed in a filter's picker; past this, the filter takes a code.
pub const PICKER_MAX: i64 = 300;

/// Each record with its agency's code, in one lookup for the whole page.
pub fn with_codes<R>(
    c: &mut DbConn,
    rows: Vec<R>,
    agency: impl Fn(&R) -> AgencyId,
) -> QueryResult<Vec<(R, String)>> {
    let ids: Vec<AgencyId> = rows.iter().map(&agency).collect();
    let found = agencies(c, &ids)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let code = found
                .get(&agency(&r))
                .map(|a| a.code.clone())
                .unwrap_or_default();
            (r, code)
        })
        .collect())
}

/// The visible agencies as `(id, "CODE — Name")` for a filter, or `None` when there are too many
/// to list (a national register has thousands).
pub fn picker(c: &mut DbConn, visible: &Visible) -> QueryResult<Option<Vec<(String, String)>>> {
    if agency_count(c)? > PICKER_MAX {
        return Ok(None);
    }
    Ok(Some(
        all_agencies(c)?
            .into_iter()
            .filter(|a| visible.includes(a.id))
            .map(|a| (a.id.to_string(), a.label()))
            .collect(),
    ))
}

/// The agency a list's filters name: `agency_id`, else `agency_code`. `None`: no agency filter;
/// `Some(None)`: it names an agency that does not exist (the list is then empty).
pub fn filter(c: &mut DbConn, list: &ListQuery) -> QueryResult<Option<Option<AgencyId>>> {
    if let Some(id) = list.agency("agency_id") {
        return Ok(Some(Some(id)));
    }
    match list.get("agency_code") {
        Some(code) => Ok(Some(agency_by_code(c, code)?.map(|a| a.id))),
        None => Ok(None),
    }
}

/// Of `all`, the agencies the caller may write `cap` records for, as `(id, "CODE — Name")` for
/// a form's agency choice.
pub fn writable(all: Vec<AgencyRef>, ctx: &kernel::Ctx, cap: &Capability) -> Vec<(String, String)> {
    all.into_iter()
        .filter(|a| ctx.can(cap, Access::Write, Scope::Agency(a.id)))
        .map(|a| (a.id.to_string(), a.label()))
        .collect()
}

/// The agency flagged as the Dinas.
pub fn dinas(conn: &mut DbConn) -> QueryResult<Option<AgencyRef>> {
    match store::dinas_id(conn)? {
        Some(id) => agency(conn, id),
        None => Ok(None),
    }
}

/// One person.
pub fn person(conn: &mut DbConn, id: PersonId) -> QueryResult<Option<PersonRef>> {
    Ok(store::person_find(conn, id)?.map(person_ref))
}

/// The staff of one agency by name, at most `limit` (a picker of who to appoint).
pub fn people_of(conn: &mut DbConn, agency: AgencyId, limit: i64) -> QueryResult<Vec<PersonRef>> {
    Ok(store::people_of(conn, agency, limit)?
        .0
        .into_iter()
        .map(person_ref)
        .collect())
}

/// Today in the region's time zone (WIB until a region profile says otherwise), for rules
/// and jobs that run without a request.
pub fn today(conn: &mut DbConn) -> QueryResult<chrono::NaiveDate> {
    let zone = store::region_get(conn)?
        .map(|r| r.time_zone)
        .unwrap_or(kernel::time::Zone::Wib);
    Ok(zone.today_at(db::now()))
}

/// Records a person in an agency (the demo's account holders, a future staff import); the
/// person is validated and the change audited as any other.
pub fn add_person(
    conn: &mut DbConn,
    actor: &Actor,
    agency: AgencyId,
    draft: &PersonDraft,
) -> AppResult<PersonId> {
    Ok(crate::service::create_person(conn, actor, agency, draft)?.id)
}
