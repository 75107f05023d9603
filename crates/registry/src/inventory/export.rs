//! The inventory's lists as CSV or XLSX, in the columns an import reads back: `agency_code`,
//! the form's fields, and `id` (so an exported sheet, corrected and imported, updates in place).

use db::DbConn;
use kernel::export::TemplateColumn;
use kernel::i18n::Tr;
use kernel::{AppError, AppResult};

use super::entity::{Entity, Input, draft_from, values};
use crate::lookups::Lookups;

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

/// The columns `E`'s import refuses to leave empty, found by checking an empty row: the
/// template marks what the import's own check requires, not a second list of it.
fn required<E: Entity>(c: &mut DbConn) -> AppResult<Vec<String>> {
    let empty = draft_from::<E::Draft>(&[])?;
    Ok(
        match E::check(c, &mut Lookups::default(), true, None, &empty) {
            Err(AppError::Validation(errors)) => errors
                .into_iter()
                .filter(|e| matches!(e.key, "error-required" | "error-choose"))
                .map(|e| match e.field.as_str() {
                    "agency_id" => "agency_code".to_owned(),
                    _ => e.field,
                })
                .collect(),
            _ => vec![],
        },
    )
}

/// The columns of `E`'s import as its page lists them and its template asks for them: the
/// agencies the importer may record for (`agencies`, codes and names), each field's meaning,
/// whether it is required and, for closed sets, the values it takes.
pub fn template_columns<E: Entity>(
    c: &mut DbConn,
    tr: Tr,
    agencies: &[(String, String)],
) -> AppResult<Vec<TemplateColumn>> {
    let required = required::<E>(c)?;
    let column = |name: &'static str, label, allowed| TemplateColumn {
        name,
        label,
        required: required.iter().any(|r| r == name),
        allowed,
    };
    Ok(std::iter::once(column(
        "agency_code",
        tr.t("import-agency-code"),
        agencies.to_vec(),
    ))
    .chain(E::FIELDS.iter().map(|s| {
        let label = tr.t(&E::label_key(s.name));
        let (label, allowed) = match s.input {
            Input::Choice(values, prefix) => (
                label,
                values()
                    .into_iter()
                    .map(|v| (v.to_owned(), tr.t(&format!("{prefix}{v}"))))
                    .collect(),
            ),
            Input::Check => (label, kernel::export::yes_no_choices(tr)),
            Input::Date => (format!("{label} ({})", tr.t("import-date-format")), vec![]),
            Input::Application => (
                format!("{label} ({})", tr.t("import-application-id")),
                vec![],
            ),
            Input::Text | Input::Number => (label, vec![]),
        };
        column(s.name, label, allowed)
    }))
    .chain(std::iter::once(column(
        "id",
        tr.t("import-id-column"),
        vec![],
    )))
    .collect())
}
