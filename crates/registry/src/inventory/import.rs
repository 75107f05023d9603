//! Import of existing inventories from CSV or XLSX, all or nothing: every row is checked as
//! the form would check it, every bad row is reported with its line and field, and nothing is
//! written unless every row is good (then all of them, in one transaction). A preview only
//! checks, so it writes and locks nothing. A row with an `id` corrects that record; a row
//! whose key (serial number, host name, contract number, application name) its agency already
//! has is refused, or updates or leaves that record, as the importer chooses.

use std::collections::HashMap;

use db::DbConn;
use kernel::audit::{self, Actor, Change};
use kernel::export::{Existing, Table};
use kernel::ids::AgencyId;
use kernel::jobs::Progress;
use kernel::{AppError, AppResult, FieldError};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::entity::{Entity, draft_from};
use super::export::columns;
use crate::lookups::Lookups;

fn at(line: usize, field: &str, key: &'static str) -> FieldError {
    FieldError::new(format!("line {line}: {field}"), key)
}

/// Checks the header: every column must be one the import knows.
pub fn check_header<E: Entity>(t: &Table) -> Result<(), Vec<FieldError>> {
    let known = columns::<E>();
    let mut errors: Vec<FieldError> = t
        .header
        .iter()
        .filter(|h| !known.contains(&h.as_str()))
        .map(|h| at(1, h, "error-import-column").arg("columns", known.join(", ")))
        .collect();
    if !t.header.iter().any(|h| h == "agency_code") {
        errors.push(at(1, "agency_code", "error-required"));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// What an import does with the rows once they are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Only check (a preview, a dry run): nothing is written, nothing locked.
    Check,
    /// Check every row, then store them all.
    Write,
}

/// What an import did, or (previewed) would do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imported {
    /// New records.
    pub created: usize,
    /// Recorded ones corrected: rows naming their `id`, or matching by key when asked to
    /// update.
    pub updated: usize,
    /// Rows matching a recorded one by key, left as they were.
    pub skipped: usize,
}

/// A row that passed its check: the record it corrects (if any), what it says, and what
/// it says once checked.
struct Checked<E: Entity> {
    line: usize,
    target: Option<E::Id>,
    draft: E::Draft,
    valid: E::Valid,
}

/// New records are stored this many to a statement (the widest, applications, has 28
/// columns: 14,000 values, under SQLite's 32,766).
const ROWS_PER_INSERT: usize = 500;

/// Imports (or, in [`Mode::Check`], only checks) every row of `t` as `E`. Every row is
/// checked first, with what the rows point at looked up once per distinct value, so a bad
/// file is refused with its whole report before anything is written. Corrections are then
/// saved one by one as a form saves them; new records are inserted and audited 500 to a
/// statement, each counted on `job`. `may_write` says whether the importer may change an
/// agency's records; `existing` what to do with a row whose key its agency already has.
#[expect(
    clippy::too_many_arguments,
    reason = "one import's whole setting, passed through"
)]
pub fn run<E: Entity>(
    c: &mut DbConn,
    actor: &Actor,
    t: &Table,
    may_write: &(dyn Fn(AgencyId) -> bool + Sync),
    region: bool,
    existing: Existing,
    mode: Mode,
    job: Option<&Progress>,
) -> AppResult<Imported> {
    let (rows, skipped, mut look) = check::<E>(c, t, may_write, region, existing)?;
    let updated = rows.iter().filter(|r| r.target.is_some()).count();
    let done = Imported {
        created: rows.len() - updated,
        updated,
        skipped,
    };
    if mode == Mode::Check {
        return Ok(done);
    }
    let (corrections, fresh): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| r.target.is_some());
    for row in &corrections {
        look.at_line(row.line);
        E::save(c, &mut look, actor, region, row.target, &row.draft)?;
        if let Some(j) = job {
            j.step();
        }
    }
    let action = format!("{}.create", E::RECORD);
    let mut fresh = fresh.into_iter().map(|r| r.valid).peekable();
    while fresh.peek().is_some() {
        let batch: Vec<E::Valid> = fresh.by_ref().take(ROWS_PER_INSERT).collect();
        let stored = E::insert_many(c, &actor.label, &batch)?;
        audit::record_many(
            c,
            actor,
            stored.iter().map(|r| Change {
                action: &action,
                record_type: E::RECORD,
                record_id: E::id(r).to_string(),
                agency: Some(E::agency(r)),
                summary: json!({ "after": r }),
            }),
        )?;
        if let Some(j) = job {
            j.advance(stored.len());
        }
    }
    Ok(done)
}

/// Each agency's records by key, read once per agency an import names.
struct Keys<E: Entity> {
    known: HashMap<AgencyId, HashMap<String, E::Id>>,
    /// The keys of this file's rows so far, and the line that first gave each.
    seen: HashMap<(AgencyId, String), usize>,
}

impl<E: Entity> Keys<E> {
    fn new() -> Self {
        Self {
            known: HashMap::new(),
            seen: HashMap::new(),
        }
    }

    fn recorded(
        &mut self,
        c: &mut DbConn,
        agency: AgencyId,
        key: &str,
    ) -> AppResult<Option<E::Id>> {
        let known = match self.known.entry(agency) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(
                E::keyed(c, agency)?
                    .into_iter()
                    .map(|(id, k)| (k, id))
                    .collect(),
            ),
        };
        Ok(known.get(key).copied())
    }
}

/// Reads and checks every row as the form would, writing nothing; every problem is reported
/// (up to the cap, the rest counted). Returns the rows to store, how many were skipped, and
/// what was looked up for them, which the writing reuses.
fn check<E: Entity>(
    c: &mut DbConn,
    t: &Table,
    may_write: &(dyn Fn(AgencyId) -> bool + Sync),
    region: bool,
    existing: Existing,
) -> AppResult<(Vec<Checked<E>>, usize, Lookups)> {
    check_header::<E>(t).map_err(AppError::Validation)?;
    let by_code: HashMap<String, AgencyId> = org::directory::all_agencies(c)?
        .into_iter()
        .map(|a| (a.code.to_lowercase(), a.id))
        .collect();
    let mut look = Lookups::default();
    let mut keys = Keys::<E>::new();
    let mut errors = vec![];
    let mut checked = Vec::with_capacity(t.rows.len());
    let mut skipped = 0;
    // Past the cap, problems are only counted: the report keeps its size, the count is exact.
    let mut more = 0;
    // Boxes to tick are read here, where the column is known: a cell that is neither yes nor
    // no is that column's error, not a quiet "no".
    let ticks: Vec<bool> = t
        .header
        .iter()
        .map(|h| {
            E::FIELDS
                .iter()
                .any(|s| s.name == h && matches!(s.input, super::entity::Input::Check))
        })
        .collect();
    for (line, cells) in &t.rows {
        if errors.len() > kernel::validate::IMPORT_MAX_ERRORS {
            more += errors.len() - kernel::validate::IMPORT_MAX_ERRORS;
            errors.truncate(kernel::validate::IMPORT_MAX_ERRORS);
        }
        let mut pairs: Vec<(String, String)> = vec![];
        let mut id = None;
        let mut agency = None;
        let mut bad = false;
        for ((h, v), tick) in t
            .header
            .iter()
            .zip(cells.iter().map(|v| v.trim().to_owned()))
            .zip(&ticks)
        {
            match h.as_str() {
                _ if *tick => match kernel::export::yes_no(&v) {
                    Some(yes) => pairs.push((h.clone(), yes.to_string())),
                    None => {
                        errors.push(at(*line, h, "error-yes-no"));
                        bad = true;
                    }
                },
                "agency_code" => match by_code.get(&v.to_lowercase()) {
                    Some(a) if may_write(*a) => {
                        agency = Some(*a);
                        pairs.push(("agency_id".into(), a.to_string()));
                    }
                    Some(_) => {
                        errors.push(at(*line, h, "error-import-agency-not-yours"));
                        bad = true;
                    }
                    None => {
                        errors.push(at(*line, h, "error-agency-unknown"));
                        bad = true;
                    }
                },
                "id" if !v.is_empty() => id = Some(v),
                "id" => {}
                extra if E::EXTRA.contains(&extra) => {}
                _ => pairs.push((h.clone(), v)),
            }
        }
        if bad {
            continue;
        }
        let draft = match draft_from::<E::Draft>(&pairs) {
            Ok(d) => d,
            Err(e) => {
                errors.extend(at_line(*line, e)?);
                continue;
            }
        };
        let mut before = None;
        if let Some(existing) = &id {
            let found = match E::parse_id(existing) {
                Some(i) => E::find(c, i)?,
                None => None,
            };
            match found {
                Some(r) if Some(E::agency(&r)) == agency => before = Some(r),
                _ => {
                    errors.push(at(*line, "id", "error-import-unknown-id"));
                    continue;
                }
            }
        } else if let (Some(a), Some(k)) = (agency, E::draft_key(&draft)) {
            if let Some(first) = keys.seen.insert((a, k.clone()), *line) {
                errors.push(at(*line, E::KEY, "error-import-repeated").arg("line", first));
                continue;
            }
            if let Some(recorded) = keys.recorded(c, a, &k)? {
                match existing {
                    Existing::Skip => {
                        skipped += 1;
                        continue;
                    }
                    Existing::Update => before = E::find(c, recorded)?,
                    Existing::Refuse => {
                        errors.push(at(*line, E::KEY, "error-import-recorded"));
                        continue;
                    }
                }
            }
        }
        look.at_line(*line);
        match E::check(c, &mut look, region, before.as_ref(), &draft) {
            Ok(valid) => checked.push(Checked {
                line: *line,
                target: before.as_ref().map(E::id),
                draft,
                valid,
            }),
            Err(e) => errors.extend(at_line(*line, e)?),
        }
    }
    if errors.is_empty() && more == 0 {
        Ok((checked, skipped, look))
    } else {
        Err(AppError::Validation(kernel::validate::capped(errors, more)))
    }
}

/// A row's refusal as errors naming its line; anything else (the database failing) stops
/// the import.
fn at_line(line: usize, e: AppError) -> AppResult<Vec<FieldError>> {
    match e {
        AppError::Validation(es) => Ok(es
            .into_iter()
            .map(|mut e| {
                e.field = format!("line {line}: {}", e.field);
                e
            })
            .collect()),
        AppError::BadRequest(mut e) | AppError::Conflict(mut e) => {
            e.field = format!("line {line}: {}", e.field);
            Ok(vec![e])
        }
        e => Err(e),
    }
}
