//! The registry's operations: each validates, writes, records the step in the application's
//! history and the audit trail, inside the caller's write transaction. Who may act is decided
//! by the handlers (agency operators for their own agency, the Dinas for reviews).

use chrono::NaiveDate;
use db::DbConn;
use kernel::audit::{self, Actor, Change};
use kernel::ids::AgencyId;
use kernel::notify::{self, Audience};
use kernel::{AppError, AppResult, FieldError};
use serde_json::json;

use crate::lookups::Lookups;
use crate::model::{
    self, Action, Application, ApplicationDraft, ApplicationId, DocumentKind, PlanId, Status,
};
use crate::store::{self, ApplicationRow, DocumentRow, ItemRow, NewDocument, PlanRow};

fn record(
    c: &mut DbConn,
    actor: &Actor,
    action: &str,
    record_type: &str,
    id: impl ToString,
    agency: Option<AgencyId>,
    summary: serde_json::Value,
) -> AppResult<()> {
    audit::record(
        c,
        actor,
        Change {
            action,
            record_type,
            record_id: id.to_string(),
            agency,
            summary,
        },
    )?;
    Ok(())
}

/// Validates a draft and the records it points at (agency, master-plan item, SSO client).
pub(crate) fn checked(
    c: &mut DbConn,
    look: &mut Lookups,
    d: &ApplicationDraft,
) -> AppResult<Application> {
    let v = model::validate_application(d).map_err(AppError::Validation)?;
    let mut errors = vec![];
    if !look.agency_exists(c, v.agency_id)? {
        errors.push(FieldError::new("agency_id", "error-agency-unknown"));
    }
    if let Some(item) = v.master_plan_item_id
        && !look.item_exists(c, item)?
    {
        errors.push(FieldError::new(
            "master_plan_item_id",
            "error-plan-item-unknown",
        ));
    }
    // The client must be one registered for this same agency.
    if let Some(client) = &v.sso_client_id
        && look.client_owner(c, client)? != Some(Some(v.agency_id))
    {
        errors.push(FieldError::new("sso_client_id", "error-sso-client-unknown"));
    }
    if errors.is_empty() {
        Ok(v)
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Checks a correction of `before` as [`update`] would: the application must still be
/// editable, and its agency cannot change.
pub(crate) fn checked_update(
    c: &mut DbConn,
    look: &mut Lookups,
    before: &ApplicationRow,
    d: &ApplicationDraft,
) -> AppResult<Application> {
    let status = before.status;
    if !status.editable() {
        return Err(AppError::Conflict(
            FieldError::new("status", "error-not-editable").arg("status", status.as_str()),
        ));
    }
    let mut d = d.clone();
    d.agency_id = before.agency_id.to_string();
    checked(c, look, &d)
}

/// Records a new application as a draft of its agency.
pub fn create(c: &mut DbConn, actor: &Actor, d: &ApplicationDraft) -> AppResult<ApplicationRow> {
    create_in(c, &mut Lookups::default(), actor, d)
}

/// [`create`], with what an import already looked up.
pub(crate) fn create_in(
    c: &mut DbConn,
    look: &mut Lookups,
    actor: &Actor,
    d: &ApplicationDraft,
) -> AppResult<ApplicationRow> {
    let v = checked(c, look, d)?;
    let row = store::app_insert(c, &v, Status::Draft, &actor.label)?;
    store::event_insert(c, row.id, &actor.label, "create", Status::Draft, None)?;
    record(
        c,
        actor,
        "application.create",
        "application",
        row.id,
        Some(row.agency_id),
        json!({"after": row}),
    )?;
    Ok(row)
}

/// Corrects an application. The owner agency cannot change; a correction to a registered
/// application goes back to the Dinas for review.
pub fn update(
    c: &mut DbConn,
    actor: &Actor,
    id: ApplicationId,
    d: &ApplicationDraft,
) -> AppResult<ApplicationRow> {
    update_in(c, &mut Lookups::default(), actor, id, d)
}

/// [`update`], with what an import already looked up.
pub(crate) fn update_in(
    c: &mut DbConn,
    look: &mut Lookups,
    actor: &Actor,
    id: ApplicationId,
    d: &ApplicationDraft,
) -> AppResult<ApplicationRow> {
    let before = store::app_find(c, id)?.ok_or(AppError::NotFound)?;
    let status = before.status;
    let v = checked_update(c, look, &before, d)?;
    let next = if status == Status::Approved {
        Status::Submitted
    } else {
        status
    };
    store::app_update(c, id, &v, next, &actor.label)?;
    store::event_insert(c, id, &actor.label, "update", next, None)?;
    let after = store::app_find(c, id)?.ok_or(AppError::NotFound)?;
    record(
        c,
        actor,
        "application.update",
        "application",
        id,
        Some(after.agency_id),
        json!({"before": before, "after": after}),
    )?;
    Ok(after)
}

/// Takes a workflow step (`by_dinas`: the actor reviews for the Dinas).
pub fn act(
    c: &mut DbConn,
    actor: &Actor,
    id: ApplicationId,
    action: Action,
    note: &str,
) -> AppResult<ApplicationRow> {
    let before = store::app_find(c, id)?.ok_or(AppError::NotFound)?;
    let to = model::transition(before.status, action, note).map_err(|e| {
        if e.key == "error-transition" {
            AppError::Conflict(e)
        } else {
            AppError::Validation(vec![e])
        }
    })?;
    let note = Some(note.trim()).filter(|n| !n.is_empty());
    let kept_note = if action == Action::Submit { None } else { note };
    store::app_set_status(c, id, to, kept_note, &actor.label)?;
    store::event_insert(c, id, &actor.label, action.as_str(), to, note)?;
    let name = format!("application.{}", action.as_str());
    record(
        c,
        actor,
        &name,
        "application",
        id,
        Some(before.agency_id),
        json!({"before": before.status, "after": to, "note": note}),
    )?;
    // Whoever must act next hears of it: the Dinas of a submission or withdrawal, the agency
    // of the Dinas's decision.
    let to = match action {
        Action::Submit | Action::Withdraw => Some(Audience::Dinas),
        Action::Approve | Action::Return | Action::Reject => {
            Some(Audience::Agency(before.agency_id))
        }
    };
    if let Some(to) = to {
        let agency = org::directory::agency(c, before.agency_id)?
            .map(|a| a.code)
            .unwrap_or_default();
        notify::notify(
            c,
            to,
            &format!("notif-app-{}", action.as_str()),
            &[
                ("name", before.name.as_str()),
                ("agency", agency.as_str()),
                ("note", note.unwrap_or("")),
            ],
            &format!("/registry/applications/{id}"),
            &actor.label,
        )?;
    }
    store::app_find(c, id)?.ok_or(AppError::NotFound)
}

/// Hands over a new version of one of the nine documents (the file is already in the blob
/// store under `sha256`).
pub fn add_document(
    c: &mut DbConn,
    actor: &Actor,
    id: ApplicationId,
    kind: DocumentKind,
    file: (&str, &str, &str, i64),
) -> AppResult<DocumentRow> {
    let (sha256, filename, media_type, size) = file;
    let app = store::app_find(c, id)?.ok_or(AppError::NotFound)?;
    if matches!(app.status, Status::Withdrawn | Status::Rejected) {
        return Err(AppError::Conflict(
            FieldError::new("status", "error-not-editable").arg("status", app.status),
        ));
    }
    let doc = store::doc_insert(
        c,
        &NewDocument {
            application_id: id,
            kind,
            sha256,
            filename,
            media_type,
            size,
        },
        &actor.label,
    )?;
    let note = format!("{kind} v{} ({filename})", doc.version);
    store::event_insert(c, id, &actor.label, "document", app.status, Some(&note))?;
    record(
        c,
        actor,
        "application.document",
        "application",
        id,
        Some(app.agency_id),
        json!({"kind": kind, "version": doc.version, "sha256": sha256, "filename": filename, "size": size}),
    )?;
    Ok(doc)
}

/// Adopts a master plan for the five years from its first year.
pub fn create_plan(c: &mut DbConn, actor: &Actor, d: &model::PlanDraft) -> AppResult<PlanRow> {
    let p = model::validate_plan(d).map_err(AppError::Validation)?;
    let plan = store::plan_insert(c, &p.title, p.period_start, p.adopted_on, &actor.label)?;
    record(
        c,
        actor,
        "master_plan.create",
        "master_plan",
        plan.id,
        None,
        json!({"after": plan}),
    )?;
    Ok(plan)
}

/// Records that the Dinas reviewed the plan on `on`.
pub fn review_plan(c: &mut DbConn, actor: &Actor, id: PlanId, on: NaiveDate) -> AppResult<()> {
    let plan = store::plan_latest(c)?
        .filter(|p| p.id == id)
        .ok_or(AppError::NotFound)?;
    if on < plan.adopted_on || on > db::now().date() {
        return Err(AppError::field("reviewed_on", "error-review-date"));
    }
    store::plan_reviewed(c, id, on, &actor.label)?;
    record(
        c,
        actor,
        "master_plan.review",
        "master_plan",
        id,
        None,
        json!({"before": plan.last_reviewed_on, "after": on}),
    )?;
    Ok(())
}

/// Adds an item to a plan.
pub fn add_item(
    c: &mut DbConn,
    actor: &Actor,
    plan: PlanId,
    code: &str,
    title: &str,
) -> AppResult<ItemRow> {
    let (code, title) = (code.trim(), title.trim());
    let mut errors = vec![];
    if code.is_empty() || code.chars().count() > 20 {
        errors.push(FieldError::new("code", "error-required"));
    }
    if title.is_empty() || title.chars().count() > 300 {
        errors.push(FieldError::new("title", "error-required"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if store::plan_latest(c)?.filter(|p| p.id == plan).is_none() {
        return Err(AppError::NotFound);
    }
    let item = store::item_insert(c, plan, code, title, &actor.label)?
        .ok_or_else(|| AppError::Conflict(FieldError::new("code", "error-duplicate")))?;
    record(
        c,
        actor,
        "master_plan.item_create",
        "master_plan",
        plan,
        None,
        json!({"after": item}),
    )?;
    Ok(item)
}
