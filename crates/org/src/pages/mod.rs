//! The organisation context's pages.

pub mod agency_edit;
pub mod agency_list;
pub mod agency_new;
pub mod agency_show;
pub mod dashboard;
pub mod import;
pub mod person_edit;
pub mod person_list;
pub mod person_new;
pub mod person_show;
pub mod region;

use kernel::form::{FormSpec, check, choice, text};
use kernel::i18n::Tr;
use kernel::ids::AgencyId;
use kernel::layout::choices_of;
use kernel::{AppError, AppResult, FieldError};
use serde::Deserialize;

use crate::model::{AgencyDraft, AgencyKind, PersonDraft, PersonKind};
use crate::store::{AgencyRow, PersonRow};

/// The agency form as typed (every field text, so a bad value can be shown back).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencyForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Code.
    #[serde(default)]
    pub code: String,
    /// Kind.
    #[serde(default)]
    pub kind: String,
    /// "on" when ticked.
    #[serde(default)]
    pub is_dinas: Option<String>,
    /// E-government unit.
    #[serde(default)]
    pub egov_unit: String,
}

impl AgencyForm {
    /// The draft to validate.
    pub fn draft(&self) -> AgencyDraft {
        AgencyDraft {
            name: self.name.clone(),
            code: self.code.clone(),
            kind: self.kind.clone(),
            is_dinas: self.is_dinas.is_some(),
            egov_unit: Some(self.egov_unit.clone()),
        }
    }

    /// The form filled from a stored agency.
    pub fn from_row(r: &AgencyRow) -> Self {
        Self {
            name: r.name.clone(),
            code: r.code.clone(),
            kind: r.kind.as_str().to_owned(),
            is_dinas: r.is_dinas.then(|| "on".to_owned()),
            egov_unit: r.egov_unit.clone().unwrap_or_default(),
        }
    }
}

/// The person form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonForm {
    /// Agency id.
    #[serde(default)]
    pub agency_id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Kind.
    #[serde(default)]
    pub kind: String,
    /// NIP.
    #[serde(default)]
    pub nip: String,
    /// NIK (only ever typed in, never shown back from storage).
    #[serde(default)]
    pub nik: String,
    /// Position.
    #[serde(default)]
    pub position: String,
    /// E-mail.
    #[serde(default)]
    pub email: String,
    /// Phone.
    #[serde(default)]
    pub phone: String,
}

impl PersonForm {
    /// The draft to validate. On edit an empty NIK keeps the stored one.
    pub fn draft(&self, stored_nik: Option<&str>) -> PersonDraft {
        let nik = Some(self.nik.trim().to_owned())
            .filter(|n| !n.is_empty())
            .or(stored_nik.map(str::to_owned));
        PersonDraft {
            name: self.name.clone(),
            kind: self.kind.clone(),
            nip: Some(self.nip.clone()),
            nik,
            position: Some(self.position.clone()),
            email: Some(self.email.clone()),
            phone: Some(self.phone.clone()),
        }
    }

    /// The form filled from a stored person (without the NIK).
    pub fn from_row(r: &PersonRow) -> Self {
        Self {
            agency_id: r.agency_id.to_string(),
            name: r.name.clone(),
            kind: r.kind.as_str().to_owned(),
            nip: r.nip.clone().unwrap_or_default(),
            nik: String::new(),
            position: r.position.clone().unwrap_or_default(),
            email: r.email.clone().unwrap_or_default(),
            phone: r.phone.clone().unwrap_or_default(),
        }
    }
}

/// The agency form's fields.
pub const AGENCY_FORM: FormSpec = FormSpec {
    fields: &[
        text("name", "agency-name"),
        text("code", "agency-code"),
        choice("kind", "agency-kind"),
        check("is_dinas", "agency-is-dinas"),
        text("egov_unit", "agency-egov-unit"),
    ],
};

/// The person form's fields.
pub const PERSON_FORM: FormSpec = FormSpec {
    fields: &[
        choice("agency_id", "person-agency"),
        text("name", "person-name"),
        choice("kind", "person-kind"),
        text("nip", "person-nip"),
        text("nik", "person-nik"),
        text("position", "person-position"),
        text("email", "person-email"),
        text("phone", "person-phone"),
    ],
};

/// The region profile form's fields.
pub const REGION_FORM: FormSpec = FormSpec {
    fields: &[
        text("name", "region-name"),
        choice("kind", "region-kind"),
        text("domain", "region-domain"),
        choice("regulation_pack", "region-pack"),
        text("regulation_number", "region-reg-number"),
        text("regulation_year", "region-reg-year"),
        text("regulation_title", "region-reg-title"),
        choice("subdomain_authority", "region-authority"),
        choice("reporting_chain", "region-chain"),
        choice("time_zone", "region-zone"),
    ],
};

/// The agency a person form names, or the errors of the whole form when it names none: a
/// blank agency asks to choose one, beside every other problem the form has.
pub fn chosen_agency(form: &PersonForm, nik_kept: Option<&str>) -> AppResult<AgencyId> {
    match AgencyId::parse(&form.agency_id) {
        Some(a) => Ok(a),
        None => {
            let key = if form.agency_id.trim().is_empty() {
                "error-choose"
            } else {
                "error-agency-unknown"
            };
            let mut errors = vec![FieldError::new("agency_id", key)];
            let today = chrono::Utc::now().date_naive();
            if let Err(more) = crate::model::validate_person(&form.draft(nik_kept), today, None) {
                errors.extend(more);
            }
            Err(AppError::Validation(errors))
        }
    }
}

/// No errors, for filter forms that share the field macros.
pub fn no_errors() -> kernel::layout::FormErrors {
    kernel::layout::FormErrors::default()
}

/// Agency kinds for a select.
pub fn agency_kinds(tr: Tr) -> Vec<(String, String)> {
    choices_of::<AgencyKind>(tr, "agency-kind-")
}

/// Person kinds for a select.
pub fn person_kinds(tr: Tr) -> Vec<(String, String)> {
    choices_of::<PersonKind>(tr, "person-kind-")
}
