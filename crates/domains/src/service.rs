//! The zone's operations, each inside the caller's write transaction: check, write, raise the
//! zone's serial and record in the audit trail — all or nothing.

use db::DbConn;
use kernel::audit::{self, Actor, Change};
use kernel::{AppError, AppResult};
use serde_json::json;

use crate::model::{Record, RecordDraft, RecordId, conflicts, validate};
use crate::store::{self, RecordRow, ZoneRow};

/// The region's domain: the zone's apex. Without a region profile there is no zone.
pub fn apex(c: &mut DbConn) -> AppResult<String> {
    org::directory::region(c)?
        .map(|r| r.domain.to_ascii_lowercase())
        .filter(|d| !d.is_empty())
        .ok_or_else(|| AppError::field("name", "error-dns-no-region"))
}

/// The zone's settings, its defaults until the Dinas changes them.
pub fn zone(c: &mut DbConn, apex: &str) -> AppResult<ZoneRow> {
    Ok(match store::zone(c)? {
        Some(z) => z,
        None => crate::zone::defaults(apex, db::now().date()),
    })
}

/// Raises the serial: every change to the zone is one secondaries will transfer.
fn bump(c: &mut DbConn, apex: &str, by: &str) -> AppResult<()> {
    let mut z = zone(c, apex)?;
    let today = db::now().date();
    z.serial = crate::zone::next_serial(z.serial, today);
    store::zone_save(c, &z, by)?;
    Ok(())
}

/// Checks a record against the zone and the records at its name (`except` the one corrected).
fn checked(
    c: &mut DbConn,
    d: &RecordDraft,
    except: Option<RecordId>,
) -> AppResult<(Record, String)> {
    let apex = apex(c)?;
    let rec = validate(d, &apex).map_err(AppError::Validation)?;
    if org::directory::agency(c, rec.agency_id)?.is_none() {
        return Err(AppError::field("agency_id", "error-agency-unknown"));
    }
    let here: Vec<_> = store::at_name(c, &rec.name)?
        .into_iter()
        .filter(|e| Some(e.id) != except)
        .collect();
    let problems = conflicts(&rec, &here);
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    Ok((rec, apex))
}

fn change(action: &'static str, row: &RecordRow, summary: serde_json::Value) -> Change<'static> {
    Change {
        action,
        record_type: "dns_record",
        record_id: row.id.to_string(),
        agency: Some(row.agency_id),
        summary,
    }
}

/// Adds a record to the zone.
pub fn create(c: &mut DbConn, actor: &Actor, d: &RecordDraft) -> AppResult<RecordRow> {
    let (rec, apex) = checked(c, d, None)?;
    let row = store::insert(c, &rec, &actor.label)?;
    bump(c, &apex, &actor.label)?;
    audit::record(
        c,
        actor,
        change(
            "dns_record.create",
            &row,
            json!({"before": null, "after": row}),
        ),
    )?;
    Ok(row)
}

/// Corrects a record.
pub fn update(
    c: &mut DbConn,
    actor: &Actor,
    id: RecordId,
    d: &RecordDraft,
) -> AppResult<RecordRow> {
    let before = store::find(c, id)?.ok_or(AppError::NotFound)?;
    let (rec, apex) = checked(c, d, Some(id))?;
    let row = store::update(c, id, &rec, &actor.label)?;
    bump(c, &apex, &actor.label)?;
    audit::record(
        c,
        actor,
        change(
            "dns_record.update",
            &row,
            json!({"before": before, "after": row}),
        ),
    )?;
    Ok(row)
}

/// Takes a record out of the zone (the audit trail keeps it).
pub fn delete(c: &mut DbConn, actor: &Actor, id: RecordId) -> AppResult<RecordRow> {
    let before = store::find(c, id)?.ok_or(AppError::NotFound)?;
    let apex = apex(c)?;
    store::delete(c, id)?;
    bump(c, &apex, &actor.label)?;
    audit::record(
        c,
        actor,
        change(
            "dns_record.delete",
            &before,
            json!({"before": before, "after": null}),
        ),
    )?;
    Ok(before)
}

/// The zone file as it stands.
pub fn export(c: &mut DbConn) -> AppResult<String> {
    let apex = apex(c)?;
    let zone = zone(c, &apex)?;
    let records = store::all(c)?;
    let note = format!(
        "Zona {apex}, diekspor oleh Simpul {} UTC",
        db::now().format("%Y-%m-%d %H:%M")
    );
    Ok(crate::zone::zone_file(&apex, &zone, &records, &note))
}
