//! Hosting requests' operations, each in the caller's write transaction: validate, write,
//! record in the audit trail, and notify the other side.

use db::DbConn;
use kernel::audit::{self, Actor, Change};
use kernel::ids::AgencyId;
use kernel::notify::{self, Audience};
use kernel::{AppError, AppResult, FieldError};
use serde_json::json;

use super::store::{self, HostingRow};
use super::{Decision, HostingDraft, HostingRequestId, decide, validate};
use crate::inventory::ServerId;
use crate::inventory::store as inventory;
use crate::model::Status;

fn record(
    c: &mut DbConn,
    actor: &Actor,
    action: &str,
    row: &HostingRow,
    summary: serde_json::Value,
) -> AppResult<()> {
    audit::record(
        c,
        actor,
        Change {
            action,
            record_type: "hosting_request",
            record_id: row.id.to_string(),
            agency: Some(row.agency_id),
            summary,
        },
    )?;
    Ok(())
}

/// Asks for hosting for one of the agency's applications; `may_write` says whether the actor
/// may act for the application's agency.
pub fn request(
    c: &mut DbConn,
    actor: &Actor,
    d: &HostingDraft,
    may_write: impl Fn(AgencyId) -> bool,
) -> AppResult<HostingRow> {
    let h = validate(d).map_err(AppError::Validation)?;
    let app = crate::store::app_find(c, h.application_id)?
        .ok_or_else(|| AppError::field("application_id", "error-application-unknown"))?;
    if !may_write(app.agency_id) {
        return Err(AppError::field(
            "application_id",
            "error-application-unknown",
        ));
    }
    // Room is asked for what the Dinas has seen: a draft, or a registration withdrawn or
    // refused, has no hosting to ask for.
    if !matches!(
        app.status,
        Status::Submitted | Status::Returned | Status::Approved
    ) {
        return Err(AppError::Validation(vec![FieldError::new(
            "application_id",
            "error-hosting-needs-submission",
        )]));
    }
    let row = store::insert(c, app.agency_id, &h, &actor.label)?;
    record(
        c,
        actor,
        "hosting_request.create",
        &row,
        json!({"after": row}),
    )?;
    let code = org::directory::agency(c, app.agency_id)?
        .map(|a| a.code)
        .unwrap_or_default();
    notify::notify(
        c,
        Audience::Dinas,
        "notif-hosting-submit",
        &[("agency", code.as_str()), ("name", app.name.as_str())],
        &format!("/registry/hosting/{}", row.id),
        &actor.label,
    )?;
    Ok(row)
}

/// Takes a decision on a pending request. Approval places the application on the server.
pub fn take(
    c: &mut DbConn,
    actor: &Actor,
    id: HostingRequestId,
    d: Decision,
    note: &str,
    server: Option<ServerId>,
) -> AppResult<HostingRow> {
    let before = store::find(c, id)?.ok_or(AppError::NotFound)?;
    let to = decide(before.status, d, note, server).map_err(|e| {
        if e.key == "error-transition" {
            AppError::Conflict(e)
        } else {
            AppError::Validation(vec![e])
        }
    })?;
    let server = match (d, server) {
        (Decision::Approve, Some(s)) => {
            if !store::is_dinas_server(c, s)? {
                return Err(AppError::Validation(vec![FieldError::new(
                    "server_id",
                    "error-server-not-dinas",
                )]));
            }
            let mut apps: Vec<_> = inventory::apps_on(c, s)?
                .into_iter()
                .map(|(a, _)| a)
                .collect();
            apps.push(before.application_id);
            // The Dinas, deciding region-wide, places the application.
            crate::inventory::service::set_applications(c, actor, s, &apps, |_| true)?;
            Some(s)
        }
        _ => None,
    };
    let note = Some(note.trim()).filter(|n| !n.is_empty());
    store::decide(c, id, to, server, note, &actor.label)?;
    let after = store::find(c, id)?.ok_or(AppError::NotFound)?;
    record(
        c,
        actor,
        &format!("hosting_request.{}", d.as_str()),
        &after,
        json!({"before": before.status, "after": to, "server_id": server, "note": note}),
    )?;
    let app = crate::store::app_find(c, after.application_id)?
        .map(|a| a.name)
        .unwrap_or_default();
    let to_whom = if d.by_dinas() {
        Audience::Agency(after.agency_id)
    } else {
        Audience::Dinas
    };
    notify::notify(
        c,
        to_whom,
        &format!("notif-hosting-{}", d.as_str()),
        &[("name", app.as_str()), ("note", note.unwrap_or(""))],
        &format!("/registry/hosting/{id}"),
        &actor.label,
    )?;
    Ok(after)
}
