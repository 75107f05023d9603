//! The zone's operations, each inside the caller's write transaction: check, write, raise the
//! zone's serial and record in the audit trail — all or nothing.

use db::DbConn;
use kernel::audit::{self, Actor, Change};
use kernel::{AppError, AppResult};
use serde_json::json;

use kernel::notify::{self, Audience};

use crate::model::{Record, RecordDraft, RecordId, conflicts, validate};
use crate::request::{DecisionDraft, RequestDraft, RequestId, RequestKind, RequestStatus};
use crate::store::{self, RecordRow, RequestRow, ZoneRow};

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
pub(crate) fn bump_serial(c: &mut DbConn, apex: &str, by: &str) -> AppResult<()> {
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
    bump_serial(c, &apex, &actor.label)?;
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
    bump_serial(c, &apex, &actor.label)?;
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
    bump_serial(c, &apex, &actor.label)?;
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

/// The name as people read it: `pariwisata.sukamajukab.go.id`, or the separate domain.
pub fn full_name(kind: RequestKind, name: &str, apex: &str) -> String {
    match kind {
        RequestKind::Subdomain => format!("{name}.{apex}"),
        RequestKind::SeparateDomain => name.to_owned(),
    }
}

fn request_change(
    action: &'static str,
    row: &RequestRow,
    summary: serde_json::Value,
) -> Change<'static> {
    Change {
        action,
        record_type: "domain_request",
        record_id: row.id.to_string(),
        agency: Some(row.agency_id),
        summary,
    }
}

/// An agency asks for a name. A name in use or already asked for is refused, naming what holds
/// it: names are never silently given twice.
pub fn ask(c: &mut DbConn, actor: &Actor, d: &RequestDraft) -> AppResult<RequestRow> {
    let apex = apex(c)?;
    let r = crate::request::validate(d, &apex).map_err(AppError::Validation)?;
    let Some(agency) = org::directory::agency(c, r.agency_id)? else {
        return Err(AppError::field("agency_id", "error-agency-unknown"));
    };
    let full = full_name(r.kind, &r.name, &apex);
    if r.kind == RequestKind::Subdomain {
        // A name in the zone is taken, unless the asking agency alone holds it and asks for
        // the decision it never had (a name carried over from the old zone, rule
        // DOM-SUBDOMAIN-DECISION): then the request has no target, the records being there.
        let owners: Vec<kernel::ids::AgencyId> = store::all(c)?
            .into_iter()
            .filter(|x| crate::rules::subdomain(&x.name) == Some(r.name.as_str()))
            .map(|x| x.agency_id)
            .collect();
        let own = !owners.is_empty() && owners.iter().all(|a| *a == r.agency_id);
        if !owners.is_empty() && !own {
            return Err(AppError::Validation(vec![
                kernel::FieldError::new("name", "error-dns-request-taken").arg("name", &full),
            ]));
        }
        if own && !r.target.is_empty() {
            return Err(AppError::Validation(vec![
                kernel::FieldError::new("target", "error-dns-request-own-name").arg("name", &full),
            ]));
        }
    }
    if let Some((number, holder)) = store::request_pending(c, r.kind, &r.name)? {
        // Another agency's request is not the asker's to read: its number is not named.
        let e = if holder == r.agency_id {
            kernel::FieldError::new("name", "error-dns-request-pending").arg("number", number)
        } else {
            kernel::FieldError::new("name", "error-dns-request-pending-elsewhere")
        };
        return Err(AppError::Validation(vec![e]));
    }
    let year = chrono::Datelike::year(&db::now());
    let n = store::next_number(c, "request", year)?;
    let row = store::request_insert(c, &r, &format!("SD-{year}-{n:04}"), &actor.label)?;
    audit::record(
        c,
        actor,
        request_change("domain_request.create", &row, json!({"after": row})),
    )?;
    notify::notify(
        c,
        Audience::Dinas,
        "notif-dns-request",
        &[
            ("agency", agency.code.as_str()),
            ("name", full.as_str()),
            ("number", row.number.as_str()),
        ],
        &format!("/domains/requests/{}", row.id),
        &actor.label,
    )?;
    Ok(row)
}

/// The agency withdraws a request still waiting for its decision (a name asked by mistake,
/// or no longer needed); the Dinas is told, and the name is free to ask for again. The caller
/// has the right to write the agency's requests.
pub fn withdraw(c: &mut DbConn, actor: &Actor, id: RequestId) -> AppResult<RequestRow> {
    let before = store::request(c, id)?.ok_or(AppError::NotFound)?;
    if !store::request_withdraw(c, id, &actor.label)? {
        return Err(AppError::Conflict(kernel::FieldError::new(
            "confirm",
            "error-dns-request-decided",
        )));
    }
    let row = store::request(c, id)?.ok_or(AppError::NotFound)?;
    audit::record(
        c,
        actor,
        request_change(
            "domain_request.withdraw",
            &row,
            json!({"before": before.status, "after": row.status}),
        ),
    )?;
    let apex = apex(c)?;
    notify::notify(
        c,
        Audience::Dinas,
        "notif-dns-withdrawn",
        &[
            ("name", full_name(row.kind, &row.name, &apex).as_str()),
            ("number", row.number.as_str()),
        ],
        &format!("/domains/requests/{}", row.id),
        &actor.label,
    )?;
    Ok(row)
}

/// The Dinas records the decision of the body the region's regulation names. A granted
/// subdomain with a target gets its record, resting on the decision; the agency is told.
pub fn decide(
    c: &mut DbConn,
    actor: &Actor,
    id: RequestId,
    d: &DecisionDraft,
) -> AppResult<RequestRow> {
    let before = store::request(c, id)?.ok_or(AppError::NotFound)?;
    if before.status != RequestStatus::Submitted {
        return Err(AppError::Conflict(kernel::FieldError::new(
            "decision",
            "error-dns-request-decided",
        )));
    }
    // A day's grace past UTC's date: the region's day may already be the next one.
    let today = db::now().date() + chrono::Days::new(1);
    let decision = crate::request::validate_decision(d, before.submitted_at.date(), today)
        .map_err(AppError::Validation)?;
    let region =
        org::directory::region(c)?.ok_or_else(|| AppError::field("name", "error-dns-no-region"))?;
    let body = region.subdomain_authority.as_str();
    let apex = apex(c)?;
    if decision.granted && before.kind == RequestKind::Subdomain && !before.target.is_empty() {
        let (rtype, value) = crate::request::record_for(&before.target, &apex)
            .ok_or_else(|| AppError::field("target", "error-dns-target"))?;
        let basis = format!(
            "Keputusan {} Nomor {} tanggal {} (permohonan {})",
            body_in_words(region.subdomain_authority),
            decision.number,
            decision.date.format("%d-%m-%Y"),
            before.number
        );
        create(
            c,
            actor,
            &RecordDraft {
                agency_id: before.agency_id.to_string(),
                name: before.name.clone(),
                rtype: rtype.as_str().to_owned(),
                value,
                ttl: String::new(),
                basis,
            },
        )?;
    }
    let status = if decision.granted {
        RequestStatus::Granted
    } else {
        RequestStatus::Refused
    };
    if !store::request_decide(c, id, status, (body, &decision), &actor.label)? {
        return Err(AppError::Conflict(kernel::FieldError::new(
            "decision",
            "error-dns-request-decided",
        )));
    }
    let row = store::request(c, id)?.ok_or(AppError::NotFound)?;
    let action = if decision.granted {
        "domain_request.grant"
    } else {
        "domain_request.refuse"
    };
    audit::record(
        c,
        actor,
        request_change(action, &row, json!({"before": before, "after": row})),
    )?;
    let full = full_name(row.kind, &row.name, &apex);
    notify::notify(
        c,
        Audience::Agency(row.agency_id),
        if decision.granted {
            "notif-dns-granted"
        } else {
            "notif-dns-refused"
        },
        &[
            ("name", full.as_str()),
            ("number", row.number.as_str()),
            ("note", decision.reason.as_str()),
        ],
        &format!("/domains/requests/{}", row.id),
        &actor.label,
    )?;
    Ok(row)
}

/// The deciding body as a decision letter names it (stored in the record's basis, in the
/// regulation's language).
fn body_in_words(a: org::model::SubdomainAuthority) -> &'static str {
    match a {
        org::model::SubdomainAuthority::KepalaDinas => "Kepala Dinas Komunikasi dan Informatika",
        org::model::SubdomainAuthority::Bupati => "Bupati",
        org::model::SubdomainAuthority::Dinas => "Dinas Komunikasi dan Informatika",
    }
}

/// Changes the zone's settings; the serial rises as for any change to the zone.
pub fn save_settings(
    c: &mut DbConn,
    actor: &Actor,
    d: &crate::settings::SettingsDraft,
) -> AppResult<ZoneRow> {
    let apex = apex(c)?;
    let before = zone(c, &apex)?;
    let serial = crate::zone::next_serial(before.serial, db::now().date());
    let after = crate::settings::validate(d, &apex, serial).map_err(AppError::Validation)?;
    store::zone_save(c, &after, &actor.label)?;
    audit::record(
        c,
        actor,
        Change {
            action: "dns_zone.update",
            record_type: "dns_zone",
            record_id: apex.clone(),
            agency: None,
            summary: json!({"before": before, "after": after}),
        },
    )?;
    if after.dnssec {
        crate::signing::ensure_keys(c, actor)?;
    }
    Ok(after)
}

/// What a zone file's import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Records added.
    pub added: usize,
    /// Lines not taken, each with why (in `lang`).
    pub skipped: Vec<(usize, String)>,
}

/// Imports an existing zone file (`simpul dns import`): each record is checked as the form
/// checks it and owned by the agency whose code its first label is (`dinkes` → DINKES), else by
/// the Dinas; its basis names the file's line. The file's name servers and SOA become the
/// zone's settings. Every line not taken is reported; nothing else is skipped silently.
pub fn import(
    c: &mut DbConn,
    actor: &Actor,
    text: &str,
    lang: kernel::i18n::Lang,
) -> AppResult<ImportReport> {
    use crate::zonefile::Skipped;
    // Refused where it enters, as every other input: NUL cannot be stored in PostgreSQL.
    if kernel::validate::has_control(text) {
        return Err(kernel::validate::control_error("file"));
    }
    let apex = apex(c)?;
    let (records, soa, skipped) = crate::zonefile::read(text, &apex);
    let mut report = ImportReport::default();
    for (line, why) in skipped {
        let (key, args) = match why {
            Skipped::Type(t) => ("dns-import-type", vec![("type", t)]),
            Skipped::Outside(n) => (
                "dns-import-outside",
                vec![("name", n), ("zone", apex.clone())],
            ),
            Skipped::Unreadable(t) => ("dns-import-unreadable", vec![("text", t)]),
        };
        let why = kernel::i18n::message(lang, key, &args);
        report.skipped.push((line, why));
    }
    let dinas = org::directory::dinas(c)?
        .ok_or_else(|| AppError::field("agency_id", "error-agency-unknown"))?;
    let agencies = org::directory::all_agencies(c)?;
    for r in records {
        let relative =
            crate::model::relative_name(&r.name, &apex).unwrap_or_else(|_| r.name.clone());
        let label = relative.rsplit('.').next().unwrap_or_default().to_owned();
        let owner = agencies
            .iter()
            .find(|a| a.code.eq_ignore_ascii_case(&label))
            .map_or(dinas.id, |a| a.id);
        let draft = RecordDraft {
            agency_id: owner.to_string(),
            name: relative,
            rtype: r.rtype.as_str().to_owned(),
            value: r.value.clone(),
            ttl: r.ttl.to_string(),
            basis: format!("Impor berkas zona, baris {}", r.line),
        };
        match create(c, actor, &draft) {
            Ok(_) => report.added += 1,
            Err(e @ AppError::Validation(_)) => {
                let why: Vec<String> = e.field_errors().iter().map(|f| f.message(lang)).collect();
                report.skipped.push((r.line, why.join(" ")));
            }
            Err(e) => return Err(e),
        }
    }
    if let (Some((rname, serial, [refresh, retry, expire, minimum])), true) =
        (soa.fields, soa.name_servers.len() >= 2)
    {
        let before = zone(c, &apex)?;
        let after = ZoneRow {
            name_servers: soa.name_servers.join(","),
            hostmaster: rname,
            // Never lower than the zone's own serial, so secondaries transfer the import.
            serial: crate::zone::next_serial(before.serial.max(serial), db::now().date()),
            refresh,
            retry,
            expire,
            minimum,
            dnssec: before.dnssec,
        };
        store::zone_save(c, &after, &actor.label)?;
        audit::record(
            c,
            actor,
            Change {
                action: "dns_zone.update",
                record_type: "dns_zone",
                record_id: apex.clone(),
                agency: None,
                summary: json!({"before": before, "after": after, "from": "zone file"}),
            },
        )?;
    }
    report.skipped.sort_by_key(|(l, _)| *l);
    Ok(report)
}

/// A TSIG key's name as its secondaries' configurations write it: LDH labels, lower case
/// (`transfer-ns2.sukamajukab.go.id`).
pub fn key_name(text: &str) -> AppResult<String> {
    let name = text.trim().trim_end_matches('.').to_ascii_lowercase();
    let ok = !name.is_empty() && name.len() <= 253 && name.split('.').all(crate::model::ldh);
    if ok {
        Ok(name)
    } else {
        Err(AppError::field("name", "error-dns-key-name"))
    }
}

/// Makes a TSIG key with a fresh secret; the secret never enters the audit trail.
pub fn create_key(c: &mut DbConn, actor: &Actor, name: &str) -> AppResult<store::KeyRow> {
    let name = key_name(name)?;
    if store::keys(c)?.iter().any(|k| k.name == name) {
        return Err(AppError::field("name", "error-dns-key-taken"));
    }
    let key = store::KeyRow {
        id: uuid::Uuid::now_v7().to_string(),
        name,
        secret: crate::dns::tsig::new_secret(),
        created_at: db::now(),
        created_by: actor.label.clone(),
    };
    store::key_insert(c, &key)?;
    audit::record(
        c,
        actor,
        Change {
            action: "dns_key.create",
            record_type: "tsig_key",
            record_id: key.id.clone(),
            agency: None,
            summary: json!({"name": key.name, "algorithm": "hmac-sha256"}),
        },
    )?;
    Ok(key)
}

/// Withdraws a TSIG key: secondaries signing with it are refused from then on.
pub fn delete_key(c: &mut DbConn, actor: &Actor, id: &str) -> AppResult<store::KeyRow> {
    let key = store::keys(c)?
        .into_iter()
        .find(|k| k.id == id)
        .ok_or(AppError::NotFound)?;
    store::key_delete(c, id)?;
    audit::record(
        c,
        actor,
        Change {
            action: "dns_key.delete",
            record_type: "tsig_key",
            record_id: key.id.clone(),
            agency: None,
            summary: json!({"name": key.name}),
        },
    )?;
    Ok(key)
}

/// The TSIG keys.
pub fn keys(c: &mut DbConn) -> AppResult<Vec<store::KeyRow>> {
    Ok(store::keys(c)?)
}
