//! Entries' operations, each inside the caller's write transaction: check, write, and record
//! in the audit trail — all or nothing.

use db::DbConn;
use kernel::audit::{self, Actor, Change};
use kernel::{AppError, AppResult};
use serde_json::json;

use crate::model::{EntryDraft, validate};
use crate::store::{self, EntryRow};

/// Records a new entry for its agency (the caller has been authorised for that agency).
pub fn create(c: &mut DbConn, actor: &Actor, d: &EntryDraft) -> AppResult<EntryRow> {
    let e = validate(d).map_err(AppError::Validation)?;
    if org::directory::agency(c, e.agency_id)?.is_none() {
        return Err(AppError::field("agency_id", "error-agency-unknown"));
    }
    let row = store::insert(c, &e, &actor.label)?;
    audit::record(
        c,
        actor,
        Change {
            action: "example_entry.create",
            record_type: "example_entry",
            record_id: row.id.to_string(),
            agency: Some(row.agency_id),
            summary: json!({"after": row}),
        },
    )?;
    Ok(row)
}
