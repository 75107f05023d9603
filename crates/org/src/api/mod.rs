//! The organisation context's JSON API and its shapes (kept apart from the stored rows).

pub mod agency_create;
pub mod agency_get;
pub mod agency_import;
pub mod agency_list;
pub mod agency_update;
pub mod person_create;
pub mod person_get;
pub mod person_import;
pub mod person_list;
pub mod person_update;
pub mod region_get;
pub mod region_put;

use chrono::NaiveDateTime;
use kernel::ids::{AgencyId, PersonId};
use kernel::{AppError, AppResult};
use serde::{Deserialize, Serialize};

use crate::model::{self, AgencyDraft, AgencyKind, PersonDraft, PersonKind};
use crate::store::{AgencyRow, PersonRow};

/// An agency as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Agency {
    /// Id (UUIDv7).
    pub id: AgencyId,
    /// Full name.
    pub name: String,
    /// Short code.
    pub code: String,
    /// Kind.
    pub kind: AgencyKind,
    /// Whether this is the Dinas.
    pub is_dinas: bool,
    /// E-government unit.
    pub egov_unit: Option<String>,
    /// Created (UTC).
    #[serde(serialize_with = "kernel::api::utc")]
    pub created_at: NaiveDateTime,
    /// Last changed (UTC).
    #[serde(serialize_with = "kernel::api::utc")]
    pub updated_at: NaiveDateTime,
}

impl From<AgencyRow> for Agency {
    fn from(r: AgencyRow) -> Self {
        Self {
            id: r.id,
            name: r.name,
            code: r.code,
            kind: r.kind,
            is_dinas: r.is_dinas,
            egov_unit: r.egov_unit,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// The body of a create or update of an agency.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyInput {
    /// Full name (at most 200 characters).
    #[schema(max_length = 200)]
    pub name: String,
    /// Short code: 2–20 upper-case letters, digits or hyphens; unique.
    #[schema(min_length = 2, max_length = 20, pattern = "^[A-Za-z0-9-]{2,20}$")]
    pub code: String,
    /// One of the agency kinds.
    #[schema(value_type = crate::model::AgencyKind)]
    pub kind: String,
    /// Flag this agency as the Dinas (moves the flag from any other).
    #[serde(default)]
    pub is_dinas: bool,
    /// The agency's e-government unit.
    #[serde(default)]
    pub egov_unit: Option<String>,
}

impl From<AgencyInput> for AgencyDraft {
    fn from(i: AgencyInput) -> Self {
        Self {
            name: i.name,
            code: i.code,
            kind: i.kind,
            is_dinas: i.is_dinas,
            egov_unit: i.egov_unit,
        }
    }
}

/// A person as the API shows them: the NIK only masked.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Person {
    /// Id.
    pub id: PersonId,
    /// Agency id.
    pub agency_id: AgencyId,
    /// Full name.
    pub name: String,
    /// Kind of staff.
    pub kind: PersonKind,
    /// ASN number.
    pub nip: Option<String>,
    /// NIK with all but the province and regency codes hidden.
    pub nik_masked: Option<String>,
    /// Position.
    pub position: Option<String>,
    /// Official e-mail.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Created (UTC).
    #[serde(serialize_with = "kernel::api::utc")]
    pub created_at: NaiveDateTime,
    /// Last changed (UTC).
    #[serde(serialize_with = "kernel::api::utc")]
    pub updated_at: NaiveDateTime,
}

impl From<PersonRow> for Person {
    fn from(r: PersonRow) -> Self {
        Self {
            id: r.id,
            agency_id: r.agency_id,
            name: r.name,
            kind: r.kind,
            nip: r.nip,
            nik_masked: r.nik.as_deref().map(model::mask_nik),
            position: r.position,
            email: r.email,
            phone: r.phone,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// The body of a create or update of a person.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    /// The agency the person works in.
    pub agency_id: String,
    /// Full name.
    #[schema(max_length = 200)]
    pub name: String,
    /// `pns`, `pppk` or `non-asn`.
    #[schema(value_type = crate::model::PersonKind)]
    pub kind: String,
    /// 18-digit ASN number (required for PNS and PPPK).
    #[serde(default)]
    #[schema(pattern = "^[0-9]{18}$")]
    pub nip: Option<String>,
    /// 16-digit NIK.
    #[serde(default)]
    #[schema(pattern = "^[0-9]{16}$")]
    pub nik: Option<String>,
    /// Position.
    #[serde(default)]
    pub position: Option<String>,
    /// Official e-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone.
    #[serde(default)]
    pub phone: Option<String>,
}

impl PersonInput {
    /// Splits into the agency and the draft, refusing an agency id that is not a UUID.
    pub fn into_parts(self) -> AppResult<(AgencyId, PersonDraft)> {
        let agency = AgencyId::parse(&self.agency_id)
            .ok_or_else(|| AppError::field("agency_id", "error-agency-unknown"))?;
        Ok((
            agency,
            PersonDraft {
                name: self.name,
                kind: self.kind,
                nip: self.nip,
                nik: self.nik,
                position: self.position,
                email: self.email,
                phone: self.phone,
            },
        ))
    }
}

/// The result of an import.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Imported {
    /// How many records were created.
    pub imported: usize,
}

/// An agency id from the path; anything that is not a UUID is simply not found.
pub fn agency_id(text: &str) -> AppResult<AgencyId> {
    AgencyId::parse(text).ok_or(AppError::NotFound)
}

/// A person id from the path.
pub fn person_id(text: &str) -> AppResult<PersonId> {
    PersonId::parse(text).ok_or(AppError::NotFound)
}
