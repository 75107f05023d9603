//! The zone's SQL: private to this crate. Other contexts ask through the crate's public
//! functions, never these (a test in `simpul` fails the build's checks otherwise).

use chrono::NaiveDateTime;
use db::DbConn;
use db::schema::{domains_records, domains_zone};
use diesel::prelude::*;
use kernel::listing::ListQuery;

use crate::model::{Existing, Record, RecordId, RecordType};

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
