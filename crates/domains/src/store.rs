//! The zone's SQL: private to this crate. Other contexts ask through the crate's public
//! functions, never these (a test in `simpul` fails the build's checks otherwise).

use chrono::NaiveDateTime;
use db::DbConn;
use db::schema::{
    domains_counters, domains_delegation_checks, domains_dnssec_keys, domains_records,
    domains_requests, domains_tsig_keys, domains_zone,
};
use diesel::prelude::*;
use kernel::listing::ListQuery;

use crate::model::{Existing, Record, RecordId, RecordType};
use crate::request::{Request, RequestId, RequestKind, RequestStatus};

/// A stored record.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = domains_records)]
pub struct RecordRow {
    pub id: RecordId,
    pub agency_id: kernel::ids::AgencyId,
    pub name: String,
    pub rtype: RecordType,
    pub value: String,
    pub ttl: i32,
    pub basis: String,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

/// The zone's settings.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = domains_zone)]
pub struct ZoneRow {
    pub name_servers: String,
    pub hostmaster: String,
    pub serial: i64,
    pub refresh: i32,
    pub retry: i32,
    pub expire: i32,
    pub minimum: i32,
    pub dnssec: bool,
}

/// The records the list asks for: one page, and how many there are in all.
pub fn list(c: &mut DbConn, q: &ListQuery) -> QueryResult<(Vec<RecordRow>, i64)> {
    let build = || {
        let mut query = domains_records::table.into_boxed();
        if let Some(a) = q.agency("agency_id") {
            query = query.filter(domains_records::agency_id.eq(a));
        }
        if let Some(t) = q.choice::<RecordType>("rtype") {
            query = query.filter(domains_records::rtype.eq(t));
        }
        if let Some(text) = q.get("q") {
            let p = db::dialect::contains_pattern(text);
            query = query.filter(
                db::dialect::lower(domains_records::name)
                    .like(p.clone())
                    .escape('\\')
                    .or(db::dialect::lower(domains_records::value)
                        .like(p)
                        .escape('\\')),
            );
        }
        query
    };
    let total = build().count().get_result(c)?;
    let sorted = match q.sort {
        "updated" => db::sorted!(
            build(),
            q.descending,
            domains_records::updated_at,
            domains_records::id
        ),
        _ => db::sorted!(
            build(),
            q.descending,
            domains_records::name,
            domains_records::rtype,
            domains_records::id
        ),
    };
    let rows = sorted
        .limit(q.limit())
        .offset(q.offset())
        .select(RecordRow::as_select())
        .load(c)?;
    Ok((rows, total))
}

/// Every record, in the order a zone file lists them.
pub fn all(c: &mut DbConn) -> QueryResult<Vec<RecordRow>> {
    domains_records::table
        .order((
            domains_records::name.asc(),
            domains_records::rtype.asc(),
            domains_records::value.asc(),
        ))
        .select(RecordRow::as_select())
        .load(c)
}

/// One record.
pub fn find(c: &mut DbConn, id: RecordId) -> QueryResult<Option<RecordRow>> {
    domains_records::table
        .find(id)
        .select(RecordRow::as_select())
        .first(c)
        .optional()
}

/// The records at one name (for the zone-wide rules).
pub fn at_name(c: &mut DbConn, name: &str) -> QueryResult<Vec<Existing>> {
    Ok(domains_records::table
        .filter(domains_records::name.eq(name))
        .select((
            domains_records::id,
            domains_records::name,
            domains_records::rtype,
            domains_records::value,
        ))
        .load::<(RecordId, String, RecordType, String)>(c)?
        .into_iter()
        .map(|(id, name, rtype, value)| Existing {
            id,
            name,
            rtype,
            value,
        })
        .collect())
}

/// Writes a new record.
pub fn insert(c: &mut DbConn, rec: &Record, by: &str) -> QueryResult<RecordRow> {
    let (id, now) = (RecordId::new(), db::now());
    diesel::insert_into(domains_records::table)
        .values((
            domains_records::id.eq(id),
            domains_records::agency_id.eq(rec.agency_id),
            domains_records::name.eq(&rec.name),
            domains_records::rtype.eq(rec.rtype),
            domains_records::value.eq(&rec.value),
            domains_records::ttl.eq(rec.ttl),
            domains_records::basis.eq(&rec.basis),
            domains_records::created_at.eq(now),
            domains_records::created_by.eq(by),
            domains_records::updated_at.eq(now),
            domains_records::updated_by.eq(by),
        ))
        .execute(c)?;
    find(c, id)?.ok_or(diesel::result::Error::NotFound)
}

/// Replaces a record's contents.
pub fn update(c: &mut DbConn, id: RecordId, rec: &Record, by: &str) -> QueryResult<RecordRow> {
    diesel::update(domains_records::table.find(id))
        .set((
            domains_records::agency_id.eq(rec.agency_id),
            domains_records::name.eq(&rec.name),
            domains_records::rtype.eq(rec.rtype),
            domains_records::value.eq(&rec.value),
            domains_records::ttl.eq(rec.ttl),
            domains_records::basis.eq(&rec.basis),
            domains_records::updated_at.eq(db::now()),
            domains_records::updated_by.eq(by),
        ))
        .execute(c)?;
    find(c, id)?.ok_or(diesel::result::Error::NotFound)
}

/// Removes a record.
pub fn delete(c: &mut DbConn, id: RecordId) -> QueryResult<usize> {
    diesel::delete(domains_records::table.find(id)).execute(c)
}

/// How many records there are (the demo loads once).
pub fn count(c: &mut DbConn) -> QueryResult<i64> {
    domains_records::table.count().get_result(c)
}

/// The zone's settings, if they were ever written.
pub fn zone(c: &mut DbConn) -> QueryResult<Option<ZoneRow>> {
    domains_zone::table
        .find(1)
        .select(ZoneRow::as_select())
        .first(c)
        .optional()
}

/// Writes the zone's settings (the one row).
pub fn zone_save(c: &mut DbConn, zone: &ZoneRow, by: &str) -> QueryResult<()> {
    let values = (
        domains_zone::name_servers.eq(&zone.name_servers),
        domains_zone::hostmaster.eq(&zone.hostmaster),
        domains_zone::serial.eq(zone.serial),
        domains_zone::refresh.eq(zone.refresh),
        domains_zone::retry.eq(zone.retry),
        domains_zone::expire.eq(zone.expire),
        domains_zone::minimum.eq(zone.minimum),
        domains_zone::dnssec.eq(zone.dnssec),
        domains_zone::updated_at.eq(db::now()),
        domains_zone::updated_by.eq(by),
    );
    let updated = diesel::update(domains_zone::table.find(1))
        .set(values)
        .execute(c)?;
    if updated == 0 {
        diesel::insert_into(domains_zone::table)
            .values((domains_zone::id.eq(1), values))
            .execute(c)?;
    }
    Ok(())
}

/// A stored request.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = domains_requests)]
pub struct RequestRow {
    pub id: RequestId,
    pub number: String,
    pub agency_id: kernel::ids::AgencyId,
    pub kind: RequestKind,
    pub name: String,
    pub purpose: String,
    pub target: String,
    pub status: RequestStatus,
    pub decided_by: Option<String>,
    pub decision_number: Option<String>,
    pub decision_date: Option<chrono::NaiveDate>,
    pub reason: Option<String>,
    pub submitted_at: NaiveDateTime,
    pub submitted_by: String,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_recorded_by: Option<String>,
}

/// The next number of `series` in `year` (1 for the year's first): the counter's row is
/// raised in place, so concurrent writers, in any instance, wait on its lock and never share
/// a number.
pub fn next_number(c: &mut DbConn, series: &str, year: i32) -> QueryResult<i32> {
    use domains_counters as k;
    loop {
        let raised = diesel::update(
            k::table
                .filter(k::series.eq(series))
                .filter(k::year.eq(year)),
        )
        .set(k::last.eq(k::last + 1))
        .returning(k::last)
        .get_result::<i32>(c)
        .optional()?;
        if let Some(n) = raised {
            return Ok(n);
        }
        let started = diesel::update(
            k::table
                .filter(k::series.eq(series))
                .filter(k::year.ne(year)),
        )
        .set((k::year.eq(year), k::last.eq(1)))
        .returning(k::last)
        .get_result::<i32>(c)
        .optional()?;
        if let Some(n) = started {
            return Ok(n);
        }
    }
}

/// The requests the list asks for, within `visible`: one page, and the total.
pub fn requests(
    c: &mut DbConn,
    visible: &kernel::permissions::Visible,
    q: &ListQuery,
) -> QueryResult<(Vec<RequestRow>, i64)> {
    use domains_requests as t;
    let build = || {
        let mut query = t::table.into_boxed();
        if let kernel::permissions::Visible::Only(ids) = visible {
            query = query.filter(t::agency_id.eq_any(ids.clone()));
        }
        if let Some(a) = q.agency("agency_id") {
            query = query.filter(t::agency_id.eq(a));
        }
        if let Some(s) = q.choice::<RequestStatus>("status") {
            query = query.filter(t::status.eq(s));
        }
        if let Some(text) = q.get("q") {
            let p = db::dialect::contains_pattern(text);
            query = query.filter(
                db::dialect::lower(t::name)
                    .like(p.clone())
                    .escape('\\')
                    .or(db::dialect::lower(t::number).like(p).escape('\\')),
            );
        }
        query
    };
    let total = build().count().get_result(c)?;
    let sorted = match q.sort {
        "name" => db::sorted!(build(), q.descending, t::name, t::id),
        _ => db::sorted!(build(), q.descending, t::submitted_at, t::id),
    };
    let rows = sorted
        .limit(q.limit())
        .offset(q.offset())
        .select(RequestRow::as_select())
        .load(c)?;
    Ok((rows, total))
}

/// One request.
pub fn request(c: &mut DbConn, id: RequestId) -> QueryResult<Option<RequestRow>> {
    domains_requests::table
        .find(id)
        .select(RequestRow::as_select())
        .first(c)
        .optional()
}

/// The request still waiting for `name` of `kind`, if any.
pub fn request_pending(
    c: &mut DbConn,
    kind: RequestKind,
    name: &str,
) -> QueryResult<Option<(String, kernel::ids::AgencyId)>> {
    use domains_requests as t;
    t::table
        .filter(t::kind.eq(kind))
        .filter(t::name.eq(name))
        .filter(t::status.eq(RequestStatus::Submitted))
        .select((t::number, t::agency_id))
        .first(c)
        .optional()
}

/// Writes a new request under `number`.
pub fn request_insert(
    c: &mut DbConn,
    r: &Request,
    number: &str,
    by: &str,
) -> QueryResult<RequestRow> {
    use domains_requests as t;
    let id = RequestId::new();
    diesel::insert_into(t::table)
        .values((
            t::id.eq(id),
            t::number.eq(number),
            t::agency_id.eq(r.agency_id),
            t::kind.eq(r.kind),
            t::name.eq(&r.name),
            t::purpose.eq(&r.purpose),
            t::target.eq(&r.target),
            t::status.eq(RequestStatus::Submitted),
            t::submitted_at.eq(db::now()),
            t::submitted_by.eq(by),
        ))
        .execute(c)?;
    request(c, id)?.ok_or(diesel::result::Error::NotFound)
}

/// Records the decision on a waiting request; false when it was no longer waiting.
pub fn request_decide(
    c: &mut DbConn,
    id: RequestId,
    status: RequestStatus,
    (body, d): (&str, &crate::request::Decision),
    by: &str,
) -> QueryResult<bool> {
    use domains_requests as t;
    let n = diesel::update(
        t::table
            .find(id)
            .filter(t::status.eq(RequestStatus::Submitted)),
    )
    .set((
        t::status.eq(status),
        t::decided_by.eq(body),
        t::decision_number.eq(&d.number),
        t::decision_date.eq(d.date),
        t::reason.eq(Some(&d.reason).filter(|r| !r.is_empty())),
        t::decided_at.eq(db::now()),
        t::decided_recorded_by.eq(by),
    ))
    .execute(c)?;
    Ok(n == 1)
}

/// When each request still waiting within `visible` was made (for the home page's count of
/// waiting and late ones; a region has tens, not thousands).
pub fn waiting_since(
    c: &mut DbConn,
    visible: &kernel::permissions::Visible,
) -> QueryResult<Vec<NaiveDateTime>> {
    use domains_requests as t;
    let mut query = t::table
        .filter(t::status.eq(RequestStatus::Submitted))
        .select(t::submitted_at)
        .into_boxed();
    if let kernel::permissions::Visible::Only(ids) = visible {
        query = query.filter(t::agency_id.eq_any(ids.clone()));
    }
    query.limit(10_000).load(c)
}

/// A TSIG key (the secret as base64, as BIND's and NSD's configurations write it).
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = domains_tsig_keys)]
pub struct KeyRow {
    pub id: String,
    pub name: String,
    pub secret: String,
    pub created_at: NaiveDateTime,
    pub created_by: String,
}

/// Every TSIG key, oldest first.
pub fn keys(c: &mut DbConn) -> QueryResult<Vec<KeyRow>> {
    domains_tsig_keys::table
        .order((domains_tsig_keys::created_at, domains_tsig_keys::name))
        .select(KeyRow::as_select())
        .load(c)
}

/// Stores a new key.
pub fn key_insert(c: &mut DbConn, key: &KeyRow) -> QueryResult<usize> {
    diesel::insert_into(domains_tsig_keys::table)
        .values((
            domains_tsig_keys::id.eq(&key.id),
            domains_tsig_keys::name.eq(&key.name),
            domains_tsig_keys::secret.eq(&key.secret),
            domains_tsig_keys::created_at.eq(key.created_at),
            domains_tsig_keys::created_by.eq(&key.created_by),
        ))
        .execute(c)
}

/// Removes a key; how many went.
pub fn key_delete(c: &mut DbConn, id: &str) -> QueryResult<usize> {
    diesel::delete(domains_tsig_keys::table.find(id)).execute(c)
}

/// The zone's serial as stored (none before the zone's first change).
pub fn serial(c: &mut DbConn) -> QueryResult<Option<i64>> {
    domains_zone::table
        .find(1)
        .select(domains_zone::serial)
        .first(c)
        .optional()
}

/// Takes the turn to tell the secondaries of `serial`: true for the one instance whose update
/// moved the mark.
pub fn claim_notify(c: &mut DbConn, serial: i64) -> QueryResult<bool> {
    let moved = diesel::update(
        domains_zone::table
            .find(1)
            .filter(domains_zone::notified_serial.ne(serial)),
    )
    .set(domains_zone::notified_serial.eq(serial))
    .execute(c)?;
    Ok(moved == 1)
}

/// Withdraws a request still waiting for its decision: true when it was.
pub fn request_withdraw(c: &mut DbConn, id: RequestId, by: &str) -> QueryResult<bool> {
    use domains_requests as t;
    let n = diesel::update(
        t::table
            .find(id)
            .filter(t::status.eq(RequestStatus::Submitted)),
    )
    .set((
        t::status.eq(RequestStatus::Withdrawn),
        t::decided_at.eq(db::now()),
        t::decided_recorded_by.eq(by),
    ))
    .execute(c)?;
    Ok(n == 1)
}

/// Every request's agency, kind, status and name (for the rule on decisions).
pub fn granted_subdomains(
    c: &mut DbConn,
) -> QueryResult<Vec<(kernel::ids::AgencyId, RequestKind, RequestStatus, String)>> {
    domains_requests::table
        .filter(domains_requests::status.eq(RequestStatus::Granted))
        .select((
            domains_requests::agency_id,
            domains_requests::kind,
            domains_requests::status,
            domains_requests::name,
        ))
        .load(c)
}

/// A DNSSEC signing key (the private key PKCS#8, base64).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = domains_dnssec_keys)]
pub struct DnssecKeyRow {
    pub id: crate::dnssec::DnssecKeyId,
    pub role: crate::dnssec::KeyRole,
    pub state: crate::dnssec::KeyState,
    pub private_key: String,
    pub key_tag: i32,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub retired_at: Option<NaiveDateTime>,
}

/// Every DNSSEC key, retired ones included, oldest first.
pub fn dnssec_keys(c: &mut DbConn) -> QueryResult<Vec<DnssecKeyRow>> {
    domains_dnssec_keys::table
        .order((domains_dnssec_keys::created_at, domains_dnssec_keys::id))
        .select(DnssecKeyRow::as_select())
        .load(c)
}

/// Stores a new DNSSEC key.
pub fn dnssec_key_insert(c: &mut DbConn, key: &DnssecKeyRow) -> QueryResult<usize> {
    diesel::insert_into(domains_dnssec_keys::table)
        .values((
            domains_dnssec_keys::id.eq(key.id),
            domains_dnssec_keys::role.eq(key.role),
            domains_dnssec_keys::state.eq(key.state),
            domains_dnssec_keys::private_key.eq(&key.private_key),
            domains_dnssec_keys::key_tag.eq(key.key_tag),
            domains_dnssec_keys::created_at.eq(key.created_at),
            domains_dnssec_keys::created_by.eq(&key.created_by),
        ))
        .execute(c)
}

/// Moves a key to `state` (retiring it stamps when).
pub fn dnssec_key_state(
    c: &mut DbConn,
    id: crate::dnssec::DnssecKeyId,
    state: crate::dnssec::KeyState,
) -> QueryResult<usize> {
    let retired = (state == crate::dnssec::KeyState::Retired).then(db::now);
    diesel::update(domains_dnssec_keys::table.find(id))
        .set((
            domains_dnssec_keys::state.eq(state),
            domains_dnssec_keys::retired_at.eq(retired),
        ))
        .execute(c)
}

/// The signing week the serial last announced.
pub fn signed_week(c: &mut DbConn) -> QueryResult<i64> {
    Ok(domains_zone::table
        .find(1)
        .select(domains_zone::signed_week)
        .first(c)
        .optional()?
        .unwrap_or(0))
}

/// Takes the turn to announce the signatures of `week` by raising the serial from `serial` to
/// `next`: true for the one instance whose update did it.
pub fn claim_resign(c: &mut DbConn, week: i64, serial: i64, next: i64) -> QueryResult<bool> {
    let moved = diesel::update(
        domains_zone::table
            .find(1)
            .filter(domains_zone::signed_week.lt(week))
            .filter(domains_zone::serial.eq(serial)),
    )
    .set((
        domains_zone::signed_week.eq(week),
        domains_zone::serial.eq(next),
    ))
    .execute(c)?;
    Ok(moved == 1)
}

/// Takes the turn to check the delegations: true for the one instance whose update moved the
/// mark past `due` (the last check's time must be before it).
pub fn claim_probe(c: &mut DbConn, due: NaiveDateTime, now: NaiveDateTime) -> QueryResult<bool> {
    let moved = diesel::update(
        domains_zone::table.find(1).filter(
            domains_zone::probed_at
                .is_null()
                .or(domains_zone::probed_at.lt(due)),
        ),
    )
    .set(domains_zone::probed_at.eq(now))
    .execute(c)?;
    Ok(moved == 1)
}

/// A delegation's last check: its name (relative), when, and the name servers that did not
/// answer for it (none: all did).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = domains_delegation_checks)]
pub struct CheckRow {
    pub name: String,
    pub checked_at: NaiveDateTime,
    pub failing: String,
}

/// Every delegation's last check.
pub fn delegation_checks(c: &mut DbConn) -> QueryResult<Vec<CheckRow>> {
    domains_delegation_checks::table
        .order(domains_delegation_checks::name)
        .select(CheckRow::as_select())
        .load(c)
}

/// Replaces the checks with `rows` (delegations that are gone lose theirs).
pub fn delegation_checks_save(c: &mut DbConn, rows: &[CheckRow]) -> QueryResult<()> {
    diesel::delete(domains_delegation_checks::table).execute(c)?;
    for r in rows {
        diesel::insert_into(domains_delegation_checks::table)
            .values((
                domains_delegation_checks::name.eq(&r.name),
                domains_delegation_checks::checked_at.eq(r.checked_at),
                domains_delegation_checks::failing.eq(&r.failing),
            ))
            .execute(c)?;
    }
    Ok(())
}
