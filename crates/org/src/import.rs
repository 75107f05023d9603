//! CSV import of agencies and people: every bad row is reported with its line number, and
//! nothing is imported unless every row is good (one transaction).

use std::collections::{HashMap, HashSet};

use db::DbConn;
use kernel::audit::Actor;
use kernel::ids::AgencyId;
use kernel::{AppError, AppResult, FieldError};

use crate::model::{self, AgencyDraft, PersonDraft};
use crate::{service, store};

/// Column names of an agency CSV.
pub const AGENCY_COLUMNS: [&str; 5] = ["name", "code", "kind", "is_dinas", "egov_unit"];
/// The agency columns every row must fill.
pub const AGENCY_REQUIRED: [&str; 3] = ["name", "code", "kind"];
/// The people columns every row must fill (a NIP too for PNS and PPPK).
pub const PERSON_REQUIRED: [&str; 3] = ["agency_code", "name", "kind"];
/// Column names of a people CSV.
pub const PERSON_COLUMNS: [&str; 8] = [
    "agency_code",
    "name",
    "kind",
    "nip",
    "nik",
    "position",
    "email",
    "phone",
];
/// What an import does with a row whose person is already recorded (the same NIP, or NIK)
/// in an agency the importer keeps.
pub use kernel::export::Existing;

/// What a people import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PeopleImported {
    /// People added.
    pub added: usize,
    /// Recorded people updated from their row.
    pub updated: usize,
    /// Recorded people left as they were.
    pub skipped: usize,
}

/// Most rows accepted in one file.
pub const MAX_ROWS: usize = 50_000;

/// Rows read from a CSV, keyed by column, with their line numbers.
struct Table {
    rows: Vec<(u64, HashMap<String, String>)>,
}

fn line_error(line: u64, field: &str, key: &'static str) -> FieldError {
    FieldError::new(format!("line {line}: {field}"), key)
}

fn relabel(line: u64, errors: Vec<FieldError>) -> impl Iterator<Item = FieldError> {
    errors.into_iter().map(move |mut e| {
        e.field = format!("line {line}: {}", e.field);
        e
    })
}

/// Reads a CSV, or the first sheet of an XLSX workbook (the list's own XLSX export imports
/// back), checking the header against `required` and `allowed` columns.
fn read(bytes: &[u8], required: &[&str], allowed: &[&str]) -> Result<Table, Vec<FieldError>> {
    let (headers, records) = if bytes.starts_with(b"PK\x03\x04") {
        // The kernel's reader bounds rows, columns and the unpacked size of the workbook.
        let t = kernel::export::read_table(bytes, MAX_ROWS).map_err(|e| match e {
            AppError::Validation(v) => v,
            AppError::BadRequest(f) | AppError::Conflict(f) => vec![f],
            _ => vec![line_error(1, "file", "error-xlsx-unreadable")],
        })?;
        let headers: Vec<String> = t.header.iter().map(|h| h.trim().to_lowercase()).collect();
        let records: Vec<Row> = t
            .rows
            .into_iter()
            .map(|(line, cells)| Ok((u64::try_from(line).unwrap_or(u64::MAX), cells)))
            .collect();
        (headers, records)
    } else {
        csv_records(bytes)?
    };
    let mut errors = vec![];
    for h in &headers {
        if !allowed.contains(&h.as_str()) {
            errors.push(
                line_error(1, h, "error-csv-unknown-column").arg("columns", allowed.join(", ")),
            );
        }
    }
    for r in required {
        if !headers.iter().any(|h| h == r) {
            errors.push(line_error(1, r, "error-csv-missing-column"));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows = vec![];
    for record in records {
        let (line, cells) = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        if cells.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        if cells.len() != headers.len() {
            errors.push(line_error(line, "row", "error-csv-columns").arg("count", headers.len()));
            continue;
        }
        if cells.iter().any(|c| kernel::validate::has_control(c)) {
            errors.push(line_error(line, "row", "error-control-characters"));
            continue;
        }
        rows.push((line, headers.iter().cloned().zip(cells).collect()));
        if rows.len() > MAX_ROWS {
            return Err(vec![
                line_error(line, "file", "error-csv-too-many").arg("max", MAX_ROWS),
            ]);
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(line_error(2, "file", "error-csv-empty"));
    }
    if errors.is_empty() {
        Ok(Table { rows })
    } else {
        Err(errors)
    }
}

/// A record with its line, or the error of an unreadable one.
type Row = Result<(u64, Vec<String>), FieldError>;

/// Reads a CSV (UTF-8, comma or semicolon separated).
fn csv_records(bytes: &[u8]) -> Result<(Vec<String>, Vec<Row>), Vec<FieldError>> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| vec![line_error(1, "file", "error-csv-encoding")])?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Spreadsheets in Indonesia often save with semicolons; accept either separator.
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| vec![line_error(1, "header", "error-csv-header")])?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let records = reader
        .records()
        .map(|r| match r {
            Ok(r) => Ok((
                r.position().map(|p| p.line()).unwrap_or(0),
                r.iter().map(str::to_owned).collect(),
            )),
            Err(e) => Err(line_error(
                e.position().map(|p| p.line()).unwrap_or(0),
                "row",
                "error-csv-row",
            )),
        })
        .collect();
    Ok((headers, records))
}

fn col(row: &HashMap<String, String>, name: &str) -> String {
    row.get(name)
        .map(|v| v.trim().to_owned())
        .unwrap_or_default()
}

fn opt(row: &HashMap<String, String>, name: &str) -> Option<String> {
    Some(col(row, name)).filter(|v| !v.is_empty())
}

/// Imports agencies; returns how many were created.
pub fn import_agencies(conn: &mut DbConn, actor: &Actor, bytes: &[u8]) -> AppResult<usize> {
    let table = read(bytes, &AGENCY_REQUIRED, &AGENCY_COLUMNS).map_err(AppError::Validation)?;
    let mut errors = vec![];
    let mut drafts = vec![];
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut dinas_lines = vec![];
    for (line, row) in &table.rows {
        let is_dinas = kernel::export::yes_no(&col(row, "is_dinas"));
        if is_dinas.is_none() {
            errors.push(line_error(*line, "is_dinas", "error-csv-bool"));
        }
        let draft = AgencyDraft {
            name: col(row, "name"),
            code: col(row, "code"),
            kind: col(row, "kind"),
            is_dinas: is_dinas.unwrap_or(false),
            egov_unit: opt(row, "egov_unit"),
        };
        match model::validate_agency(&draft) {
            Ok(d) => {
                if let Some(first) = seen.insert(d.code.clone(), *line) {
                    errors
                        .push(line_error(*line, "code", "error-csv-duplicate").arg("line", first));
                }
                if d.is_dinas {
                    dinas_lines.push(*line);
                }
                drafts.push((*line, d));
            }
            Err(es) => errors.extend(relabel(*line, es)),
        }
    }
    if let Some(second) = dinas_lines.get(1) {
        errors.push(line_error(*second, "is_dinas", "error-csv-two-dinas"));
    }
    let codes: Vec<String> = drafts.iter().map(|(_, d)| d.code.clone()).collect();
    let taken: HashSet<String> = store::agency_codes_taken(conn, &codes)?
        .into_iter()
        .collect();
    for (line, d) in &drafts {
        if taken.contains(&d.code) {
            errors.push(line_error(*line, "code", "error-agency-code-taken").arg("code", &d.code));
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| line_of(&e.field));
        return Err(AppError::Validation(kernel::validate::capped(errors, 0)));
    }
    for (_, d) in &drafts {
        service::add_agency(conn, actor, d)?;
    }
    Ok(drafts.len())
}

/// Imports people, each naming their agency by code; returns how many were created.
pub fn import_people(
    conn: &mut DbConn,
    actor: &Actor,
    bytes: &[u8],
    may_write: impl Fn(AgencyId) -> bool,
    existing: Existing,
) -> AppResult<PeopleImported> {
    let table = read(bytes, &PERSON_REQUIRED, &PERSON_COLUMNS).map_err(AppError::Validation)?;
    let today = chrono::Utc::now().date_naive();
    let domain = crate::service::region_domain(conn)?;
    let mut errors = vec![];
    let mut drafts = vec![];
    let mut agencies: HashMap<String, Option<AgencyId>> = HashMap::new();
    let (mut nips, mut niks): (HashMap<String, u64>, HashMap<String, u64>) =
        (HashMap::new(), HashMap::new());
    for (line, row) in &table.rows {
        let code = col(row, "agency_code").to_uppercase();
        let agency = match agencies.get(&code) {
            Some(a) => *a,
            None => {
                let found = store::agency_by_code(conn, &code)?.map(|a| a.id);
                agencies.insert(code.clone(), found);
                found
            }
        };
        let agency = match agency {
            None => {
                errors.push(line_error(*line, "agency_code", "error-agency-unknown"));
                None
            }
            Some(a) if !may_write(a) => {
                errors.push(line_error(*line, "agency_code", "error-import-not-yours"));
                None
            }
            Some(a) => Some(a),
        };
        let draft = PersonDraft {
            name: col(row, "name"),
            kind: col(row, "kind"),
            nip: opt(row, "nip"),
            // An export masks NIKs ("3201************"): such a cell says nothing about the
            // NIK, and an update keeps the one recorded.
            nik: opt(row, "nik").filter(|n| !n.contains('*')),
            position: opt(row, "position"),
            email: opt(row, "email"),
            phone: opt(row, "phone"),
        };
        match model::validate_person(&draft, today, domain.as_deref()) {
            Ok(d) => {
                if let Some(n) = &d.nip
                    && let Some(first) = nips.insert(n.clone(), *line)
                {
                    errors.push(line_error(*line, "nip", "error-csv-duplicate").arg("line", first));
                }
                if let Some(n) = &d.nik
                    && let Some(first) = niks.insert(n.clone(), *line)
                {
                    errors.push(line_error(*line, "nik", "error-csv-duplicate").arg("line", first));
                }
                if let Some(a) = agency {
                    drafts.push((*line, a, d));
                }
            }
            Err(es) => errors.extend(relabel(*line, es)),
        }
    }
    let nip_list: Vec<String> = nips.keys().cloned().collect();
    let nik_list: Vec<String> = niks.keys().cloned().collect();
    match_and_write(
        conn,
        actor,
        drafts,
        errors,
        (&nip_list, &nik_list),
        &may_write,
        existing,
    )
}

/// The rest of an import: each row is matched to a recorded person by NIP, then NIK, and a row
/// with neither by name within its agency. A row whose person is recorded in an agency the
/// importer keeps is refused by line (naming the NIP, NIK or name), updates that person or is
/// skipped, as `existing` says. A number recorded elsewhere is reported once, without line or
/// value: the import must not tell an operator which NIK exists in another agency (nine
/// thousand guesses in one file would find a masked NIK). A row whose NIP and NIK name two
/// different people, or whose name matches several, is refused by line.
fn match_and_write(
    conn: &mut DbConn,
    actor: &Actor,
    drafts: Vec<(u64, AgencyId, model::Person)>,
    mut errors: Vec<FieldError>,
    (nips, niks): (&[String], &[String]),
    may_write: &impl Fn(AgencyId) -> bool,
    existing: Existing,
) -> AppResult<PeopleImported> {
    let held = store::people_by_numbers(conn, nips, niks)?;
    let by_nip: HashMap<&str, (kernel::ids::PersonId, AgencyId)> = held
        .iter()
        .filter_map(|(id, a, nip, _)| nip.as_deref().map(|n| (n, (*id, *a))))
        .collect();
    let by_nik: HashMap<&str, (kernel::ids::PersonId, AgencyId)> = held
        .iter()
        .filter_map(|(id, a, _, nik)| nik.as_deref().map(|n| (n, (*id, *a))))
        .collect();
    // Rows with neither NIP nor NIK are matched by name within their agency.
    let mut agencies: Vec<AgencyId> = drafts.iter().map(|(_, a, _)| *a).collect();
    agencies.sort_unstable_by_key(|a| a.0);
    agencies.dedup();
    let mut by_name: HashMap<(AgencyId, String), Vec<kernel::ids::PersonId>> = HashMap::new();
    for (id, a, name) in store::people_named_in(conn, &agencies)? {
        by_name
            .entry((a, name.trim().to_lowercase()))
            .or_default()
            .push(id);
    }
    let mut elsewhere = false;
    let mut plan = Vec::with_capacity(drafts.len());
    for (line, agency, d) in drafts {
        if d.nip.is_none() && d.nik.is_none() {
            match by_name
                .get(&(agency, d.name.trim().to_lowercase()))
                .map(Vec::as_slice)
            {
                None | Some([]) => plan.push((line, agency, d, None)),
                Some([_]) if existing == Existing::Refuse => {
                    errors.push(line_error(line, "name", "error-person-recorded"));
                }
                Some([one]) => plan.push((line, agency, d, Some(*one))),
                Some(_) => errors.push(line_error(line, "name", "error-import-same-name")),
            }
            continue;
        }
        let found: Vec<(kernel::ids::PersonId, AgencyId, &str)> = [
            d.nip
                .as_deref()
                .and_then(|n| by_nip.get(n))
                .map(|(i, a)| (*i, *a, "nip")),
            d.nik
                .as_deref()
                .and_then(|n| by_nik.get(n))
                .map(|(i, a)| (*i, *a, "nik")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if found.iter().any(|(_, a, _)| !may_write(*a)) {
            elsewhere = true;
            continue;
        }
        match found.as_slice() {
            [] => plan.push((line, agency, d, None)),
            [(a, ..)] | [(a, ..), _] if found.iter().all(|(i, ..)| i == a) => {
                if existing == Existing::Refuse {
                    for (_, _, field) in &found {
                        let key = if *field == "nip" {
                            "error-nip-taken"
                        } else {
                            "error-nik-taken"
                        };
                        errors.push(line_error(line, field, key));
                    }
                } else {
                    plan.push((line, agency, d, Some(*a)));
                }
            }
            _ => errors.push(line_error(line, "nik", "error-import-two-people")),
        }
    }
    if elsewhere {
        errors.push(FieldError::new("file", "error-numbers-taken-elsewhere"));
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| line_of(&e.field));
        return Err(AppError::Validation(kernel::validate::capped(errors, 0)));
    }
    let mut done = PeopleImported::default();
    for (_, agency, d, person) in &plan {
        match (person, existing) {
            (None, _) => {
                service::add_person(conn, actor, *agency, d)?;
                done.added += 1;
            }
            (Some(id), Existing::Update) => {
                let mut d = d.clone();
                if d.nik.is_none() {
                    // Not given (or masked in an export): the recorded NIK stays.
                    d.nik = store::person_find(conn, *id)?.and_then(|p| p.nik);
                }
                service::change_person(conn, actor, *id, *agency, &d)?;
                done.updated += 1;
            }
            (Some(_), _) => done.skipped += 1,
        }
    }
    Ok(done)
}

/// Refused imports of people one account may send in a window: each refusal tells a little
/// about which numbers exist, so they are counted and recorded.
const REFUSED_IMPORTS: kernel::ratelimit::Limit = kernel::ratelimit::Limit {
    name: "org.people-import-refused",
    max: 30,
    window: 300,
};

/// Imports people for the caller from a handler: refuses a caller who keeps sending refused
/// files (429), and records every refused import in the audit trail (how many problems, never
/// their values).
pub async fn import_people_for(
    state: &kernel::AppState,
    ctx: &kernel::Ctx,
    bytes: Vec<u8>,
    existing: Existing,
    dry_run: bool,
) -> AppResult<PeopleImported> {
    use kernel::permissions::{Access, Scope, allows};
    let p = ctx.require()?.clone();
    let key = p.user_id.to_string();
    if REFUSED_IMPORTS.blocked(state, &key).await?.is_some() {
        return Err(AppError::TooManyAttempts);
    }
    let (actor, grants) = (p.actor(), p.grants.clone());
    let run = move |c: &mut DbConn| {
        import_people(
            c,
            &actor,
            &bytes,
            |a| allows(&grants, &crate::PEOPLE, Access::Write, Scope::Agency(a)),
            existing,
        )
    };
    let result = if dry_run {
        state.dry_run(run).await
    } else {
        state.write(run).await
    };
    if let Err(e @ AppError::Validation(_)) = &result {
        let summary = serde_json::json!({ "problems": e.field_errors().len() });
        crate::probing::refusal(
            state,
            &p,
            &REFUSED_IMPORTS,
            "person.import_refused",
            summary,
        )
        .await?;
    }
    result
}

fn line_of(field: &str) -> u64 {
    field
        .strip_prefix("line ")
        .and_then(|r| r.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_problems_are_reported_on_line_one() {
        let errs = read(b"name,kode\nX,Y\n", &["name", "code"], &AGENCY_COLUMNS)
            .err()
            .unwrap();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["line 1: kode", "line 1: code"]);
    }

    #[test]
    fn semicolon_files_and_bom_are_read() {
        let t = read(
            "\u{feff}name;code;kind\nDinas A;DA;dinas\n".as_bytes(),
            &["name"],
            &AGENCY_COLUMNS,
        )
        .ok()
        .unwrap();
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].0, 2);
        assert_eq!(col(&t.rows[0].1, "code"), "DA");
    }

    #[test]
    fn short_rows_name_their_line() {
        let errs = read(
            b"name,code,kind\nA,B,dinas\nC,D\n",
            &["name"],
            &AGENCY_COLUMNS,
        )
        .err()
        .unwrap();
        assert_eq!(errs[0].field, "line 3: row");
    }
}
