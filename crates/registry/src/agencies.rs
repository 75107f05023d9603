//! Agency names for the registry's lists, through the organisation's facade: one batched lookup
//! for the agencies on a page, a picker when there are few enough to list, and the agency a
//! list filter names (by id, or by code where agencies are too many for a picker).

use db::DbConn;
use diesel::QueryResult;
use kernel::ids::AgencyId;
use kernel::listing::ListQuery;
use kernel::permissions::Visible;

/// Most agencies listed in a filter's picker; past this, the filter takes a code.
pub const PICKER_MAX: i64 = 300;

/// Each record with its agency's code, in one lookup for the whole page.
pub fn with_codes<R>(
    c: &mut DbConn,
    rows: Vec<R>,
    agency: impl Fn(&R) -> AgencyId,
) -> QueryResult<Vec<(R, String)>> {
    let ids: Vec<AgencyId> = rows.iter().map(&agency).collect();
    let found = org::directory::agencies(c, &ids)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let code = found
                .get(&agency(&r))
                .map(|a| a.code.clone())
                .unwrap_or_default();
            (r, code)
        })
        .collect())
}

/// The visible agencies as `(id, "CODE — Name")` for a filter, or `None` when there are too many
/// to list (a national register has thousands).
pub fn picker(c: &mut DbConn, visible: &Visible) -> QueryResult<Option<Vec<(String, String)>>> {
    if org::directory::agency_count(c)? > PICKER_MAX {
        return Ok(None);
    }
    Ok(Some(
        org::directory::all_agencies(c)?
            .into_iter()
            .filter(|a| visible.includes(a.id))
            .map(|a| (a.id.to_string(), a.label()))
            .collect(),
    ))
}

/// The agency a list's filters name: `agency_id`, else `agency_code`. `None`: no agency filter;
/// `Some(None)`: it names an agency that does not exist (the list is then empty).
pub fn filter(c: &mut DbConn, list: &ListQuery) -> QueryResult<Option<Option<AgencyId>>> {
    if let Some(id) = list.agency("agency_id") {
        return Ok(Some(Some(id)));
    }
    match list.get("agency_code") {
        Some(code) => Ok(Some(org::directory::agency_by_code(c, code)?.map(|a| a.id))),
        None => Ok(None),
    }
}
