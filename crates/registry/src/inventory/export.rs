//! The inventory's lists as CSV or XLSX, in the columns an import reads back: `agency_code`,
//! the form's fields, and `id` (so an exported sheet, corrected and imported, updates in place).

use super::entity::{Entity, values};

/// The columns of an export or import of `E`.
pub fn columns<E: Entity>() -> Vec<&'static str> {
    std::iter::once("agency_code")
        .chain(E::FIELDS.iter().map(|s| s.name))
        .chain(E::EXTRA.iter().copied())
        .chain(std::iter::once("id"))
        .collect()
}

/// One record in [`columns`] order.
pub fn line<E: Entity>((r, code): &(E::Row, String)) -> Vec<String> {
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
}
