//! The organisation context's operations: validate, store and record the audit event, all
//! inside the caller's write transaction. Handlers check permission before calling these.

use db::DbConn;
use kernel::audit::{self, Actor, Change};
use kernel::ids::{AgencyId, PersonId};
use kernel::{AppError, AppResult, FieldError};
use serde_json::json;

use crate::model::{self, AgencyDraft, PersonDraft, RegionDraft};
use crate::store::{self, AgencyRow, PersonRow, RegionRow};

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The region's domain, once the profile is set: official e-mail addresses are in it.
pub(crate) fn region_domain(conn: &mut DbConn) -> AppResult<Option<String>> {
    Ok(store::region_get(conn)?.map(|r| r.domain))
}

fn agency_summary(a: &AgencyRow) -> serde_json::Value {
    json!({"name": a.name, "code": a.code, "kind": a.kind, "is_dinas": a.is_dinas, "egov_unit": a.egov_unit})
}

/// What the audit trail keeps of a person: no unmasked NIK, no phone number.
fn person_summary(p: &PersonRow) -> serde_json::Value {
    json!({"name": p.name, "kind": p.kind, "agency_id": p.agency_id, "nip": p.nip,
           "nik": p.nik.as_deref().map(model::mask_nik), "position": p.position, "email": p.email})
}

/// Sets the region profile.
pub fn put_region(conn: &mut DbConn, actor: &Actor, draft: &RegionDraft) -> AppResult<RegionRow> {
    let this_year = chrono::Datelike::year(&today());
    let d = model::validate_region(draft, this_year).map_err(AppError::Validation)?;
    let before = store::region_get(conn)?;
    let after = store::region_put(conn, &d, &actor.label)?;
    let change = Change {
        action: "region.update",
        record_type: "region",
        record_id: "1".into(),
        agency: None,
        summary: json!({"before": before.map(|b| serde_json::to_value(b).unwrap_or_default()), "after": serde_json::to_value(&after).unwrap_or_default()}),
    };
    audit::record(conn, actor, change)?;
    Ok(after)
}

fn record_flag_moves(
    conn: &mut DbConn,
    actor: &Actor,
    unflagged: &[AgencyId],
    to: AgencyId,
) -> AppResult<()> {
    for from in unflagged {
        audit::record(
            conn,
            actor,
            Change {
                action: "agency.dinas_flag_moved",
                record_type: "agency",
                record_id: from.to_string(),
                agency: Some(*from),
                summary: json!({"before": {"is_dinas": true}, "after": {"is_dinas": false}, "moved_to": to}),
            },
        )?;
    }
    Ok(())
}

/// Creates an agency.
pub fn create_agency(
    conn: &mut DbConn,
    actor: &Actor,
    draft: &AgencyDraft,
) -> AppResult<AgencyRow> {
    let d = model::validate_agency(draft).map_err(AppError::Validation)?;
    add_agency(conn, actor, &d)
}

/// Creates an agency already checked (an import checks every line before adding any).
pub(crate) fn add_agency(
    conn: &mut DbConn,
    actor: &Actor,
    d: &model::Agency,
) -> AppResult<AgencyRow> {
    if store::agency_by_code(conn, &d.code)?.is_some() {
        return Err(AppError::Conflict(
            FieldError::new("code", "error-agency-code-taken").arg("code", &d.code),
        ));
    }
    let (row, unflagged) = store::agency_create(conn, d, &actor.label)?;
    record_flag_moves(conn, actor, &unflagged, row.id)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "agency.create",
            record_type: "agency",
            record_id: row.id.to_string(),
            agency: Some(row.id),
            summary: json!({"after": agency_summary(&row)}),
        },
    )?;
    Ok(row)
}

/// Updates an agency.
pub fn update_agency(
    conn: &mut DbConn,
    actor: &Actor,
    id: AgencyId,
    draft: &AgencyDraft,
) -> AppResult<AgencyRow> {
    let d = model::validate_agency(draft).map_err(AppError::Validation)?;
    let before = store::agency_find(conn, id)?.ok_or(AppError::NotFound)?;
    if let Some(other) = store::agency_by_code(conn, &d.code)?
        && other.id != before.id
    {
        return Err(AppError::Conflict(
            FieldError::new("code", "error-agency-code-taken").arg("code", &d.code),
        ));
    }
    let (after, unflagged) = store::agency_update(conn, before.id, &d, &actor.label)?;
    record_flag_moves(conn, actor, &unflagged, after.id)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "agency.update",
            record_type: "agency",
            record_id: after.id.to_string(),
            agency: Some(id),
            summary: json!({"before": agency_summary(&before), "after": agency_summary(&after)}),
        },
    )?;
    Ok(after)
}

fn check_numbers_free(
    conn: &mut DbConn,
    d: &model::Person,
    except: Option<PersonId>,
) -> AppResult<()> {
    let nips: Vec<String> = d.nip.iter().cloned().collect();
    let niks: Vec<String> = d.nik.iter().cloned().collect();
    let (nip_held, nik_held) = store::person_numbers_owners(conn, &nips, &niks)?;
    let (nip_taken, nik_taken): (Vec<String>, Vec<String>) = (
        nip_held.into_iter().map(|(n, _)| n).collect(),
        nik_held.into_iter().map(|(n, _)| n).collect(),
    );
    let mine = match except {
        Some(id) => store::person_find(conn, id)?,
        None => None,
    };
    let is_mine =
        |v: &String, own: Option<&Option<String>>| own.is_some_and(|o| o.as_ref() == Some(v));
    if nip_taken
        .iter()
        .any(|n| !is_mine(n, mine.as_ref().map(|m| &m.nip)))
    {
        return Err(AppError::Conflict(FieldError::new(
            "nip",
            "error-nip-taken",
        )));
    }
    if nik_taken
        .iter()
        .any(|n| !is_mine(n, mine.as_ref().map(|m| &m.nik)))
    {
        return Err(AppError::Conflict(FieldError::new(
            "nik",
            "error-nik-taken",
        )));
    }
    Ok(())
}

/// Creates a person in `agency`.
pub fn create_person(
    conn: &mut DbConn,
    actor: &Actor,
    agency: AgencyId,
    draft: &PersonDraft,
) -> AppResult<PersonRow> {
    let d = model::validate_person(draft, today(), region_domain(conn)?.as_deref())
        .map_err(AppError::Validation)?;
    add_person(conn, actor, agency, &d)
}

/// Creates a person already checked (an import checks every line before adding any).
pub(crate) fn add_person(
    conn: &mut DbConn,
    actor: &Actor,
    agency: AgencyId,
    d: &model::Person,
) -> AppResult<PersonRow> {
    store::agency_find(conn, agency)?
        .ok_or_else(|| AppError::field("agency_id", "error-agency-unknown"))?;
    check_numbers_free(conn, d, None)?;
    let row = store::person_create(conn, agency, d, &actor.label)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "person.create",
            record_type: "person",
            record_id: row.id.to_string(),
            agency: Some(agency),
            summary: json!({"after": person_summary(&row)}),
        },
    )?;
    Ok(row)
}

/// Updates a person (possibly moving them to another agency).
pub fn update_person(
    conn: &mut DbConn,
    actor: &Actor,
    id: PersonId,
    agency: AgencyId,
    draft: &PersonDraft,
) -> AppResult<PersonRow> {
    let d = model::validate_person(draft, today(), region_domain(conn)?.as_deref())
        .map_err(AppError::Validation)?;
    change_person(conn, actor, id, agency, &d)
}

/// Updates a person with values already checked (an import checks every line first).
pub(crate) fn change_person(
    conn: &mut DbConn,
    actor: &Actor,
    id: PersonId,
    agency: AgencyId,
    d: &model::Person,
) -> AppResult<PersonRow> {
    let before = store::person_find(conn, id)?.ok_or(AppError::NotFound)?;
    store::agency_find(conn, agency)?
        .ok_or_else(|| AppError::field("agency_id", "error-agency-unknown"))?;
    check_numbers_free(conn, d, Some(before.id))?;
    let after = store::person_update(conn, before.id, agency, d, &actor.label)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "person.update",
            record_type: "person",
            record_id: after.id.to_string(),
            agency: Some(agency),
            summary: json!({"before": person_summary(&before), "after": person_summary(&after)}),
        },
    )?;
    Ok(after)
}
