//! The inventory's operations: validate, check what the record points at, write, and record
//! the change in the audit trail, inside the caller's write transaction. Records are never
//! deleted: a device or server leaves service by being marked retired.

use db::DbConn;
use kernel::audit::{self, Actor, Change};
use kernel::ids::AgencyId;
use kernel::{AppError, AppResult, FieldError};
use serde::Serialize;
use serde_json::json;

use super::store::{self, DeviceRow, ServerRow, VendorRow};
use super::{
    Device, DeviceDraft, DeviceId, Server, ServerDraft, ServerId, Vendor, VendorDraft, VendorId,
    validate_device, validate_server, validate_vendor,
};
use crate::lookups::Lookups;
use crate::model::ApplicationId;

/// The owner agency, which must exist; on an update it cannot change.
fn agency(
    c: &mut DbConn,
    look: &mut Lookups,
    given: AgencyId,
    stored: Option<AgencyId>,
) -> AppResult<AgencyId> {
    if let Some(s) = stored {
        return Ok(s);
    }
    if look.agency_exists(c, given)? {
        Ok(given)
    } else {
        Err(AppError::field("agency_id", "error-agency-unknown"))
    }
}

fn audit_save<R: Serialize>(
    c: &mut DbConn,
    actor: &Actor,
    record_type: &str,
    id: impl ToString,
    agency: AgencyId,
    before: Option<&R>,
    after: &R,
) -> AppResult<()> {
    let action = format!(
        "{record_type}.{}",
        if before.is_some() { "update" } else { "create" }
    );
    audit::record(
        c,
        actor,
        Change {
            action: &action,
            record_type,
            record_id: id.to_string(),
            agency: Some(agency),
            summary: json!({"before": before, "after": after}),
        },
    )?;
    Ok(())
}

/// The record an update starts from: `None` for a new one, not found for an unknown id.
fn existing<I, R>(
    c: &mut DbConn,
    id: Option<I>,
    find: fn(&mut DbConn, I) -> diesel::QueryResult<Option<R>>,
) -> AppResult<Option<R>> {
    match id {
        Some(id) => Ok(Some(find(c, id)?.ok_or(AppError::NotFound)?)),
        None => Ok(None),
    }
}

/// Checks a vendor as [`save_vendor`] would (`before`: the record it corrects); the
/// application it serves must be its agency's own.
pub fn check_vendor(
    c: &mut DbConn,
    look: &mut Lookups,
    before: Option<&VendorRow>,
    d: &VendorDraft,
) -> AppResult<Vendor> {
    let mut v = validate_vendor(d).map_err(AppError::Validation)?;
    v.agency_id = agency(c, look, v.agency_id, before.map(|b| b.agency_id))?;
    if let Some(app) = v.application_id
        && look.app_agency(c, app)? != Some(v.agency_id)
    {
        return Err(AppError::field(
            "application_id",
            "error-application-unknown",
        ));
    }
    Ok(v)
}

/// Records or corrects a vendor (`look`: what was already looked up, in an import).
pub fn save_vendor(
    c: &mut DbConn,
    look: &mut Lookups,
    actor: &Actor,
    id: Option<VendorId>,
    d: &VendorDraft,
) -> AppResult<VendorRow> {
    let before = existing(c, id, store::vendor_find)?;
    let v = check_vendor(c, look, before.as_ref(), d)?;
    let row = store::vendor_save(c, id, &v, &actor.label)?;
    audit_save(
        c,
        actor,
        "vendor",
        row.id,
        row.agency_id,
        before.as_ref(),
        &row,
    )?;
    Ok(row)
}

/// Checks a device as [`save_device`] would.
pub fn check_device(
    c: &mut DbConn,
    look: &mut Lookups,
    before: Option<&DeviceRow>,
    d: &DeviceDraft,
) -> AppResult<Device> {
    let mut v = validate_device(d).map_err(AppError::Validation)?;
    v.agency_id = agency(c, look, v.agency_id, before.map(|b| b.agency_id))?;
    // Every audited write holds the audit chain's lock, so no other write can take the serial
    // between this check and the insert: no unique index is needed (nor could one be added
    // to databases that already hold duplicates from before this rule).
    if let Some(serial) = &v.serial
        && let Some(other) =
            look.serial_holder(c, v.agency_id, serial, before.map(|b| b.id), &v.name)?
    {
        return Err(AppError::Validation(vec![
            FieldError::new("serial", "error-serial-taken").arg("name", other),
        ]));
    }
    Ok(v)
}

/// Records or corrects a device.
pub fn save_device(
    c: &mut DbConn,
    look: &mut Lookups,
    actor: &Actor,
    id: Option<DeviceId>,
    d: &DeviceDraft,
) -> AppResult<DeviceRow> {
    let before = existing(c, id, store::device_find)?;
    let v = check_device(c, look, before.as_ref(), d)?;
    let row = store::device_save(c, id, &v, &actor.label)?;
    audit_save(
        c,
        actor,
        "device",
        row.id,
        row.agency_id,
        before.as_ref(),
        &row,
    )?;
    Ok(row)
}

/// Checks a server as [`save_server`] would. Only the Dinas (`region`) records a server in
/// its data center or DR site: such a server is offered for hosting decisions and may host
/// any agency's applications.
pub fn check_server(
    c: &mut DbConn,
    look: &mut Lookups,
    region: bool,
    before: Option<&ServerRow>,
    d: &ServerDraft,
) -> AppResult<Server> {
    let mut v = validate_server(d).map_err(AppError::Validation)?;
    if v.site.is_dinas() && !region {
        return Err(AppError::Validation(vec![FieldError::new(
            "site",
            "error-site-dinas-only",
        )]));
    }
    v.agency_id = agency(c, look, v.agency_id, before.map(|b| b.agency_id))?;
    Ok(v)
}

/// Records or corrects a server.
pub fn save_server(
    c: &mut DbConn,
    look: &mut Lookups,
    actor: &Actor,
    region: bool,
    id: Option<ServerId>,
    d: &ServerDraft,
) -> AppResult<ServerRow> {
    let before = existing(c, id, store::server_find)?;
    let v = check_server(c, look, region, before.as_ref(), d)?;
    let row = store::server_save(c, id, &v, &actor.label)?;
    audit_save(
        c,
        actor,
        "server",
        row.id,
        row.agency_id,
        before.as_ref(),
        &row,
    )?;
    Ok(row)
}

/// The caller as the actor placing applications on servers, and whether they may write a
/// given agency's applications.
pub fn placing_applications(
    ctx: &kernel::Ctx,
) -> AppResult<(Actor, impl Fn(AgencyId) -> bool + Send + 'static)> {
    use kernel::permissions::{Access, Scope, allows};
    let p = ctx.require()?;
    let grants = p.grants.clone();
    let may = move |a| {
        allows(
            &grants,
            &crate::APPLICATIONS,
            Access::Write,
            Scope::Agency(a),
        )
    };
    Ok((p.actor(), may))
}

/// Sets which applications run on a server; each must belong to the server's agency, except
/// that a server of the Dinas's data center may host any agency's applications. An application
/// newly placed needs `may_write` over its agency (one the caller may not see is unknown).
pub fn set_applications(
    c: &mut DbConn,
    actor: &Actor,
    server: ServerId,
    apps: &[ApplicationId],
    may_write: impl Fn(AgencyId) -> bool,
) -> AppResult<Vec<(ApplicationId, String)>> {
    let s = store::server_find(c, server)?.ok_or(AppError::NotFound)?;
    let shared = s.site.is_dinas();
    let already: Vec<ApplicationId> = store::apps_on(c, server)?
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    for a in apps {
        match crate::store::app_find(c, *a)? {
            Some(app)
                if (shared || app.agency_id == s.agency_id)
                    && (already.contains(a) || may_write(app.agency_id)) => {}
            _ => {
                return Err(AppError::Validation(vec![
                    FieldError::new("applications", "error-application-unknown").arg("id", a),
                ]));
            }
        }
    }
    let before = store::apps_on(c, server)?;
    let mut unique = apps.to_vec();
    unique.sort();
    unique.dedup();
    store::set_apps_on(c, server, &unique)?;
    let after = store::apps_on(c, server)?;
    audit::record(
        c,
        actor,
        Change {
            action: "server.applications",
            record_type: "server",
            record_id: server.to_string(),
            agency: Some(s.agency_id),
            summary: json!({"before": before, "after": after}),
        },
    )?;
    Ok(after)
}
