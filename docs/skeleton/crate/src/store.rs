//! Entries' SQL: private to this crate. Other contexts ask through the crate's public functions,
//! never these (a test in `simpul` fails the build's checks otherwise).

use chrono::NaiveDateTime;
use db::DbConn;
use db::schema::example_entries as t;
use diesel::prelude::*;
use kernel::ids::AgencyId;
use kernel::listing::ListQuery;
use kernel::permissions::Visible;

use crate::model::{Entry, EntryId, Status};

/// A stored entry.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = t)]
pub struct EntryRow {
    pub id: EntryId,
    pub agency_id: AgencyId,
    pub name: String,
    pub status: Status,
    pub note: String,
    pub created_at: NaiveDateTime,
    pub created_by: String,
}

/// The visible entries the list asks for: one page, and how many there are in all.
pub fn list(c: &mut DbConn, v: &Visible, q: &ListQuery) -> QueryResult<(Vec<EntryRow>, i64)> {
    let build = || {
        let mut query = t::table.into_boxed();
        if let Visible::Only(ids) = v {
            query = query.filter(t::agency_id.eq_any(ids.clone()));
        }
        if let Some(a) = q.agency("agency_id") {
            query = query.filter(t::agency_id.eq(a));
        }
        if let Some(s) = q.choice::<Status>("status") {
            query = query.filter(t::status.eq(s));
        }
        if let Some(text) = q.get("q") {
            let p = db::dialect::contains_pattern(text);
            query = query.filter(db::dialect::lower(t::name).like(p).escape('\\'));
        }
        query
    };
    let total = build().count().get_result(c)?;
    let sorted = match q.sort {
        "name" => db::sorted!(build(), q.descending, t::name, t::id),
        _ => db::sorted!(build(), q.descending, t::created_at, t::id),
    };
    let rows = sorted
        .limit(q.limit())
        .offset(q.offset())
        .select(EntryRow::as_select())
        .load(c)?;
    Ok((rows, total))
}

/// One entry.
pub fn find(c: &mut DbConn, id: EntryId) -> QueryResult<Option<EntryRow>> {
    t::table
        .find(id)
        .select(EntryRow::as_select())
        .first(c)
        .optional()
}

/// Writes a new entry.
pub fn insert(c: &mut DbConn, e: &Entry, by: &str) -> QueryResult<EntryRow> {
    let id = EntryId::new();
    diesel::insert_into(t::table)
        .values((
            t::id.eq(id),
            t::agency_id.eq(e.agency_id),
            t::name.eq(&e.name),
            t::status.eq(e.status),
            t::note.eq(&e.note),
            t::created_at.eq(db::now()),
            t::created_by.eq(by),
        ))
        .execute(c)?;
    find(c, id)?.ok_or(diesel::result::Error::NotFound)
}

/// How many entries there are (the demo loads once).
pub fn count(c: &mut DbConn) -> QueryResult<i64> {
    t::table.count().get_result(c)
}
