//! Entries as typed and as checked. The rules are plain functions, tested without a database.

use kernel::FieldError;
use kernel::ids::AgencyId;
use kernel::validate::Checker;
use serde::Deserialize;

kernel::id_type!(
    /// An entry.
    EntryId
);

kernel::text_enum! {
    /// Where an entry stands.
    pub enum Status {
        /// Being written.
        Draft = "draft",
        /// In force.
        Active = "active",
    }
}

/// An entry as typed in the form or sent to the API: text, so that every mistake can be named.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryDraft {
    /// The agency it belongs to.
    #[serde(default)]
    pub agency_id: String,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// `draft` or `active`.
    #[serde(default)]
    pub status: String,
    /// Free text.
    #[serde(default)]
    pub note: String,
}

/// An entry, checked: what the store writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Agency.
    pub agency_id: AgencyId,
    /// Name.
    pub name: String,
    /// Status.
    pub status: Status,
    /// Note.
    pub note: String,
}

/// Checks every field and returns every problem at once, in the form's order.
pub fn validate(d: &EntryDraft) -> Result<Entry, Vec<FieldError>> {
    let mut c = Checker::default();
    let agency_id = if d.agency_id.trim().is_empty() {
        c.push(FieldError::new("agency_id", "error-choose"));
        None
    } else {
        let id = AgencyId::parse(&d.agency_id);
        if id.is_none() {
            c.push(FieldError::new("agency_id", "error-agency-unknown"));
        }
        id
    };
    let name = c.text("name", &d.name, 200);
    let status = c.choice::<Status>("status", &d.status);
    let note = c.optional("note", Some(&d.note), 2000).unwrap_or_default();
    match (c.errors.is_empty(), agency_id, status) {
        (true, Some(agency_id), Some(status)) => Ok(Entry {
            agency_id,
            name,
            status,
            note,
        }),
        _ => Err(c.errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_named_in_the_forms_order() {
        let e = validate(&EntryDraft {
            agency_id: "not-an-id".into(),
            status: "closed".into(),
            ..EntryDraft::default()
        })
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["agency_id", "name", "status"]);
    }

    #[test]
    fn a_good_entry_is_trimmed_and_typed() {
        let agency = AgencyId::new();
        let ok = validate(&EntryDraft {
            agency_id: agency.to_string(),
            name: "  Buku tamu ".into(),
            status: "active".into(),
            note: String::new(),
        });
        assert_eq!(
            ok,
            Ok(Entry {
                agency_id: agency,
                name: "Buku tamu".into(),
                status: Status::Active,
                note: String::new(),
            })
        );
    }
}
