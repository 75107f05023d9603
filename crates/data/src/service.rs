//! The catalogue's operations, each inside the caller's write transaction: check, write, and
//! record in the audit trail — all or nothing. (Reading an upload into a version is `version`.)

use chrono::NaiveDate;
use db::DbConn;
use kernel::audit::{self, Actor, Change};
use kernel::{AppError, AppResult, FieldError};
use serde_json::json;

use kernel::permissions::Visible;

use crate::model::{
    Classification, Dataset, DatasetDraft, DatasetId, IndicatorDraft, RegionCodeDraft, Review,
    ReviewDraft, WaliDraft, namespaced, slug_agency, validate, validate_indicator,
    validate_region_code, validate_review, validate_wali,
};
use crate::regions::Check;
use crate::store::{self, DatasetRow, VersionRow, VersionStatus};
use crate::variables::{ColumnDraft, validate_columns};

/// What the audit trail keeps of a dataset: what identifies it and what its duties are, not
/// its (long) description.
fn summary(r: &DatasetRow) -> serde_json::Value {
    json!({
        "slug": r.slug,
        "title": r.title,
        "topic": r.topic,
        "classification": r.classification,
        "frequency": r.frequency,
        "next_due": r.next_due,
    })
}

fn record(
    c: &mut DbConn,
    actor: &Actor,
    action: &str,
    r: &DatasetRow,
    summary: serde_json::Value,
) -> AppResult<()> {
    audit::record(
        c,
        actor,
        Change {
            action,
            record_type: "dataset",
            record_id: r.id.to_string(),
            agency: Some(r.agency_id),
            summary,
        },
    )?;
    Ok(())
}

/// Gives the dataset its short name in its agency's namespace ([`namespaced`]) and checks that
/// no other dataset has it. By that namespace a name can only be taken by a dataset the caller
/// sees (their agency's, or a public one): that is an error naming the field. Should one they
/// cannot see hold it anyway (names recorded before the namespace), the next free `name-2`… is
/// given rather than an error that would reveal it.
fn free_slug(
    c: &mut DbConn,
    ds: &mut Dataset,
    except: Option<DatasetId>,
    visible: &Visible,
) -> AppResult<()> {
    let own = org::directory::agency(c, ds.agency_id)?
        .ok_or_else(|| AppError::field("agency_id", "error-agency-unknown"))?;
    let other_agency = match slug_agency(&ds.slug) {
        Some(code) if code != own.code => org::directory::agency_by_code(c, &code)?.is_some(),
        _ => false,
    };
    ds.slug = namespaced(&ds.slug, ds.classification, &own.code, other_agency)
        .map_err(|e| AppError::Validation(vec![e]))?;
    let Some((agency, classification)) = store::slug_owner(c, &ds.slug, except)? else {
        return Ok(());
    };
    if visible.includes(agency) || classification == Classification::Public {
        return Err(AppError::Conflict(FieldError::new(
            "slug",
            "data-error-slug-taken",
        )));
    }
    for n in 2..1000 {
        let candidate = format!("{}-{n}", ds.slug.chars().take(95).collect::<String>());
        if store::slug_owner(c, &candidate, except)?.is_none() {
            ds.slug = candidate;
            return Ok(());
        }
    }
    Err(AppError::Conflict(FieldError::new(
        "slug",
        "data-error-slug-taken",
    )))
}

fn found(c: &mut DbConn, id: DatasetId) -> AppResult<DatasetRow> {
    store::find(c, id)?.ok_or(AppError::NotFound)
}

/// Records a new dataset for its agency (the caller has been authorised for that agency and
/// sees the datasets of `visible`).
pub fn create(
    c: &mut DbConn,
    actor: &Actor,
    d: &DatasetDraft,
    visible: &Visible,
) -> AppResult<DatasetRow> {
    let added = store::added_regions(c)?;
    let mut ds = validate(d, Check::Listed(&added)).map_err(AppError::Validation)?;
    free_slug(c, &mut ds, None, visible)?;
    let id = store::create(c, &ds, &actor.label)?;
    let row = found(c, id)?;
    record(
        c,
        actor,
        "dataset.create",
        &row,
        json!({"after": summary(&row)}),
    )?;
    Ok(row)
}

/// Rewrites a dataset's description. Its agency is not changed here: a dataset moves to
/// another agency only by being recorded there anew.
pub fn update(
    c: &mut DbConn,
    actor: &Actor,
    id: DatasetId,
    d: &DatasetDraft,
    visible: &Visible,
) -> AppResult<DatasetRow> {
    let before = found(c, id)?;
    let draft = DatasetDraft {
        agency_id: before.agency_id.to_string(),
        ..d.clone()
    };
    let added = store::added_regions(c)?;
    let mut ds = validate(&draft, Check::Listed(&added)).map_err(AppError::Validation)?;
    free_slug(c, &mut ds, Some(id), visible)?;
    store::update(c, id, &ds, &actor.label)?;
    let after = found(c, id)?;
    record(
        c,
        actor,
        "dataset.update",
        &after,
        json!({"before": summary(&before), "after": summary(&after)}),
    )?;
    Ok(after)
}

/// Replaces the schema the next uploads are checked against (versions already read keep the
/// schema they were read with).
pub fn set_columns(
    c: &mut DbConn,
    actor: &Actor,
    id: DatasetId,
    drafts: &[ColumnDraft],
) -> AppResult<DatasetRow> {
    let row = found(c, id)?;
    let columns = validate_columns(drafts).map_err(AppError::Validation)?;
    store::set_columns(c, id, &columns)?;
    let names: Vec<&str> = columns.iter().map(|k| k.name.as_str()).collect();
    record(c, actor, "dataset.columns", &row, json!({"columns": names}))?;
    Ok(row)
}

/// Records the Wali Data appointed for the dataset: one of its agency's staff, by decision.
pub fn appoint(
    c: &mut DbConn,
    actor: &Actor,
    id: DatasetId,
    d: &WaliDraft,
    today: NaiveDate,
) -> AppResult<DatasetRow> {
    let row = found(c, id)?;
    let w = validate_wali(d, today).map_err(AppError::Validation)?;
    let person = org::directory::person(c, w.person_id)?;
    // A person of another agency is refused exactly like one that does not exist.
    if person.as_ref().is_none_or(|p| p.agency != row.agency_id) {
        return Err(AppError::field("person_id", "data-error-person"));
    }
    store::appoint(c, id, &w, &actor.label)?;
    record(
        c,
        actor,
        "dataset.wali",
        &row,
        json!({"person_id": w.person_id, "decree_number": w.decree_number, "decree_date": w.decree_date}),
    )?;
    found(c, id)
}

/// Adds an indicator computed from the dataset.
pub fn add_indicator(
    c: &mut DbConn,
    actor: &Actor,
    id: DatasetId,
    d: &IndicatorDraft,
) -> AppResult<DatasetRow> {
    let row = found(c, id)?;
    let i = validate_indicator(d).map_err(AppError::Validation)?;
    store::add_indicator(c, id, &i, &actor.label)?;
    record(c, actor, "dataset.indicator", &row, json!({"name": i.name}))?;
    Ok(row)
}

/// The Walidata's decision on a public dataset's readable version: published (the portal
/// shows it from then on, in place of any older one) or returned with a note (taken off the
/// portal if it was on it). The agency is told either way.
pub fn review(
    c: &mut DbConn,
    actor: &Actor,
    id: DatasetId,
    number: i32,
    d: &ReviewDraft,
) -> AppResult<VersionRow> {
    let row = found(c, id)?;
    let (decision, note) = validate_review(d).map_err(AppError::Validation)?;
    if row.classification != Classification::Public {
        return Err(AppError::field("decision", "data-error-review-not-public"));
    }
    let v = store::version_number(c, id, number)?.ok_or(AppError::NotFound)?;
    if v.status != VersionStatus::Ready {
        return Err(AppError::field("decision", "data-error-review-not-ready"));
    }
    if store::review(c, id, v.id, decision, &note, &actor.label)? {
        let (action, message) = match decision {
            Review::Returned => ("dataset.return", "data-notify-returned"),
            _ => ("dataset.publish", "data-notify-published"),
        };
        record(
            c,
            actor,
            action,
            &row,
            json!({"version": v.number, "note": note}),
        )?;
        let number = v.number.to_string();
        kernel::notify::notify(
            c,
            kernel::notify::Audience::Agency(row.agency_id),
            message,
            &[("title", &row.title), ("version", &number), ("note", &note)],
            &format!("/data/{}/versions/{}", row.id, v.number),
            &actor.label,
        )?;
    }
    store::find_version(c, v.id)?.ok_or(AppError::NotFound)
}

/// Adds a region code the shipped Kemendagri list lacks.
pub fn add_region_code(
    c: &mut DbConn,
    actor: &Actor,
    d: &RegionCodeDraft,
) -> AppResult<store::AddedCode> {
    let added = store::added_regions(c)?;
    let (code, name, basis) = validate_region_code(d, &added).map_err(AppError::Validation)?;
    store::add_code(c, &code, &name, &basis, &actor.label)?;
    audit::record(
        c,
        actor,
        Change {
            action: "region_code.add",
            record_type: "region_code",
            record_id: code.clone(),
            agency: None,
            summary: json!({"code": code, "name": name, "basis": basis}),
        },
    )?;
    store::added_codes(c)?
        .into_iter()
        .find(|a| a.code == code)
        .ok_or(AppError::NotFound)
}
