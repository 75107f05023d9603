//! The inventory's lists as CSV or XLSX, in the columns an import reads back: `agency_code`,
//! the form's fields, and `id` (so an exported sheet, corrected and imported, updates in place).

use axum::response::Response;
use kernel::AppResult;

use super::entity::{Entity, values};

/// The columns of an export or import of `E`.
pub fn columns<E: Entity>() -> Vec<&'static str> {
    std::iter::once("agency_code")
        .chain(E::FIELDS.iter().map(|s| s.name))
        .chain(E::EXTRA.iter().copied())
        .chain(std::iter::once("id"))
        .collect()
}

/// The rows as one record each, in [`columns`] order.
pub fn lines<E: Entity>(rows: &[(E::Row, String)]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|(r, code)| {
            let v = values(r);
            std::iter::once(code.clone())
                .chain(
                    E::FIELDS
                        .iter()
                        .map(|s| s.name)
                        .chain(E::EXTRA.iter().copied())
                        .map(|name| v.get(name).cloned().unwrap_or_default()),
                )
                .chain(std::iter::once(E::id(r).to_string()))
                .collect()
        })
        .collect()
}

/// The download in `format`.
pub fn download<E: Entity>(format: &str, rows: &[(E::Row, String)]) -> AppResult<Response> {
    kernel::export::download(format, E::PATH, &columns::<E>(), lines::<E>(rows))
}
