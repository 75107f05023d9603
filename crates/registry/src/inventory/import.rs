//! Import of existing inventories from CSV or XLSX, all or nothing: every row is checked as
//! the form would check it, every bad row is reported with its line and field, and nothing is
//! written unless every row is good (then all of them, in one transaction). A preview only
//! checks, so it writes and locks nothing. A row with an `id` corrects that record.

use std::collections::HashMap;

use db::DbConn;
use kernel::audit::Actor;
use kernel::export::Table;
use kernel::ids::AgencyId;
use kernel::jobs::Progress;
use kernel::{AppError, AppResult, FieldError};

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

/// A row that passed its check: the record it corrects (if any) and what it says.
struct Checked<E: Entity> {
    line: usize,
    target: Option<E::Id>,
    draft: E::Draft,
}

/// Imports (or, in [`Mode::Check`], only checks) every row of `t` as `E`. Every row is
/// checked first, with what the rows point at looked up once per distinct value, so a bad
/// file is refused with its whole report before anything is written; the rows are then
/// stored one by one, each counted on `job`. `may_write` says whether the importer may change
/// an agency's records. Returns how many rows were (or would be) imported.
pub fn run<E: Entity>(
    c: &mut DbConn,
    actor: &Actor,
    t: &Table,
    may_write: &(dyn Fn(AgencyId) -> bool + Sync),
    region: bool,
    mode: Mode,
    job: Option<&Progress>,
) -> AppResult<usize> {
    let (rows, mut look) = check::<E>(c, t, may_write, region)?;
    if mode == Mode::Check {
        return Ok(rows.len());
    }
    for row in &rows {
        if let Some(j) = job {
            j.step();
        }
        look.at_line(row.line);
        E::save(c, &mut look, actor, region, row.target, &row.draft)?;
    }
    Ok(rows.len())
}

/// Reads and checks every row as the form would, writing nothing; every problem is reported
/// (up to the cap, the rest counted). Returns the rows and what was looked up for them, which
/// the writing reuses.
fn check<E: Entity>(
    c: &mut DbConn,
    t: &Table,
    may_write: &(dyn Fn(AgencyId) -> bool + Sync),
    region: bool,
) -> AppResult<(Vec<Checked<E>>, Lookups)> {
    check_header::<E>(t).map_err(AppError::Validation)?;
    let by_code: HashMap<String, AgencyId> = org::directory::all_agencies(c)?
        .into_iter()
        .map(|a| (a.code.to_lowercase(), a.id))
        .collect();
    let mut look = Lookups::default();
    let mut errors = vec![];
    let mut checked = Vec::with_capacity(t.rows.len());
    // Past the cap, problems are only counted: the report keeps its size, the count is exact.
    let mut more = 0;
    for (line, cells) in &t.rows {
        if errors.len() > kernel::validate::IMPORT_MAX_ERRORS {
            more += errors.len() - kernel::validate::IMPORT_MAX_ERRORS;
            errors.truncate(kernel::validate::IMPORT_MAX_ERRORS);
        }
        let mut pairs: Vec<(String, String)> = vec![];
        let mut id = None;
        let mut bad = false;
        for (h, v) in t
            .header
            .iter()
            .zip(cells.iter().map(|v| v.trim().to_owned()))
        {
            match h.as_str() {
                "agency_code" => match by_code.get(&v.to_lowercase()) {
                    Some(a) if may_write(*a) => {
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
        let mut before = None;
        if let Some(existing) = &id {
            let agency = pairs
                .iter()
                .find(|(k, _)| k == "agency_id")
                .and_then(|(_, v)| AgencyId::parse(v));
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
        }
        look.at_line(*line);
        let draft = draft_from::<E::Draft>(&pairs)
            .and_then(|d| E::check(c, &mut look, region, before.as_ref(), &d).map(|()| d));
        match draft {
            Ok(draft) => checked.push(Checked {
                line: *line,
                target: before.as_ref().map(E::id),
                draft,
            }),
            Err(AppError::Validation(es)) => errors.extend(es.into_iter().map(|mut e| {
                e.field = format!("line {line}: {}", e.field);
                e
            })),
            Err(AppError::BadRequest(mut e) | AppError::Conflict(mut e)) => {
                e.field = format!("line {line}: {}", e.field);
                errors.push(e);
            }
            Err(e) => return Err(e),
        }
    }
    if errors.is_empty() && more == 0 {
        Ok((checked, look))
    } else {
        Err(AppError::Validation(kernel::validate::capped(errors, more)))
    }
}
