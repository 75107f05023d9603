//! All of the organisation context's SQL. Private to the crate: other contexts use
//! [`crate::directory`].

use chrono::NaiveDateTime;
use db::DbConn;
use db::dialect::{contains_pattern, lower, lower_opt};
use db::schema::{agencies, people, region};
use diesel::prelude::*;
use kernel::ids::{AgencyId, PersonId};
use kernel::listing::ListQuery;
use kernel::permissions::Visible;

use crate::model::{
    Agency, AgencyKind, Person, PersonKind, Region, RegionKind, ReportingChain, SubdomainAuthority,
};
use kernel::compliance::Pack;
use kernel::time::Zone;

/// The stored region profile.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = region)]
pub struct RegionRow {
    /// Always 1.
    pub id: i32,
    /// Name.
    pub name: String,
    /// Regency or city.
    pub kind: RegionKind,
    /// Main domain.
    pub domain: String,
    /// Rule pack.
    pub regulation_pack: Pack,
    /// Regulation number.
    pub regulation_number: String,
    /// Regulation year.
    pub regulation_year: i32,
    /// Regulation title.
    pub regulation_title: String,
    /// Who grants subdomains.
    pub subdomain_authority: SubdomainAuthority,
    /// Reporting chain.
    pub reporting_chain: ReportingChain,
    /// Last change.
    #[serde(serialize_with = "kernel::api::utc")]
    pub updated_at: NaiveDateTime,
    /// Changed by.
    pub updated_by: Option<String>,
    /// The time zone pages show times in.
    pub time_zone: Zone,
}

/// A stored agency.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = agencies)]
pub struct AgencyRow {
    /// Id.
    pub id: AgencyId,
    /// Name.
    pub name: String,
    /// Code.
    pub code: String,
    /// Kind.
    pub kind: AgencyKind,
    /// The Dinas flag.
    pub is_dinas: bool,
    /// E-government unit.
    pub egov_unit: Option<String>,
    /// Created.
    #[serde(serialize_with = "kernel::api::utc")]
    pub created_at: NaiveDateTime,
    /// Created by.
    pub created_by: Option<String>,
    /// Updated.
    #[serde(serialize_with = "kernel::api::utc")]
    pub updated_at: NaiveDateTime,
    /// Updated by.
    pub updated_by: Option<String>,
}

/// A stored person.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = people)]
pub struct PersonRow {
    /// Id.
    pub id: PersonId,
    /// Agency id.
    pub agency_id: AgencyId,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: PersonKind,
    /// ASN number.
    pub nip: Option<String>,
    /// NIK (never shown unmasked).
    pub nik: Option<String>,
    /// Position.
    pub position: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Created.
    #[serde(serialize_with = "kernel::api::utc")]
    pub created_at: NaiveDateTime,
    /// Created by.
    pub created_by: Option<String>,
    /// Updated.
    #[serde(serialize_with = "kernel::api::utc")]
    pub updated_at: NaiveDateTime,
    /// Updated by.
    pub updated_by: Option<String>,
}

fn now() -> NaiveDateTime {
    db::now()
}

/// The region profile, if set.
pub fn region_get(conn: &mut DbConn) -> QueryResult<Option<RegionRow>> {
    region::table
        .filter(region::id.eq(1))
        .select(RegionRow::as_select())
        .first(conn)
        .optional()
}

/// Sets the region profile.
pub fn region_put(conn: &mut DbConn, d: &Region, by: &str) -> QueryResult<RegionRow> {
    let values = (
        region::name.eq(&d.name),
        region::kind.eq(d.kind),
        region::domain.eq(&d.domain),
        region::regulation_pack.eq(d.regulation_pack),
        region::regulation_number.eq(&d.regulation_number),
        region::regulation_year.eq(d.regulation_year),
        region::regulation_title.eq(&d.regulation_title),
        region::subdomain_authority.eq(d.subdomain_authority),
        region::reporting_chain.eq(d.reporting_chain),
        region::updated_at.eq(now()),
        region::updated_by.eq(by),
        region::time_zone.eq(d.time_zone),
    );
    if region_get(conn)?.is_some() {
        diesel::update(region::table.filter(region::id.eq(1)))
            .set(values)
            .execute(conn)?;
    } else {
        diesel::insert_into(region::table)
            .values((region::id.eq(1), values))
            .execute(conn)?;
    }
    region::table
        .filter(region::id.eq(1))
        .select(RegionRow::as_select())
        .first(conn)
}

/// One agency.
pub fn agency_find(conn: &mut DbConn, id: AgencyId) -> QueryResult<Option<AgencyRow>> {
    agencies::table
        .find(id)
        .select(AgencyRow::as_select())
        .first(conn)
        .optional()
}

/// One agency by code.
pub fn agency_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<AgencyRow>> {
    agencies::table
        .filter(agencies::code.eq(code))
        .select(AgencyRow::as_select())
        .first(conn)
        .optional()
}

/// Every agency, by name (for pickers and the dashboard).
pub fn agency_all(conn: &mut DbConn) -> QueryResult<Vec<AgencyRow>> {
    agencies::table
        .order(agencies::name.asc())
        .select(AgencyRow::as_select())
        .load(conn)
}

/// The agencies with these ids.
pub fn agencies_by_ids(conn: &mut DbConn, ids: &[AgencyId]) -> QueryResult<Vec<AgencyRow>> {
    let mut out = vec![];
    for chunk in ids.chunks(500) {
        out.extend(
            agencies::table
                .filter(agencies::id.eq_any(chunk))
                .select(AgencyRow::as_select())
                .load(conn)?,
        );
    }
    Ok(out)
}

/// The agency flagged as the Dinas, if any.
pub fn dinas_id(conn: &mut DbConn) -> QueryResult<Option<AgencyId>> {
    agencies::table
        .filter(agencies::is_dinas.eq(true))
        .select(agencies::id)
        .first(conn)
        .optional()
}

/// How many agencies there are (a picker lists them all only when they are few).
pub fn agency_count(conn: &mut DbConn) -> QueryResult<i64> {
    agencies::table.count().get_result(conn)
}

/// A page of the agency list (or all of it, for a download), and the total.
pub fn agency_list(conn: &mut DbConn, list: &ListQuery) -> QueryResult<(Vec<AgencyRow>, i64)> {
    let build = || {
        let mut q = agencies::table.into_boxed();
        if let Some(text) = list.get("q") {
            let pat = contains_pattern(text);
            q = q.filter(
                lower(agencies::name)
                    .like(pat.clone())
                    .escape('\\')
                    .or(lower(agencies::code).like(pat).escape('\\')),
            );
        }
        if let Some(kind) = list.choice::<AgencyKind>("kind") {
            q = q.filter(agencies::kind.eq(kind));
        }
        q
    };
    let total = build().count().get_result(conn)?;
    let q = build();
    let q = match list.sort {
        "code" => db::sorted!(q, list.descending, agencies::code, agencies::id),
        _ => db::sorted!(
            q,
            list.descending,
            agencies::name,
            agencies::code,
            agencies::id
        ),
    };
    let rows = q
        .limit(list.limit())
        .offset(list.offset())
        .select(AgencyRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Clears the Dinas flag from every agency but `keep` (the flag moves, it never doubles).
fn unflag_other_dinas(conn: &mut DbConn, keep: AgencyId) -> QueryResult<Vec<AgencyId>> {
    let others: Vec<AgencyId> = agencies::table
        .filter(agencies::is_dinas.eq(true))
        .filter(agencies::id.ne(keep))
        .select(agencies::id)
        .load(conn)?;
    if !others.is_empty() {
        diesel::update(agencies::table.filter(agencies::id.eq_any(&others)))
            .set(agencies::is_dinas.eq(false))
            .execute(conn)?;
    }
    Ok(others)
}

/// Inserts an agency; returns it and the agencies that lost the Dinas flag.
pub fn agency_create(
    conn: &mut DbConn,
    d: &Agency,
    by: &str,
) -> QueryResult<(AgencyRow, Vec<AgencyId>)> {
    let id = AgencyId::new();
    let unflagged = if d.is_dinas {
        unflag_other_dinas(conn, id)?
    } else {
        vec![]
    };
    let t = now();
    diesel::insert_into(agencies::table)
        .values((
            agencies::id.eq(id),
            agencies::name.eq(&d.name),
            agencies::code.eq(&d.code),
            agencies::kind.eq(d.kind),
            agencies::is_dinas.eq(d.is_dinas),
            agencies::egov_unit.eq(&d.egov_unit),
            agencies::created_at.eq(t),
            agencies::created_by.eq(by),
            agencies::updated_at.eq(t),
            agencies::updated_by.eq(by),
        ))
        .execute(conn)?;
    let row = agencies::table
        .find(id)
        .select(AgencyRow::as_select())
        .first(conn)?;
    Ok((row, unflagged))
}

/// Updates an agency; returns the new row and the agencies that lost the Dinas flag.
pub fn agency_update(
    conn: &mut DbConn,
    id: AgencyId,
    d: &Agency,
    by: &str,
) -> QueryResult<(AgencyRow, Vec<AgencyId>)> {
    let unflagged = if d.is_dinas {
        unflag_other_dinas(conn, id)?
    } else {
        vec![]
    };
    diesel::update(agencies::table.find(id))
        .set((
            agencies::name.eq(&d.name),
            agencies::code.eq(&d.code),
            agencies::kind.eq(d.kind),
            agencies::is_dinas.eq(d.is_dinas),
            agencies::egov_unit.eq(&d.egov_unit),
            agencies::updated_at.eq(now()),
            agencies::updated_by.eq(by),
        ))
        .execute(conn)?;
    let row = agencies::table
        .find(id)
        .select(AgencyRow::as_select())
        .first(conn)?;
    Ok((row, unflagged))
}

/// Which of these codes are taken.
pub fn agency_codes_taken(conn: &mut DbConn, codes: &[String]) -> QueryResult<Vec<String>> {
    agencies::table
        .filter(agencies::code.eq_any(codes))
        .select(agencies::code)
        .load(conn)
}

/// People per agency id.
pub fn people_per_agency(conn: &mut DbConn) -> QueryResult<Vec<(AgencyId, i64)>> {
    people::table
        .group_by(people::agency_id)
        .select((people::agency_id, diesel::dsl::count_star()))
        .load(conn)
}

/// One person.
pub fn person_find(conn: &mut DbConn, id: PersonId) -> QueryResult<Option<PersonRow>> {
    people::table
        .find(id)
        .select(PersonRow::as_select())
        .first(conn)
        .optional()
}

/// A page of the people the caller may see (or all of them, for a download), and the total.
pub fn person_list(
    conn: &mut DbConn,
    visible: &Visible,
    list: &ListQuery,
) -> QueryResult<(Vec<PersonRow>, i64)> {
    let allowed: Option<Vec<AgencyId>> = match visible {
        Visible::All => None,
        Visible::Only(ids) => Some(ids.clone()),
    };
    let build = || {
        let mut q = people::table.into_boxed();
        if let Some(ids) = &allowed {
            q = q.filter(people::agency_id.eq_any(ids.clone()));
        }
        if let Some(a) = list.agency("agency") {
            q = q.filter(people::agency_id.eq(a));
        }
        if let Some(k) = list.choice::<PersonKind>("kind") {
            q = q.filter(people::kind.eq(k));
        }
        if let Some(text) = list.get("q") {
            let pat = contains_pattern(text);
            q = q.filter(
                lower(people::name)
                    .like(pat.clone())
                    .escape('\\')
                    .or(people::nip.like(pat.clone()).escape('\\'))
                    .or(lower_opt(people::position).like(pat).escape('\\')),
            );
        }
        q
    };
    let total = build().count().get_result(conn)?;
    let rows = db::sorted!(build(), list.descending, people::name, people::id)
        .limit(list.limit())
        .offset(list.offset())
        .select(PersonRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Every person of these agencies: id, agency, name (for matching an import's rows that carry
/// neither NIP nor NIK).
pub fn people_named_in(
    conn: &mut DbConn,
    agencies: &[AgencyId],
) -> QueryResult<Vec<(PersonId, AgencyId, String)>> {
    people::table
        .filter(people::agency_id.eq_any(agencies))
        .select((people::id, people::agency_id, people::name))
        .load(conn)
}

/// The people of one agency by name (at most `limit`), and how many there are.
pub fn people_of(
    conn: &mut DbConn,
    agency: AgencyId,
    limit: i64,
) -> QueryResult<(Vec<PersonRow>, i64)> {
    let total = people::table
        .filter(people::agency_id.eq(agency))
        .count()
        .get_result(conn)?;
    let rows = people::table
        .filter(people::agency_id.eq(agency))
        .order((people::name.asc(), people::id.asc()))
        .limit(limit)
        .select(PersonRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Inserts a person.
pub fn person_create(
    conn: &mut DbConn,
    agency: AgencyId,
    d: &Person,
    by: &str,
) -> QueryResult<PersonRow> {
    let id = PersonId::new();
    let t = now();
    diesel::insert_into(people::table)
        .values((
            people::id.eq(id),
            people::agency_id.eq(agency),
            people::name.eq(&d.name),
            people::kind.eq(d.kind),
            people::nip.eq(&d.nip),
            people::nik.eq(&d.nik),
            people::position.eq(&d.position),
            people::email.eq(&d.email),
            people::phone.eq(&d.phone),
            people::created_at.eq(t),
            people::created_by.eq(by),
            people::updated_at.eq(t),
            people::updated_by.eq(by),
        ))
        .execute(conn)?;
    people::table
        .find(id)
        .select(PersonRow::as_select())
        .first(conn)
}

/// Updates a person.
pub fn person_update(
    conn: &mut DbConn,
    id: PersonId,
    agency: AgencyId,
    d: &Person,
    by: &str,
) -> QueryResult<PersonRow> {
    diesel::update(people::table.find(id))
        .set((
            people::agency_id.eq(agency),
            people::name.eq(&d.name),
            people::kind.eq(d.kind),
            people::nip.eq(&d.nip),
            people::nik.eq(&d.nik),
            people::position.eq(&d.position),
            people::email.eq(&d.email),
            people::phone.eq(&d.phone),
            people::updated_at.eq(now()),
            people::updated_by.eq(by),
        ))
        .execute(conn)?;
    people::table
        .find(id)
        .select(PersonRow::as_select())
        .first(conn)
}

/// Which of these NIPs and NIKs are already recorded (for the import's line-by-line report).
/// Numbers (NIP or NIK) with the agency of the person holding each.
pub type Holders = Vec<(String, AgencyId)>;

/// A person holding a number: id, agency, NIP, NIK.
pub type NumberHolder = (PersonId, AgencyId, Option<String>, Option<String>);

/// The people holding any of these NIPs or NIKs.
pub fn people_by_numbers(
    conn: &mut DbConn,
    nips: &[String],
    niks: &[String],
) -> QueryResult<Vec<NumberHolder>> {
    people::table
        .filter(people::nip.eq_any(nips).or(people::nik.eq_any(niks)))
        .select((people::id, people::agency_id, people::nip, people::nik))
        .load(conn)
}

/// Which of these NIPs and NIKs are recorded, each with the agency of the person holding it.
pub fn person_numbers_owners(
    conn: &mut DbConn,
    nips: &[String],
    niks: &[String],
) -> QueryResult<(Holders, Holders)> {
    let nip: Vec<(Option<String>, AgencyId)> = people::table
        .filter(people::nip.eq_any(nips))
        .select((people::nip, people::agency_id))
        .load(conn)?;
    let nik: Vec<(Option<String>, AgencyId)> = people::table
        .filter(people::nik.eq_any(niks))
        .select((people::nik, people::agency_id))
        .load(conn)?;
    let known = |rows: Vec<(Option<String>, AgencyId)>| {
        rows.into_iter()
            .filter_map(|(n, a)| n.map(|n| (n, a)))
            .collect()
    };
    Ok((known(nip), known(nik)))
}

impl From<RegionRow> for crate::model::RegionDraft {
    fn from(r: RegionRow) -> Self {
        Self {
            name: r.name,
            kind: r.kind.as_str().to_owned(),
            domain: r.domain,
            regulation_pack: r.regulation_pack.as_str().to_owned(),
            regulation_number: r.regulation_number,
            regulation_year: r.regulation_year,
            regulation_title: r.regulation_title,
            subdomain_authority: r.subdomain_authority.as_str().to_owned(),
            reporting_chain: r.reporting_chain.as_str().to_owned(),
            time_zone: r.time_zone.as_str().to_owned(),
        }
    }
}
