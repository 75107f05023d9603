//! The audit trail: every change writes an event in the same transaction; events are
//! append-only (the database refuses edits) and hash-chained, and `verify` checks the chain.

use chrono::NaiveDateTime;
use db::DbConn;
use db::schema::{audit_events, audit_head};
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::ids::{AgencyId, UserId};

/// Who made a change.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The account, if a person did it.
    pub id: Option<UserId>,
    /// A readable label: the login, or `system:cli`, `system:demo`.
    pub label: String,
}

impl Actor {
    /// A change made by the platform itself (CLI, demo loader, migrations).
    pub fn system(what: &str) -> Self {
        Self {
            id: None,
            label: format!("system:{what}"),
        }
    }
}

/// One change to record.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    /// What happened: `agency.create`, `person.update`, `auth.sign_in`.
    pub action: &'a str,
    /// The kind of record.
    pub record_type: &'a str,
    /// The record's id.
    pub record_id: String,
    /// The agency the record belongs to, for filtering.
    pub agency: Option<AgencyId>,
    /// A summary of before and after (no secrets, no unmasked personal numbers).
    pub summary: serde_json::Value,
}

/// A stored event.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = audit_events)]
pub struct AuditEvent {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When (UTC).
    #[serde(serialize_with = "crate::api::utc")]
    pub at: NaiveDateTime,
    /// The account that acted.
    pub actor_id: Option<String>,
    /// The actor's label.
    pub actor: String,
    /// What happened.
    pub action: String,
    /// The kind of record.
    pub record_type: String,
    /// The record's id.
    pub record_id: String,
    /// The owning agency.
    pub agency_id: Option<String>,
    /// Before/after summary, as JSON text.
    pub summary: String,
    /// The previous event's hash.
    pub prev_hash: String,
    /// This event's hash.
    pub hash: String,
}

/// The hash of an event: SHA-256 over a JSON array of every field and the previous hash,
/// so no field can change without the chain noticing.
pub fn event_hash(e: &AuditEvent) -> String {
    let canonical = serde_json::json!([
        e.seq,
        e.at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        e.actor_id,
        e.actor,
        e.action,
        e.record_type,
        e.record_id,
        e.agency_id,
        e.summary,
        e.prev_hash
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// Most characters of an event's actor, action, record type and record id.
pub const LABEL_MAX: usize = 200;
/// Most bytes of an event's summary; a longer one is kept as its start and its size.
pub const SUMMARY_MAX: usize = 64 * 1024;

/// Text cut to `max` characters (marked with `…`) and stripped of control characters: the
/// trail is append-only, so nothing unbounded may reach it.
fn bounded(text: &str, max: usize) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    if clean.chars().count() <= max {
        return clean;
    }
    let mut cut: String = clean.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

fn bounded_summary(summary: &serde_json::Value) -> String {
    let text = summary.to_string();
    if text.len() <= SUMMARY_MAX {
        return text;
    }
    serde_json::json!({
        "truncated_bytes": text.len(),
        "start": bounded(&text, 1000),
    })
    .to_string()
}

/// Appends an event. Call inside a write transaction (`AppState::write`, `write_tx`), which
/// already holds the chain lock and moves the chain's head to the last event before it
/// commits ([`seal`]).
///
/// The previous event is read from the events themselves, not from the head row: updating
/// that one row for every event of a large import made PostgreSQL walk a longer chain of row
/// versions on each read, which slowed a 10,000-row import to a crawl.
pub fn record(conn: &mut DbConn, actor: &Actor, change: Change<'_>) -> QueryResult<i64> {
    record_many(conn, actor, std::iter::once(change))
}

/// Events written in one statement: a multi-row insert stays well under both backends'
/// limits on bound values (11 a row).
const EVENTS_PER_INSERT: usize = 500;

/// Appends events in order, as [`record`] would one by one, but with one read of the
/// chain's end and one insert per 500 events instead of two statements each: an import of
/// 10,000 rows writes its trail in twenty. Returns the last event's number (the chain's end
/// when there were none).
pub fn record_many<'a>(
    conn: &mut DbConn,
    actor: &Actor,
    changes: impl IntoIterator<Item = Change<'a>>,
) -> QueryResult<i64> {
    let (mut seq, mut last_hash): (i64, String) = audit_events::table
        .order(audit_events::seq.desc())
        .select((audit_events::seq, audit_events::hash))
        .first(conn)
        .optional()?
        .unwrap_or_else(|| (0, GENESIS.to_owned()));
    // Microseconds, as both backends store them, so the hash can be recomputed.
    let at = db::now();
    let (actor_id, label) = (
        actor.id.map(|u| u.to_string()),
        bounded(&actor.label, LABEL_MAX),
    );
    let mut batch: Vec<AuditEvent> = Vec::new();
    for change in changes {
        seq += 1;
        let mut event = AuditEvent {
            seq,
            at,
            actor_id: actor_id.clone(),
            actor: label.clone(),
            action: bounded(change.action, LABEL_MAX),
            record_type: bounded(change.record_type, LABEL_MAX),
            record_id: bounded(&change.record_id, LABEL_MAX),
            agency_id: change.agency.map(|a| a.to_string()),
            summary: bounded_summary(&change.summary),
            prev_hash: std::mem::take(&mut last_hash),
            hash: String::new(),
        };
        event.hash = event_hash(&event);
        last_hash.clone_from(&event.hash);
        batch.push(event);
        if batch.len() == EVENTS_PER_INSERT {
            db::insert_many!(conn, audit_events::table, &batch)?;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        db::insert_many!(conn, audit_events::table, &batch)?;
    }
    Ok(seq)
}

/// The hash the first event links to.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Moves the chain's head to the last recorded event, once per write transaction just before
/// it commits; a transaction that recorded nothing leaves the head row untouched. The head
/// is what lets `verify` notice a deleted tail.
pub fn seal(conn: &mut DbConn) -> QueryResult<()> {
    diesel::sql_query(
        "UPDATE audit_head SET \
           seq = (SELECT seq FROM audit_events ORDER BY seq DESC LIMIT 1), \
           last_hash = (SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1) \
         WHERE id = 1 AND seq < (SELECT MAX(seq) FROM audit_events)",
    )
    .execute(conn)?;
    Ok(())
}

/// Where the chain first fails to hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The first event that does not check out.
    pub seq: i64,
    /// Why.
    pub reason: String,
}

/// The pure check over events in order: each must follow the previous one's hash and
/// number, and hash to what it claims. Returns the number of events that checked out.
pub fn verify_events<'a>(
    events: impl IntoIterator<Item = &'a AuditEvent>,
    mut expected_seq: i64,
    mut prev_hash: String,
) -> Result<(i64, String), Broken> {
    for e in events {
        if e.seq != expected_seq {
            return Err(Broken {
                seq: e.seq,
                reason: format!("expected event {expected_seq}; one is missing"),
            });
        }
        if e.prev_hash != prev_hash {
            return Err(Broken {
                seq: e.seq,
                reason: "does not link to the previous event's hash".into(),
            });
        }
        if event_hash(e) != e.hash {
            return Err(Broken {
                seq: e.seq,
                reason: "its contents do not match its hash (altered)".into(),
            });
        }
        prev_hash = e.hash.clone();
        expected_seq += 1;
    }
    Ok((expected_seq, prev_hash))
}

/// Walks the whole chain in pages and checks it ends at the recorded head.
/// `Ok(n)` is the number of events that hold.
pub fn verify(conn: &mut DbConn) -> Result<Result<i64, Broken>, diesel::result::Error> {
    const PAGE: i64 = 2_000;
    let (mut next_seq, mut prev) = (1_i64, GENESIS.to_owned());
    loop {
        let page: Vec<AuditEvent> = audit_events::table
            .filter(audit_events::seq.ge(next_seq))
            .order(audit_events::seq.asc())
            .limit(PAGE)
            .select(AuditEvent::as_select())
            .load(conn)?;
        let done = (page.len() as i64) < PAGE;
        match verify_events(&page, next_seq, prev) {
            Ok((n, h)) => (next_seq, prev) = (n, h),
            Err(b) => return Ok(Err(b)),
        }
        if done {
            break;
        }
    }
    let (head_seq, head_hash): (i64, String) = audit_head::table
        .filter(audit_head::id.eq(1))
        .select((audit_head::seq, audit_head::last_hash))
        .first(conn)?;
    if head_seq != next_seq - 1 || head_hash != prev {
        return Ok(Err(Broken {
            seq: next_seq,
            reason: format!(
                "the chain ends at event {} but the head records {head_seq}; events were removed",
                next_seq - 1
            ),
        }));
    }
    Ok(Ok(next_seq - 1))
}

/// Filters for the auditor's list.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AuditFilter {
    /// Exact action (`agency.create`).
    pub action: Option<String>,
    /// Actor label contains.
    pub actor: Option<String>,
    /// Record type.
    pub record_type: Option<String>,
    /// Record id.
    pub record_id: Option<String>,
    /// The agency a change concerned.
    pub agency: Option<String>,
    /// From this day on (in `zone`).
    pub from: Option<chrono::NaiveDate>,
    /// Up to and including this day (in `zone`).
    pub to: Option<chrono::NaiveDate>,
    /// The time zone whose days `from` and `to` are: the region's, as people count them.
    pub zone: crate::time::Zone,
    /// Oldest first (newest first otherwise).
    pub oldest_first: bool,
}

impl AuditFilter {
    /// The filters of the audit list as asked for on its page or in the API.
    pub fn of(list: &crate::listing::ListQuery, zone: crate::time::Zone) -> Self {
        let get = |name: &str| list.get(name).map(str::to_owned);
        Self {
            action: get("action"),
            actor: get("actor"),
            record_type: get("record_type"),
            record_id: get("record_id"),
            agency: get("agency_id"),
            from: list.date("from"),
            to: list.date("to"),
            zone,
            oldest_first: !list.descending,
        }
    }
}

/// The actions and the kinds of record the trail holds, for the auditor's pickers (at most a
/// few hundred of each: they are codes the contexts write, not data).
pub fn vocabulary(conn: &mut DbConn) -> QueryResult<(Vec<String>, Vec<String>)> {
    let actions = audit_events::table
        .select(audit_events::action)
        .distinct()
        .order(audit_events::action.asc())
        .limit(500)
        .load(conn)?;
    let kinds = audit_events::table
        .select(audit_events::record_type)
        .distinct()
        .order(audit_events::record_type.asc())
        .limit(500)
        .load(conn)?;
    Ok((actions, kinds))
}

/// Events newest first (unless asked otherwise), filtered and paged.
pub fn list(
    conn: &mut DbConn,
    f: &AuditFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<AuditEvent>, i64)> {
    let build = || {
        let mut q = audit_events::table.into_boxed();
        if let Some(a) = f.action.as_deref().filter(|s| !s.is_empty()) {
            q = q.filter(audit_events::action.eq(a.to_owned()));
        }
        if let Some(a) = f.actor.as_deref().filter(|s| !s.is_empty()) {
            q = q.filter(
                audit_events::actor
                    .like(db::dialect::contains_pattern(a))
                    .escape('\\'),
            );
        }
        if let Some(t) = f.record_type.as_deref().filter(|s| !s.is_empty()) {
            q = q.filter(audit_events::record_type.eq(t.to_owned()));
        }
        if let Some(id) = f.record_id.as_deref().filter(|s| !s.is_empty()) {
            q = q.filter(audit_events::record_id.eq(id.to_owned()));
        }
        if let Some(a) = f.agency.as_deref().filter(|s| !s.is_empty()) {
            q = q.filter(audit_events::agency_id.eq(a.to_owned()));
        }
        if let Some(d) = f.from {
            q = q.filter(audit_events::at.ge(f.zone.to_utc(d.and_time(chrono::NaiveTime::MIN))));
        }
        if let Some(d) = f.to.and_then(|d| d.succ_opt()) {
            q = q.filter(audit_events::at.lt(f.zone.to_utc(d.and_time(chrono::NaiveTime::MIN))));
        }
        q
    };
    let total = build().count().get_result(conn)?;
    let rows = db::sorted!(build(), !f.oldest_first, audit_events::seq)
        .limit(limit)
        .offset(offset)
        .select(AuditEvent::as_select())
        .load(conn)?;
    Ok((rows, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_reaches_the_trail_is_bounded() {
        let long = "x".repeat(2_000_000);
        assert_eq!(bounded(&long, LABEL_MAX).chars().count(), LABEL_MAX);
        assert_eq!(bounded("budi\u{0}\n", LABEL_MAX), "budi");
        let summary = bounded_summary(&serde_json::json!({ "name": long }));
        assert!(summary.len() < 2_000, "{}", summary.len());
        assert!(summary.contains("truncated_bytes"));
        let small = serde_json::json!({"after": {"name": "Dinas"}});
        assert_eq!(bounded_summary(&small), small.to_string());
    }

    fn chain(n: i64) -> Vec<AuditEvent> {
        let mut prev = "0".repeat(64);
        (1..=n)
            .map(|seq| {
                let mut e = AuditEvent {
                    seq,
                    at: NaiveDateTime::default(),
                    actor_id: None,
                    actor: "system:test".into(),
                    action: "thing.create".into(),
                    record_type: "thing".into(),
                    record_id: seq.to_string(),
                    agency_id: None,
                    summary: "{}".into(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = event_hash(&e);
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        let c = chain(5);
        assert!(verify_events(&c, 1, "0".repeat(64)).is_ok());
    }

    #[test]
    fn an_altered_event_is_named() {
        let mut c = chain(5);
        if let Some(e) = c.get_mut(2) {
            e.summary = r#"{"name":"forged"}"#.into();
        }
        assert_eq!(verify_events(&c, 1, "0".repeat(64)).unwrap_err().seq, 3);
    }

    #[test]
    fn a_removed_event_is_named() {
        let mut c = chain(5);
        c.remove(1);
        let broken = verify_events(&c, 1, "0".repeat(64)).unwrap_err();
        assert_eq!(broken.seq, 3);
        assert!(broken.reason.contains("missing"));
    }
}
